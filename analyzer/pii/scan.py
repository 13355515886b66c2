"""Personal data in one data file, reported per column and kind of data (AIP7xx), and which files
are training data. See the package docstring."""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Sequence

from analyzer.check import Check, Status
from analyzer.findings import Finding
from analyzer.pii import detectors as d
from analyzer.pii.read import DEFAULT_BUDGET, HEAD_ROWS, MAX_ROWS, SEED, Sample, open_source, read_sample
from analyzer.text import LineIndex, span

FRAMEWORK = "data"
MAX_EXAMPLES = 2

# --- which files are training data ----------------------------------------------------------------

# folders whose data files are training, evaluation or fine-tuning data (any depth, any case)
DATA_FOLDERS = frozenset({
    "data", "datasets", "dataset", "training", "training_data", "training-data", "train", "train_data",
    "corpus", "corpora", "fine-tune", "finetune", "fine_tune", "fine-tuning", "finetuning", "fine_tuning",
    "samples", "eval", "evals", "evaluation", "validation", "raw_data", "labeled", "labelled", "annotations",
    "prompts", "sft", "rlhf", "dpo", "instructions",
})
# the formats analyzer.pii reads (.txt only when named by a glob or a pipeline: a folder of
# notes is not a corpus by default)
DATA_SUFFIXES = (".csv", ".tsv", ".tab", ".psv", ".jsonl", ".ndjson", ".jsonlines", ".json", ".parquet", ".pq")
READABLE_SUFFIXES = DATA_SUFFIXES + (".txt",)
# file names that say training data wherever they are: train.csv, finetune_v2.jsonl, sft-data.jsonl
_DATA_STEM = re.compile(r"(?:train|training|finetune|fine[-_]tune|fine[-_]tuning|sft|eval|evaluation|valid|validation)"
                        r"(?:[-_.][\w.-]{0,100})?|[\w.-]{0,100}[-_](?:train|training|finetune|sft|eval|valid|validation)")


@lru_cache(maxsize=16)
def _globs(globs: tuple[str, ...]):
    from analyzer.config import compile_globs

    return compile_globs(globs)


@lru_cache(maxsize=16)
def _normal_set(paths: frozenset[str]) -> frozenset[str]:
    return frozenset(_normal(p) for p in paths)


def _normal(path: str) -> str:
    path = path.replace("\\", "/")
    while path.startswith("./"):
        path = path[2:]
    return path.strip("/")


def is_training_data(relative_path: str, globs: Sequence[str] = (), referenced: frozenset[str] | set[str] = frozenset()) -> bool:
    """Whether a repository-relative file is training data to scan for personal data: a file a
    pipeline, SageMaker channel or notebook reads (`referenced`), a file matching one of the
    configured `globs` (gitignore-like, relative to the scan root), or a data file (.csv, .tsv,
    .jsonl, .ndjson, .json, .parquet) in one of DATA_FOLDERS or named like training data
    (train.csv, sft-v2.jsonl). Referenced and globbed files must be a format we read (the
    DATA_SUFFIXES and .txt)."""
    path = _normal(relative_path)
    lower = path.lower()
    if not lower.endswith(READABLE_SUFFIXES):
        return False
    if referenced and path in _normal_set(frozenset(referenced)):
        return True
    if globs and _globs(tuple(globs))(path):
        return True
    if not lower.endswith(DATA_SUFFIXES):
        return False
    parts = lower.split("/")
    if any(part in DATA_FOLDERS for part in parts[:-1]):
        return True
    stem = parts[-1].rsplit(".", 1)[0]
    if stem.endswith((".csv", ".json", ".tsv")):  # train.csv.json and similar
        stem = stem.rsplit(".", 1)[0]
    return bool(_DATA_STEM.fullmatch(stem))


# --- masking: never a value in full -------------------------------------------------------------

def _keep_last(value: str, keep: int) -> str:
    """Every letter and digit but the last `keep` starred (all of them when the value is short)."""
    alnum = sum(ch.isalnum() for ch in value)
    if alnum <= keep * 2:
        keep = 0
    out, left = [], keep
    for ch in reversed(value):
        if ch.isalnum():
            out.append(ch if left > 0 else "*")
            left -= 1
        else:
            out.append(ch)
    return "".join(reversed(out))


def _initials(value: str) -> str:
    return " ".join((w[0] + "***") if w[0].isalpha() else "*" * min(len(w), 3) for w in value.split()[:6])


def mask(entity: str, value: str) -> str:
    """A display form that shows the shape and at most a few characters: `j***@e***.com`,
    `***-**-1234`, `************1111`, `J*** S***`."""
    value = value.strip()[:80]
    if entity == d.EMAIL:
        local, _, domain = value.rpartition("@")
        host, _, tld = domain.rpartition(".")
        return f"{local[:1]}***@{host[:1]}***.{tld}"
    if entity == d.US_SSN:
        return "***-**-" + re.sub(r"\D", "", value)[-4:]
    if entity == d.CREDIT_CARD:
        number = re.sub(r"\D", "", value)
        return "*" * (len(number) - 4) + number[-4:]
    if entity == d.IBAN:
        code = value.replace(" ", "")
        return code[:2] + "*" * (len(code) - 6) + code[-4:]
    if entity == d.PHONE:
        return _keep_last(value, 2)
    if entity == d.IP_ADDRESS:
        if "." in value and ":" not in value:
            return value.split(".", 1)[0] + ".*.*.*"
        return value.split(":", 1)[0] + ":*"
    if entity == d.DATE_OF_BIRTH:
        return re.sub(r"[A-Za-z]", "*", re.sub(r"\d", "*", value))
    if entity in (d.PERSON, d.ADDRESS):
        return _initials(value)
    return _keep_last(value, 2)  # passports, national ids


# --- per column ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class ColumnEntity:
    """One kind of personal data found in one column of the sample."""

    column: str
    entity: str                 # an entity of analyzer.pii.detectors, or "" for a sensitive column name
    rows: int                   # sampled rows holding it
    sampled: int                # rows in the sample
    non_empty: int              # sampled rows where the column has a value
    examples: tuple[str, ...]   # masked, at most MAX_EXAMPLES
    formats: tuple[str, ...]    # the detectors' labels ("UK NHS number")
    hinted: bool                # the column's name hints at the entity

    @property
    def share(self) -> float:
        return self.rows / self.sampled if self.sampled else 0.0


@dataclass
class _Hits:
    rows: set[int] = field(default_factory=set)
    examples: list[tuple[int, str]] = field(default_factory=list)

    def add(self, row: int, value: str) -> None:
        if row not in self.rows:
            self.rows.add(row)
            if len(self.examples) < 4:
                self.examples.append((row, value))


_DIGIT = re.compile(r"\d")


def _text_like(values: list[str]) -> bool:
    """Free text (prompts, completions, chat turns) rather than one value per cell."""
    if not values:
        return False
    mean = sum(len(v) for v in values) / len(values)
    spaced = sum(v.count(" ") >= 3 for v in values) / len(values)
    return mean >= 40 or spaced >= 0.5


def _run_patterns(cells: list[list[str] | None], hinted: frozenset[str]) -> dict[str, _Hits]:
    entries = [(row, value.strip()) for row, values in enumerate(cells) if values for value in values]
    # each value is tested once for what the patterns need: a digit (all but the email's), or
    # the detector's own character ("@", "+", ":")
    candidates: dict[str, list[tuple[int, str]]] = {"": [(r, t) for r, t in entries if _DIGIT.search(t)]}
    hits: dict[str, _Hits] = {}
    for det in d.DETECTORS:
        if not det.pattern or (det.needs_hint and det.entity not in hinted):
            continue
        if det.prefilter not in candidates:
            candidates[det.prefilter] = [(r, t) for r, t in entries if det.prefilter in t]
        pattern = d.compiled(det.id)
        found = _Hits()
        for row, text in candidates[det.prefilter]:
            if row in found.rows:
                continue
            for match in pattern.finditer(text):
                candidate = match.group(det.group)
                if det.validator is None or det.validator(candidate):
                    found.add(row, candidate)
                    break
        if found.rows:
            hits[det.id] = found
    return hits


def _names(cells: list[list[str] | None]) -> dict[str, _Hits]:
    full, part = _Hits(), _Hits()
    for row, values in enumerate(cells):
        for value in values or ():
            is_full, is_part = d.person_name(value)
            if is_full:
                full.add(row, value)
            if is_full or is_part:
                part.add(row, value)
    return {k: v for k, v in (("person-name", full), ("person-name-part", part)) if v.rows}


def _keys(path: str, cells: list[list[str] | None]) -> dict[str, _Hits]:
    """AI and cloud keys (analyzer.secrets) in the column's values: one scan over the values
    joined by newlines, each hit mapped back to its row by offset."""
    from analyzer.secrets import MAX_BYTES, scan_text

    found = _Hits()
    chunk: list[bytes] = []
    starts: list[int] = []
    rows: list[int] = []
    size = 0

    def flush() -> None:
        nonlocal chunk, starts, rows, size
        if chunk:
            for hit in scan_text(path, b"\n".join(chunk)).hits:
                index = bisect_right(starts, hit.span.start) - 1
                if index >= 0:
                    found.add(rows[index], hit.redacted)
        chunk, starts, rows, size = [], [], [], 0

    for row, values in enumerate(cells):
        for value in values or ():
            raw = value.encode("utf-8", errors="replace")
            if size + len(raw) + 1 > MAX_BYTES - 1024:
                flush()
            starts.append(size)
            rows.append(row)
            chunk.append(raw)
            size += len(raw) + 1
    flush()
    return {"ai-or-cloud-key": found} if found.rows else {}


def analyze(sample: Sample, path: str) -> list[ColumnEntity]:
    """The kinds of personal data each column of the sample holds, by the rules in detectors.py."""
    results: list[ColumnEntity] = []
    total = len(sample.rows)
    for column in sample.columns:
        cells = [row.get(column) for row in sample.rows]
        values = [v for vs in cells if vs for v in vs if v.strip()]
        non_empty = sum(1 for vs in cells if vs and any(v.strip() for v in vs))
        if not non_empty:
            continue
        hinted, sensitive = d.hints(column)
        text_like = _text_like(values[:2000])
        hits = _run_patterns(cells, hinted)
        if not text_like:
            hits.update(_names(cells))
        hits.update(_keys(path, cells))
        by_entity: dict[str, list[tuple[d.Detector, _Hits]]] = {}
        for det_id, found in hits.items():
            det = d.DETECTOR_BY_ID[det_id]
            if _reportable(det, len(found.rows), non_empty, det.entity in hinted, text_like):
                by_entity.setdefault(det.entity, []).append((det, found))
        for entity in d.ENTITIES:
            if entity not in by_entity:
                continue
            rows: set[int] = set()
            examples: list[tuple[int, str]] = []
            for det, found in by_entity[entity]:
                rows |= found.rows
                examples.extend(found.examples)
            shown: list[str] = []
            for _, value in sorted(examples):
                masked = value if entity == d.SECRET else mask(entity, value)  # keys arrive redacted
                if masked not in shown:
                    shown.append(masked)
            formats = tuple(det.label for det, _ in by_entity[entity] if det.label)
            results.append(ColumnEntity(column, entity, len(rows), total, non_empty, tuple(shown[:MAX_EXAMPLES]),
                                        formats, entity in hinted))
        if sensitive and not by_entity:
            results.append(ColumnEntity(column, "", 0, total, non_empty, (), (), True))
    return results


def _reportable(det: d.Detector, hits: int, non_empty: int, hinted: bool, text_like: bool) -> bool:
    if not hits or (det.needs_hint and not hinted):
        return False
    if text_like and det.in_text:
        return True  # one validated SSN in a prompt corpus is a finding
    share = hits / non_empty
    return share >= det.min_share or (hinted and share >= det.hinted_share)


# --- findings --------------------------------------------------------------------------------------

@dataclass
class DataOutcome:
    findings: list[Finding]
    note: str = ""           # why the file was not (fully) read: an LFS pointer, Parquet without pyarrow
    bytes_read: int = 0
    size: int = 0
    rows_read: int = 0       # rows parsed
    rows_sampled: int = 0
    complete: bool = True    # every row was read and sampled
    format: str = ""
    columns: list[ColumnEntity] = field(default_factory=list)


def scan_data(path: str, read_bytes, checks: Sequence[Check], *, budget: int = DEFAULT_BUDGET,
              size: int | None = None, seed: int = SEED, head_rows: int = HEAD_ROWS,
              max_rows: int = MAX_ROWS) -> DataOutcome:
    """Read one data file within `budget` bytes, sample its rows and report the personal data
    of each column for the AIP7xx rules among `checks`. `read_bytes` is a file path, the bytes,
    or a function `(offset, length) -> bytes` (give `size` with it, or it is probed). Never
    raises on bad content; an unreadable path gives a note."""
    wanted = {c.id: c for c in checks if c.id.startswith("AIP7")}
    if not wanted:
        return DataOutcome([])
    try:
        source, handle = open_source(read_bytes, budget, size)
    except OSError as error:
        return DataOutcome([], note=f"cannot be read: {error.strerror or error}")
    try:
        try:
            sample = read_sample(path, source, seed=seed, head_rows=head_rows, max_rows=max_rows)
            columns = analyze(sample, path)
        except Exception as error:  # a bug of ours must not stop the scan of the other files
            sample, columns = Sample(note=f"not scanned for personal data ({type(error).__name__})", complete=False), []
    finally:
        if handle is not None:
            handle.close()
    outcome = DataOutcome([], sample.note, source.bytes_read, source.size, sample.rows_read, len(sample.rows),
                          sample.complete and not sample.note, sample.format, columns)
    outcome.findings = [f for f in (_finding(path, c, sample, outcome, wanted) for c in columns) if f is not None]
    return outcome


def pii_findings(path: str, read_bytes, checks: Sequence[Check], *, budget: int = DEFAULT_BUDGET,
                 size: int | None = None, seed: int = SEED) -> list[Finding]:
    """The AIP7xx findings of one data file (see scan_data)."""
    return scan_data(path, read_bytes, checks, budget=budget, size=size, seed=seed).findings


def _megabytes(n: int) -> str:
    if n >= 1024 ** 3:
        return f"{n / 1024 ** 3:.1f} GB"
    return f"{n / (1024 * 1024):.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


def _coverage(outcome: DataOutcome) -> str:
    if outcome.complete and outcome.rows_sampled == outcome.rows_read:
        return f"every row of the file was read ({outcome.rows_read})"
    return (f"sample of {outcome.rows_sampled} rows from the {outcome.rows_read} rows parsed in "
            f"{_megabytes(outcome.bytes_read)} read of {_megabytes(outcome.size)}")


def _finding(path: str, column: ColumnEntity, sample: Sample, outcome: DataOutcome,
             wanted: dict[str, Check]) -> Finding | None:
    from checks.pii import RULE_FOR_ENTITY, SENSITIVE_COLUMN

    rule = RULE_FOR_ENTITY.get(column.entity, SENSITIVE_COLUMN) if column.entity else SENSITIVE_COLUMN
    check = wanted.get(rule.id)
    if check is None:
        return None
    if column.entity:
        kind = d.LABELS[column.entity] + (f" ({', '.join(column.formats)})" if column.formats else "")
        message = (f"Column `{column.column}` holds {kind} in {column.rows} of {column.sampled} sampled rows "
                   f"({100 * column.share:.1f}%)")
        if column.examples:
            message += ", e.g. " + ", ".join(f"`{e}`" for e in column.examples)
    else:
        message = (f"Column `{column.column}` is named like sensitive personal data and has values in "
                   f"{column.non_empty} of {column.sampled} sampled rows, none in a format aiposture recognises")
    message += f"; {_coverage(outcome)}"
    return Finding(check.id, check.name, check.severity, Status.FAIL, message, _span(path, sample, column.column),
                   FRAMEWORK, attribute=f"column:{column.column}")


def _span(path: str, sample: Sample, column: str):
    """The column's header cell when the file has a header line; else the file's first line."""
    index = LineIndex(sample.first_line)
    start, end = sample.header_cells.get(column, (0, len(sample.first_line)))
    return span(path, index, start, end)
