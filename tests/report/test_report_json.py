"""The JSON report: valid against its schema, documented fields, line-independent fingerprints."""
import hashlib
import json
import os

import jsonschema
import pytest

from analyzer.report import render
from report_fixtures import DATA, MAIN_TF, build, write_tree


@pytest.fixture(scope="module")
def validator():
    with open(os.path.join(DATA, "aiposture-report.schema.json"), encoding="utf-8") as handle:
        schema = json.load(handle)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _errors(validator, document):
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]


@pytest.mark.parametrize("show_unknown", [False, True])
def test_report_validates_against_the_schema(scan, validator, show_unknown):
    document = json.loads(render(scan, "json", show_unknown=show_unknown))
    assert _errors(validator, document) == []
    assert len(document["unknowns"]) == (1 if show_unknown else 0)
    assert document["summary"]["unknowns"] == 1


def test_schema_rejects_drift(scan, validator):
    document = json.loads(render(scan, "json"))
    document["findings"][0]["line"] = 3
    document["summary"]["by_severity"].pop("info")
    assert len(_errors(validator, document)) == 2


def test_header_and_summary(scan):
    document = json.loads(render(scan, "json"))
    assert document["schema"] == "aiposture-report" and document["version"] == 1
    assert document["tool"]["name"] == "aiposture" and document["tool"]["version"]
    assert document["root"] == scan.root
    assert document["summary"] == {
        "files": 2, "resources": 3, "passed": 7, "findings": 5,
        "by_severity": {"critical": 0, "high": 2, "medium": 3, "low": 0, "info": 0},
        "unknowns": 1, "parse_errors": 2, "skipped": 0, "suppressed": 0,
    }


def test_a_finding_carries_every_documented_field(scan):
    document = json.loads(render(scan, "json"))
    finding = next(f for f in document["findings"] if f["rule_id"] == "AIP101" and not f["absent"])
    line = MAIN_TF.splitlines()[4]
    start = len(MAIN_TF[: MAIN_TF.index('"Enabled"')].encode())
    key = hashlib.sha256(
        b"AIP101|infra/main.tf|aws_sagemaker_notebook_instance.nb|direct_internet_access").hexdigest()
    assert finding == {
        "rule_id": "AIP101",
        "rule_name": "sagemaker-notebook-direct-internet",
        "severity": "high",
        "status": "fail",
        "message": '`direct_internet_access` is "Enabled"; it should be false',
        "path": "infra/main.tf",
        "region": {"start_line": 5, "start_column": line.index('"') + 1, "end_line": 5,
                   "end_column": len(line) + 1, "start_byte": start, "end_byte": start + 9},
        "resource": "aws_sagemaker_notebook_instance.nb",
        "kind": "aws.sagemaker.notebook_instance",
        "native_type": "aws_sagemaker_notebook_instance",
        "framework": "terraform",
        "attribute": "direct_internet_access",
        "absent": False,
        "fix_safety": "unsafe",
        "logical_location": "",
        "related": [],
        "fingerprint": f"{key}:1",
    }


def test_duplicates_get_an_occurrence_number(scan):
    document = json.loads(render(scan, "json"))
    parse_errors = [f["fingerprint"] for f in document["findings"] if f["rule_id"] == "AIP900"]
    key = hashlib.sha256(b"AIP900|broken.tf||").hexdigest()
    assert parse_errors == [f"{key}:1", f"{key}:2"]
    assert len({f["fingerprint"] for f in document["findings"]}) == 5


def test_fingerprints_do_not_move_when_lines_are_inserted_above(tmp_path):
    before_root, after_root = tmp_path / "before", tmp_path / "after"
    before_root.mkdir(), after_root.mkdir()
    edited = "# a new comment\nlocals {\n  team = \"ml\"\n}\n\n" + MAIN_TF
    write_tree(before_root)
    write_tree(after_root, edited)
    before = json.loads(render(build(str(before_root)), "json", show_unknown=True))
    after = json.loads(render(build(str(after_root), main_tf=edited), "json", show_unknown=True))
    for key in ("findings", "unknowns"):
        assert [f["fingerprint"] for f in before[key]] == [f["fingerprint"] for f in after[key]]
    moved = [(b["region"]["start_line"], a["region"]["start_line"])
             for b, a in zip(before["findings"], after["findings"]) if b["path"] == "infra/main.tf"]
    assert moved and all(a == b + 5 for b, a in moved)


def test_skipped_files(tree, validator):
    document = json.loads(render(build(str(tree), skipped=[("big.json", "larger than 5 MB")]), "json"))
    assert document["skipped"] == [{"path": "big.json", "reason": "larger than 5 MB"}]
    assert document["summary"]["skipped"] == 1
    assert _errors(validator, document) == []


def test_columns_count_utf16_code_units(scan):
    out = render(scan, "json", show_unknown=True)
    assert out.endswith("\n")
    line = MAIN_TF.splitlines()[5]  # has É (1 unit) and 🤖 (2 units) before `var.owner`
    before = line[: line.index("var.owner")]
    region = json.loads(out)["unknowns"][0]["region"]
    assert region["start_column"] == len(before.encode("utf-16-le")) // 2 + 1 == len(before) + 2
    assert region["end_column"] - region["start_column"] == len("var.owner")
