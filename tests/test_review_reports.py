"""Regression tests from a review of the reporters, suppressions and the action."""
import importlib.util
import json
import os
import re

from analyzer.engine import scan
from analyzer.report import render
from test_suppress import check, notebook


def _notebook_tf(name: str = "nb") -> str:
    return f'resource "aws_sagemaker_notebook_instance" "{name}" {{\n  direct_internet_access = "Enabled"\n}}\n'


def _code_spans_close(cell: str) -> bool:
    """Whether every code span of a Markdown cell opens and closes with the same backtick run
    (CommonMark: a run of n backticks is closed only by a run of exactly n)."""
    runs = re.findall(r"`+", cell)
    open_run = None
    for run in runs:
        if open_run is None:
            open_run = run
        elif run == open_run:
            open_run = None
    return open_run is None


def test_markdown_code_cell_with_a_double_backtick_stays_one_code_span(tmp_path, monkeypatch):
    # a Terraform JSON resource name can hold any character, "``" included
    (tmp_path / "main.tf.json").write_text(json.dumps({"resource": {"aws_sagemaker_notebook_instance": {
        "a``b<x>": {"direct_internet_access": "Enabled"}}}}))
    monkeypatch.chdir(tmp_path)
    out = render(scan(["."], select=["AIP101"]), "markdown")
    (row,) = [line for line in out.splitlines() if line.startswith("| 🔴")]
    resource = row.split(" | ")[3]
    assert _code_spans_close(resource), resource
    assert resource.startswith("```") and resource.endswith("```"), resource


def test_markdown_link_label_escapes_brackets(tmp_path, monkeypatch):
    (tmp_path / "we]ird[.tf").write_text(_notebook_tf())
    monkeypatch.chdir(tmp_path)
    out = render(scan(["."], select=["AIP101"]), "markdown")
    assert "[we\\]ird\\[.tf:2](we%5Dird%5B.tf#L2)" in out


def test_text_report_cleans_control_characters_in_the_path(tmp_path, monkeypatch):
    name = "x\x1b[2Jy\u202e.tf"
    (tmp_path / name).write_text(_notebook_tf())
    monkeypatch.chdir(tmp_path)
    out = render(scan(["."], select=["AIP101"]), "text")
    assert "\x1b" not in out and "\u202e" not in out
    assert "x\ufffd[2Jy\ufffd.tf:2:28" in out


def test_a_block_comment_followed_by_code_covers_only_its_own_line():
    # the comment does not stand alone on its line, so it must not reach the next line
    text = notebook(direct='  /* aiposture:ignore[AIP101] lab account */ root_access = "Enabled"',
                    root='  direct_internet_access = "Enabled"')
    found, suppressed, _ = check(text)
    assert "AIP101" in found and suppressed == {}


def test_pr_body_fence_is_longer_than_backticks_in_the_diff():
    path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "action", "run.py")
    spec = importlib.util.spec_from_file_location("aiposture_action_run_review", path)
    action_run = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(action_run)
    finding = {"rule_id": "AIP104", "rule_name": "n", "severity": "medium", "path": "a.tf", "resource": "r",
               "message": "m"}
    diff = "--- a/a.tf\n+++ b/a.tf\n@@ -1 +1 @@\n-x = <<EOF\n```\n+y\n"
    _, body = action_run.pr_text([finding], [finding], diff)
    fences = re.findall(r"^(`{3,})(?:diff)?$", body, re.M)
    assert fences and len(fences[0]) > 3 and fences[0] == fences[-1], body


def test_markdown_cells_do_not_turn_scanned_values_into_links():
    from analyzer.report.markdown import cell

    assert cell('`x` is "[click](https://example.invalid)"') == '`x` is "\\[click\\](https://example.invalid)"'
    assert cell("a\\[b") == "a\\\\\\[b"
    assert cell("`var.ids[0]` is [x]") == "`var.ids[0]` is \\[x\\]"  # code spans show as written
