"""AI provider keys and tokens written in files: detectors and a text scanner (no network, ever).

API
---
`DETECTORS: tuple[Detector, ...]`
    The explicit table, most specific first. A `Detector` is plain data: `id` ("openai-project-key"),
    `provider` ("OpenAI"), `pattern` (regex source, compiled as bytes), `keywords` (lower-case
    literals for the prefilter), `validator` (function of the key's random part, or None),
    `description`, `reference` (where the format is documented), `confidence` ("high": the token
    identifies itself; "medium": a distinctive but shared or short prefix; "low": no prefix, a
    provider keyword must precede it), `before`/`after` (the window searched around a keyword),
    `requires` (words one of which must be in the file), `context` (True for keyword-gated
    records), `fixed` (literal parts left out of randomness checks), `github_type` (GitHub secret
    scanning's secretType). `DETECTOR_BY_ID` maps ids to records.

`scan_text(path: str, data: bytes) -> ScanOutcome(hits: list[SecretHit], note: str)`
    Every key in one file. `path` (repository-relative, POSIX) goes into the spans and picks the
    context; `data` is the file's bytes. Files over 5 MB or binary (a NUL in the first 8 KB) are
    not scanned and `note` says why; otherwise `note` is "". Never raises.

`SecretHit(detector_id, provider, span, redacted, fingerprint, context)`
    `span` is an `analyzer.model.Span` of the key itself (byte offsets, 1-based lines, UTF-16
    columns; in a notebook, the position in the .ipynb file's own text). `redacted` shows at most
    the first 4 and last 2 characters ("sk-p…3f"). `fingerprint` is 32 hex characters of SHA-256
    over the provider and the key: equal for the same key anywhere, useless for recovering it.
    `context` is one of `CONTEXTS`: "env", "iac", "config", "dockerfile", "shell", "code", "docs",
    "notebook-code", "notebook-markdown", "notebook-output", "notebook-metadata", "notebook",
    "other". The hit holds no other part of the key, so nothing downstream can print it.

`is_text(data) -> bool`, `redact(token) -> str`, `fingerprint(provider, token) -> str`,
`remediation(detector_id, context="") -> str` (rotate, move to a secret store, reference it),
`file_context(path) -> str`.

How it works
------------
One pass per file, no network. Every key is a run of 20+ token characters, so the file is mapped
with `bytes.translate` and the runs of 32 or more are found with `bytes.find` (C speed; keys
shorter than that have a literal-led `anchor` pattern instead). A run that starts with a
record's prefix, or holds a marker (`T3BlbkFJ`, `JQQJ99`), gives that record a keyword hit; a
short run that looks random and is given a key-like or provider name (`COHERE_API_KEY=`,
`api_key:`, `cohere.Client(`) has the bytes before it searched for the context keywords. Only
around keyword hits does a record's own pattern run, in a window of a few hundred bytes. Matches
then pass placeholder filters (stop words such as "example"/"your"/"xxxx", runs of one
character, a short repeated unit, low entropy, `${...}`, `{{ }}`, `$VAR`, `%VAR%` or `<...>`
around it) and the record's validator (mixed character classes of a random key; the base64
structure of Bedrock keys). Keyword-gated records need their keyword on the same or the previous
line and a value name that is not a hash, id, URL...; they are off in lock files and minified
files. Patterns have bounded quantifiers and no nested ones (a test checks), so work is linear.
The patterns compile on first use, once per worker process; importing compiles nothing.
"""
from analyzer.secrets.detectors import DETECTOR_BY_ID, DETECTORS, Detector
from analyzer.secrets.scan import (
    CONTEXTS,
    MAX_BYTES,
    ScanOutcome,
    SecretHit,
    file_context,
    fingerprint,
    is_text,
    redact,
    remediation,
    scan_text,
)

__all__ = [
    "CONTEXTS", "DETECTORS", "DETECTOR_BY_ID", "Detector", "MAX_BYTES", "ScanOutcome", "SecretHit",
    "file_context", "fingerprint", "is_text", "redact", "remediation", "scan_text",
]
