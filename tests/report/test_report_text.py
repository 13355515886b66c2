"""The terminal report."""
import dataclasses
import re
import unicodedata

from analyzer.check import Severity, Status
from analyzer.findings import ScanResult
from analyzer.report import render
from analyzer.report.common import column_of_index, index_of_column, utf16_len
from report_fixtures import AIP101, MAIN_TF, build, notebook_finding

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _block(output: str, header_start: str) -> list[str]:
    """The lines of the finding whose header starts with `header_start`."""
    lines = output.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith(header_start))
    block = [lines[first]]
    for line in lines[first + 1:]:
        if not line.strip():
            break
        block.append(line)
    return block


def _caret_under(source_line: str, caret_line: str) -> str:
    """The text of the source line above the carets (both lines share the gutter)."""
    start = caret_line.index("^")
    return source_line[start:start + caret_line.count("^")]


def test_each_finding_has_location_rule_severity_message_and_resource(scan):
    out = render(scan, "text")
    assert ('infra/main.tf:5:28  AIP101 [high] `direct_internet_access` is "Enabled"; it should be false'
            "  (aws_sagemaker_notebook_instance.nb)") in out
    assert "infra/main.tf:9:1  AIP102 [medium] `root_access` is true" in out
    # a parse error has no resource
    assert re.search(r"^broken\.tf:3:\d+  AIP900 \[medium\] expected an expression after `=`$", out, re.M)


def test_the_offending_line_is_shown_with_a_caret_under_the_span(scan):
    block = _block(render(scan, "text"), "infra/main.tf:5:28")
    source, carets = block[1], block[2]
    assert source.endswith('direct_internet_access = "Enabled"')
    assert source.lstrip().startswith("5 |")
    assert set(carets.split("|", 1)[1].strip()) == {"^"}
    assert _caret_under(source, carets) == '"Enabled"'


def test_absent_attribute_notes_the_provider_default_and_the_fix_safety(scan):
    block = _block(render(scan, "text"), "infra/main.tf:9:1  AIP101")
    assert _caret_under(block[1], block[2]) == 'resource "aws_sagemaker_notebook_instance" "defaults" {'
    notes = "\n".join(block[3:])
    assert 'note: default from terraform-provider-aws notebook_instance.go' in notes
    assert 'help: set `direct_internet_access` to `"Disabled"`; fix safety: unsafe' in notes


def test_files_are_grouped_in_order(scan):
    out = render(scan, "text")
    headers = [line.split(":")[0] for line in out.splitlines() if re.match(r"^\S+:\d+:\d+  AIP", line)]
    assert headers == ["broken.tf", "broken.tf", "infra/main.tf", "infra/main.tf", "infra/main.tf"]


def test_summary_line_counts_everything(scan):
    last = render(scan, "text").rstrip("\n").splitlines()[-1]
    assert last.startswith("Found 5 findings (2 high, 3 medium), including 2 parse errors.")
    assert "Scanned 2 files, checked 3 resources." in last
    assert "1 unknown (use --show-unknown to list them)." in last


def test_no_ansi_without_color_and_ansi_with_it(scan):
    plain = render(scan, "text")
    assert "\x1b" not in plain
    colored = render(scan, "text", color=True)
    assert ANSI.search(colored)
    assert ANSI.sub("", colored) == plain


def test_show_unknown_lists_unknowns_in_their_own_section(scan):
    out = render(scan, "text", show_unknown=True)
    assert "Unknown: 1 result cannot be judged before deployment" in out
    assert "infra/main.tf:6:" in out and "AIP103 [low] `tags.owner` is `var.owner`" in out
    assert "--show-unknown" not in out
    assert "AIP103" not in render(scan, "text")


def test_zero_findings(tree):
    result = ScanResult(root=str(tree), files=["infra/main.tf"], resources=2, passed=9)
    out = render(result, "text")
    assert out == "No findings. Scanned 1 file, checked 2 resources.\n"
    assert "\x1b" not in out


def test_skipped_files_are_listed(tree):
    result = build(str(tree), skipped=[("data/huge.json", "larger than 5 MB")])
    out = render(result, "text")
    assert "Skipped files:\n  data/huge.json: larger than 5 MB" in out
    assert "Skipped 1 file." in out


def test_quiet_prints_findings_only(scan):
    out = render(scan, "text", quiet=True)
    assert "AIP101" in out
    assert "Found" not in out and "Scanned" not in out


def test_caret_lines_up_under_wide_and_astral_characters(tree):
    # 🤖 is one character, two UTF-16 code units and two terminal cells; É is one of each
    finding = notebook_finding(MAIN_TF, AIP101, "var.owner", resource="aws_sagemaker_notebook_instance.nb",
                               attribute="tags.owner", message="owner tag is not a literal")
    result = build(str(tree), findings=[finding])
    block = _block(render(result, "text"), "infra/main.tf:6:")
    source, carets = block[1], block[2]
    line = MAIN_TF.splitlines()[5]
    before = line[: line.index("var.owner")]
    cells = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in before)
    gutter = source.index("|") + 2
    assert carets.index("^") == gutter + cells
    assert carets.count("^") == len("var.owner")
    # the header's column is in UTF-16 units: one more than the character index because of 🤖
    assert block[0].startswith(f"infra/main.tf:6:{len(before) + 2}  ")


def test_utf16_column_helpers():
    line = '  tags = { Équipe = "ml", emoji = "🤖", x = "y" }'
    index = line.index("x =")
    utf16 = len(line[:index].encode("utf-16-le")) // 2 + 1
    assert (index + 1, utf16, len(line[:index].encode()) + 1) == (40, 41, 44)
    assert column_of_index(line, index) == utf16
    assert index_of_column(line, utf16) == index
    assert index_of_column(line, 1) == 0
    assert index_of_column(line, 10_000) == len(line)
    assert utf16_len("é🤖") == 3


def test_terminal_control_characters_from_files_are_neutralised(tree):
    finding = dataclasses.replace(
        notebook_finding(MAIN_TF, AIP101, '"Enabled"', resource="nb\x1b[2J", attribute="direct_internet_access",
                         message="bad \x1b]0;title\x07 value \u202e"),
    )
    out = render(build(str(tree), findings=[finding]), "text")
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out


def test_a_secret_span_is_masked_in_the_source_line(tree):
    secret = "sk-proj-" + "A1b2C3d4" * 5
    text = f'locals {{\n  openai_key = "{secret}"\n}}\n'
    (tree / "keys.tf").write_text(text, encoding="utf-8")
    check = dataclasses.replace(AIP101, id="AIP501", name="openai-api-key", severity=Severity.CRITICAL,
                                remediation=None)
    object.__setattr__(check, "secret", True)  # not a Check field yet: see analyzer/report/text.py
    finding = notebook_finding(text, check, secret, resource="local.openai_key", attribute="openai_key",
                               message="OpenAI API key sk-pro…C3d4 in source", path="keys.tf")
    out = render(build(str(tree), findings=[finding], rules=(check,)), "text")
    assert secret not in out
    assert "openai_key = \"sk-p" in out


def test_a_very_long_line_is_cut_around_the_span(tree):
    text = "x = [" + ", ".join(f'"{i}"' for i in range(2000)) + ', "Enabled"]\n'
    (tree / "long.tf").write_text(text, encoding="utf-8")
    finding = notebook_finding(text, AIP101, '"Enabled"', resource="r", attribute="a", message="m", path="long.tf")
    block = _block(render(build(str(tree), findings=[finding]), "text"), "long.tf:1:")
    assert all(len(line) < 200 for line in block[1:])
    assert _caret_under(block[1], block[2]) == '"Enabled"'


def test_a_finding_whose_file_is_gone_still_renders(tree):
    finding = notebook_finding(MAIN_TF, AIP101, '"Enabled"', resource="r", attribute="a", message="m",
                               path="gone.tf")
    out = render(build(str(tree), findings=[finding]), "text")
    assert out.startswith("gone.tf:5:28  AIP101 [high] m  (r)\n")


def test_a_finding_of_an_unknown_rule_still_renders(tree):
    finding = dataclasses.replace(
        notebook_finding(MAIN_TF, AIP101, '"Enabled"', resource="r", attribute="a", message="m"),
        rule_id="AIP199", rule_name="not-in-the-catalog", status=Status.FAIL)
    assert "AIP199 [high] m" in render(build(str(tree), findings=[finding]), "text")
