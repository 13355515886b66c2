"""The dependency, Dockerfile, Python and model-file readers: formats' corners, and fuzzing (they
never raise on bad input)."""
from __future__ import annotations

import io
import os
import random

import pytest

import inventory_models as models
from analyzer.inventory import deps, modelfile, picklescan
from analyzer.inventory.docker import read_dockerfile
from analyzer.inventory.pycode import read_python

FIXTURE = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "inventory", "repo")


def _names(found):
    return [(p.name, p.version, p.line) for p in found[0]]


def test_requirements_lines():
    text = ("torch[cuda] == 2.1.0 ; python_version >= '3.9'\n"
            "Transformers_Extra>=1\n"
            "-e git+https://github.com/org/repo.git#egg=Peft\n"
            "https://files.example/pkg.whl\n"
            "--index-url=https://pypi.internal/simple\n"
            "vllm @ https://files.example/vllm.whl\n"
            "not a requirement line\n")
    found = deps.read_requirements("requirements.txt", text)
    assert _names(found) == [("torch", "2.1.0", 1), ("transformers-extra", "", 2), ("peft", "", 3),
                             ("vllm", "", 6)]
    assert [(i.url, i.extra) for i in found[1]] == [("https://pypi.internal/simple", False)]


def test_requirements_includes_cycle_and_escape():
    files = {"requirements.txt": b"-r a.txt\n-r ../../etc/passwd\n", "a.txt": b"-r requirements.txt\n-c c.txt\ntorch\n",
             "c.txt": b"torch==2.0\n"}
    packages, _ = deps.read_requirements("requirements.txt", files["requirements.txt"].decode(), files.get)
    assert [(p.name, p.file, p.line, p.scope) for p in packages] == [
        ("torch", "c.txt", 1, "constraint"), ("torch", "a.txt", 3, "")]


def test_dependency_sources():
    assert deps.dependency_source("a/requirements-dev.txt") == "requirements"
    assert deps.dependency_source("requirements/base.in") == "requirements"
    assert deps.dependency_source("docker/Dockerfile.gpu") == "dockerfile"
    assert deps.dependency_source("build/api.dockerfile") == "dockerfile"
    assert deps.dependency_source("conda.yaml") == "conda"
    assert deps.dependency_source("notes.txt") == ""


def test_poetry_groups_and_pep735():
    text = ('[tool.poetry.group.ml.dependencies]\ntorch = { version = "2.2.0", source = "pytorch" }\n'
            '[dependency-groups]\ndev = ["pytest", "langgraph==0.1"]\n')
    assert [(p.name, p.version, p.line, p.scope) for p in deps.read_pyproject("pyproject.toml", text)[0]] == [
        ("pytest", "", 4, "group:dev"), ("langgraph", "0.1", 4, "group:dev"), ("torch", "2.2.0", 2, "group:ml")]


def test_setup_py_dynamic_is_not_guessed():
    text = "import os\nsetup(install_requires=open('r.txt').read().split(), extras_require=EXTRAS)\n"
    assert deps.read_setup_py("setup.py", text) == ([], [])


def test_yarn_berry_and_pnpm_v9():
    berry = '__metadata:\n  version: 6\n\n"openai@npm:^4.0.0, openai@npm:^4.1.0":\n  version: 4.2.0\n'
    assert _names(deps.read_yarn_lock("yarn.lock", berry)) == [("openai", "4.2.0", 4)]
    pnpm = "lockfileVersion: '9.0'\n\npackages:\n\n  '@langchain/core@0.2.0':\n    resolution: {}\n  ai@3.1.0(react@18.0.0):\n"
    assert _names(deps.read_pnpm_lock("pnpm-lock.yaml", pnpm)) == [("@langchain/core", "0.2.0", 5), ("ai", "3.1.0", 7)]
    v5 = "lockfileVersion: 5.4\npackages:\n  /openai/3.3.0:\n    dev: false\n"
    assert _names(deps.read_pnpm_lock("pnpm-lock.yaml", v5)) == [("openai", "3.3.0", 3)]


def test_package_lock_v1():
    text = '{"lockfileVersion": 1,\n "dependencies": {\n  "openai": {"version": "3.0.0",\n   "dependencies": {"ai": {"version": "2.0.0"}}}}}'
    assert _names(deps.read_package_lock("package-lock.json", text)) == [("openai", "3.0.0", 3), ("ai", "2.0.0", 4)]


def test_dockerfile_stages_args_and_installers():
    text = ("ARG BASE=nvcr.io/nvidia/tritonserver:24.01-py3\n"
            "FROM --platform=linux/amd64 ${BASE} AS build\n"
            "FROM build\n"
            "RUN python -m pip install -U 'transformers==4.41.0' -r reqs.txt && \\\n"
            "    conda install -y -c pytorch pytorch=2.2.0 && npm i openai@4.0.0\n"
            "RUN huggingface-cli download org/model-x --local-dir /m && ollama pull llama3:8b\n"
            "ENV MODEL_ID org/other\n")
    found = read_dockerfile("Dockerfile", text, {"reqs.txt": b"peft==0.1\n"}.get)
    assert [(i.reference, i.line) for i in found.images] == [("nvcr.io/nvidia/tritonserver:24.01-py3", 2)]
    assert [(p.ecosystem, p.name, p.version, p.file, p.line) for p in found.packages] == [
        ("pypi", "transformers", "4.41.0", "Dockerfile", 4), ("pypi", "peft", "0.1", "reqs.txt", 1),
        ("conda", "pytorch", "2.2.0", "Dockerfile", 5), ("npm", "openai", "4.0.0", "Dockerfile", 5)]
    assert [(m.provider, m.name, m.version, m.line) for m in found.models] == [
        ("huggingface", "org/model-x", "", 6), ("ollama", "llama3", "8b", 6), ("huggingface", "org/other", "", 7)]


def test_python_models_env_and_arns():
    text = ("import os\nos.environ['HF_MODEL_ID'] = 'org/served'\n"
            "env = {'HF_MODEL_ID': 'org/env-model'}\n"
            "ARN = 'arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0'\n"
            "x = 'amazon.com/s3'\n"
            "SentenceTransformer('./local/path')\n"
            "hf_hub_download(repo_id='org/repo@abc123', filename='x')\n")
    found = read_python("x.py", text)
    assert [(m.provider, m.name, m.version, m.line) for m in found.models] == [
        ("huggingface", "org/served", "", 2), ("huggingface", "org/env-model", "", 3),
        ("bedrock", "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0", "", 4),
        ("huggingface", "org/repo", "abc123", 7)]


def _mutations(seed: bytes, count: int = 60):
    rng = random.Random(len(seed))
    yield b""
    yield seed[: len(seed) // 2]
    for _ in range(count):
        data = bytearray(seed)
        for _ in range(rng.randint(1, 8)):
            if data:
                data[rng.randrange(len(data))] = rng.randrange(256)
        if rng.random() < 0.3 and data:
            cut = rng.randrange(len(data))
            data = data[:cut] + data[cut + rng.randrange(1, 16):]
        yield bytes(data)


_TEXT_FIXTURES = ["requirements.txt", "pyproject.toml", "Pipfile", "Pipfile.lock", "poetry.lock", "uv.lock",
                  "setup.cfg", "setup.py", "environment.yml", "web/package.json", "web/package-lock.json",
                  "web/yarn.lock", "web/pnpm-lock.yaml", "Dockerfile", "app/inference.py"]


@pytest.mark.parametrize("name", _TEXT_FIXTURES)
def test_fuzz_text_readers_never_raise(name):
    from analyzer.inventory import supply_chain_findings
    from checks.supply_chain import CHECKS

    with open(os.path.join(FIXTURE, name), "rb") as handle:
        seed = handle.read()
    for data in _mutations(seed):
        deps.read_dependencies(name, data, {}.get)
        read_python(name, data.decode("utf-8", "replace"))
        supply_chain_findings(name, data, CHECKS)


@pytest.mark.parametrize("name, seed", [
    ("m.pkl", models.malicious_pickle()), ("m.pt", models.torch_zip(models.TENSOR_PICKLE)),
    ("m.npy", models.npy("|O", models.benign_pickle(2))), ("m.keras", models.keras_zip(True)),
    ("m.gguf", models.gguf(models.EVIL_TEMPLATE)), ("m.safetensors", models.safetensors()),
    ("m.joblib", models.joblib_gzip(models.benign_pickle())), ("m.h5", models.keras_h5(True)),
    ("m.pth", models.torch_legacy(models.TENSOR_PICKLE)),
])
def test_fuzz_model_scanner_never_raises(name, seed):
    for data in _mutations(seed, 150):
        result = modelfile.scan(io.BytesIO(data), name)
        assert result is None or isinstance(result, modelfile.ModelScan)
        picklescan.scan_bytes(data, max_pickles=5)


def test_deep_nesting_does_not_crash():
    assert read_python("x.py", "x = " + "[" * 5000 + "]" * 5000).models == []
    deps.read_dependencies("package.json", b"[" * 100000)
    deps.read_dependencies("pyproject.toml", b"a = " + b"[" * 100000)
    deps.read_dependencies("environment.yml", b"dependencies:\n" + b"- [" * 5000)
