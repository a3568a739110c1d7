"""``postdesk doctor``: is the live GitHub setup the one postdesk's safety rests on?

postdesk's guarantees are only as good as the repository's settings: a submission reaches
``main`` only through a reviewed pull request that passed the check, the network secrets
reach only workflows running ``main``'s code, the site is deployed by its workflow, and the
postdesk GitHub App can ask teams to review and push the ledger. None of this is in the
files of the repository, so it is checked against GitHub's REST API. The order:

1. what the setup SHOULD be is read from this repository: ``postdesk.toml`` (the repository,
   the branch, the networks in use, the supervisors' teams), ``.github/CODEOWNERS`` (the code
   owner teams) and the workflows that hold the network secrets (the environment's name);
2. :func:`gather` reads what it IS into a :class:`Snapshot`: GitHub's JSON as it came,
   ``None`` where GitHub answered 404 (missing, or hidden from the token);
3. pure functions turn the snapshot into :class:`DoctorItem` values, each ``ok``, ``missing``
   or ``wrong`` with a sentence saying how to fix it; :func:`diagnose` lists them all.

Only names of secrets are read, never values (GitHub's API does not give them). The token is
never printed: messages come from GitHub's error text, with the token masked.
Items: main's ruleset (a), the code owner and review teams (b), the secrets' environment (c),
Pages (d), what GitHub Actions may do (e), the App's variable and secret (f).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import yaml

from .channels import credential_names
from .channels.base import RetryPolicy, redact
from .config import Config
from .editor import CODEOWNERS
from .errors import AuthFailed, UsageError
from .model import CHANNEL_LABELS, CHANNELS
from .routing import (
    APP_ID_VARIABLE,
    APP_KEY_SECRET,
    NEEDS_ACTIONS_APPROVAL,
    GitHubApi,
    RepoName,
    segment,
)

OK, MISSING, WRONG = "ok", "missing", "wrong"

REQUIRED_CHECK = "check"
"""The status check ``main`` must require: the ``check`` job of submission-check.yml.

GitHub SHOWS it as "Submission check / check" (workflow name / job name), but a ruleset or a
branch protection matches the check run's NAME, and a GitHub Actions check run is named after
its job: "check". A rule requiring "Submission check / check" waits forever for a check that
never reports. Renaming the job (or giving it a ``name:``) means changing this and the rule.
"""
REQUIRED_CHECK_SHOWN = "Submission check / check"
"""How GitHub's pages show :data:`REQUIRED_CHECK`, the name people look for in the settings."""
GITHUB_ACTIONS_APP_ID = 15368
"""The GitHub App behind every workflow's own token (``integration_id`` of Actions' check runs)."""
DEFAULT_ENVIRONMENT = "social-accounts"
"""The environment holding the network secrets when the workflows name none (post.yml and monitor.yml use it)."""
SECRET_WORKFLOWS = (".github/workflows/post.yml", ".github/workflows/monitor.yml")
"""The workflows that read the network secrets: their jobs' ``environment`` is the one checked."""
ROUTE_REVIEW_JOB = "route-review.yml / route"
"""The job that asks for reviews as the App (assumed when the workflows cannot be read)."""
UNBLOCKING_RULES = frozenset({"deletion", "non_fast_forward"})
"""Rule types that never stop the App's fast-forward pushes of the ledger (no bypass needed for them)."""
TOKEN_HINT = ("doctor reads repository settings: use a token of a repository administrator, e.g. a classic "
              "token with the repo and read:org scopes, or a fine-grained token with Administration, "
              "Environments, Secrets, Variables and Pages read on the repository and Members read on the "
              "organisation.")

_RULESET_FIX = "Settings > Rules > Rulesets > the ruleset targeting {branch}"


@dataclass(frozen=True)
class DoctorItem:
    """One thing checked: ``status`` is ``ok``, ``missing`` or ``wrong``; ``fix`` says what to do."""

    name: str
    status: str
    detail: str = ""
    fix: str = ""


@dataclass(frozen=True)
class Expected:
    """What the setup should be, from postdesk.toml and this repository's own files."""

    repo: RepoName
    branch: str = "main"
    environments: tuple[str, ...] = (DEFAULT_ENVIRONMENT,)
    code_owner_teams: tuple[str, ...] = ()
    """``@org/slug`` of every team owning a path in CODEOWNERS (they need write access)."""
    review_teams: tuple[str, ...] = ()
    """``@org/slug`` of the supervisors' teams route-review asks (they need read access)."""
    channels: Mapping[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)
    """Each network in use -> the alternative sets of secrets its client works with."""
    network_secrets: tuple[str, ...] = ()
    """Every secret name any network client reads."""
    codeowners_found: bool = True
    app_key_jobs: tuple[tuple[str, str | None], ...] = ((ROUTE_REVIEW_JOB, None),)
    """``(workflow / job, its environment or None)`` of every job that mints the App's token."""

    @property
    def all_environments(self) -> tuple[str, ...]:
        """The network secrets' environments and those of the jobs that read the App's key."""
        return tuple(dict.fromkeys((*self.environments, *(env for _job, env in self.app_key_jobs if env))))


@dataclass(frozen=True)
class EnvironmentSnapshot:
    """One environment as GitHub answered: None where it answered 404."""

    environment: dict[str, Any] | None = None
    branch_policies: list[dict[str, Any]] | None = None
    secrets: list[str] | None = None


@dataclass(frozen=True)
class Snapshot:
    """GitHub's answers, as JSON; ``None`` where GitHub answered 404."""

    branch_rules: list[dict[str, Any]] = field(default_factory=list)
    rulesets: Mapping[int, dict[str, Any] | None] = field(default_factory=dict)
    classic: dict[str, Any] | None = None
    codeowners_errors: dict[str, Any] | None = None
    teams: Mapping[str, tuple[dict[str, Any] | None, dict[str, Any] | None]] = field(default_factory=dict)
    """``@org/slug`` -> (the team, the repository as the team sees it with its permissions)."""
    environments: Mapping[str, EnvironmentSnapshot] = field(default_factory=dict)
    repository_secrets: list[str] = field(default_factory=list)
    variables: Mapping[str, str] = field(default_factory=dict)
    pages: dict[str, Any] | None = None
    workflow_permissions: dict[str, Any] | None = None


# --------------------------------------------------------------------------- what it should be


def codeowner_teams(text: str) -> list[str]:
    """The ``@org/team`` owners of the paths in a CODEOWNERS text, in order of first use."""
    teams: list[str] = []
    for line in text.splitlines():
        words = line.split("#", 1)[0].split()
        for owner in words[1:]:
            if owner.startswith("@") and "/" in owner and owner not in teams:
                teams.append(owner)
    return teams


def _jobs(path: Path) -> dict[str, dict[str, Any]]:
    """The jobs of one workflow file ({} when it cannot be read)."""
    try:
        workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    jobs = workflow.get("jobs") if isinstance(workflow, dict) else None
    return {str(name): job for name, job in (jobs or {}).items() if isinstance(job, dict)}


def _job_environment(job: Mapping[str, Any]) -> str | None:
    environment = job.get("environment")
    name = environment.get("name") if isinstance(environment, dict) else environment
    return name if isinstance(name, str) and name and "${{" not in name else None


def workflow_environments(root: Path) -> list[str]:
    """The environments the jobs of :data:`SECRET_WORKFLOWS` run in (names, in order of first use)."""
    names: list[str] = []
    for rel in SECRET_WORKFLOWS:
        for job in _jobs(root / rel).values():
            name = _job_environment(job)
            if name and name not in names:
                names.append(name)
    return names


def app_key_jobs(root: Path) -> list[tuple[str, str | None]]:
    """``(workflow / job, environment or None)`` of every job that reads the App's private key."""
    found = []
    for path in sorted((root / ".github" / "workflows").glob("*.y*ml")):
        for name, job in _jobs(path).items():
            if f"secrets.{APP_KEY_SECRET}" in yaml.safe_dump(job):
                found.append((f"{path.name} / {name}", _job_environment(job)))
    return found


def expected_from(config: Config, repo: RepoName, *, environment: str | None = None) -> Expected:
    """What the setup should be, read from ``config`` and the files of its repository."""
    file = config.root / CODEOWNERS
    try:
        owners = codeowner_teams(file.read_text(encoding="utf-8"))
        found = True
    except (OSError, UnicodeDecodeError):
        owners, found = [], False
    review = [handle for handles in config.editor.supervisors.values() for handle in handles.split()
              if "/" in handle]
    environments = (environment,) if environment else tuple(workflow_environments(config.root)) or (
        DEFAULT_ENVIRONMENT,)
    in_use = {name: credential_names(name) for name in CHANNELS if config.channel(name).enabled}
    every = sorted({name for channel in CHANNELS for names in credential_names(channel) for name in names})
    return Expected(repo=repo, branch=config.editor.branch, environments=environments,
                    code_owner_teams=tuple(owners), review_teams=tuple(dict.fromkeys(review)), channels=in_use,
                    network_secrets=tuple(every), codeowners_found=found,
                    app_key_jobs=tuple(app_key_jobs(config.root)) or ((ROUTE_REVIEW_JOB, None),))


# --------------------------------------------------------------------------- what it is


def gather(api: GitHubApi, expected: Expected) -> Snapshot:
    """Read every setting :func:`diagnose` judges. 404s become None; 401 and 403 stop the run (exit 2)."""
    repo, branch = expected.repo, expected.branch
    try:
        if api.get(repo.path, missing_ok=True) is None:
            raise UsageError(f"GitHub has no repository {repo}, or the token cannot see it.",
                             hint="Check --repo-name (or [editor] repo in postdesk.toml) and the token's access.")
        rules = api.get_all(f"{repo.path}/rules/branches/{segment(branch)}") or []
        ids = sorted({int(rule["ruleset_id"]) for rule in rules if isinstance(rule.get("ruleset_id"), int)})
        rulesets = {number: api.get(f"{repo.path}/rulesets/{number}", missing_ok=True) for number in ids}
        classic = None if rules else api.get(f"{repo.path}/branches/{segment(branch)}/protection", missing_ok=True)
        codeowners = api.get(f"{repo.path}/codeowners/errors", params={"ref": branch}, missing_ok=True)
        teams = {handle: _team(api, repo, handle) for handle in (*expected.code_owner_teams, *expected.review_teams)}
        environments = {name: _environment(api, repo, name) for name in expected.all_environments}
        secrets = _names(api.get_all(f"{repo.path}/actions/secrets", key="secrets"))
        variables = {str(item.get("name")): str(item.get("value", ""))
                     for item in api.get_all(f"{repo.path}/actions/variables", key="variables") or []}
        pages = api.get(f"{repo.path}/pages", missing_ok=True)
        permissions = api.get(f"{repo.path}/actions/permissions/workflow", missing_ok=True)
    except AuthFailed as error:
        if error.status == 403:
            raise AuthFailed(error.message, secrets=error.secrets, channel=error.channel, status=error.status,
                             hint=TOKEN_HINT) from None
        raise
    return Snapshot(branch_rules=rules, rulesets=rulesets, classic=classic, codeowners_errors=codeowners,
                    teams=teams, environments=environments, repository_secrets=secrets, variables=variables,
                    pages=pages, workflow_permissions=permissions)


def _team(api: GitHubApi, repo: RepoName, handle: str) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    org, _slash, slug = handle.removeprefix("@").partition("/")
    base = f"/orgs/{segment(org)}/teams/{segment(slug)}"
    team = api.get(base, missing_ok=True)
    if team is None:
        return None, None
    access = api.get(f"{base}/repos/{repo.owner}/{repo.name}", accept="application/vnd.github.v3.repository+json",
                     missing_ok=True)
    return team, access


def _environment(api: GitHubApi, repo: RepoName, name: str) -> EnvironmentSnapshot:
    base = f"{repo.path}/environments/{segment(name)}"
    environment = api.get(base, missing_ok=True)
    if environment is None:
        return EnvironmentSnapshot()
    policy = environment.get("deployment_branch_policy") or {}
    policies = (api.get_all(f"{base}/deployment-branch-policies", key="branch_policies")
                if policy.get("custom_branch_policies") else None)
    return EnvironmentSnapshot(environment, policies, _names(api.get_all(f"{base}/secrets", key="secrets")))


def _names(items: Iterable[Any] | None) -> list[str]:
    return [str(item["name"]) for item in items or [] if isinstance(item, dict) and "name" in item]


# --------------------------------------------------------------------------- judging: pure functions


def protection_items(rules: Sequence[Mapping[str, Any]], rulesets: Mapping[int, Mapping[str, Any] | None],
                     classic: Mapping[str, Any] | None, *, branch: str, app_id: str = "") -> list[DoctorItem]:
    """(a) ``branch`` is protected: a ruleset when there is one, else classic branch protection."""
    if rules:
        return ruleset_items(rules, rulesets, branch=branch, app_id=app_id)
    if classic is not None:
        return classic_items(classic, branch=branch)
    return [DoctorItem(f"{branch} is protected by a ruleset", MISSING, "no ruleset or branch protection applies",
                       f"Settings > Rules > Rulesets > New branch ruleset: target {branch}, enforcement Active; "
                       "require a pull request with review from Code Owners, require the status check "
                       f"'{REQUIRED_CHECK}' (shown as '{REQUIRED_CHECK_SHOWN}'), block force pushes, restrict "
                       "deletions, and add the postdesk GitHub App to the bypass list (Always).")]


def ruleset_items(rules: Sequence[Mapping[str, Any]], rulesets: Mapping[int, Mapping[str, Any] | None], *,
                  branch: str, app_id: str = "") -> list[DoctorItem]:
    """The rules that apply to ``branch`` (GitHub's ``rules/branches`` answer) and their rulesets' bypass lists."""
    where = _RULESET_FIX.format(branch=branch)
    by_type: dict[str, list[Mapping[str, Any]]] = {}
    for rule in rules:
        by_type.setdefault(str(rule.get("type")), []).append(rule)
    pull = by_type.get("pull_request", [])
    items = [
        DoctorItem(f"{branch}: changes only through a pull request", OK if pull else MISSING,
                   "" if pull else "direct pushes are allowed",
                   f"{where}: tick 'Require a pull request before merging'."),
    ]
    owners = any((rule.get("parameters") or {}).get("require_code_owner_review") for rule in pull)
    items.append(DoctorItem(f"{branch}: a code owner must approve", OK if owners else MISSING,
                            "" if owners else "code owners' review is not required",
                            f"{where}: under the pull request rule, tick 'Require review from Code Owners'."))
    items.append(_check_item(by_type.get("required_status_checks", []), branch=branch, where=where))
    items.append(DoctorItem(f"{branch}: force pushes are blocked", OK if "non_fast_forward" in by_type else MISSING,
                            "" if "non_fast_forward" in by_type else "history can be rewritten",
                            f"{where}: tick 'Block force pushes'."))
    items.append(DoctorItem(f"{branch}: the branch cannot be deleted", OK if "deletion" in by_type else MISSING,
                            "" if "deletion" in by_type else "it can be deleted",
                            f"{where}: tick 'Restrict deletions'."))
    items.append(bypass_item(rules, rulesets, branch=branch, app_id=app_id))
    return items


def _check_item(rules: Sequence[Mapping[str, Any]], *, branch: str, where: str) -> DoctorItem:
    name = f"{branch}: the submission check must pass"
    fix = (f"{where}: under 'Require status checks to pass', add '{REQUIRED_CHECK}' from GitHub Actions "
           f"(GitHub shows it as '{REQUIRED_CHECK_SHOWN}').")
    checks = [check for rule in rules
              for check in (rule.get("parameters") or {}).get("required_status_checks", []) or []]
    for check in checks:
        if check.get("context") == REQUIRED_CHECK:
            source = check.get("integration_id")
            if source not in (None, GITHUB_ACTIONS_APP_ID):
                return DoctorItem(name, WRONG, f"'{REQUIRED_CHECK}' is required from the app {source}, not "
                                               "GitHub Actions", f"{where}: set its source to GitHub Actions "
                                                                 "(or 'any source').")
            return DoctorItem(name, OK, f"'{REQUIRED_CHECK}' ('{REQUIRED_CHECK_SHOWN}') is required")
    if any(check.get("context") == REQUIRED_CHECK_SHOWN for check in checks):
        return DoctorItem(name, WRONG, f"'{REQUIRED_CHECK_SHOWN}' is required, but GitHub names the check run "
                                       f"'{REQUIRED_CHECK}': the rule waits for a check that never reports",
                          f"{where}: replace it with '{REQUIRED_CHECK}'.")
    return DoctorItem(name, MISSING, "no required check named " + repr(REQUIRED_CHECK), fix)


def bypass_item(rules: Sequence[Mapping[str, Any]], rulesets: Mapping[int, Mapping[str, Any] | None], *,
                branch: str, app_id: str = "") -> DoctorItem:
    """The postdesk App (an ``Integration``) may always bypass every ruleset that would stop its ledger pushes.

    With a numeric ``app_id`` (the ``POSTDESK_APP_ID`` variable) the bypass must be that App;
    GitHub Actions itself must never be on the list (then every workflow could push to ``branch``).
    """
    name = f"{branch}: the postdesk App may push the ledger (bypass)"
    where = _RULESET_FIX.format(branch=branch)
    fix = f"{where}: Bypass list > Add bypass > Apps > the postdesk App, mode Always."
    blocking = sorted({int(rule["ruleset_id"]) for rule in rules
                       if rule.get("type") not in UNBLOCKING_RULES and isinstance(rule.get("ruleset_id"), int)})
    wanted = int(app_id) if app_id.isdigit() else None
    problems: list[tuple[str, str]] = []
    for number in blocking:
        ruleset = rulesets.get(number)
        label = f"ruleset {(ruleset or {}).get('name') or number!r}"
        if ruleset is None or "bypass_actors" not in ruleset:
            problems.append((MISSING, f"the bypass list of {label} cannot be read (only its administrators see it)"))
            continue
        actors = [actor for actor in ruleset.get("bypass_actors") or [] if actor.get("actor_type") == "Integration"]
        if any(actor.get("actor_id") == GITHUB_ACTIONS_APP_ID for actor in actors):
            return DoctorItem(name, WRONG, f"{label} lets GitHub Actions itself bypass it: any workflow with "
                                           f"contents: write could push to {branch}",
                              f"{where}: remove GitHub Actions from the bypass list and add the postdesk App.")
        apps = [actor for actor in actors if wanted is None or actor.get("actor_id") == wanted]
        if not apps:
            what = f"the App {wanted} ({APP_ID_VARIABLE})" if wanted is not None else "any GitHub App"
            problems.append((MISSING, f"{label} does not list {what} on its bypass list"))
        elif not any(actor.get("bypass_mode") in ("always", "exempt") for actor in apps):
            problems.append((WRONG, f"{label} lets the App bypass only in pull requests, not when it pushes"))
    if not blocking:
        return DoctorItem(name, OK, "no rule on the branch stops its pushes")
    if problems:
        status = WRONG if any(kind == WRONG for kind, _ in problems) else MISSING
        return DoctorItem(name, status, "; ".join(text for _, text in problems), fix)
    return DoctorItem(name, OK, "the postdesk App is on the bypass list (Always)")


def classic_items(protection: Mapping[str, Any], *, branch: str) -> list[DoctorItem]:
    """(a) with classic branch protection (GitHub's ``branches/{branch}/protection`` answer)."""
    where = f"Settings > Branches > the rule for {branch}"
    reviews = protection.get("required_pull_request_reviews")
    checks = protection.get("required_status_checks") or {}
    contexts = {*(checks.get("contexts") or []), *(check.get("context") for check in checks.get("checks") or [])}
    force = (protection.get("allow_force_pushes") or {}).get("enabled", False)
    deletion = (protection.get("allow_deletions") or {}).get("enabled", False)
    label = f"{branch} (classic protection)"
    items = [
        DoctorItem(f"{label}: changes only through a pull request", OK if reviews else MISSING,
                   "" if reviews else "direct pushes are allowed",
                   f"{where}: tick 'Require a pull request before merging'."),
        DoctorItem(f"{label}: a code owner must approve",
                   OK if reviews and reviews.get("require_code_owner_reviews") else MISSING,
                   "", f"{where}: tick 'Require review from Code Owners'."),
    ]
    if REQUIRED_CHECK in contexts:
        items.append(DoctorItem(f"{label}: the submission check must pass", OK,
                                f"'{REQUIRED_CHECK}' ('{REQUIRED_CHECK_SHOWN}') is required"))
    elif REQUIRED_CHECK_SHOWN in contexts:
        items.append(DoctorItem(f"{label}: the submission check must pass", WRONG,
                                f"'{REQUIRED_CHECK_SHOWN}' is required, but the check run is named '{REQUIRED_CHECK}'",
                                f"{where}: require '{REQUIRED_CHECK}' instead."))
    else:
        items.append(DoctorItem(f"{label}: the submission check must pass", MISSING, "",
                                f"{where}: require the status check '{REQUIRED_CHECK}' "
                                f"(shown as '{REQUIRED_CHECK_SHOWN}')."))
    items += [
        DoctorItem(f"{label}: force pushes are blocked", WRONG if force else OK, "allowed" if force else "",
                   f"{where}: untick 'Allow force pushes'."),
        DoctorItem(f"{label}: the branch cannot be deleted", WRONG if deletion else OK, "allowed" if deletion else "",
                   f"{where}: untick 'Allow deletions'."),
        DoctorItem(f"{label}: the postdesk App may push the ledger (bypass)", WRONG,
                   "classic protection cannot let an App push past required checks and reviews",
                   f"Replace it with a ruleset (Settings > Rules > Rulesets) with the same rules and the postdesk "
                   f"App on its bypass list (Always), then delete the classic rule for {branch}."),
    ]
    return items


def team_items(teams: Mapping[str, tuple[Mapping[str, Any] | None, Mapping[str, Any] | None]],
               codeowners_errors: Mapping[str, Any] | None, *, repo: RepoName, code_owner_teams: Sequence[str],
               review_teams: Sequence[str], codeowners_found: bool = True) -> list[DoctorItem]:
    """(b) the CODEOWNERS teams exist with write access; the supervisors' teams exist with read access."""
    items: list[DoctorItem] = []
    if not codeowners_found:
        items.append(DoctorItem(f"{CODEOWNERS} names the reviewers", MISSING, "the file is not in this repository",
                                f"Run 'postdesk codeowners --write' and commit {CODEOWNERS}."))
    elif codeowners_errors is None:
        items.append(DoctorItem(f"{CODEOWNERS} on GitHub", MISSING, "GitHub finds no CODEOWNERS file on the branch",
                                f"Commit {CODEOWNERS} (made by 'postdesk codeowners --write') to the default branch."))
    else:
        errors = codeowners_errors.get("errors") or []
        detail = "; ".join(f"line {error.get('line', '?')}: {error.get('message') or error.get('kind', '')}".strip()
                           for error in errors[:5])
        items.append(DoctorItem(f"{CODEOWNERS} as GitHub reads it", WRONG if errors else OK, detail,
                                "Fix each line GitHub names (an unknown owner is a team that does not exist or "
                                "lacks write access), then regenerate with 'postdesk codeowners --write'."))
    for handle in code_owner_teams:
        items.append(_team_item(handle, *teams.get(handle, (None, None)), repo=repo, need="push"))
    for handle in review_teams:
        if handle not in code_owner_teams:
            items.append(_team_item(handle, *teams.get(handle, (None, None)), repo=repo, need="pull"))
    return items


def _team_item(handle: str, team: Mapping[str, Any] | None, access: Mapping[str, Any] | None, *, repo: RepoName,
               need: str) -> DoctorItem:
    org = handle.removeprefix("@").partition("/")[0]
    role = "code owner team" if need == "push" else "review team"
    level = "Write" if need == "push" else "Read"
    name = f"{role} {handle}"
    if org.lower() != repo.owner.lower():
        return DoctorItem(name, WRONG, f"a team of {org}, not of {repo.owner}: it cannot review here",
                          f"Use a team of {repo.owner} in [editor] of postdesk.toml, then 'postdesk codeowners "
                          "--write'.")
    if team is None:
        return DoctorItem(name, MISSING, "GitHub has no such team (or the token cannot read the organisation's teams)",
                          f"Create it in {org}'s Teams, or fix the handle in [editor] of postdesk.toml.")
    if access is None:
        return DoctorItem(name, MISSING, f"the team has no access to {repo}",
                          f"Settings > Collaborators and teams > Add teams: {handle}, role {level}.")
    if not (access.get("permissions") or {}).get(need):
        return DoctorItem(name, WRONG, f"its role is {access.get('role_name', 'too low')}; it needs {level}",
                          f"Settings > Collaborators and teams: give {handle} the {level} role.")
    return DoctorItem(name, OK, f"exists, role {access.get('role_name', level.lower())}")


def environment_items(name: str, snapshot: EnvironmentSnapshot, repository_secrets: Sequence[str], *, branch: str,
                      channels: Mapping[str, Sequence[Sequence[str]]], network_secrets: Sequence[str],
                      ) -> list[DoctorItem]:
    """(c) the environment exists, deploys from ``branch`` only and holds each network's secrets;
    no network secret is a repository secret."""
    where = f"Settings > Environments > {name}"
    items: list[DoctorItem] = []
    if snapshot.environment is None:
        items.append(DoctorItem(f"environment {name} exists", MISSING, "it holds the network secrets",
                                f"Settings > Environments > New environment: {name}."))
    else:
        items.append(DoctorItem(f"environment {name} exists", OK))
        items.append(_branch_policy_item(name, snapshot, branch=branch, where=where))
    have = set(snapshot.secrets or [])
    for channel, sets in channels.items():
        label = f"environment {name}: secrets for {CHANNEL_LABELS.get(channel, channel)}"
        complete = next((names for names in sets if set(names) <= have), None)
        if complete is not None:
            items.append(DoctorItem(label, OK, ", ".join(complete)))
            continue
        best = min(sets, key=lambda names: len(set(names) - have))
        options = " or ".join(", ".join(names) for names in sets)
        detail = f"missing {', '.join(n for n in best if n not in have)}" if have & set(best) else f"needs {options}"
        items.append(DoctorItem(label, MISSING, detail,
                                f"{where} > Environment secrets > Add secret: {options}."))
    leaked = sorted(set(network_secrets) & set(repository_secrets))
    items.append(DoctorItem("no network secret is a repository secret", WRONG if leaked else OK,
                            f"repository secrets: {', '.join(leaked)}" if leaked else "",
                            "Settings > Secrets and variables > Actions > Repository secrets: delete them (keep them "
                            f"in the {name} environment only). Every workflow on every branch can read a "
                            "repository secret."))
    return items


def _branch_policy_item(name: str, snapshot: EnvironmentSnapshot, *, branch: str, where: str) -> DoctorItem:
    label = f"environment {name}: only {branch} may use it"
    fix = f"{where} > Deployment branches and tags: Selected branches and tags, with only the branch rule '{branch}'."
    policy = (snapshot.environment or {}).get("deployment_branch_policy")
    if not policy:
        return DoctorItem(label, WRONG, "every branch may deploy to it (and read its secrets)", fix)
    if policy.get("protected_branches"):
        return DoctorItem(label, WRONG, "every protected branch may use it, not only " + branch, fix)
    rules = [(item.get("type", "branch"), item.get("name")) for item in snapshot.branch_policies or []]
    if rules == [("branch", branch)]:
        return DoctorItem(label, OK, f"deployment branch policy: {branch}")
    shown = ", ".join(f"{kind} {pattern}" for kind, pattern in rules) or "no branch"
    return DoctorItem(label, WRONG, f"the policy allows {shown}", fix)


def pages_items(pages: Mapping[str, Any] | None) -> list[DoctorItem]:
    """(d) GitHub Pages is on and deployed by a workflow (site.yml), not built from a branch."""
    fix = "Settings > Pages > Build and deployment > Source: GitHub Actions."
    if pages is None:
        return [DoctorItem("GitHub Pages is deployed by the site workflow", MISSING, "Pages is not enabled", fix)]
    kind = pages.get("build_type")
    if kind != "workflow":
        return [DoctorItem("GitHub Pages is deployed by the site workflow", WRONG,
                           f"build type is {kind or 'unknown'}, not workflow", fix)]
    return [DoctorItem("GitHub Pages is deployed by the site workflow", OK, str(pages.get("html_url") or ""))]


def actions_items(permissions: Mapping[str, Any] | None) -> list[DoctorItem]:
    """(e) what the workflows' own token may do: approving pull requests is needed only if route-review needs it."""
    where = "Settings > Actions > General > Workflow permissions"
    if permissions is None:
        return [DoctorItem("GitHub Actions' workflow permissions", MISSING, "GitHub did not answer them",
                           f"Check {where} by hand.")]
    approve = bool(permissions.get("can_approve_pull_request_reviews"))
    name = "GitHub Actions may approve pull requests"
    if NEEDS_ACTIONS_APPROVAL:
        item = DoctorItem(name, OK if approve else MISSING, "route-review needs it",
                          f"{where}: tick 'Allow GitHub Actions to create and approve pull requests'.")
    elif approve:
        item = DoctorItem(name, WRONG, "allowed, but not needed: route-review asks with the App's token, and any "
                                       "workflow could approve a pull request",
                          f"{where}: untick 'Allow GitHub Actions to create and approve pull requests'.")
    else:
        item = DoctorItem(name, OK, "not needed (route-review asks with the postdesk App's token), and off")
    default = permissions.get("default_workflow_permissions")
    token = DoctorItem("the workflows' default token is read-only", OK if default == "read" else WRONG,
                       f"default: {default}", f"{where}: choose 'Read repository contents and packages permissions'.")
    return [item, token]


def app_items(variables: Mapping[str, str], repository_secrets: Sequence[str],
              environments: Mapping[str, EnvironmentSnapshot] | None = None,
              key_jobs: Sequence[tuple[str, str | None]] = ((ROUTE_REVIEW_JOB, None),)) -> list[DoctorItem]:
    """(f) the App's ID (a repository variable) and its private key, where every job that mints its token can read it.

    ``key_jobs`` are the jobs that read the key, with their environment: a job without one reads
    repository secrets only. A key kept at repository level although every such job has an
    environment is ``wrong``: any workflow on any branch could mint a token that bypasses ``main``'s rules.
    """
    where = "Settings > Secrets and variables > Actions"
    value = variables.get(APP_ID_VARIABLE, "").strip()
    if not value:
        app = DoctorItem(f"variable {APP_ID_VARIABLE}", MISSING, "the postdesk App's ID is not set",
                         f"{where} > Variables > New repository variable {APP_ID_VARIABLE}: the App's ID (or Client "
                         "ID), from the App's settings page.")
    elif not (value.isdigit() or value.startswith("Iv")):
        app = DoctorItem(f"variable {APP_ID_VARIABLE}", WRONG, "it is neither an App ID nor a Client ID",
                         f"{where} > Variables: set {APP_ID_VARIABLE} to the App's ID (digits) or Client ID (Iv...).")
    else:
        app = DoctorItem(f"variable {APP_ID_VARIABLE}", OK, f"App {value}")
    environments = environments or {}
    at_repository = APP_KEY_SECRET in repository_secrets
    in_environments = sorted(name for name, snapshot in environments.items()
                             if APP_KEY_SECRET in (snapshot.secrets or []))
    name = f"secret {APP_KEY_SECRET}"
    blind = [f"{job} ({f'environment {env}' if env else 'no environment'})" for job, env in key_jobs
             if not (at_repository or (env and env in in_environments))]
    places = ", ".join((["the repository"] if at_repository else [])
                       + [f"environment {env}" for env in in_environments])
    if not at_repository and not in_environments:
        return [app, DoctorItem(name, MISSING, "the postdesk App's private key is not set",
                                f"Add the .pem file the App's settings page generates as the secret {APP_KEY_SECRET}"
                                " where each job that uses it can read it: "
                                + "; ".join(_key_place(job, env) for job, env in key_jobs) + ".")]
    if blind:
        return [app, DoctorItem(name, WRONG, f"in {places}; not readable by {', '.join(blind)}",
                                "; ".join(_key_place(job, env) for job, env in key_jobs) + ".")]
    if at_repository and key_jobs and all(env for _job, env in key_jobs):
        return [app, DoctorItem(name, WRONG, "a repository secret: a workflow on any branch could read it and "
                                             "mint a token that bypasses the rules of the default branch",
                                f"{where} > Repository secrets: delete {APP_KEY_SECRET}; keep it only in "
                                f"the environment{'s' if len(in_environments) != 1 else ''} "
                                f"{', '.join(sorted({env for _job, env in key_jobs if env}))}.")]
    return [app, DoctorItem(name, OK, f"in {places}")]


def _key_place(job: str, environment: str | None) -> str:
    if environment:
        return f"{job}: Settings > Environments > {environment} > Environment secrets"
    return f"{job}: Settings > Secrets and variables > Actions > Repository secrets (the job has no environment)"


def diagnose(snapshot: Snapshot, expected: Expected) -> list[DoctorItem]:
    """Every item, in the order (a) to (f)."""
    app_id = snapshot.variables.get(APP_ID_VARIABLE, "").strip()
    items = protection_items(snapshot.branch_rules, snapshot.rulesets, snapshot.classic, branch=expected.branch,
                             app_id=app_id)
    items += team_items(snapshot.teams, snapshot.codeowners_errors, repo=expected.repo,
                        code_owner_teams=expected.code_owner_teams, review_teams=expected.review_teams,
                        codeowners_found=expected.codeowners_found)
    for name in expected.environments:
        environment = snapshot.environments.get(name, EnvironmentSnapshot())
        items += environment_items(name, environment, snapshot.repository_secrets, branch=expected.branch,
                                   channels=expected.channels, network_secrets=expected.network_secrets)
    items += pages_items(snapshot.pages)
    items += actions_items(snapshot.workflow_permissions)
    items += app_items(snapshot.variables, snapshot.repository_secrets, snapshot.environments,
                       expected.app_key_jobs)
    for name in expected.all_environments:
        if name not in expected.environments:
            items += key_environment_items(name, snapshot.environments.get(name, EnvironmentSnapshot()),
                                           branch=expected.branch)
    return items


def key_environment_items(name: str, snapshot: EnvironmentSnapshot, *, branch: str) -> list[DoctorItem]:
    """(f) an environment a job reads the App's key from exists and only ``branch`` may use it."""
    if snapshot.environment is None:
        return [DoctorItem(f"environment {name} exists", MISSING, "a job that mints the App's token runs in it",
                           f"Settings > Environments > New environment: {name}.")]
    return [DoctorItem(f"environment {name} exists", OK),
            _branch_policy_item(name, snapshot, branch=branch, where=f"Settings > Environments > {name}")]


def run_doctor(config: Config, *, repo: RepoName, token: str, base_url: str, environment: str | None = None,
               transport: httpx.BaseTransport | None = None, policy: RetryPolicy | None = None) -> list[DoctorItem]:
    """Read the setup of ``repo`` from GitHub and judge it."""
    expected = expected_from(config, repo, environment=environment)
    with GitHubApi(token, base_url=base_url, transport=transport, policy=policy) as api:
        snapshot = gather(api, expected)
    return diagnose(snapshot, expected)


def format_items(items: Sequence[DoctorItem], *, secrets: Sequence[str] = ()) -> str:
    """One line per item, ``fix:`` under each that is not ok, and a count; ``secrets`` are masked."""
    lines = []
    for item in items:
        lines.append(f"{item.status:<8} {item.name}" + (f": {item.detail}" if item.detail else ""))
        if item.status != OK and item.fix:
            lines.append(f"{'':8} fix: {item.fix}")
    counts = {status: sum(item.status == status for item in items) for status in (OK, MISSING, WRONG)}
    lines.append("")
    lines.append(f"{counts[OK]} ok, {counts[MISSING]} missing, {counts[WRONG]} wrong.")
    return redact("\n".join(lines) + "\n", secrets)
