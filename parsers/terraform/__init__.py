"""Terraform: native syntax (`*.tf`, hcl.py) and JSON syntax (`*.tf.json`, tfjson.py), including
CDK for Terraform output (`cdktf.out/stacks/*/cdk.tf.json`), into one resource model.

Importing this package is cheap: tree-sitter is imported on the first parse.
"""
from __future__ import annotations

import functools
import json
import os
import re

from analyzer.model import ParsedFile

__all__ = ["cdktf_outputs", "declared_variables", "parse"]


def parse(path: str, data: bytes) -> ParsedFile:
    """Parse a Terraform file by its name: `*.tf.json` as JSON, anything else as HCL."""
    if path.endswith(".tf.json"):
        from parsers.terraform import tfjson

        return tfjson.parse(path, data)
    from parsers.terraform import hcl

    return hcl.parse(path, data)


def cdktf_outputs(project_dir: str) -> list[str]:
    """The synthesized stacks of a CDK for Terraform project: `<output>/stacks/*/cdk.tf.json`,
    where <output> is the "output" of `cdktf.json` (default "cdktf.out").

    Sorted paths, joined to `project_dir`. Reads files only: no Node, no `cdktf synth`, nothing is
    executed. An output folder or stack file outside `project_dir` (through "..", an absolute path
    or a symlink) is ignored. [] when there is no readable `cdktf.json`.
    """
    config_path = os.path.join(project_dir, "cdktf.json")
    try:
        with open(config_path, "rb") as handle:
            config = json.loads(handle.read(1 << 20))
    except (OSError, ValueError):
        return []
    output = config.get("output") if isinstance(config, dict) else None
    if not isinstance(output, str) or not output.strip():
        output = "cdktf.out"
    root = os.path.realpath(project_dir)
    stacks_dir = os.path.join(project_dir, output, "stacks")
    try:
        names = sorted(os.listdir(stacks_dir))
    except OSError:
        return []
    found = []
    for name in names:
        candidate = os.path.join(stacks_dir, name, "cdk.tf.json")
        real = os.path.realpath(candidate)
        if os.path.isfile(real) and os.path.commonpath([root, real]) == root:
            found.append(candidate)
    return found


# `variable "name" {` (or an unquoted label) at the start of a line of a `.tf` file.
_VARIABLE = re.compile(rb'^[ \t]*variable[ \t]+(?:"([^"\n]+)"|([A-Za-z_][\w-]*))[ \t]*\{', re.M)


@functools.lru_cache(maxsize=256)
def declared_variables(folder: str) -> frozenset[str]:
    """Names of the `variable` blocks declared by the `.tf` and `.tf.json` files directly in
    `folder` (a Terraform module is one folder): what a fix may reference as `var.<name>` without
    declaring it. Reads files only (a regex on `.tf`, JSON's top-level "variable" keys); never
    raises. Cached per folder for the life of the process."""
    names: set[str] = set()
    try:
        entries = sorted(os.listdir(folder))
    except (OSError, ValueError):
        return frozenset()
    for entry in entries:
        if not entry.endswith(".tf") and not entry.endswith(".tf.json"):
            continue
        try:
            with open(os.path.join(folder, entry), "rb") as handle:
                data = handle.read()
            if entry.endswith(".tf"):
                for m in _VARIABLE.finditer(data):
                    names.add((m.group(1) or m.group(2)).decode("utf-8", "replace"))
                continue
            top = json.loads(data)
        except (OSError, ValueError, RecursionError):
            continue
        found = top.get("variable") if isinstance(top, dict) else None
        for group in found if isinstance(found, list) else [found]:
            if isinstance(group, dict):
                names.update(str(name) for name in group)
    return frozenset(names)
