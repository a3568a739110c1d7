"""What every network client shares: the post to send, the answer, and careful HTTP.

A client (one module per network) turns an :class:`OutgoingPost` into the network's
requests and returns :class:`Published`, or raises one of the
:class:`~postdesk.errors.ChannelError` classes, classified from the network's real
error shapes. Posting decides what each class means for the ledger; the client only
says what happened.

Retries live here, in :class:`Api`, so every network follows the same rules:

* a request that never left this machine is **not sent**, and says so: a connection
  that was never made (refused, DNS, TLS set-up, connect timeout), a request that could
  not be built or written out (an invalid header value, an address that is not valid).
  It is retried, and the item goes back to scheduled, never ``unknown``. Only an error
  that proves nothing left counts: whatever may have happened after the request was
  sent (a read timeout, a dropped connection) counts as possibly sent;
* a 5xx answer or a read timeout on an *upload* is retried: uploads publish nothing;
* on the request that *creates the post*, only answers that prove the post was not
  made are retried (502, 503 and a refused connection). A read timeout, a dropped
  connection, 500 or 504 may mean the network made the post anyway, so the error
  says ``maybe_sent`` and the item becomes ``unknown`` for a person to confirm:
  posting twice is worse than posting late;
* a rate limit whose reset is at most ``max_wait`` seconds away is waited out;
  a later reset is raised as :class:`~postdesk.errors.RateLimited` for the next run.

Timeouts are set on every call (connect 5 s, the rest 30 s; uploads of a few MB take
seconds). Credentials travel in headers, never in URLs, so an error that names a URL
never names a secret. Each client passes a network's own words through
:func:`postdesk.secrecy.clean_error_text` (token-like text masked, capped) when it builds an
error; :class:`Api` then masks every form of its secrets (:func:`redact`) in the whole
message, and keeps it on one line, before the error leaves it. No exception's own text
(an HTTP library's, which can quote a header) goes into a message: only its class name.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Protocol

import httpx

from ..errors import ChannelError, RateLimited, Unavailable, UsageError
from ..secrecy import clean_error_text, mask_secrets, one_line, read_credential

TIMEOUT = httpx.Timeout(30.0, connect=5.0)
USER_AGENT = "postdesk/0.1 (+https://github.com/postdesk)"


@dataclass(frozen=True)
class Photo:
    """A scrubbed, resized rendition to upload and the alt text the network shows for it."""

    path: Path
    alt: str


@dataclass(frozen=True)
class OutgoingPost:
    """Exactly what goes out on one network: ``item`` is the submission's file stem."""

    item: str
    channel: str
    text: str
    link: str | None = None
    photos: tuple[Photo, ...] = ()


@dataclass(frozen=True)
class Published:
    """The network's answer: its id for the post and the address people can open."""

    post_id: str
    url: str


BeforePublish = Callable[[Sequence[str]], None]
"""Called with the uploaded media ids right before the request that creates the post.

Posting records (and commits) that the uploads are done, so a run that dies after this
point knows the post may exist, and a run that dies before it knows it cannot.
"""


class Channel(Protocol):
    """The one interface every network client offers."""

    name: ClassVar[str]
    """``"facebook"``, ``"x"`` or ``"linkedin"``."""

    def publish(self, post: OutgoingPost, *, before_publish: BeforePublish) -> Published:
        """Upload the photos, call ``before_publish``, create the post; raise ChannelError on failure."""
        ...

    def describe(self, post: OutgoingPost) -> list[str]:
        """The requests :meth:`publish` would send, one line each, for ``--dry-run`` (no secrets)."""
        ...

    def close(self) -> None:
        """Close the client's connections."""
        ...


@dataclass(frozen=True)
class Comment:
    """A comment or reply on one of the agency's posts, as the monitor reports it.

    ``id`` is the network's id for the comment (unique per network); ``post_id`` the
    ledger's id of the post it belongs to; ``created_at`` ISO 8601 in UTC
    (``2030-07-22T15:04:05Z``); ``url`` a direct link a person can open to answer or hide it.
    """

    id: str
    channel: str
    post_id: str
    text: str
    created_at: str
    url: str
    author: str = ""
    parent_id: str = ""
    """The comment this one answers, when it is a reply to a comment."""


@dataclass(frozen=True)
class Engagement:
    """What a network says about one post; ``None`` where its API does not offer the number."""

    reactions: int | None = None
    """Reactions or likes."""
    shares: int | None = None
    """Shares, reposts."""
    comments: int | None = None
    impressions: int | None = None


class Watcher(Protocol):
    """What the monitor asks of every network client (the same classes as :class:`Channel`)."""

    name: ClassVar[str]

    def comments(self, post_id: str, *, since: str = "") -> list[Comment]:
        """Every comment on the post (newer than ``since``, ISO UTC, when the API can filter), all pages."""
        ...

    def engagement(self, post_id: str) -> Engagement:
        """The post's reactions, shares, comments and impressions, where the API offers them."""
        ...


@dataclass(frozen=True)
class RetryPolicy:
    """How hard a client tries within one run. Tests pass ``sleep`` and ``clock`` to run instantly."""

    attempts: int = 3
    backoff: float = 2.0
    """Seconds before the second attempt; doubled each time."""
    max_wait: float = 60.0
    """The longest rate-limit reset a run waits for; a later one is left to the next run."""
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.time


Classify = Callable[[httpx.Response], ChannelError]
"""A network's reading of a failed answer: the right ChannelError class, with a useful message."""


@dataclass
class Api:
    """An HTTP client for one network: base URL, headers, timeouts, classification, retries."""

    channel: str
    base_url: str
    classify: Classify
    headers: Mapping[str, str] = field(default_factory=dict, repr=False)  # may hold a token
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    secrets: tuple[str, ...] = field(default=(), repr=False)
    transport: httpx.BaseTransport | None = None
    _client: httpx.Client | None = field(default=None, init=False, repr=False)

    @property
    def client(self) -> httpx.Client:
        if self._client is None:
            self._client = httpx.Client(base_url=self.base_url.rstrip("/"), timeout=TIMEOUT,
                                        headers={"User-Agent": USER_AGENT, **self.headers},
                                        transport=self.transport, follow_redirects=False)
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def request(self, method: str, url: str, *, creates_post: bool = False,
                sign: Callable[[httpx.Request], httpx.Request] | None = None, **options: Any) -> httpx.Response:
        """Send one request with this network's retry rules; return the successful response.

        ``sign`` rewrites each attempt's request before it is sent (OAuth 1.0a signs
        every attempt afresh: its nonce and timestamp must be new each time).
        """
        policy = self.policy
        for attempt in range(1, policy.attempts + 1):
            error = self._attempt(method, url, creates_post=creates_post, sign=sign, options=options)
            if isinstance(error, httpx.Response):
                return error
            last = attempt == policy.attempts
            if isinstance(error, Unavailable) and not error.maybe_sent and not last:
                policy.sleep(policy.backoff * 2 ** (attempt - 1))
                continue
            if isinstance(error, RateLimited) and not last:
                wait = error.retry_at - policy.clock()
                if wait <= policy.max_wait:
                    policy.sleep(max(wait, 0.0))
                    continue
            raise error
        raise AssertionError("unreachable")

    def _attempt(self, method: str, url: str, *, creates_post: bool,
                 sign: Callable[[httpx.Request], httpx.Request] | None,
                 options: dict[str, Any]) -> httpx.Response | ChannelError:
        what = f"{method} {_path_only(url)}"
        try:
            request = self.client.build_request(method, url, **options)
            if sign is not None:
                request = sign(request)
        except (httpx.HTTPError, httpx.InvalidURL, ValueError) as exc:  # ValueError: a header that is not ASCII
            return Unavailable(f"{what}: not sent: the request could not be built ({type(exc).__name__})",
                               channel=self.channel)
        try:
            response = self.client.send(request)
        except NOT_SENT as exc:
            return Unavailable(f"{what}: not sent: could not connect or write the request ({type(exc).__name__})",
                               channel=self.channel)
        except httpx.HTTPError as exc:
            return Unavailable(f"{what}: no answer ({type(exc).__name__})", channel=self.channel,
                               maybe_sent=creates_post)
        if response.is_success:
            return response
        error = self.classify(response)
        error.message = one_line(redact(f"{what}: {error.message}", self.secrets))
        error.hint = redact(error.hint, self.secrets)
        error.args = (error.message,)  # repr() shows args: they must be the redacted text too
        error.channel = self.channel
        error.status = response.status_code
        if isinstance(error, Unavailable) and creates_post and response.status_code not in (502, 503):
            error.maybe_sent = True
        return error


NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol,
            httpx.ProxyError, httpx.LocalProtocolError)
"""Errors that prove the request did not reach the network.

No connection was made (refused, DNS, TLS set-up, a proxy's refusal, a connect or pool
timeout, a scheme that is not http), or this side refused to write the request out
(``LocalProtocolError``: an invalid header value, found before the request was complete,
so the network cannot have acted on it). Everything else after sending began (a read or
write timeout, a dropped connection, an answer that breaks the protocol) may have reached it.
"""


def _path_only(url: str) -> str:
    """The path of ``url`` without its query: queries may carry ids people need not see."""
    if "://" not in url:
        return url.split("?", 1)[0]
    try:
        return httpx.URL(url).path
    except httpx.InvalidURL:  # an upload address from an answer, say: not shown, since it is not valid
        return "<an address that is not valid>"


def retry_at_from_reset(value: str | None, *, clock: Callable[[], float], default_wait: float = 900.0) -> float:
    """A reset header (UTC epoch seconds, as X sends ``x-rate-limit-reset``) or now + ``default_wait``."""
    try:
        return float(value) if value else clock() + default_wait
    except ValueError:
        return clock() + default_wait


def retry_at_from_retry_after(value: str | None, *, clock: Callable[[], float], default_wait: float = 900.0) -> float:
    """A ``Retry-After`` header in seconds, or now + ``default_wait``."""
    try:
        return clock() + float(value) if value else clock() + default_wait
    except ValueError:
        return clock() + default_wait


def json_or_empty(response: httpx.Response) -> dict[str, Any]:
    """The response's JSON object, or ``{}`` when it is not one (an HTML error page, an empty body)."""
    try:
        value = response.json()
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret value (at least 4 characters) replaced by ``***``, in every form.

    As it is, URL-encoded, base64-encoded, and any piece of 6 characters or more from its
    start or end (:func:`postdesk.secrecy.mask_secrets`).
    """
    return mask_secrets(text, secrets)


class RedactingFilter(logging.Filter):
    """Masks secrets in log records, for libraries (httpx, httpcore) that log what they send.

    Besides the configured secrets, token-like text (``access_token=…`` in an address,
    ``Bearer …``) is masked as in a network's words, on one line, without a length cap.
    """

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = tuple(secret for secret in secrets if secret and len(secret) >= 4)

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = clean_error_text(record.getMessage(), self.secrets, limit=None)
        record.args = ()
        return True


def read_photo(photo: Photo) -> bytes:
    """The rendition's bytes, or a ChannelError naming the file when it cannot be read."""
    try:
        return photo.path.read_bytes()
    except OSError as exc:
        raise ChannelError(f"the photo {photo.path} cannot be read: {exc.strerror}",
                           hint="Run 'postdesk approve' again: it rewrites missing renditions.",
                           path=photo.path) from None


def parse_since(since: str) -> dt.datetime | None:
    """``since`` (ISO 8601; UTC when it names no zone) as an aware UTC datetime, None when empty."""
    text = since.strip()
    if not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(f"'since' must be an ISO 8601 time such as 2030-07-22T15:04:05Z, not {since!r}",
                         hint="Pass the time of the previous monitor run, or nothing to read every comment.") from None
    return (moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)


def asked(response: httpx.Response) -> tuple[str, str]:
    """The method and (decoded) path of the request an answer belongs to; ``("", "")`` when unknown.

    Clients classify a read and a write of the same status differently (a 403 on a read
    is a missing read permission, on a post a missing write permission).
    """
    try:
        request = response.request
    except RuntimeError:  # an answer built without its request (the classification tests)
        return "", ""
    return request.method, request.url.path


def credentials(env: Mapping[str, str], *names: str) -> tuple[str, ...] | None:
    """The values of ``names`` in ``env``, or None when one is missing or blank.

    Each is read by :func:`postdesk.secrecy.read_credential`: whitespace around it (a
    secret pasted with a trailing newline) is removed, and a value with a line break, a
    space or a character that is not ASCII inside raises CredentialError naming it.
    """
    values = tuple(read_credential(env, name) for name in names)
    return values if all(values) else None
