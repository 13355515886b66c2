"""From findings to verified fixes, and applying them to files.

A fix is offered only when it passes verification on the file it changes: the patched text
re-parses with no new syntax error, the finding is gone, no other finding appears, and the
unified diff we print applies back to exactly that text.
"""
from __future__ import annotations

import dataclasses
import importlib
import os
import stat
import tempfile
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Mapping, Sequence

from analyzer import docs, kinds, suppress
from analyzer.check import Applicability, Check, RemoveAttr, SetAttr, Status
from analyzer.fix import (
    Fix, NativeRemove, NativeSet, OverlapError, PatchError, WriteError, apply_edits, apply_unified_diff,
    overlaps, unified_diff,
)
from analyzer.changes import repository_prefix
from analyzer.report.common import plural, stable_key
from analyzer.findings import PARSE_ERROR_ID, Finding
from analyzer.model import ParsedFile

MAX_ROUNDS = 10  # fix, re-scan, fix again; one fix per resource per round (a notebook has six at most)


@lru_cache(maxsize=None)
def _module(name: str):
    return importlib.import_module(name)


def native_change(resource_kind: str, framework: str, remedy: SetAttr | RemoveAttr,
                  native_type: str = "") -> NativeSet | NativeRemove:
    dialect = kinds.dialect(framework, native_type)
    path = kinds.native_path(resource_kind, remedy.path, dialect)
    if isinstance(remedy, RemoveAttr):
        return NativeRemove(path)
    return NativeSet(path, kinds.native_value(resource_kind, remedy.path, remedy.value, dialect))


def local_key(key: tuple) -> tuple:
    """A finding's key without its module instance ("module.ml.aws_x.y" -> "aws_x.y"):
    verification re-checks the file on its own, where addresses carry no instance prefix."""
    rule, path, resource, attribute = key
    while resource.startswith("module.") and resource.count(".") >= 3:
        resource = resource.split(".", 2)[2]
    return (rule, path, resource, attribute)


def _check(parsed: ParsedFile, checks: Sequence[Check]):
    """The file's findings as the fixer judges them: a CloudFormation template evaluated (its
    intrinsic functions are not values), Terraform as written (a fix is written on literals)."""
    from analyzer.engine import check_file  # the engine imports this module

    if parsed.framework == "cloudformation":
        from parsers.cloudformation.evaluate import evaluate

        parsed = evaluate(parsed)
    elif parsed.framework == "terraform" and any(r.native_type in kinds.AZAPI_TYPES for r in parsed.resources):
        from parsers.terraform.evaluate import azapi_as_written

        parsed = azapi_as_written(parsed)  # an azapi resource is judged as the ARM resource it creates
    return check_file(parsed, checks)


def fail_keys(findings: Sequence[Finding]) -> set[tuple]:
    return {local_key(f.key) for f in findings if f.status is Status.FAIL}


def verify(parser: str, path: str, before: bytes, after: bytes, parsed_before: ParsedFile,
           findings_before: Sequence[Finding], fixed: Sequence[Finding], checks: Sequence[Check]) -> str:
    """Why `after` is not a good fix of the `fixed` findings on `before`; "" when it is."""
    parsed_after = _module(parser).parse(path, after)
    if len(parsed_after.issues) > len(parsed_before.issues):
        return f"the fixed file does not parse: {parsed_after.issues[0].message}"
    remaining = fail_keys(_check(parsed_after, checks).findings)
    still = [f.rule_id for f in fixed if local_key(f.key) in remaining]
    if still:
        return f"{', '.join(still)} still fails after the fix"
    new = remaining - fail_keys(findings_before)
    if new:
        return f"the fix would create {', '.join(sorted(k[0] for k in new))}"
    try:
        if apply_unified_diff(before, unified_diff(path, before, after)) != after:
            return "the patch does not reproduce the fixed file"
    except PatchError as error:
        return f"the patch does not apply: {error}"
    return ""


def plan(parsed: ParsedFile, data: bytes, findings: Sequence[Finding], checks: Sequence[Check],
         parser: str, writer: str, declared: frozenset[str] = frozenset(),
         threshold: Applicability = Applicability.SUGGESTION, only: set[tuple] | None = None) -> list[Finding]:
    """The findings again, each with its verified `fix`, or a `fix_note` saying why it has none.
    `declared`: names the file's module already declares elsewhere (placeholder variables). Only
    fixes at or above `threshold`, and only for the finding keys in `only` when given, are
    planned: verification costs a parse each."""
    by_id = {c.id: c for c in checks}
    resources = {r.address: r for r in parsed.resources}
    planned = []
    for finding in findings:
        check = by_id.get(finding.rule_id)
        if (finding.status is not Status.FAIL or finding.rule_id == PARSE_ERROR_ID or check is None
                or check.remediation is None or check.fix_safety < threshold
                or (only is not None and finding.key not in only)):
            planned.append(finding)
            continue
        resource = resources.get(finding.resource)
        change = native_change(finding.kind, finding.framework, check.remediation, finding.native_type)
        try:
            if resource is None:
                raise WriteError("the resource could not be found again")
            edits = tuple(_module(writer).edits(parsed, data, resource, change, declared_variables=declared))
            after = apply_edits(data, edits)
        except (WriteError, OverlapError) as error:
            planned.append(dataclasses.replace(finding, fix_note=str(error)))
            continue
        reason = verify(parser, parsed.path, data, after, parsed, findings, [finding], checks)
        if reason:
            planned.append(dataclasses.replace(finding, fix_note=f"no fix: {reason}"))
            continue
        title = docs.remediation_text(check, finding.kind, kinds.dialect(finding.framework, finding.native_type)) \
            or check.title
        fix = Fix(title[0].upper() + title[1:], edits, check.fix_safety)
        planned.append(dataclasses.replace(finding, fix=fix))
    return planned


@dataclass
class FileFix:
    """What fixing one file did."""

    path: str  # relative to the scan root
    before: bytes
    after: bytes
    applied: list[Finding] = field(default_factory=list)  # the findings fixed, with their fix
    left: list[Finding] = field(default_factory=list)  # findings still there after fixing
    failed: list[Finding] = field(default_factory=list)  # fixes dropped, each with its fix_note

    @property
    def changed(self) -> bool:
        return self.after != self.before


def declared_in(folder: str, writer: str) -> frozenset[str]:
    """What the files of a folder (a Terraform module) declare, as the writer reads it."""
    return _module(writer).declared_variables(folder) if folder else frozenset()


def fix_file(absolute: str, relative: str, parser: str, writer: str, checks: Sequence[Check],
             threshold: Applicability, declared: frozenset[str] = frozenset(),
             accepted: frozenset[str] = frozenset()) -> FileFix:
    """Apply every verified fix at or above `threshold` to one file's text, round after round:
    fixes on different resources that do not overlap are applied together (the first wins; the
    others are planned again on the new text in the next round) until nothing is left to apply.
    Findings a baseline accepts (`accepted`: stable keys) are left alone, as suppressed ones are."""
    with open(absolute, "rb") as handle:
        original = handle.read()
    current = original
    applied: list[Finding] = []
    failed: list[Finding] = []
    attempted: set[tuple] = set()
    findings: list[Finding] = []
    by_id = {c.id: c for c in checks}
    for _ in range(MAX_ROUNDS):
        parsed = _module(parser).parse(relative, current)
        findings = _check(parsed, checks).findings
        # a finding suppressed inline is never fixed (all findings still count for verification)
        fixable = {f.key for f in suppress.kept(relative, current, findings, parsed.resources, checks)
                   if not accepted or stable_key(f) not in accepted}
        # One fix per resource per round: two fixes that each create the same missing block
        # would write it twice. The others are planned again on the new text next round.
        picked: dict[str, tuple] = {}
        for finding in findings:
            check = by_id.get(finding.rule_id)
            if (finding.key in fixable and finding.key not in attempted and finding.resource not in picked
                    and check is not None and check.remediation is not None and check.fix_safety >= threshold):
                picked[finding.resource] = finding.key
        if not picked:
            break
        attempted.update(picked.values())  # a fix that fails verification is not tried again
        planned = plan(parsed, current, findings, checks, parser, writer, declared, threshold, set(picked.values()))
        failed.extend(f for f in planned if f.fix_note and f.key in picked.values())
        chosen: list[Finding] = []
        for finding in planned:
            if finding.fix is not None and not any(
                    overlaps(a, b) for other in chosen for a in other.fix.edits for b in finding.fix.edits):
                chosen.append(finding)
        if not chosen:
            continue
        # identical edits (the same placeholder variable declared by two fixes) are made once
        edits = list(dict.fromkeys(edit for f in chosen for edit in f.fix.edits))
        after = apply_edits(current, edits)
        if len(chosen) > 1 and verify(parser, relative, current, after, parsed, findings, chosen, checks):
            attempted.difference_update(f.key for f in chosen[1:])  # planned again next round
            chosen = chosen[:1]  # together they do not verify: keep the first (verified alone)
            after = apply_edits(current, chosen[0].fix.edits)
        applied.extend(chosen)
        current = after
    else:
        parsed = _module(parser).parse(relative, current)
        findings = _check(parsed, checks).findings
    return FileFix(relative, original, current, applied, findings, failed)


def fix_folder(targets: Sequence, checks: Sequence[Check], threshold: Applicability,
               per_path_ignores: Sequence[tuple[str, Sequence[str]]] = (),
               accepted: frozenset[str] = frozenset()) -> list[FileFix]:
    """Fix the files of one folder (one Terraform module) in order, remembering the variables
    earlier fixes declared, so that a patch never declares one twice in a module (in a dry run
    nothing is on disk yet)."""
    from analyzer.engine import ignored_rules

    fixed_files = []
    added: set[str] = set()
    for target in targets:
        declared = declared_in(os.path.dirname(target.absolute), target.writer) | added
        ignored = ignored_rules(target.relative, per_path_ignores)
        fixed = fix_file(target.absolute, target.relative, target.parser, target.writer,
                         [c for c in checks if c.id not in ignored], threshold, frozenset(declared), accepted)
        if fixed.changed:
            added |= (_variables(target.parser, target.relative, fixed.after)
                      - _variables(target.parser, target.relative, fixed.before))
        fixed_files.append(fixed)
    return fixed_files


def _fix_folder_in_worker(targets: Sequence, check_ids: tuple[str, ...], threshold: Applicability,
                          per_path_ignores: Sequence[tuple[str, Sequence[str]]],
                          accepted: frozenset[str]) -> list[FileFix]:
    from checks import ALL_CHECKS  # check functions do not pickle: look them up by id

    return fix_folder(targets, tuple(c for c in ALL_CHECKS if c.id in check_ids), threshold, per_path_ignores,
                      accepted)


def _variables(parser: str, path: str, data: bytes) -> set[str]:
    return set(_module(parser).parse(path, data).blocks.get("variable", {}))


def write_atomically(path: str, expected: bytes, content: bytes) -> None:
    """Replace `path` with `content` if it still holds `expected`; keep its mode. Raises
    FileChangedError when someone changed the file since it was scanned."""
    path = os.path.realpath(path)  # a link (inside the scanned folder) stays a link to the fixed file
    with open(path, "rb") as handle:
        if handle.read() != expected:
            raise FileChangedError(path)
    mode = stat.S_IMODE(os.stat(path).st_mode)
    folder = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(path)}.", suffix=".aiposture")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


class FileChangedError(Exception):
    pass



@dataclass
class FixOutcome:
    """What `aiposture fix` did across files."""

    files: list[FileFix]
    prefix: str  # the scan root relative to the repository root, for the diff's paths
    threshold: Applicability
    written: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # files not written, and why
    waiting: dict[str, int] = field(default_factory=dict)  # applicability label -> fixes not applied
    without_fix: int = 0  # findings whose rule has no fix, or whose fix failed verification

    @property
    def diff(self) -> str:
        return "".join(unified_diff(self.prefix + f.path, f.before, f.after) for f in self.files if f.changed)

    def summary(self) -> list[str]:
        applied = [finding for f in self.files for finding in f.applied]
        changed = sum(1 for f in self.files if f.changed)
        verb = "Fixed" if self.written else "Would fix"
        counts = {}
        for finding in applied:
            label = finding.fix.applicability.label
            counts[label] = counts.get(label, 0) + 1
        detail = ", ".join(f"{n} {label}" for label, n in sorted(counts.items()))
        lines = [f"aiposture: {verb} {plural(len(applied), 'finding')} in {plural(changed, 'file')}"
                 + (f" ({detail})" if detail else "") + "."]
        if self.waiting.get("unsafe"):
            lines.append(f"aiposture: {self.waiting['unsafe']} more have unsafe fixes: --unsafe-fixes "
                         "(they may change the workload's behaviour: review them).")
        if self.waiting.get("suggestion"):
            lines.append(f"aiposture: {self.waiting['suggestion']} more have fixes that need a value from you: "
                         "see them with --suggestions.")
        if self.without_fix:
            verb_has = "has" if self.without_fix == 1 else "have"
            lines.append(f"aiposture: {plural(self.without_fix, 'finding')} {verb_has} "
                         "no automatic fix (`aiposture scan` lists them).")
        for fixed in self.files:
            for finding in fixed.failed:
                lines.append(f"aiposture: {finding.path}:{finding.span.line}: {finding.rule_id} not fixed: "
                             f"{finding.fix_note.removeprefix('no fix: ')}")
        lines += [f"aiposture: error: {error}" for error in self.errors]
        return lines


def apply_fixes(paths: Sequence[str], threshold: Applicability, *, write: bool = False,
                select: Sequence[str] = (), ignore: Sequence[str] = (), jobs: int | None = None,
                exclude: Sequence[str] = (), per_path_ignores: Sequence[tuple[str, Sequence[str]]] = (),
                severity_overrides: Mapping[str, str] | None = None, changed_since: str | None = None,
                baseline: str | None = None) -> FixOutcome:
    """Plan (through a scan with fixes) and apply the fixes at or above `threshold` in every file
    that has one; with `write`, replace the files atomically. `exclude`, `per_path_ignores` and
    `severity_overrides` are the configuration's, as in analyzer.engine.scan; `changed_since`
    limits the fixes to the files a change affects, and a `baseline` file to the new findings."""
    from analyzer.engine import discover, scan

    # A plain scan finds the files worth fixing; fix_file plans and verifies in each of them.
    result = scan(paths, select=select, ignore=ignore, jobs=jobs, exclude=exclude,
                  per_path_ignores=per_path_ignores, severity_overrides=severity_overrides,
                  changed_since=changed_since)
    accepted: frozenset[str] = frozenset()
    if baseline:
        from analyzer import baseline as baselines

        fingerprints = baselines.load(baseline)
        baselines.apply(result, fingerprints)
        accepted = baselines.accepted_keys(fingerprints)
    targets = {t.relative: t for t in discover(list(paths) or ["."], result.root, exclude)[0]}
    outcome = FixOutcome([], repository_prefix(result.root), threshold)
    eligible: set[str] = set()
    for finding in result.findings:
        if finding.fix_safety is None:
            outcome.without_fix += finding.rule_id != PARSE_ERROR_ID
        elif finding.fix_safety >= threshold:
            eligible.add(finding.path)
        else:
            label = finding.fix_safety.label
            outcome.waiting[label] = outcome.waiting.get(label, 0) + 1
    folders: dict[str, list] = {}
    for path in sorted(eligible):
        folders.setdefault(os.path.dirname(targets[path].absolute), []).append(targets[path])
    groups = list(folders.values())
    workers = jobs if jobs else (os.cpu_count() or 1)
    if workers > 1 and len(groups) > 1 and len(eligible) >= 16:
        from concurrent.futures import ProcessPoolExecutor

        check_ids = tuple(c.id for c in result.rules)
        with ProcessPoolExecutor(max_workers=workers) as pool:
            done = pool.map(_fix_folder_in_worker, groups, [check_ids] * len(groups), [threshold] * len(groups),
                            [tuple(per_path_ignores)] * len(groups), [accepted] * len(groups))
            outcome.files = [fixed for folder in done for fixed in folder]
    else:
        outcome.files = [fixed for group in groups
                         for fixed in fix_folder(group, result.rules, threshold, per_path_ignores, accepted)]
    for fixed in outcome.files:
        outcome.without_fix += len(fixed.failed)
        if write and fixed.changed:
            try:
                write_atomically(targets[fixed.path].absolute, fixed.before, fixed.after)
                outcome.written.append(fixed.path)
            except FileChangedError:
                outcome.errors.append(f"{fixed.path} changed while it was being fixed; it was not written")
            except OSError as error:
                outcome.errors.append(f"{fixed.path} could not be written: {error.strerror}")
    return outcome
