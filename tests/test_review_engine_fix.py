"""Review findings in the engine, the fixer, baselines, --changed-since and the CLI's writers:
each test shows a bug that was fixed."""
import json
import os
import subprocess


from analyzer import baseline, changes
from analyzer.check import Applicability
from analyzer.engine import scan
from analyzer.fixer import apply_fixes
from analyzer.main import run

NOTEBOOK = ('resource "aws_sagemaker_notebook_instance" "{name}" {{\n'
            '  name          = "{name}" # {comment}\n'
            '  role_arn      = "arn:aws:iam::123456789012:role/nb"\n'
            '  instance_type = "ml.t3.medium"\n'
            '}}\n')


def notebook(name, comment="notebook"):
    return NOTEBOOK.format(name=name, comment=comment)


def git(*args, cwd):
    done = subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args],
                          cwd=cwd, capture_output=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_fix_patch_file_keeps_bytes_that_are_not_utf8(tmp_path, monkeypatch, capsys):
    # a Latin-1 comment next to the edit: the diff printed to stdout works, --patch FILE crashed
    (tmp_path / "main.tf").write_bytes(notebook("nb", "caf\xe9").encode("latin-1"))
    git("init", "-q", cwd=tmp_path)
    git("add", "-A", cwd=tmp_path)
    monkeypatch.chdir(tmp_path)
    code = run(["fix", "--unsafe-fixes", "--patch", "fix.patch"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    patch = (tmp_path / "fix.patch").read_bytes()
    assert b"caf\xe9" in patch
    assert [name for name in os.listdir(tmp_path) if name.endswith(".tmp")] == []
    git("apply", "--check", "fix.patch", cwd=tmp_path)


def test_fix_write_through_a_link_updates_the_file_and_keeps_the_link(tmp_path, monkeypatch):
    (tmp_path / "real.tf").write_text(notebook("nb"))
    os.symlink("real.tf", tmp_path / "link.tf")  # sorts first: the link is the file scanned
    monkeypatch.chdir(tmp_path)
    outcome = apply_fixes(["."], Applicability.UNSAFE, write=True)
    assert outcome.written and not outcome.errors
    assert os.path.islink(tmp_path / "link.tf")
    assert 'direct_internet_access = "Disabled"' in (tmp_path / "real.tf").read_text()


def test_scan_outside_the_working_folder_through_a_linked_folder(tmp_path, monkeypatch):
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "main.tf").write_text(notebook("nb"))
    os.symlink("real", tmp_path / "link")
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    for path in (str(tmp_path / "link" / "main.tf"), str(tmp_path / "link")):
        result = scan([path])
        assert result.files == ["main.tf"], path
        assert {f.path for f in result.findings} == {"main.tf"}


def test_scan_of_the_working_folder_named_through_a_link(tmp_path, monkeypatch):
    # `cd /link/to/repo && aiposture scan "$PWD/infra"`: the working folder is resolved, the path is not
    (tmp_path / "repo" / "infra").mkdir(parents=True)
    (tmp_path / "repo" / "infra" / "main.tf").write_text(notebook("nb"))
    os.symlink("repo", tmp_path / "link")
    monkeypatch.chdir(tmp_path / "repo")
    result = scan([str(tmp_path / "link" / "infra")])
    assert result.files == ["infra/main.tf"]
    assert {f.path for f in result.findings} == {"infra/main.tf"}


def test_baseline_does_not_call_unscanned_findings_gone(tmp_path, monkeypatch):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "main.tf").write_text(notebook(folder))
    git("init", "-q", cwd=tmp_path)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "baseline.json").write_text(baseline.create(scan(["."])))
    git("add", "-A", cwd=tmp_path)
    git("commit", "-qm", "base", cwd=tmp_path)
    accepted = baseline.load("baseline.json")

    # only folder b changed: a's findings were not looked at, so they are not gone
    (tmp_path / "b" / "main.tf").write_text("# edited\n" + notebook("b"))
    result = scan(["."], changed_since="HEAD")
    outcome = baseline.apply(result, accepted)
    assert (outcome.accepted, outcome.gone) == (5, 0)

    # only one rule ran: the other rules' findings are not gone either
    result = scan(["."], select=["AIP101"])
    outcome = baseline.apply(result, accepted)
    assert (outcome.accepted, outcome.gone) == (2, 0)

    # a file that is deleted: its findings are gone
    os.remove(tmp_path / "a" / "main.tf")
    outcome = baseline.apply(scan(["."]), accepted)
    assert (outcome.accepted, outcome.gone) == (5, 5)


def test_writing_into_a_missing_folder_is_a_one_line_error(tmp_path, monkeypatch, capsys):
    (tmp_path / "main.tf").write_text(notebook("nb"))
    monkeypatch.chdir(tmp_path)
    for args in (["scan", "--format", "json", "--output", "missing/report.json"],
                 ["fix", "--patch", "missing/fix.patch"],
                 ["baseline", "create", "--output", "missing/baseline.json"]):
        code = run(args)
        err = capsys.readouterr().err
        assert code == 2, args
        assert err.startswith("aiposture: error: ") and err.count("\n") == 1, err
        assert "missing/" in err


def test_changed_since_with_a_file_name_that_is_not_utf8(tmp_path, monkeypatch, capsys):
    (tmp_path / "main.tf").write_text(notebook("nb"))
    git("init", "-q", cwd=tmp_path)
    git("add", "-A", cwd=tmp_path)
    git("commit", "-qm", "base", cwd=tmp_path)
    (tmp_path / "main.tf").write_text(notebook("nb2"))
    with open(os.path.join(os.fsencode(tmp_path), b"caf\xe9.txt"), "wb"):
        pass
    monkeypatch.chdir(tmp_path)
    assert changes.changed_files(str(tmp_path), "HEAD") >= {"main.tf"}
    assert run(["scan", "--changed-since", "HEAD", "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert {f["path"] for f in report["findings"]} == {"main.tf"}


def test_files_whose_only_common_folder_is_the_filesystem_root_are_scanned(tmp_path, monkeypatch):
    # `os.sep` appended to "/" gave "//": every file counted as a link out of the scanned folder
    import shutil
    import tempfile

    (tmp_path / "main.tf").write_text(notebook("nb"))
    top = os.path.realpath(str(tmp_path)).split(os.sep)[1]
    # a second folder under another top-level folder, so that the only common folder is "/"
    roots = [r for r in ("/var/tmp", "/dev/shm", "/tmp", os.path.expanduser("~"))
             if os.path.isdir(r) and os.access(r, os.W_OK) and os.path.realpath(r).split(os.sep)[1] != top]
    assert roots, "no writable folder outside the temporary folder's top-level folder"
    other = tempfile.mkdtemp(dir=roots[0])
    try:
        with open(os.path.join(other, "other.tf"), "w") as handle:
            handle.write(notebook("other"))
        paths = [str(tmp_path / "main.tf"), os.path.realpath(os.path.join(other, "other.tf"))]
        assert os.path.commonpath(paths) == os.sep
        (tmp_path / "cwd").mkdir()
        monkeypatch.chdir(tmp_path / "cwd")
        result = scan(paths)
    finally:
        shutil.rmtree(other)
    assert result.root == os.sep and result.skipped == []
    assert len(result.files) == 2 and all(not f.startswith("/") for f in result.files)
    assert {f.path for f in result.findings} == set(result.files)


def test_a_file_name_that_is_not_utf8_is_skipped_not_a_crash(tmp_path, monkeypatch):
    import json

    from analyzer.main import run

    name = os.fsdecode(b"bad\xff.tf")
    (tmp_path / name).write_text('resource "aws_sagemaker_model" "m" {\n  name = "m"\n}\n')
    (tmp_path / "good.tf").write_text('resource "aws_sagemaker_model" "m" {\n  name = "m"\n}\n')
    monkeypatch.chdir(tmp_path)
    for fmt in ("json", "sarif", "markdown", "text"):
        assert run(["scan", "--format", fmt, "--output", f"out.{fmt}", "-q"]) == 1
    report = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert {f["path"] for f in report["findings"]} == {"good.tf"}
    assert [s["reason"] for s in report["skipped"]] == ["its name is not valid UTF-8"]
