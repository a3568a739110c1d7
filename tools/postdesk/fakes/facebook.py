"""A loopback Facebook Graph API: a Page's feed and photo endpoints, with Graph's answers.

Routes (any ``v{N}.{M}`` version, recorded in the path):

* ``POST /{version}/{page-id}/photos``: multipart ``source`` with ``caption`` (publishes
  a post, answers ``{"id", "post_id"}``) or ``published=false`` (an unpublished photo
  to attach later, answers ``{"id"}``); ``alt_text_custom`` is kept;
* ``POST /{version}/{page-id}/feed``: ``message``, ``link``, ``attached_media[i]``
  (``{"media_fbid": id}`` of unpublished photos), answers ``{"id": "{page}_{post}"}``.

Like Graph it reads the token from ``Authorization: Bearer`` (or ``access_token``),
answers a wrong or missing token with code 190/104 and a wrong Page with code 100, and
refuses the same message twice in a row with code 506. Every error has Graph's shape
``{"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}``.

:meth:`FakeFacebook.page_route` adds further Page edges behind the same checks (the
monitoring stage will read comments and insights through it).
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from .server import FakeServer, Recorded, Reply

__all__ = ["FacebookPhoto", "FacebookPost", "FakeFacebook", "graph_error"]

_TRACE_IDS = itertools.count(1)
_VERSION_PATTERN = r"/(?P<version>v\d+\.\d+)"
ENDPOINTS: dict[str, tuple[str, str]] = {
    "feed": ("POST", rf"{_VERSION_PATTERN}/[^/]+/feed"),
    "photos": ("POST", rf"{_VERSION_PATTERN}/[^/]+/photos"),
    "any": ("POST", r"/.*"),
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
        self.page_route("POST", "photos", self._photos)
        self.page_route("POST", "feed", self._feed)

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
        """From now on the token lacks pages_manage_posts (code 200)."""
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

    def _refusal(self, recorded: Recorded, node: str) -> Reply | None:
        """Graph's answer to a bad token, a missing permission or another Page; None when all is well."""
        authorization = recorded.headers.get("authorization", "")
        given = authorization[7:] if authorization.lower().startswith("bearer ") else recorded.param("access_token")
        if not given:
            return graph_error(400, 104, "An access token is required to request this resource.")
        if given != self.token:
            return graph_error(400, 190, "Invalid OAuth access token - Cannot parse access token")
        if self.token_expired:
            return graph_error(400, 190, "Error validating access token: Session has expired on Friday, "
                                         "20-Nov-26 09:00:00 PST.", subcode=463)
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
