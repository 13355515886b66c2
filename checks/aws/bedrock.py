"""Bedrock checks (AIP2xx): agents, guardrails, knowledge bases, custom models, invocation logging.

Attribute names: terraform-provider-aws docs for aws_bedrockagent_agent, aws_bedrock_guardrail,
aws_bedrockagent_knowledge_base, aws_bedrockagent_data_source, aws_bedrock_custom_model and
aws_bedrock_model_invocation_logging_configuration; CloudFormation property names from the
resource schemas of AWS::Bedrock::Agent, ::Guardrail, ::GuardrailVersion, ::KnowledgeBase and
::DataSource (the aliases are in analyzer/kinds.py). Custom models and model invocation logging
have no CloudFormation resource type, so AIP209-211 are Terraform only. Defaults:
../shared/research/defaults.md section 2 (recorded in analyzer/kinds.py). Anchors:
../shared/research/anchor-checks.md sections 1, 5, 7.
"""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Iterable

from analyzer.check import (
    Applicability,
    Check,
    Context,
    Result,
    Rule,
    Severity,
    Status,
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
from analyzer import kinds
from analyzer.model import Resource, Span, Unknown, Value, lookup

AGENT = "aws.bedrock.agent"
GUARDRAIL = "aws.bedrock.guardrail"
KNOWLEDGE_BASE = "aws.bedrock.knowledge_base"
DATA_SOURCE = "aws.bedrock.data_source"
CUSTOM_MODEL = "aws.bedrock.custom_model"
INVOCATION_LOGGING = "aws.bedrock.model_invocation_logging"

OWASP_LLM = "owasp-llm"  # OWASP Top 10 for LLM applications, 2025
OWASP_ML = "owasp-ml"
CWE = "cwe"

GUARDRAILS_DOC = "https://docs.aws.amazon.com/bedrock/latest/userguide/guardrails.html"
ENCRYPTION_DOC = "https://docs.aws.amazon.com/bedrock/latest/userguide/data-encryption.html"


def _empty(raw: object) -> bool:
    return raw in (None, "", [], {})


def _blocks(value: Value, path: str) -> list[tuple[str, Value]]:
    """The repeated blocks (Terraform) or list items (CloudFormation) at `path` with the
    canonical path of each (indexed when a list)."""
    if isinstance(value.raw, list):
        return [(f"{path}.{index}", item) for index, item in enumerate(value.raw)]
    if isinstance(value.raw, dict):
        return [(path, value)]
    return []


def _field(resource: Resource, path: str, item: Value, field: str) -> tuple[str, str, Value]:
    """Field `field` (canonical) of the list item `item` found at canonical `path` by `_blocks`:
    its canonical path, its path as the user writes it, and its value with the kinds table's
    value map applied. The kinds table names the field once for every item, under the path
    without the index (`content_policy_config.filters_config.input_enabled`), which is why the
    item is read here rather than through `Resource.get` with an indexed path."""
    parts = f"{path}.{field}".split(".")
    generic = ".".join(part for part in parts if not part.isdigit())
    native = name_of(resource, generic).split(".")
    if len(native) == len(parts) - sum(part.isdigit() for part in parts):
        # put the indices back: `ContentPolicyConfig.FiltersConfig.1.InputStrength`
        names = iter(native)
        native = [part if part.isdigit() else next(names) for part in parts]
    value = lookup(item.raw, native[-1]) if isinstance(item.raw, dict) else lookup({}, native[-1])
    spec = kinds.BY_NAME.get(resource.kind)
    attr = spec.attrs.get(generic) if spec else None
    if attr and attr.values and not value.absent and not value.unknown:
        raw = value.raw
        if isinstance(raw, str):
            raw = next((k for k in attr.values if isinstance(k, str) and k.lower() == raw.lower()), raw)
        if isinstance(raw, (str, bool, int, float)) and raw in attr.values:
            value = replace(value, raw=attr.values[raw])
    return f"{path}.{field}", ".".join(native), value


def _unknown_field(resource: Resource, path: str, name: str, value: Value) -> Result:
    """`unknown_result` for a field read by `_field`, named as the user writes it."""
    result = unknown_result(resource, path, value)
    return replace(result, message=result.message.replace(f"`{name_of(resource, path)}`", f"`{name}`", 1))


def _from_key(value: Value) -> Span | None:
    """The value's span, widened to start at its key: a CloudFormation block mapping's value
    starts at its first entry, a line that does not name the attribute the finding is about."""
    span, key = value.span, value.key_span
    if span is None or key is None or key.start >= span.start:
        return span
    return Span(span.path, key.start, span.end, key.line, key.col, span.end_line, span.end_col)


def present_because(path: str, consequence: str) -> Rule:
    """`present(path)`, its failure saying what the absence means, with the attribute named as
    the user writes it in each framework."""
    inner = present(path)

    def rule(resource: Resource, context: Context) -> Iterable[Result]:
        for result in inner(resource, context):
            if result.status is Status.FAIL:
                result = replace(result, message=f"{result.message}: {consequence}")
            yield result

    return rule


# --- agents -------------------------------------------------------------------------------------

_AGENT = '''
    resource "aws_bedrockagent_agent" "support" {
      agent_name              = "support"
      agent_resource_role_arn = aws_iam_role.agent.arn
      foundation_model        = "anthropic.claude-3-5-sonnet-20240620-v1:0"
      instruction             = "Answer questions about customer orders with the order lookup tools."{cmk}
{guardrail}    }
'''
_AGENT_CMK = "\n\n      customer_encryption_key_arn = aws_kms_key.agent.arn"
_AGENT_GUARDRAIL = '''
      guardrail_configuration {
        guardrail_identifier = aws_bedrock_guardrail.support.guardrail_id
        guardrail_version    = aws_bedrock_guardrail_version.support.version
      }
'''


def _agent(cmk: str = "", guardrail: str = "") -> str:
    return _AGENT.replace("{cmk}", cmk).replace("{guardrail}", guardrail)


_CFN_AGENT = '''
    AWSTemplateFormatVersion: "2010-09-09"
    Parameters:
      AgentRoleArn:
        Type: String
    Resources:
      SupportAgent:
        Type: AWS::Bedrock::Agent
        Properties:
          AgentName: support
          AgentResourceRoleArn: !Ref AgentRoleArn
          FoundationModel: anthropic.claude-3-5-sonnet-20240620-v1:0
          Instruction: Answer questions about customer orders with the order lookup tools.
{cmk}{guardrail}{resources}'''
_CFN_AGENT_CMK = "          CustomerEncryptionKeyArn: !GetAtt AgentKey.Arn\n"
_CFN_AGENT_GUARDRAIL = '''          GuardrailConfiguration:
            GuardrailIdentifier: !GetAtt SupportGuardrail.GuardrailId
            GuardrailVersion: !GetAtt SupportGuardrailVersion.Version
'''
_CFN_AGENT_KEY = '''      AgentKey:
        Type: AWS::KMS::Key
        Properties:
          EnableKeyRotation: true
'''
_CFN_SUPPORT_GUARDRAIL = '''      SupportGuardrail:
        Type: AWS::Bedrock::Guardrail
        Properties:
          Name: support
          BlockedInputMessaging: Sorry, I cannot help with that request.
          BlockedOutputsMessaging: Sorry, I cannot share that answer.
          ContentPolicyConfig:
            FiltersConfig:
              - Type: PROMPT_ATTACK
                InputStrength: HIGH
                OutputStrength: NONE
      SupportGuardrailVersion:
        Type: AWS::Bedrock::GuardrailVersion
        Properties:
          GuardrailIdentifier: !GetAtt SupportGuardrail.GuardrailId
'''


def _cfn_agent(cmk: bool = False, guardrail: str = _CFN_AGENT_GUARDRAIL) -> str:
    resources = (_CFN_AGENT_KEY if cmk else "") + (_CFN_SUPPORT_GUARDRAIL if "SupportGuardrail" in guardrail else "")
    return (_CFN_AGENT.replace("{cmk}", _CFN_AGENT_CMK if cmk else "").replace("{guardrail}", guardrail)
            .replace("{resources}", resources))


AGENT_CMK = Check(
    id="AIP200",
    name="bedrock-agent-cmk",
    title="Bedrock agents are encrypted with a customer-managed KMS key",
    severity=Severity.MEDIUM,
    kinds=(AGENT,),
    rule=present("customer_encryption_key_arn"),
    description=(
        "An agent keeps its instructions, action groups and the session state of every "
        "conversation, which carries what users typed and what tools returned. Without "
        "`customer_encryption_key_arn` Bedrock encrypts them with a key AWS owns, so you cannot "
        "restrict who may decrypt them, see each use in CloudTrail or revoke access by disabling "
        "the key."
    ),
    remediation=set_attr("customer_encryption_key_arn", placeholder("kms_key_arn")),
    fix_safety=Applicability.SUGGESTION,
    references=("https://docs.aws.amazon.com/bedrock/latest/userguide/encryption-agents.html", ENCRYPTION_DOC),
    compliance={OWASP_LLM: ("LLM02",), OWASP_ML: ("ML02",)},
    anchors=("checkov CKV_AWS_373", "Prowler bedrock_agent_encrypted_with_cmk (runtime)"),
    examples=(
        bad("terraform", _agent(guardrail=_AGENT_GUARDRAIL), fixed='''
            resource "aws_bedrockagent_agent" "support" {
              agent_name              = "support"
              agent_resource_role_arn = aws_iam_role.agent.arn
              foundation_model        = "anthropic.claude-3-5-sonnet-20240620-v1:0"
              instruction             = "Answer questions about customer orders with the order lookup tools."
              customer_encryption_key_arn = var.kms_key_arn

              guardrail_configuration {
                guardrail_identifier = aws_bedrock_guardrail.support.guardrail_id
                guardrail_version    = aws_bedrock_guardrail_version.support.version
              }
            }

            variable "kms_key_arn" {
              description = "ARN of the KMS key (asked for by an aiposture fix)"
              type        = string
            }
        '''),
        good("terraform", _agent(_AGENT_CMK, _AGENT_GUARDRAIL)),
        bad("terraform", '''
            {
              "resource": {
                "aws_bedrockagent_agent": {
                  "support": {
                    "agent_name": "support",
                    "agent_resource_role_arn": "${aws_iam_role.agent.arn}",
                    "foundation_model": "anthropic.claude-3-5-sonnet-20240620-v1:0",
                    "customer_encryption_key_arn": ""
                  }
                }
              }
            }
        ''', filename="main.tf.json", fixed='''
            {
              "resource": {
                "aws_bedrockagent_agent": {
                  "support": {
                    "agent_name": "support",
                    "agent_resource_role_arn": "${aws_iam_role.agent.arn}",
                    "foundation_model": "anthropic.claude-3-5-sonnet-20240620-v1:0",
                    "customer_encryption_key_arn": "${var.kms_key_arn}"
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
                "aws_bedrockagent_agent": {
                  "support": {
                    "agent_name": "support",
                    "agent_resource_role_arn": "${aws_iam_role.agent.arn}",
                    "foundation_model": "anthropic.claude-3-5-sonnet-20240620-v1:0",
                    "customer_encryption_key_arn": "${aws_kms_key.agent.arn}"
                  }
                }
              }
            }
        ''', filename="main.tf.json"),
        bad("cloudformation", _cfn_agent(), fixed='''
            AWSTemplateFormatVersion: "2010-09-09"
            Parameters:
              AgentRoleArn:
                Type: String
              KmsKeyArn:
                Type: String
                Description: ARN of the KMS key (asked for by an aiposture fix)
            Resources:
              SupportAgent:
                Type: AWS::Bedrock::Agent
                Properties:
                  AgentName: support
                  AgentResourceRoleArn: !Ref AgentRoleArn
                  FoundationModel: anthropic.claude-3-5-sonnet-20240620-v1:0
                  Instruction: Answer questions about customer orders with the order lookup tools.
                  GuardrailConfiguration:
                    GuardrailIdentifier: !GetAtt SupportGuardrail.GuardrailId
                    GuardrailVersion: !GetAtt SupportGuardrailVersion.Version
                  CustomerEncryptionKeyArn: !Ref KmsKeyArn
              SupportGuardrail:
                Type: AWS::Bedrock::Guardrail
                Properties:
                  Name: support
                  BlockedInputMessaging: Sorry, I cannot help with that request.
                  BlockedOutputsMessaging: Sorry, I cannot share that answer.
                  ContentPolicyConfig:
                    FiltersConfig:
                      - Type: PROMPT_ATTACK
                        InputStrength: HIGH
                        OutputStrength: NONE
              SupportGuardrailVersion:
                Type: AWS::Bedrock::GuardrailVersion
                Properties:
                  GuardrailIdentifier: !GetAtt SupportGuardrail.GuardrailId
        '''),
        good("cloudformation", _cfn_agent(cmk=True)),
        bad("cloudformation", '''
            {
              "AWSTemplateFormatVersion": "2010-09-09",
              "Resources": {
                "SupportAgent": {
                  "Type": "AWS::Bedrock::Agent",
                  "Properties": {
                    "AgentName": "support",
                    "FoundationModel": "anthropic.claude-3-5-sonnet-20240620-v1:0",
                    "CustomerEncryptionKeyArn": ""
                  }
                }
              }
            }
        ''', filename="template.json", fixed='''
            {
              "AWSTemplateFormatVersion": "2010-09-09",
              "Resources": {
                "SupportAgent": {
                  "Type": "AWS::Bedrock::Agent",
                  "Properties": {
                    "AgentName": "support",
                    "FoundationModel": "anthropic.claude-3-5-sonnet-20240620-v1:0",
                    "CustomerEncryptionKeyArn": {"Ref": "KmsKeyArn"}
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
                "SupportAgent": {
                  "Type": "AWS::Bedrock::Agent",
                  "Properties": {
                    "AgentName": "support",
                    "FoundationModel": "anthropic.claude-3-5-sonnet-20240620-v1:0",
                    "CustomerEncryptionKeyArn": {"Fn::ImportValue": "shared-agent-key-arn"}
                  }
                }
              }
            }
        ''', filename="template.json"),
    ),
)


def _agent_guardrail(resource: Resource, context: Context) -> Iterable[Result]:
    path = "guardrail_configuration"
    block = resource.get(path)
    if isinstance(block.raw, Unknown):
        yield unknown_result(resource, path, block)
    elif _empty(block.raw):
        yield Result(Status.FAIL, f"`{name_of(resource, path)}` is not set: no guardrail screens what users send "
                                  "the agent or what it answers", path, block.span)
    else:
        rule = present_because(f"{path}.guardrail_identifier",
                               "no guardrail screens what users send the agent or what it answers")
        yield from rule(resource, context)


AGENT_GUARDRAIL = Check(
    id="AIP201",
    name="bedrock-agent-guardrail",
    title="Bedrock agents have a guardrail",
    # HIGH where checkov's Prisma rating is LOW: an agent acts through tools and knowledge bases,
    # so an unscreened prompt injection becomes actions and data disclosure, not only bad text.
    severity=Severity.HIGH,
    kinds=(AGENT,),
    rule=_agent_guardrail,
    description=(
        "A guardrail screens every user input and every model answer of the agent: prompt attacks, "
        "harmful content, denied topics and personal data. An agent without "
        "`guardrail_configuration` passes whatever users (or documents and tool results they "
        "control) say straight to a model that can call your action groups, so prompt injection "
        "turns into actions. Nothing is attached by default."
    ),
    remediation=set_attr("guardrail_configuration.guardrail_identifier", placeholder("guardrail_id")),
    fix_safety=Applicability.SUGGESTION,
    references=("https://docs.aws.amazon.com/bedrock/latest/userguide/agents-guardrail.html", GUARDRAILS_DOC),
    compliance={OWASP_LLM: ("LLM01", "LLM06")},
    anchors=("checkov CKV_AWS_383 (Terraform only)", "Prowler bedrock_agent_guardrail_enabled (runtime)"),
    examples=(
        bad("terraform", _agent(_AGENT_CMK), fixed='''
            resource "aws_bedrockagent_agent" "support" {
              agent_name              = "support"
              agent_resource_role_arn = aws_iam_role.agent.arn
              foundation_model        = "anthropic.claude-3-5-sonnet-20240620-v1:0"
              instruction             = "Answer questions about customer orders with the order lookup tools."

              customer_encryption_key_arn = aws_kms_key.agent.arn

              guardrail_configuration {
                guardrail_identifier = var.guardrail_id
              }
            }

            variable "guardrail_id" {
              description = "ID of the guardrail (asked for by an aiposture fix)"
              type        = string
            }
        '''),
        bad("terraform", _agent(_AGENT_CMK, '''
      guardrail_configuration {
        guardrail_version = "1"
      }
'''), fixed='''
            resource "aws_bedrockagent_agent" "support" {
              agent_name              = "support"
              agent_resource_role_arn = aws_iam_role.agent.arn
              foundation_model        = "anthropic.claude-3-5-sonnet-20240620-v1:0"
              instruction             = "Answer questions about customer orders with the order lookup tools."

              customer_encryption_key_arn = aws_kms_key.agent.arn

              guardrail_configuration {
                guardrail_version = "1"
                guardrail_identifier = var.guardrail_id
              }
            }

            variable "guardrail_id" {
              description = "ID of the guardrail (asked for by an aiposture fix)"
              type        = string
            }
        '''),
        good("terraform", _agent(_AGENT_CMK, _AGENT_GUARDRAIL)),
        bad("terraform", '''
            {
              "resource": {
                "aws_bedrockagent_agent": {
                  "support": {
                    "agent_name": "support",
                    "agent_resource_role_arn": "${aws_iam_role.agent.arn}",
                    "foundation_model": "anthropic.claude-3-5-sonnet-20240620-v1:0",
                    "customer_encryption_key_arn": "${aws_kms_key.agent.arn}"
                  }
                }
              }
            }
        ''', filename="main.tf.json", fixed='''
            {
              "resource": {
                "aws_bedrockagent_agent": {
                  "support": {
                    "agent_name": "support",
                    "agent_resource_role_arn": "${aws_iam_role.agent.arn}",
                    "foundation_model": "anthropic.claude-3-5-sonnet-20240620-v1:0",
                    "customer_encryption_key_arn": "${aws_kms_key.agent.arn}",
                    "guardrail_configuration": {
                      "guardrail_identifier": "${var.guardrail_id}"
                    }
                  }
                }
              },
              "variable": {
                "guardrail_id": {
                  "description": "ID of the guardrail (asked for by an aiposture fix)",
                  "type": "string"
                }
              }
            }
        '''),
        good("terraform", '''
            {
              "resource": {
                "aws_bedrockagent_agent": {
                  "support": {
                    "agent_name": "support",
                    "agent_resource_role_arn": "${aws_iam_role.agent.arn}",
                    "foundation_model": "anthropic.claude-3-5-sonnet-20240620-v1:0",
                    "customer_encryption_key_arn": "${aws_kms_key.agent.arn}",
                    "guardrail_configuration": [
                      {
                        "guardrail_identifier": "${aws_bedrock_guardrail.support.guardrail_id}",
                        "guardrail_version": "${aws_bedrock_guardrail_version.support.version}"
                      }
                    ]
                  }
                }
              }
            }
        ''', filename="main.tf.json"),
        bad("cloudformation", _cfn_agent(cmk=True, guardrail=""), fixed='''
            AWSTemplateFormatVersion: "2010-09-09"
            Parameters:
              AgentRoleArn:
                Type: String
              GuardrailId:
                Type: String
                Description: ID of the guardrail (asked for by an aiposture fix)
            Resources:
              SupportAgent:
                Type: AWS::Bedrock::Agent
                Properties:
                  AgentName: support
                  AgentResourceRoleArn: !Ref AgentRoleArn
                  FoundationModel: anthropic.claude-3-5-sonnet-20240620-v1:0
                  Instruction: Answer questions about customer orders with the order lookup tools.
                  CustomerEncryptionKeyArn: !GetAtt AgentKey.Arn
                  GuardrailConfiguration:
                    GuardrailIdentifier: !Ref GuardrailId
              AgentKey:
                Type: AWS::KMS::Key
                Properties:
                  EnableKeyRotation: true
        '''),
        bad("cloudformation", _cfn_agent(cmk=True, guardrail='''          GuardrailConfiguration:
            GuardrailVersion: "1"
'''), fixed='''
            AWSTemplateFormatVersion: "2010-09-09"
            Parameters:
              AgentRoleArn:
                Type: String
              GuardrailId:
                Type: String
                Description: ID of the guardrail (asked for by an aiposture fix)
            Resources:
              SupportAgent:
                Type: AWS::Bedrock::Agent
                Properties:
                  AgentName: support
                  AgentResourceRoleArn: !Ref AgentRoleArn
                  FoundationModel: anthropic.claude-3-5-sonnet-20240620-v1:0
                  Instruction: Answer questions about customer orders with the order lookup tools.
                  CustomerEncryptionKeyArn: !GetAtt AgentKey.Arn
                  GuardrailConfiguration:
                    GuardrailVersion: "1"
                    GuardrailIdentifier: !Ref GuardrailId
              AgentKey:
                Type: AWS::KMS::Key
                Properties:
                  EnableKeyRotation: true
        '''),
        good("cloudformation", _cfn_agent(cmk=True)),
    ),
)


# A guardrail's `version` is its working draft (CreateGuardrail returns "DRAFT"; the
# AWS::Bedrock::Guardrail attribute `Version` is that draft); a guardrail version's `version` is
# a published, numbered version (the AWS::Bedrock::GuardrailVersion schema allows only numbers).
_DRAFT_TYPES = frozenset({"aws_bedrock_guardrail", "AWS::Bedrock::Guardrail"})
_PUBLISHED_TYPES = frozenset({"aws_bedrock_guardrail_version", "AWS::Bedrock::GuardrailVersion"})
# A version read from another resource: a Terraform reference names the resource's type; a
# CloudFormation `!GetAtt X.Version` (or `${X.Version}`) names a logical id, whose type the
# context graph knows.
_VERSION_REFERENCE = re.compile(
    r"(?P<type>aws_bedrock_guardrail(?:_version)?)\.[\w-]+(?:\[[^\]]*\])?\.version"
    r"|!GetAtt (?P<getatt>[A-Za-z0-9]+)\.Version|!Sub \$\{(?P<sub>[A-Za-z0-9]+)\.Version\}")
_PUBLISH = {
    "terraform": "publish an `aws_bedrock_guardrail_version` and use its `version`",
    "cloudformation": "publish an `AWS::Bedrock::GuardrailVersion` and use `!GetAtt <its logical id>.Version`",
}


def _version_source(resource: Resource, context: Context, path: str, expr: str) -> str:
    """The native type of the resource whose version `expr` reads, or "" when not known."""
    match = _VERSION_REFERENCE.fullmatch(expr)
    if match is None:
        return ""
    if match.group("type"):
        return match.group("type")
    logical = match.group("getatt") or match.group("sub")
    for target in context.targets(resource, name_of(resource, path)):
        if target.address == logical:
            return target.native_type
    return ""


def _guardrail_version_pinned(resource: Resource, context: Context) -> Iterable[Result]:
    path = "guardrail_configuration.guardrail_version"
    name = name_of(resource, path)
    value = resource.get(path)
    if isinstance(value.raw, Unknown):
        expr = value.raw.expr.strip()
        source = _version_source(resource, context, path, expr) if value.raw.reason == "resource" else ""
        if source in _DRAFT_TYPES:
            publish = _PUBLISH.get(resource.framework, "use a published version")
            yield Result(Status.FAIL, f"`{name}` is `{expr}`, which is always \"DRAFT\": the working draft changes "
                                      f"under the agent with every edit to the guardrail; {publish}", path, value.span)
        elif source in _PUBLISHED_TYPES:
            yield Result(Status.PASS, f"`{name}` is a published version", path, value.span)
        else:
            yield unknown_result(resource, path, value)
    elif isinstance(value.raw, str) and value.raw.strip().upper() == "DRAFT":
        yield Result(Status.FAIL, f"`{name}` is {shown(resource, path, value.raw)}: the working draft changes "
                                  "under the agent with every edit to the guardrail; use a published version",
                     path, value.span)
    elif not value.absent:
        yield Result(Status.PASS, f"`{name}` names a published version", path, value.span)
    # absent: the agent has no guardrail version to judge (AIP201 reports a missing guardrail)


AGENT_GUARDRAIL_VERSION = Check(
    id="AIP202",
    name="bedrock-agent-guardrail-version-pinned",
    title="Bedrock agents use a published guardrail version, not the draft",
    severity=Severity.MEDIUM,
    kinds=(AGENT,),
    rule=_guardrail_version_pinned,
    description=(
        "`DRAFT` is the guardrail's working copy: anyone who can edit the guardrail changes what "
        "protects the production agent at once, with no review and no way back to the previous "
        "state. A numbered version is immutable; publish one (`aws_bedrock_guardrail_version`, "
        "`AWS::Bedrock::GuardrailVersion`) and point the agent at its version. The `version` of "
        "the guardrail itself (`!GetAtt Guardrail.Version`) is always the draft."
    ),
    remediation=set_attr("guardrail_configuration.guardrail_version", placeholder("guardrail_version")),
    fix_safety=Applicability.SUGGESTION,
    references=("https://docs.aws.amazon.com/bedrock/latest/userguide/guardrails-versions-create-manage.html",
                "https://docs.aws.amazon.com/bedrock/latest/APIReference/API_agent_GuardrailConfiguration.html"),
    compliance={OWASP_LLM: ("LLM01",)},
    examples=(
        bad("terraform", _agent(_AGENT_CMK, '''
      guardrail_configuration {
        guardrail_identifier = aws_bedrock_guardrail.support.guardrail_id
        guardrail_version    = "DRAFT"
      }
'''), fixed='''
            resource "aws_bedrockagent_agent" "support" {
              agent_name              = "support"
              agent_resource_role_arn = aws_iam_role.agent.arn
              foundation_model        = "anthropic.claude-3-5-sonnet-20240620-v1:0"
              instruction             = "Answer questions about customer orders with the order lookup tools."

              customer_encryption_key_arn = aws_kms_key.agent.arn

              guardrail_configuration {
                guardrail_identifier = aws_bedrock_guardrail.support.guardrail_id
                guardrail_version    = var.guardrail_version
              }
            }

            variable "guardrail_version" {
              description = "Guardrail version (asked for by an aiposture fix)"
              type        = string
            }
        '''),
        good("terraform", _agent(_AGENT_CMK, _AGENT_GUARDRAIL)),
        good("terraform", _agent(_AGENT_CMK, '''
      guardrail_configuration {
        guardrail_identifier = aws_bedrock_guardrail.support.guardrail_id
        guardrail_version    = "3"
      }
''')),
        bad("terraform", _agent(_AGENT_CMK, '''
      guardrail_configuration {
        guardrail_identifier = aws_bedrock_guardrail.support.guardrail_id
        guardrail_version    = aws_bedrock_guardrail.support.version
      }
'''), fixed='''
            resource "aws_bedrockagent_agent" "support" {
              agent_name              = "support"
              agent_resource_role_arn = aws_iam_role.agent.arn
              foundation_model        = "anthropic.claude-3-5-sonnet-20240620-v1:0"
              instruction             = "Answer questions about customer orders with the order lookup tools."

              customer_encryption_key_arn = aws_kms_key.agent.arn

              guardrail_configuration {
                guardrail_identifier = aws_bedrock_guardrail.support.guardrail_id
                guardrail_version    = var.guardrail_version
              }
            }

            variable "guardrail_version" {
              description = "Guardrail version (asked for by an aiposture fix)"
              type        = string
            }
        '''),
        bad("cloudformation", _cfn_agent(cmk=True, guardrail='''          GuardrailConfiguration:
            GuardrailIdentifier: !GetAtt SupportGuardrail.GuardrailId
            GuardrailVersion: DRAFT
'''), fixed='''
            AWSTemplateFormatVersion: "2010-09-09"
            Parameters:
              AgentRoleArn:
                Type: String
              GuardrailVersion:
                Type: String
                Description: Guardrail version (asked for by an aiposture fix)
            Resources:
              SupportAgent:
                Type: AWS::Bedrock::Agent
                Properties:
                  AgentName: support
                  AgentResourceRoleArn: !Ref AgentRoleArn
                  FoundationModel: anthropic.claude-3-5-sonnet-20240620-v1:0
                  Instruction: Answer questions about customer orders with the order lookup tools.
                  CustomerEncryptionKeyArn: !GetAtt AgentKey.Arn
                  GuardrailConfiguration:
                    GuardrailIdentifier: !GetAtt SupportGuardrail.GuardrailId
                    GuardrailVersion: !Ref GuardrailVersion
              AgentKey:
                Type: AWS::KMS::Key
                Properties:
                  EnableKeyRotation: true
              SupportGuardrail:
                Type: AWS::Bedrock::Guardrail
                Properties:
                  Name: support
                  BlockedInputMessaging: Sorry, I cannot help with that request.
                  BlockedOutputsMessaging: Sorry, I cannot share that answer.
                  ContentPolicyConfig:
                    FiltersConfig:
                      - Type: PROMPT_ATTACK
                        InputStrength: HIGH
                        OutputStrength: NONE
              SupportGuardrailVersion:
                Type: AWS::Bedrock::GuardrailVersion
                Properties:
                  GuardrailIdentifier: !GetAtt SupportGuardrail.GuardrailId
        '''),
        # the guardrail's own Version attribute is its DRAFT (told apart from a GuardrailVersion's by type)
        bad("cloudformation", _cfn_agent(cmk=True, guardrail='''          GuardrailConfiguration:
            GuardrailIdentifier: !GetAtt SupportGuardrail.GuardrailId
            GuardrailVersion: !GetAtt SupportGuardrail.Version
'''), fixed='''
            AWSTemplateFormatVersion: "2010-09-09"
            Parameters:
              AgentRoleArn:
                Type: String
              GuardrailVersion:
                Type: String
                Description: Guardrail version (asked for by an aiposture fix)
            Resources:
              SupportAgent:
                Type: AWS::Bedrock::Agent
                Properties:
                  AgentName: support
                  AgentResourceRoleArn: !Ref AgentRoleArn
                  FoundationModel: anthropic.claude-3-5-sonnet-20240620-v1:0
                  Instruction: Answer questions about customer orders with the order lookup tools.
                  CustomerEncryptionKeyArn: !GetAtt AgentKey.Arn
                  GuardrailConfiguration:
                    GuardrailIdentifier: !GetAtt SupportGuardrail.GuardrailId
                    GuardrailVersion: !Ref GuardrailVersion
              AgentKey:
                Type: AWS::KMS::Key
                Properties:
                  EnableKeyRotation: true
              SupportGuardrail:
                Type: AWS::Bedrock::Guardrail
                Properties:
                  Name: support
                  BlockedInputMessaging: Sorry, I cannot help with that request.
                  BlockedOutputsMessaging: Sorry, I cannot share that answer.
                  ContentPolicyConfig:
                    FiltersConfig:
                      - Type: PROMPT_ATTACK
                        InputStrength: HIGH
                        OutputStrength: NONE
              SupportGuardrailVersion:
                Type: AWS::Bedrock::GuardrailVersion
                Properties:
                  GuardrailIdentifier: !GetAtt SupportGuardrail.GuardrailId
        '''),
        good("cloudformation", _cfn_agent(cmk=True)),
        good("cloudformation", _cfn_agent(cmk=True, guardrail='''          GuardrailConfiguration:
            GuardrailIdentifier: !GetAtt SupportGuardrail.GuardrailId
            GuardrailVersion: "3"
''')),
    ),
)


# --- guardrails ---------------------------------------------------------------------------------

_GUARDRAIL = '''
    resource "aws_bedrock_guardrail" "support" {
      name                      = "support"
      blocked_input_messaging   = "Sorry, I cannot help with that request."
      blocked_outputs_messaging = "Sorry, I cannot share that answer."{kms}
{content}{sensitive}{grounding}    }
'''
_KMS = "\n      kms_key_arn               = aws_kms_key.guardrail.arn"
_CONTENT = '''
      content_policy_config {
        filters_config {
          type            = "HATE"
          input_strength  = "HIGH"
          output_strength = "HIGH"
        }

        filters_config {
          type            = "PROMPT_ATTACK"
          input_strength  = "HIGH"
          output_strength = "NONE"
        }
      }
'''
_SENSITIVE = '''
      sensitive_information_policy_config {
        pii_entities_config {
          type   = "EMAIL"
          action = "ANONYMIZE"
        }
      }
'''
_GROUNDING = '''
      contextual_grounding_policy_config {
        filters_config {
          type      = "GROUNDING"
          threshold = 0.75
        }
      }
'''


def _guardrail(kms: str = _KMS, content: str = _CONTENT, sensitive: str = _SENSITIVE, grounding: str = _GROUNDING) -> str:
    return (_GUARDRAIL.replace("{kms}", kms).replace("{content}", content)
            .replace("{sensitive}", sensitive).replace("{grounding}", grounding))


_CFN_GUARDRAIL = '''
    AWSTemplateFormatVersion: "2010-09-09"
    Resources:
      SupportGuardrail:
        Type: AWS::Bedrock::Guardrail
        Properties:
          Name: support
          BlockedInputMessaging: Sorry, I cannot help with that request.
          BlockedOutputsMessaging: Sorry, I cannot share that answer.
{kms}{content}{sensitive}{grounding}{key}'''
_CFN_KMS = "          KmsKeyArn: !GetAtt GuardrailKey.Arn\n"
_CFN_KEY = '''      GuardrailKey:
        Type: AWS::KMS::Key
        Properties:
          EnableKeyRotation: true
'''
_CFN_CONTENT = '''          ContentPolicyConfig:
            FiltersConfig:
              - Type: HATE
                InputStrength: HIGH
                OutputStrength: HIGH
              - Type: PROMPT_ATTACK
                InputStrength: HIGH
                OutputStrength: NONE
'''
_CFN_SENSITIVE = '''          SensitiveInformationPolicyConfig:
            PiiEntitiesConfig:
              - Type: EMAIL
                Action: ANONYMIZE
'''
_CFN_GROUNDING = '''          ContextualGroundingPolicyConfig:
            FiltersConfig:
              - Type: GROUNDING
                Threshold: 0.75
'''


def _cfn_guardrail(kms: bool = True, content: str = _CFN_CONTENT, sensitive: str = _CFN_SENSITIVE,
                   grounding: str = _CFN_GROUNDING) -> str:
    return (_CFN_GUARDRAIL.replace("{kms}", _CFN_KMS if kms else "").replace("{content}", content)
            .replace("{sensitive}", sensitive).replace("{grounding}", grounding)
            .replace("{key}", _CFN_KEY if kms else ""))


def _prompt_attack_filter(resource: Resource, context: Context) -> Iterable[Result]:
    policy_path = "content_policy_config"
    policy = resource.get(policy_path)
    policy_name = name_of(resource, policy_path)
    if isinstance(policy.raw, Unknown):
        yield unknown_result(resource, policy_path, policy)
        return
    if _empty(policy.raw):
        yield Result(Status.FAIL, f"`{policy_name}` is not set: the guardrail has no prompt attack filter",
                     policy_path, policy.span)
        return
    filters_path = "content_policy_config.filters_config"
    filters = resource.get(filters_path)
    if isinstance(filters.raw, Unknown):
        yield unknown_result(resource, filters_path, filters)
        return
    unknown: Result | None = None
    # every filter is looked at: the PROMPT_ATTACK one may be anywhere in the list
    for base, item in _blocks(filters, filters_path):
        type_path, type_name, kind = _field(resource, base, item, "type")
        if isinstance(item.raw, Unknown) or isinstance(kind.raw, Unknown):
            unknown = unknown or _unknown_field(resource, type_path, type_name, kind if kind.unknown else item)
            continue
        if not isinstance(kind.raw, str) or kind.raw.upper() != "PROMPT_ATTACK":
            continue
        yield from _judge_prompt_attack(resource, base, item)
        return
    if unknown is not None:
        yield unknown
    else:
        yield Result(Status.FAIL, f"`{policy_name}` has no `{name_of(resource, filters_path).rsplit('.', 1)[-1]}` "
                                  "of type \"PROMPT_ATTACK\": jailbreaks and prompt injection are not screened",
                     policy_path, _from_key(policy))


def _judge_prompt_attack(resource: Resource, base: str, item: Value) -> Iterable[Result]:
    """The PROMPT_ATTACK filter found at `base`: HIGH on input, evaluated and blocking."""
    strength_path, strength_name, strength = _field(resource, base, item, "input_strength")
    enabled_path, enabled_name, enabled = _field(resource, base, item, "input_enabled")
    action_path, action_name, action = _field(resource, base, item, "input_action")
    for path, name, value in ((strength_path, strength_name, strength), (enabled_path, enabled_name, enabled),
                              (action_path, action_name, action)):
        if isinstance(value.raw, Unknown):
            yield _unknown_field(resource, path, name, value)
            return
    # the messages name the field alone: its filter is named by the message
    strength_name, enabled_name, action_name = (n.rsplit(".", 1)[-1] for n in (strength_name, enabled_name,
                                                                                action_name))
    if enabled.raw is False:
        yield Result(Status.FAIL, f"the PROMPT_ATTACK filter has `{enabled_name}` set to "
                                  "false: prompts are not evaluated", enabled_path, enabled.span)
    elif isinstance(action.raw, str) and action.raw.upper() == "NONE":
        yield Result(Status.FAIL, f"the PROMPT_ATTACK filter has `{action_name}` set to "
                                  "\"NONE\": attacks are detected but not blocked", action_path, action.span)
    elif not isinstance(strength.raw, str) or strength.raw.upper() != "HIGH":
        state = f"is {shown(resource, strength_path, strength.raw)}" if not strength.absent else "is not set"
        yield Result(Status.FAIL, f"`{strength_name}` of the PROMPT_ATTACK filter {state}; it should be \"HIGH\"",
                     strength_path, strength.span or item.span)
    else:
        # an absent input_enabled/input_action is the service default: evaluated and blocking
        yield Result(Status.PASS, "the PROMPT_ATTACK filter blocks at HIGH strength", strength_path, strength.span)


GUARDRAIL_PROMPT_ATTACK = Check(
    id="AIP203",
    name="bedrock-guardrail-prompt-attack-filter",
    title="Bedrock guardrails block prompt attacks at high strength",
    severity=Severity.HIGH,
    kinds=(GUARDRAIL,),
    rule=_prompt_attack_filter,
    description=(
        "The PROMPT_ATTACK content filter is the guardrail's defence against jailbreaks and "
        "injected instructions. A guardrail without it, or with it below HIGH input strength, "
        "disabled on input (`input_enabled = false`) or only detecting (`input_action = "
        "\"NONE\"`), lets crafted prompts through to the model and to the tools an agent can call. "
        "The filter applies to input only, so its `output_strength` is \"NONE\"."
    ),
    remediation=None,  # a filter block is added to a list the user maintains
    references=("https://docs.aws.amazon.com/bedrock/latest/userguide/guardrails-prompt-attack.html", GUARDRAILS_DOC),
    compliance={OWASP_LLM: ("LLM01",)},
    anchors=("Prowler bedrock_guardrail_prompt_attack_filter_enabled (runtime)",),
    examples=(
        bad("terraform", _guardrail(content='''
      content_policy_config {
        filters_config {
          type            = "PROMPT_ATTACK"
          input_strength  = "MEDIUM"
          output_strength = "NONE"
        }
      }
''')),
        bad("terraform", _guardrail(content='''
      content_policy_config {
        filters_config {
          type            = "HATE"
          input_strength  = "HIGH"
          output_strength = "HIGH"
        }
      }
''')),
        bad("terraform", _guardrail(content="")),
        bad("terraform", _guardrail(content='''
      content_policy_config {
        filters_config {
          type            = "PROMPT_ATTACK"
          input_strength  = "HIGH"
          input_action    = "NONE"
          output_strength = "NONE"
        }
      }
''')),
        good("terraform", _guardrail()),
        bad("terraform", '''
            {
              "resource": {
                "aws_bedrock_guardrail": {
                  "support": {
                    "name": "support",
                    "blocked_input_messaging": "Sorry, I cannot help with that request.",
                    "blocked_outputs_messaging": "Sorry, I cannot share that answer.",
                    "content_policy_config": {
                      "filters_config": [
                        {"type": "PROMPT_ATTACK", "input_strength": "HIGH", "input_enabled": false, "output_strength": "NONE"}
                      ]
                    }
                  }
                }
              }
            }
        ''', filename="main.tf.json"),
        good("terraform", '''
            {
              "resource": {
                "aws_bedrock_guardrail": {
                  "support": {
                    "name": "support",
                    "blocked_input_messaging": "Sorry, I cannot help with that request.",
                    "blocked_outputs_messaging": "Sorry, I cannot share that answer.",
                    "content_policy_config": {
                      "filters_config": [
                        {"type": "VIOLENCE", "input_strength": "HIGH", "output_strength": "HIGH"},
                        {"type": "PROMPT_ATTACK", "input_strength": "HIGH", "output_strength": "NONE"}
                      ]
                    }
                  }
                }
              }
            }
        ''', filename="main.tf.json"),
        bad("cloudformation", _cfn_guardrail(content='''          ContentPolicyConfig:
            FiltersConfig:
              - Type: HATE
                InputStrength: HIGH
                OutputStrength: HIGH
              - Type: PROMPT_ATTACK
                InputStrength: MEDIUM
                OutputStrength: NONE
''')),
        bad("cloudformation", _cfn_guardrail(content='''          ContentPolicyConfig:
            FiltersConfig:
              - Type: HATE
                InputStrength: HIGH
                OutputStrength: HIGH
''')),
        bad("cloudformation", _cfn_guardrail(content="")),
        good("cloudformation", _cfn_guardrail()),
        bad("cloudformation", '''
            {
              "AWSTemplateFormatVersion": "2010-09-09",
              "Resources": {
                "SupportGuardrail": {
                  "Type": "AWS::Bedrock::Guardrail",
                  "Properties": {
                    "Name": "support",
                    "BlockedInputMessaging": "Sorry, I cannot help with that request.",
                    "BlockedOutputsMessaging": "Sorry, I cannot share that answer.",
                    "ContentPolicyConfig": {
                      "FiltersConfig": [
                        {"Type": "PROMPT_ATTACK", "InputStrength": "HIGH", "InputEnabled": "false", "OutputStrength": "NONE"}
                      ]
                    }
                  }
                }
              }
            }
        ''', filename="template.json"),
        good("cloudformation", '''
            {
              "AWSTemplateFormatVersion": "2010-09-09",
              "Resources": {
                "SupportGuardrail": {
                  "Type": "AWS::Bedrock::Guardrail",
                  "Properties": {
                    "Name": "support",
                    "BlockedInputMessaging": "Sorry, I cannot help with that request.",
                    "BlockedOutputsMessaging": "Sorry, I cannot share that answer.",
                    "ContentPolicyConfig": {
                      "FiltersConfig": [
                        {"Type": "VIOLENCE", "InputStrength": "HIGH", "OutputStrength": "HIGH"},
                        {"Type": "PROMPT_ATTACK", "InputStrength": "HIGH", "InputEnabled": true,
                         "InputAction": "BLOCK", "OutputStrength": "NONE"}
                      ]
                    }
                  }
                }
              }
            }
        ''', filename="template.json"),
    ),
)

GUARDRAIL_SENSITIVE_INFORMATION = Check(
    id="AIP204",
    name="bedrock-guardrail-sensitive-information-filter",
    title="Bedrock guardrails filter sensitive information",
    severity=Severity.MEDIUM,
    kinds=(GUARDRAIL,),
    rule=present_because("sensitive_information_policy_config",
                         "personal data in prompts and answers is neither blocked nor masked"),
    description=(
        "Without a `sensitive_information_policy_config` the guardrail does not look for personal "
        "data (names, e-mail addresses, card and account numbers) or your own patterns, so a model "
        "can repeat what it saw in a knowledge base, a tool result or another user's session. "
        "Choose the PII entity types and regexes that matter to you and block or anonymize them."
    ),
    remediation=None,  # which entities to block or mask is the user's decision
    references=("https://docs.aws.amazon.com/bedrock/latest/userguide/guardrails-sensitive-filters.html", GUARDRAILS_DOC),
    compliance={OWASP_LLM: ("LLM02",)},
    anchors=("Prowler bedrock_guardrail_sensitive_information_filter_enabled (runtime)",),
    examples=(
        bad("terraform", _guardrail(sensitive="")),
        good("terraform", _guardrail()),
        bad("cloudformation", _cfn_guardrail(sensitive="")),
        good("cloudformation", _cfn_guardrail()),
    ),
)

GUARDRAIL_CONTEXTUAL_GROUNDING = Check(
    id="AIP205",
    name="bedrock-guardrail-contextual-grounding",
    title="Bedrock guardrails check that answers are grounded in their sources",
    # LOW: grounding checks catch hallucinated or irrelevant answers in retrieval applications;
    # they protect the answer's integrity more than they stop an attacker.
    severity=Severity.LOW,
    kinds=(GUARDRAIL,),
    rule=present_because("contextual_grounding_policy_config",
                         "answers that are not supported by the retrieved sources are not blocked"),
    description=(
        "Contextual grounding checks compare each answer with the source passages it was given "
        "(a knowledge base, a tool result) and with the question, and block answers below your "
        "GROUNDING and RELEVANCE thresholds. Without a `contextual_grounding_policy_config`, "
        "made-up facts and answers steered off topic by injected content reach users unchecked."
    ),
    remediation=None,  # thresholds are the user's to choose
    references=("https://docs.aws.amazon.com/bedrock/latest/userguide/guardrails-contextual-grounding-check.html",
                GUARDRAILS_DOC),
    compliance={OWASP_LLM: ("LLM09",)},
    anchors=("Prowler bedrock_guardrail_contextual_grounding_filter_enabled (runtime)",),
    examples=(
        bad("terraform", _guardrail(grounding="")),
        good("terraform", _guardrail()),
        bad("cloudformation", _cfn_guardrail(grounding="")),
        good("cloudformation", _cfn_guardrail()),
    ),
)

GUARDRAIL_CMK = Check(
    id="AIP206",
    name="bedrock-guardrail-cmk",
    title="Bedrock guardrails are encrypted with a customer-managed KMS key",
    # LOW: the guardrail holds its policies (topics, words, patterns), not user data
    severity=Severity.LOW,
    kinds=(GUARDRAIL,),
    rule=present("kms_key_arn"),
    description=(
        "A guardrail stores its policies: denied topics and their examples, word lists and the "
        "patterns of the data you protect, which describe what you consider sensitive. Without "
        "`kms_key_arn` they are encrypted with a key AWS owns, so key policies and CloudTrail "
        "cannot control or show who reads them."
    ),
    remediation=set_attr("kms_key_arn", placeholder("kms_key_arn")),
    fix_safety=Applicability.SUGGESTION,
    references=("https://docs.aws.amazon.com/bedrock/latest/userguide/guardrails-permissions-kms.html", ENCRYPTION_DOC),
    compliance={OWASP_LLM: ("LLM02",)},
    examples=(
        bad("terraform", _guardrail(kms=""), fixed='''
            resource "aws_bedrock_guardrail" "support" {
              name                      = "support"
              blocked_input_messaging   = "Sorry, I cannot help with that request."
              blocked_outputs_messaging = "Sorry, I cannot share that answer."
              kms_key_arn               = var.kms_key_arn

              content_policy_config {
                filters_config {
                  type            = "HATE"
                  input_strength  = "HIGH"
                  output_strength = "HIGH"
                }

                filters_config {
                  type            = "PROMPT_ATTACK"
                  input_strength  = "HIGH"
                  output_strength = "NONE"
                }
              }

              sensitive_information_policy_config {
                pii_entities_config {
                  type   = "EMAIL"
                  action = "ANONYMIZE"
                }
              }

              contextual_grounding_policy_config {
                filters_config {
                  type      = "GROUNDING"
                  threshold = 0.75
                }
              }
            }

            variable "kms_key_arn" {
              description = "ARN of the KMS key (asked for by an aiposture fix)"
              type        = string
            }
        '''),
        good("terraform", _guardrail()),
        bad("cloudformation", _cfn_guardrail(kms=False), fixed='''
            AWSTemplateFormatVersion: "2010-09-09"
            Parameters:
              KmsKeyArn:
                Type: String
                Description: ARN of the KMS key (asked for by an aiposture fix)

            Resources:
              SupportGuardrail:
                Type: AWS::Bedrock::Guardrail
                Properties:
                  Name: support
                  BlockedInputMessaging: Sorry, I cannot help with that request.
                  BlockedOutputsMessaging: Sorry, I cannot share that answer.
                  ContentPolicyConfig:
                    FiltersConfig:
                      - Type: HATE
                        InputStrength: HIGH
                        OutputStrength: HIGH
                      - Type: PROMPT_ATTACK
                        InputStrength: HIGH
                        OutputStrength: NONE
                  SensitiveInformationPolicyConfig:
                    PiiEntitiesConfig:
                      - Type: EMAIL
                        Action: ANONYMIZE
                  ContextualGroundingPolicyConfig:
                    FiltersConfig:
                      - Type: GROUNDING
                        Threshold: 0.75
                  KmsKeyArn: !Ref KmsKeyArn
        '''),
        good("cloudformation", _cfn_guardrail()),
    ),
)


# --- knowledge bases and data sources -----------------------------------------------------------

_MANAGED_KB = '''
    resource "aws_bedrockagent_knowledge_base" "manuals" {
      name     = "manuals"
      role_arn = aws_iam_role.knowledge_base.arn

      knowledge_base_configuration {
        type = "MANAGED"

        managed_knowledge_base_configuration {
          embedding_model_type = "MANAGED"{kms}
        }
      }
    }
'''
_MANAGED_KB_KMS = '''

          server_side_encryption_configuration {
            kms_key_arn = aws_kms_key.knowledge_base.arn
          }'''


_CFN_KB = '''
    AWSTemplateFormatVersion: "2010-09-09"
    Parameters:
      KnowledgeBaseRoleArn:
        Type: String
    Resources:
      ManualsKnowledgeBase:
        Type: AWS::Bedrock::KnowledgeBase
        Properties:
          Name: manuals
          RoleArn: !Ref KnowledgeBaseRoleArn
          KnowledgeBaseConfiguration:
{configuration}'''
_CFN_MANAGED_KB = '''            Type: MANAGED
            ManagedKnowledgeBaseConfiguration:
              EmbeddingModelType: MANAGED
'''
_CFN_MANAGED_KB_KMS = '''              ServerSideEncryptionConfiguration:
                KmsKeyArn: !GetAtt KnowledgeBaseKey.Arn
      KnowledgeBaseKey:
        Type: AWS::KMS::Key
        Properties:
          EnableKeyRotation: true
'''
_CFN_VECTOR_KB = '''            Type: VECTOR
            VectorKnowledgeBaseConfiguration:
              EmbeddingModelArn: !Sub arn:${AWS::Partition}:bedrock:${AWS::Region}::foundation-model/amazon.titan-embed-text-v2:0
          StorageConfiguration:
            Type: S3_VECTORS
            S3VectorsConfiguration:
              IndexArn: !ImportValue manuals-vector-index-arn
'''

KNOWLEDGE_BASE_CMK = Check(
    id="AIP207",
    name="bedrock-knowledge-base-cmk",
    title="Managed Bedrock knowledge bases are encrypted with a customer-managed KMS key",
    severity=Severity.MEDIUM,
    kinds=(KNOWLEDGE_BASE,),
    rule=when("knowledge_base_configuration.managed_knowledge_base_configuration",
              present("knowledge_base_configuration.managed_knowledge_base_configuration."
                      "server_side_encryption_configuration.kms_key_arn")),
    description=(
        "A managed knowledge base keeps the vector store Bedrock runs for you: every chunk of your "
        "documents and its embedding. Without `server_side_encryption_configuration.kms_key_arn` "
        "in `managed_knowledge_base_configuration` that copy of your documents is encrypted with a "
        "key AWS owns. Knowledge bases on your own vector store (OpenSearch, Aurora, S3 Vectors) "
        "are encrypted by that store's settings, which this check does not see."
    ),
    remediation=set_attr("knowledge_base_configuration.managed_knowledge_base_configuration."
                         "server_side_encryption_configuration.kms_key_arn", placeholder("kms_key_arn")),
    fix_safety=Applicability.SUGGESTION,
    references=("https://docs.aws.amazon.com/bedrock/latest/userguide/encryption-kb.html", ENCRYPTION_DOC),
    compliance={OWASP_LLM: ("LLM02", "LLM08"), OWASP_ML: ("ML02",)},
    anchors=("Prowler bedrock_knowledge_base_encrypted_with_cmk (runtime)",),
    examples=(
        bad("terraform", _MANAGED_KB.replace("{kms}", ""), fixed='''
            resource "aws_bedrockagent_knowledge_base" "manuals" {
              name     = "manuals"
              role_arn = aws_iam_role.knowledge_base.arn

              knowledge_base_configuration {
                type = "MANAGED"

                managed_knowledge_base_configuration {
                  embedding_model_type = "MANAGED"

                  server_side_encryption_configuration {
                    kms_key_arn = var.kms_key_arn
                  }
                }
              }
            }

            variable "kms_key_arn" {
              description = "ARN of the KMS key (asked for by an aiposture fix)"
              type        = string
            }
        '''),
        good("terraform", _MANAGED_KB.replace("{kms}", _MANAGED_KB_KMS)),
        good("terraform", '''
            resource "aws_bedrockagent_knowledge_base" "manuals" {
              name     = "manuals"
              role_arn = aws_iam_role.knowledge_base.arn

              knowledge_base_configuration {
                type = "VECTOR"

                vector_knowledge_base_configuration {
                  embedding_model_arn = "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0"
                }
              }

              storage_configuration {
                type = "S3_VECTORS"

                s3_vectors_configuration {
                  index_arn = aws_s3vectors_index.manuals.index_arn
                }
              }
            }
        '''),
        bad("cloudformation", _CFN_KB.replace("{configuration}", _CFN_MANAGED_KB), fixed='''
            AWSTemplateFormatVersion: "2010-09-09"
            Parameters:
              KnowledgeBaseRoleArn:
                Type: String
              KmsKeyArn:
                Type: String
                Description: ARN of the KMS key (asked for by an aiposture fix)
            Resources:
              ManualsKnowledgeBase:
                Type: AWS::Bedrock::KnowledgeBase
                Properties:
                  Name: manuals
                  RoleArn: !Ref KnowledgeBaseRoleArn
                  KnowledgeBaseConfiguration:
                    Type: MANAGED
                    ManagedKnowledgeBaseConfiguration:
                      EmbeddingModelType: MANAGED
                      ServerSideEncryptionConfiguration:
                        KmsKeyArn: !Ref KmsKeyArn
        '''),
        good("cloudformation", _CFN_KB.replace("{configuration}", _CFN_MANAGED_KB + _CFN_MANAGED_KB_KMS)),
        good("cloudformation", _CFN_KB.replace("{configuration}", _CFN_VECTOR_KB)),
    ),
)

_DATA_SOURCE = '''
    resource "aws_bedrockagent_data_source" "manuals" {
      knowledge_base_id = aws_bedrockagent_knowledge_base.manuals.id
      name              = "manuals"

      data_source_configuration {
        type = "S3"

        s3_configuration {
          bucket_arn = aws_s3_bucket.manuals.arn
        }
      }
{kms}    }
'''


_CFN_DATA_SOURCE = '''
    AWSTemplateFormatVersion: "2010-09-09"
    Parameters:
      KnowledgeBaseId:
        Type: String
      ManualsBucketArn:
        Type: String
    Resources:
      ManualsDataSource:
        Type: AWS::Bedrock::DataSource
        Properties:
          KnowledgeBaseId: !Ref KnowledgeBaseId
          Name: manuals
          DataSourceConfiguration:
            Type: S3
            S3Configuration:
              BucketArn: !Ref ManualsBucketArn
{kms}'''
_CFN_DATA_SOURCE_KMS = '''          ServerSideEncryptionConfiguration:
            KmsKeyArn: !GetAtt KnowledgeBaseKey.Arn
      KnowledgeBaseKey:
        Type: AWS::KMS::Key
        Properties:
          EnableKeyRotation: true
'''

DATA_SOURCE_CMK = Check(
    id="AIP208",
    name="bedrock-data-source-cmk",
    title="Bedrock knowledge base data sources encrypt ingestion data with a customer-managed KMS key",
    severity=Severity.LOW,  # transient data: documents are held only while they are ingested
    kinds=(DATA_SOURCE,),
    rule=present("server_side_encryption_configuration.kms_key_arn"),
    description=(
        "While a data source is synchronised, Bedrock holds your documents and their chunks in "
        "intermediate storage. Without `server_side_encryption_configuration.kms_key_arn` that "
        "copy is encrypted with a key AWS owns rather than one whose use you control and audit."
    ),
    remediation=set_attr("server_side_encryption_configuration.kms_key_arn", placeholder("kms_key_arn")),
    fix_safety=Applicability.SUGGESTION,
    references=("https://docs.aws.amazon.com/bedrock/latest/userguide/encryption-kb.html",
                "https://docs.aws.amazon.com/bedrock/latest/APIReference/API_agent_ServerSideEncryptionConfiguration.html"),
    compliance={OWASP_LLM: ("LLM02",), OWASP_ML: ("ML02",)},
    examples=(
        bad("terraform", _DATA_SOURCE.replace("{kms}", ""), fixed='''
            resource "aws_bedrockagent_data_source" "manuals" {
              knowledge_base_id = aws_bedrockagent_knowledge_base.manuals.id
              name              = "manuals"

              data_source_configuration {
                type = "S3"

                s3_configuration {
                  bucket_arn = aws_s3_bucket.manuals.arn
                }
              }

              server_side_encryption_configuration {
                kms_key_arn = var.kms_key_arn
              }
            }

            variable "kms_key_arn" {
              description = "ARN of the KMS key (asked for by an aiposture fix)"
              type        = string
            }
        '''),
        good("terraform", _DATA_SOURCE.replace("{kms}", '''
      server_side_encryption_configuration {
        kms_key_arn = aws_kms_key.knowledge_base.arn
      }
''')),
        bad("terraform", '''
            {
              "resource": {
                "aws_bedrockagent_data_source": {
                  "manuals": {
                    "knowledge_base_id": "${aws_bedrockagent_knowledge_base.manuals.id}",
                    "name": "manuals",
                    "data_source_configuration": {
                      "type": "S3",
                      "s3_configuration": {"bucket_arn": "${aws_s3_bucket.manuals.arn}"}
                    },
                    "server_side_encryption_configuration": {}
                  }
                }
              }
            }
        ''', filename="main.tf.json", fixed='''
            {
              "resource": {
                "aws_bedrockagent_data_source": {
                  "manuals": {
                    "knowledge_base_id": "${aws_bedrockagent_knowledge_base.manuals.id}",
                    "name": "manuals",
                    "data_source_configuration": {
                      "type": "S3",
                      "s3_configuration": {"bucket_arn": "${aws_s3_bucket.manuals.arn}"}
                    },
                    "server_side_encryption_configuration": {"kms_key_arn": "${var.kms_key_arn}"}
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
                "aws_bedrockagent_data_source": {
                  "manuals": {
                    "knowledge_base_id": "${aws_bedrockagent_knowledge_base.manuals.id}",
                    "name": "manuals",
                    "data_source_configuration": {
                      "type": "S3",
                      "s3_configuration": {"bucket_arn": "${aws_s3_bucket.manuals.arn}"}
                    },
                    "server_side_encryption_configuration": {
                      "kms_key_arn": "${aws_kms_key.knowledge_base.arn}"
                    }
                  }
                }
              }
            }
        ''', filename="main.tf.json"),
        bad("cloudformation", _CFN_DATA_SOURCE.replace("{kms}", ""), fixed='''
            AWSTemplateFormatVersion: "2010-09-09"
            Parameters:
              KnowledgeBaseId:
                Type: String
              ManualsBucketArn:
                Type: String
              KmsKeyArn:
                Type: String
                Description: ARN of the KMS key (asked for by an aiposture fix)
            Resources:
              ManualsDataSource:
                Type: AWS::Bedrock::DataSource
                Properties:
                  KnowledgeBaseId: !Ref KnowledgeBaseId
                  Name: manuals
                  DataSourceConfiguration:
                    Type: S3
                    S3Configuration:
                      BucketArn: !Ref ManualsBucketArn
                  ServerSideEncryptionConfiguration:
                    KmsKeyArn: !Ref KmsKeyArn
        '''),
        good("cloudformation", _CFN_DATA_SOURCE.replace("{kms}", _CFN_DATA_SOURCE_KMS)),
        bad("cloudformation", '''
            {
              "AWSTemplateFormatVersion": "2010-09-09",
              "Resources": {
                "ManualsDataSource": {
                  "Type": "AWS::Bedrock::DataSource",
                  "Properties": {
                    "KnowledgeBaseId": "KB12345678",
                    "Name": "manuals",
                    "DataSourceConfiguration": {
                      "Type": "S3",
                      "S3Configuration": {"BucketArn": "arn:aws:s3:::example-manuals"}
                    }
                  }
                }
              }
            }
        ''', filename="template.json", fixed='''
            {
              "AWSTemplateFormatVersion": "2010-09-09",
              "Resources": {
                "ManualsDataSource": {
                  "Type": "AWS::Bedrock::DataSource",
                  "Properties": {
                    "KnowledgeBaseId": "KB12345678",
                    "Name": "manuals",
                    "DataSourceConfiguration": {
                      "Type": "S3",
                      "S3Configuration": {"BucketArn": "arn:aws:s3:::example-manuals"}
                    },
                    "ServerSideEncryptionConfiguration": {
                      "KmsKeyArn": {
                        "Ref": "KmsKeyArn"
                      }
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
                "ManualsDataSource": {
                  "Type": "AWS::Bedrock::DataSource",
                  "Properties": {
                    "KnowledgeBaseId": "KB12345678",
                    "Name": "manuals",
                    "DataSourceConfiguration": {
                      "Type": "S3",
                      "S3Configuration": {"BucketArn": "arn:aws:s3:::example-manuals"}
                    },
                    "ServerSideEncryptionConfiguration": {
                      "KmsKeyArn": {"Fn::ImportValue": "knowledge-base-key-arn"}
                    }
                  }
                }
              }
            }
        ''', filename="template.json"),
    ),
)


# --- custom models ------------------------------------------------------------------------------

_CUSTOM_MODEL = '''
    resource "aws_bedrock_custom_model" "tickets" {
      custom_model_name     = "tickets"
      job_name              = "tickets-fine-tune-1"
      base_model_identifier = data.aws_bedrock_foundation_model.titan.model_arn
      role_arn              = aws_iam_role.customization.arn{kms}

      hyperparameters = {
        epochCount   = "2"
        batchSize    = "1"
        learningRate = "0.00001"
      }

      output_data_config {
        s3_uri = "s3://ml-customization/output/"
      }

      training_data_config {
        s3_uri = "s3://ml-customization/train.jsonl"
      }
    }
'''

CUSTOM_MODEL_CMK = Check(
    id="AIP209",
    name="bedrock-custom-model-cmk",
    title="Bedrock custom models are encrypted with a customer-managed KMS key",
    severity=Severity.MEDIUM,
    kinds=(CUSTOM_MODEL,),
    rule=present("custom_model_kms_key_id"),
    description=(
        "A fine-tuned or continued-pre-trained model has learned from your training data and can "
        "reproduce parts of it; its weights are also a valuable asset. Without "
        "`custom_model_kms_key_id` Bedrock encrypts the model with a key AWS manages, so you "
        "cannot limit who may use or copy it through a key policy, or revoke it by disabling the key."
    ),
    remediation=set_attr("custom_model_kms_key_id", placeholder("kms_key_arn")),
    fix_safety=Applicability.SUGGESTION,
    references=("https://docs.aws.amazon.com/bedrock/latest/userguide/encryption-custom-job.html", ENCRYPTION_DOC),
    compliance={OWASP_ML: ("ML05",), OWASP_LLM: ("LLM02",)},
    anchors=("Prowler bedrock_custom_model_encrypted_with_cmk (runtime)",),
    examples=(
        bad("terraform", _CUSTOM_MODEL.replace("{kms}", ""), fixed='''
            resource "aws_bedrock_custom_model" "tickets" {
              custom_model_name     = "tickets"
              job_name              = "tickets-fine-tune-1"
              base_model_identifier = data.aws_bedrock_foundation_model.titan.model_arn
              role_arn              = aws_iam_role.customization.arn

              hyperparameters = {
                epochCount   = "2"
                batchSize    = "1"
                learningRate = "0.00001"
              }
              custom_model_kms_key_id = var.kms_key_arn

              output_data_config {
                s3_uri = "s3://ml-customization/output/"
              }

              training_data_config {
                s3_uri = "s3://ml-customization/train.jsonl"
              }
            }

            variable "kms_key_arn" {
              description = "ARN of the KMS key (asked for by an aiposture fix)"
              type        = string
            }
        '''),
        good("terraform", _CUSTOM_MODEL.replace("{kms}", "\n\n      custom_model_kms_key_id = aws_kms_key.models.arn")),
    ),
)


# --- model invocation logging -------------------------------------------------------------------

_LOGGING = '''
    resource "aws_bedrock_model_invocation_logging_configuration" "account" {
      logging_config {{flags}{destination}
      }
    }
'''
_S3_DESTINATION = '''

        s3_config {
          bucket_name = aws_s3_bucket.invocation_logs.id
          key_prefix  = "bedrock"
        }'''
_CLOUDWATCH_DESTINATION = '''

        cloudwatch_config {
          log_group_name = aws_cloudwatch_log_group.bedrock.name
          role_arn       = aws_iam_role.bedrock_logging.arn
        }'''
_FLAGS = '''
        text_data_delivery_enabled      = true
        image_data_delivery_enabled     = false
        embedding_data_delivery_enabled = false'''


def _logging(flags: str = _FLAGS, destination: str = _S3_DESTINATION) -> str:
    return _LOGGING.replace("{flags}", flags).replace("{destination}", destination)


def _logging_destination(resource: Resource, context: Context) -> Iterable[Result]:
    config = resource.get("logging_config")
    if isinstance(config.raw, Unknown):
        yield unknown_result(resource, "logging_config", config)
        return
    unknown: Result | None = None
    for path in ("logging_config.cloudwatch_config", "logging_config.s3_config"):
        value = resource.get(path)
        if isinstance(value.raw, Unknown):
            unknown = unknown or unknown_result(resource, path, value)
        elif not _empty(value.raw):
            yield Result(Status.PASS, f"`{path}` is set", path, value.span)
            return
    if unknown is not None:
        yield unknown
    elif _empty(config.raw):
        yield Result(Status.FAIL, "`logging_config` is not set: model invocations are not logged",
                     "logging_config", config.span)
    else:
        yield Result(Status.FAIL, "`logging_config` has neither `cloudwatch_config` nor `s3_config`: model "
                                  "invocations are not delivered anywhere", "logging_config", config.span)


INVOCATION_LOGGING_DESTINATION = Check(
    id="AIP210",
    name="bedrock-invocation-logging-destination",
    title="Bedrock model invocation logs are delivered to CloudWatch Logs or S3",
    severity=Severity.MEDIUM,
    kinds=(INVOCATION_LOGGING,),
    rule=_logging_destination,
    description=(
        "Invocation logs are the only record of what was asked of each model and what it "
        "answered, by whom: what an investigation of prompt injection, data leakage or abuse of "
        "your account's model access needs. A `logging_config` without `cloudwatch_config` or "
        "`s3_config` enables logging with nowhere to deliver it. Logging is off in an account and "
        "Region until this resource configures it."
    ),
    remediation=None,  # a log group and role, or a bucket, are the user's to create
    references=("https://docs.aws.amazon.com/bedrock/latest/userguide/model-invocation-logging.html",),
    compliance={CWE: ("CWE-778",), OWASP_LLM: ("LLM10",)},
    anchors=("Prowler bedrock_model_invocation_logging_enabled (runtime)",),
    examples=(
        bad("terraform", _logging(destination="")),
        good("terraform", _logging()),
        good("terraform", _logging(destination=_CLOUDWATCH_DESTINATION)),
        bad("terraform", '''
            {
              "resource": {
                "aws_bedrock_model_invocation_logging_configuration": {
                  "account": {
                    "logging_config": {
                      "text_data_delivery_enabled": true
                    }
                  }
                }
              }
            }
        ''', filename="main.tf.json"),
        good("terraform", '''
            {
              "resource": {
                "aws_bedrock_model_invocation_logging_configuration": {
                  "account": {
                    "logging_config": {
                      "text_data_delivery_enabled": true,
                      "s3_config": {
                        "bucket_name": "${aws_s3_bucket.invocation_logs.id}"
                      }
                    }
                  }
                }
              }
            }
        ''', filename="main.tf.json"),
    ),
)

INVOCATION_LOGGING_TEXT = Check(
    id="AIP211",
    name="bedrock-invocation-logging-text",
    title="Bedrock model invocation logs include prompts and responses",
    severity=Severity.LOW,
    kinds=(INVOCATION_LOGGING,),
    rule=equals("logging_config.text_data_delivery_enabled", True),
    description=(
        "With `text_data_delivery_enabled = false` the invocation logs keep only metadata, not "
        "the text of prompts and completions, so an investigation cannot see what an attacker sent "
        "or what the model disclosed. The provider sends true when the flag is absent. Image and "
        "embedding delivery are left to you: they are large, and rarely what an investigation "
        "needs. Logged text can hold personal data: restrict and expire the destination."
    ),
    remediation=set_attr("logging_config.text_data_delivery_enabled", True),
    # prompts and completions (possibly personal data) start landing in the log destination
    fix_safety=Applicability.UNSAFE,
    references=("https://docs.aws.amazon.com/bedrock/latest/userguide/model-invocation-logging.html",
                "https://docs.aws.amazon.com/bedrock/latest/APIReference/API_LoggingConfig.html"),
    compliance={CWE: ("CWE-778",)},
    anchors=("Prowler bedrock_model_invocation_logging_text_data_enabled (runtime)",),
    examples=(
        bad("terraform", _logging(flags='''
        text_data_delivery_enabled      = false
        image_data_delivery_enabled     = false
        embedding_data_delivery_enabled = false'''), fixed='''
            resource "aws_bedrock_model_invocation_logging_configuration" "account" {
              logging_config {
                text_data_delivery_enabled      = true
                image_data_delivery_enabled     = false
                embedding_data_delivery_enabled = false

                s3_config {
                  bucket_name = aws_s3_bucket.invocation_logs.id
                  key_prefix  = "bedrock"
                }
              }
            }
        '''),
        good("terraform", _logging()),
        good("terraform", _logging(flags="")),
    ),
)

CHECKS = (
    AGENT_CMK,
    AGENT_GUARDRAIL,
    AGENT_GUARDRAIL_VERSION,
    GUARDRAIL_PROMPT_ATTACK,
    GUARDRAIL_SENSITIVE_INFORMATION,
    GUARDRAIL_CONTEXTUAL_GROUNDING,
    GUARDRAIL_CMK,
    KNOWLEDGE_BASE_CMK,
    DATA_SOURCE_CMK,
    CUSTOM_MODEL_CMK,
    INVOCATION_LOGGING_DESTINATION,
    INVOCATION_LOGGING_TEXT,
)
