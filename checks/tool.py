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

SUPPRESSION_WITHOUT_REASON = Check(
    id="AIP901",
    name="suppression-without-reason",
    title="Inline suppressions say why the finding is accepted",
    severity=Severity.LOW,
    kinds=(),
    rule=_reported_by_the_engine,
    description=(
        "An inline suppression (`aiposture:ignore[AIP101] reason`) gives no reason after its "
        "rule list. The finding is still suppressed, but a reviewer cannot tell whether the risk "
        "was accepted on purpose; the reason is carried to SARIF as the suppression's "
        "justification. Write the reason on the same line, after the brackets."
    ),
)

UNUSED_SUPPRESSION = Check(
    id="AIP902",
    name="unused-suppression",
    title="Inline suppressions match a finding",
    severity=Severity.LOW,
    kinds=(),
    rule=_reported_by_the_engine,
    description=(
        "An inline suppression (`aiposture:ignore[...]`) names a rule that found nothing where "
        "the suppression applies, names an unknown rule, or names no rule at all. A suppression "
        "that no longer matches would silently hide a future finding at that place: remove it "
        "or fix the rule name. A suppression of a rule that did not run (`--select`, `--ignore`) "
        "is not reported."
    ),
)

CHECKS = (PARSE_ERROR, SUPPRESSION_WITHOUT_REASON, UNUSED_SUPPRESSION)
