"""X (API v2): upload the photos, give each its alt text, create the post.

Requests, in order (every one through :class:`~.base.Api`, so the shared retry rules hold):

1. ``POST /2/media/upload`` per photo, multipart ``media`` + ``media_category=tweet_image``
   -> ``{"data": {"id", "media_key", ...}}``;
2. ``POST /2/media/metadata`` ``{"id", "metadata": {"alt_text": {"text"}}}`` per photo
   that has alt text (a photo without one gets no metadata call);
3. ``before_publish(media_ids)``, then ``POST /2/tweets`` ``{"text", "media": {"media_ids"}}``
   (``media`` left out without photos) -> 201 ``{"data": {"id", "text"}}``.

The link is not sent separately: :func:`postdesk.posttext.post_text` already put it in
the text, and X has no link field.

Decisions:

* **Credentials.** The four OAuth 1.0a values (user context) are preferred when all are
  set: they do not expire. Otherwise ``X_USER_TOKEN``, an OAuth 2.0 user token sent as
  ``Authorization: Bearer``; those last two hours, so the workflow must refresh it
  right before the run. Credentials are added by the ``sign`` hook of each attempt,
  never as default client headers, so no ``repr`` of the HTTP client holds them.
* **Signing.** ``oauthlib``'s OAuth 1.0a client signs every attempt afresh (new nonce
  and timestamp; X refuses a nonce it has seen). Only a form-urlencoded body is passed
  to it: JSON and multipart bodies are not part of the signature (oauthlib would
  otherwise add an ``oauth_body_hash`` X does not use). oauthlib logs the signature
  base string, which holds the consumer key and access token, at DEBUG: those records
  are dropped.
* **Refused before any request** (:class:`~postdesk.errors.Rejected`): more than
  :data:`MAX_PHOTOS` photos, or an alt text longer than :data:`MAX_ALT_CHARS`
  characters. Alt text is never truncated: what reviewers approved is what people
  with screen readers hear, so a cut description would be a change nobody approved.
  Every photo is read before the first upload, so a missing rendition sends nothing.
* **Errors.** 429 -> RateLimited (``x-rate-limit-reset``); 401 -> AuthFailed naming
  the variables in use; 403 "duplicate content" -> DuplicatePost; a 403 saying the
  token may not write or the app lacks the access level -> AuthFailed, because it
  stops every post on X until someone changes the app or regenerates the tokens,
  like an expired token; any other 403 and every other 4xx -> Rejected with X's
  words; 5xx -> Unavailable.

Reading (the monitor, :class:`~.base.Watcher`), with the same client and credentials:

4. :meth:`XClient.comments`: ``GET /2/tweets/search/recent`` with
   ``query=conversation_id:<post id>``, ``max_results=100``, the reply fields and
   ``expansions=author_id``, following ``meta.next_token`` until there is none;
5. :meth:`XClient.engagement`: ``GET /2/tweets/<post id>?tweet.fields=public_metrics``.

Reading decisions:

* **Recent search covers the last 7 days only.** Replies older than that are not
  returned, whatever ``since`` says; a post watched longer than a week only shows the
  replies of its last 7 days. X has no other endpoint for the replies to a post below
  full-archive search (a higher, costlier level).
* **``since`` becomes ``start_time``** (an ISO time, so not ``since_id``), moved to at
  least a minute in the past (X wants it 10 s before the request) and left out when it
  is older than the 7-day window (X answers 400 for a ``start_time`` before the
  window; leaving it out asks for the whole window). ``start_time`` is inclusive and
  has whole seconds, so replies are filtered again here: strictly newer than ``since``.
* **What a comment is.** Every post in the conversation except the post itself (X may
  return the root), the account's own replies included: the monitor decides. X
  answers newest first; :meth:`~XClient.comments` returns them oldest first.
  ``parent_id`` is the ``replied_to`` post when it is not the agency's post.
  ``author`` is ``@username``; the link is ``https://x.com/<username>/status/<id>``
  (``https://x.com/i/web/status/<id>`` when X leaves the author out).
* **Access levels.** Reading needs a paid access level (or pay-per-use credits). On a
  read, a 403 about the access level (``client-forbidden``/``client-not-enrolled``,
  ``oauth1-permissions``, v1.1 code 453), a 402 and a 429 ``usage-capped`` are
  :class:`~postdesk.errors.NotOffered`, never AuthFailed: the credentials still post,
  the monitor says once that X is not watched and carries on. Only 401 is AuthFailed.
* **A deleted post.** Post lookup answers 200 with an ``errors`` list and no ``data``
  (``resource-not-found``): :class:`~postdesk.errors.Rejected` naming the post, so the
  monitor skips it. Search cannot tell (a deleted post's replies may still be found),
  so :meth:`~XClient.engagement` is the call that notices.
* **Engagement.** ``reactions`` = ``like_count``, ``shares`` = ``retweet_count`` +
  ``quote_count`` (whichever X sends; None when neither), ``comments`` =
  ``reply_count`` (X counts direct replies), ``impressions`` = ``impression_count``.
* The post id is checked (digits only) before any request: it goes into a search
  query, where anything else would change what is searched.
* Reads and posting share one :class:`~.base.Api` (one connection pool); its
  classifier picks :func:`classify_read` for GET and :func:`classify` for POST.
"""

from __future__ import annotations

import functools
import json
import logging
import mimetypes
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ClassVar, Self

import httpx
from oauthlib.oauth1 import Client as OAuth1Client

from ..config import ChannelSettings
from ..errors import (
    AuthFailed,
    ChannelError,
    DuplicatePost,
    NotOffered,
    RateLimited,
    Rejected,
    Unavailable,
)
from ..secrecy import clean_error_text, read_credential
from .base import (
    Api,
    BeforePublish,
    Comment,
    Engagement,
    OutgoingPost,
    Photo,
    Published,
    RetryPolicy,
    json_or_empty,
    parse_since,
    read_photo,
    retry_at_from_reset,
)

OAUTH1_NAMES = ("X_API_KEY", "X_API_SECRET", "X_ACCESS_TOKEN", "X_ACCESS_TOKEN_SECRET")
OAUTH2_NAMES = ("X_USER_TOKEN",)
CREDENTIALS = (OAUTH1_NAMES, OAUTH2_NAMES)
API_URL_VARIABLE = "POSTDESK_X_API_URL"
DEFAULT_API_URL = "https://api.x.com"

UPLOAD_PATH = "/2/media/upload"
METADATA_PATH = "/2/media/metadata"
CREATE_PATH = "/2/tweets"
MEDIA_CATEGORY = "tweet_image"
MAX_PHOTOS = 4
MAX_ALT_CHARS = 1000

SEARCH_PATH = "/2/tweets/search/recent"
LOOKUP_PATH = "/2/tweets/{post_id}"
REPLY_FIELDS = "author_id,created_at,conversation_id,in_reply_to_user_id,referenced_tweets"
USER_FIELDS = "username,name"
SEARCH_PAGE_SIZE = 100
"""``max_results`` of recent search: X takes 10 to 100."""
SEARCH_WINDOW_SECONDS = 7 * 24 * 3600
"""Recent search finds posts of the last 7 days only."""
WINDOW_MARGIN_SECONDS = 300
"""A ``since`` this close to the window's start (or older) leaves ``start_time`` out: clocks differ."""
NEWEST_START_SECONDS = 60
"""``start_time`` is kept at least this far in the past (X refuses one less than 10 s old)."""

FORM = "application/x-www-form-urlencoded"
Sign = Callable[[httpx.Request], httpx.Request]

__all__ = ["API_URL_VARIABLE", "CREDENTIALS", "DEFAULT_API_URL", "MAX_ALT_CHARS", "MAX_PHOTOS", "OAUTH1_NAMES",
           "OAUTH2_NAMES", "XClient", "alt_text_body", "bearer_signer", "classify", "classify_read", "comment_from",
           "create_body", "engagement_from", "from_env", "oauth1_signer", "parse_since", "post_url", "refusal",
           "search_params"]


# --------------------------------------------------------------------------- credentials


class _DropDebug(logging.Filter):
    """Drops DEBUG records: oauthlib logs the signature base string (consumer key, access token) there."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno > logging.DEBUG


_DROP_DEBUG = _DropDebug()
_OAUTHLIB_LOGGERS = ("oauthlib.oauth1.rfc5849", "oauthlib.oauth1.rfc5849.signature")


def oauth1_signer(consumer_key: str, consumer_secret: str, token: str, token_secret: str, *,
                  nonce: str | None = None, timestamp: str | None = None) -> Sign:
    """A ``sign`` hook adding an OAuth 1.0a HMAC-SHA1 ``Authorization`` header to each request.

    ``nonce`` and ``timestamp`` are for the documented test vector only: left out, each
    call signs with new ones.
    """
    for name in _OAUTHLIB_LOGGERS:
        logging.getLogger(name).addFilter(_DROP_DEBUG)  # the same filter object is added once
    client = OAuth1Client(consumer_key, client_secret=consumer_secret, resource_owner_key=token,
                          resource_owner_secret=token_secret, nonce=nonce, timestamp=timestamp)

    def sign(request: httpx.Request) -> httpx.Request:
        # Only a form-urlencoded body is signed (RFC 5849 3.4.1.3.1); JSON and multipart are not.
        form = request.headers.get("content-type", "").split(";")[0].strip() == FORM
        body = request.content.decode() if form else None
        _, headers, _ = client.sign(str(request.url), request.method, body, {"Content-Type": FORM} if form else {})
        request.headers["Authorization"] = headers["Authorization"]
        return request

    return sign


def bearer_signer(token: str) -> Sign:
    """A ``sign`` hook adding ``Authorization: Bearer`` (an OAuth 2.0 user token)."""

    def sign(request: httpx.Request) -> httpx.Request:
        request.headers["Authorization"] = f"Bearer {token}"
        return request

    return sign


@dataclass(frozen=True, repr=False)
class _Credentials:
    """The credentials in use: which variables they came from, their values (to redact), and the signer."""

    names: tuple[str, ...]
    values: tuple[str, ...]
    sign: Sign

    def __repr__(self) -> str:
        return f"<X credentials from {', '.join(self.names)}>"


def _credentials_from_env(env: Mapping[str, str]) -> _Credentials | None:
    """The credentials in ``env``; every value is checked (:func:`postdesk.secrecy.read_credential`) as it is read."""
    oauth1 = tuple(read_credential(env, name) for name in OAUTH1_NAMES)
    if all(oauth1):
        return _Credentials(OAUTH1_NAMES, oauth1, oauth1_signer(*oauth1))
    token = read_credential(env, "X_USER_TOKEN")
    if token:
        return _Credentials(OAUTH2_NAMES, (token,), bearer_signer(token))
    return None


# --------------------------------------------------------------------------- errors


def classify(response: httpx.Response, *, secrets: tuple[str, ...] = OAUTH1_NAMES,
             clock: Callable[[], float] = time.time, secret_values: tuple[str, ...] = ()) -> ChannelError:
    """X's failed answer as a ChannelError.

    ``secrets`` names the variables in use (for AuthFailed); ``secret_values`` are masked
    in X's words before they go into the error, so not even its ``repr`` can show one.
    """
    status = response.status_code
    body = json_or_empty(response)
    detail = _detail(response, body, secret_values)
    if status == 402 or (status == 429 and _is_usage_capped(body)):
        # The plan's credits or monthly cap: every post on X fails until someone pays; no item is at fault.
        return NotOffered(f"X's plan does not cover more posts now (HTTP {status}): {detail}",
                          hint="Check the credits or the monthly cap in the X developer portal (public-utility "
                               "apps can apply for free access); the posts stay scheduled.")
    if status == 429:
        retry_at = retry_at_from_reset(response.headers.get("x-rate-limit-reset"), clock=clock)
        limit = response.headers.get("x-rate-limit-limit", "")
        allowed = f" (X allows {limit} of these requests per window)" if limit.isascii() and limit.isdigit() else ""
        return RateLimited(f"X's rate limit is used up until {_utc(retry_at)}{allowed}", retry_at=retry_at,
                           hint="Nothing to fix: the post stays scheduled and a later run sends it.")
    if status == 401:
        return AuthFailed(f"X refused the credentials: {detail}", secrets=secrets, hint=_renew_hint(secrets))
    if _is_duplicate(body, detail):
        return DuplicatePost(f"X already has a post with this text: {detail}",
                             hint="X refuses the same text twice from one account; it counts as posted.")
    if status == 403 and _is_permission_problem(body, detail):
        return AuthFailed(f"X refused to let this app post: {detail}", secrets=secrets,
                          hint=_permission_hint(secrets))
    if status >= 500:
        return Unavailable(f"X could not handle the request (HTTP {status}): {detail}",
                           hint="This is on X's side; a later run tries again.")
    return Rejected(f"X refused the request: {detail}",
                    hint="Fix what X names in the submission (text, photos or alt texts) and approve it again.")


def _detail(response: httpx.Response, body: Mapping[str, Any], secret_values: tuple[str, ...] = ()) -> str:
    """X's own words: problem+json ``detail`` (or ``title``) and the messages of an ``errors`` list.

    Cleaned (:func:`postdesk.secrecy.clean_error_text`): one short line, tokens masked.
    """
    pieces = [body.get("detail") or body.get("title")]
    errors = body.get("errors")
    if isinstance(errors, list):
        pieces += [error.get("message") for error in errors if isinstance(error, dict)]
    words = list(dict.fromkeys(piece.strip() for piece in pieces if isinstance(piece, str) and piece.strip()))
    if not words and response.headers.get("content-type", "").startswith("text/plain"):
        words = [response.text.strip()[:2000]]
    return clean_error_text("; ".join(words), secret_values) or \
        f"HTTP {response.status_code} {response.reason_phrase}".strip()


def _is_duplicate(body: Mapping[str, Any], detail: str) -> bool:
    errors = body.get("errors")
    codes = {error.get("code") for error in errors if isinstance(error, dict)} if isinstance(errors, list) else set()
    return "duplicate content" in detail.lower() or 187 in codes  # 187: "Status is a duplicate." (v1.1 shape)


def _is_permission_problem(body: Mapping[str, Any], detail: str) -> bool:
    """A 403 about the app or token rather than the post: no write permission, no project or access level."""
    kind = f"{body.get('type', '')} {body.get('reason', '')}".lower()
    return ("client-forbidden" in kind or "client-not-enrolled" in kind
            or "not permitted to perform this action" in detail.lower())


def _renew_hint(secrets: tuple[str, ...]) -> str:
    if secrets == OAUTH2_NAMES:
        return ("OAuth 2.0 user tokens last 2 hours: refresh X_USER_TOKEN (with the offline.access refresh token) "
                "right before the run, or set the four OAuth 1.0a values, which do not expire.")
    return ("In the X developer portal, regenerate the access token and secret (the app needs Read and Write "
            "permission) and update X_ACCESS_TOKEN and X_ACCESS_TOKEN_SECRET; if the API key was regenerated too, "
            "update X_API_KEY and X_API_SECRET.")


def _permission_hint(secrets: tuple[str, ...]) -> str:
    return ("In the X developer portal, attach the app to a project with an access level that can post, set its "
            "user authentication to Read and Write, then generate new tokens (tokens made before the change keep "
            f"the old permission) and update {', '.join(secrets)}.")


def _utc(epoch: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(epoch))


def classify_read(response: httpx.Response, *, secrets: tuple[str, ...] = OAUTH1_NAMES,
                  clock: Callable[[], float] = time.time, secret_values: tuple[str, ...] = ()) -> ChannelError:
    """X's failed answer to a read (recent search, post lookup) as a ChannelError.

    What the access level, the credits or the monthly cap do not cover is
    :class:`~postdesk.errors.NotOffered`, never AuthFailed: the same credentials keep posting.
    """
    status = response.status_code
    body = json_or_empty(response)
    detail = _detail(response, body, secret_values)
    feature, consequence = _read_feature(response)
    if status == 402:
        return NotOffered(f"X wants payment for {feature}, so {consequence}: {detail}",
                          hint="The developer account's pay-per-use credits are used up or billing is not set up: add "
                               "credits under billing in the X developer portal (public-utility apps can apply for "
                               "free access). Until then, read the replies on x.com.")
    if status == 429 and _is_usage_capped(body):
        return NotOffered(f"X's monthly usage cap for the API plan is used up, so {consequence}: {detail}",
                          hint="The cap resets with the next billing period; raise it, or move to a larger plan, in "
                               "the X developer portal. Until then, read the replies on x.com.")
    if status == 402 or (status == 429 and _is_usage_capped(body)):
        # The plan's credits or monthly cap: every post on X fails until someone pays; no item is at fault.
        return NotOffered(f"X's plan does not cover more posts now (HTTP {status}): {detail}",
                          hint="Check the credits or the monthly cap in the X developer portal (public-utility "
                               "apps can apply for free access); the posts stay scheduled.")
    if status == 429:
        retry_at = retry_at_from_reset(response.headers.get("x-rate-limit-reset"), clock=clock)
        return RateLimited(f"X's rate limit for {feature} is used up until {_utc(retry_at)}", retry_at=retry_at,
                           hint="Nothing to fix: the next monitor run reads the post again.")
    if status == 401:
        return AuthFailed(f"X refused the credentials: {detail}", secrets=secrets, hint=_renew_hint(secrets))
    if status == 403 and _lacks_access_level(body, detail):
        return NotOffered(f"X's {feature} needs a paid API access level; {consequence}. X says: {detail}",
                          hint=f"In the X developer portal, attach the app to a project on an access level that "
                               f"includes {feature} (Basic or higher, or pay-per-use with credits), then generate "
                               f"new tokens if its permissions changed and update {', '.join(secrets)}. Until then, "
                               "read the replies on x.com.")
    if status == 403 and _is_permission_problem(body, detail):
        return AuthFailed(f"X refused to let this app read: {detail}", secrets=secrets,
                          hint="In the X developer portal, give the app's user authentication Read permission (Read "
                               f"and Write includes it), then generate new tokens and update {', '.join(secrets)}.")
    if status >= 500:
        return Unavailable(f"X could not handle the request (HTTP {status}): {detail}",
                           hint="This is on X's side; the next monitor run tries again.")
    return Rejected(f"X refused the request: {detail}",
                    hint="If the post id in the ledger is wrong, correct it with postdesk; otherwise this is a "
                         "postdesk bug: report it with this message.")


def _classify_by_method(response: httpx.Response, **context: Any) -> ChannelError:
    """Reads are GETs, posting is POSTs: each gets its own reading of X's errors."""
    try:
        method = response.request.method
    except RuntimeError:  # a response built by hand, without its request
        method = "POST"
    return (classify_read if method == "GET" else classify)(response, **context)


def _read_feature(response: httpx.Response) -> tuple[str, str]:
    """Which read failed, in words: (the feature, what the monitor loses without it)."""
    try:
        path = response.request.url.path
    except RuntimeError:
        path = ""
    if "/2/tweets/" in path and "/search/" not in path:
        return "post lookup", "engagement on X is not collected"
    return "recent search", "replies on X are not monitored"


_ACCESS_LEVEL_WORDS = ("access level", "level of api access", "oauth1 app permissions", "subset of x api",
                       "subset of twitter api")


def _lacks_access_level(body: Mapping[str, Any], detail: str) -> bool:
    """A 403 saying the app's access level (or project enrolment) does not include the endpoint."""
    kind = " ".join(str(body.get(key, "")) for key in ("type", "reason", "required_enrollment")).lower()
    errors = body.get("errors")
    codes = {error.get("code") for error in errors if isinstance(error, dict)} if isinstance(errors, list) else set()
    return (any(word in kind for word in ("client-forbidden", "client-not-enrolled", "oauth1-permissions",
                                          "level of api access"))
            or any(word in detail.lower() for word in _ACCESS_LEVEL_WORDS)
            or 453 in codes)  # 453: "You currently have access to a subset of X API V2 endpoints ..."


def _is_usage_capped(body: Mapping[str, Any]) -> bool:
    """X's 429 for a plan's monthly cap (``usage-capped``), which no wait of minutes lifts."""
    return "usage-capped" in str(body.get("type", "")) or str(body.get("title", "")) == "UsageCapExceeded"


# --------------------------------------------------------------------------- the client


def post_url(post_id: str, handle: str) -> str:
    """The public address of a post: under the account's handle when known, else X's handle-free form."""
    name = handle.strip().removeprefix("@")
    return f"https://x.com/{name}/status/{post_id}" if name else f"https://x.com/i/web/status/{post_id}"


def refusal(post: OutgoingPost) -> Rejected | None:
    """Why X cannot take ``post`` as it is (checked before any request), or None."""
    if len(post.photos) > MAX_PHOTOS:
        return Rejected(f"the post has {len(post.photos)} photos; X takes at most {MAX_PHOTOS}", channel="x",
                        hint=f"Keep at most {MAX_PHOTOS} photos in the submission, or leave x out of its channels "
                             "and post the album on another network.")
    for photo in post.photos:
        if len(photo.alt) > MAX_ALT_CHARS:
            return Rejected(f"the alt text of {photo.path.name} has {len(photo.alt):,} characters; X takes at most "
                            f"{MAX_ALT_CHARS:,}", channel="x", path=photo.path,
                            hint="Shorten that alt text in the submission and approve it again; postdesk never "
                                 "cuts an approved description.")
    return None


class XClient:
    """Posts to one X account and reads its posts' replies and metrics. Close it (or use ``with``)."""

    name: ClassVar[str] = "x"

    def __init__(self, *, api_url: str, credentials: _Credentials, settings: ChannelSettings, policy: RetryPolicy,
                 transport: httpx.BaseTransport | None = None) -> None:
        self.api_url = api_url.rstrip("/")
        self.settings = settings
        self._clock = policy.clock
        self._credentials = credentials
        self._api = Api(channel=self.name, base_url=self.api_url,
                        classify=functools.partial(_classify_by_method, secrets=credentials.names,
                                                   clock=policy.clock, secret_values=credentials.values),
                        policy=policy, secrets=credentials.values, transport=transport)

    def __repr__(self) -> str:
        return f"XClient(api_url={self.api_url!r}, credentials={self._credentials!r})"

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._api.close()

    def publish(self, post: OutgoingPost, *, before_publish: BeforePublish) -> Published:
        problem = refusal(post)
        if problem is not None:
            raise problem
        contents = [read_photo(photo) for photo in post.photos]
        media_ids = [self._upload(photo, content) for photo, content in zip(post.photos, contents, strict=True)]
        before_publish(list(media_ids))
        response = self._send(CREATE_PATH, creates_post=True, json=create_body(post.text, media_ids))
        post_id = _data_id(response)
        if not post_id:
            # A 2xx from the create call means the post very likely exists: a person confirms.
            raise Unavailable("X answered the post without its id", channel=self.name, maybe_sent=True,
                              status=response.status_code,
                              hint="Look at the account: if the post is there, record its address with postdesk.")
        return Published(post_id, post_url(post_id, self.settings.handle))

    def describe(self, post: OutgoingPost) -> list[str]:
        """The requests :meth:`publish` would send, one line each; a refusal is one line saying so."""
        problem = refusal(post)
        if problem is not None:
            return [f"not sent: {problem.message} ({problem.hint})"]
        lines = []
        for number, photo in enumerate(post.photos, start=1):
            lines.append(f"POST {self.api_url}{UPLOAD_PATH} multipart: media={photo.path.name} ({_size(photo)}, "
                         f"{_mime(photo)}), media_category={MEDIA_CATEGORY}")
            if photo.alt:
                lines.append(f"POST {self.api_url}{METADATA_PATH} JSON: id=<media id of photo {number}>, "
                             f"alt_text={json.dumps(photo.alt, ensure_ascii=False)}")
        media = f", media_ids=<the {len(post.photos)} media ids above>" if post.photos else ""
        lines.append(f"POST {self.api_url}{CREATE_PATH} JSON: text={json.dumps(post.text, ensure_ascii=False)}"
                     f"{media}")
        return lines

    # ------------------------------------------------------------------ reading (the monitor)

    def comments(self, post_id: str, *, since: str = "") -> list[Comment]:
        """Every reply in the post's conversation of the last 7 days (newer than ``since``), oldest first.

        Follows ``meta.next_token`` through every page. Raises NotOffered when the
        account's access level has no recent search.
        """
        _check_post_id(post_id)
        after = parse_since(since)
        params = search_params(post_id, after=after, now=self._clock())
        found: dict[str, tuple[datetime, Comment]] = {}
        tokens: set[str] = set()
        while True:
            body = self._read(SEARCH_PATH, params)
            users = _users_by_id(body)
            for item in _list(body.get("data")):
                comment = comment_from(item, users, post_id=post_id)
                moment = _moment(item.get("created_at"))
                if comment is not None and (after is None or moment is None or moment > after):
                    found[comment.id] = (moment or datetime.min.replace(tzinfo=UTC), comment)
            token = _next_token(body)
            if not token:
                break
            if token in tokens:
                raise Unavailable(f"GET {SEARCH_PATH}: X handed out the same next_token twice while paging through "
                                  f"the replies to {post_id}", channel=self.name,
                                  hint="This is on X's side; the next monitor run tries again.")
            tokens.add(token)
            params = {**params, "next_token": token}
        return [comment for _, comment in sorted(found.values(), key=_chronological)]

    def engagement(self, post_id: str) -> Engagement:
        """The post's public metrics; Rejected when X no longer has the post."""
        _check_post_id(post_id)
        path = LOOKUP_PATH.format(post_id=post_id)
        body = self._read(path, {"tweet.fields": "public_metrics"})
        data = body.get("data")
        if not isinstance(data, dict):
            raise self._gone(post_id, path, body)
        return engagement_from(data.get("public_metrics"))

    def _read(self, path: str, params: Mapping[str, str]) -> dict[str, Any]:
        response = self._api.request("GET", path, sign=self._credentials.sign, params=dict(params))
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise Unavailable(f"GET {path}: X answered with something that is not a JSON object",
                              channel=self.name, status=response.status_code,
                              hint="This is on X's side (or a proxy's); the next monitor run tries again.")
        return body

    def _gone(self, post_id: str, path: str, body: Mapping[str, Any]) -> Rejected:
        """X's 200 without ``data``: the post was deleted, or this account may no longer see it."""
        errors = _list(body.get("errors"))
        words = "; ".join(dict.fromkeys(str(error.get("detail") or error.get("title") or "") for error in errors))
        words = clean_error_text(words.strip("; "), self._credentials.values) or "no data and no reason"
        if any("resource-not-found" in str(error.get("type", "")) for error in errors) or not errors:
            what = f"the post {post_id} is no longer on X (deleted by the account or removed by X)"
        else:
            what = f"X does not show the post {post_id} to this account (protected, suspended or withheld)"
        return Rejected(f"GET {path}: {what}: {words}", channel=self.name, status=200,
                        hint=f"If the post should still be there, open {post_url(post_id, self.settings.handle)}; "
                             "otherwise nothing to do: the monitor stops reading it.")

    def _upload(self, photo: Photo, content: bytes) -> str:
        response = self._send(UPLOAD_PATH, data={"media_category": MEDIA_CATEGORY},
                              files={"media": (photo.path.name, content, _mime(photo))})
        media_id = _data_id(response)
        if not media_id:
            raise Unavailable(f"X answered the upload of {photo.path.name} without a media id", channel=self.name,
                              status=response.status_code, hint="This is on X's side; a later run tries again.")
        if photo.alt:
            self._send(METADATA_PATH, json=alt_text_body(media_id, photo.alt))
        return media_id

    def _send(self, path: str, *, creates_post: bool = False, **options: Any) -> httpx.Response:
        return self._api.request("POST", path, creates_post=creates_post, sign=self._credentials.sign, **options)


def search_params(post_id: str, *, after: datetime | None, now: float) -> dict[str, str]:
    """The query of the first recent-search page for the replies to ``post_id``.

    ``start_time`` only when ``after`` lies inside the 7-day window, and never less than
    a minute before ``now``: an earlier start only finds more, and replies are filtered
    again against ``after``.
    """
    params = {"query": f"conversation_id:{post_id}", "tweet.fields": REPLY_FIELDS, "expansions": "author_id",
              "user.fields": USER_FIELDS, "max_results": str(SEARCH_PAGE_SIZE)}
    if after is not None and after.timestamp() > now - SEARCH_WINDOW_SECONDS + WINDOW_MARGIN_SECONDS:
        start = min(int(after.timestamp()), int(now - NEWEST_START_SECONDS))
        params["start_time"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(start))
    return params


def comment_from(item: Mapping[str, Any], users: Mapping[str, Mapping[str, Any]], *, post_id: str) -> Comment | None:
    """One post of a recent-search page as a Comment; None for the agency's post itself or an item without id."""
    reply_id = str(item.get("id") or "")
    if not reply_id or reply_id == post_id:
        return None
    user = users.get(str(item.get("author_id") or ""), {})
    username = str(user.get("username") or "")
    parent = next((str(ref.get("id")) for ref in _list(item.get("referenced_tweets"))
                   if ref.get("type") == "replied_to" and ref.get("id")), "")
    moment = _moment(item.get("created_at"))
    return Comment(id=reply_id, channel="x", post_id=post_id, text=str(item.get("text") or ""),
                   created_at=moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else str(item.get("created_at") or ""),
                   url=post_url(reply_id, username), author=f"@{username}" if username else str(user.get("name") or ""),
                   parent_id="" if parent == post_id else parent)


def engagement_from(metrics: object) -> Engagement:
    """X's ``public_metrics`` as Engagement: None for every number X did not send."""
    counts = metrics if isinstance(metrics, Mapping) else {}

    def count(name: str) -> int | None:
        value = counts.get(name)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    reposts = [number for number in (count("retweet_count"), count("quote_count")) if number is not None]
    return Engagement(reactions=count("like_count"), shares=sum(reposts) if reposts else None,
                      comments=count("reply_count"), impressions=count("impression_count"))


def _check_post_id(post_id: str) -> None:
    """X's post ids are digits; anything else would change the search query, so it is refused unsent."""
    if not (post_id.isascii() and post_id.isdigit()):
        raise Rejected(f"{post_id!r} is not an X post id (X's ids are digits only)", channel="x",
                       hint="Correct the post's address in the ledger with postdesk (the id is the number after "
                            "/status/ in its link).")


def _moment(value: object) -> datetime | None:
    """X's ``created_at`` (``2030-07-22T15:04:05.000Z``) as an aware datetime, None when absent or unreadable."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _chronological(entry: tuple[datetime, Comment]) -> tuple[datetime, int]:
    moment, comment = entry
    return moment, int(comment.id) if comment.id.isdigit() else 0


def _list(value: object) -> list[dict[str, Any]]:
    """The dict items of a JSON list; [] when ``value`` is not a list."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _users_by_id(body: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    includes = body.get("includes")
    users = _list(includes.get("users")) if isinstance(includes, dict) else []
    return {str(user.get("id")): user for user in users if user.get("id")}


def _next_token(body: Mapping[str, Any]) -> str:
    meta = body.get("meta")
    token = meta.get("next_token") if isinstance(meta, dict) else None
    return token if isinstance(token, str) else ""


def create_body(text: str, media_ids: Sequence[str]) -> dict[str, Any]:
    """The JSON of ``POST /2/tweets``: ``media`` only when there are photos (X refuses an empty list)."""
    return {"text": text, "media": {"media_ids": list(media_ids)}} if media_ids else {"text": text}


def alt_text_body(media_id: str, alt: str) -> dict[str, Any]:
    """The JSON of ``POST /2/media/metadata``."""
    return {"id": media_id, "metadata": {"alt_text": {"text": alt}}}


def _data_id(response: httpx.Response) -> str:
    data = json_or_empty(response).get("data")
    value = data.get("id") if isinstance(data, dict) else None
    return str(value) if isinstance(value, str | int) and str(value) else ""


def _mime(photo: Photo) -> str:
    return mimetypes.guess_type(photo.path.name)[0] or "application/octet-stream"


def _size(photo: Photo) -> str:
    try:
        return f"{photo.path.stat().st_size:,} bytes"
    except OSError:
        return "cannot be read"


def from_env(env: Mapping[str, str], settings: ChannelSettings, *, policy: RetryPolicy,
             transport: httpx.BaseTransport | None = None) -> XClient | None:
    """A client from the environment, or None when neither set of credentials is complete."""
    credentials = _credentials_from_env(env)
    if credentials is None:
        return None
    return XClient(api_url=env.get(API_URL_VARIABLE) or DEFAULT_API_URL, credentials=credentials,
                   settings=settings, policy=policy, transport=transport)
