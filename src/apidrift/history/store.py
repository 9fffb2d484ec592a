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
from typing import Final, NamedTuple, Self

from apidrift.errors import HistoryError
from apidrift.files import folder_lock
from apidrift.history.migrations import SCHEMA_VERSION, migrate

BUSY_TIMEOUT_S: Final = 60.0
UNOBSERVED: Final = "unobserved"
SEVERITIES: Final = ("breaking", "warning", "info")


class Observed(NamedTuple):
    """One finding of the run being recorded (one per id), with its status tonight."""

    id: str
    kind: str
    severity: str
    operation: str | None
    path: str
    status: str


class Seen(NamedTuple):
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


class RunRow(NamedTuple):
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


# Rows are named tuples, not dataclasses: a run reads and writes tens of thousands of them, and a
# tuple is built several times faster than a frozen dataclass.


class HistoryStore:
    """A history database (created, or migrated to the current schema, when opened)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Opening sets WAL and migrates; two processes doing that at once on a new file can get
            # "database is locked" from SQLite without waiting, so the opening is serialised.
            with folder_lock(path.parent):
                self._open(path)
        except sqlite3.DatabaseError as exc:
            raise HistoryError(f"not a usable history database: {exc}", file=path) from None

    def _open(self, path: Path) -> None:
        self._db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        self._db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        self._db.execute("PRAGMA journal_mode = WAL")
        # In WAL mode NORMAL never corrupts the file; a power cut may lose the last run, not more.
        self._db.execute("PRAGMA synchronous = NORMAL")
        # Tonight's findings pass through a temporary table: keep it off the disk.
        self._db.execute("PRAGMA temp_store = MEMORY")
        self._db.execute("PRAGMA foreign_keys = ON")
        (version,) = self._db.execute("PRAGMA user_version").fetchone()
        if version > SCHEMA_VERSION:
            raise HistoryError(
                f"history schema v{version} is newer than this apidrift reads (v{SCHEMA_VERSION})",
                file=path,
            )
        self.migrated_from = migrate(self._db)

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
        return {seen.id: seen for seen in map(Seen._make, rows)}

    def tracked(
        self, series: str, ids: Iterable[str] | None = None, *, api: str = "-"
    ) -> dict[str, tuple[str, int]]:
        """First night seen and flaps of the given findings (of `api`) in the series; all it ever had
        when no ids are given."""
        if ids is None:
            rows = self._db.execute(
                "SELECT f.id, t.first_seen, t.flaps FROM tracked t JOIN findings f ON f.key = t.finding"
                " WHERE t.series = ?",
                (series,),
            )
            return {fid: (first, flaps) for fid, first, flaps in rows}
        # The ids go through a temporary table: a series keeps every finding it ever had, and an IN
        # list of 10,000 parameters is over SQLite's limit.
        self._db.execute("CREATE TEMP TABLE IF NOT EXISTS wanted (id TEXT PRIMARY KEY) WITHOUT ROWID")
        self._db.execute("DELETE FROM wanted")
        self._db.executemany("INSERT OR IGNORE INTO wanted (id) VALUES (?)", ((i,) for i in ids))
        rows = self._db.execute(
            "SELECT f.id, t.first_seen, t.flaps FROM wanted w"
            " JOIN findings f ON f.api = ? AND f.id = w.id"
            " JOIN tracked t ON t.series = ? AND t.finding = f.key",
            (api, series),
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
            # Tonight's findings go into a temporary table once; the rest is set-based SQL.
            db.execute(
                "CREATE TEMP TABLE IF NOT EXISTS tonight (id TEXT PRIMARY KEY, kind TEXT, severity TEXT,"
                " operation TEXT, path TEXT, status TEXT) WITHOUT ROWID"
            )
            db.execute("DELETE FROM tonight")
            db.executemany("INSERT OR REPLACE INTO tonight VALUES (?, ?, ?, ?, ?, ?)", findings)
            db.execute(
                "INSERT OR IGNORE INTO findings (api, id, kind, operation, path)"
                " SELECT ?, id, kind, operation, path FROM tonight",
                (run.api,),
            )
            db.execute(
                "INSERT INTO occurrences (run, finding, severity, status)"
                " SELECT ?, f.key, t.severity, t.status FROM tonight t"
                " JOIN findings f ON f.api = ? AND f.id = t.id",
                (run_id, run.api),
            )
            db.executemany(
                "INSERT INTO run_operations (run, operation, findings) VALUES (?, ?, ?)",
                [(run_id, op, n) for op, n in per_operation.items()],
            )
            # A finding absent from the previous run that is here again has flapped once more; an
            # unobserved one keeps its place (it was not seen, so its last night stays).
            params = {
                "series": run.series,
                "night": run.night,
                "run": run_id,
                "api": run.api,
                "previous": previous,
            }
            db.execute(
                "INSERT INTO tracked (series, finding, first_seen, last_seen, last_run, flaps)"
                " SELECT :series, f.key, :night, :night, :run, 0 FROM tonight t"
                " JOIN findings f ON f.api = :api AND f.id = t.id WHERE t.status != 'unobserved'"
                " ON CONFLICT (series, finding) DO UPDATE SET"
                " flaps = flaps + (CASE WHEN last_run IS NOT :previous THEN 1 ELSE 0 END),"
                " last_seen = excluded.last_seen, last_run = excluded.last_run",
                params,
            )
            db.execute(
                "UPDATE tracked SET last_run = :run WHERE series = :series AND finding IN"
                " (SELECT f.key FROM tonight t JOIN findings f ON f.api = :api AND f.id = t.id"
                " WHERE t.status = 'unobserved')",
                params,
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


def _filters(*, api: str | None, series: str | None) -> tuple[str, tuple[str, ...]]:
    clauses, args = [], []
    if api:
        clauses.append("api = ?")
        args.append(api)
    if series:
        clauses.append("series = ?")
        args.append(series)
    return ("WHERE " + " AND ".join(clauses) if clauses else ""), tuple(args)
