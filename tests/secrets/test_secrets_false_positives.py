"""analyzer.secrets: what looks like a key but is not one is never reported."""
import base64
import hashlib
import os
import random
import uuid

import pytest

from analyzer.secrets import scan_text
from secret_tokens import B62, HEX, OPENAI_MARK, rand

CLEAN = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "secrets", "clean")


@pytest.mark.parametrize("name", sorted(os.listdir(CLEAN)))
def test_clean_fixtures_have_no_keys(name):
    with open(os.path.join(CLEAN, name), "rb") as handle:
        data = handle.read()
    assert scan_text(f"fixtures/secrets/clean/{name}", data).hits == []


PLACEHOLDERS = [
    "OPENAI_API_KEY=sk-...",
    "OPENAI_API_KEY=sk-xxxx",
    'OPENAI_API_KEY="sk-proj-abc123"',
    "OPENAI_API_KEY=<your-key>",
    "OPENAI_API_KEY=YOUR_API_KEY",
    "OPENAI_API_KEY=sk-proj-" + "abc123" * 12 + OPENAI_MARK + "abc123" * 12,
    "OPENAI_API_KEY=sk-proj-" + "x" * 74 + OPENAI_MARK + "x" * 74,
    "OPENAI_API_KEY=sk-proj-EXAMPLE" + "aB3dE5gH7j" * 7 + OPENAI_MARK + "kL9mN1pQ3r" * 7,
    "ANTHROPIC_API_KEY=sk-ant-api03-" + "a" * 93 + "AA",
    "ANTHROPIC_API_KEY=sk-ant-api03-...",
    "HF_TOKEN=hf_" + "x" * 34,
    "HF_TOKEN=hf_" + "aBcDeFgH" * 4 + "aB",
    "HF_TOKEN=hf_YOUR_TOKEN_HERE",
    "GROQ_API_KEY=gsk_" + "X" * 52,
    "GROQ_API_KEY=gsk_your_groq_api_key_here_0000000000000000000000000000",
    "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE",
    "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "COHERE_API_KEY=" + "0" * 40,
    "COHERE_API_KEY=abcdefghijklmnopqrstuvwxyzABCDEFGHIJ1234",
    "MISTRAL_API_KEY=${MISTRAL_API_KEY}",
    "MISTRAL_API_KEY={{ mistral_api_key_from_vault_2024 }}",
    "PINECONE_API_KEY=00000000-0000-0000-0000-000000000000",
    "REPLICATE_API_TOKEN=r8_" + "0123456789" * 3 + "abcdefg",
    "XAI_API_KEY=xai-" + "test" * 20,
    "OPENROUTER_API_KEY=sk-or-v1-" + "0" * 64,
]


@pytest.mark.parametrize("text", PLACEHOLDERS)
def test_placeholders_and_documentation_examples(text):
    for path in (".env", "README.md", "app.py"):
        assert scan_text(path, (text + "\n").encode()).hits == [], text


def test_template_and_environment_references():
    rng = random.Random(1)
    key = "hf" + "_" + rand(rng, 34, "abcdefghijKLMNOPQRST")
    for text in (f"${{{key}}}", f"{{{{ {key} }}}}", f"${key}", f"%{key}%", f"<{key}>"):
        assert scan_text("x.yaml", f"token: {text}\n".encode()).hits == [], text


def test_hashes_uuids_and_shas_next_to_provider_names():
    rng = random.Random(2)
    sha1 = hashlib.sha1(b"x").hexdigest()
    sha256 = hashlib.sha256(b"x").hexdigest()
    md5 = hashlib.md5(b"x").hexdigest()
    text = "\n".join([
        f"cohere_commit = \"{sha1}\"",
        f"mistral_model_sha = \"{sha256}\"",
        f"mistral_checksum: {md5}",
        f"deepgram-sdk @ git+https://github.com/deepgram/deepgram-python-sdk@{sha1}",
        f"wandb_run_id = \"{sha1}\"",
        f"pinecone_index_id = \"{uuid.UUID(int=rng.getrandbits(128), version=4)}\"",
        f"PINECONE_API_KEY_ID={uuid.UUID(int=rng.getrandbits(128), version=4)}",
        f"together_model_hash: {sha256}",
        f"elevenlabs_voice_id: {md5}",
        f"assemblyai transcript {md5}",
        "clarifai_model_version_id: " + rand(rng, 32, HEX),
        "hash = \"sha256:" + sha256 + "\"  # together",
        f"# deepseek: see commit {sha1}",
    ])
    assert scan_text("config.py", text.encode()).hits == []
    # an Azure OpenAI file is full of 32-hex values that are not keys
    text = (f'endpoint = "https://x.openai.azure.com"\napi_key_hash = "{md5}"\ndeployment_id: "{md5}"\n'
            f'subscription_id = "{uuid.UUID(int=rng.getrandbits(128))}"\ncorrelation = "{md5}"\n')
    assert scan_text("azure.py", text.encode()).hits == []


def test_hugging_face_symbols_are_not_tokens():
    camel = "hf_requiredCharacteristicTypesForDisplayMetadata"
    text = (f"static int {camel};\nstatic int hf_servingcellpriorityinformation12 = -1;\n"
            f"static int {camel[:37]};\n")  # exactly hf_ + 34 characters, camelCase
    assert scan_text("packet-x.c", text.encode()).hits == []


def test_base64_blobs_and_minified_code():
    rng = random.Random(3)
    blob = base64.b64encode(rng.randbytes(300_000)).decode()
    # key prefixes planted inside a blob are part of the blob, not keys
    planted = blob[:1000] + "AIzaSy" + rand(rng, 33) + blob[1000:2000] + "ABSK" + blob[2000:]
    assert scan_text("data.json", f'{{"image": "{planted}"}}'.encode()).hits == []
    words = ["function", "return", "var", "cohere", "mistral", "openai", "apiKey", "this", "null"]
    minified = ";".join(f"{rng.choice(words)}{i}=function(a,b){{return a.{rng.choice(words)}" + rand(rng, 40)
                        + f"(b,'{rand(rng, 24)}')}}" for i in range(2000))
    assert scan_text("dist/app.min.js", minified.encode()).hits == []


def test_lock_files_skip_keyword_gated_detectors_but_not_prefixed_ones():
    rng = random.Random(4)
    lock = f'[[package]]\nname = "cohere"\nkey = "{rand(rng, 40)}"\n'
    assert scan_text("poetry.lock", lock.encode()).hits == []
    assert scan_text("pyproject.toml", lock.encode()).hits != []  # same text elsewhere is a key
    token = "hf" + "_" + rand(rng, 34, "abcdefghijKLMNOPQRST")
    assert len(scan_text("package-lock.json", f'{{"token": "{token}"}}'.encode()).hits) == 1


def test_git_shas_and_content_hashes_everywhere():
    rng = random.Random(5)
    lines = []
    for i in range(500):
        lines.append(f"{hashlib.sha1(str(i).encode()).hexdigest()} commit {i}")
        lines.append(f"sha256:{hashlib.sha256(str(i).encode()).hexdigest()}")
        lines.append(f"id: {uuid.UUID(int=rng.getrandbits(128), version=4)}")
        lines.append(f"etag: {hashlib.md5(str(i).encode()).hexdigest()}")
        lines.append("integrity: sha512-" + base64.b64encode(hashlib.sha512(str(i).encode()).digest()).decode())
        lines.append("blob: " + rand(rng, 64, B62 + "+/"))
    assert scan_text("history.txt", "\n".join(lines).encode()).hits == []
