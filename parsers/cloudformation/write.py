"""CloudFormation writer for autofix: one `NativeSet` / `NativeRemove` on one resource -> the
smallest byte edits of the ORIGINAL template that make it, in YAML or JSON. The rest of the file
stays byte-identical (comments, quoting, line endings, a missing final newline).

Interface (as parsers/terraform/write.py):

    edits(parsed, data, resource, change, *, declared_variables=frozenset()) -> tuple[Edit, ...]
    declared_variables(folder) -> frozenset()   # CloudFormation has no variables file

Paths are native dotted paths below `Properties`, read as `analyzer.model.lookup` reads them (a
number indexes a list, any other part on a list means its first element). Values are native
data: str | bool | int | float | None | list | dict | `analyzer.check.Placeholder`.

YAML choices (tests/parsers/test_cfn_write.py shows each as exact text):
- An existing scalar: only the value is replaced. A string keeps the old value's quoting style
  when it can (`'x'`, `"x"`); plain when the old one was plain and the new text reads back as
  the same string, else single-quoted (double-quoted, JSON escapes, when it has line breaks or
  control characters). Numbers, booleans (`true`/`false`) and null are plain.
- A missing property goes on a new line after the mapping's last entry, at the column of its
  keys. Missing parents are created nested (`VpcConfig:` then its child, one indentation unit
  deeper: the file's smallest indentation, 2 when nothing is indented), `Properties:` itself
  included when the resource has none. A null mapping (`Properties:` with nothing after it) is
  filled. In a flow mapping (`{A: 1}`) the entry is added inside it: `{A: 1, B: 2}`.
- New values: mappings in block style in block context, lists of scalars in flow style
  (`[a, b]`), lists of mappings in block style (`- Key: v`); everything in flow style inside a
  flow collection.
- Remove deletes the entry's line(s) (its trailing comment goes with it; comments on other lines
  stay). Removing the only entry of a mapping leaves `{}` (CloudFormation rejects a null
  `Properties`). In a flow mapping, the entry and one comma go.

JSON: existing values are replaced by `json.dumps` (one line); a new member goes after the last
member (`,<newline><indent>"Key": value` in a multi-line object, with the members' indentation;
`, "Key": value` in a one-line object), nested objects rendered with the file's indentation
unit. Remove deletes the member and one comma (its whole line in a multi-line object).

Placeholders: `Placeholder("kms_key_arn")` is written as a reference to a template parameter:
`!Ref KmsKeyArn` (YAML) / {"Ref": "KmsKeyArn"} (JSON); the name is made PascalCase because
CloudFormation parameter names are alphanumeric. Unless `Parameters` already has it (or it is in
`declared_variables`), the parameter is added in the same fix: `Type: String` (or
`CommaDelimitedList` for names ending in ids / arns / names) and a Description; into the existing
`Parameters` section (after its last entry), else as a new `Parameters:` section right before
`Resources:` (JSON: a "Parameters" member at the end of the template object).

A name a resource, condition, mapping or output already has gets the suffix `Parameter`
(`GuardrailVersionParameter`): template names share one namespace.

`WriteError` is raised, and no edit returned, when the change cannot be written safely: a file
with syntax errors; a path through an intrinsic function (`!If`, `Ref`,
`Fn::GetAtt`...: its value is only known at deployment); a path through a YAML anchor or an alias
(an edit would change other places); a path through a scalar; a list index past the end or an
empty list; a flow `Parameters` section; a value that cannot be written (NaN, a set, a non-str
key); a layout we do not rewrite (an entry that shares its line with another).
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any

from analyzer.check import Placeholder
from analyzer.fix import Edit, NativeRemove, NativeSet, WriteError
from analyzer.model import ParsedFile, Resource
from analyzer.text import LineIndex
from parsers.cloudformation.reader import MAP, SCALAR, SEQ, Node, plain, read

__all__ = ["declared_variables", "edits"]

_LIST_SUFFIXES = ("ids", "arns", "names")


def declared_variables(folder: str) -> frozenset[str]:
    """Part of the writer interface. A template's parameters are in the template itself."""
    return frozenset()


def parameter_name(name: str) -> str:
    """A CloudFormation parameter name (alphanumeric) from a placeholder name: kms_key_arn ->
    KmsKeyArn; a name without underscores keeps its spelling (KmsKeyArn stays)."""
    words = [w for w in re.split(r"[^A-Za-z0-9]+", name) if w]
    if not words:
        raise WriteError(f"not a parameter name: {name!r}")
    if len(words) == 1:
        return words[0][0].upper() + words[0][1:]
    return "".join(w[0].upper() + w[1:].lower() for w in words)


def edits(parsed: ParsedFile, data: bytes, resource: Resource, change: NativeSet | NativeRemove,
          *, declared_variables: frozenset[str] = frozenset()) -> tuple[Edit, ...]:
    """The edits of `data` (the original bytes of `parsed`) that make `change` on `resource`.

    () when there is nothing to do. Raises WriteError when the change cannot be written safely
    (see the module docstring)."""
    parts = change.path.split(".")
    if not all(parts):
        raise WriteError(f"not a property path: {change.path!r}")
    if parsed.issues:
        raise WriteError("the template has syntax errors: fix them first")
    document = read(data)
    if document.issues or document.root is None or document.root.kind != MAP:
        raise WriteError("the template could not be read")
    declared = set(declared_variables) | set(parsed.blocks.get("Parameters", {}))
    writer = _Writer(parsed.path, data, document.root, document.syntax == "json", declared)
    writer.taken = {r.address for r in parsed.resources} | {
        name for section in ("Conditions", "Mappings", "Outputs") for name in parsed.blocks.get(section, {})}
    body = writer.resource_body(resource.address)
    if isinstance(change, NativeSet):
        found = writer.set(body, ["Properties", *parts], change.value)
    elif isinstance(change, NativeRemove):
        found = writer.remove(body, ["Properties", *parts])
    else:
        raise TypeError(f"not a change: {change!r}")
    if not found:
        return ()
    return (*found, *writer.parameter_edits())


@dataclass
class _Spot:
    container: Node  # the deepest existing mapping on the path (or a null where one belongs)
    container_key: Node | None  # its key (None for a list element or the resource body)
    missing: list[str]  # the parts below `container` that do not exist
    key: Node | None = None  # the target's key, when it exists (None for a list element)
    target: Node | None = None
    parent: Node | None = None  # the collection holding the target


_INTRINSIC_KEYS = ("Ref", "Condition")


def _intrinsic(node: Node) -> str:
    """The function name when `node` is an intrinsic function call, else ""."""
    if node.kind != MAP or len(node.value) != 1:
        return ""
    (key,) = node.value
    if isinstance(key, str) and (key in _INTRINSIC_KEYS or key.startswith("Fn::")):
        return node.tag or key
    return ""


# YAML 1.1 plain scalars that read as something other than a string, and text a plain scalar
# cannot hold: such strings are quoted.
_PLAIN_SAFE = re.compile(r"[A-Za-z0-9_/$(][A-Za-z0-9_./@$(){}*+=,;~^ :-]*\Z")
_SPECIAL_WORDS = re.compile(r"(?i:y|n|yes|no|true|false|on|off|null|~)\Z")
_NUMBERISH = re.compile(r"[-+]?(?:[0-9][0-9_]*(?::[0-5]?[0-9])*(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?|0x[0-9a-fA-F_]+|"
                        r"0b[01_]+|\.(?:inf|nan|Inf|NaN|INF|NAN)|\.[0-9_]+(?:[eE][-+]?[0-9]+)?)\Z")
_DATEISH = re.compile(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}")
_KEY_SAFE = re.compile(r"[A-Za-z_][A-Za-z0-9_.:-]*\Z")


def _plain_ok(text: str) -> bool:
    return bool(text and _PLAIN_SAFE.match(text) and not text.endswith((" ", ":")) and ": " not in text
                and " #" not in text and not _SPECIAL_WORDS.match(text) and not _NUMBERISH.match(text)
                and not _DATEISH.match(text))


def _double(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _single_ok(text: str) -> bool:
    return not any(ord(c) < 0x20 or c in "\x7f\x85\u2028\u2029" for c in text)


def yaml_string(text: str, style: str = "plain") -> str:
    """A YAML scalar whose value is the string `text`, in `style` when it can hold it."""
    if style == '"':
        return _double(text)
    if style == "plain" and _plain_ok(text):
        return text
    return "'" + text.replace("'", "''") + "'" if _single_ok(text) else _double(text)


def yaml_key(key: Any) -> str:
    if not isinstance(key, str):
        raise WriteError("mapping keys must be strings")
    return key if _KEY_SAFE.match(key) and not _SPECIAL_WORDS.match(key) else yaml_string(key, "'")


class _Writer:
    def __init__(self, path: str, data: bytes, root: Node, is_json: bool, declared: set[str]) -> None:
        self.path = path
        self.data = data
        self.root = root
        self.json = is_json
        self.declared = declared
        # logical ids a new parameter must not take (CloudFormation: E3007)
        self.taken: set[str] = set()
        self.index = LineIndex(data)
        first = data.find(b"\n")
        self.nl = "\r\n" if first > 0 and data[first - 1:first] == b"\r" else "\n"
        pattern = rb'^( +)"' if is_json else rb"^( +)[^ \r\n#]"
        widths = [len(m.group(1)) for m in re.finditer(pattern, data[:200_000], re.M)]
        self.unit = " " * min(widths) if widths else "  "
        self.placeholders: list[str] = []

    def edit(self, start: int, end: int, content: str) -> Edit:
        return Edit(self.path, start, end, content)

    # --- finding the path ----------------------------------------------------------------------

    def resource_body(self, address: str) -> Node:
        resources = self.root.value.get("Resources")
        if resources is None or resources[1].kind != MAP or address not in resources[1].value:
            raise WriteError(f"resource {address!r} not found in the template")
        body = resources[1].value[address][1]
        if body.kind != MAP or body.shared:
            raise WriteError(f"resource {address!r} is not a plain mapping")
        return body

    def walk(self, body: Node, parts: list[str]) -> _Spot:
        node, key = body, None
        for i, part in enumerate(parts):
            where = ".".join(parts[1:i + 1]) or "Properties"
            if node.shared:
                raise WriteError(f"`{'.'.join(parts[1:i]) or 'Properties'}` comes from a YAML anchor or alias:"
                                 " editing it would change other places")
            if node.kind == SEQ and node.style != "tag":
                if part.isdigit():
                    number = int(part)
                    if number >= len(node.value):
                        raise WriteError(f"`{'.'.join(parts[1:i])}` has no element {number}")
                    if i == len(parts) - 1:
                        return _Spot(node, key, [], None, node.value[number], node)
                    node, key = node.value[number], None
                    continue
                if not node.value:
                    raise WriteError(f"`{'.'.join(parts[1:i])}` is an empty list")
                node, key = node.value[0], None
                if node.shared:
                    raise WriteError(f"`{where}` comes from a YAML anchor or alias")
            function = _intrinsic(node)
            if function:
                raise WriteError(f"`{'.'.join(parts[1:i]) or 'Properties'}` is an intrinsic function"
                                 f" ({function}): its value is only known at deployment")
            if node.kind == SCALAR and node.value is None and key is not None:
                return _Spot(node, key, parts[i:])
            if node.kind != MAP:
                raise WriteError(f"`{'.'.join(parts[1:i]) or 'Properties'}` is a value, not a mapping")
            if part not in node.value:
                return _Spot(node, key, parts[i:])
            if i == len(parts) - 1:
                found_key, found = node.value[part]
                return _Spot(node, key, [], found_key, found, node)
            key, node = node.value[part]
        raise AssertionError("unreachable")

    # --- rendering -----------------------------------------------------------------------------

    def native(self, value: Any) -> Any:
        """`value` as template data (placeholders as Ref), checked for what can be written."""
        if isinstance(value, Placeholder):
            name = parameter_name(value.name)
            if name in self.taken:
                name += "Parameter"  # a resource (or condition, mapping, output) has that name
            if name not in self.placeholders:
                self.placeholders.append(name)
            return {"Ref": name}
        if isinstance(value, float) and not math.isfinite(value):
            raise WriteError(f"{value} cannot be written in a template")
        if value is None or isinstance(value, (str, bool, int, float)):
            return value
        if isinstance(value, (list, tuple)):
            return [self.native(v) for v in value]
        if isinstance(value, dict):
            if not all(isinstance(k, str) for k in value):
                raise WriteError("mapping keys must be strings")
            return {k: self.native(v) for k, v in value.items()}
        raise WriteError(f"cannot write a {type(value).__name__} value")

    def scalar(self, value: Any, style: str = "plain") -> str:
        if isinstance(value, str):
            return yaml_string(value, style)
        if isinstance(value, bool):
            return "true" if value else "false"
        if value is None:
            return "null"
        return repr(value)

    def flow(self, value: Any) -> str:
        """A value on one line, valid in YAML flow and block context."""
        if isinstance(value, dict):
            ref = _ref_name(value)
            if ref:
                return f"!Ref {ref}"
            return "{" + ", ".join(f"{yaml_key(k)}: {self.flow(v)}" for k, v in value.items()) + "}"
        if isinstance(value, list):
            return "[" + ", ".join(self.flow(v) for v in value) + "]"
        return self.scalar(value)

    def block_value(self, value: Any, indent: str) -> str:
        """What follows `Key:` for a value in block context: " scalar" or nested lines at `indent`."""
        if isinstance(value, dict) and value and not _ref_name(value):
            return "".join(self.nl + line for line in self.block_entries(value, indent))
        if isinstance(value, list) and any(isinstance(v, dict) and not _ref_name(v) for v in value):
            lines = []
            for item in value:
                if isinstance(item, dict) and item and not _ref_name(item):
                    entries = self.block_entries(item, indent + "  ")
                    lines.append(indent + "- " + entries[0][len(indent) + 2:])
                    lines.extend(entries[1:])
                else:
                    lines.append(f"{indent}- {self.flow(item)}")
            return "".join(self.nl + line for line in lines)
        return " " + self.flow(value)

    def block_entries(self, value: dict, indent: str) -> list[str]:
        lines = []
        for k, v in value.items():
            text = f"{indent}{yaml_key(k)}:" + self.block_value(v, indent + self.unit)
            lines.extend(text.split(self.nl))
        return lines

    def json_value(self, value: Any, indent: str, one_line: bool) -> str:
        if one_line:
            return json.dumps(value, ensure_ascii=False)
        text = json.dumps(value, ensure_ascii=False, indent=len(self.unit) or None)
        return text.replace("\n", self.nl + indent)

    # --- lines ---------------------------------------------------------------------------------

    def column(self, node: Node) -> str:
        """Spaces up to a node's column (for a key after `- `, the column of the key)."""
        start = self.index.line_start(node.start)
        prefix = self.data[start:node.start]
        if not prefix.isascii() or prefix.strip(b" -"):
            raise WriteError("an entry that shares its line with another: not rewritten")
        return " " * len(prefix)

    def after_line(self, node: Node) -> int:
        """The start of the line after the one `node` ends on."""
        return self.index.next_line_start(max(node.end - 1, node.start))

    def colon_after(self, key: Node) -> int:
        colon = self.data.find(b":", key.end)
        if colon < 0:
            raise WriteError("cannot find the key's colon")
        return colon + 1

    def written_pairs(self, node: Node) -> list[tuple[Node, Node]]:
        return [p for p in node.value.values() if node.start <= p[0].start <= max(node.end, node.start)]

    def lines_entry_at_end(self, mapping: Node, text_lines: str) -> Edit:
        """Insert `text_lines` (each ending with a newline) after a block mapping's last entry."""
        pairs = self.written_pairs(mapping)
        last = max(pairs, key=lambda p: p[1].end)
        offset = self.after_line(last[1])
        if offset == len(self.data) and not self.data.endswith(b"\n"):
            text_lines = self.nl + text_lines
        return self.edit(offset, offset, text_lines)

    # --- set -----------------------------------------------------------------------------------

    def set(self, body: Node, parts: list[str], value: Any) -> list[Edit]:
        spot = self.walk(body, parts)
        value = self.native(value)
        if spot.target is not None:
            return self.replace(spot, parts, value)
        if any(part.isdigit() for part in spot.missing):
            raise WriteError("cannot create a list element by index")
        nested = _wrap(spot.missing[1:], value)
        container = spot.container
        if self.json:
            return [self.json_insert(container, spot.missing[0], nested)]
        if container.kind == SCALAR:  # a null where a mapping belongs: fill it
            key = spot.container_key
            indent = self.column(key) + self.unit
            colon = self.colon_after(key)
            text = self.block_value({spot.missing[0]: nested}, indent)
            return [self.edit(colon, max(container.end, colon), text)]
        if container.style == "flow":
            entry = f"{yaml_key(spot.missing[0])}: {self.flow(nested)}"
            pairs = self.written_pairs(container)
            if not pairs:
                return [self.edit(container.start, container.end, "{" + entry + "}")]
            last = max(pairs, key=lambda p: p[1].end)[1]
            return [self.edit(last.end, last.end, ", " + entry)]
        pairs = self.written_pairs(container)
        if not pairs:
            raise WriteError("an empty mapping that is not written in the template")
        indent = self.column(max(pairs, key=lambda p: p[1].end)[0])
        lines = self.block_entries({spot.missing[0]: nested}, indent)
        return [self.lines_entry_at_end(container, "".join(line + self.nl for line in lines))]

    def replace(self, spot: _Spot, parts: list[str], value: Any) -> list[Edit]:
        target = spot.target
        if _same(plain(target), value) and not _intrinsic(target):
            return []
        if target.shared:
            raise WriteError(f"`{'.'.join(parts[1:])}` comes from a YAML anchor or alias")
        function = _intrinsic(target)
        if function and not (isinstance(value, dict) and _ref_name(value)):
            raise WriteError(f"`{'.'.join(parts[1:])}` is an intrinsic function ({function}): set it by hand")
        if self.json:
            return [self.edit(target.start, target.end, json.dumps(value, ensure_ascii=False))]
        in_flow = spot.parent is not None and spot.parent.style == "flow"
        if target.kind == SCALAR and isinstance(value, str) and target.style in ("'", '"', "plain"):
            text = self.scalar(value, target.style)
        elif in_flow or spot.key is None or not isinstance(value, (dict, list)) or not value or _ref_name(value):
            text = self.flow(value)
        else:
            colon = self.colon_after(spot.key)
            indent = self.column(spot.key) + self.unit
            return [self.edit(colon, target.end, self.block_value(value, indent))]
        start = target.outer if target.style == "tag" else target.start
        if spot.key is not None and target.kind != SCALAR and not in_flow:
            start = self.colon_after(spot.key)  # a block collection starts on a later line
            text = " " + text
        return [self.edit(start, target.end, text)]

    # --- remove --------------------------------------------------------------------------------

    def remove(self, body: Node, parts: list[str]) -> list[Edit]:
        spot = self.walk(body, parts)
        if spot.target is None:
            return []
        if spot.key is None:
            raise WriteError(f"`{'.'.join(parts[1:])}` is an element of a list: set the whole list")
        mapping = spot.parent
        pairs = sorted(self.written_pairs(mapping), key=lambda p: p[0].start)
        i = next(n for n, p in enumerate(pairs) if p[0] is spot.key)
        if self.json or mapping.style == "flow":
            if len(pairs) == 1:
                return [self.edit(mapping.start + 1, mapping.end - 1, "")]
            if self.json and b"\n" in self.data[mapping.start:mapping.end]:
                # the member's whole line(s), and the comma before it (or after it, for the first)
                if i > 0:
                    return [self.edit(pairs[i - 1][1].end, pairs[i][1].end, "")]
                start = self.index.line_start(pairs[0][0].start)
                return [self.edit(start, self.index.line_start(pairs[1][0].start), "")]
            if i > 0:
                return [self.edit(pairs[i - 1][1].end, pairs[i][1].end, "")]
            return [self.edit(pairs[0][0].start, pairs[1][0].start, "")]
        if len(pairs) == 1:
            if spot.container_key is None:
                raise WriteError(f"`{'.'.join(parts[1:])}` is the only entry of a list element")
            colon = self.colon_after(spot.container_key)
            return [self.edit(colon, mapping.end, " {}")]
        key, value = spot.key, spot.target
        line_start = self.index.line_start(key.start)
        prefix = self.data[line_start:key.start]
        end = self.after_line(value)
        if prefix.strip(b" "):  # `- Key: v` (the first key of a list item): the next key moves up
            if i + 1 >= len(pairs):
                raise WriteError("an entry that shares its line with another: not rewritten")
            return [self.edit(key.start, pairs[i + 1][0].start, "")]
        return [self.edit(line_start, end, "")]

    # --- JSON members --------------------------------------------------------------------------

    def json_insert(self, obj: Node, key: str, value: Any) -> Edit:
        if obj.kind != MAP:
            if obj.kind == SCALAR and obj.value is None:
                return self.edit(obj.start, obj.end, json.dumps({key: value}, ensure_ascii=False))
            raise WriteError("not a JSON object")
        pairs = sorted(obj.value.values(), key=lambda p: p[0].start)
        name = json.dumps(key, ensure_ascii=False)
        if not pairs:
            return self.edit(obj.start, obj.end, "{" + name + ": " + json.dumps(value, ensure_ascii=False) + "}")
        last = pairs[-1][1]
        if b"\n" not in self.data[obj.start:obj.end]:
            return self.edit(last.end, last.end, f", {name}: " + json.dumps(value, ensure_ascii=False))
        key_node = pairs[-1][0]
        line_start = self.index.line_start(key_node.start)
        if self.data[line_start:key_node.start].strip():
            indent = self.index.indent(obj.start) + self.unit
        else:
            indent = self.index.indent(key_node.start)
        return self.edit(last.end, last.end, "," + self.nl + indent + name + ": " + self.json_value(value, indent, False))

    # --- placeholders --------------------------------------------------------------------------

    def parameter_edits(self) -> list[Edit]:
        names = [n for n in self.placeholders if n not in self.declared]
        if not names:
            return []
        entries = {name: {"Type": _parameter_type(name), "Description": _describe(name)} for name in names}
        section = self.root.value.get("Parameters")
        if self.json:
            if section is not None:
                return [self.json_insert(section[1], name, entries[name]) for name in names]
            return [self.json_insert(self.root, "Parameters", entries)]
        if section is not None:
            key, params = section
            if params.kind == SCALAR and params.value is None:
                colon = self.colon_after(key)
                return [self.edit(colon, max(params.end, colon), self.block_value(entries, self.column(key) + self.unit))]
            if params.kind != MAP or params.style != "block" or params.shared or not self.written_pairs(params):
                raise WriteError("the Parameters section is not a block mapping: add the parameter by hand")
            indent = self.column(max(self.written_pairs(params), key=lambda p: p[1].end)[0])
            lines = self.block_entries(entries, indent)
            return [self.lines_entry_at_end(params, "".join(line + self.nl for line in lines))]
        resources_key = self.root.value["Resources"][0]
        at = self.index.line_start(resources_key.start)
        if at != resources_key.start:
            raise WriteError("`Resources:` does not start its line")
        lines = self.block_entries({"Parameters": entries}, "")
        return [self.edit(at, at, "".join(line + self.nl for line in lines) + self.nl)]


def _ref_name(value: Any) -> str:
    if isinstance(value, dict) and len(value) == 1 and isinstance(value.get("Ref"), str):
        return value["Ref"]
    return ""


def _wrap(parts: list[str], value: Any) -> Any:
    for part in reversed(parts):
        value = {part: value}
    return value


def _same(old: Any, new: Any) -> bool:
    """Is the written value `old` already `new`? Types must match: 1 is not True, "1" is not 1."""
    if isinstance(new, dict):
        return isinstance(old, dict) and old.keys() == new.keys() and all(_same(old[k], new[k]) for k in new)
    if isinstance(new, list):
        return isinstance(old, list) and len(old) == len(new) and all(map(_same, old, new))
    return type(old) is type(new) and old == new


def _parameter_type(name: str) -> str:
    return "CommaDelimitedList" if name.lower().endswith(_LIST_SUFFIXES) else "String"


def _describe(name: str) -> str:
    words = re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z0-9]+", name)
    from parsers.terraform.write import describe

    return describe("_".join(w.lower() for w in words) or name)
