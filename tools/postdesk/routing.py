"""Review routing: ask the office supervisors to review a pull request, and say so when GitHub refuses.

``postdesk route-review --pr N --head-sha SHA OFFICES_JSON`` runs in route-review.yml with a
GitHub App installation token (the workflow's own token cannot ask teams: GitHub answers
"Resource not accessible by integration"). The order of steps, and why:

1. the handles come from :func:`postdesk.editor.reviewers_for`, the same code as ``postdesk
   reviewers``: only handles written in the default branch's ``[editor] supervisors`` can come
   out, whatever the (untrusted) ``offices.json`` says;
2. the pull request is read back from GitHub and must be open at ``SHA``: the number comes from
   an artifact, so it is only trusted when it matches the commit the check ran on;
3. users and teams are asked in ONE ``POST /repos/{owner}/{repo}/pulls/{n}/requested_reviewers``;
   teams of another organisation than the repository's owner are not sent (GitHub would read
   the slug as a team of the owner's organisation) and count as not asked;
4. when GitHub refuses (403, 422) or a handle could not be sent, one comment on the pull
   request, found again by :data:`MARKER`, says which reviewers were not asked, GitHub's
   words (escaped) and how to fix it; the command then exits 1. A later run that succeeds
   turns that comment into a note that it is fixed, so a stale warning never lingers.

The module also holds the small GitHub REST client that ``postdesk doctor`` shares
(:class:`GitHubApi`): the token and the ``owner/name`` are validated here, once; and the
one-comment-per-pull-request writer that ``postdesk comment`` shares (:func:`write_sticky_comment`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import urllib.parse
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self

import httpx

from .channels.base import Api, RetryPolicy, json_or_empty, retry_at_from_reset, retry_at_from_retry_after
from .errors import AuthFailed, ChannelError, RateLimited, Rejected, Unavailable, UsageError
from .secrecy import clean_error_text, read_credential

API_URL_VARIABLE = "POSTDESK_GITHUB_API_URL"
"""Where GitHub's REST API is: tests point it at the loopback fake, GitHub Enterprise at its own."""
DEFAULT_API_URL = "https://api.github.com"
TOKEN_VARIABLES = ("GH_TOKEN", "GITHUB_TOKEN")
"""Where the token is read from, first found wins (the order the ``gh`` command uses)."""
API_VERSION = "2022-11-28"
RETRIES = RetryPolicy(attempts=2, backoff=1.0, max_wait=30.0)
"""One more try after a refused connection or a 502/503; a rate limit is waited out up to 30 s."""

MARKER = "<!-- postdesk-route-review -->"
"""Opens the one comment route-review writes on a pull request, so a later run updates it."""
APP_ID_VARIABLE = "POSTDESK_APP_ID"
"""The Actions variable holding the GitHub App's ID (or its Client ID: GitHub accepts either)."""
APP_KEY_SECRET = "POSTDESK_APP_PRIVATE_KEY"
"""The Actions secret holding the GitHub App's private key."""
NEEDS_ACTIONS_APPROVAL = False
"""route-review asks with the App's token, so GitHub Actions never needs to create or approve reviews."""
MAX_MESSAGE = 2_000
"""GitHub's error message is cut to this many characters in the comment (a comment holds 65,536)."""
MAX_GITHUB_WORDS = 600
"""The most characters of GitHub's own error words kept (a message and its list of errors)."""

_OWNER = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,37}[A-Za-z0-9])?")
_NAME = re.compile(r"[A-Za-z0-9._-]{1,100}")
_SLUG = re.compile(r"[A-Za-z0-9._-]{1,100}")
_SHA = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
_LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


# --------------------------------------------------------------------------- inputs, validated once


@dataclass(frozen=True)
class RepoName:
    """A GitHub repository, ``owner/name``, checked so it can go into an API path as it is."""

    owner: str
    name: str

    def __str__(self) -> str:
        return f"{self.owner}/{self.name}"

    @property
    def path(self) -> str:
        """``/repos/{owner}/{name}``."""
        return f"/repos/{self.owner}/{self.name}"


def parse_repo_name(text: str) -> RepoName:
    """``owner/name`` as GitHub allows it, or a UsageError saying what is wrong."""
    owner, slash, name = text.strip().partition("/")
    if not (slash and _OWNER.fullmatch(owner) and "--" not in owner and _NAME.fullmatch(name)
            and name not in (".", "..")):
        raise UsageError(f"{text!r} is not a GitHub repository written owner/name.",
                         hint="Pass --repo-name OWNER/NAME, or set repo = \"owner/name\" in [editor] of postdesk.toml.")
    return RepoName(owner, name)


def github_token(env: Mapping[str, str]) -> str:
    """The token in ``GH_TOKEN`` or ``GITHUB_TOKEN``: printable ASCII, without whitespace. Never shown.

    Read by :func:`postdesk.secrecy.read_credential`: surrounding whitespace (a newline
    pasted with it) is dropped; anything else that could not travel in an HTTP header is
    refused (CredentialError, exit 2) naming the variable and the position, not the value.
    """
    for variable in TOKEN_VARIABLES:
        value = read_credential(env, variable)
        if value:
            return value
    raise UsageError("No GitHub token: set GH_TOKEN or GITHUB_TOKEN.",
                     hint="In a workflow, pass one in env:; on your machine, `export GH_TOKEN=$(gh auth token)`.")


def api_base_url(env: Mapping[str, str]) -> str:
    """``POSTDESK_GITHUB_API_URL`` or GitHub's; only https carries the token, except to this machine.

    An address with a user name, a password, a query or a fragment is refused without
    being shown (any of them may hold a credential); another wrong address is shown.
    """
    url = (env.get(API_URL_VARIABLE) or DEFAULT_API_URL).strip().rstrip("/")
    try:
        parts = urllib.parse.urlsplit(url)
        hostname = parts.hostname or ""
    except ValueError:  # "http://[::1" and the like
        parts, hostname = None, ""
    if parts is None or "@" in parts.netloc or parts.query or parts.fragment:
        raise UsageError(f"{API_URL_VARIABLE} is not an API address (it has a user name, a password, a query or "
                         "a fragment, or cannot be read); the address is not shown, as it may hold a credential.",
                         hint=f"Unset it for {DEFAULT_API_URL}, or give your GitHub Enterprise API address alone "
                              "(such as https://ghe.example.gov/api/v3); the token goes in GH_TOKEN or GITHUB_TOKEN.")
    secure = parts.scheme == "https" or (parts.scheme == "http" and hostname in _LOOPBACK)
    if not (secure and hostname):
        raise UsageError(f"{API_URL_VARIABLE} must be an https:// address (http:// only to this machine), not {url!r}.",
                         hint=f"Unset it for {DEFAULT_API_URL}, or give your GitHub Enterprise API address.")
    return url


def valid_sha(text: str) -> str:
    """A full commit id (40 hex digits, or 64 in a SHA-256 repository), lower case."""
    value = text.strip().lower()
    if not _SHA.fullmatch(value):
        raise UsageError(f"{text!r} is not a full commit id.",
                         hint="Pass the 40-character head SHA of the pull request.")
    return value


def segment(text: str) -> str:
    """One path segment for an API URL (a branch, an environment, a slug), percent-encoded."""
    return urllib.parse.quote(text, safe="")


# --------------------------------------------------------------------------- the client


def classify(response: httpx.Response) -> ChannelError:
    """GitHub's failed answer as a ChannelError: its ``message`` (and ``errors``) in the text."""
    body = json_or_empty(response)
    message = str(body.get("message") or response.reason_phrase or "no message")
    errors = body.get("errors")
    details = [item.get("message") if isinstance(item, dict) else item
               for item in (errors if isinstance(errors, list) else [])]
    details = [str(item) for item in details if item]
    if details:
        message = f"{message} ({'; '.join(details)})"
    # GitHub's words go into the log and onto the pull request: one line, capped, tokens masked.
    message = clean_error_text(message, limit=MAX_GITHUB_WORDS)
    status = response.status_code
    headers = response.headers
    if status == 429 or (status == 403 and (headers.get("x-ratelimit-remaining") == "0" or "retry-after" in headers)):
        retry_at = (retry_at_from_retry_after(headers.get("retry-after"), clock=_now) if "retry-after" in headers
                    else retry_at_from_reset(headers.get("x-ratelimit-reset"), clock=_now))
        return RateLimited(f"GitHub's rate limit: {message}", retry_at=retry_at,
                           hint="Wait for the limit to reset, or use a token of another account.")
    if status == 401:
        return AuthFailed(f"GitHub refused the token: {message}", secrets=TOKEN_VARIABLES,
                          hint="Renew the token in GH_TOKEN or GITHUB_TOKEN (it may have expired or been revoked).")
    if status == 403:
        return AuthFailed(f"GitHub refused: {message}", secrets=TOKEN_VARIABLES,
                          hint="The token lacks a permission this request needs (README: postdesk doctor).")
    if status >= 500:
        return Unavailable(f"GitHub answered {status}: {message}",
                           hint="GitHub may be having trouble; try again later.")
    return Rejected(message)


def _now() -> float:
    return dt.datetime.now(dt.UTC).timestamp()


def _json(response: httpx.Response) -> Any:
    """A successful answer's JSON ({} when empty); anything else is not GitHub's API answering."""
    if not response.content:
        return {}
    try:
        return response.json()
    except ValueError:
        raise ChannelError(f"{response.request.method} {response.request.url.path}: the answer is not JSON",
                           channel="github", status=response.status_code,
                           hint=f"Check {API_URL_VARIABLE}: it must be the address of GitHub's REST API.") from None


def github_message(error: ChannelError) -> str:
    """GitHub's own words in an error from :class:`GitHubApi`, without the request in front of them."""
    text = error.message.split(": ", 1)[-1]
    return text.removeprefix("GitHub refused: ")


class GitHubApi:
    """GitHub's REST API with one token: JSON in, JSON out, failures as ChannelError (channel ``github``).

    Timeouts, retries and the masking of the token in messages are those of every network
    client (:class:`postdesk.channels.base.Api`); tests inject the loopback fake's address
    or an ``httpx`` transport.
    """

    def __init__(self, token: str, *, base_url: str = DEFAULT_API_URL, transport: httpx.BaseTransport | None = None,
                 policy: RetryPolicy | None = None) -> None:
        self._api = Api(channel="github", base_url=base_url, classify=classify,
                        headers={"Authorization": f"Bearer {token}", "Accept": "application/vnd.github+json",
                                 "X-GitHub-Api-Version": API_VERSION},
                        policy=policy or RETRIES, secrets=(token,), transport=transport)

    def get(self, path: str, *, params: Mapping[str, str | int] | None = None, accept: str | None = None,
            missing_ok: bool = False) -> Any:
        """The JSON at ``path``; with ``missing_ok``, None for a 404 (GitHub's "not there, or not yours")."""
        headers = {"Accept": accept} if accept else {}
        try:
            response = self._api.request("GET", path, params=dict(params or {}), headers=headers)
        except Rejected as error:
            if missing_ok and error.status == 404:
                return None
            raise
        return _json(response)

    def get_all(self, path: str, *, key: str | None = None, params: Mapping[str, str | int] | None = None,
                max_pages: int = 20) -> list[Any] | None:
        """Every item of a listed resource, 100 a page; ``key`` names the list inside an object answer.

        None when the resource is missing (404).
        """
        items: list[Any] = []
        for page in range(1, max_pages + 1):
            answer = self.get(path, params={**(params or {}), "per_page": 100, "page": page}, missing_ok=True)
            if answer is None:
                return None
            batch = answer.get(key, []) if key and isinstance(answer, dict) else answer
            if not isinstance(batch, list):
                return items
            items += batch
            if len(batch) < 100:
                break
        return items

    def send(self, method: str, path: str, body: Mapping[str, Any], *, creates: bool = False) -> Any:
        """POST or PATCH JSON; ``creates`` marks a request that must not be repeated blindly (a new comment)."""
        response = self._api.request(method, path, json=dict(body), creates_post=creates)
        return _json(response)

    def close(self) -> None:
        self._api.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()


# --------------------------------------------------------------------------- routing, pure parts


@dataclass(frozen=True)
class NotAsked:
    """A reviewer who could not be asked, and why, in words for the pull request."""

    handle: str
    reason: str


@dataclass(frozen=True)
class Routing:
    """What route-review did: ``requested`` were asked; ``not_asked`` must be seen by a person."""

    number: int
    requested: tuple[str, ...] = ()
    not_asked: tuple[NotAsked, ...] = ()
    notes: tuple[str, ...] = ()
    """Harmless facts for the log (the author cannot review their own pull request)."""
    status: int | None = None
    """GitHub's HTTP status when it refused."""
    message: str = ""
    """GitHub's words when it refused."""
    comment_url: str = ""

    @property
    def ok(self) -> bool:
        return not self.not_asked


def split_handles(handles: Sequence[str], *, owner: str, author: str = "") -> tuple[
        list[str], list[str], list[NotAsked], list[str]]:
    """(user logins, team slugs, not asked, notes) for one review request.

    ``@user`` is a user, ``@org/team`` a team; a team of another organisation than the
    repository's ``owner`` cannot be asked (GitHub takes bare slugs of the owner's teams),
    and the pull request's ``author`` is left out (GitHub refuses the whole request otherwise).
    """
    users: list[str] = []
    teams: list[str] = []
    not_asked: list[NotAsked] = []
    notes: list[str] = []
    for handle in handles:
        login = handle.removeprefix("@")
        org, slash, slug = login.partition("/")
        if slash:
            if org.lower() != owner.lower() or not _SLUG.fullmatch(slug):
                not_asked.append(NotAsked(handle, f"a team of another organisation than {owner} cannot be asked to "
                                                  "review here"))
            elif slug not in teams:
                teams.append(slug)
        elif not _OWNER.fullmatch(login):
            not_asked.append(NotAsked(handle, "not a GitHub user name"))
        elif author and login.lower() == author.lower():
            notes.append(f"{handle} opened the pull request and cannot review it")
        elif login not in users:
            users.append(login)
    return users, teams, not_asked, notes


def _fenced(text: str) -> str:
    """``text`` as a Markdown code block: nothing in it is read as Markdown, HTML or a mention."""
    text = "".join(char if char.isprintable() or char == "\n" else " " for char in text)
    if len(text) > MAX_MESSAGE:
        text = text[:MAX_MESSAGE] + " [cut]"
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{text}\n{fence}"


def _code(handle: str) -> str:
    """A handle in a code span, so the comment names the team without notifying it."""
    return f"`{handle.replace('`', '')}`"


def refusal_comment(routing: Routing, *, repo: RepoName) -> str:
    """The pull-request comment for reviewers who could not be asked: who, why, how to fix it."""
    lines = [MARKER, "### Review routing: some reviewers could not be asked", "",
             "postdesk could not ask these supervisors to review this pull request:", ""]
    lines += [f"- {_code(item.handle)}: {item.reason}" for item in routing.not_asked]
    if routing.message:
        lines += ["", f"GitHub answered {routing.status}:", "", _fenced(routing.message)]
    lines += [
        "",
        "**Until this is fixed, ask them by hand** (Reviewers, in the pull request's side bar).",
        "",
        "**How to fix it** (a repository administrator):",
        "",
        f"1. Install the postdesk GitHub App on `{repo}` (the App's settings: Install App).",
        "2. Give it the permissions **Pull requests: Read and write** (repository) and **Members: Read-only** "
        "(organisation); accept the new permissions on the installation.",
        f"3. Store the App's ID as the Actions variable `{APP_ID_VARIABLE}` and its private key as the Actions "
        f"secret `{APP_KEY_SECRET}`, where the *Route review* workflow can read it (`postdesk doctor` says where).",
        "4. Check that each team exists and has access to this repository, and that every office in "
        "`[editor] supervisors` of postdesk.toml names a team of this organisation.",
        "5. Re-run the failed *Route review* run. `postdesk doctor` checks the whole setup.",
    ]
    return "\n".join(lines) + "\n"


def resolved_comment(routing: Routing, *, today: dt.date) -> str:
    """What the earlier warning becomes once every reviewer was asked."""
    asked = ", ".join(_code(handle) for handle in routing.requested) or "nobody (no supervisor is configured)"
    return (f"{MARKER}\n### Review routing: fixed\n\nOn {today.isoformat()} postdesk asked {asked} to review "
            "this pull request. The earlier warning no longer applies.\n")


# --------------------------------------------------------------------------- routing, with GitHub


def check_pull_request(api: GitHubApi, repo: RepoName, number: int, head_sha: str) -> dict[str, Any]:
    """The pull request, if it is open at ``head_sha``; else a UsageError (exit 2): nothing is asked."""
    pull = api.get(f"{repo.path}/pulls/{number}", missing_ok=True)
    if not isinstance(pull, dict):
        raise UsageError(f"{repo} has no pull request {number}.",
                         hint="The number comes from the preview artifact: it must be the checked pull request's.")
    if pull.get("state") != "open":
        raise UsageError(f"Pull request {number} is {pull.get('state', 'not open')}: nobody is asked to review it.")
    head = str((pull.get("head") or {}).get("sha") or "")
    if head.lower() != head_sha:
        raise UsageError(f"Pull request {number} is now at {head[:12] or 'an unknown commit'}, not {head_sha[:12]}.",
                         hint="It changed after the check ran; the check of the new commit routes it again.")
    return pull


def _find_comment(api: GitHubApi, repo: RepoName, number: int, *, marker: str) -> dict[str, Any] | None:
    """The bot's earlier comment: the first by a bot that opens with ``marker`` (a person's is left alone)."""
    for comment in api.get_all(f"{repo.path}/issues/{number}/comments") or []:
        body = str(comment.get("body") or "")
        if body.startswith(marker) and (comment.get("user") or {}).get("type") == "Bot":
            return comment  # type: ignore[no-any-return]
    return None


def write_sticky_comment(api: GitHubApi, repo: RepoName, number: int, body: str, *, marker: str = MARKER,
                         only_update: bool = False) -> str:
    """Update the bot's comment that opens with ``marker``, or post a new one (unless ``only_update``).

    ``body`` must open with ``marker``, so the next run finds it. Returns the comment's address
    ('' when nothing was written).
    """
    existing = _find_comment(api, repo, number, marker=marker)
    if existing is not None:
        answer = api.send("PATCH", f"{repo.path}/issues/comments/{int(existing['id'])}", {"body": body})
    elif only_update:
        return ""
    else:
        answer = api.send("POST", f"{repo.path}/issues/{number}/comments", {"body": body}, creates=True)
    return str(answer.get("html_url") or "")


def route_review(api: GitHubApi, repo: RepoName, *, number: int, head_sha: str, handles: Sequence[str],
                 today: dt.date | None = None) -> Routing:
    """Ask ``handles`` to review pull request ``number`` (open at ``head_sha``) in one request.

    Raises UsageError when the pull request is not open at that commit, AuthFailed when
    the token is refused (401); a refusal of the request itself (403, 422) is returned in
    ``not_asked`` after it was explained on the pull request.
    """
    pull = check_pull_request(api, repo, number, valid_sha(head_sha))
    author = str((pull.get("user") or {}).get("login") or "")
    users, teams, not_asked, notes = split_handles(handles, owner=repo.owner, author=author)
    routing = Routing(number, not_asked=tuple(not_asked), notes=tuple(notes))
    if users or teams:
        try:
            api.send("POST", f"{repo.path}/pulls/{number}/requested_reviewers",
                     {"reviewers": users, "team_reviewers": teams})
        except (AuthFailed, Rejected) as error:
            if error.status not in (403, 422):
                raise
            refused = [NotAsked(f"@{login}", "GitHub refused the request") for login in users]
            refused += [NotAsked(f"@{repo.owner}/{slug}", "GitHub refused the request") for slug in teams]
            routing = Routing(number, not_asked=(*refused, *not_asked), notes=tuple(notes), status=error.status,
                              message=github_message(error))
        else:
            asked = (*(f"@{login}" for login in users), *(f"@{repo.owner}/{slug}" for slug in teams))
            routing = Routing(number, requested=asked, not_asked=tuple(not_asked), notes=tuple(notes))
    if not routing.not_asked:
        url = write_sticky_comment(api, repo, number, resolved_comment(routing, today=today or dt.date.today()),
                                   only_update=True)
        return dataclasses.replace(routing, comment_url=url)
    try:
        url = write_sticky_comment(api, repo, number, refusal_comment(routing, repo=repo))
    except ChannelError as error:  # the refusal must not vanish with the comment: both go into the log
        who = ", ".join(item.handle for item in routing.not_asked)
        why = f" (GitHub: {routing.message})" if routing.message else ""
        raise ChannelError(f"{who} could not be asked to review{why}, and the explanation could not be posted on "
                          f"pull request {number}: {error.message}", hint=error.hint, channel=error.channel,
                          status=error.status) from None
    return dataclasses.replace(routing, comment_url=url)
