"""Bicep writer for autofix: one `NativeSet` / `NativeRemove` on one resource -> the smallest byte
edits of the ORIGINAL file that make it. The rest of the file stays byte-identical: line endings
(CRLF), the indentation unit (tabs or n spaces), a missing final newline, comments.

Interface (as parsers/terraform/write.py):

    edits(parsed, data, resource, change, *, declared_variables=frozenset()) -> tuple[Edit, ...]
    declared_variables(folder) -> frozenset()   # a Bicep file's params are in the file itself
    parameter_name(placeholder_name) -> str      # kms_key_id -> kmsKeyId

The writer re-reads `data` with parsers.bicep.syntax (the parser parse.py uses) and finds the
resource's declaration by its span, so a child resource declared inside its parent's body works
like any other. Paths are native dotted paths into the resource body ("properties.networkAcls.
defaultAction", "identity.type"), read as `analyzer.model.lookup` reads them: a number indexes an
array, any other part on an array means its first element. A key that differs only in case from
the path's part is taken as that part (Azure property names are case-insensitive: a second,
differently cased key would be a duplicate). Values are native data: str | int | bool | None |
list | dict | `analyzer.check.Placeholder`.

Choices (tests/parsers/test_bicep_write.py shows each as exact text):

- An existing value is replaced in place, key and trailing comment kept. Strings are written in
  Bicep's only quoting, single quotes, with `\\'`, `\\\\`, `\\n`, `\\r`, `\\t`, `\\${` and `\\u{..}` escapes
  (a '''multi-line''' string becomes a one-line string). THE LITERAL-ONLY RULE: when the current
  value is an expression (`isPrivate ? 'Disabled' : 'Enabled'`, a param reference, a function
  call, a `for` expression), it is replaced by the literal, as the Terraform writer does: the fix
  sets the value. When the path goes THROUGH an expression (`properties: union(base, {...})`,
  `sku: d.?sku ?? {...}`) or through an object with a spread (`{ ...base }`), nothing is written:
  the object's members are only known at deployment.
- A missing property goes on a new line after the object's last property, at that property's
  indentation (the parser's `insertions` rule); in a resource body with child resources that is
  before the first child after it. Missing parent objects are created, nested, one indentation
  unit deeper each (`properties: {` ... `}`). A resource body behind `if (...)` or inside
  `[for ...]` is written like any body: a literal set there holds for every instance.
- Objects written on one line: a new property joins them on that line (`{ a: 1, b: 2 }`, Bicep's
  single-line object syntax, which the file already uses). An empty `{}` alone on its line (as a
  property's value, or a resource body) becomes a multi-line object; inside a one-line object
  it becomes `{ b: 2 }`. An object whose `}` shares the last property's line (`{\\n  a: 1 }`) gets
  the new property on its own line and the `}` on the next.
- New values: objects and arrays in multi-line form (one member per line: the classic form every
  Bicep version reads), inside a one-line object in one-line form (`{ a: 1 }`, `['x', 'y']`).
  Keys are bare identifiers, else quoted (`'my-key'`; `true`/`false`/`null` too).
- Remove deletes the property's line(s), its decorators and a trailing comment with it (comments
  on other lines stay); on a line shared with other properties, the property and one comma go;
  the only property of a one-line object leaves `{}`.
- Placeholders: `Placeholder("kms_key_id")` is written as a reference to the parameter `kmsKeyId`
  (camelCase, Bicep's convention). Unless the file has a `param kmsKeyId` (or the name is in
  `declared_variables`), the same fix declares it:

      @description('ID of the KMS key (asked for by an aiposture fix)')
      param kmsKeyId string

  (`array` for names of several things: ..._ids, ..._arns, ..._names) after a blank line below
  the last `param` declaration; when there is none, below the last `targetScope` / `metadata` /
  `import` / `extension` declaration, else above the first declaration (and the comment lines
  attached to it).

`WriteError` is raised, and no edit returned, when a change cannot be written safely: a file with
syntax errors; an `existing` resource (it is not deployed by this file); a path through an
expression, a spread, a scalar, an empty array or past an array's end; creating an array element;
removing an array element (set the whole array); a placeholder whose name is another symbol of
the file (a var, resource, module...); a value Bicep cannot hold (a float, an int beyond 64 bits,
a set, a non-string key); a layout we do not rewrite (properties sharing a line without commas).

Combining: as in the Terraform writer, changes computed from the same original bytes apply together
when they touch different properties; two changes that create the same missing parent, or declare
the same placeholder parameter, must be computed one after the other (the fixer does one change
per resource per round).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from analyzer.check import Placeholder
from analyzer.fix import Edit, NativeRemove, NativeSet, WriteError, azure_path_parts
from analyzer.model import ParsedFile, Resource
from analyzer.text import LineIndex
from parsers.bicep import syntax as S

__all__ = ["bicep_string", "declared_variables", "edits", "parameter_name"]

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_LITERAL_WORDS = frozenset({"true", "false", "null"})  # keys that read as literals: quoted
_LIST_SUFFIXES = ("ids", "arns", "names")
_INT64 = (-(2 ** 63), 2 ** 63 - 1)
_ESCAPES = {"\\": "\\\\", "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def declared_variables(folder: str) -> frozenset[str]:
    """Part of the writer interface. A Bicep file is a module of its own: its params are in it."""
    return frozenset()


def parameter_name(name: str) -> str:
    """A Bicep parameter name (camelCase) from a placeholder name: kms_key_id -> kmsKeyId; a name
    without separators keeps its spelling, first letter lowered (KmsKeyId -> kmsKeyId)."""
    words = [w for w in re.split(r"[^A-Za-z0-9]+", name) if w]
    if not words or words[0][0].isdigit():
        raise WriteError(f"not a parameter name: {name!r}")
    if len(words) == 1:
        word = words[0]
        return word.lower() if word.isupper() else word[0].lower() + word[1:]
    return words[0].lower() + "".join(w[0].upper() + w[1:].lower() for w in words[1:])


def bicep_string(text: str) -> str:
    """A single-quoted Bicep string whose value is `text` (`${` escaped: not an interpolation)."""
    out = []
    for i, ch in enumerate(text):
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ch == "$" and text[i + 1:i + 2] == "{":
            out.append("\\$")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{{{ord(ch):X}}}")
        else:
            out.append(ch)
    return "'" + "".join(out) + "'"


def bicep_key(key: Any) -> str:
    if not isinstance(key, str):
        raise WriteError("object keys are strings")
    return key if _IDENTIFIER.match(key) and key not in _LITERAL_WORDS else bicep_string(key)


def edits(parsed: ParsedFile, data: bytes, resource: Resource, change: NativeSet | NativeRemove,
          *, declared_variables: frozenset[str] = frozenset()) -> tuple[Edit, ...]:
    """The edits of `data` (the original bytes of `parsed`) that make `change` on `resource`.

    () when there is nothing to do (the value is already the one set, the property to remove is
    absent). Raises WriteError when the change cannot be written safely (see the module
    docstring)."""
    parts = azure_path_parts(parsed, resource, change)
    program, problems = S.parse_syntax(data)
    if problems:
        raise WriteError("the file has syntax errors: fix them first")
    decl = _find_declaration(program.declarations, resource.span.start, resource.span.end)
    if decl is None:
        raise WriteError(f"resource {resource.address!r} not found in the file")
    body = _inner_body(decl.body)
    if not isinstance(body, S.Object):
        raise WriteError(f"the body of `{resource.address}` is not an object")
    writer = _Writer(parsed.path, data, program, set(declared_variables))
    if isinstance(change, NativeSet):
        found = writer.set(body, parts, change.value)
    elif isinstance(change, NativeRemove):
        found = writer.remove(body, parts)
    else:
        raise TypeError(f"not a change: {change!r}")
    if not found:
        return ()
    return (*found, *writer.parameter_edits())


def _find_declaration(decls: list, start: int, end: int) -> S.ResourceDecl | None:
    """The resource declaration spanning [start, end), child resources included."""
    for decl in decls:
        if not isinstance(decl, S.ResourceDecl) or not decl.start <= start < decl.end:
            continue
        if (decl.start, decl.end) == (start, end):
            return decl
        body = _inner_body(decl.body)
        if isinstance(body, S.Object):
            return _find_declaration(body.resources, start, end)
    return None


def _inner_body(body: S.Node) -> S.Node:
    """The object of `{...}`, `if (c) {...}`, `[for x in xs: {...}]`, `[for ...: if (c) {...}]`."""
    if isinstance(body, S.ForExpr):
        body = body.body
    if isinstance(body, S.IfExpr):
        body = body.body
    return body


# --- the written value of a node, to tell whether a set changes anything -----------------------

class _Expression:
    """An expression's written value: never the same as a literal."""


_EXPRESSION = _Expression()


@dataclass(frozen=True)
class _Reference:
    name: str  # a bare identifier: a param, var, resource...


def _written(node: S.Node) -> Any:
    if isinstance(node, S.Literal):
        return node.value
    if isinstance(node, S.Unary) and node.op == "-" and isinstance(node.operand, S.Literal) \
            and type(node.operand.value) is int:
        return -node.operand.value
    if isinstance(node, S.Parenthesized) and isinstance(node.expr, S.Literal):
        return node.expr.value
    if isinstance(node, S.Identifier):
        return _Reference(node.name)
    if isinstance(node, S.Object) and all(isinstance(p, S.Property) and p.name is not None for p in node.properties):
        return {p.name: _written(p.value) for p in node.properties}
    if isinstance(node, S.Array) and not any(isinstance(i, S.Spread) for i in node.items):
        return [_written(i) for i in node.items]
    return _EXPRESSION


def _same(old: Any, new: Any) -> bool:
    """Is the written value `old` already `new`? Types must match: 1 is not True."""
    if isinstance(new, Placeholder):
        return isinstance(old, _Reference) and old.name == parameter_name(new.name)
    if isinstance(new, dict):
        return isinstance(old, dict) and old.keys() == new.keys() and all(_same(old[k], new[k]) for k in new)
    if isinstance(new, (list, tuple)):
        return isinstance(old, list) and len(old) == len(new) and all(map(_same, old, new))
    return type(old) is type(new) and old == new


def _wrap(parts: list[str], value: Any) -> Any:
    for part in reversed(parts):
        value = {part: value}
    return value


def _shown(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 40 else text[:37] + "..."


@dataclass
class _Spot:
    """Where a path leads in a resource body."""

    obj: S.Object  # the deepest existing object on the path
    missing: list[str]  # the parts below `obj` that do not exist ([] when found)
    prop: S.Property | None = None  # the property at the path (None for an array element)
    target: S.Node | None = None  # the value at the path, when it exists
    array: S.Array | None = None  # the array holding the target, when it is an element


class _Writer:
    def __init__(self, path: str, data: bytes, program: S.Program, declared: set[str]) -> None:
        self.path = path
        self.data = data
        self.program = program
        self.declared = declared
        self.index = LineIndex(data)
        first = data.find(b"\n")
        self.nl = "\r\n" if first > 0 and data[first - 1:first] == b"\r" else "\n"
        leads = re.findall(rb"^([ \t]+)\S", data[:200_000], re.M)
        if any(lead.startswith(b"\t") for lead in leads):
            self.unit = "\t"
        else:
            widths = [len(lead) for lead in leads if not lead.strip(b" ")]
            self.unit = " " * min(widths) if widths else "  "
        self.placeholders: list[tuple[str, str]] = []  # (parameter name, placeholder name), in order

    def edit(self, start: int, end: int, content: str) -> Edit:
        return Edit(self.path, start, end, content)

    def text(self, node: S.Node) -> str:
        return self.data[node.start:node.end].decode("utf-8", errors="replace")

    # --- layout helpers --------------------------------------------------------------------------

    def starts_line(self, offset: int) -> bool:
        return not self.data[self.index.line_start(offset):offset].strip(b" \t")

    def one_line(self, node: S.Node) -> bool:
        return b"\n" not in self.data[node.start:node.end]

    def skip_blanks(self, at: int) -> int:
        while self.data[at:at + 1] in (b" ", b"\t"):
            at += 1
        return at

    def rest_of_line(self, end: int, comma: bool = True) -> int | None:
        """When only blanks, a comma and a comment follow `end` on its line: the start of the next
        line (or the end of the file). Else None."""
        data = self.data
        at = self.skip_blanks(end)
        if comma and data[at:at + 1] == b",":
            at = self.skip_blanks(at + 1)
        if data.startswith(b"/*", at):
            closing = data.find(b"*/", at)
            if closing < 0 or b"\n" in data[at:closing]:
                return None
            at = self.skip_blanks(closing + 2)
        if data.startswith(b"//", at):
            newline = data.find(b"\n", at)
            at = len(data) if newline < 0 else newline
        if data.startswith(b"\r\n", at):
            return at + 2
        if data.startswith(b"\n", at):
            return at + 1
        return at if at == len(data) else None

    def alone(self, node: S.Node, start: int) -> bool:
        """Is [start, node.end) alone on its line(s) (a comma and a comment may follow)?"""
        return self.starts_line(start) and self.rest_of_line(node.end) is not None

    def key_indent(self, prop: S.Node, obj: S.Object) -> str:
        """The indentation of a member's line, or one unit deeper than its object's."""
        start = prop.key.start if isinstance(prop, S.Property) else prop.start
        if self.starts_line(start):
            return self.index.indent(start)
        return self.index.indent(obj.start) + self.unit

    # --- the path ------------------------------------------------------------------------------

    def find(self, obj: S.Object, part: str, where: str) -> S.Property | None:
        spreads = [p for p in obj.properties if isinstance(p, S.Spread)]
        if spreads:
            raise WriteError(f"`{where or 'the resource body'}` has a spread (`{_shown(self.text(spreads[0]))}`):"
                             " its members are only known at deployment")
        props = [p for p in obj.properties if isinstance(p, S.Property)]
        exact = [p for p in props if p.name == part]
        if exact:
            return exact[-1]  # a repeated key: the last one is the one read
        folded = [p for p in props if p.name is not None and p.name.lower() == part.lower()]
        return folded[-1] if folded else None

    def walk(self, body: S.Object, parts: list[str]) -> _Spot:
        obj, i = body, 0
        while True:
            where = ".".join(parts[:i])
            prop = self.find(obj, parts[i], where)
            if prop is None:
                return _Spot(obj, parts[i:])
            value, array = prop.value, None
            i += 1
            while isinstance(value, S.Array) and i < len(parts) and parts[i].isdigit():
                number = int(parts[i])
                if any(isinstance(item, S.Spread) for item in value.items):
                    raise WriteError(f"`{'.'.join(parts[:i])}` has a spread: its elements are only known at deployment")
                if number >= len(value.items):
                    raise WriteError(f"`{'.'.join(parts[:i])}` has no element {number}")
                array, value = value, value.items[number]
                i += 1
            if i == len(parts):
                return _Spot(obj, [], None if array else prop, value, array)
            where = ".".join(parts[:i])
            if isinstance(value, S.Array):
                if any(isinstance(item, S.Spread) for item in value.items):
                    raise WriteError(f"`{where}` has a spread: its elements are only known at deployment")
                if not value.items:
                    raise WriteError(f"`{where}` is an empty array")
                value = value.items[0]
            if isinstance(value, S.Object):
                obj = value
                continue
            if isinstance(_written(value), (_Expression, _Reference)):
                raise WriteError(f"`{where}` is an expression (`{_shown(self.text(value))}`), not an object:"
                                 " its value is only known at deployment")
            raise WriteError(f"`{where}` is a value, not an object")

    # --- rendering -----------------------------------------------------------------------------

    def render(self, value: Any, indent: str, inline: bool) -> str:
        """`value` in Bicep: objects and arrays over several lines (members at `indent` + one
        unit, the closing bracket at `indent`), or on one line when `inline`."""
        if isinstance(value, Placeholder):
            name = parameter_name(value.name)
            if name not in (n for n, _ in self.placeholders):
                self.placeholders.append((name, value.name))
            return name
        if isinstance(value, bool):
            return "true" if value else "false"
        if value is None:
            return "null"
        if isinstance(value, int):
            if not _INT64[0] <= value <= _INT64[1]:
                raise WriteError(f"{value} is beyond Bicep's 64-bit integers")
            return str(value)
        if isinstance(value, float):
            raise WriteError(f"Bicep has no decimal numbers: {value} cannot be written")
        if isinstance(value, str):
            return bicep_string(value)
        inner = indent + self.unit
        if isinstance(value, (list, tuple)):
            if not value:
                return "[]"
            if inline:
                return "[" + ", ".join(self.render(v, inner, True) for v in value) + "]"
            items = "".join(inner + self.render(v, inner, False) + self.nl for v in value)
            return "[" + self.nl + items + indent + "]"
        if isinstance(value, dict):
            if not value:
                return "{}"
            if inline:
                return "{ " + ", ".join(f"{bicep_key(k)}: {self.render(v, inner, True)}"
                                        for k, v in value.items()) + " }"
            members = "".join(f"{inner}{bicep_key(k)}: {self.render(v, inner, False)}{self.nl}"
                              for k, v in value.items())
            return "{" + self.nl + members + indent + "}"
        raise WriteError(f"cannot write a {type(value).__name__} value")

    # --- set -----------------------------------------------------------------------------------

    def set(self, body: S.Object, parts: list[str], value: Any) -> list[Edit]:
        spot = self.walk(body, parts)
        target = spot.target
        if target is not None:
            if _same(_written(target), value):
                return []
            holder = spot.prop if spot.prop is not None else target
            container = spot.array if spot.array is not None else spot.obj
            written_inline = isinstance(target, (S.Object, S.Array)) and self.one_line(target) and bool(
                target.properties if isinstance(target, S.Object) else target.items)
            # an object or array the author wrote on one line stays on one line
            inline = self.one_line(container) or not self.alone(holder, holder.start) or written_inline
            indent = self.index.indent(holder.key.start if spot.prop is not None else target.start)
            return [self.edit(target.start, target.end, self.render(value, indent, inline))]
        number = next((p for p in spot.missing if p.isdigit()), None)
        if number is not None:
            raise WriteError(f"cannot create element {number} of an array: set the whole array")
        return [self.insert(spot.obj, spot.missing[0], _wrap(spot.missing[1:], value))]

    def insert(self, obj: S.Object, key: str, value: Any) -> Edit:
        """Add `key: value` to an existing object (see the module docstring for the layouts)."""
        nl = self.nl
        members = sorted([*obj.properties, *obj.resources], key=lambda m: m.start)
        props = [p for p in obj.properties if isinstance(p, S.Property)]
        base = self.index.indent(obj.start)
        if not members:
            if not self.one_line(obj):  # `{` and `}` on different lines
                at = self.index.next_line_start(obj.start)
                if self.data[obj.start + 1:at].strip() or self.index.line_start(obj.end - 1) < at:
                    raise WriteError("an empty object with text after its `{`: not rewritten")
                indent = base + self.unit
                return self.edit(at, at, f"{indent}{bicep_key(key)}: {self.render(value, indent, False)}{nl}")
            if self.rest_of_line(obj.end) is not None:  # `key: {}` ending its line: a block
                indent = base + self.unit
                return self.edit(obj.start, obj.end, "{" + nl + f"{indent}{bicep_key(key)}: "
                                 f"{self.render(value, indent, False)}{nl}{base}}}")
            return self.edit(obj.start, obj.end, f"{{ {bicep_key(key)}: {self.render(value, '', True)} }}")
        if self.one_line(obj):
            last = members[-1]
            return self.edit(last.end, last.end, f", {bicep_key(key)}: {self.render(value, '', True)}")
        last = members[-1]
        close_line = self.index.line_start(obj.end - 1)
        if self.index.line_start(last.end - 1) == close_line:
            # `}` shares the last member's line: the new property on its own line, `}` below it
            if self.data[last.end:obj.end - 1].strip():
                raise WriteError("an object whose `}` follows more than blanks after its last member: not rewritten")
            indent = self.key_indent(last, obj)
            text = f"{nl}{indent}{bicep_key(key)}: {self.render(value, indent, False)}{nl}{base}"
            return self.edit(last.end, obj.end - 1, text)
        if props:
            anchor = props[-1]
            at = self.index.next_line_start(anchor.end - 1)
            later = [m for m in members if m.start >= anchor.end]
            if later and later[0].start < at:
                raise WriteError("a member that shares its line with the next one: not rewritten")
            indent = self.key_indent(anchor, obj)
        else:  # only child resources: above the first one
            at = self.index.next_line_start(obj.start)
            if self.data[obj.start + 1:at].strip() or members[0].start < at:
                raise WriteError("an object with text after its `{`: not rewritten")
            indent = self.key_indent(members[0], obj)
        return self.edit(at, at, f"{indent}{bicep_key(key)}: {self.render(value, indent, False)}{nl}")

    # --- remove --------------------------------------------------------------------------------

    def remove(self, body: S.Object, parts: list[str]) -> list[Edit]:
        spot = self.walk(body, parts)
        if spot.target is None:
            return []
        if spot.prop is None:
            raise WriteError(f"`{'.'.join(parts)}` is an element of an array: set the whole array")
        prop, obj = spot.prop, spot.obj
        members = sorted([*obj.properties, *obj.resources], key=lambda m: m.start)
        if self.one_line(obj) and len(members) == 1:
            return [self.edit(obj.start + 1, obj.end - 1, "")]
        if self.starts_line(prop.start):
            after = self.rest_of_line(prop.end)
            if after is not None:
                first = self.index.line_start(prop.start)
                if (len(members) == 1 and not self.data[obj.start + 1:first].strip()
                        and not self.data[after:obj.end - 1].strip()):
                    return [self.edit(obj.start + 1, obj.end - 1, "")]  # the only member: `{}`
                if first > 0:
                    # a blank line above that would be left right before `}` or another blank line
                    above = self.index.line_start(first - 1)
                    below = self.data[after:self.index.next_line_start(after)].strip()
                    if not self.data[above:first].strip() and below in (b"", b"}", b"]"):
                        first = above
                return [self.edit(first, after, "")]
        after = self.skip_blanks(prop.end)
        if self.data[after:after + 1] == b",":
            return [self.edit(prop.start, self.skip_blanks(after + 1), "")]
        before = prop.start
        while before > obj.start and self.data[before - 1:before] in (b" ", b"\t"):
            before -= 1
        if self.data[before - 1:before] == b",":
            return [self.edit(before - 1, prop.end, "")]
        raise WriteError("a property that shares its line with another without a comma: not rewritten")

    # --- placeholders --------------------------------------------------------------------------

    def parameter_edits(self) -> list[Edit]:
        """`param` declarations for the placeholders the file does not declare yet."""
        decls = self.program.declarations
        params = {d.name.name for d in decls if isinstance(d, S.Param)}
        taken = self.symbols(decls)
        missing = []
        for name, placeholder in self.placeholders:
            if name in params or name in self.declared:
                continue
            if name in taken:
                raise WriteError(f"`{name}` already names a {taken[name]} in this file: add the parameter by hand")
            missing.append((name, placeholder))
        if not missing:
            return []
        from parsers.terraform.write import describe  # the same wording as Terraform's variables

        nl = self.nl
        text = (nl + nl).join(
            f"@description({bicep_string(describe(placeholder))}){nl}param {name} "
            f"{'array' if placeholder.lower().endswith(_LIST_SUFFIXES) else 'string'}"
            for name, placeholder in missing)
        heads = [d for d in decls if isinstance(d, S.Param)] or [
            d for d in decls if isinstance(d, (S.TargetScope, S.Metadata, S.Import, S.Extension))]
        data = self.data
        if heads:
            last = max(heads, key=lambda d: d.end)
            at = self.index.next_line_start(last.end - 1)
            prefix = nl if at < len(data) or data.endswith(b"\n") else nl + nl
            following = data[at:self.index.next_line_start(at)].strip()
            ends = at == len(data) and not data.endswith(b"\n")  # keep a missing final newline missing
            suffix = "" if ends else nl + (nl if at < len(data) and following else "")
            return [self.edit(at, at, prefix + text + suffix)]
        if not decls:
            at = len(data)
            prefix = nl if data and not data.endswith(b"\n") else ""
            return [self.edit(at, at, prefix + (nl if data.strip() else "") + text + nl)]
        at = self.index.line_start(min(d.start for d in decls))
        while at > 0:  # comment lines right above the first declaration belong to it
            above = self.index.line_start(at - 1)
            if not data[above:at].strip().startswith(b"//"):
                break
            at = above
        return [self.edit(at, at, text + nl + nl)]

    def symbols(self, decls: list) -> dict[str, str]:
        """Names the file's other declarations take (a param may not reuse them)."""
        taken: dict[str, str] = {}
        for decl in decls:
            if isinstance(decl, S.Var):
                taken[decl.name.name] = "var"
            elif isinstance(decl, S.ResourceDecl):
                taken[decl.name.name] = "resource"
            elif isinstance(decl, S.Module):
                taken[decl.name.name] = "module"
            elif isinstance(decl, S.Func):
                taken[decl.name.name] = "func"
            elif isinstance(decl, S.Import):
                for item in decl.items:
                    local = item.alias or item.name
                    if isinstance(local, S.Identifier):
                        taken[local.name] = "import"
                if decl.wildcard is not None:
                    taken[decl.wildcard.name] = "import"
        return taken
