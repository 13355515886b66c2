"""parsers.terraform.write on realistic files: every attribute, block and object key of every
resource is set, removed, given a new attribute and a new nested block. Each change either raises
WriteError or gives a file that re-parses without issues, reads back the change, and leaves the
file's other resources as they were. python-hcl2 / json.loads check a sample of the results (the
exact-text cases in test_tf_write.py check all of theirs)."""
from __future__ import annotations

import glob
import json
import os

import pytest

from analyzer.check import Placeholder
from analyzer.fix import NativeRemove, NativeSet, WriteError, apply_edits
from analyzer.model import Unknown, Value
from parsers.terraform import parse
from parsers.terraform.write import edits

hcl2 = pytest.importorskip("hcl2")

HERE = os.path.dirname(__file__)
REPO = os.path.join(HERE, "..", "..")
FILES = sorted(
    glob.glob(os.path.join(HERE, "data", "*.tf")) + glob.glob(os.path.join(HERE, "data", "*.tf.json"))
    + glob.glob(os.path.join(HERE, "data", "cdktf", "**", "*.tf.json"), recursive=True)
    + [p for p in glob.glob(os.path.join(REPO, "fixtures", "**", "*.tf*"), recursive=True)
       if "malformed" not in p and p.endswith((".tf", ".tf.json"))])


def paths(attrs: dict, prefix: str = "", depth: int = 0):
    """(native path, Value) of everything a change can name: attributes, blocks (and each
    repeated one by index), object keys."""
    for key, value in attrs.items():
        if "." in key or not key or isinstance(value.raw, Unknown):
            continue
        path = f"{prefix}{key}"
        yield path, value
        if depth > 4:
            continue
        if isinstance(value.raw, list) and value.raw and all(isinstance(v.raw, dict) for v in value.raw):
            for i, element in enumerate(value.raw):
                if i:
                    yield f"{path}.{i}", element
                yield from paths(element.raw, f"{path}.{i}." if i else f"{path}.", depth + 1)
        elif isinstance(value.raw, dict):
            yield from paths(value.raw, f"{path}.", depth + 1)


def plain_resources(parsed) -> dict:
    return {r.address: {k: v.plain() for k, v in r.attrs.items()} for r in parsed.resources}


def is_container(value: Value) -> bool:
    raw = value.raw
    return isinstance(raw, dict) or (isinstance(raw, list) and bool(raw) and isinstance(raw[0].raw, dict))


def changes_for(resource):
    yield NativeSet("zz_added", "added")
    yield NativeSet("zz_block.inner", 1)
    yield NativeSet("zz_key", Placeholder("zz_key_arn"))
    # one change per path, in turn (every kind of change meets every kind of path, and the
    # test stays fast: each change is a re-parse)
    for n, (path, value) in enumerate(paths(dict(resource.attrs))):
        if n % 2 == 0:
            yield NativeRemove(path)
        elif not is_container(value):
            yield NativeSet(path, "set ${x}")
        elif n % 4 == 1:
            yield NativeSet(f"{path}.zz_added", ["a", 1])
        else:
            yield NativeSet(f"{path}.zz_block.inner", True)


def expected(value):
    return Unknown(f"var.{value.name}", "variable") if isinstance(value, Placeholder) else value


def read_back(before, resource, change, is_json):
    got = resource.native(change.path)
    if isinstance(change, NativeRemove):
        parent, _, last = change.path.rpartition(".")
        if last.isdigit():  # one of repeated blocks: the others remain, in order
            blocks = before.native(parent).plain()
            return resource.native(parent).plain() == blocks[:int(last)] + blocks[int(last) + 1:]
        return got.absent
    plain = got.plain()
    if is_json and isinstance(plain, list) and len(plain) == 1 and isinstance(plain[0], dict):
        plain = plain[0]  # a JSON object read as a block
    return plain == expected(change.value)


@pytest.mark.parametrize("path", FILES, ids=[os.path.relpath(p, REPO) for p in FILES])
def test_every_change_on_real_files(path):
    with open(path, "rb") as handle:
        data = handle.read()
    name = os.path.basename(path)
    is_json = name.endswith(".tf.json")
    parsed = parse(name, data)
    assert parsed.issues == ()
    before = plain_resources(parsed)
    written = refused = 0
    for resource in parsed.resources:
        for change in changes_for(resource):
            try:
                found = edits(parsed, data, resource, change)
            except WriteError:
                refused += 1
                continue
            result = apply_edits(data, found)
            again = parse(name, result)
            assert again.issues == (), (resource.address, change, again.issues)
            changed = next(r for r in again.resources if r.address == resource.address)
            assert read_back(resource, changed, change, is_json), (resource.address, change)
            after = plain_resources(again)
            del after[resource.address]
            assert after == {k: v for k, v in before.items() if k != resource.address}, (resource.address, change)
            if written % 25 == 0:  # a sample for the independent parsers (python-hcl2 is slow)
                if is_json:
                    json.loads(result)
                else:
                    hcl2.loads(result.decode())
            written += 1
    assert written > 3 * refused or not parsed.resources, (written, refused)
