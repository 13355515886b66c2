"""analyzer.secrets: every detector finds its keys, at the right place, with the right context."""
import json
import random
import re

import pytest

from analyzer.model import Span
from analyzer.secrets import (CONTEXTS, DETECTOR_BY_ID, DETECTORS, file_context, remediation,
                              scan_text)
from secret_tokens import B62, OPENAI_MARK, SAMPLES, anthropic, google, openai, rand

SEEDS = range(12)


def expected_span(path: str, data: bytes, start: int, end: int) -> Span:
    """Line and UTF-16 column computed the slow, obvious way."""
    def pos(offset):
        line = data[:offset].count(b"\n") + 1
        prefix = data[data.rfind(b"\n", 0, offset) + 1:offset].decode("utf-8")
        return line, len(prefix.encode("utf-16-le")) // 2 + 1
    return Span(path, start, end, *pos(start), *pos(end))


def test_the_table_is_plain_and_complete():
    ids = [d.id for d in DETECTORS]
    assert len(ids) == len(set(ids)) >= 40
    assert set(SAMPLES) == set(ids), "every detector has a true-positive sample"
    providers = {d.provider for d in DETECTORS}
    for name in ("OpenAI", "Anthropic", "Azure OpenAI", "Google Gemini", "Hugging Face", "Cohere", "Mistral AI",
                 "Groq", "Replicate", "Together AI", "Fireworks AI", "Perplexity", "DeepSeek", "xAI", "OpenRouter",
                 "AWS Bedrock", "ElevenLabs", "Stability AI", "Pinecone", "Weights & Biases", "LangSmith",
                 "Voyage AI"):
        assert name in providers
    for det in DETECTORS:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+", det.id)
        assert det.keywords and all(k == k.lower() for k in det.keywords + det.requires)
        assert det.confidence in ("high", "medium", "low")
        assert det.description and det.reference
        assert det.confidence != "high" if det.context else det.confidence != "low"
        re.compile(det.pattern.encode())


@pytest.mark.parametrize("detector_id", sorted(SAMPLES))
def test_true_positives(detector_id):
    for seed in SEEDS:
        path, text, token = SAMPLES[detector_id](random.Random(seed))
        data = text.encode()
        outcome = scan_text(path, data)
        assert outcome.note == ""
        assert [h.detector_id for h in outcome.hits] == [detector_id], (seed, text)
        hit = outcome.hits[0]
        start = data.index(token.encode())
        assert hit.span == expected_span(path, data, start, start + len(token))
        assert hit.provider == DETECTOR_BY_ID[detector_id].provider
        assert hit.context in CONTEXTS


def test_recall_on_many_random_keys():
    # random keys sometimes lack a digit or hold a stop word by chance: the filters must not
    # cost more than a fraction of a percent of real keys
    missed = total = 0
    for detector_id, make in SAMPLES.items():
        for seed in range(100, 160):
            path, text, token = make(random.Random(seed))
            total += 1
            missed += not any(h.detector_id == detector_id for h in scan_text(path, text.encode()).hits)
    assert missed / total < 0.005


def test_several_keys_in_one_file_each_found_once():
    rng = random.Random(7)
    keys = [openai(rng, "proj-"), anthropic(rng, "api03"), "hf" + "_" + rand(rng, 34, "abcdefghijKLMNOPQRST"),
            "gs" + "k_" + rand(rng, 52)]
    text = "".join(f"KEY_{i}={key}\n" for i, key in enumerate(keys)) + f"again={keys[0]}\n"
    hits = scan_text(".env", text.encode()).hits
    assert [h.detector_id for h in hits] == ["openai-project-key", "anthropic-api-key", "huggingface-user-token",
                                            "groq-api-key", "openai-project-key"]
    assert hits[0].fingerprint == hits[4].fingerprint != hits[1].fingerprint
    assert {h.context for h in hits} == {"env"}


def test_specific_prefixes_win_over_shared_ones():
    rng = random.Random(3)
    # an sk- key with 48 characters is Stability's, Moonshot's or Braintrust's: the nearest name decides
    text = (f"STABILITY_API_KEY=sk-{rand(rng, 48)}\n" f"MOONSHOT_API_KEY=sk-{rand(rng, 48)}\n"
            f"BRAINTRUST_API_KEY=sk-{rand(rng, 48)}\n")
    assert [h.detector_id for h in scan_text(".env", text.encode()).hits] == [
        "stability-api-key", "moonshot-api-key", "braintrust-api-key"]
    # without a name it is nobody's: never reported as OpenAI
    assert scan_text(".env", f"KEY=sk-{rand(rng, 48)}\n".encode()).hits == []
    # AIza keys are Gemini keys only where Gemini is used
    key = google(rng)
    assert scan_text("a.py", f'GOOGLE_MAPS = "{key}"\n'.encode()).hits[0].detector_id == "google-api-key"
    assert scan_text("a.py", f'from google import genai\nclient = genai.Client(api_key="{key}")\n'.encode()
                     ).hits[0].detector_id == "gemini-api-key"


def test_azure_legacy_keys_need_an_azure_openai_file():
    rng = random.Random(5)
    key = rand(rng, 32, "0123456789abcdef")
    assert scan_text("a.py", f'api_key = "{key}"\n'.encode()).hits == []
    hits = scan_text("a.py", f'endpoint = "https://x.openai.azure.com"\napi_key = "{key}"\n'.encode()).hits
    assert [h.detector_id for h in hits] == ["azure-openai-legacy-key"]
    assert scan_text("a.yaml", f"AZURE_OPENAI_API_KEY: {key}\n".encode()).hits[0].detector_id == \
        "azure-openai-legacy-key"


def test_context_keys_follow_their_keyword_on_the_same_or_next_line():
    rng = random.Random(11)
    key = rand(rng, 40)
    assert len(scan_text("c.yaml", f"cohere:\n  api_key: {key}\n".encode()).hits) == 1
    assert len(scan_text("c.py", f'co = cohere.Client("{key}")\n'.encode()).hits) == 1
    assert scan_text("c.yaml", f"cohere: true\nother: 1\nmore: 2\ntoken: {key}\n".encode()).hits == []
    assert scan_text("c.txt", f"{key}\n".encode()).hits == []  # no keyword at all


@pytest.mark.parametrize("path, context", [
    (".env", "env"), ("svc/.env.production", "env"), ("prod.env", "env"), ("infra/main.tf", "iac"),
    ("prod.tfvars", "iac"), ("cdk.tf.json", "iac"), ("values.yaml", "config"), ("Dockerfile", "dockerfile"),
    ("build/Dockerfile.gpu", "dockerfile"), ("run.sh", "shell"), ("app.py", "code"), ("README.md", "docs"),
    ("nb.ipynb", "notebook"), ("LICENSE", "other")])
def test_file_context(path, context):
    assert file_context(path) == context


def test_notebook_positions_and_cells():
    rng = random.Random(21)
    in_code = openai(rng, "proj-")
    printed = "hf" + "_" + rand(rng, 34, "abcdefghijKLMNOPQRST")
    escaped = "gs" + "k_" + rand(rng, 52)
    in_markdown = anthropic(rng, "api03")
    nb = {"cells": [
        {"cell_type": "markdown", "metadata": {}, "source": ["# Démo 🤖\n", f"clé: {in_markdown}\n"]},
        {"cell_type": "code", "execution_count": 1, "metadata": {},
         "source": ["import os\n", f'os.environ["OPENAI_API_KEY"] = "{in_code}"  # é🤖\n'],
         "outputs": [
             {"output_type": "stream", "name": "stdout", "text": [f"token=é🤖\n{printed}\n"]},
             {"output_type": "execute_result", "execution_count": 1, "metadata": {},
              "data": {"text/plain": [f"{{'key': \"{escaped}\"}}"],
                       "image/png": rand(rng, 4000, B62 + "+/")}},
         ]},
    ], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    for ensure_ascii in (False, True):  # nbformat writes UTF-8; other tools write \\u escapes
        data = (json.dumps(nb, indent=1, ensure_ascii=ensure_ascii) + "\n").encode()
        hits = {h.detector_id: h for h in scan_text("work/explore.ipynb", data).hits}
        assert set(hits) == {"openai-project-key", "huggingface-user-token", "groq-api-key", "anthropic-api-key"}
        for det, token, context in (("openai-project-key", in_code, "notebook-code"),
                                    ("huggingface-user-token", printed, "notebook-output"),
                                    ("groq-api-key", escaped, "notebook-output"),
                                    ("anthropic-api-key", in_markdown, "notebook-markdown")):
            start = data.index(token.encode())
            assert hits[det].span == expected_span("work/explore.ipynb", data, start, start + len(token))
            assert hits[det].context == context
    # the printed token sits after a JSON "\n" escape on the same file line
    data = json.dumps(nb).encode()
    start = data.index(printed.encode())
    assert data[start - 2:start] == b"\\n"


def test_keys_after_escapes_and_in_urls():
    rng = random.Random(4)
    key = "hf" + "_" + rand(rng, 34, "abcdefghijKLMNOPQRST")
    for text in (f'"line\\n{key}\\n"', f"https://x.test/api?token={key}&x=1", f"Bearer {key}", f"'{key}'",
                 f"`{key}`", f"key:{key};"):
        assert [h.detector_id for h in scan_text("a.json", text.encode()).hits] == ["huggingface-user-token"], text
    for text in (f"x{key}", f"{key}x", f"-{key}", f"/{key}", f"{key}_more", f"+{key}"):
        assert scan_text("a.txt", text.encode()).hits == [], text


def test_utf16_columns_after_non_ascii_text():
    rng = random.Random(9)
    key = openai(rng, "proj-")
    data = f"# ключ 🤖\nconst k = \"é🤖{key}\";\n".encode()
    # é🤖 before the key: the key starts right after 🤖, which LEFT allows (not a token character)
    hit = scan_text("a.js", data).hits[0]
    assert (hit.span.line, hit.span.col) == (2, 15)  # 'const k = "' is 11, é is 1, 🤖 is 2 units
    assert hit.span.end_col == 15 + len(key)


def test_remediation_says_rotate_store_reference():
    text = remediation("openai-project-key", "notebook-output")
    for word in ("rotate", "secret store", "reference", "OpenAI", "outputs"):
        assert word in text
    assert "OpenAI" not in remediation("cohere-api-key")
    assert OPENAI_MARK not in text
