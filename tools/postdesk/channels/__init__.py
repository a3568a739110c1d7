"""One client per network, behind the same small interface (:class:`~.base.Channel`).

Each module (``facebook``, ``x``, ``linkedin``) offers:

* ``CREDENTIALS``: the environment variables it needs, as alternatives (X takes either
  the four OAuth 1.0a values or one OAuth 2.0 user token);
* ``API_URL_VARIABLE`` and ``DEFAULT_API_URL``: where the API is (tests and proxies
  point it elsewhere);
* ``from_env(env, settings, *, policy, transport=None)``: a client, or ``None`` when
  the credentials are missing.

The environment is passed in (the command line reads it), so tests give each client
exactly the variables they mean to. Every credential is checked as it is read
(:func:`postdesk.secrecy.read_credential`); a run checks all of its networks' credentials
at once, before anything is sent (:func:`check_credentials`).
"""

from __future__ import annotations

import contextlib
import importlib
import logging
from collections.abc import Collection, Iterator, Mapping
from types import ModuleType

from ..config import Config
from ..model import CHANNELS
from ..secrecy import check_credentials as _check
from .base import Channel, RedactingFilter, RetryPolicy

__all__ = ["check_credentials", "client_for", "credential_names", "missing_credentials", "redacted_logs",
           "secret_values"]


def _module(channel: str) -> ModuleType:
    return importlib.import_module(f"{__name__}.{channel}")


def credential_names(channel: str) -> tuple[tuple[str, ...], ...]:
    """The alternative sets of environment variables the ``channel`` client can work with."""
    return tuple(_module(channel).CREDENTIALS)


def check_credentials(env: Mapping[str, str], channels: Collection[str] = CHANNELS) -> None:
    """Raise CredentialError naming every credential variable of ``channels`` set to something no
    credential can be (a line break, a space, a character that is not ASCII inside it).

    A run calls it before anything else, so a bad secret stops it (exit 2) with nothing
    sent and nothing recorded, rather than failing at the first request with the HTTP
    library's error, which would print the header, token included.
    """
    _check(env, [name for channel in channels for group in credential_names(channel) for name in group])


def secret_values(env: Mapping[str, str]) -> tuple[str, ...]:
    """The values of every credential in ``env`` that must never be shown (the page and organization ids may)."""
    names = {name for channel in CHANNELS for group in credential_names(channel) for name in group
             if not name.endswith("_ID")}
    return tuple(value for name in sorted(names) if (value := env.get(name, "").strip()))


@contextlib.contextmanager
def redacted_logs(env: Mapping[str, str]) -> Iterator[None]:
    """While inside, the HTTP libraries' log records have every secret of ``env`` masked."""
    redacting = RedactingFilter(secret_values(env))
    loggers = [logging.getLogger(name) for name in ("httpx", "httpcore")]
    for logger in loggers:
        logger.addFilter(redacting)
    try:
        yield
    finally:
        for logger in loggers:
            logger.removeFilter(redacting)


def missing_credentials(channel: str, env: Mapping[str, str]) -> str:
    """'' when one full set of credentials is present, else a sentence naming what to set."""
    sets = credential_names(channel)
    if any(all((env.get(name) or "").strip() for name in names) for names in sets):
        return ""
    options = " or ".join(", ".join(names) for names in sets)
    return f"no credentials: set {options}"


def client_for(channel: str, config: Config, env: Mapping[str, str], *,
               policy: RetryPolicy | None = None) -> Channel | None:
    """The client for ``channel`` configured from ``env``, or None when its credentials are missing."""
    module = _module(channel)
    return module.from_env(env, config.channel(channel), policy=policy or RetryPolicy())  # type: ignore[no-any-return]
