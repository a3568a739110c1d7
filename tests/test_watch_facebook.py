"""Reading a Facebook Page post's comments and engagement against the loopback Graph fake."""

from __future__ import annotations

import datetime as dt
import logging
import re

import httpx
import pytest

from postdesk.channels import facebook
from postdesk.channels.base import Comment, Engagement, OutgoingPost, RetryPolicy
from postdesk.config import ChannelSettings
from postdesk.errors import AuthFailed, NotOffered, RateLimited, Rejected, Unavailable, UsageError
from postdesk.fakes.facebook import FakeFacebook
from postdesk.fakes.server import Reply

NOW = 1_800_000_000.0
SETTINGS = ChannelSettings(api_version="v24.0")
COMMENTS = r"/v24\.0/[^/]+/comments"
NODE = r"/v24\.0/[^/]+"
INSIGHTS = r"/v24\.0/[^/]+/insights"


@pytest.fixture
def fake():
    with FakeFacebook() as server:
        yield server


@pytest.fixture
def sleeps():
    return []


@pytest.fixture
def client(fake, sleeps):
    policy = RetryPolicy(sleep=sleeps.append, clock=lambda: NOW)
    with facebook.from_env(fake.env(), SETTINGS, policy=policy) as made:
        yield made


@pytest.fixture
def post_id(fake, client):
    """A post the client made, as the ledger records it; the fake forgets the posting request."""
    published = client.publish(OutgoingPost(item="2030-07-20-backpacks", channel="facebook",
                                            text="Bring school supplies to Capitol Plaza."),
                               before_publish=lambda ids: None)
    fake.requests.clear()
    return published.post_id


def at(minute: int, second: int = 0) -> str:
    return f"2030-07-22T15:{minute:02d}:{second:02d}Z"


# ---------------------------------------------------------------------- comments

def test_every_page_is_followed_by_its_cursor_and_comments_come_oldest_first(fake, client, post_id):
    fake.page_size = 2
    for minute in (5, 1, 7, 3, 2, 6, 4):  # added out of order: the fake sorts like Graph, the client checks
        fake.add_comment(post_id, f"comment at minute {minute}", created_at=at(minute))

    comments = client.comments(post_id)

    assert [c.text for c in comments] == [f"comment at minute {m}" for m in range(1, 8)]
    assert [c.created_at for c in comments] == [at(m) for m in range(1, 8)]
    requests = fake.requests_to("GET", COMMENTS)
    assert len(requests) == 4
    for request in requests:
        assert request.path == f"/v24.0/{post_id}/comments"
        assert {key: request.param(key) for key in ("filter", "order", "fields", "limit")} == {
            "filter": "stream", "order": "chronological", "fields": facebook.COMMENT_FIELDS, "limit": "100"}
        assert request.headers["authorization"] == f"Bearer {fake.token}"
        assert "access_token" not in request.query
    assert "after" not in requests[0].query
    assert len({r.param("after") for r in requests[1:]}) == 3


def test_a_comment_has_its_id_author_link_and_utc_time(fake, client, post_id):
    comment_id = fake.add_comment(post_id, "Where do I drop off backpacks?", author="Dana Whitfield",
                                  created_at="2030-07-22T10:04:05-05:00")

    [comment] = client.comments(post_id)

    page, _, story = post_id.partition("_")
    assert comment == Comment(id=comment_id, channel="facebook", post_id=post_id,
                              text="Where do I drop off backpacks?", created_at="2030-07-22T15:04:05Z",
                              url=f"https://www.facebook.com/{page}/posts/{story}/?comment_id="
                                  f"{comment_id.split('_')[1]}",
                              author="Dana Whitfield", parent_id="")


def test_a_comment_without_author_or_permalink_still_has_a_link(fake, client, post_id):
    comment_id = fake.add_comment(post_id, "Thank you!", author=None, permalink=False)

    [comment] = client.comments(post_id)

    assert comment.author == ""
    assert comment.url == f"https://www.facebook.com/{comment_id}"


def test_replies_name_the_comment_they_answer(fake, client, post_id):
    fake.page_size = 2
    question = fake.add_comment(post_id, "Is there parking?", created_at=at(1))
    fake.add_comment(post_id, "Great cause", created_at=at(2))
    answer = fake.add_comment(post_id, "Yes, behind the library.", created_at=at(3), parent_id=question)
    fake.add_comment(post_id, "Thanks!", created_at=at(4), parent_id=question)

    comments = client.comments(post_id)

    assert [(c.text, c.parent_id) for c in comments] == [
        ("Is there parking?", ""), ("Great cause", ""), ("Yes, behind the library.", question), ("Thanks!", question)]
    assert comments[2].id == answer


def test_comments_facebook_shows_as_hidden_are_left_out(fake, client, post_id):
    fake.add_comment(post_id, "Visible", created_at=at(1))
    fake.add_comment(post_id, "Hidden by the Page", created_at=at(2), hidden=True)

    assert [c.text for c in client.comments(post_id)] == ["Visible"]


def test_no_comments_is_an_empty_list(fake, client, post_id):
    assert client.comments(post_id) == []
    assert len(fake.requests) == 1


def test_since_is_sent_to_graph_and_counts_the_same_second(fake, client, post_id):
    fake.page_size = 2
    for minute in range(1, 8):
        fake.add_comment(post_id, f"minute {minute}", created_at=at(minute))

    comments = client.comments(post_id, since=at(4))

    assert [c.text for c in comments] == ["minute 4", "minute 5", "minute 6", "minute 7"]
    requests = fake.requests_to("GET", COMMENTS)
    assert len(requests) == 2  # Graph filtered: two pages instead of four
    assert {r.param("since") for r in requests} == {str(int(dt.datetime.fromisoformat(at(4)).timestamp()))}


def test_since_is_applied_by_the_client_when_graph_ignores_it(fake, client, post_id):
    fake.page_size = 3
    fake.honours_since = False
    question = fake.add_comment(post_id, "old question", created_at=at(1))
    fake.add_comment(post_id, "old", created_at=at(2))
    fake.add_comment(post_id, "new reply to an old comment", created_at=at(9), parent_id=question)
    fake.add_comment(post_id, "new", created_at=at(8))

    comments = client.comments(post_id, since="2030-07-22T10:05:00-05:00")

    assert [(c.text, c.parent_id) for c in comments] == [("new", ""), ("new reply to an old comment", question)]


def test_a_since_that_is_not_a_time_is_refused_before_any_request(fake, client, post_id):
    with pytest.raises(UsageError) as caught:
        client.comments(post_id, since="yesterday")

    assert "must be an ISO 8601 time" in caught.value.message and "'yesterday'" in caught.value.message
    assert "2030-07-22T15:04:05Z" in caught.value.message and caught.value.hint
    assert fake.requests == []


def test_a_bare_post_id_is_read_as_a_post_of_the_configured_page(fake, client, post_id):
    story = post_id.partition("_")[2]
    fake.add_comment(post_id, "Hello", created_at=at(1))

    [comment] = client.comments(story)

    assert comment.post_id == story  # the ledger's id, as given
    assert fake.requests[0].path == f"/v24.0/{post_id}/comments"


@pytest.mark.parametrize("ledger_id", ["pfbid02Xk7aBcD", "permalink.php?story_fbid=1&id=2", ""])
def test_a_post_id_graph_cannot_look_up_is_rejected_before_any_request(fake, client, ledger_id):
    with pytest.raises(Rejected) as caught:
        client.comments(ledger_id)

    assert "not an id Graph can look up" in caught.value.message
    assert "{page-id}_{post-id}" in caught.value.hint
    assert fake.requests == []


def test_comments_without_ids_mean_the_token_cannot_moderate(fake, client, post_id):
    anonymous = {"message": "hi", "created_time": "2030-07-22T15:04:05+0000"}
    fake.fail_next("GET", COMMENTS, Reply(200, {"data": [anonymous]}))

    with pytest.raises(AuthFailed) as caught:
        client.comments(post_id)

    assert caught.value.secrets == ("FACEBOOK_PAGE_TOKEN",)
    assert "moderate" in caught.value.message


def test_paging_that_comes_back_to_a_page_already_read_stops(fake, client, post_id):
    looping = {"data": [], "paging": {"cursors": {"before": "QQ==", "after": "QUFB"},
                                      "next": "https://graph.facebook.com/v24.0/x/comments?after=QUFB"}}
    fake.fail_next("GET", COMMENTS, Reply(200, looping), times=2)

    with pytest.raises(Unavailable) as caught:
        client.comments(post_id)

    assert "page already read" in caught.value.message
    assert len(fake.requests) == 2


def test_an_answer_without_data_is_unavailable(fake, client, post_id):
    fake.fail_next("GET", COMMENTS, Reply(200, {"paging": {}}))

    with pytest.raises(Unavailable) as caught:
        client.comments(post_id)

    assert "'data'" in caught.value.message


# ---------------------------------------------------------------------- engagement

def test_engagement_reads_reactions_shares_comments_and_impressions(fake, client, post_id):
    fake.set_engagement(post_id, reactions=41, shares=7, impressions=1_250)
    first = fake.add_comment(post_id, "one", created_at=at(1))
    fake.add_comment(post_id, "two", created_at=at(2))
    fake.add_comment(post_id, "a reply", created_at=at(3), parent_id=first)

    numbers = client.engagement(post_id)

    assert numbers == Engagement(reactions=41, shares=7, comments=2, impressions=1_250)
    node, insights = fake.requests
    assert node.path == f"/v24.0/{post_id}"
    assert node.param("fields") == facebook.ENGAGEMENT_FIELDS
    assert insights.path == f"/v24.0/{post_id}/insights"
    assert insights.param("metric") == "post_impressions"


def test_shares_graph_leaves_out_are_none_shared(fake, client, post_id):
    assert client.engagement(post_id) == Engagement(reactions=0, shares=0, comments=0, impressions=None)


def test_numbers_graph_leaves_out_are_none(fake, client, post_id):
    fake.fail_next("GET", NODE, Reply(200, {"id": post_id}))
    fake.set_engagement(post_id, impressions=90)

    assert client.engagement(post_id) == Engagement(reactions=None, shares=0, comments=None, impressions=90)


@pytest.mark.parametrize(("status", "code", "message"), [
    (403, 10, "(#10) Application does not have permission for this action"),
    (403, 200, "(#200) Requires read_insights permission"),
    (400, 100, "(#100) The value must be a valid insights metric"),
])
def test_insights_graph_will_not_give_leave_impressions_empty(fake, client, post_id, status, code, message):
    fake.set_engagement(post_id, reactions=3, shares=1, impressions=500)
    fake.reject_next(message, code=code, status=status, on="insights")

    assert client.engagement(post_id) == Engagement(reactions=3, shares=1, comments=0, impressions=None)
    assert len(fake.requests_to("GET", INSIGHTS)) == 1


def test_refused_insights_from_the_fake(fake, client, post_id):
    fake.set_engagement(post_id, reactions=3, impressions=500)
    fake.refuse_insights()

    assert client.engagement(post_id).impressions is None


def test_a_server_error_on_insights_is_not_taken_for_a_missing_number(fake, client, post_id, sleeps):
    fake.server_error_next(status=500, on="insights", times=3)

    with pytest.raises(Unavailable) as caught:
        client.engagement(post_id)

    assert caught.value.maybe_sent is False
    assert sleeps == [2.0, 4.0]


# ---------------------------------------------------------------------- errors while reading

@pytest.mark.parametrize("read", ["comments", "engagement"])
def test_a_deleted_post_is_rejected_so_the_monitor_skips_it(fake, client, post_id, read):
    fake.delete_post(post_id)

    with pytest.raises(Rejected) as caught:
        getattr(client, read)(post_id)

    error = caught.value
    assert type(error) is Rejected
    assert "no longer on Facebook" in error.message
    assert f"Object with ID '{post_id}' does not exist" in error.message
    assert "subcode 33" in error.message
    assert "monitor skips it" in error.hint
    assert (error.channel, error.status) == ("facebook", 400)
    assert len(fake.requests) == 1  # never retried


def test_a_throttle_on_a_later_page_is_waited_out_and_nothing_is_lost(fake, client, post_id, sleeps):
    fake.page_size = 2
    for minute in range(1, 6):
        fake.add_comment(post_id, f"minute {minute}", created_at=at(minute))
    fake.after("GET", COMMENTS, lambda request: fake.rate_limit_next(minutes=1, on="comments")
               if len(fake.requests) == 1 else None)

    comments = client.comments(post_id)

    assert [c.text for c in comments] == [f"minute {m}" for m in range(1, 6)]
    assert sleeps == [60.0]
    assert len(fake.requests) == 4  # three pages and the throttled attempt


def test_a_throttle_that_lifts_later_is_raised_for_the_next_run(fake, client, post_id, sleeps):
    fake.rate_limit_next(minutes=45, code=4, on="read")

    with pytest.raises(RateLimited) as caught:
        client.comments(post_id)

    assert caught.value.retry_at == NOW + 45 * 60
    assert "monitor reads it again" in caught.value.hint
    assert sleeps == []


def test_an_expired_token_names_the_secret_to_renew(fake, client, post_id):
    fake.expire_token()

    with pytest.raises(AuthFailed) as caught:
        client.engagement(post_id)

    assert caught.value.secrets == ("FACEBOOK_PAGE_TOKEN",)
    assert "expired" in caught.value.message


def test_a_missing_read_permission_names_the_read_permissions(fake, client, post_id):
    fake.revoke_permission()

    with pytest.raises(AuthFailed) as caught:
        client.comments(post_id)

    assert "may not read" in caught.value.message
    assert "pages_read_user_content" in caught.value.hint
    assert "pages_read_engagement" in caught.value.hint


def test_a_server_error_is_retried_then_read(fake, client, post_id, sleeps):
    fake.add_comment(post_id, "Hello", created_at=at(1))
    fake.server_error_next(status=500, on="comments")

    assert [c.text for c in client.comments(post_id)] == ["Hello"]
    assert sleeps == [2.0]


def test_a_lasting_server_error_is_unavailable(fake, client, post_id, sleeps):
    fake.server_error_next(status=503, on="comments", times=3)

    with pytest.raises(Unavailable) as caught:
        client.comments(post_id)

    assert caught.value.maybe_sent is False
    assert len(fake.requests) == 3


def test_no_secret_in_requests_logs_or_errors(fake, client, post_id, caplog):
    caplog.set_level(logging.DEBUG, logger="httpx")
    caplog.set_level(logging.DEBUG, logger="httpcore")
    fake.page_size = 1
    for minute in range(1, 4):
        fake.add_comment(post_id, f"minute {minute}", created_at=at(minute))
    client.comments(post_id)
    client.engagement(post_id)
    fake.reject_next(f"(#100) Malformed access token {fake.token}", on="read")
    with pytest.raises(Rejected) as refused:
        client.comments(post_id)
    fake.expire_token()
    with pytest.raises(AuthFailed) as expired:
        client.comments(post_id)

    assert "HTTP Request: GET" in caplog.text  # the loggers were heard
    assert fake.token not in caplog.text
    assert "graph.facebook.com" not in caplog.text  # the absolute `next` URLs were never followed
    for error in (refused.value, expired.value):
        assert fake.token not in repr(error) + str(error) + error.hint
    assert "Malformed access token ***" in refused.value.message
    assert all(r.path.startswith("/v24.0/") and "access_token" not in r.query for r in fake.requests)


# ---------------------------------------------------------------------- pure functions

@pytest.mark.parametrize(("graph", "iso"), [
    ("2030-07-22T15:04:05+0000", "2030-07-22T15:04:05Z"),
    ("2030-07-22T17:04:05+0200", "2030-07-22T15:04:05Z"),
    ("2030-07-22", ""),
    ("", ""),
])
def test_graph_time(graph, iso):
    assert facebook.graph_time(graph) == iso


@pytest.mark.parametrize(("ledger_id", "node"), [
    ("104857600123456_987", "104857600123456_987"),
    ("987", "1_987"),
    (" 987 ", "1_987"),
    ("pfbid02Xk7aBcD", None),
    ("1_2_3", None),
])
def test_post_node(ledger_id, node):
    assert facebook.post_node(ledger_id, "1") == node


def test_comment_url():
    assert facebook.comment_url("987_654", "https://www.facebook.com/1/posts/987/?comment_id=654") == \
        "https://www.facebook.com/1/posts/987/?comment_id=654"
    assert facebook.comment_url("987_654", "") == "https://www.facebook.com/987_654"
    assert facebook.comment_url("987_654", "javascript:alert(1)") == "https://www.facebook.com/987_654"


def graph_answer(method: str, path: str, status: int, code: int, subcode: int | None = None) -> httpx.Response:
    error = {"message": "words", "type": "OAuthException", "code": code, "fbtrace_id": "T1"}
    if subcode is not None:
        error["error_subcode"] = subcode
    return httpx.Response(status, json={"error": error},
                          request=httpx.Request(method, f"https://graph.facebook.com{path}"))


@pytest.mark.parametrize(("method", "path", "status", "code", "subcode", "expected", "words"), [
    ("GET", "/v24.0/1_2", 400, 100, 33, Rejected, "no longer on Facebook"),
    ("POST", "/v24.0/1/feed", 400, 100, 33, Rejected, "refused the request"),
    ("GET", "/v24.0/1_2/insights", 403, 10, None, NotOffered, "post_impressions"),
    ("GET", "/v24.0/1_2/insights", 400, 100, None, NotOffered, "post_impressions"),
    ("GET", "/v24.0/1_2/insights", 400, 190, 463, AuthFailed, "expired"),
    ("GET", "/v24.0/1_2/comments", 403, 200, None, AuthFailed, "may not read"),
    ("POST", "/v24.0/1/feed", 403, 200, None, AuthFailed, "pages_manage_posts"),
    ("GET", "/v24.0/1_2/comments", 400, 32, None, RateLimited, "limiting"),
    ("GET", "/v24.0/1_2/comments", 500, 2, None, Unavailable, "could not handle"),
])
def test_classify_reads_the_request_an_answer_belongs_to(method, path, status, code, subcode, expected, words):
    error = facebook.classify(graph_answer(method, path, status, code, subcode), clock=lambda: NOW)
    assert type(error) is expected
    assert re.search(re.escape(words), error.message)
