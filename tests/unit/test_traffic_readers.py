"""Reading traffic: VCR.py cassettes in every body encoding vcrpy writes (its own serializers make
the files), HAR edges (no text, base64, non-JSON, unmatched), and matching to operations."""

from __future__ import annotations

import base64
import gzip
import json
import zlib
from pathlib import Path
from typing import Any

import pytest
from vcr.serializers import jsonserializer, yamlserializer

from apidrift.contracts.model import ContractStore
from apidrift.errors import RecordingError
from apidrift.traffic.cassettes import cassette_files, read_cassette
from apidrift.traffic.check import check_traffic_files
from apidrift.traffic.exchange import Exchange, Unmatched
from apidrift.traffic.har import read_har
from apidrift.traffic.match import Match, Matcher

RECORDINGS = Path(__file__).resolve().parents[2] / "recordings" / "openai-admin"
COSTS = json.loads((RECORDINGS / "2026-05-02" / "usage-costs.json").read_text())["body"]
URL = "https://api.openai.com/v1/organization/costs?start_time=1"


def _interaction(body: Any, *, encoding: str | None = None, request_body: Any = None) -> dict[str, Any]:
    headers = {"Content-Type": ["application/json"]}
    if encoding:
        headers["Content-Encoding"] = [encoding]
    return {
        "request": {"body": request_body, "headers": {"Accept": ["*/*"]}, "method": "GET", "uri": URL},
        "response": {"status": {"code": 200, "message": "OK"}, "headers": headers, "body": {"string": body}},
    }


def _cassette(path: Path, interactions: list[dict[str, Any]], serializer: Any = yamlserializer) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(serializer.serialize({"interactions": interactions, "version": 1}))
    return path


def _only(items: list[Exchange | Unmatched]) -> Exchange:
    (item,) = items
    assert isinstance(item, Exchange), item
    return item


TEXT = json.dumps(COSTS)


@pytest.mark.parametrize(
    ("body", "encoding"),
    [
        (TEXT, None),  # a plain string
        (TEXT.encode() + b"", None),  # bytes that are UTF-8: vcrpy's YAML keeps them a string
        (gzip.compress(TEXT.encode()), "gzip"),  # gzip'd: !!binary, inflated on reading
        (zlib.compress(TEXT.encode()), "deflate"),
        (zlib.compress(TEXT.encode())[2:-4], "deflate"),  # raw deflate, as some servers send it
    ],
    ids=["string", "utf8-bytes", "gzip-binary", "deflate", "raw-deflate"],
)
def test_every_yaml_body_encoding_reads_as_the_json_sent(
    tmp_path: Path, body: Any, encoding: str | None
) -> None:
    path = _cassette(tmp_path / "c.yaml", [_interaction(body, encoding=encoding)])
    if isinstance(body, bytes) and encoding:
        assert "!!binary" in path.read_text()
    exchange = _only(list(read_cassette(path)))
    assert json.loads(exchange.response_body or b"") == COSTS
    assert (exchange.method, exchange.path, exchange.status) == ("GET", "/v1/organization/costs", 200)
    assert exchange.query == (("start_time", "1"),)
    assert exchange.where == "c.yaml#/interactions/0"


def test_json_cassettes_and_binary_request_bodies(tmp_path: Path) -> None:
    path = _cassette(
        tmp_path / "c.json", [_interaction(TEXT, request_body='{"name": "x"}')], serializer=jsonserializer
    )
    exchange = _only(list(read_cassette(path)))
    assert exchange.request_body == b'{"name": "x"}' and json.loads(exchange.response_body or b"") == COSTS
    binary = _cassette(tmp_path / "b.yaml", [_interaction(b"\xff\xfe\x00png", request_body=b"\x00\xff")])
    assert "!!binary" in binary.read_text()
    exchange = _only(list(read_cassette(binary)))
    assert (exchange.request_body, exchange.response_body) == (b"\x00\xff", b"\xff\xfe\x00png")


def test_bodies_that_lie_about_their_encoding_are_listed_not_read(tmp_path: Path) -> None:
    path = _cassette(
        tmp_path / "c.yaml",
        [_interaction(b"\x1f\x8b not gzip \xff", encoding="gzip"), _interaction(b"x", encoding="br")],
    )
    first, second = read_cassette(path)
    assert isinstance(first, Unmatched) and "says gzip but is not" in first.reason
    assert isinstance(second, Unmatched) and "br-encoded" in second.reason


def test_a_file_that_is_not_a_cassette_is_an_error_naming_it(tmp_path: Path) -> None:
    (tmp_path / "x.yaml").write_text("interactions: 3\n")
    with pytest.raises(RecordingError) as caught:
        list(read_cassette(tmp_path / "x.yaml"))
    assert str(caught.value).endswith(
        "x.yaml#/interactions: not a VCR.py or go-vcr cassette: interactions is not a list"
    )
    (tmp_path / "y.yaml").write_text("a: [1\n")
    with pytest.raises(RecordingError, match="not YAML at line 2"):
        list(read_cassette(tmp_path / "y.yaml"))


def test_cassette_folders_are_read_recursively_by_suffix(tmp_path: Path) -> None:
    for name in ("a.yaml", "deep/b.yml", "deep/er/c.json", "notes.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("{}")
    assert [p.relative_to(tmp_path).as_posix() for p in cassette_files(tmp_path)] == [
        "a.yaml",
        "deep/b.yml",
        "deep/er/c.json",
    ]


def _har(tmp_path: Path, entries: list[Any]) -> Path:
    path = tmp_path / "t.har"
    path.write_text(json.dumps({"log": {"version": "1.2", "entries": entries}}))
    return path


def _entry(
    method: str, url: str, content: dict[str, Any], post: dict[str, Any] | None = None
) -> dict[str, Any]:
    request: dict[str, Any] = {"method": method, "url": url, "headers": []}
    if post is not None:
        request["postData"] = post
    return {"request": request, "response": {"status": 200, "headers": [], "content": content}}


def test_har_edges_missing_text_base64_and_non_json(tmp_path: Path) -> None:
    har = _har(
        tmp_path,
        [
            _entry("GET", URL, {"mimeType": "application/json", "size": 10}),  # no text recorded
            _entry(
                "GET",
                URL,
                {
                    "mimeType": "application/json",
                    "text": base64.b64encode(TEXT.encode()).decode(),
                    "encoding": "base64",
                },
            ),
            _entry("GET", URL, {"mimeType": "application/json", "text": "not base64!", "encoding": "base64"}),
            _entry("GET", URL, {"mimeType": "application/json", "text": "{oops"}),
            _entry("GET", URL, {"mimeType": "image/png", "text": "iVBORw0KGgo=", "encoding": "base64"}),
            _entry("DELETE", URL, {"mimeType": "application/json", "text": "{}"}),
            "not an entry",
        ],
    )
    items = list(read_har(har))
    assert isinstance(items[0], Exchange) and items[0].response_body is None
    assert isinstance(items[1], Exchange) and json.loads(items[1].response_body or b"") == COSTS
    assert isinstance(items[2], Unmatched) and items[2].reason == "content.text says base64 but is not"
    assert isinstance(items[-1], Unmatched) and items[-1].where == "t.har#/log/entries/6"
    made = check_traffic_files(ContractStore(), har=[har])
    assert [(u.where, u.reason) for u in made.unmatched] == [
        ("t.har#/log/entries/2", "content.text says base64 but is not"),
        ("t.har#/log/entries/6", "not a HAR entry (no request and response)"),
        ("t.har#/log/entries/0", "no response body was recorded"),
        ("t.har#/log/entries/5", "this path is documented for GET, not DELETE"),
    ]
    # A body that is not JSON where the operation documents JSON is an error about its entry (as a
    # recording file with that body is), not an exchange left unchecked.
    assert [(e.file, e.pointer, e.message) for e in made.run.input_errors] == [
        (
            "t.har",
            "/log/entries/3",
            "the response body is not JSON: Expecting property name enclosed in double quotes at line 1 "
            "column 2, where usage-costs documents a JSON body for 200",
        ),
        (
            "t.har",
            "/log/entries/4",
            "the response is not JSON (image/png), where usage-costs documents a JSON body for 200",
        ),
    ]
    assert made.run.checked == 1  # the base64 one
    assert len(made.requests) == 4  # every matched request is checked, whatever its response


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('{"data": "\\ud800"}', "the response body is refused at #/data: a lone surrogate"),
        ("[" * 10_000 + "]" * 10_000, "the response body is refused at #: nested deeper than 256 levels"),
        (
            '{"object": "list", "object": "x"}',
            "the response body is refused at #/object: duplicate key 'object'",
        ),
        ('{"n": ' + "9" * 5000 + "}", "the response body is refused at #/n: a number of 5,000 characters"),
    ],
)
def test_a_hostile_body_is_an_error_about_its_entry_and_the_entry_beside_it_still_checked(
    tmp_path: Path, text: str, reason: str
) -> None:
    har = _har(
        tmp_path,
        [
            _entry("GET", URL, {"mimeType": "application/json", "text": text}),
            _entry("GET", URL, {"text": TEXT}),
        ],
    )
    made = check_traffic_files(ContractStore(), har=[har])
    [error] = made.run.input_errors
    assert (error.file, error.pointer) == ("t.har", "/log/entries/0")
    assert error.message.startswith(reason), error.message
    assert made.run.checked == 1 and not made.unmatched and made.exit_code == 2


def test_an_error_about_an_exchange_names_its_entry_not_a_scratch_file(tmp_path: Path) -> None:
    entry = _entry("GET", URL, {"mimeType": "application/json", "text": TEXT})
    entry["response"]["status"] = "abc"  # read as no status: 0, which no operation documents
    made = check_traffic_files(ContractStore(), har=[_har(tmp_path, [entry])])
    [error] = made.run.input_errors
    assert (error.file, error.pointer) == ("t.har", "/log/entries/0")
    assert "documents no status 0" in error.message


def test_the_most_specific_template_wins_past_any_base_path() -> None:
    matcher = Matcher(ContractStore().load("2026-05-02"))
    found = matcher.match("POST", "/v1/organization/projects/proj_1/archive")
    assert isinstance(found, Match) and found.operation.path == "/organization/projects/{project_id}/archive"
    assert found.path == "/organization/projects/proj_1/archive" and found.path_params == {
        "project_id": "proj_1"
    }
    found = matcher.match("GET", "/api/v1/organization/projects/a%2Fb")
    assert isinstance(found, Match) and found.path_params == {"project_id": "a/b"}
    assert (
        matcher.match("GET", "/v1/chat/completions") == "no operation of the version has this method and path"
    )


def test_cassette_folders_that_are_missing_or_empty_are_one_error_line_each(tmp_path: Path) -> None:
    from cli_support import run_cli

    (tmp_path / "empty").mkdir()
    done = run_cli("check", "--cassettes", "nope", "--cassettes", "empty", "--reports", "out", cwd=tmp_path)
    assert done.returncode == 2
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert errors == [
        "error: nope: no such cassette folder",
        "error: empty: no captures (.har, .yaml, .yml, .json) below it",
        "error: no exchange of nope, empty answers an operation of 2026-05-02",
    ]
