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


_FOLD = re.compile(r"<details><summary>[^<>]*</summary>\n|</details>\n")


def _raw_html(markdown: str) -> list[str]:
    """Raw HTML other than the `<details>` folds the report makes itself."""
    found = [t.content for t in _tokens(markdown) if t.type in ("html_block", "html_inline")]
    return [html for html in found if not _FOLD.fullmatch(html)]


@pytest.mark.parametrize("name", ["check", "failing", "diff", "live", "chain"])
def test_markdown_has_no_raw_html_but_its_folds_and_well_formed_tables(name: str) -> None:
    md = render_markdown(all_reports()[name])
    assert not _raw_html(md)
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
    assert not _raw_html(md)
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
    assert "<details><summary>Renames (5, seen 28 times)</summary>" in md
    usage = "`usage-audio-speeches`, `usage-audio-transcriptions`, `usage-code-interpreter-sessions`, "
    assert f"| info | `data[].result` → `data[].results` | 2026-04-30 → 2026-05-02 | {usage}" in md
    assert md.count("`data[].result` → `data[].results`") == 1, "a rename is one row"


def test_failing_markdown_explains_the_failure() -> None:
    md = render_markdown(failing_report())
    assert "**Result: fail** (exit 1)" in md
    assert "`data[].result` missing, `data[].results` undocumented — looks like a rename (0.95)" in md
    # 14 of the 82 undocumented fields are the new names of renames: they are in the rename's row;
    # the same undocumented field in several responses of one operation is one row.
    assert "## Breaking (24)" in md and "<details><summary>Warning (68) in 61 rows</summary>" in md


def test_diff_markdown_has_the_matrix_and_severity_tables() -> None:
    md = render_markdown(diff_report())
    assert md.startswith("# apidrift diff 2026-04-30 → 2026-05-02\n")
    assert "| operation | 2026-04-30 | 2026-05-02 |" in md
    assert "fails on: breaking" in md
    assert md.index("## Breaking") < md.index("## Warning") < md.index("<details><summary>Info (")
    assert "## Counterexamples (1)" in md


def test_long_sections_stop_at_the_row_limit_and_say_so() -> None:
    report = diff_report()
    info = next(f for f in report.findings if f.severity.value == "info")
    # More info findings than a section shows (the seed diff alone has fewer, its renames grouped).
    report.findings = [
        *report.findings,
        *(info.model_copy(update={"path": f"extra[{i}]", "id": f"{info.id}-{i}"}) for i in range(ROW_LIMIT)),
    ]
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
