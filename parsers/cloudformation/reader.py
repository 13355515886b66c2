"""A safe CloudFormation template reader: YAML or JSON bytes -> a tree of positioned `Node`s.

YAML goes through PyYAML's composer (libyaml's CSafeLoader when available, else the pure-Python
SafeLoader), which only builds nodes; this module then turns nodes into data itself, so nothing
but plain data is ever constructed:

- Scalars resolve as YAML 1.1 does in PyYAML's SafeLoader, and as cfn-lint reads them (`yes` is
  True, `0755` is 493, `1e3` is the string "1e3"), except timestamps: `2010-09-09` stays the
  string it is written as (CloudFormation reads it so; cfn-lint gives a `datetime.date`).
  `!!binary`, `!!set`, `!!omap`, `!!pairs` and any other tag are ParseIssues.
- Short-form intrinsics become their long form as cfn-lint's decoder makes them: `!Ref x` ->
  {"Ref": "x"}, `!Condition c` -> {"Condition": "c"}, `!Sub ...` -> {"Fn::Sub": ...} (a scalar
  operand is always a string, `!Ref 1` -> {"Ref": "1"}), `!GetAtt A.B` -> {"Fn::GetAtt": ["A",
  "B"]} (split at the first dot; the list form is kept). Only the tags in `SHORT_FORMS` are
  accepted: an unknown tag is a ParseIssue (cfn-lint would invent {"Fn::Foo": ...}).
- Anchors, aliases and merge keys (`<<: *base`) are resolved as in cfn-lint. Their expansion is
  bounded before anything is built: more than MAX_NODES nodes once aliases are expanded, more
  than MAX_ALIASES alias uses, a recursive alias, or nesting deeper than MAX_DEPTH is a ParseIssue
  (an "alias bomb" costs milliseconds). Nodes reached through an alias, or anchored and aliased,
  are `shared`: editing them would change several places, so the writer refuses.
- Duplicate keys: cfn-lint (and CloudFormation) reject them. We report a ParseIssue at each
  repeated key ("duplicate key ..."), and keep the LAST value (as PyYAML and json.loads do), so
  the rest of the template is still read. Keys repeated through a merge key are not duplicates.
- Keys are usually strings; a scalar key of another type keeps its YAML value (int 123, as
  cfn-lint); a null, mapping or sequence key is a ParseIssue.
- One document only (a `---` second document is a ParseIssue, as in cfn-lint); an empty file
  reads as no root (None).

JSON (text whose first character, after a byte order mark and whitespace, is `{`, and which
`json.loads` accepts) is read with tree-sitter-json for positions; NaN / Infinity are not JSON
here. A `{...}` text that is not strict JSON is read as YAML (a YAML flow mapping), as cfn-lint
does; when neither reads it, the JSON error is reported.

Positions are byte offsets into the original bytes (PyYAML counts characters: converted here).
A node's `start` is where its content starts (after an anchor `&a` and a tag `!Ref`), `outer`
where the node starts with them; `end` is where its content ends: a block scalar's trailing line
breaks and a block collection's trailing comments are not part of it.

Never raises on any input: every problem is an issue (start byte, end byte, message).
"""
from __future__ import annotations

import json
import re
from bisect import bisect_left
from dataclasses import dataclass, field
from typing import Any

MAX_NODES = 100_000  # nodes once aliases are expanded
MAX_ALIASES = 10_000  # alias uses, counted as expanded
MAX_DEPTH = 100  # nesting of mappings and sequences (real templates stay under 20)

MAP, SEQ, SCALAR = "map", "seq", "scalar"

# Short-form tag -> long-form key, as CloudFormation (and cfn-lint) expand them. The rule
# functions (Contains, EachMemberEquals...) are used in a template's `Rules` section.
SHORT_FORMS = {
    "!Ref": "Ref", "!Condition": "Condition",
    **{f"!{name}": f"Fn::{name}" for name in (
        "Sub", "GetAtt", "If", "Join", "Select", "FindInMap", "Equals", "Not", "And", "Or",
        "Base64", "Split", "ImportValue", "GetAZs", "Cidr", "Transform", "Length", "ToJsonString",
        "Contains", "EachMemberEquals", "EachMemberIn", "RefAll", "ValueOf", "ValueOfAll",
    )},
}

_YAML_TAG = "tag:yaml.org,2002:"


class Node:
    """One value of the template and where it is written.

    kind: MAP (value: dict key -> (key Node, value Node), in source order, last duplicate kept),
    SEQ (value: list of Node) or SCALAR (value: str | int | float | bool | None).
    style: for scalars "plain", "'", '"', "|", ">" or "json"; for collections "block", "flow",
    "json", or "tag" for the one-key mapping made from a short-form tag (its key Node spans the
    tag, e.g. `!Ref`; `tag` holds it).
    """

    __slots__ = ("kind", "value", "start", "end", "outer", "style", "tag", "shared")

    def __init__(self, kind: str, value: Any, start: int, end: int, outer: int, style: str,
                 tag: str = "", shared: bool = False) -> None:
        self.kind = kind
        self.value = value
        self.start = start
        self.end = end
        self.outer = outer
        self.style = style
        self.tag = tag
        self.shared = shared

    def __repr__(self) -> str:
        return f"Node({self.kind}, {self.value!r}, {self.start}-{self.end}, {self.style})"


@dataclass
class Document:
    root: Node | None
    issues: list[tuple[int, int, str]] = field(default_factory=list)  # (start byte, end byte, message)
    syntax: str = "yaml"  # "yaml" | "json"


def plain(node: Node | None) -> Any:
    """A node as plain Python data (what cfn-lint's decoder gives, without marks)."""
    if node is None:
        return None
    if node.kind == MAP:
        return {key: plain(value) for key, (_, value) in node.value.items()}
    if node.kind == SEQ:
        return [plain(item) for item in node.value]
    return node.value


def read(data: bytes) -> Document:
    """Read a template's bytes. Never raises."""
    try:
        return _read(data)
    except Exception as exc:  # our bug: say so, keep the scan going
        return Document(None, [(0, 0, f"aiposture could not read this file (internal error: "
                                      f"{type(exc).__name__}: {exc})")])


def _read(data: bytes) -> Document:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        return Document(None, [(error.start, error.start + 1, "the file is not UTF-8 text")])
    base = 0
    if text.startswith("\ufeff"):  # libyaml skips a BOM in its offsets, PyYAML does not
        text, base = text[1:], 3
    offsets = _Offsets(text, base)
    if text.lstrip(" \t\r\n")[:1] == "{":
        document = _read_json(data, text, offsets)
        if document is not None:
            return document
        json_issue = _json_error(text, offsets)
        document = _Yaml(text, data, offsets).read()
        if document.issues and json_issue is not None:
            return Document(None, [json_issue], "json")
        return document
    return _Yaml(text, data, offsets).read()


class _Offsets:
    """Character index (of the text without its BOM) -> byte offset in the file."""

    def __init__(self, text: str, base: int) -> None:
        self.base = base
        self.size = len(text)
        self.chars: list[int] = []  # indexes of non-ASCII characters
        self.extra: list[int] = []  # bytes beyond one, up to and including that character
        if not text.isascii():
            total = 0
            for m in re.finditer(r"[^\x00-\x7f]", text):
                total += len(m.group().encode("utf-8")) - 1
                self.chars.append(m.start())
                self.extra.append(total)

    def __call__(self, index: int) -> int:
        if not self.chars:
            return self.base + index
        index = min(max(index, 0), self.size)
        k = bisect_left(self.chars, index)
        return self.base + index + (self.extra[k - 1] if k else 0)


class _Bad(Exception):
    def __init__(self, start: int, end: int, message: str) -> None:
        super().__init__(message)
        self.where = (start, end, message)


# --- YAML ------------------------------------------------------------------------------------------


def _loader_class() -> Any:
    import yaml

    return getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader


_INT = re.compile(r"[-+]?[0-9_]+\Z")


class _Yaml:
    def __init__(self, text: str, data: bytes, offsets: _Offsets) -> None:
        self.text = text
        self.data = data
        self.at = offsets
        self.issues: list[tuple[int, int, str]] = []
        self.shared_ids: set[int] = set()
        self.constructor: Any = None
        import yaml

        self.yaml = yaml

    def read(self) -> Document:
        import yaml

        loader = _loader_class()(self.text)
        try:
            root = loader.get_single_node()
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            where = self.at(mark.index) if mark is not None else 0
            problem = error.problem or error.context or "invalid YAML"
            if error.context and error.problem and error.context_mark is not None:
                problem = f"{problem} ({error.context})"
            return Document(None, [(where, where, problem)])
        except (yaml.YAMLError, RecursionError, ValueError) as error:
            return Document(None, [(0, 0, f"invalid YAML: {error}")])
        finally:
            loader.dispose()
        if root is None:
            return Document(None)
        from yaml.constructor import SafeConstructor

        self.constructor = SafeConstructor()
        try:
            if "&" in self.text:  # no anchor, no alias: nothing to bound
                self.check_graph(root)
            node = self.node(root, 0, False)
        except _Bad as bad:
            return Document(None, [bad.where])
        return Document(node, self.issues)

    # --- bounds ------------------------------------------------------------------------------------

    def check_graph(self, root: Any) -> None:
        """Bound alias expansion before building anything; note the nodes reached twice."""
        sizes: dict[int, int] = {}
        active: set[int] = set()
        aliases = 0

        def size(node: Any, depth: int) -> int:
            nonlocal aliases
            key = id(node)
            if key in active:
                raise _Bad(*self.span_of(node), "a recursive YAML alias")
            if key in sizes:
                self.shared_ids.add(key)
                aliases += 1
                if aliases > MAX_ALIASES:
                    raise _Bad(*self.span_of(node), f"more than {MAX_ALIASES} YAML alias uses")
                return sizes[key]
            if depth > MAX_DEPTH:
                raise _Bad(*self.span_of(node), f"nested more than {MAX_DEPTH} levels deep")
            total = 1
            if isinstance(node.value, list):
                active.add(key)
                for child in node.value:
                    if isinstance(child, tuple):
                        total += size(child[0], depth + 1) + size(child[1], depth + 1)
                    else:
                        total += size(child, depth + 1)
                    if total > MAX_NODES:
                        raise _Bad(*self.span_of(node), f"more than {MAX_NODES} values once YAML aliases"
                                   " are expanded (an alias bomb?)")
                active.discard(key)
            sizes[key] = total
            return total

        size(root, 0)

    def span_of(self, node: Any) -> tuple[int, int]:
        return self.at(node.start_mark.index), self.at(node.end_mark.index)

    # --- nodes -------------------------------------------------------------------------------------

    def content_start(self, outer: int, end: int) -> int:
        """Skip a node's properties (`&anchor`, `!tag`) and the spaces after them."""
        data, i = self.data, outer
        while i < end and data[i:i + 1] in (b"&", b"!"):
            while i < end and data[i:i + 1] not in (b" ", b"\t", b"\r", b"\n"):
                i += 1
            while i < end and data[i:i + 1] in (b" ", b"\t", b"\r", b"\n"):
                i += 1
        return i

    def node(self, node: Any, depth: int, shared: bool) -> Node:
        yaml = self.yaml
        if depth > MAX_DEPTH:
            raise _Bad(*self.span_of(node), f"nested more than {MAX_DEPTH} levels deep")
        shared = shared or id(node) in self.shared_ids
        outer, end = self.span_of(node)
        start = self.content_start(outer, end) if self.data[outer:outer + 1] in (b"&", b"!") else outer
        tag = node.tag or ""
        if tag.startswith("!") and not tag.startswith("!!"):
            return self.short_form(node, tag, outer, start, end, depth, shared)
        if isinstance(node, yaml.ScalarNode):
            return Node(SCALAR, self.scalar(node, start, end), start, self.scalar_end(node, start, end),
                        outer, node.style or "plain", "", shared)
        if isinstance(node, yaml.SequenceNode):
            if tag != _YAML_TAG + "seq":
                raise _Bad(outer, end, f"unsupported YAML tag {_tag_name(tag)}")
            items = [self.node(child, depth + 1, shared) for child in node.value]
            style = "flow" if node.flow_style else "block"
            if style == "block" and items:
                end = items[-1].end
            return Node(SEQ, items, start, end, outer, style, "", shared)
        if tag != _YAML_TAG + "map":
            raise _Bad(outer, end, f"unsupported YAML tag {_tag_name(tag)}")
        value = self.mapping(node, depth, shared)
        style = "flow" if node.flow_style else "block"
        if style == "block" and value:
            end = max(pair[1].end for pair in value.values())
        return Node(MAP, value, start, end, outer, style, "", shared)

    def scalar_end(self, node: Any, start: int, end: int) -> int:
        if node.style in ("|", ">"):  # the trailing line breaks are not the value's text
            while end > start + 1 and self.data[end - 1:end] in (b"\n", b"\r", b" ", b"\t"):
                end -= 1
        return end

    def scalar(self, node: Any, start: int, end: int) -> Any:
        tag = node.tag
        if tag == _YAML_TAG + "str" or tag == _YAML_TAG + "timestamp":
            return node.value
        c = self.constructor
        try:
            if tag == _YAML_TAG + "null":
                return None
            if tag == _YAML_TAG + "bool":
                return c.construct_yaml_bool(node)
            if tag == _YAML_TAG + "int":
                return c.construct_yaml_int(node)
            if tag == _YAML_TAG + "float":
                return c.construct_yaml_float(node)
        except (ValueError, ArithmeticError) as error:
            raise _Bad(start, end, f"invalid {tag[len(_YAML_TAG):]}: {error}") from None
        raise _Bad(start, end, f"unsupported YAML tag {_tag_name(tag)}")

    def mapping(self, node: Any, depth: int, shared: bool) -> dict[Any, tuple[Node, Node]]:
        pairs, merged = self.flatten(node, depth, shared)
        result: dict[Any, tuple[Node, Node]] = {}
        for key_node, value_node, from_merge in pairs:
            key = self.key(key_node, depth, shared or from_merge)
            if key.value in result and not merged:
                first = result[key.value][0]
                line = self.data.count(b"\n", 0, first.start) + 1
                self.issues.append((key.start, key.end, f"duplicate key {key.value!r} (also on line {line}):"
                                    " CloudFormation rejects it; the last one is read"))
            result[key.value] = (key, self.node(value_node, depth + 1, shared or from_merge))
        return result

    def flatten(self, node: Any, depth: int, shared: bool) -> tuple[list[tuple[Any, Any, bool]], bool]:
        """A mapping's (key, value, came-from-a-merge) pairs with merge keys resolved as the YAML
        merge key specification says: merged pairs first (the first of several merged mappings
        wins), then its own. (PyYAML 6.0.2+ dedups merged keys by the identity of the key
        string, so whether a later mapping wins depends on string interning: not followed.)"""
        yaml = self.yaml
        own: list[tuple[Any, Any, bool]] = []
        merged: list[tuple[Any, Any, bool]] = []
        used = False
        for key_node, value_node in node.value:
            if key_node.tag != _YAML_TAG + "merge":
                own.append((key_node, value_node, False))
                continue
            used = True
            if depth > MAX_DEPTH:
                raise _Bad(*self.span_of(node), f"nested more than {MAX_DEPTH} levels deep")
            sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
            chunks = []
            for source in sources:
                if not isinstance(source, yaml.MappingNode):
                    raise _Bad(*self.span_of(source), "a merge key (<<) takes a mapping or a list of mappings")
                inner, _ = self.flatten(source, depth + 1, shared)
                chunks.append([(k, v, True) for k, v, _ in inner])
            for chunk in reversed(chunks):
                merged.extend(chunk)
        return merged + own, used

    def key(self, node: Any, depth: int, shared: bool) -> Node:
        if not isinstance(node, self.yaml.ScalarNode) or (node.tag or "").startswith("!") and not node.tag.startswith("!!"):
            raise _Bad(*self.span_of(node), "a mapping key must be a plain value")
        key = self.node(node, depth + 1, shared)
        if key.value is None:
            raise _Bad(key.start, key.end, "a null mapping key")
        return key

    def short_form(self, node: Any, tag: str, outer: int, start: int, end: int, depth: int,
                   shared: bool) -> Node:
        yaml = self.yaml
        name = SHORT_FORMS.get(tag)
        if name is None:
            raise _Bad(outer, end, f"unknown tag {tag} (not a CloudFormation intrinsic function)")
        tag_start = self.data.find(b"!", outer, end)
        tag_node = Node(SCALAR, name, tag_start, tag_start + len(tag.encode("utf-8")), tag_start, "tag", "", shared)
        if isinstance(node, yaml.ScalarNode):
            text = node.value
            if name == "Fn::GetAtt":
                operand = self.split_getatt(text, node, start, end, shared)
            else:
                operand = Node(SCALAR, text, start, self.scalar_end(node, start, end), start,
                               node.style or "plain", "", shared)
        elif isinstance(node, yaml.SequenceNode):
            items = [self.node(child, depth + 1, shared) for child in node.value]
            style = "flow" if node.flow_style else "block"
            operand = Node(SEQ, items, start, items[-1].end if items and style == "block" else end, start,
                           style, "", shared)
        else:
            value = self.mapping(node, depth, shared)
            style = "flow" if node.flow_style else "block"
            operand = Node(MAP, value, start,
                           max(p[1].end for p in value.values()) if value and style == "block" else end,
                           start, style, "", shared)
        return Node(MAP, {name: (tag_node, operand)}, outer, operand.end, outer, "tag", tag, shared)

    def split_getatt(self, text: str, node: Any, start: int, end: int, shared: bool) -> Node:
        """`!GetAtt A.B.C` -> ["A", "B.C"], each part located when written plainly."""
        parts = text.split(".", 1)
        raw = self.data[start:end]
        if node.style in (None, "") and raw == text.encode("utf-8") and len(parts) == 2:
            cut = start + len(parts[0].encode("utf-8"))
            items = [Node(SCALAR, parts[0], start, cut, start, "plain", "", shared),
                     Node(SCALAR, parts[1], cut + 1, end, cut + 1, "plain", "", shared)]
        else:
            items = [Node(SCALAR, part, start, end, start, node.style or "plain", "", shared) for part in parts]
        return Node(SEQ, items, start, end, start, "getatt", "", shared)


def _tag_name(tag: str) -> str:
    return "!!" + tag[len(_YAML_TAG):] if tag.startswith(_YAML_TAG) else tag


# --- JSON ------------------------------------------------------------------------------------------


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _json_error(text: str, at: _Offsets) -> tuple[int, int, str] | None:
    try:
        json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as error:
        where = at(error.pos)
        return (where, where, error.msg)
    except (ValueError, RecursionError) as error:
        return (0, 0, f"invalid JSON: {error}")
    return None


def _read_json(data: bytes, text: str, at: _Offsets) -> Document | None:
    """A strict JSON text read with positions; None when `text` is not strict JSON."""
    try:
        json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        return None
    from parsers.terraform.common import ts_parser

    tree = ts_parser("json").parse(data)
    top = next((c for c in tree.root_node.named_children if c.type != "comment"), None)
    if top is None or tree.root_node.has_error:
        return None
    reader = _Json(data)
    try:
        root = reader.node(top, 0)
    except _Bad as bad:
        return Document(None, [bad.where], "json")
    return Document(root, reader.issues, "json")


class _Json:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.issues: list[tuple[int, int, str]] = []

    def text(self, node: Any) -> str:
        return self.data[node.start_byte:node.end_byte].decode("utf-8")

    def node(self, node: Any, depth: int) -> Node:
        if depth > MAX_DEPTH:
            raise _Bad(node.start_byte, node.end_byte, f"nested more than {MAX_DEPTH} levels deep")
        start, end, kind = node.start_byte, node.end_byte, node.type
        if kind == "object":
            value: dict[Any, tuple[Node, Node]] = {}
            first_line: dict[str, int] = {}
            for child in node.named_children:
                if child.type != "pair":
                    continue
                key_ts, value_ts = child.child_by_field_name("key"), child.child_by_field_name("value")
                key = Node(SCALAR, json.loads(self.text(key_ts)), key_ts.start_byte, key_ts.end_byte,
                           key_ts.start_byte, "json")
                if key.value in value:
                    self.issues.append((key.start, key.end, f"duplicate key {key.value!r} (also on line "
                                        f"{first_line[key.value]}): CloudFormation rejects it; the last one is read"))
                else:
                    first_line[key.value] = key_ts.start_point[0] + 1
                value[key.value] = (key, self.node(value_ts, depth + 1))
            return Node(MAP, value, start, end, start, "json")
        if kind == "array":
            items = [self.node(c, depth + 1) for c in node.named_children if c.type != "comment"]
            return Node(SEQ, items, start, end, start, "json")
        if kind in ("string", "number", "true", "false", "null"):
            return Node(SCALAR, json.loads(self.text(node)), start, end, start, "json")
        raise _Bad(start, end, f"unexpected JSON {kind}")
