"""`tools/peer_sweep.py`: a folder of a peer's pairs in, a table out. Which pairs it finds, how it
grades agreement with the peer's level, and the faults, refusals and lopsided pairs it records."""

from __future__ import annotations

import shutil
from pathlib import Path
from types import ModuleType

import pytest

from cli_support import load_tool

TOOL = Path(__file__).parents[2] / "tools" / "peer_sweep.py"
CORPUS = Path(__file__).parents[1] / "fixtures" / "peer_corpus" / "oasdiff"


@pytest.fixture(scope="module")
def sweep() -> ModuleType:
    return load_tool(TOOL)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    for case, stem in (
        ("request_parameter_array_max_items", "sibling"),
        ("prefix_items_added__prefix_items_same_as_items", "fam"),
    ):
        shutil.copy(CORPUS / case / "base.yaml", tmp_path / f"{stem}_base.yaml")
        shutil.copy(CORPUS / case / "revision.yaml", tmp_path / f"{stem}_revision.yaml")
    (tmp_path / "broken.yaml").write_text("openapi: 3.0.0\npaths: [1, 2]\n", encoding="utf-8")
    return tmp_path


def test_verdicts_follow_the_peer_level(sweep: ModuleType) -> None:
    nothing, info, warning, breaking = -1, 0, 1, 2
    assert [sweep.verdict("ERR", g) for g in (breaking, warning, nothing)] == ["agree", "lower", "missed"]
    assert [sweep.verdict("WARN", g) for g in (breaking, warning, info)] == ["graver", "agree", "lower"]
    assert [sweep.verdict("INFO", g) for g in (breaking, warning, info, nothing)] == [
        "graver",
        "agree",
        "agree",
        "missed",
    ]
    assert [sweep.verdict("NONE", g) for g in (nothing, info, warning)] == ["agree", "agree", "graver"]
    # A floor only: a widened response may be graded a warning or breaking.
    assert [sweep.verdict("WARN+", g) for g in (breaking, warning, info, nothing)] == [
        "agree",
        "agree",
        "lower",
        "missed",
    ]


def test_a_sweep_counts_pairs_verdicts_and_refusals(sweep: ModuleType, folder: Path) -> None:
    manifest = folder / "manifest.toml"
    manifest.write_text(
        '[[pair]]\nbase = "sibling_base.yaml"\nrevision = "sibling_revision.yaml"\nforward = "ERR"\n'
        'backward = "NONE"\nsource = "TestX"\n\n'
        '[[pair]]\nbase = "sibling_base.yaml"\nrevision = "gone.yaml"\nforward = "ERR"\n',
        encoding="utf-8",
    )
    result = sweep.run(folder, manifest, cli_sample=0)
    assert result.documents == 5 and not result.faults and not result.self_diffs
    # The manifest's pair, its missing file, then the folder's other X_base/X_revision pair.
    assert [(p.base, p.revision) for p in sweep.discover(folder, manifest)] == [
        ("sibling_base.yaml", "sibling_revision.yaml"),
        ("sibling_base.yaml", "gone.yaml"),
        ("fam_base.yaml", "fam_revision.yaml"),
    ]
    assert result.verdicts == {("ERR", "agree"): 1, ("NONE", "agree"): 1}
    assert any("gone.yaml" in r for r in result.refusals) and any("broken.yaml" in r for r in result.refusals)
    assert result.directions == 4 and not result.one_sided
    table = sweep.table(result, 3)
    assert "| ERR | 1 | 0 | 0 | 0 |" in table and "refusals:" in table


def test_families_pair_every_two_members(sweep: ModuleType, folder: Path) -> None:
    for name in ("a", "b", "c"):
        shutil.copy(folder / "sibling_base.yaml", folder / f"kin__{name}.yaml")
    pairs = sweep.discover(folder, None, families=True)
    assert [(p.base, p.revision) for p in pairs if p.base.startswith("kin")] == [
        ("kin__a.yaml", "kin__b.yaml"),
        ("kin__a.yaml", "kin__c.yaml"),
        ("kin__b.yaml", "kin__c.yaml"),
    ]
