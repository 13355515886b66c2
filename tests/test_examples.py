"""Every check's examples are its tests: a bad example fires the check, a good one does not, and
a bad example's fix gives exactly its `fixed` text, on which the check then passes.

Each example is scanned through the real parser for its file name (main.tf, main.tf.json,
template.yaml, template.json), so an example also proves that the check and its fix work on that
syntax. A fixed CloudFormation template must give cfn-lint no error the bad one did not have.
"""
import ast
import importlib
import json
from dataclasses import replace

import hcl2
import pytest

from analyzer import kinds
from analyzer.engine import check_source, parser_for
from analyzer.fix import apply_edits
from checks import ALL_CHECKS

def squash(text):
    """`input_strength`, `InputStrength`, `inputStrength` alike."""
    return text.replace("_", "").lower()


def parse(example):
    framework, parser, _ = parser_for(example.filename, example.source.encode())
    return importlib.import_module(parser).parse(example.filename, example.source.encode())


CASES = [
    pytest.param(check, example, id=f"{check.id}-{example.framework}-{'bad' if example.expect_fail else 'good'}-{index}")
    for check in ALL_CHECKS
    for index, example in enumerate(check.examples)
]


@pytest.mark.parametrize("check, example", CASES)
def test_example(check, example):
    outcome = check_source(example.filename, example.source.encode(), (check,))
    fired = [f for f in outcome.findings if f.rule_id == check.id]
    assert not [f for f in outcome.findings if f.rule_id == "AIP900"], "the example itself must parse"
    assert not outcome.unknowns, [u.message for u in outcome.unknowns]
    if example.expect_fail:
        assert fired, f"{check.id} did not fire on its bad example:\n{example.source}"
        lines = example.source.splitlines()
        headers = {r.address: r.header or r.span for r in parse(example).resources}
        for finding in fired:
            # at the attribute when it is written, at the resource's header when it is absent
            line = lines[finding.span.line - 1]
            if finding.absent:
                assert finding.span == headers[finding.resource]
            else:
                dialect = kinds.dialect(finding.framework, finding.native_type)
                name = kinds.native_path(finding.kind, finding.attribute, dialect).rsplit(".", 1)[-1]
                assert squash(name) in squash(line), (finding.attribute, line)
    else:
        assert not fired, [f.message for f in fired]


FIXABLE = [case for case in CASES if case.values[0].remediation is not None and case.values[1].expect_fail]


@pytest.mark.parametrize("check, example", FIXABLE)
def test_fix_of_bad_example(check, example):
    source = example.source.encode()
    outcome = check_source(example.filename, source, (check,), fixes=True)
    fired = [f for f in outcome.findings if f.rule_id == check.id]
    assert all(f.fix is not None for f in fired), [f.fix_note for f in fired]
    assert {f.fix.applicability for f in fired} == {check.fix_safety}
    fixed = apply_edits(source, [edit for f in fired for edit in f.fix.edits]).decode()
    assert fixed == example.fixed
    # the fixed text is clean for this check, and valid for an independent parser too
    again = check_source(example.filename, fixed.encode(), (check,))
    assert not [f for f in again.findings if f.rule_id == check.id]
    if example.framework == "cloudformation":
        # cfn-lint's own reading of the template, and no error it did not already report
        assert cfn_errors(fixed) <= cfn_errors(example.source)
    elif example.filename.endswith(".py"):
        ast.parse(fixed)
    elif example.filename.endswith(".bicep"):
        # our parser (tree-sitter-bicep, the independent one, fails on much modern Bicep)
        assert not parse(replace(example, source=fixed)).issues
    elif example.filename.endswith(".json"):
        json.loads(fixed)
    else:
        hcl2.loads(fixed)


def cfn_errors(template: str) -> set[tuple[str, str]]:
    from cfnlint import api

    found = api.lint(template, config=api.ManualArgs(regions=["us-east-1"]))
    return {(m.rule.id, m.message) for m in found if m.rule.id.startswith("E")}
