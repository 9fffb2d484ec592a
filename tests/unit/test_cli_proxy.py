"""`apidrift proxy` as a user meets it when it cannot start: one `error:` line and exit 2, nothing
listening, nothing written."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from cli_support import run_cli


@pytest.mark.parametrize(
    ("upstream", "message"),
    [
        (
            "ftp://example.invalid",
            "error: --upstream 'ftp://example.invalid' is not an http:// or https:// URL",
        ),
        ("127.0.0.1:8000", "is not an http:// or https:// URL"),
        (
            "http://user:pw@127.0.0.1:9",
            "error: --upstream takes a base URL: no user, password, query or fragment",
        ),
    ],
)
def test_an_upstream_that_is_not_a_base_url_is_one_error_line(
    tmp_path: Path, upstream: str, message: str
) -> None:
    done = run_cli("proxy", "--upstream", upstream, cwd=tmp_path)
    assert done.returncode == 2
    assert message in done.stderr and len(done.stderr.splitlines()) == 1
    assert "pw" not in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_an_unknown_version_is_refused_before_anything_listens(tmp_path: Path) -> None:
    done = run_cli("proxy", "--upstream", "http://127.0.0.1:9", "--against", "1999-01-01", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.startswith("error: ") and "1999-01-01" in done.stderr
    assert "proxy on" not in done.stdout


def test_a_port_in_use_is_one_error_line(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = run_cli("proxy", "--upstream", "http://127.0.0.1:9", "--port", str(port), cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.startswith(f"error: cannot listen on 127.0.0.1:{port}: ")
