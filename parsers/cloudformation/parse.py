"""CloudFormation and SAM templates (YAML or JSON) -> ParsedFile (framework "cloudformation").

THE CONTRACT (the evaluator, the checks and the engine rely on it):

    parse(path: str, data: bytes) -> ParsedFile
    detect(data: bytes) -> bool

- `parse` never raises. Text that is not valid YAML/JSON gives one ParseIssue at the problem's
  location and no resources (YAML has no resynchronisation point we could trust); a duplicate
  key gives a ParseIssue at the repeated key while everything is still read (the last value
  wins); an alias bomb, a recursive alias, nesting deeper than 100 levels, an unknown `!Tag` or
  an unsupported YAML tag give one ParseIssue (see reader.py). At most 10 issues per file.
- Values are plain data as cfn-lint's decoder gives them (short-form `!Ref` / `!GetAtt` ... in
  their long form), wrapped in `Value`s: mappings are dicts of Values (keys as str: a YAML
  key of another type becomes `str(key)`, booleans "true"/"false"), sequences lists of Values,
  scalars str | int | float | bool | None. `span` covers the value (after an `&anchor` or a
  `!Tag`: the Value of an intrinsic written `!Ref X` spans `!Ref X`, its inner "Ref" Value spans
  `X`, with key_span on `!Ref`), `key_span` the key. Intrinsic functions are NOT evaluated here:
  they stay one-key dicts ({"Ref": Value("Env")}, {"Fn::GetAtt": Value([Value("Role"),
  Value("Arn")])}, {"Fn::If": ...}); parsers/cloudformation/evaluate.py resolves them.
- `Resources.<LogicalId>` (a mapping with a string `Type`) -> `Resource`:
    kind = analyzer.kinds.kind_of("cloudformation", Type) ("" when unknown), native_type = Type,
    framework "cloudformation", address = LogicalId,
    span = the entry, from the logical id key to the end of its value,
    header = the logical id key through its colon (`Notebook:`; JSON `"Notebook":`): where a
      finding about an absent property points,
    attrs = the `Properties` mapping, native names -> Values ({} when absent, null or not a
      mapping),
    meta = plain data, each key only when written: "condition" (the resource's `Condition`
      name), "depends_on" (str or list), "deletion_policy", "update_replace_policy",
      "update_policy", "creation_policy", "metadata" (the `Metadata` mapping), "version"
      (Custom::/AWS::CloudFormation::CustomResource), and "syntax": "yaml" | "json" (always),
    insertions: "" -> where a new property line goes: the start of the line after the last
      property, with the indentation of the property keys; only for a non-empty block-style
      (or multi-line JSON) `Properties` mapping, so when `Properties` is absent, null, `{}` or
      flow-style there is no "" insertion (the writer creates or rewrites it). Likewise for every
      nested non-empty block mapping by native dotted path ("VpcConfig",
      "DataCaptureConfig.CaptureOptions"; a list is entered at its first element, "X.1" is its
      second). Nothing under an intrinsic function or a flow mapping `{A: 1}`.
  Entries that are not a mapping with a string Type are skipped (invalid CloudFormation, not a
  syntax error). SAM `AWS::Serverless::*` resources are parsed like any other.
- `ParsedFile.blocks` (records are Resource-like: kind "", native_type = section name, framework
  "cloudformation", address = entry name, span = the entry, header = its key, attrs below):
    "Parameters", "Mappings", "Outputs": name -> attrs = the entry's mapping (a Parameter's
      Type, Default, AllowedValues, NoEcho...; a Mapping's nested mapping);
    "Conditions": name -> ONE attribute "Condition" holding the condition expression's Value;
    "Globals" (SAM): section name ("Function", "Api"...) -> attrs = its mapping;
    "Template": "" -> attrs = every other top-level key (AWSTemplateFormatVersion,
      Description, Transform (str or list), Metadata, Rules...), span = the whole template.
  An entry whose value is not a mapping has attrs {} (except Conditions).
- `detect(data)`: is this a CloudFormation or SAM template, by content? True when
  `AWSTemplateFormatVersion` is a top-level key, or when the top-level `Resources` is a mapping
  with an entry whose `Type` starts with `AWS::`, `Alexa::` or `Custom::`. Cheap: a regex
  prefilter rejects most files before any YAML is read; a template that does not parse is
  judged by its lines (`AWSTemplateFormatVersion:` at the start of a line, or `Resources:` at
  the start of a line and a `Type: AWS::...`), so a broken template is still reported.
"""
from __future__ import annotations

import re
from typing import Any

from analyzer import kinds
from analyzer.model import Insertion, ParsedFile, ParseIssue, Resource, Span, Value
from analyzer.text import LineIndex, span
from parsers.cloudformation.reader import MAP, SCALAR, SEQ, Node, plain, read

__all__ = ["FRAMEWORK", "detect", "looks_like", "parse"]

FRAMEWORK = "cloudformation"
MAX_ISSUES = 10
SECTIONS = ("Parameters", "Mappings", "Conditions", "Outputs", "Globals")
_NOT_TEMPLATE_KEYS = frozenset({"Resources", *SECTIONS})
# Resource attributes (besides Type and Properties) -> Resource.meta key.
META = {
    "Condition": "condition", "DependsOn": "depends_on", "DeletionPolicy": "deletion_policy",
    "UpdateReplacePolicy": "update_replace_policy", "UpdatePolicy": "update_policy",
    "CreationPolicy": "creation_policy", "Metadata": "metadata", "Version": "version",
}
TYPE_PREFIXES = ("AWS::", "Alexa::", "Custom::")

_VERSION_LINE = re.compile(rb'^(?:AWSTemplateFormatVersion|"AWSTemplateFormatVersion"|\'AWSTemplateFormatVersion\')'
                           rb"[ \t]*:", re.M)
_JSON_VERSION = re.compile(rb'"AWSTemplateFormatVersion"[ \t\r\n]*:')
_RESOURCES_LINE = re.compile(rb'^(?:Resources|"Resources")[ \t]*:', re.M)
_TYPE_LINE = re.compile(rb'["\']?Type["\']?[ \t]*:[ \t]*["\']?(?:AWS|Alexa|Custom)::')


_JSON_RESOURCES = re.compile(rb'"Resources"[ \t\r\n]*:[ \t\r\n]*\{')
_JSON_TYPE = re.compile(rb'"Type"[ \t\r\n]*:[ \t\r\n]*"(?:AWS|Alexa|Custom)::')


def _mentions_aws(data: bytes) -> bool:
    """The prefilter, as substring tests (C speed; an alternation regex is several times slower)."""
    return b"AWSTemplateFormatVersion" in data or b"AWS::" in data or b"Alexa::" in data or b"Custom::" in data


def looks_like(data: bytes) -> bool:
    """A cheap `detect` for discovering files (regular expressions, no YAML load): the lines a
    template has. It may accept a file that is not a template (parsing one gives no resources);
    it rejects the files `detect` rejects by their lines."""
    if not _mentions_aws(data):
        return False
    if data.lstrip()[:1] == b"{":
        return bool(_JSON_VERSION.search(data) or _JSON_RESOURCES.search(data) and _JSON_TYPE.search(data))
    return bool(_VERSION_LINE.search(data) or _RESOURCES_LINE.search(data) and _TYPE_LINE.search(data))


def detect(data: bytes) -> bool:
    """True when `data` is a CloudFormation / SAM template (see the module docstring)."""
    if not _mentions_aws(data):
        return False
    document = read(data)
    root = document.root
    if root is None or document.issues and not root.value:
        # not readable: judge by lines, so that a broken template is reported as such
        return bool(_VERSION_LINE.search(data) or _JSON_VERSION.search(data) and data.lstrip()[:1] == b"{"
                    or _RESOURCES_LINE.search(data) and _TYPE_LINE.search(data))
    if root.kind != MAP:
        return False
    if "AWSTemplateFormatVersion" in root.value:
        return True
    resources = root.value.get("Resources")
    if resources is None or resources[1].kind != MAP:
        return False
    for _, entry in resources[1].value.values():
        if entry.kind == MAP and "Type" in entry.value:
            kind = entry.value["Type"][1]
            if kind.kind == SCALAR and isinstance(kind.value, str) and kind.value.startswith(TYPE_PREFIXES):
                return True
    return False


def parse(path: str, data: bytes) -> ParsedFile:
    """Parse one template. Never raises; `path` is the repo-relative POSIX path for Spans."""
    try:
        return _Parser(path, data).parse()
    except Exception as exc:  # our bug: one issue that says so, and the scan goes on
        issue = ParseIssue(span(path, LineIndex(data), 0, 0),
                           f"aiposture could not read this file (internal error: {type(exc).__name__}: {exc})")
        return ParsedFile(path, FRAMEWORK, issues=(issue,))


def key_text(key: Any) -> str:
    """A mapping key as the str the model uses (YAML allows int and bool keys)."""
    if isinstance(key, str):
        return key
    if isinstance(key, bool):
        return "true" if key else "false"
    return str(key)


class _Parser:
    def __init__(self, path: str, data: bytes) -> None:
        self.path = path
        self.data = data
        self.index = LineIndex(data)
        self.syntax = "yaml"

    def span(self, start: int, end: int) -> Span:
        return span(self.path, self.index, start, end)

    def parse(self) -> ParsedFile:
        document = read(self.data)
        self.syntax = document.syntax
        issues = [ParseIssue(self.span(s, e), message) for s, e, message in document.issues[:MAX_ISSUES]]
        root = document.root
        if root is None:
            return ParsedFile(self.path, FRAMEWORK, (), tuple(issues))
        if root.kind != MAP:
            issues.append(ParseIssue(self.span(root.start, root.start),
                                     "not a CloudFormation template: the top level is not a mapping"))
            return ParsedFile(self.path, FRAMEWORK, (), tuple(issues))
        resources: list[Resource] = []
        blocks: dict[str, dict[str, Resource]] = {}
        template_attrs: dict[str, Value] = {}
        for key, (key_node, value_node) in root.value.items():
            name = key_text(key)
            if name == "Resources":
                if value_node.kind == MAP:
                    for logical_id, (id_node, body) in value_node.value.items():
                        resource = self.resource(key_text(logical_id), id_node, body)
                        if resource is not None:
                            resources.append(resource)
            elif name in SECTIONS:
                if value_node.kind == MAP:
                    blocks[name] = {key_text(k): self.record(name, key_text(k), kn, vn)
                                    for k, (kn, vn) in value_node.value.items()}
            else:
                template_attrs[name] = self.value(value_node, key_node)
        blocks["Template"] = {"": Resource("", "Template", FRAMEWORK, "", self.span(root.start, root.end),
                                           template_attrs, meta={"syntax": self.syntax})}
        return ParsedFile(self.path, FRAMEWORK, tuple(resources), tuple(issues), blocks)

    # --- values --------------------------------------------------------------------------------

    def value(self, node: Node, key_node: Node | None = None) -> Value:
        if node.kind == MAP:
            raw: Any = {key_text(k): self.value(v, kn) for k, (kn, v) in node.value.items()}
        elif node.kind == SEQ:
            raw = [self.value(item) for item in node.value]
        else:
            raw = node.value
        key_span = self.span(key_node.start, key_node.end) if key_node is not None else None
        return Value(raw, self.span(node.start, node.end), "explicit", key_span)

    def entry_spans(self, key_node: Node, value_node: Node) -> tuple[Span, Span]:
        """The whole entry, and its key through the colon."""
        colon = self.data.find(b":", key_node.end, max(key_node.end, value_node.outer) + 1)
        header_end = colon + 1 if colon >= 0 else key_node.end
        return self.span(key_node.start, max(value_node.end, header_end)), self.span(key_node.start, header_end)

    # --- resources -----------------------------------------------------------------------------

    def resource(self, logical_id: str, id_node: Node, body: Node) -> Resource | None:
        if body.kind != MAP or body.style == "tag":
            return None
        type_node = body.value.get("Type", (None, None))[1]
        if type_node is None or type_node.kind != SCALAR or not isinstance(type_node.value, str):
            return None
        native_type = type_node.value
        entry, header = self.entry_spans(id_node, body)
        attrs: dict[str, Value] = {}
        insertions: dict[str, Insertion] = {}
        properties = body.value.get("Properties")
        if properties is not None and properties[1].kind == MAP and properties[1].style != "tag":
            attrs = self.value(properties[1]).raw
            self.insertions(properties[1], "", insertions)
        meta: dict[str, Any] = {"syntax": self.syntax}
        for name, meta_key in META.items():
            if name in body.value:
                meta[meta_key] = plain(body.value[name][1])
        return Resource(kinds.kind_of(FRAMEWORK, native_type), native_type, FRAMEWORK, logical_id, entry,
                        attrs, insertions, meta, header)

    def record(self, section: str, name: str, key_node: Node, value_node: Node) -> Resource:
        entry, header = self.entry_spans(key_node, value_node)
        if section == "Conditions":
            attrs = {"Condition": self.value(value_node, key_node)}
        elif value_node.kind == MAP and value_node.style != "tag":
            attrs = self.value(value_node).raw
        else:
            attrs = {}
        insertions: dict[str, Insertion] = {}
        if value_node.kind == MAP and section != "Conditions":
            self.insertions(value_node, "", insertions)
        return Resource("", section, FRAMEWORK, name, entry, attrs, insertions, {"syntax": self.syntax}, header)

    def insertions(self, node: Node, path: str, out: dict[str, Insertion]) -> None:
        """Insertion points of a mapping and of the mappings nested in it (module docstring)."""
        if node.kind != MAP or node.style == "tag" or not node.value:
            return
        if node.style in ("block", "json"):
            insertion = self.insertion_after(node)
            if insertion is not None:
                out[path] = insertion
        elif node.style == "flow":
            return
        for key, (_, child) in node.value.items():
            child_path = f"{path}.{key_text(key)}" if path else key_text(key)
            if child.kind == MAP:
                self.insertions(child, child_path, out)
            elif child.kind == SEQ and child.style != "tag":
                for i, item in enumerate(child.value):
                    self.insertions(item, f"{child_path}.{i}" if i else child_path, out)

    def insertion_after(self, node: Node) -> Insertion | None:
        # pairs merged in from an anchor elsewhere (`<<: *base`) are not written in this mapping
        pairs = [pair for pair in node.value.values() if node.start <= pair[0].start <= node.end]
        if not pairs:
            return None
        last_key, last_value = max(pairs, key=lambda pair: pair[1].end)
        if node.style == "json" and self.data.count(b"\n", last_value.end, node.end) == 0:
            return None  # a JSON object whose closing brace shares the last member's line
        line_start = self.index.line_start(last_key.start)
        prefix = self.data[line_start:last_key.start]
        if not prefix.isascii() or prefix.strip(b" -") and node.style != "json":
            return None
        indent = " " * len(prefix) if node.style != "json" else self.index.indent(last_key.start)
        return Insertion(self.index.next_line_start(max(last_value.end - 1, last_key.start)), indent)
