"""Azure OpenAI / AI services accounts with no diagnostic setting (AIP461): the account's request
and audit logs go nowhere.

A diagnostic setting points at its account: Terraform's `target_resource_id`, Bicep's `scope`.
The context graph links the two; an ARM setting's evaluated `scope` string
("Microsoft.CognitiveServices/accounts/<name>") is matched to the account's name. An account in a
module whose settings point at a target that cannot be resolved is UNKNOWN rather than a failure.
"""
from __future__ import annotations

from typing import Iterable

from analyzer.check import Check, Context, Result, Severity, Status, bad, good
from analyzer.model import Resource

ACCOUNT = "azure.cognitive.account"
SETTING = "azure.monitor.diagnostic_setting"


def _scoped_by_text(setting: Resource, account: Resource) -> bool:
    """An ARM setting whose evaluated `scope` names the account: "Microsoft.CognitiveServices/accounts/<name>"."""
    scope, name = setting.native("scope").raw, account.native("name").raw
    return (isinstance(scope, str) and isinstance(name, str)
            and scope.lower().rstrip("/").endswith(f"{account.native_type.lower()}/{name.lower()}"))


def _diagnostics(resource: Resource, context: Context) -> Iterable[Result]:
    linked = [s for s, _ in context.referrers(resource, kinds=[SETTING])]
    linked += [s for s in context.by_kind.get(SETTING, ()) if _scoped_by_text(s, resource)]
    if linked:
        yield Result(Status.PASS, f"`{linked[0].address}` sends the account's logs", "", None)
        return
    unlinked = [s for s in context.by_kind.get(SETTING, ()) if not context.targets(s)
                and not isinstance(s.native("scope").raw, str)]
    if unlinked:
        yield Result(Status.UNKNOWN, f"diagnostic settings are declared (`{unlinked[0].address}`) but whether one "
                                     "covers this account cannot be resolved before deployment", "", None)
        return
    yield Result(Status.FAIL, "no diagnostic setting sends this account's logs (requests, audit) to a Log "
                              "Analytics workspace, storage account or event hub", "", None)


_TF_ACCOUNT = '''
    resource "azurerm_cognitive_account" "openai" {
      name                = "oai-prod"
      location            = "eastus"
      resource_group_name = "rg-ai"
      kind                = "OpenAI"
      sku_name            = "S0"
    }
'''
_TF_SETTING = '''
    resource "azurerm_monitor_diagnostic_setting" "openai" {
      name                       = "to-law"
      target_resource_id         = azurerm_cognitive_account.openai.id
      log_analytics_workspace_id = "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/law"
      enabled_log {
        category_group = "allLogs"
      }
    }
'''
_BICEP_ACCOUNT = '''
    resource account 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
      name: 'oai-prod'
      location: 'eastus'
      kind: 'OpenAI'
      sku: {
        name: 'S0'
      }
      properties: {}
    }
'''
_BICEP_SETTING = '''
    resource logs 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
      name: 'to-law'
      scope: account
      properties: {
        workspaceId: '/subscriptions/0000/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/law'
        logs: [
          {
            categoryGroup: 'allLogs'
            enabled: true
          }
        ]
      }
    }
'''
_ARM = '''
    {
      "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
      "contentVersion": "1.0.0.0",
      "resources": [
        {
          "type": "Microsoft.CognitiveServices/accounts",
          "apiVersion": "2024-10-01",
          "name": "oai-prod",
          "location": "eastus",
          "kind": "OpenAI",
          "sku": {"name": "S0"},
          "properties": {}
        }%s
      ]
    }
'''
_ARM_SETTING = ''',
        {
          "type": "Microsoft.Insights/diagnosticSettings",
          "apiVersion": "2021-05-01-preview",
          "scope": "[format('Microsoft.CognitiveServices/accounts/{0}', 'oai-prod')]",
          "name": "to-law",
          "properties": {
            "workspaceId": "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/law",
            "logs": [{"categoryGroup": "allLogs", "enabled": true}]
          }
        }'''

ACCOUNT_DIAGNOSTICS = Check(
    id="AIP461",
    name="ai-services-diagnostic-logs",
    title="Azure AI services accounts send their logs to a diagnostic destination",
    severity=Severity.LOW,  # detection, not prevention: the same weight as Bedrock's AIP460
    kinds=(ACCOUNT,),
    rule=_diagnostics,
    description=(
        "Without a diagnostic setting an Azure OpenAI or AI services account keeps no request or "
        "audit log anywhere you can query: who called which deployment, with which key or "
        "identity, and what the content filters blocked cannot be investigated after an abuse or a "
        "leaked key. Add a diagnostic setting (`azurerm_monitor_diagnostic_setting`, or a "
        "`Microsoft.Insights/diagnosticSettings` resource scoped to the account) that sends the "
        "`allLogs` category group to a Log Analytics workspace, storage account or event hub."
    ),
    references=("https://learn.microsoft.com/azure/ai-services/diagnostic-logging",),
    compliance={"owasp-llm": ("LLM10",)},
    anchors=("Azure Policy: Resource logs in Azure AI services resources should be enabled (runtime)",),
    examples=(
        bad("terraform", _TF_ACCOUNT),
        good("terraform", _TF_ACCOUNT + _TF_SETTING),
        bad("bicep", _BICEP_ACCOUNT),
        good("bicep", _BICEP_ACCOUNT + _BICEP_SETTING),
        bad("arm", _ARM % "", filename="azuredeploy.json"),
        good("arm", _ARM % _ARM_SETTING, filename="azuredeploy.json"),
    ),
)

CHECKS = (ACCOUNT_DIAGNOSTICS,)
