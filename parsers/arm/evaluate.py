"""ARM template evaluation: parameters, variables, template functions, conditions, copy loops and
inline nested deployments become values, so checks judge what will be deployed.

    evaluate(parsed: ParsedFile, parameters: Mapping[str, Any] | None = None) -> ParsedFile
    read_parameters(path: str) -> dict[str, Any]

`evaluate` takes what `parse.parse` returned (expressions as `Unknown(expr, "expression")`) and
returns a ParsedFile whose resources' attrs are evaluated Values; `parameters` (plain data, e.g.
from `read_parameters`) override the parameters' `defaultValue`s. Blocks are returned as parsed.

What cannot be known before deployment stays `Unknown(expr, reason)`; `expr` is an ARM
expression text in brackets, with the known arguments written as literals
(`[resourceId('Microsoft.Storage/storageAccounts', 'st1')]`), so references can be read from it:

- "variable": a parameter with no value, a secureString/secureObject parameter (never judged,
  so never printed), a Key Vault reference in a parameters file, and the deployment's own
  values: resourceGroup(), subscription(), tenant(), managementGroup(), deployment(),
  environment(), utcNow(), newGuid(), and any property of them (`resourceGroup().location`);
- "resource": resourceId() and its subscription / tenant / extension / managementGroup
  variants (a resource's id: known at deployment, never empty, even when every argument is
  known, since the subscription is not), reference(), listKeys() and every list*() function,
  and their properties (`reference(x).primaryEndpoint`);
- "expression": everything else: a function of an unknown argument, what ARM itself would
  reject (a missing property, a wrong type, a cycle between variables or parameters, an unknown
  function), what we do not evaluate (pickZones, providers, date arithmetic, `format` specifiers
  other than N and D, string ordering beyond ASCII letters and digits), uniqueString() and guid()
  (hashes of deployment values). uniqueString/guid/newGuid/resourceId results are known to be
  non-empty while evaluating, and uniqueString's (13) and guid's (36) lengths are known, so
  `empty(...)`, `length(...)` and a concat with them are decided; what lands in attrs is a plain
  Unknown.

Unknown propagates through every function; known parts still decide: `and(false, x)`,
`or(true, x)`, `if(c, a, a)`, `coalesce('a', x)`, `length(createArray(x, y))`, a known
property of an object whose other properties are unknown, `contains` of a key in an object with
unknown values, `empty(uniqueString(x))`.

Resources:
- `condition` false -> the resource (and every instance and nested resource) is dropped; true ->
  kept, meta["condition"] removed; undecided -> kept with meta["condition"] (the expression
  text as written): checks treat it as deployed.
- `copy`: when `count` is a known integer, 0 (or less) drops the resource; with 1..MAX_INSTANCES
  and `copyIndex(` written in the resource, one Resource per instance, address suffix `[i]`, each
  evaluated with its copyIndex() (and its own condition). Otherwise one Resource whose
  copyIndex() is Unknown "expression". meta["count"] is the count when known.
- Property loops (`"copy": [{"name": "x", "count": n, "input": {...}}]` in any object of a
  resource, and in variables, including the top-level variable `copy` section) are expanded
  when `count` is known and at most MAX_COPY; otherwise the property is Unknown.
- Inline nested deployments (`Microsoft.Resources/deployments` with `properties.template`): the
  inner template's resources become resources too, addressed "<deployment address>/<inner
  address>", meta["deployment"] the deployment's address, evaluated with the deployment's
  `parameters` (evaluated in the outer scope; a Key Vault `reference` is Unknown "variable")
  over the inner defaults when `properties.expressionEvaluationOptions.scope` is "inner", or in
  the outer template's scope when it is "outer" (ARM's default). Nested deployments inside them
  are followed up to MAX_NESTING levels. A deployment's own `properties.template` attribute is
  left as written. `templateLink` (linked templates) is not followed.
- A member that evaluates to null is dropped from its object (ARM sends nothing, so the
  service default applies and a finding anchors at the resource header).
- Values keep the span and key_span where they are written; lists and objects an expression
  produces are Values sharing the expression string's span.

Choices: function names, parameter, variable and property names are case-insensitive, as in
ARM. `string(true)` is "True" and `format` shows booleans as "True"/"False" (.NET). `equals` and
`contains` on strings are case-sensitive, `startsWith`, `endsWith`, `indexOf` are not (ARM's
documentation). `union` merges objects deeply and replaces arrays. User-defined functions
(`functions`) are evaluated with their own parameters (nesting bounded). Lambdas (`map`,
`filter`, `reduce`, `sort`, `toObject`, `mapValues`) are evaluated.

Never raises on template content: an evaluation that fails or exceeds its budget is Unknown
"expression"; a bug of ours makes that resource's attrs Unknown.
"""
from __future__ import annotations

import base64
import dataclasses
import functools
import json
import re
import urllib.parse
from dataclasses import dataclass
from typing import Any, Callable, Mapping

from analyzer.model import UNRESOLVED, ParsedFile, Resource, Unknown, Value
from parsers.arm import expressions as ex
from parsers.arm.parse import (
    collect_resources, is_expression, language_version, sub_insertions, template_blocks,
)

MAX_DEPTH = 64  # nested values and function calls
MAX_INSTANCES = 32  # copy instances judged apart
MAX_COPY = 800  # property and variable loop iterations (ARM's own limit)
MAX_NESTING = 8  # nested deployments followed
MAX_CALLS = 16  # nested user-defined function calls
MAX_STEPS = 200_000  # evaluation steps per resource instance
MAX_STRING = 1 << 20  # characters of a computed string
MAX_RANGE = 10_000
MAX_EXPR = 2000  # characters of an Unknown's expr
MAX_PARAMETER_FILE = 4 << 20

DEPLOYMENTS = "microsoft.resources/deployments"


@dataclass(frozen=True, repr=False)
class _Sized(Unknown):
    """An unknown string known not to be empty, of a known length or None (while evaluating)."""

    length: int | None = None


class _Fail(Exception):
    """What ARM itself would reject, or what we do not evaluate: the value becomes Unknown."""


class _Budget(Exception):
    pass


def public(value: Any) -> Any:
    """A value with every internal _Sized turned into a plain Unknown."""
    if isinstance(value, Unknown):
        return Unknown(value.expr, value.reason) if type(value) is not Unknown else value
    if isinstance(value, dict):
        return {k: public(v) for k, v in value.items()}
    if isinstance(value, list):
        return [public(v) for v in value]
    return value


# --- parameters files ---------------------------------------------------------------------------


def read_parameters(path: str) -> dict[str, Any]:
    """Parameter values from a deployment parameters file (`{"parameters": {"x": {"value": ...}}}`;
    a Key Vault `reference` gives Unknown "variable"). Comments are allowed, as in templates.
    Raises ValueError with a one-line message when the file cannot be read or is not one."""
    from parsers.arm.parse import read_json

    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_PARAMETER_FILE + 1)
    except OSError as error:
        raise ValueError(f"cannot read ARM parameters file {path}: {error.strerror}") from None
    if len(data) > MAX_PARAMETER_FILE:
        raise ValueError(f"{path}: ARM parameters file is larger than 4 MB")
    root, problem = read_json(path, data)
    if problem is not None:
        raise ValueError(f"{path}:{problem.span.line}:{problem.span.col}: {problem.message}")
    top = root.raw if root is not None else None
    section = top.get("parameters") if isinstance(top, dict) else None
    if section is None or not isinstance(section.raw, dict):
        raise ValueError(f'{path}: expected {{"parameters": {{"name": {{"value": ...}}}}}}')
    values: dict[str, Any] = {}
    for name, entry in section.raw.items():
        if not isinstance(entry.raw, dict):
            raise ValueError(f"{path}: parameter {name!r} must be an object with a \"value\"")
        if "value" in entry.raw:
            values[name] = _literal_plain(entry.raw["value"])
        elif "reference" in entry.raw:
            values[name] = Unknown(f"[parameters({ex.literal(name)})]", "variable")
        else:
            raise ValueError(f"{path}: parameter {name!r} has neither \"value\" nor \"reference\"")
    return values


def _literal_plain(value: Value) -> Any:
    """A parameters file value as plain data: its strings are literal, never expressions."""
    raw = value.raw
    if isinstance(raw, Unknown):
        return raw.expr
    if isinstance(raw, str) and raw.startswith("["):
        return "[" + raw  # the parser removed the `[[` escape's first bracket; a value keeps it
    if isinstance(raw, dict):
        return {k: _literal_plain(v) for k, v in raw.items()}
    if isinstance(raw, list):
        return [_literal_plain(v) for v in raw]
    return raw


# --- the template ------------------------------------------------------------------------------


def evaluate(parsed: ParsedFile, parameters: Mapping[str, Any] | None = None) -> ParsedFile:
    """`parsed` with its resources evaluated (see the module docstring). Never raises."""
    try:
        scope = _Scope(parsed.blocks, parameters or {})
        evaluator = _Evaluator()
    except Exception:  # a bug of ours, or blocks not shaped as the parser promises
        opaque = [dataclasses.replace(r, attrs=_opaque_attrs(r.attrs)) for r in parsed.resources]
        return dataclasses.replace(parsed, resources=tuple(opaque))
    resources: list[Resource] = []
    for resource in parsed.resources:
        try:
            resources.extend(evaluator.resource(resource, _Ctx(scope), 0, None))
        except Exception:  # a bug of ours: never a crash, never a value we did not compute
            resources.append(dataclasses.replace(resource, attrs=_opaque_attrs(resource.attrs)))
    return dataclasses.replace(parsed, resources=tuple(resources))


def _opaque_attrs(attrs: Mapping[str, Value]) -> dict[str, Value]:
    out = {}
    for name, v in attrs.items():
        expr = v.raw.expr if isinstance(v.raw, Unknown) else f"[{name}]"
        out[name] = Value(Unknown(expr, "expression"), v.span, UNRESOLVED, v.key_span)
    return out


def _fold(name: str) -> str:
    return name.casefold()


class _Scope:
    """A template's parameters, variables and functions, and their values once computed."""

    def __init__(self, blocks: Mapping[str, Mapping[str, Resource]], given: Mapping[str, Any]) -> None:
        self.declared = {_fold(n): (n, r.attrs) for n, r in blocks.get("parameters", {}).items()}
        self.variables = {_fold(n): (n, r.attrs.get("value")) for n, r in blocks.get("variables", {}).items()}
        self.functions = {_fold(n): r.attrs for n, r in blocks.get("functions", {}).items()}
        self.given = {_fold(n): v for n, v in given.items()}
        self.values: dict[tuple[str, str], Any] = {}
        self.active: set[tuple[str, str]] = set()
        self.cache: dict[str, Any] = {}  # expression text -> value, outside loops and functions
        self._loops: dict[str, Any] | None = None

    def variable_loops(self, evaluator: "_Evaluator") -> dict[str, Any]:
        """The top-level variable `copy` section: loop name -> array (or Unknown)."""
        if self._loops is None:
            self._loops = {}
            written = self.variables.get("copy")
            if written is not None and written[1] is not None and isinstance(written[1].raw, list):
                self._loops = evaluator.copy_section(written[1], _Ctx(self), 0, False)
        return self._loops


class _Ctx:
    """Where an expression is evaluated: its template scope, copy loop indexes (loop name
    folded -> index; "" is the resource's own loop) and the parameters of a user-defined
    function or lambda being called."""

    __slots__ = ("scope", "loops", "locals", "calls", "lambdas")

    def __init__(self, scope: _Scope, loops: Mapping[str, Any] | None = None,
                 locals_: Mapping[str, Any] | None = None, calls: int = 0,
                 lambdas: Mapping[str, Any] | None = None) -> None:
        self.scope = scope
        self.loops = dict(loops or {})
        self.locals = locals_  # a user-defined function's parameters (folded names), or None
        self.calls = calls
        self.lambdas = dict(lambdas or {})

    def with_loop(self, name: str, index: Any) -> "_Ctx":
        loops = dict(self.loops)
        loops[_fold(name)] = index
        return _Ctx(self.scope, loops, self.locals, self.calls, self.lambdas)

    @property
    def plain(self) -> bool:
        """No loop, function or lambda: results depend on the expression text only."""
        return not self.loops and self.locals is None and not self.lambdas


class _Lambda:
    __slots__ = ("names", "body", "ctx")

    def __init__(self, names: list[str], body: ex.Node, ctx: _Ctx) -> None:
        self.names = names
        self.body = body
        self.ctx = ctx


# --- values ------------------------------------------------------------------------------------


def _contains_unknown(value: Any, depth: int = 0) -> Unknown | None:
    if isinstance(value, Unknown):
        return value
    if depth > MAX_DEPTH:
        return Unknown("[<deep value>]", "expression")
    if isinstance(value, dict):
        for v in value.values():
            found = _contains_unknown(v, depth + 1)
            if found is not None:
                return found
    elif isinstance(value, list):
        for v in value:
            found = _contains_unknown(v, depth + 1)
            if found is not None:
                return found
    return None


def _inner(value: Any) -> str:
    """A value as expression text (no brackets), for Unknown texts."""
    if isinstance(value, Unknown):
        expr = value.expr
        return expr[1:-1] if expr.startswith("[") and expr.endswith("]") else ex.literal(expr)
    if isinstance(value, _Lambda):
        return "lambda(...)"
    return ex.literal(value)


def _unknown(text: str, reason: str = "expression", length: int | None = None, sized: bool = False) -> Unknown:
    expr = f"[{text}]"
    if sized or length is not None:
        return _Sized(expr, reason, length)
    return Unknown(expr, reason)


def _call_text(name: str, args: list[Any]) -> str:
    return f"{name}({', '.join(_inner(a) for a in args)})"


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    if value is None:
        return "null"
    return type(value).__name__


def _get(obj: dict[str, Any], key: str) -> tuple[bool, Any]:
    """A property of an object, case-insensitively (exact spelling first)."""
    if key in obj:
        return True, obj[key]
    folded = _fold(key)
    for k, v in obj.items():
        if _fold(k) == folded:
            return True, v
    return False, None


def _equal(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return len(a) == len(b) and all(_get(b, k)[0] and _equal(v, _get(b, k)[1]) for k, v in a.items())
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b or isinstance(a, (int, float)) and isinstance(b, (int, float)) and a == b


def _to_text(value: Any) -> str:
    """How ARM writes a value into a string (concat, format, string)."""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, (int, float)):
        return str(value)
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _text(value: str) -> str:
    if len(value) > MAX_STRING:
        raise _Fail("string too long")
    return value


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Fail(f"expected an integer, got {_type_name(value)}")
    return value


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise _Fail(f"expected a string, got {_type_name(value)}")
    return value


# --- the evaluator -----------------------------------------------------------------------------


class _Evaluator:
    def __init__(self) -> None:
        self.parsed: dict[str, ex.Node] = {}
        self.steps = 0

    def node_of(self, text: str) -> ex.Node:
        node = self.parsed.get(text)
        if node is None:
            node = self.parsed[text] = ex.parse(text)
        return node

    # expression strings

    def expression(self, text: str, ctx: _Ctx) -> Any:
        """An expression string's value (plain data, Unknown, or _Sized)."""
        cacheable = ctx.plain
        if cacheable and text in ctx.scope.cache:
            return ctx.scope.cache[text]
        node = self.node_of(text)
        if isinstance(node, ex.Error):
            found: Any = Unknown(text, "expression")
        else:
            try:
                found = self.ev(node, ctx, 0)
            except (_Fail, RecursionError, ValueError, TypeError, OverflowError, ZeroDivisionError, _Budget):
                found = Unknown(text, "expression")
            if isinstance(found, _Lambda):
                found = Unknown(text, "expression")
        if cacheable:
            ctx.scope.cache[text] = found
        return found

    def plain(self, value: Value | None, ctx: _Ctx, depth: int = 0) -> Any:
        """A written Value evaluated as plain data (with Unknowns)."""
        if value is None:
            return None
        raw = value.raw
        if depth > MAX_DEPTH:
            return Unknown("[<deep value>]", "expression")
        if isinstance(raw, Unknown):
            return self.expression(raw.expr, ctx) if raw.reason == "expression" else raw
        if isinstance(raw, dict):
            out: dict[str, Any] = {}
            for key, item in raw.items():
                if key == "copy" and _is_property_loop(item):
                    out.update(self.copy_section(item, ctx, depth + 1, False))
                    continue
                out[key] = self.plain(item, ctx, depth + 1)
            return out
        if isinstance(raw, list):
            return [self.plain(item, ctx, depth + 1) for item in raw]
        return raw

    def positioned(self, value: Value, ctx: _Ctx, depth: int, skip: frozenset[str] = frozenset()) -> Value | None:
        """A written Value evaluated, keeping where each part is written; None when it is null.
        `skip` names dotted paths below `value` left as written."""
        raw = value.raw
        if depth > MAX_DEPTH:
            return Value(Unknown("[<deep value>]", "expression"), value.span, UNRESOLVED, value.key_span)
        if isinstance(raw, Unknown):
            if raw.reason != "expression":
                return value
            found = self.expression(raw.expr, ctx)
            if found is None:
                return None
            return _wrap(public(found), value, raw.expr)
        if isinstance(raw, dict):
            out: dict[str, Value] = {}
            for key, item in raw.items():
                if key in skip:
                    out[key] = item
                    continue
                if key == "copy" and _is_property_loop(item):
                    for name, found in self.copy_section(item, ctx, depth + 1, True).items():
                        out[name] = found
                    continue
                inner_skip = frozenset(p[len(key) + 1:] for p in skip if p.startswith(key + "."))
                new = self.positioned(item, ctx, depth + 1, inner_skip)
                if new is not None:
                    out[key] = new
            return Value(out, value.span, value.origin, value.key_span)
        if isinstance(raw, list):
            items = []
            for item in raw:
                new = self.positioned(item, ctx, depth + 1)
                items.append(new if new is not None else Value(None, item.span, item.origin, item.key_span))
            return Value(items, value.span, value.origin, value.key_span)
        return value

    def copy_section(self, section: Value, ctx: _Ctx, depth: int, positioned: bool) -> dict[str, Any]:
        """A `copy` array of {name, count, input}: name -> the array of inputs (or Unknown)."""
        out: dict[str, Any] = {}
        for loop in section.raw if isinstance(section.raw, list) else ():
            if not isinstance(loop.raw, dict):
                continue
            name_value = loop.raw.get("name")
            name = self.plain(name_value, ctx, depth)
            if not isinstance(name, str):
                continue
            count = self.plain(loop.raw.get("count"), ctx, depth)
            body = loop.raw.get("input")
            key_span = name_value.span if name_value is not None else None
            if isinstance(count, bool) or not isinstance(count, int) or count > MAX_COPY or body is None:
                unknown = Unknown(f"[copy({ex.literal(name)})]", "expression")
                out[name] = Value(unknown, loop.span, UNRESOLVED, key_span) if positioned else unknown
                continue
            items: list[Any] = []
            for i in range(max(0, count)):
                inner = ctx.with_loop(name, i)
                if positioned:
                    found = self.positioned(body, inner, depth + 1)
                    items.append(found if found is not None else Value(None, body.span))
                else:
                    items.append(self.plain(body, inner, depth + 1))
            out[name] = Value(items, loop.span, "explicit", key_span) if positioned else items
        return out

    # the expression tree

    def ev(self, node: ex.Node, ctx: _Ctx, depth: int) -> Any:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise _Budget()
        if depth > MAX_DEPTH:
            raise _Fail("nested too deeply")
        if isinstance(node, ex.Literal):
            return node.value
        if isinstance(node, ex.Member):
            target = self.ev(node.target, ctx, depth + 1)
            return self.member(target, node.name)
        if isinstance(node, ex.Index):
            target = self.ev(node.target, ctx, depth + 1)
            index = self.ev(node.index, ctx, depth + 1)
            return self.index(target, index)
        if isinstance(node, ex.Call):
            return self.call(node, ctx, depth)
        raise _Fail("not an expression")

    def member(self, target: Any, name: str) -> Any:
        if isinstance(target, Unknown):
            return Unknown(f"[{_inner(target)}.{name}]", target.reason)
        if isinstance(target, dict):
            found, value = _get(target, name)
            if not found:
                raise _Fail(f"no property {name!r}")
            return value
        raise _Fail(f"a {_type_name(target)} has no properties")

    def index(self, target: Any, index: Any) -> Any:
        if isinstance(target, Unknown):
            return Unknown(f"[{_inner(target)}[{_inner(index)}]]", target.reason)
        if isinstance(index, Unknown):
            if isinstance(target, list) and target and all(_equal(target[0], t) for t in target):
                return target[0]  # every element is the same
            return Unknown(f"[{_inner(target)}[{_inner(index)}]]", "expression")
        if isinstance(target, list):
            i = _int(index)
            if not 0 <= i < len(target):
                raise _Fail("index out of range")
            return target[i]
        if isinstance(target, dict):
            found, value = _get(target, _str(index))
            if not found:
                raise _Fail(f"no property {index!r}")
            return value
        raise _Fail(f"a {_type_name(target)} cannot be indexed")

    def call(self, node: ex.Call, ctx: _Ctx, depth: int) -> Any:
        name = _fold(node.name)
        lazy = LAZY.get(name)
        if lazy is not None:
            return lazy(self, node, ctx, depth + 1)
        args = [self.ev(arg, ctx, depth + 1) for arg in node.args]
        if "." in name:
            return self.user_function(node.name, args, ctx, depth + 1)
        function = FUNCTIONS.get(name)
        if function is None:
            if name.startswith("list"):
                return _unknown(_call_text(node.name, args), "resource")
            return _unknown(_call_text(node.name, args), "expression")
        implementation, mode = function
        if mode == STRICT:
            blocking = next((a for a in args if _contains_unknown(a) is not None), None)
            if blocking is not None:
                return _derived(node.name, args)
        elif mode == SHALLOW:
            if any(isinstance(a, Unknown) for a in args):
                return _derived(node.name, args)
        if any(isinstance(a, _Lambda) for a in args) and name not in LAMBDA_TAKERS:
            raise _Fail("a lambda is not a value")
        return implementation(self, node.name, args, ctx, depth)

    def user_function(self, name: str, args: list[Any], ctx: _Ctx, depth: int) -> Any:
        definition = ctx.scope.functions.get(_fold(name))
        if definition is None or ctx.calls >= MAX_CALLS:
            return _unknown(_call_text(name, args), "expression")
        declared = definition.get("parameters")
        names: list[str] = []
        for item in declared.raw if declared is not None and isinstance(declared.raw, list) else ():
            param_name = item.raw.get("name") if isinstance(item.raw, dict) else None
            if param_name is not None and isinstance(param_name.raw, str):
                names.append(param_name.raw)
        if len(names) != len(args):
            raise _Fail("wrong number of arguments")
        output = definition.get("output")
        body = output.raw.get("value") if output is not None and isinstance(output.raw, dict) else None
        if body is None:
            raise _Fail("a function without an output value")
        inner = _Ctx(ctx.scope, {}, {_fold(n): a for n, a in zip(names, args)}, ctx.calls + 1)
        return self.plain(body, inner, depth)

    def call_lambda(self, function: Any, args: list[Any], depth: int) -> Any:
        if not isinstance(function, _Lambda) or len(function.names) != len(args):
            raise _Fail("expected a lambda")
        lambdas = dict(function.ctx.lambdas)
        lambdas.update({_fold(n): a for n, a in zip(function.names, args)})
        inner = _Ctx(function.ctx.scope, function.ctx.loops, function.ctx.locals, function.ctx.calls, lambdas)
        return self.ev(function.body, inner, depth + 1)

    # parameters and variables

    def parameter(self, name: Any, ctx: _Ctx) -> Any:
        if isinstance(name, Unknown):
            return Unknown(f"[parameters({_inner(name)})]", "expression")
        name = _str(name)
        if ctx.locals is not None:  # inside a user-defined function: its own parameters only
            found, value = _get(ctx.locals, name)
            if not found:
                raise _Fail(f"no function parameter {name!r}")
            return value
        scope = ctx.scope
        key = ("p", _fold(name))
        if key in scope.values:
            return scope.values[key]
        declared = scope.declared.get(_fold(name))
        if declared is None:
            raise _Fail(f"no parameter {name!r}")
        spelled, attrs = declared
        unset = Unknown(f"[parameters({ex.literal(spelled)})]", "variable")
        kind = attrs.get("type")
        kind_text = _fold(kind.raw) if kind is not None and isinstance(kind.raw, str) else ""
        if kind_text in ("securestring", "secureobject"):
            value: Any = unset  # never judged, so never printed
        elif _fold(name) in scope.given:
            value = scope.given[_fold(name)]
            if isinstance(value, Unknown):
                value = unset
        elif "defaultValue" in attrs:
            if key in scope.active:
                raise _Fail("a cycle between parameters")
            scope.active.add(key)
            try:
                value = self.plain(attrs["defaultValue"], _Ctx(scope))
            finally:
                scope.active.discard(key)
        else:
            value = unset
        scope.values[key] = value
        return value

    def variable(self, name: Any, ctx: _Ctx) -> Any:
        if isinstance(name, Unknown):
            return Unknown(f"[variables({_inner(name)})]", "expression")
        name = _str(name)
        scope = ctx.scope
        key = ("v", _fold(name))
        if key in scope.values:
            return scope.values[key]
        loops = scope.variable_loops(self) if "copy" in scope.variables else {}
        found, value = _get(loops, name)
        if not found:
            declared = scope.variables.get(_fold(name))
            if declared is None or _fold(name) == "copy":
                raise _Fail(f"no variable {name!r}")
            if key in scope.active:
                raise _Fail("a cycle between variables")
            scope.active.add(key)
            try:
                value = self.plain(declared[1], _Ctx(scope))
            finally:
                scope.active.discard(key)
        scope.values[key] = value
        return value

    # resources

    def resource(self, resource: Resource, ctx: _Ctx, depth: int, deployment: Resource | None) -> list[Resource]:
        """The evaluated instances of a resource (none when its condition is false or its
        count 0), followed by the resources of an inline nested deployment."""
        self.steps = 0
        attrs = resource.attrs
        meta = dict(resource.meta)
        instances: list[tuple[str, _Ctx]] = [(resource.address, ctx)]
        copy = attrs.get("copy")
        if copy is not None and isinstance(copy.raw, dict):
            loop_name = self.plain(copy.raw.get("name"), ctx)
            count = self.plain(copy.raw.get("count"), ctx)
            if isinstance(count, int) and not isinstance(count, bool):
                if count <= 0:
                    return []
                meta["count"] = count
                if count <= MAX_INSTANCES and _uses_copy_index(attrs, loop_name):
                    instances = [(f"{resource.address}[{i}]", _with_resource_loop(ctx, loop_name, i))
                                 for i in range(count)]
            if len(instances) == 1:
                index = Unknown("[copyIndex()]", "expression")
                instances = [(resource.address, _with_resource_loop(ctx, loop_name, index))]
        is_deployment = _fold(resource.native_type) == DEPLOYMENTS
        skip = frozenset({"properties.template"}) if is_deployment else frozenset()
        out: list[Resource] = []
        for address, inner in instances:
            self.steps = 0
            instance_meta = dict(meta)
            condition = attrs.get("condition")
            if condition is not None:
                decided = self.plain(condition, inner)
                if decided is False:
                    continue
                if decided is True:
                    instance_meta.pop("condition", None)
            new_attrs: dict[str, Value] = {}
            for key, value in attrs.items():
                self.steps = 0
                try:
                    new = self.positioned(value, inner, 0, _sub_skip(skip, key))
                except (_Budget, RecursionError):
                    new = Value(Unknown(f"[{key}]", "expression"), value.span, UNRESOLVED, value.key_span)
                if new is not None:
                    new_attrs[key] = new
            if deployment is not None:
                instance_meta["deployment"] = deployment.address
                if "condition" not in instance_meta and "condition" in deployment.meta:
                    instance_meta["condition"] = deployment.meta["condition"]
            evaluated = dataclasses.replace(resource, address=address, attrs=new_attrs, meta=instance_meta)
            out.append(evaluated)
            if is_deployment and depth < MAX_NESTING:
                out.extend(self.nested(resource, evaluated, inner, depth))
        return out

    def nested(self, written: Resource, evaluated: Resource, ctx: _Ctx, depth: int) -> list[Resource]:
        """The resources of an inline nested deployment (module docstring)."""
        properties = written.attrs.get("properties")
        if properties is None or not isinstance(properties.raw, dict):
            return []
        template = properties.raw.get("template")
        if template is None or not isinstance(template.raw, dict):
            return []
        top: dict[str, Value] = template.raw
        options = evaluated.attrs.get("properties")
        scope_text = ""
        if options is not None and isinstance(options.raw, dict):
            found = options.raw.get("expressionEvaluationOptions")
            if found is not None and isinstance(found.raw, dict):
                found_scope = found.raw.get("scope")
                if found_scope is not None and isinstance(found_scope.raw, str):
                    scope_text = _fold(found_scope.raw)
        if scope_text == "inner":
            given: dict[str, Any] = {}
            written_parameters = properties.raw.get("parameters")
            if written_parameters is not None and isinstance(written_parameters.raw, dict):
                for name, entry in written_parameters.raw.items():
                    if not isinstance(entry.raw, dict):
                        continue
                    if "value" in entry.raw:
                        given[name] = self.plain(entry.raw["value"], ctx)
                    elif "reference" in entry.raw:
                        given[name] = Unknown(f"[parameters({ex.literal(name)})]", "variable")
            inner_ctx = _Ctx(_Scope(template_blocks(top, template.span), given))
        else:
            inner_ctx = ctx
        paths = _paths(template, "properties.template")
        commas_all = written.meta.get("insert_comma_at", {})

        def insertions_of(entry: Value) -> Any:
            path = paths.get(id(entry))
            if path is None:
                return {}, {}
            return sub_insertions(dict(written.insertions), dict(commas_all), path)

        inner_resources = collect_resources(top.get("resources"), language_version(top), insertions_of)
        prefix = evaluated.address
        out: list[Resource] = []
        for inner in inner_resources:
            renamed = dataclasses.replace(inner, address=f"{prefix}/{inner.address}")
            if "parent" in renamed.meta:
                renamed = dataclasses.replace(renamed, meta={**renamed.meta, "parent": f"{prefix}/{renamed.meta['parent']}"})
            try:
                out.extend(self.resource(renamed, inner_ctx, depth + 1, evaluated))
            except Exception:
                out.append(dataclasses.replace(renamed, attrs=_opaque_attrs(renamed.attrs)))
        return out


def _sub_skip(skip: frozenset[str], key: str) -> frozenset[str]:
    return frozenset(p[len(key) + 1:] for p in skip if p.startswith(key + "."))


def _paths(value: Value, path: str, out: dict[int, str] | None = None, depth: int = 0) -> dict[int, str]:
    """id(Value) -> native dotted path of every object below `value` (lists entered as the
    parser's insertion paths are: first element without an index)."""
    out = {} if out is None else out
    if depth > MAX_DEPTH:
        return out
    out[id(value)] = path
    if isinstance(value.raw, dict):
        for key, item in value.raw.items():
            _paths(item, f"{path}.{key}", out, depth + 1)
    elif isinstance(value.raw, list):
        for i, item in enumerate(value.raw):
            _paths(item, path if i == 0 else f"{path}.{i}", out, depth + 1)
    return out


def _with_resource_loop(ctx: _Ctx, name: Any, index: Any) -> _Ctx:
    inner = ctx.with_loop("", index)
    if isinstance(name, str):
        inner = inner.with_loop(name, index)
    return inner


def _uses_copy_index(attrs: Mapping[str, Value], loop: Any) -> bool:
    """Does the resource use its own loop's index: copyIndex(), copyIndex(offset) or
    copyIndex('<its loop name>') (a property loop's copyIndex('x') is not its own)?"""
    own = f"|'{re.escape(loop)}'" if isinstance(loop, str) else ""
    pattern = re.compile(rf"copyindex\s*\(\s*(?:\)|[^'\s]{own})", re.I)

    def walk(raw: Any, depth: int) -> bool:
        if depth > MAX_DEPTH:
            return False
        if isinstance(raw, Value):
            raw = raw.raw
        if isinstance(raw, Unknown):
            return bool(pattern.search(raw.expr))
        if isinstance(raw, dict):
            return any(walk(v, depth + 1) for k, v in raw.items())
        if isinstance(raw, list):
            return any(walk(v, depth + 1) for v in raw)
        return False

    return any(walk(v, 0) for k, v in attrs.items() if k != "copy")


def _is_property_loop(item: Value) -> bool:
    return isinstance(item.raw, list) and bool(item.raw) and all(
        isinstance(loop.raw, dict) and "name" in loop.raw and "input" in loop.raw for loop in item.raw)


def _wrap(found: Any, written: Value, text: str) -> Value:
    """An expression's value as a Value at the string's span (nested parts share it)."""
    if isinstance(found, Unknown):
        if len(found.expr) > MAX_EXPR:
            found = Unknown(text if len(text) <= MAX_EXPR else text[:MAX_EXPR - 2] + "…]", found.reason)
        return Value(found, written.span, UNRESOLVED, written.key_span)
    return _share(found, written.span, written.key_span, 0)


def _share(found: Any, span: Any, key_span: Any, depth: int) -> Value:
    if depth > MAX_DEPTH:
        return Value(Unknown("[<deep value>]", "expression"), span, UNRESOLVED, key_span)
    if isinstance(found, dict):
        return Value({k: _share(v, span, None, depth + 1) for k, v in found.items() if v is not None}, span,
                     "explicit", key_span)
    if isinstance(found, list):
        return Value([_share(v, span, None, depth + 1) for v in found], span, "explicit", key_span)
    if isinstance(found, Unknown):
        return Value(found, span, UNRESOLVED, key_span)
    return Value(found, span, "explicit", key_span)


def _derived(name: str, args: list[Any]) -> Unknown:
    """A function of unknown arguments: Unknown "expression", written with the known ones."""
    return _unknown(_call_text(name, args), "expression")


# --- functions ---------------------------------------------------------------------------------

STRICT = "strict"  # any Unknown inside any argument makes the result Unknown
SHALLOW = "shallow"  # an Unknown argument makes it Unknown; Unknowns inside containers are kept
OWN = "own"  # the function decides itself

Implementation = Callable[[_Evaluator, str, list, _Ctx, int], Any]


def _strict(fn: Callable[..., Any]) -> tuple[Implementation, str]:
    return (lambda ev, name, args, ctx, depth: fn(*args)), STRICT


def _shallow(fn: Callable[..., Any]) -> tuple[Implementation, str]:
    return (lambda ev, name, args, ctx, depth: fn(*args)), SHALLOW


def _concat(ev: _Evaluator, name: str, args: list[Any], ctx: _Ctx, depth: int) -> Any:
    if not args:
        raise _Fail("concat needs arguments")
    arrays = [a for a in args if isinstance(a, list)]
    if arrays:
        if any(isinstance(a, Unknown) for a in args):
            return _derived(name, args)
        if len(arrays) != len(args):
            raise _Fail("concat of arrays and other values")
        return [item for a in args for item in a]
    if any(isinstance(a, dict) for a in args):
        raise _Fail("concat of an object")
    return _join_text(name, args)


def _join_text(name: str, parts: list[Any], text: str | None = None) -> Any:
    """Strings joined, or an Unknown when parts are unknown (a _Sized one, non-empty, when a
    part is); `text` is the call's expression text (default: the call of `name` on `parts`)."""
    unknowns = [p for p in parts if isinstance(p, Unknown)]
    if not unknowns:
        return _text("".join(_to_text(p) for p in parts))
    nonempty = any(isinstance(p, _Sized) or (not isinstance(p, Unknown) and _to_text(p)) for p in parts)
    reason = "resource" if all(u.reason == "resource" for u in unknowns) and nonempty else "expression"
    length = None
    if all(not isinstance(p, Unknown) or isinstance(p, _Sized) and p.length is not None for p in parts):
        length = sum(p.length if isinstance(p, _Sized) else len(_to_text(p)) for p in parts)
    return _unknown(text or _call_text(name, parts), reason, length, sized=nonempty)


_FORMAT_ITEM = re.compile(r"\{\{|\}\}|\{(\d+)(?:,(-?\d+))?(?::([^{}]*))?\}|[{}]")


def _format(ev: _Evaluator, name: str, args: list[Any], ctx: _Ctx, depth: int) -> Any:
    if not args or isinstance(args[0], Unknown):
        return _derived(name, args)
    template = _str(args[0])
    values = args[1:]
    parts: list[Any] = []
    pos = 0
    for m in _FORMAT_ITEM.finditer(template):
        parts.append(template[pos:m.start()])
        pos = m.end()
        token = m.group()
        if token in ("{{", "}}"):
            parts.append(token[0])
            continue
        if m.group(1) is None:
            raise _Fail("a lone brace in a format string")
        i = int(m.group(1))
        if i >= len(values):
            raise _Fail("format index out of range")
        value = values[i]
        if isinstance(value, Unknown):
            if m.group(2) or m.group(3):
                return _derived(name, args)
            parts.append(value)
            continue
        text = _format_one(value, m.group(3))
        if m.group(2):
            width = int(m.group(2))
            text = text.rjust(width) if width > 0 else text.ljust(-width)
        parts.append(text)
    parts.append(template[pos:])
    if any(isinstance(p, Unknown) for p in parts):
        return _join_text(name, [p for p in parts if p != ""], _call_text(name, args))
    return _text("".join(parts))


def _format_one(value: Any, spec: str | None) -> str:
    if not spec:
        if isinstance(value, (dict, list)):
            raise _Fail("format of an object or array")
        return _to_text(value)
    m = re.fullmatch(r"([NnDd])(\d{0,2})", spec)
    if m is None or isinstance(value, bool) or not isinstance(value, int):
        raise _Fail(f"format specifier {spec!r} is not evaluated")
    digits = int(m.group(2)) if m.group(2) else None
    if m.group(1) in "Nn":
        return f"{value:,.{2 if digits is None else digits}f}"
    return ("-" if value < 0 else "") + str(abs(value)).zfill(digits or 0)


def _if(ev: _Evaluator, node: ex.Call, ctx: _Ctx, depth: int) -> Any:
    if len(node.args) != 3:
        raise _Fail("if takes three arguments")
    condition = ev.ev(node.args[0], ctx, depth)
    if condition is True:
        return ev.ev(node.args[1], ctx, depth)  # only the chosen branch is evaluated, as in ARM
    if condition is False:
        return ev.ev(node.args[2], ctx, depth)
    if not isinstance(condition, Unknown):
        raise _Fail("if needs a boolean condition")
    yes = _safe(ev, node.args[1], ctx, depth)
    no = _safe(ev, node.args[2], ctx, depth)
    if yes is not _ERROR and no is not _ERROR and _contains_unknown(yes) is None and _equal(yes, no):
        return yes
    return _unknown(f"if({_inner(condition)}, {_inner_or_text(yes, node.args[1])}, "
                    f"{_inner_or_text(no, node.args[2])})", "expression")


_ERROR = object()


def _safe(ev: _Evaluator, node: ex.Node, ctx: _Ctx, depth: int) -> Any:
    try:
        return ev.ev(node, ctx, depth)
    except _Fail:
        return _ERROR


def _inner_or_text(value: Any, node: ex.Node) -> str:
    return ex.unparse(node) if value is _ERROR or isinstance(value, _Lambda) else _inner(value)


def _logic(is_and: bool) -> Callable[[_Evaluator, ex.Call, _Ctx, int], Any]:
    def run(ev: _Evaluator, node: ex.Call, ctx: _Ctx, depth: int) -> Any:
        if len(node.args) < 2:
            raise _Fail("and/or take at least two arguments")
        values = [ev.ev(arg, ctx, depth) for arg in node.args]
        decisive = not is_and  # and: any False decides; or: any True decides
        if any(v is decisive for v in values):
            return decisive
        for v in values:
            if not isinstance(v, (bool, Unknown)):
                raise _Fail("and/or need booleans")
        if any(isinstance(v, Unknown) for v in values):
            return _derived(node.name, values)
        return not decisive
    return run


def _parameters(ev: _Evaluator, node: ex.Call, ctx: _Ctx, depth: int) -> Any:
    if len(node.args) != 1:
        raise _Fail("parameters takes one argument")
    return ev.parameter(ev.ev(node.args[0], ctx, depth), ctx)


def _variables(ev: _Evaluator, node: ex.Call, ctx: _Ctx, depth: int) -> Any:
    if len(node.args) != 1:
        raise _Fail("variables takes one argument")
    return ev.variable(ev.ev(node.args[0], ctx, depth), ctx)


def _copy_index(ev: _Evaluator, node: ex.Call, ctx: _Ctx, depth: int) -> Any:
    args = [ev.ev(arg, ctx, depth) for arg in node.args]
    loop, offset = "", 0
    if len(args) == 1:
        if isinstance(args[0], str):
            loop = args[0]
        else:
            offset = args[0]
    elif len(args) == 2:
        loop, offset = args
    elif args:
        raise _Fail("copyIndex takes at most two arguments")
    if isinstance(loop, Unknown) or isinstance(offset, Unknown):
        return _derived(node.name, args)
    index = ctx.loops.get(_fold(_str(loop)))
    if index is None:
        return _derived(node.name, args)  # not inside that loop here
    if isinstance(index, Unknown):
        return index if not args else _derived(node.name, args)
    return index + _int(offset)


def _lambda(ev: _Evaluator, node: ex.Call, ctx: _Ctx, depth: int) -> Any:
    if not node.args:
        raise _Fail("lambda needs a body")
    names = [ev.ev(arg, ctx, depth) for arg in node.args[:-1]]
    if not all(isinstance(n, str) for n in names):
        raise _Fail("lambda parameter names are strings")
    return _Lambda(names, node.args[-1], ctx)


def _lambda_variables(ev: _Evaluator, node: ex.Call, ctx: _Ctx, depth: int) -> Any:
    if len(node.args) != 1:
        raise _Fail("lambdaVariables takes one argument")
    name = ev.ev(node.args[0], ctx, depth)
    found, value = _get(ctx.lambdas, _str(name))
    if not found:
        raise _Fail(f"no lambda variable {name!r}")
    return value


LAZY: dict[str, Callable[[_Evaluator, ex.Call, _Ctx, int], Any]] = {
    "if": _if, "and": _logic(True), "or": _logic(False), "parameters": _parameters,
    "variables": _variables, "copyindex": _copy_index, "lambda": _lambda,
    "lambdavariables": _lambda_variables,
}


def _not(value: Any) -> Any:
    if not isinstance(value, bool):
        raise _Fail("not needs a boolean")
    return not value


def _coalesce(ev: _Evaluator, name: str, args: list[Any], ctx: _Ctx, depth: int) -> Any:
    for i, value in enumerate(args):
        if isinstance(value, Unknown):
            return _derived(name, args)  # it may be null
        if value is not None:
            return value
    return None


def _empty(ev: _Evaluator, name: str, args: list[Any], ctx: _Ctx, depth: int) -> Any:
    if len(args) != 1:
        raise _Fail("empty takes one argument")
    value = args[0]
    if isinstance(value, _Sized):
        return False
    if isinstance(value, Unknown):
        return _derived(name, args)
    if value is None:
        return True
    if isinstance(value, (str, list, dict)):
        return not value
    raise _Fail("empty of a number or boolean")


def _length(ev: _Evaluator, name: str, args: list[Any], ctx: _Ctx, depth: int) -> Any:
    if len(args) != 1:
        raise _Fail("length takes one argument")
    value = args[0]
    if isinstance(value, _Sized) and value.length is not None:
        return value.length
    if isinstance(value, Unknown):
        return _derived(name, args)
    if isinstance(value, (str, list, dict)):
        return len(value)
    raise _Fail("length of a number or boolean")


def _contains(ev: _Evaluator, name: str, args: list[Any], ctx: _Ctx, depth: int) -> Any:
    container, item = args
    if isinstance(container, Unknown) or isinstance(item, Unknown):
        return _derived(name, args)
    if isinstance(container, str):
        return _to_text(item) in container if not isinstance(item, (dict, list)) else False
    if isinstance(container, dict):
        return _get(container, _to_text(item))[0]
    if isinstance(container, list):
        if any(_contains_unknown(x) is None and _equal(x, item) for x in container):
            return True
        if _contains_unknown(item) is not None or any(_contains_unknown(x) is not None for x in container):
            return _derived(name, args)
        return False
    raise _Fail("contains needs a string, array or object")


def _create_object(*args: Any) -> Any:
    if len(args) % 2:
        raise _Fail("createObject takes pairs")
    out: dict[str, Any] = {}
    for key, value in zip(args[::2], args[1::2]):
        out[_str(key)] = value
    return out


def _create_object_own(ev: _Evaluator, name: str, args: list[Any], ctx: _Ctx, depth: int) -> Any:
    if any(isinstance(key, Unknown) for key in args[::2]):
        return _derived(name, args)
    return _create_object(*args)


def _union(ev: _Evaluator, name: str, args: list[Any], ctx: _Ctx, depth: int) -> Any:
    if len(args) < 1 or any(isinstance(a, Unknown) for a in args):
        return _derived(name, args)
    if all(isinstance(a, dict) for a in args):
        out: dict[str, Any] = {}
        for a in args:
            out = _merge(out, a, 0)
        return out
    if all(isinstance(a, list) for a in args):
        result: list[Any] = []
        for a in args:
            for item in a:
                if _contains_unknown(item) is not None:
                    return _derived(name, args)  # it may equal another element
                if not any(_equal(item, x) for x in result):
                    result.append(item)
        return result
    raise _Fail("union of arrays and objects")


def _merge(a: dict[str, Any], b: dict[str, Any], depth: int) -> dict[str, Any]:
    """union() of objects: later values win, nested objects merge, arrays are replaced."""
    if depth > MAX_DEPTH:
        raise _Fail("nested too deeply")
    out = dict(a)
    for key, value in b.items():
        found, old = _get(out, key)
        if found and isinstance(old, dict) and isinstance(value, dict):
            existing = next(k for k in out if _fold(k) == _fold(key)) if key not in out else key
            out[existing] = _merge(old, value, depth + 1)
        else:
            if found and key not in out:
                del out[next(k for k in out if _fold(k) == _fold(key))]
            out[key] = value
    return out


def _intersection(*args: Any) -> Any:
    if len(args) < 2:
        raise _Fail("intersection takes at least two arguments")
    if all(isinstance(a, dict) for a in args):
        first = args[0]
        return {k: v for k, v in first.items()
                if all(_get(o, k)[0] and _equal(_get(o, k)[1], v) for o in args[1:])}
    if all(isinstance(a, list) for a in args):
        result: list[Any] = []
        for item in args[0]:
            if all(any(_equal(item, x) for x in o) for o in args[1:]) and not any(_equal(item, r) for r in result):
                result.append(item)
        return result
    raise _Fail("intersection of arrays and objects")


def _first(value: Any) -> Any:
    if isinstance(value, str):
        return value[:1]
    if isinstance(value, list):
        return value[0] if value else None
    raise _Fail("first needs a string or array")


def _last(value: Any) -> Any:
    if isinstance(value, str):
        return value[-1:]
    if isinstance(value, list):
        return value[-1] if value else None
    raise _Fail("last needs a string or array")


def _take(value: Any, count: Any) -> Any:
    n = max(0, _int(count))
    if isinstance(value, (str, list)):
        return value[:n]
    raise _Fail("take needs a string or array")


def _skip(value: Any, count: Any) -> Any:
    n = max(0, _int(count))
    if isinstance(value, (str, list)):
        return value[n:]
    raise _Fail("skip needs a string or array")


def _first_last_shallow(fn: Callable[[Any], Any]) -> tuple[Implementation, str]:
    def run(ev: _Evaluator, name: str, args: list[Any], ctx: _Ctx, depth: int) -> Any:
        if len(args) != 1:
            raise _Fail(f"{name} takes one argument")
        return fn(args[0])
    return run, SHALLOW


def _take_skip(fn: Callable[[Any, Any], Any]) -> tuple[Implementation, str]:
    def run(ev: _Evaluator, name: str, args: list[Any], ctx: _Ctx, depth: int) -> Any:
        if len(args) != 2:
            raise _Fail(f"{name} takes two arguments")
        if isinstance(args[1], Unknown):
            return _derived(name, args)
        return fn(*args)
    return run, SHALLOW


def _string(value: Any) -> str:
    return _text(_to_text(value))


def _to_int(value: Any) -> int:
    if isinstance(value, bool):
        raise _Fail("int of a boolean")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"\s*[-+]?\d{1,30}\s*", value):
        return int(value)
    raise _Fail("int needs an integer text")


def _to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value != 0
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise _Fail("bool needs 'true', 'false' or an integer")


def _json(value: Any) -> Any:
    text = _str(value)
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        raise _Fail("json of text that is not JSON") from None


def _split(value: Any, delimiters: Any) -> list[str]:
    text = _str(value)
    marks = [delimiters] if isinstance(delimiters, str) else delimiters
    if not isinstance(marks, list) or not all(isinstance(m, str) and m for m in marks):
        raise _Fail("split needs non-empty delimiters")
    return re.split("|".join(re.escape(m) for m in marks), text)


def _substring(value: Any, start: Any = 0, length: Any = None) -> str:
    text = _str(value)
    begin = _int(start)
    if begin < 0 or begin > len(text):
        raise _Fail("substring start out of range")
    if length is None:
        return text[begin:]
    size = _int(length)
    if size < 0 or begin + size > len(text):
        raise _Fail("the index and length parameters must refer to a location within the string")
    return text[begin:begin + size]


def _replace(value: Any, old: Any, new: Any) -> str:
    if not _str(old):
        raise _Fail("replace of an empty string")
    return _text(_str(value).replace(old, _str(new)))


def _pad_left(value: Any, total: Any, char: Any = " ") -> str:
    text = _to_text(value) if isinstance(value, (int, str)) and not isinstance(value, bool) else _str(value)
    width = _int(total)
    if not isinstance(char, str) or len(char) != 1:
        raise _Fail("padLeft needs one padding character")
    if width > MAX_STRING:
        raise _Fail("string too long")
    return text.rjust(width, char)


def _index_of(container: Any, item: Any) -> int:
    if isinstance(container, str):
        return container.lower().find(_str(item).lower())
    if isinstance(container, list):
        return next((i for i, x in enumerate(container) if _equal(x, item)), -1)
    raise _Fail("indexOf needs a string or array")


def _last_index_of(container: Any, item: Any) -> int:
    if isinstance(container, str):
        return container.lower().rfind(_str(item).lower())
    if isinstance(container, list):
        return next((i for i in range(len(container) - 1, -1, -1) if _equal(container[i], item)), -1)
    raise _Fail("lastIndexOf needs a string or array")


def _order_key(value: Any) -> Any:
    """Ordering of greater/less: integers, or strings of ASCII letters and digits compared as
    .NET's culture comparison does there (case-insensitive first, then lower before upper)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return (0, value)
    if isinstance(value, str) and re.fullmatch(r"[A-Za-z0-9]*", value):
        return (1, value.lower(), tuple(c.isupper() for c in value))
    raise _Fail("ordering is evaluated for integers and ASCII letters and digits only")


def _compare(test: Callable[[Any, Any], bool]) -> tuple[Implementation, str]:
    def run(ev: _Evaluator, name: str, args: list[Any], ctx: _Ctx, depth: int) -> Any:
        if len(args) != 2:
            raise _Fail(f"{name} takes two arguments")
        a, b = _order_key(args[0]), _order_key(args[1])
        if a[0] != b[0]:
            raise _Fail("comparison of an integer and a string")
        return test(a, b)
    return run, STRICT


def _equals(a: Any, b: Any) -> bool:
    return _equal(a, b)


def _arith(op: str) -> tuple[Implementation, str]:
    def run(ev: _Evaluator, name: str, args: list[Any], ctx: _Ctx, depth: int) -> Any:
        if len(args) != 2:
            raise _Fail(f"{name} takes two arguments")
        a, b = _int(args[0]), _int(args[1])
        if op == "+":
            return a + b
        if op == "-":
            return a - b
        if op == "*":
            return a * b
        if b == 0:
            raise _Fail("division by zero")
        quotient = abs(a) // abs(b) * (1 if (a >= 0) == (b >= 0) else -1)  # .NET truncates
        return quotient if op == "/" else a - b * quotient
    return run, STRICT


def _min_max(pick: Callable[..., Any]) -> tuple[Implementation, str]:
    def run(ev: _Evaluator, name: str, args: list[Any], ctx: _Ctx, depth: int) -> Any:
        values = args[0] if len(args) == 1 and isinstance(args[0], list) else args
        if not values:
            raise _Fail(f"{name} of nothing")
        return pick(_int(v) for v in values)
    return run, STRICT


def _range(start: Any, count: Any) -> list[int]:
    begin, size = _int(start), _int(count)
    if size < 0 or size > MAX_RANGE:
        raise _Fail("range count out of bounds")
    return list(range(begin, begin + size))


def _items(value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, dict):
        raise _Fail("items needs an object")
    return [{"key": k, "value": value[k]} for k in sorted(value, key=lambda k: (k.lower(), k))]


def _array(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _object_keys(value: Any) -> list[str]:
    if not isinstance(value, dict):
        raise _Fail("objectKeys needs an object")
    return list(value)


def _flatten(value: Any) -> list[Any]:
    if not isinstance(value, list) or not all(isinstance(v, list) for v in value):
        raise _Fail("flatten needs an array of arrays")
    return [x for v in value for x in v]


def _join(value: Any, delimiter: Any) -> str:
    if not isinstance(value, list):
        raise _Fail("join needs an array")
    if any(isinstance(v, (dict, list)) for v in value):
        raise _Fail("join of objects or arrays")
    return _text(_str(delimiter).join(_to_text(v) for v in value))


def _try_get(ev: _Evaluator, name: str, args: list[Any], ctx: _Ctx, depth: int) -> Any:
    if not args:
        raise _Fail("tryGet needs arguments")
    value = args[0]
    for key in args[1:]:
        if isinstance(value, Unknown) or isinstance(key, Unknown):
            return _derived(name, args)
        if value is None:
            return None
        if isinstance(value, dict) and isinstance(key, str):
            value = _get(value, key)[1]
        elif isinstance(value, list) and isinstance(key, int) and not isinstance(key, bool):
            value = value[key] if 0 <= key < len(value) else None
        else:
            return None
    return value


def _shallow_merge(value: Any) -> dict[str, Any]:
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise _Fail("shallowMerge needs an array of objects")
    out: dict[str, Any] = {}
    for v in value:
        out.update(v)
    return out


def _base64(value: Any) -> str:
    return base64.b64encode(_str(value).encode("utf-8")).decode("ascii")


def _from_base64(value: Any) -> str:
    try:
        return base64.b64decode(_str(value), validate=True).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        raise _Fail("not base64 of UTF-8 text") from None


def _uri_component(value: Any) -> str:
    return urllib.parse.quote(_str(value), safe="-_.~")


def _uri_component_to_string(value: Any) -> str:
    return urllib.parse.unquote(_str(value))


def _uri(base: Any, relative: Any) -> str:
    return urllib.parse.urljoin(_str(base), _str(relative))


def _data_uri(value: Any) -> str:
    return "data:text/plain;charset=utf8;base64," + _base64(value)


def _data_uri_to_string(value: Any) -> str:
    text = _str(value)
    head, sep, body = text.partition(",")
    if not text.startswith("data:") or not sep:
        raise _Fail("not a data URI")
    if head.endswith(";base64"):
        return _from_base64(body)
    return urllib.parse.unquote(body)


def _deployment_value(ev: _Evaluator, name: str, args: list[Any], ctx: _Ctx, depth: int) -> Any:
    return _unknown(_call_text(name, args), "variable")


def _hash(length: int, reason: str = "expression") -> tuple[Implementation, str]:
    def run(ev: _Evaluator, name: str, args: list[Any], ctx: _Ctx, depth: int) -> Any:
        return _unknown(_call_text(name, args), reason, length)
    return run, OWN


def _resource_id(ev: _Evaluator, name: str, args: list[Any], ctx: _Ctx, depth: int) -> Any:
    return _unknown(_call_text(name, args), "resource", sized=True)


def _of_resource(ev: _Evaluator, name: str, args: list[Any], ctx: _Ctx, depth: int) -> Any:
    return _unknown(_call_text(name, args), "resource")


def _not_evaluated(ev: _Evaluator, name: str, args: list[Any], ctx: _Ctx, depth: int) -> Any:
    return _derived(name, args)


def _with_lambda(kind: str) -> tuple[Implementation, str]:
    def run(ev: _Evaluator, name: str, args: list[Any], ctx: _Ctx, depth: int) -> Any:
        if not args or isinstance(args[0], Unknown):
            return _derived(name, args)
        items = args[0]
        if kind == "mapvalues":
            if not isinstance(items, dict) or len(args) != 2:
                raise _Fail("mapValues needs an object and a lambda")
            return {k: ev.call_lambda(args[1], [v], depth) for k, v in items.items()}
        if not isinstance(items, list):
            raise _Fail(f"{name} needs an array")
        if kind == "map":
            return [ev.call_lambda(args[1], [item], depth) for item in items]
        if kind == "filter":
            kept = []
            for item in items:
                keep = ev.call_lambda(args[1], [item], depth)
                if isinstance(keep, Unknown):
                    return _derived(name, args)
                if keep is True:
                    kept.append(item)
            return kept
        if kind == "reduce":
            if len(args) != 3:
                raise _Fail("reduce needs an array, an initial value and a lambda")
            acc = args[1]
            for item in items:
                acc = ev.call_lambda(args[2], [acc, item], depth)
            return acc
        if kind == "sort":
            def order(a: Any, b: Any) -> int:
                before = ev.call_lambda(args[1], [a, b], depth)
                if not isinstance(before, bool):
                    raise _Fail("sort's lambda must give a boolean")
                return -1 if before else 1
            return sorted(items, key=functools.cmp_to_key(order))
        if kind == "toobject":
            out: dict[str, Any] = {}
            for item in items:
                key = ev.call_lambda(args[1], [item], depth)
                if isinstance(key, Unknown):
                    return _derived(name, args)
                out[_str(key)] = ev.call_lambda(args[2], [item], depth) if len(args) > 2 else item
            return out
        raise _Fail(name)
    return run, OWN


LAMBDA_TAKERS = frozenset({"map", "filter", "reduce", "sort", "toobject", "mapvalues"})

FUNCTIONS: dict[str, tuple[Implementation, str]] = {
    # logical and comparison
    "not": _strict(_not),
    "bool": _strict(_to_bool),
    "true": _strict(lambda: True),
    "false": _strict(lambda: False),
    "null": _strict(lambda: None),
    "equals": _strict(_equals),
    "greater": _compare(lambda a, b: a > b),
    "greaterorequals": _compare(lambda a, b: a >= b),
    "less": _compare(lambda a, b: a < b),
    "lessorequals": _compare(lambda a, b: a <= b),
    "coalesce": (_coalesce, OWN),
    # strings
    "concat": (_concat, OWN),
    "format": (_format, OWN),
    "string": _strict(_string),
    "int": _strict(_to_int),
    "tolower": _strict(lambda s: _str(s).lower()),
    "toupper": _strict(lambda s: _str(s).upper()),
    "trim": _strict(lambda s: _str(s).strip()),
    "replace": _strict(_replace),
    "split": _strict(_split),
    "substring": _strict(_substring),
    "startswith": _strict(lambda s, p: _str(s).lower().startswith(_str(p).lower())),
    "endswith": _strict(lambda s, p: _str(s).lower().endswith(_str(p).lower())),
    "indexof": _strict(_index_of),
    "lastindexof": _strict(_last_index_of),
    "padleft": _strict(_pad_left),
    "base64": _strict(_base64),
    "base64tostring": _strict(_from_base64),
    "base64tojson": _strict(lambda v: _json(_from_base64(v))),
    "datauri": _strict(_data_uri),
    "datauritostring": _strict(_data_uri_to_string),
    "uri": _strict(_uri),
    "uricomponent": _strict(_uri_component),
    "uricomponenttostring": _strict(_uri_component_to_string),
    "json": _strict(_json),
    "join": _strict(_join),
    # arrays and objects
    "array": _shallow(_array),
    "createarray": ((lambda ev, name, args, ctx, depth: list(args)), OWN),
    "createobject": (_create_object_own, OWN),
    "empty": (_empty, OWN),
    "length": (_length, OWN),
    "contains": (_contains, OWN),
    "union": (_union, OWN),
    "intersection": _strict(_intersection),
    "first": _first_last_shallow(_first),
    "last": _first_last_shallow(_last),
    "take": _take_skip(_take),
    "skip": _take_skip(_skip),
    "range": _strict(_range),
    "items": _shallow(_items),
    "objectkeys": _shallow(_object_keys),
    "flatten": _strict(_flatten),
    "shallowmerge": _strict(_shallow_merge),
    "tryget": (_try_get, OWN),
    "min": _min_max(min),
    "max": _min_max(max),
    # numbers
    "add": _arith("+"),
    "sub": _arith("-"),
    "mul": _arith("*"),
    "div": _arith("/"),
    "mod": _arith("%"),
    # lambdas
    **{name: _with_lambda(name) for name in LAMBDA_TAKERS},
    # the deployment's own values
    **{name: (_deployment_value, OWN) for name in (
        "resourcegroup", "subscription", "tenant", "managementgroup", "deployment", "environment",
        "utcnow", "deployer")},
    "newguid": _hash(36, "variable"),
    "uniquestring": _hash(13),
    "guid": _hash(36),
    # resources
    **{name: (_resource_id, OWN) for name in (
        "resourceid", "subscriptionresourceid", "tenantresourceid", "extensionresourceid",
        "managementgroupresourceid")},
    **{name: (_of_resource, OWN) for name in ("reference", "listkeys", "listsecrets", "list")},
    **{name: (_not_evaluated, OWN) for name in ("pickzones", "providers", "datetimeadd", "datetimefromepoch",
                                                 "datetimetoepoch", "loadtextcontent", "float")},
}


def is_template_expression(text: str) -> bool:
    """Re-exported for callers holding a raw string: does ARM evaluate it?"""
    return is_expression(text)
