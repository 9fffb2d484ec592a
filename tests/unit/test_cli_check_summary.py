"""What a person sees of `apidrift check`: one line per operation and recorded version, worst first,
a legend, and why each failing operation failed (with the rename it looks like)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from cli_support import run_cli

RECORDINGS = Path(__file__).resolve().parents[2] / "recordings" / "openai-admin"

EXPECTED = """\
responses per operation, judged against 2026-04-30:
verdict      n  recorded    2026-04-30  2026-05-02  best match  operation
FAIL 2 of 2  2  2026-05-02  FAIL 2      ok 2        2026-05-02  usage-costs
ok           1  2026-05-02  ok          ok          any         archive-project
ok           1  2026-04-30  ok          FAIL 1      2026-04-30  usage-costs
verdict: the responses against the version they are judged by; version columns: how the same responses \
fit each version (ok: valid and every field documented; ok +N: valid with N undocumented fields; FAIL N: N \
violations; -: not documented there); best match: the version they fit best (any: every version alike).
usage-costs against 2026-04-30: 2 of 2 failed because
  - data[].result: "result" is a required property; looks like a rename: `data[].result` → \
`data[].results` (0.95) (2×, e.g. a.json)
2 of 4 responses valid, 2 failed, 0 with undocumented fields; reports: out/report.json, out/report.md, \
out/report.html, out/junit.xml, out/report.sarif
"""


def _folder(tmp_path: Path) -> None:
    recs = tmp_path / "recs"
    recs.mkdir()
    for name, version, operation in [
        ("a", "2026-05-02", "usage-costs"),
        ("b", "2026-05-02", "usage-costs"),
        ("c", "2026-04-30", "usage-costs"),
        ("d", "2026-05-02", "archive-project"),
    ]:
        shutil.copy(RECORDINGS / version / f"{operation}.json", recs / f"{name}.json")


ARGS = ("--recordings", "recs", "--against", "2026-04-30", "--reports", "out")
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.mark.parametrize("columns", [80, 120])
def test_a_check_with_failures_is_summed_up_per_operation_with_its_reasons(
    tmp_path: Path, columns: int
) -> None:
    _folder(tmp_path)
    done = run_cli("check", *ARGS, cwd=tmp_path, columns=columns)
    assert done.returncode == 1
    # Lines are never cut or wrapped at the width: CI logs and greps see each whole.
    assert done.stdout == EXPECTED


@pytest.mark.parametrize("columns", [80, 120])
def test_on_a_colour_terminal_the_same_text_is_coloured_by_verdict(tmp_path: Path, columns: int) -> None:
    _folder(tmp_path)
    done = run_cli("check", *ARGS, cwd=tmp_path, columns=columns, color=True)
    assert done.returncode == 1
    assert ANSI.sub("", done.stdout) == EXPECTED
    lines = done.stdout.splitlines()
    failing = next(line for line in lines if "FAIL 2 of 2" in line)
    passing = next(line for line in lines if "archive-project" in line)
    assert "\x1b[31m" in failing and "\x1b[32m" in passing, "red for a failure, green for a pass"
