"""The GitHub Action (action.yml + action/run.py), the project workflow and the pre-commit hooks.

The metadata files are validated against SchemaStore's schemas (tests/data, see SOURCES.md). The
action's steps run locally as GitHub would run them: INPUT_* variables, GITHUB_OUTPUT and
GITHUB_STEP_SUMMARY files, a git workspace with a bare repository as `origin`, and a fake `gh`
on PATH that records its arguments.
"""
from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
RUN = ROOT / "action" / "run.py"
FIXTURE = ROOT / "fixtures" / "terraform" / "notebook-defaults"


def load_yaml(path: Path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if isinstance(data, dict) and True in data:  # YAML 1.1 reads the workflow key `on` as true
        data["on"] = data.pop(True)
    return data


def validate(instance, schema_name: str) -> None:
    schema = json.loads((DATA / schema_name).read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(schema)
    validator.check_schema(schema)
    errors = sorted(validator(schema).iter_errors(instance), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


# --- metadata ----------------------------------------------------------------------------------

def test_action_yml_is_valid():
    validate(load_yaml(ROOT / "action.yml"), "github-action.json")


def test_action_steps_pass_only_declared_inputs_and_pin_actions():
    action = load_yaml(ROOT / "action.yml")
    declared = {name.upper().replace("-", "_") for name in action["inputs"]}
    steps = action["runs"]["steps"]
    for step in steps:
        for name, value in (step.get("env") or {}).items():
            if name.startswith("INPUT_") and name != "INPUT_EXIT_CODE":
                assert name[len("INPUT_"):] in declared, name
                assert value == f"${{{{ inputs.{name[len('INPUT_'):].lower().replace('_', '-')} }}}}", name
        if "uses" in step:
            assert re.fullmatch(r"[\w./-]+@[0-9a-f]{40}", step["uses"]), step["uses"]
        if "run" in step and "run.py" in step["run"]:
            assert step["run"].split()[-1] in ("scan", "fix", "gate")
    install = next(step for step in steps if step.get("name") == "Install aiposture")
    assert '"${{ github.action_path }}"' in install["run"]
    setup = steps[0]["with"]
    assert setup["cache"] == "pip" and setup["cache-dependency-path"].endswith("/pyproject.toml")


def test_project_workflow_is_valid_and_uses_its_own_action():
    workflow = load_yaml(ROOT / ".github" / "workflows" / "aiposture.yml")
    validate(workflow, "github-workflow.json")
    assert {"push", "pull_request"} <= set(workflow["on"])
    assert workflow["permissions"] == {"contents": "read"}
    job = workflow["jobs"]["scan"]
    assert job["permissions"]["security-events"] == "write"
    step = next(step for step in job["steps"] if step.get("uses") == "./")
    assert (ROOT / step["with"]["paths"]).is_dir()


def test_readme_workflow_examples_are_valid():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Use in CI", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```yaml\n(.*?)```", section, re.S)
    workflows = [yaml.safe_load(block) for block in blocks]
    workflows = [w for w in workflows if isinstance(w, dict) and "jobs" in w]
    assert workflows
    for workflow in workflows:
        workflow["on"] = workflow.pop(True)
        validate(workflow, "github-workflow.json")


def test_pre_commit_hooks_are_valid():
    hooks = load_yaml(ROOT / ".pre-commit-hooks.yaml")
    validate(hooks, "pre-commit-hooks.json")
    by_id = {hook["id"]: hook for hook in hooks}
    assert by_id["aiposture"]["entry"] == "aiposture scan"
    assert by_id["aiposture-fix"]["entry"] == "aiposture fix --write"
    for hook in hooks:
        assert hook["language"] == "python" and hook["pass_filenames"] is True
        files = re.compile(hook["files"])
        assert files.search("infra/main.tf") and files.search("cdk.tf.json")
        assert not files.search("terraform.tfvars") and not files.search("main.tf.bak")


# --- the command lines ------------------------------------------------------------------------

@pytest.fixture
def run_module(monkeypatch):
    for name in list(os.environ):
        if name.startswith(("INPUT_", "GITHUB_")) or name == "PR_BASE_SHA":
            monkeypatch.delenv(name)
    spec = importlib.util.spec_from_file_location("aiposture_action_run", RUN)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("event, changed, base_sha, base_ref, expected", [
    ("pull_request", "auto", "0123abc", "main", ["--changed-since", "0123abc"]),
    ("pull_request", "auto", "", "main", ["--changed-since", "origin/main"]),
    ("pull_request", "", "0123abc", "main", []),          # empty disables
    ("push", "auto", "", "", []),                         # auto only on pull requests
    ("push", "v1.0", "", "", ["--changed-since", "v1.0"]),  # an explicit revision always
])
def test_changed_since(run_module, monkeypatch, event, changed, base_sha, base_ref, expected):
    monkeypatch.setenv("GITHUB_EVENT_NAME", event)
    monkeypatch.setenv("INPUT_CHANGED_SINCE", changed)
    monkeypatch.setenv("PR_BASE_SHA", base_sha)
    monkeypatch.setenv("GITHUB_BASE_REF", base_ref)
    assert run_module.filter_options() == expected


def test_scan_commands_pass_optional_inputs_only_when_set(run_module, monkeypatch):
    sarif, markdown = run_module.scan_commands("/w/out.sarif", "/t/s.md")
    assert sarif == ["aiposture", "scan", ".", "--format", "sarif", "--output", "/w/out.sarif"]
    assert markdown == ["aiposture", "scan", ".", "--format", "markdown", "--output", "/t/s.md",
                        "--fail-on", "never"]
    for name, value in {"PATHS": "infra 'my stacks'", "FAIL_ON": "high", "CONFIG": "aiposture.toml",
                        "BASELINE": ".aiposture-baseline.json", "ARGS": "--select AIP1 --show-unknown"}.items():
        monkeypatch.setenv("INPUT_" + name, value)
    sarif, _ = run_module.scan_commands("out.sarif", "s.md")
    assert sarif == ["aiposture", "scan", "infra", "my stacks", "--format", "sarif", "--output", "out.sarif",
                     "--fail-on", "high", "--config", "aiposture.toml", "--baseline", ".aiposture-baseline.json",
                     "--select", "AIP1", "--show-unknown"]


def test_a_fail_on_in_args_cannot_fail_the_summary_scan(run_module, monkeypatch):
    monkeypatch.setenv("INPUT_ARGS", "--fail-on low")
    _, markdown = run_module.scan_commands("out.sarif", "s.md")
    assert markdown[-2:] == ["--fail-on", "never"]  # click takes the last value


def test_unbalanced_quotes_in_an_input_are_one_clear_error(run_module, monkeypatch):
    monkeypatch.setenv("INPUT_PATHS", "infra o'brien")
    with pytest.raises(run_module.InputError, match="the paths input is not valid shell words"):
        run_module.paths()


def test_a_long_pull_request_body_never_cuts_inside_the_diff(run_module):
    finding = {"rule_id": "AIP104", "rule_name": "n", "severity": "medium", "path": "a.tf", "resource": "r",
               "message": "m"}
    diff = "--- a/a.tf\n+++ b/a.tf\n" + "+x = 1\n" * 20_000
    _, body = run_module.pr_text([finding], [finding], diff)
    assert len(body) < run_module.BODY_LIMIT + 200
    assert "```" not in body and "too long for this description" in body
    _, short = run_module.pr_text([finding], [finding], "--- a/a.tf\n+++ b/a.tf\n+x = 1\n")
    assert short.count("```") == 2


# --- the steps, run as GitHub runs them ----------------------------------------------------------

FAKE_GH = textwrap.dedent("""\
    #!{python}
    import json, os, sys
    args = sys.argv[1:]
    body = ""
    if "--body-file" in args:
        with open(args[args.index("--body-file") + 1], encoding="utf-8") as handle:
            body = handle.read()
    with open(os.environ["FAKE_GH_LOG"], "a", encoding="utf-8") as log:
        log.write(json.dumps({{"args": args, "body": body}}) + "\\n")
    existing = os.environ.get("FAKE_GH_EXISTING_PR", "")
    if args[:2] == ["pr", "list"]:
        print(existing)
    elif args[:2] == ["pr", "view"]:
        print(f"https://github.com/acme/infra/pull/{{args[2]}}")
    elif args[:2] == ["pr", "create"]:
        print("https://github.com/acme/infra/pull/7")
""")

FAKE_AIPOSTURE = textwrap.dedent("""\
    #!{python}
    import sys
    sys.path.insert(0, {root!r})
    from analyzer.main import entry_point
    sys.argv[0] = "aiposture"
    entry_point()
""")


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


class Runner:
    """A fake GitHub runner: a workspace that is a git clone of a bare `origin`, with the fixture
    committed on main, and the files and environment the action's steps read."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.workspace = tmp / "workspace"
        self.origin = tmp / "origin.git"
        self.output = tmp / "github_output"
        self.summary = tmp / "step_summary"
        self.gh_log = tmp / "gh.log"
        bin_dir = tmp / "bin"
        bin_dir.mkdir()
        for name, text in (("gh", FAKE_GH), ("aiposture", FAKE_AIPOSTURE)):
            (bin_dir / name).write_text(text.format(python=sys.executable, root=str(ROOT)), encoding="utf-8")
            (bin_dir / name).chmod(0o755)
        shutil.copytree(FIXTURE, self.workspace / "infra", ignore=shutil.ignore_patterns("expected*"))
        subprocess.run(["git", "init", "--quiet", "--bare", "--initial-branch=main", str(self.origin)], check=True)
        git(tmp, "init", "--quiet", "--initial-branch=main", str(self.workspace))
        git(self.workspace, "add", ".")
        git(self.workspace, "-c", "user.name=dev", "-c", "user.email=dev@example.com", "commit", "--quiet",
            "-m", "infra")
        git(self.workspace, "remote", "add", "origin", str(self.origin))
        git(self.workspace, "push", "--quiet", "origin", "main")
        self.output.touch()
        self.summary.touch()
        self.env = {name: value for name, value in os.environ.items()
                    if not name.startswith(("INPUT_", "GITHUB_", "GIT_")) and name != "PR_BASE_SHA"}
        self.env.update({
            "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
            "GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": str(self.workspace),
            "GITHUB_OUTPUT": str(self.output), "GITHUB_STEP_SUMMARY": str(self.summary),
            "GITHUB_EVENT_NAME": "push", "GITHUB_REF_NAME": "main", "GITHUB_REPOSITORY": "acme/infra",
            "FAKE_GH_LOG": str(self.gh_log), "GH_TOKEN": "fake-token", "NO_COLOR": "1",
            "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(tmp),
            "INPUT_PATHS": "infra", "INPUT_SARIF_FILE": "reports/aiposture.sarif", "INPUT_SUMMARY": "true",
        })

    def step(self, name: str, **inputs: str) -> subprocess.CompletedProcess:
        env = dict(self.env)
        env.update({"INPUT_" + key.upper(): value for key, value in inputs.items()})
        return subprocess.run([sys.executable, str(RUN), name], cwd=self.workspace, env=env,
                              capture_output=True, text=True, timeout=120)

    def outputs(self) -> dict[str, str]:
        return dict(line.split("=", 1) for line in self.output.read_text(encoding="utf-8").splitlines())

    def gh_calls(self) -> list[dict]:
        if not self.gh_log.exists():
            return []
        return [json.loads(line) for line in self.gh_log.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def runner(tmp_path):
    return Runner(tmp_path)


@pytest.mark.parametrize("fail_on, exit_code", [("", 1), ("high", 1), ("critical", 0), ("never", 0)])
def test_scan_step(runner, fail_on, exit_code):
    scanned = runner.step("scan", fail_on=fail_on)
    assert scanned.returncode == 0, scanned.stderr  # the gate step fails the job, after the upload
    assert "+ aiposture scan infra --format sarif" in scanned.stdout

    outputs = runner.outputs()
    sarif = Path(outputs["sarif"])
    assert sarif == runner.workspace / "reports" / "aiposture.sarif"
    log = json.loads(sarif.read_text(encoding="utf-8"))
    assert log["version"] == "2.1.0" and len(log["runs"][0]["results"]) == 8
    assert outputs["findings"] == "8"
    assert outputs["exit-code"] == str(exit_code)

    summary = runner.summary.read_text(encoding="utf-8")
    assert summary.startswith("### aiposture: 8 findings")
    assert "AIP101" in summary and "| Severity | Rule |" in summary

    gated = runner.step("gate", fail_on=fail_on, exit_code=outputs["exit-code"])
    assert gated.returncode == exit_code
    assert ("::error::" in gated.stdout) == bool(exit_code)


def test_scan_step_without_summary(runner):
    assert runner.step("scan", summary="false").returncode == 0
    assert runner.summary.read_text(encoding="utf-8") == ""
    assert runner.outputs()["findings"] == "8"


def test_scan_step_usage_error_stops(runner):
    failed = runner.step("scan", args="--select NOPE999 --format")  # a broken extra argument
    assert failed.returncode == 2
    assert runner.outputs() == {"exit-code": "2"}


def test_fix_step_opens_a_pull_request(runner):
    fixed = runner.step("fix", unsafe_fixes="true")
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert "+ aiposture fix infra --write --unsafe-fixes" in fixed.stdout

    # the commit is on the fix branch, pushed to origin; main is untouched
    assert git(runner.workspace, "rev-parse", "--abbrev-ref", "HEAD").strip() == "aiposture/fixes"
    pushed = git(runner.origin, "log", "-1", "--format=%s%n%an", "aiposture/fixes").splitlines()
    assert pushed == ["aiposture: fix 6 AI security findings", "github-actions[bot]"]
    assert git(runner.origin, "rev-parse", "main") == git(runner.origin, "rev-parse", "aiposture/fixes~1")
    fixed_tf = git(runner.origin, "show", "aiposture/fixes:infra/main.tf")
    assert 'direct_internet_access = "Disabled"' in fixed_tf
    assert git(runner.workspace, "status", "--porcelain", "--untracked-files=no") == ""

    calls = runner.gh_calls()
    assert [call["args"][:2] for call in calls] == [["pr", "list"], ["pr", "create"]]
    assert calls[0]["args"][2:6] == ["--head", "aiposture/fixes", "--base", "main"]
    create = calls[1]["args"]
    assert create[create.index("--base") + 1] == "main"
    assert create[create.index("--head") + 1] == "aiposture/fixes"
    assert create[create.index("--title") + 1] == "aiposture: fix 6 AI security findings"
    body = calls[1]["body"]
    fixes, suggestions = body.split("### Suggestions for you (2)")
    assert "### Fixed (6)" in fixes
    assert fixes.count("**AIP101**") == 2 and fixes.count("**AIP102**") == 2 and fixes.count("**AIP105**") == 2
    assert "**AIP103**" in suggestions and "**AIP104**" in suggestions
    assert "```diff" in suggestions and "var.kms_key_arn" in suggestions

    outputs = runner.outputs()
    assert outputs["fixed"] == "6"
    assert outputs["fix-branch"] == "aiposture/fixes"
    assert outputs["pull-request"] == "https://github.com/acme/infra/pull/7"


def test_fix_step_updates_an_open_pull_request(runner):
    runner.env["FAKE_GH_EXISTING_PR"] = "42"
    runner.env["GITHUB_EVENT_NAME"] = "pull_request"
    runner.env["GITHUB_HEAD_REF"] = "main"
    fixed = runner.step("fix", unsafe_fixes="true", fix_branch="bot/aiposture")
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert git(runner.origin, "rev-parse", "--verify", "--quiet", "bot/aiposture").strip()

    calls = runner.gh_calls()
    assert [call["args"][:3] for call in calls] == [["pr", "list", "--head"], ["pr", "edit", "42"],
                                                    ["pr", "view", "42"]]
    edit = calls[1]
    assert edit["args"][edit["args"].index("--title") + 1] == "aiposture: fix 6 AI security findings"
    assert "### Fixed (6)" in edit["body"] and "### Suggestions for you (2)" in edit["body"]
    assert runner.outputs()["pull-request"] == "https://github.com/acme/infra/pull/42"


def test_fix_step_with_nothing_to_fix(runner):
    # notebook-defaults has only unsafe fixes and suggestions: safe fixes change nothing
    fixed = runner.step("fix")
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert "nothing to fix" in fixed.stdout
    assert runner.gh_calls() == []
    assert git(runner.workspace, "branch", "--list", "aiposture/fixes") == ""
    assert runner.outputs() == {"fixed": "0"}


def test_scan_step_with_an_unusable_input_is_one_error_line(runner):
    failed = runner.step("scan", paths="infra o'brien")
    assert failed.returncode == 2
    assert "::error::aiposture: the paths input is not valid shell words" in failed.stdout
    assert "Traceback" not in failed.stderr
