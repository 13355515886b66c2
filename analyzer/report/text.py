"""The terminal report: findings grouped by file, the offending line underlined, one summary line.

    infra/main.tf:3:28  AIP101 [high] `direct_internet_access` is "Enabled"; ...  (aws_sagemaker_notebook_instance.nb)
        3 |   direct_internet_access = "Enabled"
          |                            ^^^^^^^^^
          = help: set `direct_internet_access` to `"Disabled"`; fix safety: unsafe

Text that comes from scanned files (source lines, messages) is printed with control characters
and bidirectional overrides replaced, so a file cannot drive the terminal. A rule that declares
`secret = True` (the span is a credential) has its span masked in the source line.
"""
from __future__ import annotations

import unicodedata

from analyzer import docs, kinds
from analyzer.check import Check, Severity
from analyzer.findings import Finding, ScanResult
from analyzer.report.common import group_by_path, index_of_column, plural, rules_by_id, summarize

_RESET = "\033[0m"
_STYLES = {
    "bold": "\033[1m",
    "dim": "\033[2m",
    "cyan": "\033[36m",
    "green": "\033[32m",
    Severity.CRITICAL: "\033[1;35m",
    Severity.HIGH: "\033[1;31m",
    Severity.MEDIUM: "\033[33m",
    Severity.LOW: "\033[34m",
    Severity.INFO: "\033[2m",
}
_MAX_CELLS = 160  # longer source lines are shown as a window around the span
_BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


class _Painter:
    def __init__(self, color: bool) -> None:
        self.color = color

    def __call__(self, text: str, style) -> str:
        if not self.color or not text:
            return text
        return f"{_STYLES[style]}{text}{_RESET}"


def clean(text: str) -> str:
    """`text` safe for a terminal: one character out for each in (so columns still line up)."""
    return "".join(
        "\ufffd" if (unicodedata.category(ch) == "Cc" and ch != "\t") or ch in _BIDI else ch for ch in text
    )


def _cells(text: str) -> int:
    """Terminal cells taken by `text` (wide East Asian characters and most emoji take two)."""
    width = 0
    for ch in text:
        if unicodedata.combining(ch) or ch == "\u200d" or "\ufe00" <= ch <= "\ufe0f":
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def _mask(line: str, start: int, end: int) -> str:
    """The line with line[start:end] masked (first 4 characters kept when long enough)."""
    secret = line[start:end]
    keep = 4 if len(secret) >= 16 else 0
    return line[:start] + secret[:keep] + "*" * (len(secret) - keep) + line[end:]


def snippet(line: str, start: int, end: int, *, mask: bool = False) -> tuple[str, str, int]:
    """(shown line, padding before the underline, underline length in cells) for the span
    line[start:end] (indexes into `line`); long lines are cut to a window around the span."""
    start = min(start, len(line))
    end = max(end, start + 1)
    if mask:
        line = _mask(line, start, min(end, len(line)))
    line = clean(line.replace("\t", " "))
    if _cells(line) > _MAX_CELLS:
        first = max(0, start - 40)
        last, cells = first, 0
        while last < len(line) and cells < _MAX_CELLS:
            cells += _cells(line[last])
            last += 1
        head = "…" if first else ""
        line = head + line[first:last] + ("…" if last < len(line) else "")
        start, end = start - first + len(head), min(end, last) - first + len(head)
    pad = " " * _cells(line[:start])
    return line, pad, max(1, _cells(line[start:end]))


def _header(finding: Finding, paint: _Painter) -> str:
    span = finding.span
    where = paint(clean(f"{finding.path}:{span.line}:{span.col}"), "bold")
    severity = paint(f"[{finding.severity.label}]", finding.severity)
    text = f"{where}  {paint(finding.rule_id, 'bold')} {severity} {clean(finding.message)}"
    if finding.resource:
        where = finding.resource + (f", construct {finding.logical_location}" if finding.logical_location else "")
        text += "  " + paint(f"({clean(where)})", "dim")
    return text


def _source_block(finding: Finding, check: Check, result: ScanResult, paint: _Painter) -> list[str]:
    if finding.framework in ("data", "model"):
        return []  # a data row or a model's bytes: nothing a reader needs to see, much to hide
    span = finding.span
    lines = result.source_lines(finding.path)
    if not 1 <= span.line <= len(lines):
        return []
    line = lines[span.line - 1].rstrip("\r\n")
    start = index_of_column(line, span.col)
    end = index_of_column(line, span.end_col) if span.end_line == span.line else len(line.rstrip())
    shown, pad, width = snippet(line, start, end, mask=check.secret)
    number = str(span.line)
    gutter = " " * max(4, len(number))
    return [
        f"{paint(number.rjust(len(gutter)), 'dim')} {paint('|', 'dim')} {shown}",
        f"{gutter} {paint('|', 'dim')} {pad}{paint('^' * width, finding.severity)}",
    ]


def _notes(finding: Finding, check: Check, paint: _Painter) -> list[str]:
    notes = []
    if finding.absent:
        default = kinds.default_for(finding.kind, finding.attribute, kinds.dialect(finding.framework, finding.native_type))
        if default is not None:  # say where the default comes from: the message already says what it is
            notes.append(("note", f"default from {default.source}"))
    for where, why in finding.related:
        notes.append(("from", f"{where.path}:{where.line}:{where.col}: {why}"))
    if finding.fix_safety is not None:
        remedy = docs.remediation_text(check, finding.kind, kinds.dialect(finding.framework, finding.native_type))
        safety = f"fix safety: {finding.fix_safety.label}"
        notes.append(("help", f"{remedy}; {safety}" if remedy else safety))
    gutter = " " * max(4, len(str(finding.span.line)))
    return [f"{gutter} {paint('=', 'dim')} {paint(label + ':', 'cyan')} {clean(text)}" for label, text in notes]


def _summary(result: ScanResult, show_unknown: bool, paint: _Painter) -> str:
    summary = summarize(result)
    parts = []
    if summary.findings:
        counts = ", ".join(paint(f"{n} {label}", Severity.parse(label)) for label, n in summary.severity_counts())
        found = f"Found {plural(summary.findings, 'finding')} ({counts})"
        if summary.parse_errors:
            found += f", including {plural(summary.parse_errors, 'parse error')}"
        parts.append(found + ".")
    else:
        parts.append(paint("No findings.", "green"))
    parts.append(f"Scanned {plural(summary.files, 'file')}, checked {plural(summary.resources, 'resource')}.")
    if summary.unknowns:
        hint = "" if show_unknown else " (use --show-unknown to list them)"
        parts.append(f"{summary.unknowns} unknown{hint}.")
    if summary.skipped:
        parts.append(f"Skipped {plural(summary.skipped, 'file')}.")
    if result.suppressed:
        parts.append(f"{len(result.suppressed)} suppressed inline.")
    if result.baselined is not None:
        parts.append(f"The baseline accepted {result.baselined}; {result.baseline_gone} of its findings are gone.")
    return " ".join(parts)


def render(result: ScanResult, *, color: bool = False, show_unknown: bool = False,
           quiet: bool = False) -> str:
    paint = _Painter(color)
    rules = rules_by_id(result)
    out: list[str] = []
    for findings in group_by_path(result.findings).values():
        for finding in findings:
            check = rules[finding.rule_id]
            out.append(_header(finding, paint))
            out += _source_block(finding, check, result, paint)
            out += _notes(finding, check, paint)
            out.append("")

    if show_unknown and result.unknowns:
        out.append(paint(f"Unknown: {plural(len(result.unknowns), 'result')} cannot be judged before deployment",
                         "bold"))
        out += ["  " + _header(finding, paint) for finding in result.unknowns]
        out.append("")

    if quiet:
        return "\n".join(out).rstrip("\n") + "\n" if out else ""

    if result.skipped:
        out.append(paint("Skipped files:", "bold"))
        out += [f"  {clean(path)}: {clean(why)}" for path, why in result.skipped]
        out.append("")

    out.append(_summary(result, show_unknown, paint))
    return "\n".join(out) + "\n"
