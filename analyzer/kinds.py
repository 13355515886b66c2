"""The kinds table and the provider-defaults table, as data.

A check is written once against a canonical kind and canonical attribute paths. This table says,
per framework, which native type is that kind, where each canonical attribute lives natively and
how native values map to canonical ones; the defaults table says what the provider does when the
attribute is absent. Canonical names are snake_case; where the table is silent the canonical path
is the Terraform path, so most attributes need no row.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from analyzer.model import DEFAULT, Resource, Unknown, Value, lookup

FRAMEWORKS = ("terraform", "cloudformation", "bicep", "arm", "sagemaker")

ENABLED_DISABLED = {"Enabled": True, "Disabled": False}


@dataclass(frozen=True)
class Attr:
    native: Mapping[str, str] = field(default_factory=dict)  # framework -> native dotted path
    values: Mapping[Any, Any] = field(default_factory=dict)  # native value -> canonical value


@dataclass(frozen=True)
class Kind:
    name: str
    title: str  # how people call it: "SageMaker notebook instance"
    native: Mapping[str, str]  # framework -> native type
    attrs: Mapping[str, Attr] = field(default_factory=dict)  # canonical path -> how it is written


@dataclass(frozen=True)
class Default:
    """What the provider does when the attribute is absent, for the listed frameworks."""

    value: Any
    frameworks: tuple[str, ...]
    source: str  # where this is documented (research/defaults.md gives the evidence)


KINDS: tuple[Kind, ...] = (
    Kind(
        "aws.sagemaker.notebook_instance", "SageMaker notebook instance",
        {"terraform": "aws_sagemaker_notebook_instance"},
        {
            "direct_internet_access": Attr(values=ENABLED_DISABLED),
            "root_access": Attr(values=ENABLED_DISABLED),
        },
    ),
    Kind(
        "aws.sagemaker.domain", "SageMaker Studio domain",
        {"terraform": "aws_sagemaker_domain"},
    ),
    Kind(
        "aws.sagemaker.endpoint_configuration", "SageMaker endpoint configuration",
        {"terraform": "aws_sagemaker_endpoint_configuration"},
    ),
    Kind(
        "aws.sagemaker.model", "SageMaker model",
        {"terraform": "aws_sagemaker_model"},
    ),
    Kind(
        "aws.sagemaker.data_quality_job_definition", "SageMaker data quality job definition",
        {"terraform": "aws_sagemaker_data_quality_job_definition"},
        {
            "job_output_config.kms_key_id": Attr({"terraform": "data_quality_job_output_config.kms_key_id"}),
        },
    ),
    Kind(
        "aws.sagemaker.model_quality_job_definition", "SageMaker model quality job definition",
        {"terraform": "aws_sagemaker_model_quality_job_definition"},
        {
            "job_output_config.kms_key_id": Attr({"terraform": "model_quality_job_output_config.kms_key_id"}),
        },
    ),
    Kind(
        "aws.sagemaker.flow_definition", "SageMaker (Augmented AI) flow definition",
        {"terraform": "aws_sagemaker_flow_definition"},
    ),
    Kind(
        "aws.sagemaker.feature_group", "SageMaker feature group",
        {"terraform": "aws_sagemaker_feature_group"},
    ),
    Kind(
        "aws.sagemaker.notebook_lifecycle_configuration", "SageMaker notebook instance lifecycle configuration",
        {"terraform": "aws_sagemaker_notebook_instance_lifecycle_configuration"},
    ),
    Kind(
        "aws.sagemaker.studio_lifecycle_config", "SageMaker Studio lifecycle configuration",
        {"terraform": "aws_sagemaker_studio_lifecycle_config"},
    ),
    Kind(
        "aws.bedrock.agent", "Bedrock agent",
        {"terraform": "aws_bedrockagent_agent"},
    ),
    Kind(
        "aws.bedrock.guardrail", "Bedrock guardrail",
        {"terraform": "aws_bedrock_guardrail"},
    ),
    Kind(
        "aws.bedrock.knowledge_base", "Bedrock knowledge base",
        {"terraform": "aws_bedrockagent_knowledge_base"},
    ),
    Kind(
        "aws.bedrock.data_source", "Bedrock knowledge base data source",
        {"terraform": "aws_bedrockagent_data_source"},
    ),
    Kind(
        "aws.bedrock.custom_model", "Bedrock custom model",
        {"terraform": "aws_bedrock_custom_model"},
    ),
    Kind(
        "aws.bedrock.model_invocation_logging", "Bedrock model invocation logging configuration",
        {"terraform": "aws_bedrock_model_invocation_logging_configuration"},
    ),
    Kind(
        "aws.comprehend.entity_recognizer", "Comprehend entity recognizer",
        {"terraform": "aws_comprehend_entity_recognizer"},
    ),
    Kind(
        "aws.comprehend.document_classifier", "Comprehend document classifier",
        {"terraform": "aws_comprehend_document_classifier"},
    ),
    Kind(
        "aws.kendra.index", "Kendra index",
        {"terraform": "aws_kendra_index"},
    ),
)

TF = ("terraform",)

# kind -> canonical path -> Default. Sources: ../shared/research/defaults.md section 1.
DEFAULTS: Mapping[str, Mapping[str, tuple[Default, ...]]] = {
    "aws.sagemaker.notebook_instance": {
        "direct_internet_access": (Default(True, TF, "terraform-provider-aws notebook_instance.go: Default \"Enabled\""),),
        "root_access": (Default(True, TF, "terraform-provider-aws notebook_instance.go: Default \"Enabled\""),),
        "instance_metadata_service_configuration.minimum_instance_metadata_service_version": (
            Default("1", TF, "CreateNotebookInstance API: IMDSv1 when no value is selected (provider: Optional+Computed)"),),
    },
    "aws.sagemaker.domain": {
        "app_network_access_type": (Default("PublicInternetOnly", TF, "terraform-provider-aws domain.go: Default PublicInternetOnly"),),
    },
    "aws.sagemaker.endpoint_configuration": {
        "data_capture_config.enable_capture": (
            Default(False, TF, "terraform-provider-aws: Optional bool in a nested block, the zero value false is sent"),),
    },
    "aws.sagemaker.model": {
        "enable_network_isolation": (Default(False, TF, "CreateModel API: EnableNetworkIsolation absent is false"),),
    },
    "aws.sagemaker.data_quality_job_definition": {
        "network_config.enable_network_isolation": (Default(False, TF, "CreateDataQualityJobDefinition API: false when absent"),),
        "network_config.enable_inter_container_traffic_encryption": (
            Default(False, TF, "CreateDataQualityJobDefinition API: false when absent"),),
    },
    "aws.sagemaker.model_quality_job_definition": {
        "network_config.enable_network_isolation": (Default(False, TF, "CreateModelQualityJobDefinition API: false when absent"),),
        "network_config.enable_inter_container_traffic_encryption": (
            Default(False, TF, "CreateModelQualityJobDefinition API: false when absent"),),
    },
    "aws.sagemaker.feature_group": {
        "online_store_config.enable_online_store": (Default(False, TF, "CreateFeatureGroup API: default False"),),
    },
    # research/defaults.md section 2
    "aws.bedrock.model_invocation_logging": {
        "logging_config.text_data_delivery_enabled": (
            Default(True, TF, "terraform-provider-aws model_invocation_logging_configuration.go: Default true"),),
    },
}

BY_NAME: Mapping[str, Kind] = {k.name: k for k in KINDS}
BY_NATIVE: Mapping[tuple[str, str], str] = {
    (framework, native): kind.name for kind in KINDS for framework, native in kind.native.items()
}


def kind_of(framework: str, native_type: str) -> str:
    """The canonical kind of a native type, or "" when we have no checks for it."""
    return BY_NATIVE.get((framework, native_type), "")


def default_for(kind: str, path: str, framework: str) -> Default | None:
    for default in DEFAULTS.get(kind, {}).get(path, ()):
        if framework in default.frameworks:
            return default
    return None


def native_path(kind: str, path: str, framework: str) -> str:
    spec = BY_NAME.get(kind)
    attr = spec.attrs.get(path) if spec else None
    return attr.native.get(framework, path) if attr else path


def same(a: Any, b: Any) -> bool:
    """Equality that keeps booleans apart from numbers (True is not 1 here)."""
    return a == b and isinstance(a, bool) == isinstance(b, bool)


def native_value(kind: str, path: str, value: Any) -> Any:
    """The native spelling of a canonical value (False -> "Disabled" where the table maps it),
    or the value itself: what messages and writers show."""
    spec = BY_NAME.get(kind)
    attr = spec.attrs.get(path) if spec else None
    for native, canonical in (attr.values.items() if attr else ()):
        if same(canonical, value):
            return native
    return value


def resolve(resource: Resource, path: str) -> Value:
    """Canonical path -> Value, with value maps and provider defaults applied."""
    spec = BY_NAME.get(resource.kind)
    attr = spec.attrs.get(path) if spec else None
    value = lookup(resource.attrs, attr.native.get(resource.framework, path) if attr else path)
    if value.absent and not value.unknown:
        default = default_for(resource.kind, path, resource.framework)
        return Value(default.value, None, DEFAULT) if default else value
    if attr and attr.values and not isinstance(value.raw, Unknown):
        raw = value.raw
        if isinstance(raw, str) and raw not in attr.values:
            # providers validate exact spellings; accept other cases rather than misjudge them
            raw = next((k for k in attr.values if isinstance(k, str) and k.lower() == raw.lower()), raw)
        if raw in attr.values:
            return Value(attr.values[raw], value.span, value.origin, value.key_span)
    return value


def validate() -> None:
    """Fail loudly on a malformed table (called by the registry tests and at check load)."""
    names = [k.name for k in KINDS]
    if len(names) != len(set(names)):
        raise ValueError("duplicate kind names in KINDS")
    for kind in KINDS:
        for framework in kind.native:
            if framework not in FRAMEWORKS:
                raise ValueError(f"{kind.name}: unknown framework {framework!r}")
    for kind, paths in DEFAULTS.items():
        if kind not in BY_NAME:
            raise ValueError(f"DEFAULTS names unknown kind {kind!r}")
        for path, defaults in paths.items():
            for default in defaults:
                if not set(default.frameworks) <= set(BY_NAME[kind].native):
                    raise ValueError(f"{kind}.{path}: default for a framework the kind does not have")
