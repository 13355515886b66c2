"""GitHub Actions workflow commands (`::error file=...::message`): annotations in plain CI logs.

GitHub shows them on the run's summary and, for files in the pull request, on the diff. Paths
must be relative to the repository root; properties and messages are escaped as the runner
expects (`%`, CR, LF always; `:` and `,` in properties too).
"""
from __future__ import annotations

from analyzer.check import Severity
from analyzer.findings import Finding, ScanResult

COMMANDS = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "notice",
    Severity.INFO: "notice",
}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding, prefix: str = "", command: str | None = None) -> str:
    span = finding.span
    properties = {
        "file": prefix + finding.path,
        "line": str(span.line),
        "endLine": str(span.end_line),
        "title": f"{finding.rule_id} {finding.rule_name}",
    }
    if span.line == span.end_line:  # GitHub only takes columns on a single line
        properties["col"] = str(span.col)
        properties["endColumn"] = str(span.end_col)
    rendered = ",".join(f"{key}={_property(value)}" for key, value in properties.items())
    where = f" ({finding.resource})" if finding.resource else ""
    return f"::{command or COMMANDS[finding.severity]} {rendered}::{_data(finding.message + where)}"


def render(result: ScanResult, *, color: bool = False, show_unknown: bool = False, quiet: bool = False) -> str:
    from analyzer.changes import repository_prefix

    prefix = repository_prefix(result.root)
    lines = [annotation(f, prefix) for f in result.findings]
    if show_unknown:
        lines += [annotation(f, prefix, "notice") for f in result.unknowns]
    return "".join(line + "\n" for line in lines)
