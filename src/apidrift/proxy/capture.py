"""What the proxy keeps of one exchange while it forwards it: raw, unredacted, only in memory, and only
until the recorder thread has redacted it into the HAR file."""

from __future__ import annotations

from dataclasses import dataclass


class BodyTap:
    """A copy of a body as it streams past, kept only up to `cap` bytes; its size is always counted."""

    __slots__ = ("_chunks", "cap", "size")

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.size = 0
        self._chunks: list[bytes] | None = []

    def add(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self._chunks is None:
            return
        if self.size > self.cap:
            self._chunks = None  # over the cap: nothing of it is kept (a finding says how large it was)
        else:
            self._chunks.append(chunk)

    @property
    def kept(self) -> bytes | None:
        """The whole body, or None when it ran past the cap."""
        return None if self._chunks is None else b"".join(self._chunks)


@dataclass(frozen=True, slots=True, kw_only=True)
class Captured:
    """One exchange as it passed: the request sent upstream and the answer the client got.

    Bodies are None when they ran past the cap (their sizes are still known); `status` is None and
    `error` says why when the upstream gave no answer (the client then got a 502 from the proxy)."""

    started: float
    elapsed_ms: float
    method: str
    url: str
    request_headers: tuple[tuple[str, str], ...]
    request_body: bytes | None
    request_size: int
    status: int | None
    reason: str
    http_version: str
    response_headers: tuple[tuple[str, str], ...]
    response_body: bytes | None
    response_size: int
    error: str | None = None
