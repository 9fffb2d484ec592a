"""A large JSON capture is read an exchange at a time (`traffic.streamed`): the same exchanges as read
whole, its lists of exchanges holding only their first item until walked; and whatever the first pass
doubts is read whole, so errors stay what they were."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from apidrift.errors import RecordingError
from apidrift.traffic import documents, streamed
from apidrift.traffic.captures import read_capture
from apidrift.traffic.exchange import Exchange, Unmatched
from apidrift.traffic.streamed import Streamed, streamed_document


@pytest.fixture(autouse=True)
def stream_everything(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(streamed, "STREAM_FROM", 0)  # small files streamed too, to keep tests quick


def _entry(i: int, text: str = '{"object": "list", "data": []}') -> dict[str, Any]:
    return {
        "request": {"method": "GET", "url": f"https://api.example.test/v1/things/{i}", "headers": []},
        "response": {
            "status": 200,
            "headers": [{"name": "Content-Type", "value": "application/json"}],
            "content": {"mimeType": "application/json", "text": text, "size": 1.5e2},
        },
    }


def _whole(path: Path, monkeypatch: pytest.MonkeyPatch) -> list[Exchange | Unmatched]:
    with monkeypatch.context() as m:
        m.setattr(documents, "streamed_document", lambda _: None)
        return list(read_capture(path))


HAR = {"log": {"version": "1.2", "creator": {"name": "x"}, "entries": [_entry(i) for i in range(5)] + ["x"]}}
CASSETTE = {
    "interactions": [
        {
            "request": {"method": "GET", "uri": f"https://api.example.test/v1/things/{i}", "body": None},
            "response": {
                "status": {"code": 200},
                "headers": {"A": ["é", "\U0001f600"]},
                "body": {"string": "[]"},
            },
        }
        for i in range(4)
    ],
    "version": 1,
}
NOCK = [
    {"scope": "https://api.example.test", "method": "GET", "path": "/v1/x", "status": 200, "response": {}}
]


@pytest.mark.parametrize(
    ("document", "prefix", "bom"),
    [
        (HAR, "log.entries.item", False),
        (HAR, "log.entries.item", True),
        (CASSETTE, "interactions.item", False),
        (NOCK * 3, "item", False),
    ],
    ids=["har", "har-bom", "cassette", "nock"],
)
def test_a_streamed_capture_reads_as_the_whole_file_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, document: Any, prefix: str, bom: bool
) -> None:
    path = tmp_path / "c.json"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + json.dumps(document, ensure_ascii=False).encode())
    parsed = streamed_document(path)
    lists = (
        [parsed]
        if isinstance(parsed, list)
        else [parsed.get("interactions"), parsed.get("log", {}).get("entries")]
    )
    [held] = [x for x in lists if isinstance(x, Streamed)]
    assert held.prefix == prefix and len(held) == 1  # only the first item, until walked
    read = list(read_capture(path))
    assert read == _whole(path, monkeypatch)
    assert len(read) == {"log.entries.item": 6, "interactions.item": 4, "item": 3}[prefix]


@pytest.mark.parametrize(
    "text",
    [
        '{"log": {"entries": [], "entries": []}}',  # a duplicate key
        '{"log": {"entries": [{"x": "\\ud800"}]}}',  # a lone surrogate escape
        '{"log": {"entries": [NaN]}}',
        '{"log": {"entries": [1e999]}}',
        '{"log": {"entries": [' + "[" * 300 + "]" * 300 + "]}}",
        '{"log": {"entries": [{"request": {}}',  # truncated
        '{"log": {"entries": [1]}} trailing',
        '{"log.entries": [1], "log": {"entries": [2]}}',
        "interactions: []\n",  # YAML
    ],
)
def test_what_the_first_pass_doubts_is_read_whole_with_the_same_outcome(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    path = tmp_path / "c.json"
    path.write_text(text)
    assert streamed_document(path) is None

    def outcome() -> Any:
        try:
            return list(read_capture(path))
        except RecordingError as exc:
            return str(exc)

    whole = None
    with monkeypatch.context() as m:
        m.setattr(documents, "streamed_document", lambda _: None)
        whole = outcome()
    assert outcome() == whole


def test_not_utf8_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "c.har"
    path.write_bytes(b'{"log": {"entries": ["\xff"]}}')
    assert streamed_document(path) is None
    with pytest.raises(RecordingError, match="not UTF-8"):
        list(read_capture(path))


def test_a_small_capture_is_read_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "c.har"
    path.write_text(json.dumps(HAR))
    monkeypatch.setattr(streamed, "STREAM_FROM", path.stat().st_size + 1)
    assert streamed_document(path) is None
    monkeypatch.setattr(streamed, "STREAM_FROM", path.stat().st_size)
    assert streamed_document(path) is not None


def test_a_file_that_changes_between_the_passes_is_an_error_about_it(tmp_path: Path) -> None:
    path = tmp_path / "c.har"
    # Larger than the parser reads at once, so the second pass reads the file again after the change.
    path.write_text(json.dumps({"log": {"entries": [_entry(i, "x" * 2000) for i in range(200)]}}))
    items = read_capture(path)
    next(items)  # the first pass is done, the second has begun
    path.write_text('{"log": {"entries": [{"request": 1}, ')
    with pytest.raises(RecordingError, match="changed while it was read"):
        list(items)
