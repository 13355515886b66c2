"""Configuration: where it is found, what each key does to a real scan, the command line winning
over it, and one-line errors with exit code 2 for every mistake in it."""
import json
import os
import subprocess
import sys

import pytest

from analyzer import config
from analyzer.config import Config, compile_globs, load
from analyzer.main import run

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
NOTEBOOKS = open(os.path.join(ROOT, "fixtures", "terraform", "notebook-defaults", "main.tf"),
                 encoding="utf-8").read()
# What that file yields with no configuration: rule -> severity.
RULES = {"AIP101": "high", "AIP102": "high", "AIP103": "high", "AIP104": "medium", "AIP105": "medium"}


@pytest.fixture
def tree(tmp_path, monkeypatch):
    """A small repository: main.tf, legacy/main.tf, examples/main.tf, vendor/x/main.tf."""
    (tmp_path / ".git").mkdir()
    for folder in (".", "legacy", "examples", "vendor/x"):
        (tmp_path / folder).mkdir(parents=True, exist_ok=True)
        (tmp_path / folder / "main.tf").write_text(NOTEBOOKS)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def aiposture(*args, cwd=None):
    """Run the command line as a user would; returns (code, stdout, stderr)."""
    done = subprocess.run([sys.executable, "-m", "analyzer", *args], capture_output=True, text=True,
                          cwd=cwd, env={**os.environ, "NO_COLOR": "", "PYTHONPATH": ROOT})
    return done.returncode, done.stdout, done.stderr


def findings(*args):
    """The JSON report's findings of an in-process scan: {(path, rule): severity}."""
    code, out, err = aiposture("scan", "--format", "json", "--fail-on", "never", *args)
    assert code == 0, err
    return {(f["path"], f["rule_id"]): f["severity"] for f in json.loads(out)["findings"]}


# --- discovery -----------------------------------------------------------------------------------


def test_no_configuration_is_the_defaults(tree):
    assert load(["."], None) == Config()


def test_aiposture_toml_wins_over_pyproject(tree):
    (tree / ".aiposture.toml").write_text('fail-on = "high"\n')
    (tree / "pyproject.toml").write_text('[tool.aiposture]\nfail-on = "info"\n')
    found = load(["."], None)
    assert found.fail_on == "high" and found.path == str(tree / ".aiposture.toml")


def test_pyproject_without_the_table_is_skipped(tree):
    (tree / "legacy" / "pyproject.toml").write_text('[project]\nname = "x"\n')
    (tree / "pyproject.toml").write_text('[tool.aiposture]\nfail-on = "info"\n')
    os.chdir(tree / "legacy")
    assert load(["."], None).fail_on == "info"


def test_the_search_starts_at_the_scan_root_and_goes_up(tree):
    (tree / ".aiposture.toml").write_text('fail-on = "high"\n')
    (tree / "legacy" / ".aiposture.toml").write_text('fail-on = "critical"\n')
    assert load(["legacy"], None).fail_on == "high"  # the scan root is the working directory
    os.chdir(tree / "vendor" / "x")
    assert load(["."], None).fail_on == "high"
    os.chdir(tree / "legacy")
    assert load(["."], None).fail_on == "critical"


def test_the_search_stops_at_the_repository_root(tmp_path, monkeypatch):
    (tmp_path / ".aiposture.toml").write_text('fail-on = "high"\n')
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "repo")
    assert load(["."], None) == Config()


def test_an_explicit_file_wins(tree):
    (tree / ".aiposture.toml").write_text('fail-on = "high"\n')
    (tree / "ci.toml").write_text('fail-on = "medium"\n')
    (tree / "other").mkdir()
    (tree / "other" / "pyproject.toml").write_text('[tool.aiposture]\nfail-on = "info"\n')
    assert load(["."], "ci.toml").fail_on == "medium"
    assert load(["."], "other/pyproject.toml").fail_on == "info"


def test_snake_case_keys_are_accepted(tree):
    (tree / ".aiposture.toml").write_text('fail_on = "high"\n[severity_overrides]\nAIP101 = "low"\n'
                                          '[per_path_ignores]\n"legacy/" = ["AIP1"]\n')
    loaded = load(["."], None)
    assert loaded.fail_on == "high" and loaded.severity_overrides == {"AIP101": "low"}
    assert loaded.per_path_ignores == (("legacy/", ("AIP1",)),)


# --- each key's effect on a scan -------------------------------------------------------------------


def test_select_and_ignore(tree):
    (tree / ".aiposture.toml").write_text('select = ["AIP10"]\nignore = ["AIP102", "sagemaker-notebook-cmk"]\n')
    assert {rule for _, rule in findings("main.tf")} == {"AIP101", "AIP103", "AIP105"}


def test_exclude_globs_are_gitignore_like(tree):
    (tree / "data.tf.json").write_text("{}")
    (tree / ".aiposture.toml").write_text('exclude = ["examples/**", "vendor/", "*.tf.json"]\n')
    out = aiposture("scan", "--format", "json", "--fail-on", "never")[1]
    report = json.loads(out)
    assert {f["path"] for f in report["findings"]} == {"main.tf", "legacy/main.tf"}
    assert report["skipped"] == []  # excluded files are not "skipped": they were asked to be left out
    # explicitly named files are excluded too (pre-commit passes file names)
    assert findings("examples/main.tf", "main.tf").keys() == findings("main.tf").keys()


def test_per_path_ignores_drop_those_rules_in_matching_files(tree):
    (tree / ".aiposture.toml").write_text('exclude = ["examples/", "vendor/"]\n'
                                          '[per-path-ignores]\n"legacy/**" = ["AIP104", "sagemaker-notebook-direct-internet", "sagemaker-notebook-root*"]\n')
    found = findings()
    assert {rule for path, rule in found if path == "main.tf"} == set(RULES)
    assert {rule for path, rule in found if path == "legacy/main.tf"} == {"AIP103", "AIP105"}


def test_severity_overrides_reach_every_report_and_the_exit_code(tree):
    (tree / ".aiposture.toml").write_text('[severity-overrides]\nAIP1 = "low"\n'
                                          'sagemaker-notebook-cmk = "critical"\n')
    assert findings("main.tf") == {("main.tf", rule): "critical" if rule == "AIP104" else "low" for rule in RULES}
    code, out, _ = aiposture("scan", "main.tf", "--format", "sarif", "--fail-on", "never")
    rules = {r["id"]: r for r in json.loads(out)["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["AIP104"]["properties"]["security-severity"] > rules["AIP101"]["properties"]["security-severity"]
    assert aiposture("scan", "main.tf", "--fail-on", "critical")[0] == 1
    assert aiposture("scan", "main.tf", "--select", "AIP101", "--fail-on", "medium")[0] == 0


def test_severity_overrides_reach_the_worker_processes(tree):
    for n in range(70):  # above the engine's threshold for a process pool
        (tree / "examples" / f"n{n}.tf").write_text(NOTEBOOKS)
    (tree / ".aiposture.toml").write_text('[severity-overrides]\nAIP101 = "info"\n')
    found = findings("--jobs", "2")
    assert len({path for path, _ in found}) == 74
    assert {severity for (_, rule), severity in found.items() if rule == "AIP101"} == {"info"}


def test_fail_on(tree):
    (tree / ".aiposture.toml").write_text('fail-on = "critical"\n')
    assert aiposture("scan", "main.tf")[0] == 0
    (tree / ".aiposture.toml").write_text('fail-on = "high"\n')
    assert aiposture("scan", "main.tf")[0] == 1


# --- the command line wins -------------------------------------------------------------------------


def test_the_command_line_wins(tree, capsys):
    (tree / ".aiposture.toml").write_text('fail-on = "never"\nselect = ["AIP104"]\nignore = ["AIP101"]\n')
    assert run(["scan", "main.tf"]) == 0
    assert run(["scan", "main.tf", "--fail-on", "low"]) == 1  # an explicit --fail-on wins
    capsys.readouterr()
    # --select replaces the configuration's select and ignore
    assert findings("main.tf", "--select", "AIP101").keys() == {("main.tf", "AIP101")}
    # --ignore replaces its ignore (select still comes from the configuration)
    assert findings("main.tf", "--ignore", "AIP102").keys() == {("main.tf", "AIP104")}
    assert findings("main.tf", "--ignore", "AIP104") == {}


def test_fix_uses_the_configuration(tree):
    (tree / ".aiposture.toml").write_text('exclude = ["examples/", "vendor/", "legacy/"]\nselect = ["AIP102"]\n')
    code, diff, err = aiposture("fix", "--unsafe-fixes")
    assert code == 0, err
    assert "+++ b/main.tf" in diff and "legacy" not in diff
    assert "root_access" in changed(diff) and "direct_internet_access" not in changed(diff)
    (tree / "ci.toml").write_text('select = ["AIP101"]\n')
    diff = aiposture("fix", "--unsafe-fixes", "--config", "ci.toml", "main.tf")[1]
    assert "direct_internet_access" in changed(diff) and "root_access" not in changed(diff)


def changed(diff):
    return "\n".join(line for line in diff.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---"))


# --- errors: one line, exit code 2 ------------------------------------------------------------------


@pytest.mark.parametrize("name, text, message", [
    (".aiposture.toml", 'fail-on = "severe"',
     ".aiposture.toml: fail-on: 'severe' is not a severity (critical, high, medium, low, info, never)"),
    ("pyproject.toml", '[tool.aiposture]\nfail-on = "severe"',
     "pyproject.toml: [tool.aiposture] fail-on: 'severe' is not a severity"),
    (".aiposture.toml", 'fail_on = 3', ".aiposture.toml: fail_on: 3 is not a severity"),
    (".aiposture.toml", 'fial-on = "high"', ".aiposture.toml: fial-on: unknown key; did you mean 'fail-on'?"),
    (".aiposture.toml", 'colour = "red"', "colour: unknown key; known keys: select, ignore,"),
    (".aiposture.toml", '[tool.aiposture]\nselect = []', "tool: unknown key; write the keys at the top level"),
    (".aiposture.toml", 'select = "AIP101"', "select: must be a list of rule ids or names, not a string"),
    (".aiposture.toml", 'ignore = ["AIP999"]', "ignore: unknown rule 'AIP999'"),
    (".aiposture.toml", 'exclude = "vendor/"', "exclude: must be a list of path globs, not a string"),
    (".aiposture.toml", 'fail-on = "high"\nfail_on = "low"', "fail_on: given twice"),
    (".aiposture.toml", 'per-path-ignores = ["AIP101"]', "per-path-ignores: must be a table, not a list"),
    ("pyproject.toml", '[tool.aiposture.per-path-ignores]\n"legacy/**" = ["AIP9999"]',
     "pyproject.toml: [tool.aiposture.per-path-ignores] \"legacy/**\": unknown rule 'AIP9999'"),
    (".aiposture.toml", '[severity-overrides]\nAIP101 = "severe"',
     ".aiposture.toml: [severity-overrides] AIP101: 'severe' is not a severity (critical, high, medium, low, info)"),
    (".aiposture.toml", '[severity-overrides]\nnot-a-rule = "high"', "[severity-overrides] not-a-rule: unknown rule"),
    (".aiposture.toml", 'select = [', ".aiposture.toml: not valid TOML: "),
])
def test_every_mistake_is_one_line_and_exit_2(tree, name, text, message):
    (tree / name).write_text(text + "\n")
    for command in ("scan", "fix"):
        code, out, err = aiposture(command)
        assert code == 2 and out == ""
        assert err.count("\n") == 1 and err.startswith("aiposture: error: ") and message in err, err


def test_an_explicit_file_must_exist_and_a_pyproject_must_have_the_table(tree):
    assert aiposture("scan", "--config", "nope.toml")[2] == "aiposture: error: no such configuration file: nope.toml\n"
    (tree / "pyproject.toml").write_text('[project]\nname = "x"\n')
    err = aiposture("scan", "--config", "pyproject.toml")[2]
    assert err == "aiposture: error: pyproject.toml: has no [tool.aiposture] table\n"


# --- globs -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("pattern, path, is_dir, expected", [
    ("*.tf.json", "a/b/c.tf.json", False, True),
    ("*.tf.json", "c.tf", False, False),
    ("examples/**", "examples/a/b.tf", False, True),
    ("examples/**", "x/examples/b.tf", False, False),
    ("vendor/", "a/vendor/b.tf", False, True),
    ("vendor/", "vendor", False, False),  # a file named vendor is not a folder
    ("vendor/", "vendor", True, True),
    ("/main.tf", "main.tf", False, True),
    ("/main.tf", "a/main.tf", False, False),
    ("**/modules/*.tf", "a/b/modules/x.tf", False, True),
    ("legacy/*.tf", "legacy/a/x.tf", False, False),
    ("n[0-3].tf", "n2.tf", False, True),
    ("n[!0-3].tf", "n2.tf", False, False),
    ("n?.tf", "n12.tf", False, False),
])
def test_globs(pattern, path, is_dir, expected):
    assert compile_globs([pattern])(path, is_dir) is expected


def test_config_is_loaded_lazily():
    code = "import sys, analyzer.main; print('tomllib' in sys.modules, 'difflib' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.stdout.split() == ["False", "False"]
    assert config.CONFIG_FILE == ".aiposture.toml"


def test_the_readme_example_is_valid(tree):
    readme = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
    example = readme.split("## Configuration", 1)[1].split("```toml\n", 1)[1].split("```", 1)[0]
    (tree / "pyproject.toml").write_text(example)
    loaded = load(["."], None)
    assert loaded.fail_on == "medium" and loaded.exclude == ("examples/**", "vendor/", "*.tf.json")
    assert aiposture("scan", "--format", "json")[0] == 1


def test_fix_leaves_rules_ignored_for_a_path_alone(tree):
    (tree / ".aiposture.toml").write_text('[per-path-ignores]\n"legacy/**" = ["AIP102"]\n')
    diff = aiposture("fix", "--unsafe-fixes", "legacy")[1]
    assert "direct_internet_access" in changed(diff) and "root_access" not in changed(diff)


@pytest.mark.parametrize("text, message", [
    ('ignore = [""]', "ignore: unknown rule ''"),
    ('select = ["AIP101", " "]', "select: unknown rule ' '"),
    ('[severity-overrides]\n"" = "low"', "[severity-overrides] \"\": unknown rule ''"),
    ('[per-path-ignores]\n"legacy/**" = [""]', "[per-path-ignores] \"legacy/**\": unknown rule ''"),
])
def test_an_empty_rule_selector_is_an_error_not_every_rule(tree, text, message):
    # "" is a prefix of every id: accepted, it would silently ignore (or override) every rule
    (tree / ".aiposture.toml").write_text(text + "\n")
    with pytest.raises(config.UsageError) as error:
        load(["."])
    assert message in str(error.value)
