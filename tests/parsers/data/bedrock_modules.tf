// Bedrock agents, guardrails and the shared network module.

module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "5.8.1"

  name = "ml-platform"
  cidr = "10.20.0.0/16"

  azs             = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
  private_subnets = ["10.20.1.0/24", "10.20.2.0/24", "10.20.3.0/24"]
  public_subnets  = ["10.20.101.0/24"]

  enable_nat_gateway   = true
  single_nat_gateway   = true
  enable_dns_hostnames = true

  tags = {
    Terraform   = "true"
    Environment = "prod"
  }
}

module "endpoints" {
  source   = "./modules/vpc-endpoints"
  for_each = toset(["sagemaker.api", "sagemaker.runtime", "bedrock-runtime"])

  vpc_id     = module.vpc.vpc_id
  service    = each.value
  subnet_ids = module.vpc.private_subnets
  providers = {
    aws = aws.us_east_1
  }
  depends_on = [module.vpc]
}

resource "aws_bedrock_guardrail" "support" {
  name                      = "customer-support"
  blocked_input_messaging   = "Sorry, I cannot help with that."
  blocked_outputs_messaging = "Sorry, I cannot answer that."
  description               = "Guardrail for the customer-support agent"
  kms_key_arn               = module.kms.key_arn

  content_policy_config {
    filters_config {
      type            = "HATE"
      input_strength  = "HIGH"
      output_strength = "HIGH"
    }
    filters_config {
      type            = "PROMPT_ATTACK"
      input_strength  = "HIGH"
      output_strength = "NONE"
    }
  }

  sensitive_information_policy_config {
    pii_entities_config {
      type   = "EMAIL"
      action = "ANONYMIZE"
    }
    regexes_config {
      name        = "account-number"
      pattern     = "^ACME-\\d{8}$"
      action      = "BLOCK"
      description = "Internal account numbers"
    }
  }

  topic_policy_config {
    topics_config {
      name       = "investment_advice"
      type       = "DENY"
      definition = "Recommendations about investing money."
      examples   = ["Should I buy ACME stock?", "Where should I invest $1000?"]
    }
  }

  word_policy_config {
    managed_word_lists_config {
      type = "PROFANITY"
    }
  }
}

resource "aws_bedrockagent_agent" "support" {
  agent_name                  = "customer-support"
  agent_resource_role_arn     = aws_iam_role.bedrock_agent.arn
  foundation_model            = "anthropic.claude-3-5-sonnet-20240620-v1:0"
  idle_session_ttl_in_seconds = 600
  prepare_agent               = true
  customer_encryption_key_arn = null
  instruction                 = <<-EOT
    You are a customer-support assistant for ACME Bank.
      Never reveal account numbers.
    Answer in the customer's language.
  EOT

  guardrail_configuration = [{
    guardrail_identifier = aws_bedrock_guardrail.support.guardrail_id
    guardrail_version    = "DRAFT"
  }]
}

resource "aws_iam_role" "bedrock_agent" {
  name = "bedrock-agent-support"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "bedrock.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = {
        StringEquals = { "aws:SourceAccount" = "123456789012" }
      }
    }]
  })
}

resource "aws_iam_role_policy" "bedrock_invoke" {
  name   = "invoke-models"
  role   = aws_iam_role.bedrock_agent.id
  policy = data.aws_iam_policy_document.invoke.json
}

data "aws_iam_policy_document" "invoke" {
  statement {
    effect    = "Allow"
    actions   = ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"]
    resources = ["*"]
  }
  dynamic "statement" {
    for_each = var.extra_statements
    content {
      effect    = statement.value.effect
      actions   = statement.value.actions
      resources = statement.value.resources
    }
  }
}

resource "aws_bedrock_model_invocation_logging_configuration" "main" {
  logging_config {
    embedding_data_delivery_enabled = true
    image_data_delivery_enabled     = true
    text_data_delivery_enabled      = true

    s3_config {
      bucket_name = "acme-bedrock-invocation-logs"
      key_prefix  = "bedrock"
    }

    cloudwatch_config {
      log_group_name = "/aws/bedrock/invocations"
      role_arn       = aws_iam_role.bedrock_logging.arn
      large_data_delivery_s3_config {
        bucket_name = "acme-bedrock-large-payloads"
      }
    }
  }
}

resource "aws_security_group" "endpoints" {
  name        = "ml-endpoints"
  description = "Interface endpoints for SageMaker and Bedrock"
  vpc_id      = module.vpc.vpc_id

  ingress {
    description = "HTTPS from the VPC"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = [module.vpc.vpc_cidr_block]
  }

  dynamic "ingress" {
    for_each = var.extra_cidrs
    iterator = cidr
    content {
      from_port   = 443
      to_port     = 443
      protocol    = "tcp"
      cidr_blocks = [cidr.value]
    }
  }

  egress {
    from_port        = 0
    to_port          = 0
    protocol         = "-1"
    cidr_blocks      = ["0.0.0.0/0"]
    ipv6_cidr_blocks = ["::/0"]
  }

  lifecycle {
    create_before_destroy = true
  }
}

variable "extra_cidrs" {
  type    = list(string)
  default = ["192.168.0.0/16"]
}

variable "extra_statements" {
  type = list(object({ effect = string, actions = list(string), resources = list(string) }))
  default = []
}

moved {
  from = aws_security_group.sagemaker_endpoints
  to   = aws_security_group.endpoints
}

import {
  to = aws_iam_role.bedrock_agent
  id = "bedrock-agent-support"
}

check "agent_prepared" {
  assert {
    condition     = aws_bedrockagent_agent.support.prepare_agent
    error_message = "The agent must be prepared."
  }
}

output "guardrail_id" {
  value = aws_bedrock_guardrail.support.guardrail_id
}

output "agent" {
  value = {
    id   = aws_bedrockagent_agent.support.agent_id
    name = "customer-support"
  }
  sensitive = true
}
