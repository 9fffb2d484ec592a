"""report.html without a browser: one self-contained file, escaped values, the parts a reader uses.

tests/e2e/test_report_html.py renders it in headless Chromium (this file has another name: test
modules share one namespace)."""

from __future__ import annotations

import re
import shutil
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from report_samples import all_reports, chain_report, check_report, diff_report, live_report

from apidrift.report import FindingEntry, render_html


class _Elements(HTMLParser):
    """Every start tag with its attributes, in document order."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Elements()
    parser.feed(html)
    return parser.tags


@pytest.mark.parametrize("name", ["check", "failing", "diff", "live", "chain"])
def test_one_self_contained_file(name: str) -> None:
    html = render_html(all_reports()[name])
    assert html.startswith("<!DOCTYPE html>\n")
    tags = _elements(html)
    assert [t for t, _ in tags].count("style") == 1 and [t for t, _ in tags].count("script") == 1
    assert not [t for t, a in tags if t in ("link", "img", "iframe", "object", "embed")]
    assert not [(t, a) for t, a in tags if "src" in a], "no external scripts or images"
    hrefs = [a["href"] for t, a in tags if t == "a"]
    assert all(h and h.startswith("#") for h in hrefs), hrefs
    assert "@import" not in html and "url(" not in html
    if name != "live":  # a live report names its (credential-free) base URL as text
        assert not re.search(r"https?://", html), "no URLs at all"


def test_values_are_escaped() -> None:
    report = live_report()
    report.findings.append(
        FindingEntry(
            kind="x",
            severity="warning",
            operation="o<b>",
            version=None,
            path="p",
            message="</script><script>alert(1)</script> `<i>code</i>`",
            evidence=["<b>e</b>"],
        )
    )
    html = render_html(report)
    assert html.count("<script>") == 1 and html.count("</script>") == 1
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<code>&lt;i&gt;code&lt;/i&gt;</code>" in html, "backticks become code, their content stays text"
    assert 'data-operation="o&lt;b&gt;"' in html and "&lt;b&gt;e&lt;/b&gt;" in html


def test_check_page_has_matrix_filters_evidence_and_renames() -> None:
    html = render_html(check_report())
    tags = _elements(html)
    rows = [a for t, a in tags if t == "tr" and a.get("class") == "matrix-row"]
    assert len(rows) == 148 and {r["data-severity"] for r in rows} == {"info", "warning"}
    assert {a["value"] for t, a in tags if t == "input" and a.get("name") == "severity"} == {
        "breaking",
        "warning",
        "info",
    }
    assert (
        "input",
        {
            "type": "search",
            "id": "operation-filter",
            "list": "operation-list",
            "placeholder": "filter by operation…",
            "autocomplete": "off",
            "aria-label": "operation",
        },
    ) in tags
    assert len([a for t, a in tags if t == "option"]) == 74
    renames = [a for t, a in tags if t == "tr" and a.get("class") == "rename"]
    # 28 sightings of 5 renames: each rename once, naming every operation it was seen in.
    assert len(renames) == 5
    usage = next(r for r in renames if "usage-costs" in (r["data-operation"] or "").split())
    assert len((usage["data-operation"] or "").split()) == 9
    assert html.count("<details>") > 5
    assert 'class="pill tone-bad" title="fail, score 0.5">FAIL 1</span>' in html
    assert 'id="timeline"' not in html, "two versions: no timeline"


def test_cells_are_coloured_by_status() -> None:
    html = render_html(diff_report())
    assert re.search(r'data-status="breaking"><span class="pill tone-bad"', html)
    assert re.search(r'data-status="documented"><span class="pill tone-neutral"', html)
    assert html.index('id="matrix"') < html.index('id="findings"'), "diffs lead with the overview"
    check = render_html(check_report())
    assert check.index('id="findings"') < check.index('id="matrix"'), "checks lead with what went wrong"


def test_timeline_appears_with_more_than_two_versions() -> None:
    html = render_html(chain_report())
    assert 'id="timeline"' in html
    points = re.findall(r'<li data-version="([^"]+)">', html)
    assert points == ["v1", "v2", "v3"]
    assert "2 documented" in html
    assert "1 unchanged · 1 breaking" in html and "1 unchanged · 1 removed" in html


def test_live_parts_are_shown() -> None:
    html = render_html(live_report())
    for section in ('id="transport"', 'id="skipped"', 'id="cleanup"'):
        assert section in html
    assert "interrupted · exit 1" in html
    assert "https://api.example/v1" in html and "pw@" not in html


def test_the_compiled_template_is_cached_and_a_broken_cache_is_no_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from apidrift.report import html

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    html._environment.cache_clear()
    report = check_report()
    first = render_html(report)
    cached = list(tmp_path.glob("_jinja2-cache-*/*.cache"))
    assert len(cached) == 1, "the compiled template is kept for the next run"
    html._environment.cache_clear()
    assert render_html(report) == first
    cached[0].write_bytes(cached[0].read_bytes()[:40])  # damaged: cut inside its header
    html._environment.cache_clear()
    assert render_html(report) == first
    # A cache folder that is not the user's private folder: no cache, the page all the same.
    for folder in tmp_path.glob("_jinja2-cache-*"):
        shutil.rmtree(folder)
        folder.write_text("not a folder")
    html._environment.cache_clear()
    assert html._template_cache() is None
    assert render_html(report) == first
    html._environment.cache_clear()
