"""What a person sees of `apidrift check`: one line per operation and recorded version, worst first,
a legend, and why each failing operation failed (with the rename it looks like)."""

from __future__ import annotations

import shutil
from pathlib import Path

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


def test_a_check_with_failures_is_summed_up_per_operation_with_its_reasons(tmp_path: Path) -> None:
    recs = tmp_path / "recs"
    recs.mkdir()
    for name, version, operation in [
        ("a", "2026-05-02", "usage-costs"),
        ("b", "2026-05-02", "usage-costs"),
        ("c", "2026-04-30", "usage-costs"),
        ("d", "2026-05-02", "archive-project"),
    ]:
        shutil.copy(RECORDINGS / version / f"{operation}.json", recs / f"{name}.json")
    args = ("--recordings", "recs", "--against", "2026-04-30", "--reports", "out")
    done = run_cli("check", *args, cwd=tmp_path)
    assert done.returncode == 1
    assert done.stdout == EXPECTED


def test_no_reports_writes_nothing_and_says_so(tmp_path: Path) -> None:
    recs = tmp_path / "recs"
    recs.mkdir()
    shutil.copy(RECORDINGS / "2026-05-02" / "usage-costs.json", recs / "a.json")
    done = run_cli("check", "--recordings", "recs", "--reports", "out", "--no-reports", cwd=tmp_path)
    assert done.returncode == 0
    assert (
        done.stdout.splitlines()[-1]
        == "1 of 1 responses valid, 0 failed, 0 with undocumented fields; no reports written"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["recs"]
