"""The drift rules of every family in one table, and the page `docs/drift-rules.md` made from it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from types import ModuleType

from apidrift.diff.changes import Change, ChangeKind, Rule, Severity, Side
from apidrift.diff.fields import FieldPair, Walk
from apidrift.diff.policy import DEFAULT_POLICY, DEPRECATED_KEYS, SUNSET_KEYS
from apidrift.diff.rules import (
    annotation,
    bodies,
    composition,
    discriminator,
    encoding,
    headers,
    keywords,
    lifecycle,
    links,
    media,
    operations,
    parameters,
    presence,
    responses,
    security,
    servers,
    style,
    tags,
    webhooks,
    xml,
)

FAMILIES: tuple[ModuleType, ...] = (
    operations,
    parameters,
    style,
    bodies,
    encoding,
    responses,
    headers,
    media,
    links,
    presence,
    keywords,
    annotation,
    composition,
    discriminator,
    xml,
    security,
    servers,
    lifecycle,
    tags,
    webhooks,
)


def _collect() -> dict[tuple[ChangeKind, Side], Rule]:
    table: dict[tuple[ChangeKind, Side], Rule] = {}
    for family in FAMILIES:
        for rule in family.RULES:
            key = (rule.kind, rule.side)
            if key in table:
                raise AssertionError(f"{key} is graded twice ({table[key].family}, {family.FAMILY})")
            table[key] = replace(rule, family=family.FAMILY)
    # Webhook receivers read the payload the API sends: every reader's rule holds for them as well.
    for (kind, side), rule in list(table.items()):
        if side is Side.RESPONSE and kind not in RESPONSE_ONLY and (kind, Side.WEBHOOK) not in table:
            table[(kind, Side.WEBHOOK)] = replace(rule, side=Side.WEBHOOK, why=f"receivers: {rule.why}")
    return table


# Kinds about HTTP responses themselves (statuses, headers, media types), not about a payload.
RESPONSE_ONLY = frozenset(
    {
        ChangeKind.STATUS_ADDED,
        ChangeKind.STATUS_REMOVED,
        ChangeKind.SUCCESS_STATUS_REMOVED,
        ChangeKind.STATUS_BECAME_RANGE,
        ChangeKind.RANGE_BECAME_STATUS,
        *(r.kind for r in headers.RULES),
        *(r.kind for r in media.RULES),
        *(r.kind for r in links.RULES),
    }
)


RULES: Mapping[tuple[ChangeKind, Side], Rule] = _collect()

FieldCheck = Callable[[Walk, FieldPair], list[Change]]
# Asked, in this order, of every field path both versions have.
FIELD_CHECKS: tuple[FieldCheck, ...] = (
    lambda _, pair: presence.required(pair),
    lambda _, pair: keywords.types(pair),
    lambda _, pair: presence.nullability(pair),
    keywords.enums,
    composition.check,
    lambda _, pair: discriminator.check(pair),
    lambda _, pair: keywords.constraints(pair),
    lambda _, pair: annotation.check(pair),
    lifecycle.fields,
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
        "Unions are graded by what a branch brings. A branch of a JSON type the field did not admit",
        "(`string` added to `oneOf: [integer, boolean]`, or `integer` becoming `anyOf: [integer, string]`)",
        "is `type-widened` / `type-narrowed`, one finding; a named branch, or one more or fewer inline",
        "object (inline branches are counted, though each is labelled `object`), is `union-member-added` /",
        "`union-member-removed`, and a type becoming `oneOf: [itself, Other]` gains one branch. The fields",
        "of a branch that came or went are the branch's, not fields added to or removed from a value that",
        "still comes, and so are the fields below them, its discriminating constant (a new `type: shell`",
        "is not also `enum-values-added` on `type`) and, where the branch is a union itself, its own",
        "branches. A branch of a branch both versions have that came or went is the field's own",
        "`union-member-added` / `-removed`. Two branches with the same single discriminating constant",
        "are one branch renamed (`schema-renamed`, with that evidence), whose field changes are",
        "reported. A branch that moved into a named union one level down neither came nor went. The items",
        "or fields of a type that came or went (`string` becoming `oneOf: [string, array]`) are that",
        "type change's, and a bound applies only to its own types: a closed object (`additionalProperties:",
        "false`) added beside a string narrows no string.",
        "",
        "Also read by the one principle: a media type documented as its range (`application/json` as",
        "`application/*`) is `media-type-widened`, back `media-type-narrowed`, its parameters alone",
        "(`; charset=utf-8`) `media-type-parameters-changed`; a status documented as its range (`200` as",
        "`2XX`) is `status-became-range`, and its body is still compared. A pattern every string matches",
        "(`.*`) is no pattern. The default of a required request field or parameter never applies, so",
        "changing it is info, as is a default documented for the first time (what the server did without",
        "it is not known to have changed). A query parameter's `allowEmptyValue` or `allowReserved` taken",
        "back refuses or misreads what old calls sent.",
        "",
        "What a document leaves unsaid is read as OpenAPI and JSON Schema read it. A schema that says",
        "nothing (`{}`, or no body schema) admits every value: given a `type`, it narrows (`type-narrowed`),",
        "while one that leaves `type` out but says more (`properties`, bounds) gains its type silently;",
        "`schema: true` is no schema, and `schema: false` bounds a body like `items: false`. A schema",
        "becoming `false` (or `not: {}`), or ceasing to, is one change at its node: what either version",
        "declares below it is no change of its own, and a body or property no reader ever received",
        "becoming possible is info (an array's elements or a map's entries are not: the container grows).",
        "Bounds beside an `allOf` and in each part hold together (the tightest counts, enums intersect,",
        "steps combine, and every part's `pattern` and `format` must hold: one more narrows), and",
        "trailing `prefixItems` that repeat `items` bound nothing more. An operation with no",
        "`security` in a",
        "document that defines schemes asks for none, as `security: []` does; a document defining none",
        "says nothing of it.",
        "Operations of one method and path shape (`/pet/{id}` beside `/pet/{name}`) are matched by path,",
        "then operationId, and an id apidrift derives from the path (no `operationId`) is never renamed.",
        "",
        "Servers are matched by URL (scheme and host in any case, a trailing `/` left out), else by the",
        "URL their variables' defaults make, so a host part that became a variable whose default keeps",
        "it is `server-variable-added`. A path item's or operation's `servers` replace the document's for",
        "that operation and are compared with what it used before; a side documenting no servers says",
        "nothing. A request body's `encoding` is compared part by part for every media type both",
        "versions document: a part's `contentType` (a list or a range: narrowed when a type it took is",
        "no longer covered; left out, the one OpenAPI derives from the part's schema), its headers, and,",
        "for `application/x-www-form-urlencoded` only (multipart ignores them), `style`, `explode` and",
        "`allowReserved`. The `xml` keyword is read only in XML media types (`*/xml`, `*+xml`): an",
        "element's name (a property's name when it states none), namespace, prefix, and whether it is an",
        "attribute or a wrapped array.",
        "",
        "## Lifecycle policy",
        "",
        "Removing a live operation is `operation-removed` (breaking), a live query or header parameter",
        "`param-removed` (warning) and a live response field `field-removed` (breaking). Removing one that",
        "clients were warned about is `deprecated-operation-removed`, `deprecated-param-removed` or",
        "`deprecated-field-removed`, graded by `LifecyclePolicy` from what the old version said of it:",
        "",
        "| the old version said | policy setting | default |",
        "|---|---|---|",
        f"| deprecated, no sunset date | `deprecated_removal` | {DEFAULT_POLICY.deprecated_removal.value} |",
        f"| a sunset date that has passed | `after_sunset` | {DEFAULT_POLICY.after_sunset.value} |",
        f"| a sunset date still ahead | `before_sunset` | {DEFAULT_POLICY.before_sunset.value} |",
        "",
        "A removal is never graded worse than removing the same thing live (a deprecated parameter",
        "removed before its sunset stays a warning). Sunsets are judged against the new version's date,",
        "else today (UTC), or `LifecyclePolicy.today`. Senders' rules do not change: a deprecated request",
        "field removed stays info.",
        "",
        "What counts, on operations, parameters (the Parameter Object) and schema fields alike:",
        "`deprecated: true`, or any of the `deprecated_keys` extensions set (default "
        + ", ".join(f"`{k}`" for k in DEPRECATED_KEYS)
        + ") marks it deprecated; the first of the `sunset_keys` extensions found (default "
        + ", ".join(f"`{k}`" for k in SUNSET_KEYS)
        + ") is its sunset date. The importer keeps every lifecycle-like `x-` extension (its name",
        "speaks of deprecation, sunset, removal, retirement, stability, stage, maturity or lifecycle) in",
        "the contract, so other names are read without importing again. A sunset is an ISO 8601 date",
        "(or date-time) or an HTTP-date as the `Sunset` header writes it (RFC 8594,",
        "`Sat, 01 Jan 2022 00:00:00 GMT`); one that is neither says no more than `deprecated`, and moving",
        "it to or from such a value is a `sunset-changed` warning. A field or parameter becoming",
        "deprecated is `field-deprecated` / `param-deprecated` (info), and back `field-undeprecated` /",
        "`param-undeprecated` (info).",
        "",
        "Configure it with `apidrift diff --deprecated-removal SEVERITY --after-sunset SEVERITY",
        "--before-sunset SEVERITY --sunset-key NAME --deprecated-key NAME` (the key options repeat and",
        "replace the defaults), the same keys under `[tool.apidrift.diff]` in `pyproject.toml` or `[diff]`",
        'in `apidrift.toml` (`sunset-key = ["x-retire-on"]`), or',
        "`diff_versions(..., policy=LifecyclePolicy(...))`.",
        "",
    ]
    return "\n".join(lines)
