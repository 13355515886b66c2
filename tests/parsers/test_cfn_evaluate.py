"""CloudFormation evaluation (parsers/cloudformation/evaluate.py): parameters, pseudo parameters,
mappings, every intrinsic function, conditions (decided, undecidable: one copy per outcome,
dropped resources), AWS::NoValue, transforms, cycles and bad shapes, spans, parameter files.

Templates are read by `template()` below: PyYAML's composer with marks, short forms turned into
the long form the parser contract promises, so values and (line, col) positions are real. The
end-to-end tests at the bottom run the real parser (parsers.cloudformation.parse) when present.
"""
import importlib.util
import json
import os

import pytest
import yaml

from analyzer.model import ParsedFile, Resource, Span, Unknown, Value
from parsers.cloudformation.evaluate import evaluate, read_parameters

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "cloudformation-eval")

_TAGS = {"!Ref": "Ref", "!Condition": "Condition"}
_DEFAULT_TAG = {yaml.ScalarNode: "tag:yaml.org,2002:str", yaml.SequenceNode: "tag:yaml.org,2002:seq",
                yaml.MappingNode: "tag:yaml.org,2002:map"}


def _span(node) -> Span:
    s, e = node.start_mark, node.end_mark
    return Span("t.yaml", s.index, e.index, s.line + 1, s.column + 1, e.line + 1, e.column + 1)


def _build(node) -> Value:
    span = _span(node)
    if node.tag.startswith("!"):
        key = _TAGS.get(node.tag, "Fn::" + node.tag[1:])
        node.tag = _DEFAULT_TAG[type(node)]
        arg = _build(node)
        if key == "Fn::GetAtt" and isinstance(arg.raw, str):
            arg = Value([Value(part, span) for part in arg.raw.split(".", 1)], span)
        return Value({key: arg}, span)
    if isinstance(node, yaml.MappingNode):
        return Value({yaml.SafeLoader("").construct_object(k): Value(_build(v).raw, _span(v), key_span=_span(k))
                      for k, v in node.value}, span)
    if isinstance(node, yaml.SequenceNode):
        return Value([_build(item) for item in node.value], span)
    return Value(yaml.SafeLoader("").construct_object(node), span)


def template(text: str) -> ParsedFile:
    """YAML template text -> the ParsedFile the parser contract describes."""
    top = _build(yaml.compose(text)).raw

    def section(name):
        return top[name].raw if name in top else {}

    resources = []
    for logical, body in section("Resources").items():
        props = body.raw.get("Properties")
        meta = {"condition": body.raw["Condition"].raw} if "Condition" in body.raw else {}
        resources.append(Resource("", body.raw["Type"].raw, "cloudformation", logical, body.span,
                                  props.raw if props else {}, meta=meta))

    def record(name, attrs, span):
        return Resource("", "", "cloudformation", name, span, attrs)

    blocks = {
        "Parameters": {n: record(n, v.raw, v.span) for n, v in section("Parameters").items()},
        "Mappings": {n: record(n, v.raw, v.span) for n, v in section("Mappings").items()},
        "Conditions": {n: record(n, {"Condition": v}, v.span) for n, v in section("Conditions").items()},
        "Template": {"": record("", {k: v for k, v in top.items() if k in (
            "AWSTemplateFormatVersion", "Transform", "Description")}, Span("t.yaml", 0, 0, 1, 1, 1, 1))},
    }
    return ParsedFile("t.yaml", "cloudformation", tuple(resources), (), blocks)


def real_parser(text: str) -> ParsedFile:
    from parsers.cloudformation.parse import parse
    parsed = parse("t.yaml", text.encode())
    assert not parsed.issues, parsed.issues
    return parsed


LOADERS = {"helper": template}
if importlib.util.find_spec("parsers.cloudformation.parse") is not None:
    LOADERS["parser"] = real_parser
_loader = [template]


# Tests that read no template text, or read the fixtures with the real parser themselves, run once.
_ONCE = ("test_read_parameters", "test_fixture_", "test_random_", "test_parser_unknowns", "test_blocks_missing")


def pytest_generate_tests(metafunc):
    """Every other test runs on the helper's ParsedFile and on the real parser's."""
    if not metafunc.function.__name__.startswith(_ONCE):
        metafunc.parametrize("loader", sorted(LOADERS), indirect=True)


@pytest.fixture(autouse=True)
def loader(request):
    name = getattr(request, "param", "helper")
    _loader[0] = LOADERS[name]
    yield name
    _loader[0] = template


def run(text: str, parameters=None) -> ParsedFile:
    return evaluate(_loader[0](text), parameters)


def prop(text: str, name: str = "P", parameters=None, prelude: str = "") -> Value | None:
    """The evaluated property `name` of resource R in a template made of `prelude` and R."""
    parsed = run(prelude + "Resources:\n  R:\n    Type: AWS::S3::Bucket\n    Properties:\n" + text, parameters)
    (resource,) = parsed.resources
    return resource.attrs.get(name)


def at(value: Value) -> tuple[int, int]:
    return value.span.line, value.span.col


def unknown(value: Value, expr: str | None = None, reason: str | None = None) -> bool:
    raw = value.raw
    return (isinstance(raw, Unknown) and value.origin == "unresolved"
            and (expr is None or raw.expr == expr) and (reason is None or raw.reason == reason))


def by_address(parsed: ParsedFile) -> dict:
    found = {}
    for r in parsed.resources:
        found.setdefault(r.address, []).append(r)
    return found


PARAMS = """\
Parameters:
  Env:
    Type: String
    Default: prod
  Open:
    Type: String
  Count:
    Type: Number
    Default: 3
  Flag:
    Type: String
    Default: true
  Subnets:
    Type: CommaDelimitedList
    Default: "subnet-1, subnet-2,subnet-3"
  Ids:
    Type: List<AWS::EC2::Subnet::Id>
    Default: a,b
  Secret:
    Type: String
    NoEcho: true
    Default: hunter2
  Ami:
    Type: AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>
    Default: /aws/service/ami
"""


# --- parameters --------------------------------------------------------------------------------


@pytest.mark.parametrize("written, expected", [
    ("!Ref Env", "prod"),
    ("!Ref Count", "3"),  # Ref gives a string, also for Number parameters
    ("!Ref Flag", "true"),
    ("!Ref Subnets", ["subnet-1", "subnet-2", "subnet-3"]),  # split on commas, members trimmed
    ("!Ref Ids", ["a", "b"]),
])
def test_parameter_values(written, expected):
    value = prop(f"      P: {written}\n", prelude=PARAMS)
    assert value.plain() == expected
    assert value.origin == "explicit"
    assert at(value) == (30, 10)  # the Ref in the resource, not the parameter's default
    assert value.key_span.line == 30 and value.key_span.col == 7


@pytest.mark.parametrize("written, expr", [
    ("!Ref Open", "!Ref Open"),  # no default, no value given
    ("!Ref Secret", "!Ref Secret"),  # NoEcho: never judged, so never printed
    ("!Ref Ami", "!Ref Ami"),  # an SSM parameter's value is read at deployment
])
def test_parameters_without_a_usable_value_are_unknown(written, expr):
    value = prop(f"      P: {written}\n", prelude=PARAMS)
    assert unknown(value, expr, "variable")
    assert at(value) == (30, 10)


def test_given_parameters_override_defaults():
    given = {"Env": "dev", "Open": "yes", "Subnets": "x,y", "Ids": ["p", "q"], "Count": 5, "Secret": "s"}
    body = "      A: !Ref Env\n      B: !Ref Open\n      C: !Ref Subnets\n      D: !Ref Ids\n      E: !Ref Count\n" \
           "      F: !Ref Secret\n"
    parsed = run(PARAMS + "Resources:\n  R:\n    Type: T\n    Properties:\n" + body, given)
    attrs = parsed.resources[0].attrs
    assert [attrs[k].plain() for k in "ABCDE"] == ["dev", "yes", ["x", "y"], ["p", "q"], "5"]
    assert unknown(attrs["F"], "!Ref Secret", "variable")  # NoEcho stays unknown even when given


def test_given_unknown_parameter_value():
    value = prop("      P: !Ref Env\n", prelude=PARAMS, parameters={"Env": Unknown("!Ref Env", "variable")})
    assert unknown(value, "!Ref Env", "variable")


@pytest.mark.parametrize("name", ["AWS::Region", "AWS::AccountId", "AWS::StackName", "AWS::StackId",
                                  "AWS::URLSuffix", "AWS::NotificationARNs", "AWS::Partition"])
def test_pseudo_parameters_are_unknown(name):
    value = prop(f"      P: !Ref {name}\n")
    assert unknown(value, f"!Ref {name}", "variable")
    assert at(value) == (5, 10)


def test_novalue_removes_the_property_and_list_elements():
    parsed = run("Resources:\n  R:\n    Type: T\n    Properties:\n      P: !Ref AWS::NoValue\n"
                 "      L: [a, !Ref AWS::NoValue, b]\n      M:\n        K: !Ref AWS::NoValue\n        J: 1\n")
    attrs = parsed.resources[0].attrs
    assert "P" not in attrs
    assert attrs["L"].plain() == ["a", "b"]
    assert attrs["M"].plain() == {"J": 1}
    assert at(attrs["L"].raw[1]) == (6, 33)  # the remaining elements keep their spans


# --- references --------------------------------------------------------------------------------

RESOURCES = """\
Resources:
  Role:
    Type: AWS::IAM::Role
  R:
    Type: AWS::SageMaker::NotebookInstance
    Properties:
"""


def res_prop(text: str, name: str = "P", parameters=None, prelude: str = "") -> Value:
    parsed = run(prelude + RESOURCES + text, parameters)
    return next(r for r in parsed.resources if r.address == "R").attrs.get(name)


@pytest.mark.parametrize("written, expr, reason", [
    ("!Ref Role", "!Ref Role", "resource"),
    ("!GetAtt Role.Arn", "!GetAtt Role.Arn", "resource"),
    ("!GetAtt [Role, Arn]", "!GetAtt Role.Arn", "resource"),
    ('{"Fn::GetAtt": [Role, Endpoint.Address]}', "!GetAtt Role.Endpoint.Address", "resource"),
    ("!GetAtt Role.Outputs.Arn", "!GetAtt Role.Outputs.Arn", "resource"),
    ("!Ref Nothing", "!Ref Nothing", "expression"),  # CloudFormation rejects a Ref to nothing
    ("!GetAtt Nothing.Arn", "!GetAtt Nothing.Arn", "expression"),
    ("!GetAtt [Role, !Ref Attr]", "!GetAtt Role.Arn", "resource"),  # the attribute name from a parameter
    ("!GetAtt [Role, !Ref Open]", "!GetAtt [Role, !Ref Open]", "resource"),
    ("!GetAtt Role", "!GetAtt [Role]", "expression"),
    ("!GetAtt [Role, '']", "!GetAtt [Role, \"\"]", "expression"),
    ("!GetAtt [Role, x, y]", "!GetAtt [Role, x, y]", "expression"),
    ("!Ref [Role]", "!Ref [Role]", "expression"),
    ("!GetAtt [[Role], Arn]", "!GetAtt [[Role], Arn]", "expression"),
    ("!GetAtt [{a: b}, Arn]", "!GetAtt [{a: b}, Arn]", "expression"),
])
def test_references(written, expr, reason):
    value = res_prop(f"      P: {written}\n", prelude="Parameters:\n  Attr: {Type: String, Default: Arn}\n"
                     "  Open: {Type: String}\n")
    assert unknown(value, expr, reason), value.raw
    assert at(value) == (10, 10)


# --- Fn::Sub -----------------------------------------------------------------------------------


@pytest.mark.parametrize("written, expected", [
    ("!Sub 'name-${Env}'", "name-prod"),
    ("!Sub 'a-${ Env }'", "a-prod"),
    ("!Sub '${!Literal}-${Env}'", "${Literal}-prod"),
    ("!Sub 'plain'", "plain"),
    ("!Sub ['${A}-${Env}', {A: x}]", "x-prod"),
    ("!Sub ['${A}', {A: !Ref Env}]", "prod"),
    ("!Sub ['${A}', {A: !Join ['-', [a, b]]}]", "a-b"),
    ("!Sub '${Count}'", "3"),
    ("!Sub '$notvar {x}'", "$notvar {x}"),
])
def test_sub_known(written, expected):
    value = prop(f"      P: {written}\n", prelude=PARAMS)
    assert value.plain() == expected
    assert at(value) == (30, 10)


@pytest.mark.parametrize("written, expr, reason", [
    # resource values and pseudo parameters: a string known at deployment, never empty
    ("!Sub 'arn:${AWS::Partition}:s3:::${Bucket}/*'", "!Sub arn:${AWS::Partition}:s3:::${Bucket}/*", "resource"),
    ("!Sub '${Bucket.Arn}'", "!Sub ${Bucket.Arn}", "resource"),
    ("!Sub '${AWS::Region}-${Env}'", "!Sub ${AWS::Region}-${Env}", "resource"),
    ("!Sub 'x-${Open}-${Bucket}'", "!Sub x-${Open}-${Bucket}", "variable"),
    ("!Sub 'x-${Secret}'", "!Sub x-${Secret}", "variable"),
    ("!Sub '${Missing}'", "!Sub ${Missing}", "expression"),
    ("!Sub '${Subnets}'", "!Sub ${Subnets}", "expression"),  # a list cannot be substituted
    ("!Sub '${AWS::NoValue}'", "!Sub ${AWS::NoValue}", "expression"),
    ("!Sub ['${A}', {A: !ImportValue Shared}]", "!Sub [${A}, {A: !ImportValue Shared}]", "import"),
    ("!Sub [a, b, c]", "!Sub [a, b, c]", "expression"),
    ("!Sub [a, [b]]", "!Sub [a, [b]]", "expression"),
    ("!Sub {a: b}", "!Sub {a: b}", "expression"),
])
def test_sub_unknown(written, expr, reason):
    parsed = run(PARAMS + "Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n  R:\n    Type: T\n"
                 f"    Properties:\n      P: {written}\n")
    value = by_address(parsed)["R"][0].attrs["P"]
    assert unknown(value, expr, reason), value.raw
    assert at(value) == (32, 10)


# --- Fn::Join, Select, Split, Base64, Length, ToJsonString, Cidr, GetAZs, ImportValue --------


@pytest.mark.parametrize("written, expected", [
    ("!Join ['-', [a, b, c]]", "a-b-c"),
    ("!Join ['', [a, !Ref Env, 1, true]]", "aprod1true"),
    ("!Join [',', !Ref Subnets]", "subnet-1,subnet-2,subnet-3"),
    ("!Join [',', []]", ""),
    ("!Join ['-', [a, !Ref AWS::NoValue, b]]", "a-b"),
    ("!Split ['|', 'a|b||c']", ["a", "b", "", "c"]),
    ("!Split [',', !Ref Env]", ["prod"]),
    ("!Base64 'hello'", "aGVsbG8="),
    ("!Base64 {'Fn::Sub': '${Env}'}", "cHJvZA=="),
    ("!Length [a, !Ref Open, c]", 3),  # known even when elements are not
    ("!Length {Ref: Subnets}", 3),
    ("!ToJsonString {a: [1, true, x], b: !Ref Env}", '{"a":[1,true,"x"],"b":"prod"}'),
    ("!ToJsonString [1, 2]", "[1,2]"),
    ("!Cidr ['10.0.0.0/16', 3, 8]", ["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24"]),
    ("!Cidr ['192.168.0.0/24', '2', '5']", ["192.168.0.0/27", "192.168.0.32/27"]),
    ("!Cidr ['2001:db8::/56', 2, 64]", ["2001:db8::/64", "2001:db8:0:1::/64"]),
    ("!Join ['', [!Select [0, [!If [Always, a, b]]], c]]", "ac"),
])
def test_functions_known(written, expected):
    prelude = PARAMS + "Conditions:\n  Always: !Equals [a, a]\n"
    value = prop(f"      P: {written}\n", prelude=prelude)
    assert value.plain() == expected
    assert value.origin == "explicit"
    assert at(value) == (32, 10)  # the function's span


@pytest.mark.parametrize("written, col", [
    ("!Select [1, [a, b, c]]", 26),  # the element written in the list
    ("!Select ['0', !Ref Subnets]", 24),  # the Ref, where the parameter is used
    ("!Select [1, !Split [',', 'x,y,z']]", 22),  # the Split that made the list
])
def test_select_spans(written, col):
    value = prop(f"      P: {written}\n", prelude=PARAMS)
    assert at(value) == (30, col) and value.key_span.col == 7


@pytest.mark.parametrize("written, expr, reason", [
    ("!Join ['-', [a, !Ref Open]]", "!Join [-, [a, !Ref Open]]", "variable"),
    ("!Join ['', [!GetAtt Role.Arn, '/*']]", "!Join [\"\", [!GetAtt Role.Arn, /*]]", "resource"),
    ("!Join [',', !GetAtt Role.List]", "!Join [\",\", !GetAtt Role.List]", "expression"),  # may be empty
    ("!Join [',', !GetAZs '']", "!Join [\",\", !GetAZs \"\"]", "variable"),
    ("!Join ['-', a]", "!Join [-, a]", "expression"),  # not a list: CloudFormation rejects it
    ("!Join ['-', [a, [b]]]", "!Join [-, [a, [b]]]", "expression"),
    ("!Join [[x], [a]]", "!Join [[x], [a]]", "expression"),
    ("!Join [a]", "!Join [a]", "expression"),
    ("!Join 'a'", "!Join a", "expression"),
    ("!Select [5, [a, b]]", "!Select [5, [a, b]]", "expression"),
    ("!Select [-1, [a, b]]", "!Select [-1, [a, b]]", "expression"),
    ("!Select [x, [a, b]]", "!Select [x, [a, b]]", "expression"),
    ("!Select [0, !GetAZs '']", "!Select [0, !GetAZs \"\"]", "variable"),
    ("!Select [!Ref Open, [a, b]]", "!Select [!Ref Open, [a, b]]", "variable"),
    ("!Select [0, !Ref Open]", "!Select [0, !Ref Open]", "variable"),
    ("!Select [0, !GetAtt Role.List]", "!Select [0, !GetAtt Role.List]", "expression"),
    ("!Select 1", "!Select 1", "expression"),
    ("!Split [',', !Ref Open]", "!Split [\",\", !Ref Open]", "variable"),
    ("!Split ['', abc]", "!Split [\"\", abc]", "expression"),
    ("!Split [',', [a]]", "!Split [\",\", [a]]", "expression"),
    ("!Base64 {Ref: Open}", "!Base64 !Ref Open", "variable"),
    ("!Base64 [a]", "!Base64 [a]", "expression"),
    ("!Length {Ref: Open}", "!Length !Ref Open", "variable"),
    ("!Length abc", "!Length abc", "expression"),
    ("!ToJsonString {a: !Ref Open}", "!ToJsonString {a: !Ref Open}", "variable"),
    ("!ToJsonString abc", "!ToJsonString abc", "expression"),
    ("!Cidr [!Ref Open, 2, 8]", "!Cidr [!Ref Open, 2, 8]", "variable"),
    ("!Cidr ['10.0.0.0/24', 2, 9]", "!Cidr [10.0.0.0/24, 2, 9]", "expression"),  # larger than the block
    ("!Cidr ['10.0.0.0/30', 8, 1]", "!Cidr [10.0.0.0/30, 8, 1]", "expression"),  # not enough subnets
    ("!Cidr ['10.0.0.0/16', 0, 8]", "!Cidr [10.0.0.0/16, 0, 8]", "expression"),
    ("!Cidr ['bad', 2, 8]", "!Cidr [bad, 2, 8]", "expression"),
    ("!Cidr ['10.0.0.0/16', 2]", "!Cidr [10.0.0.0/16, 2]", "expression"),
    ("!GetAZs ''", "!GetAZs \"\"", "variable"),
    ("!GetAZs {Ref: AWS::Region}", "!GetAZs !Ref AWS::Region", "variable"),
    ("!ImportValue SharedVpc", "!ImportValue SharedVpc", "import"),
    ("!ImportValue {'Fn::Sub': '${Env}-vpc'}", "!ImportValue prod-vpc", "import"),  # the name, evaluated
    ("!ImportValue {'Fn::Sub': '${Open}-vpc'}", "!ImportValue !Sub ${Open}-vpc", "import"),
    ("!Transform {Name: AWS::Include, Parameters: {Location: s3://b/k}}", "!Transform AWS::Include", "transform"),
    ("{'Fn::Transform': {Name: Macro}, Other: 1}", "!Transform Macro", "transform"),
    ("!Equals [a, a]", "!Equals [a, a]", "expression"),  # condition functions only in Conditions
    ("!And [!Condition Always]", "!And [!Condition Always]", "expression"),
    ("{'Fn::Unknown': 1}", "!Unknown 1", "expression"),
    ("!If [Always, a]", "!If [Always, a]", "expression"),
    ("!If [[x], a, b]", "!If [[x], a, b]", "expression"),
    ("!If Always", "!If Always", "expression"),
    ("!EachMemberIn [[a], [a]]", "!EachMemberIn [[a], [a]]", "expression"),
])
def test_functions_unknown(written, expr, reason):
    prelude = PARAMS + "Conditions:\n  Always: !Equals [a, a]\n"
    parsed = run(prelude + RESOURCES + f"      P: {written}\n")
    value = by_address(parsed)["R"][0].attrs["P"]
    assert unknown(value, expr, reason), value.raw
    assert at(value) == (34, 10)


def test_unknown_inside_collections_keeps_structure_and_spans():
    value = prop("      P:\n        - Key: a\n          Value: !Ref Open\n        - !Ref Env\n", prelude=PARAMS)
    first, second = value.raw
    assert first.raw["Key"].raw == "a"
    assert unknown(first.raw["Value"], "!Ref Open", "variable") and at(first.raw["Value"]) == (32, 18)
    assert first.raw["Value"].key_span.col == 11
    assert second.raw == "prod" and at(second) == (33, 11)


def test_select_keeps_the_elements_span():
    value = prop("      P: !Select [1, [a, bb]]\n")
    assert value.raw == "bb" and at(value) == (5, 26)
    assert value.key_span.line == 5 and value.key_span.col == 7


def test_iam_condition_key_is_not_a_function():
    value = prop("      P:\n        Condition: {Bool: {aws:SecureTransport: !Ref Flag}}\n", prelude=PARAMS)
    assert value.plain() == {"Condition": {"Bool": {"aws:SecureTransport": "true"}}}


# --- Fn::FindInMap -----------------------------------------------------------------------------

MAPPINGS = PARAMS + """\
Mappings:
  Env:
    prod: {Internet: Disabled, Size: 50, Zones: [a, b]}
    dev: {Internet: Enabled, Size: 50}
  Same:
    prod: {Internet: Disabled}
    dev: {Internet: Disabled}
  Accounts:
    123456789012: {Name: main}
"""


@pytest.mark.parametrize("written, expected", [
    ("!FindInMap [Env, prod, Internet]", "Disabled"),
    ("!FindInMap [Env, !Ref Env, Internet]", "Disabled"),
    ("!FindInMap [Env, !Ref Env, Zones]", ["a", "b"]),
    ("!FindInMap [Env, !Ref Open, Size]", 50),  # the same whichever key
    ("!FindInMap [Same, !Ref AWS::Region, Internet]", "Disabled"),
    ("!FindInMap [Accounts, '123456789012', Name]", "main"),  # YAML int keys
    ("!FindInMap [Env, test, Internet, {DefaultValue: Disabled}]", "Disabled"),
    ("!FindInMap [Nope, test, Internet, {DefaultValue: x}]", "x"),
    ("!FindInMap [Env, prod, Internet, {DefaultValue: x}]", "Disabled"),
    ("!FindInMap [Same, !Ref Open, Internet, {DefaultValue: Disabled}]", "Disabled"),
    ("!FindInMap [Env, !Sub '${Env}', Internet]", "Disabled"),
])
def test_findinmap_known(written, expected):
    value = prop(f"      P: {written}\n", prelude=MAPPINGS)
    assert value.plain() == expected
    assert at(value) == (39, 10)  # where the property is written, not the mapping


@pytest.mark.parametrize("written, expr, reason", [
    ("!FindInMap [Env, !Ref Open, Internet]", "!FindInMap [Env, !Ref Open, Internet]", "variable"),
    ("!FindInMap [Env, !Ref AWS::Region, Internet]", "!FindInMap [Env, !Ref AWS::Region, Internet]", "variable"),
    ("!FindInMap [Same, !Ref Open, Internet, {DefaultValue: Enabled}]",
     "!FindInMap [Same, !Ref Open, Internet, {DefaultValue: Enabled}]", "variable"),
    ("!FindInMap [Env, test, Internet]", "!FindInMap [Env, test, Internet]", "expression"),  # missing
    ("!FindInMap [Nope, prod, Internet]", "!FindInMap [Nope, prod, Internet]", "expression"),
    ("!FindInMap [Env, prod]", "!FindInMap [Env, prod]", "expression"),
    ("!FindInMap [Env, prod, Internet, x]", "!FindInMap [Env, prod, Internet, x]", "expression"),
    ("!FindInMap [!Ref Open, prod, Internet]", "!FindInMap [!Ref Open, prod, Internet]", "variable"),
    ("!FindInMap [Env, test, Internet, {DefaultValue: !Ref Open}]", "!Ref Open", "variable"),
])
def test_findinmap_unknown(written, expr, reason):
    value = prop(f"      P: {written}\n", prelude=MAPPINGS)
    assert unknown(value, expr, reason), value.raw
    assert at(value) == (39, 10)


# --- conditions --------------------------------------------------------------------------------

CONDITIONS = PARAMS + """\
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsDev: !Equals [dev, !Ref Env]
  NotProd: !Not [!Condition IsProd]
  Both: !And [!Condition IsProd, !Equals [!Ref Flag, true]]
  Either: !Or [!Condition IsDev, !Equals [!Ref Count, 3]]
  Open1: !Equals [!Ref Open, one]
  Open2: !Equals [!Ref Open, two]
  NotOpen1: !Not [!Condition Open1]
  Region: !Equals [!Ref AWS::Region, us-east-1]
  Loop: !Not [!Condition Loop]
  LoopA: !Condition LoopB
  LoopB: !And [!Condition LoopA, !Condition IsProd]
  Missing: !Not [!Condition Nowhere]
  Bad: !Equals [a]
  BadShape: [a]
  BadNot: !Not [!Condition IsProd, !Condition IsDev]
  Constant: !Equals [1, '1']
"""


@pytest.mark.parametrize("condition, expected", [
    ("IsProd", "yes"), ("IsDev", "no"), ("NotProd", "no"), ("Both", "yes"), ("Either", "yes"),
    ("Constant", "yes"),
])
def test_decided_conditions_pick_the_branch(condition, expected):
    value = prop(f"      P: !If [{condition}, 'yes', 'no']\n", prelude=CONDITIONS)
    assert value.raw == expected
    # the chosen branch's span, the property's key
    assert at(value) == (48, 10 + len(f"!If [{condition}, ") + (0 if expected == "yes" else 7))
    assert value.key_span.line == 48


def test_if_novalue_removes_the_property():
    parsed = run(CONDITIONS + "Resources:\n  R:\n    Type: T\n    Properties:\n"
                 "      A: !If [IsProd, !Ref AWS::NoValue, x]\n      B: !If [IsDev, !Ref AWS::NoValue, x]\n"
                 "      C: [!If [IsProd, !Ref AWS::NoValue, x], y]\n")
    attrs = parsed.resources[0].attrs
    assert "A" not in attrs and attrs["B"].raw == "x" and attrs["C"].plain() == ["y"]


@pytest.mark.parametrize("condition", ["Loop", "LoopA", "Missing", "Bad", "BadShape", "BadNot", "Undeclared", "[x]"])
def test_invalid_conditions_are_unknown(condition):
    parsed = run(CONDITIONS + f"Resources:\n  R:\n    Type: T\n    Properties:\n      P: !If [{condition}, a, b]\n")
    (resource,) = parsed.resources  # no copies for a condition CloudFormation would reject
    assert unknown(resource.attrs["P"], f"!If [{condition}, a, b]", "expression")
    assert "assumes" not in resource.meta


def test_resource_condition_false_drops_the_resource():
    parsed = run(CONDITIONS + "Resources:\n  Gone:\n    Type: T\n    Condition: IsDev\n"
                 "  Kept:\n    Type: T\n    Condition: IsProd\n  Plain:\n    Type: T\n"
                 "  Cyclic:\n    Type: T\n    Condition: Loop\n")
    found = by_address(parsed)
    assert sorted(found) == ["Cyclic", "Kept", "Plain"]
    assert all("assumes" not in r.meta for rs in found.values() for r in rs)
    assert found["Kept"][0].meta["condition"] == "IsProd"


def test_undecidable_resource_condition_assumes_it_true():
    parsed = run(CONDITIONS + "Resources:\n  R:\n    Type: T\n    Condition: Open1\n    Properties:\n"
                 "      P: !If [NotOpen1, a, b]\n      Q: !If [Open2, a, b]\n")
    (resource,) = parsed.resources  # assumed false: not created; Open1 decides NotOpen1 and Open2
    assert resource.meta["assumes"] == (("Open1", True),)
    assert resource.meta["condition"] == "Open1"
    assert resource.attrs["P"].raw == "b" and resource.attrs["Q"].raw == "b"


def test_undecidable_if_gives_one_copy_per_outcome():
    parsed = run(CONDITIONS + "Resources:\n  R:\n    Type: T\n    Properties:\n"
                 "      P: !If [Open1, !Ref AWS::NoValue, Disabled]\n      Q: !If [NotOpen1, x, y]\n"
                 "      Z: [!If [Open2, !Ref Env, !Ref Open]]\n")
    copies = {r.meta["assumes"]: r for r in parsed.resources}
    assert sorted(copies) == [(("Open1", False), ("Open2", False)), (("Open1", False), ("Open2", True)),
                              (("Open1", True),)]
    assert copies[(("Open1", False), ("Open2", True))].attrs["Z"].plain() == ["prod"]
    true = copies[(("Open1", True),)]
    assert "P" not in true.attrs and true.attrs["Q"].raw == "y"
    assert true.attrs["Z"].plain() == ["one"]  # Open1 assumed true: Open is "one"
    false = copies[(("Open1", False), ("Open2", False))]
    assert false.attrs["P"].raw == "Disabled" and at(false.attrs["P"]) == (48, 41)
    assert false.attrs["P"].key_span.line == 48 and false.attrs["P"].key_span.col == 7
    assert false.attrs["Q"].raw == "x" and at(false.attrs["Q"]) == (49, 25)
    assert unknown(false.attrs["Z"].raw[0], "!Ref Open", "variable")


def test_open2_true_variant_present_when_open1_false():
    parsed = run(CONDITIONS + "Resources:\n  R:\n    Type: T\n    Properties:\n"
                 "      A: !If [Open1, a, b]\n      B: !If [Open2, c, d]\n")
    assert sorted(r.meta["assumes"] for r in parsed.resources) == [
        (("Open1", False), ("Open2", False)), (("Open1", False), ("Open2", True)), (("Open1", True),)]
    # Open1 and Open2 compare the same parameter with different constants: never both true
    for r in parsed.resources:
        assumed = dict(r.meta["assumes"])
        assert r.attrs["A"].raw == ("a" if assumed["Open1"] else "b")
        assert r.attrs["B"].raw == ("c" if assumed.get("Open2") else "d")


def test_allowed_values_decide_conditions():
    prelude = """\
Parameters:
  Stage: {Type: String, AllowedValues: [dev, prod]}
  Mode: {Type: String, AllowedValues: [up]}
Conditions:
  IsDev: !Equals [!Ref Stage, dev]
  IsProd: !Equals [!Ref Stage, prod]
  DevOrProd: !Or [!Condition IsDev, !Condition IsProd]
  Up: !Equals [!Ref Mode, up]
"""
    parsed = run(prelude + "Resources:\n  R:\n    Type: T\n    Properties:\n"
                 "      A: !If [DevOrProd, a, b]\n      B: !If [Up, a, b]\n      C: !If [IsDev, x, y]\n"
                 "      D: !If [IsProd, x, y]\n")
    copies = {r.meta["assumes"]: r.attrs for r in parsed.resources}
    assert sorted(copies) == [(("IsDev", False),), (("IsDev", True),)]  # IsProd follows from IsDev
    for assumes, attrs in copies.items():
        assert attrs["A"].raw == "a" and attrs["B"].raw == "a"
        assert attrs["C"].raw == ("x" if assumes[0][1] else "y")
        assert attrs["D"].raw == ("y" if assumes[0][1] else "x")


def test_unknowns_compared_with_each_other():
    prelude = """\
Parameters:
  A: {Type: String}
  B: {Type: String}
Conditions:
  Same: !Equals [!Ref A, !Ref B]
  SameSelf: !Equals [!Ref A, !Ref A]
"""
    parsed = run(prelude + "Resources:\n  R:\n    Type: T\n    Properties:\n"
                 "      P: !If [Same, x, y]\n      Q: !If [SameSelf, x, y]\n")
    assert sorted(r.meta["assumes"] for r in parsed.resources) == [(("Same", False),), (("Same", True),)]
    assert all(r.attrs["Q"].raw == "x" for r in parsed.resources)


def test_assumed_outcomes_pin_parameters():
    prelude = """\
Parameters:
  Env: {Type: String}
  Secret: {Type: String, NoEcho: true}
  Names: {Type: CommaDelimitedList}
Mappings:
  Size: {prod: {Gb: 100}, dev: {Gb: 20}}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  East: !Equals [!Ref AWS::Region, us-east-1]
  Hidden: !Equals [!Ref Secret, x]
  Listed: !Equals [!Ref Names, x]
"""
    body = ("      A: !If [IsProd, !FindInMap [Size, !Ref Env, Gb], 0]\n"
            "      B: !If [East, !Sub 'arn:aws:s3:${AWS::Region}', other]\n"
            "      C: !If [Hidden, !Ref Secret, s]\n      D: !If [Listed, !Ref Names, n]\n")
    parsed = run(prelude + "Resources:\n  R:\n    Type: T\n    Properties:\n" + body)
    copies = {r.meta["assumes"]: r.attrs for r in parsed.resources}
    assert len(copies) == 8  # IsProd, East, Hidden (Listed is beyond the cap)
    prod_east_hidden = copies[(("East", True), ("Hidden", True), ("IsProd", True))]
    assert prod_east_hidden["A"].raw == 100 and at(prod_east_hidden["A"]) == (16, 23)
    assert prod_east_hidden["B"].raw == "arn:aws:s3:us-east-1"
    assert unknown(prod_east_hidden["C"], "!Ref Secret", "variable")  # NoEcho: never pinned
    assert unknown(prod_east_hidden["D"], reason="condition")
    other = copies[(("East", False), ("Hidden", False), ("IsProd", False))]
    assert other["A"].raw == 0 and other["B"].raw == "other" and other["C"].raw == "s"


def test_pinned_list_parameters_stay_unknown():
    prelude = "Parameters:\n  Names: {Type: CommaDelimitedList}\nConditions:\n  Listed: !Equals [!Ref Names, x]\n"
    parsed = run(prelude + "Resources:\n  R:\n    Type: T\n    Properties:\n      D: !If [Listed, !Ref Names, n]\n")
    copies = {r.meta["assumes"]: r.attrs for r in parsed.resources}
    assert unknown(copies[(("Listed", True),)]["D"], "!Ref Names", "variable")
    assert copies[(("Listed", False),)]["D"].raw == "n"


def test_equal_branches_need_no_assumption():
    (resource,) = run(CONDITIONS + "Resources:\n  R:\n    Type: T\n    Properties:\n"
                      "      P: !If [Open1, same, same]\n").resources
    assert resource.attrs["P"].raw == "same" and "assumes" not in resource.meta


def test_region_condition_is_undecidable():
    parsed = run(CONDITIONS + "Resources:\n  R:\n    Type: T\n    Properties:\n      P: !If [Region, a, b]\n")
    assert {r.meta["assumes"]: r.attrs["P"].raw for r in parsed.resources} == {
        (("Region", True),): "a", (("Region", False),): "b"}


def test_condition_cap_leaves_further_ifs_unknown():
    prelude = "Parameters:\n" + "".join(f"  P{i}: {{Type: String}}\n" for i in range(5)) + "Conditions:\n" + "".join(
        f"  C{i}: !Equals [!Ref P{i}, x]\n" for i in range(5))
    body = "".join(f"      A{i}: !If [C{i}, up, down]\n" for i in range(5))
    parsed = run(prelude + "Resources:\n  R:\n    Type: T\n    Properties:\n" + body)
    assert len(parsed.resources) == 8
    assert len({r.meta["assumes"] for r in parsed.resources}) == 8
    for r in parsed.resources:
        assumed = dict(r.meta["assumes"])
        assert sorted(assumed) == ["C0", "C1", "C2"]
        for i in range(3):
            assert r.attrs[f"A{i}"].raw == ("up" if assumed[f"C{i}"] else "down")
        for i in (3, 4):
            assert unknown(r.attrs[f"A{i}"], f"!If [C{i}, up, down]", "condition")


def test_resource_condition_counts_in_the_cap_and_comes_first():
    prelude = "Parameters:\n" + "".join(f"  P{i}: {{Type: String}}\n" for i in range(4)) + "Conditions:\n" + "".join(
        f"  C{i}: !Equals [!Ref P{i}, x]\n" for i in range(4))
    body = "".join(f"      A{i}: !If [C{i}, up, down]\n" for i in (1, 2, 3))
    parsed = run(prelude + "Resources:\n  R:\n    Type: T\n    Condition: C0\n    Properties:\n" + body)
    assert len(parsed.resources) == 4
    for r in parsed.resources:
        assert dict(r.meta["assumes"])["C0"] is True and len(r.meta["assumes"]) == 3
        assert unknown(r.attrs["A3"], reason="condition")


def test_nested_ifs_branch_only_on_reached_conditions():
    parsed = run(CONDITIONS + "Resources:\n  R:\n    Type: T\n    Properties:\n"
                 "      P: !If [IsProd, !If [Open1, a, b], !If [Open2, c, d]]\n")
    assert {r.meta["assumes"]: r.attrs["P"].raw for r in parsed.resources} == {
        (("Open1", True),): "a", (("Open1", False),): "b"}


def test_many_resources_share_condition_work():
    body = "".join(f"  R{i}:\n    Type: T\n    Condition: Open1\n    Properties:\n      P: !If [Open2, a, b]\n"
                   for i in range(200))
    parsed = run(CONDITIONS + "Resources:\n" + body)
    assert len(parsed.resources) == 200  # Open1 true decides Open2 false
    assert {r.attrs["P"].raw for r in parsed.resources} == {"b"}


def test_many_atoms_fall_back_to_both_outcomes():
    n = 8
    prelude = "Parameters:\n" + "".join(f"  P{i}: {{Type: String}}\n" for i in range(n)) + "Conditions:\n" + \
        "  Big: !And [" + ", ".join(f"!Equals [!Ref P{i}, x]" for i in range(n)) + "]\n" + \
        "  Small: !Equals [!Ref P0, y]\n"
    parsed = run(prelude + "Resources:\n  R:\n    Type: T\n    Properties:\n"
                 "      A: !If [Big, a, b]\n      B: !If [Small, c, d]\n")
    # 3**8 combinations is beyond MAX_ASSIGNMENTS: the outcomes are taken as open, never a crash
    assert len(parsed.resources) == 4


def test_deep_nesting_is_unknown_not_an_error():
    value = prop("      P: " + "[" * 80 + "x" + "]" * 80 + "\n")
    assert _contains_unknown(value)  # deeper than MAX_DEPTH: Unknown, not a RecursionError

    chain = "Conditions:\n" + "".join(f"  C{i}: !Not [!Condition C{i + 1}]\n" for i in range(100)) + \
        "  C100: !Equals [a, a]\n"
    value = prop("      P: !If [C0, a, b]\n", prelude=chain)
    assert unknown(value, "!If [C0, a, b]", "expression")  # deeper than MAX_DEPTH


def _contains_unknown(value: Value) -> bool:
    raw = value.raw
    if isinstance(raw, Unknown):
        return True
    if isinstance(raw, list):
        return any(_contains_unknown(v) for v in raw)
    return False


# --- transforms and nested stacks ---------------------------------------------------------------


def test_sam_transform_evaluates_as_written():
    parsed = run("Transform: AWS::Serverless-2016-10-31\nResources:\n  F:\n    Type: AWS::Serverless::Function\n"
                 "    Properties:\n      Runtime: !Join ['', [python, '3.12']]\n")
    (resource,) = parsed.resources
    assert resource.attrs["Runtime"].raw == "python3.12"
    assert "transform" not in resource.meta


def test_macro_transform_marks_every_resource():
    parsed = run("Transform: [AWS::Serverless-2016-10-31, MyMacro, {Name: AWS::Include, Parameters: {}}]\n"
                 "Resources:\n  A:\n    Type: T\n    Properties:\n      P: !Sub 'x'\n  B:\n    Type: T\n")
    assert [r.meta["transform"] for r in parsed.resources] == ["MyMacro, AWS::Include"] * 2
    assert parsed.resources[0].attrs["P"].raw == "x"  # still evaluated


def test_properties_level_transform():
    parsed = run("Resources:\n  R:\n    Type: T\n    Properties:\n      Fn::Transform:\n        Name: Tags\n"
                 "      Keep: !Join ['', [a, b]]\n")
    (resource,) = parsed.resources
    assert resource.meta["transform"] == "Tags"
    assert unknown(resource.attrs["Fn::Transform"], "!Transform Tags", "transform")
    assert resource.attrs["Keep"].raw == "ab"


def test_nested_stack_parameters_are_evaluated_not_followed():
    parsed = run(PARAMS + "Resources:\n  Child:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n"
                 "      TemplateURL: !Sub 'https://s3.amazonaws.com/b/${Env}.yaml'\n      Parameters:\n"
                 "        Env: !Ref Env\n        Key: !Ref Open\n")
    (child,) = parsed.resources
    assert child.attrs["TemplateURL"].raw == "https://s3.amazonaws.com/b/prod.yaml"
    assert child.attrs["Parameters"].raw["Env"].raw == "prod"
    assert unknown(child.attrs["Parameters"].raw["Key"], "!Ref Open", "variable")


# --- robustness ----------------------------------------------------------------------------------


def test_unchanged_values_are_the_same_objects():
    parsed = template("Resources:\n  R:\n    Type: T\n    Properties:\n      P: {a: [1, 2]}\n")
    (resource,) = evaluate(parsed).resources
    assert resource.attrs["P"] is parsed.resources[0].attrs["P"]


def test_parser_unknowns_pass_through():
    span = Span("t.yaml", 0, 1, 1, 1, 1, 2)
    parsed = ParsedFile("t.yaml", "cloudformation", (Resource(
        "", "T", "cloudformation", "R", span, {"P": Value(Unknown("?", "expression"), span)}),))
    (resource,) = evaluate(parsed).resources
    assert resource.attrs["P"].raw == Unknown("?", "expression")


def test_blocks_missing_or_odd():
    span = Span("t.yaml", 0, 1, 1, 1, 1, 2)
    ref = Value({"Ref": Value("X", span)}, span)
    parsed = ParsedFile("t.yaml", "cloudformation", (Resource(
        "", "T", "cloudformation", "R", span, {"P": ref, "Q": Value({"Ref": Value(None, span)}, span)},
        meta={"condition": 3}),), blocks={"Parameters": {"X": Resource("", "", "cloudformation", "X", span, {})}})
    (resource,) = evaluate(parsed).resources
    assert unknown(resource.attrs["P"], "!Ref X", "variable")
    assert unknown(resource.attrs["Q"], "!Ref null", "expression")


def test_bug_in_evaluation_makes_properties_unknown(monkeypatch):
    from parsers.cloudformation import evaluate as module

    def broken(*args):
        raise RuntimeError("bug")

    monkeypatch.setitem(module.INTRINSICS, "Fn::Join", broken)
    monkeypatch.setattr(module._Template, "attrs", lambda *a: broken())
    (resource,) = run("Resources:\n  R:\n    Type: T\n    Properties:\n      P: !Join ['', [a]]\n").resources
    assert unknown(resource.attrs["P"], "!Join [\"\", [a]]", "expression")


def test_bad_parameter_shapes():
    prelude = """\
Parameters:
  L: {Type: CommaDelimitedList, Default: [a, 1, true]}
  M: {Type: CommaDelimitedList, Default: [[a]]}
  D: {Type: String, Default: {a: b}}
  N: {Type: String, Default: null}
  E: {Type: String, NoEcho: 'True', Default: x}
"""
    parsed = run(prelude + "Resources:\n  R:\n    Type: T\n    Properties:\n"
                 "      L: !Ref L\n      M: !Ref M\n      D: !Ref D\n      N: !Ref N\n      E: !Ref E\n")
    attrs = parsed.resources[0].attrs
    assert attrs["L"].plain() == ["a", "1", "true"]
    for name in "MDNE":
        assert unknown(attrs[name], f"!Ref {name}", "variable")


def test_random_templates_never_raise():
    """Random trees of intrinsic functions with arguments of every shape: always Values or
    absent, never an exception."""
    import random
    rng = random.Random(7)
    functions = ["Ref", "Fn::GetAtt", "Fn::Sub", "Fn::Join", "Fn::Select", "Fn::Split", "Fn::FindInMap",
                 "Fn::Base64", "Fn::GetAZs", "Fn::Cidr", "Fn::ImportValue", "Fn::Length", "Fn::ToJsonString",
                 "Fn::Transform", "Fn::If", "Fn::Equals", "Fn::Not", "Fn::And", "Fn::Or", "Condition"]
    atoms = ["Env", "Open", "Role", "R", "AWS::Region", "AWS::NoValue", "C1", "C2", "Map", "k", "", "10.0.0.0/16",
             "${Env}", "${Role.Arn}", "${!x}", "${", "a,b", 0, 1, -1, 2.5, True, None]
    span = Span("t.yaml", 0, 1, 1, 1, 1, 2)

    def tree(depth):
        roll = rng.random()
        if depth > 5 or roll < 0.3:
            return Value(rng.choice(atoms), span)
        if roll < 0.45:
            return Value([tree(depth + 1) for _ in range(rng.randint(0, 4))], span)
        if roll < 0.5:
            return Value({"K": tree(depth + 1), "DefaultValue": tree(depth + 1)}, span)
        return Value({rng.choice(functions): tree(depth + 1)}, span)

    def record(name, attrs):
        return Resource("", "", "cloudformation", name, span, attrs)

    for _ in range(400):
        blocks = {
            "Parameters": {"Env": record("Env", {"Default": tree(4), "Type": Value(rng.choice(
                ["String", "CommaDelimitedList", "Number", 3]), span)}), "Open": record("Open", {})},
            "Mappings": {"Map": record("Map", {"k": Value({"k": tree(4)}, span)})},
            "Conditions": {"C1": record("C1", {"Condition": tree(1)}), "C2": record("C2", {"Condition": tree(1)})},
            "Template": {"": record("", {"Transform": tree(4)})},
        }
        meta = {"condition": rng.choice(["C1", "C2", None, ["C1"]])}
        resource = Resource("", "T", "cloudformation", "R", span, {f"P{i}": tree(0) for i in range(4)}, meta=meta)
        parsed = ParsedFile("t.yaml", "cloudformation", (resource,), (), blocks)
        for found in evaluate(parsed).resources:
            assert len(found.meta.get("assumes", ())) <= 3
            for value in found.attrs.values():
                assert isinstance(value, Value) and value.span is span
                value.plain()


# --- parameter files ----------------------------------------------------------------------------


def write(tmp_path, text, name="params.json"):
    path = tmp_path / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return str(path)


@pytest.mark.parametrize("text, expected", [
    ('[{"ParameterKey": "Env", "ParameterValue": "dev"}, {"ParameterKey": "N", "ParameterValue": 3}]',
     {"Env": "dev", "N": "3"}),
    ('{"Parameters": {"Env": "dev", "On": true}, "Tags": {"a": "b"}}', {"Env": "dev", "On": "true"}),
    ('{"StackName": "s", "Parameters": [{"ParameterKey": "Env", "ParameterValue": "x"}]}', {"Env": "x"}),
    ('\ufeff[]', {}),
    ('[{"ParameterKey": "Env", "UsePreviousValue": true}]', {"Env": Unknown("!Ref Env", "variable")}),
])
def test_read_parameters(tmp_path, text, expected):
    assert read_parameters(write(tmp_path, text)) == expected


@pytest.mark.parametrize("text, message", [
    ("{", "not valid JSON: Expecting property name enclosed in double quotes at line 1 column 2"),
    ('{"Env": "dev"}', 'expected a list of {"ParameterKey": ..., "ParameterValue": ...} objects'),
    ('"x"', "expected a list of"),
    ('[{"ParameterValue": "x"}]', 'parameter 1 has no "ParameterKey" string'),
    ('["Env=dev"]', 'parameter 1 has no "ParameterKey" string'),
    ('[{"ParameterKey": "Env"}]', "parameter 'Env' needs a \"ParameterValue\" string"),
    ('[{"ParameterKey": "Env", "ParameterValue": ["a"]}]', "parameter 'Env' needs"),
    ('{"Parameters": {"Env": {"a": 1}}}', "parameter 'Env' must be a string, number or boolean"),
    (b"\xff\xfe[]", "not UTF-8 text"),
])
def test_read_parameters_errors(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(ValueError) as error:
        read_parameters(path)
    text = str(error.value)
    assert message in text and path in text and "\n" not in text


def test_read_parameters_missing_and_large(tmp_path):
    with pytest.raises(ValueError, match="cannot read CloudFormation parameters file .*nope.json"):
        read_parameters(str(tmp_path / "nope.json"))
    big = write(tmp_path, "[" + " " * (1 << 20) + "]")
    with pytest.raises(ValueError, match="larger than 1 MB"):
        read_parameters(big)


def test_parameters_file_feeds_evaluation(tmp_path):
    path = write(tmp_path, json.dumps([{"ParameterKey": "Open", "ParameterValue": "one"}]))
    parsed = run(CONDITIONS + "Resources:\n  R:\n    Type: T\n    Properties:\n      P: !If [Open1, a, b]\n",
                 read_parameters(path))
    (resource,) = parsed.resources
    assert resource.attrs["P"].raw == "a" and "assumes" not in resource.meta


# --- end to end: the real parser on the fixtures ------------------------------------------------

needs_parser = pytest.mark.skipif("parser" not in LOADERS, reason="parsers.cloudformation.parse not present")


def fixture(name: str) -> ParsedFile:
    from parsers.cloudformation.parse import parse
    with open(os.path.join(FIXTURES, name), "rb") as handle:
        parsed = parse(name, handle.read())
    assert not parsed.issues
    return parsed


def summary(value: Value):
    """(plain value, (line, col)) of an evaluated attribute."""
    return value.plain(), at(value)


def no_intrinsic_left(raw) -> bool:
    if isinstance(raw, Value):
        return no_intrinsic_left(raw.raw)
    if isinstance(raw, dict):
        function = len(raw) == 1 and next(iter(raw)) in ("Ref", "Condition") or any(
            str(k).startswith("Fn::") for k in raw)
        return not function and all(no_intrinsic_left(v) for v in raw.values())
    if isinstance(raw, list):
        return all(no_intrinsic_left(v) for v in raw)
    return True


@needs_parser
def test_fixture_yaml_end_to_end():
    parsed = evaluate(fixture("ml-stack.yaml"))
    found = by_address(parsed)
    assert sorted(found) == ["Child", "DevOnly", "Model", "Notebook", "Role"]
    # every value is evaluated or a visible Unknown: no intrinsic function is left for a check to misjudge
    for resource in parsed.resources:
        for name, value in resource.attrs.items():
            assert name == "Fn::Transform" or no_intrinsic_left(value), (resource.address, name)

    notebooks = {r.meta["assumes"]: r.attrs for r in found["Notebook"]}
    assert sorted(notebooks) == [((h, a), (p, b)) for h in ["HasKey"] for a in (False, True)
                                 for p in ["IsProd"] for b in (False, True)]
    for assumes, attrs in notebooks.items():
        has_key, prod = dict(assumes)["HasKey"], dict(assumes)["IsProd"]
        assert summary(attrs["InstanceType"]) == ("ml.m5.xlarge" if prod else "ml.t3.medium", (42, 21))
        assert summary(attrs["RoleArn"]) == (Unknown("!GetAtt Role.Arn", "resource"), (43, 16))
        assert summary(attrs["DirectInternetAccess"]) == ("Disabled", (44, 29))  # every environment says so
        assert summary(attrs["RootAccess"]) == ("Disabled", (45, 19))  # the Ref, not the default
        assert attrs["RootAccess"].key_span.line == 45 and attrs["RootAccess"].key_span.col == 7
        if has_key:
            assert summary(attrs["KmsKeyId"]) == (Unknown("!Ref KmsKeyArn", "variable"), (46, 30))
        else:
            assert "KmsKeyId" not in attrs  # AWS::NoValue: the provider default applies
        assert summary(attrs["SubnetId"]) == ("subnet-a", (47, 29))
        assert summary(attrs["SecurityGroupIds"]) == (
            [Unknown("!ImportValue shared-notebook-sg", "import")], (49, 9))
        assert summary(attrs["VolumeSizeInGB"]) == ((100, (50, 36)) if prod else (20, (50, 41)))

    (dev_only,) = found["DevOnly"]
    assert dev_only.meta["assumes"] == (("IsDev", True),) and dev_only.meta["condition"] == "IsDev"
    assert summary(dev_only.attrs["BucketName"]) == (
        Unknown("!Join [-, [!Ref AWS::StackName, dev, data]]", "resource"), (55, 19))

    (model,) = found["Model"]
    assert model.meta["transform"] == "AddNetworkIsolation"
    assert summary(model.attrs["Fn::Transform"]) == (Unknown("!Transform AddNetworkIsolation", "transform"), (60, 9))
    container = model.attrs["PrimaryContainer"].raw
    assert container["Image"].raw == Unknown(
        "!Sub ${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com/model:latest", "resource")
    assert summary(container["Environment"].raw["PASSWORD"]) == (Unknown("!Ref DbPassword", "variable"), (65, 21))

    (child,) = found["Child"]
    assert "transform" not in child.meta and "assumes" not in child.meta
    assert child.attrs["TemplateURL"].raw == Unknown(
        "!Sub https://s3.amazonaws.com/templates/${Environment}/child.yaml", "variable")
    nested = child.attrs["Parameters"].raw
    assert summary(nested["KmsKeyArn"]) == (Unknown("!Ref KmsKeyArn", "variable"), (71, 20))
    assert summary(nested["Subnets"]) == ("subnet-a,subnet-b", (72, 18))

    (role,) = found["Role"]
    assert role.attrs["RoleName"].raw == Unknown("!Sub ${AWS::StackName}-notebook", "resource")


@needs_parser
def test_fixture_yaml_with_parameters():
    given = {"Environment": "dev", "KmsKeyArn": "arn:aws:kms:us-east-1:111122223333:key/k"}
    found = by_address(evaluate(fixture("ml-stack.yaml"), given))
    (notebook,) = found["Notebook"]
    assert "assumes" not in notebook.meta
    assert summary(notebook.attrs["KmsKeyId"]) == ("arn:aws:kms:us-east-1:111122223333:key/k", (46, 30))
    assert summary(notebook.attrs["InstanceType"]) == ("ml.t3.medium", (42, 21))
    assert summary(notebook.attrs["VolumeSizeInGB"]) == (20, (50, 41))
    assert "assumes" not in found["DevOnly"][0].meta
    assert found["Child"][0].attrs["TemplateURL"].raw == "https://s3.amazonaws.com/templates/dev/child.yaml"
    assert found["Model"][0].attrs["PrimaryContainer"].raw["Environment"].raw["PASSWORD"].raw == Unknown(
        "!Ref DbPassword", "variable")  # NoEcho: still never judged


@needs_parser
def test_fixture_json_end_to_end():
    parsed = evaluate(fixture("endpoint.json"))
    found = by_address(parsed)
    assert {r.meta["transform"] for r in parsed.resources} == {"CorpTagger"}  # SAM itself is not a macro
    configs = {r.meta["assumes"]: r.attrs for r in found["Config"]}
    assert sorted(configs) == [(("UseKey", False),), (("UseKey", True),)]
    assert summary(configs[(("UseKey", True),)]["KmsKeyId"]) == (Unknown("!Ref KeyId", "variable"), (16, 43))
    assert "KmsKeyId" not in configs[(("UseKey", False),)]
    (variant,) = configs[(("UseKey", False),)]["ProductionVariants"].raw
    assert summary(variant.raw["VariantName"]) == ("prod-main", (19, 28))
    assert summary(variant.raw["InitialInstanceCount"]) == (2, (20, 59))  # Stage defaults to prod
    assert summary(variant.raw["ModelName"]) == (Unknown("!GetAtt Model.ModelName", "resource"), (21, 26))
    assert variant.raw["ModelName"].key_span.col == 13
    # a Condition naming nothing: CloudFormation rejects the template; the resource is judged as written
    (debug,) = found["Debug"]
    assert "assumes" not in debug.meta and debug.attrs["BucketName"].raw == "debug"
