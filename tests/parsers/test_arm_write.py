"""parsers.arm.write: every change as the exact text it produces.

Every produced text re-parses with our parser (no issues), the value read back through
Resource.native is the value that was set (or absent after a remove), and the template's other
resources read as before; results of strict JSON templates are strict JSON (json.loads); `git
apply` takes every case's unified diff. A corpus test makes changes on every fixture template.
"""
from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess
import textwrap
from dataclasses import dataclass, field

import pytest

from analyzer.check import Placeholder
from analyzer.fix import NativeRemove, NativeSet, WriteError, apply_edits, unified_diff
from analyzer.model import ABSENT, Unknown, Value
from parsers.arm.parse import looks_like, parse
from parsers.arm.write import declared_variables, edits, parameter_name


def text(block: str) -> str:
    return textwrap.dedent(block).lstrip("\n")


ACCT = "[parameters('accountName')]"
DEP = ACCT + "/gpt-4o"


@dataclass
class Case:
    id: str
    before: str
    change: NativeSet | NativeRemove
    after: str
    address: str = ACCT
    declared: frozenset = field(default_factory=frozenset)


TEMPLATE = text("""
    {
      "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
      "contentVersion": "1.0.0.0",
      "parameters": {
        "accountName": {
          "type": "string"
        }
      },
      "resources": [
        {
          "type": "Microsoft.CognitiveServices/accounts",
          "apiVersion": "2024-10-01",
          "name": "[parameters('accountName')]",
          "location": "westeurope",
          "kind": "OpenAI",
          "sku": { "name": "S0" },
          "properties": {
            "publicNetworkAccess": "[if(true(), 'Disabled', 'Enabled')]", // chosen at deployment
            "disableLocalAuth": false,
            "networkAcls": {
              "defaultAction": "Allow",
              "ipRules": [
                { "value": "1.2.3.4" }
              ]
            }
          },
          "resources": [
            {
              "type": "deployments",
              "apiVersion": "2024-10-01",
              "name": "gpt-4o",
              "properties": {
                "model": {
                  "format": "OpenAI"
                }
              }
            }
          ]
        },
        {
          "type": "Microsoft.Search/searchServices",
          "apiVersion": "2023-11-01",
          "name": "search",
          "location": "westeurope",
          "properties": {}
        }
      ]
    }
    """)


def template(*replacements: tuple[str, str], base: str = TEMPLATE) -> str:
    out = base
    for old, new in replacements:
        assert out.count(old) == 1, old
        out = out.replace(old, new)
    return out


NO_PARAMETERS = template(('  "parameters": {\n    "accountName": {\n      "type": "string"\n    }\n  },\n', ""))
STRICT = text("""
    {
      "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
      "resources": [
        {
          "type": "Microsoft.Search/searchServices",
          "apiVersion": "2023-11-01",
          "name": "search",
          "properties": {
            "replicaCount": 1,
            "partitionCount": 1,
          }
        }
      ]
    }
    """)

CASES = [
    # --- replace ---
    Case("replace-literal", TEMPLATE, NativeSet("properties.disableLocalAuth", True),
         template(('"disableLocalAuth": false', '"disableLocalAuth": true'))),
    Case("replace-expression-with-the-literal-keeps-the-comment", TEMPLATE,
         NativeSet("properties.publicNetworkAccess", "Disabled"),
         template(("\"[if(true(), 'Disabled', 'Enabled')]\", //", '"Disabled", //'))),
    Case("replace-string-that-reads-as-an-expression", TEMPLATE, NativeSet("location", "[not an expression]"),
         template(('"location": "westeurope",\n      "kind"', '"location": "[[not an expression]",\n      "kind"'))),
    Case("replace-element-of-an-array", TEMPLATE, NativeSet("properties.networkAcls.ipRules.0.value", "9.9.9.9"),
         template(('"1.2.3.4"', '"9.9.9.9"'))),
    Case("replace-an-object-over-several-lines", TEMPLATE, NativeSet("properties.networkAcls", {"defaultAction": "Deny"}),
         template(('"networkAcls": {\n          "defaultAction": "Allow",\n          "ipRules": [\n'
                   '            { "value": "1.2.3.4" }\n          ]\n        }',
                   '"networkAcls": {\n          "defaultAction": "Deny"\n        }'))),
    Case("replace-in-a-one-line-object", TEMPLATE, NativeSet("sku", {"name": "S1", "tier": "Standard"}),
         template(('{ "name": "S0" }', '{"name": "S1", "tier": "Standard"}'))),
    Case("set-same-is-nothing", TEMPLATE, NativeSet("kind", "OpenAI"), TEMPLATE),
    Case("case-insensitive-member", TEMPLATE, NativeSet("Properties.DisableLocalAuth", True),
         template(('"disableLocalAuth": false', '"disableLocalAuth": true'))),
    # --- insert ---
    Case("insert-after-the-last-member", TEMPLATE, NativeSet("properties.restrictOutboundNetworkAccess", True),
         template(('          ]\n        }\n      },\n',
                   '          ]\n        },\n        "restrictOutboundNetworkAccess": true\n      },\n'))),
    Case("insert-nested-objects", TEMPLATE, NativeSet("properties.encryption.keySource", "Microsoft.KeyVault"),
         template(('          ]\n        }\n      },\n',
                   '          ]\n        },\n        "encryption": {\n          "keySource": "Microsoft.KeyVault"\n'
                   '        }\n      },\n'))),
    Case("insert-a-list", TEMPLATE, NativeSet("properties.networkAcls.virtualNetworkRules", [{"id": "[x]"}]),
         template(('          ]\n        }\n      },\n',
                   '          ],\n          "virtualNetworkRules": [\n            {\n              "id": "[[x]"\n'
                   '            }\n          ]\n        }\n      },\n'))),
    Case("insert-into-the-resource-after-its-children", TEMPLATE, NativeSet("identity.type", "SystemAssigned"),
         template(('        }\n      ]\n    },\n',
                   '        }\n      ],\n      "identity": {\n        "type": "SystemAssigned"\n      }\n    },\n'))),
    Case("insert-into-a-one-line-object", TEMPLATE, NativeSet("sku.tier", "Standard"),
         template(('{ "name": "S0" }', '{ "name": "S0", "tier": "Standard" }'))),
    Case("empty-object-becomes-multi-line", TEMPLATE, NativeSet("properties.publicNetworkAccess", "disabled"),
         template(('"properties": {}', '"properties": {\n        "publicNetworkAccess": "disabled"\n      }')),
         "search"),
    Case("child-resource", TEMPLATE, NativeSet("properties.raiPolicyName", "strict"),
         template(('              "format": "OpenAI"\n            }\n',
                   '              "format": "OpenAI"\n            },\n            "raiPolicyName": "strict"\n')), DEP),
    Case("trailing-comma-is-kept", STRICT, NativeSet("properties.semanticSearch", "disabled"),
         template(('"partitionCount": 1,\n', '"partitionCount": 1,\n        "semanticSearch": "disabled"\n'),
                  base=STRICT), "search"),
    Case("closing-brace-on-the-last-line",
         template(('"networkAcls": {\n          "defaultAction": "Allow",\n          "ipRules": [\n'
                   '            { "value": "1.2.3.4" }\n          ]\n        }', '"networkAcls": {\n'
                   '          "defaultAction": "Allow" }')),
         NativeSet("properties.networkAcls.bypass", "None"),
         template(('"networkAcls": {\n          "defaultAction": "Allow",\n          "ipRules": [\n'
                   '            { "value": "1.2.3.4" }\n          ]\n        }', '"networkAcls": {\n'
                   '          "defaultAction": "Allow",\n          "bypass": "None"\n        }'))),
    Case("compact-json",
         '{"$schema":"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",'
         '"resources":[{"type":"Microsoft.Search/searchServices","name":"s","properties":{"a":1}}]}',
         NativeSet("properties.b", [True, None]),
         '{"$schema":"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",'
         '"resources":[{"type":"Microsoft.Search/searchServices","name":"s","properties":{"a":1,"b":[true,null]}}]}',
         "s"),
    # --- remove ---
    Case("remove-first-with-its-comment", TEMPLATE, NativeRemove("properties.publicNetworkAccess"),
         template(("        \"publicNetworkAccess\": \"[if(true(), 'Disabled', 'Enabled')]\", // chosen at deployment\n",
                   ""))),
    Case("remove-last-takes-the-comma-before-it", TEMPLATE, NativeRemove("properties.networkAcls"),
         template(('"disableLocalAuth": false,\n        "networkAcls": {\n          "defaultAction": "Allow",\n'
                   '          "ipRules": [\n            { "value": "1.2.3.4" }\n          ]\n        }\n',
                   '"disableLocalAuth": false\n'))),
    Case("remove-a-middle-member", TEMPLATE, NativeRemove("kind"),
         template(('      "kind": "OpenAI",\n', ""))),
    Case("remove-the-only-member-of-a-one-line-object", TEMPLATE, NativeRemove("sku.name"),
         template(('{ "name": "S0" }', "{}"))),
    Case("remove-the-only-member-of-an-object", TEMPLATE, NativeRemove("properties.model.format"),
         template(('"model": {\n              "format": "OpenAI"\n            }', '"model": {}')), DEP),
    Case("remove-in-a-one-line-object",
         '{"$schema":"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",'
         '"resources":[{"type":"Microsoft.Search/searchServices","name":"s","properties":{"a":1,"b":2,"c":3}}]}',
         NativeRemove("properties.b"),
         '{"$schema":"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",'
         '"resources":[{"type":"Microsoft.Search/searchServices","name":"s","properties":{"a":1,"c":3}}]}', "s"),
    Case("remove-last-in-a-one-line-object",
         '{"$schema":"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",'
         '"resources":[{"type":"Microsoft.Search/searchServices","name":"s","properties":{"a":1, "b":2}}]}',
         NativeRemove("properties.b"),
         '{"$schema":"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",'
         '"resources":[{"type":"Microsoft.Search/searchServices","name":"s","properties":{"a":1}}]}', "s"),
    Case("remove-absent-is-nothing", TEMPLATE, NativeRemove("properties.nothing.here"), TEMPLATE),
    # --- placeholders ---
    Case("placeholder-into-the-parameters", TEMPLATE,
         NativeSet("properties.encryption.keyVaultProperties.keyIdentifier", Placeholder("kms_key_id")),
         template(('      "type": "string"\n    }\n  },',
                   '      "type": "string"\n    },\n    "kmsKeyId": {\n      "type": "string",\n      "metadata": {\n'
                   '        "description": "ID of the KMS key (asked for by an aiposture fix)"\n      }\n    }\n  },'),
                  ('"properties": {}', '"properties": {\n        "encryption": {\n          "keyVaultProperties": {\n'
                   '            "keyIdentifier": "[parameters(\'kmsKeyId\')]"\n          }\n        }\n      }')),
         "search"),
    Case("placeholder-new-parameters-section-before-resources", NO_PARAMETERS,
         NativeSet("properties.subnetIds", Placeholder("subnet_ids")),
         template(('0",\n  "resources": [\n', '0",\n  "parameters": {\n    "subnetIds": {\n      "type": "array",\n'
                   '      "metadata": {\n        "description": "IDs of the subnets (asked for by an aiposture fix)"\n'
                   '      }\n    }\n  },\n  "resources": [\n'),
                  ('"properties": {}', '"properties": {\n        "subnetIds": "[parameters(\'subnetIds\')]"\n      }'),
                  base=NO_PARAMETERS), "search"),
    Case("placeholder-parameter-exists-in-another-case", TEMPLATE, NativeSet("location", Placeholder("AccountName")),
         template(('"location": "westeurope",\n      "kind"', '"location": "[parameters(\'accountName\')]",\n      "kind"'))),
    Case("placeholder-declared-elsewhere", TEMPLATE, NativeSet("location", Placeholder("region")),
         template(('"location": "westeurope",\n      "kind"', '"location": "[parameters(\'region\')]",\n      "kind"')),
         declared=frozenset({"region"})),
    # --- line endings and indentation ---
    Case("crlf",
         '{\r\n  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",\r\n'
         '  "resources": [\r\n    {\r\n      "type": "Microsoft.Search/searchServices",\r\n      "name": "s"\r\n'
         '    }\r\n  ]\r\n}',
         NativeSet("properties.publicNetworkAccess", Placeholder("access")),
         '{\r\n  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",\r\n'
         '  "parameters": {\r\n    "access": {\r\n      "type": "string",\r\n      "metadata": {\r\n'
         '        "description": "Access (asked for by an aiposture fix)"\r\n      }\r\n    }\r\n  },\r\n'
         '  "resources": [\r\n    {\r\n      "type": "Microsoft.Search/searchServices",\r\n      "name": "s",\r\n'
         '      "properties": {\r\n        "publicNetworkAccess": "[parameters(\'access\')]"\r\n      }\r\n'
         '    }\r\n  ]\r\n}', "s"),
    Case("tabs",
         '{\n\t"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",\n'
         '\t"resources": [\n\t\t{\n\t\t\t"type": "Microsoft.Search/searchServices",\n\t\t\t"name": "s",\n'
         '\t\t\t"properties": {\n\t\t\t\t"a": 1\n\t\t\t}\n\t\t}\n\t]\n}\n',
         NativeSet("properties.b.c", [1]),
         '{\n\t"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",\n'
         '\t"resources": [\n\t\t{\n\t\t\t"type": "Microsoft.Search/searchServices",\n\t\t\t"name": "s",\n'
         '\t\t\t"properties": {\n\t\t\t\t"a": 1,\n\t\t\t\t"b": {\n\t\t\t\t\t"c": [\n\t\t\t\t\t\t1\n\t\t\t\t\t]\n'
         '\t\t\t\t}\n\t\t\t}\n\t\t}\n\t]\n}\n', "s"),
    Case("symbolic-resources",
         '{\n  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",\n'
         '  "languageVersion": "2.0",\n  "resources": {\n    "acct": {\n'
         '      "type": "Microsoft.CognitiveServices/accounts",\n      "name": "a"\n    }\n  }\n}\n',
         NativeSet("properties.disableLocalAuth", True),
         '{\n  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",\n'
         '  "languageVersion": "2.0",\n  "resources": {\n    "acct": {\n'
         '      "type": "Microsoft.CognitiveServices/accounts",\n      "name": "a",\n      "properties": {\n'
         '        "disableLocalAuth": true\n      }\n    }\n  }\n}\n', "acct"),
]


def run(case: Case) -> bytes:
    data = case.before.encode()
    parsed = parse("t.json", data)
    assert parsed.issues == ()
    resource = next(r for r in parsed.resources if r.address == case.address)
    return apply_edits(data, edits(parsed, data, resource, case.change, declared_variables=case.declared))


def expected_plain(value):
    if isinstance(value, Placeholder):
        return Unknown(f"[parameters('{parameter_name(value.name)}')]", "expression")
    if isinstance(value, dict):
        return {k: expected_plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [expected_plain(v) for v in value]
    return value


def plain_resources(parsed) -> dict:
    return {r.address: {k: v.plain() for k, v in r.attrs.items()} for r in parsed.resources}


def strict_json(data: bytes) -> bool:
    try:
        json.loads(data)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_exact_text(case):
    after = run(case)
    assert after.decode() == case.after
    parsed = parse("t.json", after)
    assert parsed.issues == ()
    resource = next(r for r in parsed.resources if r.address == case.address)
    path = case.change.path if case.id != "case-insensitive-member" else "properties.disableLocalAuth"
    value = resource.native(path)
    if isinstance(case.change, NativeRemove):
        assert value.absent
    elif case.id == "placeholder-parameter-exists-in-another-case":
        assert value.plain() == Unknown("[parameters('accountName')]", "expression")
    else:
        assert value.plain() == expected_plain(case.change.value)
    before = plain_resources(parse("t.json", case.before.encode()))
    now = plain_resources(parsed)
    assert {k: v for k, v in now.items() if k != case.address} == {k: v for k, v in before.items()
                                                                   if k != case.address}
    if isinstance(case.change, NativeSet) and isinstance(case.change.value, Placeholder) and not case.declared:
        names = {n.lower() for n in parsed.blocks["parameters"]}
        assert parameter_name(case.change.value.name).lower() in names
    if strict_json(case.before.encode()):
        assert strict_json(after)


# --- refusals --------------------------------------------------------------------------------------

REFUSED = text("""
    {
      "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
      "parameters": ["not", "an", "object"],
      "resources": [
        {
          "type": "Microsoft.Search/searchServices",
          "name": "s",
          "identity": "[variables('identity')]",
          "sku": { "name": "basic" },
          "tags": { "a": "b" },
          "list": [],
          "rules": ["a"],
          "odd": {
            "a": 1 /* c */ },
          "properties": {
            "copy": [{ "name": "ipRules", "count": 2, "input": { "value": "[copyIndex('ipRules')]" } }],
            "a": 1
          }
        },
        {
          "type": "Microsoft.Resources/deployments",
          "name": "nested",
          "properties": {
            "mode": "Incremental",
            "template": {
              "resources": [
                { "type": "Microsoft.Search/searchServices", "name": "inner", "properties": {} }
              ]
            }
          }
        }
      ]
    }
    """)


@pytest.mark.parametrize("change, reason", [
    (NativeSet("identity.type", "SystemAssigned"), "`identity` is an expression (`[variables('identity')]`), not an object"),
    (NativeSet("properties.ipRules", []), "`properties.ipRules` is made by a property `copy` loop"),
    (NativeSet("sku.name.x", "y"), "`sku.name` is a value, not an object"),
    (NativeSet("list.x", "y"), "`list` is an empty array"),
    (NativeSet("rules.1", "b"), "`rules` has no element 1"),
    (NativeSet("tags.x.0.y", "b"), "cannot create element 0 of an array"),
    (NativeRemove("rules.0"), "`rules.0` is an element of an array: set the whole array"),
    (NativeSet("tags.a", float("nan")), "cannot be written in JSON"),
    (NativeSet("tags.a", {1, 2}), "cannot write a set value"),
    (NativeSet("tags.a", {1: "x"}), "object keys are strings"),
    (NativeSet("tags.c", Placeholder("kms_key_id")), 'the template\'s "parameters" is not an object'),
    (NativeSet("tags.c", Placeholder("9lives")), "not a parameter name"),
    (NativeSet("odd.b", 2), "a comma or comment before a `}` on the last member's line"),
    (NativeSet("a..b", 1), "not a property path"),
])
def test_refusals(change, reason):
    data = REFUSED.encode()
    parsed = parse("r.json", data)
    assert parsed.issues == ()
    with pytest.raises(WriteError) as error:
        edits(parsed, data, parsed.resources[0], change)
    assert reason in str(error.value)


def test_a_placeholder_in_a_nested_template_is_refused():
    data = REFUSED.encode()
    parsed = parse("r.json", data)
    from parsers.arm.write import _find_object
    from parsers.arm.parse import read_json
    from dataclasses import replace
    root, _ = read_json("r.json", data)
    # the parser reads only the outer template's resources: build the inner one as the evaluator would
    inner = root.raw["resources"].raw[1].raw["properties"].raw["template"].raw["resources"].raw[0]
    assert _find_object(root, inner.span.start, inner.span.end, ())[1][-3:] == ("template", "resources", 0)
    resource = replace(parsed.resources[0], address="inner", span=inner.span, attrs=inner.raw)
    assert edits(parsed, data, resource, NativeSet("properties.a", 1))  # a literal is fine
    with pytest.raises(WriteError, match="nested deployment's template"):
        edits(parsed, data, resource, NativeSet("properties.a", Placeholder("kms_key_id")))


def test_an_existing_resource_is_refused():
    data = (b'{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",\n'
            b'"languageVersion": "2.0", "resources": {"old": {"type": "Microsoft.X/y", "name": "o", "existing": true}}}')
    parsed = parse("e.json", data)
    with pytest.raises(WriteError, match="`old` is an `existing` resource"):
        edits(parsed, data, parsed.resources[0], NativeSet("properties.x", 1))


def test_a_template_with_issues_is_refused():
    data = TEMPLATE.encode()
    parsed = parse("t.json", data)
    broken = parse("t.json", data + b"}")
    assert broken.issues
    with pytest.raises(WriteError, match="syntax errors"):
        edits(broken, data, parsed.resources[0], NativeSet("b", 1))


def test_declared_variables_is_empty():
    assert declared_variables("anything") == frozenset()


@pytest.mark.parametrize("value", ["[x]", "[[x]", "[]", "[", "]", "it's", 'a"b', "a\\b", "line\nbreak", "é東京😀", "",
                                   "[parameters('x')]"])
def test_strings_round_trip(value):
    data = TEMPLATE.encode()
    parsed = parse("t.json", data)
    acct = parsed.resources[0]
    for path in ("location", "properties.publicNetworkAccess", "properties.new", "sku.name",
                 "properties.networkAcls.ipRules.0.value"):
        after = apply_edits(data, edits(parsed, data, acct, NativeSet(path, value)))
        reparsed = parse("t.json", after)
        assert reparsed.issues == ()
        assert reparsed.resources[0].native(path).raw == value, (path, after)


def test_changes_on_different_members_apply_together():
    data = TEMPLATE.encode()
    parsed = parse("t.json", data)
    acct = parsed.resources[0]
    found = [*edits(parsed, data, acct, NativeSet("properties.disableLocalAuth", True)),
             *edits(parsed, data, acct, NativeSet("sku.tier", "Standard")),
             *edits(parsed, data, acct, NativeRemove("kind"))]
    after = parse("t.json", apply_edits(data, found))
    assert after.issues == ()
    acct = after.resources[0]
    assert acct.native("properties.disableLocalAuth").raw is True
    assert acct.native("sku.tier").raw == "Standard"
    assert acct.native("kind").absent


# --- the corpus: every fixture template -------------------------------------------------------------

HERE = os.path.dirname(__file__)
REPO = os.path.join(HERE, "..", "..")
FILES = sorted(p for p in glob.glob(os.path.join(REPO, "fixtures", "**", "*.json"), recursive=True)
               if looks_like(open(p, "rb").read()))


def corpus_paths(attrs: dict, prefix: str = "", depth: int = 0):
    """(native path, Value) of every member, nested ones and array elements' included."""
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
    yield NativeSet("zzAdded", {"inner": [1, "[two]"]})
    for n, (path, value) in enumerate(corpus_paths(dict(resource.attrs))):
        if path in ("type", "name"):  # a child's are rewritten by the parser
            continue
        if n % 3 == 0:
            yield NativeRemove(path)
        elif n % 3 == 1 or isinstance(value.raw, Unknown) or not isinstance(value.raw, dict):
            yield NativeSet(path, "set [x]")
        else:
            yield NativeSet(f"{path}.zzAdded", False)


def native_any_case(attrs, path):
    """Resource.native (analyzer.model.lookup), with members matched regardless of case, as the
    writer matches them."""
    value = Value(dict(attrs), None)
    for part in path.split("."):
        raw = value.raw
        if isinstance(raw, list):
            index = int(part) if part.isdigit() else 0
            if index >= len(raw):
                return ABSENT
            value = raw[index]
            if part.isdigit():
                continue
            raw = value.raw
        if not isinstance(raw, dict):
            return ABSENT
        key = part if part in raw else next((k for k in raw if k.lower() == part.lower()), None)
        if key is None:
            return ABSENT
        value = raw[key]
    return value


@pytest.mark.parametrize("path", FILES, ids=[os.path.relpath(p, REPO) for p in FILES])
def test_every_change_on_real_files(path):
    with open(path, "rb") as handle:
        data = handle.read()
    parsed = parse("f.json", data)
    assert parsed.issues == ()
    before = plain_resources(parsed)
    strict = strict_json(data)
    written = refused = 0
    for resource in parsed.resources:
        for change in corpus_changes(resource):
            try:
                found = edits(parsed, data, resource, change)
            except WriteError:
                refused += 1
                continue
            result = apply_edits(data, found)
            again = parse("f.json", result)
            assert again.issues == (), (resource.address, change, again.issues)
            assert not strict or strict_json(result), (resource.address, change)
            changed = next(r for r in again.resources if r.address == resource.address)
            got = native_any_case(changed.attrs, change.path)
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
        path = f"case{n}/t.json"
        (tmp_path / f"case{n}").mkdir()
        (tmp_path / path).write_bytes(before)
        patch = tmp_path / f"case{n}.patch"
        patch.write_bytes(unified_diff(path, before, after).encode())
        result = subprocess.run([git, "apply", str(patch)], cwd=tmp_path, env=env, capture_output=True, text=True)
        assert result.returncode == 0, (case.id, result.stderr)
        assert (tmp_path / path).read_bytes() == after, case.id
