"""The history database: migrating a schema v1 file, two writers at once, and files it refuses."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from apidrift.errors import HistoryError
from apidrift.history.migrations import MIGRATIONS, SCHEMA_VERSION
from apidrift.history.store import HistoryStore, NewRun, Observed

V1_FIXTURE = Path(__file__).parents[1] / "data" / "history-v1.sql"
SERIES = "openai-admin / responses / 2026-04-30"


def _v1_database(path: Path) -> Path:
    db = sqlite3.connect(path)
    db.executescript(V1_FIXTURE.read_text(encoding="utf-8"))
    db.close()
    return path


def test_a_schema_v1_history_migrates_with_its_runs_first_seen_and_flaps(tmp_path: Path) -> None:
    path = _v1_database(tmp_path / "old.sqlite")
    with HistoryStore(path) as store:
        assert (store.migrated_from, store.schema_version()) == (1, SCHEMA_VERSION)
        runs = store.runs()
        assert [(r.run, r.series, r.breaking, r.warning, r.new, r.resolved) for r in runs] == [
            (1, SERIES, 1, 1, 2, 0),
            (2, SERIES, 2, 0, 1, 1),
            (3, SERIES, 1, 1, 1, 1),  # a check and a live run of one target are one series
            (4, "openai-admin / diff / 2026-05-02", 0, 0, 1, 0),
        ]
        seen = store.findings_of(3)
        assert set(seen) == {"ad-aaaaaaaaaaaa", "ad-bbbbbbbbbbbb"}
        violation, undocumented = seen["ad-aaaaaaaaaaaa"], seen["ad-bbbbbbbbbbbb"]
        assert (violation.first_seen[:10], violation.last_seen[:10], violation.flaps) == (
            "2026-06-01",
            "2026-06-03",
            0,
        )
        assert (undocumented.first_seen[:10], undocumented.flaps) == ("2026-06-01", 1)
        assert [s.id for s in store.flapping(SERIES)] == ["ad-bbbbbbbbbbbb"]
        assert store.operations_of([2]) == {2: {"list-invites": 1, "usage-costs": 1}}
        previous = store.previous_run(SERIES, "2026-06-04T02:30:00+00:00")
        assert previous is not None and previous.run == 3
        # The migrated file takes new runs like a new one.
        row = store.record(
            NewRun(
                api="openai-admin",
                kind="live",
                series=SERIES,
                target="2026-04-30",
                night="2026-06-04",
                exit_code=0,
            ),
            [
                Observed(
                    "ad-aaaaaaaaaaaa",
                    "schema-violation",
                    "breaking",
                    "usage-costs",
                    "data[].result",
                    "persisting",
                )
            ],
            previous=3,
            resolved=1,
        )
        assert store.findings_of(row.run)["ad-aaaaaaaaaaaa"].first_seen[:10] == "2026-06-01"
    # Opening it again runs nothing.
    with HistoryStore(path) as again:
        assert again.migrated_from == SCHEMA_VERSION


def test_migrations_are_a_versioned_list_and_a_new_file_is_at_the_last() -> None:
    assert SCHEMA_VERSION == len(MIGRATIONS) >= 2


def test_a_newer_or_broken_file_is_one_error(tmp_path: Path) -> None:
    newer = tmp_path / "newer.sqlite"
    db = sqlite3.connect(newer)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(HistoryError, match="newer than this apidrift reads"):
        HistoryStore(newer)
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(b"not a database at all, just text" * 100)
    with pytest.raises(HistoryError, match="not a usable history database"):
        HistoryStore(garbage)


WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from apidrift.history.store import HistoryStore, NewRun, Observed

    path, who = Path(sys.argv[1]), sys.argv[2]
    store = HistoryStore(path)
    previous = None
    for night in range(25):
        findings = [
            Observed(f"ad-{who}{i:010d}", "undocumented-field", "warning", f"op-{i % 7}", f"f{i}", "new")
            for i in range(200)
        ]
        run = NewRun(api="api", kind="check", series=f"api / responses / {who}", target=who,
                     night=f"2026-06-{night + 1:02d}", exit_code=0)
        previous = store.record(run, findings, previous=previous, resolved=0).run
    store.close()
    """
)


def test_two_runs_writing_one_history_at_once_do_not_corrupt_it(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite"  # neither writer finds it: both create and migrate it at once
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(path), who], stderr=subprocess.PIPE, text=True)
        for who in ("a", "b")
    ]
    for writer in writers:
        _, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err
    with HistoryStore(path) as store:
        assert store.schema_version() == SCHEMA_VERSION
        runs = store.runs(limit=100)
        assert len(runs) == 50
        assert {r.series for r in runs} == {"api / responses / a", "api / responses / b"}
        for series in ("api / responses / a", "api / responses / b"):
            assert len(store.tracked(series)) == 200
            assert store.flapping(series) == []
        assert all(len(store.findings_of(r.run)) == 200 for r in runs)
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert db.execute("SELECT count(*) FROM occurrences").fetchone() == (50 * 200,)
    db.close()
