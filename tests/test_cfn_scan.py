"""CloudFormation in the scan: found by content, evaluated, judged under each condition outcome."""
from __future__ import annotations

import json

from analyzer.engine import discover, scan
from analyzer.main import run

TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Bucket:
    Type: AWS::S3::Bucket
"""


def test_templates_are_found_by_content_whatever_their_name(tmp_path):
    (tmp_path / "stack.yaml").write_text(TEMPLATE)
    (tmp_path / "infra.template").write_text(TEMPLATE)
    (tmp_path / "sam.yml").write_text("Transform: AWS::Serverless-2016-10-31\nResources:\n"
                                      "  Fn:\n    Type: AWS::Serverless::Function\n")
    (tmp_path / "stack.json").write_text(json.dumps({"Resources": {"B": {"Type": "AWS::S3::Bucket"}}}, indent=2))
    (tmp_path / "deployment.yaml").write_text("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\n")
    (tmp_path / "package.json").write_text('{"name": "x", "description": "AWS::S3::Bucket helper"}\n')
    (tmp_path / "workflow.yml").write_text("on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n")
    targets, skipped = discover([str(tmp_path)], str(tmp_path))
    assert [(t.relative, t.framework) for t in targets] == [
        ("infra.template", "cloudformation"), ("sam.yml", "cloudformation"),
        ("stack.json", "cloudformation"), ("stack.yaml", "cloudformation")]
    assert skipped == []


def test_a_broken_template_is_a_parse_error_and_the_scan_goes_on(tmp_path):
    (tmp_path / "broken.yaml").write_text(TEMPLATE + "  Other:\n    Type: [unclosed\n")
    (tmp_path / "fine.yaml").write_text(TEMPLATE)
    result = scan([str(tmp_path)])
    assert [(f.rule_id, f.path) for f in result.findings] == [("AIP900", "broken.yaml")]
    assert result.files == ["broken.yaml", "fine.yaml"]


def test_cfn_parameters_file_errors_are_one_line(tmp_path, capsys):
    (tmp_path / "stack.yaml").write_text(TEMPLATE)
    (tmp_path / "params.json").write_text('{"Env": "prod"}')
    assert run(["scan", str(tmp_path / "stack.yaml"), "--cfn-parameters", str(tmp_path / "params.json")]) == 2
    error = capsys.readouterr().err
    assert error.startswith("aiposture: error: --cfn-parameters: ") and error.count("\n") == 1


def test_undecidable_conditions_missing_defaults_macros_and_nested_stacks_give_no_false_positive():
    # the case: every finding is true under the outcome it names, everything else unknown
    result = scan(["fixtures/cloudformation-eval/ml-stack.yaml"])
    assert [(f.rule_id, f.span.line, f.message) for f in result.findings] == [
        ("AIP104", 39, "`KmsKeyId` is not set (when condition `HasKey` is false)"),
        ("AIP105", 39, "`InstanceMetadataServiceConfiguration.MinimumInstanceMetadataServiceVersion` is not set, "
                       "so the provider default \"1\" applies; it should be \"2\""),
    ]
    assert [(f.rule_id, f.span.line, f.resource) for f in result.unknowns] == [
        ("AIP104", 46, "Notebook"),  # `!Ref KmsKeyArn`: a parameter with no default
        ("AIP112", 56, "Model"),  # the AddNetworkIsolation macro may add what is absent
        ("AIP113", 56, "Model"),
    ]
    assert "when condition `HasKey` is true" in result.unknowns[0].message
    assert all("unless the AddNetworkIsolation transform adds it" in f.message for f in result.unknowns[1:])


def test_parameters_from_the_command_line_decide_conditions(tmp_path, capsys):
    parameters = tmp_path / "params.json"
    parameters.write_text(json.dumps([{"ParameterKey": "KmsKeyArn", "ParameterValue": "arn:aws:kms:us-east-1:1:key/k"},
                                      {"ParameterKey": "Environment", "ParameterValue": "prod"}]))
    assert run(["scan", "fixtures/cloudformation-eval/ml-stack.yaml", "--cfn-parameters", str(parameters),
                "--format", "json", "--show-unknown", "--select", "AIP104"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["findings"] == [] and report["unknowns"] == []
