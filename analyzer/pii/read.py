"""Read a data file's rows within a byte budget: CSV/TSV (any dialect, header or not), JSON Lines,
JSON arrays of records, plain text lines, and Parquet with the optional pyarrow.

How a sample is taken (deterministic: the same file gives the same sample on every machine):

- A file no larger than the budget is read whole, every row is parsed and the sample is complete.
- A larger file is read in two parts that together never exceed the budget: its head (half the
  budget, cut at the last newline), then WINDOWS windows of equal size, one per equal slice of
  the rest of the file, each at an offset inside its slice drawn from `random.Random(seed)`.
  A window drops the partial line at each end (it resyncs at the next newline), and its rows are
  parsed like the head's. Nothing else is read, so a 1 GB file costs the budget, not its size.
- Rows: the first `head_rows` rows are always kept (header-adjacent rows are where examples sit),
  then a reservoir sample (Algorithm R, seeded) of at most `max_rows` over every other row parsed.

Every read goes through `Source`, which counts the bytes and refuses to read past the budget.
"""
from __future__ import annotations

import csv
import io
import json
import os
import random
import re
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

from analyzer.pii.detectors import HINTS, name_words

DEFAULT_BUDGET = 4 * 1024 * 1024
HEAD_ROWS = 200
MAX_ROWS = 10_000
WINDOWS = 16
SEED = 1
MAX_CELL = 8192          # characters of one value that detectors look at
MAX_LEAVES = 500         # values taken from one JSON record
SNIFF_BYTES = 64 * 1024
SNIFFER_CHARS = 8192
LFS_POINTER = b"version https://git-lfs.github.com/spec/v1"

FORMATS = {".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".psv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl",
           ".jsonlines": "jsonl", ".json": "json", ".parquet": "parquet", ".pq": "parquet", ".txt": "text"}


class Source:
    """A file's bytes read by offset, within a budget. `read_at(offset, length) -> bytes` returns
    fewer bytes at the end of the file. Every byte returned counts against the budget."""

    def __init__(self, read_at: Callable[[int, int], bytes], size: int | None, budget: int) -> None:
        self._read_at = read_at
        self.budget = budget
        self.bytes_read = 0
        self.size = size if size is not None else self._probe_size()

    def read(self, offset: int, length: int) -> bytes:
        length = max(0, min(length, self.budget - self.bytes_read))
        if length == 0 or offset < 0:
            return b""
        try:
            data = bytes(self._read_at(offset, length) or b"")[:length]
        except (OSError, ValueError):
            return b""
        self.bytes_read += len(data)
        return data

    def _probe_size(self) -> int:
        """The size of a source given only as a function: doubling, then bisecting, on
        one-byte reads (about 2 * log2(size) bytes of the budget)."""
        if not self.read(0, 1):
            return 0
        low, high = 1, 2  # invariant: a byte at offset low - 1, none at high - 1
        while self.read(high - 1, 1):
            low, high = high, high * 2
            if high > 1 << 50 or self.bytes_read >= self.budget:
                return low
        while high - low > 1:
            middle = (low + high) // 2
            if self.read(middle - 1, 1):
                low = middle
            else:
                high = middle
        return low


def open_source(read_bytes, budget: int, size: int | None = None):
    """A Source from a file path, bytes in memory or a `read(offset, length)` function; and the
    file handle to close (or None)."""
    if isinstance(read_bytes, (bytes, bytearray, memoryview)):
        data = bytes(read_bytes)
        return Source(lambda offset, length: data[offset:offset + length], len(data), budget), None
    if callable(read_bytes):
        return Source(read_bytes, size, budget), None
    handle = open(os.fspath(read_bytes), "rb")

    def read_at(offset: int, length: int) -> bytes:
        handle.seek(offset)
        return handle.read(length)

    return Source(read_at, os.fstat(handle.fileno()).st_size if size is None else size, budget), handle


@dataclass
class Sample:
    """The rows read from one file. `rows` maps column -> the column's values in that row (a
    list: a JSON path through lists has several)."""

    columns: list[str] = field(default_factory=list)
    rows: list[dict[str, list[str]]] = field(default_factory=list)
    header_cells: dict[str, tuple[int, int]] = field(default_factory=dict)  # column -> byte range in line 1
    first_line: bytes = b""   # the file's first line (without its newline), for spans
    rows_read: int = 0        # rows parsed (the sample is drawn from them)
    complete: bool = True     # every row of the file was read
    note: str = ""            # why the file was not (fully) read
    format: str = ""


class Reservoir:
    """The first `head` items, then Algorithm R over the rest with a seeded generator."""

    def __init__(self, head: int, size: int, seed: int) -> None:
        self.head, self.size = head, size
        self.items: list = []
        self.rest: list = []
        self.seen = 0
        self.rng = random.Random(seed)

    def offer(self, item) -> bool:
        """Whether the item is kept (it may be replaced later)."""
        self.seen += 1
        if len(self.items) < self.head:
            self.items.append(item)
            return True
        n = self.seen - self.head
        if len(self.rest) < self.size:
            self.rest.append(item)
            return True
        j = self.rng.randrange(n)
        if j < self.size:
            self.rest[j] = item
            return True
        return False

    def sample(self) -> list:
        return self.items + self.rest


def chunks(source: Source, seed: int) -> tuple[list[bytes], bool]:
    """The byte chunks to parse, whole lines only, and whether they are the whole file. The
    first chunk starts at offset 0; the others start after a newline."""
    size = source.size
    if size <= source.budget:
        return [source.read(0, size)], True
    head = source.read(0, source.budget // 2)
    cut = head.rfind(b"\n")
    head = head[:cut + 1] if cut >= 0 else head
    start = len(head)
    window = (source.budget - source.bytes_read) // WINDOWS
    found = [head]
    if window <= 0:
        return found, False
    stride = (size - start) / WINDOWS
    rng = random.Random(seed)
    for i in range(WINDOWS):
        offset = start + int(i * stride + rng.random() * max(0.0, stride - window))
        data = source.read(offset, window)
        first = data.find(b"\n")
        last = data.rfind(b"\n")
        if offset + len(data) >= size:  # the file's last line has no newline after it
            last = len(data) - 1
        if 0 <= first < last:
            found.append(data[first + 1:last + 1])
    return found, False


def decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    return data.decode("utf-8", errors="replace")


def read_sample(path: str, source: Source, *, fmt: str = "", seed: int = SEED, head_rows: int = HEAD_ROWS,
                max_rows: int = MAX_ROWS) -> Sample:
    """Rows of the file at `path` (its name picks the format unless `fmt` is given)."""
    fmt = fmt or format_of(path)
    if fmt == "parquet":
        return _parquet(source, seed, head_rows, max_rows)
    if source.size == 0:
        return Sample(format=fmt)
    parts, complete = chunks(source, seed)
    if parts[0].startswith(LFS_POINTER):
        return Sample(note="a Git LFS pointer: the data is not in the checkout", format=fmt)
    first_line = parts[0].split(b"\n", 1)[0].rstrip(b"\r")
    reservoir = Reservoir(head_rows, max_rows, seed)
    if fmt == "json":
        stripped = parts[0].lstrip(b"\xef\xbb\xbf \t\r\n")
        if not stripped.startswith(b"["):
            fmt = "jsonl" if _looks_like_json_lines(parts[0]) else "json-object"
    if fmt in ("csv", "tsv"):
        sample = _csv(parts, fmt, reservoir)
    elif fmt == "jsonl":
        sample = _lines(parts, reservoir, json_lines=True)
    elif fmt == "text":
        sample = _lines(parts, reservoir, json_lines=False)
    elif fmt in ("json", "json-object"):
        sample = _json(parts, complete, reservoir)
    else:
        return Sample(note=f"not a data format aiposture reads ({fmt or 'unknown'})")
    sample.first_line = first_line
    sample.complete = complete and sample.complete
    sample.rows_read = reservoir.seen
    sample.rows = reservoir.sample()
    sample.format = fmt
    return sample


def format_of(path: str) -> str:
    name = path.lower()
    dot = name.rfind(".")
    return FORMATS.get(name[dot:], "") if dot >= 0 else ""


def _looks_like_json_lines(head: bytes) -> bool:
    lines = [line for line in head[:SNIFF_BYTES].split(b"\n")[:3] if line.strip()]
    if len(lines) < 2:
        return False
    try:
        return all(isinstance(json.loads(line), dict) for line in lines[:2])
    except ValueError:
        return False


# --- CSV and TSV ----------------------------------------------------------------------------------

_DELIMITERS = ",\t;|"


def sniff(text: str, fmt: str) -> tuple[str, str]:
    """(delimiter, quotechar) from the first lines. csv.Sniffer first, restricted to the usual
    delimiters and accepted only when it splits the lines consistently; then the delimiter whose
    count is the same on most lines; then the extension's."""
    lines = [line for line in text[:SNIFF_BYTES].splitlines()[:50] if line.strip()]
    try:
        # csv.Sniffer's quote regex is quadratic in the worst case: give it 8 KB at most
        dialect = csv.Sniffer().sniff("\n".join(lines)[:SNIFFER_CHARS], delimiters=_DELIMITERS)
        if _consistent(lines, dialect.delimiter, dialect.quotechar or '"'):
            return dialect.delimiter, dialect.quotechar or '"'
    except csv.Error:
        pass
    best, best_score = "\t" if fmt == "tsv" else ",", 0
    for delimiter in _DELIMITERS:
        counts = [len(row) for row in _rows(lines, delimiter, '"')]
        if not counts or max(counts) < 2:
            continue
        common = max(set(counts), key=counts.count)
        score = counts.count(common) * (common > 1)
        if score > best_score:
            best, best_score = delimiter, score
    return best, '"'


def _rows(lines: list[str], delimiter: str, quotechar: str) -> list[list[str]]:
    try:
        return list(csv.reader(lines, delimiter=delimiter, quotechar=quotechar))
    except csv.Error:
        return []


def _consistent(lines: list[str], delimiter: str, quotechar: str) -> bool:
    counts = [len(row) for row in _rows(lines, delimiter, quotechar)]
    if not counts or max(counts) < 2:
        return False
    common = max(set(counts), key=counts.count)
    return common > 1 and counts.count(common) >= 0.8 * len(counts)


_NAME_LIKE = re.compile(r"[A-Za-z_][\w .()/#-]{0,63}")
_DIGIT = re.compile(r"\d")


def has_header(rows: list[list[str]]) -> bool:
    """Whether the first row names the columns: its cells are unique, non-empty, name-like
    (a letter first, no "@", no number) and they differ from the values below them (in digits,
    in case, or by csv.Sniffer's own test on types and lengths)."""
    if len(rows) < 2:
        return bool(rows) and all(_NAME_LIKE.fullmatch(c.strip()) for c in rows[0]) and len(rows[0]) > 1
    first, rest = rows[0], [r for r in rows[1:21] if len(r) == len(rows[0])]
    cells = [c.strip() for c in first]
    if not rest or not all(cells) or len(set(cells)) != len(cells):
        return False
    if not all(_NAME_LIKE.fullmatch(c) for c in cells):
        return False
    if any(w in HINTS for c in cells for w in name_words(c)):
        return True
    for i, cell in enumerate(cells):
        values = [r[i].strip() for r in rest if r[i].strip()]
        if not values:
            continue
        digits_below = sum(bool(_DIGIT.search(x)) for x in values) / len(values)
        if not _DIGIT.search(cell) and digits_below >= 0.5:
            return True
        if cell.islower() and sum(not x.islower() for x in values) / len(values) >= 0.5:
            return True
    try:
        text = "\n".join(",".join('"' + c.replace('"', '""') + '"' for c in row) for row in [first, *rest])
        return csv.Sniffer().has_header(text[:SNIFFER_CHARS])
    except csv.Error:
        return False


def header_cells(line: bytes, delimiter: str, quotechar: str) -> list[tuple[int, int]]:
    """The byte range of each field of the first line (quotes included)."""
    d, q = ord(delimiter), ord(quotechar)
    cells, start, i, quoted = [], 0, 0, False
    offset = 3 if line.startswith(b"\xef\xbb\xbf") else 0
    start = i = offset
    while i < len(line):
        ch = line[i]
        if quoted:
            if ch == q:
                if i + 1 < len(line) and line[i + 1] == q:
                    i += 1
                else:
                    quoted = False
        elif ch == q and i == start:
            quoted = True
        elif ch == d:
            cells.append((start, i))
            start = i + 1
        i += 1
    cells.append((start, len(line)))
    return cells


def _csv_rows(text: str, delimiter: str, quotechar: str) -> Iterator[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar=quotechar)
    errors = 0
    while True:
        try:
            yield next(reader)
        except StopIteration:
            return
        except csv.Error:  # a field over the size limit, a NUL: skip the row, go on (bounded)
            errors += 1
            if errors > 1000:
                return


def _csv(parts: list[bytes], fmt: str, reservoir: Reservoir) -> Sample:
    head = decode(parts[0])
    delimiter, quotechar = sniff(head, fmt)
    probe = [r for r in _csv_rows(head[:SNIFF_BYTES], delimiter, quotechar) if any(c.strip() for c in r)][:21]
    if not probe:
        return Sample()
    counts = [len(r) for r in probe]
    width = max(set(counts), key=counts.count)
    header = has_header(probe)
    if header:
        width = len(probe[0])
        columns = [safe_key(c.strip()) or f"column {i + 1}" for i, c in enumerate(probe[0])]
        columns = [c if columns.count(c) == 1 else f"{c} ({i + 1})" for i, c in enumerate(columns)]
    else:
        columns = [f"column {i + 1}" for i in range(width)]
    sample = Sample(columns=columns)
    if header:
        first = parts[0].split(b"\n", 1)[0].rstrip(b"\r")
        cells = header_cells(first, delimiter, quotechar)
        if len(cells) == width:
            sample.header_cells = dict(zip(columns, cells))
    for index, part in enumerate(parts):
        rows = _csv_rows(head if index == 0 else decode(part), delimiter, quotechar)
        if index == 0 and header:
            next(rows, None)
        for row in rows:
            if len(row) != width or not any(row):  # a blank line, or a window that landed inside a quoted field
                continue
            reservoir.offer({c: [v[:MAX_CELL]] for c, v in zip(columns, row) if v})
    return sample


# --- JSON Lines, text lines, JSON arrays -------------------------------------------------------------

def _lines(parts: list[bytes], reservoir: Reservoir, json_lines: bool) -> Sample:
    columns: dict[str, None] = {}
    for part in parts:
        for line in decode(part).split("\n"):
            if not line.strip():
                continue
            # keep raw lines in the reservoir; parse only the ones kept
            reservoir.offer(line)
    rows = []
    for line in reservoir.sample():
        if json_lines:
            try:
                record = json.loads(line)
            except (ValueError, RecursionError):
                continue
            row = flatten(record)
        else:
            row = {"text": [line.rstrip("\r")[:MAX_CELL]]}
        columns.update(dict.fromkeys(row))
        rows.append(row)
    reservoir.items, reservoir.rest = rows, []
    return Sample(columns=list(columns))


_BOUNDARY = re.compile(r"\}\s{0,200},\s{0,200}(?=\{)")


def _json(parts: list[bytes], complete: bool, reservoir: Reservoir) -> Sample:
    """An array of records (or an object holding one). Read whole when it fits the budget; else
    records are decoded one by one from the head, and in each window from the first `},{`
    boundary whose record shares keys with the head's records."""
    columns: dict[str, None] = {}

    def offer(record) -> None:
        row = flatten(record)
        columns.update(dict.fromkeys(row))
        reservoir.offer(row)

    if complete:
        try:
            data = json.loads(decode(parts[0]))
        except (ValueError, RecursionError):
            return Sample(note="not valid JSON")
        for record in _records(data):
            offer(record)
        return Sample(columns=list(columns))
    decoder = json.JSONDecoder()
    head_keys: set[str] = set()
    for index, part in enumerate(parts):
        text = decode(part)
        if index == 0:
            pos = text.find("[") + 1
        else:
            pos = 0
            for match in _BOUNDARY.finditer(text):
                try:
                    record, _ = decoder.raw_decode(text, match.end())
                except (ValueError, RecursionError):
                    continue
                if isinstance(record, dict) and (not head_keys or head_keys & set(record)):
                    pos = match.end()
                    break
        if pos <= 0:
            continue
        while True:
            while pos < len(text) and text[pos] in " \t\r\n,":
                pos += 1
            if pos >= len(text) or text[pos] == "]":
                break
            try:
                record, pos = decoder.raw_decode(text, pos)
            except (ValueError, RecursionError):
                break  # the budget's end cut the record
            if index == 0 and isinstance(record, dict):
                head_keys.update(record)
            offer(record)
    return Sample(columns=list(columns))


def _records(data) -> Iterable:
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        # {"data": [...]}: the largest list of records among the values, else the object itself
        lists = [v for v in data.values() if isinstance(v, list) and v and isinstance(v[0], dict)]
        if lists:
            return max(lists, key=len)
        return [data]
    return [data]


_UNSAFE_KEY = re.compile(r"@|\d{5}")


def safe_key(key: str) -> str:
    """A key fit to print: one that may itself be personal data (an email, a long number) or
    is very long is shown as "*"."""
    return "*" if len(key) > 64 or _UNSAFE_KEY.search(key) else key


def flatten(value, prefix: str = "") -> dict[str, list[str]]:
    """A JSON value as {path: [strings]}: nested keys joined with ".", list items as "[*]"
    ({"messages": [{"content": "hi"}]} -> {"messages[*].content": ["hi"]}). Bounded in depth and
    in the number of values."""
    out: dict[str, list[str]] = {}
    stack = [(prefix, value, 0)]
    leaves = 0
    while stack and leaves < MAX_LEAVES:
        path, item, depth = stack.pop()
        if isinstance(item, dict):
            if depth < 8:
                for key, inner in reversed(list(item.items())[:MAX_LEAVES]):
                    name = safe_key(str(key))
                    stack.append((f"{path}.{name}" if path else name, inner, depth + 1))
        elif isinstance(item, list):
            if depth < 8:
                for inner in reversed(item[:MAX_LEAVES]):
                    stack.append((path + "[*]", inner, depth + 1))
        elif isinstance(item, str):
            if item:
                out.setdefault(path or "value", []).append(item[:MAX_CELL])
                leaves += 1
        elif isinstance(item, int) and not isinstance(item, bool):
            out.setdefault(path or "value", []).append(str(item))  # an SSN or phone stored as a number
            leaves += 1
    return out


# --- Parquet (optional: pyarrow) -------------------------------------------------------------------

class _File(io.RawIOBase):
    """A Source as a seekable binary file, for pyarrow."""

    def __init__(self, source: Source) -> None:
        self.source, self.pos = source, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        self.pos = offset if whence == 0 else self.pos + offset if whence == 1 else self.source.size + offset
        return self.pos

    def tell(self) -> int:
        return self.pos

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            size = self.source.size - self.pos
        data = self.source.read(self.pos, min(size, max(0, self.source.size - self.pos)))
        self.pos += len(data)
        return data

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)


def _parquet(source: Source, seed: int, head_rows: int, max_rows: int) -> Sample:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        return Sample(note="Parquet needs the optional extra: pip install 'aiposture[parquet]'", format="parquet",
                      complete=False)
    reservoir = Reservoir(head_rows, max_rows, seed)
    try:
        parquet = pq.ParquetFile(pa.PythonFile(_File(source), mode="r"))
        meta = parquet.metadata
        names = [f.name for f in parquet.schema_arrow
                 if pa.types.is_string(f.type) or pa.types.is_large_string(f.type) or pa.types.is_integer(f.type)
                 or (pa.types.is_dictionary(f.type) and pa.types.is_string(f.type.value_type))]
        if not names:
            return Sample(format="parquet")
        positions = [parquet.schema_arrow.get_field_index(n) for n in names]
        # row groups to read: the first, then others in a seeded order, while their columns fit the budget
        order = list(range(1, meta.num_row_groups))
        random.Random(seed).shuffle(order)
        chosen, left = [], source.budget - source.bytes_read
        for group in [0, *order] if meta.num_row_groups else []:
            columns = meta.row_group(group)
            cost = sum(columns.column(i).total_compressed_size for i in positions if i < columns.num_columns)
            if cost <= left:
                chosen.append(group)
                left -= cost
        complete = len(chosen) == meta.num_row_groups
        for group in sorted(chosen):
            table = parquet.read_row_group(group, columns=names)
            for record in table.to_pylist():
                reservoir.offer({safe_key(k): [str(v)[:MAX_CELL]] for k, v in record.items() if v not in (None, "")})
    except Exception as error:  # pyarrow raises many types on a damaged or truncated file
        return Sample(note=f"not a readable Parquet file ({type(error).__name__})", format="parquet", complete=False)
    note = "" if chosen or not meta.num_row_groups else "its first row group is larger than the byte budget"
    return Sample(columns=[safe_key(n) for n in names], rows=reservoir.sample(), rows_read=reservoir.seen,
                  complete=complete, note=note, format="parquet")
