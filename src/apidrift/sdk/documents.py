"""SDK reference documents as typed operations and models, whichever generator wrote them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum

from apidrift.contracts import templates


class DocStyle(StrEnum):
    """Which generator's reference format a document is written in."""

    OPENAPI_GENERATOR = "openapi-generator"
    STAINLESS = "stainless"


class ParamLocation(StrEnum):
    PATH = "path"
    QUERY = "query"
    BODY = "body"


@dataclass(frozen=True)
class DocField:
    """One field of a documented model: its JSON name, whether the SDK requires it, and its type."""

    name: str
    json_name: str
    type_name: str
    required: bool
    json_types: tuple[str, ...] | None = None  # None: not a primitive the document spells out
    enum: tuple[str, ...] | None = None
    array: bool = False
    children: tuple[DocField, ...] = ()  # fields of an inline (nested) struct
    ref: str | None = None  # a model documented elsewhere in the same document
    line: int = 0


@dataclass(frozen=True)
class DocModel:
    """A model (struct, interface) a document declares, with the fields it documents."""

    name: str
    fields: tuple[DocField, ...]
    line: int = 0


@dataclass(frozen=True)
class DocParameter:
    """A documented argument of an operation, located as path, query or body."""

    name: str
    json_name: str
    location: ParamLocation
    required: bool | None = None
    type_name: str = ""


@dataclass(frozen=True)
class DocOperation:
    """One operation an SDK document exposes."""

    name: str
    method: str
    path: str
    parameters: tuple[DocParameter, ...] = ()
    request_model: str | None = None
    has_body: bool = False
    response_model: str | None = None
    # The SDK returns a page whose `data` items are `response_model` (Stainless `Page[Project]`).
    response_is_page: bool = False
    # False when the document only says "query" without naming the query parameters.
    query_documented: bool = True
    line: int = 0

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def path_params(self) -> tuple[str, ...]:
        return templates.names(self.path)

    @property
    def query_params(self) -> tuple[DocParameter, ...]:
        return tuple(p for p in self.parameters if p.location is ParamLocation.QUERY)


@dataclass
class SdkDocument:
    """Everything parsed from one SDK reference document."""

    file: str
    style: DocStyle
    title: str
    operations: list[DocOperation] = field(default_factory=list)
    models: dict[str, DocModel] = field(default_factory=dict)

    def model(self, name: str | None) -> DocModel | None:
        return self.models.get(name) if name else None


def path_shape(path: str) -> str:
    """`/a/{key_id}/b` -> `/a/{}/b`: documents and contracts are matched by method and this shape."""
    return templates.shape(path)


def iter_lines(text: str) -> Iterator[tuple[int, str]]:
    """Lines numbered from 1, without trailing whitespace (HTML entities left to each parser)."""
    for number, line in enumerate(text.splitlines(), start=1):
        yield number, line.rstrip()
