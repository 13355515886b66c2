"""Keys in a scan: every text file of the tree is read for them, each is reported under the rule
its detector and place call for (with the IaC resource holding it), and no report of any format
ever contains a key in full."""
from __future__ import annotations

import json
import random

from analyzer.baseline import create
from analyzer.engine import scan
from analyzer.report import render
from secret_tokens import SAMPLES, openai, rand

FORMATS = ("text", "json", "sarif", "markdown", "github")


def write_tree(tmp_path, rng):
    """A repository with a key in every kind of place; returns the keys."""
    keys = {}
    for index, (detector, sample) in enumerate(sorted(SAMPLES.items())):
        name, text, token = sample(rng)
        path = tmp_path / f"d{index:02d}" / name
        path.parent.mkdir(parents=True)
        path.write_text(text)
        keys[detector] = token
    project = openai(rng, "proj")
    (tmp_path / "main.tf").write_text(
        'resource "aws_sagemaker_model" "chat" {\n'
        '  name               = "chat"\n'
        '  execution_role_arn = "arn:aws:iam::111122223333:role/inference"\n'
        '  primary_container {\n'
        '    image       = "111122223333.dkr.ecr.us-east-1.amazonaws.com/chat:1"\n'
        f'    environment = {{ OPENAI_API_KEY = "{project}" }}\n'
        '  }\n}\n')
    keys["terraform"] = project
    return keys


def test_no_report_of_any_format_contains_a_key(tmp_path, monkeypatch):
    keys = write_tree(tmp_path, random.Random(7))
    monkeypatch.chdir(tmp_path)
    result = scan(["."], fixes=True)
    found = {f.path.split("/")[0] for f in result.findings if f.rule_id.startswith("AIP5")}
    assert len(found) >= len(SAMPLES) - 1  # every sample's folder (a detector may need more context)
    outputs = [render(result, fmt, show_unknown=True) for fmt in FORMATS]
    outputs.append(json.dumps(create(result)))
    for output in outputs:
        for token in keys.values():
            # no 16 characters of a key's random part, let alone the key (a PEM key's fixed
            # `-----BEGIN ...` and base64 padding are not secret)
            size = min(16, len(token) - 6)  # what redaction hides: all but the first 4 and last 2
            windows = [token[i:i + size] for i in range(4, len(token) - 2 - size + 1)]
            random_parts = [w for w in windows if w.replace("-", "").replace("_", "").isalnum() and len(set(w)) >= 8]
            assert token not in output and not any(w in output for w in random_parts), token[:4]


def test_a_key_in_an_iac_value_names_its_resource_and_attribute(tmp_path, monkeypatch):
    rng = random.Random(3)
    token = "hf_" + rand(rng, 34)
    (tmp_path / "main.tf").write_text(
        'resource "aws_sagemaker_model" "chat" {\n'
        '  name = "chat"\n'
        '  primary_container {\n'
        f'    environment = {{ HF_TOKEN = "{token}" }}\n'
        '  }\n}\n')
    (tmp_path / "notes.md").write_text("Nothing here: hf_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n")
    monkeypatch.chdir(tmp_path)
    result = scan(["."])
    [key] = [f for f in result.findings if f.rule_id.startswith("AIP5")]
    assert (key.rule_id, key.path, key.span.line, key.span.col) == ("AIP501", "main.tf", 4, 33)
    assert key.resource == "aws_sagemaker_model.chat"
    assert key.message == (f"Hugging Face key `{token[:4]}…{token[-2:]}` is written in the file "
                           "(in `primary_container.environment.HF_TOKEN` of aws_sagemaker_model.chat)")
    # the job-secret rule does not report the same key again
    assert not [f for f in result.findings if f.rule_id == "AIP135"]
    assert sorted(result.files) == ["main.tf", "notes.md"]


def test_keys_are_not_looked_for_when_their_rules_do_not_run(tmp_path, monkeypatch):
    (tmp_path / ".env").write_text("OPENAI_API_KEY=" + openai(random.Random(1), "proj") + "\n")
    monkeypatch.chdir(tmp_path)
    assert scan(["."], select=["AIP1"]).files == []
    assert [f.rule_id for f in scan(["."], select=["AIP5"]).findings] == ["AIP501"]


def test_an_inline_suppression_accepts_a_key(tmp_path, monkeypatch):
    token = openai(random.Random(2), "proj")
    (tmp_path / "settings.py").write_text(
        f'OPENAI_API_KEY = "{token}"  # aiposture:ignore[AIP501] revoked test key, kept for the demo\n')
    monkeypatch.chdir(tmp_path)
    result = scan(["."])
    assert result.findings == [] and [f.rule_id for f in result.suppressed] == ["AIP501"]


def test_an_output_that_returns_an_ai_account_key_must_be_sensitive(tmp_path, monkeypatch):
    (tmp_path / "outputs.tf").write_text(
        'output "openai_key" {\n  value = azurerm_cognitive_account.openai.primary_access_key\n}\n'
        'output "search_key" {\n  value     = azurerm_search_service.rag.primary_key\n  sensitive = true\n}\n'
        'output "endpoint" {\n  value = azurerm_cognitive_account.openai.endpoint\n}\n'
        'output "keys" {\n  value = { primary = "${azurerm_search_service.rag.primary_key}" }\n'
        '  sensitive = false\n}\n')
    monkeypatch.chdir(tmp_path)
    found = [(f.rule_id, f.span.line, f.resource, f.message) for f in scan(["."]).findings]
    assert found == [
        ("AIP507", 2, "output.openai_key",
         "output `openai_key` returns `azurerm_cognitive_account.openai.primary_access_key` and is not marked `sensitive`"),
        ("AIP507", 12, "output.keys",
         "output `keys` returns `azurerm_search_service.rag.primary_key` and has `sensitive` other than true"),
    ]


def test_bicep_and_arm_outputs_that_return_keys_must_be_secure(tmp_path, monkeypatch):
    (tmp_path / "main.bicep").write_text(
        "resource acct 'Microsoft.CognitiveServices/accounts@2024-10-01' existing = {\n  name: 'oai'\n}\n"
        "output key string = acct.listKeys().key1\n"
        "@secure()\noutput safeKey string = acct.listKeys().key2\n"
        "output endpoint string = acct.properties.endpoint\n")
    (tmp_path / "azuredeploy.json").write_text(json.dumps({
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "contentVersion": "1.0.0.0", "resources": [],
        "outputs": {
            "key": {"type": "string", "value": "[listKeys(resourceId('Microsoft.Search/searchServices', 's'), '2023-11-01').primaryKey]"},
            "safe": {"type": "securestring", "value": "[listKeys(resourceId('Microsoft.Search/searchServices', 's'), '2023-11-01').primaryKey]"},
        }}, indent=2))
    monkeypatch.chdir(tmp_path)
    assert [(f.path, f.span.line, f.resource) for f in scan(["."]).findings if f.rule_id == "AIP507"] == [
        ("azuredeploy.json", 8, "output.key"), ("main.bicep", 4, "output.key")]
