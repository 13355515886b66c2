"""Cross-resource checks (AIP450-AIP499): they follow the context graph (analyzer/graph.py) from
AI resources to the roles, policies, buckets and assignments that decide their exposure.

AIP450-452 IAM of AI workloads (iam.py), AIP455-456 training data and model artifact buckets
(data.py), AIP460 model invocation logging (logging.py), AIP470 Azure role assignments (azure_rbac.py).
"""
from __future__ import annotations

from analyzer.check import Check
from checks.cross import azure_rbac, data, diagnostics, iam, logging

CHECKS: tuple[Check, ...] = (*iam.CHECKS, *data.CHECKS, *logging.CHECKS, *diagnostics.CHECKS, *azure_rbac.CHECKS)
