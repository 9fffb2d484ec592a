"""Same inputs, same reports: sorted, no absolute paths, the time only in the metadata block."""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from report_samples import (
    NOW,
    RECORDINGS,
    REPO,
    bundled_run,
    chain_report,
    check_report,
    diff_report,
    failing_report,
    live_report,
    seed_diff,
    store,
)

from apidrift.check.run import CheckRun, check_recordings
from apidrift.check.tally import ExactTally
from apidrift.diff.engine import VersionDiff
from apidrift.report import REPORT_FILES, DriftReport, build_check_report, build_diff_report, write_reports
from apidrift.report.html import render_html
from apidrift.report.junit import render_junit
from apidrift.report.markdown import render_markdown
from apidrift.report.sarif import render_sarif
from apidrift.report.write import render_json

LATER = datetime(2027, 1, 2, 3, 4, 5, tzinfo=UTC)
RENDERERS: dict[str, Callable[[DriftReport], str]] = {
    "json": render_json,
    "md": render_markdown,
    "html": render_html,
    "junit": render_junit,
    "sarif": render_sarif,
}
ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
BUILDERS = [check_report, failing_report, diff_report, chain_report, live_report]


@pytest.mark.parametrize("build", BUILDERS, ids=lambda b: b.__name__)
@pytest.mark.parametrize("fmt", list(RENDERERS))
def test_two_runs_differ_only_in_the_metadata_timestamp(
    build: Callable[[datetime], DriftReport], fmt: str
) -> None:
    render = RENDERERS[fmt]
    first, second = build(NOW), build(LATER)
    a, b = render(first), render(second)
    stamp_a, stamp_b = first.metadata.generated_at, second.metadata.generated_at
    assert stamp_a != stamp_b
    assert len(ISO_TIME.findall(a)) == 1 and a.count(stamp_a) == 1, "one timestamp, once"
    assert a.replace(stamp_a, "<time>") == b.replace(stamp_b, "<time>")


def test_the_timestamp_sits_in_each_metadata_block() -> None:
    report = check_report()
    stamp = report.metadata.generated_at
    assert json.loads(render_json(report))["metadata"]["generated_at"] == stamp
    md_line = next(line for line in render_markdown(report).splitlines() if stamp in line)
    assert md_line == f"- generated {stamp} by apidrift {report.metadata.tool_version}"
    html = render_html(report)
    assert html.index('<dl class="meta">') < html.index(stamp) < html.index("</dl>")
    assert f'<property name="generated_at" value="{stamp}" />' in render_junit(report)


def _shuffled_run(against: str | None = None) -> CheckRun:
    run = bundled_run(against)
    responses = list(run.responses)
    random.Random(7).shuffle(responses)
    groups = list(run.exact.groups())
    random.Random(7).shuffle(groups)
    exact = ExactTally()
    for kind, count, example in groups:
        exact.add(kind, example, count)
    return CheckRun(
        list(run.versions), run.against, run.recordings, responses, list(run.input_errors), exact=exact
    )


@pytest.mark.parametrize("fmt", list(RENDERERS))
def test_check_reports_do_not_depend_on_response_order(fmt: str) -> None:
    render = RENDERERS[fmt]
    for against in (None, "2026-04-30"):
        ordered = build_check_report(bundled_run(against), now=NOW)
        shuffled = build_check_report(_shuffled_run(against), now=NOW)
        assert render(ordered) == render(shuffled)


@pytest.mark.parametrize("fmt", list(RENDERERS))
def test_diff_reports_do_not_depend_on_change_order(fmt: str) -> None:
    forward = seed_diff()
    backward = VersionDiff(forward.old, forward.new, list(reversed(forward.changes)))
    render = RENDERERS[fmt]
    assert render(build_diff_report(forward, now=NOW)) == render(build_diff_report(backward, now=NOW))


def test_no_absolute_paths_whatever_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    run = check_recordings(store(), RECORDINGS / "openai-admin")
    written = write_reports(build_check_report(run, now=NOW), tmp_path / "reports")
    assert [p.name for p in written] == list(REPORT_FILES)
    assert REPORT_FILES == ("report.json", "report.md", "report.html", "junit.xml", "report.sarif")
    for path in written:
        text = path.read_text(encoding="utf-8")
        for absolute in (str(REPO), str(tmp_path), str(Path.home())):
            assert absolute not in text, (path.name, absolute)
    assert json.loads(written[0].read_text())["metadata"]["sources"] == ["openai-admin"]
