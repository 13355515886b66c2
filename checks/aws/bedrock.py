"""Bedrock checks (AIP2xx): agents, guardrails, knowledge bases, custom models, invocation logging.

Attribute names: terraform-provider-aws docs for aws_bedrockagent_agent, aws_bedrock_guardrail,
aws_bedrockagent_knowledge_base, aws_bedrockagent_data_source, aws_bedrock_custom_model and
aws_bedrock_model_invocation_logging_configuration. Defaults: ../shared/research/defaults.md
section 2 (recorded in analyzer/kinds.py). Anchors: ../shared/research/anchor-checks.md sections 1, 5, 7.
"""
from __future__ import annotations

import re
from typing import Iterable

from analyzer.check import (
    Applicability,
    Check,
    Context,
    Result,
    Severity,
    Status,
    bad,
    equals,
    good,
    placeholder,
    present,
    set_attr,
    shown,
    unknown_result,
    when,
)
from analyzer.model import Resource, Unknown, Value

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
    """The repeated blocks at `path` with the canonical path of each (indexed when a list)."""
    if isinstance(value.raw, list):
        return [(f"{path}.{index}", item) for index, item in enumerate(value.raw)]
    if isinstance(value.raw, dict):
        return [(path, value)]
    return []


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
    ),
)


def _agent_guardrail(resource: Resource, context: Context) -> Iterable[Result]:
    block = resource.get("guardrail_configuration")
    if isinstance(block.raw, Unknown):
        yield unknown_result(resource, "guardrail_configuration", block)
    elif _empty(block.raw):
        yield Result(Status.FAIL, "`guardrail_configuration` is not set: no guardrail screens what users send "
                                  "the agent or what it answers", "guardrail_configuration", block.span)
    else:
        yield from present(
            "guardrail_configuration.guardrail_identifier",
            "`guardrail_configuration.guardrail_identifier` is not set: no guardrail screens what users send "
            "the agent or what it answers")(resource, context)


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
    ),
)


# `aws_bedrock_guardrail.<name>.version` is the guardrail's working draft (CreateGuardrail returns
# "DRAFT"); `aws_bedrock_guardrail_version.<name>.version` is a published, numbered version.
_DRAFT_REFERENCE = re.compile(r"aws_bedrock_guardrail\.[\w-]+(\[[^\]]*\])?\.version")
_VERSION_REFERENCE = re.compile(r"aws_bedrock_guardrail_version\.[\w-]+(\[[^\]]*\])?\.version")


def _guardrail_version_pinned(resource: Resource, context: Context) -> Iterable[Result]:
    path = "guardrail_configuration.guardrail_version"
    value = resource.get(path)
    if isinstance(value.raw, Unknown):
        expr = value.raw.expr.strip()
        if value.raw.reason == "resource" and _DRAFT_REFERENCE.fullmatch(expr):
            yield Result(Status.FAIL, f"`{path}` is `{expr}`, which is always \"DRAFT\": the working draft changes "
                                      "under the agent with every edit to the guardrail; publish an "
                                      "`aws_bedrock_guardrail_version` and use its `version`", path, value.span)
        elif value.raw.reason == "resource" and _VERSION_REFERENCE.fullmatch(expr):
            yield Result(Status.PASS, f"`{path}` is a published version", path, value.span)
        else:
            yield unknown_result(resource, path, value)
    elif isinstance(value.raw, str) and value.raw.strip().upper() == "DRAFT":
        yield Result(Status.FAIL, f"`{path}` is {shown(resource, path, value.raw)}: the working draft changes "
                                  "under the agent with every edit to the guardrail; use a published version",
                     path, value.span)
    elif not value.absent:
        yield Result(Status.PASS, f"`{path}` names a published version", path, value.span)
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
        "state. A numbered version is immutable; publish one (`aws_bedrock_guardrail_version`) "
        "and point the agent at it."
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


def _prompt_attack_filter(resource: Resource, context: Context) -> Iterable[Result]:
    policy = resource.get("content_policy_config")
    if isinstance(policy.raw, Unknown):
        yield unknown_result(resource, "content_policy_config", policy)
        return
    if _empty(policy.raw):
        yield Result(Status.FAIL, "`content_policy_config` is not set: the guardrail has no prompt attack filter",
                     "content_policy_config", policy.span)
        return
    filters_path = "content_policy_config.filters_config"
    filters = resource.get(filters_path)
    if isinstance(filters.raw, Unknown):
        yield unknown_result(resource, filters_path, filters)
        return
    unknown: Result | None = None
    for base, item in _blocks(filters, filters_path):
        kind = resource.get(f"{base}.type")
        if isinstance(item.raw, Unknown) or isinstance(kind.raw, Unknown):
            unknown = unknown or unknown_result(resource, f"{base}.type", kind if kind.unknown else item)
            continue
        if not isinstance(kind.raw, str) or kind.raw.upper() != "PROMPT_ATTACK":
            continue
        yield from _judge_prompt_attack(resource, base, item)
        return
    if unknown is not None:
        yield unknown
    else:
        yield Result(Status.FAIL, "`content_policy_config` has no `filters_config` of type \"PROMPT_ATTACK\": "
                                  "jailbreaks and prompt injection are not screened", "content_policy_config", policy.span)


def _judge_prompt_attack(resource: Resource, base: str, item: Value) -> Iterable[Result]:
    """The PROMPT_ATTACK filter found at `base`: HIGH on input, evaluated and blocking."""
    strength = resource.get(f"{base}.input_strength")
    enabled = resource.get(f"{base}.input_enabled")
    action = resource.get(f"{base}.input_action")
    for path, value in ((f"{base}.input_strength", strength), (f"{base}.input_enabled", enabled),
                        (f"{base}.input_action", action)):
        if isinstance(value.raw, Unknown):
            yield unknown_result(resource, path, value)
            return
    if enabled.raw is False:
        yield Result(Status.FAIL, "the PROMPT_ATTACK filter has `input_enabled = false`: prompts are not evaluated",
                     f"{base}.input_enabled", enabled.span)
    elif isinstance(action.raw, str) and action.raw.upper() == "NONE":
        yield Result(Status.FAIL, "the PROMPT_ATTACK filter has `input_action = \"NONE\"`: attacks are detected "
                                  "but not blocked", f"{base}.input_action", action.span)
    elif not isinstance(strength.raw, str) or strength.raw.upper() != "HIGH":
        state = f"is {shown(resource, f'{base}.input_strength', strength.raw)}" if not strength.absent else "is not set"
        yield Result(Status.FAIL, f"`input_strength` of the PROMPT_ATTACK filter {state}; it should be \"HIGH\"",
                     f"{base}.input_strength", strength.span or item.span)
    else:
        # an absent input_enabled/input_action is the service default: evaluated and blocking
        yield Result(Status.PASS, "the PROMPT_ATTACK filter blocks at HIGH strength", f"{base}.input_strength", strength.span)


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
    ),
)

GUARDRAIL_SENSITIVE_INFORMATION = Check(
    id="AIP204",
    name="bedrock-guardrail-sensitive-information-filter",
    title="Bedrock guardrails filter sensitive information",
    severity=Severity.MEDIUM,
    kinds=(GUARDRAIL,),
    rule=present("sensitive_information_policy_config",
                 "`sensitive_information_policy_config` is not set: personal data in prompts and answers is "
                 "neither blocked nor masked"),
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
    rule=present("contextual_grounding_policy_config",
                 "`contextual_grounding_policy_config` is not set: answers that are not supported by the "
                 "retrieved sources are not blocked"),
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
