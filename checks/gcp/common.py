"""What the GCP checks share: reading a value as set, unset or unknown; a flag rule whose failure
says what the setting means; the compliance keys."""
from __future__ import annotations

import re
from typing import Any, Iterable

from analyzer.check import Context, Result, Rule, Status, name_of, unknown_result
from analyzer.model import Resource, Unknown, Value

OWASP_ML = "owasp-ml"
OWASP_LLM = "owasp-llm"
CIS_GCP = "cis-gcp"  # CIS Google Cloud Platform Foundation Benchmark v3.0 recommendation ids
CWE = "cwe"

WORKBENCH_DOCS = "https://cloud.google.com/vertex-ai/docs/workbench"
VERTEX_DOCS = "https://cloud.google.com/vertex-ai/docs"
REGISTRY = "https://registry.terraform.io/providers/hashicorp/google/latest/docs/resources"

_INTERPOLATION = re.compile(r"\$\{[^}]*\}")


def is_set(value: Value) -> bool | None:
    """True when the value is written and not empty, False when absent or empty, None when it
    cannot be known. A reference to a managed resource's attribute is known after apply and never
    null, and so is a string template with literal text around its interpolations."""
    raw = value.raw
    if isinstance(raw, Unknown):
        if raw.reason == "resource":
            return True
        expr = raw.expr.strip()
        if expr.startswith('"') and expr.endswith('"') and _INTERPOLATION.sub("", expr[1:-1]).strip():
            return True
        return None
    return raw not in (None, "", [], {})


def truthy(raw: Any) -> bool | None:
    """A boolean as Terraform takes it (true, "true", "TRUE"), None when it is not one."""
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip().lower() in ("true", "false"):
        return raw.strip().lower() == "true"
    return None


def show(raw: Any) -> str:
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if raw is None:
        return "null"
    return f'"{raw}"' if isinstance(raw, str) else str(raw)


def flag(path: str, wanted: bool, consequence: str) -> Rule:
    """PASS when the boolean at `path` (or the provider's default when absent) is `wanted`; an
    absent attribute without a default is read as false, as the API reads it."""

    def rule(resource: Resource, context: Context) -> Iterable[Result]:
        value = resource.get(path)
        if isinstance(value.raw, Unknown):
            yield unknown_result(resource, path, value)
            return
        actual = False if value.raw is None else truthy(value.raw)
        if actual is wanted:
            yield Result(Status.PASS, f"`{path}` is {show(wanted)}", path, value.span)
            return
        name = name_of(resource, path)
        if value.absent:
            state = "is not set" if value.raw is None else f"is not set, so the default {show(value.raw)} applies"
        else:
            state = f"is {show(value.raw)}"
        yield Result(Status.FAIL, f"`{name}` {state}: {consequence}; it should be {show(wanted)}", path, value.span)

    return rule


def entries(value: Value) -> dict[str, Value] | None:
    """A map attribute's entries: HCL's object, or Terraform JSON's object read as a block."""
    raw = value.raw
    if isinstance(raw, list) and len(raw) == 1 and isinstance(raw[0], Value):
        raw = raw[0].raw
    return raw if isinstance(raw, dict) else None
