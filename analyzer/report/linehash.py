"""GitHub code scanning's `primaryLocationLineHash`, computed as github/codeql-action does.

The upload-sarif action fills this fingerprint in when it is missing, but the REST upload does
not, so we compute it ourselves with the same algorithm (codeql-action `src/fingerprints.ts`):

- the file is read as text and walked in UTF-16 code units;
- spaces and tabs are skipped, a LF right after a CR is skipped, and a CR counts as a LF;
- a rolling hash over a window of 100 units, `hash = hash * 37 + unit - 37**100 * leaving_unit`
  modulo 2**64, is taken when a line's first unit has gone through the whole window: so a
  line's hash covers the first 100 kept units from the start of that line on (which may reach
  into the next lines); the end of the file adds one unit 65535 and then zeros;
- the value is written in lowercase hexadecimal without leading zeros, followed by `:n`, where
  n counts the lines with the same hash so far (1 for the first).

Because only content is hashed, the value moves with the line when lines are inserted above it.
"""
from __future__ import annotations

from array import array
import sys

BLOCK_SIZE = 100
MULTIPLIER = 37
_MASK = (1 << 64) - 1
_FIRST_MOD = pow(MULTIPLIER, BLOCK_SIZE, 1 << 64)
_TAB, _SPACE, _LF, _CR = 9, 32, 10, 13
_EOF = 65535


def _utf16_units(text: str) -> array:
    units = array("H", text.encode("utf-16-le"))
    if sys.byteorder == "big":
        units.byteswap()
    return units


def line_hashes(text: str, last_line: int | None = None) -> list[str]:
    """The `primaryLocationLineHash` of each line of `text` (item 0 is line 1).

    With `last_line`, stop once that line's hash is known (later lines cannot change it).
    """
    window = [0] * BLOCK_SIZE
    line_at = [0] * BLOCK_SIZE  # the line that starts at this window slot, 0 for none
    hashes: list[str] = []
    counts: dict[str, int] = {}
    value = 0
    index = 0
    line = 0
    line_start = True
    prev_cr = False

    def emit() -> None:
        hex_value = format(value, "x")
        counts[hex_value] = counts.get(hex_value, 0) + 1
        hashes.append(f"{hex_value}:{counts[hex_value]}")
        line_at[index] = 0

    def units():
        yield from _utf16_units(text)
        yield _EOF

    for unit in units():
        if unit == _SPACE or unit == _TAB or (prev_cr and unit == _LF):
            prev_cr = False
            continue
        if unit == _CR:
            unit = _LF
            prev_cr = True
        else:
            prev_cr = False
        if line_at[index]:
            emit()
            if last_line is not None and len(hashes) >= last_line:
                return hashes
        if line_start:
            line_start = False
            line += 1
            line_at[index] = line
        if unit == _LF:
            line_start = True
        value = (value * MULTIPLIER + unit - _FIRST_MOD * window[index]) & _MASK
        window[index] = unit
        index = (index + 1) % BLOCK_SIZE

    for _ in range(BLOCK_SIZE):
        if line_at[index]:
            emit()
        value = (value * MULTIPLIER - _FIRST_MOD * window[index]) & _MASK
        window[index] = 0
        index = (index + 1) % BLOCK_SIZE
    return hashes
