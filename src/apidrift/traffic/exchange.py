"""One HTTP exchange as any traffic format holds it, whatever wrote it (a browser, a proxy, vcrpy)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any
from urllib.parse import SplitResult, parse_qsl, urlsplit

from apidrift.traffic.streamed import Streamed

Headers = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Exchange:
    """A request and the response it got; bodies are the bytes on the wire after content decoding
    (None: no body recorded). `where` names it in its file (`FILE#POINTER`)."""

    where: str
    method: str
    url: str
    request_headers: Headers = ()
    request_body: bytes | None = None
    status: int = 0
    response_headers: Headers = ()
    response_body: bytes | None = None

    @cached_property
    def _url(self) -> SplitResult:
        return urlsplit(self.url)

    @property
    def path(self) -> str:
        """The raw (still percent-encoded) path, without query or fragment."""
        return self._url.path or "/"

    @property
    def query(self) -> tuple[tuple[str, str], ...]:
        """The query's parameters in order, repeated names repeated, values decoded."""
        return tuple(parse_qsl(self._url.query, keep_blank_values=True))

    def request_header(self, name: str) -> str | None:
        return _header(self.request_headers, name)

    def response_header(self, name: str) -> str | None:
        return _header(self.response_headers, name)


def _header(headers: Headers, name: str) -> str | None:
    lower = name.lower()
    return next((v for k, v in headers if k.lower() == lower), None)


def taken(items: list[Any]) -> Iterator[tuple[int, Any]]:
    """Each item of a parsed capture's list with its index, dropped from the list as it is taken: an
    exchange made of it is all that is kept, so memory falls as a large file is checked. A list a
    large capture streams (`Streamed`) is read an item at a time instead."""
    if isinstance(items, Streamed):
        yield from enumerate(items.items())
        return
    for i in range(len(items)):
        item, items[i] = items[i], None
        yield i, item


def is_json_type(content_type: str | None) -> bool:
    """`application/json`, `application/problem+json` and the like (parameters ignored)."""
    media = (content_type or "").split(";", 1)[0].strip().lower()
    return media.endswith("/json") or media.endswith("+json")


@dataclass(frozen=True)
class Unmatched:
    """An exchange (or the response of one) that could not be checked: why, and where it is."""

    where: str
    method: str
    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.method} {self.path}: {self.reason}"
