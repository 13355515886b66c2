"""Kendra checks (AIP25x, with Comprehend): the enterprise search indexes that RAG applications query.

Attribute names: terraform-provider-aws docs for aws_kendra_index; CloudFormation property names
from the AWS::Kendra::Index resource schema (the aliases are in analyzer/kinds.py). Anchors:
../shared/research/anchor-checks.md section 1.
"""
from __future__ import annotations

from analyzer.check import Applicability, Check, Severity, bad, good, placeholder, present, set_attr

INDEX = "aws.kendra.index"

_INDEX = '''
    resource "aws_kendra_index" "intranet" {
      name     = "intranet"
      edition  = "ENTERPRISE_EDITION"
      role_arn = aws_iam_role.kendra.arn
{sse}    }
'''

_CFN_INDEX = '''
    AWSTemplateFormatVersion: "2010-09-09"
    Parameters:
      KendraRoleArn:
        Type: String
    Resources:
      IntranetIndex:
        Type: AWS::Kendra::Index
        Properties:
          Name: intranet
          Edition: ENTERPRISE_EDITION
          RoleArn: !Ref KendraRoleArn
{sse}'''
_CFN_SSE = '''          ServerSideEncryptionConfiguration:
            KmsKeyId: !GetAtt SearchKey.Arn
      SearchKey:
        Type: AWS::KMS::Key
        Properties:
          EnableKeyRotation: true
'''

INDEX_CMK = Check(
    id="AIP254",
    name="kendra-index-cmk",
    title="Kendra indexes are encrypted with a customer-managed KMS key",
    # MEDIUM where Prisma rates checkov's check LOW: the index holds a searchable copy of the
    # documents it crawls, as a Bedrock knowledge base does (AIP207).
    severity=Severity.MEDIUM,
    kinds=(INDEX,),
    rule=present("server_side_encryption_configuration.kms_key_id"),
    description=(
        "A Kendra index holds a searchable copy of every document its data sources crawl, often "
        "the intranet, wikis and tickets a retrieval-augmented application answers from. Without "
        "`server_side_encryption_configuration.kms_key_id` Kendra encrypts it with a key AWS "
        "owns, so you cannot restrict or audit its use or revoke it. The key can only be chosen "
        "when the index is created: adding it replaces the index."
    ),
    remediation=set_attr("server_side_encryption_configuration.kms_key_id", placeholder("kms_key_arn")),
    fix_safety=Applicability.SUGGESTION,
    references=("https://docs.aws.amazon.com/kendra/latest/dg/encryption-at-rest.html",
                "https://docs.aws.amazon.com/kendra/latest/APIReference/API_ServerSideEncryptionConfiguration.html"),
    compliance={"owasp-llm": ("LLM02", "LLM08"), "owasp-ml": ("ML02",)},
    anchors=("checkov CKV_AWS_262 (Terraform only)",),
    examples=(
        bad("terraform", _INDEX.replace("{sse}", ""), fixed='''
            resource "aws_kendra_index" "intranet" {
              name     = "intranet"
              edition  = "ENTERPRISE_EDITION"
              role_arn = aws_iam_role.kendra.arn

              server_side_encryption_configuration {
                kms_key_id = var.kms_key_arn
              }
            }

            variable "kms_key_arn" {
              description = "ARN of the KMS key (asked for by an aiposture fix)"
              type        = string
            }
        '''),
        good("terraform", _INDEX.replace("{sse}", '''
      server_side_encryption_configuration {
        kms_key_id = aws_kms_key.search.arn
      }
''')),
        bad("terraform", '''
            {
              "resource": {
                "aws_kendra_index": {
                  "intranet": {
                    "name": "intranet",
                    "edition": "ENTERPRISE_EDITION",
                    "role_arn": "${aws_iam_role.kendra.arn}"
                  }
                }
              }
            }
        ''', filename="main.tf.json", fixed='''
            {
              "resource": {
                "aws_kendra_index": {
                  "intranet": {
                    "name": "intranet",
                    "edition": "ENTERPRISE_EDITION",
                    "role_arn": "${aws_iam_role.kendra.arn}",
                    "server_side_encryption_configuration": {
                      "kms_key_id": "${var.kms_key_arn}"
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
                "aws_kendra_index": {
                  "intranet": {
                    "name": "intranet",
                    "edition": "ENTERPRISE_EDITION",
                    "role_arn": "${aws_iam_role.kendra.arn}",
                    "server_side_encryption_configuration": [
                      {"kms_key_id": "${aws_kms_key.search.arn}"}
                    ]
                  }
                }
              }
            }
        ''', filename="main.tf.json"),
        bad("cloudformation", _CFN_INDEX.replace("{sse}", ""), fixed='''
            AWSTemplateFormatVersion: "2010-09-09"
            Parameters:
              KendraRoleArn:
                Type: String
              KmsKeyArn:
                Type: String
                Description: ARN of the KMS key (asked for by an aiposture fix)
            Resources:
              IntranetIndex:
                Type: AWS::Kendra::Index
                Properties:
                  Name: intranet
                  Edition: ENTERPRISE_EDITION
                  RoleArn: !Ref KendraRoleArn
                  ServerSideEncryptionConfiguration:
                    KmsKeyId: !Ref KmsKeyArn
        '''),
        good("cloudformation", _CFN_INDEX.replace("{sse}", _CFN_SSE)),
        bad("cloudformation", '''
            {
              "AWSTemplateFormatVersion": "2010-09-09",
              "Resources": {
                "IntranetIndex": {
                  "Type": "AWS::Kendra::Index",
                  "Properties": {
                    "Name": "intranet",
                    "Edition": "ENTERPRISE_EDITION",
                    "RoleArn": "arn:aws:iam::111122223333:role/kendra-index",
                    "ServerSideEncryptionConfiguration": {}
                  }
                }
              }
            }
        ''', filename="template.json", fixed='''
            {
              "AWSTemplateFormatVersion": "2010-09-09",
              "Resources": {
                "IntranetIndex": {
                  "Type": "AWS::Kendra::Index",
                  "Properties": {
                    "Name": "intranet",
                    "Edition": "ENTERPRISE_EDITION",
                    "RoleArn": "arn:aws:iam::111122223333:role/kendra-index",
                    "ServerSideEncryptionConfiguration": {"KmsKeyId": {"Ref": "KmsKeyArn"}}
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
            {
              "AWSTemplateFormatVersion": "2010-09-09",
              "Resources": {
                "IntranetIndex": {
                  "Type": "AWS::Kendra::Index",
                  "Properties": {
                    "Name": "intranet",
                    "Edition": "ENTERPRISE_EDITION",
                    "RoleArn": "arn:aws:iam::111122223333:role/kendra-index",
                    "ServerSideEncryptionConfiguration": {"KmsKeyId": {"Fn::ImportValue": "search-key-arn"}}
                  }
                }
              }
            }
        ''', filename="template.json"),
    ),
)

CHECKS = (INDEX_CMK,)
