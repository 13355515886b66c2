"""The pull-request / job summary."""
import dataclasses
import re

from analyzer.findings import ScanResult
from analyzer.report import markdown, render
from report_fixtures import AIP101, MAIN_TF, build, notebook_finding


def _rows(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("| ") and not line.startswith("| Severity")]


def test_headline_counts(scan):
    out = render(scan, "markdown")
    assert out.startswith("### aiposture: 5 findings (2 high, 3 medium)\n")
    assert "2 files scanned · 3 resources checked · 1 unknown" in out
    assert "2 parse errors" in out


def test_a_row_per_finding_highest_severity_first(scan):
    rows = _rows(render(scan, "markdown"))
    assert len(rows) == len(scan.findings)
    assert [row.split("|")[1].split()[-1] for row in rows] == ["high", "high", "medium", "medium", "medium"]
    first = rows[0]
    assert "AIP101 `sagemaker-notebook-direct-internet`" in first
    assert "[infra/main.tf:5](infra/main.tf#L5)" in first
    assert "`aws_sagemaker_notebook_instance.nb`" in first
    assert '`direct_internet_access` is "Enabled"; it should be false |' in first


def test_cells_cannot_break_the_table(tree):
    finding = dataclasses.replace(
        notebook_finding(MAIN_TF, AIP101, '"Enabled"', resource="nb", attribute="a", message="m"),
        message="a | b\nc <script>")
    (row,) = _rows(render(build(str(tree), findings=[finding]), "markdown"))
    assert row.endswith("| a \\| b c &lt;script&gt; |")
    assert len(re.findall(r"(?<!\\)\|", row)) == 6


def test_long_lists_collapse(tree):
    findings = [
        dataclasses.replace(notebook_finding(MAIN_TF, AIP101, '"Enabled"', resource=f"r{i}", attribute="a",
                                             message="m"))
        for i in range(markdown.OPEN_ROWS + 1)
    ]
    out = render(build(str(tree), findings=findings), "markdown")
    assert "<details><summary>All 21 findings</summary>" in out and "</details>" in out
    assert len(_rows(out)) == 21
    short = render(build(str(tree), findings=findings[:3]), "markdown")
    assert "<details>" not in short and len(_rows(short)) == 3


def test_very_long_lists_are_cut(tree, monkeypatch):
    monkeypatch.setattr(markdown, "MAX_ROWS", 2)
    out = render(build(str(tree)), "markdown")
    assert len(_rows(out)) == 2
    assert "…and 3 more" in out


def test_unknowns_and_footer(scan):
    out = render(scan, "markdown")
    assert "AIP103" not in out
    assert "List the unknown results with `--show-unknown`." in out
    for option in ("--ignore", "--select", "--fail-on", "aiposture explain"):
        assert option in out
    for missing in ("baseline", "suppress", "noqa", "ignore:"):
        assert missing not in out.lower()
    shown = render(scan, "markdown", show_unknown=True)
    assert "#### Unknown (1)" in shown and "AIP103" in shown
    assert "--show-unknown" not in shown


def test_zero_findings(tree):
    out = render(ScanResult(root=str(tree), files=["a.tf"], resources=1), "markdown")
    assert out.startswith("### aiposture: no findings")
    assert "| Severity |" not in out and "aiposture explain" not in out


def test_skipped_files(tree):
    out = render(build(str(tree), skipped=[("big.json", "larger than 5 MB")]), "markdown")
    assert "<details><summary>Skipped 1 file</summary>" in out
    assert "- `big.json`: larger than 5 MB" in out
