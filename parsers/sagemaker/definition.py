"""SageMaker pipeline definition JSON (what `pipeline.definition()` returns, and what
`aws_sagemaker_pipeline.pipeline_definition` / `AWS::SageMaker::Pipeline` `PipelineDefinitionBody`
hold): {"Version", "Parameters": [...], "Steps": [{"Name", "Type", "Arguments": {...}}]}.

Each Training, Processing, Tuning, Transform and Model step is one Resource (address: the step's
Name; native_type: its Type; kinds from `tables.STEP_TYPES`), including the steps inside a
Condition step's IfSteps / ElseSteps. `Arguments` is the API request (CreateTrainingJob...), so
its fields are the attributes as they are, the same API paths the Python reader produces.
`{"Get": "Parameters.X"}` is the parameter's DefaultValue when it has one, else
Unknown("variable"); any other `{"Get": ...}` (a step's property) or `{"Std:Join": ...}` is
Unknown("expression"). An absent boolean means false: that is the kinds table's DEFAULTS.

Positions: `parse(path, data, base=...)` reads a definition embedded in another file (the string
of a Terraform `pipeline_definition` or a CloudFormation `PipelineDefinitionBody`). With
`exact=True` (the default) `data` must be the string's content exactly as it is in the host
file, starting at `base.start` (a heredoc, a YAML literal block without indentation): every span
is then the host file's. When the host escapes or re-indents the text (a JSON or quoted string,
an indented block scalar), pass `exact=False`: every span is then `base` itself (the findings
point at the string), since positions inside cannot be mapped back honestly.
"""
from __future__ import annotations

import json
import re
from typing import Any

from analyzer.model import ParsedFile, ParseIssue, Resource, Span, Unknown, Value
from analyzer.text import LineIndex, span as make_span, utf16_len
from parsers.sagemaker import tables as T

__all__ = ["looks_like", "parse"]

MAX_DEPTH = 200
MAX_STEPS = 10_000  # steps read per definition (nested condition steps included)

_STEPS = re.compile(rb'"Steps"\s*:\s*\[')
_TYPE = re.compile(rb'"Type"\s*:\s*"(?:Training|Processing|Tuning|Transform|Model|Condition|RegisterModel|Lambda|'
                   rb'Callback|QualityCheck|ClarifyCheck|EMR|Fail|AutoML)"')
_VERSION = re.compile(rb'"Version"\s*:\s*"20\d\d-\d\d-\d\d"')


def looks_like(data: bytes) -> bool:
    """A JSON text with a "Version" date, "Steps" and a step "Type" SageMaker knows (cheap:
    regular expressions only)."""
    head = data[:5 * 1024 * 1024]
    return head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{" and bool(
        _STEPS.search(head) and _VERSION.search(head) and _TYPE.search(head))


# --- a positioned JSON reader (the text is validated by json.loads first) -----------------------


class Node:
    __slots__ = ("value", "start", "end")

    def __init__(self, value: Any, start: int, end: int) -> None:
        self.value = value  # dict[str, (key Node, value Node)] | list[Node] | scalar
        self.start = start
        self.end = end


_WS = re.compile(rb"[ \t\r\n]*")
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NUMBER = re.compile(rb"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?")


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def skip(self, at: int) -> int:
        return _WS.match(self.data, at).end()

    def value(self, at: int, depth: int) -> tuple[Node, int]:
        if depth > MAX_DEPTH:
            raise ValueError("nested too deeply")
        at = self.skip(at)
        char = self.data[at:at + 1]
        if char == b"{":
            entries: dict[str, tuple[Node, Node]] = {}
            start = at
            at = self.skip(at + 1)
            if self.data[at:at + 1] == b"}":
                return Node(entries, start, at + 1), at + 1
            while True:
                key, at = self.value(at, depth + 1)
                at = self.skip(at) + 1  # ':'
                item, at = self.value(at, depth + 1)
                entries[key.value] = (key, item)
                at = self.skip(at)
                if self.data[at:at + 1] == b",":
                    at += 1
                    continue
                return Node(entries, start, at + 1), at + 1
        if char == b"[":
            items: list[Node] = []
            start = at
            at = self.skip(at + 1)
            if self.data[at:at + 1] == b"]":
                return Node(items, start, at + 1), at + 1
            while True:
                item, at = self.value(at, depth + 1)
                items.append(item)
                at = self.skip(at)
                if self.data[at:at + 1] == b",":
                    at += 1
                    continue
                return Node(items, start, at + 1), at + 1
        if char == b'"':
            match = _STRING.match(self.data, at)
            return Node(json.loads(match.group()), at, match.end()), match.end()
        for word, value in ((b"true", True), (b"false", False), (b"null", None)):
            if self.data.startswith(word, at):
                return Node(value, at, at + len(word)), at + len(word)
        match = _NUMBER.match(self.data, at)
        return Node(json.loads(match.group()), at, match.end()), match.end()


# --- the parser ----------------------------------------------------------------------------------


class _Positions:
    def __init__(self, path: str, data: bytes, base: Span | None, exact: bool) -> None:
        self.path = path
        self.index = LineIndex(data)
        self.base = base
        self.exact = exact
        self.data = data

    def span(self, start: int, end: int) -> Span:
        if self.base is None:
            return make_span(self.path, self.index, start, end)
        if not self.exact:
            return self.base
        line, col = self._where(start)
        end_line, end_col = self._where(end)
        return Span(self.base.path, self.base.start + start, self.base.start + end, line, col, end_line, end_col)

    def _where(self, offset: int) -> tuple[int, int]:
        line, col = self.index.position(offset)
        if line == 1:
            # the first line continues the host's line: count from where the content starts
            prefix = self.data[:offset]
            return self.base.line, self.base.col + (len(prefix) if prefix.isascii() else utf16_len(prefix))
        return self.base.line + line - 1, col


def parse(path: str, data: bytes, *, base: Span | None = None, exact: bool = True) -> ParsedFile:
    """Read a pipeline definition. Never raises."""
    try:
        return _parse(path, data, base, exact)
    except Exception as error:  # our bug: say so, keep the scan going
        where = _Positions(path, data, base, exact).span(0, 0)
        return ParsedFile(path, "sagemaker", (), (ParseIssue(
            where, f"aiposture could not read this definition (internal error: {type(error).__name__}: {error})"),))


def _parse(path: str, data: bytes, base: Span | None, exact: bool) -> ParsedFile:
    positions = _Positions(path, data, base, exact)
    try:
        text = data.decode("utf-8-sig")
        json.loads(text, parse_constant=_reject)
    except UnicodeDecodeError as error:
        return _issue(positions, error.start, "the pipeline definition is not UTF-8 text")
    except json.JSONDecodeError as error:
        offset = len(text[:error.pos].encode("utf-8")) + (3 if data.startswith(b"\xef\xbb\xbf") else 0)
        return _issue(positions, offset, f"invalid JSON: {error.msg}")
    except (ValueError, RecursionError) as error:
        return _issue(positions, 0, f"invalid JSON: {error}")
    try:
        root, _ = _Reader(data).value(3 if data.startswith(b"\xef\xbb\xbf") else 0, 0)
    except (ValueError, RecursionError):
        return _issue(positions, 0, f"the pipeline definition is nested more than {MAX_DEPTH} levels deep")
    if not isinstance(root.value, dict):
        return ParsedFile(path, "sagemaker")
    builder = _Builder(positions, _parameters(root))
    steps = _get(root, "Steps")
    found: list[Resource] = []
    builder.steps(steps, found, 0)
    return ParsedFile(path, "sagemaker", tuple(found), ())


def _reject(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _issue(positions: _Positions, offset: int, message: str) -> ParsedFile:
    return ParsedFile(positions.path, "sagemaker", (), (ParseIssue(positions.span(offset, offset), message),))


def _get(node: Node | None, key: str) -> Node | None:
    if node is None or not isinstance(node.value, dict) or key not in node.value:
        return None
    return node.value[key][1]


def _parameters(root: Node) -> dict[str, Any]:
    """Parameter name -> its DefaultValue (plain), or Unknown when it has none."""
    found: dict[str, Any] = {}
    parameters = _get(root, "Parameters")
    for item in parameters.value if parameters is not None and isinstance(parameters.value, list) else ():
        name = _get(item, "Name")
        if name is None or not isinstance(name.value, str):
            continue
        default = _get(item, "DefaultValue")
        found[name.value] = _plain(default) if default is not None else Unknown(f"Parameters.{name.value}", "variable")
    return found


def _plain(node: Node) -> Any:
    if isinstance(node.value, dict):
        return {k: _plain(v) for k, (_, v) in node.value.items()}
    if isinstance(node.value, list):
        return [_plain(v) for v in node.value]
    return node.value


class _Builder:
    def __init__(self, positions: _Positions, parameters: dict[str, Any]) -> None:
        self.positions = positions
        self.parameters = parameters
        self.count = 0
        self.seen: set[str] = set()

    def steps(self, steps: Node | None, found: list[Resource], depth: int) -> None:
        if steps is None or not isinstance(steps.value, list) or depth > 20:
            return
        for step in steps.value:
            self.count += 1
            if self.count > MAX_STEPS or not isinstance(step.value, dict):
                return
            kind_node, name_node = _get(step, "Type"), _get(step, "Name")
            step_type = kind_node.value if kind_node is not None else None
            arguments = _get(step, "Arguments")
            if step_type == "Condition":
                self.steps(_get(arguments, "IfSteps"), found, depth + 1)
                self.steps(_get(arguments, "ElseSteps"), found, depth + 1)
                continue
            if step_type not in T.STEP_TYPES:
                continue
            kind, _ = T.STEP_TYPES[step_type]
            name = name_node.value if name_node is not None and isinstance(name_node.value, str) else f"{step_type}@{step.start}"
            while name in self.seen:
                name += "'"
            self.seen.add(name)
            attrs: dict[str, Value] = {}
            if arguments is not None and isinstance(arguments.value, dict):
                attrs = {k: self.value(v, key) for k, (key, v) in arguments.value.items()}
            elif arguments is not None:
                attrs = {}  # arguments given as an expression: nothing to read
            header_end = kind_node.end if kind_node is not None else step.start + 1
            header = self.positions.span(step.start, max(step.start + 1, header_end))
            meta = {"step": name, "definition": True}
            found.append(Resource(kind, step_type, "sagemaker", name, self.positions.span(step.start, step.end),
                                  attrs, {}, meta, header))

    def value(self, node: Node, key: Node | None = None) -> Value:
        where = self.positions.span(node.start, node.end)
        key_span = self.positions.span(key.start, key.end) if key is not None else None
        raw = node.value
        if isinstance(raw, dict):
            if len(raw) == 1 and "Get" in raw:
                target = raw["Get"][1].value
                if isinstance(target, str) and target.startswith("Parameters."):
                    resolved = self.parameters.get(target[len("Parameters."):], Unknown(target, "variable"))
                    if isinstance(resolved, Unknown):
                        return Value(resolved, where, key_span=key_span)
                    return Value(_values(resolved, where), where, key_span=key_span)
                return Value(Unknown(json.dumps(_plain(node)), "expression"), where, key_span=key_span)
            if len(raw) == 1 and next(iter(raw)).startswith("Std:"):
                return Value(Unknown(json.dumps(_plain(node)), "expression"), where, key_span=key_span)
            return Value({k: self.value(v, kn) for k, (kn, v) in raw.items()}, where, key_span=key_span)
        if isinstance(raw, list):
            return Value([self.value(item) for item in raw], where, key_span=key_span)
        return Value(raw, where, key_span=key_span)


def _values(plain: Any, where: Span) -> Any:
    """A parameter's default as Values (all at the reference's span)."""
    if isinstance(plain, dict):
        return {k: Value(_values(v, where), where) for k, v in plain.items()}
    if isinstance(plain, list):
        return [Value(_values(v, where), where) for v in plain]
    return plain
