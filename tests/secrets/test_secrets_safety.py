"""analyzer.secrets: a hit never carries the key; bad input never crashes or hangs the scan."""
import dataclasses
import os
import pickle
import random
import subprocess
import sys

import pytest

from analyzer.secrets import DETECTORS, MAX_BYTES, SecretHit, fingerprint, is_text, redact, scan_text
from secret_tokens import SAMPLES

try:
    from re import _parser as sre_parse  # Python 3.11+
except ImportError:  # pragma: no cover - Python 3.10
    import sre_parse

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


def test_redact_shows_at_most_four_and_two_characters():
    token = "sk-" + "proj-" + "A" * 20 + "3f"
    assert redact(token) == "sk-p…3f"
    assert redact("abcdefghij") == "ab…"
    assert redact("abc") == "…"
    assert redact("") == "…"


@pytest.mark.parametrize("detector_id", sorted(SAMPLES))
def test_a_hit_never_holds_the_key(detector_id):
    path, text, token = SAMPLES[detector_id](random.Random(1))
    hit = scan_text(path, text.encode()).hits[0]
    assert [f.name for f in dataclasses.fields(SecretHit)] == [
        "detector_id", "provider", "span", "redacted", "fingerprint", "context"]
    dumped = repr(hit) + str(hit) + repr(dataclasses.asdict(hit)) + repr(pickle.dumps(hit))
    # no 8 consecutive characters of the key, anywhere in the hit (but its fixed prefix may
    # also be a word of the detector's id, as "bedrock-" is)
    for i in range(len(token) - 7):
        part = token[i:i + 8]
        assert part not in dumped or part in hit.detector_id, part
    assert hit.redacted == redact(token) and len(hit.redacted.replace("…", "")) <= 6
    assert hit.fingerprint == fingerprint(hit.provider, token)
    assert len(hit.fingerprint) == 32 and token not in hit.fingerprint
    assert not hasattr(hit, "__dict__") or set(vars(hit)) == {f.name for f in dataclasses.fields(SecretHit)}


def test_fingerprint_is_per_provider_and_key():
    assert fingerprint("OpenAI", "k1") != fingerprint("OpenAI", "k2") != fingerprint("Groq", "k1")
    assert fingerprint("OpenAI", "k1") == fingerprint("OpenAI", "k1")


def test_binary_and_huge_files_are_skipped_with_a_note():
    assert is_text(b"plain text\n") and is_text(b"") and not is_text(b"PK\x03\x04\x00\x00")
    assert not is_text(b"x" * 8000 + b"\x00") and is_text(b"x" * 8192 + b"\x00")
    _, text, _ = SAMPLES["huggingface-user-token"](random.Random(0))
    outcome = scan_text("model.bin", b"\x00" + text.encode())
    assert outcome.hits == [] and "binary" in outcome.note
    outcome = scan_text("big.json", text.encode() + b" " * MAX_BYTES)
    assert outcome.hits == [] and "5 MB" in outcome.note


@pytest.mark.parametrize("data", [
    b"", b"\n", b"\xff\xfe\xfd" * 100, "é🤖".encode() * 1000, b"\\" * 1000, b'"' * 1000, b"{[" * 1000,
    b"sk-" * 1000, b"\\nsk-proj-" * 100, b"-----BEGIN PRIVATE KEY-----" * 100 + b"service_account",
    b'{"cells": [{"source": "\\u00', b"\r\n" * 100])
def test_garbage_never_raises(data):
    for path in ("x.ipynb", ".env", "a"):
        outcome = scan_text(path, data)
        assert outcome.hits == [] and outcome.note in ("", "not scanned for keys: binary file")


def _repeats(items):
    """Every repeat in a parsed pattern, with whether another repeat is nested inside it."""
    for op, av in items:
        if op in (sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT) or str(op) == "POSSESSIVE_REPEAT":
            lo, hi, sub = av
            inner = list(_repeats(sub))
            yield hi, bool(inner)
            yield from inner
        elif op == sre_parse.SUBPATTERN:
            yield from _repeats(av[-1])
        elif op == sre_parse.BRANCH:
            for branch in av[1]:
                yield from _repeats(branch)
        elif op in (sre_parse.ASSERT, sre_parse.ASSERT_NOT):
            yield from _repeats(av[1])


@pytest.mark.parametrize("det", DETECTORS, ids=lambda d: d.id)
def test_patterns_are_bounded_and_not_nested(det):
    for source in filter(None, (det.pattern, det.anchor)):
        for hi, nested in _repeats(sre_parse.parse(source)):
            assert hi != sre_parse.MAXREPEAT, f"unbounded quantifier in {det.id}"
            assert not nested, f"nested quantifier in {det.id}"


ADVERSARIAL = r'''
import random, re, sys
sys.path.insert(0, sys.argv[1])
from analyzer.secrets import DETECTORS, scan_text
from analyzer.secrets.notebook import notebook_contexts
n = 100_000
rng = random.Random(0)
b62 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
inputs = [b"a" * n, b"A" * n, b"0" * n, b"-" * n, b"_" * n, b"sk-" * (n // 3), b"sk-proj-" + b"A" * n,
          b"sk-ant-api03-" * (n // 13), b"T3BlbkFJ" * (n // 8), b"JQQJ99" * (n // 6), b"\\n" * (n // 2),
          b"ABSKQmVkcm9ja0FQSUtleS" + b"A" * n, b"bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t" + b"A" * n,
          b"-----BEGIN PRIVATE KEY-----" + b"A" * n, b"-----BEGIN PRIVATE KEY-----\\n" * (n // 29),
          b"AIza" * (n // 4), b"hf_" * (n // 3), b"cohere " * (n // 7), b"cohere=" + b"a1" * n,
          b"api_key " * (n // 8) + b"openai.azure.com", b'"' + b"\\a" * n, b'"\\' * n,
          "".join(rng.choice(b62 + "_-+/=.") for _ in range(n)).encode(),
          b"wandb_v1_" + b"a" * n, b"VF.DM." * (n // 6), b"fw_" * (n // 3), b"AKIA" * (n // 4)]
for data in inputs:
    for det in DETECTORS:
        for source in filter(None, (det.pattern, det.anchor)):
            sum(1 for _ in re.compile(source.encode()).finditer(data))
    notebook_contexts(data, [0, len(data) // 2, len(data) - 1])
    for path in ("x.ipynb", ".env", "poetry.lock"):
        scan_text(path, data)
print("ok")
'''


def test_patterns_finish_on_adversarial_input():
    # a catastrophic pattern would run for hours on 100 KB; the generous limit only keeps a
    # regression from hanging the suite (this is not a speed test)
    result = subprocess.run([sys.executable, "-c", ADVERSARIAL, ROOT], capture_output=True, text=True,
                            timeout=300)
    assert result.stdout.strip() == "ok", result.stderr
