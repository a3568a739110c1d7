"""The project keeps its promises about itself: one schema, documented rules, one-way imports,
a public API that is what it says, settings that round-trip."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import pytest
import yaml

import postdesk
from postdesk.config import ConfigError, config_as_toml, config_from_dict, load_config
from postdesk.schema import fields_markdown

PROJECT = Path(__file__).resolve().parent.parent
PACKAGE = PROJECT / "tools" / "postdesk"
README = (PROJECT / "README.md").read_text(encoding="utf-8")
DOCS = README + "".join(page.read_text(encoding="utf-8") for page in sorted((PROJECT / "docs").glob("*.md")))
"""The README and the reference pages it links in docs/."""


def test_readme_field_table_is_generated_from_the_schema():
    page = (PROJECT / "docs/submission-format.md").read_text(encoding="utf-8")
    block = page.split("<!-- schema-fields:start -->\n", 1)[1].split("<!-- schema-fields:end -->", 1)[0]
    assert block == fields_markdown(), "run: postdesk schema --markdown, and paste it into docs/submission-format.md"


def test_every_rule_id_in_the_code_is_documented():
    pattern = re.compile(r'"((?:file|frontmatter|schema|dates|text|images)\.[a-z]+(?:-[a-z]+)*)"')
    found = {m for path in PACKAGE.rglob("*.py") for m in pattern.findall(path.read_text(encoding="utf-8"))}
    found |= {f"images.{kind}" for kind in ("too-large", "too-many-pixels", "format", "truncated")}
    assert len(found) > 40
    missing = sorted(rule for rule in found if f"`{rule}`" not in DOCS)
    assert missing == []


def test_public_api_is_exported():
    for name in postdesk.__all__:
        assert hasattr(postdesk, name), name
    assert sorted(postdesk.__all__) == postdesk.__all__


LAYERS = {
    "__init__": 4, "__main__": 4,
    "cli": 3,
    "check": 2, "report": 2, "preview": 2, "site": 2, "approve": 2, "schedule": 2, "editorial": 2, "ledger": 1,
    "editor": 2, "newsubmission": 2,
    "post": 2, "fakes": 2, "channels": 1, "monitor": 2, "site_build": 2,
    "checks": 1, "confidentiality": 1, "gitio": 1, "media": 1, "parse": 1, "posttext": 1, "xcount": 1, "schema": 1,
    "faces": 1, "blazeface": 0,
    "model": 0, "config": 0, "errors": 0, "files": 0, "secrecy": 0, "escape": 0, "approvals": 1, "approved": 1,
    "seal": 1, "comment": 2,
    "routing": 2, "doctor": 2,
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level > 0:
            module = (node.module or "").split(".")[0]
            if not module and path.parent.name == "checks":
                module = "checks"
            elif node.level == 2 and path.parent.name == "checks":
                module = (node.module or "").split(".")[0]
            names.add(module)
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("postdesk"):
            names.add(node.module.split(".")[1] if "." in node.module else "")
    return {n for n in names if n}


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_dependencies_point_one_way(path: Path):
    own = path.parent.name if path.parent != PACKAGE else path.stem
    if own not in LAYERS:
        pytest.fail(f"{own} has no layer in LAYERS: add it, so its imports are checked")
    for imported in _imports(path) - {own}:
        assert imported != "cli" or own == "__main__", f"{path.name} imports cli"
        if imported in LAYERS:
            assert LAYERS[imported] <= LAYERS[own], f"{path.name} ({own}) imports {imported}"
    if own == "checks":
        assert "channels" not in _imports(path)


def test_checker_does_not_import_pelican_or_git():
    import subprocess
    import sys

    code = "import sys, postdesk.check; print(sorted(m for m in ('pelican', 'git') if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_settings_round_trip_and_refuse_typos(tmp_path):
    config = load_config(PROJECT)
    again = config_from_dict(tomllib.loads(config_as_toml(config)), root=PROJECT)
    assert again == config
    with pytest.raises(ConfigError, match="Did you mean 'timezone'"):
        config_from_dict({"agency": {"timezon": "UTC"}}, root=tmp_path)
    with pytest.raises(ConfigError, match="must be a whole number"):
        config_from_dict({"images": {"max_bytes": "big"}}, root=tmp_path)
    with pytest.raises(ConfigError, match=r"Unknown setting 'channels\.instagram'"):
        config_from_dict({"channels": {"instagram": {}}}, root=tmp_path)
    with pytest.raises(ConfigError, match="not valid TOML"):
        (tmp_path / "postdesk.toml").write_text("[agency\n", encoding="utf-8")
        load_config(tmp_path)


def _workflow(name: str) -> tuple[dict, str]:
    import yaml

    text = (PROJECT / ".github/workflows" / name).read_text(encoding="utf-8")
    return yaml.safe_load(text), text


@pytest.mark.parametrize("name", sorted(p.name for p in (PROJECT / ".github/workflows").glob("*.yml")))
def test_workflows_are_least_privilege_and_pinned(name):
    workflow, text = _workflow(name)
    assert "pull_request_target" not in workflow[True]  # YAML 1.1 reads the key `on` as true
    assert workflow["permissions"] == {}
    for job in workflow["jobs"].values():
        assert set(job["permissions"]) <= {"contents", "pull-requests", "actions", "pages", "id-token", "issues"}
    for uses in re.findall(r"uses: (\S+)", text):
        local = uses.startswith("./.github/workflows/")  # this repository's own reusable workflow
        assert local or re.search(r"@[0-9a-f]{40}$", uses), f"{uses} is not pinned to a commit"


def test_the_check_workflow_has_no_secrets_and_reads_the_policy_from_the_base():
    workflow, text = _workflow("submission-check.yml")
    assert set(workflow[True]) == {"pull_request"}
    assert workflow["jobs"]["check"]["permissions"] == {"contents": "read"}
    assert "secrets." not in text
    assert '--settings-from "$BASE_SHA"' in text


def test_the_comment_workflow_runs_the_default_branchs_code_and_reads_the_artifact_as_data():
    workflow, text = _workflow("preview-comment.yml")
    assert set(workflow[True]) == {"workflow_run"}
    job = workflow["jobs"]["comment"]
    assert job["permissions"] == {"actions": "read", "contents": "read", "pull-requests": "write"}
    assert "secrets." not in text and "environment" not in job
    steps = job["steps"]
    [checkout] = [step for step in steps if "actions/checkout" in step.get("uses", "")]
    assert checkout["with"] == {"ref": "${{ github.event.repository.default_branch }}", "persist-credentials": False}
    refs = [line.strip() for line in text.splitlines() if line.strip().startswith("ref:")]
    assert refs == ["ref: ${{ github.event.repository.default_branch }}"] and "head_branch" not in text
    install = next(i for i, step in enumerate(steps) if step.get("name", "").startswith("Install postdesk"))
    download = next(i for i, step in enumerate(steps) if "download-artifact" in step.get("uses", ""))
    assert steps.index(checkout) < install < download, "postdesk is installed before the artifact exists"
    assert steps[download]["with"]["path"] == "${{ runner.temp }}/preview"  # outside the checked-out code
    runs = "\n".join(step.get("run", "") for step in steps[download + 1:])
    assert "pip install" not in runs and not re.search(r"(bash|sh|source|python|\.)\s+\S*PREVIEW", runs)
    assert 'postdesk comment --from "$PREVIEW/preview.json" --check-conclusion "$CONCLUSION"' in runs
    assert "summary.md" not in text  # the artifact's Markdown is never posted: postdesk writes the comment
    assert "^[0-9]{1,9}$" in text  # the pull request number is validated (and checked against the head commit)
    env = steps[-1]["env"]
    assert env["CONCLUSION"] == "${{ github.event.workflow_run.conclusion }}"
    assert env["HEAD_SHA"] == "${{ github.event.workflow_run.head_sha }}"
    # the comment's links (run, artifact, thumbnails at the head commit) come from the event and the API
    assert env["RUN_ID"] == "${{ github.event.workflow_run.id }}" and env["SERVER_URL"] == "${{ github.server_url }}"
    assert '--server-url "$SERVER_URL" --run-id "$RUN_ID" ${artifact:+--artifact-id "$artifact"}' in runs
    assert 'if ! [[ "$artifact" =~ ^[0-9]{1,15}$ ]]; then artifact=""; fi' in runs


def test_the_check_workflow_writes_the_preview_data_with_no_token_to_spare():
    workflow, text = _workflow("submission-check.yml")
    assert workflow["permissions"] == {} and workflow["jobs"]["check"]["permissions"] == {"contents": "read"}
    assert "secrets." not in text and "github.token" not in text and "GITHUB_TOKEN" not in text
    assert all(step["with"]["persist-credentials"] is False for step in workflow["jobs"]["check"]["steps"]
               if "actions/checkout" in step.get("uses", ""))
    preview = next(step for step in workflow["jobs"]["check"]["steps"] if step.get("name", "").startswith("Preview"))
    assert preview["run"].index("pull-request.json") < preview["run"].index("postdesk --repo pr preview")
    assert 'cat "$OUT/summary.md" >> "$GITHUB_STEP_SUMMARY"' in preview["run"]  # escaped by postdesk


def test_the_post_workflow_runs_hourly_in_the_publish_group_with_secrets_only_where_it_posts():
    workflow, _text = _workflow("post.yml")
    assert set(workflow[True]) == {"schedule", "workflow_dispatch"}
    assert workflow[True]["schedule"][0]["cron"].endswith("* * * *")
    assert workflow["concurrency"] == {"group": "publish", "cancel-in-progress": False}
    assert _workflow("publish.yml")[0]["concurrency"] == workflow["concurrency"]
    post = workflow["jobs"]["post"]
    assert post["permissions"] == {"contents": "write"}
    steps_with_secrets = [step for step in post["steps"] if "secrets." in str(step)
                          and "create-github-app-token" not in step.get("uses", "")]
    assert len(steps_with_secrets) == 1 and "postdesk post --push" in steps_with_secrets[0]["run"]
    names = set(steps_with_secrets[0]["env"])
    assert {"FACEBOOK_PAGE_ID", "FACEBOOK_PAGE_TOKEN", "X_API_KEY", "X_API_SECRET", "X_ACCESS_TOKEN",
            "X_ACCESS_TOKEN_SECRET", "X_USER_TOKEN", "LINKEDIN_ORGANIZATION_ID", "LINKEDIN_ACCESS_TOKEN"} <= names
    assert workflow["jobs"]["site"]["needs"] == "post"
    assert "secrets." not in (PROJECT / ".github/workflows/site.yml").read_text(encoding="utf-8")


def test_the_monitor_workflow_keeps_network_secrets_away_from_the_issue_step():
    workflow, _text = _workflow("monitor.yml")
    assert set(workflow[True]) == {"schedule", "workflow_dispatch"}
    assert workflow["concurrency"] == {"group": "publish", "cancel-in-progress": False}
    job = workflow["jobs"]["monitor"]
    assert job["permissions"] == {"contents": "write", "issues": "write"}
    with_secrets = [step for step in job["steps"] if "secrets." in str(step)
                    and "create-github-app-token" not in step.get("uses", "")]  # the App's key, not a network's
    assert len(with_secrets) == 1 and "postdesk monitor" in with_secrets[0]["run"]
    issue_step = next(step for step in job["steps"] if "gh issue" in str(step.get("run", "")))
    assert "secrets." not in str(issue_step) and "issue-title.txt" in issue_step["run"]


def test_every_setting_is_in_the_readme_settings_table():
    import dataclasses

    from postdesk.config import Config

    table = README[README.index("\n## Settings: `postdesk.toml`"):README.index("\n## Development\n")]
    missing = []
    for section in dataclasses.fields(Config):
        if section.name == "root":
            continue
        if f"`{section.name}.*`" in table:
            continue
        settings = Config(root=PROJECT).__getattribute__(section.name)
        if section.name == "channels":
            names = [f"channels.<network>.{f.name}" for f in dataclasses.fields(settings["x"])]
        else:
            names = [f"{section.name}.{f.name}" for f in dataclasses.fields(settings)]
        missing += [name for name in names if f"`{name}`" not in table]
    assert missing == []


def test_the_review_routing_workflow_runs_only_the_default_branch_code():
    workflow, text = _workflow("route-review.yml")
    assert set(workflow[True]) == {"workflow_run"}
    job = workflow["jobs"]["route"]
    assert job["permissions"] == {"actions": "read", "contents": "read", "pull-requests": "write"}
    checkout = next(step for step in job["steps"] if "actions/checkout" in step.get("uses", ""))
    assert checkout["with"]["ref"] == "${{ github.event.repository.default_branch }}"
    assert set(re.findall(r"secrets\.(\w+)", text)) == {"POSTDESK_APP_PRIVATE_KEY"} and "^[0-9]{1,9}$" in text
    assert "postdesk route-review" in text
    assert job["environment"] == "publishing-bot"  # the App's key is never a repository secret


def test_the_submission_check_judges_the_pull_request_with_the_base_commits_code():
    workflow, text = _workflow("submission-check.yml")
    assert set(workflow[True]) == {"pull_request"} and workflow[True]["pull_request"] is None  # every PR, no paths
    job = workflow["jobs"]["check"]
    assert job["permissions"] == {"contents": "read"} and "secrets." not in text
    steps = job["steps"]
    checkouts = [step for step in steps if "actions/checkout" in step.get("uses", "")]
    assert checkouts[0]["with"]["ref"] == "${{ github.event.pull_request.base.sha }}"
    assert checkouts[0]["with"]["path"] == "trusted" and checkouts[1]["with"]["path"] == "pr"
    install = next(i for i, step in enumerate(steps) if step.get("name", "").startswith("Install postdesk"))
    assert steps.index(checkouts[1]) > install, "the pull request is checked out only after postdesk is installed"
    assert "trusted/requirements/run.txt" in steps[install]["run"] and "./trusted" in steps[install]["run"]
    runs = "\n".join(step.get("run", "") for step in steps[install + 1:])
    assert "pip install" not in runs  # nothing from the pull request is ever installed
    assert "rm -rf pr/theme && cp -R trusted/theme pr/theme" in runs
    assert 'postdesk --repo pr check --changed-since "$BASE_SHA" --settings-from "$BASE_SHA"' in runs


def test_the_app_key_is_read_only_by_jobs_with_an_environment_limited_to_main():
    for path in sorted((PROJECT / ".github/workflows").glob("*.yml")):
        workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
        for name, job in workflow.get("jobs", {}).items():
            if "POSTDESK_APP_PRIVATE_KEY" in yaml.safe_dump(job):
                assert job.get("environment") in ("publishing-bot", "social-accounts"), f"{path.name}:{name}"


def _step_script(workflow_name: str, job: str, step_name: str) -> str:
    workflow, _text = _workflow(workflow_name)
    step, = (s for s in workflow["jobs"][job]["steps"] if s.get("name") == step_name)
    return step["run"]


@pytest.mark.parametrize(("workflow_name", "job", "step_name", "first", "then"), [
    ("publish.yml", "approve", "Approve, schedule and push", "approve", "schedule"),
    ("post.yml", "post", "Post what is due and push the ledger", "post", "schedule"),
])
@pytest.mark.parametrize(("first_exit", "then_runs", "job_exit"), [(0, True, 0), (1, True, 1), (2, False, 2)])
def test_one_refused_item_does_not_stop_the_next_stage(tmp_path, workflow_name, job, step_name, first, then,
                                                       first_exit, then_runs, job_exit):
    """The step's own shell script, run as GitHub runs it (bash -e), with postdesk and git stood in for."""
    import subprocess

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    calls = tmp_path / "calls"
    (bin_dir / "postdesk").write_text(f'#!/bin/sh\necho "$1" >> {calls}\n[ "$1" = "{first}" ] && exit {first_exit}\n'
                                      "exit 0\n")
    (bin_dir / "git").write_text("#!/bin/sh\nexit 0\n")
    for tool in bin_dir.iterdir():
        tool.chmod(0o755)
    script = _step_script(workflow_name, job, step_name)
    result = subprocess.run(["bash", "-e", "-c", script], env={"PATH": f"{bin_dir}:/usr/bin:/bin", "DRY_RUN": ""},
                            capture_output=True, text=True, check=False)
    assert result.returncode == job_exit, result.stderr
    assert calls.read_text().split() == ([first, then] if then_runs else [first])
    # and the site is rebuilt from main whatever that job's outcome, unless the run was cancelled
    assert _workflow(workflow_name)[0]["jobs"]["site"]["if"] == "${{ !cancelled() }}"
