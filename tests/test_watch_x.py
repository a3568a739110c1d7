"""The X client's read side (replies and metrics) against the loopback fake of the X API v2."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator

import httpx
import pytest

from postdesk.channels import x
from postdesk.channels.base import Comment, Engagement, OutgoingPost, RetryPolicy
from postdesk.config import ChannelSettings
from postdesk.errors import AuthFailed, ChannelError, NotOffered, RateLimited, Rejected, Unavailable, UsageError
from postdesk.fakes import x as fake_x
from postdesk.fakes.server import Recorded, Reply
from postdesk.fakes.x import FakeX

from .test_channel_x import NOW, Clock

HOUR = 3600.0
DAY = 24 * HOUR
HANDLE = "@MoChildrensDiv"


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def fake(clock: Clock) -> Iterator[FakeX]:
    with FakeX(clock=clock) as server:
        yield server


def client_for(env: dict[str, str], clock: Clock) -> x.XClient:
    policy = RetryPolicy(attempts=3, sleep=clock.sleep, clock=clock)
    client = x.from_env(env, ChannelSettings(handle=HANDLE, max_chars=280), policy=policy)
    assert client is not None
    return client


@pytest.fixture
def client(fake: FakeX, clock: Clock) -> Iterator[x.XClient]:
    with client_for(fake.env(), clock) as made:
        yield made


@pytest.fixture
def post_id(fake: FakeX) -> str:
    """A post the agency made two days ago."""
    return fake.add_post("Bring school supplies to Capitol Plaza on Saturday.", created_at=NOW - 2 * DAY)


def iso(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def signer(fake: FakeX) -> x.Sign:
    """The fake's OAuth 1.0a signer, for requests a test sends itself."""
    env = fake.env()
    return x.oauth1_signer(*(env[name] for name in x.OAUTH1_NAMES))


def searches(fake: FakeX) -> list[Recorded]:
    return fake.requests_to("GET", fake_x.SEARCH)


def full_text(error: ChannelError) -> str:
    return f"{error}\n{error.message}\n{error.hint}\n{error!r}"


def assert_no_secret(*texts: object) -> None:
    for text in texts:
        for secret in FakeX.SECRETS:
            assert secret not in str(text)


# --------------------------------------------------------------------------- replies


def test_every_page_is_read_and_replies_come_oldest_first(fake: FakeX, client: x.XClient, post_id: str) -> None:
    fake.page_size = 2
    made = [fake.add_comment(post_id, f"Reply number {n}", author=f"neighbor_{n}",
                             created_at=NOW - 40 * HOUR + n * HOUR) for n in range(7)]
    found = client.comments(post_id)
    assert [comment.id for comment in found] == made  # X answered newest first
    pages = searches(fake)
    assert len(pages) == 4  # 7 replies and the post itself, 2 per page
    assert "next_token" not in pages[0].query
    assert all(page.query["next_token"][0] for page in pages[1:])
    assert {page.query["query"][0] for page in pages} == {f"conversation_id:{post_id}"}
    assert post_id not in {comment.id for comment in found}  # the post is in X's answer, never a comment


def test_a_comment_has_everything_the_monitor_shows(fake: FakeX, client: x.XClient, post_id: str) -> None:
    reply_id = fake.add_comment(post_id, "@MoChildrensDiv Where do I drop off supplies?", author="jane_doe",
                                name="Jane Doe", created_at=NOW - 3 * HOUR)
    [comment] = client.comments(post_id)
    assert comment == Comment(id=reply_id, channel="x", post_id=post_id,
                              text="@MoChildrensDiv Where do I drop off supplies?",
                              created_at=iso(NOW - 3 * HOUR), url=f"https://x.com/jane_doe/status/{reply_id}",
                              author="@jane_doe", parent_id="")
    [search] = searches(fake)
    assert search.query["tweet.fields"] == [x.REPLY_FIELDS]
    assert search.query["expansions"] == ["author_id"] and search.query["max_results"] == ["100"]
    assert "start_time" not in search.query


def test_replies_to_comments_name_their_parent(fake: FakeX, client: x.XClient, post_id: str) -> None:
    first = fake.add_comment(post_id, "Is this open to everyone?", author="parent_one", created_at=NOW - 5 * HOUR)
    answer = fake.add_comment(post_id, "Yes, everyone is welcome.", author="MoChildrensDiv", parent_id=first,
                              created_at=NOW - 4 * HOUR)
    deeper = fake.add_comment(post_id, "Thank you!", author="parent_one", parent_id=answer, created_at=NOW - 3 * HOUR)
    parents = {comment.id: comment.parent_id for comment in client.comments(post_id)}
    assert parents == {first: "", answer: first, deeper: answer}


def test_no_replies_is_an_empty_list(fake: FakeX, client: x.XClient) -> None:
    quiet = fake.add_post("A post nobody answered", created_at=NOW - DAY)
    fake.delete_post(quiet)  # not even the post itself is found
    with httpx.Client(base_url=fake.url) as plain:
        answer = plain.send(signer(fake)(plain.build_request("GET", fake_x.SEARCH,
                                                              params={"query": f"conversation_id:{quiet}"})))
    assert answer.json() == {"meta": {"result_count": 0}}  # X leaves "data" out
    assert client.comments(quiet) == []


def test_since_becomes_start_time_and_filters_strictly(fake: FakeX, client: x.XClient, post_id: str) -> None:
    older = fake.add_comment(post_id, "Before the last run", created_at=NOW - 3 * HOUR)
    same = fake.add_comment(post_id, "At the moment of the last run", created_at=NOW - 2 * HOUR)
    newer = fake.add_comment(post_id, "After the last run", created_at=NOW - HOUR)
    found = client.comments(post_id, since=iso(NOW - 2 * HOUR))
    assert [comment.id for comment in found] == [newer]
    assert searches(fake)[0].query["start_time"] == [iso(NOW - 2 * HOUR)]
    assert {older, same}.isdisjoint(comment.id for comment in found)


def test_since_filters_client_side_too(fake: FakeX, client: x.XClient, post_id: str) -> None:
    # A proxy (or X) that ignores start_time must not bring old replies back.
    early = {"id": "1800000000000000001", "text": "old", "author_id": "7", "created_at": "2027-01-14T08:00:00.000Z"}
    late = {"id": "1800000000000000002", "text": "new", "author_id": "7", "created_at": "2027-01-15T07:00:00.000Z"}
    fake.fail_next("GET", fake_x.SEARCH, Reply(200, {"data": [late, early], "meta": {"result_count": 2}}))
    found = client.comments(post_id, since="2027-01-15T00:00:00+00:00")
    assert [comment.text for comment in found] == ["new"]
    assert found[0].url == "https://x.com/i/web/status/1800000000000000002"  # X left the author out
    assert found[0].author == ""


def test_since_older_than_the_search_window_asks_for_the_whole_window(fake: FakeX, client: x.XClient) -> None:
    old_post = fake.add_post("A post from last month", created_at=NOW - 30 * DAY)
    fake.add_comment(old_post, "Too old for recent search", created_at=NOW - 8 * DAY)
    recent = fake.add_comment(old_post, "Inside the 7 days", created_at=NOW - 6 * DAY)
    found = client.comments(old_post, since=iso(NOW - 10 * DAY))
    assert [comment.id for comment in found] == [recent]  # X only searches the last 7 days
    assert "start_time" not in searches(fake)[0].query  # the fake answers 400 for a start before the window


def test_a_since_seconds_ago_is_moved_back_as_x_requires(fake: FakeX, client: x.XClient, post_id: str) -> None:
    fake.add_comment(post_id, "Just in", created_at=NOW - 2)
    found = client.comments(post_id, since=iso(NOW - 5))
    assert [comment.text for comment in found] == ["Just in"]
    assert searches(fake)[0].query["start_time"] == [iso(NOW - x.NEWEST_START_SECONDS)]


def test_a_since_that_is_not_a_time_is_a_usage_error(fake: FakeX, client: x.XClient, post_id: str) -> None:
    with pytest.raises(UsageError, match="ISO 8601"):
        client.comments(post_id, since="yesterday")
    assert fake.requests == []


@pytest.mark.parametrize("bad_id", ["", "1850 OR from:someone", "https://x.com/a/status/1", "١٢٣"])
def test_a_post_id_that_is_not_digits_is_refused_unsent(fake: FakeX, client: x.XClient, bad_id: str) -> None:
    with pytest.raises(Rejected, match="not an X post id"):
        client.comments(bad_id)
    with pytest.raises(Rejected, match="not an X post id"):
        client.engagement(bad_id)
    assert fake.requests == []


def test_a_next_token_handed_out_twice_stops_the_loop(fake: FakeX, client: x.XClient, post_id: str) -> None:
    looping = Reply(200, {"meta": {"result_count": 0, "next_token": "same-token"}})
    fake.fail_next("GET", fake_x.SEARCH, looping, times=3)
    with pytest.raises(Unavailable, match="same next_token twice"):
        client.comments(post_id)
    assert len(searches(fake)) == 2


def test_an_answer_that_is_not_json_is_unavailable(fake: FakeX, client: x.XClient, post_id: str) -> None:
    fake.fail_next("GET", fake_x.SEARCH, Reply(200, body=b"<html>portal</html>", headers={"Content-Type": "text/html"}))
    with pytest.raises(Unavailable, match="not a JSON object"):
        client.comments(post_id)


# --------------------------------------------------------------------------- signing reads


def test_reads_are_signed_with_their_query(fake: FakeX, post_id: str) -> None:
    sign = signer(fake)
    params = {"query": f"conversation_id:{post_id}", "max_results": "10", "tweet.fields": "created_at,author_id"}
    with httpx.Client(base_url=fake.url) as plain:
        good = plain.send(sign(plain.build_request("GET", fake_x.SEARCH, params=params)))
        # Signed for one query, sent with another: the fake recomputes the signature from the query it got.
        tampered = sign(plain.build_request("GET", fake_x.SEARCH, params=params))
        tampered.url = tampered.url.copy_merge_params({"max_results": "100"})
        refused = plain.send(tampered)
    assert good.status_code == 200
    assert refused.status_code == 401


def test_oauth2_user_token_reads_too(fake: FakeX, clock: Clock, post_id: str) -> None:
    fake.add_comment(post_id, "Hello", created_at=NOW - HOUR)
    with client_for(fake.env(oauth2=True), clock) as client:
        assert len(client.comments(post_id)) == 1
        assert client.engagement(post_id).comments == 1
    assert {request.headers["authorization"] for request in fake.requests} == {f"Bearer {fake_x.USER_TOKEN}"}


def test_a_read_only_app_can_still_read(fake: FakeX, client: x.XClient, post_id: str) -> None:
    fake.forbid_writes()
    fake.add_comment(post_id, "Still visible", created_at=NOW - HOUR)
    assert [comment.text for comment in client.comments(post_id)] == ["Still visible"]


# --------------------------------------------------------------------------- engagement


def test_engagement_numbers_are_read(fake: FakeX, client: x.XClient, post_id: str) -> None:
    fake.set_metrics(post_id, like_count=41, retweet_count=7, quote_count=2, reply_count=5, impression_count=3120,
                     bookmark_count=4)
    assert client.engagement(post_id) == Engagement(reactions=41, shares=9, comments=5, impressions=3120)
    [lookup] = fake.requests_to("GET", fake_x.LOOKUP)
    assert lookup.path == f"/2/tweets/{post_id}" and lookup.query == {"tweet.fields": ["public_metrics"]}


def test_reply_count_follows_direct_replies(fake: FakeX, client: x.XClient, post_id: str) -> None:
    first = fake.add_comment(post_id, "One", created_at=NOW - HOUR)
    fake.add_comment(post_id, "Reply to one", parent_id=first, created_at=NOW - 0.5 * HOUR)
    assert client.engagement(post_id).comments == 1  # X counts direct replies only


def test_engagement_is_none_where_x_sends_no_number(fake: FakeX, client: x.XClient, post_id: str) -> None:
    fake.set_metrics(post_id, impression_count=None, quote_count=None, retweet_count=3)
    assert client.engagement(post_id) == Engagement(reactions=0, shares=3, comments=0, impressions=None)
    fake.set_metrics(post_id, retweet_count=None, like_count=None, reply_count=None)
    assert client.engagement(post_id) == Engagement()


@pytest.mark.parametrize(("metrics", "expected"), [
    (None, Engagement()),
    ({"like_count": "12", "reply_count": True, "quote_count": 4}, Engagement(shares=4)),
])
def test_engagement_from_ignores_what_is_not_a_count(metrics: object, expected: Engagement) -> None:
    assert x.engagement_from(metrics) == expected


def test_a_deleted_post_is_rejected(fake: FakeX, client: x.XClient, post_id: str) -> None:
    fake.delete_post(post_id)
    with pytest.raises(Rejected) as caught:
        client.engagement(post_id)
    error = caught.value
    assert f"the post {post_id} is no longer on X" in error.message
    assert "Could not find tweet with id" in error.message
    assert "monitor stops reading it" in error.hint and error.channel == "x"
    assert len(fake.requests) == 1  # never retried


def test_a_post_hidden_from_the_account_is_rejected(fake: FakeX, client: x.XClient, post_id: str) -> None:
    hidden = {"errors": [{"title": "Authorization Error", "detail": f"Sorry, you are not authorized to see the Tweet "
                          f"with id: [{post_id}].", "type": "https://api.twitter.com/2/problems/not-authorized-for-"
                          "resource"}]}
    fake.fail_next("GET", fake_x.LOOKUP, Reply(200, hidden))
    with pytest.raises(Rejected, match="does not show the post"):
        client.engagement(post_id)


# --------------------------------------------------------------------------- access levels


def test_search_without_the_access_level_is_not_offered(fake: FakeX, client: x.XClient, post_id: str) -> None:
    fake.search_enrolled = False
    with pytest.raises(NotOffered) as caught:
        client.comments(post_id)
    error = caught.value
    assert not isinstance(error, AuthFailed)
    assert "X's recent search needs a paid API access level; replies on X are not monitored" in error.message
    assert "attached to a Project" in error.message  # X's own words follow
    assert "developer portal" in error.hint and error.status == 403
    assert len(searches(fake)) == 1  # never retried
    assert client.engagement(post_id) == Engagement(0, 0, 0, 0)  # lookup still works


@pytest.mark.parametrize("answer", [fake_x.client_not_enrolled, fake_x.limited_access, fake_x.oauth1_permissions])
def test_every_access_level_answer_is_not_offered(fake: FakeX, client: x.XClient, post_id: str,
                                                   answer: Callable[[], Reply]) -> None:
    fake.fail_next("GET", fake_x.SEARCH, answer())
    with pytest.raises(NotOffered, match="replies on X are not monitored"):
        client.comments(post_id)
    fake.fail_next("GET", fake_x.LOOKUP, answer())
    with pytest.raises(NotOffered, match="post lookup needs a paid API access level; engagement on X is not"):
        client.engagement(post_id)


def test_the_same_answer_on_a_post_is_still_an_auth_failure(fake: FakeX, client: x.XClient) -> None:
    fake.fail_next("POST", fake_x.TWEETS, fake_x.client_not_enrolled())
    with pytest.raises(AuthFailed):
        client.publish(OutgoingPost(item="a", channel="x", text="Hello"), before_publish=lambda ids: None)


def test_no_credits_is_not_offered_with_a_billing_hint(fake: FakeX, client: x.XClient, post_id: str) -> None:
    fake.fail_next("GET", fake_x.SEARCH, fake_x.credits_depleted())
    with pytest.raises(NotOffered) as caught:
        client.comments(post_id)
    assert "payment for recent search" in caught.value.message and "billing" in caught.value.hint
    assert caught.value.status == 402


def test_a_monthly_usage_cap_is_not_offered_not_a_rate_limit(fake: FakeX, client: x.XClient, clock: Clock,
                                                               post_id: str) -> None:
    fake.fail_next("GET", fake_x.SEARCH, fake_x.usage_capped())
    with pytest.raises(NotOffered, match="monthly usage cap"):
        client.comments(post_id)
    assert clock.sleeps == []


@pytest.mark.parametrize(("status", "body", "kind"), [
    (402, b'{"title": "Payment Required"}', NotOffered),
    (403, b'{"errors": [{"message": "You may need a different access level.", "code": 453}]}', NotOffered),
    (403, b'{"title": "Forbidden", "detail": "You are not permitted to perform this action."}', AuthFailed),
    (403, b'{"title": "Forbidden", "detail": "This conversation is not available."}', Rejected),
    (429, b'{"title": "UsageCapExceeded", "type": "https://api.twitter.com/2/problems/usage-capped"}', NotOffered),
    (429, b"", RateLimited),
    (502, b"<html>Bad Gateway</html>", Unavailable),
])
def test_classify_read_reads_x_error_shapes(status: int, body: bytes, kind: type) -> None:
    error = x.classify_read(httpx.Response(status, content=body), clock=lambda: NOW)
    assert type(error) is kind and error.message and error.hint


# --------------------------------------------------------------------------- other errors on reads


def test_a_near_rate_limit_reset_mid_paging_is_waited_out(fake: FakeX, client: x.XClient, clock: Clock,
                                                          post_id: str) -> None:
    fake.page_size = 2
    for n in range(5):
        fake.add_comment(post_id, f"Reply {n}", created_at=NOW - 10 * HOUR + n * HOUR)
    seen: list[Recorded] = []

    def limit_the_second_page(recorded: Recorded) -> None:
        seen.append(recorded)
        if len(seen) == 1:
            fake.rate_limit_next(path=fake_x.SEARCH, reset_in=20)

    fake.after("GET", fake_x.SEARCH, limit_the_second_page)
    found = client.comments(post_id)
    assert len(found) == 5
    assert clock.sleeps == [pytest.approx(20, abs=1)]
    tokens = [request.query.get("next_token", [""])[0] for request in searches(fake)]
    assert len(tokens) == 4 and tokens[1] == tokens[2] != ""  # 3 pages; the refused one asked for again, same token


def test_a_far_rate_limit_reset_is_raised_with_retry_at(fake: FakeX, client: x.XClient, clock: Clock,
                                                        post_id: str) -> None:
    fake.rate_limit_next(path=fake_x.LOOKUP, reset_in=900)
    with pytest.raises(RateLimited) as caught:
        client.engagement(post_id)
    assert caught.value.retry_at == pytest.approx(NOW + 900, abs=1)
    assert "post lookup" in caught.value.message and "next monitor run" in caught.value.hint
    assert clock.sleeps == []


def test_an_expired_token_on_a_read_is_an_auth_failure(fake: FakeX, client: x.XClient, post_id: str) -> None:
    fake.expire_token()
    with pytest.raises(AuthFailed) as caught:
        client.comments(post_id)
    assert caught.value.secrets == x.OAUTH1_NAMES and caught.value.status == 401
    assert len(fake.requests) == 1
    assert_no_secret(full_text(caught.value))


def test_server_errors_on_reads_are_retried(fake: FakeX, client: x.XClient, clock: Clock, post_id: str) -> None:
    fake.server_error_next(status=503, path=fake_x.LOOKUP)
    assert client.engagement(post_id).reactions == 0
    fake.server_error_next(status=500, path=fake_x.SEARCH, times=3)
    with pytest.raises(Unavailable) as caught:
        client.comments(post_id)
    assert not caught.value.maybe_sent and "next monitor run" in caught.value.hint
    assert len(searches(fake)) == 3 and len(clock.sleeps) == 3  # 1 for the lookup, 2 for the search


def test_a_bad_request_on_a_read_is_rejected(fake: FakeX, client: x.XClient, post_id: str) -> None:
    fake.fail_next("GET", fake_x.SEARCH, fake_x.invalid_request("The `query` parameter can not be empty", {}))
    with pytest.raises(Rejected, match="can not be empty") as caught:
        client.comments(post_id)
    assert caught.value.message.startswith("GET /2/tweets/search/recent: ")


def test_the_fake_keeps_x_rules_for_search(fake: FakeX, post_id: str) -> None:
    sign = signer(fake)
    asks = [{"query": f"conversation_id:{post_id}", "max_results": "5"},
            {"query": f"conversation_id:{post_id}", "start_time": iso(NOW - 8 * DAY)},
            {"query": f"conversation_id:{post_id}", "start_time": iso(NOW - 3)},
            {"query": f"conversation_id:{post_id}", "next_token": "made-up"}]
    with httpx.Client(base_url=fake.url) as plain:
        answers = [plain.send(sign(plain.build_request("GET", fake_x.SEARCH, params=ask))) for ask in asks]
    assert [answer.status_code for answer in answers] == [400] * 4
    assert "not between 10 and 100" in answers[0].text and "must be on or after" in answers[1].text
    assert "10 seconds prior" in answers[2].text and "next_token" in answers[3].text


# --------------------------------------------------------------------------- secrets


def test_secrets_never_reach_messages_or_logs(fake: FakeX, client: x.XClient, post_id: str,
                                              caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    fake.add_comment(post_id, "Hello", created_at=NOW - HOUR)
    client.comments(post_id, since=iso(NOW - DAY))
    client.engagement(post_id)
    errors: list[ChannelError] = []
    fake.search_enrolled = False
    fake.fail_next("GET", fake_x.LOOKUP, Reply(400, {"detail": f"bad token {fake_x.ACCESS_TOKEN}"}))
    for call in (lambda: client.comments(post_id), lambda: client.engagement(post_id)):
        with pytest.raises(ChannelError) as caught:
            call()
        errors.append(caught.value)
    fake.expire_token()
    with pytest.raises(AuthFailed) as caught:
        client.engagement(post_id)
    errors.append(caught.value)
    assert any(record.name.startswith("httpx") for record in caplog.records)  # the logs were captured
    assert "bad token ***" in errors[1].message
    assert_no_secret(caplog.text, repr(client), *(full_text(error) for error in errors))
