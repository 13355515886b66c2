"""parsers.terraform.write: every change as the exact text it produces, in HCL and JSON.

Every produced text is re-parsed by our parser (no issues), by python-hcl2 (HCL) or json.loads
(JSON), and the value read back through Resource.native is the value that was set (or absent
after a remove). One test runs `git apply --check` on the unified diff of every case.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import textwrap
from dataclasses import dataclass, field

import pytest

from analyzer.check import Placeholder
from analyzer.fix import Edit, NativeRemove, NativeSet, WriteError, apply_edits, unified_diff
from analyzer.model import Unknown
from parsers.terraform import parse
from parsers.terraform.write import edits

hcl2 = pytest.importorskip("hcl2")


def text(block: str) -> str:
    return textwrap.dedent(block).lstrip("\n")


@dataclass
class Case:
    id: str
    before: str
    changes: list  # NativeSet / NativeRemove, applied together (all computed from `before`)
    after: str
    path: str = "main.tf"
    address: str | None = None  # the resource changed (default: the file's first one)
    declared: frozenset = field(default_factory=frozenset)


def resource_of(parsed, address):
    if address is None:
        return parsed.resources[0]
    return next(r for r in parsed.resources if r.address == address)


def expected_plain(value):
    if isinstance(value, Placeholder):
        return Unknown(f"var.{value.name}", "variable")
    if isinstance(value, dict):
        return {k: expected_plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [expected_plain(v) for v in value]
    return value


def unwrap_blocks(value):
    """Terraform JSON reads a nested object as a one-element block list: compare as the dict."""
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], dict):
        return unwrap_blocks(value[0])
    if isinstance(value, dict):
        return {k: unwrap_blocks(v) for k, v in value.items()}
    return value


def all_edits(case: Case) -> tuple[bytes, list[Edit]]:
    data = case.before.encode()
    parsed = parse(case.path, data)
    assert parsed.issues == (), parsed.issues
    resource = resource_of(parsed, case.address)
    found: list[Edit] = []
    for change in case.changes:
        found += edits(parsed, data, resource, change, declared_variables=case.declared)
    return data, found


def verify(path: str, result: bytes, address: str | None, changes) -> None:
    """Both parsers accept `result`, and each change reads back."""
    parsed = parse(path, result)
    assert parsed.issues == (), parsed.issues
    decoded = result.decode()
    if path.endswith(".tf.json"):
        json.loads(decoded)
    else:
        hcl2.loads(decoded)
    resource = resource_of(parsed, address)
    for change in changes:
        got = resource.native(change.path)
        if isinstance(change, NativeRemove):
            assert got.absent, change.path
        else:
            plain = got.plain()
            if path.endswith(".tf.json"):
                plain = unwrap_blocks(plain)
            assert plain == expected_plain(change.value), change.path


# --- the cases -------------------------------------------------------------------------------------

NOTEBOOK = text('''
    resource "aws_sagemaker_notebook_instance" "nb" {
      name          = "nb"
      role_arn      = aws_iam_role.sm.arn
      instance_type = "ml.t3.medium" # smallest that works
      root_access   = "Enabled"
      volume_size   = 5
      # direct_internet_access defaults to "Enabled"
      kms_key_id    = var.kms_key_arn
      tags          = local.tags
    }

    variable "kms_key_arn" {
      type = string
    }
''')

UNALIGNED = text('''
    resource "aws_sagemaker_model" "m" {
      name = "m"
      execution_role_arn = aws_iam_role.sm.arn
      enable_network_isolation = false
    }
''')

ENDPOINT = text('''
    resource "aws_sagemaker_endpoint_configuration" "ec" {
      name = "ec"

      production_variants {
        variant_name           = "a"
        model_name             = "m"
        initial_instance_count = 1
      }

      production_variants {
        variant_name           = "b"
        model_name             = "m"
        initial_instance_count = 1
      }
    }
''')

CASES = [
    Case("replace-string", NOTEBOOK, [NativeSet("root_access", "Disabled")],
         NOTEBOOK.replace('root_access   = "Enabled"', 'root_access   = "Disabled"')),
    Case("replace-string-keeps-trailing-comment", NOTEBOOK, [NativeSet("instance_type", "ml.t3.large")],
         NOTEBOOK.replace('"ml.t3.medium" # smallest', '"ml.t3.large" # smallest')),
    Case("replace-bool", UNALIGNED, [NativeSet("enable_network_isolation", True)],
         UNALIGNED.replace("= false", "= true")),
    Case("replace-number", NOTEBOOK, [NativeSet("volume_size", 20)],
         NOTEBOOK.replace("volume_size   = 5", "volume_size   = 20")),
    Case("replace-expression-with-string", NOTEBOOK, [NativeSet("tags", {"team": "ml", "cost-center": 7})],
         NOTEBOOK.replace("tags          = local.tags", 'tags          = { team = "ml", cost-center = 7 }')),
    Case("replace-escapes", UNALIGNED, [NativeSet("name", 'say "hi" ${x} %{y}\\\n')],
         UNALIGNED.replace('name = "m"', 'name = "say \\"hi\\" $${x} %%{y}\\\\\\n"')),
    Case("insert-aligned", NOTEBOOK, [NativeSet("platform_id", "notebook-al2-v2")],
         NOTEBOOK.replace("  tags          = local.tags\n",
                          '  tags          = local.tags\n  platform_id   = "notebook-al2-v2"\n')),
    Case("insert-aligned-longer-key", NOTEBOOK, [NativeSet("direct_internet_access", "Disabled")],
         # terraform fmt would realign the group; the minimal edit does not touch the other lines
         NOTEBOOK.replace("  tags          = local.tags\n",
                          '  tags          = local.tags\n  direct_internet_access = "Disabled"\n')),
    Case("insert-after-grown-group",  # an aligned group that a longer key joined: its largest column
         'resource "t" "n" {\n  name          = "nb"\n  instance_type = "i"\n  direct_internet_access = "D"\n}\n',
         [NativeSet("root_access", "Disabled")],
         'resource "t" "n" {\n  name          = "nb"\n  instance_type = "i"\n  direct_internet_access = "D"\n'
         '  root_access            = "Disabled"\n}\n'),
    Case("insert-unaligned", UNALIGNED, [NativeSet("vpc_config_x", None)],
         UNALIGNED.replace("= false\n", "= false\n  vpc_config_x = null\n")),
    Case("insert-after-multi-line-value", 'resource "t" "n" {\n  name = "n"\n  list = [\n    1,\n  ]\n}\n',
         # the multi-line value ends the aligned group, as in terraform fmt
         [NativeSet("abc", 1)], 'resource "t" "n" {\n  name = "n"\n  list = [\n    1,\n  ]\n  abc = 1\n}\n'),
    Case("insert-after-comment-line", 'resource "t" "n" {\n  name = "n"\n  # the end\n}\n',
         [NativeSet("abc", 1)], 'resource "t" "n" {\n  name = "n"\n  abc  = 1\n  # the end\n}\n'),
    Case("insert-list-and-map", UNALIGNED, [NativeSet("x", [1, "a", True, 1.5, {"k": "v", "a b": []}])],
         UNALIGNED.replace("= false\n", '= false\n  x = [1, "a", true, 1.5, { k = "v", "a b" = [] }]\n')),
    Case("create-nested-block", NOTEBOOK,
         [NativeSet("instance_metadata_service_configuration.minimum_instance_metadata_service_version", "2")],
         NOTEBOOK.replace("  tags          = local.tags\n}", """  tags          = local.tags

  instance_metadata_service_configuration {
    minimum_instance_metadata_service_version = "2"
  }
}""")),
    Case("create-two-levels", ENDPOINT, [NativeSet("data_capture_config.capture_options.capture_mode", "Input")],
         ENDPOINT[:-2] + """
  data_capture_config {
    capture_options {
      capture_mode = "Input"
    }
  }
}
"""),
    Case("repeated-blocks-index-replace", ENDPOINT, [NativeSet("production_variants.1.initial_instance_count", 2)],
         ENDPOINT.replace("b\"\n    model_name             = \"m\"\n    initial_instance_count = 1",
                          "b\"\n    model_name             = \"m\"\n    initial_instance_count = 2")),
    Case("repeated-blocks-index-insert", ENDPOINT, [NativeSet("production_variants.1.instance_type", "ml.m5.large")],
         ENDPOINT.replace("    initial_instance_count = 1\n  }\n}",
                          '    initial_instance_count = 1\n    instance_type          = "ml.m5.large"\n  }\n}')),
    Case("repeated-blocks-index-create", ENDPOINT,
         [NativeSet("production_variants.1.core_dump_config.destination_s3_uri", "s3://b/dumps")],
         ENDPOINT.replace("    initial_instance_count = 1\n  }\n}", '''    initial_instance_count = 1

    core_dump_config {
      destination_s3_uri = "s3://b/dumps"
    }
  }
}''')),
    Case("first-of-repeated-blocks", ENDPOINT, [NativeSet("production_variants.instance_type", "ml.m5.large")],
         ENDPOINT.replace('    initial_instance_count = 1\n  }\n\n',
                          '    initial_instance_count = 1\n    instance_type          = "ml.m5.large"\n  }\n\n', 1)),
    Case("remove-alone", NOTEBOOK, [NativeRemove("volume_size")], NOTEBOOK.replace("  volume_size   = 5\n", "")),
    Case("remove-with-trailing-comment", NOTEBOOK, [NativeRemove("instance_type")],
         NOTEBOOK.replace('  instance_type = "ml.t3.medium" # smallest that works\n', "")),
    Case("remove-keeps-comment-lines", NOTEBOOK, [NativeRemove("kms_key_id")],
         NOTEBOOK.replace("  kms_key_id    = var.kms_key_arn\n", "")),
    Case("remove-absent-is-nothing", NOTEBOOK, [NativeRemove("direct_internet_access")], NOTEBOOK),
    Case("remove-block", ENDPOINT, [NativeRemove("production_variants.1")],
         ENDPOINT.replace('''
  production_variants {
    variant_name           = "b"
    model_name             = "m"
    initial_instance_count = 1
  }
''', "")),
    Case("remove-all-blocks", ENDPOINT, [NativeRemove("production_variants")],
         'resource "aws_sagemaker_endpoint_configuration" "ec" {\n  name = "ec"\n}\n'),
    Case("set-same-value-is-nothing", NOTEBOOK, [NativeSet("volume_size", 5)], NOTEBOOK),
    Case("heredoc", text('''
        resource "aws_iam_policy" "p" {
          name   = "p"
          policy = <<-EOT
            {"Statement": []}
            EOT
          path   = "/"
        }
     '''), [NativeSet("policy", '{"Statement": [{"Effect": "Deny"}]}')], text('''
        resource "aws_iam_policy" "p" {
          name   = "p"
          policy = "{\\"Statement\\": [{\\"Effect\\": \\"Deny\\"}]}"
          path   = "/"
        }
     ''')),
    Case("crlf", NOTEBOOK.replace("\n", "\r\n"),
         # at one point, edits apply in the order given: attributes first, then new blocks
         [NativeSet("platform_id", "x"), NativeSet("subnet_id", Placeholder("subnet_id")),
          NativeSet("instance_metadata_service_configuration.v", "2")],
         NOTEBOOK.replace("  tags          = local.tags\n}", '''  tags          = local.tags
  platform_id   = "x"
  subnet_id     = var.subnet_id

  instance_metadata_service_configuration {
    v = "2"
  }
}''').replace("\n", "\r\n")
         + '\r\nvariable "subnet_id" {\r\n  description = "ID of the subnet (asked for by an aiposture fix)"\r\n'
                             '  type        = string\r\n}\r\n'),
    Case("tabs", 'resource "aws_sagemaker_model" "m" {\n\tname = "m"\n\tvpc_config {\n\t\tsubnets = []\n\t}\n}\n',
         [NativeSet("vpc_config.security_group_ids", ["sg-1"]), NativeSet("primary_container.image", "i"),
          NativeSet("x", Placeholder("bucket_name"))],
         'resource "aws_sagemaker_model" "m" {\n\tname = "m"\n\tx    = var.bucket_name\n\tvpc_config {\n'
         '\t\tsubnets = []\n\t\tsecurity_group_ids = ["sg-1"]\n\t}\n\n'
         '\tprimary_container {\n\t\timage = "i"\n\t}\n}\n\n'
         'variable "bucket_name" {\n\tdescription = "Name of the bucket (asked for by an aiposture fix)"\n'
         '\ttype        = string\n}\n'),
    Case("no-final-newline", UNALIGNED.rstrip("\n"),
         [NativeSet("kms_key_arn", Placeholder("kms_key_arn")), NativeSet("primary_container.image", "i")],
         UNALIGNED.replace("false\n}", 'false\n  kms_key_arn = var.kms_key_arn\n\n  primary_container {\n'
                                      '    image = "i"\n  }\n}')
         + '\nvariable "kms_key_arn" {\n  description = "ARN of the KMS key (asked for by an aiposture fix)"\n'
           '  type        = string\n}'),
    Case("block-ends-the-file", 'locals {\n  a = 1\n}\nresource "aws_s3_bucket" "b" {\n  bucket = "b"\n}',
         [NativeSet("versioning.enabled", True)],
         'locals {\n  a = 1\n}\nresource "aws_s3_bucket" "b" {\n  bucket = "b"\n\n  versioning {\n'
         '    enabled = true\n  }\n}'),
    Case("one-line-resource", 'resource "aws_sagemaker_model" "m" { name = "m" }\n',
         [NativeSet("enable_network_isolation", True)],
         'resource "aws_sagemaker_model" "m" {\n  name                     = "m"\n'
         '  enable_network_isolation = true\n}\n'),
    Case("one-line-resource-short-key", 'resource "aws_sagemaker_model" "m" { name = "m" }\n',
         [NativeSet("ab", 1)], 'resource "aws_sagemaker_model" "m" {\n  name = "m"\n  ab   = 1\n}\n'),
    Case("empty-one-line-resource-with-nested", 'resource "aws_sagemaker_model" "m" {}\n',
         [NativeSet("vpc_config.subnets", ["s"])],
         'resource "aws_sagemaker_model" "m" {\n  vpc_config {\n    subnets = ["s"]\n  }\n}\n'),
    Case("one-line-nested-block", text('''
        resource "aws_sagemaker_model" "m" {
          name = "m"
          vpc_config { subnets = [] }
        }
     '''), [NativeSet("vpc_config.security_group_ids", ["sg"])], text('''
        resource "aws_sagemaker_model" "m" {
          name = "m"
          vpc_config {
            subnets            = []
            security_group_ids = ["sg"]
          }
        }
     ''')),
    Case("one-line-nested-block-new-child", text('''
        resource "aws_sagemaker_model" "m" {
          vpc_config { subnets = [] }
        }
     '''), [NativeSet("vpc_config.x.y", 1)], text('''
        resource "aws_sagemaker_model" "m" {
          vpc_config {
            subnets = []

            x {
              y = 1
            }
          }
        }
     ''')),
    Case("object-one-line", 'resource "aws_s3_bucket" "b" {\n  tags = { a = 1, b = "x" }\n}\n',
         [NativeSet("tags.c", 3), NativeSet("tags.b", "y"), NativeSet("tags.Name Tag", "n")],
         'resource "aws_s3_bucket" "b" {\n  tags = { a = 1, b = "y", c = 3, "Name Tag" = "n" }\n}\n'),
    Case("object-trailing-comma", 'resource "aws_s3_bucket" "b" {\n  tags = { a = 1, }\n}\n',
         [NativeSet("tags.c", 3)], 'resource "aws_s3_bucket" "b" {\n  tags = { a = 1, c = 3, }\n}\n'),
    Case("object-empty", 'resource "aws_s3_bucket" "b" {\n  tags = {}\n}\n',
         [NativeSet("tags.c", 3)], 'resource "aws_s3_bucket" "b" {\n  tags = { c = 3 }\n}\n'),
    Case("object-multi-line", 'resource "aws_s3_bucket" "b" {\n  tags = {\n    Name = "b"\n    Team = "ml"\n  }\n}\n',
         [NativeSet("tags.Env", "dev"), NativeSet("tags.Owner", "me")],
         # Owner is longer than the group's column: one space (terraform fmt would realign)
         'resource "aws_s3_bucket" "b" {\n  tags = {\n    Name = "b"\n    Team = "ml"\n    Env  = "dev"\n'
         '    Owner = "me"\n  }\n}\n'),
    Case("object-multi-line-commas", 'resource "aws_s3_bucket" "b" {\n  tags = {\n    Name = "b",\n  }\n}\n',
         [NativeSet("tags.Env", "dev")],
         'resource "aws_s3_bucket" "b" {\n  tags = {\n    Name = "b",\n    Env  = "dev",\n  }\n}\n'),
    Case("object-remove-one-line", 'resource "aws_s3_bucket" "b" {\n  tags = { a = 1, b = 2, c = 3 }\n}\n',
         [NativeRemove("tags.a"), NativeRemove("tags.c")],
         'resource "aws_s3_bucket" "b" {\n  tags = { b = 2 }\n}\n'),
    Case("object-remove-multi-line", 'resource "aws_s3_bucket" "b" {\n  tags = {\n    a = 1\n    b = 2 # x\n  }\n}\n',
         [NativeRemove("tags.b")], 'resource "aws_s3_bucket" "b" {\n  tags = {\n    a = 1\n  }\n}\n'),
    Case("absent-tags-is-a-map", UNALIGNED, [NativeSet("tags.Env", "dev")],
         UNALIGNED.replace("= false\n", '= false\n  tags = { Env = "dev" }\n')),
    Case("placeholder-declared-in-file", NOTEBOOK, [NativeSet("kms_key_id", Placeholder("kms_key_arn"))],
         NOTEBOOK),  # already var.kms_key_arn: nothing to do
    Case("placeholder-declared-in-file-new-attribute", NOTEBOOK,
         [NativeSet("volume_kms", Placeholder("kms_key_arn"))],
         NOTEBOOK.replace("  tags          = local.tags\n",
                          "  tags          = local.tags\n  volume_kms    = var.kms_key_arn\n")),
    Case("placeholder-new-variable", UNALIGNED,
         [NativeSet("vpc_config.subnets", Placeholder("subnet_ids"))],
         UNALIGNED.replace("false\n}\n", 'false\n\n  vpc_config {\n    subnets = var.subnet_ids\n  }\n}\n\n'
                                         'variable "subnet_ids" {\n'
                                         '  description = "IDs of the subnets (asked for by an aiposture fix)"\n'
                                         '  type        = list(string)\n}\n')),
    Case("placeholder-declared-elsewhere", UNALIGNED,
         [NativeSet("vpc_config.subnets", Placeholder("subnet_ids"))],
         UNALIGNED.replace("false\n}\n", 'false\n\n  vpc_config {\n    subnets = var.subnet_ids\n  }\n}\n'),
         declared=frozenset({"subnet_ids"})),
    Case("two-changes-same-block", NOTEBOOK,
         [NativeSet("direct_internet_access", "Disabled"), NativeSet("root_access", "Disabled"),
          NativeSet("platform_id", "p"), NativeRemove("volume_size")],
         NOTEBOOK.replace('root_access   = "Enabled"\n  volume_size   = 5\n', 'root_access   = "Disabled"\n')
         .replace("  tags          = local.tags\n",
                  '  tags          = local.tags\n  direct_internet_access = "Disabled"\n  platform_id   = "p"\n')),
    Case("other-resource-in-file", NOTEBOOK + '\nresource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n',
         [NativeSet("acl", "private")],
         NOTEBOOK + '\nresource "aws_s3_bucket" "b" {\n  bucket = "b"\n  acl    = "private"\n}\n',
         address="aws_s3_bucket.b"),
]

# --- JSON ------------------------------------------------------------------------------------------

JSON_NOTEBOOK = text('''
    {
      "resource": {
        "aws_sagemaker_notebook_instance": {
          "nb": {
            "name": "nb",
            "root_access": "Enabled",
            "volume_size": 5,
            "tags": {"team": "ml"}
          }
        }
      }
    }
''')

CDKTF = text('''
    {
      "//": {
        "metadata": {
          "backend": "local",
          "stackName": "dev"
        }
      },
      "resource": {
        "aws_sagemaker_notebook_instance": {
          "nb": {
            "//": {
              "metadata": {
                "path": "dev/nb",
                "uniqueId": "nb"
              }
            },
            "instance_type": "ml.t3.medium",
            "name": "fraud-nb",
            "role_arn": "${aws_iam_role.r.arn}"
          }
        }
      }
    }
''')

MINIFIED = ('{"resource":{"aws_sagemaker_model":{"m":{"name":"m","enable_network_isolation":false}}},'
            '"variable":{"region":{"type":"string"}}}')

JSON_CASES = [
    Case("json-replace", JSON_NOTEBOOK,
         [NativeSet("root_access", "Disabled"), NativeSet("volume_size", 20), NativeSet("tags.team", "${x}")],
         JSON_NOTEBOOK.replace('"Enabled"', '"Disabled"').replace(": 5", ": 20")
         .replace('"team": "ml"', '"team": "$${x}"'), path="main.tf.json"),
    Case("json-insert-indented", JSON_NOTEBOOK, [NativeSet("direct_internet_access", "Disabled")],
         JSON_NOTEBOOK.replace('"tags": {"team": "ml"}\n',
                               '"tags": {"team": "ml"},\n        "direct_internet_access": "Disabled"\n'),
         path="main.tf.json"),
    Case("json-insert-one-line-object", JSON_NOTEBOOK, [NativeSet("tags.env", "dev")],
         JSON_NOTEBOOK.replace('{"team": "ml"}', '{"team": "ml", "env": "dev"}'), path="main.tf.json"),
    Case("json-nested-object", JSON_NOTEBOOK,
         [NativeSet("instance_metadata_service_configuration.minimum_instance_metadata_service_version", "2")],
         JSON_NOTEBOOK.replace('"tags": {"team": "ml"}\n', '"tags": {"team": "ml"},\n'
                               '        "instance_metadata_service_configuration": {\n'
                               '          "minimum_instance_metadata_service_version": "2"\n        }\n'),
         path="main.tf.json"),
    Case("json-remove", JSON_NOTEBOOK, [NativeRemove("root_access"), NativeRemove("tags")],
         JSON_NOTEBOOK.replace('"name": "nb",\n        "root_access": "Enabled",', '"name": "nb",')
         .replace('5,\n        "tags": {"team": "ml"}', "5"), path="main.tf.json"),
    Case("json-placeholder-new-variable-object", JSON_NOTEBOOK,
         [NativeSet("kms_key_id", Placeholder("kms_key_arn"))],
         JSON_NOTEBOOK.replace('"tags": {"team": "ml"}\n', '"tags": {"team": "ml"},\n'
                               '        "kms_key_id": "${var.kms_key_arn}"\n')
         .replace("  }\n}\n", '  },\n  "variable": {\n    "kms_key_arn": {\n      "description": '
                               '"ARN of the KMS key (asked for by an aiposture fix)",\n      "type": "string"\n'
                               '    }\n  }\n}\n'), path="main.tf.json"),
    Case("json-minified", MINIFIED,
         [NativeSet("enable_network_isolation", True), NativeSet("vpc_config.subnets", ["a"]),
          NativeSet("primary_container.model_data_url", Placeholder("model_data_url"))],
         '{"resource":{"aws_sagemaker_model":{"m":{"name":"m","enable_network_isolation":true,'
         '"vpc_config":{"subnets":["a"]},"primary_container":{"model_data_url":"${var.model_data_url}"}}}},'
         '"variable":{"region":{"type":"string"},"model_data_url":{"description":'
         '"URL of the model data (asked for by an aiposture fix)","type":"string"}}}',
         path="main.tf.json"),
    Case("json-minified-placeholder-declared", MINIFIED,
         [NativeSet("execution_role_arn", Placeholder("region"))],
         MINIFIED.replace('false}', 'false,"execution_role_arn":"${var.region}"}'), path="main.tf.json"),
    Case("cdktf", CDKTF,
         [NativeSet("direct_internet_access", "Disabled"), NativeSet("root_access", "Disabled"),
          NativeSet("instance_type", "ml.t3.large"),
          NativeSet("instance_metadata_service_configuration.minimum_instance_metadata_service_version", "2")],
         CDKTF.replace('"ml.t3.medium"', '"ml.t3.large"').replace(
             '"role_arn": "${aws_iam_role.r.arn}"\n',
             '"role_arn": "${aws_iam_role.r.arn}",\n        "direct_internet_access": "Disabled",\n'
             '        "root_access": "Disabled",\n        "instance_metadata_service_configuration": {\n'
             '          "minimum_instance_metadata_service_version": "2"\n        }\n'), path="cdk.tf.json"),
    Case("json-crlf-no-final-newline-tabs",
         '{\r\n\t"resource": {\r\n\t\t"aws_s3_bucket": {\r\n\t\t\t"b": {\r\n\t\t\t\t"bucket": "b"\r\n'
         '\t\t\t}\r\n\t\t}\r\n\t}\r\n}',
         [NativeSet("versioning.enabled", True)],
         '{\r\n\t"resource": {\r\n\t\t"aws_s3_bucket": {\r\n\t\t\t"b": {\r\n\t\t\t\t"bucket": "b",\r\n'
         '\t\t\t\t"versioning": {\r\n\t\t\t\t\t"enabled": true\r\n\t\t\t\t}\r\n\t\t\t}\r\n\t\t}\r\n\t}\r\n}',
         path="main.tf.json"),
    Case("json-array-blocks", text('''
        {
          "resource": {
            "aws_sagemaker_endpoint_configuration": {
              "ec": {
                "production_variants": [
                  {"variant_name": "a", "initial_instance_count": 1},
                  {"variant_name": "b", "initial_instance_count": 1}
                ]
              }
            }
          }
        }
     '''), [NativeSet("production_variants.1.initial_instance_count", 2),
            NativeSet("production_variants.1.instance_type", "ml.m5.large")], text('''
        {
          "resource": {
            "aws_sagemaker_endpoint_configuration": {
              "ec": {
                "production_variants": [
                  {"variant_name": "a", "initial_instance_count": 1},
                  {"variant_name": "b", "initial_instance_count": 2, "instance_type": "ml.m5.large"}
                ]
              }
            }
          }
        }
     '''), path="main.tf.json"),
    Case("json-remove-array-element", text('''
        {
          "resource": {
            "aws_sagemaker_endpoint_configuration": {
              "ec": {
                "production_variants": [
                  {"variant_name": "a"},
                  {"variant_name": "b"}
                ]
              }
            }
          }
        }
     '''), [NativeRemove("production_variants.1")], text('''
        {
          "resource": {
            "aws_sagemaker_endpoint_configuration": {
              "ec": {
                "production_variants": [
                  {"variant_name": "a"}
                ]
              }
            }
          }
        }
     '''), path="main.tf.json"),
    Case("json-empty-object", '{"resource": {"aws_s3_bucket": {"b": {}}}}\n', [NativeSet("bucket", "b")],
         '{"resource": {"aws_s3_bucket": {"b": {"bucket": "b"}}}}\n', path="main.tf.json"),
]

ALL = CASES + JSON_CASES


@pytest.mark.parametrize("case", ALL, ids=[c.id for c in ALL])
def test_change(case: Case):
    data, found = all_edits(case)
    result = apply_edits(data, found)
    assert result.decode() == case.after
    verify(case.path, result, case.address, case.changes)


def test_each_change_alone_also_applies():
    """The changes of combined cases are each valid on their own too."""
    for case in ALL:
        if len(case.changes) < 2:
            continue
        for change in case.changes:
            single = Case(case.id, case.before, [change], "", case.path, case.address, case.declared)
            data, found = all_edits(single)
            verify(case.path, apply_edits(data, found), case.address, [change])


def test_unified_diffs_apply_with_git(tmp_path):
    git = shutil.which("git")
    if git is None:
        pytest.skip("git is not installed")
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(tmp_path)}
    subprocess.run([git, "init", "-q", str(tmp_path)], check=True, env=env)
    checked = 0
    real = [n for n, case in enumerate(ALL)
            if case.id in ("crlf", "no-final-newline", "json-crlf-no-final-newline-tabs")]
    for n, case in enumerate(ALL):
        data, found = all_edits(case)
        result = apply_edits(data, found)
        if result == data:
            continue
        path = f"case{n}/{case.path}"
        target = tmp_path / path
        target.parent.mkdir()
        target.write_bytes(data)
        patch = tmp_path / f"case{n}.patch"
        patch.write_bytes(unified_diff(path, data, result).encode())
        run = subprocess.run([git, "apply", "--check", str(patch)], cwd=tmp_path, env=env,
                             capture_output=True, text=True)
        assert run.returncode == 0, (case.id, run.stderr)
        checked += 1
    assert checked > 40
    # and a few patches applied for real give the fixed bytes (CRLF, no final newline, JSON)
    for n in real:
        subprocess.run([git, "apply", str(tmp_path / f"case{n}.patch")], cwd=tmp_path, env=env, check=True)
        assert (tmp_path / f"case{n}" / ALL[n].path).read_bytes() == apply_edits(*all_edits(ALL[n]))


# --- what cannot be written --------------------------------------------------------------------------

def write_error(before: str, change, path: str = "main.tf", issues: bool = False) -> str:
    data = before.encode()
    parsed = parse(path, data)
    assert bool(parsed.issues) == issues
    with pytest.raises(WriteError) as caught:
        edits(parsed, data, parsed.resources[0], change)
    return str(caught.value)


DYNAMIC = text('''
    resource "aws_security_group" "sg" {
      name = "sg"
      tags = merge(local.tags, { a = 1 })
      dynamic "ingress" {
        for_each = var.rules
        content {
          from_port = ingress.value
        }
      }
    }
''')


def test_dynamic_blocks_and_expressions_raise():
    assert "dynamic" in write_error(DYNAMIC, NativeSet("ingress.cidr_blocks", ["10.0.0.0/8"]))
    assert "dynamic" in write_error(DYNAMIC, NativeSet("ingress", "x"))
    assert "dynamic" in write_error(DYNAMIC, NativeRemove("ingress"))
    assert "expression" in write_error(DYNAMIC, NativeSet("tags.b", 2))
    assert "value" in write_error(DYNAMIC, NativeSet("name.x", 2))
    json_dynamic = '{"resource": {"aws_security_group": {"sg": {"dynamic": {"ingress": {"for_each": "${var.r}"}}}}}}'
    assert "dynamic" in write_error(json_dynamic, NativeSet("ingress.from_port", 1), "main.tf.json")


def test_other_write_errors():
    assert "nested block" in write_error(ENDPOINT, NativeSet("production_variants", {"a": 1}))
    assert "no element 2" in write_error(ENDPOINT, NativeSet("production_variants.2.model_name", "m"))
    assert "terraform fmt" in write_error('resource "t" "n" {\n  a = 1 }\n', NativeSet("b", 1))
    assert "name" in write_error(UNALIGNED, NativeSet("not a name", 1))
    assert "nan" in write_error(UNALIGNED, NativeSet("x", float("nan")))
    assert "label" in write_error('resource "t" "n" {\n  provisioner "local-exec" {\n    command = "x"\n  }\n}\n',
                                  NativeSet("provisioner.command", "y"))
    assert "not an attribute path" in write_error(UNALIGNED, NativeSet("a..b", 1))
    assert "list" in write_error(UNALIGNED.replace("false", "[1, 2]"), NativeRemove("enable_network_isolation.0"))
    broken = UNALIGNED + 'resource "t" "broken" {\n  a = \n}\n'
    assert "syntax errors" in write_error(broken, NativeSet("name", "x"), issues=True)


def test_labeled_blocks_by_label():
    before = 'resource "t" "n" {\n  provisioner "local-exec" {\n    command = "x"\n  }\n}\n'
    case = Case("labeled", before, [NativeSet("provisioner.local-exec.when", "destroy")],
                before.replace('"x"\n', '"x"\n    when    = "destroy"\n'))
    data, found = all_edits(case)
    assert apply_edits(data, found).decode() == case.after


def test_edits_are_on_the_file_path():
    data, found = all_edits(CASES[0])
    assert [e.path for e in found] == ["main.tf"]
    assert found == [Edit("main.tf", NOTEBOOK.index('"Enabled"'), NOTEBOOK.index('"Enabled"') + 9, '"Disabled"')]


def test_declared_variables(tmp_path):
    from parsers.terraform import declared_variables

    (tmp_path / "variables.tf").write_text('variable "region" {}\nvariable unquoted {\n}\n  variable "indented" {\n}\n'
                                           '# variable "commented" {}\nlocals {\n  variable = 1\n}\n')
    (tmp_path / "vars.tf.json").write_text('{"variable": {"from_json": {"type": "string"}}}')
    (tmp_path / "list.tf.json").write_text('{"variable": [{"in_list": {}}, {"second": {}}]}')
    (tmp_path / "broken.tf.json").write_text('{"variable": ')
    (tmp_path / "notes.txt").write_text('variable "not_terraform" {}')
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "main.tf").write_text('variable "in_another_module" {}')
    (tmp_path / "dir.tf").mkdir()
    assert declared_variables(str(tmp_path)) == {"region", "unquoted", "indented", "from_json", "in_list", "second"}
    assert declared_variables(str(tmp_path / "missing")) == frozenset()
    assert declared_variables(str(tmp_path / "variables.tf")) == frozenset()  # not a folder


def test_keywords_are_not_attribute_names():
    assert "name" in write_error(UNALIGNED, NativeSet("for", 1))
    # in an object a keyword is a quoted key
    case = Case("k", 'resource "t" "n" {\n  tags = { a = 1 }\n}\n', [NativeSet("tags.for", 1)],
                'resource "t" "n" {\n  tags = { a = 1, "for" = 1 }\n}\n')
    data, found = all_edits(case)
    result = apply_edits(data, found)
    assert result.decode() == case.after
    verify(case.path, result, None, case.changes)
