"""What a live call comes to: an `Exchange` (an answer) or a `TransportFinding` (why there is none),
the retry policy, and the errors of a client used wrongly."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from apidrift.errors import LiveError


class FindingKind(StrEnum):
    HTTP_429 = "http_429"
    HTTP_5XX = "http_5xx"
    TIMEOUT = "timeout"
    CONNECTION = "connection"
    MALFORMED_JSON = "malformed_json"
    HTML_ERROR_PAGE = "html_error_page"
    BUDGET_EXHAUSTED = "budget_exhausted"
    UNEXPECTED_STATUS = "unexpected_status"
    # The request was never sent: its URL would leave the operation's path template.
    UNSAFE_PATH = "unsafe_path"
    # The server broke HTTP/1.1 framing (bytes after a response's end); the connection was closed.
    PROTOCOL_VIOLATION = "protocol_violation"
    # The body (decoded) was larger than the client reads; it was neither kept nor recorded.
    TOO_LARGE = "too_large"
    # Not sent: the server had answered none of the last requests (each timed out or was refused).
    SERVER_UNRESPONSIVE = "server_unresponsive"


@dataclass(frozen=True)
class Exchange:
    """One answered request: a JSON (or empty) body with an expected status, redacted."""

    method: str
    path_template: str
    path: str
    query: dict[str, str]
    status: int
    headers: dict[str, str]
    body: Any
    elapsed_s: float
    attempts: int
    operation: str | None = None

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


@dataclass(frozen=True)
class TransportFinding:
    """A request that produced no usable response, and why; `status` is the last one seen, if any."""

    kind: FindingKind
    message: str
    attempts: int
    method: str
    path_template: str
    path: str
    status: int | None = None
    operation: str | None = None


Outcome = Exchange | TransportFinding


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to retry; `max_retry_after_s` caps how long a server may make us wait."""

    max_attempts: int = 4
    backoff_base_s: float = 0.5
    backoff_cap_s: float = 20.0
    max_retry_after_s: float = 60.0

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise LiveError(f"max_attempts must be at least 1, got {self.max_attempts}")
