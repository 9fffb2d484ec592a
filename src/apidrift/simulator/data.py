"""Entity data for the generic simulator: documented examples first, else instances generated from
the response schemas (seeded hypothesis strategies from `apidrift.generate`), each one validated
against the schema it is served under; ids in the API's own style, learned from its examples."""

from __future__ import annotations

import json
import random
import re
import string
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from apidrift.check.patterns import compile_validator, rs_registry
from apidrift.contracts import templates
from apidrift.contracts.model import DEFS_PREFIX, SCHEMAS_FILE, ContractVersion, JSONSchema, schemas_document

# Generation gives up on a schema after this many tries (what it cannot satisfy is reported, not served).
MAX_TRIES: Final = 60
_ALNUM: Final = string.ascii_letters + string.digits
_ID_PREFIX: Final = re.compile(r"^([A-Za-z][A-Za-z0-9]*[_-])")
_MISSING: Final = object()


class Unsatisfiable(Exception):
    """No instance of a schema was found (the schema is contradictory or beyond the generator)."""


class Schemas:
    """One version's schemas: `$ref` resolution, the properties an object schema declares, validation."""

    def __init__(self, version: ContractVersion) -> None:
        self.version = version
        self.defs = version.schemas
        document = schemas_document(version.api, version.version, version.schemas)
        self._registry = rs_registry(version.base + SCHEMAS_FILE, document)
        self._validators: dict[str, Any] = {}
        self._keys: dict[int, tuple[Any, str]] = {}
        self._properties: dict[str, dict[str, Any]] = {}

    def key(self, schema: Any) -> str:
        """A schema's identity as text; remembered per schema object (held, so its id is never
        reused), as serialising a large schema on every request would cost more than answering it."""
        hit = self._keys.get(id(schema))
        if hit is not None and hit[0] is schema:
            return hit[1]
        text = json.dumps(schema, sort_keys=True)
        if len(self._keys) > 10_000:  # bounded: schemas merged on the fly are new objects each time
            self._keys.clear()
        self._keys[id(schema)] = (schema, text)
        return text

    def resolve(self, schema: Any) -> JSONSchema:
        """The schema behind a chain of `$ref`s, with `allOf` parts merged (properties, required)."""
        seen = 0
        while isinstance(schema, dict) and "$ref" in schema and seen < 32:
            name = str(schema["$ref"]).removeprefix(DEFS_PREFIX).removeprefix("#/$defs/")
            schema = self.defs.get(name, {})
            seen += 1
        if not isinstance(schema, dict):
            return {}
        if "allOf" in schema:
            merged: JSONSchema = {k: v for k, v in schema.items() if k != "allOf"}
            props: dict[str, Any] = dict(merged.get("properties", {}))
            required = list(merged.get("required", []))
            for part in schema["allOf"]:
                part = self.resolve(part)
                props.update(part.get("properties", {}))
                required += [r for r in part.get("required", []) if r not in required]
                merged.setdefault("type", part.get("type"))
            merged["properties"], merged["required"] = props, required
            return merged
        return schema

    def properties(self, schema: Any) -> dict[str, Any]:
        """The properties an object schema declares (those of its first object branch for a union);
        remembered per schema, as every answer asks (read only: callers never change it)."""
        key = self.key(schema)
        if key not in self._properties:
            self._properties[key] = self._find_properties(schema)
        return self._properties[key]

    def _find_properties(self, schema: Any) -> dict[str, Any]:
        resolved = self.resolve(schema)
        if "properties" in resolved:
            return dict(resolved["properties"])
        for key in ("anyOf", "oneOf"):
            for member in resolved.get(key, []):
                found = self.properties(member)
                if found:
                    return found
        return {}

    def array_items(self, schema: Any) -> Any:
        """The items schema of an array schema (or of the array branch of a nullable one), else None."""
        resolved = self.resolve(schema)
        if isinstance(resolved.get("items"), dict):
            return resolved["items"]
        for key in ("anyOf", "oneOf"):
            for member in resolved.get(key, []):
                found = self.array_items(member)
                if found is not None:
                    return found
        return None

    def valid(self, schema: Any, instance: Any) -> bool:
        key = self.key(schema)
        validator = self._validators.get(key)
        if validator is None:
            # A part lifted out of `schemas.json` keeps its local `#/$defs/` references: re-aim them.
            rooted = {**_outside(schema), "$id": f"{self.version.base}simulated-{len(self._validators)}.json"}
            validator = self._validators[key] = compile_validator(rooted, self._registry)
        return bool(validator.is_valid(instance))


def _outside(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            k: (
                DEFS_PREFIX + v.removeprefix("#/$defs/")
                if k == "$ref" and isinstance(v, str) and v.startswith("#/$defs/")
                else _outside(v)
            )
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_outside(v) for v in node]
    return node


class Forge:
    """Makes instances of a version's schemas: seeded, validated, and dressed to look like data."""

    def __init__(self, schemas: Schemas, seed: int, now: Callable[[], int]) -> None:
        self.schemas = schemas
        self.seed = seed
        self.now = now
        self._made: dict[tuple[str, str], Any] = {}

    def generate(self, schema: Any, salt: str, accept: Callable[[Any], bool] | None = None) -> Any:
        """A valid instance of `schema`, the same for the same `salt`; Unsatisfiable if none is found."""
        key = (self.schemas.key(schema), salt)
        if key not in self._made:
            self._made[key] = self._search(schema, salt, accept)
        found = self._made[key]
        if found is _MISSING:
            raise Unsatisfiable(f"no instance of the schema was found in {MAX_TRIES} tries")
        # A copy whose top level the caller may change (nothing changes a generated value below it).
        return dict(found) if isinstance(found, dict) else list(found) if isinstance(found, list) else found

    def _search(self, schema: Any, salt: str, accept: Callable[[Any], bool] | None) -> Any:
        # Imported here: hypothesis costs ~150 ms to import and only generated data needs it.
        from hypothesis import HealthCheck, Phase, find, settings
        from hypothesis.errors import HypothesisException

        from apidrift.generate.strategies import from_schema

        search = settings(
            max_examples=MAX_TRIES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
            phases=[Phase.generate],
        )

        def fits(value: Any) -> bool:
            return self.schemas.valid(schema, value) and (accept is None or accept(value))

        rng = random.Random(f"{self.seed}:{salt}")
        try:
            value = find(from_schema(schema, self.schemas.defs), fits, settings=search, random=rng)
        except (HypothesisException, RecursionError, KeyError):
            return _MISSING
        return self.dress(schema, value, rng)

    def dress(self, schema: Any, value: Any, rng: random.Random, depth: int = 0) -> Any:
        """Plausible values where the generator left odd ones: a time near now for `*_at` integers, small
        counts for other integers, words for empty strings, at every depth; each change is kept only
        if the instance stays valid."""
        if isinstance(value, list) and depth < 6:
            items = self.schemas.array_items(schema)
            return [self.dress(items, v, rng, depth + 1) for v in value] if items is not None else value
        if not isinstance(value, dict) or depth > 6:
            return value
        branches = [m for k in ("oneOf", "anyOf") for m in self.schemas.resolve(schema).get(k, [])]
        branch = next((m for m in branches if self.schemas.valid(m, value)), schema)
        for name, sub in self.schemas.properties(branch).items():
            if name not in value:
                continue
            resolved = self.schemas.resolve(sub)
            kind = resolved.get("type")
            kinds = kind if isinstance(kind, list) else [kind]
            current = value[name]
            candidate: Any
            if isinstance(current, dict | list):
                candidate = self.dress(sub, current, rng, depth + 1)
            elif "integer" in kinds and _is_time(name):
                candidate = self.now() - rng.randrange(1, 90) * 86_400 - rng.randrange(86_400)
            elif (
                isinstance(current, int | float) and not isinstance(current, bool) and not 0 <= current < 1e6
            ):
                candidate = rng.randrange(1, 5000)
            elif "string" in kinds and current == "" and not resolved.get("enum"):
                candidate = f"{name.replace('_', ' ')} {rng.randrange(1, 1000)}"
            else:
                continue
            trial = {**value, name: candidate}
            if self.schemas.valid(schema, trial):
                value = trial
        return value

    def fit(self, schema: Any, entity: Mapping[str, Any], salt: str) -> Any:
        """`entity` as `schema` documents it: its documented fields as they are when valid, else a
        generated instance carrying every one of the entity's fields that keeps it valid."""
        props = self.schemas.properties(schema)
        shown = {k: v for k, v in entity.items() if not k.startswith("_") and (not props or k in props)}
        if self.schemas.valid(schema, shown):
            return shown
        base = self.generate(schema, salt)
        if not isinstance(base, dict):
            return base
        for key, value in shown.items():
            trial = {**base, key: value}
            if self.schemas.valid(schema, trial):
                base = trial
        return base


def _is_time(name: str) -> bool:
    return name.endswith(("_at", "_time", "_date")) or name in ("created", "updated", "timestamp")


# --- ids in the API's own style ------------------------------------------------------------------


@dataclass(frozen=True)
class IdStyle:
    """How one collection's ids look: a prefix and a random tail of a given length."""

    prefix: str
    length: int = 20

    def issue(self, rng: random.Random) -> str:
        return self.prefix + "".join(rng.choices(_ALNUM, k=self.length))


def learn_id_style(ids: Iterable[Any], fallback: str) -> IdStyle:
    """The style of documented ids (`proj_abc` -> `proj_` + a tail); `fallback` when none is known."""
    for ident in ids:
        if isinstance(ident, str) and (match := _ID_PREFIX.match(ident)):
            tail = len(ident) - len(match.group(1))
            return IdStyle(match.group(1), max(tail, 12))
    return IdStyle(fallback)


def fallback_prefix(collection_path: str) -> str:
    """`/pets` -> `pet_`: a collection's singular name, when no example shows its ids."""
    literal = [s.text for s in templates.segments(collection_path) if s.text and s.is_literal]
    name = re.sub(r"[^a-z0-9]", "", (literal[-1] if literal else "item").lower()) or "item"
    if name.endswith("ies"):
        name = name[:-3] + "y"
    elif name.endswith("s") and not name.endswith("ss"):
        name = name[:-1]
    return name[:8] + "_"


# --- documented examples ----------------------------------------------------------------------------


def load_examples(folder: Path | None) -> dict[str, list[tuple[int, Any]]]:
    """Documented example responses by operation id, from an imported version's recordings folder
    (`import-openapi` writes them beside the contracts); unreadable files are passed over."""
    from apidrift.check.recordings import load_recordings

    found: dict[str, list[tuple[int, Any]]] = {}
    if folder is None or not folder.is_dir():
        return found
    for loaded in load_recordings(folder).recordings:
        recording = loaded.recording
        found.setdefault(recording.operation, []).append((recording.status, recording.body))
    return found
