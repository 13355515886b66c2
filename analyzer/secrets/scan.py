"""Find AI provider keys in one file's bytes: a keyword prefilter, then the detectors' patterns
in small windows around the keywords, then placeholder filters. See the package docstring."""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from analyzer.model import Span
from analyzer.secrets.detectors import DETECTOR_BY_ID, DETECTORS, Detector
from analyzer.text import LineIndex, span

MAX_BYTES = 5 * 1024 * 1024
BINARY_PROBE = 8192  # a NUL in the first 8 KB means binary, as git decides


@dataclass(frozen=True)
class SecretHit:
    """One key found. Holds no part of the key beyond `redacted` (at most 4 + 2 characters)."""

    detector_id: str
    provider: str
    span: Span
    redacted: str
    fingerprint: str  # SHA-256 of provider and key, truncated: groups the same key across files
    context: str      # see CONTEXTS


@dataclass(frozen=True)
class ScanOutcome:
    hits: list[SecretHit]
    note: str = ""  # why the file was not scanned ("" when it was)


# what kind of text a hit sits in, from the file's name (and, in notebooks, the cell)
CONTEXTS = ("env", "iac", "config", "dockerfile", "shell", "code", "docs", "notebook-code",
            "notebook-markdown", "notebook-output", "notebook-metadata", "notebook", "other")

_EXT_CONTEXT = {
    ".tf": "iac", ".tfvars": "iac", ".hcl": "iac", ".bicep": "iac", ".bicepparam": "iac",
    ".template": "iac",
    ".yaml": "config", ".yml": "config", ".json": "config", ".toml": "config", ".ini": "config",
    ".cfg": "config", ".conf": "config", ".properties": "config", ".xml": "config", ".jsonc": "config",
    ".sh": "shell", ".bash": "shell", ".zsh": "shell", ".ksh": "shell", ".ps1": "shell", ".bat": "shell",
    ".cmd": "shell",
    ".md": "docs", ".rst": "docs", ".txt": "docs", ".adoc": "docs", ".mdx": "docs",
    ".py": "code", ".pyi": "code", ".js": "code", ".mjs": "code", ".cjs": "code", ".ts": "code",
    ".tsx": "code", ".jsx": "code", ".go": "code", ".java": "code", ".kt": "code", ".scala": "code",
    ".rb": "code", ".cs": "code", ".php": "code", ".rs": "code", ".swift": "code", ".r": "code",
    ".c": "code", ".cc": "code", ".cpp": "code", ".h": "code", ".sql": "code", ".lua": "code",
}

# lock files are full of hashes next to package names: context-only detectors stay off there
_LOCKFILES = frozenset({
    "package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "bun.lock", "poetry.lock",
    "pipfile.lock", "uv.lock", "pdm.lock", "conda-lock.yml", "go.sum", "cargo.lock", "composer.lock",
    "gemfile.lock", "packages.lock.json", "podfile.lock", ".terraform.lock.hcl",
})
_MINIFIED = (".min.js", ".min.css", ".js.map", ".css.map")

# documentation placeholders and test values (compared lower-case with the key's random part)
_STOP_WORDS = ("example", "xxxx", "****", "....", "your", "placeholder", "dummy", "sample", "redacted",
               "changeme", "replace", "insert", "fake", "test", "abcdefgh", "bcdefghi", "01234567",
               "12345678", "98765432", "qwerty", "secret", "token")
# in a long key (a PEM, a Bedrock token) a short word turns up by chance: only the long ones there
_LONG_STOP_WORDS = tuple(word for word in _STOP_WORDS if len(word) >= 7)


def is_text(data: bytes) -> bool:
    """False for binary content: a NUL byte in the first 8 KB."""
    return b"\x00" not in data[:BINARY_PROBE]


def redact(token: str) -> str:
    """A display form showing at most the first 4 and last 2 characters: "sk-p…3f"."""
    if len(token) >= 16:
        return token[:4] + "…" + token[-2:]
    if len(token) >= 8:
        return token[:2] + "…"
    return "…"


def fingerprint(provider: str, token: str) -> str:
    """A stable id for one key (the same key in two files gets the same id); not reversible."""
    import hashlib  # here: OpenSSL costs milliseconds to load, and most files have no key

    digest = hashlib.sha256(b"aiposture-secret\x00" + provider.encode() + b"\x00" + token.encode())
    return digest.hexdigest()[:32]


def remediation(detector_id: str, context: str = "") -> str:
    """What to do about a hit, in one paragraph."""
    det = DETECTOR_BY_ID.get(detector_id)
    provider = det.provider if det else "provider"
    text = (f"Revoke and rotate this {provider} key in the provider's console now: it is in the "
            "repository's history even after the line is removed. Store the new key in a secret store "
            "(AWS Secrets Manager, Azure Key Vault, GCP Secret Manager, Vault, or your CI's secrets) and "
            "reference it from there (an environment variable set at run time, a secret reference in the "
            "IaC) instead of writing it in the file.")
    if context == "notebook-output":
        text += " The key was printed in a cell's output: clear the notebook's outputs before committing."
    elif context == "env":
        text += " Keep .env files out of version control (.gitignore) and commit a .env.example without values."
    return text


def file_context(path: str) -> str:
    """The context of a hit from the file name alone (notebooks are refined per cell)."""
    name = path.replace("\\", "/").rsplit("/", 1)[-1].lower()
    if name == ".env" or name.startswith(".env.") or name.endswith(".env") or name == ".envrc":
        return "env"
    if name.endswith(".ipynb"):
        return "notebook"
    if name in ("dockerfile", "containerfile") or name.startswith("dockerfile.") or name.endswith(".dockerfile"):
        return "dockerfile"
    if name.endswith(".tf.json"):
        return "iac"
    dot = name.rfind(".")
    if dot <= 0:
        return "other"
    return _EXT_CONTEXT.get(name[dot:], "other")


# --- the compiled tables (built on first use, once per process) ---------------------------------
#
# The prefilter does not search every keyword over the whole file (a hundred keywords cost a
# hundred passes, or one slow alternation). Every key is a run of at least 20 token characters,
# so it first finds the runs of at least 32 with two C-speed calls (bytes.translate, then
# bytes.find of 32 marks), which skip ordinary text at hundreds of MB/s. For each run:
# - a prefixed record's keyword must start the run (after "AQ." for the dotted one, or after an
#   escape such as the "\n" before a key printed in a notebook);
# - a run with 16 random-looking characters (a digit and a letter) may be a key without a prefix:
#   only then are the ~130 bytes before it searched for the context keywords.
# Marker keywords inside a key (T3BlbkFJ, JQQJ99) and PEM headers are found with bytes.find over
# the file, and the few keys shorter than 32 by their record's `anchor`, a pattern led by a
# literal (which the regex engine finds as fast as bytes.find). The result is the {keyword: offsets} a whole-file keyword search would give where it
# matters; the detectors' own patterns then run only in windows around those offsets.

MIN_RUN = 32  # keys shorter than this have an `anchor` in their record
_RUN_CHARS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-/+"
_RUN_TABLE = bytes(0x61 if i in _RUN_CHARS else 0x20 for i in range(256))
_RUN_NEEDLE = b"a" * MIN_RUN
# 16 alphanumerics with a digit and a letter, or both cases: what a random key without a prefix
# has (keys with "-" or "_" in them have a prefix, a UUID shape or 40 characters: see _keywords)
_RANDOM16 = re.compile(rb"(?:(?=[A-Za-z]{0,15}[0-9])(?=[0-9]{0,15}[A-Za-z])"
                       rb"|(?=[a-z0-9]{0,15}[A-Z])(?=[A-Z0-9]{0,15}[a-z]))[A-Za-z0-9]{16}")
_LOOKBACK = 130  # a context keyword ends at most _GAP (80) bytes before the key; keywords < 50
# found by exact (case-sensitive) search over the file: keyword -> the bytes in real keys
_LITERALS = {"t3blbkfj": b"T3BlbkFJ", "jqqj99": b"JQQJ99", "-----begin ": b"-----BEGIN "}


@dataclass(frozen=True)
class _Tables:
    starts: dict[bytes, tuple[tuple[bytes, bytes, str], ...]]  # 2 bytes -> (head, tail, keyword)
    anchors: tuple[tuple[re.Pattern, Detector], ...]  # records whose keys can be shorter than a run
    context_prefixes: tuple[bytes, ...]       # prefixes of keyword-gated keys ("sk-", "pa-", ...)
    context: re.Pattern                       # one trie pattern of the context keywords
    contained: dict[bytes, tuple[tuple[int, str], ...]]  # matched context keyword -> keywords inside
    patterns: tuple[re.Pattern, ...]          # parallel to DETECTORS


def _trie_source(words: list[str]) -> str:
    """One alternation of literals, factored as a trie so each position costs one branch."""
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        alts = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return "(?:" + body + ")?" if "" in node else body

    return build(trie)


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    starts: dict[bytes, list] = {}
    anchors, context = [], set()
    for det in DETECTORS:
        if det.anchor:
            anchors.append((re.compile(det.anchor.encode()), det))
            if det.context:
                context.update(det.keywords)
            continue
        for word in det.keywords:
            if det.context:
                context.add(word)
            elif word in _LITERALS:
                continue
            else:
                # a run never holds ".": a dotted keyword's run starts after its last dot
                head, _, tail = word.rpartition(".")
                head = (head + ".").encode() if head else b""
                starts.setdefault(tail[:2].encode(), []).append((head, tail.encode(), word))
    words = sorted(context)
    contained = {}
    for outer in words:
        inner = []
        for word in words:
            at = outer.find(word)
            while at >= 0:
                inner.append((at, word))
                at = outer.find(word, at + 1)
        contained[outer.encode()] = tuple(inner)
    prefixes = tuple(sorted({d.fixed[0].lower().encode()
                             for d in DETECTORS if d.context and d.fixed}))
    return _Tables({k: tuple(v) for k, v in starts.items()}, tuple(anchors), prefixes,
                   re.compile(_trie_source(words).encode()), contained,
                   tuple(re.compile(d.pattern.encode()) for d in DETECTORS))


# --- scanning ----------------------------------------------------------------------------------

def scan_text(path: str, data: bytes) -> ScanOutcome:
    """Every AI provider key in one file. `path` is used for the hits' spans and to pick the
    context (lock files, minified files, notebooks); `data` is the file's bytes. Never raises."""
    if len(data) > MAX_BYTES:
        return ScanOutcome([], f"not scanned for keys: larger than 5 MB ({len(data)} bytes)")
    if not is_text(data):
        return ScanOutcome([], "not scanned for keys: binary file")
    try:
        return ScanOutcome(_scan(path, data))
    except Exception as exc:  # a bug of ours must not stop the scan of other files
        return ScanOutcome([], f"key scan failed: {type(exc).__name__}")


def _keywords(data: bytes, tables: _Tables) -> dict[str, list[int]]:
    """{keyword: start offsets} of the keywords that may lead to a key (see above)."""
    where: dict[str, list[int]] = {}
    starts = tables.starts
    looked_back = 0  # context keywords already searched up to here
    marks = data.translate(_RUN_TABLE)
    size = len(data)
    i = marks.find(_RUN_NEEDLE)
    while i >= 0:
        end = marks.find(b" ", i)
        if end < 0:
            end = size
        head = i + 1 if i and data[i - 1] == 0x5C and data[i] in b"nrt" else i  # after "\n"
        for before, tail, word in starts.get(data[head:head + 2].lower(), ()):
            if data[head:head + len(tail)].lower() == tail and (
                    not before or data[head - len(before):head].lower() == before):
                where.setdefault(word, []).append(head - len(before))
        # a key without a prefix is a whole run (its boundaries are not run characters), and
        # none is longer than 100: longer runs (base64 blobs) are not looked at twice
        length = end - i
        if length <= 100 and (_shaped(data, i, length)
                              or data[head:head + 4].lower().startswith(tables.context_prefixes)
                              or _RANDOM16.search(data, i, end)) and _may_name_a_key(data, head, tables):
            looked_back = _look_back(data, i, looked_back, tables, where)
        i = marks.find(_RUN_NEEDLE, end)
    for anchor, det in tables.anchors:
        for match in anchor.finditer(data):
            if det.context:
                looked_back = _look_back(data, match.start(), 0, tables, where)
            else:
                where.setdefault(det.keywords[0], []).append(match.start())
    for word, literal in _LITERALS.items():
        at = data.find(literal)
        while at >= 0:
            where.setdefault(word, []).append(at)
            at = data.find(literal, at + 1)
    return where


def _shaped(data: bytes, start: int, length: int) -> bool:
    """A UUID (legacy Pinecone keys), or 40 characters with "+" or "/" (an AWS secret key)."""
    if length == 36:
        return data[start + 8] == data[start + 13] == data[start + 18] == data[start + 23] == 0x2D
    if length != 40:
        return False
    chunk = data[start:start + 40]
    return (b"+" in chunk or b"/" in chunk) and chunk.lower() != chunk != chunk.upper()  # both cases


def _may_name_a_key(data: bytes, start: int, tables: _Tables) -> bool:
    """The name the value is given could pass _badly_named for some keyword-gated record."""
    name = _name_before(data, start)
    lower = name.lower()
    if not (any(word in lower for word in _SECRET_WORDS) or tables.context.search(lower.encode())):
        return False
    return _last_word(name) not in _NON_SECRET_NAMES


def _look_back(data: bytes, at: int, done: int, tables: _Tables, where: dict) -> int:
    """Record the context keywords in the bytes before a possible key (from `done` on)."""
    lo = max(done, at - _LOOKBACK)
    for match in tables.context.finditer(data[lo:at].lower()):
        for offset, word in tables.contained[match.group()]:
            where.setdefault(word, []).append(lo + match.start() + offset)
    return at


def _scan(path: str, data: bytes) -> list[SecretHit]:
    tables = _tables()
    where = _keywords(data, tables)
    if not where:
        return []
    name = path.replace("\\", "/").rsplit("/", 1)[-1].lower()
    generic_ok = name not in _LOCKFILES and not name.endswith(_MINIFIED)
    lowered = None  # the whole file lower-cased, only when a record's `requires` is asked
    found = []  # (start, end, rank, index, token)
    for index, det in enumerate(DETECTORS):
        if det.context and not generic_ok:
            continue
        starts = [(at, at + len(kw)) for kw in det.keywords for at in where.get(kw, ())]
        if not starts:
            continue
        if det.requires:
            if lowered is None:
                lowered = data.lower()
            if not any(word.encode() in lowered for word in det.requires):
                continue
        pattern = tables.patterns[index]
        for lo, hi, kw_end in _windows(det, data, starts):
            for match in pattern.finditer(data, lo, hi):
                # the window's end is not the text's: match again on the whole text
                full = pattern.match(data, match.start())
                if full is None:
                    continue
                start, end = full.span()
                tok = full.group().decode("ascii", "replace")
                if not _plausible(det, tok) or _is_reference(data, start, end):
                    continue
                if det.context and _badly_named(data, start, det):
                    continue
                # context detectors: the nearest keyword wins a token two of them claim
                rank = start - kw_end if det.context else -1
                found.append((start, end, rank, index, tok))
    return _hits(path, data, _resolve(found))


def _windows(det: Detector, data: bytes, starts: list[tuple[int, int]]):
    """(lo, hi, keyword end) regions to search: merged for prefixed detectors; one per keyword
    for context detectors, ending at the end of the line after the keyword's."""
    if det.context:
        for kw_start, kw_end in sorted(set(starts)):
            hi = min(len(data), kw_end + det.after)
            nl = data.find(b"\n", kw_end, hi)
            if nl >= 0:
                nl = data.find(b"\n", nl + 1, hi)
                if nl >= 0:
                    hi = nl
            yield kw_end, hi, kw_end
        return
    spans = sorted((max(0, s - det.before), min(len(data), e + det.after)) for s, e in starts)
    lo, hi = spans[0]
    for s, e in spans[1:]:
        if s > hi:
            yield lo, hi, 0
            lo, hi = s, e
        else:
            hi = max(hi, e)
    yield lo, hi, 0


def _resolve(found: list[tuple]) -> list[tuple]:
    """One detector per key: of matches that overlap, keep prefixed detectors over context ones,
    then the nearest keyword, then the earlier record in DETECTORS."""
    found.sort(key=lambda f: (f[0], f[1]))
    kept: list[tuple] = []
    for item in found:
        if kept and item[0] < kept[-1][1]:
            if (item[2], item[3]) < (kept[-1][2], kept[-1][3]):
                kept[-1] = item
            continue
        kept.append(item)
    return kept


def _hits(path: str, data: bytes, kept: list[tuple]) -> list[SecretHit]:
    if not kept:
        return []
    index = LineIndex(data)
    context = file_context(path)
    cells = {}
    if context == "notebook":
        from analyzer.secrets.notebook import notebook_contexts
        cells = notebook_contexts(data, [item[0] for item in kept])
    hits = []
    for start, end, _rank, det_index, tok in kept:
        det = DETECTORS[det_index]
        hits.append(SecretHit(det.id, det.provider, span(path, index, start, end), redact(tok),
                              fingerprint(det.provider, tok), cells.get(start, context)))
    return hits


# --- false-positive filters ----------------------------------------------------------------------

def _body(det: Detector, tok: str) -> str:
    for part in det.fixed:
        tok = tok.replace(part, "", 1)
    return tok


def _plausible(det: Detector, tok: str) -> bool:
    """Not a placeholder: no stop word, no long run of one character, no short repeated unit,
    enough entropy for a random string of its length, and the record's own validator."""
    body = _body(det, tok)
    lower = body.lower()
    if any(word in lower for word in (_STOP_WORDS if len(body) <= 120 else _LONG_STOP_WORDS)):
        return False
    if _longest_run(body) >= 6 or _periodic(body):
        return False
    if _entropy(body) < (3.0 if len(body) >= 32 else 2.8 if len(body) >= 20 else 2.5):
        return False
    return det.validator is None or det.validator(body)


def _longest_run(text: str) -> int:
    best = run = 0
    prev = ""
    for ch in text:
        run = run + 1 if ch == prev else 1
        prev = ch
        best = max(best, run)
    return best


def _periodic(text: str) -> bool:
    """A short unit repeated ("abc123abc123..."): how documentation fakes a long key."""
    n = len(text)
    return any(text[p:] == text[:n - p] for p in range(1, min(16, n // 2) + 1))


def _entropy(text: str) -> float:
    if not text:
        return 0.0
    n = len(text)
    return -sum(c / n * math.log2(c / n) for c in Counter(text).values())


# the last word of the name a value is assigned to, when that name says it is no key
_NON_SECRET_NAMES = frozenset({
    "hash", "sha", "sha1", "sha256", "sha512", "md5", "checksum", "digest", "etag", "integrity",
    "fingerprint", "thumbprint", "id", "uuid", "guid", "name", "url", "uri", "endpoint", "host",
    "version", "commit", "rev", "revision", "ref", "path", "file", "region", "model", "deployment",
    "nonce", "salt", "iv", "color", "colour", "tag", "image", "digests", "hashes",
})
# words in a name that say it holds a credential
_SECRET_WORDS = ("key", "token", "secret", "pat", "auth", "bearer", "credential", "password", "passwd")
_NAME_REVERSED = re.compile(rb"[A-Za-z0-9_.\-]{1,80}")
_NAME_SPLIT = re.compile(r"[_.\-]")


def _name_before(data: bytes, start: int) -> str:
    """The name a value at `start` is given: `COHERE_API_KEY` in `COHERE_API_KEY="..."`, in
    `os.environ[\\"COHERE_API_KEY\\"] = \\"...`, in `cohere_api_key:\n  ...`; "" when none."""
    prefix = data[max(0, start - 100):start].rstrip(b" \t\r\n\"'=:,()[]{}\\>")  # quotes, operators, escapes
    match = _NAME_REVERSED.match(prefix[::-1])  # the name ends the prefix: match it reversed
    return match.group()[::-1].decode("ascii") if match else ""


def _last_word(name: str) -> str:
    last = _NAME_SPLIT.split(name)[-1]
    for at in range(len(last) - 1, 0, -1):  # camelCase: deploymentId -> Id
        if last[at].isupper() and last[at - 1].islower():
            return last[at:].lower()
    return last.lower()


def _badly_named(data: bytes, start: int, det: Detector) -> bool:
    """For keyword-gated records, whose token shape is generic: the name the value is given must
    say it is a credential (`COHERE_API_KEY=`, `api_key:`, `Bearer`) or name the provider
    (`cohere.Client("...")`), and must not say it is something else (`api_key_hash = "<md5>"`,
    `deployment_id: <hex>`, `hash = "sha256:<hex>"`)."""
    name = _name_before(data, start)
    if not name or _last_word(name) in _NON_SECRET_NAMES:
        return True
    lower = name.lower()
    return not (any(word in lower for word in _SECRET_WORDS) or any(word in lower for word in det.keywords))


def _is_reference(data: bytes, start: int, end: int) -> bool:
    """The match sits inside a template or variable reference (`${...}`, `{{ ... }}`, `$VAR`,
    `%VAR%`, `<...>`), not a literal value."""
    before = data[max(0, start - 4):start].rstrip(b" \t")
    after = data[end:end + 4].lstrip(b" \t")
    return before[-1:] in (b"$", b"{", b"%", b"<") or after[:1] in (b"}", b">", b"%")
