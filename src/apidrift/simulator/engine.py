"""The generic, stateful simulator: any operation of any version, answered from the contract alone.

Collections are seeded lazily (documented examples first, then generated entities), creates, updates,
deletes and actions change them, lists page them as the version documents, usage-like lists answer
with buckets for the window asked, and unknown ids or refused bodies get the documented error shape.
Every answer is validated against the operation's response schema before it is sent; one that cannot
be made valid is a 501 naming why, and listed in `unsatisfiable` (`/__apidrift__/info`).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

from apidrift.contracts.model import ContractVersion, Operation
from apidrift.profiles.model import Lock
from apidrift.simulator.aggregate import Records
from apidrift.simulator.buckets import Buckets
from apidrift.simulator.core import Call
from apidrift.simulator.data import IdStyle, Unsatisfiable, fallback_prefix, learn_id_style
from apidrift.simulator.errors import ApiError
from apidrift.simulator.filters import Filter, filters_of, ordered
from apidrift.simulator.filters import apply as apply_filters
from apidrift.simulator.locks import check as check_locks
from apidrift.simulator.model import Answer, Examples, VersionModel, error_body
from apidrift.simulator.pages import (
    Envelope,
    envelope_fields,
    page_of,
)
from apidrift.simulator.renames import Renames, served, stored
from apidrift.simulator.resources import Collection, Kind

__all__ = ["SEED_ITEMS", "Answer", "Effect", "Engine", "Tables", "VersionModel", "error_body"]
SEED_ITEMS: Final = 3  # entities in every collection before any write
# What an operation does to its item beyond the request's fields: (the item, now) -> None, in place.
Effect = Callable[[dict[str, Any], int], None]
# (an overlay's state, a collection's path, its parent ids) -> that collection's live table in the
# overlay's state (items by id), so the engine and the overlay's handlers answer from one org; None:
# the engine keeps its own items for that collection; an ApiError (an unknown parent) is the answer.
Tables = Callable[[Any, str, tuple[str, ...]], dict[str, dict[str, Any]] | None]


class Engine:
    """The state every generically served operation shares (across versions, so a mix stays one org)."""

    def __init__(
        self,
        versions: list[ContractVersion],
        seed: int,
        now: Callable[[], int],
        examples: Mapping[str, Examples] | None = None,
        window_names: Mapping[str, str] | None = None,
        effects: Mapping[str, Effect] | None = None,
        tables: Tables | None = None,
        filter_names: Mapping[str, Mapping[str, Sequence[str]]] | None = None,
        clock_of: Callable[[Any], int | None] | None = None,
        native: ContractVersion | None = None,
        locks: Mapping[str, Lock] | None = None,
    ) -> None:
        self.seed = seed
        self.now = now
        self.window_names = window_names or {}
        self.effects = effects or {}
        self.tables = tables
        # list path -> query parameter -> the item fields it filters, where names cannot tell
        self.filter_names = filter_names or {}
        self._filter_cache: dict[tuple[str, str], tuple[Filter, ...]] = {}
        # the overlay state's now, for windows asked without an end (None: the engine's clock)
        self.clock_of = clock_of or (lambda state: None)
        # the version a shared state's items are kept in: fields another version renames are shown renamed
        self.renames = Renames(native)
        self.locks = locks or {}  # collection path -> the state in which its items refuse writes
        self._state: Any = None  # the overlay state of the call being answered, when shared
        self.buckets = Buckets(self.window_names, now)
        self.models = {
            v.version: VersionModel(v, seed, now, (examples or {}).get(v.version, {})) for v in versions
        }
        self.rng = random.Random(f"ids:{seed}")
        self.rows: dict[tuple[str, tuple[str, ...]], dict[str, dict[str, Any]]] = {}
        self.styles: dict[str, IdStyle] = {}
        self.unsatisfiable: dict[str, str] = {}
        self._writes = 0

    def answer(self, call: Call, *, shared: bool = False) -> Answer:
        """The answer to one call (ApiError for an unknown id or a refused request); `shared`: the
        collections the overlay's `tables` hold are read and written in the call's overlay state."""
        self._state = call.state if shared else None
        model = self.models[call.version.version]
        role = model.resources.roles[call.op.id]
        try:
            answer = self._answer(model, call, role.kind, role.collection)
        except Unsatisfiable as exc:
            return self._unsatisfiable(call.op, str(exc))
        if answer.body is not None and not model.validator.is_valid(call.op.id, answer.status, answer.body):
            return self._unsatisfiable(call.op, "the answer built does not validate against its schema")
        return answer

    def _unsatisfiable(self, op: Operation, why: str) -> Answer:
        self.unsatisfiable[op.id] = why
        raise ApiError(
            501,
            f"apidrift simulator cannot satisfy {op.id}: {why}",
            type="server_error",
            code="simulator_cannot_satisfy",
        )

    def _answer(self, model: VersionModel, call: Call, kind: Kind, path: str | None) -> Answer:
        op = call.op
        check_locks(self.locks, model.resources, call, kind, lambda c, p: self._collection(model, c, p))
        status, schema = model.success(op)
        collection = model.resources.collections.get(path or "")
        if kind is Kind.LIST and collection is not None:
            return Answer(status, self._list(model, call, collection))
        if collection is None or kind in (Kind.READ, Kind.WRITE):
            return Answer(status, self._other(model, call, schema, kind))
        rows = self._collection(model, collection, call.params)
        if kind is Kind.CREATE:
            entity = self._create(model, collection, call, rows)
            return Answer(status, self._shown(model, call, collection, schema, entity))
        ident = call.params.get(collection.item_param or "", "")
        found = rows.get(ident)
        if found is None:
            raise ApiError(
                404,
                f"No {fallback_prefix(collection.path)[:-1]} found with id '{ident}'.",
                param=collection.item_param,
                code="not_found",
            )
        entity = found
        entity.setdefault("_key", ident)  # an item of a shared table was keyed by its overlay
        if kind is Kind.DELETE:
            del rows[ident]
            # The documented answer's constants (its `object`) where the schema leaves them optional.
            documented = _documented(model, op.id) or {}
            done = {**documented, model.id_field(collection): ident, "id": ident, "deleted": True}
            return Answer(status, model.forge.fit(schema, done, f"deleted:{op.id}") if schema else None)
        if kind in (Kind.UPDATE, Kind.ACTION):
            self._merge(model, collection, entity, call.body, self._names(model, call))
            self._effect(model, collection, call.op.id, entity)
        return Answer(status, self._shown(model, call, collection, schema, entity))

    def _names(self, model: VersionModel, call: Call) -> dict[str, str]:
        """The state's field names -> this version's, for an item of a shared table."""
        if self._state is None:
            return {}
        listed = model.resources.roles[call.op.id].kind is Kind.LIST
        envelope = model.envelopes.get(call.op.id) if listed else None
        return self.renames.of(model.version, call.op.id, envelope.items_key if envelope else None)

    def _shown(
        self, model: VersionModel, call: Call, collection: Collection, schema: Any, entity: dict[str, Any]
    ) -> Any:
        """The item as this answer documents it; what the answer had to make up is kept in the item
        too (where the item's own schema allows it), so reading it back answers the same."""
        if schema is None:
            return None
        names = self._names(model, call)
        shown = model.forge.fit(schema, served(_public(entity), names), f"shown:{entity['_key']}")
        if isinstance(shown, dict):
            own = model.entity_schema(collection)
            view = served(_public(entity), names)
            for name, value in shown.items():
                if view.get(name) != value and model.schemas.valid(own, {**view, name: value}):
                    entity[stored(name, names)] = value
        return shown

    # --- collections -----------------------------------------------------------------------------

    def _collection(
        self, model: VersionModel, collection: Collection, params: Mapping[str, str]
    ) -> dict[str, dict[str, Any]]:
        """The items under the call's parent ids (seeded on first use); a 404 for an unknown parent."""
        for parent in collection.parents:
            owner = model.resources.owner_of(collection.path, parent)
            if owner is not None and params.get(parent) not in self._collection(model, owner, params):
                raise ApiError(
                    404,
                    f"No {fallback_prefix(owner.path)[:-1]} found with id '{params.get(parent)}'.",
                    param=parent,
                    code="not_found",
                )
        key = (collection.path, tuple(params.get(p, "") for p in collection.parents))
        if self._state is not None and self.tables is not None:
            table = self.tables(self._state, *key)
            if table is not None:
                return table
        if key not in self.rows:
            self.rows[key] = self._seed(model, collection, key[1])
        return self.rows[key]

    def _style(self, model: VersionModel, collection: Collection) -> IdStyle:
        if collection.path not in self.styles:
            field = model.id_field(collection)
            ids = [item.get(field) for item in model.example_items(collection)]
            self.styles[collection.path] = learn_id_style(ids, fallback_prefix(collection.path))
        return self.styles[collection.path]

    def _seed(self, model: VersionModel, collection: Collection, parents: tuple[str, ...]) -> dict[str, Any]:
        schema = model.entity_schema(collection)
        if schema is None:
            return {}
        field, style = model.id_field(collection), self._style(model, collection)
        examples = model.example_items(collection)
        rows: dict[str, dict[str, Any]] = {}
        for i in range(SEED_ITEMS):
            salt = f"seed:{collection.path}:{'/'.join(parents)}:{i}"
            entity = model.forge.fit(schema, examples[i], salt) if i < len(examples) else None
            if not isinstance(entity, dict):
                try:
                    entity = model.forge.generate(schema, salt)
                except Unsatisfiable:
                    return rows
            if not isinstance(entity, dict):
                return rows
            entity = self._identify(
                model, schema, entity, field, style, rows, dict(zip(collection.parents, parents, strict=True))
            )
            rows[entity["_key"]] = entity
        return rows

    def _identify(
        self,
        model: VersionModel,
        schema: Any,
        entity: dict[str, Any],
        field: str,
        style: IdStyle,
        rows: Mapping[str, Any],
        parents: Mapping[str, str],
    ) -> dict[str, Any]:
        """A fresh id in the collection's style (and the parent ids where the entity names them)."""
        ident = style.issue(self.rng)
        for name, value in {field: ident, **parents}.items():
            trial = {**entity, name: value}
            if name in model.schemas.properties(schema) and model.schemas.valid(schema, trial):
                entity = trial
        key = str(entity.get(field, ident))
        entity["_key"] = key if key not in rows else ident
        return entity

    def _create(
        self, model: VersionModel, collection: Collection, call: Call, rows: dict[str, dict[str, Any]]
    ) -> dict[str, Any]:
        self._writes += 1
        schema = model.entity_schema(collection) or model.success(call.op)[1]
        # A documented item is the likeliest look of a new one; generated when none is documented.
        examples = model.example_items(collection)
        salt = f"create:{call.op.id}:{self._writes}"
        entity = (
            model.forge.fit(schema, examples[0], salt) if examples else model.forge.generate(schema, salt)
        )
        if not isinstance(entity, dict):
            raise Unsatisfiable("its items are not objects")
        entity = model.forge.fit(schema, {**entity, **self._stamped(model, schema)}, f"create:{self._writes}")
        entity = self._identify(
            model,
            schema,
            entity,
            model.id_field(collection),
            self._style(model, collection),
            rows,
            {p: call.params.get(p, "") for p in collection.parents},
        )
        self._merge(model, collection, entity, call.body, self._names(model, call))
        rows[entity["_key"]] = entity
        return entity

    def _effect(
        self, model: VersionModel, collection: Collection, op_id: str, entity: dict[str, Any]
    ) -> None:
        """What an overlay says an operation does to its item (archiving), kept where it stays valid."""
        effect = self.effects.get(op_id)
        if effect is None:
            return
        changed = dict(entity)
        effect(changed, self.now())
        schema = model.entity_schema(collection)
        for name, value in changed.items():
            trial = {k: v for k, v in {**entity, name: value}.items() if not k.startswith("_")}
            if name.startswith("_") or model.schemas.valid(schema, trial):
                entity[name] = value

    def _stamped(self, model: VersionModel, schema: Any) -> dict[str, Any]:
        """`created_at`-like fields set to now: what was just made was made now."""
        return {
            n: self.now()
            for n in model.schemas.properties(schema)
            if n in ("created_at", "created", "updated_at")
        }

    def _merge(
        self,
        model: VersionModel,
        collection: Collection,
        entity: dict[str, Any],
        body: Mapping[str, Any],
        names: Mapping[str, str],
    ) -> None:
        """The request's fields the entity documents, each kept when the entity stays valid (under
        the state's name of a field the served version renames)."""
        schema = model.entity_schema(collection)
        props = model.schemas.properties(schema)
        for name, value in body.items():
            if name in props and name != model.id_field(collection):
                trial = {**served(_public(entity), names), name: value}
                if model.schemas.valid(schema, trial):
                    entity[stored(name, names)] = value

    # --- lists and everything else ----------------------------------------------------------------

    def _list(self, model: VersionModel, call: Call, collection: Collection) -> Any:
        op = call.op
        envelope = model.envelopes[op.id]
        assert envelope is not None  # a LIST role is given only to operations with an envelope
        status, schema = model.success(op)
        org = self.clock_of(self._state) if self._state is not None else None
        window = self.buckets.window(op, call.query, org)
        starts = self.buckets.bounds(model, op.id, envelope.items_schema)
        if window is not None and starts[0] is not None:
            page, more, token = self.buckets.page(model, call, envelope, window, self._dimension_ids)
        else:
            rows = self._collection(model, collection, call.params)
            field = model.id_field(collection)
            names = self._names(model, call)
            items = [
                model.forge.fit(
                    envelope.items_schema, {**served(_public(row), names), field: key}, f"item:{key}"
                )
                for key, row in rows.items()
            ]
            items = ordered(op, model.schemas, envelope.items_schema, items)
            items = apply_filters(self._filters(model, op, envelope), call.query, items)
            page, more, token = page_of(op, call.query, items, key=field)
        if envelope.items_key is None:
            return page
        paging = envelope_fields(envelope, page, more, token)
        # The documented envelope's other fields (its `object`) when they make a valid answer: no
        # generation, which is the slow part and can fail (nested inside a caller's own hypothesis run).
        documented = _documented(model, op.id)
        if documented is not None:
            body = {**documented, envelope.items_key: page, **paging}
            if model.validator.is_valid(op.id, status, body):
                return body
        generated = model.forge.generate(schema, f"envelope:{op.id}")
        body = {**generated, envelope.items_key: page, **paging}
        for name in paging:  # a paging field whose value the schema refuses (a null) keeps a valid one
            if not model.validator.is_valid(op.id, status, body) and name in generated:
                body[name] = generated[name]
        return body

    def _filters(self, model: VersionModel, op: Operation, envelope: Envelope) -> tuple[Filter, ...]:
        key = (model.version.version, op.id)
        if key not in self._filter_cache:
            named = self.filter_names.get(op.path, {})
            self._filter_cache[key] = filters_of(op, model.schemas, envelope.items_schema, named)
        return self._filter_cache[key]

    def _dimension_ids(self, model: VersionModel, records: Records) -> dict[str, list[Any]]:
        """A dimension named as a top-level collection's item parameter (`project_id`) takes the ids
        of the items that collection holds, so usage is reported for things that exist."""
        out: dict[str, list[Any]] = {}
        for dim in records.rollup.dims:
            owner = next(
                (c for c in model.resources.collections.values() if c.item_param == dim and not c.parents),
                None,
            )
            if owner is not None:
                out[dim] = list(self._collection(model, owner, {}))[:5]
        return out

    def _other(self, model: VersionModel, call: Call, schema: Any, kind: Kind) -> Any:
        """A read or write no collection explains: a generated answer carrying the request's fields."""
        if schema is None:
            return None
        if kind is Kind.READ:
            salt = f"read:{call.op.id}:{sorted(call.params.items())}"
            return model.forge.generate(schema, salt)
        self._writes += 1
        salt = f"write:{call.op.id}:{self._writes}"
        generated = model.forge.generate(schema, salt)
        if not isinstance(generated, dict):
            return generated  # an array or a scalar answer: no fields of the request to carry
        return model.forge.fit(schema, {**generated, **call.body}, salt)


def _documented(model: VersionModel, op_id: str) -> dict[str, Any] | None:
    """The operation's first documented successful answer, if it is an object."""
    found = (b for st, b in model.examples.get(op_id, []) if 200 <= st < 300 and isinstance(b, dict))
    return next(found, None)


def _public(row: Mapping[str, Any]) -> dict[str, Any]:
    """An item without its bookkeeping keys (`_…`, the engine's or a shared table's overlay's)."""
    return {k: v for k, v in row.items() if not k.startswith("_")}
