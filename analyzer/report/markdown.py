"""The pull-request comment / job summary, in GitHub-flavoured Markdown.

A headline with the counts, a table with a row per finding (inside a collapsible <details> when
the list is long, and cut at MAX_ROWS so the comment stays within GitHub's size limits), the
unknown results when asked for, skipped files, and a short footer on what to do next.
"""
from __future__ import annotations

from urllib.parse import quote

from analyzer.check import Severity
from analyzer.findings import Finding, ScanResult
from analyzer.report.common import by_severity_first, plural, summarize

OPEN_ROWS = 20  # up to this many findings the table is shown open
MAX_ROWS = 500  # never more rows than this (a PR comment is limited to 65,536 characters)

ICONS = {
    Severity.CRITICAL: "🟣",
    Severity.HIGH: "🔴",
    Severity.MEDIUM: "🟠",
    Severity.LOW: "🟡",
    Severity.INFO: "⚪",
}


def cell(text: str) -> str:
    """Text safe inside a table cell: one line, pipes escaped, no raw HTML."""
    text = " ".join(text.split())
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def _code(text: str) -> str:
    """`text` as an inline code span in a table cell."""
    if not text:
        return ""
    ticks = "``" if "`" in text else "`"
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{' '.join(text.split()).replace('|', chr(92) + '|')}{pad}{ticks}"


def _link(finding: Finding) -> str:
    label = cell(f"{finding.path}:{finding.span.line}")
    return f"[{label}]({quote(finding.path, safe='/')}#L{finding.span.line})"


def _row(finding: Finding) -> str:
    severity = f"{ICONS[finding.severity]} {finding.severity.label}"
    rule = f"{finding.rule_id} {_code(finding.rule_name)}"
    return f"| {severity} | {rule} | {_link(finding)} | {_code(finding.resource)} | {cell(finding.message)} |"


def _table(findings: list[Finding]) -> list[str]:
    """Highest severity first; at most MAX_ROWS rows."""
    order = by_severity_first(findings)
    out = ["| Severity | Rule | Location | Resource | Message |", "|---|---|---|---|---|"]
    out += [_row(findings[i]) for i in order[:MAX_ROWS]]
    if len(findings) > MAX_ROWS:
        out += ["", f"…and {len(findings) - MAX_ROWS} more; run aiposture locally or use `--format json` "
                    "for the full list."]
    return out


def _section(title: str, findings: list[Finding], open_when_short: bool = True) -> list[str]:
    table = _table(findings)
    if open_when_short and len(findings) <= OPEN_ROWS:
        return table + [""]
    return [f"<details><summary>{title}</summary>", "", *table, "", "</details>", ""]


def render(result: ScanResult, *, color: bool = False, show_unknown: bool = False,
           quiet: bool = False) -> str:
    summary = summarize(result)
    out: list[str] = []
    if summary.findings:
        counts = ", ".join(f"{n} {label}" for label, n in summary.severity_counts())
        out.append(f"### aiposture: {plural(summary.findings, 'finding')} ({counts})")
    else:
        out.append("### aiposture: no findings ✅")
    out.append("")

    facts = [f"{plural(summary.files, 'file')} scanned", f"{plural(summary.resources, 'resource')} checked"]
    if summary.unknowns:
        facts.append(f"{summary.unknowns} unknown (values that cannot be resolved before deployment)")
    if summary.parse_errors:
        facts.append(plural(summary.parse_errors, "parse error"))
    if summary.skipped:
        facts.append(f"{plural(summary.skipped, 'file')} skipped")
    out += [" · ".join(facts), ""]

    if result.findings:
        out += _section(f"All {plural(summary.findings, 'finding')}", result.findings)
    if show_unknown and result.unknowns:
        out += [f"#### Unknown ({summary.unknowns})", "",
                "These could not be judged: a value they depend on is only known at deployment.", ""]
        out += _section(f"All {plural(summary.unknowns, 'unknown result')}", result.unknowns)
    if result.skipped:
        out += [f"<details><summary>Skipped {plural(summary.skipped, 'file')}</summary>", ""]
        out += [f"- {_code(path)}: {cell(why)}" for path, why in result.skipped]
        out += ["", "</details>", ""]

    tips = []
    if result.findings:
        tips.append("See a rule's explanation and fix with `aiposture explain <RULE>`.")
        tips.append("Skip rules with `--ignore <RULE>` (or run only some with `--select`); "
                    "choose the severity that fails the build with `--fail-on`.")
    if summary.unknowns and not show_unknown:
        tips.append("List the unknown results with `--show-unknown`.")
    if tips:
        out += ["<sub>" + " ".join(tips) + "</sub>", ""]
    return "\n".join(out).rstrip() + "\n"
