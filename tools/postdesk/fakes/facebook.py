"""A loopback Facebook Graph API: a Page's feed and photo endpoints, and the reads of a post's comments and numbers.

Routes (any ``v{N}.{M}`` version, recorded in the path):

* ``POST /{version}/{page-id}/photos``: multipart ``source`` with ``caption`` (publishes
  a post, answers ``{"id", "post_id"}``) or ``published=false`` (an unpublished photo
  to attach later, answers ``{"id"}``); ``alt_text_custom`` is kept;
* ``POST /{version}/{page-id}/feed``: ``message``, ``link``, ``attached_media[i]``
  (``{"media_fbid": id}`` of unpublished photos), answers ``{"id": "{page}_{post}"}``;
* ``GET /{version}/{post-id}/comments``: ``filter`` (``stream``: comments and replies,
  flat, each reply with ``parent``; otherwise top-level only), ``order``, ``fields``
  (only the fields asked for come back), ``limit`` (at most :attr:`FakeFacebook.page_size`),
  ``since`` (unix seconds; ignored when ``honours_since`` is off) and the ``after``
  cursor. Graph's paging: ``{"data", "paging": {"cursors": {"before", "after"}, "next"}}``,
  ``next`` only while more pages follow, and like Graph's an absolute
  ``https://graph.facebook.com/...`` URL carrying ``access_token=`` (a client that
  follows it leaves the fake and carries the token off);
* ``GET /{version}/{post-id}?fields=shares,reactions.summary(...),comments.summary(...)``:
  the counts (``shares`` left out when 0, as Graph does);
* ``GET /{version}/{post-id}/insights?metric=post_impressions``: the lifetime value;
  ``refuse_insights`` answers code 10 (no permission), an unknown metric code 100.

A deleted or unknown post is answered on every read as Graph does: 400, code 100,
subcode 33, "Unsupported get request. Object with ID ... does not exist".
Tests add comments with :meth:`FakeFacebook.add_comment` to posts the client made (or
:meth:`FakeFacebook.add_post`), and shrink ``page_size`` to see every page followed.

Like Graph it reads the token from ``Authorization: Bearer`` (or ``access_token``),
answers a wrong or missing token with code 190/104 and a wrong Page with code 100, and
refuses the same message twice in a row with code 506. Every error has Graph's shape
``{"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}``.

:meth:`FakeFacebook.page_route` adds further Page edges behind the same checks; the
reading routes above check the token and the read permission, then the post.
"""

from __future__ import annotations

import base64
import datetime as dt
import itertools
import json
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field

from .server import FakeServer, Recorded, Reply

__all__ = ["FacebookComment", "FacebookPhoto", "FacebookPost", "FakeFacebook", "graph_error"]

_TRACE_IDS = itertools.count(1)
_VERSION_PATTERN = r"/(?P<version>v\d+\.\d+)"
ENDPOINTS: dict[str, tuple[str, str]] = {
    "feed": ("POST", rf"{_VERSION_PATTERN}/[^/]+/feed"),
    "photos": ("POST", rf"{_VERSION_PATTERN}/[^/]+/photos"),
    "any": ("POST", r"/.*"),
    "comments": ("GET", rf"{_VERSION_PATTERN}/[^/]+/comments"),
    "insights": ("GET", rf"{_VERSION_PATTERN}/[^/]+/insights"),
    "post": ("GET", rf"{_VERSION_PATTERN}/[^/]+"),
    "read": ("GET", r"/.*"),
}
"""Names a test uses to aim a scripted error: ``fake.server_error_next(on="photos")``."""

_IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF8")


@dataclass
class FacebookPhoto:
    """A photo as the fake stored it; ``post_id`` is the post that shows it (None while unpublished)."""

    id: str
    filename: str
    data: bytes
    alt_text: str
    caption: str
    published: bool
    post_id: str | None = None


@dataclass
class FacebookPost:
    """A post on the Page: its text, link, and the photos it shows in order with their alt texts."""

    id: str
    message: str
    link: str = ""
    photo_ids: list[str] = field(default_factory=list)
    alt_texts: list[str] = field(default_factory=list)
    comments: list[FacebookComment] = field(default_factory=list)
    reactions: int = 0
    shares: int = 0
    impressions: int | None = None
    """None: insights have no value for the post yet."""
    deleted: bool = False


@dataclass
class FacebookComment:
    """A comment or reply; ``author`` None: Graph leaves ``from`` out (it may not show who wrote it)."""

    id: str
    message: str
    created_time: str
    """Graph's form: ``2030-07-22T15:04:05+0000``."""
    author: str | None = "Sam Rivera"
    parent_id: str = ""
    permalink: bool = True
    hidden: bool = False


def graph_error(status: int, code: int, message: str, *, kind: str = "OAuthException", subcode: int | None = None,
                headers: dict[str, str] | None = None) -> Reply:
    """An answer in Graph's error shape."""
    error: dict[str, object] = {"message": message, "type": kind, "code": code,
                                "fbtrace_id": f"AfakeTrace{next(_TRACE_IDS)}"}
    if subcode is not None:
        error["error_subcode"] = subcode
    return Reply(status, {"error": error}, headers=dict(headers or {}))


class FakeFacebook(FakeServer):
    """Plays Graph for one Page; ``posts`` and ``photos`` hold what was created."""

    def __init__(self, *, page_id: str = "104857600123456", token: str = "EAAGfakePageToken0123456789abcdef") -> None:
        super().__init__()
        self.page_id = page_id
        self.token = token
        self.posts: list[FacebookPost] = []
        self.photos: dict[str, FacebookPhoto] = {}
        self.token_expired = False
        self.permission_missing = False
        self.page_size = 100
        """The most comments one page holds, whatever ``limit`` asks (tests shrink it to see paging)."""
        self.honours_since = True
        """Off: ``since`` is ignored, so only the client's own filter applies."""
        self.insights_refused = False
        self.page_route("POST", "photos", self._photos)
        self.page_route("POST", "feed", self._feed)
        self.route("GET", rf"{_VERSION_PATTERN}/(?P<node>[^/]+)/comments", self._reading(self._comments))
        self.route("GET", rf"{_VERSION_PATTERN}/(?P<node>[^/]+)/insights", self._reading(self._insights))
        self.route("GET", rf"{_VERSION_PATTERN}/(?P<node>[^/]+)", self._reading(self._node))

    def env(self) -> dict[str, str]:
        """The environment a client needs to post to this fake."""
        return {"FACEBOOK_PAGE_ID": self.page_id, "FACEBOOK_PAGE_TOKEN": self.token,
                "POSTDESK_FACEBOOK_API_URL": self.url}

    # ------------------------------------------------------------------ extending

    def page_route(self, method: str, edge: str, handler: Callable[[Recorded, re.Match[str]], Reply]) -> None:
        """Answer ``{method} /{version}/{page-id}/{edge}`` with ``handler`` once the token and Page check out."""
        def checked(recorded: Recorded, match: re.Match[str]) -> Reply:
            return self._refusal(recorded, match["node"]) or handler(recorded, match)

        self.route(method, rf"{_VERSION_PATTERN}/(?P<node>[^/]+)/{edge}", checked)

    # ------------------------------------------------------------------ what the Page's readers do

    def add_post(self, message: str = "A post made elsewhere") -> str:
        """A post on the Page made without the client; returns its ``{page}_{post}`` id."""
        post = FacebookPost(id=f"{self.page_id}_{self.new_id()}", message=message)
        self.posts.append(post)
        return post.id

    def add_comment(self, post_id: str, text: str, *, author: str | None = "Sam Rivera",
                    created_at: str = "2030-07-22T15:04:05Z", parent_id: str = "", permalink: bool = True,
                    hidden: bool = False) -> str:
        """Comment on a post (``parent_id``: reply to that comment); returns the comment's Graph id."""
        post = self.post(post_id)
        if parent_id and not any(c.id == parent_id for c in post.comments):
            raise ValueError(f"post {post_id} has no comment {parent_id} to reply to")
        moment = dt.datetime.fromisoformat(created_at).astimezone(dt.UTC)
        comment = FacebookComment(id=f"{post_id.rpartition('_')[2]}_{self.new_id()}", message=text,
                                  created_time=moment.strftime("%Y-%m-%dT%H:%M:%S+0000"), author=author,
                                  parent_id=parent_id, permalink=permalink, hidden=hidden)
        post.comments.append(comment)
        return comment.id

    def set_engagement(self, post_id: str, *, reactions: int | None = None, shares: int | None = None,
                       impressions: int | None = None) -> None:
        """Set the numbers Graph reports for a post (those given)."""
        post = self.post(post_id)
        post.reactions = post.reactions if reactions is None else reactions
        post.shares = post.shares if shares is None else shares
        post.impressions = post.impressions if impressions is None else impressions

    def delete_post(self, post_id: str) -> None:
        """The Page deletes the post: from now on every read of it is Graph's code 100, subcode 33."""
        self.post(post_id).deleted = True

    def refuse_insights(self) -> None:
        """From now on insights answer code 10: the token lacks read_insights."""
        self.insights_refused = True

    def post(self, post_id: str) -> FacebookPost:
        found = next((post for post in self.posts if post.id == post_id), None)
        if found is None:
            raise KeyError(f"the fake has no post {post_id}")
        return found

    # ------------------------------------------------------------------ scripted errors

    def rate_limit_next(self, *, minutes: int | None = 60, code: int = 32, on: str = "any", times: int = 1) -> None:
        """Throttle the next requests; ``minutes`` goes in ``X-Business-Use-Case-Usage`` (None: no header)."""
        headers = {}
        if minutes is not None:
            usage = {self.page_id: [{"type": "pages", "call_count": 100, "total_cputime": 20, "total_time": 30,
                                     "estimated_time_to_regain_access": minutes}]}
            headers["X-Business-Use-Case-Usage"] = json.dumps(usage)
        messages = {4: "(#4) Application request limit reached", 17: "(#17) User request limit reached",
                    32: "(#32) Page request limit reached",
                    613: "(#613) Calls to this api have exceeded the rate limit."}
        self._script(graph_error(400, code, messages.get(code, f"(#{code}) Rate limited"), headers=headers),
                     on=on, times=times)

    def expire_token(self) -> None:
        """From now on the token is expired (code 190, subcode 463), as after a password change or its end date."""
        self.token_expired = True

    def revoke_permission(self) -> None:
        """From now on the token lacks its permissions: posting answers code 200, reading code 10."""
        self.permission_missing = True

    def block_next(self, *, on: str = "any") -> None:
        """Answer the next request as a Page temporarily blocked for a policy reason (code 368)."""
        self._script(graph_error(400, 368, "It looks like you were misusing this feature by going too fast. "
                                           "You've been temporarily blocked from using it.", subcode=1390008), on=on)

    def reject_duplicate_next(self, *, on: str = "feed") -> None:
        """Answer the next post as a duplicate (code 506) whatever its text."""
        self._script(graph_error(400, 506, "(#506) Duplicate status message"), on=on)

    def server_error_next(self, *, status: int = 500, code: int = 2, on: str = "any", times: int = 1) -> None:
        """Answer the next ``times`` requests with a Graph server error (code 2 is 'temporarily unavailable')."""
        message = {1: "An unknown error occurred", 2: "An unexpected error has occurred. Please retry your "
                                                      "request later."}.get(code, "Service temporarily unavailable")
        self._script(graph_error(status, code, message), on=on, times=times)

    def reject_next(self, message: str, *, code: int = 100, status: int = 400, on: str = "any",
                    times: int = 1) -> None:
        """Answer the next requests with any Graph error (default: code 100, invalid parameter)."""
        self._script(graph_error(status, code, message), on=on, times=times)

    def _script(self, reply: Reply, *, on: str, times: int = 1) -> None:
        method, pattern = ENDPOINTS[on]
        self.fail_next(method, pattern, reply, times=times)

    # ------------------------------------------------------------------ checks

    def _token_refusal(self, recorded: Recorded) -> Reply | None:
        """Graph's answer to a missing, wrong or expired token; None when the token is good."""
        authorization = recorded.headers.get("authorization", "")
        given = authorization[7:] if authorization.lower().startswith("bearer ") else recorded.param("access_token")
        if not given:
            return graph_error(400, 104, "An access token is required to request this resource.")
        if given != self.token:
            return graph_error(400, 190, "Invalid OAuth access token - Cannot parse access token")
        if self.token_expired:
            return graph_error(400, 190, "Error validating access token: Session has expired on Friday, "
                                         "20-Nov-26 09:00:00 PST.", subcode=463)
        return None

    def _refusal(self, recorded: Recorded, node: str) -> Reply | None:
        """Graph's answer to a bad token, a missing permission or another Page; None when all is well."""
        if refusal := self._token_refusal(recorded):
            return refusal
        if node != self.page_id:
            return graph_error(400, 100, f"Unsupported post request. Object with ID '{node}' does not exist, "
                                         "cannot be loaded due to missing permissions, or does not support this "
                                         "operation.", kind="GraphMethodException", subcode=33)
        if self.permission_missing:
            return graph_error(403, 200, "(#200) If posting to a page, requires both pages_read_engagement and "
                                         "pages_manage_posts permission with page token")
        return None

    def _duplicate(self, message: str) -> Reply | None:
        if message and self.posts and self.posts[-1].message == message:
            return graph_error(400, 506, "(#506) Duplicate status message")
        return None

    # ------------------------------------------------------------------ routes

    def _photos(self, recorded: Recorded, match: re.Match[str]) -> Reply:
        source = recorded.files().get("source")
        if source is None or not source[1].startswith(_IMAGE_MAGIC):
            return graph_error(400, 324, "(#324) Requires upload file")
        form = recorded.form()
        published = form.get("published", "true").lower() not in ("false", "0")
        caption = form.get("caption", "")
        if published and (duplicate := self._duplicate(caption)):
            return duplicate
        photo = FacebookPhoto(id=str(self.new_id()), filename=source[0], data=source[1],
                              alt_text=form.get("alt_text_custom", ""), caption=caption, published=published)
        self.photos[photo.id] = photo
        if not published:
            return Reply(200, {"id": photo.id})
        post = FacebookPost(id=f"{self.page_id}_{self.new_id()}", message=caption, photo_ids=[photo.id],
                            alt_texts=[photo.alt_text])
        photo.post_id = post.id
        self.posts.append(post)
        return Reply(200, {"id": photo.id, "post_id": post.id})

    def _feed(self, recorded: Recorded, match: re.Match[str]) -> Reply:
        form = recorded.form()
        message, link = form.get("message", ""), form.get("link", "")
        attached = sorted((int(m[1]), value) for key, value in form.items()
                          if (m := re.fullmatch(r"attached_media\[(\d+)\]", key)))
        photos: list[FacebookPhoto] = []
        for index, value in attached:
            photo = self._attachable(value)
            if photo is None:
                return graph_error(400, 100, f"(#100) attached_media[{index}] must name an unpublished photo "
                                             "of this Page that is not attached to a post yet")
            photos.append(photo)
        if not (message or link or photos):
            return graph_error(400, 100, "(#100) Missing message or attachment")
        if duplicate := self._duplicate(message):
            return duplicate
        post = FacebookPost(id=f"{self.page_id}_{self.new_id()}", message=message, link=link,
                            photo_ids=[p.id for p in photos], alt_texts=[p.alt_text for p in photos])
        for photo in photos:
            photo.post_id = post.id
        self.posts.append(post)
        return Reply(200, {"id": post.id})

    def _attachable(self, value: str) -> FacebookPhoto | None:
        try:
            media_id = json.loads(value).get("media_fbid")
        except (ValueError, AttributeError):
            return None
        photo = self.photos.get(str(media_id))
        return photo if photo is not None and not photo.published and photo.post_id is None else None

    # ------------------------------------------------------------------ reading routes

    def _reading(self, handler: Callable[[Recorded, FacebookPost, str], Reply]) -> Callable[..., Reply]:
        """A GET route on a post: the token, the read permission and the post checked first."""
        def checked(recorded: Recorded, match: re.Match[str]) -> Reply:
            if refusal := self._token_refusal(recorded):
                return refusal
            if self.permission_missing:
                return graph_error(403, 10, "(#10) This endpoint requires the 'pages_read_engagement' permission "
                                            "or the 'Page Public Content Access' feature.")
            post = next((p for p in self.posts if p.id == match["node"] and not p.deleted), None)
            if post is None:
                return graph_error(400, 100, f"Unsupported get request. Object with ID '{match['node']}' does not "
                                             "exist, cannot be loaded due to missing permissions, or does not "
                                             "support this operation. Please read the Graph API documentation at "
                                             "https://developers.facebook.com/docs/graph-api",
                                   kind="GraphMethodException", subcode=33)
            return handler(recorded, post, match["version"])

        return checked

    def _comments(self, recorded: Recorded, post: FacebookPost, version: str) -> Reply:
        stream = recorded.param("filter") == "stream"
        shown = [c for c in post.comments if stream or not c.parent_id]
        since = recorded.param("since")
        if since and self.honours_since:
            floor = dt.datetime.fromtimestamp(int(since), dt.UTC)
            shown = [c for c in shown if _graph_moment(c.created_time) >= floor]
        shown.sort(key=lambda c: _graph_moment(c.created_time),
                   reverse=recorded.param("order") == "reverse_chronological")
        limit = min(int(recorded.param("limit") or 25), self.page_size)
        after = recorded.param("after")
        start = _cursor_offset(after) if after else 0
        page = shown[start:start + limit]
        fields = _field_names(recorded.param("fields") or "id,message,created_time,from")
        body: dict[str, object] = {"data": [self._comment_json(c, post, fields) for c in page]}
        if page:
            paging: dict[str, object] = {"cursors": {"before": _cursor(start), "after": _cursor(start + len(page))}}
            if start + len(page) < len(shown):
                query = "&".join(f"{key}={value[-1]}" for key, value in recorded.query.items() if key != "after")
                paging["next"] = (f"https://graph.facebook.com/{version}/{post.id}/comments?access_token="
                                  f"{self.token}&{query}&after={_cursor(start + len(page))}")
            body["paging"] = paging
        return Reply(200, body)

    def _comment_json(self, comment: FacebookComment, post: FacebookPost, fields: set[str]) -> dict[str, object]:
        page, _, story = post.id.partition("_")
        full: dict[str, object] = {
            "id": comment.id, "message": comment.message, "created_time": comment.created_time,
            "is_hidden": comment.hidden,
            "permalink_url": f"https://www.facebook.com/{page}/posts/{story}/?comment_id={comment.id.split('_')[-1]}",
        }
        if comment.author is not None:
            full["from"] = {"name": comment.author, "id": str(10**14 + zlib.crc32(comment.author.encode()))}
        if comment.parent_id:
            full["parent"] = {"id": comment.parent_id}
        if not comment.permalink:
            del full["permalink_url"]
        return {key: value for key, value in full.items() if key in fields}

    def _node(self, recorded: Recorded, post: FacebookPost, version: str) -> Reply:
        fields = _field_names(recorded.param("fields") or "")
        body: dict[str, object] = {"id": post.id}
        if "shares" in fields and post.shares:
            body["shares"] = {"count": post.shares}
        if "reactions" in fields:
            body["reactions"] = {"data": [], "summary": {"total_count": post.reactions, "viewer_reaction": "NONE"}}
        if "comments" in fields:
            top = sum(1 for c in post.comments if not c.parent_id and not c.hidden)
            body["comments"] = {"data": [], "summary": {"order": "ranked", "total_count": top, "can_comment": True}}
        if "message" in fields:
            body["message"] = post.message
        return Reply(200, body)

    def _insights(self, recorded: Recorded, post: FacebookPost, version: str) -> Reply:
        metric = recorded.param("metric") or ""
        if self.insights_refused:
            return graph_error(403, 10, "(#10) Application does not have permission for this action")
        if metric != "post_impressions":
            return graph_error(400, 100, "(#100) The value must be a valid insights metric")
        if post.impressions is None:
            return Reply(200, {"data": []})
        return Reply(200, {"data": [{"name": metric, "period": "lifetime",
                                     "values": [{"value": post.impressions}],
                                     "title": "Lifetime Post Total Impressions",
                                     "description": "Lifetime: The number of times your Page's post entered a "
                                                    "person's screen. (Total Count)",
                                     "id": f"{post.id}/insights/{metric}/lifetime"}]})


def _graph_moment(value: str) -> dt.datetime:
    return dt.datetime.strptime(value, "%Y-%m-%dT%H:%M:%S%z")


def _cursor(offset: int) -> str:
    """An opaque-looking cursor, as Graph's are (base64)."""
    return base64.b64encode(f"fakecursor:{offset}".encode()).decode()


def _cursor_offset(cursor: str) -> int:
    try:
        return int(base64.b64decode(cursor).decode().rpartition(":")[2])
    except ValueError:
        return 0


def _field_names(fields: str) -> set[str]:
    """The top-level names of a ``fields`` parameter: ``from{name},reactions.summary(x)`` -> from, reactions."""
    names, depth, current = set(), 0, ""
    for char in fields + ",":
        if char in "{(":
            depth += 1
        elif char in "})":
            depth -= 1
        if char == "," and depth == 0:
            names.add(re.split(r"[.{(]", current.strip(), maxsplit=1)[0])
            current = ""
        else:
            current += char
    return names - {""}
