"""Security: the alternatives that authenticate an operation and their scopes, and the schemes a
version defines."""

from __future__ import annotations

from typing import Any

from apidrift.contracts.model import ContractVersion, Operation, SecurityRequirement
from apidrift.diff.changes import Change, ChangeKind, Rule, Severity, Side
from apidrift.diff.fields import ChangeContext, RuleTable, grade

K, S = ChangeKind, Side
B, INFO = Severity.BREAKING, Severity.INFO
FAMILY = "security"
ANONYMOUS = "(no authentication)"

RULES = (
    Rule(
        K.SECURITY_ALTERNATIVE_ADDED, S.OPERATION, INFO, "one more way to authenticate; old ones still work"
    ),
    Rule(
        K.SECURITY_ALTERNATIVE_REMOVED,
        S.OPERATION,
        B,
        "callers authenticating that way are refused (info when the operation needs no authentication now)",
    ),
    Rule(
        K.SECURITY_ALTERNATIVE_RENAMED,
        S.OPERATION,
        Severity.WARNING,
        "credentials travel as before; the scheme's name, which SDKs may expose, changed",
    ),
    Rule(K.SECURITY_SCOPES_ADDED, S.OPERATION, B, "tokens without the new scopes are refused"),
    Rule(K.SECURITY_SCOPES_REMOVED, S.OPERATION, INFO, "old tokens still carry enough"),
    Rule(K.SECURITY_SCHEME_ADDED, S.OPERATION, INFO, "nothing uses it yet"),
    Rule(K.SECURITY_SCHEME_REMOVED, S.OPERATION, B, "callers using it cannot authenticate"),
    Rule(K.SECURITY_SCHEME_CHANGED, S.OPERATION, B, "credentials are sent another way"),
)


def label(requirement: SecurityRequirement) -> str:
    return " + ".join(sorted(requirement)) or ANONYMOUS


def documented(operation: Operation, schemes: dict[str, Any]) -> tuple[SecurityRequirement, ...] | None:
    """The operation's security requirements; where neither it nor its document names any, none
    (`security: []`) when the document defines schemes (it knows of them and asks for none here),
    else None: a document silent on security says nothing of it."""
    if operation.security is None and schemes:
        return ()
    return operation.security


def check(
    rules: RuleTable, old: Operation, new: Operation, schemes: tuple[dict[str, Any], dict[str, Any]]
) -> list[Change]:
    """Alternatives removed, added or renamed (same scheme definitions under other names), scopes."""
    required_old, required_new = documented(old, schemes[0]), documented(new, schemes[1])
    if required_old is None or required_new is None:
        return []  # not documented on one side: nothing to compare
    ctx = ChangeContext(new, Side.OPERATION, rules)
    # `security: []` asks for no authentication: the same as the one anonymous alternative `{}`.
    a = {label(r): r for r in required_old or ({},)}
    b = {label(r): r for r in required_new or ({},)}
    changes = []
    for before, after in _renamed(a, b, schemes):
        message = f"authentication by {before} is now by {after}, defined the same way"
        definition = "; ".join(repr(schemes[1].get(n)) for n in sorted(b[after]))
        changes.append(
            ctx.change(
                K.SECURITY_ALTERNATIVE_RENAMED,
                "security",
                before,
                after,
                message,
                confidence=0.9,
                evidence=(f"same scheme definitions: {definition}", "same scopes"),
            )
        )
        a[after] = a.pop(before)  # compared as one alternative from here on (scopes keyed by new name)
        a[after] = {
            n_new: a[after][n_old] for n_old, n_new in zip(sorted(a[after]), sorted(b[after]), strict=True)
        }
    for name in sorted(a.keys() - b.keys()):
        message = f"authentication by {name} removed"
        # Where no authentication is needed any more, a caller still sending credentials is not refused.
        open_now = ANONYMOUS in b
        changes.append(
            ctx.change(
                K.SECURITY_ALTERNATIVE_REMOVED,
                "security",
                name,
                None,
                message + ("; the operation needs none now" if open_now else ""),
                **({"severity": Severity.INFO} if open_now else {}),
            )
        )
    for name in sorted(b.keys() - a.keys()):
        changes.append(
            ctx.change(
                K.SECURITY_ALTERNATIVE_ADDED, "security", None, name, f"authentication by {name} added"
            )
        )
    for name in sorted(a.keys() & b.keys()):
        for scheme in sorted(a[name]):
            had, has = set(a[name][scheme]), set(b[name].get(scheme, ()))
            where = f"security {scheme}"
            if has - had:
                message = f"{scheme} now needs scopes {sorted(has - had)}"
                changes.append(ctx.change(K.SECURITY_SCOPES_ADDED, where, sorted(had), sorted(has), message))
            if had - has:
                message = f"{scheme} no longer needs scopes {sorted(had - has)}"
                changes.append(
                    ctx.change(K.SECURITY_SCOPES_REMOVED, where, sorted(had), sorted(has), message)
                )
    return changes


def _renamed(
    a: dict[str, SecurityRequirement],
    b: dict[str, SecurityRequirement],
    schemes: tuple[dict[str, Any], dict[str, Any]],
) -> list[tuple[str, str]]:
    """Removed and added alternatives whose schemes are defined identically, with the same scopes."""

    def transport(requirement: SecurityRequirement, defined: dict[str, Any]) -> tuple[str, ...] | None:
        if not requirement or any(name not in defined for name in requirement):
            return None
        return tuple(sorted(repr((defined[n], sorted(requirement[n]))) for n in requirement))

    pairs, used = [], set()
    for before in sorted(a.keys() - b.keys()):
        old_transport = transport(a[before], schemes[0])
        for after in sorted(b.keys() - a.keys()):
            if after not in used and old_transport and old_transport == transport(b[after], schemes[1]):
                pairs.append((before, after))
                used.add(after)
                break
    return pairs


def schemes(rules: RuleTable, old: ContractVersion, new: ContractVersion) -> list[Change]:
    """Security schemes of the whole version (they belong to no operation)."""
    a, b = old.security_schemes, new.security_schemes
    changes = []
    for name in sorted(a.keys() - b.keys()):
        changes.append(
            _version_change(
                rules, K.SECURITY_SCHEME_REMOVED, name, a[name], None, f"security scheme {name} removed"
            )
        )
    for name in sorted(b.keys() - a.keys()):
        changes.append(
            _version_change(
                rules, K.SECURITY_SCHEME_ADDED, name, None, b[name], f"security scheme {name} added"
            )
        )
    for name in sorted(a.keys() & b.keys()):
        if _wire(a[name]) != _wire(b[name]):
            message = f"security scheme {name} changed"
            changes.append(_version_change(rules, K.SECURITY_SCHEME_CHANGED, name, a[name], b[name], message))
    return changes


def _wire(scheme: Any) -> Any:
    """What of a scheme decides how credentials are sent: not its description or extensions, and an
    OAuth flow's scopes by name only (their descriptions are documentation; which scopes an
    operation needs is compared on the operation)."""
    if not isinstance(scheme, dict):
        return scheme
    scheme = {k: v for k, v in scheme.items() if k != "description" and not str(k).startswith("x-")}
    if isinstance(scheme.get("scheme"), str):
        scheme["scheme"] = scheme["scheme"].lower()  # HTTP auth schemes are case-insensitive (RFC 9110)
    flows = scheme.get("flows")
    if not isinstance(flows, dict):
        return scheme
    plain = {}
    for kind, flow in flows.items():
        if isinstance(flow, dict):
            plain[kind] = {k: v for k, v in flow.items() if k != "scopes"}
        else:
            plain[kind] = flow
    return {**scheme, "flows": plain}


def _version_change(
    rules: RuleTable, kind: ChangeKind, name: str, old: Any, new: Any, message: str
) -> Change:
    return Change(
        kind=kind,
        severity=grade(rules, kind, Side.OPERATION),
        operation=None,
        side=Side.OPERATION,
        status=None,
        path=f"securitySchemes.{name}",
        old=old,
        new=new,
        message=message,
    )
