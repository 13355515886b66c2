"""Azure AI services checks (AIP300-AIP349): Azure OpenAI, AI Services / Cognitive Services accounts,
AI Foundry resources, hubs and projects, and the content filters (RAI policies) of model deployments.

Attribute names: terraform-provider-azurerm `internal/services/cognitive/*_resource.go`
(azurerm_cognitive_account, azurerm_ai_services, azurerm_cognitive_account_customer_managed_key,
azurerm_cognitive_account_rai_policy, azurerm_cognitive_account_project) and
`internal/services/machinelearning/ai_foundry*_resource.go` (azurerm_ai_foundry as a hub); ARM / Bicep
property names from the Microsoft.CognitiveServices resource reference (the aliases are in
analyzer/kinds.py; azapi reads the ARM names under `body`). What Azure does when a property is absent:
../shared/research/defaults.md section 3. Anchors: ../shared/research/anchor-checks.md section 2, and
the gaps of section 7 (items 5, 6, 15, 27, 41) that no anchor checks.

`azurerm_ai_foundry` names two different resources across provider versions: a Foundry hub (a Machine
Learning workspace: `storage_account_id`, `key_vault_id`, `encryption {}`) in the released providers,
and a Foundry resource (a Cognitive Services account of kind AIServices: `sku_name`, network ACLs,
`local_authentication_enabled`, `customer_managed_key {}`) in the provider's newer sources. The checks
tell them apart by `sku_name`, which only the account has, and judge a hub only on what a hub has.
"""
from __future__ import annotations

from typing import Any, Iterable

from analyzer import kinds
from analyzer.check import (
    Applicability, Check, Context, Result, Severity, Status, bad, good, name_of, placeholder, set_attr, shown,
    unknown_result,
)
from analyzer.model import Resource, Unknown, Value
from checks.azure.ml import identity_type

ACCOUNT = "azure.cognitive.account"
AI_SERVICES = "azure.cognitive.ai_services"
FOUNDRY = "azure.ai_foundry"
PROJECT = "azure.cognitive.project"
FOUNDRY_PROJECT = "azure.ai_foundry.project"
ACCOUNT_CMK = "azure.cognitive.account_cmk"
RAI_POLICY = "azure.cognitive.rai_policy"

ACCOUNTS = (ACCOUNT, AI_SERVICES, FOUNDRY)

NETWORK_DOC = "https://learn.microsoft.com/azure/ai-services/cognitive-services-virtual-networks"
AUTH_DOC = "https://learn.microsoft.com/azure/ai-services/disable-local-auth"
SUBDOMAIN_DOC = "https://learn.microsoft.com/azure/ai-services/cognitive-services-custom-subdomains"
IDENTITY_DOC = "https://learn.microsoft.com/azure/ai-services/openai/how-to/managed-identity"
CMK_DOC = "https://learn.microsoft.com/azure/ai-services/openai/encrypt-data-at-rest"
OUTBOUND_DOC = "https://learn.microsoft.com/azure/ai-services/cognitive-services-data-loss-prevention"
FILTER_DOC = "https://learn.microsoft.com/azure/ai-foundry/openai/concepts/content-filter"
FILTER_HOWTO = "https://learn.microsoft.com/azure/ai-foundry/openai/how-to/content-filters"
SHIELDS_DOC = "https://learn.microsoft.com/azure/ai-services/content-safety/concepts/jailbreak-detection"
BENCHMARK = "https://learn.microsoft.com/security/benchmark/azure/baselines/azure-openai-security-baseline"


# --- helpers ------------------------------------------------------------------------------------


def _dialect(resource: Resource) -> str:
    return kinds.dialect(resource.framework, resource.native_type)


def _arm_shaped(resource: Resource) -> bool:
    """Bicep, ARM and azapi write the ARM request (`properties.*`); azurerm has its own names."""
    return _dialect(resource) in ("bicep", "arm", kinds.AZAPI)


def _hub(resource: Resource) -> bool:
    """An `azurerm_ai_foundry` of the hub shape (a Machine Learning workspace): no `sku_name`."""
    return resource.kind == FOUNDRY and resource.native("sku_name").absent


def _written(resource: Resource, path: str) -> str:
    """The attribute's value as written, for messages: `true`, `"Enabled"`."""
    raw = resource.native(kinds.native_path(resource.kind, path, _dialect(resource))).raw
    if isinstance(raw, bool):
        return "true" if raw else "false"
    return f'"{raw}"' if isinstance(raw, str) else str(raw)


def _pass(path: str, value: Value, message: str = "") -> Result:
    return Result(Status.PASS, message or f"`{path}` is set", path, value.span)


def _set(raw: Any) -> bool:
    return raw not in (None, "", [], {})


def _present(resource: Resource, path: str) -> Value | None:
    """The attribute's Value when it is set (a reference to a managed resource counts), else None;
    an Unknown of any other kind is returned as is for the caller to report."""
    value = resource.get(path)
    if isinstance(value.raw, Unknown):
        return value
    return value if _set(value.raw) else None


# --- AIP300: public network access --------------------------------------------------------------


def _public_off(raw: Any) -> bool:
    """Public access disabled, or left to a network security perimeter ("SecuredByPerimeter")."""
    return raw is False or isinstance(raw, str) and raw.lower() == "securedbyperimeter"


def _public_network(resource: Resource, context: Context) -> Iterable[Result]:
    path = "public_network_access_enabled"
    value = resource.get(path)
    name = name_of(resource, path)
    if value.unknown:
        yield unknown_result(resource, path, value)
    elif _public_off(value.raw):
        yield _pass(path, value)
    elif value.absent:
        yield Result(Status.FAIL, f"`{name}` is not set, so the account is reachable over its public endpoint "
                                  "(public network access is enabled by default); it should be "
                                  f"{shown(resource, path, False)}", path, None)
    else:
        yield Result(Status.FAIL, f"`{name}` is {_written(resource, path)}: the account is reachable over its "
                                  f"public endpoint; it should be {shown(resource, path, False)}", path, value.span)


# --- Terraform, Bicep and ARM examples ----------------------------------------------------------

# {account}: more lines of the account's body (6 spaces: the template is dedented by 4)
_TF = '''
    resource "azurerm_cognitive_account" "openai" {
      name                = "oai-contoso-prod"
      location            = azurerm_resource_group.ai.location
      resource_group_name = azurerm_resource_group.ai.name
      kind                = "OpenAI"
      sku_name            = "S0"
{account}    }

    resource "azurerm_cognitive_deployment" "gpt4o" {
      name                 = "gpt-4o"
      cognitive_account_id = azurerm_cognitive_account.openai.id

      model {
        format  = "OpenAI"
        name    = "gpt-4o"
        version = "2024-08-06"
      }

      sku {
        name = "Standard"
      }
    }
'''

_BICEP = '''
    param location string = resourceGroup().location

    resource openai 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
      name: 'oai-contoso-prod'
      location: location
      kind: 'OpenAI'
      sku: {
        name: 'S0'
      }
{identity}      properties: {
{properties}      }
    }

    resource gpt4o 'Microsoft.CognitiveServices/accounts/deployments@2024-10-01' = {
      parent: openai
      name: 'gpt-4o'
      sku: {
        name: 'Standard'
        capacity: 10
      }
      properties: {
        model: {
          format: 'OpenAI'
          name: 'gpt-4o'
          version: '2024-08-06'
        }
      }
    }
'''

_ARM = '''
    {
      "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
      "contentVersion": "1.0.0.0",
      "parameters": {
        "location": {
          "type": "string",
          "defaultValue": "[resourceGroup().location]"
        }
      },
      "resources": [
        {
          "type": "Microsoft.CognitiveServices/accounts",
          "apiVersion": "2024-10-01",
          "name": "oai-contoso-prod",
          "location": "[parameters('location')]",
          "kind": "OpenAI",
          "sku": {
            "name": "S0"
          },
{identity}          "properties": {
{properties}
          }
        },
        {
          "type": "Microsoft.CognitiveServices/accounts/deployments",
          "apiVersion": "2024-10-01",
          "name": "oai-contoso-prod/gpt-4o",
          "dependsOn": [
            "[resourceId('Microsoft.CognitiveServices/accounts', 'oai-contoso-prod')]"
          ],
          "sku": {
            "name": "Standard",
            "capacity": 10
          },
          "properties": {
            "model": {
              "format": "OpenAI",
              "name": "gpt-4o",
              "version": "2024-08-06"
            }
          }
        }
      ]
    }
'''

# the usual properties of a locked-down account, and of a default one
_TF_PRIVATE = '''      custom_subdomain_name         = "oai-contoso-prod"
      public_network_access_enabled = false
      local_auth_enabled            = false
'''
_BICEP_SUBDOMAIN = "        customSubDomainName: 'oai-contoso-prod'\n"
_ARM_SUBDOMAIN = '            "customSubDomainName": "oai-contoso-prod"'


def _tf(account: str = "") -> str:
    return _TF.replace("{account}", account)


def _bicep(properties: str = _BICEP_SUBDOMAIN, identity: str = "") -> str:
    return _BICEP.replace("{properties}", properties).replace("{identity}", identity)


def _arm(properties: str = _ARM_SUBDOMAIN, identity: str = "") -> str:
    return _ARM.replace("{properties}", properties).replace("{identity}", identity)


_AI_SERVICES = '''
    resource "azurerm_ai_services" "foundry" {
      name                  = "ais-contoso-prod"
      location              = azurerm_resource_group.ai.location
      resource_group_name   = azurerm_resource_group.ai.name
      sku_name              = "S0"
      custom_subdomain_name = "ais-contoso-prod"
{account}    }
'''

_FOUNDRY_HUB = '''
    resource "azurerm_ai_foundry" "hub" {
      name                = "hub-contoso-prod"
      location            = azurerm_resource_group.ai.location
      resource_group_name = azurerm_resource_group.ai.name
      storage_account_id  = azurerm_storage_account.ai.id
      key_vault_id        = azurerm_key_vault.ai.id
{hub}
      identity {
        type = "SystemAssigned"
      }
    }
'''

# an azapi_resource: the ARM request in HCL, read under the ARM names (`body.properties...`)
_AZAPI = '''
    resource "azapi_resource" "openai" {
      type      = "Microsoft.CognitiveServices/accounts@2024-10-01"
      name      = "oai-contoso-prod"
      parent_id = azurerm_resource_group.ai.id
      location  = "swedencentral"

      body = {
        kind = "OpenAI"
        sku = {
          name = "S0"
        }
        properties = {
          customSubDomainName = "oai-contoso-prod"
{properties}        }
      }
    }
'''


# Terraform JSON (CDK for Terraform output)
_TF_JSON = '''
    {
      "resource": {
        "azurerm_cognitive_account": {
          "openai": {
            "name": "oai-contoso-prod",
            "location": "swedencentral",
            "resource_group_name": "rg-ai-prod",
            "kind": "OpenAI",
            "sku_name": "S0",
            "custom_subdomain_name": "oai-contoso-prod"{account}
          }
        }
      }
    }
'''


def _azapi(properties: str = "") -> str:
    return _AZAPI.replace("{properties}", properties)


PUBLIC_NETWORK = Check(
    id="AIP300",
    name="ai-services-public-network",
    title="Azure AI services and Azure OpenAI accounts disable public network access",
    # MEDIUM: an account whose firewall denies by default is not open to everyone (AIP301, HIGH,
    # covers the account that is); this is the stricter private-endpoint-only posture.
    severity=Severity.MEDIUM,
    kinds=ACCOUNTS,
    rule=_public_network,
    description=(
        "An Azure OpenAI or AI services account answers on a public endpoint unless public network "
        "access is disabled: `public_network_access_enabled` defaults to true in azurerm, and an ARM, "
        "Bicep or azapi account without `properties.publicNetworkAccess` accepts connections from "
        "any network. With public access disabled the account is reached only through private "
        "endpoints, so prompts, completions, uploaded files and fine-tuned models never cross the "
        "internet and a leaked key or token is useless outside your network. Private endpoints need "
        "a custom subdomain (AIP306). The fix disables public access, which cuts off every caller that "
        "is not on a private endpoint: review it before applying."
    ),
    remediation=set_attr("public_network_access_enabled", False),
    fix_safety=Applicability.UNSAFE,  # callers outside the private endpoints lose access
    references=(NETWORK_DOC, "https://learn.microsoft.com/azure/ai-services/openai/how-to/network",
                BENCHMARK),
    compliance={"owasp-llm": ("LLM02", "LLM10"), "azure-mcsb": ("NS-2",)},
    anchors=("checkov CKV_AZURE_134", "PSRule Azure.AI.PublicAccess (AZR-000280)",
             "PSRule Azure.AI.PrivateEndpoints (AZR-000283)",
             "Azure Policy 0725b4dd-7e76-479c-a735-68e7ee23d5ca (runtime)"),
    examples=(
        bad("terraform", _tf('      custom_subdomain_name = "oai-contoso-prod"\n'),
            fixed=_tf('      custom_subdomain_name = "oai-contoso-prod"\n'
                      '      public_network_access_enabled = false\n')),
        bad("terraform", _tf('      custom_subdomain_name         = "oai-contoso-prod"\n'
                             '      public_network_access_enabled = true\n'),
            fixed=_tf('      custom_subdomain_name         = "oai-contoso-prod"\n'
                      '      public_network_access_enabled = false\n')),
        good("terraform", _tf(_TF_PRIVATE)),
        bad("bicep", _bicep(), fixed=_bicep(_BICEP_SUBDOMAIN + "        publicNetworkAccess: 'Disabled'\n")),
        good("bicep", _bicep(_BICEP_SUBDOMAIN + "        publicNetworkAccess: 'Disabled'\n")),
        bad("arm", _arm(_ARM_SUBDOMAIN + ',\n            "publicNetworkAccess": "Enabled"'),
            fixed=_arm(_ARM_SUBDOMAIN + ',\n            "publicNetworkAccess": "Disabled"')),
        good("arm", _arm(_ARM_SUBDOMAIN + ',\n            "publicNetworkAccess": "Disabled"')),
        bad("terraform", _AI_SERVICES.replace("{account}", '      public_network_access = "Enabled"\n'),
            fixed=_AI_SERVICES.replace("{account}", '      public_network_access = "Disabled"\n')),
        good("terraform", _AI_SERVICES.replace("{account}", '      public_network_access = "Disabled"\n')),
        bad("terraform", _FOUNDRY_HUB.replace("{hub}", ""),
            fixed=_FOUNDRY_HUB.replace("{hub}", '      public_network_access = "Disabled"\n')),
        good("terraform", _FOUNDRY_HUB.replace("{hub}", '      public_network_access = "Disabled"\n')),
        bad("terraform", _azapi(), fixed=_azapi('          publicNetworkAccess = "Disabled"\n')),
        good("terraform", _azapi('          publicNetworkAccess = "Disabled"\n')),
    ),
)


# --- AIP301: network ACLs deny by default while public access is on ----------------------------


def _network_default_deny(resource: Resource, context: Context) -> Iterable[Result]:
    if _hub(resource):
        return  # a hub has no network ACLs: AIP300 judges its public access
    public = resource.get("public_network_access_enabled")
    if _public_off(public.raw):
        yield _pass("public_network_access_enabled", public, "public network access is disabled")
        return
    path = "network_acls.default_action"
    action = resource.get(path)
    name = name_of(resource, path)
    if action.unknown:
        yield unknown_result(resource, path, action)
    elif isinstance(action.raw, str) and action.raw.lower() == "deny":
        yield _pass(path, action)
    elif public.unknown:
        yield unknown_result(resource, "public_network_access_enabled", public)
    elif action.absent:
        yield Result(Status.FAIL, f"`{name}` is not set and public network access is enabled, so every network "
                                  "can reach the account", path, None)
    else:
        yield Result(Status.FAIL, f"`{name}` is {_written(resource, path)} while public network access is enabled, "
                                  "so every network can reach the account", path, action.span)


_TF_ACLS = '''      custom_subdomain_name = "oai-contoso-prod"

      network_acls {
        default_action = "{action}"
        ip_rules       = ["203.0.113.0/24"]
      }
'''

NETWORK_DEFAULT_DENY = Check(
    id="AIP301",
    name="ai-services-network-default-deny",
    title="Azure AI services accounts with public access deny other networks by default",
    # HIGH where PSRule rates Azure.AI.PublicAccess "Important": no firewall at all means the model
    # endpoint is open to the whole internet, protected by keys alone (often still enabled, AIP302).
    severity=Severity.HIGH,
    kinds=ACCOUNTS,
    rule=_network_default_deny,
    description=(
        "An account whose public endpoint is on should at least have a firewall: network ACLs whose "
        "default action is Deny, so only the listed IP ranges and virtual network subnets get "
        "through. Without `network_acls` (ARM: `properties.networkAcls`), or with its default action "
        "Allow, any address on the internet can call the model and data-plane APIs, and a leaked key "
        "is enough to use them. Disabling public network access (AIP300) passes this check too, as "
        "in PSRule. The fix sets the default action to Deny, which blocks every caller not allowed by "
        "a rule: review the rules first. In azurerm, `network_acls` needs `custom_subdomain_name`."
    ),
    remediation=set_attr("network_acls.default_action", "Deny"),
    fix_safety=Applicability.UNSAFE,
    references=(NETWORK_DOC, BENCHMARK),
    compliance={"owasp-llm": ("LLM10",), "azure-mcsb": ("NS-2",)},
    anchors=("PSRule Azure.AI.PublicAccess (AZR-000280)",
             "Azure Policy: Azure AI Services resources should restrict network access (runtime)"),
    examples=(
        bad("terraform", _tf(_TF_ACLS.replace("{action}", "Allow")),
            fixed=_tf(_TF_ACLS.replace("{action}", "Deny"))),
        good("terraform", _tf(_TF_ACLS.replace("{action}", "Deny"))),
        good("terraform", _tf(_TF_PRIVATE)),
        bad("bicep", _bicep(), fixed=_bicep(_BICEP_SUBDOMAIN + "        networkAcls: {\n"
                                                               "          defaultAction: 'Deny'\n"
                                                               "        }\n")),
        good("bicep", _bicep(_BICEP_SUBDOMAIN + "        networkAcls: {\n"
                                                "          defaultAction: 'Deny'\n"
                                                "          ipRules: [\n"
                                                "            {\n"
                                                "              value: '203.0.113.0/24'\n"
                                                "            }\n"
                                                "          ]\n"
                                                "        }\n")),
        bad("arm", _arm(_ARM_SUBDOMAIN + ',\n            "networkAcls": {\n'
                                         '              "defaultAction": "Allow"\n            }'),
            fixed=_arm(_ARM_SUBDOMAIN + ',\n            "networkAcls": {\n'
                                        '              "defaultAction": "Deny"\n            }')),
        good("arm", _arm(_ARM_SUBDOMAIN + ',\n            "publicNetworkAccess": "Disabled"')),
        good("terraform", _FOUNDRY_HUB.replace("{hub}", "")),
    ),
)


# --- AIP302: local authentication (API keys) ----------------------------------------------------


def _local_auth(resource: Resource, context: Context) -> Iterable[Result]:
    if _hub(resource):
        return  # a hub has no API keys of its own
    path = "local_auth_enabled"  # ARM's `disableLocalAuth`, read with its sense inverted
    value = resource.get(path)
    name = name_of(resource, path)
    if value.unknown:
        yield unknown_result(resource, path, value)
    elif value.raw is False:
        yield _pass(path, value)
    elif value.absent:
        yield Result(Status.FAIL, f"`{name}` is not set, so the account accepts API keys (local authentication "
                                  f"is enabled by default); it should be {shown(resource, path, False)}", path, None)
    else:
        yield Result(Status.FAIL, f"`{name}` is {_written(resource, path)}: the account accepts API keys; it should "
                                  f"be {shown(resource, path, False)}", path, value.span)


LOCAL_AUTH = Check(
    id="AIP302",
    name="ai-services-local-auth",
    title="Azure AI services and Azure OpenAI accounts accept only Microsoft Entra ID authentication",
    # HIGH (no severity in the anchors): a leaked account key is the common way Azure OpenAI capacity
    # is stolen and data read; it carries no identity, cannot be scoped and is valid until rotated.
    severity=Severity.HIGH,
    kinds=ACCOUNTS,
    rule=_local_auth,
    description=(
        "Azure AI services accounts accept two API keys unless local authentication is disabled: "
        "`local_auth_enabled` (azurerm_ai_services and azurerm_ai_foundry: "
        "`local_authentication_enabled`) defaults to true, and an ARM, Bicep or azapi account without "
        "`properties.disableLocalAuth: true` accepts keys. A key grants the whole data plane (every "
        "deployment, uploaded files, fine-tuning jobs, assistants and their threads) to whoever holds "
        "it, names nobody in the logs and stays valid until rotated; keys pasted into code and "
        "notebooks are how model capacity is stolen. With local authentication disabled, callers use "
        "Microsoft Entra ID tokens and Azure RBAC roles (Cognitive Services OpenAI User). Entra ID "
        "authentication needs a custom subdomain (AIP306). The fix disables local authentication: "
        "clients that still use keys stop working, so review it before applying."
    ),
    remediation=set_attr("local_auth_enabled", False),
    fix_safety=Applicability.UNSAFE,  # clients that use API keys lose access
    references=(AUTH_DOC, "https://learn.microsoft.com/azure/ai-services/authentication", BENCHMARK),
    compliance={"owasp-llm": ("LLM02", "LLM10"), "azure-mcsb": ("IM-1",), "cwe": ("CWE-798",)},
    anchors=("checkov CKV_AZURE_236", "PSRule Azure.AI.DisableLocalAuth (AZR-000282)",
             "Azure Policy 71ef260a-8f18-47b7-abcb-62d0673d94dc (runtime)",
             "Azure Policy 14de9e63-1b31-492e-a5a3-c3f7fd57f555 (runtime)"),
    examples=(
        bad("terraform", _tf('      custom_subdomain_name = "oai-contoso-prod"\n'),
            fixed=_tf('      custom_subdomain_name = "oai-contoso-prod"\n'
                      '      local_auth_enabled    = false\n')),
        bad("terraform", _tf('      custom_subdomain_name = "oai-contoso-prod"\n'
                             '      local_auth_enabled    = true\n'),
            fixed=_tf('      custom_subdomain_name = "oai-contoso-prod"\n'
                      '      local_auth_enabled    = false\n')),
        good("terraform", _tf(_TF_PRIVATE)),
        bad("bicep", _bicep(_BICEP_SUBDOMAIN + "        disableLocalAuth: false\n"),
            fixed=_bicep(_BICEP_SUBDOMAIN + "        disableLocalAuth: true\n")),
        good("bicep", _bicep(_BICEP_SUBDOMAIN + "        disableLocalAuth: true\n")),
        bad("arm", _arm(), fixed=_arm(_ARM_SUBDOMAIN + ',\n            "disableLocalAuth": true')),
        good("arm", _arm(_ARM_SUBDOMAIN + ',\n            "disableLocalAuth": true')),
        bad("terraform", _AI_SERVICES.replace("{account}", ""),
            fixed=_AI_SERVICES.replace("{account}", "      local_authentication_enabled = false\n")),
        good("terraform", _AI_SERVICES.replace("{account}", "      local_authentication_enabled = false\n")),
        bad("terraform", _TF_JSON.replace("{account}", ""), filename="main.tf.json",
            fixed=_TF_JSON.replace("{account}", ',\n            "local_auth_enabled": false')),
        good("terraform", _TF_JSON.replace("{account}", ',\n              "local_auth_enabled": false'),
             filename="main.tf.json"),
        good("terraform", _FOUNDRY_HUB.replace("{hub}", "")),  # a hub: no keys of its own
        bad("terraform", _azapi(), fixed=_azapi("          disableLocalAuth    = true\n")),
        good("terraform", _azapi("          disableLocalAuth    = true\n")),
    ),
)


# --- AIP303: managed identity -------------------------------------------------------------------


def _identity(resource: Resource, context: Context) -> Iterable[Result]:
    path = "identity.type"
    value = identity_type(resource)  # azapi: its `identity` block, where the fix writes, or the body's
    if value.unknown:
        yield unknown_result(resource, path, value)
    elif _set(value.raw) and not (isinstance(value.raw, str) and value.raw.lower() == "none"):
        yield _pass(path, value)
    elif value.absent:
        yield Result(Status.FAIL, "no managed identity is assigned (`identity` is not set)", path, None)
    else:
        written = f'"{value.raw}"' if isinstance(value.raw, str) else _written(resource, path)
        yield Result(Status.FAIL, f"`{name_of(resource, path)}` is {written}: no managed identity is assigned", path,
                     value.span)


_TF_PROJECT = '''
    resource "azurerm_cognitive_account_project" "agents" {
      name                 = "agents"
      cognitive_account_id = azurerm_cognitive_account.foundry.id
      location             = azurerm_cognitive_account.foundry.location
{identity}    }
'''
_TF_IDENTITY = '''
      identity {
        type = "SystemAssigned"
      }
'''
_BICEP_IDENTITY = "      identity: {\n        type: 'SystemAssigned'\n      }\n"
_ARM_IDENTITY = '          "identity": {\n            "type": "SystemAssigned"\n          },\n'

MANAGED_IDENTITY = Check(
    id="AIP303",
    name="ai-services-managed-identity",
    title="Azure AI services accounts and Foundry projects have a managed identity",
    # LOW: an identity enables keyless access to other resources rather than closing an exposure.
    severity=Severity.LOW,
    kinds=(ACCOUNT, AI_SERVICES, FOUNDRY, PROJECT, FOUNDRY_PROJECT),
    rule=_identity,
    description=(
        "An Azure AI services account, a Foundry resource or a Foundry project without a managed "
        "identity (`identity` absent: Azure assigns none) cannot reach other Azure resources with "
        "Entra ID: customer-managed keys in Key Vault, the storage and AI Search indexes that "
        "\"on your data\", batch and agent features read, and connections fall back to stored keys "
        "and connection strings. A system-assigned identity costs nothing and grants nothing until "
        "roles are assigned to it, so the fix adds one."
    ),
    remediation=set_attr("identity.type", "SystemAssigned"),
    fix_safety=Applicability.SAFE,
    references=(IDENTITY_DOC, "https://learn.microsoft.com/azure/ai-foundry/how-to/create-projects",
                BENCHMARK),
    compliance={"azure-mcsb": ("IM-3",)},
    anchors=("checkov CKV_AZURE_238", "PSRule Azure.AI.ManagedIdentity (AZR-000281)",
             "Azure Policy fe3fd216-4f83-4fc1-8984-2bbec80a3418 (runtime)"),
    examples=(
        bad("terraform", _tf(_TF_PRIVATE), fixed=_tf(_TF_PRIVATE + _TF_IDENTITY)),
        good("terraform", _tf(_TF_PRIVATE + _TF_IDENTITY)),
        bad("bicep", _bicep(), fixed=_bicep(identity=_BICEP_IDENTITY).replace(
            "      identity: {\n        type: 'SystemAssigned'\n      }\n      properties: {\n"
            "        customSubDomainName: 'oai-contoso-prod'\n      }\n",
            "      properties: {\n        customSubDomainName: 'oai-contoso-prod'\n      }\n"
            "      identity: {\n        type: 'SystemAssigned'\n      }\n")),
        good("bicep", _bicep(identity=_BICEP_IDENTITY)),
        bad("arm", _arm(), fixed=_arm().replace(
            '"customSubDomainName": "oai-contoso-prod"\n          }\n',
            '"customSubDomainName": "oai-contoso-prod"\n          },\n'
            '          "identity": {\n            "type": "SystemAssigned"\n          }\n', 1)),
        good("arm", _arm(identity=_ARM_IDENTITY)),
        bad("terraform", _TF_PROJECT.replace("{identity}", ""),
            fixed=_TF_PROJECT.replace("{identity}", _TF_IDENTITY)),
        good("terraform", _TF_PROJECT.replace("{identity}", _TF_IDENTITY)),
        # azapi: the fix adds azapi_resource's own `identity` block; one inside `body` is accepted too
        bad("terraform", _azapi(), fixed=_azapi().replace("      }\n    }\n", "      }\n" + _TF_IDENTITY + "    }\n")),
        good("terraform", _azapi().replace('      body = {', '      identity {\n        type = "SystemAssigned"\n'
                                                            '      }\n\n      body = {')),
        good("terraform", _azapi().replace("        kind = ", '        identity = {\n          type = "SystemAssigned"\n'
                                                           '        }\n        kind = ')),
    ),
)


# --- AIP304: customer-managed key ---------------------------------------------------------------


def _cmk(resource: Resource, context: Context) -> Iterable[Result]:
    if _arm_shaped(resource):
        yield from _cmk_arm(resource)
        return
    if _hub(resource):
        candidates = ("encryption.key_id",)
    else:
        candidates = ("customer_managed_key.key_vault_key_id", "customer_managed_key.managed_hsm_key_id")
    unknown: Result | None = None
    for path in candidates:
        value = _present(resource, path)
        if value is None:
            continue
        if isinstance(value.raw, Unknown) and value.raw.reason not in ("resource", "import"):
            unknown = unknown or unknown_result(resource, path, value)
            continue
        yield _pass(path, value)
        return
    if resource.kind in (ACCOUNT, AI_SERVICES, FOUNDRY) and not _hub(resource):
        for source, via in context.referrers(resource, kinds=[ACCOUNT_CMK]):
            if via.split(".")[0] == "cognitive_account_id":
                yield Result(Status.PASS, f"`{source.address}` sets the account's customer-managed key",
                             "customer_managed_key", None)
                return
    if unknown:
        yield unknown
        return
    if _hub(resource):
        yield Result(Status.FAIL, "`encryption` is not set, so the hub's data is encrypted with Microsoft-managed "
                                  "keys", "encryption", None)
    else:
        yield Result(Status.FAIL, "`customer_managed_key` is not set and no azurerm_cognitive_account_customer_"
                                  "managed_key refers to the account, so its data is encrypted with "
                                  "Microsoft-managed keys", "customer_managed_key", None)


def _cmk_arm(resource: Resource) -> Iterable[Result]:
    encryption = resource.get("encryption")
    name = name_of(resource, "encryption")
    if encryption.unknown:
        yield unknown_result(resource, "encryption", encryption)
        return
    if not _set(encryption.raw):
        yield Result(Status.FAIL, f"`{name}` is not set, so the account's data is encrypted with Microsoft-managed "
                                  "keys", "encryption", encryption.span)
        return
    source = resource.get("encryption.key_source")
    if source.unknown:
        yield unknown_result(resource, "encryption.key_source", source)
    elif source.absent or (isinstance(source.raw, str) and source.raw.lower() == "microsoft.keyvault"):
        # written without keySource, `encryption` takes the API's default Microsoft.KeyVault
        yield _pass("encryption.key_source", source)
    else:
        yield Result(Status.FAIL, f"`{name_of(resource, 'encryption.key_source')}` is "
                                  f"{_written(resource, 'encryption.key_source')}: Microsoft-managed keys",
                     "encryption.key_source", source.span)


_TF_CMK_INLINE = _TF_PRIVATE + '''
      identity {
        type         = "UserAssigned"
        identity_ids = [azurerm_user_assigned_identity.openai.id]
      }

      customer_managed_key {
        key_vault_key_id   = azurerm_key_vault_key.openai.id
        identity_client_id = azurerm_user_assigned_identity.openai.client_id
      }
'''
_TF_CMK_RESOURCE = '''
    resource "azurerm_cognitive_account_customer_managed_key" "openai" {
      cognitive_account_id = azurerm_cognitive_account.openai.id
      key_vault_key_id     = azurerm_key_vault_key.openai.id
    }
'''
_BICEP_CMK = _BICEP_SUBDOMAIN + '''        encryption: {
          keySource: 'Microsoft.KeyVault'
          keyVaultProperties: {
            keyName: 'openai-cmk'
            keyVaultUri: 'https://kv-contoso-prod.vault.azure.net/'
          }
        }
'''
_ARM_CMK = _ARM_SUBDOMAIN + ''',
            "encryption": {
              "keySource": "{source}"
            }'''

CMK = Check(
    id="AIP304",
    name="ai-services-cmk",
    title="Azure AI services accounts and Foundry hubs encrypt data with a customer-managed key",
    # LOW as in research/defaults.md: Microsoft-managed keys still encrypt the data; a customer key
    # adds revocation and control (defence in depth).
    severity=Severity.LOW,
    kinds=ACCOUNTS,
    rule=_cmk,
    description=(
        "An Azure OpenAI or AI services account keeps data at rest: uploaded and fine-tuning files, "
        "fine-tuned model weights, batch jobs, stored completions, assistants' threads and vector "
        "stores. Without a customer-managed key (`customer_managed_key {}` or a separate "
        "azurerm_cognitive_account_customer_managed_key in azurerm, `properties.encryption` with "
        "keySource `Microsoft.KeyVault` in ARM and Bicep) Azure encrypts it with keys Microsoft "
        "manages, which you cannot revoke to cut off access or audit. A Foundry hub "
        "(azurerm_ai_foundry) takes its key in `encryption {}`. Both the inline block and the separate "
        "resource pass here, unlike checkov's CKV2_AZURE_22. The key, a Key Vault with purge "
        "protection and an identity allowed to use it are needed, so there is no automatic fix."
    ),
    references=(CMK_DOC, "https://learn.microsoft.com/azure/ai-services/encryption/cognitive-services-encryption-keys-portal"),
    compliance={"owasp-llm": ("LLM02",), "owasp-ml": ("ML02",), "azure-mcsb": ("DP-5",)},
    anchors=("checkov CKV2_AZURE_22 (Terraform, separate resource only)",
             "Azure Policy: Azure AI Services resources should encrypt data at rest with a customer-managed key "
             "(runtime)"),
    examples=(
        bad("terraform", _tf(_TF_PRIVATE)),
        good("terraform", _tf(_TF_CMK_INLINE)),  # checkov's CKV2_AZURE_22 fails this one
        good("terraform", _tf(_TF_PRIVATE) + _TF_CMK_RESOURCE),
        bad("bicep", _bicep()),
        good("bicep", _bicep(_BICEP_CMK)),
        bad("arm", _arm(_ARM_CMK.replace("{source}", "Microsoft.CognitiveServices"))),
        good("arm", _arm(_ARM_CMK.replace("{source}", "Microsoft.KeyVault"))),
        bad("terraform", _FOUNDRY_HUB.replace("{hub}", "")),
        good("terraform", _FOUNDRY_HUB.replace("{hub}", '''
      encryption {
        key_vault_id = azurerm_key_vault.ai.id
        key_id       = azurerm_key_vault_key.hub.id
      }
''')),
    ),
)


# --- AIP305: outbound network access (data exfiltration) ----------------------------------------


def _outbound(resource: Resource, context: Context) -> Iterable[Result]:
    if _hub(resource):
        return  # a hub restricts outbound traffic with its managed network (Azure ML checks)
    if resource.kind == ACCOUNT:
        kind = resource.get("kind")
        if kind.unknown:
            yield unknown_result(resource, "kind", kind)
            return
        if not (isinstance(kind.raw, str) and kind.raw.lower() in ("openai", "aiservices")):
            return  # outbound calls are what OpenAI "on your data", agents and tools make
    path = "outbound_network_access_restricted"
    value = resource.get(path)
    name = name_of(resource, path)
    if value.unknown:
        yield unknown_result(resource, path, value)
    elif value.raw is True:
        yield _pass(path, value)
    elif value.absent:
        yield Result(Status.FAIL, f"`{name}` is not set, so the account may send data to any destination "
                                  "(outbound access is unrestricted by default)", path, None)
    else:
        yield Result(Status.FAIL, f"`{name}` is {_written(resource, path)}: the account may send data to any "
                                  "destination", path, value.span)


_TF_OUTBOUND = '''      custom_subdomain_name              = "oai-contoso-prod"
      outbound_network_access_restricted = {flag}
      fqdns                              = ["srch-contoso-prod.search.windows.net"]
'''

OUTBOUND = Check(
    id="AIP305",
    name="ai-services-outbound-restricted",
    title="Azure OpenAI and AI Services accounts restrict outbound network access to approved hosts",
    severity=Severity.MEDIUM,
    kinds=ACCOUNTS,
    rule=_outbound,
    description=(
        "Azure OpenAI and AI Services accounts make outbound calls on your behalf: \"on your data\" "
        "retrieval, agents' tools, web and file fetches. Unless outbound access is restricted "
        "(`outbound_network_access_restricted`, ARM `properties.restrictOutboundNetworkAccess`, "
        "false by default) a prompt injection or a misconfigured data source can make the service "
        "send prompts and documents to any host. Restricted, the account reaches only the hosts in "
        "`fqdns` (`properties.allowedFqdnList`); with none listed it reaches none. Other kinds of "
        "account are not judged. checkov's CKV_AZURE_247 checks the OpenAI kind in Terraform only. "
        "The fix restricts outbound access, which stops calls to hosts not yet listed: add them to "
        "`fqdns` first."
    ),
    remediation=set_attr("outbound_network_access_restricted", True),
    fix_safety=Applicability.UNSAFE,
    references=(OUTBOUND_DOC, BENCHMARK),
    compliance={"owasp-llm": ("LLM02", "LLM06"), "azure-mcsb": ("DP-2",)},
    anchors=("checkov CKV_AZURE_247 (Terraform, kind OpenAI only)",),
    examples=(
        bad("terraform", _tf(_TF_OUTBOUND.replace("{flag}", "false")),
            fixed=_tf(_TF_OUTBOUND.replace("{flag}", "true"))),
        good("terraform", _tf(_TF_OUTBOUND.replace("{flag}", "true"))),
        good("terraform", _tf(_TF_PRIVATE).replace('"OpenAI"', '"TextAnalytics"')),  # not an OpenAI kind
        bad("bicep", _bicep(), fixed=_bicep(_BICEP_SUBDOMAIN + "        restrictOutboundNetworkAccess: true\n")),
        good("bicep", _bicep(_BICEP_SUBDOMAIN + "        restrictOutboundNetworkAccess: true\n"
                                                "        allowedFqdnList: [\n"
                                                "          'srch-contoso-prod.search.windows.net'\n"
                                                "        ]\n")),
        bad("arm", _arm().replace('"kind": "OpenAI"', '"kind": "AIServices"'),
            fixed=_arm(_ARM_SUBDOMAIN + ',\n            "restrictOutboundNetworkAccess": true').replace(
                '"kind": "OpenAI"', '"kind": "AIServices"')),
        good("arm", _arm(_ARM_SUBDOMAIN + ',\n            "restrictOutboundNetworkAccess": true')),
        bad("terraform", _AI_SERVICES.replace("{account}", ""), fixed=_AI_SERVICES.replace(
            "{account}", "      outbound_network_access_restricted = true\n")),
        good("terraform", _AI_SERVICES.replace("{account}", "      outbound_network_access_restricted = true\n")),
        # azapi: the fix goes into the body object
        bad("terraform", _azapi(), fixed=_azapi("          restrictOutboundNetworkAccess = true\n")),
        good("terraform", _azapi("          restrictOutboundNetworkAccess = true\n")),
    ),
)


# --- AIP306: custom subdomain -------------------------------------------------------------------


def _custom_subdomain(resource: Resource, context: Context) -> Iterable[Result]:
    if _hub(resource):
        return
    path = "custom_subdomain_name"
    value = resource.get(path)
    if value.unknown:
        if value.raw.reason in ("resource", "import"):
            yield _pass(path, value)
        else:
            yield unknown_result(resource, path, value)
    elif _set(value.raw):
        yield _pass(path, value)
    else:
        yield Result(Status.FAIL, f"`{name_of(resource, path)}` is not set, so the account has only the regional "
                                  "endpoint: no Microsoft Entra ID authentication and no private endpoints",
                     path, value.span)


CUSTOM_SUBDOMAIN = Check(
    id="AIP306",
    name="ai-services-custom-subdomain",
    title="Azure AI services accounts have a custom subdomain",
    # MEDIUM: no anchor checks it; without it the two controls above (Entra ID only, private
    # endpoints) cannot be turned on, which leaves keys as the only way in.
    severity=Severity.MEDIUM,
    kinds=ACCOUNTS,
    rule=_custom_subdomain,
    description=(
        "Microsoft Entra ID authentication, private endpoints and network rules on an Azure AI "
        "services account all need its own endpoint name, the custom subdomain "
        "(`custom_subdomain_name`, ARM `properties.customSubDomainName`). Without one the account "
        "only has the shared regional endpoint, so API keys are the only way to call it and it "
        "cannot be taken off the internet. The subdomain must be globally unique and cannot be "
        "changed later (azurerm replaces the account), so the fix asks for the name."
    ),
    remediation=set_attr("custom_subdomain_name", placeholder("custom_subdomain_name")),
    fix_safety=Applicability.SUGGESTION,
    references=(SUBDOMAIN_DOC, "https://learn.microsoft.com/azure/ai-services/authentication"),
    compliance={"azure-mcsb": ("IM-1", "NS-2")},
    anchors=(),
    examples=(
        bad("terraform", _tf(), fixed=_tf("      custom_subdomain_name = var.custom_subdomain_name\n") + '''
    variable "custom_subdomain_name" {
      description = "Name of the custom subdomain (asked for by an aiposture fix)"
      type        = string
    }
'''),
        good("terraform", _tf(_TF_PRIVATE)),
        bad("bicep", _bicep(""), fixed=_bicep("        customSubDomainName: customSubdomainName\n").replace(
            "    param location string = resourceGroup().location\n",
            "    param location string = resourceGroup().location\n\n"
            "    @description('Name of the custom subdomain (asked for by an aiposture fix)')\n"
            "    param customSubdomainName string\n")),
        good("bicep", _bicep()),
        bad("arm", _arm('            "disableLocalAuth": true'), fixed=_arm(
            '            "disableLocalAuth": true,\n'
            '            "customSubDomainName": "[parameters(\'customSubdomainName\')]"').replace(
            '          "defaultValue": "[resourceGroup().location]"\n        }\n',
            '          "defaultValue": "[resourceGroup().location]"\n        },\n'
            '        "customSubdomainName": {\n'
            '          "type": "string",\n'
            '          "metadata": {\n'
            '            "description": "Name of the custom subdomain (asked for by an aiposture fix)"\n'
            '          }\n'
            '        }\n')),
        good("arm", _arm()),
    ),
)


# --- AIP307 / AIP308: content filters (RAI policies) --------------------------------------------

# the harm categories whose filters block by severity, and the prompt shields
_HARMS = frozenset({"hate", "sexual", "violence", "selfharm"})
_SHIELDS = frozenset({"jailbreak", "indirectattack"})
# native keys of a content filter: azurerm's block, the ARM object
_FILTER_KEYS = {
    False: {"name": "name", "enabled": "filter_enabled", "blocking": "block_enabled",
            "threshold": "severity_threshold", "source": "source"},
    True: {"name": "name", "enabled": "enabled", "blocking": "blocking", "threshold": "severityThreshold",
           "source": "source"},
}


def _filters(resource: Resource) -> Iterable[tuple[int, dict, Value] | Result]:
    """(index, the filter's members, the filter) for every content filter; an unknown list as UNKNOWN."""
    value = resource.get("content_filter")
    if value.unknown:
        yield unknown_result(resource, "content_filter", value)
        return
    items = value.raw if isinstance(value.raw, list) else [value] if isinstance(value.raw, dict) else []
    for index, item in enumerate(items):
        if isinstance(item, Value) and item.unknown:
            yield unknown_result(resource, "content_filter", item)
        elif isinstance(item, Value) and isinstance(item.raw, dict):
            yield index, item.raw, item


def _is(raw: Any, weak: bool | str) -> bool:
    """A filter member equal to its weak setting: false (also the string "false"), or a threshold
    in any case."""
    if weak is False:
        return raw is False or raw == "false"
    return isinstance(raw, str) and raw.lower() == weak


def _weakened(resource: Resource, categories: frozenset[str], thresholds: bool) -> Iterable[Result]:
    keys = _FILTER_KEYS[_arm_shaped(resource)]
    found = False
    for entry in _filters(resource):
        if isinstance(entry, Result):
            yield entry
            continue
        index, members, item = entry
        name = members.get(keys["name"])
        if not isinstance(name, Value) or not isinstance(name.raw, str):
            continue
        if name.raw.replace(" ", "").replace("_", "").lower() not in categories:
            continue
        found = True
        where = f"`{name.raw}` filter"
        source = members.get(keys["source"])
        if isinstance(source, Value) and isinstance(source.raw, str):
            where = f"`{name.raw}` filter on the {source.raw.lower()}"
        checks = [(keys["enabled"], False, "is off"), (keys["blocking"], False, "only annotates, it does not block")]
        if thresholds:
            checks.append((keys["threshold"], "high", "blocks only high-severity content"))
        for key, weak, consequence in checks:
            member = members.get(key)
            path = f"content_filter.{index}.{key}"
            if not isinstance(member, Value):
                continue
            raw = member.raw
            if isinstance(raw, Unknown):
                yield unknown_result(resource, path, member)
            elif _is(raw, weak):
                shown = "false" if weak is False else f'"{raw}"'
                yield Result(Status.FAIL, f"the {where} {consequence} (`{key}` is {shown})", path, member.span)
            else:
                yield Result(Status.PASS, f"`{key}` of the {where} is {raw!r}", path, member.span)
    if not found:
        yield Result(Status.PASS, "no filter of these categories is weakened (the base policy's apply)")


def _harm_filters(resource: Resource, context: Context) -> Iterable[Result]:
    yield from _weakened(resource, _HARMS, thresholds=True)
    mode = resource.get("mode")
    if mode.unknown:
        yield unknown_result(resource, "mode", mode)
    elif isinstance(mode.raw, str) and mode.raw.lower() in ("asynchronous_filter", "deferred"):
        yield Result(Status.FAIL, f"`{name_of(resource, 'mode')}` is {_written(resource, 'mode')}: completions are "
                                  "streamed before the filters have judged them", "mode", mode.span)


def _prompt_shields(resource: Resource, context: Context) -> Iterable[Result]:
    yield from _weakened(resource, _SHIELDS, thresholds=False)


_TF_RAI = '''
    resource "azurerm_cognitive_account_rai_policy" "strict" {
      name                 = "strict"
      cognitive_account_id = azurerm_cognitive_account.openai.id
      base_policy_name     = "Microsoft.DefaultV2"
{mode}
      content_filter {
        name               = "Hate"
        filter_enabled     = true
        block_enabled      = true
        severity_threshold = "{hate}"
        source             = "Prompt"
      }

      content_filter {
        name               = "Violence"
        filter_enabled     = {violence}
        block_enabled      = true
        severity_threshold = "Medium"
        source             = "Completion"
      }

      content_filter {
        name           = "Jailbreak"
        filter_enabled = {jailbreak}
        block_enabled  = {jailbreak}
        source         = "Prompt"
      }
    }
'''


def _tf_rai(hate: str = "Medium", violence: str = "true", jailbreak: str = "true", mode: str = "") -> str:
    return (_TF_RAI.replace("{hate}", hate).replace("{violence}", violence).replace("{jailbreak}", jailbreak)
            .replace("{mode}", mode))


_BICEP_RAI = '''
    resource openai 'Microsoft.CognitiveServices/accounts@2024-10-01' existing = {
      name: 'oai-contoso-prod'
    }

    resource strict 'Microsoft.CognitiveServices/accounts/raiPolicies@2024-10-01' = {
      parent: openai
      name: 'strict'
      properties: {
        basePolicyName: 'Microsoft.DefaultV2'
        mode: '{mode}'
        contentFilters: [
          {
            name: 'Hate'
            enabled: true
            blocking: true
            severityThreshold: '{hate}'
            source: 'Prompt'
          }
          {
            name: 'Jailbreak'
            enabled: true
            blocking: {jailbreak}
            source: 'Prompt'
          }
        ]
      }
    }

    resource gpt4o 'Microsoft.CognitiveServices/accounts/deployments@2024-10-01' = {
      parent: openai
      name: 'gpt-4o'
      sku: {
        name: 'Standard'
        capacity: 10
      }
      properties: {
        model: {
          format: 'OpenAI'
          name: 'gpt-4o'
          version: '2024-08-06'
        }
        raiPolicyName: strict.name
      }
    }
'''


def _bicep_rai(hate: str = "Medium", jailbreak: str = "true", mode: str = "Blocking") -> str:
    return _BICEP_RAI.replace("{hate}", hate).replace("{jailbreak}", jailbreak).replace("{mode}", mode)


_ARM_RAI = '''
    {
      "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
      "contentVersion": "1.0.0.0",
      "resources": [
        {
          "type": "Microsoft.CognitiveServices/accounts/raiPolicies",
          "apiVersion": "2024-10-01",
          "name": "oai-contoso-prod/strict",
          "properties": {
            "basePolicyName": "Microsoft.DefaultV2",
            "mode": "Blocking",
            "contentFilters": [
              {
                "name": "Sexual",
                "enabled": {sexual},
                "blocking": true,
                "severityThreshold": "Medium",
                "source": "Completion"
              },
              {
                "name": "Indirect Attack",
                "enabled": true,
                "blocking": {indirect},
                "source": "Prompt"
              }
            ]
          }
        }
      ]
    }
'''


def _arm_rai(sexual: str = "true", indirect: str = "true") -> str:
    return _ARM_RAI.replace("{sexual}", sexual).replace("{indirect}", indirect)


HARM_FILTERS = Check(
    id="AIP307",
    name="openai-content-filter-harm-categories",
    title="Azure OpenAI content filters block hate, sexual, violence and self-harm content at medium severity or lower",
    # MEDIUM: the filters a custom policy turns down are the service's only output-side control
    # for harmful content; the base policy still screens what the custom one does not name.
    severity=Severity.MEDIUM,
    kinds=(RAI_POLICY,),
    rule=_harm_filters,
    description=(
        "A model deployment without `rai_policy_name` (ARM `properties.raiPolicyName`) gets "
        "Microsoft's default content filter, which blocks hate, sexual, violence and self-harm "
        "content of medium and high severity in prompts and completions. A custom content filter "
        "(azurerm_cognitive_account_rai_policy, Microsoft.CognitiveServices/accounts/raiPolicies) can "
        "weaken that: a filter turned off, set to annotate without blocking, or with severity "
        "threshold High (only the most severe content is blocked), or the policy in asynchronous "
        "mode, where completions stream before they are judged. Each weakened filter is reported at "
        "its attribute; filters the policy does not name keep the base policy's settings. Turning "
        "filters down requires Microsoft's approval for a reason; record it with a suppression."
    ),
    references=(FILTER_DOC, FILTER_HOWTO,
                "https://learn.microsoft.com/azure/ai-foundry/openai/concepts/default-safety-policies"),
    compliance={"owasp-llm": ("LLM05", "LLM09")},
    anchors=(),
    examples=(
        bad("terraform", _tf_rai(hate="High")),
        bad("terraform", _tf_rai(violence="false")),
        bad("terraform", _tf_rai(mode='      mode                 = "Asynchronous_filter"\n')),
        good("terraform", _tf_rai(jailbreak="false")),  # a prompt shield: AIP308's business
        bad("bicep", _bicep_rai(hate="High")),
        good("bicep", _bicep_rai()),
        bad("arm", _arm_rai(sexual="false")),
        good("arm", _arm_rai(indirect="false")),
    ),
)

PROMPT_SHIELDS = Check(
    id="AIP308",
    name="openai-content-filter-prompt-shields",
    title="Azure OpenAI content filters keep prompt shields (jailbreak and indirect attack) on and blocking",
    # HIGH like the Bedrock prompt-attack filter (AIP203): the shield is what stops jailbreaks and
    # instructions injected through retrieved documents.
    severity=Severity.HIGH,
    kinds=(RAI_POLICY,),
    rule=_prompt_shields,
    description=(
        "Prompt shields detect jailbreak attempts in user prompts (`Jailbreak`) and instructions "
        "hidden in documents, e-mails and tool results the model reads (`Indirect Attack`). "
        "Microsoft's default content filter blocks jailbreaks; a custom content filter "
        "(azurerm_cognitive_account_rai_policy, Microsoft.CognitiveServices/accounts/raiPolicies) that "
        "turns a shield off (`filter_enabled`/`enabled` false) or only annotates "
        "(`block_enabled`/`blocking` false) lets such prompts through to a model that may act on "
        "them with its tools and data. A shield the policy does not name keeps the base policy's "
        "setting."
    ),
    references=(SHIELDS_DOC, FILTER_DOC, FILTER_HOWTO),
    compliance={"owasp-llm": ("LLM01",)},
    anchors=(),
    examples=(
        bad("terraform", _tf_rai(jailbreak="false")),
        good("terraform", _tf_rai(hate="High")),
        bad("bicep", _bicep_rai(jailbreak="false")),
        good("bicep", _bicep_rai()),
        bad("arm", _arm_rai(indirect="false")),
        good("arm", _arm_rai()),
    ),
)

CHECKS: tuple[Check, ...] = (
    PUBLIC_NETWORK,
    NETWORK_DEFAULT_DENY,
    LOCAL_AUTH,
    MANAGED_IDENTITY,
    CMK,
    OUTBOUND,
    CUSTOM_SUBDOMAIN,
    HARM_FILTERS,
    PROMPT_SHIELDS,
)
