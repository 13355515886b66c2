"""Rule documentation from metadata, the catalog listings, and the render() entry point."""
import json
import os
import subprocess
import sys

import pytest

from analyzer import docs
from analyzer.report import FORMATS, render, sarif
from report_fixtures import AIP101, AIP102, AIP103, AIP900, CHECKS

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def test_rule_markdown_has_every_section():
    text = docs.rule_markdown(AIP101)
    assert text.startswith("## AIP101: SageMaker notebook instances have no direct internet access\n")
    for expected in (
        "`sagemaker-notebook-direct-internet` · severity **high** · fix: unsafe",
        "A notebook instance with direct internet access can reach any host",
        "| SageMaker notebook instance (`aws.sagemaker.notebook_instance`) | terraform | "
        "`aws_sagemaker_notebook_instance` |",
        "### Provider default",
        '- SageMaker notebook instance, terraform: `"Enabled"` (terraform-provider-aws',
        "Set `direct_internet_access` to `false`.",
        '- terraform: set `direct_internet_access` to `"Disabled"`',
        "Fix safety: **unsafe**: may change the workload's behaviour",
        "### Compliance", "- owasp-ml: ML05", "- aws-securityhub: SageMaker.1",
        "### Same control in other tools", "- checkov CKV_AWS_122",
        "### References", f"- <{AIP101.references[0]}>",
        "Non-compliant (terraform, `main.tf`):",
        "Compliant (terraform, `main.tf`):",
    ):
        assert expected in text, expected
    assert text.count("```hcl\n") == 2
    assert text.index("Non-compliant") < text.index("\nCompliant")
    assert 'direct_internet_access = "Enabled"\n}\n```' in text


def test_rule_markdown_without_optional_metadata():
    text = docs.rule_markdown(AIP900)
    assert "Every file aiposture reads" in text
    for absent in ("### Remediation", "### Provider default", "### Compliance", "### References", "### Examples",
                   "fix:"):
        assert absent not in text
    assert "(a value you supply)" in docs.rule_markdown(AIP103)
    assert "`<kms-key-arn>`" in docs.rule_markdown(AIP103)


def test_example_fences_survive_backticks_in_the_source():
    from analyzer.check import bad

    check = AIP102.__class__(**{**AIP102.__dict__, "examples": (bad("terraform", 'x = "```"\n'),)})
    text = docs.rule_markdown(check)
    assert "````hcl\nx = \"```\"\n````" in text


def test_rule_text_is_plain():
    text = docs.rule_text(AIP101)
    assert text.startswith("AIP101  sagemaker-notebook-direct-internet\n"
                           "SageMaker notebook instances have no direct internet access\n")
    for expected in ("Severity:    high", "Applies to:  SageMaker notebook instance (aws.sagemaker.notebook_instance): "
                     "terraform aws_sagemaker_notebook_instance",
                     "Fix:         set `direct_internet_access` to `false`\n",
                     "Fix safety:  unsafe: may change the workload's behaviour",
                     "terraform: set `direct_internet_access` to `\"Disabled\"`",
                     "Why\n  A notebook instance", "Provider default when `direct_internet_access` is not set",
                     "Compliance\n  owasp-ml: ML05", "Same control in other tools\n  checkov CKV_AWS_122",
                     "References\n  https://", "  Non-compliant (terraform, main.tf):\n      resource"):
        assert expected in text, expected
    assert "```" not in text and "**" not in text and "\x1b" not in text
    assert all(len(line) <= 120 for line in text.splitlines() if not line.startswith("      "))
    assert "Applies to:  every file aiposture reads" in docs.rule_text(AIP900)


def test_rules_table():
    lines = docs.rules_table(CHECKS).splitlines()
    assert lines[0].split() == ["ID", "SEVERITY", "NAME", "FRAMEWORKS", "FIX", "TITLE"]
    assert lines[1].split()[:5] == ["AIP101", "high", "sagemaker-notebook-direct-internet", "terraform,cloudformation", "unsafe"]
    assert lines[4].split()[:5] == ["AIP900", "medium", "parse-error", "-", "-"]
    assert len({line.index(line.split()[5]) for line in lines}) == 1  # the title column lines up


def test_rules_json():
    rules = docs.rules_json(CHECKS)
    assert json.loads(json.dumps(rules)) == rules
    r101, _, r103, r900 = rules
    assert r101["id"] == "AIP101" and r101["severity"] == "high" and r101["frameworks"] == ["terraform", "cloudformation"]
    assert r101["remediation"] == {"action": "set", "path": "direct_internet_access", "value": False}
    assert r101["fix_safety"] == "unsafe"
    assert r101["compliance"] == {"owasp-ml": ["ML05"], "aws-securityhub": ["SageMaker.1"]}
    assert [(e["framework"], e["expect_fail"]) for e in r101["examples"]] == [("terraform", True),
                                                                             ("terraform", False)]
    assert r103["remediation"]["value"] == "<kms-key-arn>"
    assert r900["remediation"] is None and r900["fix_safety"] is None and r900["kinds"] == []


def test_the_real_catalog_documents_itself():
    from checks import ALL_CHECKS

    assert ALL_CHECKS
    for check in ALL_CHECKS:
        assert docs.rule_markdown(check).startswith(f"## {check.id}: ")
        assert docs.rule_text(check).startswith(check.id)
        rule = sarif.rule_descriptor(check)
        assert 0 < len(rule["shortDescription"]["text"]) <= 1024
        assert 0 < len(rule["fullDescription"]["text"]) <= 1024
        assert len(rule["properties"]["tags"]) <= 20
    assert len(docs.rules_json(ALL_CHECKS)) == len(ALL_CHECKS)
    assert docs.rules_table(ALL_CHECKS).count("\n") == len(ALL_CHECKS) + 1


def test_render_knows_every_format(scan):
    assert FORMATS == ("text", "json", "sarif", "markdown", "github")
    for fmt in FORMATS:
        assert render(scan, fmt).endswith("\n")
    with pytest.raises(ValueError, match="unknown report format 'xml'"):
        render(scan, "xml")


def test_formats_load_lazily_and_never_load_jsonschema(scan, tmp_path):
    code = (
        "import sys, analyzer.report as r\n"
        "assert not any(m.startswith('analyzer.report.') for m in sys.modules), sorted(sys.modules)\n"
        "from analyzer.findings import ScanResult\n"
        "r.render(ScanResult(root=sys.argv[1]), 'text')\n"
        "assert 'analyzer.report.sarif' not in sys.modules\n"
        "for fmt in r.FORMATS: r.render(ScanResult(root=sys.argv[1]), fmt)\n"
        "assert 'jsonschema' not in sys.modules\n"
    )
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path)], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
