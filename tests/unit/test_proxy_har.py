"""What the proxy writes of an exchange: HAR 1.2 entries redacted before they reach a file, bodies
decoded within a cap, files rolled over into complete documents, and bodies tapped within a cap."""

from __future__ import annotations

import gzip
import json
import os
import stat
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from apidrift.contracts.model import ContractStore
from apidrift.contracts.safeload import read_json
from apidrift.errors import RecordingError
from apidrift.live.redaction import RedactionRules
from apidrift.profiles.model import load_profile
from apidrift.proxy.capture import BodyTap, Captured
from apidrift.proxy.har import HarFiles, har_entry
from apidrift.traffic.check import check_traffic_files

RULES = RedactionRules.for_profile(load_profile("openai-admin"))
# Key-shaped, built at run time.
KEY = "sk-admin-" + "Unit" + "0123456789abcdef" * 2
CAP = 4096


def _captured(
    body: bytes | None,
    *,
    headers: tuple[tuple[str, str], ...] = (("content-type", "application/json"),),
    url: str = "http://127.0.0.1:9/v1/organization/costs?start_time=0",
    request_body: bytes | None = b"",
    size: int | None = None,
) -> Captured:
    return Captured(
        started=1_780_000_000.0,
        elapsed_ms=1.5,
        method="GET",
        url=url,
        request_headers=(("Authorization", f"Bearer {KEY}"), ("content-type", "application/json")),
        request_body=request_body,
        request_size=len(request_body or b""),
        status=200,
        reason="OK",
        http_version="HTTP/1.1",
        response_headers=headers,
        response_body=body,
        response_size=size if size is not None else len(body or b""),
    )


def test_an_entry_holds_no_secret_wherever_the_exchange_carried_it() -> None:
    body = json.dumps({"object": "page", "echo": KEY, "data": [{"password": "hunter2"}]}).encode()
    captured = _captured(
        body,
        headers=(("content-type", "application/json"), ("x-echo", f"key={KEY}"), ("set-cookie", "s=1")),
        url=f"http://127.0.0.1:9/v1/organization/costs?start_time=0&api_key=plain-secret&note={KEY}",
        request_body=json.dumps({"name": "x", "client_secret": "abc"}).encode(),
    )
    entry = har_entry(captured, RULES, body_cap=CAP)
    text = json.dumps(entry)
    assert KEY not in text and "plain-secret" not in text and "hunter2" not in text and "abc" not in text
    headers = {h["name"]: h["value"] for h in entry["response"]["headers"]}
    assert headers == {
        "content-type": "application/json",
        "x-echo": "key=sk-admin-REDACTED",
        "set-cookie": "REDACTED",
    }
    assert {"name": "authorization", "value": "REDACTED"} in entry["request"]["headers"]
    assert entry["request"]["queryString"] == [
        {"name": "start_time", "value": "0"},
        {"name": "api_key", "value": "REDACTED"},
        {"name": "note", "value": "sk-admin-REDACTED"},
    ]
    assert json.loads(entry["response"]["content"]["text"])["echo"] == "sk-admin-REDACTED"
    assert json.loads(entry["request"]["postData"]["text"]) == {"name": "x", "client_secret": "REDACTED"}


def test_a_gzip_body_is_decoded_for_the_entry_and_a_gzip_bomb_is_not_kept() -> None:
    body = json.dumps({"object": "page", "data": []}).encode()
    zipped = (("content-type", "application/json"), ("content-encoding", "gzip"))
    entry = har_entry(_captured(gzip.compress(body), headers=zipped), RULES, body_cap=CAP)
    assert json.loads(entry["response"]["content"]["text"]) == {"object": "page", "data": []}
    bomb = gzip.compress(b" " * (CAP * 100))
    assert len(bomb) < CAP
    content = har_entry(_captured(bomb, headers=zipped), RULES, body_cap=CAP)["response"]["content"]
    assert "text" not in content and "over the 4096-byte cap once decoded" in content["comment"]


def test_bodies_not_kept_say_why() -> None:
    over = har_entry(_captured(None, size=CAP * 3), RULES, body_cap=CAP)["response"]["content"]
    assert over == {
        "size": CAP * 3,
        "mimeType": "application/json",
        "comment": f"body of {CAP * 3} bytes over the {CAP}-byte cap: not kept",
    }
    binary = har_entry(
        _captured(b"\xff\xfe\x00", headers=(("content-type", "image/png"),)), RULES, body_cap=CAP
    )
    assert binary["response"]["content"]["comment"] == "binary body (3 bytes): not kept"
    brotli = (("content-type", "application/json"), ("content-encoding", "br"))
    unknown = har_entry(_captured(b"xx", headers=brotli), RULES, body_cap=CAP)["response"]["content"]
    assert unknown["comment"] == "body in content-encoding 'br': not kept"


def test_a_body_that_only_looks_like_json_is_kept_as_redacted_text() -> None:
    text = '{"a": NaN, "k": "' + KEY + '"}'
    content = har_entry(_captured(text.encode()), RULES, body_cap=CAP)["response"]["content"]
    assert content["text"] == '{"a": NaN, "k": "sk-admin-REDACTED"}'


def test_har_files_roll_over_into_complete_private_documents(tmp_path: Path) -> None:
    body = json.dumps({"object": "page", "data": [], "has_more": False, "next_page": None}).encode()
    files = HarFiles(tmp_path, max_file_bytes=2000)
    for _ in range(5):
        files.append(har_entry(_captured(body), RULES, body_cap=CAP))
    paths = files.close()
    assert [p.name for p in paths][:2] == ["proxy.har", "proxy.2.har"] and len(paths) >= 3
    documents = [read_json(p, error=RecordingError) for p in paths]
    assert sum(len(d["log"]["entries"]) for d in documents) == 5
    assert all(d["log"]["version"] == "1.2" for d in documents)
    assert all(stat.S_IMODE(os.stat(p).st_mode) == 0o600 for p in paths)
    # What `check --har` reads: each entry matched to its operation.
    traffic = check_traffic_files(ContractStore(), har=paths, against="2026-05-02")
    assert traffic.run.checked == 5 and not traffic.unmatched and not traffic.run.input_errors
    assert {r.operation for r in traffic.run.responses} <= {"usage-costs"}


def test_a_session_with_no_exchange_is_still_one_valid_har(tmp_path: Path) -> None:
    (path,) = HarFiles(tmp_path).close()
    assert read_json(path, error=RecordingError)["log"]["entries"] == []


@given(chunks=st.lists(st.binary(max_size=40), max_size=12), cap=st.integers(min_value=0, max_value=200))
def test_a_tap_keeps_the_whole_body_within_its_cap_and_nothing_past_it(chunks: list[bytes], cap: int) -> None:
    tap = BodyTap(cap)
    for chunk in chunks:
        tap.add(chunk)
    whole = b"".join(chunks)
    assert tap.size == len(whole)
    assert tap.kept == (whole if len(whole) <= cap else None)
