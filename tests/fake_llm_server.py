"""A real HTTP server on 127.0.0.1 that speaks the OpenAI chat-completions protocol.

For tests only (the LLM writer, the Streamlit app): replies are scripted, every
request is recorded.  Standard library only.

    with FakeLLMServer([Reply("Jawaban [1]."), Reply(status=500)]) as server:
        config = LLMConfig(base_url=server.url, model="fake")
        ...
        server.requests[0].json["messages"]

``script`` is either a list of :class:`Reply` (one per request, in order; the
last one repeats when ``repeat_last=True``, otherwise extra requests get an
HTTP 500 saying the script ran out) or a function ``RecordedRequest -> Reply``.
A request with ``"stream": true`` gets server-sent events (chunked transfer
encoding, like Ollama and llama.cpp); otherwise one JSON body.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Reply:
    """What the server answers to one request.

    content      the assistant message (plain JSON or streamed in pieces)
    status       HTTP status; non-200 sends an OpenAI-style error body
    body         raw body sent as is (overrides everything else but status)
    delay        seconds to wait before sending anything
    pieces       streamed content pieces (default: ``content`` split after spaces)
    piece_delay  seconds to wait between streamed pieces; for a plain reply, the
                 body is sent in 5 parts with this pause between them
    sse          raw server-sent-events text for streaming requests (overrides pieces);
                 a sequence of texts is sent part by part, ``piece_delay`` apart
    error        the error message for non-200 replies
    cut_after    for a stream: after this many content pieces the connection is
                 closed without ending the reply (a server that dies mid-answer)
    """

    content: str = ""
    status: int = 200
    body: str | None = None
    delay: float = 0.0
    pieces: Sequence[str] | None = None
    piece_delay: float = 0.0
    sse: str | Sequence[str] | None = None
    error: str = "fake server error"
    content_type: str | None = None
    cut_after: int | None = None


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]  # lower-case names
    body: bytes
    json: Any = field(default=None)

    @property
    def stream(self) -> bool:
        return bool(isinstance(self.json, dict) and self.json.get("stream"))


Script = Sequence[Reply] | Callable[[RecordedRequest], Reply]


def split_pieces(text: str) -> list[str]:
    """``text`` cut after every space (several pieces for any multi-word text)."""
    pieces: list[str] = []
    start = 0
    for i, ch in enumerate(text):
        if ch == " ":
            pieces.append(text[start : i + 1])
            start = i + 1
    if start < len(text):
        pieces.append(text[start:])
    return pieces


def closed_port_url() -> str:
    """A base URL on 127.0.0.1 where nothing listens (connection refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


class FakeLLMServer:
    def __init__(self, script: Script, *, repeat_last: bool = False, model: str = "fake-model") -> None:
        self.script = script
        self.repeat_last = repeat_last
        self.model = model
        self.requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.url = ""

    # -------------------------------------------------------------- lifecycle

    def start(self) -> str:
        """Start serving on a free port; returns the base URL (``http://127.0.0.1:PORT/v1``)."""
        handler = _make_handler(self)
        httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        httpd.daemon_threads = True
        httpd.block_on_close = False
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )
        self._thread.start()
        self.url = f"http://127.0.0.1:{httpd.server_address[1]}/v1"
        return self.url

    def stop(self) -> None:
        self._stopping.set()  # wakes handlers sleeping in a delay
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=2)
            self._thread = None

    def __enter__(self) -> "FakeLLMServer":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -------------------------------------------------------------- scripting

    def _next_reply(self, request: RecordedRequest) -> Reply:
        with self._lock:
            self.requests.append(request)
            index = len(self.requests) - 1
        if callable(self.script):
            return self.script(request)
        if index < len(self.script):
            return self.script[index]
        if self.repeat_last and self.script:
            return self.script[-1]
        return Reply(status=500, error=f"fake server: script has no reply #{index + 1}")

    def sleep(self, seconds: float) -> bool:
        """Wait; False when the server is stopping."""
        return not self._stopping.wait(seconds) if seconds > 0 else True


def _completion(model: str, content: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


def _chunk(model: str, delta: dict[str, str], finish: str | None = None) -> str:
    data = {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    return "data: " + json.dumps(data, ensure_ascii=False) + "\n\n"


def _make_handler(server: FakeLLMServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
            pass

        def do_GET(self) -> None:
            if self.path.rstrip("/").endswith("/models"):
                self._send_json(200, {"object": "list", "data": [{"id": server.model, "object": "model"}]})
            else:
                self._send_json(404, {"error": {"message": f"no route {self.path}"}})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            try:
                parsed = json.loads(body.decode("utf-8"))
            except ValueError:
                parsed = None
            request = RecordedRequest(
                method="POST",
                path=self.path,
                headers={k.lower(): v for k, v in self.headers.items()},
                body=body,
                json=parsed,
            )
            reply = server._next_reply(request)
            if not server.sleep(reply.delay):
                return
            try:
                if reply.body is not None:
                    self._send_raw(reply.status, reply.body.encode("utf-8"),
                                   reply.content_type or "application/json")
                elif reply.status != 200:
                    self._send_json(reply.status, {"error": {"message": reply.error, "type": "fake"}})
                elif request.stream:
                    self._send_stream(reply, server.model)
                else:
                    data = json.dumps(_completion(server.model, reply.content)).encode("utf-8")
                    self._send_raw(200, data, "application/json", trickle=reply.piece_delay)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (e.g. its timeout): fine

        # ---------------------------------------------------------- helpers

        def _send_raw(self, status: int, data: bytes, content_type: str, trickle: float = 0.0) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            parts = 5 if trickle > 0 else 1
            step = -(-len(data) // parts) or 1
            for i in range(0, len(data), step):
                if i and not server.sleep(trickle):
                    return
                self.wfile.write(data[i : i + step])
                self.wfile.flush()

        def _send_json(self, status: int, data: Any) -> None:
            self._send_raw(status, json.dumps(data, ensure_ascii=False).encode("utf-8"),
                           "application/json")

        def _write_chunk(self, text: str) -> None:
            data = text.encode("utf-8")
            self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
            self.wfile.flush()

        def _send_stream(self, reply: Reply, model: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", reply.content_type or "text/event-stream")
            self.send_header("Cache-Control", "no-cache")
            self.send_header("Transfer-Encoding", "chunked")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            if reply.sse is not None:
                parts = [reply.sse] if isinstance(reply.sse, str) else reply.sse
                for i, part in enumerate(parts):
                    if i and not server.sleep(reply.piece_delay):
                        return
                    self._write_chunk(part)
            else:
                self._write_chunk(_chunk(model, {"role": "assistant", "content": ""}))
                pieces = reply.pieces if reply.pieces is not None else split_pieces(reply.content)
                for i, piece in enumerate(pieces):
                    if i and not server.sleep(reply.piece_delay):
                        return
                    if i == reply.cut_after:
                        self.connection.shutdown(socket.SHUT_RDWR)  # no end of body, no [DONE]
                        return
                    self._write_chunk(_chunk(model, {"content": piece}))
                self._write_chunk(_chunk(model, {}, finish="stop"))
                self._write_chunk("data: [DONE]\n\n")
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()

    return Handler
