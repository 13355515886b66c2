"""A whole pull request, played end to end through the GitHub Action's own steps: a base commit
with findings and a baseline, then a change that adds one misconfiguration and fixes an old one.
The scan reports exactly the new finding, the summary and SARIF say so, and fix mode fixes only
that one, on a branch, with a `gh pr create` naming it."""
import json
import subprocess
import sys

from test_action import Runner, git

NEW_MODEL = '''resource "aws_sagemaker_model" "ranker" {
  name                = "ranker"
  execution_role_arn  = "arn:aws:iam::123456789012:role/ranker"

  vpc_config {
    subnets            = ["subnet-0a1b2c3d4e5f60718"]
    security_group_ids = ["sg-0123456789abcdef0"]
  }
}
'''


def commit(workspace, message):
    git(workspace, "add", "-A")
    git(workspace, "-c", "user.name=dev", "-c", "user.email=dev@example.com", "commit", "--quiet", "-m", message)


def test_a_pull_request_reports_and_fixes_only_what_it_changed(tmp_path):
    runner = Runner(tmp_path)
    workspace = runner.workspace
    created = subprocess.run([sys.executable, "-m", "analyzer", "baseline", "create", "infra",
                              "--output", ".aiposture-baseline.json"], cwd=workspace, capture_output=True, text=True)
    assert created.returncode == 0 and "wrote 8 findings" in created.stderr
    commit(workspace, "accept today's findings")
    git(workspace, "push", "--quiet", "origin", "main")
    base = git(workspace, "rev-parse", "HEAD").strip()

    # the pull request: fix one old finding, add one new misconfiguration
    git(workspace, "checkout", "--quiet", "-b", "feature")
    main_tf = workspace / "infra" / "main.tf"
    text = main_tf.read_text()
    old = '  direct_internet_access = "Enabled"\n'
    assert text.count(old) == 1
    main_tf.write_text(text.replace(old, '  direct_internet_access = "Disabled"\n'))
    (workspace / "infra" / "model.tf").write_text(NEW_MODEL)
    commit(workspace, "feature")

    inputs = {"baseline": ".aiposture-baseline.json", "changed_since": base}
    scanned = runner.step("scan", **inputs)
    assert scanned.returncode == 0, scanned.stdout + scanned.stderr
    assert f"--baseline .aiposture-baseline.json --changed-since {base}" in scanned.stdout
    outputs = runner.outputs()
    assert outputs["findings"] == "1" and outputs["exit-code"] == "1"
    [result] = json.loads((workspace / "reports" / "aiposture.sarif").read_text())["runs"][0]["results"]
    assert (result["ruleId"], result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]) == \
        ("AIP112", "infra/model.tf")
    summary = runner.summary.read_text()
    assert summary.startswith("### aiposture: 1 finding")
    assert "7 accepted by the baseline, 1 of its findings gone" in summary

    fixed = runner.step("fix", unsafe_fixes="true", **inputs)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    changed = git(runner.origin, "diff", "--name-only", "aiposture/fixes~1", "aiposture/fixes").split()
    assert changed == ["infra/model.tf"]  # the baseline's findings in main.tf are left alone
    assert "enable_network_isolation = true" in git(runner.origin, "show", "aiposture/fixes:infra/model.tf")
    [listed, create] = runner.gh_calls()
    assert listed["args"][:2] == ["pr", "list"] and create["args"][:2] == ["pr", "create"]
    assert create["args"][create["args"].index("--title") + 1] == "aiposture: fix 1 AI security finding"
    assert "**AIP112**" in create["body"] and "**AIP101**" not in create["body"]
