"""SageMaker pipeline definitions written inside Terraform and CloudFormation are checked like a
definition file: each job is a resource, reported where the definition is written."""
from __future__ import annotations

import json

from analyzer.engine import scan

ARGUMENTS = {
    "AlgorithmSpecification": {"TrainingImage": "111122223333.dkr.ecr.us-east-1.amazonaws.com/train:1",
                               "TrainingInputMode": "File"},
    "RoleArn": "arn:aws:iam::111122223333:role/train",
    "OutputDataConfig": {"S3OutputPath": "s3://bucket/out", "KmsKeyId": "arn:aws:kms:us-east-1:111122223333:key/k"},
    "ResourceConfig": {"InstanceCount": 1, "InstanceType": "ml.m5.xlarge", "VolumeSizeInGB": 30,
                       "VolumeKmsKeyId": "arn:aws:kms:us-east-1:111122223333:key/k"},
    "VpcConfig": {"Subnets": ["subnet-1"], "SecurityGroupIds": ["sg-1"]},
    "EnableInterContainerTrafficEncryption": True,
    "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
}
DEFINITION = {"Version": "2020-12-01", "Steps": [{"Name": "Train", "Type": "Training", "Arguments": ARGUMENTS}]}


def jobs_findings(result):
    return [(f.rule_id, f.path, f.span.line, f.resource) for f in result.findings if f.rule_id.startswith("AIP13")]


def test_a_terraform_pipeline_definition_is_checked(tmp_path, monkeypatch):
    (tmp_path / "main.tf").write_text(
        'resource "aws_sagemaker_pipeline" "training" {\n'
        '  pipeline_name         = "training"\n'
        '  pipeline_display_name = "training"\n'
        '  role_arn              = "arn:aws:iam::111122223333:role/pipeline"\n'
        f'  pipeline_definition   = jsonencode({json.dumps(DEFINITION)})\n'
        '}\n')
    monkeypatch.chdir(tmp_path)
    # the one control the definition leaves out: network isolation (absent means false)
    assert jobs_findings(scan(["."])) == [("AIP130", "main.tf", 5, "aws_sagemaker_pipeline.training/Train")]


def test_a_cloudformation_pipeline_definition_is_checked(tmp_path, monkeypatch):
    body = json.dumps(DEFINITION).replace('"EnableInterContainerTrafficEncryption": true',
                                          '"EnableInterContainerTrafficEncryption": false')
    (tmp_path / "template.yaml").write_text(
        'AWSTemplateFormatVersion: "2010-09-09"\n'
        'Resources:\n'
        '  Training:\n'
        '    Type: AWS::SageMaker::Pipeline\n'
        '    Properties:\n'
        '      PipelineName: training\n'
        '      RoleArn: arn:aws:iam::111122223333:role/pipeline\n'
        '      PipelineDefinition:\n'
        f"        PipelineDefinitionBody: '{body}'\n")
    monkeypatch.chdir(tmp_path)
    assert jobs_findings(scan(["."])) == [("AIP130", "template.yaml", 9, "Training/Train"),
                                          ("AIP131", "template.yaml", 9, "Training/Train")]
