"""Baselines, --changed-since and GitHub annotations, at the module level (the CLI and a whole
pull request are played in tests/test_pull_request.py)."""
import json
import subprocess

import pytest

from analyzer import baseline, changes
from analyzer.engine import scan
from analyzer.errors import UsageError
from analyzer.report import github

NOTEBOOK = ('resource "aws_sagemaker_notebook_instance" "{name}" {{\n'
            '  name          = "{name}"\n'
            '  instance_type = "ml.t3.medium"\n'
            '}}\n')


def git(*args, cwd):
    done = subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args],
                          cwd=cwd, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_baseline_accepts_todays_findings_and_survives_edits_above_them(tmp_path, monkeypatch):
    (tmp_path / "main.tf").write_text(NOTEBOOK.format(name="old"))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "baseline.json").write_text(baseline.create(scan(["."])))
    document = json.loads((tmp_path / "baseline.json").read_text())
    assert document["schema"] == "aiposture-baseline" and len(document["findings"]) == 5

    (tmp_path / "main.tf").write_text("# a comment\n\n" + NOTEBOOK.format(name="old") + NOTEBOOK.format(name="new"))
    result = scan(["."])
    outcome = baseline.apply(result, baseline.load("baseline.json"))
    assert outcome.accepted == 5 and outcome.gone == 0
    assert {f.resource for f in result.findings} == {"aws_sagemaker_notebook_instance.new"}

    (tmp_path / "main.tf").write_text(NOTEBOOK.format(name="new"))
    result = scan(["."])
    outcome = baseline.apply(result, baseline.load("baseline.json"))
    assert outcome.accepted == 0 and outcome.gone == 5


@pytest.mark.parametrize("content, message", [
    (None, "no such file"),
    ("{not json", "cannot be read"),
    ('{"schema": "other"}', "not an aiposture baseline"),
    ('{"schema": "aiposture-baseline", "version": 9, "findings": []}', "version 9 is not supported"),
    ('{"schema": "aiposture-baseline", "version": 1, "findings": [1]}', "must be a list of objects"),
])
def test_bad_baselines_are_one_line_errors(tmp_path, content, message):
    path = tmp_path / "baseline.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(UsageError, match=message) as raised:
        baseline.load(str(path))
    assert "\n" not in str(raised.value)


def test_changed_files_and_the_files_they_affect(tmp_path):
    repo = tmp_path
    for folder in ("a", "b", "c"):
        (repo / folder).mkdir()
        (repo / folder / "main.tf").write_text(NOTEBOOK.format(name=folder))
        (repo / folder / "extra.tf").write_text("# nothing\n")
    git("init", "-q", cwd=repo)
    git("add", "-A", cwd=repo)
    git("commit", "-qm", "base", cwd=repo)
    base = git("rev-parse", "HEAD", cwd=repo).strip()
    (repo / "a" / "terraform.tfvars").write_text('name = "x"\n')  # untracked: affects folder a
    (repo / "b" / "main.tf").write_text(NOTEBOOK.format(name="b2"))  # unstaged change
    changed = changes.changed_files(str(repo), base)
    assert changed == {"a/terraform.tfvars", "b/main.tf"}
    candidates = ["a/main.tf", "a/extra.tf", "b/main.tf", "b/extra.tf", "c/main.tf"]
    assert changes.affected(changed, candidates) == {"a/main.tf", "a/extra.tf", "b/main.tf", "b/extra.tf"}
    # from a subfolder, paths are relative to it
    assert changes.changed_files(str(repo / "b"), base) == {"main.tf"}
    with pytest.raises(UsageError, match="--changed-since"):
        changes.changed_files(str(repo), "no-such-ref")


def test_repository_prefix(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "infra" / "ml").mkdir(parents=True)
    assert changes.repository_prefix(str(tmp_path)) == ""
    assert changes.repository_prefix(str(tmp_path / "infra" / "ml")) == "infra/ml/"


def test_github_annotations(tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()
    (tmp_path / "infra").mkdir()
    (tmp_path / "infra" / "main.tf").write_text(NOTEBOOK.format(name="nb"))
    monkeypatch.chdir(tmp_path / "infra")
    lines = github.render(scan(["."], select=["AIP101", "AIP104"])).splitlines()
    assert lines == [
        "::error file=infra/main.tf,line=1,endLine=1,title=AIP101 sagemaker-notebook-direct-internet,col=1,endColumn=50"
        "::`direct_internet_access` is not set, so the provider default \"Enabled\" applies; it should be "
        "\"Disabled\" (aws_sagemaker_notebook_instance.nb)",
        "::warning file=infra/main.tf,line=1,endLine=1,title=AIP104 sagemaker-notebook-cmk,col=1,endColumn=50"
        "::`kms_key_id` is not set (aws_sagemaker_notebook_instance.nb)",
    ]
    assert github._property("a:b,c%d\ne") == "a%3Ab%2Cc%25d%0Ae"
    assert github._data("a:b,c%d\r\n") == "a:b,c%25d%0D%0A"
