"""`--changed-since REF`: which files a change touches, and which files those affect.

Asks git (a tool on the machine, never the user's code) for the files changed between REF and
the working tree, plus untracked files. A Terraform module is one folder: a change to any of its
`.tf`, `.tf.json` or `.tfvars` files re-checks every file of that folder, since a variable's
value or a local can change what another file's resource gets.
"""
from __future__ import annotations

import os
import subprocess

from analyzer.errors import UsageError

# Changing one of these changes how the other files of its folder are evaluated.
MODULE_FILES = (".tf", ".tf.json", ".tfvars", ".tfvars.json")


def _git(args: list[str], cwd: str) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True,
                              errors="surrogateescape", timeout=60)
    except FileNotFoundError:
        raise UsageError("--changed-since needs git, which is not installed") from None
    except subprocess.TimeoutExpired:
        raise UsageError("--changed-since: git did not answer within 60 seconds") from None
    if done.returncode != 0:
        message = (done.stderr.strip().splitlines() or ["git failed"])[-1]
        raise UsageError(f"--changed-since: {message}")
    return done.stdout


def changed_files(root: str, ref: str) -> set[str]:
    """Files changed since `ref` (committed, staged, unstaged, untracked), relative to `root`."""
    top = _git(["rev-parse", "--show-toplevel"], root).strip()
    _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], root)  # a clear error for a bad ref
    names = _git(["diff", "--name-only", "--no-renames", "-z", ref, "--"], top).split("\0")
    names += _git(["ls-files", "--others", "--exclude-standard", "-z"], top).split("\0")
    real_root = os.path.realpath(root)
    found = set()
    for name in filter(None, names):
        absolute = os.path.realpath(os.path.join(top, name))
        if absolute == real_root or absolute.startswith(os.path.join(real_root, "")):
            found.add(os.path.relpath(absolute, real_root).replace(os.sep, "/"))
    return found


def affected(changed: set[str], candidates: list[str]) -> set[str]:
    """The candidate files (scan-root relative) a change affects: the changed ones, and every file
    in a folder where a module file changed."""
    folders = {os.path.dirname(path) for path in changed if path.lower().endswith(MODULE_FILES)}
    return {path for path in candidates if path in changed or os.path.dirname(path) in folders}


def repository_prefix(root: str) -> str:
    """The scan root relative to the enclosing git repository ("" at its top or outside one), so
    patches carry repository-relative paths that `git apply` takes from the top."""
    folder = os.path.realpath(root)
    while True:
        if os.path.exists(os.path.join(folder, ".git")):
            relative = os.path.relpath(os.path.realpath(root), folder)
            return "" if relative == "." else relative.replace(os.sep, "/") + "/"
        parent = os.path.dirname(folder)
        if parent == folder:
            return ""
        folder = parent
