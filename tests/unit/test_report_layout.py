"""How check's report.md and report.html lead: severity first, new since the last run first, grouped
by operation, a rename as one row, info folded, the matrix after the findings and linked to them, and
report.md never over GitHub's 65,536 characters (saying what it left out)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from report_samples import check_report, diff_report, failing_report

from apidrift.diff.changes import Severity
from apidrift.report import DriftReport, FindingEntry, render_html, render_markdown
from apidrift.report.html import HTML_ROWS
from apidrift.report.tracking import FindingStatus, HistoryBlock


def _headings(md: str) -> list[str]:
    """Section titles in order: `## X` headings and `<details><summary>X</summary>` folds."""
    found = re.findall(r"^(?:## (.+)|<details><summary>(.+)</summary>)$", md, flags=re.M)
    return [heading or fold for heading, fold in found]


def _rows(md: str, section: str) -> list[list[str]]:
    """The table rows (cells stripped) of the section whose title starts with `section`."""
    lines = md.splitlines()
    start = next(
        i for i, line in enumerate(lines) if re.match(rf"^(## |<details><summary>){re.escape(section)}", line)
    )
    rows = []
    for line in lines[start + 1 :]:
        if line.startswith(("## ", "<details>", "</details>")):
            break
        if line.startswith("| ") and not line.startswith("|---"):
            rows.append([cell.strip() for cell in line.strip("|").split(" | ")])
    return rows[1:]  # the header row aside


def test_check_markdown_leads_with_breaking_then_warning_then_the_rest_then_the_matrix() -> None:
    md = render_markdown(failing_report())
    titles = _headings(md)
    assert titles == [
        "Breaking (24)",
        "Warning (68) in 61 rows",
        "Renames (5, seen 28 times)",
        "Failed responses (18)",
        "Operation × version (148 rows)",
    ]
    assert md.index("## Breaking") < md.index("| operation | recorded |"), "the matrix comes after"
    # Within a severity, rows run by operation.
    operations = [row[0] for row in _rows(md, "Breaking")]
    assert operations == sorted(operations)


def test_a_rename_is_one_row_not_a_missing_field_plus_an_undocumented_one() -> None:
    md = render_markdown(failing_report())
    breaking = [row for row in _rows(md, "Breaking") if row[0] == "`usage-costs`"]
    assert breaking == [
        [
            "`usage-costs`",
            "2026-04-30",
            "response 200",
            "field-renamed",
            "`data[].result → data[].results`",
            "`data[].result` is missing and `data[].results` undocumented: renamed (confidence 0.95)",
            "1",
        ]
    ]
    warnings = [row for row in _rows(md, "Warning") if row[0] == "`usage-costs`"]
    assert not warnings, "the undocumented new name is part of the rename's row"
    # In the renames section the nine usage operations and both directions are one row.
    renames = [
        row for row in _rows(md, "Renames") if "`data[].result`" in row[1] or "`data[].results`" in row[1]
    ]
    assert len(renames) == 1 and renames[0][0] == "breaking" and renames[0][4] == "18"
    assert renames[0][3].count("`usage-") == 9


def test_info_is_folded_and_breaking_is_open() -> None:
    md = render_markdown(diff_report())
    assert "## Breaking (45)" in md
    assert re.search(r"^<details><summary>Info \(78\)", md, flags=re.M)
    assert not re.search(r"^## Info", md, flags=re.M)


def test_new_since_the_last_run_comes_first_within_its_severity() -> None:
    report = failing_report()
    breaking = [f for f in report.findings if f.severity is Severity.BREAKING]
    for f in report.findings:
        f.status = FindingStatus.PERSISTING
    newest = breaking[-1]  # the last by operation: first only because it is new
    newest.status = FindingStatus.NEW
    report.history = HistoryBlock(series="openai-admin / 2026-04-30", night="2026-05-20", new=1)
    md = render_markdown(report)
    assert "## Breaking (24): 1 new" in _headings(md)[1:] or "Breaking (24): 1 new" in _headings(md)
    rows = _rows(md, "Breaking (24)")
    assert rows[0][0] == f"`{newest.operation}`" and rows[0][-1] == "**new**"
    assert all(row[-1] != "**new**" for row in rows[1:])


def _huge() -> DriftReport:
    report = failing_report()
    extra = [
        FindingEntry(
            kind="undocumented-field",
            severity=Severity.WARNING,
            operation=f"op-{i:05d}",
            version="2026-04-30",
            path=f"data[].field_{i}",
            message=f"`data[].field_{i}` (string) is not documented in 2026-04-30 " + "x" * 1500,
            location="response 200",
            file=f"2026-05-02/op-{i:05d}.json",
        )
        for i in range(5000)
    ]
    report.findings = [*report.findings, *extra]
    return report


def test_a_huge_run_stays_under_the_comment_limit_and_says_what_it_left_out() -> None:
    md = render_markdown(_huge())
    assert len(md) < 65_536
    assert md.index("## Breaking (24)") < md.index("<details><summary>Warning (5068)")
    # The row limit keeps 100 warning rows; what the size guard then drops is counted, by section.
    left = re.search(r"^\*Left out to stay under GitHub's 65,536-character limit: (.+)\. Every", md, re.M)
    assert left is not None
    assert re.match(
        r"\d+ warning finding rows, 5 renames, 18 failed responses, 148 matrix rows$", left.group(1)
    )
    # Every breaking row made it: the most important section is never cut for a later one.
    assert len(_rows(md, "Breaking")) == 24


def test_a_small_limit_cuts_rows_and_counts_them() -> None:
    md = render_markdown(failing_report(), limit=3_000)
    assert len(md) <= 3_000
    left = re.search(r"limit: (.+)\. Every", md)
    assert left is not None and "breaking finding rows" in left.group(1)
    shown = len(_rows(md, "Breaking"))
    cut = int(re.search(r"(\d+) breaking finding rows", left.group(1)).group(1))  # type: ignore[union-attr]
    assert shown + cut == 24


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[tuple[str, str]] = []  # (class of the row, href)
        self.order: list[str] = []
        self.folded: list[str] = []
        self._row = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"] or "")
            if a["id"] in ("findings", "renames", "matrix") or (a["id"] or "").startswith("findings-"):
                self.order.append(a["id"] or "")
                if tag == "details":
                    self.folded.append(a["id"] or "")
        if tag == "tr":
            self._row = a.get("class") or ""
        if tag == "a" and (a.get("href") or "").startswith("#"):
            self.links.append((self._row, (a.get("href") or "")[1:]))


def test_html_leads_with_findings_by_severity_and_links_matrix_rows_to_them() -> None:
    page = _Page()
    page.feed(render_html(failing_report()))
    assert page.order == ["findings", "findings-breaking", "findings-warning", "renames", "matrix"]
    assert "findings-warning" in page.folded, "61 rows: folded"
    matrix_links = [href for row, href in page.links if row == "matrix-row"]
    assert len(matrix_links) > 20 and all(href in page.ids for href in matrix_links)
    assert "f-breaking-usage-costs" in matrix_links
    html = render_html(diff_report())
    info = _Page()
    info.feed(html)
    assert "findings-info" in info.folded, "info is always folded"


def test_html_shows_a_rename_as_one_finding_row() -> None:
    html = render_html(failing_report())
    rows = re.findall(r'<tr class="finding"[^>]*data-operation="usage-costs"[^>]*>', html)
    assert len(rows) == 1 and 'data-kind="field-renamed"' in rows[0]


def test_a_passing_check_has_no_breaking_section() -> None:
    md = render_markdown(check_report())
    assert not any(t.startswith("Breaking") for t in _headings(md))


def test_more_operations_than_rows_still_caps_the_page() -> None:
    """A run with more failing operations than the page has rows: one row each for the first ones,
    never the whole list (a 20,000-finding run once rendered a 10 MB page)."""
    report = failing_report()
    report.findings = [
        *report.findings,
        *(
            FindingEntry(
                kind="undocumented-field",
                severity=Severity.WARNING,
                operation=f"op-{i % 700:03d}",
                version="2026-04-30",
                path=f"f{i}",
                message="m",
                location="response 200",
                file=f"x/{i}.json",
            )
            for i in range(3000)
        ),
    ]
    html = render_html(report)
    assert html.count('data-severity="warning" data-operation="op-') <= HTML_ROWS
    assert "more warning rows: see report.json." in html


def test_the_html_page_lists_unchecked_exchanges_and_a_fuzz_runs_coverage() -> None:
    from apidrift.report.model import UnmatchedEntry
    from apidrift.report.run_entries import FuzzCoverage, OperationCoverage

    report = check_report()
    assert 'id="unmatched"' not in render_html(report) and 'id="coverage"' not in render_html(report)
    report.unmatched = [
        UnmatchedEntry(
            where="session.har#/log/entries/3", method="GET", path="/v1/favicon.ico", reason="no operation"
        )
    ]
    report.coverage = FuzzCoverage(
        seed=7,
        max_examples=5,
        simulated=True,
        chains=2,
        keywords=["required"],
        operations=[
            OperationCoverage(
                operation="list-invites",
                method="GET",
                path="/organization/invites",
                requests=12,
                valid=8,
                invalid=4,
                statuses=[200, 400],
                documented=["200"],
                documented_seen=["200"],
                keywords=["type"],
            ),
            OperationCoverage(
                operation="delete-invite",
                method="DELETE",
                path="/organization/invites/{invite_id}",
                requests=0,
                valid=0,
                invalid=0,
                statuses=[],
                documented=["200"],
                documented_seen=[],
                keywords=[],
                gaps=["not reached: no chain created anything for it to act on"],
            ),
        ],
    )
    page = render_html(report)
    unmatched = page[page.index('id="unmatched"') :]
    assert "session.har#/log/entries/3" in unmatched and "/v1/favicon.ico" in unmatched
    coverage = page[page.index('id="coverage"') :]
    assert "1 of 2 operations exercised, 2 stateful chains; seed 7" in coverage
    assert "not reached: no chain created anything for it to act on" in coverage
    assert '<a href="#coverage"' in page or "#coverage" in page, "the page's jump list names it"
