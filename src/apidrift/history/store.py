"""The history of runs, in one SQLite file: which findings each run had, per series of comparable runs.

Safe under two runs at once: WAL journal, a busy timeout, and every write in one `BEGIN IMMEDIATE`
transaction (a second writer waits for the first, never interleaves with it).
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Self

from apidrift.errors import HistoryError
from apidrift.history.migrations import SCHEMA_VERSION, migrate

BUSY_TIMEOUT_S: Final = 60.0
UNOBSERVED: Final = "unobserved"
SEVERITIES: Final = ("breaking", "warning", "info")


@dataclass(frozen=True)
class Observed:
    """One finding of the run being recorded (one per id), with its status tonight."""

    id: str
    kind: str
    severity: str
    operation: str | None
    path: str
    status: str


@dataclass(frozen=True)
class Seen:
    """A finding as the history knows it in one series: first and last night seen, and flaps."""

    id: str
    kind: str
    severity: str
    operation: str | None
    path: str
    status: str
    first_seen: str
    last_seen: str
    flaps: int


@dataclass(frozen=True)
class RunRow:
    """One recorded run and its counts."""

    run: int
    api: str
    kind: str
    series: str
    target: str
    night: str
    exit_code: int
    breaking: int
    warning: int
    info: int
    new: int
    resolved: int


@dataclass(frozen=True)
class NewRun:
    """What identifies a run being recorded."""

    api: str
    kind: str
    series: str
    target: str
    night: str
    exit_code: int


_RUN_COLUMNS: Final = (
    "id, api, kind, series, target, night, exit_code, breaking, warning, info, new, resolved"
)


class HistoryStore:
    """A history database (created, or migrated to the current schema, when opened)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
            self._db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA foreign_keys = ON")
            (version,) = self._db.execute("PRAGMA user_version").fetchone()
            if version > SCHEMA_VERSION:
                raise HistoryError(
                    f"history schema v{version} is newer than this apidrift reads (v{SCHEMA_VERSION})",
                    file=path,
                )
            self.migrated_from = migrate(self._db)
        except sqlite3.DatabaseError as exc:
            raise HistoryError(f"not a usable history database: {exc}", file=path) from None

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def schema_version(self) -> int:
        (version,) = self._db.execute("PRAGMA user_version").fetchone()
        return int(version)

    # --- reading ----------------------------------------------------------------------------------

    def previous_run(self, series: str, night: str) -> RunRow | None:
        """The latest run of the series on or before `night` (a re-run the same night compares to it)."""
        row = self._db.execute(
            f"SELECT {_RUN_COLUMNS} FROM runs WHERE series = ? AND night <= ?"
            " ORDER BY night DESC, id DESC LIMIT 1",
            (series, night),
        ).fetchone()
        return RunRow(*row) if row else None

    def findings_of(self, run: int) -> dict[str, Seen]:
        """Every finding a run recorded (unobserved ones included), by id."""
        rows = self._db.execute(
            "SELECT f.id, f.kind, o.severity, f.operation, f.path, o.status,"
            " t.first_seen, t.last_seen, t.flaps"
            " FROM occurrences o JOIN runs r ON r.id = o.run JOIN findings f ON f.key = o.finding"
            " JOIN tracked t ON t.series = r.series AND t.finding = o.finding WHERE o.run = ?",
            (run,),
        )
        return {row[0]: Seen(*row) for row in rows}

    def tracked(self, series: str) -> dict[str, tuple[str, int]]:
        """First night seen and flaps of every finding the series ever had, by id."""
        rows = self._db.execute(
            "SELECT f.id, t.first_seen, t.flaps FROM tracked t JOIN findings f ON f.key = t.finding"
            " WHERE t.series = ?",
            (series,),
        )
        return {fid: (first, flaps) for fid, first, flaps in rows}

    def runs(self, *, api: str | None = None, series: str | None = None, limit: int = 50) -> list[RunRow]:
        """The latest runs, newest last."""
        where, args = _filters(api=api, series=series)
        rows = self._db.execute(
            f"SELECT {_RUN_COLUMNS} FROM runs {where} ORDER BY night DESC, id DESC LIMIT ?", (*args, limit)
        ).fetchall()
        return [RunRow(*row) for row in reversed(rows)]

    def operations_of(self, runs: Iterable[int]) -> dict[int, dict[str, int]]:
        """Findings per operation of each run."""
        ids = list(runs)
        marks = ",".join("?" * len(ids))
        out: dict[int, dict[str, int]] = {run: {} for run in ids}
        query = f"SELECT run, operation, findings FROM run_operations WHERE run IN ({marks})"
        for run, operation, count in self._db.execute(query, ids):
            out[run][operation] = count
        return out

    def finding(self, api: str | None, finding_id: str) -> list[tuple[str, Seen, int]]:
        """A finding in each series that had it: (series, what is known, nights seen)."""
        where = "f.id = ?" + (" AND f.api = ?" if api else "")
        args = (finding_id, api) if api else (finding_id,)
        rows = self._db.execute(
            "SELECT t.series, f.id, f.kind, f.operation, f.path, t.first_seen, t.last_seen, t.flaps,"
            " (SELECT o.severity FROM occurrences o WHERE o.run = t.last_run AND o.finding = t.finding),"
            " (SELECT count(*) FROM occurrences o JOIN runs r ON r.id = o.run WHERE o.finding = t.finding"
            "  AND r.series = t.series AND o.status != 'unobserved')"
            f" FROM tracked t JOIN findings f ON f.key = t.finding WHERE {where} ORDER BY t.series",
            args,
        )
        return [
            (series, Seen(fid, kind, sev or "", op, path, "", first, last, flaps), nights)
            for series, fid, kind, op, path, first, last, flaps, sev, nights in rows
        ]

    def flapping(self, series: str, limit: int = 50) -> list[Seen]:
        """The findings of a series that came back most often after going away."""
        rows = self._db.execute(
            "SELECT f.id, f.kind, '', f.operation, f.path, '', t.first_seen, t.last_seen, t.flaps"
            " FROM tracked t JOIN findings f ON f.key = t.finding WHERE t.series = ? AND t.flaps > 0"
            " ORDER BY t.flaps DESC, f.operation, f.path, f.id LIMIT ?",
            (series, limit),
        )
        return [Seen(*row) for row in rows]

    # --- writing ----------------------------------------------------------------------------------

    def record(
        self, run: NewRun, findings: Sequence[Observed], *, previous: int | None, resolved: int
    ) -> RunRow:
        """Record a run and its findings in one transaction; `previous` is the run they were compared to."""
        seen = [f for f in findings if f.status != UNOBSERVED]
        severities = Counter(f.severity for f in seen)
        new = sum(f.status == "new" for f in seen)
        per_operation = Counter(f.operation or "(api)" for f in seen)
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            cursor = db.execute(
                "INSERT INTO runs (api, kind, series, target, night, exit_code, breaking, warning, info, new,"
                " resolved) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    run.api,
                    run.kind,
                    run.series,
                    run.target,
                    run.night,
                    run.exit_code,
                    *(severities[s] for s in SEVERITIES),
                    new,
                    resolved,
                ),
            )
            run_id = int(cursor.lastrowid or 0)
            db.executemany(
                "INSERT OR IGNORE INTO findings (api, id, kind, operation, path) VALUES (?, ?, ?, ?, ?)",
                [(run.api, f.id, f.kind, f.operation, f.path) for f in findings],
            )
            keys = self._keys(run.api, [f.id for f in findings])
            db.executemany(
                "INSERT INTO occurrences (run, finding, severity, status) VALUES (?, ?, ?, ?)",
                [(run_id, keys[f.id], f.severity, f.status) for f in findings],
            )
            db.executemany(
                "INSERT INTO run_operations (run, operation, findings) VALUES (?, ?, ?)",
                [(run_id, op, n) for op, n in per_operation.items()],
            )
            # A finding absent from the previous run that is here again has flapped once more; an
            # unobserved one keeps its place (it was not seen, so its last night stays).
            db.executemany(
                "INSERT INTO tracked (series, finding, first_seen, last_seen, last_run, flaps)"
                " VALUES (:series, :key, :night, :night, :run, 0)"
                " ON CONFLICT (series, finding) DO UPDATE SET"
                " flaps = flaps"
                " + (CASE WHEN last_run IS NOT :previous AND NOT :unobserved THEN 1 ELSE 0 END),"
                " last_seen = CASE WHEN :unobserved THEN last_seen ELSE excluded.last_seen END,"
                " last_run = excluded.last_run",
                [
                    {
                        "series": run.series,
                        "key": keys[f.id],
                        "night": run.night,
                        "run": run_id,
                        "previous": previous,
                        "unobserved": f.status == UNOBSERVED,
                    }
                    for f in findings
                ],
            )
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return RunRow(
            run=run_id,
            api=run.api,
            kind=run.kind,
            series=run.series,
            target=run.target,
            night=run.night,
            exit_code=run.exit_code,
            breaking=severities["breaking"],
            warning=severities["warning"],
            info=severities["info"],
            new=new,
            resolved=resolved,
        )

    def _keys(self, api: str, ids: Sequence[str]) -> dict[str, int]:
        # Ids go through a temporary table: an IN list of 10,000 parameters is over SQLite's limit.
        self._db.execute("CREATE TEMP TABLE IF NOT EXISTS wanted (id TEXT PRIMARY KEY) WITHOUT ROWID")
        self._db.execute("DELETE FROM wanted")
        self._db.executemany("INSERT OR IGNORE INTO wanted (id) VALUES (?)", [(i,) for i in ids])
        rows = self._db.execute(
            "SELECT f.id, f.key FROM findings f JOIN wanted w ON w.id = f.id WHERE f.api = ?", (api,)
        )
        return dict(rows)


def _filters(*, api: str | None, series: str | None) -> tuple[str, tuple[str, ...]]:
    clauses, args = [], []
    if api:
        clauses.append("api = ?")
        args.append(api)
    if series:
        clauses.append("series = ?")
        args.append(series)
    return ("WHERE " + " AND ".join(clauses) if clauses else ""), tuple(args)
