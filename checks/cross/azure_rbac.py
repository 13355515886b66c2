"""Azure role assignments of AI roles at broad scopes (AIP470).

Role definition ids of the built-in roles: learn.microsoft.com/azure/role-based-access-control/built-in-roles
(Cognitive Services OpenAI Contributor a001fd3d-188f-4b5d-821b-7da978bf7442, Cognitive Services
Contributor 25fbc0a9-bd7c-42a3-aa1a-3b75d497ee68, AzureML Data Scientist
f6c7c914-8db3-469d-8ca1-694a8f32e121). A Bicep or ARM assignment without its own `scope` takes
the scope of its deployment (`targetScope`, the template's `$schema`: meta["target_scope"]).
"""
from __future__ import annotations

import re
from typing import Iterable

from analyzer.check import Check, Context, Result, Severity, Status, bad, good
from analyzer.model import Resource, Unknown

ROLE_ASSIGNMENT = "azure.authorization.role_assignment"

AI_ROLES = {
    "a001fd3d-188f-4b5d-821b-7da978bf7442": "Cognitive Services OpenAI Contributor",
    "25fbc0a9-bd7c-42a3-aa1a-3b75d497ee68": "Cognitive Services Contributor",
    "f6c7c914-8db3-469d-8ca1-694a8f32e121": "AzureML Data Scientist",
}
AI_ROLE_NAMES = {name.lower(): name for name in AI_ROLES.values()}
_GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_SUBSCRIPTION_LITERAL = re.compile(r"^/subscriptions/[^/]+/?$", re.I)
_GROUP_LITERAL = re.compile(r"^/providers/Microsoft\.Management/managementGroups/[^/]+/?$", re.I)
_SUBSCRIPTION_REF = re.compile(r"^(?:data\.)?azurerm_subscription\.[\w-]+(?:\[[^\]]*\])?\.id$")
_GROUP_REF = re.compile(r"^(?:data\.)?azurerm_management_group\.[\w-]+(?:\[[^\]]*\])?\.id$")
_SUBSCRIPTION_TEMPLATE = re.compile(r'^(?:"/subscriptions/\$\{[^}]+\}/?"|format\("/subscriptions/%s/?",\s*[^,()]+\))$')


_AZURE_SCOPES = {"subscription": "subscription", "managementgroup": "management group", "tenant": "tenant root"}


def _role(resource: Resource) -> str | Unknown | None:
    name = resource.native("role_definition_name").raw
    if isinstance(name, str):
        return AI_ROLE_NAMES.get(name.lower())
    definition = resource.get("role_definition_id").raw
    text = definition.expr if isinstance(definition, Unknown) else definition if isinstance(definition, str) else None
    if text is not None:
        match = _GUID.findall(text)
        if match:
            return AI_ROLES.get(match[-1].lower())
    if isinstance(name, Unknown):
        return name
    if isinstance(definition, Unknown):
        return definition
    return None


def _scope(raw: object) -> str | Unknown | None:
    """"subscription", "management group", None (narrower) or Unknown."""
    if isinstance(raw, str):
        if raw.strip() == "/":
            return "tenant root"
        if _SUBSCRIPTION_LITERAL.match(raw):
            return "subscription"
        if _GROUP_LITERAL.match(raw):
            return "management group"
        return None
    if not isinstance(raw, Unknown):
        return None
    text = raw.expr.strip()
    if _SUBSCRIPTION_REF.match(text) or _SUBSCRIPTION_TEMPLATE.match(text):
        return "subscription"
    if _GROUP_REF.match(text):
        return "management group"
    if raw.reason == "resource" or re.match(r"^(?:data\.)?azurerm_[\w-]+\.[\w-]+(?:\[[^\]]*\])?\.id$", text):
        return None  # a resource group, account or workspace
    return raw


def _azure_scope(resource: Resource, raw: object) -> str | Unknown | None:
    """A Bicep or ARM assignment's scope: its own `scope` (`subscription()`, a resource), else
    its deployment's."""
    if raw is None:
        return _AZURE_SCOPES.get(str(resource.meta.get("target_scope", "")).lower())
    text = raw.expr if isinstance(raw, Unknown) else raw if isinstance(raw, str) else ""
    if re.fullmatch(r"\[?\s*subscription\(\)(?:\.id)?\s*\]?", text.strip()):
        return "subscription"
    if re.fullmatch(r"\[?\s*managementGroup\(\)(?:\.id)?\s*\]?", text.strip(), re.I):
        return "management group"
    if isinstance(raw, Unknown) and raw.reason == "resource":
        return None  # a resource symbol (`scope: account`): narrower
    return _scope(raw)


def _broad(resource: Resource, context: Context) -> Iterable[Result]:
    scope_value = resource.native("scope")
    if resource.framework in ("bicep", "arm"):
        scope = _azure_scope(resource, None if scope_value.absent else scope_value.raw)
    else:
        scope = _scope(scope_value.raw)
    if scope is None:
        yield Result(Status.PASS, "the assignment's scope is narrower than a subscription", "scope", scope_value.span)
        return
    role = _role(resource)
    if role is None:
        return
    if isinstance(scope, Unknown) or isinstance(role, Unknown):
        what = scope if isinstance(scope, Unknown) else role
        if isinstance(scope, Unknown) and isinstance(role, str) or isinstance(role, Unknown) and isinstance(scope, str):
            first = what.expr.splitlines()[0]
            yield Result(Status.UNKNOWN, f"`{first}` cannot be resolved before deployment, so whether the assignment "
                                         "gives an AI role at subscription scope is unknown", "scope", scope_value.span)
        return
    yield Result(Status.FAIL, f"`{role}` is assigned at {scope} scope: it reaches every AI account and workspace "
                              f"there, present and future; assign it on the account or workspace", "scope",
                 scope_value.span)


TF = '''
    data "azurerm_subscription" "current" {}

    resource "azurerm_resource_group" "ai" {
      name     = "rg-ai"
      location = "eastus"
    }

    resource "azurerm_role_assignment" "ml_team" {
      scope                = %s
      role_definition_name = "%s"
      principal_id         = var.ml_team_group_id
    }

    variable "ml_team_group_id" {
      type    = string
      default = "00000000-0000-0000-0000-000000000000"
    }
'''

TF_BY_ID = '''
    resource "azurerm_role_assignment" "openai" {
      scope              = "/subscriptions/11111111-2222-3333-4444-555555555555"
      role_definition_id = "/subscriptions/11111111-2222-3333-4444-555555555555/providers/Microsoft.Authorization/roleDefinitions/%s"
      principal_id       = "00000000-0000-0000-0000-000000000000"
    }
'''

# %s: the deployment's target scope line (none: a resource group)
BICEP = '''
    %sparam principalId string = '00000000-0000-0000-0000-000000000000'

    resource openaiContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
      name: guid(principalId, 'openai-contributor')
      properties: {
        roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '%s')
        principalId: principalId
        principalType: 'Group'
      }
    }
'''

ARM = '''
    {
      "$schema": "https://schema.management.azure.com/schemas/2018-05-01/%s.json#",
      "contentVersion": "1.0.0.0",
      "resources": [
        {
          "type": "Microsoft.Authorization/roleAssignments",
          "apiVersion": "2022-04-01",
          "name": "[guid('ml-team', 'cognitive-services-contributor')]",
          "properties": {
            "roleDefinitionId": "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '%s')]",
            "principalId": "00000000-0000-0000-0000-000000000000"
          }
        }
      ]
    }
'''

AI_ROLE_ASSIGNMENT_BROAD_SCOPE = Check(
    id="AIP470",
    name="ai-role-assignment-broad-scope",
    title="Azure AI contributor roles are assigned on the account or workspace, not a whole subscription",
    severity=Severity.HIGH,
    kinds=(ROLE_ASSIGNMENT,),
    rule=_broad,
    description=(
        "Cognitive Services OpenAI Contributor, Cognitive Services Contributor and AzureML Data "
        "Scientist assigned at a subscription or management group apply to every Azure OpenAI, AI "
        "services account and Machine Learning workspace below it, including those created later: "
        "Cognitive Services Contributor can list and regenerate every account's API keys, and the "
        "others can deploy models, upload fine-tuning data and run jobs anywhere. Assign them on "
        "the resource (or at most the resource group) the principal works on. In Bicep and ARM an "
        "assignment without its own `scope` applies where its deployment does (`targetScope`, the "
        "template's `$schema`)."
    ),
    references=("https://learn.microsoft.com/azure/ai-services/openai/how-to/role-based-access-control",
                "https://learn.microsoft.com/azure/role-based-access-control/best-practices"),
    compliance={"owasp-llm": ("LLM06",), "cwe": ("CWE-250",)},
    anchors=(),
    examples=(
        bad("terraform", TF % ("data.azurerm_subscription.current.id", "Cognitive Services OpenAI Contributor")),
        bad("terraform", TF_BY_ID % "25fbc0a9-bd7c-42a3-aa1a-3b75d497ee68"),
        good("terraform", TF % ("azurerm_resource_group.ai.id", "Cognitive Services OpenAI Contributor")),
        good("terraform", TF % ("data.azurerm_subscription.current.id", "Cognitive Services OpenAI User")),
        good("terraform", TF_BY_ID % "5e0bd9bd-7b93-4f28-af87-19fc36ad61bd"),
        bad("bicep", BICEP % ("targetScope = 'subscription'\n", "a001fd3d-188f-4b5d-821b-7da978bf7442")),
        good("bicep", BICEP % ("", "a001fd3d-188f-4b5d-821b-7da978bf7442")),
        bad("arm", ARM % ("subscriptionDeploymentTemplate", "25fbc0a9-bd7c-42a3-aa1a-3b75d497ee68"),
            filename="azuredeploy.json"),
        good("arm", ARM % ("deploymentTemplate", "25fbc0a9-bd7c-42a3-aa1a-3b75d497ee68"), filename="azuredeploy.json"),
    ),
)

CHECKS: tuple[Check, ...] = (AI_ROLE_ASSIGNMENT_BROAD_SCOPE,)
