"""AI cloud resources from the resource model: every resource of a kind in analyzer.kinds, with
its posture (failing rules by severity, from engine.scan) and network exposure; and the images
and models that any IaC resource names in its attributes."""
from __future__ import annotations

import importlib
import os
import re
from typing import Any, Iterable, Mapping, Sequence

from analyzer.inventory import images, models
from analyzer.inventory.items import CloudResource, Image, ModelRef
from analyzer.model import ParsedFile, Resource, Unknown, Value

# rules whose failure means the resource is reachable from the internet, and what they say
EXPOSURE_RULES: dict[str, str] = {
    "AIP101": "direct internet access",
    "AIP107": "Studio apps reach the internet directly",
    "AIP300": "public network access",
    "AIP350": "public network access",
    "AIP360": "compute nodes have public IPs",
    "AIP363": "SSH open to the internet",
    "AIP364": "SSH open to the internet",
    "AIP370": "public network access",
    "AIP380": "public network access",
    "AIP381": "allows every IP address",
}
SEVERITIES = ("critical", "high", "medium", "low", "info")
ARTIFACT_KEYS = frozenset({"model_data_url", "modeldataurl", "model_data", "model_uri", "artifact_uri",
                           "artifacturi", "s3_uri", "model_data_source"})


def parsed_files(paths: Sequence[str], root: str, exclude: Sequence[str] = (),
                 variables: Mapping[str, Any] | None = None,
                 cfn_parameters: Mapping[str, Any] | None = None) -> tuple[list[ParsedFile], list[tuple[str, str]]]:
    """Every IaC file under `paths`, parsed and evaluated as the scan does (a folder at a time),
    and the files skipped. A folder whose evaluation fails is listed unevaluated."""
    from analyzer import engine

    targets, skipped = engine.discover(paths, root, exclude)
    targets = engine.mark_child_modules(targets)
    found: list[ParsedFile] = []
    for group in engine.group_by_folder(targets):
        parsed = []
        for target in group:
            try:
                with open(target.absolute, "rb") as handle:
                    data = handle.read(engine.MAX_FILE_BYTES + 1)
                parsed.append(importlib.import_module(target.parser).parse(target.relative, data))
            except (OSError, RecursionError) as error:
                skipped.append((target.relative, f"cannot be read: {error}"))
        folder = os.path.dirname(group[0].absolute)
        try:
            evaluated = engine.evaluate_folder(parsed, folder, group[0].child_module, variables, None,
                                               cfn_parameters, root)[0]
        except Exception:  # an evaluation bug must not hide the resources: list them as written
            evaluated = parsed
        found += evaluated
    return found, skipped


def _plain_address(address: str) -> str:
    """`module.ml["a"].aws_x.y[0]` -> `aws_x.y`: module instances are listed once, at their file."""
    address = re.sub(r"^(?:module\.[^.\[]+(?:\[[^\]]*\])?\.)+", "", address)
    return re.sub(r"\[[^\]]*\]$", "", address)


def cloud_resources(files: Iterable[ParsedFile], findings: Iterable, unknowns: Iterable = (),
                    suppressed: Iterable = (), ran: Sequence[str] = ()) -> list[CloudResource]:
    """The AI resources of the parsed files with their posture. `findings` (and `unknowns`,
    `suppressed`) are engine.scan's; `ran` the ids of the rules it ran."""
    from analyzer import kinds
    from checks import ALL_CHECKS

    failing: dict[tuple[str, str], dict[str, str]] = {}  # (path, address) -> rule -> severity
    for finding in findings:
        if finding.resource:
            failing.setdefault((finding.path, _plain_address(finding.resource)), {})[finding.rule_id] = \
                finding.severity.label
    exposed: dict[tuple[str, str], set[str]] = {}
    for finding in [*findings, *suppressed]:  # a suppressed finding is accepted, not fixed: still exposed
        if finding.rule_id in EXPOSURE_RULES and finding.resource:
            exposed.setdefault((finding.path, _plain_address(finding.resource)), set()).add(finding.rule_id)
    unresolved: dict[tuple[str, str], set[str]] = {}
    for finding in unknowns:
        if finding.rule_id in EXPOSURE_RULES and finding.resource:
            unresolved.setdefault((finding.path, _plain_address(finding.resource)), set()).add(finding.rule_id)
    ran_ids = set(ran) if ran else {c.id for c in ALL_CHECKS}
    exposure_rules_of: dict[str, list[str]] = {}
    for check in ALL_CHECKS:
        if check.id in EXPOSURE_RULES and check.id in ran_ids:
            for kind in check.kinds:
                exposure_rules_of.setdefault(kind, []).append(check.id)

    listed: dict[tuple[str, str], CloudResource] = {}
    for parsed in files:
        for resource in parsed.resources:
            kind = resource.kind or kinds.kind_of(resource.framework, resource.native_type)
            if not kind or kind not in kinds.BY_NAME:
                continue
            key = (resource.path, _plain_address(resource.address))
            if key in listed:
                continue
            rules = failing.get(key, {})
            counts = tuple((s, n) for s in SEVERITIES if (n := sum(1 for v in rules.values() if v == s)))
            applicable = exposure_rules_of.get(kind, [])
            if not applicable:
                exposure, why = "unknown", "no network exposure rule for this kind"
            elif exposed.get(key):
                exposure = "public"
                why = ", ".join(sorted({EXPOSURE_RULES[r] for r in exposed[key]}))
            elif unresolved.get(key):
                exposure, why = "unknown", "the network settings are not known before deployment"
            else:
                exposure, why = "private", ""
            listed[key] = CloudResource(
                kind, kinds.BY_NAME[kind].title, resource.native_type, resource.framework, key[1], resource.path,
                (resource.header or resource.span).line, kind.split(".", 1)[0], counts, tuple(sorted(rules)),
                exposure, why)
    return sorted(listed.values(), key=lambda r: (r.file, r.line, r.address))


def _walk(prefix: str, value: Value, depth: int = 0):
    if depth > 32:
        return
    yield prefix, value
    raw = value.raw
    if isinstance(raw, dict):
        for key, inner in raw.items():
            if isinstance(inner, Value):
                yield from _walk(f"{prefix}.{key}" if prefix else str(key), inner, depth + 1)
    elif isinstance(raw, list):
        for inner in raw:
            if isinstance(inner, Value):
                yield from _walk(prefix, inner, depth + 1)


def resource_references(files: Iterable[ParsedFile]) -> tuple[list[Image], list[ModelRef]]:
    """The AI images and models named in the attributes of every resource (of any kind)."""
    found_images: list[Image] = []
    found_models: list[ModelRef] = []
    for parsed in files:
        for resource in parsed.resources:
            _resource_references(resource, found_images, found_models)
    return found_images, found_models


def _resource_references(resource: Resource, found_images: list[Image], found_models: list[ModelRef]) -> None:
    source = resource.framework
    for path, value in _walk("", Value(dict(resource.attrs), resource.span)):
        raw = value.raw
        if value.span is None or isinstance(raw, Unknown):
            continue
        key = path.rsplit(".", 1)[-1]
        where = f"{resource.address} {path}"
        if isinstance(raw, str):
            text = raw.strip()
            image = images.classify_image(text) if "/" in text else None
            if image:
                found_images.append(Image(text, image[1], image[2], image[3], image[0], resource.path,
                                          value.span.line, source, where))
                continue
            bedrock = models.bedrock_model(text)
            if bedrock:
                found_models.append(ModelRef("bedrock", bedrock, "", resource.path, value.span.line, source, key,
                                             resource=where))
            elif key.lower().replace("-", "_") in ARTIFACT_KEYS and text.startswith(("s3://", "gs://", "https://")):
                found_models.append(ModelRef("sagemaker-artifact" if text.startswith("s3://") else "artifact",
                                             text, "", resource.path, value.span.line, source, key, resource=where))
            elif key in models.MODEL_ENV and models.is_hf_id(text):
                base, revision = models.hf_version(text)
                found_models.append(ModelRef("huggingface", base, revision, resource.path, value.span.line, source,
                                             key, resource=where))
        elif isinstance(raw, dict) and key.lower() == "model" and _is_openai_deployment(resource):
            name = raw.get("name")
            if isinstance(name, Value) and isinstance(name.raw, str) and name.span is not None:
                version = raw.get("version")
                found_models.append(ModelRef(
                    "azure-openai", name.raw,
                    version.raw if isinstance(version, Value) and isinstance(version.raw, str) else "",
                    resource.path, name.span.line, source, "model.name", resource=f"{resource.address} {path}"))


def _is_openai_deployment(resource: Resource) -> bool:
    native = resource.native_type.lower()
    if native.startswith("azapi_"):
        kind = resource.attrs.get("type")
        native = str(kind.raw).lower() if isinstance(kind, Value) else native
    return "cognitive" in native and "deployment" in native


__all__ = ["parsed_files", "cloud_resources", "resource_references", "EXPOSURE_RULES"]
