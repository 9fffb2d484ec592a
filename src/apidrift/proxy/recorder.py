"""The recorder: a worker process that redacts each completed exchange into the HAR files, off the
request path. A process, not a thread: redacting a body is Python work that would hold the GIL while
the event loop waits to forward the next request (a millisecond per exchange, measured)."""

from __future__ import annotations

import multiprocessing
import os
import queue
import signal
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

from apidrift.errors import ProxyError
from apidrift.live.redaction import RedactionRules
from apidrift.proxy.capture import Captured
from apidrift.proxy.har import DEFAULT_FILE_BYTES, HarFiles, credentials, har_entry

# Exchanges waiting for the recorder; with bodies capped, this bounds the memory they hold.
QUEUE_SIZE: Final = 32
# Findings kept in full; past this many, only counted.
MAX_FINDINGS: Final = 1000


@dataclass(frozen=True, slots=True, kw_only=True)
class ProxyFinding:
    """Something the proxy met that the check cannot see: a body too large to keep, no upstream answer."""

    kind: str
    method: str
    path: str
    message: str
    status: int | None = None


@dataclass(frozen=True, kw_only=True)
class Recorded:
    """What the recorder wrote: its HAR files, how many exchanges, and its findings (some only counted)."""

    paths: tuple[Path, ...]
    exchanges: int
    findings: tuple[ProxyFinding, ...]
    findings_left_out: int


class Recorder:
    """Takes captured exchanges from the event loop and has its worker process write them, redacted."""

    def __init__(
        self,
        folder: Path,
        rules: RedactionRules,
        *,
        body_cap: int,
        max_file_bytes: int = DEFAULT_FILE_BYTES,
    ) -> None:
        # spawn: the proxy may run on a thread of a bigger program, where fork is unsafe.
        context = multiprocessing.get_context("spawn")
        self._queue: Any = context.Queue(QUEUE_SIZE)
        self._results, sender = context.Pipe(duplex=False)
        self._process = context.Process(
            target=_work,
            args=(self._queue, sender, folder, rules, body_cap, max_file_bytes, os.getpid()),
            name="apidrift-proxy-recorder",
            daemon=True,
        )

    def start(self) -> None:
        self._process.start()

    def put(self, captured: Captured) -> None:
        """Queue one exchange; blocks while the queue is full (the recorder fell far behind), never on
        a recorder that is gone (close() then says why)."""
        while True:
            try:
                self._queue.put(captured, timeout=1.0)
                return
            except queue.Full:
                if not self._process.is_alive():
                    return

    def try_put(self, captured: Captured) -> bool:
        try:
            self._queue.put_nowait(captured)
        except queue.Full:
            return False
        return True

    def close(self) -> Recorded:
        """Let the worker write what is queued and close its files; what it wrote."""
        self._queue.put(None)
        try:
            outcome = self._results.recv()
        except EOFError:
            outcome = ("error", f"the recorder process ended (exit code {self._process.exitcode})")
        self._process.join(timeout=30)
        self._queue.close()
        if outcome[0] == "error":
            raise ProxyError(f"the proxy's recorder failed: {outcome[1]}")
        recorded: Recorded = outcome[1]
        return recorded


def _work(
    inbox: Any,
    results: Connection,
    folder: Path,
    rules: RedactionRules,
    body_cap: int,
    max_file_bytes: int,
    parent: int,
) -> None:
    """The worker's loop: redact and append each exchange until told to stop (or the proxy is gone)."""
    # Ctrl-C reaches the whole process group; the proxy decides when the recorder stops.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    files = HarFiles(folder, max_file_bytes=max_file_bytes)
    notes = _Notes(rules, body_cap)
    exchanges = 0
    try:
        while True:
            try:
                captured = inbox.get(timeout=1.0)
            except queue.Empty:
                if os.getppid() != parent:
                    return  # the proxy was killed: nobody will read the result
                continue
            if captured is None:
                break
            notes.note(captured)
            files.append(har_entry(captured, rules, body_cap=body_cap))
            exchanges += 1
        paths = files.close()
        outcome = Recorded(
            paths=tuple(paths),
            exchanges=exchanges,
            findings=tuple(notes.findings),
            findings_left_out=notes.left_out,
        )
        results.send(("ok", outcome))
    except Exception as exc:
        files.close()
        failure = rules.text(f"{type(exc).__name__}: {exc}")
        _drain(inbox, parent)  # the proxy goes on forwarding: its puts must not block on a full queue
        results.send(("error", failure))


def _drain(inbox: Any, parent: int) -> None:
    while os.getppid() == parent:
        try:
            if inbox.get(timeout=1.0) is None:
                return
        except queue.Empty:
            continue


class _Notes:
    """The findings only the proxy can make, kept up to MAX_FINDINGS and counted past it."""

    def __init__(self, rules: RedactionRules, cap: int) -> None:
        self._rules = rules
        self._cap = cap
        self.findings: list[ProxyFinding] = []
        self.left_out = 0

    def note(self, c: Captured) -> None:
        known = self._rules.with_secrets(credentials(c.request_headers, self._rules))
        path = known.text(urlsplit(c.url).path)
        found = []
        if c.error is not None:
            found.append(
                ProxyFinding(kind="connection", method=c.method, path=path, message=known.text(c.error))
            )
        if c.request_body is None:
            found.append(self._too_large(c, path, "request", c.request_size))
        if c.response_body is None:
            found.append(self._too_large(c, path, "response", c.response_size))
        for finding in found:
            if len(self.findings) < MAX_FINDINGS:
                self.findings.append(finding)
            else:
                self.left_out += 1

    def _too_large(self, c: Captured, path: str, side: str, size: int) -> ProxyFinding:
        message = (
            f"{side} body of {size} bytes is over the {self._cap}-byte cap: forwarded, not kept or checked"
        )
        return ProxyFinding(kind="too_large", method=c.method, path=path, message=message, status=c.status)
