"""Conformance with peers' corpora: small base/revision spec pairs in the spirit of oasdiff's and
openapi-diff's checker tests (some verbatim, see tests/fixtures/peer_corpus/README.md). Each pair
states the changes apidrift must report in each direction, with their severity; nothing it reports
may be graver than the gravest of them."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from apidrift.contracts.model import ContractVersion
from apidrift.diff.changes import Severity
from apidrift.diff.engine import diff_versions
from apidrift.openapi.sources import import_openapi_file

CORPUS = Path(__file__).parent.parent / "fixtures" / "peer_corpus"
CASES: dict[str, dict[str, Any]] = tomllib.loads((CORPUS / "cases.toml").read_text(encoding="utf-8"))
RANK = {s.value: s.rank for s in Severity}


@cache
def imported(relative: str) -> ContractVersion:
    return import_openapi_file(CORPUS / relative, use_cache=False).version


def sides(name: str) -> tuple[ContractVersion, ContractVersion]:
    case = CASES[name]
    return (
        imported(case.get("base", f"{name}/base.yaml")),
        imported(case.get("revision", f"{name}/revision.yaml")),
    )


def test_the_corpus_is_broad() -> None:
    # Every pair in the manifest exists, and every folder of pairs is in the manifest.
    named = {case.get("base", f"{name}/base.yaml") for name, case in CASES.items()}
    on_disk = {str(p.relative_to(CORPUS)) for p in CORPUS.glob("written/*/base.yaml")}
    assert on_disk <= named
    assert len(CASES) >= 190
    kinds = {kind for case in CASES.values() for kind, _ in case["forward"] + case["backward"]}
    assert len(kinds) >= 80


@pytest.mark.parametrize("direction", ["forward", "backward"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_apidrift_reports_what_the_pair_shows(name: str, direction: str) -> None:
    base, revision = sides(name)
    old, new = (base, revision) if direction == "forward" else (revision, base)
    changes = diff_versions(old, new).changes
    got = {(c.kind.value, c.severity.value) for c in changes}
    want = {(kind, severity) for kind, severity in CASES[name][direction]}
    assert want <= got, f"missing {sorted(want - got)}; got {sorted(got)}"
    ceiling = max((RANK[severity] for _, severity in want), default=RANK["info"])
    graver = sorted((c.kind.value, c.severity.value, c.path) for c in changes if c.severity.rank > ceiling)
    assert not graver, f"graver than the pair shows: {graver}"
