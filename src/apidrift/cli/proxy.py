"""`apidrift proxy`: a local validating proxy in front of an API; its report is written when it stops."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

import typer

from apidrift.cli.annotate import AnnotationsOption
from apidrift.cli.app import ContractsOption, app, error, out
from apidrift.cli.check import _finish, narrowed, print_requests, print_unmatched, selected_names
from apidrift.cli.history import BaselineOption, FailOnOption, HistoryOption, judged
from apidrift.cli.live import LiveApiOption, live_profile
from apidrift.cli.options import FormatsOption, OperationFilter, PathFilter, SeverityFilter, TagFilter
from apidrift.contracts.model import ContractStore
from apidrift.contracts.selection import Selection
from apidrift.errors import ApidriftError
from apidrift.profiles.model import DEFAULT_API


@app.command()
def proxy(
    upstream: Annotated[
        str,
        typer.Option(
            "--upstream", help="Base URL every request is forwarded to (the API itself, or a simulator)."
        ),
    ],
    port: Annotated[
        int,
        typer.Option(
            "--port", min=0, max=65535, help="Port on 127.0.0.1 to listen on (0: any free port, printed)."
        ),
    ] = 0,
    against: Annotated[
        str | None,
        typer.Option("--against", help="Version to validate every exchange against (default: the newest)."),
    ] = None,
    reports: Annotated[
        Path,
        typer.Option(
            "--reports", help="Where the redacted proxy.har and the reports (as `check` writes them) go."
        ),
    ] = Path("reports"),
    no_reports: Annotated[
        bool, typer.Option("--no-reports", help="Write no files (the HAR is checked from a scratch folder).")
    ] = False,
    max_exchanges: Annotated[
        int | None, typer.Option("--max-exchanges", min=1, help="Stop after this many exchanges.")
    ] = None,
    max_body_mb: Annotated[
        float,
        typer.Option(
            "--max-body-mb", min=0, help="Largest body kept for checking, in MiB (larger ones still pass)."
        ),
    ] = 8,
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
    """Forward to --upstream, keep each exchange (redacted) and, when stopped (Ctrl-C, SIGTERM,
    POST /__apidrift__/proxy/stop, --max-exchanges), validate them all like `check --har`."""
    from apidrift.live.redaction import RedactionRules
    from apidrift.proxy import ProxyOptions, ProxyServer, check_session

    try:
        profile = live_profile(api, contracts)
        store = ContractStore(contracts, profile.name)
        label = against or store.newest()
        store.load(label)  # an unknown version is bad input before anything listens
        wanted = Selection(tuple(operation or ()), tuple(path or ()), tuple(tag or ()), profile.families)
        selected_names(store, wanted)  # a filter that selects nothing is bad input before anything listens
    except ApidriftError as exc:
        error(str(exc))
        raise typer.Exit(2) from None
    rules = RedactionRules.for_profile(profile)
    with tempfile.TemporaryDirectory(prefix="apidrift-proxy-") as scratch:
        options = ProxyOptions(
            upstream=upstream,
            har_dir=Path(scratch) if no_reports else reports,
            rules=rules,
            port=port,
            body_cap=int(max_body_mb * 1024 * 1024),
            max_exchanges=max_exchanges,
        )

        def listening(url: str) -> None:
            out().print(
                f"proxy on {url} -> {options.upstream}; "
                f"stop with Ctrl-C or POST {url}/__apidrift__/proxy/stop",
                soft_wrap=True,
                markup=False,
                highlight=False,
            )

        session = ProxyServer(options, on_listening=listening).run()
        har = "" if no_reports else "; " + ", ".join(p.as_posix() for p in session.har_files)
        out().print(
            f"stopped ({session.stopped_by}) after {session.exchanges} exchanges{har}", soft_wrap=True
        )
        checked = check_session(store, session, against=label, profile=profile)
    print_unmatched(checked.unmatched)
    print_requests(checked.report)
    for f in session.findings:
        out().print(f"proxy: {f.kind} {f.method} {f.path}: {f.message}", soft_wrap=True, markup=False)
    report = judged(narrowed(checked.report, store, wanted, severity), history, baseline, fail_on)
    problems = list(checked.problems)
    _finish(report, None if no_reports else reports, problems, annotations=annotations, formats=formats)
