"""The Facebook Page client against a loopback Graph fake: what is sent, and every error class."""

from __future__ import annotations

import json
import logging
import socket
from pathlib import Path

import httpx
import pytest
from PIL import Image

from postdesk.channels import base, facebook
from postdesk.channels.base import OutgoingPost, Photo, Published, RetryPolicy
from postdesk.config import ChannelSettings
from postdesk.errors import (
    AuthFailed,
    ChannelError,
    ConfigError,
    DuplicatePost,
    RateLimited,
    Rejected,
    Unavailable,
)
from postdesk.fakes.facebook import FakeFacebook

NOW = 1_800_000_000.0
SETTINGS = ChannelSettings(api_version="v24.0")
TEXT = "Bring school supplies to Capitol Plaza (Saturday, 10:00).\n\nhttps://example.gov/events/backpacks\n\n#BackToSchool"
LINK = "https://example.gov/events/backpacks"
FEED = r"/v24\.0/\d+/feed"
PHOTOS = r"/v24\.0/\d+/photos"


@pytest.fixture
def fake():
    with FakeFacebook() as server:
        yield server


@pytest.fixture
def sleeps():
    return []


@pytest.fixture
def policy(sleeps):
    return RetryPolicy(sleep=sleeps.append, clock=lambda: NOW)


@pytest.fixture
def client(fake, policy):
    with facebook.from_env(fake.env(), SETTINGS, policy=policy) as made:
        yield made


class Recorder:
    """A before_publish callback that notes its media ids and the requests the fake had seen by then."""

    def __init__(self, fake):
        self.fake = fake
        self.calls = []

    def __call__(self, media_ids):
        self.calls.append((list(media_ids), [f"{r.method} {r.path}" for r in self.fake.requests]))


@pytest.fixture
def before(fake):
    return Recorder(fake)


def make_photos(folder: Path, count: int) -> tuple[Photo, ...]:
    photos = []
    for number in range(1, count + 1):
        path = folder / f"photo-{number}.jpg"
        Image.new("RGB", (64, 48), (40 * number, 120, 200)).save(path, "JPEG")
        photos.append(Photo(path, f"Volunteer {number} sorting donated backpacks"))
    return tuple(photos)


def outgoing(text: str = TEXT, *, photos: tuple[Photo, ...] = (), link: str | None = LINK) -> OutgoingPost:
    return OutgoingPost(item="2026-11-20-backpack-drive", channel="facebook", text=text, link=link, photos=photos)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# ---------------------------------------------------------------------- happy paths

def test_a_text_post_sends_message_and_link_to_the_feed(fake, client, before):
    published = client.publish(outgoing(), before_publish=before)

    [request] = fake.requests
    assert (request.method, request.path) == ("POST", f"/v24.0/{fake.page_id}/feed")
    assert request.form() == {"message": TEXT, "link": LINK}
    assert request.headers["authorization"] == f"Bearer {fake.token}"
    assert "access_token" not in request.query
    assert before.calls == [([], [])]
    [post] = fake.posts
    assert published == Published(post.id, f"https://www.facebook.com/{fake.page_id}/posts/{post.id.split('_')[1]}")
    assert (post.message, post.link, post.photo_ids) == (TEXT, LINK, [])


def test_one_photo_is_posted_by_the_photo_upload_itself(fake, client, before, tmp_path):
    [photo] = make_photos(tmp_path, 1)

    published = client.publish(outgoing(photos=(photo,)), before_publish=before)

    [request] = fake.requests
    assert (request.method, request.path) == ("POST", f"/v24.0/{fake.page_id}/photos")
    assert request.form() == {"caption": TEXT, "alt_text_custom": photo.alt}
    assert request.files() == {"source": ("photo-1.jpg", photo.path.read_bytes())}
    assert before.calls == [([], [])]  # the upload creates the post: nothing was sent before it
    [post] = fake.posts
    assert (post.message, post.alt_texts, post.link) == (TEXT, [photo.alt], "")
    assert published.post_id == post.id
    assert published.url == f"https://www.facebook.com/{fake.page_id}/posts/{post.id.split('_')[1]}"


def test_four_photos_are_uploaded_unpublished_then_attached_in_order(fake, client, before, tmp_path):
    photos = make_photos(tmp_path, 4)

    published = client.publish(outgoing(photos=photos), before_publish=before)

    *uploads, create = fake.requests
    assert [(r.method, r.path) for r in uploads] == [("POST", f"/v24.0/{fake.page_id}/photos")] * 4
    for request, photo in zip(uploads, photos, strict=True):
        assert request.form() == {"published": "false", "alt_text_custom": photo.alt}
        assert request.files() == {"source": (photo.path.name, photo.path.read_bytes())}
    media_ids = list(fake.photos)
    assert create.path == f"/v24.0/{fake.page_id}/feed"
    assert create.form() == {"message": TEXT, **{f"attached_media[{i}]": json.dumps({"media_fbid": media_id})
                                                  for i, media_id in enumerate(media_ids)}}
    assert before.calls == [(media_ids, [f"POST /v24.0/{fake.page_id}/photos"] * 4)]
    [post] = fake.posts
    assert post.photo_ids == media_ids
    assert post.alt_texts == [photo.alt for photo in photos]
    assert post.link == ""  # Facebook shows photos or a link card; the text carries the link
    assert published == Published(post.id, facebook.post_url(post.id))
    assert all(r.headers["authorization"] == f"Bearer {fake.token}" for r in fake.requests)


# ---------------------------------------------------------------------- rate limits

def test_a_throttle_that_lifts_within_max_wait_is_waited_out(fake, client, before, sleeps):
    fake.rate_limit_next(minutes=1, on="feed")

    client.publish(outgoing(), before_publish=before)

    assert sleeps == [60.0]
    assert len(fake.requests_to("POST", FEED)) == 2
    assert len(fake.posts) == 1
    assert len(before.calls) == 1


def test_a_throttle_that_lifts_later_is_raised_with_its_time(fake, client, before, sleeps):
    fake.rate_limit_next(minutes=30, code=4, on="feed")

    with pytest.raises(RateLimited) as caught:
        client.publish(outgoing(), before_publish=before)

    assert caught.value.retry_at == NOW + 30 * 60
    assert "30 minutes" in caught.value.message
    assert sleeps == []
    assert len(fake.requests_to("POST", FEED)) == 1
    assert fake.posts == []


def test_a_throttle_without_an_estimate_waits_fifteen_minutes(fake, client, before):
    fake.rate_limit_next(minutes=None, code=17)

    with pytest.raises(RateLimited) as caught:
        client.publish(outgoing(), before_publish=before)

    assert caught.value.retry_at == NOW + facebook.DEFAULT_THROTTLE_WAIT


# ---------------------------------------------------------------------- credentials

def test_an_expired_token_names_the_secret_to_renew(fake, client, before):
    fake.expire_token()

    with pytest.raises(AuthFailed) as caught:
        client.publish(outgoing(), before_publish=before)

    error = caught.value
    assert error.secrets == ("FACEBOOK_PAGE_TOKEN",)
    assert "expired" in error.message
    assert "long-lived Page access token" in error.hint
    assert len(fake.requests) == 1  # never retried
    assert fake.token not in str(error)


def test_a_wrong_token_is_refused_like_graph_refuses_it(fake, policy, before):
    wrong = "EAAGwrongToken9876543210fedcba"
    with facebook.from_env({**fake.env(), "FACEBOOK_PAGE_TOKEN": wrong}, SETTINGS, policy=policy) as client, \
            pytest.raises(AuthFailed) as caught:
        client.publish(outgoing(), before_publish=before)

    assert caught.value.secrets == ("FACEBOOK_PAGE_TOKEN",)
    assert caught.value.status == 400
    assert wrong not in str(caught.value)
    assert fake.posts == []


def test_a_missing_permission_names_pages_manage_posts(fake, client, before):
    fake.revoke_permission()

    with pytest.raises(AuthFailed) as caught:
        client.publish(outgoing(), before_publish=before)

    assert "pages_manage_posts" in caught.value.message
    assert caught.value.secrets == ("FACEBOOK_PAGE_TOKEN",)


# ---------------------------------------------------------------------- refusals

def test_the_same_text_twice_is_a_duplicate_and_not_retried(fake, client, before):
    client.publish(outgoing(), before_publish=before)

    with pytest.raises(DuplicatePost):
        client.publish(outgoing(), before_publish=before)

    assert len(fake.requests_to("POST", FEED)) == 2
    assert len(fake.posts) == 1


def test_a_duplicate_single_photo_post_is_a_duplicate(fake, client, before, tmp_path):
    fake.reject_duplicate_next(on="photos")

    with pytest.raises(DuplicatePost) as caught:
        client.publish(outgoing(photos=make_photos(tmp_path, 1)), before_publish=before)

    assert "(#506) Duplicate status message" in caught.value.message
    assert len(fake.requests) == 1


def test_a_policy_block_is_rejected_for_a_person_to_look_at(fake, client, before):
    fake.block_next(on="feed")

    with pytest.raises(Rejected) as caught:
        client.publish(outgoing(), before_publish=before)

    assert type(caught.value) is Rejected
    assert "temporarily blocked" in caught.value.message
    assert "Meta Business Suite" in caught.value.hint
    assert len(fake.requests) == 1


def test_an_invalid_parameter_is_rejected_with_facebooks_words_and_trace_id(fake, client, before):
    fake.reject_next("(#100) Invalid parameter", on="feed")

    with pytest.raises(Rejected) as caught:
        client.publish(outgoing(), before_publish=before)

    text = str(caught.value)
    assert "(#100) Invalid parameter" in text
    assert "fbtrace_id AfakeTrace" in text
    assert "POST /v24.0/" in text  # which request failed
    assert caught.value.channel == "facebook"


def test_a_token_echoed_in_an_error_is_masked(fake, client, before):
    fake.reject_next(f"(#100) Malformed access token {fake.token}")

    with pytest.raises(Rejected) as caught:
        client.publish(outgoing(), before_publish=before)

    assert fake.token not in str(caught.value)
    assert "Malformed access token ***" in str(caught.value)


# ---------------------------------------------------------------------- outages

def test_a_server_error_on_an_upload_is_retried_a_bounded_number_of_times(fake, client, before, sleeps, tmp_path):
    fake.server_error_next(on="photos", times=3)

    with pytest.raises(Unavailable) as caught:
        client.publish(outgoing(photos=make_photos(tmp_path, 4)), before_publish=before)

    assert caught.value.maybe_sent is False
    assert len(fake.requests_to("POST", PHOTOS)) == 3
    assert sleeps == [2.0, 4.0]
    assert before.calls == []
    assert fake.posts == []


def test_an_upload_that_recovers_on_a_retry_posts_once(fake, client, before, sleeps, tmp_path):
    fake.server_error_next(status=503, on="photos", times=2)

    client.publish(outgoing(photos=make_photos(tmp_path, 4)), before_publish=before)

    assert len(fake.requests_to("POST", PHOTOS)) == 6
    assert sleeps == [2.0, 4.0]
    [post] = fake.posts
    assert len(post.photo_ids) == 4


def test_a_503_on_create_is_retried(fake, client, before, sleeps):
    fake.server_error_next(status=503, on="feed")

    client.publish(outgoing(), before_publish=before)

    assert len(fake.requests_to("POST", FEED)) == 2
    assert len(fake.posts) == 1
    assert len(before.calls) == 1
    assert sleeps == [2.0]


def test_a_500_on_create_may_have_posted_and_is_not_retried(fake, client, before, sleeps):
    fake.server_error_next(status=500, on="feed")

    with pytest.raises(Unavailable) as caught:
        client.publish(outgoing(), before_publish=before)

    assert caught.value.maybe_sent is True
    assert len(fake.requests_to("POST", FEED)) == 1
    assert sleeps == []


def test_a_500_on_a_single_photo_upload_may_have_posted(fake, client, before, tmp_path):
    fake.server_error_next(status=500, on="photos")

    with pytest.raises(Unavailable) as caught:
        client.publish(outgoing(photos=make_photos(tmp_path, 1)), before_publish=before)

    assert caught.value.maybe_sent is True  # that upload is the request that creates the post
    assert len(fake.requests) == 1


def test_a_read_timeout_on_create_may_have_posted(fake, client, before, monkeypatch):
    monkeypatch.setattr(base, "TIMEOUT", httpx.Timeout(0.2, connect=2.0))
    fake.stall_next("POST", FEED, 0.6)

    with pytest.raises(Unavailable) as caught:
        client.publish(outgoing(), before_publish=before)

    assert caught.value.maybe_sent is True
    assert len(fake.posts) == 1  # the fake did make the post: retrying would have posted twice
    assert len(fake.requests_to("POST", FEED)) == 1


def test_a_refused_connection_is_retried_then_unavailable_and_not_sent(fake, policy, before, sleeps):
    env = {**fake.env(), "POSTDESK_FACEBOOK_API_URL": f"http://127.0.0.1:{free_port()}"}
    with facebook.from_env(env, SETTINGS, policy=policy) as client, pytest.raises(Unavailable) as caught:
        client.publish(outgoing(), before_publish=before)

    assert caught.value.maybe_sent is False
    assert "could not connect" in caught.value.message
    assert sleeps == [2.0, 4.0]


def test_an_unreadable_photo_stops_before_anything_is_sent(fake, client, before, tmp_path):
    photos = (*make_photos(tmp_path, 1), Photo(tmp_path / "gone.jpg", "A missing photo"))

    with pytest.raises(ChannelError) as caught:
        client.publish(outgoing(photos=photos), before_publish=before)

    assert "gone.jpg" in caught.value.message
    assert fake.requests == []
    assert before.calls == []


# ---------------------------------------------------------------------- dry run, secrets, set-up

def test_describe_lists_each_request_with_text_alt_texts_and_files(fake, client, tmp_path):
    photos = make_photos(tmp_path, 4)

    lines = client.describe(outgoing(photos=photos))

    assert len(lines) == 5
    for line, photo in zip(lines[:4], photos, strict=True):
        assert line.startswith(f"POST {fake.url}/v24.0/{fake.page_id}/photos")
        assert f"source={photo.path.name} ({photo.path.stat().st_size:,} bytes)" in line
        assert f'alt_text_custom="{photo.alt}"' in line
        assert 'published="false"' in line
    assert lines[4].startswith(f"POST {fake.url}/v24.0/{fake.page_id}/feed")
    assert f"message={json.dumps(TEXT)}" in lines[4]
    assert 'attached_media[3]="{\\"media_fbid\\": \\"<id of photo 4>\\"}"' in lines[4]
    assert fake.requests == []
    assert all(fake.token not in line for line in lines)


def test_describe_a_text_post_and_a_single_photo_post(fake, client, tmp_path):
    [text_line] = client.describe(outgoing())
    [photo_line] = client.describe(outgoing(photos=make_photos(tmp_path, 1)))

    assert text_line == f"POST {fake.url}/v24.0/{fake.page_id}/feed  message={json.dumps(TEXT)}  link=\"{LINK}\""
    assert photo_line.startswith(f"POST {fake.url}/v24.0/{fake.page_id}/photos  source=photo-1.jpg (")
    assert f"caption={json.dumps(TEXT)}" in photo_line


def test_no_secret_in_logs_or_repr(fake, client, before, caplog, tmp_path):
    caplog.set_level(logging.DEBUG, logger="httpx")
    caplog.set_level(logging.DEBUG, logger="httpcore")
    client.publish(outgoing(photos=make_photos(tmp_path, 2)), before_publish=before)
    fake.expire_token()
    with pytest.raises(AuthFailed) as caught:
        client.publish(outgoing("Another text"), before_publish=before)

    assert "HTTP Request: POST" in caplog.text  # the loggers were heard
    assert fake.token not in caplog.text
    assert fake.token not in repr(client)
    assert fake.token not in repr(caught.value) + str(caught.value) + caught.value.hint


def test_from_env_needs_both_page_id_and_token(fake, policy):
    env = fake.env()
    assert facebook.from_env({**env, "FACEBOOK_PAGE_ID": ""}, SETTINGS, policy=policy) is None
    assert facebook.from_env({k: v for k, v in env.items() if k != "FACEBOOK_PAGE_TOKEN"}, SETTINGS,
                             policy=policy) is None
    assert facebook.from_env({**env, "FACEBOOK_PAGE_TOKEN": "  \n"}, SETTINGS, policy=policy) is None


def test_a_token_pasted_with_a_newline_still_works(fake, policy, before):
    env = {**fake.env(), "FACEBOOK_PAGE_TOKEN": fake.token + "\n"}
    with facebook.from_env(env, SETTINGS, policy=policy) as client:
        client.publish(outgoing(), before_publish=before)

    assert len(fake.posts) == 1


def test_the_default_api_url_is_graph(policy):
    with facebook.from_env({"FACEBOOK_PAGE_ID": "1", "FACEBOOK_PAGE_TOKEN": "t0ken"}, SETTINGS, policy=policy) as made:
        [line] = made.describe(outgoing(link=None))
    assert line.startswith("POST https://graph.facebook.com/v24.0/1/feed  ")


def test_a_malformed_api_version_is_a_config_error(fake, policy):
    with pytest.raises(ConfigError) as caught:
        facebook.from_env(fake.env(), ChannelSettings(api_version="24"), policy=policy)
    assert "[channels.facebook] api_version" in caught.value.hint


# ---------------------------------------------------------------------- pure functions

def graph_response(status, code=None, subcode=None, *, headers=None, body=None):
    if body is None:
        error = {"message": "words", "type": "OAuthException", "fbtrace_id": "T1"}
        if code is not None:
            error["code"] = code
        if subcode is not None:
            error["error_subcode"] = subcode
        return httpx.Response(status, json={"error": error}, headers=headers)
    return httpx.Response(status, content=body, headers=headers)


@pytest.mark.parametrize(("status", "code", "expected"), [
    (400, 4, RateLimited), (400, 17, RateLimited), (400, 32, RateLimited), (400, 613, RateLimited),
    (429, None, RateLimited),
    (400, 190, AuthFailed), (401, 102, AuthFailed), (400, 104, AuthFailed),
    (400, 10, AuthFailed), (403, 200, AuthFailed), (403, 299, AuthFailed),
    (400, 368, Rejected), (400, 506, DuplicatePost),
    (500, 1, Unavailable), (400, 2, Unavailable), (503, None, Unavailable), (500, 100, Unavailable),
    (400, 100, Rejected), (400, 300, Rejected), (404, None, Rejected),
])
def test_classify_reads_the_graph_error_code(status, code, expected):
    error = facebook.classify(graph_response(status, code), clock=lambda: NOW)
    assert type(error) is expected


@pytest.mark.parametrize(("status", "expected"), [(502, Unavailable), (400, Rejected)])
def test_classify_an_answer_that_is_not_graph_json(status, expected):
    error = facebook.classify(graph_response(status, body=b"<html>Bad gateway</html>"))
    assert type(error) is expected
    assert f"HTTP {status} with no error details" in error.message


def test_classify_says_why_a_token_failed():
    error = facebook.classify(graph_response(400, 190, 460))
    assert "password" in error.message
    assert "subcode 460" in error.message


def usage(minutes):
    return {"X-Business-Use-Case-Usage": json.dumps({"1": [{"type": "pages", "estimated_time_to_regain_access":
                                                            minutes}]})}


@pytest.mark.parametrize(("headers", "wait"), [
    (usage(5), 300.0),
    (usage(0), 60.0),
    ({"X-App-Usage": json.dumps({"call_count": 100, "estimated_time_to_regain_access": 3})}, 180.0),
    ({**usage(2), "X-Page-Usage": json.dumps({"estimated_time_to_regain_access": 7})}, 420.0),
    ({"X-Business-Use-Case-Usage": "not json"}, 900.0),
    ({"X-App-Usage": json.dumps({"call_count": 100})}, 900.0),
    ({}, 900.0),
])
def test_throttle_retry_at_reads_the_usage_headers(headers, wait):
    assert facebook.throttle_retry_at(httpx.Headers(headers), clock=lambda: NOW) == NOW + wait


@pytest.mark.parametrize(("post_id", "url"), [
    ("104857600123456_987654321", "https://www.facebook.com/104857600123456/posts/987654321"),
    ("987654321", "https://www.facebook.com/987654321"),
])
def test_post_url(post_id, url):
    assert facebook.post_url(post_id) == url
