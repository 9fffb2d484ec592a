"""Media types of request and response bodies: added, removed, renamed (same schema under another
type), widened to a range or narrowed from one, their parameters changed; and the schema of every
media type both versions document."""

from __future__ import annotations

from dataclasses import replace

from apidrift.contracts.model import JSONSchema
from apidrift.diff.changes import Change, ChangeKind, Rule, Severity, Side
from apidrift.diff.fields import ChangeContext, Walk, directional, prefixed

K, S = ChangeKind, Side
B, W, INFO = Severity.BREAKING, Severity.WARNING, Severity.INFO
FAMILY = "media types"
Media = dict[str, JSONSchema | None]

RULES = (
    Rule(K.MEDIA_TYPE_ADDED, S.REQUEST, INFO, "old bodies are still accepted"),
    Rule(K.MEDIA_TYPE_REMOVED, S.REQUEST, B, "senders using it are refused"),
    Rule(K.MEDIA_TYPE_RENAMED, S.REQUEST, B, "senders label their bodies with the old type"),
    Rule(K.MEDIA_TYPE_ADDED, S.RESPONSE, W, "readers may receive a type they cannot parse"),
    Rule(K.MEDIA_TYPE_REMOVED, S.RESPONSE, B, "readers asking for it no longer get it"),
    Rule(K.MEDIA_TYPE_RENAMED, S.RESPONSE, B, "readers check for the old Content-Type"),
    # `application/json` documented as `application/*` (widened) or back (narrowed): one principle.
    *directional(
        K.MEDIA_TYPE_NARROWED,
        K.MEDIA_TYPE_WIDENED,
        "media type range (application/json <-> application/*)",
        sides=(S.REQUEST, S.RESPONSE),
    ),
    *(
        Rule(K.MEDIA_TYPE_PARAMETERS_CHANGED, side, INFO, "the same type and subtype (charset, version ...)")
        for side in (S.REQUEST, S.RESPONSE)
    ),
)
# A webhook's payload is sent by the API and read by its receivers: graded as a response is.
RULES = (
    *RULES,
    *(replace(r, side=S.WEBHOOK, why=f"receivers: {r.why}") for r in RULES if r.side is S.RESPONSE),
)


def check(walk: Walk, ctx: ChangeContext, old: Media, new: Media, primary: str | None) -> list[Change]:
    """Media types that came, went or were renamed; then the schemas of the shared ones other than
    `primary` (the one whose schema the caller compares at the body's root)."""
    if not old or not new:
        return []  # a body added or removed whole is the body rule's to report
    changes = []
    gone, came = sorted(old.keys() - new.keys()), sorted(new.keys() - old.keys())
    renamed: set[str] = set()
    for before, after, kind in _related(gone, came):
        renamed |= {before, after}
        changes.append(ctx.change(kind, after, before, after, f"media type {before} is now {after}"))
        if not walk.unchanged(old[before], new[after]):
            old_shapes = prefixed(walk.flatten("old", old[before]), after)
            new_shapes = prefixed(walk.flatten("new", new[after]), after)
            changes += walk.compare(ctx, old_shapes, new_shapes, root=after)
    for before in gone:
        if before in renamed:
            continue
        same = [after for after in came if after not in renamed and new[after] == old[before]]
        if same:
            after = same[0]
            renamed |= {before, after}
            message = f"media type {before} is now {after} (same schema)"
            evidence = ("the schema is identical", "the only difference is the media type")
            changes.append(
                ctx.change(
                    K.MEDIA_TYPE_RENAMED, after, before, after, message, confidence=0.9, evidence=evidence
                )
            )
    for media_type in gone:
        if media_type not in renamed:
            changes.append(
                ctx.change(
                    K.MEDIA_TYPE_REMOVED, media_type, media_type, None, f"media type {media_type} removed"
                )
            )
    for media_type in came:
        if media_type not in renamed:
            changes.append(
                ctx.change(K.MEDIA_TYPE_ADDED, media_type, None, media_type, f"media type {media_type} added")
            )
    for media_type in sorted(old.keys() & new.keys()):
        if media_type == primary or walk.unchanged(old[media_type], new[media_type]):
            continue
        old_shapes = prefixed(walk.flatten("old", old[media_type]), media_type)
        new_shapes = prefixed(walk.flatten("new", new[media_type]), media_type)
        changes += walk.compare(ctx, old_shapes, new_shapes, root=media_type)
    return changes


def _related(gone: list[str], came: list[str]) -> list[tuple[str, str, ChangeKind]]:
    """Media types that went and came as one: the same type with other parameters, or a range that
    covers the other (`application/*` over `application/json`, `*/*` over anything)."""
    out, used = [], set()
    for before in gone:
        for after in came:
            if after in used:
                continue
            kind = _relation(_essence(before), _essence(after))
            if kind is not None:
                used.add(after)
                out.append((before, after, kind))
                break
    return out


def _essence(media_type: str) -> tuple[str, str]:
    """(type, subtype) of a media type, lower case, its parameters left out."""
    kind, _, subtype = media_type.split(";", 1)[0].strip().lower().partition("/")
    return kind, subtype


def _covers(wide: tuple[str, str], narrow: tuple[str, str]) -> bool:
    return wide == ("*", "*") or (wide[0] == narrow[0] and wide[1] == "*")


def _relation(old: tuple[str, str], new: tuple[str, str]) -> ChangeKind | None:
    if old == new:
        return K.MEDIA_TYPE_PARAMETERS_CHANGED
    if _covers(new, old):
        return K.MEDIA_TYPE_WIDENED
    if _covers(old, new):
        return K.MEDIA_TYPE_NARROWED
    return None
