"""CloudFormation template evaluation: parameters, mappings, conditions and intrinsic functions
become values, so checks judge what will be deployed instead of reporting UNKNOWN.

`evaluate(parsed, parameters)` takes what `parse.parse` returned (properties as written, intrinsic
functions in their long form `{"Fn::Join": [...]}`) and returns a ParsedFile whose resources'
attrs are evaluated Values. What cannot be known before deployment is `Unknown(expr, reason)`,
`expr` being the YAML short form of what was written:

- `!Ref Bucket`, `!GetAtt Role.Arn` (reason "resource": a managed resource's value, known after
  deployment and never empty; the context graph reads the logical id from exactly these forms);
- `!Ref Env` (reason "variable": a parameter with no value, a NoEcho or SSM parameter) and
  `!Ref AWS::Region` (pseudo parameters, reason "variable"), `!GetAZs ""` ("variable");
- `!ImportValue name` ("import"), `!Transform Name` ("transform": a macro decides the value);
- `!If [Cond, a, b]` ("condition": an undecidable condition beyond the per-resource cap);
- `!Sub text`, `!Join [...]` and the other functions: the reason of the unknown part they depend
  on. A Sub/Join whose only unknown parts are resource values or pseudo parameters is a string
  known at deployment and never empty: reason "resource" (the expr is then `!Sub ...`/`!Join ...`).
  Any other function of a resource value loses "resource" (a Select or FindInMap may be empty);
- reason "expression": what CloudFormation itself would reject (a missing mapping key, a Join of
  a non-list, an unknown function, a condition cycle) or what we do not evaluate.

Conditions are decided when they can be (also through parameter AllowedValues and the constants
a parameter is compared with: `Equals [!Ref Env, prod]` and `Equals [!Ref Env, dev]` are never
both true). A resource whose Condition is false is dropped. A resource that depends on
undecidable conditions is returned once per feasible combination of them (at most
MAX_CONDITIONS conditions per resource), each copy with `meta["assumes"]`, a sorted tuple of
(condition name, outcome) pairs; a copy whose own Condition would be false is not returned.

Choices:
- NoEcho parameters are Unknown ("variable") even when a value or default is known: a value that
  is never judged is never printed (as Terraform's sensitive variables).
- `AWS::NoValue` removes the property (or list element), so the provider default applies.
- `Transform: AWS::Serverless-2016-10-31` (SAM) and the other AWS transforms in PLAIN_TRANSFORMS
  leave resources as written. Any other top-level macro may rewrite anything: each resource is
  still evaluated as written and marked `meta["transform"] = "<macro names>"`. A property-level
  `Fn::Transform` makes that value Unknown ("transform"); in a resource's Properties it also
  marks the resource.
- Values keep the span of where the property is written: a Ref to a parameter has the Ref's
  span (not the parameter's default), a chosen Fn::If branch its own span, a Select the picked
  element's, any other function the function's span; the property's key_span is kept.
- Nested stacks (`AWS::CloudFormation::Stack`) are not followed; their Parameters are evaluated
  like any property.

Never raises on template content: a bad shape is Unknown, a bug of ours makes the resource's
properties Unknown.
"""
from __future__ import annotations

import base64
import dataclasses
import ipaddress
import itertools
import json
import math
import re
from typing import Any, Callable, Mapping

from analyzer.model import EXPLICIT, UNRESOLVED, ParsedFile, Resource, Unknown, Value, to_plain

MAX_DEPTH = 64  # nested values / condition chains deeper than this are Unknown
MAX_CONDITIONS = 3  # undecidable conditions assumed per resource: at most 2**3 = 8 copies
MAX_ASSIGNMENTS = 4096  # parameter combinations tried when deciding a condition
MAX_PARAMETER_FILE = 1 << 20
MAX_EXPR = 2000  # characters of an Unknown's expr text

PSEUDO = frozenset({
    "AWS::AccountId", "AWS::NotificationARNs", "AWS::NoValue", "AWS::Partition", "AWS::Region",
    "AWS::StackId", "AWS::StackName", "AWS::URLSuffix",
})
_PSEUDO_REFS = frozenset(f"!Ref {name}" for name in PSEUDO)

# AWS-managed transforms that leave the resources written in the template as they are (SAM's
# own types are read as written; LanguageExtensions' functions are evaluated here; the Secrets
# Manager transform only adds rotation functions). Any other transform is a macro.
PLAIN_TRANSFORMS = frozenset({
    "AWS::Serverless-2016-10-31", "AWS::LanguageExtensions", "AWS::SecretsManager-2020-07-23",
})


class _Sentinel:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


NOVALUE = _Sentinel("AWS::NoValue")  # the property is removed
MAYBE = _Sentinel("MAYBE")  # a condition that depends on unknown values
INVALID = _Sentinel("INVALID")  # a condition CloudFormation would reject (cycle, bad shape)
_SHARED_OTHER = _Sentinel("OTHER")  # a value unlike every constant, the same for all unknowns


class _Other(_Sentinel):
    """A value unlike every constant and unlike any other unknown's."""


# --- parameters files ---------------------------------------------------------------------------


def read_parameters(path: str) -> dict[str, Any]:
    """Parameter values from a `--cfn-parameters` file: the AWS CLI's JSON
    (`[{"ParameterKey": "K", "ParameterValue": "V"}, ...]`, also inside `{"Parameters": [...]}` as
    in `--cli-input-json`) or a template configuration file (`{"Parameters": {"K": "V"}}`).
    Values are strings; `UsePreviousValue: true` gives an Unknown (the deployed value is not
    known here). Raises ValueError with a one-line message on anything else."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_PARAMETER_FILE + 1)
    except OSError as error:
        raise ValueError(f"cannot read CloudFormation parameters file {path}: {error.strerror}") from None
    if len(data) > MAX_PARAMETER_FILE:
        raise ValueError(f"{path}: CloudFormation parameters file is larger than 1 MB")
    try:
        top = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ValueError(f"{path}: CloudFormation parameters file is not UTF-8 text") from None
    except json.JSONDecodeError as error:
        raise ValueError(f"{path}: not valid JSON: {error.msg} at line {error.lineno} column {error.colno}") from None
    except (ValueError, RecursionError):
        raise ValueError(f"{path}: not valid JSON") from None
    if isinstance(top, dict) and isinstance(top.get("Parameters"), dict):
        values = {}
        for key, value in top["Parameters"].items():
            text = _scalar_text(value)
            if text is None:
                raise ValueError(f"{path}: parameter {key!r} must be a string, number or boolean")
            values[key] = text
        return values
    if isinstance(top, dict) and isinstance(top.get("Parameters"), list):
        top = top["Parameters"]
    if not isinstance(top, list):
        raise ValueError(f'{path}: expected a list of {{"ParameterKey": ..., "ParameterValue": ...}} objects '
                         f'or {{"Parameters": {{"Name": "value"}}}}')
    values = {}
    for number, item in enumerate(top, 1):
        key = item.get("ParameterKey") if isinstance(item, dict) else None
        if not isinstance(key, str) or not key:
            raise ValueError(f"{path}: parameter {number} has no \"ParameterKey\" string")
        if item.get("UsePreviousValue") is True:
            values[key] = Unknown(f"!Ref {key}", "variable")
            continue
        text = _scalar_text(item.get("ParameterValue"))
        if text is None:
            raise ValueError(f"{path}: parameter {key!r} needs a \"ParameterValue\" string")
        values[key] = text
    return values


# --- the template ------------------------------------------------------------------------------


def evaluate(parsed: ParsedFile, parameters: Mapping[str, Any] | None = None, *,
             checked_only: bool = False) -> ParsedFile:
    """`parsed` with its resources evaluated: dropped when their Condition is false, one copy per
    feasible combination of undecidable conditions (`meta["assumes"]`), properties as Values at
    the spans where they are written. `parameters` overrides the parameters' defaults. With
    `checked_only`, resources of a type no check knows (kind "") are returned as written: a
    scan never reads their values (the context graph reads their references as written)."""
    try:
        template = _Template(parsed, parameters or {})
        macros = template.macros()
    except Exception:  # a bug of ours, or blocks not shaped as the parser promises
        opaque = [dataclasses.replace(r, attrs=_opaque_attrs(r.attrs)) for r in parsed.resources]
        return dataclasses.replace(parsed, resources=tuple(opaque))
    resources: list[Resource] = []
    for resource in parsed.resources:
        if checked_only and not resource.kind:
            resources.append(resource)
            continue
        try:
            resources.extend(template.variants(resource, macros))
        except Exception:  # a bug of ours: never a crash, never a value we did not compute
            resources.append(dataclasses.replace(resource, attrs=_opaque_attrs(resource.attrs)))
    return dataclasses.replace(parsed, resources=tuple(resources))


class _State:
    """One evaluation of a resource's properties under assumed condition outcomes."""

    __slots__ = ("assumes", "branch", "pending", "in_condition")

    def __init__(self, assumes: tuple[tuple[str, bool], ...] = (), branch: bool = False,
                 in_condition: bool = False) -> None:
        self.assumes = assumes
        self.branch = branch  # may an undecidable condition be assumed (both ways)?
        self.pending: str | None = None  # the first undecidable condition met, to assume next
        self.in_condition = in_condition  # evaluating a condition's Equals operands


_NEUTRAL = _State(in_condition=True)


class _Template:
    def __init__(self, parsed: ParsedFile, given: Mapping[str, Any]) -> None:
        blocks = parsed.blocks
        self.template = blocks.get("Template", {}).get("")
        self.declared: dict[str, Resource] = dict(blocks.get("Parameters", {}))
        self.mappings: dict[str, Mapping[Any, Value]] = {
            name: record.attrs for name, record in blocks.get("Mappings", {}).items()}
        self.conditions: dict[str, Value | None] = {
            name: record.attrs.get("Condition") for name, record in blocks.get("Conditions", {}).items()}
        self.resource_ids = frozenset(r.address for r in parsed.resources)
        self.given = dict(given)
        self.parameters: dict[str, Any] = {}
        self.outcome_cache: dict[Any, Any] = {}
        self.equals_cache: dict[int, tuple[Any, Any]] = {}

    # parameters

    def parameter(self, name: str) -> Any:
        if name not in self.parameters:
            self.parameters[name] = self._parameter(name)
        return self.parameters[name]

    def _parameter(self, name: str) -> Any:
        attrs = self.declared[name].attrs
        unset = Unknown(f"!Ref {name}", "variable")
        if _truthy(attrs.get("NoEcho")):
            return unset  # never judged, so never printed
        kind = _plain_attr(attrs, "Type")
        kind = kind.strip() if isinstance(kind, str) else "String"
        if kind.startswith("AWS::SSM::Parameter::Value<"):
            return unset  # the given value names an SSM parameter, resolved at deployment
        if name in self.given:
            found = self.given[name]
        elif "Default" in attrs:
            found = to_plain(attrs["Default"].raw)
        else:
            return unset
        if kind == "CommaDelimitedList" or kind.startswith("List<"):
            if isinstance(found, list):
                items = [_scalar_text(item) for item in found]
                return unset if any(item is None for item in items) else items
            text = _scalar_text(found)
            return unset if text is None else [part.strip() for part in text.split(",")]
        text = _scalar_text(found)  # Ref gives a string, also for Number parameters
        return unset if text is None else text

    def domain(self, expr: str, constants: set[Any]) -> list[Any]:
        """The values an unknown compared in conditions can take, as far as conditions can tell:
        a parameter's AllowedValues, else each constant it is compared with or something else."""
        if expr.startswith("!Ref ") and expr[5:] in self.declared:
            allowed = _plain_attr(self.declared[expr[5:]].attrs, "AllowedValues")
            kind = _plain_attr(self.declared[expr[5:]].attrs, "Type")
            listed = isinstance(kind, str) and ("List" in kind)
            if isinstance(allowed, list) and allowed and not listed:
                texts = [_scalar_text(item) for item in allowed]
                if all(t is not None for t in texts):
                    return list(dict.fromkeys(texts))
        return sorted(constants, key=repr) + [_SHARED_OTHER, _Other(expr)]

    def macros(self) -> list[str]:
        written = self.template.attrs.get("Transform") if self.template is not None else None
        if written is None:
            return []
        items = written.raw if isinstance(written.raw, list) else [written]
        names = [_transform_name(item) for item in items]
        return [name for name in names if name not in PLAIN_TRANSFORMS]

    # references

    def ref(self, name: str, state: _State) -> Any:
        """What `Ref name` gives, as plain data, an Unknown or NOVALUE."""
        if name == "AWS::NoValue":
            return NOVALUE
        expr = f"!Ref {name}"
        if state.assumes:
            bound = self.bindings(state.assumes).get(expr)
            if bound is not None:
                return bound  # the only value the assumed outcomes allow
        if name in PSEUDO:
            return Unknown(expr, "variable")
        if name in self.declared:
            return self.parameter(name)
        if name in self.resource_ids:
            return Unknown(expr, "resource")
        return Unknown(expr, "expression")  # CloudFormation rejects a Ref to nothing

    def getatt(self, logical: Any, attribute: Any, node: Value) -> Unknown:
        named = isinstance(logical, str) and logical in self.resource_ids
        reason = "resource" if named and attribute != "" else "expression"
        if isinstance(logical, str) and isinstance(attribute, str) and logical and attribute:
            return Unknown(f"!GetAtt {logical}.{attribute}", reason)
        return Unknown(short(node), reason)

    # values

    def value(self, written: Value, state: _State, depth: int) -> Any:
        """`written` evaluated: a Value (the same object when nothing changed) or NOVALUE."""
        raw = written.raw
        if depth > MAX_DEPTH:
            return _unknown(written, Unknown(short(written), "expression"))
        if isinstance(raw, dict):
            if len(raw) == 1:
                key, arg = next(iter(raw.items()))
                function = INTRINSICS.get(key) if isinstance(key, str) else None
                if function is not None:
                    found = function(self, arg, written, state, depth + 1)
                    return _keyed(found, written)
                if isinstance(key, str) and key.startswith("Fn::"):
                    return _unknown(written, Unknown(short(written), "expression"))  # not a function we know
            if "Fn::Transform" in raw:  # a macro rewrites this whole mapping
                return _unknown(written, Unknown(_transform_expr(raw["Fn::Transform"]), "transform"))
            items: dict[Any, Value] = {}
            changed = False
            for key, item in raw.items():
                new = self.value(item, state, depth + 1)
                changed = changed or new is not item
                if new is not NOVALUE:
                    items[key] = new
            return dataclasses.replace(written, raw=items) if changed else written
        if isinstance(raw, list):
            new_items = [self.value(item, state, depth + 1) for item in raw]
            if all(new is old for new, old in zip(new_items, raw)):
                return written
            return dataclasses.replace(written, raw=[v for v in new_items if v is not NOVALUE])
        return written

    def data(self, written: Value, state: _State, depth: int) -> Any:
        """`written` evaluated, as plain data (or NOVALUE)."""
        found = self.value(written, state, depth)
        return NOVALUE if found is NOVALUE else to_plain(found.raw)

    # conditions

    def outcomes(self, name: str, assumes: tuple[tuple[str, bool], ...]) -> Any:
        """The outcomes condition `name` can have given the assumed ones: frozenset of booleans,
        or INVALID."""
        key = (name, assumes)
        if key not in self.outcome_cache:
            self.outcome_cache[key] = self._outcomes(name, dict(assumes))
        return self.outcome_cache[key]

    def _outcomes(self, name: str, fixed: dict[str, bool]) -> Any:
        if name in fixed:
            return frozenset({fixed[name]})
        atoms: dict[str, set[Any]] = {}
        quick = self.condition(name, {}, fixed, frozenset(), 0, atoms)
        if quick is INVALID:
            return INVALID
        if quick is not MAYBE:
            return frozenset({quick})
        for other in fixed:
            self.condition(other, {}, {}, frozenset(), 0, atoms)
        names = list(atoms)
        domains = [self.domain(atom, atoms[atom]) for atom in names]
        if math.prod(len(d) for d in domains) > MAX_ASSIGNMENTS:
            return frozenset({True, False})
        found: set[bool] = set()
        for combination in itertools.product(*domains):
            assign = dict(zip(names, combination))
            if not all(self._compatible(other, wanted, assign, fixed) for other, wanted in fixed.items()):
                continue
            result = self.condition(name, assign, fixed, frozenset(), 0, None)
            found |= {result} if isinstance(result, bool) else {True, False}
            if len(found) == 2:
                break
        return frozenset(found) if found else frozenset({True, False})

    def bindings(self, assumes: tuple[tuple[str, bool], ...]) -> dict[str, str]:
        """Parameters (and pseudo parameters) that the assumed outcomes pin to one value: under
        `IsProd` assumed true, `Equals [!Ref Env, prod]` makes `!Ref Env` "prod"."""
        key = ("bindings", assumes)
        if key not in self.outcome_cache:
            self.outcome_cache[key] = self._bindings(dict(assumes))
        return self.outcome_cache[key]

    def _bindings(self, fixed: dict[str, bool]) -> dict[str, str]:
        atoms: dict[str, set[Any]] = {}
        for name in fixed:
            self.condition(name, {}, {}, frozenset(), 0, atoms)
        names = [atom for atom in atoms if self._bindable(atom)]
        domains = [self.domain(atom, atoms[atom]) for atom in names]
        if not names or math.prod(len(d) for d in domains) > MAX_ASSIGNMENTS:
            return {}
        seen: dict[str, set[Any]] = {atom: set() for atom in names}
        for combination in itertools.product(*domains):
            assign = dict(zip(names, combination))
            if all(self._compatible(name, wanted, assign, fixed) for name, wanted in fixed.items()):
                for atom, found in assign.items():
                    seen[atom].add(found)
        return {atom: next(iter(found)) for atom, found in seen.items()
                if len(found) == 1 and isinstance(next(iter(found)), str)}

    def _bindable(self, atom: str) -> bool:
        """A plain parameter or pseudo parameter; never a NoEcho one (its value is not judged)."""
        name = atom[5:] if atom.startswith("!Ref ") else None
        if name in PSEUDO:
            return True
        if name not in self.declared:
            return False
        attrs = self.declared[name].attrs
        kind = _plain_attr(attrs, "Type")
        return not _truthy(attrs.get("NoEcho")) and not (isinstance(kind, str) and "List" in kind)

    def _compatible(self, name: str, wanted: bool, assign: dict[str, Any], fixed: dict[str, bool]) -> bool:
        others = {k: v for k, v in fixed.items() if k != name}
        result = self.condition(name, assign, others, frozenset(), 0, None)
        return not isinstance(result, bool) or result is wanted

    def condition(self, name: Any, assign: dict[str, Any], fixed: dict[str, bool], active: frozenset[str],
                  depth: int, atoms: dict[str, set[Any]] | None) -> Any:
        """A named condition: True, False, MAYBE or INVALID. `assign` gives values to unknowns
        (by expr), `fixed` outcomes to conditions, `atoms` collects the unknowns compared."""
        if not isinstance(name, str) or name in active or depth > MAX_DEPTH:
            return INVALID  # a cycle: CloudFormation rejects it
        written = self.conditions.get(name)
        if written is None:
            return INVALID
        if name in fixed:
            return fixed[name]
        return self.test(written, assign, fixed, active | {name}, depth + 1, atoms)

    def test(self, written: Value, assign: dict[str, Any], fixed: dict[str, bool], active: frozenset[str],
             depth: int, atoms: dict[str, set[Any]] | None) -> Any:
        raw = written.raw
        if depth > MAX_DEPTH or not isinstance(raw, dict) or len(raw) != 1:
            return INVALID
        key, arg = next(iter(raw.items()))
        if key == "Condition":
            return self.condition(arg.raw, assign, fixed, active, depth + 1, atoms)
        items = arg.raw
        if key == "Fn::Equals":
            if not isinstance(items, list) or len(items) != 2:
                return INVALID
            return self._equals(written, items, assign, atoms)
        if key not in ("Fn::Not", "Fn::And", "Fn::Or") or not isinstance(items, list) or not items:
            return INVALID
        if key == "Fn::Not" and len(items) != 1:
            return INVALID
        results = [self.test(item, assign, fixed, active, depth + 1, atoms) for item in items]
        if INVALID in results:
            return INVALID
        if key == "Fn::Not":
            return MAYBE if results[0] is MAYBE else not results[0]
        decisive = key == "Fn::Or"  # the outcome one operand decides alone
        if decisive in results:
            return decisive
        return MAYBE if MAYBE in results else not decisive

    def _equals(self, written: Value, items: list[Value], assign: dict[str, Any],
                atoms: dict[str, set[Any]] | None) -> Any:
        if id(written) not in self.equals_cache:
            self.equals_cache[id(written)] = (self._operand(items[0]), self._operand(items[1]))
        left, right = self.equals_cache[id(written)]
        if atoms is not None:
            for one, other in ((left, right), (right, left)):
                if isinstance(one, Unknown):
                    constants = atoms.setdefault(one.expr, set())
                    if not isinstance(other, Unknown):
                        constants.add(other)
        if isinstance(left, Unknown):
            left = assign.get(left.expr, left)
        if isinstance(right, Unknown):
            right = assign.get(right.expr, right)
        if isinstance(left, Unknown) or isinstance(right, Unknown):
            return MAYBE
        return left == right

    def _operand(self, written: Value) -> Any:
        """An Equals operand, normalized for comparison (scalars as the strings CloudFormation
        compares); an Unknown when any part is unknown."""
        found = self.data(written, _NEUTRAL, 0)
        if isinstance(found, Unknown):
            return found
        if found is NOVALUE or _find_unknown(found) is not None:
            return Unknown(short(written), "expression")
        return _normal(found)

    # resources

    def variants(self, resource: Resource, macros: list[str]) -> list[Resource]:
        meta = dict(resource.meta)
        if macros:
            meta["transform"] = ", ".join(macros)
        transform = resource.attrs.get("Fn::Transform")
        if transform is not None:
            name = _transform_name(transform)
            meta["transform"] = f"{meta['transform']}, {name}" if "transform" in meta else name
        found: list[Resource] = []
        self._explore(resource, meta, (), found)
        return found

    def _explore(self, resource: Resource, meta: dict[str, Any], assumes: tuple[tuple[str, bool], ...],
                 found: list[Resource]) -> None:
        own = resource.meta.get("condition")
        if own is not None:
            outcomes = self.outcomes(own, assumes) if isinstance(own, str) else INVALID
            if outcomes == frozenset({False}):
                return  # not created
            if outcomes == frozenset({True, False}) and len(assumes) < MAX_CONDITIONS:
                self._explore(resource, meta, _assume(assumes, own, True), found)
                return  # assumed false: not created
        state = _State(assumes, branch=len(assumes) < MAX_CONDITIONS)
        attrs = self.attrs(resource.attrs, state)
        if state.pending is not None:
            for outcome in (True, False):
                self._explore(resource, meta, _assume(assumes, state.pending, outcome), found)
            return
        extra = dict(meta, assumes=assumes) if assumes else meta
        found.append(dataclasses.replace(resource, attrs=attrs, meta=extra))

    def attrs(self, attrs: Mapping[str, Value], state: _State) -> dict[str, Value]:
        result: dict[str, Value] = {}
        for name, written in attrs.items():
            if name == "Fn::Transform":  # a macro over the whole Properties (the resource is marked)
                result[name] = _unknown(written, Unknown(_transform_expr(written), "transform"))
                continue
            try:
                new = self.value(written, state, 0)
            except (RecursionError, ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError):
                new = _unknown(written, Unknown(_short_safe(written), "expression"))  # never a crash
            if new is not NOVALUE:
                result[name] = new
        return result


def _assume(assumes: tuple[tuple[str, bool], ...], name: str, outcome: bool) -> tuple[tuple[str, bool], ...]:
    return tuple(sorted(assumes + ((name, outcome),)))


# --- intrinsic functions -----------------------------------------------------------------------
# Each takes (template, argument Value, the function's Value, state, depth) and returns a Value,
# plain data (placed at the function's span), an Unknown or NOVALUE.


def fn_ref(t: _Template, arg: Value, node: Value, state: _State, depth: int) -> Any:
    if not isinstance(arg.raw, str):
        return Unknown(short(node), "expression")
    return t.ref(arg.raw, state)


def fn_getatt(t: _Template, arg: Value, node: Value, state: _State, depth: int) -> Any:
    found = t.data(arg, state, depth)
    if isinstance(found, str) and "." in found:
        found = found.split(".", 1)
    if not isinstance(found, list) or len(found) != 2:
        return Unknown(short(node), "expression")
    logical, attribute = found
    return t.getatt(logical, attribute, node)


_SUB_PART = re.compile(r"\$\{([^}]*)\}")


def fn_sub(t: _Template, arg: Value, node: Value, state: _State, depth: int) -> Any:
    raw = arg.raw
    variables: dict[str, Any] = {}
    if isinstance(raw, list):
        if len(raw) != 2 or not isinstance(raw[1].raw, dict):
            return Unknown(short(node), "expression")
        text = raw[0].raw
        for name, written in raw[1].raw.items():
            variables[str(name)] = t.data(written, state, depth + 1)
        expr = short(node)
    else:
        text = raw
        expr = f"!Sub {text}"
    if not isinstance(text, str):
        return Unknown(short(node), "expression")
    parts: list[Any] = []
    at = 0
    for match in _SUB_PART.finditer(text):
        parts.append(text[at:match.start()])
        at = match.end()
        inner = match.group(1)
        if inner.startswith("!"):
            parts.append("${" + inner[1:] + "}")  # `${!Literal}` is the text `${Literal}`
            continue
        name = inner.strip()
        if name in variables:
            found = variables[name]
        elif "." in name and name.split(".", 1)[0] not in t.declared:
            found = t.getatt(*name.split(".", 1), node)
        else:
            found = t.ref(name, state)
        parts.append(found)
    parts.append(text[at:])
    return _concatenate(parts, "", expr)


def _concatenate(parts: list[Any], separator: str, expr: str) -> Any:
    """Sub's and Join's result: a string, or an Unknown whose reason is "resource" when its only
    unknown parts are values known at deployment and never empty."""
    texts: list[str] = []
    unknowns: list[Unknown] = []
    for part in parts:
        if isinstance(part, Unknown):
            unknowns.append(part)
            continue
        text = _scalar_text(part) if part is not NOVALUE else None
        if text is None:
            return Unknown(expr, "expression")  # a list, map, null or NoValue: CloudFormation rejects it
        texts.append(text)
    if not unknowns:
        return separator.join(texts)
    for unknown in unknowns:
        if unknown.reason != "resource" and unknown.expr not in _PSEUDO_REFS:
            return Unknown(expr, unknown.reason)
    return Unknown(expr, "resource")


def fn_join(t: _Template, arg: Value, node: Value, state: _State, depth: int) -> Any:
    found = t.data(arg, state, depth)
    if not isinstance(found, list) or len(found) != 2:
        return Unknown(short(node), "expression")
    separator, items = found
    if isinstance(separator, Unknown):
        return Unknown(short(node), _opaque(separator.reason))
    if isinstance(items, Unknown):
        return Unknown(short(node), _opaque(items.reason))  # a list of unknown length may be empty
    if not isinstance(separator, str) or not isinstance(items, list):
        return Unknown(short(node), "expression")
    return _concatenate(items, separator, short(node))


def fn_select(t: _Template, arg: Value, node: Value, state: _State, depth: int) -> Any:
    found = t.value(arg, state, depth)
    if found is NOVALUE or not isinstance(found.raw, list) or len(found.raw) != 2:
        return Unknown(short(node), "expression")
    position, items = to_plain(found.raw[0].raw), found.raw[1]
    if isinstance(position, Unknown):
        return Unknown(short(node), _opaque(position.reason))
    if isinstance(items.raw, Unknown):
        return Unknown(short(node), _opaque(items.raw.reason))
    index = _whole(position)
    if index is None or not isinstance(items.raw, list) or index >= len(items.raw):
        return Unknown(short(node), "expression")
    return items.raw[index]  # keeps the element's span


def fn_split(t: _Template, arg: Value, node: Value, state: _State, depth: int) -> Any:
    found = t.data(arg, state, depth)
    if not isinstance(found, list) or len(found) != 2:
        return Unknown(short(node), "expression")
    separator, text = found
    for part in (separator, text):
        if isinstance(part, Unknown):
            return Unknown(short(node), _opaque(part.reason))
    if not isinstance(separator, str) or not separator or _scalar_text(text) is None:
        return Unknown(short(node), "expression")
    return _scalar_text(text).split(separator)


def fn_findinmap(t: _Template, arg: Value, node: Value, state: _State, depth: int) -> Any:
    found = t.data(arg, state, depth)
    if not isinstance(found, list) or len(found) not in (3, 4):
        return Unknown(short(node), "expression")
    name, first, second = found[:3]
    default: Any = NOVALUE
    if len(found) == 4:  # LanguageExtensions: [map, key, key, {DefaultValue: x}]
        if not isinstance(found[3], dict) or "DefaultValue" not in found[3]:
            return Unknown(short(node), "expression")
        default = found[3]["DefaultValue"]
    if isinstance(name, Unknown):
        return Unknown(short(node), _opaque(name.reason))
    optional = default is not NOVALUE
    entries = _entries(t.mappings.get(name) if isinstance(name, str) else None, first, optional)
    entries = [e for entry in entries
               for e in _entries(entry.raw if entry is not NOVALUE else None, second, optional)]
    # a missing key without a default fails the deployment: only the other entries can be chosen
    results = [r for r in (default if e is NOVALUE else to_plain(e.raw) for e in entries) if r is not NOVALUE]
    if len(results) == 1 or (results and all(r == results[0] for r in results) and _find_unknown(results[0]) is None):
        return results[0]  # one entry, or every entry an unknown key may select is the same
    for key in (first, second):
        if isinstance(key, Unknown):
            return Unknown(short(node), _opaque(key.reason))
    return Unknown(short(node), "expression")  # a missing key: CloudFormation rejects it


def _entries(level: Any, key: Any, optional: bool) -> list[Any]:
    """The Values `key` may select in one level of a mapping (NOVALUE: missing)."""
    if not isinstance(level, Mapping):
        return [NOVALUE]
    table = {_scalar_text(k): v for k, v in level.items()}
    if isinstance(key, Unknown):
        return list(table.values()) + ([NOVALUE] if optional else [])
    return [table.get(_scalar_text(key), NOVALUE)]


def fn_base64(t: _Template, arg: Value, node: Value, state: _State, depth: int) -> Any:
    found = t.data(arg, state, depth)
    if isinstance(found, Unknown):
        return Unknown(short(node), _opaque(found.reason))
    if not isinstance(found, str):
        return Unknown(short(node), "expression")
    return base64.b64encode(found.encode("utf-8")).decode("ascii")


def fn_getazs(t: _Template, arg: Value, node: Value, state: _State, depth: int) -> Any:
    return Unknown(short(node), "variable")  # the region's zones, known at deployment


MAX_CIDR_COUNT = 256  # CloudFormation's own limit


def fn_cidr(t: _Template, arg: Value, node: Value, state: _State, depth: int) -> Any:
    found = t.data(arg, state, depth)
    if not isinstance(found, list) or len(found) != 3:
        return Unknown(short(node), "expression")
    for part in found:
        if isinstance(part, Unknown):
            return Unknown(short(node), _opaque(part.reason))
    block, count, bits = found[0], _whole(found[1]), _whole(found[2])
    if not isinstance(block, str) or count is None or bits is None or not 1 <= count <= MAX_CIDR_COUNT:
        return Unknown(short(node), "expression")
    try:
        network = ipaddress.ip_network(block, strict=False)
    except ValueError:
        return Unknown(short(node), "expression")
    prefix = network.max_prefixlen - bits
    if bits < 1 or prefix < network.prefixlen:
        return Unknown(short(node), "expression")
    subnets = [str(s) for s in itertools.islice(network.subnets(new_prefix=prefix), count)]
    return subnets if len(subnets) == count else Unknown(short(node), "expression")


def fn_importvalue(t: _Template, arg: Value, node: Value, state: _State, depth: int) -> Any:
    found = t.data(arg, state, depth)
    if isinstance(found, str):
        return Unknown(f"!ImportValue {_scalar(found)}", "import")  # the export's name, evaluated
    return Unknown(short(node), "import")


def fn_length(t: _Template, arg: Value, node: Value, state: _State, depth: int) -> Any:
    found = t.data(arg, state, depth)
    if isinstance(found, Unknown):
        return Unknown(short(node), _opaque(found.reason))
    if not isinstance(found, list):
        return Unknown(short(node), "expression")
    return len(found)  # known even when its elements are not


def fn_tojsonstring(t: _Template, arg: Value, node: Value, state: _State, depth: int) -> Any:
    found = t.data(arg, state, depth)
    unknown = _find_unknown(found) if found is not NOVALUE else None
    if unknown is not None:
        return Unknown(short(node), _opaque(unknown.reason))
    if not isinstance(found, (dict, list)):
        return Unknown(short(node), "expression")
    return json.dumps(found, separators=(",", ":"), ensure_ascii=False)


def fn_transform(t: _Template, arg: Value, node: Value, state: _State, depth: int) -> Any:
    return Unknown(_transform_expr(arg), "transform")


def fn_if(t: _Template, arg: Value, node: Value, state: _State, depth: int) -> Any:
    items = arg.raw
    if state.in_condition or not isinstance(items, list) or len(items) != 3:
        return Unknown(short(node), "expression")  # Fn::If is not allowed in a condition
    name = items[0].raw
    outcomes = t.outcomes(name, state.assumes) if isinstance(name, str) else INVALID
    if outcomes is INVALID:
        return Unknown(short(node), "expression")  # an undeclared condition or a cycle
    if len(outcomes) == 1:
        chosen = items[1] if True in outcomes else items[2]
        return t.value(chosen, state, depth)  # keeps the branch's span
    if to_plain(items[1].raw) == to_plain(items[2].raw):
        return t.value(items[1], state, depth)  # the same either way
    if state.branch and state.pending is None:
        state.pending = name  # evaluated again under each outcome
    return Unknown(short(node), "condition")


def fn_condition_only(t: _Template, arg: Value, node: Value, state: _State, depth: int) -> Any:
    return Unknown(short(node), "expression")  # only valid in the Conditions section


INTRINSICS: dict[str, Callable[[_Template, Value, Value, _State, int], Any]] = {
    "Ref": fn_ref,
    "Fn::GetAtt": fn_getatt,
    "Fn::Sub": fn_sub,
    "Fn::Join": fn_join,
    "Fn::Select": fn_select,
    "Fn::Split": fn_split,
    "Fn::FindInMap": fn_findinmap,
    "Fn::Base64": fn_base64,
    "Fn::GetAZs": fn_getazs,
    "Fn::Cidr": fn_cidr,
    "Fn::ImportValue": fn_importvalue,
    "Fn::Length": fn_length,
    "Fn::ToJsonString": fn_tojsonstring,
    "Fn::Transform": fn_transform,
    "Fn::If": fn_if,
    "Fn::Equals": fn_condition_only,
    "Fn::Not": fn_condition_only,
    "Fn::And": fn_condition_only,
    "Fn::Or": fn_condition_only,
}


# --- helpers -----------------------------------------------------------------------------------


def _keyed(found: Any, written: Value) -> Any:
    """A function's result as a Value where `written` is, keeping the property's key_span."""
    if found is NOVALUE:
        return NOVALUE
    if isinstance(found, Value):
        if found.key_span == written.key_span:
            return found
        return dataclasses.replace(found, key_span=written.key_span)
    return _as_value(found, written)


def _as_value(found: Any, written: Value) -> Value:
    """Plain data -> a Value at `written`'s span (nested parts share it)."""
    if isinstance(found, dict):
        raw: Any = {k: _as_value(v, written) for k, v in found.items()}
    elif isinstance(found, list):
        raw = [_as_value(v, written) for v in found]
    else:
        raw = found
    origin = UNRESOLVED if isinstance(raw, Unknown) else EXPLICIT
    return Value(raw, written.span, origin, written.key_span)


def _unknown(written: Value, unknown: Unknown) -> Value:
    return Value(unknown, written.span, UNRESOLVED, written.key_span)


def _opaque_attrs(attrs: Mapping[str, Value]) -> dict[str, Value]:
    return {name: _unknown(v, Unknown(_short_safe(v), "expression")) for name, v in attrs.items()}


def _opaque(reason: str) -> str:
    """A function of a resource's value may be empty: it loses the reason "resource"."""
    return "expression" if reason == "resource" else reason


def _find_unknown(found: Any) -> Unknown | None:
    if isinstance(found, Unknown):
        return found
    items = found.values() if isinstance(found, dict) else found if isinstance(found, list) else ()
    for item in items:
        inner = _find_unknown(item)
        if inner is not None:
            return inner
    return None


def _scalar_text(found: Any) -> str | None:
    """A scalar as the string CloudFormation makes of it; None for anything else."""
    if isinstance(found, bool):
        return "true" if found else "false"
    if isinstance(found, (int, float, str)):
        return str(found)
    return None


def _normal(found: Any) -> Any:
    """Comparable, hashable form of an Equals operand."""
    if isinstance(found, list):
        return tuple(_normal(item) for item in found)
    if isinstance(found, dict):
        return tuple(sorted((str(k), repr(_normal(v))) for k, v in found.items()))
    text = _scalar_text(found)
    return text if text is not None else found


def _whole(found: Any) -> int | None:
    if isinstance(found, bool):
        return None
    if isinstance(found, int):
        return found if found >= 0 else None
    if isinstance(found, str) and found.strip().isdigit():
        return int(found)
    return None


def _truthy(written: Value | None) -> bool:
    raw = written.raw if written is not None else None
    return raw is True or (isinstance(raw, str) and raw.strip().lower() == "true")


def _plain_attr(attrs: Mapping[str, Value], name: str) -> Any:
    written = attrs.get(name)
    return to_plain(written.raw) if written is not None else None


def _transform_name(written: Value) -> str:
    raw = written.raw
    if isinstance(raw, str):
        return raw
    if isinstance(raw, dict) and isinstance(raw.get("Name"), Value) and isinstance(raw["Name"].raw, str):
        return raw["Name"].raw
    return _short_safe(written)


def _transform_expr(written: Value) -> str:
    return f"!Transform {_transform_name(written)}"


# --- the short form of what was written (Unknown.expr) ----------------------------------------

_BARE = re.compile(r"[A-Za-z0-9_:./@*${}!-]+")


def short(written: Any, depth: int = 0) -> str:
    """The YAML short form of a value as written: `!Ref X`, `!GetAtt A.B`, `!Join [",", [a, b]]`."""
    text = _short(written, depth)
    return text if len(text) <= MAX_EXPR else text[:MAX_EXPR] + "…"


def _short_safe(written: Any) -> str:
    try:
        return short(written)
    except RecursionError:
        return "…"


def _short(written: Any, depth: int) -> str:
    raw = written.raw if isinstance(written, Value) else written
    if depth > 12:
        return "…"
    if isinstance(raw, Unknown):
        return raw.expr
    if isinstance(raw, dict):
        if len(raw) == 1:
            key, arg = next(iter(raw.items()))
            if isinstance(key, str) and (key in ("Ref", "Condition") or key.startswith("Fn::")):
                tag = "!" + key[4:] if key.startswith("Fn::") else "!" + key
                inner = arg.raw if isinstance(arg, Value) else arg
                if key == "Fn::GetAtt" and isinstance(inner, list) and len(inner) == 2:
                    parts = [p.raw if isinstance(p, Value) else p for p in inner]
                    if all(isinstance(p, str) and p for p in parts):
                        return f"!GetAtt {parts[0]}.{parts[1]}"
                if isinstance(inner, str) and key in ("Ref", "Condition", "Fn::Sub", "Fn::GetAtt"):
                    return f"{tag} {inner}"
                return f"{tag} {_short(arg, depth + 1)}"
        items = ", ".join(f"{_scalar(k)}: {_short(v, depth + 1)}" for k, v in raw.items())
        return "{" + items + "}"
    if isinstance(raw, list):
        return "[" + ", ".join(_short(v, depth + 1) for v in raw) + "]"
    return _scalar(raw)


def _scalar(raw: Any) -> str:
    if isinstance(raw, str):
        return raw if _BARE.fullmatch(raw) else json.dumps(raw, ensure_ascii=False)
    if raw is None:
        return "null"
    text = _scalar_text(raw)
    return text if text is not None else repr(raw)
