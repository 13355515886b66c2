"""Baselines: accept today's findings, report only new ones.

A baseline is a JSON file of the findings' line-independent fingerprints (the JSON report's
`fingerprint`, SARIF's `aiposture/v1`): rule, path, resource and attribute, never a line
number, so editing above a finding does not make it new. Paths are relative to the scan root,
so create and use a baseline from the same folder (the repository root, in CI).
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass

from analyzer.errors import UsageError
from analyzer.findings import Finding, ScanResult

SCHEMA = "aiposture-baseline"
VERSION = 1


def create(result: ScanResult) -> str:
    """The baseline of a scan's findings, as JSON text (stable order, one entry a line)."""
    from analyzer.report.common import fingerprints

    prints, _ = fingerprints(result)
    entries = [
        {"fingerprint": fingerprint, "rule_id": f.rule_id, "path": f.path, "resource": f.resource,
         "attribute": f.attribute, "message": f.message}
        for f, fingerprint in zip(result.findings, prints)
    ]
    body = ",\n".join("    " + json.dumps(entry, ensure_ascii=False, sort_keys=True) for entry in entries)
    return (f'{{\n  "schema": "{SCHEMA}",\n  "version": {VERSION},\n  "findings": [\n'
            + body + ("\n" if body else "") + "  ]\n}\n")


class Accepted(frozenset):
    """A baseline's fingerprints; `where` maps each to the (rule id, path) its entry names, so
    that entries a scan did not look at (another file, a rule that did not run) are not gone."""

    where: dict[str, tuple[str, str]] = {}


def load(path: str) -> frozenset[str]:
    """The fingerprints a baseline file accepts. Raises UsageError (one line) when it cannot be read."""
    try:
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
    except FileNotFoundError:
        raise UsageError(f"baseline {path}: no such file (create it with `aiposture baseline create`)") from None
    except (OSError, ValueError) as error:
        raise UsageError(f"baseline {path}: cannot be read: {error}") from None
    if not isinstance(document, dict) or document.get("schema") != SCHEMA:
        raise UsageError(f"baseline {path}: not an aiposture baseline (no \"schema\": \"{SCHEMA}\")")
    if document.get("version") != VERSION:
        raise UsageError(f"baseline {path}: version {document.get('version')!r} is not supported (expected {VERSION})")
    entries = document.get("findings")
    if not isinstance(entries, list) or not all(isinstance(e, dict) and isinstance(e.get("fingerprint"), str)
                                                for e in entries):
        raise UsageError(f"baseline {path}: \"findings\" must be a list of objects with a \"fingerprint\"")
    accepted = Accepted(e["fingerprint"] for e in entries)
    accepted.where = {e["fingerprint"]: (e["rule_id"], e["path"]) for e in entries
                      if isinstance(e.get("rule_id"), str) and isinstance(e.get("path"), str)}
    return accepted


@dataclass(frozen=True)
class BaselineOutcome:
    accepted: int  # findings left out because the baseline has them
    gone: int  # baseline entries no finding matched any more (fixed, or the code moved away)


def apply(result: ScanResult, accepted: frozenset[str]) -> BaselineOutcome:
    """Drop the findings the baseline accepts from `result` (in place); count what is gone."""
    from analyzer.report.common import fingerprints

    prints, _ = fingerprints(result)
    kept: list[Finding] = []
    matched: set[str] = set()
    for finding, fingerprint in zip(result.findings, prints):
        if fingerprint in accepted:
            matched.add(fingerprint)
        else:
            kept.append(finding)
    dropped = len(result.findings) - len(kept)
    result.findings[:] = kept
    where = getattr(accepted, "where", {})
    ran, scanned = {c.id for c in result.rules}, set(result.files)

    def looked_at(fingerprint: str) -> bool:
        # an entry is gone only if the scan could have found it: its rule ran, and its file was
        # scanned or no longer exists (not one left out by --changed-since, the paths or exclude)
        if fingerprint not in where:
            return True
        rule_id, path = where[fingerprint]
        return rule_id in ran and (path in scanned or not os.path.exists(os.path.join(result.root, path)))

    gone = sum(1 for fingerprint in accepted - matched if looked_at(fingerprint))
    result.baselined, result.baseline_gone = dropped, gone
    return BaselineOutcome(dropped, gone)


def accepted_keys(accepted: frozenset[str]) -> frozenset[str]:
    """The baseline's fingerprints without their occurrence numbers: what a finding is about
    (`report.common.stable_key`), for callers that judge findings one by one (the fixer)."""
    return frozenset(fingerprint.split(":", 1)[0] for fingerprint in accepted)
