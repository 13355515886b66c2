"""Personal data in training data kept in the repository (rules AIP700-AIP712): no model, no
network, a bounded number of bytes per file.

API
---
`is_training_data(relative_path, globs=(), referenced=frozenset()) -> bool`
    Whether a repository-relative file is training data: referenced by a pipeline, SageMaker
    channel or notebook (`referenced`), matched by a configured glob (`globs`, gitignore-like),
    or a data file (.csv .tsv .jsonl .ndjson .json .parquet) under a data folder (`DATA_FOLDERS`:
    data/, datasets/, training/, train/, corpus/, fine-tune/, finetune/, samples/, eval/, ...)
    or named like training data (train.csv, sft-v2.jsonl).

`pii_findings(path, read_bytes, checks, *, budget=DEFAULT_BUDGET, size=None, seed=SEED) -> list[Finding]`
    The AIP7xx findings (for the rules among `checks`) of one data file. `path` is
    repository-relative (it goes into spans and picks the format by extension); `read_bytes` is
    the file's path on disk, its bytes, or a function `(offset, length) -> bytes`. One finding
    per column and kind of data, framework "data", `attribute` "column:<name>", the message
    with the count, the share of sampled rows, at most two masked examples and the coverage;
    the span is the column's header cell (CSV/TSV with a header) or the file's first line.

`scan_data(...) -> DataOutcome`
    The same, with what was read: `note` (an LFS pointer, Parquet without pyarrow, invalid
    JSON), `bytes_read`, `size`, `rows_read`, `rows_sampled`, `complete`, `format`, and the
    per-column results (`ColumnEntity`) before rule selection.

`mask(entity, value) -> str`: the display form of a value (`j***@e***.com`, `***-**-1234`).

How it works
------------
read.py reads at most `budget` bytes (4 MB by default): a file that fits is read whole; a larger
one gives its head and 16 seeded windows (see read.py), and rows are the first 200 plus a seeded
reservoir sample of 10,000. detectors.py holds the table of detectors (regex, validator: Luhn,
mod-97, SSN ranges, check digits...) and the column-name hints; scan.py decides per column
(share of non-empty rows over a threshold per detector, lower under a hinting column name, one
hit enough for validated values in free text) and builds the findings. AI and cloud keys come
from analyzer.secrets. Values are never kept beyond the scan of their file: a finding holds
counts and masked examples only.
"""
from analyzer.pii.read import DEFAULT_BUDGET, SEED
from analyzer.pii.scan import (
    DATA_FOLDERS,
    DATA_SUFFIXES,
    ColumnEntity,
    DataOutcome,
    is_training_data,
    mask,
    pii_findings,
    scan_data,
)

__all__ = ["DATA_FOLDERS", "DATA_SUFFIXES", "DEFAULT_BUDGET", "SEED", "ColumnEntity", "DataOutcome",
           "is_training_data", "mask", "pii_findings", "scan_data"]
