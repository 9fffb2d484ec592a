"""What a live run puts on the wire: ids as opaque path segments, URLs that stay inside their
operation's template, no cookies, and no connection reused after a response that overran its end.

Every rule here holds for any API; `docs/security.md` names the tests that hold each one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from http.cookiejar import CookieJar, DefaultCookiePolicy
from typing import Any, Final
from urllib.parse import quote

import httpx

from apidrift.contracts import templates
from apidrift.errors import LiveError

# Set by `ForgetfulTransport` in a response's extensions when bytes followed the response's end.
PROTOCOL_VIOLATION_KEY: Final = "apidrift.protocol_violation"
_DOT_SEGMENTS: Final = frozenset({".", ".."})


def encode_segment(value: str) -> str:
    """`value` as one path segment that can only mean `value`: percent-encoded (`/`, `?`, `#`, `%`
    included), and a whole `.` or `..` spelled with `%2E`, since clients and servers remove literal
    dot segments (RFC 3986 §5.2.4) but never encoded ones."""
    encoded = quote(value, safe="")
    return encoded.replace(".", "%2E") if encoded in _DOT_SEGMENTS else encoded


def fill_path(template: str, params: Mapping[str, str]) -> str:
    """A concrete path from a template; each value is one opaque segment (`encode_segment`)."""
    path = templates.fill(template, params, encode_segment)
    unbound = [name for name in templates.names(template) if name not in params]
    if unbound or "{" in path:
        raise LiveError(f"unbound path parameter in {template} (given: {', '.join(params) or 'none'})")
    return path


def template_pattern(template: str) -> re.Pattern[str]:
    """The raw paths that are instances of `template`: its literal text, one non-empty segment per
    parameter (no `/`, `?` or `#`)."""
    return re.compile(templates.regex(template, "[^/?#]+"))


def leaves_template(template: str, path: str, base: httpx.URL, url: httpx.URL) -> str | None:
    """Why `url` (the request as it would go on the wire) is not `base` + `path`, or `path` is not an
    instance of `template`; None when both hold."""
    if (url.scheme, url.host, url.port) != (base.scheme, base.host, base.port):
        return f"the URL points at {url.scheme}://{url.host}, not at the base URL's host"
    prefix = base.raw_path.decode("ascii").rstrip("/")
    raw = url.raw_path.decode("ascii").split("?", 1)[0]
    if raw != prefix + path:  # httpx normalised it (a dot segment in the template, say)
        return f"the path would go out as {raw}, not {prefix + path}"
    if any(segment in _DOT_SEGMENTS for segment in path.split("/")):
        return f"the path {path} has a dot segment, which would move it to another resource"
    if template_pattern(template).fullmatch(path) is None:
        return f"the path {path} is not an instance of {template} (an empty or multi-segment id?)"
    return None


class _RefuseAll(DefaultCookiePolicy):
    """A cookie policy that neither stores a cookie nor sends one back."""

    def set_ok(self, cookie: Any, request: Any) -> bool:
        return False

    def return_ok(self, cookie: Any, request: Any) -> bool:
        return False


def no_cookies() -> CookieJar:
    """A cookie jar that forgets: a cookie a server sets (one carrying the key, say) is never sent back.
    A bare jar, as httpx keeps it as it is (a `Cookies` it would copy into a new jar, policy lost)."""
    return CookieJar(policy=_RefuseAll())


class _CheckedStream(httpx.AsyncByteStream):
    """A response body whose closing asks the transport whether bytes followed the response."""

    def __init__(self, inner: httpx.AsyncByteStream, transport: ForgetfulTransport) -> None:
        self._inner, self._transport = inner, transport
        self.extensions: dict[str, Any] = {}

    async def __aiter__(self) -> Any:
        async for part in self._inner:
            yield part

    async def aclose(self) -> None:
        await self._inner.aclose()
        await self._transport.close_if_overrun(self.extensions)


class ForgetfulTransport(httpx.AsyncHTTPTransport):
    """httpx's pooled HTTP/1.1 transport, except that a connection whose last response was followed by
    bytes (a body on a 204 or 304, a Content-Length shorter than the body) is closed, never reused:
    h11 would otherwise read those bytes as the answer to the next request on that connection."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await super().handle_async_request(request)
        assert isinstance(response.stream, httpx.AsyncByteStream)  # always so for this transport
        stream = _CheckedStream(response.stream, self)
        checked = httpx.Response(
            response.status_code, headers=response.headers, stream=stream, extensions=response.extensions
        )
        # httpx.Response copies the extensions it is given: the stream must mark the copy it returns.
        stream.extensions = checked.extensions
        return checked

    async def close_if_overrun(self, extensions: dict[str, Any]) -> None:
        """Close the connection that carried a response if unread bytes wait behind it, and say so."""
        network = extensions.get("network_stream")
        for connection in list(self._pool.connections):
            # httpcore keeps the h11 state private; `tests/unit/test_transport.py` fails if this changes.
            http11 = getattr(connection, "_connection", None)
            if network is None or getattr(http11, "_network_stream", None) is not network:
                continue
            h11_state = getattr(http11, "_h11_state", None)
            leftover = h11_state.trailing_data[0] if h11_state is not None else b""
            if leftover:
                await connection.aclose()
                extensions[PROTOCOL_VIOLATION_KEY] = (
                    f"{len(leftover)} bytes followed the end of the response "
                    "(a body on a 204/304, or a Content-Length shorter than the body)"
                )
            return
