"""`apidrift fuzz`: generated valid and invalid requests for every operation of a version, against the
simulator (started for the run) or a base URL, read-only there; and `--replay FILE` of one example."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from apidrift.cli.annotate import AnnotationsOption, print_annotations
from apidrift.cli.app import ContractsOption, app, error, out
from apidrift.cli.history import BaselineOption, FailOnOption, HistoryOption, history_lines, judged
from apidrift.cli.live import DEFAULT_LEDGER, LiveApiOption, api_key, key_variable, live_profile
from apidrift.cli.options import FormatsOption, PathFilter, TagFilter
from apidrift.contracts.model import ContractStore
from apidrift.contracts.selection import Selection
from apidrift.profiles.model import DEFAULT_API, ApiProfile

if TYPE_CHECKING:
    from apidrift.fuzz.model import FuzzOptions, FuzzResult
    from apidrift.report import DriftReport


@app.command()
def fuzz(
    against: Annotated[
        str | None, typer.Option("--against", help="The version to fuzz (default: the newest).")
    ] = None,
    base_url: Annotated[
        str | None,
        typer.Option(
            "--base-url",
            help="Fuzz this API instead of the simulator, with the profile's key variable: read-only "
            "(GET operations only) unless --allow-writes --sandbox.",
        ),
    ] = None,
    max_examples: Annotated[
        int,
        typer.Option("--max-examples", min=1, max=10_000, help="Examples per operation and kind of request."),
    ] = 25,
    deadline: Annotated[
        float,
        typer.Option(
            "--deadline", min=1, help="Seconds the whole run may take; operations not reached are gaps."
        ),
    ] = 300.0,
    seed: Annotated[
        int, typer.Option("--seed", help="Seed of the examples (and of the simulator's data).")
    ] = 0,
    operation: Annotated[
        list[str] | None,
        typer.Option("--operation", help="Only operations whose id matches this glob (repeatable)."),
    ] = None,
    path: PathFilter = None,
    tag: TagFilter = None,
    stateful: Annotated[
        bool, typer.Option("--stateful/--no-stateful", help="Also run create, read, update, delete chains.")
    ] = True,
    allow_writes: Annotated[
        bool,
        typer.Option("--allow-writes", help="With --base-url: also write, only inside --sandbox, ledgered."),
    ] = False,
    sandbox: Annotated[
        str | None,
        typer.Option(
            "--sandbox",
            help="PARAM=ID: writes only create things below /.../{PARAM}/... with PARAM=ID, and delete them.",
        ),
    ] = None,
    ledger: Annotated[
        Path, typer.Option("--ledger", help="Where a write run ledgers what it created.")
    ] = DEFAULT_LEDGER,
    replay_file: Annotated[
        Path | None,
        typer.Option("--replay", help="Replay one failing example from its file, and judge it again."),
    ] = None,
    reports: Annotated[
        Path, typer.Option("--reports", help="Where report.json, report.md, ... and fuzz-cases/ go.")
    ] = Path("reports"),
    no_reports: Annotated[bool, typer.Option("--no-reports", help="Write no report files.")] = False,
    formats: FormatsOption = None,
    fail_on: FailOnOption = None,
    history: HistoryOption = None,
    baseline: BaselineOption = None,
    annotations: AnnotationsOption = None,
    api: LiveApiOption = DEFAULT_API,
    contracts: ContractsOption = None,
) -> None:
    """Fuzz every operation of a version: valid requests must be answered as documented, invalid ones
    refused with a 4xx, never a 5xx; failing examples are shrunk and can be replayed."""
    from apidrift.fuzz import FuzzOptions, run_fuzz
    from apidrift.fuzz.reporting import build_fuzz_report, write_cases
    from apidrift.report import write_reports

    profile = live_profile(api, contracts)
    store = ContractStore(contracts, profile.name)
    options = FuzzOptions(
        against=against,
        base_url=base_url,
        max_examples=max_examples,
        deadline_s=deadline,
        seed=seed,
        operations=tuple(operation or ()),
        selection=Selection(paths=tuple(path or ()), tags=tuple(tag or ()), families=profile.families),
        stateful=stateful,
        allow_writes=allow_writes,
        sandbox=sandbox,
        ledger=ledger,
    )
    key = api_key(profile) if base_url else None
    if replay_file is not None:
        _replay(store, replay_file, options, profile, key)
        return
    result = run_fuzz(store, options, profile=profile, api_key=key)
    report = judged(build_fuzz_report(result), history, baseline, fail_on)
    written = []
    if not no_reports:
        written = write_reports(report, reports, formats)
        write_cases(report, result, reports)
        written = write_reports(report, reports, formats)  # again: the findings now name their replay files
    _print(result, report, auth_line(profile))
    where = f"reports: {', '.join(p.as_posix() for p in written)}" if written else "no reports written"
    out().print(where, soft_wrap=True)
    for line in history_lines(report):
        out().print(line, soft_wrap=True)
    print_annotations(report, annotations)
    raise typer.Exit(report.exit_code)


def auth_line(profile: ApiProfile) -> str:
    """The auth header a curl line sends, naming the key variable (never its value)."""
    variable = "$" + key_variable(profile)
    if profile.auth.scheme == "header":
        return f"{profile.auth.header}: {variable}"
    return f"Authorization: Bearer {variable}"


def _print(result: FuzzResult, report: DriftReport, auth: str) -> None:
    console = out()
    target = "the simulator (127.0.0.1)" if result.simulated else result.base_url
    console.print(
        f"fuzzed {result.api} {result.version} against {target}, seed {result.options.seed}:", soft_wrap=True
    )
    coverage = report.coverage
    assert coverage is not None
    for o in coverage.operations:
        gaps = f"  gap: {'; '.join(o.gaps)}" if o.gaps else ""
        statuses = ",".join(map(str, o.statuses)) or "-"
        console.print(
            f"  {o.requests:5} requests  {statuses:15} {o.method:6} {o.operation}{gaps}",
            soft_wrap=True,
            markup=False,
        )
    shown = [f for f in report.findings if f.kind != "coverage-gap" and f.severity.value != "info"]
    for finding in shown:
        console.print(
            f"{finding.severity.value.upper()} {finding.kind} {finding.operation}: {finding.message}",
            soft_wrap=True,
            markup=False,
        )
        for line in finding.evidence:
            console.print(f"    {line}", soft_wrap=True, markup=False)
    for bug in result.bugs:
        if not bug.chain:
            console.print(f"    curl: {bug.case.curl(result.base_url, auth)}", soft_wrap=True, markup=False)
    exercised = sum(1 for o in coverage.operations if o.requests)
    seen = sum(len(o.documented_seen) for o in coverage.operations)
    documented = sum(len(o.documented) for o in coverage.operations)
    requests = sum(o.requests for o in coverage.operations)
    console.print(
        f"coverage: {exercised} of {len(coverage.operations)} operations exercised ({requests} requests), "
        f"{seen} of {documented} documented statuses seen, {coverage.chains} chains, keywords broken: "
        f"{', '.join(coverage.keywords) or '-'}",
        soft_wrap=True,
        markup=False,
    )
    for line in result.cleaned:
        console.print(f"cleanup: {line}", soft_wrap=True, markup=False)
    for line in result.left:
        error(f"left in the sandbox (see the ledger, `apidrift cleanup`): {line}")
    s = report.summary
    console.print(f"{s.breaking} breaking, {s.warning} warning, {s.info} info findings", soft_wrap=True)


def _replay(
    store: ContractStore, path: Path, options: FuzzOptions, profile: ApiProfile, key: str | None
) -> None:
    from apidrift.fuzz.replay import replay

    replayed = replay(store, path, options, profile=profile, api_key=key)
    out().print(
        f"replayed ({replayed.steps} requests): {replayed.case.describe()}", soft_wrap=True, markup=False
    )
    f = replayed.failure
    if f is None or replayed.exit_code == 0:
        note = f" ({f.severity.value} {f.kind}: {f.message})" if f is not None else ""
        out().print(f"answered {replayed.status}: passes now{note}", soft_wrap=True, markup=False)
    else:
        error(f"still fails: {f.severity.value} {f.kind}: {f.message}")
    raise typer.Exit(replayed.exit_code)
