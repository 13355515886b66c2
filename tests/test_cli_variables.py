"""--var-file and --var: root-module variables from the command line, as `terraform plan` takes them."""
import json
import os
import shutil

import pytest

from analyzer.main import run

FIXTURE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "terraform", "module-variables")


@pytest.fixture
def project(tmp_path, monkeypatch):
    shutil.copytree(FIXTURE, tmp_path / "root")
    monkeypatch.chdir(tmp_path / "root")
    return tmp_path / "root"


def status(capsys, *args):
    """AIP102's status on the fixture's notebook (root_access = var.root_access, no default)."""
    assert run(["scan", "--format", "json", "--show-unknown", "--select", "AIP102", *args]) in (0, 1)
    report = json.loads(capsys.readouterr().out)
    if report["findings"]:
        return "fail"
    return "unknown" if report["unknowns"] else "pass"


def test_a_variable_from_the_command_line(project, capsys):
    assert status(capsys) == "unknown"
    assert status(capsys, "--var", "root_access=Enabled") == "fail"
    assert status(capsys, "--var", 'root_access="Disabled"') == "pass"


def test_var_files_then_vars_later_wins(project, capsys, tmp_path):
    (tmp_path / "prod.tfvars").write_text('root_access = "Disabled"\n')
    (tmp_path / "dev.tfvars.json").write_text('{"root_access": "Enabled"}\n')
    assert status(capsys, "--var-file", str(tmp_path / "prod.tfvars")) == "pass"
    assert status(capsys, "--var-file", str(tmp_path / "prod.tfvars"),
                  "--var-file", str(tmp_path / "dev.tfvars.json")) == "fail"
    assert status(capsys, "--var-file", str(tmp_path / "dev.tfvars.json"), "--var", "root_access=Disabled") == "pass"


def test_command_line_variables_do_not_reach_called_modules(project, capsys):
    (project.parent / "main.tf").write_text('module "ml" {\n  source = "./root"\n}\n')
    os.chdir(project.parent)
    assert status(capsys, "--var", "root_access=Enabled") == "unknown"


@pytest.mark.parametrize("args, message", [
    (["--var", "no-equals-sign"], "--var 'no-equals-sign': expected NAME=VALUE"),
    (["--var", "=x"], "expected NAME=VALUE"),
    (["--var-file", "missing.tfvars"], "--var-file missing.tfvars: No such file or directory"),
])
def test_bad_variables_are_one_line_errors(project, capsys, args, message):
    assert run(["scan", *args]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err


def test_a_var_file_that_is_not_literal_values_is_an_error(project, capsys, tmp_path):
    (tmp_path / "bad.tfvars").write_text("root_access = var.other\n")
    assert run(["scan", "--var-file", str(tmp_path / "bad.tfvars")]) == 2
    assert "not a valid variables file" in capsys.readouterr().err
