"""parsers.terraform.tfjson: Terraform JSON and CDK for Terraform output into the same model."""
import json
import os
import textwrap

import pytest

from analyzer.model import Insertion, ParsedFile, Unknown
from parsers.terraform import cdktf_outputs, hcl, parse as parse_by_name, tfjson

DATA = os.path.join(os.path.dirname(__file__), "data")
CDKTF = os.path.join(DATA, "cdktf")
STACK = os.path.join(CDKTF, "cdktf.out", "stacks", "dev", "cdk.tf.json")


def parse(text: str, path: str = "main.tf.json"):
    parsed = tfjson.parse(path, textwrap.dedent(text).lstrip("\n").encode())
    assert parsed.issues == (), parsed.issues
    return parsed


def where(span):
    return (span.line, span.col, span.end_line, span.end_col)


NOTEBOOK = '''
{
  "resource": {
    "aws_sagemaker_notebook_instance": {
      "nb": {
        "name": "research",
        "volume_size": 50,
        "direct_internet_access": "Disabled",
        "root_access": "${var.root_access}",
        "instance_metadata_service_configuration": {
          "minimum_instance_metadata_service_version": "2"
        }
      }
    }
  }
}
'''


def test_resource_identity_and_spans():
    [nb] = parse(NOTEBOOK).resources
    assert (nb.kind, nb.native_type, nb.framework, nb.address) == (
        "aws.sagemaker.notebook_instance", "aws_sagemaker_notebook_instance", "terraform",
        "aws_sagemaker_notebook_instance.nb")
    assert where(nb.span) == (4, 7, 12, 8)  # the `"nb": {...}` member
    assert where(nb.header) == (4, 7, 4, 14)  # through the `{`
    name = nb.attrs["name"]
    assert (name.raw, where(name.key_span), where(name.span)) == ("research", (5, 9, 5, 15), (5, 17, 5, 27))
    assert nb.attrs["volume_size"].raw == 50
    assert nb.attrs["root_access"].raw == Unknown("var.root_access", "variable")
    version = nb.native("instance_metadata_service_configuration.minimum_instance_metadata_service_version")
    assert (version.raw, where(version.span), where(version.key_span)) == ("2", (10, 56, 10, 59), (10, 11, 10, 54))
    imds = nb.attrs["instance_metadata_service_configuration"]
    assert where(imds.span) == (9, 52, 11, 10) and where(imds.key_span) == (9, 9, 9, 50)


def test_the_same_check_path_on_both_syntaxes():
    [from_json] = parse(NOTEBOOK).resources
    [from_hcl] = hcl.parse("main.tf", b'''resource "aws_sagemaker_notebook_instance" "nb" {
  name                   = "research"
  volume_size            = 50
  direct_internet_access = "Disabled"
  root_access            = var.root_access
  instance_metadata_service_configuration {
    minimum_instance_metadata_service_version = "2"
  }
}
''').resources
    for path in ("name", "volume_size", "direct_internet_access",
                 "instance_metadata_service_configuration.minimum_instance_metadata_service_version"):
        assert from_json.native(path).raw == from_hcl.native(path).raw
        assert from_json.get(path).raw == from_hcl.get(path).raw
    assert from_json.native("root_access").raw.reason == from_hcl.native("root_access").raw.reason == "variable"
    assert from_json.get("direct_internet_access").raw is False  # the kinds table's value map


@pytest.mark.parametrize("text, expected", [
    ("plain", "plain"),
    ("$${not} %%{this}", "${not} %{this}"),
    ("${var.x}", Unknown("var.x", "variable")),
    ("${ var.x }", Unknown("var.x", "variable")),
    ("${local.name}", Unknown("local.name", "local")),
    ("${data.aws_iam_policy_document.p.json}", Unknown("data.aws_iam_policy_document.p.json", "data")),
    ("${module.vpc.vpc_id}", Unknown("module.vpc.vpc_id", "module")),
    ("${aws_kms_key.k.arn}", Unknown("aws_kms_key.k.arn", "resource")),
    ("${aws_s3_bucket.b[0].id}", Unknown("aws_s3_bucket.b[0].id", "resource")),
    ('${aws_s3_bucket.b["x"].id}', Unknown('aws_s3_bucket.b["x"].id', "resource")),
    ("${aws_instance.web.*.id}", Unknown("aws_instance.web.*.id", "expression")),
    ("${each.value}", Unknown("each.value", "expression")),
    ("${count.index}", Unknown("count.index", "expression")),
    ("${lower(var.x)}", Unknown("lower(var.x)", "expression")),
    ('${var.on ? "a" : "b"}', Unknown('var.on ? "a" : "b"', "expression")),
    ("x-${var.a}", Unknown('"x-${var.a}"', "expression")),
    ('say "${var.a}"\n', Unknown('"say \\"${var.a}\\"\\n"', "expression")),
    ('${jsonencode({"a" = "}"})}', Unknown('jsonencode({"a" = "}"})', "expression")),
    ("%{if var.a}y%{endif}", Unknown('"%{if var.a}y%{endif}"', "expression")),
    ("${unterminated", Unknown('"${unterminated"', "expression")),
    ("$$${var.x}", "$${var.x}"),
])
def test_strings_are_templates(text, expected):
    data = json.dumps({"resource": {"t": {"n": {"a": text}}}}).encode()
    [r] = tfjson.parse("x.tf.json", data).resources
    assert r.attrs["a"].raw == expected
    assert r.attrs["a"].origin == ("unresolved" if isinstance(expected, Unknown) else "explicit")


def test_scalars_and_escapes():
    [r] = parse(r'''
        {"resource": {"t": {"n": {
          "s": "caf\u00e9 \ud83e\udd16 \"q\" \\ \n",
          "i": 3, "f": 2.5, "e": 1e3, "neg": -4, "yes": true, "no": false, "nothing": null,
          "list": [1, "a", [true]]
        }}}}
    ''').resources
    plain = {k: v.plain() for k, v in r.attrs.items()}
    assert plain == {"s": 'café 🤖 "q" \\ \n', "i": 3, "f": 2.5, "e": 1000.0, "neg": -4, "yes": True,
                     "no": False, "nothing": None, "list": [1, "a", [True]]}
    assert isinstance(plain["i"], int) and isinstance(plain["e"], float)


def test_objects_are_blocks_except_tags_and_values():
    [r] = parse('''
        {"resource": {"aws_sagemaker_model": {"m": {
          "tags": {"Team": "ml"},
          "primary_container": {"image": "img", "environment": {"A": "1"}},
          "vpc_config": [{"subnets": ["s-1"]}],
          "production_variants": [{"variant_name": "a"}, {"variant_name": "b"}],
          "empty_list": []
        }}}}
    ''').resources
    assert r.attrs["tags"].plain() == {"Team": "ml"}
    assert r.attrs["primary_container"].plain() == [{"image": "img", "environment": [{"A": "1"}]}]
    assert r.native("primary_container.environment.A").raw == "1"  # list-wrapped, still reachable
    assert r.attrs["vpc_config"].plain() == [{"subnets": ["s-1"]}]
    assert [v.raw["variant_name"].raw for v in r.attrs["production_variants"].raw] == ["a", "b"]
    assert r.native("production_variants.1.variant_name").raw == "b"
    assert r.attrs["empty_list"].raw == []


def test_list_forms_at_every_level():
    parsed = parse('''
        {
          "resource": [
            {"aws_s3_bucket": {"a": {"bucket": "a"}}},
            {"aws_s3_bucket": [{"b": {"bucket": "b"}}]},
            {"aws_s3_bucket": {"c": [{"bucket": "c"}]}}
          ],
          "data": {"aws_caller_identity": {"me": {}}},
          "provider": {"aws": [{"region": "eu-west-1"}, {"alias": "use1", "region": "us-east-1"}]}
        }
    ''')
    assert [r.address for r in parsed.resources] == [
        "aws_s3_bucket.a", "aws_s3_bucket.b", "aws_s3_bucket.c", "data.aws_caller_identity.me"]
    assert [r.attrs["bucket"].raw for r in parsed.resources[:3]] == ["a", "b", "c"]
    assert parsed.resources[3].kind == ""
    assert list(parsed.blocks["provider"]) == ["aws", "aws.use1"]
    assert parsed.blocks["provider"]["aws.use1"].attrs["region"].raw == "us-east-1"
    c = parsed.resources[2]
    assert where(c.span) == (5, 30, 5, 45) and where(c.header) == (5, 30, 5, 31)  # the object in the list


def test_other_blocks_and_comments():
    parsed = parse('''
        {
          "//": "generated",
          "terraform": {"required_providers": {"aws": {"source": "hashicorp/aws"}}, "backend": {"s3": {"bucket": "st"}}},
          "variable": {"env": {"type": "string", "default": "${not_a_template}", "description": "d"}},
          "locals": {"prefix": "ml-${var.env}", "n": 2, "m": {"a": [1]}},
          "module": {"vpc": {"source": "terraform-aws-modules/vpc/aws", "tags": {"a": "b"}, "azs": ["a"], "cfg": {"x": 1}}},
          "output": {"id": {"value": {"a": "${module.vpc.vpc_id}"}, "sensitive": true}},
          "moved": [{"from": "aws_s3_bucket.old", "to": "aws_s3_bucket.new"}]
        }
    ''')
    blocks = parsed.blocks
    assert blocks["terraform"][""].native("required_providers.aws.source").raw == "hashicorp/aws"
    assert blocks["terraform"][""].native("backend.s3.bucket").raw == "st"
    env = blocks["variable"]["env"]
    assert (env.address, env.attrs["default"].raw, env.attrs["type"].raw) == ("var.env", "${not_a_template}", "string")
    assert [(k, r.address) for k, r in blocks["locals"].items()] == [
        ("prefix", "local.prefix"), ("n", "local.n"), ("m", "local.m")]
    assert blocks["locals"]["prefix"].attrs["value"].raw == Unknown('"ml-${var.env}"', "expression")
    assert blocks["locals"]["m"].attrs["value"].plain() == {"a": [1]}
    vpc = blocks["module"]["vpc"]
    assert vpc.attrs["cfg"].plain() == {"x": 1}  # module arguments are values, never blocks
    assert blocks["output"]["id"].attrs["value"].plain() == {"a": Unknown("module.vpc.vpc_id", "module")}
    assert blocks["moved"][""].attrs["from"].raw == "aws_s3_bucket.old"


def test_dynamic_blocks():
    [r] = parse('''
        {"resource": {"aws_security_group": {"sg": {
          "egress": {"from_port": 0},
          "dynamic": {
            "ingress": {"for_each": "${var.rules}", "content": {"from_port": "${ingress.value}"}},
            "egress": [{"for_each": "${var.more}", "content": {}}]
          }
        }}}}
    ''').resources
    ingress = r.attrs["ingress"]
    assert ingress.raw.reason == "dynamic" and ingress.raw.expr.startswith('"ingress": {"for_each"')
    assert where(ingress.key_span) == (4, 5, 4, 14)
    static, dynamic = r.attrs["egress"].raw
    assert static.raw["from_port"].raw == 0 and dynamic.raw.reason == "dynamic"


def test_insertions_and_commas():
    text = textwrap.dedent('''
        {
          "resource": {
            "aws_sagemaker_notebook_instance": {
              "nb": {
                "name": "nb",
                "instance_metadata_service_configuration": {
                  "minimum_instance_metadata_service_version": "1"
                },
                "tags": {"a": "b"}
              },
              "empty": {
              },
              "oneline": {"name": "x"}
            }
          }
        }
    ''').lstrip("\n")
    data = text.encode()
    nb, empty, oneline = tfjson.parse("x.tf.json", data).resources
    after_tags = data.index(b'"tags"')
    assert nb.insertions[""] == Insertion(data.index(b"\n", after_tags) + 1, "        ")
    assert nb.meta["insert_comma_at"][""] == data.index(b"}", after_tags) + 1  # end of the last member
    imds = data.index(b'"1"') + 3
    assert nb.insertions["instance_metadata_service_configuration"] == Insertion(imds + 1, "          ")
    assert nb.meta["insert_comma_at"]["instance_metadata_service_configuration"] == imds
    assert empty.insertions[""] == Insertion(data.index(b"\n", data.index(b'"empty"')) + 1, "        ")
    assert "insert_comma_at" not in empty.meta  # nothing to separate from
    assert oneline.insertions == {}  # an object on one line: the writer must reformat it


def test_syntax_errors_keep_the_rest():
    data = b'''{
  "resource": {
    "aws_s3_bucket": {
      "ok": {"bucket": "fine"},
      "broken": {"bucket": "x" "y"}
    },
    "aws_kms_key": {"k": {"description": "after"}}
  }
}
'''
    parsed = tfjson.parse("x.tf.json", data)
    assert [(i.span.line, i.span.col, i.message) for i in parsed.issues] == [(5, 32, 'unexpected `"y"`')]  # one issue
    assert [r.address for r in parsed.resources] == ["aws_s3_bucket.ok", "aws_kms_key.k"]


@pytest.mark.parametrize("data", [b"", b"   \n", b"[]", b'"x"', b"{}", b"null"])
def test_empty_and_non_object_documents(data):
    parsed = tfjson.parse("x.tf.json", data)
    assert parsed.resources == () and parsed.blocks == {}


@pytest.mark.parametrize("data", [bytes(range(256)), b"{" * 5000, b"[" * 5000, b'{"resource": ' * 1000,
                                  b'{"a": "\xff\xfe"}', b'{"resource": {"t": {"n": ' + b'{"b": ' * 400 + b"1" + b"}" * 403])
def test_hostile_input_never_raises(data):
    parsed = tfjson.parse("x.tf.json", data)
    assert isinstance(parsed, ParsedFile) and len(parsed.issues) <= 10
    assert not any("internal error" in i.message for i in parsed.issues)


def test_dispatch_by_file_name():
    assert parse_by_name("a/main.tf.json", b'{"resource": {"t": {"n": {}}}}').resources[0].address == "t.n"
    assert parse_by_name("a/main.tf", b'resource "t" "n" {}').resources[0].address == "t.n"


# --- CDK for Terraform ---------------------------------------------------------------------------

def test_cdktf_outputs_finds_the_synthesized_stacks():
    assert cdktf_outputs(CDKTF) == [STACK]


def test_cdktf_outputs_follows_the_output_setting_and_stays_inside(tmp_path):
    (tmp_path / "cdktf.json").write_text(json.dumps({"language": "python", "output": "synth"}))
    for stack in ("prod", "dev"):
        (tmp_path / "synth" / "stacks" / stack).mkdir(parents=True)
        (tmp_path / "synth" / "stacks" / stack / "cdk.tf.json").write_text("{}")
    (tmp_path / "synth" / "stacks" / "empty").mkdir()
    (tmp_path / "cdktf.out" / "stacks" / "old").mkdir(parents=True)
    (tmp_path / "cdktf.out" / "stacks" / "old" / "cdk.tf.json").write_text("{}")
    assert cdktf_outputs(str(tmp_path)) == [
        os.path.join(str(tmp_path), "synth", "stacks", s, "cdk.tf.json") for s in ("dev", "prod")]
    outside = tmp_path / "elsewhere"
    (outside / "stacks" / "x").mkdir(parents=True)
    (outside / "stacks" / "x" / "cdk.tf.json").write_text("{}")
    project = tmp_path / "project"
    project.mkdir()
    (project / "cdktf.json").write_text(json.dumps({"output": "../elsewhere"}))
    assert cdktf_outputs(str(project)) == []
    (project / "cdktf.json").write_text(json.dumps({"output": str(outside)}))
    assert cdktf_outputs(str(project)) == []
    (project / "cdktf.json").write_text("{not json")
    assert cdktf_outputs(str(project)) == []
    assert cdktf_outputs(str(tmp_path / "missing")) == []


def test_cdktf_construct_paths():
    with open(STACK, "rb") as handle:
        parsed = tfjson.parse("cdktf.out/stacks/dev/cdk.tf.json", handle.read())
    assert parsed.issues == ()
    paths = {r.address: r.meta.get("construct_path") for r in parsed.resources}
    assert paths == {
        "data.aws_caller_identity.current": "dev/current",
        "aws_iam_role.sagemaker_role": "dev/sagemaker_role",
        "aws_kms_key.ml_key": "dev/ml_key",
        "aws_s3_bucket.models_bucket": "dev/models/bucket",
        "aws_sagemaker_endpoint_configuration.endpoint_config": "dev/endpoint_config",
        "aws_sagemaker_notebook_instance.notebook": "dev/notebook",
    }
    nb = next(r for r in parsed.resources if r.address == "aws_sagemaker_notebook_instance.notebook")
    assert nb.meta["construct_id"] == "notebook"
    assert "//" not in nb.attrs
    assert nb.get("direct_internet_access").raw is True
    assert nb.get("instance_metadata_service_configuration.minimum_instance_metadata_service_version").raw == "1"
    assert nb.attrs["role_arn"].raw == Unknown("aws_iam_role.sagemaker_role.arn", "resource")
    ec = next(r for r in parsed.resources if r.kind == "aws.sagemaker.endpoint_configuration")
    assert ec.get("data_capture_config.enable_capture").raw is True
    assert [o.raw["capture_mode"].raw for o in ec.native("data_capture_config.capture_options").raw] == ["Input", "Output"]
    assert parsed.blocks["variable"]["kms_key_arn"].attrs["default"].raw.endswith("key/${placeholder}")
