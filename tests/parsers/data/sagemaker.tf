# SageMaker notebook, Studio domain and real-time endpoint for the fraud-detection team.
terraform {
  required_version = ">= 1.5.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.40"
    }
  }

  backend "s3" {
    bucket         = "acme-terraform-state"
    key            = "ml/fraud/terraform.tfstate"
    region         = "eu-west-1"
    encrypt        = true
    dynamodb_table = "terraform-locks"
  }
}

provider "aws" {
  region = var.region

  default_tags {
    tags = {
      Team        = "fraud-ml"
      CostCenter  = "4711"
      ManagedBy   = "terraform"
    }
  }
}

provider "aws" {
  alias  = "us_east_1"
  region = "us-east-1"
}

variable "region" {
  type        = string
  default     = "eu-west-1"
  description = "AWS region of the ML platform"
}

variable "environment" {
  type    = string
  default = "prod"

  validation {
    condition     = contains(["dev", "staging", "prod"], var.environment)
    error_message = "environment must be dev, staging or prod."
  }
}

variable "notebook_instance_type" {
  type    = string
  default = "ml.t3.medium"
}

variable "subnet_ids" {
  type    = list(string)
  default = []
}

variable "capture_destinations" {
  type = list(object({
    bucket = string
    prefix = string
  }))
  default = [
    { bucket = "acme-capture", prefix = "fraud/" },
  ]
}

locals {
  name_prefix = "fraud-${var.environment}"
  account_id  = data.aws_caller_identity.current.account_id
  is_prod     = var.environment == "prod"
  common_tags = {
    Project     = "fraud-detection"
    Environment = var.environment
    "Data Classification" = "confidential"
  }
  sampling_percentage = 25
}

data "aws_caller_identity" "current" {}

data "aws_iam_policy_document" "sagemaker_assume" {
  statement {
    sid     = "SageMakerAssume"
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["sagemaker.amazonaws.com"]
    }
  }
}

resource "aws_kms_key" "ml" {
  description             = "CMK for SageMaker volumes and model artifacts"
  deletion_window_in_days = 30
  enable_key_rotation     = true
  multi_region            = false

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "EnableRootPermissions"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::${local.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
    ]
  })

  tags = local.common_tags
}

resource "aws_kms_alias" "ml" {
  name          = "alias/${local.name_prefix}-ml"
  target_key_id = aws_kms_key.ml.key_id
}

resource "aws_iam_role" "sagemaker" {
  name               = "${local.name_prefix}-sagemaker-execution"
  assume_role_policy = data.aws_iam_policy_document.sagemaker_assume.json
  max_session_duration = 3600
  path               = "/ml/"
}

resource "aws_iam_role_policy" "sagemaker_s3" {
  name = "sagemaker-s3-access"
  role = aws_iam_role.sagemaker.id

  policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Effect": "Allow",
          "Action": ["s3:GetObject", "s3:PutObject"],
          "Resource": "arn:aws:s3:::acme-fraud-models/*"
        }
      ]
    }
  EOT
}

resource "aws_iam_role_policy_attachment" "sagemaker_full" {
  role       = aws_iam_role.sagemaker.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"
}

resource "aws_sagemaker_notebook_instance_lifecycle_configuration" "auto_stop" {
  name     = "${local.name_prefix}-auto-stop"
  on_start = base64encode(file("${path.module}/scripts/auto-stop.sh"))
  on_create = base64encode(<<-EOF
    #!/bin/bash
    set -euo pipefail
    echo "creating notebook"
  EOF
  )
}

resource "aws_sagemaker_notebook_instance" "research" {
  name                    = "${local.name_prefix}-research"
  role_arn                = aws_iam_role.sagemaker.arn
  instance_type           = var.notebook_instance_type
  platform_identifier     = "notebook-al2-v2"
  volume_size             = 50
  kms_key_id              = aws_kms_key.ml.arn
  direct_internet_access  = "Disabled"
  root_access             = "Disabled"
  subnet_id               = var.subnet_ids[0]
  lifecycle_config_name   = aws_sagemaker_notebook_instance_lifecycle_configuration.auto_stop.name
  additional_code_repositories = ["https://github.com/acme/fraud-features.git"]

  instance_metadata_service_configuration {
    minimum_instance_metadata_service_version = "2"
  }

  tags = merge(local.common_tags, { Name = "${local.name_prefix}-research" })

  lifecycle {
    ignore_changes = [tags["LastModifiedBy"]]
  }
}

resource "aws_sagemaker_notebook_instance" "sandbox" {
  count                  = local.is_prod ? 0 : 1
  name                   = "fraud-sandbox-${count.index}"
  role_arn               = aws_iam_role.sagemaker.arn
  instance_type          = "ml.t3.medium"
  direct_internet_access = "Enabled" # sandbox needs pip install from PyPI
}

resource "aws_sagemaker_domain" "studio" {
  domain_name             = "${local.name_prefix}-studio"
  auth_mode               = "IAM"
  vpc_id                  = "vpc-0a1b2c3d4e5f67890"
  subnet_ids              = var.subnet_ids
  app_network_access_type = "VpcOnly"
  kms_key_id              = aws_kms_key.ml.arn

  default_user_settings {
    execution_role  = aws_iam_role.sagemaker.arn
    security_groups = ["sg-0123456789abcdef0"]

    sharing_settings {
      notebook_output_option = "Disabled"
    }

    jupyter_server_app_settings {
      default_resource_spec {
        instance_type       = "system"
        sagemaker_image_arn = "arn:aws:sagemaker:eu-west-1:470317259841:image/jupyter-server-3"
      }
    }
  }

  retention_policy {
    home_efs_file_system = "Retain"
  }
}

resource "aws_sagemaker_model" "fraud" {
  name                     = "${local.name_prefix}-xgboost"
  execution_role_arn       = aws_iam_role.sagemaker.arn
  enable_network_isolation = true

  primary_container {
    image          = "141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-xgboost:1.7-1"
    model_data_url = "s3://acme-fraud-models/xgboost/model.tar.gz"
    mode           = "SingleModel"
    environment = {
      SAGEMAKER_PROGRAM          = "inference.py"
      SAGEMAKER_CONTAINER_LOG_LEVEL = "20"
    }
  }

  vpc_config {
    subnets            = var.subnet_ids
    security_group_ids = ["sg-0123456789abcdef0"]
  }
}

resource "aws_sagemaker_endpoint_configuration" "fraud" {
  name        = "${local.name_prefix}-endpoint-config"
  kms_key_arn = aws_kms_key.ml.arn

  production_variants {
    variant_name           = "primary"
    model_name             = aws_sagemaker_model.fraud.name
    initial_instance_count = 2
    instance_type          = "ml.m5.xlarge"
    initial_variant_weight = 1.0
  }

  production_variants {
    variant_name           = "shadow"
    model_name             = aws_sagemaker_model.fraud.name
    initial_instance_count = 1
    instance_type          = "ml.m5.large"
    initial_variant_weight = 0.1
  }

  data_capture_config {
    enable_capture              = true
    initial_sampling_percentage = local.sampling_percentage
    destination_s3_uri          = "s3://acme-capture/fraud/"
    kms_key_id                  = aws_kms_key.ml.arn

    capture_options {
      capture_mode = "Input"
    }
    capture_options {
      capture_mode = "Output"
    }

    capture_content_type_header {
      csv_content_types  = ["text/csv"]
      json_content_types = ["application/json"]
    }
  }
}

resource "aws_sagemaker_endpoint_configuration" "batch" {
  name = "fraud-batch"

  production_variants {
    variant_name = "primary"
    model_name   = aws_sagemaker_model.fraud.name
    serverless_config {
      max_concurrency   = 5
      memory_size_in_mb = 2048
    }
  }

  dynamic "data_capture_config" {
    for_each = var.capture_destinations
    content {
      enable_capture              = true
      initial_sampling_percentage = 10
      destination_s3_uri          = "s3://${data_capture_config.value.bucket}/${data_capture_config.value.prefix}"

      capture_options {
        capture_mode = "InputAndOutput"
      }
    }
  }
}

resource "aws_sagemaker_endpoint" "fraud" {
  name                 = "${local.name_prefix}-endpoint"
  endpoint_config_name = aws_sagemaker_endpoint_configuration.fraud.name

  deployment_config {
    blue_green_update_policy {
      traffic_routing_configuration {
        type                     = "CANARY"
        wait_interval_in_seconds = 600
        canary_size {
          type  = "INSTANCE_COUNT"
          value = 1
        }
      }
    }
    auto_rollback_configuration {
      alarms {
        alarm_name = "fraud-endpoint-5xx"
      }
    }
  }
}

resource "aws_sagemaker_feature_group" "transactions" {
  feature_group_name             = "${local.name_prefix}-transactions"
  record_identifier_feature_name = "transaction_id"
  event_time_feature_name        = "event_time"
  role_arn                       = aws_iam_role.sagemaker.arn

  feature_definition {
    feature_name = "transaction_id"
    feature_type = "String"
  }
  feature_definition {
    feature_name = "event_time"
    feature_type = "String"
  }
  feature_definition {
    feature_name = "amount"
    feature_type = "Fractional"
  }

  online_store_config {
    enable_online_store = true
    security_config {
      kms_key_id = aws_kms_key.ml.arn
    }
  }

  offline_store_config {
    disable_glue_table_creation = false
    s3_storage_config {
      s3_uri     = "s3://acme-feature-store/offline/"
      kms_key_id = aws_kms_key.ml.arn
    }
  }
}

output "notebook_url" {
  value       = aws_sagemaker_notebook_instance.research.url
  description = "Jupyter URL of the research notebook"
}

output "endpoint_name" {
  value     = aws_sagemaker_endpoint.fraud.name
  sensitive = false
}
