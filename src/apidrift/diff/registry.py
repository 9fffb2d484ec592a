"""The drift rules of every family in one table, and the page `docs/drift-rules.md` made from it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from types import ModuleType

from apidrift.diff.changes import Change, ChangeKind, Rule, Severity, Side
from apidrift.diff.fields import FieldPair, Walk
from apidrift.diff.rules import (
    annotation,
    bodies,
    composition,
    keywords,
    lifecycle,
    operations,
    parameters,
    presence,
    responses,
)

FAMILIES: tuple[ModuleType, ...] = (
    operations,
    parameters,
    bodies,
    responses,
    presence,
    keywords,
    annotation,
    composition,
    lifecycle,
)


def _collect() -> dict[tuple[ChangeKind, Side], Rule]:
    table: dict[tuple[ChangeKind, Side], Rule] = {}
    for family in FAMILIES:
        for rule in family.RULES:
            key = (rule.kind, rule.side)
            if key in table:
                raise AssertionError(f"{key} is graded twice ({table[key].family}, {family.FAMILY})")
            table[key] = replace(rule, family=family.FAMILY)
    return table


RULES: Mapping[tuple[ChangeKind, Side], Rule] = _collect()

FieldCheck = Callable[[Walk, FieldPair], list[Change]]
# Asked, in this order, of every field path both versions have.
FIELD_CHECKS: tuple[FieldCheck, ...] = (
    lambda _, pair: presence.required(pair),
    lambda _, pair: keywords.types(pair),
    lambda _, pair: presence.nullability(pair),
    lambda _, pair: keywords.enums(pair),
    composition.check,
    lambda _, pair: keywords.constraints(pair),
    lambda _, pair: annotation.check(pair),
    lambda _, pair: lifecycle.fields(pair),
    lambda _, pair: presence.description(pair),
)


def severity_of(kind: ChangeKind, side: Side, *, required: bool = False) -> Severity:
    rule = RULES[(kind, side)]
    return rule.if_required if required and rule.if_required is not None else rule.severity


def rules_markdown() -> str:
    """The severity rules as the Markdown table of `docs/drift-rules.md` (kept in sync by a test)."""
    lines = [
        "# Drift rules",
        "",
        "How `apidrift diff` grades each change, by where it sits: a client *reading responses*, a client",
        "*sending requests* (bodies), or *calling* an operation (parameters). Generated from",
        "`apidrift.diff.registry.RULES`, which collects the rules of each family module in",
        "`src/apidrift/diff/rules/`; `tests/unit/test_changes.py` fails when this page and the code",
        "disagree.",
        "",
        "One principle grades every bound, type, enum and union by direction: a request or parameter",
        "schema that now refuses values it accepted breaks senders (*narrowed*); a response schema that",
        "now admits values it excluded can break readers (*widened*). Where the direction cannot be",
        "decided statically (two unrelated patterns, say), the change is a warning that says why.",
        "",
        f"{len(RULES)} rules over {len({k for k, _ in RULES})} kinds.",
        "",
        "| kind | side | severity | why | family |",
        "|---|---|---|---|---|",
    ]
    for (kind, side), rule in RULES.items():
        severity = rule.severity.value + (
            f" ({rule.if_required.value} when required)" if rule.if_required else ""
        )
        lines.append(f"| `{kind.value}` | {side.value} | {severity} | {rule.why} | {rule.family} |")
    lines += [
        "",
        "Dropping an enum (`type-changed` from an enum to its plain type) is graded as `enum-values-added`:",
        "old values still fit, so senders are safe and readers may meet new values.",
        "Renames (`field-renamed`, `path-param-renamed`, `schema-renamed`) carry a `confidence` from 0 to 1",
        "and the evidence behind it (plural/singular, prefixes, shared tokens, spelling, identical shape);",
        "weak pairs stay a removal plus an addition. A new oneOf/anyOf branch is `union-member-added`, never",
        "a rename. `description-changed` is cosmetic and only listed with `--include-cosmetic`.",
        "",
    ]
    return "\n".join(lines)
