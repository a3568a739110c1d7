"""``postdesk route-review`` against the loopback fake of GitHub's API: asked, refused and explained, stale."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
import yaml

from postdesk.cli import main
from postdesk.fakes.github import NOT_ACCESSIBLE, TOKEN, github_error
from postdesk.routing import MARKER, NotAsked, RepoName, Routing, refusal_comment, split_handles

from .conftest import PROJECT

SHA = "0123456789abcdef0123456789abcdef01234567"
OTHER_SHA = "fedcba9876543210fedcba9876543210fedcba98"
REVIEWS = r"/repos/example-agency/postdesk/pulls/\d+/requested_reviewers"
COMMENTS = r"/repos/example-agency/postdesk/issues/\d+/comments"
SETTINGS = """\
[editor]
repo = "example-agency/postdesk"
communications_team = "@example-agency/communications"
supervisors = { "Cole County Office" = "@example-agency/cole-county-supervisors @pat", \
"Boone County Office" = "@lee @jordan", "Greene County Office" = "@another-org/greene" }
"""


pytestmark = pytest.mark.usefixtures("github_offline")


@pytest.fixture
def github(fake_github):
    fake_github.add_pull(7, SHA, author="jordan")
    return fake_github


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "postdesk.toml").write_text(SETTINGS, encoding="utf-8")
    return tmp_path


def offices(tmp_path: Path, *names: str) -> str:
    path = tmp_path / "offices.json"
    path.write_text(json.dumps(list(names)), encoding="utf-8")
    return str(path)


def route(project: Path, *names: str, pr: str = "7", sha: str = SHA) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["--repo", str(project), "route-review", "--pr", pr, "--head-sha", sha,
                 offices(project, *names)], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


# --------------------------------------------------------------------------- asked


def test_users_and_teams_are_asked_in_one_request(github, project):
    code, out, err = route(project, "Cole County Office", "Boone County Office")
    assert (code, err) == (0, ""), out
    assert github.review_requests == [{"reviewers": ["pat", "lee"], "team_reviewers": ["cole-county-supervisors"]}]
    assert len(github.requests_to("POST", REVIEWS)) == 1
    assert "Asked to review pull request 7: @pat, @lee, @example-agency/cole-county-supervisors" in out
    assert "note: @jordan opened the pull request and cannot review it" in out
    assert github.comments.get(7, []) == []  # nothing to explain: no comment
    assert TOKEN not in out + err


def test_the_real_settings_route_to_the_supervisor_teams(github, tmp_path):
    out, err = io.StringIO(), io.StringIO()
    code = main(["--repo", str(PROJECT), "route-review", "--pr", "7", "--head-sha", SHA,
                 offices(tmp_path, "Cole County Office")], stdout=out, stderr=err)
    assert code == 0, out.getvalue() + err.getvalue()
    assert github.review_requests == [{"reviewers": [], "team_reviewers": ["cole-county-supervisors"]}]


def test_an_office_without_supervisors_asks_nobody(github, project, capsys):
    code, out, _err = route(project, "Mars Office")
    assert code == 0
    assert not github.requests_to("POST", REVIEWS)
    assert "Nobody to ask for pull request 7" in out
    # said as `postdesk reviewers` says it (the same code)
    assert "no supervisors configured for the office 'Mars Office'" in capsys.readouterr().err


# --------------------------------------------------------------------------- refused: visible on the pull request


def test_a_refusal_is_explained_on_the_pull_request_and_exits_1(github, project):
    github.refuse_teams = NOT_ACCESSIBLE  # what GitHub answers the workflow's own token
    code, out, _err = route(project, "Cole County Office")
    assert code == 1
    [comment] = github.comments[7]
    body = comment["body"]
    assert body.startswith(MARKER)
    assert "`@example-agency/cole-county-supervisors`" in body and "`@pat`" in body
    assert f"GitHub answered 403:\n\n```text\n{NOT_ACCESSIBLE}\n```" in body
    for fix in ("Install the postdesk GitHub App", "Pull requests: Read and write", "Members: Read-only",
                "POSTDESK_APP_ID", "POSTDESK_APP_PRIVATE_KEY", "postdesk doctor"):
        assert fix in body
    assert not re.search(r"(?<!`)@example-agency/", body)  # named in code spans: the teams are not notified
    assert "NOT ASKED: could not ask @pat, @example-agency/cole-county-supervisors to review pull request 7" in out
    assert f"(GitHub 403: {NOT_ACCESSIBLE})" in out and comment["html_url"] in out
    assert TOKEN not in out + body

    # a second run updates the same comment instead of adding another
    code, _out, _err = route(project, "Cole County Office")
    assert code == 1
    assert len(github.comments[7]) == 1 and github.requests_to("PATCH", r".*/issues/comments/\d+")

    # once the App is set up, the next run asks them and says the warning is over
    github.refuse_teams = ""
    code, out, _err = route(project, "Cole County Office")
    assert code == 0
    assert github.review_requests == [{"reviewers": ["pat"], "team_reviewers": ["cole-county-supervisors"]}]
    [comment] = github.comments[7]
    assert comment["body"].startswith(f"{MARKER}\n### Review routing: fixed")


def test_a_422_is_explained_with_githubs_words(github, project):
    github.collaborators.discard("lee")
    code, out, _err = route(project, "Boone County Office")
    assert code == 1
    [comment] = github.comments[7]
    assert "GitHub answered 422" in comment["body"]
    assert "Reviews may only be requested from collaborators" in comment["body"]
    assert "`@lee`: GitHub refused the request" in comment["body"]
    assert "GitHub 422" in out


def test_a_team_of_another_organisation_is_not_sent_and_is_explained(github, project):
    code, out, _err = route(project, "Cole County Office", "Greene County Office")
    assert code == 1
    # the others were still asked; the foreign slug was never sent as if it were this organisation's
    assert github.review_requests == [{"reviewers": ["pat"], "team_reviewers": ["cole-county-supervisors"]}]
    [comment] = github.comments[7]
    assert "`@another-org/greene`: a team of another organisation than example-agency" in comment["body"]
    assert "GitHub answered" not in comment["body"]
    assert "Asked to review pull request 7: @pat, @example-agency/cole-county-supervisors" in out


def test_on_github_the_refusal_is_an_error_annotation(github, project, monkeypatch):
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    github.refuse_teams = NOT_ACCESSIBLE
    code, out, _err = route(project, "Cole County Office")
    assert code == 1
    assert "::error title=postdesk route-review::could not ask" in out


def test_a_comment_someone_else_wrote_with_the_marker_is_left_alone(github, project):
    forged = github.add_comment(7, f"{MARKER}\nlooks like postdesk", user={"login": "mallory", "type": "User"})
    github.refuse_teams = NOT_ACCESSIBLE
    code, _out, _err = route(project, "Cole County Office")
    assert code == 1
    assert forged["body"] == f"{MARKER}\nlooks like postdesk"
    assert len(github.comments[7]) == 2 and github.comments[7][1]["user"]["type"] == "Bot"


def test_when_even_the_comment_is_refused_both_reasons_reach_the_log(github, project):
    github.refuse_teams = NOT_ACCESSIBLE
    github.fail_next("POST", COMMENTS, github_error(403, NOT_ACCESSIBLE))
    code, out, err = route(project, "Cole County Office")
    assert code == 2 and out == ""
    assert "could not be asked to review (GitHub: Resource not accessible by integration)" in err
    assert "the explanation could not be posted on pull request 7" in err and "Traceback" not in err


def test_githubs_message_cannot_break_out_of_the_comment():
    hostile = "no ``` </details><script>alert(1)</script> @example-agency/everyone [x](https://evil.example)\u0007"
    body = refusal_comment(Routing(7, not_asked=(NotAsked("@pat", "refused"),), status=422, message=hostile),
                           repo=RepoName("example-agency", "postdesk"))
    fence = "````"  # longer than any run of backticks in the message
    start = body.index(f"{fence}text\n") + len(fence) + 5
    end = body.index(f"\n{fence}\n", start)
    assert body[start:end] == hostile.replace("\u0007", " ")
    outside = body[:start] + body[end:]
    assert "<script>" not in outside and "@example-agency/everyone" not in outside
    assert len(refusal_comment(Routing(7, status=422, message="x" * 100_000),
                               repo=RepoName("example-agency", "postdesk"))) < 65_536


def test_handles_are_split_into_users_and_teams_of_the_owner():
    users, teams, not_asked, notes = split_handles(
        ["@pat", "@Example-Agency/cole", "@other/team", "@pat", "@jordan", "@bad name"], owner="example-agency",
        author="Jordan")
    assert (users, teams) == (["pat"], ["cole"])
    assert [item.handle for item in not_asked] == ["@other/team", "@bad name"]
    assert notes == ["@jordan opened the pull request and cannot review it"]


# --------------------------------------------------------------------------- nothing is asked: exit 2


@pytest.mark.parametrize(("change", "message"), [
    (lambda f: f.pulls.pop(7), "has no pull request 7"),
    (lambda f: f.pulls[7].update(state="closed"), "Pull request 7 is closed"),
    (lambda f: f.pulls[7]["head"].update(sha=OTHER_SHA), "Pull request 7 is now at fedcba987654, not 0123456789ab"),
])
def test_a_pull_request_not_open_at_the_checked_commit_is_left_alone(github, project, change, message):
    change(github)
    code, out, err = route(project, "Cole County Office")
    assert (code, out) == (2, "")
    assert message in err
    assert not github.requests_to("POST", REVIEWS) and not github.requests_to("POST", COMMENTS)


def test_a_refused_token_is_exit_2(github, project, monkeypatch):
    monkeypatch.setenv("GH_TOKEN", "ghs_notTheInstallationToken0000000000")
    code, _out, err = route(project, "Cole County Office")
    assert code == 2
    assert "GitHub refused the token: Bad credentials" in err
    assert "ghs_notTheInstallationToken0000000000" not in err


@pytest.mark.parametrize(("pr", "sha", "message"), [
    ("7; rm -rf /", SHA, "is not a pull request number"),
    ("0", SHA, "is not a pull request number"),
    ("1234567890", SHA, "is not a pull request number"),
    ("7", "HEAD", "is not a full commit id"),
    ("7", SHA[:12], "is not a full commit id"),
])
def test_bad_arguments_are_exit_2_before_any_request(github, project, pr, sha, message):
    code, _out, err = route(project, "Cole County Office", pr=pr, sha=sha)
    assert code == 2
    assert message in err
    assert not github.requests


def test_a_bad_offices_file_is_exit_2(github, project):
    (project / "offices.json").write_text('{"office": "x"}', encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    code = main(["--repo", str(project), "route-review", "--pr", "7", "--head-sha", SHA,
                 str(project / "offices.json")], stdout=out, stderr=err)
    assert code == 2 and "offices.json must be a list" in err.getvalue()
    assert not github.requests


# --------------------------------------------------------------------------- the workflow


def test_the_routing_workflow_asks_as_the_app_with_least_privilege():
    text = (PROJECT / ".github/workflows/route-review.yml").read_text(encoding="utf-8")
    workflow = yaml.safe_load(text)
    assert workflow["permissions"] == {}
    job = workflow["jobs"]["route"]
    assert job["permissions"] == {"actions": "read", "contents": "read", "pull-requests": "write"}
    steps = {step.get("id", step.get("name", "")): step for step in job["steps"]}
    mint = steps["app-token"]
    assert re.fullmatch(r"actions/create-github-app-token@[0-9a-f]{40}", mint["uses"])
    assert re.search(r"create-github-app-token@[0-9a-f]{40} # v\d+\.\d+\.\d+", text)
    assert mint["with"]["client-id"] == "${{ vars.POSTDESK_APP_ID }}"
    assert mint["with"]["private-key"] == "${{ secrets.POSTDESK_APP_PRIVATE_KEY }}"
    assert mint["with"]["permission-pull-requests"] == "write" and mint["with"]["permission-members"] == "read"
    assert mint["continue-on-error"] is True  # without the App, the next step still explains it on the pull request
    request = steps["Request the office supervisors' review"]
    assert request["env"]["GH_TOKEN"] == "${{ steps.app-token.outputs.token || github.token }}"
    assert 'postdesk route-review --repo-name "$REPO" --pr "$number" --head-sha "$HEAD_SHA"' in request["run"]
    assert "^[0-9]{1,9}$" in request["run"]
    secret_steps = [step for step in job["steps"] if "secrets." in str(step)]
    assert secret_steps == [mint]
    install = steps["Install postdesk (the default branch's)"]["run"]
    assert "--require-hashes -r requirements/run.txt" in install and "--no-build-isolation ." in install


def test_codeowners_command_writes_the_file_the_guide_asks_for(repo, capsys):
    from postdesk.editor import codeowners_text

    assert main(["--repo", str(repo.root), "codeowners", "--write"]) == 0
    written = (repo.root / ".github/CODEOWNERS").read_text(encoding="utf-8")
    assert written == codeowners_text(repo.config)
    assert "@example-agency/cole-county-supervisors" in written
