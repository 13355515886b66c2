"""Oracles: python-hcl2 must agree with our literal values on realistic Terraform, and the JSON
twin of each file must give the same resources and values as the HCL original.

python-hcl2 is a dev dependency used only here. Its known differences are normalised: it keeps
heredocs with their markers, does not unescape `$${` / `%%{`, and shows every expression as a
"${...}" string (which we must have as Unknown, or as reference text for meta-arguments).
"""
import glob
import os

import pytest

from analyzer.model import Unknown, Value
from parsers.terraform import hcl, tfjson

hcl2 = pytest.importorskip("hcl2")

DATA = os.path.join(os.path.dirname(__file__), "data")
REPO = os.path.join(os.path.dirname(__file__), "..", "..")
TF_FILES = sorted(glob.glob(os.path.join(DATA, "*.tf")) + glob.glob(os.path.join(REPO, "fixtures", "**", "*.tf"),
                                                                      recursive=True))
TF_FILES = [p for p in TF_FILES if "malformed" not in p]


def oracle(text: str) -> dict:
    options = hcl2.SerializationOptions(strip_string_quotes=True, explicit_blocks=False, with_comments=False)
    return hcl2.loads(text, serialization_options=options)


def their_heredoc(text: str) -> str:
    """python-hcl2 keeps "<<-EOT\n...\n  EOT": the value is the lines between the markers, and
    for `<<-` without the smallest indentation of the non-blank lines (HCL's rule)."""
    first, _, rest = text.partition("\n")
    body = rest.rsplit("\n", 1)[0] + "\n"
    if first.startswith("<<-"):
        lines = body.split("\n")
        margin = min((len(line) - len(line.lstrip()) for line in lines if line.strip()), default=0)
        body = "\n".join(line[margin:] if line.strip() else line for line in lines)
    return body


def is_expression(text: str) -> bool:
    return "${" in text.replace("$${", "") or "%{" in text.replace("%%{", "")


def agree(theirs, ours: Value, where: str, counts: dict) -> None:
    """Assert that our Value matches python-hcl2's value wherever ours is a literal."""
    raw = ours.raw
    if isinstance(raw, Unknown):
        assert isinstance(theirs, str) and is_expression(theirs), f"{where}: we say {raw}, python-hcl2 {theirs!r}"
        counts["unknown"] += 1
        return
    if isinstance(theirs, str):
        if theirs.startswith("<<"):
            assert raw == their_heredoc(theirs), where
        elif is_expression(theirs) and isinstance(raw, str):
            assert theirs == "${" + raw + "}", where  # a meta-argument reference kept as text
        else:
            assert raw == theirs.replace("$${", "${").replace("%%{", "%{"), where
        counts["literal"] += 1
        return
    if isinstance(theirs, dict):
        assert isinstance(raw, dict), f"{where}: {raw!r}"
        theirs = {k: v for k, v in theirs.items() if k != "dynamic"}
        assert set(theirs) <= set(raw), f"{where}: {sorted(theirs)} vs {sorted(raw)}"
        for key, value in theirs.items():
            agree(value, raw[key], f"{where}.{key}", counts)
        return
    if isinstance(theirs, list):
        assert isinstance(raw, list), f"{where}: {raw!r}"
        raw = [v for v in raw if not (v.unknown and v.raw.reason == "dynamic")]  # not in theirs
        assert len(raw) == len(theirs), f"{where}: {raw!r}"
        for i, value in enumerate(theirs):
            agree(value, raw[i], f"{where}[{i}]", counts)
        return
    assert type(raw) is type(theirs) and raw == theirs, f"{where}: {raw!r} != {theirs!r}"
    counts["literal"] += 1


def body_agrees(theirs: dict, attrs, where: str, counts: dict) -> None:
    dynamic = [name for block in theirs.get("dynamic", []) for name in block]
    for name in dynamic:
        assert attrs[name].unknown or any(e.unknown for e in attrs[name].raw), f"{where}.{name}"
    agree({k: v for k, v in theirs.items() if k != "dynamic"}, Value(dict(attrs), None), where, counts)


@pytest.mark.parametrize("path", TF_FILES, ids=lambda p: os.path.relpath(p, REPO))
def test_python_hcl2_agrees_with_our_literals(path):
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    theirs = oracle(text)
    ours = hcl.parse("x.tf", text.encode())
    assert ours.issues == ()
    counts = {"literal": 0, "unknown": 0}
    resources = {r.address: r for r in ours.resources}
    for mode in ("resource", "data"):
        for entry in theirs.get(mode, []):
            for rtype, named in entry.items():
                for name, body in named.items():
                    address = f"{rtype}.{name}" if mode == "resource" else f"data.{rtype}.{name}"
                    body_agrees(body, resources.pop(address).attrs, address, counts)
    assert resources == {}, "resources python-hcl2 did not see"
    for block_type, entries in theirs.items():
        if block_type in ("resource", "data"):
            continue
        records = ours.blocks[block_type]
        if block_type == "locals":
            for entry in entries:
                for name, value in entry.items():
                    agree(value, records[name].attrs["value"], f"local.{name}", counts)
            continue
        keys = iter(records)
        for entry in entries:
            if block_type in ("terraform", "moved", "import", "removed"):
                record = records[next(keys)]
                body_agrees(entry, record.attrs, block_type, counts)
                continue
            for name, body in entry.items():
                record = records[next(keys)]
                assert record.address.split(".")[1] == name
                if block_type == "variable":
                    body = {k: v for k, v in body.items() if k != "type"}  # we keep its source text
                body_agrees(body, record.attrs, record.address, counts)
    assert counts["literal"] > 0


def normal(raw):
    """Plain data with the one representation difference of JSON (objects read as a block) and
    Unknowns compared by reason: the text differs by syntax, the meaning must not."""
    if isinstance(raw, Value):
        raw = raw.raw
    if isinstance(raw, Unknown):
        return ("unknown", raw.reason)
    if isinstance(raw, list):
        if len(raw) == 1 and isinstance(raw[0].raw, dict):
            return normal(raw[0])
        return [normal(v) for v in raw]
    if isinstance(raw, dict):
        return {k: normal(v) for k, v in raw.items()}
    return raw


@pytest.mark.parametrize("name", ["sagemaker", "s3_data", "bedrock_modules"])
def test_json_twin_gives_the_same_model(name):
    with open(os.path.join(DATA, f"{name}.tf"), "rb") as handle:
        from_hcl = hcl.parse(f"{name}.tf", handle.read())
    with open(os.path.join(DATA, f"{name}.tf.json"), "rb") as handle:
        from_json = tfjson.parse(f"{name}.tf.json", handle.read())
    assert from_json.issues == ()
    # the twin lists data sources after resources (python-hcl2 groups them): compare by address
    hcl_resources = sorted(from_hcl.resources, key=lambda r: r.address)
    json_resources = sorted(from_json.resources, key=lambda r: r.address)
    assert [(r.address, r.kind, r.native_type) for r in hcl_resources] == [
        (r.address, r.kind, r.native_type) for r in json_resources]
    for a, b in zip(hcl_resources, json_resources):
        assert normal(dict(a.attrs)) == normal(dict(b.attrs)), a.address
        assert set(a.insertions) <= set(b.insertions) | {""}, a.address
    assert {t: list(r) for t, r in from_hcl.blocks.items()} == {t: list(r) for t, r in from_json.blocks.items()}
    for block_type, records in from_hcl.blocks.items():
        for key, record in records.items():
            other = from_json.blocks[block_type][key]
            assert record.address == other.address
            mine, theirs = normal(dict(record.attrs)), normal(dict(other.attrs))
            if block_type == "variable":
                mine.pop("type", None), theirs.pop("type", None)  # python-hcl2 reformatted the twin's
            assert mine == theirs, record.address
