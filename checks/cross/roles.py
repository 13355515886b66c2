"""Who an IAM policy reaches, and which roles are AI execution roles, through the context graph.

The shapes followed (Terraform / CloudFormation): a role's own policies (`inline_policy` blocks,
`managed_policy_arns` / `Policies`, `ManagedPolicyArns`); `aws_iam_role_policy` / `AWS::IAM::RolePolicy`
naming the role; `aws_iam_policy` attached by `aws_iam_role_policy_attachment`,
`aws_iam_policy_attachment`, `aws_iam_role_policy_attachments_exclusive` or a role's
`managed_policy_arns`; `AWS::IAM::ManagedPolicy` and `AWS::IAM::Policy` listing the role in `Roles`.
A role is named by reference or by its literal name.
"""
from __future__ import annotations

import re
from typing import Any, Iterable

from analyzer.check import Context
from analyzer.model import Resource, Span, Unknown, to_plain
from checks.cross import policy as P

ROLE = "aws.iam.role"
ROLE_POLICY = "aws.iam.role_policy"
POLICY = "aws.iam.policy"
PRINCIPAL_POLICY = "aws.iam.principal_policy"
ATTACHMENT = "aws.iam.role_policy_attachment"
POLICY_ATTACHMENT = "aws.iam.policy_attachment"
HOLDERS = (ROLE, ROLE_POLICY, POLICY, PRINCIPAL_POLICY, ATTACHMENT, POLICY_ATTACHMENT)

# resources that run as a role they name: SageMaker and Bedrock, any type
AI_PREFIXES = ("aws_sagemaker_", "aws_bedrock", "AWS::SageMaker::", "AWS::Bedrock::")
AI_SERVICES = ("sagemaker.amazonaws.com", "bedrock.amazonaws.com")

_ROLE_FIELDS = {  # holder kind -> (Terraform, CloudFormation) native attribute naming the role(s)
    ROLE_POLICY: ("role", "RoleName"),
    PRINCIPAL_POLICY: ("", "Roles"),
    POLICY: ("", "Roles"),
    ATTACHMENT: ("role", ""),
    POLICY_ATTACHMENT: ("roles", ""),
}
_AWS_MANAGED = re.compile(r":iam::aws:policy/(?:[\w+=,.@-]+/)*([\w+=,.@-]+)\"?\)?\}?$")


def _field(resource: Resource, pair: tuple[str, str]) -> str:
    return pair[1] if resource.framework == "cloudformation" else pair[0]


def role_name(role: Resource) -> str | None:
    value = role.native("RoleName" if role.framework == "cloudformation" else "name")
    return value.raw if isinstance(value.raw, str) else None


def _named(value: Any, context: Context) -> list[Resource]:
    """Roles of the module named literally by `value` (a name, or a list of names)."""
    items = P.as_list(to_plain(value))
    names = {v for v in items if isinstance(v, str)} if isinstance(items, list) else set()
    return [r for r in context.by_kind.get(ROLE, ()) if role_name(r) in names] if names else []


def _roles_at(holder: Resource, path: str, context: Context) -> list[Resource]:
    if not path or path not in holder.attrs:
        return []
    found = context.targets(holder, path, kinds=[ROLE])
    return found + [r for r in _named(holder.attrs[path].raw, context) if all(r is not f for f in found)]


def roles_of(holder: Resource, context: Context) -> list[tuple[Resource, tuple[tuple[Span, str], ...]]]:
    """The roles a holder's policy reaches, each with the hops between them (attachments)."""
    if holder.kind == ROLE:
        return [(holder, ())]
    found: list[tuple[Resource, tuple[tuple[Span, str], ...]]] = []

    def add(roles: Iterable[Resource], hops: tuple[tuple[Span, str], ...] = ()) -> None:
        for role in roles:
            if all(role is not r for r, _ in found):
                found.append((role, hops))

    if holder.kind in _ROLE_FIELDS:
        add(_roles_at(holder, _field(holder, _ROLE_FIELDS[holder.kind]), context))
    if holder.kind == POLICY:
        for referrer, path in context.referrers(holder):
            hop = ((P.where(referrer, path), f"attached by `{referrer.address}`"),)
            if referrer.kind == ROLE:
                add([referrer])
            elif referrer.kind in (ATTACHMENT, POLICY_ATTACHMENT):
                add(_roles_at(referrer, "role" if referrer.kind == ATTACHMENT else "roles", context), hop)
            elif referrer.native_type == "aws_iam_role_policy_attachments_exclusive":
                add(_roles_at(referrer, "role_name", context), hop)
    return found


def ai_users(role: Resource, context: Context) -> list[tuple[Resource, str]]:
    """The SageMaker and Bedrock resources that run as the role, with the attribute naming it."""
    return [(r, path) for r, path in context.referrers(role) if r.native_type.startswith(AI_PREFIXES)]


def trust_document(role: Resource, context: Context) -> P.Document | None:
    path = "AssumeRolePolicyDocument" if role.framework == "cloudformation" else "assume_role_policy"
    return P.document(role, path, context)


def trusted_services(role: Resource, context: Context) -> set[str]:
    """The AWS services the role's trust policy lets assume it (lower case)."""
    found: set[str] = set()
    doc = trust_document(role, context)
    for statement in doc.statements if doc else ():
        principals = statement.principals
        if statement.effect != "Allow" or not isinstance(principals, dict):
            continue
        for key, ids in principals.items():
            if isinstance(key, str) and key.lower() == "service":
                found |= {s.lower() for s in P.as_list(ids) or [] if isinstance(s, str)}
    return found


def ai_role(role: Resource, context: Context) -> tuple[list[tuple[Resource, str]], set[str]] | None:
    """(the AI resources that run as it, the AI services that may assume it) when the role is an
    AI execution role, else None."""
    users = ai_users(role, context)
    services = trusted_services(role, context) & set(AI_SERVICES)
    return (users, services) if users or services else None


def role_hops(role: Resource, users: list[tuple[Resource, str]], services: set[str],
              context: Context) -> list[tuple[Span, str]]:
    hops = [(role.header or role.span, f"role `{role.address}`")]
    for user, path in users:
        hops.append((P.where(user, path), f"`{user.address}` runs as `{role.address}`"))
    if services and not users:
        doc = trust_document(role, context)
        if doc and doc.span:
            hops.append((doc.span, f"`{role.address}` may be assumed by {', '.join(sorted(services))}"))
    return hops


def role_label(role: Resource, users: list[tuple[Resource, str]], services: set[str]) -> str:
    if users:
        names = ", ".join(f"`{u.address}`" for u, _ in users[:3]) + (" and others" if len(users) > 3 else "")
        return f"`{role.address}`, the execution role of {names}"
    return f"`{role.address}`, a role {' and '.join(sorted(services))} may assume"


# --- documents a holder writes, managed policies it attaches -------------------------------------


def documents(holder: Resource, context: Context) -> list[P.Document]:
    cfn = holder.framework == "cloudformation"
    paths: list[str] = []
    if holder.kind == ROLE:
        blocks = holder.attrs.get("Policies" if cfn else "inline_policy")
        count = len(blocks.raw) if blocks is not None and isinstance(blocks.raw, list) else 0
        paths = [f"Policies.{i}.PolicyDocument" if cfn else f"inline_policy.{i}.policy" for i in range(count)]
    elif holder.kind in (ROLE_POLICY, POLICY, PRINCIPAL_POLICY):
        paths = ["PolicyDocument" if cfn else "policy"]
    found = []
    for path in paths:
        doc = P.document(holder, path, context)
        if doc is not None:
            found.append(doc)
    return found


def managed_arns(holder: Resource, context: Context) -> list[tuple[str, Any, Span]]:
    """(native path, the AWS managed policy's name or an Unknown, span) for each managed policy
    the holder attaches whose document is not in the module (customer policies of the module
    are judged where they are written)."""
    cfn = holder.framework == "cloudformation"
    path = {ROLE: "ManagedPolicyArns" if cfn else "managed_policy_arns", ATTACHMENT: "policy_arn",
            POLICY_ATTACHMENT: "policy_arn"}.get(holder.kind)
    if path is None or path not in holder.attrs:
        return []
    value = holder.attrs[path]
    span = P.widened(value) or value.span
    items = value.raw if isinstance(value.raw, list) else [value]
    found: list[tuple[str, Any, Span]] = []
    for item in items:
        raw = item.raw
        if isinstance(raw, str):
            match = _AWS_MANAGED.search(raw)
            if match:
                found.append((path, match.group(1), span))
            continue
        if not isinstance(raw, Unknown):
            continue
        match = _AWS_MANAGED.search(raw.expr.strip())
        if match:
            found.append((path, match.group(1), span))
            continue
        if raw.reason in ("resource", "import") or P.is_reference(raw) or raw.expr.startswith(("!Ref", "!GetAtt")):
            continue  # the module's own policy: judged where its document is written
        if raw.reason == "data" or raw.expr.startswith("data."):
            data = [t for t in context.targets(holder, path) if t.native_type == "aws_iam_policy" and not t.kind]
            if data:
                name = data[0].native("name").raw
                arn = data[0].native("arn").raw
                match = _AWS_MANAGED.search(arn) if isinstance(arn, str) else None
                found.append((path, name if isinstance(name, str) else match.group(1) if match else raw, span))
                continue
        found.append((path, raw, span))
    return found
