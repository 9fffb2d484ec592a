"""The parts of an OpenAPI operation besides its JSON bodies: other media types, response headers,
security requirements and schemes, and lifecycle extensions (deprecated, sunset, stability)."""

from __future__ import annotations

from typing import Any

from apidrift.contracts.model import Header, JSONSchema, Lifecycle, SecurityRequirement
from apidrift.contracts.operations import is_lifecycle_extension
from apidrift.contracts.safeload import escape
from apidrift.openapi.components import resolve_component
from apidrift.openapi.schemas import SchemaConverter

# Extensions read as a sunset date and as a stability level, first found wins.
SUNSET_KEYS = ("x-sunset", "x-deprecation-date", "x-sunset-date")
STABILITY_KEYS = ("x-stability", "x-stability-level", "x-stage")
# What a security scheme is, without its prose: the diff compares these.
_SCHEME_KEYS = ("type", "scheme", "in", "name", "bearerFormat", "openIdConnectUrl", "flows")


def other_media(
    converter: SchemaConverter, content: Any, primary: str | None, pointer: str
) -> dict[str, JSONSchema | None]:
    """Every media type of a `content` map but the primary one, each with its converted schema."""
    if not isinstance(content, dict):
        return {}
    out: dict[str, JSONSchema | None] = {}
    for media_type, media in content.items():
        if media_type == primary:
            continue
        schema = media.get("schema") if isinstance(media, dict) else None
        where = f"{pointer}/{escape(str(media_type))}/schema"
        out[str(media_type)] = converter.convert(schema, where) if isinstance(schema, dict) else None
    return out


def response_headers(
    document: dict[str, Any], converter: SchemaConverter, raw: Any, pointer: str
) -> dict[str, Header]:
    """A response's headers, `$ref`s into components/headers resolved (Content-Type is ignored, as
    OpenAPI says)."""
    if not isinstance(raw, dict):
        return {}
    out = {}
    for name, node in raw.items():
        if str(name).lower() == "content-type":
            continue
        where = f"{pointer}/{escape(str(name))}"
        header = resolve_component(document, node, "headers", converter.file, where)
        if not isinstance(header, dict):
            continue
        schema = header.get("schema")
        converted = converter.convert(schema, f"{where}/schema") if isinstance(schema, dict) else {}
        out[str(name)] = Header(
            str(name), bool(header.get("required")), converted, bool(header.get("deprecated"))
        )
    return out


def lifecycle_of(op: dict[str, Any]) -> Lifecycle:
    """The lifecycle of an operation or a parameter object: `deprecated`, the usual sunset and
    stability extensions, and every lifecycle-like extension kept as written for the diff's policy."""
    sunset = next((str(op[k]) for k in SUNSET_KEYS if op.get(k)), None)
    stability = next((str(op[k]) for k in STABILITY_KEYS if op.get(k)), None)
    extensions = tuple(
        (key, str(value).lower() if isinstance(value, bool) else str(value))
        for key, value in sorted(op.items())
        if is_lifecycle_extension(key) and isinstance(value, (str, int, float, bool)) and value != ""
    )
    return Lifecycle(
        deprecated=op.get("deprecated") is True, sunset=sunset, stability=stability, extensions=extensions
    )


def security_of(document: dict[str, Any], op: dict[str, Any]) -> tuple[SecurityRequirement, ...] | None:
    """The operation's own `security`, else the document's; None when neither says."""
    raw = op.get("security", document.get("security"))
    if not isinstance(raw, list):
        return None
    return tuple(
        {str(name): tuple(str(s) for s in scopes or ()) for name, scopes in req.items()}
        for req in raw
        if isinstance(req, dict)
    )


def security_schemes(document: dict[str, Any]) -> dict[str, Any]:
    components = document.get("components")
    schemes = components.get("securitySchemes") if isinstance(components, dict) else None
    if not isinstance(schemes, dict):
        return {}
    out = {}
    for name, node in schemes.items():
        scheme = resolve_component(
            document, node, "securitySchemes", None, f"/components/securitySchemes/{name}"
        )
        if isinstance(scheme, dict):
            out[str(name)] = {k: scheme[k] for k in _SCHEME_KEYS if k in scheme}
    return dict(sorted(out.items()))


def servers_of(document: dict[str, Any]) -> tuple[str, ...]:
    """The document's server URLs, each `{variable}` replaced by its default (as OpenAPI says a
    client does when it is given no value); entries without a URL are passed over."""
    raw = document.get("servers")
    if not isinstance(raw, list):
        return ()
    urls = []
    for server in raw:
        url = server.get("url") if isinstance(server, dict) else None
        if not isinstance(url, str):
            continue
        variables = server.get("variables")
        for name, spec in (variables if isinstance(variables, dict) else {}).items():
            default = spec.get("default") if isinstance(spec, dict) else None
            if isinstance(default, (str, int, float)) and not isinstance(default, bool):
                url = url.replace(f"{{{name}}}", str(default))
        urls.append(url)
    return tuple(urls)
