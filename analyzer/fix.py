"""Fixes as data (ruff's model) and the text operations on them.

A check says *what* should change (`analyzer.check.SetAttr` / `RemoveAttr`); a framework's writer
turns that into `Edit`s on the original bytes; a `Fix` groups the edits of one finding with its
applicability. This module applies edits, renders unified diffs, and applies a unified diff
strictly (to verify that a patch we print really applies).
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any, Iterable

from analyzer.check import Applicability


@dataclass(frozen=True)
class Edit:
    """Replace bytes [start, end) of `path` with `content` (an insertion when start == end)."""

    path: str
    start: int
    end: int
    content: str


@dataclass(frozen=True)
class Fix:
    title: str  # what the fix does: "Set `direct_internet_access` to \"Disabled\""
    edits: tuple[Edit, ...]
    applicability: Applicability


@dataclass(frozen=True)
class NativeSet:
    """A writer's instruction: set the attribute at a native dotted path (creating the nested
    blocks on the way when absent) to a native value: str | int | float | bool | None | list |
    dict | analyzer.check.Placeholder."""

    path: str
    value: Any


@dataclass(frozen=True)
class NativeRemove:
    path: str


class WriteError(Exception):
    """A writer cannot render this change here (an unknown or dynamic block, a one-line form it
    does not rewrite...). The message says why; the finding is reported without a fix."""


def azure_path_parts(parsed: Any, resource: Any, change: NativeSet | NativeRemove) -> list[str]:
    """The parts of a Bicep or ARM change's native path; WriteError for what neither writer can
    write: an empty part, a file with syntax errors (the re-parse that verifies a fix would fail
    anyway, and spans near errors are guesses), an `existing` resource (deployed elsewhere)."""
    parts = change.path.split(".")
    if not all(parts):
        raise WriteError(f"not a property path: {change.path!r}")
    if parsed.issues:
        raise WriteError("the file has syntax errors: fix them first")
    if resource.meta.get("existing"):
        raise WriteError(f"`{resource.address}` is an `existing` resource: this file does not deploy it")
    return parts


class OverlapError(ValueError):
    pass


def overlaps(a: Edit, b: Edit) -> bool:
    """Two edits touch the same bytes. Insertions at the same point do not overlap (they are
    applied in the order given); an insertion strictly inside a replaced range does."""
    if a.path != b.path:
        return False
    if a.start == a.end and b.start == b.end:
        return False
    return a.start < b.end and b.start < a.end


def apply_edits(data: bytes, edits: Iterable[Edit]) -> bytes:
    """Apply edits given in original-file coordinates, back to front. Raises OverlapError."""
    ordered = sorted(enumerate(edits), key=lambda pair: (pair[1].start, pair[1].end, pair[0]))
    for (_, first), (_, second) in zip(ordered, ordered[1:]):
        if overlaps(first, second):
            raise OverlapError(f"edits overlap at bytes {second.start}-{second.end}")
    out = data
    for _, edit in reversed(ordered):
        out = out[: edit.start] + edit.content.encode("utf-8") + out[edit.end:]
    return out


def lines_of(data: bytes) -> list[str]:
    """Lines as git counts them: split after each "\n" only (str.splitlines would also split at
    form feeds and Unicode separators), each line keeping its ending."""
    text = data.decode("utf-8", errors="surrogateescape")
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def unified_diff(path: str, before: bytes, after: bytes) -> str:
    """A `git apply`-able diff of one file, `a/path` and `b/path` headers, 3 lines of context."""
    old, new = lines_of(before), lines_of(after)
    lines = []
    for line in difflib.unified_diff(old, new, f"a/{path}", f"b/{path}", n=3):
        if not line.endswith("\n"):
            # the last line has no newline: say so as diff and git do
            line += "\n\\ No newline at end of file\n"
        lines.append(line)
    return "".join(lines)


_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


class PatchError(ValueError):
    pass


def apply_unified_diff(before: bytes, diff: str) -> bytes:
    """Apply a one-file unified diff strictly: every context and removed line must match.

    An independent check of `unified_diff`'s output (we verify every patch we print); it does no
    fuzzy matching, as `git apply` without options does none."""
    old = lines_of(before)
    out: list[str] = []
    position = 0  # next line of `old` not yet copied
    lines = lines_of(diff.encode("utf-8", errors="surrogateescape"))
    index = 0
    while index < len(lines) and not lines[index].startswith("@@"):
        index += 1
    while index < len(lines):
        match = _HUNK.match(lines[index])
        if not match:
            raise PatchError(f"not a hunk header: {lines[index]!r}")
        start = int(match.group(1)) - (0 if match.group(2) == "0" else 1)
        if start < position:
            raise PatchError("hunks out of order")
        out.extend(old[position:start])
        position = start
        index += 1
        while index < len(lines) and not lines[index].startswith("@@"):
            line = lines[index]
            marker, text = line[:1], line[1:]
            if index + 1 < len(lines) and lines[index + 1].startswith("\\ No newline"):
                text = text[:-1] if text.endswith("\n") else text
            if marker in (" ", "-"):
                if position >= len(old) or old[position] != text:
                    raise PatchError(f"line {position + 1} does not match the patch")
                if marker == " ":
                    out.append(text)
                position += 1
            elif marker == "+":
                out.append(text)
            elif marker != "\\":
                raise PatchError(f"unexpected patch line: {line!r}")
            index += 1
    out.extend(old[position:])
    return "".join(out).encode("utf-8", errors="surrogateescape")
