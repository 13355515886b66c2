"""Keys found in a file, as findings: the rule (checks/secrets.py), a message that names the
provider and shows the key redacted, and, in an IaC file, the resource and attribute holding it."""
from __future__ import annotations

import re
from typing import Sequence

from analyzer.check import Check, Status
from analyzer.findings import Finding
from analyzer.model import ParsedFile, Resource, Unknown, Value, iter_values
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
    exposed = output_findings(parsed, checks) if parsed is not None else []
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
    return findings + exposed, outcome.note


# An AI service's key attribute, as Terraform references it: `azurerm_cognitive_account.x.primary_access_key`.
_KEY_REFERENCE = re.compile(
    r"\b((?:azurerm_cognitive_account|azurerm_ai_services|azurerm_search_service|azurerm_ai_foundry"
    r"|azurerm_machine_learning_workspace)\.[\w-]+(?:\[[^\]]*\])?\."
    r"(?:primary_access_key|secondary_access_key|primary_key|secondary_key|query_keys))\b")


# Bicep and ARM: a key read at deployment (`acct.listKeys().key1`, `[listKeys(...).key1]`).
_LIST_KEYS = re.compile(r"\b(list(?:Keys|AdminKeys|QueryKeys)\s*\()", re.IGNORECASE)


def output_findings(parsed: ParsedFile, checks: Sequence[Check]) -> list[Finding]:
    """Outputs that return an AI service's key unmasked (AIP507): Terraform without `sensitive =
    true`, Bicep without `@secure()`, ARM not typed securestring / secureObject."""
    check = next((c for c in checks if c.id == "AIP507"), None)
    if check is None:
        return []
    if parsed.framework in ("bicep", "arm"):
        return _azure_outputs(parsed, check)
    if parsed.framework != "terraform":
        return []
    findings = []
    for name, record in parsed.blocks.get("output", {}).items():
        value = record.attrs.get("value")
        sensitive = record.attrs.get("sensitive")
        if value is None or (sensitive is not None and sensitive.raw is True):
            continue
        texts = [v.raw.expr for v in (value, *iter_values(value.raw)) if isinstance(v.raw, Unknown)]
        found = next((m.group(1) for text in texts for m in _KEY_REFERENCE.finditer(text)), None)
        if found is None:
            continue
        where = "is not marked `sensitive`" if sensitive is None else "has `sensitive` other than true"
        findings.append(Finding(
            check.id, check.name, check.severity, Status.FAIL,
            f"output `{name.split('#')[0]}` returns `{found}` and {where}", value.span or record.span,
            "terraform", resource=f"output.{name}", native_type="output", attribute="sensitive",
            absent=sensitive is None))
    return findings


def _azure_outputs(parsed: ParsedFile, check: Check) -> list[Finding]:
    findings = []
    section = "output" if parsed.framework == "bicep" else "outputs"
    for name, record in parsed.blocks.get(section, {}).items():
        value = record.attrs.get("value")
        if value is None:
            continue
        if parsed.framework == "bicep":
            secure = "secure" in record.meta.get("decorators", {})
        else:
            kind = record.attrs.get("type")
            secure = kind is not None and str(kind.raw).lower() in ("securestring", "secureobject")
        texts = [v.raw.expr for v in (value, *iter_values(value.raw)) if isinstance(v.raw, Unknown)]
        if secure or not any(_LIST_KEYS.search(text) for text in texts):
            continue
        how = "is not `@secure()`" if parsed.framework == "bicep" else "is not of type securestring"
        findings.append(Finding(
            check.id, check.name, check.severity, Status.FAIL,
            f"output `{name.split('#')[0]}` returns a key read with listKeys() and {how}",
            value.span or record.span, parsed.framework, resource=f"output.{name}", native_type="output",
            attribute="secure", absent=True))
    return findings


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
