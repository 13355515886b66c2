"""What several reporters share: rule lookup, counts, stable fingerprints, UTF-16 columns."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from analyzer.check import Check, Severity
from analyzer.findings import PARSE_ERROR_ID, Finding, ScanResult

TOOL_NAME = "aiposture"
INFORMATION_URI = "https://github.com/aiposture/aiposture"

# Highest first: the order of every per-severity listing.
SEVERITIES: tuple[Severity, ...] = tuple(sorted(Severity, reverse=True))


def tool_version() -> str:
    try:
        from analyzer import __version__  # provided by analyzer/__init__.py

        return str(__version__)
    except ImportError:
        pass
    try:
        from importlib.metadata import PackageNotFoundError, version
    except ImportError:  # pragma: no cover - Python >= 3.8 always has it
        return "0.0.0"
    try:
        return version(TOOL_NAME)
    except PackageNotFoundError:
        return "0.0.0"


# --- rules ----------------------------------------------------------------------------------------


def _no_rule(resource, context):  # pragma: no cover - never evaluated: a stand-in for reporting
    return ()


def rules_by_id(result: ScanResult) -> dict[str, Check]:
    """The checks that ran, by id, plus a minimal stand-in for any finding whose rule is missing
    from `result.rules` (a reporter must never fail on a finding)."""
    rules: dict[str, Check] = {check.id: check for check in result.rules}
    for finding in (*result.findings, *result.unknowns):
        if finding.rule_id not in rules:
            rules[finding.rule_id] = Check(
                id=finding.rule_id, name=finding.rule_name or finding.rule_id.lower(),
                title=finding.rule_name or finding.rule_id, severity=finding.severity,
                kinds=(finding.kind,) if finding.kind else (), rule=_no_rule, description="",
            )
    return rules


# --- counts ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    files: int
    resources: int
    passed: int
    findings: int
    by_severity: dict[str, int]  # every severity label, highest first, zeros included
    unknowns: int
    parse_errors: int
    skipped: int

    def severity_counts(self) -> list[tuple[str, int]]:
        """The non-zero severity counts, highest first."""
        return [(label, n) for label, n in self.by_severity.items() if n]


def summarize(result: ScanResult) -> Summary:
    by_severity = {severity.label: 0 for severity in SEVERITIES}
    for finding in result.findings:
        by_severity[finding.severity.label] += 1
    return Summary(
        files=len(result.files),
        resources=result.resources,
        passed=result.passed,
        findings=len(result.findings),
        by_severity=by_severity,
        unknowns=len(result.unknowns),
        parse_errors=sum(1 for f in result.findings if f.rule_id == PARSE_ERROR_ID),
        skipped=len(result.skipped),
    )


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


# --- stable fingerprints --------------------------------------------------------------------------


def stable_key(finding: Finding) -> str:
    """sha256 of rule|path|resource|attribute: what the finding is about, never where it is."""
    text = "|".join((finding.rule_id, finding.path, finding.resource, finding.attribute))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class Fingerprinter:
    """Line-independent fingerprints `<sha256>:<n>`; n counts earlier findings with the same key
    (two parse errors in one file, say), in report order. Findings are numbered before unknowns
    so that a finding's fingerprint never depends on --show-unknown."""

    seen: dict[str, int] = field(default_factory=dict)

    def __call__(self, finding: Finding) -> str:
        key = stable_key(finding)
        self.seen[key] = self.seen.get(key, 0) + 1
        return f"{key}:{self.seen[key]}"


def fingerprints(result: ScanResult) -> tuple[list[str], list[str]]:
    """Fingerprints of `result.findings` and of `result.unknowns`, in the same order."""
    fingerprint = Fingerprinter()
    found = [fingerprint(f) for f in result.findings]
    unknown = [fingerprint(f) for f in result.unknowns]
    return found, unknown


# --- text positions -------------------------------------------------------------------------------


def utf16_len(text: str) -> int:
    """Length of `text` in UTF-16 code units (characters beyond U+FFFF count twice)."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def index_of_column(line: str, column: int) -> int:
    """The index into `line` of the 1-based UTF-16 `column` (clamped to the line; a column inside
    a surrogate pair goes to the character's start)."""
    units = 0
    for index, ch in enumerate(line):
        units += 2 if ord(ch) > 0xFFFF else 1
        if units >= column:
            return index
    return len(line)


def column_of_index(line: str, index: int) -> int:
    """The 1-based UTF-16 column of the character at `index` in `line`."""
    return utf16_len(line[:index]) + 1


def sentence(text: str) -> str:
    """`text` as one sentence ending with a full stop (SARIF messages should end with one)."""
    text = " ".join(text.split())
    if not text:
        return "No message."
    return text if text[-1] in ".!?" else text + "."


def group_by_path(findings: Iterable[Finding]) -> dict[str, list[Finding]]:
    groups: dict[str, list[Finding]] = {}
    for finding in findings:
        groups.setdefault(finding.path, []).append(finding)
    return groups


def by_severity_first(findings: Sequence[Finding]) -> list[int]:
    """Indexes of `findings`, highest severity first, report order within a severity."""
    return sorted(range(len(findings)), key=lambda i: -int(findings[i].severity))
