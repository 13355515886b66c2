"""The AI supply-chain findings of one file (AIP6xx rules, checks/supply_chain.py), as the engine
asks for the keys of a file (analyzer.secrets.findings.key_findings)."""
from __future__ import annotations

import io
import os
import posixpath
from typing import Callable, Optional, Sequence

from analyzer.check import Check, Status
from analyzer.findings import Finding
from analyzer.inventory import catalog, deps, modelfile
from analyzer.model import Span
from analyzer.text import LineIndex, span

Reader = Callable[[str], Optional[bytes]]
MAX_LISTED = 5  # globals named in a message


def is_model_file(path: str) -> bool:
    """Whether the engine should hand this file to `model_file_findings` (by name; the magic
    bytes decide in the scan: a `.bin` that is not a pickle or a zip is not a model)."""
    return os.path.splitext(path.lower())[1] in modelfile.SUFFIXES


def supply_chain_findings(path: str, data: bytes, checks: Sequence[Check], read: Reader | None = None) -> list[Finding]:
    """The AIP6xx findings of one file's bytes: a model file (`data` is then the whole file; for
    files on disk prefer `model_file_findings`, which reads only what it needs), Python code, or a
    dependency file. `read` opens files a requirements file includes (scan-root relative paths)."""
    by_id = {c.id: c for c in checks if c.id.startswith("AIP6")}
    if not by_id:
        return []
    try:
        if is_model_file(path):
            scanned = modelfile.scan(io.BytesIO(data), posixpath.basename(path))
            if scanned is not None:
                return _model_findings(path, scanned, by_id)
        found: list[Finding] = []
        if path.lower().endswith(".py"):
            found += _python_findings(path, data, by_id)
        if deps.dependency_source(path):
            found += _dependency_findings(path, data, by_id, read)
        return found
    except (RecursionError, MemoryError):
        return []


def model_file_findings(path: str, absolute: str, checks: Sequence[Check]) -> list[Finding]:
    """The AIP6xx findings of a model file on disk, of any size: only the pickle streams, the zip
    directory and configuration members, and headers are read (modelfile's budgets)."""
    by_id = {c.id: c for c in checks if c.id.startswith("AIP6")}
    if not by_id:
        return []
    scanned = modelfile.scan_file(absolute, posixpath.basename(path))
    return _model_findings(path, scanned, by_id) if scanned is not None else []


def _finding(check: Check, message: str, where: Span, attribute: str, framework: str = "text") -> Finding:
    return Finding(check.id, check.name, check.severity, Status.FAIL, message, where, framework, attribute=attribute)


def _listed(names: Sequence[str]) -> str:
    shown = ", ".join(f"`{n}`" for n in names[:MAX_LISTED])
    return shown + (f" and {len(names) - MAX_LISTED} more" if len(names) > MAX_LISTED else "")


def _model_findings(path: str, scanned: modelfile.ModelScan, by_id: dict[str, Check]) -> list[Finding]:
    start = Span(path, 0, 0, 1, 1, 1, 1)  # a binary file: its first byte
    found = []
    name = posixpath.basename(path)
    members = sorted({where for _, where in scanned.dangerous + scanned.unverified if where})
    inside = f" (in {', '.join(members[:3])})" if members else ""
    dangerous = list(dict.fromkeys(g for g, _ in scanned.dangerous))
    unverified = list(dict.fromkeys(g for g, _ in scanned.unverified))
    if dangerous and "AIP600" in by_id:
        found.append(_finding(by_id["AIP600"], f"Loading `{name}` ({scanned.format}) runs {_listed(dangerous)}"
                                               f"{inside}", start, "pickle-globals", "model"))
    elif unverified and "AIP601" in by_id:
        found.append(_finding(by_id["AIP601"], f"Loading `{name}` ({scanned.format}) imports and calls "
                                               f"{_listed(unverified)}{inside}", start, "pickle-globals", "model"))
    if scanned.lambda_layers and "AIP602" in by_id:
        found.append(_finding(by_id["AIP602"], f"`{name}` has Keras Lambda layer(s) {_listed(scanned.lambda_layers)}, "
                                               "whose code runs when the model is loaded", start, "lambda", "model"))
    if scanned.template_markers and "AIP603" in by_id:
        found.append(_finding(by_id["AIP603"], f"The chat template of `{name}` contains "
                                               f"{_listed(scanned.template_markers)}", start, "chat-template", "model"))
    if scanned.object_array and not dangerous and "AIP604" in by_id:
        found.append(_finding(by_id["AIP604"], f"`{name}` stores a NumPy object array (a pickle, loaded only with "
                                               "allow_pickle=True)", start, "object-array", "model"))
    return found


def _python_findings(path: str, data: bytes, by_id: dict[str, Check]) -> list[Finding]:
    if not any(i in by_id for i in ("AIP610", "AIP611")) or (b"trust_remote_code" not in data and b"load" not in data):
        return []
    from analyzer.inventory.pycode import read_python

    found = read_python(path, data.decode("utf-8", "replace"))
    if not found.issues:
        return []
    index = LineIndex(data)
    results = []
    for issue in found.issues:
        rule = "AIP610" if issue.rule == "trust-remote-code" else "AIP611"
        if rule not in by_id:
            continue
        start = _offset(index, issue.line, issue.col)
        end = max(start, _offset(index, issue.end_line, issue.end_col))
        if rule == "AIP610":
            message = f"`{issue.detail}` runs Python code from the model's hub repository"
            attribute = "trust_remote_code"
        else:
            message = f"`torch.load` with {issue.detail} unpickles the checkpoint, running any code it holds"
            attribute = "torch.load"
        results.append(_finding(by_id[rule], message, span(path, index, start, end), attribute))
    return results


def _offset(index: LineIndex, line: int, col: int) -> int:
    if line - 1 >= len(index.starts):
        return index.size
    return min(index.starts[line - 1] + col, index.size)


def _line_span(path: str, index: LineIndex, line: int, needle: str = "") -> Span:
    """The span of `needle` on a line (case-insensitive), or the line's text."""
    if line - 1 >= len(index.starts):
        return span(path, index, index.size, index.size)
    start = index.starts[line - 1]
    end = index.next_line_start(start)
    text = index.data[start:end]
    if needle:
        at = text.lower().find(needle.lower().encode("utf-8", "replace"))
        if at >= 0:
            return span(path, index, start + at, start + at + len(needle.encode("utf-8", "replace")))
    stripped = text.rstrip(b"\r\n")
    lead = len(stripped) - len(stripped.lstrip())
    return span(path, index, start + lead, start + len(stripped))


def _dependency_findings(path: str, data: bytes, by_id: dict[str, Check], read: Reader | None) -> list[Finding]:
    packages, indexes = deps.read_dependencies(path, data, read)
    index = LineIndex(data)
    results = []
    mine = [p for p in packages if p.file == path]
    if "AIP620" in by_id and any(p.category for p in packages):
        ai = sorted({p.name for p in packages if p.category})
        for entry in indexes:
            if entry.extra and entry.file == path:
                results.append(_finding(
                    by_id["AIP620"], f"`--extra-index-url {entry.url}` is searched together with PyPI for "
                                     f"{_listed(ai)}: any index can win with a higher version",
                    _line_span(path, index, entry.line, entry.url), f"index:{entry.url}"))
    seen: set[tuple[str, str]] = set()
    for package in mine:
        if package.ecosystem not in ("pypi", "npm"):
            continue
        key = package.name if package.ecosystem == "npm" else catalog.normalize(package.name)
        where = _line_span(path, index, package.line, package.declared or package.name)
        rule, message = "", ""
        if package.ecosystem == "pypi" and key in catalog.MALICIOUS:
            rule, message = "AIP623", f"`{package.declared}` is a known malicious package: {catalog.MALICIOUS[key]}"
        elif package.ecosystem == "pypi" and key in catalog.LOOKALIKES:
            rule, message = "AIP623", (f"`{package.declared}` is a known look-alike of "
                                       f"`{catalog.LOOKALIKES[key]}`, not the package itself")
        elif package.ecosystem == "pypi" and key in catalog.PLACEHOLDERS:
            real, why = catalog.PLACEHOLDERS[key]
            rule, message = "AIP622", f"`{package.declared}` is {why}: the package is `{real}`"
        else:
            near = catalog.typosquat_of(key, package.ecosystem)
            if near:
                rule, message = "AIP621", (f"`{package.declared}` is one or two letters away from the AI package "
                                           f"`{near}` and is not a package we know")
        if rule and rule in by_id and (rule, key) not in seen:
            seen.add((rule, key))
            results.append(_finding(by_id[rule], message, where, f"package:{package.ecosystem}:{key}"))
    return results


__all__ = ["supply_chain_findings", "model_file_findings", "is_model_file"]
