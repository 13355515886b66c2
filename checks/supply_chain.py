"""AI supply chain (AIP6xx): model files whose loading runs code, code that loads untrusted
models, and dependency declarations open to confusion or typosquatting. Reported per file by
analyzer.inventory.findings.supply_chain_findings (model files by magic bytes and extension,
Python by `ast`, dependency files by their own readers), not by a resource rule."""
from __future__ import annotations

from analyzer.check import Check, Severity

CWE = "cwe"
OWASP_LLM = "owasp-llm"
OWASP_ML = "owasp-ml"
_PICKLE_REFS = ("https://docs.python.org/3/library/pickle.html",
                "https://huggingface.co/docs/hub/security-pickle",
                "https://github.com/mmaitre314/picklescan")
_DEPENDENCY_REFS = ("https://owasp.org/www-project-top-10-for-large-language-model-applications/",
                    "https://pytorch.org/blog/compromised-nightly-dependency/")


def _reported_by_the_file_scanner(resource, context):
    return ()  # found in files (analyzer.inventory.findings), never on a cloud resource


def _rule(id: str, name: str, title: str, severity: Severity, description: str, references: tuple[str, ...],
          cwe: str, llm: str = "LLM03") -> Check:
    return Check(id=id, name=name, title=title, severity=severity, kinds=(), rule=_reported_by_the_file_scanner,
                 description=description, references=references,
                 compliance={CWE: (cwe,), OWASP_LLM: (llm,), OWASP_ML: ("ML06",)})


PICKLE_DANGEROUS = _rule(
    "AIP600", "model-file-pickle-code-execution", "Model files do not run commands or code when loaded",
    Severity.CRITICAL,
    "A pickle-based model file (.pkl, .pt, .pth, .bin, .ckpt, .joblib, a zip-packed PyTorch checkpoint "
    "or a NumPy object array) imports a callable that runs commands or code, or reads and writes "
    "files, the moment it is loaded (os.system, subprocess, builtins.eval/exec, runpy, shutil...). "
    "This is how malicious models on public hubs work. Delete the file and find where it came from; "
    "publish and load weights as safetensors.", _PICKLE_REFS, "CWE-502", "LLM05")

PICKLE_UNVERIFIED = _rule(
    "AIP601", "model-file-pickle-unverified-imports", "Pickle-based model files import only tensors and plain data",
    Severity.HIGH,
    "A pickle-based model file imports classes or functions beyond tensors, arrays and plain "
    "containers (a whole nn.Module, a scikit-learn estimator, a custom class). Loading it runs those "
    "classes' code with whatever state the file gives them, so the file is only as safe as its "
    "origin. Save weights only (state_dict) as safetensors, or scikit-learn models with skops.",
    _PICKLE_REFS, "CWE-502")

KERAS_LAMBDA = _rule(
    "AIP602", "keras-lambda-layer", "Keras models have no Lambda layers", Severity.HIGH,
    "A Keras model (.keras config.json or .h5 model_config) has a Lambda layer: its Python code is "
    "serialized in the file and runs when the model is loaded (Keras 3 refuses it unless "
    "safe_mode=False). Replace the Lambda with a registered custom layer whose code lives in your "
    "repository.", ("https://keras.io/api/models/model_saving_apis/model_saving_and_loading/",), "CWE-94")

GGUF_TEMPLATE = _rule(
    "AIP603", "gguf-chat-template-code", "GGUF chat templates do not reach Python internals", Severity.MEDIUM,
    "A GGUF model's chat template (Jinja) reaches attributes such as __class__, __globals__ or "
    "__subclasses__, or names os or subprocess: the template-injection pattern behind remote code "
    "execution in llama-cpp-python, vLLM and SGLang when templates are rendered without a sandbox. "
    "Use the model's published template.", ("https://github.com/ggerganov/ggml/blob/master/docs/gguf.md",),
    "CWE-1336")

NUMPY_OBJECTS = _rule(
    "AIP604", "numpy-object-array", "NumPy files hold plain arrays, not pickled objects", Severity.MEDIUM,
    "A .npy file (or a member of an .npz) stores an object array: its payload is a pickle, loaded only "
    "with allow_pickle=True, which runs whatever the pickle imports. Store numeric arrays.",
    ("https://numpy.org/doc/stable/reference/generated/numpy.load.html",), "CWE-502")

TRUST_REMOTE_CODE = _rule(
    "AIP610", "hf-trust-remote-code", "Hugging Face models are loaded without trust_remote_code", Severity.HIGH,
    "`trust_remote_code=True` downloads and runs Python from the model's hub repository on every load; "
    "whoever controls that repository (or takes over its namespace) runs code in your process. Use a "
    "model architecture your transformers version ships, or vendor the reviewed code and pin `revision`.",
    ("https://huggingface.co/docs/transformers/models#custom-models",), "CWE-94")

TORCH_LOAD = _rule(
    "AIP611", "torch-load-unsafe", "torch.load is called with weights_only=True", Severity.HIGH,
    "`torch.load` without `weights_only=True` unpickles the checkpoint with the full pickle machinery, "
    "so a crafted checkpoint runs code (PyTorch before 2.6 defaults to that; `weights_only=False` asks "
    "for it on every version). Pass weights_only=True, or load safetensors.",
    ("https://pytorch.org/docs/stable/generated/torch.load.html",), "CWE-502")

EXTRA_INDEX = _rule(
    "AIP620", "pip-extra-index-url-ai-packages", "AI packages are not installed with --extra-index-url",
    Severity.HIGH,
    "An `--extra-index-url` next to AI packages lets pip take any package from whichever index "
    "offers the highest version: the dependency confusion that put the malicious `torchtriton` into "
    "PyTorch nightly installs (December 2022). Use `--index-url` for the one index you need, with "
    "pinned versions and `--hash`, or a proxy index that serves both.", _DEPENDENCY_REFS, "CWE-427")

TYPOSQUAT = _rule(
    "AIP621", "ai-package-typosquat", "Dependencies are not one or two letters away from an AI package",
    Severity.MEDIUM,
    "A dependency's name is one or two edits from a well-known AI package but is not that package: "
    "the shape of typosquats, which run code at install time. Check the name against the project "
    "you meant.", _DEPENDENCY_REFS, "CWE-1357")

PLACEHOLDER = _rule(
    "AIP622", "ai-package-placeholder", "Dependencies use the real name of AI packages, not placeholders",
    Severity.MEDIUM,
    "A dependency names a placeholder, stub or deprecated alias of an AI package (`pytorch`, "
    "`sklearn`, `tensorflow-gpu`, `huggingface`...). Such names fail to install or install something "
    "else, and a placeholder's owner decides what it becomes.", _DEPENDENCY_REFS, "CWE-1357")

KNOWN_BAD = _rule(
    "AIP623", "ai-package-known-malicious", "No dependency is a known malicious or look-alike AI package",
    Severity.CRITICAL,
    "A dependency is a package known to be malicious (`torchtriton` on public PyPI) or a known "
    "look-alike of an AI package (`langchian`, `openai-sdk`, spaCy pipeline names uploaded to PyPI by "
    "others). Remove it, and check the machines that installed it.", _DEPENDENCY_REFS, "CWE-506")

CHECKS = (PICKLE_DANGEROUS, PICKLE_UNVERIFIED, KERAS_LAMBDA, GGUF_TEMPLATE, NUMPY_OBJECTS, TRUST_REMOTE_CODE,
          TORCH_LOAD, EXTRA_INDEX, TYPOSQUAT, PLACEHOLDER, KNOWN_BAD)
