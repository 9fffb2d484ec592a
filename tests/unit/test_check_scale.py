"""A check of a large corpus: exact responses counted by kind, bounded reports, the same answers."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from apidrift.check.cores import PARALLEL_FROM, cpu_sample, default_workers, idle_cores
from apidrift.check.run import check_recordings
from apidrift.contracts.model import ContractStore
from apidrift.diff.changes import Severity
from apidrift.report import build_check_report
from apidrift.report.html import HTML_ROWS, capped, render_html
from apidrift.report.junit import render_junit
from apidrift.report.markdown import render_markdown
from apidrift.report.model import DriftReport, FindingEntry, RunKind, RunMetadata
from apidrift.report.summary import summarize_check

RECORDINGS = Path(__file__).resolve().parents[2] / "recordings" / "openai-admin" / "2026-05-02"


@pytest.fixture
def many(tmp_path: Path) -> Path:
    """Five copies of an exact response, and against 2026-04-30 three copies of one that fails."""
    folder = tmp_path / "recs"
    folder.mkdir()
    for i in range(5):
        shutil.copy(RECORDINGS / "add-group-user.json", folder / f"users-{i}.json")
    for i in range(3):
        shutil.copy(RECORDINGS / "usage-costs.json", folder / f"costs-{i}.json")
    return folder


def test_exact_responses_are_counted_by_kind_not_kept(many: Path) -> None:
    run = check_recordings(ContractStore(), many)
    assert run.checked == 8 and run.responses == []
    assert sorted((k.operation, n, Path(e).name) for k, n, e in run.exact.groups()) == [
        ("add-group-user", 5, "users-0.json"),
        ("usage-costs", 3, "costs-0.json"),
    ]
    report = build_check_report(run)
    assert (report.summary.responses, report.summary.ok) == (8, 8)
    assert [(g.operation, g.responses) for g in report.exact] == [("add-group-user", 5), ("usage-costs", 3)]
    # One matrix row per kind: it counts its responses and names no single file.
    assert [(r.operation, r.responses, r.file) for r in report.matrix] == [
        ("add-group-user", 5, None),
        ("usage-costs", 3, None),
    ]


def test_responses_that_fail_are_kept_whole_and_summed_per_operation(many: Path) -> None:
    run = check_recordings(ContractStore(), many, against="2026-04-30")
    assert sorted(Path(r.file).name for r in run.failures) == ["costs-0.json", "costs-1.json", "costs-2.json"]
    assert run.exact.total == 5
    report = build_check_report(run)
    assert (report.summary.responses, report.summary.failed) == (8, 3)
    costs = [r for r in report.matrix if r.operation == "usage-costs"]
    assert [r.responses for r in costs] == [3] and costs[0].against == "2026-04-30"
    summary = {s.operation: s for s in summarize_check(report)}
    assert (summary["usage-costs"].responses, summary["usage-costs"].failed) == (3, 3)
    assert summary["usage-costs"].reasons[0].count == 3
    assert (summary["add-group-user"].responses, summary["add-group-user"].verdict) == (5, "ok")


def test_junit_and_markdown_speak_for_every_response(many: Path) -> None:
    report = build_check_report(check_recordings(ContractStore(), many))
    names = [c.get("name") for c in ET.fromstring(render_junit(report)).iter("testcase")]
    assert "users-0.json and 4 more are valid against 2026-05-02" in names
    md = render_markdown(report)
    assert "| operation | responses | recorded | 2026-04-30 | 2026-05-02 | best match |" in md
    assert "| `add-group-user` | 5 | 2026-05-02 |" in md


def _finding(operation: str, n: int) -> FindingEntry:
    return FindingEntry(
        kind="schema-violation",
        severity=Severity.BREAKING,
        operation=operation,
        version="v1",
        path=f"field{n}",
        message="wrong",
    )


def test_a_long_table_shows_some_of_every_operation_then_says_how_many_more() -> None:
    findings = [_finding("a-op", n) for n in range(HTML_ROWS * 2)] + [_finding("b-op", 0)]
    shown = capped(findings)
    assert len(shown) == HTML_ROWS and shown[-1].operation == "b-op"
    report = DriftReport(
        metadata=RunMetadata(kind=RunKind.CHECK, generated_at="2026-01-01T00:00:00+00:00", versions=["v1"]),
        exit_code=1,
        findings=findings,
    )
    page = render_html(report)
    assert page.count('<tr class="finding"') == HTML_ROWS
    assert f"… and {HTML_ROWS + 1} more breaking rows: see report.json." in page
    assert 'data-operation="b-op"' in page, "every operation keeps a share"


def test_the_pool_uses_the_idle_cores_of_a_large_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("os.cpu_count", lambda: 4)
    monkeypatch.setattr("os.getloadavg", lambda: (0.2, 0.0, 0.0))
    assert (default_workers(PARALLEL_FROM - 1), default_workers(PARALLEL_FROM)) == (1, 4)
    # A core busy more than half the time is someone else's: a pool on it only adds contention.
    monkeypatch.setattr("os.getloadavg", lambda: (1.6, 0.0, 0.0))
    assert default_workers(PARALLEL_FROM) == 2
    monkeypatch.setattr("os.getloadavg", lambda: (2.6, 0.0, 0.0))
    assert default_workers(PARALLEL_FROM) == 1
    monkeypatch.setattr("os.getloadavg", lambda: (9.0, 0.0, 0.0))
    assert default_workers(PARALLEL_FROM) == 1
    # Idle cores measured while the run set up (itself busy on one core) win over the load average.
    assert default_workers(PARALLEL_FROM, idle=2.7) == 4
    assert default_workers(PARALLEL_FROM, idle=0.4) == 1
    assert default_workers(PARALLEL_FROM - 1, idle=3.0) == 1


def test_idle_cores_are_read_from_two_samples_of_proc_stat(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    stat = tmp_path / "stat"
    # user nice system idle iowait irq softirq steal
    stat.write_text("cpu  100 0 50 800 50 0 0 0 0 0\ncpu0 1 2 3 4 5\n")
    before = cpu_sample(str(stat))
    assert before == (850, 1000)
    stat.write_text("cpu  230 0 70 895 5 0 0 0 0 0\n")
    # 200 ticks went by, 50 of them idle: a quarter of two cores.
    assert idle_cores(before, cpu_sample(str(stat))) == 0.5
    # Too short a span, no sample, or no /proc/stat at all: the load average decides instead.
    assert idle_cores(before, (851, 1005)) is None
    assert idle_cores(None, before) is None
    assert cpu_sample(str(tmp_path / "missing")) is None
    stat.write_text("intr 1 2 3\n")
    assert cpu_sample(str(stat)) is None


def test_past_the_sample_each_kind_of_failing_response_is_one_entry_that_counts_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import apidrift.check.run as run_module

    monkeypatch.setattr(run_module, "SAMPLE", 2)
    folder = tmp_path / "recs"
    folder.mkdir()
    for i in range(7):
        shutil.copy(RECORDINGS / "usage-costs.json", folder / f"costs-{i}.json")
    run = check_recordings(ContractStore(), folder, against="2026-04-30")
    # Two kept whole (the sample), the first of them standing for the five of its kind after it.
    assert [(Path(r.file).name, r.also) for r in run.responses] == [("costs-0.json", 5), ("costs-1.json", 0)]
    assert run.checked == 7
    report = build_check_report(run)
    assert (report.summary.responses, report.summary.failed) == (7, 7)
    assert [(r.file, r.also) for r in report.responses] == [(r.file, r.also) for r in run.responses]
    assert sum(r.responses for r in report.matrix if r.operation == "usage-costs") == 7
    # Each finding of the representative says how many more responses carry it.
    own = [f for f in report.findings if f.file and f.file.endswith("costs-0.json")]
    assert own and all(f.also == 5 for f in own)
    assert DriftReport.model_validate_json(report.model_dump_json()).summary == report.summary
    # The readable reports say so too.
    assert "costs-0.json` and 5 more like it" in render_markdown(report)
    assert "costs-0.json and 5 more like it is valid against 2026-04-30" in render_junit(report)


def test_kept_responses_grow_with_kinds_not_with_the_corpus(tmp_path: Path) -> None:
    from apidrift.check.run import SAMPLE

    folder = tmp_path / "recs"
    folder.mkdir()
    for i in range(SAMPLE * 3):
        shutil.copy(RECORDINGS / "usage-costs.json", folder / f"costs-{i:03d}.json")
    run = check_recordings(ContractStore(), folder, against="2026-04-30", workers=1)
    assert len(run.responses) == SAMPLE and run.checked == SAMPLE * 3
    assert run.responses[0].also == SAMPLE * 2


def test_recording_files_sort_as_paths_do_without_path_objects(tmp_path: Path) -> None:
    from apidrift.check.recordings import recording_files, recording_names

    for name in ["A/a.json", "A/B/x.json", "A-b/c.json", "a b/d.json", "Ab.json", "A/ab/y.json", "z.json"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("{}", encoding="utf-8")
    names = recording_names(tmp_path)
    assert names == sorted(names, key=Path) and len(names) == 7
    assert recording_files(tmp_path) == sorted(Path(n) for n in names)


def test_an_interrupt_stops_the_pool_and_drops_the_chunks_not_started(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C (or SIGTERM) while a pool checks a large folder: the run keeps what came back, and the
    chunks still queued are cancelled rather than checked before the report can be written."""
    from apidrift.check.run import ChunkTally

    folder = tmp_path / "recs"
    folder.mkdir()
    for i in range(6 * 500):  # six chunks
        shutil.copy(RECORDINGS / "add-group-user.json", folder / f"r{i:05d}.json")
    real = ChunkTally.add_to

    def add_once(self: ChunkTally, tally: Any, known: Any) -> None:
        real(self, tally, known)
        raise KeyboardInterrupt  # after the first chunk's tally, in the parent

    monkeypatch.setattr(ChunkTally, "add_to", add_once)
    run = check_recordings(ContractStore(), folder, workers=2)
    assert run.interrupted == "stopped after 500 of 3,000 recordings"
    assert run.checked == 500 and run.exit_code == 0


def test_a_pool_worker_sends_past_the_sample_only_the_kind_and_the_run_is_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    import apidrift.check.run as run_module
    from apidrift.check.checker import Alike, CheckedResponse, RecordingChecker, response_kind

    monkeypatch.setattr(run_module, "SAMPLE", 2)
    monkeypatch.setattr(run_module, "_CHUNK", 4)  # chunks 0-3, 4-7, 8-9: kinds cross chunk edges
    folder = tmp_path / "recs"
    folder.mkdir()
    for i in range(9):
        shutil.copy(RECORDINGS / "usage-costs.json", folder / f"costs-{i}.json")
    # The same group (operation, version, status, failing), another kind: it comes after the sample.
    other = json.loads((RECORDINGS / "usage-costs.json").read_text(encoding="utf-8"))
    other["body"]["unheard_of"] = 1
    (folder / "costs-9.json").write_text(json.dumps(other), encoding="utf-8")
    store = ContractStore()
    monkeypatch.setattr(run_module, "_WORKER", RecordingChecker.build(store, store.labels(), "2026-04-30"))
    monkeypatch.setattr(run_module, "_SENT", run_module._Sent())
    names = [str(folder / f"costs-{i}.json") for i in (0, 1, 2, 3, 9)]
    sent = run_module._check_chunk(folder, names)
    assert [type(x).__name__ for x in sent] == [
        "CheckedResponse",
        "CheckedResponse",
        "Alike",
        "Alike",
        "CheckedResponse",
        "ChunkTally",
    ]
    # A worker remembers what it sent over all its chunks: the next chunk sends only kinds.
    later = run_module._check_chunk(folder, [str(folder / f"costs-{i}.json") for i in (4, 9)])
    assert [type(x).__name__ for x in later] == ["Alike", "Alike", "ChunkTally"]
    first, alike = sent[0], sent[2]
    assert isinstance(first, CheckedResponse) and isinstance(alike, Alike)
    assert alike.kind == response_kind(first)
    # Exact ones across chunks: each worker sends a kind once, then its number.
    for i in range(7):
        shutil.copy(RECORDINGS / "add-group-user.json", folder / f"users-{i}.json")
    pool = check_recordings(store, folder, against="2026-04-30", workers=2)
    one = check_recordings(store, folder, against="2026-04-30", workers=1)
    assert [(Path(r.file).name, r.also) for r in one.responses] == [
        ("costs-0.json", 7),
        ("costs-1.json", 0),
        ("costs-9.json", 0),
    ]
    assert [(n, Path(first).name) for _, n, first in one.exact.groups()] == [(7, "users-0.json")]
    assert pool.responses == one.responses and pool.checked == one.checked == 17
    assert pool.exact == one.exact
