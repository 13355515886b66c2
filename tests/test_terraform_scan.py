"""End to end on the Terraform fixtures: which rule fired, where, and what the scan went on to do."""
import os

import pytest

from analyzer.check import Status
from analyzer.engine import scan

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "fixtures", "terraform")


@pytest.fixture
def in_fixtures(monkeypatch):
    monkeypatch.chdir(FIXTURES)


def terraform_files(result):
    """The scanned Terraform files (every other text file is read too, for keys)."""
    return [f for f in result.files if f.endswith((".tf", ".tf.json"))]


def located(findings):
    return sorted((f.rule_id, f.resource.rsplit(".", 1)[-1], f.span.line, f.span.col) for f in findings)


def test_notebook_defaults_are_judged(in_fixtures):
    result = scan(["notebook-defaults"])
    assert terraform_files(result) == ["notebook-defaults/main.tf"]
    assert located(result.findings) == [
        # nothing written: findings anchor at the resource block (line 6)
        ("AIP101", "fail_defaults", 6, 1),
        ("AIP101", "fail_explicit", 19, 28),
        ("AIP102", "fail_defaults", 6, 1),
        ("AIP102", "fail_explicit", 20, 28),
        ("AIP103", "fail_defaults", 6, 1),
        ("AIP104", "fail_defaults", 6, 1),
        ("AIP105", "fail_defaults", 6, 1),
        ("AIP105", "fail_explicit", 23, 49),
    ]
    absent = next(f for f in result.findings if f.rule_id == "AIP101" and f.absent)
    assert "default" in absent.message
    assert absent.span.end_line == 6 and absent.span.end_col == 61  # the header, through its `{`
    explicit = next(f for f in result.findings if f.rule_id == "AIP101" and not f.absent)
    assert (explicit.span.end_line, explicit.span.end_col) == (19, 37)  # "Enabled" with its quotes
    assert explicit.attribute == "direct_internet_access"


def test_a_value_from_a_variable_is_unknown_not_a_failure(in_fixtures):
    result = scan(["notebook-defaults"])
    assert not [f for f in result.findings if f.resource.endswith("unknown_variable")]
    [unknown] = result.unknowns
    assert unknown.status is Status.UNKNOWN
    assert (unknown.rule_id, unknown.span.line, unknown.span.col) == ("AIP101", 34, 28)
    assert "var.internet" in unknown.message


def test_a_malformed_file_is_reported_and_the_rest_is_checked(in_fixtures):
    result = scan(["malformed"])
    assert terraform_files(result) == ["malformed/broken.tf", "malformed/clean.tf", "malformed/notebook.tf"]
    [parse_error] = [f for f in result.findings if f.rule_id == "AIP900"]
    assert (parse_error.path, parse_error.span.line) == ("malformed/broken.tf", 12)
    assert parse_error.span.col == 27  # the stray second string
    by_resource = {(f.rule_id, f.resource) for f in result.findings}
    # the resource before the error and the one after it in the same file are still checked
    assert ("AIP112", "aws_sagemaker_model.fail_isolation") in by_resource
    assert ("AIP107", "aws_sagemaker_domain.fail_after_the_error") in by_resource
    # and so are the other files
    assert ("AIP101", "aws_sagemaker_notebook_instance.fail_before_the_error") in by_resource
    assert not [f for f in result.findings if f.resource.endswith(".pass")]


def test_select_and_ignore(in_fixtures):
    only = scan(["notebook-defaults"], select=["AIP101"])
    assert {f.rule_id for f in only.findings} == {"AIP101"}
    by_name = scan(["notebook-defaults"], select=["sagemaker-notebook-root-access"])
    assert {f.rule_id for f in by_name.findings} == {"AIP102"}
    prefix = scan(["notebook-defaults"], select=["AIP10"], ignore=["AIP101"])
    assert "AIP101" not in {f.rule_id for f in prefix.findings}


def test_parallel_scan_matches_serial(tmp_path, monkeypatch):
    source = open(os.path.join(FIXTURES, "notebook-defaults", "main.tf"), encoding="utf-8").read()
    for index in range(70):  # above the threshold where the process pool starts
        folder = tmp_path / f"team{index:02d}"
        folder.mkdir()
        (folder / "main.tf").write_text(source)
    monkeypatch.chdir(tmp_path)
    serial = scan(["."], jobs=1)
    parallel = scan(["."], jobs=2)
    assert len(serial.findings) == 70 * 8
    assert [f.sort_key() for f in serial.findings] == [f.sort_key() for f in parallel.findings]
    assert len(parallel.unknowns) == 70


def test_discovery_skips_caches_and_links_out_of_the_tree(tmp_path, monkeypatch):
    (tmp_path / "infra").mkdir()
    (tmp_path / "infra" / "main.tf").write_text('resource "aws_sagemaker_model" "m" {\n  name = "m"\n}\n')
    (tmp_path / "infra" / ".terraform").mkdir()
    (tmp_path / "infra" / ".terraform" / "module.tf").write_text('resource "aws_sagemaker_model" "x" {}\n')
    outside = tmp_path / "outside.tf"
    outside.write_text('resource "aws_sagemaker_model" "y" {}\n')
    (tmp_path / "infra" / "escape.tf").symlink_to(outside)
    (tmp_path / "infra" / "huge.tf").write_bytes(b"#" * (5 * 1024 * 1024 + 1))
    monkeypatch.chdir(tmp_path / "infra")
    result = scan(["."])
    assert result.files == ["main.tf"]
    assert sorted(path for path, _ in result.skipped) == ["escape.tf", "huge.tf"]


def test_cdk_for_terraform_output_is_scanned_with_its_construct_path(monkeypatch):
    monkeypatch.chdir(os.path.join(FIXTURES, "..", "example-project"))
    result = scan(["cdktf-app"])
    assert terraform_files(result) == ["cdktf-app/cdktf.out/stacks/training/cdk.tf.json"]
    [finding] = result.findings
    assert (finding.rule_id, finding.span.line, finding.span.col) == ("AIP101", 43, 35)
    assert finding.logical_location == "training/labeling-notebook"
    assert finding.resource == "aws_sagemaker_notebook_instance.labeling_notebook_9F8E7D6C"
