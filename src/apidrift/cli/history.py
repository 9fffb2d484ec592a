"""`apidrift history` and `apidrift baseline`, and the `--history`, `--baseline`, `--fail-on` options
the judging commands (check, check --live, diff, sdk-check) share."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from apidrift.cli.app import app, out
from apidrift.diff.changes import Severity
from apidrift.errors import ConfigError
from apidrift.history.gates import FailOn

if TYPE_CHECKING:
    from apidrift.report import DriftReport

HistoryOption = Annotated[
    Path | None,
    typer.Option(
        "--history", help="Record the run in this SQLite history and mark findings new, persisting, resolved."
    ),
]
BaselineOption = Annotated[
    Path | None,
    typer.Option(
        "--baseline", help="A reviewed TOML accept-list: accepted findings are shown but do not fail."
    ),
]
FailOnOption = Annotated[
    FailOn | None,
    typer.Option(
        "--fail-on",
        help="new: fail only on new, unaccepted findings (warning or worse); or a severity: fail on "
        "unaccepted findings of it or worse.",
    ),
]


def judged(
    report: DriftReport, history: Path | None, baseline: Path | None, fail_on: FailOn | None
) -> DriftReport:
    """The report judged against history and baseline (unchanged when neither is given nor `new`)."""
    # Imported here: `diff` loads these options on every start, and needs the judge only when asked.
    from apidrift.history.judge import HistoryOptions, judge_report

    options = HistoryOptions(history=history, baseline=baseline, fail_on=fail_on, now=night_of_run())
    return judge_report(report, options)


NIGHT_ENV = "APIDRIFT_NIGHT"


def night_of_run() -> datetime | None:
    """The night `$APIDRIFT_NIGHT` names (ISO 8601; a date means its midnight UTC), else None for now.

    A CI job that runs after midnight, or a re-run of last night's job, records the night it stands for.
    """
    raw = os.environ.get(NIGHT_ENV, "").strip()
    if not raw:
        return None
    try:
        when = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise ConfigError(
            f"${NIGHT_ENV}={raw!r} is not an ISO 8601 date or time (e.g. 2026-11-29 or 2026-11-29T02:00:00Z)"
        ) from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def history_lines(report: DriftReport) -> list[str]:
    """What a person sees of the judgement: since the last run, and the baseline entries to look at."""
    block = report.history
    if block is None:
        return []
    line = f"since the last run: {block.new} new, {block.persisting} persisting, "
    line += f"{len(block.resolved)} resolved, {block.accepted} accepted"
    if block.unobserved:
        line += f", {len(block.unobserved)} unobserved"
    if block.previous is None and block.store:
        line += " (first run of this series)"
    lines = [line]
    lines += [f"baseline: {i.problem} entry {i.entry}: {i.detail}" for i in block.baseline_issues]
    return lines


@app.command()
def history(
    path: Annotated[Path, typer.Argument(help="The history database (as given to --history).")],
    api: Annotated[str | None, typer.Option("--api", help="Only runs of this API.")] = None,
    finding: Annotated[
        str | None,
        typer.Option("--finding", help="When was this finding id first and last seen; does it flap?"),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="How many of the latest runs to list.")] = 20,
) -> None:
    """List the recorded runs, what the latest run resolved, what flaps, and when a finding was seen."""
    from apidrift.history.views import describe_history

    view = describe_history(path, api=api, finding=finding, limit=limit)
    for r in view.runs:
        out().print(
            f"#{r.run} {r.night} {r.series}: exit {r.exit_code}; {r.breaking} breaking, {r.warning} warning, "
            f"{r.info} info; {r.new} new, {r.resolved} resolved",
            soft_wrap=True,
        )
    if view.resolved:
        out().print(f"resolved by the latest run ({len(view.resolved)}):")
        for s in view.resolved:
            out().print(
                f"  {s.id} {s.kind} {s.operation or '-'} {s.path} (first seen {s.first_seen[:10]})",
                soft_wrap=True,
            )
    for s in view.flapping:
        out().print(
            f"flapping: {s.id} {s.kind} {s.operation or '-'} {s.path}: came back {s.flaps}×", soft_wrap=True
        )
    for story in view.stories:
        f = story.finding
        state = "resolved" if story.resolved else "still present"
        out().print(
            f"{f.id} in {story.series}: {f.kind} {f.operation or '-'} {f.path}; "
            f"first seen {f.first_seen[:10]}, last seen {f.last_seen[:10]}, "
            f"on {story.nights} nights, flapped {f.flaps}×, {state}",
            soft_wrap=True,
        )


@app.command()
def baseline(
    source: Annotated[Path, typer.Argument(help="A report.json of the run to accept.")] = Path(
        "reports/report.json"
    ),
    output: Annotated[
        Path, typer.Option("--out", "-o", help="The baseline file (kept; new entries are appended).")
    ] = Path("apidrift-baseline.toml"),
    owner: Annotated[
        str, typer.Option("--owner", help="Who answers for the accepted findings.")
    ] = "unassigned",
    reason: Annotated[
        str, typer.Option("--reason", help="Why they are acceptable (review and edit per entry).")
    ] = "accepted as found; review",
    expires: Annotated[
        str | None, typer.Option("--expires", help="YYYY-MM-DD after which the findings fail again.")
    ] = None,
    min_severity: Annotated[
        Severity, typer.Option("--min-severity", help="Accept findings of this severity or worse.")
    ] = Severity.WARNING,
) -> None:
    """Write a baseline accepting a run's findings, for review before it is committed."""
    from apidrift.errors import BaselineError
    from apidrift.history.views import baseline_from_report
    from apidrift.report import read_report

    try:
        until = date.fromisoformat(expires) if expires else None
    except ValueError:
        raise BaselineError(f"--expires must be YYYY-MM-DD, got {expires!r}") from None
    text, added = baseline_from_report(
        read_report(source),
        existing=output,
        owner=owner,
        reason=reason,
        expires=until,
        min_severity=min_severity,
    )
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    out().print(
        f"{output.as_posix()}: {added} entries added; review each reason, owner and expiry", soft_wrap=True
    )
