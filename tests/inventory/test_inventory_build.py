"""`build_inventory` on a fixture repository with one of each source: every item, its file and line."""
from __future__ import annotations

import json
import os
import shutil

import pytest

import inventory_models
from analyzer.inventory import build_inventory, render

FIXTURE = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "inventory", "repo")


@pytest.fixture(scope="module")
def inventory(tmp_path_factory):
    root = tmp_path_factory.mktemp("inventory") / "repo"
    shutil.copytree(FIXTURE, root)
    inventory_models.write_models(str(root), str(root / "MARKER"))
    here = os.getcwd()
    os.chdir(root)
    try:
        yield build_inventory(["."])
    finally:
        os.chdir(here)
    assert not (root / "MARKER").exists()


def test_packages_every_source_with_file_and_line(inventory):
    found = [(p.ecosystem, p.name, p.version, p.file, p.line) for p in inventory.packages]
    assert found == [
        ("pypi", "accelerate", "0.30.1", "Dockerfile", 6),
        ("pypi", "peft", "0.11.1", "Dockerfile", 7),
        ("pypi", "mlflow", "2.12.1", "Pipfile", 6),
        ("pypi", "chromadb", "0.5.0", "Pipfile.lock", 4),
        ("pypi", "openai", "1.30.0", "deps/base.txt", 2),  # through `-r deps/base.txt`
        ("conda", "pytorch", "2.2.0", "environment.yml", 7),
        ("pypi", "sentence-transformers", "2.7.0", "environment.yml", 9),
        ("pypi", "tiktoken", "0.7.0", "poetry.lock", 2),
        ("pypi", "anthropic", "", "pyproject.toml", 5),
        ("pypi", "vllm", "0.4.2", "pyproject.toml", 10),
        ("pypi", "langchain", "", "pyproject.toml", 14),
        ("pypi", "torch", "2.1.0+cu121", "requirements.txt", 3),
        ("pypi", "transformers", "", "requirements.txt", 4),
        ("pypi", "xgboost", "2.0.3", "setup.cfg", 6),
        ("pypi", "scikit-learn", "1.4.2", "setup.py", 4),
        ("pypi", "spacy", "", "setup.py", 10),
        ("pypi", "litellm", "1.40.0", "uv.lock", 4),
        ("npm", "@langchain/core", "0.2.0", "web/package-lock.json", 6),
        ("npm", "openai", "4.47.1", "web/package.json", 4),
        ("npm", "@anthropic-ai/sdk", "", "web/package.json", 5),
        ("npm", "@pinecone-database/pinecone", "2.2.0", "web/pnpm-lock.yaml", 5),
        ("npm", "@huggingface/inference", "2.6.7", "web/yarn.lock", 4),
    ]
    specs = {(p.name, p.file): p.specifier for p in inventory.packages}
    assert specs[("transformers", "requirements.txt")] == ">=4.40,<5"
    assert specs[("langchain", "pyproject.toml")] == "^0.2.0"
    assert {p.name: p.scope for p in inventory.packages if p.file == "pyproject.toml"}["vllm"] == "optional:gpu"
    conda = next(p for p in inventory.packages if p.ecosystem == "conda")
    assert conda.pypi_name == "torch"


def test_non_ai_packages_are_not_listed(inventory):
    names = {p.name for p in inventory.packages}
    assert not names & {"requests", "numpy", "click", "flask", "regex", "pyyaml", "react", "tensorflwo"}


def test_images(inventory):
    assert [(i.reference, i.category, i.file, i.line) for i in inventory.images] == [
        ("ghcr.io/huggingface/text-generation-inference:2.0.4", "huggingface-tgi", "Dockerfile", 2),
        ("us-docker.pkg.dev/vertex-ai/prediction/pytorch-gpu.2-1:latest", "vertex-ai", "app/inference.py", 14),
        ("785573368785.dkr.ecr.us-east-1.amazonaws.com/sagemaker-tritonserver:23.12-py3", "sagemaker",
         "infra/cloudformation/triton.yaml", 9),
        ("763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-tgi-inference:"
         "2.1.1-tgi2.0.0-gpu-py310-cu121-ubuntu22.04", "sagemaker", "infra/terraform/main.tf", 6),
        ("mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04:20240418.v1", "azure-ml", "ml/environment-aml.yaml", 3),
        ("vllm/vllm-openai:v0.4.2", "vllm", "serving/Dockerfile.vllm", 1),
    ]
    tf = next(i for i in inventory.images if i.file == "infra/terraform/main.tf")
    assert tf.resource == "aws_sagemaker_model.llm primary_container.image"


def test_models(inventory):
    assert [(m.provider, m.name, m.version, m.file, m.line) for m in inventory.models] == [
        ("huggingface", "mistralai/Mistral-7B-Instruct-v0.2", "", "Dockerfile", 4),
        ("huggingface", "meta-llama/Meta-Llama-3-8B", "main", "app/inference.py", 6),
        ("huggingface", "distilbert/distilbert-base-uncased-finetuned-sst-2-english", "", "app/inference.py", 7),
        ("bedrock", "anthropic.claude-3-sonnet-20240229-v1:0", "", "app/inference.py", 12),
        ("sagemaker-jumpstart", "huggingface-llm-falcon-7b-instruct-bf16", "", "app/inference.py", 13),
        ("sagemaker-artifact", "s3://models-bucket/triton/model.tar.gz", "", "infra/cloudformation/triton.yaml", 10),
        ("sagemaker-artifact", "s3://models-bucket/llm/model.tar.gz", "", "infra/terraform/main.tf", 7),
        ("huggingface", "mistralai/Mistral-7B-Instruct-v0.2", "", "infra/terraform/main.tf", 9),
        ("bedrock", "anthropic.claude-3-haiku-20240307-v1:0", "", "infra/terraform/main.tf", 23),
        ("azure-openai", "gpt-4o", "2024-05-13", "infra/terraform/main.tf", 42),
        ("huggingface", "meta-llama/Meta-Llama-3-8B-Instruct", "", "serving/Dockerfile.vllm", 2),
    ]
    task = next(m.task for m in inventory.models if m.name.startswith("distilbert"))
    assert task == "text-classification"


def test_cloud_resources_with_posture_and_exposure(inventory):
    found = {(r.address, r.file, r.line): (r.kind, r.exposure) for r in inventory.resources}
    assert found == {
        ("jumpstart", "app/inference.py", 13): ("aws.sagemaker.model", "unknown"),
        ("TritonModel", "infra/cloudformation/triton.yaml", 3): ("aws.sagemaker.model", "unknown"),
        ("aws_sagemaker_model.llm", "infra/terraform/main.tf", 1): ("aws.sagemaker.model", "unknown"),
        ("aws_sagemaker_notebook_instance.research", "infra/terraform/main.tf", 14):
            ("aws.sagemaker.notebook_instance", "public"),
        ("aws_bedrockagent_agent.support", "infra/terraform/main.tf", 20): ("aws.bedrock.agent", "unknown"),
        ("azurerm_cognitive_account.openai", "infra/terraform/main.tf", 26): ("azure.cognitive.account", "private"),
    }
    notebook = next(r for r in inventory.resources if r.kind == "aws.sagemaker.notebook_instance")
    assert "AIP101" in notebook.rules and dict(notebook.findings)["high"] >= 1
    assert notebook.exposure_reason == "direct internet access"


def test_model_files(inventory):
    found = {f.file: (f.format, f.serialization, f.dangerous) for f in inventory.model_files}
    assert found["models/evil.pkl"] == ("pickle", "pickle", ("posix.system",))
    assert found["models/evil.pt"] == ("pytorch-zip", "pickle", ("posix.system",))
    assert found["models/benign.pkl"] == ("pickle", "pickle", ())
    assert found["models/model.safetensors"][:2] == ("safetensors", "safe")
    assert found["models/evil.gguf"][0] == "gguf"
    assert "models/random.bin" not in found  # a .bin that is neither a pickle nor a zip
    evil = next(f for f in inventory.model_files if f.file == "models/evil.pkl")
    assert len(evil.sha256) == 64 and evil.size > 0


def test_extra_index_recorded(inventory):
    assert [(i.url, i.file, i.line) for i in inventory.indexes if i.extra] == [
        ("https://download.pytorch.org/whl/cu121", "requirements.txt", 2)]


def test_cyclonedx_validates(inventory):
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    text = render(inventory, "cyclonedx")
    error = JsonStrictValidator(SchemaVersion.V1_6).validate_str(text)
    assert error is None, error
    document = json.loads(text)
    types = {c["type"] for c in document["components"]}
    assert types == {"library", "container", "machine-learning-model"}
    purls = {c.get("purl") for c in document["components"]}
    assert "pkg:pypi/torch@2.1.0%2Bcu121" in purls
    assert "pkg:npm/%40anthropic-ai/sdk" in purls
    assert "pkg:huggingface/meta-llama/Meta-Llama-3-8B@main" in purls
    assert "pkg:docker/vllm/vllm-openai@v0.4.2" in purls
    hf = next(c for c in document["components"] if c.get("purl", "").startswith("pkg:huggingface/distilbert"))
    assert hf["modelCard"]["modelParameters"]["task"] == "text-classification"
    openai = next(c for c in document["components"] if c.get("purl") == "pkg:pypi/openai@1.30.0")
    assert openai["evidence"]["occurrences"] == [{"location": "deps/base.txt", "line": 2}]
    evil = next(c for c in document["components"] if c["bom-ref"] == "file:models/evil.pkl")
    props = {p["name"]: p["value"] for p in evil["modelCard"]["properties"]}
    assert props["aiposture:unsafe-globals"] == "posix.system"
    assert {s["name"] for s in document["services"]} >= {"aws_sagemaker_notebook_instance.research"}


def test_json_and_table(inventory):
    document = json.loads(render(inventory, "json"))
    assert document["version"] == 1
    assert {p["name"] for p in document["packages"]} >= {"torch", "openai"}
    table = render(inventory, "table")
    assert "AI packages (22)" in table and "requirements.txt:3" in table
    assert "aws_sagemaker_notebook_instance.research" in table


def test_missing_path_is_a_usage_error(tmp_path):
    from analyzer.errors import UsageError

    with pytest.raises(UsageError):
        build_inventory([str(tmp_path / "nope")])
