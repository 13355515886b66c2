"""The `aiposture` command line.

Exit codes: 0 nothing at or above the --fail-on threshold, 1 findings at or above it, 2 a usage
or configuration error (one line on stderr, never a traceback). Heavy modules (parsers, checks,
reporters) are imported inside the commands so `aiposture --version` stays fast.
"""
from __future__ import annotations

import os
import sys

import click

from analyzer import __version__

FORMATS = ("text", "json", "sarif", "markdown", "github")
SEVERITIES = ("critical", "high", "medium", "low", "info")
EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def _split(values: tuple[str, ...]) -> list[str]:
    """--select AIP101,AIP102 --select AIP2 -> ["AIP101", "AIP102", "AIP2"]."""
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _configure(paths: tuple[str, ...], config_file: str | None, select: tuple[str, ...],
               ignore: tuple[str, ...]):
    """The configuration, and the scan's settings from it and the command line. The command line
    wins: --select replaces the configuration's select and ignore, --ignore replaces its ignore."""
    from analyzer import config as configuration

    config = configuration.load(list(paths) or ["."], config_file)
    select, ignore = _split(select), _split(ignore)
    if not select:
        select, ignore = list(config.select), ignore or list(config.ignore)
    return config, {"select": select, "ignore": ignore, "exclude": config.exclude,
                    "per_path_ignores": config.per_path_ignores,
                    "severity_overrides": config.severity_overrides, "training_data": config.training_data}


def _variable_options(command):
    """--var-file and --var, as `terraform plan` takes them, and --cfn-parameters, as `aws
    cloudformation deploy` does, on the commands that evaluate."""
    command = click.option("--cfn-parameters", "cfn_parameters", type=click.Path(dir_okay=False), metavar="FILE",
                           help="Parameter values for the CloudFormation templates that declare them: a JSON file "
                                "in the AWS CLI's format ([{\"ParameterKey\": ..., \"ParameterValue\": ...}]).")(command)
    command = click.option("--var", "var_values", multiple=True, metavar="NAME=VALUE",
                           help="Set a root-module variable (after --var-file; repeatable). VALUE is read "
                                "as HCL when it is a literal, list or map, else as a string.")(command)
    return click.option("--var-file", "var_files", multiple=True, type=click.Path(dir_okay=False),
                        metavar="FILE", help="Read root-module variables from a .tfvars or .tfvars.json file "
                                             "(over terraform.tfvars and *.auto.tfvars; repeatable).")(command)


def _inputs(var_files: tuple[str, ...], var_values: tuple[str, ...], cfn_parameters: str | None) -> dict:
    """The scan's `variables` and `cfn_parameters` from the command line."""
    parameters = None
    if cfn_parameters:
        from analyzer.errors import UsageError
        from parsers.cloudformation.evaluate import read_parameters

        try:
            parameters = read_parameters(cfn_parameters)
        except ValueError as error:
            raise UsageError(f"--cfn-parameters: {error}") from None
    return {"variables": _variables(var_files, var_values), "cfn_parameters": parameters}


def _variables(var_files: tuple[str, ...], var_values: tuple[str, ...]) -> dict:
    """Values for every root module's variables, from --var-file then --var (later wins)."""
    from analyzer.errors import UsageError
    from analyzer.model import Unknown
    from parsers.terraform.evaluate import tfvars_values

    values: dict = {}
    for path in var_files:
        try:
            with open(path, "rb") as handle:
                found = tfvars_values(handle.read(1 << 20), path.lower().endswith(".json"))
        except OSError as error:
            raise UsageError(f"--var-file {path}: {error.strerror}") from None
        if found is None or any(isinstance(v, Unknown) for v in found.values()):
            raise UsageError(f"--var-file {path}: not a valid variables file (literal values only)")
        values.update(found)
    for item in var_values:
        name, equals, text = item.partition("=")
        name = name.strip()
        if not equals or not name.isidentifier():
            raise UsageError(f"--var {item!r}: expected NAME=VALUE")
        parsed = tfvars_values(f"{name} = {text}".encode(), False) or {}
        value = parsed.get(name)
        values[name] = text if value is None or isinstance(value, Unknown) else value  # `env=prod` is a string
    return values


def _use_color(no_color: bool, output: str | None) -> bool:
    if no_color or output or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="aiposture", message="%(prog)s %(version)s")
def main() -> None:
    """Find AI security misconfigurations in infrastructure as code before it is deployed."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--format", "-f", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="Report format.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True),
              help="Write the report to this file instead of standard output.")
@click.option("--fail-on", type=click.Choice(SEVERITIES + ("never",)), default=None,
              help="Exit with 1 when a finding has this severity or higher (default: the configuration's "
                   "fail-on, else low).")
@click.option("--select", multiple=True, metavar="RULES",
              help="Run only these rules: ids, id prefixes (AIP1) or names, comma-separated.")
@click.option("--ignore", multiple=True, metavar="RULES", help="Do not run these rules (same forms as --select).")
@click.option("--show-unknown", is_flag=True,
              help="Also report settings that cannot be resolved before deployment (never failures).")
@click.option("--quiet", "-q", is_flag=True, help="Print findings only: no summary.")
@click.option("--no-color", is_flag=True, help="Never colour the text report (NO_COLOR is honoured too).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Processes for large trees (default: one per CPU).")
@click.option("--config", "config_file", type=click.Path(dir_okay=False), metavar="FILE",
              help="Read the configuration from this file (default: the nearest .aiposture.toml, or "
                   "pyproject.toml with [tool.aiposture]).")
@click.option("--baseline", type=click.Path(dir_okay=False), metavar="FILE",
              help="Report only findings this baseline does not have (see `aiposture baseline create`).")
@click.option("--changed-since", metavar="REF",
              help="Scan only files changed since this git revision, and the modules they belong to.")
@_variable_options
def scan(paths, fmt, output, fail_on, select, ignore, show_unknown, quiet, no_color, jobs, config_file,
         baseline, changed_since, var_files, var_values, cfn_parameters):
    """Scan files and folders (default: the current folder)."""
    from analyzer.check import Severity
    from analyzer.engine import scan as run_scan
    from analyzer.report import render

    config, settings = _configure(paths, config_file, select, ignore)
    fail_on = fail_on or config.fail_on or "low"
    result = run_scan(list(paths) or ["."], **settings, jobs=jobs, changed_since=changed_since,
                      **_inputs(var_files, var_values, cfn_parameters),
                      fixes=fmt in ("sarif", "markdown"))  # the formats that carry fixes
    if baseline:
        from analyzer import baseline as baselines

        baselines.apply(result, baselines.load(baseline))
    report = render(result, fmt, color=_use_color(no_color, output), show_unknown=show_unknown,
                    quiet=quiet)
    _write(report, output)
    if output and not quiet:
        from analyzer.report.common import plural

        click.echo(f"aiposture: wrote the {fmt} report to {output} ({plural(len(result.findings), 'finding')})",
                   err=True)
    if fail_on == "never":
        return EXIT_OK
    threshold = Severity.parse(fail_on)
    return EXIT_FINDINGS if any(f.severity >= threshold for f in result.findings) else EXIT_OK


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--write", "write_files", is_flag=True, help="Apply the fixes to the files (default: print a diff).")
@click.option("--unsafe-fixes", is_flag=True, help="Also apply fixes that may change the workload's behaviour.")
@click.option("--suggestions", is_flag=True,
              help="Also show fixes that need a value from you (placeholders); never written.")
@click.option("--patch", type=click.Path(dir_okay=False, writable=True),
              help="Write the unified diff to this file instead of standard output.")
@click.option("--select", multiple=True, metavar="RULES", help="Fix only these rules (as in `scan`).")
@click.option("--ignore", multiple=True, metavar="RULES", help="Do not fix these rules (as in `scan`).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, help="Processes for large trees.")
@click.option("--config", "config_file", type=click.Path(dir_okay=False), metavar="FILE",
              help="Read the configuration from this file (as in `scan`).")
@click.option("--baseline", type=click.Path(dir_okay=False), metavar="FILE",
              help="Fix only findings this baseline does not have.")
@click.option("--changed-since", metavar="REF", help="Fix only files changed since this git revision (as in `scan`).")
def fix(paths, write_files, unsafe_fixes, suggestions, patch, select, ignore, jobs, config_file, baseline,
        changed_since):
    """Fix findings with minimal, verified edits: print a diff, or apply it with --write.

    Safe fixes only unless --unsafe-fixes; fixes that need a value you must choose (a KMS key, a
    subnet) are shown with --suggestions and never written."""
    from analyzer.check import Applicability
    from analyzer.errors import UsageError
    from analyzer.fixer import apply_fixes

    if write_files and suggestions:
        raise UsageError("--suggestions cannot be written: they hold placeholders for your values")
    threshold = (Applicability.SUGGESTION if suggestions else
                 Applicability.UNSAFE if unsafe_fixes else Applicability.SAFE)
    _, settings = _configure(paths, config_file, select, ignore)
    settings.pop("training_data")  # data files have no fixes
    outcome = apply_fixes(list(paths) or ["."], threshold, write=write_files, **settings, jobs=jobs,
                          changed_since=changed_since, baseline=baseline)
    if not write_files:
        if patch:
            _write(outcome.diff, patch)
        elif outcome.diff:
            click.echo(outcome.diff, nl=False)
    for line in outcome.summary():
        click.echo(line, err=True)
    return EXIT_USAGE if outcome.errors else EXIT_OK


@main.group()
def baseline():
    """Accept today's findings so that scans report only new ones."""


@baseline.command("create")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), default=".aiposture-baseline.json",
              show_default=True, help="The baseline file to write.")
@click.option("--select", multiple=True, metavar="RULES", help="Rules to run (as in `scan`).")
@click.option("--ignore", multiple=True, metavar="RULES", help="Rules not to run (as in `scan`).")
@click.option("--config", "config_file", type=click.Path(dir_okay=False), metavar="FILE",
              help="Read the configuration from this file (as in `scan`).")
@_variable_options
def create_baseline(paths, output, select, ignore, config_file, var_files, var_values, cfn_parameters):
    """Write the current findings' fingerprints to a baseline file.

    Use it with `aiposture scan --baseline FILE` from the same folder: fingerprints hold no line
    numbers, so edits elsewhere in a file do not make its accepted findings new."""
    from analyzer import baseline as baselines
    from analyzer.engine import scan as run_scan
    from analyzer.report.common import plural

    _, settings = _configure(paths, config_file, select, ignore)
    result = run_scan(list(paths) or ["."], **settings, **_inputs(var_files, var_values, cfn_parameters))
    _write(baselines.create(result), output)
    click.echo(f"aiposture: wrote {plural(len(result.findings), 'finding')} to {output}", err=True)
    return EXIT_OK


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--format", "-f", "fmt", type=click.Choice(("table", "json", "cyclonedx")), default="table",
              show_default=True, help="table for people, json for tools, cyclonedx for a CycloneDX 1.6 AI-BOM.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True),
              help="Write the inventory to this file instead of standard output.")
@click.option("--config", "config_file", type=click.Path(dir_okay=False), metavar="FILE",
              help="Read the configuration from this file (as in `scan`).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, help="Processes for large trees.")
@_variable_options
def inventory(paths, fmt, output, config_file, jobs, var_files, var_values, cfn_parameters):
    """List the AI in a repository: cloud resources with their posture and exposure, AI
    packages, container images, models and model files, each with the file and line it came from."""
    from analyzer.inventory import build_inventory, render as render_inventory

    _, settings = _configure(paths, config_file, (), ())
    settings.pop("training_data")  # the inventory lists no data files
    found = build_inventory(list(paths) or ["."], **settings, jobs=jobs,
                            **_inputs(var_files, var_values, cfn_parameters))
    _write(render_inventory(found, fmt), output)
    return EXIT_OK


def _write(report: str, output: str | None) -> None:
    if not output:
        click.echo(report, nl=not report.endswith("\n"))
        return
    from analyzer.errors import UsageError

    folder = os.path.dirname(os.path.abspath(output))
    temporary = os.path.join(folder, f".{os.path.basename(output)}.{os.getpid()}.tmp")
    try:
        # surrogateescape: a patch carries the scanned files' bytes that are not UTF-8 as they are
        with open(temporary, "w", encoding="utf-8", errors="surrogateescape", newline="\n") as handle:
            handle.write(report)
        os.replace(temporary, output)  # atomic: a reader never sees half a report
    except OSError as error:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise UsageError(f"cannot write {output}: {error.strerror or error}") from None


@main.command()
@click.option("--format", "-f", "fmt", type=click.Choice(("table", "json", "markdown")), default="table",
              show_default=True)
def rules(fmt):
    """List every rule."""
    import json

    from analyzer import docs
    from checks import ALL_CHECKS

    if fmt == "json":
        click.echo(json.dumps(docs.rules_json(ALL_CHECKS), indent=2))
    elif fmt == "markdown":
        click.echo(docs.rules_markdown(ALL_CHECKS), nl=False)
    else:
        click.echo(docs.rules_table(ALL_CHECKS), nl=False)
    return EXIT_OK


@main.command()
@click.argument("rule")
def explain(rule):
    """Explain a rule, by id (AIP101) or name."""
    from analyzer import docs
    from checks import ALL_CHECKS

    wanted = rule.strip()
    for check in ALL_CHECKS:
        if check.id.upper() == wanted.upper() or check.name == wanted.lower():
            click.echo(docs.rule_text(check), nl=False)
            return EXIT_OK
    raise click.UsageError(f"unknown rule {rule!r}: see `aiposture rules`")


def run(argv: list[str] | None = None) -> int:
    """Run the command line and return the exit code (errors become one line on stderr)."""
    from analyzer.errors import UsageError

    try:
        code = main.main(args=argv, prog_name="aiposture", standalone_mode=False)
    except click.exceptions.Exit as done:  # --help, --version
        return done.exit_code
    except click.exceptions.Abort:
        click.echo("aiposture: interrupted", err=True)
        return EXIT_USAGE
    except (click.ClickException, UsageError) as error:
        message = error.format_message() if isinstance(error, click.ClickException) else str(error)
        click.echo(f"aiposture: error: {message}", err=True)
        return EXIT_USAGE
    except BrokenPipeError:
        return EXIT_OK
    return code if isinstance(code, int) else EXIT_OK


def entry_point() -> None:
    sys.exit(run())


if __name__ == "__main__":
    entry_point()
