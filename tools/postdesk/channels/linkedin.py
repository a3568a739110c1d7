"""The LinkedIn Page client: the versioned Posts and Images APIs, posting as an organization.

How a post goes out (``/work/shared/PLATFORMS.md``, "LinkedIn Posts"):

* each photo: ``POST /rest/images?action=initializeUpload`` with
  ``{"initializeUploadRequest": {"owner": "urn:li:organization:N"}}`` answers an
  ``uploadUrl`` and the image URN; the bytes go to ``uploadUrl`` with ``PUT``;
* then ``POST /rest/posts`` with the author, the text as ``commentary`` (in LinkedIn's
  "little text" format, see :func:`little_text`), public visibility on the main feed,
  and ``content.media`` (one photo) or ``content.multiImage`` (2 to 20 photos) with each
  photo's ``altText``. LinkedIn answers 201 with the post's URN in ``x-restli-id``.

Every call carries ``LinkedIn-Version`` (``[channels.linkedin] api_version``, YYYYMM:
LinkedIn retires a version about a year after its release) and
``X-Restli-Protocol-Version: 2.0.0``. The post's address is
``https://www.linkedin.com/feed/update/{urn}/``, which opens a post by its URN.

Decisions:

* The image status is not polled (``GET /rest/images/{urn}`` until ``AVAILABLE``):
  LinkedIn accepts a post naming an image it is still processing and shows it once ready.
* The ``link`` gets no article card (``content.article`` needs a title and thumbnail of
  its own); the text already carries the link (``posttext`` adds it).
* The bearer token goes with the upload ``PUT`` only when the upload URL is on the API's
  own origin or on an https ``linkedin.com`` host (:func:`sends_token_to`).

Reading (the monitor's :class:`~.base.Watcher` side, same object, same token; reading an
organization's comments and statistics needs ``r_organization_social`` as well):

* **comments**: ``GET /rest/socialActions/{post urn}/comments?start=&count=100``, every
  page (``start`` moves by ``paging.count`` until ``paging.total`` is reached or a page
  is empty). Replies live under ``/rest/socialActions/{comment urn}/comments``; they are
  fetched for each top-level comment whose ``commentsSummary`` counts any, *or does not
  say*: one call too many costs less than a missed reply. LinkedIn nests one level
  only, so replies of replies are not asked for. A comment deleted between the two
  calls (404 on its replies) is simply without replies. The API cannot filter by time,
  so ``since`` is applied here (inclusive, as on Facebook) after every page and reply
  was read: a new reply can sit under an old comment. Comments come back oldest first.
* ``Comment.id`` and ``parent_id`` are comment URNs (``urn:li:comment:(urn:li:share:…,N)``):
  unique, and what the replies endpoint and the link need. ``author`` is the actor URN
  (``urn:li:person:…`` or ``urn:li:organization:…``): a name costs another call per
  person (and a scope postdesk does not ask for). The link is
  ``https://www.linkedin.com/feed/update/{post urn}?commentUrn={comment urn}``, for a
  reply ``?commentUrn={its parent}&replyUrn={reply}``, as LinkedIn's own notifications
  link them.
* **engagement**: ``GET /rest/socialActions/{urn}`` gives ``likesSummary.totalLikes``
  (reactions) and ``commentsSummary.aggregatedTotalComments`` (comments and replies);
  ``GET /rest/organizationalEntityShareStatistics?q=organizationalEntity&…&shares=List(urn)``
  (``ugcPosts=List(…)`` for a ``urn:li:ugcPost``) gives ``shareCount`` and
  ``impressionCount``. That query is written out by hand (:func:`share_statistics_url`):
  Rest.li needs ``List(…)`` literal with only the URN inside encoded, which a params
  dict would escape. When LinkedIn refuses it (403: it needs ``r_organization_social``
  and an admin role), shares and impressions are None and the rest still counts.
* **errors** while reading are classified like posting's, with words for reading: 404 is
  a deleted post (:class:`~postdesk.errors.Rejected`, naming the URN), 403 names
  ``r_organization_social``.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, ClassVar, Self
from urllib.parse import quote

import httpx

from ..config import ChannelSettings
from ..errors import (
    AuthFailed,
    ChannelError,
    ConfigError,
    DuplicatePost,
    NotOffered,
    OutdatedVersion,
    RateLimited,
    Rejected,
    Unavailable,
)
from ..secrecy import clean_error_text, short_code
from .base import (
    Api,
    BeforePublish,
    Comment,
    Engagement,
    OutgoingPost,
    Photo,
    Published,
    RetryPolicy,
    asked,
    credentials,
    json_or_empty,
    parse_since,
    read_photo,
    redact,
    retry_at_from_retry_after,
)

__all__ = [
    "API_URL_VARIABLE",
    "CREDENTIALS",
    "DEFAULT_API_URL",
    "LinkedInClient",
    "classify",
    "comment_url",
    "from_env",
    "little_text",
    "post_body",
    "post_url",
    "sends_token_to",
    "share_statistics_url",
]

CREDENTIALS = (("LINKEDIN_ORGANIZATION_ID", "LINKEDIN_ACCESS_TOKEN"),)
API_URL_VARIABLE = "POSTDESK_LINKEDIN_API_URL"
DEFAULT_API_URL = "https://api.linkedin.com"

TOKEN_SECRET = "LINKEDIN_ACCESS_TOKEN"
RESTLI_PROTOCOL_VERSION = "2.0.0"
MAX_IMAGES = 20
DEFAULT_THROTTLE_WAIT = 60 * 60.0
"""Seconds to wait after a 429 without ``Retry-After``. LinkedIn counts its limits per day
(reset at midnight UTC) and rarely says when they lift: an hour keeps scheduled runs from
hammering it, without giving up a whole day when the throttle was a short burst limit."""

COMMENTS_PAGE_SIZE = 100
STATISTICS_PATH = "/rest/organizationalEntityShareStatistics"
_STATISTICS_LISTS = {"share": "shares", "ugcPost": "ugcPosts"}
"""The list parameter of the statistics finder for each kind of post URN."""

_VERSION = re.compile(r"\d{6}(?:\.\d{2})?")
_ORGANIZATION_URN = "urn:li:organization:"
_URN = re.compile(r"urn:li:[A-Za-z]+:\S+")


def from_env(env: Mapping[str, str], settings: ChannelSettings, *, policy: RetryPolicy,
             transport: httpx.BaseTransport | None = None) -> LinkedInClient | None:
    """A client for the organization named in ``env``, or None when its id or the token is missing."""
    found = credentials(env, *CREDENTIALS[0])
    if found is None:
        return None
    organization, token = found
    return LinkedInClient(organization_id=organization, token=token, api_version=settings.api_version,
                          base_url=env.get(API_URL_VARIABLE) or DEFAULT_API_URL, policy=policy, transport=transport)


class LinkedInClient:
    """Posts as one LinkedIn organization (Page). Use as a context manager, or call :meth:`close`."""

    name: ClassVar[str] = "linkedin"

    def __init__(self, *, organization_id: str, token: str, api_version: str, base_url: str = DEFAULT_API_URL,
                 policy: RetryPolicy | None = None, transport: httpx.BaseTransport | None = None) -> None:
        if not _VERSION.fullmatch(api_version):
            raise ConfigError(f"channels.linkedin.api_version is {api_version!r}, not a LinkedIn version.",
                              hint="Set [channels.linkedin] api_version in postdesk.toml to a current version "
                                   "as YYYYMM, e.g. '202610'.")
        policy = policy or RetryPolicy()
        self.author = organization_id if organization_id.startswith(_ORGANIZATION_URN) \
            else f"{_ORGANIZATION_URN}{organization_id}"
        self.api_version = api_version
        self._authorization = {"Authorization": f"Bearer {token}"}  # per request: see sends_token_to
        self._api = Api(channel=self.name, base_url=base_url, classify=functools.partial(classify, clock=policy.clock),
                        headers={"LinkedIn-Version": api_version,
                                 "X-Restli-Protocol-Version": RESTLI_PROTOCOL_VERSION},
                        policy=policy, secrets=(token,), transport=transport)

    def __repr__(self) -> str:
        return f"LinkedInClient(author={self.author!r}, api_version={self.api_version!r})"

    def close(self) -> None:
        self._api.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ publishing

    def publish(self, post: OutgoingPost, *, before_publish: BeforePublish) -> Published:
        """Upload the photos, call ``before_publish`` with their URNs, create the post."""
        if len(post.photos) > MAX_IMAGES:
            raise Rejected(f"LinkedIn shows at most {MAX_IMAGES} photos in a post, not {len(post.photos)}.",
                           channel=self.name, hint=f"Keep {MAX_IMAGES} photos or fewer for LinkedIn.")
        files = [read_photo(photo) for photo in post.photos]  # all readable before anything is sent
        images = [self._upload(data) for data in files]
        before_publish(images)
        body = post_body(self.author, post.text, [(urn, photo.alt) for urn, photo in zip(images, post.photos,
                                                                                          strict=True)])
        response = self._api.request("POST", "/rest/posts", creates_post=True, json=body,
                                     headers=self._authorization)
        urn = response.headers.get("x-restli-id", "").strip()
        if not urn:
            raise Unavailable("LinkedIn answered the post request without the post's URN: the post may exist.",
                              channel=self.name, status=response.status_code, maybe_sent=True,
                              hint="Look at the LinkedIn Page: record the post if it is there, post again if not.")
        return Published(post_id=urn, url=post_url(urn))

    def _upload(self, data: bytes) -> str:
        """Register one image for the organization, PUT its bytes; return its URN."""
        response = self._api.request("POST", "/rest/images", params={"action": "initializeUpload"},
                                     json={"initializeUploadRequest": {"owner": self.author}},
                                     headers=self._authorization)
        value = json_or_empty(response).get("value")
        upload_url = value.get("uploadUrl") if isinstance(value, dict) else None
        image = value.get("image") if isinstance(value, dict) else None
        if not (isinstance(upload_url, str) and upload_url.startswith(("https://", "http://"))
                and isinstance(image, str) and image):
            raise Unavailable("LinkedIn's answer to initializeUpload has no upload URL or image URN.",
                              channel=self.name, status=response.status_code,
                              hint="Nothing was posted; postdesk tries again on its next run.")
        headers = {"Content-Type": "application/octet-stream"}
        if sends_token_to(upload_url, self._api.base_url):
            headers.update(self._authorization)
        self._api.request("PUT", upload_url, content=data, headers=headers)
        return image

    # ------------------------------------------------------------------ reading

    def comments(self, post_id: str, *, since: str = "") -> list[Comment]:
        """Every comment and reply on the post, oldest first, at or after ``since`` (ISO UTC) when given."""
        urn = self._post_urn(post_id)
        floor = parse_since(since)
        found: dict[str, Comment] = {}
        for raw in self._comment_elements(urn):
            comment = self._comment(post_id, urn, raw, parent="")
            found.setdefault(comment.id, comment)
            if comment.parent_id or not _may_have_replies(raw):
                continue
            try:
                replies = list(self._comment_elements(comment.id))
            except Rejected as error:
                if error.status == 404:  # deleted since the page that listed it
                    continue
                raise
            for reply in replies:
                answer = self._comment(post_id, urn, reply, parent=comment.id)
                found.setdefault(answer.id, answer)
        kept = [c for c in found.values() if floor is None or not c.created_at or parse_since(c.created_at) >= floor]
        return sorted(kept, key=lambda c: (not c.created_at, c.created_at))

    def engagement(self, post_id: str) -> Engagement:
        """Likes and comments from the post's social actions; shares and impressions from the statistics."""
        urn = self._post_urn(post_id)
        social = json_or_empty(self._api.request("GET", f"/rest/socialActions/{quote(urn, safe='')}",
                                                 headers=self._authorization))
        statistics = self._share_statistics(urn)
        return Engagement(reactions=_count(_field(social, "likesSummary", "totalLikes")),
                          shares=_count(statistics.get("shareCount")),
                          comments=_count(_field(social, "commentsSummary", "aggregatedTotalComments")),
                          impressions=_count(statistics.get("impressionCount")))

    def _post_urn(self, post_id: str) -> str:
        urn = post_id.strip()
        if not _URN.fullmatch(urn):
            raise Rejected(f"The ledger's LinkedIn post id {post_id!r} is not a post URN.", channel=self.name,
                           hint="Set the entry's post_id to the post's URN (urn:li:share:… or urn:li:ugcPost:…), "
                                "or confirm it again with a https://www.linkedin.com/feed/update/<urn>/ address.")
        return urn

    def _comment_elements(self, target: str) -> Iterator[Any]:
        """The ``elements`` of every page of ``/rest/socialActions/{target}/comments``."""
        path = f"/rest/socialActions/{quote(target, safe='')}/comments"
        start = 0
        while True:
            response = self._api.request("GET", path, params={"start": start, "count": COMMENTS_PAGE_SIZE},
                                         headers=self._authorization)
            body = json_or_empty(response)
            elements = body.get("elements")
            if not isinstance(elements, list):
                raise Unavailable("LinkedIn answered a page of comments without its 'elements' list.",
                                  channel=self.name, status=response.status_code,
                                  hint="A passing problem at LinkedIn: the monitor reads again on its next run.")
            yield from elements
            paging = body.get("paging") if isinstance(body.get("paging"), dict) else {}
            count = _count(paging.get("count")) or COMMENTS_PAGE_SIZE
            following = (_count(paging.get("start")) or start) + count
            total = _count(paging.get("total"))
            if not elements or following <= start or (following >= total if total is not None
                                                      else len(elements) < count):
                return
            start = following

    def _comment(self, post_id: str, post_urn: str, raw: object, *, parent: str) -> Comment:
        """One element of LinkedIn's answer; ``parent`` is the comment whose replies were asked for."""
        element = raw if isinstance(raw, dict) else {}
        urn = element.get("commentUrn") or (f"urn:li:comment:({post_urn},{element['id']})" if element.get("id")
                                            else "")
        if not isinstance(urn, str) or not urn:
            raise Unavailable("LinkedIn answered a comment without its URN or id.", channel=self.name,
                              hint="A passing problem at LinkedIn: the monitor reads again on its next run.")
        parent_id = element.get("parentComment") if isinstance(element.get("parentComment"), str) else parent
        created = _count(_field(element, "created", "time"))
        return Comment(id=urn, channel=self.name, post_id=post_id, text=str(_field(element, "message", "text") or ""),
                       created_at=_iso_from_millis(created) if created is not None else "",
                       url=comment_url(post_urn, urn, parent_id or ""), author=str(element.get("actor") or ""),
                       parent_id=parent_id or "")

    def _share_statistics(self, urn: str) -> dict[str, Any]:
        """``totalShareStatistics`` of the post, or ``{}`` when LinkedIn has none for it or refuses (403)."""
        url = share_statistics_url(self.author, urn)
        if url is None:
            return {}
        try:
            response = self._api.request("GET", url, headers=self._authorization)
        except NotOffered:
            return {}
        elements = json_or_empty(response).get("elements")
        first = elements[0] if isinstance(elements, list) and elements and isinstance(elements[0], dict) else {}
        statistics = first.get("totalShareStatistics")
        return statistics if isinstance(statistics, dict) else {}

    # ------------------------------------------------------------------ dry run

    def describe(self, post: OutgoingPost) -> list[str]:
        """One line per request :meth:`publish` would send; URNs LinkedIn hands out are placeholders."""
        base = str(self._api.base_url).rstrip("/")
        version = f"LinkedIn-Version: {self.api_version}"
        lines = []
        for number, photo in enumerate(post.photos, start=1):
            owner = json.dumps({"initializeUploadRequest": {"owner": self.author}})
            lines.append(f"POST {base}/rest/images?action=initializeUpload  {version}  {owner}")
            lines.append(f"PUT <uploadUrl of photo {number}>  {_file_summary(photo)}")
        placeholders = [(f"<urn of photo {number}>", photo.alt) for number, photo in enumerate(post.photos, start=1)]
        body = json.dumps(post_body(self.author, post.text, placeholders), ensure_ascii=False)
        lines.append(f"POST {base}/rest/posts  {version}  {body}")
        return [redact(line, self._api.secrets) for line in lines]


def post_body(author: str, text: str, images: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """The JSON of ``POST /rest/posts``; ``images`` are (URN, alt text) pairs in order."""
    body: dict[str, Any] = {
        "author": author,
        "commentary": little_text(text),
        "visibility": "PUBLIC",
        "distribution": {"feedDistribution": "MAIN_FEED", "targetEntities": [], "thirdPartyDistributionChannels": []},
        "lifecycleState": "PUBLISHED",
        "isReshareDisabledByAuthor": False,
    }
    media = [{"id": urn, **({"altText": alt} if alt else {})} for urn, alt in images]
    if len(media) == 1:
        body["content"] = {"media": media[0]}
    elif media:
        body["content"] = {"multiImage": {"images": media}}
    return body


def post_url(urn: str) -> str:
    """The public address of a post from its URN (``urn:li:share:…`` or ``urn:li:ugcPost:…``)."""
    return f"https://www.linkedin.com/feed/update/{urn}/"


def comment_url(post_urn: str, comment_urn: str, parent_urn: str = "") -> str:
    """Where a person opens a comment (a reply: under the comment it answers) on the post's page."""
    address = f"https://www.linkedin.com/feed/update/{post_urn}?commentUrn="
    if parent_urn:
        return f"{address}{quote(parent_urn, safe='')}&replyUrn={quote(comment_urn, safe='')}"
    return address + quote(comment_urn, safe="")


def share_statistics_url(organization: str, urn: str) -> str | None:
    """The statistics finder for one post, in Rest.li 2.0 syntax; None for a URN it does not take."""
    kind = urn.split(":")[2] if urn.count(":") >= 3 else ""
    parameter = _STATISTICS_LISTS.get(kind)
    if parameter is None:
        return None
    return (f"{STATISTICS_PATH}?q=organizationalEntity&organizationalEntity={quote(organization, safe='')}"
            f"&{parameter}=List({quote(urn, safe='')})")


def _iso_from_millis(millis: int) -> str:
    return dt.datetime.fromtimestamp(millis / 1000, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _field(body: Mapping[str, Any], outer: str, inner: str) -> object:
    """``body[outer][inner]``, or None where either is missing."""
    value = body.get(outer)
    return value.get(inner) if isinstance(value, dict) else None


def _count(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _may_have_replies(raw: object) -> bool:
    """Whether a comment's replies are worth asking for: its summary counts some, or says nothing."""
    summary = raw.get("commentsSummary") if isinstance(raw, dict) else None
    if not isinstance(summary, dict):
        return True
    count = _count(summary.get("aggregatedTotalComments"))
    return count is None or count > 0


def sends_token_to(upload_url: str, api_url: str) -> bool:
    """Whether the bearer token may go with a PUT to ``upload_url``.

    The upload URL comes from an answer, not from postdesk's settings. LinkedIn's upload
    hosts (``www.linkedin.com/dms-uploads/…``) need the token, but a token that can post
    as the agency for 60 days must never reach another host, for example if a proxy or
    an unexpected answer names one. So: the API's own origin (scheme, host and port: a
    proxy or the test fake), or an https host that is ``linkedin.com`` or ends in
    ``.linkedin.com``.
    """
    upload, api = httpx.URL(upload_url), httpx.URL(api_url)
    if (upload.scheme, upload.host, upload.port) == (api.scheme, api.host, api.port):
        return True
    return upload.scheme == "https" and (upload.host == "linkedin.com" or upload.host.endswith(".linkedin.com"))


def _file_summary(photo: Photo) -> str:
    try:
        return f"{photo.path.name} ({photo.path.stat().st_size:,} bytes)"
    except OSError:
        return f"{photo.path.name} (cannot be read)"


# ---------------------------------------------------------------------- little text

LITTLE_RESERVED = "|{}@[]()<>#\\*_~"
_ESCAPE = re.compile(r"([|{}@\[\]()<>#\\*_~])")
_LINK_OR_HASHTAG = re.compile(
    r"(?P<link>(?:https?://|www\.)\S+)"
    r"|(?<![\w#&/])#(?P<tag>(?=[^\W_]*[^\W\d_])[^\W_]+)(?!\w)"
)


def little_text(text: str) -> str:
    """``text`` in LinkedIn's "little text" format, for the ``commentary`` of a post.

    In little text ``| { } @ [ ] ( ) < > # \\ * _ ~`` are syntax (mentions, hashtags,
    templates); unescaped, LinkedIn silently cuts the post at the first one, so each gets
    a backslash. A hashtag becomes the template ``{hashtag|\\#|Word}`` so it stays a
    hashtag. What counts as a hashtag:

    * ``#`` followed by letters and digits with at least one letter (``#FosterCare``,
      ``#Adoption2026``); ``#1`` is a number and stays text;
    * not inside a word or after ``/``, ``#`` or ``&`` (``C#``, ``page/#top``, ``&#38;``);
    * a tag that runs on into ``_`` stays text rather than being cut in two;
    * never inside a link (``http://``, ``https://`` or ``www.`` up to the next space): a
      URL fragment is not a hashtag. Links are escaped like the rest, as the format
      documents; should LinkedIn ever show a link broken by it (one third-party report
      says so for ``_`` in ``utm_source``), percent-encode inside links instead.
    """
    parts = []
    done = 0
    for match in _LINK_OR_HASHTAG.finditer(text):
        parts.append(_ESCAPE.sub(r"\\\1", text[done:match.start()]))
        if match["tag"]:
            parts.append(f"{{hashtag|\\#|{match['tag']}}}")
        else:
            parts.append(_ESCAPE.sub(r"\\\1", match[0]))
        done = match.end()
    parts.append(_ESCAPE.sub(r"\\\1", text[done:]))
    return "".join(parts)


# ---------------------------------------------------------------------- errors

def classify(response: httpx.Response, *, clock: Callable[[], float] = time.time) -> ChannelError:
    """LinkedIn's error ``{"message", "serviceErrorCode", "status"}`` (often with ``code``) as a ChannelError.

    ===================================  ===========================================================
    answer                               class
    ===================================  ===========================================================
    429                                  RateLimited: ``Retry-After`` seconds, else now + 1 hour
    401                                  AuthFailed(LINKEDIN_ACCESS_TOKEN): expired (60 days) or revoked
    403                                  AuthFailed: w_organization_social, or the admin role on the Page
    426, NONEXISTENT_VERSION,            OutdatedVersion: set ``[channels.linkedin] api_version``
    VERSION_MISSING
    422 with DUPLICATE_POST              DuplicatePost
    5xx                                  Unavailable
    any other 4xx                        Rejected, with LinkedIn's message
    ===================================  ===========================================================

    Reading (a ``GET``: the monitor's requests; posting sends none) changes the words and
    three classes: 403 on the share statistics is NotOffered (the client leaves shares
    and impressions None), any other 403 names ``r_organization_social``, and 404 is
    Rejected as a deleted post or comment, naming its URN.
    """
    body = json_or_empty(response)
    status = response.status_code
    code = short_code(body.get("code"))
    said = _what_linkedin_said(response, body)
    method, path = asked(response)
    reading = method == "GET"
    if status == 429:
        retry_at = retry_at_from_retry_after(response.headers.get("Retry-After"), clock=clock,
                                             default_wait=DEFAULT_THROTTLE_WAIT)
        minutes = max(1, round((retry_at - clock()) / 60))
        later = "the monitor reads it again on a later run" if reading else "postdesk posts it on a later run"
        return RateLimited(f"LinkedIn is limiting this app's requests ({said}); try again in about {minutes} "
                           "minutes.", retry_at=retry_at,
                           hint=f"Nothing to fix: {later}. LinkedIn's limits are per day "
                                "and reset at midnight UTC.")
    if status == 401:
        return AuthFailed(f"LinkedIn refused the access token: it expired or was revoked ({said}).",
                          secrets=(TOKEN_SECRET,),
                          hint="LinkedIn access tokens last 60 days. An admin of the LinkedIn Page signs in again "
                               "through the app's OAuth flow (or the Developer Portal's token generator) with the "
                               "w_organization_social scope (and r_organization_social for the monitor) and "
                               f"stores the new token as the {TOKEN_SECRET} secret.")
    if status == 403 and reading and path == STATISTICS_PATH:
        return NotOffered(f"LinkedIn does not give this token the organization's share statistics ({said}).",
                          hint="Shares and impressions stay empty. They need the r_organization_social scope and a "
                               "member with an admin or analyst role on the LinkedIn Page.")
    if status == 403 and reading:
        return AuthFailed(f"LinkedIn does not let this token read the organization's comments and reactions "
                          f"({said}).", secrets=(TOKEN_SECRET,),
                          hint="The token needs the r_organization_social scope (besides w_organization_social), "
                               "made by a Super admin or Content admin of the LinkedIn Page. Make a new token and "
                               f"store it as the {TOKEN_SECRET} secret.")
    if status == 404 and reading:
        target = _social_actions_target(path)
        what = "comment" if target.startswith("urn:li:comment:") else "post"
        return Rejected(f"LinkedIn no longer has the {what} {target or path}: it was deleted ({said}).",
                        hint="Nothing to fix if it was deleted on purpose: the monitor skips it.")
    if status == 403:
        return AuthFailed(f"LinkedIn does not let this token post for the organization ({said}).",
                          secrets=(TOKEN_SECRET,),
                          hint="The token needs the w_organization_social scope, and the member who made it must be "
                               "a Super admin or Content admin of the LinkedIn Page. Fix the role or the app's "
                               f"scopes, make a new token and store it as the {TOKEN_SECRET} secret.")
    if status == 426 or code in ("NONEXISTENT_VERSION", "VERSION_MISSING"):
        return OutdatedVersion(f"LinkedIn no longer serves the API version postdesk asks for ({said}).",
                               hint="Set [channels.linkedin] api_version in postdesk.toml to a current version "
                                    "(YYYYMM, e.g. last month's): LinkedIn retires each version about a year "
                                    "after its release.")
    if status == 422 and ("DUPLICATE_POST" in response.text or "duplicate" in said.lower()):
        existing = re.search(r"urn:li:(?:share|ugcPost):\d+", said)
        where = f" ({existing[0]})" if existing else ""
        return DuplicatePost(f"LinkedIn already has a post with this text{where} ({said}).",
                             hint="It counts as posted. To post it again, change the text.")
    if status >= 500:
        return Unavailable(f"LinkedIn could not handle the request ({said}).",
                           hint="A passing problem at LinkedIn: postdesk tries again on a later run.")
    return Rejected(f"LinkedIn refused the request ({said}).",
                    hint="A person must look: fix what LinkedIn names (text too long, a photo it cannot read).")


def _social_actions_target(path: str) -> str:
    """The URN in ``/rest/socialActions/{urn}[/comments]``, or ``""``."""
    parts = path.split("/")
    return parts[3] if len(parts) > 3 and parts[1:3] == ["rest", "socialActions"] else ""


def _what_linkedin_said(response: httpx.Response, body: Mapping[str, Any]) -> str:
    """LinkedIn's own words with its codes, e.g. ``Content is a duplicate of urn:li:share:1, code DUPLICATE_POST``.

    The message is cleaned and capped (:func:`postdesk.secrecy.clean_error_text`); the
    codes are kept only as numbers or short identifiers (:func:`postdesk.secrecy.short_code`).
    """
    message = clean_error_text(body.get("message") if isinstance(body.get("message"), str) else "")
    message = message or f"HTTP {response.status_code} with no error details"
    details = []
    code, service_code = short_code(body.get("code")), short_code(body.get("serviceErrorCode"))
    if code:
        details.append(f"code {code}")
    if service_code:
        details.append(f"serviceErrorCode {service_code}")
    return ", ".join([message, *details])
