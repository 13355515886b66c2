"""`aiposture inventory`: walk the tree once, read every source of AI components, collect them."""
from __future__ import annotations

import hashlib
import os
import posixpath
import re
from typing import Any, Iterator, Mapping, Sequence

from analyzer.inventory import deps, images, modelfile, models
from analyzer.inventory.docker import read_dockerfile
from analyzer.inventory.items import Image, Inventory, ModelFile, ModelRef, Package
from analyzer.inventory.pycode import read_python

MAX_TEXT_BYTES = 5 * 1024 * 1024  # as the scan: larger text files are not read
# text files searched line by line for image references, Bedrock ids and model environment variables
TEXT_SUFFIXES = (".yaml", ".yml", ".json", ".env", ".sh", ".bash", ".ipynb", ".conf", ".properties", ".toml",
                 ".cfg", ".ini", ".tf", ".bicep", ".bicepparam", ".tfvars", ".template", ".hcl")
_ENV_LINE = re.compile(r"\b(" + "|".join(sorted(models.MODEL_ENV)) + r")\b[\"']?\s*[:=]\s*[\"']?([\w.@/-]+)")


def walk(paths: Sequence[str], root: str, exclude: Sequence[str] = ()) -> Iterator[tuple[str, str]]:
    """(absolute, scan-root relative) of every regular file under `paths`, with the scan's rules:
    tool caches and virtual environments skipped, `exclude` globs applied, no link out of the root."""
    from analyzer.config import compile_globs
    from analyzer.engine import EXCLUDED_DIRS

    real_root = os.path.realpath(root)
    excluded = compile_globs(exclude) if exclude else (lambda path, is_dir=False: False)

    def inside(path: str) -> bool:
        real = os.path.realpath(path)
        return real == real_root or real.startswith(os.path.join(real_root, ""))

    def relative(path: str) -> str:
        return os.path.relpath(path, root).replace(os.sep, "/")

    seen: set[str] = set()
    for path in paths:
        path = os.path.abspath(path)
        if os.path.isfile(path):
            if inside(path) and not excluded(relative(path)) and path not in seen:
                seen.add(path)
                yield path, relative(path)
            continue
        for folder, dirs, files in os.walk(path):
            dirs[:] = sorted(d for d in dirs if d not in EXCLUDED_DIRS and not os.path.islink(os.path.join(folder, d))
                             and not excluded(relative(os.path.join(folder, d)), True))
            for name in sorted(files):
                full = os.path.join(folder, name)
                if full in seen or not os.path.isfile(full) or (os.path.islink(full) and not inside(full)):
                    continue
                where = relative(full)
                if excluded(where):
                    continue
                seen.add(full)
                yield full, where


def build_inventory(paths: Sequence[str] = (), *, exclude: Sequence[str] = (), select: Sequence[str] = (),
                    ignore: Sequence[str] = (), per_path_ignores: Sequence[tuple[str, Sequence[str]]] = (),
                    severity_overrides: Mapping[str, str] | None = None, variables: Mapping[str, Any] | None = None,
                    cfn_parameters: Mapping[str, Any] | None = None, jobs: int | None = None,
                    posture: bool = True) -> Inventory:
    """The AI bill of materials of the files under `paths` (the scan's options mean what they
    mean for `engine.scan`; `select`/`ignore` choose the rules of the posture summary). Raises
    UsageError as `engine.scan` does for a missing path or a bad rule."""
    from analyzer import engine
    from analyzer.errors import UsageError
    from analyzer.inventory import cloud

    paths = list(paths) or ["."]
    for path in paths:
        if not os.path.exists(path):
            raise UsageError(f"no such file or directory: {path}")
    root = engine.scan_root(paths)
    inventory = Inventory(root=root)

    iac, skipped = cloud.parsed_files(paths, root, exclude, variables, cfn_parameters)
    inventory.skipped += skipped
    if posture:
        from checks import ALL_CHECKS

        chosen = [c.id for c in engine.select_checks(ALL_CHECKS, select, ignore) if c.kinds]
        result = engine.scan(paths, select=chosen or ["AIP900"], exclude=exclude, per_path_ignores=per_path_ignores,
                             severity_overrides=severity_overrides, variables=variables, cfn_parameters=cfn_parameters,
                             jobs=jobs)
        inventory.resources = cloud.cloud_resources(iac, result.findings, result.unknowns, result.suppressed,
                                                    [c.id for c in result.rules])
    else:
        inventory.resources = cloud.cloud_resources(iac, [], [], [], ())
    found_images, found_models = cloud.resource_references(iac)
    inventory.images += found_images
    inventory.models += found_models
    iac_paths = {parsed.path for parsed in iac}

    real_root = os.path.realpath(root)

    def read(relative: str) -> bytes | None:
        full = os.path.realpath(os.path.join(root, relative))
        if not full.startswith(os.path.join(real_root, "")) or not os.path.isfile(full):
            return None
        try:
            if os.path.getsize(full) > MAX_TEXT_BYTES:
                return None
            with open(full, "rb") as handle:
                return handle.read(MAX_TEXT_BYTES)
        except OSError:
            return None

    packages: list[Package] = []
    for absolute, relative in walk(paths, root, exclude):
        name = posixpath.basename(relative)
        lowered = name.lower()
        suffix = os.path.splitext(lowered)[1]
        if suffix in modelfile.SUFFIXES:
            found = _model_file(absolute, relative)
            if found is not None:
                inventory.model_files.append(found)
                continue
        source = deps.dependency_source(relative)
        is_python = lowered.endswith(".py")
        is_text = lowered.endswith(TEXT_SUFFIXES) and relative not in iac_paths
        if not (source or is_python or is_text):
            continue
        data = read(relative)
        if data is None:
            continue
        text = data.decode("utf-8", "replace")
        try:
            if source == "dockerfile":
                docker = read_dockerfile(relative, text, read)
                packages += docker.packages
                inventory.indexes += docker.indexes
                inventory.images += docker.images
                inventory.models += docker.models
            elif source:
                found_packages, indexes = deps.read_dependencies(relative, data, read)
                packages += found_packages
                inventory.indexes += indexes
            if is_python:
                python = read_python(relative, text)
                inventory.models += python.models
                inventory.images += python.images
            elif is_text and source != "dockerfile":
                _text_references(relative, text, inventory)
        except RecursionError:
            inventory.skipped.append((relative, "nested too deeply to read"))
    inventory.packages = _unique([p for p in packages if p.category],
                                 lambda p: (p.ecosystem, p.name, p.file, p.line))
    inventory.indexes = _unique(inventory.indexes, lambda i: (i.url, i.file, i.line))
    inventory.images = sorted(_unique(inventory.images, lambda i: (i.reference, i.file, i.line)),
                              key=lambda i: (i.file, i.line, i.reference))
    inventory.models = sorted(_unique(inventory.models, lambda m: (m.provider, m.name, m.file, m.line)),
                              key=lambda m: (m.file, m.line, m.name))
    inventory.packages.sort(key=lambda p: (p.file, p.line, p.name))
    inventory.model_files.sort(key=lambda m: m.file)
    return inventory


def _unique(items, key):
    seen, kept = set(), []
    for item in items:
        k = key(item)
        if k not in seen:
            seen.add(k)
            kept.append(item)
    return kept


def _text_references(relative: str, text: str, inventory: Inventory) -> None:
    for number, line in enumerate(text.splitlines(), 1):
        if len(line) > 4096:
            continue
        for reference, category, repository, tag, digest in images.find_images(line):
            inventory.images.append(Image(reference, repository, tag, digest, category, relative, number, "text"))
        for model in models.bedrock_in_text(line):
            inventory.models.append(ModelRef("bedrock", model, "", relative, number, "text", "string"))
        for match in _ENV_LINE.finditer(line):
            if models.is_hf_id(match.group(2)):
                base, revision = models.hf_version(match.group(2))
                inventory.models.append(ModelRef("huggingface", base, revision, relative, number, "text",
                                                 match.group(1)))


def _model_file(absolute: str, relative: str) -> ModelFile | None:
    scanned = modelfile.scan_file(absolute, relative)
    if scanned is None:
        return None
    try:
        size = os.path.getsize(absolute)
    except OSError:
        size = 0
    digest = ""
    if size <= modelfile.HASH_LIMIT:
        try:
            with open(absolute, "rb") as handle:
                digest = hashlib.sha256(handle.read(modelfile.HASH_LIMIT + 1)).hexdigest()
        except OSError:
            pass
    return ModelFile(relative, scanned.format, scanned.serialization, size, digest,
                     tuple(g for g, _ in scanned.dangerous), tuple(g for g, _ in scanned.unverified),
                     tuple(scanned.lambda_layers), tuple(scanned.template_markers), tuple(scanned.notes),
                     tuple(sorted((k, str(v)) for k, v in scanned.metadata.items())))


__all__ = ["build_inventory", "walk"]
