"""Plain tables shared by the SageMaker readers and writer: SDK class -> job family, SDK keyword
-> API path, pipeline step type -> kind and where its API request keeps each field.

API paths are the fields of the SageMaker API request that the SDK sends for the job
(CreateTrainingJob, CreateProcessingJob, CreateHyperParameterTuningJob, CreateTransformJob,
CreateModel): the same names `pipeline.definition()` writes in each step's `Arguments`. The SDK
keyword names were checked against sagemaker-python-sdk v2 (`sagemaker.estimator.EstimatorBase`,
`sagemaker.processing.Processor`, `sagemaker.network.NetworkConfig`, `sagemaker.model.Model`,
`sagemaker.transformer.Transformer`) and v3 (`sagemaker.train.ModelTrainer` with
`sagemaker.core.training.configs.Compute`, `Networking`, `OutputDataConfig`).
"""
from __future__ import annotations

TRAINING_JOB = "aws.sagemaker.training_job"
PROCESSING_JOB = "aws.sagemaker.processing_job"
TUNING_JOB = "aws.sagemaker.tuning_job"
TRANSFORM_JOB = "aws.sagemaker.transform_job"
MODEL = "aws.sagemaker.model"

# job families: what an SDK class builds
ESTIMATOR, TRAINER, PROCESSOR, MODEL_FAMILY, TRANSFORMER, TUNER = (
    "estimator", "trainer", "processor", "model", "transformer", "tuner")
# configuration objects whose fields land in the job that receives them
NETWORK_CONFIG, COMPUTE, NETWORKING, OUTPUT_DATA_CONFIG = "NetworkConfig", "Compute", "Networking", "OutputDataConfig"
PARAMETER, STEP, SESSION_ROLE = "parameter", "step", "role"

FAMILY_KIND = {
    ESTIMATOR: TRAINING_JOB, TRAINER: TRAINING_JOB, PROCESSOR: PROCESSING_JOB,
    MODEL_FAMILY: MODEL, TRANSFORMER: TRANSFORM_JOB, TUNER: TUNING_JOB,
}

# SDK class name (the last part of its qualified name, which must start with "sagemaker.") -> family.
_ESTIMATORS = (
    "Estimator", "EstimatorBase", "Framework", "PyTorch", "TensorFlow", "HuggingFace", "SKLearn",
    "XGBoost", "MXNet", "Chainer", "RLEstimator", "AlgorithmEstimator", "JumpStartEstimator",
    "KMeans", "PCA", "LinearLearner", "FactorizationMachines", "NTM", "LDA", "RandomCutForest",
    "KNN", "Object2Vec", "IPInsights",
)
_PROCESSORS = (
    "Processor", "ScriptProcessor", "FrameworkProcessor", "SKLearnProcessor", "PySparkProcessor",
    "SparkJarProcessor", "PyTorchProcessor", "TensorFlowProcessor", "HuggingFaceProcessor",
    "XGBoostProcessor", "MXNetProcessor",
)
_MODELS = (
    "Model", "FrameworkModel", "PyTorchModel", "TensorFlowModel", "HuggingFaceModel", "SKLearnModel",
    "XGBoostModel", "MXNetModel", "ChainerModel", "JumpStartModel",
)
CLASSES: dict[str, str] = {
    **{name: ESTIMATOR for name in _ESTIMATORS},
    **{name: PROCESSOR for name in _PROCESSORS},
    **{name: MODEL_FAMILY for name in _MODELS},
    "ModelTrainer": TRAINER,
    "Transformer": TRANSFORMER,
    "HyperparameterTuner": TUNER,
    "NetworkConfig": NETWORK_CONFIG,
    "Compute": COMPUTE,
    "Networking": NETWORKING,
    "OutputDataConfig": OUTPUT_DATA_CONFIG,
    "ParameterString": PARAMETER, "ParameterInteger": PARAMETER, "ParameterBoolean": PARAMETER,
    "ParameterFloat": PARAMETER,
    "ProcessingStep": STEP, "TrainingStep": STEP, "TuningStep": STEP, "TransformStep": STEP,
    "ModelStep": STEP, "CreateModelStep": STEP,
    "get_execution_role": SESSION_ROLE,
}

# A keyword whose value is a configuration object: (config class, API path prefix of its fields).
Nested = tuple[str, str]

# family -> SDK keyword -> API path (str) or a nested configuration object.
KEYWORDS: dict[str, dict[str, str | Nested]] = {
    ESTIMATOR: {
        "role": "RoleArn",
        "image_uri": "AlgorithmSpecification.TrainingImage",
        "instance_type": "ResourceConfig.InstanceType",
        "instance_count": "ResourceConfig.InstanceCount",
        "volume_kms_key": "ResourceConfig.VolumeKmsKeyId",
        "output_path": "OutputDataConfig.S3OutputPath",
        "output_kms_key": "OutputDataConfig.KmsKeyId",
        "enable_network_isolation": "EnableNetworkIsolation",
        "encrypt_inter_container_traffic": "EnableInterContainerTrafficEncryption",
        "subnets": "VpcConfig.Subnets",
        "security_group_ids": "VpcConfig.SecurityGroupIds",
        "environment": "Environment",
        "hyperparameters": "HyperParameters",
    },
    TRAINER: {
        "role": "RoleArn",
        "training_image": "AlgorithmSpecification.TrainingImage",
        "environment": "Environment",
        "hyperparameters": "HyperParameters",
        "compute": (COMPUTE, "ResourceConfig."),
        "networking": (NETWORKING, ""),
        "output_data_config": (OUTPUT_DATA_CONFIG, "OutputDataConfig."),
    },
    PROCESSOR: {
        "role": "RoleArn",
        "image_uri": "AppSpecification.ImageUri",
        "instance_type": "ProcessingResources.ClusterConfig.InstanceType",
        "instance_count": "ProcessingResources.ClusterConfig.InstanceCount",
        "volume_kms_key": "ProcessingResources.ClusterConfig.VolumeKmsKeyId",
        "output_kms_key": "ProcessingOutputConfig.KmsKeyId",
        "env": "Environment",
        "network_config": (NETWORK_CONFIG, "NetworkConfig."),
    },
    MODEL_FAMILY: {
        "role": "ExecutionRoleArn",
        "image_uri": "PrimaryContainer.Image",
        "model_data": "PrimaryContainer.ModelDataUrl",
        "env": "PrimaryContainer.Environment",
        "name": "ModelName",
        "enable_network_isolation": "EnableNetworkIsolation",
        "vpc_config": "VpcConfig",  # a dict already in the API's shape: {"Subnets", "SecurityGroupIds"}
    },
    TRANSFORMER: {
        "model_name": "ModelName",
        "instance_type": "TransformResources.InstanceType",
        "instance_count": "TransformResources.InstanceCount",
        "volume_kms_key": "TransformResources.VolumeKmsKeyId",
        "output_path": "TransformOutput.S3OutputPath",
        "output_kms_key": "TransformOutput.KmsKeyId",
        "env": "Environment",
    },
    NETWORK_CONFIG: {
        "enable_network_isolation": "EnableNetworkIsolation",
        "encrypt_inter_container_traffic": "EnableInterContainerTrafficEncryption",
        "subnets": "VpcConfig.Subnets",
        "security_group_ids": "VpcConfig.SecurityGroupIds",
    },
    COMPUTE: {
        "instance_type": "InstanceType",
        "instance_count": "InstanceCount",
        "volume_kms_key_id": "VolumeKmsKeyId",
    },
    NETWORKING: {
        "enable_network_isolation": "EnableNetworkIsolation",
        "enable_inter_container_traffic_encryption": "EnableInterContainerTrafficEncryption",
        "subnets": "VpcConfig.Subnets",
        "security_group_ids": "VpcConfig.SecurityGroupIds",
    },
    OUTPUT_DATA_CONFIG: {
        "s3_output_path": "S3OutputPath",
        "kms_key_id": "KmsKeyId",
    },
}

# Positional parameters, in the SDK's order, for the classes people call positionally.
POSITIONAL: dict[str, tuple[str, ...]] = {
    "Estimator": ("image_uri", "role", "instance_count", "instance_type"),
    "Processor": ("role", "image_uri", "instance_count", "instance_type"),
    "ScriptProcessor": ("role", "image_uri", "command", "instance_count", "instance_type"),
    "SKLearnProcessor": ("framework_version", "role", "instance_type", "instance_count"),
    "FrameworkProcessor": ("estimator_cls", "framework_version", "role", "instance_count", "instance_type"),
    "Model": ("image_uri", "model_data", "role"),
    "Transformer": ("model_name", "instance_count", "instance_type"),
    "HyperparameterTuner": ("estimator", "objective_metric_name", "hyperparameter_ranges"),
    "NetworkConfig": ("enable_network_isolation", "security_group_ids", "subnets", "encrypt_inter_container_traffic"),
    "ParameterString": ("name", "default_value"),
    "ParameterInteger": ("name", "default_value"),
    "ParameterBoolean": ("name", "default_value"),
    "ParameterFloat": ("name", "default_value"),
}

# Pipeline step class -> its keywords that take the job object.
STEP_JOB_KEYWORDS = ("processor", "estimator", "tuner", "transformer", "model", "model_trainer")

# Methods of a job object whose result is a step's `step_args`.
STEP_ARGS_METHODS = frozenset({"fit", "run", "train", "transform", "create", "register"})

# --- pipeline definition JSON ------------------------------------------------------------------

# step "Type" -> (kind, prefix of the job's fields inside "Arguments")
STEP_TYPES: dict[str, tuple[str, str]] = {
    "Training": (TRAINING_JOB, ""),
    "Processing": (PROCESSING_JOB, ""),
    "Tuning": (TUNING_JOB, ""),
    "Transform": (TRANSFORM_JOB, ""),
    "Model": (MODEL, ""),  # CreateModelStep, and ModelStep(step_args=model.create()) as "<name>-CreateModel"
}
