"""Mutated realistic files: the parsers never raise, stay in bounds, and never invent resources.

Deterministic (fixed seed) and bounded, so it runs in well under a second or two.
"""
import glob
import os
import random

import pytest

from analyzer.model import ParsedFile, iter_values
from parsers.terraform import hcl, tfjson

DATA = os.path.join(os.path.dirname(__file__), "data")
FILES = sorted(glob.glob(os.path.join(DATA, "*.tf")) + glob.glob(os.path.join(DATA, "*.tf.json"))
               + glob.glob(os.path.join(DATA, "cdktf", "**", "*.tf.json"), recursive=True))
ROUNDS = int(os.environ.get("AIPOSTURE_FUZZ_ROUNDS", "25"))


def parser_for(path):
    return tfjson if path.endswith(".tf.json") else hcl


def well_formed(parsed: ParsedFile, data: bytes) -> None:
    assert isinstance(parsed, ParsedFile)
    assert len(parsed.issues) <= 10
    spans = [i.span for i in parsed.issues]
    for resource in list(parsed.resources) + [r for g in parsed.blocks.values() for r in g.values()]:
        spans.append(resource.span)
        for value in iter_values(resource.attrs):
            spans.extend(s for s in (value.span, value.key_span) if s is not None)
        for insertion in resource.insertions.values():
            assert 0 <= insertion.offset <= len(data)
    for span in spans:
        assert 0 <= span.start <= span.end <= len(data)
        assert 1 <= span.line <= span.end_line and span.col >= 1 and span.end_col >= 1
    assert not any("internal error" in i.message for i in parsed.issues)


def plain(resource):
    return {k: v.plain() for k, v in resource.attrs.items()}


@pytest.mark.parametrize("path", FILES, ids=os.path.basename)
def test_truncations_keep_exactly_the_complete_resources(path):
    with open(path, "rb") as handle:
        data = handle.read()
    parser = parser_for(path)
    original = {r.address: plain(r) for r in parser.parse("f", data).resources}
    rng = random.Random(f"truncate:{os.path.basename(path)}")
    for _ in range(ROUNDS):
        cut = rng.randrange(len(data))
        parsed = parser.parse("f", data[:cut])
        well_formed(parsed, data[:cut])
        for resource in parsed.resources:
            # nothing invented, nothing half-read: a returned resource is the original one
            assert plain(resource) == original[resource.address], (cut, resource.address)


@pytest.mark.parametrize("path", FILES, ids=os.path.basename)
def test_byte_mutations_never_raise(path):
    with open(path, "rb") as handle:
        data = handle.read()
    parser = parser_for(path)
    rng = random.Random(f"mutate:{os.path.basename(path)}")
    noise = b'{}[]()"\\$%=:,.#/*<\n \x00\xff\xc3\xe2\x80'
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
        parsed = parser.parse("f", bytes(mutated))
        well_formed(parsed, bytes(mutated))


@pytest.mark.parametrize("path", FILES, ids=os.path.basename)
def test_a_deleted_bracket_never_invents_a_resource(path):
    with open(path, "rb") as handle:
        data = handle.read()
    parser = parser_for(path)
    original = {r.address for r in parser.parse("f", data).resources}
    brackets = [i for i, byte in enumerate(data) if byte in b"{}[]"]
    rng = random.Random(f"bracket:{os.path.basename(path)}")
    for at in rng.sample(brackets, min(ROUNDS, len(brackets))):
        mutated = data[:at] + data[at + 1:]
        parsed = parser.parse("f", mutated)
        well_formed(parsed, mutated)
        assert {r.address for r in parsed.resources} <= original, at
