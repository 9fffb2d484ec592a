"""Operation tags: an operation filed under another OpenAPI tag. Nothing on the wire changes, but
generated SDKs group methods by tag (`client.pets.list`), and a `--tag` filter selects by it."""

from __future__ import annotations

from apidrift.contracts.model import Operation
from apidrift.diff.changes import Change, ChangeKind, Rule, Severity, Side
from apidrift.diff.fields import RuleTable
from apidrift.diff.rules.operations import operation_change

K = ChangeKind
FAMILY = "tags"

RULES = (
    Rule(K.TAG_ADDED, Side.OPERATION, Severity.INFO, "the HTTP call is the same; SDKs may group it anew"),
    Rule(K.TAG_REMOVED, Side.OPERATION, Severity.INFO, "the HTTP call is the same; SDKs may move the method"),
)


def check(rules: RuleTable, old: Operation, new: Operation) -> list[Change]:
    if old.tags == new.tags:
        return []
    before, after = set(old.tags), set(new.tags)
    changes = []
    for tag in [t for t in old.tags if t not in after]:
        changes.append(operation_change(rules, K.TAG_REMOVED, new, f"tag {tag!r} removed", path=tag, old=tag))
    for tag in [t for t in new.tags if t not in before]:
        changes.append(operation_change(rules, K.TAG_ADDED, new, f"tag {tag!r} added", path=tag, new=tag))
    return changes
