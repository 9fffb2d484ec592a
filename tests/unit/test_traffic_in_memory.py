"""Captured exchanges are checked in memory, as recordings are: the report of a capture equals the
report of the same responses as recording files, whatever order they come in and on one core or
several; and a response that is not JSON where JSON is documented is an error about its exchange."""

from __future__ import annotations

import copy
import json
import random
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apidrift.check.checker import CheckedResponse, RecordingChecker
from apidrift.check.recordings import recording_names
from apidrift.check.run import SAMPLE, CheckRun, check_recordings
from apidrift.contracts.model import ContractStore
from apidrift.report.build import build_check_report
from apidrift.traffic.check import check_exchanges, check_traffic_files
from apidrift.traffic.exchange import Exchange
from apidrift.traffic.match import Matcher
from apidrift.traffic.ordered import NameOrder

RECORDINGS = Path(__file__).resolve().parents[2] / "recordings" / "openai-admin"
VERSION = "2026-05-02"
URL = "https://api.openai.com/v1/organization/costs?start_time=1"
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _costs() -> dict[str, Any]:
    body: dict[str, Any] = json.loads((RECORDINGS / VERSION / "usage-costs.json").read_text())["body"]
    return body


def _broken(body: dict[str, Any], kind: str) -> dict[str, Any]:
    """`body` as one of a few kinds of response: exact, failing one way or another, drifted."""
    out = copy.deepcopy(body)
    if kind in ("missing", "both"):
        del out["data"][0]["object"]
    if kind in ("extra", "both"):
        out["data"][0]["surprise"] = 1
    if kind == "type":
        out["has_more"] = "yes"
    return out


KINDS = ["exact", "missing", "extra", "both", "type"]


def _entries(kinds: list[str]) -> list[dict[str, Any]]:
    body = _costs()
    return [
        {
            "request": {"method": "GET", "url": URL, "headers": []},
            "response": {
                "status": 200,
                "headers": [{"name": "Content-Type", "value": "application/json"}],
                "content": {"mimeType": "application/json", "text": json.dumps(_broken(body, kind))},
            },
        }
        for kind in kinds
    ]


def _har(folder: Path, entries: list[dict[str, Any]], name: str = "t.har") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(json.dumps({"log": {"version": "1.2", "entries": entries}}))
    return path


def _response_side(run: CheckRun) -> dict[str, Any]:
    """The report of a run, apart from where it was read from."""
    report = build_check_report(run, now=NOW).model_dump(mode="json")
    report["metadata"]["sources"] = []
    return report


# More of each failing kind than a report keeps whole (SAMPLE), in an order that is not name order.
MIXES = [
    ["exact", "missing", "extra"],
    [KINDS[i % 5] for i in range(3 * SAMPLE + 7)],
    [random.Random(3).choice(KINDS) for _ in range(4 * SAMPLE)],
]


@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize("kinds", MIXES, ids=["three", "cycled", "shuffled"])
def test_a_capture_reports_as_the_same_responses_as_recording_files_do(
    tmp_path: Path, kinds: list[str], workers: int
) -> None:
    har = _har(tmp_path, _entries(kinds))
    store = ContractStore()
    # The recordings `--record` writes are the responses as files, named as the check names them.
    traffic = check_traffic_files(store, har=[har], against=VERSION, record=tmp_path / "rec")
    pooled = check_exchanges(store, _read(har), against=VERSION, source="t.har", workers=workers)
    files = check_recordings(store, tmp_path / "rec", against=VERSION, workers=1)
    assert files.checked == len(kinds)
    expected = _response_side(files)
    assert _response_side(traffic.run) == expected
    assert _response_side(pooled.run) == expected
    assert pooled.run.recordings == "t.har"  # not a scratch folder's random name


def _read(har: Path) -> list[Exchange]:
    from apidrift.traffic.har import read_har

    return [e for e in read_har(har) if isinstance(e, Exchange)]


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> list[CheckedResponse]:
    """Responses of one operation, not exact, of several kinds, each checked on its own (unsampled)."""
    folder = tmp_path_factory.mktemp("recs")
    body = _costs()
    order = [KINDS[1 + i % 4] for i in range(2 * SAMPLE + 9)]
    for i, kind in enumerate(order):
        name = "usage-costs.json" if i == 0 else f"usage-costs.{i + 1}.json"
        recording = {
            "format": "apidrift.recording/1",
            "operation": "usage-costs",
            "method": "GET",
            "path": "/organization/costs",
            "status": 200,
            "body": _broken(body, kind),
        }
        (folder / name).write_text(json.dumps(recording))
    checker = RecordingChecker.build(ContractStore(), [VERSION], VERSION)
    out = [checker.check_file(folder, name) for name in recording_names(folder)]
    assert all(isinstance(r, CheckedResponse) and not r.result.exact for r in out)
    return [r for r in out if isinstance(r, CheckedResponse)]


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_responses_in_any_order_are_sampled_as_in_name_order(
    checked: list[CheckedResponse], data: st.DataObject
) -> None:
    shuffled = data.draw(st.permutations(checked))
    sample = NameOrder()
    for r in shuffled:
        sample.add(r)
    got = CheckRun([VERSION], VERSION, "x")
    sample.into(got)
    got.finish()
    want = CheckRun([VERSION], VERSION, "x")
    for r in sorted(checked, key=lambda r: r.file):  # as check_recordings reads a folder
        want.add(r)
    want.finish()
    assert [(r.file, r.also) for r in got.responses] == [(r.file, r.also) for r in want.responses]
    assert got.checked == want.checked == len(checked)


BODIES = [
    ("", "application/json", "the response has no body (200)"),
    ("<html><body>502 Bad Gateway</body></html>", "text/html", "the response is not JSON (text/html)"),
    ('{"object": "page", "data": [', "application/json", "the response body is not JSON: "),
]


@pytest.mark.parametrize(("text", "media", "reason"), BODIES, ids=["empty", "html", "truncated"])
def test_a_body_that_is_not_json_where_json_is_documented_is_an_error_about_its_exchange(
    tmp_path: Path, text: str, media: str, reason: str
) -> None:
    [good] = _entries(["exact"])
    bad = copy.deepcopy(good)
    bad["response"]["headers"] = [{"name": "Content-Type", "value": media}]
    bad["response"]["content"] = {"mimeType": media, "text": text}
    made = check_traffic_files(ContractStore(), har=[_har(tmp_path, [good, bad])], against=VERSION)
    [error] = made.run.input_errors
    assert (error.file, error.pointer) == ("t.har", "/log/entries/1")
    assert error.message.startswith(reason), error.message
    assert error.message.endswith("where usage-costs documents a JSON body for 200")
    assert not made.unmatched and made.run.checked == 1 and made.exit_code == 2
    assert len(made.requests) == 2  # its request is still checked


def test_a_capture_whose_only_response_is_not_json_still_fails(tmp_path: Path) -> None:
    [entry] = _entries(["exact"])
    entry["response"]["headers"] = [{"name": "Content-Type", "value": "text/html"}]
    entry["response"]["content"] = {"mimeType": "text/html", "text": "<html></html>"}
    made = check_traffic_files(ContractStore(), har=[_har(tmp_path, [entry])], against=VERSION)
    [error] = made.run.input_errors
    assert (error.file, error.pointer, made.exit_code) == ("t.har", "/log/entries/0", 2)
    assert error.message.startswith("the response is not JSON (text/html), where usage-costs documents")


def test_a_body_the_operation_does_not_document_as_json_stays_listed(tmp_path: Path) -> None:
    # 204: no body documented (or a status none documents): an empty body is not checked, and listed.
    [entry] = _entries(["exact"])
    entry["response"]["status"] = 599
    entry["response"]["content"] = {"mimeType": "application/json", "text": ""}
    made = check_traffic_files(ContractStore(), har=[_har(tmp_path, [entry])], against=VERSION)
    assert [u.reason for u in made.unmatched] == ["the response has no body (599)"]
    assert not [e for e in made.run.input_errors if e.pointer == "/log/entries/0"]


def test_a_path_is_matched_by_the_routes_of_its_method_first() -> None:
    matcher = Matcher(ContractStore().load(VERSION))
    found = matcher.match("GET", "/v1/organization/costs")
    assert not isinstance(found, str) and found.operation.id == "usage-costs"
    assert matcher.match("DELETE", "/v1/organization/costs") == "this path is documented for GET, not DELETE"
    assert matcher.match("GET", "/v1/nowhere") == "no operation of the version has this method and path"


def test_requests_alike_share_their_fits(tmp_path: Path) -> None:
    har = _har(tmp_path, _entries(["exact", "missing", "exact"]))
    made = check_traffic_files(ContractStore(), har=[har], against=VERSION)
    first, second, third = made.requests
    assert [r.where for r in made.requests] == [f"t.har#/log/entries/{i}" for i in range(3)]
    # The same request each time: one tuple of fits kept for the three, each request still whole.
    assert first.fits is second.fits is third.fits and first.fits == second.fits
