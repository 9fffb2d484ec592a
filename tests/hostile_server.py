"""A raw-socket HTTP/1.1 server on 127.0.0.1 that answers exactly the bytes a test tells it to (a body
on a 204, a lying Content-Length, a Set-Cookie carrying the key) and logs every request line and
header block as it arrived on the wire, before any normalisation."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RawRequest:
    """One request as its bytes arrived: method, target (raw path and query), headers (lower-cased)."""

    method: str
    target: str
    headers: dict[str, str]
    body: bytes
    connection: int

    @property
    def path(self) -> str:
        return self.target.split("?", 1)[0]


@dataclass(frozen=True)
class Trickle:
    """An answer sent one byte at a time, `every_s` apart (a server that never trips a read timeout)."""

    data: bytes
    every_s: float


# (request, its number on this connection from 1) -> the raw bytes to answer with.
Responder = Callable[[RawRequest, int], "bytes | Trickle"]


def response(status: int, body: Any = None, *, headers: dict[str, str] | None = None) -> bytes:
    """A well-formed response: a JSON body (if any) with its true Content-Length."""
    content = b"" if body is None else json.dumps(body).encode()
    lines = [f"HTTP/1.1 {status} {'OK' if status < 300 else 'Other'}"]
    fields = {"Content-Type": "application/json", "Content-Length": str(len(content)), **(headers or {})}
    if status in (204, 304):
        del fields["Content-Length"]
    lines += [f"{k}: {v}" for k, v in fields.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + content


class HostileServer:
    """Serves each connection on its own thread; `requests` is the log, in arrival order."""

    def __init__(self, responder: Responder) -> None:
        self.responder = responder
        self.requests: list[RawRequest] = []
        self.connections = 0
        self._lock = threading.Lock()
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self.base_url = f"http://127.0.0.1:{self._sock.getsockname()[1]}"
        self._open: list[socket.socket] = []
        self._stopping = threading.Event()
        self._threads = [threading.Thread(target=self._accept, daemon=True)]

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._sock.accept()
            except OSError:  # closed by stop()
                return
            with self._lock:
                self.connections += 1
                number = self.connections
                self._open.append(conn)
            thread = threading.Thread(target=self._serve, args=(conn, number), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, conn: socket.socket, number: int) -> None:
        buffer, served = b"", 0
        try:
            while True:
                while b"\r\n\r\n" not in buffer:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    buffer += chunk
                head, buffer = buffer.split(b"\r\n\r\n", 1)
                lines = head.decode("latin-1").split("\r\n")
                method, target, _ = lines[0].split(" ", 2)
                headers = {k.strip().lower(): v.strip() for k, v in (ln.split(":", 1) for ln in lines[1:])}
                length = int(headers.get("content-length", "0"))
                while len(buffer) < length:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    buffer += chunk
                body, buffer = buffer[:length], buffer[length:]
                request = RawRequest(method, target, headers, body, number)
                with self._lock:
                    self.requests.append(request)
                served += 1
                answer = self.responder(request, served)
                if isinstance(answer, Trickle):
                    for i in range(len(answer.data)):
                        if self._stopping.wait(answer.every_s):
                            return
                        conn.sendall(answer.data[i : i + 1])
                    answer = answer.data
                else:
                    conn.sendall(answer)
                if b"\r\nconnection: close\r\n" in answer.split(b"\r\n\r\n", 1)[0].lower() + b"\r\n":
                    return  # as a server that says so does
        except OSError:
            return
        finally:
            conn.close()

    def start(self) -> None:
        self._threads[0].start()

    def stop(self) -> None:
        self._stopping.set()
        # shutdown() wakes the thread blocked in accept(); close() alone does not on Linux.
        with suppress(OSError):
            self._sock.shutdown(socket.SHUT_RDWR)
        self._sock.close()
        self._threads[0].join(timeout=5)  # no connection is accepted after this
        with self._lock:
            for conn in self._open:
                with suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)
        for thread in self._threads[1:]:
            thread.join(timeout=5)


@contextmanager
def hostile_server(responder: Responder) -> Iterator[HostileServer]:
    """A running server for the `with` block; stopped (every connection closed) when it ends."""
    server = HostileServer(responder)
    server.start()
    try:
        yield server
    finally:
        server.stop()
