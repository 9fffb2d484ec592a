"""`apidrift serve` (the simulated org) and `apidrift cleanup` (undo what a killed write run left)."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Annotated

import typer

from apidrift.cli.app import ApiOption, ContractsOption, app, error, out
from apidrift.contracts.model import ContractStore
from apidrift.live.client import DEFAULT_BASE_URL, LiveClient, LiveError
from apidrift.live.ledger import DEFAULT_LEDGER, CleanupReport, cleanup

KEY_VARIABLE = "OPENAI_ADMIN_KEY"


def admin_key() -> str:
    """The admin key from the environment; never printed, never written."""
    key = os.environ.get(KEY_VARIABLE, "")
    if not key.strip():
        raise LiveError(f"{KEY_VARIABLE} is not set: a live run needs an admin API key")
    return key


@app.command()
def serve(
    version: Annotated[
        str | None, typer.Option("--version", help="Contract version to answer as (default: the newest).")
    ] = None,
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
    mix: Annotated[
        str | None,
        typer.Option("--mix", help="Endpoint families answering in another version, e.g. usage=2026-05-02."),
    ] = None,
    faults: Annotated[
        str | None,
        typer.Option("--faults", help="Fault rates, e.g. 429=0.1,500=0.05,timeout=0.02,html=0.02,drop=0.01."),
    ] = None,
    latency: Annotated[float, typer.Option("--latency", help="Milliseconds added to every response.")] = 0.0,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the org's data and of the faults.")] = 0,
    contracts: ContractsOption = None,
    api: ApiOption = "openai-admin",
) -> None:
    """Serve a simulated org over HTTP, shaped by one contract version (Ctrl-C stops it)."""
    from apidrift.simulator import FaultPlan, parse_mix
    from apidrift.simulator import serve as run_server

    store = ContractStore(contracts, api)
    label = version or store.newest()
    store.load(label)  # an unknown version is bad input before anything listens
    out().print(f"simulated {api} org, version {label}, on http://{host}:{port}/v1", soft_wrap=True)
    run_server(
        label,
        host=host,
        port=port,
        mix=parse_mix(mix, known_versions=store.labels()) if mix else None,
        faults=FaultPlan.parse(faults, seed=seed) if faults else None,
        latency_ms=latency,
        seed=seed,
        store=store,
    )


@app.command("cleanup")
def cleanup_command(
    ledger: Annotated[Path, typer.Option("--ledger", help="The ledger a write run kept.")] = DEFAULT_LEDGER,
    base_url: Annotated[
        str, typer.Option("--base-url", help="The API the run wrote to (entries for others are left alone).")
    ] = DEFAULT_BASE_URL,
) -> None:
    """Undo what a killed `check --live --allow-writes` left, and only that (key: OPENAI_ADMIN_KEY)."""
    if not ledger.is_file():
        out().print(f"nothing to clean up: no ledger at {ledger}", soft_wrap=True)
        raise typer.Exit(0)
    client = LiveClient(admin_key(), base_url=base_url, read_only=False)

    async def go() -> CleanupReport:
        try:
            return await cleanup(ledger, client)
        finally:
            await client.aclose()

    report = asyncio.run(go())
    for outcome in report.outcomes:
        entry = outcome.entry
        what = entry.name or entry.resource_id or entry.kind.value
        out().print(
            f"{outcome.status.value:8} {entry.kind.value:16} {what}: {outcome.detail}", soft_wrap=True
        )
    if report.remaining:
        error(f"{report.remaining} ledger entries could not be undone; they stay in {ledger}")
        raise typer.Exit(1)
    out().print(f"clean: {len(report.outcomes)} entries undone", soft_wrap=True)
