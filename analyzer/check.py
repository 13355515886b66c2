"""How a check is declared: a frozen record, small rule combinators, remediation as data.

A rule is a function `(Resource, Context) -> Iterable[Result]`. The combinators below build the
common ones; a check with cross-resource logic passes its own function.
"""
from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from enum import Enum, IntEnum
from typing import Any, Callable, Iterable, Mapping, Sequence

from analyzer import kinds
from analyzer.model import Resource, Span, Unknown, Value


class Severity(IntEnum):
    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> "Severity":
        return cls[text.strip().upper()]


class Status(Enum):
    PASS = "pass"
    FAIL = "fail"
    UNKNOWN = "unknown"


class Applicability(IntEnum):
    """ruff's model. SAFE: needs no input and cannot break the workload. UNSAFE: may change
    behaviour (disabling internet or root access). SUGGESTION: needs a value we cannot know (a KMS
    key ARN, a subnet): shown with a placeholder, never applied."""

    SUGGESTION = 0
    UNSAFE = 1
    SAFE = 2

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class Result:
    """One outcome of a rule on a resource.

    `path` is the canonical attribute path the result is about ("" for the resource itself);
    `span` is the attribute's span, or None when the attribute is absent (the finding is then
    anchored at the resource block).
    """

    status: Status
    message: str
    path: str = ""
    span: Span | None = None
    # the other places the verdict rests on, each (span, what it is): the hops a cross-resource
    # check followed (the role, the policy that grants `*`); SARIF related locations
    related: tuple[tuple[Span, str], ...] = ()


@dataclass(frozen=True)
class Context:
    """What a rule can see beyond its resource: the other resources of its module instance (or
    template), by kind, and the context graph of references between them (analyzer.graph),
    built on first use so scans whose checks never follow a reference do not pay for it."""

    by_kind: Mapping[str, tuple[Resource, ...]] = field(default_factory=dict)
    resources: tuple[Resource, ...] = ()
    _graph: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def graph(self) -> Any:
        """The analyzer.graph.Graph of `resources`."""
        if "graph" not in self._graph:
            from analyzer import graph

            self._graph["graph"] = graph.build(self.resources)
        return self._graph["graph"]

    def targets(self, resource: Resource, path: str | None = None,
                kinds: Sequence[str] | None = None) -> list[Resource]:
        """The resources `resource` refers to, through the attribute at native `path` (or below
        it) when given, of the given kinds or native types when given."""
        from analyzer import graph

        return graph.targets(self.graph, resource, path, kinds)

    def referrers(self, resource: Resource, kinds: Sequence[str] | None = None) -> list[tuple[Resource, str]]:
        """The resources that refer to `resource`, each with the native path that does."""
        from analyzer import graph

        return graph.referrers(self.graph, resource, kinds)


def context_of(resources: Sequence[Resource]) -> Context:
    """The context of resources checked together."""
    by_kind: dict[str, list[Resource]] = {}
    for resource in resources:
        by_kind.setdefault(resource.kind, []).append(resource)
    return Context({kind: tuple(found) for kind, found in by_kind.items()}, tuple(resources))


Rule = Callable[[Resource, Context], Iterable[Result]]


# --- remediation: what should change, rendered into text by each framework's writer -----------


@dataclass(frozen=True)
class Placeholder:
    """A value the user must supply (shown as `<name>` in a suggestion)."""

    name: str


@dataclass(frozen=True)
class SetAttr:
    """Set a canonical attribute to a canonical value (insert it when absent)."""

    path: str
    value: Any


@dataclass(frozen=True)
class RemoveAttr:
    path: str


def set_attr(path: str, value: Any) -> SetAttr:
    return SetAttr(path, value)


def remove_attr(path: str) -> RemoveAttr:
    return RemoveAttr(path)


def placeholder(name: str) -> Placeholder:
    return Placeholder(name)


# --- examples: the check's own tests ------------------------------------------------------------


@dataclass(frozen=True)
class Example:
    framework: str
    expect_fail: bool
    source: str
    filename: str  # the file name the example is scanned as: decides the parser (main.tf, main.tf.json)
    fixed: str | None = None  # a bad example's text once the check's fix is applied


_DEFAULT_FILENAMES = {"terraform": "main.tf", "cloudformation": "template.yaml", "sagemaker": "pipeline.py",
                      "bicep": "main.bicep", "arm": "azuredeploy.json"}


def _text(source: str) -> str:
    return textwrap.dedent(source).lstrip("\n")


def bad(framework: str, source: str, filename: str | None = None, fixed: str | None = None) -> Example:
    """A non-compliant example; `fixed` is the expected text after the check's fix (required
    when the check has a remediation)."""
    return Example(framework, True, _text(source), filename or _DEFAULT_FILENAMES[framework],
                   _text(fixed) if fixed is not None else None)


def good(framework: str, source: str, filename: str | None = None) -> Example:
    return Example(framework, False, _text(source), filename or _DEFAULT_FILENAMES[framework])


# --- the check record ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    id: str  # "AIP101": never reused or renumbered
    name: str  # kebab-case slug: "sagemaker-notebook-direct-internet"
    title: str  # the desired state, one line
    severity: Severity
    kinds: tuple[str, ...]  # canonical kinds from analyzer.kinds.KINDS
    rule: Rule
    description: str  # why it matters; a short paragraph
    remediation: SetAttr | RemoveAttr | None = None
    fix_safety: Applicability = Applicability.SUGGESTION
    references: tuple[str, ...] = ()
    compliance: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    anchors: tuple[str, ...] = ()  # the same control in other tools: "checkov CKV_AWS_122"
    examples: tuple[Example, ...] = ()
    secret: bool = False  # the finding's span is a credential: reports mask it


# --- combinators --------------------------------------------------------------------------------


def name_of(resource: Resource, path: str) -> str:
    """The attribute's name as the user writes it in this framework (for messages): in pipeline
    code, the SDK keyword that sets it (meta["keywords"])."""
    native = kinds.native_path(resource.kind, path, kinds.dialect(resource.framework, resource.native_type))
    return resource.meta.get("keywords", {}).get(native, native)


def shown(resource: Resource, path: str, raw: Any) -> str:
    """A canonical value as the user writes it: "Disabled", true, 2."""
    native = kinds.native_value(resource.kind, path, raw, kinds.dialect(resource.framework, resource.native_type))
    if isinstance(native, bool):
        return "true" if native else "false"
    if native is None:
        return "null"
    return f'"{native}"' if isinstance(native, str) else str(native)


def unknown_result(resource: Resource, path: str, value: Value) -> Result:
    expr = value.raw.expr if isinstance(value.raw, Unknown) else "?"
    first_line = expr.splitlines()[0] if expr else expr
    return Result(Status.UNKNOWN, f"`{name_of(resource, path)}` is `{first_line}`, which cannot be resolved "
                                  "before deployment", path, value.span)


def present(path: str, message: str | None = None) -> Rule:
    """PASS when the attribute is written with a non-empty value.

    A reference to a managed resource's attribute (`aws_kms_key.k.arn`, `!GetAtt Key.Arn`) is
    known after apply and never null, and so is a CloudFormation import (`!ImportValue`: an export
    is never empty), so they count as present; any other unresolved value is UNKNOWN.
    """

    def rule(resource: Resource, context: Context) -> Iterable[Result]:
        value = resource.get(path)
        if isinstance(value.raw, Unknown):
            if value.raw.reason in ("resource", "import"):
                yield Result(Status.PASS, f"`{path}` is set", path, value.span)
            else:
                yield unknown_result(resource, path, value)
        elif value.raw in (None, "", [], {}):
            name = name_of(resource, path)
            text = f"`{name}` is not set" if value.absent else f"`{name}` is empty"
            yield Result(Status.FAIL, message or text, path, value.span)
        else:
            yield Result(Status.PASS, f"`{path}` is set", path, value.span)

    return rule


def equals(path: str, expected: Any, message: str | None = None) -> Rule:
    """PASS when the attribute (or its provider default) equals `expected`."""
    return one_of(path, (expected,), message)


def one_of(path: str, allowed: Iterable[Any], message: str | None = None) -> Rule:
    allowed = tuple(allowed)

    def rule(resource: Resource, context: Context) -> Iterable[Result]:
        value = resource.get(path)
        if isinstance(value.raw, Unknown):
            yield unknown_result(resource, path, value)
        elif any(kinds.same(value.raw, a) for a in allowed):
            yield Result(Status.PASS, f"`{path}` is {value.raw!r}", path, value.span)
        else:
            name = name_of(resource, path)
            wanted = " or ".join(shown(resource, path, a) for a in allowed)
            if value.absent:
                state = f"is not set, so the provider default {shown(resource, path, value.raw)} applies"
            else:
                state = f"is {shown(resource, path, value.raw)}"
            yield Result(Status.FAIL, message or f"`{name}` {state}; it should be {wanted}", path, value.span)

    return rule


def not_(inner: Rule, message: str | None = None) -> Rule:
    """Swap PASS and FAIL of the inner rule; UNKNOWN stays UNKNOWN."""

    def rule(resource: Resource, context: Context) -> Iterable[Result]:
        for result in inner(resource, context):
            if result.status is Status.UNKNOWN:
                yield result
            elif result.status is Status.PASS:
                yield Result(Status.FAIL, message or f"not expected: {result.message}", result.path, result.span)
            else:
                yield Result(Status.PASS, result.message, result.path, result.span)

    return rule


def all_of(*rules: Rule) -> Rule:
    """Every inner result is reported: each failing attribute is its own finding."""

    def rule(resource: Resource, context: Context) -> Iterable[Result]:
        for inner in rules:
            yield from inner(resource, context)

    return rule


def any_of(*rules: Rule) -> Rule:
    """PASS when one inner rule passes entirely; otherwise UNKNOWN if any was unknown, else the
    first failure."""

    def rule(resource: Resource, context: Context) -> Iterable[Result]:
        first_failure: Result | None = None
        unknown: Result | None = None
        for inner in rules:
            results = list(inner(resource, context))
            statuses = {r.status for r in results}
            if statuses <= {Status.PASS}:
                yield from results
                return
            if Status.UNKNOWN in statuses and unknown is None:
                unknown = next(r for r in results if r.status is Status.UNKNOWN)
            if Status.FAIL in statuses and first_failure is None:
                first_failure = next(r for r in results if r.status is Status.FAIL)
        yield unknown or first_failure or Result(Status.PASS, "")

    return rule


def when(path: str, inner: Rule) -> Rule:
    """Apply `inner` only when the attribute or block at `path` is written; otherwise the check
    does not apply (no result). An unknown `path` is UNKNOWN."""

    def rule(resource: Resource, context: Context) -> Iterable[Result]:
        value = resource.get(path)
        if isinstance(value.raw, Unknown):
            yield unknown_result(resource, path, value)
        elif value.raw not in (None, [], {}, False):
            yield from inner(resource, context)

    return rule
