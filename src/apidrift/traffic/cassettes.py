"""VCR.py cassettes (YAML or JSON, as vcrpy and pytest-recording write them) read as exchanges.

vcrpy keeps a body as it went over the wire: a plain string, bytes (YAML `!!binary`) when it is not
UTF-8, and still gzip'd or deflated when the response said so and the cassette was recorded without
`decode_compressed_response`; header values are lists.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from apidrift.contracts.safeload import DEFAULT_LIMITS, check_tree, decode_utf8, parse_json, read_bytes
from apidrift.errors import RecordingError
from apidrift.traffic.exchange import Exchange, Headers, Unmatched

CASSETTE_SUFFIXES = (".yaml", ".yml", ".json")


def cassette_files(folder: Path) -> list[Path]:
    """Every cassette below `folder` (recursively), in a stable order."""
    if folder.is_file():
        return [folder]
    return sorted(p for p in folder.rglob("*") if p.suffix.lower() in CASSETTE_SUFFIXES and p.is_file())


def read_cassette(path: Path, *, name: str | None = None) -> Iterator[Exchange | Unmatched]:
    """Every interaction of one cassette, as an exchange or as the reason it is not one
    (RecordingError when the file is not a cassette)."""
    label = name or path.name
    data = read_bytes(path, error=RecordingError, file=str(path))
    text = decode_utf8(data, file=str(path), error=RecordingError)
    document = _parse(text, path)
    interactions = document.get("interactions") if isinstance(document, dict) else None
    if not isinstance(interactions, list):
        raise RecordingError("not a VCR cassette: no interactions list", file=path, pointer="/interactions")
    for i, interaction in enumerate(interactions):
        yield cassette_exchange(interaction, f"{label}#/interactions/{i}")


def _parse(text: str, path: Path) -> Any:
    if path.suffix.lower() == ".json":
        return parse_json(text, file=str(path), error=RecordingError)
    # Imported here: only YAML cassettes need PyYAML; its safe loader builds `!!binary` as bytes.
    import yaml

    from apidrift.openapi.yaml_events import json_loader

    try:
        value = yaml.load(text, Loader=json_loader())  # json_loader is a SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1} column {mark.column + 1}" if mark else ""
        raise RecordingError(f"not YAML{where}: {getattr(exc, 'problem', exc)}", file=path) from None
    except RecursionError:
        raise RecordingError("nested too deeply to read", file=path) from None
    # Aliases share what they name: measured by their expansion, so a small bomb is refused.
    check_tree(value, file=str(path), error=RecordingError)
    return value


def cassette_exchange(interaction: Any, where: str) -> Exchange | Unmatched:
    """One vcrpy interaction as an exchange, or why it is not one."""
    request = interaction.get("request") if isinstance(interaction, dict) else None
    response = interaction.get("response") if isinstance(interaction, dict) else None
    if not isinstance(request, dict) or not isinstance(response, dict):
        return Unmatched(where, "?", "?", "not a cassette interaction (no request and response)")
    method = str(request.get("method", "")).upper()
    url = str(request.get("uri", ""))
    status = response.get("status")
    code = status.get("code") if isinstance(status, dict) else status
    response_headers = _headers(response.get("headers"))
    body = response.get("body")
    try:
        response_body = _decoded(
            _bytes(body.get("string") if isinstance(body, dict) else body), response_headers
        )
        request_body = _bytes(request.get("body"))
    except ValueError as exc:
        return Unmatched(where, method, url, str(exc))
    return Exchange(
        where=where,
        method=method,
        url=url,
        request_headers=_headers(request.get("headers")),
        request_body=request_body,
        status=code if isinstance(code, int) and not isinstance(code, bool) else 0,
        response_headers=response_headers,
        response_body=response_body,
    )


def _bytes(value: Any) -> bytes | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8", "surrogatepass")
    raise ValueError(f"a body of type {type(value).__name__}, not a string or bytes")


def _headers(raw: Any) -> Headers:
    """vcrpy writes `name: [value, ...]`; older cassettes `name: value`."""
    if not isinstance(raw, dict):
        return ()
    out: list[tuple[str, str]] = []
    for name, value in raw.items():
        values = value if isinstance(value, list) else [value]
        out += [(str(name), str(v)) for v in values if isinstance(v, (str, int, float))]
    return tuple(out)


def _decoded(body: bytes | None, headers: Headers) -> bytes | None:
    """The body with its content encoding undone (gzip, deflate), within the size a file may have."""
    encoding = next((v.strip().lower() for k, v in headers if k.lower() == "content-encoding"), "")
    if body is None or encoding in ("", "identity"):
        return body
    if encoding not in ("gzip", "x-gzip", "deflate"):
        raise ValueError(f"the response body is {encoding}-encoded, which is not decoded here")
    # gzip, zlib-wrapped deflate and raw deflate (some servers send that as `deflate`).
    wbits = 16 + zlib.MAX_WBITS if "gzip" in encoding else (zlib.MAX_WBITS if body[:1] == b"\x78" else -15)
    limit = DEFAULT_LIMITS.max_bytes
    try:
        inflater = zlib.decompressobj(wbits)
        data = inflater.decompress(body, limit + 1)
    except zlib.error as exc:
        # A cassette edited by hand to make its bodies readable often keeps the header: take it as it is.
        if _plain(body):
            return body
        raise ValueError(f"the response body says {encoding} but is not ({exc})") from None
    if len(data) > limit:
        raise ValueError(f"the response body inflates past {limit:,} bytes")
    return data


def _plain(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
