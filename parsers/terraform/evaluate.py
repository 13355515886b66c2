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

import dataclasses
import json
import math
import os
import re
from typing import Any, Callable, Mapping, Sequence

from analyzer.model import ParsedFile, Resource, Unknown, Value
from parsers.terraform.common import ts_parser, reference_reason
from parsers.terraform.hcl import unescape_quoted

MAX_DEPTH = 64  # nested expressions / local chains deeper than this are Unknown


class EvalError(Exception):
    """Terraform would fail on this expression with these values."""


# --- the module: variables and locals ----------------------------------------------------------


class Module:
    """The variables and locals of one module folder; locals are evaluated on first use."""

    def __init__(self, files: Sequence[ParsedFile], tfvars: Mapping[str, Any] | None = None) -> None:
        self.variables: dict[str, Resource] = {}
        self.locals: dict[str, Value] = {}
        for parsed in files:
            for name, record in parsed.blocks.get("variable", {}).items():
                if "#" not in name:  # a duplicate declaration ("x#2") is an error in Terraform
                    self.variables.setdefault(name, record)
            for name, record in parsed.blocks.get("locals", {}).items():
                if "#" not in name and "value" in record.attrs:
                    self.locals.setdefault(name, record.attrs["value"])
        self.tfvars = dict(tfvars or {})
        self.cache: dict[Any, Any] = {}
        self.active: set[str] = set()  # locals being evaluated: meeting one again is a cycle

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


def evaluate_file(parsed: ParsedFile, module: Module) -> ParsedFile:
    """`parsed` with the Unknown attribute values of its checked resources evaluated. A value
    that becomes null is dropped (Terraform treats a null argument as not written, so the
    provider default applies). Spans are kept: findings point where the expression is written."""
    resources = []
    changed = False
    for resource in parsed.resources:
        if not resource.kind:
            resources.append(resource)  # no check reads it
            continue
        attrs = _evaluate_attrs(resource.attrs, module)
        if attrs is not resource.attrs:
            resource = dataclasses.replace(resource, attrs=attrs)
            changed = True
        resources.append(resource)
    return dataclasses.replace(parsed, resources=tuple(resources)) if changed else parsed


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
        key = ("expr", raw.expr)  # the same text (`local.tags`) recurs across a module's resources
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

    def __init__(self, data: bytes, module: Module, depth: int) -> None:
        self.data = data
        self.module = module
        self.depth = depth

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
        return Unknown(self.text(node), "expression")  # for expressions, heredocs...

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
        first = rest[0] if rest else None
        has_attr = first is not None and first.type == "get_attr"
        if root in ("var", "local") and has_attr:
            name = self.text(first.children[-1])
            found = self.module.variable(name) if root == "var" else self.module.local(name, self.depth)
            return self.postfix(found, rest[1:])
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
            else:
                return Unknown(self.text(node), "expression")  # splats
            found = index(found, key)
        return found

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
        if node.type != "quoted_template":
            return Unknown(self.text(node), "expression")  # heredoc templates: not evaluated
        parts = [c for c in node.children
                 if c.type not in ("quoted_template_start", "quoted_template_end", "comment")]
        pieces: list[str] = []
        for part in parts:
            if part.type == "template_literal":
                pieces.append(unescape_quoted(self.text(part)))
            elif part.type == "template_interpolation":
                inner = next((c for c in part.children if c.type == "expression"), None)
                if inner is None:
                    return Unknown(self.text(node), "expression")
                found = self.expr(inner)
                if len(parts) == 1:
                    return found  # a lone "${x}" is x itself, not converted to a string
                if isinstance(found, Unknown):
                    return opaque(found)
                if found is None or isinstance(found, (list, dict)):
                    raise EvalError("cannot interpolate this value")
                if any(c.type == "strip_marker" for c in part.children):
                    return Unknown(self.text(node), "expression")  # ~ whitespace stripping
                pieces.append(fn_tostring(found))
            else:
                return Unknown(self.text(node), "expression")  # %{ } directives
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
        function = FUNCTIONS.get(name)
        if function is None:
            return Unknown(self.text(node), "expression")
        args = [self.expr(a) for a in arg_nodes]
        return opaque(function(*args))

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
        return Unknown("", "expression")  # a regular expression (Go's RE2 syntax): not evaluated
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


def _arity(function: Callable[..., Any], low: int, high: int) -> Callable[..., Any]:
    """A function that checks its number of arguments: a wrong call is a Terraform error."""

    def checked(*args: Any) -> Any:
        if not low <= len(args) <= high:
            raise EvalError("wrong number of arguments")
        return function(*args)

    return checked


MANY = 1 << 16
# Terraform function name -> implementation (try and can are special: they catch errors).
FUNCTIONS: Mapping[str, Callable[..., Any]] = {
    "lookup": _arity(fn_lookup, 2, 3),
    "coalesce": _arity(fn_coalesce, 1, MANY),
    "merge": _arity(fn_merge, 0, MANY),
    "concat": _arity(fn_concat, 0, MANY),
    "flatten": _arity(fn_flatten, 1, 1),
    "length": _arity(fn_length, 1, 1),
    "contains": _arity(fn_contains, 2, 2),
    "keys": _arity(fn_keys, 1, 1),
    "values": _arity(fn_values, 1, 1),
    "element": _arity(fn_element, 2, 2),
    "lower": _arity(_string_function(str.lower), 1, 1),
    "upper": _arity(_string_function(str.upper), 1, 1),
    "format": _arity(fn_format, 1, MANY),
    "join": _arity(fn_join, 1, MANY),
    "split": _arity(fn_split, 2, 2),
    "replace": _arity(fn_replace, 3, 3),
    "tostring": _arity(fn_tostring, 1, 1),
    "tonumber": _arity(fn_tonumber, 1, 1),
    "tobool": _arity(fn_tobool, 1, 1),
    "jsonencode": _arity(fn_jsonencode, 1, 1),
    "jsondecode": _arity(fn_jsondecode, 1, 1),
}
