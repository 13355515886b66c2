"""The steps of the aiposture GitHub Action (action.yml), as plain functions over the environment.

    python action/run.py scan   # scan: SARIF file, Markdown job summary, outputs
    python action/run.py fix    # fix --write, commit to a branch, push, open or update a PR with gh
    python action/run.py gate   # fail the job when the scan's exit code says so

Inputs arrive as INPUT_* environment variables (the composite steps set them); results go to the
files named by GITHUB_OUTPUT and GITHUB_STEP_SUMMARY. Commands run in GITHUB_WORKSPACE. Every
command is echoed before it runs, so the job log shows exactly what happened.
"""
from __future__ import annotations

import collections
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile

BOT = ("github-actions[bot]", "41898282+github-actions[bot]@users.noreply.github.com")
BODY_LIMIT = 60_000  # GitHub refuses pull-request bodies over 65,536 characters


def read(name: str, default: str = "") -> str:
    """The input `name` as action.yml spells it (fail-on arrives as INPUT_FAIL_ON), stripped;
    `default` when unset or empty."""
    value = os.environ.get("INPUT_" + name.upper().replace("-", "_"), "").strip()
    return value or default


def words(name: str, default: str = "") -> list[str]:
    """An input holding shell words (paths, args), split as a shell would."""
    try:
        return shlex.split(read(name, default))
    except ValueError as error:  # an unbalanced quote
        raise InputError(f"the {name} input is not valid shell words ({error}): quote or escape it") from None


class InputError(Exception):
    """An input the action cannot use: reported as one ::error:: line, exit code 2."""


def flag(name: str) -> bool:
    return read(name, "false").lower() in ("true", "yes", "1")


def set_output(name: str, value: object) -> None:
    text = str(value)
    with open(os.environ["GITHUB_OUTPUT"], "a", encoding="utf-8") as handle:
        if "\n" in text:
            handle.write(f"{name}<<AIPOSTURE_EOF\n{text}\nAIPOSTURE_EOF\n")
        else:
            handle.write(f"{name}={text}\n")


def command(args: list[str], check: bool = True, capture: bool = False) -> subprocess.CompletedProcess:
    print("+ " + shlex.join(args), flush=True)
    return subprocess.run(args, check=check, text=True, capture_output=capture,
                          cwd=os.environ.get("GITHUB_WORKSPACE") or None)


def workspace_path(path: str) -> str:
    return os.path.join(os.environ.get("GITHUB_WORKSPACE") or os.getcwd(), path)


# --- scan --------------------------------------------------------------------------------------

def changed_since() -> str:
    """The --changed-since value: the input as given, or with `auto` the pull request's base
    (its commit when known, else origin/<base branch>) on pull-request events, else nothing."""
    value = read("changed-since")
    if value.lower() != "auto":
        return value
    if os.environ.get("GITHUB_EVENT_NAME") not in ("pull_request", "pull_request_target"):
        return ""
    if os.environ.get("PR_BASE_SHA"):
        return os.environ["PR_BASE_SHA"]
    base = os.environ.get("GITHUB_BASE_REF", "")
    return f"origin/{base}" if base else ""


def filter_options() -> list[str]:
    """Options that choose what is reported; shared by every scan and fix the action runs.
    --config, --baseline and --changed-since are passed only when asked for."""
    options = []
    for option, value in (("--config", read("config")), ("--baseline", read("baseline")),
                          ("--changed-since", changed_since())):
        if value:
            options += [option, value]
    return options


def paths() -> list[str]:
    return words("paths", ".")


def scan_commands(sarif: str, markdown: str) -> tuple[list[str], list[str]]:
    """The SARIF scan (its exit code follows fail-on) and the Markdown scan (never fails)."""
    common = filter_options() + words("args")
    fail_on = ["--fail-on", read("fail-on")] if read("fail-on") else []  # else the config's, else low
    sarif_scan = ["aiposture", "scan", *paths(), "--format", "sarif", "--output", sarif, *fail_on] + common
    markdown_scan = (["aiposture", "scan", *paths(), "--format", "markdown", "--output", markdown] + common
                     + ["--fail-on", "never"])  # last, so a --fail-on in `args` cannot fail this one
    return sarif_scan, markdown_scan


def count_findings(sarif: str) -> int:
    """Failures in the SARIF log: not the `review` results of --show-unknown, not suppressed."""
    with open(sarif, encoding="utf-8") as handle:
        log = json.load(handle)
    return sum(1 for run in log.get("runs", []) for result in run.get("results", [])
               if result.get("kind", "fail") == "fail" and not result.get("suppressions"))


def scan() -> int:
    sarif = os.path.abspath(workspace_path(read("sarif-file", "aiposture.sarif")))
    os.makedirs(os.path.dirname(sarif), exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        markdown = os.path.join(scratch, "summary.md")
        sarif_scan, markdown_scan = scan_commands(sarif, markdown)
        code = command(sarif_scan, check=False).returncode
        if code not in (0, 1):  # a usage or configuration error: nothing to report
            set_output("exit-code", code)
            return code
        findings = count_findings(sarif)
        if flag("summary") and command(markdown_scan, check=False).returncode == 0:
            with open(markdown, encoding="utf-8") as source, \
                    open(os.environ["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as summary:
                summary.write(source.read().rstrip("\n") + "\n\n")
    set_output("sarif", sarif)
    set_output("findings", findings)
    set_output("exit-code", code)
    print(f"aiposture: {findings} finding{'s' if findings != 1 else ''}; exit code {code} "
          f"(fail-on {read('fail-on', 'default')})")
    return 0  # the gate step fails the job, after the SARIF upload


def gate() -> int:
    code = int(read("exit-code", "0") or 0)
    if code == 1:
        print(f"::error::aiposture found issues at or above fail-on ({read('fail-on', 'default')})")
    elif code:
        print(f"::error::aiposture failed with exit code {code}")
    return code


# --- fix ---------------------------------------------------------------------------------------

def json_findings() -> list[dict]:
    result = command(["aiposture", "scan", *paths(), "--format", "json", "--fail-on", "never",
                      *filter_options()], capture=True)
    return json.loads(result.stdout)["findings"]


def key(finding: dict) -> tuple:
    """Identity of a finding that survives the line shifts of a fix."""
    return finding["rule_id"], finding["path"], finding["resource"], finding.get("attribute")


def describe(finding: dict) -> str:
    return (f"- **{finding['rule_id']}** `{finding['rule_name']}` ({finding['severity']}) in "
            f"`{finding['path']}`, `{finding['resource']}`: {finding['message']}")


def pr_text(fixed: list[dict], suggestions: list[dict], suggestion_diff: str) -> tuple[str, str]:
    count = len(fixed)
    title = f"aiposture: fix {count} AI security finding{'s' if count != 1 else ''}"
    lines = ["Automated fixes by aiposture "
             "(`aiposture fix --write`). Each fix is a minimal edit, verified by a re-scan.", "",
             f"### Fixed ({count})", "", *map(describe, fixed), ""]
    if suggestions:
        lines += [f"### Suggestions for you ({len(suggestions)})", "",
                  "These need a value only you know (a KMS key, a subnet) and were not applied:", "",
                  *map(describe, suggestions), ""]
    body = "\n".join(lines)
    if suggestions and suggestion_diff:
        fence = "`" * max(3, max((len(run) for run in re.findall(r"`+", suggestion_diff)), default=0) + 1)
        details = "\n".join(["<details><summary>Suggested changes, with placeholders "
                             "(<code>aiposture fix --suggestions</code>)</summary>", "", fence + "diff",
                             suggestion_diff.rstrip("\n"), fence, "", "</details>", ""])
        # a diff too long for the body is left out whole, never cut inside its block
        body += "\n" + details if len(body) + len(details) < BODY_LIMIT else \
            "\n(The suggested changes are too long for this description: run `aiposture fix --suggestions`.)\n"
    if len(body) > BODY_LIMIT:  # the lists alone are too long: cut between lines
        body = body[: body.rfind("\n", 0, BODY_LIMIT)] + "\n\n(truncated: run `aiposture scan` for the rest)\n"
    return title, body


def current_branch() -> str:
    """The branch the fixes are for: the PR's head branch, else the pushed branch."""
    return os.environ.get("GITHUB_HEAD_REF") or os.environ.get("GITHUB_REF_NAME") or "main"


def fix() -> int:
    branch = read("fix-branch", "aiposture/fixes")
    base = current_branch()
    before = json_findings()
    write = ["aiposture", "fix", *paths(), "--write", *filter_options()]
    command(write + (["--unsafe-fixes"] if flag("unsafe-fixes") else []))
    after = json_findings()
    remaining = collections.Counter(map(key, after))
    fixed = []
    for finding in before:
        if remaining[key(finding)]:
            remaining[key(finding)] -= 1
        else:
            fixed.append(finding)
    suggestions = [f for f in after if f.get("fix_safety") == "suggestion"]
    if not command(["git", "status", "--porcelain", "--untracked-files=no"], capture=True).stdout.strip():
        print("aiposture: nothing to fix")
        set_output("fixed", 0)
        return 0
    diff = command(["aiposture", "fix", *paths(), "--suggestions", *filter_options()],
                   check=False, capture=True).stdout if suggestions else ""
    title, body = pr_text(fixed, suggestions, diff)

    command(["git", "checkout", "-B", branch])
    command(["git", "add", "--update"])
    command(["git", "-c", f"user.name={BOT[0]}", "-c", f"user.email={BOT[1]}", "commit", "--quiet",
             "-m", title, "-m", "\n".join(describe(f) for f in fixed)])
    command(["git", "push", "--force", read("remote", "origin"), f"HEAD:refs/heads/{branch}"])

    with tempfile.NamedTemporaryFile("w", suffix=".md", delete=False, encoding="utf-8") as handle:
        handle.write(body)
    try:
        existing = command(["gh", "pr", "list", "--head", branch, "--base", base, "--state", "open",
                            "--json", "number", "--jq", ".[0].number"], capture=True).stdout.strip()
        if existing:
            command(["gh", "pr", "edit", existing, "--title", title, "--body-file", handle.name])
            url = command(["gh", "pr", "view", existing, "--json", "url", "--jq", ".url"],
                          capture=True).stdout.strip()
        else:
            url = command(["gh", "pr", "create", "--base", base, "--head", branch, "--title", title,
                           "--body-file", handle.name], capture=True).stdout.strip()
    finally:
        os.unlink(handle.name)
    set_output("fixed", len(fixed))
    set_output("fix-branch", branch)
    set_output("pull-request", url.splitlines()[-1] if url else "")
    print(f"aiposture: {title}: {url}")
    return 0


if __name__ == "__main__":
    steps = {"scan": scan, "fix": fix, "gate": gate}
    if len(sys.argv) != 2 or sys.argv[1] not in steps:
        sys.exit(f"usage: {sys.argv[0]} {'|'.join(steps)}")
    try:
        sys.exit(steps[sys.argv[1]]())
    except InputError as error:
        print(f"::error::aiposture: {error}", flush=True)
        sys.exit(2)
