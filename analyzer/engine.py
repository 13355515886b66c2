"""The scan: discover files, parse each, evaluate them (analyzer.evaluation), run the checks,
collect findings.

Every stage is a plain function over plain data. Large trees are parsed and checked in a process
pool, one unit per task (a Terraform module's folder, a template, a Bicep file, a folder's text
files); each task returns only its findings, which are small to send back. Module calls are
followed level by level.
"""
from __future__ import annotations

import fnmatch
import importlib
import os
import re
from dataclasses import dataclass, field, replace
from typing import Any, Iterable, Mapping, Sequence

from analyzer import suppress
from analyzer.check import Check, Context, Severity, Status, context_of
from analyzer.config import compile_globs
from analyzer.errors import UsageError
from analyzer.findings import PARSE_ERROR_ID, Finding, ScanResult
from analyzer.evaluation import (MAX_MODULE_DEPTH, MAX_MODULE_INSTANCES, ModuleCall, clear_caches,
                                 evaluate_folder)
from analyzer.model import ParsedFile, Resource

# File name suffix -> (framework, parser module, writer module). Longest suffix first.
PARSERS: tuple[tuple[str, str, str, str], ...] = (
    (".tf.json", "terraform", "parsers.terraform.tfjson", "parsers.terraform.write"),
    (".tf", "terraform", "parsers.terraform.hcl", "parsers.terraform.write"),
    (".bicep", "bicep", "parsers.bicep.parse", "parsers.bicep.write"),
)
# Files whose name does not say what they are (YAML, JSON): their content is tested, in this
# order, by a cheap detector ("module:function", regular expressions only).
CONTENT_SUFFIXES = (".yaml", ".yml", ".json", ".template", ".py")
CONTENT_PARSERS: tuple[tuple[str, str, str, str], ...] = (
    ("parsers.cloudformation.parse:looks_like", "cloudformation", "parsers.cloudformation.parse",
     "parsers.cloudformation.write"),
    ("parsers.arm.parse:looks_like", "arm", "parsers.arm.parse", "parsers.arm.write"),
    ("parsers.sagemaker.definition:looks_like", "sagemaker", "parsers.sagemaker.definition",
     "parsers.sagemaker.write"),
    # Python that imports the SageMaker SDK (read with `ast`, never run)
    ("parsers.sagemaker.python:looks_like", "sagemaker", "parsers.sagemaker.python", "parsers.sagemaker.write"),
)

# Folders that hold tools' caches or other people's code, never the user's infrastructure.
EXCLUDED_DIRS = frozenset({".git", ".hg", ".svn", ".terraform", ".terragrunt-cache", "node_modules",
                           ".venv", "venv", "__pycache__", ".tox", ".mypy_cache", ".pytest_cache"})

SECRET_IN_JOB = "AIP135"  # a SageMaker job's literal secret; the key scanner's finding wins where both see one
MAX_FILE_BYTES = 5 * 1024 * 1024  # larger files are skipped (and listed as skipped), never read whole
PARALLEL_THRESHOLD = 64  # below this many files a process pool costs more than it saves


@dataclass(frozen=True)
class Target:
    absolute: str
    relative: str  # to the scan root, POSIX separators
    framework: str
    parser: str
    writer: str
    # a folder another scanned file calls as a local module: its variables come from the caller
    child_module: bool = False


def parser_for(name: str, data: bytes | None = None) -> tuple[str, str, str] | None:
    """(framework, parser module, writer module) for a file name, or None. A name that does not
    decide it (`template.yaml`) is decided by the file's `data` when given."""
    lowered = name.lower()
    for suffix, *modules in PARSERS:
        if lowered.endswith(suffix):
            return tuple(modules)
    if data is not None and lowered.endswith(CONTENT_SUFFIXES):
        for detector, *modules in CONTENT_PARSERS:
            module, function = detector.split(":")
            if getattr(importlib.import_module(module), function)(data):
                return tuple(modules)
    return None


def _utf8(text: str) -> bool:
    """False for a name with bytes the file system could not decode (kept as surrogates)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def scan_root(paths: Sequence[str]) -> str:
    """The folder findings are reported relative to: the working directory when every path is
    inside it (so SARIF paths are repository-relative when run from the repository root), else
    the paths' common parent."""
    cwd = os.path.realpath(os.getcwd())
    resolved = [os.path.realpath(p) for p in paths]
    if all(p == cwd or p.startswith(os.path.join(cwd, "")) for p in resolved):
        return cwd
    common = os.path.commonpath(resolved)
    return common if os.path.isdir(common) else os.path.dirname(common)


# Names whose content is never text: not read for keys.
BINARY_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".ico", ".bmp", ".tiff", ".pdf", ".zip", ".gz",
                   ".tgz", ".bz2", ".xz", ".7z", ".tar", ".jar", ".war", ".whl", ".egg", ".so", ".dylib",
                   ".dll", ".exe", ".bin", ".pyc", ".pyo", ".class", ".o", ".a", ".woff", ".woff2", ".ttf",
                   ".otf", ".eot", ".mp3", ".mp4", ".mov", ".avi", ".wav", ".flac", ".parquet", ".avro",
                   ".orc", ".pkl", ".pickle", ".pt", ".pth", ".ckpt", ".safetensors", ".onnx", ".h5",
                   ".keras", ".tflite", ".npy", ".npz", ".joblib", ".gguf", ".db", ".sqlite", ".iso")
TEXT = ("text", "", "")  # a file read only for keys and the supply chain (analyzer.secrets, analyzer.inventory)
MODEL = ("model", "", "")  # a model file (pickle, Keras, GGUF...): scanned for code, never read whole
DATA = ("data", "", "")  # training data (CSV, JSON Lines, Parquet...): sampled for personal data within a budget


def discover(paths: Sequence[str], root: str, exclude: Sequence[str] = (),
             text: bool = False, models: bool = False, data: bool = False,
             training_data: Sequence[str] = ()) -> tuple[list[Target], list[tuple[str, str]]]:
    """The files to scan under `paths`, and the ones skipped with the reason. Files and folders
    matching an `exclude` glob (gitignore-like, relative to `root`) are left out silently, even
    when named on the command line (so pre-commit's file lists respect them too). With `text`,
    every other file that may be text is a target too (framework "text"), to be read for keys and
    dependency files; with `models`, model files of any size are (framework "model"); with `data`,
    training data files of any size (framework "data": the usual data folders and the
    `training_data` globs)."""
    targets: dict[str, Target] = {}
    skipped: list[tuple[str, str]] = []
    real_root = os.path.realpath(root)
    excluded = compile_globs(exclude) if exclude else lambda path, is_dir=False: False

    def relative(path: str) -> str:
        found = os.path.relpath(path, root)
        if found == os.pardir or found.startswith(os.pardir + os.sep):
            # reached through a link to a folder (the root is resolved): where the file really is
            found = os.path.relpath(os.path.realpath(path), real_root)
        return found.replace(os.sep, "/")

    def consider(path: str, explicit: bool, real_folder: str | None = None) -> None:
        # a file that is not a link, in a folder known to be inside the root, is where it says
        if real_folder is not None and not os.path.islink(path):
            real = os.path.join(real_folder, os.path.basename(path))
        else:
            real = os.path.realpath(path)
        where = relative(path)
        if real != real_root and not real.startswith(os.path.join(real_root, "")):
            skipped.append((where, "links outside the scanned folder"))
            return
        found = parser_for(os.path.basename(path))
        if excluded(where):
            return
        if found is None and path.lower().endswith(CONTENT_SUFFIXES):
            # read for keys anyway: the worker tells a template from other YAML or JSON, reading
            # the file once; without key scanning it is told here
            found = TEXT if text else _by_content(real)
        if found is not None and not _utf8(where):
            # reports are UTF-8 (JSON, SARIF): say so here rather than fail while writing them
            skipped.append((where.encode("utf-8", "replace").decode("utf-8"), "its name is not valid UTF-8"))
            return
        if found is None and data and _utf8(where):
            from analyzer.pii import is_training_data  # only when personal-data rules run

            if is_training_data(where, training_data):
                found = DATA
        if found is None and models and _utf8(where):
            from analyzer.inventory import is_model_file  # only when supply-chain rules run

            if is_model_file(where):
                found = MODEL
        if found is None and text and not path.lower().endswith(BINARY_SUFFIXES) and _utf8(where):
            found = TEXT
        if found is None:
            if explicit:
                skipped.append((where, "not a file type aiposture reads"))
            return
        try:
            size = os.path.getsize(real)
        except OSError as error:
            skipped.append((where, f"cannot be read: {error.strerror}"))
            return
        if size > MAX_FILE_BYTES and found not in (MODEL, DATA):  # read within budgets, whatever the size
            if found is not TEXT or explicit:  # a large data file is not worth a line each
                skipped.append((where, f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MB"))
            return
        targets.setdefault(real, Target(path, where, *found))

    for path in paths:
        if os.path.isfile(path):
            consider(os.path.abspath(path), explicit=True)
            continue
        for folder, dirs, files in os.walk(os.path.abspath(path)):
            dirs[:] = sorted(d for d in dirs if d not in EXCLUDED_DIRS
                             and not os.path.islink(os.path.join(folder, d))
                             and not excluded(relative(os.path.join(folder, d)), True))
            real_folder = os.path.realpath(folder)  # once per folder, not once per file
            inside = real_folder == real_root or real_folder.startswith(os.path.join(real_root, ""))
            for name in sorted(files):
                consider(os.path.join(folder, name), explicit=False, real_folder=real_folder if inside else None)
            if "cdktf.json" in files:
                from parsers.terraform import cdktf_outputs  # only for CDK for Terraform projects

                for output in cdktf_outputs(folder):
                    consider(os.path.abspath(output), explicit=False)
    return sorted(targets.values(), key=lambda t: t.relative), skipped


def _by_content(real: str) -> tuple[str, str, str] | None:
    """What a YAML or JSON file is, from its content; None for anything else (or unreadable,
    or too large to be a template we read)."""
    try:
        if os.path.getsize(real) > MAX_FILE_BYTES:
            return None
        with open(real, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError:
        return None
    return parser_for(os.path.basename(real), data)


def select_checks(checks: Sequence[Check], select: Iterable[str] = (), ignore: Iterable[str] = ()) -> tuple[Check, ...]:
    """Checks chosen by id ("AIP101"), id prefix ("AIP1"), name or glob of names; ignore wins."""

    def matcher(selector: str):
        text = selector.strip()
        matched = [c for c in checks if c.id.upper().startswith(text.upper())
                   or fnmatch.fnmatchcase(c.name, text.lower())]
        if not matched:
            raise UsageError(f"unknown rule {selector!r}: see `aiposture rules`")
        return {c.id for c in matched}

    chosen = {c.id for c in checks}
    select, ignore = list(select), list(ignore)
    if select:
        chosen = set().union(*(matcher(s) for s in select))
    for selector in ignore:
        chosen -= matcher(selector)
    return tuple(c for c in checks if c.id in chosen)


@dataclass
class FileOutcome:
    findings: list[Finding]
    unknowns: list[Finding]
    resources: int
    passed: int
    error: str = ""  # set when the file could not be read
    note: str = ""  # why the file was read only in part (a data file: Parquet without pyarrow...)
    suppressed: list[Finding] = field(default_factory=list)  # failures suppressed inline (analyzer.suppress)


def _no_instances(resource: Resource) -> bool:
    """A resource whose (evaluated) `count` is 0 or whose `for_each` is empty creates nothing."""
    count = resource.attrs.get("count")
    if count is not None and count.raw == 0 and not isinstance(count.raw, bool):
        return True
    for_each = resource.attrs.get("for_each")
    return for_each is not None and isinstance(for_each.raw, (list, dict)) and not for_each.raw


def check_file(parsed: ParsedFile, checks: Sequence[Check], context: Context | None = None) -> FileOutcome:
    """Run the checks on one parsed file's resources. `context` holds the resources checked
    together with them (a module instance's, a template's); by default the file's own."""
    by_kind: dict[str, list[Check]] = {}
    for check in checks:
        for kind in check.kinds:
            by_kind.setdefault(kind, []).append(check)
    if context is None:
        context = context_of(parsed.resources)

    outcome = FileOutcome([], [], 0, 0)
    parse_check = next((c for c in checks if c.id == PARSE_ERROR_ID), None)
    if parse_check is not None:
        for issue in parsed.issues:
            outcome.findings.append(Finding(
                PARSE_ERROR_ID, parse_check.name, parse_check.severity, Status.FAIL, issue.message,
                issue.span, parsed.framework))
    # a CloudFormation resource under undecidable conditions comes once per outcome (its
    # meta["assumes"]); its results are merged below
    variants: dict[str, int] = {}
    for resource in parsed.resources:
        variants[resource.address] = variants.get(resource.address, 0) + 1
    results: dict[tuple, tuple[Finding, list[tuple]]] = {}
    counted: set[str] = set()
    for resource in parsed.resources:
        applicable = by_kind.get(resource.kind)
        if applicable and (_no_instances(resource) or resource.meta.get("existing")):
            continue  # `count = 0`, an empty `for_each`, or an `existing` Azure resource: not created here
        if not applicable:
            continue
        if resource.address not in counted:
            counted.add(resource.address)
            outcome.resources += 1
        assumes = tuple(resource.meta.get("assumes", ()))
        macro = resource.meta.get("transform")
        for check in applicable:
            for result in check.rule(resource, context):
                if result.status is Status.PASS:
                    outcome.passed += 1
                    continue
                status, message = result.status, result.message
                if macro and status is Status.FAIL and result.span is None:
                    # a macro may add what is absent here: not knowable before it runs
                    status, message = Status.UNKNOWN, f"{message}, unless the {macro} transform adds it"
                finding = Finding(
                    check.id, check.name, check.severity, status, message,
                    result.span or resource.header or resource.span, resource.framework,
                    resource=resource.address, kind=resource.kind, native_type=resource.native_type,
                    attribute=result.path, absent=result.span is None,
                    fix_safety=check.fix_safety if check.remediation is not None else None,
                    logical_location=str(resource.meta.get("construct_path", "")), related=result.related)
                key = (finding.rule_id, finding.resource, finding.attribute, finding.status, finding.message,
                       finding.span)
                if key not in results:
                    results[key] = (finding, [])
                results[key][1].append(assumes)
    for finding, outcomes in results.values():
        if len(outcomes) < variants.get(finding.resource, 1):  # not under every outcome: say under which
            # the assumptions every failing copy shares (`IsProd` may vary where only `HasKey` matters)
            shared = [pair for pair in outcomes[0] if all(pair in other for other in outcomes[1:])]
            finding = replace(finding, message=f"{finding.message} (when {_conditions(shared or outcomes[0])})")
        (outcome.findings if finding.status is Status.FAIL else outcome.unknowns).append(finding)
    return outcome


def _conditions(assumes: Sequence[tuple[str, Any]]) -> str:
    """"condition `IsProd` is true and parameters are `prod.bicepparam`": what a resource copy assumed."""
    return " and ".join(f"condition `{name}` is {'true' if value else 'false'}" if isinstance(value, bool)
                        else f"{name} are `{value}`" for name, value in assumes)


def check_bytes(path: str, data: bytes, parser: str, writer: str, checks: Sequence[Check],
                fixes: bool = False, folder: str = "") -> FileOutcome:
    """Parse and check one file's bytes; with `fixes`, attach a verified fix to each finding that
    can have one (the parsed tree and the bytes are at hand here, so nothing is read twice).
    `folder` is where the file lives, for what a fix needs to know of its neighbours. Terraform
    variables and locals are evaluated within this one file (a scan evaluates a whole folder)."""
    parsed = importlib.import_module(parser).parse(path, data)
    evaluated = evaluate_folder([parsed], None)[0][0]
    return check_parsed(parsed, evaluated, data, parser, writer, checks, fixes, folder)

def installed_targets(folder: str, root: str) -> list[Target]:
    """The Terraform files of an installed module's folder, as targets relative to the scan root."""
    targets = []
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return []
    for name in names:
        path = os.path.join(folder, name)
        found = parser_for(name)
        if found is None or found[0] != "terraform" or not os.path.isfile(path) or os.path.islink(path):
            continue
        if os.path.getsize(path) <= MAX_FILE_BYTES:
            targets.append(Target(path, os.path.relpath(path, root).replace(os.sep, "/"), *found, child_module=True))
    return targets


def _with_prefix(parsed: ParsedFile, prefix: str) -> ParsedFile:
    """The file's resources addressed as one module instance's: "module.ml.aws_x.y" (the prefix
    is kept in meta["module"], which the context graph resolves references in)."""
    return replace(parsed, resources=tuple(replace(r, address=prefix + r.address, meta={**r.meta, "module": prefix})
                                           for r in parsed.resources))


def check_parsed(parsed: ParsedFile, evaluated: ParsedFile, data: bytes, parser: str, writer: str,
                 checks: Sequence[Check], fixes: bool = False, folder: str = "",
                 context: Context | None = None, keys: Sequence[Finding] = ()) -> FileOutcome:
    """Check one file: `evaluated` is what the checks judge; fixes are written on `parsed`, the
    file as it is written (an evaluated value is not text the writer may touch). `context`: the
    resources checked together with the file's (its folder's). `keys`: the file's key findings
    (AIP5xx), judged with the rest by the file's inline suppressions."""
    outcome = check_file(evaluated, checks, context)
    if keys:
        # a key reported by the key scanner is not also a job's literal secret (AIP135)
        outcome.findings = [f for f in outcome.findings if not (
            f.rule_id == SECRET_IN_JOB and any(f.span.start <= k.span.start < f.span.end for k in keys))]
        outcome.findings += keys
    path = parsed.path
    suppressions = suppress.find(path, data)  # [] at once when the file has no marker
    if fixes and any(f.fix_safety is not None for f in outcome.findings):
        from analyzer import fixer

        only = None  # fixes only for findings that are not suppressed (verified against all of them)
        if suppressions:
            only = {f.key for f in suppress.apply(outcome.findings, suppressions, evaluated.resources,
                                                  ran=[c.id for c in checks]).kept}
        outcome.findings = fixer.plan(parsed, data, outcome.findings, checks, parser, writer,
                                      fixer.declared_in(folder, writer), only=only)
    if suppressions:
        suppress.filter_outcome(outcome, path, data, evaluated.resources, checks, evaluated.framework, suppressions)
    return outcome


def check_source(filename: str, data: bytes, checks: Sequence[Check], fixes: bool = False) -> FileOutcome:
    """Check text that is not on disk (examples, editors). `filename` (and, for YAML and JSON,
    the text) picks the parser."""
    found = parser_for(filename, data)
    if found is None:
        raise UsageError(f"not a file type aiposture reads: {filename}")
    return check_bytes(filename, data, found[1], found[2], checks, fixes)


def scan_folder(targets: Sequence[Target], checks: Sequence[Check], fixes: bool = False,
                variables: Mapping[str, Any] | None = None, call: ModuleCall | None = None,
                cfn_parameters: Mapping[str, Any] | None = None) -> tuple[list[FileOutcome], list[ModuleCall]]:
    """Scan the files of one folder (a Terraform module), or one instance of it for a `call`:
    parse them all, evaluate variables and locals across them, then check each file. One
    FileOutcome per target, in order, and the local module calls the folder makes."""
    read: list[tuple[Target, bytes, ParsedFile] | FileOutcome] = []
    for target in targets:
        if target.framework == "data":
            from analyzer.pii import scan_data

            found = scan_data(target.relative, target.absolute, checks)
            read.append(FileOutcome(found.findings, [], 0, 0, note=found.note))
            continue
        if target.framework == "model":
            from analyzer.inventory import model_file_findings

            read.append(FileOutcome(model_file_findings(target.relative, target.absolute, checks), [], 0, 0))
            continue
        if target.framework == "text":
            found = _scan_text_file(target, checks)
            if isinstance(found, FileOutcome):
                read.append(found)
                continue
            target, data = found  # a template found by its content: checked like the others
            parsed = importlib.import_module(target.parser).parse(target.relative, data)
            read.append((target, data, _with_prefix(parsed, call.prefix) if call else parsed))
            continue
        try:
            data, parsed = _read_and_parse(target)
        except OSError as error:
            read.append(FileOutcome([], [], 0, 0, f"cannot be read: {error.strerror}"))
            continue
        read.append((target, data, _with_prefix(parsed, call.prefix) if call else parsed))
    parsed_files = [item[2] for item in read if isinstance(item, tuple)]
    folder = os.path.dirname(targets[0].absolute) if targets else ""
    root = _scan_root_of(targets[0]) if targets else None
    evaluated_files, calls, module = evaluate_folder(parsed_files, folder, bool(targets) and targets[0].child_module,
                                                     variables, call, cfn_parameters, root)
    # a Terraform module's resources are checked together; a template's on their own
    context = context_of([r for f in evaluated_files if f.framework == "terraform" for r in f.resources])
    evaluated = iter(evaluated_files)
    outcomes = []
    for item in read:
        if isinstance(item, FileOutcome):
            outcomes.append(item)
            continue
        target, data, parsed = item
        external = call is not None and bool(call.external)
        keys: list[Finding] = []
        if call is None:  # a file's keys are its text's: found once, not once per module instance
            from analyzer.secrets.findings import key_findings

            keys = key_findings(target.relative, data, checks, parsed.framework, parsed)[0] \
                + _supply_chain(target, data, checks)
        outcome = check_parsed(parsed, next(evaluated), data, target.parser, target.writer, checks,
                               fixes and not external, os.path.dirname(target.absolute),
                               context if parsed.framework == "terraform" else None, keys)
        if call is not None and call.argument_spans and module is not None:
            _trace_to_caller(outcome, parsed, module, call)
        if external:
            _report_at_caller(outcome, call)
        outcomes.append(outcome)
    return outcomes, calls


def _scan_text_file(target: Target, checks: Sequence[Check]) -> FileOutcome | tuple[Target, bytes]:
    """A text file: the target as what it is and its bytes when its content says it is a template
    (CloudFormation, ARM, a SageMaker pipeline); else its key findings, inline suppressions applied."""
    from analyzer.secrets.findings import key_findings

    try:
        with open(target.absolute, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        return FileOutcome([], [], 0, 0, f"cannot be read: {error.strerror}")
    found = parser_for(os.path.basename(target.absolute), data)
    if found is not None:
        return replace(target, framework=found[0], parser=found[1], writer=found[2]), data
    findings = key_findings(target.relative, data, checks)[0] + _supply_chain(target, data, checks)
    outcome = FileOutcome(findings, [], 0, 0)
    if findings or suppress.MARKER in data:
        suppress.filter_outcome(outcome, target.relative, data, (), checks, "text")
    return outcome


def _supply_chain(target: Target, data: bytes, checks: Sequence[Check]) -> list[Finding]:
    """Supply-chain findings of a file's text (AIP6xx): code that loads models unsafely, dependency
    files with risky sources or look-alike names. Includes (`-r other.txt`) are read within the root."""
    if not any(c.id.startswith("AIP6") for c in checks):
        return []
    from analyzer.inventory import supply_chain_findings

    root = _scan_root_of(target)

    def read(relative: str) -> bytes | None:
        path = os.path.realpath(os.path.join(root, relative))
        if not path.startswith(os.path.join(os.path.realpath(root), "")) or not os.path.isfile(path):
            return None
        with open(path, "rb") as handle:
            return handle.read(MAX_FILE_BYTES)

    return supply_chain_findings(target.relative, data, checks, read)


def _report_at_caller(outcome: FileOutcome, call: ModuleCall) -> None:
    """Findings in an installed (registry or git) module point at the caller's `module` block:
    the module's own files are not in the repository, its inputs are what the user controls."""
    def moved(finding: Finding) -> Finding:
        where = f"{finding.path}:{finding.span.line}"
        return replace(finding, span=call.block or finding.span, fix=None, fix_safety=None,
                       message=f"in module {call.external} ({where}): {finding.message}")

    outcome.findings = [moved(f) for f in outcome.findings if f.rule_id != PARSE_ERROR_ID]
    outcome.unknowns = [moved(f) for f in outcome.unknowns]
    outcome.suppressed = []


def _scan_root_of(target: Target) -> str:
    """The scan root, from a target's absolute and root-relative paths."""
    absolute = target.absolute.replace(os.sep, "/")
    if absolute.endswith("/" + target.relative):
        return target.absolute[:len(absolute) - len(target.relative) - 1] or os.sep
    return os.path.dirname(target.absolute)


def _trace_to_caller(outcome: FileOutcome, parsed: ParsedFile, module: Any, call: ModuleCall) -> None:
    """Give each finding of a module instance whose written value uses an input variable the
    caller sets a related location at the caller's argument: that is where the value came from."""
    from analyzer import graph, kinds
    from parsers.terraform.evaluate import variables_used

    written = {r.address: r for r in parsed.resources}

    def traced(finding: Finding) -> Finding:
        resource = written.get(graph.base_address(finding.resource))
        if resource is None or finding.absent or not finding.attribute:
            return finding
        value = resource.native(kinds.native_path(finding.kind, finding.attribute,
                                                  kinds.dialect(finding.framework, finding.native_type)))
        names = sorted(n for n in variables_used(value, module) if n in call.argument_spans)
        if not names:
            return finding
        caller = call.prefix[:-1]
        return replace(finding, related=tuple((call.argument_spans[n], f"`{n}` set by the call of {caller}")
                                              for n in names))

    outcome.findings = [traced(f) for f in outcome.findings]
    outcome.unknowns = [traced(f) for f in outcome.unknowns]


# A called folder is scanned once alone and once per call: its files are read and parsed once
# per process (parsed files are immutable). Bounded, as a module tree is small beside the scan.
_PARSED: dict[tuple[str, str], tuple[bytes, ParsedFile]] = {}
_PARSED_LIMIT = 2048


def _read_and_parse(target: Target) -> tuple[bytes, ParsedFile]:
    key = (target.absolute, target.relative)
    if key in _PARSED:
        return _PARSED[key]
    with open(target.absolute, "rb") as handle:
        data = handle.read(MAX_FILE_BYTES + 1)
    found = (data, importlib.import_module(target.parser).parse(target.relative, data))
    if target.child_module:  # only a called folder's files are read again (once per call)
        if len(_PARSED) >= _PARSED_LIMIT:
            _PARSED.clear()
        _PARSED[key] = found
    return found


def _not_followed(skipped: list[tuple[str, str]], calls: Sequence[ModuleCall], why: str) -> None:
    """Say which module calls a bound stopped: their modules are judged without those callers."""
    for call in calls:
        entry = (call.called_from, f"{call.prefix[:-1]} not followed: {why}")
        if call.called_from and entry not in skipped:
            skipped.append(entry)


def merge_instances(alone: list[FileOutcome], instances: list[list[FileOutcome]]) -> list[FileOutcome]:
    """A called module's outcomes: its files' parse errors and keys once, and what each instance found."""
    merged = []
    for position, base in enumerate(alone):
        outcome = FileOutcome([f for f in base.findings if f.rule_id == PARSE_ERROR_ID or f.rule_id.startswith(("AIP5", "AIP6"))],
                              [], 0, 0, base.error)
        for instance in instances:
            found = instance[position]
            outcome.findings += [f for f in found.findings
                                 if f.rule_id != PARSE_ERROR_ID and not f.rule_id.startswith(("AIP5", "AIP6"))]
            outcome.unknowns += found.unknowns
            outcome.suppressed += found.suppressed
            outcome.resources += found.resources
            outcome.passed += found.passed
        merged.append(outcome)
    return merged


# `source = "./x"` (HCL) or `"source": "../x"` (JSON): a call of a module in a local folder.
_LOCAL_SOURCE = re.compile(rb'(?m)^[ \t]*"?source"?[ \t]*[=:][ \t]*"(\.\.?/[^"\n]*)"')


# `module x 'modules/y.bicep' = {`: a Bicep module call of a local file.
_BICEP_MODULE = re.compile(rb"(?m)^[ \t]*module[ \t]+[A-Za-z_]\w*[ \t]+'([^'\n:]+\.bicep)'")


def called_units(targets: Sequence[Target]) -> set[str]:
    """What some scanned file calls as a local module (real paths): a Terraform module's folder,
    a Bicep module's file. Their variables and parameters come from the callers."""
    found: set[str] = set()
    for target in targets:
        pattern = {"terraform": _LOCAL_SOURCE, "bicep": _BICEP_MODULE}.get(target.framework)
        if pattern is None:
            continue
        try:
            with open(target.absolute, "rb") as handle:
                data = handle.read(MAX_FILE_BYTES + 1)
        except OSError:
            continue
        for match in pattern.finditer(data):
            source = os.fsdecode(match.group(1).replace(b"//", b"/"))  # "./pkg//sub": the folder pkg/sub
            found.add(os.path.realpath(os.path.join(os.path.dirname(target.absolute), source)))
    return found


def unit_of(target: Target) -> str:
    """What a target is evaluated with (real path): a Terraform file with its folder (a module);
    the text files of a folder together (read for keys, or templates found by content: each is
    evaluated on its own, batched only to save tasks); any other file on its own (a Bicep file)."""
    if target.framework == "terraform":
        return os.path.realpath(os.path.dirname(target.absolute))
    if target.framework == "text":
        return os.path.dirname(target.absolute) + os.sep + "\0text"  # never a module: no link to resolve
    return os.path.realpath(target.absolute)


def mark_child_modules(targets: Sequence[Target]) -> list[Target]:
    called = called_units(targets)
    return [replace(t, child_module=True) if unit_of(t) in called else t for t in targets]


def group_by_folder(targets: Sequence[Target]) -> list[list[Target]]:
    """Targets grouped into units of evaluation (first-seen order): a Terraform module's files
    together, every other file alone."""
    groups: dict[str, list[Target]] = {}
    for target in targets:
        groups.setdefault(unit_of(target), []).append(target)
    return list(groups.values())


# In a worker process the checks are looked up once by id (functions inside checks do not pickle),
# each with its severity (the configuration may override it).
_WORKER_CHECKS: dict[tuple[tuple[str, int], ...], tuple[Check, ...]] = {}


def _scan_in_worker(targets: Sequence[Target], check_ids: tuple[tuple[str, int], ...], fixes: bool,
                    variables: Mapping[str, Any] | None, call: ModuleCall | None = None,
                    cfn_parameters: Mapping[str, Any] | None = None) -> tuple[list[FileOutcome], list[ModuleCall]]:
    if check_ids not in _WORKER_CHECKS:
        from checks import ALL_CHECKS

        severities = dict(check_ids)
        _WORKER_CHECKS[check_ids] = tuple(replace(c, severity=Severity(severities[c.id]))
                                          for c in ALL_CHECKS if c.id in severities)
    return scan_folder(targets, _WORKER_CHECKS[check_ids], fixes, variables, call, cfn_parameters)


def override_severities(checks: Sequence[Check], overrides: Mapping[str, str]) -> tuple[Check, ...]:
    """The checks with the severities the configuration gives them: {"AIP104": "high"}. Keys are
    rule selectors; where several match a rule, the most specific (matching fewest rules) wins."""
    from checks import ALL_CHECKS

    by_rule: dict[str, Severity] = {}
    matched = [(select_checks(ALL_CHECKS, [selector]), label) for selector, label in overrides.items()]
    for rules, label in sorted(matched, key=lambda pair: -len(pair[0])):
        by_rule.update((c.id, Severity.parse(label)) for c in rules)
    return tuple(replace(c, severity=by_rule[c.id]) if c.id in by_rule else c for c in checks)


def _path_rules(per_path_ignores: Sequence[tuple[str, Sequence[str]]]) -> list:
    """(matcher, rule ids) per configured glob."""
    from checks import ALL_CHECKS

    return [(compile_globs([glob]), {c.id for c in select_checks(ALL_CHECKS, selectors)})
            for glob, selectors in per_path_ignores]


def ignored_rules(path: str, per_path_ignores: Sequence[tuple[str, Sequence[str]]]) -> set[str]:
    """The rule ids the configuration ignores in the file at `path` (scan-root relative)."""
    return {rule for matches, ids in _path_rules(per_path_ignores) if matches(path) for rule in ids}


def ignored_by_path(findings: list[Finding], per_path_ignores: Sequence[tuple[str, Sequence[str]]]) -> list[Finding]:
    """The findings left after dropping the rules each glob ignores in the files it matches."""
    if not per_path_ignores:
        return findings
    tests = _path_rules(per_path_ignores)
    return [f for f in findings if not any(f.rule_id in ids and matches(f.path) for matches, ids in tests)]


def scan(paths: Sequence[str], *, select: Iterable[str] = (), ignore: Iterable[str] = (),
         jobs: int | None = None, fixes: bool = False, exclude: Sequence[str] = (),
         per_path_ignores: Sequence[tuple[str, Sequence[str]]] = (),
         severity_overrides: Mapping[str, str] | None = None, changed_since: str | None = None,
         variables: Mapping[str, Any] | None = None, cfn_parameters: Mapping[str, Any] | None = None,
         training_data: Sequence[str] = ()) -> ScanResult:
    """Scan files and folders; with `fixes`, findings carry verified fixes. Raises UsageError for
    a path that does not exist or a bad rule. The configuration's settings (analyzer.config):
    `exclude` globs leave files out, `per_path_ignores` ((glob, rule selectors) pairs) drop those
    rules' findings in matching files, `severity_overrides` (rule selector -> severity label)
    change rules' severities for the whole report. With `changed_since` (a git revision), only the
    files changed since then, and the files of the modules they belong to, are scanned.
    `variables` (from --var-file and --var) are given to every root module, over its tfvars;
    `cfn_parameters` (from --cfn-parameters) to every CloudFormation template that declares them."""
    from checks import ALL_CHECKS

    paths = list(paths) or ["."]
    for path in paths:
        if not os.path.exists(path):
            raise UsageError(f"no such file or directory: {path}")
    checks = select_checks(ALL_CHECKS, select, ignore)
    if severity_overrides:
        checks = override_severities(checks, severity_overrides)
    root = scan_root(paths)
    targets, skipped = discover(paths, root, exclude, text=any(c.id.startswith(("AIP5", "AIP6")) for c in checks),
                                models=any(c.id.startswith("AIP6") for c in checks),
                                data=any(c.id.startswith("AIP7") for c in checks), training_data=training_data)
    targets = mark_child_modules(targets)  # before --changed-since: an unchanged caller still calls
    if changed_since:
        from analyzer import changes

        keep = changes.affected(changes.changed_files(root, changed_since), [t.relative for t in targets])
        targets = [t for t in targets if t.relative in keep]
    result = ScanResult(root=root, files=[t.relative for t in targets], skipped=skipped, rules=checks)

    groups = group_by_folder(targets)
    _PARSED.clear()  # files may have changed since an earlier scan in this process
    clear_caches()
    workers = jobs if jobs else (os.cpu_count() or 1)
    pool = None
    if workers > 1 and len(targets) >= PARALLEL_THRESHOLD:
        from concurrent.futures import ProcessPoolExecutor

        pool = ProcessPoolExecutor(max_workers=workers)
    check_ids = tuple((c.id, int(c.severity)) for c in checks)

    def run(tasks: list[tuple[list[Target], ModuleCall | None]]) -> list:
        if pool is None:
            return [scan_folder(group, checks, fixes, variables, call, cfn_parameters) for group, call in tasks]
        count = len(tasks)
        return list(pool.map(_scan_in_worker, [g for g, _ in tasks], [check_ids] * count, [fixes] * count,
                             [variables] * count, [c for _, c in tasks], [cfn_parameters] * count,
                             chunksize=max(1, count // (workers * 8))))

    try:
        # every folder on its own, then each called folder once per call with the caller's
        # arguments, level by level (a call made by an instance is followed in the next round)
        alone = run([(group, None) for group in groups])
        called = {unit_of(g[0]): i for i, g in enumerate(groups) if g[0].child_module}
        instances: dict[int, list[list[FileOutcome]]] = {}
        installed: list[FileOutcome] = []  # findings of registry and git modules, reported at their callers
        pending = [call for _, calls in alone for call in calls]
        budget = MAX_MODULE_INSTANCES
        for _ in range(MAX_MODULE_DEPTH):
            tasks: list[tuple[list[Target], ModuleCall, int | None]] = []
            for call in pending:
                if call.external:
                    group = installed_targets(call.folder, root)
                    if group:
                        tasks.append((group, call, None))
                elif call.folder in called:
                    tasks.append((groups[called[call.folder]], call, called[call.folder]))
            if len(tasks) > budget:
                _not_followed(skipped, [c for _, c, _ in tasks[budget:]],
                              f"more than {MAX_MODULE_INSTANCES} module instances in the scan")
                tasks = tasks[:budget]
            if not tasks:
                break
            budget -= len(tasks)
            pending = []
            for (_, _, index), (found, calls) in zip(tasks, run([(group, call) for group, call, _ in tasks])):
                if index is None:
                    installed += found
                else:
                    instances.setdefault(index, []).append(found)
                pending += calls
        else:
            _not_followed(skipped, [c for c in pending if c.external or c.folder in called],
                          f"module calls nested more than {MAX_MODULE_DEPTH} deep (does a module call itself?)")
    finally:
        if pool is not None:
            pool.shutdown()
    per_folder = [merge_instances(found, instances[i]) if i in instances else found
                  for i, (found, _) in enumerate(alone)]
    targets = [t for group in groups for t in group]
    outcomes = [outcome for found in per_folder for outcome in found]

    for outcome in installed:
        result.findings.extend(outcome.findings)
        result.unknowns.extend(outcome.unknowns)
        result.resources += outcome.resources
        result.passed += outcome.passed
    for target, outcome in zip(targets, outcomes):
        if outcome.note:
            skipped.append((target.relative, outcome.note))
        if outcome.error:
            skipped.append((target.relative, outcome.error))
            result.files.remove(target.relative)
            continue
        result.findings.extend(outcome.findings)
        result.unknowns.extend(outcome.unknowns)
        result.suppressed.extend(outcome.suppressed)
        result.resources += outcome.resources
        result.passed += outcome.passed
    result.findings = ignored_by_path(result.findings, per_path_ignores)
    result.unknowns = ignored_by_path(result.unknowns, per_path_ignores)
    result.findings.sort(key=Finding.sort_key)
    result.unknowns.sort(key=Finding.sort_key)
    result.suppressed.sort(key=Finding.sort_key)
    return result
