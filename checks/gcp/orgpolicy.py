"""The `ainotebooks.*` organization policy constraints (AIP445). Nothing is judged unless a policy
for one of them is declared: an organization's policies usually live outside the module being
scanned, so their absence says nothing. A declared policy that turns one of these boolean
constraints off (a rule with `enforce = "FALSE"` and no condition, `reset = true`, or the legacy
`boolean_policy { enforced = false }` / `restore_policy { default = true }`) is a finding: it lifts,
for its project or folder, a protection the organization may enforce above it.

`ainotebooks.accessMode`, `environmentOptions` and `restrictVpcNetworks` are list constraints whose
right values depend on the organization: not judged.
"""
from __future__ import annotations

import re
from typing import Iterable

from analyzer.check import Check, Context, Result, Severity, Status, bad, good, unknown_result
from analyzer.model import Resource, Unknown, Value
from checks.gcp.common import OWASP_ML, REGISTRY, truthy

POLICY = "gcp.orgpolicy.policy"
LEGACY = ("gcp.orgpolicy.project_policy", "gcp.orgpolicy.folder_policy", "gcp.orgpolicy.organization_policy")
CONSTRAINTS = ("disableRootAccess", "disableFileDownloads", "disableTerminal", "requireAutoUpgradeSchedule",
               "restrictPublicIp")
_CONSTRAINT = re.compile(r"ainotebooks\.(" + "|".join(CONSTRAINTS) + r")\W*\Z")


def _constraint(value: Value) -> str | None:
    """The ainotebooks constraint a policy's name or constraint names, read from its literal text
    (`"projects/${var.project}/policies/ainotebooks.disableRootAccess"` names it too)."""
    text = value.raw if isinstance(value.raw, str) else value.raw.expr if isinstance(value.raw, Unknown) else ""
    found = _CONSTRAINT.search(text.strip())
    return f"ainotebooks.{found.group(1)}" if found else None


def _blocks(value: Value) -> list[dict]:
    raw = value.raw
    items = raw if isinstance(raw, list) else [value] if isinstance(raw, dict) else []
    return [item.raw for item in items if isinstance(item, Value) and isinstance(item.raw, dict)]


def _rule(resource: Resource, context: Context) -> Iterable[Result]:
    if resource.kind == POLICY:
        constraint = _constraint(resource.get("name"))
        if constraint is None:
            return
        reset = resource.get("spec.reset")
        if truthy(reset.raw) is True:
            yield Result(Status.FAIL, f"`spec.reset` is true: {constraint} falls back to its default, not enforced",
                         "spec.reset", reset.span)
            return
        for rule in _blocks(resource.get("spec.rules")):
            enforce = rule.get("enforce")
            if enforce is None or "condition" in rule:
                continue
            if isinstance(enforce.raw, Unknown):
                yield unknown_result(resource, "spec.rules.enforce", enforce)
                return
            if truthy(enforce.raw) is False:
                yield Result(Status.FAIL, f"`enforce` is \"FALSE\": the policy turns {constraint} off",
                             "spec.rules.enforce", enforce.span)
                return
        yield Result(Status.PASS, f"{constraint} is not turned off", "spec.rules", None)
        return
    constraint = _constraint(resource.get("constraint"))
    if constraint is None:
        return
    restore = resource.get("restore_policy.default")
    if truthy(restore.raw) is True:
        yield Result(Status.FAIL, f"`restore_policy.default` is true: {constraint} falls back to its default, not "
                                  "enforced", "restore_policy.default", restore.span)
        return
    enforced = resource.get("boolean_policy.enforced")
    if isinstance(enforced.raw, Unknown):
        yield unknown_result(resource, "boolean_policy.enforced", enforced)
    elif not enforced.absent and truthy(enforced.raw) is False:
        yield Result(Status.FAIL, f"`boolean_policy.enforced` is false: the policy turns {constraint} off",
                     "boolean_policy.enforced", enforced.span)
    else:
        yield Result(Status.PASS, f"{constraint} is not turned off", "boolean_policy.enforced", enforced.span)


ORG_POLICY = Check(
    id="AIP445",
    name="ainotebooks-org-policy-not-enforced",
    title="Declared ainotebooks organization policies do not turn their protection off",
    # MEDIUM: it re-opens root access, downloads, terminals or public IPs for every notebook below it
    severity=Severity.MEDIUM,
    kinds=(POLICY, *LEGACY),
    rule=_rule,
    description=(
        "The boolean `ainotebooks.*` constraints (`disableRootAccess`, `disableFileDownloads`, "
        "`disableTerminal`, `requireAutoUpgradeSchedule`, `restrictPublicIp`) make Workbench enforce, for "
        "every new instance below the policy, what AIP400 and AIP403 to AIP406 check one instance at a "
        "time. A policy declared for one of them that sets `enforce = \"FALSE\"` without a condition, "
        "`reset = true` (the constraint's default, not enforced), or in the legacy resources "
        "`boolean_policy { enforced = false }` or `restore_policy { default = true }`, lifts that "
        "protection for its project or folder even when the organization enforces it. Policies are only "
        "judged where they are declared: a module without them says nothing about the organization's. "
        "Exceptions for tagged resources (a rule with a `condition`) are not findings."
    ),
    references=("https://cloud.google.com/vertex-ai/docs/workbench/instances/manage-access-org-policy",
                "https://cloud.google.com/resource-manager/docs/organization-policy/org-policy-constraints",
                f"{REGISTRY}/org_policy_policy", f"{REGISTRY}/google_project_organization_policy"),
    compliance={OWASP_ML: ("ML05",)},
    anchors=(),
    examples=(
        bad("terraform", '''
resource "google_org_policy_policy" "root" {
  name   = "projects/${var.project}/policies/ainotebooks.disableRootAccess"
  parent = "projects/${var.project}"

  spec {
    rules {
      enforce = "FALSE"
    }
  }
}
'''),
        good("terraform", '''
resource "google_org_policy_policy" "root" {
  name   = "projects/${var.project}/policies/ainotebooks.disableRootAccess"
  parent = "projects/${var.project}"

  spec {
    rules {
      condition {
        expression = "resource.matchTag('123456789012/sandbox', 'yes')"
      }
      enforce = "FALSE"
    }
    rules {
      enforce = "TRUE"
    }
  }
}
'''),
        bad("terraform", '''
resource "google_project_organization_policy" "downloads" {
  project    = "ml-prod"
  constraint = "constraints/ainotebooks.disableFileDownloads"

  boolean_policy {
    enforced = false
  }
}
'''),
        good("terraform", '''
resource "google_folder_organization_policy" "public_ip" {
  folder     = "folders/123456789012"
  constraint = "ainotebooks.restrictPublicIp"

  boolean_policy {
    enforced = true
  }
}
'''),
        good("terraform", '''
resource "google_org_policy_policy" "vm_ip" {
  name   = "projects/ml-prod/policies/compute.vmExternalIpAccess"
  parent = "projects/ml-prod"

  spec {
    reset = true
  }
}
'''),
    ),
)

CHECKS = (ORG_POLICY,)
