"""The command line as a user meets it: exit codes, one-line errors, formats, lazy imports."""
import json
import os
import subprocess
import sys

import pytest

from analyzer.main import run

ROOT = os.path.join(os.path.dirname(__file__), "..")
FIXTURES = os.path.join(ROOT, "fixtures")


@pytest.fixture(autouse=True)
def at_fixtures(monkeypatch):
    monkeypatch.chdir(FIXTURES)


def aiposture(*args):
    """Run the installed console script as a user would; returns (code, stdout, stderr)."""
    done = subprocess.run([sys.executable, "-m", "analyzer", *args], capture_output=True, text=True,
                          env={**os.environ, "NO_COLOR": ""})
    return done.returncode, done.stdout, done.stderr


def test_findings_at_or_above_the_threshold_exit_1(capsys):
    assert run(["scan", "terraform/notebook-defaults"]) == 1
    assert run(["scan", "terraform/notebook-defaults", "--fail-on", "critical"]) == 0
    assert run(["scan", "terraform/notebook-defaults", "--fail-on", "never"]) == 0
    assert run(["scan", "terraform/notebook-defaults", "--select", "AIP104", "--fail-on", "high"]) == 0
    assert run(["scan", "terraform/notebook-defaults", "--select", "AIP104", "--fail-on", "medium"]) == 1


def test_parse_errors_count_toward_the_threshold(capsys):
    assert run(["scan", "terraform/malformed", "--select", "AIP900", "--fail-on", "medium"]) == 1
    assert run(["scan", "terraform/malformed", "--select", "AIP900", "--fail-on", "high"]) == 0


def test_a_clean_tree_exits_0(tmp_path, monkeypatch, capsys):
    (tmp_path / "main.tf").write_text('resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n')
    monkeypatch.chdir(tmp_path)
    assert run(["scan"]) == 0


@pytest.mark.parametrize("args, message", [
    (["scan", "no/such/folder"], "no such file or directory: no/such/folder"),
    (["scan", ".", "--select", "AIP999"], "unknown rule 'AIP999'"),
    (["scan", ".", "--format", "xml"], "'xml' is not one of"),
    (["scan", ".", "--fail-on", "severe"], "'severe' is not one of"),
    (["scan", ".", "--bogus"], "--bogus"),
    (["explain", "AIP999"], "unknown rule 'AIP999'"),
    (["scan", ".", "--baseline", "no-such-baseline.json"], "baseline no-such-baseline.json: no such file"),
    (["scan", ".", "--changed-since", "no-such-revision"], "--changed-since:"),
    (["frobnicate"], "frobnicate"),
])
def test_usage_errors_are_one_line_and_exit_2(args, message):
    code, out, err = aiposture(*args)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("aiposture: error: ") and message in err, err
    assert "Traceback" not in err


def test_output_file_and_formats(tmp_path):
    for fmt in ("text", "json", "sarif", "markdown", "github"):
        target = tmp_path / f"report.{fmt}"
        code, out, err = aiposture("scan", "terraform/notebook-defaults", "--format", fmt, "--output", str(target))
        assert code == 1, err
        assert out == ""
        assert target.read_text().strip()
        assert f"wrote the {fmt} report" in err
    report = json.loads((tmp_path / "report.json").read_text())
    assert len(report["findings"]) == 8
    sarif = json.loads((tmp_path / "report.sarif").read_text())
    assert sarif["version"] == "2.1.0"


def test_text_report_shows_the_offending_line_without_colour_when_piped():
    code, out, err = aiposture("scan", "terraform/notebook-defaults")
    assert code == 1
    assert "terraform/notebook-defaults/main.tf:19:28" in out
    assert 'direct_internet_access = "Enabled"' in out
    assert "\x1b[" not in out


def test_show_unknown_lists_unresolved_values():
    _, hidden, _ = aiposture("scan", "terraform/notebook-defaults", "--format", "json")
    _, shown, _ = aiposture("scan", "terraform/notebook-defaults", "--format", "json", "--show-unknown")
    assert not json.loads(hidden).get("unknowns")
    [unknown] = json.loads(shown)["unknowns"]
    assert (unknown["rule_id"], unknown["status"], unknown["region"]["start_line"]) == ("AIP101", "unknown", 34)


def test_quiet_prints_findings_only():
    _, out, _ = aiposture("scan", "terraform/notebook-defaults", "--quiet")
    _, loud, _ = aiposture("scan", "terraform/notebook-defaults")
    assert "AIP101" in out
    assert len(out) < len(loud)


def test_rules_and_explain():
    code, out, _ = aiposture("rules")
    assert code == 0 and "AIP101" in out and "sagemaker-notebook-direct-internet" in out
    code, out, _ = aiposture("rules", "--format", "json")
    rules = json.loads(out)
    assert code == 0 and {r["id"] for r in rules} >= {"AIP101", "AIP119", "AIP900"}
    code, out, _ = aiposture("explain", "aip101")
    assert code == 0 and "direct internet access" in out.lower()
    code, by_name, _ = aiposture("explain", "sagemaker-notebook-direct-internet")
    assert code == 0 and by_name == out


def test_version_imports_no_parser_or_check():
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "analyzer", "--version"],
                          capture_output=True, text=True)
    assert done.returncode == 0
    assert done.stdout.startswith("aiposture ")
    imported = [line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if "|" in line]
    heavy = [name for name in imported if name.split(".")[0] in ("parsers", "checks", "tree_sitter", "yaml")
             or name.startswith(("analyzer.engine", "analyzer.report", "analyzer.kinds", "analyzer.check"))]
    assert heavy == []


def test_inventory_lists_the_ai_of_a_repository(tmp_path):
    code, out, err = aiposture("inventory", "inventory/repo", "--format", "json")
    assert code == 0, err
    report = json.loads(out)
    packages = {(p["name"], p["file"].rsplit("/", 1)[-1]) for p in report["packages"]}
    assert ("torch", "requirements.txt") in packages and ("openai", "package.json") in packages
    code, out, err = aiposture("inventory", "inventory/repo", "--format", "cyclonedx", "--output",
                               str(tmp_path / "aibom.json"))
    assert code == 0 and out == ""
    assert json.loads((tmp_path / "aibom.json").read_text())["specVersion"] == "1.6"
