"""The inventory as a table, as JSON and as a CycloneDX 1.6 bill of materials."""
from __future__ import annotations

import json
import uuid
from dataclasses import asdict
from datetime import datetime, timezone
from urllib.parse import quote

from analyzer.inventory.items import Image, Inventory, ModelFile, ModelRef, Package

JSON_VERSION = 1
_PROVIDERS = {"aws": "Amazon Web Services", "azure": "Microsoft Azure", "gcp": "Google Cloud"}


# --- table ----------------------------------------------------------------------------------

def _table(title: str, header: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    if not rows:
        return []
    widths = [max(len(header[i]), *(len(r[i]) for r in rows)) for i in range(len(header))]
    out = [f"{title} ({len(rows)})", "  " + "  ".join(h.ljust(w) for h, w in zip(header, widths)).rstrip()]
    out += ["  " + "  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in rows]
    return out + [""]


def to_table(inventory: Inventory) -> str:
    lines: list[str] = []
    lines += _table("AI cloud resources", ("resource", "kind", "exposure", "findings", "location"), [
        (r.address, r.title, r.exposure, ", ".join(f"{n} {s}" for s, n in r.findings) or "none",
         f"{r.file}:{r.line}") for r in inventory.resources])
    lines += _table("AI packages", ("package", "ecosystem", "version", "category", "location"), [
        (p.name, p.ecosystem, p.version or p.specifier or "-", p.category, f"{p.file}:{p.line}")
        for p in inventory.packages])
    lines += _table("AI container images", ("image", "category", "location"), [
        (i.reference, i.category, f"{i.file}:{i.line}") for i in inventory.images])
    lines += _table("Models", ("model", "provider", "version", "location"), [
        (m.name, m.provider, m.version or "-", f"{m.file}:{m.line}") for m in inventory.models])
    lines += _table("Model files", ("file", "format", "serialization", "risk"), [
        (f.file, f.format, f.serialization, _risk(f)) for f in inventory.model_files])
    extra = [i for i in inventory.indexes if i.extra]
    lines += _table("Extra package indexes", ("url", "location"), [(i.url, f"{i.file}:{i.line}") for i in extra])
    if not lines:
        return "No AI resources, packages, images or models found.\n"
    counts = (f"{len(inventory.resources)} cloud resources, {len(inventory.packages)} packages, "
              f"{len(inventory.images)} images, {len(inventory.models)} models, {len(inventory.model_files)} model files")
    return "\n".join(lines + [counts]) + "\n"


def _risk(model: ModelFile) -> str:
    if model.dangerous:
        return "runs " + ", ".join(model.dangerous[:3])
    if model.lambda_layers:
        return "Lambda layers"
    if model.template_markers:
        return "chat template code"
    if model.unverified:
        return "imports " + ", ".join(model.unverified[:3])
    return "; ".join(model.notes[:1]) or "-"


# --- JSON -----------------------------------------------------------------------------------

def to_json(inventory: Inventory) -> str:
    resources = []
    for resource in inventory.resources:
        entry = asdict(resource)
        entry["findings"] = dict(resource.findings)
        resources.append(entry)
    document = {
        "version": JSON_VERSION, "root": inventory.root, "resources": resources,
        "packages": [asdict(p) for p in inventory.packages], "images": [asdict(i) for i in inventory.images],
        "models": [asdict(m) for m in inventory.models],
        "model_files": [{**asdict(f), "metadata": dict(f.metadata)} for f in inventory.model_files],
        "indexes": [asdict(i) for i in inventory.indexes],
        "skipped": [{"path": p, "reason": r} for p, r in inventory.skipped],
    }
    return json.dumps(document, indent=2, sort_keys=False) + "\n"


# --- CycloneDX ------------------------------------------------------------------------------

def _purl(kind: str, name: str, version: str, qualifiers: dict[str, str] | None = None) -> str:
    parts = [quote(p, safe="") for p in name.split("/")]
    text = f"pkg:{kind}/" + "/".join(parts)
    if version:
        text += "@" + quote(version, safe="")
    if qualifiers:
        text += "?" + "&".join(f"{k}={quote(v, safe='')}" for k, v in sorted(qualifiers.items()))
    return text


def _properties(pairs) -> list[dict]:
    return [{"name": f"aiposture:{k}", "value": str(v)} for k, v in pairs if v not in ("", None, ())]


def _occurrences(items) -> dict:
    seen, found = set(), []
    for item in items:
        key = (item.file, item.line)
        if key not in seen:
            seen.add(key)
            found.append({"location": item.file, "line": item.line})
    return {"occurrences": found}


def _package_components(packages: list[Package]) -> list[dict]:
    groups: dict[tuple[str, str, str], list[Package]] = {}
    for package in packages:
        groups.setdefault((package.ecosystem, package.name, package.version), []).append(package)
    components = []
    for (ecosystem, name, version), found in groups.items():
        purl = _purl(ecosystem, name, version)
        component = {"type": "library", "bom-ref": purl, "name": name, "purl": purl}
        if ecosystem == "npm" and name.startswith("@") and "/" in name:
            component["group"], component["name"] = name.split("/", 1)
        if version:
            component["version"] = version
        component["properties"] = _properties([
            ("category", found[0].category), ("specifier", found[0].specifier), ("scope", found[0].scope),
            ("pypi-name", found[0].pypi_name)])
        component["evidence"] = _occurrences(found)
        components.append(component)
    return components


def _image_components(images: list[Image]) -> list[dict]:
    groups: dict[str, list[Image]] = {}
    for image in images:
        groups.setdefault(image.reference, []).append(image)
    components = []
    for reference, found in groups.items():
        first = found[0]
        head, _, rest = first.repository.partition("/")
        qualifiers = {}
        path = first.repository
        if rest and ("." in head or ":" in head or head == "localhost"):
            qualifiers["repository_url"] = head
            path = rest
        version = first.digest or first.tag
        purl = _purl("docker", path, version, qualifiers)
        component = {"type": "container", "bom-ref": f"image:{reference}", "name": first.repository, "purl": purl}
        if version:
            component["version"] = version
        component["properties"] = _properties([("category", first.category),
                                               ("resource", "; ".join(sorted({i.resource for i in found if i.resource})))])
        component["evidence"] = _occurrences(found)
        components.append(component)
    return components


def _model_components(models: list[ModelRef]) -> list[dict]:
    groups: dict[tuple[str, str, str], list[ModelRef]] = {}
    for model in models:
        groups.setdefault((model.provider, model.name, model.version), []).append(model)
    components = []
    for (provider, name, version), found in groups.items():
        ref = f"model:{provider}:{name}" + (f"@{version}" if version else "")
        component: dict = {"type": "machine-learning-model", "bom-ref": ref, "name": name}
        if version:
            component["version"] = version
        if provider == "huggingface":
            component["purl"] = _purl("huggingface", name, version.lower())
            component["externalReferences"] = [{"type": "model-card", "url": f"https://huggingface.co/{name}"}]
            if "/" in name:
                component["publisher"] = name.split("/", 1)[0]
        elif provider == "bedrock":
            model_id = name.rsplit("/", 1)[-1]
            parts = model_id.split(".")
            publisher = parts[1] if len(parts) > 2 and parts[0] in ("us", "eu", "apac", "global", "jp", "au", "ca") else parts[0]
            component["publisher"] = publisher
        card: dict = {"bom-ref": f"{ref}#model-card"}
        task = next((m.task for m in found if m.task), "")
        if task:
            card["modelParameters"] = {"task": task}
        card["properties"] = _properties([("provider", provider),
                                          ("context", ", ".join(sorted({m.context for m in found if m.context})))])
        component["modelCard"] = card
        component["properties"] = _properties([("provider", provider), ("resource", "; ".join(
            sorted({m.resource for m in found if m.resource})))])
        component["evidence"] = _occurrences(found)
        components.append(component)
    return components


def _model_file_components(files: list[ModelFile]) -> list[dict]:
    components = []
    for model in files:
        component: dict = {"type": "machine-learning-model", "bom-ref": f"file:{model.file}",
                           "name": model.file.rsplit("/", 1)[-1]}
        if model.sha256:
            component["hashes"] = [{"alg": "SHA-256", "content": model.sha256}]
        facts = [("format", model.format), ("serialization", model.serialization), ("size", model.size),
                 ("unsafe-globals", ", ".join(model.dangerous)), ("imports", ", ".join(model.unverified[:20])),
                 ("lambda-layers", ", ".join(model.lambda_layers)),
                 ("chat-template-markers", ", ".join(model.template_markers)), ("note", "; ".join(model.notes))]
        facts += [(f"meta.{k}", v) for k, v in model.metadata]
        component["modelCard"] = {"bom-ref": f"file:{model.file}#model-card", "properties": _properties(facts)}
        arch = dict(model.metadata).get("general.architecture") or dict(model.metadata).get("architecture")
        if arch:
            component["modelCard"]["modelParameters"] = {"modelArchitecture": arch}
        component["properties"] = _properties(facts[:3])
        component["evidence"] = {"occurrences": [{"location": model.file}]}
        components.append(component)
    return components


def to_cyclonedx(inventory: Inventory, version: str = "") -> str:
    """A CycloneDX 1.6 JSON document: packages as `library` components, images as `container`
    components, models and model files as `machine-learning-model` components with model cards,
    AI cloud resources as `services` with their exposure and findings as properties."""
    if not version:
        from analyzer import __version__ as version
    services = []
    for resource in inventory.resources:
        service: dict = {"bom-ref": f"resource:{resource.file}:{resource.address}", "name": resource.address,
                         "group": resource.kind}
        if resource.provider in _PROVIDERS:
            service["provider"] = {"name": _PROVIDERS[resource.provider]}
        service["properties"] = _properties([
            ("kind", resource.kind), ("title", resource.title), ("native-type", resource.native_type),
            ("framework", resource.framework), ("location", f"{resource.file}:{resource.line}"),
            ("exposure", resource.exposure), ("exposure-reason", resource.exposure_reason),
            ("failing-rules", ", ".join(resource.rules)),
            *((f"findings.{severity}", count) for severity, count in resource.findings)])
        services.append(service)
    document: dict = {
        "bomFormat": "CycloneDX", "specVersion": "1.6", "serialNumber": f"urn:uuid:{uuid.uuid4()}", "version": 1,
        "metadata": {
            "timestamp": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "tools": {"components": [{"type": "application", "name": "aiposture", "version": version}]},
        },
        "components": [*_package_components(inventory.packages), *_image_components(inventory.images),
                       *_model_components(inventory.models), *_model_file_components(inventory.model_files)],
    }
    if services:
        document["services"] = services
    return json.dumps(document, indent=2) + "\n"


def render(inventory: Inventory, format: str) -> str:
    """`format`: table, json or cyclonedx."""
    return {"table": to_table, "json": to_json, "cyclonedx": to_cyclonedx}[format](inventory)


__all__ = ["render", "to_table", "to_json", "to_cyclonedx"]
