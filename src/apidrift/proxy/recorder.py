"""The recorder: a worker thread that redacts each completed exchange into the HAR files, off the
request path, so the proxy answers the client without waiting for any of it."""

from __future__ import annotations

import queue
import threading
from dataclasses import dataclass
from typing import Final
from urllib.parse import urlsplit

from apidrift.live.redaction import RedactionRules
from apidrift.proxy.capture import Captured
from apidrift.proxy.har import HarFiles, credentials, har_entry

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


class Recorder:
    """Takes captured exchanges (from the event loop) and writes them, redacted, on its own thread."""

    def __init__(self, files: HarFiles, rules: RedactionRules, *, body_cap: int) -> None:
        self._files = files
        self._rules = rules
        self._cap = body_cap
        self._queue: queue.Queue[Captured | None] = queue.Queue(QUEUE_SIZE)
        self._thread = threading.Thread(target=self._run, name="apidrift-proxy-recorder", daemon=True)
        self.findings: list[ProxyFinding] = []
        self.findings_left_out = 0
        self.recorded = 0
        self.failure: BaseException | None = None

    def start(self) -> None:
        self._thread.start()

    def put(self, captured: Captured) -> None:
        """Queue one exchange; blocks only while the queue is full (the recorder fell far behind)."""
        self._queue.put(captured)

    def try_put(self, captured: Captured) -> bool:
        try:
            self._queue.put_nowait(captured)
        except queue.Full:
            return False
        return True

    def close(self) -> None:
        """Write what is queued, then close the files."""
        self._queue.put(None)
        self._thread.join()
        if self.failure is not None:
            raise self.failure

    def _run(self) -> None:
        try:
            while (captured := self._queue.get()) is not None:
                self._note(captured)
                self._files.append(har_entry(captured, self._rules, body_cap=self._cap))
                self.recorded += 1
        except BaseException as exc:  # surfaced by close(); the proxy keeps forwarding meanwhile
            self.failure = exc
            while self._queue.get() is not None:
                pass
        finally:
            self._files.close()

    def _note(self, c: Captured) -> None:
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
                self.findings_left_out += 1

    def _too_large(self, c: Captured, path: str, side: str, size: int) -> ProxyFinding:
        message = (
            f"{side} body of {size} bytes is over the {self._cap}-byte cap: forwarded, not kept or checked"
        )
        return ProxyFinding(kind="too_large", method=c.method, path=path, message=message, status=c.status)
