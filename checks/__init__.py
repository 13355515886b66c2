"""The check catalog: one explicit table, validated when it is loaded.

Add a check by defining it in its service module and listing the module's CHECKS here. Nothing
registers itself on import.
"""
from __future__ import annotations

import re

from analyzer import kinds
from analyzer.check import Check
from checks import pii, secrets, supply_chain, tool
from checks.aws import bedrock, comprehend, kendra, sagemaker
from checks.aws import sagemaker_jobs
from checks.azure import cognitive
from checks.azure import ml as azure_ml
from checks.azure import search as azure_search
from checks import gcp
from checks import cross

ALL_CHECKS: tuple[Check, ...] = (
    *sagemaker.CHECKS,
    *sagemaker_jobs.CHECKS,
    *bedrock.CHECKS,
    *comprehend.CHECKS,
    *kendra.CHECKS,
    *cognitive.CHECKS,
    *azure_ml.CHECKS,
    *azure_search.CHECKS,
    *gcp.CHECKS,
    *cross.CHECKS,
    *secrets.CHECKS,
    *supply_chain.CHECKS,
    *pii.CHECKS,
    *tool.CHECKS,
)

ID_PATTERN = re.compile(r"^AIP\d{3}$")
NAME_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def validate(checks: tuple[Check, ...]) -> None:
    """Raise ValueError on anything malformed: duplicate ids or names, unknown kinds, a claimed
    framework without both a bad and a good example, a fixable check whose bad example does not
    say what its fix gives."""
    kinds.validate()
    seen_ids: set[str] = set()
    seen_names: set[str] = set()
    for check in checks:
        where = f"{check.id} ({check.name})"
        if not ID_PATTERN.match(check.id) or check.id in seen_ids:
            raise ValueError(f"{where}: id must be unique and look like AIP123")
        if not NAME_PATTERN.match(check.name) or check.name in seen_names:
            raise ValueError(f"{where}: name must be a unique kebab-case slug")
        seen_ids.add(check.id)
        seen_names.add(check.name)
        # file-level rules: keys (AIP5), the supply chain (AIP6), personal data (AIP7), the tool's own (AIP9)
        if not check.kinds and not check.id.startswith(("AIP5", "AIP6", "AIP7", "AIP9")):
            raise ValueError(f"{where}: a check must name the kinds it runs on")
        for kind in check.kinds:
            if kind not in kinds.BY_NAME:
                raise ValueError(f"{where}: unknown kind {kind!r}")
            for framework in kinds.BY_NAME[kind].native:
                verdicts = {e.expect_fail for e in check.examples if e.framework == framework}
                if verdicts != {True, False}:
                    raise ValueError(f"{where}: needs a bad and a good {framework} example")
        if check.remediation is not None and any(e.expect_fail and e.fixed is None for e in check.examples):
            raise ValueError(f"{where}: every bad example of a fixable check needs its fixed text")


validate(ALL_CHECKS)
