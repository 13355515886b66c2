"""SARIF: the official schema, Microsoft's validator with GitHub's rules, and GitHub's specifics."""
import dataclasses
import json
import os

import jsonschema
import pytest

from analyzer.check import Severity
from analyzer.model import Span
from analyzer.report import render, sarif
from analyzer.report.linehash import line_hashes
from sarif_validation import multitool_problems
from report_fixtures import AIP101, AIP900, CHECKS, DATA, MAIN_TF, build, notebook_finding, write_tree

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


# --- an independent primaryLocationLineHash: the direct formula, no rolling window -------------


def expected_line_hashes(text: str) -> list[str]:
    """Line k's hash is sum(s[p+i] * 37**(99-i) for i < 100) mod 2**64, where s is the file's
    UTF-16 units with newlines normalised to LF and spaces/tabs dropped, followed by 65535 and
    zeros, and p is where line k starts in s; then ':n' numbers equal hashes in line order."""
    pieces = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    stream: list[int] = []
    starts = []
    for i, piece in enumerate(pieces):
        starts.append(len(stream))
        kept = piece.replace(" ", "").replace("\t", "").encode("utf-16-le")
        stream += [int.from_bytes(kept[j:j + 2], "little") for j in range(0, len(kept), 2)]
        if i < len(pieces) - 1:
            stream.append(10)
    stream += [65535] + [0] * 100
    out, seen = [], {}
    for start in starts:
        value = 0
        for i in range(100):
            value = value + stream[start + i] * 37 ** (99 - i)
        value %= 2 ** 64
        key = format(value, "x")
        seen[key] = seen.get(key, 0) + 1
        out.append(f"{key}:{seen[key]}")
    return out


LINE_HASH_CASES = [
    "",
    "\n",
    'resource "aws_sagemaker_notebook_instance" "nb" {\n  name = "x"\n  direct_internet_access = "Enabled"\n}\n',
    'x\r\ny\rz\n\n\n\t \n  tags = { Équipe = "ml", emoji = "🤖", x = "y" }\r\nlast',
    "same\nsame\n\tsame\n" + "a" * 250 + "\n" + "b b b\n" * 50,
    "a\r \nb\r\r\nc",
    MAIN_TF,
]


@pytest.mark.parametrize("text", LINE_HASH_CASES)
def test_line_hash_matches_the_direct_formula(text):
    assert line_hashes(text) == expected_line_hashes(text)


def test_line_hash_known_values():
    # Pinned from a transcription of github/codeql-action src/fingerprints.ts run under node
    # (BigInt in place of the `long` package); the Python port matched it on these and 23 more.
    assert line_hashes(LINE_HASH_CASES[2]) == [
        "6ddc9ac0250ca2b3:1", "5b454fcb63cb5ec8:1", "8b6bbc57411e24fc:1", "32dce9ccfdbc9d3e:1", "c129715d7a2bc9a3:1"]
    assert line_hashes(LINE_HASH_CASES[3]) == [
        "5a0ef50810485db2:1", "4a1a3fb2975e8aa0:1", "c6d2635599c91809:1", "8bdecfc4226b9735:1",
        "3f13e152fa6c483f:1", "25bf6af83285deb1:1", "7c8a4fd94e389d2b:1", "58429ecce5a8d0db:1"]
    assert line_hashes("") == ["c129715d7a2bc9a3:1"]


def test_line_hash_ignores_indentation_and_line_endings_and_counts_repeats():
    assert line_hashes("a = 1\nb = 2\n")[0] == line_hashes("\ta=1\r\n  b  =  2\r\n")[0]
    hashes = line_hashes("x\n" * 5)
    assert [h.split(":")[1] for h in hashes[:3]] == ["1", "1", "1"]  # each sees different next lines
    tail = line_hashes("y\n" + "z\n" * 200)
    assert tail[1].split(":")[0] == tail[2].split(":")[0] and tail[2].endswith(":2")


def test_line_hash_stops_early_when_asked():
    text = "\n".join(f"line {i}" for i in range(1000))
    assert line_hashes(text, last_line=10) == line_hashes(text)[:10]


def test_line_hash_moves_with_the_line():
    hashes = line_hashes(MAIN_TF)
    shifted = line_hashes("# new\n# lines\n\n" + MAIN_TF)
    assert shifted[3:] == hashes


# --- the log --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def schema_validator():
    with open(os.path.join(DATA, "sarif-schema-2.1.0.json"), encoding="utf-8") as handle:
        return jsonschema.Draft4Validator(json.load(handle))


def _schema_errors(validator, log):
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(log)]


def _log(result, **options):
    text = render(result, "sarif", **options)
    assert text.endswith("\n")
    return json.loads(text)


def _variants(tree):
    """Logs that exercise every part of the writer."""
    many = build(str(tree), skipped=[("data/huge dataset.json", "larger than 5 MB")])
    return {
        "plain": _log(build(str(tree))),
        "unknowns": _log(build(str(tree)), show_unknown=True),
        "skipped": _log(many),
        "empty": _log(build(str(tree), findings=[], unknowns=[])),
    }


@pytest.mark.parametrize("show_unknown", [False, True])
def test_log_validates_against_the_official_schema(scan, schema_validator, show_unknown):
    assert _schema_errors(schema_validator, _log(scan, show_unknown=show_unknown)) == []


def test_every_variant_validates_against_the_official_schema(tree, schema_validator, monkeypatch):
    monkeypatch.setattr(sarif, "MAX_RESULTS", 2)
    logs = _variants(tree)
    logs["truncated"] = _log(build(str(tree)), show_unknown=True)
    for name, log in logs.items():
        assert _schema_errors(schema_validator, log) == [], name


def test_microsofts_validator_with_githubs_rules_reports_nothing(tree, tmp_path, monkeypatch):
    monkeypatch.setattr(sarif, "MAX_RESULTS", 2)
    logs = _variants(tree)
    logs["truncated"] = _log(build(str(tree)), show_unknown=True)
    # a control the validator must flag, so that an empty answer means something
    control = _log(build(str(tree)))
    del control["runs"][0]["tool"]["driver"]["informationUri"]
    logs["control"] = control
    problems = multitool_problems(logs, tmp_path)
    assert [p.split(":")[0] for p in problems.pop("control.sarif", [])] == ["SARIF2005 warning"]
    assert problems == {}


def test_run_header(scan):
    log = _log(scan)
    assert log["$schema"].endswith("/sarif-schema-2.1.0.json") and log["version"] == "2.1.0"
    assert len(log["runs"]) == 1
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "aiposture" and driver["version"]
    assert driver["informationUri"] == "https://github.com/aiposture/aiposture"
    assert run["columnKind"] == "utf16CodeUnits"
    assert run["automationDetails"] == {"id": "aiposture/"}
    root = run["originalUriBaseIds"]["SRCROOT"]["uri"]
    assert root.startswith("file:///") and root.endswith("/") and root.rstrip("/").endswith(os.path.basename(scan.root))
    assert run["invocations"] == [{"executionSuccessful": True}]


def test_a_rule_for_every_check_with_githubs_properties(scan):
    rules = _log(scan)["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [c.id for c in CHECKS]
    by_id = {r["id"]: r for r in rules}
    r101 = by_id["AIP101"]
    assert r101["name"] == "sagemaker-notebook-direct-internet"
    assert r101["shortDescription"]["text"] == AIP101.title
    assert r101["fullDescription"]["text"].startswith("A notebook instance with direct internet access")
    assert r101["help"]["text"].startswith("AIP101") and "```hcl" in r101["help"]["markdown"]
    assert r101["helpUri"] == AIP101.references[0]
    assert r101["defaultConfiguration"] == {"level": "error"}
    assert r101["properties"]["precision"] == "high"
    assert r101["properties"]["security-severity"] == "8.0"
    assert r101["properties"]["tags"] == [
        "security", "aws", "sagemaker", "owasp-ml/ML05", "aws-securityhub/SageMaker.1", "terraform", "cloudformation"]
    assert "helpUri" not in by_id["AIP900"]
    assert by_id["AIP900"]["properties"]["tags"] == ["security"]
    levels = {r["id"]: (r["defaultConfiguration"]["level"], r["properties"]["security-severity"]) for r in rules}
    assert levels == {"AIP101": ("error", "8.0"), "AIP102": ("warning", "5.5"), "AIP103": ("note", "3.0"),
                      "AIP900": ("warning", "5.5")}


@pytest.mark.parametrize("severity, level, score", [
    (Severity.CRITICAL, "error", "9.5"), (Severity.HIGH, "error", "8.0"), (Severity.MEDIUM, "warning", "5.5"),
    (Severity.LOW, "note", "3.0"), (Severity.INFO, "note", "1.0"),
])
def test_severity_mapping(severity, level, score):
    rule = sarif.rule_descriptor(dataclasses.replace(AIP101, severity=severity))
    assert rule["defaultConfiguration"]["level"] == level
    assert rule["properties"]["security-severity"] == score


def test_limits_on_tags_and_descriptions():
    check = dataclasses.replace(
        AIP101, title="t" * 2000, description="word " * 1000,
        compliance={"cwe": ("CWE-284",), "nist": tuple(f"AC-{i}" for i in range(40))})
    rule = sarif.rule_descriptor(check)
    tags = rule["properties"]["tags"]
    assert len(tags) == 20 and tags[0] == "security" and "external/cwe/cwe-284" in tags
    assert len(rule["shortDescription"]["text"]) <= 1024 and len(rule["fullDescription"]["text"]) <= 1024


def test_results(scan):
    run = _log(scan)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    results = run["results"]
    assert len(results) == len(scan.findings)
    for result, finding in zip(results, scan.findings):
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"] == finding.rule_id
        assert result["message"]["text"].endswith(".")
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"] == {"uri": finding.path, "uriBaseId": "SRCROOT"}
        assert set(location["region"]) == {"startLine", "startColumn", "endLine", "endColumn"}
        assert set(result["partialFingerprints"]) == {"primaryLocationLineHash", "aiposture/v1"}
        assert "kind" not in result
    first = next(r for r in results if r["ruleId"] == "AIP101" and not r["properties"]["absent"])
    assert first["level"] == "error"
    assert first["message"]["text"] == '`direct_internet_access` is "Enabled"; it should be false.'
    line = MAIN_TF.splitlines()[4]
    assert first["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 5, "startColumn": line.index('"') + 1, "endLine": 5, "endColumn": len(line) + 1}
    assert first["locations"][0]["logicalLocations"] == [
        {"fullyQualifiedName": "aws_sagemaker_notebook_instance.nb", "kind": "resource"}]
    assert first["properties"] == {
        "status": "fail", "severity": "high", "resource": "aws_sagemaker_notebook_instance.nb",
        "kind": "aws.sagemaker.notebook_instance", "framework": "terraform",
        "attribute": "direct_internet_access", "absent": False}
    parse_error = next(r for r in results if r["ruleId"] == "AIP900")
    assert "logicalLocations" not in parse_error["locations"][0]


def test_line_hashes_in_results_match_the_file(scan, tree):
    results = _log(scan, show_unknown=True)["runs"][0]["results"]
    for result in results:
        location = result["locations"][0]["physicalLocation"]
        text = (tree / location["artifactLocation"]["uri"]).read_bytes().decode("utf-8")
        expected = expected_line_hashes(text)[location["region"]["startLine"] - 1]
        assert result["partialFingerprints"]["primaryLocationLineHash"] == expected


def test_fingerprints_survive_lines_inserted_above(tmp_path):
    edited = "# owners: ml-platform\n\n" + MAIN_TF
    (tmp_path / "a").mkdir(), (tmp_path / "b").mkdir()
    write_tree(tmp_path / "a")
    write_tree(tmp_path / "b", edited)
    before = _log(build(str(tmp_path / "a")))["runs"][0]["results"]
    after = _log(build(str(tmp_path / "b"), main_tf=edited))["runs"][0]["results"]
    assert [r["partialFingerprints"] for r in before] == [r["partialFingerprints"] for r in after]
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in before] != \
           [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in after]


def test_unknowns_only_with_show_unknown_as_review_results(scan):
    assert all(r["ruleId"] != "AIP103" for r in _log(scan)["runs"][0]["results"])
    results = _log(scan, show_unknown=True)["runs"][0]["results"]
    unknown = results[-1]
    assert unknown["ruleId"] == "AIP103"
    assert unknown["kind"] == "review" and unknown["level"] == "none"
    assert unknown["properties"]["status"] == "unknown"


def test_columns_are_utf16_code_units(scan):
    unknown = _log(scan, show_unknown=True)["runs"][0]["results"][-1]
    region = unknown["locations"][0]["physicalLocation"]["region"]
    line = MAIN_TF.splitlines()[5]
    before = line[: line.index("var.owner")]
    utf16 = len(before.encode("utf-16-le")) // 2 + 1
    assert utf16 == len(before) + 2 and utf16 != len(before.encode("utf-8")) + 1  # É and 🤖 differ
    assert region == {"startLine": 6, "startColumn": utf16, "endLine": 6, "endColumn": utf16 + len("var.owner")}


def test_a_region_ending_at_a_line_start_ends_on_the_line_before():
    span = Span("infra/main.tf", 0, 0, line=9, col=1, end_line=13, end_col=1)  # the block and its newline
    assert sarif.region(span, MAIN_TF.splitlines()) == {"startLine": 9, "startColumn": 1, "endLine": 12,
                                                         "endColumn": 2}


def test_too_many_results_keep_the_highest_severities(tree, monkeypatch):
    monkeypatch.setattr(sarif, "MAX_RESULTS", 2)
    result = build(str(tree))
    run = _log(result, show_unknown=True)["runs"][0]
    assert [r["ruleId"] for r in run["results"]] == ["AIP101", "AIP101"]
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert len(notes) == 1 and notes[0]["level"] == "warning"
    assert "4 results of 6 left out" in notes[0]["message"]["text"]
    assert run["invocations"][0]["executionSuccessful"] is True


def test_skipped_files_become_notifications(tree):
    run = _log(build(str(tree), skipped=[("data/huge dataset.json", "larger than 5 MB")]))["runs"][0]
    (note,) = run["invocations"][0]["toolExecutionNotifications"]
    assert note["message"]["text"] == "Skipped data/huge dataset.json: larger than 5 MB."
    assert note["locations"][0]["physicalLocation"]["artifactLocation"] == {
        "uri": "data/huge%20dataset.json", "uriBaseId": "SRCROOT"}


def test_a_finding_whose_rule_is_missing_gets_a_stand_in_rule(tree):
    finding = dataclasses.replace(
        notebook_finding(MAIN_TF, AIP101, '"Enabled"', resource="r", attribute="a", message="m"),
        rule_id="AIP199", rule_name="not-in-the-catalog")
    run = _log(build(str(tree), findings=[finding], unknowns=[], rules=(AIP900,)))["runs"][0]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == ["AIP900", "AIP199"]
    assert run["results"][0]["ruleIndex"] == 1


def test_a_construct_path_is_a_second_logical_location(tree):
    finding = dataclasses.replace(
        notebook_finding(MAIN_TF, AIP101, '"Enabled"', resource="aws_sagemaker_notebook_instance.nb_1A2B3C",
                         attribute="direct_internet_access", message="m"),
        logical_location="ml-stack/notebook/Resource")
    (result,) = _log(build(str(tree), findings=[finding], unknowns=[]))["runs"][0]["results"]
    assert result["locations"][0]["logicalLocations"] == [
        {"fullyQualifiedName": "aws_sagemaker_notebook_instance.nb_1A2B3C", "kind": "resource"},
        {"fullyQualifiedName": "ml-stack/notebook/Resource", "kind": "resource"},
    ]


def test_no_fixes_yet(scan):
    assert all("fixes" not in r for r in _log(scan)["runs"][0]["results"])


def test_rendering_is_deterministic(scan):
    assert render(scan, "sarif", show_unknown=True) == render(scan, "sarif", show_unknown=True)
