"""The pull-request comment / job summary, in GitHub-flavoured Markdown.

A headline with the counts, a table with a row per finding (inside a collapsible <details> when
the list is long, and cut at MAX_ROWS so the comment stays within GitHub's size limits), the
unknown results when asked for, skipped files, and a short footer on what to do next.
"""
from __future__ import annotations

import os
import re
from urllib.parse import quote

from analyzer.check import Severity
from analyzer.docs import fence
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


_CODE_SPAN = re.compile(r"(`+)(.+?)\1")


def cell(text: str) -> str:
    """Text safe inside a table cell: one line, pipes escaped, no raw HTML, and no links made of
    scanned values (`[text](url)` in a Terraform string must not render as a disguised link)."""
    text = " ".join(text.split())
    text = text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")
    # brackets are escaped outside code spans only: inside them a backslash would show
    out, done = [], 0
    for span in _CODE_SPAN.finditer(text):
        out += [_no_links(text[done:span.start()]), span.group(0)]
        done = span.end()
    return "".join(out) + _no_links(text[done:])


def _no_links(text: str) -> str:
    return text.replace("[", "\\[").replace("]", "\\]")


def _code(text: str) -> str:
    """`text` as an inline code span in a table cell."""
    if not text:
        return ""
    ticks = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
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


MAX_FIXES = 50  # suggested changes shown, highest severity first


def _suggested_changes(result: ScanResult) -> list[str]:
    """A collapsible block per verified fix: what it does, its safety, and its diff."""
    from analyzer.fix import apply_edits, unified_diff

    fixed = [result.findings[i] for i in by_severity_first(result.findings) if result.findings[i].fix is not None]
    if not fixed:
        return []
    out = [f"#### Suggested changes ({len(fixed)})", ""]
    sources: dict[str, bytes | None] = {}
    for finding in fixed[:MAX_FIXES]:
        if finding.path not in sources:
            try:
                with open(os.path.join(result.root, finding.path), "rb") as handle:
                    sources[finding.path] = handle.read()
            except OSError:
                sources[finding.path] = None
        data = sources[finding.path]
        if data is None:
            continue
        diff = unified_diff(finding.path, data, apply_edits(data, finding.fix.edits))
        title = cell(f"{finding.rule_id} {finding.path}:{finding.span.line}: {finding.fix.title}")
        out += [f"<details><summary>{title} ({finding.fix.applicability.label})</summary>", "",
                fence(diff, "diff"), "", "</details>", ""]
    if len(fixed) > MAX_FIXES:
        out += [f"…and {len(fixed) - MAX_FIXES} more: `aiposture fix --suggestions` prints them all.", ""]
    return out


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
    if result.suppressed:
        facts.append(f"{len(result.suppressed)} suppressed inline")
    if result.baselined is not None:
        facts.append(f"{result.baselined} accepted by the baseline, {result.baseline_gone} of its findings gone")
    out += [" · ".join(facts), ""]

    if result.findings:
        out += _section(f"All {plural(summary.findings, 'finding')}", result.findings)
    out += _suggested_changes(result)
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
    if any(f.fix is not None for f in result.findings):
        tips.append("Apply the safe fixes with `aiposture fix --write` (`--unsafe-fixes` for the others, "
                    "after review; fixes that need your values are never written).")
    if summary.unknowns and not show_unknown:
        tips.append("List the unknown results with `--show-unknown`.")
    if tips:
        out += ["<sub>" + " ".join(tips) + "</sub>", ""]
    return "\n".join(out).rstrip() + "\n"
