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
"""

from __future__ import annotations

import functools
import json
import logging
import mimetypes
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Self

import httpx
from oauthlib.oauth1 import Client as OAuth1Client

from ..config import ChannelSettings
from ..errors import AuthFailed, ChannelError, DuplicatePost, RateLimited, Rejected, Unavailable
from .base import (
    Api,
    BeforePublish,
    OutgoingPost,
    Photo,
    Published,
    RetryPolicy,
    json_or_empty,
    read_photo,
    redact,
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

FORM = "application/x-www-form-urlencoded"
Sign = Callable[[httpx.Request], httpx.Request]

__all__ = ["API_URL_VARIABLE", "CREDENTIALS", "DEFAULT_API_URL", "MAX_ALT_CHARS", "MAX_PHOTOS", "OAUTH1_NAMES",
           "OAUTH2_NAMES", "XClient", "alt_text_body", "bearer_signer", "classify", "create_body", "from_env",
           "oauth1_signer", "post_url", "refusal"]


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
    oauth1 = tuple(env.get(name, "").strip() for name in OAUTH1_NAMES)
    if all(oauth1):
        return _Credentials(OAUTH1_NAMES, oauth1, oauth1_signer(*oauth1))
    token = env.get("X_USER_TOKEN", "").strip()
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
    detail = redact(_detail(response, body), secret_values)
    if status == 429:
        retry_at = retry_at_from_reset(response.headers.get("x-rate-limit-reset"), clock=clock)
        limit = response.headers.get("x-rate-limit-limit")
        allowed = f" (X allows {limit} of these requests per window)" if limit else ""
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
    if status == 402:
        return Rejected(f"X wants payment for this request: {detail}",
                        hint="The developer account's credits or plan do not cover posting: check billing in the "
                             "X developer portal (public-utility apps can apply for free access).")
    return Rejected(f"X refused the request: {detail}",
                    hint="Fix what X names in the submission (text, photos or alt texts) and approve it again.")


def _detail(response: httpx.Response, body: Mapping[str, Any]) -> str:
    """X's own words: problem+json ``detail`` (or ``title``) and the messages of an ``errors`` list."""
    pieces = [body.get("detail") or body.get("title")]
    errors = body.get("errors")
    if isinstance(errors, list):
        pieces += [error.get("message") for error in errors if isinstance(error, dict)]
    words = list(dict.fromkeys(piece.strip() for piece in pieces if isinstance(piece, str) and piece.strip()))
    if not words and response.headers.get("content-type", "").startswith("text/plain"):
        words = [response.text.strip()[:300]]
    return "; ".join(words)[:1000] or f"HTTP {response.status_code} {response.reason_phrase}".strip()


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
    """Posts to one X account. Close it (or use ``with``) to release its connections."""

    name: ClassVar[str] = "x"

    def __init__(self, *, api_url: str, credentials: _Credentials, settings: ChannelSettings, policy: RetryPolicy,
                 transport: httpx.BaseTransport | None = None) -> None:
        self.api_url = api_url.rstrip("/")
        self.settings = settings
        self._credentials = credentials
        self._api = Api(channel=self.name, base_url=self.api_url,
                        classify=functools.partial(classify, secrets=credentials.names, clock=policy.clock,
                                                   secret_values=credentials.values),
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
