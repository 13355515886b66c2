"""Model invocation logging for a module that uses Bedrock (AIP460), Terraform only.

Bedrock model invocation logging is one setting per account and region
(`aws_bedrock_model_invocation_logging_configuration`); CloudFormation has no resource type for
it, so templates are not judged. The check runs on the Terraform-only Bedrock types (custom
models, agent action groups, agent knowledge base associations, provisioned throughput): a check
on agents, knowledge bases or guardrails would have to judge their CloudFormation twins too,
which cannot say. One finding per module, on its first such resource.
"""
from __future__ import annotations

from typing import Iterable

from analyzer.check import Check, Context, Result, Severity, Status, bad, good
from analyzer.model import Resource

LOGGING = "aws.bedrock.model_invocation_logging"
ANCHORS = ("aws.bedrock.custom_model", "aws.bedrock.agent_action_group",
           "aws.bedrock.agent_knowledge_base_association", "aws.bedrock.provisioned_model_throughput")


def _logging(resource: Resource, context: Context) -> Iterable[Result]:
    if context.by_kind.get(LOGGING):
        yield Result(Status.PASS, "the module configures model invocation logging", "", None)
        return
    first = min((r for kind in ANCHORS for r in context.by_kind.get(kind, ())), key=lambda r: r.address)
    if first is not resource:
        return
    users = [r for r in context.resources if r.framework == "terraform" and r.native_type.startswith("aws_bedrock")]
    names = ", ".join(f"`{r.address}`" for r in users[:4]) + (" and others" if len(users) > 4 else "")
    yield Result(Status.FAIL, f"the module uses Bedrock ({names}) but declares no "
                              "`aws_bedrock_model_invocation_logging_configuration`: prompts and responses are not "
                              "logged unless another configuration of this account and region enables it", "", None,
                 tuple((r.header or r.span, f"`{r.address}` uses Bedrock") for r in users if r is not resource))


TF = '''
    resource "aws_bedrockagent_agent" "support" {
      agent_name              = "support"
      agent_resource_role_arn = "arn:aws:iam::111122223333:role/support-agent"
      foundation_model        = "anthropic.claude-3-5-sonnet-20240620-v1:0"
    }

    resource "aws_bedrockagent_agent_action_group" "orders" {
      action_group_name = "orders"
      agent_id          = aws_bedrockagent_agent.support.agent_id
      agent_version     = "DRAFT"
      action_group_executor {
        lambda = "arn:aws:lambda:us-east-1:111122223333:function:orders"
      }
    }
%s'''
_LOGGING = '''
    resource "aws_bedrock_model_invocation_logging_configuration" "this" {
      logging_config {
        text_data_delivery_enabled = true
        cloudwatch_config {
          log_group_name = "/bedrock/invocations"
          role_arn       = "arn:aws:iam::111122223333:role/bedrock-logging"
        }
      }
    }
'''

BEDROCK_INVOCATION_LOGGING_ABSENT = Check(
    id="AIP460",
    name="bedrock-invocation-logging-absent",
    title="A module that uses Bedrock configures model invocation logging",
    severity=Severity.LOW,
    kinds=ANCHORS,
    rule=_logging,
    description=(
        "Without model invocation logging there is no record of the prompts sent to Bedrock "
        "models and what they answered: prompt injection, data leaks through answers and abuse "
        "of an agent cannot be investigated afterwards. Logging is one setting per account and "
        "region, so a module may rely on a baseline configured elsewhere; the finding says so and "
        "is low severity. Terraform only: CloudFormation has no resource type for it."
    ),
    references=("https://docs.aws.amazon.com/bedrock/latest/userguide/model-invocation-logging.html",),
    compliance={"owasp-llm": ("LLM10",), "cwe": ("CWE-778",)},
    anchors=("Prowler bedrock_model_invocation_logging_enabled (runtime)",),
    examples=(
        bad("terraform", TF % ""),
        good("terraform", TF % _LOGGING),
    ),
)

CHECKS: tuple[Check, ...] = (BEDROCK_INVOCATION_LOGGING_ABSENT,)
