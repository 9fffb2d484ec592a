"""`apidrift proxy`: a local validating proxy. It forwards each request to an upstream and answers
the client with the upstream's response untouched (streams pass through as they come), writes each
finished exchange, redacted, to a HAR file off the request path, and when stopped checks that file
the way `check --har` does."""

from __future__ import annotations

from apidrift.proxy.check import ProxyCheck, check_session
from apidrift.proxy.server import ProxyOptions, ProxyServer, ProxySession, run_proxy

__all__ = ["ProxyCheck", "ProxyOptions", "ProxyServer", "ProxySession", "check_session", "run_proxy"]
