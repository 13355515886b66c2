"""The context graph: references between resources become edges a check can follow."""
from __future__ import annotations

from analyzer import engine
from analyzer.check import context_of
from parsers.terraform import hcl

SOURCE = b'''
resource "aws_iam_role" "sagemaker" {
  name               = "sagemaker"
  assume_role_policy = data.aws_iam_policy_document.trust.json
}

data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole"]
  }
}

resource "aws_iam_role_policy" "inline" {
  role   = aws_iam_role.sagemaker.id
  policy = jsonencode({ Statement = [{ Action = "s3:*", Resource = "${aws_s3_bucket.data.arn}/*" }] })
}

resource "aws_iam_role_policy_attachment" "managed" {
  role       = aws_iam_role.sagemaker.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"
}

resource "aws_s3_bucket" "data" {
  bucket = "training-data"
}

resource "aws_sagemaker_notebook_instance" "nb" {
  name          = "nb"
  role_arn      = aws_iam_role.sagemaker.arn
  instance_type = "ml.t3.medium"
  kms_key_id    = var.kms_key_id
  subnet_id     = aws_subnet.private[0].id
  depends_on    = [aws_s3_bucket.data]
  tags          = { note = "aws_iam_role.sagemaker is mentioned in a string" }
}

resource "aws_subnet" "private" {
  count      = 2
  cidr_block = cidrsubnet("10.0.0.0/16", 8, count.index)
}
'''


def resources():
    return hcl.parse("main.tf", SOURCE).resources


def by_address(address):
    return next(r for r in resources() if r.address == address)


def test_a_notebook_leads_to_its_role_and_the_role_to_its_policies():
    context = context_of(resources())
    notebook = by_address("aws_sagemaker_notebook_instance.nb")
    role = by_address("aws_iam_role.sagemaker")
    assert [r.address for r in context.targets(notebook, "role_arn")] == ["aws_iam_role.sagemaker"]
    assert [(r.address, path) for r, path in context.referrers(role)] == [
        ("aws_iam_role_policy.inline", "role"),
        ("aws_iam_role_policy_attachment.managed", "role"),
        ("aws_sagemaker_notebook_instance.nb", "role_arn"),
    ]
    assert [r.address for r, _ in context.referrers(role, kinds=["aws_iam_role_policy_attachment"])] == [
        "aws_iam_role_policy_attachment.managed"]


def test_references_inside_expressions_and_to_data_sources_and_counted_resources():
    context = context_of(resources())
    policy = by_address("aws_iam_role_policy.inline")
    assert [r.address for r in context.targets(policy, "policy")] == ["aws_s3_bucket.data"]
    role = by_address("aws_iam_role.sagemaker")
    assert [r.address for r in context.targets(role)] == ["data.aws_iam_policy_document.trust"]
    notebook = by_address("aws_sagemaker_notebook_instance.nb")
    # `aws_subnet.private[0]` names the counted resource; depends_on and string text are no edges
    assert [r.address for r in context.targets(notebook)] == ["aws_iam_role.sagemaker", "aws_subnet.private"]


def test_module_instances_resolve_references_inside_their_own_prefix():
    parsed = engine._with_prefix(hcl.parse("main.tf", SOURCE), "module.ml.")
    context = context_of(parsed.resources)
    notebook = next(r for r in parsed.resources if r.address == "module.ml.aws_sagemaker_notebook_instance.nb")
    assert [r.address for r in context.targets(notebook, "role_arn")] == ["module.ml.aws_iam_role.sagemaker"]


def test_a_scan_gives_checks_the_whole_folder(tmp_path):
    (tmp_path / "iam.tf").write_bytes(SOURCE.split(b'resource "aws_sagemaker_notebook_instance"')[0])
    (tmp_path / "notebook.tf").write_bytes(b'resource "aws_sagemaker_notebook_instance"'
                                           + SOURCE.split(b'resource "aws_sagemaker_notebook_instance"')[1])
    seen = {}

    def rule(resource, context):
        seen[resource.address] = [r.address for r in context.targets(resource, "role_arn")]
        return []

    from dataclasses import replace
    from checks import ALL_CHECKS

    probe = replace(ALL_CHECKS[0], rule=rule)
    outcomes, _ = engine.scan_folder(engine.discover([str(tmp_path)], str(tmp_path))[0], [probe])
    assert seen == {"aws_sagemaker_notebook_instance.nb": ["aws_iam_role.sagemaker"]}


def test_bicep_symbols_are_references_but_words_in_strings_are_not():
    from parsers.bicep.parse import parse

    source = b"""
param prefix string = 'ml'
resource acct 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: '${prefix}-acct'
  location: 'eastus'
  kind: 'OpenAI'
  properties: {}
}
resource strict 'Microsoft.CognitiveServices/accounts/raiPolicies@2024-10-01' = {
  parent: acct
  name: 'strict'
}
resource chat 'Microsoft.CognitiveServices/accounts/deployments@2024-10-01' = {
  parent: acct
  name: '${prefix}-acct-strict-chat'
  properties: {
    raiPolicyName: strict.name
  }
}
"""
    resources = parse("main.bicep", source).resources
    context = context_of(resources)
    chat = next(r for r in resources if r.address == "chat")
    assert [r.address for r in context.targets(chat, "properties.raiPolicyName")] == ["strict"]
    assert [r.address for r in context.targets(chat)] == ["acct", "strict"]  # not `acct` from the name
    acct = next(r for r in resources if r.address == "acct")
    assert sorted(r.address for r, _ in context.referrers(acct)) == ["chat", "strict"]
