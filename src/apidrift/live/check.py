"""A live check: sweep an API, record what it answered (redacted), then validate and fingerprint it.

Each response is written to disk the moment it arrives, so an interrupted or failing run still
leaves every response it gathered checked and reported.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from apidrift.check.recordings import Provenance, Recording, safe_file_name
from apidrift.check.run import CheckRun, check_recordings
from apidrift.contracts.model import ContractStore
from apidrift.errors import ProfileError, RecordingError
from apidrift.live.auth import with_contract_auth
from apidrift.live.client import Exchange, LiveClient, TransportFinding
from apidrift.live.events import DEFAULT_LEDGER, OperationCall, SkippedOperation, SweepEvent, SweepOptions
from apidrift.live.redaction import (
    GENERIC,
    EmailPseudonymiser,
    RedactionRules,
    base_host,
    redact_headers,
    redact_json,
    redact_text,
)
from apidrift.live.sweep import Sweep, SweepResult
from apidrift.profiles.model import ApiProfile, load_profile


@dataclass
class LiveCheckOptions:
    """What a live check calls, how hard, and where its recordings go (base URL: the profile's)."""

    base_url: str | None = None
    against: str | None = None
    record_dir: Path | None = None
    allow_writes: bool = False
    sandbox_project: str | None = None
    ledger: Path = DEFAULT_LEDGER
    concurrency: int = 4
    request_budget: int | None = 1000
    give_up_after: int | None = 8  # requests in a row without an answer, then none is sent
    timeout_s: float = 30.0
    deadline_s: float | None = None  # a whole request, every attempt (default: twice timeout_s)
    max_body_bytes: int = 32 * 1024 * 1024  # decoded; a larger answer is a too_large finding
    run_deadline_s: float | None = None  # the whole sweep; what it gathered by then is still checked
    pseudonymise_emails: bool = False
    now: datetime | None = None  # the usage window ends here (default: the current time)


@dataclass
class LiveCheckResult:
    """The sweep as it happened and the check of everything it recorded."""

    run: CheckRun
    sweep: SweepResult
    recordings: Path | None  # None: the run kept none (no --record), its temporary folder is gone
    written: list[Path] = field(default_factory=list)
    elapsed: dict[str, float] = field(default_factory=dict)  # seconds per recording, by file name

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


def exchange_to_recording(
    exchange: Exchange,
    *,
    base_url: str,
    operation: str | None = None,
    version: str | None = None,
    recorded_at: datetime | None = None,
    emails: EmailPseudonymiser | None = None,
    secrets: tuple[str, ...] = (),
    rules: RedactionRules = GENERIC,
) -> Recording:
    """A recording of one live exchange, redacted again here so no caller can store a secret."""
    op_id = operation or exchange.operation
    if not op_id:
        raise RecordingError(f"the exchange {exchange.method} {exchange.path} names no operation")
    rules = rules.with_secrets(secrets)
    when = (recorded_at or datetime.now(UTC)).isoformat(timespec="seconds")
    return Recording(
        operation=op_id,
        method=exchange.method,
        path=rules.text(exchange.path),
        status=exchange.status,
        headers=redact_headers(exchange.headers, rules=rules),
        query={k: redact_text(v, rules=rules) for k, v in exchange.query.items()},
        body=redact_json(exchange.body, emails=emails, rules=rules),
        provenance=Provenance(source=f"live {base_host(base_url)}", version=version, recorded_at=when),
    )


class _RecordingWriter:
    """Writes each recordable exchange as `<operation>.json` (`.2.json`, … for later pages), the
    operation id made one safe file name; two ids with one safe name get `-2`, `-3`, … stems."""

    def __init__(
        self, folder: Path, base_url: str, emails: EmailPseudonymiser | None, rules: RedactionRules
    ) -> None:
        self.folder, self.base_url, self.emails, self.rules = folder, base_url, emails, rules
        self.folder.mkdir(parents=True, exist_ok=True)
        self.counts: dict[str, int] = {}
        self.stems: dict[str, str] = {}
        self.written: list[Path] = []
        # How long each recorded exchange took, by file name: a report's responses are named so.
        self.elapsed: dict[str, float] = {}

    def _stem(self, operation: str) -> str:
        stem = self.stems.get(operation)
        if stem is None:
            base, n = safe_file_name(operation), 1
            # Case-folded: on a case-insensitive file system `A` and `a` are one file.
            taken = {s.casefold() for s in self.stems.values()}
            stem = base
            while stem.casefold() in taken:
                n += 1
                stem = f"{base}-{n}"
            self.stems[operation] = stem
        return stem

    def __call__(self, exchange: Exchange) -> None:
        recording = exchange_to_recording(
            exchange, base_url=self.base_url, emails=self.emails, rules=self.rules
        )
        n = self.counts.get(recording.operation, 0) + 1
        self.counts[recording.operation] = n
        stem = self._stem(recording.operation)
        name = f"{stem}.json" if n == 1 else f"{stem}.{n}.json"
        path = self.folder / name
        path.write_text(recording.to_json(), encoding="utf-8")
        self.written.append(path)
        self.elapsed[name] = exchange.elapsed_s


def _fixed(moment: datetime) -> Callable[[], datetime]:
    return lambda: moment


def run_live_check(
    store: ContractStore,
    options: LiveCheckOptions,
    api_key: str,
    *,
    on_event: Callable[[SweepEvent], None] | None = None,
    profile: ApiProfile | None = None,
) -> LiveCheckResult:
    """Sweep `options.base_url` (default: the profile's) with the contract of `options.against`
    (default: the newest); the profile is the store's API's unless given."""
    profile = profile or load_profile(store.api, contracts_root=store.root)
    base_url = options.base_url or profile.base_url
    if not base_url:
        raise ProfileError(
            f"the {profile.name!r} profile has no base_url: give one (--base-url)",
            file=profile.source if profile.source.endswith(".toml") else None,
        )
    label = options.against or store.newest()
    version = store.load(label)
    profile = with_contract_auth(profile, version)
    folder = options.record_dir or Path(tempfile.mkdtemp(prefix="apidrift-live-"))
    client = LiveClient(
        api_key,
        base_url=base_url,
        profile=profile,
        read_only=not options.allow_writes,
        timeout_s=options.timeout_s,
        deadline_s=options.deadline_s,
        max_body_bytes=options.max_body_bytes,
        max_concurrency=options.concurrency,
        request_budget=options.request_budget,
        give_up_after=options.give_up_after,
    )
    sweep_options = SweepOptions(
        allow_writes=options.allow_writes, sandbox_project=options.sandbox_project, ledger_path=options.ledger
    )
    if options.now is not None:
        sweep_options = replace(sweep_options, now=_fixed(options.now))
    sweep = Sweep(client, version, sweep_options, profile=profile)
    emails = EmailPseudonymiser() if options.pseudonymise_emails else None
    writer = _RecordingWriter(folder, client.base_url, emails, client.rules)

    def handle(event: SweepEvent) -> None:
        if isinstance(event, OperationCall) and event.recordable is not None:
            writer(event.recordable)
        if on_event is not None:
            on_event(event)

    async def go() -> None:
        try:
            async with asyncio.timeout(options.run_deadline_s):
                await sweep.run(handle)
        finally:
            await client.aclose()

    # Whatever stops the sweep, what it recorded so far is still checked and reported.
    try:
        with contextlib.suppress(KeyboardInterrupt, asyncio.CancelledError):
            asyncio.run(go())
    except TimeoutError:
        sweep.result.interrupted = f"the run's {options.run_deadline_s:g}s deadline passed"
    try:
        run = check_recordings(store, folder, against=label)
    finally:
        if options.record_dir is None:  # recordings nobody asked to keep are not left in $TMPDIR
            shutil.rmtree(folder, ignore_errors=True)
    if options.record_dir is None:
        return LiveCheckResult(run, sweep.result, None, [], writer.elapsed)
    return LiveCheckResult(run, sweep.result, folder, writer.written, writer.elapsed)
