"""ARM template parser (parsers/arm/parse.py): detection, the resource model contract (spans with
UTF-16 columns, headers, insertions, comma positions, child resources, addresses), sections, the
languageVersion 2.0 form, lenient JSON (comments, trailing commas, multi-line strings) and
ParseIssues for invalid JSON."""
import json
import os

import pytest

from analyzer.model import Unknown
from parsers.arm.parse import looks_like, looks_like_parameters, parse

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "arm")
SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"


def fixture(name):
    with open(os.path.join(FIXTURES, name), "rb") as handle:
        return handle.read()


def template(resources, **top):
    return json.dumps({"$schema": SCHEMA, "contentVersion": "1.0.0.0", **top, "resources": resources},
                      indent=2).encode()


def at(data, needle, nth=0):
    """Byte offset of the nth occurrence of needle."""
    pos = -1
    for _ in range(nth + 1):
        pos = data.index(needle, pos + 1)
    return pos


# --- detection -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["openai-account.json", "ml-workspace.json", "search-copy.json", "conditions.json",
                                  "nested-deployments.json", "symbolic-2.0.json", "bicep-build.json",
                                  "subscription-scope.json"])
def test_fixture_templates_are_detected_and_parse_cleanly(name):
    data = fixture(name)
    assert looks_like(data)
    assert not looks_like_parameters(data)
    parsed = parse(f"fixtures/arm/{name}", data)
    assert parsed.framework == "arm"
    assert parsed.issues == ()
    assert parsed.resources


@pytest.mark.parametrize("schema", [
    "https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#",
    "https://schema.management.azure.com/schemas/2019-08-01/managementGroupDeploymentTemplate.json#",
    "https://schema.management.azure.com/schemas/2019-08-01/tenantDeploymentTemplate.json#",
    "http://schema.management.azure.com/schemas/2015-01-01/deploymentTemplate.json#",
])
def test_scope_variants_are_templates(schema):
    assert looks_like(json.dumps({"$schema": schema, "resources": []}).encode())


@pytest.mark.parametrize("data", [
    b'{"name": "app", "version": "1.0.0", "dependencies": {"left-pad": "1.0.0"}}',  # package.json
    b'{"compilerOptions": {"target": "es2020", "strict": true}, "include": ["src"]}',  # tsconfig
    json.dumps({"AWSTemplateFormatVersion": "2010-09-09",
                "Resources": {"B": {"Type": "AWS::S3::Bucket"}}}).encode(),  # CloudFormation
    b'{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"}',  # no resources
    b'[{"$schema": "deploymentTemplate.json", "resources": []}]',  # not an object
    b"",
    b"\x00\xff binary",
])
def test_non_templates_are_not_detected(data):
    assert not looks_like(data)


def test_parameter_files_are_not_templates():
    data = fixture("openai-account.parameters.json")
    assert looks_like_parameters(data)
    assert not looks_like(data)
    with_resources = data.replace(b'"parameters"', b'"resources": [], "parameters"', 1)
    assert not looks_like(with_resources)


def test_detection_tolerates_bom_and_leading_comments():
    data = b"\xef\xbb\xbf// generated\n/* header */\n" + template([])
    assert looks_like(data)


# --- resources -----------------------------------------------------------------------------------


def test_resource_contract_on_the_openai_fixture():
    data = fixture("openai-account.json")
    parsed = parse("fixtures/arm/openai-account.json", data)
    account, child, second = parsed.resources
    assert account.kind == "" or account.kind.startswith("azure.")
    assert account.native_type == "Microsoft.CognitiveServices/accounts"
    assert account.framework == "arm"
    assert account.address == "[parameters('accountName')]"
    # span: the resource object, from its `{` (line 37, col 5) to its `}`
    assert (account.span.line, account.span.col, account.span.end_line, account.span.end_col) == (37, 5, 80, 6)
    assert data[account.span.start:account.span.start + 1] == b"{"
    assert data[account.span.end - 1:account.span.end] == b"}"
    # header: the "type" member
    assert data[account.header.start:account.header.end] == b'"type": "Microsoft.CognitiveServices/accounts"'
    assert (account.header.line, account.header.col, account.header.end_col) == (38, 7, 53)
    # attrs: every member, expressions as Unknown "expression" at the string's span
    assert list(account.attrs) == ["type", "apiVersion", "name", "location", "kind", "sku", "identity", "properties"]
    pna = account.native("properties.publicNetworkAccess")
    assert pna.raw == Unknown("[parameters('publicNetworkAccess')]", "expression")
    assert (pna.span.line, pna.span.col, pna.span.end_col) == (51, 32, 69)
    assert data[pna.key_span.start:pna.key_span.end] == b'"publicNetworkAccess"'
    assert account.native("kind").raw == "OpenAI"
    assert account.native("properties.networkAcls.ipRules").raw == []
    assert account.meta["api_version"] == "2023-05-01"
    assert "condition" not in account.meta and "parent" not in account.meta


def test_child_resources_get_full_type_name_and_address():
    parsed = parse("t.json", fixture("openai-account.json"))
    _, child, second = parsed.resources
    assert child.native_type == "Microsoft.CognitiveServices/accounts/deployments"
    assert child.address == "[parameters('accountName')]/[variables('deployments')[0].name]"
    assert child.meta["parent"] == "[parameters('accountName')]"
    name = child.attrs["name"]
    assert name.raw == Unknown("[format('{0}/{1}', parameters('accountName'), variables('deployments')[0].name)]",
                               "expression")
    assert name.span.line == 62  # the child's own name string
    assert child.attrs["type"].raw == "Microsoft.CognitiveServices/accounts/deployments"
    assert "resources" not in parsed.resources[0].attrs  # children are resources of their own
    assert second.address.startswith("[format('{0}/{1}'")


def test_literal_child_names_are_joined():
    data = template([{"type": "Microsoft.Storage/storageAccounts", "name": "st1", "apiVersion": "2023-01-01",
                      "resources": [{"type": "blobServices", "name": "default",
                                     "resources": [{"type": "containers", "name": "data"}]}]}])
    parsed = parse("t.json", data)
    assert [r.address for r in parsed.resources] == ["st1", "st1/default", "st1/default/data"]
    assert parsed.resources[2].native_type == "Microsoft.Storage/storageAccounts/blobServices/containers"
    assert parsed.resources[2].attrs["name"].raw == "st1/default/data"


def test_duplicate_addresses_are_numbered_and_untyped_entries_skipped():
    data = template([{"type": "A.B/c", "name": "x"}, {"type": "A.B/c", "name": "x"}, {"name": "no type"},
                     "not an object", {"type": "A.B/d"}])
    parsed = parse("t.json", data)
    assert [r.address for r in parsed.resources] == ["x", "x#2", "A.B/d"]
    assert parsed.issues == ()


def test_insertions_and_commas():
    data = fixture("openai-account.json")
    account = parse("t.json", data).resources[0]
    ins = account.insertions
    # "" goes on the line after the last member (the children's `]`): the resource's own `},`
    line_after = data[ins[""].offset:].split(b"\n")[0]
    assert line_after.strip() == b"},"
    assert data[account.meta["insert_comma_at"][""] - 1:][:1] == b"]"
    assert ins[""].indent == "      "
    props = ins["properties"]
    assert props.indent == "        "
    assert data[props.offset:].split(b"\n")[0].strip() == b"},"  # the closing brace of properties
    assert data[account.meta["insert_comma_at"]["properties"] - 1:][:1] == b"}"  # end of networkAcls
    assert "properties.networkAcls" in ins
    assert not any(p.startswith("resources") for p in ins)


def test_one_line_objects_have_no_insertion_and_trailing_commas_need_none():
    data = (b'{"$schema": "' + SCHEMA.encode() + b'", "resources": [\n  {\n    "type": "A.B/c",\n'
            b'    "name": "n",\n    "sku": {"name": "S0"},\n    "properties": {\n      "a": 1,\n    },\n  }\n]}')
    resource = parse("t.json", data).resources[0]
    assert "sku" not in resource.insertions  # `{"name": "S0"}` on one line
    assert "properties" in resource.insertions
    assert "properties" not in resource.meta["insert_comma_at"]  # `"a": 1,` already has its comma
    assert "" not in resource.meta["insert_comma_at"]


def test_language_version_2_symbolic_resources():
    parsed = parse("t.json", fixture("symbolic-2.0.json"))
    vault, ai, hub = parsed.resources
    assert [r.address for r in parsed.resources] == ["vault", "aiServices", "hub"]
    assert vault.meta["existing"] is True and ai.meta["existing"] is False
    assert ai.meta["symbol"] == "aiServices" and ai.meta["language_version"] == "2.0"
    assert ai.native("properties.encryption.keyVaultProperties.keyName").raw == "cmk"
    assert "naming.resourceName" in parsed.blocks["functions"]
    fn = parsed.blocks["functions"]["naming.resourceName"]
    assert set(fn.attrs) == {"parameters", "output"}


def test_condition_and_copy_meta():
    parsed = parse("t.json", fixture("conditions.json"))
    assert parsed.resources[0].meta["condition"] == "[variables('isProd')]"
    assert parsed.resources[4].meta["condition"] is False
    copy = parse("t.json", fixture("search-copy.json")).resources[0].meta["copy"]
    assert copy == {"name": "searchLoop", "count": "[length(parameters('regions'))]", "mode": "serial",
                    "batchSize": 1}


def test_sections_become_blocks():
    parsed = parse("t.json", fixture("openai-account.json"))
    blocks = parsed.blocks
    assert set(blocks) == {"parameters", "variables", "outputs", "Template"}
    location = blocks["parameters"]["location"]
    assert location.attrs["defaultValue"].raw == Unknown("[resourceGroup().location]", "expression")
    assert (location.header.line, location.header.col) == (12, 5)
    assert blocks["variables"]["skuName"].attrs["value"].raw == "S0"
    assert blocks["outputs"]["endpoint"].attrs["type"].raw == "string"
    top = blocks["Template"][""]
    assert set(top.attrs) == {"$schema", "contentVersion", "metadata"}
    assert top.span.line == 1


def test_bicep_metadata_fxv_variables_and_escapes():
    parsed = parse("t.json", fixture("bicep-build.json"))
    variables = parsed.blocks["variables"]
    assert variables["$fxv#0"].attrs["value"].raw.startswith('{\n  "filters"')
    assert variables["literalBrackets"].attrs["value"].raw == "[not an expression]"
    assert parsed.blocks["Template"][""].attrs["metadata"].raw["_generator"].raw["name"].raw == "bicep"
    assert "__bicep.subdomain" in parsed.blocks["functions"]


def test_expression_strings_and_escapes():
    data = template([{"type": "A.B/c", "name": "n", "properties": {
        "e": "[concat('a', 'b')]", "lit": "[[literal]", "open": "[[not closed", "plain": "a [b] c",
        "empty": "", "one": "[", "inner": "x[y]"}}])
    props = parse("t.json", data).resources[0].attrs["properties"].raw
    assert props["e"].raw == Unknown("[concat('a', 'b')]", "expression")
    assert props["lit"].raw == "[literal]"
    assert props["open"].raw == "[[not closed"
    assert props["plain"].raw == "a [b] c"
    assert props["empty"].raw == "" and props["one"].raw == "[" and props["inner"].raw == "x[y]"


def test_utf16_columns():
    data = ('{"$schema": "' + SCHEMA + '", "resources": [\n'
            '  {"tags": {"n": "\U0001F600é"}, "type": "A.B/c", "name": "x"}\n]}').encode()
    resource = parse("t.json", data).resources[0]
    # the emoji is 2 UTF-16 units, é is 1: "type" starts after `  {"tags": {"n": "😀é"}, `
    assert resource.header.col == len('  {"tags": {"n": "') + 2 + 1 + len('"}, ') + 1
    assert resource.attrs["tags"].raw["n"].raw == "\U0001F600é"


# --- lenient JSON and errors ------------------------------------------------------------------------


def test_comments_trailing_commas_and_multiline_strings_are_valid():
    data = (b'{\n  // comment\n  "$schema": "' + SCHEMA.encode() + b'", /* block */\n'
            b'  "resources": [\n    {\n      "type": "A.B/c",\n      "name": "n",\n'
            b'      "properties": {"script": "line one\nline two", "esc": "a\\"b\\u00e9",},\n    },\n  ],\n}\n')
    parsed = parse("t.json", data)
    assert parsed.issues == ()
    props = parsed.resources[0].attrs["properties"].raw
    assert props["script"].raw == "line one\nline two"
    assert props["esc"].raw == 'a"b\u00e9'


@pytest.mark.parametrize("data, line, col, words", [
    (b'{\n  "resources": [\n    {"type": "x"\n  ]\n}', 4, 3, "expected ','"),
    (b'{\n  "a": 1\n  "b": 2\n}', 3, 3, "expected ','"),
    (b"{\n  'a': 1\n}", 2, 3, "double quotes"),
    (b'{\n  "a": "unterminated\n}', 2, 8, "unterminated string"),
    (b'{"a": 1} {"b": 2}', 1, 10, "more content"),
    (b"", 1, 1, "empty"),
    (b'{"a": [1, 2', 1, 12, "ends inside an array"),
    (b'{"a": /* open', 1, 7, "unterminated comment"),
    (b'{"a": "\\q"}', 1, 7, "escape"),
    (b'{"a": 01}', 1, 7, "unexpected"),
    (b'{"a": tru}', 1, 7, "unexpected"),
])
def test_invalid_json_gives_one_issue_at_the_problem(data, line, col, words):
    parsed = parse("bad.json", data)
    assert parsed.resources == ()
    assert len(parsed.issues) == 1
    issue = parsed.issues[0]
    assert (issue.span.line, issue.span.col) == (line, col), issue
    assert words in issue.message


def test_invalid_utf8_and_non_object_top_level():
    issue = parse("b.json", b'{"a": "\xff"}').issues[0]
    assert issue.span.start == 7 and "UTF-8" in issue.message
    assert "top level is not an object" in parse("b.json", b"[1, 2]").issues[0].message


def test_deep_nesting_is_an_issue_not_a_crash():
    data = b'{"resources": ' + b"[" * 5000 + b"]" * 5000 + b"}"
    parsed = parse("deep.json", data)
    assert parsed.issues and "nesting" in parsed.issues[0].message


def test_str_input_is_accepted():
    parsed = parse("t.json", template([{"type": "A.B/c", "name": "n"}]).decode())
    assert parsed.resources[0].address == "n"
