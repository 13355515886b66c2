"""Bicep and ARM in the scan: the same resource gives the same findings in Bicep and in the ARM
template it compiles to, and module parameters flow into the called module's checks."""
from __future__ import annotations

import os

from analyzer.engine import scan

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures")


def verdicts(results, suffix):
    return sorted((f.rule_id, f.native_type.lower(), f.attribute, f.status.value)
                  for f in results if f.path.endswith(suffix))


def test_a_bicep_file_and_its_arm_template_give_the_same_findings(monkeypatch):
    monkeypatch.chdir(FIXTURES)
    result = scan(["bicep-arm"])
    findings = result.findings + result.unknowns
    assert verdicts(findings, ".bicep") == verdicts(findings, ".json")
    assert {f.rule_id for f in result.findings} >= {"AIP300", "AIP301", "AIP302"}


def test_module_parameters_flow_into_the_called_module(tmp_path, monkeypatch):
    (tmp_path / "modules").mkdir()
    (tmp_path / "modules" / "openai.bicep").write_text(
        "param name string\n"
        "param publicAccess string = 'Enabled'\n"
        "resource account 'Microsoft.CognitiveServices/accounts@2024-10-01' = {\n"
        "  name: name\n"
        "  location: 'eastus'\n"
        "  kind: 'OpenAI'\n"
        "  sku: { name: 'S0' }\n"
        "  properties: {\n"
        "    publicNetworkAccess: publicAccess\n"
        "  }\n"
        "}\n")
    (tmp_path / "main.bicep").write_text(
        "module open 'modules/openai.bicep' = {\n"
        "  name: 'open'\n"
        "  params: {\n"
        "    name: 'oai-open'\n"
        "  }\n"
        "}\n"
        "module closed 'modules/openai.bicep' = {\n"
        "  name: 'closed'\n"
        "  params: {\n"
        "    name: 'oai-closed'\n"
        "    publicAccess: 'Disabled'\n"
        "  }\n"
        "}\n")
    monkeypatch.chdir(tmp_path)
    result = scan(["."], select=["AIP300"])
    # judged once per call, with the caller's arguments; alone (no caller) it would be unknown
    assert [(f.path, f.span.line, f.resource) for f in result.findings] == [
        ("modules/openai.bicep", 9, "module.open.account")]
    assert result.unknowns == []
