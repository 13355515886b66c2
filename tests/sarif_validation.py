"""Validating SARIF with tools nobody here wrote: the official schema and Microsoft's validator."""
import json
import os
import stat
import subprocess

import jsonschema
import pytest

TESTS = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(TESTS)
SCHEMA = os.path.join(TESTS, "data", "sarif-schema-2.1.0.json")


def schema_errors(log: dict) -> list[str]:
    with open(SCHEMA, encoding="utf-8") as handle:
        validator = jsonschema.Draft4Validator(json.load(handle))
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(log)]


def multitool() -> str:
    """The Sarif.Multitool binary; skips the test when it is missing, except in CI where it fails."""
    path = os.environ.get("AIPOSTURE_SARIF_MULTITOOL") or os.path.join(
        REPO, "node_modules", "@microsoft", "sarif-multitool-linux", "Sarif.Multitool")
    if not os.path.isfile(path):
        message = ("Microsoft's SARIF validator not found: set AIPOSTURE_SARIF_MULTITOOL to the "
                   "Sarif.Multitool binary, or `npm install @microsoft/sarif-multitool` in the repository root")
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    if not os.access(path, os.X_OK):
        os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


def multitool_problems(logs: dict[str, dict], folder) -> dict[str, list[str]]:
    """Run `validate --rule-kind "Gh;Sarif"` on each log; file name -> its errors and warnings."""
    paths = []
    for name, log in logs.items():
        path = folder / f"{name}.sarif"
        path.write_text(json.dumps(log, indent=2, ensure_ascii=False), encoding="utf-8")
        paths.append(str(path.resolve()))
    output = (folder / "validation.sarif").resolve()
    done = subprocess.run([multitool(), "validate", "--rule-kind", "Gh;Sarif", *paths, "-o", str(output)],
                          capture_output=True, text=True, timeout=300)
    assert output.exists(), done.stdout + done.stderr
    validation = json.loads(output.read_text(encoding="utf-8-sig"))
    problems: dict[str, list[str]] = {}
    for result in validation["runs"][0].get("results", []):
        locations = result.get("locations") or [{}]
        uri = locations[0].get("physicalLocation", {}).get("artifactLocation", {}).get("uri", "?")
        problems.setdefault(uri.rsplit("/", 1)[-1], []).append(
            f"{result['ruleId']} {result.get('level', 'warning')}: {result['message']}")
    return problems
