"""Bicep evaluation (parsers/bicep/evaluate.py, parsers/bicep/params.py): every function against
the values the Bicep function reference documents (the examples' outputs, or values worked out by
hand from its rules), operators, params precedence, secure params, vars and cycles, loops and
conditions on resources, lambdas, safe access and `??`, imports, load*Content inside the folder
only, module inputs, .bicepparam files, spans, bounds (never a hang) and bad shapes (Unknown, not
exceptions), and end to end on fixtures/bicep-eval.
"""
import os
import time

import pytest

from analyzer.model import Unknown
from parsers.bicep.evaluate import MAX_RESOURCE_INSTANCES, Template, evaluate, module_inputs
from parsers.bicep.params import bicepparam_values, read_bicepparam
from parsers.bicep.parse import parse

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "bicep-eval")
OPENAI = os.path.join(FIXTURES, "openai")


def parsed(text, path="main.bicep"):
    result = parse(path, text.encode("utf-8"))
    assert result.issues == ()
    return result


def value(expr, prelude="", parameters=None, folder=None, root=None):
    """The value of `expr` in a file with `prelude`'s declarations."""
    template = Template(parsed(prelude + "\n"), parameters, folder=folder, root=root)
    return template.evaluate_text(expr)


def resources(text, parameters=None, folder=None, root=None):
    return {r.address: r for r in evaluate(parsed(text), parameters, folder=folder, root=root).resources}


def attrs(resource):
    return {k: v.plain() for k, v in resource.attrs.items()}


def unknown(found, reason=None):
    return isinstance(found, Unknown) and (reason is None or found.reason == reason)


# --- functions, against the Bicep function reference ----------------------------------------------

DOCUMENTED = [
    # string functions (bicep-functions-string.md)
    ("base64('one, two, three')", "b25lLCB0d28sIHRocmVl"),
    ("base64ToString('b25lLCB0d28sIHRocmVl')", "one, two, three"),
    ("base64ToJson(base64('{\"one\": \"a\", \"two\": \"b\"}'))", {"one": "a", "two": "b"}),
    ("contains('OneTwoThree', 'e')", True),
    ("contains('OneTwoThree', 'z')", False),
    ("contains({ one: 'a', two: 'b' }, 'one')", True),
    ("contains({ one: 'a', two: 'b' }, 'ONE')", True),  # object keys: case-insensitive
    ("contains({ one: 'a', two: 'b' }, 'a')", False),
    ("contains(['one', 'two', 'three'], 'three')", True),
    ("contains(['one', 'two', 'three'], 'four')", False),
    ("contains('OneTwoThree', 'one')", False),  # strings: case-sensitive
    ("dataUri('Hello')", "data:text/plain;charset=utf8;base64,SGVsbG8="),
    ("dataUriToString('data:;base64,SGVsbG8sIFdvcmxkIQ==')", "Hello, World!"),
    ("empty([])", True), ("empty({})", True), ("empty('')", True), ("empty(null)", True), ("empty([1])", False),
    ("startsWith('abcdef', 'ab')", True), ("startsWith('abcdef', 'A')", True), ("startsWith('abcdef', 'e')", False),
    ("endsWith('abcdef', 'ef')", True), ("endsWith('abcdef', 'F')", True), ("endsWith('abcdef', 'e')", False),
    ("first(['one', 'two', 'three'])", "one"), ("first('One Two Three')", "O"),
    ("last(['one', 'two', 'three'])", "three"), ("last('One Two Three')", "e"),
    ("format('{0}, {1}. Formatted number: {2:N0}', 'Hello', 'User', 8175133)", "Hello, User. Formatted number: 8,175,133"),
    ("format('{0:D3}-{1,4}|{2,-3}|{{x}}', 7, 'ab', 'c')", "007-  ab|c  |{x}"),
    ("format('{0:X}', 255)", "FF"),
    ("indexOf('test', 't')", 0), ("lastIndexOf('test', 't')", 3), ("indexOf('abcdef', 'CD')", 2),
    ("lastIndexOf('abcdef', 'AB')", 0), ("indexOf('abcdef', 'z')", -1),
    ("indexOf(['a', 'b', 'b'], 'b')", 1), ("lastIndexOf(['a', 'b', 'b'], 'b')", 2), ("indexOf([1, 2], 3)", -1),
    ("join(['one', 'two', 'three'], ',')", "one,two,three"), ("join(['one', 'two', 'three'], ';')", "one;two;three"),
    ("length(['one', 'two', 'three'])", 3), ("length('One Two Three')", 13),
    ("length({ propA: 'one', propB: 'two', propC: 'three', propD: { 'propD-1': 'sub', 'propD-2': 'sub' } })", 4),
    ("padLeft('123', 10, '0')", "0000000123"), ("padLeft(42, 4)", "  42"), ("padLeft('12345', 3, '0')", "12345"),
    ("replace('123-123-1234', '-', '')", "1231231234"), ("replace('123-123-1234', '1234', 'xxxx')", "123-123-xxxx"),
    ("skip(['one', 'two', 'three'], 2)", ["three"]), ("skip('one two three', 4)", "two three"),
    ("skip('abc', -1)", "abc"), ("skip('abc', 10)", ""),
    ("split('one,two,three', ',')", ["one", "two", "three"]),
    ("split('one;two,three', [',', ';'])", ["one", "two", "three"]),
    ("split('a,,b', ',')", ["a", "", "b"]),
    ("string({ valueA: 10, valueB: 'Example Text' })", '{"valueA":10,"valueB":"Example Text"}'),
    ("string(['a', 'b', 'c'])", '["a","b","c"]'), ("string(5)", "5"), ("string('x')", "x"),
    ("substring('one two three', 4, 3)", "two"), ("substring('one two three', 4)", "two three"),
    ("take(['one', 'two', 'three'], 2)", ["one", "two"]), ("take('one two three', 2)", "on"), ("take('abc', 0)", ""),
    ("toLower('One Two Three')", "one two three"), ("toUpper('One Two Three')", "ONE TWO THREE"),
    ("trim('    one two three   ')", "one two three"),
    ("uri('http://contoso.org/firstpath', 'myscript.sh')", "http://contoso.org/myscript.sh"),
    ("uri('http://contoso.org/firstpath/', 'myscript.sh')", "http://contoso.org/firstpath/myscript.sh"),
    ("uri('http://contoso.org/firstpath/azuredeploy.json', 'myscript.sh')", "http://contoso.org/firstpath/myscript.sh"),
    ("uri('http://contoso.org/firstpath/azuredeploy.json/', 'myscript.sh')",
     "http://contoso.org/firstpath/azuredeploy.json/myscript.sh"),
    ("uri('http://contoso.com/resources/', 'nested/azuredeploy.json')", "http://contoso.com/resources/nested/azuredeploy.json"),
    ("uriComponent('http://contoso.com/resources/nested/azuredeploy.json')",
     "http%3A%2F%2Fcontoso.com%2Fresources%2Fnested%2Fazuredeploy.json"),
    ("uriComponentToString('http%3A%2F%2Fcontoso.com%2Fresources%2Fnested%2Fazuredeploy.json')",
     "http://contoso.com/resources/nested/azuredeploy.json"),
    ("concat('prefix', '-', 'x')", "prefix-x"),
    # array functions (bicep-functions-array.md)
    ("array(1)", [1]), ("array('efgh')", ["efgh"]), ("array({ a: 'b', c: 'd' })", [{"a": "b", "c": "d"}]),
    ("array([1])", [1]),
    ("concat(['1-1', '1-2', '1-3'], ['2-1', '2-2', '2-3'])", ["1-1", "1-2", "1-3", "2-1", "2-2", "2-3"]),
    ("intersection({ one: 'a', two: 'b', three: 'c' }, { one: 'a', two: 'z', three: 'c' })", {"one": "a", "three": "c"}),
    ("intersection(['one', 'two', 'three'], ['two', 'three'])", ["two", "three"]),
    ("max([0, 3, 2, 5, 4])", 5), ("max(0, 3, 2, 5, 4)", 5), ("min([0, 3, 2, 5, 4])", 0), ("min(0, 3, 2, 5, 4)", 0),
    ("range(5, 3)", [5, 6, 7]), ("range(0, 0)", []),
    ("union({ one: 'a', two: 'b', three: 'c1' }, { three: 'c2', four: 'd', five: 'e' })",
     {"one": "a", "two": "b", "three": "c2", "four": "d", "five": "e"}),
    ("union(['one', 'two', 'three'], ['three', 'four', 'two'])", ["one", "two", "three", "four"]),
    # union merges nested objects and replaces nested arrays (the deep-merge example)
    ("union({ property: { one: 'a', two: 'b', three: 'c1' }, nestedArray: [1, 2] },"
     " { property: { three: 'c2', four: 'd', five: 'e' }, nestedArray: [3, 4] })",
     {"property": {"one": "a", "two": "b", "three": "c2", "four": "d", "five": "e"}, "nestedArray": [3, 4]}),
    ("union([['one', 'two'], ['three']], [['three'], ['four', 'two']])", [["one", "two"], ["three"], ["four", "two"]]),
    ("flatten([[1, 2], [3], []])", [1, 2, 3]),
    # object functions (bicep-functions-object.md)
    ("items({ item002: { enabled: false, number: 200 }, item001: { enabled: true, number: 300 } })",
     [{"key": "item001", "value": {"enabled": True, "number": 300}},
      {"key": "item002", "value": {"enabled": False, "number": 200}}]),
    ("json('null')", None), ("json('{\"a\": \"b\"}')", {"a": "b"}), ("json('true')", True), ("json('3')", 3),
    ("json('[[1,2,3]]')", [[1, 2, 3]]), ("json(concat('{\"a\": \"', 'demo value', '\"}'))", {"a": "demo value"}),
    ("objectKeys({ a: 1, b: 2 })", ["a", "b"]),
    ("shallowMerge([{ a: 1, n: { x: 1 } }, { n: { y: 2 } }])", {"a": 1, "n": {"y": 2}}),
    ("tryGet({ a: { b: 1 } }, 'a', 'b')", 1), ("tryGet({ a: 1 }, 'b')", None),
    ("coalesce(null, null, 'x', 'y')", "x"), ("coalesce(null)", None),
    # conversions
    ("int('4')", 4), ("int(7)", 7), ("bool('true')", True), ("bool('False')", False), ("bool(1)", True), ("bool(0)", False),
    ("any('x')", "x"),
    # lambda functions (bicep-functions-lambda.md)
    ("filter(range(0, 10), i => i > 5)", [6, 7, 8, 9]),
    ("filter(range(0, 10), i => 0 == i % 2)", [0, 2, 4, 6, 8]),
    ("filter(['a', 'b', 'c'], (x, i) => i != 1)", ["a", "c"]),
    ("map(range(0, 3), i => 'n${i}')", ["n0", "n1", "n2"]),
    ("map(['x', 'y'], (v, i) => '${i}:${v}')", ["0:x", "1:y"]),
    ("reduce([5, 3, 2, 8], 0, (cur, next) => cur + next)", 18),
    ("reduce([5, 3, 2, 8], 1, (cur, next) => cur + next)", 19),
    ("reduce([{ foo: 123 }, { bar: 456 }, { baz: 789 }], {}, (cur, next) => union(cur, next))",
     {"foo": 123, "bar": 456, "baz": 789}),
    ("sort([{ n: 'Evie', age: 5 }, { n: 'Casper', age: 3 }, { n: 'Indy', age: 2 }, { n: 'Kira', age: 8 }], (a, b) => a.age < b.age)",
     [{"n": "Indy", "age": 2}, {"n": "Casper", "age": 3}, {"n": "Evie", "age": 5}, {"n": "Kira", "age": 8}]),
    ("toObject([{ name: 'Evie', age: 5 }, { name: 'Kira', age: 8 }], entry => entry.name)",
     {"Evie": {"name": "Evie", "age": 5}, "Kira": {"name": "Kira", "age": 8}}),
    ("toObject([{ name: 'Evie', p: { age: 5 } }], entry => entry.name, entry => entry.p)", {"Evie": {"age": 5}}),
    ("groupBy(['foo', 'bar', 'baz'], x => substring(x, 0, 1))", {"f": ["foo"], "b": ["bar", "baz"]}),
    ("mapValues({ foo: 'foo' }, val => toUpper(val))", {"foo": "FOO"}),
]


@pytest.mark.parametrize("expr, expected", DOCUMENTED, ids=[e for e, _ in DOCUMENTED])
def test_documented_function_values(expr, expected):
    assert value(expr) == expected


UNKNOWN_FUNCTIONS = [
    # the deployment's context
    ("resourceGroup().location", "variable"), ("resourceGroup().id", "variable"),
    ("subscription().subscriptionId", "variable"), ("tenant().tenantId", "variable"),
    ("deployment().name", "variable"), ("environment().suffixes.storage", "variable"),
    ("az.resourceGroup().location", "variable"),
    # runtime values of resources: known at deployment, never empty
    ("resourceId('Microsoft.Storage/storageAccounts', 'x')", "resource"),
    ("subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'r')", "resource"),
    ("reference('x', '2023-01-01')", "resource"),
    ("listKeys('x', '2023-01-01')", "resource"),
    ("listSecrets('x', '2023-01-01')", "resource"),
    # hashes of the scope, clocks
    ("uniqueString(resourceGroup().id)", "expression"), ("uniqueString('a')", "expression"),
    ("guid('a', 'b')", "expression"), ("utcNow()", "expression"), ("newGuid()", "expression"),
    # a function of an unknown loses the reason "resource"
    ("toLower(resourceId('a', 'b'))", "expression"),
    ("'${resourceGroup().location}-x'", "variable"),
    ("notAFunction(1)", "expression"),
]


@pytest.mark.parametrize("expr, reason", UNKNOWN_FUNCTIONS, ids=[e for e, _ in UNKNOWN_FUNCTIONS])
def test_unknowable_functions(expr, reason):
    found = value(expr)
    assert found == Unknown(expr, reason)


REJECTED = [  # ARM would reject these with these values: Unknown ("expression"), never an exception
    "substring('1234567890', 0, 11)", "{ a: 1 }.b", "[1, 2][2]", "null.a", "1 + 'a'", "'a' < 1", "!'x'",
    "1 / 0", "5 % 0", "range(0, 10001)", "concat([1], 'a')", "union([1], { a: 1 })", "int('x')", "bool('yes')",
    "replace('a', '', 'b')", "first(1)", "length(1)", "toObject(['a', 'a'], x => x)", "max([])",
    "padLeft('x', 2, 'ab')", "base64ToString('!!')", "format('{1}', 'a')", "format('{0', 'a')",
    "9223372036854775807 + 1", "[for x in { a: 1 }: x]", "filter([1], 3)", "map(1, x => x)",
    "json('{')", "loadTextContent('x.txt')",  # no folder: files are never read
]


@pytest.mark.parametrize("expr", REJECTED)
def test_rejected_or_unmodelled_expressions_are_unknown(expr):
    assert value(expr) == Unknown(expr, "expression")


# --- operators ------------------------------------------------------------------------------------

OPERATORS = [
    ("1 + 2 * 3", 7), ("(1 + 2) * 3", 9), ("7 / 2", 3), ("-7 / 2", -3), ("-7 % 3", -1), ("7 % -3", 1), ("-(3)", -3),
    ("'A' == 'a'", False), ("'A' =~ 'a'", True), ("'A' !~ 'a'", False), ("'a' != 'b'", True),
    ("[1, { a: 'x' }] == [1, { a: 'x' }]", True), ("{ a: 1 } == { a: 2 }", False), ("1 == '1'", False),
    ("2 < 3", True), ("3 <= 3", True), ("'b' > 'a'", True), ("4 >= 5", False),
    ("true && false", False), ("true || false", True), ("!true", False),
    ("true ? 'yes' : 'no'", "yes"), ("false ? 'yes' : 'no'", "no"),
    ("false ? { a: 1 }.b : 'safe'", "safe"),  # only the chosen branch is evaluated
    ("null ?? 'd'", "d"), ("'v' ?? 'd'", "v"), ("null ?? null ?? 3", 3),
    ("{ a: { b: 1 } }.?a.?b", 1), ("{ a: 1 }.?b", None), ("{ a: 1 }.?b ?? 'fallback'", "fallback"),
    ("[1, 2][?5]", None), ("[1, 2][?1]", 2), ("{ a: 1 }['a']", 1), ("{ Name: 1 }.name", 1),
    ("'a${1}b${'c'}'", "a1bc"), ("'''\nline1\n  line2'''", "line1\n  line2"), ("'it''s'", None),
    ("[1, ...[2, 3], 4]", [1, 2, 3, 4]), ("{ a: 1, ...{ b: 2, a: 3 } }", {"a": 3, "b": 2}),
    ("{ 'quoted-key': 1, '${'inter'}polated': 2 }", {"quoted-key": 1, "interpolated": 2}),
    ("[for x in ['a', 'b']: toUpper(x)]", ["A", "B"]),
    ("[for (x, i) in ['a', 'b']: '${x}${i}']", ["a0", "b1"]),
    ("[for i in range(0, 5): if (i % 2 == 0) i * 10]", [0, 20, 40]),
    ("[for item in items({ b: 2, a: 1 }): '${item.key}=${item.value}']", ["a=1", "b=2"]),
    ("[for x in []: x]", []),
    ("{ a: 1 }!.a", 1),
]


@pytest.mark.parametrize("expr, expected", [o for o in OPERATORS if o[0] != "'it''s'"],
                         ids=[e for e, _ in OPERATORS if e != "'it''s'"])
def test_operators_and_literals(expr, expected):
    assert value(expr) == expected


def test_unknown_propagates_and_known_sides_decide():
    prelude = "param p bool\nparam s string\nparam o object"
    assert value("p", prelude) == Unknown("p", "variable")
    assert value("false && p", prelude) is False
    assert value("p && false", prelude) is False
    assert value("true || p", prelude) is True
    assert value("p || true", prelude) is True
    assert value("p && true", prelude) == Unknown("p && true", "variable")
    assert value("p ? 'x' : 'x'", prelude) == "x"  # both branches agree
    assert value("p ? 'x' : 'y'", prelude) == Unknown("p ? 'x' : 'y'", "variable")
    assert value("s ?? 'd'", prelude) == Unknown("s ?? 'd'", "variable")  # s might be null
    assert value("toLower(s)", prelude) == Unknown("toLower(s)", "variable")
    assert value("length([s, s])", prelude) == 2  # elements may be unknown, the length is not
    assert value("[s, 'x'][1]", prelude) == "x"
    assert value("o.a.b", prelude) == Unknown("o.a.b", "variable")
    assert value("coalesce('x', s)", prelude) == "x"
    assert value("coalesce(s, 'x')", prelude) == Unknown("coalesce(s, 'x')", "variable")
    assert value("contains(['a', s], 'a')", prelude) is True
    assert value("contains(['b', s], 'a')", prelude) == Unknown("contains(['b', s], 'a')", "variable")
    assert value("union({ a: s }, { b: 1 })", prelude) == {"a": Unknown("s", "variable"), "b": 1}
    assert value("filter([1, 2], x => x > length(s))", prelude) == Unknown("filter([1, 2], x => x > length(s))", "variable")
    assert value("{ ...o, a: 1 }", prelude) == Unknown("{ ...o, a: 1 }", "variable")
    found = value("[for x in ['a']: { n: x, loc: resourceGroup().location }]", prelude)
    assert found == [{"n": "a", "loc": Unknown("resourceGroup().location", "variable")}]


# --- params, vars, functions --------------------------------------------------------------------


def test_params_precedence_defaults_and_secure():
    prelude = "\n".join([
        "param env string = 'dev'",
        "param name string = '${env}-app'",  # a default that uses another param
        "param location string = resourceGroup().location",
        "param nothing string",
        "param maybe string?",
        "@secure()",
        "param key string = 'hunter2'",
        "@sys.secure()",
        "param key2 string",
        "param loop string = loop",
    ])
    assert value("name", prelude) == "dev-app"
    assert value("name", prelude, {"env": "prod"}) == "prod-app"
    assert value("name", prelude, {"env": "prod", "name": "given"}) == "given"
    assert value("location", prelude) == Unknown("location", "variable")
    assert value("nothing", prelude) == Unknown("nothing", "variable")
    assert value("maybe", prelude) is None  # nullable with no value is null
    assert value("maybe ?? 'd'", prelude) == "d"
    assert value("key", prelude) == Unknown("key", "variable")  # never the default
    assert value("key", prelude, {"key": "given"}) == Unknown("key", "variable")  # never the given value
    assert value("key2", prelude, {"key2": "given"}) == Unknown("key2", "variable")
    assert value("loop", prelude) == Unknown("loop", "variable")
    assert value("nothing", prelude, {"nothing": Unknown("callerExpr", "resource")}) == Unknown("nothing", "resource")
    assert value("[nothing]", prelude, {"nothing": Unknown("callerExpr", "resource")}) == [Unknown("callerExpr", "resource")]


def test_vars_are_lazy_and_cycles_are_unknown():
    prelude = "\n".join([
        "var a = b",
        "var b = a",
        "var c = '${d}!'",
        "var d = toUpper('x')",
        "var self = [self]",
        "var deep = {",
        "  list: [for i in range(0, 3): { n: i }]",
        "}",
    ])
    assert value("a", prelude) == Unknown("a", "local")
    assert value("self", prelude) == [Unknown("self", "local")]
    assert value("c", prelude) == "X!"
    assert value("deep.list[2].n", prelude) == 2


def test_user_defined_functions_see_only_their_arguments():
    prelude = "\n".join([
        "param env string = 'dev'",
        "func name(kind string, n int) string => '${kind}-${n}'",
        "func twice(s string) string => '${name(s, 1)}${name(s, 2)}'",
        "func leaky() string => env",
        "func recurse(n int) int => recurse(n)",
    ])
    assert value("name('a', 3)", prelude) == "a-3"
    assert value("twice('b')", prelude) == "b-1b-2"
    assert unknown(value("leaky()", prelude))  # Bicep rejects a function reading a param
    assert unknown(value("recurse(1)", prelude))
    assert unknown(value("name('a')", prelude))  # wrong number of arguments


def test_lambda_closure_sees_loop_variables():
    assert value("[for p in ['a', 'b']: map([1, 2], x => '${p}${x}')]") == [["a1", "a2"], ["b1", "b2"]]
    assert value("reduce(range(1, 4), 1, (acc, n) => acc * n)") == 24  # range(start, count): 1..4
    assert unknown(value("map([1], (a, b, c) => a)"))  # more parameters than arguments


# --- resources: spans, conditions, loops ------------------------------------------------------

ACCOUNT = """\
param isPrivate bool = false
param disableLocalAuth bool
var prefix = 'aip'

resource account 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: '${prefix}-oai'
  kind: 'OpenAI'
  properties: {
    publicNetworkAccess: isPrivate ? 'Disabled' : 'Enabled'
    disableLocalAuth: disableLocalAuth
    networkAcls: {
      defaultAction: isPrivate ? 'Deny' : 'Allow'
    }
    customSubDomainName: account.name
    endpoint: account.properties.endpoint
    dropped: isPrivate ? 'x' : null
  }
}
"""


def test_values_keep_the_span_where_they_are_written():
    account = resources(ACCOUNT)["account"]
    name = account.attrs["name"]
    assert name.raw == "aip-oai" and (name.span.line, name.span.col) == (6, 9)
    assert (name.key_span.line, name.key_span.col) == (6, 3)
    access = account.native("properties.publicNetworkAccess")
    assert access.raw == "Enabled" and access.origin == "explicit"
    assert (access.span.line, access.span.col, access.span.end_col) == (9, 26, 60)
    assert (access.key_span.line, access.key_span.col) == (9, 5)
    acl = account.native("properties.networkAcls.defaultAction")
    assert acl.raw == "Allow" and (acl.span.line, acl.span.col) == (12, 22)
    local_auth = account.native("properties.disableLocalAuth")
    assert local_auth.raw == Unknown("disableLocalAuth", "variable")
    assert (local_auth.span.line, local_auth.span.col) == (10, 23)
    assert account.native("properties.customSubDomainName").raw == "aip-oai"  # a symbol's name as written
    assert account.native("properties.endpoint").raw == Unknown("account.properties.endpoint", "resource")
    assert "dropped" not in account.attrs["properties"].raw  # null: not written


def test_given_parameters_override_defaults():
    account = resources(ACCOUNT, {"isPrivate": True, "disableLocalAuth": True})["account"]
    assert account.native("properties.publicNetworkAccess").raw == "Disabled"
    assert account.native("properties.disableLocalAuth").raw is True
    assert account.native("properties.dropped").raw == "x"


def test_conditions_drop_keep_and_assume():
    text = """\
param on bool = true
param unknownFlag bool
resource a 'Microsoft.Storage/storageAccounts@2023-01-01' = if (on) {
  name: 'a'
}
resource b 'Microsoft.Storage/storageAccounts@2023-01-01' = if (!on) {
  name: 'b'
}
resource c 'Microsoft.Storage/storageAccounts@2023-01-01' = if (unknownFlag && on) {
  name: 'c'
}
resource d 'Microsoft.Storage/storageAccounts@2023-01-01' = if (unknownFlag && !on) {
  name: 'd'
}
"""
    found = resources(text)
    assert sorted(found) == ["a", "c"]
    assert "assumes" not in found["a"].meta
    assert found["c"].meta["assumes"] == (("unknownFlag && on", True),)
    assert sorted(resources(text, {"on": False})) == ["b", "d"]  # d: `unknownFlag && true`
    assert sorted(resources(text, {"on": False, "unknownFlag": True})) == ["b", "d"]


LOOPS = """\
param names array = ['a', 'b']
param many array = range(0, 40)
param unknownList array
resource perName 'Microsoft.Storage/storageAccounts@2023-01-01' = [for (n, i) in names: {
  name: 'st${n}${i}'
  properties: {
    publicNetworkAccess: n == 'a' ? 'Disabled' : 'Enabled'
  }
}]
resource same 'Microsoft.Storage/storageAccounts@2023-01-01' = [for n in names: {
  name: 'fixed'
}]
resource tooMany 'Microsoft.Storage/storageAccounts@2023-01-01' = [for n in many: {
  name: 'st${n}'
}]
resource unknownLoop 'Microsoft.Storage/storageAccounts@2023-01-01' = [for n in unknownList: {
  name: 'st${n}'
  kind: 'StorageV2'
}]
resource none 'Microsoft.Storage/storageAccounts@2023-01-01' = [for n in []: {
  name: n
}]
resource filtered 'Microsoft.Storage/storageAccounts@2023-01-01' = [for n in names: if (n != 'a') {
  name: 'f${n}'
}]
"""


def test_resource_loops():
    found = resources(LOOPS)
    assert sorted(found) == ["filtered[1]", "perName[0]", "perName[1]", "same", "tooMany", "unknownLoop"]
    assert found["perName[0]"].attrs["name"].raw == "sta0"
    assert found["perName[0]"].meta["index"] == 0
    assert found["perName[0]"].native("properties.publicNetworkAccess").raw == "Disabled"
    assert found["perName[1]"].native("properties.publicNetworkAccess").raw == "Enabled"
    assert (found["perName[1]"].attrs["name"].span.line, found["perName[1]"].attrs["name"].span.col) == (5, 9)
    assert found["same"].attrs["name"].raw == "fixed"
    assert unknown(found["tooMany"].attrs["name"].raw)  # 40 > MAX_RESOURCE_INSTANCES: one, unknown
    assert MAX_RESOURCE_INSTANCES < 40
    assert found["unknownLoop"].attrs["name"].raw == Unknown("'st${n}'", "expression")
    assert found["unknownLoop"].attrs["kind"].raw == "StorageV2"
    assert found["filtered[1]"].attrs["name"].raw == "fb"


def test_loops_with_the_same_variable_name_do_not_share_values():
    text = """\
resource a 'Microsoft.Storage/storageAccounts@2023-01-01' = [for n in ['x', 'y']: {
  name: n
}]
resource b 'Microsoft.Storage/storageAccounts@2023-01-01' = [for n in ['p', 'q']: {
  name: n
}]
"""
    found = resources(text)
    assert [found[k].attrs["name"].raw for k in ("a[0]", "a[1]", "b[0]", "b[1]")] == ["x", "y", "p", "q"]


def test_module_outputs_and_existing_resources():
    text = """\
module m './m.bicep' = {
  name: 'm'
}
resource kv 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: 'kv-prod'
}
resource r 'Microsoft.Storage/storageAccounts@2023-01-01' = {
  name: kv.name
  properties: {
    endpoint: m.outputs.endpoint
    uri: kv.properties.vaultUri
    upper: toUpper(m.outputs.endpoint)
  }
}
"""
    r = resources(text)["r"]
    assert r.attrs["name"].raw == "kv-prod"
    assert r.native("properties.endpoint").raw == Unknown("m.outputs.endpoint", "module")
    assert r.native("properties.uri").raw == Unknown("kv.properties.vaultUri", "resource")
    assert r.native("properties.upper").raw == Unknown("toUpper(m.outputs.endpoint)", "module")


def test_nested_child_and_symbol_references():
    text = """\
resource account 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: 'acct'
  resource dep 'deployments' = {
    name: 'chat'
    properties: {
      parentName: account.name
      selfType: dep.type
    }
  }
}
resource other 'Microsoft.Storage/storageAccounts@2023-01-01' = {
  name: '${account::dep.name}-x'
  properties: {
    id: account.id
    version: account.apiVersion
    keys: account.listKeys().key1
  }
}
"""
    found = resources(text)
    dep = found["account::dep"]
    assert dep.native("properties.parentName").raw == "acct"
    assert dep.native("properties.selfType").raw == "Microsoft.CognitiveServices/accounts/deployments"
    other = found["other"]
    assert other.attrs["name"].raw == "chat-x"
    assert other.native("properties.id").raw == Unknown("account.id", "resource")
    assert other.native("properties.version").raw == "2024-10-01"
    assert unknown(other.native("properties.keys").raw)


# --- files and imports ------------------------------------------------------------------------


@pytest.fixture()
def tree(tmp_path):
    (tmp_path / "repo" / "infra" / "shared").mkdir(parents=True)
    (tmp_path / "secret.txt").write_text("outside")
    infra = tmp_path / "repo" / "infra"
    (infra / "note.txt").write_text("hello\n")
    (infra / "bom.txt").write_bytes(b"\xef\xbb\xbfbom")
    (infra / "cfg.json").write_text('{"a": {"b": [10, 20]}}')
    (infra / "cfg.yaml").write_text("a:\n  b:\n    - 10\n    - 20\nflag: true\n")
    (infra / "bad.yaml").write_text("a: !Ref x\n")
    (tmp_path / "repo" / "common.json").write_text('{"shared": true}')
    (infra / "shared" / "types.bicep").write_text(
        "@export()\nvar sku = 'S0'\n@export()\nfunc n(x string) string => 'n-${x}'\nvar hidden = 1\n"
        "import { deep } from './deeper.bicep'\n@export()\nvar viaDeep = deep\n")
    (infra / "shared" / "deeper.bicep").write_text("@export()\nvar deep = 'D'\n")
    (infra / "loop1.bicep").write_text("import { b } from './loop2.bicep'\n@export()\nvar a = b\n")
    (infra / "loop2.bicep").write_text("import { a } from './loop1.bicep'\n@export()\nvar b = a\n")
    if hasattr(os, "symlink"):
        os.symlink(tmp_path / "secret.txt", infra / "link.txt")
    return tmp_path


def test_load_functions_read_inside_the_folder_only(tree):
    folder = str(tree / "repo" / "infra")
    assert value("loadTextContent('note.txt')", folder=folder) == "hello\n"
    assert value("loadTextContent('bom.txt')", folder=folder) == "bom"
    assert value("loadJsonContent('cfg.json')", folder=folder) == {"a": {"b": [10, 20]}}
    assert value("loadJsonContent('cfg.json', '$.a.b[1]')", folder=folder) == 20
    assert value("loadYamlContent('cfg.yaml')", folder=folder) == {"a": {"b": [10, 20]}, "flag": True}
    assert value("loadYamlContent('cfg.yaml', '$.a.b')", folder=folder) == [10, 20]
    assert value("loadFileAsBase64('note.txt')", folder=folder) == "aGVsbG8K"
    for outside in ("'../../secret.txt'", "'/etc/passwd'", "'link.txt'", "'missing.txt'", "'bad.yaml'"):
        function = "loadYamlContent" if "yaml" in outside else "loadTextContent"
        assert value(f"{function}({outside})", folder=folder) == Unknown(f"{function}({outside})", "expression")
    # a wider root lets `..` reach a shared file of the repository, and no further
    root = str(tree / "repo")
    assert value("loadJsonContent('../common.json')", folder=folder, root=root) == {"shared": True}
    assert unknown(value("loadTextContent('../../secret.txt')", folder=folder, root=root))


def test_imports_of_exported_symbols(tree):
    folder = str(tree / "repo" / "infra")
    prelude = "\n".join([
        "import { sku, n as named, hidden, viaDeep } from './shared/types.bicep'",
        "import * as types from './shared/types.bicep'",
        "import { x } from 'br/public:avm/utl/types:0.1.0'",
        "import { outside } from '../../elsewhere.bicep'",
        "import { a } from './loop1.bicep'",
    ])
    assert value("sku", prelude, folder=folder) == "S0"
    assert value("named('z')", prelude, folder=folder) == "n-z"
    assert value("types.sku", prelude, folder=folder) == "S0"
    assert value("types.n('q')", prelude, folder=folder) == "n-q"
    assert value("viaDeep", prelude, folder=folder) == "D"
    assert value("hidden", prelude, folder=folder) == Unknown("hidden", "local")  # not exported
    assert value("types.hidden", prelude, folder=folder) == Unknown("types.hidden", "local")
    assert value("x", prelude, folder=folder) == Unknown("x", "local")  # registry: not fetched
    assert value("outside", prelude, folder=folder) == Unknown("outside", "local")
    assert unknown(value("a", prelude, folder=folder))  # an import cycle ends
    assert value("sku", prelude) == Unknown("sku", "local")  # no folder: nothing is read


# --- module inputs ------------------------------------------------------------------------------


def test_module_inputs(tree):
    folder = str(tree / "repo" / "infra")
    (tree / "repo" / "infra" / "child.bicep").write_text("param name string\n")
    text = """\
param envs array = ['dev', 'prod']
param flag bool
module child './child.bicep' = [for e in envs: {
  name: 'child-${e}'
  params: {
    name: 'svc-${e}'
    location: resourceGroup().location
  }
}]
module single './child.bicep' = if (flag) {
  name: 'single'
  params: {
    name: 'one'
  }
}
module off './child.bicep' = if (!empty(envs) && false) {
  name: 'off'
}
module reg 'br/public:avm/res/x:1.0.0' = {
  name: 'reg'
  params: {
    name: 'r'
  }
}
module spec 'ts:00000000-0000-0000-0000-000000000000/rg/spec:1.0' = {
  name: 'spec'
}
module missing './nowhere.bicep' = {
  name: 'missing'
}
module outside '../../x.bicep' = {
  name: 'outside'
}
module whole './child.bicep' = {
  name: 'whole'
  params: union({ name: 'w' }, {})
}
"""
    found = {m.address: m for m in module_inputs(parsed(text), None, folder=folder)}
    assert sorted(found) == ["child[0]", "child[1]", "missing", "outside", "reg", "single", "spec", "whole"]
    dev = found["child[0]"]
    assert (dev.name, dev.kind, dev.source) == ("child", "local", "./child.bicep")
    assert dev.path == os.path.realpath(os.path.join(folder, "child.bicep"))
    assert dev.params == {"name": "svc-dev", "location": Unknown("resourceGroup().location", "variable")}
    span, key_span = dev.spans["name"]
    assert (span.line, span.col, key_span.line, key_span.col) == (6, 11, 6, 5)
    assert dev.meta == {"index": 0, "symbol": "child"}
    assert found["child[1]"].params["name"] == "svc-prod"
    assert found["single"].meta["assumes"] == (("flag", True),)
    assert (found["reg"].kind, found["reg"].path) == ("registry", None)
    assert found["spec"].kind == "template-spec"
    assert found["missing"].kind == "unresolved" and found["outside"].kind == "unresolved"
    assert found["whole"].params == {"name": "w"}


# --- .bicepparam ------------------------------------------------------------------------------


def test_bicepparam_values(tmp_path):
    path = tmp_path / "main.bicepparam"
    path.write_text("""\
using './main.bicep'

// a comment
param env = 'prod'
param name = '${env}-app'
param list = [
  'a'
  toUpper('b')
]
param settings = {
  nested: {
    on: true
  }
}
var suffix = 'x'
param withVar = 'v-${suffix}'
param fromEnv = readEnvironmentVariable('HOME')
param secret = az.getSecret('sub', 'rg', 'kv', 'name')
""")
    using, values = read_bicepparam(str(path))
    assert using == "./main.bicep"
    assert values == {
        "env": "prod", "name": "prod-app", "list": ["a", "B"], "settings": {"nested": {"on": True}},
        "withVar": "v-x", "fromEnv": Unknown("readEnvironmentVariable('HOME')", "variable"),
        "secret": Unknown("az.getSecret('sub', 'rg', 'kv', 'name')", "variable"),
    }


def test_bicepparam_bad_input_never_raises(tmp_path):
    assert read_bicepparam(str(tmp_path / "absent.bicepparam")) == (None, {})
    using, values = bicepparam_values("x.bicepparam", b"using none\nparam ok = 1\nparam broken = {\nparam after = 2\n")
    assert using is None
    assert values["ok"] == 1
    assert unknown(values["broken"])  # declared but unreadable: not absent
    assert values["after"] == 2
    assert bicepparam_values("x.bicepparam", b"\xff\xfe garbage ((( '")[0] is None


def test_bicepparam_overrides_template_defaults():
    using, values = read_bicepparam(os.path.join(OPENAI, "main.bicepparam"))
    assert using == "./main.bicep"
    main = parse("fixtures/bicep-eval/openai/main.bicep", open(os.path.join(OPENAI, "main.bicep"), "rb").read())
    default = {r.address: r for r in evaluate(main, None, folder=OPENAI).resources}
    prod = {r.address: r for r in evaluate(main, values, folder=OPENAI).resources}
    assert default["account"].native("properties.publicNetworkAccess").raw == "Enabled"
    assert prod["account"].native("properties.publicNetworkAccess").raw == "Disabled"


# --- bounds and bad shapes ----------------------------------------------------------------------

BOMBS = [
    "[for x in range(0, 10000): [for y in range(0, 10000): y]]",
    "map(range(0, 10000), i => map(range(0, 10000), j => j))",
    "reduce(range(0, 100), 'ab', (c, n) => '${c}${c}')",
    "reduce(range(0, 100), [1], (c, n) => concat(c, c))",
    "padLeft('', 100000000, 'a')",
    "'${padLeft('', 1000000, 'a')}${padLeft('', 1000000, 'a')}'",
    "[" * 300 + "1" + "]" * 300,
    "(" * 300 + "1" + ")" * 300,
    "1" + " + 1" * 3000,
]


@pytest.mark.parametrize("expr", BOMBS, ids=range(len(BOMBS)))
def test_bounded_never_hangs(expr):
    started = time.monotonic()
    assert unknown(value(expr))
    assert time.monotonic() - started < 5


def test_deep_var_chains_are_bounded():
    prelude = "\n".join(f"var v{i} = v{i + 1}" for i in range(300)) + "\nvar v300 = 'end'"
    started = time.monotonic()
    found = value("v0", prelude)
    assert found == "end" or unknown(found)
    assert time.monotonic() - started < 5


def test_bad_shapes_are_unknown_not_exceptions():
    from analyzer.model import ParsedFile, Resource, Span, Value

    span = Span("x.bicep", 0, 1, 1, 1, 1, 2)
    weird = Resource("", "Microsoft.X/y", "bicep", "r", span,
                     {"a": Value(Unknown("((", "expression"), span), "b": Value(Unknown("", "local"), span)},
                     meta={"loop": {"item": 3, "iterable": None}, "condition": 5, "symbol": None})
    blocks = {"param": {"p": Resource("", "param", "bicep", "p", span, {"default": Value(Unknown("p", "variable"), span)},
                                      meta={"decorators": None})},
              "func": {"f": Resource("", "func", "bicep", "f", span, {"params": Value(3, span)})},
              "import": {"i": Resource("", "import", "bicep", "i", span, {"from": Value(None, span)})}}
    result = evaluate(ParsedFile("x.bicep", "bicep", (weird,), blocks=blocks), {"p": object()})
    assert [r.address for r in result.resources] == ["r"]
    assert result.resources[0].attrs["a"].raw == Unknown("((", "expression")
    assert module_inputs(ParsedFile("x.bicep", "bicep", blocks={"module": {"m": weird}})) is not None
    t = Template(ParsedFile("x.bicep", "bicep", blocks=blocks))
    assert unknown(t.evaluate_text("f(1)")) and unknown(t.evaluate_text("i"))


# --- end to end on the fixture ------------------------------------------------------------------


def _fixture():
    path = "fixtures/bicep-eval/openai/main.bicep"
    with open(os.path.join(OPENAI, "main.bicep"), "rb") as handle:
        return parse(path, handle.read())


def test_fixture_with_defaults():
    main = _fixture()
    assert main.issues == ()
    found = {r.address: r for r in evaluate(main, None, folder=OPENAI).resources}
    # isPrivate defaults to false: no private endpoint; logAnalyticsId is '': no diagnostics
    assert sorted(found) == ["account", "keyVaultSecret", "modelDeployments[0]", "modelDeployments[1]"]
    account = found["account"]
    assert attrs(account) == {
        "name": "aip-oai-dev",
        "location": Unknown("location", "variable"),
        "kind": "OpenAI",
        "tags": {"workload": "genai", "environment": "dev"},
        "sku": {"name": "S0"},
        "properties": {
            "customSubDomainName": "aip-oai-dev",
            "publicNetworkAccess": "Enabled",
            "disableLocalAuth": Unknown("disableLocalAuth", "variable"),
            "networkAcls": {"defaultAction": "Deny", "ipRules": [{"value": "203.0.113.0/24"}]},
            "restrictOutboundNetworkAccess": True,
        },
    }
    access = account.native("properties.publicNetworkAccess")
    assert (access.span.line, access.span.col) == (51, 26)
    rules = account.native("properties.networkAcls.ipRules")
    assert (rules.span.line, rules.span.col) == (55, 16)  # data from a file: the span of the call site
    chat = found["modelDeployments[0]"]
    assert attrs(chat)["properties"] == {"model": {"format": "OpenAI", "name": "gpt-4o", "version": "2024-08-06"},
                                          "raiPolicyName": "Microsoft.DefaultV2"}
    assert chat.attrs["parent"].raw == Unknown("account", "resource")
    assert found["modelDeployments[1]"].native("sku.capacity").raw == 5
    secret = found["keyVaultSecret"]
    assert secret.native("properties.value").raw == Unknown("adminApiKey", "variable")  # @secure()
    assert secret.native("properties.contentType").raw == "You are a careful assistant.\n"


def test_fixture_with_bicepparam():
    main = _fixture()
    _, values = read_bicepparam(os.path.join(OPENAI, "main.bicepparam"))
    found = {r.address: r for r in evaluate(main, values, folder=OPENAI).resources}
    assert sorted(found) == ["account", "diagnostics", "endpoint", "keyVaultSecret", "modelDeployments[0]",
                             "modelDeployments[1]"]
    account = found["account"]
    assert account.attrs["name"].raw == "aip-oai-prod"
    assert account.native("properties.publicNetworkAccess").raw == "Disabled"
    assert account.native("properties.disableLocalAuth").raw is True
    assert attrs(account)["tags"] == {"workload": "genai", "environment": "prod", "owner": "ml-platform"}
    assert found["endpoint"].attrs["name"].raw == "aip-oai-prod-pe"
    assert found["endpoint"].native("properties.privateLinkServiceConnections.properties.privateLinkServiceId").raw \
        == Unknown("account.id", "resource")
    # logAnalyticsId comes from the environment: the diagnostics are judged as if deployed
    assert found["diagnostics"].meta["assumes"] == (("!empty(logAnalyticsId)", True),)
    calls = {m.address: m for m in module_inputs(main, values, folder=OPENAI)}
    assert sorted(calls) == ["registry", "search[0]", "search[1]"]
    assert calls["search[0]"].params == {"name": "aip-search-prod", "location": Unknown("location", "variable"),
                                         "publicNetworkAccess": "disabled", "localAuth": False}
    assert calls["search[1]"].params["publicNetworkAccess"] == "enabled"
    assert calls["registry"].kind == "registry" and calls["registry"].params == {"name": "aip-oai-prod-avm",
                                                                                  "kind": "OpenAI"}
    # the lead's next step: the called file with the caller's arguments
    child_path = calls["search[0]"].path
    child = parse("fixtures/bicep-eval/openai/modules/search.bicep", open(child_path, "rb").read())
    search = evaluate(child, calls["search[0]"].params, folder=os.path.dirname(child_path)).resources[0]
    assert search.native("properties.publicNetworkAccess").raw == "disabled"
    assert search.native("properties.disableLocalAuth").raw is True
    assert search.attrs["location"].raw == Unknown("location", "variable")
