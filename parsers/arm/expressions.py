"""The ARM template expression language: `[concat(parameters('prefix'), '-', variables('x')[0].name)]`.

    parse(source: str) -> Node      a template string `[...]`, or an expression without brackets
    unparse(node: Node) -> str      canonical expression text (no brackets)
    literal(value) -> str           a known value written as an expression (for Unknown texts)

Nodes are frozen records: `Literal(value)` (a 'string' with '' escaping, or an integer),
`Call(name, args)` (a function call; `name` keeps its spelling, user-defined functions are
`namespace.name`), `Member(target, name)` (`.name`), `Index(target, index)` (`[expr]`), and
`Error(message)` for text that is not an expression. `parse` never raises: anything wrong
(unbalanced parentheses, an unterminated string, a bare word, nesting deeper than MAX_DEPTH,
text longer than MAX_LENGTH) is an `Error`. Function names are case-insensitive in ARM; the
evaluator lowers them, the parser keeps them as written.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Union

__all__ = ["Call", "Error", "Index", "Literal", "Member", "Node", "literal", "parse", "unparse"]

MAX_DEPTH = 64  # nested calls and accessors
MAX_LENGTH = 200_000  # characters of one expression


@dataclass(frozen=True)
class Literal:
    value: Any  # str | int


@dataclass(frozen=True)
class Call:
    name: str
    args: tuple["Node", ...]


@dataclass(frozen=True)
class Member:
    target: "Node"
    name: str


@dataclass(frozen=True)
class Index:
    target: "Node"
    index: "Node"


@dataclass(frozen=True)
class Error:
    message: str


Node = Union[Literal, Call, Member, Index, Error]

_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<string>'(?:[^']|'')*')
  | (?P<int>-?[0-9]+)
  | (?P<name>[A-Za-z_$][A-Za-z0-9_$]*)
  | (?P<punct>[()\[\],.])
""", re.X)


class _Bad(Exception):
    pass


def parse(source: str) -> Node:
    """An expression's tree; `source` may keep its surrounding brackets. Never raises."""
    try:
        text = source.strip() if isinstance(source, str) else ""
        if len(text) >= 2 and text[0] == "[" and text[-1] == "]":
            text = text[1:-1]
        if len(text) > MAX_LENGTH:
            return Error("the expression is too long to evaluate")
        tokens = _tokens(text)
        parser = _Parser(tokens)
        node = parser.expression(0)
        if parser.at < len(tokens):
            raise _Bad(f"unexpected {tokens[parser.at][1]!r} after the expression")
        return node
    except _Bad as bad:
        return Error(str(bad))
    except RecursionError:
        return Error("the expression is nested too deeply")


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            if text[pos] == "'":
                raise _Bad("unterminated string")
            raise _Bad(f"unexpected character {text[pos]!r}")
        pos = m.end()
        if m.lastgroup != "space":
            tokens.append((m.lastgroup, m.group()))
    if not tokens:
        raise _Bad("empty expression")
    return tokens


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.at = 0

    def peek(self, offset: int = 0) -> tuple[str, str]:
        i = self.at + offset
        return self.tokens[i] if i < len(self.tokens) else ("", "")

    def take(self, text: str) -> None:
        if self.peek()[1] != text:
            found = self.peek()[1]
            raise _Bad(f"expected {text!r}" + (f", found {found!r}" if found else " at the end"))
        self.at += 1

    def expression(self, depth: int) -> Node:
        if depth > MAX_DEPTH:
            raise _Bad("the expression is nested too deeply")
        kind, text = self.peek()
        if kind == "string":
            self.at += 1
            node: Node = Literal(text[1:-1].replace("''", "'"))
        elif kind == "int":
            self.at += 1
            node = Literal(int(text))
        elif kind == "name":
            self.at += 1
            name = text
            if self.peek() == ("punct", ".") and self.peek(1)[0] == "name" and self.peek(2) == ("punct", "("):
                name = f"{name}.{self.peek(1)[1]}"  # a user-defined function: namespace.name(...)
                self.at += 2
            if self.peek() != ("punct", "("):
                raise _Bad(f"{name!r} is not a function call")
            self.at += 1
            args: list[Node] = []
            if self.peek() != ("punct", ")"):
                while True:
                    args.append(self.expression(depth + 1))
                    if self.peek() == ("punct", ","):
                        self.at += 1
                        continue
                    break
            self.take(")")
            node = Call(name, tuple(args))
        elif kind == "":
            raise _Bad("the expression ends too early")
        else:
            raise _Bad(f"unexpected {text!r}")
        while True:  # accessors: .name and [index]
            kind, text = self.peek()
            if (kind, text) == ("punct", "."):
                name_kind, name = self.peek(1)
                if name_kind != "name":
                    raise _Bad("expected a property name after '.'")
                self.at += 2
                node = Member(node, name)
            elif (kind, text) == ("punct", "["):
                self.at += 1
                node = Index(node, self.expression(depth + 1))
                self.take("]")
            else:
                return node
            depth += 1
            if depth > MAX_DEPTH:
                raise _Bad("the expression is nested too deeply")


def unparse(node: Node) -> str:
    """Canonical text of an expression (without the surrounding brackets)."""
    if isinstance(node, Literal):
        return literal(node.value)
    if isinstance(node, Call):
        return f"{node.name}({', '.join(unparse(a) for a in node.args)})"
    if isinstance(node, Member):
        return f"{unparse(node.target)}.{node.name}"
    if isinstance(node, Index):
        return f"{unparse(node.target)}[{unparse(node.index)}]"
    return "<error>"


def literal(value: Any) -> str:
    """A known value as expression text: 'text', 12, true(), null(), json('...')."""
    if isinstance(value, bool):
        return "true()" if value else "false()"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    if value is None:
        return "null()"
    try:
        return literal_json(value)
    except (TypeError, ValueError):
        return "<value>"


def literal_json(value: Any) -> str:
    return "json(" + literal(json.dumps(value, separators=(",", ":"), default=_no_default)) + ")"


def _no_default(value: Any) -> Any:
    expr = getattr(value, "expr", None)
    if isinstance(expr, str):
        return expr
    raise TypeError("not JSON")
