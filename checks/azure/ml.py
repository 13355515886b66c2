"""Azure Machine Learning checks (AIP350-AIP379): workspaces (and AI Foundry hubs, workspaces of
kind Hub), compute instances and clusters, online endpoints.

Terraform: azurerm_machine_learning_workspace, _compute_instance, _compute_cluster (attribute
names from terraform-provider-azurerm internal/services/machinelearning), azurerm_ai_foundry in its
hub shape (the kind belongs to checks/azure/cognitive.py, which also judges its public network
access), and azapi_resource for what azurerm lacks (online endpoints, compute idle shutdown).
Bicep and ARM: Microsoft.MachineLearningServices/workspaces, /workspaces/computes (every compute
type is one ARM type: the checks read `properties.computeType`; a compute's own settings are
nested one level deeper, `properties.properties.*`) and /workspaces/onlineEndpoints. Defaults:
../shared/research/defaults.md section 4 (recorded in analyzer/kinds.py). Anchors:
../shared/research/anchor-checks.md sections 2 and 7.

Not a check of its own: checkov CKV_AZURE_243 (a managed-network workspace without an outbound
rule of type PrivateEndpoint). A managed network creates the private endpoints to the workspace's
own storage, key vault and registry by itself, and a user-defined rule is needed only for other
data sources, so its absence says nothing; AIP351 judges the isolation the rule was after.
checkov CKV2_AZURE_50 (a high-business-impact workspace whose storage account is public) needs a
storage account kind, which the catalog does not have yet.

Where Terraform and ARM spell a setting with different types (a Terraform boolean against an ARM
"Enabled"/"Disabled" string on one kind), the kinds table limits the value map to Bicep and ARM
(`values_for`), so a remediation's canonical value is written in each framework's own spelling.
"""
from __future__ import annotations

import re
from typing import Any, Iterable

from analyzer import kinds
from analyzer.check import (
    Applicability,
    Check,
    Context,
    Result,
    Rule,
    Severity,
    Status,
    bad,
    good,
    name_of,
    placeholder,
    remove_attr,
    set_attr,
    shown,
    unknown_result,
)
from analyzer.model import Resource, Unknown, Value

WORKSPACE = "azure.ml.workspace"
HUB = "azure.ai_foundry"  # azurerm_ai_foundry: a hub, or (newer providers) a Foundry account with `sku_name`
COMPUTE_INSTANCE = "azure.ml.compute_instance"  # Terraform
COMPUTE_CLUSTER = "azure.ml.compute_cluster"  # Terraform
COMPUTE = "azure.ml.compute"  # Bicep, ARM, azapi: every compute type
ENDPOINT = "azure.ml.online_endpoint"  # Bicep, ARM, azapi

OWASP_ML = "owasp-ml"
OWASP_LLM = "owasp-llm"
MCSB = "azure-mcsb"  # Microsoft cloud security benchmark v1 control ids
CWE = "cwe"

ML_DOCS = "https://learn.microsoft.com/azure/machine-learning"
INSTANCE = "ComputeInstance"
CLUSTER = "AmlCompute"


# --- helpers ------------------------------------------------------------------------------------


def _dialect(resource: Resource) -> str:
    return kinds.dialect(resource.framework, resource.native_type)


def identity_type(resource: Resource) -> Value:
    """`identity.type`. On azapi that is azapi_resource's own `identity` block beside `body` (the
    kinds table's "azapi" path, where a fix writes it), unless `body` has an `identity` of its own
    (the ARM request's, which azapi accepts too): then that one is read, so a fix that adds the
    block beside it does not make the finding go away."""
    if _dialect(resource) == kinds.AZAPI and not resource.native("body.identity").absent:
        return resource.native("body.identity.type")
    return resource.get("identity.type")


def written(resource: Resource, path: str) -> str:
    """A written attribute's value as the file spells it (`"Unspecified"`, where the canonical
    value is false; `"enabled"` in the file's own case)."""
    raw = resource.native(kinds.native_path(resource.kind, path, _dialect(resource))).raw
    return f'"{raw}"' if isinstance(raw, str) else shown(resource, path, resource.get(path).raw)


def _matches(raw: Any, wanted: Any) -> bool:
    if isinstance(raw, str) and isinstance(wanted, str):
        return raw.lower() == wanted.lower()  # Azure enum values are case-insensitive
    return kinds.same(raw, wanted)


def expect(path: str, allowed: tuple, consequence: str) -> Rule:
    """PASS when the attribute (or the provider's default when absent) is one of `allowed`; the
    failure names the attribute and values as the file writes them and says what it means."""

    def rule(resource: Resource, context: Context) -> Iterable[Result]:
        value = resource.get(path)
        if isinstance(value.raw, Unknown):
            yield unknown_result(resource, path, value)
            return
        if any(_matches(value.raw, a) for a in allowed):
            yield Result(Status.PASS, f"`{path}` is {value.raw!r}", path, value.span)
            return
        name = name_of(resource, path)
        wanted = " or ".join(shown(resource, path, a) for a in allowed)
        if value.absent and value.raw is None:
            state = "is not set"
        elif value.absent:
            state = f"is not set, so the default {shown(resource, path, value.raw)} applies"
        else:
            state = f"is {written(resource, path)}"
        yield Result(Status.FAIL, f"`{name}` {state}: {consequence}; it should be {wanted}", path, value.span)

    return rule


def compute_types(*types: str, inner: Rule) -> Rule:
    """`inner` on the Bicep/ARM compute kind only when its `properties.computeType` is one of
    `types` (an attached Kubernetes or Databricks compute has none of these settings); the
    Terraform kinds are one compute type each and always apply."""
    wanted = {t.lower() for t in types}

    def rule(resource: Resource, context: Context) -> Iterable[Result]:
        if resource.kind == COMPUTE:
            value = resource.get("compute_type")
            if isinstance(value.raw, Unknown):
                yield unknown_result(resource, "compute_type", value)
                return
            if not isinstance(value.raw, str) or value.raw.lower() not in wanted:
                return
        yield from inner(resource, context)

    return rule


def hub_shape(inner: Rule) -> Rule:
    """`inner`, but on azurerm_ai_foundry only in its hub shape: the Foundry account shape (newer
    providers) has a `sku_name` and is judged by the Azure AI services checks."""

    def rule(resource: Resource, context: Context) -> Iterable[Result]:
        if resource.kind == HUB and not resource.native("sku_name").absent:
            return
        yield from inner(resource, context)

    return rule


def not_project(inner: Rule) -> Rule:
    """`inner`, except on a workspace of kind Project (an AI Foundry project): its network, keys and
    storage are its hub's, judged on the hub."""

    def rule(resource: Resource, context: Context) -> Iterable[Result]:
        if resource.kind == WORKSPACE:
            kind = resource.get("kind").raw
            if isinstance(kind, str) and kind.lower() == "project":
                return
        yield from inner(resource, context)

    return rule


def _workspace_of(resource: Resource, context: Context) -> Resource | None:
    """The workspace a compute belongs to, when this file declares it: Terraform's
    `machine_learning_workspace_id` reference, Bicep's `parent:` or nesting, ARM's nesting."""
    if _dialect(resource) == "terraform":
        found = context.targets(resource, "machine_learning_workspace_id", (WORKSPACE,))
        return found[0] if found else None
    parent = resource.meta.get("parent")
    if _dialect(resource) == "azapi":
        found = context.targets(resource, "parent_id", (WORKSPACE,))
        return found[0] if found else None
    for candidate in context.by_kind.get(WORKSPACE, ()):
        if parent and candidate.address == parent:
            return candidate
    return None


MANAGED_MODES = ("AllowInternetOutbound", "AllowOnlyApprovedOutbound")


def _in_managed_network(resource: Resource, context: Context) -> bool:
    workspace = _workspace_of(resource, context)
    if workspace is None:
        return False
    mode = workspace.get("managed_network.isolation_mode").raw
    return isinstance(mode, str) and any(_matches(mode, m) for m in MANAGED_MODES)


# --- example templates --------------------------------------------------------------------------
# Terraform (azurerm), Bicep and ARM text for one resource each, with the property under test
# inserted where the writers put a new one (the last line of its object).

def _tf_workspace(attrs: str = "", blocks: str = "") -> str:
    return f'''
resource "azurerm_machine_learning_workspace" "fraud" {{
  name                    = "mlw-fraud-prod"
  location                = azurerm_resource_group.ml.location
  resource_group_name     = azurerm_resource_group.ml.name
  application_insights_id = azurerm_application_insights.ml.id
  key_vault_id            = azurerm_key_vault.ml.id
  storage_account_id      = azurerm_storage_account.ml.id{attrs}

  identity {{
    type = "SystemAssigned"
  }}{blocks}
}}
'''


def _tf_hub(attrs: str = "", blocks: str = "") -> str:
    return f'''
resource "azurerm_ai_foundry" "hub" {{
  name                = "hub-fraud-prod"
  location            = azurerm_resource_group.ai.location
  resource_group_name = azurerm_resource_group.ai.name
  storage_account_id  = azurerm_storage_account.ai.id
  key_vault_id        = azurerm_key_vault.ai.id{attrs}

  identity {{
    type = "SystemAssigned"
  }}{blocks}
}}
'''


def _bicep_workspace(props: str = "", top: str = "", kind: str = "Default") -> str:
    return f'''
param location string = resourceGroup().location

resource workspace 'Microsoft.MachineLearningServices/workspaces@2024-10-01' = {{
  name: 'mlw-fraud-prod'
  location: location
  kind: '{kind}'
  identity: {{
    type: 'SystemAssigned'
  }}{top}
  properties: {{
    storageAccount: resourceId('Microsoft.Storage/storageAccounts', 'stfraudml')
    keyVault: resourceId('Microsoft.KeyVault/vaults', 'kv-fraud-ml')
    applicationInsights: resourceId('Microsoft.Insights/components', 'appi-fraud-ml'){props}
  }}
}}
'''


_ARM_HEAD = '''{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "resources": [
'''
_ARM_TAIL = '''
  ]
}
'''


def _arm_workspace(props: str = "", top: str = "") -> str:
    return _ARM_HEAD + f'''    {{
      "type": "Microsoft.MachineLearningServices/workspaces",
      "apiVersion": "2024-10-01",
      "name": "mlw-fraud-prod",
      "location": "[resourceGroup().location]",
      "identity": {{
        "type": "SystemAssigned"
      }},{top}
      "properties": {{
        "storageAccount": "[resourceId('Microsoft.Storage/storageAccounts', 'stfraudml')]",
        "keyVault": "[resourceId('Microsoft.KeyVault/vaults', 'kv-fraud-ml')]",
        "applicationInsights": "[resourceId('Microsoft.Insights/components', 'appi-fraud-ml')]"{props}
      }}
    }}''' + _ARM_TAIL


def _tf_instance(attrs: str = "", blocks: str = "") -> str:
    return f'''
resource "azurerm_machine_learning_compute_instance" "dev" {{
  name                          = "ci-fraud-dev"
  machine_learning_workspace_id = azurerm_machine_learning_workspace.fraud.id
  virtual_machine_size          = "STANDARD_DS3_V2"{attrs}{blocks}
}}
'''


def _tf_cluster(attrs: str = "", min_nodes: int = 0) -> str:
    return f'''
resource "azurerm_machine_learning_compute_cluster" "train" {{
  name                          = "cc-fraud-train"
  location                      = azurerm_resource_group.ml.location
  machine_learning_workspace_id = azurerm_machine_learning_workspace.fraud.id
  vm_priority                   = "Dedicated"
  vm_size                       = "STANDARD_DS3_V2"{attrs}

  scale_settings {{
    min_node_count                       = {min_nodes}
    max_node_count                       = 4
    scale_down_nodes_after_idle_duration = "PT30M"
  }}
}}
'''


def _bicep_compute(compute_type: str, props: str = "", outer: str = "") -> str:
    size = "vmSize: 'Standard_DS3_v2'"
    return f'''
param location string = resourceGroup().location

resource workspace 'Microsoft.MachineLearningServices/workspaces@2024-10-01' existing = {{
  name: 'mlw-fraud-prod'
}}

resource compute 'Microsoft.MachineLearningServices/workspaces/computes@2024-10-01' = {{
  parent: workspace
  name: '{"ci-fraud-dev" if compute_type == INSTANCE else "cc-fraud-train"}'
  location: location
  properties: {{
    computeType: '{compute_type}'{outer}
    properties: {{
      {size}{props}
    }}
  }}
}}
'''


def _arm_compute(compute_type: str, props: str = "", outer: str = "") -> str:
    name = "ci-fraud-dev" if compute_type == INSTANCE else "cc-fraud-train"
    return _ARM_HEAD + f'''    {{
      "type": "Microsoft.MachineLearningServices/workspaces/computes",
      "apiVersion": "2024-10-01",
      "name": "mlw-fraud-prod/{name}",
      "location": "[resourceGroup().location]",
      "properties": {{
        "computeType": "{compute_type}",{outer}
        "properties": {{
          "vmSize": "Standard_DS3_v2"{props}
        }}
      }}
    }}''' + _ARM_TAIL


def _azapi_compute(props: str = "", outer: str = "") -> str:
    return f'''
resource "azapi_resource" "dev" {{
  type      = "Microsoft.MachineLearningServices/workspaces/computes@2024-10-01"
  name      = "ci-fraud-dev"
  parent_id = azurerm_machine_learning_workspace.fraud.id
  location  = azurerm_resource_group.ml.location
  body = {{
    properties = {{
      computeType = "ComputeInstance"{outer}
      properties = {{
        vmSize = "Standard_DS3_v2"{props}
      }}
    }}
  }}
}}
'''


def _bicep_endpoint(props: str) -> str:
    return f'''
param location string = resourceGroup().location

resource workspace 'Microsoft.MachineLearningServices/workspaces@2024-10-01' existing = {{
  name: 'mlw-fraud-prod'
}}

resource endpoint 'Microsoft.MachineLearningServices/workspaces/onlineEndpoints@2024-10-01' = {{
  parent: workspace
  name: 'fraud-scoring'
  location: location
  identity: {{
    type: 'SystemAssigned'
  }}
  properties: {{
    description: 'Scores card transactions'{props}
  }}
}}
'''


def _arm_endpoint(props: str) -> str:
    return _ARM_HEAD + f'''    {{
      "type": "Microsoft.MachineLearningServices/workspaces/onlineEndpoints",
      "apiVersion": "2024-10-01",
      "name": "mlw-fraud-prod/fraud-scoring",
      "location": "[resourceGroup().location]",
      "identity": {{
        "type": "SystemAssigned"
      }},
      "properties": {{
        "description": "Scores card transactions"{props}
      }}
    }}''' + _ARM_TAIL


def _azapi_workspace(identity: str, props: str = "") -> str:
    return f'''
resource "azapi_resource" "fraud" {{
  type      = "Microsoft.MachineLearningServices/workspaces@2024-10-01"
  name      = "mlw-fraud-prod"
  parent_id = azurerm_resource_group.ml.id
  location  = azurerm_resource_group.ml.location

  identity {{
{identity}
  }}

  body = {{
    properties = {{
      storageAccount = azurerm_storage_account.ml.id{props}
    }}
  }}
}}
'''


def _azapi_endpoint(props: str) -> str:
    return f'''
resource "azapi_resource" "scoring" {{
  type      = "Microsoft.MachineLearningServices/workspaces/onlineEndpoints@2024-10-01"
  name      = "fraud-scoring"
  parent_id = azurerm_machine_learning_workspace.fraud.id
  location  = azurerm_resource_group.ml.location

  identity {{
    type = "SystemAssigned"
  }}

  body = {{
    properties = {{
      description = "Scores card transactions"{props}
    }}
  }}
}}
'''


# --- workspaces ---------------------------------------------------------------------------------

WORKSPACE_PUBLIC_NETWORK = Check(
    id="AIP350",
    name="ml-workspace-public-network",
    title="Azure Machine Learning workspaces are not reachable from public networks",
    # PSRule rates Azure.ML.PublicAccess Critical; HIGH here as for the other internet-reachable AI
    # services: the studio, APIs and the workspace's data still require Entra ID sign-in.
    severity=Severity.HIGH,
    kinds=(WORKSPACE,),
    rule=not_project(expect("public_network_access_enabled", (False,),
                            "the workspace (studio, APIs, registered data and models) is reachable from any network")),
    description=(
        "A workspace with public network access answers the studio, the SDK and its REST APIs from any "
        "network, so a stolen token or a misconfigured role works from anywhere. Azure enables it when "
        "`publicNetworkAccess` is not set, and so does azurerm 4.0 and later when "
        "`public_network_access_enabled` is not set (azurerm 3.25 to 3.117 sent Disabled): an absent "
        "setting is a finding, as checkov CKV_AZURE_144 judges it (its graph twin CKV2_AZURE_49 passes "
        "it, against the real default). Disable it and reach the workspace through a private endpoint. "
        "An AI Foundry hub (`azurerm_ai_foundry`) is judged by the Azure AI services checks. The fix "
        "disables public access, which cuts off every user and client not on a private endpoint."
    ),
    remediation=set_attr("public_network_access_enabled", False),
    fix_safety=Applicability.UNSAFE,  # the studio, SDK and APIs answer only through private endpoints
    references=(f"{ML_DOCS}/how-to-configure-private-link", f"{ML_DOCS}/how-to-network-security-overview"),
    compliance={MCSB: ("NS-2",), OWASP_ML: ("ML05",)},
    anchors=("checkov CKV_AZURE_144 (Terraform)", "checkov CKV2_AZURE_49 (Terraform, ARM; passes when absent)",
             "PSRule Azure.ML.PublicAccess (AZR-000406)",
             "Azure Policy: Azure Machine Learning Workspaces should disable public network access"),
    examples=(
        bad("terraform", _tf_workspace(), fixed=_tf_workspace("\n  public_network_access_enabled = false")),
        bad("terraform", _tf_workspace("\n  public_network_access_enabled = true"),
            fixed=_tf_workspace("\n  public_network_access_enabled = false")),
        good("terraform", _tf_workspace("\n  public_network_access_enabled = false")),
        bad("bicep", _bicep_workspace(), fixed=_bicep_workspace("\n    publicNetworkAccess: 'Disabled'")),
        bad("bicep", _bicep_workspace("\n    publicNetworkAccess: 'Enabled'"),
            fixed=_bicep_workspace("\n    publicNetworkAccess: 'Disabled'")),
        good("bicep", _bicep_workspace("\n    publicNetworkAccess: 'Disabled'")),
        bad("arm", _arm_workspace(',\n        "publicNetworkAccess": "Enabled"'),
            fixed=_arm_workspace(',\n        "publicNetworkAccess": "Disabled"')),
        bad("arm", _arm_workspace(), fixed=_arm_workspace(',\n        "publicNetworkAccess": "Disabled"')),
        good("arm", _arm_workspace(',\n        "publicNetworkAccess": "Disabled"')),
    ),
)


def _isolation(resource: Resource, context: Context) -> Iterable[Result]:
    path = "managed_network.isolation_mode"
    value = resource.get(path)
    if isinstance(value.raw, Unknown):
        yield unknown_result(resource, path, value)
        return
    mode = value.raw if isinstance(value.raw, str) else "Disabled"  # absent on azurerm_ai_foundry too
    if _matches(mode, "AllowOnlyApprovedOutbound"):
        yield Result(Status.PASS, f"`{path}` is {mode!r}", path, value.span)
        return
    name = name_of(resource, path)
    state = f"is {shown(resource, path, mode)}" if not value.absent else "is not set, so there is no managed network"
    if _matches(mode, "AllowInternetOutbound"):
        why = "the managed network lets its computes send data to any internet destination"
    else:
        why = "computes run without managed network isolation"
    yield Result(Status.FAIL, f"`{name}` {state}: {why}; it should be \"AllowOnlyApprovedOutbound\"", path,
                 value.span)


WORKSPACE_MANAGED_NETWORK = Check(
    id="AIP351",
    name="ml-workspace-managed-network-isolation",
    title="Azure Machine Learning workspaces and AI Foundry hubs allow only approved outbound traffic",
    severity=Severity.MEDIUM,
    kinds=(WORKSPACE, HUB),
    rule=not_project(hub_shape(_isolation)),
    description=(
        "A managed virtual network isolates a workspace's computes, serverless jobs and online "
        "deployments and reaches the workspace's own resources through private endpoints it creates. "
        "With `AllowOnlyApprovedOutbound` they can reach only the destinations its outbound rules "
        "(private endpoints, service tags, FQDNs) allow; `AllowInternetOutbound` lets a compromised job or "
        "a malicious package send training data and models anywhere, and without a managed network "
        "(the default: `isolationMode` absent or `Disabled`) the computes have no such boundary at "
        "all. Set `isolation_mode` (ARM `properties.managedNetwork.isolationMode`) to "
        "`AllowOnlyApprovedOutbound` and add outbound rules for what jobs need. A workspace isolated in "
        "a virtual network of your own, with its own egress firewall, can suppress this finding."
    ),
    remediation=set_attr("managed_network.isolation_mode", "AllowOnlyApprovedOutbound"),
    # jobs lose internet access (package installs, external data) until outbound rules allow it,
    # and a managed network cannot be turned off again
    fix_safety=Applicability.UNSAFE,
    references=(f"{ML_DOCS}/how-to-managed-network", "https://learn.microsoft.com/azure/ai-foundry/how-to/configure-managed-network"),
    compliance={MCSB: ("NS-1", "NS-3"), OWASP_ML: ("ML05",), OWASP_LLM: ("LLM02",)},
    anchors=("checkov CKV_AZURE_243 (ARM, Bicep: an outbound rule of type PrivateEndpoint; see the module docstring)",),
    examples=(
        bad("terraform", _tf_workspace(), fixed=_tf_workspace(blocks='''

  managed_network {
    isolation_mode = "AllowOnlyApprovedOutbound"
  }''')),
        bad("terraform", _tf_workspace(blocks='''

  managed_network {
    isolation_mode = "AllowInternetOutbound"
  }'''), fixed=_tf_workspace(blocks='''

  managed_network {
    isolation_mode = "AllowOnlyApprovedOutbound"
  }''')),
        bad("terraform", _tf_hub(), fixed=_tf_hub(blocks='''

  managed_network {
    isolation_mode = "AllowOnlyApprovedOutbound"
  }''')),
        good("terraform", _tf_workspace(blocks='''

  managed_network {
    isolation_mode = "AllowOnlyApprovedOutbound"
  }''')),
        good("terraform", _tf_hub(blocks='''

  managed_network {
    isolation_mode = "AllowOnlyApprovedOutbound"
  }''')),
        bad("bicep", _bicep_workspace("\n    managedNetwork: {\n      isolationMode: 'Disabled'\n    }"),
            fixed=_bicep_workspace("\n    managedNetwork: {\n      isolationMode: 'AllowOnlyApprovedOutbound'\n    }")),
        bad("bicep", _bicep_workspace(kind="Hub"),
            fixed=_bicep_workspace("\n    managedNetwork: {\n      isolationMode: 'AllowOnlyApprovedOutbound'\n    }",
                                   kind="Hub")),
        good("bicep", _bicep_workspace("\n    managedNetwork: {\n      isolationMode: 'AllowOnlyApprovedOutbound'\n"
                                       "      outboundRules: {\n        pypi: {\n          type: 'FQDN'\n"
                                       "          destination: 'pypi.org'\n        }\n      }\n    }")),
        good("bicep", _bicep_workspace("\n    hubResourceId: resourceId('Microsoft.MachineLearningServices/workspaces', "
                                       "'hub-fraud-prod')", kind="Project")),
        bad("arm", _arm_workspace(), fixed=_arm_workspace(
            ',\n        "managedNetwork": {\n          "isolationMode": "AllowOnlyApprovedOutbound"\n        }')),
        good("arm", _arm_workspace(',\n        "managedNetwork": {\n          "isolationMode": "AllowOnlyApprovedOutbound"'
                                   '\n        }')),
    ),
)


def _cmk(resource: Resource, context: Context) -> Iterable[Result]:
    value = resource.get("encryption")
    if isinstance(value.raw, Unknown):
        yield unknown_result(resource, "encryption", value)
        return
    if value.raw in (None, [], {}):
        yield Result(Status.FAIL, f"`{name_of(resource, 'encryption')}` is not set: the workspace's metadata, "
                                  "run history and indexes are encrypted with Microsoft-managed keys only",
                     "encryption", value.span)
        return
    if _dialect(resource) != "terraform":  # ARM requires `status`; Terraform's block always enables it
        status = resource.get("encryption.status")
        if isinstance(status.raw, Unknown):
            yield unknown_result(resource, "encryption.status", status)
            return
        if not (isinstance(status.raw, str) and _matches(status.raw, "Enabled")):
            yield Result(Status.FAIL, f"`{name_of(resource, 'encryption.status')}` is "
                                      f"{shown(resource, 'encryption.status', status.raw)}: the customer-managed "
                                      "key is not used; it should be \"Enabled\"", "encryption.status",
                         status.span or value.span)
            return
    yield Result(Status.PASS, "`encryption` is set", "encryption", value.span)


_TF_ENCRYPTION = '''

  encryption {
    key_vault_id = azurerm_key_vault.ml.id
    key_id       = azurerm_key_vault_key.ml.id
  }'''
_BICEP_ENCRYPTION = '''
    encryption: {
      status: '{status}'
      keyVaultProperties: {
        keyVaultArmId: resourceId('Microsoft.KeyVault/vaults', 'kv-fraud-ml')
        keyIdentifier: 'https://kv-fraud-ml.vault.azure.net/keys/mlw-cmk/0a1b2c3d4e5f60718293a4b5c6d7e8f9'
      }
    }'''
_ARM_ENCRYPTION = ''',
        "encryption": {
          "status": "Enabled",
          "keyVaultProperties": {
            "keyVaultArmId": "[resourceId('Microsoft.KeyVault/vaults', 'kv-fraud-ml')]",
            "keyIdentifier": "https://kv-fraud-ml.vault.azure.net/keys/mlw-cmk/0a1b2c3d4e5f60718293a4b5c6d7e8f9"
          }
        }'''

WORKSPACE_CMK = Check(
    id="AIP352",
    name="ml-workspace-cmk",
    title="Azure Machine Learning workspaces and AI Foundry hubs are encrypted with a customer-managed key",
    severity=Severity.LOW,  # defence in depth: the data is encrypted at rest either way
    kinds=(WORKSPACE, HUB),
    rule=not_project(hub_shape(_cmk)),
    description=(
        "Without `encryption` a workspace's metadata, run history, logs and search indexes are "
        "encrypted with Microsoft-managed keys, which you can neither rotate nor revoke. With a key of "
        "your own (a Key Vault key in `encryption`, ARM `properties.encryption` with `status` "
        "`Enabled`) Azure also keeps the workspace's data in resources of your subscription and treats "
        "the workspace as high business impact (less diagnostic data collected). The key can only be "
        "set when the workspace is created."
    ),
    references=(f"{ML_DOCS}/concept-customer-managed-keys", f"{ML_DOCS}/concept-data-encryption"),
    compliance={MCSB: ("DP-5",), OWASP_ML: ("ML02",)},
    anchors=("Azure Policy: Azure Machine Learning workspaces should be encrypted with a customer-managed key",),
    examples=(
        bad("terraform", _tf_workspace()),
        bad("terraform", _tf_hub()),
        good("terraform", _tf_workspace(blocks=_TF_ENCRYPTION)),
        good("terraform", _tf_hub(blocks=_TF_ENCRYPTION.replace(".ml.", ".ai."))),
        bad("bicep", _bicep_workspace()),
        bad("bicep", _bicep_workspace(_BICEP_ENCRYPTION.replace("{status}", "Disabled"))),
        good("bicep", _bicep_workspace(_BICEP_ENCRYPTION.replace("{status}", "Enabled"))),
        bad("arm", _arm_workspace()),
        good("arm", _arm_workspace(_ARM_ENCRYPTION)),
    ),
)

WORKSPACE_DATASTORE_IDENTITY = Check(
    id="AIP353",
    name="ml-workspace-datastore-identity-auth",
    title="Azure Machine Learning workspaces reach their storage with their identity, not the account key",
    severity=Severity.LOW,
    kinds=(WORKSPACE,),
    rule=not_project(expect("storage_account_access_type", ("Identity",),
                            "the workspace's system datastores use the storage account key, which anyone who "
                            "can read the datastore's secrets can use")),
    description=(
        "By default a workspace keeps its storage account's access key and its default datastores "
        "authenticate with it (`storage_account_access_type` defaults to `AccessKey`; ARM "
        "`systemDatastoresAuthMode` absent does the same), so the key, which grants full access to the "
        "training data, models and logs in the account, is readable by workspace users with datastore "
        "secret access. With `Identity` the workspace's managed identity and each user's own Entra ID "
        "access are used, and the account's shared keys can be disabled."
    ),
    remediation=set_attr("storage_account_access_type", "Identity"),
    fix_safety=Applicability.UNSAFE,  # users and the identity need storage data roles first
    references=(f"{ML_DOCS}/how-to-identity-based-service-authentication",
                f"{ML_DOCS}/how-to-datastore"),
    compliance={MCSB: ("IM-1", "IM-3"), CWE: ("CWE-522",)},
    anchors=(),
    examples=(
        bad("terraform", _tf_workspace(), fixed=_tf_workspace('\n  storage_account_access_type = "Identity"')),
        bad("terraform", _tf_workspace('\n  storage_account_access_type = "AccessKey"'),
            fixed=_tf_workspace('\n  storage_account_access_type = "Identity"')),
        good("terraform", _tf_workspace('\n  storage_account_access_type = "Identity"')),
        bad("bicep", _bicep_workspace(), fixed=_bicep_workspace("\n    systemDatastoresAuthMode: 'Identity'")),
        good("bicep", _bicep_workspace("\n    systemDatastoresAuthMode: 'identity'")),
        bad("arm", _arm_workspace(',\n        "systemDatastoresAuthMode": "AccessKey"'),
            fixed=_arm_workspace(',\n        "systemDatastoresAuthMode": "Identity"')),
        good("arm", _arm_workspace(',\n        "systemDatastoresAuthMode": "Identity"')),
    ),
)

WORKSPACE_V1_LEGACY = Check(
    id="AIP354",
    name="ml-workspace-v1-legacy-mode",
    title="Azure Machine Learning workspaces do not run in v1 legacy mode",
    severity=Severity.LOW,
    kinds=(WORKSPACE,),
    rule=expect("v1_legacy_mode_enabled", (False, None),
                "the v2 API's network isolation is off, so its calls go through the public Azure Resource "
                "Manager endpoint even when the workspace has a private endpoint"),
    description=(
        "In v1 legacy mode a workspace keeps the v1 API's behaviour: the v2 API's network isolation is "
        "turned off, so jobs, models and endpoints created through the v2 CLI and SDK are handled "
        "through the public Azure Resource Manager endpoint, outside the workspace's private link. It is "
        "off by default (azurerm `v1_legacy_mode_enabled` false, ARM `v1LegacyMode` false); only an "
        "explicit `true` is a finding."
    ),
    remediation=set_attr("v1_legacy_mode_enabled", False),
    fix_safety=Applicability.UNSAFE,  # v1 SDK clients that relied on the legacy behaviour may fail
    references=(f"{ML_DOCS}/how-to-configure-network-isolation-with-v2",),
    compliance={MCSB: ("NS-2",)},
    anchors=(),
    examples=(
        bad("terraform", _tf_workspace("\n  v1_legacy_mode_enabled  = true"),
            fixed=_tf_workspace("\n  v1_legacy_mode_enabled  = false")),
        good("terraform", _tf_workspace()),
        bad("bicep", _bicep_workspace("\n    v1LegacyMode: true"), fixed=_bicep_workspace("\n    v1LegacyMode: false")),
        good("bicep", _bicep_workspace("\n    v1LegacyMode: false")),
        bad("arm", _arm_workspace(',\n        "v1LegacyMode": true'), fixed=_arm_workspace(',\n        "v1LegacyMode": false')),
        good("arm", _arm_workspace()),
    ),
)


def _user_assigned(resource: Resource, context: Context) -> Iterable[Result]:
    value = identity_type(resource)
    if isinstance(value.raw, Unknown):
        yield unknown_result(resource, "identity.type", value)
        return
    kind = value.raw if isinstance(value.raw, str) else ""
    if "userassigned" not in kind.replace(" ", "").lower():
        state = f"is {shown(resource, 'identity.type', kind)}" if kind else "is not set"
        yield Result(Status.FAIL, f"`{name_of(resource, 'identity.type')}` {state}: the workspace reaches its "
                                  "storage, key vault and registry with a system-assigned identity that is "
                                  "created and deleted with it; it should include \"UserAssigned\"",
                     "identity.type", value.span)
        return
    primary = resource.get("primary_user_assigned_identity")
    if isinstance(primary.raw, Unknown) and primary.raw.reason != "resource":
        yield unknown_result(resource, "primary_user_assigned_identity", primary)
    elif primary.raw in (None, ""):
        yield Result(Status.FAIL, f"`{name_of(resource, 'primary_user_assigned_identity')}` is not set: the "
                                  "workspace does not use its user-assigned identity for its own access",
                     "primary_user_assigned_identity", primary.span)
    else:
        yield Result(Status.PASS, "the workspace uses a user-assigned identity", "identity.type", value.span)


WORKSPACE_USER_ASSIGNED_IDENTITY = Check(
    id="AIP355",
    name="ml-workspace-user-assigned-identity",
    title="Azure Machine Learning workspaces use a user-assigned managed identity",
    severity=Severity.LOW,  # PSRule "Important"; a least-privilege and lifecycle measure, not an exposure
    kinds=(WORKSPACE,),
    rule=not_project(_user_assigned),
    description=(
        "A workspace reaches its storage account, key vault, container registry and Application "
        "Insights with its managed identity. A system-assigned identity exists only with the workspace, "
        "so its role assignments cannot be granted (and reviewed) before the workspace is created, and "
        "Azure grants it broad roles on those resources itself. A user-assigned identity, named as "
        "`primary_user_assigned_identity` (ARM `properties.primaryUserAssignedIdentity`), is created "
        "first with only the roles you give it and survives a re-created workspace."
    ),
    references=(f"{ML_DOCS}/how-to-identity-based-service-authentication",),
    compliance={MCSB: ("IM-3", "PA-7")},
    anchors=("PSRule Azure.ML.UserManagedIdentity (AZR-000407)",),
    examples=(
        bad("terraform", _tf_workspace()),
        bad("terraform", _tf_workspace().replace('type = "SystemAssigned"', 'type         = "UserAssigned"\n'
                                                 '    identity_ids = [azurerm_user_assigned_identity.ml.id]')),
        good("terraform", _tf_workspace("\n  primary_user_assigned_identity = azurerm_user_assigned_identity.ml.id")
             .replace('type = "SystemAssigned"', 'type         = "UserAssigned"\n'
                      '    identity_ids = [azurerm_user_assigned_identity.ml.id]')),
        bad("bicep", _bicep_workspace()),
        good("bicep", _bicep_workspace("\n    primaryUserAssignedIdentity: identity.id", top="")
             .replace("param location string = resourceGroup().location\n",
                      "param location string = resourceGroup().location\n\nresource identity "
                      "'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {\n  name: 'id-mlw-fraud'\n"
                      "  location: location\n}\n")
             .replace("    type: 'SystemAssigned'\n", "    type: 'UserAssigned'\n    userAssignedIdentities: {\n"
                      "      '${identity.id}': {}\n    }\n")),
        bad("arm", _arm_workspace()),
        good("arm", _arm_workspace(',\n        "primaryUserAssignedIdentity": '
                                   '"[resourceId(\'Microsoft.ManagedIdentity/userAssignedIdentities\', \'id-mlw-fraud\')]"')
             .replace('"type": "SystemAssigned"\n', '"type": "UserAssigned",\n        "userAssignedIdentities": {\n'
                      '          "[resourceId(\'Microsoft.ManagedIdentity/userAssignedIdentities\', \'id-mlw-fraud\')]": {}\n'
                      '        }\n')),
        # azapi: the identity is azapi_resource's own block, beside `body`
        bad("terraform", _azapi_workspace('    type = "SystemAssigned"')),
        good("terraform", _azapi_workspace('    type         = "UserAssigned"\n'
                                           '    identity_ids = [azurerm_user_assigned_identity.ml.id]',
                                           "\n      primaryUserAssignedIdentity = azurerm_user_assigned_identity.ml.id")),
    ),
)

# --- computes -----------------------------------------------------------------------------------

COMPUTE_KINDS = (COMPUTE_INSTANCE, COMPUTE_CLUSTER, COMPUTE)

COMPUTE_NODE_PUBLIC_IP = Check(
    id="AIP360",
    name="ml-compute-node-public-ip",
    title="Azure Machine Learning compute instances and clusters have no public IP addresses",
    severity=Severity.MEDIUM,
    kinds=COMPUTE_KINDS,
    rule=compute_types(INSTANCE, CLUSTER, inner=expect(
        "node_public_ip_enabled", (False,), "every node gets a public IP address reachable from the internet")),
    description=(
        "Compute instances and cluster nodes get a public IP address unless it is turned off "
        "(azurerm `node_public_ip_enabled` and ARM `enableNodePublicIp` both default to true), and "
        "Azure opens inbound ports on it for its own management traffic, so the nodes that hold "
        "credentials and training data are addressable from the internet. Without a public IP a "
        "compute needs a subnet of yours (`subnet_resource_id`) or the workspace's managed network. "
        "No automatic fix: azurerm rejects `false` without a subnet."
    ),
    references=(f"{ML_DOCS}/how-to-secure-training-vnet", f"{ML_DOCS}/concept-secure-network-traffic-flow"),
    compliance={MCSB: ("NS-2",), OWASP_ML: ("ML05",)},
    anchors=("Azure Policy: Azure Machine Learning Computes should be in a virtual network (related)",),
    examples=(
        bad("terraform", _tf_instance()),
        bad("terraform", _tf_cluster("\n  node_public_ip_enabled        = true")),
        good("terraform", _tf_instance("\n  subnet_resource_id            = azurerm_subnet.ml.id"
                                       "\n  node_public_ip_enabled        = false")),
        good("terraform", _tf_cluster("\n  subnet_resource_id            = azurerm_subnet.ml.id"
                                      "\n  node_public_ip_enabled        = false")),
        bad("bicep", _bicep_compute(INSTANCE)),
        bad("bicep", _bicep_compute(CLUSTER, "\n      enableNodePublicIp: true")),
        good("bicep", _bicep_compute(INSTANCE, "\n      enableNodePublicIp: false\n      subnet: {\n"
                                               "        id: resourceId('Microsoft.Network/virtualNetworks/subnets', "
                                               "'vnet-ml', 'snet-compute')\n      }")),
        good("bicep", _bicep_compute("Kubernetes").replace("      vmSize: 'Standard_DS3_v2'\n", "      namespace: 'ml'\n")),
        bad("arm", _arm_compute(INSTANCE)),
        good("arm", _arm_compute(CLUSTER, ',\n          "enableNodePublicIp": false')),
        bad("terraform", _azapi_compute()),
        good("terraform", _azapi_compute("\n        enableNodePublicIp = false")),
    ),
)


def _vnet(resource: Resource, context: Context) -> Iterable[Result]:
    path = "subnet_resource_id"
    value = resource.get(path)
    if isinstance(value.raw, Unknown):
        if value.raw.reason == "resource":
            yield Result(Status.PASS, "the compute is in a subnet", path, value.span)
        else:
            yield unknown_result(resource, path, value)
        return
    if value.raw not in (None, ""):
        yield Result(Status.PASS, "the compute is in a subnet", path, value.span)
    elif _in_managed_network(resource, context):
        yield Result(Status.PASS, "the workspace's managed network isolates the compute", path, value.span)
    else:
        yield Result(Status.FAIL, f"`{name_of(resource, path)}` is not set and the workspace declared here has no "
                                  "managed network: the compute runs outside any virtual network you control",
                     path, value.span)


COMPUTE_VNET = Check(
    id="AIP361",
    name="ml-compute-vnet",
    title="Azure Machine Learning compute instances and clusters run in a virtual network",
    severity=Severity.MEDIUM,
    kinds=COMPUTE_KINDS,
    rule=compute_types(INSTANCE, CLUSTER, inner=_vnet),
    description=(
        "A compute without a subnet (azurerm `subnet_resource_id`, ARM `properties.properties.subnet.id`) "
        "runs in a network Azure manages for you, outside your network security groups, routes and "
        "firewalls, so you cannot restrict what it reaches or who reaches it. Put it in a subnet of "
        "yours, or create the workspace with a managed network (then a compute needs no subnet: a "
        "compute whose workspace, declared in the same file or module, has one passes)."
    ),
    remediation=set_attr("subnet_resource_id", placeholder("subnet_resource_id")),
    fix_safety=Applicability.SUGGESTION,
    references=(f"{ML_DOCS}/how-to-secure-training-vnet", f"{ML_DOCS}/how-to-managed-network"),
    compliance={MCSB: ("NS-1",), OWASP_ML: ("ML05",)},
    anchors=("PSRule Azure.ML.ComputeVnet (AZR-000405)",
             "Azure Policy: Azure Machine Learning Computes should be in a virtual network"),
    examples=(
        bad("terraform", _tf_instance(), fixed=_tf_instance("\n  subnet_resource_id            = var.subnet_resource_id")
            + '''
variable "subnet_resource_id" {
  description = "ID of the subnet resource (asked for by an aiposture fix)"
  type        = string
}
'''),
        good("terraform", _tf_cluster("\n  subnet_resource_id            = azurerm_subnet.ml.id")),
        good("terraform", _tf_workspace(blocks='''

  managed_network {
    isolation_mode = "AllowOnlyApprovedOutbound"
  }''') + _tf_instance()),
        bad("bicep", _bicep_compute(CLUSTER), fixed=_bicep_compute(CLUSTER, "\n      subnet: {\n        id: subnetResourceId\n"
                                                                            "      }").replace(
            "param location string = resourceGroup().location\n", "param location string = resourceGroup().location\n\n"
            "@description('ID of the subnet resource (asked for by an aiposture fix)')\nparam subnetResourceId string\n")),
        good("bicep", _bicep_compute(INSTANCE, "\n      subnet: {\n        id: resourceId("
                                               "'Microsoft.Network/virtualNetworks/subnets', 'vnet-ml', 'snet-compute')\n"
                                               "      }")),
        bad("arm", _arm_compute(INSTANCE), fixed=_arm_compute(INSTANCE, ',\n          "subnet": {\n'
                                                                        '            "id": "[parameters(\'subnetResourceId\')]"\n'
                                                                        '          }').replace(
            '  "contentVersion": "1.0.0.0",\n', '  "contentVersion": "1.0.0.0",\n  "parameters": {\n'
            '    "subnetResourceId": {\n      "type": "string",\n      "metadata": {\n        "description": '
            '"ID of the subnet resource (asked for by an aiposture fix)"\n      }\n    }\n  },\n')),
        good("arm", _arm_compute(INSTANCE, ',\n          "subnet": {\n            "id": "[resourceId('
                                           '\'Microsoft.Network/virtualNetworks/subnets\', \'vnet-ml\', \'snet-compute\')]"\n'
                                           '          }')),
    ),
)

COMPUTE_LOCAL_AUTH = Check(
    id="AIP362",
    name="ml-compute-local-auth",
    title="Azure Machine Learning compute instances and clusters accept only Entra ID authentication",
    severity=Severity.MEDIUM,
    kinds=COMPUTE_KINDS,
    rule=expect("local_auth_enabled", (False,),
                "the compute accepts local credentials as well as Microsoft Entra ID"),
    description=(
        "Local authentication lets a compute accept credentials other than Microsoft Entra ID tokens, "
        "which Entra ID's conditional access, sign-in logs and token lifetimes do not govern. azurerm "
        "enables it unless `local_auth_enabled = false`, and Azure unless `disableLocalAuth` is true. "
        "The setting can only be chosen when the compute is created (Terraform replaces it)."
    ),
    remediation=set_attr("local_auth_enabled", False),
    fix_safety=Applicability.UNSAFE,  # re-creates the compute; tools that used local credentials stop working
    references=(f"{ML_DOCS}/how-to-integrate-azure-policy",
                "https://learn.microsoft.com/azure/templates/microsoft.machinelearningservices/workspaces/computes"),
    compliance={MCSB: ("IM-1",), CWE: ("CWE-287",)},
    anchors=("checkov CKV_AZURE_142 (compute clusters, Terraform)", "PSRule Azure.ML.DisableLocalAuth (AZR-000404)",
             "Azure Policy: Azure Machine Learning Computes should have local authentication methods disabled"),
    examples=(
        bad("terraform", _tf_cluster(), fixed=_tf_cluster("\n  local_auth_enabled            = false")),
        bad("terraform", _tf_instance("\n  local_auth_enabled            = true"),
            fixed=_tf_instance("\n  local_auth_enabled            = false")),
        good("terraform", _tf_instance("\n  local_auth_enabled            = false")),
        bad("bicep", _bicep_compute(INSTANCE), fixed=_bicep_compute(INSTANCE).replace(
            "      vmSize: 'Standard_DS3_v2'\n    }\n", "      vmSize: 'Standard_DS3_v2'\n    }\n    disableLocalAuth: true\n")),
        good("bicep", _bicep_compute(CLUSTER, outer="\n    disableLocalAuth: true")),
        bad("arm", _arm_compute(CLUSTER, outer='\n        "disableLocalAuth": false,'),
            fixed=_arm_compute(CLUSTER, outer='\n        "disableLocalAuth": true,')),
        good("arm", _arm_compute(INSTANCE, outer='\n        "disableLocalAuth": true,')),
    ),
)


def _instance_ssh(resource: Resource, context: Context) -> Iterable[Result]:
    if resource.kind == COMPUTE_INSTANCE:  # azurerm opens the public SSH port when an `ssh` block is written
        value = resource.get("ssh")
        if isinstance(value.raw, Unknown):
            yield unknown_result(resource, "ssh", value)
        elif value.raw in (None, [], {}):
            yield Result(Status.PASS, "no SSH access", "ssh", value.span)
        else:
            yield Result(Status.FAIL, "an `ssh` block is written, so the instance's public SSH port is open",
                         "ssh", value.span)
        return
    yield from expect("ssh_public_access", (False,), "the instance's SSH port is open to the internet")(resource, context)


COMPUTE_INSTANCE_SSH = Check(
    id="AIP363",
    name="ml-compute-instance-public-ssh",
    title="Azure Machine Learning compute instances have no public SSH access",
    severity=Severity.MEDIUM,
    kinds=(COMPUTE_INSTANCE, COMPUTE),
    rule=compute_types(INSTANCE, inner=_instance_ssh),
    description=(
        "A compute instance with SSH public access listens for SSH on its public IP address, so anyone "
        "who gets the key (or can guess an address to try keys on) reaches a shell on a machine "
        "holding the user's credentials, notebooks and data. azurerm enables it whenever an `ssh` block "
        "is written; in ARM `sshSettings.sshPublicAccess` defaults to `Disabled`. Use the studio's "
        "terminal or VS Code through Entra ID instead, or reach SSH over a private network."
    ),
    remediation=remove_attr("ssh"),
    fix_safety=Applicability.UNSAFE,  # SSH clients lose access; Terraform re-creates the instance
    references=(f"{ML_DOCS}/how-to-create-compute-instance", f"{ML_DOCS}/how-to-secure-training-vnet"),
    compliance={MCSB: ("NS-2", "PA-7"), CWE: ("CWE-284",)},
    anchors=(),
    examples=(
        bad("terraform", _tf_instance(blocks='''

  ssh {
    public_key = file("~/.ssh/id_rsa.pub")
  }'''), fixed=_tf_instance()),
        good("terraform", _tf_instance()),
        bad("bicep", _bicep_compute(INSTANCE, "\n      sshSettings: {\n        sshPublicAccess: 'Enabled'\n"
                                              "        adminPublicKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHkX dev'\n"
                                              "      }"),
            fixed=_bicep_compute(INSTANCE)),
        good("bicep", _bicep_compute(INSTANCE, "\n      sshSettings: {\n        sshPublicAccess: 'Disabled'\n      }")),
        good("bicep", _bicep_compute(CLUSTER)),
        bad("arm", _arm_compute(INSTANCE, ',\n          "sshSettings": {\n            "sshPublicAccess": "Enabled"\n'
                                          '          }'), fixed=_arm_compute(INSTANCE)),
        good("arm", _arm_compute(INSTANCE)),
    ),
)


def _cluster_ssh(resource: Resource, context: Context) -> Iterable[Result]:
    path = "ssh_public_access_enabled"
    value = resource.get(path)
    if isinstance(value.raw, Unknown):
        yield unknown_result(resource, path, value)
        return
    if value.raw is False:
        yield Result(Status.PASS, "the public SSH port is closed", path, value.span)
        return
    name = name_of(resource, path)
    if value.raw is True:
        yield Result(Status.FAIL, f"`{name}` is {shown(resource, path, True)}: the SSH port of every node is open "
                                  f"to the internet; it should be {shown(resource, path, False)}", path, value.span)
        return
    # ARM's NotSpecified (also when absent): open on every node unless the cluster is in a subnet
    subnet = resource.get("subnet_resource_id")
    if isinstance(subnet.raw, Unknown) and subnet.raw.reason != "resource":
        yield unknown_result(resource, "subnet_resource_id", subnet)
    elif subnet.raw not in (None, ""):
        yield Result(Status.PASS, "NotSpecified in a subnet: the public SSH port is closed", path, value.span)
    else:
        state = "is not set" if value.absent else f"is {shown(resource, path, value.raw)}"
        yield Result(Status.FAIL, f"`{name}` {state} and the cluster has no subnet: the SSH port of every node is "
                                  f"open to the internet; it should be {shown(resource, path, False)}",
                     path, value.span)


COMPUTE_CLUSTER_SSH = Check(
    id="AIP364",
    name="ml-compute-cluster-public-ssh",
    title="Azure Machine Learning compute clusters keep their nodes' SSH port closed to the internet",
    severity=Severity.MEDIUM,
    kinds=(COMPUTE_CLUSTER, COMPUTE),
    rule=compute_types(CLUSTER, inner=_cluster_ssh),
    description=(
        "A compute cluster's `remoteLoginPortPublicAccess` decides whether its nodes' SSH port is open on "
        "their public IP addresses. azurerm sends `Disabled` unless `ssh_public_access_enabled = true`, "
        "but ARM, Bicep and azapi default to `NotSpecified`, which opens the port on every node of a "
        "cluster that has no subnet: training nodes with the workspace's data and identity then accept "
        "SSH connections from anywhere."
    ),
    remediation=set_attr("ssh_public_access_enabled", False),
    fix_safety=Applicability.UNSAFE,  # SSH to the nodes stops working; Terraform re-creates the cluster
    references=(f"{ML_DOCS}/how-to-create-attach-compute-cluster",
                "https://learn.microsoft.com/azure/templates/microsoft.machinelearningservices/workspaces/computes"),
    compliance={MCSB: ("NS-2",), CWE: ("CWE-284",)},
    anchors=(),
    examples=(
        bad("terraform", _tf_cluster("\n  ssh_public_access_enabled     = true"),
            fixed=_tf_cluster("\n  ssh_public_access_enabled     = false")),
        good("terraform", _tf_cluster()),
        bad("bicep", _bicep_compute(CLUSTER), fixed=_bicep_compute(CLUSTER, "\n      remoteLoginPortPublicAccess: 'Disabled'")),
        bad("bicep", _bicep_compute(CLUSTER, "\n      remoteLoginPortPublicAccess: 'Enabled'"),
            fixed=_bicep_compute(CLUSTER, "\n      remoteLoginPortPublicAccess: 'Disabled'")),
        good("bicep", _bicep_compute(CLUSTER, "\n      remoteLoginPortPublicAccess: 'NotSpecified'\n      subnet: {\n"
                                              "        id: resourceId('Microsoft.Network/virtualNetworks/subnets', "
                                              "'vnet-ml', 'snet-compute')\n      }")),
        bad("arm", _arm_compute(CLUSTER, ',\n          "remoteLoginPortPublicAccess": "NotSpecified"'),
            fixed=_arm_compute(CLUSTER, ',\n          "remoteLoginPortPublicAccess": "Disabled"')),
        good("arm", _arm_compute(CLUSTER, ',\n          "remoteLoginPortPublicAccess": "Disabled"')),
    ),
)

_ISO_DURATION = re.compile(r"^P(?!$)(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$", re.IGNORECASE)


def _idle_shutdown(resource: Resource, context: Context) -> Iterable[Result]:
    path = "idle_time_before_shutdown"
    value = resource.get(path)
    if isinstance(value.raw, Unknown):
        yield unknown_result(resource, path, value)
    elif isinstance(value.raw, str) and _ISO_DURATION.match(value.raw.strip()):
        yield Result(Status.PASS, f"`{path}` is {value.raw!r}", path, value.span)
    elif value.absent:
        yield Result(Status.FAIL, f"`{name_of(resource, path)}` is not set: the instance keeps running (and "
                                  "billing) when nobody uses it", path, value.span)
    else:
        yield Result(Status.FAIL, f"`{name_of(resource, path)}` is {shown(resource, path, value.raw)}, not an ISO "
                                  "8601 duration: the instance does not shut down when idle", path, value.span)


COMPUTE_IDLE_SHUTDOWN = Check(
    id="AIP365",
    name="ml-compute-instance-idle-shutdown",
    title="Azure Machine Learning compute instances shut down when idle",
    severity=Severity.LOW,  # cost first; a running, unattended instance is also a standing target
    kinds=(COMPUTE,),
    rule=compute_types(INSTANCE, inner=_idle_shutdown),
    description=(
        "A compute instance without `idleTimeBeforeShutdown` (an ISO 8601 duration between 15 minutes "
        "and 3 days) runs until someone stops it: it keeps billing and keeps a machine with the "
        "user's credentials and data online while nobody watches it. azurerm cannot set it; use ARM, "
        "Bicep or azapi."
    ),
    remediation=set_attr("idle_time_before_shutdown", "PT60M"),
    fix_safety=Applicability.UNSAFE,  # an idle notebook's kernel state is lost after an hour
    references=(f"{ML_DOCS}/how-to-create-compute-instance#configure-idle-shutdown",),
    compliance={MCSB: ("AM-1",)},
    anchors=("PSRule Azure.ML.ComputeIdleShutdown (AZR-000403)",
             "Azure Policy: Azure Machine Learning Compute Instance should have idle shutdown"),
    examples=(
        bad("bicep", _bicep_compute(INSTANCE), fixed=_bicep_compute(INSTANCE, "\n      idleTimeBeforeShutdown: 'PT60M'")),
        good("bicep", _bicep_compute(INSTANCE, "\n      idleTimeBeforeShutdown: 'PT30M'")),
        good("bicep", _bicep_compute(CLUSTER)),
        bad("arm", _arm_compute(INSTANCE), fixed=_arm_compute(INSTANCE, ',\n          "idleTimeBeforeShutdown": "PT60M"')),
        good("arm", _arm_compute(INSTANCE, ',\n          "idleTimeBeforeShutdown": "PT2H"')),
        bad("terraform", _azapi_compute(), fixed=_azapi_compute('\n        idleTimeBeforeShutdown = "PT60M"')),
        good("terraform", _azapi_compute('\n        idleTimeBeforeShutdown = "PT45M"')),
    ),
)


def _min_nodes(resource: Resource, context: Context) -> Iterable[Result]:
    path = "scale_settings.min_node_count"
    value = resource.get(path)
    if isinstance(value.raw, Unknown):
        yield unknown_result(resource, path, value)
    elif isinstance(value.raw, int) and not isinstance(value.raw, bool) and value.raw > 0:
        yield Result(Status.FAIL, f"`{name_of(resource, path)}` is {value.raw}: that many nodes run (and bill) "
                                  "while no job needs them; it should be 0", path, value.span)
    else:
        yield Result(Status.PASS, f"`{path}` is {value.raw!r}", path, value.span)


COMPUTE_CLUSTER_MIN_NODES = Check(
    id="AIP366",
    name="ml-compute-cluster-scale-to-zero",
    title="Azure Machine Learning compute clusters scale down to zero nodes",
    severity=Severity.LOW,  # cost, not security (checkov files it under general)
    kinds=(COMPUTE_CLUSTER, COMPUTE),
    rule=compute_types(CLUSTER, inner=_min_nodes),
    description=(
        "A cluster with a minimum node count above zero keeps those nodes running between jobs, billed "
        "around the clock. Scale to zero unless job start latency matters more than the cost."
    ),
    remediation=set_attr("scale_settings.min_node_count", 0),
    fix_safety=Applicability.UNSAFE,  # jobs wait for nodes to start; Terraform re-creates the cluster
    references=(f"{ML_DOCS}/how-to-create-attach-compute-cluster", f"{ML_DOCS}/how-to-manage-optimize-cost"),
    compliance={},
    anchors=("checkov CKV_AZURE_150 (Terraform)",),
    examples=(
        bad("terraform", _tf_cluster(min_nodes=2), fixed=_tf_cluster(min_nodes=0)),
        good("terraform", _tf_cluster()),
        bad("bicep", _bicep_compute(CLUSTER, "\n      scaleSettings: {\n        minNodeCount: 1\n        maxNodeCount: 4\n"
                                             "      }"),
            fixed=_bicep_compute(CLUSTER, "\n      scaleSettings: {\n        minNodeCount: 0\n        maxNodeCount: 4\n"
                                          "      }")),
        good("bicep", _bicep_compute(CLUSTER, "\n      scaleSettings: {\n        maxNodeCount: 4\n      }")),
        bad("arm", _arm_compute(CLUSTER, ',\n          "scaleSettings": {\n            "minNodeCount": 3,\n'
                                         '            "maxNodeCount": 4\n          }'),
            fixed=_arm_compute(CLUSTER, ',\n          "scaleSettings": {\n            "minNodeCount": 0,\n'
                                        '            "maxNodeCount": 4\n          }')),
        good("arm", _arm_compute(CLUSTER)),
    ),
)

# --- online endpoints ---------------------------------------------------------------------------

ENDPOINT_PUBLIC_NETWORK = Check(
    id="AIP370",
    name="ml-online-endpoint-public-network",
    title="Azure Machine Learning online endpoints are not reachable from public networks",
    # MEDIUM, not HIGH as for the workspace: an endpoint is meant to be called and still requires
    # a key or token, but a public one takes scoring requests (and key guesses) from anywhere
    severity=Severity.MEDIUM,
    kinds=(ENDPOINT,),
    rule=expect("public_network_access_enabled", (False,), "the endpoint takes scoring requests from any network"),
    description=(
        "An online endpoint with public network access takes scoring requests from the internet; "
        "with the workspace's private endpoint and `publicNetworkAccess: Disabled` it answers only "
        "from your networks. Azure treats an absent `publicNetworkAccess` as enabled. azurerm has no "
        "online endpoint resource: Terraform declares one with azapi."
    ),
    remediation=set_attr("public_network_access_enabled", False),
    fix_safety=Applicability.UNSAFE,  # callers outside the private network lose access
    references=(f"{ML_DOCS}/how-to-secure-online-endpoint", f"{ML_DOCS}/concept-secure-online-endpoint"),
    compliance={MCSB: ("NS-2",), OWASP_ML: ("ML05",), OWASP_LLM: ("LLM10",)},
    anchors=(),
    examples=(
        bad("bicep", _bicep_endpoint("\n    authMode: 'AADToken'"),
            fixed=_bicep_endpoint("\n    authMode: 'AADToken'\n    publicNetworkAccess: 'Disabled'")),
        good("bicep", _bicep_endpoint("\n    authMode: 'AADToken'\n    publicNetworkAccess: 'Disabled'")),
        bad("arm", _arm_endpoint(',\n        "authMode": "AADToken",\n        "publicNetworkAccess": "Enabled"'),
            fixed=_arm_endpoint(',\n        "authMode": "AADToken",\n        "publicNetworkAccess": "Disabled"')),
        good("arm", _arm_endpoint(',\n        "authMode": "AADToken",\n        "publicNetworkAccess": "Disabled"')),
        bad("terraform", _azapi_endpoint('\n      authMode    = "AADToken"'),
            fixed=_azapi_endpoint('\n      authMode    = "AADToken"\n      publicNetworkAccess = "Disabled"')),
        good("terraform", _azapi_endpoint('\n      authMode            = "AADToken"\n'
                                          '      publicNetworkAccess = "Disabled"')),
    ),
)


def _token_auth(resource: Resource, context: Context) -> Iterable[Result]:
    path = "auth_mode"
    value = resource.get(path)
    if isinstance(value.raw, Unknown):
        yield unknown_result(resource, path, value)
    elif value.absent:
        return  # required: Azure rejects an endpoint without it, so there is nothing deployed to judge
    elif isinstance(value.raw, str) and _matches(value.raw, "Key"):
        yield Result(Status.FAIL, f"`{name_of(resource, path)}` is \"{value.raw}\": callers authenticate with "
                                  "static keys that never expire; it should be \"AADToken\" (or \"AMLToken\")",
                     path, value.span)
    else:
        yield Result(Status.PASS, f"`{path}` is {value.raw!r}", path, value.span)


ENDPOINT_TOKEN_AUTH = Check(
    id="AIP371",
    name="ml-online-endpoint-token-auth",
    title="Azure Machine Learning online endpoints authenticate callers with tokens, not keys",
    severity=Severity.MEDIUM,
    kinds=(ENDPOINT,),
    rule=_token_auth,
    description=(
        "With `authMode: Key` an online endpoint accepts two static keys that never expire, are shared "
        "by every caller and end up in application settings and code. `AADToken` accepts Microsoft "
        "Entra ID tokens authorised by Azure RBAC per caller; `AMLToken` short-lived workspace tokens. "
        "Azure requires `authMode` (no default), so an absent value is not judged."
    ),
    remediation=set_attr("auth_mode", "AADToken"),
    fix_safety=Applicability.UNSAFE,  # callers with keys must switch to Entra ID tokens and roles
    references=(f"{ML_DOCS}/how-to-authenticate-online-endpoint", f"{ML_DOCS}/concept-endpoints-online-auth"),
    compliance={MCSB: ("IM-1",), OWASP_LLM: ("LLM10",), CWE: ("CWE-798",)},
    anchors=(),
    examples=(
        bad("bicep", _bicep_endpoint("\n    authMode: 'Key'\n    publicNetworkAccess: 'Disabled'"),
            fixed=_bicep_endpoint("\n    authMode: 'AADToken'\n    publicNetworkAccess: 'Disabled'")),
        good("bicep", _bicep_endpoint("\n    authMode: 'AMLToken'\n    publicNetworkAccess: 'Disabled'")),
        bad("arm", _arm_endpoint(',\n        "authMode": "Key"'), fixed=_arm_endpoint(',\n        "authMode": "AADToken"')),
        good("arm", _arm_endpoint(',\n        "authMode": "AADToken"')),
        bad("terraform", _azapi_endpoint('\n      authMode    = "Key"'),
            fixed=_azapi_endpoint('\n      authMode    = "AADToken"')),
        good("terraform", _azapi_endpoint('\n      authMode    = "AADToken"')),
    ),
)

CHECKS: tuple[Check, ...] = (
    WORKSPACE_PUBLIC_NETWORK,
    WORKSPACE_MANAGED_NETWORK,
    WORKSPACE_CMK,
    WORKSPACE_DATASTORE_IDENTITY,
    WORKSPACE_V1_LEGACY,
    WORKSPACE_USER_ASSIGNED_IDENTITY,
    COMPUTE_NODE_PUBLIC_IP,
    COMPUTE_VNET,
    COMPUTE_LOCAL_AUTH,
    COMPUTE_INSTANCE_SSH,
    COMPUTE_CLUSTER_SSH,
    COMPUTE_IDLE_SHUTDOWN,
    COMPUTE_CLUSTER_MIN_NODES,
    ENDPOINT_PUBLIC_NETWORK,
    ENDPOINT_TOKEN_AUTH,
)
