"""report.html's history view as headless Chromium renders it: the per-night severity bars and the
per-operation heat map (inline SVG drawn server-side), the since-last-run counts and status column."""

from __future__ import annotations

from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from test_report_html import _chromium, chromium  # noqa: F401 (the fixture)

from apidrift.check.recordings import bundled_recordings
from apidrift.check.run import check_recordings
from apidrift.contracts.model import ContractStore
from apidrift.history import FailOn, HistoryOptions, judge_report
from apidrift.report import DriftReport, build_check_report, write_reports


class _History(HTMLParser):
    """The SVG marks and history counts of the rendered DOM."""

    def __init__(self) -> None:
        super().__init__()
        self.chart = ""
        self.bars: list[tuple[str, str, int]] = []  # night, severity, count
        self.nights: list[str] = []
        self.cells: dict[tuple[str, str], int] = {}  # (operation, night) -> count
        self.counts: dict[str, str] = {}
        self.statuses: list[str] = []
        self._operation = ""
        self._night = ""
        self._count: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "svg":
            self.chart = a.get("id", "")
        elif tag == "g" and self.chart == "severity-chart" and "data-night" in a:
            self._night = a["data-night"]
            self.nights.append(self._night)
        elif tag == "g" and self.chart == "operation-chart" and "data-operation" in a:
            self._operation = a["data-operation"]
        elif tag == "rect" and self.chart == "severity-chart" and "data-severity" in a:
            self.bars.append((self._night, a["data-severity"], int(a["data-count"])))
        elif tag == "rect" and self.chart == "operation-chart" and "data-night" in a:
            self.cells[(self._operation, a["data-night"])] = int(a["data-count"])
        elif tag == "span" and a.get("id", "").startswith("count-"):
            self._count = a["id"]
        elif tag == "span" and "status" in a.get("class", "").split():
            self.statuses.append(a["class"].split()[-1])

    def handle_endtag(self, tag: str) -> None:
        if tag == "svg":
            self.chart = ""
        elif tag == "span":
            self._count = None

    def handle_data(self, data: str) -> None:
        if self._count:
            self.counts[self._count] = self.counts.get(self._count, "") + data


def _nights(tmp_path: Path) -> DriftReport:
    """Three nights of the bundled check: everything, then without its assign-user-role findings, then all."""
    run = check_recordings(ContractStore(), bundled_recordings() / "openai-admin", against="2026-04-30")
    report = build_check_report(run, api="openai-admin")
    for day in (1, 2, 3):
        tonight = build_check_report(run, api="openai-admin")
        if day == 2:
            tonight.findings = [f for f in tonight.findings if f.operation != "assign-user-role"]
        when = datetime(2026, 6, day, 2, 0, tzinfo=UTC)
        options = HistoryOptions(history=tmp_path / "h.sqlite", fail_on=FailOn.NEW, now=when)
        report = judge_report(tonight, options)
    return report


@pytest.mark.usefixtures("chromium")
def test_the_history_view_plots_each_night_by_severity_and_operation(chromium: str, tmp_path: Path) -> None:  # noqa: F811
    report = _nights(tmp_path)
    assert report.history is not None
    write_reports(report, tmp_path / "reports")
    page = (tmp_path / "reports" / "report.html").as_uri()
    done = _chromium(chromium, tmp_path / "profile", "--dump-dom", page)
    dom = _History()
    dom.feed(done.stdout)

    trend = report.history.trend
    assert [n[:10] for n in dom.nights] == ["2026-06-01", "2026-06-02", "2026-06-03"]
    for point in trend:
        drawn = {sev: n for night, sev, n in dom.bars if night == point.night}
        expected = {"breaking": point.breaking, "warning": point.warning, "info": point.info}
        assert drawn == {k: v for k, v in expected.items() if v}
    dropped = [dom.cells[("assign-user-role", p.night)] for p in trend]
    assert dropped[0] == dropped[2] > 0 and dropped[1] == 0
    assert dom.counts["count-new"].strip() == f"{report.history.new} new"
    assert dom.counts["count-resolved"].strip() == "0 resolved"
    assert report.history.new > 0, "assign-user-role' findings came back"
    assert set(dom.statuses) == {"status-new", "status-persisting"}
    shot = tmp_path / "history.png"
    _chromium(
        chromium, tmp_path / "profile", f"--screenshot={shot}", "--window-size=1280,1600", page + "#history"
    )
    assert shot.stat().st_size > 10_000
