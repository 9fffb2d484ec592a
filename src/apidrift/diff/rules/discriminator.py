"""Discriminators: the property a oneOf/anyOf names its branch by, and the value naming each branch.
Generated SDKs pick the model by them, so a new property name breaks both ends; values are graded by
direction like enum values (a new one widens what readers may meet)."""

from __future__ import annotations

from typing import Any

from apidrift.diff.changes import Change, ChangeKind, Rule, Severity
from apidrift.diff.fields import READ, SEND, FieldPair, directional

K = ChangeKind
FAMILY = "discriminators"
KEY = "x-discriminator"  # where the importer keeps an OpenAPI `discriminator`

RULES = (
    *(
        Rule(
            K.DISCRIMINATOR_CHANGED,
            side,
            Severity.BREAKING,
            "the branch is named by another property: senders and readers look at the old one",
        )
        for side in (*READ, *SEND)
    ),
    *(
        Rule(kind, side, Severity.INFO, f"the values are the same; SDKs {how}")
        for kind, how in (
            (K.DISCRIMINATOR_ADDED, "may now pick the branch by it"),
            (K.DISCRIMINATOR_REMOVED, "pick the branch by matching it instead"),
        )
        for side in (*READ, *SEND)
    ),
    *directional(
        K.DISCRIMINATOR_VALUES_REMOVED,
        K.DISCRIMINATOR_VALUES_ADDED,
        "discriminator values",
        reader_harm=Severity.WARNING,
    ),
)


def check(pair: FieldPair) -> list[Change]:
    old, new = _read(pair.old.annotations), _read(pair.new.annotations)
    had, has = _has(pair.old.annotations), _has(pair.new.annotations)
    if had != has:
        kind = K.DISCRIMINATOR_ADDED if has else K.DISCRIMINATOR_REMOVED
        prop = (new or old or ("?", {}))[0]
        message = f"{pair.label} {'now names' if has else 'no longer names'} its branch by {prop!r}"
        return [pair.change(kind, old and old[0], new and new[0], message)]
    if old is None or new is None or old == new:
        return []
    (prop_a, map_a), (prop_b, map_b) = old, new
    if prop_a != prop_b:
        message = f"{pair.label} discriminator property {prop_a!r} -> {prop_b!r}"
        return [pair.change(K.DISCRIMINATOR_CHANGED, prop_a, prop_b, message)]
    out = []
    gone = sorted(k for k in map_a if k not in map_b or map_a[k] != map_b[k])
    came = sorted(k for k in map_b if k not in map_a or map_a[k] != map_b[k])
    if gone:
        message = f"{pair.label} {prop_b} no longer names {', '.join(f'{k}: {map_a[k]}' for k in gone)}"
        out.append(pair.change(K.DISCRIMINATOR_VALUES_REMOVED, dict(map_a), dict(map_b), message))
    if came:
        message = f"{pair.label} {prop_b} now names {', '.join(f'{k}: {map_b[k]}' for k in came)}"
        out.append(pair.change(K.DISCRIMINATOR_VALUES_ADDED, dict(map_a), dict(map_b), message))
    return out


def _read(annotations: tuple[tuple[str, Any], ...]) -> tuple[str, dict[str, str]] | None:
    """(property, {value: schema}) of the field's discriminator, from its hashable form; None when it
    has none or several differing ones."""
    values = [v for k, v in annotations if k == KEY]
    if len(values) != 1 or not isinstance(values[0], tuple):
        return None
    found = dict(values[0])
    prop, mapping = found.get("propertyName"), found.get("mapping", ())
    if not isinstance(prop, str) or not isinstance(mapping, tuple):
        return None
    return prop, {str(k): str(v) for k, v in mapping}


def _has(annotations: tuple[tuple[str, Any], ...]) -> bool:
    return any(k == KEY for k, _ in annotations)
