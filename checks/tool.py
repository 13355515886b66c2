"""The tool's own rules (AIP9xx): what a scan reports about its inputs rather than the cloud."""
from __future__ import annotations

from analyzer.check import Check, Severity
from analyzer.findings import PARSE_ERROR_ID


def _reported_by_the_engine(resource, context):
    return ()  # parse errors come from the parsers, not from a resource


PARSE_ERROR = Check(
    id=PARSE_ERROR_ID,
    name="parse-error",
    title="Files are valid syntax for their format",
    severity=Severity.MEDIUM,
    kinds=(),
    rule=_reported_by_the_engine,
    description=(
        "The file is not valid syntax, so the tool (and the deployment tool) cannot read all of "
        "it. The finding points at the first invalid token; resources elsewhere in the file are "
        "still checked. Valid syntax that aiposture cannot read is a bug in aiposture: please "
        "report it."
    ),
)

CHECKS = (PARSE_ERROR,)
