"""The X client against a loopback fake of the X API v2 (real HTTP, real OAuth 1.0a signatures)."""

from __future__ import annotations

import logging
import re
import socket
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image

from postdesk.channels import base, x
from postdesk.channels.base import OutgoingPost, Photo, RetryPolicy
from postdesk.config import ChannelSettings
from postdesk.errors import AuthFailed, ChannelError, DuplicatePost, NotOffered, RateLimited, Rejected, Unavailable
from postdesk.fakes import x as fake_x
from postdesk.fakes.server import Recorded, Reply
from postdesk.fakes.x import FakeX

NOW = 1_800_000_000.0
HANDLE = "@MoChildrensDiv"
TEXT = "Bring school supplies to Capitol Plaza on Saturday. https://example.gov/events/backpacks"
SECRETS = FakeX.SECRETS


class Clock:
    """A fake clock that ``sleep`` advances, so waits are recorded and instant."""

    def __init__(self) -> None:
        self.now = NOW
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def fake(clock: Clock) -> Iterator[FakeX]:
    with FakeX(clock=clock) as server:
        yield server


def client_for(env: dict[str, str], clock: Clock, *, handle: str = HANDLE, attempts: int = 3) -> x.XClient:
    policy = RetryPolicy(attempts=attempts, sleep=clock.sleep, clock=clock)
    client = x.from_env(env, ChannelSettings(handle=handle, max_chars=280), policy=policy)
    assert client is not None
    return client


@pytest.fixture
def client(fake: FakeX, clock: Clock) -> Iterator[x.XClient]:
    with client_for(fake.env(), clock) as made:
        yield made


def photos(tmp_path: Path, count: int) -> tuple[Photo, ...]:
    made = []
    for number in range(1, count + 1):
        path = tmp_path / f"photo-{number}.jpg"
        Image.new("RGB", (160, 90), (30 * number, 120, 200)).save(path, "JPEG")
        made.append(Photo(path, f"Volunteers packing backpacks, picture {number}"))
    return tuple(made)


def outgoing(text: str = TEXT, pictures: Sequence[Photo] = ()) -> OutgoingPost:
    return OutgoingPost(item="2026-11-20-backpack-drive", channel="x", text=text, photos=tuple(pictures))


class Callback:
    """A before_publish that records its calls and what the fake had received at that moment."""

    def __init__(self, fake: FakeX) -> None:
        self.fake = fake
        self.calls: list[list[str]] = []
        self.requests_seen: list[str] = []

    def __call__(self, media_ids: Sequence[str]) -> None:
        self.calls.append(list(media_ids))
        self.requests_seen = [request.path for request in self.fake.requests]


def creates(fake: FakeX) -> list[Recorded]:
    return fake.requests_to("POST", fake_x.TWEETS)


def assert_no_secret(*texts: object) -> None:
    for text in texts:
        for secret in SECRETS:
            assert secret not in str(text)


def full_text(error: ChannelError) -> str:
    return f"{error}\n{error.message}\n{error.hint}\n{error!r}"


# --------------------------------------------------------------------------- signing


def test_signer_reproduces_x_documented_signature() -> None:
    # The example of X's "Creating a signature" page: the form-urlencoded status is signed.
    sign = x.oauth1_signer("xvz1evFS4wEEPTGEFPHBog", "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
                           "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb",
                           "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE",
                           nonce="kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg", timestamp="1318622958")
    request = httpx.Request("POST", "https://api.twitter.com/1.1/statuses/update.json?include_entities=true",
                            data={"status": "Hello Ladies + Gentlemen, a signed OAuth request!"})
    header = fake_x.parse_oauth_header(sign(request).headers["Authorization"])
    assert header["oauth_signature"] == "hCtSmYh+iHYCEqBWrE7C7hYmtUk="
    assert header["oauth_consumer_key"] == "xvz1evFS4wEEPTGEFPHBog"


def test_fake_verifier_reproduces_x_documented_signature() -> None:
    params = [("include_entities", "true"), ("status", "Hello Ladies + Gentlemen, a signed OAuth request!"),
              ("oauth_consumer_key", "xvz1evFS4wEEPTGEFPHBog"),
              ("oauth_nonce", "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg"), ("oauth_signature_method", "HMAC-SHA1"),
              ("oauth_timestamp", "1318622958"), ("oauth_token", "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb"),
              ("oauth_version", "1.0")]
    signature = fake_x.oauth1_signature("POST", "https://api.twitter.com/1.1/statuses/update.json", params,
                                        consumer_secret="kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
                                        token_secret="LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE")
    assert signature == "hCtSmYh+iHYCEqBWrE7C7hYmtUk="


def test_every_attempt_is_signed_with_a_fresh_nonce(fake: FakeX, client: x.XClient, tmp_path: Path) -> None:
    fake.server_error_next(status=503, path=fake_x.UPLOAD, times=2)
    client.publish(outgoing(pictures=photos(tmp_path, 1)), before_publish=lambda ids: None)
    nonces = [fake_x.parse_oauth_header(request.headers["authorization"])["oauth_nonce"] for request in fake.requests]
    assert len(fake.requests) == 5  # 3 upload attempts, alt text, create
    assert len(set(nonces)) == len(nonces)
    assert len(fake.posts) == 1


def test_a_wrong_secret_is_refused_by_the_fake(fake: FakeX, clock: Clock) -> None:
    env = {**fake.env(), "X_ACCESS_TOKEN_SECRET": "not-the-right-secret"}
    with client_for(env, clock) as wrong, pytest.raises(AuthFailed) as caught:
        wrong.publish(outgoing(), before_publish=lambda ids: None)
    assert caught.value.secrets == x.OAUTH1_NAMES
    assert fake.posts == []


# --------------------------------------------------------------------------- happy paths


def test_text_only_post(fake: FakeX, client: x.XClient) -> None:
    callback = Callback(fake)
    published = client.publish(outgoing(), before_publish=callback)
    [post] = fake.posts
    assert (post.text, post.media_ids) == (TEXT, [])
    assert creates(fake)[0].json() == {"text": TEXT}  # no empty media list
    assert callback.calls == [[]]
    assert published.post_id == post.id and post.id.isdigit()
    assert published.url == f"https://x.com/MoChildrensDiv/status/{post.id}"
    assert creates(fake)[0].headers["user-agent"] == base.USER_AGENT


def test_one_photo_is_uploaded_described_and_attached(fake: FakeX, client: x.XClient, tmp_path: Path) -> None:
    [photo] = photos(tmp_path, 1)
    callback = Callback(fake)
    client.publish(outgoing(pictures=[photo]), before_publish=callback)
    [upload] = fake.requests_to("POST", fake_x.UPLOAD)
    assert upload.form() == {"media_category": "tweet_image"}
    assert upload.files()["media"] == ("photo-1.jpg", photo.path.read_bytes())
    [media_id] = callback.calls[0]
    [metadata] = fake.requests_to("POST", fake_x.METADATA)
    assert metadata.json() == {"id": media_id, "metadata": {"alt_text": {"text": photo.alt}}}
    assert creates(fake)[0].json() == {"text": TEXT, "media": {"media_ids": [media_id]}}
    [post] = fake.posts
    assert (post.media_ids, post.alt_texts) == ([media_id], [photo.alt])


def test_four_photos_keep_their_order_and_alt_texts(fake: FakeX, client: x.XClient, tmp_path: Path) -> None:
    pictures = photos(tmp_path, 4)
    callback = Callback(fake)
    client.publish(outgoing(pictures=pictures), before_publish=callback)
    [post] = fake.posts
    assert post.media_ids == callback.calls[0] and len(set(post.media_ids)) == 4
    assert post.alt_texts == [photo.alt for photo in pictures]
    assert [fake.media[media_id].filename for media_id in post.media_ids] == [p.path.name for p in pictures]


def test_before_publish_runs_once_after_uploads_and_before_the_create(fake: FakeX, client: x.XClient,
                                                                      tmp_path: Path) -> None:
    callback = Callback(fake)
    client.publish(outgoing(pictures=photos(tmp_path, 2)), before_publish=callback)
    assert len(callback.calls) == 1
    assert callback.requests_seen == [fake_x.UPLOAD, fake_x.METADATA] * 2
    assert fake.requests[-1].path == fake_x.TWEETS


def test_oauth2_user_token_is_sent_as_bearer(fake: FakeX, clock: Clock, tmp_path: Path) -> None:
    with client_for(fake.env(oauth2=True), clock, handle="") as client:
        published = client.publish(outgoing(pictures=photos(tmp_path, 1)), before_publish=lambda ids: None)
    assert {request.headers["authorization"] for request in fake.requests} == {f"Bearer {fake_x.USER_TOKEN}"}
    assert published.url == f"https://x.com/i/web/status/{published.post_id}"


def test_oauth1_is_preferred_when_both_credentials_are_set(fake: FakeX, clock: Clock) -> None:
    with client_for({**fake.env(), **fake.env(oauth2=True)}, clock) as client:
        client.publish(outgoing(), before_publish=lambda ids: None)
    assert fake.requests[0].headers["authorization"].startswith("OAuth ")


@pytest.mark.parametrize("env", [{}, {"X_API_KEY": "k", "X_API_SECRET": "s", "X_ACCESS_TOKEN": "t"},
                                 {"X_USER_TOKEN": "  "}])
def test_incomplete_credentials_give_no_client(env: dict[str, str]) -> None:
    assert x.from_env(env, ChannelSettings(), policy=RetryPolicy()) is None


# --------------------------------------------------------------------------- refused before sending


def test_five_photos_are_refused_before_any_request(fake: FakeX, client: x.XClient, tmp_path: Path) -> None:
    callback = Callback(fake)
    with pytest.raises(Rejected, match="5 photos; X takes at most 4"):
        client.publish(outgoing(pictures=photos(tmp_path, 5)), before_publish=callback)
    assert fake.requests == [] and callback.calls == []


def test_alt_text_over_1000_characters_is_refused_not_cut(fake: FakeX, client: x.XClient, tmp_path: Path) -> None:
    [photo] = photos(tmp_path, 1)
    long_alt = Photo(photo.path, "a" * 1001)
    with pytest.raises(Rejected, match="1,001 characters") as caught:
        client.publish(outgoing(pictures=[long_alt]), before_publish=lambda ids: None)
    assert "Shorten" in caught.value.hint and fake.requests == []
    client.publish(outgoing(pictures=[Photo(photo.path, "a" * 1000)]), before_publish=lambda ids: None)
    assert fake.posts[0].alt_texts == ["a" * 1000]


def test_a_missing_photo_stops_before_any_request(fake: FakeX, client: x.XClient, tmp_path: Path) -> None:
    pictures = (*photos(tmp_path, 1), Photo(tmp_path / "gone.jpg", "A photo that was never rendered"))
    with pytest.raises(ChannelError, match=r"gone\.jpg"):
        client.publish(outgoing(pictures=pictures), before_publish=lambda ids: None)
    assert fake.requests == []


# --------------------------------------------------------------------------- errors from X


def test_near_rate_limit_reset_is_waited_out(fake: FakeX, client: x.XClient, clock: Clock) -> None:
    fake.rate_limit_next(reset_in=20)
    client.publish(outgoing(), before_publish=lambda ids: None)
    assert clock.sleeps == [pytest.approx(20, abs=1)]
    assert len(creates(fake)) == 2 and len(fake.posts) == 1


def test_far_rate_limit_reset_is_raised_with_retry_at(fake: FakeX, client: x.XClient, clock: Clock) -> None:
    fake.rate_limit_next(reset_in=900)
    with pytest.raises(RateLimited) as caught:
        client.publish(outgoing(), before_publish=lambda ids: None)
    assert caught.value.retry_at == pytest.approx(NOW + 900, abs=1)
    assert clock.sleeps == [] and fake.posts == []
    assert "rate limit" in caught.value.message


def test_expired_oauth1_token_names_the_four_secrets(fake: FakeX, client: x.XClient) -> None:
    fake.expire_token()
    with pytest.raises(AuthFailed) as caught:
        client.publish(outgoing(), before_publish=lambda ids: None)
    error = caught.value
    assert error.secrets == ("X_API_KEY", "X_API_SECRET", "X_ACCESS_TOKEN", "X_ACCESS_TOKEN_SECRET")
    assert "regenerate the access token" in error.hint and "Read and Write" in error.hint
    assert error.status == 401 and len(fake.requests) == 1  # never retried
    assert_no_secret(full_text(error))


def test_expired_oauth2_token_names_x_user_token(fake: FakeX, clock: Clock) -> None:
    fake.expire_token()
    with client_for(fake.env(oauth2=True), clock) as client, pytest.raises(AuthFailed) as caught:
        client.publish(outgoing(), before_publish=lambda ids: None)
    assert caught.value.secrets == ("X_USER_TOKEN",)
    assert "2 hours" in caught.value.hint
    assert_no_secret(full_text(caught.value))


@pytest.mark.parametrize("script", [FakeX.forbid_writes,
                                    lambda fake: fake.fail_next("POST", fake_x.TWEETS, fake_x.client_not_enrolled())])
def test_app_without_write_access_is_an_auth_failure(fake: FakeX, client: x.XClient, script: Any) -> None:
    script(fake)
    with pytest.raises(AuthFailed) as caught:
        client.publish(outgoing(), before_publish=lambda ids: None)
    assert caught.value.status == 403 and "Read and Write" in caught.value.hint
    assert fake.posts == []


def test_same_text_twice_is_a_duplicate_and_not_retried(fake: FakeX, client: x.XClient) -> None:
    client.publish(outgoing(), before_publish=lambda ids: None)
    with pytest.raises(DuplicatePost, match="duplicate content"):
        client.publish(outgoing(), before_publish=lambda ids: None)
    assert len(creates(fake)) == 2 and len(fake.posts) == 1


def test_scripted_duplicate(fake: FakeX, client: x.XClient) -> None:
    fake.reject_duplicate_next()
    with pytest.raises(DuplicatePost):
        client.publish(outgoing(), before_publish=lambda ids: None)
    assert len(creates(fake)) == 1


def test_bad_request_is_rejected_with_x_words(fake: FakeX, client: x.XClient) -> None:
    fake.fail_next("POST", fake_x.TWEETS, fake_x.invalid_request("Your media IDs are invalid.",
                                                                 {"media.media_ids": ["1"]}))
    with pytest.raises(Rejected) as caught:
        client.publish(outgoing(), before_publish=lambda ids: None)
    assert "One or more parameters to your request was invalid.; Your media IDs are invalid." in caught.value.message
    assert caught.value.message.startswith("POST /2/tweets: ")
    assert len(creates(fake)) == 1


def test_upload_server_errors_are_retried_then_unavailable(fake: FakeX, client: x.XClient, clock: Clock,
                                                           tmp_path: Path) -> None:
    fake.server_error_next(status=500, path=fake_x.UPLOAD, times=5)
    callback = Callback(fake)
    with pytest.raises(Unavailable) as caught:
        client.publish(outgoing(pictures=photos(tmp_path, 1)), before_publish=callback)
    assert not caught.value.maybe_sent
    assert len(fake.requests_to("POST", fake_x.UPLOAD)) == 3 and clock.sleeps == [2.0, 4.0]
    assert creates(fake) == [] and callback.calls == []


def test_503_on_create_is_retried(fake: FakeX, client: x.XClient) -> None:
    fake.server_error_next(status=503)
    client.publish(outgoing(), before_publish=lambda ids: None)
    assert len(creates(fake)) == 2 and len(fake.posts) == 1


def test_500_on_create_may_have_posted_and_is_not_retried(fake: FakeX, client: x.XClient) -> None:
    fake.server_error_next(status=500)
    with pytest.raises(Unavailable) as caught:
        client.publish(outgoing(), before_publish=lambda ids: None)
    assert caught.value.maybe_sent and len(creates(fake)) == 1


def test_read_timeout_on_create_may_have_posted(fake: FakeX, client: x.XClient,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(base, "TIMEOUT", httpx.Timeout(0.2, connect=1.0))
    fake.stall_next("POST", fake_x.TWEETS, 0.6)
    with pytest.raises(Unavailable) as caught:
        client.publish(outgoing(), before_publish=lambda ids: None)
    assert caught.value.maybe_sent and len(creates(fake)) == 1


def test_connection_refused_is_unavailable_and_not_sent(fake: FakeX, clock: Clock) -> None:
    with socket.socket() as sock:  # a port that was free a moment ago: nothing listens there
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**fake.env(), x.API_URL_VARIABLE: f"http://127.0.0.1:{port}"}
    with client_for(env, clock) as client, pytest.raises(Unavailable) as caught:
        client.publish(outgoing(), before_publish=lambda ids: None)
    assert not caught.value.maybe_sent and "could not connect" in caught.value.message
    assert len(clock.sleeps) == 2  # retried: nothing reached X


def test_rate_limit_headers_are_on_every_answer(fake: FakeX) -> None:
    fake.server_error_next(status=503)
    with httpx.Client(base_url=fake.url) as plain:
        answers = [plain.post("/2/tweets", json={"text": "unsigned"}) for _ in range(2)]
    assert [answer.status_code for answer in answers] == [503, 401]  # scripted, then the unsigned request refused
    assert answers[1].json() == {"title": "Unauthorized", "detail": "Unauthorized", "type": "about:blank",
                                 "status": 401}
    for answer in answers:
        assert answer.headers["x-rate-limit-limit"] == "100"
        assert int(answer.headers["x-rate-limit-reset"]) == NOW + 900


@pytest.mark.parametrize(("status", "body", "headers", "kind"), [
    (502, b"<html>Bad Gateway</html>", {"content-type": "text/html"}, Unavailable),
    (403, b'{"errors": [{"message": "Status is a duplicate.", "code": 187}]}', {}, DuplicatePost),
    (402, b'{"title": "CreditsDepleted", "detail": "No credits left.", "type": "about:blank"}', {}, NotOffered),
    (429, b'{"title": "UsageCapExceeded", "type": "https://api.twitter.com/2/problems/usage-capped"}', {}, NotOffered),
    (403, b'{"title": "Forbidden", "detail": "This post is not allowed."}', {}, Rejected),
    (429, b"", {}, RateLimited),
])
def test_classify_reads_x_error_shapes(status: int, body: bytes, headers: dict[str, str], kind: type) -> None:
    error = x.classify(httpx.Response(status, content=body, headers=headers), clock=lambda: NOW)
    assert type(error) is kind
    assert error.message  # never empty: a person reads it
    if isinstance(error, RateLimited):
        assert error.retry_at == NOW + 900  # no reset header: wait a full window


# --------------------------------------------------------------------------- dry run and secrets


def test_describe_lists_the_requests_without_sending(fake: FakeX, client: x.XClient, tmp_path: Path) -> None:
    pictures = photos(tmp_path, 2)
    lines = client.describe(outgoing(pictures=pictures))
    size = pictures[0].path.stat().st_size
    assert lines[0] == (f"POST {fake.url}/2/media/upload multipart: media=photo-1.jpg ({size:,} bytes, image/jpeg), "
                        "media_category=tweet_image")
    assert lines[1] == (f'POST {fake.url}/2/media/metadata JSON: id=<media id of photo 1>, '
                        f'alt_text="{pictures[0].alt}"')
    assert len(lines) == 5 and lines[-1].startswith(f"POST {fake.url}/2/tweets JSON: text=\"{TEXT}\"")
    assert "media_ids=<the 2 media ids above>" in lines[-1]
    assert fake.requests == []
    assert_no_secret(*lines, repr(client))


def test_describe_says_when_x_would_refuse(client: x.XClient, tmp_path: Path) -> None:
    assert client.describe(outgoing(pictures=photos(tmp_path, 5)))[0].startswith("not sent: the post has 5 photos")


def test_describe_works_with_placeholder_credentials(tmp_path: Path) -> None:
    env = {name: f"<{name}>" for name in x.OAUTH1_NAMES}
    client = x.from_env(env, ChannelSettings(), policy=RetryPolicy())
    assert client is not None
    with client:
        assert client.describe(outgoing())[0].startswith("POST https://api.x.com/2/tweets JSON: text=")


def test_secrets_never_reach_the_logs(fake: FakeX, client: x.XClient, caplog: pytest.LogCaptureFixture,
                                      tmp_path: Path) -> None:
    caplog.set_level(logging.DEBUG)
    client.publish(outgoing(pictures=photos(tmp_path, 1)), before_publish=lambda ids: None)
    fake.expire_token()
    with pytest.raises(AuthFailed) as caught:
        client.publish(outgoing(text="Another post"), before_publish=lambda ids: None)
    assert any(record.name.startswith("httpx") for record in caplog.records)  # the logs were captured
    assert_no_secret(caplog.text, full_text(caught.value))


def test_secret_in_an_error_body_is_redacted(fake: FakeX, client: x.XClient) -> None:
    # X does not echo credentials, but a proxy's error page might: Api masks them.
    fake.fail_next("POST", fake_x.TWEETS, Reply(400, {"detail": f"bad token {fake_x.ACCESS_TOKEN}"}))
    with pytest.raises(Rejected) as caught:
        client.publish(outgoing(), before_publish=lambda ids: None)
    assert re.search(r"bad token \*\*\*", caught.value.message)
    assert_no_secret(full_text(caught.value))
