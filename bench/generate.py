#!/usr/bin/env python3
"""Generate a deterministic, realistic multi-framework infrastructure-as-code monorepo.

    python bench/generate.py OUT_DIR [--files N] [--seed S]
    python bench/generate.py --check OUT_DIR [--files N] [--seed S]

The tree looks like an ML platform team's monorepo: Terraform modules, services and environment
stacks (HCL, Terraform JSON and a CDK for Terraform app), CloudFormation (YAML with short-form
intrinsics, JSON, SAM), Bicep projects with modules, and ARM templates. It holds SageMaker,
Bedrock, Azure OpenAI / AI Services / Machine Learning / AI Search resources among many ordinary
ones (buckets, IAM, KMS, networks, functions), with a mix of good and bad settings so that
scanners have findings. About 60% of the files are Terraform, 25% CloudFormation and 15% Bicep or
ARM; files are 20 to 800 lines long. The same N and seed always give byte-identical files.

`--check` generates, then verifies: the output is deterministic, every JSON file parses, every
YAML file parses (with PyYAML, if importable), every .tf file parses (with python-hcl2, if
importable), Bicep brackets balance, and line counts and shares are in range.

Standard library only (PyYAML and python-hcl2 are optional, for --check).
"""
from __future__ import annotations

import argparse
import json
import posixpath
import random
import re
import sys
import time
from pathlib import Path

DEFAULT_FILES = 3000
MIN_LINES, MAX_LINES = 20, 800

# (framework, variant, share of all files); ARM takes whatever is left.
SHARES = (
    ("terraform", "hcl", 0.49),
    ("terraform", "json", 0.05),
    ("terraform", "cdktf", 0.06),
    ("cloudformation", "yaml", 0.14),
    ("cloudformation", "json", 0.05),
    ("cloudformation", "sam", 0.06),
    ("bicep", "bicep", 0.10),
)

TEAMS = ("fraud", "recs", "search", "risk", "pricing", "vision", "nlp", "forecast", "churn", "ads",
         "support", "genai", "docs", "speech", "ranking", "growth", "claims", "credit", "ops", "media")
SERVICES = ("training", "inference", "feature-store", "labeling", "monitoring", "notebooks",
            "pipeline", "batch", "realtime", "platform", "data", "serving", "experiments", "rag")
WORDS = ("training", "inference", "features", "raw", "curated", "models", "artifacts", "logs",
         "analytics", "ingest", "scoring", "embeddings", "datasets", "reports", "archive", "staging",
         "predictions", "labels", "exports", "snapshots", "audit", "metrics", "batch", "stream")
INSTANCE_TYPES = ("ml.t3.medium", "ml.t3.large", "ml.m5.xlarge", "ml.c5.2xlarge", "ml.g4dn.xlarge",
                  "ml.g5.2xlarge", "ml.p3.2xlarge", "ml.m5.large")
FOUNDATION_MODELS = ("anthropic.claude-3-haiku-20240307-v1:0", "anthropic.claude-3-5-sonnet-20240620-v1:0",
                     "amazon.titan-text-express-v1", "meta.llama3-8b-instruct-v1:0")
OPENAI_MODELS = (("gpt-4o", "2024-05-13"), ("gpt-4o-mini", "2024-07-18"), ("gpt-35-turbo", "0125"),
                 ("text-embedding-3-large", "1"), ("text-embedding-ada-002", "2"))


def size_target(rng: random.Random) -> int:
    """Lines for one file: log-uniform-ish between MIN and MAX, skewed towards small files."""
    u = rng.random() ** 2.2
    lines = int(MIN_LINES * (MAX_LINES / MIN_LINES) ** u)
    return max(MIN_LINES, min(lines, MAX_LINES - 100))  # room for the last block to overshoot


def slug(*parts: str) -> str:
    return "-".join(p for p in parts if p)


def line_count(text: str) -> int:
    return text.count("\n") + (0 if text.endswith("\n") else 1)


# =================================================================================================
# Terraform: a tiny block model written out as HCL or as Terraform JSON
# =================================================================================================

class Expr(str):
    """A Terraform expression: bare in HCL, "${...}" in Terraform JSON."""


class Bare(str):
    """Bare in HCL, a plain string in Terraform JSON (type constraints, depends_on, ignore_changes)."""


class Heredoc(str):
    """A multi-line string: an indented heredoc in HCL, a plain string in Terraform JSON."""


class JsonEncode:
    """jsonencode({...}) in HCL, a JSON document string in Terraform JSON."""

    def __init__(self, value):
        self.value = value


class Comment(str):
    """A `#` comment line in HCL; dropped in JSON."""


class Block:
    def __init__(self, type_: str, labels=(), body=None):
        self.type = type_
        self.labels = tuple(labels)
        self.body = list(body or [])  # (key, value) pairs, nested Blocks and Comments


HCL_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


def hcl_str(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def hcl_val(v, ind: int) -> str:
    pad = "  " * ind
    if isinstance(v, (Expr, Bare)):
        return str(v)
    if isinstance(v, Heredoc):
        body = "\n".join(pad + "  " + line if line else "" for line in v.rstrip("\n").split("\n"))
        return "<<-EOT\n" + body + "\n" + pad + "EOT"
    if isinstance(v, JsonEncode):
        return "jsonencode(" + hcl_val(v.value, ind) + ")"
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return "null"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, str):
        return hcl_str(v)
    if isinstance(v, dict):
        if not v:
            return "{}"
        keys = [k if HCL_IDENT.match(k) else hcl_str(k) for k in v]
        width = max(len(k) for k in keys)
        lines = ["{"]
        for k, val in zip(keys, v.values()):
            lines.append(f"{pad}  {k.ljust(width)} = {hcl_val(val, ind + 1)}")
        return "\n".join(lines) + "\n" + pad + "}"
    if isinstance(v, list):
        items = [hcl_val(x, ind + 1) for x in v]
        flat = "[" + ", ".join(items) + "]"
        if "\n" not in flat and len(flat) + len(pad) < 90:
            return flat
        return "[\n" + "".join(f"{pad}  {x},\n" for x in items) + pad + "]"
    raise TypeError(f"no HCL form for {type(v)}")


def hcl_block(b: Block, ind: int = 0) -> list[str]:
    pad = "  " * ind
    out = [pad + b.type + "".join(" " + hcl_str(label) for label in b.labels) + " {"]
    run: list[tuple[str, object]] = []  # consecutive attributes, aligned like `terraform fmt`

    def flush():
        if run:
            width = max(len(k) for k, _ in run)
            out.extend(f"{pad}  {k.ljust(width)} = {hcl_val(v, ind + 1)}" for k, v in run)
            run.clear()

    after_block = False
    for item in b.body:
        if isinstance(item, Block):
            flush()
            if len(out) > 1:
                out.append("")
            out.extend(hcl_block(item, ind + 1))
            after_block = True
        elif isinstance(item, Comment):
            flush()
            out.append(f"{pad}  # {item}")
        else:
            if after_block:
                out.append("")
                after_block = False
            run.append(item)
    flush()
    out.append(pad + "}")
    return out


def hcl_file(items) -> str:
    parts = []
    for item in items:
        parts.append(f"# {item}" if isinstance(item, Comment) else "\n".join(hcl_block(item)))
    return "\n\n".join(parts) + "\n"


def tfjson_val(v):
    if isinstance(v, Expr):
        return "${" + v + "}"
    if isinstance(v, (Bare, Heredoc)):
        return str(v)
    if isinstance(v, JsonEncode):
        return json.dumps(tfjson_val(v.value))
    if isinstance(v, dict):
        return {k: tfjson_val(x) for k, x in v.items()}
    if isinstance(v, list):
        return [tfjson_val(x) for x in v]
    return v


def tfjson_body(items) -> dict:
    out: dict = {}
    blocks: dict[str, list[Block]] = {}
    for item in items:
        if isinstance(item, Comment):
            continue
        if isinstance(item, Block):
            blocks.setdefault(item.type, []).append(item)
        else:
            out[item[0]] = tfjson_val(item[1])
    for type_, group in blocks.items():
        if not group[0].labels:
            bodies = [tfjson_body(b.body) for b in group]
            out[type_] = bodies[0] if len(bodies) == 1 else bodies
            continue
        tree = out.setdefault(type_, {})
        for b in group:
            node = tree
            for label in b.labels[:-1]:
                node = node.setdefault(label, {})
            body = tfjson_body(b.body)
            last = b.labels[-1]
            if last in node:  # e.g. two provider "aws" blocks
                node[last] = (node[last] if isinstance(node[last], list) else [node[last]]) + [body]
            else:
                node[last] = body
    return out


# Input variables: name -> (type, default or REQUIRED, description)
REQUIRED = object()
TF_VARS = {
    "project": ("string", REQUIRED, "Project name, used as a prefix for every resource."),
    "environment": ("string", "dev", "Deployment environment (dev, staging or prod)."),
    "region": ("string", "us-east-1", "AWS region."),
    "tags": ("map(string)", {}, "Extra tags for every resource."),
    "vpc_id": ("string", REQUIRED, "VPC that hosts the workloads."),
    "subnet_ids": ("list(string)", REQUIRED, "Private subnets for ML workloads."),
    "security_group_ids": ("list(string)", [], "Extra security groups."),
    "kms_key_arn": ("string", None, "Customer managed KMS key; null uses the AWS managed key."),
    "notebook_instance_type": ("string", "ml.t3.medium", "Notebook instance type."),
    "notebook_role_arn": ("string", REQUIRED, "Execution role for notebooks."),
    "execution_role_arn": ("string", REQUIRED, "SageMaker execution role."),
    "endpoint_instance_type": ("string", "ml.m5.xlarge", "Instance type of the endpoint variants."),
    "instance_count": ("number", 1, "Initial instance count."),
    "model_image": ("string", REQUIRED, "Inference container image URI."),
    "model_data_url": ("string", REQUIRED, "S3 URI of model.tar.gz."),
    "monitoring_image": ("string", "156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer",
                         "Model Monitor analyzer image."),
    "enable_data_capture": ("bool", True, "Capture endpoint requests and responses."),
    "capture_sampling_percentage": ("number", 20, "Share of requests captured."),
    "allowed_cidr_blocks": ("list(string)", ["10.0.0.0/8"], "CIDR ranges allowed to reach the service."),
    "log_retention_days": ("number", 90, "CloudWatch Logs retention."),
    "lambda_runtime": ("string", "python3.12", "Lambda runtime."),
    "workteam_arn": ("string", REQUIRED, "Private workforce team for human review."),
    "human_task_ui_arn": ("string", REQUIRED, "Worker task template."),
    "bucket_suffixes": ("list(string)", ["raw", "curated", "models"], "Data lake bucket suffixes."),
    "vpc_cidr": ("string", "10.20.0.0/16", "CIDR block of the VPC."),
    "ingress_rules": ("list(object({ from_port = number, to_port = number, protocol = string, cidr_blocks = list(string) }))",
                      [{"from_port": 443, "to_port": 443, "protocol": "tcp", "cidr_blocks": ["10.0.0.0/8"]}],
                      "Ingress rules of the service security group."),
    "domain_auth_mode": ("string", "IAM", "Studio authentication mode."),
    "foundation_model": ("string", "anthropic.claude-3-haiku-20240307-v1:0", "Bedrock foundation model id."),
}
TF_VALIDATIONS = {
    "environment": ('contains(["dev", "staging", "prod"], var.environment)',
                    "environment must be dev, staging or prod."),
    "log_retention_days": ("contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1827, 3653], var.log_retention_days)",
                           "log_retention_days must be a value CloudWatch Logs accepts."),
    "capture_sampling_percentage": ("var.capture_sampling_percentage >= 0 && var.capture_sampling_percentage <= 100",
                                    "capture_sampling_percentage must be between 0 and 100."),
}

# Locals: name -> (expression or literal, variables it reads)
TF_LOCALS = {
    "name_prefix": ("${var.project}-${var.environment}", ("project", "environment")),
    "common_tags": (Expr('merge(var.tags, { Project = var.project, Environment = var.environment, ManagedBy = "terraform" })'),
                    ("tags", "project", "environment")),
    "is_prod": (Expr('var.environment == "prod"'), ("environment",)),
    "log_retention": (Expr("var.environment == \"prod\" ? 365 : var.log_retention_days"), ("environment", "log_retention_days")),
    "bucket_names": (Expr('{ for s in var.bucket_suffixes : s => "${var.project}-${var.environment}-${s}" }'),
                     ("bucket_suffixes", "project", "environment")),
    "azs": (Expr("slice(data.aws_availability_zones.available.names, 0, 3)"), ()),
    "feature_definitions": ([{"name": "customer_id", "type": "String"}, {"name": "event_time", "type": "String"},
                             {"name": "tenure_months", "type": "Integral"}, {"name": "monthly_spend", "type": "Fractional"},
                             {"name": "support_tickets", "type": "Integral"}, {"name": "churn_score", "type": "Fractional"}], ()),
    "sagemaker_principals": (["sagemaker.amazonaws.com"], ()),
}


class TfScope:
    """One Terraform module directory: unique names, what is defined, which inputs are read."""

    def __init__(self, rng: random.Random, json_out: bool = False, cdktf: bool = False, bad_rate: float = 0.35):
        self.rng = rng
        self.json = json_out or cdktf  # written as Terraform JSON: no heredocs
        self.cdktf = cdktf  # names carry a hash suffix, like cdktf's logical ids
        self.bad_rate = bad_rate
        self.names: set[tuple[str, str]] = set()
        self.defined: dict[str, list[str]] = {}
        self.vars: dict[str, None] = {}  # ordered set
        self.locals: dict[str, None] = {}
        self.modules: list[tuple[str, dict]] = []  # (call name, module info)

    def new(self, rtype: str, base: str) -> str:
        base = base.replace("-", "_")
        if self.cdktf:
            name = f"{base}_{self.rng.getrandbits(32):08X}"
        else:
            name, i = base, 2
            while (rtype, name) in self.names:
                name, i = f"{base}_{i}", i + 1
        self.names.add((rtype, name))
        self.defined.setdefault(rtype, []).append(name)
        return name

    def ref(self, rtype: str, attr: str):
        names = self.defined.get(rtype)
        return Expr(f"{rtype}.{self.rng.choice(names)}.{attr}") if names else None

    def var(self, name: str) -> Expr:
        self.vars[name] = None
        return Expr("var." + name)

    def local(self, name: str) -> Expr:
        self.locals[name] = None
        for v in TF_LOCALS[name][1]:
            self.vars[v] = None
        return Expr("local." + name)

    def good(self) -> bool:
        return self.rng.random() >= self.bad_rate

    def word(self) -> str:
        return self.rng.choice(WORDS)

    def label(self, word: str) -> str:
        """A resource's real-world name, e.g. "${local.name_prefix}-training"."""
        self.local("name_prefix")
        return "${local.name_prefix}-" + word.replace("_", "-")

    def tags(self, **extra) -> Expr:
        self.local("common_tags")
        if not extra:
            return Expr("local.common_tags")
        inner = ", ".join(f'{k} = "{v}"' for k, v in extra.items())
        return Expr(f"merge(local.common_tags, {{ {inner} }})")

    def kms(self):
        return self.ref("aws_kms_key", "arn") or self.var("kms_key_arn")

    def role(self):
        return self.ref("aws_iam_role", "arn") or self.var("execution_role_arn")

    def subnets(self):
        names = self.defined.get("aws_subnet")  # created with count: refer to all of them
        return Expr(f"aws_subnet.{self.rng.choice(names)}[*].id") if names else self.var("subnet_ids")

    def sgs(self):
        ref = self.ref("aws_security_group", "id")
        return [ref] if ref else self.var("security_group_ids")

    def bucket(self):
        name = self.ref("aws_s3_bucket", "bucket")
        return ("s3://${" + name + "}") if name else "s3://${local.name_prefix}-" + self.word()


# --- Terraform resource factories: each returns a list of Blocks --------------------------------

def tf_kms(s: TfScope):
    word = s.word()
    name = s.new("aws_kms_key", word)
    body = [("description", f"CMK for {word} data"),
            ("deletion_window_in_days", s.rng.choice([7, 14, 30])),
            ("enable_key_rotation", s.good())]
    if s.rng.random() < 0.5:
        body.append(("policy", JsonEncode({
            "Version": "2012-10-17",
            "Statement": [
                {"Sid": "EnableRootPermissions", "Effect": "Allow",
                 "Principal": {"AWS": "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root"},
                 "Action": "kms:*", "Resource": "*"},
                {"Sid": "AllowSageMaker", "Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"},
                 "Action": ["kms:Decrypt", "kms:GenerateDataKey*", "kms:CreateGrant"], "Resource": "*"},
            ]})))
    body.append(("tags", s.tags()))
    alias = Block("resource", ("aws_kms_alias", s.new("aws_kms_alias", word)), [
        ("name", "alias/" + s.label(word)), ("target_key_id", Expr(f"aws_kms_key.{name}.key_id"))])
    blocks = [Block("resource", ("aws_kms_key", name), body), alias]
    if len(body) == 5 and ("aws_caller_identity", "current") not in s.names:  # the policy refers to the account id
        s.names.add(("aws_caller_identity", "current"))
        blocks.insert(0, Block("data", ("aws_caller_identity", "current")))
    return blocks


def tf_s3(s: TfScope):
    word = s.word()
    name = s.new("aws_s3_bucket", word)
    ref = f"aws_s3_bucket.{name}"
    blocks = [Block("resource", ("aws_s3_bucket", name), [
        ("bucket", s.label(word)), ("force_destroy", not s.good()), ("tags", s.tags(DataClass=s.rng.choice(["internal", "confidential", "public"])))])]
    if s.good():
        blocks.append(Block("resource", ("aws_s3_bucket_versioning", s.new("aws_s3_bucket_versioning", word)), [
            ("bucket", Expr(ref + ".id")),
            Block("versioning_configuration", body=[("status", "Enabled")])]))
    if s.good():
        blocks.append(Block("resource", ("aws_s3_bucket_server_side_encryption_configuration",
                                         s.new("aws_s3_bucket_server_side_encryption_configuration", word)), [
            ("bucket", Expr(ref + ".id")),
            Block("rule", body=[
                Block("apply_server_side_encryption_by_default", body=[("sse_algorithm", "aws:kms"), ("kms_master_key_id", s.kms())]),
                ("bucket_key_enabled", True)])]))
    if s.good():
        block_public = s.good()
        blocks.append(Block("resource", ("aws_s3_bucket_public_access_block", s.new("aws_s3_bucket_public_access_block", word)), [
            ("bucket", Expr(ref + ".id")),
            ("block_public_acls", True), ("block_public_policy", block_public),
            ("ignore_public_acls", True), ("restrict_public_buckets", block_public)]))
    if s.rng.random() < 0.4:
        blocks.append(Block("resource", ("aws_s3_bucket_policy", s.new("aws_s3_bucket_policy", word)), [
            ("bucket", Expr(ref + ".id")),
            ("policy", JsonEncode({"Version": "2012-10-17", "Statement": [{
                "Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                "Resource": [Expr(ref + ".arn"), "${" + ref + ".arn}/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}))]))
    if s.rng.random() < 0.3:
        blocks.append(Block("resource", ("aws_s3_bucket_lifecycle_configuration", s.new("aws_s3_bucket_lifecycle_configuration", word)), [
            ("bucket", Expr(ref + ".id")),
            Block("rule", body=[("id", "expire-old-versions"), ("status", "Enabled"),
                                Block("filter", body=[("prefix", "tmp/")]),
                                Block("noncurrent_version_expiration", body=[("noncurrent_days", 30)])]),
            Block("rule", body=[("id", "archive"), ("status", "Enabled"), Block("filter", body=[("prefix", "")]),
                                Block("transition", body=[("days", 90), ("storage_class", "GLACIER_IR")])])]))
    return blocks


def tf_iam(s: TfScope):
    word = s.word()
    service = s.rng.choice(["sagemaker.amazonaws.com", "sagemaker.amazonaws.com", "lambda.amazonaws.com", "bedrock.amazonaws.com"])
    role = s.new("aws_iam_role", word)
    blocks = [Block("resource", ("aws_iam_role", role), [
        ("name", s.label(word + "-role")),
        ("assume_role_policy", JsonEncode({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]})),
        ("max_session_duration", 3600), ("tags", s.tags())])]
    wide = not s.good()
    bucket = s.ref("aws_s3_bucket", "arn")
    statements = [{"Sid": "SageMakerAccess", "Effect": "Allow",
                   "Action": ["sagemaker:*"] if wide else ["sagemaker:CreateTrainingJob", "sagemaker:DescribeTrainingJob",
                                                          "sagemaker:CreateModel", "sagemaker:InvokeEndpoint"],
                   "Resource": "*" if wide else "arn:aws:sagemaker:${var.region}:*:*/${local.name_prefix}-*"},
                  {"Sid": "DataAccess", "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:ListBucket"],
                   "Resource": [bucket, "${" + bucket + "}/*"] if bucket else "*"}]
    if not wide:
        s.var("region")
        s.local("name_prefix")
    if s.rng.random() < 0.3:
        statements.append({"Sid": "PassRole", "Effect": "Allow", "Action": "iam:PassRole", "Resource": "*",
                           "Condition": {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}}})
    if s.rng.random() < 0.5:
        policy = s.new("aws_iam_policy", word)
        blocks.append(Block("resource", ("aws_iam_policy", policy), [
            ("name", s.label(word + "-policy")), ("description", f"Access for the {word} workloads"),
            ("policy", JsonEncode({"Version": "2012-10-17", "Statement": statements}))]))
        blocks.append(Block("resource", ("aws_iam_role_policy_attachment", s.new("aws_iam_role_policy_attachment", word)), [
            ("role", Expr(f"aws_iam_role.{role}.name")), ("policy_arn", Expr(f"aws_iam_policy.{policy}.arn"))]))
    else:
        doc = s.new("aws_iam_policy_document", word)
        stmts = []
        for st in statements:
            body = [("sid", st["Sid"]), ("effect", "Allow"),
                    ("actions", st["Action"] if isinstance(st["Action"], list) else [st["Action"]]),
                    ("resources", st["Resource"] if isinstance(st["Resource"], list) else [st["Resource"]])]
            if "Condition" in st:
                body.append(Block("condition", body=[("test", "StringEquals"), ("variable", "iam:PassedToService"),
                                                     ("values", ["sagemaker.amazonaws.com"])]))
            stmts.append(Block("statement", body=body))
        if s.rng.random() < 0.4 and not s.json:
            s.local("sagemaker_principals")
            stmts.append(Block("dynamic", ("statement",), [
                ("for_each", Expr("local.is_prod ? [] : local.sagemaker_principals")),
                Block("content", body=[("sid", "DevDebug"), ("effect", "Allow"),
                                       ("actions", ["logs:GetLogEvents", "logs:DescribeLogStreams"]), ("resources", ["*"])])]))
            s.local("is_prod")
        blocks.append(Block("data", ("aws_iam_policy_document", doc), stmts))
        blocks.append(Block("resource", ("aws_iam_role_policy", s.new("aws_iam_role_policy", word)), [
            ("name", word + "-inline"), ("role", Expr(f"aws_iam_role.{role}.id")),
            ("policy", Expr(f"data.aws_iam_policy_document.{doc}.json"))]))
    if s.rng.random() < 0.3:
        blocks.append(Block("resource", ("aws_iam_role_policy_attachment", s.new("aws_iam_role_policy_attachment", word + "_managed")), [
            ("role", Expr(f"aws_iam_role.{role}.name")),
            ("policy_arn", "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess" if wide else "arn:aws:iam::aws:policy/CloudWatchLogsReadOnlyAccess")]))
    return blocks


def tf_network(s: TfScope):
    vpc = s.new("aws_vpc", "main" if "aws_vpc" not in s.defined else s.word())
    s.local("azs")
    count = s.rng.choice([2, 3])
    blocks = [
        Block("resource", ("aws_vpc", vpc), [("cidr_block", s.var("vpc_cidr")), ("enable_dns_support", True),
                                             ("enable_dns_hostnames", True), ("tags", s.tags(Name="ml-vpc"))]),
        Block("resource", ("aws_subnet", s.new("aws_subnet", "private")), [
            ("count", count), ("vpc_id", Expr(f"aws_vpc.{vpc}.id")),
            ("cidr_block", Expr(f"cidrsubnet(aws_vpc.{vpc}.cidr_block, 8, count.index)")),
            ("availability_zone", Expr("element(local.azs, count.index)")),
            ("map_public_ip_on_launch", not s.good()),
            ("tags", s.tags(Tier="private"))]),
    ]
    if s.rng.random() < 0.5:
        blocks.append(Block("resource", ("aws_flow_log", s.new("aws_flow_log", vpc)), [
            ("vpc_id", Expr(f"aws_vpc.{vpc}.id")), ("traffic_type", "ALL"),
            ("log_destination_type", "s3"), ("log_destination", s.ref("aws_s3_bucket", "arn") or "arn:aws:s3:::central-flow-logs")]))
    if s.rng.random() < 0.6:
        for svc in s.rng.sample(["sagemaker.api", "sagemaker.runtime", "s3", "bedrock-runtime", "sts"], 2):
            blocks.append(Block("resource", ("aws_vpc_endpoint", s.new("aws_vpc_endpoint", svc.replace(".", "_").replace("-", "_"))), [
                ("vpc_id", Expr(f"aws_vpc.{vpc}.id")),
                ("service_name", "com.amazonaws.${var.region}." + svc),
                ("vpc_endpoint_type", "Gateway" if svc == "s3" else "Interface"),
                ("private_dns_enabled", svc != "s3")]))
        s.var("region")
    return blocks


def tf_security_group(s: TfScope):
    word = s.word()
    vpc = s.ref("aws_vpc", "id") or s.var("vpc_id")
    body = [("name", s.label(word + "-sg")), ("description", f"Traffic for the {word} workloads"), ("vpc_id", vpc)]
    if not s.json and s.rng.random() < 0.6:  # (checkov 3.3.30 crashes on dynamic blocks in Terraform JSON)
        body.append(Block("dynamic", ("ingress",), [
            ("for_each", s.var("ingress_rules")),
            Block("content", body=[("from_port", Expr("ingress.value.from_port")), ("to_port", Expr("ingress.value.to_port")),
                                   ("protocol", Expr("ingress.value.protocol")), ("cidr_blocks", Expr("ingress.value.cidr_blocks"))])]))
    open_world = not s.good()
    body.append(Block("ingress", body=[
        ("description", "HTTPS"), ("from_port", 443), ("to_port", 443), ("protocol", "tcp"),
        ("cidr_blocks", ["0.0.0.0/0"] if open_world else s.var("allowed_cidr_blocks"))]))
    if s.rng.random() < 0.2:
        body.append(Block("ingress", body=[("description", "Jupyter"), ("from_port", 8888), ("to_port", 8888),
                                           ("protocol", "tcp"), ("cidr_blocks", ["0.0.0.0/0"])]))
    body.append(Block("egress", body=[("description", "All outbound"), ("from_port", 0), ("to_port", 0),
                                      ("protocol", "-1"), ("cidr_blocks", ["0.0.0.0/0"])]))
    body.append(("tags", s.tags()))
    if not s.cdktf and s.rng.random() < 0.3:
        body.append(Block("lifecycle", body=[("create_before_destroy", True)]))
    return [Block("resource", ("aws_security_group", s.new("aws_security_group", word)), body)]


def tf_lambda(s: TfScope):
    word = s.word()
    fn = s.new("aws_lambda_function", word)
    env = {"LOG_LEVEL": "INFO", "STAGE": s.var("environment")}
    endpoint = s.ref("aws_sagemaker_endpoint", "name")
    if endpoint:
        env["ENDPOINT_NAME"] = endpoint
    if s.rng.random() < 0.08:  # a hard-coded AI key, as seen in the wild (random, never a real one)
        env["HF_TOKEN"] = "hf_" + "".join(s.rng.choice("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(34))
    body = [("function_name", s.label(word + "-handler")), ("role", s.ref("aws_iam_role", "arn") or s.var("execution_role_arn")),
            ("handler", "app.handler"), ("runtime", s.var("lambda_runtime")),
            ("filename", "${path.module}/dist/" + word + ".zip"),
            ("source_code_hash", Expr(f'filebase64sha256("${{path.module}}/dist/{word}.zip")')),
            ("timeout", s.rng.choice([30, 60, 300, 900])), ("memory_size", s.rng.choice([256, 512, 1024, 2048]))]
    if s.good():
        body.append(("kms_key_arn", s.kms()))
    if s.good():
        body.append(("reserved_concurrent_executions", s.rng.choice([5, 10, 50])))
    body.append(Block("environment", body=[("variables", env)]))
    if s.good():
        body.append(Block("tracing_config", body=[("mode", "Active")]))
    if s.good():
        body.append(Block("vpc_config", body=[("subnet_ids", s.subnets()), ("security_group_ids", s.sgs())]))
    body.append(("tags", s.tags()))
    logs = Block("resource", ("aws_cloudwatch_log_group", s.new("aws_cloudwatch_log_group", word)), [
        ("name", "/aws/lambda/${aws_lambda_function." + fn + ".function_name}"),
        ("retention_in_days", s.local("log_retention") if s.good() else 0)] + ([("kms_key_id", s.kms())] if s.good() else []))
    return [Block("resource", ("aws_lambda_function", fn), body), logs]


def tf_ecr(s: TfScope):
    word = s.word()
    body = [("name", s.label(word)), ("image_tag_mutability", "IMMUTABLE" if s.good() else "MUTABLE"),
            Block("image_scanning_configuration", body=[("scan_on_push", s.good())])]
    if s.good():
        body.append(Block("encryption_configuration", body=[("encryption_type", "KMS"), ("kms_key", s.kms())]))
    body.append(("tags", s.tags()))
    return [Block("resource", ("aws_ecr_repository", s.new("aws_ecr_repository", word)), body)]


def tf_queue_table(s: TfScope):
    word = s.word()
    q = [("name", s.label(word + "-events")), ("message_retention_seconds", 1209600), ("visibility_timeout_seconds", 300)]
    q.append(("kms_master_key_id", s.kms()) if s.good() else ("sqs_managed_sse_enabled", s.good()))
    t = [("name", s.label(word + "-state")), ("billing_mode", "PAY_PER_REQUEST"), ("hash_key", "pk"), ("range_key", "sk"),
         Block("attribute", body=[("name", "pk"), ("type", "S")]), Block("attribute", body=[("name", "sk"), ("type", "S")]),
         Block("point_in_time_recovery", body=[("enabled", s.good())])]
    if s.good():
        t.append(Block("server_side_encryption", body=[("enabled", True), ("kms_key_arn", s.kms())]))
    t.append(("tags", s.tags()))
    return [Block("resource", ("aws_sqs_queue", s.new("aws_sqs_queue", word)), q + [("tags", s.tags())]),
            Block("resource", ("aws_dynamodb_table", s.new("aws_dynamodb_table", word)), t)]


NOTEBOOK_SCRIPT = """#!/bin/bash
set -euo pipefail
# Install the team's extensions and stop idle kernels after an hour.
sudo -u ec2-user -i <<'SCRIPT'
source /home/ec2-user/anaconda3/bin/activate JupyterSystemEnv
pip install --quiet jupyterlab-git==0.50.0
SCRIPT
IDLE_TIME=3600
wget -q -O /home/ec2-user/autostop.py https://raw.githubusercontent.com/aws-samples/amazon-sagemaker-notebook-instance-lifecycle-config-samples/master/scripts/auto-stop-idle/autostop.py
echo "*/5 * * * * /usr/bin/python3 /home/ec2-user/autostop.py --time $IDLE_TIME --ignore-connections" | crontab -
"""


def tf_notebook(s: TfScope):
    word = s.word()
    blocks = []
    lifecycle = None
    if s.rng.random() < 0.4:
        lifecycle = s.new("aws_sagemaker_notebook_instance_lifecycle_configuration", word)
        if s.json:
            script = Expr('base64encode("#!/bin/bash\\nset -e\\npip install --quiet jupyterlab-git==0.50.0\\n")')
        else:  # a heredoc's closing marker stands on its own line
            script = Expr(f"base64encode({hcl_val(Heredoc(NOTEBOOK_SCRIPT), 1)}\n  )")
        blocks.append(Block("resource", ("aws_sagemaker_notebook_instance_lifecycle_configuration", lifecycle), [
            ("name", s.label(word + "-lcc")), ("on_start", script)]))
    body = [("name", s.label(word + "-nb")), ("role_arn", s.ref("aws_iam_role", "arn") or s.var("notebook_role_arn")),
            ("instance_type", s.var("notebook_instance_type") if s.rng.random() < 0.5 else s.rng.choice(INSTANCE_TYPES[:4])),
            ("platform_identifier", s.rng.choice(["notebook-al2-v2", "notebook-al2-v3"])), ("volume_size", s.rng.choice([20, 50, 100]))]
    if s.good():
        body += [("subnet_id", Expr("element(" + str(s.var("subnet_ids")) + ", 0)")), ("security_groups", s.sgs()),
                 ("direct_internet_access", "Disabled")]
    elif s.rng.random() < 0.5:
        body.append(("direct_internet_access", "Enabled"))
    roll = s.rng.random()
    if roll < 0.5:
        body.append(("root_access", "Disabled"))
    elif roll < 0.7:
        body.append(("root_access", "Enabled"))
    if s.good():
        body.append(("kms_key_id", s.kms()))
    if lifecycle:
        body.append(("lifecycle_config_name", Expr(f"aws_sagemaker_notebook_instance_lifecycle_configuration.{lifecycle}.name")))
    if s.rng.random() < 0.5:
        body.append(Block("instance_metadata_service_configuration", body=[
            ("minimum_instance_metadata_service_version", "2" if s.good() else "1")]))
    body.append(("tags", s.tags(Team=s.rng.choice(TEAMS))))
    blocks.append(Block("resource", ("aws_sagemaker_notebook_instance", s.new("aws_sagemaker_notebook_instance", word)), body))
    return blocks


def tf_domain(s: TfScope):
    word = s.word()
    domain = s.new("aws_sagemaker_domain", word)
    vpc_only = s.good()
    user = [("execution_role", s.role()), ("security_groups", s.sgs())]
    if s.rng.random() < 0.7:
        share = s.good()
        user.append(Block("sharing_settings", body=[("notebook_output_option", "Disabled" if share else "Allowed")] + (
            [] if share else [("s3_output_path", s.bucket() + "/studio-sharing"), ("s3_kms_key_id", s.kms())])))
    user.append(Block("jupyter_server_app_settings", body=[Block("default_resource_spec", body=[
        ("instance_type", "system"), ("sagemaker_image_arn", "arn:aws:sagemaker:us-east-1:081325390199:image/jupyter-server-3")])]))
    body = [("domain_name", s.label(word + "-studio")), ("auth_mode", s.var("domain_auth_mode")),
            ("vpc_id", s.ref("aws_vpc", "id") or s.var("vpc_id")), ("subnet_ids", s.subnets()),
            ("app_network_access_type", "VpcOnly" if vpc_only else "PublicInternetOnly")]
    if s.good():
        body.append(("kms_key_id", s.kms()))
    body.append(Block("default_user_settings", body=user))
    if vpc_only and s.rng.random() < 0.5:
        body.append(Block("domain_settings", body=[("security_group_ids", s.sgs())]))
    body.append(Block("retention_policy", body=[("home_efs_file_system", "Retain" if s.good() else "Delete")]))
    body.append(("tags", s.tags()))
    blocks = [Block("resource", ("aws_sagemaker_domain", domain), body)]
    for person in s.rng.sample(["alice", "bob", "carol", "dmitri", "eve", "farah"], s.rng.randint(0, 3)):
        blocks.append(Block("resource", ("aws_sagemaker_user_profile", s.new("aws_sagemaker_user_profile", person)), [
            ("domain_id", Expr(f"aws_sagemaker_domain.{domain}.id")), ("user_profile_name", person),
            Block("user_settings", body=[("execution_role", s.role())])]))
    return blocks


def tf_model_endpoint(s: TfScope):
    word = s.word()
    model = s.new("aws_sagemaker_model", word)
    mbody = [("name", s.label(word + "-model")), ("execution_role_arn", s.role()),
             Block("primary_container", body=[("image", s.var("model_image")), ("model_data_url", s.var("model_data_url")),
                                              ("mode", "SingleModel"),
                                              ("environment", {"SAGEMAKER_PROGRAM": "inference.py", "SAGEMAKER_REGION": s.var("region")})])]
    if s.good():
        mbody.append(("enable_network_isolation", True))
    if s.good():
        mbody.append(Block("vpc_config", body=[("subnets", s.subnets()), ("security_group_ids", s.sgs())]))
    mbody.append(("tags", s.tags()))
    blocks = [Block("resource", ("aws_sagemaker_model", model), mbody)]
    if s.rng.random() < 0.85:
        cfg = s.new("aws_sagemaker_endpoint_configuration", word)
        variants = []
        for i, vname in enumerate(["primary", "canary"][:s.rng.randint(1, 2)]):
            variants.append(Block("production_variants", body=[
                ("variant_name", vname), ("model_name", Expr(f"aws_sagemaker_model.{model}.name")),
                ("initial_instance_count", s.var("instance_count")), ("instance_type", s.var("endpoint_instance_type")),
                ("initial_variant_weight", 0.9 if i == 0 else 0.1)]))
        body = [("name", s.label(word + "-config"))]
        if s.good():
            body.append(("kms_key_arn", s.kms()))
        body += variants
        if s.good():
            capture = [("enable_capture", s.var("enable_data_capture")), ("initial_sampling_percentage", s.var("capture_sampling_percentage")),
                       ("destination_s3_uri", s.bucket() + "/data-capture"),
                       Block("capture_options", body=[("capture_mode", "Input")]),
                       Block("capture_options", body=[("capture_mode", "Output")]),
                       Block("capture_content_type_header", body=[("json_content_types", ["application/json"])])]
            if s.good():
                capture.insert(3, ("kms_key_id", s.kms()))
            body.append(Block("data_capture_config", body=capture))
        if s.rng.random() < 0.25:
            body.append(Block("async_inference_config", body=[Block("output_config", body=[
                ("s3_output_path", s.bucket() + "/async-output")] + ([("kms_key_id", s.kms())] if s.good() else []))]))
        body.append(("tags", s.tags()))
        if not s.cdktf and s.rng.random() < 0.3:
            body.append(Block("lifecycle", body=[("create_before_destroy", True)]))
        blocks.append(Block("resource", ("aws_sagemaker_endpoint_configuration", cfg), body))
        blocks.append(Block("resource", ("aws_sagemaker_endpoint", s.new("aws_sagemaker_endpoint", word)), [
            ("name", s.label(word)), ("endpoint_config_name", Expr(f"aws_sagemaker_endpoint_configuration.{cfg}.name")),
            ("tags", s.tags())]))
    return blocks


def tf_data_quality(s: TfScope):
    word = s.word()
    endpoint = s.ref("aws_sagemaker_endpoint", "name") or "${local.name_prefix}-" + word
    s.local("name_prefix")
    net = [("enable_inter_container_traffic_encryption", s.good()), ("enable_network_isolation", s.good())]
    if s.good():
        net.append(Block("vpc_config", body=[("security_group_ids", s.sgs()), ("subnets", s.subnets())]))
    out_cfg = [Block("monitoring_outputs", body=[Block("s3_output", body=[
        ("s3_uri", s.bucket() + "/monitoring/" + word), ("local_path", "/opt/ml/processing/output"), ("s3_upload_mode", "EndOfJob")])])]
    if s.good():
        out_cfg.insert(0, ("kms_key_id", s.kms()))
    cluster = [("instance_count", 1), ("instance_type", "ml.m5.xlarge"), ("volume_size_in_gb", 20)]
    if s.good():
        cluster.append(("volume_kms_key_id", s.kms()))
    body = [("name", s.label(word + "-dq")), ("role_arn", s.role()),
            Block("data_quality_app_specification", body=[("image_uri", s.var("monitoring_image"))]),
            Block("data_quality_baseline_config", body=[
                Block("constraints_resource", body=[("s3_uri", s.bucket() + "/baseline/constraints.json")]),
                Block("statistics_resource", body=[("s3_uri", s.bucket() + "/baseline/statistics.json")])]),
            Block("data_quality_job_input", body=[Block("endpoint_input", body=[
                ("endpoint_name", endpoint), ("local_path", "/opt/ml/processing/input"),
                ("s3_data_distribution_type", "FullyReplicated"), ("s3_input_mode", "File")])]),
            Block("data_quality_job_output_config", body=out_cfg),
            Block("job_resources", body=[Block("cluster_config", body=cluster)]),
            Block("network_config", body=net),
            Block("stopping_condition", body=[("max_runtime_in_seconds", 3600)]),
            ("tags", s.tags())]
    blocks = [Block("resource", ("aws_sagemaker_data_quality_job_definition", s.new("aws_sagemaker_data_quality_job_definition", word)), body)]
    return blocks


def tf_feature_group(s: TfScope):
    word = s.word()
    body = [("feature_group_name", s.label(word + "-features")), ("record_identifier_feature_name", "customer_id"),
            ("event_time_feature_name", "event_time"), ("role_arn", s.role()), ("description", f"Features for {word} models")]
    if s.json or s.rng.random() < 0.5:
        for fname, ftype in [("customer_id", "String"), ("event_time", "String"), ("tenure_months", "Integral"),
                             ("monthly_spend", "Fractional"), ("region", "String")][:s.rng.randint(2, 5)]:
            body.append(Block("feature_definition", body=[("feature_name", fname), ("feature_type", ftype)]))
    else:
        body.append(Block("dynamic", ("feature_definition",), [
            ("for_each", s.local("feature_definitions")),
            Block("content", body=[("feature_name", Expr("feature_definition.value.name")),
                                   ("feature_type", Expr("feature_definition.value.type"))])]))
    online = [("enable_online_store", True)]
    if s.good():
        online.append(Block("security_config", body=[("kms_key_id", s.kms())]))
    body.append(Block("online_store_config", body=online))
    storage = [("s3_uri", s.bucket() + "/offline-store")]
    if s.good():
        storage.append(("kms_key_id", s.kms()))
    body.append(Block("offline_store_config", body=[("disable_glue_table_creation", False), Block("s3_storage_config", body=storage)]))
    body.append(("tags", s.tags()))
    return [Block("resource", ("aws_sagemaker_feature_group", s.new("aws_sagemaker_feature_group", word)), body)]


def tf_flow_definition(s: TfScope):
    word = s.word()
    out = [("s3_output_path", s.bucket() + "/human-review")]
    if s.good():
        out.append(("kms_key_id", s.kms()))
    return [Block("resource", ("aws_sagemaker_flow_definition", s.new("aws_sagemaker_flow_definition", word)), [
        ("flow_definition_name", s.label(word + "-review")), ("role_arn", s.role()),
        Block("human_loop_config", body=[
            ("human_task_ui_arn", s.var("human_task_ui_arn")), ("task_availability_lifetime_in_seconds", 86400),
            ("task_count", s.rng.choice([1, 2, 3])), ("task_description", f"Review low-confidence {word} predictions"),
            ("task_title", f"Review {word}"), ("workteam_arn", s.var("workteam_arn"))]),
        Block("output_config", body=out), ("tags", s.tags())])]


def tf_registry(s: TfScope):
    word = s.word()
    blocks = [Block("resource", ("aws_sagemaker_model_package_group", s.new("aws_sagemaker_model_package_group", word)), [
        ("model_package_group_name", s.label(word + "-models")),
        ("model_package_group_description", f"Approved {word} model versions"), ("tags", s.tags())])]
    if s.rng.random() < 0.5:
        blocks.append(Block("resource", ("aws_sagemaker_code_repository", s.new("aws_sagemaker_code_repository", word)), [
            ("code_repository_name", s.label(word + "-repo")),
            Block("git_config", body=[("repository_url", f"https://github.com/example-org/{word}-models.git"), ("branch", "main")])]))
    return blocks


def tf_bedrock(s: TfScope):
    word = s.word()
    blocks = []
    if "aws_bedrock_model_invocation_logging_configuration" not in s.defined and s.rng.random() < 0.5:
        bucket = s.ref("aws_s3_bucket", "id")
        blocks.append(Block("resource", ("aws_bedrock_model_invocation_logging_configuration",
                                         s.new("aws_bedrock_model_invocation_logging_configuration", "this")), [
            Block("logging_config", body=[("embedding_data_delivery_enabled", True), ("image_data_delivery_enabled", True),
                                          ("text_data_delivery_enabled", s.good()),
                                          Block("s3_config", body=[("bucket_name", bucket or s.label("bedrock-logs")),
                                                                   ("key_prefix", "bedrock")])])]))
    body = [("agent_name", s.label(word + "-agent")), ("agent_resource_role_arn", s.role()),
            ("foundation_model", s.var("foundation_model")), ("idle_session_ttl_in_seconds", 600),
            ("instruction", f"You answer questions about {word} using the knowledge base. Never reveal customer data.")]
    if s.good():
        body.append(("customer_encryption_key_arn", s.kms()))
    body += [("prepare_agent", True), ("tags", s.tags())]
    blocks.append(Block("resource", ("aws_bedrockagent_agent", s.new("aws_bedrockagent_agent", word)), body))
    return blocks


TF_AI = (tf_notebook, tf_domain, tf_model_endpoint, tf_data_quality, tf_feature_group, tf_flow_definition, tf_registry, tf_bedrock)
TF_PLAIN = (tf_s3, tf_iam, tf_kms, tf_security_group, tf_lambda, tf_ecr, tf_queue_table, tf_network)
TF_THEMES = {  # content file name -> factories it draws from
    "main.tf": TF_AI + TF_PLAIN,
    "sagemaker.tf": (tf_notebook, tf_domain, tf_model_endpoint, tf_feature_group),
    "endpoints.tf": (tf_model_endpoint, tf_model_endpoint, tf_data_quality),
    "monitoring.tf": (tf_data_quality, tf_flow_definition, tf_lambda),
    "features.tf": (tf_feature_group, tf_s3, tf_kms),
    "notebooks.tf": (tf_notebook, tf_domain, tf_iam),
    "bedrock.tf": (tf_bedrock, tf_iam, tf_s3),
    "storage.tf": (tf_s3, tf_s3, tf_kms, tf_ecr),
    "iam.tf": (tf_iam,),
    "kms.tf": (tf_kms,),
    "network.tf": (tf_network, tf_security_group),
    "security_groups.tf": (tf_security_group,),
    "lambda.tf": (tf_lambda, tf_queue_table),
    "registry.tf": (tf_registry, tf_ecr),
    "review.tf": (tf_flow_definition, tf_s3),
}
CONTENT_ORDER = ("kms.tf", "network.tf", "iam.tf", "storage.tf")  # defined early so later files can refer to them


def fill(s: TfScope, factories, target: int, render) -> list:
    """Call factories until the rendered blocks reach `target` lines."""
    blocks: list = []
    lines = 0
    while lines < target:
        new = s.rng.choice(factories)(s)
        blocks += new
        lines += sum(line_count(render(b)) + 1 for b in new)
    return blocks


def hcl_render(b) -> str:
    return f"# {b}" if isinstance(b, Comment) else "\n".join(hcl_block(b))


def tf_variable_block(name: str) -> Block:
    type_, default, desc = TF_VARS[name]
    body = [("description", desc), ("type", Bare(type_))]
    if default is not REQUIRED:
        body.append(("default", default))
    if name in TF_VALIDATIONS:
        cond, msg = TF_VALIDATIONS[name]
        body.append(Block("validation", body=[("condition", Expr(cond)), ("error_message", msg)]))
    if name == "kms_key_arn":
        body.append(("nullable", True))
    return Block("variable", (name,), body)


def tf_locals_blocks(s: TfScope) -> list:
    names = list(s.locals)
    body = [(n, TF_LOCALS[n][0]) for n in names]
    blocks: list = []
    if "azs" in s.locals:
        blocks.append(Block("data", ("aws_availability_zones", "available"), [("state", "available")]))
    if body:
        blocks.insert(0, Block("locals", body=body))
    return blocks


def tf_terraform_blocks(s: TfScope, backend: str | None, with_provider: bool) -> list:
    rng = s.rng
    tf = [("required_version", rng.choice([">= 1.5.0", ">= 1.6", "~> 1.7"]))] if not s.json else []  # cdktf writes none
    tf += [Block("required_providers", body=[("aws", {"source": "hashicorp/aws", "version": rng.choice(["~> 5.40", ">= 5.30, < 6.0", "~> 5.0"])})])]
    if backend:
        tf.append(Block("backend", ("s3",), [("bucket", "example-terraform-state"), ("key", backend + "/terraform.tfstate"),
                                             ("region", "us-east-1"), ("dynamodb_table", "terraform-locks"), ("encrypt", True)]))
    blocks = [Block("terraform", body=tf)]
    if with_provider:
        blocks.append(Block("provider", ("aws",), [("region", s.var("region")),
                                                   Block("default_tags", body=[("tags", s.tags())])]))
        if rng.random() < 0.3:
            blocks.append(Block("provider", ("aws",), [("alias", "replica"), ("region", "us-west-2")]))
    return blocks


def tf_outputs(s: TfScope, limit: int) -> list:
    out = []
    attrs = {"aws_s3_bucket": "arn", "aws_iam_role": "arn", "aws_kms_key": "arn", "aws_sagemaker_endpoint": "name",
             "aws_sagemaker_notebook_instance": "url", "aws_sagemaker_domain": "url", "aws_vpc": "id",
             "aws_security_group": "id", "aws_sagemaker_feature_group": "arn", "aws_lambda_function": "arn",
             "aws_sagemaker_model": "name", "aws_ecr_repository": "repository_url", "aws_bedrockagent_agent": "agent_id"}
    seen: set[str] = set()

    def output(name: str, body: list):
        if name not in seen:
            seen.add(name)
            out.append(Block("output", (name,), body))

    for rtype, attr in attrs.items():
        short = rtype.replace("aws_", "").replace("sagemaker_", "")
        for name in s.defined.get(rtype, []):
            body = [("description", f"{attr} of {rtype.replace('aws_', '').replace('_', ' ')} {name}"),
                    ("value", Expr(f"{rtype}.{name}.{attr}"))]
            if rtype == "aws_sagemaker_notebook_instance":
                body.append(("sensitive", True))
            output(f"{short}_{name}_{attr}", body)
    for call, info in s.modules:
        for o in info["outputs"][:2]:
            output(f"{call}_{o}", [("value", Expr(f"module.{call}.{o}"))])
    s.rng.shuffle(out)
    return out[:limit]


def pad_blocks(blocks: list, more, render) -> list:
    """Append blocks from `more()` until the file reaches MIN_LINES."""
    while sum(line_count(render(b)) + 1 for b in blocks) < MIN_LINES + 2:
        blocks.append(more())
    return blocks


class TfFolder:
    """Builds one Terraform directory (module, service or environment stack) of exactly n files."""

    def __init__(self, rng, path: str, n: int, kind: str, modules: list[dict]):
        self.rng, self.path, self.n, self.kind, self.modules = rng, path, n, kind, modules
        self.s = TfScope(rng)
        self.output_names: list[str] = []

    def module_call(self, info: dict) -> Block:
        s = self.s
        earlier = list(s.defined.get("module", []))
        call = s.new("module", info["name"].replace("-", "_"))
        body = [("source", posixpath.relpath(info["path"], self.path))]
        if self.rng.random() < 0.15:
            body.insert(0, ("for_each", Expr('toset(["blue", "green"])')))
        else:
            s.modules.append((call, info))  # its outputs can be re-exported
        for v in info["inputs"]:
            if v in ("project", "environment", "tags", "region"):
                body.append((v, s.var(v)))
            elif TF_VARS[v][1] is REQUIRED or self.rng.random() < 0.4:
                body.append((v, s.var(v)))
        if earlier and self.rng.random() < 0.3:
            body.append(("depends_on", [Bare("module." + earlier[0])]))
        return Block("module", (call,), body)

    def registry_module(self) -> Block:
        s = self.s
        s.local("azs")
        return Block("module", (s.new("module", "vpc"),), [
            ("source", "terraform-aws-modules/vpc/aws"), ("version", "5.5.1"),
            ("name", s.label("vpc")), ("cidr", s.var("vpc_cidr")), ("azs", s.local("azs")),
            ("private_subnets", ["10.20.1.0/24", "10.20.2.0/24", "10.20.3.0/24"]),
            ("enable_nat_gateway", True), ("single_nat_gateway", not s.good()), ("tags", s.tags())])

    def build(self) -> dict[str, str]:
        rng, s = self.rng, self.s
        files: dict[str, list] = {}
        # structural files, most important first; the rest are content files
        structural = ["variables.tf", "providers.tf" if self.kind != "module" else "versions.tf", "outputs.tf", "locals.tf"]
        if self.kind == "env":
            structural.insert(2, "terraform.tfvars")
        n_struct = min(len(structural), max(0, self.n - 1), 1 + self.n // 3)
        structural = structural[:n_struct]
        n_content = self.n - n_struct
        if self.kind == "env":
            names = ["main.tf"] + [f"{m}.tf" for m in ("data", "shared", "ml", "apps", "extra")]
        else:
            theme = [t for t in TF_THEMES if t != "main.tf"]
            rng.shuffle(theme)
            names = ["main.tf"] + theme
        while len(names) < n_content:
            names.append(f"{rng.choice(WORDS)}_{len(names)}.tf")
        names = names[:n_content]
        names.sort(key=lambda f: (f not in CONTENT_ORDER, CONTENT_ORDER.index(f) if f in CONTENT_ORDER else 0))
        for fname in names:
            target = size_target(rng)
            if self.kind == "env":
                blocks = []
                while sum(line_count(hcl_render(b)) + 1 for b in blocks) < target:
                    if self.modules and rng.random() < 0.7:
                        blocks.append(self.module_call(rng.choice(self.modules)))
                    elif rng.random() < 0.3 and "vpc" not in s.defined.get("module", []):
                        blocks.append(self.registry_module())
                    else:
                        blocks += rng.choice(TF_AI + TF_PLAIN)(s)
            else:
                blocks = fill(s, TF_THEMES.get(fname, TF_THEMES["main.tf"]), target, hcl_render)
                if self.kind == "service" and self.modules and rng.random() < 0.12:
                    blocks.append(self.module_call(rng.choice(self.modules)))
            if rng.random() < 0.3:
                blocks.insert(0, Comment(f"{fname[:-3].replace('_', ' ').title()} resources for {self.path.split('/')[-1]}."))
            files[fname] = blocks
        # structural files depend on what the content used
        main = files["main.tf"] if "main.tf" in files else files[names[0]]
        if "outputs.tf" in structural:
            outputs = pad_blocks(tf_outputs(s, rng.randint(3, 30)),
                                 lambda: Block("output", (s.new("output", "name_prefix"),), [("value", s.local("name_prefix"))]), hcl_render)
            files["outputs.tf"] = outputs
        else:
            outputs = tf_outputs(s, 3)
            main += outputs
        self.output_names = [b.labels[0] for b in outputs]
        backend = self.path if self.kind != "module" else None
        tf_blocks = tf_terraform_blocks(s, backend, with_provider=self.kind != "module")
        vfile = "providers.tf" if "providers.tf" in structural else "versions.tf" if "versions.tf" in structural else None
        if vfile:
            files[vfile] = tf_blocks
        else:
            main[:0] = tf_blocks
        local_blocks = tf_locals_blocks(s)
        if vfile == "versions.tf":  # a module's versions.tf is short: its locals go there too
            extra = iter(n for n in TF_LOCALS if n not in s.locals)
            while sum(line_count(hcl_render(b)) + 1 for b in tf_blocks + tf_locals_blocks(s)) < MIN_LINES + 2:
                s.local(next(extra))
            files[vfile] = tf_blocks + tf_locals_blocks(s)
        elif "locals.tf" in structural:
            extra = iter(n for n in TF_LOCALS if n not in s.locals)
            while sum(line_count(hcl_render(b)) for b in tf_locals_blocks(s)) < MIN_LINES + 2:
                s.local(next(extra))
            files["locals.tf"] = tf_locals_blocks(s)
        else:
            main[:0] = local_blocks
        var_blocks = [tf_variable_block(v) for v in s.vars]
        if "variables.tf" in structural:
            extra = iter(v for v in TF_VARS if v not in s.vars)
            while sum(line_count(hcl_render(b)) + 1 for b in var_blocks) < MIN_LINES + 2:
                var_blocks.append(tf_variable_block(next(extra)))
            files["variables.tf"] = var_blocks
        else:
            main[:0] = var_blocks
        out = {posixpath.join(self.path, f): hcl_file(blocks) for f, blocks in files.items() if f != "terraform.tfvars"}
        if "terraform.tfvars" in structural:
            values = {"project": self.path.split("/")[-1], "environment": self.path.split("/")[-2]}
            for v in s.vars:
                if v not in values and (TF_VARS[v][1] is REQUIRED or rng.random() < 0.3):
                    values[v] = sample_value(v, rng)
            lines = [f"{k.ljust(max(map(len, values)))} = {hcl_val(v, 0)}" for k, v in values.items()]
            text = "\n".join(lines) + "\n"
            while line_count(text) < MIN_LINES:
                text += f"\n# {rng.choice(WORDS)} settings are inherited from the module defaults\n"
            out[posixpath.join(self.path, "terraform.tfvars")] = text
        return out

    def info(self) -> dict:
        """What a caller needs to know to call this module (after build)."""
        return {"name": self.path.split("/")[-1], "path": self.path, "inputs": list(self.s.vars), "outputs": self.output_names}


def sample_value(var: str, rng: random.Random):
    samples = {
        "vpc_id": "vpc-0a1b2c3d4e5f67890", "subnet_ids": ["subnet-0aa11bb22cc33dd44", "subnet-0ee55ff66aa77bb88"],
        "kms_key_arn": "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "notebook_role_arn": "arn:aws:iam::111122223333:role/ml-notebook", "execution_role_arn": "arn:aws:iam::111122223333:role/ml-exec",
        "model_image": "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.1.0-cpu-py310",
        "model_data_url": "s3://example-ml-models/churn/model.tar.gz",
        "workteam_arn": "arn:aws:sagemaker:us-east-1:111122223333:workteam/private-crowd/reviewers",
        "human_task_ui_arn": "arn:aws:sagemaker:us-east-1:111122223333:human-task-ui/review-template",
    }
    if var in samples:
        return samples[var]
    default = TF_VARS[var][1]
    return default if default is not REQUIRED else "changeme"


def gen_terraform_hcl(n: int, seed: int) -> dict[str, str]:
    files: dict[str, str] = {}
    modules: list[dict] = []
    n_modules = n // 5
    i = 0
    while len(files) < n_modules:
        rng = random.Random(f"{seed}:tf-module:{i}")
        name = slug(rng.choice(["sagemaker", "ml", "feature", "model", "data", "bedrock", "secure"]),
                    rng.choice(["notebook", "endpoint", "domain", "store", "lake", "monitor", "agent", "network", "bucket", "role"]), f"v{i}")
        folder = TfFolder(rng, f"terraform/modules/{name}", min(rng.randint(3, 5), n_modules - len(files)), "module", [])
        files.update(folder.build())
        modules.append(folder.info())
        i += 1
    i = 0
    while len(files) < n:
        rng = random.Random(f"{seed}:tf-stack:{i}")
        left = n - len(files)
        if rng.random() < 0.1 and modules:
            path = f"terraform/envs/{rng.choice(['dev', 'staging', 'prod'])}/{rng.choice(TEAMS)}-{i}"
            folder = TfFolder(rng, path, min(rng.randint(3, 6), left), "env", modules)
        else:
            path = f"terraform/services/{rng.choice(TEAMS)}/{rng.choice(SERVICES)}-{i}"
            folder = TfFolder(rng, path, min(rng.randint(3, 9), left), "service", modules)
        files.update(folder.build())
        i += 1
    return files


def tfjson_render(b) -> str:
    return json.dumps(tfjson_body([b]), indent=2)


def gen_terraform_json(n: int, seed: int) -> dict[str, str]:
    """Plain Terraform JSON (.tf.json) written by other tooling: one stack per folder."""
    files: dict[str, str] = {}
    i = 0
    while len(files) < n:
        rng = random.Random(f"{seed}:tf-json:{i}")
        s = TfScope(rng, json_out=True)
        path = f"terraform/generated/{rng.choice(TEAMS)}-{rng.choice(SERVICES)}-{i}"
        count = min(rng.randint(1, 3), n - len(files))
        per_file = [fill(s, TF_AI + TF_PLAIN, max(MIN_LINES + 10, size_target(rng) * 2 // 3), tfjson_render) for _ in range(count)]
        # the first file also holds the settings, inputs and outputs of the whole folder
        per_file[0] = (tf_terraform_blocks(s, None, True) + tf_locals_blocks(s) + [tf_variable_block(v) for v in s.vars]
                       + per_file[0] + tf_outputs(s, 5))
        for j, blocks in enumerate(per_file):
            name = "main.tf.json" if j == 0 else f"{rng.choice(WORDS)}_{j}.tf.json"
            files[f"{path}/{name}"] = json.dumps(tfjson_body(blocks), indent=2) + "\n"
        i += 1
    return files


def gen_cdktf(n: int, seed: int) -> dict[str, str]:
    """A CDK for Terraform app: cdktf.json plus synthesized cdktf.out/stacks/<name>/cdk.tf.json."""
    files: dict[str, str] = {}
    i = 0
    while len(files) < n:
        rng = random.Random(f"{seed}:cdktf:{i}")
        app = f"cdktf/{rng.choice(TEAMS)}-ml-app-{i}"
        left = n - len(files)
        n_stacks = min(rng.randint(3, 8), left - 1)  # plus cdktf.json, and manifest.json if there is room
        stacks = [f"{rng.choice(TEAMS)}-{rng.choice(SERVICES)}-{k}" for k in range(n_stacks)]
        project_id = "%08x-%04x-4%03x-a%03x-%012x" % (rng.getrandbits(32), rng.getrandbits(16), rng.getrandbits(12),
                                                     rng.getrandbits(12), rng.getrandbits(48))
        files[f"{app}/cdktf.json"] = json.dumps({
            "language": "typescript", "app": "npx ts-node main.ts", "projectId": project_id, "sendCrashReports": "false",
            "terraformProviders": ["aws@~> 5.40"], "terraformModules": [],
            "context": {"excludeStackIdFromLogicalIds": "true", "allowSepCharsInLogicalIds": "true"}}, indent=2) + "\n"
        manifest = {"version": "0.20.7", "stacks": {}}
        for stack in stacks:
            s = TfScope(rng, cdktf=True)
            blocks = fill(s, TF_AI + TF_PLAIN, size_target(rng) * 2 // 3, tfjson_render)
            doc = {"//": {"metadata": {"backend": "s3", "stackName": stack, "version": "0.20.7"},
                          "outputs": {stack: {}}}}
            doc.update(tfjson_body(tf_terraform_blocks(s, f"cdktf/{stack}", True) + [tf_variable_block(v) for v in s.vars]))
            doc["provider"]["aws"] = doc["provider"]["aws"] if isinstance(doc["provider"]["aws"], list) else [doc["provider"]["aws"]]
            body = tfjson_body(tf_locals_blocks(s) + blocks)
            for rtype, named in body.get("resource", {}).items():
                for name, res in named.items():
                    construct = name.rsplit("_", 1)[0]
                    res_meta = {"//": {"metadata": {"path": f"{stack}/{construct}/Resource" if rng.random() < 0.5 else f"{stack}/{construct}",
                                                    "uniqueId": name}}}
                    named[name] = {**res_meta, **res}
            doc.update(body)
            outs = tf_outputs(s, 4)
            if outs:
                doc.update(tfjson_body(outs))
            files[f"{app}/cdktf.out/stacks/{stack}/cdk.tf.json"] = json.dumps(doc, indent=2) + "\n"
            manifest["stacks"][stack] = {"name": stack, "constructPath": stack, "synthesizedStackPath": f"stacks/{stack}/cdk.tf.json",
                                         "workingDirectory": f"stacks/{stack}", "annotations": [], "dependencies": []}
        if len(files) < n:
            files[f"{app}/cdktf.out/manifest.json"] = json.dumps(manifest, indent=2) + "\n"
        i += 1
    return files


# =================================================================================================
# CloudFormation: one template model written as YAML (short-form intrinsics) or JSON
# =================================================================================================

class Fn:
    """An intrinsic function: !Ref X / !GetAtt A.B / !Sub ... in YAML, {"Ref": X} / {"Fn::...": ...} in JSON."""

    def __init__(self, name: str, arg):
        self.name, self.arg = name, arg

    def long(self) -> dict:
        if self.name == "Ref":
            return {"Ref": self.arg}
        if self.name == "GetAtt" and isinstance(self.arg, str):
            return {"Fn::GetAtt": self.arg.split(".", 1)}
        return {"Fn::" + self.name: self.arg}


def Ref(x):
    return Fn("Ref", x)


def GetAtt(x):
    return Fn("GetAtt", x)


def Sub(x):
    return Fn("Sub", x)


def cfn_json(v):
    if isinstance(v, Fn):
        return {k: cfn_json(x) for k, x in v.long().items()}
    if isinstance(v, dict):
        return {k: cfn_json(x) for k, x in v.items()}
    if isinstance(v, list):
        return [cfn_json(x) for x in v]
    return v


YAML_PLAIN = re.compile(r"^[A-Za-z/][A-Za-z0-9_./@*()=+-]*(:[A-Za-z0-9_./@*()=+-]*)*( [A-Za-z0-9_./@*()=+-]+)*$")
YAML_RESERVED = {"y", "n", "yes", "no", "true", "false", "on", "off", "null"}


def y_scalar(v, flow: bool = False) -> str:
    if v is True:
        return "true"
    if v is False:
        return "false"
    if v is None:
        return "null"
    if isinstance(v, (int, float)):
        return repr(v)
    s = str(v)
    if YAML_PLAIN.match(s) and s.lower() not in YAML_RESERVED and not (flow and ":" in s) and not s.endswith(":"):
        return s
    return json.dumps(s)


def y_inline(v, flow: bool = False):
    """A one-line form of v, or None."""
    if isinstance(v, Fn):
        if isinstance(v.arg, Fn):
            return None
        if isinstance(v.arg, list):
            inner = y_inline(v.arg, True)
            return None if inner is None else f"!{v.name} {inner}"
        if isinstance(v.arg, dict) or (isinstance(v.arg, str) and "\n" in v.arg):
            return None
        return f"!{v.name} {y_scalar(v.arg, flow)}"
    if isinstance(v, list):
        if not v:
            return "[]"
        parts = [y_inline(x, True) for x in v]
        if all(p is not None for p in parts) and all(not isinstance(x, (dict, list)) for x in v):
            text = "[" + ", ".join(parts) + "]"
            return text if len(text) < 80 else None
        return None
    if isinstance(v, dict):
        return "{}" if not v else None
    if isinstance(v, str) and "\n" in v:
        return None
    return y_scalar(v, flow)


def y_value(prefix: str, v, ind: int) -> list[str]:
    """Lines for `prefix` ("Key:" or "-") followed by the value v."""
    pad = " " * ind
    inline = y_inline(v)
    if inline is not None:
        return [f"{pad}{prefix} {inline}"]
    if isinstance(v, str):  # multi-line
        return [f"{pad}{prefix} |"] + [(pad + "  " + line) if line else "" for line in v.rstrip("\n").split("\n")]
    if isinstance(v, Fn):
        if isinstance(v.arg, Fn) or isinstance(v.arg, dict):
            return y_value(prefix, v.long(), ind)
        if isinstance(v.arg, str):
            return [f"{pad}{prefix} !{v.name} |"] + [(pad + "  " + line) if line else "" for line in v.arg.rstrip("\n").split("\n")]
        return [f"{pad}{prefix} !{v.name}"] + y_seq(v.arg, ind + 2)
    if isinstance(v, dict):
        if prefix == "-":
            lines = y_map(v, ind + 2)
            return [f"{pad}- {lines[0].lstrip()}"] + lines[1:]
        return [f"{pad}{prefix}"] + y_map(v, ind + 2)
    if isinstance(v, list):
        return [f"{pad}{prefix}"] + y_seq(v, ind + 2)
    raise TypeError(type(v))


def y_map(d: dict, ind: int) -> list[str]:
    lines = []
    for k, v in d.items():
        lines += y_value(y_scalar(k) + ":", v, ind)
    return lines


def y_seq(items: list, ind: int) -> list[str]:
    lines = []
    for x in items:
        lines += y_value("-", x, ind)
    return lines


def yaml_template(doc: dict) -> str:
    lines = []
    for key, value in doc.items():
        if lines and isinstance(value, dict):
            lines.append("")
        if key == "Resources":  # a blank line between resources, as people write them
            lines.append("Resources:")
            for i, (name, res) in enumerate(value.items()):
                if i:
                    lines.append("")
                lines += y_value(y_scalar(name) + ":", res, 2)
        else:
            lines += y_value(y_scalar(key) + ":", value, 0)
    return "\n".join(lines) + "\n"


CFN_PARAMS = {
    "Environment": {"Type": "String", "Default": "dev", "AllowedValues": ["dev", "staging", "prod"], "Description": "Deployment environment"},
    "ProjectName": {"Type": "String", "Default": "mlplatform", "AllowedPattern": "^[a-z][a-z0-9-]{2,20}$", "Description": "Prefix for resource names"},
    "VpcId": {"Type": "AWS::EC2::VPC::Id", "Description": "VPC for the ML workloads"},
    "SubnetIds": {"Type": "List<AWS::EC2::Subnet::Id>", "Description": "Private subnets"},
    "KmsKeyArn": {"Type": "String", "Default": "", "Description": "Customer managed KMS key ARN (empty for the AWS managed key)"},
    "NotebookInstanceType": {"Type": "String", "Default": "ml.t3.medium", "AllowedValues": list(INSTANCE_TYPES[:5])},
    "EndpointInstanceType": {"Type": "String", "Default": "ml.m5.xlarge"},
    "ModelDataUrl": {"Type": "String", "Description": "S3 URI of the model artifact"},
    "ImageUri": {"Type": "String", "Description": "Inference container image"},
    "InstanceCount": {"Type": "Number", "Default": 1, "MinValue": 1, "MaxValue": 10},
    "LogRetentionDays": {"Type": "Number", "Default": 90, "AllowedValues": [7, 30, 90, 365]},
    "AllowedCidr": {"Type": "String", "Default": "10.0.0.0/8", "Description": "CIDR allowed to reach the endpoint"},
    "MonitoringImage": {"Type": "String", "Default": "156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer"},
    "WorkteamArn": {"Type": "String", "Description": "Private workforce for human review"},
}
CFN_CONDITIONS = {
    "IsProd": Fn("Equals", [Ref("Environment"), "prod"]),
    "HasKmsKey": Fn("Not", [Fn("Equals", [Ref("KmsKeyArn"), ""])]),
}
CFN_CONDITION_PARAMS = {"IsProd": "Environment", "HasKmsKey": "KmsKeyArn"}

LIFECYCLE_SCRIPT = """#!/bin/bash
set -e
# stop the instance after an hour of idleness
IDLE_TIME=3600
echo "Fetching the autostop script"
wget -q https://raw.githubusercontent.com/aws-samples/amazon-sagemaker-notebook-instance-lifecycle-config-samples/master/scripts/auto-stop-idle/autostop.py
(crontab -l 2>/dev/null; echo "*/5 * * * * /usr/bin/python3 $PWD/autostop.py --time $IDLE_TIME") | crontab -
"""


class CfnScope:
    def __init__(self, rng: random.Random, sam: bool = False, bad_rate: float = 0.35):
        self.rng, self.sam, self.bad_rate = rng, sam, bad_rate
        self.ids: set[str] = set()
        self.defined: dict[str, list[str]] = {}
        self.params: dict[str, None] = {}
        self.conditions: dict[str, None] = {}

    def new(self, rtype: str, base: str) -> str:
        base = "".join(p.capitalize() for p in re.split(r"[-_ ]", base))
        name, i = base, 2
        while name in self.ids:
            name, i = f"{base}{i}", i + 1
        self.ids.add(name)
        self.defined.setdefault(rtype, []).append(name)
        return name

    def pick(self, rtype: str):
        names = self.defined.get(rtype)
        return self.rng.choice(names) if names else None

    def param(self, name: str) -> Fn:
        self.params[name] = None
        return Ref(name)

    def cond(self, name: str) -> str:
        self.conditions[name] = None
        self.params[CFN_CONDITION_PARAMS[name]] = None
        return name

    def good(self) -> bool:
        return self.rng.random() >= self.bad_rate

    def word(self) -> str:
        return self.rng.choice(WORDS)

    def name(self, word: str) -> Fn:
        self.params["ProjectName"] = None
        self.params["Environment"] = None
        return Sub("${ProjectName}-${Environment}-" + word)

    def kms(self):
        key = self.pick("AWS::KMS::Key")
        if key:
            return GetAtt(key + ".Arn") if self.rng.random() < 0.5 else Ref(key)
        return Fn("If", [self.cond("HasKmsKey"), Ref("KmsKeyArn"), Ref("AWS::NoValue")])

    def role(self):
        role = self.pick("AWS::IAM::Role")
        return GetAtt(role + ".Arn") if role else Sub("arn:aws:iam::${AWS::AccountId}:role/service-role/AmazonSageMaker-ExecutionRole")

    def sgs(self):
        sg = self.pick("AWS::EC2::SecurityGroup")
        return [Ref(sg)] if sg else [Fn("ImportValue", "shared-ml-sg-id")]

    def bucket_uri(self, suffix: str):
        b = self.pick("AWS::S3::Bucket")
        return Sub("s3://${" + b + "}/" + suffix) if b else Sub("s3://${ProjectName}-${Environment}-ml/" + suffix)

    def tags(self, **extra):
        self.params["ProjectName"] = None
        self.params["Environment"] = None
        tags = [{"Key": "Project", "Value": Ref("ProjectName")}, {"Key": "Environment", "Value": Ref("Environment")}]
        return tags + [{"Key": k, "Value": v} for k, v in extra.items()]


def cfn_notebook(c: CfnScope) -> dict:
    w = c.word()
    out = {}
    props = {"NotebookInstanceName": c.name(w + "-nb"), "InstanceType": c.param("NotebookInstanceType"), "RoleArn": c.role(),
             "PlatformIdentifier": "notebook-al2-v2", "VolumeSizeInGB": c.rng.choice([20, 50, 100])}
    if c.good():
        props.update({"DirectInternetAccess": "Disabled", "SubnetId": Fn("Select", [0, c.param("SubnetIds")]), "SecurityGroupIds": c.sgs()})
    elif c.rng.random() < 0.5:
        props["DirectInternetAccess"] = "Enabled"
    if c.rng.random() < 0.7:
        props["RootAccess"] = "Disabled" if c.good() else "Enabled"
    if c.good():
        props["KmsKeyId"] = c.kms()
    if c.rng.random() < 0.4:
        lcc = c.new("AWS::SageMaker::NotebookInstanceLifecycleConfig", w + "-lifecycle")
        script = Fn("Base64", LIFECYCLE_SCRIPT) if c.rng.random() < 0.5 else Fn("Base64", Sub(LIFECYCLE_SCRIPT.replace("set -e", "set -e\n# stack ${AWS::StackName}")))
        out[lcc] = {"Type": "AWS::SageMaker::NotebookInstanceLifecycleConfig",
                    "Properties": {"NotebookInstanceLifecycleConfigName": c.name(w + "-lcc"), "OnStart": [{"Content": script}]}}
        props["LifecycleConfigName"] = GetAtt(lcc + ".NotebookInstanceLifecycleConfigName")
    if c.rng.random() < 0.4:
        props["InstanceMetadataServiceConfiguration"] = {"MinimumInstanceMetadataServiceVersion": "2" if c.good() else "1"}
    props["Tags"] = c.tags(Team=c.rng.choice(TEAMS))
    out[c.new("AWS::SageMaker::NotebookInstance", w + "-notebook")] = {"Type": "AWS::SageMaker::NotebookInstance", "Properties": props}
    return out


def cfn_domain(c: CfnScope) -> dict:
    w = c.word()
    user = {"ExecutionRole": c.role(), "SecurityGroups": c.sgs()}
    if c.rng.random() < 0.6:
        user["SharingSettings"] = {"NotebookOutputOption": "Disabled"} if c.good() else {
            "NotebookOutputOption": "Allowed", "S3OutputPath": c.bucket_uri("sharing")}
    props = {"DomainName": c.name(w + "-studio"), "AuthMode": "IAM", "VpcId": c.param("VpcId"), "SubnetIds": c.param("SubnetIds"),
             "AppNetworkAccessType": "VpcOnly" if c.good() else "PublicInternetOnly", "DefaultUserSettings": user}
    if c.good():
        props["KmsKeyId"] = c.kms()
    props["Tags"] = c.tags()
    domain = c.new("AWS::SageMaker::Domain", w + "-domain")
    out = {domain: {"Type": "AWS::SageMaker::Domain", "Properties": props}}
    if c.rng.random() < 0.5:
        prof = c.new("AWS::SageMaker::UserProfile", w + "-user")
        out[prof] = {"Type": "AWS::SageMaker::UserProfile",
                     "Properties": {"DomainId": GetAtt(domain + ".DomainId"), "UserProfileName": c.rng.choice(["alice", "bob", "carol"]),
                                    "UserSettings": {"ExecutionRole": c.role()}}}
    return out


def cfn_model_endpoint(c: CfnScope) -> dict:
    w = c.word()
    model = c.new("AWS::SageMaker::Model", w + "-model")
    mprops = {"ModelName": c.name(w + "-model"), "ExecutionRoleArn": c.role(),
              "PrimaryContainer": {"Image": c.param("ImageUri"), "ModelDataUrl": c.param("ModelDataUrl"),
                                   "Environment": {"SAGEMAKER_PROGRAM": "inference.py", "SAGEMAKER_REGION": Ref("AWS::Region")}}}
    if c.good():
        mprops["EnableNetworkIsolation"] = True
    if c.good():
        mprops["VpcConfig"] = {"SecurityGroupIds": c.sgs(), "Subnets": c.param("SubnetIds")}
    mprops["Tags"] = c.tags()
    out = {model: {"Type": "AWS::SageMaker::Model", "Properties": mprops}}
    cfg = c.new("AWS::SageMaker::EndpointConfig", w + "-endpoint-config")
    cprops = {"ProductionVariants": [{"VariantName": "AllTraffic", "ModelName": GetAtt(model + ".ModelName"),
                                      "InitialInstanceCount": c.param("InstanceCount"), "InstanceType": c.param("EndpointInstanceType"),
                                      "InitialVariantWeight": 1.0}]}
    if c.good():
        cprops["KmsKeyId"] = c.kms()
    if c.good():
        capture = {"EnableCapture": True, "InitialSamplingPercentage": 20, "DestinationS3Uri": c.bucket_uri("data-capture"),
                   "CaptureOptions": [{"CaptureMode": "Input"}, {"CaptureMode": "Output"}]}
        if c.good():
            capture["KmsKeyId"] = c.kms()
        cprops["DataCaptureConfig"] = capture
    cprops["Tags"] = c.tags()
    out[cfg] = {"Type": "AWS::SageMaker::EndpointConfig", "Properties": cprops}
    ep = c.new("AWS::SageMaker::Endpoint", w + "-endpoint")
    out[ep] = {"Type": "AWS::SageMaker::Endpoint",
               "Properties": {"EndpointName": c.name(w), "EndpointConfigName": GetAtt(cfg + ".EndpointConfigName"), "Tags": c.tags()}}
    if c.rng.random() < 0.3:
        out[ep]["Condition"] = c.cond("IsProd")
    return out


def cfn_data_quality(c: CfnScope) -> dict:
    w = c.word()
    ep = c.pick("AWS::SageMaker::Endpoint")
    net = {"EnableInterContainerTrafficEncryption": c.good(), "EnableNetworkIsolation": c.good()}
    if c.good():
        net["VpcConfig"] = {"SecurityGroupIds": c.sgs(), "Subnets": c.param("SubnetIds")}
    out_cfg = {"MonitoringOutputs": [{"S3Output": {"LocalPath": "/opt/ml/processing/output", "S3Uri": c.bucket_uri("monitoring")}}]}
    if c.good():
        out_cfg["KmsKeyId"] = c.kms()
    cluster = {"InstanceCount": 1, "InstanceType": "ml.m5.xlarge", "VolumeSizeInGB": 20}
    if c.good():
        cluster["VolumeKmsKeyId"] = c.kms()
    props = {"JobDefinitionName": c.name(w + "-dq"), "RoleArn": c.role(),
             "DataQualityAppSpecification": {"ImageUri": c.param("MonitoringImage")},
             "DataQualityJobInput": {"EndpointInput": {"EndpointName": GetAtt(ep + ".EndpointName") if ep else c.name(w),
                                                       "LocalPath": "/opt/ml/processing/input"}},
             "DataQualityJobOutputConfig": out_cfg, "JobResources": {"ClusterConfig": cluster},
             "NetworkConfig": net, "StoppingCondition": {"MaxRuntimeInSeconds": 3600}}
    return {c.new("AWS::SageMaker::DataQualityJobDefinition", w + "-data-quality"):
            {"Type": "AWS::SageMaker::DataQualityJobDefinition", "Properties": props}}


def cfn_feature_group(c: CfnScope) -> dict:
    w = c.word()
    online = {"EnableOnlineStore": True}
    if c.good():
        online["SecurityConfig"] = {"KmsKeyId": c.kms()}
    s3 = {"S3Uri": c.bucket_uri("offline-store")}
    if c.good():
        s3["KmsKeyId"] = c.kms()
    feats = [("customer_id", "String"), ("event_time", "String"), ("tenure_months", "Integral"), ("monthly_spend", "Fractional"),
             ("support_tickets", "Integral")][:c.rng.randint(2, 5)]
    props = {"FeatureGroupName": c.name(w + "-features"), "RecordIdentifierFeatureName": "customer_id",
             "EventTimeFeatureName": "event_time", "RoleArn": c.role(),
             "FeatureDefinitions": [{"FeatureName": n, "FeatureType": t} for n, t in feats],
             "OnlineStoreConfig": online, "OfflineStoreConfig": {"S3StorageConfig": s3, "DisableGlueTableCreation": False}}
    return {c.new("AWS::SageMaker::FeatureGroup", w + "-feature-group"): {"Type": "AWS::SageMaker::FeatureGroup", "Properties": props}}


def cfn_registry(c: CfnScope) -> dict:
    w = c.word()
    return {c.new("AWS::SageMaker::ModelPackageGroup", w + "-package-group"): {
        "Type": "AWS::SageMaker::ModelPackageGroup",
        "Properties": {"ModelPackageGroupName": c.name(w + "-models"),
                       "ModelPackageGroupDescription": f"Approved {w} model versions", "Tags": c.tags()}}}


def cfn_bucket(c: CfnScope) -> dict:
    w = c.word()
    b = c.new("AWS::S3::Bucket", w + "-bucket")
    props = {"BucketName": c.name(w)}
    if c.good():
        props["BucketEncryption"] = {"ServerSideEncryptionConfiguration": [{
            "ServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": c.kms()}, "BucketKeyEnabled": True}]}
    if c.good():
        props["VersioningConfiguration"] = {"Status": "Enabled"}
    if c.good():
        props["PublicAccessBlockConfiguration"] = {"BlockPublicAcls": True, "BlockPublicPolicy": True,
                                                   "IgnorePublicAcls": True, "RestrictPublicBuckets": True}
    if c.rng.random() < 0.3:
        props["LoggingConfiguration"] = {"DestinationBucketName": Fn("ImportValue", "central-access-logs-bucket"), "LogFilePrefix": w + "/"}
    if c.rng.random() < 0.3:
        props["LifecycleConfiguration"] = {"Rules": [{"Id": "expire-tmp", "Status": "Enabled", "Prefix": "tmp/", "ExpirationInDays": 7}]}
    props["Tags"] = c.tags(DataClass=c.rng.choice(["internal", "confidential"]))
    out = {b: {"Type": "AWS::S3::Bucket", "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain", "Properties": props}}
    if c.rng.random() < 0.4:
        out[c.new("AWS::S3::BucketPolicy", w + "-bucket-policy")] = {"Type": "AWS::S3::BucketPolicy", "Properties": {
            "Bucket": Ref(b), "PolicyDocument": {"Version": "2012-10-17", "Statement": [{
                "Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                "Resource": [GetAtt(b + ".Arn"), Sub("${" + b + ".Arn}/*")],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}}}
    return out


def cfn_role(c: CfnScope) -> dict:
    w = c.word()
    wide = not c.good()
    principal = c.rng.choice(["sagemaker.amazonaws.com", "lambda.amazonaws.com"])
    statements = [{"Effect": "Allow", "Action": ["sagemaker:*"] if wide else ["sagemaker:InvokeEndpoint", "sagemaker:DescribeEndpoint"],
                   "Resource": "*" if wide else Sub("arn:aws:sagemaker:${AWS::Region}:${AWS::AccountId}:endpoint/*")},
                  {"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": "*"}]
    b = c.pick("AWS::S3::Bucket")
    if b:
        statements.append({"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": Sub("${" + b + ".Arn}/*")})
    props = {"RoleName": c.name(w + "-role"),
             "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [
                 {"Effect": "Allow", "Principal": {"Service": [principal]}, "Action": ["sts:AssumeRole"]}]},
             "Policies": [{"PolicyName": w + "-access", "PolicyDocument": {"Version": "2012-10-17", "Statement": statements}}]}
    if c.rng.random() < 0.3:
        props["ManagedPolicyArns"] = ["arn:aws:iam::aws:policy/AmazonSageMakerFullAccess" if wide
                                      else "arn:aws:iam::aws:policy/CloudWatchLogsReadOnlyAccess"]
    if principal == "lambda.amazonaws.com" and c.rng.random() < 0.5:
        props.setdefault("ManagedPolicyArns", []).append(Sub("arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"))
    out = {c.new("AWS::IAM::Role", w + "-role"): {"Type": "AWS::IAM::Role", "Properties": props}}
    if c.rng.random() < 0.3:
        out[c.new("AWS::IAM::ManagedPolicy", w + "-policy")] = {"Type": "AWS::IAM::ManagedPolicy", "Properties": {
            "Description": f"Read access to {w} artifacts", "PolicyDocument": {"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": "*"}]}}}
    return out


def cfn_kms(c: CfnScope) -> dict:
    w = c.word()
    key = c.new("AWS::KMS::Key", w + "-key")
    out = {key: {"Type": "AWS::KMS::Key", "Properties": {
        "Description": f"CMK for {w} data", "EnableKeyRotation": c.good(), "PendingWindowInDays": 30,
        "KeyPolicy": {"Version": "2012-10-17", "Statement": [
            {"Sid": "EnableRootPermissions", "Effect": "Allow", "Principal": {"AWS": Sub("arn:aws:iam::${AWS::AccountId}:root")},
             "Action": "kms:*", "Resource": "*"},
            {"Sid": "AllowSageMaker", "Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"},
             "Action": ["kms:Decrypt", "kms:GenerateDataKey*", "kms:CreateGrant"], "Resource": "*"}]}}}}
    out[c.new("AWS::KMS::Alias", w + "-alias")] = {"Type": "AWS::KMS::Alias", "Properties": {
        "AliasName": Sub("alias/" + c.name(w).arg), "TargetKeyId": Ref(key)}}
    return out


def cfn_network(c: CfnScope) -> dict:
    w = c.word()
    sg = c.new("AWS::EC2::SecurityGroup", w + "-sg")
    ingress = [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
                "CidrIp": "0.0.0.0/0" if not c.good() else c.param("AllowedCidr"), "Description": "HTTPS"}]
    if c.rng.random() < 0.2:
        ingress.append({"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": "0.0.0.0/0", "Description": "SSH"})
    out = {sg: {"Type": "AWS::EC2::SecurityGroup", "Properties": {
        "GroupDescription": f"Traffic for the {w} workloads", "VpcId": c.param("VpcId"), "SecurityGroupIngress": ingress,
        "SecurityGroupEgress": [{"IpProtocol": "-1", "CidrIp": "0.0.0.0/0", "Description": "All outbound"}], "Tags": c.tags()}}}
    if c.rng.random() < 0.4:
        for svc in c.rng.sample(["sagemaker.api", "sagemaker.runtime", "bedrock-runtime"], 2):
            out[c.new("AWS::EC2::VPCEndpoint", svc.replace(".", "-") + "-endpoint")] = {"Type": "AWS::EC2::VPCEndpoint", "Properties": {
                "VpcId": c.param("VpcId"), "ServiceName": Sub("com.amazonaws.${AWS::Region}." + svc), "VpcEndpointType": "Interface",
                "PrivateDnsEnabled": True, "SubnetIds": c.param("SubnetIds"), "SecurityGroupIds": [Ref(sg)]}}
    return out


def cfn_lambda(c: CfnScope) -> dict:
    w = c.word()
    fn = c.new("AWS::Lambda::Function", w + "-function")
    env = {"LOG_LEVEL": "INFO"}
    ep = c.pick("AWS::SageMaker::Endpoint")
    if ep:
        env["ENDPOINT_NAME"] = GetAtt(ep + ".EndpointName")
    props = {"FunctionName": c.name(w + "-handler"), "Runtime": "python3.12", "Handler": "index.handler", "Role": c.role(),
             "Timeout": c.rng.choice([30, 60, 300]), "MemorySize": c.rng.choice([256, 512, 1024]),
             "Code": {"ZipFile": "import json\nimport os\n\n\ndef handler(event, context):\n    return {\"statusCode\": 200, \"body\": json.dumps(os.environ.get(\"ENDPOINT_NAME\"))}\n"},
             "Environment": {"Variables": env}}
    if c.good():
        props["TracingConfig"] = {"Mode": "Active"}
    if c.good():
        props["KmsKeyArn"] = c.kms()
    if c.good():
        props["VpcConfig"] = {"SecurityGroupIds": c.sgs(), "SubnetIds": c.param("SubnetIds")}
    if c.good():
        props["ReservedConcurrentExecutions"] = 10
    props["Tags"] = c.tags()
    out = {fn: {"Type": "AWS::Lambda::Function", "Properties": props}}
    out[c.new("AWS::Logs::LogGroup", w + "-logs")] = {"Type": "AWS::Logs::LogGroup", "Properties": {
        "LogGroupName": Sub("/aws/lambda/${" + fn + "}"), "RetentionInDays": c.param("LogRetentionDays")}}
    return out


def cfn_queue_table(c: CfnScope) -> dict:
    w = c.word()
    q = {"QueueName": c.name(w + "-events"), "MessageRetentionPeriod": 1209600}
    if c.good():
        q["KmsMasterKeyId"] = c.kms()
    t = {"TableName": c.name(w + "-state"), "BillingMode": "PAY_PER_REQUEST",
         "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
         "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
         "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": c.good()}}
    if c.good():
        t["SSESpecification"] = {"SSEEnabled": True}
    return {c.new("AWS::SQS::Queue", w + "-queue"): {"Type": "AWS::SQS::Queue", "Properties": q},
            c.new("AWS::DynamoDB::Table", w + "-table"): {"Type": "AWS::DynamoDB::Table", "Properties": t}}


def sam_function(c: CfnScope) -> dict:
    w = c.word()
    fn = c.new("AWS::Serverless::Function", w + "-function")
    props = {"CodeUri": f"src/{w}/", "Handler": "app.handler", "Description": f"Calls the {w} model",
             "Environment": {"Variables": {"TABLE_NAME": Ref(c.pick("AWS::Serverless::SimpleTable")) if c.pick("AWS::Serverless::SimpleTable") else "none"}}}
    policies = []
    b = c.pick("AWS::S3::Bucket")
    if b:
        policies.append({"S3ReadPolicy": {"BucketName": Ref(b)}})
    policies.append({"Statement": [{"Effect": "Allow", "Action": ["sagemaker:InvokeEndpoint"],
                                     "Resource": "*" if not c.good() else Sub("arn:aws:sagemaker:${AWS::Region}:${AWS::AccountId}:endpoint/*")}]})
    if c.rng.random() < 0.3:
        policies.append("AmazonSageMakerFullAccess")
    props["Policies"] = policies
    if c.rng.random() < 0.6:
        props["Events"] = {"Api": {"Type": "Api", "Properties": {"Path": f"/{w}", "Method": "post"}}}
    if c.good():
        props["VpcConfig"] = {"SecurityGroupIds": c.sgs(), "SubnetIds": c.param("SubnetIds")}
    return {fn: {"Type": "AWS::Serverless::Function", "Properties": props}}


def sam_table(c: CfnScope) -> dict:
    w = c.word()
    props = {"PrimaryKey": {"Name": "id", "Type": "String"}}
    if c.good():
        props["SSESpecification"] = {"SSEEnabled": True}
    return {c.new("AWS::Serverless::SimpleTable", w + "-table"): {"Type": "AWS::Serverless::SimpleTable", "Properties": props}}


CFN_AI = (cfn_notebook, cfn_domain, cfn_model_endpoint, cfn_data_quality, cfn_feature_group, cfn_registry)
CFN_PLAIN = (cfn_bucket, cfn_role, cfn_kms, cfn_network, cfn_lambda, cfn_queue_table)
SAM_FACTORIES = (sam_function, sam_function, sam_table, cfn_bucket, cfn_model_endpoint, cfn_role)


def cfn_template(rng: random.Random, target: int, fmt: str) -> str:
    """One CloudFormation (or SAM) template, fmt in yaml | json | sam."""
    c = CfnScope(rng, sam=fmt == "sam")
    resources: dict = {}
    lines = 0
    early = [cfn_kms, cfn_role, cfn_bucket] if rng.random() < 0.5 else []
    if c.sam:
        early = early[1:] + [sam_function]
    factories = SAM_FACTORIES if c.sam else CFN_AI + CFN_PLAIN
    target = max(MIN_LINES, target - 100)  # parameters and outputs come on top
    while lines < target:
        factory = early.pop(0) if early else rng.choice(factories)
        new = factory(c)
        resources.update(new)
        if fmt == "json":
            lines += sum(line_count(json.dumps(cfn_json(r), indent=2)) for r in new.values())
        else:
            lines += sum(len(y_value("X:", r, 2)) + 1 for r in new.values())
    doc: dict = {"AWSTemplateFormatVersion": "2010-09-09"}
    if c.sam:
        doc["Transform"] = "AWS::Serverless-2016-10-31"
    doc["Description"] = f"{rng.choice(TEAMS)} {rng.choice(SERVICES)} stack: {', '.join(sorted({r['Type'].split('::')[-1] for r in resources.values()})[:4])}"
    if c.sam:
        doc["Globals"] = {"Function": {"Runtime": "python3.12", "Timeout": 30, "MemorySize": 512, "Tracing": "Active" if c.good() else "PassThrough",
                                       "Environment": {"Variables": {"STAGE": Ref("Environment")}}}}
        c.params["Environment"] = None
    for cond in c.conditions:
        c.params[CFN_CONDITION_PARAMS[cond]] = None
    if c.params:
        doc["Parameters"] = {p: CFN_PARAMS[p] for p in CFN_PARAMS if p in c.params}
    if rng.random() < 0.3:
        doc["Mappings"] = {"RegionConfig": {"us-east-1": {"MonitorAccount": "156813124566"}, "eu-west-1": {"MonitorAccount": "468650794304"}}}
    if c.conditions:
        doc["Conditions"] = {k: CFN_CONDITIONS[k] for k in c.conditions}
    doc["Resources"] = resources
    outputs = {}
    for rtype, attr in (("AWS::S3::Bucket", "Arn"), ("AWS::SageMaker::Endpoint", "EndpointName"), ("AWS::IAM::Role", "Arn"),
                        ("AWS::SageMaker::NotebookInstance", None), ("AWS::Serverless::Function", "Arn")):
        for name in c.defined.get(rtype, [])[:3]:
            o = {"Description": f"{name} {attr or 'name'}", "Value": GetAtt(f"{name}.{attr}") if attr else Ref(name)}
            if rng.random() < 0.5:
                o["Export"] = {"Name": Sub("${AWS::StackName}-" + name)}
            if resources[name].get("Condition"):
                o["Condition"] = resources[name]["Condition"]
            outputs[name + (attr or "Name")] = o
    if outputs:
        doc["Outputs"] = outputs
    if fmt == "json":
        return json.dumps(cfn_json(doc), indent=2) + "\n"
    return yaml_template(doc)


def gen_cloudformation(n: int, seed: int, fmt: str) -> dict[str, str]:
    files: dict[str, str] = {}
    ext = ".json" if fmt == "json" else ".yaml"
    root = "sam" if fmt == "sam" else "cloudformation"
    i = 0
    while len(files) < n:
        rng = random.Random(f"{seed}:cfn-{fmt}:{i}")
        folder = f"{root}/{rng.choice(TEAMS)}/{rng.choice(SERVICES)}-{i}"
        names = ["template"] if fmt == "sam" else ["main", "ml", "storage", "network", "iam", "monitoring", "notebooks"]
        for j in range(min(rng.randint(1, 4), n - len(files), len(names))):
            name = names[j] if fmt != "sam" else "template"
            files[f"{folder}/{name}{ext}"] = cfn_template(rng, size_target(rng), fmt)
            if fmt == "sam":
                break
        i += 1
    return files


# =================================================================================================
# Bicep and ARM
# =================================================================================================

class BX(str):
    """A raw Bicep expression (identifier, call, interpolated string)."""


BICEP_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def bq(s: str) -> str:
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'").replace("${", "\\${") + "'"


def bicep_val(v, ind: int) -> str:
    pad = "  " * ind
    if isinstance(v, BX):
        return str(v)
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return "null"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, str):
        return bq(v)
    if isinstance(v, dict):
        if not v:
            return "{}"
        lines = ["{"]
        for k, x in v.items():
            key = k if BICEP_IDENT.match(k) else bq(k)
            lines.append(f"{pad}  {key}: {bicep_val(x, ind + 1)}")
        return "\n".join(lines) + "\n" + pad + "}"
    if isinstance(v, list):
        if not v:
            return "[]"
        return "[\n" + "".join(f"{pad}  {bicep_val(x, ind + 1)}\n" for x in v) + pad + "]"
    raise TypeError(type(v))


BICEP_PARAMS = {  # name -> declaration (decorators included)
    "location": "@description('Location for all resources.')\nparam location string = resourceGroup().location",
    "environment": "@description('Deployment environment.')\n@allowed([\n  'dev'\n  'test'\n  'prod'\n])\nparam environment string = 'dev'",
    "namePrefix": "@description('Short prefix for resource names.')\n@minLength(3)\n@maxLength(12)\nparam namePrefix string",
    "tags": "@description('Tags for every resource.')\nparam tags object = {}",
    "allowedIpRanges": "@description('Public IP ranges allowed through the service firewalls.')\nparam allowedIpRanges array = []",
    "subnetId": "@description('Subnet for private endpoints.')\nparam subnetId string",
    "deploySearch": "param deploySearch bool = true",
    "principalId": "@description('Object id of the group that gets data access.')\nparam principalId string",
    "keyVaultName": "param keyVaultName string = '${namePrefix}-kv-${uniqueString(resourceGroup().id)}'",
    "logAnalyticsWorkspaceId": "@description('Log Analytics workspace for diagnostics.')\nparam logAnalyticsWorkspaceId string = ''",
    "modelDeployments": "@description('Model deployments of the OpenAI account.')\nparam modelDeployments array = [\n"
                        "  {\n    name: 'gpt-4o'\n    model: 'gpt-4o'\n    version: '2024-05-13'\n    capacity: 30\n  }\n"
                        "  {\n    name: 'embeddings'\n    model: 'text-embedding-3-large'\n    version: '1'\n    capacity: 60\n  }\n]",
    "skuName": "@allowed([\n  'S0'\n  'S1'\n])\nparam skuName string = 'S0'",
    "computeVmSize": "param computeVmSize string = 'Standard_DS3_v2'",
}
BICEP_PARAM_DEPS = {"keyVaultName": ("namePrefix",)}


class BicepScope:
    def __init__(self, rng: random.Random, bad_rate: float = 0.35):
        self.rng, self.bad_rate = rng, bad_rate
        self.params: dict[str, None] = {}
        self.symbols: dict[str, str] = {}  # symbol -> resource type
        self.vars: dict[str, str] = {}
        self.outputs: list[str] = []
        self.name_counts: dict[str, int] = {}

    def p(self, name: str) -> BX:
        for dep in BICEP_PARAM_DEPS.get(name, ()):
            self.params[dep] = None
        self.params[name] = None
        return BX(name)

    def sym(self, base: str, rtype: str) -> str:
        name, i = base, 2
        while name in self.symbols or name in BICEP_PARAMS:
            name, i = f"{base}{i}", i + 1
        self.symbols[name] = rtype
        return name

    def pick(self, rtype: str):
        names = [k for k, t in self.symbols.items() if t == rtype]
        return self.rng.choice(names) if names else None

    def good(self) -> bool:
        return self.rng.random() >= self.bad_rate

    def name(self, kind: str) -> BX:
        """A unique resource name within the file, e.g. '${namePrefix}-oai2-${uniqueString(...)}'."""
        self.p("namePrefix")
        self.name_counts[kind] = self.name_counts.get(kind, 0) + 1
        suffix = str(self.name_counts[kind]) if self.name_counts[kind] > 1 else ""
        return BX("'${namePrefix}-" + kind + suffix + "-${uniqueString(resourceGroup().id)}'")

    def common(self) -> dict:
        self.p("location")
        self.p("tags")
        return {"location": BX("location"), "tags": BX("tags")}


def bicep_resource(symbol: str, rtype: str, api: str, body: dict, *, decorators=(), condition=None, loop=None, existing=False) -> str:
    head = "".join(d + "\n" for d in decorators) + f"resource {symbol} '{rtype}@{api}' = "
    if existing:
        head = f"resource {symbol} '{rtype}@{api}' existing = "
    if loop:
        return head + f"[for {loop[0]} in {loop[1]}: {bicep_val(body, 0)}]"
    if condition:
        head += f"if ({condition}) "
    return head + bicep_val(body, 0)


def bicep_openai(b: BicepScope) -> list[str]:
    kind = b.rng.choice(["OpenAI", "OpenAI", "AIServices", "CognitiveServices", "FormRecognizer"])
    sym = b.sym("openAi" if kind == "OpenAI" else "cognitive", "Microsoft.CognitiveServices/accounts")
    public = not b.good()
    account = b.name(kind.lower())
    props = {"customSubDomainName": account, "publicNetworkAccess": "Enabled" if public else "Disabled"}
    if b.rng.random() < 0.8:
        props["disableLocalAuth"] = b.good()
    if public and b.rng.random() < 0.6:
        props["networkAcls"] = {"defaultAction": "Deny" if b.good() else "Allow",
                                "ipRules": BX("[for ip in allowedIpRanges: {\n    value: ip\n  }]")}
        b.p("allowedIpRanges")
    if b.rng.random() < 0.3:
        props["restrictOutboundNetworkAccess"] = True
        props["allowedFqdnList"] = ["contoso.blob.core.windows.net"]
    body = {"name": account, **b.common(), "kind": kind, "sku": {"name": b.p("skuName")},
            "identity": {"type": "SystemAssigned"}, "properties": props}
    out = [bicep_resource(sym, "Microsoft.CognitiveServices/accounts", "2023-05-01", body,
                          decorators=[f"@description('{kind} account for the {b.rng.choice(WORDS)} workloads.')"])]
    if kind in ("OpenAI", "AIServices"):
        b.p("modelDeployments")
        dep = b.sym(sym + "Deployments", "Microsoft.CognitiveServices/accounts/deployments")
        dbody = {"parent": BX(sym), "name": BX("deployment.name"), "sku": {"name": "Standard", "capacity": BX("deployment.capacity")},
                 "properties": {"model": {"format": "OpenAI", "name": BX("deployment.model"), "version": BX("deployment.version")},
                                "raiPolicyName": "Microsoft.Default" if b.good() else "Microsoft.Nil"}}
        out.append(bicep_resource(dep, "Microsoft.CognitiveServices/accounts/deployments", "2023-05-01", dbody,
                                  decorators=["@batchSize(1)"], loop=("deployment", "modelDeployments")))
    if b.rng.random() < 0.4:
        b.p("logAnalyticsWorkspaceId")
        diag = b.sym(sym + "Diagnostics", "Microsoft.Insights/diagnosticSettings")
        out.append(bicep_resource(diag, "Microsoft.Insights/diagnosticSettings", "2021-05-01-preview", {
            "name": "default", "scope": BX(sym), "properties": {"workspaceId": BX("logAnalyticsWorkspaceId"),
                                                                 "logs": [{"categoryGroup": "allLogs", "enabled": True}],
                                                                 "metrics": [{"category": "AllMetrics", "enabled": True}]}},
                                  condition="!empty(logAnalyticsWorkspaceId)"))
    if not public and b.rng.random() < 0.5:
        out.append(bicep_private_endpoint(b, sym, "account"))
    b.outputs.append(f"output {sym}Endpoint string = {sym}.properties.endpoint")
    return out


def bicep_private_endpoint(b: BicepScope, target: str, group: str) -> str:
    pe = b.sym(target + "PrivateEndpoint", "Microsoft.Network/privateEndpoints")
    b.p("subnetId")
    return bicep_resource(pe, "Microsoft.Network/privateEndpoints", "2023-09-01", {
        "name": BX(f"'${{{target}.name}}-pe'"), **b.common(),
        "properties": {"subnet": {"id": BX("subnetId")}, "privateLinkServiceConnections": [
            {"name": BX(f"'${{{target}.name}}-connection'"), "properties": {"privateLinkServiceId": BX(f"{target}.id"), "groupIds": [group]}}]}})


def bicep_storage(b: BicepScope) -> list[str]:
    sym = b.sym("storage", "Microsoft.Storage/storageAccounts")
    b.p("namePrefix")
    props = {"minimumTlsVersion": "TLS1_2" if b.good() else "TLS1_0", "supportsHttpsTrafficOnly": b.good(),
             "allowBlobPublicAccess": not b.good(), "allowSharedKeyAccess": not b.good(),
             "publicNetworkAccess": "Disabled" if b.good() else "Enabled",
             "networkAcls": {"defaultAction": "Deny" if b.good() else "Allow", "bypass": "AzureServices"},
             "encryption": {"keySource": "Microsoft.Storage", "services": {"blob": {"enabled": True}, "file": {"enabled": True}}}}
    body = {"name": BX("toLower('st${namePrefix}${uniqueString(resourceGroup().id)}')"), **b.common(), "kind": "StorageV2",
            "sku": {"name": b.rng.choice(["Standard_LRS", "Standard_ZRS", "Standard_GRS"])}, "properties": props}
    out = [bicep_resource(sym, "Microsoft.Storage/storageAccounts", "2023-01-01", body)]
    svc = b.sym(sym + "Blob", "Microsoft.Storage/storageAccounts/blobServices")
    out.append(bicep_resource(svc, "Microsoft.Storage/storageAccounts/blobServices", "2023-01-01", {
        "parent": BX(sym), "name": "default", "properties": {"deleteRetentionPolicy": {"enabled": b.good(), "days": 7}}}))
    containers = b.rng.sample(list(WORDS), 3)
    b.vars.setdefault(sym + "Containers", bicep_val(containers, 0))
    out.append(bicep_resource(b.sym(sym + "ContainerSet", "Microsoft.Storage/storageAccounts/blobServices/containers"),
                              "Microsoft.Storage/storageAccounts/blobServices/containers", "2023-01-01",
                              {"parent": BX(svc), "name": BX("c"), "properties": {"publicAccess": "None"}},
                              loop=("c", sym + "Containers")))
    b.outputs.append(f"output {sym}Id string = {sym}.id")
    return out


def bicep_keyvault(b: BicepScope) -> list[str]:
    sym = b.sym("keyVault", "Microsoft.KeyVault/vaults")
    if b.rng.random() < 0.3:
        return [bicep_resource(sym, "Microsoft.KeyVault/vaults", "2023-07-01", {"name": b.p("keyVaultName")}, existing=True)]
    props = {"tenantId": BX("subscription().tenantId"), "sku": {"family": "A", "name": "standard"},
             "enableRbacAuthorization": b.good(), "enableSoftDelete": True, "softDeleteRetentionInDays": 90,
             "publicNetworkAccess": "Disabled" if b.good() else "Enabled",
             "networkAcls": {"defaultAction": "Deny" if b.good() else "Allow", "bypass": "AzureServices"}}
    if b.good():
        props["enablePurgeProtection"] = True
    body = {"name": b.p("keyVaultName"), **b.common(), "properties": props}
    b.outputs.append(f"output {sym}Uri string = {sym}.properties.vaultUri")
    return [bicep_resource(sym, "Microsoft.KeyVault/vaults", "2023-07-01", body)]


def bicep_insights(b: BicepScope) -> list[str]:
    law = b.sym("logAnalytics", "Microsoft.OperationalInsights/workspaces")
    ai = b.sym("appInsights", "Microsoft.Insights/components")
    return [bicep_resource(law, "Microsoft.OperationalInsights/workspaces", "2022-10-01", {
                "name": b.name("law"), **b.common(), "properties": {"sku": {"name": "PerGB2018"}, "retentionInDays": b.rng.choice([30, 90])}}),
            bicep_resource(ai, "Microsoft.Insights/components", "2020-02-02", {
                "name": b.name("appi"), **b.common(), "kind": "web",
                "properties": {"Application_Type": "web", "WorkspaceResourceId": BX(f"{law}.id"), "DisableLocalAuth": b.good()}})]


def bicep_registry(b: BicepScope) -> list[str]:
    sym = b.sym("registry", "Microsoft.ContainerRegistry/registries")
    b.p("namePrefix")
    return [bicep_resource(sym, "Microsoft.ContainerRegistry/registries", "2023-07-01", {
        "name": BX("'cr${namePrefix}${uniqueString(resourceGroup().id)}'"), **b.common(), "sku": {"name": "Premium"},
        "properties": {"adminUserEnabled": not b.good(), "publicNetworkAccess": "Disabled" if b.good() else "Enabled",
                       "anonymousPullEnabled": False}})]


def bicep_workspace(b: BicepScope) -> list[str]:
    out = []
    for rtype, factory in (("Microsoft.Storage/storageAccounts", bicep_storage), ("Microsoft.KeyVault/vaults", bicep_keyvault),
                           ("Microsoft.Insights/components", bicep_insights)):
        if not b.pick(rtype):
            out += factory(b)
    ws = b.sym("workspace", "Microsoft.MachineLearningServices/workspaces")
    public = not b.good()
    props = {"friendlyName": BX("'${namePrefix} ${environment} ML workspace'"), "storageAccount": BX(f"{b.pick('Microsoft.Storage/storageAccounts')}.id"),
             "keyVault": BX(f"{b.pick('Microsoft.KeyVault/vaults')}.id"), "applicationInsights": BX(f"{b.pick('Microsoft.Insights/components')}.id"),
             "publicNetworkAccess": "Enabled" if public else "Disabled", "hbiWorkspace": b.good(), "v1LegacyMode": False}
    b.p("environment")
    if b.pick("Microsoft.ContainerRegistry/registries"):
        props["containerRegistry"] = BX(f"{b.pick('Microsoft.ContainerRegistry/registries')}.id")
    if b.rng.random() < 0.6:
        props["managedNetwork"] = {"isolationMode": "AllowOnlyApprovedOutbound" if b.good() else "Disabled"}
    out.append(bicep_resource(ws, "Microsoft.MachineLearningServices/workspaces", "2023-10-01", {
        "name": b.name("mlw"), **b.common(), "identity": {"type": "SystemAssigned"}, "sku": {"name": "Basic", "tier": "Basic"},
        "properties": props}))
    if b.rng.random() < 0.6:
        b.p("computeVmSize")
        out.append(bicep_resource(b.sym(ws + "Compute", "Microsoft.MachineLearningServices/workspaces/computes"),
                                  "Microsoft.MachineLearningServices/workspaces/computes", "2023-10-01", {
            "parent": BX(ws), "name": BX("'ci-${uniqueString(resourceGroup().id)}'"), "location": BX("location"),
            "properties": {"computeType": "ComputeInstance", "disableLocalAuth": b.good(),
                           "properties": {"vmSize": BX("computeVmSize"), "enableNodePublicIp": not b.good(),
                                          "sshSettings": {"sshPublicAccess": "Disabled" if b.good() else "Enabled"},
                                          "idleTimeBeforeShutdown": "PT30M"}}}))
    if not public and b.rng.random() < 0.5:
        out.append(bicep_private_endpoint(b, ws, "amlworkspace"))
    b.outputs.append(f"output {ws}Name string = {ws}.name")
    return out


def bicep_search(b: BicepScope) -> list[str]:
    sym = b.sym("search", "Microsoft.Search/searchServices")
    b.p("deploySearch")
    props = {"replicaCount": b.rng.choice([1, 2, 3]), "partitionCount": 1, "hostingMode": "default",
             "publicNetworkAccess": "disabled" if b.good() else "enabled", "disableLocalAuth": b.good(),
             "semanticSearch": "standard"}
    if not props["disableLocalAuth"]:
        props["authOptions"] = {"aadOrApiKey": {"aadAuthFailureMode": "http401WithBearerChallenge"}}
    if b.rng.random() < 0.5:
        props["networkRuleSet"] = {"ipRules": BX("[for ip in allowedIpRanges: {\n    value: ip\n  }]")}
        b.p("allowedIpRanges")
    if b.good():
        props["encryptionWithCmk"] = {"enforcement": "Enabled"}
    out = [bicep_resource(sym, "Microsoft.Search/searchServices", "2023-11-01", {
        "name": b.name("srch"), **b.common(), "sku": {"name": b.rng.choice(["basic", "standard", "standard2"])},
        "identity": {"type": "SystemAssigned"}, "properties": props}, condition="deploySearch")]
    b.outputs.append(f"output {sym}Name string = deploySearch ? {sym}.name : ''")
    return out


def bicep_role_assignment(b: BicepScope) -> list[str]:
    target = b.pick("Microsoft.CognitiveServices/accounts") or b.pick("Microsoft.Storage/storageAccounts")
    if not target:
        return bicep_openai(b)
    b.p("principalId")
    role = b.rng.choice(["5e0bd9bd-7b93-4f28-af87-19fc36ad61bd", "ba92f5b4-2d11-453d-a403-e96b0029c9fe", "b24988ac-6180-42a0-ab88-20f7382dd24c"])
    return [bicep_resource(b.sym(target + "RoleAssignment", "Microsoft.Authorization/roleAssignments"),
                           "Microsoft.Authorization/roleAssignments", "2022-04-01", {
        "name": BX(f"guid({target}.id, principalId, '{role}')"), "scope": BX(target),
        "properties": {"roleDefinitionId": BX(f"subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '{role}')"),
                       "principalId": BX("principalId"), "principalType": "Group"}})]


BICEP_FACTORIES = (bicep_openai, bicep_openai, bicep_workspace, bicep_search, bicep_storage, bicep_keyvault,
                   bicep_registry, bicep_role_assignment, bicep_insights)
BICEP_MODULES = {  # module file -> (factories, params it needs from main)
    "openai": (bicep_openai,),
    "search": (bicep_search,),
    "storage": (bicep_storage,),
    "keyvault": (bicep_keyvault,),
    "ml-workspace": (bicep_workspace,),
    "monitoring": (bicep_insights,),
}


def bicep_file(b: BicepScope, chunks: list[str], modules: list[tuple[str, str, list[str]]] = ()) -> str:
    parts = []
    if b.rng.random() < 0.2:
        parts.append("targetScope = 'resourceGroup'")
    parts += [BICEP_PARAMS[p] for p in BICEP_PARAMS if p in b.params]
    parts += [f"var {k} = {v}" for k, v in b.vars.items()]
    for sym, path, params in modules:
        body = {"name": BX(f"'{sym}-${{uniqueString(resourceGroup().id)}}'"), "params": {p: BX(p) for p in params}}
        parts.append(f"module {sym} '{path}' = {bicep_val(body, 0)}")
    parts += chunks
    parts += b.outputs
    return "\n\n".join(parts) + "\n"


def bicep_fill(b: BicepScope, factories, target: int) -> list[str]:
    chunks: list[str] = []
    lines = 0
    while lines < target:
        new = b.rng.choice(factories)(b)
        chunks += new
        lines += sum(line_count(x) + 1 for x in new)
    return chunks


def gen_bicep(n: int, seed: int) -> dict[str, str]:
    files: dict[str, str] = {}
    i = 0
    while len(files) < n:
        rng = random.Random(f"{seed}:bicep:{i}")
        folder = f"azure/bicep/{rng.choice(TEAMS)}-{rng.choice(SERVICES)}-{i}"
        left = n - len(files)
        mods = rng.sample(list(BICEP_MODULES), min(rng.randint(0, 4), left - 1, len(BICEP_MODULES)))
        calls = []
        for m in mods:
            mb = BicepScope(random.Random(f"{seed}:bicep:{i}:{m}"))
            chunks = bicep_fill(mb, BICEP_MODULES[m], min(size_target(mb.rng), 300))
            files[f"{folder}/modules/{m}.bicep"] = bicep_file(mb, chunks)
            calls.append((m.replace("-", "") + "Module", f"modules/{m}.bicep", list(mb.params)))
        b = BicepScope(rng)
        for sym, _, params in calls:
            b.symbols[sym] = "module"
            for p in params:
                b.p(p)
        chunks = bicep_fill(b, BICEP_FACTORIES, max(MIN_LINES, size_target(rng) - 12 * len(calls) - 60))
        files[f"{folder}/main.bicep"] = bicep_file(b, chunks, calls)
        i += 1
    return files


def arm_template(rng: random.Random, target: int) -> str:
    """An ARM deployment template, sometimes with the metadata `az bicep build` writes."""
    params: dict = {}

    def p(name: str, spec: dict):
        params[name] = spec
        return f"[parameters('{name}')]"

    def good():
        return rng.random() >= 0.35

    used: dict[str, int] = {}

    def name(kind):
        p("namePrefix", {"type": "string", "minLength": 3, "maxLength": 12, "metadata": {"description": "Prefix for resource names."}})
        used[kind] = used.get(kind, 0) + 1
        kind += str(used[kind]) if used[kind] > 1 else ""
        return f"[format('{{0}}-{kind}-{{1}}', parameters('namePrefix'), uniqueString(resourceGroup().id))]"

    def location():
        return p("location", {"type": "string", "defaultValue": "[resourceGroup().location]"})

    def openai():
        kind = rng.choice(["OpenAI", "AIServices", "CognitiveServices", "TextAnalytics"])
        account = name(kind.lower())
        res = {"type": "Microsoft.CognitiveServices/accounts", "apiVersion": "2023-05-01", "name": account,
               "location": location(), "kind": kind, "sku": {"name": "S0"}, "identity": {"type": "SystemAssigned"},
               "properties": {"customSubDomainName": account, "publicNetworkAccess": "Disabled" if good() else "Enabled",
                              "disableLocalAuth": good(), "networkAcls": {"defaultAction": "Deny" if good() else "Allow", "ipRules": []}}}
        out = [res]
        if kind in ("OpenAI", "AIServices"):
            p("modelDeployments", {"type": "array", "defaultValue": [{"name": m, "model": m, "version": v, "capacity": 20}
                                                                     for m, v in rng.sample(OPENAI_MODELS, 2)]})
            out.append({"type": "Microsoft.CognitiveServices/accounts/deployments", "apiVersion": "2023-05-01",
                        "copy": {"name": "deployments", "count": "[length(parameters('modelDeployments'))]", "mode": "serial", "batchSize": 1},
                        "name": f"[format('{{0}}/{{1}}', {res['name'][1:-1]}, parameters('modelDeployments')[copyIndex()].name)]",
                        "sku": {"name": "Standard", "capacity": "[parameters('modelDeployments')[copyIndex()].capacity]"},
                        "properties": {"model": {"format": "OpenAI", "name": "[parameters('modelDeployments')[copyIndex()].model]",
                                                 "version": "[parameters('modelDeployments')[copyIndex()].version]"},
                                       "raiPolicyName": "Microsoft.Default"},
                        "dependsOn": [f"[resourceId('Microsoft.CognitiveServices/accounts', {res['name'][1:-1]})]"]})
        return out

    def storage():
        return [{"type": "Microsoft.Storage/storageAccounts", "apiVersion": "2023-01-01",
                 "name": "[toLower(format('st{0}{1}', parameters('namePrefix'), uniqueString(resourceGroup().id)))]",
                 "location": location(), "kind": "StorageV2", "sku": {"name": "Standard_LRS"},
                 "properties": {"minimumTlsVersion": "TLS1_2" if good() else "TLS1_0", "supportsHttpsTrafficOnly": good(),
                                "allowBlobPublicAccess": not good(), "publicNetworkAccess": "Disabled" if good() else "Enabled",
                                "networkAcls": {"defaultAction": "Deny" if good() else "Allow", "bypass": "AzureServices"}}}]

    def keyvault():
        return [{"type": "Microsoft.KeyVault/vaults", "apiVersion": "2023-07-01", "name": name("kv"), "location": location(),
                 "properties": {"tenantId": "[subscription().tenantId]", "sku": {"family": "A", "name": "standard"},
                                "enableRbacAuthorization": good(), "enableSoftDelete": True, "enablePurgeProtection": good(),
                                "publicNetworkAccess": "Disabled" if good() else "Enabled"}}]

    def search():
        p("deploySearch", {"type": "bool", "defaultValue": True})
        return [{"type": "Microsoft.Search/searchServices", "apiVersion": "2023-11-01", "condition": "[parameters('deploySearch')]",
                 "name": name("srch"), "location": location(), "sku": {"name": "standard"},
                 "properties": {"replicaCount": 1, "partitionCount": 1, "publicNetworkAccess": "disabled" if good() else "enabled",
                                "disableLocalAuth": good()}}]

    def workspace():
        deps = storage() + keyvault()
        ws = {"type": "Microsoft.MachineLearningServices/workspaces", "apiVersion": "2023-10-01", "name": name("mlw"),
              "location": location(), "identity": {"type": "SystemAssigned"}, "sku": {"name": "Basic", "tier": "Basic"},
              "properties": {"friendlyName": "ML workspace", "storageAccount": f"[resourceId('Microsoft.Storage/storageAccounts', {deps[0]['name'][1:-1]})]",
                             "keyVault": f"[resourceId('Microsoft.KeyVault/vaults', {deps[1]['name'][1:-1]})]",
                             "publicNetworkAccess": "Disabled" if good() else "Enabled", "hbiWorkspace": good(),
                             "managedNetwork": {"isolationMode": "AllowOnlyApprovedOutbound" if good() else "Disabled"}},
              "dependsOn": [f"[resourceId('Microsoft.Storage/storageAccounts', {deps[0]['name'][1:-1]})]",
                            f"[resourceId('Microsoft.KeyVault/vaults', {deps[1]['name'][1:-1]})]"]}
        compute = {"type": "Microsoft.MachineLearningServices/workspaces/computes", "apiVersion": "2023-10-01",
                   "name": f"[format('{{0}}/{{1}}', {ws['name'][1:-1]}, 'ci-default')]", "location": location(),
                   "properties": {"computeType": "ComputeInstance", "disableLocalAuth": good(),
                                  "properties": {"vmSize": "Standard_DS3_v2", "enableNodePublicIp": not good()}},
                   "dependsOn": [f"[resourceId('Microsoft.MachineLearningServices/workspaces', {ws['name'][1:-1]})]"]}
        return deps + [ws] + ([compute] if rng.random() < 0.5 else [])

    factories = (openai, openai, storage, keyvault, search, workspace)
    resources: list = []
    lines = 0
    while lines < target:
        new = rng.choice(factories)()
        resources += new
        lines += sum(line_count(json.dumps(r, indent=2)) for r in new)
    doc = {"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "contentVersion": "1.0.0.0"}
    if rng.random() < 0.5:
        doc["metadata"] = {"_generator": {"name": "bicep", "version": "0.26.54.24096", "templateHash": str(rng.getrandbits(63))}}
    doc["parameters"] = dict(sorted(params.items()))
    doc["variables"] = {"tags": {"workload": rng.choice(TEAMS), "managedBy": "arm"}}
    doc["resources"] = resources
    doc["outputs"] = {"location": {"type": "string", "value": "[parameters('location')]"}}
    return json.dumps(doc, indent=2) + "\n"


def gen_arm(n: int, seed: int) -> dict[str, str]:
    files: dict[str, str] = {}
    i = 0
    while len(files) < n:
        rng = random.Random(f"{seed}:arm:{i}")
        folder = f"azure/arm/{rng.choice(TEAMS)}-{rng.choice(SERVICES)}-{i}"
        files[f"{folder}/azuredeploy.json"] = arm_template(rng, max(MIN_LINES, size_target(rng) - 60))
        i += 1
    return files


# =================================================================================================
# The corpus
# =================================================================================================

def plan(n: int) -> dict[tuple[str, str], int]:
    counts = {(fw, var): int(round(share * n)) for fw, var, share in SHARES}
    counts[("arm", "json")] = max(0, n - sum(counts.values()))
    return counts


def build(n: int = DEFAULT_FILES, seed: int = 0) -> dict[str, str]:
    """The whole corpus in memory: repo-relative POSIX path -> text. Exactly n files."""
    counts = plan(n)
    files: dict[str, str] = {}
    makers = {("terraform", "hcl"): gen_terraform_hcl, ("terraform", "json"): gen_terraform_json, ("terraform", "cdktf"): gen_cdktf,
              ("cloudformation", "yaml"): lambda k, s: gen_cloudformation(k, s, "yaml"),
              ("cloudformation", "json"): lambda k, s: gen_cloudformation(k, s, "json"),
              ("cloudformation", "sam"): lambda k, s: gen_cloudformation(k, s, "sam"),
              ("bicep", "bicep"): gen_bicep, ("arm", "json"): gen_arm}
    for key, count in counts.items():
        if count:
            part = makers[key](count, seed)
            assert len(part) == count, (key, len(part), count)
            files.update(part)
    assert len(files) == n, (len(files), n)
    return files


def write(files: dict[str, str], out: Path) -> None:
    for rel, text in files.items():
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def classify(path: Path) -> str:
    """Which framework a file of a corpus belongs to (by name, then a look at the content)."""
    name = path.name
    if name.endswith(".tf") or name.endswith(".tfvars"):
        return "terraform"
    if name == "cdk.tf.json":
        return "terraform-cdktf"
    if name.endswith(".tf.json"):
        return "terraform-json"
    if name == "cdktf.json" or (name == "manifest.json" and path.parent.name == "cdktf.out"):
        return "cdktf-config"
    if name.endswith(".bicep"):
        return "bicep"
    if path.suffix in (".json", ".yaml", ".yml", ".template"):
        try:
            head = path.read_text(encoding="utf-8", errors="replace")[:4000]
        except OSError:
            return "other"
        if "deploymentTemplate.json" in head:
            return "arm"
        if "AWS::Serverless-2016-10-31" in head:
            return "sam"
        if "AWSTemplateFormatVersion" in head or "AWS::" in head:
            return "cloudformation-json" if path.suffix == ".json" else "cloudformation-yaml"
    return "other"


FRAMEWORK_OF = {"terraform": "terraform", "terraform-json": "terraform", "terraform-cdktf": "terraform", "cdktf-config": "terraform",
                "cloudformation-yaml": "cloudformation", "cloudformation-json": "cloudformation", "sam": "cloudformation",
                "bicep": "bicep/arm", "arm": "bicep/arm", "other": "other"}


def census(root: Path) -> dict:
    """File counts per kind and per framework family, and total lines, of a corpus on disk."""
    kinds: dict[str, int] = {}
    lines = 0
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        kind = classify(path)
        kinds[kind] = kinds.get(kind, 0) + 1
        with open(path, "rb") as f:
            lines += f.read().count(b"\n")
    families: dict[str, int] = {}
    for kind, count in kinds.items():
        families[FRAMEWORK_OF[kind]] = families.get(FRAMEWORK_OF[kind], 0) + count
    return {"files": sum(kinds.values()), "lines": lines, "by_kind": dict(sorted(kinds.items())), "by_framework": families}


# =================================================================================================
# --check
# =================================================================================================

def yaml_loader():
    """A PyYAML SafeLoader that accepts CloudFormation's short-form tags, or None without PyYAML."""
    try:
        import yaml
    except ImportError:
        return None

    class CfnLoader(yaml.SafeLoader):
        pass

    def construct(loader, suffix, node):
        if isinstance(node, yaml.ScalarNode):
            return {suffix: loader.construct_scalar(node)}
        if isinstance(node, yaml.SequenceNode):
            return {suffix: loader.construct_sequence(node, deep=True)}
        return {suffix: loader.construct_mapping(node, deep=True)}

    CfnLoader.add_multi_constructor("!", construct)
    return lambda text: yaml.load(text, Loader=CfnLoader)


PSEUDO_SUB = re.compile(r"\$\{([^}!][^}]*)\}")


def cfn_undeclared(doc: dict) -> list[str]:
    """Refs, GetAtts, Sub variables and conditions that the template does not declare."""
    names = set(doc.get("Parameters", {})) | set(doc.get("Resources", {}))
    resources, conditions = set(doc.get("Resources", {})), set(doc.get("Conditions", {}))
    missing = []

    def known(name):
        return name.startswith("AWS::") or name in names

    def walk(node, local=()):
        if isinstance(node, list):
            for x in node:
                walk(x, local)
            return
        if not isinstance(node, dict):
            return
        for key, arg in node.items():
            fn = key.replace("Fn::", "")
            if fn == "Ref" and isinstance(arg, str) and not known(arg):
                missing.append(arg)
            elif fn == "GetAtt":
                target = arg.split(".")[0] if isinstance(arg, str) else arg[0]
                if target not in resources:
                    missing.append(target)
            elif fn == "Sub":
                text, extra = (arg, {}) if isinstance(arg, str) else (arg[0], arg[1])
                missing.extend(v for v in PSEUDO_SUB.findall(text) if not known(v.split(".")[0]) and v not in extra)
            elif fn == "If" and isinstance(arg, list) and arg[0] not in conditions:
                missing.append(arg[0])
            elif key == "Condition" and isinstance(arg, str) and arg not in conditions:
                missing.append(arg)
            walk(arg, local)

    walk({k: v for k, v in doc.items() if k != "Parameters"})
    return sorted(set(missing))


def bicep_balanced(text: str) -> bool:
    """Brackets balance outside strings and comments (a cheap syntax smoke test)."""
    stack, i, pairs = [], 0, {")": "(", "]": "[", "}": "{"}
    while i < len(text):
        ch = text[i]
        if ch == "'":
            i += 1
            while i < len(text) and text[i] != "'":
                i += 2 if text[i] == "\\" else 1
        elif text.startswith("//", i):
            i = text.find("\n", i) if "\n" in text[i:] else len(text)
        elif ch in "([{":
            stack.append(ch)
        elif ch in ")]}":
            if not stack or stack.pop() != pairs[ch]:
                return False
        i += 1
    return not stack


TF_DECL = re.compile(r'^(resource|data) "([^"]+)" "([^"]+)"|^(variable|output|module) "([^"]+)"', re.M)
BICEP_DECL = re.compile(r"^(?:param|var|resource|module|output) (\w+)", re.M)


def no_duplicate_keys(pairs):
    keys = [k for k, _ in pairs]
    dup = {k for k in keys if keys.count(k) > 1}
    if dup:
        raise ValueError(f"duplicate JSON keys {sorted(dup)}")
    return dict(pairs)


def duplicate_declarations(files: dict[str, str]) -> list[str]:
    """Names declared twice in one Terraform directory or one Bicep file: valid syntax, invalid configuration."""
    problems = []
    by_dir: dict[str, list[str]] = {}
    for rel, text in files.items():
        if rel.endswith(".tf"):
            for m in TF_DECL.finditer(text):
                by_dir.setdefault(posixpath.dirname(rel), []).append(".".join(g for g in m.groups() if g))
        elif rel.endswith(".tf.json"):
            doc = json.loads(text)
            for kind in ("resource", "data"):
                for rtype, named in doc.get(kind, {}).items():
                    by_dir.setdefault(posixpath.dirname(rel), []).extend(f"{kind}.{rtype}.{name}" for name in named)
            for kind in ("variable", "output", "module"):
                by_dir.setdefault(posixpath.dirname(rel), []).extend(f"{kind}.{name}" for name in doc.get(kind, {}))
        elif rel.endswith(".bicep"):
            names = BICEP_DECL.findall(text)
            dup = {x for x in names if names.count(x) > 1}
            if dup:
                problems.append(f"{rel}: declared twice: {sorted(dup)}")
    for folder, names in by_dir.items():
        seen: set[str] = set()
        dup = {x for x in names if x in seen or seen.add(x)}
        if dup:
            problems.append(f"{folder}: declared twice: {sorted(dup)[:5]}")
    return problems


TF_REF = re.compile(r"(?<![\w.])(?:(data)\.(aws_\w+)\.(\w+)|(aws_\w+)\.(\w+)\.|(var|local|module)\.(\w+))")
TF_LOCAL_DECL = re.compile(r'^  (\w+)\s*=', re.M)


def undeclared_references(files: dict[str, str]) -> list[str]:
    """References in a Terraform directory to resources, data sources, variables, locals or modules it does not declare."""
    declared: dict[str, set[str]] = {}
    used: dict[str, set[str]] = {}
    for rel, text in files.items():
        if not rel.endswith((".tf", ".tf.json")):
            continue
        folder = posixpath.dirname(rel)
        names = declared.setdefault(folder, set())
        if rel.endswith(".tf"):
            names.update(".".join(g for g in m.groups() if g) for m in TF_DECL.finditer(text))
            for block in re.findall(r"^locals \{\n(.*?)^\}", text, re.S | re.M):
                names.update("local." + n for n in TF_LOCAL_DECL.findall(block))
        else:
            doc = json.loads(text)
            for kind in ("resource", "data"):
                for rtype, named in doc.get(kind, {}).items():
                    names.update(f"{kind}.{rtype}.{n}" for n in named)
            for kind in ("variable", "output", "module"):
                names.update(f"{kind}.{n}" for n in doc.get(kind, {}))
            names.update("local." + n for n in doc.get("locals", {}))
        for m in TF_REF.finditer(text):
            g = m.groups()
            ref = f"data.{g[1]}.{g[2]}" if g[0] else f"resource.{g[3]}.{g[4]}" if g[3] else f"{'variable' if g[5] == 'var' else g[5]}.{g[6]}"
            used.setdefault(folder, set()).add(ref)
    problems = []
    for folder, refs in used.items():
        missing = sorted(r for r in refs if r not in declared.get(folder, set()))
        if missing:
            problems.append(f"{folder}: refers to undeclared {missing[:5]}")
    return problems


def check(out: Path, n: int, seed: int) -> int:
    t0 = time.perf_counter()
    files = build(n, seed)
    elapsed = time.perf_counter() - t0
    write(files, out)
    problems: list[str] = []
    if build(n, seed) != files:
        problems.append("generation is not deterministic")
    load_yaml = yaml_loader()
    try:
        import hcl2  # python-hcl2 (or bc-python-hcl2), optional
    except ImportError:
        hcl2 = None
    checked = {"json": 0, "yaml": 0, "hcl": 0, "bicep": 0}
    for rel, text in files.items():
        lines = line_count(text)
        if not MIN_LINES <= lines <= MAX_LINES and not rel.endswith(("cdktf.json", "manifest.json")):
            problems.append(f"{rel}: {lines} lines, outside {MIN_LINES}..{MAX_LINES}")
        try:
            if rel.endswith(".json"):
                doc = json.loads(text, object_pairs_hook=no_duplicate_keys)
                checked["json"] += 1
                if "AWSTemplateFormatVersion" in doc:
                    missing = cfn_undeclared(doc)
                    assert not missing, f"undeclared {missing}"
            elif rel.endswith(".yaml") and load_yaml:
                doc = load_yaml(text)
                assert isinstance(doc, dict) and doc.get("Resources"), "no Resources"
                missing = cfn_undeclared(doc)
                assert not missing, f"undeclared {missing}"
                checked["yaml"] += 1
            elif rel.endswith((".tf", ".tfvars")) and hcl2:
                hcl2.loads(text)
                checked["hcl"] += 1
            elif rel.endswith(".bicep"):
                assert bicep_balanced(text), "unbalanced brackets"
                checked["bicep"] += 1
        except Exception as exc:  # report every broken file, go on
            problems.append(f"{rel}: {type(exc).__name__}: {str(exc)[:200]}")
    problems += duplicate_declarations(files)
    problems += undeclared_references(files)
    stats = census(out)
    fam = stats["by_framework"]
    for family, lo, hi in (("terraform", 0.55, 0.65), ("cloudformation", 0.20, 0.30), ("bicep/arm", 0.10, 0.20)):
        share = fam.get(family, 0) / max(1, stats["files"])
        if n >= 100 and not lo <= share <= hi:
            problems.append(f"{family} is {share:.0%} of the files, expected {lo:.0%}..{hi:.0%}")
    print(f"generated {len(files)} files, {stats['lines']} lines in {elapsed:.2f} s; by kind: {stats['by_kind']}")
    print(f"parsed: {checked['json']} JSON, {checked['yaml']} YAML" + ("" if load_yaml else " (PyYAML missing: YAML skipped)")
          + f", {checked['hcl']} HCL" + ("" if hcl2 else " (python-hcl2 missing: HCL skipped)") + f", {checked['bicep']} Bicep (brackets)")
    for p in problems[:50]:
        print("PROBLEM:", p)
    print("check: " + ("OK" if not problems else f"{len(problems)} problem(s)"))
    return 1 if problems else 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", metavar="OUT_DIR", help="where to write the corpus (created if missing)")
    ap.add_argument("--files", type=int, default=DEFAULT_FILES, help=f"number of files (default {DEFAULT_FILES})")
    ap.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    ap.add_argument("--check", action="store_true", help="generate, then verify that every file parses and the output is deterministic")
    args = ap.parse_args(argv)
    if args.files < 1:
        ap.error("--files must be at least 1")
    out = Path(args.out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        ap.error(f"{out} exists and is not an empty directory (files of an earlier corpus would stay); remove it first")
    if args.check:
        return check(out, args.files, args.seed)
    t0 = time.perf_counter()
    files = build(args.files, args.seed)
    write(files, out)
    stats = census(out)
    print(f"wrote {len(files)} files ({stats['lines']} lines) to {out} in {time.perf_counter() - t0:.2f} s: {stats['by_framework']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
