"""Terraform JSON syntax (`*.tf.json`, and CDK for Terraform's `cdk.tf.json`) -> ParsedFile, on
tree-sitter-json, into the same shapes as hcl.py (see its docstring); the differences:

- Blocks may be written as objects or arrays of objects at any label level
  (`"resource": [{...}]`, `"aws_x": {"n": [{...}]}`, `"provider": {"aws": [{...}, {...}]}`).
  A resource's span is its `"name": {...}` member (or the object, in the array forms); its header
  runs from there to the body's `{`.
- key_span is the JSON key string (quotes included), span the JSON value.
- Strings are HCL templates: "${var.x}" -> Unknown("var.x", "variable") (the lone interpolation's
  expression, as the HCL front end gives for `var.x`), "x-${var.a}" -> Unknown('"x-${var.a}"',
  "expression") (written as an HCL quoted template); `$${` / `%%{` unescape to `${` / `%{`.
  Unknown.expr is therefore always HCL expression text, from either syntax. Strings in
  `variable` blocks (default, type, description) are literal, as Terraform reads them.
- Whether an object is a nested block or a map attribute depends on the provider schema, which we
  do not have. In resource, data, provider, terraform and check bodies an object is read as a
  nested block: attrs[name] = [Value(dict)], so native paths such as
  "instance_metadata_service_configuration.minimum_instance_metadata_service_version" resolve the
  same way in both syntaxes; an array of objects is a list of blocks. Exceptions, read as plain
  values (dict): `tags` and `tags_all`, everything in `locals`, module arguments, a variable's
  `default` and an output's `value`. Other map attributes (e.g. a container's `environment`) come
  out list-wrapped: `lookup("environment.KEY")` still works, `Value.plain()` differs from HCL's.
- `"//"` members are comments and skipped; CDK for Terraform's `"//": {"metadata": {"path": ...}}`
  inside a block gives Resource.meta["construct_path"] (e.g. "dev/bucket").
- Syntax errors: one ParseIssue per ERROR/MISSING node (at most 10), as in HCL. Blocks that
  parsed are kept, and a block with an error inside is dropped. tree-sitter-json's recovery can
  attach the members after an error to the wrong object, so with errors a block is kept only
  where the file's own brackets, and in an indented file its indentation, put it: a broken file
  never invents a resource.
- Insertions as in HCL (offset = start of the line after the last member, indentation of the
  members; none for an object written on one line). A new member also needs a comma after the
  current last one: Resource.meta["insert_comma_at"][path] is the end byte of that last member
  (absent for an empty object, which needs no comma).
"""
from __future__ import annotations

import json
import re
from bisect import bisect_left
from typing import Any

from analyzer.model import Insertion, ParsedFile, ParseIssue, Resource, Span, Unknown, Value
from analyzer.text import LineIndex, span
from parsers.terraform.common import (
    FRAMEWORK, LABELS, MAX_DEPTH, add_record, merge_blocks, record_key,
    resource_identity, read_guarded, syntax_issues, template_value, ts_parser, value,
)

MAP_ATTRIBUTES = frozenset({"tags", "tags_all"})
_INTEGER = re.compile(r"-?\d+\Z")


def parse(path: str, data: bytes) -> ParsedFile:
    """Parse one `.tf.json` file. Never raises; `path` is the repo-relative POSIX path for Spans."""
    return read_guarded(_Reader, path, data)


_JSON_TOKEN = re.compile(rb'"(?:[^"\\\n]|\\.)*"?|[{}\[\]]')


def _brackets(data: bytes) -> tuple[dict[int, int], list[int]]:
    """What a plain JSON lexer sees: the offset of every `{` and `[` outside strings -> how many
    brackets are open before it, and the offsets of all brackets, openers and closers."""
    depths: dict[int, int] = {}
    offsets: list[int] = []
    depth = 0
    for m in _JSON_TOKEN.finditer(data):
        token = m.group()
        if token in (b"{", b"["):
            depths[m.start()] = depth
            depth += 1
        elif token in (b"}", b"]"):
            depth = max(0, depth - 1)
        else:
            continue
        offsets.append(m.start())
    return depths, offsets


def _nesting(node: Any) -> int:
    """How many objects and arrays enclose a node in the tree."""
    depth, parent = 0, node.parent
    while parent is not None:
        depth += parent.type in ("object", "array")
        parent = parent.parent
    return depth


def _indent_unit(data: bytes) -> int:
    """Spaces per level of an indented JSON file (the smallest indentation of a member line)."""
    widths = {len(m.group(1)) for m in re.finditer(rb'^( +)"', data[:200_000], re.M)}
    return min(widths) if widths else 0


def members(obj: Any) -> list[tuple[Any, Any]]:
    """(key node, value node) of an object's members, in source order."""
    result = []
    for child in obj.children:
        if child.type == "pair":
            key, val = child.child_by_field_name("key"), child.child_by_field_name("value")
            if key is not None and val is not None:
                result.append((key, val))
    return result


def elements(array: Any) -> list[Any]:
    return [c for c in array.named_children if c.type != "comment"]


class _Reader:
    def __init__(self, path: str, data: bytes) -> None:
        self.path = path
        self.data = data
        self.index = LineIndex(data)
        self.blanked: list[tuple[int, int]] = []  # ERROR nodes blanked out by recover()
        self.depths: dict[int, int] | None = None  # offset of each `{` / `[` -> its nesting depth
        self.unit = 0  # spaces per nesting level, when the file is indented with spaces

    def span(self, node: Any) -> Span:
        return span(self.path, self.index, node.start_byte, node.end_byte)

    def text(self, node: Any) -> str:
        return self.data[node.start_byte:node.end_byte].decode("utf-8", errors="replace")

    def string(self, node: Any) -> str:
        raw = self.text(node)
        try:
            result = json.loads(raw)
        except ValueError:
            return raw[1:-1]
        return result if isinstance(result, str) else raw[1:-1]

    # --- file ----------------------------------------------------------------------------------

    def read(self) -> ParsedFile:
        tree = ts_parser("json").parse(self.data)
        root = tree.root_node
        issues: list[ParseIssue] = []
        if root.has_error:
            issues = syntax_issues(root, self.data, self.index, self.path)
            tree = self.recover(root)
            root = tree.root_node
        resources: list[Resource] = []
        records: dict[str, dict[str, Resource]] = {}
        top = next((c for c in root.named_children if c.type == "object"), None)
        if top is not None:
            for key, val in members(top):
                block_type = self.string(key)
                if block_type == "//":
                    continue
                if block_type == "locals":
                    self.locals(val, records)
                    continue
                found: list[tuple[list[str], Any, Any]] = []
                self.labeled(val, LABELS.get(block_type, 0), [], None, found, 0)
                for labels, body, holder in found:
                    self.block(block_type, labels, body, holder, resources, records)
        return ParsedFile(self.path, FRAMEWORK, tuple(resources), tuple(issues), records)

    def recover(self, root: Any) -> Any:
        """A tree to read blocks from when the file has syntax errors.

        tree-sitter-json's recovery can attach the members that follow an error to the wrong
        object (a `}` eaten by the error), which would invent resources. So the ERROR nodes are
        blanked out, except for their brackets, and the file parsed again; `trusted` then drops
        any block that touches a blanked range or whose nesting differs from what the brackets
        of the text say."""
        self.depths, brackets = _brackets(self.data)
        self.unit = _indent_unit(self.data)
        masked = bytearray(self.data)
        stack = [root]
        while stack:
            node = stack.pop()
            if node.is_error:
                start, end = node.start_byte, node.end_byte
                masked[start:end] = re.sub(rb"[^\n]", b" ", self.data[start:end])
                for at in brackets[bisect_left(brackets, start):bisect_left(brackets, end)]:
                    masked[at] = self.data[at]  # brackets stay: they hold the structure together
                self.blanked.append((start, end))
            elif node.has_error:
                stack.extend(node.children)
        return ts_parser("json").parse(bytes(masked))

    def trusted(self, node: Any, holder: Any = None) -> bool:
        """Is this block body (or value) where the file puts it? Always when the file has no
        error. Otherwise its nesting must be what the text's brackets say and, in an indented
        file, what the indentation of its `holder` (its member, or itself as an array element)
        says: a deleted `}` is only visible there."""
        if node.has_error:
            return False
        if self.depths is None:
            return True
        if any(start < node.end_byte and node.start_byte < end for start, end in self.blanked):
            return False
        container = node
        while container is not None and container.type not in ("object", "array"):
            container = container.parent
        if container is None or self.depths.get(container.start_byte) != _nesting(container):
            return False
        if holder is not None and self.unit:
            start = holder.start_byte
            indent = self.index.indent(start)
            first_on_line = self.index.line_start(start) + len(indent) == start
            if first_on_line and "\t" not in indent and len(indent) != _nesting(holder) * self.unit:
                return False
        return True

    def labeled(self, node: Any, wanted: int, labels: list[str], holder: Any,
                found: list[tuple[list[str], Any, Any]], depth: int) -> None:
        """Collect (labels, body object, node to span) of the blocks under a top-level key. A
        block with a syntax error inside is skipped; its neighbours are not."""
        if depth > MAX_DEPTH:
            return
        if node.type == "array":
            for element in elements(node):
                self.labeled(element, wanted, labels, element, found, depth + 1)
        elif node.type == "object":
            if wanted == 0:
                if self.trusted(node, holder):
                    found.append((labels, node, holder if holder is not None else node))
                return
            for key, val in members(node):
                label = self.string(key)
                if label != "//":
                    self.labeled(val, wanted - 1, [*labels, label], key.parent, found, depth + 1)

    def locals(self, node: Any, records: dict[str, dict[str, Resource]]) -> None:
        objects = elements(node) if node.type == "array" else [node]
        for obj in objects:
            if obj.type != "object":
                continue
            for key, val in members(obj):
                name = self.string(key)
                if name == "//" or not self.trusted(val, key.parent):
                    continue
                local = value(self.value(val, 0, False), self.span(val), self.span(key))
                add_record(records, "locals", name, Resource("", "locals", FRAMEWORK, f"local.{name}",
                                                             self.span(key.parent), {"value": local}))

    def block(self, block_type: str, labels: list[str], body: Any, holder: Any,
              resources: list[Resource], records: dict[str, dict[str, Resource]]) -> None:
        insertions: dict[str, Insertion] = {}
        commas: dict[str, int] = {}
        meta: dict[str, Any] = {}
        attrs = self.body(body, block_type, "", insertions, commas, meta, 0)
        if commas:
            meta["insert_comma_at"] = commas
        where = self.span(holder)
        header = span(self.path, self.index, holder.start_byte, body.start_byte + 1)
        identity = resource_identity(block_type, labels)
        if identity:
            kind, native_type, address = identity
            resources.append(Resource(kind, native_type, FRAMEWORK, address, where, attrs, insertions, meta, header))
        else:
            key, address = record_key(block_type, labels, attrs)
            add_record(records, block_type, key,
                       Resource("", block_type, FRAMEWORK, address, where, attrs, insertions, meta, header))

    # --- bodies and values ---------------------------------------------------------------------

    def body(self, obj: Any, block_type: str, path: str, insertions: dict[str, Insertion] | None,
             commas: dict[str, int], meta: dict[str, Any], depth: int) -> dict[str, Value]:
        attrs: dict[str, Value] = {}
        groups: dict[str, list[Value]] = {}
        static: set[str] = set()
        order: list[str] = []
        pairs = members(obj)
        for key_node, val in pairs:
            key = self.string(key_node)
            if key == "//":
                if depth == 0:
                    self.comment(val, meta)
                continue
            if key in attrs or val.has_error:
                continue
            order.append(key)
            if key == "dynamic" and self.block_mode(block_type, depth, key):
                for holder in self.nested_objects(val) or ():
                    for label_node, _ in members(holder):
                        order.append(self.string(label_node))
                        groups.setdefault(order[-1], []).append(
                            Value(Unknown(self.text(label_node.parent), "dynamic"), self.span(label_node.parent),
                                  "unresolved", self.span(label_node)))
                continue
            blocks = self.nested_objects(val) if self.block_mode(block_type, depth, key) else None
            if blocks and depth < MAX_DEPTH:
                sub_path = f"{path}.{key}" if path else key
                first = insertions is not None and key not in groups
                for i, block in enumerate(blocks):
                    raw = self.body(block, block_type, sub_path, insertions if first and i == 0 else None,
                                    commas, meta, depth + 1)
                    groups.setdefault(key, []).append(Value(raw, self.span(block), "explicit", self.span(key_node)))
                static.add(key)
                continue
            literal = block_type == "variable" and depth == 0
            attrs[key] = value(self.value(val, depth, literal), self.span(val), self.span(key_node))
        if insertions is not None:
            where = self.insertion(obj, pairs)
            if where is not None:
                insertions[path] = where
                if pairs:
                    commas[path] = pairs[-1][0].parent.end_byte
        return merge_blocks(attrs, groups, static, [name for name in order if name != "dynamic"])

    @staticmethod
    def block_mode(block_type: str, depth: int, key: str) -> bool:
        """Is an object under `key` a nested block (True) or a value (False)? See the docstring."""
        if key in MAP_ATTRIBUTES or block_type == "module":
            return False
        if depth == 0 and (block_type, key) in (("variable", "default"), ("output", "value")):
            return False
        return True

    def nested_objects(self, node: Any) -> list[Any] | None:
        """The block bodies of a member value: an object, or a non-empty array of objects."""
        if node.type == "object":
            return [node]
        if node.type == "array":
            items = elements(node)
            if items and all(item.type == "object" for item in items):
                return items
        return None

    def comment(self, node: Any, meta: dict[str, Any]) -> None:
        """CDK for Terraform metadata: {"metadata": {"path": "stack/construct", ...}}."""
        if node.type != "object":
            return
        try:
            note = json.loads(self.text(node))
        except ValueError:
            return
        metadata = note.get("metadata") if isinstance(note, dict) else None
        if isinstance(metadata, dict) and isinstance(metadata.get("path"), str):
            meta["construct_path"] = metadata["path"]
            if isinstance(metadata.get("uniqueId"), str):
                meta["construct_id"] = metadata["uniqueId"]

    def value(self, node: Any, depth: int, literal: bool) -> Any:
        kind = node.type
        if kind == "string":
            text = self.string(node)
            return text if literal else template_value(text)
        if kind == "number":
            text = self.text(node)
            try:
                return int(text) if _INTEGER.match(text) else float(text)
            except ValueError:
                return Unknown(text, "expression")
        if kind == "true":
            return True
        if kind == "false":
            return False
        if kind == "null":
            return None
        if depth > MAX_DEPTH:
            return Unknown(self.text(node), "expression")
        if kind == "object":
            result: dict[str, Value] = {}
            for key_node, val in members(node):
                key = self.string(key_node)
                if key != "//" and key not in result:
                    result[key] = value(self.value(val, depth + 1, literal), self.span(val), self.span(key_node))
            return result
        if kind == "array":
            return [value(self.value(item, depth + 1, literal), self.span(item)) for item in elements(node)]
        return Unknown(self.text(node), "expression")

    def insertion(self, obj: Any, pairs: list[tuple[Any, Any]]) -> Insertion | None:
        opener, closer = obj.children[0], obj.children[-1]
        if opener.type != "{" or closer.type != "}" or closer.is_missing:
            return None
        anchor = pairs[-1][0].parent.end_byte if pairs else opener.end_byte
        newline = self.data.find(b"\n", anchor, closer.start_byte)
        if newline < 0:
            return None  # one-line object: the writer must reformat it
        for key, _ in (pairs[-1], pairs[0]) if pairs else ():
            start = key.start_byte
            if self.index.line_start(start) + len(self.index.indent(start)) == start:
                return Insertion(newline + 1, self.index.indent(start))
        return Insertion(newline + 1, self.index.indent(obj.start_byte) + "  ")
