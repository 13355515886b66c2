"""Reading within the byte budget: large files cost the budget, not their size; the sample is
deterministic and covers the whole file; bad input never raises."""
from __future__ import annotations

import csv
import io
import json
import os
import random
import shutil
import sys

import pytest

import pii_synth as synth
from analyzer.pii import scan_data
from analyzer.pii.read import Reservoir, Source, chunks
from checks.pii import CHECKS

MB = 1024 * 1024


class CountingReader:
    """A file read by offset, counting every byte handed out (the instrumented reader)."""

    def __init__(self, path: str) -> None:
        self.handle = open(path, "rb")
        self.bytes = 0
        self.calls = 0

    def __call__(self, offset: int, length: int) -> bytes:
        self.handle.seek(offset)
        data = self.handle.read(length)
        self.bytes += len(data)
        self.calls += 1
        return data

    def close(self) -> None:
        self.handle.close()


def _rows_bytes(rng: random.Random, n: int, start: int, with_email: bool) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for i in range(start, start + n):
        writer.writerow([i, synth.email(rng) if with_email else synth.word(rng), synth.word(rng),
                         "a sentence of filler text to make rows longer"])
    return buffer.getvalue().encode()


def test_one_gigabyte_csv_costs_the_budget_not_its_size(tmp_path):
    if shutil.disk_usage(tmp_path).free < 2 * 1024 * MB:
        pytest.skip("needs 2 GB free in the temporary folder")
    path = tmp_path / "big.csv"
    rng = random.Random(1)
    chunk = _rows_bytes(rng, 12_000, 0, with_email=True)  # about 1 MB of whole lines, written repeatedly
    with open(path, "wb") as handle:
        written = handle.write(b"id,contact,tag,text\n")
        while written < 1024 * MB:
            written += handle.write(chunk)
    size = path.stat().st_size
    assert size >= 1024 * MB
    reader = CountingReader(str(path))
    try:
        outcome = scan_data("data/big.csv", reader, CHECKS, size=size)
    finally:
        reader.close()
    assert reader.bytes == outcome.bytes_read <= 4 * MB
    assert not outcome.complete and outcome.size == size
    assert outcome.rows_sampled == 200 + 10_000 < outcome.rows_read
    [email] = [c for c in outcome.columns]
    assert (email.column, email.entity, email.rows) == ("contact", "EMAIL_ADDRESS", outcome.rows_sampled)
    assert "sample of 10200 rows" in outcome.findings[0].message and "read of 1.0 GB" in outcome.findings[0].message
    path.unlink()


def test_windows_sample_the_whole_file_within_the_budget(tmp_path):
    # 3 MB of rows: the first half without emails, the second half all emails; a 512 KB budget
    rng = random.Random(2)
    path = tmp_path / "half.csv"
    with open(path, "wb") as handle:
        handle.write(b"id,contact,tag,text\n")
        handle.write(_rows_bytes(rng, 20_000, 0, with_email=False))
        handle.write(_rows_bytes(rng, 20_000, 20_000, with_email=True))
    size = path.stat().st_size
    assert size > 2 * MB
    reader = CountingReader(str(path))
    outcome = scan_data("data/half.csv", reader, CHECKS, budget=MB // 2, size=size)
    reader.close()
    assert reader.bytes == outcome.bytes_read <= MB // 2
    [found] = outcome.columns
    # the head (half the budget) has no email; the windows spread over the rest, mostly the second half
    assert found.entity == "EMAIL_ADDRESS" and 0.2 < found.share < 0.5
    again = scan_data("data/half.csv", str(path), CHECKS, budget=MB // 2)
    assert again.columns == outcome.columns and [f.message for f in again.findings] == [f.message for f in outcome.findings]
    other = scan_data("data/half.csv", str(path), CHECKS, budget=MB // 2, seed=2)
    assert other.columns != outcome.columns  # the seed picks the windows and the reservoir


def test_a_function_without_a_size_is_probed_within_the_budget():
    data = _rows_bytes(random.Random(3), 3000, 0, with_email=True)
    calls = []

    def read(offset, length):
        calls.append(length)
        return data[offset:offset + length]

    source = Source(read, None, 10 * MB)
    assert source.size == len(data) and source.bytes_read < 64
    for n in (0, 1, 2, 3, 1000, 1023, 1024, 1025):
        assert Source(lambda o, k: b"x" * max(0, min(k, n - o)), None, MB).size == n


@pytest.mark.parametrize("size", [10, 4000, 4096, 4097, 100_000])
def test_chunks_are_whole_lines_and_never_exceed_the_budget(size):
    line = b"abcdefghi\n"
    data = (line * (size // 10 + 1))[:size]
    source = Source(lambda o, k: data[o:o + k], len(data), 4096)
    parts, complete = chunks(source, 1)
    assert source.bytes_read <= 4096 and complete == (size <= 4096)
    for i, part in enumerate(parts):
        if not complete:
            assert part.endswith(b"\n") or i == len(parts) - 1
            assert all(piece == b"abcdefghi" for piece in part.split(b"\n")[:-1])


def test_reservoir_is_seeded_and_keeps_the_head():
    def run(seed):
        reservoir = Reservoir(5, 10, seed)
        for i in range(1000):
            reservoir.offer(i)
        return reservoir.sample()

    first = run(1)
    assert first[:5] == [0, 1, 2, 3, 4] and len(first) == 15 and first == run(1) and first != run(2)


def test_an_lfs_pointer_and_parquet_without_pyarrow_say_why(monkeypatch):
    pointer = b"version https://git-lfs.github.com/spec/v1\noid sha256:" + b"0" * 64 + b"\nsize 123456\n"
    outcome = scan_data("data/train.csv", pointer, CHECKS)
    assert outcome.findings == [] and "LFS" in outcome.note and not outcome.complete
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    outcome = scan_data("data/train.parquet", b"PAR1" + b"\x00" * 100 + b"PAR1", CHECKS)
    assert outcome.findings == [] and "aiposture[parquet]" in outcome.note


GARBAGE = [
    b"", b"\n", b"\r\n" * 50, b"\x00" * 1000, b"\xff\xfe\xfd" * 500, b'"' * 5000, b'"a,b\n' * 100,
    b"a,b,c\n1,2\n3,4,5,6\n" * 50, b"[" * 50_000, b"{" * 50_000, b'{"a": [' * 10_000, b"[1, 2, 3]",
    b'[{"a": "x@y.org"}, {"a": ', b'{"data": [{"email": "q@r.io"}]}', b"\xef\xbb\xbfemail\nq@r.io\n",
    b"x" * 300_000 + b"\n" + b"y,z\n" * 10, b"," * 100_000, b"\t\t\t\n" * 1000, "é🤖,ü\n".encode() * 1000,
    b"PAR1garbagePAR1",
]


@pytest.mark.parametrize("data", GARBAGE, ids=range(len(GARBAGE)))
@pytest.mark.parametrize("name", ["data/x.csv", "data/x.tsv", "data/x.jsonl", "data/x.json", "data/x.txt",
                                  "data/x.parquet", "data/x.unknown"])
def test_garbage_never_raises(data, name):
    for budget in (4 * MB, 1024):
        outcome = scan_data(name, data, CHECKS, budget=budget)
        assert outcome.bytes_read <= budget


def test_an_unreadable_path_is_a_note(tmp_path):
    outcome = scan_data("data/missing.csv", str(tmp_path / "missing.csv"), CHECKS)
    assert outcome.findings == [] and outcome.note.startswith("cannot be read")


def test_a_large_json_array_is_read_record_by_record_within_the_budget():
    rng = random.Random(6)
    records = [{"user": {"email": synth.email(rng), "score": i}, "text": synth.word(rng)} for i in range(30_000)]
    data = json.dumps(records, indent=1).encode()
    assert len(data) > 2 * MB
    outcome = scan_data("datasets/big.json", data, CHECKS, budget=512 * 1024)
    assert outcome.bytes_read <= 512 * 1024 and not outcome.complete
    [found] = outcome.columns
    assert (found.column, found.entity, found.rows) == ("user.email", "EMAIL_ADDRESS", outcome.rows_sampled)
    assert outcome.rows_read > 1000


def test_a_large_jsonl_file_samples_lines_from_the_windows(tmp_path):
    rng = random.Random(8)
    path = tmp_path / "chat.jsonl"
    with open(path, "w") as handle:
        for i in range(60_000):
            handle.write(json.dumps({"prompt": synth.word(rng), "contact": synth.email(rng)}) + "\n")
    outcome = scan_data("data/chat.jsonl", str(path), CHECKS, budget=MB)
    assert outcome.bytes_read <= MB and not outcome.complete
    assert [(c.column, c.rows) for c in outcome.columns] == [("contact", outcome.rows_sampled)]
    assert os.path.getsize(path) > 3 * MB
