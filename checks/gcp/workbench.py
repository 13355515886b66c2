"""Vertex AI Workbench checks (AIP400-AIP409): Workbench instances (`google_workbench_instance`)
and the legacy user-managed notebooks (`google_notebooks_instance`, removed in provider 8.0), one
check per control for both. The legacy resource's flat attributes (`no_public_ip`,
`service_account`, `metadata`, `disk_encryption`/`kms_key`) are the Workbench paths' aliases in
analyzer/kinds.py. Defaults: ../shared/research/defaults.md sections 5.1 and 5.2. Anchors:
../shared/research/anchor-checks.md sections 3 and 7 (checkov only; Trivy and KICS have none).

The managed-notebook runtime (`google_notebooks_runtime`, checkov CKV2_GCP_35/36) is not covered:
the product was shut down and the resource removed in provider 8.0. The metadata checks carry no
automatic fix: `metadata` is a map argument, and the Terraform writer would create an absent one
as a block (it knows only `tags` as a map), which Terraform rejects.
"""
from __future__ import annotations

import re
from typing import Iterable

from analyzer.check import (
    Applicability,
    Check,
    Context,
    Result,
    Severity,
    Status,
    bad,
    good,
    name_of,
    placeholder,
    set_attr,
    unknown_result,
)
from analyzer.model import Resource, Unknown
from checks.gcp.common import CIS_GCP, CWE, OWASP_ML, REGISTRY, WORKBENCH_DOCS, entries, flag, is_set, show, truthy

WORKBENCH = "gcp.workbench.instance"
NOTEBOOK = "gcp.notebooks.instance"
KINDS = (WORKBENCH, NOTEBOOK)

METADATA_DOCS = f"{WORKBENCH_DOCS}/instances/manage-metadata"
REFS = (f"{REGISTRY}/workbench_instance", f"{REGISTRY}/notebooks_instance")


# --- example templates --------------------------------------------------------------------------

def _wb(setup: str = "", top: str = "") -> str:
    return f'''
resource "google_workbench_instance" "research" {{
  name     = "wb-fraud-research"
  location = "us-central1-a"{top}

  gce_setup {{
    machine_type = "n1-standard-4"{setup}
  }}
}}
'''


def _nb(attrs: str = "", blocks: str = "") -> str:
    return f'''
resource "google_notebooks_instance" "research" {{
  name         = "nb-fraud-research"
  location     = "us-central1-a"
  machine_type = "n1-standard-4"{attrs}

  vm_image {{
    project      = "deeplearning-platform-release"
    image_family = "tf-latest-cpu"
  }}{blocks}
}}
'''


def _wb_json(setup: str = "") -> str:
    return f'''
{{
  "resource": {{
    "google_workbench_instance": {{
      "research": {{
        "name": "wb-fraud-research",
        "location": "us-central1-a",
        "gce_setup": {{
          "machine_type": "n1-standard-4"{setup}
        }}
      }}
    }}
  }}
}}
'''


def _metadata(**pairs: str) -> str:
    lines = "".join(f'\n      "{key.replace("_", "-")}" = "{value}"' for key, value in pairs.items())
    return f"\n\n    metadata = {{{lines}\n    }}"


_HARDENED = dict(notebook_disable_root="true", notebook_disable_downloads="true", notebook_disable_terminal="true",
                 notebook_upgrade_schedule="0 7 * * SAT")


# --- public IP ----------------------------------------------------------------------------------

PUBLIC_IP = Check(
    id="AIP400",
    name="workbench-public-ip",
    title="Vertex AI Workbench instances and user-managed notebooks have no public IP address",
    # HIGH as for SageMaker notebooks with direct internet access (AIP101): an interactive VM with
    # the data scientist's credentials and training data, reachable and able to reach anything.
    severity=Severity.HIGH,
    kinds=KINDS,
    rule=flag("gce_setup.disable_public_ip", True,
              "the notebook VM gets an external IP address, so it can send data to, and be reached from, the "
              "internet"),
    description=(
        "A Workbench instance without `gce_setup.disable_public_ip = true` (a user-managed notebook without "
        "`no_public_ip = true`) gets an ephemeral external IP address: the provider sends nothing and "
        "Google Cloud attaches one, so the notebook VM, which holds training data and the credentials of "
        "its service account, can send data anywhere and is exposed to the internet beyond the "
        "IAM-protected JupyterLab proxy. Without a public IP it reaches Google APIs through Private Google "
        "Access and the internet only through Cloud NAT or a proxy you control. The "
        "`constraints/ainotebooks.restrictPublicIp` organization policy enforces the same."
    ),
    remediation=set_attr("gce_setup.disable_public_ip", True),
    # the notebook loses internet access (pip, git) unless its subnet has Cloud NAT
    fix_safety=Applicability.UNSAFE,
    references=(f"{WORKBENCH_DOCS}/instances/create#network", f"{WORKBENCH_DOCS}/instances/private-ip", *REFS),
    compliance={OWASP_ML: ("ML05",), CIS_GCP: ("4.9",)},
    anchors=("checkov CKV2_GCP_28 (Workbench)", "checkov CKV_GCP_89 (user-managed notebooks)"),
    examples=(
        bad("terraform", _wb(), fixed=_wb("\n    disable_public_ip = true")),
        bad("terraform", _wb("\n    disable_public_ip = false"), fixed=_wb("\n    disable_public_ip = true")),
        good("terraform", _wb("\n    disable_public_ip = true")),
        bad("terraform", _nb(), fixed=_nb("\n  no_public_ip = true")),
        good("terraform", _nb("\n  no_public_ip = true")),
        bad("terraform", _wb_json(), filename="main.tf.json",
            fixed=_wb_json(',\n          "disable_public_ip": true')),
        good("terraform", _wb_json(',\n          "disable_public_ip": true'), filename="main.tf.json"),
    ),
)


# --- disks: customer-managed keys -----------------------------------------------------------------

def _disk_cmek(resource: Resource, context: Context) -> Iterable[Result]:
    disks = ["gce_setup.boot_disk"]
    data = resource.get("gce_setup.data_disks")
    if isinstance(data.raw, Unknown):
        yield unknown_result(resource, "gce_setup.data_disks", data)
        return
    if resource.kind == WORKBENCH and data.raw not in (None, [], {}):
        disks.append("gce_setup.data_disks")
    for disk in disks:
        encryption_path, key_path = f"{disk}.disk_encryption", f"{disk}.kms_key"
        encryption, key = resource.get(encryption_path), resource.get(key_path)
        if isinstance(encryption.raw, Unknown):
            yield unknown_result(resource, encryption_path, encryption)
            continue
        mode = encryption.raw.upper() if isinstance(encryption.raw, str) else encryption.raw
        if mode != "CMEK":
            state = f"is not set, so {show(mode)} applies" if encryption.absent else f"is {show(encryption.raw)}"
            yield Result(Status.FAIL, f"`{name_of(resource, encryption_path)}` {state}: the disk is encrypted with a "
                                      "Google-managed key only; it should be \"CMEK\" with a `kms_key`",
                         encryption_path, encryption.span)
            continue
        found = is_set(key)
        if found is None:
            yield unknown_result(resource, key_path, key)
        elif not found:
            yield Result(Status.FAIL, f"`{name_of(resource, key_path)}` is not set: \"CMEK\" needs the Cloud KMS key "
                                      "that encrypts the disk", key_path, key.span)
        else:
            yield Result(Status.PASS, f"`{disk}` is encrypted with a customer-managed key", key_path, key.span)


_KEY = "google_kms_crypto_key.notebooks.id"

DISK_CMEK = Check(
    id="AIP401",
    name="workbench-disk-cmek",
    title="Vertex AI Workbench instance and user-managed notebook disks are encrypted with a customer-managed key",
    severity=Severity.LOW,  # defence in depth: the disks are encrypted at rest either way
    kinds=KINDS,
    rule=_disk_cmek,
    description=(
        "A notebook's boot and data disks hold the data scientist's work, downloaded training data and "
        "cached credentials. Without `disk_encryption = \"CMEK\"` and a `kms_key` they are encrypted with a "
        "Google-managed key (GMEK, the default), which you can neither rotate on your schedule nor revoke "
        "to make the data unreadable. On a Workbench instance both `gce_setup.boot_disk` and, when "
        "declared, `gce_setup.data_disks` need the key; on a user-managed notebook `disk_encryption` and "
        "`kms_key` cover both disks. The key is set at creation: changing it replaces the instance. The "
        "notebook's service agent needs `roles/cloudkms.cryptoKeyEncrypterDecrypter` on the key."
    ),
    references=(f"{WORKBENCH_DOCS}/instances/cmek", *REFS),
    compliance={OWASP_ML: ("ML02",), CIS_GCP: ("4.7",)},
    anchors=("checkov CKV2_GCP_27 (Workbench)", "checkov CKV2_GCP_21 (user-managed notebooks)"),
    examples=(
        bad("terraform", _wb()),
        bad("terraform", _wb(f'''

    boot_disk {{
      disk_encryption = "CMEK"
      kms_key         = {_KEY}
    }}

    data_disks {{
      disk_size_gb    = 330
      disk_encryption = "GMEK"
    }}''')),
        good("terraform", _wb(f'''

    boot_disk {{
      disk_encryption = "CMEK"
      kms_key         = {_KEY}
    }}

    data_disks {{
      disk_size_gb    = 330
      disk_encryption = "CMEK"
      kms_key         = {_KEY}
    }}''')),
        bad("terraform", _nb('\n  disk_encryption = "GMEK"')),
        good("terraform", _nb(f'\n  disk_encryption = "CMEK"\n  kms_key         = {_KEY}')),
    ),
)


# --- service account ----------------------------------------------------------------------------

_DEFAULT_SA = re.compile(r"-compute@developer\.gserviceaccount\.com", re.I)


def _service_account(resource: Resource, context: Context) -> Iterable[Result]:
    path = "gce_setup.service_accounts.email"
    value = resource.get(path)
    name = name_of(resource, path)
    raw = value.raw
    if isinstance(raw, Unknown):
        if "google_compute_default_service_account" in raw.expr or _DEFAULT_SA.search(raw.expr):
            yield Result(Status.FAIL, f"`{name}` is the Compute Engine default service account: every notebook and "
                                      "VM of the project shares its identity and its project-wide grants", path,
                         value.span)
        elif is_set(value):
            yield Result(Status.PASS, f"`{path}` is set", path, value.span)
        else:
            yield unknown_result(resource, path, value)
        return
    if raw in (None, ""):
        yield Result(Status.FAIL, f"`{name}` is not set, so the notebook runs as the Compute Engine default service "
                                  "account", path, value.span)
    elif isinstance(raw, str) and _DEFAULT_SA.search(raw):
        yield Result(Status.FAIL, f"`{name}` is the Compute Engine default service account ({show(raw)})", path,
                     value.span)
    else:
        yield Result(Status.PASS, f"`{path}` is {raw!r}", path, value.span)


SERVICE_ACCOUNT = Check(
    id="AIP402",
    name="workbench-default-service-account",
    title="Vertex AI Workbench instances and user-managed notebooks run as a dedicated service account",
    # MEDIUM, not HIGH: the default account's automatic Editor grant is off in organizations created
    # since May 2024 (constraints/iam.automaticIamGrantsForDefaultServiceAccounts); where it is on,
    # every notebook user can act as a project Editor.
    severity=Severity.MEDIUM,
    kinds=KINDS,
    rule=_service_account,
    description=(
        "Without `gce_setup.service_accounts` (`service_account` on a user-managed notebook) the notebook "
        "VM runs as the Compute Engine default service account, `<project-number>-compute@developer"
        ".gserviceaccount.com`, which every VM of the project shares and which older projects grant the "
        "Editor role on the whole project. Code in the notebook, and anyone who can open it, acts with that "
        "identity. Run each notebook as a service account of its own holding only the roles its work needs "
        "(reading its training data, writing its models)."
    ),
    remediation=set_attr("gce_setup.service_accounts.email", placeholder("service_account_email")),
    fix_safety=Applicability.SUGGESTION,
    references=(f"{WORKBENCH_DOCS}/instances/create#service-account",
                "https://cloud.google.com/compute/docs/access/service-accounts#default_service_account", *REFS),
    compliance={OWASP_ML: ("ML05",), CIS_GCP: ("4.1",), CWE: ("CWE-250",)},
    anchors=(),
    examples=(
        bad("terraform", _wb(), fixed=_wb('''

    service_accounts {
      email = var.service_account_email
    }''') + '''
variable "service_account_email" {
  description = "Service account email (asked for by an aiposture fix)"
  type        = string
}
'''),
        bad("terraform", _wb('''

    service_accounts {
      email = data.google_compute_default_service_account.default.email
    }'''), fixed=_wb('''

    service_accounts {
      email = var.service_account_email
    }''') + '''
variable "service_account_email" {
  description = "Service account email (asked for by an aiposture fix)"
  type        = string
}
'''),
        good("terraform", _wb('''

    service_accounts {
      email = google_service_account.notebook.email
    }''')),
        bad("terraform", _nb('\n  service_account = "123456789012-compute@developer.gserviceaccount.com"'),
            fixed=_nb('\n  service_account = var.service_account_email') + '''
variable "service_account_email" {
  description = "Service account email (asked for by an aiposture fix)"
  type        = string
}
'''),
        good("terraform", _nb('\n  service_account = "nb-fraud@ml-prod.iam.gserviceaccount.com"')),
    ),
)


# --- metadata: root, downloads, terminal, upgrades ----------------------------------------------------

def _metadata_key(key: str, consequence: str, wanted: str | None = "true") -> object:
    """PASS when `gce_setup.metadata[key]` is "true" (any case), or, with `wanted` None, when it is
    set to anything (a schedule)."""
    path = f"gce_setup.metadata.{key}"

    def rule(resource: Resource, context: Context) -> Iterable[Result]:
        metadata = resource.get("gce_setup.metadata")
        if isinstance(metadata.raw, Unknown):
            yield unknown_result(resource, "gce_setup.metadata", metadata)
            return
        found = entries(metadata) or {}
        value = found.get(key)
        metadata_name = name_of(resource, "gce_setup.metadata")
        if value is None:
            yield Result(Status.FAIL, f"`{metadata_name}` has no \"{key}\" key: {consequence}", path, None)
            return
        if isinstance(value.raw, Unknown):
            yield unknown_result(resource, path, value)
            return
        if wanted is None:
            ok = value.raw not in (None, "")
        else:
            ok = truthy(value.raw) is True
        if ok:
            yield Result(Status.PASS, f"\"{key}\" is {show(value.raw)}", path, value.span)
        else:
            yield Result(Status.FAIL, f"`{metadata_name}` sets \"{key}\" to {show(value.raw)}: {consequence}; it "
                                      f"should be \"{wanted}\"", path, value.span)

    return rule


ROOT_ACCESS = Check(
    id="AIP403",
    name="workbench-root-access",
    title="Vertex AI Workbench instances and user-managed notebooks disable root access",
    severity=Severity.HIGH,  # as SageMaker notebook root access (AIP102)
    kinds=KINDS,
    rule=_metadata_key("notebook-disable-root", "notebook users can become root (sudo) on the VM"),
    description=(
        "Unless the instance's metadata sets `notebook-disable-root` to \"true\", JupyterLab users get "
        "passwordless sudo on the notebook VM: they can change its software and security agents, read "
        "every user's files and the metadata server's tokens, and disable logging. Workbench reads the key "
        "from `gce_setup.metadata` (`metadata` on a user-managed notebook); values are strings and "
        "compared case-insensitively. The `constraints/ainotebooks.disableRootAccess` organization policy "
        "enforces the same for new instances."
    ),
    references=(METADATA_DOCS, "https://cloud.google.com/resource-manager/docs/organization-policy/org-policy-constraints",
                *REFS),
    compliance={OWASP_ML: ("ML05",), CWE: ("CWE-250",)},
    anchors=(),
    examples=(
        bad("terraform", _wb()),
        bad("terraform", _wb(_metadata(notebook_disable_root="false"))),
        good("terraform", _wb(_metadata(notebook_disable_root="TRUE"))),
        bad("terraform", _nb('\n  metadata = {\n    proxy-mode = "service_account"\n  }')),
        good("terraform", _nb('\n  metadata = {\n    notebook-disable-root = "true"\n  }')),
        bad("terraform", _wb_json(',\n          "metadata": {\n            "notebook-disable-root": "false"\n'
                                  '          }'), filename="main.tf.json"),
        good("terraform", _wb_json(',\n          "metadata": {\n            "notebook-disable-root": "true"\n'
                                   '          }'), filename="main.tf.json"),
    ),
)

FILE_DOWNLOADS = Check(
    id="AIP404",
    name="workbench-file-downloads",
    title="Vertex AI Workbench instances and user-managed notebooks disable file downloads from JupyterLab",
    # LOW: code cells can still move data out; this closes the one-click path for data on the VM
    severity=Severity.LOW,
    kinds=KINDS,
    rule=_metadata_key("notebook-disable-downloads", "users can download any file of the VM (datasets, models) "
                                                     "from the JupyterLab UI"),
    description=(
        "Unless the metadata sets `notebook-disable-downloads` to \"true\", JupyterLab lets anyone with "
        "access to the notebook download files (training data, model weights, exported results) to their "
        "own machine, outside any data perimeter. Disabling it removes the download menu and the "
        "file-transfer endpoints. The `constraints/ainotebooks.disableFileDownloads` organization policy "
        "enforces the same."
    ),
    references=(METADATA_DOCS, *REFS),
    compliance={OWASP_ML: ("ML05",)},
    anchors=(),
    examples=(
        bad("terraform", _wb(_metadata(notebook_disable_root="true"))),
        good("terraform", _wb(_metadata(**_HARDENED))),
        bad("terraform", _nb()),
        good("terraform", _nb('\n  metadata = {\n    notebook-disable-downloads = "true"\n  }')),
    ),
)

TERMINAL = Check(
    id="AIP405",
    name="workbench-terminal",
    title="Vertex AI Workbench instances and user-managed notebooks disable the JupyterLab terminal",
    # LOW: a notebook cell can run shell commands too; the terminal makes an interactive shell trivial
    severity=Severity.LOW,
    kinds=KINDS,
    rule=_metadata_key("notebook-disable-terminal", "JupyterLab users get an interactive shell on the VM"),
    description=(
        "Unless the metadata sets `notebook-disable-terminal` to \"true\", JupyterLab opens terminals on the "
        "notebook VM, an interactive shell with the instance's service account credentials. Where "
        "notebooks are meant for code review and reproducible runs rather than administration, disable it "
        "(the `constraints/ainotebooks.disableTerminal` organization policy enforces the same)."
    ),
    references=(METADATA_DOCS, *REFS),
    compliance={OWASP_ML: ("ML05",)},
    anchors=(),
    examples=(
        bad("terraform", _wb(_metadata(notebook_disable_terminal="false"))),
        good("terraform", _wb(_metadata(**_HARDENED))),
        bad("terraform", _nb()),
        good("terraform", _nb('\n  metadata = {\n    notebook-disable-terminal = "true"\n  }')),
    ),
)

AUTO_UPGRADE = Check(
    id="AIP406",
    name="workbench-auto-upgrade",
    title="Vertex AI Workbench instances and user-managed notebooks upgrade automatically on a schedule",
    severity=Severity.LOW,
    kinds=KINDS,
    rule=_metadata_key("notebook-upgrade-schedule", "the instance keeps its image (JupyterLab, frameworks, OS "
                                                    "packages) until someone upgrades it by hand", wanted=None),
    description=(
        "Without a `notebook-upgrade-schedule` metadata key (a cron expression) an instance is never "
        "upgraded automatically: JupyterLab, its extensions and the ML frameworks of its image keep their "
        "known vulnerabilities until someone upgrades it. With a schedule Workbench upgrades the instance "
        "to the newest image version in the maintenance window you choose, keeping the data disk. The "
        "`constraints/ainotebooks.requireAutoUpgradeSchedule` organization policy requires it."
    ),
    references=(f"{WORKBENCH_DOCS}/instances/upgrade-auto", METADATA_DOCS, *REFS),
    compliance={OWASP_ML: ("ML06",), CWE: ("CWE-1104",)},
    anchors=(),
    examples=(
        bad("terraform", _wb(_metadata(notebook_disable_root="true"))),
        bad("terraform", _wb(_metadata(notebook_upgrade_schedule=""))),
        good("terraform", _wb(_metadata(**_HARDENED))),
        bad("terraform", _nb()),
        good("terraform", _nb('\n  metadata = {\n    notebook-upgrade-schedule = "0 7 * * SAT"\n  }')),
    ),
)


# --- Shielded VM --------------------------------------------------------------------------------

def _shielded(attrs: str) -> str:
    return f"\n\n    shielded_instance_config {{{attrs}\n    }}"


def _nb_shielded(attrs: str) -> str:
    return f"\n\n  shielded_instance_config {{{attrs}\n  }}"


SHIELDED = (f"{REGISTRY}/workbench_instance#nested_gce_setup_shielded_instance_config",
            "https://cloud.google.com/compute/shielded-vm/docs/shielded-vm")

SECURE_BOOT = Check(
    id="AIP407",
    name="workbench-secure-boot",
    title="Vertex AI Workbench instances and user-managed notebooks boot with Secure Boot",
    severity=Severity.LOW,  # hardening against boot-level malware; the VM is not exposed by it
    kinds=KINDS,
    rule=flag("gce_setup.shielded_instance_config.enable_secure_boot", True,
              "the VM boots components whose signatures are not verified"),
    description=(
        "Secure Boot makes the notebook VM verify the signature of its boot loader, kernel and drivers, so "
        "rootkits and bootkits cannot load. It is off unless `shielded_instance_config.enable_secure_boot` "
        "is true, for Workbench instances and user-managed notebooks alike. Workbench images are signed; "
        "custom images with unsigned kernel modules (some GPU drivers) do not boot with it."
    ),
    remediation=set_attr("gce_setup.shielded_instance_config.enable_secure_boot", True),
    fix_safety=Applicability.UNSAFE,  # unsigned drivers stop loading; the VM is restarted (legacy: replaced)
    references=(*SHIELDED, f"{REGISTRY}/notebooks_instance"),
    compliance={CIS_GCP: ("4.8",)},
    anchors=(),
    examples=(
        bad("terraform", _wb(), fixed=_wb(_shielded("\n      enable_secure_boot = true"))),
        bad("terraform", _wb(_shielded("\n      enable_secure_boot = false")),
            fixed=_wb(_shielded("\n      enable_secure_boot = true"))),
        good("terraform", _wb(_shielded("\n      enable_secure_boot = true"))),
        bad("terraform", _nb(blocks=_nb_shielded("\n    enable_vtpm = true")),
            fixed=_nb(blocks=_nb_shielded("\n    enable_vtpm = true\n    enable_secure_boot = true"))),
        good("terraform", _nb(blocks=_nb_shielded("\n    enable_secure_boot = true"))),
    ),
)

VTPM = Check(
    id="AIP408",
    name="workbench-vtpm",
    title="Vertex AI Workbench instances and user-managed notebooks keep the virtual TPM enabled",
    severity=Severity.LOW,
    kinds=KINDS,
    rule=flag("gce_setup.shielded_instance_config.enable_vtpm", True,
              "measured boot and integrity monitoring have no trusted module to record into"),
    description=(
        "The virtual Trusted Platform Module measures the notebook VM's boot and protects its secrets; "
        "integrity monitoring depends on it. It is on by default: only `enable_vtpm = false` turns it "
        "off, and that is the finding (as checkov judges it)."
    ),
    remediation=set_attr("gce_setup.shielded_instance_config.enable_vtpm", True),
    fix_safety=Applicability.UNSAFE,  # the VM is restarted (a user-managed notebook is replaced)
    references=(*SHIELDED, f"{REGISTRY}/notebooks_instance"),
    compliance={CIS_GCP: ("4.8",)},
    anchors=("checkov CKV_GCP_126 (user-managed notebooks)",),
    examples=(
        bad("terraform", _wb(_shielded("\n      enable_vtpm = false")),
            fixed=_wb(_shielded("\n      enable_vtpm = true"))),
        good("terraform", _wb()),
        bad("terraform", _nb(blocks=_nb_shielded("\n    enable_vtpm = false")),
            fixed=_nb(blocks=_nb_shielded("\n    enable_vtpm = true"))),
        good("terraform", _nb(blocks=_nb_shielded("\n    enable_vtpm = true"))),
    ),
)

INTEGRITY = Check(
    id="AIP409",
    name="workbench-integrity-monitoring",
    title="Vertex AI Workbench instances and user-managed notebooks keep integrity monitoring enabled",
    severity=Severity.LOW,
    kinds=KINDS,
    rule=flag("gce_setup.shielded_instance_config.enable_integrity_monitoring", True,
              "changes to the VM's boot sequence are not detected"),
    description=(
        "Integrity monitoring compares each boot of the notebook VM with a known-good baseline and reports "
        "deviations to Cloud Logging, so a tampered boot chain is noticed. It is on by default: only "
        "`enable_integrity_monitoring = false` turns it off, and that is the finding (as checkov judges it)."
    ),
    remediation=set_attr("gce_setup.shielded_instance_config.enable_integrity_monitoring", True),
    fix_safety=Applicability.UNSAFE,  # the VM is restarted (a user-managed notebook is replaced)
    references=(*SHIELDED, f"{REGISTRY}/notebooks_instance"),
    compliance={CIS_GCP: ("4.8",)},
    anchors=("checkov CKV_GCP_127 (user-managed notebooks)",),
    examples=(
        bad("terraform", _wb(_shielded("\n      enable_integrity_monitoring = false")),
            fixed=_wb(_shielded("\n      enable_integrity_monitoring = true"))),
        good("terraform", _wb(_shielded("\n      enable_secure_boot = true"))),
        bad("terraform", _nb(blocks=_nb_shielded("\n    enable_integrity_monitoring = false")),
            fixed=_nb(blocks=_nb_shielded("\n    enable_integrity_monitoring = true"))),
        good("terraform", _nb()),
    ),
)

CHECKS = (PUBLIC_IP, DISK_CMEK, SERVICE_ACCOUNT, ROOT_ACCESS, FILE_DOWNLOADS, TERMINAL, AUTO_UPGRADE, SECURE_BOOT,
          VTPM, INTEGRITY)
