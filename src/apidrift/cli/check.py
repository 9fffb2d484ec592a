"""`apidrift check` and `apidrift contracts`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from apidrift.check.recordings import bundled_recordings
from apidrift.check.run import CheckRun, check_recordings
from apidrift.cli.annotate import AnnotationsOption, print_annotations
from apidrift.cli.app import VERBOSE, ApiOption, ContractsOption, app, error, out, verbosity
from apidrift.cli.history import BaselineOption, FailOnOption, HistoryOption, history_lines, judged
from apidrift.cli.live import DEFAULT_LEDGER, LiveApiOption, live_profile
from apidrift.cli.options import FormatsOption, OperationFilter, PathFilter, SeverityFilter, TagFilter
from apidrift.contracts.model import ContractStore
from apidrift.contracts.selection import Selection
from apidrift.diff.changes import Severity
from apidrift.errors import ApidriftError
from apidrift.profiles.model import DEFAULT_API, ApiProfile
from apidrift.report import DriftReport, build_check_report, write_reports
from apidrift.report.formats import ReportFormat
from apidrift.report.select import select_report
from apidrift.report.summary import OperationSummary

if TYPE_CHECKING:
    from apidrift.live.check import LiveCheckOptions


@app.command()
def check(
    recordings: Annotated[
        Path | None,
        typer.Option("--recordings", help="Folder of recordings (default: the bundled documented examples)."),
    ] = None,
    against: Annotated[
        str | None,
        typer.Option(
            "--against",
            help="Version to validate every response against "
            "(default: each recording's own version, else the newest).",
        ),
    ] = None,
    reports: Annotated[
        Path,
        typer.Option(
            "--reports", help="Where report.json, report.md, report.html, junit.xml and report.sarif go."
        ),
    ] = Path("reports"),
    no_reports: Annotated[
        bool, typer.Option("--no-reports", help="Write no report files (the table and summary still print).")
    ] = False,
    live: Annotated[
        bool,
        typer.Option(
            "--live", help="Sweep the live API (key: the profile's variable) instead of recordings."
        ),
    ] = False,
    base_url: Annotated[
        str | None,
        typer.Option("--base-url", help="API to sweep with --live (default: the profile's base_url)."),
    ] = None,
    record: Annotated[
        Path | None, typer.Option("--record", help="Keep the live run's redacted recordings here.")
    ] = None,
    allow_writes: Annotated[
        bool, typer.Option("--allow-writes", help="Also exercise writes, only inside --sandbox-project.")
    ] = False,
    sandbox_project: Annotated[
        str | None, typer.Option("--sandbox-project", help="Project (by name) the writes happen in.")
    ] = None,
    ledger: Annotated[
        Path, typer.Option("--ledger", help="Where a write run records what it created (for cleanup).")
    ] = DEFAULT_LEDGER,
    concurrency: Annotated[
        int, typer.Option("--concurrency", min=1, help="Live requests in flight at once.")
    ] = 4,
    budget: Annotated[
        int, typer.Option("--budget", min=1, help="Most live requests sent, retries included.")
    ] = 1000,
    give_up_after: Annotated[
        int,
        typer.Option(
            "--give-up-after",
            min=1,
            help="Send no more live requests once this many in a row got no answer (timed out or refused).",
        ),
    ] = 8,
    pseudonymise_emails: Annotated[
        bool, typer.Option("--pseudonymise-emails", help="Replace emails in live recordings.")
    ] = False,
    run_deadline: Annotated[
        float | None,
        typer.Option(
            "--run-deadline", min=0, help="Stop a live sweep after this many seconds; what it has is checked."
        ),
    ] = None,
    max_body_mb: Annotated[
        float,
        typer.Option("--max-body-mb", min=0, help="Largest live response body read (decoded), in MiB."),
    ] = 32,
    har: Annotated[
        list[Path] | None,
        typer.Option(
            "--har",
            help="Check the requests and responses in this HAR file or cassette, read by its content "
            "(repeatable), matched to operations.",
        ),
    ] = None,
    cassettes: Annotated[
        list[Path] | None,
        typer.Option(
            "--cassettes",
            help="Check the captures below this folder (recursively; repeatable): cassettes of VCR.py, "
            "pytest-recording, Ruby VCR, Betamax, go-vcr and php-vcr, nock recordings and HAR files, "
            "each read by its content.",
        ),
    ] = None,
    history: HistoryOption = None,
    baseline: BaselineOption = None,
    fail_on: FailOnOption = None,
    annotations: AnnotationsOption = None,
    contracts: ContractsOption = None,
    api: LiveApiOption = DEFAULT_API,
    formats: FormatsOption = None,
    operation: OperationFilter = None,
    path: PathFilter = None,
    tag: TagFilter = None,
    severity: SeverityFilter = None,
) -> None:
    """Validate recorded (or, with --live, swept) responses and fingerprint each against every version."""
    try:
        profile = live_profile(api, contracts)
    except ApidriftError as exc:
        error(str(exc))
        raise typer.Exit(2) from None
    api = profile.name
    store = ContractStore(contracts, api)
    wanted = Selection(tuple(operation or ()), tuple(path or ()), tuple(tag or ()), profile.families)

    def selected(report: DriftReport) -> DriftReport:
        return narrowed(report, store, wanted, severity)

    if live or base_url:
        from apidrift.live.check import LiveCheckOptions

        options = LiveCheckOptions(
            against=against,
            record_dir=record,
            allow_writes=allow_writes,
            sandbox_project=sandbox_project,
            ledger=ledger,
            concurrency=concurrency,
            request_budget=budget,
            give_up_after=give_up_after,
            pseudonymise_emails=pseudonymise_emails,
            run_deadline_s=run_deadline,
            max_body_bytes=int(max_body_mb * 1024 * 1024),
        )
        report = judged(selected(_live(store, profile, options, base_url)), history, baseline, fail_on)
        _finish(report, None if no_reports else reports, annotations=annotations, formats=formats)
    if har or cassettes:
        report, errors = _check_traffic(store, profile, har or [], cassettes or [], against, record)
        report = judged(selected(report), history, baseline, fail_on)
        _finish(report, None if no_reports else reports, errors, annotations=annotations, formats=formats)
    # An API apidrift does not ship: the examples `import-openapi` wrote (recordings/<api>/<version>/).
    imported = Path("recordings") / api
    if recordings is None and not (bundled_recordings() / api).is_dir() and imported.is_dir():
        recordings = imported
    folder = recordings or bundled_recordings() / api
    # A folder given is named from the working directory, so report.sarif and annotations point at
    # files CI can open; the bundled folder (outside any checkout) is named by its API.
    root = None if recordings else folder.parent
    run = check_recordings(store, folder, against=against, display_root=root)
    _print_unchecked(run)
    problems = [str(e) for e in run.input_errors]
    report = judged(selected(build_check_report(run, api=api)), history, baseline, fail_on)
    if run.interrupted:
        out().print(f"interrupted: {run.interrupted}; what was checked is reported", soft_wrap=True)
        # A run that stopped early has not checked everything: it must not pass.
        report.interrupted, report.exit_code = True, max(report.exit_code, 2)
    # The report has everything it needs: the run's responses need not live on while it is written.
    del run
    _finish(report, None if no_reports else reports, problems, annotations=annotations, formats=formats)


def narrowed(
    report: DriftReport, store: ContractStore, wanted: Selection, severity: Severity | None
) -> DriftReport:
    """The report narrowed by --operation/--path/--tag (over every version's operations) and --severity."""
    if not wanted and severity is None:
        return report
    return select_report(report, selected_names(store, wanted), severity)


def selected_names(store: ContractStore, wanted: Selection) -> frozenset[str] | None:
    """The operations --operation/--path/--tag select in any version (None: no filter); a selection of
    nothing is bad input."""
    if not wanted:
        return None
    names = wanted.names(op for label in store.labels() for op in store.load(label).operations.values())
    if not names:
        raise ApidriftError(f"{wanted.describe()} selects no operation of {', '.join(store.labels())}")
    return names


def _check_traffic(
    store: ContractStore,
    profile: ApiProfile,
    har: list[Path],
    cassettes: list[Path],
    against: str | None,
    record: Path | None,
) -> tuple[DriftReport, list[str]]:
    """HAR files and cassettes checked (`check_traffic_files`); unmatched exchanges and request
    findings printed, the report built."""
    from apidrift.report.build_traffic import build_traffic_report
    from apidrift.traffic.check import check_traffic_files

    traffic = check_traffic_files(
        store, har=har, cassettes=cassettes, profile=profile, against=against, record=record
    )
    print_unmatched(traffic.unmatched)
    _print_unchecked(traffic.run)
    report = build_traffic_report(traffic, api=profile.name)
    print_requests(report)
    return report, [str(e) for e in traffic.run.input_errors]


def print_unmatched(unmatched: Iterable[object]) -> None:
    """Traffic no operation of the version has: one line each, listed, not dropped."""
    for entry in unmatched:
        out().print(f"unmatched: {entry}", soft_wrap=True, markup=False, highlight=False)


def print_requests(report: DriftReport) -> None:
    """The sender's drift: request findings, one line per kind of finding with how many requests."""
    seen: dict[tuple[str, ...], int] = {}
    for f in report.findings:
        if f.side == "request":
            key = (f.operation or "", f.severity.value, f.location or "", f.path, f.message)
            seen[key] = seen.get(key, 0) + 1
    if seen:
        checked = report.metadata.against or "the newest version"
        out().print(f"requests judged against {checked}:", soft_wrap=True)
    for (operation, severity, location, path, message), n in seen.items():
        times = f" ({n}×)" if n > 1 else ""
        out().print(
            f"  request {severity}: {operation} {location} `{path}`: {message}{times}",
            soft_wrap=True,
            markup=False,
            highlight=False,
        )
    for r in report.renames:
        if r.side == "request" and r.old_in == report.metadata.against:
            out().print(
                f"  request rename: {r.operation}: `{r.old}` ({r.old_in}) "
                f"sent as `{r.new}` ({r.confidence:.2f})",
                soft_wrap=True,
                markup=False,
                highlight=False,
            )


def _live(
    store: ContractStore, profile: ApiProfile, options: LiveCheckOptions, base_url: str | None
) -> DriftReport:
    from rich.progress import Progress

    from apidrift.cli.live import api_key, live_base_url
    from apidrift.live.check import run_live_check
    from apidrift.live.events import OperationCall, SweepEvent
    from apidrift.live.sandbox import sandbox_plan
    from apidrift.report.build_live import build_live_report

    # Everything that can be told before a request is sent is one `error:` line and exit 2.
    try:
        url = live_base_url(profile, base_url)
        if options.allow_writes:
            if profile.extensions.sandbox is None:
                raise ApidriftError(
                    f"the {profile.name!r} profile has no sandbox write plan: --allow-writes is not possible",
                    file=profile.source if profile.source.endswith(".toml") else None,
                )
            sandbox_plan(profile)
        key = api_key(profile)
    except ApidriftError as exc:
        error(str(exc))
        raise typer.Exit(2) from None
    options = replace(options, base_url=url)
    with Progress(transient=True, console=out(), disable=not out().is_terminal) as progress:
        task = progress.add_task("sweeping", total=None)

        def tick(event: SweepEvent) -> None:
            label = event.operation if isinstance(event, OperationCall) else f"skipped {event.operation}"
            progress.update(task, advance=1, description=label)

        result = run_live_check(store, options, key, on_event=tick, profile=profile)
    for finding in result.transport_findings:
        out().print(
            f"transport: {finding.kind.value} {finding.method} {finding.path}: {finding.message}",
            soft_wrap=True,
        )
    _print_unchecked(result.run)
    if result.sweep.interrupted:
        out().print(
            f"interrupted: {result.sweep.interrupted}; everything recorded so far is checked", soft_wrap=True
        )
    return build_live_report(result, api=profile.name, base_url=url)


def _print_unchecked(run: CheckRun) -> None:
    """Patterns the regex engine cannot run: documentation findings, never violations."""
    for pattern in run.unchecked_patterns:
        out().print(f"documentation: {pattern.describe()}", soft_wrap=True, markup=False)


def _finish(
    report: DriftReport,
    reports: Path | None,
    problems: list[str] | None = None,
    *,
    annotations: bool | None = None,
    formats: list[ReportFormat] | None = None,
) -> None:
    _print_table(report)
    if verbosity() >= VERBOSE:
        _print_findings(report)
    written = write_reports(report, reports, formats) if reports is not None else []
    s = report.summary
    where = f"reports: {', '.join(p.as_posix() for p in written)}" if written else "no reports written"
    out().print(
        f"{s.ok} of {s.responses} responses valid, {s.failed} failed, {s.drifted} with undocumented fields; "
        + where,
        soft_wrap=True,
    )
    for line in history_lines(report):
        out().print(line, soft_wrap=True)
    for problem in problems or []:
        error(problem)
    print_annotations(report, annotations)
    raise typer.Exit(report.exit_code)


def _print_table(report: DriftReport) -> None:
    """One line per operation and recorded version (not per response), worst first, then why things
    failed. Plain aligned columns with the operation last: a CI log of any width shows names whole."""
    if not report.matrix:
        return
    from apidrift.report.summary import LEGEND, summarize_check

    summaries = summarize_check(report)
    header = ["verdict", "n", "recorded", *report.metadata.versions, "best match", "operation"]
    rows = [
        [s.verdict, str(s.responses), s.recorded_version or "-", *s.cells, s.best_match, s.operation]
        for s in summaries
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header) - 1)]
    against = report.metadata.against or "each response's own version"
    out().print(f"responses per operation, judged against {against}:", soft_wrap=True)
    for i, row in enumerate([header, *rows]):
        line = "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)) + "  " + row[-1]
        style = "bold" if i == 0 else _tone(summaries[i - 1])
        out().print(line, style=style, soft_wrap=True, markup=False, highlight=False)
    out().print(LEGEND, style="dim", soft_wrap=True)
    for s in (s for s in summaries if s.reasons):
        out().print(
            f"{s.operation} against {s.against}: {s.failed_text} because", soft_wrap=True, markup=False
        )
        for r in s.reasons:
            times = f" ({r.count}×, e.g. {r.example})" if r.count > 1 else f" ({r.example})"
            rename = f"; {r.rename}" if r.rename else ""
            out().print(f"  - {r.field}: {r.message}{rename}{times}", soft_wrap=True, markup=False)


def _print_findings(report: DriftReport) -> None:
    """--verbose: every finding row as report.md lists them, worst first, a rename as one row."""
    from apidrift.report.view import severity_blocks

    for block in severity_blocks(report):
        for row in block.rows:
            where = f"{row.operation or '-'} {row.entry.location or ''}".rstrip()
            files = (
                f" ({row.responses} responses)"
                if row.responses > 1
                else (f" ({row.files[0]})" if row.files else "")
            )
            out().print(f"{row.severity.value}: {where}: {row.message}{files}", soft_wrap=True, markup=False)


def _tone(summary: OperationSummary) -> str:
    return "red" if summary.failed else ("yellow" if summary.drifted else "green")


@app.command()
def contracts(contracts: ContractsOption = None, api: ApiOption = DEFAULT_API) -> None:
    """List the contract versions with their dates, sources and operation/schema counts."""
    from rich.table import Table

    store = ContractStore(contracts, api)
    summaries = store.summaries()
    if not summaries:
        error(f"no contract versions below {store.root / api}")
        raise typer.Exit(2)
    table = Table(title=f"{api} contract versions")
    for column in ("version", "date", "operations", "schemas", "folder", "sources"):
        table.add_column(column)
    for s in summaries:
        sources = ", ".join(src.split(":")[0] for src in s.sources)
        table.add_row(s.version, s.date or "-", str(s.operations), str(s.schemas), s.folder, sources)
    out().print(table)
