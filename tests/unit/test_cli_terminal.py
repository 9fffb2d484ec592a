"""Terminal snapshots beside `check`'s (test_cli_check_summary.py): `diff` at 80 and 120 columns, plain
and on a colour terminal, and `check --verbose`/`--quiet`. Lines never run past the width, and the
same text shows with colour or without. Set APIDRIFT_UPDATE_SNAPSHOTS=1 to rewrite the files."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from cli_support import run_cli

DATA = Path(__file__).resolve().parents[1] / "data"
SNAPSHOTS = DATA / "terminal"
PETS = DATA / "pets"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _matches(name: str, text: str) -> None:
    snapshot = SNAPSHOTS / name
    if os.environ.get("APIDRIFT_UPDATE_SNAPSHOTS"):
        snapshot.write_text(text, encoding="utf-8")
    assert text == snapshot.read_text(encoding="utf-8")


@pytest.mark.parametrize("color", [False, True], ids=["plain", "colour"])
@pytest.mark.parametrize("columns", [80, 120])
def test_diff_text_fits_the_width_worst_first(columns: int, color: bool, tmp_path: Path) -> None:
    done = run_cli("diff", str(PETS / "old.yaml"), str(PETS / "new.yaml"), columns=columns, color=color)
    assert done.returncode == 1
    text = ANSI.sub("", done.stdout)
    assert max(len(line) for line in text.splitlines()) <= columns
    _matches(f"diff-pets-{columns}.txt", text)
    # The summary opens and closes the output, so it never scrolls away.
    lines = text.splitlines()
    assert lines[0] == lines[-1] == "old -> new: 3 findings (3 breaking, 0 warning, 0 info) from 7 changes"


@pytest.mark.parametrize("color", [False, True], ids=["plain", "colour"])
@pytest.mark.parametrize("columns", [80, 120])
def test_check_verbose_names_every_failure_and_why(columns: int, color: bool, tmp_path: Path) -> None:
    args = ("check", "--against", "2026-04-30", "--tag", "invites", "--no-reports", "--verbose")
    done = run_cli(*args, cwd=tmp_path, columns=columns, color=color)
    assert done.returncode == 1
    _matches("check-invites-verbose.txt", ANSI.sub("", done.stdout))
    if color:
        assert ANSI.search(done.stdout), "colour on a colour terminal"
    else:
        assert not ANSI.search(done.stdout), "none in a CI log"


def test_check_quiet_prints_nothing_at_any_width(tmp_path: Path) -> None:
    for columns in (80, 120):
        args = ("check", "--against", "2026-04-30", "-q", "--no-reports")
        done = run_cli(*args, cwd=tmp_path, columns=columns)
        assert (done.returncode, done.stdout, done.stderr) == (1, "", "")


def test_diff_verbose_says_why_each_change_is_graded_so(tmp_path: Path) -> None:
    done = run_cli("diff", str(PETS / "old.yaml"), str(PETS / "new.yaml"), "--verbose", columns=100)
    assert done.returncode == 1
    _matches("diff-pets-verbose.txt", done.stdout)
    plain = run_cli("diff", str(PETS / "old.yaml"), str(PETS / "new.yaml"), columns=100).stdout
    assert "why breaking:" in done.stdout and "why " not in plain


def test_diff_verbose_by_finding_names_every_operation_a_finding_reaches(tmp_path: Path) -> None:
    args = ("diff", "2026-04-30", "2026-05-02", "--by-finding")
    short = run_cli(*args, cwd=tmp_path, columns=1000).stdout
    full = run_cli(*args, "--verbose", cwd=tmp_path, columns=1000).stdout
    capped = [
        line for line in short.splitlines() if re.search(r"reaches \d+ operations: .* and \d+ more$", line)
    ]
    assert capped
    for line in full.splitlines():
        if found := re.search(r"reaches (\d+) operations: (.*)$", line):
            assert len(found[2].split(", ")) == int(found[1]), line
