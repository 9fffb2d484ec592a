"""Hypothesis strategies of requests to one operation: valid ones (bodies and query values drawn from the
version's schemas) and invalid ones (one mutation of a valid request, checked to be invalid).

A mutation breaks one JSON Schema keyword (`required`, `type`, `enum`, a bound such as `minimum` or
`maxItems`, `additionalProperties`) at one site `fuzz/mutations.py` finds: a body field at any depth
(array items included), a scalar, array or object query parameter, or a path parameter whose schema
constrains it. Path parameters of valid requests are not drawn: they are the ids of things that
exist, found by the caller.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from hypothesis import strategies as st

from apidrift.check.linear import LinearValidator
from apidrift.contracts.model import ContractVersion, JSONSchema, Operation, rooted
from apidrift.contracts.parameters import parameter_value
from apidrift.fuzz.mutations import (
    ITEM,
    NOT_THERE,
    Site,
    apply,
    body_sites,
    breaking_values,
    path_breaks,
    structured_query_breaks,
    types_of,
)
from apidrift.generate.strategies import from_schema


@dataclass(frozen=True)
class Drawn:
    """What a strategy draws: a query and a body (None: none sent), the mutation if invalid, and path
    parameter values that replace the ids the caller finds (only to break one)."""

    query: Mapping[str, str]
    body: Any
    mutation: str | None = None
    keyword: str | None = None
    path: Mapping[str, str] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)


# Headers HTTP itself or the client sets; OpenAPI says parameters of these names are ignored.
MANAGED_HEADERS = frozenset({"accept", "authorization", "content-type", "content-length", "host"})


@dataclass(frozen=True)
class _ParamSite:
    """A break of one parameter: `where` is `query`, `header` (each maybe `... missing`) or `path`; `key`
    is what is sent."""

    where: str
    name: str
    key: str
    keyword: str
    value: Any


def _present(body: Any, path: tuple[str, ...]) -> set[str]:
    """The steps that can be taken from the value at `path` in `body` (its keys, or `[]` for a non-empty
    array)."""
    node = body
    for step in path:
        if step == ITEM and isinstance(node, list) and node:
            node = node[0]
        elif step != ITEM and isinstance(node, dict) and step in node:
            node = node[step]
        else:
            return set()
    if isinstance(node, dict):
        return set(node)
    return {ITEM} if isinstance(node, list) and node else set()


def _header_safe(text: str) -> bool:
    """Whether a value can go in a header as it is (printable ASCII, no line break)."""
    return text.isascii() and text.isprintable()


def query_text(value: Any) -> str:
    """A JSON value as a query string value (booleans as `true`/`false`, structures as JSON)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"))
    return "" if value is None else str(value)


class OperationCases:
    """The valid and invalid requests of one operation of a version; `fixed` path parameters are never
    broken (a sandbox run's own, whose writes must stay below it)."""

    def __init__(self, version: ContractVersion, op: Operation, fixed: Collection[str] = ()) -> None:
        self.version = version
        self.op = op
        schema = version.request_schema(op.id)
        self._judge = LinearValidator(schema, registry=version.registry) if schema is not None else None
        self._params = {p.name: p for p in op.query_params}
        self._headers = {
            p.name: p
            for p in op.parameters
            if p.location == "header"
            and p.name.lower() not in MANAGED_HEADERS
            and not types_of(p.schema) & {"array", "object"}
        }
        self._body_sites: list[Site] = []
        if op.request_body is not None:
            self._body_sites = body_sites(op.request_body.schema, version.schemas)
        self._param_sites = self._parameter_sites(fixed)
        # The same list whatever the base request holds, so shrinking the base away from an optional
        # field never moves the draw to another mutation.
        self._sites: list[Site | _ParamSite | str] = []
        if op.request_body is not None:
            self._sites += ["no body"] if op.request_body.required else []
            self._sites.append("not an object")
        self._sites += [*self._body_sites, *self._param_sites]

    def _parameter_sites(self, fixed: Collection[str]) -> list[_ParamSite]:
        """Each query or path parameter break the version's validator confirms, read as a server reads it."""
        sites: list[_ParamSite] = []
        defs = self.version.schemas
        for name, param in sorted(self._params.items()):
            if param.required:
                sites.append(_ParamSite("query missing", name, name, "required", None))
            if types_of(param.schema) & {"array", "object"}:
                for key, keyword, value, schema in structured_query_breaks(name, param.schema, defs):
                    if not self._fits(schema, parameter_value(query_text(value), schema), f"{name}-{key}"):
                        sites.append(_ParamSite("query", name, key, keyword, value))
                continue
            for keyword, value in breaking_values(param.schema):
                if isinstance(value, (dict, list)):
                    continue
                if not self._fits(param.schema, parameter_value(query_text(value), param.schema), name):
                    sites.append(_ParamSite("query", name, name, keyword, value))
        for name, param in sorted(self._headers.items()):
            if param.required:
                sites.append(_ParamSite("header missing", name, name, "required", None))
            for keyword, value in breaking_values(param.schema):
                text = query_text(value)
                if _header_safe(text) and not self._fits(
                    param.schema, parameter_value(text, param.schema), name
                ):
                    sites.append(_ParamSite("header", name, name, keyword, value))
        for param in self.op.path_params:
            if param.name in fixed:
                continue
            for keyword, value in path_breaks(param.schema):
                text = query_text(value)
                if text and not self._fits(
                    param.schema, parameter_value(text, param.schema), f"path-{param.name}"
                ):
                    sites.append(_ParamSite("path", param.name, param.name, keyword, text))
        return sites

    def _fits(self, schema: JSONSchema, value: Any, name: str) -> bool:
        rooted_schema = rooted(schema, f"{self.version.base}fuzz-param-{self.op.id}-{name}.json")
        return bool(LinearValidator(rooted_schema, registry=self.version.registry).is_valid(value))

    @property
    def has_body(self) -> bool:
        return self.op.request_body is not None

    def body_is_valid(self, body: Any) -> bool:
        return self._judge is None or bool(self._judge.is_valid(body))

    # --- valid requests ----------------------------------------------------------------------------

    def _query(self) -> st.SearchStrategy[dict[str, Any]]:
        """Typed values of the documented query parameters: required ones always, others maybe."""
        needed: dict[str, st.SearchStrategy[Any]] = {}
        optional: dict[str, st.SearchStrategy[Any]] = {}
        for param in self._params.values():
            if types_of(param.schema) & {"array", "object"}:
                continue  # valid ones are left to the server's defaults (only their breaks are sent)
            strategy = from_schema(param.schema, self.version.schemas)
            (needed if param.required else optional)[param.name] = strategy
        return st.fixed_dictionaries(needed, optional=optional)

    def _body(self) -> st.SearchStrategy[Any]:
        if self.op.request_body is None:
            return st.none()
        body = from_schema(self.op.request_body.schema, self.version.schemas)
        # A body the version's own validator refuses (a pattern the strategy cannot honour) is no valid case.
        return body.filter(self.body_is_valid)

    def _header_values(self) -> st.SearchStrategy[dict[str, Any]]:
        """Values of the documented header parameters (required ones always), each one a header can carry."""
        needed: dict[str, st.SearchStrategy[Any]] = {}
        optional: dict[str, st.SearchStrategy[Any]] = {}
        for param in self._headers.values():
            strategy = from_schema(param.schema, self.version.schemas)
            strategy = strategy.filter(lambda v: _header_safe(query_text(v)))
            (needed if param.required else optional)[param.name] = strategy
        return st.fixed_dictionaries(needed, optional=optional)

    def valid(self) -> st.SearchStrategy[Drawn]:
        def build(q: dict[str, Any], b: Any, h: dict[str, Any]) -> Drawn:
            headers = {k: query_text(v) for k, v in h.items()}
            return Drawn({k: query_text(v) for k, v in q.items()}, b, headers=headers)

        return st.builds(build, self._query(), self._body(), self._header_values())

    # --- invalid requests --------------------------------------------------------------------------

    def mutations_possible(self) -> bool:
        """Whether any mutation applies: a body to break, or a parameter with a constraint."""
        return bool(self._sites)

    @property
    def sites(self) -> int:
        """How many places a mutation can go (`invalid(only=i)` draws at the i-th alone)."""
        return len(self._sites)

    def invalid(self, only: int | None = None) -> st.SearchStrategy[Drawn]:
        """A valid request with one mutation; the draws that stay valid (a union admits the wrong type,
        say) are filtered out, so every case is one the version refuses."""
        sites = self._sites if only is None else [self._sites[only]]

        @st.composite
        def mutated(draw: st.DrawFn) -> Drawn | None:
            return self._mutate(draw, sites)

        return mutated().filter(lambda d: d is not None)  # type: ignore[return-value]

    def _mutate(self, draw: st.DrawFn, sites: list[Site | _ParamSite | str]) -> Drawn | None:
        if not sites:
            return None
        base = draw(self.valid())
        site = draw(st.sampled_from(sites))
        if isinstance(site, _ParamSite):
            return self._mutate_param(base, site)
        if site == "no body":
            return replace(base, body=None, mutation="the required body left out", keyword="required")
        if site == "not an object":
            return replace(base, body=[base.body], mutation="the body is an array", keyword="type")
        assert isinstance(site, Site)
        whole = self._complete(draw, base.body, site)
        body = NOT_THERE if whole is NOT_THERE else apply(whole, site)
        if body is NOT_THERE or self.body_is_valid(body):
            return None
        return replace(base, body=body, mutation=site.mutation(), keyword=site.keyword)

    def _complete(self, draw: st.DrawFn, body: Any, site: Site) -> Any:
        """The body with every part on the way to the site present: an optional field or an array item
        it left out is drawn from its schema (NOT_THERE when the result is no longer valid)."""
        steps = site.path if site.what == "additionalProperties" else site.path[:-1]
        if all(step in _present(body, site.path[:i]) for i, step in enumerate(steps)):
            return body
        out = copy.deepcopy(body)
        node = out
        for step, schema in zip(steps, site.chain, strict=False):
            if step == ITEM and isinstance(node, list):
                if not node:
                    node.append(draw(from_schema(schema, self.version.schemas)))
                node = node[0]
            elif step != ITEM and isinstance(node, dict):
                if step not in node:
                    node[step] = draw(from_schema(schema, self.version.schemas))
                node = node[step]
            else:
                return NOT_THERE
        return out if self.body_is_valid(out) else NOT_THERE

    def _mutate_param(self, base: Drawn, site: _ParamSite) -> Drawn | None:
        if site.where.startswith("header"):
            headers = dict(base.headers)
            if site.where == "header missing":
                if headers.pop(site.name, None) is None:
                    return None
                return replace(
                    base, headers=headers, mutation=f"header {site.name} left out", keyword="required"
                )
            headers[site.name] = query_text(site.value)
            mutation = f"header {site.name}={headers[site.name]} breaks {site.keyword}"
            return replace(base, headers=headers, mutation=mutation, keyword=site.keyword)
        query = dict(base.query)
        if site.where == "query missing":
            if site.name not in query:
                return None
            del query[site.name]
            return replace(base, query=query, mutation=f"query {site.name} left out", keyword="required")
        text = query_text(site.value)
        if site.where == "path":
            mutation = f"path {site.name}={text} breaks {site.keyword}"
            return replace(base, mutation=mutation, keyword=site.keyword, path={site.name: text})
        query[site.key] = text
        return replace(
            base, query=query, mutation=f"query {site.key}={text} breaks {site.keyword}", keyword=site.keyword
        )
