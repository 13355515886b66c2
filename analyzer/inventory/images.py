"""AI container images: which references are AI images, as a table of patterns (research 2.5)."""
from __future__ import annotations

import re

# SageMaker and Deep Learning Containers: an ECR registry of AWS's accounts and one of these repositories
_SAGEMAKER_REPOSITORIES = (
    r"(?:pytorch|tensorflow|mxnet|huggingface-pytorch|huggingface-tensorflow|huggingface-pytorch-tgi|"
    r"huggingface-pytorch-trcomp|huggingface-tei|autogluon|stabilityai-pytorch|djl-inference|djl-lmi|"
    r"sagemaker-tritonserver|sagemaker-xgboost|sagemaker-scikit-learn|sagemaker-sparkml-serving|"
    r"sagemaker-model-monitor-analyzer|sagemaker-clarify-processing|sagemaker-inference-pytorch|"
    r"xgboost|blazingtext|kmeans|linear-learner|factorization-machines|image-classification|"
    r"object-detection|semantic-segmentation|forecasting-deepar|ntm|lda|pca|randomcutforest|knn|ipinsights|"
    r"object2vec|seq2seq|sagemaker-base-python|sagemaker-distribution|sagemaker-data-science|"
    r"sagemaker-geospatial|tei|tgi-inference)[a-z0-9-]*")
_ECR = r"\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?"

# (category, pattern of the repository part, anchored; the tag or digest follows)
IMAGE_PATTERNS: tuple[tuple[str, str], ...] = (
    ("sagemaker", _ECR + "/" + _SAGEMAKER_REPOSITORIES),
    ("vertex-ai", r"(?:[a-z0-9-]+-)?docker\.pkg\.dev/(?:vertex-ai|vertex-ai-restricted|deeplearning-platform-release|"
                  r"cloud-aiplatform)/[a-z0-9._/-]+"),
    ("vertex-ai", r"(?:[a-z]+\.)?gcr\.io/(?:cloud-aiplatform|deeplearning-platform-release|vertex-ai)/[a-z0-9._/-]+"),
    ("azure-ml", r"mcr\.microsoft\.com/(?:azureml|aifx)/[a-z0-9._/-]+"),
    ("huggingface-tgi", r"ghcr\.io/huggingface/text-generation-inference"),
    ("huggingface-tei", r"ghcr\.io/huggingface/text-embeddings-inference"),
    ("huggingface", r"(?:docker\.io/)?huggingface/[a-z0-9._-]+"),
    ("vllm", r"(?:docker\.io/)?vllm/vllm-[a-z0-9-]+"),
    ("triton", r"nvcr\.io/nvidia/tritonserver"),
    ("nvidia-nim", r"nvcr\.io/nim/[a-z0-9._/-]+"),
    ("nvidia", r"nvcr\.io/nvidia/(?:pytorch|tensorflow|tensorrt|tensorrt-llm|nemo|cuda-dl-base|dali)"),
    ("ollama", r"(?:docker\.io/)?ollama/ollama"),
    ("sglang", r"(?:docker\.io/)?lmsysorg/sglang"),
    ("llama-cpp", r"ghcr\.io/ggerganov/llama\.cpp|ghcr\.io/ggml-org/llama\.cpp"),
    ("localai", r"(?:docker\.io/|quay\.io/)?(?:localai|go-skynet)/local-?ai"),
    ("pytorch", r"(?:docker\.io/)?pytorch/(?:pytorch|torchserve)"),
    ("tensorflow", r"(?:docker\.io/)?tensorflow/(?:tensorflow|serving)"),
    ("mlflow", r"(?:ghcr\.io/mlflow/mlflow|(?:docker\.io/)?mlflow/mlflow)"),
    ("ray", r"(?:docker\.io/)?rayproject/ray-ml"),
    ("jupyter", r"(?:docker\.io/|quay\.io/)?jupyter/(?:datascience|scipy|tensorflow|pytorch)-notebook"),
    ("vector-db", r"(?:docker\.io/)?(?:chromadb/chroma|qdrant/qdrant|semitechnologies/weaviate|milvusdb/milvus|"
                  r"pgvector/pgvector)"),
    ("kserve", r"(?:docker\.io/)?kserve/[a-z0-9-]+server"),
    ("bentoml", r"(?:docker\.io/)?bentoml/[a-z0-9._-]+"),
)
_TAIL = r"(?::(?P<tag>[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?(?:@(?P<digest>sha256:[a-f0-9]{64}))?"
_COMPILED = tuple((category, re.compile(r"(?P<repo>" + pattern + r")" + _TAIL + r"(?![A-Za-z0-9_./:-])"))
                  for category, pattern in IMAGE_PATTERNS)
# anywhere in a line of text: the same patterns, not inside a longer word
_SEARCH = tuple((category, re.compile(r"(?<![A-Za-z0-9_./-])(?P<repo>" + pattern + r")" + _TAIL
                                      + r"(?![A-Za-z0-9_./:-])"))
                for category, pattern in IMAGE_PATTERNS)


def classify_image(reference: str) -> tuple[str, str, str, str] | None:
    """(category, repository, tag, digest) when the whole reference is an AI image, else None."""
    text = reference.strip()
    for category, pattern in _COMPILED:
        match = pattern.fullmatch(text)
        if match:
            return category, match.group("repo"), match.group("tag") or "", match.group("digest") or ""
    return None


def find_images(line: str) -> list[tuple[str, str, str, str, str]]:
    """Every AI image reference in a line of text: (reference, category, repository, tag, digest)."""
    if "/" not in line:
        return []
    found = []
    taken: list[tuple[int, int]] = []
    for category, pattern in _SEARCH:
        for match in pattern.finditer(line):
            if any(start <= match.start() < end for start, end in taken):
                continue
            taken.append(match.span())
            found.append((match.group(0), category, match.group("repo"), match.group("tag") or "",
                          match.group("digest") or ""))
    return found


def split_reference(reference: str) -> tuple[str, str, str]:
    """(repository, tag, digest) of any image reference."""
    digest = ""
    if "@" in reference:
        reference, digest = reference.split("@", 1)
    tag = ""
    last = reference.rsplit("/", 1)[-1]
    if ":" in last:
        reference, tag = reference.rsplit(":", 1)
    return reference, tag, digest


__all__ = ["classify_image", "find_images", "split_reference", "IMAGE_PATTERNS"]
