"""parsers.terraform.hcl: values, spans, blocks, insertions on hand-written HCL."""
import textwrap

import pytest

from analyzer.model import Insertion, Unknown
from parsers.terraform import hcl


def parse(text: str, path: str = "main.tf"):
    parsed = hcl.parse(path, textwrap.dedent(text).lstrip("\n").encode())
    assert parsed.issues == (), parsed.issues
    return parsed


def where(span):
    return (span.line, span.col, span.end_line, span.end_col)


NOTEBOOK = '''
# a comment before the block
resource "aws_sagemaker_notebook_instance" "nb" {
  name                   = "research" # trailing comment
  volume_size            = 50
  direct_internet_access = "Disabled"
  root_access            = var.root_access

  instance_metadata_service_configuration {
    minimum_instance_metadata_service_version = "2"
  }
}
'''


def test_resource_identity_and_spans():
    parsed = parse(NOTEBOOK)
    [nb] = parsed.resources
    assert (nb.kind, nb.native_type, nb.framework, nb.address) == (
        "aws.sagemaker.notebook_instance", "aws_sagemaker_notebook_instance", "terraform",
        "aws_sagemaker_notebook_instance.nb")
    assert nb.path == "main.tf"
    assert where(nb.span) == (2, 1, 11, 2)
    assert where(nb.header) == (2, 1, 2, 50)  # through the `{`
    name = nb.attrs["name"]
    assert (name.raw, name.origin) == ("research", "explicit")
    assert where(name.key_span) == (3, 3, 3, 7)
    assert where(name.span) == (3, 28, 3, 38)  # the string with its quotes
    assert nb.attrs["volume_size"].raw == 50
    assert where(nb.attrs["direct_internet_access"].span) == (5, 28, 5, 38)
    root = nb.attrs["root_access"]
    assert root.raw == Unknown("var.root_access", "variable") and root.origin == "unresolved"
    imds = nb.attrs["instance_metadata_service_configuration"]
    assert where(imds.span) == (8, 3, 10, 4)
    assert where(imds.key_span) == (8, 3, 8, 42)
    [block] = imds.raw
    version = block.raw["minimum_instance_metadata_service_version"]
    assert (version.raw, where(version.span), where(version.key_span)) == ("2", (9, 49, 9, 52), (9, 5, 9, 46))
    assert nb.native("instance_metadata_service_configuration.minimum_instance_metadata_service_version") is version
    # the byte offsets slice the file
    data = textwrap.dedent(NOTEBOOK).lstrip("\n").encode()
    assert data[version.span.start:version.span.end] == b'"2"'
    assert data[nb.span.start:nb.span.end].startswith(b'resource "aws_sagemaker') and data[nb.span.end - 1:nb.span.end] == b"}"


def test_attribute_order_is_source_order():
    [nb] = parse(NOTEBOOK).resources
    assert list(nb.attrs) == ["name", "volume_size", "direct_internet_access", "root_access",
                              "instance_metadata_service_configuration"]


def test_literals():
    [r] = parse(r'''
        resource "t" "n" {
          s       = "plain"
          escapes = "q\" b\\ n\n t\t u\u00e9 U\U0001F916 d$${x} p%%{y}"
          empty   = ""
          i       = 42
          f       = 1.5
          e       = 1.5e3
          neg     = -7
          big     = 123456789012345678901234567890
          yes     = true
          no      = false
          nothing = null
          list    = [1, "two", [true], {}]
          obj     = { a = 1, "b c" = "d", e: false, (var.k) = 2, "${var.j}" = 3 }
          paren   = (8)
        }
    ''').resources
    plain = {k: v.plain() for k, v in r.attrs.items()}
    assert plain["s"] == "plain"
    assert plain["escapes"] == 'q" b\\ n\n t\t u\u00e9 U\U0001F916 d${x} p%{y}'
    assert plain["empty"] == ""
    assert (plain["i"], plain["f"], plain["e"], plain["neg"]) == (42, 1.5, 1500.0, -7)
    assert plain["big"] == 123456789012345678901234567890
    assert (plain["yes"], plain["no"], plain["nothing"]) == (True, False, None)
    assert plain["list"] == [1, "two", [True], {}]
    assert plain["obj"] == {"a": 1, "b c": "d", "e": False, "(var.k)": 2, '"${var.j}"': 3}
    assert plain["paren"] == 8
    assert isinstance(r.attrs["i"].raw, int) and isinstance(r.attrs["f"].raw, float)
    second = r.attrs["list"].raw[1]
    assert where(second.span) == (13, 17, 13, 22)
    b_c = r.attrs["obj"].raw["b c"]
    assert where(b_c.key_span) == (14, 22, 14, 27) and where(b_c.span) == (14, 30, 14, 33)


def test_exponent_without_fraction_is_a_number_not_a_parse_error():
    # valid HCL that tree-sitter-hcl 1.2.0 rejects; we mask it and read it ourselves
    parsed = parse('''
        locals {
          a = 1e3
          b = -2E-2
          c = [1e+2, "1e3"]
          name-1e3 = "x"
        }
    ''')
    values = {k: r.attrs["value"].plain() for k, r in parsed.blocks["locals"].items()}
    assert values == {"a": 1000.0, "b": -0.02, "c": [100.0, "1e3"], "name-1e3": "x"}


def test_heredocs():
    [r] = parse('''
        resource "t" "n" {
          plain = <<EOT
        line one
          indented "quotes" \\n kept
        EOT
          flush = <<-EOF
            {
              "a": 1,

              "b": "$${literal}"
            }
          EOF
          empty = <<EOT
        EOT
          dynamic_text = <<EOT
        hello ${var.name}
        EOT
        }
    ''').resources
    assert r.attrs["plain"].raw == 'line one\n  indented "quotes" \\n kept\n'
    assert r.attrs["flush"].raw == '{\n  "a": 1,\n\n  "b": "${literal}"\n}\n'
    assert r.attrs["empty"].raw == ""
    assert r.attrs["dynamic_text"].raw == Unknown("<<EOT\nhello ${var.name}\nEOT", "expression")
    assert where(r.attrs["flush"].span) == (6, 11, 12, 6)


@pytest.mark.parametrize("expr, reason", [
    ("var.x", "variable"),
    ("var.list[0].name", "variable"),
    ("local.name_prefix", "local"),
    ("data.aws_caller_identity.current.account_id", "data"),
    ("module.vpc.vpc_id", "module"),
    ("aws_kms_key.k.arn", "resource"),
    ("aws_s3_bucket.b[0].id", "resource"),
    ('aws_s3_bucket.b["x"].arn', "resource"),
    ("each.value", "expression"),
    ("count.index", "expression"),
    ("self.private_ip", "expression"),
    ("path.module", "expression"),
    ("terraform.workspace", "expression"),
    ("aws_instance.web.*.id", "expression"),
    ("aws_instance.web[*].id", "expression"),
    ("lower(var.x)", "expression"),
    ('provider::aws::arn_parse("arn:aws:iam::1:role/x")', "expression"),
    ('var.on ? "Enabled" : "Disabled"', "expression"),
    ("[for s in var.list : upper(s)]", "expression"),
    ("var.a + 1", "expression"),
    ("!var.enabled", "expression"),
    ('"x-${var.a}"', "expression"),
    ('"${var.a}-${var.b}"', "expression"),
    ('"%{if var.a}yes%{endif}"', "expression"),
    ('"${var.a}"', "variable"),
    ('"${~ aws_kms_key.k.arn ~}"', "resource"),
    ("(var.x)", "variable"),
    ('{ a = 1 }["a"]', "expression"),
    ("undeclared_name", "expression"),
])
def test_expressions_are_unknown_with_source_and_reason(expr, reason):
    [r] = parse(f'resource "t" "n" {{\n  a = {expr}\n}}\n').resources
    value = r.attrs["a"]
    assert value.raw == Unknown(expr, reason)
    assert value.origin == "unresolved"
    assert where(value.span) == (2, 7, 2, 7 + len(expr))


def test_lone_interpolation_of_a_literal_is_the_literal():
    [r] = parse('resource "t" "n" {\n  a = "${true}"\n  b = "${"x"}"\n}\n').resources
    assert (r.attrs["a"].raw, r.attrs["b"].raw) == (True, "x")


def test_unknowns_nested_in_collections():
    [r] = parse('''
        resource "t" "n" {
          tags = merge(local.tags, { a = 1 })
          list = ["a", var.b]
          map  = { k = local.v, j = "lit" }
        }
    ''').resources
    assert r.attrs["tags"].raw.reason == "expression"
    a, b = r.attrs["list"].raw
    assert (a.raw, a.origin, b.raw, b.origin) == ("a", "explicit", Unknown("var.b", "variable"), "unresolved")
    assert r.attrs["list"].origin == "explicit"
    assert r.native("map.k").raw == Unknown("local.v", "local")
    assert r.native("map.j").raw == "lit"


def test_repeated_and_nested_blocks_are_lists_in_source_order():
    [r] = parse('''
        resource "aws_sagemaker_endpoint_configuration" "ec" {
          production_variants {
            variant_name = "a"
          }
          name = "ec"
          production_variants {
            variant_name = "b"
            serverless_config {
              max_concurrency = 5
            }
          }
          data_capture_config {
            capture_options { capture_mode = "Input" }
            capture_options { capture_mode = "Output" }
          }
        }
    ''').resources
    assert list(r.attrs) == ["production_variants", "name", "data_capture_config"]
    variants = r.attrs["production_variants"]
    assert [v.raw["variant_name"].raw for v in variants.raw] == ["a", "b"]
    assert where(variants.span) == where(variants.raw[0].span) == (2, 3, 4, 4)
    assert where(variants.raw[1].key_span) == (6, 3, 6, 22)
    assert r.native("production_variants.1.serverless_config.max_concurrency").raw == 5
    assert r.native("production_variants.variant_name").raw == "a"
    options = r.native("data_capture_config.capture_options")
    assert [o.raw["capture_mode"].raw for o in options.raw] == ["Input", "Output"]


def test_labeled_nested_blocks_nest_their_labels():
    [r] = parse('''
        resource "aws_instance" "web" {
          provisioner "local-exec" {
            command = "echo one"
          }
          provisioner "remote-exec" {
            inline = ["echo two"]
          }
        }
    ''').resources
    first, second = r.attrs["provisioner"].raw
    assert first.raw["local-exec"].raw["command"].raw == "echo one"
    assert where(first.raw["local-exec"].key_span) == (2, 15, 2, 27)
    assert second.raw["remote-exec"].plain() == {"inline": ["echo two"]}
    assert r.native("provisioner.local-exec.command").raw == "echo one"


def test_dynamic_blocks():
    [r] = parse('''
        resource "aws_security_group" "sg" {
          dynamic "ingress" {
            for_each = var.rules
            content {
              from_port = ingress.value
            }
          }
          egress {
            from_port = 0
          }
          dynamic "egress" {
            for_each = var.more
            content {}
          }
        }
    ''').resources
    ingress = r.attrs["ingress"]
    assert ingress.raw == Unknown(
        'dynamic "ingress" {\n    for_each = var.rules\n    content {\n      from_port = ingress.value\n    }\n  }',
        "dynamic")
    assert ingress.origin == "unresolved"
    assert where(ingress.span) == (2, 3, 7, 4)
    assert where(ingress.key_span) == (2, 11, 2, 20)
    assert r.native("ingress.from_port").raw.reason == "dynamic"  # lookup through a dynamic block is Unknown
    # static and dynamic together: all of them, in source order; the static one is first
    static, dynamic = r.attrs["egress"].raw
    assert static.raw["from_port"].raw == 0
    assert dynamic.raw.reason == "dynamic"
    assert r.native("egress.from_port").raw == 0


def test_meta_arguments():
    [r] = parse('''
        resource "aws_sagemaker_model" "m" {
          count      = var.enabled ? 1 : 0
          for_each   = toset(var.names)
          provider   = aws.us_east_1
          depends_on = [aws_iam_role_policy.p, module.vpc]

          lifecycle {
            create_before_destroy = true
            ignore_changes        = [tags["Owner"], primary_container]
          }
        }
    ''').resources
    assert r.attrs["count"].raw.reason == "expression"
    assert r.attrs["provider"].raw == "aws.us_east_1"
    assert r.attrs["depends_on"].plain() == ["aws_iam_role_policy.p", "module.vpc"]
    assert r.native("lifecycle.create_before_destroy").raw is True
    assert r.native("lifecycle.ignore_changes").plain() == ['tags["Owner"]', "primary_container"]


def test_data_sources_are_resources_without_a_managed_kind():
    parsed = parse('''
        data "aws_sagemaker_notebook_instance" "existing" {
          name = "x"
        }
        data "aws_iam_policy_document" "p" {
          statement {
            actions   = ["s3:GetObject"]
            resources = ["*"]
          }
        }
        resource "aws_unknown_thing" "u" {}
    ''')
    existing, policy, unknown = parsed.resources
    assert (existing.address, existing.kind, existing.native_type) == (
        "data.aws_sagemaker_notebook_instance.existing", "", "aws_sagemaker_notebook_instance")
    assert policy.native("statement.actions").plain() == ["s3:GetObject"]
    assert (unknown.address, unknown.kind, unknown.attrs) == ("aws_unknown_thing.u", "", {})


def test_other_top_level_blocks():
    parsed = parse('''
        terraform {
          required_version = ">= 1.5"
          backend "s3" {
            bucket = "state"
          }
        }
        terraform {
          required_providers {
            aws = { source = "hashicorp/aws", version = "~> 5.0" }
          }
        }
        provider "aws" {
          region = "eu-west-1"
        }
        provider "aws" {
          alias  = "us_east_1"
          region = "us-east-1"
        }
        variable "env" {
          type    = map(object({ name = string }))
          default = { dev = { name = "d" } }
          validation {
            condition     = length(var.env) > 0
            error_message = "empty"
          }
        }
        locals {
          prefix = "ml"
          full   = "${local.prefix}-x"
        }
        locals {
          other = 1
        }
        module "vpc" {
          source    = "terraform-aws-modules/vpc/aws"
          version   = "5.8.1"
          providers = { aws = aws.us_east_1 }
        }
        output "id" {
          value     = module.vpc.vpc_id
          sensitive = true
        }
        moved {
          from = aws_s3_bucket.old
          to   = aws_s3_bucket.new
        }
        check "health" {
          data "http" "ping" {
            url = "https://example.com"
          }
          assert {
            condition     = data.http.ping.status_code == 200
            error_message = "down"
          }
        }
    ''')
    blocks = parsed.blocks
    assert parsed.resources == ()
    assert set(blocks) == {"terraform", "provider", "variable", "locals", "module", "output", "moved", "check"}
    assert list(blocks["terraform"]) == ["", "#2"]
    assert blocks["terraform"][""].native("backend.s3.bucket").raw == "state"
    assert blocks["terraform"]["#2"].native("required_providers.aws.source").raw == "hashicorp/aws"
    assert list(blocks["provider"]) == ["aws", "aws.us_east_1"]
    assert blocks["provider"]["aws.us_east_1"].address == "provider.aws.us_east_1"
    env = blocks["variable"]["env"]
    assert (env.address, env.native_type, env.kind) == ("var.env", "variable", "")
    assert env.attrs["type"].raw == "map(object({ name = string }))"  # the type constraint as written
    assert env.native("default.dev.name").raw == "d"
    assert env.native("validation.error_message").raw == "empty"
    # one record per local, keyed by name, across locals blocks
    assert list(blocks["locals"]) == ["prefix", "full", "other"]
    prefix = blocks["locals"]["prefix"]
    assert (prefix.address, prefix.native_type, prefix.attrs["value"].raw) == ("local.prefix", "locals", "ml")
    assert where(prefix.span) == (28, 3, 28, 16)
    assert where(prefix.attrs["value"].key_span) == (28, 3, 28, 9)
    assert blocks["locals"]["full"].attrs["value"].raw == Unknown('"${local.prefix}-x"', "expression")
    vpc = blocks["module"]["vpc"]
    assert (vpc.address, vpc.attrs["source"].raw, vpc.attrs["version"].raw) == (
        "module.vpc", "terraform-aws-modules/vpc/aws", "5.8.1")
    assert vpc.native("providers.aws").raw == "aws.us_east_1"
    assert blocks["output"]["id"].attrs["value"].raw == Unknown("module.vpc.vpc_id", "module")
    assert blocks["moved"][""].attrs["from"].raw == "aws_s3_bucket.old"  # an address, as text
    assert blocks["check"]["health"].native("data.http.ping.url").raw == "https://example.com"


def test_non_ascii_columns_are_utf16():
    [r] = parse('''
        resource "aws_s3_bucket" "b" {
          tags = { "Équipe" = "🤖", after = "é" }
        }
    ''').resources
    after = r.native("tags.after")
    # `  tags = { "Équipe" = "🤖", ` is 28 UTF-16 units (🤖 counts 2) and 31 bytes
    assert where(after.key_span) == (2, 29, 2, 34)
    assert where(after.span) == (2, 37, 2, 40)
    assert after.span.start == len('resource "aws_s3_bucket" "b" {\n  tags = { "Équipe" = "🤖", after = '.encode())
    assert r.native("tags.Équipe").raw == "🤖"


def test_comments_anywhere():
    [r] = parse('''
        /* leading */ resource "t" "n" { # after the brace
          // line comment
          a = /* inline */ 1 # trailing
          b = [
            1, # one
            2, /* two */
          ]
          nested {
            # only a comment
          }
        }
    ''').resources
    assert {k: v.plain() for k, v in r.attrs.items()} == {"a": 1, "b": [1, 2], "nested": [{}]}


def test_unquoted_labels_and_crlf():
    parsed = hcl.parse("x.tf", b'resource aws_s3_bucket logs {\r\n  bucket = "l"\r\n}\r\n')
    [r] = parsed.resources
    assert r.address == "aws_s3_bucket.logs"
    assert where(r.attrs["bucket"].span) == (2, 12, 2, 15)
    assert r.insertions[""] == Insertion(len(b'resource aws_s3_bucket logs {\r\n  bucket = "l"\r\n'), "  ")


# --- insertions ---------------------------------------------------------------------------------

def insertion_line(text: str, path: str = ""):
    """(text before the insertion point's line, indent) for the one resource in `text`."""
    data = textwrap.dedent(text).lstrip("\n").encode()
    [r] = hcl.parse("main.tf", data).resources
    if path not in r.insertions:
        return None
    at = r.insertions[path]
    return data[:at.offset].decode().splitlines()[-1], at.indent


def test_insertion_after_the_last_attribute_before_nested_blocks():
    text = '''
        resource "aws_sagemaker_notebook_instance" "nb" {
          name = "nb" # comment
          tags = {
            a = 1
          }

          instance_metadata_service_configuration {
            minimum_instance_metadata_service_version = "2"
          }
        }
    '''
    assert insertion_line(text) == ("  }", "  ")  # the line after `tags = {...}`
    assert insertion_line(text, "instance_metadata_service_configuration") == (
        '    minimum_instance_metadata_service_version = "2"', "    ")


def test_insertion_offsets_are_line_starts():
    data = b'resource "t" "n" {\n  a = 1\n\n  b {\n    c = 2\n  }\n}\n'
    [r] = hcl.parse("main.tf", data).resources
    assert r.insertions[""] == Insertion(data.index(b"\n\n") + 1, "  ")
    assert r.insertions["b"] == Insertion(data.index(b"  }"), "    ")


def test_insertion_in_bodies_without_attributes():
    text = '''
        resource "aws_sagemaker_domain" "d" {
          default_user_settings {
            sharing_settings {
            }
          }
        }
    '''
    assert insertion_line(text) == ('resource "aws_sagemaker_domain" "d" {', "  ")  # indent of its block
    assert insertion_line(text, "default_user_settings") == ("  default_user_settings {", "    ")
    assert insertion_line(text, "default_user_settings.sharing_settings") == ("    sharing_settings {", "      ")


def test_insertion_in_an_empty_resource_and_with_tabs():
    assert insertion_line('resource "t" "n" {\n}\n') == ('resource "t" "n" {', "  ")
    assert insertion_line('resource "t" "n" {\n\ta = 1\n\tb {\n\t\tc = 1\n\t}\n}\n', "b") == ("\t\tc = 1", "\t\t")


def test_insertion_after_a_heredoc():
    assert insertion_line('resource "t" "n" {\n  policy = <<EOT\n{}\nEOT\n  x {}\n}\n') == ("EOT", "  ")


def test_no_insertion_in_one_line_blocks():
    # the writer has to reformat these
    assert insertion_line('resource "t" "n" {}\n') is None
    assert insertion_line('resource "t" "n" { a = 1 }\n') is None
    assert insertion_line('resource "t" "n" {\n  a = 1 }\n') is None
    text = 'resource "t" "n" {\n  a = 1\n  b { c = 1 }\n}\n'
    assert insertion_line(text, "b") is None
    assert insertion_line(text) == ("  a = 1", "  ")


def test_insertions_only_for_first_instances():
    data = b'resource "t" "n" {\n  r {\n    a = 1\n  }\n  r {\n    b {\n      c = 1\n    }\n  }\n}\n'
    [r] = hcl.parse("main.tf", data).resources
    assert set(r.insertions) == {"", "r"}  # "r.b" would be in the second `r`, which lookups never reach
    assert r.insertions["r"].offset == data.index(b"  }")
