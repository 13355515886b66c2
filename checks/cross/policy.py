"""Reading IAM policy documents, wherever and however they are written, into statements.

A document is a JSON string (Terraform `jsonencode(...)` evaluated, a heredoc, a literal), a
`data.aws_iam_policy_document` (its `statement` blocks), or a CloudFormation mapping. Values that
stay unknown are kept as `Unknown` so that a judgement resting on them is UNKNOWN, never a guess:
a Terraform `jsonencode` whose object holds a resource attribute (`aws_s3_bucket.b.arn`) does not
evaluate, so its object is read here as written, each reference an Unknown leaf.
"""
from __future__ import annotations

import fnmatch
import json
import re
from dataclasses import dataclass, field
from typing import Any, Iterator

from analyzer.check import Context
from analyzer.model import Resource, Span, Unknown, Value, to_plain

ANY = "*"


@dataclass(frozen=True)
class Statement:
    effect: Any  # "Allow" | "Deny" | Unknown
    actions: Any  # list of str / Unknown, or Unknown; None when the statement uses NotAction
    not_actions: Any
    resources: Any
    not_resources: Any
    conditions: Any  # {operator: {key: values}} | Unknown | None
    span: Span | None  # where the finding about it goes
    path: str  # the native path of `span`'s attribute ("policy", "PolicyDocument.Statement.Action")
    # other places the statement rests on: the data source's statement block
    related: tuple[tuple[Span, str], ...] = ()
    principals: Any = None  # resource policies: {"AWS": [...]} / "*" / Unknown (None when not written)


@dataclass(frozen=True)
class Document:
    statements: tuple[Statement, ...] = ()
    unknown: Unknown | None = None  # the document itself cannot be read
    span: Span | None = None
    path: str = ""
    related: tuple[tuple[Span, str], ...] = field(default_factory=tuple)


def widened(value: Value) -> Span | None:
    """The value's span from its key on: a YAML block value starts on the line after its key."""
    span, key = value.span, value.key_span
    if span is None or key is None or key.start >= span.start:
        return span
    return Span(span.path, key.start, span.end, key.line, key.col, span.end_line, span.end_col)


def where(resource: Resource, path: str | None = None) -> Span:
    """A resource's attribute span, or its header."""
    if path:
        value = resource.native(path)
        if value.span is not None:
            return widened(value) or value.span
    return resource.header or resource.span


def as_list(raw: Any) -> Any:
    """A plain value as a list of items (an IAM field takes one string or a list); Unknown stays."""
    if isinstance(raw, Unknown) or raw is None:
        return raw
    return raw if isinstance(raw, list) else [raw]


# --- Terraform text that did not evaluate --------------------------------------------------------

_DOC_REF = re.compile(r'^(data\.aws_iam_policy_document\.[\w-]+)(?:\[[^\]]*\])?\.(?:json|minified_json)$')
_INTERPOLATION = re.compile(r"\$\{[^}]*\}")
_HEREDOC = re.compile(r"^<<-?\s*(\w+)\n(.*)\n\s*\1\s*$", re.S)
_REF_MARK = "\u0000ref\u0000"


def _parse_hcl_object(text: str) -> Any:
    """An HCL expression (the argument of `jsonencode`) as plain data, references Unknown."""
    from parsers.terraform import hcl

    parsed = hcl.parse("policy.tf", f'resource "x" "y" {{\n  v = {text}\n}}\n'.encode())
    if parsed.issues or not parsed.resources or "v" not in parsed.resources[0].attrs:
        return Unknown(text, "expression")
    return to_plain(parsed.resources[0].attrs["v"].raw)


def _unmark(raw: Any, expr: str) -> Any:
    """JSON read from a template with its interpolations marked: a marked string is Unknown
    (reason "resource" when every interpolation in the text was a managed resource's attribute)."""
    if isinstance(raw, dict):
        return {k: _unmark(v, expr) for k, v in raw.items()}
    if isinstance(raw, list):
        return [_unmark(v, expr) for v in raw]
    if isinstance(raw, str) and _REF_MARK in raw:
        return Unknown(raw.replace(_REF_MARK, "${...}"), "expression")
    return raw


def terraform_text(expr: str) -> Any:
    """The plain document an unevaluated Terraform policy expression writes, as far as it can be
    read without evaluation: `jsonencode({...})` and JSON templates (`"...${x}..."`, heredocs)."""
    text = expr.strip()
    if text.startswith("jsonencode(") and text.endswith(")"):
        return _parse_hcl_object(text[len("jsonencode("):-1])
    body = None
    match = _HEREDOC.match(text)
    if match:
        body = match.group(2)
    elif text.startswith('"') and text.endswith('"'):
        body = text[1:-1].replace('\\"', '"')
    if body is None:
        return Unknown(expr, "expression")
    try:
        return _unmark(json.loads(_INTERPOLATION.sub(_REF_MARK, body)), expr)
    except ValueError:
        return Unknown(expr, "expression")


def is_reference(raw: Any) -> bool:
    """An Unknown that names a managed resource's attribute (specific, known after apply)."""
    if not isinstance(raw, Unknown):
        return False
    if raw.reason in ("resource", "import"):
        return True
    text = raw.expr.strip().strip('"')
    return bool(re.fullmatch(r"(\$\{)?[a-z][\w-]*\.[\w-]+(\[[^\]]*\])?\.[\w.\[\]\"-]+\}?(/\S*)?", text)) \
        and not text.startswith(("var.", "local.", "data.", "module.", "each.", "count."))


# --- documents -----------------------------------------------------------------------------------


def _statements_of_plain(doc: Any, span: Span | None, path: str) -> Iterator[Statement] | Unknown:
    if isinstance(doc, Unknown):
        return doc
    if not isinstance(doc, dict):
        return Unknown(str(doc), "expression")
    raw = doc.get("Statement")
    if isinstance(raw, Unknown):
        return raw
    items = as_list(raw) or []
    found = []
    for item in items:
        if isinstance(item, Unknown):
            return item
        if not isinstance(item, dict):
            continue
        found.append(Statement(item.get("Effect"), as_list(item.get("Action")), as_list(item.get("NotAction")),
                               as_list(item.get("Resource")), as_list(item.get("NotResource")),
                               item.get("Condition"), span, path, principals=item.get("Principal")))
    return found


def _data_statements(data: Resource, span: Span | None, path: str, context: Context,
                     seen: frozenset[str] = frozenset()) -> list[Statement] | Unknown:
    """The statements of a `data.aws_iam_policy_document`, with those of the documents it
    includes (`source_policy_documents`, `override_policy_documents`) when they are data sources too."""
    found: list[Statement] = []
    for key in ("source_policy_documents", "override_policy_documents", "source_json", "override_json"):
        value = data.attrs.get(key)
        if value is None:
            continue
        included = [t for t in context.targets(data, key, kinds=["aws.iam.policy_document"])
                    if t.address not in seen]
        if not included:
            return Unknown(value.raw.expr if isinstance(value.raw, Unknown) else key, "expression")
        for other in included:
            inner = _data_statements(other, span, path, context, seen | {data.address})
            if isinstance(inner, Unknown):
                return inner
            found += inner
    blocks = data.attrs.get("statement")
    if blocks is not None and isinstance(blocks.raw, Unknown):
        return blocks.raw
    for block in (blocks.raw if blocks is not None and isinstance(blocks.raw, list) else []):
        if not isinstance(block.raw, dict):
            return Unknown("dynamic statement", "dynamic")
        item = to_plain(block.raw)
        conditions: Any = None
        for condition in as_list(item.get("condition")) or []:
            if isinstance(condition, Unknown) or not isinstance(condition, dict):
                conditions = Unknown("condition", "expression")
                break
            conditions = conditions or {}
            test, variable = condition.get("test"), condition.get("variable")
            if isinstance(test, str) and isinstance(variable, str):
                conditions.setdefault(test, {})[variable] = condition.get("values")
            else:
                conditions = Unknown("condition", "expression")
                break
        found.append(Statement(item.get("effect", "Allow"), item.get("actions"), item.get("not_actions"),
                               item.get("resources"), item.get("not_resources"), conditions, span, path,
                               ((block.span, f"statement of `{data.address}`"),) if block.span else (),
                               principals=_principals(item.get("principals"))))
    return found


def _principals(blocks: Any) -> Any:
    """`principals { type, identifiers }` blocks as a policy's Principal ({"AWS": [...]})."""
    if blocks is None or isinstance(blocks, Unknown):
        return blocks
    found: dict[str, Any] = {}
    for block in as_list(blocks):
        if not isinstance(block, dict) or not isinstance(block.get("type"), str):
            return Unknown("principals", "expression")
        found.setdefault(block["type"], []).extend(as_list(block.get("identifiers")) or [])
    return found


def document(resource: Resource, path: str, context: Context) -> Document | None:
    """The policy document at native `path` of `resource` (None when not written)."""
    value = resource.native(path)
    if value.absent and not value.unknown:
        return None
    span = widened(value) or value.span
    raw = value.raw
    if resource.framework == "cloudformation":
        if isinstance(raw, Unknown):
            return Document(unknown=raw, span=span, path=path)
        if isinstance(raw, str):
            try:
                raw = json.loads(raw)
            except ValueError:
                return Document(unknown=Unknown(raw, "expression"), span=span, path=path)
            found = _statements_of_plain(raw, span, path)
        else:
            found = _cfn_statements(value, path)
        if isinstance(found, Unknown):
            return Document(unknown=found, span=span, path=path)
        return Document(tuple(found), span=span, path=path)
    related: tuple[tuple[Span, str], ...] = ()
    if isinstance(raw, Unknown):
        ref = _DOC_REF.match(raw.expr.strip().strip('"').removeprefix("${").removesuffix("}"))
        data = [t for t in context.targets(resource, path, kinds=["aws.iam.policy_document"])] if ref else []
        if data:
            found = _data_statements(data[0], span, path, context)
            if isinstance(found, Unknown):
                return Document(unknown=found, span=span, path=path)
            return Document(tuple(found), span=span, path=path,
                            related=((data[0].header or data[0].span, f"policy document `{data[0].address}`"),))
        plain = terraform_text(raw.expr) if raw.reason in ("expression", "resource") else raw
    elif isinstance(raw, str):
        try:
            plain = json.loads(raw)
        except ValueError:
            return Document(unknown=Unknown(raw[:60], "expression"), span=span, path=path)
    else:
        plain = to_plain(raw)
    found = _statements_of_plain(plain, span, path)
    if isinstance(found, Unknown):
        unknown = raw if isinstance(raw, Unknown) else found
        return Document(unknown=unknown, span=span, path=path, related=related)
    return Document(tuple(found), span=span, path=path, related=related)


def _cfn_statements(value: Value, path: str) -> list[Statement] | Unknown:
    """Statements of a CloudFormation PolicyDocument mapping, each pointing at its Action."""
    if not isinstance(value.raw, dict):
        return Unknown(str(value.raw), "expression")
    statements = value.raw.get("Statement")
    if statements is None:
        return []
    if isinstance(statements.raw, Unknown):
        return statements.raw
    items = statements.raw if isinstance(statements.raw, list) else [statements]
    found = []
    for item in items:
        if isinstance(item.raw, Unknown):
            return item.raw
        if not isinstance(item.raw, dict):
            continue
        fields = item.raw
        key = "Action" if "Action" in fields else "NotAction" if "NotAction" in fields else None
        span = (widened(fields[key]) if key else None) or item.span
        plain = to_plain(fields)
        found.append(Statement(plain.get("Effect"), as_list(plain.get("Action")), as_list(plain.get("NotAction")),
                               as_list(plain.get("Resource")), as_list(plain.get("NotResource")),
                               plain.get("Condition"), span, f"{path}.Statement.{key or 'Action'}",
                               principals=plain.get("Principal")))
    return found


# --- judging a statement -------------------------------------------------------------------------


def action_matches(pattern: str, action: str) -> bool:
    """IAM's matching of an action pattern (`bedrock:Invoke*`) against an action, case-insensitive."""
    return fnmatch.fnmatchcase(action.lower(), pattern.lower().replace("[", "[[]"))


def covers_service(pattern: str, service: str) -> bool:
    """The pattern allows every action of the service (`sagemaker:*`, `*`, `*:*`)."""
    if pattern.strip() == ANY:
        return True
    if ":" not in pattern:
        return False
    prefix, _, name = pattern.partition(":")
    return fnmatch.fnmatchcase(service.lower(), prefix.lower()) and set(name) == {"*"}


def any_resource(resource: Any) -> bool:
    """`*`, or an ARN pattern whose resource part is all wildcards (`arn:aws:s3:::*`)."""
    if not isinstance(resource, str):
        return False
    if resource.strip() == ANY:
        return True
    parts = resource.split(":", 5)
    return len(parts) == 6 and parts[0] == "arn" and set(parts[5]) <= {"*", "/"} and "*" in parts[5]


def unknown_in(items: Any) -> Unknown | None:
    if isinstance(items, Unknown):
        return items
    for item in items or ():
        if isinstance(item, Unknown):
            return item
    return None


def reaches_any_resource(statement: Statement) -> bool | Unknown:
    """True when the statement applies to every resource (`*`, or NotResource), an Unknown when
    that rests on a value we cannot know; a managed resource's attribute is one resource."""
    if statement.not_resources is not None:
        return True
    resources = statement.resources
    if isinstance(resources, Unknown):
        return False if is_reference(resources) else resources
    if any(any_resource(r) for r in resources or () if isinstance(r, str)):
        return True
    for item in resources or ():
        if isinstance(item, Unknown) and not is_reference(item) and _REF_MARK not in item.expr \
                and "${...}" not in item.expr:
            return item
    return False


def condition_keys(statement: Statement) -> set[str] | Unknown:
    conditions = statement.conditions
    if conditions is None:
        return set()
    if isinstance(conditions, Unknown) or not isinstance(conditions, dict):
        return conditions if isinstance(conditions, Unknown) else Unknown(str(conditions))
    keys: set[str] = set()
    for operator in conditions.values():
        if isinstance(operator, Unknown):
            return operator
        if isinstance(operator, dict):
            keys |= {k.lower() for k in operator}
    return keys
