"""Secrets: what a credential may look like, and keeping every secret out of what the networks say.

Two jobs, both pure (the command line reads the environment and passes it in):

1. **Reading a credential** (:func:`read_credential`, :func:`credential_problem`). A value
   is refused when it holds a line break, a space or tab, a control character or any
   character outside printable ASCII. Every token the networks and GitHub hand out is
   printable ASCII without spaces, and such a character cannot travel in an HTTP header:
   the HTTP library would refuse the header with an error that prints it whole, token
   included. The refusal names the variable and the position of the first bad character
   ("X_ACCESS_TOKEN contains a line break at position 41"), never the value or any part
   of it.

   Decision: whitespace *around* the value (the newline ``echo``, a file or a copied
   line adds, spaces pasted with it) is removed, because no token contains whitespace:
   removing it cannot change which token is meant. Whitespace *inside* is refused,
   because then nobody can tell what the token is. Only ASCII whitespace is removed (a
   non-breaking space is refused like any other non-ASCII character). An empty value, or
   one of whitespace only, is "not set": GitHub Actions passes ``""`` for a secret that
   does not exist, and a network without its secrets is skipped, as documented.

2. **Cleaning a network's words** (:func:`clean_error_text`) before they go into an error
   message, and so into the ledger (committed to git, kept forever), the terminal, a
   workflow annotation or a pull-request comment. Networks echo tokens in their error
   bodies: whole, cut short ("EAAGm0PX4ZC..."), URL-encoded, base64-encoded (inside a
   ``Basic`` header), after ``Bearer``. What is kept is one line of at most
   :data:`MAX_NETWORK_WORDS` characters, in which:

   * every configured secret is masked in every form: as it is, URL-encoded, base64 (at
     any alignment, as inside ``key:secret``), and any piece of at least
     :data:`MIN_PIECE` characters from its start or its end (:func:`mask_secrets`; a
     public marker such as ``github_pat_`` does not count towards a piece);
   * token-like text that is no configured secret is masked too: what follows
     ``Bearer`` (or ``Basic`` before base64), the value of a parameter named like a
     credential (``access_token=…``, ``"client_secret": "…"``, ``oauth_signature="…"``),
     and long runs of base64, hex or URL-safe characters that mix letters and digits
     the way random tokens do (ids made of digits, URNs and words are kept);
   * line breaks and control characters become spaces, so a hostile answer cannot forge
     a second line in a log, a ledger note or a ``::error`` annotation.

   Masking more than needed loses a word of a message; masking less leaks a credential
   into git history, so every rule leans to masking. The network's error *code* and
   *type* and the HTTP status are kept apart from the words by each client
   (:func:`short_code`), since they are what a person looks up.
"""

from __future__ import annotations

import base64
import re
import unicodedata
from collections.abc import Iterable, Mapping
from urllib.parse import quote, quote_plus

from .errors import CredentialError

MASK = "***"
MIN_PIECE = 6
"""The shortest piece of a secret's start or end that is masked (shorter pieces are ordinary text)."""
MIN_SECRET = 4
"""Shorter values are not masked at all: they would mask ordinary words."""
MAX_NETWORK_WORDS = 300
"""The most characters of a network's own words kept in a message (the ledger keeps them forever)."""

_AROUND = " \t\r\n\f\v"
"""The whitespace removed around a credential (ASCII only)."""

_KINDS = {"\n": "a line break", "\r": "a line break", " ": "a space", "\t": "a tab"}

_CREDENTIAL_WORD = re.compile(r"token|secret|signature|password|passwd|api_?key|apikey|consumer_?key|private_?key"
                              r"|credential|authorization|oauth_", re.IGNORECASE)
"""A parameter or field whose name holds one of these carries a credential: its value is masked."""
# Names are matched whole and possessively (``++``), from the start of a name only, so that a long
# answer without any ``=`` costs linear time, not quadratic.
_NAME = r"(?<![\w.\-\[\]])([\w.\-\[\]]++)"
_PARAMETER = re.compile(_NAME + r"(\s*+=\s*+)([\"']?)[^\s&\"',;<>)]++")
_JSON_FIELD = re.compile(r"([\"'])" + _NAME + r"([\"']\s*+:\s*+[\"'])[^\"']*+([\"'])")
_BEARER = re.compile(r"(?i)\b(bearer)(\s+)[^\s\"',;<>]+")
_BASIC = re.compile(r"(?i)\b(basic)(\s+)[A-Za-z0-9+/_\-]{8,}={0,2}")
_RUN = re.compile(r"[A-Za-z0-9+/_\-%~]{20,}={0,2}")
_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")
_PUBLIC_PREFIX = re.compile(r"(?:[a-z]+_)+|\d+-")
"""The public start of some token formats: GitHub's ``ghp_`` and ``github_pat_``, and X's access
tokens, which begin with the account's numeric id and a dash. It is the same in every token of
the kind, so it does not count towards a piece of the secret."""


# --------------------------------------------------------------------------- reading credentials


def credential_problem(value: str) -> str:
    """What makes ``value`` unusable as a credential, or ``""``; never any part of the value.

    Positions count from 1 in the value as it was set (surrounding whitespace included),
    so a person can find the character in what they pasted.
    """
    start = len(value) - len(value.lstrip(_AROUND))
    for offset, char in enumerate(value.strip(_AROUND)):
        kind = _bad_character(char)
        if kind:
            return f"contains {kind} at position {start + offset + 1}"
    return ""


def _bad_character(char: str) -> str:
    if char in _KINDS:
        return _KINDS[char]
    code = ord(char)
    if code < 32 or code == 127:
        return "a control character"
    if code > 126:
        return "a character that is not plain ASCII (an accented letter, a curly quote or a non-breaking space)"
    return ""


def read_credential(env: Mapping[str, str], name: str) -> str:
    """The value of ``name`` without surrounding whitespace (``""`` when unset or blank).

    Raises :class:`~postdesk.errors.CredentialError` naming the variable when the value
    cannot be a credential (see the module docstring).
    """
    raw = env.get(name) or ""
    problem = credential_problem(raw)
    if problem:
        raise CredentialError(f"{name} {problem}, so it cannot be a credential.", variables=(name,),
                              hint=credential_hint((name,)))
    return raw.strip(_AROUND)


def _id_problem(name: str, value: str) -> str:
    """A Page or organization id (``*_ID``) is a number: anything else would address another URL."""
    value = value.strip(_AROUND)
    if name.endswith("_ID") and value and not (value.isascii() and value.isdigit()):
        return "is not a number (an id is digits only, as the network shows it)"
    return ""


def credential_hint(names: Iterable[str]) -> str:
    """How to fix refused credentials, naming their variables (never their values)."""
    listed = ", ".join(names)
    return (f"Set {listed} again to the value the network shows, copied whole and alone (no spaces, line breaks "
            "or quotes inside it); on GitHub: Settings > Environments > the environment holding the secrets > "
            "update the secret. The value is not shown here, on purpose. Nothing was sent.")


def check_credentials(env: Mapping[str, str], names: Iterable[str]) -> None:
    """Raise one CredentialError naming every variable of ``names`` that cannot be a credential."""
    problems = {name: problem for name in dict.fromkeys(names)
                if (problem := credential_problem(env.get(name) or "") or _id_problem(name, env.get(name) or ""))}
    if not problems:
        return
    lines = [f"{name} {problem}" for name, problem in problems.items()]
    what = "A credential cannot be used" if len(lines) == 1 else "Credentials cannot be used"
    raise CredentialError(f"{what}: " + "; ".join(lines) + ".", variables=tuple(problems),
                          hint=credential_hint(problems))


# --------------------------------------------------------------------------- masking secrets


def mask_secrets(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret (at least :data:`MIN_SECRET` characters) masked in every form.

    Forms: as it is, URL-encoded, base64 at each of the three alignments, and any piece of
    at least :data:`MIN_PIECE` characters from the start or the end of each of these.
    """
    spans: list[tuple[int, int]] = []
    for secret in secrets:
        if secret and len(secret) >= MIN_SECRET:
            for form in secret_forms(secret):
                spans += _spans(text, form)
    return _masked(text, spans)


def secret_forms(secret: str) -> tuple[str, ...]:
    """The ways a secret can appear in an answer: as it is, URL-encoded, inside base64."""
    encoded = (quote(secret, safe=""), quote(secret, safe="/"), quote_plus(secret))
    lowered = tuple(_ESCAPE.sub(lambda match: match[0].lower(), form) for form in encoded)
    cores = tuple(core for core in _base64_cores(secret.encode()) if len(core) >= MIN_PIECE)
    return tuple(dict.fromkeys((secret, *encoded, *lowered, *cores)))


def _base64_cores(data: bytes) -> list[str]:
    """The base64 characters that depend on ``data`` alone, for each alignment it can have in a longer text.

    Base64 turns 3 bytes into 4 characters; bytes before the secret (``key:`` in
    ``Basic base64(key:secret)``) shift it by 0, 1 or 2 bytes, and the characters that
    mix in a neighbour's bits differ from text to text. The ones in between do not.
    """
    cores = []
    for shift in range(3):
        for encode in (base64.b64encode, base64.urlsafe_b64encode):
            text = encode(b"\0" * shift + data).decode()
            first = -(-8 * shift // 6)  # the first character made of the secret's bits only
            last = 8 * (shift + len(data)) // 6  # one past the last such character
            cores.append(text[first:last])
    return cores


def _spans(text: str, form: str) -> list[tuple[int, int]]:
    """Where ``form`` appears in ``text``: whole, or a piece of at least MIN_PIECE from its start or end.

    A piece from the start must reach MIN_PIECE characters past a public marker the token
    format starts with (:data:`_PUBLIC_PREFIX`), so that a fine-grained GitHub token does
    not mask the word "github" everywhere.
    """
    size = len(form)
    if size <= MIN_PIECE:
        return [(at, at + size) for at in _find_all(text, form)]
    marker = _PUBLIC_PREFIX.match(form)
    shortest = min(size, (marker.end() if marker else 0) + MIN_PIECE)
    spans = []
    for at in _find_all(text, form[:MIN_PIECE]):  # a piece from the start, grown as far as it matches
        end = at + MIN_PIECE
        while end - at < size and end < len(text) and text[end] == form[end - at]:
            end += 1
        if end - at >= shortest:
            spans.append((at, end))
    for at in _find_all(text, form[-MIN_PIECE:]):  # a piece from the end, grown backwards
        end = at + MIN_PIECE
        start = at
        while end - start < size and start > 0 and text[start - 1] == form[size - (end - start) - 1]:
            start -= 1
        spans.append((start, end))
    return spans


def _find_all(text: str, piece: str) -> list[int]:
    found, at = [], text.find(piece)
    while at >= 0:
        found.append(at)
        at = text.find(piece, at + 1)
    return found


def _masked(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with the (possibly overlapping) spans replaced by one MASK each where they join."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    pieces, done = [], 0
    for start, end in merged:
        pieces += [text[done:start], MASK]
        done = end
    return "".join(pieces) + text[done:]


# --------------------------------------------------------------------------- a network's words


def clean_error_text(text: str, secrets: Iterable[str] = (), *, limit: int | None = MAX_NETWORK_WORDS) -> str:
    """A network's (or GitHub's) own words, fit to be recorded and shown: see the module docstring.

    One line, token-like text and every form of ``secrets`` masked, at most ``limit``
    characters (``None``: no cap, for text that was capped before).
    """
    if limit is not None:
        text = text[:limit * 8]  # bounds the work on a huge body; the cap below is the real one
    line = " ".join(one_line(text).split())
    line = _PARAMETER.sub(_masked_parameter, line)
    line = _JSON_FIELD.sub(_masked_field, line)
    line = _BEARER.sub(lambda match: f"{match[1]}{match[2]}{MASK}", line)
    line = _BASIC.sub(lambda match: f"{match[1]}{match[2]}{MASK}", line)
    line = _RUN.sub(lambda match: MASK if looks_random(match[0]) else match[0], line)
    line = mask_secrets(line, secrets)
    if limit is not None and len(line) > limit:
        line = line[:limit - 1].rstrip() + "…"
    return line


def _masked_parameter(match: re.Match[str]) -> str:
    """``access_token=…`` with its value masked; any other parameter as it was."""
    if not _CREDENTIAL_WORD.search(match[1]):
        return match[0]
    return f"{match[1]}{match[2]}{match[3]}{MASK}"


def _masked_field(match: re.Match[str]) -> str:
    """``"client_secret": "…"`` with its value masked; any other field as it was."""
    if not _CREDENTIAL_WORD.search(match[2]):
        return match[0]
    return f"{match[1]}{match[2]}{match[3]}{MASK}{match[4]}"


def one_line(text: str) -> str:
    """``text`` with line breaks, control and format characters (bidi overrides) as spaces; nothing masked."""
    return "".join(" " if unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp") else char for char in text)


def looks_random(run: str) -> bool:
    """Whether a run of base64/hex/URL-safe characters looks like a token rather than a word, id or path.

    Random tokens mix upper and lower case letters and digits (20 characters or more), or
    are long runs of letters and digits (32 or more, as hex digests are). Ids made of
    digits, URNs (``:`` ends a run), words and lower-case paths are kept.
    """
    letters = sum(char.isalpha() for char in run)
    digits = sum(char.isdigit() for char in run)
    if not (letters and digits):
        return False
    upper = any(char.isupper() for char in run)
    lower = any(char.islower() for char in run)
    return (upper and lower) or len(run) >= 32


def short_code(value: object, *, limit: int = 64) -> str:
    """A network's error code or type as kept in a message: a number, or a short identifier; else ``""``.

    Codes are what a person looks up (``190``, ``DUPLICATE_POST``, ``OAuthException``), so
    they are kept as they are; anything else in their place (free text, a token) is dropped.
    """
    if isinstance(value, bool):
        return ""
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.:/+=\-]*", value) and len(value) <= limit:
        return value
    return ""
