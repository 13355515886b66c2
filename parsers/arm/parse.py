"""ARM (Azure Resource Manager) JSON deployment templates -> ParsedFile (framework "arm").

THE CONTRACT (parsers/arm/evaluate.py, the checks and the engine rely on it):

    looks_like(data: bytes) -> bool             a deployment template? (cheap, regular expressions)
    looks_like_parameters(data: bytes) -> bool  a deployment parameters file? (never a template)
    parse(path: str, data: bytes) -> ParsedFile

- `parse` never raises. The JSON is read by our own positioned reader, as leniently as Azure
  reads templates: `//` and `/* */` comments, a trailing comma before `}` or `]`, and line breaks
  inside strings (the multi-line strings Azure CLI and PowerShell accept) are valid. Anything
  else that is not JSON gives ONE ParseIssue at the offending byte and no resources (JSON has no
  resynchronisation point we could trust); so does a top level that is not an object, invalid
  UTF-8, or nesting deeper than MAX_DEPTH. A duplicate key keeps the last value, as Azure does.
- Values: objects are dicts of Values (each member's Value has `key_span` on its key string,
  quotes included; `span` on the value), arrays lists of Values, scalars str | int | float |
  bool | None. A string that is a template expression (`"[...]"`) is
  `Unknown(expr=the string as decoded, brackets included, reason="expression")`; a string that
  starts with `[[` and ends with `]` is the literal with its first `[` removed (ARM's escape);
  evaluate.py resolves expressions.
- Resources: the top-level `resources` array, or languageVersion 2.0's object of symbolic name ->
  resource, and recursively every child resource in a resource's own `resources` (array or
  object) -> `Resource`:
    kind = analyzer.kinds.kind_of("arm", native_type) ("" when unknown),
    native_type = `type` as written; a child's is its parent's native type + "/" + its own
      (`Microsoft.CognitiveServices/accounts` + `deployments`),
    framework "arm",
    address = the `name` as written (the decoded string, brackets included:
      `[parameters('accountName')]`), or the symbolic name in languageVersion 2.0; a child's is
      its parent's address + "/" + its own. A resource without a string name is addressed by its
      native type. A repeated address gets "#2", "#3"... in source order.
    span = the resource object `{...}`,
    header = the `"type": "..."` member (key through value): where a finding about an absent
      property points. JSON has no block header line, and the object's `{` is often alone on its
      line or shares it with the previous resource's `}`; the type member is one line that names
      the resource.
    attrs = EVERY member of the resource object as written (type, apiVersion, name, location,
      sku, kind, identity, tags, properties, dependsOn, condition, copy, ...) except a child
      resources list (those children are resources of their own), so native paths read as in
      Bicep ("properties.publicNetworkAccess", "sku.name"). A child's `type` Value is the full
      native type and its `name` Value the full name: "parent/child" when both are literal
      strings, else the expression `[format('{0}/{1}', <parent name>, <child name>)]` (an
      Unknown "expression"), both with the child's own spans.
    meta = plain data: "api_version" (the apiVersion string, when written), "condition" (the
      `condition` as written: True/False or the expression text, when written), "copy" (the
      `copy` object as plain data, when written), "symbol" (languageVersion 2.0 symbolic name),
      "existing" (bool, languageVersion 2.0, always given there), "parent" (a child's parent
      address), "insert_comma_at" (see insertions), "language_version" (when written).
    insertions: "" -> where a new member of the resource object goes: the start of the line
      after its last member, with that member's indentation; likewise every nested non-empty
      multi-line object by native dotted path ("properties", "properties.networkAcls"; an array
      is entered at its elements: "X" is the first element, "X.1" the second, as CloudFormation's
      parser). An object whose `}` shares its last member's line has no insertion (the writer
      rewrites it). A new member also needs a comma after the current last one:
      meta["insert_comma_at"][path] is the end byte of that last member's value (absent when
      the object is empty or its last member already has a trailing comma).
- `ParsedFile.blocks` (records are Resource-like: kind "", native_type = the section name,
  framework "arm", address = the entry's name, span = the entry's value, header = the entry's
  key, attrs below):
    "parameters", "outputs": name -> attrs = the entry's object members (type, defaultValue,
      allowedValues, metadata...; an output's value); {} when the entry is not an object;
    "variables": name -> attrs = {"value": the Value} (a variable may be any JSON value); the
      special `copy` member (variable loops) is one record named "copy";
    "functions": "<namespace>.<name>" -> attrs = the member's object (parameters, output);
    "Template": "" -> attrs = every other top-level member ($schema, contentVersion,
      languageVersion, metadata (with bicep's `_generator`), definitions, apiProfile...),
      span = the whole template.
- `looks_like(data)`: a JSON object whose `"$schema"` names a deployment template
  (`deploymentTemplate.json`, and the subscription / managementGroup / tenant variants) and which
  has a `"resources"` key. `looks_like_parameters(data)`: `"$schema"` names
  `deploymentParameters.json`; such a file is never a template.
"""
from __future__ import annotations

import json
import re
from typing import Any, Callable

from analyzer import kinds
from analyzer.model import Insertion, ParsedFile, ParseIssue, Resource, Span, Unknown, Value
from analyzer.text import LineIndex, span

__all__ = ["FRAMEWORK", "looks_like", "looks_like_parameters", "parse", "is_expression",
           "literal_or_expression", "collect_resources", "template_blocks"]

FRAMEWORK = "arm"
MAX_DEPTH = 200  # JSON nesting read (real templates stay under 30)
SECTIONS = ("parameters", "variables", "outputs", "functions")

_START = re.compile(rb"\A(?:\xef\xbb\xbf)?(?:\s|//[^\n]*\n|/\*.*?\*/)*\{", re.S)
_SCHEMA = re.compile(rb'"\$schema"\s*:\s*"[^"\n]{0,300}?DeploymentTemplate\.json', re.I)
_PARAMETERS_SCHEMA = re.compile(rb'"\$schema"\s*:\s*"[^"\n]{0,300}?DeploymentParameters\.json', re.I)
_RESOURCES = re.compile(rb'"resources"\s*:', re.I)


def looks_like(data: bytes) -> bool:
    """Is this an ARM deployment template? Cheap: a `{` first, a deployment template `$schema`,
    a `"resources"` key. Parameter files are not templates."""
    return bool(_START.match(data) and _SCHEMA.search(data) and _RESOURCES.search(data)
                and not _PARAMETERS_SCHEMA.search(data[:4096]))


def looks_like_parameters(data: bytes) -> bool:
    """Is this an ARM deployment parameters file (`deploymentParameters.json` schema)?"""
    return bool(_START.match(data) and _PARAMETERS_SCHEMA.search(data))


def is_expression(text: str) -> bool:
    """A template expression: `[...]`, not the `[[...]` escape of a literal."""
    return len(text) >= 2 and text[0] == "[" and text[-1] == "]" and text[1] != "["


def literal_or_expression(text: str) -> Any:
    """A JSON string as the model holds it: an Unknown for an expression, the literal otherwise."""
    if text[:1] == "[" and text[-1:] == "]":
        if text[1:2] == "[":
            return text[1:]
        if len(text) >= 2:
            return Unknown(text, "expression")
    return text


def parse(path: str, data: bytes) -> ParsedFile:
    """Parse one template. Never raises; `path` is the repo-relative POSIX path for Spans."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    try:
        return _parse(path, data)
    except Exception as exc:  # our bug: one issue that says so, and the scan goes on
        issue = ParseIssue(span(path, LineIndex(data), 0, 0),
                           f"aiposture could not read this file (internal error: {type(exc).__name__}: {exc})")
        return ParsedFile(path, FRAMEWORK, issues=(issue,))


def _parse(path: str, data: bytes) -> ParsedFile:
    index = LineIndex(data)
    root, problem = read_json(path, data, index)
    if problem is not None:
        return ParsedFile(path, FRAMEWORK, issues=(problem,))
    if not isinstance(root.raw, dict):
        where = span(path, index, root.span.start, root.span.start)
        return ParsedFile(path, FRAMEWORK, issues=(ParseIssue(where, "not an ARM template: the top level is not an object"),))
    top = root.raw
    insertions = _Insertions(data, index)
    resources = collect_resources(top.get("resources"), language_version(top), insertions.of)
    blocks = template_blocks(top, root.span)
    return ParsedFile(path, FRAMEWORK, tuple(resources), (), blocks)


def language_version(top: dict[str, Value]) -> str:
    found = top.get("languageVersion")
    return found.raw if found is not None and isinstance(found.raw, str) else ""


# --- JSON with positions ---------------------------------------------------------------------------

_TOKEN = re.compile(rb"""
    [ \t\r\n]*
    (?:
      (?P<space>//[^\n]*|/\*.*?\*/)
    | (?P<string>"(?:[^"\\]|\\.)*")
    | (?P<number>-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?(?![0-9A-Za-z_.]))
    | (?P<word>true|false|null)(?![0-9A-Za-z_])
    | (?P<punct>[{}\[\]:,])
    | (?P<end>\Z)
    )
""", re.X | re.S)
_WORDS = {b"true": True, b"false": False, b"null": None}


class _Bad(Exception):
    def __init__(self, offset: int, message: str) -> None:
        super().__init__(message)
        self.offset = offset
        self.message = message


def read_json(path: str, data: bytes, index: LineIndex | None = None) -> tuple[Value | None, ParseIssue | None]:
    """`data` as a Value tree with spans, or None and the one ParseIssue that says why not."""
    index = index or LineIndex(data)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        return None, ParseIssue(span(path, index, error.start, error.start + 1), "the file is not UTF-8 text")
    reader = _JsonReader(path, data, index)
    try:
        return reader.document(), None
    except _Bad as bad:
        at = min(bad.offset, len(data))
        return None, ParseIssue(span(path, index, at, min(at + 1, len(data))), bad.message)
    except RecursionError:
        return None, ParseIssue(span(path, index, 0, 0), f"nesting deeper than {MAX_DEPTH} levels is not read")


class _JsonReader:
    def __init__(self, path: str, data: bytes, index: LineIndex) -> None:
        self.path = path
        self.data = data
        self.index = index
        self.pos = 3 if data.startswith(b"\xef\xbb\xbf") else 0
        self.kind = ""
        self.token = b""
        self.start = 0
        self.advance()

    def advance(self) -> None:
        """Move to the next token that is not space or a comment (kind "" at the end)."""
        data = self.data
        while True:
            m = _TOKEN.match(data, self.pos)
            if m is None:
                at = self.pos
                while at < len(data) and data[at] in b" \t\r\n":
                    at += 1
                raise _Bad(at, self.unexpected(at))
            self.pos = m.end()
            kind = m.lastgroup
            if kind == "end":
                self.kind, self.token, self.start = "", b"", len(data)
                return
            if kind != "space":
                self.kind, self.token, self.start = kind, m.group(kind), m.start(kind)
                return
            if m.group(kind).startswith(b"/*") and not m.group(kind).endswith(b"*/"):
                raise _Bad(m.start(kind), "unterminated comment")

    def unexpected(self, at: int) -> str:
        char = self.data[at:at + 1]
        if char == b'"':
            return "unterminated string"
        if char == b"/" and self.data[at:at + 2] == b"/*":
            return "unterminated comment"
        if char == b"'":
            return "JSON strings are written in double quotes"
        shown = self.data[at:at + 12].split(b"\n")[0].decode("utf-8", "replace")
        return f"invalid JSON: unexpected {shown!r}"

    def span(self, start: int, end: int) -> Span:
        return span(self.path, self.index, start, end)

    def document(self) -> Value:
        if self.kind == "":
            raise _Bad(self.start, "the file is empty: expected a JSON object")
        root = self.value(0, None)
        if self.kind != "":
            raise _Bad(self.start, "invalid JSON: more content after the top-level value")
        return root

    def value(self, depth: int, key_span: Span | None) -> Value:
        if depth > MAX_DEPTH:
            raise _Bad(self.start, f"nesting deeper than {MAX_DEPTH} levels is not read")
        kind, token, start = self.kind, self.token, self.start
        if kind == "string":
            self.advance()
            return Value(literal_or_expression(self.string(token, start)), self.span(start, start + len(token)),
                         key_span=key_span)
        if kind == "number":
            self.advance()
            text = token.decode("ascii")
            number: Any = int(text) if text.lstrip("-").isdigit() else float(text)
            return Value(number, self.span(start, start + len(token)), key_span=key_span)
        if kind == "word":
            self.advance()
            return Value(_WORDS[token], self.span(start, start + len(token)), key_span=key_span)
        if token == b"{":
            return self.object(depth, key_span)
        if token == b"[":
            return self.array(depth, key_span)
        if kind == "":
            raise _Bad(start, "invalid JSON: the file ends before the value")
        raise _Bad(start, f"invalid JSON: unexpected {token.decode('utf-8', 'replace')!r}")

    def object(self, depth: int, key_span: Span | None) -> Value:
        start = self.start
        self.advance()
        members: dict[str, Value] = {}
        while True:
            if self.token == b"}" and self.kind == "punct":
                break
            if self.kind != "string":
                if self.kind == "":
                    raise _Bad(self.start, "invalid JSON: the file ends inside an object")
                raise _Bad(self.start, "invalid JSON: expected a member name in double quotes")
            key_start, key_token = self.start, self.token
            key = self.string(key_token, key_start)
            self.advance()
            if self.token != b":":
                raise _Bad(self.start, "invalid JSON: expected ':' after the member name")
            self.advance()
            members.pop(key, None)  # a repeated key: the last one wins, in its own position
            members[key] = self.value(depth + 1, self.span(key_start, key_start + len(key_token)))
            if self.token == b",":
                self.advance()  # a trailing comma before `}` is accepted, as Azure does
                continue
            if self.token != b"}":
                raise _Bad(self.start, "invalid JSON: expected ',' or '}' in an object"
                           if self.kind else "invalid JSON: the file ends inside an object")
        end = self.start + 1
        self.advance()
        return Value(members, self.span(start, end), key_span=key_span)

    def array(self, depth: int, key_span: Span | None) -> Value:
        start = self.start
        self.advance()
        items: list[Value] = []
        while not (self.token == b"]" and self.kind == "punct"):
            if self.kind == "":
                raise _Bad(self.start, "invalid JSON: the file ends inside an array")
            items.append(self.value(depth + 1, None))
            if self.token == b",":
                self.advance()
                continue
            if self.token != b"]":
                raise _Bad(self.start, "invalid JSON: expected ',' or ']' in an array"
                           if self.kind else "invalid JSON: the file ends inside an array")
        end = self.start + 1
        self.advance()
        return Value(items, self.span(start, end), key_span=key_span)

    def string(self, token: bytes, start: int) -> str:
        if b"\\" not in token:
            return token[1:-1].decode("utf-8")
        try:
            return json.loads(token, strict=False)  # strict=False: line breaks inside strings
        except (ValueError, RecursionError):
            raise _Bad(start, "invalid JSON: a bad escape sequence in a string") from None


# --- insertion points ----------------------------------------------------------------------------


_TRAILING_COMMA = re.compile(rb"(?:[ \t\r\n]|//[^\n]*|/\*.*?\*/)*,", re.S)


class _Insertions:
    """Insertion points and comma positions of an object and the objects nested in it."""

    def __init__(self, data: bytes, index: LineIndex) -> None:
        self.data = data
        self.index = index

    def of(self, value: Value) -> tuple[dict[str, Insertion], dict[str, int]]:
        out: dict[str, Insertion] = {}
        commas: dict[str, int] = {}
        self.walk(value, "", out, commas, 0)
        return out, commas

    def walk(self, value: Value, path: str, out: dict[str, Insertion], commas: dict[str, int], depth: int) -> None:
        raw = value.raw
        if depth > MAX_DEPTH:
            return
        if isinstance(raw, dict):
            if not raw:
                return
            last = next(reversed(raw.values()))  # members are in source order
            if not _TRAILING_COMMA.match(self.data, last.span.end):
                commas[path] = last.span.end
            close = value.span.end - 1
            if self.data.count(b"\n", last.span.end, close) and last.key_span is not None:
                out[path] = Insertion(self.index.next_line_start(max(last.span.end - 1, last.key_span.start)),
                                      self.index.indent(last.key_span.start))
            for key, child in raw.items():
                self.walk(child, f"{path}.{key}" if path else key, out, commas, depth + 1)
        elif isinstance(raw, list):
            for i, item in enumerate(raw):
                self.walk(item, path if i == 0 else f"{path}.{i}", out, commas, depth + 1)


def sub_insertions(insertions: dict[str, Insertion], commas: dict[str, int], prefix: str
                   ) -> tuple[dict[str, Insertion], dict[str, int]]:
    """The insertion points under native path `prefix`, re-rooted there ("" is `prefix` itself)."""
    dot = prefix + "."
    found = {("" if p == prefix else p[len(dot):]): v for p, v in insertions.items() if p == prefix or p.startswith(dot)}
    found_commas = {("" if p == prefix else p[len(dot):]): v for p, v in commas.items()
                    if p == prefix or p.startswith(dot)}
    return found, found_commas


# --- resources and sections ----------------------------------------------------------------------

InsertionsOf = Callable[[Value], "tuple[dict[str, Insertion], dict[str, int]]"]


def _entries(section: Value | None) -> list[tuple[str | None, Value, str]]:
    """(symbolic name or None, resource Value, native path suffix) of a resources array/object."""
    if section is None:
        return []
    if isinstance(section.raw, list):
        return [(None, item, "" if i == 0 else f".{i}") for i, item in enumerate(section.raw)]
    if isinstance(section.raw, dict):
        return [(name, item, f".{name}") for name, item in section.raw.items()]
    return []


def _name_part(raw: Any) -> str:
    """A resource name inside a format() expression: the expression, or a quoted literal."""
    if isinstance(raw, Unknown):
        return raw.expr[1:-1].strip()
    return "'" + str(raw).replace("'", "''") + "'"


def collect_resources(section: Value | None, version: str, insertions_of: InsertionsOf | None,
                      parent: Resource | None = None, depth: int = 0,
                      seen: dict[str, int] | None = None) -> list[Resource]:
    """The resources of a `resources` section (array, or 2.0 object) and their children, in
    source order, as the module docstring says. `insertions_of(resource Value)` gives the
    insertion points and comma offsets of one resource object (None: none)."""
    seen = {} if seen is None else seen
    found: list[Resource] = []
    if depth > 16:
        return found
    for symbol, entry, _ in _entries(section):
        if not isinstance(entry.raw, dict):
            continue
        members: dict[str, Value] = entry.raw
        written_type = members.get("type")
        if written_type is None or not isinstance(written_type.raw, str) or not written_type.raw:
            continue
        native_type = written_type.raw
        attrs = {k: v for k, v in members.items() if not (k == "resources" and isinstance(v.raw, (list, dict)))}
        name = members.get("name")
        own = symbol if symbol is not None and version.startswith("2") else None
        if own is None:
            own = _address_text(name) or native_type
        meta: dict[str, Any] = {}
        if parent is not None:
            native_type = f"{parent.native_type}/{native_type}"
            attrs["type"] = Value(native_type, written_type.span, written_type.origin, written_type.key_span)
            own = f"{parent.address}/{own}"
            meta["parent"] = parent.address
            parent_name = parent.attrs.get("name")
            if name is not None and parent_name is not None:
                if isinstance(name.raw, Unknown) or isinstance(parent_name.raw, Unknown):
                    combined: Any = Unknown(f"[format('{{0}}/{{1}}', {_name_part(parent_name.raw)}, "
                                            f"{_name_part(name.raw)})]", "expression")
                else:
                    combined = f"{parent_name.raw}/{name.raw}"
                attrs["name"] = Value(combined, name.span, name.origin, name.key_span)
        count = seen.get(own, 0) + 1
        seen[own] = count
        address = own if count == 1 else f"{own}#{count}"
        if "apiVersion" in members and isinstance(members["apiVersion"].raw, str):
            meta["api_version"] = members["apiVersion"].raw
        if "condition" in members:
            raw = members["condition"].raw
            meta["condition"] = raw.expr if isinstance(raw, Unknown) else raw
        if "copy" in members:
            meta["copy"] = _plain(members["copy"].raw)
        if version:
            meta["language_version"] = version
        if version.startswith("2"):
            if symbol is not None:
                meta["symbol"] = symbol
            meta["existing"] = members.get("existing") is not None and members["existing"].raw is True
        insertions: dict[str, Insertion] = {}
        if insertions_of is not None:
            insertions, commas = insertions_of(entry)
            # a child resources list is not an attribute: drop its points
            insertions = {p: i for p, i in insertions.items() if not (p == "resources" or p.startswith("resources."))}
            commas = {p: c for p, c in commas.items() if not (p == "resources" or p.startswith("resources."))}
            if commas:
                meta["insert_comma_at"] = commas
        header = _member_span(written_type)
        resource = Resource(kinds.kind_of(FRAMEWORK, native_type), native_type, FRAMEWORK, address, entry.span,
                            attrs, insertions, meta, header)
        found.append(resource)
        children = members.get("resources")
        if children is not None and isinstance(children.raw, (list, dict)):
            found.extend(collect_resources(children, version, insertions_of, resource, depth + 1, seen))
    return found


def _address_text(name: Value | None) -> str:
    if name is None:
        return ""
    if isinstance(name.raw, Unknown):
        return name.raw.expr
    if isinstance(name.raw, str):
        return name.raw
    return ""


def _member_span(value: Value) -> Span:
    """A member from its key through its value."""
    key = value.key_span
    if key is None:
        return value.span
    v = value.span
    return Span(v.path, key.start, v.end, key.line, key.col, v.end_line, v.end_col)


def _plain(raw: Any) -> Any:
    if isinstance(raw, Value):
        return _plain(raw.raw)
    if isinstance(raw, dict):
        return {k: _plain(v) for k, v in raw.items()}
    if isinstance(raw, list):
        return [_plain(v) for v in raw]
    if isinstance(raw, Unknown):
        return raw.expr
    return raw


def _record(section: str, name: str, value: Value, attrs: dict[str, Value]) -> Resource:
    header = value.key_span or value.span
    return Resource("", section, FRAMEWORK, name, value.span, attrs, header=header)


def template_blocks(top: dict[str, Value], whole: Span) -> dict[str, dict[str, Resource]]:
    """The parameters, variables, outputs and functions of a template object, and "Template"."""
    blocks: dict[str, dict[str, Resource]] = {}
    for section in ("parameters", "outputs"):
        written = top.get(section)
        if written is not None and isinstance(written.raw, dict):
            blocks[section] = {name: _record(section, name, v, dict(v.raw) if isinstance(v.raw, dict) else {})
                               for name, v in written.raw.items()}
    written = top.get("variables")
    if written is not None and isinstance(written.raw, dict):
        blocks["variables"] = {name: _record("variables", name, v, {"value": v}) for name, v in written.raw.items()}
    written = top.get("functions")
    if written is not None and isinstance(written.raw, list):
        functions: dict[str, Resource] = {}
        for namespace in written.raw:
            if not isinstance(namespace.raw, dict):
                continue
            ns = namespace.raw.get("namespace")
            members = namespace.raw.get("members")
            if ns is None or not isinstance(ns.raw, str) or members is None or not isinstance(members.raw, dict):
                continue
            for name, member in members.raw.items():
                functions[f"{ns.raw}.{name}"] = _record("functions", f"{ns.raw}.{name}", member,
                                                        dict(member.raw) if isinstance(member.raw, dict) else {})
        blocks["functions"] = functions
    rest = {k: v for k, v in top.items() if k != "resources" and k not in SECTIONS}
    blocks["Template"] = {"": Resource("", "Template", FRAMEWORK, "", whole, rest)}
    return blocks
