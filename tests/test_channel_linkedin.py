"""The LinkedIn client against a loopback fake of the Posts and Images APIs; little text as a table."""

from __future__ import annotations

import json
import logging
import socket
from pathlib import Path

import httpx
import pytest
from PIL import Image

from postdesk.channels import base, linkedin
from postdesk.channels.base import OutgoingPost, Photo, Published, RetryPolicy
from postdesk.config import ChannelSettings
from postdesk.errors import (
    AuthFailed,
    ChannelError,
    ConfigError,
    DuplicatePost,
    OutdatedVersion,
    RateLimited,
    Rejected,
    Unavailable,
)
from postdesk.fakes.linkedin import FakeLinkedIn, shown_text
from postdesk.fakes.server import Reply

NOW = 1_800_000_000.0
SETTINGS = ChannelSettings(api_version="202610")
TEXT = ("Bring school supplies to Capitol Plaza (Saturday, 10:00) * free_entry ~ all ages.\n\n"
        "https://example.gov/events/backpacks\n\n#BackToSchool #FosterCare")
POSTS = r"/rest/posts"
UPLOADS = r"/dms-uploads/.+"
DISTRIBUTION = {"feedDistribution": "MAIN_FEED", "targetEntities": [], "thirdPartyDistributionChannels": []}


@pytest.fixture
def fake():
    with FakeLinkedIn() as server:
        yield server


@pytest.fixture
def sleeps():
    return []


@pytest.fixture
def policy(sleeps):
    return RetryPolicy(sleep=sleeps.append, clock=lambda: NOW)


@pytest.fixture
def client(fake, policy):
    with linkedin.from_env(fake.env(), SETTINGS, policy=policy) as made:
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
        Image.new("RGB", (32, 24), (10 * number % 256, 120, 200)).save(path, "JPEG")
        photos.append(Photo(path, f"Volunteer {number} sorting donated backpacks"))
    return tuple(photos)


def outgoing(text: str = TEXT, *, photos: tuple[Photo, ...] = ()) -> OutgoingPost:
    return OutgoingPost(item="2026-11-20-backpack-drive", channel="linkedin", text=text,
                        link="https://example.gov/events/backpacks", photos=photos)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def expected_body(fake, content=None):
    body = {"author": fake.author, "commentary": linkedin.little_text(TEXT), "visibility": "PUBLIC",
            "distribution": DISTRIBUTION, "lifecycleState": "PUBLISHED", "isReshareDisabledByAuthor": False}
    if content is not None:
        body["content"] = content
    return body


# ---------------------------------------------------------------------- happy paths

def test_a_text_post_sends_the_commentary_in_little_text_with_the_version_headers(fake, client, before):
    published = client.publish(outgoing(), before_publish=before)

    [request] = fake.requests
    assert (request.method, request.path) == ("POST", "/rest/posts")
    assert request.json() == expected_body(fake)
    assert request.headers["authorization"] == f"Bearer {fake.token}"
    assert request.headers["linkedin-version"] == "202610"
    assert request.headers["x-restli-protocol-version"] == "2.0.0"
    assert before.calls == [([], [])]
    [post] = fake.posts
    assert post.text == TEXT  # what people see: nothing was cut at a reserved character
    assert post.hashtags == ["BackToSchool", "FosterCare"]
    assert published == Published(post.urn, f"https://www.linkedin.com/feed/update/{post.urn}/")


def test_one_photo_is_registered_uploaded_and_attached_as_media(fake, client, before, tmp_path):
    [photo] = make_photos(tmp_path, 1)

    published = client.publish(outgoing(photos=(photo,)), before_publish=before)

    initialize, upload, create = fake.requests
    assert (initialize.method, initialize.path, initialize.query) == ("POST", "/rest/images",
                                                                      {"action": ["initializeUpload"]})
    assert initialize.json() == {"initializeUploadRequest": {"owner": fake.author}}
    [image] = fake.images.values()
    assert (upload.method, upload.path) == ("PUT", f"/dms-uploads/{image.key}")
    assert upload.body == photo.path.read_bytes()
    assert upload.headers["authorization"] == f"Bearer {fake.token}"  # the upload URL is the API's own host
    assert create.json() == expected_body(fake, {"media": {"id": image.urn, "altText": photo.alt}})
    assert before.calls == [([image.urn], ["POST /rest/images", f"PUT /dms-uploads/{image.key}"])]
    assert published.post_id == fake.posts[0].urn
    assert fake.posts[0].alt_texts == [photo.alt]


def test_four_photos_become_a_multi_image_post_in_order(fake, client, before, tmp_path):
    photos = make_photos(tmp_path, 4)

    client.publish(outgoing(photos=photos), before_publish=before)

    *uploads, create = fake.requests
    assert [r.method for r in uploads] == ["POST", "PUT"] * 4
    urns = list(fake.images)
    assert [image.data for image in fake.images.values()] == [photo.path.read_bytes() for photo in photos]
    assert create.json() == expected_body(fake, {"multiImage": {"images": [
        {"id": urn, "altText": photo.alt} for urn, photo in zip(urns, photos, strict=True)]}})
    [(media_ids, seen)] = before.calls
    assert media_ids == urns
    assert len(seen) == 8 and "POST /rest/posts" not in seen
    [post] = fake.posts
    assert post.image_urns == urns
    assert post.alt_texts == [photo.alt for photo in photos]


def test_more_than_twenty_photos_are_refused_before_anything_is_sent(fake, client, before, tmp_path):
    with pytest.raises(Rejected) as caught:
        client.publish(outgoing(photos=make_photos(tmp_path, 21)), before_publish=before)

    assert "at most 20 photos" in caught.value.message
    assert fake.requests == []


def test_the_token_goes_to_no_upload_host_but_linkedin_and_the_api(fake, client, before, tmp_path):
    fake.upload_base = fake.url.replace("127.0.0.1", "localhost")  # another host, same fake behind it
    fake.upload_needs_token = False

    client.publish(outgoing(photos=make_photos(tmp_path, 1)), before_publish=before)

    [upload] = fake.requests_to("PUT", UPLOADS)
    assert upload.headers["host"].startswith("localhost:")
    assert "authorization" not in upload.headers
    assert len(fake.posts) == 1


@pytest.mark.parametrize(("upload_url", "api_url", "sends"), [
    ("https://www.linkedin.com/dms-uploads/sp/v2/D5610AQ/uploaded-image/0?ca=x", "https://api.linkedin.com", True),
    ("https://linkedin.com/upload", "https://api.linkedin.com", True),
    ("http://www.linkedin.com/dms-uploads/1", "https://api.linkedin.com", False),  # never in clear text
    ("https://evil-linkedin.com/upload", "https://api.linkedin.com", False),
    ("https://www.linkedin.com.example.net/upload", "https://api.linkedin.com", False),
    ("https://uploads.example.net/dms-uploads/1", "https://api.linkedin.com", False),
    ("http://127.0.0.1:8080/dms-uploads/1", "http://127.0.0.1:8080", True),
    ("http://127.0.0.1:9090/dms-uploads/1", "http://127.0.0.1:8080", False),
    ("http://localhost:8080/dms-uploads/1", "http://127.0.0.1:8080", False),
])
def test_sends_token_to(upload_url, api_url, sends):
    assert linkedin.sends_token_to(upload_url, api_url) is sends


# ---------------------------------------------------------------------- rate limits

def test_a_429_with_a_near_retry_after_is_waited_out(fake, client, before, sleeps):
    fake.rate_limit_next(retry_after=30)

    client.publish(outgoing(), before_publish=before)

    assert sleeps == [30.0]
    assert len(fake.requests_to("POST", POSTS)) == 2
    assert len(fake.posts) == 1


def test_a_429_with_a_far_retry_after_is_raised_with_its_time(fake, client, before, sleeps):
    fake.rate_limit_next(retry_after=7200)

    with pytest.raises(RateLimited) as caught:
        client.publish(outgoing(), before_publish=before)

    assert caught.value.retry_at == NOW + 7200
    assert sleeps == []
    assert len(fake.requests_to("POST", POSTS)) == 1
    assert fake.posts == []


def test_a_429_on_an_upload_registration_is_raised_for_the_next_run(fake, client, before, sleeps, tmp_path):
    fake.rate_limit_next(retry_after=7200, on="images")

    with pytest.raises(RateLimited) as caught:
        client.publish(outgoing(photos=make_photos(tmp_path, 1)), before_publish=before)

    assert caught.value.retry_at == NOW + 7200
    assert "120 minutes" in caught.value.message
    assert sleeps == []
    assert before.calls == []


def test_a_429_without_retry_after_waits_the_default(fake, client, before):
    fake.rate_limit_next(retry_after=None)

    with pytest.raises(RateLimited) as caught:
        client.publish(outgoing(), before_publish=before)

    assert caught.value.retry_at == NOW + linkedin.DEFAULT_THROTTLE_WAIT
    assert len(fake.requests_to("POST", POSTS)) == 1


# ---------------------------------------------------------------------- credentials and versions

def test_an_expired_token_names_the_secret_and_its_60_days(fake, client, before):
    fake.expire_token()

    with pytest.raises(AuthFailed) as caught:
        client.publish(outgoing(), before_publish=before)

    assert caught.value.secrets == ("LINKEDIN_ACCESS_TOKEN",)
    assert "60 days" in caught.value.hint
    assert "LINKEDIN_ACCESS_TOKEN" in caught.value.hint
    assert len(fake.requests) == 1


def test_a_wrong_token_is_refused(fake, policy, before):
    wrong = "AQVwrongToken9876543210fedcba"
    with linkedin.from_env({**fake.env(), "LINKEDIN_ACCESS_TOKEN": wrong}, SETTINGS, policy=policy) as client, \
            pytest.raises(AuthFailed) as caught:
        client.publish(outgoing(), before_publish=before)

    assert caught.value.status == 401
    assert wrong not in str(caught.value)


def test_a_missing_permission_names_the_scope_and_the_admin_role(fake, client, before):
    fake.revoke_permission()

    with pytest.raises(AuthFailed) as caught:
        client.publish(outgoing(), before_publish=before)

    assert "w_organization_social" in caught.value.hint
    assert "admin" in caught.value.hint
    assert caught.value.status == 403


def test_a_retired_version_says_which_setting_to_change(fake, client, before):
    fake.retire_version("202610")

    with pytest.raises(OutdatedVersion) as caught:
        client.publish(outgoing(), before_publish=before)

    assert "202610" in caught.value.message
    assert "[channels.linkedin] api_version" in caught.value.hint
    assert caught.value.status == 426


# ---------------------------------------------------------------------- refusals

def test_the_same_commentary_twice_is_a_duplicate_and_not_retried(fake, client, before):
    client.publish(outgoing(), before_publish=before)

    with pytest.raises(DuplicatePost) as caught:
        client.publish(outgoing(), before_publish=before)

    assert fake.posts[0].urn in caught.value.message
    assert len(fake.requests_to("POST", POSTS)) == 2
    assert len(fake.posts) == 1


def test_a_scripted_duplicate_after_uploads_is_a_duplicate(fake, client, before, tmp_path):
    fake.reject_duplicate_next()

    with pytest.raises(DuplicatePost):
        client.publish(outgoing(photos=make_photos(tmp_path, 2)), before_publish=before)

    assert len(fake.requests_to("POST", POSTS)) == 1
    assert fake.posts == []


def test_a_refused_post_is_rejected_with_linkedins_words(fake, client, before):
    fake.reject_next("ERROR :: /commentary :: COMMENTARY_LENGTH_TOO_LONG")

    with pytest.raises(Rejected) as caught:
        client.publish(outgoing(), before_publish=before)

    assert type(caught.value) is Rejected
    assert "COMMENTARY_LENGTH_TOO_LONG" in str(caught.value)
    assert "POST /rest/posts" in str(caught.value)
    assert len(fake.requests) == 1


def test_a_token_echoed_in_an_error_is_masked(fake, client, before):
    fake.reject_next(f"Bad header Authorization: Bearer {fake.token}")

    with pytest.raises(Rejected) as caught:
        client.publish(outgoing(), before_publish=before)

    assert fake.token not in str(caught.value)
    assert "Bearer ***" in str(caught.value)


def test_a_created_post_without_an_urn_may_exist(fake, client, before):
    fake.fail_next("POST", POSTS, Reply(201))

    with pytest.raises(Unavailable) as caught:
        client.publish(outgoing(), before_publish=before)

    assert caught.value.maybe_sent is True


# ---------------------------------------------------------------------- outages

def test_a_server_error_on_an_upload_is_retried_a_bounded_number_of_times(fake, client, before, sleeps, tmp_path):
    fake.server_error_next(status=500, on="upload", times=3)

    with pytest.raises(Unavailable) as caught:
        client.publish(outgoing(photos=make_photos(tmp_path, 2)), before_publish=before)

    assert caught.value.maybe_sent is False
    assert len(fake.requests_to("PUT", UPLOADS)) == 3
    assert sleeps == [2.0, 4.0]
    assert before.calls == []
    assert fake.posts == []


def test_an_upload_that_recovers_on_a_retry_posts_once(fake, client, before, sleeps, tmp_path):
    fake.server_error_next(status=502, on="upload")

    client.publish(outgoing(photos=make_photos(tmp_path, 2)), before_publish=before)

    assert len(fake.requests_to("PUT", UPLOADS)) == 3
    assert sleeps == [2.0]
    assert len(fake.posts) == 1


def test_a_503_on_create_is_retried(fake, client, before, sleeps):
    fake.server_error_next(status=503)

    client.publish(outgoing(), before_publish=before)

    assert len(fake.requests_to("POST", POSTS)) == 2
    assert len(fake.posts) == 1
    assert len(before.calls) == 1


def test_a_500_on_create_may_have_posted_and_is_not_retried(fake, client, before, sleeps):
    fake.server_error_next(status=500)

    with pytest.raises(Unavailable) as caught:
        client.publish(outgoing(), before_publish=before)

    assert caught.value.maybe_sent is True
    assert len(fake.requests_to("POST", POSTS)) == 1
    assert sleeps == []


def test_a_read_timeout_on_create_may_have_posted(fake, client, before, monkeypatch):
    monkeypatch.setattr(base, "TIMEOUT", httpx.Timeout(0.2, connect=2.0))
    fake.stall_next("POST", POSTS, 0.6)

    with pytest.raises(Unavailable) as caught:
        client.publish(outgoing(), before_publish=before)

    assert caught.value.maybe_sent is True
    assert len(fake.posts) == 1  # the fake did make the post: retrying would have posted twice
    assert len(fake.requests_to("POST", POSTS)) == 1


def test_a_refused_connection_is_retried_then_unavailable_and_not_sent(fake, policy, before, sleeps):
    env = {**fake.env(), "POSTDESK_LINKEDIN_API_URL": f"http://127.0.0.1:{free_port()}"}
    with linkedin.from_env(env, SETTINGS, policy=policy) as client, pytest.raises(Unavailable) as caught:
        client.publish(outgoing(), before_publish=before)

    assert caught.value.maybe_sent is False
    assert sleeps == [2.0, 4.0]


def test_an_unreadable_photo_stops_before_anything_is_sent(fake, client, before, tmp_path):
    photos = (*make_photos(tmp_path, 1), Photo(tmp_path / "gone.jpg", "A missing photo"))

    with pytest.raises(ChannelError) as caught:
        client.publish(outgoing(photos=photos), before_publish=before)

    assert "gone.jpg" in caught.value.message
    assert fake.requests == []


# ---------------------------------------------------------------------- the fake's own rules

def test_the_fake_refuses_an_image_whose_bytes_never_arrived(fake):
    headers = {"Authorization": f"Bearer {fake.token}", "LinkedIn-Version": "202610",
               "X-Restli-Protocol-Version": "2.0.0"}
    with httpx.Client(base_url=fake.url, headers=headers) as http:
        value = http.post("/rest/images", params={"action": "initializeUpload"},
                          json={"initializeUploadRequest": {"owner": fake.author}}).json()["value"]
        body = linkedin.post_body(fake.author, "Hello", [(value["image"], "alt")])
        answer = http.post("/rest/posts", json=body)
        missing_version = http.post("/rest/posts", json=body, headers={"LinkedIn-Version": ""})

    assert answer.status_code == 400
    assert value["image"] in answer.json()["message"]
    assert fake.posts == []
    assert missing_version.json()["code"] == "VERSION_MISSING"


# ---------------------------------------------------------------------- dry run, secrets, set-up

def test_describe_lists_each_request_without_secrets(fake, client, tmp_path):
    photos = make_photos(tmp_path, 2)

    lines = client.describe(outgoing(photos=photos))

    assert len(lines) == 5
    assert lines[0] == (f"POST {fake.url}/rest/images?action=initializeUpload  LinkedIn-Version: 202610  "
                        f'{{"initializeUploadRequest": {{"owner": "{fake.author}"}}}}')
    assert lines[1] == f"PUT <uploadUrl of photo 1>  photo-1.jpg ({photos[0].path.stat().st_size:,} bytes)"
    assert lines[4].startswith(f"POST {fake.url}/rest/posts  LinkedIn-Version: 202610  {{")
    body = json.loads(lines[4].split("  ", 2)[2])
    assert body["commentary"] == linkedin.little_text(TEXT)
    assert body["content"] == {"multiImage": {"images": [
        {"id": "<urn of photo 1>", "altText": photos[0].alt}, {"id": "<urn of photo 2>", "altText": photos[1].alt}]}}
    assert fake.requests == []
    assert all(fake.token not in line for line in lines)


def test_no_secret_in_logs_or_repr(fake, client, before, caplog, tmp_path):
    caplog.set_level(logging.DEBUG, logger="httpx")
    caplog.set_level(logging.DEBUG, logger="httpcore")
    client.publish(outgoing(photos=make_photos(tmp_path, 2)), before_publish=before)
    fake.expire_token()
    with pytest.raises(AuthFailed) as caught:
        client.publish(outgoing("Another text"), before_publish=before)

    assert "HTTP Request: PUT" in caplog.text  # the loggers were heard
    assert fake.token not in caplog.text
    assert fake.token not in repr(client)
    assert fake.token not in repr(caught.value) + str(caught.value) + caught.value.hint


def test_from_env_needs_both_organization_and_token(fake, policy):
    env = fake.env()
    assert linkedin.from_env({**env, "LINKEDIN_ORGANIZATION_ID": " "}, SETTINGS, policy=policy) is None
    assert linkedin.from_env({k: v for k, v in env.items() if k != "LINKEDIN_ACCESS_TOKEN"}, SETTINGS,
                             policy=policy) is None


def test_the_organization_may_be_given_as_its_urn(fake, policy, before):
    env = {**fake.env(), "LINKEDIN_ORGANIZATION_ID": fake.author, "LINKEDIN_ACCESS_TOKEN": fake.token + "\n"}
    with linkedin.from_env(env, SETTINGS, policy=policy) as client:
        client.publish(outgoing(), before_publish=before)

    assert fake.posts[0].body["author"] == fake.author


def test_the_default_api_url_is_linkedins(policy):
    env = {"LINKEDIN_ORGANIZATION_ID": "5", "LINKEDIN_ACCESS_TOKEN": "t0ken"}
    with linkedin.from_env(env, SETTINGS, policy=policy) as made:
        [line] = made.describe(outgoing())
    assert line.startswith("POST https://api.linkedin.com/rest/posts  ")


@pytest.mark.parametrize("version", ["", "2026-10", "v202610", "20261"])
def test_a_malformed_api_version_is_a_config_error(fake, policy, version):
    with pytest.raises(ConfigError) as caught:
        linkedin.from_env(fake.env(), ChannelSettings(api_version=version), policy=policy)
    assert "[channels.linkedin] api_version" in caught.value.hint


# ---------------------------------------------------------------------- little text

@pytest.mark.parametrize(("text", "little"), [
    ("Plain words, commas and dots.", "Plain words, commas and dots."),
    ("Call (573) 555-0100", r"Call \(573\) 555-0100"),
    ("a|b{c}d@e[f]g<h>i\\j*k_l~m", r"a\|b\{c\}d\@e\[f\]g\<h\>i\\j\*k\_l\~m"),
    ("#FosterCare month", r"{hashtag|\#|FosterCare} month"),
    ("Join us! #BackToSchool #Adoption2026", r"Join us! {hashtag|\#|BackToSchool} {hashtag|\#|Adoption2026}"),
    ("(#Tag)", r"\({hashtag|\#|Tag}\)"),
    ("#Niños", r"{hashtag|\#|Niños}"),
    ("We're #1 in C#", r"We're \#1 in C\#"),
    ("#Foster_Care", r"\#Foster\_Care"),
    ("##Tag", r"\#\#Tag"),
    ("# heading", r"\# heading"),
    ("See https://example.gov/a_b#Top now", r"See https://example.gov/a\_b\#Top now"),
    ("www.example.gov/#Section", r"www.example.gov/\#Section"),
    ("example.gov/#Section", r"example.gov/\#Section"),
    ("first line\n\n#Tag", "first line\n\n{hashtag|\\#|Tag}"),
    ("{hashtag|\\#|Sneaky}", r"\{hashtag\|\\\#\|Sneaky\}"),
    ("", ""),
])
def test_little_text(text, little):
    assert linkedin.little_text(text) == little


@pytest.mark.parametrize("text", [TEXT, "a|b{c}d@e[f]g<h>i\\j*k_l~m", "We're #1 in C# (really)", "(#Tag) ~"])
def test_little_text_shows_the_original_text_on_linkedin(text):
    assert shown_text(linkedin.little_text(text))[0] == text


def test_unescaped_text_is_cut_like_linkedin_cuts_it():
    assert shown_text("Call (573) 555-0100") == ("Call ", [])


# ---------------------------------------------------------------------- classification

def linkedin_response(status, message="words", *, code=None, headers=None):
    body = {"status": status, "message": message, "serviceErrorCode": 100}
    if code is not None:
        body["code"] = code
    return httpx.Response(status, json=body, headers=headers)


@pytest.mark.parametrize(("response", "expected"), [
    (linkedin_response(429), RateLimited),
    (linkedin_response(401, "Invalid access token"), AuthFailed),
    (linkedin_response(403, code="ACCESS_DENIED"), AuthFailed),
    (linkedin_response(426, "Requested version 202301 is not active", code="NONEXISTENT_VERSION"), OutdatedVersion),
    (linkedin_response(400, "A version must be present", code="VERSION_MISSING"), OutdatedVersion),
    (linkedin_response(422, "DUPLICATE_POST :: Content is a duplicate of urn:li:share:1"), DuplicatePost),
    (linkedin_response(422, "Content is a duplicate of urn:li:share:1", code="DUPLICATE_POST"), DuplicatePost),
    (linkedin_response(422, "ERROR :: /commentary :: too long"), Rejected),
    (linkedin_response(400, "ERROR :: /content/media/id :: invalid"), Rejected),
    (linkedin_response(404, "Not Found"), Rejected),
    (linkedin_response(500), Unavailable),
    (linkedin_response(503), Unavailable),
    (httpx.Response(502, content=b"<html>Bad gateway</html>"), Unavailable),
    (httpx.Response(400, content=b""), Rejected),
])
def test_classify(response, expected):
    assert type(linkedin.classify(response, clock=lambda: NOW)) is expected


@pytest.mark.parametrize(("headers", "retry_at"), [
    ({"Retry-After": "120"}, NOW + 120),
    ({"Retry-After": "Wed, 21 Oct 2026 07:28:00 GMT"}, NOW + linkedin.DEFAULT_THROTTLE_WAIT),
    ({}, NOW + linkedin.DEFAULT_THROTTLE_WAIT),
])
def test_classify_reads_retry_after(headers, retry_at):
    error = linkedin.classify(linkedin_response(429, headers=headers), clock=lambda: NOW)
    assert error.retry_at == retry_at


def test_post_url():
    assert linkedin.post_url("urn:li:share:7000000000000000001") == \
        "https://www.linkedin.com/feed/update/urn:li:share:7000000000000000001/"
