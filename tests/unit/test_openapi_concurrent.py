"""`openapi.concurrent`: the largest job in a forked child, the rest here, the same results and errors
as running them one after the other; and `resolve_versions` importing two OpenAPI files that way."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from apidrift.contracts.model import ContractStore
from apidrift.openapi import concurrent, sources
from apidrift.openapi.concurrent import Job, reap, run_all
from apidrift.openapi.sources import import_openapi_file, resolve_versions

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="forks only where os.fork exists")


@pytest.fixture(autouse=True)
def always_worth_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """Small test jobs are forked as a 3 MB document is; two cores are assumed (and one is tested)."""
    monkeypatch.setattr(concurrent, "MIN_WORK", 0)
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0, 1})


def _pid() -> int:
    return os.getpid()


def test_the_largest_job_runs_in_a_child_and_the_rest_here() -> None:
    here = os.getpid()
    results = run_all([Job(run=_pid, work=10), Job(run=_pid, work=99), Job(run=_pid, work=5)])
    assert results[0] == here and results[2] == here
    assert results[1] != here  # the largest
    reap(block=True)


def test_after_runs_where_the_job_ran_once_its_result_is_delivered(tmp_path: Path) -> None:
    def mark(name: str) -> Job[int]:
        return Job(run=_pid, work=len(name), after=lambda pid: (tmp_path / name).write_text(str(pid)))

    results = run_all([mark("small"), mark("the-largest")])
    reap(block=True)  # the child finishes its `after` after sending its result
    assert int((tmp_path / "small").read_text()) == os.getpid() == results[0]
    assert int((tmp_path / "the-largest").read_text()) == results[1] != os.getpid()
    assert concurrent._finishing == []


def test_a_job_that_fails_in_the_child_is_run_again_here() -> None:
    here = os.getpid()

    def only_here() -> str:
        if os.getpid() != here:
            raise OSError("no such resource in a child")
        return "built here"

    assert run_all([Job(run=_pid, work=1), Job(run=only_here, work=2)]) == [here, "built here"]


def test_a_failing_job_raises_its_own_error_here() -> None:
    def broken() -> int:
        raise ValueError("line 3: not YAML")

    with pytest.raises(ValueError, match="line 3: not YAML"):
        run_all([Job(run=_pid, work=1), Job(run=broken, work=2)])
    with pytest.raises(ValueError, match="line 3: not YAML"):
        run_all([Job(run=broken, work=1), Job(run=_pid, work=2)])


def test_when_both_fail_the_first_ones_error_is_raised_as_in_a_serial_run() -> None:
    def fails(message: str) -> int:
        raise ValueError(message)

    # The first job is the larger, so it is the child's; the serial run would have stopped at it.
    with pytest.raises(ValueError, match="first"):
        run_all([Job(run=lambda: fails("first"), work=9), Job(run=lambda: fails("second"), work=1)])


def test_one_core_runs_everything_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0})
    assert run_all([Job(run=_pid, work=1), Job(run=_pid, work=2)]) == [os.getpid()] * 2


def test_a_threaded_process_is_not_forked() -> None:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert run_all([Job(run=_pid, work=1), Job(run=_pid, work=2)]) == [os.getpid()] * 2
    finally:
        stop.set()
        thread.join()


def test_too_little_work_to_overlap_is_not_forked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(concurrent, "MIN_WORK", 100)
    assert run_all([Job(run=_pid, work=99), Job(run=_pid, work=10_000)]) == [os.getpid()] * 2


SPEC = """\
openapi: 3.1.0
info: {{title: Pets, version: "{version}"}}
paths:
  /pets:
    get:
      operationId: list-pets
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {{$ref: "#/components/schemas/Pet"}}
components:
  schemas:
    Pet:
      type: object
      required: [id]
      properties:
        id: {{type: string}}
        {extra}
"""


def test_two_files_import_at_once_as_they_do_one_by_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("APIDRIFT_CACHE_DIR", str(tmp_path / "cache"))
    old, new = tmp_path / "v1.yaml", tmp_path / "v2.yaml"
    old.write_text(SPEC.format(version="1", extra="name: {type: string}"), encoding="utf-8")
    new.write_text(
        SPEC.format(version="2", extra="tags: {type: array, items: {type: string}}"), encoding="utf-8"
    )
    store = ContractStore(tmp_path / "contracts", "pets")

    both = resolve_versions([str(old), str(new)], store)
    reap(block=True)
    alone = [import_openapi_file(path, use_cache=False).version for path in (old, new)]
    assert [v.version for v in both] == ["v1", "v2"]
    assert both == alone
    # Each file's cache entry is written, the child's too (after it sent its result).
    assert len(list((tmp_path / "cache" / "openapi").glob("*.json"))) == 2


def test_run_one_after_the_other_the_first_jobs_error_is_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0})

    def fails(message: str) -> int:
        raise ValueError(message)

    # The second job is the larger; run here, in order, the first one's error still comes first.
    with pytest.raises(ValueError, match="first"):
        run_all([Job(run=lambda: fails("first"), work=1), Job(run=lambda: fails("second"), work=9)])


def test_two_cached_files_are_read_at_once_without_parsing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("APIDRIFT_CACHE_DIR", str(tmp_path / "cache"))
    old, new = tmp_path / "v1.yaml", tmp_path / "v2.yaml"
    old.write_text(SPEC.format(version="1", extra="name: {type: string}"), encoding="utf-8")
    new.write_text(
        SPEC.format(version="2", extra="tags: {type: array, items: {type: string}}"), encoding="utf-8"
    )
    store = ContractStore(tmp_path / "contracts", "pets")
    built = resolve_versions([str(old), str(new)], store)
    reap(block=True)

    def refuse(path: Path) -> None:
        raise AssertionError(f"{path} was parsed again instead of coming from the cache")

    # In the child too (it is forked with this patch in place): a parse there fails, is run again
    # here, and fails the test.
    monkeypatch.setattr(sources, "load_document", refuse)
    again = resolve_versions([str(new), str(old)], store)
    assert [v.version for v in again] == ["v2", "v1"]
    assert again == [built[1], built[0]]
