"""How calls travel beyond their schemas: the servers an API (or one operation) is served from, with
their URL variables, and the encoding of the parts of a multipart or form request body."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from apidrift.errors import ContractError

# What of an Encoding Object decides how a part travels (its description and extensions do not).
ENCODING_KEYS = ("contentType", "style", "explode", "allowReserved")
Encoding = Mapping[str, Mapping[str, Any]]  # property name -> its encoding facts


@dataclass(frozen=True)
class ServerVariable:
    """One `{name}` of a server URL: the value a client uses when given none, and the values allowed
    (None: any value)."""

    default: str
    enum: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Server:
    """A server URL as written (`https://{region}.example.com/v1`) and its variables."""

    url: str
    variables: Mapping[str, ServerVariable] = field(default_factory=dict)

    @property
    def resolved(self) -> str:
        """The URL a client calls when it sets no variable (each replaced by its default)."""
        url = self.url
        for name, variable in self.variables.items():
            url = url.replace(f"{{{name}}}", variable.default)
        return url


def described(urls: tuple[str, ...], specs: tuple[Server, ...]) -> tuple[Server, ...]:
    """The servers `urls` stand for: `specs` where they resolve to exactly those URLs, else each URL
    as a server without variables (a version built, or changed, with URLs alone)."""
    if specs and tuple(s.resolved for s in specs) == urls:
        return specs
    return tuple(Server(url) for url in urls)


def server_to_json(server: Server) -> str | dict[str, Any]:
    """A plain URL when the server has no variables (as contracts always wrote them), else an object."""
    if not server.variables:
        return server.url
    variables = {
        name: {"default": v.default, **({"enum": list(v.enum)} if v.enum is not None else {})}
        for name, v in server.variables.items()
    }
    return {"url": server.url, "variables": variables}


def servers_from_json(raw: Any, file: Path, pointer: str) -> tuple[Server, ...]:
    """Servers as `server_to_json` writes them: URLs, or objects with a `url` and `variables`."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ContractError("servers must be a list of URLs or server objects", file=file, pointer=pointer)
    out = []
    for i, entry in enumerate(raw):
        where = f"{pointer}/{i}"
        if isinstance(entry, str):
            out.append(Server(entry))
            continue
        if not isinstance(entry, dict) or not isinstance(entry.get("url"), str):
            raise ContractError("a server must be a URL or an object with a 'url'", file=file, pointer=where)
        variables = entry.get("variables") or {}
        if not isinstance(variables, dict):
            raise ContractError("'variables' must be an object", file=file, pointer=f"{where}/variables")
        out.append(
            Server(
                entry["url"],
                {str(k): _variable(v, file, f"{where}/variables/{k}") for k, v in variables.items()},
            )
        )
    return tuple(out)


def _variable(raw: Any, file: Path, pointer: str) -> ServerVariable:
    if not isinstance(raw, dict) or not isinstance(raw.get("default"), str):
        raise ContractError("a server variable needs a string 'default'", file=file, pointer=pointer)
    enum = raw.get("enum")
    if enum is not None and not (isinstance(enum, list) and all(isinstance(v, str) for v in enum)):
        raise ContractError(
            "a server variable's 'enum' must list strings", file=file, pointer=f"{pointer}/enum"
        )
    return ServerVariable(raw["default"], None if enum is None else tuple(enum))


def servers_from_openapi(raw: Any) -> tuple[Server, ...]:
    """An OpenAPI `servers` list as servers; an entry without a URL, or a variable without a default
    (both required by OpenAPI), is passed over, and values are read as the strings they stand for."""
    if not isinstance(raw, list):
        return ()
    out = []
    for entry in raw:
        url = entry.get("url") if isinstance(entry, dict) else None
        if not isinstance(url, str):
            continue
        variables = entry.get("variables")
        kept: dict[str, ServerVariable] = {}
        for name, spec in (variables if isinstance(variables, dict) else {}).items():
            default = spec.get("default") if isinstance(spec, dict) else None
            if not _scalar(default):
                continue
            enum = spec.get("enum")
            values = tuple(str(v) for v in enum if _scalar(v)) if isinstance(enum, list) else None
            kept[str(name)] = ServerVariable(str(default), values)
        out.append(Server(url, kept))
    return tuple(out)


def _scalar(value: Any) -> bool:
    return isinstance(value, (str, int, float)) and not isinstance(value, bool)


def encoding_from_openapi(raw: Any) -> dict[str, dict[str, Any]]:
    """A Media Type Object's `encoding` as the facts that decide how each part travels: its
    `contentType`, `style`, `explode`, `allowReserved` and header names (with `required`)."""
    if not isinstance(raw, dict):
        return {}
    out: dict[str, dict[str, Any]] = {}
    for name, spec in raw.items():
        if not isinstance(spec, dict):
            continue
        facts = {k: spec[k] for k in ENCODING_KEYS if isinstance(spec.get(k), (str, bool))}
        headers = spec.get("headers")
        if isinstance(headers, dict) and headers:
            facts["headers"] = {
                str(h): {"required": isinstance(v, dict) and v.get("required") is True}
                for h, v in sorted(headers.items())
            }
        out[str(name)] = facts
    return out


def encodings_from_json(raw: Any, file: Path, pointer: str) -> dict[str, Encoding]:
    """`encoding` of a contract's request body: media type -> property -> facts."""
    if raw is None:
        return {}
    ok = isinstance(raw, dict) and all(
        isinstance(parts, dict) and all(isinstance(facts, dict) for facts in parts.values())
        for parts in raw.values()
    )
    if not ok:
        message = "'encoding' must map media types to properties to encoding objects"
        raise ContractError(message, file=file, pointer=pointer)
    return {str(media): dict(parts) for media, parts in raw.items()}
