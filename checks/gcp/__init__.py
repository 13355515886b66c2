"""GCP checks (AIP4xx): Vertex AI Workbench and user-managed notebooks (AIP400-AIP409), Vertex AI
serving, data and Colab Enterprise (AIP420-AIP429), IAM grants on AI resources (AIP440-AIP441),
`ainotebooks.*` organization policies (AIP445). Terraform only (google and google-beta providers):
GCP has no other infrastructure-as-code format the catalog reads."""
from __future__ import annotations

from checks.gcp import iam, orgpolicy, vertex, workbench

CHECKS = (*workbench.CHECKS, *vertex.CHECKS, *iam.CHECKS, *orgpolicy.CHECKS)
