"""A loopback LinkedIn API: the versioned Images and Posts endpoints, and the reads of comments and statistics.

Routes:

* ``POST /rest/images?action=initializeUpload`` with ``{"initializeUploadRequest":
  {"owner": urn}}`` answers ``{"value": {"uploadUrl", "image", "uploadUrlExpiresAt"}}``;
  the upload URL points back at this fake (or at ``upload_base``);
* ``PUT /dms-uploads/{key}`` stores the bytes (201);
* ``POST /rest/posts`` answers 201 with the post URN in ``x-restli-id``;
* ``GET /rest/socialActions/{urn}/comments?start=&count=``: the comments on a post, or
  the replies to a comment, newest first (the client must sort), ``count`` capped at
  :attr:`FakeLinkedIn.page_size`, with ``paging: {"start", "count", "total"}``; each
  element has ``id``, ``commentUrn``, ``actor``, ``message.text``, ``created.time`` (ms),
  ``commentsSummary`` and, for a reply, ``parentComment``;
* ``GET /rest/socialActions/{urn}``: ``likesSummary`` and ``commentsSummary``;
* ``GET /rest/organizationalEntityShareStatistics?q=organizationalEntity&...&shares=List(urn)``
  (or ``ugcPosts=List(...)``): ``totalShareStatistics`` per post; 403 once
  :meth:`FakeLinkedIn.refuse_statistics` was called, as for a token without
  ``r_organization_social``.

A deleted post (:meth:`FakeLinkedIn.delete_post`) or an unknown URN answers 404 on
every read. Tests add comments with :meth:`FakeLinkedIn.add_comment` to posts the client
made (or :meth:`FakeLinkedIn.add_post`), and shrink ``page_size`` to see every page
followed.

Like LinkedIn it checks the bearer token (401), ``LinkedIn-Version`` (missing: 400
``VERSION_MISSING``; not active: 426 ``NONEXISTENT_VERSION``) and
``X-Restli-Protocol-Version: 2.0.0``, refuses a post naming an image whose bytes never
arrived, refuses a commentary it already has (422 ``DUPLICATE_POST``), and reads the
commentary as LinkedIn does: little text, cut at the first unescaped reserved
character (so a test sees what people would see). Errors have LinkedIn's shape
``{"message", "serviceErrorCode", "status"}``, with ``code`` where LinkedIn sends one.

:meth:`FakeLinkedIn.api_route` adds further endpoints behind the same checks (the
reading routes are added through it).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from .server import FakeServer, Recorded, Reply

__all__ = ["FakeLinkedIn", "LinkedInComment", "LinkedInImage", "LinkedInPost", "linkedin_error", "shown_text"]

ENDPOINTS: dict[str, tuple[str, str]] = {
    "images": ("POST", r"/rest/images"),
    "upload": ("PUT", r"/dms-uploads/.+"),
    "posts": ("POST", r"/rest/posts"),
    "comments": ("GET", r"/rest/socialActions/[^/]+/comments"),
    "social": ("GET", r"/rest/socialActions/[^/]+"),
    "statistics": ("GET", r"/rest/organizationalEntityShareStatistics"),
    "read": ("GET", r"/rest/.*"),
}
"""Names a test uses to aim a scripted error: ``fake.server_error_next(on="upload")``."""

_RESERVED = set("|{}@[]()<>#\\*_~")
_HASHTAG_TEMPLATE = re.compile(r"\{hashtag\|\\#\|([^{}|\\]+)\}")
_HASHTAG = re.compile(r"#(\w+)")


@dataclass
class LinkedInImage:
    """An image registered by initializeUpload; ``data`` stays None until its bytes are PUT."""

    urn: str
    owner: str
    key: str
    data: bytes | None = None


@dataclass
class LinkedInPost:
    """A post: the commentary as sent, the text and hashtags people see, the images in order with alt texts."""

    urn: str
    commentary: str
    text: str
    hashtags: list[str] = field(default_factory=list)
    image_urns: list[str] = field(default_factory=list)
    alt_texts: list[str] = field(default_factory=list)
    body: dict[str, Any] = field(default_factory=dict)
    comments: list[LinkedInComment] = field(default_factory=list)
    likes: int = 0
    shares: int = 0
    impressions: int = 0
    deleted: bool = False


@dataclass
class LinkedInComment:
    """A comment on a post, or (``parent_urn`` set) a reply to one; ``created_ms`` is epoch milliseconds."""

    urn: str
    id: str
    actor: str
    text: str
    created_ms: int
    parent_urn: str = ""


def linkedin_error(status: int, message: str, *, code: str | None = None, service_error_code: int | None = None,
                   headers: dict[str, str] | None = None) -> Reply:
    """An answer in LinkedIn's error shape."""
    error: dict[str, object] = {"status": status, "message": message}
    if code is not None:
        error["code"] = code
    if service_error_code is not None:
        error["serviceErrorCode"] = service_error_code
    return Reply(status, error, headers=dict(headers or {}))


def shown_text(commentary: str) -> tuple[str, list[str]]:
    """The text LinkedIn shows for a little-text ``commentary``, and its hashtags.

    A backslash makes the next character plain; ``{hashtag|\\#|Word}`` and a bare ``#Word``
    are hashtags; any other unescaped reserved character ends the text there (LinkedIn
    cuts the post silently, as widely reported by API users).
    """
    shown: list[str] = []
    hashtags: list[str] = []
    index = 0
    while index < len(commentary):
        char = commentary[index]
        if char == "\\" and index + 1 < len(commentary):
            shown.append(commentary[index + 1])
            index += 2
            continue
        tag = _HASHTAG_TEMPLATE.match(commentary, index) or _HASHTAG.match(commentary, index)
        if tag:
            shown.append(f"#{tag[1]}")
            hashtags.append(tag[1])
            index = tag.end()
            continue
        if char in _RESERVED:
            break
        shown.append(char)
        index += 1
    return "".join(shown), hashtags


class FakeLinkedIn(FakeServer):
    """Plays LinkedIn's API for one organization; ``posts`` and ``images`` hold what was created."""

    def __init__(self, *, organization_id: str = "2414183", token: str = "AQVfakeLinkedInToken0123456789abcdef",
                 versions: tuple[str, ...] = ("202610",)) -> None:
        super().__init__()
        self.organization_id = organization_id
        self.token = token
        self.active_versions = set(versions)
        self.posts: list[LinkedInPost] = []
        self.images: dict[str, LinkedInImage] = {}
        self.token_expired = False
        self.permission_missing = False
        self.upload_base: str | None = None
        """Where upload URLs point (None: this fake's own URL); a test sets another host name."""
        self.upload_needs_token = True
        self.page_size = 100
        """The most comments one page holds, whatever ``count`` asks (tests shrink it to see paging)."""
        self.statistics_refused = False
        self.api_route("POST", r"/rest/images", self._initialize_upload)
        self.route("PUT", r"/dms-uploads/(?P<key>[^/]+)", self._upload)
        self.api_route("POST", r"/rest/posts", self._create_post)
        self.api_route("GET", r"/rest/socialActions/(?P<target>[^/]+)/comments", self._comments)
        self.api_route("GET", r"/rest/socialActions/(?P<target>[^/]+)", self._social_actions)
        self.api_route("GET", r"/rest/organizationalEntityShareStatistics", self._statistics)

    @property
    def author(self) -> str:
        return f"urn:li:organization:{self.organization_id}"

    def env(self) -> dict[str, str]:
        """The environment a client needs to post to this fake."""
        return {"LINKEDIN_ORGANIZATION_ID": self.organization_id, "LINKEDIN_ACCESS_TOKEN": self.token,
                "POSTDESK_LINKEDIN_API_URL": self.url}

    # ------------------------------------------------------------------ extending

    def api_route(self, method: str, pattern: str, handler: Callable[[Recorded, re.Match[str]], Reply]) -> None:
        """Answer ``method pattern`` with ``handler`` once the token and the version headers check out."""
        def checked(recorded: Recorded, match: re.Match[str]) -> Reply:
            return self._refusal(recorded) or handler(recorded, match)

        self.route(method, pattern, checked)

    # ------------------------------------------------------------------ what the Page's readers do

    def add_post(self, text: str = "A post made elsewhere", *, kind: str = "share") -> str:
        """A post of the organization made without the client (``kind``: share or ugcPost); returns its URN."""
        post = LinkedInPost(urn=f"urn:li:{kind}:{7_000_000_000_000_000_000 + self.new_id()}", commentary=text,
                            text=text)
        self.posts.append(post)
        return post.urn

    def add_comment(self, post_urn: str, text: str, *, author: str = "urn:li:person:fakeMember1",
                    created_at: str = "2030-07-22T15:04:05Z", parent_id: str = "") -> str:
        """Comment on a post (``parent_id``: reply to that comment's URN); returns the comment's URN."""
        post = self.post(post_urn)
        if parent_id and not any(c.urn == parent_id and not c.parent_urn for c in post.comments):
            raise ValueError(f"post {post_urn} has no top-level comment {parent_id} to reply to")
        number = str(7_100_000_000_000_000_000 + self.new_id())
        moment = dt.datetime.fromisoformat(created_at)
        comment = LinkedInComment(urn=f"urn:li:comment:({post_urn},{number})", id=number, actor=author, text=text,
                                  created_ms=round(moment.timestamp() * 1000), parent_urn=parent_id)
        post.comments.append(comment)
        return comment.urn

    def set_engagement(self, post_urn: str, *, likes: int | None = None, shares: int | None = None,
                       impressions: int | None = None) -> None:
        """Set the numbers LinkedIn reports for a post (those given)."""
        post = self.post(post_urn)
        post.likes = post.likes if likes is None else likes
        post.shares = post.shares if shares is None else shares
        post.impressions = post.impressions if impressions is None else impressions

    def delete_post(self, post_urn: str) -> None:
        """The organization deletes the post: from now on every read of it answers 404."""
        self.post(post_urn).deleted = True

    def refuse_statistics(self) -> None:
        """From now on the share statistics answer 403, as for a token without r_organization_social."""
        self.statistics_refused = True

    def post(self, urn: str) -> LinkedInPost:
        found = next((post for post in self.posts if post.urn == urn), None)
        if found is None:
            raise KeyError(f"the fake has no post {urn}")
        return found

    # ------------------------------------------------------------------ scripted errors

    def rate_limit_next(self, *, retry_after: int | None = 3600, on: str = "posts", times: int = 1) -> None:
        """Answer 429; ``retry_after`` seconds go in ``Retry-After`` (None: no header, as LinkedIn usually does)."""
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        self._script(linkedin_error(429, "Resource level throttle APPLICATION DAY limit for calls to this resource "
                                         "is reached.", code="TOO_MANY_REQUESTS", service_error_code=101,
                                    headers=headers), on=on, times=times)

    def expire_token(self) -> None:
        """From now on the token is expired (401), as after its 60 days."""
        self.token_expired = True

    def revoke_permission(self) -> None:
        """From now on the member lacks the organization scopes or the admin role (403 on every API call)."""
        self.permission_missing = True

    def retire_version(self, version: str) -> None:
        """From now on ``version`` is answered with 426 NONEXISTENT_VERSION."""
        self.active_versions.discard(version)

    def reject_duplicate_next(self) -> None:
        """Answer the next post as a duplicate (422 DUPLICATE_POST) whatever its text."""
        self._script(self._duplicate_reply("urn:li:share:7000000000000000001"), on="posts")

    def server_error_next(self, *, status: int = 500, on: str = "posts", times: int = 1) -> None:
        """Answer the next ``times`` requests with a server error."""
        message = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable",
                   504: "Gateway Timeout"}.get(status, "Server error")
        self._script(linkedin_error(status, message), on=on, times=times)

    def reject_next(self, message: str, *, status: int = 400, code: str | None = None, on: str = "posts",
                    times: int = 1) -> None:
        """Answer the next requests with any LinkedIn error (default 400)."""
        self._script(linkedin_error(status, message, code=code, service_error_code=100 if status == 403 else None),
                     on=on, times=times)

    def _script(self, reply: Reply, *, on: str, times: int = 1) -> None:
        method, pattern = ENDPOINTS[on]
        self.fail_next(method, pattern, reply, times=times)

    # ------------------------------------------------------------------ checks

    def _token_refusal(self, recorded: Recorded) -> Reply | None:
        authorization = recorded.headers.get("authorization", "")
        if not authorization.lower().startswith("bearer ") or authorization[7:] != self.token:
            return linkedin_error(401, "Invalid access token", code="INVALID_ACCESS_TOKEN",
                                  service_error_code=65600)
        if self.token_expired:
            return linkedin_error(401, "The token used in the request has expired", code="EXPIRED_ACCESS_TOKEN",
                                  service_error_code=65601)
        return None

    def _refusal(self, recorded: Recorded) -> Reply | None:
        """LinkedIn's answer to a bad token, version or protocol header, or a missing permission."""
        if refusal := self._token_refusal(recorded):
            return refusal
        version = recorded.headers.get("linkedin-version")
        if not version:
            return linkedin_error(400, "A version must be present. Please specify a version by adding the "
                                       "LinkedIn-Version header.", code="VERSION_MISSING")
        if version not in self.active_versions:
            return linkedin_error(426, f"Requested version {version} is not active", code="NONEXISTENT_VERSION")
        if recorded.headers.get("x-restli-protocol-version") != "2.0.0":
            return linkedin_error(400, "This endpoint needs the header X-Restli-Protocol-Version: 2.0.0",
                                  code="ILLEGAL_ARGUMENT")
        if self.permission_missing:
            return self._access_denied()
        return None

    def _access_denied(self) -> Reply:
        return linkedin_error(403, "Not enough permissions to access: partnerApiPostsExternal.CREATE.20261001",
                              code="ACCESS_DENIED", service_error_code=100)

    def _duplicate_reply(self, existing: str) -> Reply:
        return linkedin_error(422, f"Content is a duplicate of {existing}", code="DUPLICATE_POST")

    # ------------------------------------------------------------------ routes

    def _initialize_upload(self, recorded: Recorded, match: re.Match[str]) -> Reply:
        if recorded.query.get("action") != ["initializeUpload"]:
            return linkedin_error(400, "Unsupported action: use ?action=initializeUpload", code="ILLEGAL_ARGUMENT")
        body = _json(recorded)
        request = body.get("initializeUploadRequest") if isinstance(body, dict) else None
        owner = request.get("owner") if isinstance(request, dict) else None
        if not owner:
            return linkedin_error(422, "ERROR :: /initializeUploadRequest/owner :: field is required but not found "
                                       "and has no default value", code="UNPROCESSABLE_ENTITY")
        if owner != self.author:
            return self._access_denied()
        number = self.new_id()
        image = LinkedInImage(urn=f"urn:li:image:C4E10AQFake{number:06d}", owner=owner, key=f"upload{number}")
        self.images[image.urn] = image
        upload_url = f"{self.upload_base or self.url}/dms-uploads/{image.key}?ca=vector_ads&cn=uploads&iri=fake"
        return Reply(200, {"value": {"uploadUrlExpiresAt": 1_900_000_000_000, "uploadUrl": upload_url,
                                     "image": image.urn}})

    def _upload(self, recorded: Recorded, match: re.Match[str]) -> Reply:
        if self.upload_needs_token and (refusal := self._token_refusal(recorded)):
            return refusal
        image = next((i for i in self.images.values() if i.key == match["key"]), None)
        if image is None:
            return linkedin_error(404, "No upload is waiting at this URL")
        image.data = recorded.body
        return Reply(201)

    def _create_post(self, recorded: Recorded, match: re.Match[str]) -> Reply:
        body = _json(recorded)
        if not isinstance(body, dict):
            return linkedin_error(400, "The request body is not JSON", code="ILLEGAL_ARGUMENT")
        for name in ("author", "commentary", "visibility", "distribution", "lifecycleState"):
            if name not in body:
                return linkedin_error(422, f"ERROR :: /{name} :: field is required but not found and has no "
                                           "default value", code="UNPROCESSABLE_ENTITY")
        if body["author"] != self.author:
            return self._access_denied()
        media, refusal = self._media(body.get("content"))
        if refusal:
            return refusal
        commentary = str(body["commentary"])
        for post in self.posts:
            if post.commentary == commentary:
                return self._duplicate_reply(post.urn)
        text, hashtags = shown_text(commentary)
        post = LinkedInPost(urn=f"urn:li:share:{7_000_000_000_000_000_000 + self.new_id()}", commentary=commentary,
                            text=text, hashtags=hashtags, image_urns=[m.get("id", "") for m in media],
                            alt_texts=[m.get("altText", "") for m in media], body=body)
        self.posts.append(post)
        return Reply(201, headers={"x-restli-id": post.urn, "x-linkedin-id": post.urn})

    def _media(self, content: object) -> tuple[list[dict[str, Any]], Reply | None]:
        """The images a post's ``content`` names, or LinkedIn's refusal."""
        if content is None:
            return [], None
        if isinstance(content, dict) and isinstance(content.get("media"), dict):
            media, where = [content["media"]], "/content/media"
        elif isinstance(content, dict) and isinstance(content.get("multiImage"), dict):
            media, where = content["multiImage"].get("images") or [], "/content/multiImage/images"
            if not 2 <= len(media) <= 20:
                return [], linkedin_error(422, f"ERROR :: {where} :: a MultiImage post needs 2 to 20 images, "
                                               f"not {len(media)}", code="UNPROCESSABLE_ENTITY")
        else:
            return [], linkedin_error(422, "ERROR :: /content :: unsupported content", code="UNPROCESSABLE_ENTITY")
        for item in media:
            urn = item.get("id") if isinstance(item, dict) else item
            image = self.images.get(str(urn))
            if image is None or image.data is None:
                return [], linkedin_error(400, f"ERROR :: {where} :: {urn} is not an uploaded image: "
                                               "its upload never arrived", code="INVALID_CONTENT")
        return media, None


    # ------------------------------------------------------------------ reading routes

    def _not_found(self, urn: str) -> Reply:
        return linkedin_error(404, f"Not Found: {urn}", code="NOT_FOUND", service_error_code=0)

    def _live_post(self, urn: str) -> LinkedInPost | None:
        return next((post for post in self.posts if post.urn == urn and not post.deleted), None)

    def _comments(self, recorded: Recorded, match: re.Match[str]) -> Reply:
        target = unquote(match["target"])
        post = self._live_post(target)
        if post is not None:
            shown = [c for c in post.comments if not c.parent_urn]
        else:  # the replies to a comment
            post = next((p for p in self.posts if not p.deleted and any(c.urn == target for c in p.comments)), None)
            if post is None:
                return self._not_found(target)
            shown = [c for c in post.comments if c.parent_urn == target]
        shown = sorted(shown, key=lambda c: c.created_ms, reverse=True)
        start = int(recorded.param("start") or 0)
        count = min(int(recorded.param("count") or 10), self.page_size)
        elements = [self._comment_json(c, post) for c in shown[start:start + count]]
        return Reply(200, {"elements": elements, "paging": {"start": start, "count": count, "total": len(shown),
                                                            "links": []}})

    def _comment_json(self, comment: LinkedInComment, post: LinkedInPost) -> dict[str, Any]:
        replies = sum(1 for c in post.comments if c.parent_urn == comment.urn)
        element: dict[str, Any] = {
            "actor": comment.actor, "commentUrn": comment.urn, "id": comment.id, "$URN": comment.urn,
            "object": post.urn, "message": {"text": comment.text, "attributes": []},
            "created": {"actor": comment.actor, "time": comment.created_ms},
            "lastModified": {"actor": comment.actor, "time": comment.created_ms},
            "likesSummary": {"totalLikes": 0, "likedByCurrentUser": False, "aggregatedTotalLikes": 0},
            "commentsSummary": {"aggregatedTotalComments": replies, "totalFirstLevelComments": replies},
        }
        if comment.parent_urn:
            element["parentComment"] = comment.parent_urn
            del element["commentsSummary"]
        return element

    def _social_actions(self, recorded: Recorded, match: re.Match[str]) -> Reply:
        urn = unquote(match["target"])
        post = self._live_post(urn)
        if post is None:
            return self._not_found(urn)
        first_level = sum(1 for c in post.comments if not c.parent_urn)
        return Reply(200, {
            "target": urn, "$URN": f"urn:li:socialActivityCounts:{urn}",
            "likesSummary": {"totalLikes": post.likes, "likedByCurrentUser": False,
                             "aggregatedTotalLikes": post.likes},
            "commentsSummary": {"aggregatedTotalComments": len(post.comments),
                                "totalFirstLevelComments": first_level},
        })

    def _statistics(self, recorded: Recorded, match: re.Match[str]) -> Reply:
        if self.statistics_refused:
            return linkedin_error(403, "Not enough permissions to access: organizationalEntityShareStatistics."
                                       "FINDER-organizationalEntity.20261001", code="ACCESS_DENIED",
                                  service_error_code=100)
        if recorded.param("q") != "organizationalEntity":
            return linkedin_error(400, "Unsupported finder: use q=organizationalEntity", code="ILLEGAL_ARGUMENT")
        if recorded.param("organizationalEntity") != self.author:
            return self._access_denied()
        elements = []
        for parameter, kind in (("shares", "share"), ("ugcPosts", "ugcPost")):
            listed = re.fullmatch(r"List\((.*)\)", recorded.param(parameter) or "")
            for urn in (listed[1].split(",") if listed and listed[1] else []):
                post = self._live_post(urn)
                if post is None or not urn.startswith(f"urn:li:{kind}:"):
                    continue
                elements.append({"organizationalEntity": self.author, kind: urn, "totalShareStatistics": {
                    "shareCount": post.shares, "clickCount": 0, "engagement": 0.0, "likeCount": post.likes,
                    "impressionCount": post.impressions, "commentCount": len(post.comments),
                    "uniqueImpressionsCount": post.impressions}})
        return Reply(200, {"paging": {"start": 0, "count": 10, "links": []}, "elements": elements})


def _json(recorded: Recorded) -> Any:
    try:
        return recorded.json()
    except ValueError:
        return None
