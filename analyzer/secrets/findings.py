"""Keys found in a file, as findings: the rule (checks/secrets.py), a message that names the
provider and shows the key redacted, and, in an IaC file, the resource and attribute holding it."""
from __future__ import annotations

from typing import Sequence

from analyzer.check import Check, Status
from analyzer.findings import Finding
from analyzer.model import ParsedFile, Resource, Value
from analyzer.secrets.detectors import DETECTOR_BY_ID
from analyzer.secrets.scan import SecretHit, scan_text

# where a key sits, for the message
_PLACES = {"notebook-output": "in a notebook output", "notebook-code": "in a notebook cell",
           "notebook-markdown": "in a notebook's text", "env": "in an environment file",
           "dockerfile": "in a Dockerfile", "shell": "in a shell script"}


def key_findings(path: str, data: bytes, checks: Sequence[Check], framework: str = "text",
                 parsed: ParsedFile | None = None) -> tuple[list[Finding], str]:
    """The findings of the keys in one file, for the AIP5xx rules among `checks`, and a note
    when the file was not scanned (binary, too large)."""
    from checks.secrets import rule_for

    wanted = {c.id for c in checks if c.id.startswith("AIP5")}
    if not wanted:
        return [], ""
    outcome = scan_text(path, data)
    findings = []
    for hit in outcome.hits:
        detector = DETECTOR_BY_ID.get(hit.detector_id)
        check = rule_for(hit.detector_id, detector.confidence if detector else "low", hit.context)
        if check.id not in wanted:
            continue
        owner, attribute = _holder(parsed, hit) if parsed is not None else (None, "")
        findings.append(Finding(
            check.id, check.name, next(c for c in checks if c.id == check.id).severity, Status.FAIL,
            _message(hit, owner, attribute), hit.span, framework,
            resource=owner.address if owner else "", kind=owner.kind if owner else "",
            native_type=owner.native_type if owner else "",
            # the key's fingerprint (a salted hash, never the key): tells two keys of one file apart
            attribute=f"secret:{hit.fingerprint}"))
    return findings, outcome.note


def _message(hit: SecretHit, owner: Resource | None, attribute: str) -> str:
    where = _PLACES.get(hit.context, "")
    if owner is not None:
        where = f"in `{attribute}` of {owner.address}" if attribute else f"in {owner.address}"
    text = f"{hit.provider} key `{hit.redacted}` is written in the file"
    return f"{text} ({where})" if where else text


def _holder(parsed: ParsedFile, hit: SecretHit) -> tuple[Resource | None, str]:
    """The resource whose text holds the key, and the native path of the innermost attribute."""
    offset = hit.span.start
    for resource in parsed.resources:
        if not resource.span.start <= offset < resource.span.end:
            continue
        best, best_size = "", None
        for name, value in resource.attrs.items():
            for path, inner in _paths(name, value):
                if inner.span is not None and inner.span.start <= offset < inner.span.end:
                    size = inner.span.end - inner.span.start
                    if best_size is None or size <= best_size:
                        best, best_size = path, size
        return resource, best
    return None, ""


def _paths(path: str, value: Value):
    yield path, value
    if isinstance(value.raw, dict):
        for key, inner in value.raw.items():
            yield from _paths(f"{path}.{key}", inner)
    elif isinstance(value.raw, list):
        for inner in value.raw:
            yield from _paths(path, inner)


__all__ = ["key_findings"]
