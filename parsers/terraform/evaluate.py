"""Terraform evaluation inside one module folder: `var.` and `local.` references, and the
expressions built on them, become values so checks judge them instead of reporting UNKNOWN.

What a parser left as `Unknown(expr, reason)` is re-parsed with tree-sitter-hcl (as `x = <expr>`)
and evaluated over plain Python data (None, bool, int/float, str, list, dict) in which `Unknown`
is itself a value: any operation that depends on an Unknown is Unknown. Two outcomes are kept
apart:

- `Unknown`: we cannot know the value (a resource attribute, a variable with no value, something
  this evaluator does not support). It propagates.
- `EvalError`: Terraform itself would reject the expression with these (known) values (a missing
  map key, a type mismatch). `try`/`can` catch it; at the top it becomes Unknown ("expression").

Any other exception (a bug of ours) also becomes Unknown at the top: never a wrong value.

Variables: `default`, overridden by terraform.tfvars < terraform.tfvars.json < *.auto.tfvars(.json)
in lexical order. Locals: from the folder's `locals` blocks, recursively; a cycle is Unknown.
Only the attributes of resources whose kind checks know are evaluated (the rest are never read).
"""
from __future__ import annotations

import base64
import copy
import dataclasses
import fractions
import hashlib
import ipaddress
import json
import math
import os
import re
import unicodedata
import urllib.parse
from typing import Any, Callable, Mapping, Sequence

from analyzer import kinds
from analyzer.model import ParsedFile, Resource, Unknown, Value, iter_values
from parsers.terraform.common import ts_parser, reference_reason
from parsers.terraform.hcl import unescape_quoted

MAX_DEPTH = 64  # nested expressions / local chains deeper than this are Unknown


class EvalError(Exception):
    """Terraform would fail on this expression with these values."""


# --- the module: variables and locals ----------------------------------------------------------


class Module:
    """The variables and locals of one module folder; locals are evaluated on first use."""

    def __init__(self, files: Sequence[ParsedFile], tfvars: Mapping[str, Any] | None = None,
                 folder: str | None = None) -> None:
        # the module's folder: file()/templatefile() read inside it only; None makes them Unknown
        self.folder = folder
        self.variables: dict[str, Resource] = {}
        self.locals: dict[str, Value] = {}
        self.providers: dict[str, Resource] = {}  # "aws", "aws.west" -> the provider block
        for parsed in files:
            for name, record in parsed.blocks.get("variable", {}).items():
                if "#" not in name:  # a duplicate declaration ("x#2") is an error in Terraform
                    self.variables.setdefault(name, record)
            for name, record in parsed.blocks.get("locals", {}).items():
                if "#" not in name and "value" in record.attrs:
                    self.locals.setdefault(name, record.attrs["value"])
            for name, record in parsed.blocks.get("provider", {}).items():
                if "#" not in name:
                    self.providers.setdefault(name, record)
        self.tfvars = dict(tfvars or {})
        self.cache: dict[Any, Any] = {}
        self.active: set[str] = set()  # locals being evaluated: meeting one again is a cycle
        # one instance of a resource or module call with count / for_each: `count` or `each` bound
        self.instance: Mapping[str, Any] = {}
        self.instance_key = ""  # the instance's address suffix ("[0]", '["a"]'); part of cache keys

    def for_instance(self, binding: Mapping[str, Any], key: str) -> "Module":
        """The module seen from one instance: `count.index` or `each.key` / `each.value` known.
        Variables, locals and the cache are shared (locals cannot use count or each)."""
        found = copy.copy(self)
        found.instance = binding
        found.instance_key = key
        return found

    def variable(self, name: str) -> Any:
        key = "var." + name
        if key not in self.cache:
            self.cache[key] = self._variable(name)
        return self.cache[key]

    def _variable(self, name: str) -> Any:
        record = self.variables.get(name)
        unset = Unknown(f"var.{name}", "variable")
        if record is None:
            return unset
        sensitive = record.attrs.get("sensitive")
        if sensitive is not None and sensitive.raw is True:
            return unset  # never judged, so never printed: a sensitive value stays out of every report
        if name in self.tfvars:
            found = self.tfvars[name]
        elif "default" in record.attrs:
            found = self.plain(record.attrs["default"], 0)
        else:
            return unset
        nullable = record.attrs.get("nullable")
        if found is None and nullable is not None and nullable.raw is False and "default" in record.attrs:
            found = self.plain(record.attrs["default"], 0)  # nullable = false: null means the default
        type_text = record.attrs.get("type")
        return convert(found, type_text.raw if type_text is not None else None, unset)

    def local(self, name: str, depth: int) -> Any:
        key = "local." + name
        if key in self.cache:
            return self.cache[key]
        written = self.locals.get(name)
        if written is None or key in self.active or depth > MAX_DEPTH:
            return Unknown(key, "local")  # undeclared here, or a cycle: never guess, never hang
        self.active.add(key)
        try:
            result = self.plain(written, depth + 1)
        finally:
            self.active.discard(key)
        self.cache[key] = result
        return result

    def plain(self, value: Value, depth: int) -> Any:
        """A parsed Value as plain data, its Unknown parts evaluated."""
        raw = value.raw
        if isinstance(raw, Unknown):
            return evaluate_text(raw.expr, self, depth + 1)
        if isinstance(raw, dict):
            if any(k[:1] in ('(', '"') for k in raw):
                return Unknown(str(raw), "expression")  # a key that is an expression: the parser kept its text
            return {k: self.plain(v, depth + 1) for k, v in raw.items()}
        if isinstance(raw, list):
            return [self.plain(v, depth + 1) for v in raw]
        return raw


_PRIMITIVE_TYPE = re.compile(r"\s*(string|number|bool|any)\s*\Z")
_COLLECTION_TYPE = re.compile(r"\s*(list|map)\s*\(\s*(string|number|bool|any)\s*\)\s*\Z")


def convert(found: Any, type_text: Any, unset: Unknown) -> Any:
    """A variable's value converted to its type constraint, as Terraform does. Only primitive
    types and list/map of them are converted; other constraints (object with optional
    attributes, set, tuple) change values in ways not modelled here, so the value is Unknown."""
    if type_text is None or isinstance(found, Unknown):
        return found
    if not isinstance(type_text, str):
        return unset
    m = _PRIMITIVE_TYPE.match(type_text)
    try:
        if m:
            return found if m.group(1) == "any" else _to_type(found, m.group(1))
        m = _COLLECTION_TYPE.match(type_text)
        if m:
            element = m.group(2)
            if found is None:
                return None
            if m.group(1) == "list" and isinstance(found, list):
                return [e if element == "any" else _to_type(e, element) for e in found]
            if m.group(1) == "map" and isinstance(found, dict):
                return {k: e if element == "any" else _to_type(e, element) for k, e in found.items()}
            return unset
    except EvalError:
        return unset
    return unset


def _to_type(found: Any, name: str) -> Any:
    return {"string": fn_tostring, "number": fn_tonumber, "bool": fn_tobool}[name](found)


# --- tfvars ------------------------------------------------------------------------------------


def tfvars_files(folder: str) -> list[str]:
    """The variable files Terraform loads automatically, in increasing precedence."""
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    ordered = [n for n in ("terraform.tfvars", "terraform.tfvars.json") if n in names]
    ordered += sorted(n for n in names if n.endswith(".auto.tfvars") or n.endswith(".auto.tfvars.json"))
    return [os.path.join(folder, n) for n in ordered]


def read_tfvars(folder: str) -> dict[str, Any] | None:
    """Variable values from the folder's tfvars files; None when one cannot be read (Terraform
    would stop: then no variable value can be trusted)."""
    values: dict[str, Any] = {}
    for path in tfvars_files(folder):
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError:
            return None
        found = tfvars_values(data, path.endswith(".json"))
        if found is None:
            return None
        values.update(found)
    return values


def tfvars_values(data: bytes, is_json: bool) -> dict[str, Any] | None:
    """The `name = value` pairs of one tfvars file (HCL or JSON); None when it is invalid."""
    if is_json:
        try:
            top = json.loads(data)
        except (ValueError, RecursionError):
            return None
        return top if isinstance(top, dict) else None
    tree = ts_parser("hcl").parse(data)
    if tree.root_node.has_error:
        return None
    values: dict[str, Any] = {}
    empty = Module(())
    for body in tree.root_node.children:
        for item in body.children if body.type == "body" else ():
            if item.type != "attribute":
                if item.type == "block":
                    return None
                continue
            expr = next((c for c in item.children if c.type == "expression"), None)
            if expr is None:
                return None
            name = data[item.children[0].start_byte:item.children[0].end_byte].decode("utf-8", "replace")
            values[name] = _safe(lambda: _Evaluator(data, empty, 0).expr(expr))
    return values


# --- resources ---------------------------------------------------------------------------------

_RESOLVABLE = frozenset({"variable", "local", "expression"})  # resource/data/module/dynamic stay


MAX_RESOURCE_INSTANCES = 32  # instances of one counted resource judged apart; more stay one, Unknown inside
_INSTANCE_REFERENCE = re.compile(r"(?<![\w.])(?:count|each)\s*\.")


def instances(attrs: Mapping[str, Value], module: Module) -> list[tuple[str, dict[str, Any]]] | None:
    """(address suffix, binding) for each instance of a resource or module call with `count` or
    `for_each`, in Terraform's order; None when it has neither or they cannot be known."""
    if "count" in attrs:
        count = module.plain(attrs["count"], 0)
        if isinstance(count, bool) or not isinstance(count, (int, float)) or count < 0 or count != int(count):
            return None
        return [(f"[{i}]", {"count": {"index": i}}) for i in range(int(count))]
    if "for_each" in attrs:
        found = module.plain(attrs["for_each"], 0)
        if isinstance(found, dict):
            pairs = sorted(found.items())  # Terraform orders a map's instances by key
        elif isinstance(found, list) and all(isinstance(k, str) for k in found):
            pairs = [(k, k) for k in sorted(set(found))]  # a set of strings: each.value is each.key
        else:
            return None
        return [(f"[{json.dumps(k)}]", {"each": {"key": k, "value": v}}) for k, v in pairs]
    return None


def _uses_instance(attrs: Mapping[str, Value]) -> bool:
    """Some attribute depends on `count.index` or `each.*`, so instances may differ."""
    for value in attrs.values():
        for inner in (value, *iter_values(value.raw)):
            if isinstance(inner.raw, Unknown) and _INSTANCE_REFERENCE.search(inner.raw.expr):
                return True
    return False


_VARIABLE_USE = re.compile(r"(?<![\w.])(var|local)\s*\.\s*([A-Za-z_][\w-]*)")


def variables_used(value: Value, module: Module, depth: int = 0) -> set[str]:
    """The input variables a written value depends on, directly or through locals."""
    found: set[str] = set()
    for inner in (value, *iter_values(value.raw)):
        if not isinstance(inner.raw, Unknown):
            continue
        for root, name in _VARIABLE_USE.findall(inner.raw.expr):
            if root == "var":
                found.add(name)
            elif name in module.locals and depth < MAX_DEPTH:
                found |= variables_used(module.locals[name], module, depth + 1)
    return found


def evaluate_file(parsed: ParsedFile, module: Module) -> ParsedFile:
    """`parsed` with the Unknown attribute values of its checked resources evaluated. A value
    that becomes null is dropped (Terraform treats a null argument as not written, so the
    provider default applies). Spans are kept: findings point where the expression is written.

    A resource with a known `count` or `for_each` whose attributes use `count.index` or `each.*`
    becomes one resource per instance (`aws_x.y[0]`, `aws_x.y["a"]`); without such a use every
    instance is the same and the resource stays one."""
    resources = []
    changed = False
    for resource in parsed.resources:
        if resource.native_type in kinds.AZAPI_TYPES:
            found = _azapi(resource, module)
            changed = changed or found is not resource
            resource = found
        if not resource.kind:
            resources.append(resource)  # no check reads it
            continue
        bindings = instances(resource.attrs, module) if ("count" in resource.attrs
                                                         or "for_each" in resource.attrs) else None
        if bindings and len(bindings) <= MAX_RESOURCE_INSTANCES and _uses_instance(resource.attrs):
            for suffix, binding in bindings:
                attrs = _with_default_tags(resource, _evaluate_attrs(resource.attrs, module.for_instance(binding, suffix)),
                                           module)
                resources.append(dataclasses.replace(resource, address=resource.address + suffix, attrs=attrs))
            changed = True
            continue
        attrs = _with_default_tags(resource, _evaluate_attrs(resource.attrs, module), module)
        if attrs is not resource.attrs:
            resource = dataclasses.replace(resource, attrs=attrs)
            changed = True
        resources.append(resource)
    return dataclasses.replace(parsed, resources=tuple(resources)) if changed else parsed


def azapi_as_written(parsed: ParsedFile) -> ParsedFile:
    """The file with its azapi resources given their ARM kinds, values as written (the fixer
    judges Terraform as written)."""
    module = Module([parsed], {})
    module.variables = {name: None for name in module.variables}  # as written: no variable is known
    return dataclasses.replace(parsed, resources=tuple(
        _azapi(r, module) if r.native_type in kinds.AZAPI_TYPES else r for r in parsed.resources))


def _azapi(resource: Resource, module: Module) -> Resource:
    """An `azapi_resource` as the ARM resource it creates: the kind of its `type`
    ("Microsoft.CognitiveServices/accounts@2024-10-01"), its `body` as data (a `jsonencode(...)`
    or JSON text body decoded). Native paths are then ARM's under `body` (analyzer.kinds.AZAPI)."""
    written = resource.attrs.get("type")
    found = module.plain(written, 0) if written is not None else None
    if not isinstance(found, str):
        return resource
    kind = kinds.kind_of("arm", found.split("@", 1)[0])
    if not kind:
        return resource
    attrs = _evaluate_attrs(resource.attrs, module)
    body = attrs.get("body")
    if body is not None and isinstance(body.raw, str):
        try:
            decoded = json.loads(body.raw)
        except ValueError:
            decoded = None
        if isinstance(decoded, dict):
            attrs = {**attrs, "body": _as_value(decoded, body)}
    return dataclasses.replace(resource, kind=kind, attrs=attrs,
                               meta={**resource.meta, "api_version": found.partition("@")[2]})


def _with_default_tags(resource: Resource, attrs: Mapping[str, Value], module: Module) -> Mapping[str, Value]:
    """An AWS resource's `tags_all`, as the provider computes it: its provider's `default_tags`
    merged under the resource's own `tags`. Only when the provider block sets default tags (a
    module's resources use the provider of the module's folder; one passed in by the caller is
    not seen)."""
    if not resource.native_type.startswith("aws_") or "tags_all" in attrs:
        return attrs
    provider = attrs.get("provider")
    name = provider.raw if provider is not None and isinstance(provider.raw, str) else "aws"
    record = module.providers.get(name)
    default_tags = record.native("default_tags.tags") if record is not None else None
    if default_tags is None or default_tags.absent:
        return attrs
    defaults = module.plain(default_tags, 0)
    own = attrs.get("tags")
    tags = own.plain() if own is not None else {}
    if isinstance(defaults, Unknown) or isinstance(tags, Unknown):
        merged: Any = Unknown("tags_all", "expression")
    elif isinstance(defaults, dict) and isinstance(tags, dict):
        merged = {**defaults, **tags}
    else:
        return attrs
    where = own if own is not None else default_tags
    return {**attrs, "tags_all": _as_value(merged, where)}


def _evaluate_attrs(attrs: Mapping[str, Value], module: Module) -> Mapping[str, Value]:
    result: dict[str, Value] = {}
    changed = False
    for name, written in attrs.items():
        new = _evaluate_value(written, module)
        changed = changed or new is not written
        if new is not None:
            result[name] = new
    return result if changed else attrs


def _evaluate_value(written: Value, module: Module) -> Value | None:
    """The Value evaluated (the same object when nothing changed); None when it became null."""
    raw = written.raw
    if isinstance(raw, Unknown):
        if raw.reason not in _RESOLVABLE:
            return written
        key = ("expr", raw.expr, module.instance_key)  # the same text (`local.tags`) recurs across resources
        if key not in module.cache:
            module.cache[key] = evaluate_text(raw.expr, module)
        found = module.cache[key]
        if isinstance(found, Unknown):
            if found.reason == raw.reason:
                return written
            return dataclasses.replace(written, raw=Unknown(raw.expr, found.reason))
        if found is None:
            return None
        return _as_value(found, written)
    if isinstance(raw, dict):
        inner = _evaluate_attrs(raw, module)
        return written if inner is raw else dataclasses.replace(written, raw=inner)
    if isinstance(raw, list):
        items = [_evaluate_value(v, module) for v in raw]
        if all(new is old for new, old in zip(items, raw)):
            return written
        # a null element of a tuple stays null (it is not an argument)
        return dataclasses.replace(written, raw=[new if new is not None else dataclasses.replace(old, raw=None)
                                                 for new, old in zip(items, raw)])
    return written


def _as_value(found: Any, written: Value) -> Value:
    """Plain data -> a Value at the written expression's span (nested parts share it)."""
    if isinstance(found, dict):
        raw: Any = {k: _as_value(v, written) for k, v in found.items()}
    elif isinstance(found, list):
        raw = [_as_value(v, written) for v in found]
    else:
        raw = found
    return Value(raw, written.span, "unresolved" if isinstance(raw, Unknown) else "explicit", written.key_span)


# --- expressions -------------------------------------------------------------------------------


def evaluate_text(expr: str, module: Module, depth: int = 0) -> Any:
    """The value of HCL expression text in `module`; Unknown when it cannot be known."""
    data = b"x = " + expr.encode("utf-8") + b"\n"
    tree = ts_parser("hcl").parse(data)
    root = tree.root_node
    if root.has_error:
        return Unknown(expr, "expression")
    body = root.children[0] if root.children else None
    attrs = [c for c in body.children if c.type == "attribute"] if body is not None else []
    node = next((c for c in attrs[0].children if c.type == "expression"), None) if len(attrs) == 1 else None
    if node is None:
        return Unknown(expr, "expression")
    found = _safe(lambda: _Evaluator(data, module, depth).expr(node))
    if isinstance(found, Unknown) and found.reason == "expression":
        return Unknown(expr, "expression")
    return found


def _safe(compute: Callable[[], Any]) -> Any:
    try:
        return compute()
    except EvalError:
        return Unknown("", "expression")  # Terraform would reject it: say nothing about the value
    except (RecursionError, ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError,
            ZeroDivisionError, UnicodeError):
        return Unknown("", "expression")  # a gap of ours: never a wrong value, never a crash


def opaque(found: Any) -> Any:
    """An Unknown computed from a resource attribute may be null or empty (`lookup(x.tags, "k",
    null)`): only a plain reference keeps the reason "resource" that `present()` trusts."""
    if isinstance(found, Unknown) and found.reason == "resource":
        return Unknown(found.expr, "expression")
    return found


def find_unknown(found: Any) -> Unknown | None:
    """The first Unknown inside a value (depth first), or None when it is wholly known."""
    if isinstance(found, Unknown):
        return found
    if isinstance(found, dict):
        found = list(found.values())
    if isinstance(found, list):
        for item in found:
            inner = find_unknown(item)
            if inner is not None:
                return inner
    return None


# Binary operators: HCL's. Logical ones are handled apart (a known side can decide them).
_COMPARE = {"<": lambda a, b: a < b, ">": lambda a, b: a > b, "<=": lambda a, b: a <= b, ">=": lambda a, b: a >= b}
_ARITHMETIC = {"+", "-", "*", "/", "%"}
_OPERATORS = frozenset({"==", "!=", "&&", "||", *_COMPARE, *_ARITHMETIC})
_SKIP = frozenset({"comment"})


class _Evaluator:
    """Evaluates tree-sitter-hcl expression nodes of `data`."""

    def __init__(self, data: bytes, module: Module, depth: int, scope: Mapping[str, Any] | None = None) -> None:
        self.data = data
        self.module = module
        self.depth = depth
        # names bound by `for` and templatefile(), and `count` / `each` in an instance
        self.scope: dict[str, Any] = {**module.instance, **(scope or {})}
        self.in_template_file = False

    def text(self, node: Any) -> str:
        return self.data[node.start_byte:node.end_byte].decode("utf-8", "replace")

    def expr(self, node: Any) -> Any:
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                return Unknown(self.text(node), "expression")
            return self.sequence([c for c in node.children if c.type not in _SKIP])
        finally:
            self.depth -= 1

    def sequence(self, nodes: list[Any]) -> Any:
        """A primary node followed by get_attr / index / splat nodes (tree-sitter-hcl puts them
        side by side, in `expression` and in the operands of operators)."""
        if not nodes:
            raise EvalError("empty expression")
        head = nodes[0]
        rest = nodes[1:]
        if head.type == "(":
            inner = next((c for c in rest if c.type == "expression"), None)
            close = next((i for i, c in enumerate(rest) if c.type == ")"), None)
            if inner is None or close is None:
                return Unknown(self.text(head), "expression")
            return self.postfix(self.expr(inner), rest[close + 1:])
        if head.type == "variable_expr":
            return self.reference(head, rest)
        return self.postfix(self.primary(head), rest)

    def primary(self, node: Any) -> Any:
        kind = node.type
        if kind == "expression":
            return self.expr(node)
        if kind == "literal_value":
            return self.literal(node.children[0])
        if kind == "collection_value":
            return self.collection(node.children[0])
        if kind == "template_expr":
            return self.template(node.children[0])
        if kind == "function_call":
            return self.call(node)
        if kind == "conditional":
            return self.conditional(node)
        if kind == "operation":
            return self.operation(node.children[0])
        if kind == "for_expr":
            return self.for_(node.children[0])
        return Unknown(self.text(node), "expression")

    def literal(self, node: Any) -> Any:
        if node.type == "string_lit":
            return unescape_quoted(self.data[node.start_byte + 1:node.end_byte - 1].decode("utf-8", "replace"))
        if node.type == "numeric_lit":
            return number(self.text(node))
        if node.type == "bool_lit":
            return self.text(node) == "true"
        if node.type == "null_lit":
            return None
        return Unknown(self.text(node), "expression")

    # references: var.x and local.x resolve; every other root stays Unknown with its reason
    def reference(self, head: Any, rest: list[Any]) -> Any:
        root = self.text(head)
        if root in self.scope:
            return self.postfix(self.scope[root], rest)
        first = rest[0] if rest else None
        has_attr = first is not None and first.type == "get_attr"
        if root in ("var", "local") and has_attr:
            name = self.text(first.children[-1])
            found = self.module.variable(name) if root == "var" else self.module.local(name, self.depth)
            return self.postfix(found, rest[1:])
        if root == "path" and has_attr and self.module.folder is not None:
            # every scanned folder is a root module: path.module and path.root are "."
            if self.text(first.children[-1]) in ("module", "root"):
                return self.postfix(".", rest[1:])
        whole = self.data[head.start_byte:(rest[-1] if rest else head).end_byte].decode("utf-8", "replace")
        if any(c.type == "splat" for c in rest):
            return Unknown(whole, "expression")
        return Unknown(whole, reference_reason(root, has_attr))

    def postfix(self, found: Any, nodes: list[Any]) -> Any:
        for node in nodes:
            if node.type == "get_attr":
                key: Any = self.text(node.children[-1])
            elif node.type == "index":
                inner = node.children[0]
                if inner.type == "legacy_index":  # .0
                    key = int(self.text(inner).lstrip(".").strip())
                else:
                    index_expr = next((c for c in inner.children if c.type == "expression"), None)
                    if index_expr is None:
                        return Unknown(self.text(node), "expression")
                    key = self.expr(index_expr)
            elif node.type in _SKIP:
                continue
            elif node.type == "splat":
                return self.splat(found, node.children[0])
            else:
                return Unknown(self.text(node), "expression")
            found = index(found, key)
        return found

    def splat(self, found: Any, node: Any) -> Any:
        """`x[*].a[0]` (every traversal after [*] applies to each element) and `x.*.a` (only
        attribute accesses do; an index after them applies to the resulting list)."""
        if isinstance(found, Unknown):
            return found
        steps = [c for c in node.children if c.type in ("get_attr", "index")]
        after: list[Any] = []
        if node.type == "attr_splat":
            cut = next((i for i, c in enumerate(steps) if c.type != "get_attr"), len(steps))
            steps, after = steps[:cut], steps[cut:]
        if found is None:
            items: list[Any] = []  # a null value splats to an empty list
        elif isinstance(found, list):
            items = found
        elif isinstance(found, dict) and node.type == "full_splat":
            items = [found]  # a single value is a one-element list
        else:
            return Unknown(self.text(node), "expression")
        return self.postfix([self.postfix(item, steps) for item in items], after)

    def for_(self, node: Any) -> Any:
        """`[for k, v in c : e if cond]` and `{for k, v in c : ke => ve... if cond}`."""
        intro = next(c for c in node.children if c.type == "for_intro")
        names = [self.text(c) for c in intro.children if c.type == "identifier"]
        source = self.expr(next(c for c in intro.children if c.type == "expression"))
        body = [c for c in node.children if c.type == "expression"]
        cond = next((c for c in node.children if c.type == "for_cond"), None)
        cond_expr = next(c for c in cond.children if c.type == "expression") if cond is not None else None
        grouping = any(c.type == "ellipsis" for c in node.children)
        if isinstance(source, Unknown):
            return source
        pairs = _iteration(source)
        is_object = node.type == "for_object_expr"
        tuple_result: list[Any] = []
        object_result: dict[str, Any] = {}
        outer = self.scope
        try:
            for key, value in pairs:
                self.scope = {**outer, **dict(zip(names, [key, value] if len(names) == 2 else [value]))}
                if cond_expr is not None:
                    keep = self.expr(cond_expr)
                    if isinstance(keep, Unknown):
                        return keep  # the result's length is not known
                    if not truth(keep):
                        continue
                if not is_object:
                    tuple_result.append(self.expr(body[0]))
                    continue
                name = self.expr(body[0])
                if isinstance(name, Unknown):
                    return name  # the keys are not known
                name = fn_tostring(name)
                if name is None or isinstance(name, (list, dict)):
                    raise EvalError("a for expression's key must be a string")
                found = self.expr(body[1])
                if grouping:
                    object_result.setdefault(name, []).append(found)
                elif name in object_result:
                    raise EvalError(f"duplicate key {name!r} (use ... to group)")
                else:
                    object_result[name] = found
        finally:
            self.scope = outer
        return object_result if is_object else tuple_result

    def collection(self, node: Any) -> Any:
        if node.type == "tuple":
            return [self.expr(c) for c in node.children if c.type == "expression"]
        if node.type != "object":
            return Unknown(self.text(node), "expression")
        result: dict[str, Any] = {}
        for elem in node.children:
            if elem.type != "object_elem":
                continue
            parts = [c for c in elem.children if c.type == "expression"]
            if len(parts) != 2:
                return Unknown(self.text(node), "expression")
            key_node, value_node = parts
            key_kids = [c for c in key_node.children if c.type not in _SKIP]
            if len(key_kids) == 1 and key_kids[0].type == "variable_expr":
                key: Any = self.text(key_kids[0])  # a bare name is a literal key
            else:
                key = self.expr(key_node)
            if isinstance(key, Unknown):
                return key
            key = fn_tostring(key)
            if key is None:
                raise EvalError("null object key")
            result[key] = self.expr(value_node)  # a repeated key is an error in HCL; keep the last
        return result

    def template(self, node: Any) -> Any:
        """Quoted templates and heredocs: literals, `${...}` and `%{ if }`/`%{ for }` directives,
        with `~` strip markers. Literal text is taken from the bytes between the other parts
        (tree-sitter-hcl leaves spaces and newlines out of its template_literal nodes)."""
        kids = [c for c in node.children if c.type != "comment"]
        if node.type == "quoted_template":
            start, end = kids[0].end_byte, kids[-1].start_byte
            parts = kids[1:-1]
            literal: Callable[[str], str] = unescape_quoted
        elif node.type == "heredoc_template":
            idents = [c for c in kids if c.type == "heredoc_identifier"]
            if len(idents) != 2:
                return Unknown(self.text(node), "expression")
            start = self.data.index(b"\n", idents[0].end_byte) + 1
            end = self.data.rindex(b"\n", 0, idents[1].start_byte) + 1 if idents[1].start_byte > start else start
            parts = [c for c in kids if c.start_byte >= start and c.end_byte <= end]
            literal = _heredoc_literal
        else:
            return Unknown(self.text(node), "expression")
        tokens = self.template_tokens(parts, start, end, literal)
        if tokens is None:
            return Unknown(self.text(node), "expression")
        if any(c.type == "heredoc_start" and self.text(c) == "<<-" for c in kids):
            tokens = _flush(tokens)
        if tokens is None:
            return Unknown(self.text(node), "expression")
        _apply_strips(tokens)
        tree, rest = _template_tree(tokens, 0)
        if tree is None or rest != len(tokens):
            return Unknown(self.text(node), "expression")
        if len(tree) == 1 and tree[0][0] == "interp" and node.type == "quoted_template" \
                and not tokens[0][2] and not tokens[0][3]:
            return self.expr(next(c for c in tree[0][1].children if c.type == "expression"))  # a lone "${x}" is x itself, not converted to a string
        return self.render(tree)

    def template_tokens(self, parts: list[Any], start: int, end: int,
                        literal: Callable[[str], str]) -> list[list[Any]] | None:
        """The flat token list of a template: [kind, payload, strip_left, strip_right]; kinds
        "lit" (text), "interp", "if", "else", "endif", "for", "endfor"."""
        flat: list[Any] = []

        def walk(items: list[Any]) -> bool:
            for item in items:
                if item.type in ("template_directive", "template_if", "template_for"):
                    if not walk(item.children):
                        return False
                elif item.type in ("template_interpolation", "template_if_intro", "template_else_intro",
                                   "template_if_end", "template_for_start", "template_for_end"):
                    flat.append(item)
                elif item.type not in ("template_literal", "comment"):
                    return False
            return True

        if not walk(parts):
            return None
        kinds = {"template_interpolation": "interp", "template_if_intro": "if", "template_else_intro": "else",
                 "template_if_end": "endif", "template_for_start": "for", "template_for_end": "endfor"}
        tokens: list[list[Any]] = []
        at = start
        for item in flat:
            if item.start_byte > at:
                tokens.append(["lit", literal(self.data[at:item.start_byte].decode("utf-8", "replace")), False, False])
            kids = [c for c in item.children if c.type != "comment"]
            left = len(kids) > 1 and kids[1].type == "strip_marker"
            right = len(kids) > 1 and kids[-2].type == "strip_marker"
            tokens.append([kinds[item.type], item, left, right])
            at = item.end_byte
        if end > at:
            tokens.append(["lit", literal(self.data[at:end].decode("utf-8", "replace")), False, False])
        return tokens

    def render(self, tree: list[Any]) -> Any:
        pieces: list[str] = []
        for item in tree:
            kind = item[0]
            if kind == "lit":
                pieces.append(item[1])
                continue
            if kind == "interp":
                found = self.expr(next(c for c in item[1].children if c.type == "expression"))
            elif kind == "if":
                condition = self.expr(next(c for c in item[1].children if c.type == "expression"))
                if isinstance(condition, Unknown):
                    return opaque(condition)
                found = self.render(item[2] if truth(condition) else item[3])
            else:  # for
                names = [self.text(c) for c in item[1].children if c.type == "identifier"]
                source = self.expr(next(c for c in item[1].children if c.type == "expression"))
                if isinstance(source, Unknown):
                    return opaque(source)
                outer = self.scope
                chunks: list[Any] = []
                try:
                    for key, value in _iteration(source):
                        self.scope = {**outer, **dict(zip(names, [key, value] if len(names) == 2 else [value]))}
                        chunks.append(self.render(item[2]))
                finally:
                    self.scope = outer
                found = next((c for c in chunks if isinstance(c, Unknown)), "".join(chunks))
            if isinstance(found, Unknown):
                return opaque(found)
            if found is None or isinstance(found, (list, dict)):
                raise EvalError("cannot interpolate this value")
            pieces.append(fn_tostring(found))
        return "".join(pieces)

    def conditional(self, node: Any) -> Any:
        parts = [c for c in node.children if c.type == "expression"]
        if len(parts) != 3:
            return Unknown(self.text(node), "expression")
        condition = self.expr(parts[0])
        if isinstance(condition, Unknown):
            yes, no = self.expr(parts[1]), self.expr(parts[2])
            if find_unknown(yes) is None and find_unknown(no) is None and strict_equal(yes, no):
                return yes  # both branches agree: the condition does not matter
            return condition
        chosen = self.expr(parts[1] if truth(condition) else parts[2])
        try:
            other = self.expr(parts[2] if truth(condition) else parts[1])
        except EvalError:
            other = None  # Terraform reports errors of the chosen branch only
        return unify(chosen, other)

    def operation(self, node: Any) -> Any:
        kids = [c for c in node.children if c.type not in _SKIP]
        if node.type == "unary_operation":
            operand = self.sequence(kids[1:])
            if isinstance(operand, Unknown):
                return operand
            if kids[0].type == "!":
                return not truth(operand)
            if kids[0].type == "-":
                return normal(-to_number(operand))
            return Unknown(self.text(node), "expression")
        at = next((i for i, c in enumerate(kids) if not c.is_named and c.type in _OPERATORS), None)
        if at is None:
            return Unknown(self.text(node), "expression")
        op = kids[at].type
        left = self.sequence(kids[:at])
        right = self.sequence(kids[at + 1:])
        return opaque(binary(op, left, right))

    def call(self, node: Any) -> Any:
        name = self.text(node.children[0])
        args_node = next((c for c in node.children if c.type == "function_arguments"), None)
        arg_nodes = [c for c in args_node.children if c.type == "expression"] if args_node is not None else []
        if args_node is not None and any(c.type == "ellipsis" for c in args_node.children):
            return Unknown(self.text(node), "expression")  # f(list...) expansion
        if name == "try":
            return opaque(self.try_(arg_nodes))
        if name == "can":
            return opaque(self.can(arg_nodes))
        if name in MODULE_FUNCTIONS:
            if name == "templatefile" and self.in_template_file:
                return Unknown(self.text(node), "expression")  # Terraform refuses recursive templates
            args = [self.module] + [self.expr(a) for a in arg_nodes]
            return opaque(_located(MODULE_FUNCTIONS[name](*args), node, self))
        function = FUNCTIONS.get(name)
        if function is None:
            return Unknown(self.text(node), "expression")
        args = [self.expr(a) for a in arg_nodes]
        return opaque(_located(function(*args), node, self))

    def try_(self, arg_nodes: list[Any]) -> Any:
        """Terraform's try: the first argument that evaluates without an error. An argument that
        is not wholly known decides nothing (it might fail or not): the result is Unknown."""
        for arg in arg_nodes:
            try:
                found = self.expr(arg)
            except EvalError:
                continue
            unknown = find_unknown(found)
            return unknown if unknown is not None else found
        raise EvalError("no argument of try() succeeded")

    def can(self, arg_nodes: list[Any]) -> Any:
        if len(arg_nodes) != 1:
            raise EvalError("can() takes one argument")
        try:
            found = self.expr(arg_nodes[0])
        except EvalError:
            return False
        unknown = find_unknown(found)
        return unknown if unknown is not None else True


def _located(found: Any, node: Any, evaluator: _Evaluator) -> Any:
    """An anonymous Unknown a function returned gets the call's text (reports show it)."""
    if isinstance(found, Unknown) and found.expr == "" and found.reason == "expression":
        return Unknown(evaluator.text(node), "expression")
    return found


def _iteration(source: Any) -> list[tuple[Any, Any]]:
    """(key, value) pairs a `for` walks: a list by index, a map by key in lexical order."""
    if isinstance(source, TfSet):
        return [(v, v) for v in source]  # a set's key is its value
    if isinstance(source, list):
        return list(enumerate(source))
    if isinstance(source, dict):
        return [(k, source[k]) for k in sorted(source)]
    raise EvalError("a for expression needs a collection")


def _heredoc_literal(text: str) -> str:
    return text.replace("$${", "${").replace("%%{", "%{")  # heredocs have no backslash escapes


def _flush(tokens: list[list[Any]]) -> list[list[Any]] | None:
    """`<<-`: remove the smallest indentation of the non-blank lines from each line's start.
    Only literal text at a line start is cut; a line that starts with `${` counts as indent 0."""
    lines_starts: list[tuple[int, int]] = []  # (token, offset) of each line start in a literal
    at_line_start = True
    for i, token in enumerate(tokens):
        if token[0] != "lit":
            at_line_start = False
            continue
        text = token[1]
        offsets = ([0] if at_line_start else []) + [m.end() for m in re.finditer("\n", text)]
        lines_starts += [(i, o) for o in offsets]
        at_line_start = text.endswith("\n") or (at_line_start and text == "")
    widths = []
    for i, offset in lines_starts:
        text = tokens[i][1]
        line = text[offset:].split("\n", 1)[0]
        if "\t" in line[:len(line) - len(line.lstrip())]:
            return None  # tabs mixed with spaces: not modelled
        ends_here = "\n" in text[offset:] or i == len(tokens) - 1
        if line.strip() or not ends_here:  # a line continued by ${...} is not blank
            widths.append(len(line) - len(line.lstrip(" ")))
    cut = min(widths, default=0)
    if not cut:
        return tokens
    for i in sorted({i for i, _ in lines_starts}, reverse=True):
        offsets = sorted((o for j, o in lines_starts if j == i), reverse=True)
        text = tokens[i][1]
        for o in offsets:
            line = text[o:].split("\n", 1)[0]
            drop = min(cut, len(line) - len(line.lstrip(" ")))
            text = text[:o] + text[o + drop:]
        tokens[i][1] = text
    return tokens


_TEMPLATE_SPACE = " \t\r\n"


def _apply_strips(tokens: list[list[Any]]) -> None:
    """`${~`/`%{~` trim the whitespace before the marker, `~}` the whitespace after it."""
    for i, token in enumerate(tokens):
        if token[0] == "lit":
            continue
        if token[2] and i > 0 and tokens[i - 1][0] == "lit":
            tokens[i - 1][1] = tokens[i - 1][1].rstrip(_TEMPLATE_SPACE)
        if token[3] and i + 1 < len(tokens) and tokens[i + 1][0] == "lit":
            tokens[i + 1][1] = tokens[i + 1][1].lstrip(_TEMPLATE_SPACE)


def _template_tree(tokens: list[list[Any]], at: int, stop: tuple[str, ...] = ()) -> tuple[list[Any] | None, int]:
    """Nests the flat tokens: ("lit", text), ("interp", node), ("if", intro, then, else),
    ("for", start, body). Returns (items, index of the token that stopped it)."""
    items: list[Any] = []
    while at < len(tokens):
        kind, payload = tokens[at][0], tokens[at][1]
        if kind in stop:
            return items, at
        if kind == "lit":
            items.append(("lit", payload))
        elif kind == "interp":
            items.append(("interp", payload))
        elif kind == "if":
            then, at = _template_tree(tokens, at + 1, ("else", "endif"))
            if then is None or at >= len(tokens):
                return None, at
            otherwise: list[Any] | None = []
            if tokens[at][0] == "else":
                otherwise, at = _template_tree(tokens, at + 1, ("endif",))
                if otherwise is None or at >= len(tokens):
                    return None, at
            items.append(("if", payload, then, otherwise))
        elif kind == "for":
            body, at = _template_tree(tokens, at + 1, ("endfor",))
            if body is None or at >= len(tokens):
                return None, at
            items.append(("for", payload, body))
        else:
            return None, at  # an else/endif/endfor out of place
        at += 1
    return (None, at) if stop else (items, at)


# --- values: conversions and operators, as Terraform (cty) defines them --------------------------


def number(text: str) -> Any:
    try:
        return normal(float(text)) if any(c in text for c in ".eE") else int(text)
    except ValueError:
        raise EvalError(f"not a number: {text!r}")


def normal(n: Any) -> Any:
    """Terraform has one number type: 2.0 is 2."""
    if isinstance(n, float):
        if math.isinf(n) or math.isnan(n):
            raise EvalError("number out of range")
        if n.is_integer() and abs(n) < 2 ** 53:
            return int(n)
    return n


def is_number(found: Any) -> bool:
    return isinstance(found, (int, float)) and not isinstance(found, bool)


def number_text(n: Any) -> str:
    n = normal(n)
    return str(n) if isinstance(n, int) else repr(n)


def to_number(found: Any) -> Any:
    if is_number(found):
        return found
    if isinstance(found, str):
        return number(found.strip()) if re.fullmatch(r"-?\d+(\.\d+)?([eE][+-]?\d+)?", found.strip()) else _fail(found)
    raise EvalError("a number is required")


def _fail(found: Any) -> Any:
    raise EvalError(f"cannot convert {found!r}")


def truth(found: Any) -> bool:
    """A bool operand: true/false, or the strings "true"/"false" (cty converts them)."""
    if isinstance(found, bool):
        return found
    if found in ("true", "false"):
        return found == "true"
    raise EvalError("a bool is required")


def strict_equal(a: Any, b: Any) -> bool:
    """cty equality of known values: types matter ("1" != 1, true != 1)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if is_number(a) or is_number(b):
        return is_number(a) and is_number(b) and a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(strict_equal(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(strict_equal(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


def unify(chosen: Any, other: Any) -> Any:
    """The result of a conditional: both branches must have one type; a number or bool beside a
    string becomes a string. Other mixes are not modelled."""
    if chosen is None or other is None or isinstance(chosen, Unknown) or isinstance(other, Unknown):
        return chosen
    kinds_ = {_type(chosen), _type(other)}
    if len(kinds_) == 1:
        return chosen
    if kinds_ <= {"string", "number", "bool"} and "string" in kinds_:
        return fn_tostring(chosen)
    return Unknown("", "expression")


def _type(found: Any) -> str:
    if isinstance(found, bool):
        return "bool"
    if is_number(found):
        return "number"
    if isinstance(found, str):
        return "string"
    return "list" if isinstance(found, list) else "map" if isinstance(found, dict) else "other"


def binary(op: str, left: Any, right: Any) -> Any:
    if op in ("&&", "||"):
        # a known side can decide: false && x is false, true || x is true, whatever x is
        decided = {"&&": False, "||": True}[op]
        for side in (left, right):
            if not isinstance(side, Unknown) and truth(side) == decided:
                return decided
        for side in (left, right):
            if isinstance(side, Unknown):
                return side
        return not decided
    for side in (left, right):
        if isinstance(side, Unknown):
            return side
    if op in ("==", "!="):
        unknown = find_unknown(left) or find_unknown(right)
        if unknown is not None:
            return unknown
        same = strict_equal(left, right)
        return same if op == "==" else not same
    a, b = to_number(left), to_number(right)
    if op in _COMPARE:
        return _COMPARE[op](a, b)
    if op == "+":
        return normal(a + b)
    if op == "-":
        return normal(a - b)
    if op == "*":
        return normal(a * b)
    if b == 0:
        raise EvalError("division by zero")
    if op == "/":
        return normal(a / b)
    return normal(math.fmod(a, b))  # %: the sign of the dividend, as Go's


def index(found: Any, key: Any) -> Any:
    """found[key] / found.key."""
    if isinstance(found, Unknown):
        return found
    if isinstance(key, Unknown):
        return key
    if isinstance(found, TfSet):
        raise EvalError("a set's elements cannot be indexed")
    if isinstance(found, list):
        position = to_number(key)
        if not isinstance(position, int) or not 0 <= position < len(found):
            raise EvalError("index out of range")
        return found[position]
    if isinstance(found, dict):
        key = fn_tostring(key)
        if key not in found:
            raise EvalError(f"no key {key!r}")
        return found[key]
    raise EvalError("not a collection")


# --- functions -----------------------------------------------------------------------------------
# Each takes evaluated arguments. An Unknown argument the result depends on makes it Unknown.


def _known(*args: Any) -> Unknown | None:
    for arg in args:
        unknown = find_unknown(arg)
        if unknown is not None:
            return unknown
    return None


def _shallow(*args: Any) -> Unknown | None:
    return next((a for a in args if isinstance(a, Unknown)), None)


def fn_lookup(mapping: Any, key: Any, *default: Any) -> Any:
    if len(default) > 1:
        raise EvalError("lookup() takes 2 or 3 arguments")
    unknown = _shallow(mapping, key)
    if unknown is not None:
        return unknown
    if not isinstance(mapping, dict):
        raise EvalError("lookup() needs a map")
    key = fn_tostring(key)
    if key in mapping:
        return mapping[key]
    if default:
        return default[0]
    raise EvalError(f"no key {key!r}")


def fn_coalesce(*args: Any) -> Any:
    for arg in args:
        if isinstance(arg, Unknown):
            return arg  # it might be null or not
        if arg is not None and arg != "":
            # the arguments share one type: a number or bool beside a string becomes a string
            others = [a for a in args if a is not None and not isinstance(a, Unknown) and _type(a) != _type(arg)]
            return unify(arg, others[0]) if others else arg
    raise EvalError("coalesce() found no non-null argument")


def fn_merge(*maps: Any) -> Any:
    result: dict[str, Any] = {}
    for mapping in maps:
        if isinstance(mapping, Unknown):
            return mapping  # its keys are not known
        if mapping is None:
            continue
        if not isinstance(mapping, dict):
            raise EvalError("merge() takes maps")
        result.update(mapping)
    return result


def fn_concat(*lists: Any) -> Any:
    result: list[Any] = []
    for items in lists:
        if isinstance(items, Unknown):
            return items
        if not isinstance(items, list):
            raise EvalError("concat() takes lists")
        result.extend(items)
    return result


def fn_flatten(items: Any) -> Any:
    if isinstance(items, Unknown):
        return items
    if not isinstance(items, list):
        raise EvalError("flatten() takes a list")
    result: list[Any] = []
    for item in items:
        if isinstance(item, list):
            item = fn_flatten(item)
        if isinstance(item, Unknown):
            return item  # it might be a list to flatten
        result.extend(item if isinstance(item, list) else [item])
    return result


def fn_length(found: Any) -> Any:
    if isinstance(found, Unknown):
        return found
    if isinstance(found, (str, list, dict)):
        return len(found)  # strings: code points (Terraform counts grapheme clusters)
    raise EvalError("length() needs a string or a collection")


def fn_contains(items: Any, wanted: Any) -> Any:
    unknown = _shallow(items) or _known(wanted)
    if unknown is not None:
        return unknown
    if not isinstance(items, list):
        raise EvalError("contains() needs a list")
    if any(find_unknown(i) is None and strict_equal(i, wanted) for i in items):
        return True
    unknown = _known(*items)
    if unknown is not None:
        return unknown  # the unknown element might be the one
    if any(i is not None and _type(i) != _type(wanted) for i in items):
        return Unknown("", "expression")  # Terraform would convert the value: not modelled
    return False


def fn_keys(mapping: Any) -> Any:
    if isinstance(mapping, Unknown):
        return mapping
    if not isinstance(mapping, dict):
        raise EvalError("keys() needs a map")
    return sorted(mapping)


def fn_values(mapping: Any) -> Any:
    if isinstance(mapping, Unknown):
        return mapping
    if not isinstance(mapping, dict):
        raise EvalError("values() needs a map")
    return [mapping[k] for k in sorted(mapping)]


def fn_element(items: Any, position: Any) -> Any:
    unknown = _shallow(items, position)
    if unknown is not None:
        return unknown
    position = to_number(position)
    if not isinstance(items, list) or not items or not isinstance(position, int) or position < 0:
        raise EvalError("element() needs a non-empty list and an index >= 0")
    return items[position % len(items)]


def _string_function(method: Callable[[str], str]) -> Callable[[Any], Any]:
    def function(text: Any) -> Any:
        if isinstance(text, Unknown):
            return text
        converted = fn_tostring(text)
        if converted is None:
            raise EvalError("a string is required")
        return method(converted)

    return function


_VERB = re.compile(r"%(%|[sdqvt])|%")


def fn_format(spec: Any, *args: Any) -> Any:
    unknown = _shallow(spec) or _known(*args)
    if unknown is not None:
        return unknown
    if not isinstance(spec, str):
        raise EvalError("format() needs a string")
    remaining = list(args)

    def verb(m: re.Match[str]) -> str:
        letter = m.group(1)
        if letter == "%":
            return "%"
        if letter is None:
            raise _Unsupported()  # flags, width, precision, %[n] indexes
        if not remaining:
            raise EvalError("too few arguments for format()")
        arg = remaining.pop(0)
        if letter == "d":
            n = to_number(arg)
            if not isinstance(n, int):
                raise EvalError("%d needs a whole number")
            return str(n)
        if letter == "t":
            return "true" if truth(arg) else "false"
        if letter == "q":
            return json.dumps(fn_tostring(arg), ensure_ascii=False)
        if letter == "s":
            if isinstance(arg, (list, dict)) or arg is None:
                raise _Unsupported()
            return fn_tostring(arg)
        return _json(arg) if isinstance(arg, (list, dict)) or arg is None else fn_tostring(arg)  # %v

    try:
        return _VERB.sub(verb, spec)
    except _Unsupported:
        return Unknown("", "expression")


class _Unsupported(Exception):
    pass


def fn_join(separator: Any, *lists: Any) -> Any:
    unknown = _shallow(separator) or _known(*lists)
    if unknown is not None:
        return unknown
    if not lists:
        raise EvalError("join() needs a list")
    pieces: list[str] = []
    for items in lists:
        if not isinstance(items, list):
            raise EvalError("join() needs lists")
        for item in items:
            text = fn_tostring(item)
            if text is None or isinstance(item, (list, dict)):
                raise EvalError("join() needs strings")
            pieces.append(text)
    return fn_tostring(separator).join(pieces)


def fn_split(separator: Any, text: Any) -> Any:
    unknown = _shallow(separator, text)
    if unknown is not None:
        return unknown
    separator, text = fn_tostring(separator), fn_tostring(text)
    if separator is None or text is None:
        raise EvalError("split() needs strings")
    return list(text) if separator == "" else text.split(separator)


def fn_replace(text: Any, search: Any, replacement: Any) -> Any:
    unknown = _shallow(text, search, replacement)
    if unknown is not None:
        return unknown
    text, search, replacement = fn_tostring(text), fn_tostring(search), fn_tostring(replacement)
    if text is None or search is None or replacement is None:
        raise EvalError("replace() needs strings")
    if len(search) > 1 and search.startswith("/") and search.endswith("/"):
        return _replace_regex(text, search[1:-1], replacement)  # a regular expression (RE2)
    if search == "":
        return text  # Go's strings.Replace inserts between runes; not modelled
    return text.replace(search, replacement)


def fn_tostring(found: Any) -> Any:
    if isinstance(found, Unknown) or found is None or isinstance(found, str):
        return found
    if isinstance(found, bool):
        return "true" if found else "false"
    if is_number(found):
        return number_text(found)
    raise EvalError("cannot convert a collection to a string")


def fn_tonumber(found: Any) -> Any:
    if isinstance(found, Unknown) or found is None:
        return found
    if isinstance(found, bool):
        raise EvalError("cannot convert a bool to a number")
    return to_number(found)


def fn_tobool(found: Any) -> Any:
    if isinstance(found, Unknown) or found is None:
        return found
    return truth(found)


def _json(found: Any) -> str:
    text = json.dumps(found, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    # Go's encoder (Terraform's) escapes these for HTML safety
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def fn_jsonencode(found: Any) -> Any:
    unknown = _known(found)
    if unknown is not None:
        return unknown
    return _json(found)


def fn_jsondecode(text: Any) -> Any:
    if isinstance(text, Unknown):
        return text
    if not isinstance(text, str):
        raise EvalError("jsondecode() needs a string")
    try:
        return _normal_tree(json.loads(text))
    except (ValueError, RecursionError):
        raise EvalError("invalid JSON")


def _normal_tree(found: Any) -> Any:
    if isinstance(found, dict):
        return {k: _normal_tree(v) for k, v in found.items()}
    if isinstance(found, list):
        return [_normal_tree(v) for v in found]
    return normal(found) if is_number(found) else found


# collections


def _list_arg(items: Any, name: str) -> Any:
    if not isinstance(items, list):
        raise EvalError(f"{name}() needs a list")
    return items


def _unify_elements(items: list[Any]) -> list[Any] | Unknown:
    """Elements converted to one type, as Terraform's list/set/map conversions do: numbers and
    bools beside strings become strings; other mixes are not modelled (Unknown)."""
    kinds_ = {_type(i) for i in items if i is not None}
    if len(kinds_) <= 1:
        return items
    if kinds_ <= {"string", "number", "bool"} and "string" in kinds_:
        return [fn_tostring(i) for i in items]
    return Unknown("", "expression")


class TfSet(list):  # type: ignore[type-arg]
    """A set from toset(): a list in Terraform's order, but `for k, v` binds k to the value and
    indexing it is an error, as in Terraform."""


def fn_tolist(items: Any) -> Any:
    unknown = _shallow(items)
    if unknown is not None or items is None:
        return unknown if unknown is not None else None
    converted = _unify_elements(_list_arg(items, "tolist"))
    return converted if isinstance(converted, Unknown) else list(converted)  # a set becomes a plain list


def fn_toset(items: Any) -> Any:
    """A set, as a list in Terraform's order: strings lexical, numbers ascending. An unknown
    element might equal another: the whole set is Unknown."""
    unknown = _known(items)
    if unknown is not None or items is None:
        return unknown if unknown is not None else None
    converted = _unify_elements(_list_arg(items, "toset"))
    if isinstance(converted, Unknown):
        return converted
    if any(i is None for i in converted):
        raise EvalError("a set cannot contain null")
    kinds_ = {_type(i) for i in converted}
    if not converted:
        return TfSet()
    if kinds_ in ({"string"}, {"number"}):
        return TfSet(sorted(set(converted)))
    return Unknown("", "expression")  # sets of bools or collections: order not modelled


def fn_tomap(mapping: Any) -> Any:
    unknown = _shallow(mapping)
    if unknown is not None or mapping is None:
        return unknown if unknown is not None else None
    if not isinstance(mapping, dict):
        raise EvalError("tomap() needs a map")
    keys_ = list(mapping)
    values_ = _unify_elements([mapping[k] for k in keys_])
    return values_ if isinstance(values_, Unknown) else dict(zip(keys_, values_))


def fn_zipmap(keys_: Any, values_: Any) -> Any:
    unknown = _known(keys_) or _shallow(values_)
    if unknown is not None:
        return unknown
    _list_arg(keys_, "zipmap"), _list_arg(values_, "zipmap")
    if len(keys_) != len(values_):
        raise EvalError("zipmap() needs lists of the same length")
    names = [fn_tostring(k) for k in keys_]
    if any(n is None or isinstance(k, (list, dict)) for n, k in zip(names, keys_)):
        raise EvalError("zipmap() keys must be strings")
    return dict(zip(names, values_))


def _whole(found: Any, name: str) -> int:
    found = to_number(found)
    if not isinstance(found, int):
        raise EvalError(f"{name}: a whole number is required")
    return found


def fn_slice(items: Any, start: Any, end: Any) -> Any:
    unknown = _shallow(items, start, end)
    if unknown is not None:
        return unknown
    _list_arg(items, "slice")
    start, end = _whole(start, "slice"), _whole(end, "slice")
    if not 0 <= start <= end <= len(items):
        raise EvalError("slice() indexes out of range")
    return items[start:end]


def fn_distinct(items: Any) -> Any:
    unknown = _known(items)  # an unknown element might duplicate another
    if unknown is not None:
        return unknown
    converted = _unify_elements(_list_arg(items, "distinct"))  # ["1", 1] is ["1", "1"]
    if isinstance(converted, Unknown):
        return converted
    result: list[Any] = []
    for item in converted:
        if not any(strict_equal(item, seen) for seen in result):
            result.append(item)
    return result


def fn_compact(items: Any) -> Any:
    unknown = _known(items)
    if unknown is not None:
        return unknown
    texts = [fn_tostring(i) for i in _list_arg(items, "compact")]  # a list of strings
    return [t for t in texts if t is not None and t != ""]


def fn_reverse(items: Any) -> Any:
    unknown = _shallow(items)
    return unknown if unknown is not None else list(reversed(_list_arg(items, "reverse")))


def fn_sort(items: Any) -> Any:
    """Strings in lexical order; numbers are converted to strings first (so "10" < "9")."""
    unknown = _known(items)
    if unknown is not None:
        return unknown
    texts = [fn_tostring(i) for i in _list_arg(items, "sort")]
    if any(t is None for t in texts):
        raise EvalError("sort() cannot sort null")
    return sorted(texts)


def fn_index(items: Any, wanted: Any) -> Any:
    unknown = _shallow(items) or _known(wanted)
    if unknown is not None:
        return unknown
    known = [i for i in _list_arg(items, "index") if i is not None and not isinstance(i, Unknown)]
    if len({_type(i) for i in known} | {_type(wanted)}) > 1:
        return Unknown("", "expression")  # Terraform would convert the elements: not modelled
    for position, item in enumerate(items):
        if find_unknown(item) is not None:
            return Unknown("", "expression")  # it might be the one
        if strict_equal(item, wanted):
            return position
    raise EvalError("index() found no such element")


MAX_RANGE = 1024  # Terraform's own limit on range()


def fn_range(*args: Any) -> Any:
    unknown = _shallow(*args)
    if unknown is not None:
        return unknown
    numbers = [to_number(a) for a in args]
    start, limit, step = (0, numbers[0], 1) if len(numbers) == 1 else (
        numbers[0], numbers[1], numbers[2] if len(numbers) == 3 else (1 if numbers[1] >= numbers[0] else -1))
    if step == 0 or (step > 0) != (limit >= start) and limit != start:
        raise EvalError("range() step goes the wrong way")
    # exact decimal arithmetic, as Terraform's big numbers: range(0, 0.3, 0.1) has no 0.30000000000000004
    start, limit, step = (fractions.Fraction(number_text(n)) for n in (start, limit, step))
    result: list[Any] = []
    value = start
    while (value < limit) if step > 0 else (value > limit):
        if len(result) >= MAX_RANGE:
            raise EvalError("range() would make too many numbers")
        result.append(normal(int(value) if value.denominator == 1 else float(value)))
        value += step
    return result


# numbers


def _numbers(*args: Any) -> Any:
    unknown = _shallow(*args)
    if unknown is not None:
        return unknown
    if any(a is None or isinstance(a, bool) for a in args):
        raise EvalError("a number is required")
    return [to_number(a) for a in args]


def _number_function(method: Callable[..., Any]) -> Callable[..., Any]:
    def function(*args: Any) -> Any:
        numbers = _numbers(*args)
        return numbers if isinstance(numbers, Unknown) else normal(method(*numbers))

    return function


# strings


def _string_args(*args: Any) -> Any:
    """The arguments as strings, or the Unknown one."""
    unknown = _shallow(*args)
    if unknown is not None:
        return unknown
    texts = [fn_tostring(a) for a in args]
    if any(t is None for t in texts):
        raise EvalError("a string is required")
    return texts


def _string_op(method: Callable[..., Any]) -> Callable[..., Any]:
    def function(*args: Any) -> Any:
        texts = _string_args(*args)
        return texts if isinstance(texts, Unknown) else method(*texts)

    return function


def _simple_graphemes(text: str) -> bool:
    """True when each code point is its own grapheme cluster (Terraform counts clusters)."""
    return all(ord(c) < 0x1100 and unicodedata.category(c)[0] in "LNPZS" and unicodedata.category(c) != "Sk"
               or c.isascii() for c in text)


def fn_substr(text: Any, offset: Any, length: Any) -> Any:
    unknown = _shallow(text, offset, length)
    if unknown is not None:
        return unknown
    text, offset, length = fn_tostring(text), _whole(offset, "substr"), _whole(length, "substr")
    if text is None:
        raise EvalError("substr() needs a string")
    if not _simple_graphemes(text):
        return Unknown("", "expression")  # combining marks, emoji sequences: clusters not modelled
    if offset < 0:
        offset += len(text)
    if not 0 <= offset <= len(text) or length < -1:
        return Unknown("", "expression")  # out of range: not modelled
    return text[offset:] if length == -1 else text[offset:offset + length]


# Go's unicode.IsSpace: unlike Python's str.isspace, not the separators \x1c-\x1f
def _go_space(c: str) -> bool:
    return c in "\t\n\v\f\r \x85\xa0" or unicodedata.category(c) in ("Zs", "Zl", "Zp")


def _trimspace(text: str) -> str:
    start, end = 0, len(text)
    while start < end and _go_space(text[start]):
        start += 1
    while end > start and _go_space(text[end - 1]):
        end -= 1
    return text[start:end]


def _title(text: str) -> Any:
    """Go's strings.Title: the first letter of each word upper-cased, the rest unchanged."""
    if not text.isascii():
        return Unknown("", "expression")  # title case of other scripts: not modelled
    result, previous = [], " "
    for c in text:
        result.append(c.upper() if not (previous.isalnum() or previous == "_") else c)
        previous = c
    return "".join(result)


# regular expressions: Go's RE2 syntax converted to Python's re for a common subset; anything
# outside it is Unknown (never a wrong match)

_RE2_ESCAPES = {"d": "[0-9]", "D": "[^0-9]", "w": "[0-9A-Za-z_]", "W": "[^0-9A-Za-z_]",
                "s": "[\\t\\n\\f\\r ]", "S": "[^\\t\\n\\f\\r ]", "b": "\\b", "B": "\\B", "A": "\\A", "z": "\\Z",
                "t": "\\t", "n": "\\n", "r": "\\r", "f": "\\f", "v": "\\v"}
_RE2_CLASS_ESCAPES = {"d": "0-9", "w": "0-9A-Za-z_", "s": "\\t\\n\\f\\r ", "t": "\\t", "n": "\\n",
                      "r": "\\r", "f": "\\f", "v": "\\v"}


def re2_to_python(pattern: str) -> re.Pattern[str] | None:
    """A compiled Python pattern that matches as RE2 would; None when the pattern uses syntax
    outside the converted subset (flags, \\p classes, POSIX classes, \\Q...\\E, {,n})."""
    out: list[str] = []
    i, n = 0, len(pattern)
    in_class = False
    while i < n:
        c = pattern[i]
        if c == "\\":
            if i + 1 >= n:
                raise EvalError("trailing backslash in a regular expression")
            e = pattern[i + 1]
            i += 2
            if e == "x" and re.match(r"[0-9A-Fa-f]{2}", pattern[i:i + 2]):
                out.append("\\x" + pattern[i:i + 2])
                i += 2
            elif not e.isascii() or not e.isalnum():
                out.append(re.escape(e))
            elif in_class and e in _RE2_CLASS_ESCAPES:
                out.append(_RE2_CLASS_ESCAPES[e])
            elif not in_class and e in _RE2_ESCAPES:
                out.append(_RE2_ESCAPES[e])
            else:
                return None
            continue
        if in_class:
            if c == "]":
                in_class = False
                out.append(c)
            elif c == "[":
                if pattern[i:i + 2] == "[:":
                    return None  # POSIX classes
                out.append("\\[")
            else:
                out.append(c)
            i += 1
            continue
        if c == "[":
            in_class = True
            out.append(c)
            i += 1
            if i < n and pattern[i] == "^":
                out.append("^")
                i += 1
            if i < n and pattern[i] == "]":
                out.append("\\]")  # a leading ] is a literal
                i += 1
            continue
        if c == "(" and pattern[i + 1:i + 2] == "?":
            if pattern[i:i + 3] == "(?:" or pattern[i:i + 4] == "(?P<":
                out.append(pattern[i:i + 3])
                i += 3
                continue
            if pattern[i:i + 3] == "(?<" and pattern[i + 3:i + 4] not in ("=", "!"):
                out.append("(?P<")
                i += 3
                continue
            return None  # flags, lookarounds (RE2 rejects those; not worth telling apart)
        if c == "$":
            out.append("\\Z")  # RE2's $ is the end of text, not before a final newline
        elif c == "{":
            m = re.match(r"\{(\d+)(,(\d*))?\}", pattern[i:])
            if m and max(int(m.group(1)), int(m.group(3) or 0)) > 1000:
                raise EvalError("repetition over 1000 in a regular expression")  # RE2's limit
            if m:
                out.append(m.group(0))
                i += len(m.group(0))
                continue
            if pattern[i:i + 2] == "{,":
                return None  # RE2: a literal; Python: a repetition
            out.append("\\{")
        elif c in "*+?" and pattern[i + 1:i + 2] in ("*", "+") and out and out[-1] not in ("(", "|"):
            return None  # a++ / a*+: RE2 rejects, Python 3.11 reads possessive
        else:
            out.append(c)
        i += 1
    if in_class:
        raise EvalError("missing ] in a regular expression")
    try:
        return re.compile("".join(out), re.ASCII)
    except re.error:
        return None


def _compile(pattern: Any) -> Any:
    compiled = re2_to_python(pattern)
    return compiled if compiled is not None else Unknown("", "expression")


def _captures(m: re.Match[str]) -> Any:
    compiled = m.re
    if compiled.groups == 0:
        return m.group(0)
    if any(g is None for g in m.groups()):
        return Unknown("", "expression")  # a group that did not take part: not modelled
    if compiled.groupindex:
        if len(compiled.groupindex) != compiled.groups:
            raise EvalError("regex() cannot mix named and unnamed groups")
        return {name: m.group(name) for name in compiled.groupindex}
    return list(m.groups())


def fn_regex(pattern: Any, text: Any) -> Any:
    texts = _string_args(pattern, text)
    if isinstance(texts, Unknown):
        return texts
    compiled = _compile(texts[0])
    if isinstance(compiled, Unknown):
        return compiled
    m = compiled.search(texts[1])
    if m is None:
        raise EvalError("regex() found no match")
    return _captures(m)


def fn_regexall(pattern: Any, text: Any) -> Any:
    texts = _string_args(pattern, text)
    if isinstance(texts, Unknown):
        return texts
    compiled = _compile(texts[0])
    if isinstance(compiled, Unknown):
        return compiled
    matches = list(compiled.finditer(texts[1]))
    if any(m.end() == m.start() for m in matches):
        return Unknown("", "expression")  # Go and Python differ on empty matches next to others
    found = [_captures(m) for m in matches]
    return _known(*found) or found


_GO_TEMPLATE = re.compile(r"\$(\$|\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))")


def _replace_regex(text: str, pattern: str, replacement: str) -> Any:
    compiled = _compile(pattern)
    if isinstance(compiled, Unknown):
        return compiled
    if any(m.end() == m.start() for m in compiled.finditer(text)):
        return Unknown("", "expression")  # Go and Python differ on empty matches next to others

    def expand(m: re.Match[str]) -> str:
        # Go's Regexp.Expand: $1 ${1} $name ${name}; $$ is a $; a missing group is empty
        def one(t: re.Match[str]) -> str:
            if t.group(1) == "$":
                return "$"
            name = t.group(2) or t.group(3)
            if name.isdigit():
                number_ = int(name)
                return (m.group(number_) or "") if number_ <= compiled.groups else ""
            return (m.group(name) or "") if name in compiled.groupindex else ""

        return _GO_TEMPLATE.sub(one, replacement)

    return compiled.sub(expand, text)


# encodings and hashes


def _base64decode(text: str) -> Any:
    try:
        # Go's decoder skips line breaks
        return base64.b64decode(re.sub("[\r\n]", "", text).encode("ascii"), validate=True).decode("utf-8")
    except (ValueError, UnicodeError):
        raise EvalError("base64decode(): invalid base64 or not UTF-8")


def _digest(name: str) -> Callable[[str], str]:
    return lambda text: hashlib.new(name, text.encode("utf-8")).hexdigest()


def _yaml_scalar(found: Any) -> str | None:
    if found is None:
        return "null"
    if isinstance(found, bool):
        return "true" if found else "false"
    if isinstance(found, int):
        return str(found)
    if isinstance(found, str) and len(found) <= 60 and all(" " <= c <= "~" and c not in '"\\' for c in found):
        return f'"{found}"'  # Terraform's encoder double-quotes every string
    return None  # floats, escapes, long lines (the encoder may fold them): not modelled


def _yaml_lines(found: Any, indent: str) -> list[str] | None:
    """Block-style lines of a map or list (as Terraform's yamlencode writes them)."""
    lines: list[str] = []
    if isinstance(found, dict):
        for key in sorted(found):
            name = _yaml_scalar(key)
            value = found[key]
            if name is None:
                return None
            if isinstance(value, (dict, list)) and value:
                inner = _yaml_lines(value, indent + ("  " if isinstance(value, dict) else ""))
                if inner is None:
                    return None
                lines += [f"{indent}{name}:"] + inner
            else:
                text = _yaml_scalar(value) if not isinstance(value, (dict, list)) else ("{}" if isinstance(value, dict) else "[]")
                if text is None:
                    return None
                lines.append(f"{indent}{name}: {text}")
        return lines
    for value in found:
        if isinstance(value, dict) and value:
            inner = _yaml_lines(value, indent + "  ")
            if inner is None:
                return None
            lines += [f"{indent}- {inner[0][len(indent) + 2:]}"] + inner[1:]
        elif isinstance(value, (dict, list)):
            return None  # nested lists and empty collections in a list: not modelled
        else:
            text = _yaml_scalar(value)
            if text is None:
                return None
            lines.append(f"{indent}- {text}")
    return lines


def fn_yamlencode(found: Any) -> Any:
    unknown = _known(found)
    if unknown is not None:
        return unknown
    if isinstance(found, (dict, list)) and found:
        lines = _yaml_lines(found, "")
    else:
        text = ("{}" if isinstance(found, dict) else "[]") if isinstance(found, (dict, list)) else _yaml_scalar(found)
        lines = [text] if text is not None else None
    return "\n".join(lines) + "\n" if lines is not None else Unknown("", "expression")


# networks: ipaddress computes what Go's net package does for these


def _network(prefix: str) -> Any:
    if prefix is None or not re.fullmatch(r"[0-9A-Fa-f:.]+/[0-9]{1,3}", prefix):
        raise EvalError(f"invalid CIDR prefix {prefix!r}")  # Go wants address/length, nothing else
    try:
        return ipaddress.ip_network(prefix, strict=False)
    except ValueError:
        raise EvalError(f"invalid CIDR prefix {prefix!r}")


def fn_cidrsubnet(prefix: Any, newbits: Any, netnum: Any) -> Any:
    unknown = _shallow(prefix, newbits, netnum)
    if unknown is not None:
        return unknown
    network = _network(fn_tostring(prefix))
    newbits, netnum = _whole(newbits, "cidrsubnet"), _whole(netnum, "cidrsubnet")
    length = network.prefixlen + newbits
    if newbits < 0 or length > network.max_prefixlen:
        raise EvalError("cidrsubnet(): not enough bits")
    if not 0 <= netnum < 1 << newbits:
        raise EvalError("cidrsubnet(): netnum does not fit")
    base = int(network.network_address) + (netnum << (network.max_prefixlen - length))
    return str(ipaddress.ip_network((base, length)))


def fn_cidrhost(prefix: Any, hostnum: Any) -> Any:
    unknown = _shallow(prefix, hostnum)
    if unknown is not None:
        return unknown
    network = _network(fn_tostring(prefix))
    hostnum = _whole(hostnum, "cidrhost")
    size = network.num_addresses
    if hostnum < 0:
        hostnum += size  # -1 is the last address
    if not 0 <= hostnum < size:
        raise EvalError("cidrhost(): hostnum does not fit")
    return str(network.network_address + hostnum)


def fn_cidrnetmask(prefix: Any) -> Any:
    if isinstance(prefix, Unknown):
        return prefix
    network = _network(fn_tostring(prefix))
    if network.version != 4:
        raise EvalError("cidrnetmask() is for IPv4 only")
    return str(network.netmask)


# files: inside the module folder only, small, UTF-8

MAX_FILE = 1 << 20


def _module_path(module: Module, path: Any) -> Any:
    """The real path of a file inside the module folder, or Unknown: no folder, an absolute
    path, a `..` step, or a symlink out of the folder."""
    if isinstance(path, Unknown):
        return path
    path = fn_tostring(path)
    if path is None:
        raise EvalError("a path is required")
    if module.folder is None or os.path.isabs(path) or path.startswith("~") or ".." in re.split(r"[\\/]", path):
        return Unknown("", "expression")
    root = os.path.realpath(module.folder)
    full = os.path.realpath(os.path.join(root, path))
    if os.path.commonpath([root, full]) != root:
        return Unknown("", "expression")
    return full


def _read_module_file(module: Module, path: Any) -> Any:
    full = _module_path(module, path)
    if isinstance(full, Unknown):
        return full
    if not os.path.isfile(full):
        return Unknown("", "expression")  # absent here (it may be generated before plan), or not a file
    try:
        with open(full, "rb") as handle:
            data = handle.read(MAX_FILE + 1)
    except OSError:
        return Unknown("", "expression")  # absent here; it may be generated before plan
    if len(data) > MAX_FILE:
        return Unknown("", "expression")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise EvalError("file() needs UTF-8 text")


def fn_fileexists(module: Module, path: Any) -> Any:
    full = _module_path(module, path)
    if isinstance(full, Unknown):
        return full
    return True if os.path.isfile(full) else Unknown("", "expression")  # absent: may be generated


def fn_templatefile(module: Module, path: Any, variables: Any) -> Any:
    content = _read_module_file(module, path)
    if isinstance(content, Unknown):
        return content
    if isinstance(variables, Unknown):
        return variables
    if not isinstance(variables, dict):
        raise EvalError("templatefile() needs a map of variables")
    marker = "AIPOSTURE_TEMPLATE_END"
    if marker in content:
        return Unknown("", "expression")
    data = ("x = <<" + marker + "\n" + content + "\n" + marker + "\n").encode("utf-8")
    tree = ts_parser("hcl").parse(data)
    if tree.root_node.has_error:
        raise EvalError("templatefile(): invalid template")
    found = _first(tree.root_node, "heredoc_template")
    if found is None:
        return Unknown("", "expression")
    # the template sees only its variables (and functions); var./local. are not in scope
    evaluator = _Evaluator(data, Module((), folder=module.folder), 0, variables)
    evaluator.in_template_file = True
    rendered = evaluator.template(found)
    if isinstance(rendered, str):
        return rendered[:-1] if rendered.endswith("\n") else rendered  # the newline added above
    return rendered


def _first(node: Any, kind: str) -> Any:
    if node.type == kind:
        return node
    for child in node.children:
        found = _first(child, kind)
        if found is not None:
            return found
    return None


def _unknowable(*_: Any) -> Any:
    return Unknown("", "expression")


def _arity(function: Callable[..., Any], low: int, high: int) -> Callable[..., Any]:
    """A function that checks its number of arguments: a wrong call is a Terraform error."""

    def checked(*args: Any) -> Any:
        if not low <= len(args) <= high:
            raise EvalError("wrong number of arguments")
        return function(*args)

    return checked


MANY = 1 << 16
# Terraform function name -> implementation, grouped as Terraform's reference groups them.
# try and can are special (they catch errors); file functions need the module (see MODULE_FUNCTIONS).
FUNCTIONS: Mapping[str, Callable[..., Any]] = {
    # collections
    "lookup": _arity(fn_lookup, 2, 3),
    "coalesce": _arity(fn_coalesce, 1, MANY),
    "merge": _arity(fn_merge, 0, MANY),
    "concat": _arity(fn_concat, 0, MANY),
    "flatten": _arity(fn_flatten, 1, 1),
    "length": _arity(fn_length, 1, 1),
    "contains": _arity(fn_contains, 2, 2),
    "keys": _arity(fn_keys, 1, 1),
    "values": _arity(fn_values, 1, 1),
    "element": _arity(fn_element, 2, 2),  # wraps around: element(l, len(l)) is l[0]
    "zipmap": _arity(fn_zipmap, 2, 2),
    "slice": _arity(fn_slice, 3, 3),
    "distinct": _arity(fn_distinct, 1, 1),
    "compact": _arity(fn_compact, 1, 1),
    "reverse": _arity(fn_reverse, 1, 1),
    "sort": _arity(fn_sort, 1, 1),
    "index": _arity(fn_index, 2, 2),
    "range": _arity(fn_range, 1, 3),
    # numbers
    "min": _arity(_number_function(min), 1, MANY),
    "max": _arity(_number_function(max), 1, MANY),
    "abs": _arity(_number_function(abs), 1, 1),
    "ceil": _arity(_number_function(math.ceil), 1, 1),
    "floor": _arity(_number_function(math.floor), 1, 1),
    # strings
    "lower": _arity(_string_function(str.lower), 1, 1),
    "upper": _arity(_string_function(str.upper), 1, 1),
    "title": _arity(_string_op(_title), 1, 1),
    "format": _arity(fn_format, 1, MANY),
    "join": _arity(fn_join, 1, MANY),
    "split": _arity(fn_split, 2, 2),
    "replace": _arity(fn_replace, 3, 3),
    "substr": _arity(fn_substr, 3, 3),
    "trimspace": _arity(_string_op(_trimspace), 1, 1),
    "trim": _arity(_string_op(lambda text, cutset: text.strip(cutset)), 2, 2),
    "trimprefix": _arity(_string_op(str.removeprefix), 2, 2),
    "trimsuffix": _arity(_string_op(str.removesuffix), 2, 2),
    "startswith": _arity(_string_op(str.startswith), 2, 2),
    "endswith": _arity(_string_op(str.endswith), 2, 2),
    "strcontains": _arity(_string_op(lambda text, part: part in text), 2, 2),
    "regex": _arity(fn_regex, 2, 2),
    "regexall": _arity(fn_regexall, 2, 2),
    # type conversions
    "tostring": _arity(fn_tostring, 1, 1),
    "tonumber": _arity(fn_tonumber, 1, 1),
    "tobool": _arity(fn_tobool, 1, 1),
    "tolist": _arity(fn_tolist, 1, 1),
    "toset": _arity(fn_toset, 1, 1),
    "tomap": _arity(fn_tomap, 1, 1),
    # encodings and hashes
    "jsonencode": _arity(fn_jsonencode, 1, 1),
    "jsondecode": _arity(fn_jsondecode, 1, 1),
    "yamlencode": _arity(fn_yamlencode, 1, 1),
    "base64encode": _arity(_string_op(lambda t: base64.b64encode(t.encode("utf-8")).decode("ascii")), 1, 1),
    "base64decode": _arity(_string_op(_base64decode), 1, 1),
    "urlencode": _arity(_string_op(lambda t: urllib.parse.quote_plus(t, safe="")), 1, 1),  # as Go's QueryEscape
    "sha256": _arity(_string_op(_digest("sha256")), 1, 1),
    "sha1": _arity(_string_op(_digest("sha1")), 1, 1),
    "md5": _arity(_string_op(_digest("md5")), 1, 1),
    # networks
    "cidrsubnet": _arity(fn_cidrsubnet, 3, 3),
    "cidrhost": _arity(fn_cidrhost, 2, 2),
    "cidrnetmask": _arity(fn_cidrnetmask, 1, 1),
    # depend on the machine or the moment of the run: never known here
    "abspath": _arity(_unknowable, 1, 1),
    "timestamp": _arity(_unknowable, 0, 0),
    "uuid": _arity(_unknowable, 0, 0),
}

# Functions that read the module's folder: they take the Module first.
MODULE_FUNCTIONS: Mapping[str, Callable[..., Any]] = {
    "file": _arity(_read_module_file, 2, 2),
    "fileexists": _arity(fn_fileexists, 2, 2),
    "templatefile": _arity(fn_templatefile, 3, 3),
}
