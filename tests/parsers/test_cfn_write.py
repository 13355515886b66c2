"""parsers.cloudformation.write: every change as the exact text it produces, in YAML and JSON.

Every produced text re-parses with our parser (no issues) and the value read back through
Resource.native is the value that was set (or absent after a remove); cfn-lint reports no new
error on the fixed template.
"""
from __future__ import annotations

import textwrap
from dataclasses import dataclass

import pytest

from analyzer.check import Placeholder
from analyzer.fix import NativeRemove, NativeSet, WriteError, apply_edits
from parsers.cloudformation.parse import parse
from parsers.cloudformation.write import declared_variables, edits, parameter_name


def text(block: str) -> str:
    return textwrap.dedent(block).lstrip("\n")


@dataclass
class Case:
    id: str
    before: str
    change: NativeSet | NativeRemove
    after: str
    address: str = "Nb"


NOTEBOOK = text("""
    AWSTemplateFormatVersion: "2010-09-09"
    Resources:
      # the notebook
      Nb:
        Type: AWS::SageMaker::NotebookInstance
        Properties:
          InstanceType: ml.t3.medium  # small
          RoleArn: arn:aws:iam::123456789012:role/r
          DirectInternetAccess: 'Enabled'
          RootAccess: "Enabled"
          VolumeSizeInGB: 20
          InstanceMetadataServiceConfiguration:
            MinimumInstanceMetadataServiceVersion: "1"
      Bucket:
        Type: AWS::S3::Bucket
    """)


def notebook(*replacements: tuple[str, str]) -> str:
    out = NOTEBOOK
    for old, new in replacements:
        assert old in out, old
        out = out.replace(old, new, 1)
    return out


CASES = [
    Case("replace-single-quoted", NOTEBOOK, NativeSet("DirectInternetAccess", "Disabled"),
         notebook(("'Enabled'", "'Disabled'"))),
    Case("replace-double-quoted", NOTEBOOK, NativeSet("RootAccess", "Disabled"),
         notebook(('"Enabled"', '"Disabled"'))),
    Case("replace-plain-keeps-comment", NOTEBOOK, NativeSet("InstanceType", "ml.t3.large"),
         notebook(("ml.t3.medium  # small", "ml.t3.large  # small"))),
    Case("replace-number", NOTEBOOK, NativeSet("VolumeSizeInGB", 50), notebook(("GB: 20", "GB: 50"))),
    Case("replace-nested", NOTEBOOK,
         NativeSet("InstanceMetadataServiceConfiguration.MinimumInstanceMetadataServiceVersion", "2"),
         notebook(('Version: "1"', 'Version: "2"'))),
    Case("plain-string-that-reads-as-a-number-is-quoted", NOTEBOOK, NativeSet("InstanceType", "1"),
         notebook(("ml.t3.medium  # small", "'1'  # small"))),
    Case("insert-after-the-last-property", NOTEBOOK, NativeSet("KmsKeyId", "alias/nb"),
         notebook(('Version: "1"\n', 'Version: "1"\n      KmsKeyId: alias/nb\n'))),
    Case("insert-boolean-and-quoted-strings", NOTEBOOK, NativeSet("Tags", [{"Key": "true", "Value": "a: b"}]),
         notebook(('Version: "1"\n', "Version: \"1\"\n      Tags:\n        - Key: 'true'\n          Value: 'a: b'\n"))),
    Case("insert-into-a-nested-mapping", NOTEBOOK,
         NativeSet("InstanceMetadataServiceConfiguration.Other", True),
         notebook(('Version: "1"\n', 'Version: "1"\n        Other: true\n'))),
    Case("create-nested-mappings", notebook(('      InstanceMetadataServiceConfiguration:\n'
                                             '        MinimumInstanceMetadataServiceVersion: "1"\n', "")),
         NativeSet("InstanceMetadataServiceConfiguration.MinimumInstanceMetadataServiceVersion", "2"),
         notebook(('Version: "1"', "Version: '2'"))),
    Case("create-properties", NOTEBOOK, NativeSet("VersioningConfiguration.Status", "Enabled"),
         NOTEBOOK + "    Properties:\n      VersioningConfiguration:\n        Status: Enabled\n", "Bucket"),
    Case("create-properties-with-lists", NOTEBOOK, NativeSet("Tags", [{"Key": "a", "Value": "b"}, {"Key": "c", "Value": "d"}]),
         NOTEBOOK + "    Properties:\n      Tags:\n        - Key: a\n          Value: b\n        - Key: c\n          Value: d\n", "Bucket"),
    Case("remove-line-with-its-comment", NOTEBOOK, NativeRemove("InstanceType"),
         notebook(("      InstanceType: ml.t3.medium  # small\n", ""))),
    Case("remove-nested-mapping", NOTEBOOK, NativeRemove("InstanceMetadataServiceConfiguration"),
         notebook(('      InstanceMetadataServiceConfiguration:\n        MinimumInstanceMetadataServiceVersion: "1"\n',
                   ""))),
    Case("remove-the-only-entry-leaves-an-empty-mapping", NOTEBOOK,
         NativeRemove("InstanceMetadataServiceConfiguration.MinimumInstanceMetadataServiceVersion"),
         notebook(('Configuration:\n        MinimumInstanceMetadataServiceVersion: "1"', "Configuration: {}"))),
    Case("remove-absent-is-nothing", NOTEBOOK, NativeRemove("KmsKeyId"), NOTEBOOK),
    Case("set-same-is-nothing", NOTEBOOK, NativeSet("DirectInternetAccess", "Enabled"), NOTEBOOK),
    Case("flow-mapping-insert",
         "Resources:\n  Nb:\n    Type: AWS::SageMaker::NotebookInstance\n"
         "    Properties: {InstanceType: ml.t3.medium, RoleArn: r}\n",
         NativeSet("DirectInternetAccess", "Disabled"),
         "Resources:\n  Nb:\n    Type: AWS::SageMaker::NotebookInstance\n"
         "    Properties: {InstanceType: ml.t3.medium, RoleArn: r, DirectInternetAccess: Disabled}\n"),
    Case("flow-mapping-remove",
         "Resources:\n  Nb:\n    Type: AWS::SageMaker::NotebookInstance\n"
         "    Properties: {InstanceType: ml.t3.medium, RootAccess: Enabled, RoleArn: r}\n",
         NativeRemove("RootAccess"),
         "Resources:\n  Nb:\n    Type: AWS::SageMaker::NotebookInstance\n"
         "    Properties: {InstanceType: ml.t3.medium, RoleArn: r}\n"),
    Case("null-properties-are-filled",
         "Resources:\n  Nb:\n    Type: AWS::SageMaker::NotebookInstance\n    Properties:\n",
         NativeSet("RootAccess", "Disabled"),
         "Resources:\n  Nb:\n    Type: AWS::SageMaker::NotebookInstance\n    Properties:\n      RootAccess: Disabled\n"),
    Case("crlf-and-no-final-newline",
         "Resources:\r\n  Nb:\r\n    Type: AWS::SageMaker::Model\r\n    Properties:\r\n      ExecutionRoleArn: r",
         NativeSet("VpcConfig", {"SecurityGroupIds": ["sg-0123456789abcdef0"], "Subnets": ["subnet-12345678"]}),
         "Resources:\r\n  Nb:\r\n    Type: AWS::SageMaker::Model\r\n    Properties:\r\n      ExecutionRoleArn: r"
         "\r\n      VpcConfig:\r\n        SecurityGroupIds: [sg-0123456789abcdef0]\r\n        Subnets: [subnet-12345678]\r\n"),
    Case("four-space-indentation",
         "Resources:\n    Nb:\n        Type: AWS::SageMaker::Model\n        Properties:\n            A: b\n",
         NativeSet("VpcConfig.Subnets", ["s"]),
         "Resources:\n    Nb:\n        Type: AWS::SageMaker::Model\n        Properties:\n            A: b\n"
         "            VpcConfig:\n                Subnets: [s]\n"),
    Case("list-item-by-index",
         "Resources:\n  Nb:\n    Type: AWS::SageMaker::EndpointConfig\n    Properties:\n      ProductionVariants:\n"
         "        - VariantName: a\n          InstanceType: ml.m5.large\n        - VariantName: b\n",
         NativeSet("ProductionVariants.1.InstanceType", "ml.m5.xlarge"),
         "Resources:\n  Nb:\n    Type: AWS::SageMaker::EndpointConfig\n    Properties:\n      ProductionVariants:\n"
         "        - VariantName: a\n          InstanceType: ml.m5.large\n        - VariantName: b\n"
         "          InstanceType: ml.m5.xlarge\n"),
    Case("remove-first-key-of-a-list-item",
         "Resources:\n  Nb:\n    Type: AWS::SageMaker::EndpointConfig\n    Properties:\n      ProductionVariants:\n"
         "        - InstanceType: ml.m5.large\n          VariantName: a\n",
         NativeRemove("ProductionVariants.0.InstanceType"),
         "Resources:\n  Nb:\n    Type: AWS::SageMaker::EndpointConfig\n    Properties:\n      ProductionVariants:\n"
         "        - VariantName: a\n"),
    Case("placeholder-into-existing-parameters",
         "Parameters:\n  Env:\n    Type: String\nResources:\n  Nb:\n    Type: AWS::SageMaker::NotebookInstance\n"
         "    Properties:\n      RoleArn: r\n",
         NativeSet("KmsKeyId", Placeholder("kms_key_arn")),
         "Parameters:\n  Env:\n    Type: String\n  KmsKeyArn:\n    Type: String\n"
         "    Description: ARN of the KMS key (asked for by an aiposture fix)\n"
         "Resources:\n  Nb:\n    Type: AWS::SageMaker::NotebookInstance\n"
         "    Properties:\n      RoleArn: r\n      KmsKeyId: !Ref KmsKeyArn\n"),
    Case("placeholder-new-parameters-section",
         "Resources:\n  Nb:\n    Type: AWS::SageMaker::NotebookInstance\n    Properties:\n      RoleArn: r\n",
         NativeSet("SecurityGroupIds", Placeholder("security_group_ids")),
         "Parameters:\n  SecurityGroupIds:\n    Type: CommaDelimitedList\n"
         "    Description: IDs of the security groups (asked for by an aiposture fix)\n\n"
         "Resources:\n  Nb:\n    Type: AWS::SageMaker::NotebookInstance\n    Properties:\n      RoleArn: r\n"
         "      SecurityGroupIds: !Ref SecurityGroupIds\n"),
    Case("placeholder-parameter-already-declared",
         "Parameters:\n  KmsKeyArn:\n    Type: String\nResources:\n  Nb:\n    Type: AWS::SageMaker::NotebookInstance\n"
         "    Properties:\n      KmsKeyId: alias/x\n",
         NativeSet("KmsKeyId", Placeholder("kms_key_arn")),
         "Parameters:\n  KmsKeyArn:\n    Type: String\nResources:\n  Nb:\n    Type: AWS::SageMaker::NotebookInstance\n"
         "    Properties:\n      KmsKeyId: !Ref KmsKeyArn\n"),
]

JSON_BEFORE = text("""
    {
      "Resources": {
        "Nb": {
          "Type": "AWS::SageMaker::NotebookInstance",
          "Properties": {
            "InstanceType": "ml.t3.medium",
            "RoleArn": "arn:aws:iam::123456789012:role/r",
            "DirectInternetAccess": "Enabled",
            "Tags": [{"Key": "a", "Value": "b"}]
          }
        },
        "Bucket": {"Type": "AWS::S3::Bucket"}
      }
    }
    """)


def json_after(*replacements: tuple[str, str]) -> str:
    out = JSON_BEFORE
    for old, new in replacements:
        assert old in out, old
        out = out.replace(old, new, 1)
    return out


CASES += [
    Case("json-replace", JSON_BEFORE, NativeSet("DirectInternetAccess", "Disabled"),
         json_after(('"Enabled"', '"Disabled"'))),
    Case("json-insert", JSON_BEFORE, NativeSet("RootAccess", "Disabled"),
         json_after(('"b"}]\n', '"b"}],\n        "RootAccess": "Disabled"\n'))),
    Case("json-insert-nested", JSON_BEFORE,
         NativeSet("InstanceMetadataServiceConfiguration.MinimumInstanceMetadataServiceVersion", "2"),
         json_after(('"b"}]\n', '"b"}],\n        "InstanceMetadataServiceConfiguration": {\n'
                     '          "MinimumInstanceMetadataServiceVersion": "2"\n        }\n'))),
    Case("json-insert-list", JSON_BEFORE, NativeSet("SecurityGroupIds", ["sg-1"]),
         json_after(('"b"}]\n', '"b"}],\n        "SecurityGroupIds": [\n          "sg-1"\n        ]\n'))),
    Case("json-one-line-object", JSON_BEFORE, NativeSet("BucketName", "x"),
         json_after(('{"Type": "AWS::S3::Bucket"}', '{"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "x"}}')),
         "Bucket"),
    Case("json-remove-last", JSON_BEFORE, NativeRemove("Tags"),
         json_after((',\n        "Tags": [{"Key": "a", "Value": "b"}]', ""))),
    Case("json-remove-first", JSON_BEFORE, NativeRemove("InstanceType"),
         json_after(('        "InstanceType": "ml.t3.medium",\n', ""))),
    Case("json-placeholder", JSON_BEFORE, NativeSet("KmsKeyId", Placeholder("kms_key_arn")),
         json_after(('"b"}]\n', '"b"}],\n        "KmsKeyId": {\n          "Ref": "KmsKeyArn"\n        }\n'),
                    ('"AWS::S3::Bucket"}\n  }\n}\n', '"AWS::S3::Bucket"}\n  },\n  "Parameters": {\n    "KmsKeyArn": {\n'
                     '      "Type": "String",\n      "Description": "ARN of the KMS key (asked for by an aiposture fix)"\n'
                     '    }\n  }\n}\n'))),
]


def path_of(case: Case) -> str:
    return "t.json" if case.before.lstrip().startswith("{") else "t.yaml"


def run(case: Case) -> bytes:
    data = case.before.encode()
    parsed = parse(path_of(case), data)
    assert parsed.issues == ()
    resource = next(r for r in parsed.resources if r.address == case.address)
    return apply_edits(data, edits(parsed, data, resource, case.change))


def expected_plain(value):
    if isinstance(value, Placeholder):
        return {"Ref": parameter_name(value.name)}
    if isinstance(value, dict):
        return {k: expected_plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [expected_plain(v) for v in value]
    return value


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_exact_text(case):
    after = run(case)
    assert after.decode() == case.after
    parsed = parse(path_of(case), after)
    assert parsed.issues == ()
    resource = next(r for r in parsed.resources if r.address == case.address)
    value = resource.native(case.change.path)
    if isinstance(case.change, NativeRemove):
        assert value.absent
    else:
        assert value.plain() == expected_plain(case.change.value)
    if isinstance(case.change, NativeSet) and isinstance(case.change.value, Placeholder):
        name = parameter_name(case.change.value.name)
        assert parsed.blocks["Parameters"][name].attrs["Type"].raw in ("String", "CommaDelimitedList")


def error_matches(template: str) -> set[tuple[str, str]]:
    api = pytest.importorskip("cfnlint.api")
    found = api.lint(template, config=api.ManualArgs(regions=["us-east-1"]))
    return {(m.rule.id, m.message) for m in found if m.rule.id.startswith("E")}


LINTED = ["replace-single-quoted", "insert-after-the-last-property", "create-nested-mappings", "create-properties",
          "create-properties-with-lists", "placeholder-new-parameters-section",
          "placeholder-into-existing-parameters", "json-insert-nested", "json-placeholder", "json-remove-last",
          "flow-mapping-insert", "crlf-and-no-final-newline"]


@pytest.mark.parametrize("case", [c for c in CASES if c.id in LINTED], ids=lambda c: c.id)
def test_cfn_lint_finds_no_new_error(case):
    before = error_matches(case.before)
    after = error_matches(run(case).decode())
    # line numbers move; compare rule ids and messages
    assert after - before == set()


# --- refusals --------------------------------------------------------------------------------------


REFUSED = text("""
    Conditions:
      C: !Equals [a, b]
    Resources:
      Nb:
        Type: AWS::SageMaker::NotebookInstance
        Properties:
          KmsKeyId: !If [C, k, !Ref AWS::NoValue]
          VpcConfig: !If [C, {Subnets: [a]}, !Ref AWS::NoValue]
          RoleArn: {"Fn::GetAtt": [R, Arn]}
          Shared: &s {A: 1}
          Other: *s
          Tags: []
          Name: x
    """)


@pytest.mark.parametrize("change, reason", [
    (NativeSet("VpcConfig.Subnets", ["b"]), "intrinsic function (!If)"),
    (NativeSet("KmsKeyId", "alias/x"), "intrinsic function (!If)"),
    (NativeSet("RoleArn", "arn"), "intrinsic function (Fn::GetAtt)"),
    (NativeSet("Other.A", 2), "anchor or alias"),
    (NativeSet("Shared.B", 2), "anchor or alias"),
    (NativeSet("Tags.Key", "k"), "empty list"),
    (NativeSet("Name.X", "k"), "is a value, not a mapping"),
    (NativeSet("Name", float("nan")), "cannot be written"),
    (NativeSet("Name", {1, 2}), "cannot write a set"),
    (NativeSet("VpcConfig.0", "x"), "intrinsic function"),
])
def test_refusals(change, reason):
    data = REFUSED.encode()
    parsed = parse("r.yaml", data)
    assert parsed.issues == ()
    with pytest.raises(WriteError, match=reason.replace("(", r"\(").replace(")", r"\)")):
        edits(parsed, data, parsed.resources[0], change)


def test_a_file_with_issues_is_refused():
    data = b"Resources:\n  Nb:\n    Type: AWS::S3::Bucket\n    Properties:\n      A: 1\n      A: 2\n"
    parsed = parse("d.yaml", data)
    with pytest.raises(WriteError, match="syntax errors"):
        edits(parsed, data, parsed.resources[0], NativeSet("B", 1))


def test_declared_variables_is_empty():
    assert declared_variables("anything") == frozenset()


@pytest.mark.parametrize("name, expected", [("kms_key_arn", "KmsKeyArn"), ("KmsKeyArn", "KmsKeyArn"),
                                            ("subnet-ids", "SubnetIds"), ("vpc", "Vpc")])
def test_parameter_names(name, expected):
    assert parameter_name(name) == expected


@pytest.mark.parametrize("value", ["true", "No", "1", "0x1F", "1.5", "null", "~", ":", "a: b", "a #b", "-x", "",
                                   " lead", "2024-01-01", "it's", "line\nbreak", "tab\there", "é", "@x", "*x",
                                   "&x", "!x", "%x", "`x", "{a}", "[a]", ".inf", "1_000", "190:20:30"])
def test_strings_round_trip(value):
    data = NOTEBOOK.encode()
    parsed = parse("t.yaml", data)
    nb = parsed.resources[0]
    for path in ("InstanceType", "DirectInternetAccess", "RootAccess", "NewKey"):
        after = apply_edits(data, edits(parsed, data, nb, NativeSet(path, value)))
        reparsed = parse("t.yaml", after)
        assert reparsed.issues == ()
        assert reparsed.resources[0].native(path).raw == value, (path, after)


def test_a_placeholder_parameter_never_takes_a_logical_id():
    source = text("""
        Resources:
          KmsKeyArn:
            Type: AWS::KMS::Key
          Agent:
            Type: AWS::Bedrock::Agent
            Properties:
              AgentName: support
        """).encode()
    parsed = parse("t.yaml", source)
    agent = next(r for r in parsed.resources if r.address == "Agent")
    fixed = apply_edits(source, edits(parsed, source, agent, NativeSet("CustomerEncryptionKeyArn",
                                                                       Placeholder("kms_key_arn"))))
    again = parse("t.yaml", fixed)
    assert set(again.blocks["Parameters"]) == {"KmsKeyArnParameter"}
    assert next(r for r in again.resources if r.address == "Agent").attrs[
        "CustomerEncryptionKeyArn"].plain() == {"Ref": "KmsKeyArnParameter"}
