"""Validate response bodies against a contract version: a compiled fast path, a detailed slow path."""

from __future__ import annotations

import itertools
import reprlib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any
from urllib.parse import quote

import jsonschema_rs

from apidrift.check.body_fields import FieldPlan, admitted, undocumented_paths
from apidrift.check.closed import close_response, closed_base, closed_document
from apidrift.check.inheritance import with_extensions
from apidrift.check.openapi_view import Hidden, Moved, OpenApiView, contract_path, needs_view
from apidrift.check.patterns import UnsupportedPattern, compile_validator, rs_registry, unsupported_patterns
from apidrift.check.shapes import FieldShape, SchemaFlattener
from apidrift.contracts.model import SCHEMAS_FILE, ContractVersion, JSONSchema, schemas_document
from apidrift.contracts.safeload import escape
from apidrift.errors import WalkBudgetError

_short = reprlib.Repr()
_short.maxstring, _short.maxother, _short.maxlist, _short.maxdict = 60, 60, 4, 4


@dataclass(frozen=True, slots=True)
class Violation:
    """One way a body breaks its schema, located in the instance and in the schema."""

    instance_path: str
    schema_path: str
    keyword: str
    expected: Any
    actual: Any
    message: str
    field: str

    def describe(self) -> str:
        where = self.field or "(root)"
        return f"{where}: {self.message}"


@dataclass(frozen=True, slots=True)
class UndocumentedField:
    """A field present in a body that the schema does not declare (drift, not an error)."""

    field: str
    json_type: str
    # Past `MAX_UNDOCUMENTED` fields a body's list stops; its last entry counts those not listed.
    more: int = 0

    def describe(self) -> str:
        return f"{self.field}: undocumented field ({self.json_type}){_more(self.more)}"


def _more(n: int) -> str:
    return f", and {n:,} more undocumented fields not listed" if n else ""


# A hostile body of a million keys would otherwise be a million findings in every report.
MAX_UNDOCUMENTED = 1000


@dataclass(frozen=True, slots=True)
class ValidationResult:
    """The outcome of checking one body against one operation and status of one version."""

    version: str
    operation: str
    status: str
    violations: tuple[Violation, ...]
    undocumented: tuple[UndocumentedField, ...] = ()

    @property
    def valid(self) -> bool:
        return not self.violations

    @property
    def exact(self) -> bool:
        """Valid, and nothing undocumented (only meaningful for strict checks)."""
        return not self.violations and not self.undocumented

    @property
    def undocumented_count(self) -> int:
        """Undocumented fields found, those past `MAX_UNDOCUMENTED` (not listed) included."""
        return len(self.undocumented) + (self.undocumented[-1].more if self.undocumented else 0)


def pointer(path: Iterable[Any]) -> str:
    return "".join(f"/{str(p).replace('~', '~0').replace('/', '~1')}" for p in path)


def field_path(path: Iterable[Any]) -> str:
    """`data/0/results` -> `data[].results`: the shape path used across apidrift."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += "[]"
        else:
            out = f"{out}.{part}" if out else str(part)
    return out


class ResponseValidator:
    """Validates bodies against one contract version; compiled validators are cached per schema."""

    # The access a response never carries: its `writeOnly` fields are not required of it.
    hidden: Hidden = "writeOnly"

    def __init__(self, version: ContractVersion) -> None:
        self.version = version
        # Bodies are validated with what OpenAPI adds to JSON Schema enforced (`check/openapi_view.py`).
        self._view = OpenApiView(version.schemas, self.hidden) if needs_view(version.schemas) else None
        # Where the view's own parts stand in the contract: errors name the contract's places.
        self._moved: Moved = {}
        self._checked = self._view.named(self._moved) if self._view is not None else version.schemas
        self._fast: dict[tuple[str, str], Any] = {}
        self._explain: dict[tuple[str, str], Any] = {}
        self._closable_registry: Any = None
        # Per operation: where the view's parts stand, and the copies of bases among them.
        self._op_moved: dict[tuple[str, str], tuple[Moved, tuple[str, ...]]] = {}
        self._valid: dict[tuple[str, str], ValidationResult] = {}
        self._shapes: dict[tuple[str, str], dict[str, FieldShape]] = {}
        # The walk takes a field of the schema a discriminated base selects for a documented one.
        self._flattener = SchemaFlattener(with_extensions(version.schemas))
        document = schemas_document(version.api, version.version, self._checked)
        # One regex engine everywhere (`check/patterns.py`): linear time; what it cannot run is skipped.
        self._rs_registry = rs_registry(version.base + SCHEMAS_FILE, document)
        self._unsupported: tuple[UnsupportedPattern, ...] | None = None
        self._closed: dict[tuple[str, str], Any] = {}
        self._declares: dict[tuple[str, str], frozenset[str]] = {}
        self._plans: dict[tuple[str, str], tuple[FieldPlan, Any]] = {}
        self._strict: dict[tuple[str, str], tuple[Any, ValidationResult]] = {}
        self._closed_registry: Any = None
        self._closable: dict[str, JSONSchema] | None = None
        self._too_big: dict[tuple[str, str], WalkBudgetError] = {}

    def _closed_validator(self, op_id: str, status: str) -> Any:
        """The compiled closed form of a response schema (see `check.closed`), or None."""
        key = (op_id, status)
        if key not in self._closed:
            raw = self._body_schema(op_id, status)
            schema = None
            if raw is not None:
                where = closed_base(self.version.api, self.version.version)
                schema_id = f"{where}op-{quote(op_id, safe='')}-{status}.json"
                schema = close_response(
                    self._viewed(raw, closable=True), self._closable_named(), schema_id=schema_id
                )
            self._closed[key] = None if schema is None else self._compile_closed(schema)
        return self._closed[key]

    def _compile_closed(self, schema: JSONSchema) -> Any:
        if self._closed_registry is None:
            v = self.version
            document = closed_document(v.api, v.version, self._closable_named())
            self._closed_registry = rs_registry(document["$id"], document)
        return compile_validator(schema, self._closed_registry)

    def _body_schema(self, op_id: str, status: str) -> JSONSchema | None:
        """The documented body schema as the contract holds it (not rooted); None when there is none.
        A subclass that validates another body (a request's) overrides this and `_schema`."""
        spec = self.version.operation(op_id).response_for(status)
        return spec.schema if spec is not None else None

    def documented_schema(self, op_id: str, status: str) -> JSONSchema | None:
        """The body schema this validator checks, as the contract holds it (None: no schema)."""
        return self._body_schema(op_id, status)

    def _schema(self, op_id: str, status: str) -> JSONSchema:
        return self.version.response_schema(op_id, status)

    def _closable_named(self) -> dict[str, JSONSchema]:
        """The named schemas as the closed check sees them: a union that already chooses its branch
        by the discriminator's value kept as written (closable), where the explaining view spells out
        the choice (see `OpenApiView`)."""
        if self._closable is None:
            self._closable = self._checked
            if self._view is not None and any("'x-discriminator'" in repr(s) for s in self._checked.values()):
                named = OpenApiView(self.version.schemas, self.hidden, closable=True).named()
                if named != self._checked:
                    self._closable = named
        return self._closable

    def _viewed(
        self, schema: JSONSchema, *, closable: bool = False, moved: Moved | None = None
    ) -> JSONSchema:
        """A body schema as it is validated (see `OpenApiView`); `closable` for the closed check."""
        if self._view is None and not needs_view({"": schema}):
            return schema
        view = OpenApiView(self.version.schemas, self.hidden, closable=closable)
        if self._view is not None and not closable:
            view = self._view
        viewed: JSONSchema = view.view(schema, "", moved)
        return viewed

    def _compiled(self, op_id: str, status: str) -> Any:
        """The fast validator: a union that already chooses by its discriminator's value is kept as
        written (the closable view), which decides a valid body in fewer steps than `if`/`then`."""
        fast = self._fast.get((op_id, status))
        if fast is None:
            schema = self._schema(op_id, status)
            closable = self._viewed(schema, closable=True)
            if self._closable_named() is self._checked and closable == self._viewed(schema):
                fast = self._explaining(op_id, status)
            else:
                if self._closable_registry is None:
                    v = self.version
                    document = schemas_document(v.api, v.version, self._closable_named())
                    self._closable_registry = rs_registry(v.base + SCHEMAS_FILE, document)
                fast = compile_validator(closable, self._closable_registry)
            self._fast[(op_id, status)] = fast
        return fast

    def _explaining(self, op_id: str, status: str) -> Any:
        """The validator whose errors explain a refused body: a discriminated union spelled as
        `if`/`then`, so the errors are the selected branch's own, not every member's."""
        explaining = self._explain.get((op_id, status))
        if explaining is None:
            moved: Moved = {}
            explaining = compile_validator(
                self._viewed(self._schema(op_id, status), moved=moved), self._rs_registry
            )
            self._explain[(op_id, status)] = explaining
            moved = {**self._moved, **moved}
            self._op_moved[(op_id, status)] = (moved, tuple(key for key in moved if "/allOf/" not in key))
        return explaining

    def _explained(self, op_id: str, status: str, errors: Iterable[Any]) -> tuple[Violation, ...]:
        """Errors as violations, most relevant first, each located in the contract (not in the view)."""
        violations = [explain(e) for e in errors]
        moved, copies = self._op_moved.get((op_id, status)) or ({}, ())
        if moved:
            # The view's own places: parts it adds (`allOf`), copies of discriminated bases.
            for i, v in enumerate(violations):
                if "/allOf/" in v.schema_path or (copies and v.schema_path.startswith(copies)):
                    violations[i] = replace(v, schema_path=contract_path(v.schema_path, moved))
            if copies:
                # A base's own constraints hold twice where its value selects a schema extending it
                # (the base, and the base as written inside that schema): one error, named once.
                once = {(v.instance_path, v.schema_path, v.message): v for v in reversed(violations)}
                violations = [v for v in violations if once[(v.instance_path, v.schema_path, v.message)] is v]
        return tuple(sorted(violations, key=_relevance))

    @property
    def unsupported_patterns(self) -> tuple[UnsupportedPattern, ...]:
        """The version's patterns the regex engine cannot run (documentation findings; never checked),
        located in `schemas.json` or in an operation's response (`<operation>/<status>`)."""
        if self._unsupported is None:
            found = [
                pattern
                for name, schema in self.version.schemas.items()
                for pattern in unsupported_patterns(schema, f"{SCHEMAS_FILE}#/$defs/{escape(name)}")
            ]
            for op in self.version.operations.values():
                for status, spec in op.responses.items():
                    found += unsupported_patterns(spec.schema, f"{op.id}/{status}#")
            self._unsupported = tuple(found)
        return self._unsupported

    def is_valid(self, op_id: str, status: str | int, body: Any) -> bool:
        """The fast path: a compiled (Rust) validator, no explanation."""
        return bool(self._compiled(op_id, str(status)).is_valid(body))

    def violations(self, op_id: str, status: str | int, body: Any) -> tuple[Violation, ...]:
        """The explaining path: every violation, most relevant first, from the same compiled validator."""
        errors = self._explaining(op_id, str(status)).iter_errors(body)
        return self._explained(op_id, str(status), errors)

    def field_shapes(self, op_id: str, status: str | int) -> dict[str, FieldShape]:
        key = (op_id, str(status))
        if key not in self._shapes:
            failed = self._too_big.get(key)
            if failed is not None:  # walked once past its budget: never again for every response
                raise failed
            try:
                self._shapes[key] = self._flattener.flatten(self._body_schema(op_id, str(status)))
            except WalkBudgetError as exc:
                where = f"{self.version.version}: {op_id} response {status}"
                self._too_big[key] = WalkBudgetError(f"{where}: {exc.message}", pointer=exc.pointer)
                raise self._too_big[key] from None
        return self._shapes[key]

    def undocumented(
        self, op_id: str, status: str | int, body: Any, *, expected: bool = False
    ) -> tuple[UndocumentedField, ...]:
        """Fields of `body` this version does not document (the outermost of each undocumented branch);
        `expected`: some are known to be there, so the compiled check that clears a body is skipped."""
        key = (op_id, str(status))
        planned = self._plans.get(key)
        if planned is None:
            plan = FieldPlan(self.field_shapes(*key), self.declares(*key))
            planned = self._plans[key] = (plan, jsonschema_rs.validator_for(plan.keys_schema()))
        plan, only_documented = planned
        # One compiled call clears most bodies (invalid ones too); only the rest are walked.
        if not expected and admitted(only_documented.is_valid, body):
            return ()
        found = plan.undocumented(body)
        if found is None:  # keys spelled like paths: the string walk says what they mean
            found = undocumented_paths(body, self.field_shapes(*key), self.declares(*key))
        listed = tuple(
            UndocumentedField(path, json_type)
            for path, json_type in itertools.islice(found.items(), MAX_UNDOCUMENTED)
        )
        if len(found) > MAX_UNDOCUMENTED:
            listed = (*listed[:-1], replace(listed[-1], more=len(found) - MAX_UNDOCUMENTED))
        return listed

    def declares(self, op_id: str, status: str | int) -> frozenset[str]:
        """The documented paths of a response that declare fields of their own (objects and arrays
        whose keys are checked); a documented object with no documented field is a free-form map."""
        key = (op_id, str(status))
        declares = self._declares.get(key)
        if declares is None:
            documented = self.field_shapes(op_id, status)
            parents = frozenset(_parent(p) for p in documented if p)
            declares = self._declares[key] = parents & documented.keys()
        return declares

    def _valid_result(self, op_id: str, status: str) -> ValidationResult:
        # Results are immutable: every exact check of one operation and status shares one.
        key = (op_id, status)
        valid = self._valid.get(key)
        if valid is None:
            valid = self._valid[key] = ValidationResult(self.version.version, op_id, status, ())
        return valid

    def validate(
        self,
        op_id: str,
        status: str | int,
        body: Any,
        *,
        strict: bool = False,
    ) -> ValidationResult:
        """Check a body; `strict` also lists undocumented fields as drift (see `undocumented`)."""
        status = str(status)
        closed = None
        if strict:
            # The closed schema admits only valid bodies with every field documented, so a body it
            # accepts is exact in one compiled call; only the others pay for the open check and a walk.
            entry = self._strict.get((op_id, status))
            if entry is None:
                entry = self._strict[(op_id, status)] = (
                    self._closed_validator(op_id, status),
                    self._valid_result(op_id, status),
                )
            closed = entry[0]
            if closed is not None and closed.is_valid(body):
                return entry[1]
        if closed is not None:
            # Refused by the closed schema: invalid, or only undocumented fields. The errors say which
            # (none for the latter) in one call, where a validity check first would be a second.
            violations = self._explained(op_id, status, self._explaining(op_id, status).iter_errors(body))
        elif self._compiled(op_id, status).is_valid(body):
            if not strict:
                return self._valid_result(op_id, status)
            violations = ()
        else:  # only an invalid body pays for the explanation
            violations = self._explained(op_id, status, self._explaining(op_id, status).iter_errors(body))
        if not strict:
            return ValidationResult(self.version.version, op_id, status, violations)
        # A valid body the closed schema refused has undocumented fields: straight to the walk.
        undocumented = self.undocumented(op_id, status, body, expected=closed is not None and not violations)
        return ValidationResult(self.version.version, op_id, status, violations, undocumented)


def _parent(path: str) -> str:
    if path.endswith("[]"):
        return path[:-2]
    return path.rsplit(".", 1)[0] if "." in path else ""


_WEAK = {"anyOf", "oneOf"}
_KINDS = jsonschema_rs.ValidationErrorKind
# jsonschema-rs error details (`kind.as_dict()`) that say what the schema expected, by error kind: the
# last step of the schema path may be a property's name (`properties/type: false`), not a keyword.
_EXPECTED: dict[type, str] = {
    _KINDS.Required: "property",
    _KINDS.Type: "types",
    _KINDS.Enum: "options",
    _KINDS.Constant: "expected_value",
}


def _relevance(violation: Violation) -> tuple[int, bool, str]:
    """As jsonschema's `best_match` ranks: shallow errors first, union summaries last."""
    return (violation.instance_path.count("/"), violation.keyword in _WEAK, violation.instance_path)


def explain(error: Any) -> Violation:
    """One jsonschema-rs error as a `Violation`; inside a union, the member that fits best explains."""
    if type(error.kind) in _UNIONS:
        error = _best_member_error(error)
    if type(error.kind) is _KINDS.PropertyNames:
        # A key refused by `propertyNames`: its own error (the key, and what its schema expected),
        # located at the object, says it; the wrapper's details are that error again.
        error = error.kind.error
    kind = error.kind
    schema_path, keyword = _schema_location(tuple(error.schema_path))
    if type(kind) is _KINDS.FalseSchema:
        keyword = "false"  # the path ends at the subschema (a property's name, an index), not a keyword
    instance_path, field = _instance_location(tuple(error.instance_path))
    if type(kind) is _KINDS.Required:
        # A missing field says nothing of the value around it: the same place, field and wording is
        # the same Violation, which a list page repeats item after item and page after page.
        message = str(error.message)
        missing = kind.property
        key = (schema_path, instance_path, message, missing)
        known = _MISSING.get(key) if type(missing) is str and len(message) < 200 else None
        if known is None:
            known = Violation(
                instance_path=instance_path,
                schema_path=schema_path,
                keyword=keyword,
                expected=_compact(missing),
                actual="absent",
                message=message if len(message) < 200 else _short.repr(error.instance) + " is invalid",
                field=f"{field}.{missing}" if field else str(missing),
            )
            if type(missing) is str and len(message) < 200:
                if len(_MISSING) >= _MAX_LOCATIONS:
                    _MISSING.clear()
                _MISSING[key] = known
        return known
    attribute = _EXPECTED.get(type(kind))
    # The common kinds carry what was expected as one attribute; `as_dict()` only for the rest.
    expected: Any = getattr(kind, attribute) if attribute else (kind.as_dict() or None)
    actual: Any = error.instance
    if type(kind) is _KINDS.Type and isinstance(expected, list) and len(expected) == 1:
        expected = expected[0]
    message = str(error.message)
    return Violation(
        instance_path=instance_path,
        schema_path=schema_path,
        keyword=keyword,
        expected=_compact(expected),
        actual=_compact(actual),
        message=message if len(message) < 200 else _short.repr(error.instance) + " is invalid",
        field=field,
    )


# Locations as pointers, remembered: the errors of a corpus come from few places in its schemas, and
# a list's items repeat the same paths page after page.
_MISSING: dict[tuple[str, str, str, str], Violation] = {}
_MAX_LOCATIONS = 65_536


@lru_cache(maxsize=_MAX_LOCATIONS)
def _schema_location(path: tuple[Any, ...]) -> tuple[str, str]:
    """(JSON pointer, keyword) of an error's schema path."""
    return pointer(path), str(path[-1]) if path else ""


@lru_cache(maxsize=_MAX_LOCATIONS)
def _instance_location(path: tuple[Any, ...]) -> tuple[str, str]:
    """(JSON pointer, field path) of an error's instance path."""
    return pointer(path), field_path(path)


_UNIONS = frozenset(
    {
        jsonschema_rs.ValidationErrorKind.AnyOf,
        jsonschema_rs.ValidationErrorKind.OneOfNotValid,
        jsonschema_rs.ValidationErrorKind.OneOfMultipleValid,
    }
)


def _best_member_error(error: Any) -> Any:
    """For anyOf/oneOf: the most specific error of the member with the fewest errors (the member the
    value was meant to be: for a discriminated union, the one whose `object` constant matched)."""
    while getattr(error.kind, "context", None):
        members = [m for m in error.kind.context if m]
        if not members:
            break
        fewest = min(members, key=len)
        error = max(fewest, key=lambda e: len(list(e.instance_path)))
    return error


def _compact(value: Any) -> Any:
    """Keep small JSON values as they are; summarize big ones so reports stay readable."""
    if isinstance(value, (dict, list)) and (len(value) > 8 or len(repr(value)) > 120):
        return _short.repr(value)
    if isinstance(value, str) and len(value) > _LONGEST_STRING:
        # A 100 MB string in a body must not become a 100 MB report.
        return f"{value[:_LONGEST_STRING]}… ({len(value):,} characters)"
    return value


_LONGEST_STRING = 200
