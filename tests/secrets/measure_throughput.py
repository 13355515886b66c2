"""Measure the key scanner's throughput by hand (never part of the suite: timed tests are banned).

    python tests/secrets/measure_throughput.py [--files 10000] [--corpus DIR]

Generates N ordinary source files in memory (Python, YAML, JSON, Terraform, shell, Dockerfiles,
Markdown, .env files and notebooks with an image output; deterministic, with the occasional
placeholder and environment reference but no key), scans each with `scan_text` once, and prints
files, MB, seconds and MB/s. `--corpus` also scans every file under a folder (e.g. the tree of
bench/generate.py).
"""
import argparse
import base64
import hashlib
import json
import os
import random
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))

from analyzer.secrets import scan_text  # noqa: E402

WORDS = ("model", "train", "dataset", "embedding", "client", "request", "response", "token", "config",
         "bucket", "endpoint", "inference", "batch", "pipeline", "feature", "metric", "logger", "cache")


def ident(rng):
    return "_".join(rng.choice(WORDS) for _ in range(rng.randint(1, 4)))


def python_file(rng):
    lines = ["import os", "import json", "from openai import OpenAI", ""]
    for _ in range(rng.randint(10, 40)):
        name = ident(rng)
        lines += [f"def {name}(payload, *, retries=3):", f'    """Handle {name.replace("_", " ")}."""',
                  '    client = OpenAI(api_key=os.environ["OPENAI_API_KEY"])',
                  '    result = client.chat.completions.create(model="gpt-4o", messages=[{{"role": "user", "content": payload}}])',
                  f'    digest = "{hashlib.sha256(name.encode()).hexdigest()}"',
                  f"    return json.dumps({{'{name}': result.id, 'digest': digest}})", ""]
    return "app/" + ident(rng) + ".py", "\n".join(lines)


def yaml_file(rng):
    lines = ["apiVersion: apps/v1", "kind: Deployment", "metadata:", f"  name: {ident(rng).replace('_', '-')}", "spec:",
             "  template:", "    spec:", "      containers:"]
    for _ in range(rng.randint(5, 30)):
        lines += [f"        - name: {ident(rng).replace('_', '-')}", f"          image: ghcr.io/acme/{ident(rng)}:1.{rng.randint(0, 9)}",
                  "          env:", "            - name: OPENAI_API_KEY",
                  "              valueFrom: {secretKeyRef: {name: openai, key: api-key}}",
                  f"            - name: CHECKSUM\n              value: {hashlib.md5(str(rng.random()).encode()).hexdigest()}"]
    return "deploy/" + ident(rng) + ".yaml", "\n".join(lines)


def tf_file(rng):
    blocks = []
    for _ in range(rng.randint(5, 25)):
        name = ident(rng)
        blocks.append(f'resource "aws_sagemaker_endpoint_configuration" "{name}" {{\n  name = "{name}"\n'
                      f'  kms_key_arn = aws_kms_key.{name}.arn\n  production_variants {{\n    variant_name = "AllTraffic"\n'
                      f'    model_name = aws_sagemaker_model.{name}.name\n    initial_instance_count = 1\n'
                      f'    instance_type = "ml.m5.xlarge"\n  }}\n  tags = {{ team = "{rng.choice(WORDS)}" }}\n}}\n')
    return "infra/" + ident(rng) + ".tf", "\n".join(blocks)


def json_file(rng):
    doc = {ident(rng): {"id": hashlib.sha1(str(i).encode()).hexdigest(), "values": [rng.random() for _ in range(20)],
                        "name": ident(rng)} for i in range(rng.randint(10, 50))}
    return "data/" + ident(rng) + ".json", json.dumps(doc, indent=2)


def shell_file(rng):
    lines = ["#!/bin/sh", "set -eu"]
    for _ in range(rng.randint(10, 50)):
        lines.append(f'aws s3 cp "s3://acme-{ident(rng)}/{ident(rng)}.parquet" ./data/ --region us-east-1 # ${{AWS_PROFILE:-default}}')
    return "scripts/" + ident(rng) + ".sh", "\n".join(lines)


def dockerfile(rng):
    return "Dockerfile", ("FROM python:3.12-slim\nARG HF_TOKEN\nENV HF_HOME=/models\nRUN pip install --no-cache-dir "
                          + " ".join(rng.choice(WORDS) for _ in range(30)) + "\nCOPY . /app\nCMD [\"python\", \"-m\", \"app\"]\n")


def markdown(rng):
    paras = [" ".join(rng.choice(WORDS) for _ in range(60)) for _ in range(rng.randint(5, 20))]
    return "docs/" + ident(rng) + ".md", "# Guide\n\nSet `OPENAI_API_KEY=sk-...` first.\n\n" + "\n\n".join(paras)


def env_file(rng):
    return ".env.example", "\n".join(f"{ident(rng).upper()}=${{{ident(rng).upper()}}}" for _ in range(20))


def notebook(rng):
    cells = [{"cell_type": "code", "metadata": {}, "execution_count": i,
              "source": [f"{ident(rng)} = train({ident(rng)})\n"],
              "outputs": [{"output_type": "display_data", "metadata": {},
                           "data": {"image/png": base64.b64encode(rng.randbytes(3000)).decode()}}]}
             for i in range(rng.randint(2, 6))]
    return "notebooks/" + ident(rng) + ".ipynb", json.dumps({"cells": cells, "metadata": {}, "nbformat": 4}, indent=1)


KINDS = (python_file, python_file, yaml_file, tf_file, tf_file, json_file, shell_file, dockerfile, markdown,
         env_file, notebook)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--corpus")
    args = parser.parse_args()
    rng = random.Random(0)
    files = [(path, text.encode()) for path, text in (rng.choice(KINDS)(rng) for _ in range(args.files))]
    report("generated", files)
    if args.corpus:
        corpus = []
        for folder, _, names in os.walk(args.corpus):
            for name in names:
                with open(os.path.join(folder, name), "rb") as handle:
                    corpus.append((os.path.relpath(os.path.join(folder, name), args.corpus), handle.read()))
        report(args.corpus, corpus)


def report(label, files):
    scan_text("warm-up.py", b"x = 1\n")  # compile the patterns once, as a worker does
    size = sum(len(data) for _, data in files)
    best = None
    for _ in range(3):
        start = time.perf_counter()
        hits = sum(len(scan_text(path, data).hits) for path, data in files)
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    print(f"{label}: {len(files)} files, {size / 1e6:.1f} MB, {best:.3f} s (best of 3), "
          f"{size / 1e6 / best:.0f} MB/s, {hits} hits")


if __name__ == "__main__":
    main()
