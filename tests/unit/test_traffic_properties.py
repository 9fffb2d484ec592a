"""Laws of the traffic layer: a body vcrpy writes reads back as the bytes sent, whatever they are and
however they were encoded; and a key planted anywhere in an exchange is gone once it is redacted."""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from vcr.serializers import yamlserializer

from apidrift.live.redaction import RedactionRules
from apidrift.profiles.model import load_profile
from apidrift.traffic.cassettes import read_cassette
from apidrift.traffic.exchange import Exchange
from apidrift.traffic.redact import redact_exchange

ENCODERS = {None: lambda b: b, "gzip": gzip.compress, "deflate": zlib.compress}


@settings(max_examples=60, deadline=None)
@given(
    body=st.binary(max_size=300) | st.text(max_size=200).map(str.encode),
    encoding=st.sampled_from(list(ENCODERS)),
)
def test_a_body_vcrpy_wrote_reads_back_as_sent(body: bytes, encoding: str | None) -> None:
    headers = {"Content-Encoding": [encoding]} if encoding else {}
    stored = ENCODERS[encoding](body)
    interaction = {
        "request": {"body": None, "headers": {}, "method": "GET", "uri": "http://127.0.0.1/x"},
        "response": {
            "status": {"code": 200, "message": "OK"},
            "headers": headers,
            "body": {"string": stored},
        },
    }
    with TemporaryDirectory() as folder:
        path = Path(folder) / "c.yaml"
        path.write_text(yamlserializer.serialize({"interactions": [interaction], "version": 1}))
        (exchange,) = read_cassette(path)
    assert isinstance(exchange, Exchange) and exchange.response_body == body


_TEXT = st.text(alphabet="abc xyz-_/:=&{}\"',", max_size=20)


@settings(max_examples=80, deadline=None)
@given(
    tail=st.text(alphabet="ABCDEFabcdef0123456789_-", min_size=12, max_size=40),
    before=_TEXT,
    after=_TEXT,
    place=st.sampled_from(["header", "query", "request", "response", "json", "path"]),
)
def test_a_key_planted_anywhere_in_an_exchange_is_gone_once_redacted(
    tail: str, before: str, after: str, place: str
) -> None:
    key = "sk-" + "admin-" + tail
    text = before + " " + key + " " + after
    url = "https://api.example.test/v1/items"
    fields: dict[str, object] = {}
    if place == "header":
        fields["request_headers"] = (("X-Note", text),)
    elif place == "query":
        url += "?note=" + text.replace("&", "%26").replace("#", "%23")
    elif place == "path":
        url += "/" + key
    elif place == "request":
        fields["request_body"] = text.encode()
    elif place == "response":
        fields["response_body"] = text.encode()
    else:
        fields["response_body"] = ('{"note": "' + text.replace('"', "").replace("\\", "") + '"}').encode()
    exchange = Exchange(where="t#/0", method="GET", url=url, **fields)  # type: ignore[arg-type]
    rules = RedactionRules.for_profile(load_profile("openai-admin"))
    redacted = redact_exchange(exchange, rules)
    assert key in repr(exchange) and key not in repr(redacted)


def _ruby_vcr(stored: bytes, headers: dict[str, list[str]]) -> str:
    """As Ruby VCR writes a body: a UTF-8 string as `string`, other bytes as `base64_string`."""
    import base64
    import json

    try:
        body: dict[str, str] = {"encoding": "UTF-8", "string": stored.decode("utf-8")}
    except UnicodeDecodeError:
        body = {"encoding": "ASCII-8BIT", "base64_string": base64.encodebytes(stored).decode()}
    interaction = {
        "request": {
            "method": "get",
            "uri": "http://127.0.0.1/x",
            "body": {"encoding": "UTF-8", "string": ""},
        },
        "response": {"status": {"code": 200, "message": "OK"}, "headers": headers, "body": body},
    }
    return json.dumps({"http_interactions": [interaction], "recorded_with": "VCR 6.2.0"})


def _nock(stored: bytes, headers: dict[str, list[str]]) -> str:
    """As nock writes a body: hex chunks when compressed, else hex marked binary."""
    import json

    raw = [n for k, v in headers.items() for n in (k, v[0])]
    entry: dict[str, object] = {"scope": "http://127.0.0.1:80", "method": "GET", "path": "/x", "status": 200}
    if headers:
        entry |= {"response": [stored[:5].hex(), stored[5:].hex()], "rawHeaders": raw}
    else:
        entry |= {"response": stored.hex(), "responseIsBinary": True, "rawHeaders": raw}
    return json.dumps([entry])


@settings(max_examples=60, deadline=None)
@given(
    body=st.binary(max_size=300) | st.text(max_size=200).map(str.encode),
    encoding=st.sampled_from(list(ENCODERS)),
    writer=st.sampled_from([_ruby_vcr, _nock]),
)
def test_a_body_any_recorder_wrote_reads_back_as_sent(body: bytes, encoding: str | None, writer: Any) -> None:
    from apidrift.traffic.captures import read_capture

    stored = ENCODERS[encoding](body)
    if writer is _nock and encoding is None and not stored:
        stored = body = b"\x00"  # nock writes no binary flag for an empty body
    with TemporaryDirectory() as folder:
        path = Path(folder) / "c.json"
        path.write_text(writer(stored, {"Content-Encoding": [encoding]} if encoding else {}))
        (exchange,) = read_capture(path)
    assert isinstance(exchange, Exchange) and exchange.response_body == body
