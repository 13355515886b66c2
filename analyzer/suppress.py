"""Inline suppressions: `aiposture:ignore[AIP101,AIP102] reason` in a comment.

Where a suppression applies (its *lines*):
- the comment's own line (a trailing comment, or a comment on a block's header line);
- when the comment is alone on its line, the next line that is not itself only a comment (so
  several suppression lines may be stacked above one line).
A finding of one of the suppression's rules (by id or by name, case-insensitive) whose span
starts on one of those lines is suppressed. When one of those lines is the first line of a
resource block, every finding of that resource (of those rules) is suppressed.

Problems, so suppressions do not rot: a suppression without a reason still suppresses but is
reported as AIP901; a rule id that matches nothing, that is unknown, or a suppression that names
no rule, is reported as AIP902. Only rules that ran are judged unused: with `--select AIP1`, a
suppression of AIP2xx is not unused.

Comments are found by a small scanner per syntax that skips strings (with escapes, `${...}`
interpolations that hold strings of their own, HCL heredocs, Python and Bicep triple-quoted
strings), so `"# aiposture:ignore[...]"` inside a string is not a suppression. JSON has no
comments: JSON files (Terraform JSON, CloudFormation and ARM JSON, pipeline definitions) take
their suppressions from the configuration instead. Known limit: YAML block scalars (`|`, `>`) are
not recognised, so a marker inside one is read as a comment.
"""
from __future__ import annotations

import dataclasses
import re
from functools import lru_cache
from dataclasses import dataclass, field
from typing import Iterable, Iterator, Sequence

from analyzer.check import Check, Status
from analyzer.findings import Finding
from analyzer.model import Resource, Span
from analyzer.text import LineIndex, span

MARKER = b"aiposture:ignore"
UNUSED_ID = "AIP902"
NO_REASON_ID = "AIP901"


@dataclass(frozen=True)
class Syntax:
    """How comments and strings are written in one file format."""

    line_comments: tuple[bytes, ...] = ()
    block_comment: tuple[bytes, bytes] | None = None
    # string delimiters, longest first: (delimiter, backslash escapes, may span lines)
    strings: tuple[tuple[bytes, bool, bool], ...] = ()
    interpolation: bool = False  # "${...}" (and HCL "%{...}") inside a string is an expression
    heredoc: bool = False  # HCL <<EOF ... EOF
    yaml: bool = False  # "#" starts a comment only after whitespace; quotes only start a value


HCL = Syntax((b"#", b"//"), (b"/*", b"*/"), ((b'"', True, False),), interpolation=True, heredoc=True)
YAML = Syntax((b"#",), None, ((b'"', True, False), (b"'", False, False)), yaml=True)
BICEP = Syntax((b"//",), (b"/*", b"*/"), ((b"'''", False, True), (b"'", True, False)), interpolation=True)
PYTHON = Syntax((b"#",), None, ((b'"""', True, True), (b"'''", True, True), (b'"', True, False), (b"'", True, False)))

# File name suffix -> syntax, longest first. JSON has no comments: suppressions come from the
# configuration. A file kind not listed has no inline suppressions.
SYNTAXES: tuple[tuple[str, Syntax | None], ...] = (
    (".tf.json", None),
    (".json", None),
    (".tf", HCL),
    (".hcl", HCL),
    (".yaml", YAML),
    (".yml", YAML),
    (".bicep", BICEP),
    (".bicepparam", BICEP),
    (".py", PYTHON),
)


def syntax_for(path: str) -> Syntax | None:
    lowered = path.lower()
    for suffix, syntax in SYNTAXES:
        if lowered.endswith(suffix):
            return syntax
    return None


@dataclass(frozen=True)
class Suppression:
    span: Span  # from the marker to the end of the comment
    ids: tuple[str, ...]  # as written: rule ids or names
    reason: str  # "" when none was given
    lines: tuple[int, ...]  # the lines it applies to (see the module's docstring)


@dataclass(frozen=True)
class Problem:
    rule_id: str  # AIP901 or AIP902
    span: Span
    message: str


@dataclass
class Applied:
    kept: list[Finding] = field(default_factory=list)
    suppressed: list[Finding] = field(default_factory=list)  # each with `suppression` set
    problems: list[Problem] = field(default_factory=list)


# --- finding comments ---------------------------------------------------------------------------


_IDENT = re.compile(rb"<<-?([A-Za-z_][A-Za-z0-9_-]*)[ \t]*\r?\n")
_VALUE_START = frozenset(b":-[{,?")


def comments(data: bytes, syntax: Syntax) -> Iterator[tuple[int, int, int, int]]:
    """(start, end, text_start, text_end) of every comment: the whole comment and its text
    without the delimiters. Strings are skipped; a string never runs past the end of the file."""
    i, n = 0, len(data)
    # what is open: ("string", delimiter, escapes, multiline) or ("expr",) for an interpolation
    stack: list[tuple] = []
    code_skip, string_skip = _skippers(syntax)
    while i < n:
        if stack and stack[-1][0] == "string":
            _, delimiter, escapes, multiline = stack[-1]
            found = string_skip.search(data, i)  # jump to the next byte that can matter
            if found is None or found.start() > i:
                i = found.start() if found else n
                continue
            byte = data[i]
            if escapes and byte == 0x5C:  # backslash
                i += 2
            elif syntax.interpolation and data.startswith((b"$${", b"%%{"), i):  # escaped: literal text
                i += 3
            elif syntax.interpolation and data.startswith((b"${", b"%{"), i):
                stack.append(("expr",))
                i += 2
            elif data.startswith(delimiter, i):
                stack.pop()
                i += len(delimiter)
            elif byte == 0x0A and not multiline:  # an unterminated string ends with its line
                stack.pop()
            else:
                i += 1
            continue
        found = code_skip.search(data, i)
        if found is None or found.start() > i:
            i = found.start() if found else n
            continue
        byte = data[i]
        if stack and byte == ord("{"):
            stack.append(("expr",))
            i += 1
            continue
        if stack and byte == ord("}"):
            stack.pop()
            i += 1
            continue
        if syntax.heredoc and data.startswith(b"<<", i):
            match = _IDENT.match(data, i)
            if match:
                end = re.compile(rb"^[ \t]*" + re.escape(match.group(1)) + rb"[ \t]*\r?$", re.M).search(data, match.end())
                i = end.end() if end else n
                continue
        comment = _comment_at(data, i, syntax)
        if comment is not None:
            yield comment
            i = comment[1]
            continue
        for delimiter, escapes, multiline in syntax.strings:
            if data.startswith(delimiter, i) and (not syntax.yaml or _starts_value(data, i)):
                stack.append(("string", delimiter, escapes, multiline))
                i += len(delimiter)
                break
        else:
            i += 1


@lru_cache(maxsize=None)
def _skippers(syntax: Syntax) -> tuple[re.Pattern, re.Pattern]:
    """Regexes of the bytes where something can start: in code, and inside a string."""
    code = {b"{", b"}"} | {m[:1] for m in syntax.line_comments} | {d[:1] for d, _, _ in syntax.strings}
    if syntax.block_comment:
        code.add(syntax.block_comment[0][:1])
    if syntax.heredoc:
        code.add(b"<")
    string = {b"\\", b"$", b"%", b"\n"} | {d[:1] for d, _, _ in syntax.strings}
    return (re.compile(b"[" + b"".join(re.escape(c) for c in sorted(code)) + b"]"),
            re.compile(b"[" + b"".join(re.escape(c) for c in sorted(string)) + b"]"))


def _comment_at(data: bytes, i: int, syntax: Syntax) -> tuple[int, int, int, int] | None:
    for marker in syntax.line_comments:
        if data.startswith(marker, i) and (not syntax.yaml or i == 0 or data[i - 1] in b" \t\n"):
            end = data.find(b"\n", i)
            end = len(data) if end < 0 else end
            text_end = end - 1 if end > i and data[end - 1] == 0x0D else end
            return i, end, i + len(marker), text_end
    if syntax.block_comment and data.startswith(syntax.block_comment[0], i):
        opening, closing = syntax.block_comment
        end = data.find(closing, i + len(opening))
        if end < 0:
            return i, len(data), i + len(opening), len(data)
        return i, end + len(closing), i + len(opening), end
    return None


def _starts_value(data: bytes, i: int) -> bool:
    """YAML: a quote opens a string only where a value starts (not in `it's`)."""
    j = i - 1
    while j >= 0 and data[j] in b" \t":
        j -= 1
    return j < 0 or data[j] == 0x0A or data[j] in _VALUE_START


_SUPPRESSION = re.compile(rb"aiposture:ignore(?:\[([^\]\n]*)\])?([^\n]*)")


def find(path: str, data: bytes) -> list[Suppression]:
    """The suppressions written in comments of one file."""
    if MARKER not in data:
        return []
    syntax = syntax_for(path)
    if syntax is None:
        return []
    found = list(comments(data, syntax))
    if not any(MARKER in data[c[2]:c[3]] for c in found):
        return []
    index = LineIndex(data)

    # lines that hold nothing but a comment (and whitespace)
    comment_only: set[int] = set()
    alone: set[int] = set()  # comment starts on their own line (offsets)
    for start, end, _, _ in found:
        line_start = index.line_start(start)
        if data[line_start:start].strip() == b"":
            if data[end:index.next_line_start(max(end - 1, start))].strip() == b"":
                alone.add(start)
                comment_only.update(range(index.position(start)[0], index.position(end)[0] + 1))

    suppressions = []
    for start, end, text_start, text_end in found:
        for match in _SUPPRESSION.finditer(data, text_start, text_end):
            ids = () if match.group(1) is None else tuple(
                part.strip() for part in match.group(1).decode("utf-8", "replace").split(",") if part.strip())
            reason = match.group(2).decode("utf-8", "replace").strip().lstrip(":-–— \t").strip()
            where = span(path, index, match.start(), match.end())
            lines = [where.line]
            if start in alone:
                following = index.position(end)[0] + 1
                while following in comment_only:
                    following += 1
                lines.append(following)
            suppressions.append(Suppression(where, ids, reason, tuple(lines)))
    return suppressions


# --- matching -----------------------------------------------------------------------------------


def apply(findings: Iterable[Finding], suppressions: Sequence[Suppression], resources: Iterable[Resource],
          *, known: Sequence[Check] | None = None, ran: Iterable[str] | None = None) -> Applied:
    """Split findings into kept and suppressed, and say which suppressions are problems.

    `known`: every rule that exists (default: the catalog), to tell an unknown id; `ran`: the
    ids of the rules that ran (default: all known), the only ones a suppression is judged unused
    for."""
    if known is None:
        from checks import ALL_CHECKS

        known = ALL_CHECKS
    by_word = {}
    for check in known:
        by_word[check.id.lower()] = check.id
        by_word[check.name.lower()] = check.id
    ran_ids = {c.id for c in known} if ran is None else set(ran)
    headers: dict[int, set[str]] = {}  # line -> addresses of resources that start on it
    for resource in resources:
        headers.setdefault(resource.span.line, set()).add(resource.address)

    applied = Applied()
    # per suppression: the rule ids it names, and the ones it matched
    named = [{by_word[w.lower()] for w in s.ids if w.lower() in by_word} for s in suppressions]
    used: list[set[str]] = [set() for _ in suppressions]
    for finding in findings:
        justification = None
        for number, suppression in enumerate(suppressions):
            if finding.rule_id not in named[number] or not _covers(suppression, finding, headers):
                continue
            used[number].add(finding.rule_id)
            if justification is None:
                justification = suppression.reason
        if justification is None:
            applied.kept.append(finding)
        else:
            applied.suppressed.append(dataclasses.replace(finding, suppression=justification))

    for suppression, rule_ids, matched in zip(suppressions, named, used):
        if not suppression.ids:
            applied.problems.append(Problem(UNUSED_ID, suppression.span,
                                            "this suppression names no rule: write `aiposture:ignore[AIP101] reason`"))
            continue
        for word in suppression.ids:
            rule_id = by_word.get(word.lower())
            if rule_id is None:
                hint = " (`all` is not accepted: name the rules)" if word.lower() == "all" else ""
                applied.problems.append(Problem(UNUSED_ID, suppression.span,
                                                f"`{word}` in this suppression is an unknown rule{hint}"))
            elif rule_id in ran_ids and rule_id not in matched:
                applied.problems.append(Problem(UNUSED_ID, suppression.span,
                                                f"the suppression of {word} matches no finding here: remove it"))
        if not suppression.reason:
            applied.problems.append(Problem(NO_REASON_ID, suppression.span,
                                            "this suppression gives no reason: say why after the brackets"))
    return applied


def _covers(suppression: Suppression, finding: Finding, headers: dict[int, set[str]]) -> bool:
    for line in suppression.lines:
        if finding.span.line == line or (finding.resource and finding.resource in headers.get(line, ())):
            return True
    return False


def filter_outcome(outcome, path: str, data: bytes, resources: Sequence[Resource], checks: Sequence[Check],
                   framework: str, suppressions: Sequence[Suppression] | None = None) -> None:
    """Apply a file's suppressions to an engine FileOutcome in place: suppressed failures move to
    `outcome.suppressed`, suppressed unknowns disappear, problems become AIP901/AIP902 findings
    when those rules are among `checks`."""
    if suppressions is None:
        suppressions = find(path, data)
    if not suppressions:
        return
    applied = apply([*outcome.findings, *outcome.unknowns], suppressions, resources, ran=[c.id for c in checks])
    outcome.findings = [f for f in applied.kept if f.status is not Status.UNKNOWN]
    outcome.unknowns = [f for f in applied.kept if f.status is Status.UNKNOWN]
    outcome.suppressed.extend(f for f in applied.suppressed if f.status is not Status.UNKNOWN)
    by_id = {c.id: c for c in checks}
    for problem in applied.problems:
        check = by_id.get(problem.rule_id)
        if check is not None:
            outcome.findings.append(Finding(check.id, check.name, check.severity, Status.FAIL, problem.message,
                                            problem.span, framework))


def kept(path: str, data: bytes, findings: Sequence[Finding], resources: Sequence[Resource],
         checks: Sequence[Check]) -> list[Finding]:
    """The findings no inline suppression of `data` covers: for callers that run the checks
    themselves (the fixer must not fix a suppressed finding)."""
    suppressions = find(path, data)
    if not suppressions:
        return list(findings)
    return apply(findings, suppressions, resources, ran=[c.id for c in checks]).kept
