"""report.md: GitHub-flavoured Markdown (tables, no raw HTML) short enough for a PR comment."""

from __future__ import annotations

import re

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token
from report_samples import all_reports, check_report, diff_report, failing_report, live_report

from apidrift.report import FindingEntry, render_markdown
from apidrift.report.markdown import ROW_LIMIT, code

# CommonMark plus GFM tables, the way GitHub reads a PR comment or a step summary.
GFM = MarkdownIt("commonmark").enable("table")


def _tokens(markdown: str) -> list[Token]:
    out = []
    for token in GFM.parse(markdown):
        out.append(token)
        out += token.children or []
    return out


def _tables(markdown: str) -> list[list[list[str]]]:
    """Every table as rows of cell texts (code spans unwrapped, entities decoded), as GFM reads them."""
    tables: list[list[list[str]]] = []
    row: list[str] = []
    tokens = GFM.parse(markdown)
    for i, token in enumerate(tokens):
        if token.type == "table_open":
            tables.append([])
        elif token.type == "tr_open":
            row = []
        elif token.type in ("th_open", "td_open"):
            inline = tokens[i + 1].children or []
            row.append("".join(c.content for c in inline if c.type in ("text", "code_inline")))
        elif token.type == "tr_close":
            tables[-1].append(row)
    return tables


@pytest.mark.parametrize("name", ["check", "failing", "diff", "live", "chain"])
def test_markdown_has_no_raw_html_and_well_formed_tables(name: str) -> None:
    md = render_markdown(all_reports()[name])
    assert not [t for t in _tokens(md) if t.type in ("html_block", "html_inline")]
    tables = _tables(md)
    assert tables, "the matrix at least"
    for table in tables:
        widths = {len(row) for row in table}
        assert len(widths) == 1, table[0]
    # Every line that looks like a table row was parsed as one (no row broke out of its table).
    table_lines = [line for line in md.splitlines() if line.startswith("| ") and not line.startswith("|---")]
    assert len(table_lines) == sum(len(t) for t in tables)


def test_markdown_keeps_hostile_values_as_text() -> None:
    report = live_report()
    report.findings.append(
        FindingEntry(
            kind="sdk-mismatch",
            severity="warning",
            operation="usage-costs",
            version="2026-05-02",
            path="a|b",
            message="<script>alert(1)</script> | `tick` <img src=x>",
        )
    )
    md = render_markdown(report)
    assert not [t for t in _tokens(md) if t.type in ("html_block", "html_inline")]
    row = next(r for t in _tables(md) for r in t if r[0] == "usage-costs" and r[3] == "sdk-mismatch")
    assert row[4] == "a|b"
    # Backticks stay code spans (messages quote field names that way); everything else is text.
    assert row[5] == "<script>alert(1)</script> | tick <img src=x>"
    assert "<script>" not in md


def test_check_markdown_rows() -> None:
    md = render_markdown(check_report())
    assert md.startswith("# apidrift check\n\n**Result: pass** (exit 0)\n")
    assert "| `usage-costs` | 2026-05-02 | FAIL 1 | ok | 2026-05-02 |" in md
    assert "| operation | recorded | 2026-04-30 | 2026-05-02 | best match |" in md
    assert (
        "- **148 of 148 responses valid, 0 failed, 6 with undocumented fields, 0 input errors (exit 0)**"
        in md
    )
    assert "## Renames (28)" in md
    assert "| `usage-costs` | `data[].result` | `data[].results` | 2026-04-30 | 2026-05-02 | 0.95 |" in md


def test_failing_markdown_explains_the_failure() -> None:
    md = render_markdown(failing_report())
    assert "**Result: fail** (exit 1)" in md
    assert "`data[].result` missing, `data[].results` undocumented — looks like a rename (0.95)" in md
    assert "## Breaking (24)" in md and "## Warning (82)" in md


def test_diff_markdown_has_the_matrix_and_severity_tables() -> None:
    md = render_markdown(diff_report())
    assert md.startswith("# apidrift diff 2026-04-30 → 2026-05-02\n")
    assert "| operation | 2026-04-30 | 2026-05-02 |" in md
    assert "fails on: breaking" in md
    assert md.index("## Breaking") < md.index("## Warning") < md.index("## Info")
    assert "## Counterexamples (1)" in md


def test_long_sections_stop_at_the_row_limit_and_say_so() -> None:
    report = diff_report()
    infos = sum(f.severity.value == "info" for f in report.findings)
    assert infos > ROW_LIMIT
    md = render_markdown(report)
    assert f"… and {infos - ROW_LIMIT} more: see report.html or report.json." in md
    assert len(md) < 65_536, "fits a GitHub comment"


def test_live_sections() -> None:
    md = render_markdown(live_report())
    assert md.startswith("# apidrift live check\n\n**Result: interrupted** (exit 1)\n")
    assert "- base URL: `https://api.example/v1`" in md
    assert (
        "## Transport findings (2)" in md
        and "| http_429 | `usage-costs` | `GET /organization/costs` | 429 | 4 |" in md
    )
    assert "## Skipped operations (1)" in md and "| `delete-project-user` | writes_disabled | off |" in md
    assert "- 2 writes undone, **1 left behind**" in md


@pytest.mark.parametrize(
    ("value", "expected"), [("a", "`a`"), ("a`b", "``a`b``"), ("`a", "`` `a ``"), ("a|b", "`a\\|b`")]
)
def test_code_spans_survive_backticks_and_pipes(value: str, expected: str) -> None:
    assert code(value) == expected
    assert re.fullmatch(r"`+.*`+", code(value))
