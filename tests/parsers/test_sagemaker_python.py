"""The SageMaker SDK reader: one resource per job, API-named attributes with the keyword's
positions, values resolved through imports, aliases, parameters, **kwargs and helper functions,
and never a line of the user's code run."""
import ast
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from analyzer.model import Unknown, to_plain
from parsers.sagemaker import python as sm

ROOT = Path(__file__).resolve().parents[2]
ABALONE = ROOT / "fixtures" / "sagemaker" / "abalone" / "pipeline.py"


def parse(source: str, path: str = "pipeline.py"):
    return sm.parse(path, source.encode())


def by_address(parsed):
    return {r.address: r for r in parsed.resources}


def plain(resource, path):
    return to_plain(resource.native(path).raw)


# --- the MLOps template fixture ------------------------------------------------------------------


def test_abalone_template_gives_one_resource_per_job():
    parsed = sm.parse("pipeline.py", ABALONE.read_bytes())
    assert not parsed.issues
    found = [(r.kind, r.native_type, r.address, r.meta.get("step"), r.meta["function"]) for r in parsed.resources]
    assert found == [
        ("aws.sagemaker.processing_job", "sagemaker.sklearn.processing.SKLearnProcessor", "sklearn_processor",
         "PreprocessAbaloneData", "get_pipeline"),
        ("aws.sagemaker.training_job", "sagemaker.estimator.Estimator", "xgb_train", "TrainAbaloneModel", "get_pipeline"),
        ("aws.sagemaker.processing_job", "sagemaker.processing.ScriptProcessor", "script_eval", "EvaluateAbaloneModel",
         "get_pipeline"),
        ("aws.sagemaker.model", "sagemaker.model.Model", "model", "AbaloneModel", "get_pipeline"),
        ("aws.sagemaker.transform_job", "sagemaker.transformer.Transformer", "transformer", "AbaloneTransform",
         "get_pipeline"),
    ]


def test_abalone_values_and_positions():
    source = ABALONE.read_text()
    lines = source.splitlines()
    jobs = by_address(sm.parse("pipeline.py", source.encode()))
    role = "arn:aws:iam::111122223333:role/service-role/AmazonSageMaker-ExecutionRole"
    image = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.0-1-cpu-py3"

    train = jobs["xgb_train"]
    assert plain(train, "RoleArn") == role  # the parameter's default
    assert plain(train, "AlgorithmSpecification.TrainingImage") == image
    assert plain(train, "OutputDataConfig.S3OutputPath") == "s3://sagemaker-abalone-111122223333/Abalone/AbaloneTrain"
    assert plain(train, "EnableInterContainerTrafficEncryption") is True
    assert train.native("EnableNetworkIsolation").absent
    assert plain(train, "HyperParameters")["num_round"] == 50  # from set_hyperparameters(...)
    # the keyword's value and name, exactly
    value = train.native("EnableInterContainerTrafficEncryption")
    line = lines[value.span.line - 1]
    assert line[value.span.col - 1:value.span.end_col - 1] == "True"
    assert line[value.key_span.col - 1:value.key_span.end_col - 1] == "encrypt_inter_container_traffic"
    assert value.span.line == source.count("\n", 0, source.index("encrypt_inter_container_traffic=True")) + 1
    # the call, its header (up to the parenthesis) and where a new keyword goes
    assert train.header.line == train.span.line == lines.index("    xgb_train = Estimator(") + 1
    assert lines[train.header.line - 1][train.header.col - 1:train.header.end_col - 1] == "Estimator("
    assert train.insertions[""].indent == "        "
    assert source.encode()[train.insertions[""].offset:].startswith(b"    )")
    assert train.meta["keywords"]["EnableNetworkIsolation"] == "enable_network_isolation"
    assert train.meta["keywords"]["ResourceConfig.VolumeKmsKeyId"] == "volume_kms_key"

    prep = jobs["sklearn_processor"]
    assert plain(prep, "ProcessingResources.ClusterConfig.InstanceCount") == 1  # ParameterInteger default
    assert plain(prep, "ProcessingResources.ClusterConfig.InstanceType") == "ml.m5.xlarge"
    assert prep.native("NetworkConfig.EnableNetworkIsolation").absent
    assert "NetworkConfig.EnableNetworkIsolation" not in prep.meta["calls"]  # no NetworkConfig call to edit

    assert plain(jobs["script_eval"], "ProcessingResources.ClusterConfig.VolumeKmsKeyId") == "alias/abalone-volumes"
    model = jobs["model"]
    assert plain(model, "EnableNetworkIsolation") is True
    assert plain(model, "ExecutionRoleArn") == role
    assert plain(model, "PrimaryContainer.Image") == image
    assert isinstance(model.native("PrimaryContainer.ModelDataUrl").raw, Unknown)  # a step property
    transform = jobs["transformer"]
    assert plain(transform, "TransformOutput.KmsKeyId") == "alias/abalone-artifacts"
    assert plain(transform, "TransformOutput.S3OutputPath") == "s3://sagemaker-abalone-111122223333/Abalone/AbaloneTransform"


# --- import styles and aliases -------------------------------------------------------------------

ESTIMATOR_ARGS = 'role="arn:aws:iam::111122223333:role/r", instance_count=1, instance_type="ml.m5.xlarge", enable_network_isolation=True'


@pytest.mark.parametrize("imports, call, native", [
    ("import sagemaker", "sagemaker.estimator.Estimator", "sagemaker.estimator.Estimator"),
    ("import sagemaker as sm", "sm.estimator.Estimator", "sagemaker.estimator.Estimator"),
    ("import sagemaker.estimator", "sagemaker.estimator.Estimator", "sagemaker.estimator.Estimator"),
    ("from sagemaker import estimator", "estimator.Estimator", "sagemaker.estimator.Estimator"),
    ("from sagemaker.estimator import Estimator as E", "E", "sagemaker.estimator.Estimator"),
    ("from sagemaker.pytorch import PyTorch as PT", "PT", "sagemaker.pytorch.PyTorch"),
    ("from sagemaker.huggingface import HuggingFace", "HuggingFace", "sagemaker.huggingface.HuggingFace"),
    ("from sagemaker.estimator import *", "Estimator", "sagemaker.estimator.Estimator"),
    ("from sagemaker.workflow.steps import *\nfrom sagemaker.xgboost import XGBoost", "XGBoost",
     "sagemaker.xgboost.XGBoost"),
])
def test_import_styles(imports, call, native):
    parsed = parse(f"{imports}\n\njob = {call}({ESTIMATOR_ARGS})\n")
    [job] = parsed.resources
    assert (job.kind, job.native_type, job.address) == ("aws.sagemaker.training_job", native, "job")
    assert plain(job, "EnableNetworkIsolation") is True


def test_not_sagemaker_classes_are_not_jobs():
    source = '''
import sagemaker
from mylib import Estimator
from .local import Processor

a = Estimator(role="x", enable_network_isolation=False)
b = Processor(role="x")
c = sagemaker.Session()
'''
    assert parse(source).resources == ()


def test_looks_like():
    assert sm.looks_like(b"import os\nimport sagemaker\n")
    assert sm.looks_like(b"from sagemaker.pytorch import PyTorch\n")
    assert sm.looks_like(b"    import boto3, sagemaker\n")
    assert not sm.looks_like(b"import sagemakerx\n")
    assert not sm.looks_like(b'x = "import sagemaker"\n')
    assert not sm.looks_like(b"import boto3\nclient = boto3.client('sagemaker')\n")


# --- value resolution ----------------------------------------------------------------------------


def test_kwargs_splats_and_dict_mutation():
    source = '''
from sagemaker.estimator import Estimator

network = {"subnets": ["subnet-1"], "security_group_ids": ["sg-1"]}
common = dict(role="arn:aws:iam::111122223333:role/r", **network)
common["enable_network_isolation"] = True
common.update(volume_kms_key="alias/v")
job = Estimator(image_uri="111122223333.dkr.ecr.us-east-1.amazonaws.com/x:1", **common)
'''
    [job] = parse(source).resources
    assert plain(job, "VpcConfig") == {"Subnets": ["subnet-1"], "SecurityGroupIds": ["sg-1"]}
    assert plain(job, "EnableNetworkIsolation") is True
    assert plain(job, "ResourceConfig.VolumeKmsKeyId") == "alias/v"
    # the value points where it is written: in the dict, not at the splat
    subnets = job.native("VpcConfig.Subnets")
    assert subnets.span.line == 4 and subnets.key_span.line == 4


def test_unresolved_splat_makes_absent_fields_unknown():
    source = '''
from sagemaker.estimator import Estimator

def build(settings):
    return Estimator(role="r", enable_network_isolation=True, **settings)
'''
    [job] = parse(source).resources
    assert plain(job, "EnableNetworkIsolation") is True
    volume = job.native("ResourceConfig.VolumeKmsKeyId")
    assert volume.raw == Unknown("**settings", "expression")


def test_parameters_environment_and_fstrings():
    source = '''
import os
from sagemaker.processing import Processor
from sagemaker.network import NetworkConfig
from sagemaker.workflow.parameters import ParameterBoolean, ParameterString

isolate = ParameterBoolean(name="Isolate", default_value=True)
bucket = ParameterString(name="Bucket")
account = "111122223333"
net = NetworkConfig(enable_network_isolation=isolate, subnets=[os.environ["SUBNET"]])
proc = Processor(
    role=os.environ.get("ROLE_ARN", "arn:aws:iam::111122223333:role/r"),
    image_uri=f"{account}.dkr.ecr.us-east-1.amazonaws.com/" + "prep:1",
    output_kms_key=bucket,
    env={"STAGE": "prod" if True else "dev", "REGION": os.getenv("AWS_REGION")},
    network_config=net,
)
'''
    [proc] = parse(source).resources
    assert plain(proc, "NetworkConfig.EnableNetworkIsolation") is True
    assert proc.native("RoleArn").raw.reason == "variable"
    assert plain(proc, "AppSpecification.ImageUri") == "111122223333.dkr.ecr.us-east-1.amazonaws.com/prep:1"
    assert proc.native("ProcessingOutputConfig.KmsKeyId").raw == Unknown("Bucket", "variable")
    assert plain(proc, "Environment")["STAGE"] == "prod"
    assert plain(proc, "Environment")["REGION"].reason == "variable"
    assert plain(proc, "NetworkConfig.VpcConfig.Subnets")[0].reason == "variable"
    # the NetworkConfig's field points into the NetworkConfig call, which is where it is edited
    isolation = proc.native("NetworkConfig.EnableNetworkIsolation")
    assert isolation.span.line == 10
    assert proc.meta["calls"]["NetworkConfig.EnableNetworkIsolation"]["start"] == source.encode().index(b"NetworkConfig(")


def test_helper_functions_are_followed():
    source = '''
from sagemaker.estimator import Estimator
from sagemaker.workflow.steps import TrainingStep

def kms_settings():
    return {"volume_kms_key": "alias/v", "output_kms_key": "alias/o"}

def make_estimator(role, isolate=False):
    return Estimator(role=role, enable_network_isolation=isolate, **kms_settings())

def get_pipeline(role="arn:aws:iam::111122223333:role/r"):
    estimator = make_estimator(role, isolate=True)
    return TrainingStep(name="Train", estimator=estimator)
'''
    [job] = parse(source).resources
    # evaluated first through get_pipeline's call (its arguments), not with make_estimator's defaults
    assert plain(job, "EnableNetworkIsolation") is True
    assert plain(job, "RoleArn") == "arn:aws:iam::111122223333:role/r"
    assert plain(job, "OutputDataConfig.KmsKeyId") == "alias/o"
    assert job.meta["step"] == "Train"


def test_function_parameters_without_defaults_are_variables():
    source = '''
from sagemaker.estimator import Estimator

def get_pipeline(region, role, isolate):
    return Estimator(role=role, image_uri=f"111122223333.dkr.ecr.{region}.amazonaws.com/x:1",
                     enable_network_isolation=isolate)
'''
    [job] = parse(source).resources
    assert job.native("RoleArn").raw == Unknown("role", "variable")
    assert job.native("EnableNetworkIsolation").raw == Unknown("isolate", "variable")
    assert job.native("AlgorithmSpecification.TrainingImage").raw.reason == "expression"


def test_assignments_in_blocks_become_unknown():
    source = '''
import sys
from sagemaker.estimator import Estimator

isolate = True
if len(sys.argv) > 1:
    isolate = False
for attempt in range(3):
    key = "alias/k"
if __name__ == "__main__":
    main_job = Estimator(role="r", enable_network_isolation=isolate, volume_kms_key=key)
'''
    [job] = parse(source).resources
    assert job.address == "main_job"
    assert job.native("EnableNetworkIsolation").raw.reason == "expression"
    assert job.native("ResourceConfig.VolumeKmsKeyId").raw.reason == "expression"


def test_tuner_wraps_its_estimator():
    source = '''
from sagemaker.estimator import Estimator
from sagemaker.tuner import HyperparameterTuner
from sagemaker.workflow.steps import TuningStep

est = Estimator(role="r", enable_network_isolation=True, hyperparameters={"epochs": "3"})
tuner = HyperparameterTuner(estimator=est, objective_metric_name="auc", hyperparameter_ranges={})
step = TuningStep(name="Tune", step_args=tuner.fit())
'''
    [tuner] = parse(source).resources
    assert (tuner.kind, tuner.address, tuner.meta["step"]) == ("aws.sagemaker.tuning_job", "tuner", "Tune")
    assert plain(tuner, "TrainingJobDefinition.EnableNetworkIsolation") is True
    assert plain(tuner, "TrainingJobDefinition.StaticHyperParameters") == {"epochs": "3"}
    # the fix goes into the estimator's call
    assert tuner.meta["calls"]["TrainingJobDefinition.EnableNetworkIsolation"]["start"] == source.encode().index(b"Estimator(role")


def test_estimator_transformer_method_is_a_transform_job():
    source = '''
from sagemaker.pytorch import PyTorch

est = PyTorch(entry_point="train.py", role="r", framework_version="2.1", py_version="py310")
batch = est.transformer(instance_count=1, instance_type="ml.m5.large", output_kms_key="alias/o")
'''
    kinds = {r.address: r.kind for r in parse(source).resources}
    assert kinds == {"est": "aws.sagemaker.training_job", "batch": "aws.sagemaker.transform_job"}


def test_model_trainer_v3():
    source = '''
from sagemaker.train import ModelTrainer
from sagemaker.train.configs import Compute, Networking, OutputDataConfig, SourceCode
from sagemaker.mlops.workflow.steps import TrainingStep

trainer = ModelTrainer(
    training_image="111122223333.dkr.ecr.us-east-1.amazonaws.com/train:1",
    role="arn:aws:iam::111122223333:role/r",
    source_code=SourceCode(source_dir="src", entry_script="train.py"),
    compute=Compute(instance_type="ml.g5.xlarge", instance_count=2, volume_kms_key_id="alias/v"),
    networking=Networking(subnets=["subnet-1"], security_group_ids=["sg-1"],
                          enable_network_isolation=True, enable_inter_container_traffic_encryption=False),
    output_data_config=OutputDataConfig(s3_output_path="s3://b/out", kms_key_id="alias/o"),
    hyperparameters={"epochs": 3},
)
step = TrainingStep(name="Train", step_args=trainer.train())
'''
    [job] = parse(source).resources
    assert (job.kind, job.native_type, job.meta["step"]) == (
        "aws.sagemaker.training_job", "sagemaker.train.ModelTrainer", "Train")
    assert plain(job, "ResourceConfig") == {"InstanceType": "ml.g5.xlarge", "InstanceCount": 2, "VolumeKmsKeyId": "alias/v"}
    assert plain(job, "EnableNetworkIsolation") is True
    assert plain(job, "EnableInterContainerTrafficEncryption") is False
    assert plain(job, "VpcConfig") == {"Subnets": ["subnet-1"], "SecurityGroupIds": ["sg-1"]}
    assert plain(job, "OutputDataConfig") == {"S3OutputPath": "s3://b/out", "KmsKeyId": "alias/o"}
    assert job.meta["keywords"]["EnableInterContainerTrafficEncryption"] == "enable_inter_container_traffic_encryption"
    assert job.meta["keywords"]["OutputDataConfig.KmsKeyId"] == "kms_key_id"


def test_positional_arguments_and_duplicate_names():
    source = '''
from sagemaker.processing import ScriptProcessor
from sagemaker.model import Model

job = ScriptProcessor("arn:aws:iam::111122223333:role/r", "python:3.11", ["python3"])
job = ScriptProcessor("arn:aws:iam::111122223333:role/r", "python:3.12", ["python3"])
Model("111122223333.dkr.ecr.us-east-1.amazonaws.com/m:1", "s3://m/model.tar.gz", "arn:aws:iam::111122223333:role/r")
'''
    resources = parse(source).resources
    assert [r.address for r in resources] == ["job", "job@6", "Model@7"]
    assert plain(resources[1], "AppSpecification.ImageUri") == "python:3.12"
    assert plain(resources[2], "PrimaryContainer.ModelDataUrl") == "s3://m/model.tar.gz"


def test_utf16_columns_and_crlf():
    source = 'from sagemaker.estimator import Estimator\r\n# ünïcødé 😀\r\njob = Estimator(role="r", output_kms_key="🔑")\r\n'
    [job] = parse(source).resources
    value = job.native("OutputDataConfig.KmsKeyId")
    col = len('job = Estimator(role="r", output_kms_key=') + 1
    assert (value.span.line, value.span.col) == (3, col)
    assert value.span.end_col == col + 4  # a quote, a surrogate pair, a quote
    assert source.encode()[value.span.start:value.span.end] == '"🔑"'.encode()


def test_syntax_error_is_an_issue():
    parsed = parse("import sagemaker\njob = sagemaker.estimator.Estimator(role='r'\n")
    assert parsed.resources == ()
    [issue] = parsed.issues
    assert issue.span.line in (2, 3) and "syntax" in issue.message


# --- never run the user's code -------------------------------------------------------------------


def test_the_file_is_never_imported_or_executed(tmp_path, capsys):
    marker = tmp_path / "executed"
    source = f'''
import sagemaker
import builtins
open({str(marker)!r}, "w").write("ran")
print("THIS FILE RAN")
from sagemaker.estimator import Estimator

def get_pipeline(role="arn:aws:iam::111122223333:role/r"):
    open({str(marker)!r}, "w").write("ran")
    print("THIS FUNCTION RAN")
    return Estimator(role=role, image_uri=__import__("os").system("touch {marker}"))

class Evil:
    def __del__(self):
        open({str(marker)!r}, "w").write("ran")

job = Estimator(role="r", hyperparameters={{"x": exec("print('EXEC RAN')")}})
'''
    path = tmp_path / "pipeline.py"
    path.write_text(source)
    parsed = sm.parse(str(path), path.read_bytes())
    assert len(parsed.resources) == 2
    assert not marker.exists()
    assert "RAN" not in capsys.readouterr().out
    assert "pipeline" not in sys.modules


def test_parsing_imports_nothing_from_the_sdk():
    code = ("import sys; from parsers.sagemaker import python as sm; "
            "sm.parse('p.py', open(sys.argv[1], 'rb').read()); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sagemaker', 'boto3', 'botocore')))")
    out = subprocess.run([sys.executable, "-c", code, str(ABALONE)], capture_output=True, text=True, cwd=ROOT,
                         env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True)
    assert out.stdout.strip() == "[]"


# --- robustness ----------------------------------------------------------------------------------


def test_truncations_and_byte_flips_never_raise():
    data = ABALONE.read_bytes()
    rng = random.Random(8)
    for cut in range(0, len(data), max(1, len(data) // 150)):
        sm.parse("p.py", data[:cut])
    for _ in range(150):
        mutated = bytearray(data)
        for _ in range(rng.randint(1, 4)):
            mutated[rng.randrange(len(mutated))] = rng.randrange(256)
        parsed = sm.parse("p.py", bytes(mutated))
        assert not any("internal error" in i.message for i in parsed.issues)


@pytest.mark.parametrize("source", [
    "import sagemaker\n" + "x = " + "[" * 150 + "]" * 150 + "\n",
    "import sagemaker\n" + "".join(f"x{i} = x{i - 1} + 'a'\n" for i in range(1, 3000)),
    "import sagemaker\ndef f(n=1):\n    return f(n)\nx = f()\n",
    "import sagemaker\nfrom sagemaker.estimator import Estimator\nd = {}\nd['**'] = 1\nEstimator(**d)\n",
    "\x00import sagemaker",
    "import sagemaker\n" + "a = 1 + " * 400 + "1\n",
])
def test_hostile_shapes(source):
    parsed = parse(source)
    assert not any("internal error" in i.message for i in parsed.issues)


def test_every_span_slices_the_source():
    data = ABALONE.read_bytes()
    for resource in sm.parse("p.py", data).resources:
        ast.parse(data[resource.span.start:resource.span.end].decode().strip().replace("\n", " "))
