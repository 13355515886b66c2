"""What the inventory lists: plain records, each with the file and line it came from."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Package:
    ecosystem: str  # pypi | npm | conda
    name: str  # PEP 503 normalised for PyPI; as written for npm and conda
    version: str  # the exact version when pinned or locked, else ""
    specifier: str  # the constraint as written (">=2.1", "^1.0"; "" when none)
    file: str  # scan-root relative, POSIX separators
    line: int  # 1-based
    source: str  # requirements | pyproject | poetry.lock | package.json | dockerfile | ...
    scope: str = ""  # "", "dev", "optional:gpu", "constraint", "build"...
    declared: str = ""  # the name as written
    category: str = ""  # catalogue category; "" when the package is not an AI package
    pypi_name: str = ""  # for a conda package: its PyPI distribution


@dataclass(frozen=True)
class IndexUrl:
    url: str
    extra: bool  # an additional index (pip --extra-index-url), searched together with PyPI
    file: str
    line: int
    source: str


@dataclass(frozen=True)
class Image:
    reference: str  # as written: registry/repository:tag@digest
    repository: str  # without tag and digest
    tag: str
    digest: str
    category: str  # sagemaker, vertex-ai, azure-ml, huggingface-tgi, vllm, triton, ...
    file: str
    line: int
    source: str  # dockerfile | terraform | cloudformation | python | text ...
    resource: str = ""  # the IaC resource that names it, with the attribute


@dataclass(frozen=True)
class ModelRef:
    provider: str  # huggingface | bedrock | sagemaker-jumpstart | sagemaker-artifact | azure-openai | ollama
    name: str  # "org/model", "anthropic.claude-3-haiku-20240307-v1:0", "s3://..."
    version: str  # a revision, model version or ""
    file: str
    line: int
    source: str  # python | dockerfile | terraform | ... | env
    context: str = ""  # from_pretrained, pipeline, HF_MODEL_ID, foundation_model, model.name ...
    task: str = ""  # a pipeline task when the code says it
    resource: str = ""  # the IaC resource that names it


@dataclass(frozen=True)
class ModelFile:
    file: str
    format: str
    serialization: str  # pickle | safe | other
    size: int
    sha256: str = ""  # only for files small enough to hash cheaply
    dangerous: tuple[str, ...] = ()  # globals that run code when loaded
    unverified: tuple[str, ...] = ()  # other globals the loader would import
    lambda_layers: tuple[str, ...] = ()
    template_markers: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    metadata: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class CloudResource:
    kind: str  # canonical kind (analyzer.kinds)
    title: str
    native_type: str
    framework: str
    address: str
    file: str
    line: int
    provider: str  # aws | azure | gcp
    findings: tuple[tuple[str, int], ...]  # (severity label, count of failing rules), critical first
    rules: tuple[str, ...]  # the failing rule ids
    exposure: str  # public | private | unknown
    exposure_reason: str = ""


@dataclass
class Inventory:
    root: str
    resources: list[CloudResource] = field(default_factory=list)
    packages: list[Package] = field(default_factory=list)  # AI packages only
    images: list[Image] = field(default_factory=list)
    models: list[ModelRef] = field(default_factory=list)
    model_files: list[ModelFile] = field(default_factory=list)
    indexes: list[IndexUrl] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
