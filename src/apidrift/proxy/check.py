"""A stopped proxy session checked: its HAR files through the same function as `check --har`
(`traffic.check_traffic_files`: requests and responses), plus what only the proxy saw (bodies too
large to keep, upstreams that gave no answer)."""

from __future__ import annotations

from dataclasses import dataclass

from apidrift.contracts.model import ContractStore
from apidrift.profiles.model import ApiProfile
from apidrift.proxy.server import ProxySession
from apidrift.report import DriftReport
from apidrift.report.build_traffic import build_traffic_report
from apidrift.report.run_entries import TransportFindingEntry
from apidrift.traffic.check import check_traffic_files
from apidrift.traffic.exchange import Unmatched


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
    profile: ApiProfile,
) -> ProxyCheck:
    """Check every exchange of `session` against `against` (default: the newest version)."""
    traffic = check_traffic_files(store, har=session.har_files, profile=profile, against=against)
    report = build_traffic_report(traffic, api=profile.name)
    report.metadata.base_url = session.upstream
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
        report=report,
        unmatched=tuple(traffic.unmatched),
        problems=tuple(str(e) for e in traffic.run.input_errors),
    )
