"""Comprehend checks (AIP25x): custom entity recognizers, document classifiers and the flywheels
that retrain them.

Attribute names: terraform-provider-aws docs for aws_comprehend_entity_recognizer and
aws_comprehend_document_classifier; CloudFormation property names from the resource schemas of
AWS::Comprehend::EntityRecognizer, ::DocumentClassifier and ::Flywheel (a flywheel, CloudFormation
only, keeps the same keys and VPC settings under `DataSecurityConfig`; the aliases are in
analyzer/kinds.py). Anchors: ../shared/research/anchor-checks.md section 1.
"""
from __future__ import annotations

from analyzer.check import Applicability, Check, Severity, bad, good, placeholder, present, set_attr, when
from checks.aws.bedrock import present_because

ENTITY_RECOGNIZER = "aws.comprehend.entity_recognizer"
DOCUMENT_CLASSIFIER = "aws.comprehend.document_classifier"
FLYWHEEL = "aws.comprehend.flywheel"

OWASP_ML = "owasp-ml"
SECURITY_DOC = "https://docs.aws.amazon.com/comprehend/latest/dg/security.html"
KMS_DOC = "https://docs.aws.amazon.com/comprehend/latest/dg/kms-in-comprehend.html"

_RECOGNIZER = '''
    resource "aws_comprehend_entity_recognizer" "products" {
      name                 = "products"
      data_access_role_arn = aws_iam_role.comprehend.arn
      language_code        = "en"{model_kms}{volume_kms}

      input_data_config {
        entity_types {
          type = "PRODUCT"
        }

        documents {
          s3_uri = "s3://nlp-training/products/documents.txt"
        }

        entity_list {
          s3_uri = "s3://nlp-training/products/entities.csv"
        }
      }
{vpc}    }
'''
_CLASSIFIER = '''
    resource "aws_comprehend_document_classifier" "tickets" {
      name                 = "tickets"
      data_access_role_arn = aws_iam_role.comprehend.arn
      language_code        = "en"{model_kms}{volume_kms}

      input_data_config {
        s3_uri = "s3://nlp-training/tickets/train.csv"
      }
{output}{vpc}    }
'''
_MODEL_KMS = "\n      model_kms_key_id     = aws_kms_key.comprehend.arn"
_VOLUME_KMS = "\n      volume_kms_key_id    = aws_kms_key.comprehend.arn"
_VPC = '''
      vpc_config {
        subnets            = aws_subnet.private[*].id
        security_group_ids = [aws_security_group.comprehend.id]
      }
'''
_OUTPUT = '''
      output_data_config {
        s3_uri     = "s3://nlp-training/tickets/output/"
        kms_key_id = aws_kms_key.comprehend.arn
      }
'''


def _recognizer(model_kms: str = _MODEL_KMS, volume_kms: str = _VOLUME_KMS, vpc: str = _VPC) -> str:
    return _RECOGNIZER.replace("{model_kms}", model_kms).replace("{volume_kms}", volume_kms).replace("{vpc}", vpc)


def _classifier(model_kms: str = _MODEL_KMS, volume_kms: str = _VOLUME_KMS, vpc: str = _VPC,
                output: str = _OUTPUT) -> str:
    return (_CLASSIFIER.replace("{model_kms}", model_kms).replace("{volume_kms}", volume_kms)
            .replace("{vpc}", vpc).replace("{output}", output))


_VARIABLE = '''
            variable "kms_key_arn" {
              description = "ARN of the KMS key (asked for by an aiposture fix)"
              type        = string
            }
'''


# --- CloudFormation -----------------------------------------------------------------------------

_CFN_HEAD = '''
    AWSTemplateFormatVersion: "2010-09-09"
    Parameters:
      ComprehendRoleArn:
        Type: String
      PrivateSubnetIds:
        Type: List<AWS::EC2::Subnet::Id>
      ComprehendSecurityGroupId:
        Type: AWS::EC2::SecurityGroup::Id
    Resources:
'''
_CFN_BODIES = {
    "recognizer": '''      ProductsRecognizer:
        Type: AWS::Comprehend::EntityRecognizer
        Properties:
          RecognizerName: products
          DataAccessRoleArn: !Ref ComprehendRoleArn
          LanguageCode: en
          InputDataConfig:
            EntityTypes:
              - Type: PRODUCT
            Documents:
              S3Uri: s3://nlp-training/products/documents.txt
            EntityList:
              S3Uri: s3://nlp-training/products/entities.csv
''',
    "classifier": '''      TicketsClassifier:
        Type: AWS::Comprehend::DocumentClassifier
        Properties:
          DocumentClassifierName: tickets
          DataAccessRoleArn: !Ref ComprehendRoleArn
          LanguageCode: en
          InputDataConfig:
            S3Uri: s3://nlp-training/tickets/train.csv
''',
    "flywheel": '''      TicketsFlywheel:
        Type: AWS::Comprehend::Flywheel
        Properties:
          FlywheelName: tickets
          DataAccessRoleArn: !Ref ComprehendRoleArn
          DataLakeS3Uri: s3://nlp-flywheel/tickets/
          ModelType: DOCUMENT_CLASSIFIER
          TaskConfig:
            LanguageCode: en
            DocumentClassificationConfig:
              Mode: MULTI_CLASS
              Labels: [billing, outage, account]
''',
}
_CFN_KEY = '''      ComprehendKey:
        Type: AWS::KMS::Key
        Properties:
          EnableKeyRotation: true
'''


def _cfn(kind: str, model_kms: bool = True, volume_kms: bool = True, vpc: bool = True, output: str = "kms") -> str:
    """A template with one `kind` ("recognizer", "classifier", "flywheel") and the settings asked
    for; `output` (classifiers) is "kms", "plain" (no key) or "" (no OutputDataConfig)."""
    settings = []
    if model_kms:
        settings.append("ModelKmsKeyId: !GetAtt ComprehendKey.Arn")
    if volume_kms:
        settings.append("VolumeKmsKeyId: !GetAtt ComprehendKey.Arn")
    if kind == "classifier" and output:
        settings.append("OutputDataConfig:\n  S3Uri: s3://nlp-training/tickets/output/"
                        + ("\n  KmsKeyId: !GetAtt ComprehendKey.Arn" if output == "kms" else ""))
    if vpc:
        settings.append("VpcConfig:\n  SecurityGroupIds:\n    - !Ref ComprehendSecurityGroupId\n"
                        "  Subnets: !Ref PrivateSubnetIds")
    indent = " " * 10
    text = _CFN_HEAD + _CFN_BODIES[kind]
    if kind == "flywheel" and settings:
        text += indent + "DataSecurityConfig:\n"
        indent += "  "
    for setting in settings:
        text += "".join(indent + line + "\n" for line in setting.split("\n"))
    if model_kms or volume_kms or kind == "classifier" and output == "kms":
        text += _CFN_KEY
    return text

MODEL_CMK = Check(
    id="AIP250",
    name="comprehend-model-cmk",
    title="Comprehend custom models are encrypted with a customer-managed KMS key",
    # MEDIUM where Prisma rates checkov's check HIGH: the model is encrypted either way; a CMK adds
    # control and audit of who can use it, as for our other model-artifact checks.
    severity=Severity.MEDIUM,
    kinds=(ENTITY_RECOGNIZER, DOCUMENT_CLASSIFIER, FLYWHEEL),
    rule=present("model_kms_key_id"),
    description=(
        "A custom entity recognizer or document classifier (or the flywheel that retrains one) "
        "is trained on your documents and encodes what it learned from them. Without "
        "`model_kms_key_id` Comprehend encrypts the trained model with a key AWS manages, so you "
        "cannot restrict who may use or copy it, or revoke it, through a key policy."
    ),
    remediation=set_attr("model_kms_key_id", placeholder("kms_key_arn")),
    fix_safety=Applicability.SUGGESTION,
    references=(KMS_DOC, SECURITY_DOC),
    compliance={OWASP_ML: ("ML05",)},
    anchors=("checkov CKV_AWS_267 (entity recognizer, Terraform only)",),
    examples=(
        bad("terraform", _recognizer(model_kms=""), fixed='''
            resource "aws_comprehend_entity_recognizer" "products" {
              name                 = "products"
              data_access_role_arn = aws_iam_role.comprehend.arn
              language_code        = "en"
              volume_kms_key_id    = aws_kms_key.comprehend.arn
              model_kms_key_id     = var.kms_key_arn

              input_data_config {
                entity_types {
                  type = "PRODUCT"
                }

                documents {
                  s3_uri = "s3://nlp-training/products/documents.txt"
                }

                entity_list {
                  s3_uri = "s3://nlp-training/products/entities.csv"
                }
              }

              vpc_config {
                subnets            = aws_subnet.private[*].id
                security_group_ids = [aws_security_group.comprehend.id]
              }
            }
        ''' + _VARIABLE),
        good("terraform", _recognizer()),
        bad("terraform", _classifier(model_kms=""), fixed='''
            resource "aws_comprehend_document_classifier" "tickets" {
              name                 = "tickets"
              data_access_role_arn = aws_iam_role.comprehend.arn
              language_code        = "en"
              volume_kms_key_id    = aws_kms_key.comprehend.arn
              model_kms_key_id     = var.kms_key_arn

              input_data_config {
                s3_uri = "s3://nlp-training/tickets/train.csv"
              }

              output_data_config {
                s3_uri     = "s3://nlp-training/tickets/output/"
                kms_key_id = aws_kms_key.comprehend.arn
              }

              vpc_config {
                subnets            = aws_subnet.private[*].id
                security_group_ids = [aws_security_group.comprehend.id]
              }
            }
        ''' + _VARIABLE),
        good("terraform", _classifier()),
        bad("terraform", '''
            {
              "resource": {
                "aws_comprehend_entity_recognizer": {
                  "products": {
                    "name": "products",
                    "data_access_role_arn": "${aws_iam_role.comprehend.arn}",
                    "language_code": "en",
                    "volume_kms_key_id": "${aws_kms_key.comprehend.arn}",
                    "input_data_config": {
                      "entity_types": [{"type": "PRODUCT"}],
                      "documents": {"s3_uri": "s3://nlp-training/products/documents.txt"},
                      "entity_list": {"s3_uri": "s3://nlp-training/products/entities.csv"}
                    }
                  }
                }
              }
            }
        ''', filename="main.tf.json", fixed='''
            {
              "resource": {
                "aws_comprehend_entity_recognizer": {
                  "products": {
                    "name": "products",
                    "data_access_role_arn": "${aws_iam_role.comprehend.arn}",
                    "language_code": "en",
                    "volume_kms_key_id": "${aws_kms_key.comprehend.arn}",
                    "input_data_config": {
                      "entity_types": [{"type": "PRODUCT"}],
                      "documents": {"s3_uri": "s3://nlp-training/products/documents.txt"},
                      "entity_list": {"s3_uri": "s3://nlp-training/products/entities.csv"}
                    },
                    "model_kms_key_id": "${var.kms_key_arn}"
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
                "aws_comprehend_entity_recognizer": {
                  "products": {
                    "name": "products",
                    "data_access_role_arn": "${aws_iam_role.comprehend.arn}",
                    "language_code": "en",
                    "model_kms_key_id": "${aws_kms_key.comprehend.arn}",
                    "volume_kms_key_id": "${aws_kms_key.comprehend.arn}",
                    "input_data_config": {
                      "entity_types": [{"type": "PRODUCT"}],
                      "documents": {"s3_uri": "s3://nlp-training/products/documents.txt"},
                      "entity_list": {"s3_uri": "s3://nlp-training/products/entities.csv"}
                    }
                  }
                }
              }
            }
        ''', filename="main.tf.json"),
        bad("cloudformation", _cfn("recognizer", model_kms=False), fixed='''
            AWSTemplateFormatVersion: "2010-09-09"
            Parameters:
              ComprehendRoleArn:
                Type: String
              PrivateSubnetIds:
                Type: List<AWS::EC2::Subnet::Id>
              ComprehendSecurityGroupId:
                Type: AWS::EC2::SecurityGroup::Id
              KmsKeyArn:
                Type: String
                Description: ARN of the KMS key (asked for by an aiposture fix)
            Resources:
              ProductsRecognizer:
                Type: AWS::Comprehend::EntityRecognizer
                Properties:
                  RecognizerName: products
                  DataAccessRoleArn: !Ref ComprehendRoleArn
                  LanguageCode: en
                  InputDataConfig:
                    EntityTypes:
                      - Type: PRODUCT
                    Documents:
                      S3Uri: s3://nlp-training/products/documents.txt
                    EntityList:
                      S3Uri: s3://nlp-training/products/entities.csv
                  VolumeKmsKeyId: !GetAtt ComprehendKey.Arn
                  VpcConfig:
                    SecurityGroupIds:
                      - !Ref ComprehendSecurityGroupId
                    Subnets: !Ref PrivateSubnetIds
                  ModelKmsKeyId: !Ref KmsKeyArn
              ComprehendKey:
                Type: AWS::KMS::Key
                Properties:
                  EnableKeyRotation: true
        '''),
        good("cloudformation", _cfn("recognizer")),
        bad("cloudformation", _cfn("classifier", model_kms=False), fixed='''
            AWSTemplateFormatVersion: "2010-09-09"
            Parameters:
              ComprehendRoleArn:
                Type: String
              PrivateSubnetIds:
                Type: List<AWS::EC2::Subnet::Id>
              ComprehendSecurityGroupId:
                Type: AWS::EC2::SecurityGroup::Id
              KmsKeyArn:
                Type: String
                Description: ARN of the KMS key (asked for by an aiposture fix)
            Resources:
              TicketsClassifier:
                Type: AWS::Comprehend::DocumentClassifier
                Properties:
                  DocumentClassifierName: tickets
                  DataAccessRoleArn: !Ref ComprehendRoleArn
                  LanguageCode: en
                  InputDataConfig:
                    S3Uri: s3://nlp-training/tickets/train.csv
                  VolumeKmsKeyId: !GetAtt ComprehendKey.Arn
                  OutputDataConfig:
                    S3Uri: s3://nlp-training/tickets/output/
                    KmsKeyId: !GetAtt ComprehendKey.Arn
                  VpcConfig:
                    SecurityGroupIds:
                      - !Ref ComprehendSecurityGroupId
                    Subnets: !Ref PrivateSubnetIds
                  ModelKmsKeyId: !Ref KmsKeyArn
              ComprehendKey:
                Type: AWS::KMS::Key
                Properties:
                  EnableKeyRotation: true
        '''),
        good("cloudformation", _cfn("classifier")),
        bad("cloudformation", _cfn("flywheel", model_kms=False), fixed='''
            AWSTemplateFormatVersion: "2010-09-09"
            Parameters:
              ComprehendRoleArn:
                Type: String
              PrivateSubnetIds:
                Type: List<AWS::EC2::Subnet::Id>
              ComprehendSecurityGroupId:
                Type: AWS::EC2::SecurityGroup::Id
              KmsKeyArn:
                Type: String
                Description: ARN of the KMS key (asked for by an aiposture fix)
            Resources:
              TicketsFlywheel:
                Type: AWS::Comprehend::Flywheel
                Properties:
                  FlywheelName: tickets
                  DataAccessRoleArn: !Ref ComprehendRoleArn
                  DataLakeS3Uri: s3://nlp-flywheel/tickets/
                  ModelType: DOCUMENT_CLASSIFIER
                  TaskConfig:
                    LanguageCode: en
                    DocumentClassificationConfig:
                      Mode: MULTI_CLASS
                      Labels: [billing, outage, account]
                  DataSecurityConfig:
                    VolumeKmsKeyId: !GetAtt ComprehendKey.Arn
                    VpcConfig:
                      SecurityGroupIds:
                        - !Ref ComprehendSecurityGroupId
                      Subnets: !Ref PrivateSubnetIds
                    ModelKmsKeyId: !Ref KmsKeyArn
              ComprehendKey:
                Type: AWS::KMS::Key
                Properties:
                  EnableKeyRotation: true
        '''),
        good("cloudformation", _cfn("flywheel")),
        bad("cloudformation", '''
            {
              "AWSTemplateFormatVersion": "2010-09-09",
              "Resources": {
                "TicketsClassifier": {
                  "Type": "AWS::Comprehend::DocumentClassifier",
                  "Properties": {
                    "DocumentClassifierName": "tickets",
                    "DataAccessRoleArn": "arn:aws:iam::111122223333:role/comprehend-training",
                    "LanguageCode": "en",
                    "InputDataConfig": {"S3Uri": "s3://nlp-training/tickets/train.csv"},
                    "VolumeKmsKeyId": {"Fn::ImportValue": "comprehend-key-arn"}
                  }
                }
              }
            }
        ''', filename="template.json", fixed='''
            {
              "AWSTemplateFormatVersion": "2010-09-09",
              "Resources": {
                "TicketsClassifier": {
                  "Type": "AWS::Comprehend::DocumentClassifier",
                  "Properties": {
                    "DocumentClassifierName": "tickets",
                    "DataAccessRoleArn": "arn:aws:iam::111122223333:role/comprehend-training",
                    "LanguageCode": "en",
                    "InputDataConfig": {"S3Uri": "s3://nlp-training/tickets/train.csv"},
                    "VolumeKmsKeyId": {"Fn::ImportValue": "comprehend-key-arn"},
                    "ModelKmsKeyId": {
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
            {
              "AWSTemplateFormatVersion": "2010-09-09",
              "Resources": {
                "TicketsClassifier": {
                  "Type": "AWS::Comprehend::DocumentClassifier",
                  "Properties": {
                    "DocumentClassifierName": "tickets",
                    "DataAccessRoleArn": "arn:aws:iam::111122223333:role/comprehend-training",
                    "LanguageCode": "en",
                    "InputDataConfig": {"S3Uri": "s3://nlp-training/tickets/train.csv"},
                    "ModelKmsKeyId": {"Fn::ImportValue": "comprehend-key-arn"},
                    "VolumeKmsKeyId": {"Fn::ImportValue": "comprehend-key-arn"}
                  }
                }
              }
            }
        ''', filename="template.json"),
    ),
)

VOLUME_CMK = Check(
    id="AIP251",
    name="comprehend-volume-cmk",
    title="Comprehend training volumes are encrypted with a customer-managed KMS key",
    # LOW where Prisma rates checkov's check HIGH: the volume lives only while the model trains,
    # as for our SageMaker job-volume check (AIP115).
    severity=Severity.LOW,
    kinds=(ENTITY_RECOGNIZER, DOCUMENT_CLASSIFIER, FLYWHEEL),
    rule=present("volume_kms_key_id"),
    description=(
        "While a custom model trains, Comprehend copies your training documents to the storage "
        "volume of its training instances. Without `volume_kms_key_id` that volume is not "
        "encrypted with a key you control, so its use does not follow your key policy and does "
        "not show in your CloudTrail."
    ),
    remediation=set_attr("volume_kms_key_id", placeholder("kms_key_arn")),
    fix_safety=Applicability.SUGGESTION,
    references=(KMS_DOC, SECURITY_DOC),
    compliance={OWASP_ML: ("ML02",)},
    anchors=("checkov CKV_AWS_268 (entity recognizer, Terraform only)",),
    examples=(
        bad("terraform", _recognizer(volume_kms=""), fixed='''
            resource "aws_comprehend_entity_recognizer" "products" {
              name                 = "products"
              data_access_role_arn = aws_iam_role.comprehend.arn
              language_code        = "en"
              model_kms_key_id     = aws_kms_key.comprehend.arn
              volume_kms_key_id    = var.kms_key_arn

              input_data_config {
                entity_types {
                  type = "PRODUCT"
                }

                documents {
                  s3_uri = "s3://nlp-training/products/documents.txt"
                }

                entity_list {
                  s3_uri = "s3://nlp-training/products/entities.csv"
                }
              }

              vpc_config {
                subnets            = aws_subnet.private[*].id
                security_group_ids = [aws_security_group.comprehend.id]
              }
            }
        ''' + _VARIABLE),
        good("terraform", _recognizer()),
        bad("terraform", _classifier(volume_kms=""), fixed='''
            resource "aws_comprehend_document_classifier" "tickets" {
              name                 = "tickets"
              data_access_role_arn = aws_iam_role.comprehend.arn
              language_code        = "en"
              model_kms_key_id     = aws_kms_key.comprehend.arn
              volume_kms_key_id    = var.kms_key_arn

              input_data_config {
                s3_uri = "s3://nlp-training/tickets/train.csv"
              }

              output_data_config {
                s3_uri     = "s3://nlp-training/tickets/output/"
                kms_key_id = aws_kms_key.comprehend.arn
              }

              vpc_config {
                subnets            = aws_subnet.private[*].id
                security_group_ids = [aws_security_group.comprehend.id]
              }
            }
        ''' + _VARIABLE),
        good("terraform", _classifier()),
        bad("cloudformation", _cfn("recognizer", volume_kms=False), fixed='''
            AWSTemplateFormatVersion: "2010-09-09"
            Parameters:
              ComprehendRoleArn:
                Type: String
              PrivateSubnetIds:
                Type: List<AWS::EC2::Subnet::Id>
              ComprehendSecurityGroupId:
                Type: AWS::EC2::SecurityGroup::Id
              KmsKeyArn:
                Type: String
                Description: ARN of the KMS key (asked for by an aiposture fix)
            Resources:
              ProductsRecognizer:
                Type: AWS::Comprehend::EntityRecognizer
                Properties:
                  RecognizerName: products
                  DataAccessRoleArn: !Ref ComprehendRoleArn
                  LanguageCode: en
                  InputDataConfig:
                    EntityTypes:
                      - Type: PRODUCT
                    Documents:
                      S3Uri: s3://nlp-training/products/documents.txt
                    EntityList:
                      S3Uri: s3://nlp-training/products/entities.csv
                  ModelKmsKeyId: !GetAtt ComprehendKey.Arn
                  VpcConfig:
                    SecurityGroupIds:
                      - !Ref ComprehendSecurityGroupId
                    Subnets: !Ref PrivateSubnetIds
                  VolumeKmsKeyId: !Ref KmsKeyArn
              ComprehendKey:
                Type: AWS::KMS::Key
                Properties:
                  EnableKeyRotation: true
        '''),
        good("cloudformation", _cfn("recognizer")),
        bad("cloudformation", _cfn("classifier", volume_kms=False), fixed='''
            AWSTemplateFormatVersion: "2010-09-09"
            Parameters:
              ComprehendRoleArn:
                Type: String
              PrivateSubnetIds:
                Type: List<AWS::EC2::Subnet::Id>
              ComprehendSecurityGroupId:
                Type: AWS::EC2::SecurityGroup::Id
              KmsKeyArn:
                Type: String
                Description: ARN of the KMS key (asked for by an aiposture fix)
            Resources:
              TicketsClassifier:
                Type: AWS::Comprehend::DocumentClassifier
                Properties:
                  DocumentClassifierName: tickets
                  DataAccessRoleArn: !Ref ComprehendRoleArn
                  LanguageCode: en
                  InputDataConfig:
                    S3Uri: s3://nlp-training/tickets/train.csv
                  ModelKmsKeyId: !GetAtt ComprehendKey.Arn
                  OutputDataConfig:
                    S3Uri: s3://nlp-training/tickets/output/
                    KmsKeyId: !GetAtt ComprehendKey.Arn
                  VpcConfig:
                    SecurityGroupIds:
                      - !Ref ComprehendSecurityGroupId
                    Subnets: !Ref PrivateSubnetIds
                  VolumeKmsKeyId: !Ref KmsKeyArn
              ComprehendKey:
                Type: AWS::KMS::Key
                Properties:
                  EnableKeyRotation: true
        '''),
        good("cloudformation", _cfn("classifier")),
        bad("cloudformation", _cfn("flywheel", volume_kms=False), fixed='''
            AWSTemplateFormatVersion: "2010-09-09"
            Parameters:
              ComprehendRoleArn:
                Type: String
              PrivateSubnetIds:
                Type: List<AWS::EC2::Subnet::Id>
              ComprehendSecurityGroupId:
                Type: AWS::EC2::SecurityGroup::Id
              KmsKeyArn:
                Type: String
                Description: ARN of the KMS key (asked for by an aiposture fix)
            Resources:
              TicketsFlywheel:
                Type: AWS::Comprehend::Flywheel
                Properties:
                  FlywheelName: tickets
                  DataAccessRoleArn: !Ref ComprehendRoleArn
                  DataLakeS3Uri: s3://nlp-flywheel/tickets/
                  ModelType: DOCUMENT_CLASSIFIER
                  TaskConfig:
                    LanguageCode: en
                    DocumentClassificationConfig:
                      Mode: MULTI_CLASS
                      Labels: [billing, outage, account]
                  DataSecurityConfig:
                    ModelKmsKeyId: !GetAtt ComprehendKey.Arn
                    VpcConfig:
                      SecurityGroupIds:
                        - !Ref ComprehendSecurityGroupId
                      Subnets: !Ref PrivateSubnetIds
                    VolumeKmsKeyId: !Ref KmsKeyArn
              ComprehendKey:
                Type: AWS::KMS::Key
                Properties:
                  EnableKeyRotation: true
        '''),
        good("cloudformation", _cfn("flywheel")),
    ),
)

VPC = Check(
    id="AIP252",
    name="comprehend-vpc",
    title="Comprehend custom model training runs in your VPC",
    # LOW: the training containers are Comprehend's own, not your code, so the exposure is the
    # path to your data rather than an exfiltration channel.
    severity=Severity.LOW,
    kinds=(ENTITY_RECOGNIZER, DOCUMENT_CLASSIFIER, FLYWHEEL),
    rule=present_because("vpc_config", "training reads your documents outside your VPC"),
    description=(
        "Without `vpc_config`, Comprehend reads the training data from S3 over its own network, "
        "so bucket policies that only admit your VPC endpoints cannot apply and the traffic does "
        "not appear in your flow logs. With `vpc_config` the training jobs reach your data "
        "through your subnets, security groups and endpoints."
    ),
    remediation=None,  # subnets and security groups are the user's to choose
    references=("https://docs.aws.amazon.com/comprehend/latest/dg/usingVPC.html", SECURITY_DOC),
    compliance={OWASP_ML: ("ML02",)},
    examples=(
        bad("terraform", _recognizer(vpc="")),
        good("terraform", _recognizer()),
        bad("terraform", _classifier(vpc="")),
        good("terraform", _classifier()),
        bad("cloudformation", _cfn("recognizer", vpc=False)),
        good("cloudformation", _cfn("recognizer")),
        bad("cloudformation", _cfn("classifier", vpc=False)),
        good("cloudformation", _cfn("classifier")),
        bad("cloudformation", _cfn("flywheel", model_kms=False, volume_kms=False, vpc=False)),
        good("cloudformation", _cfn("flywheel")),
    ),
)

_CLASSIFIER_OUTPUT_BAD = '''
      output_data_config {
        s3_uri = "s3://nlp-training/tickets/output/"
      }
'''

CLASSIFIER_OUTPUT_CMK = Check(
    id="AIP253",
    name="comprehend-classifier-output-cmk",
    title="Comprehend document classifier training output is encrypted with a customer-managed KMS key",
    severity=Severity.LOW,
    kinds=(DOCUMENT_CLASSIFIER,),
    rule=when("output_data_config", present("output_data_config.kms_key_id")),
    description=(
        "A document classifier writes its training output, including the confusion matrix and "
        "test predictions drawn from your documents, to `output_data_config.s3_uri`. Without "
        "`output_data_config.kms_key_id` that output relies on the bucket's default encryption."
    ),
    remediation=set_attr("output_data_config.kms_key_id", placeholder("kms_key_arn")),
    fix_safety=Applicability.SUGGESTION,
    references=("https://docs.aws.amazon.com/comprehend/latest/APIReference/API_DocumentClassifierOutputDataConfig.html",
                KMS_DOC),
    compliance={OWASP_ML: ("ML02",)},
    examples=(
        bad("terraform", _classifier(output=_CLASSIFIER_OUTPUT_BAD), fixed='''
            resource "aws_comprehend_document_classifier" "tickets" {
              name                 = "tickets"
              data_access_role_arn = aws_iam_role.comprehend.arn
              language_code        = "en"
              model_kms_key_id     = aws_kms_key.comprehend.arn
              volume_kms_key_id    = aws_kms_key.comprehend.arn

              input_data_config {
                s3_uri = "s3://nlp-training/tickets/train.csv"
              }

              output_data_config {
                s3_uri = "s3://nlp-training/tickets/output/"
                kms_key_id = var.kms_key_arn
              }

              vpc_config {
                subnets            = aws_subnet.private[*].id
                security_group_ids = [aws_security_group.comprehend.id]
              }
            }
        ''' + _VARIABLE),
        good("terraform", _classifier()),
        good("terraform", _classifier(output="")),
        bad("cloudformation", _cfn("classifier", output="plain"), fixed='''
            AWSTemplateFormatVersion: "2010-09-09"
            Parameters:
              ComprehendRoleArn:
                Type: String
              PrivateSubnetIds:
                Type: List<AWS::EC2::Subnet::Id>
              ComprehendSecurityGroupId:
                Type: AWS::EC2::SecurityGroup::Id
              KmsKeyArn:
                Type: String
                Description: ARN of the KMS key (asked for by an aiposture fix)
            Resources:
              TicketsClassifier:
                Type: AWS::Comprehend::DocumentClassifier
                Properties:
                  DocumentClassifierName: tickets
                  DataAccessRoleArn: !Ref ComprehendRoleArn
                  LanguageCode: en
                  InputDataConfig:
                    S3Uri: s3://nlp-training/tickets/train.csv
                  ModelKmsKeyId: !GetAtt ComprehendKey.Arn
                  VolumeKmsKeyId: !GetAtt ComprehendKey.Arn
                  OutputDataConfig:
                    S3Uri: s3://nlp-training/tickets/output/
                    KmsKeyId: !Ref KmsKeyArn
                  VpcConfig:
                    SecurityGroupIds:
                      - !Ref ComprehendSecurityGroupId
                    Subnets: !Ref PrivateSubnetIds
              ComprehendKey:
                Type: AWS::KMS::Key
                Properties:
                  EnableKeyRotation: true
        '''),
        good("cloudformation", _cfn("classifier")),
        good("cloudformation", _cfn("classifier", output="")),
    ),
)

CHECKS = (
    MODEL_CMK,
    VOLUME_CMK,
    VPC,
    CLASSIFIER_OUTPUT_CMK,
)
