"""The combinators and the model's lookups, on resources built by hand: PASS, FAIL and UNKNOWN,
provider defaults, value maps, and where each result points."""
import pytest

from analyzer.check import Context, Status, all_of, any_of, equals, not_, one_of, present, when
from analyzer.model import ABSENT, Resource, Span, Unknown, Value, lookup

NOTEBOOK = "aws.sagemaker.notebook_instance"


def span(line: int) -> Span:
    return Span("main.tf", line * 10, line * 10 + 5, line, 3, line, 8)


def notebook(**attrs) -> Resource:
    values = {}
    for line, (name, raw) in enumerate(attrs.items(), start=2):
        values[name] = raw if isinstance(raw, Value) else Value(raw, span(line))
    return Resource(NOTEBOOK, "aws_sagemaker_notebook_instance", "terraform",
                    "aws_sagemaker_notebook_instance.nb", span(1), values)


def run(rule, resource):
    return [(r.status, r.path, r.span.line if r.span else None) for r in rule(resource, Context())]


def test_equals_applies_the_value_map_and_the_provider_default():
    rule = equals("direct_internet_access", False)
    assert run(rule, notebook(direct_internet_access="Disabled")) == [(Status.PASS, "direct_internet_access", 2)]
    assert run(rule, notebook(direct_internet_access="Enabled")) == [(Status.FAIL, "direct_internet_access", 2)]
    # absent: the provider default ("Enabled") is judged, and the result points at no attribute
    assert run(rule, notebook(name="nb")) == [(Status.FAIL, "direct_internet_access", None)]
    [result] = rule(notebook(name="nb"), Context())
    assert result.message == ('`direct_internet_access` is not set, so the provider default "Enabled" applies; '
                              'it should be "Disabled"')


def test_value_maps_accept_other_cases():
    assert run(equals("root_access", False), notebook(root_access="disabled"))[0][0] is Status.PASS


def test_unknown_is_never_a_failure():
    unknown = Value(Unknown("var.internet", "variable"), span(2), "unresolved")
    for rule in (equals("direct_internet_access", False), one_of("direct_internet_access", (False,)),
                 present("direct_internet_access"), not_(equals("direct_internet_access", True)),
                 when("direct_internet_access", present("kms_key_id"))):
        assert run(rule, notebook(direct_internet_access=unknown)) == [(Status.UNKNOWN, "direct_internet_access", 2)]


def test_booleans_are_not_numbers():
    assert run(equals("enable", True), notebook(enable=1))[0][0] is Status.FAIL
    assert run(one_of("count", (1, 2)), notebook(count=True))[0][0] is Status.FAIL
    assert run(one_of("count", (1, 2)), notebook(count=2))[0][0] is Status.PASS


def test_present_counts_managed_resource_references_as_set():
    key = Value(Unknown("aws_kms_key.k.arn", "resource"), span(2), "unresolved")
    assert run(present("kms_key_id"), notebook(kms_key_id=key)) == [(Status.PASS, "kms_key_id", 2)]
    data = Value(Unknown("data.aws_kms_key.k.arn", "data"), span(2), "unresolved")
    assert run(present("kms_key_id"), notebook(kms_key_id=data))[0][0] is Status.UNKNOWN
    assert run(present("kms_key_id"), notebook(kms_key_id=""))[0][0] is Status.FAIL
    assert run(present("kms_key_id"), notebook(name="x")) == [(Status.FAIL, "kms_key_id", None)]


def test_not_swaps_pass_and_fail():
    rule = not_(equals("root_access", True), "root access is on")
    assert run(rule, notebook(root_access="Disabled"))[0][0] is Status.PASS
    [result] = rule(notebook(root_access="Enabled"), Context())
    assert (result.status, result.message) == (Status.FAIL, "root access is on")


def test_all_of_reports_every_inner_result():
    rule = all_of(present("kms_key_id"), present("subnet_id"))
    assert run(rule, notebook(kms_key_id="k")) == [(Status.PASS, "kms_key_id", 2), (Status.FAIL, "subnet_id", None)]


def test_any_of_passes_when_one_branch_passes():
    rule = any_of(present("kms_key_id"), present("subnet_id"))
    assert run(rule, notebook(subnet_id="s")) == [(Status.PASS, "subnet_id", 2)]
    assert run(rule, notebook(name="n")) == [(Status.FAIL, "kms_key_id", None)]
    unknown = Value(Unknown("var.s", "variable"), span(2), "unresolved")
    assert run(rule, notebook(subnet_id=unknown)) == [(Status.UNKNOWN, "subnet_id", 2)]


def test_when_applies_only_to_written_features():
    rule = when("data_capture_config", present("data_capture_config.kms_key_id"))
    assert run(rule, notebook(name="n")) == []
    block = Value([Value({"enable_capture": Value(True, span(3))}, span(3))], span(3))
    assert run(rule, notebook(data_capture_config=block)) == [(Status.FAIL, "data_capture_config.kms_key_id", None)]


def test_lookup_walks_blocks_lists_and_indexes():
    inner = Value({"minimum_instance_metadata_service_version": Value("2", span(4))}, span(3))
    attrs = {"imds": Value([inner], span(3)), "tags": Value({"team": Value("ml", span(5))}, span(5))}
    assert lookup(attrs, "imds.minimum_instance_metadata_service_version").raw == "2"
    assert lookup(attrs, "imds.0.minimum_instance_metadata_service_version").raw == "2"
    assert lookup(attrs, "imds.1.minimum_instance_metadata_service_version") is ABSENT
    assert lookup(attrs, "tags.team").raw == "ml"
    assert lookup(attrs, "tags.team.deeper") is ABSENT
    assert lookup(attrs, "missing.path") is ABSENT
    dynamic = {"imds": Value(Unknown('dynamic "imds" {...}', "dynamic"), span(6), "unresolved")}
    found = lookup(dynamic, "imds.minimum_instance_metadata_service_version")
    assert found.unknown and found.raw.reason == "dynamic" and found.span == span(6)


@pytest.mark.parametrize("path, expected", [
    ("direct_internet_access", True), ("root_access", True),
    ("instance_metadata_service_configuration.minimum_instance_metadata_service_version", "1"),
    ("kms_key_id", None),
])
def test_defaults_of_an_empty_notebook(path, expected):
    value = notebook(name="nb").get(path)
    assert value.absent and value.raw == expected and value.origin == "default"


def test_a_value_of_the_wrong_shape_is_judged_not_a_crash():
    from analyzer.engine import check_source
    from checks import ALL_CHECKS

    source = b'''resource "aws_sagemaker_notebook_instance" "nb" {
  name                   = "nb"
  role_arn               = "arn:aws:iam::123456789012:role/nb"
  instance_type          = "ml.t3.medium"
  direct_internet_access = ["Disabled"]
}
'''
    outcome = check_source("main.tf", source, ALL_CHECKS)
    assert [f.rule_id for f in outcome.findings if f.rule_id == "AIP101"] == ["AIP101"]
