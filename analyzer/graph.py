"""The context graph: which resource refers to which, so a check can follow a notebook's
`role_arn` to its IAM role and from the role to the policies attached to it.

An edge is read from a resource's attribute values: a reference that stays unresolved after
evaluation (`aws_iam_role.r.arn`, `"${aws_s3_bucket.b.arn}/*"`, `jsonencode({... = aws_kms_key.k.arn})`
in Terraform; `!Ref X`, `!GetAtt X.Arn`, `${X.Arn}` in CloudFormation; a symbol in Bicep:
`acct.id`, `parent: acct`) names its target. ARM's `resourceId(...)` references are not read yet. Only
names of resources in the same module instance (or template) become edges, so a word that merely
looks like an address never does.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Mapping, Sequence

from analyzer.model import Resource, Unknown, Value


@dataclass(frozen=True)
class Edge:
    source: str  # address of the referring resource
    path: str  # native dotted path of the attribute holding the reference ("role_arn", "vpc_config.subnets")
    target: str  # address of the referred resource


# Terraform: `type.name` or `data.type.name`, optionally indexed (`[0]`, `["k"]`), in any expression.
_TF_REFERENCE = re.compile(r'(?<![\w.\-"])((?:data\.)?[A-Za-z][\w-]*\.[A-Za-z_][\w-]*)(?:\[[^\]\n]*\])?')
# CloudFormation: the short forms evaluation leaves (`!Ref X`, `!GetAtt X.Arn`) and `${X}` / `${X.Arn}` in a Sub.
_CFN_REFERENCE = re.compile(r"(?:!Ref\s+|!GetAtt\s+|\$\{)([A-Za-z0-9]+)")
_CFN_INTRINSICS = {"Ref", "Fn::GetAtt", "Fn::Sub"}


def module_prefix(resource: Resource) -> str:
    """"module.a.module.b." for a resource of a module instance, "" at the root (Terraform)."""
    return str(resource.meta.get("module", ""))


def base_address(address: str) -> str:
    """The address without a trailing instance key: `aws_x.y[0]` -> `aws_x.y`."""
    return address[:address.index("[")] if address.endswith("]") and "[" in address else address


def _terraform_targets(text: str) -> Iterator[str]:
    for match in _TF_REFERENCE.finditer(text):
        yield match.group(1)


def _cfn_targets(raw: Any) -> Iterator[str]:
    if isinstance(raw, Unknown):
        for match in _CFN_REFERENCE.finditer(raw.expr):
            yield match.group(1)
    elif isinstance(raw, str):
        for match in _CFN_REFERENCE.finditer(raw):
            if match.group(0).startswith("${"):
                yield match.group(1)


# Bicep: a resource's symbol wherever an expression names it (`acct.id`, `parent: acct`, `acct::child.name`).
_BICEP_SYMBOL = re.compile(r"(?<![\w.$])([A-Za-z_]\w*(?:::[A-Za-z_]\w*)*)")


def _bicep_code(expr: str) -> str:
    """A Bicep expression with the literal text of its strings blanked (interpolations kept), so
    a word inside a string is never read as a symbol."""
    out, depth, in_string, i = [], 0, False, 0
    while i < len(expr):
        c = expr[i]
        if in_string and depth == 0:
            if c == "\\":
                out.append("  ")
                i += 2
                continue
            if c == "'":
                in_string = False
            elif expr.startswith("${", i):
                depth, i = 1, i + 2
                out.append("  ")
                continue
            out.append(" " if c != "'" else c)
        else:
            if c == "'" and depth == 0:
                in_string = True
            elif depth and c == "{":
                depth += 1
            elif depth and c == "}":
                depth -= 1
            out.append(c)
        i += 1
    return "".join(out)


def _walk(raw: Any, path: str) -> Iterator[tuple[str, Any]]:
    """(native path, raw) for every value inside an attribute; list items share their list's path."""
    yield path, raw
    if isinstance(raw, dict):
        for key, inner in raw.items():
            # a CloudFormation intrinsic is part of the value it computes, not a property
            inner_path = path if key in _CFN_INTRINSICS or key.startswith("Fn::") else f"{path}.{key}"
            yield from _walk(inner.raw if isinstance(inner, Value) else inner, inner_path)
    elif isinstance(raw, list):
        for inner in raw:
            yield from _walk(inner.raw if isinstance(inner, Value) else inner, path)


def references(resource: Resource) -> Iterator[tuple[str, str]]:
    """(native path, referenced name as written) for every reference in the resource's attributes."""
    for name, value in resource.attrs.items():
        if name in ("depends_on", "DependsOn"):
            continue  # ordering only: no data flows along it
        for path, raw in _walk(value.raw, name):
            if resource.framework == "cloudformation":
                if isinstance(raw, dict) and "Ref" in raw:
                    target = raw["Ref"].raw if isinstance(raw["Ref"], Value) else raw["Ref"]
                    if isinstance(target, str):
                        yield path, target
                elif isinstance(raw, dict) and "Fn::GetAtt" in raw:
                    parts = raw["Fn::GetAtt"].raw if isinstance(raw["Fn::GetAtt"], Value) else raw["Fn::GetAtt"]
                    first = parts[0] if isinstance(parts, list) and parts else parts
                    first = first.raw if isinstance(first, Value) else first
                    if isinstance(first, str):
                        yield path, first.split(".")[0]
                else:
                    for target in _cfn_targets(raw):
                        yield path, target
            elif resource.framework == "bicep":
                if isinstance(raw, Unknown):
                    for match in _BICEP_SYMBOL.finditer(_bicep_code(raw.expr)):
                        yield path, match.group(1)
            elif isinstance(raw, Unknown):
                for target in _terraform_targets(raw.expr):
                    yield path, target


@dataclass(frozen=True)
class Graph:
    by_address: Mapping[str, Resource] = field(default_factory=dict)
    outgoing: Mapping[str, tuple[Edge, ...]] = field(default_factory=dict)
    incoming: Mapping[str, tuple[Edge, ...]] = field(default_factory=dict)


def build(resources: Iterable[Resource]) -> Graph:
    """The edges between `resources` (one module instance or one template, usually a folder's)."""
    resources = list(resources)
    by_address: dict[str, Resource] = {}
    by_base: dict[str, list[str]] = {}
    for resource in resources:
        by_address.setdefault(resource.address, resource)
        by_base.setdefault(base_address(resource.address), []).append(resource.address)
    outgoing: dict[str, list[Edge]] = {}
    incoming: dict[str, list[Edge]] = {}
    for resource in resources:
        prefix = module_prefix(resource) if resource.framework == "terraform" else ""
        seen: set[tuple[str, str]] = set()
        for path, name in references(resource):
            # `aws_x.y` names every instance of a counted resource (`aws_x.y[0]`, `aws_x.y[1]`)
            for target in by_base.get(prefix + name, ()):
                if target == resource.address or (path, target) in seen:
                    continue
                seen.add((path, target))
                edge = Edge(resource.address, path, target)
                outgoing.setdefault(resource.address, []).append(edge)
                incoming.setdefault(target, []).append(edge)
    return Graph(by_address, {k: tuple(v) for k, v in outgoing.items()}, {k: tuple(v) for k, v in incoming.items()})


def targets(graph: Graph, resource: Resource, path: str | None = None,
            kinds: Sequence[str] | None = None) -> list[Resource]:
    """The resources `resource` refers to (through the attribute at native `path` or below it,
    when given), optionally only those of the given kinds or native types."""
    found = []
    for edge in graph.outgoing.get(resource.address, ()):
        if path is not None and edge.path != path and not edge.path.startswith(path + "."):
            continue
        target = graph.by_address[edge.target]
        if kinds is None or target.kind in kinds or target.native_type in kinds:
            if target not in found:
                found.append(target)
    return found


def referrers(graph: Graph, resource: Resource, kinds: Sequence[str] | None = None) -> list[tuple[Resource, str]]:
    """The resources that refer to `resource`, each with the native path of the referring
    attribute, optionally only those of the given kinds or native types."""
    found = []
    for edge in graph.incoming.get(resource.address, ()):
        source = graph.by_address[edge.source]
        if kinds is None or source.kind in kinds or source.native_type in kinds:
            found.append((source, edge.path))
    return found
