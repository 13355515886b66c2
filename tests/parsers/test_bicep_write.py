"""parsers.bicep.write: every change as the exact text it produces.

Every produced text re-parses with our parser (no issues), the value read back through
Resource.native is the value that was set (or absent after a remove), and the file's other
resources read as before. tree-sitter-bicep (a test-only dependency) re-reads the results written
in the multi-line form it knows; `git apply` takes every case's unified diff. A corpus test
makes changes on every fixture.
"""
from __future__ import annotations

import glob
import os
import shutil
import subprocess
import textwrap
from dataclasses import dataclass, field

import pytest

from analyzer.check import Placeholder
from analyzer.fix import NativeRemove, NativeSet, WriteError, apply_edits, unified_diff
from analyzer.model import Unknown
from parsers.bicep.parse import parse
from parsers.bicep.write import bicep_string, declared_variables, edits, parameter_name


def text(block: str) -> str:
    return textwrap.dedent(block).lstrip("\n")


@dataclass
class Case:
    id: str
    before: str
    change: NativeSet | NativeRemove
    after: str
    address: str = "acct"
    declared: frozenset = field(default_factory=frozenset)


ACCOUNT = text("""
    // An Azure OpenAI account
    param name string
    param isPrivate bool = true

    resource acct 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
      name: name
      location: 'westeurope'
      kind: 'OpenAI'
      properties: {
        publicNetworkAccess: isPrivate ? 'Disabled' : 'Enabled' // from the param
        disableLocalAuth: false
        customSubDomainName: '''
    sub'''
        networkAcls: {
          defaultAction: 'Allow'
          ipRules: [
            {
              value: '1.2.3.4'
            }
            { value: '5.6.7.8' }
          ]
        }
      }

      resource dep 'deployments@2024-10-01' = {
        name: 'gpt-4o'
        properties: {
          model: {
            format: 'OpenAI'
          }
        }
      }
    }

    resource search 'Microsoft.Search/searchServices@2024-06-01-preview' = {
      name: 'search'
      location: 'westeurope'
    }

    resource st 'Microsoft.Storage/storageAccounts@2023-05-01' = { name: 'st', properties: { minimumTlsVersion: 'TLS1_2' } }
    """)


def account(*replacements: tuple[str, str]) -> str:
    out = ACCOUNT
    for old, new in replacements:
        assert out.count(old) == 1, old
        out = out.replace(old, new)
    return out


CASES = [
    # --- replace ---
    Case("replace-literal", ACCOUNT, NativeSet("properties.disableLocalAuth", True),
         account(("disableLocalAuth: false", "disableLocalAuth: true"))),
    Case("replace-expression-with-the-literal-keeps-the-comment", ACCOUNT,
         NativeSet("properties.publicNetworkAccess", "Disabled"),
         account(("isPrivate ? 'Disabled' : 'Enabled' //", "'Disabled' //"))),
    Case("replace-string-with-escapes", ACCOUNT, NativeSet("properties.networkAcls.defaultAction", "it's ${x}\n\\"),
         account(("defaultAction: 'Allow'", "defaultAction: 'it\\'s \\${x}\\n\\\\'"))),
    Case("replace-multi-line-string", ACCOUNT, NativeSet("properties.customSubDomainName", "sub2"),
         account(("'''\nsub'''", "'sub2'"))),
    Case("replace-element-of-an-array", ACCOUNT, NativeSet("properties.networkAcls.ipRules.1.value", "9.9.9.9"),
         account(("{ value: '5.6.7.8' }", "{ value: '9.9.9.9' }"))),
    Case("replace-an-object-in-block-form", ACCOUNT, NativeSet("properties.networkAcls", {"defaultAction": "Deny"}),
         account(("""
    networkAcls: {
      defaultAction: 'Allow'
      ipRules: [
        {
          value: '1.2.3.4'
        }
        { value: '5.6.7.8' }
      ]
    }
""", """
    networkAcls: {
      defaultAction: 'Deny'
    }
"""))),
    Case("set-same-is-nothing", ACCOUNT, NativeSet("location", "westeurope"), ACCOUNT),
    Case("set-same-multi-line-string-is-nothing", ACCOUNT, NativeSet("properties.customSubDomainName", "sub"),
         ACCOUNT),
    Case("case-insensitive-key", ACCOUNT, NativeSet("Properties.DisableLocalAuth", True),
         account(("disableLocalAuth: false", "disableLocalAuth: true"))),
    # --- insert ---
    Case("insert-into-a-nested-object", ACCOUNT, NativeSet("properties.networkAcls.bypass", "AzureServices"),
         account(("      ]\n    }\n", "      ]\n      bypass: 'AzureServices'\n    }\n"))),
    Case("insert-into-the-body-before-child-resources", ACCOUNT, NativeSet("identity.type", "SystemAssigned"),
         account(("    }\n  }\n\n  resource dep",
                  "    }\n  }\n  identity: {\n    type: 'SystemAssigned'\n  }\n\n  resource dep"))),
    Case("insert-a-list", ACCOUNT, NativeSet("properties.allowedFqdnList", ["a.example.com", "b.example.com"]),
         account(("      ]\n    }\n  }\n", "      ]\n    }\n    allowedFqdnList: [\n      'a.example.com'\n"
                  "      'b.example.com'\n    ]\n  }\n"))),
    Case("insert-values-of-every-type", ACCOUNT,
         NativeSet("properties.x", {"n": -3, "none": None, "flag": False, "empty": {}, "list": [], "my-key": "v"}),
         account(("      ]\n    }\n  }\n", "      ]\n    }\n    x: {\n      n: -3\n      none: null\n      flag: false\n"
                  "      empty: {}\n      list: []\n      'my-key': 'v'\n    }\n  }\n"))),
    Case("create-properties", ACCOUNT, NativeSet("properties.publicNetworkAccess", "Disabled"),
         account(("  name: 'search'\n  location: 'westeurope'\n",
                  "  name: 'search'\n  location: 'westeurope'\n  properties: {\n    publicNetworkAccess: 'Disabled'\n"
                  "  }\n")), "search"),
    Case("create-nested-objects", ACCOUNT, NativeSet("properties.networkRuleSet.bypass", "None"),
         account(("  name: 'search'\n  location: 'westeurope'\n",
                  "  name: 'search'\n  location: 'westeurope'\n  properties: {\n    networkRuleSet: {\n"
                  "      bypass: 'None'\n    }\n  }\n")), "search"),
    Case("child-resource", ACCOUNT, NativeSet("properties.raiPolicyName", "strict"),
         account(("        format: 'OpenAI'\n      }\n", "        format: 'OpenAI'\n      }\n"
                  "      raiPolicyName: 'strict'\n")), "acct::dep"),
    Case("one-line-object-takes-the-property-on-its-line", ACCOUNT,
         NativeSet("properties.publicNetworkAccess", "Disabled"),
         account(("'TLS1_2' }", "'TLS1_2', publicNetworkAccess: 'Disabled' }")), "st"),
    Case("one-line-body-takes-a-new-object-on-its-line", ACCOUNT, NativeSet("identity.type", "SystemAssigned"),
         account(("'TLS1_2' } }", "'TLS1_2' }, identity: { type: 'SystemAssigned' } }")), "st"),
    Case("one-line-list-in-a-one-line-object", ACCOUNT, NativeSet("properties.networkAcls.ipRules.1.tags", ["a", 1]),
         account(("{ value: '5.6.7.8' }", "{ value: '5.6.7.8', tags: ['a', 1] }"))),
    # --- remove ---
    Case("remove-with-its-trailing-comment", ACCOUNT, NativeRemove("properties.publicNetworkAccess"),
         account(("    publicNetworkAccess: isPrivate ? 'Disabled' : 'Enabled' // from the param\n", ""))),
    Case("remove-a-multi-line-string", ACCOUNT, NativeRemove("properties.customSubDomainName"),
         account(("    customSubDomainName: '''\nsub'''\n", ""))),
    Case("remove-a-nested-object", ACCOUNT, NativeRemove("properties.networkAcls"),
         account(("    networkAcls: {\n      defaultAction: 'Allow'\n      ipRules: [\n        {\n"
                  "          value: '1.2.3.4'\n        }\n        { value: '5.6.7.8' }\n      ]\n    }\n", ""))),
    Case("remove-the-only-object-leaves-an-empty-object", ACCOUNT, NativeRemove("properties.model"),
         account(("properties: {\n      model: {\n        format: 'OpenAI'\n      }\n    }", "properties: {}")),
         "acct::dep"),
    Case("remove-the-only-member-leaves-an-empty-object", ACCOUNT, NativeRemove("properties.model.format"),
         account(("model: {\n        format: 'OpenAI'\n      }", "model: {}")), "acct::dep"),
    Case("remove-last-of-a-one-line-object", ACCOUNT, NativeRemove("properties"),
         account((", properties: { minimumTlsVersion: 'TLS1_2' }", "")), "st"),
    Case("remove-first-of-a-one-line-object", ACCOUNT, NativeRemove("name"),
         account(("{ name: 'st', properties", "{ properties")), "st"),
    Case("remove-the-only-member-of-a-one-line-object", ACCOUNT, NativeRemove("properties.minimumTlsVersion"),
         account(("properties: { minimumTlsVersion: 'TLS1_2' }", "properties: {}")), "st"),
    Case("remove-absent-is-nothing", ACCOUNT, NativeRemove("properties.nothing.here"), ACCOUNT),
    Case("remove-in-an-element", ACCOUNT, NativeRemove("properties.networkAcls.ipRules.value"),
         account(("        {\n          value: '1.2.3.4'\n        }", "        {}"))),
    # --- placeholders ---
    Case("placeholder-after-the-last-param", ACCOUNT,
         NativeSet("properties.encryption.keyVaultProperties.keyIdentifier", Placeholder("kms_key_id")),
         account(("param isPrivate bool = true\n",
                  "param isPrivate bool = true\n\n@description('ID of the KMS key (asked for by an aiposture fix)')\n"
                  "param kmsKeyId string\n"),
                 ("  location: 'westeurope'\n}", "  location: 'westeurope'\n  properties: {\n    encryption: {\n"
                  "      keyVaultProperties: {\n        keyIdentifier: kmsKeyId\n      }\n    }\n  }\n}")),
         "search"),
    Case("placeholder-replaces-a-value", ACCOUNT, NativeSet("location", Placeholder("location")),
         account(("param isPrivate bool = true\n",
                  "param isPrivate bool = true\n\n@description('Location (asked for by an aiposture fix)')\n"
                  "param location string\n"),
                 ("  name: 'search'\n  location: 'westeurope'", "  name: 'search'\n  location: location")),
         "search"),
    Case("placeholder-param-already-declared", ACCOUNT, NativeSet("location", Placeholder("is_private")),
         account(("  name: 'search'\n  location: 'westeurope'", "  name: 'search'\n  location: isPrivate")),
         "search"),
    Case("placeholder-declared-elsewhere", ACCOUNT, NativeSet("location", Placeholder("region")),
         account(("  name: 'search'\n  location: 'westeurope'", "  name: 'search'\n  location: region")),
         "search", frozenset({"region"})),
    Case("placeholder-list-after-metadata",
         "targetScope = 'resourceGroup'\nmetadata owner = 'ai' // team\nvar v = 1\n"
         "resource acct 'Microsoft.X/y@1' = {\n  name: 'a'\n}\n",
         NativeSet("properties.subnetIds", Placeholder("subnet_ids")),
         "targetScope = 'resourceGroup'\nmetadata owner = 'ai' // team\n\n"
         "@description('IDs of the subnets (asked for by an aiposture fix)')\nparam subnetIds array\n\nvar v = 1\n"
         "resource acct 'Microsoft.X/y@1' = {\n  name: 'a'\n  properties: {\n    subnetIds: subnetIds\n  }\n}\n"),
    Case("placeholder-above-the-first-declaration-and-its-comment",
         "/* header */\n\n// the account\nresource acct 'Microsoft.X/y@1' = {\n  name: 'a'\n}\n",
         NativeSet("properties.key", Placeholder("kms_key_arn")),
         "/* header */\n\n@description('ARN of the KMS key (asked for by an aiposture fix)')\nparam kmsKeyArn string\n\n"
         "// the account\nresource acct 'Microsoft.X/y@1' = {\n  name: 'a'\n  properties: {\n    key: kmsKeyArn\n  }\n}\n"),
    Case("placeholder-after-a-last-param-without-final-newline",
         "resource acct 'Microsoft.X/y@1' = {\n  name: 'a'\n}\nparam a string",
         NativeSet("name", Placeholder("account_name")),
         "resource acct 'Microsoft.X/y@1' = {\n  name: accountName\n}\nparam a string\n\n"
         "@description('Name of the account (asked for by an aiposture fix)')\nparam accountName string"),
    Case("placeholder-same-reference-is-nothing", ACCOUNT, NativeSet("name", Placeholder("name")), ACCOUNT),
    # --- layouts ---
    Case("closing-brace-on-the-last-line",
         "resource acct 'Microsoft.X/y@1' = {\n  name: 'a'\n  properties: {\n    a: 1 }\n}\n",
         NativeSet("properties.b", 2),
         "resource acct 'Microsoft.X/y@1' = {\n  name: 'a'\n  properties: {\n    a: 1\n    b: 2\n  }\n}\n"),
    Case("empty-object-becomes-multi-line",
         "resource acct 'Microsoft.X/y@1' = {\n  name: 'a'\n  properties: {}\n}\n",
         NativeSet("properties.b", {"c": True}),
         "resource acct 'Microsoft.X/y@1' = {\n  name: 'a'\n  properties: {\n    b: {\n      c: true\n    }\n  }\n}\n"),
    Case("empty-multi-line-object",
         "resource acct 'Microsoft.X/y@1' = {\n  name: 'a'\n  properties: {\n  }\n}\n",
         NativeSet("properties.b", 2),
         "resource acct 'Microsoft.X/y@1' = {\n  name: 'a'\n  properties: {\n    b: 2\n  }\n}\n"),
    Case("empty-object-inside-a-one-line-object",
         "resource acct 'Microsoft.X/y@1' = {\n  name: 'a'\n  properties: { a: {}, b: 1 }\n}\n",
         NativeSet("properties.a.c", 2),
         "resource acct 'Microsoft.X/y@1' = {\n  name: 'a'\n  properties: { a: { c: 2 }, b: 1 }\n}\n"),
    Case("loop-body",
         "param names array\nresource acct 'Microsoft.X/y@1' = [for n in names: {\n  name: n\n}]\n",
         NativeSet("properties.publicNetworkAccess", "Disabled"),
         "param names array\nresource acct 'Microsoft.X/y@1' = [for n in names: {\n  name: n\n"
         "  properties: {\n    publicNetworkAccess: 'Disabled'\n  }\n}]\n"),
    Case("conditional-body",
         "param on bool\nresource acct 'Microsoft.X/y@1' = if (on) {\n  name: 'a'\n  properties: {\n"
         "    disableLocalAuth: !on\n  }\n}\n",
         NativeSet("properties.disableLocalAuth", True),
         "param on bool\nresource acct 'Microsoft.X/y@1' = if (on) {\n  name: 'a'\n  properties: {\n"
         "    disableLocalAuth: true\n  }\n}\n"),
    Case("crlf",
         "param a string\r\n\r\nresource acct 'Microsoft.X/y@1' = {\r\n  name: a\r\n}\r\n",
         NativeSet("properties.networkAcls.defaultAction", Placeholder("default_action")),
         "param a string\r\n\r\n@description('Default action (asked for by an aiposture fix)')\r\n"
         "param defaultAction string\r\n\r\nresource acct 'Microsoft.X/y@1' = {\r\n  name: a\r\n  properties: {\r\n"
         "    networkAcls: {\r\n      defaultAction: defaultAction\r\n    }\r\n  }\r\n}\r\n"),
    Case("crlf-remove",
         "resource acct 'Microsoft.X/y@1' = {\r\n  name: 'a'\r\n  kind: 'x'\r\n}\r\n",
         NativeRemove("kind"),
         "resource acct 'Microsoft.X/y@1' = {\r\n  name: 'a'\r\n}\r\n"),
    Case("tabs",
         "resource acct 'Microsoft.X/y@1' = {\n\tname: 'a'\n\tproperties: {\n\t\ta: 1\n\t}\n}\n",
         NativeSet("properties.b.c", [1]),
         "resource acct 'Microsoft.X/y@1' = {\n\tname: 'a'\n\tproperties: {\n\t\ta: 1\n\t\tb: {\n\t\t\tc: [\n"
         "\t\t\t\t1\n\t\t\t]\n\t\t}\n\t}\n}\n"),
    Case("four-spaces",
         "resource acct 'Microsoft.X/y@1' = {\n    name: 'a'\n}\n",
         NativeSet("identity.type", "SystemAssigned"),
         "resource acct 'Microsoft.X/y@1' = {\n    name: 'a'\n    identity: {\n        type: 'SystemAssigned'\n"
         "    }\n}\n"),
]


def run(case: Case) -> bytes:
    data = case.before.encode()
    parsed = parse("main.bicep", data)
    assert parsed.issues == ()
    resource = next(r for r in parsed.resources if r.address == case.address)
    return apply_edits(data, edits(parsed, data, resource, case.change, declared_variables=case.declared))


def expected_plain(value):
    if isinstance(value, Placeholder):
        return Unknown(parameter_name(value.name), "variable")
    if isinstance(value, dict):
        return {k: expected_plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [expected_plain(v) for v in value]
    return value


def plain_resources(parsed) -> dict:
    return {r.address: {k: v.plain() for k, v in r.attrs.items()} for r in parsed.resources}


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_exact_text(case):
    after = run(case)
    assert after.decode() == case.after
    parsed = parse("main.bicep", after)
    assert parsed.issues == ()
    resource = next(r for r in parsed.resources if r.address == case.address)
    path = case.change.path if case.id != "case-insensitive-key" else "properties.disableLocalAuth"
    value = resource.native(path)
    if isinstance(case.change, NativeRemove):
        assert value.absent
    elif isinstance(case.change.value, Placeholder) and case.declared:
        assert value.plain() == Unknown(parameter_name(case.change.value.name), "expression")  # not in the file
    else:
        assert value.plain() == expected_plain(case.change.value)
    # the other resources read as before
    before = plain_resources(parse("main.bicep", case.before.encode()))
    now = plain_resources(parsed)
    assert {k: v for k, v in now.items() if k != case.address} == {k: v for k, v in before.items()
                                                                   if k != case.address}
    if isinstance(case.change, NativeSet) and isinstance(case.change.value, Placeholder) and not case.declared:
        assert parameter_name(case.change.value.name) in parsed.blocks["param"]


def ts_errors(data: bytes) -> bool:
    tree_sitter = pytest.importorskip("tree_sitter")
    tree_sitter_bicep = pytest.importorskip("tree_sitter_bicep")
    parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_bicep.language()))
    return parser.parse(data).root_node.has_error


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_tree_sitter_bicep_reads_the_result(case):
    """An independent parser: a result of a file it reads must read too."""
    if ts_errors(case.before.encode()):
        pytest.skip("tree-sitter-bicep does not read the original (one-line objects...)")
    assert not ts_errors(run(case))


# --- refusals --------------------------------------------------------------------------------------

REFUSED = text("""
    param d object
    param base object
    var taken = 1

    resource acct 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
      name: 'a'
      location: 'westeurope'
      sku: d.?sku ?? {
        name: 'S0'
      }
      identity: base.identity
      properties: {
        ...base
        x: 1
      }
      tags: {
        a: 'b'
      }
      list: []
      rules: [
        'a'
      ]
      odd: { a: 1
        b: 2 }
    }

    resource old 'Microsoft.CognitiveServices/accounts@2024-10-01' existing = {
      name: 'old'
    }
    """)


@pytest.mark.parametrize("change, reason", [
    (NativeSet("sku.name", "S1"), "`sku` is an expression (`d.?sku ?? { name: 'S0' }`), not an object"),
    (NativeSet("identity.type", "SystemAssigned"), "`identity` is an expression (`base.identity`)"),
    (NativeSet("properties.publicNetworkAccess", "Disabled"), "`properties` has a spread (`...base`)"),
    (NativeRemove("properties.x"), "`properties` has a spread"),
    (NativeSet("location.x", "y"), "`location` is a value, not an object"),
    (NativeSet("list.x", "y"), "`list` is an empty array"),
    (NativeSet("rules.1", "b"), "`rules` has no element 1"),
    (NativeSet("tags.x.0.y", "b"), "cannot create element 0 of an array"),
    (NativeRemove("rules.0"), "`rules.0` is an element of an array: set the whole array"),
    (NativeSet("tags.a", 1.5), "Bicep has no decimal numbers"),
    (NativeSet("tags.a", 2 ** 64), "beyond Bicep's 64-bit integers"),
    (NativeSet("tags.a", {1, 2}), "cannot write a set value"),
    (NativeSet("tags.a", {1: "x"}), "object keys are strings"),
    (NativeSet("tags.c", Placeholder("taken")), "`taken` already names a var in this file"),
    (NativeSet("tags.c", Placeholder("9lives")), "not a parameter name"),
    (NativeRemove("odd.a"), "shares its line with another without a comma"),
    (NativeSet("a..b", 1), "not a property path"),
])
def test_refusals(change, reason):
    data = REFUSED.encode()
    parsed = parse("r.bicep", data)
    assert parsed.issues == ()
    with pytest.raises(WriteError) as error:
        edits(parsed, data, parsed.resources[0], change)
    assert reason in str(error.value)


def test_an_existing_resource_is_refused():
    data = REFUSED.encode()
    parsed = parse("r.bicep", data)
    old = next(r for r in parsed.resources if r.address == "old")
    with pytest.raises(WriteError, match="`old` is an `existing` resource"):
        edits(parsed, data, old, NativeSet("properties.x", 1))


def test_a_file_with_issues_is_refused():
    data = b"resource a 'Microsoft.X/y@1' = {\n  name: 'a'\n}\nresource b 'Microsoft.X/y@1' = {\n  name: 'b'\n"
    parsed = parse("e.bicep", data)
    assert parsed.issues
    with pytest.raises(WriteError, match="syntax errors"):
        edits(parsed, data, parsed.resources[0], NativeSet("b", 1))


def test_declared_variables_is_empty():
    assert declared_variables("anything") == frozenset()


@pytest.mark.parametrize("name, expected", [("kms_key_id", "kmsKeyId"), ("KmsKeyId", "kmsKeyId"), ("kmsKeyId", "kmsKeyId"),
                                            ("subnet-ids", "subnetIds"), ("KMS", "kms"), ("vpc", "vpc"),
                                            ("KMS_key_ARN", "kmsKeyArn")])
def test_parameter_names(name, expected):
    assert parameter_name(name) == expected


@pytest.mark.parametrize("value", ["it's", "a\\b", "${x}", "$", "$x", "{}", "a\nb\r\tc", "\x01\x7f", "é東京😀", "",
                                   "'''", "//", "/* c */", "\\${"])
def test_strings_round_trip(value):
    data = ACCOUNT.encode()
    parsed = parse("t.bicep", data)
    acct = parsed.resources[0]
    for path in ("location", "properties.customSubDomainName", "properties.publicNetworkAccess", "properties.new",
                 "properties.networkAcls.ipRules.1.value"):
        after = apply_edits(data, edits(parsed, data, acct, NativeSet(path, value)))
        reparsed = parse("t.bicep", after)
        assert reparsed.issues == ()
        assert reparsed.resources[0].native(path).raw == value, (path, after)
    assert bicep_string("it's") == "'it\\'s'"


def test_changes_on_different_properties_apply_together():
    data = ACCOUNT.encode()
    parsed = parse("t.bicep", data)
    acct = parsed.resources[0]
    found = [*edits(parsed, data, acct, NativeSet("properties.disableLocalAuth", True)),
             *edits(parsed, data, acct, NativeSet("properties.restrictOutboundNetworkAccess", True)),
             *edits(parsed, data, acct, NativeRemove("kind"))]
    after = parse("t.bicep", apply_edits(data, found))
    assert after.issues == ()
    acct = after.resources[0]
    assert acct.native("properties.disableLocalAuth").raw is True
    assert acct.native("properties.restrictOutboundNetworkAccess").raw is True
    assert acct.native("kind").absent


# --- the corpus: every fixture ----------------------------------------------------------------------

HERE = os.path.dirname(__file__)
REPO = os.path.join(HERE, "..", "..")
FILES = sorted(p for p in glob.glob(os.path.join(REPO, "fixtures", "**", "*.bicep"), recursive=True)
               if parse(p, open(p, "rb").read()).resources and not parse(p, open(p, "rb").read()).issues)


def corpus_paths(attrs: dict, prefix: str = "", depth: int = 0):
    """(native path, Value) of every property, nested ones and array elements' included."""
    for key, value in attrs.items():
        if "." in key or not key:
            continue
        path = f"{prefix}{key}"
        yield path, value
        if depth > 4 or isinstance(value.raw, Unknown):
            continue
        if isinstance(value.raw, list):
            for i, element in enumerate(value.raw):
                if isinstance(element.raw, dict):
                    yield from corpus_paths(element.raw, f"{path}.{i}." if i else f"{path}.", depth + 1)
        elif isinstance(value.raw, dict):
            yield from corpus_paths(value.raw, f"{path}.", depth + 1)


def corpus_changes(resource):
    yield NativeSet("properties.publicNetworkAccess", "Disabled")
    yield NativeSet("properties.networkAcls.defaultAction", "Deny")
    yield NativeSet("properties.disableLocalAuth", True)
    yield NativeSet("identity.type", "SystemAssigned")
    yield NativeSet("properties.encryption.keyVaultProperties.keyIdentifier", Placeholder("kms_key_id"))
    yield NativeSet("zzAdded", {"inner": [1, "two"]})
    for n, (path, value) in enumerate(corpus_paths(dict(resource.attrs))):
        if n % 3 == 0:
            yield NativeRemove(path)
        elif n % 3 == 1 or isinstance(value.raw, Unknown) or not isinstance(value.raw, dict):
            yield NativeSet(path, "set ${x}")
        else:
            yield NativeSet(f"{path}.zzAdded", False)


@pytest.mark.parametrize("path", FILES, ids=[os.path.relpath(p, REPO) for p in FILES])
def test_every_change_on_real_files(path):
    with open(path, "rb") as handle:
        data = handle.read()
    parsed = parse("f.bicep", data)
    before = plain_resources(parsed)
    written = refused = 0
    for resource in parsed.resources:
        for change in corpus_changes(resource):
            try:
                found = edits(parsed, data, resource, change)
            except WriteError:
                refused += 1
                continue
            again = parse("f.bicep", apply_edits(data, found))
            assert again.issues == (), (resource.address, change, again.issues)
            changed = next(r for r in again.resources if r.address == resource.address)
            got = changed.native(change.path)
            if isinstance(change, NativeRemove):
                assert got.absent, (resource.address, change)
            else:
                assert got.plain() == expected_plain(change.value), (resource.address, change)
            after = plain_resources(again)
            assert {k: v for k, v in after.items() if k != resource.address} == \
                {k: v for k, v in before.items() if k != resource.address}, (resource.address, change)
            written += 1
    assert written > 2 * refused, (written, refused)


def test_unified_diffs_apply_with_git(tmp_path):
    """The diff `aiposture fix` would print for each case applies with `git apply` (CRLF and a
    missing final newline included) and gives the written text."""
    git = shutil.which("git")
    if git is None:
        pytest.skip("git is not installed")
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(tmp_path)}
    subprocess.run([git, "init", "-q", str(tmp_path)], check=True, env=env)
    for n, case in enumerate(CASES):
        before, after = case.before.encode(), run(case)
        if before == after:
            continue
        path = f"case{n}/main.bicep"
        (tmp_path / f"case{n}").mkdir()
        (tmp_path / path).write_bytes(before)
        patch = tmp_path / f"case{n}.patch"
        patch.write_bytes(unified_diff(path, before, after).encode())
        result = subprocess.run([git, "apply", str(patch)], cwd=tmp_path, env=env, capture_output=True, text=True)
        assert result.returncode == 0, (case.id, result.stderr)
        assert (tmp_path / path).read_bytes() == after, case.id
