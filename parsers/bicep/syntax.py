"""Bicep syntax: bytes -> a Program of declarations, every node with its byte span.

    parse_syntax(data: bytes) -> (Program, issues)
    parse_expression(text: str | bytes) -> (node | None, issues)

A hand-written recursive-descent parser over lexer.tokenize's tokens, following the Bicep grammar
(Azure/bicep docs/grammar.md) and the newer syntax the language documentation describes
(user-defined types and functions, compile-time imports, `.?`, `??`, `!`, spreads, lambdas,
single-line objects and arrays with commas). Never raises.

- Every node is a plain dataclass with byte offsets `start`/`end` (end exclusive) into the data.
  A declaration's span starts at its first decorator; `keyword_start` is where its keyword is.
- Expressions: Literal (str | int | bool | None; `multiline` for '''...'''), Interpolated (parts:
  str pieces and expression nodes alternating, first and last a str), Array (items, a `Spread`
  among them), Object (properties: Property(key, value, decorators) | Spread; resources: nested
  ResourceDecls of a resource body, in source order), Identifier, Member (obj, name, safe `.?`,
  nested `::`), Index (obj, index, safe `[?`), Call (name, args, target: the expression before
  `.` — `az` in `az.resourceGroup()`, `acct` in `acct.listKeys()` — or None; `namespace` is the
  target's name when it is an Identifier), NonNull (postfix `!`), Unary (op "!" | "-" | "+"),
  Binary (op "??" "||" "&&" "==" "!=" "=~" "!~" "<" "<=" ">" ">=" "+" "-" "*" "/" "%"), Ternary,
  ForExpr (item, index: Identifier | None, iterable, body, condition: the `if (c)` of a filtered
  loop body or None), IfExpr (condition, body: a resource's or module's `if (c) {...}`), Lambda
  (params, body), Parenthesized (expr).
- Types (after `param x`, `output x`, `type x =`, in `func`): Identifier (`string`), Member
  (`ns.myType`, `resourceInput<...>.properties`), Literal / Unary literal types, Object (properties
  whose values are types; `*: T` has the key Identifier("*")), Array (a tuple `[string, int]`),
  ArrayType (`T[]`), NullableType (`T?`), UnionType (`'a' | 'b'`), Generic (`resourceInput<'x@v'>`),
  ResourceType (`resource 'x@v'`), Parenthesized.
- Declarations: TargetScope, Metadata, Param, Var, ResourceDecl, Module, Output, TypeDecl, Func,
  Import, Extension (`extension` and the older `provider`), Using, Assert; each with `decorators`
  (Decorator(expr), `name` and `args` from its call) and `keyword_start`.
- Newlines separate declarations, object properties and array items (commas too, on one line);
  they are skipped inside parentheses and after binary operators, and before `?`, `:`, `&&`, `||`
  and `??` that continue an expression on the next line.
- Syntax errors: issues are (start, end, message). The declaration with the error is dropped, and
  parsing resumes at the next declaration keyword (or decorator) at the start of a line — the
  first one after the broken declaration's own start, so a declaration swallowed by an unclosed
  `{` is read again. An object or array still open when a line starts with a declaration keyword
  (`param x`, `var y`...) is reported as unclosed there. At most 10 issues per file.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from parsers.bicep.lexer import Token, tokenize

MAX_ISSUES = 10
MAX_DEPTH = 64  # nesting of expressions; real Bicep stays far below, Python's stack does not
# Keywords that start a top-level declaration.
DECLARATION_KEYWORDS = frozenset({
    "targetScope", "metadata", "param", "var", "resource", "module", "output", "type", "func",
    "import", "extension", "provider", "using", "extends", "assert",
})


@dataclass(slots=True)
class Node:
    start: int
    end: int


# ---- expressions -------------------------------------------------------------------------------

@dataclass(slots=True)
class Literal(Node):
    value: Any  # str | int | bool | None
    multiline: bool = False


@dataclass(slots=True)
class Interpolated(Node):
    parts: list  # str, node, str, node, ..., str


@dataclass(slots=True)
class Identifier(Node):
    name: str


@dataclass(slots=True)
class Spread(Node):
    value: Node


@dataclass(slots=True)
class Decorator(Node):
    expr: Node  # a Call (`@description('x')`, `@sys.description('x')`), rarely anything else

    @property
    def name(self) -> str:
        e = self.expr
        if isinstance(e, Call):
            return e.name
        if isinstance(e, Identifier):
            return e.name
        if isinstance(e, Member):
            return e.name
        return ""

    @property
    def args(self) -> list:
        return self.expr.args if isinstance(self.expr, Call) else []


@dataclass(slots=True)
class Property(Node):
    key: Node  # Identifier | Literal (a quoted key) | Interpolated
    value: Node
    decorators: list = field(default_factory=list)

    @property
    def name(self) -> str | None:
        """The key as text, or None when it is interpolated."""
        k = self.key
        if isinstance(k, Identifier):
            return k.name
        if isinstance(k, Literal):
            return str(k.value)
        return None


@dataclass(slots=True)
class Array(Node):
    items: list  # nodes, Spread among them


@dataclass(slots=True)
class Object(Node):
    properties: list  # Property | Spread
    resources: list = field(default_factory=list)  # nested ResourceDecl (resource bodies)


@dataclass(slots=True)
class Member(Node):
    obj: Node
    name: str
    safe: bool = False  # `.?`
    nested: bool = False  # `::`
    name_start: int = 0


@dataclass(slots=True)
class Index(Node):
    obj: Node
    index: Node
    safe: bool = False  # `[?`


@dataclass(slots=True)
class Call(Node):
    name: str
    args: list
    target: Node | None = None  # `az` in az.resourceGroup(), `acct` in acct.listKeys()

    @property
    def namespace(self) -> str | None:
        return self.target.name if isinstance(self.target, Identifier) else None


@dataclass(slots=True)
class NonNull(Node):
    expr: Node  # `x!`


@dataclass(slots=True)
class Unary(Node):
    op: str
    operand: Node


@dataclass(slots=True)
class Binary(Node):
    op: str
    left: Node
    right: Node


@dataclass(slots=True)
class Ternary(Node):
    condition: Node
    then: Node
    otherwise: Node


@dataclass(slots=True)
class ForExpr(Node):
    item: Identifier | None
    index: Identifier | None
    iterable: Node
    body: Node
    condition: Node | None = None


@dataclass(slots=True)
class IfExpr(Node):
    condition: Node
    body: Node


@dataclass(slots=True)
class Lambda(Node):
    params: list  # Identifier
    body: Node
    types: list = field(default_factory=list)  # a type node or None per parameter


@dataclass(slots=True)
class Parenthesized(Node):
    expr: Node


# ---- types -------------------------------------------------------------------------------------

@dataclass(slots=True)
class ArrayType(Node):
    item: Node


@dataclass(slots=True)
class NullableType(Node):
    inner: Node


@dataclass(slots=True)
class UnionType(Node):
    members: list


@dataclass(slots=True)
class Generic(Node):
    target: Node  # Identifier `resourceInput` (or a Member `sys.resourceInput`)
    args: list


@dataclass(slots=True)
class ResourceType(Node):
    type: Node  # the 'Microsoft.X/y@v' string


# ---- declarations ------------------------------------------------------------------------------

@dataclass(slots=True)
class Decl(Node):
    keyword_start: int
    decorators: list


@dataclass(slots=True)
class TargetScope(Decl):
    value: Node


@dataclass(slots=True)
class Metadata(Decl):
    name: Identifier
    value: Node


@dataclass(slots=True)
class Param(Decl):
    name: Identifier
    type: Node | None  # None in a .bicepparam `param x = v`
    default: Node | None


@dataclass(slots=True)
class Var(Decl):
    name: Identifier
    type: Node | None
    value: Node


@dataclass(slots=True)
class ResourceDecl(Decl):
    name: Identifier
    type: Node  # Literal 'Microsoft.X/y@v' (Interpolated when written so: invalid, kept)
    existing: bool
    body: Node  # Object | IfExpr | ForExpr (anything else when invalid)
    equals: int  # offset just past `=`


@dataclass(slots=True)
class Module(Decl):
    name: Identifier
    path: Node  # Literal './x.bicep' | 'br:...' | 'br/public:...' | 'ts:...'
    body: Node
    equals: int


@dataclass(slots=True)
class Output(Decl):
    name: Identifier
    type: Node
    value: Node


@dataclass(slots=True)
class TypeDecl(Decl):
    name: Identifier
    type: Node


@dataclass(slots=True)
class FuncParam(Node):
    name: Identifier
    type: Node | None


@dataclass(slots=True)
class Func(Decl):
    name: Identifier
    params: list  # FuncParam
    return_type: Node | None
    body: Node


@dataclass(slots=True)
class ImportItem(Node):
    name: Node  # Identifier (or a quoted name)
    alias: Identifier | None


@dataclass(slots=True)
class Import(Decl):
    items: list  # ImportItem of `import {a, b as c} from '...'`
    wildcard: Identifier | None  # ns of `import * as ns from '...'`
    source: Node | None  # the string after `from`, or the spec of an old `import 'az@1.0.0'`
    config: Node | None = None  # `with {...}` of an old provider import
    alias: Identifier | None = None  # `as x` of an old provider import


@dataclass(slots=True)
class Extension(Decl):
    keyword: str  # "extension" | "provider"
    spec: Node  # Identifier (`extension microsoftGraphV1`) or the string
    config: Node | None
    alias: Identifier | None


@dataclass(slots=True)
class Using(Decl):
    keyword: str  # "using" | "extends"
    path: Node  # a string, or Identifier `none`


@dataclass(slots=True)
class Assert(Decl):
    name: Identifier
    value: Node


@dataclass(slots=True)
class Program(Node):
    declarations: list


Issue = tuple  # (start: int, end: int, message: str)


# ---- the parser --------------------------------------------------------------------------------

class _Fail(Exception):
    def __init__(self, start: int, end: int, message: str) -> None:
        super().__init__(message)
        self.start, self.end, self.message = start, end, message


_BINARY = {
    "??": 1, "||": 2, "&&": 3, "==": 4, "!=": 4, "=~": 4, "!~": 4,
    "<": 5, "<=": 5, ">": 5, ">=": 5, "+": 6, "-": 6, "*": 7, "/": 7, "%": 7,
}
# Operators that may start a continuation line of an expression (never the start of an item).
_CONTINUATION = frozenset({"??", "||", "&&"})
_CLOSERS = {"{": "}", "[": "]", "(": ")"}
_WHAT = {"{": "object", "[": "array", "(": "parenthesis"}


def describe(token: Token) -> str:
    kind, _, _, value = token
    if kind == "id":
        return f"'{value}'"
    if kind == "eof":
        return "the end of the file"
    if kind == "nl":
        return "a line break"
    if kind in ("str", "strl", "mstr"):
        return "a string"
    if kind in ("strm", "strr"):
        return "the rest of a string"
    if kind == "int":
        return f"the number {value}"
    if kind == "error":
        return "an unexpected character"
    return f"'{kind}'"


class _Parser:
    def __init__(self, data: bytes, tokens: list) -> None:
        self.data = data
        self.toks = tokens
        self.i = 0
        self.depth = 0
        self.bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0

    # -- token helpers --

    def fail(self, message: str, token: Token | None = None) -> _Fail:
        tok = token or self.toks[self.i]
        return _Fail(tok[1], max(tok[2], tok[1]), message)

    def expect(self, kind: str, context: str) -> Token:
        tok = self.toks[self.i]
        if tok[0] != kind:
            raise self.fail(f"expected '{kind}' {context}, found {describe(tok)}")
        self.i += 1
        return tok

    def name(self, context: str) -> Identifier:
        tok = self.toks[self.i]
        if tok[0] != "id":
            raise self.fail(f"expected {context}, found {describe(tok)}")
        self.i += 1
        return Identifier(tok[1], tok[2], tok[3])

    def skip_nl(self) -> None:
        toks = self.toks
        while toks[self.i][0] == "nl":
            self.i += 1

    def after_nl(self) -> int:
        """Index of the first token from here that is not a line break."""
        toks = self.toks
        j = self.i
        while toks[j][0] == "nl":
            j += 1
        return j

    def at_line_start(self, tok: Token) -> bool:
        start = tok[1]
        return start == self.bom or start > 0 and self.data[start - 1] == 0x0A

    def is_declaration_start(self, j: int, nested_resource: bool = False) -> bool:
        """Is token j a declaration keyword (or decorator) at the start of a line, where an
        object or array still open must have been left unclosed? A nested `resource` inside a
        resource body is valid, so `nested_resource` lets it through."""
        tok = self.toks[j]
        if tok[0] == "@":
            return self.at_line_start(tok) and self.toks[j + 1][0] == "id"
        if tok[0] != "id" or tok[3] not in DECLARATION_KEYWORDS or not self.at_line_start(tok):
            return False
        if nested_resource and tok[3] == "resource":
            return False
        following = self.toks[j + 1][0]
        if tok[3] == "targetScope":
            return following == "="
        return following in ("id", "str", "{", "*")

    def line_of(self, offset: int) -> int:
        return self.data.count(b"\n", 0, offset) + 1

    def unclosed(self, opener: Token) -> _Fail:
        closer = _CLOSERS[opener[0]]
        what = _WHAT[opener[0]]
        tok = self.toks[self.i]
        return self.fail(f"expected '{closer}' to close the {what} opened at line {self.line_of(opener[1])}, "
                         f"found {describe(tok)}")

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.fail(f"expressions nested deeper than {MAX_DEPTH} levels")

    # -- program and declarations --

    def program(self) -> tuple[Program, list]:
        toks = self.toks
        decls: list = []
        issues: list = []
        failures = 0
        while True:
            self.skip_nl()
            if toks[self.i][0] == "eof":
                break
            first = self.i
            try:
                decl = self.declaration()
                tok = toks[self.i]
                if tok[0] not in ("nl", "eof"):
                    raise self.fail(f"expected a new line after the declaration, found {describe(tok)}")
                decls.append(decl)
                continue
            except _Fail as f:
                failure = f
            except RecursionError:
                failure = self.fail("expressions nested too deeply")
            self.depth = 0
            if not issues or issues[-1][0] != failure.start:
                if len(issues) < MAX_ISSUES:
                    issues.append((failure.start, failure.end, failure.message))
            failures += 1
            self.i = self.resume(first, failures)
        end = len(self.data)
        return Program(0, end, decls), issues

    def resume(self, first: int, failures: int) -> int:
        """Where to go on after a declaration that failed: the next declaration start after its
        own start (once we have failed often, after the failure, so the work stays linear)."""
        toks = self.toks
        last = len(toks) - 1
        j = first + 1 if failures <= MAX_ISSUES else max(self.i, first + 1)
        if toks[first][0] == "@":
            # the broken declaration's own decorators and keyword: resuming there would read
            # the same declaration again
            k = first
            depth = 0
            while k < last:
                kind = toks[k][0]
                if kind in ("(", "[", "{"):
                    depth += 1
                elif kind in (")", "]", "}"):
                    depth -= 1
                elif (depth <= 0 and kind == "id" and toks[k][3] in DECLARATION_KEYWORDS
                      and toks[k - 1][0] not in ("@", ".")):
                    break
                k += 1
            j = max(j, k + 1)
        while j < last:
            if self.is_declaration_start(j):
                return j
            j += 1
        return last

    def decorators(self) -> list:
        toks = self.toks
        out = []
        while toks[self.i][0] == "@":
            at = toks[self.i]
            self.i += 1
            expr = self.postfix(self.primary())
            out.append(Decorator(at[1], expr.end, expr))
            self.skip_nl()
        return out

    def declaration(self) -> Decl:
        toks = self.toks
        start = toks[self.i][1]
        decorators = self.decorators()
        tok = toks[self.i]
        if tok[0] != "id" or tok[3] not in DECLARATION_KEYWORDS:
            raise self.fail(f"expected a declaration (param, var, resource, module, output, type, func, "
                            f"import...), found {describe(tok)}")
        keyword = tok[3]
        self.i += 1
        kw = tok[1]
        if keyword == "targetScope":
            self.expect("=", "after targetScope")
            self.skip_nl()
            value = self.expr()
            return TargetScope(start, value.end, kw, decorators, value)
        if keyword == "metadata":
            name = self.name("a metadata name")
            self.expect("=", "after the metadata name")
            self.skip_nl()
            value = self.expr()
            return Metadata(start, value.end, kw, decorators, name, value)
        if keyword == "param":
            name = self.name("a parameter name")
            type_ = None
            if toks[self.i][0] != "=":
                type_ = self.type_expr()
            default = None
            if toks[self.i][0] == "=":
                self.i += 1
                self.skip_nl()
                default = self.expr()
            if type_ is None and default is None:
                raise self.fail(f"expected a type or '=' after the parameter name, found {describe(toks[self.i])}")
            return Param(start, (default or type_).end, kw, decorators, name, type_, default)
        if keyword == "var":
            name = self.name("a variable name")
            type_ = None if toks[self.i][0] == "=" else self.type_expr()
            self.expect("=", "after the variable name")
            self.skip_nl()
            value = self.expr()
            return Var(start, value.end, kw, decorators, name, type_, value)
        if keyword == "resource":
            return self.resource(start, kw, decorators)
        if keyword == "module":
            name = self.name("a module name")
            path = self.string("the module's path ('./x.bicep', 'br:...', 'ts:...')")
            eq = self.expect("=", "after the module's path")
            body = self.decl_body("module")
            return Module(start, body.end, kw, decorators, name, path, body, eq[2])
        if keyword == "output":
            name = self.name("an output name")
            type_ = self.type_expr()
            self.expect("=", "after the output's type")
            self.skip_nl()
            value = self.expr()
            return Output(start, value.end, kw, decorators, name, type_, value)
        if keyword == "type":
            name = self.name("a type name")
            self.expect("=", "after the type name")
            self.skip_nl()
            type_ = self.type_expr()
            return TypeDecl(start, type_.end, kw, decorators, name, type_)
        if keyword == "func":
            return self.func(start, kw, decorators)
        if keyword == "import":
            return self.import_(start, kw, decorators)
        if keyword in ("extension", "provider"):
            spec = self.string_or_name("an extension name or reference")
            config = alias = None
            end = spec.end
            if toks[self.i][0] == "id" and toks[self.i][3] == "with":
                self.i += 1
                config = self.object()
                end = config.end
            if toks[self.i][0] == "id" and toks[self.i][3] == "as":
                self.i += 1
                alias = self.name("an alias after 'as'")
                end = alias.end
            return Extension(start, end, kw, decorators, keyword, spec, config, alias)
        if keyword in ("using", "extends"):
            path = self.string_or_name("a path")
            return Using(start, path.end, kw, decorators, keyword, path)
        # assert
        name = self.name("an assertion name")
        self.expect("=", "after the assertion name")
        self.skip_nl()
        value = self.expr()
        return Assert(start, value.end, kw, decorators, name, value)

    def resource(self, start: int, kw: int, decorators: list) -> ResourceDecl:
        toks = self.toks
        name = self.name("a resource name")
        type_ = self.string("the resource type ('Microsoft.X/y@version')")
        existing = False
        if toks[self.i][0] == "id" and toks[self.i][3] == "existing":
            existing = True
            self.i += 1
        eq = self.expect("=", "after the resource type")
        body = self.decl_body("resource", resource_body=True)
        return ResourceDecl(start, body.end, kw, decorators, name, type_, existing, body, eq[2])

    def decl_body(self, what: str, resource_body: bool = False) -> Node:
        """`{...}`, `if (c) {...}` or `[for ...: ...]`; only a resource's body object may declare
        child resources."""
        toks = self.toks
        self.skip_nl()
        tok = toks[self.i]
        if tok[0] == "{":
            return self.object(resource_body=resource_body)
        if tok[0] == "[":
            return self.array(resource_body)
        if tok[0] == "id" and tok[3] == "if":
            return self.if_expr(resource_body)
        raise self.fail(f"expected the {what}'s body: '{{', 'if (...)' or '[for ...]', found {describe(tok)}")

    def if_expr(self, resource_body: bool = False) -> IfExpr:
        start = self.toks[self.i][1]
        self.i += 1
        condition = self.parenthesized_condition("'if'")
        self.skip_nl()
        tok = self.toks[self.i]
        if tok[0] != "{":
            raise self.fail(f"expected '{{' after the condition, found {describe(tok)}")
        body = self.object(resource_body=resource_body)
        return IfExpr(start, body.end, condition, body)

    def parenthesized_condition(self, after: str) -> Node:
        open_ = self.expect("(", f"after {after}")
        self.skip_nl()
        inner = self.expr()
        self.skip_nl()
        close = self.toks[self.i]
        if close[0] != ")":
            raise self.unclosed(open_)
        self.i += 1
        return Parenthesized(open_[1], close[2], inner)

    def func(self, start: int, kw: int, decorators: list) -> Func:
        toks = self.toks
        name = self.name("a function name")
        open_ = self.expect("(", "after the function name")
        params = []
        self.skip_nl()
        while toks[self.i][0] != ")":
            pname = self.name("a parameter name")
            ptype = self.type_expr()
            params.append(FuncParam(pname.start, ptype.end, pname, ptype))
            self.skip_nl()
            if toks[self.i][0] == ",":
                self.i += 1
                self.skip_nl()
            elif toks[self.i][0] != ")":
                raise self.unclosed(open_)
        self.i += 1
        return_type = None
        if toks[self.i][0] != "=>":
            return_type = self.type_expr()
        self.expect("=>", "before the function's body")
        self.skip_nl()
        body = self.expr()
        return Func(start, body.end, kw, decorators, name, params, return_type, body)

    def import_(self, start: int, kw: int, decorators: list) -> Import:
        toks = self.toks
        tok = toks[self.i]
        items: list = []
        wildcard = None
        if tok[0] in ("{", "*"):
            if tok[0] == "{":
                self.i += 1
                self.skip_nl()
                while toks[self.i][0] != "}":
                    item = self.string_or_name("an imported name")
                    alias = None
                    if toks[self.i][0] == "id" and toks[self.i][3] == "as":
                        self.i += 1
                        alias = self.name("a name after 'as'")
                    items.append(ImportItem(item.start, (alias or item).end, item, alias))
                    if toks[self.i][0] == ",":
                        self.i += 1
                        self.skip_nl()
                    elif toks[self.i][0] == "nl":
                        self.skip_nl()
                    elif toks[self.i][0] != "}":
                        raise self.unclosed(tok)
                self.i += 1
            else:
                self.i += 1
                if not (toks[self.i][0] == "id" and toks[self.i][3] == "as"):
                    raise self.fail(f"expected 'as' after 'import *', found {describe(toks[self.i])}")
                self.i += 1
                wildcard = self.name("a namespace name after 'as'")
            if not (toks[self.i][0] == "id" and toks[self.i][3] == "from"):
                raise self.fail(f"expected 'from' and the file to import from, found {describe(toks[self.i])}")
            self.i += 1
            source = self.string("the path or registry reference to import from")
            return Import(start, source.end, kw, decorators, items, wildcard, source)
        # the older provider import: import 'az@1.0.0' [with {...}] [as x] / import az as x
        source = self.string_or_name("what to import")
        config = alias = None
        end = source.end
        if toks[self.i][0] == "id" and toks[self.i][3] == "with":
            self.i += 1
            config = self.object()
            end = config.end
        if toks[self.i][0] == "id" and toks[self.i][3] == "as":
            self.i += 1
            alias = self.name("an alias after 'as'")
            end = alias.end
        return Import(start, end, kw, decorators, items, None, source, config, alias)

    def string(self, what: str) -> Node:
        tok = self.toks[self.i]
        if tok[0] in ("str", "strl", "mstr"):
            return self.primary()
        raise self.fail(f"expected {what}, found {describe(tok)}")

    def string_or_name(self, what: str) -> Node:
        tok = self.toks[self.i]
        if tok[0] == "id":
            self.i += 1
            return Identifier(tok[1], tok[2], tok[3])
        return self.string(what)

    # -- expressions --

    def expr(self) -> Node:
        self.enter()
        toks = self.toks
        node = self.binary(1)
        tok = toks[self.i]
        j = self.i
        if tok[0] == "nl":
            j = self.after_nl()
        if toks[j][0] == "?":
            self.i = j + 1
            self.skip_nl()
            then = self.expr()
            self.skip_nl()
            self.expect(":", "between the branches of '? :'")
            self.skip_nl()
            otherwise = self.expr()
            node = Ternary(node.start, otherwise.end, node, then, otherwise)
        self.depth -= 1
        return node

    def binary(self, min_prec: int) -> Node:
        toks = self.toks
        left = self.unary()
        while True:
            kind = toks[self.i][0]
            prec = _BINARY.get(kind)
            if prec is None:
                if kind != "nl":
                    return left
                j = self.after_nl()
                kind = toks[j][0]
                if kind not in _CONTINUATION:
                    return left
                prec = _BINARY[kind]
                if prec < min_prec:
                    return left
                self.i = j
            elif prec < min_prec:
                return left
            self.i += 1
            self.skip_nl()
            right = self.binary(prec + 1)
            left = Binary(left.start, right.end, kind, left, right)

    def unary(self) -> Node:
        toks = self.toks
        tok = toks[self.i]
        if tok[0] in ("!", "-", "+"):
            self.i += 1
            self.enter()
            operand = self.unary()
            self.depth -= 1
            return Unary(tok[1], operand.end, tok[0], operand)
        return self.postfix(self.primary())

    def postfix(self, node: Node) -> Node:
        toks = self.toks
        while True:
            tok = toks[self.i]
            kind = tok[0]
            if kind == "." or kind == ".?":
                self.i += 1
                name = toks[self.i]
                if name[0] != "id":
                    raise self.fail(f"expected a property name after '{kind}', found {describe(name)}")
                self.i += 1
                if toks[self.i][0] == "(" and kind == ".":
                    args, end = self.arguments()
                    node = Call(node.start, end, name[3], args, node)
                else:
                    node = Member(node.start, name[2], node, name[3], kind == ".?", False, name[1])
            elif kind == "::":
                self.i += 1
                name = toks[self.i]
                if name[0] != "id":
                    raise self.fail(f"expected a nested resource name after '::', found {describe(name)}")
                self.i += 1
                node = Member(node.start, name[2], node, name[3], False, True, name[1])
            elif kind == "[":
                self.i += 1
                self.skip_nl()
                safe = False
                if toks[self.i][0] == "?":
                    safe = True
                    self.i += 1
                    self.skip_nl()
                index = self.expr()
                self.skip_nl()
                close = toks[self.i]
                if close[0] != "]":
                    raise self.unclosed(tok)
                self.i += 1
                node = Index(node.start, close[2], node, index, safe)
            elif kind == "!":
                self.i += 1
                node = NonNull(node.start, tok[2], node)
            else:
                return node

    def arguments(self) -> tuple[list, int]:
        toks = self.toks
        open_ = toks[self.i]
        self.i += 1
        args: list = []
        self.skip_nl()
        while toks[self.i][0] != ")":
            if toks[self.i][0] == "eof":
                raise self.unclosed(open_)
            args.append(self.expr())
            self.skip_nl()
            kind = toks[self.i][0]
            if kind == ",":
                self.i += 1
                self.skip_nl()
            elif kind != ")":
                raise self.unclosed(open_)
        end = toks[self.i][2]
        self.i += 1
        return args, end

    def primary(self) -> Node:
        toks = self.toks
        tok = toks[self.i]
        kind = tok[0]
        if kind == "id":
            value = tok[3]
            nxt = toks[self.i + 1][0]
            if nxt == "(":
                self.i += 1
                args, end = self.arguments()
                return Call(tok[1], end, value, args, None)
            if nxt == "=>":
                self.i += 2
                self.skip_nl()
                body = self.expr()
                return Lambda(tok[1], body.end, [Identifier(tok[1], tok[2], value)], body, [None])
            self.i += 1
            if value == "true":
                return Literal(tok[1], tok[2], True)
            if value == "false":
                return Literal(tok[1], tok[2], False)
            if value == "null":
                return Literal(tok[1], tok[2], None)
            return Identifier(tok[1], tok[2], value)
        if kind == "str":
            self.i += 1
            return Literal(tok[1], tok[2], tok[3])
        if kind == "int":
            self.i += 1
            return Literal(tok[1], tok[2], tok[3])
        if kind == "strl":
            return self.interpolated()
        if kind == "mstr":
            self.i += 1
            return Literal(tok[1], tok[2], tok[3], True)
        if kind == "{":
            return self.object()
        if kind == "[":
            return self.array()
        if kind == "(":
            if self.is_lambda():
                return self.lambda_()
            self.i += 1
            self.skip_nl()
            inner = self.expr()
            self.skip_nl()
            close = toks[self.i]
            if close[0] != ")":
                raise self.unclosed(tok)
            self.i += 1
            return Parenthesized(tok[1], close[2], inner)
        raise self.fail(f"expected an expression, found {describe(tok)}")

    def interpolated(self) -> Interpolated:
        toks = self.toks
        first = toks[self.i]
        self.i += 1
        parts: list = [first[3]]
        while True:
            self.skip_nl()
            parts.append(self.expr())
            self.skip_nl()
            tok = toks[self.i]
            if tok[0] == "strm":
                parts.append(tok[3])
                self.i += 1
            elif tok[0] == "strr":
                parts.append(tok[3])
                self.i += 1
                return Interpolated(first[1], tok[2], parts)
            else:
                raise self.fail(f"expected '}}' to end the '${{' of the string at line {self.line_of(first[1])}, "
                                f"found {describe(tok)}")

    def is_lambda(self) -> bool:
        """At `(`: is this the parameter list of a lambda, `(a, b) => ...`?"""
        toks = self.toks
        j = self.i + 1
        depth = 1
        while True:
            kind = toks[j][0]
            if kind == "(":
                depth += 1
            elif kind == ")":
                depth -= 1
                if depth == 0:
                    return toks[j + 1][0] == "=>"
            elif kind == "eof" or kind == "{" or kind == "[":
                return False  # parameters are names (and types), never objects or arrays
            j += 1

    def lambda_(self) -> Lambda:
        toks = self.toks
        open_ = toks[self.i]
        self.i += 1
        params: list = []
        types: list = []
        self.skip_nl()
        while toks[self.i][0] != ")":
            params.append(self.name("a lambda parameter name"))
            types.append(self.type_expr() if toks[self.i][0] not in (",", ")", "nl") else None)
            self.skip_nl()
            if toks[self.i][0] == ",":
                self.i += 1
                self.skip_nl()
            elif toks[self.i][0] != ")":
                raise self.unclosed(open_)
        self.i += 1
        self.expect("=>", "after the lambda's parameters")
        self.skip_nl()
        body = self.expr()
        return Lambda(open_[1], body.end, params, body, types)

    def array(self, resource_body: bool = False) -> Node:
        toks = self.toks
        open_ = toks[self.i]
        self.i += 1
        self.enter()
        self.skip_nl()
        if toks[self.i][0] == "id" and toks[self.i][3] == "for":
            node = self.for_expr(open_, resource_body)
            self.depth -= 1
            return node
        items: list = []
        while True:
            tok = toks[self.i]
            kind = tok[0]
            if kind == "]":
                break
            if kind == "eof" or self.is_declaration_start(self.i):
                raise self.unclosed(open_)
            if kind == "...":
                self.i += 1
                value = self.expr()
                items.append(Spread(tok[1], value.end, value))
            else:
                items.append(self.expr())
            kind = toks[self.i][0]
            if kind == ",":
                self.i += 1
                self.skip_nl()
            elif kind == "nl":
                self.skip_nl()
            elif kind != "]":
                raise self.fail(f"expected ',', a new line or ']' after the array item, found {describe(toks[self.i])}")
        self.i += 1
        self.depth -= 1
        return Array(open_[1], tok[2], items)

    def for_expr(self, open_: Token, resource_body: bool = False) -> ForExpr:
        toks = self.toks
        self.i += 1  # for
        index = None
        if toks[self.i][0] == "(":
            paren = toks[self.i]
            self.i += 1
            item = self.name("the loop's item name")
            if toks[self.i][0] == ",":
                self.i += 1
                index = self.name("the loop's index name")
            if toks[self.i][0] != ")":
                raise self.unclosed(paren)
            self.i += 1
        else:
            item = self.name("the loop's item name")
        tok = toks[self.i]
        if not (tok[0] == "id" and tok[3] == "in"):
            raise self.fail(f"expected 'in' after the loop's variable, found {describe(tok)}")
        self.i += 1
        iterable = self.expr()
        self.expect(":", "after the loop's collection")
        self.skip_nl()
        condition = None
        tok = toks[self.i]
        if tok[0] == "id" and tok[3] == "if" and toks[self.i + 1][0] == "(":
            self.i += 1
            condition = self.parenthesized_condition("'if'")
            self.skip_nl()
        if resource_body and toks[self.i][0] == "{":
            body: Node = self.object(resource_body=True)
        else:
            body = self.expr()
        self.skip_nl()
        close = toks[self.i]
        if close[0] != "]":
            raise self.unclosed(open_)
        self.i += 1
        return ForExpr(open_[1], close[2], item, index, iterable, body, condition)

    def object(self, types: bool = False, resource_body: bool = False) -> Object:
        """An object (or an object type, when `types`): properties separated by new lines or
        commas, spreads, decorated properties; child resources in a resource's body."""
        toks = self.toks
        open_ = toks[self.i]
        if open_[0] != "{":
            raise self.fail(f"expected '{{', found {describe(open_)}")
        self.i += 1
        self.enter()
        properties: list = []
        resources: list = []
        # a child resource written at the start of a line: more likely a top-level declaration
        # after a missing `}`; if this body turns out unclosed, that is where to say so
        suspect = None
        self.skip_nl()
        while True:
            tok = toks[self.i]
            kind = tok[0]
            if kind == "}":
                break
            if kind == "eof" or self.is_declaration_start(self.i, nested_resource=resource_body):
                if suspect is not None:
                    raise self.fail(f"expected '}}' to close the object opened at line {self.line_of(open_[1])}, "
                                    f"found {describe(suspect)}", suspect)
                raise self.unclosed(open_)
            start = tok[1]
            decorators = self.decorators() if kind == "@" else []
            tok = toks[self.i]
            kind = tok[0]
            if kind == "...":
                self.i += 1
                spread_value = self.expr()
                properties.append(Spread(tok[1], spread_value.end, spread_value))
            elif resource_body and kind == "id" and tok[3] == "resource" and toks[self.i + 1][0] == "id":
                if suspect is None and not decorators and self.at_line_start(tok):
                    suspect = tok
                self.i += 1
                resources.append(self.resource(start, tok[1], decorators))
            else:
                if kind == "id":
                    self.i += 1
                    key: Node = Identifier(tok[1], tok[2], tok[3])
                elif kind in ("str", "strl", "mstr"):
                    key = self.primary()
                elif kind == "*" and types:
                    self.i += 1
                    key = Identifier(tok[1], tok[2], "*")
                elif kind == "int":
                    # not valid Bicep, but keep reading (`{ 1: 'a' }`)
                    raise self.fail(f"expected a property name, found {describe(tok)}")
                else:
                    raise self.fail(f"expected a property name or '}}' to close the object opened at line "
                                    f"{self.line_of(open_[1])}, found {describe(tok)}")
                colon = toks[self.i]
                if colon[0] != ":":
                    raise self.fail(f"expected ':' after the property name, found {describe(colon)}")
                self.i += 1
                self.skip_nl()
                prop_value = self.type_expr() if types else self.expr()
                properties.append(Property(start, prop_value.end, key, prop_value, decorators))
            kind = toks[self.i][0]
            if kind == ",":
                self.i += 1
                self.skip_nl()
            elif kind == "nl":
                self.skip_nl()
            elif kind != "}":
                raise self.fail(f"expected ',', a new line or '}}' after the property, found {describe(toks[self.i])}")
        self.i += 1
        self.depth -= 1
        return Object(open_[1], tok[2], properties, resources)

    # -- types --

    def type_expr(self) -> Node:
        toks = self.toks
        self.enter()
        if toks[self.i][0] == "|":  # a union written with a leading bar
            self.i += 1
            self.skip_nl()
        first = self.type_postfix()
        members = [first]
        while True:
            kind = toks[self.i][0]
            if kind == "nl":
                j = self.after_nl()
                if toks[j][0] != "|":
                    break
                self.i = j
            elif kind != "|":
                break
            self.i += 1
            self.skip_nl()
            members.append(self.type_postfix())
        self.depth -= 1
        if len(members) == 1:
            return first
        return UnionType(first.start, members[-1].end, members)

    def type_postfix(self) -> Node:
        toks = self.toks
        node = self.type_primary()
        while True:
            tok = toks[self.i]
            kind = tok[0]
            if kind == "[":
                nxt = toks[self.i + 1]
                if nxt[0] == "]":
                    self.i += 2
                    node = ArrayType(node.start, nxt[2], node)
                    continue
                self.i += 1
                if nxt[0] == "*":
                    self.i += 1
                    index: Node = Identifier(nxt[1], nxt[2], "*")
                else:
                    index = self.expr()
                close = toks[self.i]
                if close[0] != "]":
                    raise self.unclosed(tok)
                self.i += 1
                node = Index(node.start, close[2], node, index)
            elif kind == "?":
                self.i += 1
                node = NullableType(node.start, tok[2], node)
            elif kind == "." or kind == ".?":
                self.i += 1
                name = toks[self.i]
                if name[0] == "id":
                    label = name[3]
                elif name[0] == "*":
                    label = "*"
                else:
                    raise self.fail(f"expected a property name after '.', found {describe(name)}")
                self.i += 1
                node = Member(node.start, name[2], node, label, kind == ".?", False, name[1])
            else:
                return node

    def type_primary(self) -> Node:
        toks = self.toks
        tok = toks[self.i]
        kind = tok[0]
        if kind == "id":
            value = tok[3]
            self.i += 1
            if value == "resource" and toks[self.i][0] in ("str", "strl"):
                type_ = self.primary()
                return ResourceType(tok[1], type_.end, type_)
            if value in ("true", "false", "null"):
                return Literal(tok[1], tok[2], {"true": True, "false": False, "null": None}[value])
            node: Node = Identifier(tok[1], tok[2], value)
            while toks[self.i][0] == "." and toks[self.i + 1][0] == "id" and toks[self.i + 2][0] == "<":
                name = toks[self.i + 1]
                self.i += 2
                node = Member(node.start, name[2], node, name[3], False, False, name[1])
            if toks[self.i][0] == "<":
                open_ = toks[self.i]
                self.i += 1
                args = []
                while True:
                    self.skip_nl()
                    args.append(self.type_expr())
                    self.skip_nl()
                    if toks[self.i][0] == ",":
                        self.i += 1
                        continue
                    if toks[self.i][0] == ">":
                        break
                    raise self.fail(f"expected '>' to close the '<' at line {self.line_of(open_[1])}, "
                                    f"found {describe(toks[self.i])}")
                end = toks[self.i][2]
                self.i += 1
                return Generic(node.start, end, node, args)
            return node
        if kind in ("str", "mstr", "int"):
            self.i += 1
            return Literal(tok[1], tok[2], tok[3], kind == "mstr")
        if kind in ("-", "!"):
            self.i += 1
            operand = self.type_primary()
            return Unary(tok[1], operand.end, kind, operand)
        if kind == "{":
            return self.object(types=True)
        if kind == "[":
            self.i += 1
            self.enter()
            items: list = []
            self.skip_nl()
            while toks[self.i][0] != "]":
                if toks[self.i][0] == "eof" or self.is_declaration_start(self.i):
                    raise self.unclosed(tok)
                self.decorators()
                items.append(self.type_expr())
                if toks[self.i][0] == ",":
                    self.i += 1
                    self.skip_nl()
                elif toks[self.i][0] == "nl":
                    self.skip_nl()
                elif toks[self.i][0] != "]":
                    raise self.unclosed(tok)
            end = toks[self.i][2]
            self.i += 1
            self.depth -= 1
            return Array(tok[1], end, items)
        if kind == "(":
            self.i += 1
            self.skip_nl()
            inner = self.type_expr()
            self.skip_nl()
            close = toks[self.i]
            if close[0] != ")":
                raise self.unclosed(tok)
            self.i += 1
            return Parenthesized(tok[1], close[2], inner)
        raise self.fail(f"expected a type, found {describe(tok)}")


def parse_syntax(data: bytes) -> tuple[Program, list]:
    """The Program of a Bicep file and its syntax issues [(start, end, message)], at most 10.
    Never raises."""
    tokens, lex_issues = tokenize(data)
    program, issues = _Parser(data, tokens).program()
    # a bad character or string is reported once, by the lexer, not again as unexpected
    lexed = {start for start, _, _ in lex_issues}
    merged = sorted(lex_issues + [i for i in issues if i[0] not in lexed], key=lambda issue: issue[0])
    return program, merged[:MAX_ISSUES]


def parse_expression(text: str | bytes) -> tuple[Node | None, list]:
    """One expression (as the evaluator re-reads a Value's source text). Offsets are byte
    offsets into `text` encoded as UTF-8. Issues as parse_syntax's; None when it does not parse."""
    data = text.encode("utf-8", errors="surrogatepass") if isinstance(text, str) else text
    tokens, issues = tokenize(data)
    parser = _Parser(data, tokens)
    try:
        parser.skip_nl()
        node = parser.expr()
        parser.skip_nl()
        tok = tokens[parser.i]
        if tok[0] != "eof":
            raise parser.fail(f"expected the end of the expression, found {describe(tok)}")
    except _Fail as f:
        return None, (issues + [(f.start, f.end, f.message)])[:MAX_ISSUES]
    except RecursionError:
        return None, (issues + [(0, len(data), "expressions nested too deeply")])[:MAX_ISSUES]
    return node, issues
