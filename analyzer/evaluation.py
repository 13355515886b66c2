"""Evaluation of the files of one unit of work, before checks judge them: a Terraform module's
variables, locals, instances and module calls; each CloudFormation template's parameters and
conditions; each Bicep file's parameters (and parameter files) and module calls; each ARM
template's parameters; the SageMaker pipelines defined inline. The engine (analyzer.engine)
schedules units and follows the module calls returned here."""
from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from typing import Any, Mapping, Sequence

from analyzer.model import ParsedFile, Span

MODULES_JSON_LIMIT = 5 * 1024 * 1024  # a modules.json larger than this is not one `terraform init` wrote


@dataclass(frozen=True)
class ModuleCall:
    """A module call (a Terraform `module` block, a Bicep `module`) with its arguments evaluated
    in the caller: `folder` is the called Terraform folder or Bicep file."""

    prefix: str  # the instance's address prefix: "module.ml." (nested: "module.a.module.b.", counted: "module.ml[0].")
    folder: str  # the called folder, real path
    inputs: Mapping[str, Any]  # argument name -> plain value (Unknown where the caller cannot know)
    # argument name -> where the caller writes it: a finding whose value came from an input
    # leads there (a SARIF related location)
    argument_spans: Mapping[str, Span] = field(default_factory=dict)
    root: str = ""  # the root module's folder, whose .terraform/modules/modules.json lists installed modules
    key: str = ""  # the call's key in modules.json: "ml", nested "ml.network"
    # a registry or git module (installed by `terraform init`, not part of the repository): its
    # source, and the caller's `module` block, where its findings are reported
    external: str = ""
    block: Span | None = None
    called_from: str = ""  # the file with the `module` block (scan-root relative)


# Module block arguments that are not input variables.
MODULE_META_ARGS = frozenset({"source", "version", "providers", "depends_on", "count", "for_each"})
MAX_MODULE_DEPTH = 8  # nesting of local module calls followed; deeper (or a cycle) stays Unknown
MAX_MODULE_INSTANCES = 500  # calls evaluated per scan: a bound against fan-out at every level


def evaluate_folder(files: Sequence[ParsedFile], folder: str | None, child_module: bool = False,
                    variables: Mapping[str, Any] | None = None, call: ModuleCall | None = None,
                    cfn_parameters: Mapping[str, Any] | None = None, root: str | None = None,
                    ) -> tuple[list[ParsedFile], list[ModuleCall], Any]:
    """The files of one folder as the checks judge them, the local module calls they make, and
    the evaluated Terraform module (parsers.terraform.evaluate.Module; None without Terraform
    files). Each CloudFormation template is evaluated on its own, with `cfn_parameters`
    (--cfn-parameters) over its parameters' defaults.

    The Terraform files are one module: a root module reads tfvars from `folder`, then
    `variables` (--var-file, --var). An instance of a `call` takes the caller's arguments over its
    defaults. A `child_module` evaluated on its own (no caller in the scan reached it) has every
    variable Unknown: its caller decides."""
    if any(p.framework == "cloudformation" for p in files):
        from parsers.cloudformation.evaluate import evaluate as evaluate_template

        files = [evaluate_template(p, cfn_parameters, checked_only=True) if p.framework == "cloudformation" else p
                 for p in files]
    if any(p.framework == "arm" for p in files):
        files = [_with_target_scope(_evaluate_arm(p, folder)) if p.framework == "arm" else p for p in files]
    calls: list[ModuleCall] = []
    if any(p.framework == "bicep" for p in files):
        evaluated_bicep = []
        for parsed in files:
            if parsed.framework == "bicep":
                parsed, found = _evaluate_bicep(parsed, folder, root or folder, child_module, call)
                parsed = _with_target_scope(parsed)
                calls += found
            evaluated_bicep.append(parsed)
        files = evaluated_bicep
    terraform = [p for p in files if p.framework == "terraform"]
    if not terraform:
        return [_with_pipeline_jobs(p) for p in files], calls, None
    from parsers.terraform import evaluate

    if call is not None:
        tfvars: dict | None = dict(call.inputs)
    else:
        tfvars = evaluate.read_tfvars(folder) if folder and not child_module else {}
        if tfvars is not None and variables and not child_module:
            tfvars = {**tfvars, **variables}
    module = evaluate.Module(terraform, tfvars if tfvars is not None else {}, folder=folder)
    if tfvars is None or (child_module and call is None):  # a bad tfvars file, or no caller known
        module.variables = {name: None for name in module.variables}
    evaluated = [evaluate.evaluate_file(p, module) if p.framework == "terraform" else p for p in files]
    calls += _module_calls(terraform, module, folder, call) if folder else []
    return [_with_pipeline_jobs(p) for p in evaluated], calls, module


PIPELINE = "aws.sagemaker.pipeline"


def _with_pipeline_jobs(parsed: ParsedFile) -> ParsedFile:
    """A file with the jobs of the SageMaker pipelines it defines inline (Terraform's
    `pipeline_definition`, CloudFormation's `PipelineDefinitionBody`) as resources of their own,
    addressed "<pipeline>/<step>": the definition's checks judge them where the definition is
    written. Positions inside an embedded string are not exact: every job points at the string."""
    pipelines = [r for r in parsed.resources if r.kind == PIPELINE]
    if not pipelines:
        return parsed
    from parsers.sagemaker import definition

    jobs = []
    for pipeline in pipelines:
        text = pipeline.get("pipeline_definition")
        if not isinstance(text.raw, str) or text.span is None:
            continue  # a file reference, an S3 location, or a value not known before deployment
        found = definition.parse(parsed.path, text.raw.encode("utf-8"), base=text.span, exact=False)
        jobs += [replace(job, address=f"{pipeline.address}/{job.address}", meta={**job.meta, "definition": True})
                 for job in found.resources]
    return replace(parsed, resources=(*parsed.resources, *jobs)) if jobs else parsed


MAX_PARAMETER_FILES = 4  # .bicepparam files of one template judged apart; more: the template's own defaults


def _evaluate_bicep(parsed: ParsedFile, folder: str | None, root: str | None, child_module: bool,
                    call: ModuleCall | None) -> tuple[ParsedFile, list[ModuleCall]]:
    """A Bicep file evaluated, and the local module calls it makes. Its parameters: a caller's
    arguments; for a file some scanned file calls, Unknown when evaluated alone (its callers
    decide); otherwise each `.bicepparam` file beside it whose `using` names it (several: the
    file is judged once per parameter file, each finding saying with which when they differ),
    else the parameters' defaults."""
    from analyzer.model import Unknown
    from parsers.bicep.evaluate import evaluate, module_inputs

    if call is not None:
        parameter_sets: list[tuple[str, Any]] = [("", dict(call.inputs))]
    elif child_module:
        parameter_sets = [("", {name: Unknown(name, "variable") for name in parsed.blocks.get("param", {})
                                if "#" not in name})]
    else:
        parameter_sets = _bicepparam_files(parsed, folder, root) or [("", None)]
    prefix = call.prefix if call else ""
    resources = []
    calls: list[ModuleCall] = []
    seen: set[tuple[str, str]] = set()
    for label, parameters in parameter_sets:
        resources += _assuming(evaluate(parsed, parameters, folder=folder, root=root).resources, label)
        if folder is None:
            continue
        for found in module_inputs(parsed, parameters, folder=folder, root=root):
            if found.kind != "local" or not found.path or not found.path.endswith(".bicep") \
                    or isinstance(found.params, Unknown):
                continue  # registry and template-spec modules, or arguments not known: not followed
            instance = (f"{prefix}module.{found.address}.", repr(found.params))
            if instance in seen:
                continue
            seen.add(instance)
            spans = {name: value for name, (value, _) in found.spans.items() if value is not None}
            calls.append(ModuleCall(instance[0], os.path.realpath(found.path), dict(found.params), spans,
                                    root or "", called_from=parsed.path))
    return replace(parsed, resources=tuple(resources)), calls


# An ARM template's $schema names where it deploys; a Bicep file says it with `targetScope`.
_SCHEMA_SCOPES = (("subscriptiondeploymenttemplate", "subscription"),
                  ("managementgroupdeploymenttemplate", "managementGroup"), ("tenantdeploymenttemplate", "tenant"))


def _with_target_scope(parsed: ParsedFile) -> ParsedFile:
    """Bicep and ARM resources with the scope their deployment targets (meta["target_scope"]:
    "resourceGroup", "subscription", "managementGroup", "tenant"): what a resource without its
    own `scope` (a role assignment) applies to."""
    scope = "resourceGroup"
    if parsed.framework == "bicep":
        record = parsed.blocks.get("targetScope", {}).get("")
        written = record.attrs.get("value") if record is not None else None
        if written is not None and isinstance(written.raw, str):
            scope = written.raw
    else:
        template = parsed.blocks.get("Template", {}).get("")
        schema = template.attrs.get("$schema") if template is not None else None
        text = schema.raw.lower() if schema is not None and isinstance(schema.raw, str) else ""
        scope = next((found for key, found in _SCHEMA_SCOPES if key in text), scope)
    return replace(parsed, resources=tuple(replace(r, meta={**r.meta, "target_scope": scope})
                                           for r in parsed.resources))


def _evaluate_arm(parsed: ParsedFile, folder: str | None) -> ParsedFile:
    """An ARM template evaluated with each parameter file beside it that is named after it
    (`azuredeploy.parameters.json`, `main.parameters.prod.json`): several are judged apart, each
    finding saying with which when they differ; none: the parameters' defaults."""
    from parsers.arm.evaluate import evaluate, read_parameters

    parameter_sets: list[tuple[str, Any]] = []
    if folder:
        stem = os.path.basename(parsed.path).rsplit(".", 1)[0]
        try:
            names = sorted(n for n in os.listdir(folder)
                           if n.startswith(stem + ".parameters") and n.endswith(".json"))
        except OSError:
            names = []
        for name in names[:MAX_PARAMETER_FILES]:
            try:
                parameter_sets.append((name, read_parameters(os.path.join(folder, name))))
            except ValueError:
                continue  # not a parameter file we can read: judged without it
    if len(parameter_sets) <= 1:
        return evaluate(parsed, parameter_sets[0][1] if parameter_sets else None)
    resources = [r for label, parameters in parameter_sets for r in _assuming(evaluate(parsed, parameters).resources, label)]
    return replace(parsed, resources=tuple(resources))


def _assuming(resources: Sequence[Any], label: str) -> list[Any]:
    """Resources evaluated with one of several parameter files, marked with it (meta["assumes"]):
    the engine merges their findings and names the file where they differ. No label: as they are."""
    if not label:
        return list(resources)
    return [replace(r, meta={**r.meta, "assumes": (*r.meta.get("assumes", ()), ("parameters", label))})
            for r in resources]


def _bicepparam_files(parsed: ParsedFile, folder: str | None, root: str | None) -> list[tuple[str, Any]]:
    """(file name, values) of the .bicepparam files in `folder` whose `using` names `parsed`."""
    if not folder:
        return []
    from parsers.bicep.params import read_bicepparam

    found = []
    target = os.path.realpath(os.path.join(folder, os.path.basename(parsed.path)))
    try:
        names = sorted(n for n in os.listdir(folder) if n.endswith(".bicepparam"))
    except OSError:
        return []
    for name in names:
        using, values = read_bicepparam(os.path.join(folder, name), root=root)
        if using and os.path.realpath(os.path.join(folder, using)) == target:
            found.append((name, values))
    return found[:MAX_PARAMETER_FILES] if len(found) <= MAX_PARAMETER_FILES else []


def _module_calls(files: Sequence[ParsedFile], module: Any, folder: str, caller: ModuleCall | None) -> list[ModuleCall]:
    """The module blocks the folder's files call, their arguments evaluated: one call per
    instance of a block with `count` or `for_each` (none when that is 0 or empty). A local source
    is the folder it names; a registry or git source is the folder `terraform init` installed it
    in, when the root module's .terraform/modules/modules.json lists it. A block whose source
    cannot be found, or whose `count` or `for_each` cannot be known, is not followed: that
    module stays Unknown."""
    from parsers.terraform import evaluate

    prefix = caller.prefix if caller else ""
    root = caller.root if caller else folder
    calls = []
    for parsed in files:
        for name, record in parsed.blocks.get("module", {}).items():
            source = record.attrs.get("source")
            if "#" in name or source is None or not isinstance(source.raw, str):
                continue
            key = f"{caller.key}.{name}" if caller and caller.key else name
            external = caller.external if caller else ""
            if source.raw.startswith(("./", "../")):
                target = os.path.realpath(os.path.join(folder, source.raw.replace("//", "/")))
            else:
                target = installed_module(root, key)
                external = source.raw
            if not target:
                continue
            bindings: list[tuple[str, dict]] | None = [("", {})]
            if "count" in record.attrs or "for_each" in record.attrs:
                bindings = evaluate.instances(record.attrs, module)
                if bindings is None:
                    continue
            spans = {arg: value.span for arg, value in record.attrs.items()
                     if arg not in MODULE_META_ARGS and value.span is not None}
            if caller is not None and caller.external:
                spans = {}  # arguments written inside an installed module: not the user's text
            block = caller.block if caller is not None and caller.block else (record.header or record.span)
            for suffix, binding in bindings:
                instance = module.for_instance(binding, suffix) if binding else module
                inputs = {arg: instance.plain(value, 0) for arg, value in record.attrs.items()
                          if arg not in MODULE_META_ARGS}
                calls.append(ModuleCall(f"{prefix}module.{name}{suffix}.", target, inputs, spans, root, key,
                                        external, block if external else None, parsed.path))
    return calls


_INSTALLED: dict[str, dict[str, str]] = {}


def installed_module(root: str, key: str) -> str:
    """The folder `terraform init` installed the module with this key in (real path), from
    `<root>/.terraform/modules/modules.json`; "" when it is not listed or the file is unreadable."""
    if root not in _INSTALLED:
        import json

        found: dict[str, str] = {}
        try:
            with open(os.path.join(root, ".terraform", "modules", "modules.json"), "rb") as handle:
                listing = json.loads(handle.read(MODULES_JSON_LIMIT))
            for entry in listing.get("Modules", []):
                if isinstance(entry, dict) and isinstance(entry.get("Key"), str) and isinstance(entry.get("Dir"), str):
                    found[entry["Key"]] = os.path.realpath(os.path.join(root, entry["Dir"]))
        except (OSError, ValueError, AttributeError):
            pass
        _INSTALLED[root] = found
    folder = _INSTALLED[root].get(key, "")
    real_root = os.path.realpath(root)
    # a listing may only lead inside the root module's folder (where `init` installs modules)
    return folder if folder.startswith(os.path.join(real_root, "")) and os.path.isdir(folder) else ""


def clear_caches() -> None:
    """Forget what earlier scans in this process read (modules.json files)."""
    _INSTALLED.clear()
