"""Reading a LinkedIn organization post's comments and engagement against the loopback fake."""

from __future__ import annotations

import datetime as dt
import logging
from urllib.parse import quote

import httpx
import pytest

from postdesk.channels import linkedin
from postdesk.channels.base import Comment, Engagement, OutgoingPost, RetryPolicy
from postdesk.config import ChannelSettings
from postdesk.errors import (
    AuthFailed,
    NotOffered,
    OutdatedVersion,
    RateLimited,
    Rejected,
    Unavailable,
    UsageError,
)
from postdesk.fakes.linkedin import FakeLinkedIn
from postdesk.fakes.server import Reply

NOW = 1_800_000_000.0
SETTINGS = ChannelSettings(api_version="202610")
COMMENTS = r"/rest/socialActions/[^/]+/comments"
SOCIAL = r"/rest/socialActions/[^/]+"
STATISTICS = r"/rest/organizationalEntityShareStatistics"


@pytest.fixture
def fake():
    with FakeLinkedIn() as server:
        yield server


@pytest.fixture
def sleeps():
    return []


@pytest.fixture
def client(fake, sleeps):
    policy = RetryPolicy(sleep=sleeps.append, clock=lambda: NOW)
    with linkedin.from_env(fake.env(), SETTINGS, policy=policy) as made:
        yield made


@pytest.fixture
def post_urn(fake, client):
    """A post the client made, as the ledger records it; the fake forgets the posting request."""
    published = client.publish(OutgoingPost(item="2030-07-20-backpacks", channel="linkedin",
                                            text="Bring school supplies to Capitol Plaza."),
                               before_publish=lambda ids: None)
    fake.requests.clear()
    return published.post_id


def at(minute: int, second: int = 0) -> str:
    return f"2030-07-22T15:{minute:02d}:{second:02d}Z"


def millis(iso: str) -> int:
    return int(dt.datetime.fromisoformat(iso).timestamp() * 1000)


def encoded(urn: str) -> str:
    return quote(urn, safe="")


# ---------------------------------------------------------------------- comments

def test_every_page_is_read_and_comments_come_oldest_first(fake, client, post_urn):
    fake.page_size = 2
    for minute in (5, 1, 7, 3, 2, 6, 4):
        fake.add_comment(post_urn, f"comment at minute {minute}", created_at=at(minute))

    comments = client.comments(post_urn)

    assert [c.text for c in comments] == [f"comment at minute {m}" for m in range(1, 8)]
    assert [c.created_at for c in comments] == [at(m) for m in range(1, 8)]
    requests = fake.requests_to("GET", COMMENTS)
    assert [r.param("start") for r in requests] == ["0", "2", "4", "6"]
    for request in requests:
        assert request.path == f"/rest/socialActions/{encoded(post_urn)}/comments"
        assert request.param("count") == "100"
        assert request.headers["authorization"] == f"Bearer {fake.token}"
        assert request.headers["linkedin-version"] == "202610"
        assert request.headers["x-restli-protocol-version"] == "2.0.0"


def test_a_comment_has_its_urn_actor_link_and_utc_time(fake, client, post_urn):
    urn = fake.add_comment(post_urn, "Where do I drop off backpacks?", author="urn:li:person:a1B2c3",
                           created_at="2030-07-22T10:04:05.250-05:00")

    [comment] = client.comments(post_urn)

    assert comment == Comment(id=urn, channel="linkedin", post_id=post_urn, text="Where do I drop off backpacks?",
                              created_at="2030-07-22T15:04:05Z",
                              url=f"https://www.linkedin.com/feed/update/{post_urn}?commentUrn={encoded(urn)}",
                              author="urn:li:person:a1B2c3", parent_id="")
    assert urn == f"urn:li:comment:({post_urn},{urn.rsplit(',', 1)[1][:-1]})"


def test_replies_are_fetched_for_comments_that_have_them(fake, client, post_urn):
    fake.page_size = 2
    question = fake.add_comment(post_urn, "Is there parking?", created_at=at(1))
    quiet = fake.add_comment(post_urn, "Great cause", created_at=at(2), author="urn:li:organization:99")
    fake.add_comment(post_urn, "Yes, behind the library.", created_at=at(3), parent_id=question,
                     author=fake.author)
    fake.add_comment(post_urn, "Thanks!", created_at=at(4), parent_id=question)
    fake.add_comment(post_urn, "And after 5?", created_at=at(5), parent_id=question)

    comments = client.comments(post_urn)

    assert [(c.text, c.parent_id) for c in comments] == [
        ("Is there parking?", ""), ("Great cause", ""), ("Yes, behind the library.", question),
        ("Thanks!", question), ("And after 5?", question)]
    assert comments[2].author == fake.author
    assert comments[2].url == (f"https://www.linkedin.com/feed/update/{post_urn}?commentUrn={encoded(question)}"
                               f"&replyUrn={encoded(comments[2].id)}")
    paths = [r.path for r in fake.requests_to("GET", COMMENTS)]
    assert paths.count(f"/rest/socialActions/{encoded(question)}/comments") == 2  # three replies, two pages
    assert f"/rest/socialActions/{encoded(quiet)}/comments" not in paths  # its summary counts no replies


def test_replies_are_asked_for_when_a_comment_does_not_say_how_many(fake, client, post_urn):
    question = fake.add_comment(post_urn, "Is there parking?", created_at=at(1))
    reply = fake.add_comment(post_urn, "Yes.", created_at=at(2), parent_id=question)
    top = {"id": "1", "commentUrn": question, "actor": "urn:li:person:x", "message": {"text": "Is there parking?"},
           "created": {"time": millis(at(1))}}
    fake.fail_next("GET", rf"/rest/socialActions/{encoded(post_urn)}/comments",
                   Reply(200, {"elements": [top], "paging": {"start": 0, "count": 100, "total": 1}}))

    comments = client.comments(post_urn)

    assert [(c.id, c.parent_id) for c in comments] == [(question, ""), (reply, question)]


def test_a_comment_deleted_before_its_replies_were_read_keeps_the_rest(fake, client, post_urn):
    question = fake.add_comment(post_urn, "Is there parking?", created_at=at(1))
    fake.add_comment(post_urn, "Yes.", created_at=at(2), parent_id=question)
    fake.add_comment(post_urn, "Great cause", created_at=at(3))
    fake.fail_next("GET", rf"/rest/socialActions/{encoded(question)}/comments",
                   Reply(404, {"status": 404, "message": "Not Found", "code": "NOT_FOUND"}))

    assert [c.text for c in client.comments(post_urn)] == ["Is there parking?", "Great cause"]


def test_no_comments_is_an_empty_list(fake, client, post_urn):
    assert client.comments(post_urn) == []
    assert len(fake.requests) == 1


def test_since_is_applied_here_and_counts_the_same_second(fake, client, post_urn):
    fake.page_size = 3
    question = fake.add_comment(post_urn, "old question", created_at=at(1))
    fake.add_comment(post_urn, "old", created_at=at(2))
    fake.add_comment(post_urn, "exactly then", created_at=at(4))
    fake.add_comment(post_urn, "new reply to an old comment", created_at=at(9), parent_id=question)
    fake.add_comment(post_urn, "new", created_at=at(8))

    comments = client.comments(post_urn, since="2030-07-22T10:04:00-05:00")

    assert [(c.text, c.parent_id) for c in comments] == [
        ("exactly then", ""), ("new", ""), ("new reply to an old comment", question)]
    assert all("since" not in r.query for r in fake.requests)  # the API has no such filter


def test_a_since_that_is_not_a_time_is_refused_before_any_request(fake, client, post_urn):
    with pytest.raises(UsageError) as caught:
        client.comments(post_urn, since="last Tuesday")

    assert "must be an ISO 8601 time" in caught.value.message
    assert fake.requests == []


@pytest.mark.parametrize("ledger_id", ["agency_backpacks-activity-7000-abcd", "7000000000000000001", ""])
def test_a_post_id_that_is_not_a_urn_is_rejected_before_any_request(fake, client, ledger_id):
    with pytest.raises(Rejected) as caught:
        client.engagement(ledger_id)

    assert "is not a post URN" in caught.value.message
    assert "urn:li:share:" in caught.value.hint
    assert fake.requests == []


def test_an_answer_without_elements_is_unavailable(fake, client, post_urn):
    fake.fail_next("GET", COMMENTS, Reply(200, {"paging": {}}))

    with pytest.raises(Unavailable) as caught:
        client.comments(post_urn)

    assert "'elements'" in caught.value.message


def test_paging_without_a_total_stops_at_a_short_page(fake, client, post_urn):
    element = {"commentUrn": f"urn:li:comment:({post_urn},1)", "actor": "urn:li:person:x",
               "message": {"text": "hi"}, "created": {"time": millis(at(1))},
               "commentsSummary": {"aggregatedTotalComments": 0}}
    fake.fail_next("GET", COMMENTS, Reply(200, {"elements": [element], "paging": {"start": 0, "count": 100}}))

    [comment] = client.comments(post_urn)

    assert comment.text == "hi"
    assert len(fake.requests) == 1


# ---------------------------------------------------------------------- engagement

def test_engagement_reads_likes_comments_shares_and_impressions(fake, client, post_urn):
    fake.set_engagement(post_urn, likes=41, shares=7, impressions=1_250)
    first = fake.add_comment(post_urn, "one", created_at=at(1))
    fake.add_comment(post_urn, "two", created_at=at(2))
    fake.add_comment(post_urn, "a reply", created_at=at(3), parent_id=first)

    numbers = client.engagement(post_urn)

    assert numbers == Engagement(reactions=41, shares=7, comments=3, impressions=1_250)
    social, statistics = fake.requests
    assert social.path == f"/rest/socialActions/{encoded(post_urn)}"
    assert statistics.path == "/rest/organizationalEntityShareStatistics"
    assert statistics.query == {"q": ["organizationalEntity"], "organizationalEntity": [fake.author],
                                "shares": [f"List({post_urn})"]}
    assert all(r.headers["authorization"] == f"Bearer {fake.token}" for r in fake.requests)


def test_a_ugc_post_is_asked_for_as_ugc_posts(fake, client):
    urn = fake.add_post(kind="ugcPost")
    fake.set_engagement(urn, likes=2, shares=1, impressions=30)

    assert client.engagement(urn) == Engagement(reactions=2, shares=1, comments=0, impressions=30)
    assert fake.requests[1].param("ugcPosts") == f"List({urn})"


def test_refused_statistics_leave_shares_and_impressions_empty(fake, client, post_urn):
    fake.set_engagement(post_urn, likes=5, shares=2, impressions=80)
    fake.refuse_statistics()

    assert client.engagement(post_urn) == Engagement(reactions=5, shares=None, comments=0, impressions=None)
    assert len(fake.requests_to("GET", STATISTICS)) == 1  # a 403 is not retried


def test_a_post_the_statistics_do_not_know_has_no_shares_or_impressions(fake, client, post_urn):
    fake.fail_next("GET", STATISTICS, Reply(200, {"elements": [], "paging": {"start": 0, "count": 10}}))
    fake.fail_next("GET", SOCIAL, Reply(200, {"likesSummary": {}}))

    assert client.engagement(post_urn) == Engagement()


def test_other_urns_get_no_statistics_call(fake, client):
    urn = "urn:li:activity:7000000000000000009"
    fake.fail_next("GET", SOCIAL, Reply(200, {"likesSummary": {"totalLikes": 4},
                                              "commentsSummary": {"aggregatedTotalComments": 1}}))

    assert client.engagement(urn) == Engagement(reactions=4, comments=1)
    assert fake.requests_to("GET", STATISTICS) == []


def test_a_server_error_on_the_statistics_is_not_taken_for_a_missing_number(fake, client, post_urn, sleeps):
    fake.server_error_next(status=500, on="statistics", times=3)

    with pytest.raises(Unavailable) as caught:
        client.engagement(post_urn)

    assert caught.value.maybe_sent is False
    assert sleeps == [2.0, 4.0]


# ---------------------------------------------------------------------- errors while reading

@pytest.mark.parametrize("read", ["comments", "engagement"])
def test_a_deleted_post_is_rejected_so_the_monitor_skips_it(fake, client, post_urn, read):
    fake.delete_post(post_urn)

    with pytest.raises(Rejected) as caught:
        getattr(client, read)(post_urn)

    error = caught.value
    assert type(error) is Rejected
    assert f"no longer has the post {post_urn}: it was deleted" in error.message
    assert "monitor skips it" in error.hint
    assert (error.channel, error.status) == ("linkedin", 404)
    assert len(fake.requests) == 1  # never retried


def test_a_throttle_on_a_later_page_is_waited_out_and_nothing_is_lost(fake, client, post_urn, sleeps):
    fake.page_size = 2
    for minute in range(1, 6):
        fake.add_comment(post_urn, f"minute {minute}", created_at=at(minute))
    fake.after("GET", COMMENTS, lambda request: fake.rate_limit_next(retry_after=30, on="comments")
               if len(fake.requests) == 1 else None)

    comments = client.comments(post_urn)

    assert [c.text for c in comments] == [f"minute {m}" for m in range(1, 6)]
    assert sleeps == [30.0]
    assert [r.param("start") for r in fake.requests] == ["0", "2", "2", "4"]


def test_a_throttle_without_retry_after_is_raised_for_the_next_run(fake, client, post_urn, sleeps):
    fake.rate_limit_next(retry_after=None, on="read")

    with pytest.raises(RateLimited) as caught:
        client.comments(post_urn)

    assert caught.value.retry_at == NOW + linkedin.DEFAULT_THROTTLE_WAIT
    assert "monitor reads it again" in caught.value.hint
    assert sleeps == []


def test_an_expired_token_names_the_secret_to_renew(fake, client, post_urn):
    fake.expire_token()

    with pytest.raises(AuthFailed) as caught:
        client.engagement(post_urn)

    assert caught.value.secrets == ("LINKEDIN_ACCESS_TOKEN",)
    assert "r_organization_social" in caught.value.hint


def test_a_token_that_may_not_read_names_r_organization_social(fake, client, post_urn):
    fake.revoke_permission()

    with pytest.raises(AuthFailed) as caught:
        client.comments(post_urn)

    assert "read the organization's comments" in caught.value.message
    assert "r_organization_social" in caught.value.hint


def test_a_retired_version_is_outdated_while_reading_too(fake, client, post_urn):
    fake.retire_version("202610")

    with pytest.raises(OutdatedVersion):
        client.comments(post_urn)


def test_a_server_error_is_retried_then_read(fake, client, post_urn, sleeps):
    fake.add_comment(post_urn, "Hello", created_at=at(1))
    fake.server_error_next(status=502, on="comments")

    assert [c.text for c in client.comments(post_urn)] == ["Hello"]
    assert sleeps == [2.0]


def test_no_secret_in_logs_or_errors(fake, client, post_urn, caplog):
    caplog.set_level(logging.DEBUG, logger="httpx")
    caplog.set_level(logging.DEBUG, logger="httpcore")
    fake.page_size = 1
    question = fake.add_comment(post_urn, "Question", created_at=at(1))
    fake.add_comment(post_urn, "Answer", created_at=at(2), parent_id=question)
    client.comments(post_urn)
    client.engagement(post_urn)
    fake.reject_next(f"Invalid token {fake.token}", on="read")
    with pytest.raises(Rejected) as refused:
        client.comments(post_urn)
    fake.expire_token()
    with pytest.raises(AuthFailed) as expired:
        client.engagement(post_urn)

    assert "HTTP Request: GET" in caplog.text  # the loggers were heard
    assert fake.token not in caplog.text
    for error in (refused.value, expired.value):
        assert fake.token not in repr(error) + str(error) + error.hint
    assert "Invalid token ***" in refused.value.message
    assert fake.token not in repr(client)


# ---------------------------------------------------------------------- pure functions

def test_share_statistics_url_keeps_restli_list_syntax():
    assert linkedin.share_statistics_url("urn:li:organization:5", "urn:li:share:7") == (
        "/rest/organizationalEntityShareStatistics?q=organizationalEntity"
        "&organizationalEntity=urn%3Ali%3Aorganization%3A5&shares=List(urn%3Ali%3Ashare%3A7)")
    assert linkedin.share_statistics_url("urn:li:organization:5", "urn:li:ugcPost:8").endswith(
        "&ugcPosts=List(urn%3Ali%3AugcPost%3A8)")
    assert linkedin.share_statistics_url("urn:li:organization:5", "urn:li:activity:9") is None


class RawPaths(httpx.HTTPTransport):
    """A real transport that notes each request's path and query exactly as they go on the wire."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(request.url.raw_path.decode())
        return super().handle_request(request)


def test_the_statistics_request_reaches_the_wire_unescaped(fake, post_urn):
    wire = RawPaths()
    with linkedin.from_env(fake.env(), SETTINGS, policy=RetryPolicy(), transport=wire) as client:
        client.engagement(post_urn)

    assert wire.sent[1] == ("/rest/organizationalEntityShareStatistics?q=organizationalEntity&organizationalEntity="
                            f"{encoded(fake.author)}&shares=List({encoded(post_urn)})")


def test_comment_url():
    post, comment, reply = "urn:li:share:1", "urn:li:comment:(urn:li:share:1,2)", "urn:li:comment:(urn:li:share:1,3)"
    assert linkedin.comment_url(post, comment) == \
        "https://www.linkedin.com/feed/update/urn:li:share:1?commentUrn=urn%3Ali%3Acomment%3A%28urn%3Ali%3Ashare%3A1%2C2%29"
    assert linkedin.comment_url(post, reply, comment).endswith(
        "?commentUrn=urn%3Ali%3Acomment%3A%28urn%3Ali%3Ashare%3A1%2C2%29"
        "&replyUrn=urn%3Ali%3Acomment%3A%28urn%3Ali%3Ashare%3A1%2C3%29")


def linkedin_answer(method: str, path: str, status: int) -> httpx.Response:
    return httpx.Response(status, json={"status": status, "message": "words", "serviceErrorCode": 100},
                          request=httpx.Request(method, f"https://api.linkedin.com{path}"))


@pytest.mark.parametrize(("method", "path", "status", "expected", "words"), [
    ("GET", "/rest/socialActions/urn%3Ali%3Ashare%3A1", 404, Rejected, "no longer has the post urn:li:share:1"),
    ("GET", "/rest/socialActions/urn%3Ali%3Acomment%3A%28urn%3Ali%3Ashare%3A1%2C2%29/comments", 404, Rejected,
     "no longer has the comment urn:li:comment:(urn:li:share:1,2)"),
    ("POST", "/rest/posts", 404, Rejected, "refused the request"),
    ("GET", "/rest/organizationalEntityShareStatistics", 403, NotOffered, "share statistics"),
    ("GET", "/rest/socialActions/urn%3Ali%3Ashare%3A1/comments", 403, AuthFailed, "read the organization's"),
    ("POST", "/rest/posts", 403, AuthFailed, "post for the organization"),
    ("GET", "/rest/socialActions/urn%3Ali%3Ashare%3A1", 429, RateLimited, "limiting"),
])
def test_classify_reads_the_request_an_answer_belongs_to(method, path, status, expected, words):
    error = linkedin.classify(linkedin_answer(method, path, status), clock=lambda: NOW)
    assert type(error) is expected
    assert words in error.message
