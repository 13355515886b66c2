"""Hand-built scans for the reporter tests (imported by conftest.py and the test modules): fake checks, a tiny source tree, realistic findings.

Spans are computed here from the file text, independently of the code under test: byte offsets
of the UTF-8 text, 1-based lines, columns in UTF-16 code units.
"""
from __future__ import annotations

import os

from analyzer.check import Applicability, Check, Severity, Status, bad, equals, good, placeholder, set_attr
from analyzer.findings import Finding, ScanResult
from analyzer.model import Span

DATA = os.path.join(os.path.dirname(__file__), "..", "data")

MAIN_TF = '''\
resource "aws_sagemaker_notebook_instance" "nb" {
  name                   = "research"
  role_arn               = aws_iam_role.sm.arn
  instance_type          = "ml.t3.medium"
  direct_internet_access = "Enabled"
  tags = { Équipe = "ml", emoji = "🤖", owner = var.owner }
}

resource "aws_sagemaker_notebook_instance" "defaults" {
  name     = "defaults"
  role_arn = aws_iam_role.sm.arn
}
'''

BROKEN_TF = '''\
resource "aws_sagemaker_model" "m" {
  name = "m"
  enable_network_isolation =
}
locals { x = }
'''


def _noop(resource, context):
    return ()


NOTEBOOK = "aws.sagemaker.notebook_instance"

AIP101 = Check(
    id="AIP101", name="sagemaker-notebook-direct-internet",
    title="SageMaker notebook instances have no direct internet access",
    severity=Severity.HIGH,
    kinds=(NOTEBOOK,),
    rule=equals("direct_internet_access", False),
    description=("A notebook instance with direct internet access can reach any host, so data and "
                 "credentials on it can leave without passing through your VPC's controls."),
    remediation=set_attr("direct_internet_access", False),
    fix_safety=Applicability.UNSAFE,
    references=("https://docs.aws.amazon.com/sagemaker/latest/dg/appendix-notebook-and-internet-access.html",),
    compliance={"owasp-ml": ("ML05",), "aws-securityhub": ("SageMaker.1",)},
    anchors=("checkov CKV_AWS_122", "trivy AVD-AWS-0343"),
    examples=(
        bad("terraform", '''
            resource "aws_sagemaker_notebook_instance" "nb" {
              direct_internet_access = "Enabled"
            }
            '''),
        good("terraform", '''
            resource "aws_sagemaker_notebook_instance" "nb" {
              direct_internet_access = "Disabled"
            }
            '''),
    ),
)

AIP102 = Check(
    id="AIP102", name="sagemaker-notebook-root-access",
    title="SageMaker notebook instances give users no root access",
    severity=Severity.MEDIUM,
    kinds=(NOTEBOOK,),
    rule=equals("root_access", False),
    description="Root access lets notebook users change the instance's software and configuration.",
    remediation=set_attr("root_access", False),
    fix_safety=Applicability.UNSAFE,
)

AIP103 = Check(
    id="AIP103", name="sagemaker-notebook-kms",
    title="SageMaker notebook volumes are encrypted with a customer managed key",
    severity=Severity.LOW,
    kinds=(NOTEBOOK,),
    rule=_noop,
    description="A customer managed key keeps control of the notebook's storage encryption with you.",
    remediation=set_attr("kms_key_id", placeholder("kms-key-arn")),
    fix_safety=Applicability.SUGGESTION,
)

AIP900 = Check(
    id="AIP900", name="parse-error",
    title="Files are valid syntax for their format",
    severity=Severity.MEDIUM,
    kinds=(),
    rule=_noop,
    description="The file is not valid syntax, so the tool cannot read all of it.",
)

CHECKS = (AIP101, AIP102, AIP103, AIP900)


def span_in(text: str, path: str, needle: str, nth: int = 0) -> Span:
    """The span of the nth occurrence of `needle` in `text`."""
    index = -1
    for _ in range(nth + 1):
        index = text.index(needle, index + 1)
    start = len(text[:index].encode("utf-8"))
    end = start + len(needle.encode("utf-8"))

    def position(i: int) -> tuple[int, int]:
        line_start = text.rfind("\n", 0, i) + 1
        return text.count("\n", 0, i) + 1, len(text[line_start:i].encode("utf-16-le")) // 2 + 1

    line, col = position(index)
    end_line, end_col = position(index + len(needle))
    return Span(path, start, end, line, col, end_line, end_col)


def notebook_finding(text: str, check: Check, needle: str, *, resource: str, attribute: str,
                     message: str, absent: bool = False, status: Status = Status.FAIL,
                     path: str = "infra/main.tf", severity: Severity | None = None) -> Finding:
    return Finding(
        rule_id=check.id, rule_name=check.name, severity=severity or check.severity, status=status,
        message=message, span=span_in(text, path, needle), framework="terraform", resource=resource,
        kind=NOTEBOOK, native_type="aws_sagemaker_notebook_instance", attribute=attribute, absent=absent,
        fix_safety=check.fix_safety if check.remediation is not None else None,
    )


def build(root: str, main_tf: str = MAIN_TF, **overrides) -> ScanResult:
    """A ScanResult over the tree at `root` as a scan of MAIN_TF and BROKEN_TF would produce."""
    nb = "aws_sagemaker_notebook_instance.nb"
    defaults = "aws_sagemaker_notebook_instance.defaults"
    defaults_header = 'resource "aws_sagemaker_notebook_instance" "defaults" {'
    findings = [
        notebook_finding(main_tf, AIP101, '"Enabled"', resource=nb, attribute="direct_internet_access",
                         message='`direct_internet_access` is "Enabled"; it should be false'),
        notebook_finding(main_tf, AIP101, defaults_header, resource=defaults, attribute="direct_internet_access",
                         absent=True,
                         message="`direct_internet_access` is true (not set; the provider default); it should be false"),
        notebook_finding(main_tf, AIP102, defaults_header, resource=defaults, attribute="root_access", absent=True,
                         message="`root_access` is true (not set; the provider default); it should be false"),
        Finding(rule_id="AIP900", rule_name="parse-error", severity=Severity.MEDIUM, status=Status.FAIL,
                message="expected an expression after `=`", span=span_in(BROKEN_TF, "broken.tf", "\n}"),
                framework="terraform"),
        Finding(rule_id="AIP900", rule_name="parse-error", severity=Severity.MEDIUM, status=Status.FAIL,
                message="expected an expression after `=`", span=span_in(BROKEN_TF, "broken.tf", "}", 1),
                framework="terraform"),
    ]
    unknowns = [
        notebook_finding(main_tf, AIP103, "var.owner", resource=nb, attribute="tags.owner", status=Status.UNKNOWN,
                         message="`tags.owner` is `var.owner`, which cannot be resolved before deployment"),
    ]
    fields = dict(root=root, files=["broken.tf", "infra/main.tf"], findings=sorted(findings, key=Finding.sort_key),
                  unknowns=unknowns, resources=3, passed=7, skipped=[], rules=CHECKS)
    fields.update(overrides)
    return ScanResult(**fields)


def write_tree(root, main_tf: str = MAIN_TF) -> None:
    (root / "infra").mkdir(exist_ok=True)
    (root / "infra" / "main.tf").write_bytes(main_tf.encode("utf-8"))
    (root / "broken.tf").write_bytes(BROKEN_TF.encode("utf-8"))

