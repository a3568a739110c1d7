"""A loopback fake of the parts of GitHub's REST API that ``postdesk doctor`` and ``route-review`` use.

It starts as a CORRECT setup of ``example-agency/postdesk`` (the repository in postdesk.toml):

* one active ruleset on ``main`` (:data:`RULESET_ID`) asking for a pull request with a code
  owner's review, the submission check (``check``, from GitHub Actions), no force pushes and
  no deletion, with the postdesk App (:data:`APP_ID`) on its bypass list;
* the communications team with write access and the supervisors' teams with read access;
* the ``social-accounts`` environment, deployable from ``main`` only, holding every network's
  secrets, and no network secret at repository level;
* Pages built by a workflow, Actions unable to approve pull requests, a read-only default token;
* the App's ID as the variable ``POSTDESK_APP_ID`` and its key as the repository secret
  ``POSTDESK_APP_PRIVATE_KEY`` (:meth:`FakeGitHub.keep_app_key_for` moves it to where given jobs read it).

Its state is plain attributes a test changes to break one part (``fake.rulesets[RULESET_ID]``,
``fake.environments``, ``fake.pages = None``...). Answers have GitHub's shapes: JSON objects
with ``message``, ``documentation_url`` and ``status`` for errors, 404 for what is missing
or hidden, 401 ``Bad credentials`` for any other token than :attr:`FakeGitHub.token`.

For review routing it holds pull requests (:meth:`FakeGitHub.add_pull`), their comments and
the review requests it accepted; :attr:`FakeGitHub.refuse_teams` makes it answer a request
naming a team the way GitHub answers the workflow's own token: 403 "Resource not accessible
by integration". Every request is recorded (see :class:`~postdesk.fakes.server.FakeServer`).
"""

from __future__ import annotations

import copy
import itertools
import json
import re
from typing import Any, Self

from ..channels import credential_names
from ..model import CHANNELS
from ..routing import API_URL_VARIABLE
from .server import FakeServer, Recorded, Reply

TOKEN = "ghp_fakePostdeskDoctorToken0123456789abcd"
"""The one token the fake accepts; no message or output may ever contain it."""
OWNER = "example-agency"
REPO = "postdesk"
BRANCH = "main"
ENVIRONMENT = "social-accounts"
RULESET_ID = 42
APP_ID = 1234567
APP_SLUG = "postdesk-bot"
GITHUB_ACTIONS_APP_ID = 15368
APP_KEY = "POSTDESK_APP_PRIVATE_KEY"
DOCS = "https://docs.github.com/rest"
REPOSITORY_JSON = "application/vnd.github.v3.repository+json"
NOT_ACCESSIBLE = "Resource not accessible by integration"
"""What GitHub answers the workflow's own token when it asks a team to review."""
NOT_COLLABORATOR = ("Reviews may only be requested from collaborators. One or more of the users or teams you "
                    "specified is not a collaborator of the {repo} repository.")

_ROLES = {
    "read": {"admin": False, "maintain": False, "push": False, "triage": False, "pull": True},
    "triage": {"admin": False, "maintain": False, "push": False, "triage": True, "pull": True},
    "write": {"admin": False, "maintain": False, "push": True, "triage": True, "pull": True},
    "maintain": {"admin": False, "maintain": True, "push": True, "triage": True, "pull": True},
    "admin": {"admin": True, "maintain": True, "push": True, "triage": True, "pull": True},
}


def github_error(status: int, message: str, **extra: Any) -> Reply:
    """An error the way GitHub writes it."""
    return Reply(status, {"message": message, "documentation_url": DOCS, "status": str(status), **extra})


def network_secret_names() -> list[str]:
    """Every secret name the networks' clients read (all alternatives)."""
    return sorted({name for channel in CHANNELS for names in credential_names(channel) for name in names})


def correct_rules() -> list[dict[str, Any]]:
    """The rules of the correct ruleset on main."""
    return [
        {"type": "deletion"},
        {"type": "non_fast_forward"},
        {"type": "pull_request", "parameters": {
            "required_approving_review_count": 1, "dismiss_stale_reviews_on_push": True,
            "require_code_owner_review": True, "require_last_push_approval": False,
            "required_review_thread_resolution": False, "allowed_merge_methods": ["squash", "merge"]}},
        {"type": "required_status_checks", "parameters": {
            "strict_required_status_checks_policy": False, "do_not_enforce_on_create": False,
            "required_status_checks": [{"context": "check", "integration_id": GITHUB_ACTIONS_APP_ID}]}},
    ]


class FakeGitHub(FakeServer):
    """GitHub's REST API on 127.0.0.1, set up correctly until a test changes it."""

    def __init__(self, *, owner: str = OWNER, repo: str = REPO, token: str = TOKEN) -> None:
        super().__init__()
        self.owner, self.repo, self.token = owner, repo, token
        self.full_name = f"{owner}/{repo}"
        self.rulesets: dict[int, dict[str, Any]] = {RULESET_ID: {
            "id": RULESET_ID, "name": "Protect main", "target": "branch", "source_type": "Repository",
            "source": self.full_name, "enforcement": "active",
            "conditions": {"ref_name": {"include": ["~DEFAULT_BRANCH"], "exclude": []}},
            "rules": correct_rules(),
            "bypass_actors": [{"actor_id": APP_ID, "actor_type": "Integration", "bypass_mode": "always"}],
            "current_user_can_bypass": "never",
        }}
        self.classic: dict[str, Any] | None = None
        """Classic branch protection of main (None: "Branch not protected")."""
        self.teams: dict[str, str] = {"communications": "write", "cole-county-supervisors": "read",
                                      "boone-county-supervisors": "read"}
        """Team slug -> its role on the repository ("" for a team without access)."""
        self.team_members: dict[str, list[str]] = {"communications": ["casey"], "cole-county-supervisors": ["pat"],
                                                   "boone-county-supervisors": ["lee"]}
        self.collaborators: set[str] = {"casey", "pat", "lee", "jordan"}
        self.codeowners_errors: list[dict[str, Any]] = []
        self.environments: dict[str, dict[str, Any]] = {ENVIRONMENT: {
            "deployment_branch_policy": {"protected_branches": False, "custom_branch_policies": True},
            "branch_policies": [{"id": 1, "name": "main", "type": "branch"}],
            "secrets": network_secret_names(),
        }}
        """Environment name -> its deployment branch policy, branch policies and secret names."""
        self.secrets: list[str] = [APP_KEY]
        """Repository secrets (names)."""
        self.variables: dict[str, str] = {"POSTDESK_APP_ID": str(APP_ID)}
        """Repository variables."""
        self.pages: dict[str, Any] | None = {
            "url": f"/repos/{self.full_name}/pages", "status": "built", "cname": None, "custom_404": False,
            "html_url": f"https://{owner}.github.io/{repo}/", "build_type": "workflow",
            "source": {"branch": "main", "path": "/"}, "public": True, "https_enforced": True}
        self.workflow_permissions: dict[str, Any] = {"default_workflow_permissions": "read",
                                                     "can_approve_pull_request_reviews": False}
        self.pulls: dict[int, dict[str, Any]] = {}
        self.comments: dict[int, list[dict[str, Any]]] = {}
        self.review_requests: list[dict[str, Any]] = []
        """The bodies of the review requests the fake accepted."""
        self.refuse_teams = ""
        """When set, a review request naming a team is refused with 403 and this message."""
        self.bot = {"login": f"{APP_SLUG}[bot]", "id": 99, "type": "Bot"}
        """Who writes the comments made through the API."""
        self._comment_ids = itertools.count(1001)
        self._add_routes()

    def start(self) -> Self:
        super().start()
        assert self._server is not None
        handler = self._server.RequestHandlerClass
        # GitHub edits comments with PATCH; the shared fake answers GET, POST, PUT and DELETE.
        handler.do_PATCH = handler.do_GET  # type: ignore[attr-defined]
        return self

    def env(self) -> dict[str, str]:
        """The environment ``postdesk doctor`` and ``route-review`` need to talk to this fake."""
        return {"GH_TOKEN": self.token, API_URL_VARIABLE: self.url}

    # ------------------------------------------------------------------ helpers for tests

    def rule(self, kind: str, ruleset: int = RULESET_ID) -> dict[str, Any] | None:
        """The rule of type ``kind`` in a ruleset (to change), or None."""
        return next((rule for rule in self.rulesets[ruleset]["rules"] if rule["type"] == kind), None)

    def drop_rule(self, kind: str, ruleset: int = RULESET_ID) -> None:
        self.rulesets[ruleset]["rules"] = [rule for rule in self.rulesets[ruleset]["rules"] if rule["type"] != kind]

    def keep_app_key_for(self, jobs: list[tuple[str, str | None]]) -> None:
        """Keep the App's key where each job that mints its token can read it, and only there.

        ``jobs`` are ``(workflow / job, environment or None)`` as :func:`postdesk.doctor.app_key_jobs`
        reads them: a job without an environment needs a repository secret; each environment
        named is created (deployable from main only) holding the key.
        """
        self.secrets = [name for name in self.secrets if name != APP_KEY]
        if any(environment is None for _job, environment in jobs):
            self.secrets.append(APP_KEY)
        for _job, environment in jobs:
            if environment is None:
                continue
            made = self.environments.setdefault(environment, {
                "deployment_branch_policy": {"protected_branches": False, "custom_branch_policies": True},
                "branch_policies": [{"id": 1, "name": "main", "type": "branch"}], "secrets": []})
            if APP_KEY not in made["secrets"]:
                made["secrets"].append(APP_KEY)

    def add_pull(self, number: int, head_sha: str, *, author: str = "jordan", state: str = "open") -> None:
        self.pulls[number] = {"number": number, "state": state, "head": {"sha": head_sha, "ref": "submission"},
                              "base": {"ref": "main"}, "user": {"login": author, "type": "User"},
                              "requested_reviewers": [], "requested_teams": [],
                              "html_url": f"https://github.com/{self.full_name}/pull/{number}"}

    def add_comment(self, number: int, body: str, *, user: dict[str, Any] | None = None) -> dict[str, Any]:
        comment = {"id": next(self._comment_ids), "body": body, "user": dict(user or self.bot),
                   "html_url": f"https://github.com/{self.full_name}/pull/{number}#issuecomment-0"}
        comment["html_url"] = comment["html_url"][:-1] + str(comment["id"])
        self.comments.setdefault(number, []).append(comment)
        return comment

    # ------------------------------------------------------------------ routes

    def _add_routes(self) -> None:
        repo = rf"/repos/{re.escape(self.owner)}/{re.escape(self.repo)}"
        get = [
            (repo, self._repository),
            (rf"{repo}/rules/branches/(?P<branch>[^/]+)", self._branch_rules),
            (rf"{repo}/rulesets/(?P<id>\d+)", self._ruleset),
            (rf"{repo}/branches/(?P<branch>[^/]+)/protection", self._classic),
            (rf"{repo}/codeowners/errors", self._codeowners_errors),
            (r"/orgs/(?P<org>[^/]+)/teams/(?P<slug>[^/]+)", self._team),
            (r"/orgs/(?P<org>[^/]+)/teams/(?P<slug>[^/]+)/repos/(?P<o>[^/]+)/(?P<r>[^/]+)", self._team_repo),
            (rf"{repo}/environments/(?P<env>[^/]+)", self._environment),
            (rf"{repo}/environments/(?P<env>[^/]+)/deployment-branch-policies", self._branch_policies),
            (rf"{repo}/environments/(?P<env>[^/]+)/secrets", self._environment_secrets),
            (rf"{repo}/actions/secrets", self._repository_secrets),
            (rf"{repo}/actions/variables", self._variables),
            (rf"{repo}/pages", self._pages),
            (rf"{repo}/actions/permissions/workflow", self._workflow_permissions),
            (rf"{repo}/pulls/(?P<n>\d+)", self._pull),
            (rf"{repo}/issues/(?P<n>\d+)/comments", self._list_comments),
        ]
        for pattern, handler in get:
            self.route("GET", pattern, self._authorised(handler))
        self.route("POST", rf"{repo}/pulls/(?P<n>\d+)/requested_reviewers", self._authorised(self._request_reviews))
        self.route("POST", rf"{repo}/issues/(?P<n>\d+)/comments", self._authorised(self._create_comment))
        self.route("PATCH", rf"{repo}/issues/comments/(?P<id>\d+)", self._authorised(self._edit_comment))

    def _authorised(self, handler: Any) -> Any:
        def check(request: Recorded, match: re.Match[str]) -> Reply:
            sent = request.headers.get("authorization", "")
            if sent not in (f"Bearer {self.token}", f"token {self.token}"):
                return github_error(401, "Bad credentials")
            return handler(request, match)  # type: ignore[no-any-return]

        return check

    def _repository(self, request: Recorded, match: re.Match[str]) -> Reply:
        return Reply(200, self._repo_json())

    def _repo_json(self) -> dict[str, Any]:
        return {"id": 500, "name": self.repo, "full_name": self.full_name, "private": True,
                "owner": {"login": self.owner, "type": "Organization"}, "default_branch": BRANCH}

    def _branch_rules(self, request: Recorded, match: re.Match[str]) -> Reply:
        rules = []
        for ruleset in self.rulesets.values():
            if ruleset.get("enforcement") != "active" or ruleset.get("target") != "branch":
                continue
            include = ruleset.get("conditions", {}).get("ref_name", {}).get("include", [])
            if match["branch"] != BRANCH and f"refs/heads/{match['branch']}" not in include:
                continue
            for rule in ruleset["rules"]:
                rules.append({**copy.deepcopy(rule), "ruleset_source_type": ruleset["source_type"],
                              "ruleset_source": ruleset["source"], "ruleset_id": ruleset["id"]})
        return Reply(200, rules)

    def _ruleset(self, request: Recorded, match: re.Match[str]) -> Reply:
        ruleset = self.rulesets.get(int(match["id"]))
        return Reply(200, ruleset) if ruleset else github_error(404, "Not Found")

    def _classic(self, request: Recorded, match: re.Match[str]) -> Reply:
        if self.classic is None or match["branch"] != BRANCH:
            return github_error(404, "Branch not protected")
        return Reply(200, self.classic)

    def _codeowners_errors(self, request: Recorded, match: re.Match[str]) -> Reply:
        return Reply(200, {"errors": self.codeowners_errors})

    def _team(self, request: Recorded, match: re.Match[str]) -> Reply:
        if match["org"] != self.owner or match["slug"] not in self.teams:
            return github_error(404, "Not Found")
        slug = match["slug"]
        return Reply(200, {"id": 100 + list(self.teams).index(slug), "slug": slug,
                           "name": slug.replace("-", " ").title(),
                           "privacy": "closed", "permission": "pull",
                           "members_count": len(self.team_members.get(slug, [])),
                           "organization": {"login": self.owner}})

    def _team_repo(self, request: Recorded, match: re.Match[str]) -> Reply:
        role = self.teams.get(match["slug"], "") if match["org"] == self.owner else ""
        if not role or (match["o"], match["r"]) != (self.owner, self.repo):
            return github_error(404, "Not Found")
        if request.headers.get("accept") != REPOSITORY_JSON:
            return Reply(204)
        return Reply(200, {**self._repo_json(), "role_name": role, "permissions": _ROLES[role]})

    def _environment(self, request: Recorded, match: re.Match[str]) -> Reply:
        environment = self.environments.get(match["env"])
        if environment is None:
            return github_error(404, "Not Found")
        return Reply(200, {"id": 7, "name": match["env"], "protection_rules": [],
                           "deployment_branch_policy": environment.get("deployment_branch_policy")})

    def _branch_policies(self, request: Recorded, match: re.Match[str]) -> Reply:
        environment = self.environments.get(match["env"])
        if environment is None:
            return github_error(404, "Not Found")
        policies = environment.get("branch_policies", [])
        return Reply(200, {"total_count": len(policies), "branch_policies": policies})

    def _environment_secrets(self, request: Recorded, match: re.Match[str]) -> Reply:
        environment = self.environments.get(match["env"])
        if environment is None:
            return github_error(404, "Not Found")
        return self._page_of(request, "secrets", [_secret(name) for name in environment.get("secrets", [])])

    def _repository_secrets(self, request: Recorded, match: re.Match[str]) -> Reply:
        return self._page_of(request, "secrets", [_secret(name) for name in self.secrets])

    def _variables(self, request: Recorded, match: re.Match[str]) -> Reply:
        items = [{"name": name, "value": value, "created_at": "2026-01-05T10:00:00Z",
                  "updated_at": "2026-01-05T10:00:00Z"} for name, value in self.variables.items()]
        return self._page_of(request, "variables", items)

    def _pages(self, request: Recorded, match: re.Match[str]) -> Reply:
        return Reply(200, self.pages) if self.pages is not None else github_error(404, "Not Found")

    def _workflow_permissions(self, request: Recorded, match: re.Match[str]) -> Reply:
        return Reply(200, self.workflow_permissions)

    def _pull(self, request: Recorded, match: re.Match[str]) -> Reply:
        pull = self.pulls.get(int(match["n"]))
        return Reply(200, pull) if pull else github_error(404, "Not Found")

    def _list_comments(self, request: Recorded, match: re.Match[str]) -> Reply:
        if int(match["n"]) not in self.pulls:
            return github_error(404, "Not Found")
        return self._page_of(request, None, self.comments.get(int(match["n"]), []))

    def _request_reviews(self, request: Recorded, match: re.Match[str]) -> Reply:
        pull = self.pulls.get(int(match["n"]))
        if pull is None:
            return github_error(404, "Not Found")
        body = request.json() or {}
        users, teams = list(body.get("reviewers", [])), list(body.get("team_reviewers", []))
        if self.refuse_teams and teams:
            return github_error(403, self.refuse_teams)
        if pull["user"]["login"] in users:
            return github_error(422, "Review cannot be requested from pull request author.")
        if any(user not in self.collaborators for user in users) or any(not self.teams.get(t) for t in teams):
            return github_error(422, NOT_COLLABORATOR.format(repo=self.full_name))
        self.review_requests.append(body)
        pull["requested_reviewers"] += [{"login": user, "type": "User"} for user in users]
        pull["requested_teams"] += [{"slug": slug, "name": slug} for slug in teams]
        return Reply(201, pull)

    def _create_comment(self, request: Recorded, match: re.Match[str]) -> Reply:
        number = int(match["n"])
        body = (request.json() or {}).get("body")
        if number not in self.pulls:
            return github_error(404, "Not Found")
        if not isinstance(body, str) or not body or len(body) > 65_536:
            return github_error(422, "Validation Failed", errors=[{"resource": "IssueComment", "field": "body",
                                                                   "code": "invalid"}])
        return Reply(201, self.add_comment(number, body))

    def _edit_comment(self, request: Recorded, match: re.Match[str]) -> Reply:
        comment_id = int(match["id"])
        for comment in itertools.chain.from_iterable(self.comments.values()):
            if comment["id"] == comment_id:
                if comment["user"].get("login") != self.bot["login"]:
                    return github_error(403, NOT_ACCESSIBLE)
                comment["body"] = (request.json() or {}).get("body", comment["body"])
                return Reply(200, comment)
        return github_error(404, "Not Found")

    @staticmethod
    def _page_of(request: Recorded, key: str | None, items: list[Any]) -> Reply:
        """One page of a list, as GitHub pages them (``per_page`` up to 100, ``page`` from 1)."""
        per_page = min(int(request.param("per_page") or 30), 100)
        page = max(int(request.param("page") or 1), 1)
        chunk = items[(page - 1) * per_page:page * per_page]
        payload: Any = chunk if key is None else {"total_count": len(items), key: chunk}
        return Reply(200, json.loads(json.dumps(payload)))


def _secret(name: str) -> dict[str, str]:
    return {"name": name, "created_at": "2026-01-05T10:00:00Z", "updated_at": "2026-01-05T10:00:00Z"}
