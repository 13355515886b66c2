"""Checks on the jobs of SageMaker pipeline code (AIP130-AIP137): training, processing, tuning and
batch transform jobs, and the models they create, read from SDK code (`pipeline.py`) and from
pipeline definition JSON by parsers/sagemaker.

Sources: ../shared/research/anchor-checks.md section 7 items 12, 38, 39 and 43 (no anchor reads
pipeline code); the API's rule that an absent boolean is false is in analyzer/kinds.py DEFAULTS.
Messages name the SDK keyword the user writes (a job's meta["keywords"]) and say "in the code": a
SageMaker configuration file (intelligent defaults) may still set what the code leaves out.
"""
from __future__ import annotations

import json
import re
from typing import Iterable

from analyzer import kinds, secrets
from analyzer.check import (
    Applicability,
    Check,
    Context,
    Result,
    Rule,
    Severity,
    Status,
    bad,
    good,
    set_attr,
    unknown_result,
)
from analyzer.model import Resource, Unknown, Value

TRAINING_JOB = "aws.sagemaker.training_job"
PROCESSING_JOB = "aws.sagemaker.processing_job"
TUNING_JOB = "aws.sagemaker.tuning_job"
TRANSFORM_JOB = "aws.sagemaker.transform_job"
MODEL = "aws.sagemaker.model"

NETWORKED_JOBS = (TRAINING_JOB, PROCESSING_JOB, TUNING_JOB)
STORAGE_JOBS = (TRAINING_JOB, PROCESSING_JOB, TUNING_JOB, TRANSFORM_JOB)

OWASP_ML = "owasp-ml"
SECURITY_HUB = "aws-securityhub"
CWE = "cwe"
SH_DOC = "https://docs.aws.amazon.com/securityhub/latest/userguide/sagemaker-controls.html"
PY = "pipeline.py"
JSON = "pipeline.json"

# Canonical paths that differ on the model kind (its canonical names are Terraform's).
_MODEL_PATHS = {"environment": "primary_container.environment", "image_uri": "primary_container.image",
                "role": "execution_role_arn"}


def _path(resource: Resource, path: str) -> str:
    return _MODEL_PATHS.get(path, path) if resource.kind == MODEL else path


def _get(resource: Resource, path: str) -> Value:
    return resource.get(path)


def keyword(resource: Resource, path: str) -> str:
    """The name the user writes: the SDK keyword in Python, the API path in a definition."""
    native = kinds.native_path(resource.kind, path, resource.framework)
    return resource.meta.get("keywords", {}).get(native, native)


def _in_code(resource: Resource) -> str:
    return "in the pipeline definition" if resource.meta.get("definition") else "in the code"


# --- rules ----------------------------------------------------------------------------------------


def flag(path: str, what: str) -> Rule:
    """PASS when the boolean at `path` is true; absent is false (the API's default)."""

    def rule(resource: Resource, context: Context) -> Iterable[Result]:
        value = resource.get(path)
        name = keyword(resource, path)
        if isinstance(value.raw, Unknown):
            yield unknown_result(resource, path, value)
        elif value.raw is True:
            yield Result(Status.PASS, f"`{name}` is true", path, value.span)
        elif value.absent:
            yield Result(Status.FAIL, f"`{name}` is not set {_in_code(resource)}, so the job runs {what} "
                                      "(the default is false)", path, None)
        else:
            shown = repr(value.raw) if not resource.meta.get("definition") else json.dumps(value.raw)
            yield Result(Status.FAIL, f"`{name}` is {shown}: the job runs {what}", path, value.span)

    return rule


def written(path: str, what: str) -> Rule:
    """PASS when `path` is set to a non-empty value; a reference resolved only at run time (a
    pipeline parameter without default, an environment variable) is UNKNOWN."""

    def rule(resource: Resource, context: Context) -> Iterable[Result]:
        value = resource.get(path)
        name = keyword(resource, path)
        if isinstance(value.raw, Unknown):
            yield unknown_result(resource, path, value)
        elif value.raw in (None, "", [], {}):
            state = f"is not set {_in_code(resource)}" if value.absent else "is empty"
            yield Result(Status.FAIL, f"`{name}` {state}: {what}", path, value.span)
        else:
            yield Result(Status.PASS, f"`{name}` is set", path, value.span)

    return rule


# --- secrets in environment variables and hyperparameters ---------------------------------------

# Names that say the value is a credential: whole words of the name (MAX_TOKENS is not TOKEN).
_SECRET_WORDS = frozenset({"SECRET", "SECRETS", "TOKEN", "PASSWORD", "PASSWD", "PWD", "APIKEY", "CREDENTIAL",
                           "CREDENTIALS", "PRIVATEKEY"})
_SECRET_PAIRS = (("API", "KEY"), ("ACCESS", "KEY"), ("PRIVATE", "KEY"), ("SECRET", "KEY"), ("AUTH", "KEY"))
# Names that hold a pointer to a secret, not the secret.
_POINTER_WORDS = frozenset({"ARN", "NAME", "ID", "PATH", "FILE", "URL", "URI", "ENDPOINT", "REGION", "PARAMETER"})
_PLACEHOLDER = re.compile(r"x{4,}|\.\.\.|<[^>]*>|\$\{|\{\{|changeme|example|dummy|placeholder|your[_-]", re.IGNORECASE)


def mask(value: str) -> str:
    """At most the first 4 and the last 2 characters of a secret (fewer for a short one)."""
    return secrets.redact(value)


def _unquoted(value: str) -> str:
    text = value.strip()
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return text[1:-1]  # the SDK sends framework hyperparameters JSON-encoded
    return text


def secret_kind(name: str, value: str) -> str | None:
    """What the literal `value` of the variable `name` is, when it is a credential."""
    text = _unquoted(value)
    # an AI provider's key by its format (the key scanner's detectors; the name gives the context)
    hits = secrets.scan_text("job.env", f"{name}={text}\n".encode("utf-8", "replace")).hits
    if hits:
        provider = hits[0].provider
        return f"{'an' if provider[:1].lower() in 'aeiou' else 'a'} {provider} key"
    words = [w for w in re.split(r"[^A-Za-z0-9]+|(?<=[a-z])(?=[A-Z])", name) if w]
    upper = [w.upper() for w in words]
    named = bool(_SECRET_WORDS & set(upper)) or any(
        a in upper and b in upper and upper.index(a) < upper.index(b) for a, b in _SECRET_PAIRS)
    if not named or (upper and upper[-1] in _POINTER_WORDS):
        return None
    if len(text) < 6 or text.lower() in ("true", "false", "none", "null") or text.isdigit():
        return None
    if _PLACEHOLDER.search(text) or text.startswith(("arn:", "/", "s3://", "{{resolve:")):
        return None
    return "a literal secret"


def _secrets(resource: Resource, context: Context) -> Iterable[Result]:
    paths = [_path(resource, "environment")]
    if resource.kind in (TRAINING_JOB, TUNING_JOB):
        paths.append("hyperparameters")
    found = False
    for path in paths:
        value = _get(resource, path)
        if not isinstance(value.raw, dict):
            continue
        where = keyword(resource, path) if resource.kind != MODEL else (
            "env" if resource.framework == "sagemaker" and not resource.meta.get("definition") else path)
        for name, item in value.raw.items():
            if not isinstance(item.raw, str):
                continue
            label = secret_kind(name, item.raw)
            if label is None:
                continue
            found = True
            yield Result(Status.FAIL, f"`{name}` in `{where}` is {label} written in the code "
                                      f"(`{mask(_unquoted(item.raw))}`): anyone who can read the code or "
                                      "describe the job can read it", f"{path}.{name}", item.span)
    if not found:
        yield Result(Status.PASS, "no literal secret in the job's environment or hyperparameters")


# --- roles and images ----------------------------------------------------------------------------

_ROLE_ARN = re.compile(r"arn:aws[a-z-]*:iam::\d{12}:role/(?:[\w+=,.@-]+/)*([\w+=,.@-]+)")
_ADMIN = re.compile(r"admin|fullaccess|poweruser", re.IGNORECASE)
_ECR = re.compile(r"\d{12}\.dkr\.ecr(?:-fips)?\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?")


def _admin_role(resource: Resource, context: Context) -> Iterable[Result]:
    path = _path(resource, "role")
    value = _get(resource, path)
    if not isinstance(value.raw, str):
        return  # a reference: its policies are judged where the role is defined
    match = _ROLE_ARN.fullmatch(value.raw.strip())
    if match and _ADMIN.search(match.group(1)):
        yield Result(Status.FAIL, f"`{keyword(resource, path)}` is the role `{match.group(1)}`, whose name "
                                  "suggests administrator or full-access rights: a job runs user code with "
                                  "every permission of its role", path, value.span)
    else:
        yield Result(Status.PASS, "the execution role's name does not suggest administrator rights", path, value.span)


def registry(image: str) -> str:
    """The registry host of an image reference (Docker's rules: the first part is a host when it
    has a dot or a port, or is localhost; else the image is on Docker Hub)."""
    first, slash, _ = image.partition("/")
    if slash and ("." in first or ":" in first or first == "localhost"):
        return first
    return "docker.io"


def _image(resource: Resource, context: Context) -> Iterable[Result]:
    path = _path(resource, "image_uri")
    value = _get(resource, path)
    if not isinstance(value.raw, str) or not value.raw.strip():
        return  # unset (the SDK picks an AWS image) or resolved only at run time
    host = registry(value.raw.strip())
    if _ECR.fullmatch(host):
        yield Result(Status.PASS, "the image is pulled from Amazon ECR", path, value.span)
    else:
        yield Result(Status.FAIL, f"`{keyword(resource, path)}` pulls `{value.raw.strip()}` from `{host}`, a "
                                  "registry outside Amazon ECR: the image can change without a trace in your "
                                  "account and is not scanned there", path, value.span)


# --- examples ----------------------------------------------------------------------------------

_ESTIMATOR = '''
    from sagemaker.estimator import Estimator

    estimator = Estimator(
        image_uri="763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.3-gpu-py311",
        role="arn:aws:iam::111122223333:role/ml-training",
        instance_count=2,
        instance_type="ml.g5.xlarge",
        subnets=["subnet-0a1b2c3d"],
        security_group_ids=["sg-0a1b2c3d"],
        volume_kms_key="alias/ml-volumes",
        output_kms_key="alias/ml-artifacts",
{extra}    )
'''


def _estimator(extra: str = "") -> str:
    return _ESTIMATOR.replace("{extra}", extra)


_SECURE_ESTIMATOR = _estimator("        enable_network_isolation=True,\n        encrypt_inter_container_traffic=True,\n")

_PROCESSOR = '''
    from sagemaker.network import NetworkConfig
    from sagemaker.processing import ScriptProcessor

    network = NetworkConfig(
        subnets=["subnet-0a1b2c3d"],
        security_group_ids=["sg-0a1b2c3d"],
{network}    )
    processor = ScriptProcessor(
        role="arn:aws:iam::111122223333:role/ml-processing",
        image_uri="111122223333.dkr.ecr.us-east-1.amazonaws.com/preprocess:1.4",
        command=["python3"],
        instance_count=1,
        instance_type="ml.m5.xlarge",
        volume_kms_key="alias/ml-volumes",
        output_kms_key="alias/ml-artifacts",
        network_config=network,
    )
'''


def _processor(network: str) -> str:
    return _PROCESSOR.replace("{network}", network)


def _definition(arguments: str, step_type: str = "Training", name: str = "Train") -> str:
    return '''
        {
          "Version": "2020-12-01",
          "Parameters": [],
          "Steps": [
            {
              "Name": "%s",
              "Type": "%s",
              "Arguments": %s
            }
          ]
        }
    ''' % (name, step_type, arguments.strip().replace("\n", "\n              "))


_TRAIN_ARGS = '''{
  "AlgorithmSpecification": {
    "TrainingImage": "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.3-gpu-py311",
    "TrainingInputMode": "File"
  },
  "RoleArn": "arn:aws:iam::111122223333:role/ml-training",
  "OutputDataConfig": {"S3OutputPath": "s3://ml-artifacts/train"%s},
  "ResourceConfig": {"InstanceCount": 2, "InstanceType": "ml.g5.xlarge", "VolumeSizeInGB": 30%s},
  "StoppingCondition": {"MaxRuntimeInSeconds": 86400},
  "VpcConfig": {"Subnets": ["subnet-0a1b2c3d"], "SecurityGroupIds": ["sg-0a1b2c3d"]}%s
}'''


def _train_args(output_kms: bool = True, volume_kms: bool = True, extra: str = "") -> str:
    return _TRAIN_ARGS % (', "KmsKeyId": "alias/ml-artifacts"' if output_kms else "",
                          ', "VolumeKmsKeyId": "alias/ml-volumes"' if volume_kms else "", extra)


_TRAINER = '''
    from sagemaker.train import ModelTrainer
    from sagemaker.train.configs import Compute, Networking

    trainer = ModelTrainer(
        training_image="111122223333.dkr.ecr.us-east-1.amazonaws.com/train:1",
        role="arn:aws:iam::111122223333:role/ml-training",
        compute=Compute(instance_type="ml.g5.xlarge", instance_count=4),
        networking=Networking(
            subnets=["subnet-0a1b2c3d"],
            security_group_ids=["sg-0a1b2c3d"],
            enable_network_isolation=True,
            enable_inter_container_traffic_encryption=%s,
        ),
    )
'''

_ISOLATED = ',\n  "EnableNetworkIsolation": true,\n  "EnableInterContainerTrafficEncryption": true'


# --- the checks -------------------------------------------------------------------------------------

JOB_NETWORK_ISOLATION = Check(
    id="AIP130",
    name="sagemaker-job-network-isolation",
    title="SageMaker training, processing and tuning jobs run with network isolation",
    severity=Severity.MEDIUM,
    kinds=NETWORKED_JOBS,
    rule=flag("enable_network_isolation", "without network isolation"),
    description=(
        "Without network isolation a job's containers can make outbound calls: a training script, a "
        "third-party algorithm or a poisoned dependency can send the training data or model "
        "anywhere, or fetch code. The API's default is false, and pipeline code that never passes "
        "`enable_network_isolation` (`NetworkConfig(enable_network_isolation=...)` for processors, "
        "`Networking(...)` for ModelTrainer) runs without it. Data still reaches the job through "
        "SageMaker's channels when it is isolated."
    ),
    remediation=set_attr("enable_network_isolation", True),
    fix_safety=Applicability.UNSAFE,  # jobs that download packages or call services at run time stop working
    references=("https://docs.aws.amazon.com/sagemaker/latest/dg/mkt-algo-model-internet-free.html", SH_DOC),
    compliance={SECURITY_HUB: ("SageMaker.14", "SageMaker.15"), OWASP_ML: ("ML06", "ML10")},
    anchors=("Prowler sagemaker_training_jobs_network_isolation_enabled (runtime)",),
    examples=(
        bad("sagemaker", _estimator(), filename=PY, fixed=_estimator("        enable_network_isolation=True,\n")),
        bad("sagemaker", _estimator("        enable_network_isolation=False,\n"), filename=PY,
            fixed=_estimator("        enable_network_isolation=True,\n")),
        bad("sagemaker", _processor("        enable_network_isolation=False,\n"), filename=PY,
            fixed=_processor("        enable_network_isolation=True,\n")),
        bad("sagemaker", '''
            from sagemaker.estimator import Estimator
            from sagemaker.tuner import HyperparameterTuner, IntegerParameter

            estimator = Estimator(image_uri="111122223333.dkr.ecr.us-east-1.amazonaws.com/xgb:1", role="arn:aws:iam::111122223333:role/ml-training")
            tuner = HyperparameterTuner(estimator, "validation:auc", {"max_depth": IntegerParameter(3, 10)})
        ''', filename=PY, fixed='''
            from sagemaker.estimator import Estimator
            from sagemaker.tuner import HyperparameterTuner, IntegerParameter

            estimator = Estimator(image_uri="111122223333.dkr.ecr.us-east-1.amazonaws.com/xgb:1", role="arn:aws:iam::111122223333:role/ml-training", enable_network_isolation=True)
            tuner = HyperparameterTuner(estimator, "validation:auc", {"max_depth": IntegerParameter(3, 10)})
        '''),
        good("sagemaker", _SECURE_ESTIMATOR, filename=PY),
        good("sagemaker", _processor("        enable_network_isolation=True,\n        encrypt_inter_container_traffic=True,\n"),
             filename=PY),
        good("sagemaker", '''
            from sagemaker.train import ModelTrainer
            from sagemaker.train.configs import Networking

            trainer = ModelTrainer(
                training_image="111122223333.dkr.ecr.us-east-1.amazonaws.com/train:1",
                role="arn:aws:iam::111122223333:role/ml-training",
                networking=Networking(enable_network_isolation=True, subnets=["subnet-0a1b2c3d"]),
            )
        ''', filename=PY),
        good("sagemaker", _definition(_train_args(extra=_ISOLATED)), filename=JSON),
    ),
)

JOB_INTER_CONTAINER_ENCRYPTION = Check(
    id="AIP131",
    name="sagemaker-job-inter-container-encryption",
    title="SageMaker training, processing and tuning jobs encrypt traffic between their instances",
    severity=Severity.MEDIUM,
    kinds=NETWORKED_JOBS,
    rule=flag("encrypt_inter_container_traffic", "with traffic between its instances in clear text"),
    description=(
        "Distributed training and processing jobs exchange data, gradients and model weights "
        "between instances. Unless `encrypt_inter_container_traffic` is true that traffic is not "
        "encrypted; the API's default is false."
    ),
    remediation=set_attr("encrypt_inter_container_traffic", True),
    fix_safety=Applicability.SAFE,  # encryption in transit only; distributed jobs run slightly slower
    references=("https://docs.aws.amazon.com/sagemaker/latest/dg/train-encrypt.html", SH_DOC),
    compliance={SECURITY_HUB: ("SageMaker.13",), OWASP_ML: ("ML02",)},
    anchors=("Prowler sagemaker_training_jobs_intercontainer_encryption_enabled (runtime)",),
    examples=(
        bad("sagemaker", _estimator("        enable_network_isolation=True,\n"), filename=PY,
            fixed=_estimator("        enable_network_isolation=True,\n        encrypt_inter_container_traffic=True,\n")),
        bad("sagemaker", _TRAINER % "False", filename=PY, fixed=_TRAINER % "True"),
        good("sagemaker", _SECURE_ESTIMATOR, filename=PY),
        good("sagemaker", _definition(_train_args(extra=_ISOLATED)), filename=JSON),
    ),
)

JOB_VOLUME_CMK = Check(
    id="AIP132",
    name="sagemaker-job-volume-cmk",
    title="SageMaker job storage volumes are encrypted with a customer-managed KMS key",
    severity=Severity.LOW,
    kinds=STORAGE_JOBS,
    rule=written("volume_kms_key", "the job's ML storage volumes (training data, checkpoints, scratch "
                                   "space) are encrypted with an AWS managed key"),
    description=(
        "Training, processing, tuning and transform instances copy their input data to attached "
        "ML storage volumes. Without `volume_kms_key` (`Compute(volume_kms_key_id=...)` for "
        "ModelTrainer) those volumes are encrypted with an AWS managed key that you cannot "
        "restrict, audit separately or revoke."
    ),
    remediation=None,  # the key is the user's to choose
    references=("https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ResourceConfig.html",),
    compliance={OWASP_ML: ("ML02",)},
    anchors=(),
    examples=(
        bad("sagemaker", _ESTIMATOR.replace('        volume_kms_key="alias/ml-volumes",\n', "").replace("{extra}", ""),
            filename=PY),
        bad("sagemaker", _definition(_train_args(volume_kms=False)), filename=JSON),
        bad("sagemaker", _definition('''{
  "ModelName": "churn-model",
  "TransformInput": {"DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": "s3://ml-data/batch"}}},
  "TransformOutput": {"S3OutputPath": "s3://ml-artifacts/batch", "KmsKeyId": "alias/ml-artifacts"},
  "TransformResources": {"InstanceCount": 1, "InstanceType": "ml.m5.large"}
}''', "Transform", "Score"), filename=JSON),
        good("sagemaker", _SECURE_ESTIMATOR, filename=PY),
        good("sagemaker", _definition(_train_args()), filename=JSON),
        good("sagemaker", '''
            from sagemaker.transformer import Transformer

            transformer = Transformer(
                model_name="churn-model",
                instance_count=1,
                instance_type="ml.m5.large",
                output_path="s3://ml-artifacts/batch",
                output_kms_key="alias/ml-artifacts",
                volume_kms_key="alias/ml-volumes",
            )
        ''', filename=PY),
    ),
)

JOB_OUTPUT_CMK = Check(
    id="AIP133",
    name="sagemaker-job-output-cmk",
    title="SageMaker job outputs are encrypted with a customer-managed KMS key",
    severity=Severity.LOW,
    kinds=STORAGE_JOBS,
    rule=written("output_kms_key", "model artifacts and job outputs are written to S3 with the bucket's "
                                   "default encryption"),
    description=(
        "Training jobs write model artifacts, processing jobs their outputs and transform jobs "
        "their predictions to S3. Without `output_kms_key` (`OutputDataConfig(kms_key_id=...)` for "
        "ModelTrainer) they are encrypted with the bucket's default key, which you cannot restrict "
        "to the people allowed to read models and predictions."
    ),
    remediation=None,  # the key is the user's to choose
    references=("https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_OutputDataConfig.html",),
    compliance={OWASP_ML: ("ML02",)},
    anchors=(),
    examples=(
        bad("sagemaker", _ESTIMATOR.replace('        output_kms_key="alias/ml-artifacts",\n', "").replace("{extra}", ""),
            filename=PY),
        bad("sagemaker", '''
            from sagemaker.train import ModelTrainer
            from sagemaker.train.configs import Compute, OutputDataConfig

            trainer = ModelTrainer(
                training_image="111122223333.dkr.ecr.us-east-1.amazonaws.com/train:1",
                role="arn:aws:iam::111122223333:role/ml-training",
                compute=Compute(instance_type="ml.g5.xlarge", volume_kms_key_id="alias/ml-volumes"),
                output_data_config=OutputDataConfig(s3_output_path="s3://ml-artifacts/train"),
            )
        ''', filename=PY),
        bad("sagemaker", _definition(_train_args(output_kms=False)), filename=JSON),
        good("sagemaker", _SECURE_ESTIMATOR, filename=PY),
        good("sagemaker", _definition(_train_args()), filename=JSON),
    ),
)

JOB_VPC = Check(
    id="AIP134",
    name="sagemaker-job-vpc",
    title="SageMaker training, processing and tuning jobs run in your VPC",
    severity=Severity.MEDIUM,
    kinds=NETWORKED_JOBS,
    rule=written("vpc_config.subnets", "the job runs in a network SageMaker manages, outside your "
                                       "security groups, VPC endpoints and flow logs"),
    description=(
        "A job without `subnets` and `security_group_ids` runs in a network SageMaker manages: "
        "unless it is isolated it reaches the internet, and its traffic to S3 and other services "
        "bypasses your VPC endpoints, endpoint policies and flow logs."
    ),
    remediation=None,  # subnets and security groups are the user's to choose
    references=("https://docs.aws.amazon.com/sagemaker/latest/dg/train-vpc.html",),
    compliance={OWASP_ML: ("ML06",)},
    anchors=(),
    examples=(
        bad("sagemaker", _ESTIMATOR.replace('        subnets=["subnet-0a1b2c3d"],\n', "")
            .replace('        security_group_ids=["sg-0a1b2c3d"],\n', "").replace("{extra}", ""), filename=PY),
        bad("sagemaker", _definition(_train_args().replace(
            ',\n  "VpcConfig": {"Subnets": ["subnet-0a1b2c3d"], "SecurityGroupIds": ["sg-0a1b2c3d"]}', "")),
            filename=JSON),
        good("sagemaker", _SECURE_ESTIMATOR, filename=PY),
        good("sagemaker", _processor(""), filename=PY),
        good("sagemaker", _definition(_train_args()), filename=JSON),
    ),
)

_TF_MODEL = '''
    resource "aws_sagemaker_model" "chat" {
      name               = "chat"
      execution_role_arn = %s

      primary_container {
        image          = %s
        model_data_url = "s3://models/chat/model.tar.gz"%s
      }
    }
'''
_ROLE_REF = "aws_iam_role.inference.arn"
_CFN_MODEL = '''
    Resources:
      InferenceRole:
        Type: AWS::IAM::Role
        Properties:
          AssumeRolePolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Principal: {Service: sagemaker.amazonaws.com}
                Action: sts:AssumeRole
      ChatModel:
        Type: AWS::SageMaker::Model
        Properties:
          ExecutionRoleArn: %s
          PrimaryContainer:
            Image: %s
            ModelDataUrl: s3://models/chat/model.tar.gz%s
'''
_CFN_ENV = """
            Environment:
              HF_MODEL_ID: meta-llama/Llama-3.1-8B-Instruct
              HF_TOKEN: %s"""
_DLC = '"763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-inference:2.1-gpu-py310"'

JOB_SECRETS = Check(
    id="AIP135",
    name="sagemaker-job-secret-in-environment",
    title="SageMaker jobs and models get no secrets as literal environment variables or hyperparameters",
    severity=Severity.HIGH,
    kinds=(*STORAGE_JOBS, MODEL),
    rule=_secrets,
    secret=True,
    description=(
        "Environment variables and hyperparameters of jobs and models are stored in plain text in "
        "the job or model description: anyone allowed to describe them (and anyone who reads the "
        "pipeline code or its definition) reads an API key written there. AI provider keys (`sk-`, "
        "`sk-ant-`, `hf_`...) and variables named like *API_KEY*, *SECRET*, *TOKEN* or *PASSWORD* "
        "with a literal value are reported; the value is masked. Read the secret at run time from "
        "Secrets Manager with the execution role instead."
    ),
    remediation=None,  # the secret must move to a secret store and be rotated
    references=(
        "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateTrainingJob.html#sagemaker-CreateTrainingJob-request-HyperParameters",
        "https://cwe.mitre.org/data/definitions/798.html",
    ),
    compliance={CWE: ("CWE-798",), OWASP_ML: ("ML06",)},
    anchors=("Prowler #11843 / Mondoo #2383 (runtime, hyperparameters)", "Trivy hf_ rule (files only)"),
    examples=(
        bad("sagemaker", _estimator('        environment={"HF_TOKEN": "hf_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"},\n'),
            filename=PY),
        bad("sagemaker", _estimator('        hyperparameters={"epochs": 3, "wandb_api_key": "local-dev-only-3f9a1c2e"},\n'),
            filename=PY),
        bad("sagemaker", '''
            from sagemaker.huggingface import HuggingFaceModel

            model = HuggingFaceModel(
                role="arn:aws:iam::111122223333:role/ml-inference",
                model_data="s3://models/chat/model.tar.gz",
                transformers_version="4.37",
                pytorch_version="2.1",
                py_version="py310",
                env={"OPENAI_API_KEY": "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7cDe0fGh"},
            )
        ''', filename=PY),
        bad("sagemaker", _definition('''{
  "AppSpecification": {"ImageUri": "111122223333.dkr.ecr.us-east-1.amazonaws.com/prep:1"},
  "ProcessingResources": {"ClusterConfig": {"InstanceCount": 1, "InstanceType": "ml.m5.xlarge", "VolumeSizeInGB": 30}},
  "RoleArn": "arn:aws:iam::111122223333:role/ml-processing",
  "Environment": {"DB_PASSWORD": "Tr0ub4dor&3-horse"}
}''', "Processing", "Prepare"), filename=JSON),
        bad("terraform", _TF_MODEL % (_ROLE_REF, _DLC, '''

        environment = {
          HF_MODEL_ID = "meta-llama/Llama-3.1-8B-Instruct"
          HF_TOKEN    = "hf_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"
        }''')),
        good("sagemaker", _estimator('        environment={"HF_TOKEN_SECRET_ARN": "arn:aws:secretsmanager:us-east-1:111122223333:secret:hf"},\n'
                                     '        hyperparameters={"max_tokens": 512, "api_key": os.environ.get("API_KEY")},\n')
             .replace("from sagemaker.estimator import Estimator", "import os\n    from sagemaker.estimator import Estimator"),
             filename=PY),
        good("sagemaker", _definition(_train_args()), filename=JSON),
        good("terraform", _TF_MODEL % (_ROLE_REF, _DLC, '''

        environment = {
          HF_MODEL_ID = "meta-llama/Llama-3.1-8B-Instruct"
          HF_TOKEN    = var.hf_token
        }''')),
        bad("cloudformation", _CFN_MODEL % ("!GetAtt InferenceRole.Arn", _DLC.strip('"'), _CFN_ENV % "hf_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789")),
        good("cloudformation", _CFN_MODEL % ("!GetAtt InferenceRole.Arn", _DLC.strip('"'),
                                             _CFN_ENV % "'{{resolve:secretsmanager:hf-token}}'")),
    ),
)

JOB_ADMIN_ROLE = Check(
    id="AIP136",
    name="sagemaker-job-admin-role",
    title="SageMaker jobs and models do not run with an administrator role",
    severity=Severity.MEDIUM,
    kinds=(TRAINING_JOB, PROCESSING_JOB, TUNING_JOB, MODEL),
    rule=_admin_role,
    description=(
        "A job or model runs user code (training scripts, processing code, third-party "
        "containers, model artifacts that can hold pickles) with every permission of its "
        "execution role. A role whose name says Admin, FullAccess or PowerUser usually grants far "
        "more than reading its data and writing its artifacts. The name is a hint, not proof: "
        "give each job a role scoped to its buckets and keys."
    ),
    remediation=None,
    references=("https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-roles.html",),
    compliance={OWASP_ML: ("ML06",), CWE: ("CWE-250",)},
    anchors=("Prowler bedrock_full_access_policy_attached (runtime, managed policies)",),
    examples=(
        bad("sagemaker", _ESTIMATOR.replace('"arn:aws:iam::111122223333:role/ml-training"', "execution_role_arn")
            .replace("{extra}", "").replace("\n\n", '\n\n    execution_role_arn = "arn:aws:iam::111122223333:role/SageMakerAdminRole"\n', 1),
            filename=PY),
        bad("sagemaker", _definition(_train_args().replace("role/ml-training", "role/service-role/AmazonSageMakerFullAccess")),
            filename=JSON),
        bad("terraform", _TF_MODEL % ('"arn:aws:iam::111122223333:role/Admin"', _DLC, "")),
        bad("cloudformation", _CFN_MODEL % ("arn:aws:iam::111122223333:role/Admin", _DLC.strip('"'), "")),
        good("sagemaker", _SECURE_ESTIMATOR, filename=PY),
        good("sagemaker", _definition(_train_args()), filename=JSON),
        good("terraform", _TF_MODEL % ('"arn:aws:iam::111122223333:role/chat-inference"', _DLC, "")),
        good("cloudformation", _CFN_MODEL % ("!GetAtt InferenceRole.Arn", _DLC.strip('"'), "")),
    ),
)

JOB_IMAGE_REGISTRY = Check(
    id="AIP137",
    name="sagemaker-job-image-outside-ecr",
    title="SageMaker jobs and models use container images from Amazon ECR",
    severity=Severity.MEDIUM,
    kinds=(TRAINING_JOB, PROCESSING_JOB, TUNING_JOB, MODEL),
    rule=_image,
    description=(
        "An image pulled from Docker Hub, ECR Public or another outside registry can be replaced "
        "by whoever controls that repository, and it is not scanned by your ECR image scanning. "
        "Copy the image to a private ECR repository in your account and pin it by digest."
    ),
    remediation=None,
    references=("https://docs.aws.amazon.com/sagemaker/latest/dg/docker-containers.html",),
    compliance={OWASP_ML: ("ML06",)},
    anchors=(),
    examples=(
        bad("sagemaker", _processor("        enable_network_isolation=True,\n")
            .replace("111122223333.dkr.ecr.us-east-1.amazonaws.com/preprocess:1.4", "python:3.11-slim"), filename=PY),
        bad("sagemaker", _definition(_train_args().replace(
            "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.3-gpu-py311",
            "ghcr.io/acme/trainer:latest")), filename=JSON),
        bad("terraform", _TF_MODEL % (_ROLE_REF, '"public.ecr.aws/acme/chat-server:1.2"', "")),
        bad("cloudformation", _CFN_MODEL % ("!GetAtt InferenceRole.Arn", "acme/chat-server:1.2", "")),
        good("sagemaker", _SECURE_ESTIMATOR, filename=PY),
        good("sagemaker", _definition(_train_args()), filename=JSON),
        good("terraform", _TF_MODEL % (_ROLE_REF, _DLC, "")),
        good("cloudformation", _CFN_MODEL % ("!GetAtt InferenceRole.Arn", _DLC.strip('"'), "")),
    ),
)

CHECKS: tuple[Check, ...] = (
    JOB_NETWORK_ISOLATION,
    JOB_INTER_CONTAINER_ENCRYPTION,
    JOB_VOLUME_CMK,
    JOB_OUTPUT_CMK,
    JOB_VPC,
    JOB_SECRETS,
    JOB_ADMIN_ROLE,
    JOB_IMAGE_REGISTRY,
)
