"""The check table is well formed: the meta tests that keep the catalog honest."""
from dataclasses import replace

import pytest

from analyzer import kinds
from analyzer.check import Applicability, Severity, bad, good
from analyzer.docs import frameworks_of as frameworks
from checks import ALL_CHECKS, validate


def test_ids_and_names_are_unique_and_well_formed():
    validate(ALL_CHECKS)  # raises on any problem
    assert len({c.id for c in ALL_CHECKS}) == len(ALL_CHECKS)
    assert len({c.name for c in ALL_CHECKS}) == len(ALL_CHECKS)
    assert len({c.title for c in ALL_CHECKS}) == len(ALL_CHECKS)


def test_every_check_is_documented():
    for check in ALL_CHECKS:
        assert check.title and not check.title.lower().startswith("ensure"), check.id
        assert len(check.description) > 60, check.id
        assert isinstance(check.severity, Severity)
        if not check.id.startswith("AIP9"):
            assert check.references, check.id
            assert check.references[0].startswith("https://"), check.id


def test_remediation_and_fix_safety_agree():
    for check in ALL_CHECKS:
        if check.remediation is None:
            continue
        value = getattr(check.remediation, "value", None)
        needs_input = type(value).__name__ == "Placeholder"
        # a fix that needs a value we cannot know is only ever a suggestion
        assert needs_input == (check.fix_safety is Applicability.SUGGESTION), check.id


def test_families_match_id_blocks():
    for check in ALL_CHECKS:
        if check.kinds and check.kinds[0].startswith("aws.sagemaker."):
            assert check.id.startswith("AIP1"), check.id


def test_sagemaker_catalog_covers_infrastructure_or_pipeline_code():
    sagemaker = [c for c in ALL_CHECKS if c.id.startswith("AIP1")]
    assert len(sagemaker) >= 19
    # infrastructure checks run on Terraform and CloudFormation (AIP118: no CloudFormation type);
    # job checks on the pipeline code that creates the jobs
    for check in sagemaker:
        found = set(frameworks(check))
        assert {"terraform", "cloudformation"} <= found or check.id == "AIP118" or "sagemaker" in found, check.id


@pytest.mark.parametrize("mutation, message", [
    (lambda c: replace(c, id="AIP1"), "id must be unique"),
    (lambda c: replace(c, name="Not A Slug"), "kebab-case"),
    (lambda c: replace(c, kinds=("aws.nothing.here",)), "unknown kind"),
    (lambda c: replace(c, examples=tuple(e for e in c.examples if e.expect_fail)), "bad and a good"),
    (lambda c: replace(c, examples=tuple(replace(e, fixed=None) for e in c.examples)), "needs its fixed text"),
])
def test_validate_rejects_malformed_checks(mutation, message):
    broken = mutation(ALL_CHECKS[0])
    with pytest.raises(ValueError, match=message):
        validate((broken,) + ALL_CHECKS[1:])


def test_validate_rejects_duplicates():
    with pytest.raises(ValueError, match="unique"):
        validate(ALL_CHECKS + (ALL_CHECKS[0],))


def test_kinds_table_is_consistent():
    kinds.validate()
    for kind in kinds.KINDS:
        for framework, native in kind.native.items():
            assert kinds.kind_of(framework, native) == kind.name


def test_example_helpers_dedent():
    example = bad("terraform", '''
        resource "x" "y" {
          a = 1
        }
    ''')
    assert example.source.startswith('resource "x" "y" {\n  a = 1\n')
    assert good("terraform", "a = 1", filename="main.tf.json").filename == "main.tf.json"
