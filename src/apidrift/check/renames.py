"""Rename evidence: how alike two field names are, and pairing removed fields with added ones."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

# How alike two spellings must be (difflib ratio) to count as evidence.
SPELLING = 0.6
_TOKEN = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")


def tokens(name: str) -> list[str]:
    """`api_key_id` -> [api, key, id]; `createdAt` -> [created, at]."""
    return [t.lower() for t in _TOKEN.findall(name)]


def _singular(token: str) -> str:
    if token.endswith("ies") and len(token) > 4:
        return token[:-3] + "y"
    if token.endswith("s") and not token.endswith("ss") and len(token) > 3:
        return token[:-1]
    return token


def name_similarity(old: str, new: str) -> tuple[float, list[str]]:
    """A score in [0, 1] with the evidence behind it (plural/singular, affixes, shared tokens)."""
    score, evidence = _similarity(old, new)
    return score, list(evidence)


@lru_cache(maxsize=65536)
def _similarity(old: str, new: str) -> tuple[float, tuple[str, ...]]:
    # Cached: a diff scores the same pairs of names for every operation that shares them.
    score, evidence = _score(old, new)
    return score, tuple(evidence)


def _score(old: str, new: str) -> tuple[float, list[str]]:
    if old == new:
        return 1.0, ["same name"]
    a, b = [_singular(t) for t in tokens(old)], [_singular(t) for t in tokens(new)]
    evidence = []
    if a == b:
        return 0.95, [f"plural/singular of the same name ({old} / {new})"]
    score = 0.0
    if a and b and (a == b[-len(a) :] or b == a[-len(b) :]):
        score = max(score, 0.85)
        evidence.append("one name is the other with a prefix")
    if a and b and (a == b[: len(a)] or b == a[: len(b)]):
        score = max(score, 0.75)
        evidence.append("one name is the other with a suffix")
    shared = set(a) & set(b)
    if shared:
        jaccard = len(shared) / len(set(a) | set(b))
        score = max(score, 0.3 + 0.5 * jaccard)
        evidence.append(f"shared tokens {sorted(shared)}")
    matcher = SequenceMatcher(None, old, new)
    # quick_ratio bounds ratio from above and is far cheaper: most pairs of names stop there.
    ratio = matcher.ratio() if matcher.quick_ratio() >= SPELLING else 0.0
    if ratio >= SPELLING:
        score = max(score, ratio * 0.8)
        evidence.append(f"spelling {ratio:.2f} alike")
    return round(min(score, 0.99), 2), evidence


@dataclass(frozen=True, slots=True)
class RenamePair:
    """A removed field and an added one that are probably the same field under a new name."""

    old: str
    new: str
    confidence: float
    evidence: tuple[str, ...]


def parent_of(path: str) -> str:
    if path.endswith("[]"):
        return path[:-2]
    return path.rsplit(".", 1)[0] if "." in path else ""


def leaf_of(path: str) -> str:
    return path.rsplit(".", 1)[-1]


# The most (removed, added) pairs weighed under one parent: a body with thousands of undocumented
# fields where thousands are missing would otherwise cost millions of name comparisons per response.
MAX_PAIRS_PER_PARENT = 10_000


def pair_renames(
    removed: Sequence[tuple[str, str]], added: Sequence[tuple[str, str]], threshold: float = 0.5
) -> list[RenamePair]:
    """Pair `(path, json_type)` fields removed and added under the same parent, most alike first.

    A pair needs compatible types and some name evidence; a lone removed/added pair under one
    parent with the same type is accepted on weaker name evidence, since little else explains it.
    Under a parent with more than `MAX_PAIRS_PER_PARENT` candidate pairs nothing is paired (no
    name is a likelier rename than the others there, and weighing them all is unbounded work).
    """
    if not removed or not added:
        return []
    olds: dict[str, list[tuple[str, str]]] = {}
    news: dict[str, list[tuple[str, str]]] = {}
    for path, kind in removed:
        olds.setdefault(parent_of(path), []).append((path, kind))
    for path, kind in added:
        news.setdefault(parent_of(path), []).append((path, kind))
    candidates = []
    for parent, gone in olds.items():
        came = news.get(parent, [])
        if len(gone) * len(came) > MAX_PAIRS_PER_PARENT:
            continue
        lone = len(gone) == len(came) == 1
        for old, old_type in gone:
            for new, new_type in came:
                if not _compatible(old_type, new_type):
                    continue
                score, evidence = name_similarity(leaf_of(old), leaf_of(new))
                if lone and old_type == new_type and score >= 0.3:
                    score = max(score, 0.6)
                    evidence = [*evidence, "the only field removed and the only one added here, same type"]
                if score >= threshold:
                    candidates.append(RenamePair(old, new, score, (*evidence, f"same type {new_type}")))
    pairs, used = [], set()
    for pair in sorted(candidates, key=lambda p: -p.confidence):
        if pair.old not in used and pair.new not in used:
            pairs.append(pair)
            used |= {pair.old, pair.new}
    return pairs


def _compatible(a: str, b: str) -> bool:
    numeric = {"integer", "number"}
    sa = {t for t in a.split("|") if t} - {"null"}
    sb = {t for t in b.split("|") if t} - {"null"}
    return not sa or not sb or bool(sa & sb) or (sa | sb) <= numeric
