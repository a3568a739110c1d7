"""The Facebook Page client: Graph API feed and photo endpoints.

How a post goes out (``/work/shared/PLATFORMS.md``, "Facebook Graph"; every path starts
with ``/{api_version}/{page-id}``):

* **no photo**: ``POST /feed`` with ``message`` and ``link`` (the link gives the post
  its preview card);
* **one photo**: ``POST /photos``, multipart, with the file as ``source``, the text as
  ``caption`` and ``alt_text_custom``. This one call creates the post, so
  ``before_publish`` is called right before it, with no media ids: nothing was
  uploaded before it;
* **several photos**: each is uploaded with ``published=false`` (an unpublished photo is
  invisible and publishes nothing), then ``POST /feed`` with ``message`` and
  ``attached_media[i]={"media_fbid": "<id>"}`` (JSON-encoded form fields) creates one
  post showing them in order.

With photos the ``link`` field is not sent: Facebook shows either a link card or
photos, and the text already carries the link (``posttext`` adds it).

The Page token travels in the ``Authorization: Bearer`` header, which Graph accepts as
well as its ``access_token`` parameter, so no URL (in an error, a log or ``--dry-run``)
ever holds it.

The post's address is ``https://www.facebook.com/{page-id}/posts/{post-id}``, built from
the ``{page-id}_{post-id}`` id Graph returns: it costs no second call (asking for
``permalink_url`` would, with a read permission), and Facebook redirects it to the
post's canonical permalink.

Reading (the monitor's :class:`~.base.Watcher` side, same object, same token):

* **comments**: ``GET /{post}/comments`` with ``filter=stream`` (every comment *and*
  reply, flat, each reply naming its ``parent``), ``order=chronological``,
  ``limit=100`` and ``since`` (unix seconds) when asked. Pages are followed by their
  ``paging.cursors.after`` cursor while the answer has ``paging.next``. The ``next``
  URL itself is never followed: it is an absolute ``graph.facebook.com`` address
  (Meta's docs even show ``graph.intern.facebook.com``) that would leave the
  configured API URL (a proxy, the test fake) and take the bearer token to whatever
  host an answer names, and it carries ``access_token=`` in its query, which httpx
  would then write to its request log. Rebuilt from the cursor, every request stays on
  the configured URL with the token in the header only. Comments are returned oldest
  first; ``since`` is applied again on our side, *inclusive* (a comment in the same
  second as ``since`` comes back rather than being lost: the monitor keeps the ids it
  has seen). Comments Facebook shows as hidden (``is_hidden``) are left out: the monitor
  reads "no longer returned" as "hidden or deleted". Without ``from`` (Graph leaves it
  out unless the commenter's profile may be shown) the author is ``""``. Graph leaves
  out every comment ``id`` unless the token's user can moderate the Page: that is
  :class:`~postdesk.errors.AuthFailed`, since no comment could be tracked.
* **engagement**: ``GET /{post}?fields=shares,reactions.summary(total_count).limit(0),
  comments.summary(total_count).limit(0)``. Graph leaves ``shares`` out when nobody
  shared, so that reads as 0; its comment count is of top-level comments (Graph's
  default filter), replies not included. Impressions come from ``GET /{post}/insights
  ?metric=post_impressions``; when Graph will not give them (a permission error, codes
  10 and 200–299, or an invalid-metric error: Meta has been retiring impression metrics
  in favour of "views"), ``impressions`` is None instead of losing the other numbers.
* **ids**: the ledger holds ``{page-id}_{post-id}``; a bare ``{post-id}`` (what
  ``postdesk ledger resolve`` keeps from a ``/posts/{post-id}`` address) is read as a
  post of the configured Page. Anything else (a ``pfbid…`` from a copied address) is
  refused before any request: Graph cannot look it up.
* **errors** while reading are classified like posting's, with words for reading: a
  deleted post (code 100, subcode 33) is :class:`~postdesk.errors.Rejected` ("no longer
  on Facebook"), a missing read permission names ``pages_read_engagement`` and
  ``pages_read_user_content``.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import time
from collections.abc import Callable, Mapping, Sequence
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
)

__all__ = [
    "API_URL_VARIABLE",
    "CREDENTIALS",
    "DEFAULT_API_URL",
    "FacebookClient",
    "classify",
    "comment_url",
    "feed_fields",
    "from_env",
    "graph_time",
    "post_node",
    "post_url",
    "throttle_retry_at",
]

CREDENTIALS = (("FACEBOOK_PAGE_ID", "FACEBOOK_PAGE_TOKEN"),)
API_URL_VARIABLE = "POSTDESK_FACEBOOK_API_URL"
DEFAULT_API_URL = "https://graph.facebook.com"

TOKEN_SECRET = "FACEBOOK_PAGE_TOKEN"
DEFAULT_THROTTLE_WAIT = 15 * 60.0
"""Seconds to wait when a throttled answer carries no estimate: Graph's usage windows are
rolling hours, and a quarter of an hour lets a scheduled run try again soon without
hammering a Page that is over its limit."""

THROTTLE_CODES = frozenset({4, 17, 32, 613})
TOKEN_CODES = frozenset({102, 104, 190})
PERMISSION_CODES = frozenset({10, *range(200, 300)})
TRANSIENT_CODES = frozenset({1, 2})
BLOCKED_CODE = 368
DUPLICATE_CODE = 506
USAGE_HEADERS = ("X-Business-Use-Case-Usage", "X-Page-Usage", "X-App-Usage")
"""Where Graph says how close a caller is to its limits, and when a throttle lifts."""

TOKEN_SUBCODES = {
    458: "the app was removed from the account that made the token",
    460: "the password of the account that made the token changed",
    463: "the token expired",
    464: "the account that made the token is not confirmed",
    467: "the token is no longer valid (logged out or revoked)",
    492: "the account that made the token no longer has a role on the Page",
}

COMMENT_FIELDS = "id,message,created_time,from{name},permalink_url,parent{id},is_hidden"
ENGAGEMENT_FIELDS = "shares,reactions.summary(total_count).limit(0),comments.summary(total_count).limit(0)"
IMPRESSIONS_METRIC = "post_impressions"
COMMENTS_PAGE_SIZE = 100
"""Comments asked for per page: Graph's largest page for comments."""
GONE_SUBCODE = 33
"""With code 100: the object does not exist (deleted) or this token cannot see it."""

_VERSION = re.compile(r"v\d+\.\d+")
_GRAPH_ID = re.compile(r"\d+(?:_\d+)?")


def from_env(env: Mapping[str, str], settings: ChannelSettings, *, policy: RetryPolicy,
             transport: httpx.BaseTransport | None = None) -> FacebookClient | None:
    """A client for the Page named in ``env``, or None when the Page id or token is missing."""
    found = credentials(env, *CREDENTIALS[0])
    if found is None:
        return None
    page_id, token = found
    return FacebookClient(page_id=page_id, token=token, api_version=settings.api_version,
                          base_url=env.get(API_URL_VARIABLE) or DEFAULT_API_URL, policy=policy, transport=transport)


class FacebookClient:
    """Posts to one Facebook Page. Use as a context manager, or call :meth:`close`."""

    name: ClassVar[str] = "facebook"

    def __init__(self, *, page_id: str, token: str, api_version: str, base_url: str = DEFAULT_API_URL,
                 policy: RetryPolicy | None = None, transport: httpx.BaseTransport | None = None) -> None:
        if not _VERSION.fullmatch(api_version):
            raise ConfigError(f"channels.facebook.api_version is {api_version!r}, not a Graph API version.",
                              hint="Set [channels.facebook] api_version in postdesk.toml to a version such as "
                                   "'v24.0' (see Meta's Graph API changelog for the current one).")
        policy = policy or RetryPolicy()
        self.page_id = page_id
        self.api_version = api_version
        self._api = Api(channel=self.name, base_url=base_url, classify=functools.partial(classify, clock=policy.clock),
                        headers={"Authorization": f"Bearer {token}"}, policy=policy, secrets=(token,),
                        transport=transport)

    def __repr__(self) -> str:
        return f"FacebookClient(page_id={self.page_id!r}, api_version={self.api_version!r})"

    def close(self) -> None:
        self._api.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ publishing

    def publish(self, post: OutgoingPost, *, before_publish: BeforePublish) -> Published:
        """Upload the photos, call ``before_publish``, create the post (see the module docstring)."""
        files = [read_photo(photo) for photo in post.photos]  # all readable before anything is sent
        if len(files) == 1:
            before_publish([])
            response = self._api.request("POST", self._edge("photos"), creates_post=True,
                                         data=photo_fields(post.photos[0], caption=post.text),
                                         files={"source": (post.photos[0].path.name, files[0], "image/jpeg")})
            return self._published(response, key="post_id")
        media_ids = [self._upload_unpublished(photo, data) for photo, data in zip(post.photos, files, strict=True)]
        before_publish(media_ids)
        response = self._api.request("POST", self._edge("feed"), creates_post=True, data=feed_fields(post, media_ids))
        return self._published(response, key="id")

    def _upload_unpublished(self, photo: Photo, data: bytes) -> str:
        response = self._api.request("POST", self._edge("photos"), data=photo_fields(photo, caption=None),
                                     files={"source": (photo.path.name, data, "image/jpeg")})
        photo_id = json_or_empty(response).get("id")
        if not isinstance(photo_id, str) or not photo_id:
            raise Unavailable(f"Facebook accepted the photo {photo.path.name} but its answer has no id.",
                              channel=self.name, status=response.status_code,
                              hint="Nothing was posted; postdesk tries again on its next run.")
        return photo_id

    def _published(self, response: httpx.Response, *, key: str) -> Published:
        post_id = json_or_empty(response).get(key)
        if not isinstance(post_id, str) or not post_id:
            raise Unavailable("Facebook answered the post request without the post's id: the post may exist.",
                              channel=self.name, status=response.status_code, maybe_sent=True,
                              hint="Look at the Page: record the post if it is there, post again if it is not.")
        return Published(post_id=post_id, url=post_url(post_id))

    def _edge(self, edge: str) -> str:
        return f"/{self.api_version}/{quote(self.page_id, safe='')}/{edge}"

    # ------------------------------------------------------------------ reading

    def comments(self, post_id: str, *, since: str = "") -> list[Comment]:
        """Every visible comment and reply on the post, oldest first, at or after ``since`` (ISO UTC) when given."""
        path = f"{self._node_path(post_id)}/comments"
        floor = parse_since(since)
        params = {"filter": "stream", "order": "chronological", "fields": COMMENT_FIELDS,
                  "limit": str(COMMENTS_PAGE_SIZE)}
        if floor is not None:
            params["since"] = str(int(floor.timestamp()))
        found: list[Comment] = []
        cursors: set[str] = set()
        while True:
            body = json_or_empty(self._api.request("GET", path, params=params))
            data = body.get("data")
            if not isinstance(data, list):
                raise Unavailable("Facebook answered a page of comments without its 'data' list.", channel=self.name,
                                  hint="A passing problem at Facebook: the monitor reads again on its next run.")
            found.extend(comment for raw in data if (comment := self._comment(post_id, raw)) is not None)
            after = _next_cursor(body)
            if after is None:
                break
            if after in cursors:
                raise Unavailable("Facebook's paging of the comments came back to a page already read.",
                                  channel=self.name,
                                  hint="A passing problem at Facebook: the monitor reads again on its next run.")
            cursors.add(after)
            params["after"] = after
        if floor is not None:
            found = [c for c in found if not c.created_at or parse_since(c.created_at) >= floor]
        return sorted(found, key=lambda c: (not c.created_at, c.created_at))

    def engagement(self, post_id: str) -> Engagement:
        """Reactions, shares and comments from the post itself; impressions from its insights (None if refused)."""
        node = self._node_path(post_id)
        body = json_or_empty(self._api.request("GET", node, params={"fields": ENGAGEMENT_FIELDS}))
        shares = body.get("shares")
        try:
            insights = json_or_empty(self._api.request("GET", f"{node}/insights",
                                                       params={"metric": IMPRESSIONS_METRIC}))
        except NotOffered:
            impressions = None
        else:
            impressions = _insight(insights, IMPRESSIONS_METRIC)
        return Engagement(reactions=_summary_count(body.get("reactions")),
                          shares=_as_int(shares.get("count")) if isinstance(shares, dict) else 0,
                          comments=_summary_count(body.get("comments")),
                          impressions=impressions)

    def _node_path(self, post_id: str) -> str:
        """``/{version}/{node}`` of a ledger post id, or Rejected before any request when Graph cannot read it."""
        node = post_node(post_id, self.page_id)
        if node is None:
            raise Rejected(f"The ledger's Facebook post id {post_id!r} is not an id Graph can look up.",
                           channel=self.name,
                           hint="Set the entry's post_id to the post's Graph id, '{page-id}_{post-id}' (in Meta "
                                "Business Suite or the Graph API Explorer: GET /{page-id}/posts), or confirm it "
                                "again with a https://www.facebook.com/{page-id}/posts/{post-id} address.")
        return f"/{self.api_version}/{quote(node, safe='')}"

    def _comment(self, post_id: str, raw: object) -> Comment | None:
        """One comment of Graph's answer, or None when Facebook shows it as hidden."""
        if not isinstance(raw, dict) or raw.get("is_hidden") is True:
            return None
        comment_id = raw.get("id")
        if not isinstance(comment_id, str) or not comment_id:
            raise AuthFailed("Facebook returned comments without their ids: the Page token's user cannot moderate "
                             "the Page, and a comment without an id cannot be followed.", channel=self.name,
                             secrets=(TOKEN_SECRET,),
                             hint="Make the Page token as someone with full control or the 'Community activity' "
                                  "(moderate) task on the Page, with pages_read_engagement and "
                                  f"pages_read_user_content, and store it as the {TOKEN_SECRET} secret.")
        author, parent = raw.get("from"), raw.get("parent")
        permalink = raw.get("permalink_url")
        return Comment(id=comment_id, channel=self.name, post_id=post_id, text=str(raw.get("message") or ""),
                       created_at=graph_time(str(raw.get("created_time") or "")),
                       url=comment_url(comment_id, permalink if isinstance(permalink, str) else ""),
                       author=str(author.get("name") or "") if isinstance(author, dict) else "",
                       parent_id=str(parent.get("id") or "") if isinstance(parent, dict) else "")

    # ------------------------------------------------------------------ dry run

    def describe(self, post: OutgoingPost) -> list[str]:
        """One line per request :meth:`publish` would send; ids Facebook hands out are placeholders."""
        base = str(self._api.base_url).rstrip("/")

        def line(edge: str, fields: Mapping[str, str], photo: Photo | None = None) -> str:
            parts = [f"POST {base}{self._edge(edge)}"]
            if photo is not None:
                parts.append(f"source={_file_summary(photo)}")
            parts.extend(f"{name}={json.dumps(value, ensure_ascii=False)}" for name, value in fields.items())
            return "  ".join(parts)

        if len(post.photos) == 1:
            lines = [line("photos", photo_fields(post.photos[0], caption=post.text), post.photos[0])]
        else:
            lines = [line("photos", photo_fields(photo, caption=None), photo) for photo in post.photos]
            placeholders = [f"<id of photo {number}>" for number in range(1, len(post.photos) + 1)]
            lines.append(line("feed", feed_fields(post, placeholders)))
        return [redact(text, self._api.secrets) for text in lines]


def photo_fields(photo: Photo, *, caption: str | None) -> dict[str, str]:
    """The form fields of a photo upload: a caption publishes it as a post, no caption keeps it unpublished."""
    fields = {"caption": caption} if caption is not None else {"published": "false"}
    if photo.alt:
        fields["alt_text_custom"] = photo.alt
    return fields


def feed_fields(post: OutgoingPost, media_ids: Sequence[str]) -> dict[str, str]:
    """The form fields of ``POST /feed``: the text, the link when there are no photos, the photos in order."""
    fields = {"message": post.text}
    if post.link and not media_ids:
        fields["link"] = post.link
    for index, media_id in enumerate(media_ids):
        fields[f"attached_media[{index}]"] = json.dumps({"media_fbid": media_id})
    return fields


def post_url(post_id: str) -> str:
    """The public address of a post from Graph's ``{page-id}_{post-id}`` id."""
    page, separator, story = post_id.partition("_")
    if separator and page and story:
        return f"https://www.facebook.com/{page}/posts/{story}"
    return f"https://www.facebook.com/{post_id}"


def post_node(post_id: str, page_id: str) -> str | None:
    """The Graph node of a ledger post id: ``{page}_{post}`` as is, a bare ``{post}`` on ``page_id``, else None."""
    post_id = post_id.strip()
    if not _GRAPH_ID.fullmatch(post_id):
        return None
    return post_id if "_" in post_id else f"{page_id}_{post_id}"


def comment_url(comment_id: str, permalink: str = "") -> str:
    """Where a person opens a comment: Graph's ``permalink_url`` when it is an https address, else by its id."""
    if permalink.startswith("https://"):
        return permalink
    return f"https://www.facebook.com/{quote(comment_id, safe='_')}"


def graph_time(value: str) -> str:
    """Graph's ``2030-07-22T15:04:05+0000`` as ``2030-07-22T15:04:05Z``; ``""`` when it is not a time."""
    try:
        moment = dt.datetime.strptime(value, "%Y-%m-%dT%H:%M:%S%z")
    except ValueError:
        return ""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _next_cursor(body: Mapping[str, Any]) -> str | None:
    """The ``after`` cursor of the next page, or None on the last page (no ``paging.next``)."""
    paging = body.get("paging")
    if not isinstance(paging, dict) or not paging.get("next"):
        return None
    cursors = paging.get("cursors")
    after = cursors.get("after") if isinstance(cursors, dict) else None
    return after if isinstance(after, str) and after else None


def _summary_count(edge: object) -> int | None:
    """``total_count`` of an edge asked for with ``.summary(total_count)``, None when Graph left it out."""
    summary = edge.get("summary") if isinstance(edge, dict) else None
    return _as_int(summary.get("total_count")) if isinstance(summary, dict) else None


def _insight(body: Mapping[str, Any], metric: str) -> int | None:
    """The latest value of ``metric`` in an insights answer, None when there is none yet."""
    for entry in body.get("data") or ():
        if isinstance(entry, dict) and entry.get("name") == metric:
            values = [v.get("value") for v in entry.get("values") or () if isinstance(v, dict)]
            return _as_int(values[-1]) if values else None
    return None


def _file_summary(photo: Photo) -> str:
    try:
        return f"{photo.path.name} ({photo.path.stat().st_size:,} bytes)"
    except OSError:
        return f"{photo.path.name} (cannot be read)"


# ---------------------------------------------------------------------- errors

def classify(response: httpx.Response, *, clock: Callable[[], float] = time.time) -> ChannelError:
    """Graph's error ``{"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}`` as a ChannelError.

    ==========================  ================================================================
    code                        class
    ==========================  ================================================================
    4, 17, 32, 613 (or 429)     RateLimited: ``retry_at`` from :func:`throttle_retry_at`
    190, 102, 104               AuthFailed(FACEBOOK_PAGE_TOKEN): make a new long-lived Page token
    10, 200–299                 AuthFailed(FACEBOOK_PAGE_TOKEN): the token lacks pages_manage_posts
                                (reading: pages_read_engagement, pages_read_user_content)
    10, 200–299, 100 reading    NotOffered: Graph will not give this post's insights (the client
    ``/insights``               leaves impressions None)
    100 subcode 33 reading      Rejected: the post is no longer on Facebook (deleted), or hidden
                                from this token
    368                         Rejected: the Page is temporarily blocked for policy, a person must look
    506                         DuplicatePost
    1, 2, any 5xx               Unavailable
    100, anything else          Rejected, with Facebook's message and ``fbtrace_id`` for Meta support
    ==========================  ================================================================

    The code decides before the HTTP status: Graph sends most errors as 400 whatever they mean.
    "Reading" is a ``GET`` (the monitor's requests; posting only sends ``POST``): the
    request the answer belongs to decides the words, so one client serves both.
    """
    error = _graph_error(response)
    code, subcode = _as_int(error.get("code")), _as_int(error.get("error_subcode"))
    said = _what_facebook_said(response, error, code, subcode)
    method, path = asked(response)
    reading = method == "GET"
    if code in THROTTLE_CODES or response.status_code == 429:
        retry_at = throttle_retry_at(response.headers, clock=clock)
        minutes = max(1, round((retry_at - clock()) / 60))
        later = "the monitor reads it again on a later run" if reading else "postdesk posts it on a later run"
        return RateLimited(f"Facebook is limiting this app's or Page's requests ({said}); "
                           f"it allows more in about {minutes} minutes.", retry_at=retry_at,
                           hint=f"Nothing to fix: {later}. If this keeps happening, "
                                "check which other tools use this Page's token.")
    if code in TOKEN_CODES:
        why = TOKEN_SUBCODES.get(subcode or 0, "the token is not valid")
        return AuthFailed(f"Facebook refused the Page access token: {why} ({said}).", secrets=(TOKEN_SECRET,),
                          hint="Generate a new long-lived Page access token (from a long-lived user token of a "
                               "Page admin, in the Graph API Explorer or Meta Business Suite) and store it as "
                               f"the {TOKEN_SECRET} secret.")
    if reading and path.endswith("/insights") and (code in PERMISSION_CODES or code == 100):
        return NotOffered(f"Facebook does not give this token the post's {IMPRESSIONS_METRIC} insights ({said}).",
                          hint="Impressions stay empty. To get them, the Page token needs read_insights and "
                               "pages_read_engagement, made by someone with the Page's 'Insights' (analyze) task.")
    if code in PERMISSION_CODES and reading:
        return AuthFailed(f"The Page access token may not read the Page's comments and engagement ({said}).",
                          secrets=(TOKEN_SECRET,),
                          hint="Generate a new Page access token with pages_read_engagement and "
                               "pages_read_user_content (and pages_manage_posts to keep posting), made by someone "
                               f"who can moderate the Page, and store it as the {TOKEN_SECRET} secret.")
    if reading and code == 100 and subcode == GONE_SUBCODE:
        return Rejected(f"This post is no longer on Facebook: it was deleted, or the Page token cannot see it "
                        f"({said}).",
                        hint="Nothing to fix if it was deleted on purpose: the monitor skips it. If the post is "
                             f"still on the Page, check that {TOKEN_SECRET} is a token of this Page.")
    if code in PERMISSION_CODES:
        return AuthFailed(f"The Page access token lacks the pages_manage_posts permission ({said}).",
                          secrets=(TOKEN_SECRET,),
                          hint="Generate a new Page access token with pages_manage_posts, pages_read_engagement "
                               "and pages_show_list, made by someone who may create content on the Page, and "
                               f"store it as the {TOKEN_SECRET} secret.")
    if code == BLOCKED_CODE:
        return Rejected(f"Facebook has temporarily blocked this Page from posting for a policy reason ({said}).",
                        hint="A person must look: open the Page in Meta Business Suite (Support Inbox, Page "
                             "quality) to see why and until when. postdesk will not retry.")
    if code == DUPLICATE_CODE:
        return DuplicatePost(f"Facebook already has a post with this text ({said}).",
                             hint="It counts as posted. To post it again, change the text.")
    if code in TRANSIENT_CODES or response.status_code >= 500:
        return Unavailable(f"Facebook could not handle the request ({said}).",
                           hint="A passing problem at Facebook: postdesk tries again on a later run.")
    return Rejected(f"Facebook refused the request ({said}).",
                    hint="A person must look: fix what Facebook names. Quote the fbtrace_id to Meta support "
                         "if the message is unclear.")


def throttle_retry_at(headers: Mapping[str, str], *, clock: Callable[[], float] = time.time) -> float:
    """When a throttle lifts: ``estimated_time_to_regain_access`` (whole minutes) in a usage header.

    The largest estimate among ``X-Business-Use-Case-Usage``, ``X-Page-Usage`` and
    ``X-App-Usage`` wins; an estimate of 0 on a throttled answer counts as one minute
    (Graph rounds down). Without any estimate: now + 15 minutes (``DEFAULT_THROTTLE_WAIT``).
    """
    minutes = [value for name in USAGE_HEADERS for value in _regain_minutes(_json_header(headers.get(name)))]
    if not minutes:
        return clock() + DEFAULT_THROTTLE_WAIT
    return clock() + max(1.0, max(minutes)) * 60.0


def _regain_minutes(value: Any) -> list[float]:
    """Every ``estimated_time_to_regain_access`` number anywhere in a parsed usage header."""
    if isinstance(value, dict):
        found = [float(v) for k, v in value.items()
                 if k == "estimated_time_to_regain_access" and isinstance(v, int | float) and not isinstance(v, bool)]
        return found + [m for v in value.values() if isinstance(v, dict | list) for m in _regain_minutes(v)]
    if isinstance(value, list):
        return [m for item in value for m in _regain_minutes(item)]
    return []


def _json_header(value: str | None) -> Any:
    try:
        return json.loads(value) if value else None
    except ValueError:
        return None


def _graph_error(response: httpx.Response) -> dict[str, Any]:
    error = json_or_empty(response).get("error")
    return error if isinstance(error, dict) else {}


def _as_int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def _what_facebook_said(response: httpx.Response, error: Mapping[str, Any], code: int | None,
                        subcode: int | None) -> str:
    """Facebook's own words with the code and trace id, e.g. ``(#100) Invalid parameter, code 100, fbtrace_id A1``.

    Only what a person needs is kept: the message, cleaned and capped
    (:func:`postdesk.secrecy.clean_error_text`: Graph's "Malformed access token …" quotes
    the token), the code and subcode as numbers, and the trace id when it is a short
    identifier (Meta support asks for it).
    """
    message = clean_error_text(error.get("message") if isinstance(error.get("message"), str) else "")
    message = message or f"HTTP {response.status_code} with no error details"
    details = [f"code {code}"] if code is not None else []
    if subcode is not None:
        details.append(f"subcode {subcode}")
    trace = short_code(error.get("fbtrace_id"))
    if trace:
        details.append(f"fbtrace_id {trace}")
    return ", ".join([message, *details])
