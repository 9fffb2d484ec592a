"""What the importer's modules share: findings, imported examples, `$ref`s into components, JSON content."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from urllib.parse import unquote

from apidrift.errors import OpenAPIError

METHODS = ("get", "put", "post", "delete", "patch", "head", "options")


class FindingKind(StrEnum):
    """What is wrong with a usable document; each is reported, none stops the import."""

    EXAMPLE_NOT_JSON = "example-not-json"
    EXAMPLE_TRAILING_COMMAS = "example-trailing-commas"
    EXAMPLE_EMPTY = "example-empty"
    EXAMPLE_JSON_TEXT = "example-json-text"
    EXAMPLE_EXTERNAL = "example-external"
    EXAMPLE_NO_VALUE = "example-no-value"
    EXAMPLE_NO_STATUS = "example-no-status"
    EXAMPLE_REF_KEY = "example-ref-key"
    PATH_PARAM_UNDECLARED = "path-param-undeclared"
    PATH_PARAM_NOT_IN_TEMPLATE = "path-param-not-in-template"
    NO_RESPONSES = "no-responses"
    DUPLICATE_OPERATION_ID = "duplicate-operation-id"
    UNKNOWN_KEYWORD = "unknown-keyword"
    # A keyword the 2020-12 metaschema refuses: repaired (duplicates removed) or dropped.
    SCHEMA_REPAIRED = "schema-repaired"
    # A `pattern` linear-time matching cannot run (a lookaround, a backreference): never checked.
    PATTERN_UNSUPPORTED = "pattern-unsupported"
    # A callback that cannot be imported (a dangling $ref, say): left out; its operation is kept.
    CALLBACK_SKIPPED = "callback-skipped"
    # Not a defect: the document is Swagger 2.0, imported through its OpenAPI 3.0 conversion.
    SWAGGER2_CONVERTED = "swagger2-converted"


@dataclass(frozen=True)
class Finding:
    """A documentation defect of an imported document, located by file and JSON pointer."""

    kind: FindingKind
    message: str
    operation: str = ""
    file: str | None = None
    pointer: str = ""

    def describe(self) -> str:
        """`operation: message`, the way the command line lists findings."""
        return f"{self.operation}: {self.message}" if self.operation else self.message

    def __str__(self) -> str:
        where = f"{self.file or ''}#{self.pointer}" if self.pointer else self.file or ""
        return f"{where}: {self.describe()}" if where else self.describe()

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "message": self.message,
            "operation": self.operation,
            "file": self.file,
            "pointer": self.pointer,
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Finding:
        return cls(
            kind=FindingKind(raw["kind"]),
            message=str(raw["message"]),
            operation=str(raw.get("operation", "")),
            file=raw.get("file"),
            pointer=str(raw.get("pointer", "")),
        )


@dataclass(frozen=True)
class ImportedExample:
    """A response example documented inside the spec for one operation and status."""

    operation_id: str
    status: str
    body: Any
    source: str
    # Which example of the operation this is (`x-oaiMeta`, `example`, `examples/<name>`).
    label: str = "x-oaiMeta"


# What OpenAPI allows as a component's name; any other would need escaping in every `$ref` to it.
_COMPONENT_NAME = re.compile(r"[a-zA-Z0-9.\-_]+")


def component_key(token: str, components: Any, ref: str, file: str | None, pointer: str) -> str:
    """The key in `components` a `$ref`'s last part names: as written, else decoded as a URI fragment
    and a JSON pointer token (`%20`, `~1`, `~0`) are; a name OpenAPI does not allow is an error."""
    if not isinstance(components, dict) or token in components:
        return token
    decoded = unquote(token).replace("~1", "/").replace("~0", "~")
    if decoded != token and decoded in components:
        if not _COMPONENT_NAME.fullmatch(decoded):
            allowed = _COMPONENT_NAME.pattern
            message = f"$ref {ref!r} names component {decoded!r}, not a name OpenAPI allows ({allowed})"
            raise OpenAPIError(message, file=file, pointer=pointer)
        return decoded
    return token


def resolve_component(
    document: dict[str, Any], node: Any, section: str, file: str | None, pointer: str
) -> Any:
    """Follow a `$ref` into components/<section> (parameters, requestBodies, responses, examples)."""
    seen = 0
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        prefix = f"#/components/{section}/"
        components = document.get("components")
        targets = components.get(section) if isinstance(components, dict) else None
        target = (
            targets.get(component_key(ref[len(prefix) :], targets, ref, file, pointer))
            if isinstance(targets, dict) and isinstance(ref, str)
            else None
        )
        if not isinstance(ref, str) or not ref.startswith(prefix) or target is None:
            raise OpenAPIError(f"dangling $ref {ref!r}", file=file, pointer=pointer)
        node, seen = target, seen + 1
        if seen > 32:
            raise OpenAPIError(f"$ref cycle at {ref!r}", file=file, pointer=pointer)
    return node


def json_content(content: Any) -> tuple[str, Any] | None:
    """The JSON media type of a `content` map (application/json first) and its media object."""
    if not isinstance(content, dict) or not content:
        return None
    for media_type in ("application/json", *content):
        if media_type in content and isinstance(content[media_type], dict):
            return media_type, content[media_type]
    return None
