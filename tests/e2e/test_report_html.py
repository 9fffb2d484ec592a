"""report.html of a real check run (the bundled recordings) as headless Chromium renders it.

`--dump-dom` returns the DOM after the page's script has run, so these assertions see what a reader
sees: the filter bar shown, rows filtered, evidence folded. A screenshot is saved beside the report.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from apidrift.check.recordings import bundled_recordings
from apidrift.check.run import check_recordings
from apidrift.contracts.model import ContractStore
from apidrift.report import build_check_report, write_reports

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").is_file() else None)
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def chromium() -> str:
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is required in CI (.ci/run installs Debian's chromium)")
        pytest.skip("chromium is not installed (apt-get install chromium); CI runs this test")
    return CHROMIUM


@pytest.fixture(scope="module")
def report_html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    run = check_recordings(ContractStore(), bundled_recordings() / "openai-admin")
    folder = tmp_path_factory.mktemp("rendered") / "reports"
    write_reports(build_check_report(run, api="openai-admin"), folder)
    return folder / "report.html"


def _chromium(chromium: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [chromium, *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done


_BLOCKS = frozenset({"td", "div", "ul", "li", "details", "summary"})


class _Rows(HTMLParser):
    """Table rows of the rendered DOM: their attributes, whether hidden, and their text."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[tuple[dict[str, str | None], str]] = []
        self.body: dict[str, str | None] = {}
        self.filters_hidden = True
        self.status = ""
        self._text: list[str] | None = None
        self._in_status = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if self._text is not None and tag in _BLOCKS:
            self._text.append(" ")
        if tag == "body":
            self.body = found
        elif tag == "nav" and found.get("id") == "filters":
            self.filters_hidden = "hidden" in found
        elif tag == "span" and found.get("id") == "filter-status":
            self._in_status = True
        elif tag == "tr" and "data-operation" in found:
            self.rows.append((found, ""))
            self._text = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "tr" and self._text is not None:
            attrs, _ = self.rows[-1]
            self.rows[-1] = (attrs, " ".join("".join(self._text).split()))
            self._text = None
        if tag == "span":
            self._in_status = False

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)
        if self._in_status:
            self.status += data

    def visible(self, kind: str) -> list[tuple[dict[str, str | None], str]]:
        return [(a, t) for a, t in self.rows if a.get("class") == kind and "hidden" not in a]

    def hidden(self, kind: str) -> list[tuple[dict[str, str | None], str]]:
        return [(a, t) for a, t in self.rows if a.get("class") == kind and "hidden" in a]


def _dom(chromium: str, profile: Path, url: str) -> _Rows:
    done = _chromium(chromium, profile, "--dump-dom", url)
    parsed = _Rows()
    parsed.feed(done.stdout)
    return parsed


def test_the_page_renders_with_its_matrix_and_renames(
    chromium: str, report_html: Path, tmp_path: Path
) -> None:
    dom = _dom(chromium, tmp_path / "profile", report_html.as_uri())
    assert "js-ready" in (dom.body.get("class") or ""), "the page's script ran"
    assert not dom.filters_hidden and dom.status == "showing all 167 rows"
    matrix = dom.visible("matrix-row")
    assert len(matrix) == 148 and not dom.hidden("matrix-row")
    usage = [text for attrs, text in matrix if attrs["data-operation"] == "usage-costs"]
    assert usage == [
        "usage-costs GET /organization/costs 2026-04-30 ok FAIL 1 2026-04-30 1 difference "
        "2026-05-02 data[].results missing, data[].result undocumented — looks like a rename (0.95)",
        "usage-costs GET /organization/costs 2026-05-02 FAIL 1 ok 2026-05-02 1 difference "
        "2026-04-30 data[].result missing, data[].results undocumented — looks like a rename (0.95)",
    ]
    # The nine usage operations share one rename: one row names them all, both directions in one.
    renames = [t for a, t in dom.visible("rename") if "usage-costs" in (a["data-operation"] or "").split()]
    assert len(renames) == 1 and renames[0].startswith(
        "info data[].result→data[].results 2026-04-30→2026-05-02 usage-audio-speeches, "
    )
    assert "usage-costs" in renames[0] and "0.95 3 reasons plural/singular of the same name" in renames[0]


def test_filters_from_the_address_hide_other_rows(chromium: str, report_html: Path, tmp_path: Path) -> None:
    url = report_html.as_uri() + "#severity=warning&operation=list-audit"
    dom = _dom(chromium, tmp_path / "profile", url)
    shown = dom.visible("matrix-row") + dom.visible("finding") + dom.visible("rename")
    assert shown and all(a["data-operation"] == "list-audit-logs" for a, _ in shown)
    assert all(a["data-severity"] == "warning" for a, _ in shown)
    assert len(dom.visible("matrix-row")) == 2 and len(dom.hidden("matrix-row")) == 146
    assert dom.status == f"showing {len(shown)} of 167 rows"


def test_a_screenshot_is_saved_beside_the_report(chromium: str, report_html: Path, tmp_path: Path) -> None:
    screenshot = report_html.with_name("report.png")
    _chromium(
        chromium,
        tmp_path / "profile",
        f"--screenshot={screenshot}",
        "--window-size=1400,2000",
        report_html.as_uri(),
    )
    data = screenshot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 50_000
    # PNG width and height sit at bytes 16-24 of the IHDR chunk.
    assert (int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")) == (1400, 2000)
