"""Servers: the URLs an API (or one operation) is called at, and their variables. A server removed,
or a variable value no longer offered, leaves every client configured with it calling nowhere."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from apidrift.contracts.model import ContractVersion, Operation
from apidrift.contracts.transport import Server, ServerVariable, described
from apidrift.diff.changes import Change, ChangeKind, Rule, Severity, Side
from apidrift.diff.fields import ChangeContext, RuleTable, grade

K, S = ChangeKind, Side
B, W, INFO = Severity.BREAKING, Severity.WARNING, Severity.INFO
FAMILY = "servers"

RULES = (
    Rule(K.SERVER_ADDED, S.OPERATION, INFO, "one more place to call; the old URLs still serve"),
    Rule(K.SERVER_REMOVED, S.OPERATION, B, "clients configured with that URL call nowhere"),
    Rule(
        K.SERVER_VARIABLE_ADDED,
        S.OPERATION,
        INFO,
        "a URL part became a variable whose default keeps the URL clients call",
    ),
    Rule(
        K.SERVER_VARIABLE_REMOVED,
        S.OPERATION,
        B,
        "clients that set it to another value than the old default lose that server (info when it "
        "allowed only its default)",
    ),
    Rule(
        K.SERVER_VARIABLE_NARROWED,
        S.OPERATION,
        B,
        "clients that chose a value no longer listed call a server that is not offered",
    ),
    Rule(K.SERVER_VARIABLE_WIDENED, S.OPERATION, INFO, "more values to choose from; old ones still serve"),
    Rule(
        K.SERVER_VARIABLE_DEFAULT_CHANGED,
        S.OPERATION,
        W,
        "clients that set no value now call another server (another region, version or host)",
    ),
)

Emit = Callable[..., Change]


def document(rules: RuleTable, old: ContractVersion, new: ContractVersion) -> list[Change]:
    """The servers of the whole document (they belong to no operation)."""

    def emit(kind: ChangeKind, path: str, before: Any, after: Any, message: str, **extra: Any) -> Change:
        severity = extra.pop("severity", None) or grade(rules, kind, Side.OPERATION)
        return Change(
            kind=kind,
            severity=severity,
            operation=None,
            side=Side.OPERATION,
            status=None,
            path=path,
            old=before,
            new=after,
            message=message,
        )

    return compare(emit, declared(old), declared(new))


def check(
    rules: RuleTable, old: Operation, new: Operation, versions: tuple[ContractVersion, ...]
) -> list[Change]:
    """An operation's own servers (its path item's or its own), compared with what it used before:
    its own, else the document's. An operation naming none on either side is the document's concern."""
    if not old.servers and not new.servers:
        return []
    ctx = ChangeContext(new, Side.OPERATION, rules)
    return compare(ctx.change, old.servers or declared(versions[0]), new.servers or declared(versions[1]))


def declared(version: ContractVersion) -> tuple[Server, ...]:
    """The version's servers with their variables; plain URLs for contracts written before them."""
    return described(version.servers, version.server_specs)


def compare(emit: Emit, old: tuple[Server, ...], new: tuple[Server, ...]) -> list[Change]:
    """Servers matched by URL as written, else by the URL their defaults make; then their variables.
    Either side documenting none says nothing (OpenAPI's implied `/` is no promise of a host)."""
    if not old or not new:
        return []
    a = {_normal(s.url): s for s in old}
    b = {_normal(s.url): s for s in new}
    pairs = [(a[url], b[url]) for url in a if url in b]
    gone = [a[url] for url in a if url not in b]
    came = [b[url] for url in b if url not in a]
    for before in list(gone):
        after = next((s for s in came if _normal(s.resolved) == _normal(before.resolved)), None)
        if after is not None:
            gone.remove(before)
            came.remove(after)
            pairs.append((before, after))
    changes = [emit(K.SERVER_REMOVED, _where(s), s.url, None, f"server {s.url} removed") for s in gone]
    changes += [emit(K.SERVER_ADDED, _where(s), None, s.url, f"server {s.url} added") for s in came]
    for before, after in pairs:
        changes += _variables(emit, before, after)
    return changes


def _variables(emit: Emit, old: Server, new: Server) -> list[Change]:
    changes = []
    for name in sorted(old.variables.keys() - new.variables.keys()):
        variable = old.variables[name]
        where = f"{_where(new)}.variables.{name}"
        message = f"server {new.url}: variable {name} removed (it was {_text(variable)})"
        # A variable that allowed only its default took no choice away: the URL is what it was.
        only_default = variable.enum is not None and set(variable.enum) <= {variable.default}
        extra = {"severity": INFO} if only_default else {}
        changes.append(emit(K.SERVER_VARIABLE_REMOVED, where, _json(variable), None, message, **extra))
    for name in sorted(new.variables.keys() - old.variables.keys()):
        variable = new.variables[name]
        where = f"{_where(new)}.variables.{name}"
        message = f"server {new.url}: variable {name} added ({_text(variable)})"
        changes.append(emit(K.SERVER_VARIABLE_ADDED, where, None, _json(variable), message))
    for name in sorted(old.variables.keys() & new.variables.keys()):
        before, after = old.variables[name], new.variables[name]
        where = f"{_where(new)}.variables.{name}"
        if before.default != after.default:
            message = (
                f"server {new.url}: variable {name} defaults to {after.default!r}, was {before.default!r}"
            )
            changes.append(
                emit(K.SERVER_VARIABLE_DEFAULT_CHANGED, where, before.default, after.default, message)
            )
        changes += _values(emit, where, f"server {new.url}: variable {name}", before, after)
    return sorted(changes, key=lambda c: (c.path, c.kind.value)) if len(changes) > 1 else changes


def _values(emit: Emit, where: str, label: str, old: ServerVariable, new: ServerVariable) -> list[Change]:
    """The values a variable offers: any (no enum) or those listed."""
    if old.enum == new.enum:
        return []
    before = None if old.enum is None else list(old.enum)
    after = None if new.enum is None else list(new.enum)
    if new.enum is None:
        return [emit(K.SERVER_VARIABLE_WIDENED, where, before, after, f"{label} now takes any value")]
    if old.enum is None:
        message = f"{label} now takes only {list(new.enum)}"
        return [emit(K.SERVER_VARIABLE_NARROWED, where, before, after, message)]
    changes = []
    removed = [v for v in old.enum if v not in new.enum]
    added = [v for v in new.enum if v not in old.enum]
    if removed:
        message = f"{label} no longer offers {removed}"
        changes.append(emit(K.SERVER_VARIABLE_NARROWED, where, before, after, message))
    if added:
        message = f"{label} now also offers {added}"
        changes.append(emit(K.SERVER_VARIABLE_WIDENED, where, before, after, message))
    return changes


def _normal(url: str) -> str:
    """A URL as compared: scheme and host in lower case (they are case-insensitive), no trailing `/`."""
    try:
        parts = urlsplit(url)
    except ValueError:  # an unbalanced `[` (a broken IPv6 host): compared as written
        return url.rstrip("/") or "/"
    if parts.scheme and parts.netloc:
        head = f"{parts.scheme.lower()}://{parts.netloc.lower()}"
        url = head + url[len(head) :]
    return url.rstrip("/") or "/"


def _where(server: Server) -> str:
    return f"servers[{server.url}]"


def _json(variable: ServerVariable) -> dict[str, Any]:
    return {
        "default": variable.default,
        **({"enum": list(variable.enum)} if variable.enum is not None else {}),
    }


def _text(variable: ServerVariable) -> str:
    values = "any value" if variable.enum is None else f"one of {list(variable.enum)}"
    return f"default {variable.default!r}, {values}"
