"""IAM grants on GCP AI resources (AIP440-AIP441): `*_iam_member` and `*_iam_binding` on Workbench
instances, user-managed notebooks and runtimes, Colab Enterprise runtime templates, Vertex AI
endpoints, feature stores and online stores, and Vertex AI / Notebooks roles granted on a project.
Anchors: ../shared/research/anchor-checks.md section 7 (gaps 9 and 23: no anchor).

Project-level public principals are not judged: a project's IAM policy rejects `allUsers` and
`allAuthenticatedUsers` (Resource Manager setIamPolicy), so such a grant fails at apply. The
`*_iam_policy` resources are not read: their `policy_data` comes from a `google_iam_policy` data
source in practice. Basic roles (owner, editor, viewer) granted broadly are a general IAM finding,
not an AI one.
"""
from __future__ import annotations

from typing import Iterable

from analyzer.check import Check, Context, Result, Severity, Status, bad, good, unknown_result
from analyzer.model import Resource, Unknown, Value
from checks.gcp.common import CWE, OWASP_ML, REGISTRY

RESOURCES = ("workbench_instance", "notebooks_instance", "notebooks_runtime", "colab_runtime_template",
             "vertex_ai_endpoint", "vertex_ai_featurestore", "vertex_ai_feature_online_store")
RESOURCE_KINDS = tuple(f"gcp.iam.{name}_{form}" for name in RESOURCES for form in ("member", "binding"))
PROJECT_KINDS = ("gcp.iam.project_member", "gcp.iam.project_binding")

AI_ROLE_PREFIXES = ("roles/aiplatform.", "roles/notebooks.", "roles/ml.")
AI_PERMISSION_PREFIXES = ("aiplatform.", "notebooks.", "ml.")
CUSTOM_ROLES = ("google_project_iam_custom_role", "google_organization_iam_custom_role")
PUBLIC = ("allusers", "allauthenticatedusers")

IAM_DOCS = "https://cloud.google.com/iam/docs"


def _members(resource: Resource) -> tuple[str, list[Value]]:
    """The principals a grant names: `member` of an `_iam_member`, `members` of an `_iam_binding`."""
    if resource.native_type.endswith("_iam_member"):
        value = resource.get("member")
        return "member", [] if value.absent else [value]
    value = resource.get("members")
    if isinstance(value.raw, list):
        return "members", [v for v in value.raw if isinstance(v, Value)]
    return "members", [] if value.absent else [value]


def _principal(value: Value) -> str | None:
    """A principal's text, or its leading literal for a template (`"domain:${var.d}"`)."""
    if isinstance(value.raw, str):
        return value.raw.strip()
    if isinstance(value.raw, Unknown) and value.raw.expr.startswith('"'):
        return value.raw.expr[1:].split("${", 1)[0]
    return None


def _grants_ai(resource: Resource, context: Context) -> bool | None:
    """Does a project grant's role carry Vertex AI or Notebooks permissions? None when unknown."""
    role = resource.get("role")
    if isinstance(role.raw, str):
        if role.raw.startswith(AI_ROLE_PREFIXES):
            return True
        if not role.raw.startswith(("projects/", "organizations/")):
            return False
    custom = context.targets(resource, "role", CUSTOM_ROLES)
    if custom:
        permissions = custom[0].get("permissions").raw
        if isinstance(permissions, list):
            texts = [p.raw if isinstance(p, Value) else p for p in permissions]
            if all(isinstance(t, str) for t in texts):
                return any(t.startswith(AI_PERMISSION_PREFIXES) for t in texts)
    return None


def _principals(kind_of_principal: str, project_roles: bool):
    def rule(resource: Resource, context: Context) -> Iterable[Result]:
        path, members = _members(resource)
        hits, unknown = [], None
        for value in members:
            text = _principal(value)
            if text is None:
                unknown = unknown or value
                continue
            if kind_of_principal == "public" and text.lower() in PUBLIC and isinstance(value.raw, str):
                hits.append((value, text))
            elif kind_of_principal == "domain" and text.lower().startswith("domain:"):
                hits.append((value, text if isinstance(value.raw, str) else text + "..."))
        if not hits:
            if unknown is not None and isinstance(unknown.raw, Unknown):
                yield unknown_result(resource, path, unknown)
            elif members:
                yield Result(Status.PASS, f"`{path}` names no {kind_of_principal} principal", path, members[0].span)
            return
        role = resource.get("role")
        if project_roles and resource.kind in PROJECT_KINDS:
            ai = _grants_ai(resource, context)
            if ai is None:
                if isinstance(role.raw, Unknown):
                    yield unknown_result(resource, "role", role)
                else:
                    yield Result(Status.UNKNOWN, f"`role` is the custom role {role.raw!r}, which this module does not "
                                                 "declare: its permissions cannot be judged", "role", role.span)
                return
            if not ai:
                return
        role_text = role.raw if isinstance(role.raw, str) else (role.raw.expr if isinstance(role.raw, Unknown) else "?")
        for value, text in hits:
            if kind_of_principal == "public":
                who = "anyone on the internet" if text.lower() == "allusers" else "any Google account"
            else:
                who = f"every account of the domain `{text[7:]}`"
            yield Result(Status.FAIL, f"`{text}` is granted `{role_text}`: {who} gets it", path, value.span)

    return rule


def _grant(native: str, label: str, target: str, member: str, role: str = "roles/notebooks.viewer") -> str:
    return f'''
resource "{native}" "{label}" {{
  {target}
  role   = "{role}"
  member = "{member}"
}}
'''


_WB_TARGET = 'project  = "ml-prod"\n  location = "us-central1-a"\n  name     = google_workbench_instance.research.name'

PUBLIC_PRINCIPAL = Check(
    id="AIP440",
    name="vertex-iam-public-principal",
    title="Vertex AI, Workbench and Colab Enterprise resources grant no role to allUsers or allAuthenticatedUsers",
    severity=Severity.HIGH,  # anyone on the internet (or with any Google account) gets the role
    kinds=RESOURCE_KINDS,
    rule=_principals("public", False),
    description=(
        "`allUsers` is anyone on the internet and `allAuthenticatedUsers` anyone with a Google account, "
        "in any organization. Granted on a Workbench instance or notebook they can open it (and run code "
        "as its service account); on an endpoint they can send prompts to the model at your cost; on a "
        "feature store they can read its features. Grant roles to the groups and service accounts that "
        "need them instead."
    ),
    references=(f"{IAM_DOCS}/principals-overview#all-users", f"{REGISTRY}/workbench_instance_iam",
                f"{REGISTRY}/colab_runtime_template_iam"),
    compliance={OWASP_ML: ("ML05",), CWE: ("CWE-284",)},
    anchors=(),
    examples=(
        bad("terraform", _grant("google_workbench_instance_iam_member", "open", _WB_TARGET, "allUsers")),
        good("terraform", _grant("google_workbench_instance_iam_member", "team", _WB_TARGET,
                                 "group:fraud-ds@example.com")),
        bad("terraform", '''
resource "google_vertex_ai_endpoint_iam_binding" "invokers" {
  provider = google-beta
  project  = "ml-prod"
  location = "us-central1"
  endpoint = google_vertex_ai_endpoint.scoring.name
  role     = "roles/aiplatform.user"
  members  = ["serviceAccount:app@ml-prod.iam.gserviceaccount.com", "allAuthenticatedUsers"]
}
'''),
    ),
)

DOMAIN_PRINCIPAL = Check(
    id="AIP441",
    name="vertex-iam-domain-principal",
    title="Vertex AI and Notebooks roles are not granted to a whole domain",
    # MEDIUM: limited to one organization's accounts, but to all of them
    severity=Severity.MEDIUM,
    kinds=(*PROJECT_KINDS, *RESOURCE_KINDS),
    rule=_principals("domain", True),
    description=(
        "A `domain:` principal is every user of a Google Workspace or Cloud Identity domain. Granting it a "
        "Vertex AI (`roles/aiplatform.*`), Notebooks (`roles/notebooks.*`) or AI Platform (`roles/ml.*`) "
        "role on a project, or a custom role with their permissions, or any role on a Workbench instance, "
        "notebook, Colab template, endpoint or feature store, lets every employee (and every compromised "
        "account) use the models, notebooks and training data, far beyond the teams that need them. Grant "
        "the role to a group instead. Custom roles are judged when the module declares them."
    ),
    references=(f"{IAM_DOCS}/principals-overview#domain", "https://cloud.google.com/vertex-ai/docs/general/access-control",
                f"{REGISTRY}/google_project_iam"),
    compliance={OWASP_ML: ("ML05",), CWE: ("CWE-284",)},
    anchors=(),
    examples=(
        bad("terraform", '''
resource "google_project_iam_binding" "ds" {
  project = "ml-prod"
  role    = "roles/aiplatform.user"
  members = ["group:fraud-ds@example.com", "domain:example.com"]
}
'''),
        good("terraform", '''
resource "google_project_iam_binding" "ds" {
  project = "ml-prod"
  role    = "roles/aiplatform.user"
  members = ["group:fraud-ds@example.com"]
}
'''),
        good("terraform", '''
resource "google_project_iam_member" "read" {
  project = "ml-prod"
  role    = "roles/storage.objectViewer"
  member  = "domain:example.com"
}
'''),
        bad("terraform", '''
resource "google_project_iam_custom_role" "ml_runner" {
  role_id     = "mlRunner"
  title       = "ML runner"
  permissions = ["aiplatform.endpoints.predict", "aiplatform.endpoints.get"]
}

resource "google_project_iam_member" "runners" {
  project = "ml-prod"
  role    = google_project_iam_custom_role.ml_runner.name
  member  = "domain:example.com"
}
'''),
        bad("terraform", _grant("google_colab_runtime_template_iam_member", "everyone",
                                'project          = "ml-prod"\n  location         = "us-central1"\n'
                                '  runtime_template = google_colab_runtime_template.analysts.name',
                                "domain:example.com", "roles/aiplatform.notebookRuntimeUser")),
    ),
)

CHECKS = (PUBLIC_PRINCIPAL, DOMAIN_PRINCIPAL)
