"""`apidrift serve` (the simulated org) and `apidrift cleanup` (undo what a killed write run left),
and what every live command shares: the API's profile, its base URL and its key."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from apidrift.cli.app import ApiOption, ContractsOption, app, error, out
from apidrift.contracts.model import ContractStore, bundled_root
from apidrift.errors import ApidriftError, LedgerError, ProfileError
from apidrift.profiles.model import DEFAULT_API, ApiProfile, load_profile

if TYPE_CHECKING:
    from apidrift.live.cleanup import CleanupReport

# Where a write run keeps its ledger; the same as apidrift.live.events.DEFAULT_LEDGER, repeated so
# that `check` (which imports this module for the profile options) does not import httpx to start.
DEFAULT_LEDGER = Path("apidrift-ledger.jsonl")

LiveApiOption = Annotated[
    str,
    typer.Option(
        "--api", help="API name (a bundled profile or a folder below the contracts root) or a profile.toml."
    ),
]


def live_profile(api: str, contracts: Path | None) -> ApiProfile:
    """The profile `--api` names: a .toml file, `<contracts>/<api>/profile.toml`, or a bundled one."""
    return load_profile(api, contracts_root=contracts or bundled_root())


def key_variable(profile: ApiProfile) -> str:
    """The environment variable holding the profile's key (`<NAME>_API_KEY` when it names none)."""
    return profile.key_env or re.sub(r"[^A-Z0-9]", "_", profile.name.upper()) + "_API_KEY"


def api_key(profile: ApiProfile) -> str:
    """The API key from the profile's environment variable; never printed, never written."""
    variable = key_variable(profile)
    key = os.environ.get(variable, "")
    if not key.strip():
        raise ApidriftError(f"{variable} is not set: a live run of {profile.name} needs an API key")
    return key


def live_base_url(profile: ApiProfile, given: str | None) -> str:
    """`--base-url` if given, else the profile's; ProfileError (exit 2) when there is neither."""
    base_url = given or profile.base_url
    if not base_url:
        message = f"the {profile.name!r} profile has no base_url: give --base-url"
        raise ProfileError(message, file=profile.source if profile.source.endswith(".toml") else None)
    return base_url


@app.command()
def serve(
    version: Annotated[
        str | None, typer.Option("--version", help="Contract version to answer as (default: the newest).")
    ] = None,
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port to listen on.")] = 8000,
    mix: Annotated[
        str | None,
        typer.Option("--mix", help="Endpoint families answering in another version, e.g. usage=2026-05-02."),
    ] = None,
    faults: Annotated[
        str | None,
        typer.Option("--faults", help="Fault rates, e.g. 429=0.1,500=0.05,timeout=0.02,html=0.02,drop=0.01."),
    ] = None,
    latency: Annotated[
        float, typer.Option("--latency", min=0, help="Milliseconds added to every response.")
    ] = 0.0,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the org's data and of the faults.")] = 0,
    contracts: ContractsOption = None,
    api: ApiOption = DEFAULT_API,
    rehearse: Annotated[
        str | None,
        typer.Option(
            "--rehearse",
            help="An older version: answer with responses valid in --version that break its clients.",
        ),
    ] = None,
) -> None:
    """Serve a simulated org over HTTP, shaped by one contract version (Ctrl-C stops it)."""
    from apidrift.simulator import FaultPlan, parse_mix
    from apidrift.simulator import serve as run_server

    store = ContractStore(contracts, api)
    label = version or store.newest()
    new = store.load(label)  # an unknown version is bad input before anything listens
    mixed = parse_mix(mix, families=_families(api, store), known_versions=store.labels()) if mix else None
    rehearsal = None
    if rehearse is not None:
        from apidrift.simulator.rehearse import Rehearsal, plan_rehearsal

        # A family answered as another version is rehearsed against that version (`Rehearsal.of`).
        others = [store.load(v) for v in sorted(set((mixed or {}).values()))]
        rehearsal = Rehearsal.of(plan_rehearsal(new, store.load(rehearse)), others)
        for plan in (rehearsal.plan, *(p for p in rehearsal.plans.values() if p is not rehearsal.plan)):
            _print_rehearsal(plan.summary())

    def announce(path: str) -> None:
        out().print(f"simulated {api} API, version {label}, on http://{host}:{port}{path}", soft_wrap=True)

    run_server(
        label,
        host=host,
        port=port,
        mix=mixed,
        faults=FaultPlan.parse(faults, seed=seed) if faults else None,
        latency_ms=latency,
        seed=seed,
        store=store,
        rehearse=rehearsal,
        announce=announce,
    )


def _print_rehearsal(summary: dict[str, Any]) -> None:
    """What the rehearsal alters, by kind, and every change it cannot show, with the reason."""
    placed = summary["placements"]
    kinds = ", ".join(f"{kind} {count}" for kind, count in placed.items()) or "nothing"
    console = out()
    console.print(
        f"rehearsing {summary['new']} for clients of {summary['old']}: {sum(placed.values())} "
        f"alterations in {summary['operations']} operations ({kinds})",
        soft_wrap=True,
        markup=False,
    )
    skipped = summary["not_rehearsed"]
    console.print(f"cannot be rehearsed: {len(skipped)}", soft_wrap=True, markup=False)
    for item in skipped:
        where = " ".join(str(x) for x in (item["operation"], item["status"], item["path"]) if x)
        console.print(f"  {item['kind']} {where}: {item['reason']}", soft_wrap=True, markup=False)


def _families(api: str, store: ContractStore) -> Mapping[str, tuple[str, ...]]:
    """The endpoint families of the served API's profile (a mix names them)."""
    return load_profile(api, contracts_root=store.root).families


@app.command("cleanup")
def cleanup_command(
    ledger: Annotated[Path, typer.Option("--ledger", help="The ledger a write run kept.")] = DEFAULT_LEDGER,
    base_url: Annotated[
        str | None,
        typer.Option(
            "--base-url",
            help="The API the run wrote to (default: the profile's; entries for others are left alone).",
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Say what would be undone and what refused; change nothing.")
    ] = False,
    api: LiveApiOption = DEFAULT_API,
    contracts: ContractsOption = None,
) -> None:
    """Undo what a killed `check --live --allow-writes` or `fuzz --allow-writes` left, and only what its
    ledger proves it made (key: the profile's variable); entries that do not verify are refused, and the
    exit is 1."""
    from apidrift.live.exclusive import clean_up
    from apidrift.live.sandbox import sandbox_plan

    try:
        profile = live_profile(api, contracts)
        url = live_base_url(profile, base_url)
        # Without a sandbox plan only entries that name their own undo (a fuzz run's) can be undone.
        plan = sandbox_plan(profile) if profile.extensions.sandbox is not None else None
    except ProfileError as exc:
        error(str(exc))
        raise typer.Exit(2) from None
    if ledger.exists() and not ledger.is_file():
        raise LedgerError("not a ledger file (a folder or a device): nothing was undone", file=ledger)
    if not ledger.is_file() and not ledger.is_symlink():
        out().print(f"nothing to clean up: no ledger at {ledger}", soft_wrap=True)
        raise typer.Exit(0)
    report = clean_up(ledger, profile, url, api_key(profile), plan, dry_run=dry_run)
    _print_cleanup(report, ledger)


def _print_cleanup(report: CleanupReport, ledger: Path) -> None:
    for outcome in report.outcomes:
        entry = outcome.entry
        what = entry.name or entry.resource_id or entry.kind.value
        out().print(
            f"{outcome.status.value:8} {entry.kind.value:16} {what}: {outcome.detail}", soft_wrap=True
        )
    if report.refused:
        error(f"{report.refused} ledger entries were refused (they do not prove this run made them)")
    if report.dry_run:
        out().print(f"dry run: nothing was changed; {ledger} is as it was", soft_wrap=True)
        raise typer.Exit(1 if report.refused else 0)
    if report.remaining:
        error(f"{report.remaining} ledger entries were not undone; they stay in {ledger}")
        raise typer.Exit(1)
    out().print(f"clean: {len(report.outcomes)} entries undone", soft_wrap=True)
