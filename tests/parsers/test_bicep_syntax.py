"""The Bicep parser's AST: expressions (precedence, postfix forms, lambdas, loops), types and
declarations, every node with exact byte spans."""
from parsers.bicep import syntax as S
from parsers.bicep.syntax import parse_expression, parse_syntax


def expr(text: str) -> S.Node:
    node, issues = parse_expression(text)
    assert issues == [], issues
    return node


def src(text: str, node: S.Node) -> str:
    return text.encode()[node.start:node.end].decode()


def test_precedence_follows_the_operator_table():
    node = expr("a ?? b || c && d == e < f + g * h")
    assert isinstance(node, S.Binary) and node.op == "??"
    right = node.right
    assert right.op == "||" and right.right.op == "&&" and right.right.right.op == "=="
    assert right.right.right.right.op == "<" and right.right.right.right.right.op == "+"
    assert right.right.right.right.right.right.op == "*"
    # left associative
    node = expr("1 - 2 - 3")
    assert node.op == "-" and node.left.op == "-" and node.right.value == 3
    # the ternary is right associative and lowest
    node = expr("a ? b : c ? d : e")
    assert isinstance(node, S.Ternary) and isinstance(node.otherwise, S.Ternary)
    node = expr("!a && -b == +c")
    assert node.op == "&&" and isinstance(node.left, S.Unary) and node.left.op == "!"


def test_postfix_forms():
    text = "acct.properties.?endpoint[?0]!.x::y"
    node = expr(text)
    assert isinstance(node, S.Member) and node.nested and node.name == "y"
    assert isinstance(node.obj, S.Member) and node.obj.name == "x"
    non_null = node.obj.obj
    assert isinstance(non_null, S.NonNull)
    index = non_null.expr
    assert isinstance(index, S.Index) and index.safe and index.index.value == 0
    member = index.obj
    assert member.safe and member.name == "endpoint" and src(text, member) == "acct.properties.?endpoint"
    assert text[member.name_start:member.end] == "endpoint"


def test_calls_with_namespaces_and_on_resources():
    node = expr("az.resourceGroup().location")
    call = node.obj
    assert isinstance(call, S.Call) and call.name == "resourceGroup" and call.namespace == "az"
    node = expr("sys.concat('a', 'b')")
    assert node.namespace == "sys" and [a.value for a in node.args] == ["a", "b"]
    node = expr("storage.listKeys().keys[0].value")
    call = node.obj.obj.obj
    assert call.name == "listKeys" and isinstance(call.target, S.Identifier) and call.target.name == "storage"
    node = expr("a.b.listKeys()")
    assert node.namespace is None and isinstance(node.target, S.Member)


def test_multiline_call_arguments_and_continuation_lines():
    node = expr("union(\n  a,\n  {\n    b: 1\n  }\n)")
    assert isinstance(node, S.Call) and len(node.args) == 2
    node = expr("!empty(x)\n  ? 'a'\n  : 'b'")
    assert isinstance(node, S.Ternary)
    node = expr("a\n  && b\n  || c ?? d")
    assert node.op == "??" and node.left.op == "||"


def test_lambdas():
    node = expr("map(xs, x => x.name)")
    lam = node.args[1]
    assert isinstance(lam, S.Lambda) and [p.name for p in lam.params] == ["x"]
    node = expr("reduce(xs, 0, (cur, next) => cur + next)")
    lam = node.args[2]
    assert [p.name for p in lam.params] == ["cur", "next"] and lam.body.op == "+"
    assert isinstance(expr("() => 1"), S.Lambda)
    # a parenthesized expression is not a lambda
    assert isinstance(expr("(a + b) * 2").left, S.Parenthesized)


def test_strings_objects_arrays():
    text = "'${a}-${b.c}x'"
    node = expr(text)
    assert isinstance(node, S.Interpolated)
    assert node.parts[0] == "" and node.parts[2] == "-" and node.parts[4] == "x"
    assert src(text, node.parts[3]) == "b.c"
    node = expr("{ a: 1, 'b-c': [1, 2], ...rest }")
    assert [p.name for p in node.properties if isinstance(p, S.Property)] == ["a", "b-c"]
    assert isinstance(node.properties[2], S.Spread)
    node = expr("{\n  a: 1\n  b: {\n  }\n}")
    assert len(node.properties) == 2
    node = expr("[\n  1\n  -2\n  'x', 'y'\n  ...more\n]")
    assert len(node.items) == 5 and isinstance(node.items[1], S.Unary) and isinstance(node.items[4], S.Spread)
    assert expr("'''\nx'''").value == "x" and expr("'''\nx'''").multiline


def test_for_expressions():
    node = expr("[for (x, i) in range(0, 3): if (i > 0) {\n  n: x\n}]")
    assert isinstance(node, S.ForExpr)
    assert node.item.name == "x" and node.index.name == "i"
    assert isinstance(node.iterable, S.Call) and node.condition is not None
    assert isinstance(node.body, S.Object)
    node = expr("[for item in items(tags): '${item.key}']")
    assert node.index is None and isinstance(node.body, S.Interpolated)


def test_declarations_and_spans():
    text = """targetScope = 'subscription'
metadata info = 'x'
@description('d')
@secure()
param key string
param n int? = null
var v = 1
var typed string = 'x'
type t = { @description('n') name: string, *: int }
func f(a string, b int) string => '${a}${b}'
import { a, b as c } from './x.bicep'
import * as ns from 'br/public:avm/utl/types/avm-common-types:0.5.1'
extension microsoftGraphV1
provider 'br:x/y@1.0.0' with {
  a: 1
} as k8s
resource r 'Microsoft.X/y@2024-01-01' existing = {
  name: 'r'
}
module m 'br:contoso.azurecr.io/m:1' = if (true) {
  name: 'm'
}
output o string = r.id
assert check = true
"""
    program, issues = parse_syntax(text.encode())
    assert issues == []
    decls = program.declarations
    assert [type(d).__name__ for d in decls] == [
        "TargetScope", "Metadata", "Param", "Param", "Var", "Var", "TypeDecl", "Func", "Import", "Import",
        "Extension", "Extension", "ResourceDecl", "Module", "Output", "Assert"]
    key = decls[2]
    assert [d.name for d in key.decorators] == ["description", "secure"]
    assert src(text, key) == "@description('d')\n@secure()\nparam key string"
    assert src(text, key)[key.keyword_start - key.start:].startswith("param key")
    assert isinstance(decls[3].type, S.NullableType) and decls[3].default.value is None
    assert src(text, decls[5].type) == "string"
    type_obj = decls[6].type
    assert isinstance(type_obj, S.Object) and type_obj.properties[1].key.name == "*"
    assert type_obj.properties[0].decorators[0].name == "description"
    func = decls[7]
    assert [p.name.name for p in func.params] == ["a", "b"] and src(text, func.return_type) == "string"
    imp = decls[8]
    assert [(i.name.name, i.alias.name if i.alias else None) for i in imp.items] == [("a", None), ("b", "c")]
    assert decls[9].wildcard.name == "ns" and decls[9].source.value.startswith("br/public:")
    assert decls[10].spec.name == "microsoftGraphV1"
    assert decls[11].keyword == "provider" and decls[11].alias.name == "k8s"
    res = decls[12]
    assert res.existing and res.type.value == "Microsoft.X/y@2024-01-01" and isinstance(res.body, S.Object)
    assert text[res.equals - 1] == "="
    assert isinstance(decls[13].body, S.IfExpr)


def test_types():
    text = """type a = 'x' | 'y' | null
type b = (string | int)[]
type c = resourceInput<'Microsoft.Storage/storageAccounts@2023-05-01'>.properties
type d = [string, int]
type e = -1 | 1
type f = {
  name: string?
  tags: { *: string }?
}[]
type g = ns.shared
param r resource 'Microsoft.Storage/storageAccounts@2023-05-01'
type h =
  | 'a'
  | 'b'
"""
    program, issues = parse_syntax(text.encode())
    assert issues == []
    types = [d.type for d in program.declarations]
    assert isinstance(types[0], S.UnionType) and len(types[0].members) == 3
    assert isinstance(types[1], S.ArrayType) and isinstance(types[1].item, S.Parenthesized)
    assert isinstance(types[2], S.Member) and isinstance(types[2].obj, S.Generic)
    assert types[2].obj.args[0].value == "Microsoft.Storage/storageAccounts@2023-05-01"
    assert isinstance(types[3], S.Array) and len(types[3].items) == 2
    assert isinstance(types[4].members[0], S.Unary)
    assert isinstance(types[5], S.ArrayType) and isinstance(types[5].item.properties[0].value, S.NullableType)
    assert isinstance(types[6], S.Member)
    assert isinstance(types[7], S.ResourceType)
    assert isinstance(types[8], S.UnionType) and len(types[8].members) == 2


def test_nested_resources_only_in_resource_bodies():
    text = """resource a 'Microsoft.X/y@1' = {
  name: 'a'
  resource b 'z' = [for i in range(0, 2): {
    name: '${i}'
    resource c 'w' = {
      name: 'c'
    }
  }]
  properties: {
    resource: 'a property named resource'
  }
}
"""
    program, issues = parse_syntax(text.encode())
    assert issues == []
    a = program.declarations[0]
    assert [r.name.name for r in a.body.resources] == ["b"]
    b = a.body.resources[0]
    assert isinstance(b.body, S.ForExpr) and [r.name.name for r in b.body.body.resources] == ["c"]
    assert a.body.properties[1].value.properties[0].key.name == "resource"


def test_parse_expression_reports_trailing_input():
    node, issues = parse_expression("a b")
    assert node is None and "end of the expression" in issues[0][2]
    node, issues = parse_expression("")
    assert node is None and issues
