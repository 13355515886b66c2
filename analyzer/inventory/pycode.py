"""Python source read with `ast` (never imported, never run): the models it names (hub ids,
Bedrock ids, SageMaker artifacts and JumpStart ids), the AI images it names, and the calls that
load untrusted code (`trust_remote_code=True`, `torch.load` without `weights_only=True`)."""
from __future__ import annotations

import ast
import warnings
from dataclasses import dataclass, field

from analyzer.inventory import images, models
from analyzer.inventory.items import Image, ModelRef

# call name -> keywords that hold a hub model id (the first positional argument counts too)
HF_CALLS: dict[str, tuple[str, ...]] = {
    "from_pretrained": ("pretrained_model_name_or_path", "model_id", "repo_id"),
    "pipeline": ("model",),
    "SentenceTransformer": ("model_name_or_path", "model_name"),
    "CrossEncoder": ("model_name_or_path", "model_name"),
    "hf_hub_download": ("repo_id",),
    "snapshot_download": ("repo_id",),
    "HuggingFaceEmbeddings": ("model_name",),
    "HuggingFaceEndpoint": ("repo_id",),
    "HuggingFacePipeline.from_model_id": ("model_id",),
    "from_model_id": ("model_id",),
    "InferenceClient": ("model",),
}
# the positional argument that is the model, when it is not the first (pipeline's first is the task)
_POSITIONAL = {"pipeline": None, "InferenceClient": 0}
JUMPSTART_CALLS = frozenset({"JumpStartModel", "JumpStartEstimator"})
ARTIFACT_KEYWORDS = frozenset({"model_data", "model_data_url", "model_uri", "artifact_uri"})


@dataclass
class CodeIssue:
    rule: str  # "trust-remote-code" | "torch-load"
    line: int
    col: int  # 0-based UTF-8 byte column, as ast gives it
    end_line: int
    end_col: int
    detail: str  # for the message


@dataclass
class PythonFound:
    models: list[ModelRef] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    issues: list[CodeIssue] = field(default_factory=list)
    parsed: bool = True


def _name(func: ast.AST) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _string(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def read_python(path: str, text: str) -> PythonFound:
    found = PythonFound()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escape sequences: the user's, not a finding of ours
            tree = ast.parse(text)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        found.parsed = False
        return found
    torch_names, load_names = {"torch"}, set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "torch":
                    torch_names.add(alias.asname or "torch")
        elif isinstance(node, ast.ImportFrom) and node.module == "torch":
            for alias in node.names:
                if alias.name == "load":
                    load_names.add(alias.asname or "load")
    seen: set[tuple[str, str, int]] = set()

    def model(provider: str, name: str, version: str, node: ast.AST, context: str, task: str = "") -> None:
        key = (provider, name, node.lineno)
        if key not in seen:
            seen.add(key)
            found.models.append(ModelRef(provider, name, version, path, node.lineno, "python", context, task))

    try:
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                _call(node, path, found, model, torch_names, load_names)
            elif isinstance(node, ast.Dict):
                for key, value in zip(node.keys, node.values):
                    _env(_string(key), value, model)
            elif isinstance(node, ast.Assign) and len(node.targets) == 1:
                target = node.targets[0]
                if isinstance(target, ast.Subscript):  # os.environ["HF_MODEL_ID"] = "org/model"
                    _env(_string(target.slice), node.value, model)
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and len(node.value) < 512:
                _constant(node, path, found, model)
    except RecursionError:
        pass
    return found


def _env(key: str | None, value: ast.AST, model) -> None:
    text = _string(value)
    if key in models.MODEL_ENV and text and models.is_hf_id(text):
        base, revision = models.hf_version(text)
        model("huggingface", base, revision, value, key)


def _constant(node: ast.Constant, path: str, found: PythonFound, model) -> None:
    text = node.value.strip()
    bedrock = models.bedrock_model(text)
    if bedrock:
        model("bedrock", bedrock, "", node, "string")
        return
    if "/" in text:
        for reference, category, repository, tag, digest in images.find_images(text):
            if reference == text:
                found.images.append(Image(reference, repository, tag, digest, category, path, node.lineno, "python"))


def _call(node: ast.Call, path: str, found: PythonFound, model, torch_names: set, load_names: set) -> None:
    func = node.func
    name = _name(func)
    keywords = {k.arg: k.value for k in node.keywords if k.arg}
    splat = any(k.arg is None for k in node.keywords)
    for keyword in node.keywords:
        if keyword.arg == "trust_remote_code" and isinstance(keyword.value, ast.Constant) and keyword.value.value is True:
            found.issues.append(CodeIssue("trust-remote-code", keyword.value.lineno, keyword.value.col_offset,
                                          keyword.value.end_lineno or keyword.value.lineno,
                                          keyword.value.end_col_offset or 0, f"{name or 'a call'}(..., trust_remote_code=True)"))
        if keyword.arg in ARTIFACT_KEYWORDS:
            text = _string(keyword.value)
            if text and text.startswith(("s3://", "gs://", "https://")):
                model("sagemaker-artifact" if text.startswith("s3://") else "artifact", text, "", keyword.value,
                      keyword.arg)
    is_torch_load = (isinstance(func, ast.Attribute) and func.attr == "load" and isinstance(func.value, ast.Name)
                     and func.value.id in torch_names) or (isinstance(func, ast.Name) and func.id in load_names)
    if is_torch_load and not splat:
        weights = keywords.get("weights_only")
        if weights is None or (isinstance(weights, ast.Constant) and weights.value is False):
            detail = "weights_only=False" if weights is not None else "no weights_only=True"
            anchor = weights if weights is not None else node
            found.issues.append(CodeIssue("torch-load", anchor.lineno, anchor.col_offset,
                                          anchor.end_lineno or anchor.lineno, anchor.end_col_offset or 0, detail))
    if name in JUMPSTART_CALLS:
        text = _string(keywords.get("model_id")) or (_string(node.args[0]) if node.args else None)
        if text:
            version = _string(keywords.get("model_version")) or ""
            model("sagemaker-jumpstart", text, "" if version == "*" else version, node, name)
        return
    full = name
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        full = f"{func.value.id}.{func.attr}"
    spec = HF_CALLS.get(full) or HF_CALLS.get(name)
    if spec is None:
        return
    position = _POSITIONAL.get(name, 0)
    value = next((keywords[k] for k in spec if k in keywords), None)
    if value is None and position is not None and len(node.args) > position:
        value = node.args[position]
    text = _string(value)
    if not text or text.startswith((".", "/", "~")) or not models.is_hf_id(models.hf_version(text)[0], bare=True):
        return
    base, revision = models.hf_version(text)
    revision = _string(keywords.get("revision")) or revision
    task = ""
    if name == "pipeline":
        task = _string(keywords.get("task")) or (_string(node.args[0]) if node.args else None) or ""
    model("huggingface", base, revision, value, name, task)


__all__ = ["read_python", "PythonFound", "CodeIssue"]
