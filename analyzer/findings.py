"""What a scan produces: findings and the scan's totals. Plain data for every reporter."""
from __future__ import annotations

import os
from dataclasses import dataclass, field

from analyzer.check import Applicability, Severity, Status
from analyzer.fix import Fix
from analyzer.model import Span

PARSE_ERROR_ID = "AIP900"


@dataclass(frozen=True)
class Finding:
    rule_id: str  # "AIP101"
    rule_name: str  # "sagemaker-notebook-direct-internet"
    severity: Severity
    status: Status  # FAIL, or UNKNOWN (reported only with --show-unknown)
    message: str  # what is wrong here, one sentence
    span: Span  # the attribute's value; the block header when the attribute is absent
    framework: str  # terraform | ...
    resource: str = ""  # address of the resource ("" for a parse error)
    kind: str = ""
    native_type: str = ""
    attribute: str = ""  # canonical attribute path the finding is about ("" for the resource)
    absent: bool = False  # the attribute is not written: the provider default was judged
    fix_safety: Applicability | None = None  # None when the check has no remediation
    logical_location: str = ""  # e.g. the CDK for Terraform construct path
    fix: Fix | None = None  # verified; set when fixes were asked for and one could be made
    fix_note: str = ""  # why there is no fix although the rule has a remediation
    suppression: str = ""  # for a finding suppressed inline: the justification ("" when none was given)
    # other places the finding's value came from: a module caller's argument ("where, why")
    related: tuple[tuple[Span, str], ...] = ()

    @property
    def key(self) -> tuple[str, str, str, str]:
        """What a finding is about, independent of where the text moved: used to tell whether a
        fix removed it and whether it created others."""
        return (self.rule_id, self.span.path, self.resource, self.attribute)

    @property
    def path(self) -> str:
        return self.span.path

    def sort_key(self) -> tuple:
        return (self.span.path, self.span.line, self.span.col, self.rule_id, self.resource)


@dataclass
class ScanResult:
    root: str  # absolute path every finding's path is relative to
    files: list[str] = field(default_factory=list)  # scanned files, root-relative
    findings: list[Finding] = field(default_factory=list)  # FAIL and parse errors, sorted
    unknowns: list[Finding] = field(default_factory=list)  # UNKNOWN results, sorted
    # FAIL findings suppressed inline (each with its `suppression`), sorted; never count toward the exit code
    suppressed: list[Finding] = field(default_factory=list)
    resources: int = 0  # resources of a known kind that were checked
    passed: int = 0  # PASS results
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, why): too large, unreadable
    rules: tuple = ()
    baselined: int | None = None  # findings a baseline accepted (None: no baseline was used)
    baseline_gone: int = 0  # baseline entries that no finding matches any more  # the Checks that ran (analyzer.check.Check), for reporters' rule metadata
    _lines: dict[str, list[str]] = field(default_factory=dict, repr=False)

    def source_lines(self, path: str) -> list[str]:
        """The text lines of a scanned file (for snippets and fingerprints); [] if unreadable."""
        if path not in self._lines:
            try:
                with open(os.path.join(self.root, path), "rb") as handle:
                    # a data or model file can be GBs; its findings are on its first lines
                    text = handle.read(8 * 1024 * 1024).decode("utf-8", errors="replace")
            except OSError:
                text = ""
            # split on "\n" only, as the parsers count lines (splitlines also breaks on \f, \x85...)
            lines = text.split("\n")
            if lines and lines[-1] == "":
                lines.pop()
            self._lines[path] = [line[:-1] if line.endswith("\r") else line for line in lines]
        return self._lines[path]
