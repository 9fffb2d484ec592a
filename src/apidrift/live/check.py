"""A live check: sweep an org, record what it answered (redacted), then validate and fingerprint it.

Each response is written to disk the moment it arrives, so an interrupted or failing run still
leaves every response it gathered checked and reported.
"""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from apidrift.check.run import CheckRun, check_recordings
from apidrift.contracts.model import ContractStore
from apidrift.live.client import DEFAULT_BASE_URL, Exchange, LiveClient, TransportFinding
from apidrift.live.ledger import DEFAULT_LEDGER
from apidrift.live.redaction import EmailPseudonymiser, exchange_to_recording
from apidrift.live.sweep import OperationCall, SkippedOperation, Sweep, SweepEvent, SweepOptions, SweepResult


@dataclass
class LiveCheckOptions:
    """What a live check calls, how hard, and where its recordings go."""

    base_url: str = DEFAULT_BASE_URL
    against: str | None = None
    record_dir: Path | None = None
    allow_writes: bool = False
    sandbox_project: str | None = None
    ledger: Path = DEFAULT_LEDGER
    concurrency: int = 4
    request_budget: int | None = 1000
    timeout_s: float = 30.0
    pseudonymise_emails: bool = False
    now: datetime | None = None  # the usage window ends here (default: the current time)


@dataclass
class LiveCheckResult:
    """The sweep as it happened and the check of everything it recorded."""

    run: CheckRun
    sweep: SweepResult
    recordings: Path
    written: list[Path] = field(default_factory=list)

    @property
    def transport_findings(self) -> list[TransportFinding]:
        return [c.outcome for c in self.sweep.calls if isinstance(c.outcome, TransportFinding)]

    @property
    def skipped(self) -> list[SkippedOperation]:
        return self.sweep.skipped

    @property
    def exit_code(self) -> int:
        """As for recorded checks; an interrupted sweep or a transport failure also fails the run."""
        if self.run.exit_code == 2:
            return 2
        failed = self.run.exit_code == 1 or bool(self.sweep.interrupted) or bool(self.transport_findings)
        return 1 if failed else 0


class _RecordingWriter:
    """Writes each recordable exchange as `<operation>.json` (`.2.json`, … for later pages)."""

    def __init__(self, folder: Path, base_url: str, emails: EmailPseudonymiser | None) -> None:
        self.folder, self.base_url, self.emails = folder, base_url, emails
        self.folder.mkdir(parents=True, exist_ok=True)
        self.counts: dict[str, int] = {}
        self.written: list[Path] = []

    def __call__(self, exchange: Exchange) -> None:
        recording = exchange_to_recording(exchange, base_url=self.base_url, emails=self.emails)
        n = self.counts.get(recording.operation, 0) + 1
        self.counts[recording.operation] = n
        name = f"{recording.operation}.json" if n == 1 else f"{recording.operation}.{n}.json"
        path = self.folder / name
        path.write_text(recording.to_json(), encoding="utf-8")
        self.written.append(path)


def _fixed(moment: datetime) -> Callable[[], datetime]:
    return lambda: moment


def run_live_check(
    store: ContractStore,
    options: LiveCheckOptions,
    api_key: str,
    *,
    on_event: Callable[[SweepEvent], None] | None = None,
) -> LiveCheckResult:
    """Sweep `options.base_url` with the contract of `options.against` (default: the newest)."""
    label = options.against or store.newest()
    version = store.load(label)
    folder = options.record_dir or Path(tempfile.mkdtemp(prefix="apidrift-live-"))
    client = LiveClient(
        api_key,
        base_url=options.base_url,
        read_only=not options.allow_writes,
        timeout_s=options.timeout_s,
        max_concurrency=options.concurrency,
        request_budget=options.request_budget,
    )
    sweep_options = SweepOptions(
        allow_writes=options.allow_writes, sandbox_project=options.sandbox_project, ledger_path=options.ledger
    )
    if options.now is not None:
        sweep_options = replace(sweep_options, now=_fixed(options.now))
    sweep = Sweep(client, version, sweep_options)
    writer = _RecordingWriter(
        folder, client.base_url, EmailPseudonymiser() if options.pseudonymise_emails else None
    )

    def handle(event: SweepEvent) -> None:
        if isinstance(event, OperationCall) and event.recordable is not None:
            writer(event.recordable)
        if on_event is not None:
            on_event(event)

    async def go() -> None:
        try:
            await sweep.run(handle)
        finally:
            await client.aclose()

    # Whatever stops the sweep, what it recorded so far is still checked and reported.
    with contextlib.suppress(KeyboardInterrupt, asyncio.CancelledError):
        asyncio.run(go())
    run = check_recordings(store, folder, against=label)
    return LiveCheckResult(run, sweep.result, folder, writer.written)
