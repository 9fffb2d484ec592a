"""Captures other recorders write, read by content: Ruby VCR and Betamax (`http_interactions`), go-vcr,
VCR.py before 1.0, and the HAR quirks of Polly.js, Playwright, DevTools and Windows tools. Public
captures are verbatim under tests/fixtures/captures/ (see its README); the rest are written here in
the shapes those tools write."""

from __future__ import annotations

import base64
import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from apidrift.errors import RecordingError
from apidrift.traffic.captures import capture_files, read_capture
from apidrift.traffic.exchange import Exchange, Unmatched

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "captures"
PET = b'{"id":1,"name":"Tom","tag":"cat"}'


def _exchanges(path: Path) -> list[Exchange]:
    items = list(read_capture(path))
    assert all(isinstance(i, Exchange) for i in items), items
    return [i for i in items if isinstance(i, Exchange)]


RUBY_VCR = """---
http_interactions:
- request:
    method: get
    uri: https://api.example.com/v1/pets?limit=2
    body:
      encoding: US-ASCII
      string: ''
    headers:
      Accept:
      - "*/*"
  response:
    status:
      code: 200
      message: OK
    headers:
      Content-Type:
      - application/json; charset=utf-8
      Content-Encoding:
      - gzip
    body:
      encoding: ASCII-8BIT
      base64_string: |
        {b64}
  recorded_at: Fri, 22 Mar 2024 13:56:10 GMT
- request:
    method: post
    uri: https://api.example.com/v1/pets
    body:
      encoding: UTF-8
      string: '{{"name":"Rex"}}'
    headers:
      Content-Type:
      - application/json
  response:
    status:
      code: 201
      message: Created
    headers:
      Content-Type:
      - application/json
      Content-Encoding:
      - gzip
    body:
      encoding: ASCII-8BIT
      string: !binary |-
        {binary}
    http_version:
  recorded_at: Fri, 22 Mar 2024 13:56:11 GMT
recorded_with: VCR 6.2.0
"""


def _ruby_vcr(tmp_path: Path, name: str = "pets.yml") -> Path:
    gz = gzip.compress(PET)
    text = RUBY_VCR.format(b64=base64.b64encode(gz).decode(), binary=base64.b64encode(gz).decode())
    path = tmp_path / name
    path.write_text(text)
    return path


def test_ruby_vcr_yaml_base64_and_psych_binary_bodies_are_read_and_inflated(tmp_path: Path) -> None:
    listed, created = _exchanges(_ruby_vcr(tmp_path))
    assert (listed.method, listed.path, listed.query, listed.status) == (
        "GET",
        "/v1/pets",
        (("limit", "2"),),
        200,
    )
    assert listed.response_body == PET and listed.where == "pets.yml#/http_interactions/0"
    assert listed.response_header("content-type") == "application/json; charset=utf-8"
    assert listed.request_body == b""
    assert (created.method, created.status, created.request_body) == ("POST", 201, b'{"name":"Rex"}')
    assert created.response_body == PET  # `!binary` (Psych's tag) read as bytes, then inflated


def test_ruby_vcr_json_serializer_reads_the_same(tmp_path: Path) -> None:
    import yaml

    from apidrift.traffic.documents import _loader

    data = yaml.load(_ruby_vcr(tmp_path).read_text(), Loader=_loader())
    data["http_interactions"][1]["response"]["body"] = {"encoding": "UTF-8", "string": PET.decode()}
    data["http_interactions"][1]["response"]["headers"].pop("Content-Encoding")
    path = tmp_path / "pets.json"
    path.write_text(json.dumps(data))
    assert [e.response_body for e in _exchanges(path)] == [PET, PET]


def test_betamax_base64_bodies_verbatim() -> None:
    (exchange,) = _exchanges(FIXTURES / "betamax" / "preserve_exact_bytes.json")
    assert (exchange.method, exchange.url, exchange.status) == ("POST", "https://httpbin.org/post", 200)
    assert exchange.request_body == b"b=2&a=1"
    assert json.loads(exchange.response_body or b"")["form"] == {"a": "1", "b": "2"}
    assert exchange.where == "preserve_exact_bytes.json#/http_interactions/0"


def test_go_vcr_url_code_and_status_line_verbatim() -> None:
    (exchange,) = _exchanges(FIXTURES / "go-vcr" / "json-content-type.yaml")
    assert (exchange.method, exchange.url, exchange.status) == ("GET", "https://httpbin.org/anything", 200)
    assert json.loads(exchange.response_body or b"")["url"] == "https://httpbin.org/anything"
    assert exchange.request_header("authorization") == "Bearer foo"


@pytest.mark.parametrize(("status", "code"), [("201 Created", 201), ("404", 404), ("Created", 0)])
def test_go_vcr_v1_status_lines_without_a_code(tmp_path: Path, status: str, code: int) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(
        "version: 1\ninteractions:\n- request: {body: '', form: {}, headers: {}, url: 'https://h/v1/pets', "
        f"method: POST}}\n  response: {{body: '{{}}', headers: {{}}, status: '{status}', duration: ''}}\n"
    )
    (exchange,) = _exchanges(path)
    assert (exchange.url, exchange.status) == ("https://h/v1/pets", code)


def test_vcrpy_before_1_0_lists_verbatim_and_url_parts(tmp_path: Path) -> None:
    (exchange,) = _exchanges(FIXTURES / "vcrpy" / "new_cassette.json")
    assert (exchange.url, exchange.status) == ("http://httpbin.org/ip", 200)
    assert exchange.response_header("content-type") == "application/json"
    assert exchange.where == "new_cassette.json#/0"
    old = [
        {
            "request": {
                "protocol": "https",
                "host": "h",
                "port": 8443,
                "path": "/ip?x=1",
                "method": "GET",
                "headers": {},
                "body": None,
            },
            "response": {"status": {"code": 200}, "headers": [], "body": {"string": "{}"}},
        }
    ]
    (tmp_path / "old.json").write_text(json.dumps(old))
    assert _exchanges(tmp_path / "old.json")[0].url == "https://h:8443/ip?x=1"


def test_what_a_file_is_comes_from_its_content_not_its_name(tmp_path: Path) -> None:
    har = {
        "log": {
            "entries": [
                {
                    "request": {"method": "GET", "url": "https://h/p"},
                    "response": {"status": 200, "content": {"text": "{}"}},
                }
            ]
        }
    }
    (tmp_path / "traffic.json").write_text(json.dumps(har))
    assert _exchanges(tmp_path / "traffic.json")[0].url == "https://h/p"
    _ruby_vcr(tmp_path, "recording.har")
    assert len(_exchanges(tmp_path / "recording.har")) == 2
    (tmp_path / "neither.json").write_text('{"hello": "world"}')
    with pytest.raises(RecordingError) as caught:
        list(read_capture(tmp_path / "neither.json"))
    assert str(caught.value).endswith(
        "neither.json: neither a HAR file (log.entries) nor a cassette (interactions: VCR.py, go-vcr; "
        "http_interactions: Ruby VCR, Betamax; a list: nock, php-vcr, VCR.py 0.x)"
    )
    (tmp_path / "bad.yml").write_text("http_interactions: {}\n")
    with pytest.raises(
        RecordingError, match=r"bad.yml#/http_interactions: not a Ruby VCR or Betamax cassette"
    ):
        list(read_capture(tmp_path / "bad.yml"))
    assert [p.name for p in capture_files(tmp_path)] == [
        "bad.yml",
        "neither.json",
        "recording.har",
        "traffic.json",
    ]


def test_a_body_that_lies_is_that_interactions_reason_and_the_rest_is_read(tmp_path: Path) -> None:
    path = tmp_path / "c.yml"
    path.write_text(
        "http_interactions:\n"
        "- request: {method: get, uri: 'https://h/a'}\n"
        "  response: {status: {code: 200}, headers: {}, body: {encoding: ASCII-8BIT, base64_string: '%%%'}}\n"
        "- request: {method: get, uri: 'https://h/b'}\n"
        "  response: {status: {code: 200}, headers: {}, body: {encoding: UTF-8, string: '{}'}}\n"
    )
    bad, good = read_capture(path)
    assert isinstance(bad, Unmatched) and bad.reason == "response.body.base64_string says base64 but is not"
    assert isinstance(good, Exchange) and good.response_body == b"{}"


def _har(tmp_path: Path, entries: list[Any], *, name: str = "t.har", bom: bool = False) -> Path:
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + json.dumps({"log": {"entries": entries}}).encode())
    return path


def _entry(content: dict[str, Any], *, status: Any = 200, headers: list[Any] | None = None) -> dict[str, Any]:
    request = {
        "method": "GET",
        "url": "https://h/v1/pets/1",
        "headers": [{"name": ":authority", "value": "h"}],
    }
    return {"request": request, "response": {"status": status, "headers": headers or [], "content": content}}


def test_har_quirks_of_windows_tools_devtools_and_text_statuses(tmp_path: Path) -> None:
    path = _har(
        tmp_path, [_entry({"mimeType": "application/json", "text": PET.decode()}, status="200")], bom=True
    )
    (exchange,) = _exchanges(path)
    assert (exchange.status, exchange.response_body) == (200, PET)
    assert exchange.request_headers == ()  # `:authority`, an HTTP/2 pseudo-header, is no header


def test_polly_chunks_base64_and_hex_and_list_header_values(tmp_path: Path) -> None:
    gz = gzip.compress(PET)
    chunks = json.dumps([base64.b64encode(gz[:7]).decode(), base64.b64encode(gz[7:]).decode()])
    gzip_header = [{"name": "content-encoding", "value": "gzip"}]
    path = _har(
        tmp_path,
        [_entry({"encoding": "base64", "text": chunks, "mimeType": "application/json"}, headers=gzip_header)],
    )
    assert _exchanges(path)[0].response_body == PET
    (old,) = _exchanges(FIXTURES / "pollyjs" / "compressed-response-1.3.har")
    assert old.response_body == b'{"foo":"bar"}' and old.request_header("content-type") == "application/json"
    # A HAR's body is decoded already: a gzip header over plain text leaves it alone.
    path = _har(tmp_path, [_entry({"text": PET.decode()}, headers=gzip_header)], name="plain.har")
    assert _exchanges(path)[0].response_body == PET


def test_playwright_attached_bodies_are_read_beside_the_har_and_nowhere_else(tmp_path: Path) -> None:
    (tmp_path / "0a1b.json").write_bytes(PET)
    (tmp_path / "secret.txt").write_text("x")
    path = _har(
        tmp_path,
        [
            _entry({"mimeType": "application/json", "_file": "0a1b.json", "_sha1": "0a1b"}),
            _entry({"mimeType": "application/json", "_file": "../secret.txt"}),
            _entry({"mimeType": "application/json", "_file": "missing.json"}),
        ],
    )
    attached, outside, missing = read_capture(path)
    assert isinstance(attached, Exchange) and attached.response_body == PET
    assert isinstance(outside, Unmatched) and "is not a file name beside the HAR" in outside.reason
    assert isinstance(missing, Unmatched) and missing.reason.startswith(
        "content._file 'missing.json': cannot read"
    )


def test_a_compressed_body_inflating_past_the_cap_is_its_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import apidrift.traffic.bodies

    monkeypatch.setattr(apidrift.traffic.bodies, "MAX_INFLATED", 1000)
    path = tmp_path / "bomb.yml"
    body = base64.b64encode(gzip.compress(b"0" * 5000)).decode()
    path.write_text(
        "http_interactions:\n- request: {method: get, uri: 'https://h/a'}\n"
        "  response: {status: {code: 200}, headers: {Content-Encoding: [gzip]}, "
        f"body: {{encoding: ASCII-8BIT, base64_string: '{body}'}}}}\n"
    )
    (bomb,) = read_capture(path)
    assert isinstance(bomb, Unmatched) and bomb.reason == "the response body inflates past 1,000 bytes"


def test_aborted_requests_and_websockets_are_listed_with_what_they_are(tmp_path: Path) -> None:
    from apidrift.contracts.model import ContractStore
    from apidrift.traffic.check import check_traffic_files

    url = "https://api.openai.com/v1/organization/costs?start_time=1"
    entries = [
        {"request": {"method": "GET", "url": url}, "response": {"status": 0, "content": {"size": 0}}},
        {"request": {"method": "GET", "url": url}, "response": {"status": 101, "content": {}}},
    ]
    made = check_traffic_files(ContractStore(), har=[_har(tmp_path, entries)])
    assert [u.reason for u in made.unmatched] == [
        "no response was recorded (status 0: failed, aborted, or a request without its answer)",
        "a protocol switch (101, e.g. a WebSocket): its messages are not checked",
    ]
    assert len(made.requests) == 2  # the requests are still checked


def test_nock_recordings_parsed_json_hex_binary_and_gzip_chunks(tmp_path: Path) -> None:
    gz = gzip.compress(PET)
    recorded = [
        {
            "scope": "https://api.example.com:443",
            "method": "POST",
            "path": "/v1/pets?x=1",
            "body": {"name": "Rex"},
            "status": 201,
            "response": json.loads(PET),
            "rawHeaders": ["Content-Type", "application/json; charset=utf-8", "X-Request-Id", "r1"],
            "reqheaders": {"content-type": "application/json", "accept": ["*/*"]},
            "responseIsBinary": False,
        },
        {
            "scope": "https://api.example.com:443",
            "method": "GET",
            "path": "/v1/pets/1",
            "status": 200,
            "response": [gz[:9].hex(), gz[9:].hex()],  # before nock 13
            "rawHeaders": ["Content-Encoding", "gzip", "Content-Type", "application/json"],
        },
        {
            "scope": "https://api.example.com:443",
            "method": "GET",
            "path": "/v1/pets/1",
            "status": 200,
            "response": PET.hex(),
            "rawHeaders": ["Content-Type", "application/json"],
            "responseIsBinary": True,
        },
        {
            "scope": "https://api.example.com:443",
            "method": "GET",
            "path": "/v1/tags",
            "response": ["ab", "cd"],
        },
        {"scope": "https://api.example.com:443", "method": "GET", "path": {"regex": "/v1/pets/[0-9]+"}},
    ]
    path = tmp_path / "nock.json"
    path.write_text(json.dumps(recorded))
    created, chunked, binary, plain, pattern = read_capture(path)
    assert isinstance(created, Exchange) and created.url == "https://api.example.com:443/v1/pets?x=1"
    assert (created.status, json.loads(created.response_body or b"")) == (201, json.loads(PET))
    assert json.loads(created.request_body or b"") == {"name": "Rex"} and created.where == "nock.json#/0"
    assert created.response_header("x-request-id") == "r1" and created.request_header("accept") == "*/*"
    assert isinstance(chunked, Exchange) and chunked.response_body == PET
    assert isinstance(binary, Exchange) and binary.response_body == PET
    assert isinstance(plain, Exchange) and json.loads(plain.response_body or b"") == ["ab", "cd"]
    assert plain.status == 200  # nock's default
    assert isinstance(pattern, Unmatched) and "pattern written by hand" in pattern.reason


def test_php_vcr_lists_with_string_status_codes(tmp_path: Path) -> None:
    path = tmp_path / "php.yml"
    path.write_text(
        "-\n    request:\n        method: GET\n        url: 'https://api.example.com/v1/pets/1'\n"
        "        headers: { Host: api.example.com }\n"
        "    response:\n        status: { http_version: '1.1', code: '200', message: OK }\n"
        "        headers: { Content-Type: application/json }\n"
        f"        body: '{PET.decode()}'\n"
    )
    (exchange,) = _exchanges(path)
    assert (exchange.url, exchange.status, exchange.response_body) == (
        "https://api.example.com/v1/pets/1",
        200,
        PET,
    )
    assert exchange.where == "php.yml#/0"


def test_a_folder_with_playwright_s_attached_bodies_reads_them_as_part_of_the_har(tmp_path: Path) -> None:
    from apidrift.traffic.check import Traffic, iter_traffic

    (tmp_path / "0a1b.json").write_bytes(PET)
    _har(tmp_path, [_entry({"mimeType": "application/json", "_file": "0a1b.json"})], name="recording.har")
    (tmp_path / "zz-stray.json").write_text('{"not": "a capture"}')
    traffic = Traffic()
    (exchange,) = iter_traffic(traffic, cassettes=[tmp_path])
    assert exchange.response_body == PET and exchange.where == "recording.har#/log/entries/0"
    assert [e.file for e in traffic.errors] == [str(tmp_path / "zz-stray.json")]  # a stray file is named


def test_ruby_vcr_1_x_structs_and_symbols(tmp_path: Path) -> None:
    path = tmp_path / "old.yml"
    path.write_text(
        "--- \n- !ruby/struct:VCR::HTTPInteraction \n  request: !ruby/struct:VCR::Request \n"
        "    method: :get\n    uri: http://example.com:80/v1/pets/1\n    body: \n    headers: \n"
        "  response: !ruby/struct:VCR::Response \n    status: !ruby/struct:VCR::ResponseStatus \n"
        "      code: 200\n      message: OK\n    headers: \n      content-type: \n      - application/json\n"
        f"    body: '{PET.decode()}'\n    http_version: \"1.1\"\n"
    )
    (exchange,) = _exchanges(path)
    assert (exchange.method, exchange.url, exchange.status) == ("GET", "http://example.com:80/v1/pets/1", 200)
    assert exchange.response_body == PET and exchange.where == "old.yml#/0"


def test_a_capture_in_a_recordings_folder_says_how_it_is_read(tmp_path: Path) -> None:
    from apidrift.check.recordings import load_recordings

    (tmp_path / "b.json").write_bytes((FIXTURES / "betamax" / "preserve_exact_bytes.json").read_bytes())
    [error] = load_recordings(tmp_path).errors
    assert str(error) == (
        "b.json: a HAR file or cassette, not a recording: check it with --har FILE or --cassettes DIR"
    )
