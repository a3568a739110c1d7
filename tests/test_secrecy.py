"""Secrets never leak and bad ones never crash: credentials checked as they are read, the networks'
error bodies cleaned before they reach the ledger, and "not sent" kept apart from "unknown".

The pure rules first (:mod:`postdesk.secrecy`), then each network client against its loopback
fake, then ``postdesk post`` end to end on a real git repository (the CLI in a real process where a
crash is at stake).
"""

from __future__ import annotations

import base64
import io
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from urllib.parse import quote

import httpx
import pytest

from postdesk import secrecy
from postdesk.channels import base, facebook, linkedin, x
from postdesk.channels.base import Api, OutgoingPost, RedactingFilter, RetryPolicy
from postdesk.cli import main
from postdesk.config import ChannelSettings
from postdesk.errors import ChannelError, CredentialError, Unavailable
from postdesk.fakes import x as fake_x
from postdesk.fakes.facebook import FakeFacebook
from postdesk.fakes.linkedin import FakeLinkedIn
from postdesk.fakes.server import Reply
from postdesk.fakes.x import FakeX
from postdesk.gitio import commit_paths
from postdesk.ledger import read_ledger
from postdesk.post import post_due
from postdesk.secrecy import (
    MASK,
    check_credentials,
    clean_error_text,
    credential_problem,
    mask_secrets,
    read_credential,
    short_code,
)

from .conftest import ITEM, OTHER, PROJECT

TOKEN = "tok-9f2/with+plus=and%pct~end-c0ffee42"
"""A token of printable ASCII that the generic token-like rules would NOT catch (lower case, short
runs): only the masking of configured secrets can hide it, so these tests prove that masking."""

INSTANT = RetryPolicy(sleep=lambda _seconds: None)


def basic(token: str, user: str = "key") -> str:
    return base64.b64encode(f"{user}:{token}".encode()).decode()


ECHOES = {
    "verbatim": lambda t: f"Malformed access token {t}",
    "first 20 characters": lambda t: f"Malformed access token {t[:20]}...",
    "last 20 characters": lambda t: f"token ending ...{t[-20:]} is expired",
    "url-encoded": lambda t: f"bad request https://graph.example/me?fields=id&x={quote(t, safe='')}",
    "url-encoded, lower-case escapes": lambda t: f"bad value {quote(t, safe='').lower()}",
    "base64": lambda t: f"credentials {base64.b64encode(t.encode()).decode()} refused",
    "url-safe base64": lambda t: f"credentials {base64.urlsafe_b64encode(t.encode()).decode()} refused",
    "base64 after key: (Basic header)": lambda t: f"Authorization: Basic {basic(t)} refused",
    "base64 after a 2-byte user": lambda t: f"header {basic(t, 'ab')} refused",
    "base64 after a 3-byte user": lambda t: f"header {basic(t, 'abc')} refused",
    "Bearer": lambda t: f"header was Bearer {t}",
    "query parameter": lambda t: f"GET /me?access_token={t}&fields=id failed",
}


def traces(token: str) -> list[str]:
    """Every 8-character piece of the token and of its encodings: none may appear in what is kept."""
    forms = [token, quote(token, safe=""), quote(token, safe="").lower(),
             base64.b64encode(token.encode()).decode()[:-4], base64.urlsafe_b64encode(token.encode()).decode()[:-4],
             *(basic(token, user)[len(user) + 3:-4] for user in ("key", "ab", "abc"))]
    return sorted({form[at:at + 8] for form in forms for at in range(len(form) - 7)})


def assert_no_trace(text: str, token: str = TOKEN) -> None:
    found = [piece for piece in traces(token) if piece in text]
    assert not found, f"pieces of the secret survived: {found}"


# --------------------------------------------------------------------------- reading a credential (pure)


@pytest.mark.parametrize(("value", "problem"), [
    ("abc\ndef", "contains a line break at position 4"),
    ("abc\r\ndef", "contains a line break at position 4"),
    ("abc def", "contains a space at position 4"),
    ("abc\tdef", "contains a tab at position 4"),
    ("abc\x00def", "contains a control character at position 4"),
    ("abc\x1b[0mdef", "contains a control character at position 4"),
    ("abc\x7fdef", "contains a control character at position 4"),
    ("abcédef", "contains a character that is not plain ASCII"),
    ("abc\u00a0def", "contains a character that is not plain ASCII"),
    ("abc\u201cdef\u201d", "contains a character that is not plain ASCII"),
    ("  abc def  ", "contains a space at position 6"),  # counted in the value as it was set
    ("\u00a0abcdef", "contains a character that is not plain ASCII (an accented letter, a curly quote or a "
                     "non-breaking space) at position 1"),  # only ASCII whitespace is removed around
])
def test_a_value_no_credential_can_have_is_named_with_its_position(value, problem):
    assert credential_problem(value).startswith(problem)
    for piece in ("abc", "def"):
        assert piece not in credential_problem(value)


@pytest.mark.parametrize("value", ["", "abc", "ghp_16C7e42F292c6912E7710c838347Ae178B4a", " abc\n", "\tabc\r\n",
                                   "EAAG/+=%~-_.!*'()"])
def test_printable_ascii_is_a_credential_and_whitespace_around_it_is_removed(value):
    assert credential_problem(value) == ""
    assert read_credential({"T": value}, "T") == value.strip()


def test_read_credential_names_the_variable_and_never_the_value():
    with pytest.raises(CredentialError) as caught:
        read_credential({"X_ACCESS_TOKEN": "1234567890-secretpart\nmoresecret"}, "X_ACCESS_TOKEN")
    text = f"{caught.value} {caught.value!r} {caught.value.hint}"
    assert "X_ACCESS_TOKEN contains a line break at position 22" in text
    assert caught.value.variables == ("X_ACCESS_TOKEN",)
    assert "secretpart" not in text and "moresecret" not in text and "1234567890" not in text
    assert read_credential({}, "X_ACCESS_TOKEN") == "" and read_credential({"X_ACCESS_TOKEN": " \n"}, "X") == ""


def test_every_bad_credential_is_named_at_once():
    env = {"A": "fine", "B": "bad one", "C": "bad\ntoo", "D": ""}
    with pytest.raises(CredentialError) as caught:
        check_credentials(env, ["A", "B", "C", "D"])
    assert caught.value.variables == ("B", "C")
    assert "B contains a space at position 4; C contains a line break at position 4" in str(caught.value)
    check_credentials(env, ["A", "D"])  # unset is not wrong: the network is skipped


# --------------------------------------------------------------------------- cleaning a network's words (pure)


@pytest.mark.parametrize("form", ECHOES)
def test_a_configured_secret_is_masked_in_every_form_it_is_echoed(form):
    said = ECHOES[form](TOKEN)
    cleaned = clean_error_text(said, [TOKEN])
    assert_no_trace(cleaned)
    assert MASK in cleaned
    assert cleaned.split()[0] == said.split()[0]  # the network's words around it are kept


@pytest.mark.parametrize("token", [
    "EAAGm0PX4ZCpsBAKZBZC0fakeRandomPageToken9XyZ",          # a Facebook Page token's shape
    "AQWx7fakeLinkedInAccessToken_2b-Qz9vTq0Lm8nPp",        # LinkedIn's
    "ghp_16C7e42F292c6912E7710c838347Ae178B4a",             # GitHub's
    "c0ffee0123456789abcdef0123456789abcdef01",             # a hex digest
])
def test_token_like_text_that_is_no_configured_secret_is_masked_too(token):
    for said in (f"Malformed access token {token}", f"Bearer {token}", f'{{"access_token": "{token}"}}',
                 f"https://graph.example/v24.0/me?access_token={token}&x=1", f"oauth_signature=\"{token}\""):
        cleaned = clean_error_text(said)
        assert token not in cleaned and token[:12] not in cleaned, cleaned


@pytest.mark.parametrize("words", [
    "(#100) Invalid parameter",
    "Error validating access token: Session has expired on Friday, 22-Nov-30 09:00:00 PST.",
    "Content is a duplicate of urn:li:share:7000000000000000001",
    "the post 1990000000000000005 is no longer on X",
    "See https://api.twitter.com/2/problems/client-forbidden for the access level",
    "You are not permitted to perform this action.",
    "Resource not accessible by integration",
    "Object with ID '104857600123456_987654321098765' does not exist",
])
def test_ordinary_error_words_are_kept(words):
    assert clean_error_text(words, [TOKEN]) == words


def test_a_network_cannot_forge_lines_and_is_capped():
    cleaned = clean_error_text("refused\n::error title=x::forged\r\x1b[31mred\u2028next\u202egnp.exe " + "word " * 200)
    assert "\n" not in cleaned and "\r" not in cleaned and "\x1b" not in cleaned
    assert "\u2028" not in cleaned and "\u202e" not in cleaned
    assert len(cleaned) <= secrecy.MAX_NETWORK_WORDS and cleaned.endswith("…")
    assert clean_error_text("x" * 5000, limit=None) == "x" * 5000


@pytest.mark.parametrize("body", ["a." * 50_000, "ab-" * 35_000, '"a":"' * 20_000, "tok-9f" * 20_000, "=" * 100_000])
def test_a_huge_hostile_body_is_cleaned_in_linear_time(body):
    import time

    started = time.perf_counter()
    clean_error_text(body, [TOKEN], limit=None)  # the log filter's case: no cap to shorten the work
    assert time.perf_counter() - started < 2.0  # a quadratic pattern takes minutes here


def test_pieces_shorter_than_six_characters_are_left_as_ordinary_text():
    # The boundary is deliberate: a 6-character piece of a random token is no word; 5 could be.
    assert mask_secrets(f"starts {TOKEN[:6]} ends", [TOKEN]) == f"starts {MASK} ends"
    assert mask_secrets(f"starts {TOKEN[:5]} ends", [TOKEN]) == f"starts {TOKEN[:5]} ends"
    assert mask_secrets(f"ends {TOKEN[-6:]}.", [TOKEN]) == f"ends {MASK}."
    assert mask_secrets("abc", ["abc"]) == "abc"  # too short to be masked at all (it would hide words)


def test_a_public_token_marker_is_no_piece_of_the_secret():
    """GitHub's fine-grained tokens all start "github_pat_": the word "github" stays readable."""
    token = "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz"
    text = "see https://github.com/settings/tokens for github_pat_11 tokens"
    assert mask_secrets(text, [token]) == text
    assert mask_secrets(f"token {token[:20]}...", [token]) == f"token {MASK}..."
    assert mask_secrets("user 1234567890 and 1234567890-fake-x", ["1234567890-fake-x-access-token-5d3a"]) == \
        f"user 1234567890 and {MASK}"


@pytest.mark.parametrize(("value", "kept"), [
    (190, "190"), ("DUPLICATE_POST", "DUPLICATE_POST"), ("OAuthException", "OAuthException"),
    ("AfakeTrace7", "AfakeTrace7"), (True, ""), ("two words", ""), ("line\nbreak", ""), ("x" * 65, ""),
    ({"nested": 1}, ""), (None, ""),
])
def test_an_error_code_is_kept_only_as_a_number_or_short_identifier(value, kept):
    assert short_code(value) == kept


def test_the_log_filter_masks_secret_pieces_and_token_parameters():
    import logging

    record = logging.LogRecord("httpx", logging.INFO, __file__, 1, "HTTP Request: GET %s %s", (
        f"http://127.0.0.1/me?access_token=Zz9{TOKEN}", f"(was {TOKEN[:20]})"), None)
    RedactingFilter([TOKEN]).filter(record)
    assert_no_trace(record.getMessage())
    assert "access_token=***" in record.getMessage()


# --------------------------------------------------------------------------- each network's client


@pytest.fixture
def fb() -> Iterator[FakeFacebook]:
    with FakeFacebook(token=TOKEN) as server:
        yield server


@pytest.fixture
def li() -> Iterator[FakeLinkedIn]:
    with FakeLinkedIn(token=TOKEN) as server:
        yield server


@pytest.fixture
def fx() -> Iterator[FakeX]:
    with FakeX() as server:
        yield server


def _post() -> OutgoingPost:
    return OutgoingPost(item="2026-11-20-backpack-drive", channel="", text="Bring school supplies.")


def _refusal(network: str, said: str) -> tuple[str, str, Reply]:
    """The error answer of ``network`` to the request that creates the post, with ``said`` in every field."""
    if network == "facebook":
        return "POST", r"/v24\.0/\d+/feed", Reply(400, {"error": {"message": said, "type": said, "code": 100,
                                                                   "error_subcode": said, "fbtrace_id": TOKEN[:20]}})
    if network == "linkedin":
        return "POST", "/rest/posts", Reply(400, {"message": said, "code": TOKEN[:20], "serviceErrorCode": said,
                                                  "status": 400})
    return "POST", fake_x.TWEETS, fake_x.problem(400, said, said, errors=[{"message": said, "code": said}])


def _client(network: str, fb: FakeFacebook, li: FakeLinkedIn, fx: FakeX):
    if network == "facebook":
        return fb, facebook.from_env(fb.env(), ChannelSettings(api_version="v24.0"), policy=INSTANT)
    if network == "linkedin":
        return li, linkedin.from_env(li.env(), ChannelSettings(api_version="202610"), policy=INSTANT)
    return fx, x.from_env({"X_USER_TOKEN": TOKEN, x.API_URL_VARIABLE: fx.url}, ChannelSettings(), policy=INSTANT)


@pytest.mark.parametrize("network", ["facebook", "linkedin", "x"])
@pytest.mark.parametrize("form", ECHOES)
def test_an_error_body_echoing_the_token_leaves_no_trace_in_the_error(network, form, fb, li, fx):
    server, client = _client(network, fb, li, fx)
    server.fail_next(*_refusal(network, ECHOES[form](TOKEN)))
    with client, pytest.raises(ChannelError) as caught:
        client.publish(_post(), before_publish=lambda ids: None)
    error = caught.value
    assert_no_trace(f"{error} {error!r} {error.message} {error.hint} {error.args}")
    assert MASK in error.message


def test_facebook_keeps_its_code_and_a_short_trace_id_for_meta_support(fb):
    fb.fail_next("POST", r"/v24\.0/\d+/feed", Reply(400, {"error": {
        "message": f"(#100) Invalid parameter {TOKEN}", "type": "OAuthException", "code": 100,
        "fbtrace_id": "AW3K8bq2x1Fq9_Y7Qhj3sC5"}}))
    client = facebook.from_env(fb.env(), ChannelSettings(api_version="v24.0"), policy=INSTANT)
    with client, pytest.raises(ChannelError) as caught:
        client.publish(_post(), before_publish=lambda ids: None)
    assert "(#100) Invalid parameter ***, code 100, fbtrace_id AW3K8bq2x1Fq9_Y7Qhj3sC5" in caught.value.message


# --------------------------------------------------------------------------- not sent, or maybe sent


def closed_port() -> int:
    with socket.socket() as sock:  # free a moment ago: nothing listens there now
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_header_the_http_library_refuses_is_not_sent_and_not_shown(fb):
    """Past the credential check (a library user building a client by hand): h11 refuses the header
    before the request is complete, and its error, which quotes the header, is not shown."""
    client = facebook.FacebookClient(page_id=fb.page_id, token="abc\ndef-secret-part", api_version="v24.0",
                                     base_url=fb.url, policy=INSTANT)
    with client, pytest.raises(Unavailable) as caught:
        client.publish(_post(), before_publish=lambda ids: None)
    error = caught.value
    assert not error.maybe_sent and "not sent" in error.message and "LocalProtocolError" in error.message
    assert "secret-part" not in f"{error} {error!r}"
    assert fb.posts == []


def test_a_header_that_is_not_ascii_is_not_sent_and_not_shown(fb):
    client = facebook.FacebookClient(page_id=fb.page_id, token="tokén-secret-part", api_version="v24.0",
                                     base_url=fb.url, policy=INSTANT)
    with client, pytest.raises(Unavailable) as caught:
        client.publish(_post(), before_publish=lambda ids: None)
    assert not caught.value.maybe_sent and "not sent" in caught.value.message
    assert "secret-part" not in f"{caught.value!r}" and fb.requests == []


def test_an_address_that_is_not_valid_is_not_sent():
    api = Api(channel="linkedin", base_url="http://127.0.0.1:1", classify=lambda response: ChannelError("no"),
              policy=INSTANT)
    with pytest.raises(Unavailable) as caught:
        api.request("PUT", "https://exa mple.com:99999/upload", creates_post=True, content=b"x")
    assert not caught.value.maybe_sent and "not sent" in caught.value.message


def _run(desk, env, **options):
    return post_due(desk.config, env=env, now=desk.due, run_id="test-run", policy=INSTANT,
                    record=lambda paths, message: commit_paths(desk.root, list(paths), message), **options)


def test_a_refused_connection_on_the_create_request_is_not_sent_and_goes_out_next_run(desk, networks):
    """On Facebook one photo is one request that creates the post: the ledger is already in its
    'publish' phase when the connection is refused, and must still say "not sent", never unknown."""
    env = {**networks.env, "POSTDESK_FACEBOOK_API_URL": f"http://127.0.0.1:{closed_port()}"}
    run = _run(desk, env, channels=("facebook",))
    entry = read_ledger(desk.config, ITEM).entry("facebook")
    assert entry.state == "scheduled" and "not sent" in entry.reason
    assert [event.note for event in entry.history][:2] == ["run test-run starts sending", "creating the post"]
    assert not run.alerts
    again = _run(desk, networks.env, channels=("facebook",))
    assert read_ledger(desk.config, ITEM).entry("facebook").state == "posted" and again.ok
    assert sum("backpack" in post.message.lower() for post in networks.facebook.posts) == 1


def test_a_timeout_after_the_create_request_was_sent_is_unknown_and_never_sent_again(desk, networks, monkeypatch):
    monkeypatch.setattr(base, "TIMEOUT", httpx.Timeout(0.3, connect=1.0))
    networks.facebook.stall_next("POST", r"/v[\d.]+/\d+/photos", 1.0)
    run = _run(desk, networks.env, channels=("facebook",))
    entry = read_ledger(desk.config, ITEM).entry("facebook")
    assert entry.state == "unknown" and "ReadTimeout" in entry.reason
    assert any(outcome.channel == "facebook" for outcome in run.alerts)
    made = len(networks.facebook.posts)
    _run(desk, networks.env, channels=("facebook",))
    assert len(networks.facebook.posts) == made  # never sent again blindly


# --------------------------------------------------------------------------- postdesk post, end to end


def _post_process(desk, env: dict[str, str], *extra: str) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, **env, "PYTHONPATH": str(PROJECT / "tools")}
    full.pop("GITHUB_ACTIONS", None)
    return subprocess.run([sys.executable, "-m", "postdesk", "--repo", str(desk.root), "post", "--now",
                           desk.due.strftime("%Y-%m-%dT%H:%M"), *extra], env=full, capture_output=True, text=True,
                          timeout=60, check=False)


def _history(desk, *paths: str) -> str:
    """Every commit's message and patch (of ``paths`` only, when given)."""
    return desk.git.git.log("-p", "--all", "--format=%H %s", "--", *paths)


@pytest.mark.parametrize(("name", "value", "problem", "extra"), [
    ("X_ACCESS_TOKEN", "1234567890-secretpart\nsecondline", "a line break at position 22", ()),
    ("FACEBOOK_PAGE_TOKEN", "EAAGsecretpart\u00e9secondline", "a character that is not plain ASCII", ()),
    ("LINKEDIN_ACCESS_TOKEN", "AQVsecretpart secondline", "a space at position 14", ()),
    ("X_USER_TOKEN", "secretpart\x07secondline", "a control character at position 11", ("--dry-run",)),
])
def test_a_bad_token_stops_the_run_with_exit_2_naming_it_and_nothing_is_sent(desk, networks, name, value, problem,
                                                                            extra):
    head = desk.git.head.commit.hexsha
    done = _post_process(desk, {**networks.env, name: value}, *extra)
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"{name} contains {problem}" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    for piece in ("secretpart", "secondline"):
        assert piece not in done.stdout + done.stderr + _history(desk)
    assert all(fake.requests == [] for fake in networks.all)
    assert desk.git.head.commit.hexsha == head and not (desk.root / "state" / "ledger").exists()


def test_monitor_refuses_a_bad_token_the_same_way(desk, networks, monkeypatch):
    for variable, setting in {**networks.env, "LINKEDIN_ACCESS_TOKEN": "AQVsecretpart\nsecond"}.items():
        monkeypatch.setenv(variable, setting)
    err = io.StringIO()
    code = main(["--repo", str(desk.root), "monitor", "--out", str(desk.root / "out")], stdout=io.StringIO(),
                stderr=err)
    assert code == 2 and "LINKEDIN_ACCESS_TOKEN contains a line break at position 14" in err.getvalue()
    assert "secretpart" not in err.getvalue() and all(fake.requests == [] for fake in networks.all)


def test_error_bodies_echoing_tokens_leave_no_trace_in_the_ledger_its_history_or_the_output(desk, networks,
                                                                                        monkeypatch):
    facebook_token, linkedin_token = f"fb-{TOKEN}", f"li-{TOKEN}"
    networks.facebook.token, networks.linkedin.token = facebook_token, linkedin_token
    x_secret = fake_x.ACCESS_TOKEN_SECRET
    networks.facebook.fail_next("POST", r"/v[\d.]+/\d+/photos", Reply(400, {"error": {
        "message": f"(#100) Malformed access token {facebook_token} (sent as {quote(facebook_token, safe='')}); "
                   f"Bearer {facebook_token}", "type": "OAuthException", "code": 100,
        "fbtrace_id": facebook_token[:20]}}))
    networks.x.fail_next("POST", fake_x.UPLOAD, fake_x.problem(
        400, "Invalid Request", f"token {x_secret[:20]}... (base64 {base64.b64encode(x_secret.encode()).decode()})",
        errors=[{"message": f"Authorization: Bearer {fake_x.ACCESS_TOKEN}"}]))
    networks.linkedin.fail_next("POST", "/rest/images", Reply(400, {
        "message": f"Basic {basic(linkedin_token)} refused; token ends ...{linkedin_token[-20:]}",
        "code": linkedin_token[:20], "serviceErrorCode": linkedin_token, "status": 400}))
    for variable, setting in networks.env.items():
        monkeypatch.setenv(variable, setting)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    out = io.StringIO()
    code = main(["--repo", str(desk.root), "post", "--now", desk.due.strftime("%Y-%m-%dT%H:%M")], stdout=out,
                stderr=out)
    assert code == 1  # refused posts need a person
    ledgers = "\n".join(file.read_text(encoding="utf-8") for file in (desk.root / "state" / "ledger").glob("*.json"))
    failed = {channel for item in (ITEM, OTHER) for channel, entry in read_ledger(desk.config, item).channels.items()
              if entry.state == "failed"}
    assert failed == {"facebook", "x", "linkedin"}
    assert "Malformed access token ***" in ledgers and "fbtrace_id ***" in ledgers and "Bearer ***" in ledgers
    # The ledger's whole history in git (the rest of the repository holds "0123456789" in a template).
    everything = "\n".join([ledgers, _history(desk, "state"), out.getvalue()])
    for token in (facebook_token, linkedin_token, x_secret, fake_x.ACCESS_TOKEN):
        assert_no_trace(everything, token)


@pytest.mark.parametrize("value", ["55157x15", "123/../me", "urn:li:organization:5"])
def test_a_page_or_organization_id_must_be_a_number(value):
    env = {"LINKEDIN_ORGANIZATION_ID": value, "LINKEDIN_ACCESS_TOKEN": "token"}
    with pytest.raises(CredentialError) as caught:
        check_credentials(env, ["LINKEDIN_ORGANIZATION_ID", "LINKEDIN_ACCESS_TOKEN"])
    assert caught.value.variables == ("LINKEDIN_ORGANIZATION_ID",)
    assert "is not a number" in str(caught.value)
    check_credentials({"LINKEDIN_ORGANIZATION_ID": "5515715\r\n"}, ["LINKEDIN_ORGANIZATION_ID"])
