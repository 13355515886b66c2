"""Bicep (`*.bicep`, `*.bicepparam`) -> ParsedFile (framework "bicep"), on our own parser.

THE CONTRACT (the evaluator, the checks and the engine rely on it):

    parse(path: str, data: bytes) -> ParsedFile
    parsers.bicep.syntax.parse_syntax(data: bytes) -> (Program, [(start, end, message)])
    parsers.bicep.syntax.parse_expression(text: str | bytes) -> (node | None, issues)

- `parse` never raises (a bug of ours becomes one ParseIssue that says so). Syntax errors become
  ParseIssues (at most 10) with a clear message ("expected '}' to close the object opened at
  line 4, found the end of the file"); the declaration with the error is dropped, every other
  declaration is kept (see syntax.py for the recovery).
- The AST (syntax.py's module docstring lists the node types) is NOT in the ParsedFile, which
  stays plain and picklable: the evaluator re-parses the source text of a Value's Unknown with
  `parse_expression` (or the whole file with `parse_syntax`).
- Each `resource` declaration, and each child resource declared inside a resource body, ->
  `Resource`:
    kind = analyzer.kinds.kind_of("bicep", native_type) ("" when unknown; the type is passed as
      written: Azure resource types are case-insensitive, the kinds table handles case),
    native_type = the type without `@api-version` ("Microsoft.CognitiveServices/accounts"); a
      nested child written with a short type ('deployments@2023-05-01') gets its parent's type
      + "/" + it ("Microsoft.CognitiveServices/accounts/deployments"),
    framework "bicep", address = the symbolic name; a nested child "parent::child" (as Bicep
      refers to it), a grandchild "a::b::c",
    span = the whole declaration including its decorators,
    header = from the `resource` keyword through the body's `{`, or through `=` when the body is
      `if (...) {` or `[for ...]`,
    attrs = the body object's properties in source order (for `[for x in xs: {...}]`,
      `[for x in xs: if (c) {...}]` and `if (c) {...}`: the inner object's): name -> Value with
      span = the value node, key_span = the key. Child resource declarations are not attrs. A
      spread `...x` at the body's top level is not an attr either (meta "spreads" has its text).
    meta = {"symbol": name, "api_version": "2024-10-01" or None (a nested child without `@`
      inherits its parent's), "existing": bool, "decorators": {name: source text of the
      arguments ("" when none); `@sys.batchSize(2)` is "batchSize": "2"}, and only when they
      apply: "condition": source text of the `if` condition (without its parentheses; a loop's
      filter `[for x in xs: if (c) {...}]` too), "loop": {"item": name or None, "index": name or
      None, "iterable": source text}, "parent": the parent's address for a nested child, else
      the source text of the `parent:` property ("acct", "storage::blobServices"), "spreads":
      [source text]}.
- Values: literals as Python values (str unescaped; a '''multi-line''' string as its text; int;
  bool; None; `-1` as an int), objects -> dict of Values (a quoted key as its text, an
  interpolated key as its source text), arrays -> list of Values. An object or array with a
  spread `...x` is Unknown as a whole. Anything else is Value(Unknown(exact source text, reason)):
    "variable": a param, or a member/index/`!` chain rooted at one (`settings.sku`),
    "local": a var or an imported symbol (or a chain rooted at one),
    "resource": a resource symbol or a chain rooted at one (`acct`, `acct.id`,
      `acct.properties.endpoint`, `storage::blob.name`),
    "module": a module symbol or a chain rooted at one (`mod.outputs.endpoint`),
    "expression": everything else: function calls, operators, `?:`, `??`, string interpolations
      (`'${prefix}-x'`), for-expressions, lambdas, loop variables of the enclosing resource loop.
- `ParsedFile.blocks` (records are Resource-like: kind "", native_type = the keyword,
  framework "bicep", address = the name, span = the declaration with its decorators, header =
  keyword through the name, or through `{` / `=` for a module; a repeated name is kept as
  "name#2"; meta always has "decorators" as above and "symbol"):
    "param": name -> attrs {"type": Value(type source text), "default": Value (when written)};
      meta "nullable": bool (the type is `T?`). In a .bicepparam file `param x = v` has only
      "default".
    "var": name -> attrs {"value": Value} (+ "type" when the var is typed).
    "output": name -> attrs {"type": Value(type source text), "value": Value}.
    "module": name -> attrs = the body's properties (name, params, scope, dependsOn...) plus
      "source": Value(the path string: './x.bicep', 'br/public:avm/res/...:0.1.0', 'ts:...'),
      meta like a resource's ("condition", "loop", "spreads") and insertions like a resource's.
    "type": name -> attrs {"value": Value(type source text)}.
    "func": name -> attrs {"params": Value([Value("name type")...]), "type": Value(return type
      text) when written, "value": Value(body source text)}.
    "import": local name -> attrs {"from": Value(path string), "symbol": Value(the exported
      name, or "*" for `import * as ns`)}; an old provider import (`import 'az@1.0.0' as az`)
      -> attrs {"from": Value(spec)} under its alias (else its spec).
    "extension": alias (else the name, else the spec) -> attrs {"spec": Value, "config": Value
      when `with {...}` is written}; `provider` declarations too (meta "keyword").
    "metadata": name -> {"value"}; "targetScope": "" -> {"value"}; "using": "" -> {"path"}
      (.bicepparam `using`/`extends`, meta "keyword"); "assert": name -> {"value"}.
  Record attrs whose raw is source text (types, func, import) are plain str, not Unknown.
- Insertions (resources and modules): "" -> where a new property line of the body goes (the
  start of the line after the last member, the indentation of the last member's line), only
  when the body object is written on several lines with its `}` on a line of its own (an empty
  `{` + newline + `}` body takes the `{` line's indentation plus two spaces). Likewise for every
  nested multi-line object by native dotted path ("properties", "properties.networkAcls"); an
  array of objects is entered at its first element ("ipRules"), "ipRules.1" is its second.
  Nothing for one-line objects `{ a: 1 }`, objects with a spread, or values that are
  expressions.
"""
from __future__ import annotations

from typing import Any

from analyzer import kinds
from analyzer.model import Insertion, ParsedFile, ParseIssue, Resource, Span, Unknown, Value
from analyzer.text import LineIndex, span
from parsers.bicep import syntax as S

__all__ = ["FRAMEWORK", "parse"]

FRAMEWORK = "bicep"


def parse(path: str, data: bytes) -> ParsedFile:
    """Parse one Bicep file. Never raises; `path` is the repo-relative POSIX path for Spans."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    try:
        return _Reader(path, data).read()
    except Exception as exc:  # a bug of ours: say so, and let the scan go on
        issue = ParseIssue(span(path, LineIndex(data), 0, 0),
                           f"aiposture could not read this file (internal error: {type(exc).__name__}: {exc})")
        return ParsedFile(path, FRAMEWORK, issues=(issue,))


_CHAIN = (S.Member, S.Index, S.NonNull)


class _Reader:
    def __init__(self, path: str, data: bytes) -> None:
        self.path = path
        self.data = data
        self.index = LineIndex(data)
        self.symbols: dict[str, str] = {}  # name -> Unknown reason of a reference to it
        self.shadow: frozenset[str] = frozenset()  # loop variables in scope
        self.resources: list[Resource] = []
        self.blocks: dict[str, dict[str, Resource]] = {}

    # -- helpers --

    def span(self, start: int, end: int) -> Span:
        return span(self.path, self.index, start, end)

    def text(self, node: S.Node) -> str:
        return self.data[node.start:node.end].decode("utf-8", errors="replace")

    def read(self) -> ParsedFile:
        program, problems = S.parse_syntax(self.data)
        issues = tuple(ParseIssue(self.span(start, end), message) for start, end, message in problems)
        self.collect_symbols(program.declarations)
        for decl in program.declarations:
            self.declaration(decl)
        return ParsedFile(self.path, FRAMEWORK, tuple(self.resources), issues, self.blocks)

    def collect_symbols(self, decls: list) -> None:
        symbols = self.symbols
        for decl in decls:
            if isinstance(decl, S.Param):
                symbols[decl.name.name] = "variable"
            elif isinstance(decl, S.Var):
                symbols[decl.name.name] = "local"
            elif isinstance(decl, S.ResourceDecl):
                self.resource_symbols(decl)
            elif isinstance(decl, S.Module):
                symbols[decl.name.name] = "module"
            elif isinstance(decl, S.Import):
                for item in decl.items:
                    local = item.alias or item.name
                    symbols[local.name if isinstance(local, S.Identifier) else self.text(local)] = "local"
                if decl.wildcard is not None:
                    symbols[decl.wildcard.name] = "local"

    def resource_symbols(self, decl: S.ResourceDecl) -> None:
        self.symbols[decl.name.name] = "resource"
        body = _inner_body(decl.body)[0]
        if isinstance(body, S.Object):
            for child in body.resources:
                self.resource_symbols(child)

    def reason(self, node: S.Node) -> str:
        while True:
            if isinstance(node, _CHAIN):
                node = node.obj if not isinstance(node, S.NonNull) else node.expr
            elif isinstance(node, S.Parenthesized):
                node = node.expr
            else:
                break
        if isinstance(node, S.Identifier) and node.name not in self.shadow:
            return self.symbols.get(node.name, "expression")
        return "expression"

    # -- values --

    def value(self, node: S.Node, key: S.Node | None = None) -> Value:
        return Value(self.raw(node), self.span(node.start, node.end),
                     key_span=self.span(key.start, key.end) if key is not None else None)

    def raw(self, node: S.Node) -> Any:
        if isinstance(node, S.Literal):
            return node.value
        if isinstance(node, S.Object):
            if any(isinstance(p, S.Spread) for p in node.properties):
                return Unknown(self.text(node), "expression")
            return self.properties(node)
        if isinstance(node, S.Array):
            if any(isinstance(item, S.Spread) for item in node.items):
                return Unknown(self.text(node), "expression")
            return [self.value(item) for item in node.items]
        if isinstance(node, S.Unary) and node.op == "-" and isinstance(node.operand, S.Literal) \
                and type(node.operand.value) is int:
            return -node.operand.value
        if isinstance(node, S.Parenthesized) and isinstance(node.expr, S.Literal):
            return node.expr.value
        if isinstance(node, (S.Identifier, *_CHAIN)):
            return Unknown(self.text(node), self.reason(node))
        return Unknown(self.text(node), "expression")

    def key(self, prop: S.Property) -> str:
        name = prop.name
        return name if name is not None else self.text(prop.key)

    def properties(self, obj: S.Object) -> dict[str, Value]:
        return {self.key(p): self.value(p.value, p.key) for p in obj.properties if isinstance(p, S.Property)}

    def decorators(self, decl: S.Decl) -> dict[str, str]:
        out = {}
        for decorator in decl.decorators:
            args = decorator.args
            out[decorator.name] = (self.data[args[0].start:args[-1].end].decode("utf-8", errors="replace")
                                   if args else "")
        return out

    # -- insertions --

    def insertions(self, obj: S.Object, path: str, out: dict[str, Insertion]) -> None:
        if any(isinstance(p, S.Spread) for p in obj.properties) and path:
            return
        insertion = self.insertion_after(obj)
        if insertion is not None:
            out[path] = insertion
        for prop in obj.properties:
            if not isinstance(prop, S.Property):
                continue
            child_path = f"{path}.{self.key(prop)}" if path else self.key(prop)
            value = prop.value
            if isinstance(value, S.Object):
                self.insertions(value, child_path, out)
            elif isinstance(value, S.Array) and not any(isinstance(i, S.Spread) for i in value.items):
                for i, item in enumerate(value.items):
                    if isinstance(item, S.Object):
                        self.insertions(item, f"{child_path}.{i}" if i else child_path, out)

    def insertion_after(self, obj: S.Object) -> Insertion | None:
        index = self.index
        close_line = index.position(obj.end - 1)[0]
        members = [*obj.properties, *obj.resources]
        if not members:
            if index.position(obj.start)[0] == close_line:
                return None
            return Insertion(index.next_line_start(obj.start), index.indent(obj.start) + "  ")
        last = max(members, key=lambda m: m.end)
        if index.position(last.end - 1)[0] >= close_line:
            return None  # `}` shares the last member's line: the writer must reformat
        return Insertion(index.next_line_start(last.end - 1), index.indent(last.start))

    # -- declarations --

    def declaration(self, decl: S.Decl) -> None:
        if isinstance(decl, S.ResourceDecl):
            self.resource(decl, None)
            return
        meta: dict[str, Any] = {"decorators": self.decorators(decl)}
        if isinstance(decl, S.Module):
            self.module(decl, meta)
            return
        if isinstance(decl, S.Param):
            attrs: dict[str, Value] = {}
            if decl.type is not None:
                attrs["type"] = Value(self.text(decl.type), self.span(decl.type.start, decl.type.end))
            if decl.default is not None:
                attrs["default"] = self.value(decl.default)
            meta["nullable"] = isinstance(decl.type, S.NullableType)
            self.record("param", decl.name.name, decl, attrs, meta)
        elif isinstance(decl, S.Var):
            attrs = {"value": self.value(decl.value)}
            if decl.type is not None:
                attrs["type"] = Value(self.text(decl.type), self.span(decl.type.start, decl.type.end))
            self.record("var", decl.name.name, decl, attrs, meta)
        elif isinstance(decl, S.Output):
            attrs = {"type": Value(self.text(decl.type), self.span(decl.type.start, decl.type.end)),
                     "value": self.value(decl.value)}
            self.record("output", decl.name.name, decl, attrs, meta)
        elif isinstance(decl, S.TypeDecl):
            attrs = {"value": Value(self.text(decl.type), self.span(decl.type.start, decl.type.end))}
            self.record("type", decl.name.name, decl, attrs, meta)
        elif isinstance(decl, S.Func):
            params = [Value(self.text(p), self.span(p.start, p.end)) for p in decl.params]
            attrs = {"params": Value(params, self.span(decl.name.end, decl.body.start))}
            if decl.return_type is not None:
                attrs["type"] = Value(self.text(decl.return_type),
                                      self.span(decl.return_type.start, decl.return_type.end))
            attrs["value"] = Value(self.text(decl.body), self.span(decl.body.start, decl.body.end))
            self.record("func", decl.name.name, decl, attrs, meta)
        elif isinstance(decl, S.Import):
            self.import_(decl, meta)
        elif isinstance(decl, S.Extension):
            meta["keyword"] = decl.keyword
            attrs = {"spec": self.value(decl.spec)}
            if isinstance(decl.spec, S.Identifier):
                attrs["spec"] = Value(decl.spec.name, self.span(decl.spec.start, decl.spec.end))
            if decl.config is not None:
                attrs["config"] = self.value(decl.config)
            name = decl.alias.name if decl.alias else (
                decl.spec.name if isinstance(decl.spec, S.Identifier) else self.text(decl.spec))
            self.record("extension", name, decl, attrs, meta, decl.end)
        elif isinstance(decl, S.Metadata):
            self.record("metadata", decl.name.name, decl, {"value": self.value(decl.value)}, meta)
        elif isinstance(decl, S.TargetScope):
            self.record("targetScope", "", decl, {"value": self.value(decl.value)}, meta, decl.value.start)
        elif isinstance(decl, S.Using):
            meta["keyword"] = decl.keyword
            path = decl.path
            attrs = {"path": Value(path.name, self.span(path.start, path.end)) if isinstance(path, S.Identifier)
                     else self.value(path)}
            self.record("using", "", decl, attrs, meta, path.end)
        elif isinstance(decl, S.Assert):
            self.record("assert", decl.name.name, decl, {"value": self.value(decl.value)}, meta)

    def record(self, keyword: str, name: str, decl: S.Decl, attrs: dict[str, Value], meta: dict[str, Any],
               header_end: int | None = None, insertions: dict[str, Insertion] | None = None) -> None:
        name_node = getattr(decl, "name", None)
        if header_end is None:
            header_end = name_node.end if isinstance(name_node, S.Identifier) else decl.end
        meta.setdefault("symbol", name)
        record = Resource("", keyword, FRAMEWORK, name, self.span(decl.start, decl.end), attrs, insertions or {},
                          meta, self.span(decl.keyword_start, header_end))
        group = self.blocks.setdefault(keyword, {})
        unique, n = name, 1
        while unique in group:
            n += 1
            unique = f"{name}#{n}"
        group[unique] = record

    def import_(self, decl: S.Import, meta: dict[str, Any]) -> None:
        source = self.value(decl.source) if decl.source is not None else None
        if decl.source is not None and isinstance(decl.source, S.Identifier):
            source = Value(decl.source.name, self.span(decl.source.start, decl.source.end))
        for item in decl.items:
            local = item.alias or item.name
            name = local.name if isinstance(local, S.Identifier) else self.text(local)
            exported = item.name.name if isinstance(item.name, S.Identifier) else item.name.value \
                if isinstance(item.name, S.Literal) else self.text(item.name)
            attrs = {"symbol": Value(exported, self.span(item.name.start, item.name.end))}
            if source is not None:
                attrs["from"] = source
            self.record("import", name, decl, attrs, dict(meta, symbol=name), item.end)
        if decl.wildcard is not None:
            attrs = {"symbol": Value("*", self.span(decl.keyword_start, decl.wildcard.start))}
            if source is not None:
                attrs["from"] = source
            self.record("import", decl.wildcard.name, decl, attrs, dict(meta, symbol=decl.wildcard.name),
                        decl.wildcard.end)
        if not decl.items and decl.wildcard is None and source is not None:
            name = decl.alias.name if decl.alias else str(source.raw if isinstance(source.raw, str) else "")
            attrs = {"from": source}
            if decl.config is not None:
                attrs["config"] = self.value(decl.config)
            self.record("import", name, decl, attrs, meta, decl.end)

    def body_meta(self, body: S.Node, meta: dict[str, Any]) -> S.Node:
        """The object of a declaration's body; the condition and loop go into meta."""
        inner, condition, loop = _inner_body(body)
        if condition is not None:
            node = condition.expr if isinstance(condition, S.Parenthesized) else condition
            meta["condition"] = self.text(node)
        if loop is not None:
            meta["loop"] = {"item": loop.item.name if loop.item else None,
                            "index": loop.index.name if loop.index else None,
                            "iterable": self.text(loop.iterable)}
        return inner

    def loop_names(self, body: S.Node) -> frozenset[str]:
        if isinstance(body, S.ForExpr):
            return frozenset(n.name for n in (body.item, body.index) if n is not None)
        return frozenset()

    def body_attrs(self, obj: S.Node | None, meta: dict[str, Any], insertions: dict[str, Insertion],
                   loop_body: S.Node) -> dict[str, Value]:
        if not isinstance(obj, S.Object):
            return {}
        spreads = [self.text(p) for p in obj.properties if isinstance(p, S.Spread)]
        if spreads:
            meta["spreads"] = spreads
        saved = self.shadow
        self.shadow = saved | self.loop_names(loop_body)
        try:
            attrs = self.properties(obj)
        finally:
            self.shadow = saved
        self.insertions(obj, "", insertions)
        return attrs

    def module(self, decl: S.Module, meta: dict[str, Any]) -> None:
        obj = self.body_meta(decl.body, meta)
        insertions: dict[str, Insertion] = {}
        attrs = self.body_attrs(obj, meta, insertions, decl.body)
        attrs["source"] = self.value(decl.path)
        header_end = decl.body.start + 1 if isinstance(decl.body, S.Object) else decl.equals
        self.record("module", decl.name.name, decl, attrs, meta, header_end, insertions)

    def resource(self, decl: S.ResourceDecl, parent: Resource | None) -> None:
        type_text = decl.type.value if isinstance(decl.type, S.Literal) else self.text(decl.type)
        type_text = str(type_text)
        native, _, api_version = type_text.partition("@")
        meta: dict[str, Any] = {"symbol": decl.name.name, "api_version": api_version or None,
                                "existing": decl.existing, "decorators": self.decorators(decl)}
        address = decl.name.name
        if parent is not None:
            address = f"{parent.address}::{decl.name.name}"
            meta["parent"] = parent.address
            if "/" not in native:
                native = f"{parent.native_type}/{native}"
            if not api_version:
                meta["api_version"] = parent.meta.get("api_version")
        obj = self.body_meta(decl.body, meta)
        insertions: dict[str, Insertion] = {}
        attrs = self.body_attrs(obj, meta, insertions, decl.body)
        if parent is None and "parent" in attrs:
            meta["parent"] = self.text_of(attrs["parent"])
        header_end = decl.body.start + 1 if isinstance(decl.body, S.Object) else decl.equals
        resource = Resource(kinds.kind_of(FRAMEWORK, native), native, FRAMEWORK, address,
                            self.span(decl.start, decl.end), attrs, insertions, meta,
                            self.span(decl.keyword_start, header_end))
        self.resources.append(resource)
        if isinstance(obj, S.Object):
            for child in obj.resources:
                self.resource(child, resource)

    def text_of(self, value: Value) -> str:
        raw = value.raw
        if isinstance(raw, Unknown):
            return raw.expr
        if value.span is not None:
            return self.data[value.span.start:value.span.end].decode("utf-8", errors="replace")
        return str(raw)


def _inner_body(body: S.Node) -> tuple[S.Node, S.Node | None, S.ForExpr | None]:
    """(the object, the condition, the loop) of a resource or module body: `{...}`,
    `if (c) {...}`, `[for x in xs: {...}]`, `[for x in xs: if (c) {...}]`."""
    condition = loop = None
    if isinstance(body, S.ForExpr):
        loop = body
        condition = body.condition
        body = body.body
    if isinstance(body, S.IfExpr):
        condition = body.condition
        body = body.body
    return body, condition, loop
