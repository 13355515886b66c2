"""AI keys and tokens written in files (AIP5xx): reported by the key scanner (analyzer.secrets) for
every text file of the scan, not by a resource rule. The rule a key gets depends on how sure the
detector is and on where the key sits."""
from __future__ import annotations

from analyzer.check import Check, Severity

OWASP_LLM = "owasp-llm"
CWE = "cwe"


def _reported_by_the_key_scanner(resource, context):
    return ()  # keys are found in the text of files, resource or not (analyzer.secrets)


_ROTATE = ("Rotate the key at the provider now (it is exposed to everyone who can read the "
           "repository and its history), then keep it in a secret store (AWS Secrets Manager, Azure "
           "Key Vault, GCP Secret Manager, a CI secret) and reference it from there.")
_REFERENCES = ("https://owasp.org/www-project-top-10-for-large-language-model-applications/",
               "https://cwe.mitre.org/data/definitions/798.html")


def _rule(id: str, name: str, title: str, severity: Severity, description: str) -> Check:
    return Check(id=id, name=name, title=title, severity=severity, kinds=(), rule=_reported_by_the_key_scanner,
                 description=f"{description} {_ROTATE}", references=_REFERENCES,
                 compliance={CWE: ("CWE-798",), OWASP_LLM: ("LLM02",)}, secret=True)


AI_KEY = _rule(
    "AIP501", "ai-key-in-file", "No AI provider key is written in the repository", Severity.HIGH,
    "An AI provider key or token (OpenAI, Anthropic, Hugging Face, Azure OpenAI, Bedrock and about "
    "fifty more) is written in a file. The token identifies itself (a fixed prefix, marker or "
    "checksum), so this is almost never a false alarm. Leaked keys are found by scrapers within "
    "minutes and used to run up bills, read fine-tuning data and prompts, or change models.")

AI_KEY_IN_NOTEBOOK_OUTPUT = _rule(
    "AIP502", "ai-key-in-notebook-output", "No AI provider key is printed in a committed notebook's output",
    Severity.HIGH,
    "A notebook's saved output shows an AI provider key (printed, echoed in an error or a "
    "request log). Outputs are committed with the notebook and easy to miss in review; clear them "
    "(`jupyter nbconvert --clear-output`, or nbstripout as a pre-commit hook).")

LIKELY_AI_KEY = _rule(
    "AIP503", "ai-key-likely-in-file", "No value that looks like an AI provider key is written in the repository",
    Severity.MEDIUM,
    "A value shaped like an AI provider key stands next to that provider's name (the format has "
    "no fixed marker, so the detector needs the context). Check it: a real key must go.")

GOOGLE_API_KEY = _rule(
    "AIP504", "google-api-key-in-file", "No Google API key is written in the repository", Severity.LOW,
    "A Google API key (`AIza...`) is written in a file. Browser keys for Maps or Firebase are often "
    "public on purpose, which is why this is low; a key that can call Gemini or other paid APIs "
    "must be restricted or moved to a secret store.")

SHORT_LIVED_TOKEN = _rule(
    "AIP505", "short-lived-ai-token-in-file", "No short-lived AI token is written in the repository",
    Severity.MEDIUM,
    "A short-term Amazon Bedrock API key (valid for up to 12 hours) is written in a file. It "
    "expires, but while it lives it is as good as a long-term key, and its presence shows a "
    "workflow that copies credentials into files.")

AI_ADMIN_KEY = _rule(
    "AIP506", "ai-admin-key-in-file", "No AI provider admin key or service-account key is written in the repository",
    Severity.CRITICAL,
    "An administrative AI key (an OpenAI or Anthropic admin key, a GCP service-account private "
    "key) is written in a file. It manages the organisation itself: it can create keys, read every "
    "project's data and change billing.")

KEY_OUTPUT = _rule(
    "AIP507", "ai-key-output-not-sensitive", "Deployment outputs never expose an AI service's keys unmasked",
    Severity.HIGH,
    "An output returns an AI service's access key (an Azure OpenAI / AI services account's "
    "`primary_access_key`, an AI Search admin key, a key read with `listKeys()`...) unmasked: a "
    "Terraform output without `sensitive = true`, a Bicep output without `@secure()`, an ARM "
    "output not typed securestring. `terraform output` and the deployment history then show it "
    "to anyone who can read CI logs or the resource group's deployments. Mask the output, or "
    "better, do not output the key: give the consumers a managed identity or a Key Vault "
    "reference.")

CHECKS = (AI_KEY, AI_KEY_IN_NOTEBOOK_OUTPUT, LIKELY_AI_KEY, GOOGLE_API_KEY, SHORT_LIVED_TOKEN, AI_ADMIN_KEY,
          KEY_OUTPUT)

ADMIN_DETECTORS = frozenset({"openai-admin-key", "anthropic-admin-key", "gcp-service-account-key"})


def rule_for(detector_id: str, confidence: str, context: str) -> Check:
    """The rule a key found by this detector in this context is reported under."""
    if detector_id in ADMIN_DETECTORS:
        return AI_ADMIN_KEY
    if detector_id == "google-api-key":
        return GOOGLE_API_KEY
    if detector_id == "aws-bedrock-short-term-key":
        return SHORT_LIVED_TOKEN
    if context == "notebook-output":
        return AI_KEY_IN_NOTEBOOK_OUTPUT
    return AI_KEY if confidence == "high" else LIKELY_AI_KEY
