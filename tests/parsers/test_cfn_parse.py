"""parsers.cloudformation: the reader against cfn-lint's decoder (the oracle), positions, bounds,
errors, detection, and the resource model of parse.py."""
from __future__ import annotations

import datetime
import glob
import os

import pytest

from analyzer.model import Value
from parsers.cloudformation import reader
from parsers.cloudformation.parse import detect, parse

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "cloudformation")
FILES = sorted(glob.glob(os.path.join(FIXTURES, "*")))


def load(name: str) -> bytes:
    with open(os.path.join(FIXTURES, name), "rb") as handle:
        return handle.read()


def normalized(data):
    """cfn-lint's decoded template as plain data: its str/dict/list subclasses with marks become
    plain types; an unquoted date (`2010-09-09`) is the text we keep."""
    if isinstance(data, dict):
        return {normalized(k): normalized(v) for k, v in data.items()}
    if isinstance(data, list):
        return [normalized(v) for v in data]
    if isinstance(data, str):
        return str(data)
    if isinstance(data, (datetime.date, datetime.datetime)):
        return data.isoformat()
    return data


def test_there_are_enough_fixtures():
    assert len(FILES) >= 8
    assert any(f.endswith(".json") for f in FILES)


# --- the oracle ------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", FILES, ids=os.path.basename)
def test_reader_data_equals_cfn_lint(path):
    decode = pytest.importorskip("cfnlint.decode")
    with open(path, "rb") as handle:
        data = handle.read()
    expected, matches = decode.decode_str(data.decode("utf-8"))
    assert matches == []
    document = reader.read(data)
    assert document.issues == []
    assert reader.plain(document.root) == normalized(expected)


@pytest.mark.parametrize("path", FILES, ids=os.path.basename)
def test_parse_has_no_issue_and_keeps_the_data(path):
    with open(path, "rb") as handle:
        data = handle.read()
    parsed = parse("t/" + os.path.basename(path), data)
    assert parsed.issues == ()
    assert parsed.framework == "cloudformation"
    template = reader.plain(reader.read(data).root)
    for resource in parsed.resources:
        body = template["Resources"][resource.address]
        assert resource.native_type == body["Type"]
        assert {k: v.plain() for k, v in resource.attrs.items()} == body.get("Properties", {})
        assert resource.path == "t/" + os.path.basename(path)
    assert {r.address for r in parsed.resources} == set(template["Resources"])


# --- values and positions --------------------------------------------------------------------------


def position(value: Value) -> tuple[int, int]:
    return value.span.line, value.span.col


def test_notebook_values_and_positions():
    data = load("sagemaker-notebook.yaml")
    parsed = parse("nb.yaml", data)
    nb = next(r for r in parsed.resources if r.address == "Notebook")
    assert nb.native_type == "AWS::SageMaker::NotebookInstance"
    assert nb.meta == {"syntax": "yaml", "depends_on": "SageMakerRole"}
    direct = nb.native("DirectInternetAccess")
    assert direct.raw == "Enabled"
    assert position(direct) == (43, 29)
    assert (direct.key_span.line, direct.key_span.col) == (43, 7)
    assert data[direct.span.start:direct.span.end] == b"Enabled"
    # a value with a trailing comment ends before it
    instance_type = nb.native("InstanceType")
    assert data[instance_type.span.start:instance_type.span.end] == b"ml.t3.medium"
    # short forms in their long form; the intrinsic spans the tag, its operand does not
    role = nb.native("RoleArn")
    assert role.plain() == {"Fn::GetAtt": ["SageMakerRole", "Arn"]}
    assert data[role.span.start:role.span.end] == b"!GetAtt SageMakerRole.Arn"
    inner = role.raw["Fn::GetAtt"]
    assert data[inner.key_span.start:inner.key_span.end] == b"!GetAtt"
    assert [data[v.span.start:v.span.end] for v in inner.raw] == [b"SageMakerRole", b"Arn"]
    kms = nb.native("KmsKeyId")
    assert kms.plain() == {"Fn::If": ["HasKmsKey", {"Ref": "KmsKey"}, {"Ref": "AWS::NoValue"}]}
    assert nb.native("VolumeSizeInGB").raw == 20
    assert nb.native("InstanceMetadataServiceConfiguration.MinimumInstanceMetadataServiceVersion").raw == "1"
    assert nb.native("Tags.1.Value").raw == "1234"
    # spans: the entry, and the header through the colon
    assert data[nb.header.start:nb.header.end] == b"Notebook:"
    assert data[nb.span.start:nb.span.end].startswith(b"Notebook:\n    Type:")
    assert data[nb.span.start:nb.span.end].endswith(b"Value: '1234'")
    lifecycle = next(r for r in parsed.resources if r.address == "LifecycleConfig")
    assert lifecycle.meta["condition"] == "IsProd"
    content = lifecycle.native("OnStart.Content")
    assert content.plain() == {"Fn::Base64": '#!/bin/bash\nset -e\necho "starting"\n'}
    # a block scalar's span stops at its last character
    assert data[content.span.start:content.span.end].endswith(b'echo "starting"')


def test_utf16_columns_after_non_ascii_text():
    data = load("sagemaker-notebook.yaml")
    nb = next(r for r in parse("nb.yaml", data).resources if r.address == "Notebook")
    owner = nb.native("Tags.0.Value")
    assert owner.raw == "José Ñúñez 👩‍🔬"
    assert data[owner.span.start:owner.span.end] == '"José Ñúñez 👩‍🔬"'.encode()
    # 👩 and 🔬 take two UTF-16 units each, the joiner one: 16 characters and 2 quotes, 18 units
    assert owner.span.col == 18 and owner.span.end_col == 18 + 18

    data = b'Description: "\xc3\xa9\xf0\x9f\x98\x80"\nResources:\n  R: {Type: AWS::S3::Bucket, Properties: {A: "\xc3\xa9", B: x}}\n'
    parsed = parse("u.yaml", data)
    b = parsed.resources[0].native("B")
    assert data[b.span.start:b.span.end] == b"x"
    assert (b.span.line, b.span.col) == (3, 54)


def test_json_values_and_positions():
    data = load("sagemaker-endpoint.json")
    parsed = parse("ep.json", data)
    config = next(r for r in parsed.resources if r.address == "EndpointConfig")
    assert config.meta["syntax"] == "json"
    variant = config.native("ProductionVariants.InstanceType")
    assert variant.raw == "ml.m5.large"
    assert data[variant.span.start:variant.span.end] == b'"ml.m5.large"'
    assert (variant.key_span.line, variant.key_span.col) == (33, 13)
    assert config.native("ProductionVariants.InitialVariantWeight").raw == 1.0
    assert config.native("DataCaptureConfig.CaptureOptions.1.CaptureMode").raw == "Output"
    assert data[config.header.start:config.header.end] == b'"EndpointConfig":'
    template = parsed.blocks["Template"][""]
    assert template.attrs["Description"].raw.endswith("ünïcödé ✓ and éscapes")


def test_json_non_ascii_columns():
    data = load("bedrock-guardrail.json")
    guardrail = parse("g.json", data).resources[0]
    message = guardrail.native("BlockedOutputsMessaging")
    assert message.raw == 'Line one\nLine "two"\t\u2713'
    assert message.span.line == 18 and message.span.col == 44
    after = guardrail.native("BlockedInputMessaging")
    assert after.raw == "Não posso ajudar com isso 🙅"
    assert after.span.end_col - after.span.col == len('"Não posso ajudar com isso "') + 2


def test_resource_meta_from_json():
    parsed = parse("g.json", load("bedrock-guardrail.json"))
    version = next(r for r in parsed.resources if r.address == "GuardrailVersion")
    assert version.meta == {
        "syntax": "json", "deletion_policy": "Retain", "update_replace_policy": "Retain",
        "depends_on": ["Guardrail"], "metadata": {"cfn-lint": {"config": {"ignore_checks": ["W3005"]}}},
    }
    assert version.native("Description").raw is None
    assert not version.native("Description").absent


def test_blocks():
    parsed = parse("nb.yaml", load("sagemaker-notebook.yaml"))
    assert set(parsed.blocks) == {"Parameters", "Conditions", "Outputs", "Template"}
    env = parsed.blocks["Parameters"]["Env"]
    assert (env.kind, env.native_type, env.address) == ("", "Parameters", "Env")
    assert {k: v.plain() for k, v in env.attrs.items()} == {
        "Type": "String", "AllowedValues": ["dev", "prod"], "Default": "dev"}
    condition = parsed.blocks["Conditions"]["HasKmsKey"]
    assert list(condition.attrs) == ["Condition"]
    assert condition.attrs["Condition"].plain() == {"Fn::Not": [{"Fn::Equals": [{"Ref": "KmsKey"}, ""]}]}
    template = parsed.blocks["Template"][""]
    assert template.attrs["AWSTemplateFormatVersion"].raw == "2010-09-09"
    assert template.attrs["Description"].raw.startswith("SageMaker notebook for the data-science team (équipe")
    assert parsed.blocks["Outputs"]["NotebookArn"].attrs["Value"].plain() == {"Ref": "Notebook"}

    sam = parse("sam.yaml", load("sam-inference.yaml"))
    assert sam.blocks["Template"][""].attrs["Transform"].raw == "AWS::Serverless-2016-10-31"
    assert sam.blocks["Globals"]["Function"].attrs["Runtime"].raw == "python3.12"
    function = sam.resources[0]
    assert (function.native_type, function.kind) == ("AWS::Serverless::Function", "")
    assert function.native("Events.Predict.Properties.Path").raw == "/predict"

    domain = parse("d.yaml", load("sagemaker-domain.yaml"))
    assert domain.blocks["Template"][""].attrs["AWSTemplateFormatVersion"].raw == "2010-09-09"  # unquoted date
    assert domain.blocks["Mappings"]["RegionMap"].attrs["us-east-1"].plain() == {
        "ImageName": "sagemaker-distribution", "Version": 1.4}
    assert "ExecutionRoleArn" in domain.blocks["Parameters"]  # a quoted key


def test_insertions():
    data = load("sagemaker-notebook.yaml")
    nb = next(r for r in parse("nb.yaml", data).resources if r.address == "Notebook")
    body = nb.insertions[""]
    assert body.indent == "      "
    assert data[body.offset:].startswith(b"\n  LifecycleConfig:")  # after the last Tags line
    imds = nb.insertions["InstanceMetadataServiceConfiguration"]
    assert imds.indent == "        "
    assert data[imds.offset:].startswith(b"      Tags:")
    assert nb.insertions["Tags"].indent == "          "  # the first list item's mapping
    assert "Tags.1" in nb.insertions
    assert "RoleArn" not in nb.insertions and "KmsKeyId" not in nb.insertions  # intrinsics

    monitoring = parse("m.yaml", load("sagemaker-monitoring.yaml"))
    mq = next(r for r in monitoring.resources if r.address == "ModelQualityJob")
    assert "StoppingCondition" not in mq.insertions  # a flow mapping
    assert "ModelQualityJobOutputConfig.MonitoringOutputs.S3Output" not in mq.insertions
    cluster = mq.insertions["JobResources.ClusterConfig"]
    assert cluster.indent == " " * 10

    role = next(r for r in parse("nb.yaml", data).resources if r.address == "SageMakerRole")
    assert "AssumeRolePolicyDocument.Statement" in role.insertions  # "- Effect:" item
    assert role.insertions["AssumeRolePolicyDocument.Statement"].indent == " " * 12

    parsed = parse("x.yaml", b"Resources:\n  A:\n    Type: AWS::S3::Bucket\n  B:\n    Type: AWS::S3::Bucket\n"
                             b"    Properties: {}\n")
    assert [r.insertions for r in parsed.resources] == [{}, {}]

    data = load("sagemaker-endpoint.json")
    config = next(r for r in parse("ep.json", data).resources if r.address == "EndpointConfig")
    capture = config.insertions["DataCaptureConfig"]
    assert capture.indent == " " * 10
    assert data[capture.offset:].startswith(b"        }\n      }")


def test_anchors_aliases_and_merge_keys():
    parsed = parse("a.yaml", load("anchors.yaml"))
    bias = next(r for r in parsed.resources if r.address == "ModelBias")
    assert bias.native("RoleArn").raw == "arn:aws:iam::123456789012:role/monitoring"
    assert bias.native("JobResources.ClusterConfig").plain() == {
        "InstanceCount": 1, "InstanceType": "ml.m5.2xlarge", "VolumeSizeInGB": 30,
        "VolumeKmsKeyId": {"Ref": "KmsKeyArn"}}
    assert bias.native("NetworkConfig.EnableNetworkIsolation").raw is False
    assert bias.native("NetworkConfig.EnableInterContainerTrafficEncryption").raw is True
    explain = next(r for r in parsed.resources if r.address == "ModelExplainability")
    assert explain.native("JobResources.ClusterConfig.InstanceType").raw == "ml.m5.xlarge"
    # merge keys follow the YAML specification: the first merged mapping wins
    doc = reader.read(b"a: &a {x: 1, y: 1}\nb: &b {x: 2}\nc: {<<: [*a, *b]}\nd: {<<: [*b, *a]}\n")
    assert reader.plain(doc.root)["c"] == {"x": 1, "y": 1}
    assert reader.plain(doc.root)["d"] == {"x": 2, "y": 1}


def test_scalar_types_follow_yaml_1_1_as_cfn_lint():
    doc = reader.read(b"a: yes\nb: 0x10\nc: 1e3\nd: 1.5e+3\ne: ~\nf: 2024-01-02\ng: '010'\nh: 010\ni: .inf\n"
                      b"j: !!str 12\nk: 1_000\n")
    assert reader.plain(doc.root) == {"a": True, "b": 16, "c": "1e3", "d": 1500.0, "e": None, "f": "2024-01-02",
                                      "g": "010", "h": 8, "i": float("inf"), "j": "12", "k": 1000}


def test_short_forms():
    doc = reader.read(b"a: !Ref 12\nb: !GetAtt [A, B.C]\nc: !GetAtt A.B.C\nd: !GetAZs\ne: !Condition C\n"
                      b"f: !Sub [x, {y: z}]\ng: !Transform {Name: M}\nh: !If [c, !Ref A, !Ref AWS::NoValue]\n")
    assert doc.issues == []
    assert reader.plain(doc.root) == {
        "a": {"Ref": "12"}, "b": {"Fn::GetAtt": ["A", "B.C"]}, "c": {"Fn::GetAtt": ["A", "B.C"]},
        "d": {"Fn::GetAZs": ""}, "e": {"Condition": "C"}, "f": {"Fn::Sub": ["x", {"y": "z"}]},
        "g": {"Fn::Transform": {"Name": "M"}},
        "h": {"Fn::If": ["c", {"Ref": "A"}, {"Ref": "AWS::NoValue"}]},
    }


# --- errors and bounds -----------------------------------------------------------------------------


def issues(data: bytes):
    parsed = parse("bad.yaml", data)
    assert parsed.resources == ()
    return [(i.span.line, i.span.col, i.message) for i in parsed.issues]


def test_syntax_errors_are_located():
    [(line, col, message)] = issues(b"Resources:\n  A:\n    Type: AWS::S3::Bucket\n    Properties: [a, b\n")
    assert line == 5 and "',' or ']'" in message
    [(line, col, message)] = issues(b'{\n  "Resources": {\n    "A": {"Type": "AWS::S3::Bucket" "X": 1}\n  }\n}\n')
    assert (line, col) == (3, 37) and "delimiter" in message
    [(line, _, message)] = issues(b"Resources:\n  A: !Foo x\n")
    assert line == 2 and "unknown tag !Foo" in message
    [(line, _, message)] = issues(b"a: !!python/object:os.system x\n")
    assert "unsupported YAML tag !!python/object:os.system" in message
    [(_, _, message)] = issues(b"a: !!binary aGVsbG8=\n")
    assert "!!binary" in message
    [(line, _, message)] = issues(b"a: 1\n---\nb: 2\n")
    assert line == 2 and "single document" in message
    [(line, col, message)] = issues(b"Description: \xc3\xa9\nResources: \xff\n")
    assert (line, col, message) == (2, 12, "the file is not UTF-8 text")
    [(_, _, message)] = issues(b"- a\n- b\n")
    assert "not a mapping" in message
    assert parse("e.yaml", b"").issues == () and parse("e.yaml", b"# only a comment\n").issues == ()


def test_duplicate_keys_are_issues_and_the_last_wins():
    data = b"Resources:\n  A:\n    Type: AWS::S3::Bucket\n    Properties:\n      X: 1\n      X: 2\n"
    parsed = parse("d.yaml", data)
    [issue] = parsed.issues
    assert (issue.span.line, issue.span.col) == (6, 7)
    assert issue.message.startswith("duplicate key 'X' (also on line 5)")
    assert parsed.resources[0].native("X").raw == 2
    parsed = parse("d.json", b'{"Resources": {"A": {"Type": "AWS::S3::Bucket", "Type": "AWS::S3::Bucket"}}}')
    assert len(parsed.issues) == 1 and parsed.resources[0].address == "A"


def test_alias_bomb_is_bounded():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 12):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    data = ("\n".join(lines) + "\nResources: {}\n").encode()
    [(_, _, message)] = issues(data)  # refused by the expansion bound, not after expanding 10**12 nodes
    assert "alias" in message
    [(_, _, message)] = issues(b"a: &a [*a]\n")
    assert "recursive" in message
    [(_, _, message)] = issues(b"a: " + b"[" * 150 + b"]" * 150 + b"\n")
    assert "nested more than" in message
    [(_, _, message)] = issues(b"a: " + b"[" * 5000 + b"]" * 5000 + b"\n")  # libyaml's own limit
    assert "nesting" in message or "nested" in message
    deep_json = b'{"a": ' + b"[" * 150 + b"]" * 150 + b"}"
    [(_, _, message)] = issues(deep_json)
    assert "nested more than" in message


def test_no_code_runs():
    # PyYAML's unsafe tags are refused, never constructed
    for text in (b"a: !!python/name:os.system\n", b"a: !!python/object/apply:os.system [echo]\n",
                 b"!!python/object/new:dict {}\n"):
        parsed = parse("x.yaml", text)
        assert len(parsed.issues) == 1 and "unsupported YAML tag" in parsed.issues[0].message


def test_large_template_parses():
    body = load("sagemaker-monitoring.yaml").decode().split("Resources:\n", 1)[1]
    resources = "".join(body.replace("DataQualityJob:", f"DQ{i}:").replace("ModelQualityJob:", f"MQ{i}:")
                        .replace("Schedule:", f"S{i}:") for i in range(14))
    data = ("Resources:\n" + resources).encode()
    assert data.count(b"\n") > 900
    parsed = parse("big.yaml", data)
    assert len(parsed.resources) == 42 and parsed.issues == ()


# --- detection -------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", FILES, ids=os.path.basename)
def test_fixtures_are_detected(path):
    with open(path, "rb") as handle:
        assert detect(handle.read())


DETECTED = {
    "only-resources": b"Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n",
    "custom": b'{"Resources": {"Setup": {"Type": "Custom::Setup", "Properties": {}}}}',
    "alexa": b"Resources:\n  Skill:\n    Type: Alexa::ASK::Skill\n",
    "version-only": b"AWSTemplateFormatVersion: '2010-09-09'\n",
    "broken": b"AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  A: [\n",
    "broken-without-version": b"Resources:\n  A:\n    Type: AWS::S3::Bucket\n    Properties: {\n",
}
NOT_DETECTED = {
    "kubernetes": (b"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  annotations:\n"
                   b"    note: created from AWS::CloudFormation\nspec:\n  replicas: 2\n---\napiVersion: v1\n"
                   b"kind: Service\n"),
    "github-workflow": (b"name: deploy\non: [push]\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n"
                        b"      - run: aws cloudformation deploy --template-file t.yaml # AWS::Serverless\n"),
    "package-json": b'{"name": "app", "version": "1.0.0", "dependencies": {"aws-cdk-lib": "2.0.0"}}',
    "openapi": (b"openapi: 3.0.0\ninfo: {title: api, version: '1'}\npaths:\n  /x:\n    get:\n"
                b"      x-amazon-apigateway-integration: {type: AWS::Lambda}\n"),
    "resources-not-aws": b"Resources:\n  thing:\n    Type: Deployment\n",
    "nested-version": b"Metadata:\n  AWSTemplateFormatVersion: x\n",
    "cdk-json": b'{"app": "npx ts-node bin/app.ts", "context": {"AWS::Region": "x"}}',
    "binary": b"\x00\xff\xfe AWS::",
    "empty": b"",
}


@pytest.mark.parametrize("name", DETECTED)
def test_detected(name):
    assert detect(DETECTED[name])


@pytest.mark.parametrize("name", NOT_DETECTED)
def test_not_detected(name):
    assert not detect(NOT_DETECTED[name])
