"""A loopback fake of the X API v2: media upload, alt text, create a post.

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
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
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

RATE_LIMITS = {TWEETS: 100, UPLOAD: 500, METADATA: 500}
"""Requests per 15-minute window (``POST /2/tweets``: 100 per user, from PLATFORMS.md)."""

WINDOW_SECONDS = 15 * 60
MAX_ALT_CHARS = 1000
MAX_MEDIA = 4
CLOCK_SKEW_SECONDS = 300
FIRST_ID = 1_990_000_000_000_000_000
"""Ids look like X's snowflakes: 19-digit numbers, handed out as strings."""


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
        self._nonces: set[str] = set()
        self._windows: dict[str, _Window] = {}
        self.route("POST", UPLOAD, self._guarded(UPLOAD, self._upload))
        self.route("POST", METADATA, self._guarded(METADATA, self._metadata))
        self.route("POST", TWEETS, self._guarded(TWEETS, self._create))

    # Two stopgaps that belong in FakeServer (every fake needs them); remove them once it has them.

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
        self.fail_next("POST", path, problem(429, "Too Many Requests", "Too Many Requests", headers=headers),
                       times=times)

    def expire_token(self) -> None:
        """From now on every request is refused with 401, as after a revoked or expired token."""
        self.token_valid = False

    def forbid_writes(self) -> None:
        """From now on every request is refused with 403, as for a token with Read-only permission."""
        self.writes_allowed = False

    def reject_duplicate_next(self, *, times: int = 1) -> None:
        """Refuse the next create requests as duplicates, whatever their text."""
        self.fail_next("POST", TWEETS, self._with_limits(TWEETS, duplicate()), times=times)

    def server_error_next(self, *, status: int = 503, path: str = TWEETS, times: int = 1) -> None:
        """Answer the next ``times`` requests to ``path`` with a 5xx in X's shape."""
        titles = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout"}
        title = titles.get(status, "Server Error")
        self.fail_next("POST", path, self._with_limits(path, problem(status, title, title)), times=times)

    # ------------------------------------------------------------------ routes

    def _guarded(self, path: str, handler: Callable[[Recorded], Reply]) -> Callable[[Recorded, Any], Reply]:
        """Check the credentials, run ``handler`` and add the rate-limit headers X sends on every answer."""

        def serve(recorded: Recorded, _match: Any) -> Reply:
            window = self._window(path)
            if not self._authorized(recorded):
                reply = unauthorized()
            elif window.remaining <= 0:
                reply = problem(429, "Too Many Requests", "Too Many Requests")
            elif not self.writes_allowed:
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
                         [self.media[item].alt_text for item in media_ids])
        with self._lock:
            if any(earlier.text == text for earlier in self.posts):
                return duplicate()
            self.posts.append(post)
        return Reply(201, {"data": {"id": post.id, "text": text, "edit_history_tweet_ids": [post.id]}})

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


def _json_object(recorded: Recorded) -> dict[str, Any] | None:
    if not recorded.headers.get("content-type", "").startswith("application/json"):
        return None
    try:
        value = recorded.json()
    except ValueError:
        return None
    return value if isinstance(value, dict) else None
