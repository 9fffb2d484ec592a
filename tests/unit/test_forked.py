"""forked.py: jobs run side by side in forked children, results and errors as if one after the other;
`import_openapi_files` imports two documents so, and `diff_versions` compares half its operations so."""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

import apidrift.openapi.sources as sources
from apidrift.contracts.model import ContractVersion
from apidrift.diff.engine import FORK_FROM_OPERATIONS
from apidrift.errors import OpenAPIError
from apidrift.forked import run_forked

PARENT = os.getpid()


def _pid() -> int:
    return os.getpid()


def test_jobs_after_the_first_run_in_children_and_come_back_in_order() -> None:
    pids = run_forked([_pid, _pid, _pid], children=2)
    assert pids[0] == PARENT
    assert len({*pids[1:]}) == 2 and PARENT not in pids[1:]


def test_without_children_every_job_runs_here() -> None:
    assert run_forked([], children=1) == []
    assert run_forked([_pid, _pid], children=0) == [PARENT, PARENT]
    assert run_forked([_pid, _pid, _pid], children=1)[2] == PARENT  # beyond `children`: here, after


def _fails_in_a_child() -> str:
    if os.getpid() != PARENT:
        raise ValueError("only a child fails")
    return "ran here"


def _dies_in_a_child() -> str:
    if os.getpid() != PARENT:
        os.kill(os.getpid(), signal.SIGKILL)
    return "ran here"


@pytest.mark.parametrize("job", [_fails_in_a_child, _dies_in_a_child], ids=["raises", "killed"])
def test_a_job_whose_child_fails_runs_again_here(job: Callable[[], object]) -> None:
    assert run_forked([_pid, job], children=1) == [PARENT, "ran here"]


def _bad() -> str:
    raise OpenAPIError("broken", file="b.yaml")


def test_an_error_is_raised_here_as_it_would_be_one_after_the_other() -> None:
    with pytest.raises(OpenAPIError, match="broken"):
        run_forked([_pid, _bad], children=1)


SPEC = """\
openapi: 3.1.0
info: {{title: Shop, version: "{version}"}}
paths:
  /items/{{item_id}}:
    get:
      parameters: [{{name: item_id, in: path, required: true, schema: {{type: string}}}}]
      responses:
        "200":
          description: ok
          content: {{application/json: {{schema: {{$ref: "#/components/schemas/Item"}}}}}}
components:
  schemas:
    Item:
      type: object
      properties: {{id: {{type: string}}, {field}: {{type: integer}}}}
"""


@pytest.fixture
def two_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    monkeypatch.setenv("APIDRIFT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(sources, "FORK_FROM_BYTES", 0)  # small documents: forked all the same
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(SPEC.format(version="1.0", field="count"), encoding="utf-8")
    new.write_text(SPEC.format(version="2.0", field="total"), encoding="utf-8")
    return [old, new]


def test_two_documents_import_side_by_side_as_one_after_the_other(
    two_files: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = [sources.import_openapi_file(p, use_cache=False) for p in two_files]
    monkeypatch.setattr(sources, "free_cores", lambda: 1)
    forked = sources.import_openapi_files(two_files)
    assert [r.version for r in forked] == [r.version for r in expected]
    assert [r.problems for r in forked] == [r.problems for r in expected]
    # The child wrote its document's cache entry too; the next run reads both back, side by side.
    assert len(list((two_files[0].parent / "cache" / "openapi").glob("*.json"))) == 2
    monkeypatch.setattr(sources, "load_document", _no_parse)
    assert [r.version for r in sources.import_openapi_files(two_files)] == [r.version for r in expected]


def _no_parse(path: Path) -> object:
    raise AssertionError(f"{path} parsed again instead of read from the cache")


def test_small_documents_are_not_forked(two_files: list[Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sources, "FORK_FROM_BYTES", 1 << 20)
    monkeypatch.setattr(sources, "free_cores", lambda: 1)
    monkeypatch.setattr("apidrift.forked.os.fork", _no_fork)
    assert len(sources.import_openapi_files(two_files)) == 2


def _no_fork() -> int:
    raise AssertionError("forked for small documents")


def test_the_first_files_error_wins_as_one_after_the_other(
    two_files: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    for path in two_files:
        path.write_text("openapi: 3.1.0\npaths: [", encoding="utf-8")
    monkeypatch.setattr(sources, "free_cores", lambda: 1)
    with pytest.raises(OpenAPIError) as caught:
        sources.import_openapi_files(two_files)
    assert caught.value.file == str(two_files[0]) or str(two_files[0]) in str(caught.value)


def test_the_job_run_here_may_be_any_and_results_keep_their_order() -> None:
    pids = run_forked([_pid, _pid, _pid], children=2, here=1)
    assert pids[1] == PARENT and PARENT not in (pids[0], pids[2])


def _bad_first() -> str:
    raise OpenAPIError("first", file="a.yaml")


def test_errors_come_in_the_jobs_order_whichever_runs_here() -> None:
    """Job 0 (in a child) and job 1 (here) both fail: job 0's error, as one after the other gives."""
    with pytest.raises(OpenAPIError, match="first"):
        run_forked([_bad_first, _bad], children=1, here=1)
    with pytest.raises(OpenAPIError, match="broken"):
        run_forked([_pid, _bad], children=1, here=1)


@pytest.mark.parametrize(
    ("line", "cores", "free"),
    [("0.50 0.40 0.30 1/120 999\n", 2, 1), ("2.10 1.90 1.50 2/120 999\n", 2, 0), ("x\n", 2, 0)],
    ids=["only this process runs", "another runs", "unreadable"],
)
def test_a_command_that_asks_at_once_counts_the_tasks_running_now(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, line: str, cores: int, free: int
) -> None:
    """Asked a few milliseconds after the modules loaded (too short a span to tell idle time by),
    the free cores are those no runnable task holds now."""
    import apidrift.forked as forked

    loadavg = tmp_path / "loadavg"
    loadavg.write_text(line, encoding="ascii")
    monkeypatch.setattr(forked, "_LOADED", None)  # no span: what runs now decides
    monkeypatch.setattr(forked.os, "cpu_count", lambda: cores)
    assert forked.free_cores(str(loadavg)) == free


def _many_operations(label: str, field: str) -> ContractVersion:
    from test_diff import obj, op, version

    ops = [
        op(obj({"id": {"type": "string"}, field: {"type": "integer"}}), op_id=f"op{i}", path=f"/things{i}")
        for i in range(FORK_FROM_OPERATIONS + 5)
    ]
    return version(label, ops)


def test_a_diff_compares_half_its_operations_in_a_child_with_the_same_result(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import apidrift.diff.engine as engine

    ran: list[int] = []

    def spied(jobs: Sequence[Callable[[], Any]], *, children: int, here: int = 0) -> list[Any]:
        ran.append(len(jobs))
        return run_forked(jobs, children=children, here=here)

    monkeypatch.setattr(engine, "run_forked", spied)
    old, new = _many_operations("a", "count"), _many_operations("b", "total")
    alone = engine.diff_versions(old, new)
    assert ran == []
    side_by_side = engine.diff_versions(old, new, children=1)
    assert ran == [2]
    assert side_by_side.changes == alone.changes and len(alone.changes) >= len(old.operations)


def test_the_shared_pair_diffs_alike_with_a_child(shared: Path) -> None:
    from apidrift.diff.engine import diff_versions
    from apidrift.diff.render import render_json
    from apidrift.openapi.sources import import_openapi_file

    old, new = (
        import_openapi_file(shared / "openapi" / name).version
        for name in ("openai-openapi-2025-04-29.yaml", "openai-openapi-2026-05-13.yaml")
    )
    assert render_json(diff_versions(old, new, children=1)) == render_json(diff_versions(old, new))


def test_a_core_a_finished_child_of_ours_kept_busy_is_free_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """A diff's second import ran in a child on the other core: that core looked busy since the
    modules loaded, but it is ours and free again for comparing half the operations."""
    import subprocess
    import sys
    import time

    import apidrift.forked as forked

    monkeypatch.setattr(forked, "idle_cores", lambda since: 0.45)  # the other core mostly busy...
    monkeypatch.setattr(forked, "_SINCE", (time.monotonic(), os.times()))
    busy = "import time\nt = time.process_time()\nwhile time.process_time() - t < 0.6: pass"
    subprocess.run([sys.executable, "-c", busy], check=True)  # ...with a child of ours, now done
    assert forked.free_cores() == 1
    monkeypatch.setattr(forked, "_SINCE", (time.monotonic() - 1.0, os.times()))
    assert forked.free_cores() == 0  # no child of ours since: a core idle 45% of the time is not free
