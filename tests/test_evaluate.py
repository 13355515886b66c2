"""Terraform evaluation inside one module folder (parsers/terraform/evaluate.py): functions and
operators against values worked out from Terraform's documentation, variables and tfvars, locals,
Unknown propagation, and the scan judging evaluated values."""
import os
import shutil

import pytest

from analyzer.check import Status
from analyzer.engine import check_source, scan
from analyzer.model import Unknown
from parsers.terraform import hcl
from parsers.terraform.evaluate import Module, evaluate_text

FIXTURE = os.path.join(os.path.dirname(__file__), "..", "fixtures", "terraform", "module-variables")


def module(source: str = "", tfvars=None) -> Module:
    return Module([hcl.parse("main.tf", source.encode())], tfvars)


def ev(expr: str, source: str = "", tfvars=None):
    return evaluate_text(expr, module(source, tfvars))


def is_unknown(found, reason=None):
    return isinstance(found, Unknown) and (reason is None or found.reason == reason)


@pytest.mark.parametrize("expr, expected", [
    # literals, collections, access
    ('"a\\tb"', "a\tb"), ("1.5", 1.5), ("null", None), ("[1, 2][1]", 2), ('{a = {b = 3}}.a.b', 3),
    ('{a = [1]}["a"][0]', 1), ('{"k-1" = true}["k-1"]', True), ("[10, 20].1", 20),
    # templates
    ('"${1 + 1}-x"', "2-x"), ('"v${true}"', "vtrue"), ('"${"lone"}"', "lone"), ('"${2}"', 2), ('"$${x}"', "${x}"),
    # conditionals: branch types unify (a number beside a string becomes a string)
    ('true ? "a" : "b"', "a"), ('false ? "a" : "b"', "b"), ('true ? 1 : "x"', "1"),
    ('false ? lookup({}, "k") : "ok"', "ok"),  # the branch not taken may fail
    # operators
    ("1 + 2 * 3", 7), ("5 / 2", 2.5), ("4 / 2", 2), ("7 % 3", 1), ("-7 % 3", -1), ("-(2 * 3)", -6),
    ('"3" + 1', 4), ("1 < 2", True), ("2 >= 3", False), ('1 == "1"', False), ("[1] == [1]", True),
    ('{a = 1} != {a = 2}', True), ("null == null", True), ("!true", False), ("true && false", False),
    ("false || true", True), ('"true" && true', True),
    # functions
    ('lookup({a = 1}, "a")', 1), ('lookup({a = 1}, "b", "d")', "d"),
    ('try(lookup({a = 1}, "b"), "x")', "x"), ('try(1, "x")', 1),
    ('can(lookup({a = 1}, "b"))', False), ('can({a = 1}.a)', True),
    ('coalesce(null, "", "b")', "b"), ('coalesce(1, 2)', 1), ('coalesce(1, "a")', "1"),
    ('merge({a = 1, b = 2}, {b = 3}, null)', {"a": 1, "b": 3}),
    ("concat([1], [], [2, 3])", [1, 2, 3]), ("flatten([[1, [2]], [], 3])", [1, 2, 3]),
    ('length("abc")', 3), ("length([1, 2])", 2), ("length({a = 1})", 1),
    ('contains(["a", "b"], "b")', True), ('contains(["a"], "c")', False),
    ("keys({b = 1, a = 2})", ["a", "b"]), ("values({b = 1, a = 2})", [2, 1]),
    ('element(["a", "b", "c"], 1)', "b"), ('element(["a", "b", "c"], 3)', "a"),
    ('lower("HeLLo")', "hello"), ('upper("hello")', "HELLO"),
    ('format("%s-%d", "web", 3)', "web-3"), ('format("%q", "a")', '"a"'), ('format("%v %v", true, 1.5)', "true 1.5"),
    ('format("100%%")', "100%"),
    ('join(", ", ["a", "b"])', "a, b"), ('join("-", ["a"], ["b"])', "a-b"),
    ('split(",", "a,b,c")', ["a", "b", "c"]), ('split(",", "")', [""]),
    ('replace("1 + 2 + 3", "+", "-")', "1 - 2 - 3"),
    ("tostring(1.5)", "1.5"), ("tostring(true)", "true"), ("tostring(null)", None),
    ('tonumber("42")', 42), ("tonumber(1)", 1), ('tobool("true")', True), ("tobool(false)", False),
    ('jsonencode({b = [1, "<"], a = null})', '{"a":null,"b":[1,"\\u003c"]}'),
    ('jsondecode("{\\"a\\": [1, 2.5]}")', {"a": [1, 2.5]}),
])
def test_expressions(expr, expected):
    found = ev(expr)
    assert found == expected and type(found) is type(expected)


@pytest.mark.parametrize("expr", [
    'lookup({a = 1}, "b")',  # Terraform errors: never a guess
    'element([], 0)', 'tonumber("x")', "1 / 0", 'tobool("yes")', '"a${[1]}"', "[1][5]",
    'try(lookup({}, "a"))',
    # not supported (yet): Unknown, never a wrong value
    "[for x in [1] : x]", 'replace("a", "/a/", "b")', 'format("%5d", 1)', "sha256(\"x\")", "concat([1]...)",
    '"%{if true}x%{endif}"', "<<EOT\n${1}\nEOT\n",
])
def test_errors_and_unsupported_are_unknown(expr):
    assert is_unknown(ev(expr), "expression")


@pytest.mark.parametrize("expr, expected_reason", [
    ("var.unset", "variable"), ("var.undeclared", "variable"), ("local.missing", "local"),
    ("aws_s3_bucket.b.arn", "resource"), ("data.aws_caller_identity.c.id", "data"), ("module.m.out", "module"),
    ("each.key", "expression"), ("count.index", "expression"), ("path.module", "expression"),
    # propagation
    ('"x-${var.unset}"', "variable"), ("var.unset == 1", "variable"), ('lookup(var.unset, "k", "d")', "variable"),
    ('coalesce(null, var.unset)', "variable"), ('try(var.unset, "x")', "variable"), ("can(var.unset)", "variable"),
    ('var.unset ? "a" : "b"', "variable"), ("true && var.unset", "variable"), ('merge({a = 1}, var.unset)', "variable"),
    ('flatten([[1], var.unset])', "variable"), ('contains([var.unset], "a")', "variable"),
    ('jsonencode({a = var.unset})', "variable"), ('upper(var.unset)', "variable"),
    # a function of a resource attribute may be null or empty: not the "resource" reason present() trusts
    ('lookup(aws_x.y.tags, "k", null)', "expression"), ('upper(aws_x.y.name)', "expression"),
])
def test_unknown_propagates(expr, expected_reason):
    found = ev(expr, 'variable "unset" {}\n')
    assert is_unknown(found, expected_reason), found


def test_known_parts_decide_despite_unknowns():
    source = 'variable "unset" {}\n'
    assert ev('var.unset == null ? "a" : "a"', source) == "a"  # both branches agree
    assert ev("false && var.unset", source) is False
    assert ev("true || var.unset", source) is True
    assert ev('lookup({a = var.unset, b = 2}, "b")', source) == 2
    assert ev("length([var.unset, 1])", source) == 2
    assert ev('coalesce("x", var.unset)', source) == "x"
    assert ev('contains([var.unset, "a"], "a")', source) is True


VARIABLES = '''
variable "plain" { default = "d" }
variable "number" {
  type    = number
  default = "5"
}
variable "strings" {
  type    = map(string)
  default = { a = 1, b = true }
}
variable "nothing" { default = null }
variable "not_nullable" {
  default  = "fallback"
  nullable = false
}
variable "shaped" {
  type    = object({ a = optional(string, "x") })
  default = {}
}
'''


def test_variables_defaults_and_types():
    assert ev("var.plain", VARIABLES) == "d"
    assert ev("var.number", VARIABLES) == 5  # converted to the type constraint
    assert ev("var.strings", VARIABLES) == {"a": "1", "b": "true"}
    assert ev("var.nothing", VARIABLES) is None
    assert ev("var.not_nullable", VARIABLES, {"not_nullable": None}) == "fallback"
    # object types with optional attributes change values in ways not modelled: Unknown
    assert is_unknown(ev("var.shaped", VARIABLES), "variable")


def test_tfvars_precedence(tmp_path):
    from parsers.terraform.evaluate import read_tfvars

    (tmp_path / "terraform.tfvars").write_text('a = "tfvars"\nb = "tfvars"\nc = "tfvars"\nd = "tfvars"\n')
    (tmp_path / "terraform.tfvars.json").write_text('{"b": "json", "c": "json", "d": "json"}')
    (tmp_path / "b.auto.tfvars").write_text('c = "b.auto"\nd = "b.auto"\n')
    (tmp_path / "a.auto.tfvars.json").write_text('{"c": "a.auto", "d": "a.auto"}')
    (tmp_path / "z.auto.tfvars").write_text('d = "z.auto"\nlist = [1, { k = "v" }]\n')
    (tmp_path / "other.tfvars").write_text('a = "not loaded automatically"\n')
    assert read_tfvars(str(tmp_path)) == {"a": "tfvars", "b": "json", "c": "b.auto", "d": "z.auto",
                                          "list": [1, {"k": "v"}]}
    source = 'variable "a" { default = "default" }\nvariable "e" { default = "default" }\n'
    m = Module([hcl.parse("main.tf", source.encode())], read_tfvars(str(tmp_path)))
    assert evaluate_text("var.a", m) == "tfvars" and evaluate_text("var.e", m) == "default"


def test_broken_tfvars_is_not_trusted(tmp_path):
    from parsers.terraform.evaluate import read_tfvars

    (tmp_path / "terraform.tfvars").write_text('a = "x\n')
    assert read_tfvars(str(tmp_path)) is None


def test_locals_chain_and_cycle():
    source = '''
locals {
  env    = var.env
  prefix = "ml-${local.env}"
  name   = "${local.prefix}-nb"
  tags   = { Name = local.name, Team = "ai" }
  a      = local.b
  b      = local.a
  self   = "${local.self}x"
}
variable "env" { default = "prod" }
'''
    assert ev("local.name", source) == "ml-prod-nb"
    assert ev("local.tags.Name", source) == "ml-prod-nb"
    assert is_unknown(ev("local.a", source), "local")
    assert is_unknown(ev("local.self", source), "local")


# --- the scan ----------------------------------------------------------------------------------


def notebook_status(folder, rule="AIP101"):
    result = scan([str(folder)])
    for finding in result.findings + result.unknowns:
        if finding.rule_id == rule:
            return finding.status, finding
    return Status.PASS, None


@pytest.fixture
def project(tmp_path):
    target = tmp_path / "module"
    shutil.copytree(FIXTURE, target)
    return target


def test_lookup_default_in_another_file_fails(project):
    os.remove(project / "terraform.tfvars")
    status, finding = notebook_status(project)
    assert status is Status.FAIL
    assert finding.path.endswith("main.tf") and finding.span.line == 7  # at the expression


def test_lookup_enabled_in_default_fails(project):
    os.remove(project / "terraform.tfvars")
    variables = (project / "variables.tf").read_text().replace(
        "default = {}", 'default = { direct_internet_access = "Enabled" }')
    (project / "variables.tf").write_text(variables)
    assert notebook_status(project)[0] is Status.FAIL


def test_lookup_disabled_in_tfvars_passes(project):
    assert notebook_status(project)[0] is Status.PASS


def test_unset_variable_is_unknown_until_tfvars_sets_it(project):
    assert notebook_status(project, "AIP102")[0] is Status.UNKNOWN
    with open(project / "terraform.tfvars", "a") as handle:
        handle.write('root_access = "Disabled"\n')
    assert notebook_status(project, "AIP102")[0] is Status.PASS
    (project / "terraform.tfvars").write_text('root_access = "Enabled"\n')
    assert notebook_status(project, "AIP102")[0] is Status.FAIL


def test_null_default_means_absent(project):
    # kms_key_id = var.kms_key, whose default is null: the attribute is not set
    status, finding = notebook_status(project, "AIP104")
    assert status is Status.FAIL and finding.absent


def test_fix_of_an_evaluated_value_rewrites_the_expression(project):
    # the writer works on the file as written: it replaces `var.kms_key`, never adds a second
    # `kms_key_id` line
    os.remove(project / "terraform.tfvars")
    result = scan([str(project)], fixes=True)
    finding = next(f for f in result.findings if f.rule_id == "AIP101")
    assert finding.fix is not None
    (edit,) = finding.fix.edits
    data = (project / "main.tf").read_bytes()
    assert data[edit.start:edit.end] == b'lookup(var.settings, "direct_internet_access", "Enabled")'


def test_single_file_evaluates_within_the_file():
    source = b'''
variable "settings" { default = {} }
resource "aws_sagemaker_notebook_instance" "nb" {
  name                   = "x"
  role_arn               = "arn:aws:iam::123456789012:role/notebook"
  instance_type          = "ml.t3.medium"
  direct_internet_access = lookup(var.settings, "direct_internet_access", "Disabled")
}
'''
    from checks import ALL_CHECKS

    outcome = check_source("main.tf", source, ALL_CHECKS)
    assert not [f for f in outcome.findings + outcome.unknowns if f.rule_id == "AIP101"]


def test_a_called_module_takes_its_values_from_the_caller_not_its_defaults(project):
    # the same folder, now called as a local module: its defaults are the caller's business
    os.remove(project / "terraform.tfvars")
    assert notebook_status(project)[0] is Status.FAIL  # a root module: its defaults apply
    root = project.parent
    (root / "main.tf").write_text('module "ml" {\n  source = "./module"\n}\n')
    result = scan([str(root)])
    [unknown] = [f for f in result.unknowns if f.rule_id == "AIP101"]
    assert unknown.path == "module/main.tf"
    assert not [f for f in result.findings if f.rule_id == "AIP101"]
    # tfvars next to a child module are not read: Terraform reads them for the root module only
    (project / "terraform.tfvars").write_text('settings = { direct_internet_access = "Enabled" }\n')
    assert not [f for f in scan([str(root)]).findings if f.rule_id == "AIP101"]


def test_a_sensitive_variable_is_never_judged_so_never_printed(project):
    os.remove(project / "terraform.tfvars")
    variables = (project / "variables.tf").read_text().replace(
        "default = {}", 'default = { direct_internet_access = "s3cr3t-value" }\n  sensitive = true')
    (project / "variables.tf").write_text(variables)
    status, finding = notebook_status(project)
    assert status is Status.UNKNOWN and "s3cr3t" not in finding.message
