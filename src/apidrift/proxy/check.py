"""A stopped proxy session checked: its HAR files through the same function as `check --har`, plus
what only the proxy saw (bodies too large to keep, upstreams that gave no answer)."""

from __future__ import annotations

from dataclasses import dataclass

from apidrift.contracts.model import ContractStore
from apidrift.live.har import Unmatched
from apidrift.live.har_check import check_har
from apidrift.live.redaction import RedactionRules
from apidrift.proxy.server import ProxySession
from apidrift.report import DriftReport, build_check_report
from apidrift.report.model import TransportFindingEntry


@dataclass(frozen=True)
class ProxyCheck:
    """The report of a session, and its exchanges no operation of the version has."""

    report: DriftReport
    unmatched: tuple[Unmatched, ...]
    # Inputs that could not be used, one line each (a HAR file that could not be read, no entry matched).
    problems: tuple[str, ...]


def check_session(
    store: ContractStore,
    session: ProxySession,
    *,
    against: str | None,
    rules: RedactionRules,
    api: str | None = None,
) -> ProxyCheck:
    """Check every exchange of `session` against `against` (default: the newest version)."""
    done = check_har(store, session.har_files, against=against, rules=rules)
    report = build_check_report(done.run, api=api, base_url=session.upstream)
    report.transport_findings = [
        TransportFindingEntry(
            kind=f.kind,
            operation=None,
            method=f.method,
            path=f.path,
            message=f.message,
            attempts=1,
            http_status=f.status,
        )
        for f in session.findings
    ]
    return ProxyCheck(
        report=report, unmatched=done.unmatched, problems=tuple(str(e) for e in done.run.input_errors)
    )
