"""Vertex AI serving, data and Colab Enterprise checks (AIP420-AIP429): prediction endpoints,
Vector Search index endpoints, Feature Store online stores, Colab Enterprise runtime templates,
and customer-managed keys on every Vertex AI resource that stores data (google and google-beta
providers; `google_vertex_ai_metadata_store` is google-beta only). Defaults:
../shared/research/defaults.md section 5.3. Anchors: ../shared/research/anchor-checks.md
sections 3 and 7 (checkov only).

Not covered: Vertex AI RAG Engine's project configuration (`google_vertex_ai_rag_engine_config`
has no security setting), and the `google_vertex_ai_featurestore` online serving (served through
the Vertex AI API, IAM-controlled; its key is judged by AIP425).
"""
from __future__ import annotations

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
    present,
    set_attr,
    unknown_result,
)
from analyzer.model import Resource, Unknown
from checks.gcp.common import OWASP_LLM, OWASP_ML, REGISTRY, VERTEX_DOCS, flag, is_set, truthy

ENDPOINT = "gcp.vertex.endpoint"
INDEX_ENDPOINT = "gcp.vertex.index_endpoint"
ONLINE_STORE = "gcp.vertex.feature_online_store"
COLAB_TEMPLATE = "gcp.colab.runtime_template"


def _endpoint(attrs: str = "", blocks: str = "") -> str:
    return f'''
resource "google_vertex_ai_endpoint" "scoring" {{
  name         = "fraud-scoring"
  display_name = "fraud-scoring"
  location     = "us-central1"{attrs}{blocks}
}}
'''


_NETWORK = '"projects/${data.google_project.ml.number}/global/networks/${google_compute_network.ml.name}"'
_PSC = '''

  private_service_connect_config {
    enable_private_service_connect = true
    project_allowlist              = ["ml-prod"]
  }'''


# --- prediction endpoints -----------------------------------------------------------------------

def _private_endpoint(resource: Resource, context: Context) -> Iterable[Result]:
    network = resource.get("network")
    psc_path = "private_service_connect_config.enable_private_service_connect"
    psc = resource.get(psc_path)
    if is_set(network):
        yield Result(Status.PASS, "`network` is set", "network", network.span)
        return
    if isinstance(psc.raw, Unknown):
        yield unknown_result(resource, psc_path, psc)
        return
    if truthy(psc.raw) is True:
        yield Result(Status.PASS, f"`{psc_path}` is true", psc_path, psc.span)
        return
    if is_set(network) is None:
        yield unknown_result(resource, "network", network)
        return
    if not psc.absent:
        yield Result(Status.FAIL, f"`{psc_path}` is false and `network` is not set: the endpoint is served on the "
                                  "public Vertex AI API", psc_path, psc.span)
        return
    yield Result(Status.FAIL, "neither `network` nor `private_service_connect_config` is set: the endpoint is served "
                              "on the public Vertex AI API, reachable from any network", "network", network.span)


PRIVATE_ENDPOINT = Check(
    id="AIP420",
    name="vertex-endpoint-public",
    title="Vertex AI endpoints are reachable only through a private network",
    # MEDIUM, not HIGH: a public endpoint still requires an IAM-authorized caller
    severity=Severity.MEDIUM,
    kinds=(ENDPOINT,),
    rule=_private_endpoint,
    description=(
        "A Vertex AI endpoint without `network` (private services access to a VPC peered with Google) or "
        "`private_service_connect_config` with `enable_private_service_connect = true` serves predictions on "
        "the public Vertex AI API: any holder of a token with `aiplatform.endpoints.predict` can send prompts "
        "and data to the model from anywhere, and VPC Service Controls are the only network boundary left. "
        "A private endpoint is reachable only from your networks. The choice is made at creation: changing "
        "it replaces the endpoint."
    ),
    references=(f"{VERTEX_DOCS}/predictions/using-private-endpoints",
                f"{VERTEX_DOCS}/predictions/private-service-connect", f"{REGISTRY}/vertex_ai_endpoint"),
    compliance={OWASP_ML: ("ML05",), OWASP_LLM: ("LLM10",)},
    anchors=("checkov CKV2_GCP_33 (network only)",),
    examples=(
        bad("terraform", _endpoint()),
        bad("terraform", _endpoint(blocks=_PSC.replace("= true", "= false"))),
        good("terraform", _endpoint(f"\n  network      = {_NETWORK}")),
        good("terraform", _endpoint(blocks=_PSC)),
    ),
)

_LOGGING = '''

  predict_request_response_logging_config {
    enabled       = {enabled}
    sampling_rate = 0.1

    bigquery_destination {
      output_uri = "bq://ml-prod.fraud_scoring_logs.request_response"
    }
  }'''

REQUEST_LOGGING = Check(
    id="AIP421",
    name="vertex-endpoint-request-response-logging",
    title="Vertex AI endpoints log prediction requests and responses",
    severity=Severity.LOW,  # audit and abuse investigation, not exposure
    kinds=(ENDPOINT,),
    rule=flag("predict_request_response_logging_config.enabled", True,
              "the prompts and predictions the endpoint serves are not recorded, so misuse cannot be investigated"),
    description=(
        "Cloud Audit Logs record who called an endpoint, not what was asked or answered. Request-response "
        "logging (`predict_request_response_logging_config` with `enabled = true`) writes a sample of the "
        "requests and responses to a BigQuery table, the record needed to investigate prompt injection, "
        "data extraction or model abuse after the fact. It is off when the block is absent. The table then "
        "holds the prompts themselves: restrict who can read it."
    ),
    references=(f"{VERTEX_DOCS}/predictions/online-prediction-logging", f"{REGISTRY}/vertex_ai_endpoint"),
    compliance={OWASP_LLM: ("LLM10",), OWASP_ML: ("ML09",)},
    anchors=(),
    examples=(
        bad("terraform", _endpoint()),
        bad("terraform", _endpoint(blocks=_LOGGING.replace("{enabled}", "false"))),
        good("terraform", _endpoint(blocks=_LOGGING.replace("{enabled}", "true"))),
    ),
)


# --- Vector Search index endpoints ----------------------------------------------------------------

def _index_endpoint(attrs: str = "") -> str:
    return f'''
resource "google_vertex_ai_index_endpoint" "search" {{
  display_name = "product-search"
  region       = "us-central1"{attrs}
}}
'''


PUBLIC_INDEX_ENDPOINT = Check(
    id="AIP422",
    name="vertex-index-endpoint-public",
    title="Vertex AI Vector Search index endpoints are not public",
    severity=Severity.MEDIUM,  # queries still need an IAM-authorized caller
    kinds=(INDEX_ENDPOINT,),
    rule=flag("public_endpoint_enabled", False,
              "the index (embeddings of your documents) is queried on a public endpoint from any network"),
    description=(
        "With `public_endpoint_enabled = true` a Vector Search index endpoint answers queries on a public "
        "domain: anyone with a token allowed to query can read nearest neighbours of the embedded documents "
        "(RAG corpora, product or customer data) from any network. Without it the endpoint is reached "
        "through private services access (`network`) or Private Service Connect "
        "(`private_service_connect_config`); it is not public when the attribute is absent."
    ),
    references=(f"{VERTEX_DOCS}/vector-search/deploy-index-public", f"{VERTEX_DOCS}/vector-search/setup/setup",
                f"{REGISTRY}/vertex_ai_index_endpoint"),
    compliance={OWASP_ML: ("ML05",), OWASP_LLM: ("LLM08",)},
    anchors=("checkov CKV2_GCP_34",),
    examples=(
        bad("terraform", _index_endpoint("\n  public_endpoint_enabled = true")),
        good("terraform", _index_endpoint(f"\n  network      = {_NETWORK}")),
        good("terraform", _index_endpoint("\n  public_endpoint_enabled = false")),
    ),
)


# --- Feature Store online stores ------------------------------------------------------------------

def _online_store(storage: str = "\n\n  optimized {}", blocks: str = "") -> str:
    return f'''
resource "google_vertex_ai_feature_online_store" "serving" {{
  name   = "fraud_features"
  region = "us-central1"{storage}{blocks}
}}
'''


_PSC_PATH = "dedicated_serving_endpoint.private_service_connect_config.enable_private_service_connect"


def _online_store_private(resource: Resource, context: Context) -> Iterable[Result]:
    """The dedicated serving endpoint exists for Optimized stores (and Bigtable stores that
    declare one); a Bigtable store without it is served through the Vertex AI API."""
    optimized, dedicated = resource.get("optimized"), resource.get("dedicated_serving_endpoint")
    for value, path in ((optimized, "optimized"), (dedicated, "dedicated_serving_endpoint")):
        if isinstance(value.raw, Unknown):
            yield unknown_result(resource, path, value)
            return
    if optimized.absent and dedicated.absent:
        return
    yield from flag(_PSC_PATH, True, "the store's dedicated serving endpoint is public, reachable from any "
                                     "network")(resource, context)


PRIVATE_ONLINE_STORE = Check(
    id="AIP423",
    name="vertex-feature-online-store-public",
    title="Vertex AI Feature Store online stores serve features through Private Service Connect",
    severity=Severity.MEDIUM,  # the public endpoint still requires an IAM-authorized caller
    kinds=(ONLINE_STORE,),
    rule=_online_store_private,
    description=(
        "An Optimized online store (or one with a `dedicated_serving_endpoint`) serves feature values, "
        "often customer attributes fed to models in real time, on a dedicated endpoint. Unless "
        "`dedicated_serving_endpoint.private_service_connect_config.enable_private_service_connect` is true "
        "that endpoint is public: any token allowed to read features works from any network. With Private "
        "Service Connect it is reached only through the endpoints you create in your VPCs (list their "
        "projects in `project_allowlist`). Bigtable stores without a dedicated endpoint are served through "
        "the Vertex AI API and are not judged."
    ),
    remediation=set_attr(_PSC_PATH, True),
    fix_safety=Applicability.UNSAFE,  # clients must then call through a Private Service Connect endpoint
    references=(f"{VERTEX_DOCS}/featurestore/latest/create-onlinestore",
                f"{VERTEX_DOCS}/featurestore/latest/serve-feature-values",
                f"{REGISTRY}/vertex_ai_feature_online_store"),
    compliance={OWASP_ML: ("ML05",)},
    anchors=(),
    examples=(
        bad("terraform", _online_store(), fixed=_online_store(blocks='''

  dedicated_serving_endpoint {
    private_service_connect_config {
      enable_private_service_connect = true
    }
  }''')),
        good("terraform", _online_store(blocks='''

  dedicated_serving_endpoint {
    private_service_connect_config {
      enable_private_service_connect = true
      project_allowlist              = ["ml-prod"]
    }
  }''')),
        good("terraform", _online_store('''

  bigtable {
    auto_scaling {
      min_node_count = 1
      max_node_count = 3
    }
  }''')),
    ),
)


# --- Colab Enterprise runtime templates -----------------------------------------------------------

def _colab(network: str) -> str:
    return f'''
resource "google_colab_runtime_template" "analysts" {{
  name         = "analysts"
  display_name = "Analyst runtime"
  location     = "us-central1"

  machine_spec {{
    machine_type = "e2-standard-4"
  }}{network}
}}
'''


_COLAB_PRIVATE = '''

  network_spec {
    enable_internet_access = false
    network                = google_compute_network.ml.id
    subnetwork             = google_compute_subnetwork.ml.id
  }'''

COLAB_INTERNET = Check(
    id="AIP424",
    name="colab-runtime-template-internet-access",
    title="Colab Enterprise runtime templates do not give runtimes public internet access",
    severity=Severity.MEDIUM,
    kinds=(COLAB_TEMPLATE,),
    rule=flag("network_spec.enable_internet_access", False,
              "notebook runtimes created from it can send data to, and download code from, the internet"),
    description=(
        "A runtime template with `network_spec.enable_internet_access = true` creates Colab Enterprise "
        "runtimes with public internet access: notebook code, and anything it installs, can send data "
        "anywhere. Without it (the default) runtimes reach Google APIs privately and the internet only "
        "through the VPC `network` you give them and its Cloud NAT or proxy, where egress can be "
        "controlled."
    ),
    remediation=set_attr("network_spec.enable_internet_access", False),
    fix_safety=Applicability.UNSAFE,  # runtimes lose pip and git access unless their VPC provides egress
    references=("https://cloud.google.com/colab/docs/create-runtime-template",
                "https://cloud.google.com/colab/docs/network-security", f"{REGISTRY}/colab_runtime_template"),
    compliance={OWASP_ML: ("ML05",)},
    anchors=(),
    examples=(
        bad("terraform", _colab("\n\n  network_spec {\n    enable_internet_access = true\n  }"),
            fixed=_colab("\n\n  network_spec {\n    enable_internet_access = false\n  }")),
        good("terraform", _colab(_COLAB_PRIVATE)),
        good("terraform", _colab("")),
    ),
)


# --- customer-managed keys ----------------------------------------------------------------------

CMEK_KINDS = (
    ENDPOINT, INDEX_ENDPOINT, "gcp.vertex.index", ONLINE_STORE, "gcp.vertex.featurestore", "gcp.vertex.dataset",
    "gcp.vertex.metadata_store", "gcp.vertex.tensorboard", "gcp.vertex.reasoning_engine", "gcp.vertex.rag_corpus",
    COLAB_TEMPLATE,
)
_KMS_PATH = "encryption_spec.kms_key_name"
_HAS_KMS = present(_KMS_PATH)


def _cmek(resource: Resource, context: Context) -> Iterable[Result]:
    if resource.kind == "gcp.vertex.rag_corpus":
        # the key covers only the RAG-managed vector database; an external store keeps its own
        for path in ("vertex_ai_search_config", "vector_db_config.pinecone", "vector_db_config.vertex_vector_search"):
            value = resource.get(path)
            if isinstance(value.raw, Unknown):
                yield unknown_result(resource, path, value)
                return
            if not value.absent:
                return
    for result in _HAS_KMS(resource, context):
        if result.status is Status.FAIL:
            state = "is not set" if result.span is None else "is empty"
            yield Result(Status.FAIL, f"`{name_of(resource, _KMS_PATH)}` {state}: the data is encrypted with a "
                                      "Google-managed key only", result.path, result.span)
        else:
            yield result


CMEK = Check(
    id="AIP425",
    name="vertex-ai-cmek",
    title="Vertex AI resources that store data are encrypted with a customer-managed key",
    severity=Severity.LOW,  # defence in depth: the data is encrypted at rest either way
    kinds=CMEK_KINDS,
    rule=_cmek,
    description=(
        "Vertex AI encrypts datasets, feature stores, vector indexes, metadata, TensorBoard logs, endpoints "
        "(their deployed models), Agent Engine deployments, RAG corpora and Colab runtimes with a "
        "Google-managed key unless `encryption_spec.kms_key_name` names a Cloud KMS key. With your own key "
        "you decide its rotation, can revoke it to make the training data and models unreadable, and see "
        "its use in Cloud Audit Logs. The key must be in the resource's region and the Vertex AI service "
        "agent needs `roles/cloudkms.cryptoKeyEncrypterDecrypter` on it. The key can only be set at "
        "creation: adding it replaces the resource and its data. A RAG corpus on an external vector "
        "database (Vertex AI Search, Pinecone, Vector Search) is not judged: the key would cover only the "
        "RAG-managed database."
    ),
    remediation=set_attr(_KMS_PATH, placeholder("kms_key_name")),
    fix_safety=Applicability.SUGGESTION,
    references=(f"{VERTEX_DOCS}/general/cmek", f"{REGISTRY}/vertex_ai_dataset", f"{REGISTRY}/vertex_ai_endpoint",
                f"{REGISTRY}/vertex_ai_reasoning_engine"),
    compliance={OWASP_ML: ("ML02",)},
    anchors=("checkov CKV_GCP_92 (dataset)", "checkov CKV_GCP_96 (metadata store)", "checkov CKV2_GCP_24 (endpoint)",
             "checkov CKV2_GCP_25 (featurestore)", "checkov CKV2_GCP_26 (tensorboard)"),
    examples=(
        bad("terraform", '''
resource "google_vertex_ai_dataset" "transactions" {
  display_name        = "card-transactions"
  metadata_schema_uri = "gs://google-cloud-aiplatform/schema/dataset/metadata/tabular_1.0.0.yaml"
  region              = "us-central1"
}
''', fixed='''
resource "google_vertex_ai_dataset" "transactions" {
  display_name        = "card-transactions"
  metadata_schema_uri = "gs://google-cloud-aiplatform/schema/dataset/metadata/tabular_1.0.0.yaml"
  region              = "us-central1"

  encryption_spec {
    kms_key_name = var.kms_key_name
  }
}

variable "kms_key_name" {
  description = "Name of the KMS key (asked for by an aiposture fix)"
  type        = string
}
'''),
        good("terraform", '''
resource "google_vertex_ai_dataset" "transactions" {
  display_name        = "card-transactions"
  metadata_schema_uri = "gs://google-cloud-aiplatform/schema/dataset/metadata/tabular_1.0.0.yaml"
  region              = "us-central1"

  encryption_spec {
    kms_key_name = google_kms_crypto_key.vertex.id
  }
}
'''),
        bad("terraform", _endpoint(), fixed=_endpoint(blocks='''

  encryption_spec {
    kms_key_name = var.kms_key_name
  }''') + '''
variable "kms_key_name" {
  description = "Name of the KMS key (asked for by an aiposture fix)"
  type        = string
}
'''),
        good("terraform", '''
resource "google_vertex_ai_reasoning_engine" "agent" {
  display_name = "support-agent"
  region       = "us-central1"

  encryption_spec {
    kms_key_name = "projects/ml-prod/locations/us-central1/keyRings/vertex/cryptoKeys/agents"
  }
}
'''),
        good("terraform", '''
resource "google_vertex_ai_rag_corpus" "docs" {
  display_name = "support-docs"
  region       = "us-central1"

  vertex_ai_search_config {
    serving_config = "projects/ml-prod/locations/global/collections/default_collection/engines/docs/servingConfigs/default_search"
  }
}
'''),
        bad("terraform", '''
{
  "resource": {
    "google_vertex_ai_tensorboard": {
      "training": {
        "display_name": "fraud-training",
        "region": "us-central1"
      }
    }
  }
}
''', filename="main.tf.json", fixed='''
{
  "resource": {
    "google_vertex_ai_tensorboard": {
      "training": {
        "display_name": "fraud-training",
        "region": "us-central1",
        "encryption_spec": {
          "kms_key_name": "${var.kms_key_name}"
        }
      }
    }
  },
  "variable": {
    "kms_key_name": {
      "description": "Name of the KMS key (asked for by an aiposture fix)",
      "type": "string"
    }
  }
}
'''),
    ),
)

CHECKS = (PRIVATE_ENDPOINT, REQUEST_LOGGING, PUBLIC_INDEX_ENDPOINT, PRIVATE_ONLINE_STORE, COLAB_INTERNET, CMEK)
