"""Terraform native syntax (`*.tf`) -> ParsedFile, on tree-sitter-hcl.

What comes out (the JSON front end, tfjson.py, gives the same shapes):

- `resource` and `data` blocks -> `Resource`s, for every type (kind "" when the kinds table does
  not know it). Address "aws_x.name" / "data.aws_x.name"; a data source's kind is looked up as
  "data.<type>" so that checks on a managed kind never run on a data source.
- Every other top-level block -> `ParsedFile.blocks[block_type][key]`, a Resource-like record
  (kind "", native_type = the block type): `module`/`variable`/`output`/`check` keyed by name;
  `provider` by "aws" or "aws.<alias>"; `terraform`, `moved`, `import`, `removed` by "";
  `locals`: ONE RECORD PER LOCAL, keyed by the local's name, address "local.<name>", whose span
  is the `name = value` line and whose only attribute is "value". A repeated key (two
  `terraform {}` blocks) is kept as "key#2", "key#3"...
- Attributes: native name -> Value(raw, span of the value expression, key_span of the name).
  Literals become Python values (strings unescaped; heredocs without interpolation, `<<-`
  indentation removed). Anything needing evaluation is Unknown(exact source text, reason):
  "variable" / "local" / "data" / "module" / "resource" for references, "expression" for the
  rest (functions, operators, conditionals, `for`, splats, templates that are not a lone
  `"${ref}"`, `each.` / `count.` / `self.` / `path.` / `terraform.`). A lone `"${ref}"` has the
  reason of `ref`.
- Meta-arguments naming references (`provider`, `depends_on`, module `providers`,
  `lifecycle { ignore_changes, replace_triggered_by }`, and `from` / `to` in `moved`, `import`,
  `removed`) keep the reference text as a plain string ("aws.west", ["aws_iam_role.r"]), as
  Terraform JSON writes them.
- Object keys: identifiers and literal strings as themselves; a key that is an expression
  (`(var.k) = 1`, `"${var.k}" = 1`) is keyed by its source text ("(var.k)").
- Nested blocks: attrs[name] is ALWAYS a list of Values, one per block in source order, each a
  dict of attributes (span = the block, key_span = its name). A labeled nested block
  (`provisioner "local-exec" {}`, `backend "s3" {}`) nests its labels as one-key dicts:
  attrs["provisioner"] = [Value({"local-exec": Value({...})})], so the native path is
  "provisioner.local-exec.command".
- `dynamic "foo"`: attrs["foo"] = Value(Unknown(source of the dynamic block, "dynamic")) when
  there is no static `foo` block. With static `foo` blocks too, attrs["foo"] is the list of all of
  them in source order, each dynamic one an Unknown element (so `lookup` sees the first block,
  and reports Unknown when a dynamic one comes first).
- Insertions: Resource.insertions[""] for the body and ["a"], ["a.b"] for the first instance of
  every nested block (labels are path parts too: "backend.s3"): offset = start of the line after
  the body's last attribute (after the `{` line when it has none), indent copied from an
  attribute/block line of that body (else the block's indentation + two spaces). A block written
  on one line (`foo { a = 1 }`, or whose last attribute shares the line of the closing `}`) has
  NO insertion: the writer must reformat it.
- Syntax errors: one ParseIssue per ERROR/MISSING node (at most 10 per file) at the unexpected
  token, or at the `{` never closed. Top-level blocks that parsed are kept; a block containing an
  error is dropped (its attributes would be partial, so absent ones would look like defaults).
  When tree-sitter's recovery swallows later blocks, the broken region is re-parsed piece by
  piece, cut at lines that start a top-level block, so the blocks after the error still come out.
- tree-sitter-hcl 1.2.0 rejects numbers with an exponent and no fraction (`1e3`, valid HCL): such
  files are re-parsed with those literals masked (same length), and the literal read as a number.
"""
from __future__ import annotations

import re
from typing import Any

from analyzer.model import Insertion, ParsedFile, ParseIssue, Resource, Span, Unknown, Value
from analyzer.text import LineIndex, span
from parsers.terraform.common import (
    ADDRESS_ARGS, FRAMEWORK, LIFECYCLE_REFERENCE_ARGS, MAX_DEPTH, MAX_ISSUES, REFERENCE_NAME_ARGS, add_record,
    merge_blocks, record_key, reference_reason, resource_identity, read_guarded, syntax_issues,
    ts_parse_range, ts_parser, unescape_template_literal, value,
)

_NO_ARGS: frozenset[str] = frozenset()


def parse(path: str, data: bytes) -> ParsedFile:
    """Parse one `.tf` file. Never raises; `path` is the repo-relative POSIX path for Spans."""
    return read_guarded(_Reader, path, data)


# A line that starts a top-level block: where a broken region is cut to re-parse what follows.
_LABEL = rb'(?:"[^"\n]*"|[A-Za-z_][\w-]*)'
_HEADER = re.compile(
    rb"^(?:(?:resource|data|ephemeral)[ \t]+" + _LABEL + rb"[ \t]+" + _LABEL
    + rb"|(?:module|variable|output|provider|check)[ \t]+" + _LABEL
    + rb"|locals|terraform|moved|import|removed)[ \t]*\{",
    re.M,
)
# `1e3`: not a fraction, so tree-sitter-hcl 1.2.0 fails on it (not after a name, `.` or `x-`).
_EXPONENT = re.compile(rb"(?<![\w.])(?<!\w-)\d+[eE][+-]?\d+(?![\w.])")
_QUOTED_ESCAPE = re.compile(r'\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))|\$\$\{|%%\{', re.S)
_SIMPLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


class _Block:
    """The parts of a `block` node."""

    __slots__ = ("node", "ident", "labels", "start", "body", "end")

    def __init__(self, node: Any) -> None:
        self.node = node
        self.ident = self.start = self.body = self.end = None
        self.labels: list[Any] = []
        for child in node.children:
            kind = child.type
            if kind == "identifier" and self.ident is None:
                self.ident = child
            elif kind in ("string_lit", "identifier"):
                self.labels.append(child)
            elif kind == "block_start":
                self.start = child
            elif kind == "body":
                self.body = child
            elif kind == "block_end":
                self.end = child


class _Reader:
    def __init__(self, path: str, data: bytes) -> None:
        self.path = path
        self.data = data
        self.index = LineIndex(data)
        self.trees: list[Any] = []  # keep re-parsed trees alive while their nodes are in use

    # --- small helpers -------------------------------------------------------------------------

    def span(self, node: Any) -> Span:
        return span(self.path, self.index, node.start_byte, node.end_byte)

    def text(self, node: Any) -> str:
        return self.data[node.start_byte:node.end_byte].decode("utf-8", errors="replace")

    def label(self, node: Any) -> str:
        return self.string_lit(node) if node.type == "string_lit" else self.text(node)

    def string_lit(self, node: Any) -> str:
        start, end = node.start_byte + 1, node.end_byte - 1  # inside the quotes
        if end <= start:
            return ""
        return unescape_quoted(self.data[start:end].decode("utf-8", errors="replace"))

    # --- file ----------------------------------------------------------------------------------

    def read(self) -> ParsedFile:
        tree = ts_parser("hcl").parse(self.data)
        self.trees.append(tree)
        issues: list[ParseIssue] = []
        if tree.root_node.has_error:
            blocks, issues = self.recover(tree)
        else:
            blocks = [n for n in _top_items(tree.root_node) if n.type == "block"]
        resources: list[Resource] = []
        records: dict[str, dict[str, Resource]] = {}
        for node in blocks:
            self.top_block(node, resources, records)
        return ParsedFile(self.path, FRAMEWORK, tuple(resources), tuple(issues), records)

    def recover(self, tree: Any) -> tuple[list[Any], list[ParseIssue]]:
        """Blocks that parsed, and issues, from a tree with errors (see the module docstring)."""
        source = self.data
        if _EXPONENT.search(source):
            source = _EXPONENT.sub(lambda m: b"N" + m.group(0)[1:].replace(b"+", b"_"), source)
            tree = ts_parser("hcl").parse(source)
            self.trees.append(tree)
            if not tree.root_node.has_error:
                return [n for n in _top_items(tree.root_node) if n.type == "block"], []
        good: list[Any] = []
        broken: list[list[int]] = []  # [start, end) regions of top-level items with errors
        for item in _top_items(tree.root_node):
            if item.has_error or item.is_missing:
                if broken and broken[-1][1] >= item.start_byte - 1:
                    broken[-1][1] = max(broken[-1][1], item.end_byte)
                else:
                    broken.append([item.start_byte, item.end_byte])
            elif item.type == "block":
                good.append(item)
        issues: list[ParseIssue] = []
        for start, end in broken:
            cuts = sorted({start, end, *(m.start() for m in _HEADER.finditer(source, start, end))})
            for a, b in zip(cuts, cuts[1:]):
                piece = ts_parse_range("hcl", source, self.index, a, b)
                self.trees.append(piece)
                for item in _top_items(piece.root_node):
                    if item.has_error or item.is_missing:
                        found = syntax_issues(item, self.data, self.index, self.path)
                        issues.extend(found or [ParseIssue(
                            span(self.path, self.index, item.start_byte, item.start_byte), "invalid syntax")])
                    elif item.type == "block":
                        good.append(item)
        good.sort(key=lambda n: n.start_byte)
        issues.sort(key=lambda i: i.span.start)
        return good, issues[:MAX_ISSUES]

    # --- blocks --------------------------------------------------------------------------------

    def top_block(self, node: Any, resources: list[Resource], records: dict[str, dict[str, Resource]]) -> None:
        block = _Block(node)
        if block.ident is None:
            return
        block_type = self.text(block.ident)
        labels = [self.label(n) for n in block.labels]
        if block_type == "locals":
            self.locals(block, records)
            return
        identity = resource_identity(block_type, labels)
        ref_args = (REFERENCE_NAME_ARGS if block_type in ("resource", "data", "module")
                    else ADDRESS_ARGS if block_type in ("moved", "import", "removed") else _NO_ARGS)
        insertions: dict[str, Insertion] = {}
        attrs = self.body(block, "", insertions, 0, ref_args)
        header = (span(self.path, self.index, node.start_byte, block.start.end_byte)
                  if block.start is not None else None)
        if block_type == "variable" and "type" in attrs:
            # a type constraint (`string`, `list(object({...}))`) is not evaluated: keep its text,
            # as Terraform JSON writes it ("type": "list(string)")
            written = attrs["type"]
            attrs["type"] = Value(self.data[written.span.start:written.span.end].decode("utf-8", "replace"),
                                  written.span, "explicit", written.key_span)
        if identity:
            kind, native_type, address = identity
            resources.append(Resource(kind, native_type, FRAMEWORK, address, self.span(node), attrs,
                                      insertions, {}, header))
        else:
            key, address = record_key(block_type, labels, attrs)
            add_record(records, block_type, key, Resource("", block_type, FRAMEWORK, address, self.span(node),
                                                          attrs, insertions, {}, header))

    def locals(self, block: _Block, records: dict[str, dict[str, Resource]]) -> None:
        for child in block.body.children if block.body is not None else ():
            if child.type != "attribute":
                continue
            attrs: dict[str, Value] = {}
            self.attribute(child, attrs, _NO_ARGS)
            if not attrs:
                continue
            (name, val), = attrs.items()
            add_record(records, "locals", name, Resource("", "locals", FRAMEWORK, f"local.{name}",
                                                         self.span(child), {"value": val}))

    def body(self, block: _Block, path: str, insertions: dict[str, Insertion] | None, depth: int,
             ref_args: frozenset[str]) -> dict[str, Value]:
        """A block's attributes and nested blocks; fills `insertions` for it and its first nested
        blocks (None: this is not the first instance, lookups never reach it)."""
        attrs: dict[str, Value] = {}
        groups: dict[str, list[Value]] = {}
        static: set[str] = set()
        order: list[str] = []
        last_attr = first_child = None
        for child in block.body.children if block.body is not None else ():
            kind = child.type
            if kind == "attribute":
                order.append(self.attribute(child, attrs, ref_args))
                last_attr = child
            elif kind == "block":
                order.append(self.nested(child, path, insertions, depth, groups, static))
            else:
                continue
            if first_child is None:
                first_child = child
        if insertions is not None:
            where = self.insertion(block, last_attr, first_child)
            if where is not None:
                insertions[path] = where
        return merge_blocks(attrs, groups, static, order)

    def nested(self, node: Any, path: str, insertions: dict[str, Insertion] | None, depth: int,
               groups: dict[str, list[Value]], static: set[str]) -> str:
        """Add a nested block to `groups`; returns its name ("" when it has none)."""
        block = _Block(node)
        if block.ident is None:
            return ""
        name = self.text(block.ident)
        if name == "dynamic" and block.labels:
            label = block.labels[0]
            name = self.label(label)
            groups.setdefault(name, []).append(
                Value(Unknown(self.text(node), "dynamic"), self.span(node), "unresolved", self.span(label)))
            return name
        if depth >= MAX_DEPTH:
            element = value(Unknown(self.text(node), "expression"), self.span(node), self.span(block.ident))
        else:
            labels = [self.label(n) for n in block.labels]
            sub_path = ".".join(p for p in (path, name, *labels) if p)
            first = insertions is not None and name not in groups
            ref_args = LIFECYCLE_REFERENCE_ARGS if name == "lifecycle" and depth == 0 else _NO_ARGS
            raw: Any = self.body(block, sub_path, insertions if first else None, depth + 1, ref_args)
            for label_node, label in zip(reversed(block.labels), reversed(labels)):
                raw = {label: Value(raw, self.span(node), "explicit", self.span(label_node))}
            element = Value(raw, self.span(node), "explicit", self.span(block.ident))
        groups.setdefault(name, []).append(element)
        static.add(name)
        return name

    def insertion(self, block: _Block, last_attr: Any, first_child: Any) -> Insertion | None:
        if block.start is None or block.end is None or block.end.start_byte <= block.start.end_byte:
            return None
        anchor = last_attr.end_byte if last_attr is not None else block.start.end_byte
        newline = self.data.find(b"\n", anchor, block.end.start_byte)
        if newline < 0:
            return None  # one-line block: no line to insert on without reformatting
        for child in (last_attr, first_child):
            if child is not None and self.starts_line(child.start_byte):
                return Insertion(newline + 1, self.index.indent(child.start_byte))
        return Insertion(newline + 1, self.index.indent(block.node.start_byte) + "  ")

    def starts_line(self, offset: int) -> bool:
        return self.index.line_start(offset) + len(self.index.indent(offset)) == offset

    # --- attributes and expressions --------------------------------------------------------------

    def attribute(self, node: Any, attrs: dict[str, Value], ref_args: frozenset[str]) -> str:
        """Add an attribute to `attrs`; returns its name ("" when it has none)."""
        ident = node.children[0]
        expr = next((c for c in reversed(node.children) if c.type == "expression"), None)
        if expr is None or ident.type != "identifier":
            return ""
        name = self.text(ident)
        if name not in attrs:  # redefined: invalid in Terraform; the first one stays
            attrs[name] = value(self.expr(expr, 0, name in ref_args), self.span(expr), self.span(ident))
        return name

    def expr(self, node: Any, depth: int, as_names: bool = False) -> Any:
        """An `expression` node -> Python value or Unknown (as_names: references as their text)."""
        kids = [c for c in node.children if c.type != "comment"]
        if not kids or depth > MAX_DEPTH:
            return Unknown(self.text(node), "expression")
        head = kids[0]
        kind = head.type
        if len(kids) == 1:
            if kind == "literal_value":
                return self.literal(head)
            if kind == "collection_value":
                return self.collection(head.children[0], depth, as_names)
            if kind == "template_expr":
                return self.template(head.children[0], depth)
            if kind == "variable_expr":
                text = self.text(head)
                if text[:1].isdigit():  # an exponent literal masked by recover()
                    return _number(text)
                return text if as_names else Unknown(text, "expression")
            if kind == "operation":
                negative = self.negative_number(head)
                if negative is not None:
                    return negative
            return Unknown(self.text(node), "expression")
        if kind == "variable_expr":
            text = self.text(node)
            if as_names:
                return text
            if any(k.type == "splat" for k in kids):
                return Unknown(text, "expression")
            return Unknown(text, reference_reason(self.text(head), kids[1].type == "get_attr"))
        if kind == "(" and len(kids) == 3 and kids[1].type == "expression":
            inner = self.expr(kids[1], depth + 1, as_names)
            return Unknown(self.text(node), inner.reason) if isinstance(inner, Unknown) else inner
        return Unknown(self.text(node), "expression")

    def literal(self, node: Any) -> Any:
        lit = node.children[0]
        kind = lit.type
        if kind == "string_lit":
            return self.string_lit(lit)
        if kind == "numeric_lit":
            return _number(self.text(lit))
        if kind == "bool_lit":
            return self.data[lit.start_byte:lit.end_byte] == b"true"
        if kind == "null_lit":
            return None
        return Unknown(self.text(node), "expression")

    def negative_number(self, node: Any) -> Any:
        unary = node.children[0]
        if unary.type != "unary_operation" or unary.child_count != 2 or unary.children[0].type != "-":
            return None
        operand = unary.children[1]
        numeric = operand.type == "literal_value" and operand.children[0].type == "numeric_lit"
        masked = operand.type == "variable_expr" and self.data[operand.start_byte:operand.start_byte + 1].isdigit()
        if not (numeric or masked):
            return None
        number = _number(self.text(operand))
        return None if isinstance(number, Unknown) else -number

    def collection(self, node: Any, depth: int, as_names: bool) -> Any:
        if node.type == "tuple":
            return [value(self.expr(c, depth + 1, as_names), self.span(c))
                    for c in node.children if c.type == "expression"]
        result: dict[str, Value] = {}
        for elem in node.children:
            if elem.type != "object_elem":
                continue
            parts = [c for c in elem.children if c.type == "expression"]
            if len(parts) != 2:
                continue
            key_node, val_node = parts
            key = self.object_key(key_node)
            if key not in result:
                result[key] = value(self.expr(val_node, depth + 1, as_names), self.span(val_node),
                                    self.span(key_node))
        return result

    def object_key(self, node: Any) -> str:
        kids = [c for c in node.children if c.type != "comment"]
        if len(kids) == 1:
            head = kids[0]
            if head.type == "variable_expr":
                return self.text(head)
            if head.type == "literal_value" and head.children[0].type == "string_lit":
                return self.string_lit(head.children[0])
            if head.type == "template_expr":
                raw = self.template(head.children[0], 0)
                if isinstance(raw, str):
                    return raw
        return self.text(node)  # an expression key, e.g. "(var.k)": its source text

    def template(self, node: Any, depth: int) -> Any:
        """A quoted_template or heredoc_template node."""
        if node.type == "quoted_template":
            parts = [c for c in node.children
                     if c.type not in ("quoted_template_start", "quoted_template_end", "comment")]
            if all(p.type == "template_literal" for p in parts):
                return self.string_lit(node)
            if len(parts) == 1 and parts[0].type == "template_interpolation":
                # a lone "${x}" is x itself in HCL (not converted to a string)
                inner = next((c for c in parts[0].children if c.type == "expression"), None)
                if inner is not None:
                    raw = self.expr(inner, depth + 1)
                    return Unknown(self.text(node), raw.reason) if isinstance(raw, Unknown) else raw
            return Unknown(self.text(node), "expression")
        idents = [c for c in node.children if c.type == "heredoc_identifier"]
        dynamic = any(c.type in ("template_interpolation", "template_directive") for c in node.children)
        if dynamic or len(idents) < 2:
            return Unknown(self.text(node), "expression")
        start = self.index.next_line_start(idents[0].end_byte)
        end = self.index.line_start(idents[-1].start_byte)
        text = self.data[start:end].decode("utf-8", errors="replace") if end > start else ""
        if self.data[node.start_byte:node.start_byte + 3] == b"<<-":
            text = _dedent(text)
        return unescape_template_literal(text)  # heredocs have no backslash escapes


def _top_items(root: Any) -> list[Any]:
    """The top-level items of a tree: blocks, attributes, comments, ERROR nodes."""
    if root.type != "config_file":
        return [root]
    items: list[Any] = []
    for child in root.children:
        if child.type == "body":
            items.extend(child.children)
        else:
            items.append(child)
    return items


def _number(text: str) -> Any:
    try:
        return int(text) if text.isdigit() else float(text)
    except ValueError:  # e.g. more digits than int() accepts
        return Unknown(text, "expression")


def unescape_quoted(text: str) -> str:
    """A quoted HCL string's content -> its value: \\n \\r \\t \\" \\\\ \\uNNNN \\UNNNNNNNN,
    `$${` -> `${`, `%%{` -> `%{`. Unknown escapes stay as written."""
    if "\\" not in text and "{" not in text:
        return text
    return _QUOTED_ESCAPE.sub(_unescape_one, text)


def _unescape_one(m: re.Match[str]) -> str:
    whole = m.group(0)
    if whole == "$${":
        return "${"
    if whole == "%%{":
        return "%{"
    hex_digits = m.group(1) or m.group(2)
    if hex_digits:
        code = int(hex_digits, 16)
        return chr(code) if code < 0x110000 and not 0xD800 <= code <= 0xDFFF else "\ufffd"
    return _SIMPLE_ESCAPES.get(m.group(3), whole)


def _dedent(text: str) -> str:
    """`<<-` heredoc: remove the smallest indentation of its non-blank lines (blank lines stay)."""
    lines = text.split("\n")
    widths = [len(line) - len(line.lstrip()) for line in lines if line.strip()]
    cut = min(widths, default=0)
    if not cut:
        return text
    return "\n".join(line[cut:] if line.strip() else line for line in lines)
