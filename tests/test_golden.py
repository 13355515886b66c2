"""Golden reports of the fixture projects: regenerated with --update-goldens, never edited by hand."""
import json
import os

import pytest

from analyzer.engine import scan
from analyzer.report import render
from sarif_validation import multitool_problems, schema_errors

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures")
CASES = ["example-project", "terraform/notebook-defaults", "terraform/malformed"]


def normalised_sarif(text: str) -> str:
    """Drop what differs between machines and releases: the absolute root and the version."""
    log = json.loads(text)
    for run in log["runs"]:
        run["originalUriBaseIds"]["SRCROOT"]["uri"] = "file:///SRCROOT/"
        run["tool"]["driver"]["version"] = "0.0.0"  # a dotted version, as the validator wants
    return json.dumps(log, indent=2, sort_keys=True) + "\n"


@pytest.mark.parametrize("case", CASES)
def test_golden_reports(case, monkeypatch, update_goldens):
    folder = os.path.join(FIXTURES, case)
    monkeypatch.chdir(folder)
    # as the command line does for the formats that carry fixes; the goldens themselves are not input
    result = scan(["."], fixes=True, exclude=["expected.*"])
    outputs = {
        "expected.sarif.json": normalised_sarif(render(result, "sarif", show_unknown=True)),
        "expected.txt": render(result, "text", show_unknown=True),
        "expected.md": render(result, "markdown", show_unknown=True),
    }
    for name, actual in outputs.items():
        path = os.path.join(folder, name)
        if update_goldens:
            with open(path, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(actual)
            continue
        assert os.path.exists(path), f"{case}/{name} is missing: run pytest with --update-goldens"
        with open(path, encoding="utf-8") as handle:
            expected = handle.read()
        assert actual == expected, f"{case}/{name} changed: rerun with --update-goldens and review the diff"


def test_golden_sarif_passes_the_schema_and_microsofts_validator(tmp_path):
    """The reports users get from the fixture projects are what GitHub code scanning accepts."""
    logs = {}
    for case in CASES:
        with open(os.path.join(FIXTURES, case, "expected.sarif.json"), encoding="utf-8") as handle:
            log = json.load(handle)
        assert schema_errors(log) == [], case
        logs[case.replace("/", "-")] = log
    assert multitool_problems(logs, tmp_path) == {}


def test_the_rules_catalog_in_docs_is_current(update_goldens):
    from analyzer.docs import rules_markdown
    from checks import ALL_CHECKS

    path = os.path.join(FIXTURES, "..", "docs", "rules.md")
    actual = rules_markdown(ALL_CHECKS)
    if update_goldens:
        with open(path, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(actual)
        return
    with open(path, encoding="utf-8") as handle:
        assert handle.read() == actual, "docs/rules.md changed: rerun with --update-goldens and review the diff"


def test_sarif_of_every_kind_of_finding_passes_the_schema_and_microsofts_validator(tmp_path, monkeypatch):
    """Keys, personal data, model files, the supply chain, CloudFormation conditions, Bicep and
    ARM: findings of every kind, not only Terraform's, are what GitHub code scanning accepts."""
    monkeypatch.chdir(FIXTURES)
    result = scan(["pii", "inventory", "secrets", "bicep-arm", "cloudformation-eval"], fixes=True)
    assert {f.rule_id[:4] for f in result.findings} >= {"AIP1", "AIP3", "AIP6", "AIP7"}
    log = json.loads(render(result, "sarif", show_unknown=True))
    assert schema_errors(log) == []
    assert multitool_problems({"mixed": log}, tmp_path) == {}
