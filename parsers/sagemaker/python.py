"""SageMaker Python SDK pipeline code, read statically with the standard `ast` module.

The file is parsed, never imported or executed: the SDKs call AWS at import time (v3 needs a
region), in constructors (v3 ModelTrainer checks the role against IAM) and in `fit()` (v2 sends
telemetry), and user code can do anything. A small in-order evaluator stands in for running it:

- Module and function bodies are evaluated statement by statement: literals, lists, dicts,
  `dict(...)`, f-strings and `+` of known values, `x or y`, `a if c else b` with a known test,
  `d["k"]`, `d.get("k", default)`, `d["k"] = v`, `d.update(...)`, `**kwargs` splats of known dicts.
- `ParameterString/Integer/Boolean/Float(name, default_value=...)` evaluate to their default (what
  an execution runs with unless it overrides it); no default is Unknown("variable").
- `os.environ.get(...)`, `os.getenv(...)`, `os.environ[...]` and function parameters without a
  default are Unknown("variable"); any other expression we do not evaluate is Unknown("expression").
- Every function (module-level, nested or a method) is evaluated once with its parameters'
  defaults: the SageMaker MLOps project templates build their jobs in `get_pipeline(region,
  role=None, default_bucket=None, ...)`. A call to a function of the file is followed with its
  arguments (at most MAX_CALL_DEPTH deep, no recursion) and gives its first top-level `return`.
- An assignment inside `if` (with an unknown test), `for`, `while`, an `except` handler or a
  `match` case makes the name Unknown after the block; the block itself is still evaluated, so
  jobs built inside it are found with what is known there. `if __name__ == "__main__":` runs.
- The work is bounded (MAX_STEPS evaluated nodes); past it the file keeps what was found.

Each construction of an SDK job (estimator, ModelTrainer, processor, HyperparameterTuner,
Transformer, Model, or `estimator.transformer(...)`) is one Resource, the first time its call is
evaluated. Its attributes are the API request's fields (see `tables.KEYWORDS`): a keyword's Value
spans the keyword's value in the call (or the dict entry of a `**kwargs` splat, or the keyword of
the NetworkConfig / Compute / Networking / OutputDataConfig call that carries it) and its
key_span the keyword's name. An unresolved `**splat` makes every attribute it could carry
Unknown. An estimator wrapped by a HyperparameterTuner is reported as the tuning job (its fields
under `TrainingJobDefinition`), not again as a training job, unless a TrainingStep also runs it.

meta: "keywords" (API path -> SDK keyword, for messages and the writer), "calls" (API path ->
{"start", "end", "one_line"}: the call a keyword for that path is written in), "step" (the name of
the pipeline step that runs the job, when known), "function" (the enclosing function, "" at module
level). Classes are recognised by their qualified name (through `import sagemaker as sm`, `from
... import X as Y`, `from sagemaker.workflow.steps import *`): it must start with `sagemaker.`
and end with a class name of `tables.CLASSES`.
"""
from __future__ import annotations

import ast
import re
import sys
from dataclasses import dataclass, field
from typing import Any

from analyzer.model import Insertion, ParsedFile, ParseIssue, Resource, Span, Unknown, Value
from analyzer.text import LineIndex, span as make_span
from parsers.sagemaker import tables as T

__all__ = ["looks_like", "parse"]

MAX_STEPS = 200_000  # evaluated nodes per file
MAX_CALL_DEPTH = 4  # calls of the file's own functions followed inside each other
MAX_BYTES = 5 * 1024 * 1024

_IMPORT = re.compile(rb"^[ \t]*(?:from[ \t]+sagemaker\b|import[ \t]+(?:[\w.]+[ \t]*(?:as[ \t]+\w+[ \t]*)?,[ \t]*)*sagemaker\b)",
                     re.MULTILINE)


def looks_like(data: bytes) -> bool:
    """True when the text imports the SageMaker SDK (a cheap test, regular expressions only)."""
    # `in` first: C-speed, and most Python never names sagemaker
    return b"sagemaker" in data and bool(_IMPORT.search(data[:MAX_BYTES]))


# --- evaluated values ----------------------------------------------------------------------------


@dataclass
class W:
    """A value and where it is written: `node` is the expression, `key` the keyword (ast.keyword)
    or dict key that names it, when there is one."""

    value: Any
    node: ast.AST | None = None
    key: ast.AST | None = None


@dataclass(eq=False)
class Obj:
    """An SDK object built by a call of the file."""

    cls: str  # class name: "PyTorch"
    qualname: str  # "sagemaker.pytorch.PyTorch"
    family: str  # tables family
    call: ast.Call
    kw: dict[str, W] = field(default_factory=dict)  # SDK keyword -> value as written
    splats: list[ast.AST] = field(default_factory=list)  # `**x` we could not resolve
    name: str = ""  # the variable it was first assigned to
    step: str | None = None
    wrapped: bool = False  # the estimator of a HyperparameterTuner
    stepped: bool = False  # run by a TrainingStep of its own


@dataclass(frozen=True)
class QName:
    """A module or class reached through an import: "sagemaker.estimator"."""

    name: str


@dataclass(frozen=True)
class Func:
    node: ast.FunctionDef | ast.AsyncFunctionDef


@dataclass(frozen=True)
class StepArgs:
    """`estimator.fit(...)`, `processor.run(...)`, `model.create(...)`: a step's `step_args`."""

    obj: Obj


class _Budget(Exception):
    pass


class Scope:
    __slots__ = ("vars", "parent")

    def __init__(self, parent: "Scope | None" = None, values: dict[str, W] | None = None) -> None:
        self.vars: dict[str, W] = values if values is not None else {}
        self.parent = parent

    def lookup(self, name: str) -> W | None:
        scope: Scope | None = self
        while scope is not None:
            if name in scope.vars:
                return scope.vars[name]
            scope = scope.parent
        return None

    def child(self) -> "Scope":
        return Scope(self.parent, dict(self.vars))


_KNOWN = (str, int, float, bool, type(None))


def known(value: Any) -> bool:
    """A plain value (recursively), not an Unknown or an SDK object."""
    if isinstance(value, _KNOWN):
        return True
    if isinstance(value, list):
        return all(known(item.value) for item in value)
    if isinstance(value, dict):
        return all(known(item.value) for item in value.values())
    return False


# --- the evaluator -------------------------------------------------------------------------------


class Evaluator:
    def __init__(self, source: bytes, offsets: "Offsets") -> None:
        self.source = source
        self.offsets = offsets
        self.jobs: dict[int, Obj] = {}  # id(call node) -> the job, first evaluation wins
        self.configs: dict[int, Obj] = {}
        self.steps = 0
        self.stack: list[ast.AST] = []  # functions being followed
        self.block_returns: list[bool] = []  # per followed function: a return inside a block ran
        self.star_modules: list[str] = []
        self.module = Scope()

    # helpers
    def text(self, node: ast.AST) -> str:
        start, end = self.offsets.of(node)
        return self.source[start:end].decode("utf-8", "replace")

    def unknown(self, node: ast.AST, reason: str = "expression") -> Unknown:
        return Unknown(self.text(node), reason)

    def tick(self) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise _Budget()

    # statements
    def run_module(self, tree: ast.Module) -> None:
        self.exec_body(tree.body, self.module)
        # every function once more with its defaults (those already followed keep their jobs);
        # functions nobody in the file calls go first, so a helper's jobs are judged with the
        # arguments its caller gives rather than the helper's own defaults
        functions = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
        called = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
        for node in sorted(functions, key=lambda f: f.name in called):
            self.call_function(node, [], {}, with_defaults=True)

    def exec_body(self, body: list[ast.stmt], scope: Scope) -> W | None:
        """Run statements in order; the value of a top-level `return` (None when there is none,
        W(Unknown) when a return inside a block came first)."""
        for stmt in body:
            self.tick()
            result = self.exec_stmt(stmt, scope)
            if result is not None:
                return result
        return None

    def exec_stmt(self, stmt: ast.stmt, scope: Scope) -> W | None:
        if isinstance(stmt, ast.Return):
            return self.eval(stmt.value, scope) if stmt.value is not None else W(None, stmt)
        if isinstance(stmt, ast.Assign):
            value = self.eval(stmt.value, scope)
            for target in stmt.targets:
                self.assign(target, value, scope)
        elif isinstance(stmt, ast.AnnAssign):
            if stmt.value is not None:
                self.assign(stmt.target, self.eval(stmt.value, scope), scope)
        elif isinstance(stmt, ast.AugAssign):
            self.aug_assign(stmt, scope)
        elif isinstance(stmt, ast.Expr):
            self.eval(stmt.value, scope)
        elif isinstance(stmt, ast.Import):
            for alias in stmt.names:
                if alias.asname:
                    scope.vars[alias.asname] = W(QName(alias.name), stmt)
                else:
                    top = alias.name.split(".")[0]
                    scope.vars[top] = W(QName(top), stmt)
        elif isinstance(stmt, ast.ImportFrom):
            module = stmt.module or ""
            if stmt.level:
                module = ""  # a relative import is the user's own package, never the SDK
            for alias in stmt.names:
                if alias.name == "*":
                    if module.startswith("sagemaker"):
                        self.star_modules.append(module)
                    continue
                qualified = f"{module}.{alias.name}" if module else alias.name
                scope.vars[alias.asname or alias.name] = W(QName(qualified) if module else Unknown(alias.name), stmt)
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            scope.vars[stmt.name] = W(Func(stmt), stmt)
        elif isinstance(stmt, ast.ClassDef):
            scope.vars[stmt.name] = W(Unknown(stmt.name), stmt)
        elif isinstance(stmt, ast.If):
            test = self.eval(stmt.test, scope).value
            if known(test):
                return self.exec_body(stmt.body if test else stmt.orelse, scope)
            return self.branches([stmt.body, stmt.orelse], scope)
        elif isinstance(stmt, (ast.For, ast.AsyncFor, ast.While)):
            if isinstance(stmt, ast.While):
                self.eval(stmt.test, scope)
            else:
                self.eval(stmt.iter, scope)
            inner = scope.child()
            if not isinstance(stmt, ast.While):
                self.assign(stmt.target, W(self.unknown(stmt.target, "expression"), stmt.target), inner)
            return self.branches([[*stmt.body, *stmt.orelse]], scope, inner)
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            for item in stmt.items:
                self.eval(item.context_expr, scope)
                if item.optional_vars is not None:
                    self.assign(item.optional_vars, W(self.unknown(item.optional_vars), item.optional_vars), scope)
            return self.exec_body(stmt.body, scope)
        elif isinstance(stmt, ast.Try) or type(stmt).__name__ == "TryStar":
            result = self.exec_body(stmt.body, scope)
            if result is not None:
                return result
            handled = self.branches([h.body for h in stmt.handlers], scope)
            if handled is not None:
                return handled
            return self.exec_body([*stmt.orelse, *stmt.finalbody], scope)
        elif type(stmt).__name__ == "Match":
            self.eval(stmt.subject, scope)
            return self.branches([case.body for case in stmt.cases], scope)
        elif isinstance(stmt, ast.Delete):
            for target in stmt.targets:
                if isinstance(target, ast.Name):
                    scope.vars.pop(target.id, None)
        return None

    def branches(self, bodies: list[list[ast.stmt]], scope: Scope, first: Scope | None = None) -> W | None:
        """Blocks that may or may not run: each is evaluated on a copy of the scope, and every
        name they assign is Unknown afterwards. A return inside makes the function's result
        Unknown."""
        assigned: set[str] = set()
        for index, body in enumerate(bodies):
            inner = first if (first is not None and index == 0) else scope.child()
            if self.exec_body(body, inner) is not None and self.block_returns:
                self.block_returns[-1] = True
            for stmt in body:
                for node in ast.walk(stmt):
                    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                        assigned.add(node.id)
                    elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                        assigned.add(node.name)
        for name in assigned:
            scope.vars[name] = W(Unknown(name), None)
        return None

    def assign(self, target: ast.AST, value: W, scope: Scope) -> None:
        if isinstance(target, ast.Name):
            scope.vars[target.id] = value
            if isinstance(value.value, Obj) and not value.value.name:
                value.value.name = target.id
        elif isinstance(target, (ast.Tuple, ast.List)):
            items = value.value if isinstance(value.value, list) and len(value.value) == len(target.elts) else None
            for index, element in enumerate(target.elts):
                if isinstance(element, ast.Starred):
                    self.assign(element.value, W(self.unknown(element), element), scope)
                elif items is not None:
                    self.assign(element, items[index], scope)
                else:
                    self.assign(element, W(self.unknown(element), element), scope)
        elif isinstance(target, ast.Subscript):
            container = self.eval(target.value, scope).value
            key = self.eval(target.slice, scope).value
            if isinstance(container, dict) and isinstance(key, str):
                container[key] = W(value.value, value.node, target.slice)
            elif isinstance(container, dict):
                container.clear()
                container["**"] = W(self.unknown(target), target)
        elif isinstance(target, ast.Attribute):
            if isinstance(value.value, Obj) and not value.value.name:
                value.value.name = self.text(target)  # self.processor = ScriptProcessor(...)

    def aug_assign(self, stmt: ast.AugAssign, scope: Scope) -> None:
        if not isinstance(stmt.target, ast.Name):
            return
        current = scope.lookup(stmt.target.id)
        right = self.eval(stmt.value, scope)
        result = self.binop(stmt.op, current.value if current else Unknown(stmt.target.id), right.value, stmt)
        scope.vars[stmt.target.id] = W(result, stmt)

    # expressions
    def eval(self, node: ast.AST | None, scope: Scope) -> W:
        self.tick()
        if node is None:
            return W(None, None)
        if isinstance(node, ast.Constant):
            value = node.value
            return W(value if isinstance(value, _KNOWN) else self.unknown(node), node)
        if isinstance(node, ast.Name):
            return W(self.name(node, scope), node)
        if isinstance(node, ast.JoinedStr):
            return W(self.fstring(node, scope), node)
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            items: list[W] = []
            for element in node.elts:
                if isinstance(element, ast.Starred):
                    inner = self.eval(element.value, scope).value
                    if isinstance(inner, list):
                        items.extend(inner)
                        continue
                    return W(self.unknown(node), node)
                items.append(self.eval(element, scope))
            return W(items, node)
        if isinstance(node, ast.Dict):
            entries: dict[str, W] = {}
            for key, value in zip(node.keys, node.values):
                if key is None:  # {**other}
                    inner = self.eval(value, scope).value
                    if isinstance(inner, dict):
                        entries.update(inner)
                    else:
                        entries["**"] = W(self.unknown(value), value)
                    continue
                name = self.eval(key, scope).value
                item = self.eval(value, scope)
                if isinstance(name, (str, int, float, bool)):
                    entries[str(name) if not isinstance(name, str) else name] = W(item.value, value, key)
                else:
                    entries["**"] = W(self.unknown(key), key)
            return W(entries, node)
        if isinstance(node, ast.BinOp):
            left, right = self.eval(node.left, scope), self.eval(node.right, scope)
            return W(self.binop(node.op, left.value, right.value, node), node)
        if isinstance(node, ast.BoolOp):
            return W(self.boolop(node, scope), node)
        if isinstance(node, ast.IfExp):
            test = self.eval(node.test, scope).value
            if known(test):
                return self.eval(node.body if test else node.orelse, scope)
            body, orelse = self.eval(node.body, scope).value, self.eval(node.orelse, scope).value
            same = known(body) and known(orelse) and _plain(body) == _plain(orelse)
            return W(body if same else self.unknown(node), node)
        if isinstance(node, ast.Compare):
            return W(self.compare(node, scope), node)
        if isinstance(node, ast.UnaryOp):
            operand = self.eval(node.operand, scope).value
            if isinstance(node.op, ast.Not) and known(operand):
                return W(not _plain(operand), node)
            if isinstance(node.op, ast.USub) and isinstance(operand, (int, float)) and not isinstance(operand, bool):
                return W(-operand, node)
            return W(self.unknown(node), node)
        if isinstance(node, ast.Attribute):
            base = self.eval(node.value, scope).value
            if isinstance(base, QName):
                return W(QName(f"{base.name}.{node.attr}"), node)
            return W(self.unknown(node), node)
        if isinstance(node, ast.Subscript):
            return W(self.subscript(node, scope), node)
        if isinstance(node, ast.Call):
            return self.call(node, scope)
        if isinstance(node, ast.NamedExpr):
            value = self.eval(node.value, scope)
            self.assign(node.target, value, scope)
            return value
        if isinstance(node, (ast.Lambda, ast.ListComp, ast.DictComp, ast.SetComp, ast.GeneratorExp)):
            return W(self.unknown(node), node)
        return W(self.unknown(node), node)

    def name(self, node: ast.Name, scope: Scope) -> Any:
        found = scope.lookup(node.id)
        if found is not None:
            return found.value
        if node.id == "__name__":
            return "__main__"  # pipeline scripts are run as scripts
        if node.id in ("True", "False", "None"):
            return {"True": True, "False": False, "None": None}[node.id]
        if node.id in T.CLASSES and self.star_modules:
            return QName(f"{self.star_modules[-1]}.{node.id}")
        if node.id in ("dict", "str", "int", "bool", "float", "list"):
            return QName(f"builtins.{node.id}")
        return Unknown(node.id)

    def fstring(self, node: ast.JoinedStr, scope: Scope) -> Any:
        parts = []
        for part in node.values:
            if isinstance(part, ast.Constant) and isinstance(part.value, str):
                parts.append(part.value)
                continue
            if isinstance(part, ast.FormattedValue) and part.format_spec is None:
                value = self.eval(part.value, scope).value
                if isinstance(value, _KNOWN) and not isinstance(value, bool) and value is not None:
                    parts.append(repr(value) if part.conversion == ord("r") else str(value))
                    continue
            return self.unknown(node)
        return "".join(parts)

    def binop(self, op: ast.operator, left: Any, right: Any, node: ast.AST) -> Any:
        if isinstance(op, ast.Add):
            if isinstance(left, str) and isinstance(right, str):
                return left + right
            if isinstance(left, list) and isinstance(right, list):
                return [*left, *right]
            if _number(left) and _number(right):
                return left + right
        if isinstance(op, ast.BitOr) and isinstance(left, dict) and isinstance(right, dict):
            return {**left, **right}
        if isinstance(op, ast.Mult) and _number(left) and _number(right):
            return left * right
        return self.unknown(node)

    def boolop(self, node: ast.BoolOp, scope: Scope) -> Any:
        value: Any = None
        for operand in node.values:
            value = self.eval(operand, scope).value
            if not known(value):
                # `role or get_execution_role()`: an SDK object is truthy; anything else unknown
                if isinstance(value, (Obj, QName)) and isinstance(node.op, ast.Or):
                    return value
                return self.unknown(node)
            truthy = bool(_plain(value))
            if isinstance(node.op, ast.Or) and truthy:
                return value
            if isinstance(node.op, ast.And) and not truthy:
                return value
        return value

    def compare(self, node: ast.Compare, scope: Scope) -> Any:
        if len(node.ops) != 1 or not isinstance(node.ops[0], (ast.Eq, ast.NotEq, ast.Is, ast.IsNot)):
            return self.unknown(node)
        left = self.eval(node.left, scope).value
        right = self.eval(node.comparators[0], scope).value
        if not (isinstance(left, _KNOWN) and isinstance(right, _KNOWN)):
            return self.unknown(node)
        if isinstance(node.ops[0], (ast.Is, ast.IsNot)) and not (left is None or right is None):
            return self.unknown(node)
        equal = left == right and type(left) is type(right) if isinstance(node.ops[0], (ast.Is, ast.IsNot)) else left == right
        return equal if isinstance(node.ops[0], (ast.Eq, ast.Is)) else not equal

    def subscript(self, node: ast.Subscript, scope: Scope) -> Any:
        base = self.eval(node.value, scope).value
        if isinstance(base, QName) and base.name == "os.environ":
            return self.unknown(node, "variable")
        key = self.eval(node.slice, scope).value
        if isinstance(base, dict) and isinstance(key, str) and key in base and "**" not in base:
            return base[key].value
        if isinstance(base, list) and isinstance(key, int) and not isinstance(key, bool) and -len(base) <= key < len(base):
            return base[key].value
        return self.unknown(node)

    # calls
    def call(self, node: ast.Call, scope: Scope) -> W:
        func = node.func
        if isinstance(func, ast.Attribute):
            base = self.eval(func.value, scope)
            if isinstance(base.value, Obj):
                return W(self.method(base.value, func.attr, node, scope), node)
            if isinstance(base.value, dict):
                return W(self.dict_method(base.value, func.attr, node, scope), node)
            callee: Any = QName(f"{base.value.name}.{func.attr}") if isinstance(base.value, QName) else None
        else:
            callee = self.eval(func, scope).value
        if isinstance(callee, Func):
            args = [self.eval(a, scope) for a in node.args if not isinstance(a, ast.Starred)]
            kwargs = {k.arg: self.eval(k.value, scope) for k in node.keywords if k.arg}
            if any(isinstance(a, ast.Starred) for a in node.args) or any(k.arg is None for k in node.keywords):
                return W(self.unknown(node), node)
            result = self.call_function(callee.node, args, kwargs)
            return W(result.value, node) if result is not None else W(None, node)
        if not isinstance(callee, QName):
            self.eval_arguments(node, scope)
            return W(self.unknown(node), node)
        qualified = callee.name
        if qualified in ("os.environ.get", "os.getenv"):
            self.eval_arguments(node, scope)
            return W(self.unknown(node, "variable"), node)
        if qualified == "builtins.dict":
            return W(self.dict_call(node, scope), node)
        if qualified in _CONVERSIONS and len(node.args) == 1 and not node.keywords:
            value = self.eval(node.args[0], scope).value
            if isinstance(value, _KNOWN) and value is not None:
                try:
                    return W(_CONVERSIONS[qualified](value), node)
                except (TypeError, ValueError, OverflowError):
                    pass
            return W(self.unknown(node), node)
        cls = qualified.rsplit(".", 1)[-1]
        family = T.CLASSES.get(cls)
        if family is None or not qualified.startswith("sagemaker."):
            self.eval_arguments(node, scope)
            return W(self.unknown(node), node)
        return W(self.sdk_call(cls, qualified, family, node, scope), node)

    def eval_arguments(self, node: ast.Call, scope: Scope) -> None:
        """Arguments of a call we do not model are still evaluated: a job built inside one
        (`Pipeline(steps=[TrainingStep(...)])`) is a job."""
        for arg in node.args:
            self.eval(arg.value if isinstance(arg, ast.Starred) else arg, scope)
        for keyword in node.keywords:
            self.eval(keyword.value, scope)

    def arguments(self, cls: str, node: ast.Call, scope: Scope) -> tuple[dict[str, W], list[ast.AST]]:
        """keyword -> W as written (positional arguments named by tables.POSITIONAL), and the
        `**splats` that could not be resolved."""
        found: dict[str, W] = {}
        splats: list[ast.AST] = []
        names = T.POSITIONAL.get(cls, ())
        for index, arg in enumerate(node.args):
            if isinstance(arg, ast.Starred):
                self.eval(arg.value, scope)
                splats.append(arg)
                continue
            value = self.eval(arg, scope)
            if index < len(names):
                found[names[index]] = W(value.value, arg, None)
        for keyword in node.keywords:
            value = self.eval(keyword.value, scope)
            if keyword.arg is None:
                if isinstance(value.value, dict) and "**" not in value.value:
                    for key, entry in value.value.items():
                        found[key] = entry
                else:
                    if isinstance(value.value, dict):
                        found.update({k: v for k, v in value.value.items() if k != "**"})
                    splats.append(keyword)
            else:
                found[keyword.arg] = W(value.value, keyword.value, keyword)
        return found, splats

    def sdk_call(self, cls: str, qualified: str, family: str, node: ast.Call, scope: Scope) -> Any:
        found, splats = self.arguments(cls, node, scope)
        if family == T.SESSION_ROLE:
            return self.unknown(node)
        if family == T.PARAMETER:
            default = found.get("default_value")
            if default is not None and known(default.value):
                return default.value
            name = found.get("name")
            label = name.value if name is not None and isinstance(name.value, str) else self.text(node)
            return Unknown(label, "variable")
        if family == T.STEP:
            self.step(cls, found)
            return self.unknown(node)
        registry = self.configs if family in (T.NETWORK_CONFIG, T.COMPUTE, T.NETWORKING, T.OUTPUT_DATA_CONFIG) else self.jobs
        existing = registry.get(id(node))
        obj = Obj(cls, qualified, family, node, found, splats)
        if existing is None:  # the first evaluation of a call is the one reported
            registry[id(node)] = obj
        if family == T.TUNER:
            inner = found.get("estimator") or found.get("model_trainer")
            if inner is not None and isinstance(inner.value, Obj):
                inner.value.wrapped = True
        return existing if existing is not None else obj

    def step(self, cls: str, found: dict[str, W]) -> None:
        name = found.get("name")
        label = name.value if name is not None and isinstance(name.value, str) else None
        jobs = [found[k].value for k in T.STEP_JOB_KEYWORDS if k in found]
        args = found.get("step_args")
        if args is not None and isinstance(args.value, StepArgs):
            jobs.append(args.value.obj)
        for job in jobs:
            if isinstance(job, Obj):
                if job.step is None:
                    job.step = label
                if cls == "TrainingStep":
                    job.stepped = True

    def method(self, obj: Obj, method: str, node: ast.Call, scope: Scope) -> Any:
        if method in T.STEP_ARGS_METHODS:
            self.eval_arguments(node, scope)
            return StepArgs(obj)
        if method == "set_hyperparameters" and obj.family == T.ESTIMATOR:
            found, _ = self.arguments("", node, scope)
            current = obj.kw.get("hyperparameters")
            entries = dict(current.value) if current is not None and isinstance(current.value, dict) else {}
            entries.update(found)
            obj.kw["hyperparameters"] = W(entries, current.node if current else node, current.key if current else None)
            return None
        if method == "transformer" and obj.family in (T.ESTIMATOR, T.TRAINER, T.MODEL_FAMILY):
            return self.sdk_call("Transformer", f"{obj.qualname}.transformer", T.TRANSFORMER, node, scope)
        self.eval_arguments(node, scope)
        return self.unknown(node)

    def dict_method(self, entries: dict[str, W], method: str, node: ast.Call, scope: Scope) -> Any:
        if method == "get" and node.args:
            key = self.eval(node.args[0], scope).value
            default = self.eval(node.args[1], scope).value if len(node.args) > 1 else None
            if isinstance(key, str) and "**" not in entries:
                return entries[key].value if key in entries else default
        elif method == "copy" and not node.args:
            return dict(entries)
        elif method == "update":
            update = self.dict_call(node, scope)
            if isinstance(update, dict):
                entries.update(update)
            else:
                entries["**"] = W(self.unknown(node), node)
            return None
        return self.unknown(node)

    def dict_call(self, node: ast.Call, scope: Scope) -> Any:
        entries: dict[str, W] = {}
        for arg in node.args:
            value = self.eval(arg, scope).value
            if not isinstance(value, dict):
                return self.unknown(node)
            entries.update(value)
        for keyword in node.keywords:
            value = self.eval(keyword.value, scope)
            if keyword.arg is None:
                if not isinstance(value.value, dict):
                    return self.unknown(node)
                entries.update(value.value)
            else:
                entries[keyword.arg] = W(value.value, keyword.value, keyword)
        return entries

    def call_function(self, fdef: ast.FunctionDef | ast.AsyncFunctionDef, args: list[W], kwargs: dict[str, W],
                      with_defaults: bool = False) -> W | None:
        if fdef in self.stack or len(self.stack) >= MAX_CALL_DEPTH:
            return W(Unknown(fdef.name), None)
        scope = Scope(self.module)
        spec = fdef.args
        positional = [*spec.posonlyargs, *spec.args]
        defaults = dict(zip([a.arg for a in positional][len(positional) - len(spec.defaults):], spec.defaults))
        defaults.update({a.arg: d for a, d in zip(spec.kwonlyargs, spec.kw_defaults) if d is not None})
        for index, param in enumerate(positional + spec.kwonlyargs):
            name = param.arg
            if not with_defaults and index < len(args) and param in positional:
                scope.vars[name] = args[index]
            elif not with_defaults and name in kwargs:
                scope.vars[name] = kwargs[name]
            elif name in defaults:
                scope.vars[name] = self.eval(defaults[name], self.module)
            else:
                scope.vars[name] = W(Unknown(name, "variable"), param)
        for extra in (spec.vararg, spec.kwarg):
            if extra is not None:
                scope.vars[extra.arg] = W(Unknown(extra.arg, "variable"), extra)
        self.stack.append(fdef)
        self.block_returns.append(False)
        try:
            result = self.exec_body(fdef.body, scope)
        finally:
            self.stack.pop()
            returned_in_block = self.block_returns.pop()
        if returned_in_block:  # which return ran is not known
            return W(Unknown(fdef.name), None)
        return result


_CONVERSIONS = {"builtins.str": str, "builtins.int": int, "builtins.float": float, "builtins.bool": bool}


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _plain(value: Any) -> Any:
    if isinstance(value, list):
        return [_plain(item.value) for item in value]
    if isinstance(value, dict):
        return {k: _plain(v.value) for k, v in value.items()}
    return value


# --- positions -----------------------------------------------------------------------------------


class Offsets:
    """ast (line, UTF-8 column) -> byte offset of the file. Python ends lines at \\n, \\r\\n and a
    lone \\r; the tokenizer skips a UTF-8 byte order mark."""

    def __init__(self, data: bytes) -> None:
        bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0
        self.starts = [bom, *(m.end() for m in re.finditer(rb"\r\n|\r|\n", data))]
        self.size = len(data)

    def at(self, line: int, col: int) -> int:
        if line < 1:
            return 0
        if line > len(self.starts):
            return self.size
        return min(self.starts[line - 1] + col, self.size)

    def of(self, node: ast.AST) -> tuple[int, int]:
        start = self.at(getattr(node, "lineno", 1), getattr(node, "col_offset", 0))
        end = self.at(getattr(node, "end_lineno", None) or getattr(node, "lineno", 1),
                      getattr(node, "end_col_offset", None) or getattr(node, "col_offset", 0))
        return start, max(start, end)


# --- resources -----------------------------------------------------------------------------------


class Builder:
    def __init__(self, path: str, data: bytes, offsets: Offsets) -> None:
        self.path = path
        self.data = data
        self.offsets = offsets
        self.index = LineIndex(data)
        self.functions: dict[int, str] = {}  # id(call) -> the enclosing function's dotted name

    def enclose(self, node: ast.AST, name: str = "") -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                self.enclose(child, f"{name}.{child.name}" if name else child.name)
            else:
                if isinstance(child, ast.Call):
                    self.functions[id(child)] = name
                self.enclose(child, name)

    def span(self, node: ast.AST) -> Span:
        start, end = self.offsets.of(node)
        return make_span(self.path, self.index, start, end)

    def key_span(self, key: ast.AST | None) -> Span | None:
        if key is None:
            return None
        if isinstance(key, ast.keyword):
            start, _ = self.offsets.of(key)
            return make_span(self.path, self.index, start, start + len((key.arg or "").encode()))
        return self.span(key)

    def value(self, w: W, node: ast.AST | None, key: ast.AST | None) -> Value:
        where = self.span(node) if node is not None else None
        raw = w.value
        if isinstance(raw, list):
            raw = [self.value(item, item.node or node, item.key) for item in raw]
        elif isinstance(raw, dict):
            if "**" in raw:
                star = raw["**"]
                raw = Unknown(star.value.expr if isinstance(star.value, Unknown) else "**", "expression")
            else:
                raw = {k: self.value(item, item.node or node, item.key) for k, item in raw.items()}
        elif not isinstance(raw, (*_KNOWN, Unknown)):
            raw = Unknown(self.text(node) if node is not None else "?", "expression")
        return Value(raw, where, key_span=self.key_span(key))

    def text(self, node: ast.AST) -> str:
        start, end = self.offsets.of(node)
        return self.data[start:end].decode("utf-8", "replace")

    def call_info(self, call: ast.Call) -> dict[str, Any]:
        start, end = self.offsets.of(call)
        return {"start": start, "end": end, "one_line": call.lineno == call.end_lineno}

    def insertion(self, call: ast.Call) -> Insertion:
        """Where a new keyword goes: after the last argument's line, with its indentation; in a
        one-line call, before the closing parenthesis (no indentation)."""
        start, end = self.offsets.of(call)
        arguments = [*call.args, *call.keywords]
        if call.lineno == call.end_lineno or not arguments:
            return Insertion(max(start, end - 1), "")
        last = max(arguments, key=lambda a: self.offsets.of(a)[1])
        last_start = self.offsets.of(last)[0]
        return Insertion(self.index.next_line_start(self.offsets.of(last)[1]), self.index.indent(last_start))

    def header(self, call: ast.Call) -> Span:
        start, _ = self.offsets.of(call)
        func_end = self.offsets.of(call.func)[1]
        paren = self.data.find(b"(", func_end)
        end = paren + 1 if paren != -1 else func_end
        return make_span(self.path, self.index, start, end)

    def fields(self, obj: Obj, prefix: str = "") -> tuple[dict[str, Value], dict[str, str], dict[str, dict]]:
        """API path -> Value (flat), API path -> SDK keyword, API path -> the call it is written in."""
        values: dict[str, Value] = {}
        keywords: dict[str, str] = {}
        calls: dict[str, dict] = {}
        table = T.KEYWORDS.get(obj.family, {})
        main = self.call_info(obj.call)
        for keyword, target in table.items():
            if isinstance(target, str):
                keywords[prefix + target] = keyword
                calls[prefix + target] = main
                if keyword in obj.kw:
                    w = obj.kw[keyword]
                    values[prefix + target] = self.value(w, w.node, w.key)
                elif obj.splats:
                    values[prefix + target] = Value(Unknown(self.text(obj.splats[0]), "expression"),
                                                    self.span(obj.splats[0]))
                continue
            config_class, config_prefix = target
            nested = T.KEYWORDS[config_class]
            w = obj.kw.get(keyword)
            config = w.value if w is not None else None
            for sub, sub_target in nested.items():
                path = prefix + config_prefix + sub_target
                keywords[path] = sub
                if isinstance(config, Obj):
                    calls[path] = self.call_info(config.call)
                    if sub in config.kw:
                        sw = config.kw[sub]
                        values[path] = self.value(sw, sw.node, sw.key)
                    elif config.splats:
                        values[path] = Value(Unknown(self.text(config.splats[0]), "expression"),
                                             self.span(config.splats[0]))
                elif w is not None and w.value is not None:
                    values[path] = Value(Unknown(self.text(w.node) if w.node is not None else keyword, "expression"),
                                         self.span(w.node) if w.node is not None else None,
                                         key_span=self.key_span(w.key))
                elif obj.splats:
                    values[path] = Value(Unknown(self.text(obj.splats[0]), "expression"), self.span(obj.splats[0]))
        return values, keywords, calls

    def resource(self, obj: Obj, address: str) -> Resource:
        kind = T.FAMILY_KIND[obj.family]
        source = obj
        prefix = ""
        if obj.family == T.TUNER:
            inner = obj.kw.get("estimator") or obj.kw.get("model_trainer")
            source = inner.value if inner is not None and isinstance(inner.value, Obj) else None
            prefix = "TrainingJobDefinition."
        if source is None:
            flat, keywords, calls = {}, {}, {}
            # the estimator is not known: every field of the definition is
            value = Value(Unknown(self.text(obj.call), "expression"), self.span(obj.call))
            flat = {prefix + p: value for p in T.KEYWORDS[T.ESTIMATOR].values() if isinstance(p, str)}
        else:
            flat, keywords, calls = self.fields(source, prefix)
        if obj.family == T.TUNER:
            # a tuning job sends the estimator's hyperparameters as the static ones
            for table in (flat, keywords, calls):
                if prefix + "HyperParameters" in table:
                    table[prefix + "StaticHyperParameters"] = table.pop(prefix + "HyperParameters")
        attrs = nest(flat)
        meta: dict[str, Any] = {"keywords": keywords, "calls": calls, "function": self.functions.get(id(obj.call), "")}
        if obj.step is not None:
            meta["step"] = obj.step
        insertion_call = source.call if source is not None else obj.call
        return Resource(kind, obj.qualname, "sagemaker", address, self.span(obj.call), attrs,
                        {"": self.insertion(insertion_call)}, meta, self.header(obj.call))


def nest(flat: dict[str, Value]) -> dict[str, Value]:
    """{"VpcConfig.Subnets": v} -> {"VpcConfig": Value({"Subnets": v})}; an intermediate dict
    takes the span of its first written field (where a finding about it points)."""
    tree: dict[str, Any] = {}
    for path, value in flat.items():
        parts = path.split(".")
        node = tree
        for part in parts[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                break
        else:
            node[parts[-1]] = value

    def build(node: dict[str, Any]) -> dict[str, Value]:
        out: dict[str, Value] = {}
        for key, item in node.items():
            if isinstance(item, Value):
                out[key] = item
            else:
                children = build(item)
                first = next(iter(children.values()), None)
                out[key] = Value(children, first.span if first else None)
        return out

    return build(tree)


def parse(path: str, data: bytes) -> ParsedFile:
    """Read one Python file. Never raises, never runs the file."""
    try:
        return _parse(path, data)
    except Exception as error:  # our bug: say so, keep the scan going
        index = LineIndex(data)
        where = make_span(path, index, 0, 0)
        return ParsedFile(path, "sagemaker", (), (ParseIssue(
            where, f"aiposture could not read this file (internal error: {type(error).__name__}: {error})"),))


def _parse(path: str, data: bytes) -> ParsedFile:
    index = LineIndex(data)
    try:
        tree = ast.parse(data, filename=path)
    except SyntaxError as error:
        offsets = Offsets(data)
        line = error.lineno or 1
        start = offsets.at(line, max(0, (error.offset or 1) - 1))
        version = f"{sys.version_info.major}.{sys.version_info.minor}"
        message = f"not valid Python {version} syntax: {error.msg}"
        return ParsedFile(path, "sagemaker", (), (ParseIssue(make_span(path, index, start, start), message),))
    except (ValueError, RecursionError, MemoryError) as error:
        # null bytes, or nesting the compiler itself refuses: not a file we can read
        message = "not valid Python: source contains null bytes" if isinstance(error, ValueError) else \
            "the file is nested too deeply to read"
        return ParsedFile(path, "sagemaker", (), (ParseIssue(make_span(path, index, 0, 0), message),))
    offsets = Offsets(data)
    evaluator = Evaluator(data, offsets)
    try:
        evaluator.run_module(tree)
    except (_Budget, RecursionError):
        pass  # keep what was found
    builder = Builder(path, data, offsets)
    try:
        builder.enclose(tree)
    except RecursionError:
        pass
    resources: list[Resource] = []
    seen: set[str] = set()
    for obj in sorted(evaluator.jobs.values(), key=lambda o: offsets.of(o.call)[0]):
        if obj.wrapped and not obj.stepped:
            continue  # reported as its tuning job
        address = obj.name or f"{obj.cls}@{obj.call.lineno}"
        if address in seen:
            address = f"{address}@{obj.call.lineno}"
        while address in seen:
            address += "'"
        seen.add(address)
        resources.append(builder.resource(obj, address))
    return ParsedFile(path, "sagemaker", tuple(resources), ())
