"""ARM template writer for autofix: one `NativeSet` / `NativeRemove` on one resource -> the smallest
byte edits of the ORIGINAL template that make it. The rest of the file stays byte-identical: line
endings (CRLF), the indentation unit (tabs or n spaces), comments, trailing commas, a missing final
newline.

Interface (as parsers/terraform/write.py):

    edits(parsed, data, resource, change, *, declared_variables=frozenset()) -> tuple[Edit, ...]
    declared_variables(folder) -> frozenset()   # a template's parameters are in the template

The template is re-read with parsers.arm.parse.read_json (the positioned, Azure-lenient reader the
parser uses: comments, trailing commas) and the resource object is found by its span, so child
resources (`resources` inside a resource) work like any other. Paths are native dotted paths into
the resource object, as parse.py's attrs read ("properties.networkAcls.defaultAction",
"identity.type", "sku.name"), read as `analyzer.model.lookup` reads them: a number indexes an
array, any other part on an array means its first element. A member whose name differs only in
case is taken as the path's part (ARM property names are case-insensitive: a second, differently
cased member would be a duplicate). Values are native data: str | int | float | bool | None | list
| dict | `analyzer.check.Placeholder`.

Choices (tests/parsers/test_arm_write.py shows each as exact text):

- An existing value is replaced by its JSON text. A literal string that starts with `[` and ends
  with `]` is written with ARM's escape (`[[x]`), so it never reads as an expression. THE
  LITERAL-ONLY RULE: a value that is a template expression (`"[if(...)]"`) is replaced by the
  literal (the fix sets the value, as the Terraform and Bicep writers do); a path THROUGH an
  expression (`"properties": "[variables('props')]"`) is refused, as is a member a property
  `copy` loop makes.
- A new member goes on a new line after the object's last member, at that member's indentation
  (the parser's `insertions`), with a comma after the last member (none when it already has a
  trailing comma); its comment stays on its line. Missing parent objects are created nested,
  rendered as `json.dumps` does with the file's indentation unit. In an object written on one
  line the member joins that line (`{ "name": "S0", "tier": "x" }`); an empty `{}` ending its
  line becomes a multi-line object; a `}` sharing the last member's line moves to a line of its
  own below the new member. The `:` spacing follows the object's last member.
- Remove deletes the member's line(s) (with a trailing comment, and the comma before it when it
  was the last member), or, on a line shared with other members, the member and one comma; the
  only member leaves `{}`.
- Placeholders: `Placeholder("kms_key_id")` is written as `"[parameters('kmsKeyId')]"` (the same
  camelCase name as the Bicep writer's) and, unless the template's `parameters` has that name
  (ARM compares names case-insensitively) or it is in `declared_variables`, the same fix declares
  it: `"kmsKeyId": {"type": "string", "metadata": {"description": "..."}}` (`"array"` for names
  of several things: ..._ids, ..._arns, ..._names), after the last parameter; with no
  `parameters` section, a new one goes right before the first of `variables`, `functions`,
  `resources`, `outputs` (ARM's usual order), else at the end of the template.

`WriteError` is raised, and no edit returned, when a change cannot be written safely: a template
with syntax errors; a languageVersion 2.0 `existing` resource; a path through an expression, a
property copy loop, a scalar, an empty array or past an array's end; creating an array element;
removing an array element (set the whole array); a placeholder for a resource inside a nested
deployment's inline template (its parameter would belong to that template: add it by hand); a
`parameters` section that is not an object; a value JSON cannot hold (NaN, a set, a non-string
key); a layout we do not rewrite (a comma or comment between the last member and a `}` on its
line, members on the line of an empty object's `{`).
"""
from __future__ import annotations

import json
import math
import re
from typing import Any

from analyzer.check import Placeholder
from analyzer.fix import Edit, NativeRemove, NativeSet, WriteError, azure_path_parts
from analyzer.model import ParsedFile, Resource, Unknown, Value, to_plain
from analyzer.text import LineIndex
from parsers.arm.parse import read_json
from parsers.bicep.write import parameter_name

__all__ = ["declared_variables", "edits", "parameter_name"]

_LIST_SUFFIXES = ("ids", "arns", "names")
# Blanks and comments, then a comma: a member's separator (or trailing comma).
_COMMA_AFTER = re.compile(rb"(?:[ \t\r\n]|//[^\n]*|/\*.*?\*/)*,", re.S)
_SECTIONS_AFTER_PARAMETERS = ("variables", "functions", "resources", "outputs")


def declared_variables(folder: str) -> frozenset[str]:
    """Part of the writer interface. A template's parameters are in the template itself."""
    return frozenset()


def edits(parsed: ParsedFile, data: bytes, resource: Resource, change: NativeSet | NativeRemove,
          *, declared_variables: frozenset[str] = frozenset()) -> tuple[Edit, ...]:
    """The edits of `data` (the original bytes of `parsed`) that make `change` on `resource`.

    () when there is nothing to do (the value is already the one set, the member to remove is
    absent). Raises WriteError when the change cannot be written safely (see the module
    docstring)."""
    parts = azure_path_parts(parsed, resource, change)
    root, problem = read_json(parsed.path, data)
    if problem is not None or root is None or not isinstance(root.raw, dict):
        raise WriteError("the template could not be read")
    found = _find_object(root, resource.span.start, resource.span.end, ())
    if found is None:
        raise WriteError(f"resource {resource.address!r} not found in the template")
    body, keys = found
    writer = _Writer(parsed.path, data, root, set(declared_variables), nested="template" in keys)
    if isinstance(change, NativeSet):
        result = writer.set(body, parts, change.value)
    elif isinstance(change, NativeRemove):
        result = writer.remove(body, parts)
    else:
        raise TypeError(f"not a change: {change!r}")
    if not result:
        return ()
    return (*result, *writer.parameter_edits())


def _find_object(value: Value, start: int, end: int, keys: tuple) -> tuple[Value, tuple] | None:
    """The object spanning [start, end) and the member names on the way to it."""
    if value.span is None or not value.span.start <= start < value.span.end:
        return None
    if (value.span.start, value.span.end) == (start, end) and isinstance(value.raw, dict):
        return value, keys
    children = value.raw.items() if isinstance(value.raw, dict) else \
        enumerate(value.raw) if isinstance(value.raw, list) else ()
    for key, child in children:
        found = _find_object(child, start, end, (*keys, key))
        if found is not None:
            return found
    return None


def _escape(text: str) -> str:
    """A literal string as ARM reads it back: `[x]` would be an expression, `[[x]` is the literal."""
    return "[" + text if text[:1] == "[" and text[-1:] == "]" else text


def _same(old: Any, new: Any) -> bool:
    """Is the written value `old` (plain, expressions as Unknown) already `new`? Types must match."""
    if isinstance(new, Placeholder):
        return isinstance(old, Unknown) and old.expr == f"[parameters('{parameter_name(new.name)}')]"
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
    return text if len(text) <= 40 else text[:37] + "..."


class _Writer:
    def __init__(self, path: str, data: bytes, root: Value, declared: set[str], nested: bool) -> None:
        self.path = path
        self.data = data
        self.root = root
        self.declared = declared
        self.nested = nested  # the resource is in a nested deployment's inline template
        self.index = LineIndex(data)
        first = data.find(b"\n")
        self.nl = "\r\n" if first > 0 and data[first - 1:first] == b"\r" else "\n"
        leads = re.findall(rb'^([ \t]+)["{\[]', data[:200_000], re.M)
        if any(lead.startswith(b"\t") for lead in leads):
            self.unit = "\t"
        else:
            widths = [len(lead) for lead in leads if not lead.strip(b" ")]
            self.unit = " " * min(widths) if widths else "  "
        self.placeholders: list[tuple[str, str]] = []  # (parameter name, placeholder name), in order

    def edit(self, start: int, end: int, content: str) -> Edit:
        return Edit(self.path, start, end, content)

    # --- layout helpers --------------------------------------------------------------------------

    def starts_line(self, offset: int) -> bool:
        return not self.data[self.index.line_start(offset):offset].strip(b" \t")

    def one_line(self, value: Value) -> bool:
        return b"\n" not in self.data[value.span.start:value.span.end]

    def skip_blanks(self, at: int) -> int:
        while self.data[at:at + 1] in (b" ", b"\t"):
            at += 1
        return at

    def rest_of_line(self, end: int) -> int | None:
        """When only blanks, a comma and a comment follow `end` on its line: the start of the next
        line. Else None."""
        data = self.data
        at = self.skip_blanks(end)
        if data[at:at + 1] == b",":
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

    def comma_after(self, end: int) -> int | None:
        """The offset of the comma that follows a member ending at `end`, or None."""
        found = _COMMA_AFTER.match(self.data, end)
        return found.end() - 1 if found else None

    def member_indent(self, member: Value, obj: Value) -> str:
        if self.starts_line(member.key_span.start):
            return self.index.indent(member.key_span.start)
        return self.index.indent(obj.span.start) + self.unit

    def colon(self, obj: Value) -> str:
        """The `:` with the spacing of the object's last member (": " when it has none)."""
        members = list(obj.raw.values())
        if members:
            last = members[-1]
            between = self.data[last.key_span.end:last.span.start].decode("utf-8", "replace")
            if between.strip() == ":" and "\n" not in between:
                return between
        return ": "

    # --- rendering -----------------------------------------------------------------------------

    def native(self, value: Any) -> Any:
        """`value` as template data: placeholders as parameter references, literal strings escaped."""
        if isinstance(value, Placeholder):
            name = parameter_name(value.name)
            if name not in (n for n, _ in self.placeholders):
                self.placeholders.append((name, value.name))
            return f"[parameters('{name}')]"
        if isinstance(value, str):
            return _escape(value)
        if isinstance(value, float) and not math.isfinite(value):
            raise WriteError(f"{value} cannot be written in JSON")
        if value is None or isinstance(value, (bool, int, float)):
            return value
        if isinstance(value, (list, tuple)):
            return [self.native(v) for v in value]
        if isinstance(value, dict):
            if not all(isinstance(k, str) for k in value):
                raise WriteError("object keys are strings")
            return {k: self.native(v) for k, v in value.items()}
        raise WriteError(f"cannot write a {type(value).__name__} value")

    def dumps(self, value: Any, indent: str, inline: bool, colon: str = ": ") -> str:
        """JSON text of template data: over several lines at `indent`, or on one line."""
        if inline or not isinstance(value, (dict, list)) or not value:
            compact = colon == ":"
            return json.dumps(value, ensure_ascii=False, separators=(",", ":") if compact else (", ", colon))
        text = json.dumps(value, ensure_ascii=False, indent=self.unit)
        return text.replace("\n", self.nl + indent)

    def member(self, key: str, value: Any, indent: str, inline: bool, colon: str) -> str:
        return json.dumps(key, ensure_ascii=False) + colon + self.dumps(value, indent, inline, colon)

    # --- the path ------------------------------------------------------------------------------

    def find(self, obj: Value, part: str, where: str) -> Value | None:
        members: dict[str, Value] = obj.raw
        found = members.get(part)
        if found is None:
            folded = [v for k, v in members.items() if k.lower() == part.lower()]
            found = folded[-1] if folded else None
        loop = members.get("copy")
        if where and loop is not None and isinstance(loop.raw, list):  # a property copy loop
            for element in loop.raw:
                name = element.raw.get("name") if isinstance(element.raw, dict) else None
                if name is not None and isinstance(name.raw, str) and name.raw.lower() == part.lower():
                    raise WriteError(f"`{where}.{part}` is made by a property `copy` loop: change the loop by hand")
        return found

    def walk(self, body: Value, parts: list[str]) -> tuple[Value, list[str], Value | None, bool]:
        """(the deepest existing object on the path, the parts missing below it, the value at the
        path or None, whether that value is an array element)."""
        obj, i = body, 0
        while True:
            found = self.find(obj, parts[i], ".".join(parts[:i]))
            if found is None:
                return obj, parts[i:], None, False
            i += 1
            element = False
            while isinstance(found.raw, list) and i < len(parts) and parts[i].isdigit():
                number = int(parts[i])
                if number >= len(found.raw):
                    raise WriteError(f"`{'.'.join(parts[:i])}` has no element {number}")
                found, element = found.raw[number], True
                i += 1
            if i == len(parts):
                return obj, [], found, element
            where = ".".join(parts[:i])
            if isinstance(found.raw, list):
                if not found.raw:
                    raise WriteError(f"`{where}` is an empty array")
                found = found.raw[0]
            if isinstance(found.raw, Unknown):
                raise WriteError(f"`{where}` is an expression (`{_shown(found.raw.expr)}`), not an object:"
                                 " its value is only known at deployment")
            if not isinstance(found.raw, dict):
                raise WriteError(f"`{where}` is a value, not an object")
            obj = found

    # --- set -----------------------------------------------------------------------------------

    def set(self, body: Value, parts: list[str], value: Any) -> list[Edit]:
        obj, missing, target, element = self.walk(body, parts)
        if target is not None:
            if _same(to_plain(target.raw), value):
                return []
            start = target.span.start if element else target.key_span.start
            alone = self.starts_line(start) and self.rest_of_line(target.span.end) is not None
            # an object or array the author wrote on one line stays on one line
            inline = not alone or (isinstance(target.raw, (dict, list)) and bool(target.raw) and self.one_line(target))
            text = self.dumps(self.native(value), self.index.indent(start), inline, self.colon(obj))
            return [self.edit(target.span.start, target.span.end, text)]
        number = next((p for p in missing if p.isdigit()), None)
        if number is not None:
            raise WriteError(f"cannot create element {number} of an array: set the whole array")
        return self.insert(obj, [(missing[0], self.native(_wrap(missing[1:], value)))])

    def insert(self, obj: Value, items: list[tuple[str, Any]]) -> list[Edit]:
        """Add members (template data) to an existing object (see the module docstring)."""
        nl, data = self.nl, self.data
        start, end = obj.span.start, obj.span.end
        base = self.index.indent(start)
        colon = self.colon(obj)
        members = list(obj.raw.values())
        if not members:
            indent = base + self.unit
            lines = ("," + nl).join(indent + self.member(k, v, indent, False, colon) for k, v in items)
            if not self.one_line(obj):
                at = self.index.next_line_start(start)
                if data[start + 1:at].strip() or data[at:end - 1].strip():
                    raise WriteError("an empty object with comments inside: not rewritten")
                return [self.edit(at, at, lines + nl)]
            if self.rest_of_line(end) is not None:  # `"key": {}` ending its line: a block
                return [self.edit(start, end, "{" + nl + lines + nl + base + "}")]
            inline = ", ".join(self.member(k, v, "", True, colon) for k, v in items)
            return [self.edit(start, end, "{" + inline + "}")]
        last = members[-1]
        if self.one_line(obj):
            separator = "," if colon == ":" else ", "
            text = "".join(separator + self.member(k, v, "", True, colon) for k, v in items)
            return [self.edit(last.span.end, last.span.end, text)]
        indent = self.member_indent(last, obj)
        lines = ("," + nl).join(indent + self.member(k, v, indent, False, colon) for k, v in items)
        if self.index.line_start(last.span.end - 1) == self.index.line_start(end - 1):
            # `}` shares the last member's line: the new members on their own lines, `}` below
            if data[last.span.end:end - 1].strip():
                raise WriteError("a comma or comment before a `}` on the last member's line: not rewritten")
            return [self.edit(last.span.end, end - 1, "," + nl + lines + nl + base)]
        at = self.rest_of_line(last.span.end)
        comma = self.comma_after(last.span.end)
        if at is None or (comma is not None and comma >= at):
            raise WriteError("text after the object's last member on its line: not rewritten")
        found = [self.edit(at, at, lines + nl)]
        if comma is None:
            found.insert(0, self.edit(last.span.end, last.span.end, ","))
        return found

    # --- remove --------------------------------------------------------------------------------

    def remove(self, body: Value, parts: list[str]) -> list[Edit]:
        obj, _, target, element = self.walk(body, parts)
        if target is None:
            return []
        if element or target.key_span is None:
            raise WriteError(f"`{'.'.join(parts)}` is an element of an array: set the whole array")
        members = list(obj.raw.values())
        i = next(n for n, m in enumerate(members) if m is target)
        if len(members) == 1:
            return [self.edit(obj.span.start + 1, obj.span.end - 1, "")]
        key, value_end = target.key_span.start, target.span.end
        last = i == len(members) - 1
        comma = self.comma_after(value_end)
        if not self.one_line(obj) and self.starts_line(key):
            after = self.rest_of_line(value_end)
            if after is not None and (comma is None or comma < after):
                found = [self.edit(self.index.line_start(key), after, "")]
                if last and comma is None:  # the member before becomes the last: its comma goes
                    before = self.comma_after(members[i - 1].span.end)
                    if before is not None and before < self.index.line_start(key):  # not comma-first
                        found.insert(0, self.edit(before, before + 1, ""))
                return found
        if not last and comma is not None:
            return [self.edit(key, self.skip_blanks(comma + 1), "")]
        return [self.edit(members[i - 1].span.end, value_end, "")]

    # --- placeholders --------------------------------------------------------------------------

    def parameter_edits(self) -> list[Edit]:
        if not self.placeholders:
            return []
        if self.nested:
            raise WriteError("the resource is in a nested deployment's template: its parameter belongs there,"
                             " add it by hand")
        top: dict[str, Value] = self.root.raw
        section = top.get("parameters")
        if section is not None and not isinstance(section.raw, dict):
            raise WriteError('the template\'s "parameters" is not an object')
        written = {name.lower() for name in section.raw} if section is not None else set()
        declared = {name.lower() for name in self.declared}
        items = [(name, {"type": "array" if placeholder.lower().endswith(_LIST_SUFFIXES) else "string",
                         "metadata": {"description": self.describe(placeholder)}})
                 for name, placeholder in self.placeholders
                 if name.lower() not in written and name.lower() not in declared]
        if not items:
            return []
        if section is not None:
            return self.insert(section, items)
        following = [v for k, v in top.items()
                     if k in _SECTIONS_AFTER_PARAMETERS and self.starts_line(v.key_span.start)]
        if not following or self.one_line(self.root):
            return self.insert(self.root, [("parameters", dict(items))])
        anchor = min(following, key=lambda v: v.key_span.start).key_span.start
        indent = self.index.indent(anchor)
        text = self.member("parameters", dict(items), indent, False, self.colon(self.root))
        return [self.edit(anchor, anchor, text + "," + self.nl + indent)]

    @staticmethod
    def describe(placeholder: str) -> str:
        from parsers.terraform.write import describe  # the same wording as Terraform's variables

        return describe(placeholder)
