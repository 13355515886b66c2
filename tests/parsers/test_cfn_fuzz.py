"""Mutated CloudFormation fixtures: parse and detect never raise, spans stay in bounds, and a
resource that comes out of a damaged file is one of the original template's resources.

Deterministic (fixed seeds) and bounded. YAML reads a truncated mapping as a shorter valid one,
so a truncation may keep a resource with fewer properties: that is the text's meaning, not an
invention, and is not asserted against."""
import glob
import os
import random

import pytest

from analyzer.model import ParsedFile, iter_values
from parsers.cloudformation.parse import detect, parse

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "cloudformation")
FILES = sorted(glob.glob(os.path.join(FIXTURES, "*")))
ROUNDS = int(os.environ.get("AIPOSTURE_FUZZ_ROUNDS", "25"))


def well_formed(parsed: ParsedFile, data: bytes) -> None:
    assert isinstance(parsed, ParsedFile)
    assert len(parsed.issues) <= 10
    spans = [i.span for i in parsed.issues]
    for resource in list(parsed.resources) + [r for g in parsed.blocks.values() for r in g.values()]:
        spans.append(resource.span)
        if resource.header is not None:
            spans.append(resource.header)
        for value in iter_values(resource.attrs):
            spans.extend(s for s in (value.span, value.key_span) if s is not None)
        for insertion in resource.insertions.values():
            assert 0 <= insertion.offset <= len(data)
    for span in spans:
        assert 0 <= span.start <= span.end <= len(data)
        assert 1 <= span.line <= span.end_line and span.col >= 1 and span.end_col >= 1
    assert not any("internal error" in i.message for i in parsed.issues), parsed.issues


@pytest.mark.parametrize("path", FILES, ids=os.path.basename)
def test_truncations_never_raise(path):
    with open(path, "rb") as handle:
        data = handle.read()
    types = {r.address: r.native_type for r in parse("f", data).resources}
    rng = random.Random(f"truncate:{os.path.basename(path)}")
    for _ in range(ROUNDS):
        cut = rng.randrange(len(data))
        parsed = parse("f", data[:cut])
        well_formed(parsed, data[:cut])
        detect(data[:cut])
        for resource in parsed.resources:
            # a cut inside the Type leaves a prefix of it
            assert types.get(resource.address, "").startswith(resource.native_type), (cut, resource.address)


@pytest.mark.parametrize("path", FILES, ids=os.path.basename)
def test_byte_mutations_never_raise(path):
    with open(path, "rb") as handle:
        data = handle.read()
    rng = random.Random(f"mutate:{os.path.basename(path)}")
    noise = b'{}[]()"\'\\!&*|>-?:,.#%@`\t\n \x00\xff\xc3\xe2\x80\x85'
    for _ in range(ROUNDS * 2):
        mutated = bytearray(data)
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(mutated))
            action = rng.randrange(3)
            if action == 0:
                mutated[at] = rng.choice(noise)
            elif action == 1:
                del mutated[at]
            else:
                mutated.insert(at, rng.choice(noise))
        parsed = parse("f", bytes(mutated))
        well_formed(parsed, bytes(mutated))
        detect(bytes(mutated))
