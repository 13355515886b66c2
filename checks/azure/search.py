"""Azure AI Search checks (AIP380-AIP389): the retrieval index behind most Azure RAG applications.

Terraform `azurerm_search_service` (attribute names from terraform-provider-azurerm
internal/services/search), Bicep and ARM `Microsoft.Search/searchServices` (azapi reads the ARM
paths). Defaults: ../shared/research/defaults.md section 4.4 (recorded in analyzer/kinds.py).
Anchors: ../shared/research/anchor-checks.md sections 2 and 7 (checkov's Search security checks are
Terraform only; its ARM and Bicep checks there are about replicas). Replica counts (checkov
CKV_AZURE_208/209, PSRule Azure.Search.IndexSLA / QuerySLA) are reliability, not security, and are
not checked.

Terraform and ARM write public access and CMK enforcement with different types (a boolean against
"enabled"/"Enabled" strings) and local authentication with opposite senses (`local_authentication_enabled`
against `disableLocalAuth`): the kinds table limits those value maps to Bicep and ARM, so each check
reads one canonical path and its fix is written in the file's own spelling.
"""
from __future__ import annotations

import ipaddress
from typing import Any, Iterable

from analyzer.check import (
    Applicability,
    Check,
    Context,
    Result,
    Severity,
    Status,
    bad,
    good,
    name_of,
    set_attr,
    shown,
    unknown_result,
)
from analyzer.model import Resource, Unknown, Value
from checks.azure.ml import expect, identity_type, written

SEARCH = "azure.search.service"

OWASP_LLM = "owasp-llm"
MCSB = "azure-mcsb"
CWE = "cwe"

SEARCH_DOCS = "https://learn.microsoft.com/azure/search"


def _ip_rules(resource: Resource) -> tuple[Value, list[Any] | Unknown]:
    """The firewall's addresses: Terraform's `allowed_ips` strings, ARM's `ipRules[].value`."""
    value = resource.get("allowed_ips")
    if isinstance(value.raw, Unknown):
        return value, value.raw
    if not isinstance(value.raw, list):
        return value, []
    found: list[Any] = []
    for item in value.raw:
        raw = item.raw
        if isinstance(raw, dict):
            raw = raw["value"].raw if isinstance(raw.get("value"), Value) else None
        if isinstance(raw, Unknown):
            return value, raw
        found.append(raw)
    return value, found


def _global(address: Any) -> bool:
    if not isinstance(address, str):
        return False
    text = address.strip()
    if text in ("*", "any", "internet"):
        return True
    try:
        return ipaddress.ip_network(text, strict=False).prefixlen == 0
    except ValueError:
        return False


def _public(resource: Resource, context: Context) -> Iterable[Result]:
    path = "public_network_access_enabled"
    value = resource.get(path)
    if isinstance(value.raw, Unknown):
        yield unknown_result(resource, path, value)
        return
    if value.raw is False:
        yield Result(Status.PASS, "public network access is disabled", path, value.span)
        return
    rules, addresses = _ip_rules(resource)
    if isinstance(addresses, Unknown):
        yield unknown_result(resource, "allowed_ips", rules)
        return
    if addresses and not any(_global(a) for a in addresses):
        yield Result(Status.PASS, "the firewall admits only the listed addresses", path, value.span)
        return
    name = name_of(resource, path)
    if value.absent:
        state = f"is not set, so the default {shown(resource, path, True)} applies,"
    else:
        state = f"is {written(resource, path)}"
    yield Result(Status.FAIL, f"`{name}` {state} and no IP rule narrows it: the search service (its indexes "
                              f"and documents) is reachable from any network; it should be "
                              f"{shown(resource, path, False)}", path, value.span)


_TF = '''
resource "azurerm_search_service" "rag" {{
  name                = "srch-support-rag"
  resource_group_name = azurerm_resource_group.rag.name
  location            = azurerm_resource_group.rag.location
  sku                 = "standard"{attrs}{blocks}
}}
'''

_BICEP = '''
param location string = resourceGroup().location

resource search 'Microsoft.Search/searchServices@2025-05-01' = {{
  name: 'srch-support-rag'
  location: location
  sku: {{
    name: 'standard'
  }}{top}
  properties: {{
    replicaCount: 2
    partitionCount: 1{props}
  }}
}}
'''

_ARM = '''{{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "resources": [
    {{
      "type": "Microsoft.Search/searchServices",
      "apiVersion": "2025-05-01",
      "name": "srch-support-rag",
      "location": "[resourceGroup().location]",
      "sku": {{
        "name": "standard"
      }},{top}
      "properties": {{
        "replicaCount": 2,
        "partitionCount": 1{props}
      }}
    }}
  ]
}}
'''


def _tf(attrs: str = "", blocks: str = "") -> str:
    return _TF.format(attrs=attrs, blocks=blocks)


def _bicep(props: str = "", top: str = "") -> str:
    return _BICEP.format(props=props, top=top)


def _arm(props: str = "", top: str = "") -> str:
    return _ARM.format(props=props, top=top)


# azapi: the ARM request under `body`; the identity is a block of azapi_resource's own ({blocks})
_AZAPI = '''
resource "azapi_resource" "rag" {{
  type      = "Microsoft.Search/searchServices@2025-05-01"
  name      = "srch-support-rag"
  parent_id = azurerm_resource_group.rag.id
  location  = azurerm_resource_group.rag.location
  body = {{
    sku = {{
      name = "standard"
    }}
    properties = {{{props}
    }}
  }}{blocks}
}}
'''


def _azapi(props: str = "\n      replicaCount = 2", blocks: str = "") -> str:
    return _AZAPI.format(props=props, blocks=blocks)


_AZAPI_IDENTITY = '\n\n  identity {\n    type = "SystemAssigned"\n  }'


SEARCH_PUBLIC_NETWORK = Check(
    id="AIP380",
    name="search-public-network",
    title="Azure AI Search services are not reachable from any network",
    severity=Severity.HIGH,  # the indexes hold the documents a RAG application retrieves
    kinds=(SEARCH,),
    rule=_public,
    description=(
        "A search service's indexes hold the documents (and their vectors) that a RAG application "
        "retrieves, often copies of internal data. With public network access and no IP rules it "
        "answers queries from any network, so a leaked admin or query key, or a mistaken role "
        "assignment, reads the index from anywhere. Azure and azurerm enable public access when it is "
        "not set. Disable it and use a private endpoint, or list the addresses that may connect "
        "(`allowed_ips`, ARM `networkRuleSet.ipRules`): a firewall without a catch-all range passes. "
        "The fix disables public access, which cuts off every client not on a private endpoint: "
        "review it before applying, or list the clients' addresses instead."
    ),
    remediation=set_attr("public_network_access_enabled", False),
    fix_safety=Applicability.UNSAFE,  # clients outside the private endpoints lose access
    references=(f"{SEARCH_DOCS}/service-configure-firewall", f"{SEARCH_DOCS}/service-create-private-endpoint"),
    compliance={MCSB: ("NS-2",), OWASP_LLM: ("LLM02", "LLM08")},
    anchors=("checkov CKV_AZURE_124 (Terraform; fails a public service with IP rules too)",),
    examples=(
        bad("terraform", _tf(), fixed=_tf("\n  public_network_access_enabled = false")),
        bad("terraform", _tf("\n  public_network_access_enabled = true"),
            fixed=_tf("\n  public_network_access_enabled = false")),
        good("terraform", _tf("\n  public_network_access_enabled = false")),
        good("terraform", _tf('\n  allowed_ips         = ["203.0.113.0/24"]')),
        bad("bicep", _bicep(), fixed=_bicep("\n    publicNetworkAccess: 'disabled'")),
        bad("bicep", _bicep("\n    publicNetworkAccess: 'enabled'\n    networkRuleSet: {\n      ipRules: []\n    }"),
            fixed=_bicep("\n    publicNetworkAccess: 'disabled'\n    networkRuleSet: {\n      ipRules: []\n    }")),
        good("bicep", _bicep("\n    publicNetworkAccess: 'disabled'")),
        good("bicep", _bicep("\n    networkRuleSet: {\n      ipRules: [\n        {\n          value: '203.0.113.0/24'\n"
                             "        }\n      ]\n    }")),
        bad("arm", _arm(',\n        "publicNetworkAccess": "Enabled"'),
            fixed=_arm(',\n        "publicNetworkAccess": "disabled"')),
        good("arm", _arm(',\n        "publicNetworkAccess": "Disabled"')),
        bad("terraform", _azapi(), fixed=_azapi('\n      replicaCount = 2\n      publicNetworkAccess = "disabled"')),
        good("terraform", _azapi('\n      publicNetworkAccess = "securedByPerimeter"')),
    ),
)


def _no_global_ip(resource: Resource, context: Context) -> Iterable[Result]:
    rules, addresses = _ip_rules(resource)
    if isinstance(addresses, Unknown):
        yield unknown_result(resource, "allowed_ips", rules)
        return
    wide = [a for a in addresses if _global(a)]
    if wide:
        yield Result(Status.FAIL, f"`{name_of(resource, 'allowed_ips')}` admits {wide[0]!r}, every address: the "
                                  "firewall does not restrict anything", "allowed_ips", rules.span)
    else:
        yield Result(Status.PASS, "no catch-all IP rule", "allowed_ips", rules.span)


SEARCH_GLOBAL_IP_RULE = Check(
    id="AIP381",
    name="search-allowed-ips-global",
    title="Azure AI Search firewalls do not admit every address",
    severity=Severity.HIGH,
    kinds=(SEARCH,),
    rule=_no_global_ip,
    description=(
        "An IP rule of `0.0.0.0/0` (or `::/0`) admits every address, so the service is as public as "
        "one without a firewall while looking restricted. List only the networks that query the "
        "service, or disable public access and use a private endpoint."
    ),
    references=(f"{SEARCH_DOCS}/service-configure-firewall",),
    compliance={MCSB: ("NS-2",), OWASP_LLM: ("LLM02",)},
    anchors=("checkov CKV_AZURE_210 (Terraform)",),
    examples=(
        bad("terraform", _tf('\n  allowed_ips         = ["0.0.0.0/0"]')),
        good("terraform", _tf('\n  allowed_ips         = ["203.0.113.0/24", "198.51.100.7"]')),
        bad("bicep", _bicep("\n    networkRuleSet: {\n      ipRules: [\n        {\n          value: '0.0.0.0/0'\n"
                            "        }\n      ]\n    }")),
        good("bicep", _bicep("\n    networkRuleSet: {\n      ipRules: [\n        {\n          value: '203.0.113.0/24'\n"
                             "        }\n      ]\n    }")),
        bad("arm", _arm(',\n        "networkRuleSet": {\n          "ipRules": [\n            {\n'
                        '              "value": "0.0.0.0/0"\n            }\n          ]\n        }')),
        good("arm", _arm()),
    ),
)


SEARCH_LOCAL_AUTH = Check(
    id="AIP382",
    name="search-local-auth",
    title="Azure AI Search services accept only Microsoft Entra ID authentication",
    severity=Severity.MEDIUM,
    kinds=(SEARCH,),
    # ARM's `disableLocalAuth`, read with its sense inverted (analyzer/kinds.py)
    rule=expect("local_authentication_enabled", (False,), "admin and query API keys are accepted"),
    description=(
        "With API keys enabled, an admin key gives full control of the service (create, read and "
        "delete every index and document) and a query key reads every index, with no identity "
        "attached and no expiry: keys end up in application settings, notebooks and code. Azure "
        "accepts keys unless `disableLocalAuth` is true; azurerm unless `local_authentication_enabled "
        "= false`. Use Microsoft Entra ID with the Search Index Data roles instead. The fix disables "
        "keys, so clients that still use them stop working. (ARM rejects `authOptions` together with "
        "`disableLocalAuth: true`, and azurerm `authentication_failure_mode` together with "
        "`local_authentication_enabled = false`: the fix does not remove them; remove them by hand.)"
    ),
    remediation=set_attr("local_authentication_enabled", False),
    fix_safety=Applicability.UNSAFE,  # clients that use admin or query keys lose access
    references=(f"{SEARCH_DOCS}/search-security-enable-roles", f"{SEARCH_DOCS}/keyless-connections"),
    compliance={MCSB: ("IM-1",), OWASP_LLM: ("LLM02",), CWE: ("CWE-798",)},
    anchors=("Azure Policy: Azure AI Search services should have local authentication methods disabled",),
    examples=(
        bad("terraform", _tf(), fixed=_tf("\n  local_authentication_enabled = false")),
        bad("terraform", _tf("\n  local_authentication_enabled = true"),
            fixed=_tf("\n  local_authentication_enabled = false")),
        good("terraform", _tf("\n  local_authentication_enabled = false")),
        bad("bicep", _bicep(), fixed=_bicep("\n    disableLocalAuth: true")),
        # (with `authOptions` the fix would leave a template ARM rejects: see the description)
        bad("bicep", _bicep("\n    disableLocalAuth: false"), fixed=_bicep("\n    disableLocalAuth: true")),
        good("bicep", _bicep("\n    disableLocalAuth: true")),
        bad("arm", _arm(), fixed=_arm(',\n        "disableLocalAuth": true')),
        good("arm", _arm(',\n        "disableLocalAuth": true')),
        bad("terraform", _azapi("\n      disableLocalAuth = false"), fixed=_azapi("\n      disableLocalAuth = true")),
        good("terraform", _azapi("\n      disableLocalAuth = true")),
    ),
)

SEARCH_MANAGED_IDENTITY = Check(
    id="AIP383",
    name="search-managed-identity",
    title="Azure AI Search services have a managed identity",
    severity=Severity.LOW,
    kinds=(SEARCH,),
    rule=lambda resource, context: _identity(resource),
    description=(
        "Indexers pull documents from storage, databases and Cosmos DB, and skillsets call Azure "
        "OpenAI for embeddings. Without a managed identity those connections need keys or connection "
        "strings stored in the data source and skill definitions; with one they use Entra ID and RBAC, "
        "and a customer-managed key can be reached too. Adding a system-assigned identity changes "
        "nothing else."
    ),
    remediation=set_attr("identity.type", "SystemAssigned"),
    fix_safety=Applicability.SAFE,
    references=(f"{SEARCH_DOCS}/search-howto-managed-identities-data-sources",),
    compliance={MCSB: ("IM-3",), CWE: ("CWE-798",)},
    anchors=("checkov CKV_AZURE_207 (Terraform)", "PSRule Azure.Search.ManagedIdentity (AZR-000175)"),
    examples=(
        bad("terraform", _tf(), fixed=_tf(blocks='\n\n  identity {\n    type = "SystemAssigned"\n  }')),
        good("terraform", _tf(blocks='\n\n  identity {\n    type = "SystemAssigned"\n  }')),
        bad("bicep", _bicep(), fixed=_bicep().replace("  properties: {", "  properties: {", 1).replace(
            "    partitionCount: 1\n  }\n", "    partitionCount: 1\n  }\n  identity: {\n    type: 'SystemAssigned'\n  }\n")),
        good("bicep", _bicep(top="\n  identity: {\n    type: 'SystemAssigned'\n  }")),
        bad("arm", _arm(top='\n      "identity": {\n        "type": "None"\n      },'),
            fixed=_arm(top='\n      "identity": {\n        "type": "SystemAssigned"\n      },')),
        good("arm", _arm(top='\n      "identity": {\n        "type": "SystemAssigned, UserAssigned"\n      },')),
        # azapi: the fix adds azapi_resource's own `identity` block; one inside `body` is accepted too
        bad("terraform", _azapi(), fixed=_azapi(blocks=_AZAPI_IDENTITY)),
        good("terraform", _azapi(blocks=_AZAPI_IDENTITY)),
        good("terraform", _azapi().replace("    sku = {", '    identity = {\n      type = "SystemAssigned"\n    }\n    sku = {')),
    ),
)


def _identity(resource: Resource) -> Iterable[Result]:
    value = identity_type(resource)
    if isinstance(value.raw, Unknown):
        yield unknown_result(resource, "identity.type", value)
    elif isinstance(value.raw, str) and "assigned" in value.raw.lower():
        yield Result(Status.PASS, f"identity {value.raw!r}", "identity.type", value.span)
    else:
        state = "is not set" if value.absent else f"is {shown(resource, 'identity.type', value.raw)}"
        yield Result(Status.FAIL, f"`{name_of(resource, 'identity.type')}` {state}: indexers and skills need "
                                  "stored keys or connection strings to reach data", "identity.type", value.span)


SEARCH_CMK_ENFORCEMENT = Check(
    id="AIP384",
    name="search-cmk-enforcement",
    title="Azure AI Search services enforce customer-managed key encryption",
    severity=Severity.LOW,  # defence in depth: the service encrypts at rest with Microsoft's keys anyway
    kinds=(SEARCH,),
    rule=expect("customer_managed_key_enforcement_enabled", (True,),
                "indexes and synonym maps may be created without a customer-managed key"),
    description=(
        "A search service encrypts indexes with Microsoft-managed keys unless each index names a Key "
        "Vault key. CMK enforcement (`customer_managed_key_enforcement_enabled`, ARM "
        "`encryptionWithCmk.enforcement: Enabled`) makes the service refuse any index or synonym map "
        "without one, so sensitive RAG content cannot land under keys you cannot revoke. azurerm sends "
        "`Disabled` and ARM `Unspecified` when it is not set. The fix enables enforcement: from then "
        "on, creating or updating an index or synonym map without a Key Vault key fails, so review the "
        "indexing pipelines first."
    ),
    remediation=set_attr("customer_managed_key_enforcement_enabled", True),
    fix_safety=Applicability.UNSAFE,  # index and synonym map writes without a customer key are refused
    references=(f"{SEARCH_DOCS}/search-security-manage-encryption-keys",),
    compliance={MCSB: ("DP-5",), OWASP_LLM: ("LLM02",)},
    anchors=("Azure Policy: Azure AI Search services should use customer-managed keys to encrypt data at rest",),
    examples=(
        bad("terraform", _tf(), fixed=_tf("\n  customer_managed_key_enforcement_enabled = true")),
        good("terraform", _tf("\n  customer_managed_key_enforcement_enabled = true")),
        bad("bicep", _bicep("\n    encryptionWithCmk: {\n      enforcement: 'Unspecified'\n    }"),
            fixed=_bicep("\n    encryptionWithCmk: {\n      enforcement: 'Enabled'\n    }")),
        good("bicep", _bicep("\n    encryptionWithCmk: {\n      enforcement: 'Enabled'\n    }")),
        bad("arm", _arm(), fixed=_arm(',\n        "encryptionWithCmk": {\n          "enforcement": "Enabled"\n        }')),
        good("arm", _arm(',\n        "encryptionWithCmk": {\n          "enforcement": "Enabled"\n        }')),
    ),
)

CHECKS: tuple[Check, ...] = (
    SEARCH_PUBLIC_NETWORK,
    SEARCH_GLOBAL_IP_RULE,
    SEARCH_LOCAL_AUTH,
    SEARCH_MANAGED_IDENTITY,
    SEARCH_CMK_ENFORCEMENT,
)
