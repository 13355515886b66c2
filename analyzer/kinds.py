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

from analyzer.model import DEFAULT, Resource, Value, lookup

FRAMEWORKS = ("terraform", "cloudformation", "bicep", "arm", "sagemaker")

ENABLED_DISABLED = {"Enabled": True, "Disabled": False}
# Booleans: CloudFormation (and Terraform) also take the strings "true" and "false".
TRUE_FALSE = {True: True, False: False, "true": True, "false": False}
# A boolean of the opposite sense: ARM's `disableLocalAuth` read as Terraform's `local_auth_enabled`
# (limit it with `values_for` where Terraform writes the canonical boolean itself).
INVERTED = {True: False, False: True, "true": False, "false": True}
# A SageMaker IMDS version is a string; YAML reads an unquoted 2 as a number.
IMDS_VERSION = {"1": "1", "2": "2", 1: "1", 2: "2"}


@dataclass(frozen=True)
class Attr:
    native: Mapping[str, str] = field(default_factory=dict)  # framework -> native dotted path
    values: Mapping[Any, Any] = field(default_factory=dict)  # native value -> canonical value
    # the frameworks whose spelling `values` translates (empty: all); e.g. ARM's "Disabled" for a
    # setting Terraform writes as the boolean itself
    values_for: tuple[str, ...] = ()

    def maps(self, framework: str) -> Mapping[Any, Any]:
        """The value map for a framework (read under its dialect: azapi is ARM)."""
        if self.values_for and (ARM if framework == AZAPI else framework) not in self.values_for:
            return {}
        return self.values


@dataclass(frozen=True)
class Kind:
    name: str
    title: str  # how people call it: "SageMaker notebook instance"
    native: Mapping[str, str]  # framework -> native type
    attrs: Mapping[str, Attr] = field(default_factory=dict)  # canonical path -> how it is written


def _sagemaker_monitoring_job(resources: str, network: str) -> dict[str, Attr]:
    """The CloudFormation paths a SageMaker model monitoring job shares across its resource types,
    below its resources and network blocks."""
    return {
        "job_resources.cluster_config.volume_kms_key_id": Attr(
            {"cloudformation": f"{resources}.ClusterConfig.VolumeKmsKeyId"}),
        "network_config.enable_inter_container_traffic_encryption": Attr(
            {"cloudformation": f"{network}.EnableInterContainerTrafficEncryption"}, values=TRUE_FALSE),
        "network_config.enable_network_isolation": Attr({"cloudformation": f"{network}.EnableNetworkIsolation"},
                                                        values=TRUE_FALSE),
    }


@dataclass(frozen=True)
class Default:
    """What the provider does when the attribute is absent, for the listed frameworks."""

    value: Any
    frameworks: tuple[str, ...]
    source: str  # where this is documented (research/defaults.md gives the evidence)


KINDS: tuple[Kind, ...] = (
    Kind(
        "aws.sagemaker.notebook_instance", "SageMaker notebook instance",
        {"terraform": "aws_sagemaker_notebook_instance", "cloudformation": "AWS::SageMaker::NotebookInstance"},
        {
            "direct_internet_access": Attr({"cloudformation": "DirectInternetAccess"}, values=ENABLED_DISABLED),
            "root_access": Attr({"cloudformation": "RootAccess"}, values=ENABLED_DISABLED),
            "subnet_id": Attr({"cloudformation": "SubnetId"}),
            "kms_key_id": Attr({"cloudformation": "KmsKeyId"}),
            "instance_metadata_service_configuration.minimum_instance_metadata_service_version": Attr(
                {"cloudformation": "InstanceMetadataServiceConfiguration.MinimumInstanceMetadataServiceVersion"},
                values=IMDS_VERSION),
            "platform_identifier": Attr({"cloudformation": "PlatformIdentifier"}),
        },
    ),
    Kind(
        "aws.sagemaker.domain", "SageMaker Studio domain",
        {"terraform": "aws_sagemaker_domain", "cloudformation": "AWS::SageMaker::Domain"},
        {
            "app_network_access_type": Attr({"cloudformation": "AppNetworkAccessType"}),
            "kms_key_id": Attr({"cloudformation": "KmsKeyId"}),
        },
    ),
    Kind(
        "aws.sagemaker.endpoint_configuration", "SageMaker endpoint configuration",
        {"terraform": "aws_sagemaker_endpoint_configuration", "cloudformation": "AWS::SageMaker::EndpointConfig"},
        {
            "kms_key_arn": Attr({"cloudformation": "KmsKeyId"}),
            "production_variants": Attr({"cloudformation": "ProductionVariants"}),
            "production_variants.initial_instance_count": Attr(
                {"cloudformation": "ProductionVariants.InitialInstanceCount"}),
            "production_variants.serverless_config": Attr({"cloudformation": "ProductionVariants.ServerlessConfig"}),
            "data_capture_config": Attr({"cloudformation": "DataCaptureConfig"}),
            "data_capture_config.enable_capture": Attr({"cloudformation": "DataCaptureConfig.EnableCapture"},
                                                       values=TRUE_FALSE),
            "data_capture_config.kms_key_id": Attr({"cloudformation": "DataCaptureConfig.KmsKeyId"}),
            "async_inference_config": Attr({"cloudformation": "AsyncInferenceConfig"}),
            "async_inference_config.output_config.kms_key_id": Attr(
                {"cloudformation": "AsyncInferenceConfig.OutputConfig.KmsKeyId"}),
        },
    ),
    Kind(
        "aws.sagemaker.model", "SageMaker model",
        # "sagemaker": an SDK `Model` (or a framework model) in pipeline code, read as the CreateModel request
        {"terraform": "aws_sagemaker_model", "cloudformation": "AWS::SageMaker::Model",
         "sagemaker": "sagemaker.model.Model"},
        {
            "enable_network_isolation": Attr({"cloudformation": "EnableNetworkIsolation",
                                              "sagemaker": "EnableNetworkIsolation"}, values=TRUE_FALSE),
            "vpc_config": Attr({"cloudformation": "VpcConfig", "sagemaker": "VpcConfig"}),
            "execution_role_arn": Attr({"cloudformation": "ExecutionRoleArn", "sagemaker": "ExecutionRoleArn"}),
            "primary_container.image": Attr({"cloudformation": "PrimaryContainer.Image",
                                             "sagemaker": "PrimaryContainer.Image"}),
            "primary_container.environment": Attr({"cloudformation": "PrimaryContainer.Environment",
                                                   "sagemaker": "PrimaryContainer.Environment"}),
        },
    ),
    Kind(
        "aws.sagemaker.data_quality_job_definition", "SageMaker data quality job definition",
        {"terraform": "aws_sagemaker_data_quality_job_definition",
         "cloudformation": "AWS::SageMaker::DataQualityJobDefinition"},
        {
            "job_output_config.kms_key_id": Attr({"terraform": "data_quality_job_output_config.kms_key_id",
                                                  "cloudformation": "DataQualityJobOutputConfig.KmsKeyId"}),
            **_sagemaker_monitoring_job("JobResources", "NetworkConfig"),
        },
    ),
    Kind(
        "aws.sagemaker.model_quality_job_definition", "SageMaker model quality job definition",
        {"terraform": "aws_sagemaker_model_quality_job_definition",
         "cloudformation": "AWS::SageMaker::ModelQualityJobDefinition"},
        {
            "job_output_config.kms_key_id": Attr({"terraform": "model_quality_job_output_config.kms_key_id",
                                                  "cloudformation": "ModelQualityJobOutputConfig.KmsKeyId"}),
            **_sagemaker_monitoring_job("JobResources", "NetworkConfig"),
        },
    ),
    Kind(
        "aws.sagemaker.model_bias_job_definition", "SageMaker model bias job definition",
        {"cloudformation": "AWS::SageMaker::ModelBiasJobDefinition"},  # no Terraform aws resource
        {
            "job_output_config.kms_key_id": Attr({"cloudformation": "ModelBiasJobOutputConfig.KmsKeyId"}),
            **_sagemaker_monitoring_job("JobResources", "NetworkConfig"),
        },
    ),
    Kind(
        "aws.sagemaker.model_explainability_job_definition", "SageMaker model explainability job definition",
        {"cloudformation": "AWS::SageMaker::ModelExplainabilityJobDefinition"},  # no Terraform aws resource
        {
            "job_output_config.kms_key_id": Attr({"cloudformation": "ModelExplainabilityJobOutputConfig.KmsKeyId"}),
            **_sagemaker_monitoring_job("JobResources", "NetworkConfig"),
        },
    ),
    Kind(
        # Terraform's aws_sagemaker_monitoring_schedule only names a job definition; CloudFormation's
        # may define the job inline (MonitoringScheduleConfig.MonitoringJobDefinition).
        "aws.sagemaker.monitoring_schedule", "SageMaker model monitoring schedule",
        {"cloudformation": "AWS::SageMaker::MonitoringSchedule"},
        {
            "monitoring_schedule_config.monitoring_job_definition": Attr(
                {"cloudformation": "MonitoringScheduleConfig.MonitoringJobDefinition"}),
            "job_output_config.kms_key_id": Attr(
                {"cloudformation": "MonitoringScheduleConfig.MonitoringJobDefinition.MonitoringOutputConfig.KmsKeyId"}),
            **_sagemaker_monitoring_job("MonitoringScheduleConfig.MonitoringJobDefinition.MonitoringResources",
                                        "MonitoringScheduleConfig.MonitoringJobDefinition.NetworkConfig"),
        },
    ),
    Kind(
        "aws.sagemaker.flow_definition", "SageMaker (Augmented AI) flow definition",
        {"terraform": "aws_sagemaker_flow_definition"},  # no CloudFormation resource type
    ),
    Kind(
        # no check reads it: its `pipeline_definition` holds the jobs (analyzer.engine reads them)
        "aws.sagemaker.pipeline", "SageMaker pipeline",
        {"terraform": "aws_sagemaker_pipeline", "cloudformation": "AWS::SageMaker::Pipeline"},
        {"pipeline_definition": Attr({"cloudformation": "PipelineDefinition.PipelineDefinitionBody"})},
    ),
    Kind(
        "aws.sagemaker.feature_group", "SageMaker feature group",
        {"terraform": "aws_sagemaker_feature_group", "cloudformation": "AWS::SageMaker::FeatureGroup"},
        {
            "online_store_config.enable_online_store": Attr({"cloudformation": "OnlineStoreConfig.EnableOnlineStore"},
                                                            values=TRUE_FALSE),
            "online_store_config.security_config.kms_key_id": Attr(
                {"cloudformation": "OnlineStoreConfig.SecurityConfig.KmsKeyId"}),
            "offline_store_config": Attr({"cloudformation": "OfflineStoreConfig"}),
            "offline_store_config.s3_storage_config.kms_key_id": Attr(
                {"cloudformation": "OfflineStoreConfig.S3StorageConfig.KmsKeyId"}),
        },
    ),
    Kind(
        "aws.sagemaker.notebook_lifecycle_configuration", "SageMaker notebook instance lifecycle configuration",
        {"terraform": "aws_sagemaker_notebook_instance_lifecycle_configuration",
         "cloudformation": "AWS::SageMaker::NotebookInstanceLifecycleConfig"},
        {
            # CloudFormation: a list of at most one {Content: <base64 script>}
            "on_create": Attr({"cloudformation": "OnCreate.Content"}),
            "on_start": Attr({"cloudformation": "OnStart.Content"}),
        },
    ),
    Kind(
        "aws.sagemaker.studio_lifecycle_config", "SageMaker Studio lifecycle configuration",
        {"terraform": "aws_sagemaker_studio_lifecycle_config",
         "cloudformation": "AWS::SageMaker::StudioLifecycleConfig"},
        {
            "studio_lifecycle_config_content": Attr({"cloudformation": "StudioLifecycleConfigContent"}),
        },
    ),
    Kind(
        "aws.bedrock.agent", "Bedrock agent",
        {"terraform": "aws_bedrockagent_agent", "cloudformation": "AWS::Bedrock::Agent"},
        {
            "customer_encryption_key_arn": Attr({"cloudformation": "CustomerEncryptionKeyArn"}),
            "guardrail_configuration": Attr({"cloudformation": "GuardrailConfiguration"}),
            "guardrail_configuration.guardrail_identifier": Attr(
                {"cloudformation": "GuardrailConfiguration.GuardrailIdentifier"}),
            "guardrail_configuration.guardrail_version": Attr(
                {"cloudformation": "GuardrailConfiguration.GuardrailVersion"}),
        },
    ),
    Kind(
        "aws.bedrock.guardrail", "Bedrock guardrail",
        {"terraform": "aws_bedrock_guardrail", "cloudformation": "AWS::Bedrock::Guardrail"},
        {
            "kms_key_arn": Attr({"cloudformation": "KmsKeyArn"}),
            "content_policy_config": Attr({"cloudformation": "ContentPolicyConfig"}),
            "content_policy_config.filters_config": Attr({"cloudformation": "ContentPolicyConfig.FiltersConfig"}),
            # the fields of every filter (checks read them item by item)
            "content_policy_config.filters_config.type": Attr(
                {"cloudformation": "ContentPolicyConfig.FiltersConfig.Type"}),
            "content_policy_config.filters_config.input_strength": Attr(
                {"cloudformation": "ContentPolicyConfig.FiltersConfig.InputStrength"}),
            "content_policy_config.filters_config.input_action": Attr(
                {"cloudformation": "ContentPolicyConfig.FiltersConfig.InputAction"}),
            "content_policy_config.filters_config.input_enabled": Attr(
                {"cloudformation": "ContentPolicyConfig.FiltersConfig.InputEnabled"},
                values={True: True, False: False, "true": True, "false": False}),
            "sensitive_information_policy_config": Attr({"cloudformation": "SensitiveInformationPolicyConfig"}),
            "contextual_grounding_policy_config": Attr({"cloudformation": "ContextualGroundingPolicyConfig"}),
        },
    ),
    Kind(
        "aws.bedrock.knowledge_base", "Bedrock knowledge base",
        {"terraform": "aws_bedrockagent_knowledge_base", "cloudformation": "AWS::Bedrock::KnowledgeBase"},
        {
            "knowledge_base_configuration.managed_knowledge_base_configuration": Attr(
                {"cloudformation": "KnowledgeBaseConfiguration.ManagedKnowledgeBaseConfiguration"}),
            "knowledge_base_configuration.managed_knowledge_base_configuration.server_side_encryption_configuration"
            ".kms_key_arn": Attr({"cloudformation": "KnowledgeBaseConfiguration.ManagedKnowledgeBaseConfiguration"
                                                    ".ServerSideEncryptionConfiguration.KmsKeyArn"}),
        },
    ),
    Kind(
        "aws.bedrock.data_source", "Bedrock knowledge base data source",
        {"terraform": "aws_bedrockagent_data_source", "cloudformation": "AWS::Bedrock::DataSource"},
        {
            "server_side_encryption_configuration.kms_key_arn": Attr(
                {"cloudformation": "ServerSideEncryptionConfiguration.KmsKeyArn"}),
        },
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
        {"terraform": "aws_comprehend_entity_recognizer", "cloudformation": "AWS::Comprehend::EntityRecognizer"},
        {
            "model_kms_key_id": Attr({"cloudformation": "ModelKmsKeyId"}),
            "volume_kms_key_id": Attr({"cloudformation": "VolumeKmsKeyId"}),
            "vpc_config": Attr({"cloudformation": "VpcConfig"}),
        },
    ),
    Kind(
        "aws.comprehend.document_classifier", "Comprehend document classifier",
        {"terraform": "aws_comprehend_document_classifier", "cloudformation": "AWS::Comprehend::DocumentClassifier"},
        {
            "model_kms_key_id": Attr({"cloudformation": "ModelKmsKeyId"}),
            "volume_kms_key_id": Attr({"cloudformation": "VolumeKmsKeyId"}),
            "vpc_config": Attr({"cloudformation": "VpcConfig"}),
            "output_data_config": Attr({"cloudformation": "OutputDataConfig"}),
            "output_data_config.kms_key_id": Attr({"cloudformation": "OutputDataConfig.KmsKeyId"}),
        },
    ),
    Kind(
        # CloudFormation only (no Terraform resource): trains and retrains a classifier or
        # recognizer from its data lake, with the model's and volume's keys and VPC in DataSecurityConfig
        "aws.comprehend.flywheel", "Comprehend flywheel",
        {"cloudformation": "AWS::Comprehend::Flywheel"},
        {
            "model_kms_key_id": Attr({"cloudformation": "DataSecurityConfig.ModelKmsKeyId"}),
            "volume_kms_key_id": Attr({"cloudformation": "DataSecurityConfig.VolumeKmsKeyId"}),
            "vpc_config": Attr({"cloudformation": "DataSecurityConfig.VpcConfig"}),
        },
    ),
    Kind(
        # read by AIP461: which AI accounts send their logs somewhere
        "azure.monitor.diagnostic_setting", "Azure Monitor diagnostic setting",
        {"terraform": "azurerm_monitor_diagnostic_setting", "bicep": "Microsoft.Insights/diagnosticSettings",
         "arm": "Microsoft.Insights/diagnosticSettings"},
    ),
    Kind(
        "aws.kendra.index", "Kendra index",
        {"terraform": "aws_kendra_index", "cloudformation": "AWS::Kendra::Index"},
        {
            "server_side_encryption_configuration.kms_key_id": Attr(
                {"cloudformation": "ServerSideEncryptionConfiguration.KmsKeyId"}),
        },
    ),
    # IAM and S3, read by the cross-resource checks (checks/cross/): a role an AI resource runs as,
    # the policies that reach it, the buckets that hold training data and model artifacts. They
    # have kinds so that their values are evaluated; the checks read their native attributes.
    Kind("aws.iam.role", "IAM role", {"terraform": "aws_iam_role", "cloudformation": "AWS::IAM::Role"}),
    Kind("aws.iam.role_policy", "IAM role inline policy",
         {"terraform": "aws_iam_role_policy", "cloudformation": "AWS::IAM::RolePolicy"}),
    Kind("aws.iam.policy", "IAM customer managed policy",
         {"terraform": "aws_iam_policy", "cloudformation": "AWS::IAM::ManagedPolicy"}),
    # AWS::IAM::Policy: an inline policy embedded in every role, user and group it lists
    Kind("aws.iam.principal_policy", "IAM inline policy of the principals it lists",
         {"cloudformation": "AWS::IAM::Policy"}),
    Kind("aws.iam.role_policy_attachment", "IAM role policy attachment",
         {"terraform": "aws_iam_role_policy_attachment"}),
    Kind("aws.iam.policy_attachment", "IAM policy attachment (roles, users and groups)",
         {"terraform": "aws_iam_policy_attachment"}),
    Kind("aws.iam.policy_document", "IAM policy document (data source)",
         {"terraform": "data.aws_iam_policy_document"}),
    Kind("aws.s3.bucket", "S3 bucket", {"terraform": "aws_s3_bucket", "cloudformation": "AWS::S3::Bucket"}),
    Kind("aws.s3.bucket_public_access_block", "S3 bucket public access block",
         {"terraform": "aws_s3_bucket_public_access_block"}),
    Kind("aws.s3.account_public_access_block", "S3 account public access block",
         {"terraform": "aws_s3_account_public_access_block"}),
    Kind("aws.s3.bucket_encryption", "S3 bucket default encryption",
         {"terraform": "aws_s3_bucket_server_side_encryption_configuration"}),
    Kind("aws.s3.bucket_acl", "S3 bucket ACL", {"terraform": "aws_s3_bucket_acl"}),
    Kind("aws.s3.bucket_ownership_controls", "S3 bucket object ownership",
         {"terraform": "aws_s3_bucket_ownership_controls"}),
    Kind("aws.s3.bucket_policy", "S3 bucket policy",
         {"terraform": "aws_s3_bucket_policy", "cloudformation": "AWS::S3::BucketPolicy"}),
    # Terraform only for now: a Bicep or ARM assignment's scope is the file's deployment scope
    # (`targetScope`, the template's $schema), which the resource model does not carry yet
    Kind("azure.authorization.role_assignment", "Azure role assignment",
         {"terraform": "azurerm_role_assignment", "bicep": "Microsoft.Authorization/roleAssignments",
          "arm": "Microsoft.Authorization/roleAssignments"},
         {"role_definition_id": Attr({"bicep": "properties.roleDefinitionId", "arm": "properties.roleDefinitionId"})}),
    # Terraform-only Bedrock types (CloudFormation writes them inside AWS::Bedrock::Agent or has none):
    # AIP460 runs on them, since a check on a kind with CloudFormation types must judge CloudFormation
    Kind("aws.bedrock.agent_action_group", "Bedrock agent action group",
         {"terraform": "aws_bedrockagent_agent_action_group"}),
    Kind("aws.bedrock.agent_knowledge_base_association", "Bedrock agent knowledge base association",
         {"terraform": "aws_bedrockagent_agent_knowledge_base_association"}),
    Kind("aws.bedrock.provisioned_model_throughput", "Bedrock provisioned model throughput",
         {"terraform": "aws_bedrock_provisioned_model_throughput"}),
    # Azure AI services (Cognitive Services / Azure OpenAI / Foundry resource): checks/azure/cognitive.py.
    # Canonical paths are azurerm's. Where ARM spells a Terraform boolean differently ("Disabled") or
    # with the opposite sense (`disableLocalAuth` against `local_auth_enabled`), the value map is
    # limited to Bicep and ARM (`values_for`; azapi reads as ARM), so one canonical path serves all.
    Kind(
        "azure.cognitive.account", "Azure AI services (Cognitive Services / Azure OpenAI) account",
        {"terraform": "azurerm_cognitive_account", "bicep": "Microsoft.CognitiveServices/accounts",
         "arm": "Microsoft.CognitiveServices/accounts"},
        {canonical: Attr({"bicep": native, "arm": native}, values=values, values_for=only)
         for canonical, native, values, only in (
            ("public_network_access_enabled", "properties.publicNetworkAccess", ENABLED_DISABLED, ("bicep", "arm")),
            ("local_auth_enabled", "properties.disableLocalAuth", INVERTED, ("bicep", "arm")),
            ("outbound_network_access_restricted", "properties.restrictOutboundNetworkAccess", TRUE_FALSE, ()),
            ("network_acls.default_action", "properties.networkAcls.defaultAction", {}, ()),
            ("fqdns", "properties.allowedFqdnList", {}, ()),
            ("custom_subdomain_name", "properties.customSubDomainName", {}, ()),
            ("encryption", "properties.encryption", {}, ()),
            ("encryption.key_source", "properties.encryption.keySource", {}, ()),
        )} | {
            # azapi takes the identity as a block of its own, beside `body`
            "identity.type": Attr({"azapi": "identity.type"}),
        },
    ),
    Kind(
        # azurerm 4.x only (removed in 5.0 for azurerm_cognitive_account kind "AIServices")
        "azure.cognitive.ai_services", "Azure AI services account (azurerm_ai_services)",
        {"terraform": "azurerm_ai_services"},
        {
            "public_network_access_enabled": Attr({"terraform": "public_network_access"}, values=ENABLED_DISABLED),
            "local_auth_enabled": Attr({"terraform": "local_authentication_enabled"}),
        },
    ),
    Kind(
        # azurerm_ai_foundry is the Foundry hub (a Machine Learning workspace of kind Hub) in the
        # released providers and a Foundry resource (a Cognitive Services account of kind AIServices)
        # in the provider's newer sources: the checks tell the two shapes apart by `sku_name`, which
        # only the account has. Its ARM types belong to the account kind and to the ML workspace.
        "azure.ai_foundry", "AI Foundry hub or resource (azurerm_ai_foundry)",
        {"terraform": "azurerm_ai_foundry"},
        {
            "public_network_access_enabled": Attr({"terraform": "public_network_access"}, values=ENABLED_DISABLED),
            "local_auth_enabled": Attr({"terraform": "local_authentication_enabled"}),
        },
    ),
    Kind(
        "azure.cognitive.project", "AI Foundry project (Cognitive Services account project)",
        {"terraform": "azurerm_cognitive_account_project", "bicep": "Microsoft.CognitiveServices/accounts/projects",
         "arm": "Microsoft.CognitiveServices/accounts/projects"},
        {"identity.type": Attr({"azapi": "identity.type"})},  # azapi: its own block beside `body`
    ),
    Kind(
        "azure.ai_foundry.project", "AI Foundry project (azurerm_ai_foundry_project)",
        {"terraform": "azurerm_ai_foundry_project"},
    ),
    Kind(
        "azure.cognitive.account_cmk", "Azure AI services account customer-managed key",
        {"terraform": "azurerm_cognitive_account_customer_managed_key"},
    ),
    Kind(
        "azure.cognitive.rai_policy", "Azure OpenAI content filter (RAI policy)",
        {"terraform": "azurerm_cognitive_account_rai_policy", "bicep": "Microsoft.CognitiveServices/accounts/raiPolicies",
         "arm": "Microsoft.CognitiveServices/accounts/raiPolicies"},
        {
            "content_filter": Attr({"bicep": "properties.contentFilters", "arm": "properties.contentFilters"}),
            "mode": Attr({"bicep": "properties.mode", "arm": "properties.mode"}),
        },
    ),
    # Azure Machine Learning (workspaces, AI Foundry hubs, computes, online endpoints) and Azure AI
    # Search: checks/azure/ml.py and checks/azure/search.py. Canonical paths are azurerm's; Bicep and
    # ARM (and azapi, under `body`) read the ARM paths. One ARM type holds every compute type
    # (`properties.computeType`), so the ARM kind is one while azurerm has one resource per type.
    Kind(
        "azure.ml.workspace", "Azure Machine Learning workspace",
        {"terraform": "azurerm_machine_learning_workspace",
         "bicep": "Microsoft.MachineLearningServices/workspaces",
         "arm": "Microsoft.MachineLearningServices/workspaces"},
        {
            # Terraform writes the boolean itself: the map spells it for Bicep and ARM
            "public_network_access_enabled": Attr(
                {"bicep": "properties.publicNetworkAccess", "arm": "properties.publicNetworkAccess"},
                values=ENABLED_DISABLED, values_for=("bicep", "arm")),
        } | {canonical: Attr({"bicep": native, "arm": native}, values=values) for canonical, (native, values) in {
            "managed_network.isolation_mode": ("properties.managedNetwork.isolationMode", {}),
            "encryption": ("properties.encryption", {}),
            "encryption.status": ("properties.encryption.status", {}),
            "encryption.key_id": ("properties.encryption.keyVaultProperties.keyIdentifier", {}),
            "storage_account_access_type": ("properties.systemDatastoresAuthMode",
                                            {"AccessKey": "AccessKey", "Identity": "Identity",
                                             "UserDelegationSAS": "UserDelegationSAS"}),
            "v1_legacy_mode_enabled": ("properties.v1LegacyMode", TRUE_FALSE),
            "primary_user_assigned_identity": ("properties.primaryUserAssignedIdentity", {}),
            "high_business_impact": ("properties.hbiWorkspace", TRUE_FALSE),
        }.items()} | {
            # azapi takes the identity as a block of its own, beside `body`
            "identity.type": Attr({"azapi": "identity.type"}),
        },
    ),
    Kind(
        "azure.ml.compute_instance", "Azure Machine Learning compute instance",
        {"terraform": "azurerm_machine_learning_compute_instance"},
    ),
    Kind(
        "azure.ml.compute_cluster", "Azure Machine Learning compute cluster",
        {"terraform": "azurerm_machine_learning_compute_cluster"},
    ),
    Kind(
        # every compute type; the checks read `compute_type` (ComputeInstance, AmlCompute, ...)
        "azure.ml.compute", "Azure Machine Learning compute",
        {"bicep": "Microsoft.MachineLearningServices/workspaces/computes",
         "arm": "Microsoft.MachineLearningServices/workspaces/computes"},
        {canonical: Attr({"bicep": native, "arm": native}, values=values) for canonical, (native, values) in {
            "compute_type": ("properties.computeType", {}),
            "local_auth_enabled": ("properties.disableLocalAuth", INVERTED),
            "node_public_ip_enabled": ("properties.properties.enableNodePublicIp", TRUE_FALSE),
            "subnet_resource_id": ("properties.properties.subnet.id", {}),
            # ComputeInstance
            "ssh": ("properties.properties.sshSettings", {}),
            "ssh_public_access": ("properties.properties.sshSettings.sshPublicAccess", ENABLED_DISABLED),
            "idle_time_before_shutdown": ("properties.properties.idleTimeBeforeShutdown", {}),
            # AmlCompute
            "ssh_public_access_enabled": ("properties.properties.remoteLoginPortPublicAccess", ENABLED_DISABLED),
            "scale_settings.min_node_count": ("properties.properties.scaleSettings.minNodeCount", {}),
        }.items()},
    ),
    Kind(
        # no azurerm resource: ARM, Bicep, and azapi in Terraform
        "azure.ml.online_endpoint", "Azure Machine Learning online endpoint",
        {"bicep": "Microsoft.MachineLearningServices/workspaces/onlineEndpoints",
         "arm": "Microsoft.MachineLearningServices/workspaces/onlineEndpoints"},
        {canonical: Attr({"bicep": native, "arm": native}, values=values) for canonical, (native, values) in {
            "public_network_access_enabled": ("properties.publicNetworkAccess", ENABLED_DISABLED),
            "auth_mode": ("properties.authMode", {}),
        }.items()},
    ),
    Kind(
        "azure.search.service", "Azure AI Search service",
        {"terraform": "azurerm_search_service", "bicep": "Microsoft.Search/searchServices",
         "arm": "Microsoft.Search/searchServices"},
        # Terraform writes public access, local authentication and CMK enforcement as booleans of its
        # own: the maps spell them for Bicep and ARM only
        {canonical: Attr({"bicep": native, "arm": native}, values=values, values_for=("bicep", "arm"))
         for canonical, (native, values) in {
            # "securedByPerimeter": a network security perimeter's rules decide, not the public internet
            "public_network_access_enabled": ("properties.publicNetworkAccess",
                                              {"enabled": True, "disabled": False, "securedByPerimeter": False}),
            # Terraform: a list of addresses; ARM: a list of {"value": address}
            "allowed_ips": ("properties.networkRuleSet.ipRules", {}),
            "local_authentication_enabled": ("properties.disableLocalAuth", INVERTED),
            # "Unspecified" first: what ARM reports when it is absent (shown for the default)
            "customer_managed_key_enforcement_enabled": ("properties.encryptionWithCmk.enforcement",
                                                         {"Enabled": True, "Unspecified": False, "Disabled": False}),
        }.items()} | {
            # azapi takes the identity as a block of its own, beside `body`
            "identity.type": Attr({"azapi": "identity.type"}),
        },
    ),
    # GCP Vertex AI, Workbench, Colab Enterprise (google and google-beta providers): checks/gcp/.
    # Canonical paths are google_workbench_instance's; the legacy user-managed notebook (removed in
    # provider 8.0) maps the same controls onto its flat attributes, so one check serves both.
    Kind("gcp.workbench.instance", "Vertex AI Workbench instance", {"terraform": "google_workbench_instance"}),
    Kind(
        "gcp.notebooks.instance", "Vertex AI Workbench user-managed notebook (legacy)",
        {"terraform": "google_notebooks_instance"},
        {canonical: Attr({"terraform": native}) for canonical, native in {
            "gce_setup.disable_public_ip": "no_public_ip",
            "gce_setup.service_accounts.email": "service_account",
            "gce_setup.metadata": "metadata",
            "gce_setup.boot_disk.disk_encryption": "disk_encryption",
            "gce_setup.boot_disk.kms_key": "kms_key",
            "gce_setup.shielded_instance_config": "shielded_instance_config",
            "gce_setup.shielded_instance_config.enable_secure_boot": "shielded_instance_config.enable_secure_boot",
            "gce_setup.shielded_instance_config.enable_vtpm": "shielded_instance_config.enable_vtpm",
            "gce_setup.shielded_instance_config.enable_integrity_monitoring":
                "shielded_instance_config.enable_integrity_monitoring",
        }.items()},
    ),
    Kind("gcp.vertex.endpoint", "Vertex AI endpoint", {"terraform": "google_vertex_ai_endpoint"}),
    Kind("gcp.vertex.index_endpoint", "Vertex AI Vector Search index endpoint",
         {"terraform": "google_vertex_ai_index_endpoint"}),
    Kind("gcp.vertex.index", "Vertex AI Vector Search index", {"terraform": "google_vertex_ai_index"}),
    Kind("gcp.vertex.feature_online_store", "Vertex AI Feature Store online store",
         {"terraform": "google_vertex_ai_feature_online_store"}),
    Kind("gcp.vertex.featurestore", "Vertex AI Feature Store (legacy)", {"terraform": "google_vertex_ai_featurestore"}),
    Kind("gcp.vertex.dataset", "Vertex AI dataset", {"terraform": "google_vertex_ai_dataset"}),
    Kind("gcp.vertex.metadata_store", "Vertex ML Metadata store", {"terraform": "google_vertex_ai_metadata_store"}),
    Kind("gcp.vertex.tensorboard", "Vertex AI TensorBoard instance", {"terraform": "google_vertex_ai_tensorboard"}),
    Kind("gcp.vertex.reasoning_engine", "Vertex AI Agent Engine (reasoning engine)",
         {"terraform": "google_vertex_ai_reasoning_engine"}),
    Kind("gcp.vertex.rag_corpus", "Vertex AI RAG Engine corpus", {"terraform": "google_vertex_ai_rag_corpus"}),
    Kind("gcp.colab.runtime_template", "Colab Enterprise runtime template",
         {"terraform": "google_colab_runtime_template"}),
    # GCP IAM grants (checks/gcp/iam.py reads `role`, `member` / `members`): the project's, and
    # those on the AI resources themselves (`*_iam_member` adds one principal, `*_iam_binding`
    # sets a role's principals).
    *(Kind(f"gcp.iam.{name}_{form}", f"IAM {form} on {title}", {"terraform": f"google_{name}_iam_{form}"})
      for name, title in (("project", "a project"), ("workbench_instance", "a Workbench instance"),
                          ("notebooks_instance", "a user-managed notebook"),
                          ("notebooks_runtime", "a managed notebook runtime"),
                          ("colab_runtime_template", "a Colab Enterprise runtime template"),
                          ("vertex_ai_endpoint", "a Vertex AI endpoint"),
                          ("vertex_ai_featurestore", "a Vertex AI feature store"),
                          ("vertex_ai_feature_online_store", "a Vertex AI feature online store"))
      for form in ("member", "binding")),
    # Organization policies (checks/gcp/orgpolicy.py reads the `ainotebooks.*` constraints)
    Kind("gcp.orgpolicy.policy", "Organization policy", {"terraform": "google_org_policy_policy"}),
    *(Kind(f"gcp.orgpolicy.{scope}_policy", f"Organization policy of {article} {scope} (legacy resource)",
           {"terraform": native})
      for scope, article, native in (("project", "a", "google_project_organization_policy"),
                                     ("folder", "a", "google_folder_organization_policy"),
                                     ("organization", "an", "google_organization_policy"))),
    # SageMaker jobs read from pipeline code (parsers/sagemaker: SDK calls and pipeline definition
    # JSON). Their attributes are the API request's fields, so the natives are API paths; the
    # canonical names are the SDK v2 keywords.
    Kind(
        "aws.sagemaker.training_job", "SageMaker training job",
        {"sagemaker": "sagemaker.estimator.Estimator"},
        {canonical: Attr({"sagemaker": native}) for canonical, native in {
            "enable_network_isolation": "EnableNetworkIsolation",
            "encrypt_inter_container_traffic": "EnableInterContainerTrafficEncryption",
            "vpc_config": "VpcConfig",
            "vpc_config.subnets": "VpcConfig.Subnets",
            "vpc_config.security_group_ids": "VpcConfig.SecurityGroupIds",
            "volume_kms_key": "ResourceConfig.VolumeKmsKeyId",
            "output_kms_key": "OutputDataConfig.KmsKeyId",
            "role": "RoleArn",
            "environment": "Environment",
            "hyperparameters": "HyperParameters",
            "image_uri": "AlgorithmSpecification.TrainingImage",
        }.items()},
    ),
    Kind(
        "aws.sagemaker.processing_job", "SageMaker processing job",
        {"sagemaker": "sagemaker.processing.Processor"},
        {canonical: Attr({"sagemaker": native}) for canonical, native in {
            "enable_network_isolation": "NetworkConfig.EnableNetworkIsolation",
            "encrypt_inter_container_traffic": "NetworkConfig.EnableInterContainerTrafficEncryption",
            "vpc_config": "NetworkConfig.VpcConfig",
            "vpc_config.subnets": "NetworkConfig.VpcConfig.Subnets",
            "vpc_config.security_group_ids": "NetworkConfig.VpcConfig.SecurityGroupIds",
            "volume_kms_key": "ProcessingResources.ClusterConfig.VolumeKmsKeyId",
            "output_kms_key": "ProcessingOutputConfig.KmsKeyId",
            "role": "RoleArn",
            "environment": "Environment",
            "image_uri": "AppSpecification.ImageUri",
        }.items()},
    ),
    Kind(
        "aws.sagemaker.tuning_job", "SageMaker hyperparameter tuning job",
        {"sagemaker": "sagemaker.tuner.HyperparameterTuner"},
        {canonical: Attr({"sagemaker": "TrainingJobDefinition." + native}) for canonical, native in {
            "enable_network_isolation": "EnableNetworkIsolation",
            "encrypt_inter_container_traffic": "EnableInterContainerTrafficEncryption",
            "vpc_config": "VpcConfig",
            "vpc_config.subnets": "VpcConfig.Subnets",
            "vpc_config.security_group_ids": "VpcConfig.SecurityGroupIds",
            "volume_kms_key": "ResourceConfig.VolumeKmsKeyId",
            "output_kms_key": "OutputDataConfig.KmsKeyId",
            "role": "RoleArn",
            "environment": "Environment",
            "hyperparameters": "StaticHyperParameters",
            "image_uri": "AlgorithmSpecification.TrainingImage",
        }.items()},
    ),
    Kind(
        "aws.sagemaker.transform_job", "SageMaker batch transform job",
        {"sagemaker": "sagemaker.transformer.Transformer"},
        {canonical: Attr({"sagemaker": native}) for canonical, native in {
            "volume_kms_key": "TransformResources.VolumeKmsKeyId",
            "output_kms_key": "TransformOutput.KmsKeyId",
            "environment": "Environment",
        }.items()},
    ),
)

TF = ("terraform",)
AZ = ("bicep", "arm")  # ARM requests: Bicep, ARM JSON (and azapi, read as "arm")

# kind -> canonical path -> Default. Sources: ../shared/research/defaults.md section 1.
DEFAULTS: Mapping[str, Mapping[str, tuple[Default, ...]]] = {
    "aws.sagemaker.notebook_instance": {
        "direct_internet_access": (Default(True, ("terraform", "cloudformation"),
                                           "terraform-provider-aws notebook_instance.go: Default \"Enabled\"; "
                                           "CreateNotebookInstance API (CloudFormation passes it through): "
                                           "notebook instances are internet-enabled by default"),),
        "root_access": (Default(True, ("terraform", "cloudformation"),
                                "terraform-provider-aws notebook_instance.go: Default \"Enabled\"; CreateNotebookInstance "
                                "API and AWS::SageMaker::NotebookInstance reference: the default value is Enabled"),),
        "instance_metadata_service_configuration.minimum_instance_metadata_service_version": (
            Default("1", ("terraform", "cloudformation"),
                    "CreateNotebookInstance API: IMDSv1 when no value is selected (provider: Optional+Computed; "
                    "CloudFormation passes the property through)"),),
    },
    "aws.sagemaker.domain": {
        "app_network_access_type": (Default("PublicInternetOnly", ("terraform", "cloudformation"),
                                            "terraform-provider-aws domain.go: Default PublicInternetOnly; CreateDomain "
                                            "API and AWS::SageMaker::Domain schema: PublicInternetOnly by default"),),
    },
    "aws.sagemaker.endpoint_configuration": {
        "data_capture_config.enable_capture": (
            Default(False, TF, "terraform-provider-aws: Optional bool in a nested block, the zero value false is sent"),
            Default(True, ("cloudformation",), "CreateEndpointConfig API DataCaptureConfig.EnableCapture: defaults to "
                                               "enabled (CloudFormation passes the property through)"),),
    },
    "aws.sagemaker.model": {
        "enable_network_isolation": (Default(False, ("terraform", "cloudformation", "sagemaker"),
                                             "CreateModel API: EnableNetworkIsolation absent is false"),),
    },
    "aws.sagemaker.data_quality_job_definition": {
        "network_config.enable_network_isolation": (
            Default(False, ("terraform", "cloudformation"), "CreateDataQualityJobDefinition API: false when absent"),),
        "network_config.enable_inter_container_traffic_encryption": (
            Default(False, ("terraform", "cloudformation"), "CreateDataQualityJobDefinition API: false when absent"),),
    },
    "aws.sagemaker.model_quality_job_definition": {
        "network_config.enable_network_isolation": (
            Default(False, ("terraform", "cloudformation"), "CreateModelQualityJobDefinition API: false when absent"),),
        "network_config.enable_inter_container_traffic_encryption": (
            Default(False, ("terraform", "cloudformation"), "CreateModelQualityJobDefinition API: false when absent"),),
    },
    "aws.sagemaker.model_bias_job_definition": {
        "network_config.enable_network_isolation": (
            Default(False, ("cloudformation",),
                    "CreateModelBiasJobDefinition API (MonitoringNetworkConfig): false when absent"),),
        "network_config.enable_inter_container_traffic_encryption": (
            Default(False, ("cloudformation",),
                    "CreateModelBiasJobDefinition API (MonitoringNetworkConfig): false when absent"),),
    },
    "aws.sagemaker.model_explainability_job_definition": {
        "network_config.enable_network_isolation": (
            Default(False, ("cloudformation",),
                    "CreateModelExplainabilityJobDefinition API (MonitoringNetworkConfig): false when absent"),),
        "network_config.enable_inter_container_traffic_encryption": (
            Default(False, ("cloudformation",),
                    "CreateModelExplainabilityJobDefinition API (MonitoringNetworkConfig): false when absent"),),
    },
    "aws.sagemaker.monitoring_schedule": {
        "network_config.enable_network_isolation": (
            Default(False, ("cloudformation",), "CreateMonitoringSchedule API (MonitoringJobDefinition.NetworkConfig): "
                                                "false when absent"),),
        "network_config.enable_inter_container_traffic_encryption": (
            Default(False, ("cloudformation",), "CreateMonitoringSchedule API (MonitoringJobDefinition.NetworkConfig): "
                                                "false when absent"),),
    },
    "aws.sagemaker.feature_group": {
        "online_store_config.enable_online_store": (Default(False, ("terraform", "cloudformation"),
                                                            "CreateFeatureGroup API: default False"),),
    },
    # research/defaults.md section 2
    "aws.bedrock.model_invocation_logging": {
        "logging_config.text_data_delivery_enabled": (
            Default(True, TF, "terraform-provider-aws model_invocation_logging_configuration.go: Default true"),),
    },
    # research/defaults.md section 3 (azapi reads the "arm" rows: the same request reaches the same API)
    "azure.cognitive.account": {
        "public_network_access_enabled": (
            Default(True, TF, "terraform-provider-azurerm cognitive_account_resource.go: public_network_access_enabled "
                              "Default true (sends Enabled)"),
            Default(True, ("bicep", "arm"), "Microsoft.CognitiveServices/accounts: no default in the API spec; "
                                            "accounts accept connections from clients on any network by default "
                                            "(learn.microsoft.com/azure/ai-services/cognitive-services-virtual-networks)"),),
        "local_auth_enabled": (
            Default(True, TF, "terraform-provider-azurerm cognitive_account_resource.go: local_auth_enabled Default true "
                              "(sends disableLocalAuth false)"),
            Default(True, ("bicep", "arm"), "Microsoft.CognitiveServices/accounts: disableLocalAuth absent is false, "
                                            "API keys are accepted (no default in the API spec)"),),
        "outbound_network_access_restricted": (
            Default(False, TF, "terraform-provider-azurerm cognitive_account_resource.go: "
                               "outbound_network_access_restricted Default false"),
            Default(False, ("bicep", "arm"), "Microsoft.CognitiveServices/accounts: restrictOutboundNetworkAccess "
                                             "absent is false"),),
    },
    "azure.cognitive.ai_services": {
        "public_network_access_enabled": (
            Default(True, TF, "terraform-provider-azurerm ai_services_resource.go: public_network_access Default "
                              "\"Enabled\""),),
        "local_auth_enabled": (
            Default(True, TF, "terraform-provider-azurerm ai_services_resource.go: local_authentication_enabled "
                              "Default true"),),
        "outbound_network_access_restricted": (
            Default(False, TF, "terraform-provider-azurerm ai_services_resource.go: outbound_network_access_restricted "
                               "Default false"),),
    },
    "azure.ai_foundry": {
        "public_network_access_enabled": (
            Default(True, TF, "terraform-provider-azurerm machinelearning/ai_foundry_resource.go (hub) and "
                              "cognitive/ai_foundry_resource.go (Foundry resource): public_network_access Default "
                              "\"Enabled\""),),
        "local_auth_enabled": (
            Default(True, TF, "terraform-provider-azurerm cognitive/ai_foundry_resource.go: local_authentication_enabled "
                              "Default true (the Foundry resource shape only; a hub has no such argument)"),),
        "outbound_network_access_restricted": (
            Default(False, TF, "terraform-provider-azurerm cognitive/ai_foundry_resource.go: "
                               "outbound_network_access_restricted Default false (the Foundry resource shape only)"),),
    },
    # research/defaults.md section 4: Azure Machine Learning and Azure AI Search (checks/azure/ml.py,
    # checks/azure/search.py; azapi reads the "arm" rows)
    "azure.ml.workspace": {
        "public_network_access_enabled": (
            Default(True, TF, "terraform-provider-azurerm machine_learning_workspace_resource.go: "
                              "public_network_access_enabled Default true since 4.0 (3.25-3.117 sent Disabled when "
                              "absent; before 3.25 nothing was sent)"),
            Default(True, AZ, "Microsoft.MachineLearningServices/workspaces: publicNetworkAccess has no default in the "
                              "spec; a workspace without it is reachable from public networks "
                              "(learn.microsoft.com/azure/machine-learning/how-to-configure-private-link)"),),
        "managed_network.isolation_mode": (
            Default("Disabled", TF, "terraform-provider-azurerm machine_learning_workspace_resource.go: "
                                    "managed_network is Optional+Computed, not sent when absent"),
            Default("Disabled", AZ, "the managed virtual network is opt-in: a workspace without managedNetwork has "
                                    "none (learn.microsoft.com/azure/machine-learning/how-to-managed-network; the "
                                    "literal isolationMode is UNCONFIRMED)"),),
        "storage_account_access_type": (
            Default("AccessKey", TF, "terraform-provider-azurerm machine_learning_workspace_resource.go: "
                                     "storage_account_access_type Default AccessKey"),
            Default("AccessKey", AZ, "Microsoft.MachineLearningServices/workspaces: without "
                                     "systemDatastoresAuthMode the system datastores use the storage account key"),),
    },
    "azure.ml.compute_instance": {
        "node_public_ip_enabled": (
            Default(True, TF, "terraform-provider-azurerm machine_learning_compute_instance_resource.go: "
                              "node_public_ip_enabled Default true"),),
        "local_auth_enabled": (
            Default(True, TF, "terraform-provider-azurerm machine_learning_compute_instance_resource.go: "
                              "local_auth_enabled Default true (sends disableLocalAuth false)"),),
    },
    "azure.ml.compute_cluster": {
        "node_public_ip_enabled": (
            Default(True, TF, "terraform-provider-azurerm machine_learning_compute_cluster_resource.go: "
                              "node_public_ip_enabled Default true"),),
        "local_auth_enabled": (
            Default(True, TF, "terraform-provider-azurerm machine_learning_compute_cluster_resource.go: "
                              "local_auth_enabled Default true (sends disableLocalAuth false)"),),
        "ssh_public_access_enabled": (
            Default(False, TF, "terraform-provider-azurerm machine_learning_compute_cluster_resource.go: "
                               "remoteLoginPortPublicAccess Disabled is sent unless ssh_public_access_enabled is true"),),
    },
    "azure.ml.compute": {
        "node_public_ip_enabled": (
            Default(True, AZ, "ComputeInstanceProperties / AmlComputeProperties enableNodePublicIp: spec default true "
                              "(azure-ai-ml: \"Default Value: True\"; UNCONFIRMED for 2025 api-versions)"),),
        "local_auth_enabled": (
            Default(True, AZ, "Compute disableLocalAuth: no spec default; absent is false, local authentication "
                              "allowed"),),
        "ssh_public_access": (
            Default(False, AZ, "ComputeInstanceSshSettings sshPublicAccess: spec default Disabled"),),
        "ssh_public_access_enabled": (
            Default("NotSpecified", AZ, "AmlComputeProperties remoteLoginPortPublicAccess: spec default NotSpecified, "
                                        "the public SSH port is open on every node unless the cluster is in a "
                                        "subnet"),),
        "scale_settings.min_node_count": (
            Default(0, AZ, "ScaleSettings minNodeCount: spec default 0"),),
    },
    "azure.ml.online_endpoint": {
        "public_network_access_enabled": (
            Default(True, AZ, "OnlineEndpoint publicNetworkAccess: no spec default; the endpoint is public unless "
                              "Disabled (learn.microsoft.com/azure/machine-learning/how-to-secure-online-endpoint; "
                              "UNCONFIRMED)"),),
    },
    "azure.search.service": {
        "public_network_access_enabled": (
            Default(True, TF, "terraform-provider-azurerm search_service_resource.go: public_network_access_enabled "
                              "Default true"),
            Default(True, AZ, "Microsoft.Search/searchServices 2025-05-01 spec: publicNetworkAccess default "
                              "\"enabled\""),),
        "local_authentication_enabled": (
            Default(True, TF, "terraform-provider-azurerm search_service_resource.go: local_authentication_enabled "
                              "Default true"),
            Default(True, AZ, "Microsoft.Search/searchServices spec: disableLocalAuth nullable, no default; absent, "
                              "API keys are accepted"),),
        "customer_managed_key_enforcement_enabled": (
            Default(False, TF, "terraform-provider-azurerm search_service_resource.go: "
                               "customer_managed_key_enforcement_enabled Default false (sends Disabled)"),
            Default(False, AZ, "Microsoft.Search/searchServices encryptionWithCmk.enforcement: Unspecified when "
                               "absent (observed in exported templates; spec default UNCONFIRMED)"),),
    },
    # research/defaults.md section 5: GCP (checks/gcp/)
    "gcp.workbench.instance": {
        "gce_setup.disable_public_ip": (
            Default(False, TF, "magic-modules workbench/Instance.yaml: disable_public_ip default_from_api, not sent "
                               "when absent; the API gives the VM an external IP"),),
        "gce_setup.shielded_instance_config.enable_secure_boot": (
            Default(False, TF, "magic-modules workbench/Instance.yaml: enable_secure_boot \"Disabled by default\""),),
        "gce_setup.shielded_instance_config.enable_vtpm": (
            Default(True, TF, "magic-modules workbench/Instance.yaml: enable_vtpm \"Enabled by default\""),),
        "gce_setup.shielded_instance_config.enable_integrity_monitoring": (
            Default(True, TF, "magic-modules workbench/Instance.yaml: enable_integrity_monitoring \"Enabled by "
                              "default\""),),
        "gce_setup.boot_disk.disk_encryption": (
            Default("GMEK", TF, "magic-modules workbench/Instance.yaml: boot_disk.disk_encryption \"defaults to "
                                "GMEK\""),),
        "gce_setup.data_disks.disk_encryption": (
            Default("GMEK", TF, "magic-modules workbench/Instance.yaml: data_disks.disk_encryption \"defaults to "
                                "GMEK\""),),
    },
    "gcp.notebooks.instance": {
        "gce_setup.disable_public_ip": (
            Default(False, TF, "terraform-provider-google(-beta) <= 7.x resource_notebooks_instance.go: no_public_ip "
                               "Optional, false when absent: the VM gets a public IP"),),
        "gce_setup.shielded_instance_config.enable_secure_boot": (
            Default(False, TF, "resource_notebooks_instance.go: enable_secure_boot, disabled by default"),),
        "gce_setup.shielded_instance_config.enable_vtpm": (
            Default(True, TF, "resource_notebooks_instance.go: enable_vtpm Default true"),),
        "gce_setup.shielded_instance_config.enable_integrity_monitoring": (
            Default(True, TF, "resource_notebooks_instance.go: enable_integrity_monitoring Default true"),),
        "gce_setup.boot_disk.disk_encryption": (
            Default("GMEK", TF, "resource_notebooks_instance.go: disk_encryption \"defaults to GMEK\""),),
    },
    "gcp.vertex.index_endpoint": {
        "public_endpoint_enabled": (
            Default(False, TF, "terraform-provider-google resource_vertex_ai_index_endpoint.go: "
                               "public_endpoint_enabled Optional, no default, not sent"),),
    },
    "gcp.colab.runtime_template": {
        "network_spec.enable_internet_access": (
            Default(False, TF, "magic-modules colab/RuntimeTemplate.yaml: enable_internet_access has no default and "
                               "is not sent; NotebookRuntimeTemplate NetworkSpec.enableInternetAccess is false when "
                               "absent (Vertex AI REST reference)"),),
    },
    # the SageMaker API: an absent boolean is false (pipeline definitions omit false ones)
    **{kind: {
        "enable_network_isolation": (Default(False, ("sagemaker",), f"{api} API: EnableNetworkIsolation absent is false"),),
        "encrypt_inter_container_traffic": (
            Default(False, ("sagemaker",), f"{api} API: EnableInterContainerTrafficEncryption absent is false"),),
    } for kind, api in (("aws.sagemaker.training_job", "CreateTrainingJob"),
                        ("aws.sagemaker.processing_job", "CreateProcessingJob (NetworkConfig)"),
                        ("aws.sagemaker.tuning_job", "CreateHyperParameterTuningJob (TrainingJobDefinition)"))},
}

BY_NAME: Mapping[str, Kind] = {k.name: k for k in KINDS}
# Azure resource types are case-insensitive (`Microsoft.CognitiveServices/accounts` is
# `microsoft.cognitiveservices/Accounts`): those frameworks are looked up in lower case.
CASE_INSENSITIVE = frozenset({"bicep", "arm"})
BY_NATIVE: Mapping[tuple[str, str], str] = {
    (framework, native.lower() if framework in CASE_INSENSITIVE else native): kind.name
    for kind in KINDS for framework, native in kind.native.items()
}


def kind_of(framework: str, native_type: str) -> str:
    """The canonical kind of a native type, or "" when we have no checks for it."""
    if framework in CASE_INSENSITIVE:
        native_type = native_type.lower()
    return BY_NATIVE.get((framework, native_type), "")


def default_for(kind: str, path: str, framework: str) -> Default | None:
    if framework == AZAPI:
        framework = "arm"  # the same request reaches the same API
    for default in DEFAULTS.get(kind, {}).get(path, ()):
        if framework in default.frameworks:
            return default
    return None


# azapi (Terraform's generic Azure provider) writes an ARM resource's body in HCL:
# `azapi_resource` with `type = "Microsoft.X/y@version"` has the ARM type's kind, and its native
# paths are ARM's under `body` ("body.properties.publicNetworkAccess"). No table rows needed, except
# for what azapi_resource takes as an argument of its own beside `body` (its `identity` block): a
# row's "azapi" native overrides the body path (`Attr({"azapi": "identity.type"})`).
AZAPI = "azapi"
ARM = "arm"
AZAPI_TYPES = frozenset({"azapi_resource"})


def dialect(framework: str, native_type: str) -> str:
    """The name the table is read under: the framework, or "azapi" for an azapi resource."""
    return AZAPI if framework == "terraform" and native_type in AZAPI_TYPES else framework


def _attr(kind: str, path: str, framework: str) -> tuple[Attr | None, str]:
    """The table's row for a canonical path and the native path it gives. A path with list
    indexes ("filters_config.1.type") uses the row of the path without them and puts the indexes
    back where the native path has the same shape. azapi reads ARM's path under `body`, unless the
    row names an "azapi" path of its own."""
    if framework == AZAPI:
        attr, native = _attr(kind, path, ARM)
        if attr is None or AZAPI not in attr.native:
            return attr, "body." + native
    spec = BY_NAME.get(kind)
    if spec is None:
        return None, path
    attr = spec.attrs.get(path)
    if attr is not None:
        return attr, attr.native.get(framework, path)
    parts = path.split(".")
    if not any(p.isdigit() for p in parts):
        return None, path
    plain = [p for p in parts if not p.isdigit()]
    attr = spec.attrs.get(".".join(plain))
    if attr is None:
        return None, path
    native = attr.native.get(framework, ".".join(plain)).split(".")
    if len(native) != len(plain):
        return attr, ".".join(native)  # a reshaped path: the first element of each list
    found, names = [], iter(native)
    for part in parts:
        found.append(part if part.isdigit() else next(names))
    return attr, ".".join(found)


def native_path(kind: str, path: str, framework: str) -> str:
    return _attr(kind, path, framework)[1]


def same(a: Any, b: Any) -> bool:
    """Equality that keeps booleans apart from numbers (True is not 1 here)."""
    return a == b and isinstance(a, bool) == isinstance(b, bool)


def native_value(kind: str, path: str, value: Any, framework: str = "") -> Any:
    """The native spelling of a canonical value in a framework (False -> "Disabled" where the
    table maps it), or the value itself: what messages and writers show."""
    attr = _attr(kind, path, framework or "")[0]
    mapping = attr.maps(framework) if attr else {}
    if any(same(native, value) and same(canonical, value) for native, canonical in mapping.items()):
        return value  # a map that also accepts strings ("true" -> True) writes the value itself
    for native, canonical in mapping.items():
        if same(canonical, value):
            return native
    return value


def resolve(resource: Resource, path: str) -> Value:
    """Canonical path -> Value, with value maps and provider defaults applied."""
    framework = dialect(resource.framework, resource.native_type)
    attr, native = _attr(resource.kind, path, framework)
    value = lookup(resource.attrs, native)
    if value.absent and not value.unknown:
        default = default_for(resource.kind, path, framework)
        return Value(default.value, None, DEFAULT) if default else value
    mapping = attr.maps(framework) if attr else {}
    if mapping and isinstance(value.raw, (str, int, float, bool)):  # a list or map is never mapped
        raw = value.raw
        if isinstance(raw, str) and raw not in mapping:
            # providers validate exact spellings; accept other cases rather than misjudge them
            raw = next((k for k in mapping if isinstance(k, str) and k.lower() == raw.lower()), raw)
        if raw in mapping:
            return Value(mapping[raw], value.span, value.origin, value.key_span)
    return value


def validate() -> None:
    """Fail loudly on a malformed table (called by the registry tests and at check load)."""
    names = [k.name for k in KINDS]
    if len(names) != len(set(names)):
        raise ValueError("duplicate kind names in KINDS")
    natives = [(fw, native.lower() if fw in CASE_INSENSITIVE else native) for k in KINDS for fw, native in k.native.items()]
    if len(natives) != len(set(natives)):
        raise ValueError(f"a native type has two kinds: {sorted({n for n in natives if natives.count(n) > 1})}")
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
