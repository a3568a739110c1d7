"""A loopback fake of the X API v2: media upload, alt text, create a post; replies and metrics.

It answers like X does (see ``PLATFORMS.md``): ``{"data": {...}}`` on success and
problem+json ``{"title", "detail", "type", "status"}`` on failure (``{"errors": [...]}``
next to it for invalid parameters), with ``x-rate-limit-limit/remaining/reset`` on
every answer of its routes.

Authentication is checked on every request, the way X does it:

* OAuth 1.0a: the HMAC-SHA1 signature is recomputed here, independently of the
  client's signer, from the method, the URL the request reached, the query, the
  ``oauth_*`` values and a form-urlencoded body (JSON and multipart bodies are not
  signed); a wrong signature, an unknown key or token, a nonce seen before or a
  timestamp more than 5 minutes off is a 401;
* OAuth 2.0: ``Authorization: Bearer`` with the fake's user token.

X's duplicate rule is kept: the same text posted twice by the account is a 403
"duplicate content". Tests script the other errors with :meth:`FakeX.rate_limit_next`,
:meth:`FakeX.expire_token`, :meth:`FakeX.forbid_writes`, :meth:`FakeX.reject_duplicate_next`
and :meth:`FakeX.server_error_next`, or any answer with :func:`problem` and ``fail_next``.

The read side, for the monitor:

* ``GET /2/tweets/search/recent`` understands ``query=conversation_id:<id>`` only. It
  keeps X's rules: ``max_results`` 10-100 (``page_size`` makes pages smaller, so tests
  page with a handful of replies), newest first, the last 7 days only, ``start_time``
  inclusive and refused before the window or less than 10 s ago, ``since_id``, an
  opaque ``meta.next_token``, no ``data`` key when nothing is found, fields only when
  asked for (``tweet.fields``, ``expansions=author_id``). The conversation's root post
  is returned too when it is in the window (the client must skip it).
  ``search_enrolled = False`` answers X's 403 ``client-not-enrolled``.
* ``GET /2/tweets/<id>?tweet.fields=public_metrics`` answers the posts the fake holds;
  a deleted or unknown post is X's 200 with an ``errors`` list and no ``data``.
* Tests add replies with :meth:`FakeX.add_comment` (to a post made through the client
  or :meth:`FakeX.add_post`), set counts with :meth:`FakeX.set_metrics` and delete with
  :meth:`FakeX.delete_post`. Reply ids are snowflakes made from their time, as X's are.
* Reads pass the same OAuth check: the query parameters are part of the signature.
  A Read-only app (:meth:`FakeX.forbid_writes`) can still read.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, quote, unquote

from ..channels.x import API_URL_VARIABLE
from .server import FakeServer, Recorded, Reply

CONSUMER_KEY = "fake-x-consumer-key-4c1f"
CONSUMER_SECRET = "fake-x-consumer-secret-9b7e2a"
ACCESS_TOKEN = "1234567890-fake-x-access-token-5d3a"
ACCESS_TOKEN_SECRET = "fake-x-access-token-secret-8e6b1c"
USER_TOKEN = "fake-x-oauth2-user-token-2f9d7a"

UPLOAD = r"/2/media/upload"
METADATA = r"/2/media/metadata"
TWEETS = r"/2/tweets"
SEARCH = r"/2/tweets/search/recent"
LOOKUP = r"/2/tweets/(\d+)"

RATE_LIMITS = {TWEETS: 100, UPLOAD: 500, METADATA: 500, SEARCH: 300, LOOKUP: 900}
"""Requests per 15-minute window (``POST /2/tweets``: 100 per user, from PLATFORMS.md; recent search 300 and
post lookup 900 per user, from X's rate-limit table)."""
METHODS = {SEARCH: "GET", LOOKUP: "GET"}
"""The method of each read route; every other route is a POST."""

WINDOW_SECONDS = 15 * 60
MAX_ALT_CHARS = 1000
MAX_MEDIA = 4
CLOCK_SKEW_SECONDS = 300
FIRST_ID = 1_990_000_000_000_000_000
"""Ids look like X's snowflakes: 19-digit numbers, handed out as strings."""
TWEPOCH_MS = 1_288_834_974_657
"""X's snowflake epoch: an id is (milliseconds since it) << 22, plus a sequence number."""
SEARCH_WINDOW_SECONDS = 7 * 24 * 3600
METRIC_NAMES = ("retweet_count", "reply_count", "like_count", "quote_count", "bookmark_count", "impression_count")
ACCOUNT_ID = "1501234567890123456"
ACCOUNT_USERNAME = "MoChildrensDiv"


def problem(status: int, title: str, detail: str, *, type_: str = "about:blank", headers: dict[str, str] | None = None,
            **extra: Any) -> Reply:
    """An answer in X's problem+json shape."""
    body = {"title": title, "detail": detail, "type": type_, "status": status, **extra}
    return Reply(status, body, headers={"Content-Type": "application/problem+json", **(headers or {})})


def unauthorized() -> Reply:
    return problem(401, "Unauthorized", "Unauthorized")


def duplicate() -> Reply:
    return problem(403, "Forbidden", "You are not allowed to create a Tweet with duplicate content.")


def not_permitted() -> Reply:
    """What X answers when the token lacks write permission (an app set to Read only)."""
    return problem(403, "Forbidden", "You are not permitted to perform this action.")


def client_not_enrolled() -> Reply:
    """What X answers when the app is not attached to a project with the right access level."""
    return problem(403, "Client Forbidden",
                   "When authenticating requests to the Twitter API v2 endpoints, you must use keys and tokens "
                   "from a Twitter developer App that is attached to a Project. You can create a project via the "
                   "developer portal.",
                   type_="https://api.twitter.com/2/problems/client-forbidden", reason="client-not-enrolled",
                   required_enrollment="Appropriate Level of API Access",
                   registration_url="https://developer.twitter.com/en/docs/projects/overview")


def limited_access() -> Reply:
    """X's 403 for an endpoint outside the app's access level (the Free level's answer to a search)."""
    return Reply(403, {"errors": [{"message": "You currently have access to a subset of X API V2 endpoints and "
                                              "limited v1.1 endpoints (e.g. media post, oauth) only. If you need "
                                              "access to this endpoint, you may need a different access level. You "
                                              "can learn more here: https://developer.x.com/en/portal/product",
                                   "code": 453}]})


def oauth1_permissions() -> Reply:
    """X's 403 when the app's OAuth 1.0a permissions do not cover the endpoint."""
    return problem(403, "Forbidden", "Your client app is not configured with the appropriate oauth1 app permissions "
                                     "for this endpoint.", type_="https://api.twitter.com/2/problems/oauth1-permissions")


def credits_depleted() -> Reply:
    """A pay-per-use 402. The body is this fake's guess (X documents no shape); the client keys on the status."""
    return problem(402, "CreditsDepleted", "Your enrolled account does not have any credits to fulfill this request.",
                   type_="https://api.twitter.com/2/problems/credits")


def usage_capped() -> Reply:
    """X's 429 for a plan's monthly cap: rate-limit headers show requests left, yet nothing passes."""
    return problem(429, "UsageCapExceeded", "Usage cap exceeded: Monthly product cap",
                   type_="https://api.twitter.com/2/problems/usage-capped", period="Monthly", scope="Product")


def not_found_error(post_id: str) -> dict[str, str]:
    """One entry of the ``errors`` list X answers (with 200) for a post that does not exist."""
    return {"value": post_id, "detail": f"Could not find tweet with id: [{post_id}].", "title": "Not Found Error",
            "resource_type": "tweet", "parameter": "id", "resource_id": post_id,
            "type": "https://api.twitter.com/2/problems/resource-not-found"}


def x_time(epoch: float) -> str:
    """A time the way X writes ``created_at``: ``2030-07-22T15:04:05.000Z``."""
    moment = datetime.fromtimestamp(epoch, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def invalid_request(message: str, parameters: dict[str, list[str]]) -> Reply:
    """A 400 for a bad parameter: problem+json with X's ``errors`` list."""
    return problem(400, "Invalid Request", "One or more parameters to your request was invalid.",
                   type_="https://api.twitter.com/2/problems/invalid-request",
                   errors=[{"parameters": parameters, "message": message}])


def percent_encode(value: str) -> str:
    """RFC 3986 percent-encoding as OAuth 1.0a requires: only ``A-Z a-z 0-9 - . _ ~`` stay."""
    return quote(value, safe="~")


def oauth1_signature(method: str, base_url: str, params: Iterable[tuple[str, str]], *, consumer_secret: str,
                     token_secret: str) -> str:
    """The HMAC-SHA1 signature of a request (RFC 5849 section 3.4), written from the spec for the fake.

    ``base_url`` is scheme, host and path without the query; ``params`` are the query
    parameters, the ``oauth_*`` values (without ``oauth_signature``) and the fields of a
    form-urlencoded body, decoded.
    """
    pairs = sorted((percent_encode(key), percent_encode(value)) for key, value in params)
    normalized = "&".join(f"{key}={value}" for key, value in pairs)
    base_string = "&".join((method.upper(), percent_encode(base_url), percent_encode(normalized)))
    key = f"{percent_encode(consumer_secret)}&{percent_encode(token_secret)}"
    digest = hmac.new(key.encode(), base_string.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def parse_oauth_header(value: str) -> dict[str, str]:
    """The ``key="value"`` pairs of an ``Authorization: OAuth ...`` header, decoded; {} when it is not one."""
    if not value.startswith("OAuth "):
        return {}
    return {key: unquote(item) for key, item in re.findall(r'([A-Za-z_]+)="([^"]*)"', value)}


@dataclass
class FakeMedia:
    """An uploaded photo as the fake keeps it."""

    id: str
    media_key: str
    filename: str
    content: bytes
    category: str
    alt_text: str | None = None


@dataclass
class FakeTweet:
    """A created post: its text and the media attached, with the alt text each had when it was posted."""

    id: str
    text: str
    media_ids: list[str] = field(default_factory=list)
    alt_texts: list[str | None] = field(default_factory=list)
    created_at: float = 0.0
    metrics: dict[str, int] = field(default_factory=lambda: dict.fromkeys(METRIC_NAMES, 0))
    """X's ``public_metrics``; a name left out is left out of the answer too."""
    deleted: bool = False


@dataclass
class FakeUser:
    id: str
    username: str
    name: str


@dataclass
class FakeReply:
    """A post in a conversation: ``parent_id`` is the post it replies to (the root or another reply)."""

    id: str
    conversation_id: str
    text: str
    author_id: str
    created_at: float
    parent_id: str = ""
    in_reply_to_user_id: str = ""


@dataclass
class _Window:
    limit: int
    remaining: int
    reset: float


class FakeX(FakeServer):
    """X API v2 on 127.0.0.1. ``clock`` dates the rate-limit resets (tests pass their fake clock)."""

    SECRETS = (CONSUMER_KEY, CONSUMER_SECRET, ACCESS_TOKEN, ACCESS_TOKEN_SECRET, USER_TOKEN)
    """Every credential value the fake accepts: none may ever appear in a message or log."""

    def __init__(self, *, clock: Callable[[], float] = time.time) -> None:
        super().__init__()
        self.clock = clock
        self.media: dict[str, FakeMedia] = {}
        self.posts: list[FakeTweet] = []
        self.token_valid = True
        self.writes_allowed = True
        self.search_enrolled = True
        """False: recent search answers X's 403 ``client-not-enrolled`` (an access level without search)."""
        self.page_size: int | None = None
        """A page size below ``max_results`` (X's minimum is 10), so tests page through a few replies."""
        self.replies: list[FakeReply] = []
        self.users: dict[str, FakeUser] = {ACCOUNT_ID: FakeUser(ACCOUNT_ID, ACCOUNT_USERNAME,
                                                                "Missouri Children's Division")}
        self._nonces: set[str] = set()
        self._windows: dict[str, _Window] = {}
        self._page_tokens: dict[str, tuple[str, int]] = {}
        self.route("POST", UPLOAD, self._guarded(UPLOAD, self._upload))
        self.route("POST", METADATA, self._guarded(METADATA, self._metadata))
        self.route("POST", TWEETS, self._guarded(TWEETS, self._create))
        self.route("GET", SEARCH, self._guarded(SEARCH, self._search, writes=False))
        self.route("GET", LOOKUP, self._guarded(LOOKUP, self._lookup, writes=False))

    # ------------------------------------------------------------------ credentials

    def env(self, *, oauth2: bool = False) -> dict[str, str]:
        """The environment a client needs to talk to this fake: OAuth 1.0a keys, or an OAuth 2.0 user token."""
        if oauth2:
            return {"X_USER_TOKEN": USER_TOKEN, API_URL_VARIABLE: self.url}
        return {"X_API_KEY": CONSUMER_KEY, "X_API_SECRET": CONSUMER_SECRET, "X_ACCESS_TOKEN": ACCESS_TOKEN,
                "X_ACCESS_TOKEN_SECRET": ACCESS_TOKEN_SECRET, API_URL_VARIABLE: self.url}

    # ------------------------------------------------------------------ scripting errors

    def rate_limit_next(self, *, reset_in: float = WINDOW_SECONDS, path: str = TWEETS, times: int = 1) -> None:
        """Answer the next ``times`` requests to ``path`` with 429; the window resets ``reset_in`` seconds from now."""
        reset = str(int(self.clock() + reset_in))
        headers = {"x-rate-limit-limit": str(RATE_LIMITS.get(path, 100)), "x-rate-limit-remaining": "0",
                   "x-rate-limit-reset": reset}
        self.fail_next(METHODS.get(path, "POST"), path,
                       problem(429, "Too Many Requests", "Too Many Requests", headers=headers), times=times)

    def expire_token(self) -> None:
        """From now on every request is refused with 401, as after a revoked or expired token."""
        self.token_valid = False

    def forbid_writes(self) -> None:
        """From now on every write is refused with 403, as for a token with Read-only permission (reads pass)."""
        self.writes_allowed = False

    def reject_duplicate_next(self, *, times: int = 1) -> None:
        """Refuse the next create requests as duplicates, whatever their text."""
        self.fail_next("POST", TWEETS, self._with_limits(TWEETS, duplicate()), times=times)

    def server_error_next(self, *, status: int = 503, path: str = TWEETS, times: int = 1) -> None:
        """Answer the next ``times`` requests to ``path`` with a 5xx in X's shape."""
        titles = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout"}
        title = titles.get(status, "Server Error")
        self.fail_next(METHODS.get(path, "POST"), path, self._with_limits(path, problem(status, title, title)),
                       times=times)

    # ------------------------------------------------------------------ replies and metrics

    def add_post(self, text: str = "A post of the agency", *, created_at: float | str | None = None) -> str:
        """A post of the account, as if made earlier (without the client); returns its id."""
        post = FakeTweet(str(FIRST_ID + self.new_id()), text, created_at=self._epoch(created_at))
        with self._lock:
            self.posts.append(post)
        return post.id

    def add_comment(self, post_id: str, text: str, *, author: str = "concerned_neighbor", name: str = "",
                    created_at: float | str | None = None, parent_id: str = "") -> str:
        """A reply in ``post_id``'s conversation, to the post or to the reply ``parent_id``; returns its id.

        ``author`` is the username (a new one becomes a user); ``created_at`` an epoch or
        ISO time, the fake's clock when left out.
        """
        post = self._post(post_id)
        if post is None:
            raise KeyError(f"the fake has no post {post_id}: make it with the client or add_post() first")
        parent_author = ACCOUNT_ID
        if parent_id and parent_id != post_id:
            parent = next((reply for reply in self.replies if reply.id == parent_id), None)
            if parent is None or parent.conversation_id != post_id:
                raise KeyError(f"the fake has no reply {parent_id} in the conversation of {post_id}")
            parent_author = parent.author_id
        user = self._user(author, name)
        moment = self._epoch(created_at)
        reply = FakeReply(self._snowflake(moment), post_id, text, user.id, moment, parent_id or post_id, parent_author)
        with self._lock:
            self.replies.append(reply)
            if reply.parent_id == post_id and "reply_count" in post.metrics:
                post.metrics["reply_count"] += 1  # X counts the direct replies
        return reply.id

    def set_metrics(self, post_id: str, **counts: int | None) -> None:
        """Set ``public_metrics`` counts (``like_count=12``); None leaves that name out of X's answer."""
        post = self._post(post_id)
        if post is None:
            raise KeyError(f"the fake has no post {post_id}")
        for key, value in counts.items():
            if key not in METRIC_NAMES:
                raise KeyError(f"{key} is not one of X's public metrics {METRIC_NAMES}")
            if value is None:
                post.metrics.pop(key, None)
            else:
                post.metrics[key] = value

    def delete_post(self, post_id: str) -> None:
        """The account deletes the post: lookup answers "Not Found Error"; its replies stay searchable."""
        post = self._post(post_id)
        if post is None:
            raise KeyError(f"the fake has no post {post_id}")
        post.deleted = True

    def _post(self, post_id: str) -> FakeTweet | None:
        return next((post for post in self.posts if post.id == post_id), None)

    def _user(self, username: str, name: str) -> FakeUser:
        with self._lock:
            for user in self.users.values():
                if user.username == username:
                    return user
            user = FakeUser(str(1_000_000 + len(self.users)), username, name or username.replace("_", " ").title())
            self.users[user.id] = user
            return user

    def _epoch(self, value: float | str | None) -> float:
        if value is None:
            return self.clock()
        if isinstance(value, str):
            moment = datetime.fromisoformat(value)
            return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()
        return float(value)

    def _snowflake(self, epoch: float) -> str:
        return str(((int(epoch * 1000) - TWEPOCH_MS) << 22) + (self.new_id() & 0x3FFFFF))

    # ------------------------------------------------------------------ routes

    def _guarded(self, path: str, handler: Callable[[Recorded], Reply], *,
                 writes: bool = True) -> Callable[[Recorded, Any], Reply]:
        """Check the credentials, run ``handler`` and add the rate-limit headers X sends on every answer."""

        def serve(recorded: Recorded, _match: Any) -> Reply:
            window = self._window(path)
            if not self._authorized(recorded):
                reply = unauthorized()
            elif window.remaining <= 0:
                reply = problem(429, "Too Many Requests", "Too Many Requests")
            elif writes and not self.writes_allowed:
                reply = not_permitted()
            else:
                window.remaining -= 1
                reply = handler(recorded)
            return self._with_limits(path, reply)

        return serve

    def _with_limits(self, path: str, reply: Reply) -> Reply:
        """``reply`` with the endpoint's ``x-rate-limit-*`` headers, as X sends on every answer."""
        window = self._window(path)
        reply.headers.update({"x-rate-limit-limit": str(window.limit), "x-rate-limit-remaining": str(window.remaining),
                              "x-rate-limit-reset": str(int(window.reset))})
        return reply

    def _window(self, path: str) -> _Window:
        now = self.clock()
        with self._lock:
            window = self._windows.get(path)
            if window is None or window.reset <= now:
                limit = RATE_LIMITS[path]
                window = self._windows[path] = _Window(limit, limit, now + WINDOW_SECONDS)
            return window

    def _upload(self, recorded: Recorded) -> Reply:
        if not recorded.headers.get("content-type", "").startswith("multipart/form-data"):
            return invalid_request("The media upload must be multipart/form-data.", {"media": []})
        files = recorded.files()
        category = recorded.form().get("media_category", "")
        if "media" not in files:
            return invalid_request("The `media` field is required.", {"media": []})
        if category != "tweet_image":
            return invalid_request(f"media_category '{category}' is not valid for a photo.",
                                   {"media_category": [category]})
        filename, content = files["media"]
        number = FIRST_ID + self.new_id()
        media = FakeMedia(str(number), f"3_{number}", filename, content, category)
        with self._lock:
            self.media[media.id] = media
        return Reply(200, {"data": {"id": media.id, "media_key": media.media_key, "size": len(content),
                                    "expires_after_secs": 86400, "image": {"image_type": "image/jpeg"}}})

    def _metadata(self, recorded: Recorded) -> Reply:
        body = _json_object(recorded)
        if body is None:
            return invalid_request("The body must be a JSON object (Content-Type: application/json).", {})
        media_id = str(body.get("id", ""))
        alt = (((body.get("metadata") or {}).get("alt_text") or {}).get("text"))
        if media_id not in self.media:
            return invalid_request(f"The media id {media_id} was not found.", {"id": [media_id]})
        if not isinstance(alt, str) or len(alt) > MAX_ALT_CHARS:
            return invalid_request(f"alt_text.text must be text of at most {MAX_ALT_CHARS} characters.",
                                   {"metadata.alt_text.text": []})
        self.media[media_id].alt_text = alt
        return Reply(200, {"data": {"id": media_id, "associated_metadata": {"alt_text": {"text": alt}}}})

    def _create(self, recorded: Recorded) -> Reply:
        body = _json_object(recorded)
        if body is None:
            return invalid_request("The body must be a JSON object (Content-Type: application/json).", {})
        text = body.get("text")
        media_ids = [str(item) for item in (body.get("media") or {}).get("media_ids", [])]
        unknown = [item for item in media_ids if item not in self.media]
        if unknown or len(media_ids) > MAX_MEDIA:
            return invalid_request("Your media IDs are invalid.", {"media.media_ids": media_ids})
        if not isinstance(text, str) or not (text or media_ids):
            return invalid_request("The `text` field is required when there is no media.", {"text": []})
        post = FakeTweet(str(FIRST_ID + self.new_id()), text, media_ids,
                         [self.media[item].alt_text for item in media_ids], created_at=self.clock())
        with self._lock:
            if any(earlier.text == text for earlier in self.posts):
                return duplicate()
            self.posts.append(post)
        return Reply(201, {"data": {"id": post.id, "text": text, "edit_history_tweet_ids": [post.id]}})

    def _search(self, recorded: Recorded) -> Reply:
        if not self.search_enrolled:
            return client_not_enrolled()
        query = recorded.param("query") or ""
        wanted = re.fullmatch(r"\s*conversation_id:(\d+)\s*", query)
        if wanted is None:
            return invalid_request("The fake understands only the query conversation_id:<id>.", {"query": [query]})
        max_results = recorded.param("max_results") or "10"
        if not max_results.isdigit() or not 10 <= int(max_results) <= 100:
            return invalid_request(f"The `max_results` query parameter value [{max_results}] is not between 10 and "
                                   "100", {"max_results": [max_results]})
        now = self.clock()
        oldest = now - SEARCH_WINDOW_SECONDS
        start_text = recorded.param("start_time")
        if start_text is not None:
            start, refusal = _start_time(start_text, now=now, oldest=oldest)
            if refusal:
                return invalid_request(f"Invalid 'start_time':'{start_text}'. {refusal}", {"start_time": [start_text]})
            oldest = max(oldest, start)  # inclusive, as X's is
        since_id = recorded.param("since_id") or "0"
        if not since_id.isdigit():
            return invalid_request(f"The `since_id` query parameter value [{since_id}] is not valid",
                                   {"since_id": [since_id]})
        found = [reply for reply in self._conversation(wanted.group(1))
                 if oldest <= reply.created_at <= now and int(reply.id) > int(since_id)]
        found.sort(key=lambda reply: int(reply.id), reverse=True)  # X answers newest first
        key = f"{query}|{start_text}|{since_id}"
        offset = 0
        token = recorded.param("next_token")
        if token is not None:
            state = self._page_tokens.get(token)
            if state is None or state[0] != key:
                return invalid_request(f"The `next_token` query parameter value [{token}] is not valid",
                                       {"next_token": [token]})
            offset = state[1]
        size = min(int(max_results), self.page_size or int(max_results))
        page = found[offset:offset + size]
        meta: dict[str, Any] = {"result_count": len(page)}
        if page:
            meta.update(newest_id=page[0].id, oldest_id=page[-1].id)
        if offset + size < len(found):
            meta["next_token"] = uuid.uuid4().hex[:18]
            self._page_tokens[meta["next_token"]] = (key, offset + size)
        if not page:
            return Reply(200, {"meta": meta})  # no "data" key when nothing was found
        fields = set((recorded.param("tweet.fields") or "").split(","))
        body: dict[str, Any] = {"data": [_reply_json(reply, fields) for reply in page], "meta": meta}
        if "author_id" in (recorded.param("expansions") or "").split(","):
            authors = dict.fromkeys(reply.author_id for reply in page)
            body["includes"] = {"users": [{"id": user.id, "name": user.name, "username": user.username}
                                          for user in (self.users.get(author) for author in authors) if user]}
        return Reply(200, body)

    def _conversation(self, conversation_id: str) -> list[FakeReply]:
        """The conversation's posts: the root (while it exists) and every reply."""
        posts = [reply for reply in self.replies if reply.conversation_id == conversation_id]
        root = self._post(conversation_id)
        if root is not None and not root.deleted:
            posts.append(FakeReply(root.id, root.id, root.text, ACCOUNT_ID, root.created_at))
        return posts

    def _lookup(self, recorded: Recorded) -> Reply:
        match = re.fullmatch(LOOKUP, recorded.path)
        post_id = match.group(1) if match else ""
        post = self._post(post_id)
        if post is None or post.deleted:
            return Reply(200, {"errors": [not_found_error(post_id)]})  # X answers 200 without data
        data: dict[str, Any] = {"id": post.id, "text": post.text, "edit_history_tweet_ids": [post.id]}
        if "public_metrics" in (recorded.param("tweet.fields") or "").split(","):
            data["public_metrics"] = dict(post.metrics)
        return Reply(200, {"data": data})

    # ------------------------------------------------------------------ authentication

    def _authorized(self, recorded: Recorded) -> bool:
        if not self.token_valid:
            return False
        header = recorded.headers.get("authorization", "")
        if header.startswith("Bearer "):
            return hmac.compare_digest(header.removeprefix("Bearer "), USER_TOKEN)
        return self._valid_oauth1(recorded, parse_oauth_header(header))

    def _valid_oauth1(self, recorded: Recorded, oauth: dict[str, str]) -> bool:
        required = ("oauth_consumer_key", "oauth_token", "oauth_signature_method", "oauth_timestamp",
                    "oauth_nonce", "oauth_signature")
        if any(name not in oauth for name in required) or oauth["oauth_signature_method"] != "HMAC-SHA1":
            return False
        if oauth["oauth_consumer_key"] != CONSUMER_KEY or oauth["oauth_token"] != ACCESS_TOKEN:
            return False
        if not oauth["oauth_timestamp"].isdigit() or abs(int(oauth["oauth_timestamp"]) - time.time()) > \
                CLOCK_SKEW_SECONDS:
            return False
        with self._lock:  # X refuses a nonce it has seen: every attempt must be signed afresh
            if oauth["oauth_nonce"] in self._nonces:
                return False
            self._nonces.add(oauth["oauth_nonce"])
        params = [(key, value) for key, values in recorded.query.items() for value in values]
        params += [(key, value) for key, value in oauth.items() if key not in ("oauth_signature", "realm")]
        if recorded.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            params += parse_qsl(recorded.body.decode(), keep_blank_values=True)
        base_url = f"http://{recorded.headers.get('host', '').lower()}{recorded.path}"
        expected = oauth1_signature(recorded.method, base_url, params, consumer_secret=CONSUMER_SECRET,
                                    token_secret=ACCESS_TOKEN_SECRET)
        return hmac.compare_digest(expected, oauth["oauth_signature"])


def _reply_json(reply: FakeReply, fields: set[str]) -> dict[str, Any]:
    """A post of a search page: id, text and edit history always, the other fields when asked for."""
    item: dict[str, Any] = {"id": reply.id, "text": reply.text, "edit_history_tweet_ids": [reply.id]}
    optional: dict[str, Any] = {"author_id": reply.author_id, "created_at": x_time(reply.created_at),
                                "conversation_id": reply.conversation_id}
    if reply.parent_id:
        optional["in_reply_to_user_id"] = reply.in_reply_to_user_id
        optional["referenced_tweets"] = [{"type": "replied_to", "id": reply.parent_id}]
    item.update({key: value for key, value in optional.items() if key in fields})
    return item


def _start_time(text: str, *, now: float, oldest: float) -> tuple[float, str]:
    """``start_time`` as an epoch, and why X would refuse it ('' when it would not)."""
    start = _parse_x_time(text)
    if start is None:
        return 0.0, "'start_time' must be a valid RFC 3339 time (YYYY-MM-DDTHH:mm:ssZ)"
    if start < oldest:
        return start, f"'start_time' must be on or after {time.strftime('%Y-%m-%dT%H:%MZ', time.gmtime(oldest))}"
    if start > now - 10:
        return start, "'start_time' must be a minimum of 10 seconds prior to the request time."
    return start, ""


def _parse_x_time(text: str) -> float | None:
    """An RFC 3339 time as X takes it (``2030-07-22T15:04:05Z``), None when it is not one."""
    if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)", text):
        return None
    try:
        return datetime.fromisoformat(text).timestamp()
    except ValueError:
        return None


def _json_object(recorded: Recorded) -> dict[str, Any] | None:
    if not recorded.headers.get("content-type", "").startswith("application/json"):
        return None
    try:
        value = recorded.json()
    except ValueError:
        return None
    return value if isinstance(value, dict) else None
