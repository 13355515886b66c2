"""ARM template evaluation (parsers/arm/evaluate.py): every function against the outputs ARM's
function reference documents for its examples, Unknown propagation and reasons, parameters
(defaults, given values, parameter files, secure and Key Vault values), variables (including
variable loops), user-defined functions and lambdas, conditions, resource and property copy
loops, inline nested deployments (inner and outer scope), spans, cycles and bounds."""
import json
import os

import pytest

from analyzer.model import Unknown, to_plain
from parsers.arm.evaluate import evaluate, read_parameters
from parsers.arm.parse import parse

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "arm")
SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"


def fixture(name, parameters=None):
    path = os.path.join(FIXTURES, name)
    with open(path, "rb") as handle:
        return evaluate(parse(f"fixtures/arm/{name}", handle.read()), parameters)


def by_address(parsed):
    return {r.address: r for r in parsed.resources}


def run(expression, parameters=None, variables=None, given=None, functions=None):
    """The evaluated value of one expression written as a resource property."""
    top = {"$schema": SCHEMA, "contentVersion": "1.0.0.0", "parameters": parameters or {},
           "variables": variables or {}, "resources": [
               {"type": "Test.Provider/things", "apiVersion": "2024-01-01", "name": "t",
                "properties": {"v": expression}}]}
    if functions:
        top["functions"] = functions
    parsed = evaluate(parse("t.json", json.dumps(top, indent=2).encode()), given)
    found = parsed.resources[0].native("properties.v")
    return None if found.absent else to_plain(found.raw)


def unknown(value):
    return isinstance(value, Unknown)


OBJECT = {"one": "a", "two": "b", "three": "c"}


# --- functions, against the documented example outputs ------------------------------------------


@pytest.mark.parametrize("expression, expected", [
    # comparison
    ("[coalesce(null(), null(), 'default')]", "default"),
    ("[coalesce(null(), 1)]", 1),
    ("[empty(coalesce(null(), null()))]", True),
    ("[equals(1, 1)]", True),
    ("[equals('a', 'a')]", True),
    ("[equals('a', 'A')]", False),
    ("[equals(createArray('a', 'b'), createArray('a', 'b'))]", True),
    ("[equals(json('{\"a\": \"b\"}'), createObject('a', 'b'))]", True),
    ("[equals(1, '1')]", False),
    ("[not(equals(1, 2))]", True),
    ("[greater(1, 2)]", False),
    ("[greater('A', 'a')]", True),
    ("[greaterOrEquals(1, 2)]", False),
    ("[greaterOrEquals('A', 'a')]", True),
    ("[less(1, 2)]", True),
    ("[less('A', 'a')]", False),
    ("[lessOrEquals(1, 2)]", True),
    ("[lessOrEquals('A', 'a')]", False),
    ("[less('apple', 'banana')]", True),
    # logical
    ("[and(true(), false())]", False),
    ("[or(true(), false())]", True),
    ("[not(true())]", False),
    ("[if(equals('a', 'a'), 'yes', 'no')]", "yes"),
    ("[if(false(), json('not json'), 'only the chosen branch')]", "only the chosen branch"),
    ("[bool('true')]", True),
    ("[bool('FALSE')]", False),
    ("[bool(1)]", True),
    ("[bool(0)]", False),
    # strings
    ("[concat('prefix', '-', 'suffix')]", "prefix-suffix"),
    ("[concat(createArray('1-1', '1-2', '1-3'), createArray('2-1', '2-2', '2-3'))]",
     ["1-1", "1-2", "1-3", "2-1", "2-2", "2-3"]),
    ("[concat('n', 1, true())]", "n1True"),
    ("[contains('OneTwoThree', 'e')]", True),
    ("[contains('OneTwoThree', 'z')]", False),
    ("[contains('OneTwoThree', 'one')]", False),
    ("[contains(json('{\"one\": \"a\", \"two\": \"b\", \"three\": \"c\"}'), 'one')]", True),
    ("[contains(json('{\"one\": \"a\", \"two\": \"b\", \"three\": \"c\"}'), 'ONE')]", True),
    ("[contains(json('{\"one\": \"a\", \"two\": \"b\", \"three\": \"c\"}'), 'a')]", False),
    ("[contains(createArray('one', 'two', 'three'), 'three')]", True),
    ("[contains(createArray('one', 'two', 'three'), 'four')]", False),
    ("[empty(createArray())]", True),
    ("[empty(json('{}'))]", True),
    ("[empty('')]", True),
    ("[empty('x')]", False),
    ("[endsWith('abcdef', 'ef')]", True),
    ("[endsWith('abcdef', 'F')]", True),
    ("[endsWith('abcdef', 'e')]", False),
    ("[startsWith('abcdef', 'ab')]", True),
    ("[startsWith('abcdef', 'A')]", True),
    ("[startsWith('abcdef', 'e')]", False),
    ("[first(createArray('one', 'two', 'three'))]", "one"),
    ("[first('One Two Three')]", "O"),
    ("[last(createArray('one', 'two', 'three'))]", "three"),
    ("[last('One Two Three')]", "e"),
    ("[format('{0}, {1}. Formatted number: {2:N0}', 'Hello', 'User', 8175133)]",
     "Hello, User. Formatted number: 8,175,133"),
    ("[format('{0}-{1}', 'a', true())]", "a-True"),
    ("[format('{{literal}} {0,5}|{0,-5}|{1:D4}', 'ab', 7)]", "{literal}    ab|ab   |0007"),
    ("[indexOf('test', 't')]", 0),
    ("[lastIndexOf('test', 't')]", 3),
    ("[indexOf('abcdef', 'CD')]", 2),
    ("[lastIndexOf('abcdef', 'AB')]", 0),
    ("[indexOf('abcdef', 'z')]", -1),
    ("[indexOf(createArray('a', 'b'), 'b')]", 1),
    ("[length(createArray('one', 'two', 'three'))]", 3),
    ("[length('One Two Three')]", 13),
    ("[length(json('{\"propA\": \"one\", \"propB\": \"two\", \"propC\": \"three\", \"propD\": {\"a\": 1}}'))]", 4),
    ("[padLeft('123', 10, '0')]", "0000000123"),
    ("[padLeft(123, 5)]", "  123"),
    ("[replace('123-123-1234', '-', '')]", "1231231234"),
    ("[replace('123-123-1234', '1234', 'xxxx')]", "123-123-xxxx"),
    ("[skip(createArray('one', 'two', 'three'), 2)]", ["three"]),
    ("[skip('one two three', 4)]", "two three"),
    ("[skip('abc', -1)]", "abc"),
    ("[take(createArray('one', 'two', 'three'), 2)]", ["one", "two"]),
    ("[take('one two three', 2)]", "on"),
    ("[take('abc', 0)]", ""),
    ("[split('one,two,three', ',')]", ["one", "two", "three"]),
    ("[split('one;two,three', createArray(',', ';'))]", ["one", "two", "three"]),
    ("[string(json('{\"valueA\": 10, \"valueB\": \"Example Text\"}'))]", '{"valueA":10,"valueB":"Example Text"}'),
    ("[string(createArray('a', 'b', 'c'))]", '["a","b","c"]'),
    ("[string(5)]", "5"),
    ("[string(true())]", "True"),
    ("[string(false())]", "False"),
    ("[substring('one two three', 4, 3)]", "two"),
    ("[substring('one two three', 4)]", "two three"),
    ("[toLower('One Two Three')]", "one two three"),
    ("[toUpper('One Two Three')]", "ONE TWO THREE"),
    ("[trim('    one two three   ')]", "one two three"),
    ("[base64('one, two, three')]", "b25lLCB0d28sIHRocmVl"),
    ("[base64ToString('b25lLCB0d28sIHRocmVl')]", "one, two, three"),
    ("[base64ToJson(base64('{\"one\": \"a\", \"two\": \"b\"}'))]", {"one": "a", "two": "b"}),
    ("[dataUri('Hello')]", "data:text/plain;charset=utf8;base64,SGVsbG8="),
    ("[dataUriToString('data:;base64,SGVsbG8sIFdvcmxkIQ==')]", "Hello, World!"),
    ("[uri('http://contoso.org/firstpath', 'myscript.sh')]", "http://contoso.org/myscript.sh"),
    ("[uri('http://contoso.org/firstpath/', 'myscript.sh')]", "http://contoso.org/firstpath/myscript.sh"),
    ("[uri('http://contoso.org/firstpath/azuredeploy.json', 'myscript.sh')]", "http://contoso.org/firstpath/myscript.sh"),
    ("[uri('http://contoso.org/firstpath/azuredeploy.json/', 'myscript.sh')]",
     "http://contoso.org/firstpath/azuredeploy.json/myscript.sh"),
    ("[uriComponent('http://contoso.com/resources/nested/azuredeploy.json')]",
     "http%3A%2F%2Fcontoso.com%2Fresources%2Fnested%2Fazuredeploy.json"),
    ("[uriComponentToString('http%3A%2F%2Fcontoso.com%2Fresources%2Fnested%2Fazuredeploy.json')]",
     "http://contoso.com/resources/nested/azuredeploy.json"),
    ("[int('4')]", 4),
    ("[join(createArray('a', 'b', 'c'), ',')]", "a,b,c"),
    # arrays and objects
    ("[createArray(1, 'b', createArray(3))]", [1, "b", [3]]),
    ("[createObject('intProp', 1, 'stringProp', 'abc', 'boolProp', true(), 'arrayProp', createArray('a', 'b', 'c'), "
     "'objectProp', createObject('key1', 'value1'))]",
     {"intProp": 1, "stringProp": "abc", "boolProp": True, "arrayProp": ["a", "b", "c"],
      "objectProp": {"key1": "value1"}}),
    ("[json('{\"a\": \"b\"}')]", {"a": "b"}),
    ("[json('\"test\"')]", "test"),
    ("[json('true')]", True),
    ("[json('3')]", 3),
    ("[json('[1, 2, 3]')]", [1, 2, 3]),
    ("[empty(json('null'))]", True),
    ("[intersection(json('{\"one\": \"a\", \"two\": \"b\", \"three\": \"c\"}'), "
     "json('{\"one\": \"a\", \"two\": \"z\", \"three\": \"c\"}'))]", {"one": "a", "three": "c"}),
    ("[intersection(createArray('one', 'two', 'three'), createArray('two', 'three'))]", ["two", "three"]),
    ("[union(json('{\"one\": \"a\", \"two\": \"b\", \"three\": \"c1\"}'), "
     "json('{\"three\": \"c2\", \"four\": \"d\", \"five\": \"e\"}'))]",
     {"one": "a", "two": "b", "three": "c2", "four": "d", "five": "e"}),
    ("[union(createArray('one', 'two', 'three'), createArray('three', 'four'))]", ["one", "two", "three", "four"]),
    ("[union(json('{\"property\": {\"one\": \"a\", \"two\": \"b\", \"three\": \"c1\"}, \"nestedArray\": [1, 2]}'), "
     "json('{\"property\": {\"three\": \"c2\", \"four\": \"d\", \"five\": \"e\"}, \"nestedArray\": [3, 4]}'))]",
     {"property": {"one": "a", "two": "b", "three": "c2", "four": "d", "five": "e"}, "nestedArray": [3, 4]}),
    ("[union(createArray(createArray('one', 'two'), createArray('three')), "
     "createArray(createArray('three'), createArray('four', 'two')))]",
     [["one", "two"], ["three"], ["four", "two"]]),
    ("[items(json('{\"item002\": {\"enabled\": false}, \"item001\": {\"enabled\": true}}'))]",
     [{"key": "item001", "value": {"enabled": True}}, {"key": "item002", "value": {"enabled": False}}]),
    ("[range(1, 5)]", [1, 2, 3, 4, 5]),
    ("[max(createArray(0, 3, 2, 5, 4))]", 5),
    ("[min(0, 3, 2)]", 0),
    ("[array('a')]", ["a"]),
    ("[objectKeys(json('{\"a\": 1, \"b\": 2}'))]", ["a", "b"]),
    ("[flatten(createArray(createArray(1), createArray(2, 3)))]", [1, 2, 3]),
    ("[tryGet(json('{\"a\": {\"b\": 1}}'), 'a', 'b')]", 1),
    ("[tryGet(json('{\"a\": 1}'), 'missing')]", None),
    ("[shallowMerge(createArray(createObject('a', 1), createObject('b', 2)))]", {"a": 1, "b": 2}),
    ("[createObject('k', 'v').K]", "v"),
    ("[createArray('x', 'y')[1]]", "y"),
    # numbers (integer division truncates toward zero, as .NET)
    ("[add(5, 3)]", 8), ("[sub(7, 3)]", 4), ("[mul(5, 3)]", 15), ("[div(8, 3)]", 2), ("[mod(7, 3)]", 1),
    ("[div(-7, 2)]", -3), ("[mod(-7, 2)]", -1),
    # lambdas
    ("[filter(createArray(1, 2, 3, 4), lambda('n', greater(lambdaVariables('n'), 2)))]", [3, 4]),
    ("[map(createArray('a', 'b'), lambda('x', toUpper(lambdaVariables('x'))))]", ["A", "B"]),
    ("[reduce(createArray(1, 2, 3), 0, lambda('acc', 'n', add(lambdaVariables('acc'), lambdaVariables('n'))))]", 6),
    ("[sort(createArray(3, 1, 2), lambda('a', 'b', less(lambdaVariables('a'), lambdaVariables('b'))))]", [1, 2, 3]),
    ("[toObject(createArray('a', 'b'), lambda('k', lambdaVariables('k')), lambda('k', length(lambdaVariables('k'))))]",
     {"a": 1, "b": 1}),
    ("[mapValues(createObject('a', 1), lambda('v', add(lambdaVariables('v'), 1)))]", {"a": 2}),
    # case-insensitive function names
    ("[TOLOWER(Concat('A', 'B'))]", "ab"),
])
def test_function(expression, expected):
    assert run(expression) == expected


@pytest.mark.parametrize("expression", [
    "[substring('1234567890', 0, 11)]",  # the documented failure
    "[json('not json')]",
    "[createObject('a')]",
    "[concat(createArray(1), 'a')]",
    "[createArray(1)[5]]",
    "[createObject('a', 1).b]",
    "[int('x')]",
    "[div(1, 0)]",
    "[unknownFunction(1)]",
    "[concat(]",
    "[greater('a-b', 'a')]",  # culture ordering of punctuation: not guessed
    "[format('{0:X}', 10)]",
    "[format('{1}', 'a')]",
    "[lambda('x', 1)]",
    "[range(0, 100000)]",
    "[padLeft('a', 100000000, 'x')]",
])
def test_what_arm_rejects_or_we_do_not_evaluate_is_unknown_expression(expression):
    found = run(expression)
    assert unknown(found) and found.reason == "expression"


# --- Unknown propagation -------------------------------------------------------------------------


def test_deployment_values_are_variable_and_references_resource():
    assert run("[resourceGroup().location]") == Unknown("[resourceGroup().location]", "variable")
    assert run("[subscription().subscriptionId]") == Unknown("[subscription().subscriptionId]", "variable")
    assert run("[deployment().name]").reason == "variable"
    assert run("[environment().suffixes.storage]").reason == "variable"
    assert run("[utcNow()]").reason == "variable"
    assert run("[reference('st1').primaryEndpoints.blob]") == Unknown("[reference('st1').primaryEndpoints.blob]",
                                                                      "resource")
    assert run("[listKeys(resourceId('Microsoft.Storage/storageAccounts', 'st'), '2023-01-01').keys[0].value]").reason \
        == "resource"
    assert run("[listAccountSas('x', '2023-01-01', createObject())]").reason == "resource"


def test_resource_ids_are_resource_unknowns_with_known_arguments_written():
    found = run("[resourceId('Microsoft.Storage/storageAccounts', parameters('name'))]",
                parameters={"name": {"type": "string", "defaultValue": "st1"}})
    assert found == Unknown("[resourceId('Microsoft.Storage/storageAccounts', 'st1')]", "resource")
    assert run("[subscriptionResourceId('Microsoft.Resources/resourceGroups', 'rg')]").reason == "resource"
    assert run("[extensionResourceId('/x', 'Microsoft.Authorization/locks', 'l')]").reason == "resource"
    assert run("[concat(resourceId('A.B/c', 'x'), '/sub')]").reason == "resource"  # a non-empty id string
    assert run("[empty(resourceId('A.B/c', 'x'))]") is False


def test_unset_parameters_are_variable_and_functions_of_them_expression():
    params = {"p": {"type": "string"}}
    assert run("[parameters('p')]", params) == Unknown("[parameters('p')]", "variable")
    assert run("[parameters('P')]", params) == Unknown("[parameters('p')]", "variable")  # case-insensitive
    found = run("[concat('a-', parameters('p'))]", params)
    assert found == Unknown("[concat('a-', parameters('p'))]", "expression")
    assert run("[toLower(parameters('p'))]", params) == Unknown("[toLower(parameters('p'))]", "expression")
    assert run("[equals(parameters('p'), 'x')]", params).reason == "expression"
    assert run("[parameters('p').sub]", params) == Unknown("[parameters('p').sub]", "variable")


def test_known_parts_still_decide():
    params = {"p": {"type": "bool"}, "s": {"type": "string"}}
    assert run("[and(false(), parameters('p'))]", params) is False
    assert run("[or(parameters('p'), true())]", params) is True
    assert unknown(run("[and(true(), parameters('p'))]", params))
    assert run("[if(parameters('p'), 'same', 'same')]", params) == "same"
    assert unknown(run("[if(parameters('p'), 'a', 'b')]", params))
    assert run("[coalesce('a', parameters('s'))]", params) == "a"
    assert unknown(run("[coalesce(parameters('s'), 'a')]", params))  # the parameter may be null
    assert run("[length(createArray(parameters('s'), 1))]", params) == 2
    assert run("[contains(createObject('k', parameters('s')), 'k')]", params) is True
    assert run("[createObject('a', 1, 'b', parameters('s')).a]", params) == 1
    assert run("[contains(createArray('x', parameters('s')), 'x')]", params) is True
    assert unknown(run("[contains(createArray('x', parameters('s')), 'y')]", params))


def test_hashes_are_unknown_but_not_empty():
    assert run("[uniqueString(resourceGroup().id)]") == Unknown("[uniqueString(resourceGroup().id)]", "expression")
    assert run("[uniqueString('fully', 'known')]").reason == "expression"
    assert run("[empty(uniqueString('a'))]") is False
    assert run("[length(uniqueString('a'))]") == 13
    assert run("[length(guid('a', 'b'))]") == 36
    assert run("[length(concat('st', uniqueString(resourceGroup().id)))]") == 15
    assert run("[length(format('kv-{0}', uniqueString('x')))]") == 16
    assert run("[empty(newGuid())]") is False


def test_property_access_on_unknown_keeps_the_reason_and_types_are_checked():
    assert run("[reference('x').outputs['id'].value]").reason == "resource"
    assert run("[variables('v')[parameters('i')]]", {"i": {"type": "int"}}, {"v": ["same", "same"]}) == "same"
    assert unknown(run("[variables('v')[parameters('i')]]", {"i": {"type": "int"}}, {"v": ["a", "b"]}))


# --- parameters and variables --------------------------------------------------------------------


def test_parameter_defaults_given_values_and_secure_parameters():
    params = {"a": {"type": "string", "defaultValue": "dflt"},
              "b": {"type": "string", "defaultValue": "[concat(parameters('a'), '-b')]"},
              "s": {"type": "secureString", "defaultValue": "hunter2"}}
    assert run("[parameters('b')]", params) == "dflt-b"
    assert run("[parameters('b')]", params, given={"a": "given"}) == "given-b"
    assert run("[parameters('s')]", params) == Unknown("[parameters('s')]", "variable")
    assert run("[parameters('s')]", params, given={"s": "x"}).reason == "variable"  # never judged, never printed
    assert run("[parameters('a')]", params, given={"A": Unknown("kv", "variable")}) == \
        Unknown("[parameters('a')]", "variable")


def test_variables_nested_objects_and_case_insensitive_names():
    variables = {"settings": {"sku": "[toUpper('s0')]", "list": ["[concat('a', 'b')]"]}, "alias": "[variables('SETTINGS').sku]"}
    assert run("[variables('alias')]", variables=variables) == "S0"
    assert run("[variables('settings').list[0]]", variables=variables) == "ab"


def test_variable_copy_loops():
    variables = {"copy": [{"name": "disks", "count": 3, "input": {"lun": "[copyIndex('disks')]",
                                                                   "name": "[concat('d', copyIndex('disks', 1))]"}},
                          {"name": "unknownCount", "count": "[parameters('n')]", "input": "x"}]}
    found = run("[variables('disks')]", {"n": {"type": "int"}}, variables)
    assert found == [{"lun": 0, "name": "d1"}, {"lun": 1, "name": "d2"}, {"lun": 2, "name": "d3"}]
    assert unknown(run("[variables('unknownCount')]", {"n": {"type": "int"}}, variables))
    # a copy inside a variable's object
    inner = {"obj": {"copy": [{"name": "items", "count": 2, "input": "[copyIndex('items')]"}], "other": 1}}
    assert run("[variables('obj')]", variables=inner) == {"items": [0, 1], "other": 1}


def test_cycles_are_unknown_expression():
    variables = {"a": "[variables('b')]", "b": "[concat(variables('a'), 'x')]"}
    assert run("[variables('a')]", variables=variables).reason == "expression"
    params = {"p": {"type": "string", "defaultValue": "[parameters('p')]"}}
    assert run("[parameters('p')]", params).reason == "expression"
    assert run("[variables('missing')]").reason == "expression"
    assert run("[parameters('missing')]").reason == "expression"


def test_user_defined_functions():
    functions = [{"namespace": "ns", "members": {
        "double": {"parameters": [{"name": "x", "type": "int"}], "output": {"type": "int", "value": "[mul(parameters('x'), 2)]"}},
        "quad": {"parameters": [{"name": "x", "type": "int"}], "output": {"type": "int", "value": "[ns.double(ns.double(parameters('x')))]"}},
        "loop": {"parameters": [], "output": {"type": "int", "value": "[ns.loop()]"}},
    }}]
    assert run("[ns.double(21)]", functions=functions) == 42
    assert run("[NS.Quad(2)]", functions=functions) == 8
    assert run("[ns.loop()]", functions=functions).reason == "expression"  # recursion is bounded
    assert run("[ns.double(1, 2)]", functions=functions).reason == "expression"
    assert run("[ns.missing()]", functions=functions).reason == "expression"


# --- resources: spans, nulls, conditions, loops ----------------------------------------------------


def test_values_keep_the_span_where_they_are_written():
    data = json.dumps({"$schema": SCHEMA, "parameters": {"p": {"type": "string", "defaultValue": "Disabled"}},
                       "resources": [{"type": "A.B/c", "name": "n", "properties": {
                           "pna": "[parameters('p')]", "obj": "[createObject('a', createArray(1))]",
                           "gone": "[null()]", "kept": "[if(true(), null(), 1)]x"}}]}, indent=2).encode()
    written = parse("t.json", data).resources[0]
    evaluated = evaluate(parse("t.json", data)).resources[0]
    before, after = written.native("properties.pna"), evaluated.native("properties.pna")
    assert after.raw == "Disabled"
    assert after.span == before.span and after.key_span == before.key_span
    obj = evaluated.native("properties.obj")
    assert obj.plain() == {"a": [1]}
    assert obj.raw["a"].span == obj.span == written.native("properties.obj").span
    assert evaluated.native("properties.gone").absent  # null: not sent, the service default applies
    assert evaluated.native("properties.kept").raw == "[if(true(), null(), 1)]x"  # not an expression


def test_conditions_fixture():
    resources = by_address(fixture("conditions.json"))
    assert set(resources) == {"cog-dev", "stmaybe", "appi-ml"}
    assert "condition" not in resources["cog-dev"].meta
    assert resources["stmaybe"].meta["condition"] == "[equals(parameters('newOrExisting'), 'new')]"
    assert resources["stmaybe"].native("properties.allowBlobPublicAccess").raw is True
    assert resources["appi-ml"].native("properties.DisableLocalAuth").raw is False
    prod = by_address(fixture("conditions.json", {"environment": "prod", "newOrExisting": "new"}))
    assert set(prod) == {"cog-prod", "stmaybe", "appi-ml"}
    assert "condition" not in prod["stmaybe"].meta
    assert prod["stmaybe"].native("properties.allowBlobPublicAccess").raw is False


def test_resource_copy_loops_expand_per_instance():
    resources = fixture("search-copy.json").resources
    search = [r for r in resources if r.native_type == "Microsoft.Search/searchServices"]
    assert [r.address for r in search] == [f"[concat('srch-', parameters('regions')[copyIndex()])][{i}]" for i in range(3)]
    assert [r.native("name").raw for r in search] == ["srch-westeurope", "srch-northeurope", "srch-swedencentral"]
    assert [r.native("properties.publicNetworkAccess").raw for r in search] == ["enabled", "disabled", "disabled"]
    assert search[0].meta["count"] == 3
    assert search[0].native("properties.networkRuleSet.ipRules").plain() == [
        {"value": "203.0.113.10"}, {"value": "198.51.100.0/24"}]


def test_a_loop_whose_body_does_not_use_its_index_stays_one_resource():
    storage = [r for r in fixture("search-copy.json").resources if r.native_type == "Microsoft.Storage/storageAccounts"]
    assert len(storage) == 1 and storage[0].address == "stsearchdocs" and storage[0].meta["count"] == 4
    rules = storage[0].native("properties.networkAcls.ipRules")
    assert rules.plain() == [{"value": "203.0.113.10", "action": "Allow"},
                             {"value": "198.51.100.0/24", "action": "Allow"}]
    assert "copy" not in storage[0].native("properties.networkAcls").raw
    assert (rules.raw[0].raw["action"].span.line, rules.raw[0].raw["action"].span.col) == (53, 27)  # the input's own `"action": "Allow"`


def test_copy_counts_zero_unknown_and_large():
    def computes(parameters):
        return [r for r in fixture("ml-workspace.json", parameters).resources if r.native_type.endswith("/computes")]
    two = computes(None)
    assert [r.native("name").raw for r in two] == ["mlw-contoso/ci-1", "mlw-contoso/ci-2"]
    assert [r.native("properties.properties.enableNodePublicIp").raw for r in two] == [True, False]
    assert computes({"computeCount": 0}) == []
    many = computes({"computeCount": 40})
    assert len(many) == 1 and many[0].meta["count"] == 40
    assert many[0].native("name").raw.reason == "expression"
    unknown_count = computes({"computeCount": Unknown("[parameters('computeCount')]", "variable")})
    assert len(unknown_count) == 1 and "count" not in unknown_count[0].meta
    assert unknown(unknown_count[0].native("properties.properties.enableNodePublicIp").raw)


def test_conditions_are_evaluated_per_instance():
    data = json.dumps({"$schema": SCHEMA, "resources": [{
        "type": "A.B/c", "name": "[concat('x', copyIndex())]", "copy": {"name": "l", "count": 3},
        "condition": "[not(equals(copyIndex(), 1))]"}]}).encode()
    assert [r.native("name").raw for r in evaluate(parse("t.json", data)).resources] == ["x0", "x2"]


# --- nested deployments ----------------------------------------------------------------------------


def test_nested_deployments_inner_and_outer_scope():
    resources = by_address(fixture("nested-deployments.json"))
    search = resources["searchInner/[parameters('name')]"]
    assert search.native("name").raw == "contoso-search"  # the deployment's parameter, evaluated outside
    assert search.native("sku.name").raw == "standard"  # given over the inner default "basic"
    assert search.native("properties.publicNetworkAccess").raw == "disabled"  # the inner default
    assert search.native("properties.disableLocalAuth").raw.reason == "expression"  # a Key Vault reference
    assert search.meta["deployment"] == "searchInner"
    storage = resources["storageOuter/[concat(parameters('prefix'), 'data')]"]
    assert storage.native("name").raw == "contosodata"  # the outer template's parameter
    assert storage.native("properties.allowBlobPublicAccess").raw is True
    assert not any(a.startswith("linked/") for a in resources)  # templateLink is not followed
    # the deployment's own template is left as written
    template = resources["searchInner"].native("properties.template.resources.name")
    assert template.raw == Unknown("[parameters('name')]", "expression")


def test_nested_resources_have_spans_and_insertions_in_the_file():
    path = os.path.join(FIXTURES, "nested-deployments.json")
    data = open(path, "rb").read()
    search = by_address(evaluate(parse("n.json", data)))["searchInner/[parameters('name')]"]
    assert search.header.line == 40 and data[search.header.start:search.header.end].startswith(b'"type"')
    assert search.insertions[""].indent == " " * 14
    assert search.insertions["properties"].indent == " " * 16
    assert data[search.meta["insert_comma_at"]["properties"] - 1:][:1] == b'"'


def test_bicep_build_output():
    resources = fixture("bicep-build.json").resources
    account = resources[0]
    assert account.native("properties.customSubDomainName").raw == "contoso-openai"
    assert account.native("properties.publicNetworkAccess").raw == "Disabled"
    assert account.native("properties.apiProperties").plain() == {"blocking": "Blocking"}
    assert account.native("tags.models").raw == "gpt-4o,o1-mini"
    assert account.native("tags.note").raw == "[not an expression]"
    assert account.native("location").raw == Unknown("[resourceGroup().location]", "variable")
    models = [r for r in resources if r.native_type.endswith("/deployments") and "accounts" in r.native_type]
    assert [r.native("name").raw for r in models] == ["Contoso_OpenAI/gpt-4o", "Contoso_OpenAI/o1-mini"]
    assert [r.native("sku.capacity").raw for r in models] == [20, 5]
    assert models[0].address.startswith("[format('deploy-{0}', parameters('name'))]/")
    assert models[0].address.endswith("[0]")


def test_language_version_2_and_user_functions():
    resources = by_address(fixture("symbolic-2.0.json"))
    assert resources["aiServices"].native("name").raw == "ais-contoso"
    assert resources["hub"].native("name").raw == "hub-contoso"
    assert resources["aiServices"].native("properties.encryption.keyVaultProperties.keyVaultUri").raw == \
        Unknown("[reference('vault').vaultUri]", "resource")
    assert resources["vault"].meta["existing"] is True


def test_subscription_scope_nested_inner_scope():
    resources = by_address(fixture("subscription-scope.json"))
    account = resources["aiResources/[concat('oai-', uniqueString(resourceGroup().id))]"]
    assert account.native("properties.publicNetworkAccess").raw == "Enabled"
    assert account.native("location").raw.reason == "variable"
    assert resources["[parameters('rgName')]"].native("name").raw == "rg-ai"


def test_nesting_is_bounded():
    template = {"$schema": SCHEMA, "resources": [{"type": "A.B/leaf", "name": "leaf"}]}
    for level in range(20):
        template = {"$schema": SCHEMA, "resources": [{
            "type": "Microsoft.Resources/deployments", "name": f"d{level}",
            "properties": {"mode": "Incremental", "template": template}}]}
    parsed = evaluate(parse("t.json", json.dumps(template).encode()))
    assert 1 < len(parsed.resources) <= 10
    assert not any(r.native_type == "A.B/leaf" for r in parsed.resources)


# --- parameter files -------------------------------------------------------------------------------


def test_read_parameters_and_evaluate_with_them():
    values = read_parameters(os.path.join(FIXTURES, "openai-account.parameters.json"))
    assert values["accountName"] == "oai-contoso-prod"
    assert values["disableLocalAuth"] is True
    assert values["adminKey"] == Unknown("[parameters('adminKey')]", "variable")
    resources = fixture("openai-account.json", values).resources
    account, child, second = resources
    assert account.native("name").raw == "oai-contoso-prod"
    assert account.native("properties.publicNetworkAccess").raw == "Disabled"
    assert account.native("properties.disableLocalAuth").raw is True
    assert account.native("properties.networkAcls.defaultAction").raw == "Deny"
    assert child.native("name").raw == "oai-contoso-prod/gpt-4o"
    assert second.native("name").raw == "oai-contoso-prod/embedding"
    assert child.native("dependsOn").raw[0].raw == \
        Unknown("[resourceId('Microsoft.CognitiveServices/accounts', 'oai-contoso-prod')]", "resource")


def test_default_openai_values():
    account, child, _ = fixture("openai-account.json").resources
    assert account.native("name").raw == Unknown("[format('oai-{0}', uniqueString(resourceGroup().id))]", "expression")
    assert account.native("properties.networkAcls.defaultAction").raw == "Allow"
    assert child.native("properties.model.name").raw == "gpt-4o"
    assert child.native("sku.capacity").raw == 10


@pytest.mark.parametrize("content, words", [
    (b"{", "ends inside"),
    (b'{"parameters": []}', "expected"),
    (b'{"parameters": {"x": 1}}', "must be an object"),
    (b'{"parameters": {"x": {"other": 1}}}', "neither"),
])
def test_bad_parameter_files_raise_value_error(tmp_path, content, words):
    path = tmp_path / "p.json"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=words):
        read_parameters(str(path))
    with pytest.raises(ValueError, match="cannot read"):
        read_parameters(str(tmp_path / "missing.json"))


def test_parameter_file_strings_are_literal(tmp_path):
    path = tmp_path / "p.json"
    path.write_text('{"parameters": {"a": {"value": "[notAnExpression()]"}, "b": {"value": "[[x]"}}}')
    assert read_parameters(str(path)) == {"a": "[notAnExpression()]", "b": "[[x]"}


# --- robustness --------------------------------------------------------------------------------------


def test_evaluate_never_raises_on_odd_shapes():
    odd = {"$schema": SCHEMA, "parameters": {"p": "not an object", "q": {"type": 5}}, "variables": [1],
           "functions": {"x": 1}, "resources": [
               {"type": "A.B/c", "name": "[parameters('p')]", "copy": {"count": "[parameters('q')]"},
                "condition": "[parameters('q')]", "properties": {"copy": [{"name": 1, "input": 2}], "x": "[[" }},
               {"type": "Microsoft.Resources/deployments", "name": "d", "properties": {
                   "template": {"resources": {"sym": {"type": "A.B/c", "name": "[1]"}}},
                   "expressionEvaluationOptions": {"scope": "inner"}, "parameters": {"a": 1}}}]}
    parsed = evaluate(parse("t.json", json.dumps(odd).encode()))
    assert parsed.resources


def test_work_is_bounded():
    variables = {"v0": "x"}
    for i in range(1, 40):
        variables[f"v{i}"] = f"[concat(variables('v{i-1}'), variables('v{i-1}'))]"
    found = run("[length(variables('v39'))]", variables=variables)
    assert unknown(found)  # 2**39 characters are never built
