"""The Python `jsonschema` validator on the one regex engine (`check/patterns.py`): the simulator's
explaining path. Apart from `patterns` so that importing the engine never imports `jsonschema`."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from functools import partial
from typing import Any, Final, cast

from jsonschema import Draft202012Validator, FormatChecker, ValidationError
from jsonschema.validators import extend

from apidrift.check.openapi_view import FORMATS
from apidrift.check.patterns import search

# --- the same engine for the Python `jsonschema` validator (the simulator's explaining path) ------


def _pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[ValidationError]:
    if validator.is_type(instance, "string") and search(pattern, instance) is False:
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _pattern_properties(
    validator: Any, patterns: dict[str, Any], instance: Any, schema: Any
) -> Iterator[ValidationError]:
    if not validator.is_type(instance, "object"):
        return
    for pattern, subschema in patterns.items():
        for name, value in instance.items():
            if search(pattern, name):
                yield from validator.descend(value, subschema, path=name, schema_path=pattern)


_ADDITIONAL: Final = Draft202012Validator.VALIDATORS["additionalProperties"]


def _additional_properties(validator: Any, allowed: Any, instance: Any, schema: Any) -> Iterator[Any]:
    patterns = schema.get("patternProperties") or {}
    if not patterns:  # jsonschema's own code only consults `re` for patternProperties
        yield from _ADDITIONAL(validator, allowed, instance, schema)
        return
    if not validator.is_type(instance, "object") or any(search(p, "") is None for p in patterns):
        return  # what is "additional" depends on a pattern the engine cannot run: skipped
    declared = schema.get("properties", {})
    extras = [k for k in instance if k not in declared and not any(search(p, k) for p in patterns)]
    if validator.is_type(allowed, "object"):
        for extra in extras:
            yield from validator.descend(instance[extra], allowed, path=extra)
    elif allowed is False and extras:
        listed = ", ".join(repr(e) for e in sorted(extras))
        yield ValidationError(f"{listed} do not match any of the regexes: {', '.join(map(repr, patterns))}")


def _openapi_formats() -> FormatChecker:
    """OpenAPI's data-type formats asserted as the compiled path asserts them (`openapi_view.FORMATS`):
    the simulator and the fuzzer judge a value as `check` does."""
    checker = FormatChecker(formats=())
    for name, asserted in FORMATS.items():
        checker.checks(name)(_holds(asserted))
    return checker


def _holds(asserted: Mapping[str, Any]) -> Callable[[object], bool]:
    low, high, pattern = asserted.get("minimum"), asserted.get("maximum"), asserted.get("pattern")

    def check(instance: object) -> bool:
        if isinstance(instance, str) and pattern is not None:
            return search(pattern, instance) is not False
        if isinstance(instance, (int, float)) and not isinstance(instance, bool) and low is not None:
            return bool(low <= instance <= high)  # type: ignore[operator]
        return True

    return check


# `extend` has no annotations in types-jsonschema; the class it returns is a Draft 2020-12 validator.
_Linear: Final[Any] = cast(Any, extend)(
    Draft202012Validator,
    {
        "pattern": _pattern,
        "patternProperties": _pattern_properties,
        "additionalProperties": _additional_properties,
    },
)
# Formats are asserted only when a validator is given a checker (JSON Schema makes them annotations).
LinearValidator: Final[Any] = partial(_Linear, format_checker=_openapi_formats())
