"""SageMaker checks (AIP1xx), on Terraform and CloudFormation.

Sources for the provider defaults: ../shared/research/defaults.md section 1 (recorded as data in
analyzer/kinds.py, with the CloudFormation property names). Anchors:
../shared/research/anchor-checks.md section 1. CloudFormation also has model bias and model
explainability job definitions and monitoring schedules that define their job inline (no
Terraform resource): the monitoring job checks AIP114-AIP117 cover them. Flow definitions
(AIP118) have no CloudFormation resource type.
"""
from __future__ import annotations

import base64
import binascii
import re
from typing import Iterable, Iterator
from urllib.parse import urlsplit

from analyzer.check import (
    Applicability,
    Check,
    Context,
    Result,
    Severity,
    Status,
    all_of,
    bad,
    equals,
    good,
    name_of,
    placeholder,
    present,
    set_attr,
    shown,
    unknown_result,
    when,
)
from analyzer.model import Resource, Unknown, lookup

NOTEBOOK = "aws.sagemaker.notebook_instance"
DOMAIN = "aws.sagemaker.domain"
ENDPOINT_CONFIG = "aws.sagemaker.endpoint_configuration"
MODEL = "aws.sagemaker.model"
DATA_QUALITY_JOB = "aws.sagemaker.data_quality_job_definition"
MODEL_QUALITY_JOB = "aws.sagemaker.model_quality_job_definition"
MODEL_BIAS_JOB = "aws.sagemaker.model_bias_job_definition"  # CloudFormation only
MODEL_EXPLAINABILITY_JOB = "aws.sagemaker.model_explainability_job_definition"  # CloudFormation only
MONITORING_SCHEDULE = "aws.sagemaker.monitoring_schedule"  # CloudFormation only: its inline job definition
FLOW_DEFINITION = "aws.sagemaker.flow_definition"
FEATURE_GROUP = "aws.sagemaker.feature_group"
NOTEBOOK_LIFECYCLE = "aws.sagemaker.notebook_lifecycle_configuration"
STUDIO_LIFECYCLE = "aws.sagemaker.studio_lifecycle_config"

SH_DOC = "https://docs.aws.amazon.com/securityhub/latest/userguide/sagemaker-controls.html"
OWASP_ML = "owasp-ml"
SECURITY_HUB = "aws-securityhub"
CWE = "cwe"


def _present(path: str, consequence: str):
    """`present`, with a failure message that names the attribute as the file writes it."""

    def rule(resource: Resource, context: Context) -> Iterable[Result]:
        return present(path, f"`{name_of(resource, path)}` is not set: {consequence}")(resource, context)

    return rule


# --- notebook instances -------------------------------------------------------------------------

NOTEBOOK_DIRECT_INTERNET = Check(
    id="AIP101",
    name="sagemaker-notebook-direct-internet",
    title="SageMaker notebook instances have no direct internet access",
    severity=Severity.HIGH,
    kinds=(NOTEBOOK,),
    rule=equals("direct_internet_access", False),
    description=(
        "A notebook instance with direct internet access reaches the internet through a network "
        "interface SageMaker manages, outside your VPC's controls, so data and credentials can be "
        "sent anywhere. AWS enables it when `direct_internet_access` (CloudFormation "
        "`DirectInternetAccess`) is not set: an absent "
        "attribute is a finding (checkov and KICS pass it). Set it to \"Disabled\" and give the "
        "notebook a subnet whose routes and endpoints you control."
    ),
    remediation=set_attr("direct_internet_access", False),
    fix_safety=Applicability.UNSAFE,  # the notebook loses internet access; it needs a subnet with a route
    references=(
        "https://docs.aws.amazon.com/sagemaker/latest/dg/appendix-notebook-and-internet-access.html",
        SH_DOC,
    ),
    compliance={SECURITY_HUB: ("SageMaker.1",), OWASP_ML: ("ML06",)},
    anchors=("checkov CKV_AWS_122 (passes when absent)", "KICS 88d55d94-315d-4564-beee-d2d725feab11 (CloudFormation)",
             "cdk-nag SageMakerNotebookNoDirectInternetAccess"),
    examples=(
        bad("terraform", '''
            resource "aws_sagemaker_notebook_instance" "research" {
              name          = "research"
              role_arn      = aws_iam_role.sagemaker.arn
              instance_type = "ml.t3.medium"
              subnet_id     = aws_subnet.private.id
            }
        ''', fixed='''
            resource "aws_sagemaker_notebook_instance" "research" {
              name          = "research"
              role_arn      = aws_iam_role.sagemaker.arn
              instance_type = "ml.t3.medium"
              subnet_id     = aws_subnet.private.id
              direct_internet_access = "Disabled"
            }
        '''),
        bad("terraform", '''
            resource "aws_sagemaker_notebook_instance" "research" {
              name                   = "research"
              role_arn               = aws_iam_role.sagemaker.arn
              instance_type          = "ml.t3.medium"
              direct_internet_access = "Enabled"
            }
        ''', fixed='''
            resource "aws_sagemaker_notebook_instance" "research" {
              name                   = "research"
              role_arn               = aws_iam_role.sagemaker.arn
              instance_type          = "ml.t3.medium"
              direct_internet_access = "Disabled"
            }
        '''),
        bad("terraform", '''
            {
              "resource": {
                "aws_sagemaker_notebook_instance": {
                  "research": {
                    "name": "research",
                    "role_arn": "${aws_iam_role.sagemaker.arn}",
                    "instance_type": "ml.t3.medium",
                    "direct_internet_access": "Enabled"
                  }
                }
              }
            }
        ''', filename="main.tf.json", fixed='''
            {
              "resource": {
                "aws_sagemaker_notebook_instance": {
                  "research": {
                    "name": "research",
                    "role_arn": "${aws_iam_role.sagemaker.arn}",
                    "instance_type": "ml.t3.medium",
                    "direct_internet_access": "Disabled"
                  }
                }
              }
            }
        '''),
        good("terraform", '''
            resource "aws_sagemaker_notebook_instance" "research" {
              name                   = "research"
              role_arn               = aws_iam_role.sagemaker.arn
              instance_type          = "ml.t3.medium"
              subnet_id              = aws_subnet.private.id
              direct_internet_access = "Disabled"
            }
        '''),
        good("terraform", '''
            {
              "resource": {
                "aws_sagemaker_notebook_instance": {
                  "research": {
                    "name": "research",
                    "role_arn": "${aws_iam_role.sagemaker.arn}",
                    "instance_type": "ml.t3.medium",
                    "subnet_id": "${aws_subnet.private.id}",
                    "direct_internet_access": "Disabled"
                  }
                }
              }
            }
        ''', filename="main.tf.json"),
        bad("cloudformation", '''
            AWSTemplateFormatVersion: "2010-09-09"
            Resources:
              ResearchNotebook:
                Type: AWS::SageMaker::NotebookInstance
                Properties:
                  NotebookInstanceName: research
                  InstanceType: ml.t3.medium
                  RoleArn: arn:aws:iam::123456789012:role/sagemaker-notebook
                  SubnetId: subnet-0a1b2c3d4e5f60718
                  SecurityGroupIds:
                    - sg-0123456789abcdef0
        ''', fixed='''
            AWSTemplateFormatVersion: "2010-09-09"
            Resources:
              ResearchNotebook:
                Type: AWS::SageMaker::NotebookInstance
                Properties:
                  NotebookInstanceName: research
                  InstanceType: ml.t3.medium
                  RoleArn: arn:aws:iam::123456789012:role/sagemaker-notebook
                  SubnetId: subnet-0a1b2c3d4e5f60718
                  SecurityGroupIds:
                    - sg-0123456789abcdef0
                  DirectInternetAccess: Disabled
        '''),
        bad("cloudformation", '''
            AWSTemplateFormatVersion: "2010-09-09"
            Resources:
              ResearchNotebook:
                Type: AWS::SageMaker::NotebookInstance
                Properties:
                  NotebookInstanceName: research
                  InstanceType: ml.t3.medium
                  RoleArn: arn:aws:iam::123456789012:role/sagemaker-notebook
                  SubnetId: subnet-0a1b2c3d4e5f60718
                  DirectInternetAccess: Enabled # needed for pip installs
        ''', fixed='''
            AWSTemplateFormatVersion: "2010-09-09"
            Resources:
              ResearchNotebook:
                Type: AWS::SageMaker::NotebookInstance
                Properties:
                  NotebookInstanceName: research
                  InstanceType: ml.t3.medium
                  RoleArn: arn:aws:iam::123456789012:role/sagemaker-notebook
                  SubnetId: subnet-0a1b2c3d4e5f60718
                  DirectInternetAccess: Disabled # needed for pip installs
        '''),
        bad("cloudformation", '''
            {
              "AWSTemplateFormatVersion": "2010-09-09",
              "Resources": {
                "ResearchNotebook": {
                  "Type": "AWS::SageMaker::NotebookInstance",
                  "Properties": {
                    "NotebookInstanceName": "research",
                    "InstanceType": "ml.t3.medium",
                    "RoleArn": "arn:aws:iam::123456789012:role/sagemaker-notebook",
                    "SubnetId": "subnet-0a1b2c3d4e5f60718",
                    "DirectInternetAccess": "Enabled"
                  }
                }
              }
            }
        ''', filename="template.json", fixed='''
            {
              "AWSTemplateFormatVersion": "2010-09-09",
              "Resources": {
                "ResearchNotebook": {
                  "Type": "AWS::SageMaker::NotebookInstance",
                  "Properties": {
                    "NotebookInstanceName": "research",
                    "InstanceType": "ml.t3.medium",
                    "RoleArn": "arn:aws:iam::123456789012:role/sagemaker-notebook",
                    "SubnetId": "subnet-0a1b2c3d4e5f60718",
                    "DirectInternetAccess": "Disabled"
                  }
                }
              }
            }
        '''),
        good("cloudformation", '''
            AWSTemplateFormatVersion: "2010-09-09"
            Resources:
              ResearchNotebook:
                Type: AWS::SageMaker::NotebookInstance
                Properties:
                  NotebookInstanceName: research
                  InstanceType: ml.t3.medium
                  RoleArn: arn:aws:iam::123456789012:role/sagemaker-notebook
                  SubnetId: subnet-0a1b2c3d4e5f60718
                  SecurityGroupIds:
                    - sg-0123456789abcdef0
                  DirectInternetAccess: Disabled
        '''),
        good("cloudformation", '''
            {
              "AWSTemplateFormatVersion": "2010-09-09",
              "Resources": {
                "ResearchNotebook": {
                  "Type": "AWS::SageMaker::NotebookInstance",
                  "Properties": {
                    "NotebookInstanceName": "research",
                    "InstanceType": "ml.t3.medium",
                    "RoleArn": "arn:aws:iam::123456789012:role/sagemaker-notebook",
                    "SubnetId": "subnet-0a1b2c3d4e5f60718",
                    "DirectInternetAccess": "Disabled"
                  }
                }
              }
            }
        ''', filename="template.json"),
    ),
)

NOTEBOOK_ROOT_ACCESS = Check(
    id="AIP102",
    name="sagemaker-notebook-root-access",
    title="SageMaker notebook instances do not give users root access",
    severity=Severity.HIGH,
    kinds=(NOTEBOOK,),
    rule=equals("root_access", False),
    description=(
        "With root access, anyone who can open the notebook can change its system configuration, "
        "install software and read every credential on the instance. AWS enables root access when "
        "`root_access` is not set. Lifecycle configurations still run as root when it is disabled."
    ),
    remediation=set_attr("root_access", False),
    fix_safety=Applicability.UNSAFE,  # users can no longer install system packages
    references=("https://docs.aws.amazon.com/sagemaker/latest/dg/nbi-root-access.html", SH_DOC),
    compliance={SECURITY_HUB: ("SageMaker.3",), OWASP_ML: ("ML06",)},
    anchors=("checkov CKV_AWS_307 (Terraform only)",),
    examples=(
        bad("terraform", '''
            resource "aws_sagemaker_notebook_instance" "research" {
              name          = "research"
              role_arn      = aws_iam_role.sagemaker.arn
              instance_type = "ml.t3.medium"
            }
        ''', fixed='''
            resource "aws_sagemaker_notebook_instance" "research" {
              name          = "research"
              role_arn      = aws_iam_role.sagemaker.arn
              instance_type = "ml.t3.medium"
              root_access   = "Disabled"
            }
        '''),
        bad("terraform", '''
            resource "aws_sagemaker_notebook_instance" "research" {
              name          = "research"
              role_arn      = aws_iam_role.sagemaker.arn
              instance_type = "ml.t3.medium"
              root_access   = "Enabled"
            }
        ''', fixed='''
            resource "aws_sagemaker_notebook_instance" "research" {
              name          = "research"
              role_arn      = aws_iam_role.sagemaker.arn
              instance_type = "ml.t3.medium"
              root_access   = "Disabled"
            }
        '''),
        good("terraform", '''
            resource "aws_sagemaker_notebook_instance" "research" {
              name          = "research"
              role_arn      = aws_iam_role.sagemaker.arn
              instance_type = "ml.t3.medium"
              root_access   = "Disabled"
            }
        '''),
        bad("cloudformation", '''
            AWSTemplateFormatVersion: "2010-09-09"
            Resources:
              ResearchNotebook:
                Type: AWS::SageMaker::NotebookInstance
                Properties:
                  InstanceType: ml.t3.medium
                  RoleArn: arn:aws:iam::123456789012:role/sagemaker-notebook
        ''', fixed='''
            AWSTemplateFormatVersion: "2010-09-09"
            Resources:
              ResearchNotebook:
                Type: AWS::SageMaker::NotebookInstance
                Properties:
                  InstanceType: ml.t3.medium
                  RoleArn: arn:aws:iam::123456789012:role/sagemaker-notebook
                  RootAccess: Disabled
        '''),
        bad("cloudformation", '''
            AWSTemplateFormatVersion: "2010-09-09"
            Resources:
              ResearchNotebook:
                Type: AWS::SageMaker::NotebookInstance
                Properties:
                  InstanceType: ml.t3.medium
                  RoleArn: arn:aws:iam::123456789012:role/sagemaker-notebook
                  RootAccess: "Enabled"
        ''', fixed='''
            AWSTemplateFormatVersion: "2010-09-09"
            Resources:
              ResearchNotebook:
                Type: AWS::SageMaker::NotebookInstance
                Properties:
                  InstanceType: ml.t3.medium
                  RoleArn: arn:aws:iam::123456789012:role/sagemaker-notebook
                  RootAccess: "Disabled"
        '''),
        good("cloudformation", '''
            AWSTemplateFormatVersion: "2010-09-09"
            Resources:
              ResearchNotebook:
                Type: AWS::SageMaker::NotebookInstance
                Properties:
                  InstanceType: ml.t3.medium
                  RoleArn: arn:aws:iam::123456789012:role/sagemaker-notebook
                  RootAccess: Disabled
        '''),
    ),
)

NOTEBOOK_IN_VPC = Check(
    id="AIP103",
    name="sagemaker-notebook-in-vpc",
    title="SageMaker notebook instances run in a subnet of your VPC",
    severity=Severity.HIGH,
    kinds=(NOTEBOOK,),
    rule=_present("subnet_id", "the notebook is not attached to your VPC"),
    description=(
        "Without `subnet_id` the notebook is not attached to your VPC: security groups, network "
        "ACLs, VPC endpoints and flow logs do not apply to it, and it can only reach the network "
        "through SageMaker's own internet access."
    ),
    remediation=set_attr("subnet_id", placeholder("subnet_id")),
    fix_safety=Applicability.SUGGESTION,
    references=("https://docs.aws.amazon.com/sagemaker/latest/dg/appendix-notebook-and-internet-access.html", SH_DOC),
    compliance={SECURITY_HUB: ("SageMaker.2",), OWASP_ML: ("ML06",)},
    anchors=("checkov CKV_AWS_306 (Terraform only)", "KICS 9c7028d9-04c2-45be-b8b2-1188ccaefb36 (CloudFormation)",
             "cdk-nag SageMakerNotebookInVPC"),
    examples=(
        bad("terraform", '''
            resource "aws_sagemaker_notebook_instance" "research" {
              name          = "research"
              role_arn      = aws_iam_role.sagemaker.arn
              instance_type = "ml.t3.medium"
            }
        ''', fixed='''
            resource "aws_sagemaker_notebook_instance" "research" {
              name          = "research"
              role_arn      = aws_iam_role.sagemaker.arn
              instance_type = "ml.t3.medium"
              subnet_id     = var.subnet_id
            }

            variable "subnet_id" {
              description = "ID of the subnet (asked for by an aiposture fix)"
              type        = string
            }
        '''),
        good("terraform", '''
            resource "aws_sagemaker_notebook_instance" "research" {
              name            = "research"
              role_arn        = aws_iam_role.sagemaker.arn
              instance_type   = "ml.t3.medium"
              subnet_id       = aws_subnet.private.id
              security_groups = [aws_security_group.notebook.id]
            }
        '''),
        bad("cloudformation", '''
            AWSTemplateFormatVersion: "2010-09-09"
            Resources:
              ResearchNotebook:
                Type: AWS::SageMaker::NotebookInstance
                Properties:
                  InstanceType: ml.t3.medium
                  RoleArn: arn:aws:iam::123456789012:role/sagemaker-notebook
        ''', fixed='''
            AWSTemplateFormatVersion: "2010-09-09"
            Parameters:
              SubnetId:
                Type: String
                Description: ID of the subnet (asked for by an aiposture fix)

            Resources:
              ResearchNotebook:
                Type: AWS::SageMaker::NotebookInstance
                Properties:
                  InstanceType: ml.t3.medium
                  RoleArn: arn:aws:iam::123456789012:role/sagemaker-notebook
                  SubnetId: !Ref SubnetId
        '''),
        good("cloudformation", '''
            AWSTemplateFormatVersion: "2010-09-09"
            Resources:
              ResearchNotebook:
                Type: AWS::SageMaker::NotebookInstance
                Properties:
                  InstanceType: ml.t3.medium
                  RoleArn: arn:aws:iam::123456789012:role/sagemaker-notebook
                  SubnetId: !ImportValue ml-network-PrivateSubnetA
                  SecurityGroupIds:
                    - !ImportValue ml-network-NotebookSecurityGroup
        '''),
    ),
)

NOTEBOOK_CMK = Check(
    id="AIP104",
    name="sagemaker-notebook-cmk",
    title="SageMaker notebook storage is encrypted with a customer-managed KMS key",
    severity=Severity.MEDIUM,
    kinds=(NOTEBOOK,),
    rule=present("kms_key_id"),
    description=(
        "The notebook's ML storage volume holds datasets, model artifacts and credentials. Without "
        "`kms_key_id` it is encrypted with a key AWS manages, so you cannot restrict, audit or revoke "
        "who decrypts it."
    ),
    remediation=set_attr("kms_key_id", placeholder("kms_key_arn")),
    fix_safety=Applicability.SUGGESTION,
    references=("https://docs.aws.amazon.com/sagemaker/latest/dg/encryption-at-rest-nbi.html",),
    compliance={OWASP_ML: ("ML02",)},
    anchors=("checkov CKV_AWS_22", "checkov CKV_AWS_187 (CloudFormation)",
             "KICS 709e6da6-fa1f-44cc-8f17-7f25f96dadbe (CloudFormation)",
             "KICS f3674e0c-f6be-43fa-b71c-bf346d1aed99", "cdk-nag SageMakerNotebookInstanceKMSKeyConfigured"),
    examples=(
        bad("terraform", '''
            resource "aws_sagemaker_notebook_instance" "research" {
              name          = "research"
              role_arn      = aws_iam_role.sagemaker.arn
              instance_type = "ml.t3.medium"
            }
        ''', fixed='''
            resource "aws_sagemaker_notebook_instance" "research" {
              name          = "research"
              role_arn      = aws_iam_role.sagemaker.arn
              instance_type = "ml.t3.medium"
              kms_key_id    = var.kms_key_arn
            }

            variable "kms_key_arn" {
              description = "ARN of the KMS key (asked for by an aiposture fix)"
              type        = string
            }
        '''),
        bad("terraform", '''
            resource "aws_sagemaker_notebook_instance" "research" {
              name          = "research"
              role_arn      = aws_iam_role.sagemaker.arn
              instance_type = "ml.t3.medium"
              kms_key_id    = ""
            }
        ''', fixed='''
            resource "aws_sagemaker_notebook_instance" "research" {
              name          = "research"
              role_arn      = aws_iam_role.sagemaker.arn
              instance_type = "ml.t3.medium"
              kms_key_id    = var.kms_key_arn
            }

            variable "kms_key_arn" {
              description = "ARN of the KMS key (asked for by an aiposture fix)"
              type        = string
            }
        '''),
        good("terraform", '''
            resource "aws_sagemaker_notebook_instance" "research" {
              name          = "research"
              role_arn      = aws_iam_role.sagemaker.arn
              instance_type = "ml.t3.medium"
              kms_key_id    = aws_kms_key.sagemaker.arn
            }
        '''),
        bad("cloudformation", '''
            AWSTemplateFormatVersion: "2010-09-09"
            Resources:
              ResearchNotebook:
                Type: AWS::SageMaker::NotebookInstance
                Properties:
                  InstanceType: ml.t3.medium
                  RoleArn: arn:aws:iam::123456789012:role/sagemaker-notebook
        ''', fixed='''
            AWSTemplateFormatVersion: "2010-09-09"
            Parameters:
              KmsKeyArn:
                Type: String
                Description: ARN of the KMS key (asked for by an aiposture fix)

            Resources:
              ResearchNotebook:
                Type: AWS::SageMaker::NotebookInstance
                Properties:
                  InstanceType: ml.t3.medium
                  RoleArn: arn:aws:iam::123456789012:role/sagemaker-notebook
                  KmsKeyId: !Ref KmsKeyArn
        '''),
        bad("cloudformation", '''
            AWSTemplateFormatVersion: "2010-09-09"
            Parameters:
              Environment:
                Type: String
                AllowedValues: [dev, prod]
                Default: dev
            Resources:
              ResearchNotebook:
                Type: AWS::SageMaker::NotebookInstance
                Properties:
                  NotebookInstanceName: !Sub research-${Environment}
                  InstanceType: ml.t3.medium
                  RoleArn: arn:aws:iam::123456789012:role/sagemaker-notebook
                  KmsKeyId: ""
        ''', fixed='''
            AWSTemplateFormatVersion: "2010-09-09"
            Parameters:
              Environment:
                Type: String
                AllowedValues: [dev, prod]
                Default: dev
              KmsKeyArn:
                Type: String
                Description: ARN of the KMS key (asked for by an aiposture fix)
            Resources:
              ResearchNotebook:
                Type: AWS::SageMaker::NotebookInstance
                Properties:
                  NotebookInstanceName: !Sub research-${Environment}
                  InstanceType: ml.t3.medium
                  RoleArn: arn:aws:iam::123456789012:role/sagemaker-notebook
                  KmsKeyId: !Ref KmsKeyArn
        '''),
        bad("cloudformation", '''
            {
              "AWSTemplateFormatVersion": "2010-09-09",
              "Resources": {
                "ResearchNotebook": {
                  "Type": "AWS::SageMaker::NotebookInstance",
                  "Properties": {
                    "InstanceType": "ml.t3.medium",
                    "RoleArn": "arn:aws:iam::123456789012:role/sagemaker-notebook"
                  }
                }
              }
            }
        ''', filename="template.json", fixed='''
            {
              "AWSTemplateFormatVersion": "2010-09-09",
              "Resources": {
                "ResearchNotebook": {
                  "Type": "AWS::SageMaker::NotebookInstance",
                  "Properties": {
                    "InstanceType": "ml.t3.medium",
                    "RoleArn": "arn:aws:iam::123456789012:role/sagemaker-notebook",
                    "KmsKeyId": {
                      "Ref": "KmsKeyArn"
                    }
                  }
                }
              },
              "Parameters": {
                "KmsKeyArn": {
                  "Type": "String",
                  "Description": "ARN of the KMS key (asked for by an aiposture fix)"
                }
              }
            }
        '''),
        good("cloudformation", '''
            AWSTemplateFormatVersion: "2010-09-09"
            Resources:
              NotebookKey:
                Type: AWS::KMS::Key
                Properties:
                  EnableKeyRotation: true
                  KeyPolicy:
                    Version: "2012-10-17"
                    Statement:
                      - Sid: AccountAdministration
                        Effect: Allow
                        Principal:
                          AWS: !Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"
                        Action: "kms:*"
                        Resource: "*"
              ResearchNotebook:
                Type: AWS::SageMaker::NotebookInstance
                Properties:
                  InstanceType: ml.t3.medium
                  RoleArn: arn:aws:iam::123456789012:role/sagemaker-notebook
                  KmsKeyId: !GetAtt NotebookKey.Arn
        '''),
        good("cloudformation", '''
            {
              "AWSTemplateFormatVersion": "2010-09-09",
              "Resources": {
                "ResearchNotebook": {
                  "Type": "AWS::SageMaker::NotebookInstance",
                  "Properties": {
                    "InstanceType": "ml.t3.medium",
                    "RoleArn": "arn:aws:iam::123456789012:role/sagemaker-notebook",
                    "KmsKeyId": "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
                  }
                }
              }
            }
        ''', filename="template.json"),
    ),
)

NOTEBOOK_IMDSV2 = Check(
    id="AIP105",
    name="sagemaker-notebook-imdsv2",
    title="SageMaker notebook instances require IMDSv2",
    severity=Severity.MEDIUM,
    kinds=(NOTEBOOK,),
    rule=equals("instance_metadata_service_configuration.minimum_instance_metadata_service_version", "2"),
    description=(
        "IMDSv1 answers plain GET requests, so a server-side request forgery in notebook code or a "
        "library can read the execution role's credentials. SageMaker allows IMDSv1 unless "
        "`minimum_instance_metadata_service_version` is \"2\"."
    ),
    remediation=set_attr("instance_metadata_service_configuration.minimum_instance_metadata_service_version", "2"),
    fix_safety=Applicability.UNSAFE,  # tools on the notebook that only speak IMDSv1 stop getting credentials
    references=("https://docs.aws.amazon.com/sagemaker/latest/dg/nbi-update-imds.html",),
    compliance={OWASP_ML: ("ML06",)},
    anchors=("checkov CKV_AWS_371",),
    examples=(
        bad("terraform", '''
            resource "aws_sagemaker_notebook_instance" "research" {
              name          = "research"
              role_arn      = aws_iam_role.sagemaker.arn
              instance_type = "ml.t3.medium"
            }
        ''', fixed='''
            resource "aws_sagemaker_notebook_instance" "research" {
              name          = "research"
              role_arn      = aws_iam_role.sagemaker.arn
              instance_type = "ml.t3.medium"

              instance_metadata_service_configuration {
                minimum_instance_metadata_service_version = "2"
              }
            }
        '''),
        bad("terraform", '''
            resource "aws_sagemaker_notebook_instance" "research" {
              name          = "research"
              role_arn      = aws_iam_role.sagemaker.arn
              instance_type = "ml.t3.medium"

              instance_metadata_service_configuration {
                minimum_instance_metadata_service_version = "1"
              }
            }
        ''', fixed='''
            resource "aws_sagemaker_notebook_instance" "research" {
              name          = "research"
              role_arn      = aws_iam_role.sagemaker.arn
              instance_type = "ml.t3.medium"

              instance_metadata_service_configuration {
                minimum_instance_metadata_service_version = "2"
              }
            }
        '''),
        good("terraform", '''
            resource "aws_sagemaker_notebook_instance" "research" {
              name          = "research"
              role_arn      = aws_iam_role.sagemaker.arn
              instance_type = "ml.t3.medium"

              instance_metadata_service_configuration {
                minimum_instance_metadata_service_version = "2"
              }
            }
        '''),
        good("terraform", '''
            {
              "resource": {
                "aws_sagemaker_notebook_instance": {
                  "research": {
                    "name": "research",
                    "role_arn": "${aws_iam_role.sagemaker.arn}",
                    "instance_type": "ml.t3.medium",
                    "instance_metadata_service_configuration": {
                      "minimum_instance_metadata_service_version": "2"
                    }
                  }
                }
              }
            }
        ''', filename="main.tf.json"),
        bad("cloudformation", '''
            AWSTemplateFormatVersion: "2010-09-09"
            Resources:
              ResearchNotebook:
                Type: AWS::SageMaker::NotebookInstance
                Properties:
                  InstanceType: ml.t3.medium
                  RoleArn: arn:aws:iam::123456789012:role/sagemaker-notebook
        ''', fixed='''
            AWSTemplateFormatVersion: "2010-09-09"
            Resources:
              ResearchNotebook:
                Type: AWS::SageMaker::NotebookInstance
                Properties:
                  InstanceType: ml.t3.medium
                  RoleArn: arn:aws:iam::123456789012:role/sagemaker-notebook
                  InstanceMetadataServiceConfiguration:
                    MinimumInstanceMetadataServiceVersion: '2'
        '''),
        bad("cloudformation", '''
            AWSTemplateFormatVersion: "2010-09-09"
            Resources:
              ResearchNotebook:
                Type: AWS::SageMaker::NotebookInstance
                Properties:
                  InstanceType: ml.t3.medium
                  RoleArn: arn:aws:iam::123456789012:role/sagemaker-notebook
                  InstanceMetadataServiceConfiguration:
                    MinimumInstanceMetadataServiceVersion: 1
        ''', fixed='''
            AWSTemplateFormatVersion: "2010-09-09"
            Resources:
              ResearchNotebook:
                Type: AWS::SageMaker::NotebookInstance
                Properties:
                  InstanceType: ml.t3.medium
                  RoleArn: arn:aws:iam::123456789012:role/sagemaker-notebook
                  InstanceMetadataServiceConfiguration:
                    MinimumInstanceMetadataServiceVersion: '2'
        '''),
        good("cloudformation", '''
            AWSTemplateFormatVersion: "2010-09-09"
            Resources:
              ResearchNotebook:
                Type: AWS::SageMaker::NotebookInstance
                Properties:
                  InstanceType: ml.t3.medium
                  RoleArn: arn:aws:iam::123456789012:role/sagemaker-notebook
                  InstanceMetadataServiceConfiguration:
                    MinimumInstanceMetadataServiceVersion: "2"
        '''),
        good("cloudformation", '''
            AWSTemplateFormatVersion: "2010-09-09"
            Resources:
              ResearchNotebook:
                Type: AWS::SageMaker::NotebookInstance
                Properties:
                  InstanceType: ml.t3.medium
                  RoleArn: arn:aws:iam::123456789012:role/sagemaker-notebook
                  InstanceMetadataServiceConfiguration: {MinimumInstanceMetadataServiceVersion: 2}
        '''),
    ),
)

# Amazon Linux 1 and 2 notebook platforms are out of (or leaving) support; AL2023 is the default.
_UNSUPPORTED_PLATFORM = re.compile(r"^notebook-al(1|2)-")


def _supported_platform(resource: Resource, context: Context) -> Iterable[Result]:
    path = "platform_identifier"
    value = resource.get(path)
    if isinstance(value.raw, Unknown):
        yield unknown_result(resource, path, value)
    elif isinstance(value.raw, str) and _UNSUPPORTED_PLATFORM.match(value.raw):
        yield Result(Status.FAIL, f"`{name_of(resource, path)}` is {shown(resource, path, value.raw)}, an Amazon Linux "
                                  "platform that no longer gets security updates; use \"notebook-al2023-v1\"",
                     path, value.span)
    else:
        # absent: SageMaker picks its current default platform (Amazon Linux 2023 today)
        yield Result(Status.PASS, f"`{path}` is a supported platform", path, value.span)


NOTEBOOK_SUPPORTED_PLATFORM = Check(
    id="AIP106",
    name="sagemaker-notebook-supported-platform",
    title="SageMaker notebook instances run on a supported platform",
    severity=Severity.MEDIUM,
    kinds=(NOTEBOOK,),
    rule=_supported_platform,
    description=(
        "Notebook platforms based on Amazon Linux 1 and Amazon Linux 2 no longer receive all "
        "security patches (AWS documents an unpatchable PyTorch vulnerability on AL2). Use an "
        "Amazon Linux 2023 platform identifier, or leave it unset to get the current default."
    ),
    remediation=set_attr("platform_identifier", "notebook-al2023-v1"),
    fix_safety=Applicability.UNSAFE,  # a platform change recreates the instance with new software
    references=("https://docs.aws.amazon.com/sagemaker/latest/dg/nbi-al2023.html", SH_DOC),
    compliance={SECURITY_HUB: ("SageMaker.8",), OWASP_ML: ("ML06",)},
    examples=(
        bad("terraform", '''
            resource "aws_sagemaker_notebook_instance" "research" {
              name                = "research"
              role_arn            = aws_iam_role.sagemaker.arn
              instance_type       = "ml.t3.medium"
              platform_identifier = "notebook-al2-v2"
            }
        ''', fixed='''
            resource "aws_sagemaker_notebook_instance" "research" {
              name                = "research"
              role_arn            = aws_iam_role.sagemaker.arn
              instance_type       = "ml.t3.medium"
              platform_identifier = "notebook-al2023-v1"
            }
        '''),
        good("terraform", '''
            resource "aws_sagemaker_notebook_instance" "research" {
              name                = "research"
              role_arn            = aws_iam_role.sagemaker.arn
              instance_type       = "ml.t3.medium"
              platform_identifier = "notebook-al2023-v1"
            }
        '''),
        good("terraform", '''
            resource "aws_sagemaker_notebook_instance" "research" {
              name          = "research"
              role_arn      = aws_iam_role.sagemaker.arn
              instance_type = "ml.t3.medium"
            }
        '''),
        bad("cloudformation", '''
            AWSTemplateFormatVersion: "2010-09-09"
            Resources:
              ResearchNotebook:
                Type: AWS::SageMaker::NotebookInstance
                Properties:
                  InstanceType: ml.t3.medium
                  RoleArn: arn:aws:iam::123456789012:role/sagemaker-notebook
                  PlatformIdentifier: notebook-al2-v3
        ''', fixed='''
            AWSTemplateFormatVersion: "2010-09-09"
            Resources:
              ResearchNotebook:
                Type: AWS::SageMaker::NotebookInstance
                Properties:
                  InstanceType: ml.t3.medium
                  RoleArn: arn:aws:iam::123456789012:role/sagemaker-notebook
                  PlatformIdentifier: notebook-al2023-v1
        '''),
        good("cloudformation", '''
            AWSTemplateFormatVersion: "2010-09-09"
            Resources:
              ResearchNotebook:
                Type: AWS::SageMaker::NotebookInstance
                Properties:
                  InstanceType: ml.t3.medium
                  RoleArn: arn:aws:iam::123456789012:role/sagemaker-notebook
                  PlatformIdentifier: notebook-al2023-v1
        '''),
        good("cloudformation", '''
            AWSTemplateFormatVersion: "2010-09-09"
            Resources:
              ResearchNotebook:
                Type: AWS::SageMaker::NotebookInstance
                Properties:
                  InstanceType: ml.t3.medium
                  RoleArn: arn:aws:iam::123456789012:role/sagemaker-notebook
        '''),
    ),
)


# --- Studio domains -----------------------------------------------------------------------------

_DOMAIN_BASE = '''
    resource "aws_sagemaker_domain" "studio" {
      domain_name = "studio"
      auth_mode   = "IAM"
      vpc_id      = aws_vpc.ml.id
      subnet_ids  = aws_subnet.private[*].id
'''

DOMAIN_VPC_ONLY = Check(
    id="AIP107",
    name="sagemaker-domain-vpc-only",
    title="SageMaker Studio domains send all traffic through your VPC",
    severity=Severity.HIGH,
    kinds=(DOMAIN,),
    rule=equals("app_network_access_type", "VpcOnly"),
    description=(
        "With `PublicInternetOnly`, the default when `app_network_access_type` is not set, Studio "
        "apps reach the internet directly through a VPC that SageMaker manages, bypassing your "
        "security groups, endpoints and egress controls. `VpcOnly` routes all Studio traffic "
        "through your VPC."
    ),
    remediation=set_attr("app_network_access_type", "VpcOnly"),
    fix_safety=Applicability.UNSAFE,  # Studio needs a NAT gateway or VPC endpoints to keep working
    references=("https://docs.aws.amazon.com/sagemaker/latest/dg/studio-notebooks-and-internet-access.html",),
    compliance={OWASP_ML: ("ML06",)},
    anchors=("Mondoo sagemaker-domain-vpc-only (runtime)",),
    examples=(
        bad("terraform", _DOMAIN_BASE + '''
      default_user_settings {
        execution_role = aws_iam_role.studio.arn
      }
    }
        ''', fixed='''
            resource "aws_sagemaker_domain" "studio" {
              domain_name = "studio"
              auth_mode   = "IAM"
              vpc_id      = aws_vpc.ml.id
              subnet_ids  = aws_subnet.private[*].id
              app_network_access_type = "VpcOnly"

              default_user_settings {
                execution_role = aws_iam_role.studio.arn
              }
            }
        '''),
        bad("terraform", _DOMAIN_BASE + '''
      app_network_access_type = "PublicInternetOnly"

      default_user_settings {
        execution_role = aws_iam_role.studio.arn
      }
    }
        ''', fixed='''
            resource "aws_sagemaker_domain" "studio" {
              domain_name = "studio"
              auth_mode   = "IAM"
              vpc_id      = aws_vpc.ml.id
              subnet_ids  = aws_subnet.private[*].id

              app_network_access_type = "VpcOnly"

              default_user_settings {
                execution_role = aws_iam_role.studio.arn
              }
            }
        '''),
        good("terraform", _DOMAIN_BASE + '''
      app_network_access_type = "VpcOnly"

      default_user_settings {
        execution_role  = aws_iam_role.studio.arn
        security_groups = [aws_security_group.studio.id]
      }
    }
        '''),
        bad("cloudformation", '''
            AWSTemplateFormatVersion: "2010-09-09"
            Resources:
              StudioDomain:
                Type: AWS::SageMaker::Domain
                Properties:
                  DomainName: studio
                  AuthMode: IAM
                  VpcId: vpc-0a1b2c3d4e5f60718
                  SubnetIds:
                    - subnet-0a1b2c3d4e5f60718
                    - subnet-0f1e2d3c4b5a69788
                  DefaultUserSettings:
                    ExecutionRole: arn:aws:iam::123456789012:role/sagemaker-studio
                    SecurityGroups:
                      - sg-0123456789abcdef0
        ''', fixed='''
            AWSTemplateFormatVersion: "2010-09-09"
            Resources:
              StudioDomain:
                Type: AWS::SageMaker::Domain
                Properties:
                  DomainName: studio
                  AuthMode: IAM
                  VpcId: vpc-0a1b2c3d4e5f60718
                  SubnetIds:
                    - subnet-0a1b2c3d4e5f60718
                    - subnet-0f1e2d3c4b5a69788
                  DefaultUserSettings:
                    ExecutionRole: arn:aws:iam::123456789012:role/sagemaker-studio
                    SecurityGroups:
                      - sg-0123456789abcdef0
                  AppNetworkAccessType: VpcOnly
        '''),
        bad("cloudformation", '''
            AWSTemplateFormatVersion: "2010-09-09"
            Resources:
              StudioDomain:
                Type: AWS::SageMaker::Domain
                Properties:
                  DomainName: studio
                  AuthMode: IAM
                  VpcId: vpc-0a1b2c3d4e5f60718
                  SubnetIds:
                    - subnet-0a1b2c3d4e5f60718
                    - subnet-0f1e2d3c4b5a69788
                  AppNetworkAccessType: PublicInternetOnly
                  DefaultUserSettings:
                    ExecutionRole: arn:aws:iam::123456789012:role/sagemaker-studio
        ''', fixed='''
            AWSTemplateFormatVersion: "2010-09-09"
            Resources:
              StudioDomain:
                Type: AWS::SageMaker::Domain
                Properties:
                  DomainName: studio
                  AuthMode: IAM
                  VpcId: vpc-0a1b2c3d4e5f60718
                  SubnetIds:
                    - subnet-0a1b2c3d4e5f60718
                    - subnet-0f1e2d3c4b5a69788
                  AppNetworkAccessType: VpcOnly
                  DefaultUserSettings:
                    ExecutionRole: arn:aws:iam::123456789012:role/sagemaker-studio
        '''),
        good("cloudformation", '''
            AWSTemplateFormatVersion: "2010-09-09"
            Resources:
              StudioDomain:
                Type: AWS::SageMaker::Domain
                Properties:
                  DomainName: studio
                  AuthMode: IAM
                  VpcId: vpc-0a1b2c3d4e5f60718
                  SubnetIds:
                    - subnet-0a1b2c3d4e5f60718
                    - subnet-0f1e2d3c4b5a69788
                  AppNetworkAccessType: VpcOnly
                  DefaultUserSettings:
                    ExecutionRole: arn:aws:iam::123456789012:role/sagemaker-studio
                    SecurityGroups:
                      - sg-0123456789abcdef0
        '''),
        bad("cloudformation", '''
            {
              "AWSTemplateFormatVersion": "2010-09-09",
              "Resources": {
                "StudioDomain": {
                  "Type": "AWS::SageMaker::Domain",
                  "Properties": {
                    "DomainName": "studio",
                    "AuthMode": "IAM",
                    "VpcId": "vpc-0a1b2c3d4e5f60718",
                    "SubnetIds": ["subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788"],
                    "AppNetworkAccessType": "PublicInternetOnly",
                    "DefaultUserSettings": {
                      "ExecutionRole": "arn:aws:iam::123456789012:role/sagemaker-studio",
                      "SecurityGroups": ["sg-0123456789abcdef0"]
                    }
                  }
                }
              }
            }
        ''', filename="template.json", fixed='''
            {
              "AWSTemplateFormatVersion": "2010-09-09",
              "Resources": {
                "StudioDomain": {
                  "Type": "AWS::SageMaker::Domain",
                  "Properties": {
                    "DomainName": "studio",
                    "AuthMode": "IAM",
                    "VpcId": "vpc-0a1b2c3d4e5f60718",
                    "SubnetIds": ["subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788"],
                    "AppNetworkAccessType": "VpcOnly",
                    "DefaultUserSettings": {
                      "ExecutionRole": "arn:aws:iam::123456789012:role/sagemaker-studio",
                      "SecurityGroups": ["sg-0123456789abcdef0"]
                    }
                  }
                }
              }
            }
        '''),
        good("cloudformation", '''
            {
              "AWSTemplateFormatVersion": "2010-09-09",
              "Resources": {
                "StudioDomain": {
                  "Type": "AWS::SageMaker::Domain",
                  "Properties": {
                    "DomainName": "studio",
                    "AuthMode": "IAM",
                    "VpcId": "vpc-0a1b2c3d4e5f60718",
                    "SubnetIds": ["subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788"],
                    "AppNetworkAccessType": "VpcOnly",
                    "DefaultUserSettings": {
                      "ExecutionRole": "arn:aws:iam::123456789012:role/sagemaker-studio",
                      "SecurityGroups": ["sg-0123456789abcdef0"]
                    }
                  }
                }
              }
            }
        ''', filename="template.json"),
    ),
)

DOMAIN_CMK = Check(
    id="AIP108",
    name="sagemaker-domain-cmk",
    title="SageMaker Studio domain storage is encrypted with a customer-managed KMS key",
    severity=Severity.LOW,
    kinds=(DOMAIN,),
    rule=present("kms_key_id"),
    description=(
        "The domain's EFS volume holds every user's home directory: notebooks, data and model "
        "artifacts. Without `kms_key_id` it is encrypted with an AWS managed key you cannot "
        "restrict or revoke."
    ),
    remediation=set_attr("kms_key_id", placeholder("kms_key_arn")),
    fix_safety=Applicability.SUGGESTION,
    references=("https://docs.aws.amazon.com/sagemaker/latest/dg/encryption-at-rest-studio.html",),
    compliance={OWASP_ML: ("ML02",)},
    anchors=("checkov CKV_AWS_187",),
    examples=(
        bad("terraform", _DOMAIN_BASE + '''
      default_user_settings {
        execution_role = aws_iam_role.studio.arn
      }
    }
        ''', fixed='''
            resource "aws_sagemaker_domain" "studio" {
              domain_name = "studio"
              auth_mode   = "IAM"
              vpc_id      = aws_vpc.ml.id
              subnet_ids  = aws_subnet.private[*].id
              kms_key_id  = var.kms_key_arn

              default_user_settings {
                execution_role = aws_iam_role.studio.arn
              }
            }

            variable "kms_key_arn" {
              description = "ARN of the KMS key (asked for by an aiposture fix)"
              type        = string
            }
        '''),
        good("terraform", _DOMAIN_BASE + '''
      kms_key_id  = aws_kms_key.studio.arn

      default_user_settings {
        execution_role = aws_iam_role.studio.arn
      }
    }
        '''),
        bad("cloudformation", '''
            AWSTemplateFormatVersion: "2010-09-09"
            Resources:
              StudioDomain:
                Type: AWS::SageMaker::Domain
                Properties:
                  DomainName: studio
                  AuthMode: IAM
                  VpcId: vpc-0a1b2c3d4e5f60718
                  SubnetIds:
                    - subnet-0a1b2c3d4e5f60718
                    - subnet-0f1e2d3c4b5a69788
                  DefaultUserSettings:
                    ExecutionRole: arn:aws:iam::123456789012:role/sagemaker-studio
        ''', fixed='''
            AWSTemplateFormatVersion: "2010-09-09"
            Parameters:
              KmsKeyArn:
                Type: String
                Description: ARN of the KMS key (asked for by an aiposture fix)

            Resources:
              StudioDomain:
                Type: AWS::SageMaker::Domain
                Properties:
                  DomainName: studio
                  AuthMode: IAM
                  VpcId: vpc-0a1b2c3d4e5f60718
                  SubnetIds:
                    - subnet-0a1b2c3d4e5f60718
                    - subnet-0f1e2d3c4b5a69788
                  DefaultUserSettings:
                    ExecutionRole: arn:aws:iam::123456789012:role/sagemaker-studio
                  KmsKeyId: !Ref KmsKeyArn
        '''),
        good("cloudformation", '''
            AWSTemplateFormatVersion: "2010-09-09"
            Resources:
              StudioDomain:
                Type: AWS::SageMaker::Domain
                Properties:
                  DomainName: studio
                  AuthMode: IAM
                  VpcId: vpc-0a1b2c3d4e5f60718
                  SubnetIds:
                    - subnet-0a1b2c3d4e5f60718
                    - subnet-0f1e2d3c4b5a69788
                  KmsKeyId: arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
                  DefaultUserSettings:
                    ExecutionRole: arn:aws:iam::123456789012:role/sagemaker-studio
        '''),
    ),
)


# --- endpoints and models -----------------------------------------------------------------------

ENDPOINT_CONFIG_CMK = Check(
    id="AIP109",
    name="sagemaker-endpoint-config-cmk",
    title="SageMaker endpoint storage is encrypted with a customer-managed KMS key",
    severity=Severity.MEDIUM,
    kinds=(ENDPOINT_CONFIG,),
    rule=present("kms_key_arn"),
    description=(
        "Without `kms_key_arn`, the ML storage volumes attached to the endpoint's instances are "
        "not encrypted with a key you control (instances with local NVMe storage are encrypted by "
        "the hardware regardless)."
    ),
    remediation=set_attr("kms_key_arn", placeholder("kms_key_arn")),
    fix_safety=Applicability.SUGGESTION,
    references=("https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateEndpointConfig.html",),
    compliance={OWASP_ML: ("ML02",)},
    anchors=("checkov CKV_AWS_98 (Terraform only)", "KICS 58b35504-0287-4154-bf69-02c0573deab8",
             "KICS 44034eda-1c3f-486a-831d-e09a7dd94354 (CloudFormation)",
             "cdk-nag SageMakerEndpointConfigurationKMSKeyConfigured"),
    examples=(
        bad("terraform", '''
            resource "aws_sagemaker_endpoint_configuration" "chat" {
              name = "chat"

              production_variants {
                variant_name           = "primary"
                model_name             = aws_sagemaker_model.chat.name
                initial_instance_count = 2
                instance_type          = "ml.g5.xlarge"
              }
            }
        ''', fixed='''
            resource "aws_sagemaker_endpoint_configuration" "chat" {
              name = "chat"
              kms_key_arn = var.kms_key_arn

              production_variants {
                variant_name           = "primary"
                model_name             = aws_sagemaker_model.chat.name
                initial_instance_count = 2
                instance_type          = "ml.g5.xlarge"
              }
            }

            variable "kms_key_arn" {
              description = "ARN of the KMS key (asked for by an aiposture fix)"
              type        = string
            }
        '''),
        good("terraform", '''
            resource "aws_sagemaker_endpoint_configuration" "chat" {
              name        = "chat"
              kms_key_arn = aws_kms_key.inference.arn

              production_variants {
                variant_name           = "primary"
                model_name             = aws_sagemaker_model.chat.name
                initial_instance_count = 2
                instance_type          = "ml.g5.xlarge"
              }
            }
        '''),
        bad("cloudformation", '''
            AWSTemplateFormatVersion: "2010-09-09"
            Resources:
              ChatEndpointConfig:
                Type: AWS::SageMaker::EndpointConfig
                Properties:
                  EndpointConfigName: chat
                  ProductionVariants:
                    - VariantName: primary
                      ModelName: chat
                      InitialInstanceCount: 2
                      InstanceType: ml.g5.xlarge
                      InitialVariantWeight: 1.0
        ''', fixed='''
            AWSTemplateFormatVersion: "2010-09-09"
            Parameters:
              KmsKeyArn:
                Type: String
                Description: ARN of the KMS key (asked for by an aiposture fix)

            Resources:
              ChatEndpointConfig:
                Type: AWS::SageMaker::EndpointConfig
                Properties:
                  EndpointConfigName: chat
                  ProductionVariants:
                    - VariantName: primary
                      ModelName: chat
                      InitialInstanceCount: 2
                      InstanceType: ml.g5.xlarge
                      InitialVariantWeight: 1.0
                  KmsKeyId: !Ref KmsKeyArn
        '''),
        good("cloudformation", '''
            AWSTemplateFormatVersion: "2010-09-09"
            Resources:
              ChatEndpointConfig:
                Type: AWS::SageMaker::EndpointConfig
                Properties:
                  EndpointConfigName: chat
                  KmsKeyId: arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
                  ProductionVariants:
                    - VariantName: primary
                      ModelName: chat
                      InitialInstanceCount: 2
                      InstanceType: ml.g5.xlarge
                      InitialVariantWeight: 1.0
        '''),
    ),
)

ENDPOINT_DATA_CAPTURE_CMK = Check(
    id="AIP110",
    name="sagemaker-endpoint-data-capture-cmk",
    title="SageMaker endpoint data capture is encrypted with a customer-managed KMS key",
    severity=Severity.MEDIUM,
    kinds=(ENDPOINT_CONFIG,),
    rule=when("data_capture_config", present("data_capture_config.kms_key_id")),
    description=(
        "Data capture writes every request and response of the endpoint (prompts, completions, "
        "personal data) to S3. Without `data_capture_config.kms_key_id` the captures rely on the "
        "bucket's default encryption, which may be none you control."
    ),
    remediation=set_attr("data_capture_config.kms_key_id", placeholder("kms_key_arn")),
    fix_safety=Applicability.SUGGESTION,
    references=("https://docs.aws.amazon.com/sagemaker/latest/dg/model-monitor-data-capture.html",),
    compliance={OWASP_ML: ("ML02",)},
    anchors=(),  # no other tool checks this attribute
    examples=(
        bad("terraform", '''
            resource "aws_sagemaker_endpoint_configuration" "chat" {
              name        = "chat"
              kms_key_arn = aws_kms_key.inference.arn

              production_variants {
                variant_name           = "primary"
                model_name             = aws_sagemaker_model.chat.name
                initial_instance_count = 2
                instance_type          = "ml.g5.xlarge"
              }

              data_capture_config {
                enable_capture              = true
                initial_sampling_percentage = 100
                destination_s3_uri          = "s3://chat-captures/endpoint"

                capture_options {
                  capture_mode = "InputAndOutput"
                }
              }
            }
        ''', fixed='''
            resource "aws_sagemaker_endpoint_configuration" "chat" {
              name        = "chat"
              kms_key_arn = aws_kms_key.inference.arn

              production_variants {
                variant_name           = "primary"
                model_name             = aws_sagemaker_model.chat.name
                initial_instance_count = 2
                instance_type          = "ml.g5.xlarge"
              }

              data_capture_config {
                enable_capture              = true
                initial_sampling_percentage = 100
                destination_s3_uri          = "s3://chat-captures/endpoint"
                kms_key_id                  = var.kms_key_arn

                capture_options {
                  capture_mode = "InputAndOutput"
                }
              }
            }

            variable "kms_key_arn" {
              description = "ARN of the KMS key (asked for by an aiposture fix)"
              type        = string
            }
        '''),
        good("terraform", '''
            resource "aws_sagemaker_endpoint_configuration" "chat" {
              name        = "chat"
              kms_key_arn = aws_kms_key.inference.arn

              production_variants {
                variant_name           = "primary"
                model_name             = aws_sagemaker_model.chat.name
                initial_instance_count = 2
                instance_type          = "ml.g5.xlarge"
              }

              data_capture_config {
                enable_capture              = true
                initial_sampling_percentage = 100
                destination_s3_uri          = "s3://chat-captures/endpoint"
                kms_key_id                  = aws_kms_key.captures.arn

                capture_options {
                  capture_mode = "InputAndOutput"
                }
              }
            }
        '''),
        good("terraform", '''
            resource "aws_sagemaker_endpoint_configuration" "chat" {
              name        = "chat"
              kms_key_arn = aws_kms_key.inference.arn

              production_variants {
                variant_name           = "primary"
                model_name             = aws_sagemaker_model.chat.name
                initial_instance_count = 2
                instance_type          = "ml.g5.xlarge"
              }
            }
        '''),
        bad("cloudformation", '''
            AWSTemplateFormatVersion: "2010-09-09"
            Resources:
              ChatEndpointConfig:
                Type: AWS::SageMaker::EndpointConfig
                Properties:
                  EndpointConfigName: chat
                  KmsKeyId: arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
                  ProductionVariants:
                    - VariantName: primary
                      ModelName: chat
                      InitialInstanceCount: 2
                      InstanceType: ml.g5.xlarge
                      InitialVariantWeight: 1.0
                  DataCaptureConfig:
                    EnableCapture: true
                    InitialSamplingPercentage: 100
                    CaptureOptions:
                      - CaptureMode: Input
                      - CaptureMode: Output
                    DestinationS3Uri: s3://chat-captures/endpoint
        ''', fixed='''
            AWSTemplateFormatVersion: "2010-09-09"
            Parameters:
              KmsKeyArn:
                Type: String
                Description: ARN of the KMS key (asked for by an aiposture fix)

            Resources:
              ChatEndpointConfig:
                Type: AWS::SageMaker::EndpointConfig
                Properties:
                  EndpointConfigName: chat
                  KmsKeyId: arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
                  ProductionVariants:
                    - VariantName: primary
                      ModelName: chat
                      InitialInstanceCount: 2
                      InstanceType: ml.g5.xlarge
                      InitialVariantWeight: 1.0
                  DataCaptureConfig:
                    EnableCapture: true
                    InitialSamplingPercentage: 100
                    CaptureOptions:
                      - CaptureMode: Input
                      - CaptureMode: Output
                    DestinationS3Uri: s3://chat-captures/endpoint
                    KmsKeyId: !Ref KmsKeyArn
        '''),
        good("cloudformation", '''
            AWSTemplateFormatVersion: "2010-09-09"
            Resources:
              ChatEndpointConfig:
                Type: AWS::SageMaker::EndpointConfig
                Properties:
                  EndpointConfigName: chat
                  KmsKeyId: arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
                  ProductionVariants:
                    - VariantName: primary
                      ModelName: chat
                      InitialInstanceCount: 2
                      InstanceType: ml.g5.xlarge
                      InitialVariantWeight: 1.0
                  DataCaptureConfig:
                    InitialSamplingPercentage: 100
                    CaptureOptions:
                      - CaptureMode: Input
                      - CaptureMode: Output
                    DestinationS3Uri: s3://chat-captures/endpoint
                    KmsKeyId: arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
        '''),
        good("cloudformation", '''
            AWSTemplateFormatVersion: "2010-09-09"
            Resources:
              ChatEndpointConfig:
                Type: AWS::SageMaker::EndpointConfig
                Properties:
                  EndpointConfigName: chat
                  KmsKeyId: arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
                  ProductionVariants:
                    - VariantName: primary
                      ModelName: chat
                      InitialInstanceCount: 2
                      InstanceType: ml.g5.xlarge
                      InitialVariantWeight: 1.0
        '''),
    ),
)


def _multi_instance_variants(resource: Resource, context: Context) -> Iterable[Result]:
    path = "production_variants"
    variants = resource.get(path)
    if isinstance(variants.raw, Unknown):
        yield unknown_result(resource, path, variants)
        return
    # a variant's own attributes, as this framework writes them (Terraform blocks, CloudFormation list items)
    count_name = name_of(resource, f"{path}.initial_instance_count").rsplit(".", 1)[-1]
    serverless_name = name_of(resource, f"{path}.serverless_config").rsplit(".", 1)[-1]
    for index, variant in enumerate(variants.raw if isinstance(variants.raw, list) else []):
        count_path = f"{path}.{index}.initial_instance_count"
        where = f"production variant #{index + 1}"
        if isinstance(variant.raw, Unknown):
            yield Result(Status.UNKNOWN, f"{where} is `{variant.raw.expr}`, which cannot be resolved before deployment",
                         f"{path}.{index}", variant.span)
            continue
        if not isinstance(variant.raw, dict) or serverless_name in variant.raw:
            continue  # serverless variants have no instances to count
        count = lookup(variant.raw, count_name)
        raw = count.raw
        if isinstance(raw, str) and raw.strip().isdigit():
            raw = int(raw)  # CloudFormation takes "2" for an integer
        if isinstance(raw, Unknown):
            yield Result(Status.UNKNOWN, f"`{count_name}` of {where} is `{raw.expr}`, which cannot be resolved "
                                         "before deployment", count_path, count.span)
        elif isinstance(raw, (int, float)) and not isinstance(raw, bool) and raw > 1:
            yield Result(Status.PASS, "the variant runs on more than one instance", count_path, count.span)
        else:
            value = shown(resource, count_path, raw) if raw is not None else "not set"
            yield Result(Status.FAIL, f"{where} has `{count_name}` {value}: one instance is a single point of failure",
                         count_path, count.span or variant.span)


ENDPOINT_MULTI_INSTANCE = Check(
    id="AIP111",
    name="sagemaker-endpoint-multi-instance",
    title="SageMaker endpoint production variants run on more than one instance",
    severity=Severity.LOW,
    kinds=(ENDPOINT_CONFIG,),
    rule=_multi_instance_variants,
    description=(
        "A production variant with one instance has no redundancy: an instance failure or an "
        "Availability Zone outage takes the model offline. With two or more, SageMaker spreads "
        "instances across Availability Zones. Serverless variants are not affected."
    ),
    remediation=None,  # the count to choose is a capacity decision
    references=("https://docs.aws.amazon.com/sagemaker/latest/dg/best-practice-endpoint-security.html", SH_DOC),
    compliance={SECURITY_HUB: ("SageMaker.4",)},
    anchors=("Security Hub SageMaker.4 (runtime)",),
    examples=(
        bad("terraform", '''
            resource "aws_sagemaker_endpoint_configuration" "chat" {
              name        = "chat"
              kms_key_arn = aws_kms_key.inference.arn

              production_variants {
                variant_name           = "primary"
                model_name             = aws_sagemaker_model.chat.name
                initial_instance_count = 1
                instance_type          = "ml.g5.xlarge"
              }
            }
        '''),
        good("terraform", '''
            resource "aws_sagemaker_endpoint_configuration" "chat" {
              name        = "chat"
              kms_key_arn = aws_kms_key.inference.arn

              production_variants {
                variant_name           = "primary"
                model_name             = aws_sagemaker_model.chat.name
                initial_instance_count = 2
                instance_type          = "ml.g5.xlarge"
              }

              production_variants {
                variant_name = "serverless-canary"
                model_name   = aws_sagemaker_model.chat.name

                serverless_config {
                  max_concurrency   = 5
                  memory_size_in_mb = 4096
                }
              }
            }
        '''),
        bad("cloudformation", '''
            AWSTemplateFormatVersion: "2010-09-09"
            Resources:
              ChatEndpointConfig:
                Type: AWS::SageMaker::EndpointConfig
                Properties:
                  EndpointConfigName: chat
                  KmsKeyId: arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
                  ProductionVariants:
                    - VariantName: primary
                      ModelName: chat
                      InitialInstanceCount: 1
                      InstanceType: ml.g5.xlarge
                      InitialVariantWeight: 1.0
        '''),
        good("cloudformation", '''
            AWSTemplateFormatVersion: "2010-09-09"
            Resources:
              ChatEndpointConfig:
                Type: AWS::SageMaker::EndpointConfig
                Properties:
                  EndpointConfigName: chat
                  KmsKeyId: arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
                  ProductionVariants:
                    - VariantName: primary
                      ModelName: chat
                      InitialInstanceCount: 2
                      InstanceType: ml.g5.xlarge
                      InitialVariantWeight: 1.0
                    - VariantName: serverless-canary
                      ModelName: chat
                      InitialVariantWeight: 0.1
                      ServerlessConfig:
                        MaxConcurrency: 5
                        MemorySizeInMB: 4096
        '''),
        bad("cloudformation", '''
            {
              "AWSTemplateFormatVersion": "2010-09-09",
              "Resources": {
                "ChatEndpointConfig": {
                  "Type": "AWS::SageMaker::EndpointConfig",
                  "Properties": {
                    "KmsKeyId": "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                    "ProductionVariants": [
                      {
                        "VariantName": "primary",
                        "ModelName": "chat",
                        "InitialInstanceCount": 2,
                        "InstanceType": "ml.g5.xlarge",
                        "InitialVariantWeight": 0.9
                      },
                      {
                        "VariantName": "candidate",
                        "ModelName": "chat-candidate",
                        "InitialInstanceCount": 1,
                        "InstanceType": "ml.g5.xlarge",
                        "InitialVariantWeight": 0.1
                      }
                    ]
                  }
                }
              }
            }
        ''', filename="template.json"),
        good("cloudformation", '''
            {
              "AWSTemplateFormatVersion": "2010-09-09",
              "Resources": {
                "ChatEndpointConfig": {
                  "Type": "AWS::SageMaker::EndpointConfig",
                  "Properties": {
                    "KmsKeyId": "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                    "ProductionVariants": [
                      {
                        "VariantName": "primary",
                        "ModelName": "chat",
                        "InitialInstanceCount": 3,
                        "InstanceType": "ml.g5.xlarge"
                      }
                    ]
                  }
                }
              }
            }
        ''', filename="template.json"),
    ),
)

_MODEL_HEAD = '''
    resource "aws_sagemaker_model" "classifier" {
      name               = "classifier"
      execution_role_arn = aws_iam_role.inference.arn

      primary_container {
        image          = "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.3-cpu-py311"
        model_data_url = "s3://models/classifier/model.tar.gz"
      }
'''

# A model in pipeline code (SageMaker Python SDK): the same CreateModel request.
_SDK_MODEL = '''
    from sagemaker.model import Model

    model = Model(
        image_uri="111122223333.dkr.ecr.us-east-1.amazonaws.com/inference:1",
        model_data="s3://models/chat/model.tar.gz",
        role="arn:aws:iam::111122223333:role/ml-inference",
    )
'''


MODEL_NETWORK_ISOLATION = Check(
    id="AIP112",
    name="sagemaker-model-network-isolation",
    title="SageMaker models run with network isolation",
    severity=Severity.MEDIUM,
    kinds=(MODEL,),
    rule=equals("enable_network_isolation", True),
    description=(
        "Without network isolation the inference container can make outbound calls, so a "
        "malicious or compromised model (pickle payloads, poisoned third-party weights) can "
        "exfiltrate data or fetch code. The default is false."
    ),
    remediation=set_attr("enable_network_isolation", True),
    fix_safety=Applicability.UNSAFE,  # containers that download at start-up stop working
    references=("https://docs.aws.amazon.com/sagemaker/latest/dg/mkt-algo-model-internet-free.html", SH_DOC),
    compliance={SECURITY_HUB: ("SageMaker.5",), OWASP_ML: ("ML06", "ML10")},
    anchors=("checkov CKV_AWS_370",),
    examples=(
        bad("sagemaker", _SDK_MODEL, filename="pipeline.py", fixed=_SDK_MODEL.replace(
            '        role="arn:aws:iam::111122223333:role/ml-inference",\n',
            '        role="arn:aws:iam::111122223333:role/ml-inference",\n        enable_network_isolation=True,\n')),
        good("sagemaker", _SDK_MODEL.replace("        model_data=", "        enable_network_isolation=True,\n        model_data="),
             filename="pipeline.py"),
        bad("terraform", _MODEL_HEAD + "    }\n", fixed='''
            resource "aws_sagemaker_model" "classifier" {
              name               = "classifier"
              execution_role_arn = aws_iam_role.inference.arn
              enable_network_isolation = true

              primary_container {
                image          = "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.3-cpu-py311"
                model_data_url = "s3://models/classifier/model.tar.gz"
              }
            }
        '''),
        bad("terraform", _MODEL_HEAD + '''
      enable_network_isolation = false
    }
        ''', fixed='''
            resource "aws_sagemaker_model" "classifier" {
              name               = "classifier"
              execution_role_arn = aws_iam_role.inference.arn

              primary_container {
                image          = "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.3-cpu-py311"
                model_data_url = "s3://models/classifier/model.tar.gz"
              }

              enable_network_isolation = true
            }
        '''),
        good("terraform", _MODEL_HEAD + '''
      enable_network_isolation = true
    }
        '''),
        bad("cloudformation", '''
            AWSTemplateFormatVersion: "2010-09-09"
            Resources:
              ClassifierModel:
                Type: AWS::SageMaker::Model
                Properties:
                  ModelName: classifier
                  ExecutionRoleArn: arn:aws:iam::123456789012:role/sagemaker-inference
                  PrimaryContainer:
                    Image: 763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.3-cpu-py311
                    ModelDataUrl: s3://models/classifier/model.tar.gz
        ''', fixed='''
            AWSTemplateFormatVersion: "2010-09-09"
            Resources:
              ClassifierModel:
                Type: AWS::SageMaker::Model
                Properties:
                  ModelName: classifier
                  ExecutionRoleArn: arn:aws:iam::123456789012:role/sagemaker-inference
                  PrimaryContainer:
                    Image: 763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.3-cpu-py311
                    ModelDataUrl: s3://models/classifier/model.tar.gz
                  EnableNetworkIsolation: true
        '''),
        bad("cloudformation", '''
            AWSTemplateFormatVersion: "2010-09-09"
            Resources:
              ClassifierModel:
                Type: AWS::SageMaker::Model
                Properties:
                  ModelName: classifier
                  ExecutionRoleArn: arn:aws:iam::123456789012:role/sagemaker-inference
                  PrimaryContainer:
                    Image: 763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.3-cpu-py311
                    ModelDataUrl: s3://models/classifier/model.tar.gz
                  EnableNetworkIsolation: false
        ''', fixed='''
            AWSTemplateFormatVersion: "2010-09-09"
            Resources:
              ClassifierModel:
                Type: AWS::SageMaker::Model
                Properties:
                  ModelName: classifier
                  ExecutionRoleArn: arn:aws:iam::123456789012:role/sagemaker-inference
                  PrimaryContainer:
                    Image: 763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.3-cpu-py311
                    ModelDataUrl: s3://models/classifier/model.tar.gz
                  EnableNetworkIsolation: true
        '''),
        good("cloudformation", '''
            AWSTemplateFormatVersion: "2010-09-09"
            Resources:
              ClassifierModel:
                Type: AWS::SageMaker::Model
                Properties:
                  ModelName: classifier
                  ExecutionRoleArn: arn:aws:iam::123456789012:role/sagemaker-inference
                  PrimaryContainer:
                    Image: 763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.3-cpu-py311
                    ModelDataUrl: s3://models/classifier/model.tar.gz
                  EnableNetworkIsolation: true
        '''),
        bad("cloudformation", '''
            {
              "AWSTemplateFormatVersion": "2010-09-09",
              "Resources": {
                "ClassifierModel": {
                  "Type": "AWS::SageMaker::Model",
                  "Properties": {
                    "ExecutionRoleArn": "arn:aws:iam::123456789012:role/sagemaker-inference",
                    "EnableNetworkIsolation": "false",
                    "PrimaryContainer": {
                      "Image": "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.3-cpu-py311",
                      "ModelDataUrl": "s3://models/classifier/model.tar.gz"
                    }
                  }
                }
              }
            }
        ''', filename="template.json", fixed='''
            {
              "AWSTemplateFormatVersion": "2010-09-09",
              "Resources": {
                "ClassifierModel": {
                  "Type": "AWS::SageMaker::Model",
                  "Properties": {
                    "ExecutionRoleArn": "arn:aws:iam::123456789012:role/sagemaker-inference",
                    "EnableNetworkIsolation": true,
                    "PrimaryContainer": {
                      "Image": "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.3-cpu-py311",
                      "ModelDataUrl": "s3://models/classifier/model.tar.gz"
                    }
                  }
                }
              }
            }
        '''),
        good("cloudformation", '''
            {
              "AWSTemplateFormatVersion": "2010-09-09",
              "Resources": {
                "ClassifierModel": {
                  "Type": "AWS::SageMaker::Model",
                  "Properties": {
                    "ExecutionRoleArn": "arn:aws:iam::123456789012:role/sagemaker-inference",
                    "EnableNetworkIsolation": "true",
                    "PrimaryContainer": {
                      "Image": "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.3-cpu-py311",
                      "ModelDataUrl": "s3://models/classifier/model.tar.gz"
                    }
                  }
                }
              }
            }
        ''', filename="template.json"),
    ),
)

MODEL_VPC = Check(
    id="AIP113",
    name="sagemaker-model-vpc",
    title="SageMaker models run in your VPC",
    severity=Severity.MEDIUM,
    kinds=(MODEL,),
    rule=_present("vpc_config", "inference runs outside your VPC"),
    description=(
        "Without `vpc_config`, the model's containers run in a network SageMaker manages, with "
        "internet access and outside your security groups, VPC endpoints and flow logs."
    ),
    remediation=None,  # subnets and security groups are the user's to choose
    references=("https://docs.aws.amazon.com/sagemaker/latest/dg/host-vpc.html",),
    compliance={OWASP_ML: ("ML06",)},
    anchors=(),  # no other tool checks this attribute
    examples=(
        bad("sagemaker", _SDK_MODEL, filename="pipeline.py"),
        good("sagemaker", _SDK_MODEL.replace(
            "        model_data=", '        vpc_config={"Subnets": ["subnet-0a1b2c3d"], "SecurityGroupIds": ["sg-0a1b2c3d"]},\n'
                                  "        model_data="), filename="pipeline.py"),
        bad("terraform", _MODEL_HEAD + '''
      enable_network_isolation = true
    }
        '''),
        good("terraform", _MODEL_HEAD + '''
      enable_network_isolation = true

      vpc_config {
        subnets            = aws_subnet.private[*].id
        security_group_ids = [aws_security_group.inference.id]
      }
    }
        '''),
        bad("cloudformation", '''
            AWSTemplateFormatVersion: "2010-09-09"
            Resources:
              ClassifierModel:
                Type: AWS::SageMaker::Model
                Properties:
                  ModelName: classifier
                  ExecutionRoleArn: arn:aws:iam::123456789012:role/sagemaker-inference
                  PrimaryContainer:
                    Image: 763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.3-cpu-py311
                    ModelDataUrl: s3://models/classifier/model.tar.gz
                  EnableNetworkIsolation: true
        '''),
        good("cloudformation", '''
            AWSTemplateFormatVersion: "2010-09-09"
            Resources:
              ClassifierModel:
                Type: AWS::SageMaker::Model
                Properties:
                  ModelName: classifier
                  ExecutionRoleArn: arn:aws:iam::123456789012:role/sagemaker-inference
                  PrimaryContainer:
                    Image: 763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.3-cpu-py311
                    ModelDataUrl: s3://models/classifier/model.tar.gz
                  EnableNetworkIsolation: true
                  VpcConfig:
                    Subnets:
                      - subnet-0a1b2c3d4e5f60718
                      - subnet-0f1e2d3c4b5a69788
                    SecurityGroupIds:
                      - sg-0123456789abcdef0
        '''),
    ),
)


# --- model monitoring job definitions ---------------------------------------------------------

_DQ_JOB = '''
    resource "aws_sagemaker_data_quality_job_definition" "drift" {
      name     = "drift"
      role_arn = aws_iam_role.monitor.arn

      data_quality_app_specification {
        image_uri = data.aws_sagemaker_prebuilt_ecr_image.monitor.registry_path
      }

      data_quality_job_input {
        endpoint_input {
          endpoint_name = aws_sagemaker_endpoint.chat.name
        }
      }

      data_quality_job_output_config {
        {output_kms}monitoring_outputs {
          s3_output {
            s3_uri = "s3://monitoring/drift"
          }
        }
      }

      job_resources {
        cluster_config {
          instance_count    = 1
          instance_type     = "ml.m5.large"
          volume_size_in_gb = 20{volume_kms}
        }
      }
{network}    }
'''

_MQ_JOB = '''
    resource "aws_sagemaker_model_quality_job_definition" "quality" {
      name     = "quality"
      role_arn = aws_iam_role.monitor.arn

      model_quality_app_specification {
        image_uri    = data.aws_sagemaker_prebuilt_ecr_image.monitor.registry_path
        problem_type = "BinaryClassification"
      }

      model_quality_job_input {
        endpoint_input {
          endpoint_name = aws_sagemaker_endpoint.chat.name
        }

        ground_truth_s3_input {
          s3_uri = "s3://monitoring/ground-truth"
        }
      }

      model_quality_job_output_config {
        {output_kms}monitoring_outputs {
          s3_output {
            s3_uri = "s3://monitoring/quality"
          }
        }
      }

      job_resources {
        cluster_config {
          instance_count    = 1
          instance_type     = "ml.m5.large"
          volume_size_in_gb = 20{volume_kms}
        }
      }
{network}    }
'''

_OUTPUT_KMS = "kms_key_id = aws_kms_key.monitoring.arn\n\n        "
_VOLUME_KMS = "\n          volume_kms_key_id = aws_kms_key.monitoring.arn"
_SECURE_NETWORK = '''
      network_config {
        enable_inter_container_traffic_encryption = true
        enable_network_isolation                  = true
      }
'''
_OPEN_NETWORK = '''
      network_config {
        enable_inter_container_traffic_encryption = false
        enable_network_isolation                  = false
      }
'''


def _job(template: str, output_kms: str = "", volume_kms: str = "", network: str = "") -> str:
    return template.replace("{output_kms}", output_kms).replace("{volume_kms}", volume_kms).replace("{network}", network)


# CloudFormation: every monitoring job type, and a schedule with its job defined inline. `{output}`
# ends the output config, `{volume}` the cluster config, `{network}` the job (at `{i}`, the
# indentation of the job's properties).
_CFN_JOBS = {
    DATA_QUALITY_JOB: (6, '''
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  DriftJobDefinition:
    Type: AWS::SageMaker::DataQualityJobDefinition
    Properties:
      JobDefinitionName: drift
      RoleArn: arn:aws:iam::123456789012:role/sagemaker-monitoring
      DataQualityAppSpecification:
        ImageUri: 156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer
      DataQualityJobInput:
        EndpointInput:
          EndpointName: chat
          LocalPath: /opt/ml/processing/input/endpoint
      DataQualityJobOutputConfig:
        MonitoringOutputs:
          - S3Output:
              S3Uri: s3://monitoring/drift
              LocalPath: /opt/ml/processing/output{output}
      JobResources:
        ClusterConfig:
          InstanceCount: 1
          InstanceType: ml.m5.large
          VolumeSizeInGB: 20{volume}{network}
'''),
    MODEL_QUALITY_JOB: (6, '''
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  QualityJobDefinition:
    Type: AWS::SageMaker::ModelQualityJobDefinition
    Properties:
      RoleArn: arn:aws:iam::123456789012:role/sagemaker-monitoring
      ModelQualityAppSpecification:
        ImageUri: 156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer
        ProblemType: BinaryClassification
      ModelQualityJobInput:
        EndpointInput:
          EndpointName: chat
          LocalPath: /opt/ml/processing/input/endpoint
          InferenceAttribute: "0"
        GroundTruthS3Input:
          S3Uri: s3://monitoring/ground-truth
      ModelQualityJobOutputConfig:
        MonitoringOutputs:
          - S3Output:
              S3Uri: s3://monitoring/quality
              LocalPath: /opt/ml/processing/output{output}
      JobResources:
        ClusterConfig:
          InstanceCount: 1
          InstanceType: ml.m5.large
          VolumeSizeInGB: 20{volume}{network}
'''),
    MODEL_BIAS_JOB: (6, '''
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  BiasJobDefinition:
    Type: AWS::SageMaker::ModelBiasJobDefinition
    Properties:
      RoleArn: arn:aws:iam::123456789012:role/sagemaker-monitoring
      ModelBiasAppSpecification:
        ImageUri: 205585389593.dkr.ecr.us-east-1.amazonaws.com/sagemaker-clarify-processing:1.0
        ConfigUri: s3://monitoring/bias/analysis_config.json
      ModelBiasJobInput:
        EndpointInput:
          EndpointName: credit-scoring
          LocalPath: /opt/ml/processing/input/endpoint
        GroundTruthS3Input:
          S3Uri: s3://monitoring/bias/ground-truth
      ModelBiasJobOutputConfig:
        MonitoringOutputs:
          - S3Output:
              S3Uri: s3://monitoring/bias
              LocalPath: /opt/ml/processing/output{output}
      JobResources:
        ClusterConfig:
          InstanceCount: 1
          InstanceType: ml.m5.xlarge
          VolumeSizeInGB: 30{volume}{network}
'''),
    MODEL_EXPLAINABILITY_JOB: (6, '''
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  ExplainabilityJobDefinition:
    Type: AWS::SageMaker::ModelExplainabilityJobDefinition
    Properties:
      RoleArn: arn:aws:iam::123456789012:role/sagemaker-monitoring
      ModelExplainabilityAppSpecification:
        ImageUri: 205585389593.dkr.ecr.us-east-1.amazonaws.com/sagemaker-clarify-processing:1.0
        ConfigUri: s3://monitoring/explainability/analysis_config.json
      ModelExplainabilityJobInput:
        EndpointInput:
          EndpointName: credit-scoring
          LocalPath: /opt/ml/processing/input/endpoint
      ModelExplainabilityJobOutputConfig:
        MonitoringOutputs:
          - S3Output:
              S3Uri: s3://monitoring/explainability
              LocalPath: /opt/ml/processing/output{output}
      JobResources:
        ClusterConfig:
          InstanceCount: 1
          InstanceType: ml.m5.xlarge
          VolumeSizeInGB: 30{volume}{network}
'''),
    MONITORING_SCHEDULE: (10, '''
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  DriftSchedule:
    Type: AWS::SageMaker::MonitoringSchedule
    Properties:
      MonitoringScheduleName: drift-hourly
      MonitoringScheduleConfig:
        MonitoringType: DataQuality
        ScheduleConfig:
          ScheduleExpression: cron(0 * ? * * *)
        MonitoringJobDefinition:
          RoleArn: arn:aws:iam::123456789012:role/sagemaker-monitoring
          MonitoringAppSpecification:
            ImageUri: 156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer
          MonitoringInputs:
            - EndpointInput:
                EndpointName: chat
                LocalPath: /opt/ml/processing/input/endpoint
          MonitoringOutputConfig:
            MonitoringOutputs:
              - S3Output:
                  S3Uri: s3://monitoring/drift
                  LocalPath: /opt/ml/processing/output{output}
          MonitoringResources:
            ClusterConfig:
              InstanceCount: 1
              InstanceType: ml.m5.large
              VolumeSizeInGB: 20{volume}{network}
'''),
}
_CMK = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
_ICTE, _ISOLATION = "EnableInterContainerTrafficEncryption", "EnableNetworkIsolation"
_SECURE = ((_ICTE, "true"), (_ISOLATION, "true"))


def _cfn_job(kind: str, output: str | None = _CMK, volume: str | None = _CMK,
             network: tuple[tuple[str, str], ...] | None = _SECURE) -> str:
    """A CloudFormation monitoring job of `kind`: output and volume key (None: not set), and the
    NetworkConfig entries (None: no NetworkConfig)."""
    indent, template = _CFN_JOBS[kind]
    pad = " " * indent
    network_text = "".join(f"\n{pad}  {key}: {value}" for key, value in network) if network is not None else ""
    return (template.replace("{output}", f"\n{pad}  KmsKeyId: {output}" if output is not None else "")
            .replace("{volume}", f"\n{pad}    VolumeKmsKeyId: {volume}" if volume is not None else "")
            .replace("{network}", f"\n{pad}NetworkConfig:{network_text}" if network is not None else ""))


# A schedule that runs a job defined on its own (that definition is judged; the schedule has nothing to judge).
_CFN_SCHEDULE_BY_NAME = _cfn_job(DATA_QUALITY_JOB) + '''  DriftSchedule:
    Type: AWS::SageMaker::MonitoringSchedule
    DependsOn: DriftJobDefinition
    Properties:
      MonitoringScheduleName: drift-hourly
      MonitoringScheduleConfig:
        MonitoringJobDefinitionName: drift
        MonitoringType: DataQuality
        ScheduleConfig:
          ScheduleExpression: cron(0 * ? * * *)
'''
_MONITORING_KINDS = (DATA_QUALITY_JOB, MODEL_QUALITY_JOB, MODEL_BIAS_JOB, MODEL_EXPLAINABILITY_JOB, MONITORING_SCHEDULE)


def _monitoring_job(inner):
    """`inner` on a job definition, and on a monitoring schedule only when it defines its job inline
    (one that names a job definition runs that definition, which is judged on its own)."""
    inline = when("monitoring_schedule_config.monitoring_job_definition", inner)

    def rule(resource: Resource, context: Context) -> Iterable[Result]:
        return (inline if resource.kind == MONITORING_SCHEDULE else inner)(resource, context)

    return rule


MONITORING_JOB_OUTPUT_CMK = Check(
    id="AIP114",
    name="sagemaker-monitoring-job-output-cmk",
    title="SageMaker model monitoring results are encrypted with a customer-managed KMS key",
    severity=Severity.LOW,
    kinds=_MONITORING_KINDS,
    rule=_monitoring_job(present("job_output_config.kms_key_id")),
    description=(
        "Monitoring jobs (data quality, model quality, bias and explainability, and schedules "
        "that define their job inline) write statistics and violation reports computed from "
        "captured inference data to S3. Without an output `kms_key_id` (`KmsKeyId` of the output "
        "config in CloudFormation) they are encrypted with the S3 default key, which you cannot "
        "restrict or revoke."
    ),
    remediation=set_attr("job_output_config.kms_key_id", placeholder("kms_key_arn")),
    fix_safety=Applicability.SUGGESTION,
    references=("https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_MonitoringOutputConfig.html",),
    compliance={OWASP_ML: ("ML02",)},
    anchors=("checkov CKV_AWS_367 (data quality only)",),  # no anchor for the other job types
    examples=(
        bad("terraform", _job(_DQ_JOB, volume_kms=_VOLUME_KMS, network=_SECURE_NETWORK), fixed='''
            resource "aws_sagemaker_data_quality_job_definition" "drift" {
              name     = "drift"
              role_arn = aws_iam_role.monitor.arn

              data_quality_app_specification {
                image_uri = data.aws_sagemaker_prebuilt_ecr_image.monitor.registry_path
              }

              data_quality_job_input {
                endpoint_input {
                  endpoint_name = aws_sagemaker_endpoint.chat.name
                }
              }

              data_quality_job_output_config {
                kms_key_id = var.kms_key_arn
                monitoring_outputs {
                  s3_output {
                    s3_uri = "s3://monitoring/drift"
                  }
                }
              }

              job_resources {
                cluster_config {
                  instance_count    = 1
                  instance_type     = "ml.m5.large"
                  volume_size_in_gb = 20
                  volume_kms_key_id = aws_kms_key.monitoring.arn
                }
              }

              network_config {
                enable_inter_container_traffic_encryption = true
                enable_network_isolation                  = true
              }
            }

            variable "kms_key_arn" {
              description = "ARN of the KMS key (asked for by an aiposture fix)"
              type        = string
            }
        '''),
        good("terraform", _job(_DQ_JOB, _OUTPUT_KMS, _VOLUME_KMS, _SECURE_NETWORK)),
        bad("terraform", _job(_MQ_JOB, volume_kms=_VOLUME_KMS, network=_SECURE_NETWORK), fixed='''
            resource "aws_sagemaker_model_quality_job_definition" "quality" {
              name     = "quality"
              role_arn = aws_iam_role.monitor.arn

              model_quality_app_specification {
                image_uri    = data.aws_sagemaker_prebuilt_ecr_image.monitor.registry_path
                problem_type = "BinaryClassification"
              }

              model_quality_job_input {
                endpoint_input {
                  endpoint_name = aws_sagemaker_endpoint.chat.name
                }

                ground_truth_s3_input {
                  s3_uri = "s3://monitoring/ground-truth"
                }
              }

              model_quality_job_output_config {
                kms_key_id = var.kms_key_arn
                monitoring_outputs {
                  s3_output {
                    s3_uri = "s3://monitoring/quality"
                  }
                }
              }

              job_resources {
                cluster_config {
                  instance_count    = 1
                  instance_type     = "ml.m5.large"
                  volume_size_in_gb = 20
                  volume_kms_key_id = aws_kms_key.monitoring.arn
                }
              }

              network_config {
                enable_inter_container_traffic_encryption = true
                enable_network_isolation                  = true
              }
            }

            variable "kms_key_arn" {
              description = "ARN of the KMS key (asked for by an aiposture fix)"
              type        = string
            }
        '''),
        good("terraform", _job(_MQ_JOB, _OUTPUT_KMS, _VOLUME_KMS, _SECURE_NETWORK)),
        bad("cloudformation", _cfn_job(DATA_QUALITY_JOB, output=None), fixed='''
            AWSTemplateFormatVersion: "2010-09-09"
            Parameters:
              KmsKeyArn:
                Type: String
                Description: ARN of the KMS key (asked for by an aiposture fix)

            Resources:
              DriftJobDefinition:
                Type: AWS::SageMaker::DataQualityJobDefinition
                Properties:
                  JobDefinitionName: drift
                  RoleArn: arn:aws:iam::123456789012:role/sagemaker-monitoring
                  DataQualityAppSpecification:
                    ImageUri: 156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer
                  DataQualityJobInput:
                    EndpointInput:
                      EndpointName: chat
                      LocalPath: /opt/ml/processing/input/endpoint
                  DataQualityJobOutputConfig:
                    MonitoringOutputs:
                      - S3Output:
                          S3Uri: s3://monitoring/drift
                          LocalPath: /opt/ml/processing/output
                    KmsKeyId: !Ref KmsKeyArn
                  JobResources:
                    ClusterConfig:
                      InstanceCount: 1
                      InstanceType: ml.m5.large
                      VolumeSizeInGB: 20
                      VolumeKmsKeyId: arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
                  NetworkConfig:
                    EnableInterContainerTrafficEncryption: true
                    EnableNetworkIsolation: true
        '''),
        bad("cloudformation", _cfn_job(MODEL_QUALITY_JOB, output=None), fixed='''
            AWSTemplateFormatVersion: "2010-09-09"
            Parameters:
              KmsKeyArn:
                Type: String
                Description: ARN of the KMS key (asked for by an aiposture fix)

            Resources:
              QualityJobDefinition:
                Type: AWS::SageMaker::ModelQualityJobDefinition
                Properties:
                  RoleArn: arn:aws:iam::123456789012:role/sagemaker-monitoring
                  ModelQualityAppSpecification:
                    ImageUri: 156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer
                    ProblemType: BinaryClassification
                  ModelQualityJobInput:
                    EndpointInput:
                      EndpointName: chat
                      LocalPath: /opt/ml/processing/input/endpoint
                      InferenceAttribute: "0"
                    GroundTruthS3Input:
                      S3Uri: s3://monitoring/ground-truth
                  ModelQualityJobOutputConfig:
                    MonitoringOutputs:
                      - S3Output:
                          S3Uri: s3://monitoring/quality
                          LocalPath: /opt/ml/processing/output
                    KmsKeyId: !Ref KmsKeyArn
                  JobResources:
                    ClusterConfig:
                      InstanceCount: 1
                      InstanceType: ml.m5.large
                      VolumeSizeInGB: 20
                      VolumeKmsKeyId: arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
                  NetworkConfig:
                    EnableInterContainerTrafficEncryption: true
                    EnableNetworkIsolation: true
        '''),
        bad("cloudformation", _cfn_job(MODEL_BIAS_JOB, output=None), fixed='''
            AWSTemplateFormatVersion: "2010-09-09"
            Parameters:
              KmsKeyArn:
                Type: String
                Description: ARN of the KMS key (asked for by an aiposture fix)

            Resources:
              BiasJobDefinition:
                Type: AWS::SageMaker::ModelBiasJobDefinition
                Properties:
                  RoleArn: arn:aws:iam::123456789012:role/sagemaker-monitoring
                  ModelBiasAppSpecification:
                    ImageUri: 205585389593.dkr.ecr.us-east-1.amazonaws.com/sagemaker-clarify-processing:1.0
                    ConfigUri: s3://monitoring/bias/analysis_config.json
                  ModelBiasJobInput:
                    EndpointInput:
                      EndpointName: credit-scoring
                      LocalPath: /opt/ml/processing/input/endpoint
                    GroundTruthS3Input:
                      S3Uri: s3://monitoring/bias/ground-truth
                  ModelBiasJobOutputConfig:
                    MonitoringOutputs:
                      - S3Output:
                          S3Uri: s3://monitoring/bias
                          LocalPath: /opt/ml/processing/output
                    KmsKeyId: !Ref KmsKeyArn
                  JobResources:
                    ClusterConfig:
                      InstanceCount: 1
                      InstanceType: ml.m5.xlarge
                      VolumeSizeInGB: 30
                      VolumeKmsKeyId: arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
                  NetworkConfig:
                    EnableInterContainerTrafficEncryption: true
                    EnableNetworkIsolation: true
        '''),
        bad("cloudformation", _cfn_job(MODEL_EXPLAINABILITY_JOB, output='""'), fixed='''
            AWSTemplateFormatVersion: "2010-09-09"
            Parameters:
              KmsKeyArn:
                Type: String
                Description: ARN of the KMS key (asked for by an aiposture fix)

            Resources:
              ExplainabilityJobDefinition:
                Type: AWS::SageMaker::ModelExplainabilityJobDefinition
                Properties:
                  RoleArn: arn:aws:iam::123456789012:role/sagemaker-monitoring
                  ModelExplainabilityAppSpecification:
                    ImageUri: 205585389593.dkr.ecr.us-east-1.amazonaws.com/sagemaker-clarify-processing:1.0
                    ConfigUri: s3://monitoring/explainability/analysis_config.json
                  ModelExplainabilityJobInput:
                    EndpointInput:
                      EndpointName: credit-scoring
                      LocalPath: /opt/ml/processing/input/endpoint
                  ModelExplainabilityJobOutputConfig:
                    MonitoringOutputs:
                      - S3Output:
                          S3Uri: s3://monitoring/explainability
                          LocalPath: /opt/ml/processing/output
                    KmsKeyId: !Ref KmsKeyArn
                  JobResources:
                    ClusterConfig:
                      InstanceCount: 1
                      InstanceType: ml.m5.xlarge
                      VolumeSizeInGB: 30
                      VolumeKmsKeyId: arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
                  NetworkConfig:
                    EnableInterContainerTrafficEncryption: true
                    EnableNetworkIsolation: true
        '''),
        bad("cloudformation", _cfn_job(MONITORING_SCHEDULE, output=None), fixed='''
            AWSTemplateFormatVersion: "2010-09-09"
            Parameters:
              KmsKeyArn:
                Type: String
                Description: ARN of the KMS key (asked for by an aiposture fix)

            Resources:
              DriftSchedule:
                Type: AWS::SageMaker::MonitoringSchedule
                Properties:
                  MonitoringScheduleName: drift-hourly
                  MonitoringScheduleConfig:
                    MonitoringType: DataQuality
                    ScheduleConfig:
                      ScheduleExpression: cron(0 * ? * * *)
                    MonitoringJobDefinition:
                      RoleArn: arn:aws:iam::123456789012:role/sagemaker-monitoring
                      MonitoringAppSpecification:
                        ImageUri: 156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer
                      MonitoringInputs:
                        - EndpointInput:
                            EndpointName: chat
                            LocalPath: /opt/ml/processing/input/endpoint
                      MonitoringOutputConfig:
                        MonitoringOutputs:
                          - S3Output:
                              S3Uri: s3://monitoring/drift
                              LocalPath: /opt/ml/processing/output
                        KmsKeyId: !Ref KmsKeyArn
                      MonitoringResources:
                        ClusterConfig:
                          InstanceCount: 1
                          InstanceType: ml.m5.large
                          VolumeSizeInGB: 20
                          VolumeKmsKeyId: arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
                      NetworkConfig:
                        EnableInterContainerTrafficEncryption: true
                        EnableNetworkIsolation: true
        '''),
        good("cloudformation", _cfn_job(DATA_QUALITY_JOB)),
        good("cloudformation", _cfn_job(MODEL_EXPLAINABILITY_JOB)),
        good("cloudformation", _cfn_job(MONITORING_SCHEDULE, output='!ImportValue ml-keys-MonitoringKeyArn')),
        good("cloudformation", _CFN_SCHEDULE_BY_NAME),
    ),
)

MONITORING_JOB_VOLUME_CMK = Check(
    id="AIP115",
    name="sagemaker-monitoring-job-volume-cmk",
    title="SageMaker model monitoring job volumes are encrypted with a customer-managed KMS key",
    severity=Severity.LOW,
    kinds=_MONITORING_KINDS,
    rule=_monitoring_job(present("job_resources.cluster_config.volume_kms_key_id")),
    description=(
        "The monitoring job's instances copy captured inference data to their ML storage volume. "
        "Without `volume_kms_key_id` (`VolumeKmsKeyId`) that volume is not encrypted with a key "
        "you control."
    ),
    remediation=set_attr("job_resources.cluster_config.volume_kms_key_id", placeholder("kms_key_arn")),
    fix_safety=Applicability.SUGGESTION,
    references=("https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_MonitoringClusterConfig.html",),
    compliance={OWASP_ML: ("ML02",)},
    anchors=("checkov CKV_AWS_368 (data quality only)",),
    examples=(
        bad("terraform", _job(_DQ_JOB, _OUTPUT_KMS, network=_SECURE_NETWORK), fixed='''
            resource "aws_sagemaker_data_quality_job_definition" "drift" {
              name     = "drift"
              role_arn = aws_iam_role.monitor.arn

              data_quality_app_specification {
                image_uri = data.aws_sagemaker_prebuilt_ecr_image.monitor.registry_path
              }

              data_quality_job_input {
                endpoint_input {
                  endpoint_name = aws_sagemaker_endpoint.chat.name
                }
              }

              data_quality_job_output_config {
                kms_key_id = aws_kms_key.monitoring.arn

                monitoring_outputs {
                  s3_output {
                    s3_uri = "s3://monitoring/drift"
                  }
                }
              }

              job_resources {
                cluster_config {
                  instance_count    = 1
                  instance_type     = "ml.m5.large"
                  volume_size_in_gb = 20
                  volume_kms_key_id = var.kms_key_arn
                }
              }

              network_config {
                enable_inter_container_traffic_encryption = true
                enable_network_isolation                  = true
              }
            }

            variable "kms_key_arn" {
              description = "ARN of the KMS key (asked for by an aiposture fix)"
              type        = string
            }
        '''),
        good("terraform", _job(_DQ_JOB, _OUTPUT_KMS, _VOLUME_KMS, _SECURE_NETWORK)),
        bad("terraform", _job(_MQ_JOB, _OUTPUT_KMS, network=_SECURE_NETWORK), fixed='''
            resource "aws_sagemaker_model_quality_job_definition" "quality" {
              name     = "quality"
              role_arn = aws_iam_role.monitor.arn

              model_quality_app_specification {
                image_uri    = data.aws_sagemaker_prebuilt_ecr_image.monitor.registry_path
                problem_type = "BinaryClassification"
              }

              model_quality_job_input {
                endpoint_input {
                  endpoint_name = aws_sagemaker_endpoint.chat.name
                }

                ground_truth_s3_input {
                  s3_uri = "s3://monitoring/ground-truth"
                }
              }

              model_quality_job_output_config {
                kms_key_id = aws_kms_key.monitoring.arn

                monitoring_outputs {
                  s3_output {
                    s3_uri = "s3://monitoring/quality"
                  }
                }
              }

              job_resources {
                cluster_config {
                  instance_count    = 1
                  instance_type     = "ml.m5.large"
                  volume_size_in_gb = 20
                  volume_kms_key_id = var.kms_key_arn
                }
              }

              network_config {
                enable_inter_container_traffic_encryption = true
                enable_network_isolation                  = true
              }
            }

            variable "kms_key_arn" {
              description = "ARN of the KMS key (asked for by an aiposture fix)"
              type        = string
            }
        '''),
        good("terraform", _job(_MQ_JOB, _OUTPUT_KMS, _VOLUME_KMS, _SECURE_NETWORK)),
        bad("cloudformation", _cfn_job(DATA_QUALITY_JOB, volume=None), fixed='''
            AWSTemplateFormatVersion: "2010-09-09"
            Parameters:
              KmsKeyArn:
                Type: String
                Description: ARN of the KMS key (asked for by an aiposture fix)

            Resources:
              DriftJobDefinition:
                Type: AWS::SageMaker::DataQualityJobDefinition
                Properties:
                  JobDefinitionName: drift
                  RoleArn: arn:aws:iam::123456789012:role/sagemaker-monitoring
                  DataQualityAppSpecification:
                    ImageUri: 156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer
                  DataQualityJobInput:
                    EndpointInput:
                      EndpointName: chat
                      LocalPath: /opt/ml/processing/input/endpoint
                  DataQualityJobOutputConfig:
                    MonitoringOutputs:
                      - S3Output:
                          S3Uri: s3://monitoring/drift
                          LocalPath: /opt/ml/processing/output
                    KmsKeyId: arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
                  JobResources:
                    ClusterConfig:
                      InstanceCount: 1
                      InstanceType: ml.m5.large
                      VolumeSizeInGB: 20
                      VolumeKmsKeyId: !Ref KmsKeyArn
                  NetworkConfig:
                    EnableInterContainerTrafficEncryption: true
                    EnableNetworkIsolation: true
        '''),
        bad("cloudformation", _cfn_job(MODEL_QUALITY_JOB, volume=None), fixed='''
            AWSTemplateFormatVersion: "2010-09-09"
            Parameters:
              KmsKeyArn:
                Type: String
                Description: ARN of the KMS key (asked for by an aiposture fix)

            Resources:
              QualityJobDefinition:
                Type: AWS::SageMaker::ModelQualityJobDefinition
                Properties:
                  RoleArn: arn:aws:iam::123456789012:role/sagemaker-monitoring
                  ModelQualityAppSpecification:
                    ImageUri: 156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer
                    ProblemType: BinaryClassification
                  ModelQualityJobInput:
                    EndpointInput:
                      EndpointName: chat
                      LocalPath: /opt/ml/processing/input/endpoint
                      InferenceAttribute: "0"
                    GroundTruthS3Input:
                      S3Uri: s3://monitoring/ground-truth
                  ModelQualityJobOutputConfig:
                    MonitoringOutputs:
                      - S3Output:
                          S3Uri: s3://monitoring/quality
                          LocalPath: /opt/ml/processing/output
                    KmsKeyId: arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
                  JobResources:
                    ClusterConfig:
                      InstanceCount: 1
                      InstanceType: ml.m5.large
                      VolumeSizeInGB: 20
                      VolumeKmsKeyId: !Ref KmsKeyArn
                  NetworkConfig:
                    EnableInterContainerTrafficEncryption: true
                    EnableNetworkIsolation: true
        '''),
        bad("cloudformation", _cfn_job(MODEL_BIAS_JOB, volume=None), fixed='''
            AWSTemplateFormatVersion: "2010-09-09"
            Parameters:
              KmsKeyArn:
                Type: String
                Description: ARN of the KMS key (asked for by an aiposture fix)

            Resources:
              BiasJobDefinition:
                Type: AWS::SageMaker::ModelBiasJobDefinition
                Properties:
                  RoleArn: arn:aws:iam::123456789012:role/sagemaker-monitoring
                  ModelBiasAppSpecification:
                    ImageUri: 205585389593.dkr.ecr.us-east-1.amazonaws.com/sagemaker-clarify-processing:1.0
                    ConfigUri: s3://monitoring/bias/analysis_config.json
                  ModelBiasJobInput:
                    EndpointInput:
                      EndpointName: credit-scoring
                      LocalPath: /opt/ml/processing/input/endpoint
                    GroundTruthS3Input:
                      S3Uri: s3://monitoring/bias/ground-truth
                  ModelBiasJobOutputConfig:
                    MonitoringOutputs:
                      - S3Output:
                          S3Uri: s3://monitoring/bias
                          LocalPath: /opt/ml/processing/output
                    KmsKeyId: arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
                  JobResources:
                    ClusterConfig:
                      InstanceCount: 1
                      InstanceType: ml.m5.xlarge
                      VolumeSizeInGB: 30
                      VolumeKmsKeyId: !Ref KmsKeyArn
                  NetworkConfig:
                    EnableInterContainerTrafficEncryption: true
                    EnableNetworkIsolation: true
        '''),
        bad("cloudformation", _cfn_job(MODEL_EXPLAINABILITY_JOB, volume=None), fixed='''
            AWSTemplateFormatVersion: "2010-09-09"
            Parameters:
              KmsKeyArn:
                Type: String
                Description: ARN of the KMS key (asked for by an aiposture fix)

            Resources:
              ExplainabilityJobDefinition:
                Type: AWS::SageMaker::ModelExplainabilityJobDefinition
                Properties:
                  RoleArn: arn:aws:iam::123456789012:role/sagemaker-monitoring
                  ModelExplainabilityAppSpecification:
                    ImageUri: 205585389593.dkr.ecr.us-east-1.amazonaws.com/sagemaker-clarify-processing:1.0
                    ConfigUri: s3://monitoring/explainability/analysis_config.json
                  ModelExplainabilityJobInput:
                    EndpointInput:
                      EndpointName: credit-scoring
                      LocalPath: /opt/ml/processing/input/endpoint
                  ModelExplainabilityJobOutputConfig:
                    MonitoringOutputs:
                      - S3Output:
                          S3Uri: s3://monitoring/explainability
                          LocalPath: /opt/ml/processing/output
                    KmsKeyId: arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
                  JobResources:
                    ClusterConfig:
                      InstanceCount: 1
                      InstanceType: ml.m5.xlarge
                      VolumeSizeInGB: 30
                      VolumeKmsKeyId: !Ref KmsKeyArn
                  NetworkConfig:
                    EnableInterContainerTrafficEncryption: true
                    EnableNetworkIsolation: true
        '''),
        bad("cloudformation", _cfn_job(MONITORING_SCHEDULE, volume=None), fixed='''
            AWSTemplateFormatVersion: "2010-09-09"
            Parameters:
              KmsKeyArn:
                Type: String
                Description: ARN of the KMS key (asked for by an aiposture fix)

            Resources:
              DriftSchedule:
                Type: AWS::SageMaker::MonitoringSchedule
                Properties:
                  MonitoringScheduleName: drift-hourly
                  MonitoringScheduleConfig:
                    MonitoringType: DataQuality
                    ScheduleConfig:
                      ScheduleExpression: cron(0 * ? * * *)
                    MonitoringJobDefinition:
                      RoleArn: arn:aws:iam::123456789012:role/sagemaker-monitoring
                      MonitoringAppSpecification:
                        ImageUri: 156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer
                      MonitoringInputs:
                        - EndpointInput:
                            EndpointName: chat
                            LocalPath: /opt/ml/processing/input/endpoint
                      MonitoringOutputConfig:
                        MonitoringOutputs:
                          - S3Output:
                              S3Uri: s3://monitoring/drift
                              LocalPath: /opt/ml/processing/output
                        KmsKeyId: arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
                      MonitoringResources:
                        ClusterConfig:
                          InstanceCount: 1
                          InstanceType: ml.m5.large
                          VolumeSizeInGB: 20
                          VolumeKmsKeyId: !Ref KmsKeyArn
                      NetworkConfig:
                        EnableInterContainerTrafficEncryption: true
                        EnableNetworkIsolation: true
        '''),
        good("cloudformation", _cfn_job(MODEL_QUALITY_JOB)),
        good("cloudformation", _cfn_job(MONITORING_SCHEDULE)),
        good("cloudformation", _CFN_SCHEDULE_BY_NAME),
    ),
)

MONITORING_JOB_INTER_CONTAINER_ENCRYPTION = Check(
    id="AIP116",
    name="sagemaker-monitoring-job-inter-container-encryption",
    title="SageMaker model monitoring jobs encrypt traffic between their containers",
    severity=Severity.MEDIUM,
    kinds=_MONITORING_KINDS,
    rule=_monitoring_job(equals("network_config.enable_inter_container_traffic_encryption", True)),
    description=(
        "Distributed monitoring jobs exchange captured inference data between instances. Unless "
        "`enable_inter_container_traffic_encryption` is true, that traffic is sent in clear text; "
        "the default is false, with or without a `network_config` block (`NetworkConfig`). "
        "Security Hub has this control for data quality, model quality, bias and explainability "
        "job definitions."
    ),
    remediation=set_attr("network_config.enable_inter_container_traffic_encryption", True),
    fix_safety=Applicability.SAFE,  # encryption in transit only; jobs run slightly slower
    references=("https://docs.aws.amazon.com/sagemaker/latest/dg/train-encrypt.html", SH_DOC),
    compliance={SECURITY_HUB: ("SageMaker.9", "SageMaker.10", "SageMaker.13", "SageMaker.15"), OWASP_ML: ("ML02",)},
    anchors=("checkov CKV_AWS_369 (data quality only)", "Security Hub SageMaker.9, .10, .13, .15 (runtime)"),
    examples=(
        bad("terraform", _job(_DQ_JOB, _OUTPUT_KMS, _VOLUME_KMS), fixed='''
            resource "aws_sagemaker_data_quality_job_definition" "drift" {
              name     = "drift"
              role_arn = aws_iam_role.monitor.arn

              data_quality_app_specification {
                image_uri = data.aws_sagemaker_prebuilt_ecr_image.monitor.registry_path
              }

              data_quality_job_input {
                endpoint_input {
                  endpoint_name = aws_sagemaker_endpoint.chat.name
                }
              }

              data_quality_job_output_config {
                kms_key_id = aws_kms_key.monitoring.arn

                monitoring_outputs {
                  s3_output {
                    s3_uri = "s3://monitoring/drift"
                  }
                }
              }

              job_resources {
                cluster_config {
                  instance_count    = 1
                  instance_type     = "ml.m5.large"
                  volume_size_in_gb = 20
                  volume_kms_key_id = aws_kms_key.monitoring.arn
                }
              }

              network_config {
                enable_inter_container_traffic_encryption = true
              }
            }
        '''),
        bad("terraform", _job(_DQ_JOB, _OUTPUT_KMS, _VOLUME_KMS, _OPEN_NETWORK), fixed='''
            resource "aws_sagemaker_data_quality_job_definition" "drift" {
              name     = "drift"
              role_arn = aws_iam_role.monitor.arn

              data_quality_app_specification {
                image_uri = data.aws_sagemaker_prebuilt_ecr_image.monitor.registry_path
              }

              data_quality_job_input {
                endpoint_input {
                  endpoint_name = aws_sagemaker_endpoint.chat.name
                }
              }

              data_quality_job_output_config {
                kms_key_id = aws_kms_key.monitoring.arn

                monitoring_outputs {
                  s3_output {
                    s3_uri = "s3://monitoring/drift"
                  }
                }
              }

              job_resources {
                cluster_config {
                  instance_count    = 1
                  instance_type     = "ml.m5.large"
                  volume_size_in_gb = 20
                  volume_kms_key_id = aws_kms_key.monitoring.arn
                }
              }

              network_config {
                enable_inter_container_traffic_encryption = true
                enable_network_isolation                  = false
              }
            }
        '''),
        good("terraform", _job(_DQ_JOB, _OUTPUT_KMS, _VOLUME_KMS, _SECURE_NETWORK)),
        bad("terraform", _job(_MQ_JOB, _OUTPUT_KMS, _VOLUME_KMS), fixed='''
            resource "aws_sagemaker_model_quality_job_definition" "quality" {
              name     = "quality"
              role_arn = aws_iam_role.monitor.arn

              model_quality_app_specification {
                image_uri    = data.aws_sagemaker_prebuilt_ecr_image.monitor.registry_path
                problem_type = "BinaryClassification"
              }

              model_quality_job_input {
                endpoint_input {
                  endpoint_name = aws_sagemaker_endpoint.chat.name
                }

                ground_truth_s3_input {
                  s3_uri = "s3://monitoring/ground-truth"
                }
              }

              model_quality_job_output_config {
                kms_key_id = aws_kms_key.monitoring.arn

                monitoring_outputs {
                  s3_output {
                    s3_uri = "s3://monitoring/quality"
                  }
                }
              }

              job_resources {
                cluster_config {
                  instance_count    = 1
                  instance_type     = "ml.m5.large"
                  volume_size_in_gb = 20
                  volume_kms_key_id = aws_kms_key.monitoring.arn
                }
              }

              network_config {
                enable_inter_container_traffic_encryption = true
              }
            }
        '''),
        good("terraform", _job(_MQ_JOB, _OUTPUT_KMS, _VOLUME_KMS, _SECURE_NETWORK)),
        bad("cloudformation", _cfn_job(DATA_QUALITY_JOB, network=None), fixed='''
            AWSTemplateFormatVersion: "2010-09-09"
            Resources:
              DriftJobDefinition:
                Type: AWS::SageMaker::DataQualityJobDefinition
                Properties:
                  JobDefinitionName: drift
                  RoleArn: arn:aws:iam::123456789012:role/sagemaker-monitoring
                  DataQualityAppSpecification:
                    ImageUri: 156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer
                  DataQualityJobInput:
                    EndpointInput:
                      EndpointName: chat
                      LocalPath: /opt/ml/processing/input/endpoint
                  DataQualityJobOutputConfig:
                    MonitoringOutputs:
                      - S3Output:
                          S3Uri: s3://monitoring/drift
                          LocalPath: /opt/ml/processing/output
                    KmsKeyId: arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
                  JobResources:
                    ClusterConfig:
                      InstanceCount: 1
                      InstanceType: ml.m5.large
                      VolumeSizeInGB: 20
                      VolumeKmsKeyId: arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
                  NetworkConfig:
                    EnableInterContainerTrafficEncryption: true
        '''),
        bad("cloudformation", _cfn_job(MODEL_QUALITY_JOB, network=((_ICTE, '"false"'), (_ISOLATION, "true"))), fixed='''
            AWSTemplateFormatVersion: "2010-09-09"
            Resources:
              QualityJobDefinition:
                Type: AWS::SageMaker::ModelQualityJobDefinition
                Properties:
                  RoleArn: arn:aws:iam::123456789012:role/sagemaker-monitoring
                  ModelQualityAppSpecification:
                    ImageUri: 156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer
                    ProblemType: BinaryClassification
                  ModelQualityJobInput:
                    EndpointInput:
                      EndpointName: chat
                      LocalPath: /opt/ml/processing/input/endpoint
                      InferenceAttribute: "0"
                    GroundTruthS3Input:
                      S3Uri: s3://monitoring/ground-truth
                  ModelQualityJobOutputConfig:
                    MonitoringOutputs:
                      - S3Output:
                          S3Uri: s3://monitoring/quality
                          LocalPath: /opt/ml/processing/output
                    KmsKeyId: arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
                  JobResources:
                    ClusterConfig:
                      InstanceCount: 1
                      InstanceType: ml.m5.large
                      VolumeSizeInGB: 20
                      VolumeKmsKeyId: arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
                  NetworkConfig:
                    EnableInterContainerTrafficEncryption: true
                    EnableNetworkIsolation: true
        '''),
        bad("cloudformation", _cfn_job(MODEL_BIAS_JOB, network=((_ICTE, "false"), (_ISOLATION, "true"))), fixed='''
            AWSTemplateFormatVersion: "2010-09-09"
            Resources:
              BiasJobDefinition:
                Type: AWS::SageMaker::ModelBiasJobDefinition
                Properties:
                  RoleArn: arn:aws:iam::123456789012:role/sagemaker-monitoring
                  ModelBiasAppSpecification:
                    ImageUri: 205585389593.dkr.ecr.us-east-1.amazonaws.com/sagemaker-clarify-processing:1.0
                    ConfigUri: s3://monitoring/bias/analysis_config.json
                  ModelBiasJobInput:
                    EndpointInput:
                      EndpointName: credit-scoring
                      LocalPath: /opt/ml/processing/input/endpoint
                    GroundTruthS3Input:
                      S3Uri: s3://monitoring/bias/ground-truth
                  ModelBiasJobOutputConfig:
                    MonitoringOutputs:
                      - S3Output:
                          S3Uri: s3://monitoring/bias
                          LocalPath: /opt/ml/processing/output
                    KmsKeyId: arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
                  JobResources:
                    ClusterConfig:
                      InstanceCount: 1
                      InstanceType: ml.m5.xlarge
                      VolumeSizeInGB: 30
                      VolumeKmsKeyId: arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
                  NetworkConfig:
                    EnableInterContainerTrafficEncryption: true
                    EnableNetworkIsolation: true
        '''),
        bad("cloudformation", _cfn_job(MODEL_EXPLAINABILITY_JOB, network=((_ISOLATION, "true"),)), fixed='''
            AWSTemplateFormatVersion: "2010-09-09"
            Resources:
              ExplainabilityJobDefinition:
                Type: AWS::SageMaker::ModelExplainabilityJobDefinition
                Properties:
                  RoleArn: arn:aws:iam::123456789012:role/sagemaker-monitoring
                  ModelExplainabilityAppSpecification:
                    ImageUri: 205585389593.dkr.ecr.us-east-1.amazonaws.com/sagemaker-clarify-processing:1.0
                    ConfigUri: s3://monitoring/explainability/analysis_config.json
                  ModelExplainabilityJobInput:
                    EndpointInput:
                      EndpointName: credit-scoring
                      LocalPath: /opt/ml/processing/input/endpoint
                  ModelExplainabilityJobOutputConfig:
                    MonitoringOutputs:
                      - S3Output:
                          S3Uri: s3://monitoring/explainability
                          LocalPath: /opt/ml/processing/output
                    KmsKeyId: arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
                  JobResources:
                    ClusterConfig:
                      InstanceCount: 1
                      InstanceType: ml.m5.xlarge
                      VolumeSizeInGB: 30
                      VolumeKmsKeyId: arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
                  NetworkConfig:
                    EnableNetworkIsolation: true
                    EnableInterContainerTrafficEncryption: true
        '''),
        bad("cloudformation", _cfn_job(MONITORING_SCHEDULE, network=None), fixed='''
            AWSTemplateFormatVersion: "2010-09-09"
            Resources:
              DriftSchedule:
                Type: AWS::SageMaker::MonitoringSchedule
                Properties:
                  MonitoringScheduleName: drift-hourly
                  MonitoringScheduleConfig:
                    MonitoringType: DataQuality
                    ScheduleConfig:
                      ScheduleExpression: cron(0 * ? * * *)
                    MonitoringJobDefinition:
                      RoleArn: arn:aws:iam::123456789012:role/sagemaker-monitoring
                      MonitoringAppSpecification:
                        ImageUri: 156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer
                      MonitoringInputs:
                        - EndpointInput:
                            EndpointName: chat
                            LocalPath: /opt/ml/processing/input/endpoint
                      MonitoringOutputConfig:
                        MonitoringOutputs:
                          - S3Output:
                              S3Uri: s3://monitoring/drift
                              LocalPath: /opt/ml/processing/output
                        KmsKeyId: arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
                      MonitoringResources:
                        ClusterConfig:
                          InstanceCount: 1
                          InstanceType: ml.m5.large
                          VolumeSizeInGB: 20
                          VolumeKmsKeyId: arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
                      NetworkConfig:
                        EnableInterContainerTrafficEncryption: true
        '''),
        good("cloudformation", _cfn_job(MODEL_BIAS_JOB)),
        good("cloudformation", _cfn_job(MODEL_EXPLAINABILITY_JOB, network=((_ICTE, '"true"'), (_ISOLATION, "true")))),
        good("cloudformation", _cfn_job(MONITORING_SCHEDULE)),
        good("cloudformation", _CFN_SCHEDULE_BY_NAME),
    ),
)

MONITORING_JOB_NETWORK_ISOLATION = Check(
    id="AIP117",
    name="sagemaker-monitoring-job-network-isolation",
    title="SageMaker model monitoring jobs run with network isolation",
    severity=Severity.MEDIUM,
    kinds=_MONITORING_KINDS,
    rule=_monitoring_job(equals("network_config.enable_network_isolation", True)),
    description=(
        "Monitoring containers read captured prompts and predictions. Without network isolation "
        "they can make outbound calls, so a compromised analysis image can send that data out. "
        "The default is false. Security Hub has this control for data quality and bias job "
        "definitions and for monitoring schedules."
    ),
    remediation=set_attr("network_config.enable_network_isolation", True),
    fix_safety=Applicability.UNSAFE,  # custom analysis images that call out stop working
    references=("https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_MonitoringNetworkConfig.html", SH_DOC),
    compliance={SECURITY_HUB: ("SageMaker.11", "SageMaker.12", "SageMaker.14"), OWASP_ML: ("ML06",)},
    anchors=("Security Hub SageMaker.11, .12, .14 (runtime)", "AWS Config sagemaker-model-bias-job-isolation"),
    examples=(
        bad("terraform", _job(_DQ_JOB, _OUTPUT_KMS, _VOLUME_KMS), fixed='''
            resource "aws_sagemaker_data_quality_job_definition" "drift" {
              name     = "drift"
              role_arn = aws_iam_role.monitor.arn

              data_quality_app_specification {
                image_uri = data.aws_sagemaker_prebuilt_ecr_image.monitor.registry_path
              }

              data_quality_job_input {
                endpoint_input {
                  endpoint_name = aws_sagemaker_endpoint.chat.name
                }
              }

              data_quality_job_output_config {
                kms_key_id = aws_kms_key.monitoring.arn

                monitoring_outputs {
                  s3_output {
                    s3_uri = "s3://monitoring/drift"
                  }
                }
              }

              job_resources {
                cluster_config {
                  instance_count    = 1
                  instance_type     = "ml.m5.large"
                  volume_size_in_gb = 20
                  volume_kms_key_id = aws_kms_key.monitoring.arn
                }
              }

              network_config {
                enable_network_isolation = true
              }
            }
        '''),
        bad("terraform", _job(_DQ_JOB, _OUTPUT_KMS, _VOLUME_KMS, _OPEN_NETWORK), fixed='''
            resource "aws_sagemaker_data_quality_job_definition" "drift" {
              name     = "drift"
              role_arn = aws_iam_role.monitor.arn

              data_quality_app_specification {
                image_uri = data.aws_sagemaker_prebuilt_ecr_image.monitor.registry_path
              }

              data_quality_job_input {
                endpoint_input {
                  endpoint_name = aws_sagemaker_endpoint.chat.name
                }
              }

              data_quality_job_output_config {
                kms_key_id = aws_kms_key.monitoring.arn

                monitoring_outputs {
                  s3_output {
                    s3_uri = "s3://monitoring/drift"
                  }
                }
              }

              job_resources {
                cluster_config {
                  instance_count    = 1
                  instance_type     = "ml.m5.large"
                  volume_size_in_gb = 20
                  volume_kms_key_id = aws_kms_key.monitoring.arn
                }
              }

              network_config {
                enable_inter_container_traffic_encryption = false
                enable_network_isolation                  = true
              }
            }
        '''),
        good("terraform", _job(_DQ_JOB, _OUTPUT_KMS, _VOLUME_KMS, _SECURE_NETWORK)),
        bad("terraform", _job(_MQ_JOB, _OUTPUT_KMS, _VOLUME_KMS, _OPEN_NETWORK), fixed='''
            resource "aws_sagemaker_model_quality_job_definition" "quality" {
              name     = "quality"
              role_arn = aws_iam_role.monitor.arn

              model_quality_app_specification {
                image_uri    = data.aws_sagemaker_prebuilt_ecr_image.monitor.registry_path
                problem_type = "BinaryClassification"
              }

              model_quality_job_input {
                endpoint_input {
                  endpoint_name = aws_sagemaker_endpoint.chat.name
                }

                ground_truth_s3_input {
                  s3_uri = "s3://monitoring/ground-truth"
                }
              }

              model_quality_job_output_config {
                kms_key_id = aws_kms_key.monitoring.arn

                monitoring_outputs {
                  s3_output {
                    s3_uri = "s3://monitoring/quality"
                  }
                }
              }

              job_resources {
                cluster_config {
                  instance_count    = 1
                  instance_type     = "ml.m5.large"
                  volume_size_in_gb = 20
                  volume_kms_key_id = aws_kms_key.monitoring.arn
                }
              }

              network_config {
                enable_inter_container_traffic_encryption = false
                enable_network_isolation                  = true
              }
            }
        '''),
        good("terraform", _job(_MQ_JOB, _OUTPUT_KMS, _VOLUME_KMS, _SECURE_NETWORK)),
        bad("cloudformation", _cfn_job(DATA_QUALITY_JOB, network=((_ICTE, "true"), (_ISOLATION, "false"))), fixed='''
            AWSTemplateFormatVersion: "2010-09-09"
            Resources:
              DriftJobDefinition:
                Type: AWS::SageMaker::DataQualityJobDefinition
                Properties:
                  JobDefinitionName: drift
                  RoleArn: arn:aws:iam::123456789012:role/sagemaker-monitoring
                  DataQualityAppSpecification:
                    ImageUri: 156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer
                  DataQualityJobInput:
                    EndpointInput:
                      EndpointName: chat
                      LocalPath: /opt/ml/processing/input/endpoint
                  DataQualityJobOutputConfig:
                    MonitoringOutputs:
                      - S3Output:
                          S3Uri: s3://monitoring/drift
                          LocalPath: /opt/ml/processing/output
                    KmsKeyId: arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
                  JobResources:
                    ClusterConfig:
                      InstanceCount: 1
                      InstanceType: ml.m5.large
                      VolumeSizeInGB: 20
                      VolumeKmsKeyId: arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
                  NetworkConfig:
                    EnableInterContainerTrafficEncryption: true
                    EnableNetworkIsolation: true
        '''),
        bad("cloudformation", _cfn_job(MODEL_QUALITY_JOB, network=None), fixed='''
            AWSTemplateFormatVersion: "2010-09-09"
            Resources:
              QualityJobDefinition:
                Type: AWS::SageMaker::ModelQualityJobDefinition
                Properties:
                  RoleArn: arn:aws:iam::123456789012:role/sagemaker-monitoring
                  ModelQualityAppSpecification:
                    ImageUri: 156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer
                    ProblemType: BinaryClassification
                  ModelQualityJobInput:
                    EndpointInput:
                      EndpointName: chat
                      LocalPath: /opt/ml/processing/input/endpoint
                      InferenceAttribute: "0"
                    GroundTruthS3Input:
                      S3Uri: s3://monitoring/ground-truth
                  ModelQualityJobOutputConfig:
                    MonitoringOutputs:
                      - S3Output:
                          S3Uri: s3://monitoring/quality
                          LocalPath: /opt/ml/processing/output
                    KmsKeyId: arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
                  JobResources:
                    ClusterConfig:
                      InstanceCount: 1
                      InstanceType: ml.m5.large
                      VolumeSizeInGB: 20
                      VolumeKmsKeyId: arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
                  NetworkConfig:
                    EnableNetworkIsolation: true
        '''),
        bad("cloudformation", _cfn_job(MODEL_BIAS_JOB, network=((_ICTE, "true"),)), fixed='''
            AWSTemplateFormatVersion: "2010-09-09"
            Resources:
              BiasJobDefinition:
                Type: AWS::SageMaker::ModelBiasJobDefinition
                Properties:
                  RoleArn: arn:aws:iam::123456789012:role/sagemaker-monitoring
                  ModelBiasAppSpecification:
                    ImageUri: 205585389593.dkr.ecr.us-east-1.amazonaws.com/sagemaker-clarify-processing:1.0
                    ConfigUri: s3://monitoring/bias/analysis_config.json
                  ModelBiasJobInput:
                    EndpointInput:
                      EndpointName: credit-scoring
                      LocalPath: /opt/ml/processing/input/endpoint
                    GroundTruthS3Input:
                      S3Uri: s3://monitoring/bias/ground-truth
                  ModelBiasJobOutputConfig:
                    MonitoringOutputs:
                      - S3Output:
                          S3Uri: s3://monitoring/bias
                          LocalPath: /opt/ml/processing/output
                    KmsKeyId: arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
                  JobResources:
                    ClusterConfig:
                      InstanceCount: 1
                      InstanceType: ml.m5.xlarge
                      VolumeSizeInGB: 30
                      VolumeKmsKeyId: arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
                  NetworkConfig:
                    EnableInterContainerTrafficEncryption: true
                    EnableNetworkIsolation: true
        '''),
        bad("cloudformation", _cfn_job(MODEL_EXPLAINABILITY_JOB, network=((_ICTE, "true"), (_ISOLATION, "false"))),
            fixed='''
            AWSTemplateFormatVersion: "2010-09-09"
            Resources:
              ExplainabilityJobDefinition:
                Type: AWS::SageMaker::ModelExplainabilityJobDefinition
                Properties:
                  RoleArn: arn:aws:iam::123456789012:role/sagemaker-monitoring
                  ModelExplainabilityAppSpecification:
                    ImageUri: 205585389593.dkr.ecr.us-east-1.amazonaws.com/sagemaker-clarify-processing:1.0
                    ConfigUri: s3://monitoring/explainability/analysis_config.json
                  ModelExplainabilityJobInput:
                    EndpointInput:
                      EndpointName: credit-scoring
                      LocalPath: /opt/ml/processing/input/endpoint
                  ModelExplainabilityJobOutputConfig:
                    MonitoringOutputs:
                      - S3Output:
                          S3Uri: s3://monitoring/explainability
                          LocalPath: /opt/ml/processing/output
                    KmsKeyId: arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
                  JobResources:
                    ClusterConfig:
                      InstanceCount: 1
                      InstanceType: ml.m5.xlarge
                      VolumeSizeInGB: 30
                      VolumeKmsKeyId: arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
                  NetworkConfig:
                    EnableInterContainerTrafficEncryption: true
                    EnableNetworkIsolation: true
        '''),
        bad("cloudformation", _cfn_job(MONITORING_SCHEDULE, network=None), fixed='''
            AWSTemplateFormatVersion: "2010-09-09"
            Resources:
              DriftSchedule:
                Type: AWS::SageMaker::MonitoringSchedule
                Properties:
                  MonitoringScheduleName: drift-hourly
                  MonitoringScheduleConfig:
                    MonitoringType: DataQuality
                    ScheduleConfig:
                      ScheduleExpression: cron(0 * ? * * *)
                    MonitoringJobDefinition:
                      RoleArn: arn:aws:iam::123456789012:role/sagemaker-monitoring
                      MonitoringAppSpecification:
                        ImageUri: 156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer
                      MonitoringInputs:
                        - EndpointInput:
                            EndpointName: chat
                            LocalPath: /opt/ml/processing/input/endpoint
                      MonitoringOutputConfig:
                        MonitoringOutputs:
                          - S3Output:
                              S3Uri: s3://monitoring/drift
                              LocalPath: /opt/ml/processing/output
                        KmsKeyId: arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
                      MonitoringResources:
                        ClusterConfig:
                          InstanceCount: 1
                          InstanceType: ml.m5.large
                          VolumeSizeInGB: 20
                          VolumeKmsKeyId: arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
                      NetworkConfig:
                        EnableNetworkIsolation: true
        '''),
        good("cloudformation", _cfn_job(MODEL_BIAS_JOB)),
        good("cloudformation", _cfn_job(MONITORING_SCHEDULE)),
        good("cloudformation", _CFN_SCHEDULE_BY_NAME),
    ),
)


# --- human review and feature store -------------------------------------------------------------

_FLOW = '''
    resource "aws_sagemaker_flow_definition" "review" {
      flow_definition_name = "review"
      role_arn             = aws_iam_role.a2i.arn

      human_loop_config {
        human_task_ui_arn                     = aws_sagemaker_human_task_ui.review.arn
        task_availability_lifetime_in_seconds = 3600
        task_count                            = 1
        task_description                      = "Review low-confidence predictions"
        task_title                            = "Review"
        workteam_arn                          = aws_sagemaker_workteam.reviewers.arn
      }

      output_config {
        s3_output_path = "s3://a2i-results/review"{kms}
      }
    }
'''

FLOW_DEFINITION_CMK = Check(
    id="AIP118",
    name="sagemaker-flow-definition-cmk",
    title="SageMaker Augmented AI review results are encrypted with a customer-managed KMS key",
    severity=Severity.LOW,
    kinds=(FLOW_DEFINITION,),
    rule=present("output_config.kms_key_id"),
    description=(
        "Human review loops store the reviewed inputs and the reviewers' answers in S3. Without "
        "`output_config.kms_key_id` they rely on the bucket's default encryption."
    ),
    remediation=set_attr("output_config.kms_key_id", placeholder("kms_key_arn")),
    fix_safety=Applicability.SUGGESTION,
    references=("https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_FlowDefinitionOutputConfig.html",),
    compliance={OWASP_ML: ("ML02",)},
    anchors=("checkov CKV_AWS_372 (Terraform only)",),
    examples=(
        bad("terraform", _FLOW.replace("{kms}", ""), fixed='''
            resource "aws_sagemaker_flow_definition" "review" {
              flow_definition_name = "review"
              role_arn             = aws_iam_role.a2i.arn

              human_loop_config {
                human_task_ui_arn                     = aws_sagemaker_human_task_ui.review.arn
                task_availability_lifetime_in_seconds = 3600
                task_count                            = 1
                task_description                      = "Review low-confidence predictions"
                task_title                            = "Review"
                workteam_arn                          = aws_sagemaker_workteam.reviewers.arn
              }

              output_config {
                s3_output_path = "s3://a2i-results/review"
                kms_key_id     = var.kms_key_arn
              }
            }

            variable "kms_key_arn" {
              description = "ARN of the KMS key (asked for by an aiposture fix)"
              type        = string
            }
        '''),
        good("terraform", _FLOW.replace("{kms}", "\n        kms_key_id     = aws_kms_key.a2i.arn")),
    ),
)

_FEATURE_GROUP = '''
    resource "aws_sagemaker_feature_group" "customers" {
      feature_group_name             = "customers"
      record_identifier_feature_name = "customer_id"
      event_time_feature_name        = "event_time"
      role_arn                       = aws_iam_role.feature_store.arn

      feature_definition {
        feature_name = "customer_id"
        feature_type = "String"
      }

      feature_definition {
        feature_name = "event_time"
        feature_type = "String"
      }
{stores}    }
'''

FEATURE_GROUP_CMK = Check(
    id="AIP119",
    name="sagemaker-feature-group-cmk",
    title="SageMaker feature stores are encrypted with a customer-managed KMS key",
    severity=Severity.LOW,
    kinds=(FEATURE_GROUP,),
    rule=all_of(
        when("online_store_config.enable_online_store", present("online_store_config.security_config.kms_key_id")),
        when("offline_store_config", present("offline_store_config.s3_storage_config.kms_key_id")),
    ),
    description=(
        "Feature stores hold curated training and inference features, often personal data. "
        "Without a `kms_key_id` the online store uses an AWS owned key and the offline store the "
        "S3 default key, neither of which you can restrict or revoke."
    ),
    remediation=None,  # two stores, two keys: the user picks which
    references=("https://docs.aws.amazon.com/sagemaker/latest/dg/feature-store-security.html",),
    compliance={OWASP_ML: ("ML02",)},
    anchors=(),  # no other tool checks this resource
    examples=(
        bad("terraform", _FEATURE_GROUP.replace("{stores}", '''
      online_store_config {
        enable_online_store = true
      }

      offline_store_config {
        s3_storage_config {
          s3_uri = "s3://features/customers"
        }
      }
''')),
        good("terraform", _FEATURE_GROUP.replace("{stores}", '''
      online_store_config {
        enable_online_store = true

        security_config {
          kms_key_id = aws_kms_key.features.arn
        }
      }

      offline_store_config {
        s3_storage_config {
          s3_uri     = "s3://features/customers"
          kms_key_id = aws_kms_key.features.arn
        }
      }
''')),
        good("terraform", _FEATURE_GROUP.replace("{stores}", '''
      online_store_config {
        enable_online_store = false
      }
''')),
        bad("cloudformation", '''
            AWSTemplateFormatVersion: "2010-09-09"
            Resources:
              CustomerFeatures:
                Type: AWS::SageMaker::FeatureGroup
                Properties:
                  FeatureGroupName: customers
                  RecordIdentifierFeatureName: CustomerId
                  EventTimeFeatureName: EventTime
                  RoleArn: arn:aws:iam::123456789012:role/sagemaker-feature-store
                  FeatureDefinitions:
                    - FeatureName: CustomerId
                      FeatureType: String
                    - FeatureName: EventTime
                      FeatureType: String
                  OnlineStoreConfig:
                    EnableOnlineStore: true
                  OfflineStoreConfig:
                    S3StorageConfig:
                      S3Uri: s3://features/customers
        '''),
        good("cloudformation", '''
            AWSTemplateFormatVersion: "2010-09-09"
            Resources:
              CustomerFeatures:
                Type: AWS::SageMaker::FeatureGroup
                Properties:
                  FeatureGroupName: customers
                  RecordIdentifierFeatureName: CustomerId
                  EventTimeFeatureName: EventTime
                  RoleArn: arn:aws:iam::123456789012:role/sagemaker-feature-store
                  FeatureDefinitions:
                    - FeatureName: CustomerId
                      FeatureType: String
                    - FeatureName: EventTime
                      FeatureType: String
                  OnlineStoreConfig:
                    EnableOnlineStore: "true"
                    SecurityConfig:
                      KmsKeyId: arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
                  OfflineStoreConfig:
                    S3StorageConfig:
                      S3Uri: s3://features/customers
                      KmsKeyId: arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
        '''),
        good("cloudformation", '''
            AWSTemplateFormatVersion: "2010-09-09"
            Resources:
              CustomerFeatures:
                Type: AWS::SageMaker::FeatureGroup
                Properties:
                  FeatureGroupName: customers
                  RecordIdentifierFeatureName: CustomerId
                  EventTimeFeatureName: EventTime
                  RoleArn: arn:aws:iam::123456789012:role/sagemaker-feature-store
                  FeatureDefinitions:
                    - FeatureName: CustomerId
                      FeatureType: String
                    - FeatureName: EventTime
                      FeatureType: String
                  OnlineStoreConfig:
                    EnableOnlineStore: false
        '''),
    ),
)


# --- asynchronous inference ---------------------------------------------------------------------

_ASYNC_ENDPOINT = '''
    resource "aws_sagemaker_endpoint_configuration" "scoring" {
      name        = "scoring"
      kms_key_arn = aws_kms_key.inference.arn

      production_variants {
        variant_name           = "primary"
        model_name             = aws_sagemaker_model.scoring.name
        initial_instance_count = 2
        instance_type          = "ml.m5.xlarge"
      }

      async_inference_config {
        output_config {
          s3_output_path = "s3://scoring-results/async/"{kms}
        }
      }
    }
'''

ENDPOINT_ASYNC_OUTPUT_CMK = Check(
    id="AIP120",
    name="sagemaker-endpoint-async-output-cmk",
    title="SageMaker asynchronous inference results are encrypted with a customer-managed KMS key",
    severity=Severity.MEDIUM,
    kinds=(ENDPOINT_CONFIG,),
    rule=when("async_inference_config", present("async_inference_config.output_config.kms_key_id")),
    description=(
        "An asynchronous endpoint writes every response (predictions, generated text) to "
        "`s3_output_path`, and failures with their inputs to `s3_failure_path`. Without "
        "`async_inference_config.output_config.kms_key_id` those objects rely on the bucket's "
        "default encryption, which may not be a key you control."
    ),
    remediation=set_attr("async_inference_config.output_config.kms_key_id", placeholder("kms_key_arn")),
    fix_safety=Applicability.SUGGESTION,
    references=("https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_AsyncInferenceOutputConfig.html",
                "https://docs.aws.amazon.com/sagemaker/latest/dg/async-inference-create-endpoint.html"),
    compliance={OWASP_ML: ("ML02",)},
    examples=(
        bad("terraform", _ASYNC_ENDPOINT.replace("{kms}", ""), fixed='''
            resource "aws_sagemaker_endpoint_configuration" "scoring" {
              name        = "scoring"
              kms_key_arn = aws_kms_key.inference.arn

              production_variants {
                variant_name           = "primary"
                model_name             = aws_sagemaker_model.scoring.name
                initial_instance_count = 2
                instance_type          = "ml.m5.xlarge"
              }

              async_inference_config {
                output_config {
                  s3_output_path = "s3://scoring-results/async/"
                  kms_key_id     = var.kms_key_arn
                }
              }
            }

            variable "kms_key_arn" {
              description = "ARN of the KMS key (asked for by an aiposture fix)"
              type        = string
            }
        '''),
        good("terraform", _ASYNC_ENDPOINT.replace("{kms}", "\n          kms_key_id     = aws_kms_key.inference.arn")),
        bad("terraform", '''
            {
              "resource": {
                "aws_sagemaker_endpoint_configuration": {
                  "scoring": {
                    "name": "scoring",
                    "kms_key_arn": "${aws_kms_key.inference.arn}",
                    "production_variants": [
                      {
                        "variant_name": "primary",
                        "model_name": "${aws_sagemaker_model.scoring.name}",
                        "initial_instance_count": 2,
                        "instance_type": "ml.m5.xlarge"
                      }
                    ],
                    "async_inference_config": {
                      "output_config": {
                        "s3_output_path": "s3://scoring-results/async/"
                      }
                    }
                  }
                }
              }
            }
        ''', filename="main.tf.json", fixed='''
            {
              "resource": {
                "aws_sagemaker_endpoint_configuration": {
                  "scoring": {
                    "name": "scoring",
                    "kms_key_arn": "${aws_kms_key.inference.arn}",
                    "production_variants": [
                      {
                        "variant_name": "primary",
                        "model_name": "${aws_sagemaker_model.scoring.name}",
                        "initial_instance_count": 2,
                        "instance_type": "ml.m5.xlarge"
                      }
                    ],
                    "async_inference_config": {
                      "output_config": {
                        "s3_output_path": "s3://scoring-results/async/",
                        "kms_key_id": "${var.kms_key_arn}"
                      }
                    }
                  }
                }
              },
              "variable": {
                "kms_key_arn": {
                  "description": "ARN of the KMS key (asked for by an aiposture fix)",
                  "type": "string"
                }
              }
            }
        '''),
        good("terraform", '''
            {
              "resource": {
                "aws_sagemaker_endpoint_configuration": {
                  "scoring": {
                    "name": "scoring",
                    "kms_key_arn": "${aws_kms_key.inference.arn}",
                    "production_variants": [
                      {
                        "variant_name": "primary",
                        "model_name": "${aws_sagemaker_model.scoring.name}",
                        "initial_instance_count": 2,
                        "instance_type": "ml.m5.xlarge"
                      }
                    ]
                  }
                }
              }
            }
        ''', filename="main.tf.json"),
        bad("cloudformation", '''
            AWSTemplateFormatVersion: "2010-09-09"
            Resources:
              ScoringEndpointConfig:
                Type: AWS::SageMaker::EndpointConfig
                Properties:
                  KmsKeyId: arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
                  ProductionVariants:
                    - VariantName: primary
                      ModelName: scoring
                      InitialInstanceCount: 2
                      InstanceType: ml.m5.xlarge
                  AsyncInferenceConfig:
                    ClientConfig:
                      MaxConcurrentInvocationsPerInstance: 4
                    OutputConfig:
                      S3OutputPath: s3://scoring-results/async/
                      S3FailurePath: s3://scoring-results/async-failures/
        ''', fixed='''
            AWSTemplateFormatVersion: "2010-09-09"
            Parameters:
              KmsKeyArn:
                Type: String
                Description: ARN of the KMS key (asked for by an aiposture fix)

            Resources:
              ScoringEndpointConfig:
                Type: AWS::SageMaker::EndpointConfig
                Properties:
                  KmsKeyId: arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
                  ProductionVariants:
                    - VariantName: primary
                      ModelName: scoring
                      InitialInstanceCount: 2
                      InstanceType: ml.m5.xlarge
                  AsyncInferenceConfig:
                    ClientConfig:
                      MaxConcurrentInvocationsPerInstance: 4
                    OutputConfig:
                      S3OutputPath: s3://scoring-results/async/
                      S3FailurePath: s3://scoring-results/async-failures/
                      KmsKeyId: !Ref KmsKeyArn
        '''),
        good("cloudformation", '''
            AWSTemplateFormatVersion: "2010-09-09"
            Resources:
              ScoringEndpointConfig:
                Type: AWS::SageMaker::EndpointConfig
                Properties:
                  KmsKeyId: arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
                  ProductionVariants:
                    - VariantName: primary
                      ModelName: scoring
                      InitialInstanceCount: 2
                      InstanceType: ml.m5.xlarge
                  AsyncInferenceConfig:
                    ClientConfig:
                      MaxConcurrentInvocationsPerInstance: 4
                    OutputConfig:
                      S3OutputPath: s3://scoring-results/async/
                      S3FailurePath: s3://scoring-results/async-failures/
                      KmsKeyId: arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
        '''),
    ),
)


# --- lifecycle configuration scripts ------------------------------------------------------------
#
# A line-by-line reading of the shell script, not a shell parser: every step is a split or a
# regular expression without nested repetition, so the cost stays linear in the script's length.

_DOWNLOADERS = frozenset({"curl", "wget"})
_INTERPRETERS = frozenset({"sh", "bash", "zsh", "dash", "ksh", "python", "perl", "ruby", "node", "source", "."})
# words that run the next word as the command: `sudo -E bash`, `env X=1 sh`, `nohup python`
_PREFIXES = frozenset({"sudo", "env", "nohup", "exec", "time", "command", "nice"})
_PREFIX_OPTIONS_WITH_VALUE = frozenset({"-u", "--user", "-g", "--group", "-C", "-D", "-h", "--host", "-n"})
_PIP_INDEX_OPTIONS = frozenset({"-i", "--index-url", "--extra-index-url", "-f", "--find-links", "--trusted-host"})
_LIST_SEPARATOR = re.compile(r"&&|\|\||;")
_PIPE = re.compile(r"(?<!\|)\|(?!\|)")
_PROCESS_SUBSTITUTION = re.compile(r"<\(\s*(?:sudo\s+)?(curl|wget)\b")
_COMMAND_SUBSTITUTION = re.compile(r"\$\(\s*(?:sudo\s+)?(curl|wget)\b")
_URL = re.compile(r"(?:git\+)?(?:https?|ftp)://", re.I)


def _decoded_script(text: str) -> str:
    """The script a base64 attribute holds (the raw text when it is not base64)."""
    compact = "".join(text.split())
    try:
        return base64.b64decode(compact, validate=True).decode("utf-8", errors="replace")
    except (binascii.Error, ValueError):
        return text


def _logical_lines(script: str) -> Iterator[tuple[int, str]]:
    """(first line number, text) with backslash continuations joined and comment lines dropped."""
    pending: list[str] = []
    start = 0
    for number, line in enumerate(script.splitlines(), 1):
        if not pending:
            start = number
        if line.endswith("\\"):
            pending.append(line[:-1])
            continue
        text = " ".join(pending + [line])
        pending = []
        if text.strip() and not text.lstrip().startswith("#"):
            yield start, text
    if pending:
        yield start, " ".join(pending)


def _words(text: str) -> list[str]:
    return [word.strip("'\"") for word in text.split()]


def _command(words: list[str]) -> tuple[str, str, list[str]]:
    """(name, word, arguments) of the command a simple command runs: past `sudo`/`env`
    prefixes, their options and VAR=value assignments; the name is the word's base name, with
    `python3.11` read as `python` and `pip3` as `pip`."""
    index = 0
    while index < len(words):
        word = words[index]
        if word.rsplit("/", 1)[-1] in _PREFIXES or "=" in word.split("/", 1)[0]:
            index += 1
        elif index and word in _PREFIX_OPTIONS_WITH_VALUE:
            index += 2
        elif index and word.startswith("-"):
            index += 1
        else:
            name = re.sub(r"^(python|pip)[0-9.]*$", r"\1", word.rsplit("/", 1)[-1])
            return name, word, words[index + 1:]
    return "", "", []


def _host(words: list[str]) -> str:
    for word in words:
        if _URL.match(word):
            return urlsplit(_URL.sub("https://", word.rstrip(")\"';"), count=1)).hostname or ""
    return ""


def _download_target(name: str, args: list[str]) -> str:
    """The file a curl/wget command writes ("" for standard output or when unknown)."""
    url = next((a for a in args if _URL.match(a)), "")
    remote_name = urlsplit(url).path.rsplit("/", 1)[-1] if url else ""
    for index, arg in enumerate(args):
        following = args[index + 1] if index + 1 < len(args) else ""
        if name == "curl":
            if arg == "--output" or (re.fullmatch(r"-[A-Za-z]*o", arg)):
                return following
            if arg.startswith("--output="):
                return arg.split("=", 1)[1]
            if arg == "--remote-name" or re.fullmatch(r"-[A-Za-z]*O[A-Za-z]*", arg):
                return remote_name
        else:  # wget: -O FILE, -qO FILE, -qO- (standard output), -OFILE, --output-document=FILE
            attached = re.fullmatch(r"-[A-Za-z]*O(.*)", arg)
            if arg == "--output-document" or (attached and not attached.group(1)):
                return "" if following == "-" else following
            if attached or arg.startswith("--output-document="):
                value = attached.group(1) if attached else arg.split("=", 1)[1]
                return "" if value == "-" else value
    return remote_name if name == "wget" else ""


def _redirect(args: list[str]) -> str:
    """The file standard output is redirected to (`> FILE`, `>FILE`, `>> FILE`), or ""."""
    for index, arg in enumerate(args):
        if arg in (">", ">>"):
            return args[index + 1] if index + 1 < len(args) else ""
        if arg.startswith(">"):
            return arg.lstrip(">")
    return ""


def _from(host: str) -> str:
    return f" from {host}" if host else ""


def _remote_code(script: str) -> tuple[int, str]:
    """(line, what it does) for the first place the script runs code it fetches from the
    internet, or (0, "")."""
    downloaded: dict[str, tuple[str, int, str]] = {}  # file base name -> (downloader, line, host)
    for number, line in _logical_lines(script):
        for element in _LIST_SEPARATOR.split(line):
            commands = [_command(_words(stage)) for stage in _PIPE.split(element)]
            name, word, args = commands[0]
            runner = ""  # an interpreter later in the pipeline
            for source, _, source_args in reversed(commands):
                if source in _DOWNLOADERS and runner:
                    return number, f"pipes `{source}` output{_from(_host(source_args))} into `{runner}`"
                runner = source if source in _INTERPRETERS else runner
            found = _PROCESS_SUBSTITUTION.search(element)
            if found and name in _INTERPRETERS:
                return number, f"runs `{name} <({found.group(1)} ...)`{_from(_host(_words(element[found.end():])))}"
            found = _COMMAND_SUBSTITUTION.search(element)
            if found and (name == "eval" or (name in _INTERPRETERS and "-c" in args)):
                return number, (f"runs the output of `{found.group(1)}`{_from(_host(_words(element[found.end():])))} "
                                f"with `{name}`")
            pip_args = args[2:] if name == "python" and args[:2] == ["-m", "pip"] else args if name == "pip" else []
            if pip_args[:1] == ["install"]:
                for index, arg in enumerate(pip_args):
                    if _URL.match(arg) and pip_args[index - 1] not in _PIP_INDEX_OPTIONS:
                        return number, f"installs a Python package straight from {_host([arg]) or 'a URL'}"
            if name in _DOWNLOADERS:
                target = _download_target(name, args) or _redirect(args)
                if target:
                    downloaded[target.rsplit("/", 1)[-1]] = (name, number, _host(args))
            elif downloaded:
                # `bash /tmp/x.sh`, `python3 -u x.py`, or the file itself: `/tmp/x.sh`, `./x.sh`
                runs = (next((a for a in args if not a.startswith("-")), "") if name in _INTERPRETERS
                        else word if "/" in word else "")
                hit = downloaded.get(runs.rsplit("/", 1)[-1]) if runs else None
                if hit:
                    return number, f"runs `{runs}`, which `{hit[0]}` downloaded{_from(hit[2])} on line {hit[1]}"
    return 0, ""


def _lifecycle_remote_code(resource: Resource, context: Context) -> Iterable[Result]:
    paths = ("on_create", "on_start") if resource.kind == NOTEBOOK_LIFECYCLE else ("studio_lifecycle_config_content",)
    for path in paths:
        value = resource.get(path)
        if isinstance(value.raw, Unknown):
            yield unknown_result(resource, path, value)
        elif isinstance(value.raw, str) and value.raw:
            line, found = _remote_code(_decoded_script(value.raw))
            name = name_of(resource, path)
            if found:
                yield Result(Status.FAIL, f"`{name}` runs code downloaded from the internet without verifying it: "
                                          f"line {line} of the decoded script {found}", path, value.span)
            else:
                yield Result(Status.PASS, f"`{name}` runs no code downloaded from the internet", path, value.span)


_NOTEBOOK_LIFECYCLE = '''
    resource "aws_sagemaker_notebook_instance_lifecycle_configuration" "research" {
      name = "research-setup"

      on_start = base64encode(<<-EOT
        #!/bin/bash
        set -euo pipefail
        {command}
      EOT
      )
    }
'''
_STUDIO_LIFECYCLE = '''
    resource "aws_sagemaker_studio_lifecycle_config" "jupyterlab" {
      studio_lifecycle_config_name     = "jupyterlab-setup"
      studio_lifecycle_config_app_type = "JupyterLab"
      studio_lifecycle_config_content = base64encode(<<-EOT
        #!/bin/bash
        set -euo pipefail
        {command}
      EOT
      )
    }
'''

LIFECYCLE_REMOTE_CODE = Check(
    id="AIP121",
    name="sagemaker-lifecycle-script-remote-code",
    title="SageMaker lifecycle scripts do not run code downloaded from the internet",
    severity=Severity.HIGH,
    kinds=(NOTEBOOK_LIFECYCLE, STUDIO_LIFECYCLE),
    rule=_lifecycle_remote_code,
    description=(
        "Lifecycle scripts run as root on every notebook instance start (and in every Studio app "
        "they are attached to), with the execution role's credentials at hand. A script that "
        "pipes `curl` or `wget` into a shell, runs what it just downloaded, or installs Python "
        "packages straight from a URL or a git repository executes whatever that server returns "
        "that day: one compromised site or repository gives it your data and your role. Keep "
        "setup scripts and pinned packages in S3, CodeArtifact or an image you build, and verify "
        "what you fetch. The script is read from the base64 value: in Terraform a literal, "
        "`base64encode()` or `filebase64()` of a file in the module; in CloudFormation the "
        "`Content` of `OnCreate`/`OnStart` or `StudioLifecycleConfigContent`, literal or `Fn::Base64`."
    ),
    remediation=None,  # where the code should come from is the user's decision
    references=("https://docs.aws.amazon.com/sagemaker/latest/dg/notebook-lifecycle-config.html",
                "https://docs.aws.amazon.com/sagemaker/latest/dg/studio-lcc.html"),
    compliance={OWASP_ML: ("ML06",), CWE: ("CWE-494",)},
    examples=(
        bad("terraform", _NOTEBOOK_LIFECYCLE.replace(
            "{command}", "curl -fsSL https://get.example.com/agent/install.sh | sudo bash")),
        bad("terraform", _NOTEBOOK_LIFECYCLE.replace(
            "{command}", "wget -q -O /tmp/setup.sh https://example.com/setup.sh\n        bash /tmp/setup.sh")),
        good("terraform", _NOTEBOOK_LIFECYCLE.replace(
            "{command}", "aws s3 cp s3://ml-platform/lifecycle/setup.sh /tmp/setup.sh\n        bash /tmp/setup.sh\n"
                         "        curl -fsSL -o /tmp/holidays.csv https://example.com/holidays.csv")),
        bad("terraform", _STUDIO_LIFECYCLE.replace(
            "{command}", "pip install --quiet git+https://github.com/example/notebook-helpers.git")),
        bad("terraform", _STUDIO_LIFECYCLE.replace(
            "{command}", "eval \"$(curl -s https://example.com/env.sh)\"")),
        good("terraform", _STUDIO_LIFECYCLE.replace(
            "{command}", "pip install --quiet --index-url https://pypi.internal.example.com/simple \"pandas==2.2.2\"")),
        bad("terraform", '''
            {
              "resource": {
                "aws_sagemaker_notebook_instance_lifecycle_configuration": {
                  "research": {
                    "name": "research-setup",
                    "on_create": "IyEvYmluL2Jhc2gKc2V0IC1lCmJhc2ggPChjdXJsIC1zIGh0dHBzOi8vYm9vdHN0cmFwLmV4YW1wbGUuY29tL25vdGVib29rLnNoKQo="
                  }
                }
              }
            }
        ''', filename="main.tf.json"),
        good("terraform", '''
            {
              "resource": {
                "aws_sagemaker_notebook_instance_lifecycle_configuration": {
                  "research": {
                    "name": "research-setup",
                    "on_create": "${base64encode(\\"#!/bin/bash\\\\nsudo -u ec2-user -i conda install -y -n python3 scikit-learn\\\\n\\")}"
                  }
                }
              }
            }
        ''', filename="main.tf.json"),
        bad("cloudformation", '''
            AWSTemplateFormatVersion: "2010-09-09"
            Resources:
              ResearchLifecycle:
                Type: AWS::SageMaker::NotebookInstanceLifecycleConfig
                Properties:
                  NotebookInstanceLifecycleConfigName: research-setup
                  OnStart:
                    - Content: !Base64 |
                        #!/bin/bash
                        set -euo pipefail
                        curl -fsSL https://get.example.com/agent/install.sh | sudo bash
        '''),
        good("cloudformation", '''
            AWSTemplateFormatVersion: "2010-09-09"
            Resources:
              ResearchLifecycle:
                Type: AWS::SageMaker::NotebookInstanceLifecycleConfig
                Properties:
                  NotebookInstanceLifecycleConfigName: research-setup
                  OnStart:
                    - Content: !Base64 |
                        #!/bin/bash
                        set -euo pipefail
                        aws s3 cp s3://ml-platform/lifecycle/setup.sh /tmp/setup.sh
                        bash /tmp/setup.sh
        '''),
        bad("cloudformation", '''
            AWSTemplateFormatVersion: "2010-09-09"
            Resources:
              JupyterLabLifecycle:
                Type: AWS::SageMaker::StudioLifecycleConfig
                Properties:
                  StudioLifecycleConfigName: jupyterlab-setup
                  StudioLifecycleConfigAppType: JupyterLab
                  StudioLifecycleConfigContent: !Base64 |
                    #!/bin/bash
                    set -euo pipefail
                    pip install --quiet git+https://github.com/example/notebook-helpers.git
        '''),
        good("cloudformation", '''
            AWSTemplateFormatVersion: "2010-09-09"
            Resources:
              JupyterLabLifecycle:
                Type: AWS::SageMaker::StudioLifecycleConfig
                Properties:
                  StudioLifecycleConfigName: jupyterlab-setup
                  StudioLifecycleConfigAppType: JupyterLab
                  StudioLifecycleConfigContent: !Base64 |
                    #!/bin/bash
                    set -euo pipefail
                    pip install --quiet --index-url https://pypi.internal.example.com/simple "pandas==2.2.2"
        '''),
        bad("cloudformation", '''
            {
              "AWSTemplateFormatVersion": "2010-09-09",
              "Resources": {
                "ResearchLifecycle": {
                  "Type": "AWS::SageMaker::NotebookInstanceLifecycleConfig",
                  "Properties": {
                    "NotebookInstanceLifecycleConfigName": "research-setup",
                    "OnCreate": [
                      {"Content": "IyEvYmluL2Jhc2gKc2V0IC1lCmJhc2ggPChjdXJsIC1zIGh0dHBzOi8vYm9vdHN0cmFwLmV4YW1wbGUuY29tL25vdGVib29rLnNoKQo="}
                    ]
                  }
                }
              }
            }
        ''', filename="template.json"),
        good("cloudformation", '''
            {
              "AWSTemplateFormatVersion": "2010-09-09",
              "Resources": {
                "ResearchLifecycle": {
                  "Type": "AWS::SageMaker::NotebookInstanceLifecycleConfig",
                  "Properties": {
                    "NotebookInstanceLifecycleConfigName": "research-setup",
                    "OnCreate": [
                      {"Content": "IyEvYmluL2Jhc2gKc2V0IC1lCnN1ZG8gLXUgZWMyLXVzZXIgLWkgY29uZGEgaW5zdGFsbCAteSAtbiBweXRob24zIHNjaWtpdC1sZWFybgo="}
                    ]
                  }
                }
              }
            }
        ''', filename="template.json"),
    ),
)


CHECKS = (
    NOTEBOOK_DIRECT_INTERNET,
    NOTEBOOK_ROOT_ACCESS,
    NOTEBOOK_IN_VPC,
    NOTEBOOK_CMK,
    NOTEBOOK_IMDSV2,
    NOTEBOOK_SUPPORTED_PLATFORM,
    DOMAIN_VPC_ONLY,
    DOMAIN_CMK,
    ENDPOINT_CONFIG_CMK,
    ENDPOINT_DATA_CAPTURE_CMK,
    ENDPOINT_MULTI_INSTANCE,
    MODEL_NETWORK_ISOLATION,
    MODEL_VPC,
    MONITORING_JOB_OUTPUT_CMK,
    MONITORING_JOB_VOLUME_CMK,
    MONITORING_JOB_INTER_CONTAINER_ENCRYPTION,
    MONITORING_JOB_NETWORK_ISOLATION,
    FLOW_DEFINITION_CMK,
    FEATURE_GROUP_CMK,
    ENDPOINT_ASYNC_OUTPUT_CMK,
    LIFECYCLE_REMOTE_CODE,
)
