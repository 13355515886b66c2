"""SARIF 2.1.0 as plain dicts, shaped for GitHub code scanning.

What GitHub needs and what we write (see research/tech.md section 5):
- `$schema`, `version`, one run; `tool.driver` with name, version, informationUri and a rule
  for every check that ran: id, name, short and full description (at most 1024 characters),
  help as text and Markdown (analyzer.docs), helpUri, default level, and properties `tags`
  (at most 20), `precision` and `security-severity` (a string; GitHub ranks alerts by it).
- Locations are repository-relative URIs against `SRCROOT` (`originalUriBaseIds` holds the
  scanned root as a file URI); regions carry all four of start/end line/column, in UTF-16 code
  units (`columnKind`).
- `partialFingerprints`: `primaryLocationLineHash` computed as codeql-action does (the only one
  GitHub reads) and our own line-independent `aiposture/v1` (rule, path, resource, attribute).
- UNKNOWN results (only with show_unknown) are `kind: "review"` with `level: "none"`: SARIF
  requires level "none" for any kind other than "fail". GitHub still shows them as alerts of the
  rule's security severity, so upload them only on purpose.
- GitHub rejects a run with more than 25,000 results: above that, the highest severities are
  kept (failures before unknowns) and a warning notification in `invocations[0]` says how many
  were left out. Skipped files are warning notifications too.
- Findings suppressed inline (analyzer.suppress) are results too, after the others, with
  `suppressions: [{"kind": "inSource", "justification": <the reason>}]`: GitHub shows them as
  dismissed alerts. They never count toward the exit code.
- `fixes[]`: a finding's verified fix (when the scan computed fixes), its edits as replacements
  with `deletedRegion` in original-file coordinates (GitHub ignores them; reviewdog and IDEs use
  them).
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import quote

from analyzer import docs
from analyzer.check import Check, Severity
from analyzer.findings import Finding, ScanResult
from analyzer.model import Span
from analyzer.report.common import (
    INFORMATION_URI, TOOL_NAME, fingerprints, plural, rules_by_id, sentence, tool_version, utf16_len,
)
from analyzer.report.jsonout import suppressed_fingerprints
from analyzer.report.linehash import line_hashes
from analyzer.text import LineIndex

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SARIF_VERSION = "2.1.0"
SRCROOT = "SRCROOT"
AUTOMATION_ID = "aiposture/"
LINE_HASH = "primaryLocationLineHash"
STABLE_KEY = "aiposture/v1"

MAX_RESULTS = 25_000  # GitHub: results per run
MAX_TAGS = 20  # GitHub: tags per rule
MAX_DESCRIPTION = 1024  # GitHub: shortDescription / fullDescription text

LEVELS = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}
SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
    Severity.INFO: "1.0",
}


# --- rules --------------------------------------------------------------------------------------


def _limit(text: str, size: int = MAX_DESCRIPTION) -> str:
    text = " ".join(text.split())
    return text if len(text) <= size else text[: size - 1].rstrip() + "…"


def rule_tags(check: Check) -> list[str]:
    """"security", the providers and services of its kinds, compliance controls
    ("owasp-ml/ML05"; CWE ids as GitHub's "external/cwe/cwe-284"), then frameworks; at most 20."""
    tags = ["security"]
    for kind in check.kinds:
        tags += kind.split(".")[:2]
    for framework, controls in check.compliance.items():
        for control in controls:
            if framework.lower() == "cwe":
                tags.append("external/cwe/" + control.lower())
            else:
                tags.append(f"{framework}/{control}")
    tags += docs.frameworks_of(check)
    return list(dict.fromkeys(tag for tag in tags if tag))[:MAX_TAGS]


def rule_descriptor(check: Check) -> dict:
    rule = {
        "id": check.id,
        "name": check.name,
        "shortDescription": {"text": _limit(check.title)},
        "fullDescription": {"text": sentence(_limit(check.description or check.title, MAX_DESCRIPTION - 1))},
        "help": {"text": docs.rule_text(check), "markdown": docs.rule_markdown(check)},
        "defaultConfiguration": {"level": LEVELS[check.severity]},
        "properties": {
            "tags": rule_tags(check),
            "precision": "high",
            "security-severity": SECURITY_SEVERITY[check.severity],
        },
    }
    if check.references:
        rule["helpUri"] = check.references[0]
    return rule


# --- locations ----------------------------------------------------------------------------------


def artifact_uri(path: str) -> str:
    """A repository-relative path as a relative URI reference (percent-encoded)."""
    return quote(path.replace(os.sep, "/"), safe="/")


def root_uri(root: str) -> str:
    uri = Path(os.path.abspath(root)).as_uri()
    return uri if uri.endswith("/") else uri + "/"


def region(span: Span, lines: list[str]) -> dict:
    """A SARIF region from a span: 1-based, end column exclusive, UTF-16 columns. A span that
    ends at the very start of a line ends instead at the end of the line before it."""
    start_line, start_col = max(1, span.line), max(1, span.col)
    end_line, end_col = max(start_line, span.end_line), max(1, span.end_col)
    if end_line > start_line and end_col == 1 and end_line - 1 <= len(lines):
        end_line -= 1
        end_col = utf16_len(lines[end_line - 1].rstrip("\r\n")) + 1
    if end_line == start_line and end_col < start_col:
        end_col = start_col
    return {"startLine": start_line, "startColumn": start_col, "endLine": end_line, "endColumn": end_col}


def _logical_locations(finding: Finding) -> list[dict]:
    locations = []
    if finding.resource:
        locations.append({"fullyQualifiedName": finding.resource, "kind": "resource"})
    if finding.logical_location:
        locations.append({"fullyQualifiedName": finding.logical_location, "kind": "resource"})
    return locations


REPORT_READ_LIMIT = 8 * 1024 * 1024  # a report never reads more of a file: data and model files can be GBs


class _LineHashes:
    """primaryLocationLineHash per (path, line), hashing each file once, only as far as needed."""

    def __init__(self, root: str, wanted: dict[str, int]) -> None:
        self.root = root
        self.wanted = wanted  # path -> last line needed
        self.cache: dict[str, list[str]] = {}

    def get(self, path: str, line: int) -> str | None:
        if path not in self.cache:
            try:
                with open(os.path.join(self.root, path), "rb") as handle:
                    # findings in files past this size (data, model files) are on their first lines
                    text = handle.read(REPORT_READ_LIMIT).decode("utf-8", errors="replace")
            except OSError:
                text = None
            self.cache[path] = line_hashes(text, self.wanted.get(path)) if text is not None else []
        hashes = self.cache[path]
        return hashes[line - 1] if 1 <= line <= len(hashes) else None


# --- results ------------------------------------------------------------------------------------


class _LineIndexes:
    """A LineIndex per file, read only for findings that carry a fix."""

    def __init__(self, root: str) -> None:
        self.root = root
        self.cache: dict[str, LineIndex | None] = {}

    def get(self, path: str) -> LineIndex | None:
        if path not in self.cache:
            try:
                with open(os.path.join(self.root, path), "rb") as handle:
                    self.cache[path] = LineIndex(handle.read())
            except OSError:
                self.cache[path] = None
        return self.cache[path]


def _fixes(finding: Finding, index: LineIndex | None) -> list[dict]:
    """SARIF `fixes[]`: one fix, its edits as replacements in original-file coordinates (an
    insertion is an empty `deletedRegion`), in the results' region conventions."""
    if finding.fix is None or index is None:
        return []
    replacements = []
    for edit in finding.fix.edits:
        (start_line, start_col), (end_line, end_col) = index.position(edit.start), index.position(edit.end)
        replacement: dict = {"deletedRegion": {"startLine": start_line, "startColumn": start_col,
                                               "endLine": end_line, "endColumn": end_col}}
        if edit.content:
            replacement["insertedContent"] = {"text": edit.content}
        replacements.append(replacement)
    change = {"artifactLocation": {"uri": artifact_uri(finding.path), "uriBaseId": SRCROOT},
              "replacements": replacements}
    description = f"{finding.fix.title} ({finding.fix.applicability.label} fix)"
    return [{"description": {"text": sentence(description)}, "artifactChanges": [change]}]


def result_dict(finding: Finding, rule_index: int, fingerprint: str, line_hash: str | None,
                lines: list[str], unknown: bool = False, index: LineIndex | None = None,
                suppressed: bool = False) -> dict:
    location = {
        "physicalLocation": {
            "artifactLocation": {"uri": artifact_uri(finding.path), "uriBaseId": SRCROOT},
            "region": region(finding.span, lines),
        },
    }
    logical = _logical_locations(finding)
    if logical:
        location["logicalLocations"] = logical
    partial = {LINE_HASH: line_hash} if line_hash else {}
    partial[STABLE_KEY] = fingerprint
    result = {"ruleId": finding.rule_id, "ruleIndex": rule_index}
    if unknown:
        result.update(kind="review", level="none")
    else:
        result["level"] = LEVELS[finding.severity]
    message = sentence(finding.message)
    if finding.related:  # GitHub shows a related location where the message links to its id
        message += " See: " + ", ".join(f"[{why}]({i})" for i, (_, why) in enumerate(finding.related, 1)) + "."
    result.update(
        message={"text": message},
        locations=[location],
        partialFingerprints=partial,
        properties={
            "status": finding.status.value,
            "severity": finding.severity.label,
            "resource": finding.resource,
            "kind": finding.kind,
            "framework": finding.framework,
            "attribute": finding.attribute,
            "absent": finding.absent,
        },
    )
    if finding.related:
        result["relatedLocations"] = [
            {"id": i, "physicalLocation": {"artifactLocation": {"uri": artifact_uri(where.path), "uriBaseId": SRCROOT},
                                           "region": region(where, [])},
             "message": {"text": why}}
            for i, (where, why) in enumerate(finding.related, 1)]
    fixes = _fixes(finding, index)
    if fixes:
        result["fixes"] = fixes
    if suppressed:
        suppression = {"kind": "inSource"}
        if finding.suppression:
            suppression["justification"] = finding.suppression
        result["suppressions"] = [suppression]
    return result


def _notification(text: str, path: str | None = None) -> dict:
    notification = {"level": "warning", "message": {"text": sentence(text)}}
    if path is not None:
        notification["locations"] = [
            {"physicalLocation": {"artifactLocation": {"uri": artifact_uri(path), "uriBaseId": SRCROOT}}}
        ]
    return notification


def sarif_log(result: ScanResult, *, show_unknown: bool = False) -> dict:
    rules = rules_by_id(result)
    rule_index = {rule_id: i for i, rule_id in enumerate(rules)}
    found_prints, unknown_prints = fingerprints(result)

    # (finding, fingerprint, unknown); failures first, each group in report order
    entries = [(f, p, False) for f, p in zip(result.findings, found_prints)]
    if show_unknown:
        entries += [(f, p, True) for f, p in zip(result.unknowns, unknown_prints)]

    notifications = []
    if len(entries) > MAX_RESULTS:
        ranked = sorted(range(len(entries)), key=lambda i: (entries[i][2], -int(entries[i][0].severity)))
        kept = sorted(ranked[:MAX_RESULTS])
        notifications.append(_notification(
            f"{plural(len(entries) - MAX_RESULTS, 'result')} of {len(entries)} left out: GitHub code scanning "
            f"accepts at most {MAX_RESULTS} per run, so the highest severities were kept; "
            "narrow the scan with --select or --ignore, or use the json format for the full list"))
        entries = [entries[i] for i in kept]
    for path, why in result.skipped:
        notifications.append(_notification(f"Skipped {path}: {why}", path))
    # suppressed inline: results with `suppressions`, after the others and within GitHub's limit
    quiet = [(f, p) for f, p in zip(result.suppressed, suppressed_fingerprints(result)) if f.rule_id in rule_index]
    quiet = quiet[:max(0, MAX_RESULTS - len(entries))]

    wanted: dict[str, int] = {}
    for finding, _, _ in [*entries, *((f, p, False) for f, p in quiet)]:
        wanted[finding.path] = max(wanted.get(finding.path, 0), finding.span.line)
    hashes = _LineHashes(result.root, wanted)
    indexes = _LineIndexes(result.root)

    results = [
        result_dict(finding, rule_index[finding.rule_id], fingerprint, hashes.get(finding.path, finding.span.line),
                    result.source_lines(finding.path), unknown,
                    indexes.get(finding.path) if finding.fix is not None else None)
        for finding, fingerprint, unknown in entries
    ]
    results += [
        result_dict(finding, rule_index[finding.rule_id], fingerprint, hashes.get(finding.path, finding.span.line),
                    result.source_lines(finding.path), suppressed=True)
        for finding, fingerprint in quiet
    ]

    invocation: dict = {"executionSuccessful": True}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    run = {
        "tool": {
            "driver": {
                "name": TOOL_NAME,
                "version": tool_version(),
                "informationUri": INFORMATION_URI,
                "rules": [rule_descriptor(check) for check in rules.values()],
            }
        },
        "automationDetails": {"id": AUTOMATION_ID},
        "originalUriBaseIds": {SRCROOT: {"uri": root_uri(result.root)}},
        "columnKind": "utf16CodeUnits",
        "invocations": [invocation],
        "results": results,
    }
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def render(result: ScanResult, *, color: bool = False, show_unknown: bool = False,
           quiet: bool = False) -> str:
    return json.dumps(sarif_log(result, show_unknown=show_unknown), indent=2, ensure_ascii=False) + "\n"
