"""The JSON report: a stable, versioned document (see docs/json-report.md).

Version 1. Fields are only ever added within a version; renaming or removing one, or changing
its meaning, bumps `version`.
"""
from __future__ import annotations

import json

from analyzer.findings import Finding, ScanResult
from analyzer.report.common import TOOL_NAME, Fingerprinter, fingerprints, summarize, tool_version

SCHEMA = "aiposture-report"
VERSION = 1


def finding_dict(finding: Finding, fingerprint: str) -> dict:
    span = finding.span
    return {
        "rule_id": finding.rule_id,
        "rule_name": finding.rule_name,
        "severity": finding.severity.label,
        "status": finding.status.value,
        "message": finding.message,
        "path": finding.path,
        "region": {
            "start_line": span.line,
            "start_column": span.col,
            "end_line": span.end_line,
            "end_column": span.end_col,
            "start_byte": span.start,
            "end_byte": span.end,
        },
        "resource": finding.resource,
        "kind": finding.kind,
        "native_type": finding.native_type,
        "framework": finding.framework,
        "attribute": finding.attribute,
        "absent": finding.absent,
        "fix_safety": finding.fix_safety.label if finding.fix_safety is not None else None,
        "logical_location": finding.logical_location,
        "related": [{"path": where.path, "start_line": where.line, "start_column": where.col,
                     "end_line": where.end_line, "end_column": where.end_col, "message": why}
                    for where, why in finding.related],
        "fingerprint": fingerprint,
    }


def suppressed_fingerprints(result: ScanResult) -> list[str]:
    """Fingerprints of `result.suppressed`, numbered after findings and unknowns."""
    fingerprint = Fingerprinter()
    for finding in (*result.findings, *result.unknowns):
        fingerprint(finding)
    return [fingerprint(f) for f in result.suppressed]


def suppressed_dict(finding: Finding, fingerprint: str) -> dict:
    return {**finding_dict(finding, fingerprint), "justification": finding.suppression}


def report_dict(result: ScanResult, *, show_unknown: bool = False) -> dict:
    summary = summarize(result)
    found_prints, unknown_prints = fingerprints(result)
    return {
        "schema": SCHEMA,
        "version": VERSION,
        "tool": {"name": TOOL_NAME, "version": tool_version()},
        "root": result.root,
        "summary": {
            "files": summary.files,
            "resources": summary.resources,
            "passed": summary.passed,
            "findings": summary.findings,
            "by_severity": summary.by_severity,
            "unknowns": summary.unknowns,
            "parse_errors": summary.parse_errors,
            "skipped": summary.skipped,
            "suppressed": len(result.suppressed),
            **({"baseline": {"accepted": result.baselined, "gone": result.baseline_gone}}
               if result.baselined is not None else {}),
        },
        "findings": [finding_dict(f, p) for f, p in zip(result.findings, found_prints)],
        "unknowns": [finding_dict(f, p) for f, p in zip(result.unknowns, unknown_prints)] if show_unknown else [],
        "skipped": [{"path": path, "reason": why} for path, why in result.skipped],
        "suppressed": [suppressed_dict(f, p) for f, p in zip(result.suppressed, suppressed_fingerprints(result))],
    }


def render(result: ScanResult, *, color: bool = False, show_unknown: bool = False,
           quiet: bool = False) -> str:
    return json.dumps(report_dict(result, show_unknown=show_unknown), indent=2, ensure_ascii=False) + "\n"
