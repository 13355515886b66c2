"""Bicep evaluation of one .bicep file: params, vars, user-defined functions, compile-time imports
and the expressions built on them become values, so checks judge them instead of reporting UNKNOWN.

API:
    evaluate(parsed, parameters=None, *, folder=None, root=None) -> ParsedFile
    module_inputs(parsed, parameters=None, *, folder=None, root=None) -> [ModuleInput]
    Template(parsed, parameters, folder=, root=).evaluate_text(text, scope) -> plain value
    (parsers/bicep/params.py reads .bicepparam files with the same evaluator.)

`evaluate` takes what `parse.parse` returned (resource
bodies as Value trees whose non-literal parts are `Unknown(source text, reason)`), re-parses each
Unknown's text with `syntax.parse_expression` and evaluates it over plain Python data (None, bool,
int, float, str, list, dict) in which `Unknown` is itself a value that propagates through every
operator and function. Two outcomes are kept apart, as in the Terraform evaluator:

- `Unknown`: not knowable before deployment (a param with no value, `resourceGroup().location`,
  a resource's runtime property, a module output) or not evaluated here. It propagates.
- `EvalError`: Bicep or ARM would reject the expression with these known values (a missing
  property without `.?`, an index out of range, a type mismatch). At the top it becomes
  Unknown("<written text>", "expression"). A bug of ours, or the step/size budget running out,
  also becomes Unknown: never a wrong value, never a crash, never a hang.

Unknown reasons and expr forms (expr is always Bicep source text):
- "variable": a param without a value (`location`), an `@secure()` param (never printed), the
  deployment context (`resourceGroup()`, `subscription()`, `tenant()`, `deployment()`,
  `environment()`, `managementGroup()`), `readEnvironmentVariable()` / `getSecret()` in a
  .bicepparam file;
- "local": a var in a reference cycle, or an import that cannot be followed;
- "resource": a resource symbol's runtime value (`acct.id`, `acct.properties.endpoint`),
  `resourceId()` and its kin, `reference()`, `list*()`; known at deployment and never empty;
- "module": a module's output (`mod.outputs.x`);
- "expression": anything else (uniqueString, guid, utcNow, a function of a resource value, a
  loop variable of a loop not expanded, what ARM would reject).
A written Unknown that stays Unknown keeps its written text as expr and takes the reason of what
made it unknown.

Choices:
- Params: the given value (a .bicepparam file or a module call), else the default (evaluated: it
  may use other params and functions), else Unknown("variable"); a nullable param (`string?`)
  with neither is null. `@secure()` params are always Unknown, whatever their value.
- Resource symbols: `sym.name`, `sym.type` and `sym.apiVersion` are resolved from what the file
  writes (name evaluated in the file's context, for a resource without a loop); every other
  property (`id`, `properties.*`) is Unknown("resource"): the deployed value may differ.
- A resource whose `if` condition is false is dropped; an undecidable one is kept (judged as if
  deployed) with `meta["assumes"] = ((condition text, True),)`, as CloudFormation variants are.
- A resource loop whose iterable is known, at most MAX_RESOURCE_INSTANCES long, and whose body
  or condition uses the loop variables becomes one resource per item (address `sym[i]`,
  `meta["index"] = i`); an empty iterable drops the resource; otherwise it stays one resource,
  its loop variables Unknown.
- A value that evaluates to null is dropped from the attrs: ARM treats a null property as not
  written, so the provider default applies.
- Values keep the span and key_span of where they are written (nested parts share the span).
- Iterating an object directly in a `for` is an error (Bicep wants `items()`).
- Not modelled (Unknown, never a guess): bools and null inside interpolations, string() and
  format(); format specifiers other than D, N, X; culture-sensitive case and ordering outside
  ASCII; a JSON text ARM's lenient reader accepts but JSON does not; cidr*/dateTime* functions;
  a spread `...x` at a resource body's top level (its properties are not added); `extends` in a
  .bicepparam file. Param values are not converted to the param's declared type.
- Files (`load*Content`, imports, module sources) resolve relative to `folder` (the .bicep file's
  directory) and must stay inside `root` (default: `folder`); no absolute paths, no links out,
  at most MAX_FILE bytes. Registry (`br:`, `br/`) and template spec (`ts:`) references are never
  fetched.
"""
from __future__ import annotations

import base64
import dataclasses
import json
import math
import os
import re
import unicodedata
import urllib.parse
from typing import Any, Callable, Mapping, Sequence

from analyzer.model import EXPLICIT, UNRESOLVED, ParsedFile, Resource, Span, Unknown, Value
from parsers.bicep.syntax import parse_expression

MAX_DEPTH = 64  # nested expressions / var chains deeper than this are Unknown
MAX_STEPS = 200_000  # expression nodes evaluated for one written value: beyond, Unknown
MAX_STRING = 1 << 20  # characters of a computed string
MAX_ITEMS = 10_000  # elements of a computed array (Bicep's own range() limit)
MAX_RESOURCE_INSTANCES = 32  # loop instances judged apart; more stay one resource
MAX_IMPORT_DEPTH = 8  # import chains followed
MAX_FILE = 1 << 20
MAX_EXPR = 2000  # characters of source text kept in an Unknown made from a value

_INT64 = (-(1 << 63), (1 << 63) - 1)


class EvalError(Exception):
    """Bicep or ARM would reject this expression with these values (or our budget ran out)."""


# --- values --------------------------------------------------------------------------------------


class Closure:
    """A lambda (`x => ...`, `(a, b) => ...`) or a user-defined function, with the scope it sees.
    `body` is (the source bytes, the body node)."""

    def __init__(self, params: Sequence[str], body: tuple[bytes, Any], scope: Mapping[str, Any],
                 template: "Template") -> None:
        self.params = list(params)
        self.body = body
        self.scope = scope
        self.template = template


class Namespace:
    """`import * as ns from './x.bicep'`: members are the exported symbols of another template."""

    def __init__(self, template: "Template | None", name: str) -> None:
        self.template = template
        self.name = name


class Symbol:
    """A resource or module symbol met as a value: only some of its properties are known."""

    def __init__(self, kind: str, name: str, record: Any, index: Any = None) -> None:
        self.kind = kind  # "resource" | "module"
        self.name = name
        self.record = record
        self.index = index  # an instance of a looped resource: `acct[0]`


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


def _shallow(*args: Any) -> Unknown | None:
    """The first argument that is itself Unknown (elements of collections may be unknown)."""
    for arg in args:
        if isinstance(arg, Unknown):
            return arg
    return None


def _deep(*args: Any) -> Unknown | None:
    for arg in args:
        found = find_unknown(arg)
        if found is not None:
            return found
    return None


def opaque(found: Any) -> Any:
    """A function of a resource value may be empty or null: only a plain reference keeps the
    reason "resource" (which checks read as "set, known after deployment")."""
    if isinstance(found, Unknown) and found.reason == "resource":
        return Unknown(found.expr, "expression")
    return found


def is_int(found: Any) -> bool:
    return isinstance(found, int) and not isinstance(found, bool)


def is_number(found: Any) -> bool:
    return isinstance(found, (int, float)) and not isinstance(found, bool)


def _int(found: Any, what: str = "an int") -> int:
    if not is_int(found):
        raise EvalError(f"{what} is required")
    return found


def _str(found: Any, what: str = "a string") -> str:
    if not isinstance(found, str):
        raise EvalError(f"{what} is required")
    return found


def _checked_int(n: int) -> int:
    if not _INT64[0] <= n <= _INT64[1]:
        raise EvalError("integer overflow")
    return n


def _checked_str(text: str) -> str:
    if len(text) > MAX_STRING:
        raise EvalError("string too long")
    return text


def _checked_list(items: list[Any]) -> list[Any]:
    if len(items) > MAX_ITEMS:
        raise EvalError("array too long")
    return items


def _type(found: Any) -> str:
    if found is None:
        return "null"
    if isinstance(found, bool):
        return "bool"
    if is_number(found):
        return "int"
    if isinstance(found, str):
        return "string"
    if isinstance(found, list):
        return "array"
    if isinstance(found, dict):
        return "object"
    return "other"


def equal(a: Any, b: Any) -> bool:
    """ARM equality of known values: deep, case-sensitive for strings, object keys as written
    (ARM's property names are case-insensitive)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if is_number(a) or is_number(b):
        return is_number(a) and is_number(b) and a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(equal(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        if len(a) != len(b):
            return False
        lowered = {k.lower(): v for k, v in b.items()}
        return all(k.lower() in lowered and equal(v, lowered[k.lower()]) for k, v in a.items())
    return type(a) is type(b) and a == b


def truth(found: Any) -> bool:
    if not isinstance(found, bool):
        raise EvalError("a bool is required")
    return found


def get_property(found: Any, key: Any, safe: bool) -> Any:
    """found.key / found[key] (found[?key] and found.?key when `safe`: null when missing)."""
    if isinstance(found, Unknown):
        return found
    if isinstance(key, Unknown):
        return key
    if found is None:
        if safe:
            return None
        raise EvalError("cannot read a property of null")
    if isinstance(found, list):
        if not is_int(key):
            raise EvalError("an array index must be an int")
        if not 0 <= key < len(found):
            if safe:
                return None
            raise EvalError("index out of range")
        return found[key]
    if isinstance(found, dict):
        if not isinstance(key, str):
            raise EvalError("a property name must be a string")
        if key in found:
            return found[key]
        lowered = key.lower()  # ARM property names are case-insensitive
        for name, value in found.items():
            if name.lower() == lowered:
                return value
        if safe:
            return None
        raise EvalError(f"no property {key!r}")
    raise EvalError("not an object or array")


def _lower(text: str) -> str | None:
    """Invariant lower case when it keeps every character's position (else None: not modelled)."""
    lowered = text.lower()
    return lowered if len(lowered) == len(text) else None


def _upper(text: str) -> str | None:
    upper = text.upper()
    return upper if len(upper) == len(text) else None


def _fold(a: str, b: str) -> tuple[str, str] | Unknown:
    la, lb = _lower(a), _lower(b)
    if la is None or lb is None:
        return Unknown("", "expression")
    return la, lb


_COMPARE = {"<": lambda a, b: a < b, ">": lambda a, b: a > b, "<=": lambda a, b: a <= b,
            ">=": lambda a, b: a >= b}


def binary(op: str, left: Any, right: Any) -> Any:
    """A Bicep binary operator over evaluated operands (&&, || and ?? are handled by the caller,
    which can decide them from one known side)."""
    unknown = _shallow(left, right)
    if op in ("==", "!="):
        unknown = unknown or _deep(left, right)
        if unknown is not None:
            return opaque(unknown)
        same = equal(left, right)
        return same if op == "==" else not same
    if unknown is not None:
        return opaque(unknown)
    if op in ("=~", "!~"):
        folded = _fold(_str(left), _str(right))
        if isinstance(folded, Unknown):
            return folded
        return (folded[0] == folded[1]) == (op == "=~")
    if op in _COMPARE:
        if is_number(left) and is_number(right):
            return _COMPARE[op](left, right)
        if isinstance(left, str) and isinstance(right, str):
            if not (left.isascii() and right.isascii()):
                return Unknown("", "expression")  # culture-sensitive ordering: not modelled
            return _COMPARE[op](left, right)
        raise EvalError("comparison of values of different types")
    if not (is_number(left) and is_number(right)):
        raise EvalError("arithmetic needs ints")
    if not (is_int(left) and is_int(right)):
        return Unknown("", "expression")  # floats (from json()): ARM's arithmetic not modelled
    if op == "+":
        return _checked_int(left + right)
    if op == "-":
        return _checked_int(left - right)
    if op == "*":
        return _checked_int(left * right)
    if right == 0:
        raise EvalError("division by zero")
    quotient = abs(left) // abs(right) * (1 if (left < 0) == (right < 0) else -1)  # truncated, as .NET
    if op == "/":
        return _checked_int(quotient)
    if op == "%":
        return left - quotient * right  # the sign of the dividend, as .NET
    raise EvalError(f"unknown operator {op}")


# --- string conversion as ARM does it -------------------------------------------------------------


def to_text(found: Any) -> Any:
    """A value inside an interpolation or string(): strings as is, ints in decimal, arrays and
    objects as compact JSON. Bools and null are Unknown: ARM's rendering of them is not
    modelled."""
    if isinstance(found, Unknown):
        return found
    if isinstance(found, str):
        return found
    if is_int(found):
        return str(found)
    if isinstance(found, (list, dict)):
        unknown = find_unknown(found)
        if unknown is not None:
            return unknown
        try:
            return _checked_str(json.dumps(found, separators=(",", ":"), ensure_ascii=False))
        except (TypeError, ValueError):
            return Unknown("", "expression")
    return Unknown("", "expression")


def interpolate(parts: Sequence[Any]) -> Any:
    pieces = []
    for part in parts:
        text = to_text(part)
        if isinstance(text, Unknown):
            return opaque(text)
        pieces.append(text)
    return _checked_str("".join(pieces))


# --- functions -----------------------------------------------------------------------------------
# Each takes evaluated arguments (lambdas as Closures; the evaluator passes itself first to the
# functions that call lambdas or read files). An Unknown argument the result depends on makes
# it Unknown.


def fn_concat(*args: Any) -> Any:
    unknown = _shallow(*args)
    if unknown is not None:
        return opaque(unknown)
    if not args:
        raise EvalError("concat() needs arguments")
    if all(isinstance(a, list) for a in args):
        return _checked_list([item for a in args for item in a])
    if all(isinstance(a, str) or is_int(a) for a in args):
        return _checked_str("".join(str(a) for a in args))
    if any(a is None for a in args):
        return Unknown("", "expression")  # ARM's treatment of null here: not modelled
    raise EvalError("concat() takes arrays or strings, not both")


_FORMAT_ITEM = re.compile(r"\{(\d+)(?:,(-?\d+))?(?::([^{}]*))?\}")


def _format_one(value: Any, spec: str | None) -> Any:
    if isinstance(value, Unknown):
        return value
    if not spec:
        return to_text(value)
    if not is_int(value):
        return Unknown("", "expression")  # format strings for other types: not modelled
    m = re.fullmatch(r"([DdNnXx])(\d{0,2})", spec)
    if m is None:
        return Unknown("", "expression")
    kind, digits = m.group(1).upper(), m.group(2)
    if kind == "D":
        text = str(abs(value)).rjust(int(digits or 0), "0")
        return ("-" if value < 0 else "") + text
    if kind == "N":
        places = int(digits) if digits else 2
        return f"{value:,.{places}f}"
    if value < 0:
        return Unknown("", "expression")  # two's complement hex: not modelled
    text = format(value, "X" if m.group(1) == "X" else "x")
    return text.rjust(int(digits or 0), "0")


def fn_format(template: Any, *args: Any) -> Any:
    """.NET composite formatting: {0}, {1,-5}, {2:N0}, {{ and }}. Only D, N and X specifiers of
    ints are modelled."""
    unknown = _shallow(template)
    if unknown is not None:
        return opaque(unknown)
    template = _str(template, "format()'s first argument")
    out: list[str] = []
    i = 0
    while i < len(template):
        c = template[i]
        if c == "{" and template.startswith("{{", i):
            out.append("{")
            i += 2
            continue
        if c == "}" and template.startswith("}}", i):
            out.append("}")
            i += 2
            continue
        if c == "}":
            raise EvalError("format(): unbalanced }")
        if c != "{":
            out.append(c)
            i += 1
            continue
        m = _FORMAT_ITEM.match(template, i)
        if m is None:
            raise EvalError("format(): invalid format item")
        position = int(m.group(1))
        if position >= len(args):
            raise EvalError("format(): index beyond the arguments")
        text = _format_one(args[position], m.group(3))
        if isinstance(text, Unknown):
            return opaque(text)
        if m.group(2):
            width = int(m.group(2))
            if abs(width) > MAX_STRING:
                raise EvalError("format(): width too large")
            text = text.ljust(-width) if width < 0 else text.rjust(width)
        out.append(text)
        i = m.end()
    return _checked_str("".join(out))


def _string_function(method: Callable[..., Any]) -> Callable[..., Any]:
    """A function of string arguments: Unknown in, Unknown out; non-strings are errors."""

    def function(*args: Any) -> Any:
        unknown = _shallow(*args)
        if unknown is not None:
            return opaque(unknown)
        for a in args:
            _str(a)
        return method(*args)

    return function


def _to_lower(text: str) -> Any:
    lowered = _lower(text)
    return lowered if lowered is not None else Unknown("", "expression")


def _to_upper(text: str) -> Any:
    upper = _upper(text)
    return upper if upper is not None else Unknown("", "expression")


def _replace(text: str, old: str, new: str) -> Any:
    if old == "":
        raise EvalError("replace(): the old string is empty")
    return _checked_str(text.replace(old, new))


def fn_split(text: Any, delimiter: Any) -> Any:
    """.NET String.Split with separators: at each position the first separator (in the given
    order) that matches there cuts."""
    unknown = _shallow(text, delimiter) or _deep(delimiter)
    if unknown is not None:
        return opaque(unknown)
    text = _str(text)
    separators = [delimiter] if isinstance(delimiter, str) else delimiter
    if not isinstance(separators, list) or not all(isinstance(s, str) for s in separators):
        raise EvalError("split(): the delimiter is a string or an array of strings")
    separators = [s for s in separators if s]  # .NET ignores empty separators
    if not separators:
        return [text]
    parts, start, i = [], 0, 0
    while i < len(text):
        cut = next((s for s in separators if text.startswith(s, i)), None)
        if cut is None:
            i += 1
            continue
        parts.append(text[start:i])
        i += len(cut)
        start = i
    parts.append(text[start:])
    return _checked_list(parts)


def fn_join(items: Any, delimiter: Any) -> Any:
    unknown = _shallow(items, delimiter) or _deep(items)
    if unknown is not None:
        return opaque(unknown)
    delimiter = _str(delimiter)
    if not isinstance(items, list):
        raise EvalError("join() needs an array")
    texts = []
    for item in items:
        if isinstance(item, str):
            texts.append(item)
        elif is_int(item):
            texts.append(str(item))
        else:
            return Unknown("", "expression")  # ARM's rendering of other elements: not modelled
    return _checked_str(delimiter.join(texts))


def fn_substring(text: Any, start: Any = 0, length: Any = None) -> Any:
    unknown = _shallow(text, start, length)
    if unknown is not None:
        return opaque(unknown)
    text, start = _str(text), _int(start)
    if length is None:
        length = len(text) - start
    length = _int(length)
    if start < 0 or length < 0 or start + length > len(text):
        raise EvalError("substring(): index and length must refer to a location within the string")
    return text[start:start + length]


def _sequence(found: Any, name: str) -> Any:
    if not isinstance(found, (str, list)):
        raise EvalError(f"{name}() needs an array or a string")
    return found


def fn_take(found: Any, count: Any) -> Any:
    unknown = _shallow(found, count)
    if unknown is not None:
        return opaque(unknown)
    found, count = _sequence(found, "take"), _int(count)
    return found[:max(count, 0)]


def fn_skip(found: Any, count: Any) -> Any:
    unknown = _shallow(found, count)
    if unknown is not None:
        return opaque(unknown)
    found, count = _sequence(found, "skip"), _int(count)
    return found[max(count, 0):]


def fn_first(found: Any) -> Any:
    unknown = _shallow(found)
    if unknown is not None:
        return opaque(unknown)
    found = _sequence(found, "first")
    if not found:
        return Unknown("", "expression")  # ARM's value for an empty input: not modelled
    return found[0]


def fn_last(found: Any) -> Any:
    unknown = _shallow(found)
    if unknown is not None:
        return opaque(unknown)
    found = _sequence(found, "last")
    if not found:
        return Unknown("", "expression")
    return found[-1]


def fn_length(found: Any) -> Any:
    unknown = _shallow(found)
    if unknown is not None:
        return opaque(unknown)
    if isinstance(found, (str, list, dict)):
        return len(found)
    raise EvalError("length() needs an array, a string or an object")


def fn_empty(found: Any) -> Any:
    unknown = _shallow(found)
    if unknown is not None:
        return opaque(unknown)
    if found is None:
        return True
    if isinstance(found, (str, list, dict)):
        return len(found) == 0
    raise EvalError("empty() needs an array, a string or an object")


def fn_contains(container: Any, item: Any) -> Any:
    """Strings: case-sensitive substring; objects: a key, case-insensitive; arrays: an element
    equal to the item (an unknown element might be it)."""
    unknown = _shallow(container, item)
    if unknown is not None:
        return opaque(unknown)
    if isinstance(container, str):
        if not isinstance(item, str) and not is_int(item):
            raise EvalError("contains(): a string can contain only a string")
        return str(item) in container
    if isinstance(container, dict):
        if not isinstance(item, str):
            raise EvalError("contains(): an object key is a string")
        folded = _lower(item)
        if folded is None:
            return Unknown("", "expression")
        return any(_lower(k) == folded for k in container)
    if isinstance(container, list):
        unknown = _deep(item)
        if unknown is not None:
            return opaque(unknown)
        for element in container:
            if find_unknown(element) is None and equal(element, item):
                return True
        unknown = _deep(container)
        return opaque(unknown) if unknown is not None else False
    raise EvalError("contains() needs an array, an object or a string")


def _merge(left: dict[str, Any], right: dict[str, Any]) -> dict[str, Any]:
    """union() of objects: later values win; nested objects are merged, nested arrays replaced."""
    result = dict(left)
    for key, value in right.items():
        existing = next((k for k in result if k.lower() == key.lower()), None)
        if existing is not None and isinstance(result[existing], dict) and isinstance(value, dict):
            result[existing] = _merge(result[existing], value)
        elif existing is not None and isinstance(result[existing], Unknown) and isinstance(value, dict):
            result[existing] = opaque(result[existing])  # it might be an object to merge into
        else:
            if existing is not None and existing != key:
                del result[existing]
            result[existing if existing is not None else key] = value
    return result


def fn_union(*args: Any) -> Any:
    unknown = _shallow(*args)
    if unknown is not None:
        return opaque(unknown)
    if len(args) < 2:
        raise EvalError("union() needs two arguments or more")
    if all(isinstance(a, dict) for a in args):
        merged: dict[str, Any] = {}
        for a in args:
            merged = _merge(merged, a)
        return merged
    if all(isinstance(a, list) for a in args):
        unknown = _deep(*args)
        if unknown is not None:
            return opaque(unknown)  # an unknown element might duplicate another
        result: list[Any] = []
        for a in args:
            for item in a:
                if not any(equal(item, seen) for seen in result):
                    result.append(item)
        return result
    raise EvalError("union() takes arrays or objects, not both")


def fn_intersection(*args: Any) -> Any:
    unknown = _shallow(*args)
    if unknown is not None:
        return opaque(unknown)
    if len(args) < 2:
        raise EvalError("intersection() needs two arguments or more")
    unknown = _deep(*args)
    if unknown is not None:
        return opaque(unknown)
    if all(isinstance(a, dict) for a in args):
        first = args[0]
        return {k: v for k, v in first.items()
                if all(any(k2.lower() == k.lower() and equal(v2, v) for k2, v2 in other.items()) for other in args[1:])}
    if all(isinstance(a, list) for a in args):
        result: list[Any] = []
        for item in args[0]:
            if all(any(equal(item, o) for o in other) for other in args[1:]) and not any(equal(item, r) for r in result):
                result.append(item)
        return result
    raise EvalError("intersection() takes arrays or objects, not both")


def fn_coalesce(*args: Any) -> Any:
    if not args:
        raise EvalError("coalesce() needs arguments")
    for arg in args:
        if isinstance(arg, Unknown):
            return opaque(arg)  # it might be null, or the answer
        if arg is not None:
            return arg
    return None


def fn_json(text: Any) -> Any:
    unknown = _shallow(text)
    if unknown is not None:
        return opaque(unknown)
    text = _str(text)
    try:
        return json.loads(text, parse_constant=_no_constant)
    except (ValueError, RecursionError):
        return Unknown("", "expression")  # ARM's reader accepts more (single quotes, comments)


def _no_constant(name: str) -> Any:
    raise ValueError(name)


def fn_string(found: Any) -> Any:
    if isinstance(found, Unknown):
        return opaque(found)
    return to_text(found)


def fn_int(found: Any) -> Any:
    unknown = _shallow(found)
    if unknown is not None:
        return opaque(unknown)
    if is_int(found):
        return found
    if isinstance(found, str) and re.fullmatch(r"\s*[+-]?\d+\s*", found):
        return _checked_int(int(found))
    if isinstance(found, float):
        return Unknown("", "expression")  # rounding of ARM's int(): not modelled
    raise EvalError("int() needs an int or a string of digits")


def fn_bool(found: Any) -> Any:
    unknown = _shallow(found)
    if unknown is not None:
        return opaque(unknown)
    if isinstance(found, bool):
        return found
    if isinstance(found, str) and found.lower() in ("true", "false"):
        return found.lower() == "true"
    if is_int(found):
        return found != 0
    raise EvalError("bool() needs a bool, 'true'/'false' or an int")


def fn_array(found: Any) -> Any:
    unknown = _shallow(found)
    if unknown is not None:
        return opaque(unknown)
    if isinstance(found, list):
        return found
    if found is None:
        return Unknown("", "expression")
    return [found]


def fn_items(found: Any) -> Any:
    """[{key, value}] in key order (ARM sorts the keys, ignoring case)."""
    unknown = _shallow(found)
    if unknown is not None:
        return opaque(unknown)
    if not isinstance(found, dict):
        raise EvalError("items() needs an object")
    if not all(k.isascii() for k in found):
        return Unknown("", "expression")  # the order of other scripts: not modelled
    return [{"key": k, "value": found[k]} for k in sorted(found, key=lambda k: (k.lower(), k))]


def fn_object_keys(found: Any) -> Any:
    unknown = _shallow(found)
    if unknown is not None:
        return opaque(unknown)
    if not isinstance(found, dict):
        raise EvalError("objectKeys() needs an object")
    return list(found)


def fn_range(start: Any, count: Any) -> Any:
    unknown = _shallow(start, count)
    if unknown is not None:
        return opaque(unknown)
    start, count = _int(start), _int(count)
    if not 0 <= count <= MAX_ITEMS or start + count > 2 ** 31 - 1:
        raise EvalError("range(): count must be 0 to 10000 and start + count at most 2147483647")
    return list(range(start, start + count))


def _numbers(args: tuple[Any, ...], name: str) -> Any:
    unknown = _shallow(*args)
    if unknown is not None:
        return opaque(unknown)
    values = args[0] if len(args) == 1 and isinstance(args[0], list) else list(args)
    unknown = _deep(values)
    if unknown is not None:
        return opaque(unknown)
    if not values or not all(is_int(v) for v in values):
        raise EvalError(f"{name}() needs ints")
    return values


def fn_min(*args: Any) -> Any:
    values = _numbers(args, "min")
    return values if isinstance(values, Unknown) else min(values)


def fn_max(*args: Any) -> Any:
    values = _numbers(args, "max")
    return values if isinstance(values, Unknown) else max(values)


def _starts_with(text: str, part: str) -> Any:
    folded = _fold(text, part)
    return folded if isinstance(folded, Unknown) else folded[0].startswith(folded[1])


def _ends_with(text: str, part: str) -> Any:
    folded = _fold(text, part)
    return folded if isinstance(folded, Unknown) else folded[0].endswith(folded[1])


def fn_index_of(container: Any, item: Any) -> Any:
    """Strings: the first position, case-insensitive, -1 when absent; arrays: the first equal
    element (case-sensitive)."""
    return _index_of(container, item, last=False)


def fn_last_index_of(container: Any, item: Any) -> Any:
    return _index_of(container, item, last=True)


def _index_of(container: Any, item: Any, last: bool) -> Any:
    unknown = _shallow(container, item)
    if unknown is not None:
        return opaque(unknown)
    if isinstance(container, str):
        item = _str(item)
        if item == "":
            return Unknown("", "expression")  # .NET's answer for an empty value: not modelled
        folded = _fold(container, item)
        if isinstance(folded, Unknown):
            return folded
        return folded[0].rfind(folded[1]) if last else folded[0].find(folded[1])
    if isinstance(container, list):
        unknown = _deep(item)
        if unknown is not None:
            return opaque(unknown)
        positions = range(len(container) - 1, -1, -1) if last else range(len(container))
        for i in positions:
            if find_unknown(container[i]) is not None:
                return Unknown("", "expression")  # it might be the one
            if equal(container[i], item):
                return i
        return -1
    raise EvalError("indexOf() needs a string or an array")


def _dotnet_space(c: str) -> bool:
    """.NET Char.IsWhiteSpace (Python's isspace also counts \\x1c-\\x1f)."""
    return c in "\t\n\v\f\r \x85\xa0" or unicodedata.category(c) in ("Zs", "Zl", "Zp")


def _trim(text: str) -> str:
    start, end = 0, len(text)
    while start < end and _dotnet_space(text[start]):
        start += 1
    while end > start and _dotnet_space(text[end - 1]):
        end -= 1
    return text[start:end]


def fn_pad_left(found: Any, total: Any, pad: Any = " ") -> Any:
    unknown = _shallow(found, total, pad)
    if unknown is not None:
        return opaque(unknown)
    if is_int(found):
        found = str(found)
    found, total, pad = _str(found), _int(total), _str(pad)
    if len(pad) != 1:
        raise EvalError("padLeft(): the padding is one character")
    if total > MAX_STRING:
        raise EvalError("padLeft(): too long")
    return found.rjust(total, pad)


def _base64(text: str) -> str:
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def _base64_bytes(text: str) -> bytes:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (ValueError, UnicodeError):
        raise EvalError("not valid base64")


def _base64_to_string(text: str) -> Any:
    try:
        return _base64_bytes(text).decode("utf-8")
    except UnicodeDecodeError:
        return Unknown("", "expression")  # ARM's decoding of invalid UTF-8: not modelled


def _base64_to_json(text: str) -> Any:
    decoded = _base64_to_string(text)
    return decoded if isinstance(decoded, Unknown) else fn_json(decoded)


def _uri(base: str, relative: str) -> Any:
    """uri(): RFC 3986 resolution for plain http(s) URIs; anything .NET might normalise is
    Unknown."""
    parts = urllib.parse.urlsplit(base)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or parts.netloc != parts.netloc.lower() \
            or not parts.path or any(c in relative for c in "?#%\\") or re.search(r"(^|/)\.\.?(/|$)", relative) \
            or re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", relative) or parts.query or parts.fragment:
        return Unknown("", "expression")
    return urllib.parse.urljoin(base, relative)


def _uri_component(text: str) -> str:
    return urllib.parse.quote(text, safe="-._~")  # .NET Uri.EscapeDataString: unreserved kept


def _data_uri(text: str) -> str:
    return "data:text/plain;charset=utf8;base64," + _base64(text)


def _data_uri_to_string(text: str) -> Any:
    m = re.fullmatch(r"data:([^,]*?)(;base64)?,(.*)", text, re.S)
    if m is None:
        raise EvalError("dataUriToString(): not a data URI")
    if not m.group(2):
        return Unknown("", "expression")  # percent-encoded data URIs: not modelled
    return _base64_to_string(m.group(3))


def _array_arg(found: Any, name: str) -> list[Any]:
    if not isinstance(found, list):
        raise EvalError(f"{name}() needs an array")
    return found


def fn_flatten(found: Any) -> Any:
    unknown = _shallow(found)
    if unknown is not None:
        return opaque(unknown)
    result: list[Any] = []
    for item in _array_arg(found, "flatten"):
        if isinstance(item, Unknown):
            return opaque(item)
        if not isinstance(item, list):
            raise EvalError("flatten() needs an array of arrays")
        result.extend(item)
    return _checked_list(result)


def fn_try_get(found: Any, *keys: Any) -> Any:
    """tryGet(object, key...): null when a step is missing."""
    for key in keys:
        if isinstance(found, Unknown):
            return found
        if found is None:
            return None
        if isinstance(found, (dict, list)):
            found = get_property(found, key, safe=True)
        else:
            raise EvalError("tryGet() needs an object or an array")
    return found


def fn_shallow_merge(found: Any) -> Any:
    unknown = _shallow(found)
    if unknown is not None:
        return opaque(unknown)
    result: dict[str, Any] = {}
    for item in _array_arg(found, "shallowMerge"):
        if isinstance(item, Unknown):
            return opaque(item)
        if not isinstance(item, dict):
            raise EvalError("shallowMerge() needs an array of objects")
        result.update(item)
    return result


def fn_any(found: Any) -> Any:
    return found


def _unknowable(reason: str) -> Callable[..., Any]:
    def function(*_: Any) -> Any:
        return Unknown("", reason)

    return function


# lambdas: the evaluator passes itself first and calls the closure


def _call(ev: "Evaluator", closure: Any, *args: Any) -> Any:
    if not isinstance(closure, Closure):
        raise EvalError("a lambda is required")
    return ev.apply(closure, list(args))


def fn_filter(ev: "Evaluator", items: Any, predicate: Any) -> Any:
    unknown = _shallow(items)
    if unknown is not None:
        return opaque(unknown)
    result = []
    for i, item in enumerate(_array_arg(items, "filter")):
        keep = _call(ev, predicate, item, i)
        if isinstance(keep, Unknown):
            return opaque(keep)  # the result's length is not known
        if truth(keep):
            result.append(item)
    return result


def fn_map(ev: "Evaluator", items: Any, mapper: Any) -> Any:
    unknown = _shallow(items)
    if unknown is not None:
        return opaque(unknown)
    return [_call(ev, mapper, item, i) for i, item in enumerate(_array_arg(items, "map"))]


def fn_reduce(ev: "Evaluator", items: Any, initial: Any, reducer: Any) -> Any:
    unknown = _shallow(items)
    if unknown is not None:
        return opaque(unknown)
    current = initial
    for i, item in enumerate(_array_arg(items, "reduce")):
        current = _call(ev, reducer, current, item, i)
    return current


def fn_sort(ev: "Evaluator", items: Any, before: Any) -> Any:
    """sort(array, (a, b) => a goes before b): a stable insertion sort that asks the lambda."""
    unknown = _shallow(items)
    if unknown is not None:
        return opaque(unknown)
    result: list[Any] = []
    for item in _array_arg(items, "sort"):
        at = len(result)
        while at > 0:
            earlier = _call(ev, before, item, result[at - 1])
            if isinstance(earlier, Unknown):
                return opaque(earlier)
            if not truth(earlier):
                break
            at -= 1
        result.insert(at, item)
    return result


def fn_to_object(ev: "Evaluator", items: Any, key_of: Any, value_of: Any = None) -> Any:
    unknown = _shallow(items)
    if unknown is not None:
        return opaque(unknown)
    result: dict[str, Any] = {}
    for item in _array_arg(items, "toObject"):
        key = _call(ev, key_of, item)
        if isinstance(key, Unknown):
            return opaque(key)
        key = _str(key, "toObject()'s key")
        if any(k.lower() == key.lower() for k in result):
            raise EvalError("toObject(): duplicate key")
        result[key] = _call(ev, value_of, item) if value_of is not None else item
    return result


def fn_group_by(ev: "Evaluator", items: Any, key_of: Any) -> Any:
    unknown = _shallow(items)
    if unknown is not None:
        return opaque(unknown)
    result: dict[str, list[Any]] = {}
    for item in _array_arg(items, "groupBy"):
        key = _call(ev, key_of, item)
        if isinstance(key, Unknown):
            return opaque(key)
        result.setdefault(_str(key, "groupBy()'s key"), []).append(item)
    return result


def fn_map_values(ev: "Evaluator", found: Any, mapper: Any) -> Any:
    unknown = _shallow(found)
    if unknown is not None:
        return opaque(unknown)
    if not isinstance(found, dict):
        raise EvalError("mapValues() needs an object")
    return {k: _call(ev, mapper, v) for k, v in found.items()}


# files: relative to the .bicep file, inside the root folder only


def resolve_path(folder: str | None, root: str | None, path: str) -> str | None:
    """The real path of `path` written in a file of `folder`, when it stays inside `root`;
    None otherwise (no folder, an absolute path, a link or `..` out of the root)."""
    if folder is None or not path or os.path.isabs(path) or path.startswith(("~", "/", "\\")) or "\x00" in path:
        return None
    if re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", path):
        return None  # br:, ts:, https:, C:
    boundary = os.path.realpath(root if root is not None else folder)
    full = os.path.realpath(os.path.join(folder, path))
    try:
        if os.path.commonpath([boundary, full]) != boundary:
            return None
    except ValueError:
        return None
    return full


def read_file(folder: str | None, root: str | None, path: str) -> bytes | None:
    full = resolve_path(folder, root, path)
    if full is None or not os.path.isfile(full):
        return None
    try:
        with open(full, "rb") as handle:
            data = handle.read(MAX_FILE + 1)
    except OSError:
        return None
    return data if len(data) <= MAX_FILE else None


_ENCODINGS = {"utf-8": "utf-8", "utf-16": "utf-16", "utf-16be": "utf-16-be", "us-ascii": "ascii",
              "iso-8859-1": "latin-1"}


def _file_text(ev: "Evaluator", path: Any, encoding: Any = "utf-8") -> Any:
    unknown = _shallow(path, encoding)
    if unknown is not None:
        return opaque(unknown)
    path, encoding = _str(path), _str(encoding)
    codec = _ENCODINGS.get(encoding.lower())
    if codec is None:
        raise EvalError("unsupported encoding")
    data = read_file(ev.template.folder, ev.template.root, path)
    if data is None:
        return Unknown("", "expression")  # outside the folder, absent (maybe generated), too big
    if codec == "utf-8" and data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        return Unknown("", "expression")


def fn_load_text(ev: "Evaluator", path: Any, encoding: Any = "utf-8") -> Any:
    return _file_text(ev, path, encoding)


_JSON_PATH_STEP = re.compile(r"\.([A-Za-z_][\w-]*)|\[(\d+)\]|\['([^']*)'\]")


def _json_path(found: Any, path: str) -> Any:
    """A simple JSONPath ($.a.b[0]['c']); wildcards, filters and slices are Unknown."""
    if not path.startswith("$"):
        return Unknown("", "expression")
    at = 1
    while at < len(path):
        m = _JSON_PATH_STEP.match(path, at)
        if m is None:
            return Unknown("", "expression")
        key: Any = m.group(1) if m.group(1) is not None else (int(m.group(2)) if m.group(2) is not None else m.group(3))
        if isinstance(key, int) != isinstance(found, list) or not isinstance(found, (list, dict)):
            raise EvalError("loadJsonContent(): the path does not match the content")
        if isinstance(found, list):
            if key >= len(found):
                raise EvalError("loadJsonContent(): the path does not match the content")
            found = found[key]
        else:
            if key not in found:
                raise EvalError("loadJsonContent(): the path does not match the content")
            found = found[key]
        at = m.end()
    return found


def fn_load_json(ev: "Evaluator", path: Any, json_path: Any = None, encoding: Any = "utf-8") -> Any:
    text = _file_text(ev, path, encoding)
    if isinstance(text, Unknown):
        return text
    try:
        found = json.loads(text, parse_constant=_no_constant)
    except (ValueError, RecursionError):
        return Unknown("", "expression")  # comments and trailing commas: Bicep's reader is laxer
    if json_path is None:
        return found
    if isinstance(json_path, Unknown):
        return opaque(json_path)
    return _json_path(found, _str(json_path))


def fn_load_yaml(ev: "Evaluator", path: Any, path_filter: Any = None, encoding: Any = "utf-8") -> Any:
    text = _file_text(ev, path, encoding)
    if isinstance(text, Unknown):
        return text
    from parsers.cloudformation import reader  # a safe, bounded YAML reader of plain data

    document = reader.read(text.encode("utf-8"))
    if document.issues or _tagged(document.root, reader):
        return Unknown("", "expression")  # invalid, or tags (`!Ref`): Bicep's reading not modelled
    found = reader.plain(document.root)
    if not _plain_json(found):
        return Unknown("", "expression")  # tags and non-string keys: Bicep's reading not modelled
    if path_filter is None:
        return found
    if isinstance(path_filter, Unknown):
        return opaque(path_filter)
    return _json_path(found, _str(path_filter))


def _tagged(node: Any, reader: Any, depth: int = 0) -> bool:
    if node is None:
        return False
    if node.tag or node.style == "tag" or depth > MAX_DEPTH:
        return True
    if node.kind == reader.MAP:
        return any(_tagged(k, reader, depth + 1) or _tagged(v, reader, depth + 1) for k, v in node.value.values())
    if node.kind == reader.SEQ:
        return any(_tagged(v, reader, depth + 1) for v in node.value)
    return False


def _plain_json(found: Any, depth: int = 0) -> bool:
    if depth > MAX_DEPTH:
        return False
    if isinstance(found, dict):
        return all(isinstance(k, str) and _plain_json(v, depth + 1) for k, v in found.items())
    if isinstance(found, list):
        return all(_plain_json(v, depth + 1) for v in found)
    return found is None or isinstance(found, (bool, int, str)) or (isinstance(found, float) and math.isfinite(found))


def fn_load_base64(ev: "Evaluator", path: Any) -> Any:
    unknown = _shallow(path)
    if unknown is not None:
        return opaque(unknown)
    data = read_file(ev.template.folder, ev.template.root, _str(path))
    if data is None:
        return Unknown("", "expression")
    return base64.b64encode(data).decode("ascii")


def _arity(function: Callable[..., Any], low: int, high: int) -> Callable[..., Any]:
    """A function that checks its number of arguments: a wrong call is a Bicep error."""

    def checked(*args: Any) -> Any:
        if not low <= len(args) <= high:
            raise EvalError("wrong number of arguments")
        return function(*args)

    return checked


MANY = 1 << 16
_CONTEXT = _unknowable("variable")  # the deployment's scope: known only when deploying
_RUNTIME = _unknowable("resource")  # resource ids and runtime state: known at deployment, never empty
_OPAQUE = _unknowable("expression")  # hashes of unknown scopes, clocks, random values

# Bicep function name (lower case: Bicep matches names exactly, but the docs and ARM are
# case-insensitive and only one spelling exists) -> implementation over evaluated arguments.
FUNCTIONS: Mapping[str, Callable[..., Any]] = {
    # strings
    "concat": _arity(fn_concat, 1, MANY),
    "format": _arity(fn_format, 1, MANY),
    "tolower": _arity(_string_function(_to_lower), 1, 1),
    "toupper": _arity(_string_function(_to_upper), 1, 1),
    "replace": _arity(_string_function(_replace), 3, 3),
    "split": _arity(fn_split, 2, 2),
    "join": _arity(fn_join, 2, 2),
    "substring": _arity(fn_substring, 1, 3),
    "startswith": _arity(_string_function(_starts_with), 2, 2),
    "endswith": _arity(_string_function(_ends_with), 2, 2),
    "indexof": _arity(fn_index_of, 2, 2),
    "lastindexof": _arity(fn_last_index_of, 2, 2),
    "trim": _arity(_string_function(_trim), 1, 1),
    "padleft": _arity(fn_pad_left, 2, 3),
    "base64": _arity(_string_function(_base64), 1, 1),
    "base64tostring": _arity(_string_function(_base64_to_string), 1, 1),
    "base64tojson": _arity(_string_function(_base64_to_json), 1, 1),
    "uri": _arity(_string_function(_uri), 2, 2),
    "uricomponent": _arity(_string_function(_uri_component), 1, 1),
    "uricomponenttostring": _arity(_string_function(urllib.parse.unquote), 1, 1),
    "datauri": _arity(_string_function(_data_uri), 1, 1),
    "datauritostring": _arity(_string_function(_data_uri_to_string), 1, 1),
    "string": _arity(fn_string, 1, 1),
    # arrays and objects
    "take": _arity(fn_take, 2, 2),
    "skip": _arity(fn_skip, 2, 2),
    "first": _arity(fn_first, 1, 1),
    "last": _arity(fn_last, 1, 1),
    "length": _arity(fn_length, 1, 1),
    "empty": _arity(fn_empty, 1, 1),
    "contains": _arity(fn_contains, 2, 2),
    "union": _arity(fn_union, 1, MANY),
    "intersection": _arity(fn_intersection, 1, MANY),
    "coalesce": _arity(fn_coalesce, 1, MANY),
    "items": _arity(fn_items, 1, 1),
    "objectkeys": _arity(fn_object_keys, 1, 1),
    "range": _arity(fn_range, 2, 2),
    "min": _arity(fn_min, 1, MANY),
    "max": _arity(fn_max, 1, MANY),
    "flatten": _arity(fn_flatten, 1, 1),
    "tryget": _arity(fn_try_get, 2, MANY),
    "shallowmerge": _arity(fn_shallow_merge, 1, 1),
    "array": _arity(fn_array, 1, 1),
    # conversions
    "json": _arity(fn_json, 1, 1),
    "int": _arity(fn_int, 1, 1),
    "bool": _arity(fn_bool, 1, 1),
    "any": _arity(fn_any, 1, 1),
    # the deployment's context: Unknown ("variable")
    "resourcegroup": _arity(_CONTEXT, 0, 2),
    "subscription": _arity(_CONTEXT, 0, 1),
    "managementgroup": _arity(_CONTEXT, 0, 1),
    "tenant": _arity(_CONTEXT, 0, 0),
    "deployment": _arity(_CONTEXT, 0, 0),
    "environment": _arity(_CONTEXT, 0, 0),
    "readenvironmentvariable": _arity(_CONTEXT, 1, 2),
    "getsecret": _arity(_CONTEXT, 1, 4),
    # resource ids and runtime state: Unknown ("resource")
    "resourceid": _arity(_RUNTIME, 1, MANY),
    "subscriptionresourceid": _arity(_RUNTIME, 1, MANY),
    "tenantresourceid": _arity(_RUNTIME, 1, MANY),
    "extensionresourceid": _arity(_RUNTIME, 2, MANY),
    "managementgroupresourceid": _arity(_RUNTIME, 1, MANY),
    "reference": _arity(_RUNTIME, 1, 3),
    "listkeys": _arity(_RUNTIME, 2, 2),
    # hashes of the scope, clocks, random values: Unknown ("expression")
    "uniquestring": _arity(_OPAQUE, 1, MANY),
    "guid": _arity(_OPAQUE, 1, MANY),
    "newguid": _arity(_OPAQUE, 0, 0),
    "utcnow": _arity(_OPAQUE, 0, 1),
    "datetimeadd": _arity(_OPAQUE, 2, 3),
    "pickzones": _arity(_OPAQUE, 3, 5),
    "providers": _arity(_OPAQUE, 1, 2),
}

# Functions that take the evaluator first: they call lambdas or read files.
EVALUATOR_FUNCTIONS: Mapping[str, Callable[..., Any]] = {
    "filter": _arity(fn_filter, 3, 3),
    "map": _arity(fn_map, 3, 3),
    "reduce": _arity(fn_reduce, 4, 4),
    "sort": _arity(fn_sort, 3, 3),
    "toobject": _arity(fn_to_object, 3, 4),
    "groupby": _arity(fn_group_by, 3, 3),
    "mapvalues": _arity(fn_map_values, 3, 3),
    "loadtextcontent": _arity(fn_load_text, 2, 3),
    "loadjsoncontent": _arity(fn_load_json, 2, 4),
    "loadyamlcontent": _arity(fn_load_yaml, 2, 4),
    "loadfileasbase64": _arity(fn_load_base64, 2, 2),
}

# Bicep's function names as written (camelCase); a call is matched exactly after lower-casing
# only when the written name is one of these spellings.
_SPELLINGS = {name.lower(): name for name in (
    "concat format toLower toUpper replace split join substring startsWith endsWith indexOf lastIndexOf trim "
    "padLeft base64 base64ToString base64ToJson uri uriComponent uriComponentToString dataUri dataUriToString "
    "string take skip first last length empty contains union intersection coalesce items objectKeys range min "
    "max flatten tryGet shallowMerge array json int bool any resourceGroup subscription managementGroup tenant "
    "deployment environment readEnvironmentVariable getSecret resourceId subscriptionResourceId tenantResourceId "
    "extensionResourceId managementGroupResourceId reference listKeys uniqueString guid newGuid utcNow "
    "dateTimeAdd pickZones providers filter map reduce sort toObject groupBy mapValues loadTextContent "
    "loadJsonContent loadYamlContent loadFileAsBase64").split()}


# --- the template: params, vars, functions, imports, symbols -------------------------------------


class Template:
    """The symbols of one .bicep file; params and vars are evaluated on first use."""

    def __init__(self, parsed: ParsedFile, parameters: Mapping[str, Any] | None = None, *,
                 folder: str | None = None, root: str | None = None, import_depth: int = 0,
                 importing: frozenset[str] = frozenset()) -> None:
        blocks = parsed.blocks
        self.parsed = parsed
        self.folder = folder
        self.root = root if root is not None else folder
        self.params: dict[str, Resource] = dict(blocks.get("param", {}))
        self.vars: dict[str, Resource] = dict(blocks.get("var", {}))
        self.funcs: dict[str, Resource] = dict(blocks.get("func", {}))
        self.imports: dict[str, Resource] = dict(blocks.get("import", {}))
        self.modules: dict[str, Resource] = dict(blocks.get("module", {}))
        # resource symbols by address (`acct`, `acct::deployment`); a nested child is also
        # reachable by its own name (as inside its parent's body) when no other symbol has it
        self.resources: dict[str, Resource] = {r.address: r for r in parsed.resources}
        for resource in parsed.resources:
            symbol = resource.meta.get("symbol")
            if isinstance(symbol, str) and "::" in resource.address:
                self.resources.setdefault(symbol, resource)
        self.given = dict(parameters or {})
        self.import_depth = import_depth
        self.importing = importing  # real paths of the files importing this one: a cycle guard
        self.cache: dict[Any, Any] = {}
        self.active: set[str] = set()  # params / vars being evaluated: meeting one again is a cycle
        self.steps = 0
        self.depth = 0
        self._imported: dict[str, Any] | None = None

    # -- parsing source text, once per text --

    def node(self, text: str) -> Any:
        key = ("node", text)
        if key not in self.cache:
            node, issues = parse_expression(text)
            self.cache[key] = (node if node is not None and not issues else None,
                               text.encode("utf-8", errors="surrogatepass"))
        return self.cache[key]

    def evaluate_text(self, text: str, scope: Mapping[str, Any] | None = None) -> Any:
        """The value of Bicep expression text; Unknown when it cannot be known. A top-level call
        has its own step budget; nested ones (vars, imports) share their caller's."""
        node, data = self.node(text)
        if node is None:
            return Unknown(text, "expression")
        top = self.depth == 0
        if top:
            self.steps = 0
        try:
            found = Evaluator(self, data, dict(scope or {})).expr(node)
        except EvalError:
            found = Unknown(text, "expression")
        except RecursionError:
            found = Unknown(text, "expression")
        except (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError, ZeroDivisionError,
                UnicodeError, MemoryError):
            found = Unknown(text, "expression")  # a gap of ours: never a wrong value, never a crash
        finally:
            if top:
                self.depth = 0
        if isinstance(found, Unknown) and top:
            return Unknown(text, found.reason)  # reports show what is written, with the reason
        return found

    def plain(self, value: Value | None, scope: Mapping[str, Any] | None = None, depth: int = 0) -> Any:
        """A parsed Value tree as plain data, its Unknown parts evaluated."""
        if value is None:
            return None
        raw = value.raw
        if depth > MAX_DEPTH:
            return Unknown(_short(raw), "expression")
        if isinstance(raw, Unknown):
            return self.evaluate_text(raw.expr, scope)
        if isinstance(raw, dict):
            return {k: self.plain(v, scope, depth + 1) for k, v in raw.items()}
        if isinstance(raw, list):
            return [self.plain(v, scope, depth + 1) for v in raw]
        return raw

    # -- params and vars --

    def param(self, name: str) -> Any:
        key = "param:" + name
        if key in self.cache:
            return self.cache[key]
        unset = Unknown(name, "variable")
        record = self.params.get(name)
        if record is None:
            return unset
        if key in self.active or self.depth > MAX_DEPTH:
            return unset  # a default that uses itself
        if _is_secure(record):
            found: Any = unset  # never judged, so never printed
        elif name in self.given:
            found = self.given[name]
        elif record.attrs.get("default") is not None:
            self.active.add(key)
            try:
                found = self.plain(record.attrs["default"])
            finally:
                self.active.discard(key)
            if isinstance(found, Unknown) and found.reason == "expression":
                found = Unknown(name, found.reason)
        elif record.meta.get("nullable"):
            found = None  # `string?` with no value is null
        else:
            found = unset
        self.cache[key] = found
        return found

    def var(self, name: str) -> Any:
        key = "var:" + name
        if key in self.cache:
            return self.cache[key]
        record = self.vars.get(name)
        if record is None or key in self.active or self.depth > MAX_DEPTH:
            return Unknown(name, "local")  # undeclared here, or a cycle: never guess, never hang
        self.active.add(key)
        try:
            found = self.plain(record.attrs.get("value"))
        finally:
            self.active.discard(key)
        self.cache[key] = found
        return found

    # -- imports --

    def imported(self) -> dict[str, Any]:
        """Names this file imports -> ("symbol", Template, exported name) | ("namespace",
        Namespace) | Unknown (a registry import, a file outside the root, too deep, a cycle)."""
        if self._imported is None:
            self._imported = {}
            for local, record in self.imports.items():
                found = self._import(local, record)
                if found is not None and "#" not in local:
                    self._imported[local] = found
        return self._imported

    def _import(self, local: str, record: Resource) -> Any:
        source = _attr_text(record, "from")
        exported = _attr_text(record, "symbol")
        if exported is None:
            return None  # an old provider import (`import 'az@1.0.0'`): not a value
        other = self.load(source) if source is not None else None
        if exported == "*":
            return Namespace(other, local)
        return ("symbol", other, exported) if other is not None else Unknown(local, "local")

    def load(self, source: str) -> "Template | None":
        """The template of a local file this one imports; None when it cannot be followed."""
        if self.import_depth >= MAX_IMPORT_DEPTH:
            return None
        full = resolve_path(self.folder, self.root, source)
        if full is None or full in self.importing:
            return None
        key = ("import", full)
        if key in self.cache:
            return self.cache[key]
        self.cache[key] = None  # a cycle through this file meets None
        data = read_file(self.folder, self.root, source)
        if data is None:
            return None
        try:
            from parsers.bicep.parse import parse

            parsed = parse(full, data)
        except Exception:  # the parser never raises; if it does, the import is just not followed
            return None
        other = Template(parsed, None, folder=os.path.dirname(full), root=self.root,
                         import_depth=self.import_depth + 1, importing=self.importing | {full})
        self.cache[key] = other
        return other

    def exported(self, name: str) -> Any:
        """An exported var, function or type of this template, as a value (functions as
        Closures); Unknown when it is not there."""
        if name in self.vars and _is_exported(self.vars[name]):
            return self.var(name)
        if name in self.funcs and _is_exported(self.funcs[name]):
            return self.function(name)
        imported = self.imported().get(name)  # re-exported imports
        if isinstance(imported, tuple) and imported[1] is not None and self.depth < MAX_DEPTH:
            return imported[1].exported(imported[2])
        return Unknown(name, "local")

    def function(self, name: str) -> Any:
        """A user-defined function as a Closure over no scope (Bicep functions see only their
        arguments and other functions)."""
        record = self.funcs.get(name)
        body = _attr_text(record, "value") if record is not None else None
        if body is None:
            return Unknown(name, "expression")
        node, data = self.node(body)
        if node is None:
            return Unknown(name, "expression")
        return Closure(_func_params(record), (data, node), FUNCTION_SCOPE, self)


def _decorator_names(record: Resource) -> list[str]:
    """The names of a declaration's decorators (meta "decorators": name -> argument text)."""
    decorators = record.meta.get("decorators") or {}
    return [name for name in decorators if isinstance(name, str)]


def _attr_text(record: Resource | None, name: str) -> str | None:
    """A record attribute written as plain text (import paths and names, function bodies)."""
    value = record.attrs.get(name) if record is not None else None
    return value.raw if value is not None and isinstance(value.raw, str) else None


def _is_secure(record: Resource) -> bool:
    return "secure" in _decorator_names(record)


def _is_exported(record: Resource) -> bool:
    return "export" in _decorator_names(record)


def _short(raw: Any) -> str:
    text = repr(raw)
    return text[:MAX_EXPR]


# --- expressions ---------------------------------------------------------------------------------


class Evaluator:
    """Evaluates syntax nodes of one expression text within a template and a scope (loop items,
    lambda parameters)."""

    def __init__(self, template: Template, data: bytes, scope: dict[str, Any], in_function: bool = False) -> None:
        self.template = template
        self.data = data
        self.scope = scope
        self.in_function = in_function  # a user-defined function sees only its arguments

    def text(self, node: Any) -> str:
        return self.data[node.start:node.end].decode("utf-8", "replace")[:MAX_EXPR]

    def expr(self, node: Any) -> Any:
        """A node's value as data: symbols, namespaces and lambdas become Unknown."""
        found = self.raw(node)
        if isinstance(found, Symbol):
            return Unknown(self.text(node), found.kind)
        if isinstance(found, (Namespace, Closure)):
            raise EvalError("not a value")
        return found

    def raw(self, node: Any) -> Any:
        t = self.template
        t.steps += 1
        if t.steps > MAX_STEPS:
            raise EvalError("evaluation budget exhausted")
        t.depth += 1
        try:
            if t.depth > MAX_DEPTH:
                return Unknown(self.text(node), "expression")
            method = getattr(self, "on_" + type(node).__name__, None)
            if method is None:
                return Unknown(self.text(node), "expression")
            found = method(node)
        finally:
            t.depth -= 1
        if isinstance(found, Unknown) and found.expr == "":
            return Unknown(self.text(node), found.reason)  # reports show the written expression
        if isinstance(found, (list, str)):
            t.steps += len(found) // (1 if isinstance(found, list) else 64)  # big values cost their size
        return found

    # literals and collections

    def on_Literal(self, node: Any) -> Any:
        return node.value

    def on_Interpolated(self, node: Any) -> Any:
        return interpolate([part if isinstance(part, str) else self.expr(part) for part in node.parts])

    def on_Parenthesized(self, node: Any) -> Any:
        return self.raw(node.expr)

    def on_NonNull(self, node: Any) -> Any:
        return self.raw(node.expr)  # `x!` only tells the type checker

    def on_Array(self, node: Any) -> Any:
        result: list[Any] = []
        for item in node.items:
            if type(item).__name__ == "Spread":
                found = self.expr(item.value)
                if isinstance(found, Unknown):
                    return opaque(found)  # the length is not known
                if not isinstance(found, list):
                    raise EvalError("only an array can be spread into an array")
                result.extend(found)
            else:
                result.append(self.expr(item))
        return _checked_list(result)

    def on_Object(self, node: Any) -> Any:
        result: dict[str, Any] = {}
        for prop in node.properties:
            if type(prop).__name__ == "Spread":
                found = self.expr(prop.value)
                if isinstance(found, Unknown):
                    return opaque(found)  # the keys are not known
                if found is None:
                    continue
                if not isinstance(found, dict):
                    raise EvalError("only an object can be spread into an object")
                for key, value in found.items():
                    _set_key(result, key, value)
                continue
            key_node = prop.key
            if type(key_node).__name__ == "Identifier":
                key: Any = key_node.name
            else:
                key = self.expr(key_node)
            if isinstance(key, Unknown):
                return opaque(key)
            if not isinstance(key, str):
                raise EvalError("a property name must be a string")
            _set_key(result, key, self.expr(prop.value))
        return result

    # names

    def on_Identifier(self, node: Any) -> Any:
        name = node.name
        if name in self.scope:
            return self.scope[name]
        t = self.template
        if name in ("true", "false", "null"):
            return {"true": True, "false": False, "null": None}[name]
        if not self.in_function:
            if name in t.params:
                return t.param(name)
            if name in t.vars:
                return t.var(name)
            if name in t.resources:
                return Symbol("resource", name, t.resources[name])
            if name in t.modules:
                return Symbol("module", name, t.modules[name])
        imported = t.imported().get(name)
        if imported is not None:
            return self.import_value(imported, name)
        return Unknown(name, "expression")  # not a name we know (a Bicep error, or ours)

    def import_value(self, imported: Any, name: str) -> Any:
        if isinstance(imported, Namespace):
            return imported
        if isinstance(imported, tuple):
            other = imported[1]
            if other is None:
                return Unknown(name, "local")
            other.depth = self.template.depth
            other.steps = self.template.steps
            try:
                return other.exported(imported[2])
            finally:
                self.template.steps = other.steps
                other.depth = 0
        return imported

    def on_Member(self, node: Any) -> Any:
        target = self.raw(node.obj)
        if isinstance(target, Symbol) and node.nested:
            child = self.template.resources.get(f"{target.record.address}::{node.name}")
            return Symbol("resource", child.address, child) if child is not None else Unknown("", "resource")
        if isinstance(target, Symbol):
            return self.symbol_property(target, node.name)
        if isinstance(target, Namespace):
            if target.template is None:
                return Unknown(self.text(node), "local")
            return self.import_value(("symbol", target.template, node.name), node.name)
        if isinstance(target, Closure):
            raise EvalError("a function has no properties")
        if isinstance(target, Unknown):
            return Unknown(self.text(node), target.reason)  # `resourceGroup().location`, whole
        return get_property(target, node.name, node.safe)

    def on_Index(self, node: Any) -> Any:
        target = self.raw(node.obj)
        key = self.expr(node.index)
        if isinstance(target, Symbol):
            if target.index is None and target.record is not None and (target.record.meta.get("loop")):
                return Symbol(target.kind, target.name, target.record, key)
            if isinstance(key, str):
                return self.symbol_property(target, key)
            return Unknown(self.text(node), target.kind)
        if isinstance(target, (Namespace, Closure)):
            raise EvalError("cannot index this")
        if isinstance(target, Unknown):
            return Unknown(self.text(node), target.reason)
        if isinstance(key, Unknown):
            return opaque(key)
        return get_property(target, key, node.safe)

    def symbol_property(self, symbol: Symbol, name: str) -> Any:
        """`acct.name`, `acct.type`, `acct.apiVersion` as written in this file; any other
        property of a resource is known only at deployment; a module's are its outputs."""
        if symbol.kind == "module":
            return Unknown("", "module")
        record = symbol.record
        lowered = name.lower()
        if symbol.index is None and not record.meta.get("loop") and lowered in ("name", "type", "apiversion"):
            if lowered == "type":
                return record.native_type
            if lowered == "apiversion":
                version = record.meta.get("api_version")
                return version if isinstance(version, str) else Unknown("", "resource")
            written = record.attrs.get("name")
            if written is not None and not self.in_function:
                key = "name:" + symbol.name
                t = self.template
                if key in t.active:
                    return Unknown("", "resource")
                t.active.add(key)
                try:
                    found = t.plain(written)
                finally:
                    t.active.discard(key)
                if not isinstance(found, Unknown):
                    return found
        return Unknown("", "resource")

    # operators

    def on_Unary(self, node: Any) -> Any:
        operand = self.expr(node.operand)
        if isinstance(operand, Unknown):
            return opaque(operand)
        if node.op == "!":
            return not truth(operand)
        if not is_number(operand):
            raise EvalError("a number is required")
        return _checked_int(-operand) if node.op == "-" and is_int(operand) else (
            -operand if node.op == "-" else operand)

    def on_Binary(self, node: Any) -> Any:
        op = node.op
        if op == "??":
            left = self.expr(node.left)
            if isinstance(left, Unknown):
                return opaque(left)  # it might be null
            return self.expr(node.right) if left is None else left
        if op in ("&&", "||"):
            decided = op == "||"  # true || x is true, false && x is false, whatever x is
            left = self.expr(node.left)
            if not isinstance(left, Unknown) and truth(left) == decided:
                return decided
            right = self.expr(node.right)
            if not isinstance(right, Unknown) and truth(right) == decided:
                return decided
            for side in (left, right):
                if isinstance(side, Unknown):
                    return opaque(side)
            return not decided
        return binary(op, self.expr(node.left), self.expr(node.right))

    def on_Ternary(self, node: Any) -> Any:
        condition = self.expr(node.condition)
        if isinstance(condition, Unknown):
            yes, no = self.expr(node.then), self.expr(node.otherwise)
            if find_unknown(yes) is None and find_unknown(no) is None and equal(yes, no):
                return yes  # both branches agree: the condition does not matter
            return opaque(condition)
        return self.raw(node.then if truth(condition) else node.otherwise)  # ARM evaluates one branch

    # loops and lambdas

    def on_ForExpr(self, node: Any) -> Any:
        iterable = self.expr(node.iterable)
        if isinstance(iterable, Unknown):
            return opaque(iterable)
        if not isinstance(iterable, list):
            raise EvalError("a loop needs an array (use items() for an object)")
        result = []
        outer = self.scope
        try:
            for i, item in enumerate(iterable):
                self.scope = dict(outer)
                if node.item is not None:
                    self.scope[node.item.name] = item
                if node.index is not None:
                    self.scope[node.index.name] = i
                if node.condition is not None:
                    keep = self.expr(node.condition)
                    if isinstance(keep, Unknown):
                        return opaque(keep)  # the result's length is not known
                    if not truth(keep):
                        continue
                result.append(self.expr(node.body))
        finally:
            self.scope = outer
        return result

    def on_IfExpr(self, node: Any) -> Any:
        condition = self.expr(node.condition)
        if isinstance(condition, Unknown):
            return opaque(condition)
        return self.expr(node.body) if truth(condition) else None

    def on_Lambda(self, node: Any) -> Any:
        return Closure([p.name for p in node.params], (self.data, node.body), dict(self.scope), self.template)

    def apply(self, closure: Closure, args: list[Any]) -> Any:
        """Call a lambda or a user-defined function with evaluated arguments. Lambdas given to
        map/filter may ignore the index argument they are also passed."""
        if len(closure.params) > len(args):
            raise EvalError("too few arguments")
        scope = dict(closure.scope)
        scope.update(zip(closure.params, args))
        data, node = closure.body
        t = closure.template
        if t is not self.template:
            t.depth, t.steps = self.template.depth, self.template.steps
        try:
            return Evaluator(t, data, scope, in_function=self.in_function or closure.scope is FUNCTION_SCOPE
                             ).expr(node)
        finally:
            if t is not self.template:
                self.template.steps = t.steps
                t.depth = 0

    # calls

    def on_Call(self, node: Any) -> Any:
        name = node.name
        target = node.target
        namespace = node.namespace
        if target is not None and namespace not in ("sys", "az"):
            found = self.raw(target)
            if isinstance(found, Namespace):
                if found.template is None:
                    return Unknown("", "local")
                function = self.import_value(("symbol", found.template, name), name)
                return self.call_closure(function, node)
            if isinstance(found, Symbol):
                return Unknown("", "resource" if found.kind == "resource" else "module")  # acct.listKeys()
            if isinstance(found, Unknown):
                return opaque(found)
            raise EvalError("only resources and namespaces have functions")
        t = self.template
        if namespace is None:
            if name in t.funcs:
                return self.call_closure(t.function(name), node)
            imported = t.imported().get(name)
            if imported is not None:
                return self.call_closure(self.import_value(imported, name), node)
        lowered = name.lower()
        if _SPELLINGS.get(lowered) != name and not lowered.startswith("list"):
            return Unknown("", "expression")  # not a function we know
        if lowered.startswith("list") and lowered not in FUNCTIONS and lowered not in EVALUATOR_FUNCTIONS:
            return Unknown("", "resource")  # listKeys(), listSecrets()...: runtime values
        args = [self.raw(a) for a in node.args]
        if lowered in EVALUATOR_FUNCTIONS:
            return EVALUATOR_FUNCTIONS[lowered](self, *args)
        for arg in args:
            if isinstance(arg, (Closure, Namespace)):
                raise EvalError("a lambda is not allowed here")
        args = [Unknown(self.text(a), arg.kind) if isinstance(arg, Symbol) else arg for a, arg in zip(node.args, args)]
        return FUNCTIONS[lowered](*args)

    def call_closure(self, function: Any, node: Any) -> Any:
        if isinstance(function, Unknown):
            return function
        if not isinstance(function, Closure):
            raise EvalError("not a function")
        args = [self.expr(a) for a in node.args]
        if len(args) != len(function.params):
            raise EvalError("wrong number of arguments")
        return self.apply(function, args)


FUNCTION_SCOPE: dict[str, Any] = {}  # the (empty) scope of user-defined functions


def _set_key(result: dict[str, Any], key: str, value: Any) -> None:
    """ARM property names are case-insensitive: a later key replaces an earlier one."""
    for existing in list(result):
        if existing.lower() == key.lower():
            del result[existing]
    result[key] = value


def _func_params(record: Resource) -> list[str]:
    """The parameter names of a user-defined function record (attrs "params": ["name type"])."""
    written = record.attrs.get("params")
    found = []
    for param in written.raw if written is not None and isinstance(written.raw, list) else ():
        m = re.match(r"\s*([A-Za-z_]\w*)", param.raw if isinstance(param, Value) and isinstance(param.raw, str) else "")
        if m:
            found.append(m.group(1))
    return found


# --- resources -----------------------------------------------------------------------------------


def evaluate(parsed: ParsedFile, parameters: Mapping[str, Any] | None = None, *, folder: str | None = None,
             root: str | None = None) -> ParsedFile:
    """`parsed` with its resources evaluated: dropped when their condition is false, one per loop
    instance when that matters (see the module docstring), attribute values as Values at the
    spans where they are written. `parameters` (plain data, Unknown allowed) override the params'
    defaults. `folder` is the .bicep file's directory (files it reads resolve there); `root`
    bounds every file read (default: `folder`)."""
    try:
        template = Template(parsed, parameters, folder=folder, root=root)
    except Exception:  # blocks not shaped as the parser promises: leave the file as written
        return parsed
    resources: list[Resource] = []
    for resource in parsed.resources:
        try:
            resources.extend(_resource_instances(resource, template))
        except Exception:  # a bug of ours: the resource as written (its Unknowns stay Unknown)
            resources.append(resource)
    return dataclasses.replace(parsed, resources=tuple(resources))


def _uses(values: Sequence[Value], texts: Sequence[str], names: Sequence[str]) -> bool:
    """Some written expression mentions one of `names` (a loop's item or index)."""
    if not names:
        return False
    pattern = re.compile(r"(?<![\w.$])(?:" + "|".join(re.escape(n) for n in names) + r")(?!\w)")
    for text in texts:
        if pattern.search(text):
            return True
    for value in values:
        for inner in _walk(value):
            if isinstance(inner.raw, Unknown) and pattern.search(inner.raw.expr):
                return True
    return False


def _walk(value: Value, depth: int = 0) -> Any:
    yield value
    if depth > MAX_DEPTH:
        return
    raw = value.raw
    children = raw.values() if isinstance(raw, dict) else raw if isinstance(raw, list) else ()
    for child in children:
        if isinstance(child, Value):
            yield from _walk(child, depth + 1)


def instances(meta: Mapping[str, Any], values: Sequence[Value], template: Template
              ) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(address suffix, scope, extra meta) for each instance of a resource or module with a
    loop and / or a condition; [] when none is deployed."""
    loop = meta.get("loop")
    condition = meta.get("condition")
    found: list[tuple[str, dict[str, Any], dict[str, Any]]] = [("", {}, {})]
    if isinstance(loop, Mapping):
        names = [n for n in (loop.get("item"), loop.get("index")) if isinstance(n, str) and n]
        unknown_scope = {n: Unknown(n, "expression") for n in names}
        iterable_text = loop.get("iterable")
        iterable = template.evaluate_text(iterable_text) if isinstance(iterable_text, str) else Unknown("", "expression")
        if isinstance(iterable, list) and not iterable:
            return []  # nothing is deployed
        texts = [condition] if isinstance(condition, str) else []
        if isinstance(iterable, list) and len(iterable) <= MAX_RESOURCE_INSTANCES and _uses(values, texts, names):
            found = []
            for i, item in enumerate(iterable):
                scope = {}
                if isinstance(loop.get("item"), str):
                    scope[loop["item"]] = item
                if isinstance(loop.get("index"), str):
                    scope[loop["index"]] = i
                found.append((f"[{i}]", scope, {"index": i}))
        else:
            found = [("", unknown_scope, {})]
    if not isinstance(condition, str):
        return found
    kept = []
    for suffix, scope, extra in found:
        decided = template.evaluate_text(condition, scope)
        if isinstance(decided, Unknown):
            kept.append((suffix, scope, {**extra, "assumes": ((condition, True),)}))
        elif decided is True:
            kept.append((suffix, scope, extra))
        elif decided is not False:
            kept.append((suffix, scope, {**extra, "assumes": ((condition, True),)}))  # not a bool: ARM rejects it
    return kept


def _resource_instances(resource: Resource, template: Template) -> list[Resource]:
    found = []
    for suffix, scope, extra in instances(resource.meta, list(resource.attrs.values()), template):
        # texts without loop variables evaluate the same in every resource: share them
        key = resource.address + suffix if scope else ""
        attrs = _evaluate_attrs(resource.attrs, template, scope, key)
        meta = {**resource.meta, **extra} if extra else resource.meta
        if attrs is resource.attrs and not suffix and meta is resource.meta:
            found.append(resource)
        else:
            found.append(dataclasses.replace(resource, address=resource.address + suffix, attrs=attrs, meta=meta))
    return found


def _evaluate_attrs(attrs: Mapping[str, Value], template: Template, scope: Mapping[str, Any],
                    key: str) -> Mapping[str, Value]:
    result: dict[str, Value] = {}
    changed = False
    for name, written in attrs.items():
        new = _evaluate_value(written, template, scope, key)
        changed = changed or new is not written
        if new is not None:
            result[name] = new
    return result if changed else attrs


def _evaluate_value(written: Value, template: Template, scope: Mapping[str, Any], key: str) -> Value | None:
    """The Value evaluated (the same object when nothing changed); None when it became null."""
    raw = written.raw
    if isinstance(raw, Unknown):
        cache_key = ("expr", raw.expr, key)  # the same text recurs across resources
        if cache_key not in template.cache:
            template.cache[cache_key] = template.evaluate_text(raw.expr, scope)
        found = template.cache[cache_key]
        if isinstance(found, Unknown):
            if found.reason == raw.reason:
                return written
            return dataclasses.replace(written, raw=Unknown(raw.expr, found.reason), origin=UNRESOLVED)
        if found is None:
            return None
        return as_value(found, written)
    if isinstance(raw, dict):
        inner = _evaluate_attrs(raw, template, scope, key)
        return written if inner is raw else dataclasses.replace(written, raw=inner)
    if isinstance(raw, list):
        items = [_evaluate_value(v, template, scope, key) for v in raw]
        if all(new is old for new, old in zip(items, raw)):
            return written
        # a null element of an array stays null (it is not a property)
        return dataclasses.replace(written, raw=[new if new is not None else dataclasses.replace(old, raw=None)
                                                 for new, old in zip(items, raw)])
    return written


def as_value(found: Any, written: Value, depth: int = 0) -> Value:
    """Plain data -> a Value at the written expression's span (nested parts share it)."""
    if depth > MAX_DEPTH:
        raw: Any = Unknown(_short(found), "expression")
    elif isinstance(found, dict):
        raw = {k: as_value(v, written, depth + 1) for k, v in found.items()}
    elif isinstance(found, list):
        raw = [as_value(v, written, depth + 1) for v in found]
    else:
        raw = found
    return Value(raw, written.span, UNRESOLVED if isinstance(raw, Unknown) else EXPLICIT, written.key_span)


# --- module calls --------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class ModuleInput:
    """One instance of a module call, as the caller evaluates it.

    `kind`: "local" (a .bicep/.json file inside the root: `path` is its real path), "registry"
    (`br:`, `br/alias:`), "template-spec" (`ts:`), "unresolved" (a local path outside the root,
    missing, or not a string). `params`: param name -> plain value (Unknown allowed), or an
    Unknown when the whole `params` object is not known. `spans`: param name -> (value span,
    key span) of the argument as written. `meta`: "index" (a loop instance), "assumes" (an
    undecidable condition, as for resources), "symbol".
    """

    name: str
    address: str
    source: str | None
    kind: str
    path: str | None
    params: Any
    spans: Mapping[str, tuple[Span | None, Span | None]]
    span: Span
    meta: Mapping[str, Any]


def module_inputs(parsed: ParsedFile, parameters: Mapping[str, Any] | None = None, *,
                  folder: str | None = None, root: str | None = None) -> list[ModuleInput]:
    """Every deployed instance of every module call in `parsed`, with its arguments evaluated
    in the caller (`parameters` are the caller's own params, as for `evaluate`). Never raises."""
    try:
        template = Template(parsed, parameters, folder=folder, root=root)
        records = list(parsed.blocks.get("module", {}).items())
    except Exception:
        return []
    found: list[ModuleInput] = []
    for name, record in records:
        try:
            found.extend(_module_instances(name, record, template))
        except Exception:  # a bug of ours: this call is not followed
            continue
    return found


def _module_source(record: Resource) -> str | None:
    source = record.meta.get("source")
    if source is None:
        written = record.attrs.get("source")
        source = written.raw if written is not None else None
    return source if isinstance(source, str) else None


def _module_instances(name: str, record: Resource, template: Template) -> list[ModuleInput]:
    source = _module_source(record)
    if source is None:
        kind, path = "unresolved", None
    elif source.startswith("br:") or source.startswith("br/"):
        kind, path = "registry", None
    elif source.startswith("ts:") or source.startswith("ts/"):
        kind, path = "template-spec", None
    else:
        path = resolve_path(template.folder, template.root, source)
        kind = "local" if path is not None and os.path.isfile(path) else "unresolved"
        if kind == "unresolved":
            path = None
    written = record.attrs.get("params")
    symbol = record.meta.get("symbol") or name
    found = []
    values = [v for k, v in record.attrs.items() if k != "source"]
    for suffix, scope, extra in instances(record.meta, values, template):
        spans: dict[str, tuple[Span | None, Span | None]] = {}
        params: Any = {}
        if written is not None and isinstance(written.raw, dict):
            for key, value in written.raw.items():
                argument = template.plain(value, scope)
                if isinstance(argument, Unknown) and isinstance(value.raw, Unknown):
                    argument = Unknown(value.raw.expr, argument.reason)  # as the caller wrote it
                params[key] = argument
                spans[key] = (value.span, value.key_span)
        elif written is not None:
            params = template.plain(written, scope)
            if isinstance(params, dict):
                spans = {key: (written.span, written.key_span) for key in params}
            elif not isinstance(params, Unknown):
                params = Unknown(_short(params), "expression")
        found.append(ModuleInput(name, symbol + suffix, source, kind, path, params, spans, record.span,
                                 {**extra, "symbol": symbol}))
    return found
