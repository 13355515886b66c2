"""Key-shaped test values, built at test time from random characters: never a real key, and no
key-shaped literal in the repository (prefixes are split so push protection has nothing to flag).

SAMPLES maps each detector id to a function (rng) -> (file name, file text, token): a realistic
file holding one freshly generated token with the right structure (markers, lengths, base64
payloads), in the kind of place such keys are found.
"""
from __future__ import annotations

import base64
import json
import random
import string
import uuid

B62 = string.ascii_letters + string.digits
URL = B62 + "-_"
HEX = "0123456789abcdef"
LOWER36 = string.ascii_lowercase + string.digits
OPENAI_MARK = "T3Blb" + "kFJ"  # base64 of "OpenAI"


def rand(rng: random.Random, n: int, alphabet: str = B62) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def uuid4(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


# --- tokens ----------------------------------------------------------------------------------------

def openai(rng, kind: str, half: int = 74, alphabet: str = URL) -> str:
    return "sk-" + kind + rand(rng, half, alphabet) + OPENAI_MARK + rand(rng, half, alphabet)


def anthropic(rng, kind: str) -> str:
    return "sk-" + "ant-" + kind + "-" + rand(rng, 93, URL) + "AA"


def google(rng) -> str:
    return "AI" + "za" + "Sy" + rand(rng, 33, URL)


def azure_identifiable(rng, service: str) -> str:
    # 52 random, the JQQJ99 signature, a date (year char + month A-L), 12 platform characters,
    # provider data "AAA" + the service character, the ACOG signature, a 4-character checksum
    return (rand(rng, 52) + "JQQ" + "J99" + rand(rng, 1) + rng.choice("ABCDEFGHIJKL") + rand(rng, 12)
            + "AAA" + service + "AC" + "OG" + rand(rng, 4))


def bedrock_long(rng) -> str:
    payload = ("BedrockAPIKey-" + rand(rng, 4, string.ascii_lowercase + string.digits) + "-at-"
               + rand(rng, 12, string.digits) + ":" + rand(rng, 60, B62 + "+/"))
    return "AB" + "SK" + b64(payload)


def bedrock_short(rng) -> str:
    url = ("bedrock.amazonaws.com/?Action=CallWithBearerToken&X-Amz-Algorithm=AWS4-HMAC-SHA256"
           "&X-Amz-Credential=AS" + "IA" + rand(rng, 16, string.ascii_uppercase + "234567")
           + "%2F20250101%2Fus-east-1%2Fbedrock%2Faws4_request&X-Amz-Date=20250101T000000Z"
           "&X-Amz-Expires=43200&X-Amz-Security-Token=" + rand(rng, 400, B62 + "%")
           + "&X-Amz-Signature=" + rand(rng, 64, HEX) + "&X-Amz-SignedHeaders=host&Version=1")
    return "bedrock-" + "api-key-" + b64(url)


def pem_body(rng) -> str:
    raw = base64.b64encode(rng.randbytes(1200)).decode()
    return "\n".join(raw[i:i + 64] for i in range(0, len(raw), 64))


# --- samples: (file name, text, token) -------------------------------------------------------------

def _env(name: str, prefix: str = ""):
    """A .env line NAME=<token>."""
    return lambda make: lambda rng: (lambda tok: (".env", f"# service keys\n{name}={tok}\nDEBUG=false\n", tok))(
        prefix + make(rng))


def _py(template: str):
    return lambda make: lambda rng: (lambda tok: ("app/client.py", template.format(tok=tok), tok))(make(rng))


def _gcp(rng):
    key = "-----BEGIN " + "PRIVATE KEY-----\n" + pem_body(rng) + "\n-----END " + "PRIVATE KEY-----\n"
    doc = {"type": "service_account", "project_id": "ml-platform", "private_key_id": rand(rng, 40, HEX),
           "private_key": key, "client_email": "vertex@ml-platform.iam.gserviceaccount.com"}
    text = json.dumps(doc, indent=2) + "\n"
    raw = json.dumps(key)[1:-1]  # how the key is written in the file: with "\n" escapes
    return "sa.json", text, raw[:-2]  # without the final "\\n" escape


def _azure_legacy(rng):
    tok = rand(rng, 32, HEX)
    text = ("from openai import AzureOpenAI\n\nclient = AzureOpenAI(\n"
            '    azure_endpoint="https://contoso-ml.openai.azure.com/",\n'
            f'    api_key="{tok}",\n    api_version="2024-06-01",\n)\n')
    return "app/azure.py", text, tok


def _tf(name: str):
    return lambda make: lambda rng: (lambda tok: (
        "main.tf", 'resource "aws_lambda_function" "fn" {\n  environment {\n    variables = {\n'
        f'      {name} = "{tok}"\n    }}\n  }}\n}}\n', tok))(make(rng))


def _yaml(key: str):
    return lambda make: lambda rng: (lambda tok: (
        "deploy/values.yaml", f"env:\n  - name: STAGE\n    value: prod\n{key}: {tok}\n", tok))(make(rng))


SAMPLES = {
    "openai-project-key": _py('import openai\nclient = openai.OpenAI(api_key="{tok}")\n')(
        lambda rng: openai(rng, "proj-")),
    "openai-service-account-key": _env("OPENAI_API_KEY")(lambda rng: openai(rng, "svcacct-")),
    "openai-admin-key": _env("OPENAI_ADMIN_KEY")(lambda rng: openai(rng, "admin-", 58)),
    "openai-user-key": _tf("OPENAI_API_KEY")(lambda rng: openai(rng, "", 20, B62)),
    "anthropic-api-key": _py('import anthropic\nclient = anthropic.Anthropic(api_key="{tok}")\n')(
        lambda rng: anthropic(rng, "api03")),
    "anthropic-admin-key": _env("ANTHROPIC_ADMIN_KEY")(lambda rng: anthropic(rng, "admin01")),
    "gemini-api-key": _py('import google.generativeai as genai\ngenai.configure(api_key="{tok}")\n')(google),
    "gemini-api-key-v2": _env("GEMINI_API_KEY")(lambda rng: "AQ." + "Ab8RN6" + rand(rng, 44, URL)),
    "google-api-key": lambda rng: (lambda tok: (
        "web/firebase.js", f'const firebaseConfig = {{ apiKey: "{tok}", authDomain: "x.firebaseapp.com" }};\n',
        tok))(google(rng)),
    "gcp-service-account-key": _gcp,
    "azure-openai-key": _env("AZURE_OPENAI_API_KEY")(lambda rng: azure_identifiable(rng, "B")),
    "azure-ai-services-key": _yaml("speechKey")(lambda rng: azure_identifiable(rng, "Y")),
    "azure-openai-legacy-key": _azure_legacy,
    "aws-bedrock-api-key": _env("AWS_BEARER_TOKEN_BEDROCK")(bedrock_long),
    "aws-bedrock-short-term-key": _env("AWS_BEARER_TOKEN_BEDROCK")(bedrock_short),
    "aws-access-key-id": _env("AWS_ACCESS_KEY_ID")(
        lambda rng: "AK" + "IA" + rand(rng, 16, string.ascii_uppercase + "234567")),
    "aws-secret-access-key": _env("AWS_SECRET_ACCESS_KEY")(lambda rng: rand(rng, 40, B62 + "+/")),
    "huggingface-user-token": _tf("HF_TOKEN")(lambda rng: "hf" + "_" + rand(rng, 34, string.ascii_letters)),
    "huggingface-org-token": _env("HUGGINGFACE_TOKEN")(lambda rng: "api_" + "org_" + rand(rng, 34, string.ascii_letters)),
    "cohere-api-key": _py('import cohere\nco = cohere.ClientV2(api_key="{tok}")\n')(lambda rng: rand(rng, 40)),
    "mistral-api-key": _env("MISTRAL_API_KEY")(lambda rng: rand(rng, 32)),
    "groq-api-key": _yaml("GROQ_API_KEY")(lambda rng: "gs" + "k_" + rand(rng, 52)),
    "deepseek-api-key": _env("DEEPSEEK_API_KEY")(lambda rng: "sk-" + rand(rng, 32, HEX)),
    "xai-api-key": _env("XAI_API_KEY")(lambda rng: "xa" + "i-" + rand(rng, 80)),
    "perplexity-api-key": _env("PERPLEXITY_API_KEY")(lambda rng: "pp" + "lx-" + rand(rng, 48)),
    "together-api-key": _env("TOGETHER_API_KEY")(lambda rng: "tgp_" + "v1_" + rand(rng, 43, URL)),
    "together-legacy-key": _env("TOGETHER_API_KEY")(lambda rng: rand(rng, 64, HEX)),
    "fireworks-api-key": _env("FIREWORKS_API_KEY")(lambda rng: "fw" + "_" + rand(rng, 24)),
    "openrouter-api-key": _env("OPENROUTER_API_KEY")(lambda rng: "sk-" + "or-v1-" + rand(rng, 64, HEX)),
    "replicate-api-token": _env("REPLICATE_API_TOKEN")(lambda rng: "r8" + "_" + rand(rng, 37)),
    "nvidia-api-key": _env("NVIDIA_API_KEY")(lambda rng: "nv" + "api-" + rand(rng, 64, URL)),
    "cerebras-api-key": _env("CEREBRAS_API_KEY")(lambda rng: "cs" + "k-" + rand(rng, 48, LOWER36)),
    "moonshot-api-key": _env("MOONSHOT_API_KEY")(lambda rng: "sk-" + rand(rng, 48)),
    "minimax-api-key": _env("MINIMAX_API_KEY")(lambda rng: "sk-" + "api-" + rand(rng, 119, URL)),
    "zhipu-api-key": _env("ZHIPUAI_API_KEY")(lambda rng: rand(rng, 32, HEX) + "." + rand(rng, 16)),
    "upstage-api-key": _env("UPSTAGE_API_KEY")(lambda rng: "up" + "_" + rand(rng, 45)),
    "ollama-api-key": _env("OLLAMA_API_KEY")(lambda rng: rand(rng, 32, HEX) + "." + rand(rng, 24, URL)),
    "private-ai-api-key": _env("PRIVATE_AI_API_KEY")(lambda rng: rand(rng, 32, LOWER36)),
    "runpod-api-key": _env("RUNPOD_API_KEY")(
        lambda rng: "rp" + "a_" + rand(rng, 40, string.ascii_uppercase + string.digits) + rand(rng, 6)),
    "databricks-token": _env("DATABRICKS_TOKEN")(lambda rng: "da" + "pi" + rand(rng, 32, HEX)),
    "clarifai-api-key": _env("CLARIFAI_PAT")(lambda rng: rand(rng, 32, HEX)),
    "elevenlabs-api-key": _env("ELEVENLABS_API_KEY")(lambda rng: "sk" + "_" + rand(rng, 48, HEX)),
    "elevenlabs-legacy-key": _py('headers = {{"xi-api-key": "{tok}"}}\n')(lambda rng: rand(rng, 32, HEX)),
    "stability-api-key": _env("STABILITY_API_KEY")(lambda rng: "sk-" + rand(rng, 48)),
    "assemblyai-api-key": _py('import assemblyai as aai\naai.settings.api_key = "{tok}"\n')(
        lambda rng: rand(rng, 32, HEX)),
    "deepgram-api-key": _env("DEEPGRAM_API_KEY")(lambda rng: rand(rng, 40, HEX)),
    "pinecone-api-key": _env("PINECONE_API_KEY")(lambda rng: "pc" + "sk_" + rand(rng, 5) + "_" + rand(rng, 63)),
    "pinecone-legacy-key": _env("PINECONE_API_KEY")(uuid4),
    "jina-api-key": _env("JINA_API_KEY")(lambda rng: "ji" + "na_" + rand(rng, 60)),
    "tavily-api-key": _env("TAVILY_API_KEY")(lambda rng: "tv" + "ly-" + rand(rng, 32)),
    "firecrawl-api-key": _env("FIRECRAWL_API_KEY")(lambda rng: "fc" + "-" + rand(rng, 32, HEX)),
    "voyage-api-key": _env("VOYAGE_API_KEY")(lambda rng: "pa" + "-" + rand(rng, 43, URL)),
    "wandb-api-key": _env("WANDB_API_KEY")(lambda rng: "wandb_" + "v1_" + rand(rng, 77, B62 + "_")),
    "wandb-legacy-key": _py('import wandb\nwandb.login(key="{tok}")\n')(lambda rng: rand(rng, 40, HEX)),
    "langsmith-api-key": _env("LANGSMITH_API_KEY")(
        lambda rng: "lsv2_" + rng.choice(("pt", "sk")) + "_" + rand(rng, 32, HEX) + "_" + rand(rng, 10, HEX)),
    "langfuse-secret-key": _env("LANGFUSE_SECRET_KEY")(lambda rng: "sk-" + "lf-" + uuid4(rng)),
    "braintrust-api-key": _env("BRAINTRUST_API_KEY")(lambda rng: "sk-" + rand(rng, 48)),
    "sourcegraph-cody-token": _env("SRC_ACCESS_TOKEN")(lambda rng: "sl" + "k_" + rand(rng, 64, HEX)),
    "cursor-api-key": _env("CURSOR_API_KEY")(lambda rng: "key" + "_" + rand(rng, 64, HEX)),
    "voiceflow-api-key": _env("VOICEFLOW_API_KEY")(
        lambda rng: "VF." + "DM." + rand(rng, 24, HEX) + "." + rand(rng, 16)),
}
