"""Cassettes, whichever recorder wrote them, read as exchanges: one reader for the interaction family.

- VCR.py / pytest-recording (`interactions`, `request.uri`, `response.status.code`, `body.string`: a
  string, or bytes (YAML `!!binary`) when not UTF-8, still gzip'd unless `decode_compressed_response`);
  VCR.py before 1.0 (a list of interactions at the root, headers as `"Name: value\\r\\n"` lines, the URL
  in `protocol`/`host`/`port`/`path`);
- Ruby VCR and Betamax (`http_interactions`, `recorded_with`; a body is `{encoding, string}` or
  `{encoding, base64_string}`; Psych writes binary strings as `!binary`); Ruby VCR 1.x (a list);
- go-vcr (`interactions` with `request.url`, `response.code` and `status: "200 OK"`, string bodies,
  `duration`; versions 1 to 4).

Which one a file is, is read from its content, never its name; header values are lists or strings.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from apidrift.errors import RecordingError
from apidrift.traffic.bodies import from_base64, inflate
from apidrift.traffic.documents import load_document
from apidrift.traffic.exchange import Exchange, Headers, Unmatched, taken

CASSETTE_SUFFIXES = (".yaml", ".yml", ".json")
# The lists of interactions each family keeps, by the key that holds them.
FAMILIES = {"interactions": "VCR.py or go-vcr", "http_interactions": "Ruby VCR or Betamax"}


def cassette_files(folder: Path, suffixes: tuple[str, ...] = CASSETTE_SUFFIXES) -> list[Path]:
    """Every file with one of `suffixes` below `folder` (recursively), in a stable order."""
    if folder.is_file():
        return [folder]
    return sorted(p for p in folder.rglob("*") if p.suffix.lower() in suffixes and p.is_file())


def read_cassette(path: Path, *, name: str | None = None) -> Iterator[Exchange | Unmatched]:
    """Every interaction of one cassette, as an exchange or as the reason it is not one
    (RecordingError when the file is not a cassette)."""
    yield from cassette_interactions(load_document(path), path, name or path.name)


def cassette_interactions(document: Any, path: Path, label: str) -> Iterator[Exchange | Unmatched]:
    """The interactions of a cassette already parsed (see `read_cassette`)."""
    key, interactions = interactions_of(document)
    if not isinstance(interactions, list):
        if key is None:
            raise RecordingError(
                "not a cassette: no interactions (VCR.py, go-vcr) or http_interactions (Ruby VCR, "
                "Betamax) list",
                file=path,
                pointer="/interactions",
            )
        raise RecordingError(
            f"not a {FAMILIES[key]} cassette: {key} is not a list", file=path, pointer=f"/{key}"
        )
    prefix = f"/{key}" if key else ""
    for i, interaction in taken(interactions):
        yield cassette_exchange(interaction, f"{label}#{prefix}/{i}")


def interactions_of(document: Any) -> tuple[str | None, Any]:
    """Which key holds the interactions ("" for a list at the root, as VCR.py before 1.0 and Ruby VCR
    1.x wrote them; None when there is none) and what it holds."""
    if isinstance(document, list) and all(isinstance(i, dict) and "request" in i for i in document[:1]):
        return "", document
    if isinstance(document, dict):
        for key in FAMILIES:
            if key in document:
                return key, document[key]
    return None, None


def cassette_exchange(interaction: Any, where: str) -> Exchange | Unmatched:
    """One interaction of any cassette family as an exchange, or why it is not one."""
    request = interaction.get("request") if isinstance(interaction, dict) else None
    response = interaction.get("response") if isinstance(interaction, dict) else None
    if not isinstance(request, dict) or not isinstance(response, dict):
        return Unmatched(where, "?", "?", "not a cassette interaction (no request and response)")
    method = str(request.get("method", "")).lstrip(":").upper()  # Ruby VCR 1.x wrote a symbol, `:get`
    url = _url(request)
    response_headers = _headers(response.get("headers"))
    try:
        response_body = inflate(_body(response.get("body"), "response.body"), response_headers)
        request_body = _body(request.get("body"), "request.body")
    except ValueError as exc:
        return Unmatched(where, method, url, str(exc))
    return Exchange(
        where=where,
        method=method,
        url=url,
        request_headers=_headers(request.get("headers")),
        request_body=request_body,
        status=_status(response),
        response_headers=response_headers,
        response_body=response_body,
    )


def _url(request: dict[str, Any]) -> str:
    """`uri` (VCR.py, Ruby VCR, Betamax), `url` (go-vcr), or VCR.py 0.x's parts."""
    for key in ("uri", "url"):
        if isinstance(request.get(key), str):
            return str(request[key])
    host, path = request.get("host"), request.get("path")
    if isinstance(host, str) and isinstance(path, str):
        protocol = request.get("protocol") if isinstance(request.get("protocol"), str) else "http"
        port = request.get("port")
        default = {"http": 80, "https": 443}.get(str(protocol))
        netloc = host if port in (None, default) else f"{host}:{port}"
        return f"{protocol}://{netloc}{path}"
    return ""


def _status(response: dict[str, Any]) -> int:
    """`status.code` (VCR.py, Ruby VCR, Betamax), `code` beside `status: "200 OK"` (go-vcr), or the
    number a status line or text starts with; 0 when there is none."""
    status = response.get("status")
    for value in (status.get("code") if isinstance(status, dict) else None, response.get("code"), status):
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and value[:3].isdigit() and (len(value) == 3 or value[3] == " "):
            return int(value[:3])
    return 0


def _body(value: Any, name: str) -> bytes | None:
    """A string, bytes, `{string: ...}` (VCR.py), `{encoding, string | base64_string}` (Ruby VCR,
    Betamax); None when no body was recorded."""
    if isinstance(value, dict):
        if isinstance(value.get("base64_string"), str):
            return from_base64(value["base64_string"], f"{name}.base64_string")
        value = value.get("string")
    if value is None:
        return None
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8", "surrogatepass")
    raise ValueError(f"{name} is a {type(value).__name__}, not a string or bytes")


def _headers(raw: Any) -> Headers:
    """`name: [value, ...]` (every family today), `name: value` (older cassettes), or VCR.py 0.x's
    list of `"Name: value\\r\\n"` lines."""
    out: list[tuple[str, str]] = []
    if isinstance(raw, list):
        for line in raw:
            if isinstance(line, str) and ":" in line:
                name, _, value = line.partition(":")
                out.append((name.strip(), value.strip()))
        return tuple(out)
    if not isinstance(raw, dict):
        return ()
    for name, value in raw.items():
        values = value if isinstance(value, list) else [value]
        for v in values:
            if isinstance(v, bool):  # an unquoted `true` in YAML 1.1
                out.append((str(name), "true" if v else "false"))
            elif isinstance(v, (str, int, float)):
                out.append((str(name), str(v)))
    return tuple(out)
