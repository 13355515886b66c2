"""Inline suppressions: the comment forms, where they apply, their problems, and the reports."""
import json
import os
import textwrap

import jsonschema
import pytest

from analyzer import suppress
from analyzer.engine import check_source, scan, select_checks
from analyzer.main import run
from analyzer.report import render
from checks import ALL_CHECKS
from sarif_validation import multitool_problems, schema_errors

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")

# A notebook whose settings are all secure but the two under test: AIP101 (direct internet,
# written explicitly) and AIP102 (root access, written explicitly) fire on their lines.
BODY = """\
  name                   = "nb"
  role_arn               = "arn:aws:iam::123456789012:role/notebook"
  instance_type          = "ml.t3.medium"
  subnet_id              = "subnet-0a1b2c3d4e5f60718"
  kms_key_id             = "arn:aws:kms:us-east-1:123456789012:key/k"
  platform_identifier    = "notebook-al2023-v1"
  instance_metadata_service_configuration {
    minimum_instance_metadata_service_version = "2"
  }
"""


def notebook(direct='  direct_internet_access = "Enabled"', root='  root_access            = "Enabled"',
             header='resource "aws_sagemaker_notebook_instance" "nb" {', before="") -> str:
    return f'{before}{header}\n{BODY}{direct}\n{root}\n}}\n'


def check(text: str, checks=ALL_CHECKS, filename="main.tf"):
    outcome = check_source(filename, textwrap.dedent(text).encode(), checks)
    return ({f.rule_id for f in outcome.findings}, {f.rule_id: f.suppression for f in outcome.suppressed},
            outcome)


def test_the_notebook_fails_both_rules_without_suppressions():
    assert check(notebook())[0] == {"AIP101", "AIP102"}


@pytest.mark.parametrize("comment", [
    "# aiposture:ignore[AIP101] lab account",
    "// aiposture:ignore[AIP101] lab account",
    "/* aiposture:ignore[AIP101] lab account */",
])
def test_each_hcl_comment_form_trailing(comment):
    found, suppressed, _ = check(notebook(direct=f'  direct_internet_access = "Enabled" {comment}'))
    assert found == {"AIP102"}
    assert suppressed == {"AIP101": "lab account"}


@pytest.mark.parametrize("comment", ["#", "//"])
def test_the_line_before(comment):
    found, suppressed, _ = check(notebook(
        direct=f'  {comment} aiposture:ignore[AIP101] lab account\n  direct_internet_access = "Enabled"'))
    assert found == {"AIP102"} and suppressed == {"AIP101": "lab account"}


def test_stacked_comment_lines_above_one_line():
    direct = ('  # aiposture:ignore[AIP101] lab account\n  # more words about it\n'
              '  direct_internet_access = "Enabled"')
    found, suppressed, _ = check(notebook(direct=direct))
    assert found == {"AIP102"} and suppressed == {"AIP101": "lab account"}


def test_a_blank_line_ends_the_reach_and_the_suppression_is_unused():
    direct = '  # aiposture:ignore[AIP101] lab account\n\n  direct_internet_access = "Enabled"'
    found, suppressed, outcome = check(notebook(direct=direct))
    assert found == {"AIP101", "AIP102", "AIP902"} and suppressed == {}


def test_a_trailing_comment_covers_only_its_own_line():
    found, _, _ = check(notebook(direct='  direct_internet_access = "Enabled" # aiposture:ignore[AIP102] no'))
    assert found == {"AIP101", "AIP102", "AIP902"}


def test_block_level_on_the_header_line():
    header = 'resource "aws_sagemaker_notebook_instance" "nb" { # aiposture:ignore[AIP101,AIP102] sandbox'
    found, suppressed, _ = check(notebook(header=header))
    assert found == set()
    assert suppressed == {"AIP101": "sandbox", "AIP102": "sandbox"}


def test_block_level_on_the_line_above_the_header():
    found, suppressed, _ = check(notebook(before="// aiposture:ignore[AIP101, AIP102]: sandbox only\n"))
    assert found == set() and suppressed == {"AIP101": "sandbox only", "AIP102": "sandbox only"}


def test_a_finding_anchored_at_the_header_for_an_absent_attribute():
    # without direct_internet_access the provider default ("Enabled") fails, at the header line
    found, _, outcome = check(notebook(direct=""))
    assert "AIP101" in found
    assert next(f for f in outcome.findings if f.rule_id == "AIP101").span.line == 1
    for text in (notebook(direct="", before="# aiposture:ignore[AIP101] sandbox\n"),
                 notebook(direct="", header='resource "aws_sagemaker_notebook_instance" "nb" { '
                                            '# aiposture:ignore[AIP101] sandbox')):
        found, suppressed, _ = check(text)
        assert found == {"AIP102"} and suppressed == {"AIP101": "sandbox"}


def test_by_rule_name_case_insensitive_and_several_ids():
    direct = ('  direct_internet_access = "Enabled" '
              '# aiposture:ignore[Sagemaker-Notebook-Direct-Internet] lab')
    found, suppressed, _ = check(notebook(direct=direct))
    assert found == {"AIP102"} and suppressed == {"AIP101": "lab"}
    found, suppressed, _ = check(notebook(before="# aiposture:ignore[aip101,sagemaker-notebook-root-access] lab\n"))
    assert found == set() and set(suppressed) == {"AIP101", "AIP102"}


def test_a_hash_inside_a_string_is_not_a_comment():
    text = notebook(direct='  direct_internet_access = "Enabled"\n'
                           '  tags = { note = "# aiposture:ignore[AIP101] not a comment" }')
    assert suppress.find("main.tf", text.encode()) == []
    assert check(text)[0] == {"AIP101", "AIP102"}
    # nor inside an interpolation's nested string, nor in a heredoc
    data = (b'a = "${lookup(m, "# aiposture:ignore[AIP101] x")}"\n'
            b'b = <<EOT\n# aiposture:ignore[AIP101] x\nEOT\n'
            b'c = "\\" # aiposture:ignore[AIP101] x"\n')
    assert suppress.find("main.tf", data) == []
    # but a comment after a string that holds a "#" is one
    found = suppress.find("main.tf", b'a = "#x" # aiposture:ignore[AIP101] real\n')
    assert [(s.ids, s.reason, s.span.line, s.span.col) for s in found] == [(("AIP101",), "real", 1, 12)]


def test_a_suppression_without_reason_still_suppresses_and_is_reported():
    found, suppressed, outcome = check(notebook(direct='  direct_internet_access = "Enabled" # aiposture:ignore[AIP101]'))
    assert found == {"AIP102", "AIP901"} and suppressed == {"AIP101": ""}
    problem = next(f for f in outcome.findings if f.rule_id == "AIP901")
    assert problem.span.line == 11 and problem.rule_name == "suppression-without-reason"
    assert problem.severity.label == "low"


def test_a_suppression_that_matches_nothing_is_reported():
    found, _, outcome = check(notebook(direct='  direct_internet_access = false # aiposture:ignore[AIP101] old'))
    assert found == {"AIP102", "AIP902"}
    problem = next(f for f in outcome.findings if f.rule_id == "AIP902")
    assert problem.span.line == 11 and "AIP101" in problem.message


@pytest.mark.parametrize("ids, expected", [
    ("AIP999", "`AIP999` in this suppression is an unknown rule"),
    ("no-such-rule", "unknown rule"),
    ("all", "`all` is not accepted"),
    ("", "names no rule"),
])
def test_unknown_ids_and_empty_lists_are_reported(ids, expected):
    found, _, outcome = check(notebook(before=f"# aiposture:ignore[{ids}] reason\n"))
    assert found == {"AIP101", "AIP102", "AIP902"}
    assert expected in next(f for f in outcome.findings if f.rule_id == "AIP902").message


def test_one_unused_id_of_several_is_reported():
    found, suppressed, outcome = check(notebook(before="# aiposture:ignore[AIP101,AIP103] sandbox\n"))
    assert found == {"AIP102", "AIP902"} and set(suppressed) == {"AIP101"}
    assert "AIP103" in next(f for f in outcome.findings if f.rule_id == "AIP902").message


def test_a_rule_that_did_not_run_does_not_make_the_suppression_unused():
    text = notebook(before="# aiposture:ignore[AIP101] sandbox\n")
    only_102 = select_checks(ALL_CHECKS, ["AIP102", "AIP9"])
    found, suppressed, _ = check(text, only_102)
    assert found == {"AIP102"} and suppressed == {}
    # and without AIP901/AIP902 selected, problems are not reported at all
    found, _, _ = check(notebook(before="# aiposture:ignore[AIP103]\n"), select_checks(ALL_CHECKS, ["AIP1"]))
    assert found == {"AIP101", "AIP102"}


def test_suppressed_unknown_results_disappear_and_count_as_used():
    text = 'resource "aws_sagemaker_notebook_instance" "nb" {\n' + BODY + \
        '  root_access = "Disabled"\n  direct_internet_access = var.x # aiposture:ignore[AIP101] decided later\n}\n'
    found, suppressed, outcome = check(text)
    assert found == set() and suppressed == {} and outcome.unknowns == []


def test_json_files_have_no_inline_suppressions():
    # JSON has no comments: Terraform JSON (and other JSON) takes its suppressions from the configuration
    data = b'{"resource": {"x": {"y": {"//": "aiposture:ignore[AIP101] no"}}}}'
    assert suppress.find("main.tf.json", data) == []
    assert suppress.find("template.json", data) == []


@pytest.mark.parametrize("path, data, expected", [
    ("template.yaml", b"Resources:\n  Nb:  # aiposture:ignore[AIP101] lab\n    Type: x\n", [(2, "lab")]),
    ("template.yml", b"a: \"# aiposture:ignore[AIP101] no\"\nb: it's # aiposture:ignore[AIP102] yes\n"
                     b"c: x#aiposture:ignore[AIP101] not a comment\n", [(2, "yes")]),
    ("main.bicep", b"resource a 'x' = { // aiposture:ignore[AIP301] ok\n"
                   b"  name: '// aiposture:ignore[AIP301] no'\n  /* aiposture:ignore[AIP302] block */\n}\n",
     [(1, "ok"), (3, "block")]),
    ("main.bicep", b"var s = '''\n// aiposture:ignore[AIP301] in a string\n'''\n", []),
    ("pipeline.py", b"x = '# aiposture:ignore[AIP101] no'  # aiposture:ignore[AIP101] yes\n"
                    b'y = """\n# aiposture:ignore[AIP101] in a docstring\n"""\n', [(1, "yes")]),
])
def test_other_syntaxes_are_recognised(path, data, expected):
    assert [(s.span.line, s.reason) for s in suppress.find(path, data)] == expected


def test_find_returns_at_once_without_the_marker():
    assert suppress.find("main.tf", b'resource "a" "b" {}\n') == []


# --- reports and the exit code ------------------------------------------------------------------


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "main.tf").write_text(notebook(before="# aiposture:ignore[AIP101,AIP102] sandbox account\n"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_sarif_carries_suppressions_and_validates(project, tmp_path):
    log = json.loads(render(scan(["."]), "sarif"))
    results = log["runs"][0]["results"]
    assert {r["ruleId"] for r in results} == {"AIP101", "AIP102"}
    for result in results:
        assert result["suppressions"] == [{"kind": "inSource", "justification": "sandbox account"}]
    assert schema_errors(log) == []
    (tmp_path / "sarif").mkdir()
    assert multitool_problems({"suppressed": log}, tmp_path / "sarif") == {}


def test_json_report_lists_suppressed_and_validates(project):
    document = json.loads(render(scan(["."]), "json"))
    with open(os.path.join(DATA, "aiposture-report.schema.json"), encoding="utf-8") as handle:
        validator = jsonschema.Draft202012Validator(json.load(handle))
    assert [e.message for e in validator.iter_errors(document)] == []
    assert document["findings"] == [] and document["summary"]["suppressed"] == 2
    assert [(s["rule_id"], s["justification"]) for s in document["suppressed"]] == [
        ("AIP101", "sandbox account"), ("AIP102", "sandbox account")]
    document["suppressed"][0]["extra"] = 1
    assert len(list(validator.iter_errors(document))) == 1


def test_text_and_markdown_mention_the_count(project):
    result = scan(["."])
    assert "2 suppressed inline." in render(result, "text")
    assert "2 suppressed inline" in render(result, "markdown")


def test_exit_code_ignores_suppressed_findings(project, capsys):
    assert run(["scan", "."]) == 0
    (project / "main.tf").write_text(notebook(before="# aiposture:ignore[AIP101] sandbox account\n"))
    assert run(["scan", "."]) == 1


def test_fixes_are_verified_beside_suppressed_findings(tmp_path):
    # the suppressed finding still exists in the fixed text: it must not count as a new finding
    text = notebook(direct='  direct_internet_access = "Enabled" # aiposture:ignore[AIP101] lab account')
    outcome = check_source("main.tf", text.encode(), ALL_CHECKS, fixes=True)
    assert [(f.rule_id, f.fix is not None, f.fix_note) for f in outcome.findings] == [("AIP102", True, "")]
    assert [(f.rule_id, f.fix) for f in outcome.suppressed] == [("AIP101", None)]


def test_kept_drops_suppressed_findings_for_the_fixer():
    from analyzer.engine import check_file
    from parsers.terraform import hcl

    data = notebook(direct='  direct_internet_access = "Enabled" # aiposture:ignore[AIP101] lab account').encode()
    parsed = hcl.parse("main.tf", data)
    findings = check_file(parsed, ALL_CHECKS).findings
    assert {f.rule_id for f in findings} == {"AIP101", "AIP102"}
    assert [f.rule_id for f in suppress.kept("main.tf", data, findings, parsed.resources, ALL_CHECKS)] == ["AIP102"]


def test_fix_leaves_suppressed_findings_alone(tmp_path, monkeypatch, capsys):
    main_tf = tmp_path / "main.tf"
    main_tf.write_text(notebook(direct='  direct_internet_access = "Enabled" # aiposture:ignore[AIP101] lab account'))
    monkeypatch.chdir(tmp_path)
    run(["fix", ".", "--write", "--unsafe-fixes"])
    text = main_tf.read_text()
    assert 'root_access            = "Enabled"' not in text  # the other finding was fixed
    assert 'direct_internet_access = "Enabled" # aiposture:ignore[AIP101]' in text
