"""IAM of AI workloads, across resources (AIP450-AIP452): what the roles SageMaker and Bedrock
run as may do, roles shared between agents or domains, Bedrock invocation without a guardrail.

The checks run on every place a grant is written (a role, an inline or managed policy, an
attachment of an AWS managed policy) and follow the context graph to the roles it reaches and
from each role to the SageMaker and Bedrock resources that run as it (checks/cross/roles.py), so
a finding points at the grant and names every hop in its related locations. A role counts as an
AI execution role when a SageMaker or Bedrock resource of the module (or template) names it, or
when its trust policy lets sagemaker.amazonaws.com or bedrock.amazonaws.com assume it (a role
used by pipeline code or another stack).
"""
from __future__ import annotations

from typing import Iterable

from analyzer.check import Check, Context, Result, Severity, Status, bad, good
from analyzer.model import Resource, Span, Unknown
from checks.cross import policy as P
from checks.cross import roles as R

OWASP_LLM = "owasp-llm"
OWASP_ML = "owasp-ml"
CWE = "cwe"

# AWS managed policies that give an AI role far more than its job: every action, or a whole AI
# service or S3 on every resource
BROAD_MANAGED = {
    "administratoraccess": "every action on every resource",
    "poweruseraccess": "every action but IAM and Organizations on every resource",
    "iamfullaccess": "every IAM action, including iam:PassRole and creating administrators",
    "amazonsagemakerfullaccess": "every SageMaker action on every resource",
    "amazonbedrockfullaccess": "every Bedrock action on every resource",
    "amazons3fullaccess": "every S3 action on every bucket",
}
BROAD_SERVICES = ("sagemaker", "bedrock", "s3")
INVOKE_ACTIONS = ("bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream")
GUARDRAIL_KEY = "bedrock:guardrailidentifier"


def _unknown(span: Span | None, path: str, what: Unknown, message: str,
             related: Iterable[tuple[Span, str]] = ()) -> Result:
    first = what.expr.splitlines()[0] if what.expr else "?"
    return Result(Status.UNKNOWN, f"{message}: `{first}` cannot be resolved before deployment", path, span,
                  tuple(related))


def broad_grants(statement: P.Statement) -> list[str] | Unknown:
    """What an Allow statement grants that an AI execution role should not have: `*`, a whole
    AI service or S3 on every resource, iam:PassRole on every role, or NotAction on every resource."""
    if isinstance(statement.effect, Unknown):
        return statement.effect
    if statement.effect != "Allow":
        return []
    reach = P.reaches_any_resource(statement)
    if reach is False:
        return []
    found: list[str] = []
    if statement.not_actions is not None:
        found.append("every action but those in `NotAction`")
    else:
        unknown = P.unknown_in(statement.actions)
        if unknown is not None:
            return unknown
        keys = P.condition_keys(statement)
        for pattern in statement.actions or ():
            if not isinstance(pattern, str):
                continue
            if pattern.strip() in ("*", "*:*"):
                found.append(f"`{pattern}`")
            elif any(P.covers_service(pattern, service) for service in BROAD_SERVICES):
                found.append(f"`{pattern}`")
            elif P.action_matches(pattern, "iam:PassRole"):
                # the pattern AWS documents: PassRole limited to the service it is passed to
                if isinstance(keys, Unknown) or "iam:passedtoservice" not in keys:
                    found.append(f"`{pattern}`" if pattern.lower() == "iam:passrole"
                                 else f"`{pattern}` (iam:PassRole)")
    if found and isinstance(reach, Unknown):
        return reach
    return found


def _holder_path(holder: Resource, doc: P.Document, statement: P.Statement | None = None) -> tuple[str, Span | None]:
    if statement is not None and holder.framework == "cloudformation":
        return statement.path, statement.span
    path = doc.path
    if path.startswith("inline_policy.0."):
        path = "inline_policy.policy"
    return path, doc.span


def _overprivileged(holder: Resource, context: Context) -> Iterable[Result]:
    reached = []
    for role, hops in R.roles_of(holder, context):
        found = R.ai_role(role, context)
        if found is not None:
            reached.append((role, hops, found))
    if not reached:
        return
    related: list[tuple[Span, str]] = []
    for role, hops, (users, services) in reached:
        related += list(hops) + R.role_hops(role, users, services, context)
    labels = "; ".join(R.role_label(role, users, services) for role, _, (users, services) in reached)
    failed = False
    for doc in R.documents(holder, context):
        path, span = _holder_path(holder, doc)
        if doc.unknown is not None:
            yield _unknown(span, path, doc.unknown, f"the policy reaching {labels} cannot be read", related)
            continue
        for statement in doc.statements:
            grants = broad_grants(statement)
            path, span = _holder_path(holder, doc, statement)
            hops = tuple(doc.related) + tuple(statement.related) + tuple(related)
            if isinstance(grants, Unknown):
                yield _unknown(span, path, grants, f"what the policy reaching {labels} allows", hops)
            elif grants:
                failed = True
                yield Result(Status.FAIL, f"the policy allows {', '.join(grants)} on every resource to {labels}",
                             path, span, hops)
    for path, name, span in R.managed_arns(holder, context):
        if isinstance(name, Unknown):
            yield _unknown(span, path, name, f"a managed policy attached to {labels}", related)
        elif name.lower() in BROAD_MANAGED:
            failed = True
            yield Result(Status.FAIL, f"the AWS managed policy `{name}` ({BROAD_MANAGED[name.lower()]}) is attached "
                                      f"to {labels}", path, span, tuple(related))
    if not failed:
        yield Result(Status.PASS, f"no broad grant to {labels}", "", None)


# --- examples ------------------------------------------------------------------------------------

_TF_TRUST = '''
    data "aws_iam_policy_document" "sagemaker_trust" {
      statement {
        actions = ["sts:AssumeRole"]
        principals {
          type        = "Service"
          identifiers = ["sagemaker.amazonaws.com"]
        }
      }
    }
'''

TF_NOTEBOOK_POLICY_DOCUMENT = '''
    resource "aws_sagemaker_notebook_instance" "research" {
      name          = "research"
      instance_type = "ml.t3.medium"
      role_arn      = aws_iam_role.notebook.arn
    }

    resource "aws_iam_role" "notebook" {
      name               = "research-notebook"
      assume_role_policy = data.aws_iam_policy_document.sagemaker_trust.json
    }
''' + _TF_TRUST + '''
    data "aws_iam_policy_document" "notebook" {
      statement {
        actions   = [%s]
        resources = [%s]
      }
    }

    resource "aws_iam_policy" "notebook" {
      name   = "research-notebook"
      policy = data.aws_iam_policy_document.notebook.json
    }

    resource "aws_iam_role_policy_attachment" "notebook" {
      role       = aws_iam_role.notebook.name
      policy_arn = aws_iam_policy.notebook.arn
    }
'''

TF_AGENT_INLINE = '''
    resource "aws_bedrockagent_agent" "support" {
      agent_name              = "support"
      agent_resource_role_arn = aws_iam_role.agent.arn
      foundation_model        = "anthropic.claude-3-5-sonnet-20240620-v1:0"
    }

    resource "aws_iam_role" "agent" {
      name = "support-agent"
      assume_role_policy = jsonencode({
        Version   = "2012-10-17"
        Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "bedrock.amazonaws.com" } }]
      })

      inline_policy {
        name = "agent"
        policy = jsonencode({
          Version   = "2012-10-17"
          Statement = [{ Effect = "Allow", Action = %s, Resource = %s }]
        })
      }
    }

    resource "aws_s3_bucket" "kb" {
      bucket = "support-kb"
    }
'''

TF_ROLE_POLICY = '''
    resource "aws_sagemaker_model" "churn" {
      name               = "churn"
      execution_role_arn = aws_iam_role.model.arn
      primary_container {
        image = "111122223333.dkr.ecr.us-east-1.amazonaws.com/churn:1"
      }
    }

    resource "aws_iam_role" "model" {
      name               = "churn-model"
      assume_role_policy = data.aws_iam_policy_document.sagemaker_trust.json
    }
''' + _TF_TRUST + '''
    resource "aws_iam_role_policy" "model" {
      role = aws_iam_role.model.id
      policy = jsonencode({
        Version = "2012-10-17"
        Statement = [
          { Effect = "Allow", Action = ["s3:GetObject"], Resource = "${aws_s3_bucket.models.arn}/*" },
          { Effect = "Allow", Action = ["iam:PassRole"], Resource = "*"%s },
        ]
      })
    }

    resource "aws_s3_bucket" "models" {
      bucket = "churn-models"
    }
'''

TF_MANAGED_ATTACHMENT = '''
    resource "aws_iam_role" "pipeline" {
      name               = "training-pipeline"
      assume_role_policy = data.aws_iam_policy_document.sagemaker_trust.json
    }
''' + _TF_TRUST + '''
    resource "aws_iam_role_policy_attachment" "pipeline" {
      role       = aws_iam_role.pipeline.name
      policy_arn = "arn:aws:iam::aws:policy/%s"
    }
'''

CFN_NOTEBOOK_POLICY = '''
    AWSTemplateFormatVersion: "2010-09-09"
    Resources:
      Notebook:
        Type: AWS::SageMaker::NotebookInstance
        Properties:
          InstanceType: ml.t3.medium
          RoleArn: !GetAtt NotebookRole.Arn
      NotebookRole:
        Type: AWS::IAM::Role
        Properties:
          AssumeRolePolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Principal:
                  Service: sagemaker.amazonaws.com
                Action: sts:AssumeRole
      NotebookPolicy:
        Type: AWS::IAM::Policy
        Properties:
          PolicyName: notebook
          Roles:
            - !Ref NotebookRole
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action:
                  - %s
                Resource: %s
      DataBucket:
        Type: AWS::S3::Bucket
'''

CFN_AGENT_ROLE = '''
    AWSTemplateFormatVersion: "2010-09-09"
    Resources:
      Agent:
        Type: AWS::Bedrock::Agent
        Properties:
          AgentName: support
          AgentResourceRoleArn: !GetAtt AgentRole.Arn
          FoundationModel: anthropic.claude-3-5-sonnet-20240620-v1:0
      AgentRole:
        Type: AWS::IAM::Role
        Properties:
          AssumeRolePolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Principal:
                  Service: bedrock.amazonaws.com
                Action: sts:AssumeRole
%s'''

_CFN_MANAGED = '''          ManagedPolicyArns:
            - !Sub arn:${AWS::Partition}:iam::aws:policy/%s
'''
_CFN_INLINE = '''          Policies:
            - PolicyName: agent
              PolicyDocument:
                Version: "2012-10-17"
                Statement:
                  - Effect: Allow
                    Action: %s
                    Resource: "%s"
'''

_MODEL_ARN = "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0"

AI_ROLE_OVERPRIVILEGED = Check(
    id="AIP450",
    name="ai-role-overprivileged",
    title="Roles that SageMaker and Bedrock run as are not granted whole services, PassRole or `*` on every resource",
    severity=Severity.HIGH,
    kinds=R.HOLDERS,
    rule=_overprivileged,
    description=(
        "A notebook, Studio domain, model, pipeline, Bedrock agent or knowledge base acts with "
        "every permission of its execution role, and what runs there (notebook users, training "
        "code, third-party containers, an agent steered by a prompt) can use all of it. A role "
        "allowed `sagemaker:*`, `bedrock:*` or `s3:*` on every resource, `iam:PassRole` on every "
        "role, or `*`, or given AmazonSageMakerFullAccess, AmazonBedrockFullAccess or "
        "AdministratorAccess, turns one compromised notebook or prompt injection into control of "
        "every model, bucket and role of the account. The check follows every way a policy "
        "reaches a role (inline blocks, separate inline policies, managed policies and their "
        "attachments, policy documents built by `aws_iam_policy_document`, CloudFormation "
        "policies listing the role) and reports the grant where it is written. A policy it "
        "cannot read (a variable) is unknown, not a failure. Deny statements and permission "
        "boundaries are not subtracted."
    ),
    references=("https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-roles.html",
                "https://docs.aws.amazon.com/bedrock/latest/userguide/agents-permissions.html"),
    compliance={OWASP_LLM: ("LLM06",), OWASP_ML: ("ML06",), CWE: ("CWE-250",)},
    anchors=("checkov CKV2_AWS_68 (reads an argument aws_iam_role does not have in Terraform and the trust "
             "policy in CloudFormation, so it never judges a real permission policy)",
             "Prowler bedrock_full_access_policy_attached (runtime)",
             "checkov CKV_AWS_62/CKV_AWS_63 (any policy with Action `*`)"),
    examples=(
        bad("terraform", TF_NOTEBOOK_POLICY_DOCUMENT % ('"sagemaker:*"', '"*"')),
        bad("terraform", TF_AGENT_INLINE % ('"*"', '"*"')),
        bad("terraform", TF_ROLE_POLICY % ""),
        bad("terraform", TF_MANAGED_ATTACHMENT % "AmazonSageMakerFullAccess"),
        good("terraform", TF_NOTEBOOK_POLICY_DOCUMENT % ('"sagemaker:DescribeNotebookInstance", "s3:GetObject"',
                                                         '"arn:aws:s3:::research-data/*"')),
        good("terraform", TF_AGENT_INLINE % ('"bedrock:InvokeModel"', f'"{_MODEL_ARN}"')),
        good("terraform", TF_ROLE_POLICY % ''',
            Condition = { StringEquals = { "iam:PassedToService" = "sagemaker.amazonaws.com" } }'''),
        good("terraform", TF_MANAGED_ATTACHMENT % "AmazonSageMakerReadOnly"),
        bad("cloudformation", CFN_NOTEBOOK_POLICY % ("sagemaker:*", '"*"')),
        bad("cloudformation", CFN_AGENT_ROLE % (_CFN_MANAGED % "AmazonBedrockFullAccess")),
        bad("cloudformation", CFN_AGENT_ROLE % (_CFN_INLINE % ('"s3:*"', "*"))),
        good("cloudformation", CFN_NOTEBOOK_POLICY % ("s3:GetObject", '!Sub "${DataBucket.Arn}/*"')),
        good("cloudformation", CFN_AGENT_ROLE % (_CFN_INLINE % ("bedrock:InvokeModel", _MODEL_ARN))),
    ),
)


# --- one role, several agents or domains -------------------------------------------------------

SHARING_TYPES = ("aws_bedrockagent_agent", "AWS::Bedrock::Agent", "aws_sagemaker_domain", "AWS::SageMaker::Domain")


def _shared(role: Resource, context: Context) -> Iterable[Result]:
    users: dict[str, tuple[Resource, str]] = {}
    for user, path in context.referrers(role, kinds=SHARING_TYPES):
        users.setdefault(user.address, (user, path))
    if len(users) < 2:
        if users:
            yield Result(Status.PASS, f"`{role.address}` serves one agent or domain", "", None)
        return
    names = ", ".join(f"`{a}`" for a in users)
    related = tuple((P.where(user, path), f"`{user.address}` runs as `{role.address}`") for user, path in users.values())
    yield Result(Status.FAIL, f"`{role.address}` is the execution role of {names}: each agent or domain should have "
                              "a role of its own", "", None, related)


TF_SHARED = '''
    resource "aws_iam_role" "agents" {
      name = "agents"
      assume_role_policy = jsonencode({
        Version   = "2012-10-17"
        Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "bedrock.amazonaws.com" } }]
      })
    }

    resource "aws_iam_role" "billing" {
      name = "billing-agent"
      assume_role_policy = jsonencode({
        Version   = "2012-10-17"
        Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "bedrock.amazonaws.com" } }]
      })
    }

    resource "aws_bedrockagent_agent" "support" {
      agent_name              = "support"
      agent_resource_role_arn = aws_iam_role.agents.arn
      foundation_model        = "anthropic.claude-3-5-sonnet-20240620-v1:0"
    }

    resource "aws_bedrockagent_agent" "billing" {
      agent_name              = "billing"
      agent_resource_role_arn = aws_iam_role.%s.arn
      foundation_model        = "anthropic.claude-3-5-sonnet-20240620-v1:0"
    }
'''

CFN_SHARED = '''
    AWSTemplateFormatVersion: "2010-09-09"
    Parameters:
      VpcId:
        Type: AWS::EC2::VPC::Id
      SubnetId:
        Type: AWS::EC2::Subnet::Id
    Resources:
      StudioRole:
        Type: AWS::IAM::Role
        Properties:
          AssumeRolePolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Principal:
                  Service: sagemaker.amazonaws.com
                Action: sts:AssumeRole
      ResearchRole:
        Type: AWS::IAM::Role
        Properties:
          AssumeRolePolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Principal:
                  Service: sagemaker.amazonaws.com
                Action: sts:AssumeRole
      Studio:
        Type: AWS::SageMaker::Domain
        Properties:
          DomainName: studio
          AuthMode: IAM
          VpcId: !Ref VpcId
          SubnetIds: [!Ref SubnetId]
          DefaultUserSettings:
            ExecutionRole: !GetAtt StudioRole.Arn
      Research:
        Type: AWS::SageMaker::Domain
        Properties:
          DomainName: research
          AuthMode: IAM
          VpcId: !Ref VpcId
          SubnetIds: [!Ref SubnetId]
          DefaultUserSettings:
            ExecutionRole: !GetAtt %s.Arn
'''

AI_ROLE_SHARED = Check(
    id="AIP451",
    name="ai-role-shared",
    title="Each Bedrock agent and SageMaker domain has an execution role of its own",
    severity=Severity.MEDIUM,
    kinds=(R.ROLE,),
    rule=_shared,
    description=(
        "Agents and Studio domains serving different teams or customers should not share an "
        "execution role: the role must then hold the union of their permissions, so a prompt "
        "injection in one agent reaches the other's tools and data, CloudTrail cannot tell them "
        "apart, and narrowing one breaks the other. Give each agent and each domain its own role."
    ),
    references=("https://docs.aws.amazon.com/bedrock/latest/userguide/agents-permissions.html",
                "https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-roles.html"),
    compliance={OWASP_LLM: ("LLM06",), CWE: ("CWE-250",)},
    anchors=("Prowler and Mondoo (runtime role reuse checks)",),
    examples=(
        bad("terraform", TF_SHARED % "agents"),
        good("terraform", TF_SHARED % "billing"),
        bad("cloudformation", CFN_SHARED % "StudioRole"),
        good("cloudformation", CFN_SHARED % "ResearchRole"),
    ),
)


# --- Bedrock invocation without a guardrail condition -------------------------------------------


def _bedrock_service_role(role: Resource, context: Context) -> bool:
    """A role only Bedrock assumes (an agent's, a knowledge base's): Bedrock applies the agent's
    own guardrail configuration, so its role is not where the condition belongs."""
    services = R.trusted_services(role, context)
    users = R.ai_users(role, context)
    return (bool(services) and services <= {"bedrock.amazonaws.com"}) or (
        bool(users) and all(u.native_type.startswith(("aws_bedrock", "AWS::Bedrock::")) for u, _ in users))


def _unguarded_invoke(holder: Resource, context: Context) -> Iterable[Result]:
    reached = R.roles_of(holder, context)
    if reached and all(_bedrock_service_role(role, context) for role, _ in reached):
        return
    related: list[tuple[Span, str]] = []
    for role, hops in reached:
        related += list(hops) + [(role.header or role.span, f"role `{role.address}`")]
    judged = False
    for doc in R.documents(holder, context):
        path, span = _holder_path(holder, doc)
        if doc.unknown is not None:
            continue  # AIP450 reports the policies it cannot read on AI roles
        for statement in doc.statements:
            if statement.effect != "Allow" or statement.actions is None:
                continue
            unknown = P.unknown_in(statement.actions)
            if unknown is not None:
                continue  # actions from a variable: no explicit Bedrock grant to judge
            invoke = [a for a in statement.actions if isinstance(a, str) and a.lower().startswith("bedrock:")
                      and any(P.action_matches(a, action) for action in INVOKE_ACTIONS)]
            if not invoke:
                continue
            judged = True
            path, span = _holder_path(holder, doc, statement)
            hops = tuple(doc.related) + tuple(statement.related) + tuple(related)
            keys = P.condition_keys(statement)
            if isinstance(keys, Unknown):
                yield _unknown(span, path, keys, "the condition of a Bedrock invoke grant", hops)
            elif GUARDRAIL_KEY not in keys:
                yield Result(Status.FAIL, f"the policy allows {', '.join(f'`{a}`' for a in invoke)} without a "
                                          "`bedrock:GuardrailIdentifier` condition, so callers may invoke models "
                                          "with no guardrail", path, span, hops)
            else:
                yield Result(Status.PASS, "Bedrock invocation requires a guardrail", path, span)
    for path, name, span in R.managed_arns(holder, context):
        if isinstance(name, str) and name.lower() == "amazonbedrockfullaccess":
            judged = True
            yield Result(Status.FAIL, "the AWS managed policy `AmazonBedrockFullAccess` allows `bedrock:InvokeModel` "
                                      "without a `bedrock:GuardrailIdentifier` condition", path, span, tuple(related))
    if not judged:
        return


TF_APP_INVOKE = '''
    resource "aws_iam_role" "chat_api" {
      name = "chat-api"
      assume_role_policy = jsonencode({
        Version   = "2012-10-17"
        Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }]
      })
    }

    data "aws_iam_policy_document" "invoke" {
      statement {
        actions   = ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"]
        resources = ["%s"]%s
      }
    }

    resource "aws_iam_role_policy" "invoke" {
      role   = aws_iam_role.chat_api.id
      policy = data.aws_iam_policy_document.invoke.json
    }
'''
_TF_GUARDRAIL_CONDITION = '''

        condition {
          test     = "StringEquals"
          variable = "bedrock:GuardrailIdentifier"
          values   = ["arn:aws:bedrock:us-east-1:111122223333:guardrail/abc123:1"]
        }'''

CFN_APP_INVOKE = '''
    AWSTemplateFormatVersion: "2010-09-09"
    Resources:
      ChatApiRole:
        Type: AWS::IAM::Role
        Properties:
          AssumeRolePolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Principal:
                  Service: lambda.amazonaws.com
                Action: sts:AssumeRole
      InvokePolicy:
        Type: AWS::IAM::ManagedPolicy
        Properties:
          Roles:
            - !Ref ChatApiRole
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: bedrock:*
                Resource: "*"%s
'''
_CFN_GUARDRAIL_CONDITION = '''
                Condition:
                  StringEquals:
                    bedrock:GuardrailIdentifier: arn:aws:bedrock:us-east-1:111122223333:guardrail/abc123:1'''

BEDROCK_INVOKE_WITHOUT_GUARDRAIL = Check(
    id="AIP452",
    name="bedrock-invoke-without-guardrail-condition",
    title="Policies that allow invoking Bedrock models require a guardrail (`bedrock:GuardrailIdentifier`)",
    severity=Severity.MEDIUM,
    kinds=R.HOLDERS,
    rule=_unguarded_invoke,
    description=(
        "A guardrail protects only the calls that name it: an application role allowed "
        "`bedrock:InvokeModel` (or `bedrock:*`) without a `bedrock:GuardrailIdentifier` "
        "condition can call the model directly, skipping the content filters, denied topics and "
        "PII masking the guardrail was built for. The check reads identity policies that name "
        "Bedrock actions explicitly (not `*`, which AIP450 reports on AI roles) and skips roles "
        "only Bedrock assumes (agents and knowledge bases, whose guardrail is configured on the "
        "agent). Policies attached to users and groups are not read yet."
    ),
    references=("https://docs.aws.amazon.com/bedrock/latest/userguide/guardrails-permissions-id.html",),
    compliance={OWASP_LLM: ("LLM01", "LLM02")},
    anchors=("Datadog def-000-3h3 (runtime)",),
    examples=(
        bad("terraform", TF_APP_INVOKE % (_MODEL_ARN, "")),
        good("terraform", TF_APP_INVOKE % (_MODEL_ARN, _TF_GUARDRAIL_CONDITION)),
        bad("cloudformation", CFN_APP_INVOKE % ""),
        good("cloudformation", CFN_APP_INVOKE % _CFN_GUARDRAIL_CONDITION),
    ),
)

CHECKS: tuple[Check, ...] = (AI_ROLE_OVERPRIVILEGED, AI_ROLE_SHARED, BEDROCK_INVOKE_WITHOUT_GUARDRAIL)
