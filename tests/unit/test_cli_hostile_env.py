"""A hostile environment at the command line: report targets that cannot be written, a full disk, numbers
out of range, a key a header cannot carry, a port in use. One `error:` line each (or typer's usage
error), exit 2, never a traceback."""

from __future__ import annotations

import errno
import json
import socket
from pathlib import Path

import pytest

from cli_support import run_cli

REPO = Path(__file__).resolve().parents[2]
GOOD = REPO / "recordings" / "openai-admin" / "2026-05-02" / "archive-project.json"


def _recordings(folder: Path) -> None:
    folder.mkdir()
    (folder / "good.json").write_bytes(GOOD.read_bytes())


def _one_error(done: object) -> str:
    stderr: str = done.stderr  # type: ignore[attr-defined]
    assert "Traceback" not in stderr + done.stdout  # type: ignore[attr-defined]
    errors = [line for line in stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, stderr
    return errors[0]


@pytest.mark.parametrize(
    ("target", "make", "expected"),
    [
        ("out", "file", "error: out: cannot read or write: File exists"),
        ("f/out", "file:f", "error: f/out: cannot read or write: Not a directory"),
    ],
)
def test_a_report_folder_that_cannot_be_made_is_one_error_line_naming_it(
    tmp_path: Path, target: str, make: str, expected: str
) -> None:
    _recordings(tmp_path / "recs")
    (tmp_path / (make.split(":")[1] if ":" in make else target)).write_text("x")
    done = run_cli("check", "--recordings", "recs", "--reports", target, cwd=tmp_path)
    assert done.returncode == 2
    assert _one_error(done) == expected


def test_a_full_disk_while_writing_the_reports_names_the_file_and_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(self: Path, data: str, *args: object, **kwargs: object) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")  # as a write names no file

    _recordings(tmp_path / "recs")
    monkeypatch.setattr(Path, "write_text", full)
    done = run_cli("check", "--recordings", "recs", "--reports", "out", "--format", "md", cwd=tmp_path)
    assert done.returncode == 2
    assert _one_error(done) == "error: out/report.md: cannot read or write: No space left on device"


def test_a_full_disk_under_an_atomic_write_names_the_file_and_leaves_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import apidrift.files

    def full(descriptor: int, mode: str) -> object:
        raise OSError(errno.EFBIG, "File too large")

    monkeypatch.setattr(apidrift.files.os, "fdopen", full)
    with pytest.raises(OSError) as info:
        apidrift.files.atomic_write(tmp_path / "report.json", "{}")
    assert info.value.filename == str(tmp_path / "report.json")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "args",
    [
        ("check", "--live", "--concurrency", "0"),
        ("check", "--live", "--concurrency", "-1"),
        ("check", "--live", "--budget", "-5"),
        ("check", "--live", "--run-deadline", "-1"),
        ("check", "--live", "--run-deadline", "nan"),
        ("check", "--live", "--max-body-mb", "inf"),
        ("check", "--live", "--max-body-mb", "nan"),
        ("serve", "--latency", "inf"),
        ("serve", "--port", "70000"),
        ("proxy", "--upstream", "http://127.0.0.1:9", "--max-body-mb", "-1"),
    ],
)
def test_numbers_out_of_range_or_not_finite_are_usage_errors(tmp_path: Path, args: tuple[str, ...]) -> None:
    done = run_cli(*args, cwd=tmp_path)
    assert done.returncode == 2
    assert "Invalid value for" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("key", ["sk-admin-é€", "sk-admin-abc\r\nX-Evil: 1", "sk-admin-a\tb"])
def test_a_key_a_header_cannot_carry_is_refused_without_printing_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, key: str
) -> None:
    monkeypatch.setenv("OPENAI_ADMIN_KEY", key)
    done = run_cli("check", "--live", "--base-url", "http://127.0.0.1:9/v1", "--no-reports", cwd=tmp_path)
    assert done.returncode == 2
    line = _one_error(done)
    assert line == "error: the API key in OPENAI_ADMIN_KEY holds a character a header cannot carry"
    assert key not in done.stdout + done.stderr


def test_a_base_url_that_is_no_url_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_ADMIN_KEY", "sk-admin-" + "x" * 20)
    done = run_cli("check", "--live", "--base-url", "http://[::1", "--no-reports", cwd=tmp_path)
    assert done.returncode == 2
    assert _one_error(done) == "error: base URL is not a URL (Invalid IPv6 URL)"


def test_a_ledger_that_is_a_folder_is_refused_not_taken_for_no_ledger(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_ADMIN_KEY", "sk-admin-" + "x" * 20)
    (tmp_path / "ledger").mkdir()
    done = run_cli("cleanup", "--ledger", "ledger", "--dry-run", cwd=tmp_path)
    assert done.returncode == 2
    assert _one_error(done) == "error: ledger: not a ledger file (a folder or a device): nothing was undone"


def test_a_saved_report_in_utf_16_is_one_error_line(tmp_path: Path) -> None:
    (tmp_path / "r.json").write_bytes(json.dumps({"a": 1}).encode("utf-16"))
    done = run_cli("report", "r.json", "--format", "md", "--out", "o.md", cwd=tmp_path)
    assert done.returncode == 2
    assert _one_error(done) == "error: r.json: not UTF-8: byte 0xff at line 1 column 1"


def test_serve_on_a_port_in_use_is_one_error_line(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        done = run_cli("serve", "--port", str(port), cwd=tmp_path)
    assert done.returncode == 2
    assert _one_error(done).startswith(f"error: cannot listen on 127.0.0.1:{port}: ")
