"""The pipeline definition reader: steps (condition branches included) as jobs with their API
fields, parameters resolved to their defaults, and positions inside a host file."""
import json
import random
from pathlib import Path

from analyzer.model import Span, Unknown, to_plain
from analyzer.text import LineIndex, span as make_span
from parsers.sagemaker import definition

ROOT = Path(__file__).resolve().parents[2]
ABALONE = ROOT / "fixtures" / "sagemaker" / "abalone" / "pipeline.json"


def test_abalone_definition_steps():
    data = ABALONE.read_bytes()
    parsed = definition.parse("pipeline.json", data)
    assert not parsed.issues
    assert [(r.kind, r.native_type, r.address) for r in parsed.resources] == [
        ("aws.sagemaker.processing_job", "Processing", "PreprocessAbaloneData"),
        ("aws.sagemaker.training_job", "Training", "TrainAbaloneModel"),
        ("aws.sagemaker.processing_job", "Processing", "EvaluateAbaloneModel"),
        ("aws.sagemaker.model", "Model", "AbaloneModel-CreateModel"),  # inside the condition's IfSteps
        ("aws.sagemaker.transform_job", "Transform", "AbaloneTransform"),
    ]
    jobs = {r.address: r for r in parsed.resources}
    prep = jobs["PreprocessAbaloneData"]
    assert prep.native("ProcessingResources.ClusterConfig.InstanceCount").raw == 1  # {"Get": "Parameters..."}
    assert prep.meta == {"step": "PreprocessAbaloneData", "definition": True}
    train = jobs["TrainAbaloneModel"]
    assert train.native("EnableInterContainerTrafficEncryption").raw is True
    assert train.native("EnableNetworkIsolation").absent
    # positions: the value and its key, the step's header (through its Type)
    lines = data.decode().splitlines()
    value = train.native("EnableInterContainerTrafficEncryption")
    assert lines[value.span.line - 1][value.span.col - 1:value.span.end_col - 1] == "true"
    assert lines[value.key_span.line - 1][value.key_span.col - 1:value.key_span.end_col - 1] == \
        '"EnableInterContainerTrafficEncryption"'
    assert train.header.line == lines.index('      "Name": "TrainAbaloneModel",') and train.header.end_line == train.header.line + 2
    assert isinstance(jobs["AbaloneTransform"].native("ModelName").raw, Unknown)


def test_parameters_resolve_to_defaults_or_unknown():
    text = json.dumps({
        "Version": "2020-12-01",
        "Parameters": [{"Name": "Isolate", "Type": "Boolean", "DefaultValue": True},
                       {"Name": "Key", "Type": "String"}],
        "Steps": [{"Name": "Train", "Type": "Training", "Arguments": {
            "EnableNetworkIsolation": {"Get": "Parameters.Isolate"},
            "OutputDataConfig": {"KmsKeyId": {"Get": "Parameters.Key"}, "S3OutputPath": {"Std:Join": {"On": "/", "Values": ["s3:/", "b"]}}},
            "RoleArn": {"Get": "Steps.Other.RoleArn"}}}],
    }, indent=2)
    [train] = definition.parse("p.json", text.encode()).resources
    assert train.native("EnableNetworkIsolation").raw is True
    assert train.native("OutputDataConfig.KmsKeyId").raw == Unknown("Parameters.Key", "variable")
    assert train.native("OutputDataConfig.S3OutputPath").raw.reason == "expression"
    assert train.native("RoleArn").raw.reason == "expression"


def test_tuning_step_and_unknown_step_types():
    text = json.dumps({"Version": "2020-12-01", "Steps": [
        {"Name": "Tune", "Type": "Tuning", "Arguments": {"HyperParameterTuningJobConfig": {},
                                                         "TrainingJobDefinition": {"EnableNetworkIsolation": True}}},
        {"Name": "Notify", "Type": "Lambda", "Arguments": {}},
        {"Name": "Register", "Type": "RegisterModel", "Arguments": {}},
    ]})
    [tune] = definition.parse("p.json", text.encode()).resources
    assert tune.kind == "aws.sagemaker.tuning_job"
    assert to_plain(tune.native("TrainingJobDefinition.EnableNetworkIsolation").raw) is True


def test_embedded_definition_positions():
    # a Terraform heredoc: the content is verbatim in the host file
    inner = '{\n  "Version": "2020-12-01",\n  "Steps": [{"Name": "Train", "Type": "Training", "Arguments": {"EnableNetworkIsolation": false}}]\n}'
    host = ('resource "aws_sagemaker_pipeline" "p" {\n  pipeline_name = "p"\n  pipeline_definition = <<EOF\n'
            + inner + '\nEOF\n}\n')
    start = host.index(inner)
    index = LineIndex(host.encode())
    base = make_span("main.tf", index, start, start + len(inner))
    [train] = definition.parse("main.tf", inner.encode(), base=base).resources
    value = train.native("EnableNetworkIsolation")
    assert host[value.span.start:value.span.end] == "false"
    assert value.span == make_span("main.tf", index, value.span.start, value.span.end)
    assert train.span.path == "main.tf"

    # a string that starts mid-line: the first line's columns continue the host's
    one_line = '{"Version": "2020-12-01", "Steps": [{"Name": "T", "Type": "Training", "Arguments": {"EnableNetworkIsolation": false}}]}'
    host = "  PipelineDefinitionBody: '" + one_line + "'\n"
    start = host.index(one_line)
    index = LineIndex(host.encode())
    base = make_span("template.yaml", index, start, start + len(one_line))
    [train] = definition.parse("template.yaml", one_line.encode(), base=base).resources
    value = train.native("EnableNetworkIsolation")
    assert host[value.span.col - 1:value.span.end_col - 1] == "false"

    # escaped or re-indented content: every span is the string's
    escaped = Span("template.json", 100, 400, 7, 9, 7, 309)
    [train] = definition.parse("template.json", one_line.encode(), base=escaped, exact=False).resources
    assert train.span == train.header == train.native("EnableNetworkIsolation").span == escaped


def test_invalid_json_is_an_issue_with_its_position():
    parsed = definition.parse("p.json", b'{\n  "Version": "2020-12-01",\n  "Steps": [,]\n}')
    assert parsed.resources == ()
    [issue] = parsed.issues
    assert (issue.span.line, issue.span.col) == (3, 13)


def test_looks_like():
    assert definition.looks_like(ABALONE.read_bytes())
    assert not definition.looks_like(b'{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {}}')
    assert not definition.looks_like(b'{"Steps": [], "Version": "2020-12-01"}')  # no step type
    assert not definition.looks_like(b"Version: 2020-12-01\nSteps: []\n")


def test_truncations_and_byte_flips_never_raise():
    data = ABALONE.read_bytes()
    rng = random.Random(12)
    for cut in range(0, len(data), max(1, len(data) // 150)):
        definition.parse("p.json", data[:cut])
    for _ in range(200):
        mutated = bytearray(data)
        for _ in range(rng.randint(1, 4)):
            mutated[rng.randrange(len(mutated))] = rng.randrange(256)
        parsed = definition.parse("p.json", bytes(mutated))
        assert not any("internal error" in i.message for i in parsed.issues)
    for hostile in (b"[" * 100_000, b'{"Steps": ' + b"[" * 5000 + b"]" * 5000 + b"}", b"\xef\xbb\xbf{}", b"", b"null"):
        parsed = definition.parse("p.json", hostile)
        assert not any("internal error" in i.message for i in parsed.issues)
