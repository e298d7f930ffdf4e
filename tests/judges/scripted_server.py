"""A real local HTTP server speaking the chat-completions protocol, answering from a script.

Tests and the judge benchmark point the LLM judge at it: nothing leaves the machine. The server
listens on 127.0.0.1, port 0 (a free one), in a daemon thread; each request takes the next
:class:`Reply` of the script (a queue) or, when the queue is empty, what ``default`` returns for the
request body. A reply can be a good answer, any status with headers (429 + Retry-After), a raw body
(malformed JSON), a hang (cut short when the server stops, so it never blocks shutdown) or a body cut
short of its Content-Length. ``formats`` lists the ``response_format`` types the server accepts; any
other is refused with 400 before the script is read, like servers without structured output.
"""

from __future__ import annotations

import json
import socket
import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Iterable


@dataclass(frozen=True)
class Reply:
    """One scripted response. ``content`` is the model's answer text; ``body`` (raw) replaces the whole
    completion; ``usage`` ``None`` leaves the usage object out; ``hang`` waits that many seconds first;
    ``cut`` sends half the body under a Content-Length for all of it, then closes the connection."""

    content: str | None = '{"errors": []}'
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: str | bytes | None = None
    usage: tuple[int, int] | None = (120, 30)
    finish_reason: str = "stop"
    hang: float = 0.0
    cut: bool = False


def answer(*errors: dict[str, str], **kwargs: Any) -> Reply:
    """A good answer listing ``errors`` (dicts with span, side, category, severity, explanation)."""
    return Reply(content=json.dumps({"errors": list(errors)}, ensure_ascii=False), **kwargs)


def error(span: str, category: str = "mistranslation", severity: str = "major", side: str = "translation",
          explanation: str = "wrong") -> dict[str, str]:
    """One error object as the prompt asks for it."""
    return {"span": span, "side": side, "category": category, "severity": severity, "explanation": explanation}


def user_text(body: dict[str, Any]) -> str:
    """The user message of a request body (the abstracts)."""
    return next(m["content"] for m in body["messages"] if m["role"] == "user")


class ScriptedServer:
    """The server; use as a context manager or call :meth:`start`/:meth:`stop`. ``url`` is the base URL
    (``http://127.0.0.1:PORT/v1``); ``requests`` the bodies received (refused formats included),
    ``headers`` their headers; ``latency`` seconds are added to every answer."""

    def __init__(
        self,
        script: Iterable[Reply] = (),
        *,
        default: Callable[[dict[str, Any]], Reply] | None = None,
        latency: float = 0.0,
        formats: tuple[str | None, ...] = ("json_schema", "json_object", None),
    ) -> None:
        self.script: deque[Reply] = deque(script)
        self.default = default or (lambda body: Reply())
        self.latency = latency
        self.formats = formats
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The base URL the judge is pointed at."""
        assert self._server is not None, "start the server first"
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def push(self, *replies: Reply) -> None:
        """Queue more replies."""
        with self._lock:
            self.script.extend(replies)

    def _next(self, body: dict[str, Any]) -> Reply:
        with self._lock:
            if self.script:
                return self.script.popleft()
        return self.default(body)

    def start(self) -> "ScriptedServer":
        """Listen on a free port of 127.0.0.1 and serve in a daemon thread."""
        scripted = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as real servers do

            def setup(self) -> None:
                super().setup()
                # headers and body go out in separate writes: without this, Nagle's algorithm holds the
                # body until the client's delayed ACK (~40 ms), which would swamp the scripted latency
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def log_message(self, *args: Any) -> None:
                pass  # keep test output clean

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                try:
                    body = json.loads(raw)
                except ValueError:
                    self._send(400, b'{"error": {"message": "request body is not JSON"}}')
                    return
                with scripted._lock:
                    scripted.requests.append(body)
                    scripted.headers.append(dict(self.headers.items()))
                if self.path.rstrip("/") != "/v1/chat/completions":
                    self._send(404, b'{"error": {"message": "no such route"}}')
                    return
                kind = (body.get("response_format") or {}).get("type")
                if kind not in scripted.formats:
                    message = f"response_format {kind} is not supported by this server"
                    self._send(400, json.dumps({"error": {"message": message}}).encode())
                    return
                reply = scripted._next(body)
                wait = scripted.latency + reply.hang
                if wait and scripted._stopping.wait(wait):
                    self.close_connection = True
                    return
                self._send(reply.status, _payload(reply, body), reply.headers, cut=reply.cut)

            def _send(self, status: int, payload: bytes, headers: dict[str, str] | None = None, cut: bool = False) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                if cut:
                    self.wfile.write(payload[: len(payload) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self.wfile.write(payload)

        server = _Server(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        server.block_on_close = False
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; hanging replies end at once."""
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> "ScriptedServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class _Server(ThreadingHTTPServer):
    # The default backlog of 5 makes a burst of 32 new connections wait for SYN retransmits (1 s)
    request_queue_size = 128


def _payload(reply: Reply, body: dict[str, Any]) -> bytes:
    if reply.body is not None:
        return reply.body.encode() if isinstance(reply.body, str) else reply.body
    if reply.status != 200:
        return json.dumps({"error": {"message": f"scripted status {reply.status}"}}).encode()
    completion: dict[str, Any] = {
        "id": "chatcmpl-scripted",
        "object": "chat.completion",
        "model": body.get("model"),
        "choices": [{"index": 0, "message": {"role": "assistant", "content": reply.content}, "finish_reason": reply.finish_reason}],
    }
    if reply.usage is not None:
        completion["usage"] = {"prompt_tokens": reply.usage[0], "completion_tokens": reply.usage[1],
                               "total_tokens": sum(reply.usage)}
    return json.dumps(completion, ensure_ascii=False).encode()
