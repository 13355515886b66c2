"""`aiposture fix` end to end: golden diffs, `git apply --check`, writes, and what is never written."""
import os
import shutil
import stat
import subprocess
import sys

import hcl2
import pytest

from analyzer.check import Applicability
from analyzer.engine import scan
from analyzer.fixer import FileChangedError, apply_fixes, write_atomically
from analyzer.main import run

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures")
CASES = ["example-project", "terraform/notebook-defaults", "terraform/malformed"]


def git(*args, cwd):
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)


def copy_case(case, tmp_path):
    """The case in a fresh git repository (without its golden files), as a user's checkout."""
    target = tmp_path / "repo"
    shutil.copytree(os.path.join(FIXTURES, case), target,
                    ignore=shutil.ignore_patterns("expected.*"))
    git("init", "-q", cwd=target)
    git("add", "-A", cwd=target)
    return target


@pytest.mark.parametrize("case", CASES)
def test_golden_diff_applies_with_git(case, tmp_path, monkeypatch, update_goldens):
    repo = copy_case(case, tmp_path)
    monkeypatch.chdir(repo)
    outcome = apply_fixes(["."], Applicability.SUGGESTION)
    diff = outcome.diff
    golden = os.path.join(FIXTURES, case, "expected.fix.diff")
    if update_goldens:
        with open(golden, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(diff)
    else:
        with open(golden, encoding="utf-8") as handle:
            assert diff == handle.read(), f"{case}: rerun with --update-goldens and review the diff"
    assert diff, "every case has something to fix"
    (tmp_path / "fix.patch").write_text(diff)
    checked = git("apply", "--check", str(tmp_path / "fix.patch"), cwd=repo)
    assert checked.returncode == 0, checked.stderr
    # applied for real, every fixed Terraform file still parses with an independent parser
    assert git("apply", str(tmp_path / "fix.patch"), cwd=repo).returncode == 0
    for fixed in outcome.files:
        if fixed.changed and fixed.path.endswith(".tf"):
            hcl2.loads((repo / fixed.path).read_text())
            assert (repo / fixed.path).read_bytes() == fixed.after


def test_write_applies_safe_fixes_only_by_default(tmp_path, monkeypatch):
    repo = copy_case("example-project", tmp_path)
    monkeypatch.chdir(repo)
    assert run(["fix", "--write"]) == 0
    # the example's fixable findings all have unsafe fixes or need values: nothing safe to write
    assert git("diff", "--name-only", cwd=repo).stdout == ""
    assert run(["fix", "--write", "--unsafe-fixes"]) == 0
    assert git("diff", "--name-only", cwd=repo).stdout != ""
    left = scan(["."], fixes=True).findings
    assert {"AIP101", "AIP102", "AIP105", "AIP107", "AIP112", "AIP117"} & {f.rule_id for f in left} == set()
    # what is left has no fix, or needs a value from the user
    assert all(f.fix is None or f.fix.applicability is Applicability.SUGGESTION for f in left)


def test_safe_fix_is_written(tmp_path, monkeypatch):
    (tmp_path / "monitor.tf").write_text(
        'resource "aws_sagemaker_data_quality_job_definition" "drift" {\n'
        '  name     = "drift"\n'
        '  role_arn = "arn:aws:iam::123456789012:role/monitor"\n'
        "\n"
        "  network_config {\n"
        "    enable_network_isolation = true\n"
        "  }\n"
        "}\n")
    os.chmod(tmp_path / "monitor.tf", 0o640)
    monkeypatch.chdir(tmp_path)
    assert run(["fix", "--write", "--select", "AIP116"]) == 0
    text = (tmp_path / "monitor.tf").read_text()
    assert "enable_inter_container_traffic_encryption = true" in text
    assert stat.S_IMODE(os.stat(tmp_path / "monitor.tf").st_mode) == 0o640  # mode kept
    assert not [f for f in scan(["."], select=["AIP116"]).findings]


def test_crlf_and_no_final_newline_are_kept(tmp_path, monkeypatch):
    source = ('resource "aws_sagemaker_notebook_instance" "nb" {\r\n'
              '  name          = "nb"\r\n'
              '  instance_type = "ml.t3.medium"\r\n'
              '}')
    (tmp_path / "nb.tf").write_bytes(source.encode())
    monkeypatch.chdir(tmp_path)
    assert run(["fix", "--write", "--unsafe-fixes", "--select", "AIP101,AIP102"]) == 0
    fixed = (tmp_path / "nb.tf").read_bytes()
    assert fixed.count(b"\n") == fixed.count(b"\r\n") == 5
    assert not fixed.endswith(b"\n")
    assert b'direct_internet_access = "Disabled"' in fixed and b'root_access            = "Disabled"' in fixed
    assert not scan(["."], select=["AIP101", "AIP102"]).findings


def test_a_file_changed_since_it_was_read_is_not_written(tmp_path):
    path = tmp_path / "main.tf"
    path.write_text("a = 1\n")
    with pytest.raises(FileChangedError):
        write_atomically(str(path), b"a = 0\n", b"a = 2\n")
    assert path.read_text() == "a = 1\n"


def test_suggestions_are_never_written(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(copy_case("terraform/notebook-defaults", tmp_path))
    assert run(["fix", "--write", "--suggestions"]) == 2
    assert "--suggestions cannot be written" in capsys.readouterr().err


def test_dry_run_is_the_default_and_patch_goes_to_a_file(tmp_path, monkeypatch):
    repo = copy_case("terraform/notebook-defaults", tmp_path)
    monkeypatch.chdir(repo)
    before = (repo / "main.tf").read_bytes()
    done = subprocess.run([sys.executable, "-m", "analyzer", "fix", "--unsafe-fixes"], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.startswith("--- a/main.tf\n+++ b/main.tf\n")
    assert "Would fix" in done.stderr and "--suggestions" in done.stderr
    assert (repo / "main.tf").read_bytes() == before
    done = subprocess.run([sys.executable, "-m", "analyzer", "fix", "--unsafe-fixes", "--patch", "out.patch"],
                          capture_output=True, text=True)
    assert done.stdout == "" and (repo / "out.patch").read_text().startswith("--- a/main.tf")


def test_patch_paths_are_relative_to_the_repository_root(tmp_path, monkeypatch):
    repo = copy_case("example-project", tmp_path)
    monkeypatch.chdir(repo / "ml-platform")
    diff = apply_fixes(["."], Applicability.UNSAFE).diff
    assert diff.startswith("--- a/ml-platform/main.tf\n")


def _apply_sarif_replacements(text: str, replacements: list[dict]) -> str:
    """An independent reader of SARIF fixes: 1-based lines, UTF-16 columns, original coordinates."""
    lines = text.split("\n")

    def offset(line: int, column: int) -> int:
        before = sum(len(l) + 1 for l in lines[: line - 1])
        units = lines[line - 1].encode("utf-16-le")[: (column - 1) * 2].decode("utf-16-le") if line <= len(lines) else ""
        return before + len(units)

    spans = []
    for replacement in replacements:
        region = replacement["deletedRegion"]
        spans.append((offset(region["startLine"], region["startColumn"]), offset(region["endLine"], region["endColumn"]),
                      replacement.get("insertedContent", {}).get("text", "")))
    for start, end, content in sorted(spans, reverse=True):
        text = text[:start] + content + text[end:]
    return text


def test_sarif_fixes_reproduce_the_fixed_files(monkeypatch):
    import json

    from analyzer.fix import apply_edits
    from analyzer.report import render

    monkeypatch.chdir(os.path.join(FIXTURES, "example-project"))
    result = scan(["."], fixes=True)
    log = json.loads(render(result, "sarif"))
    with_fixes = [(f, r) for f, r in zip(result.findings, log["runs"][0]["results"]) if f.fix is not None]
    assert len(with_fixes) >= 10
    for finding, sarif_result in with_fixes:
        [fix] = sarif_result["fixes"]
        [change] = fix["artifactChanges"]
        assert change["artifactLocation"]["uri"] == finding.path
        with open(finding.path, "rb") as handle:
            data = handle.read()
        expected = apply_edits(data, finding.fix.edits).decode()
        assert _apply_sarif_replacements(data.decode(), change["replacements"]) == expected


def test_tabs_one_line_blocks_and_a_block_ending_the_file(tmp_path, monkeypatch):
    (tmp_path / "models.tf").write_text(
        'resource "aws_sagemaker_model" "one_line" { name = "a" }\n'
        "\n"
        'resource "aws_sagemaker_model" "tabs" {\n'
        '\tname = "b"\n'
        "\tvpc_config {\n"
        '\t\tsubnets = ["subnet-1"]\n'
        "\t}\n"
        "}")
    monkeypatch.chdir(tmp_path)
    assert run(["fix", "--write", "--unsafe-fixes", "--select", "AIP112"]) == 0
    text = (tmp_path / "models.tf").read_text()
    assert text == (
        'resource "aws_sagemaker_model" "one_line" {\n'  # reformatted with the file's own indent
        '\tname                     = "a"\n'
        "\tenable_network_isolation = true\n"
        "}\n"
        "\n"
        'resource "aws_sagemaker_model" "tabs" {\n'
        '\tname = "b"\n'
        "\tenable_network_isolation = true\n"
        "\tvpc_config {\n"
        '\t\tsubnets = ["subnet-1"]\n'
        "\t}\n"
        "}")
    hcl2.loads(text)
    assert not scan(["."], select=["AIP112"]).findings


def test_a_placeholder_variable_is_declared_once_per_module(tmp_path, monkeypatch):
    (tmp_path / "a.tf").write_text('resource "aws_sagemaker_domain" "studio" {\n  domain_name = "s"\n}\n')
    (tmp_path / "b.tf").write_text('resource "aws_sagemaker_endpoint_configuration" "e" {\n  name = "e"\n}\n')
    (tmp_path / "vars.tf").write_text('variable "unrelated" {\n  type = string\n}\n')
    monkeypatch.chdir(tmp_path)
    diff = apply_fixes(["."], Applicability.SUGGESTION, select=["AIP108", "AIP109"]).diff
    assert diff.count("var.kms_key_arn") == 2
    assert diff.count('+variable "kms_key_arn"') == 1


def test_a_fix_that_cannot_be_made_says_why(tmp_path, monkeypatch):
    monkeypatch.chdir(copy_case("terraform/malformed", tmp_path))
    done = subprocess.run([sys.executable, "-m", "analyzer", "fix", "--unsafe-fixes"], capture_output=True, text=True)
    assert done.returncode == 0
    assert "broken.tf:1: AIP112 not fixed: the file has syntax errors" in done.stderr
    assert "+++ b/broken.tf" not in done.stdout and "+++ b/notebook.tf" in done.stdout
