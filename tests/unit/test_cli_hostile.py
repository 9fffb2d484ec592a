"""Hostile inputs at the command line: one clear line each, exit 2, and everything else still checked."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from cli_support import run_cli

REPO = Path(__file__).resolve().parents[2]
GOOD = REPO / "recordings" / "openai-admin" / "2026-05-02" / "archive-project.json"


def _good() -> dict[str, object]:
    data: dict[str, object] = json.loads(GOOD.read_text())
    return data


def _plant(folder: Path, name: str, content: bytes | None) -> None:
    """One good recording beside one bad file (None: a FIFO)."""
    folder.mkdir()
    shutil.copy(GOOD, folder / "good.json")
    if content is None:
        os.mkfifo(folder / name)
    else:
        (folder / name).write_bytes(content)


BAD = {
    "deep": (b'{"body": ' + b"[" * 10_000 + b"]" * 10_000 + b"}", "bad.json: nested deeper than 256 levels"),
    "duplicate": (
        json.dumps(_good())[:-1].encode() + b', "status": 500}',
        "bad.json#/status: duplicate key 'status'",
    ),
    "nan": (json.dumps({**_good(), "body": {"n": float("nan")}}).encode(), "bad.json#/body/n: NaN is not"),
    "utf8": (json.dumps(_good()).encode()[:-1] + b"\xff}", "bad.json: not UTF-8: byte 0xff at line 1"),
    "fifo": (None, "bad.json: not a regular file (a FIFO): skipped"),
    "truncated": (json.dumps(_good()).encode()[:40], "bad.json: not JSON: "),
    "huge integer": (
        json.dumps({**_good(), "body": {"n": 0}}).replace('"n": 0', '"n": ' + "9" * 100_000).encode(),
        "bad.json#/body/n: a number of 100,000 characters has more than 4,300 digits",
    ),
    "1e999": (
        json.dumps({**_good(), "body": {"n": 0}}).replace('"n": 0', '"n": 1e999').encode(),
        "bad.json#/body/n: 1e999 is too large for a JSON number",
    ),
    "lone surrogate": (
        json.dumps({**_good(), "body": {"name": "\ud800"}}).encode(),  # written as the escape \ud800
        "bad.json#/body/name: a lone surrogate",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_each_bad_recording_is_one_error_line_and_the_good_one_is_still_checked(
    tmp_path: Path, case: str
) -> None:
    content, expected = BAD[case]
    _plant(tmp_path / "recs", "bad.json", content)
    done = run_cli("check", "--recordings", "recs", "--reports", "out", cwd=tmp_path)
    assert done.returncode == 2
    assert "Traceback" not in done.stdout + done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and f"recs/{expected}" in errors[0], done.stderr
    assert "1 of 1 responses valid" in done.stdout
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["summary"]["responses"] == 1 and report["summary"]["exit_code"] == 2


def test_an_empty_recordings_folder_fails_instead_of_passing_having_checked_nothing(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    done = run_cli("check", "--recordings", "empty", "--reports", "out", cwd=tmp_path)
    assert done.returncode == 2
    assert "error: empty: no recordings (*.json files) in this folder" in done.stderr


def test_an_unknown_api_fails_and_names_the_apis_that_have_contracts(tmp_path: Path) -> None:
    done = run_cli("check", "--api", "no-such-api", "--reports", "out", cwd=tmp_path)
    assert done.returncode == 2
    assert "no contract versions for API 'no-such-api' (APIs with contracts: " in done.stderr
    assert "openai-admin" in done.stderr


def test_a_fault_in_apidrift_itself_is_one_line_and_exit_3(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import apidrift.cli.check

    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(apidrift.cli.check, "check_recordings", broken)
    done = run_cli("check", "--reports", "out", cwd=tmp_path)
    assert done.returncode == 3
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stdout
    assert lines[0].startswith("error: internal error in apidrift ")
    assert "ZeroDivisionError: division by zero at test_cli_hostile.py:" in lines[0]
    assert "please report it" in lines[0]


def test_a_body_that_defeats_the_validator_is_a_finding_about_that_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import apidrift.check.checker

    real = apidrift.check.checker.fingerprint

    def fragile(validators: object, operation: str, status: int, body: object) -> object:
        if isinstance(body, dict) and body.get("poison"):
            raise RecursionError("maximum recursion depth exceeded")
        return real(validators, operation, status, body)  # type: ignore[arg-type]

    monkeypatch.setattr(apidrift.check.checker, "fingerprint", fragile)
    _plant(tmp_path / "recs", "bad.json", json.dumps({**_good(), "body": {"poison": True}}).encode())
    done = run_cli("check", "--recordings", "recs", "--reports", "out", cwd=tmp_path)
    assert done.returncode == 2
    assert "error: recs/bad.json: could not be checked: RecursionError: maximum recursion" in done.stderr
    assert "1 of 1 responses valid" in done.stdout


def test_a_bug_met_in_one_file_is_a_fault_about_that_file_exit_3_and_the_rest_is_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import apidrift.check.checker

    real = apidrift.check.checker.fingerprint

    def buggy(validators: object, operation: str, status: int, body: object) -> object:
        if isinstance(body, dict) and body.get("poison"):
            raise TypeError("unsupported operand type(s)")  # what a bug raises; JSON values never do
        return real(validators, operation, status, body)  # type: ignore[arg-type]

    monkeypatch.setattr(apidrift.check.checker, "fingerprint", buggy)
    _plant(tmp_path / "recs", "bad.json", json.dumps({**_good(), "body": {"poison": True}}).encode())
    done = run_cli("check", "--recordings", "recs", "--reports", "out", cwd=tmp_path)
    assert done.returncode == 3 and "Traceback" not in done.stdout + done.stderr
    assert "error: recs/bad.json: internal error in apidrift " in done.stderr
    assert "TypeError: unsupported operand type(s)" in done.stderr and "please report it" in done.stderr
    assert "1 of 1 responses valid" in done.stdout
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert report["exit_code"] == 3


def test_an_interrupted_check_still_writes_the_report_of_what_it_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C or SIGTERM (a CI cancel; `main` makes it a KeyboardInterrupt) midway through the folder."""
    import apidrift.check.checker

    real = apidrift.check.checker.RecordingChecker.check_file
    seen: list[str] = []

    def interrupted(self: object, folder: Path, path: Path | str, **kwargs: object) -> object:
        seen.append(str(path))
        if len(seen) == 3:
            raise KeyboardInterrupt
        return real(self, folder, path, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(apidrift.check.checker.RecordingChecker, "check_file", interrupted)
    folder = tmp_path / "recs"
    folder.mkdir()
    for i in range(5):
        shutil.copy(GOOD, folder / f"r{i}.json")
    done = run_cli("check", "--recordings", "recs", "--reports", "out", cwd=tmp_path)
    assert done.returncode == 2
    assert "interrupted: stopped after 2 of 5 recordings; what was checked is reported" in done.stdout
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["interrupted"] is True and report["exit_code"] == 2
    assert report["summary"]["responses"] == 2


def test_an_unreadable_recording_is_one_error_line_and_the_rest_is_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file the run may not read (EACCES; tests run as root, where mode 000 still reads, so the
    refusal is made at the `open`): a finding about that file, the good one still checked."""
    import errno

    import apidrift.contracts.safeload as safeload

    real_open = os.open

    def refusing(path: str | os.PathLike[str], flags: int, *args: int) -> int:
        if str(path).endswith("locked.json"):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return real_open(path, flags, *args)

    monkeypatch.setattr(safeload.os, "open", refusing)
    _plant(tmp_path / "recs", "locked.json", GOOD.read_bytes())
    done = run_cli("check", "--recordings", "recs", "--reports", "out", cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stdout + done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert errors == ["error: recs/locked.json: cannot read: Permission denied"], done.stderr
    assert "1 of 1 responses valid" in done.stdout
