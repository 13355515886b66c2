"""Training data and model artifacts, across resources (AIP455-AIP456): the S3 buckets SageMaker
and Bedrock resources read or write are not public and are encrypted with a customer key.

The checks run on each bucket of the module (or template) that an AI resource uses: a SageMaker
or Bedrock resource refers to it (`aws_s3_bucket.b.arn`, `!GetAtt B.Arn`, `${B}` in a `Fn::Sub`),
or names it in an S3 URI or ARN (`s3://training-data/...`, `arn:aws:s3:::training-data`) that
matches the bucket's literal name. A bucket outside the module is not judged (no result): its
settings are not in the code. Findings point at the bucket (where the fix goes) and name the AI
resources and the settings they rest on in their related locations.

S3 defaults (research: docs.aws.amazon.com/AmazonS3/latest/userguide/default-encryption-faq.html,
.../access-control-block-public-access.html, .../about-object-ownership.html): since January
2023 every bucket encrypts new objects with S3-managed keys (SSE-S3) when nothing else is set;
since April 2023 a new bucket has all four Block Public Access settings on and ACLs disabled
(Object Ownership BucketOwnerEnforced). So a bucket with no public access block resource is
not public; one whose `aws_s3_bucket_public_access_block` (whose arguments default to false in
the provider) or CloudFormation `PublicAccessBlockConfiguration` (absent fields are false)
turns the blocks off is.
"""
from __future__ import annotations

import re
from typing import Any, Iterable, Iterator

from analyzer.check import Check, Context, Result, Severity, Status, bad, good
from analyzer.model import Resource, Span, Unknown, Value, lookup
from checks.cross import policy as P
from checks.cross.roles import AI_PREFIXES

BUCKET = "aws.s3.bucket"
PUBLIC_ACCESS_BLOCK = "aws.s3.bucket_public_access_block"
ACCOUNT_PUBLIC_ACCESS_BLOCK = "aws.s3.account_public_access_block"
ENCRYPTION = "aws.s3.bucket_encryption"
ACL = "aws.s3.bucket_acl"
OWNERSHIP = "aws.s3.bucket_ownership_controls"
BUCKET_POLICY = "aws.s3.bucket_policy"

OWASP_ML = "owasp-ml"
OWASP_LLM = "owasp-llm"
CWE = "cwe"

PUBLIC_ACLS = {"public-read", "public-read-write", "authenticated-read",
               "publicread", "publicreadwrite", "authenticatedread"}
PUBLIC_GRANTEES = ("acs.amazonaws.com/groups/global/AllUsers", "acs.amazonaws.com/groups/global/AuthenticatedUsers")
BLOCKS = ("block_public_acls", "ignore_public_acls", "block_public_policy", "restrict_public_buckets")
CFN_BLOCKS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")


def _walk(raw: Any, path: str) -> Iterator[tuple[str, Any]]:
    if isinstance(raw, Value):
        raw = raw.raw
    if isinstance(raw, dict):
        for key, inner in raw.items():
            yield from _walk(inner, f"{path}.{key}" if path else key)
    elif isinstance(raw, list):
        for inner in raw:
            yield from _walk(inner, path)
    elif isinstance(raw, str):
        yield path, raw
    elif isinstance(raw, Unknown):
        yield path, raw.expr


def bucket_name(bucket: Resource) -> str | None:
    raw = bucket.native("BucketName" if bucket.framework == "cloudformation" else "bucket").raw
    return raw if isinstance(raw, str) and raw else None


def ai_users(bucket: Resource, context: Context) -> list[tuple[Resource, str]]:
    """The SageMaker and Bedrock resources that name the bucket, with the attribute naming it."""
    found = [(r, path) for r, path in context.referrers(bucket) if r.native_type.startswith(AI_PREFIXES)]
    name = bucket_name(bucket)
    if name:
        pattern = re.compile(rf"(?:s3://|arn:aws[\w-]*:s3:::){re.escape(name)}(?![\w.-])")
        for resource in context.resources:
            if resource.framework != bucket.framework or not resource.native_type.startswith(AI_PREFIXES) \
                    or any(resource is r for r, _ in found):
                continue
            for path, text in _walk(dict(resource.attrs), ""):
                if pattern.search(text):
                    found.append((resource, path))
                    break
    return found


def _user_hops(bucket: Resource, users: list[tuple[Resource, str]]) -> list[tuple[Span, str]]:
    return [(P.where(user, path), f"`{user.address}` uses `{bucket.address}` (`{path}`)") for user, path in users]


def _users_label(users: list[tuple[Resource, str]]) -> str:
    names = ", ".join(f"`{u.address}`" for u, _ in users[:3]) + (" and others" if len(users) > 3 else "")
    return f"used by {names}"


def _attached(bucket: Resource, context: Context, kind: str) -> list[tuple[Resource, str]]:
    found: list[tuple[Resource, str]] = []
    for resource, path in context.referrers(bucket, kinds=[kind]):
        if all(resource is not r for r, _ in found):
            found.append((resource, path))
    return found


def _flag(value: Value) -> Any:
    """A Block Public Access flag as written: absent is false (provider and CloudFormation)."""
    raw = value.raw
    if value.absent and not value.unknown:
        return False
    if isinstance(raw, str) and raw.lower() in ("true", "false"):
        return raw.lower() == "true"
    return raw


# --- public --------------------------------------------------------------------------------------


def _public_statements(doc: P.Document | None) -> list[P.Statement] | Unknown:
    if doc is None:
        return []
    if doc.unknown is not None:
        return doc.unknown
    found = []
    for statement in doc.statements:
        if statement.effect != "Allow" or statement.conditions:
            continue  # a condition (source VPC, organization, account) narrows who it is for
        principals = statement.principals
        if isinstance(principals, Unknown):
            return principals
        values: list[Any] = []
        if principals == "*":
            values = ["*"]
        elif isinstance(principals, dict):
            for key, ids in principals.items():
                if key in ("AWS", "*"):
                    values += P.as_list(ids) if isinstance(P.as_list(ids), list) else [ids]
        if any(v == "*" for v in values):
            found.append(statement)
    return found


def _public(bucket: Resource, context: Context) -> Iterable[Result]:
    users = ai_users(bucket, context)
    if not users:
        return
    related = _user_hops(bucket, users)
    label = _users_label(users)
    cfn = bucket.framework == "cloudformation"
    # what blocks public access: (acls blocked, policies blocked), each True, False or Unknown
    blocks: list[tuple[Any, Any, Span | None, str]] = []
    turned_off: list[tuple[Span | None, str]] = []
    if cfn:
        config = bucket.native("PublicAccessBlockConfiguration")
        if config.absent and not config.unknown:
            blocks.append((True, True, None, "the S3 default Block Public Access"))
        elif isinstance(config.raw, Unknown):
            blocks.append((config.raw, config.raw, None, ""))
        else:
            flags = [_flag(bucket.native(f"PublicAccessBlockConfiguration.{name}")) for name in CFN_BLOCKS]
            blocks.append((_either(flags[0], flags[1]), _either(flags[2], flags[3]), P.where(bucket, "PublicAccessBlockConfiguration"),
                           "`PublicAccessBlockConfiguration`"))
            if all(f is False for f in flags):
                turned_off.append((P.where(bucket, "PublicAccessBlockConfiguration"), "`PublicAccessBlockConfiguration`"))
        ownership = bucket.native("OwnershipControls.Rules.ObjectOwnership")
        acl = bucket.native("AccessControl")
        acl_grants = [(P.where(bucket, "AccessControl"), f"`AccessControl: {acl.raw}`")] \
            if isinstance(acl.raw, str) and acl.raw.lower() in PUBLIC_ACLS else []
    else:
        pabs = _attached(bucket, context, PUBLIC_ACCESS_BLOCK)
        accounts = list(context.by_kind.get(ACCOUNT_PUBLIC_ACCESS_BLOCK, ()))
        for pab, _ in pabs:
            flags = [_flag(pab.native(name)) for name in BLOCKS]
            blocks.append((_either(flags[0], flags[1]), _either(flags[2], flags[3]), pab.header or pab.span,
                           f"`{pab.address}`"))
            if all(f is False for f in flags):
                turned_off.append((pab.header or pab.span, f"`{pab.address}` turns every Block Public Access setting off"))
        for account in accounts:
            flags = [_flag(account.native(name)) for name in BLOCKS]
            blocks.append((_either(flags[0], flags[1]), _either(flags[2], flags[3]), account.header or account.span,
                           f"`{account.address}`"))
        if not pabs and not accounts:
            blocks.append((True, True, None, "the S3 default Block Public Access"))
        owners = _attached(bucket, context, OWNERSHIP)
        ownership = owners[0][0].native("rule.object_ownership") if owners else Value(None, None)
        acl_grants = []
        for holder in [bucket] + [r for r, _ in _attached(bucket, context, ACL)]:
            acl = holder.native("acl")
            if isinstance(acl.raw, str) and acl.raw.lower() in PUBLIC_ACLS:
                acl_grants.append((P.where(holder, "acl"), f"`{holder.address}` sets `acl = \"{acl.raw}\"`"))
            for _, text in _walk(holder.native("access_control_policy").raw, ""):
                if any(g in text for g in PUBLIC_GRANTEES):
                    acl_grants.append((P.where(holder, "access_control_policy"), f"`{holder.address}` grants to {text}"))
                    break
    acls_blocked = _any_true([b[0] for b in blocks])
    policies_blocked = _any_true([b[1] for b in blocks])
    owner = ownership.raw
    if ownership.absent and not ownership.unknown:
        owner = "BucketOwnerEnforced"  # ACLs disabled: the default since April 2023
    if owner == "BucketOwnerEnforced":
        acls_blocked = True
    elif isinstance(owner, Unknown) and acls_blocked is not True:
        acls_blocked = owner
    policy_grants: list[tuple[Span, str]] = []
    unknown: Unknown | None = None
    policies = [(r, "PolicyDocument" if cfn else "policy") for r, _ in _attached(bucket, context, BUCKET_POLICY)]
    if not cfn and "policy" in bucket.attrs:
        policies.append((bucket, "policy"))
    for holder, path in policies:
        public = _public_statements(P.document(holder, path, context))
        if isinstance(public, Unknown):
            unknown = public
            continue
        for statement in public:
            policy_grants.append((statement.span or P.where(holder, path),
                                  f"`{holder.address}` allows anyone (`Principal: \"*\"`)"))
            related += list(statement.related)
    span = P.where(bucket, "PublicAccessBlockConfiguration") if cfn and "PublicAccessBlockConfiguration" in bucket.attrs else None
    path = "PublicAccessBlockConfiguration" if span is not None else ""
    block_hops = [(s, what) for _, _, s, what in blocks if s is not None]
    if acl_grants and acls_blocked is False:
        yield Result(Status.FAIL, f"`{bucket.address}` ({label}) is public: its ACL grants read to everyone and "
                                  "nothing blocks public ACLs", path, span, tuple(acl_grants + block_hops + related))
    elif policy_grants and policies_blocked is False:
        yield Result(Status.FAIL, f"`{bucket.address}` ({label}) is public: its bucket policy allows anyone and "
                                  "nothing blocks public policies", path, span, tuple(policy_grants + block_hops + related))
    elif turned_off and not any(b[0] is True or b[1] is True for b in blocks if b[2] not in [t[0] for t in turned_off]):
        yield Result(Status.FAIL, f"`{bucket.address}` ({label}) has every Block Public Access setting turned off, so "
                                  "any public policy or ACL takes effect", path, span, tuple(turned_off + related))
    elif (acl_grants and isinstance(acls_blocked, Unknown)) or (policy_grants and isinstance(policies_blocked, Unknown)):
        what = acls_blocked if isinstance(acls_blocked, Unknown) else policies_blocked
        yield Result(Status.UNKNOWN, f"whether public access to `{bucket.address}` ({label}) is blocked: "
                                     f"`{what.expr}` cannot be resolved before deployment", path, span, tuple(related))
    elif unknown is not None and policies_blocked is not True:
        yield Result(Status.UNKNOWN, f"the bucket policy of `{bucket.address}` ({label}): `{unknown.expr}` cannot be "
                                     "resolved before deployment", path, span, tuple(related))
    else:
        yield Result(Status.PASS, f"`{bucket.address}` is not public", path, span)


def _either(a: Any, b: Any) -> Any:
    """One of two flags blocks (True), neither does (False), or it cannot be known."""
    if a is True or b is True:
        return True
    if isinstance(a, Unknown):
        return a
    if isinstance(b, Unknown):
        return b
    return False


def _any_true(flags: list[Any]) -> Any:
    if any(f is True for f in flags):
        return True
    return next((f for f in flags if isinstance(f, Unknown)), False)


# --- customer key --------------------------------------------------------------------------------


def _rules(holder: Resource, path: str, cfn: bool) -> list[tuple[Any, Any, Span | None]]:
    """(algorithm, key, span) of each default-encryption rule under `path`."""
    value = holder.native(path)
    if value.absent:
        return []
    if isinstance(value.raw, Unknown):
        return [(value.raw, value.raw, value.span)]
    items = value.raw if isinstance(value.raw, list) else [value]
    found = []
    for item in items:
        if isinstance(item.raw, Unknown):
            found.append((item.raw, item.raw, item.span))
            continue
        inner = item.raw if isinstance(item.raw, dict) else {}
        by_default = "ServerSideEncryptionByDefault" if cfn else "apply_server_side_encryption_by_default"
        algorithm = lookup(inner, f"{by_default}.{'SSEAlgorithm' if cfn else 'sse_algorithm'}")
        key = lookup(inner, f"{by_default}.{'KMSMasterKeyID' if cfn else 'kms_master_key_id'}")
        found.append((algorithm.raw, key.raw if not key.absent else None, item.span))
    return found


def _customer_key(bucket: Resource, context: Context) -> Iterable[Result]:
    users = ai_users(bucket, context)
    if not users:
        return
    related = _user_hops(bucket, users)
    label = _users_label(users)
    cfn = bucket.framework == "cloudformation"
    if cfn:
        rules = _rules(bucket, "BucketEncryption.ServerSideEncryptionConfiguration", True)
        span = P.where(bucket, "BucketEncryption") if "BucketEncryption" in bucket.attrs else None
        path = "BucketEncryption" if span is not None else ""
    else:
        rules = []
        for holder, _ in _attached(bucket, context, ENCRYPTION):
            rules += _rules(holder, "rule", False)
            related.append((holder.header or holder.span, f"default encryption `{holder.address}`"))
        rules += _rules(bucket, "server_side_encryption_configuration.rule", False)
        span, path = None, ""
    if not rules:
        yield Result(Status.FAIL, f"`{bucket.address}` ({label}) has no default encryption with a KMS key, so S3 "
                                  "encrypts its objects with S3-managed keys (SSE-S3) that no key policy controls",
                     path, span, tuple(related))
        return
    for algorithm, key, _ in rules:
        if isinstance(algorithm, Unknown):
            yield Result(Status.UNKNOWN, f"the encryption of `{bucket.address}` ({label}): `{algorithm.expr}` cannot "
                                         "be resolved before deployment", path, span, tuple(related))
            return
        if isinstance(algorithm, str) and algorithm.lower().startswith("aws:kms"):
            if isinstance(key, Unknown) and not P.is_reference(key) and not key.expr.startswith(("!Ref", "!GetAtt")):
                yield Result(Status.UNKNOWN, f"the KMS key of `{bucket.address}` ({label}): `{key.expr}` cannot be "
                                             "resolved before deployment", path, span, tuple(related))
                return
            if key not in (None, ""):
                yield Result(Status.PASS, f"`{bucket.address}` is encrypted with a customer key", path, span)
                return
    yield Result(Status.FAIL, f"`{bucket.address}` ({label}) is not encrypted with a customer-managed KMS key (SSE-S3 "
                              "or the AWS managed aws/s3 key): its key policy cannot limit who decrypts the data",
                 path, span, tuple(related))


# --- examples ------------------------------------------------------------------------------------

TF_MODEL_BUCKET = '''
    resource "aws_s3_bucket" "models" {
      bucket = "churn-models"
    }
%s
    resource "aws_sagemaker_model" "churn" {
      name               = "churn"
      execution_role_arn = "arn:aws:iam::111122223333:role/churn-model"
      primary_container {
        image          = "111122223333.dkr.ecr.us-east-1.amazonaws.com/churn:1"
        model_data_url = "s3://churn-models/churn/model.tar.gz"
      }
    }
'''

_TF_PAB_OFF = '''
    resource "aws_s3_bucket_public_access_block" "models" {
      bucket = aws_s3_bucket.models.id
    }
'''
_TF_PUBLIC_POLICY = '''
    resource "aws_s3_bucket_policy" "models" {
      bucket = aws_s3_bucket.models.id
      policy = jsonencode({
        Version   = "2012-10-17"
        Statement = [{ Effect = "Allow", Principal = "*", Action = "s3:GetObject", Resource = "${aws_s3_bucket.models.arn}/*" }]
      })
    }
'''
_TF_PAB_ON = '''
    resource "aws_s3_bucket_public_access_block" "models" {
      bucket                  = aws_s3_bucket.models.id
      block_public_acls       = true
      ignore_public_acls      = true
      block_public_policy     = true
      restrict_public_buckets = true
    }
'''

TF_KB_BUCKET = '''
    resource "aws_s3_bucket" "docs" {
      bucket = "support-docs"
    }
%s
    resource "aws_bedrockagent_data_source" "docs" {
      knowledge_base_id = "KB12345678"
      name              = "docs"
      data_source_configuration {
        type = "S3"
        s3_configuration {
          bucket_arn = aws_s3_bucket.docs.arn
        }
      }
    }
'''
_TF_SSE_KMS = '''
    resource "aws_s3_bucket_server_side_encryption_configuration" "docs" {
      bucket = aws_s3_bucket.docs.id
      rule {
        apply_server_side_encryption_by_default {
          sse_algorithm     = "aws:kms"
          kms_master_key_id = aws_kms_key.docs.arn
        }
      }
    }

    resource "aws_kms_key" "docs" {
      enable_key_rotation = true
    }
'''
_TF_SSE_S3 = '''
    resource "aws_s3_bucket_server_side_encryption_configuration" "docs" {
      bucket = aws_s3_bucket.docs.id
      rule {
        apply_server_side_encryption_by_default {
          sse_algorithm = "AES256"
        }
      }
    }
'''

CFN_DATA_SOURCE = '''
    AWSTemplateFormatVersion: "2010-09-09"
    Resources:
      DocsBucket:
        Type: AWS::S3::Bucket
        Properties:
          BucketName: support-docs
%s      DocsSource:
        Type: AWS::Bedrock::DataSource
        Properties:
          KnowledgeBaseId: KB12345678
          Name: docs
          DataSourceConfiguration:
            Type: S3
            S3Configuration:
              BucketArn: !GetAtt DocsBucket.Arn
'''
_CFN_PAB_OFF = '''          PublicAccessBlockConfiguration:
            BlockPublicAcls: false
            IgnorePublicAcls: false
            BlockPublicPolicy: false
            RestrictPublicBuckets: false
'''
_CFN_PAB_ON = '''          PublicAccessBlockConfiguration:
            BlockPublicAcls: true
            IgnorePublicAcls: true
            BlockPublicPolicy: true
            RestrictPublicBuckets: true
'''
_CFN_KMS = '''          BucketEncryption:
            ServerSideEncryptionConfiguration:
              - ServerSideEncryptionByDefault:
                  SSEAlgorithm: aws:kms
                  KMSMasterKeyID: !GetAtt DocsKey.Arn
'''
_CFN_AWS_KMS = '''          BucketEncryption:
            ServerSideEncryptionConfiguration:
              - ServerSideEncryptionByDefault:
                  SSEAlgorithm: aws:kms
'''
_CFN_KEY = '''      DocsKey:
        Type: AWS::KMS::Key
        Properties:
          EnableKeyRotation: true
'''

CFN_MODEL_BUCKET = '''
    AWSTemplateFormatVersion: "2010-09-09"
    Resources:
      ModelBucket:
        Type: AWS::S3::Bucket
        Properties:
          BucketName: churn-models
%s      ModelBucketPolicy:
        Type: AWS::S3::BucketPolicy
        Properties:
          Bucket: !Ref ModelBucket
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Principal: "*"
                Action: s3:GetObject
                Resource: !Sub "${ModelBucket.Arn}/*"
      Model:
        Type: AWS::SageMaker::Model
        Properties:
          ExecutionRoleArn: arn:aws:iam::111122223333:role/churn-model
          PrimaryContainer:
            Image: 111122223333.dkr.ecr.us-east-1.amazonaws.com/churn:1
            ModelDataUrl: s3://churn-models/churn/model.tar.gz
'''

AI_DATA_BUCKET_PUBLIC = Check(
    id="AIP455",
    name="ai-data-bucket-public",
    title="Buckets holding training data and model artifacts are not public",
    severity=Severity.HIGH,
    kinds=(BUCKET,),
    rule=_public,
    description=(
        "The bucket a SageMaker model loads its artifact from, or a Bedrock knowledge base "
        "ingests, holds the model itself or the documents it answers from. Public read leaks "
        "them; public write lets anyone replace a model artifact (a pickle runs code when it is "
        "loaded) or poison the documents an assistant cites. The check finds the buckets AI "
        "resources use (by reference or by the name in their S3 URIs) and reports a bucket "
        "whose ACL or bucket policy grants everyone access while Block Public Access does not "
        "stop it, or whose Block Public Access settings are all turned off. A bucket without a "
        "public access block resource is not public: S3 blocks public access on new buckets."
    ),
    references=("https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html",),
    compliance={OWASP_ML: ("ML02", "ML10"), OWASP_LLM: ("LLM04",), CWE: ("CWE-284",)},
    anchors=("checkov CKV2_AWS_6, CKV_AWS_20, CKV_AWS_53-56 (every bucket, no link to AI resources)",),
    examples=(
        bad("terraform", TF_MODEL_BUCKET % (_TF_PAB_OFF + _TF_PUBLIC_POLICY)),
        bad("terraform", TF_MODEL_BUCKET % _TF_PAB_OFF),
        good("terraform", TF_MODEL_BUCKET % (_TF_PAB_ON + _TF_PUBLIC_POLICY)),
        good("terraform", TF_MODEL_BUCKET % _TF_PUBLIC_POLICY),
        bad("cloudformation", CFN_DATA_SOURCE % _CFN_PAB_OFF),
        bad("cloudformation", CFN_MODEL_BUCKET % _CFN_PAB_OFF.replace("BlockPublicAcls: false", "BlockPublicAcls: true")
            .replace("IgnorePublicAcls: false", "IgnorePublicAcls: true")),
        good("cloudformation", CFN_DATA_SOURCE % _CFN_PAB_ON),
        good("cloudformation", CFN_MODEL_BUCKET % ""),
    ),
)

AI_DATA_BUCKET_CMK = Check(
    id="AIP456",
    name="ai-data-bucket-cmk",
    title="Buckets holding training data and model artifacts are encrypted with a customer-managed KMS key",
    severity=Severity.MEDIUM,
    kinds=(BUCKET,),
    rule=_customer_key,
    description=(
        "S3 encrypts every object, but with S3-managed keys (the default) or the AWS managed "
        "aws/s3 key anyone with S3 read permission can decrypt. A customer-managed key adds a "
        "second lock whose key policy says who may read training data and model artifacts, "
        "logs every use in CloudTrail, and can be disabled to cut access at once. The check "
        "reads the default encryption of the buckets SageMaker and Bedrock resources use "
        "(`aws_s3_bucket_server_side_encryption_configuration`, CloudFormation `BucketEncryption`)."
    ),
    references=("https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html",),
    compliance={OWASP_ML: ("ML02",), CWE: ("CWE-311",)},
    anchors=("checkov CKV_AWS_145 (every bucket, no link to AI resources)",),
    examples=(
        bad("terraform", TF_KB_BUCKET % ""),
        bad("terraform", TF_KB_BUCKET % _TF_SSE_S3),
        good("terraform", TF_KB_BUCKET % _TF_SSE_KMS),
        bad("cloudformation", CFN_DATA_SOURCE % ""),
        bad("cloudformation", CFN_DATA_SOURCE % _CFN_AWS_KMS),
        good("cloudformation", CFN_DATA_SOURCE % _CFN_KMS + _CFN_KEY),
    ),
)

CHECKS: tuple[Check, ...] = (AI_DATA_BUCKET_PUBLIC, AI_DATA_BUCKET_CMK)

