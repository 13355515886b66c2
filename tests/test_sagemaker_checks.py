"""The SageMaker job checks (AIP130-137) end to end: their examples through the engine (with the
SageMaker readers registered for the test when the engine does not list them yet), the same
findings from the pipeline code and from its definition JSON, and verified fixes."""
import importlib
from pathlib import Path

import pytest

from analyzer import engine, kinds
from analyzer.engine import check_file, check_source, parser_for
from analyzer.fix import apply_edits
from checks.aws import sagemaker_jobs
from checks.aws.sagemaker_jobs import CHECKS, mask, registry, secret_kind
from parsers.sagemaker import definition, python

ROOT = Path(__file__).resolve().parents[1]
ABALONE = ROOT / "fixtures" / "sagemaker" / "abalone"

PY_PARSER = (".py", "sagemaker", "parsers.sagemaker.python", "parsers.sagemaker.write")
JSON_PARSER = ("parsers.sagemaker.definition:looks_like", "sagemaker", "parsers.sagemaker.definition",
               "parsers.sagemaker.write")


@pytest.fixture(autouse=True)
def sagemaker_registered(monkeypatch):
    """The engine's parser tables with the SageMaker readers (until the engine lists them)."""
    if parser_for("pipeline.py", b"import sagemaker\n") is None:
        monkeypatch.setattr(engine, "PARSERS", engine.PARSERS + (PY_PARSER,))
    if parser_for("pipeline.json", (ABALONE / "pipeline.json").read_bytes()) is None:
        monkeypatch.setattr(engine, "CONTENT_PARSERS", engine.CONTENT_PARSERS + (JSON_PARSER,))


CASES = [
    pytest.param(check, example, id=f"{check.id}-{example.filename}-{'bad' if example.expect_fail else 'good'}-{index}")
    for check in CHECKS for index, example in enumerate(check.examples)
]


@pytest.mark.parametrize("check, example", CASES)
def test_example(check, example):
    outcome = check_source(example.filename, example.source.encode(), (check,))
    fired = [f for f in outcome.findings if f.rule_id == check.id]
    assert not [f for f in outcome.findings if f.rule_id == "AIP900"]
    assert not outcome.unknowns, [u.message for u in outcome.unknowns]
    assert bool(fired) == example.expect_fail, [f.message for f in fired]
    _, parser, _ = parser_for(example.filename, example.source.encode())
    headers = {r.address: r.header for r in importlib.import_module(parser).parse(
        example.filename, example.source.encode()).resources}
    lines = example.source.splitlines()
    for finding in fired:
        if finding.absent:
            assert finding.span == headers[finding.resource]
        else:  # as tests/test_examples.py: the attribute's native name is on the line
            name = kinds.native_path(finding.kind, finding.attribute, finding.framework).rsplit(".", 1)[-1]
            assert squash(name) in squash(lines[finding.span.line - 1]), (finding.attribute, lines[finding.span.line - 1])


def squash(text):
    return text.replace("_", "").lower()


@pytest.mark.parametrize("check, example", [c for c in CASES if c.values[0].remediation and c.values[1].expect_fail])
def test_fix_of_bad_example(check, example):
    source = example.source.encode()
    outcome = check_source(example.filename, source, (check,), fixes=True)
    fired = [f for f in outcome.findings if f.rule_id == check.id]
    assert all(f.fix is not None for f in fired), [f.fix_note for f in fired]
    fixed = apply_edits(source, [e for f in fired for e in f.fix.edits]).decode()
    assert fixed == example.fixed
    again = check_source(example.filename, fixed.encode(), (check,))
    assert not [f for f in again.findings if f.rule_id == check.id]


# --- the code and its definition agree ----------------------------------------------------------


def findings_by_step(parsed):
    outcome = check_file(parsed, CHECKS)
    steps = {r.address: r.meta.get("step") for r in parsed.resources}
    found = {}
    for finding in outcome.findings:
        step = steps[finding.resource].removesuffix("-CreateModel")
        found.setdefault(step, set()).add(finding.rule_id)
    return found, outcome


def test_python_and_definition_give_the_same_findings_per_job():
    from_code, code_outcome = findings_by_step(python.parse("pipeline.py", (ABALONE / "pipeline.py").read_bytes()))
    from_json, json_outcome = findings_by_step(definition.parse("pipeline.json", (ABALONE / "pipeline.json").read_bytes()))
    assert from_code == from_json == {
        "PreprocessAbaloneData": {"AIP130", "AIP131", "AIP132", "AIP133", "AIP134"},
        "TrainAbaloneModel": {"AIP130", "AIP132", "AIP133", "AIP134"},
        "EvaluateAbaloneModel": {"AIP130", "AIP131", "AIP133", "AIP134"},
        "AbaloneTransform": {"AIP132"},
    }
    assert not code_outcome.unknowns and not json_outcome.unknowns


def test_findings_on_the_fixture_point_at_the_call_or_the_keyword():
    source = (ABALONE / "pipeline.py").read_bytes()
    outcome = check_source("pipeline.py", source, CHECKS, fixes=True)
    lines = source.decode().splitlines()
    by_key = {(f.rule_id, f.resource): f for f in outcome.findings}
    isolation = by_key[("AIP130", "xgb_train")]
    assert lines[isolation.span.line - 1].strip() == "xgb_train = Estimator("
    assert isolation.fix is not None
    edited = apply_edits(source, list(isolation.fix.edits)).decode()
    assert "        enable_network_isolation=True,\n    )\n    xgb_train.set_hyperparameters(" in edited
    # a processor without a NetworkConfig cannot be fixed by adding a keyword
    assert by_key[("AIP130", "sklearn_processor")].fix is None
    assert "NetworkConfig" in by_key[("AIP130", "sklearn_processor")].fix_note or \
        "configuration object" in by_key[("AIP130", "sklearn_processor")].fix_note


# --- secrets, roles, images -----------------------------------------------------------------------


# key-shaped values built here, never written whole in the repository
_RANDOM = "Qm7Xk2Lp9Rw4Tz8Vb3Nc6Hd1Jf5Gs0YaUe"


@pytest.mark.parametrize("name, value, expected", [
    ("anything", "sk-" + "proj-" + _RANDOM * 2 + "T3Blb" + "kFJ" + _RANDOM[::-1] * 2, "an OpenAI key"),
    ("token", '"' + "hf" + "_" + _RANDOM + '"', "a Hugging Face key"),
    ("OPENAI_API_KEY", "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7cDe0fGh", "a literal secret"),  # not a real shape
    ("DB_PASSWORD", "Tr0ub4dor&3", "a literal secret"),
    ("apiKey", "3f9a1c2e7b5d4f60", "a literal secret"),
    ("MAX_TOKENS", "4096", None),
    ("HF_TOKEN_SECRET_ARN", "arn:aws:secretsmanager:us-east-1:111122223333:secret:hf", None),
    ("API_KEY", "<your-key>", None),
    ("API_KEY", "sk-...", None),
    ("TOKENIZER", "bert-base-uncased", None),
    ("PASSWORD", "true", None),
])
def test_secret_kind(name, value, expected):
    assert secret_kind(name, value) == expected


def test_mask_never_shows_more_than_six_characters():
    secret = "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7cDe0fGh"
    assert mask(secret) == "sk-p…Gh"
    assert mask("hunter22") == "hu…"
    assert mask("abc") == "…"
    outcome = check_source("pipeline.py", sagemaker_jobs.JOB_SECRETS.examples[2].source.encode(), CHECKS)
    assert all(secret not in f.message for f in outcome.findings)


@pytest.mark.parametrize("image, host", [
    ("python:3.11", "docker.io"),
    ("acme/trainer:1", "docker.io"),
    ("ghcr.io/acme/trainer:1", "ghcr.io"),
    ("localhost:5000/x", "localhost:5000"),
    ("111122223333.dkr.ecr.us-east-1.amazonaws.com/x:1", "111122223333.dkr.ecr.us-east-1.amazonaws.com"),
])
def test_registry(image, host):
    assert registry(image) == host
