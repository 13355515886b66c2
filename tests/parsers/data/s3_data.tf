/*
 * Training data and model artifact buckets.
 */

variable "buckets" {
  type = map(object({
    versioning = bool
    expire_days = number
  }))
  default = {
    "training-data" = { versioning = true, expire_days = 365 }
    "model-artifacts" = { versioning = true, expire_days = 0 }
    scratch = { versioning = false, expire_days = 7 }
  }
}

variable "log_bucket" {
  type     = string
  default  = null
  nullable = true
}

locals {
  bucket_prefix = "acme-ml"
  lifecycle_rules = [for name, cfg in var.buckets : name if cfg.expire_days > 0]
  allowed_principals = [
    "arn:aws:iam::123456789012:role/ml-training",
    "arn:aws:iam::123456789012:role/ml-inference",
  ]
  max_object_size_mb = 5120
  retention = {
    days  = 90
    mode  = "GOVERNANCE"
    ratio = 0.75
  }
  empty_list = []
  negative   = -15
}

resource "aws_s3_bucket" "ml" {
  for_each      = var.buckets
  bucket        = "${local.bucket_prefix}-${each.key}"
  force_destroy = false
  object_lock_enabled = each.key == "model-artifacts"

  tags = {
    Name    = each.key
    Purpose = "machine-learning"
    "aiposture:data" = "training"
  }
}

resource "aws_s3_bucket" "legacy_training" {
  bucket = "acme-legacy-training-data"
  acl    = "public-read" # TODO: remove once migrated

  versioning {
    enabled = false
  }

  server_side_encryption_configuration {
    rule {
      apply_server_side_encryption_by_default {
        sse_algorithm = "AES256"
      }
    }
  }

  logging {
    target_bucket = "acme-access-logs"
    target_prefix = "legacy-training/"
  }
}

resource "aws_s3_bucket_versioning" "ml" {
  for_each = aws_s3_bucket.ml
  bucket   = each.value.id

  versioning_configuration {
    status     = var.buckets[each.key].versioning ? "Enabled" : "Suspended"
    mfa_delete = "Disabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "ml" {
  for_each = aws_s3_bucket.ml
  bucket   = each.value.id

  rule {
    bucket_key_enabled = true
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.ml.arn
    }
  }
}

resource "aws_s3_bucket_public_access_block" "ml" {
  for_each                = aws_s3_bucket.ml
  bucket                  = each.value.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_lifecycle_configuration" "ml" {
  for_each = toset(local.lifecycle_rules)
  bucket   = aws_s3_bucket.ml[each.value].id

  rule {
    id     = "expire-old-objects"
    status = "Enabled"

    filter {
      prefix = "tmp/"
    }

    expiration {
      days = var.buckets[each.value].expire_days
    }

    noncurrent_version_expiration {
      noncurrent_days = 30
    }
  }

  rule {
    id     = "abort-multipart"
    status = "Enabled"
    filter {}
    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }
}

resource "aws_s3_bucket_policy" "training" {
  bucket = aws_s3_bucket.ml["training-data"].id
  policy = <<POLICY
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "DenyInsecureTransport",
      "Effect": "Deny",
      "Principal": "*",
      "Action": "s3:*",
      "Resource": [
        "arn:aws:s3:::acme-ml-training-data",
        "arn:aws:s3:::acme-ml-training-data/*"
      ],
      "Condition": {"Bool": {"aws:SecureTransport": "false"}}
    }
  ]
}
POLICY
}

resource "aws_s3_bucket_policy" "artifacts" {
  bucket = aws_s3_bucket.ml["model-artifacts"].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [for arn in local.allowed_principals : {
      Effect    = "Allow"
      Principal = { AWS = arn }
      Action    = ["s3:GetObject"]
      Resource  = "${aws_s3_bucket.ml["model-artifacts"].arn}/*"
    }]
  })
}

resource "aws_s3_object" "readme" {
  bucket       = aws_s3_bucket.ml["training-data"].id
  key          = "README.md"
  content      = "Training data for the fraud model.\nDo not store PII here.\tThanks!"
  content_type = "text/markdown"
  metadata = {
    "owner"   = "ml-platform"
    "escaped" = "quote \" backslash \\ dollar $${not_interpolated} percent %%{not_a_directive}"
    "unicode" = "caf\u00e9 \U0001F916 été"
  }
}

resource "aws_s3_bucket_notification" "training" {
  bucket = aws_s3_bucket.ml["training-data"].id

  lambda_function {
    lambda_function_arn = "arn:aws:lambda:eu-west-1:123456789012:function:validate-dataset"
    events              = ["s3:ObjectCreated:*"]
    filter_prefix       = "incoming/"
    filter_suffix       = ".parquet"
  }

  lambda_function {
    lambda_function_arn = "arn:aws:lambda:eu-west-1:123456789012:function:pii-scan"
    events              = ["s3:ObjectCreated:Put", "s3:ObjectCreated:Post"]
  }

  depends_on = [aws_s3_bucket_policy.training]
}
