"""Model references: what names a hosted or hub model, as patterns and tables (research 2.6)."""
from __future__ import annotations

import re

# Bedrock model ids: a provider, a dot and a model family that provider publishes (a bare
# `amazon.` would match host names); optional cross-region inference profile prefix
_BEDROCK_FAMILIES = (
    r"(?:anthropic\.claude|amazon\.(?:titan|nova|rerank)|meta\.llama|cohere\.(?:command|embed|rerank)|"
    r"ai21\.(?:j2|jamba)|mistral\.(?:mistral|mixtral|pixtral|ministral|magistral|voxtral)|"
    r"stability\.(?:stable|sd3|sd-)|deepseek\.(?:r1|v3)|writer\.palmyra|qwen\.qwen|openai\.gpt-oss|"
    r"twelvelabs\.(?:marengo|pegasus)|luma\.ray)")
BEDROCK_ID = re.compile(r"(?:(?:us|eu|apac|global|us-gov|jp|au|ca)\.)?" + _BEDROCK_FAMILIES + r"[A-Za-z0-9._:-]*")
BEDROCK_ARN = re.compile(
    r"arn:aws(?:-[a-z]+)*:bedrock:[a-z0-9-]*:\d{0,12}:(?:foundation-model|inference-profile|provisioned-model|"
    r"custom-model|imported-model|application-inference-profile|default-prompt-router)/[A-Za-z0-9._:/-]+")
_BEDROCK_IN_TEXT = re.compile(r"(?<![A-Za-z0-9_.:/-])(?:" + BEDROCK_ARN.pattern + "|" + BEDROCK_ID.pattern + r")")

# Hugging Face repo ids (huggingface_hub's REPO_ID_REGEX rules): optional namespace, at most one `/`
_HF_ID = re.compile(r"^(?:[A-Za-z0-9][\w.-]{0,95}/)?[A-Za-z0-9][\w.-]{0,95}$")
HF_URL = re.compile(r"https?://(?:huggingface\.co|hf\.co)/(?!datasets/|spaces/|docs/|api/|blog/|settings/|models\b)"
                    r"([A-Za-z0-9][\w.-]*/[A-Za-z0-9][\w.-]*)")
# environment variables that name a hub model for a serving container (SageMaker HF, TGI, TEI, vLLM)
MODEL_ENV = frozenset({"HF_MODEL_ID", "MODEL_ID", "HF_MODEL", "HUGGING_FACE_HUB_MODEL_ID", "MODEL_NAME"})
# SageMaker JumpStart model ids: a provider prefix and a model
JUMPSTART_ID = re.compile(r"^(?:huggingface|meta|pytorch|tensorflow|mxnet|lightgbm|xgboost|catboost|sklearn|"
                          r"autogluon|model)-[a-z0-9-]+(?:-[a-z0-9.]+)*$")


def is_hf_id(text: str, bare: bool = False) -> bool:
    """A plausible hub id: `org/name` (or a bare legacy name like `gpt2` when `bare`)."""
    if not _HF_ID.match(text) or "--" in text or ".." in text or text.endswith(".git"):
        return False
    if "/" not in text:
        return bare and not text.endswith((".bin", ".pt", ".json", ".safetensors"))
    return not text.endswith((".", "-")) and not text.startswith(("s3", "gs", "http"))


def bedrock_model(text: str) -> str:
    """The model id or ARN when the whole text is one, else ""."""
    text = text.strip()
    if BEDROCK_ARN.fullmatch(text) or BEDROCK_ID.fullmatch(text):
        return text
    return ""


def bedrock_in_text(line: str) -> list[str]:
    return [m.group(0).rstrip(".:") for m in _BEDROCK_IN_TEXT.finditer(line)] if "." in line else []


def hf_version(name: str) -> tuple[str, str]:
    """(id, revision) of `org/model@revision`."""
    if "@" in name:
        base, revision = name.split("@", 1)
        return base, revision
    return name, ""


__all__ = ["BEDROCK_ID", "BEDROCK_ARN", "HF_URL", "MODEL_ENV", "JUMPSTART_ID", "is_hf_id", "bedrock_model",
           "bedrock_in_text", "hf_version"]
