"""A small real HTTP server on loopback that plays a network's API, for tests and the demo.

Each network's fake (``fakes.facebook``, ``fakes.x``, ``fakes.linkedin``) subclasses
:class:`FakeServer`, registers routes that answer with the network's real success and
error shapes, and keeps what was posted, so a test can assert "posted exactly once".
Every request is recorded (method, path, query, headers, body) before it is answered.

Tests steer it three ways:

* :meth:`FakeServer.fail_next` answers the next matching requests with a scripted error
  (a rate limit, an expired token, a 503) instead of the route;
* :meth:`FakeServer.after` runs a hook once a matching request has been handled and
  before the answer is written: the hook can kill the client process (a crash right
  after the network made the post) or raise :class:`DropConnection` (the answer is
  lost on the way back);
* :meth:`FakeServer.stall_next` holds the answer back longer than the client waits.
"""

from __future__ import annotations

import email.parser
import email.policy
import itertools
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit


class DropConnection(Exception):
    """Raised by a hook: close the connection without answering."""


@dataclass
class Recorded:
    """One request as the fake received it. Header names are lower-case."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body or b"null")

    def form(self) -> dict[str, str]:
        """The text fields of a urlencoded or multipart body."""
        kind = self.headers.get("content-type", "")
        if kind.startswith("application/x-www-form-urlencoded"):
            return {key: values[-1] for key, values in parse_qs(self.body.decode(), keep_blank_values=True).items()}
        if kind.startswith("multipart/form-data"):
            return {name: value.decode() for name, (filename, value) in self._parts().items() if filename is None}
        return {}

    def files(self) -> dict[str, tuple[str, bytes]]:
        """The file fields of a multipart body: name -> (filename, bytes)."""
        return {name: (filename, value) for name, (filename, value) in self._parts().items() if filename is not None}

    def _parts(self) -> dict[str, tuple[str | None, bytes]]:
        kind = self.headers.get("content-type", "")
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            f"Content-Type: {kind}\r\n\r\n".encode() + self.body)
        parts: dict[str, tuple[str | None, bytes]] = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True)
            parts[str(name)] = (part.get_filename(), payload if isinstance(payload, bytes) else b"")
        return parts

    def param(self, name: str) -> str | None:
        """A query parameter, else a form field."""
        if name in self.query:
            return self.query[name][-1]
        return self.form().get(name)


@dataclass
class Reply:
    """An answer: JSON (``json``) or raw ``body``, with status and headers."""

    status: int = 200
    json: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    def encoded(self) -> tuple[bytes, dict[str, str]]:
        if self.json is not None:
            return json.dumps(self.json).encode(), {"Content-Type": "application/json", **self.headers}
        return self.body, dict(self.headers)


Handler = Callable[[Recorded, "re.Match[str]"], Reply]
Hook = Callable[[Recorded], None]


@dataclass
class _Route:
    method: str
    pattern: re.Pattern[str]
    handler: Handler


@dataclass
class _Script:
    method: str
    pattern: re.Pattern[str]
    reply: Reply | None
    remaining: int
    delay: float = 0.0


class FakeServer:
    """A threaded HTTP server on 127.0.0.1 with a free port; use as a context manager."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self._routes: list[_Route] = []
        self._scripts: list[_Script] = []
        self._hooks: list[tuple[str, re.Pattern[str], Hook]] = []
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ set-up

    def route(self, method: str, pattern: str, handler: Handler) -> None:
        """Answer ``method`` requests whose path fully matches ``pattern`` with ``handler``."""
        self._routes.append(_Route(method, re.compile(pattern), handler))

    def fail_next(self, method: str, pattern: str, reply: Reply, *, times: int = 1) -> None:
        """Answer the next ``times`` matching requests with ``reply`` (the route does not run)."""
        with self._lock:
            self._scripts.append(_Script(method, re.compile(pattern), reply, times))

    def stall_next(self, method: str, pattern: str, seconds: float, *, times: int = 1) -> None:
        """Handle the next matching requests normally but answer only after ``seconds``."""
        with self._lock:
            self._scripts.append(_Script(method, re.compile(pattern), None, times, delay=seconds))

    def after(self, method: str, pattern: str, hook: Hook) -> None:
        """Run ``hook`` after a matching request was handled, before its answer is written."""
        self._hooks.append((method, re.compile(pattern), hook))

    def new_id(self) -> int:
        """A fresh number for ids the fake hands out (thread-safe, starts at 1)."""
        with self._lock:
            return next(self._ids)

    # ------------------------------------------------------------------ running

    @property
    def url(self) -> str:
        assert self._server is not None, "start the server first"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> Self:
        fake = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # An answer leaves in two writes (headers, then body); with Nagle's algorithm on,
            # the second waits for the client's delayed ACK: about 40 ms per request.
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: Any) -> None:
                return

            def _serve(self) -> None:
                fake._serve(self)

            do_GET = do_POST = do_PUT = do_DELETE = _serve

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        # A short poll so stop() returns at once instead of after serve_forever's 0.5 s default.
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02},
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------------ queries

    def requests_to(self, method: str, pattern: str) -> list[Recorded]:
        regex = re.compile(pattern)
        return [r for r in self.requests if r.method == method and regex.fullmatch(r.path)]

    # ------------------------------------------------------------------ internals

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        split = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        recorded = Recorded(handler.command, split.path, parse_qs(split.query, keep_blank_values=True),
                            {key.lower(): value for key, value in handler.headers.items()}, body)
        with self._lock:
            self.requests.append(recorded)
            script = self._take_script(recorded)
        reply = script.reply if script is not None and script.reply is not None else self._dispatch(recorded)
        if script is not None and script.delay:
            time.sleep(script.delay)
        try:
            for method, pattern, hook in self._hooks:
                if method == recorded.method and pattern.fullmatch(recorded.path):
                    hook(recorded)
        except DropConnection:
            handler.close_connection = True
            return
        payload, headers = reply.encoded()
        try:
            handler.send_response(reply.status)
            for key, value in headers.items():
                handler.send_header(key, value)
            handler.send_header("Content-Length", str(len(payload)))
            handler.end_headers()
            handler.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout test)
            handler.close_connection = True

    def _take_script(self, recorded: Recorded) -> _Script | None:
        for script in self._scripts:
            if script.remaining > 0 and script.method == recorded.method and script.pattern.fullmatch(recorded.path):
                script.remaining -= 1
                return script
        return None

    def _dispatch(self, recorded: Recorded) -> Reply:
        for route in self._routes:
            if route.method == recorded.method:
                match = route.pattern.fullmatch(recorded.path)
                if match:
                    return route.handler(recorded, match)
        return Reply(404, {"error": f"the fake has no route for {recorded.method} {recorded.path}"})
