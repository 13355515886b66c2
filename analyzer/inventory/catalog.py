"""The AI package catalogue, as data (research/secrets-aibom-pii.md section 2.2 and 2.3).

Names are PEP 503 normalised for PyPI (`normalize`); npm names are compared exactly (scoped names
are distinct packages). A name is AI only when it is in these tables: matching on words ("gpt",
"llm") would list unrelated packages.
"""
from __future__ import annotations

import re

FRAMEWORK = "deep-learning"
HUB = "model-hub-nlp"
LLM_SDK = "llm-sdk"
ORCHESTRATION = "orchestration"
VECTOR = "vector-db"
SERVING = "serving"
MLOPS = "mlops"
CLASSICAL = "classical-ml"
SAFETY = "safety-eval"
SERIALIZATION = "serialization"


def _table(category: str, names: str) -> dict[str, str]:
    return {name: category for name in names.split()}


# PyPI distribution (normalised) -> category
PYPI: dict[str, str] = {
    **_table(FRAMEWORK, """
        torch torchvision torchaudio tensorflow tensorflow-cpu tensorflow-gpu tensorflow-intel keras tf-keras
        keras-hub keras-nlp keras-cv jax jaxlib flax optax paddlepaddle mxnet mlx mlx-lm onnx onnxruntime
        onnxruntime-gpu onnxruntime-genai tensorrt tensorrt-llm openvino coremltools tflite-runtime
        ai-edge-litert mediapipe triton pytorch-lightning lightning accelerate deepspeed megatron-core torchao
        peft trl bitsandbytes xformers flash-attn unsloth torchtune axolotl auto-gptq autoawq exllamav2
        ctranslate2 timm ultralytics opencv-python opencv-python-headless easyocr torch-geometric dgl fastai"""),
    **_table(HUB, """
        transformers huggingface-hub diffusers datasets evaluate optimum tokenizers safetensors sentencepiece
        tiktoken sentence-transformers fastembed spacy nltk gensim stanza flair gliner openai-whisper
        faster-whisper tensorflow-hub torchtext"""),
    **_table(LLM_SDK, """
        openai openai-agents openai-harmony anthropic google-genai google-generativeai google-cloud-aiplatform
        vertexai aws-bedrock-token-generator sagemaker sagemaker-core azure-ai-inference azure-ai-projects
        azure-ai-textanalytics azure-cognitiveservices-speech azure-ai-ml azureml-core mistralai cohere groq
        together fireworks-ai replicate xai-sdk voyageai ai21 ollama litellm ibm-watsonx-ai
        snowflake-ml-python"""),
    **_table(ORCHESTRATION, """
        langchain langchain-core langchain-community langchain-text-splitters langchain-openai
        langchain-anthropic langchain-google-genai langchain-google-vertexai langchain-aws
        langchain-huggingface langchain-mistralai langchain-groq langchain-ollama langgraph llama-index
        llama-index-core llama-index-llms-openai llama-parse haystack-ai farm-haystack semantic-kernel
        pyautogen autogen-agentchat ag2 crewai dspy dspy-ai pydantic-ai instructor guidance smolagents agno
        mem0ai letta camel-ai browser-use e2b mcp llama-stack unstructured firecrawl-py tavily-python
        exa-py"""),
    **_table(VECTOR, """
        pinecone pinecone-client chromadb weaviate-client qdrant-client faiss-cpu faiss-gpu pymilvus lancedb
        pgvector redisvl pyvespa txtai marqo"""),
    **_table(SERVING, """
        vllm sglang text-generation llama-cpp-python ctransformers gpt4all bentoml ray torchserve
        tritonclient mlserver kserve seldon-core gradio streamlit"""),
    **_table(MLOPS, """
        mlflow mlflow-skinny wandb weave kfp clearml comet-ml neptune dvc optuna hyperopt feast evidently
        langsmith langfuse arize-phoenix traceloop-sdk opentelemetry-instrumentation-openai promptlayer
        nemo-toolkit"""),
    **_table(CLASSICAL, """
        scikit-learn xgboost xgboost-cpu lightgbm catboost statsmodels prophet autogluon h2o pycaret"""),
    **_table(SERIALIZATION, "joblib cloudpickle dill skops"),
    **_table(SAFETY, """
        guardrails-ai nemoguardrails llm-guard presidio-analyzer presidio-anonymizer ragas deepeval
        trulens trulens-eval giskard garak pyrit modelscan picklescan fickling modelaudit"""),
}

# npm package -> category (exact names; scoped packages are distinct)
NPM: dict[str, str] = {
    **_table(FRAMEWORK, """
        @tensorflow/tfjs @tensorflow/tfjs-node onnxruntime-node onnxruntime-web @mediapipe/tasks-vision"""),
    **_table(HUB, """
        @huggingface/transformers @xenova/transformers @huggingface/hub @huggingface/inference tiktoken
        js-tiktoken"""),
    **_table(LLM_SDK, """
        openai @openai/agents @anthropic-ai/sdk @anthropic-ai/claude-agent-sdk @google/genai
        @google/generative-ai @google-cloud/vertexai @aws-sdk/client-bedrock-runtime
        @aws-sdk/client-bedrock-agent-runtime @aws-sdk/client-sagemaker-runtime @azure/openai
        @azure-rest/ai-inference @mistralai/mistralai cohere-ai groq-sdk together-ai replicate ollama ai
        @ai-sdk/openai @ai-sdk/anthropic @ai-sdk/google @fal-ai/client @elevenlabs/elevenlabs-js"""),
    **_table(ORCHESTRATION, """
        langchain @langchain/core @langchain/community @langchain/openai @langchain/anthropic
        @langchain/langgraph llamaindex @mastra/core @modelcontextprotocol/sdk"""),
    **_table(VECTOR, """
        @pinecone-database/pinecone chromadb weaviate-client weaviate-ts-client @qdrant/js-client-rest
        @zilliz/milvus2-sdk-node"""),
    **_table(SERVING, "node-llama-cpp"),
}

# conda package -> PyPI distribution, where the names differ (research 2.1)
CONDA_TO_PYPI: dict[str, str] = {
    "pytorch": "torch", "pytorch-cpu": "torch", "pytorch-gpu": "torch", "py-xgboost": "xgboost",
    "opencv": "opencv-python", "libfaiss": "faiss-cpu", "faiss": "faiss-cpu", "tensorflow-gpu": "tensorflow",
    "huggingface_hub": "huggingface-hub",
}

# Python import name -> PyPI distribution, where they differ (for `import` lines in notebooks)
IMPORT_TO_PYPI: dict[str, str] = {
    "sklearn": "scikit-learn", "cv2": "opencv-python", "llama_index": "llama-index",
    "semantic_kernel": "semantic-kernel", "autogen": "pyautogen", "faiss": "faiss-cpu",
    "whisper": "openai-whisper", "weaviate": "weaviate-client", "qdrant_client": "qdrant-client",
    "sentence_transformers": "sentence-transformers", "huggingface_hub": "huggingface-hub",
    "llama_cpp": "llama-cpp-python", "vertexai": "google-cloud-aiplatform",
}

# Names that are placeholders, stubs or deprecated aliases of an AI package -> what to use instead
PLACEHOLDERS: dict[str, tuple[str, str]] = {
    "pytorch": ("torch", "a PyPI placeholder that fails to install"),
    "sklearn": ("scikit-learn", "a deprecated PyPI stub"),
    "tensorflow-gpu": ("tensorflow", "removed from PyPI (\"please install tensorflow\")"),
    "huggingface": ("huggingface-hub", "a 0.0.1 placeholder"),
    "claude-sdk": ("anthropic", "\"a placeholder for the Claude SDK\""),
    "pinecone-client": ("pinecone", "deprecated and renamed"),
    "vertexai": ("google-cloud-aiplatform", "a shim over google-cloud-aiplatform"),
}

# Look-alikes of AI packages found on PyPI (research 2.3) -> the package they imitate
LOOKALIKES: dict[str, str] = {
    "langchian": "langchain", "openai-sdk": "openai", "openaiapi": "openai", "claude-api": "anthropic",
    "langchain-ai": "langchain", "pinecone-io": "pinecone", "gpt4": "openai", "chatgpt": "openai",
    # spaCy pipelines are not published on PyPI by Explosion: a public upload is dependency confusion
    "en-core-web-trf": "spacy", "en-core-sci-md": "spacy",
}

# Known malicious AI-adjacent packages -> what happened
MALICIOUS: dict[str, str] = {
    "torchtriton": "the December 2022 dependency-confusion package that shadowed PyTorch nightly's "
                   "dependency and sent ~/.ssh and environment variables to its author",
}

# Unrelated packages with AI-sounding names (never listed as AI), and popular packages one or two
# edits from an AI name: never reported as typosquats.
NOT_AI: frozenset[str] = frozenset("""
    whisper mistral gemini chroma haystack vespa jina dataset wand openapi torchx tensorboard keras-tuner
    datasette evaluator trytond rays optimus feather flask trio lightning-utilities tokenize-rt
    faiss ray-ml onnxconverter-common transformer-engine
    """.split())


def normalize(name: str) -> str:
    """PEP 503: lower case, runs of `-`, `_`, `.` as one `-`."""
    return re.sub(r"[-_.]+", "-", name).lower()


def pypi_category(name: str) -> str:
    return PYPI.get(normalize(name), "")


def npm_category(name: str) -> str:
    return NPM.get(name, NPM.get(name.lower(), ""))


def damerau(a: str, b: str, limit: int = 2) -> int:
    """Optimal-string-alignment distance, stopped early above `limit` (returns limit + 1)."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def typosquat_of(name: str, ecosystem: str = "pypi") -> str:
    """The catalogue name `name` is one or two edits from, when `name` is not itself known; "".
    Short names give too many neighbours: one edit needs five letters, two edits nine."""
    table = NPM if ecosystem == "npm" else PYPI
    key = name if ecosystem == "npm" else normalize(name)
    if (key in table or key in NOT_AI or key in PLACEHOLDERS or key in LOOKALIKES or key in MALICIOUS
            or key.startswith("@")):
        return ""
    for known in table:
        if known.startswith("@") or len(known) < 5:
            continue
        allowed = 2 if len(known) >= 9 else 1
        # a known name plus a suffix is usually a plugin of it (langchain-xyz), not a squat
        if key.startswith(known + "-") or known.startswith(key + "-"):
            continue
        if damerau(key, known, allowed) <= allowed:
            return known
    return ""


__all__ = ["PYPI", "NPM", "CONDA_TO_PYPI", "IMPORT_TO_PYPI", "PLACEHOLDERS", "LOOKALIKES", "MALICIOUS",
           "NOT_AI", "normalize", "pypi_category", "npm_category", "damerau", "typosquat_of"]
