"""forked.py: jobs run side by side in forked children, results and errors as if one after the other;
`import_openapi_files` imports two documents so."""

from __future__ import annotations

import os
import signal
from collections.abc import Callable
from pathlib import Path

import pytest

import apidrift.openapi.sources as sources
from apidrift.errors import OpenAPIError
from apidrift.openapi.forked import run_forked

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
    monkeypatch.setattr("apidrift.openapi.forked.os.fork", _no_fork)
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
    import apidrift.openapi.forked as forked

    loadavg = tmp_path / "loadavg"
    loadavg.write_text(line, encoding="ascii")
    monkeypatch.setattr(forked, "_LOADED", None)  # no span: what runs now decides
    monkeypatch.setattr(forked.os, "cpu_count", lambda: cores)
    assert forked.free_cores(str(loadavg)) == free
