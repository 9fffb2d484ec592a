"""The history database's schema, as a versioned list of migrations (`PRAGMA user_version` is the
version a file is at); opening a file runs the ones it lacks, in one transaction.

Never edit a migration that has shipped: add the next one. Version 1 is kept as it shipped so a
database created by it (tests/data/history-v1.sql) still migrates.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Final

V1: Final = """
CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    api TEXT NOT NULL,
    kind TEXT NOT NULL,
    target TEXT NOT NULL,
    night TEXT NOT NULL,
    exit_code INTEGER NOT NULL
);
CREATE TABLE findings (
    key INTEGER PRIMARY KEY,
    api TEXT NOT NULL,
    id TEXT NOT NULL,
    kind TEXT NOT NULL,
    operation TEXT,
    path TEXT NOT NULL,
    UNIQUE (api, id)
);
CREATE TABLE occurrences (
    run INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    finding INTEGER NOT NULL REFERENCES findings (key),
    severity TEXT NOT NULL,
    PRIMARY KEY (run, finding)
) WITHOUT ROWID;
"""

# Version 2: runs belong to a series (api / family / target) with their counts stored, so "since the
# last run" and the trend read a handful of rows; `tracked` keeps first/last seen and flaps per series.
V2: Final = """
ALTER TABLE runs ADD COLUMN series TEXT NOT NULL DEFAULT '';
ALTER TABLE runs ADD COLUMN breaking INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN warning INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN info INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN new INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN resolved INTEGER NOT NULL DEFAULT 0;
ALTER TABLE occurrences ADD COLUMN status TEXT NOT NULL DEFAULT 'new';
UPDATE runs SET series = api || ' / ' || (CASE WHEN kind IN ('check', 'live') THEN 'responses' ELSE kind END)
    || ' / ' || target;
CREATE INDEX runs_by_series ON runs (series, night, id);
CREATE TABLE run_operations (
    run INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    operation TEXT NOT NULL,
    findings INTEGER NOT NULL,
    PRIMARY KEY (run, operation)
) WITHOUT ROWID;
CREATE TABLE tracked (
    series TEXT NOT NULL,
    finding INTEGER NOT NULL REFERENCES findings (key),
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    last_run INTEGER NOT NULL,
    flaps INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (series, finding)
) WITHOUT ROWID;
"""


def _backfill_v2(db: sqlite3.Connection) -> None:
    """Counts, per-operation counts, first/last seen and flaps of the runs a version 1 file holds."""
    db.execute(
        "UPDATE runs SET"
        " breaking = (SELECT count(*) FROM occurrences o WHERE o.run = runs.id AND o.severity = 'breaking'),"
        " warning = (SELECT count(*) FROM occurrences o WHERE o.run = runs.id AND o.severity = 'warning'),"
        " info = (SELECT count(*) FROM occurrences o WHERE o.run = runs.id AND o.severity = 'info')"
    )
    db.execute(
        "INSERT INTO run_operations (run, operation, findings)"
        " SELECT o.run, coalesce(f.operation, '(api)'), count(*) FROM occurrences o"
        " JOIN findings f ON f.key = o.finding GROUP BY o.run, coalesce(f.operation, '(api)')"
    )
    runs = db.execute("SELECT id, series, night FROM runs ORDER BY series, night, id").fetchall()
    previous: dict[str, int] = {}
    state: dict[tuple[str, int], list[object]] = {}  # (series, finding) -> [first, last, last_run, flaps]
    for run, series, night in runs:
        before = previous.get(series)
        seen = {row[0] for row in db.execute("SELECT finding FROM occurrences WHERE run = ?", (run,))}
        gone = {key for (s, key), st in state.items() if s == series and st[2] == before} - seen
        new = 0
        for key in seen:
            st = state.get((series, key))
            if st is None:
                state[(series, key)] = [night, night, run, 0]
                new += 1
                continue
            if st[2] != before:  # absent from the previous run: it came back
                st[3] = int(str(st[3])) + 1
                new += 1
            st[1], st[2] = night, run
        db.execute("UPDATE runs SET new = ?, resolved = ? WHERE id = ?", (new, len(gone), run))
        previous[series] = run
    db.executemany(
        "INSERT INTO tracked (series, finding, first_seen, last_seen, last_run, flaps)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [(series, key, *st) for (series, key), st in state.items()],
    )


Migration = tuple[str, Callable[[sqlite3.Connection], None] | None]
MIGRATIONS: Final[tuple[Migration, ...]] = ((V1, None), (V2, _backfill_v2))
SCHEMA_VERSION: Final = len(MIGRATIONS)


def migrate(db: sqlite3.Connection) -> int:
    """Bring the database to SCHEMA_VERSION in one transaction; the version it was at before."""
    db.execute("BEGIN IMMEDIATE")  # a second process opening the same file waits here, then sees it done
    try:
        (before,) = db.execute("PRAGMA user_version").fetchone()
        for version, (script, backfill) in enumerate(MIGRATIONS[before:], start=before + 1):
            for statement in filter(str.strip, script.split(";")):
                db.execute(statement)
            if backfill is not None:
                backfill(db)
            db.execute(f"PRAGMA user_version = {version}")
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    return int(before)
