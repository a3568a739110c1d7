"""``postdesk doctor`` against the loopback fake of GitHub's API: a correct setup, each part broken, API failures."""

from __future__ import annotations

import io
import socket
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from postdesk import routing
from postdesk.cli import main
from postdesk.doctor import (
    MISSING,
    OK,
    REQUIRED_CHECK,
    REQUIRED_CHECK_SHOWN,
    TOKEN_HINT,
    WRONG,
    DoctorItem,
    EnvironmentSnapshot,
    app_items,
    app_key_jobs,
    codeowner_teams,
    format_items,
    key_environment_items,
    workflow_environments,
)
from postdesk.fakes.github import (
    APP_ID,
    APP_KEY,
    ENVIRONMENT,
    GITHUB_ACTIONS_APP_ID,
    RULESET_ID,
    TOKEN,
    FakeGitHub,
)
from postdesk.fakes.server import Reply
from postdesk.routing import api_base_url, github_token, parse_repo_name

from .conftest import PROJECT

ENV = ENVIRONMENT


pytestmark = pytest.mark.usefixtures("github_offline")


@pytest.fixture
def github(fake_github):
    fake_github.keep_app_key_for(app_key_jobs(PROJECT))  # correct for this repository's workflows, whatever they say
    return fake_github


def doctor(*extra: str, repo: Path = PROJECT) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["--repo", str(repo), "doctor", *extra], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def lines_of(output: str) -> dict[str, str]:
    """Item name -> its status line and fix line, from the doctor's output."""
    found: dict[str, str] = {}
    last = ""
    for line in output.splitlines():
        if line.startswith((OK, MISSING, WRONG)):
            last = line
            found[line] = line
        elif line.strip().startswith("fix:") and last:
            found[last] = f"{last}\n{line.strip()}"
    return found


def item(output: str, name: str) -> str:
    """The status line (and fix) of the one item whose name starts with ``name``."""
    matches = [text for line, text in lines_of(output).items()
               if line[9:].startswith(name) and line[9 + len(name):][:2] in ("", ": ", " (")]
    assert len(matches) == 1, f"{name!r} in:\n{output}"
    return matches[0]


# --------------------------------------------------------------------------- the correct setup


def test_a_correct_setup_is_all_ok_and_exits_0(github):
    code, out, err = doctor()
    assert (code, err) == (0, ""), out
    assert "0 missing, 0 wrong." in out
    assert not [line for line in lines_of(out) if not line.startswith(OK)]
    for name in ("main: changes only through a pull request", "main: a code owner must approve",
                 "main: the submission check must pass", "main: force pushes are blocked",
                 "main: the branch cannot be deleted", "main: the postdesk App may push the ledger",
                 ".github/CODEOWNERS as GitHub reads it", "code owner team @example-agency/communications",
                 "review team @example-agency/cole-county-supervisors", f"environment {ENV} exists",
                 f"environment {ENV}: only main may use it", f"environment {ENV}: secrets for Facebook",
                 f"environment {ENV}: secrets for X", f"environment {ENV}: secrets for LinkedIn",
                 "no network secret is a repository secret", "GitHub Pages is deployed by the site workflow",
                 "GitHub Actions may approve pull requests", "variable POSTDESK_APP_ID",
                 "secret POSTDESK_APP_PRIVATE_KEY"):
        assert item(out, name).startswith(OK)
    assert "not needed" in item(out, "GitHub Actions may approve pull requests")
    assert TOKEN not in out + err
    # it only reads: names of secrets, never values, and nothing is changed
    assert {request.method for request in github.requests} == {"GET"}
    assert all(request.headers["authorization"] == f"Bearer {TOKEN}" for request in github.requests)


def test_the_environment_is_the_one_the_posting_workflows_use():
    assert workflow_environments(PROJECT) == [ENV]


def test_codeowners_teams_are_read_from_the_owner_columns_only():
    text = textwrap.dedent("""\
        # @example-agency/in-a-comment is not an owner
        /content/   @example-agency/communications  @someone  # @example-agency/trailing
        /tools/     @example-agency/communications @other-org/devs
        """)
    assert codeowner_teams(text) == ["@example-agency/communications", "@other-org/devs"]


def test_the_required_check_constant_is_the_job_that_the_submission_check_runs():
    import yaml

    workflow = yaml.safe_load((PROJECT / ".github/workflows/submission-check.yml").read_text(encoding="utf-8"))
    assert workflow["name"] == REQUIRED_CHECK_SHOWN.split(" / ")[0]
    job_id, job = next(iter(workflow["jobs"].items()))
    assert job.get("name", job_id) == REQUIRED_CHECK == REQUIRED_CHECK_SHOWN.split(" / ")[1]


# --------------------------------------------------------------------------- each part broken


def _set(target: dict, key: str, value: object) -> None:
    target[key] = value


def _rule_params(fake: FakeGitHub, kind: str) -> dict:
    rule = fake.rule(kind)
    assert rule is not None
    return rule["parameters"]


BROKEN: dict[str, tuple[Callable[[FakeGitHub], None], str, str, str]] = {
    # case: (break it, item, status, a word of the fix)
    "no pull request rule": (lambda f: f.drop_rule("pull_request"), "main: changes only through a pull request",
                             MISSING, "Require a pull request"),
    "no code owner review": (lambda f: _set(_rule_params(f, "pull_request"), "require_code_owner_review", False),
                             "main: a code owner must approve", MISSING, "Require review from Code Owners"),
    "no required check": (lambda f: f.drop_rule("required_status_checks"), "main: the submission check must pass",
                          MISSING, f"'{REQUIRED_CHECK}'"),
    "check required by its shown name": (
        lambda f: _set(_rule_params(f, "required_status_checks"), "required_status_checks",
                       [{"context": REQUIRED_CHECK_SHOWN, "integration_id": GITHUB_ACTIONS_APP_ID}]),
        "main: the submission check must pass", WRONG, f"replace it with '{REQUIRED_CHECK}'"),
    "check from another app": (
        lambda f: _set(_rule_params(f, "required_status_checks"), "required_status_checks",
                       [{"context": REQUIRED_CHECK, "integration_id": 999}]),
        "main: the submission check must pass", WRONG, "GitHub Actions"),
    "force pushes allowed": (lambda f: f.drop_rule("non_fast_forward"), "main: force pushes are blocked", MISSING,
                             "Block force pushes"),
    "deletion allowed": (lambda f: f.drop_rule("deletion"), "main: the branch cannot be deleted", MISSING,
                         "Restrict deletions"),
    "no bypass": (lambda f: _set(f.rulesets[RULESET_ID], "bypass_actors", []),
                  "main: the postdesk App may push the ledger", MISSING, "Add bypass"),
    "bypass list hidden": (lambda f: f.rulesets[RULESET_ID].pop("bypass_actors"),
                           "main: the postdesk App may push the ledger", MISSING, "Add bypass"),
    "another app bypasses": (
        lambda f: _set(f.rulesets[RULESET_ID], "bypass_actors",
                       [{"actor_id": 555, "actor_type": "Integration", "bypass_mode": "always"}]),
        "main: the postdesk App may push the ledger", MISSING, "the postdesk App"),
    "bypass in pull requests only": (
        lambda f: _set(f.rulesets[RULESET_ID], "bypass_actors",
                       [{"actor_id": APP_ID, "actor_type": "Integration", "bypass_mode": "pull_request"}]),
        "main: the postdesk App may push the ledger", WRONG, "mode Always"),
    "every workflow bypasses": (
        lambda f: f.rulesets[RULESET_ID]["bypass_actors"].append(
            {"actor_id": GITHUB_ACTIONS_APP_ID, "actor_type": "Integration", "bypass_mode": "always"}),
        "main: the postdesk App may push the ledger", WRONG, "remove GitHub Actions"),
    "no protection at all": (lambda f: f.rulesets.clear(), "main is protected by a ruleset", MISSING,
                             "New branch ruleset"),
    "code owner team missing": (lambda f: f.teams.pop("communications"),
                                "code owner team @example-agency/communications", MISSING, "Create it"),
    "code owner team read-only": (lambda f: _set(f.teams, "communications", "read"),
                                  "code owner team @example-agency/communications", WRONG, "the Write role"),
    "review team without access": (lambda f: _set(f.teams, "cole-county-supervisors", ""),
                                   "review team @example-agency/cole-county-supervisors", MISSING, "Add teams"),
    "codeowners errors": (
        lambda f: f.codeowners_errors.append({"line": 11, "column": 25, "kind": "Unknown owner", "source": "",
                                              "message": "Unknown owner on line 11: make sure the team "
                                                         "@example-agency/communications exists"}),
        ".github/CODEOWNERS as GitHub reads it", WRONG, "Fix each line"),
    "environment missing": (lambda f: f.environments.clear(), f"environment {ENV} exists", MISSING,
                            "New environment"),
    "any branch may deploy": (lambda f: _set(f.environments[ENV], "deployment_branch_policy", None),
                              f"environment {ENV}: only main may use it", WRONG, "Selected branches"),
    "protected branches may deploy": (
        lambda f: _set(f.environments[ENV], "deployment_branch_policy",
                       {"protected_branches": True, "custom_branch_policies": False}),
        f"environment {ENV}: only main may use it", WRONG, "Selected branches"),
    "a wildcard may deploy": (
        lambda f: f.environments[ENV]["branch_policies"].append({"id": 2, "name": "release/*", "type": "branch"}),
        f"environment {ENV}: only main may use it", WRONG, "only the branch rule 'main'"),
    "an x secret missing": (lambda f: _set(f.environments[ENV], "secrets", [
        name for name in f.environments[ENV]["secrets"] if name not in ("X_API_SECRET", "X_USER_TOKEN")]),
                            f"environment {ENV}: secrets for X", MISSING, "or X_USER_TOKEN"),
    "a network secret at repository level": (lambda f: f.secrets.append("FACEBOOK_PAGE_TOKEN"),
                                             "no network secret is a repository secret", WRONG, "delete them"),
    "pages off": (lambda f: setattr(f, "pages", None), "GitHub Pages is deployed by the site workflow", MISSING,
                  "Source: GitHub Actions"),
    "pages from a branch": (lambda f: _set(f.pages, "build_type", "legacy"),  # type: ignore[arg-type]
                            "GitHub Pages is deployed by the site workflow", WRONG, "Source: GitHub Actions"),
    "actions may approve": (lambda f: _set(f.workflow_permissions, "can_approve_pull_request_reviews", True),
                            "GitHub Actions may approve pull requests", WRONG, "untick"),
    "write token by default": (lambda f: _set(f.workflow_permissions, "default_workflow_permissions", "write"),
                               "the workflows' default token is read-only", WRONG, "Read repository contents"),
    "app id missing": (lambda f: f.variables.clear(), "variable POSTDESK_APP_ID", MISSING, "New repository variable"),
    "app id nonsense": (lambda f: _set(f.variables, "POSTDESK_APP_ID", "my app"), "variable POSTDESK_APP_ID",
                        WRONG, "Client ID"),
    "app key missing": (lambda f: _drop_app_key(f), "secret POSTDESK_APP_PRIVATE_KEY", MISSING, ".pem"),
}


def _drop_app_key(fake: FakeGitHub) -> None:
    fake.secrets = [name for name in fake.secrets if name != APP_KEY]
    for environment in fake.environments.values():
        environment["secrets"] = [name for name in environment["secrets"] if name != APP_KEY]


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_each_broken_part_is_reported_with_its_fix_and_exits_1(github, case):
    breaks, name, status, fix = BROKEN[case]
    breaks(github)
    code, out, err = doctor()
    assert (code, err) == (1, ""), out
    reported = item(out, name)
    assert reported.startswith(status), reported
    assert "\nfix: " in reported and fix in reported, reported
    assert TOKEN not in out


def test_only_the_broken_parts_are_reported(github):
    github.drop_rule("deletion")
    github.pages = None
    code, out, _err = doctor()
    assert code == 1
    assert [line[9:].split(":")[0] for line in lines_of(out) if not line.startswith(OK)] == [
        "main", "GitHub Pages is deployed by the site workflow"]
    assert ", 2 missing, 0 wrong." in out


def test_classic_branch_protection_is_read_when_no_ruleset_applies(github):
    github.rulesets.clear()
    github.classic = {
        "required_status_checks": {"strict": False, "contexts": [REQUIRED_CHECK],
                                   "checks": [{"context": REQUIRED_CHECK, "app_id": GITHUB_ACTIONS_APP_ID}]},
        "required_pull_request_reviews": {"require_code_owner_reviews": True, "required_approving_review_count": 1},
        "enforce_admins": {"enabled": True}, "allow_force_pushes": {"enabled": True},
        "allow_deletions": {"enabled": False},
    }
    code, out, _err = doctor()
    assert code == 1
    assert item(out, "main (classic protection): changes only through a pull request").startswith(OK)
    assert item(out, "main (classic protection): a code owner must approve").startswith(OK)
    assert item(out, "main (classic protection): the submission check must pass").startswith(OK)
    assert item(out, "main (classic protection): force pushes are blocked").startswith(WRONG)
    assert item(out, "main (classic protection): the branch cannot be deleted").startswith(OK)
    assert "Replace it with a ruleset" in item(out, "main (classic protection): the postdesk App may push the ledger")
    assert github.requests_to("GET", r"/repos/example-agency/postdesk/branches/main/protection")


def test_without_a_codeowners_file_the_doctor_says_so(github, tmp_path):
    (tmp_path / "postdesk.toml").write_text((PROJECT / "postdesk.toml").read_text(encoding="utf-8"),
                                            encoding="utf-8")
    code, out, _err = doctor(repo=tmp_path)
    assert code == 1
    assert "postdesk codeowners --write" in item(out, ".github/CODEOWNERS names the reviewers")
    # no workflows here: the default environment is checked
    assert item(out, f"environment {ENV} exists").startswith(OK)


def test_a_disabled_network_needs_no_secrets(github, tmp_path):
    settings = (PROJECT / "postdesk.toml").read_text(encoding="utf-8")
    (tmp_path / "postdesk.toml").write_text(settings.replace('[channels.x]\n', '[channels.x]\nenabled = false\n'),
                                            encoding="utf-8")
    github.environments[ENV]["secrets"] = [name for name in github.environments[ENV]["secrets"]
                                           if not name.startswith("X_")]
    _code, out, _err = doctor(repo=tmp_path)
    assert "secrets for X" not in out


def test_another_environment_can_be_named(github):
    code, out, _err = doctor("--environment", "publish")
    assert code == 1
    assert item(out, "environment publish exists").startswith(MISSING)
    assert github.requests_to("GET", r"/repos/example-agency/postdesk/environments/publish")


# --------------------------------------------------------------------------- could not run: exit 2


def test_a_refused_token_stops_with_exit_2_and_no_traceback(github, monkeypatch):
    monkeypatch.setenv("GH_TOKEN", "ghp_someOtherTokenThatGitHubRefuses123")
    code, out, err = doctor()
    assert (code, out) == (2, "")
    assert "GitHub refused the token: Bad credentials" in err and "Traceback" not in err
    assert "ghp_someOtherTokenThatGitHubRefuses123" not in err


def test_a_403_names_the_permissions_doctor_needs(github):
    github.fail_next("GET", r"/repos/example-agency/postdesk/environments/.*/secrets",
                     routing_error(403, "Resource not accessible by personal access token"))
    code, out, err = doctor()
    assert (code, out) == (2, "")
    assert "Resource not accessible by personal access token" in err
    assert TOKEN_HINT.split(":")[0] in err and "Traceback" not in err


def test_a_repository_github_does_not_show_is_a_clear_error(github):
    code, out, err = doctor("--repo-name", "example-agency/elsewhere")
    assert (code, out) == (2, "")
    assert "GitHub has no repository example-agency/elsewhere, or the token cannot see it" in err


def test_a_404_on_one_setting_is_that_item_missing(github):
    github.fail_next("GET", r"/repos/example-agency/postdesk/actions/permissions/workflow",
                     routing_error(404, "Not Found"))
    code, out, _err = doctor()
    assert code == 1
    assert item(out, "GitHub Actions' workflow permissions").startswith(MISSING)


def test_an_unreachable_api_is_exit_2(monkeypatch):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("GH_TOKEN", TOKEN)
    monkeypatch.setenv(routing.API_URL_VARIABLE, f"http://127.0.0.1:{port}")
    code, out, err = doctor()
    assert (code, out) == (2, "")
    assert "could not connect" in err and "Traceback" not in err
    assert TOKEN not in err


def test_an_answer_that_is_not_json_is_exit_2(github):
    github.fail_next("GET", r"/repos/example-agency/postdesk", Reply(200, body=b"<html>a login page</html>"))
    code, out, err = doctor()
    assert (code, out) == (2, "")
    assert "the answer is not JSON" in err and routing.API_URL_VARIABLE in err and "Traceback" not in err


def test_a_server_error_is_exit_2(github):
    github.fail_next("GET", r"/repos/example-agency/postdesk/pages", routing_error(503, "Service Unavailable"),
                     times=5)
    code, _out, err = doctor()
    assert code == 2
    assert "GitHub answered 503" in err


@pytest.mark.parametrize(("env", "message"), [
    ({}, "No GitHub token: set GH_TOKEN or GITHUB_TOKEN"),
    ({"GITHUB_TOKEN": "ghp_has a space"}, "GITHUB_TOKEN contains a space at position 8"),
    ({"GH_TOKEN": "ghp_tab\tinside"}, "GH_TOKEN contains a tab at position 8"),
    ({"GH_TOKEN": "ghp_ünicode"}, "GH_TOKEN contains a character that is not plain ASCII"),
    ({"GH_TOKEN": "ghp_line\nbreak\n"}, "GH_TOKEN contains a line break at position 9"),
])
def test_a_missing_or_malformed_token_is_exit_2_without_showing_it(monkeypatch, env, message):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    code, out, err = doctor()
    assert (code, out) == (2, "")
    assert message in err
    for value in env.values():
        assert value not in err and value.split()[0] not in err


@pytest.mark.parametrize("name", ["example-agency", "a/b/c", "-agency/postdesk", "agency/..", "agency/post desk",
                                  "agency/postdesk?x=1", "ag--ency/postdesk", "/postdesk"])
def test_a_bad_repository_name_is_exit_2(github, name):
    code, out, err = doctor(f"--repo-name={name}")
    assert (code, out) == (2, "")
    assert "is not a GitHub repository written owner/name" in err
    assert not github.requests


def test_inputs_are_validated_once():
    assert str(parse_repo_name("example-agency/postdesk.site")) == "example-agency/postdesk.site"
    assert github_token({"GITHUB_TOKEN": "  ghp_abc\n", "GH_TOKEN": ""}) == "ghp_abc"
    assert github_token({"GITHUB_TOKEN": "ghp_second", "GH_TOKEN": "ghp_first"}) == "ghp_first"
    assert api_base_url({}) == "https://api.github.com"
    assert api_base_url({routing.API_URL_VARIABLE: "https://ghe.example.gov/api/v3/"}) == \
        "https://ghe.example.gov/api/v3"
    for refused in ("http://ghe.example.gov/api/v3",  # the token would travel in clear
                    "https://user:secret@ghe.example.gov/api/v3", "ftp://ghe.example.gov", "api.github.com"):
        with pytest.raises(routing.UsageError):
            api_base_url({routing.API_URL_VARIABLE: refused})


def test_the_output_masks_a_token_that_slips_into_a_message():
    items = [DoctorItem("something", WRONG, f"GitHub said {TOKEN}", "fix it")]
    text = format_items(items, secrets=(TOKEN,))
    assert TOKEN not in text and "***" in text


def test_a_token_echoed_cut_short_or_encoded_is_masked_too(github):
    from urllib.parse import quote

    github.fail_next("GET", r"/repos/example-agency/postdesk/pages",
                     routing_error(403, f"token {TOKEN[:14]}... (sent as {quote(TOKEN + '/', safe='')}) lacks pages"))
    code, _out, err = doctor()
    assert code == 2
    assert TOKEN[4:14] not in err and "token ***... (sent as ***) lacks pages" in err


def test_a_token_echoed_by_the_api_is_masked(github):
    github.fail_next("GET", r"/repos/example-agency/postdesk/pages", routing_error(403, f"token {TOKEN} lacks pages"))
    code, _out, err = doctor()
    assert code == 2
    assert TOKEN not in err and "token *** lacks pages" in err


def routing_error(status: int, message: str):
    from postdesk.fakes.github import github_error

    return github_error(status, message)


# --------------------------------------------------------------------------- (f) where the App's key must be

ROUTE = ("route-review.yml / route", None)
PUBLISH = ("publish.yml / approve", "publishing-bot")


def _key_item(repository: list[str], environments: dict[str, list[str]], jobs) -> DoctorItem:
    snapshots = {name: EnvironmentSnapshot({"name": name}, None, secrets) for name, secrets in environments.items()}
    app, key = app_items({"POSTDESK_APP_ID": str(APP_ID)}, repository, snapshots, jobs)
    assert app.status == OK
    return key


def test_the_app_key_must_be_readable_by_every_job_that_mints_the_token():
    assert _key_item([APP_KEY], {}, [ROUTE, PUBLISH]).status == OK  # a job with an environment reads both
    assert _key_item([], {"publishing-bot": [APP_KEY]}, [PUBLISH]).status == OK
    blind = _key_item([], {"publishing-bot": [APP_KEY]}, [ROUTE, PUBLISH])
    assert blind.status == WRONG and "not readable by route-review.yml / route (no environment)" in blind.detail
    assert "Repository secrets (the job has no environment)" in blind.fix
    assert _key_item([], {}, [ROUTE]).status == MISSING


def test_a_repository_key_is_wrong_when_every_job_has_an_environment():
    key = _key_item([APP_KEY], {"publishing-bot": [APP_KEY]}, [PUBLISH])
    assert key.status == WRONG and "a workflow on any branch could read it" in key.detail
    assert "delete POSTDESK_APP_PRIVATE_KEY" in key.fix


def test_the_jobs_that_mint_the_app_token_are_read_from_the_workflows():
    jobs = dict(app_key_jobs(PROJECT))
    assert "route-review.yml / route" in jobs


def test_an_environment_holding_the_app_key_is_limited_to_main():
    loose = EnvironmentSnapshot({"name": "publishing-bot", "deployment_branch_policy": None}, None, [APP_KEY])
    exists, policy = key_environment_items("publishing-bot", loose, branch="main")
    assert exists.status == OK and policy.status == WRONG and "Selected branches" in policy.fix
    [missing] = key_environment_items("publishing-bot", EnvironmentSnapshot(), branch="main")
    assert missing.status == MISSING
