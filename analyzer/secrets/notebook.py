"""Where in a Jupyter notebook a byte offset falls: a code cell, a markdown cell or an output.

Keys are found on the notebook's raw bytes (so their positions are the file's own, escapes and
all); this walk only names the part of the notebook each hit is in, and runs only for notebooks
with hits. It tokenizes the JSON with one linear pattern (a string is one token, however long: a
base64 image costs one regex step, not one Python step) and keeps the path of keys and indexes.
"""
from __future__ import annotations

import json
import re

# the next quote or punctuation (numbers, literals and whitespace are skipped: only keys and
# string values matter here), and a JSON string at a quote (the unrolled form: linear)
_NEXT = re.compile(rb'["{}\[\]:,]')
_STRING = re.compile(rb'"[^"\\\n]*(?:\\.[^"\\\n]*)*"')


def notebook_contexts(data: bytes, offsets: list[int]) -> dict[int, str]:
    """For each offset: "notebook-code", "notebook-markdown", "notebook-output",
    "notebook-metadata" or "notebook" (anywhere else, or when the JSON is broken)."""
    result = {offset: "notebook" for offset in offsets}
    if not offsets:
        return result
    pending = sorted(set(offsets))
    last = pending[-1]
    found: dict[int, tuple] = {}  # offset -> path
    stack: list[list] = []  # ["obj", key, expecting_key] | ["arr", index]
    cell_types: dict[int, str] = {}
    i = 0
    pos = 0
    while True:
        match = _NEXT.search(data, pos)
        if match is None or match.start() > last:
            break
        if match.group() == b'"':
            # an unterminated string means broken JSON: stop (a retry at every later quote
            # would make the walk quadratic)
            match = _STRING.match(data, match.start())
            if match is None:
                break
        pos = match.end()
        tok = match.group()
        first = tok[:1]
        if first == b'"':
            top = stack[-1] if stack else None
            if top is not None and top[0] == "obj" and top[2]:
                top[1] = _decode(tok) if len(tok) < 200 else None
                continue
            start, end = match.span()
            path = tuple(frame[1] for frame in stack)
            # cells[i].cell_type decides what cells[i].source is
            if len(path) == 3 and path[0] == "cells" and path[2] == "cell_type" and isinstance(path[1], int):
                cell_types[path[1]] = _decode(tok) or ""
            while i < len(pending) and pending[i] < start:
                i += 1
            while i < len(pending) and pending[i] < end:
                found[pending[i]] = path
                i += 1
        elif first == b"{":
            stack.append(["obj", None, True])
        elif first == b"[":
            stack.append(["arr", 0])
        elif first in (b"}", b"]"):
            if stack:
                stack.pop()
        elif first == b":":
            if stack and stack[-1][0] == "obj":
                stack[-1][2] = False
        elif first == b",":
            if stack:
                top = stack[-1]
                if top[0] == "obj":
                    top[1], top[2] = None, True
                else:
                    top[1] += 1
    for offset, path in found.items():
        result[offset] = _classify(path, cell_types)
    # a hit spanning from inside one string token into another never happens (tokens end at
    # quotes, keys never contain one), so an offset not found stays "notebook"
    return result


def _decode(tok: bytes) -> str | None:
    try:
        value = json.loads(tok)
    except ValueError:
        return None
    return value if isinstance(value, str) else None


def _classify(path: tuple, cell_types: dict[int, str]) -> str:
    if len(path) >= 3 and path[0] == "cells" and isinstance(path[1], int):
        part = path[2]
        if part in ("outputs", "attachments"):
            return "notebook-output"
        if part == "source":
            return "notebook-markdown" if cell_types.get(path[1]) == "markdown" else "notebook-code"
        if part == "metadata":
            return "notebook-metadata"
    if path and path[0] == "metadata":
        return "notebook-metadata"
    return "notebook"
