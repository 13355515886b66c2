"""Bicep -> the resource model: resources, nested children, spans (line/col), headers, attrs,
Unknown reasons, meta, records of the other declarations, insertion points."""
from pathlib import Path

import pytest

from analyzer.model import ParsedFile, Unknown
from analyzer.text import LineIndex
from parsers.bicep.parse import parse

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "bicep"


def load(name: str) -> tuple[ParsedFile, bytes]:
    data = (FIXTURES / name).read_bytes()
    return parse(f"fixtures/bicep/{name}", data), data


def pos(span) -> tuple[int, int, int, int]:
    return span.line, span.col, span.end_line, span.end_col


def by_address(parsed: ParsedFile) -> dict:
    return {r.address: r for r in parsed.resources}


VALID = sorted(p.name for p in FIXTURES.iterdir() if p.suffix in (".bicep", ".bicepparam"))


@pytest.mark.parametrize("name", VALID)
def test_every_valid_fixture_parses_without_issues(name):
    parsed, _ = load(name)
    assert parsed.issues == ()
    assert parsed.framework == "bicep"


def test_resource_spans_header_and_attrs():
    parsed, _ = load("openai.bicep")
    acct = by_address(parsed)["openAi"]
    assert acct.native_type == "Microsoft.CognitiveServices/accounts" and acct.framework == "bicep"
    assert pos(acct.span) == (47, 1, 68, 2)
    assert pos(acct.header) == (47, 1, 47, 70)  # through the `{`
    assert list(acct.attrs) == ["name", "location", "tags", "kind", "sku", "identity", "properties"]
    name = acct.attrs["name"]
    assert name.raw == Unknown("name", "variable")
    assert pos(name.span) == (48, 9, 48, 13) and pos(name.key_span) == (48, 3, 48, 7)
    assert acct.attrs["kind"].raw == "OpenAI" and pos(acct.attrs["kind"].span) == (51, 9, 51, 17)
    assert acct.native("properties.publicNetworkAccess").raw == "Disabled"
    assert acct.native("properties.disableLocalAuth").raw is True
    assert acct.native("properties.networkAcls.ipRules").raw == []
    assert pos(acct.native("properties.networkAcls").span) == (62, 18, 66, 6)
    assert acct.native("properties.customSubDomainName").raw == Unknown("toLower(name)", "expression")
    assert acct.meta == {"symbol": "openAi", "api_version": "2024-10-01", "existing": False, "decorators": {}}


def test_loop_resource_with_decorators_and_parent_property():
    parsed, _ = load("openai.bicep")
    dep = by_address(parsed)["deployment"]
    assert dep.native_type == "Microsoft.CognitiveServices/accounts/deployments"
    assert pos(dep.span) == (70, 1, 83, 3)  # from the decorator to the `]`
    assert pos(dep.header) == (71, 1, 71, 84)  # through `=`: the body is a loop
    assert dep.meta["loop"] == {"item": "d", "index": "i", "iterable": "deployments"}
    assert dep.meta["decorators"] == {"batchSize": "1"}
    assert dep.meta["parent"] == "openAi"
    assert dep.attrs["parent"].raw == Unknown("openAi", "resource")
    # loop variables are not the file's symbols
    assert dep.attrs["name"].raw == Unknown("d.name", "expression")
    assert dep.attrs["sku"].raw.reason == "expression"
    assert dep.native("properties.versionUpgradeOption").raw == "OnceNewDefaultVersionAvailable"


def test_conditional_resource():
    parsed, _ = load("openai.bicep")
    diag = by_address(parsed)["diagnostics"]
    assert diag.meta["condition"] == "!empty(logAnalyticsWorkspaceId)"
    assert pos(diag.header) == (106, 1, 106, 82)
    assert diag.attrs["scope"].raw == Unknown("openAi", "resource")
    assert diag.native("properties.logs").raw[0].raw["enabled"].raw is True
    assert diag.native("properties.logs.categoryGroup").raw == "allLogs"


def test_nested_children_types_addresses_and_api_versions():
    parsed, _ = load("storage.bicep")
    res = by_address(parsed)
    assert list(res) == ["storage", "storage::blobServices", "storage::blobServices::containers", "lifecycle"]
    blob = res["storage::blobServices"]
    assert blob.native_type == "Microsoft.Storage/storageAccounts/blobServices"
    assert blob.meta["parent"] == "storage" and blob.meta["api_version"] == "2023-05-01"  # inherited
    assert pos(blob.header) == (36, 3, 36, 43)
    containers = res["storage::blobServices::containers"]
    assert containers.native_type == "Microsoft.Storage/storageAccounts/blobServices/containers"
    assert containers.meta["loop"] == {"item": "c", "index": None, "iterable": "containerNames"}
    assert containers.attrs["name"].raw == Unknown("c", "expression")
    assert containers.native("properties.publicAccess").raw == "None"
    # child declarations are not attributes of their parent
    assert "blobServices" not in res["storage"].attrs and "resource" not in res["storage"].attrs
    parsed, _ = load("ml-workspace.bicep")
    compute = by_address(parsed)["workspace::compute"]
    assert compute.native_type == "Microsoft.MachineLearningServices/workspaces/computes"
    assert compute.meta["condition"] == "enableCompute" and compute.meta["api_version"] == "2024-10-01"
    assert compute.native("properties.properties.enableNodePublicIp").raw is True
    assert compute.native("properties.properties.personalComputeInstanceSettings.assignedUser.objectId").raw \
        == Unknown("userObjectId", "variable")


def test_existing_resources_and_reasons():
    parsed, _ = load("ml-workspace.bicep")
    res = by_address(parsed)
    assert res["storage"].meta["existing"] is True and res["vault"].meta["existing"] is True
    assert res["vault"].attrs["scope"].raw == Unknown("resourceGroup('shared-rg')", "expression")
    ws = res["workspace"]
    assert ws.native("properties.storageAccount").raw == Unknown("storage.id", "resource")
    assert ws.native("properties.applicationInsights").raw == Unknown("appInsights.id", "resource")
    assert parsed.blocks["output"]["computeId"].attrs["value"].raw == Unknown("workspace::compute.id", "resource")


def test_unknown_reasons():
    parsed, _ = load("main.bicep")
    module = parsed.blocks["module"]["aiServices"]
    params = module.attrs["params"].raw
    assert params["location"].raw == Unknown("location", "variable")
    assert params["name"].raw == Unknown("names.ai", "local")
    assert params["deployments"].raw == Unknown("enabledDeployments", "local")
    assert params["publicNetworkAccess"].raw.reason == "expression"
    app = parsed.blocks["module"]["app"].attrs["params"].raw
    assert app["openAiEndpoint"].raw == Unknown("aiServices.outputs.endpoint", "module")
    assert app["name"].raw == Unknown("'${abbrs.webSitesAppService}${resourceToken}'", "expression")
    assert parsed.blocks["module"]["app"].attrs["dependsOn"].raw[0].raw == Unknown("aiServices", "module")
    variables = parsed.blocks["var"]
    assert variables["systemPrompt"].attrs["value"].raw.startswith("You are a helpful assistant.\n")
    assert variables["escaped"].attrs["value"].raw == "it's a ${literal} with a tab\t and \U0001F600"
    assert variables["formattedRoles"].attrs["value"].raw.reason == "expression"
    # an object with a spread is unknown as a whole
    parsed, _ = load("syntax-edge.bicep")
    assert parsed.blocks["var"]["spreadObject"].attrs["value"].raw.reason == "expression"
    config = parsed.blocks["param"]["config"].attrs["default"].raw
    assert config["quoted-key"].raw == 1 and config["negative"].raw == -5
    assert config["nested"].raw["c"].raw["d"].raw is None
    assert config["flag"].raw == Unknown("!true", "expression")
    assert parsed.blocks["var"]["unicode"].attrs["value"].raw == "Zürich — 東京 😀"


def test_utf16_columns():
    parsed, data = load("syntax-edge.bicep")
    value = parsed.blocks["var"]["unicode"].attrs["value"]
    line = data.split(b"\n")[value.span.line - 1].decode()
    assert value.span.col == line.index("'") + 1
    # the emoji counts two UTF-16 units
    assert value.span.end_col == value.span.col + len("'Zürich — 東京 '") + 2


def test_module_records():
    parsed, _ = load("main.bicep")
    modules = parsed.blocks["module"]
    assert list(modules) == ["aiServices", "search", "app", "spec"]
    search = modules["search"]
    assert search.native_type == "module" and search.kind == "" and search.address == "search"
    assert search.attrs["source"].raw == "br/public:avm/res/search/search-service:0.9.1"
    assert search.meta["condition"] == "useSearch"
    assert pos(search.header) == (70, 1, 70, 64)  # through `=`
    assert modules["spec"].attrs["source"].raw.startswith("ts:")
    parsed, _ = load("rbac-subscription.bicep")
    per = parsed.blocks["module"]["perPrincipal"]
    assert per.meta["loop"] == {"item": "p", "index": "i", "iterable": "principals"}
    assert per.attrs["scope"].raw == Unknown("rg", "resource")
    assert per.attrs["params"].raw["openAiKey"].raw == "placeholder"


def test_param_var_output_type_func_import_records():
    parsed, _ = load("main.bicep")
    params = parsed.blocks["param"]
    assert params["networkAcls"].meta["nullable"] is True
    assert params["networkAcls"].attrs["type"].raw == "networkAclsType?"
    assert params["tags"].attrs["type"].raw == "{ *: string }"
    assert params["location"].meta["decorators"]["description"] == "'Primary location for all resources'"
    assert "metadata" in params["location"].meta["decorators"]
    assert params["principalId"].attrs["default"].raw == ""
    assert pos(params["environmentName"].span) == (8, 1, 11, 29)
    assert pos(params["environmentName"].header) == (11, 1, 11, 22)
    imports = parsed.blocks["import"]
    assert imports["roleType"].attrs["symbol"].raw == "roleAssignmentType"
    assert imports["roleType"].attrs["from"].raw == "br:contoso.azurecr.io/bicep/types:1.0"
    assert imports["common"].attrs["symbol"].raw == "*"
    assert imports["deploymentType"].attrs["from"].raw == "./types.bicep"
    assert parsed.blocks["targetScope"][""].attrs["value"].raw == "resourceGroup"
    outputs = parsed.blocks["output"]
    assert outputs["AZURE_SEARCH_ENDPOINT"].attrs["type"].raw == "string?"
    assert outputs["firstModel"].attrs["value"].raw.reason == "expression"
    parsed, _ = load("types.bicep")
    types = parsed.blocks["type"]
    assert types["storageProps"].attrs["value"].raw == \
        "resourceInput<'Microsoft.Storage/storageAccounts@2023-05-01'>.properties"
    assert types["networkAclsType"].meta["decorators"] == {"export": "", "sealed": ""}
    assert types["secretSourceType"].meta["decorators"]["discriminator"] == "'kind'"
    func = parsed.blocks["func"]["resourceName"]
    assert [v.raw for v in func.attrs["params"].raw] == ["prefix string", "name string", "suffix string?"]
    assert func.attrs["type"].raw == "string"
    assert func.attrs["value"].raw.startswith("toLower('${prefix}-${name}")
    parsed, _ = load("main.bicepparam")
    assert parsed.blocks["using"][""].attrs["path"].raw == "./main.bicep"
    assert parsed.blocks["param"]["environmentName"].attrs == {"default": parsed.blocks["param"]["environmentName"].attrs["default"]}
    assert parsed.blocks["param"]["environmentName"].attrs["default"].raw == "dev"
    parsed, _ = load("extension-graph.bicep")
    assert set(parsed.blocks["extension"]) == {"microsoftGraphV1", "k8s"}
    assert parsed.blocks["extension"]["k8s"].attrs["config"].raw["namespace"].raw == "default"


def test_interpolated_keys_and_one_line_objects():
    parsed, _ = load("container-app.bicep")
    app = by_address(parsed)["app"]
    assigned = app.native("identity.userAssignedIdentities").raw
    assert list(assigned) == ["'${identity.id}'"]
    assert app.native("properties.configuration.ingress.external").raw is True
    assert app.native("properties.template.containers.env").raw.reason == "expression"
    parsed, _ = load("search.bicep")
    search = by_address(parsed)["search"]
    assert search.native("sku.name").raw == Unknown("sku", "variable")
    assert search.native("properties.networkRuleSet.ipRules").raw.reason == "expression"


def test_insertions():
    parsed, data = load("openai.bicep")
    index = LineIndex(data)
    acct = by_address(parsed)["openAi"]
    where = {path: (index.position(ins.offset), ins.indent) for path, ins in acct.insertions.items()}
    assert where == {
        "": ((68, 1), "  "),
        "sku": ((54, 1), "    "),
        "identity": ((57, 1), "    "),
        "properties": ((67, 1), "    "),
        "properties.networkAcls": ((66, 1), "      "),
    }
    pe = by_address(parsed)["privateEndpoint"]
    assert set(pe.insertions) == {"", "properties", "properties.subnet", "properties.privateLinkServiceConnections",
                                  "properties.privateLinkServiceConnections.properties"}
    dep = by_address(parsed)["deployment"]
    # the `sku` expression has no insertion; the loop body's object does
    assert set(dep.insertions) == {"", "properties"}
    parsed, data = load("search.bicep")
    search = by_address(parsed)["search"]
    # one-line objects get none
    assert "sku" not in search.insertions and "identity" not in search.insertions
    assert "properties.authOptions.aadOrApiKey" in search.insertions
    parsed, data = load("syntax-edge.bicep")
    index = LineIndex(data)
    site = by_address(parsed)["site"]
    assert "properties.siteConfig.appSettings" not in site.insertions  # the first item is one line
    assert index.position(site.insertions["properties.siteConfig.appSettings.1"].offset) == (85, 1)


def test_empty_multiline_body_gets_an_insertion():
    data = b"resource a 'Microsoft.X/y@1' = {\n}\nresource b 'Microsoft.X/y@1' = {}\n"
    parsed = parse("a.bicep", data)
    a, b = parsed.resources
    assert a.insertions[""].offset == data.index(b"}") and a.insertions[""].indent == "  "
    assert b.insertions == {}
    assert a.attrs == {} and b.attrs == {}


def test_spread_at_the_body_level_is_meta():
    data = b"var base = {}\nresource a 'Microsoft.X/y@1' = {\n  ...base\n  name: 'a'\n}\n"
    a = parse("a.bicep", data).resources[0]
    assert a.meta["spreads"] == ["...base"] and a.attrs["name"].raw == "a"


def test_repeated_names_are_kept():
    data = b"param a string\nparam a int\n"
    parsed = parse("a.bicep", data)
    assert list(parsed.blocks["param"]) == ["a", "a#2"]


def test_parse_never_raises_on_str_or_garbage():
    assert parse("a.bicep", "resource a 'Microsoft.X/y@1' = {\n}\n").resources  # type: ignore[arg-type]
    parsed = parse("a.bicep", b"\x00\xff\xfe{{{[[[(((")
    assert parsed.issues
