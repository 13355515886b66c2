"""What the HCL and the JSON front ends share: block tables, reference reasons, templates, records,
and turning tree-sitter ERROR / MISSING nodes into ParseIssues.

The syntax-error part (`syntax_issues`) only relies on the tree-sitter node API and works for any
grammar (it is used for tree-sitter-json too).
"""
from __future__ import annotations

import re
import threading
from typing import Any, Mapping

from analyzer import kinds
from analyzer.model import ParsedFile, ParseIssue, Resource, Span, Unknown, Value
from analyzer.text import LineIndex, span

FRAMEWORK = "terraform"

# Top-level block types and how many labels they take. Others are kept too (in ParsedFile.blocks,
# keyed by their labels joined with "."), so an unknown future block type is never an error.
LABELS: Mapping[str, int] = {
    "resource": 2, "data": 2, "ephemeral": 2, "module": 1, "variable": 1, "output": 1,
    "provider": 1, "check": 1, "locals": 0, "terraform": 0, "moved": 0, "import": 0, "removed": 0,
}

# The first name of a reference -> Unknown.reason. Any other name followed by `.name` is a
# managed resource (`aws_kms_key.k.arn`).
ROOT_REASONS: Mapping[str, str] = {
    "var": "variable", "local": "local", "data": "data", "module": "module",
    "ephemeral": "data",  # read during plan/apply like a data source
    "each": "expression", "count": "expression", "self": "expression",
    "path": "expression", "terraform": "expression",
}

# Meta-arguments whose value is a reference *name*, not something to evaluate
# (`provider = aws.west`, `depends_on = [aws_iam_role.r]`): kept as the reference's text, which
# is also what Terraform JSON writes (`"provider": "aws.west"`).
REFERENCE_NAME_ARGS = frozenset({"provider", "depends_on", "providers"})
LIFECYCLE_REFERENCE_ARGS = frozenset({"ignore_changes", "replace_triggered_by"})
ADDRESS_ARGS = frozenset({"from", "to"})  # in `moved`, `import`, `removed`: resource addresses

MAX_DEPTH = 64  # deeper values/blocks become Unknown: no recursion limit on hostile input
MAX_ISSUES = 10  # per file: one bad byte must not produce hundreds of findings


def reference_reason(root: str, has_attribute: bool) -> str:
    """Unknown.reason for a reference starting with `root` (`has_attribute`: a `.name` follows)."""
    reason = ROOT_REASONS.get(root)
    if reason:
        return reason
    return "resource" if has_attribute else "expression"


def value(raw: Any, where: Span | None, key_span: Span | None = None) -> Value:
    return Value(raw, where, "unresolved" if isinstance(raw, Unknown) else "explicit", key_span)


def block_list(elements: list[Value]) -> Value:
    """Repeated blocks (or one block) as a list Value located at the first one."""
    return Value(elements, elements[0].span, "explicit", elements[0].key_span)


def merge_blocks(attrs: dict[str, Value], groups: dict[str, list[Value]], static: set[str],
                 order: list[str]) -> dict[str, Value]:
    """Attributes and nested blocks in source order (`order`: names as first seen). Blocks are a
    list of Values in source order. A name with only dynamic blocks and exactly one of them is
    that dynamic Unknown itself (not a list); with static blocks too, the dynamic ones are
    Unknown elements among them, in source order."""
    merged: dict[str, Value] = {}
    for name in order:
        if name in merged or (name not in attrs and name not in groups):
            continue
        if name in attrs:  # an attribute and a block with the same name: invalid, keep the attribute
            merged[name] = attrs[name]
            continue
        elements = groups[name]
        merged[name] = elements[0] if name not in static and len(elements) == 1 else block_list(elements)
    return merged


# --- templates (Terraform JSON strings are HCL templates) ----------------------------------------

_TRAVERSAL = re.compile(
    r"\s*([A-Za-z_][\w-]*)"  # root name
    r"((?:\s*\.\s*(?:[A-Za-z_][\w-]*|\d+|\*)|\s*\[[^\[\]]*\])*)\s*\Z"  # .attr .0 .* [key] [*]
)


def template_parts(text: str) -> list[tuple[bool, str]] | None:
    """Split a template into (is_code, text) parts: literal text, with its `$${` / `%%{` escapes
    as written, and whole `${...}` / `%{...}` sequences. None when a sequence is unterminated."""
    parts: list[tuple[bool, str]] = []
    literal_start = i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch in "$%" and text.startswith("{", i + 1):
            if i > 0 and text[i - 1] == ch:
                i += 2  # `$${` / `%%{` (read left to right, as HCL does): a literal `${` / `%{`
                continue
            end = _closing_brace(text, i + 2)
            if end < 0:
                return None
            if i > literal_start:
                parts.append((False, text[literal_start:i]))
            parts.append((True, text[i:end + 1]))
            literal_start = i = end + 1
            continue
        i += 1
    if literal_start < n:
        parts.append((False, text[literal_start:]))
    return parts


def _closing_brace(text: str, i: int) -> int:
    """Index of the `}` closing a template sequence whose body starts at i (nested braces and
    quoted strings inside the expression are skipped), or -1."""
    depth = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == '"':
            i += 1
            while i < n and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
        elif ch == "{":
            depth += 1
        elif ch == "}":
            if depth == 0:
                return i
            depth -= 1
        i += 1
    return -1


def unescape_template_literal(text: str) -> str:
    return text.replace("$${", "${").replace("%%{", "%{")


def template_value(text: str) -> Any:
    """A JSON string as Terraform reads it: a plain string, or Unknown when it interpolates.

    `"${var.x}"` -> Unknown("var.x", "variable") (a lone interpolation is its expression, written
    as HCL: the same `expr` the HCL front end gives for `var.x`); any other template ->
    Unknown('"x-${var.a}"', "expression"), the template written as an HCL quoted string."""
    if "{" not in text or ("${" not in text and "%{" not in text):
        return text
    parts = template_parts(text)
    if parts is None:
        return Unknown(_hcl_quoted(text), "expression")
    if not any(code for code, _ in parts):
        return unescape_template_literal(text)
    if len(parts) == 1 and parts[0][1].startswith("${"):
        inner = parts[0][1][2:-1].strip().strip("~").strip()
        return Unknown(inner, expression_reason(inner))
    quoted = "".join(part if code else _hcl_quoted(part)[1:-1] for code, part in parts)
    return Unknown(f'"{quoted}"', "expression")


def expression_reason(expr: str) -> str:
    """Unknown.reason of HCL expression text: by its reference root when it is a plain reference."""
    m = _TRAVERSAL.match(expr)
    if not m:
        return "expression"
    steps = m.group(2)
    if "*" in steps and re.search(r"\.\s*\*|\[\s*\*\s*\]", steps):
        return "expression"  # splat
    return reference_reason(m.group(1), bool(re.match(r"\s*\.\s*[A-Za-z_]", steps)))


def _hcl_quoted(text: str) -> str:
    escaped = (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
               .replace("\r", "\\r").replace("\t", "\\t"))
    return f'"{escaped}"'


# --- records -----------------------------------------------------------------------------------

def resource_identity(block_type: str, labels: list[str]) -> tuple[str, str, str] | None:
    """(kind, native_type, address) for `resource`/`data` blocks with two labels, else None.
    Data sources get the kind of "data.<type>" (none today): checks on a managed resource kind
    must not run on a data source that only reads one."""
    if len(labels) != 2 or block_type not in ("resource", "data"):
        return None
    rtype, name = labels
    if block_type == "resource":
        return kinds.kind_of(FRAMEWORK, rtype), rtype, f"{rtype}.{name}"
    return kinds.kind_of(FRAMEWORK, f"data.{rtype}"), rtype, f"data.{rtype}.{name}"


def record_key(block_type: str, labels: list[str], attrs: Mapping[str, Value]) -> tuple[str, str]:
    """(key in ParsedFile.blocks[block_type], address) of a non-resource block."""
    if block_type == "provider" and labels:
        alias = attrs.get("alias")
        key = labels[0]
        if alias is not None and isinstance(alias.raw, str):
            key = f"{key}.{alias.raw}"
        return key, f"provider.{key}"
    key = ".".join(labels)
    prefix = {"variable": "var", "locals": "local"}.get(block_type, block_type)
    return key, f"{prefix}.{key}" if key else prefix


def add_record(blocks: dict[str, dict[str, Resource]], block_type: str, key: str, record: Resource) -> None:
    """Never overwrite: a second record with the same key (two `terraform {}` blocks, a duplicate
    variable) is kept as "key#2", "key#3"..."""
    group = blocks.setdefault(block_type, {})
    unique, n = key, 1
    while unique in group:
        n += 1
        unique = f"{key}#{n}"
    group[unique] = record


# --- syntax errors -----------------------------------------------------------------------------

_OPENERS = {"{": "}", "[": "]", "(": ")"}
_CLOSERS = {v: k for k, v in _OPENERS.items()}
# Value node types of tree-sitter-hcl and tree-sitter-json.
_VALUE_TYPES = frozenset({"expression", "string", "number", "object", "array", "true", "false", "null"})
_SEPARATORS = frozenset({b",", b":", b"=", b"=>", b".", b"?", b"..."})
_TOKEN = re.compile(r'[\w.:-]+|"[^"\n]{0,30}"?|[^\s\w"]{1,3}')


def syntax_issues(root: Any, data: bytes, index: LineIndex, path: str) -> list[ParseIssue]:
    """One ParseIssue per outermost ERROR or MISSING node under `root` (document order, at most
    MAX_ISSUES), located at the first unexpected token, or at the `{` that is never closed."""
    issues: list[ParseIssue] = []
    stack = [root]
    after_error = False
    while stack and len(issues) < MAX_ISSUES:
        node = stack.pop()
        if node.is_error:
            issues.append(_error_issue(node, data, index, path))
            after_error = True
        elif node.is_missing:
            # a closer missing after an error was usually eaten by that error: not a second one
            if not (after_error and node.type in _CLOSERS):
                issues.append(_missing_issue(node, data, index, path))
        elif node.has_error:
            stack.extend(reversed(node.children))
    return issues


def _error_issue(node: Any, data: bytes, index: LineIndex, path: str) -> ParseIssue:
    pos = node.start_byte
    opened: list[Any] = []
    for child in node.children:
        if child.start_byte > pos and data[pos:child.start_byte].strip():
            return _unexpected(data, index, path, _skip_space(data, pos, child.start_byte))
        if child.is_error or child.is_missing:
            if child.is_missing:
                return _missing_issue(child, data, index, path)
            return _unexpected(data, index, path, _skip_space(data, child.start_byte, child.end_byte))
        if child.end_byte == child.start_byte:
            continue
        text = data[child.start_byte:child.end_byte]
        if text in (b"{", b"[", b"("):
            opened.append(child)
        elif text in (b"}", b"]", b")"):
            if not opened:
                return _unexpected(data, index, path, child.start_byte)
            opened.pop()
        elif not child.is_named and text not in _SEPARATORS:
            return _unexpected(data, index, path, child.start_byte)  # e.g. a stray `"`
        pos = max(pos, child.end_byte)
    if node.end_byte > pos and data[pos:node.end_byte].strip():
        return _unexpected(data, index, path, _skip_space(data, pos, node.end_byte))
    if opened:
        return _unclosed(opened[-1], data, index, path)
    after = node.next_sibling
    if after is not None and after.type in _VALUE_TYPES:
        # a complete value set aside because another one follows (`a = "x" "y"`): the stray
        # token is the second value, the one tree-sitter kept
        return _unexpected(data, index, path, after.start_byte)
    return _unexpected(data, index, path, node.start_byte)


def _missing_issue(node: Any, data: bytes, index: LineIndex, path: str) -> ParseIssue:
    token = node.type
    if token in _OPENERS:  # an opener "missing" before a stray closer: the closer is the error
        return _unexpected(data, index, path, _skip_space(data, node.start_byte, len(data)))
    if token in _CLOSERS:
        opener = _find_opener(node, _CLOSERS[token])
        if opener is not None:
            return _unclosed(opener, data, index, path)
    where = span(path, index, node.start_byte, node.end_byte)
    return ParseIssue(where, f"missing `{token}`" if not node.is_named else f"missing {token.replace('_', ' ')}")


def _find_opener(node: Any, char: str) -> Any | None:
    """The `{` (or `[`, `(`) that a missing closer would have closed: a leaf of the parent or
    the grandparent of the MISSING node (object > `{`, block > block_start > `{`)."""
    for holder in (node.parent, node.parent.parent if node.parent else None):
        if holder is None:
            continue
        for child in holder.children:
            if child.type == char:
                return child
            for grandchild in child.children[:1]:
                if grandchild.type == char:
                    return grandchild
    return None


def _unclosed(opener: Any, data: bytes, index: LineIndex, path: str) -> ParseIssue:
    char = data[opener.start_byte:opener.end_byte].decode("ascii", "replace")
    closer = _OPENERS.get(char, "}")
    return ParseIssue(span(path, index, opener.start_byte, opener.end_byte),
                      f"unclosed `{char}`: missing `{closer}`")


def _skip_space(data: bytes, start: int, end: int) -> int:
    while start < end and data[start] in b" \t\r\n":
        start += 1
    return start


def _unexpected(data: bytes, index: LineIndex, path: str, offset: int) -> ParseIssue:
    if offset >= len(data):
        return ParseIssue(span(path, index, len(data), len(data)), "unexpected end of file")
    window = data[offset:offset + 64].decode("utf-8", errors="replace")
    m = _TOKEN.match(window)
    token = m.group(0) if m else window[:1]
    if not token.isprintable():
        token = repr(token)[1:-1]
    end = min(len(data), offset + max(1, len(token.encode("utf-8", errors="replace"))))
    return ParseIssue(span(path, index, offset, end), f"unexpected `{token}`")


def read_guarded(reader: Any, path: str, data: bytes | str) -> ParsedFile:
    """Run `reader(path, data).read()`; a bug of ours becomes a ParseIssue that says so, and the
    scan goes on. Both front ends' `parse` are this, so "never raises" holds in one place."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    try:
        return reader(path, data).read()
    except Exception as exc:
        issue = ParseIssue(span(path, LineIndex(data), 0, 0),
                           f"aiposture could not read this file (internal error: {type(exc).__name__}: {exc})")
        return ParsedFile(path, FRAMEWORK, issues=(issue,))


# --- tree-sitter parsers, created once per thread ------------------------------------------------

_local = threading.local()


def ts_parser(grammar: str, ranged: bool = False) -> Any:
    """A cached tree-sitter Parser for "hcl" or "json" (tree-sitter is imported on first use).
    Parsers are not thread-safe, so each thread has its own; `ranged` is a second one whose
    included ranges change at every use (see ts_parse_range)."""
    cache = getattr(_local, "parsers", None)
    if cache is None:
        cache = _local.parsers = {}
    parser = cache.get((grammar, ranged))
    if parser is None:
        import tree_sitter

        if grammar == "hcl":
            import tree_sitter_hcl as module
        else:
            import tree_sitter_json as module
        parser = cache[grammar, ranged] = tree_sitter.Parser(tree_sitter.Language(module.language()))
    return parser


def ts_parse_range(grammar: str, data: bytes, index: LineIndex, start: int, end: int) -> Any:
    """Parse only bytes [start, end) of `data`, keeping the file's own offsets in the tree."""
    import tree_sitter

    def point(offset: int) -> Any:
        line_start = index.line_start(offset)
        return tree_sitter.Point(index.position(offset)[0] - 1, offset - line_start)

    parser = ts_parser(grammar, ranged=True)
    parser.included_ranges = [tree_sitter.Range(point(start), point(end), start, end)]
    return parser.parse(data)
