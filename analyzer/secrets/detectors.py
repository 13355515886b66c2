"""The table of AI provider key and token formats: one Detector record per format, plain data.

Facts (prefixes, lengths, markers, context words) come from ../shared/research/secrets-aibom-pii.md
section 1, which cites the public scanners and provider documents they were read from; the code
and the patterns here are our own.

How a record is used (analyzer.secrets.scan): the file is lower-cased once and searched for every
record's `keywords` with one combined pattern. Around each keyword hit, the bytes from `before`
bytes ahead of the keyword to `after` bytes past it are searched with `pattern`; a match must pass
the common placeholder filters and the record's `validator`. A record with `requires` runs only
when one of those words occurs somewhere in the file. A record with `context=True` has no prefix of
its own (a bare 32-hex or 40-alnum string): its keyword is the provider's name or variable, and the
token must follow it on the same or the next line.

Patterns are bytes regexes with bounded quantifiers only and no nested quantifiers, so matching
is linear in the window searched.
"""
from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from collections.abc import Callable

# A token starts after a character that cannot be part of one (or after a JSON/shell escape such
# as the "\n" before a key printed in a notebook output), and ends before one: a key inside a
# longer identifier or base64 blob is not a key.
LEFT = r"(?:(?<![A-Za-z0-9_+/@-])|(?<=\\[nrt]))"
RIGHT = r"(?![A-Za-z0-9_+/-])"


def token(body: str) -> str:
    """A token pattern: `body` between the two boundaries."""
    return LEFT + "(?:" + body + ")" + RIGHT


@dataclass(frozen=True)
class Detector:
    id: str                         # stable, kebab-case, e.g. "openai-project-key"
    provider: str                   # display name, e.g. "OpenAI"
    pattern: str                    # regex source, compiled as bytes; the whole match is the token
    keywords: tuple[str, ...]       # lower-case literals: the prefilter and where windows start
    validator: Callable[[str], bool] | None
    description: str
    reference: str                  # where the format is documented (research section 1 cites it)
    confidence: str = "high"        # high: self-identifying; medium: distinctive prefix; low: context only
    before: int = 0                 # bytes searched before a keyword's start
    after: int = 0                  # bytes searched after a keyword's end
    requires: tuple[str, ...] = ()  # lower-case words, one of which must be in the file
    context: bool = False           # keyword names the provider; the token follows it (<= 2 lines)
    fixed: tuple[str, ...] = ()     # literal parts (prefix, markers) left out of the randomness checks
    github_type: str = ""           # GitHub secret scanning's secretType, to correlate alerts
    anchor: str = ""                # for keys under 32 characters: a literal-led pattern found
                                    # over the whole file (its start is the keyword position)


# --- validators: structure beyond the regex ------------------------------------------------------
# A validator gets the token without its `fixed` parts (the random body), so a prefix such as
# "sk-" never satisfies a "has lower case" test on its own.

def mixed_alnum(value: str) -> bool:
    """Random base62: upper and lower case, and a digit or else an even share of capitals (rejects
    words, hex hashes, camelCase identifiers; a random 32-character key lacks a digit 0.4% of
    the time, so a digit alone cannot be required)."""
    if not (any(c.isupper() for c in value) and any(c.islower() for c in value)):
        return False
    return any(c.isdigit() for c in value) or letters_mixed(value, 0.3)


def letters_mixed(value: str, floor: float = 0.2) -> bool:
    """Random letters (Hugging Face): both cases, neither under `floor` (rejects camelCase
    symbols such as hf_requiredCharacteristicTypes..., about one capital in six)."""
    letters = [c for c in value if c.isalpha()]
    if not letters:
        return False
    upper = sum(c.isupper() for c in letters) / len(letters)
    return floor <= upper <= 1 - floor


def hex_mixed(value: str) -> bool:
    """Random hex: digits and letters a-f both present (rejects 000..., deadbeef... words)."""
    return any(c.isdigit() for c in value) and any(c in "abcdefABCDEF" for c in value)


def alnum_digit(value: str) -> bool:
    """Random lower-case base36: a digit and a letter."""
    return any(c.isdigit() for c in value) and any(c.isalpha() for c in value)


def _b64decode(text: str) -> bytes | None:
    text = text.rstrip("=")
    text = text[: len(text) - len(text) % 4] if len(text) % 4 == 1 else text
    try:
        return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError):
        return None


def bedrock_long_lived(value: str) -> bool:
    """ABSK + base64 of "BedrockAPIKey-<id>-at-<account>:<secret>"."""
    decoded = _b64decode(value[4:])
    return decoded is not None and decoded.startswith(b"BedrockAPIKey-") and b":" in decoded


def bedrock_short_lived(value: str) -> bool:
    """bedrock-api-key- + base64 of a presigned URL on bedrock.amazonaws.com."""
    decoded = _b64decode(value[len("bedrock-api-key-"):])
    return decoded is not None and decoded.startswith(b"bedrock.amazonaws.com") and decoded.isascii()


def gcp_private_key(value: str) -> bool:
    """A real PEM body is hundreds of characters; documentation shows a short or elided one."""
    return len(value) > 300


# --- building blocks ---------------------------------------------------------------------------

_SK48 = token(r"sk-[A-Za-z0-9]{48}")
# OpenAI keys: a type prefix, then two random halves around the base64 of "OpenAI" (T3BlbkFJ);
# length-agnostic halves (16-120) to survive length changes, as the research recommends
_OPENAI_HALVES = r"[A-Za-z0-9_-]{16,120}T3BlbkFJ[A-Za-z0-9_-]{16,120}"
_AZURE_CONTEXT = ("openai.azure.com", "cognitiveservices.azure.com", "azure_openai", "azure-openai",
                  "azureopenai", "azure openai")
_GEMINI_CONTEXT = ("gemini", "genai", "generativeai", "generativelanguage", "google_api_key",
                   "google-api-key", "aistudio")
_GAP = 80  # how far after a context keyword a token may start

RESEARCH = "../shared/research/secrets-aibom-pii.md section 1.2"


def _ctx(id, provider, keywords, body, validator, description, reference, length, **kw):
    """A context-gated record: `body` must follow one of `keywords` within _GAP bytes."""
    return Detector(id=id, provider=provider, pattern=token(body), keywords=keywords,
                    validator=validator, description=description, reference=reference,
                    confidence=kw.pop("confidence", "low"), after=_GAP + length, context=True, **kw)


# --- the table (most specific first: when two records match the same bytes, the first wins) -----

DETECTORS: tuple[Detector, ...] = (
    # OpenAI
    Detector("openai-project-key", "OpenAI", token(r"sk-proj-" + _OPENAI_HALVES), ("sk-proj-",),
             None, "OpenAI project API key (sk-proj-..., with the T3BlbkFJ marker)",
             "OpenAI #1 (gitleaks openai-api-key, trufflehog openai)", after=260,
             fixed=("sk-proj-", "T3BlbkFJ"), github_type="openai_api_key"),
    Detector("openai-service-account-key", "OpenAI", token(r"sk-(?:svcacct|service)-" + _OPENAI_HALVES),
             ("sk-svcacct-", "sk-service-"), None,
             "OpenAI service account key (sk-svcacct-..., with the T3BlbkFJ marker)",
             "OpenAI #1 (trufflehog openai)", after=260,
             fixed=("sk-svcacct-", "sk-service-", "T3BlbkFJ"), github_type="openai_api_key"),
    Detector("openai-admin-key", "OpenAI", token(r"sk-admin-" + _OPENAI_HALVES), ("sk-admin-",), None,
             "OpenAI organization admin key (sk-admin-..., with the T3BlbkFJ marker)",
             "OpenAI #1 (trufflehog openaiadmin)", after=260, fixed=("sk-admin-", "T3BlbkFJ"),
             github_type="openai_api_key"),
    Detector("openai-user-key", "OpenAI",
             token(r"sk-(?:None-)?[A-Za-z0-9_-]{16,120}T3BlbkFJ[A-Za-z0-9_-]{16,120}"),
             ("t3blbkfj",), None,
             "OpenAI user (legacy) API key: sk- with the T3BlbkFJ marker (base64 of 'OpenAI')",
             "OpenAI #1 (gitleaks openai-api-key, trufflehog openai)", before=135, after=125,
             fixed=("sk-", "T3BlbkFJ"), github_type="openai_api_key"),
    # Anthropic
    Detector("anthropic-api-key", "Anthropic", token(r"sk-ant-api03-[A-Za-z0-9_-]{93}AA"),
             ("sk-ant-api03-",), None, "Anthropic API key (sk-ant-api03-, 93 characters, AA suffix)",
             "Anthropic #2 (gitleaks anthropic, trufflehog anthropic)", after=100,
             fixed=("sk-ant-api03-",), github_type="anthropic_api_key"),
    Detector("anthropic-admin-key", "Anthropic", token(r"sk-ant-admin01-[A-Za-z0-9_-]{93}AA"),
             ("sk-ant-admin01-",), None, "Anthropic admin API key (sk-ant-admin01-, AA suffix)",
             "Anthropic #2 (gitleaks anthropic)", after=100, fixed=("sk-ant-admin01-",),
             github_type="anthropic_admin_api_key"),
    # Google
    Detector("gemini-api-key", "Google Gemini", token(r"AIza[A-Za-z0-9_-]{35}"), ("aiza",), None,
             "Google API key in a file that uses Gemini / AI Studio (the Generative Language API)",
             "Google Gemini #3 (trufflehog googlegemini)", confidence="medium", after=40,
             requires=_GEMINI_CONTEXT, fixed=("AIza",), github_type="google_gemini_api_key"),
    Detector("gemini-api-key-v2", "Google Gemini", token(r"AQ\.Ab8RN6[A-Za-z0-9_-]{44}"),
             ("aq.ab8rn6",), None, "Google Gemini API key, newer format (AQ.Ab8RN6...)",
             "Google Gemini #3 (betterleaks gcp-gemini-api)", after=50, fixed=("AQ.Ab8RN6",),
             github_type="google_gemini_api_key"),
    Detector("google-api-key", "Google", token(r"AIza[A-Za-z0-9_-]{35}"), ("aiza",), None,
             "Google API key (may enable Gemini; Firebase and Maps browser keys are often public)",
             "Google Gemini #3 (gitleaks gcp-api-key)", confidence="medium", after=40,
             fixed=("AIza",), github_type="google_api_key"),
    Detector("gcp-service-account-key", "Google Cloud (Vertex AI)",
             r'-----BEGIN (?:RSA )?PRIVATE KEY-----[A-Za-z0-9+/=\\\s]{64,6000}-----END (?:RSA )?PRIVATE KEY-----',
             ("-----begin ",), gcp_private_key,
             "Google Cloud service account private key (the credential Vertex AI clients use)",
             "Google Vertex AI #4 (betterleaks gcp-service-account)", after=6100,
             requires=("service_account",),
             github_type="google_cloud_service_account_credentials"),
    # Azure OpenAI / AI services: 84-character identifiable keys with the JQQJ99 and ACOG signatures
    Detector("azure-openai-key", "Azure OpenAI",
             token(r"[A-Za-z0-9]{52}JQQJ99[A-Za-z0-9][A-L][A-Za-z0-9]{12}AAABACOG[A-Za-z0-9]{4}"),
             ("jqqj99",), None,
             "Azure OpenAI identifiable key (84 characters, JQQJ99 at 52, AAAB + ACOG at 72)",
             "Azure OpenAI #5 (microsoft/security-utilities LegacyCommonAnnotatedSecurityKey)",
             before=53, after=33, fixed=("JQQJ99", "AAABACOG"), github_type="azure_openai_key"),
    Detector("azure-ai-services-key", "Azure AI services",
             token(r"[A-Za-z0-9]{52}JQQJ99[A-Za-z0-9][A-L][A-Za-z0-9]{12}AAA[A-Za-z0-9]ACOG[A-Za-z0-9]{4}"),
             ("jqqj99",), None,
             "Azure AI services / Cognitive Services identifiable key (JQQJ99 and ACOG signatures)",
             "Azure OpenAI #5 (microsoft/security-utilities AzureCognitiveService)",
             before=53, after=33, fixed=("JQQJ99", "ACOG"), github_type="azure_ai_services_key"),
    _ctx("azure-openai-legacy-key", "Azure OpenAI",
         _AZURE_CONTEXT + ("api_key", "api-key", "apikey", "openai_key", "openai-key", "subscription_key",
                           "subscription-key"),
         r"[a-f0-9]{32}", hex_mixed,
         "Azure OpenAI key, legacy format (32 hex) after a key name, in a file naming an Azure OpenAI endpoint",
         "Azure OpenAI #5 (trufflehog azure_openai, kingfisher azureopenai)", 32,
         requires=_AZURE_CONTEXT, github_type="azure_openai_key"),
    # AWS (Bedrock API keys, and the IAM keys Bedrock/SageMaker code carries)
    Detector("aws-bedrock-api-key", "AWS Bedrock",
             token(r"ABSKQmVkcm9ja0FQSUtleS[A-Za-z0-9+/]{80,300}={0,2}"), ("absk",), bedrock_long_lived,
             "Amazon Bedrock long-term API key (ABSK + base64 of 'BedrockAPIKey-...')",
             "AWS Bedrock #6 (gitleaks aws-amazon-bedrock-api-key-long-lived)", after=330),
    Detector("aws-bedrock-short-term-key", "AWS Bedrock",
             token(r"bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t[A-Za-z0-9+/]{40,4000}={0,2}"),
             ("bedrock-api-key-",), bedrock_short_lived,
             "Amazon Bedrock short-term API key (bedrock-api-key- + base64 presigned URL; expires in 12 h)",
             "AWS Bedrock #6 (gitleaks aws-amazon-bedrock-api-key-short-lived)", confidence="high",
             after=4100),
    Detector("aws-access-key-id", "AWS", token(r"(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}"),
             ("akia",), None,
             "AWS access key ID (the secret access key is usually next to it)",
             "AWS Bedrock #6 (gitleaks aws-access-token)", confidence="medium", after=20,
             fixed=("AKIA", "ASIA", "ABIA", "ACCA"), anchor=r"A(?:KIA|SIA|BIA|CCA|3T[A-Z0-9])[A-Z2-7]{16}"),
    _ctx("aws-secret-access-key", "AWS",
         ("aws_secret_access_key", "aws-secret-access-key", "secretaccesskey", "secret_access_key",
          "aws_secret_key"),
         r"[A-Za-z0-9+/]{40}", mixed_alnum, "AWS secret access key (40 characters after its variable name)",
         "AWS Bedrock #6 (classic AWS key rule)", 40, confidence="medium"),
    # Hugging Face
    Detector("huggingface-user-token", "Hugging Face", token(r"hf_[A-Za-z0-9]{34}"), ("hf_",), letters_mixed,
             "Hugging Face user access token (hf_ + 34)", "Hugging Face #7 (gitleaks, trufflehog huggingface)",
             after=35, fixed=("hf_",), github_type="hf_user_access_token"),
    Detector("huggingface-org-token", "Hugging Face", token(r"api_org_[A-Za-z0-9]{34}"), ("api_org_",),
             letters_mixed, "Hugging Face organization API token, legacy (api_org_ + 34)",
             "Hugging Face #7 (gitleaks huggingface)", after=35, fixed=("api_org_",),
             github_type="hf_org_api_key"),
    # LLM APIs without a prefix: the provider's name or variable must come first
    _ctx("cohere-api-key", "Cohere", ("cohere", "co_api_key"), r"[A-Za-z0-9]{40}", mixed_alnum,
         "Cohere API key (40 characters, no prefix) after a Cohere name",
         "Cohere #8 (gitleaks cohere-api-token)", 40, github_type="cohere_api_key"),
    _ctx("mistral-api-key", "Mistral AI", ("mistral",), r"[A-Za-z0-9]{32}", mixed_alnum,
         "Mistral AI API key (32 characters, no prefix) after a Mistral name",
         "Mistral AI #9 (betterleaks mistral-api-key)", 32, github_type="mistral_ai_api_key"),
    Detector("groq-api-key", "Groq", token(r"gsk_[A-Za-z0-9]{52}"), ("gsk_",), mixed_alnum,
             "Groq API key (gsk_ + 52)", "Groq #10 (trufflehog groq)", after=53, fixed=("gsk_",),
             github_type="groq_api_key"),
    _ctx("deepseek-api-key", "DeepSeek", ("deepseek",), r"sk-[a-f0-9]{32}", hex_mixed,
         "DeepSeek API key (sk- + 32 hex) after a DeepSeek name", "DeepSeek #11 (trufflehog, betterleaks)",
         35, fixed=("sk-",), github_type="deepseek_api_key"),
    Detector("xai-api-key", "xAI", token(r"xai-[A-Za-z0-9_-]{70,120}"), ("xai-",), mixed_alnum,
             "xAI (Grok) API key (xai- + 80)", "xAI #12 (trufflehog xai, betterleaks)", after=121,
             fixed=("xai-",), github_type="xai_api_key"),
    Detector("perplexity-api-key", "Perplexity", token(r"pplx-[A-Za-z0-9]{48}"), ("pplx-",), mixed_alnum,
             "Perplexity API key (pplx- + 48)", "Perplexity #13 (gitleaks perplexity-api-key)", after=49,
             fixed=("pplx-",), github_type="perplexity_api_key"),
    Detector("together-api-key", "Together AI", token(r"tgp_v1_[A-Za-z0-9_-]{43}"), ("tgp_v1_",), mixed_alnum,
             "Together AI API key (tgp_v1_ + 43)", "Together AI #14 (betterleaks togetherai-api-key)",
             after=44, fixed=("tgp_v1_",)),
    _ctx("together-legacy-key", "Together AI",
         ("together_api_key", "together-api-key", "togetherapikey", "together_key", "together("),
         r"[a-f0-9]{64}", hex_mixed, "Together AI API key, legacy format (64 hex) after its variable name",
         "Together AI #14 (Trusera ai-bom)", 64),
    _ctx("fireworks-api-key", "Fireworks AI", ("fireworks",), r"fw_[A-Za-z0-9]{20,64}", mixed_alnum,
         "Fireworks AI API key (fw_..., community-observed format) after a Fireworks name",
         "Fireworks AI #15 (Trusera ai-bom)", 67, fixed=("fw_",), anchor=r"fw_[A-Za-z0-9]{20}"),
    Detector("openrouter-api-key", "OpenRouter", token(r"sk-or-v1-[0-9a-f]{64}"), ("sk-or-v1-",), hex_mixed,
             "OpenRouter API key (sk-or-v1- + 64 hex)", "OpenRouter #16 (trufflehog, betterleaks)", after=65,
             fixed=("sk-or-v1-",), github_type="openrouter_api_key"),
    Detector("replicate-api-token", "Replicate", token(r"r8_[A-Za-z0-9]{37}"), ("r8_",), mixed_alnum,
             "Replicate API token (r8_ + 37)", "Replicate #17 (betterleaks, trufflehog)", after=38,
             fixed=("r8_",), github_type="replicate_api_token"),
    Detector("nvidia-api-key", "NVIDIA", token(r"nvapi-[A-Za-z0-9_-]{64}"), ("nvapi-",), mixed_alnum,
             "NVIDIA NIM / build.nvidia.com API key (nvapi- + 64)", "NVIDIA #18 (trufflehog nvapi)", after=65,
             fixed=("nvapi-",)),
    Detector("cerebras-api-key", "Cerebras", token(r"csk-[a-z0-9]{48}"), ("csk-",), alnum_digit,
             "Cerebras API key (csk- + 48)", "Cerebras #19 (betterleaks)", after=49, fixed=("csk-",)),
    _ctx("moonshot-api-key", "Moonshot AI (Kimi)", ("moonshot", "kimi"), r"sk-[A-Za-z0-9]{48}", mixed_alnum,
         "Moonshot / Kimi API key (sk- + 48) after a Moonshot or Kimi name", "Moonshot #20 (betterleaks kimi)",
         51, fixed=("sk-",)),
    Detector("minimax-api-key", "MiniMax", token(r"sk-api-[A-Za-z0-9_-]{119}"), ("sk-api-",), mixed_alnum,
             "MiniMax API key (sk-api- + 119)", "MiniMax #21 (betterleaks)", after=120, fixed=("sk-api-",)),
    _ctx("zhipu-api-key", "Z.ai (Zhipu GLM)", ("zhipu", "bigmodel", "z.ai", "zai_", "glm"),
         r"[a-f0-9]{32}\.[A-Za-z0-9]{16}", hex_mixed,
         "Z.ai / Zhipu GLM API key (32 hex . 16) after a Z.ai, Zhipu or GLM name", "Z.ai #22 (betterleaks)", 49),
    _ctx("upstage-api-key", "Upstage", ("upstage",), r"(?:up_)?[A-Za-z0-9]{40,50}", mixed_alnum,
         "Upstage API key after an Upstage name", "Upstage #23 (betterleaks)", 53, fixed=("up_",)),
    _ctx("ollama-api-key", "Ollama", ("ollama",), r"[a-f0-9]{32}\.[A-Za-z0-9_-]{24}", hex_mixed,
         "Ollama cloud API key (32 hex . 24) after an Ollama name", "Ollama #25 (betterleaks)", 57),
    _ctx("private-ai-api-key", "Private AI", ("private_ai", "privateai", "private-ai"), r"[a-z0-9]{32}",
         alnum_digit, "Private AI API key (32 characters) after a Private AI name",
         "Private AI #26 (gitleaks privateai-api-token)", 32),
    Detector("runpod-api-key", "RunPod", token(r"rpa_[A-Z0-9]{40}[A-Za-z0-9]{6}"), ("rpa_",), alnum_digit,
             "RunPod API key (rpa_ + 46)", "RunPod #27 (betterleaks)", after=47, fixed=("rpa_",),
             github_type="runpod_api_key"),
    Detector("databricks-token", "Databricks", token(r"dapi[a-f0-9]{32}(?:-[0-9])?"), ("dapi",), hex_mixed,
             "Databricks personal access token (dapi + 32 hex; Mosaic AI model serving)",
             "Databricks #28 (gitleaks databricks-api-token)", confidence="medium", after=35,
             fixed=("dapi",), github_type="databricks_access_token"),
    _ctx("clarifai-api-key", "Clarifai", ("clarifai",), r"[A-Za-z0-9]{32}", alnum_digit,
         "Clarifai API key or PAT (32 characters) after a Clarifai name", "Clarifai #29 (trufflehog clarifai)", 32),
    Detector("elevenlabs-api-key", "ElevenLabs", token(r"sk_[0-9a-f]{48}"), ("sk_",), hex_mixed,
             "ElevenLabs API key (sk_ + 48 hex)", "ElevenLabs #31 (trufflehog elevenlabs v2)",
             confidence="medium", after=49, fixed=("sk_",)),
    _ctx("elevenlabs-legacy-key", "ElevenLabs", ("elevenlabs", "xi-api-key", "xi_api_key"), r"[a-f0-9]{32}",
         hex_mixed, "ElevenLabs API key, legacy format (32 hex) after an ElevenLabs name",
         "ElevenLabs #31 (trufflehog elevenlabs v1)", 32),
    _ctx("stability-api-key", "Stability AI", ("stability",), r"sk-[A-Za-z0-9]{48}", mixed_alnum,
         "Stability AI API key (sk- + 48) after a Stability name", "Stability AI #32 (betterleaks)", 51,
         fixed=("sk-",)),
    _ctx("assemblyai-api-key", "AssemblyAI", ("assemblyai", "assembly_ai"), r"[a-z0-9]{32}", alnum_digit,
         "AssemblyAI API key (32 characters) after an AssemblyAI name", "AssemblyAI #33 (betterleaks)", 32),
    _ctx("deepgram-api-key", "Deepgram", ("deepgram",), r"[a-f0-9]{40}", hex_mixed,
         "Deepgram API key (40 hex) after a Deepgram name", "Deepgram #34 (betterleaks, trufflehog)", 40),
    Detector("pinecone-api-key", "Pinecone", token(r"pcsk_[A-Za-z0-9]{5,6}_[A-Za-z0-9]{63}"), ("pcsk_",),
             mixed_alnum, "Pinecone API key (pcsk_ + label + 63)", "Pinecone #36 (trufflehog pinecone)",
             after=71, fixed=("pcsk_",)),
    _ctx("pinecone-legacy-key", "Pinecone",
         ("pinecone_api_key", "pinecone-api-key", "pinecone_key", "pinecone(api_key", "pinecone.init("),
         r"[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}", hex_mixed,
         "Pinecone API key, legacy format (a UUID) after a Pinecone key name",
         "Pinecone #36 (betterleaks pinecone-api-key.1)", 36),
    Detector("jina-api-key", "Jina AI", token(r"jina_[A-Za-z0-9]{60}"), ("jina_",), mixed_alnum,
             "Jina AI API key (jina_ + 60)", "Jina AI #37 (noseyparker jina)", after=61, fixed=("jina_",)),
    Detector("tavily-api-key", "Tavily", token(r"tvly-(?:dev-|prod-)?[A-Za-z0-9]{32}"), ("tvly-",), mixed_alnum,
             "Tavily search API key (tvly- + 32)", "Tavily #38 (noseyparker tavily)", after=38,
             fixed=("tvly-", "dev-", "prod-")),
    Detector("firecrawl-api-key", "Firecrawl", token(r"fc-[a-f0-9]{32}"), ("fc-",), hex_mixed,
             "Firecrawl API key (fc- + 32 hex)", "Firecrawl #39 (noseyparker firecrawl)", confidence="medium",
             after=33, fixed=("fc-",)),
    _ctx("voyage-api-key", "Voyage AI", ("voyage",), r"pa-[A-Za-z0-9_-]{43}", mixed_alnum,
         "Voyage AI API key (pa- + 43, community-observed format) after a Voyage name",
         "Voyage AI #40", 46, fixed=("pa-",)),
    Detector("wandb-api-key", "Weights & Biases", token(r"wandb_v1_[A-Za-z0-9_]{77}"), ("wandb_v1_",),
             mixed_alnum, "Weights & Biases API key (wandb_v1_ + 77)", "Weights & Biases #41 (betterleaks)",
             after=78, fixed=("wandb_v1_",), github_type="wandb_api_key"),
    _ctx("wandb-legacy-key", "Weights & Biases",
         ("wandb_api_key", "wandb-api-key", "wandb_key", "wandb.login(", "wandb login"),
         r"[a-f0-9]{40}", hex_mixed, "Weights & Biases API key, legacy format (40 hex) after a W&B key name",
         "Weights & Biases #41 (trufflehog weightsandbiases)", 40, github_type="wandb_api_key"),
    Detector("langsmith-api-key", "LangSmith", token(r"lsv2_(?:pt|sk)_[0-9a-f]{32}_[0-9a-f]{10}"), ("lsv2_",),
             hex_mixed, "LangSmith personal or service key (lsv2_pt_ / lsv2_sk_)",
             "LangSmith #42 (trufflehog langsmith)", after=50, fixed=("lsv2_pt_", "lsv2_sk_"),
             github_type="langchain_api_personal_key"),
    Detector("langfuse-secret-key", "Langfuse",
             token(r"sk-lf-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), ("sk-lf-",), hex_mixed,
             "Langfuse secret key (sk-lf- + UUID)", "Langfuse #43 (trufflehog langfuse)", after=37,
             fixed=("sk-lf-",)),
    _ctx("braintrust-api-key", "Braintrust", ("braintrust",), r"sk-[A-Za-z0-9]{48}", mixed_alnum,
         "Braintrust API key (sk- + 48) after a Braintrust name", "Braintrust, section 1.2 (trufflehog braintrust)",
         51, fixed=("sk-",)),
    Detector("sourcegraph-cody-token", "Sourcegraph Cody", token(r"slk_[a-f0-9]{64}"), ("slk_",), hex_mixed,
             "Sourcegraph Cody gateway token (slk_ + 64 hex)", "Sourcegraph Cody, section 1.2 (trufflehog)",
             after=65, fixed=("slk_",)),
    _ctx("cursor-api-key", "Cursor", ("cursor_api_key", "cursor-api-key", "cursor_key"), r"key_[0-9a-f]{64}",
         hex_mixed, "Cursor API key (key_ + 64 hex) after a Cursor key name", "Cursor, section 1.2 (betterleaks)",
         68, fixed=("key_",)),
    Detector("voiceflow-api-key", "Voiceflow", token(r"VF\.(?:DM|WS)\.[a-fA-F0-9]{24}\.[a-zA-Z0-9]{16}"),
             ("vf.",), hex_mixed, "Voiceflow API key (VF.DM. / VF.WS.)",
             "Voiceflow, section 1.2 (trufflehog voiceflow)", after=50, fixed=("VF.DM.", "VF.WS."),
             anchor=r"VF\.(?:DM|WS)\."),
)

DETECTOR_BY_ID: dict[str, Detector] = {d.id: d for d in DETECTORS}
