"""The Azure rows of the kinds table: one canonical path per setting on every framework, value
maps limited to the frameworks that spell the value differently, and azapi's own blocks."""
import pytest

from analyzer import kinds
from analyzer.check import set_attr
from analyzer.engine import check_source
from analyzer.fix import NativeSet
from analyzer.fixer import native_change
from analyzer.model import Resource, Span, Value

ACCOUNT = "azure.cognitive.account"
SEARCH = "azure.search.service"
WORKSPACE = "azure.ml.workspace"


def span(line: int) -> Span:
    return Span("main", line * 10, line * 10 + 5, line, 3, line, 8)


def resource(kind: str, native_type: str, framework: str, attrs: dict) -> Resource:
    return Resource(kind, native_type, framework, "r", span(1),
                    {name: Value(raw, span(line)) for line, (name, raw) in enumerate(attrs.items(), start=2)})


@pytest.mark.parametrize("kind, native_type, path, value, framework, expected", [
    # Terraform writes the canonical boolean; ARM spells it, or inverts it
    (ACCOUNT, "azurerm_cognitive_account", "local_auth_enabled", False, "terraform", ("local_auth_enabled", False)),
    (ACCOUNT, "Microsoft.CognitiveServices/accounts", "local_auth_enabled", False, "arm",
     ("properties.disableLocalAuth", True)),
    (ACCOUNT, "azapi_resource", "local_auth_enabled", False, "terraform", ("body.properties.disableLocalAuth", True)),
    (ACCOUNT, "azurerm_cognitive_account", "public_network_access_enabled", False, "terraform",
     ("public_network_access_enabled", False)),
    (ACCOUNT, "Microsoft.CognitiveServices/accounts", "public_network_access_enabled", False, "bicep",
     ("properties.publicNetworkAccess", "Disabled")),
    (SEARCH, "azurerm_search_service", "local_authentication_enabled", False, "terraform",
     ("local_authentication_enabled", False)),
    (SEARCH, "Microsoft.Search/searchServices", "local_authentication_enabled", False, "bicep",
     ("properties.disableLocalAuth", True)),
    (SEARCH, "azurerm_search_service", "customer_managed_key_enforcement_enabled", True, "terraform",
     ("customer_managed_key_enforcement_enabled", True)),
    (SEARCH, "Microsoft.Search/searchServices", "customer_managed_key_enforcement_enabled", True, "arm",
     ("properties.encryptionWithCmk.enforcement", "Enabled")),
    (WORKSPACE, "azurerm_machine_learning_workspace", "public_network_access_enabled", False, "terraform",
     ("public_network_access_enabled", False)),
    (WORKSPACE, "azapi_resource", "public_network_access_enabled", False, "terraform",
     ("body.properties.publicNetworkAccess", "Disabled")),
    # azapi_resource's own `identity` block, not the body's
    (ACCOUNT, "azapi_resource", "identity.type", "SystemAssigned", "terraform", ("identity.type", "SystemAssigned")),
    (SEARCH, "azapi_resource", "identity.type", "SystemAssigned", "terraform", ("identity.type", "SystemAssigned")),
    (ACCOUNT, "Microsoft.CognitiveServices/accounts", "identity.type", "SystemAssigned", "arm",
     ("identity.type", "SystemAssigned")),
])
def test_a_remedy_is_written_in_each_frameworks_spelling(kind, native_type, path, value, framework, expected):
    assert native_change(kind, framework, set_attr(path, value), native_type) == NativeSet(*expected)


def test_an_azapi_path_of_its_own_overrides_the_body_path():
    assert kinds.native_path(ACCOUNT, "identity.type", kinds.AZAPI) == "identity.type"
    assert kinds.native_path(ACCOUNT, "custom_subdomain_name", kinds.AZAPI) == "body.properties.customSubDomainName"
    assert kinds.native_path(ACCOUNT, "kind", kinds.AZAPI) == "body.kind"  # no row: ARM's path under `body`


@pytest.mark.parametrize("framework, native_type, attrs, expected", [
    ("arm", "Microsoft.CognitiveServices/accounts", {"properties": {"disableLocalAuth": Value(True, span(3))}}, False),
    ("arm", "Microsoft.CognitiveServices/accounts", {"properties": {"disableLocalAuth": Value("false", span(3))}},
     True),
    ("arm", "Microsoft.CognitiveServices/accounts", {"kind": "OpenAI"}, True),  # the default: keys accepted
    ("terraform", "azurerm_cognitive_account", {"local_auth_enabled": False}, False),  # never inverted
    ("terraform", "azurerm_cognitive_account", {}, True),
])
def test_one_canonical_path_reads_both_senses(framework, native_type, attrs, expected):
    assert resource(ACCOUNT, native_type, framework, attrs).get("local_auth_enabled").raw is expected


AZAPI_WITH_BODY_IDENTITY = '''
resource "azapi_resource" "openai" {
  type      = "Microsoft.CognitiveServices/accounts@2024-10-01"
  name      = "oai-contoso-prod"
  parent_id = azurerm_resource_group.ai.id
  location  = "swedencentral"

  body = {
    kind = "OpenAI"
    identity = {
      type = "None"
    }
  }
}
'''


def aip303_on_body_identity():
    from checks.azure.cognitive import MANAGED_IDENTITY

    outcome = check_source("main.tf", AZAPI_WITH_BODY_IDENTITY.encode(), (MANAGED_IDENTITY,), fixes=True)
    [finding] = [f for f in outcome.findings if f.rule_id == "AIP303"]
    return finding


def test_an_azapi_identity_in_the_body_is_judged():
    assert aip303_on_body_identity().message == '`identity.type` is "None": no managed identity is assigned'


def test_an_azapi_identity_in_the_body_is_not_written_twice():
    # the fix adds azapi's own `identity` block, which leaves the body's "None" in place: not offered
    assert aip303_on_body_identity().fix is None
