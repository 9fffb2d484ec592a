"""The committed contracts and recordings are exactly what the generators in tools/ produce."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def generated(shared: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    sys.path.insert(0, str(REPO / "tools"))
    try:
        import build_seed_contracts
        import build_seed_recordings
    finally:
        sys.path.remove(str(REPO / "tools"))
    out = tmp_path_factory.mktemp("generated")
    spec = shared / "openapi" / "openai-openapi-2026-05-13.yaml"
    new = build_seed_contracts.build_new(spec)
    old = build_seed_contracts.build_old(new)
    for version in (old, new):
        build_seed_contracts._prune(version)
        version.write(out / "contracts" / "openai-admin" / version.version)
    build_seed_contracts.write_index(out / "contracts", [old, new])
    examples = build_seed_recordings.spec_examples(spec)
    for version in (old, new):
        recordings = build_seed_recordings.build(version, examples, "openapi 2026-05-13")
        for name, recording in recordings:
            path = out / "recordings" / "openai-admin" / version.version / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(recording.to_json())
    return out


def files(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): p.read_text() for p in sorted(root.rglob("*.json"))}


@pytest.mark.parametrize("folder", ["contracts", "recordings"])
def test_committed_files_match_the_generator(generated: Path, folder: str) -> None:
    committed, fresh = files(REPO / folder), files(generated / folder)
    assert sorted(committed) == sorted(fresh)
    stale = [name for name in committed if committed[name] != fresh[name]]
    assert stale == [], f"regenerate with tools/build_seed_*.py: {stale}"


def test_index_agrees_with_the_version_folders() -> None:
    index = json.loads((REPO / "contracts/openai-admin/index.json").read_text())
    for entry in index["versions"]:
        folder = REPO / "contracts/openai-admin" / entry["folder"]
        contract = json.loads((folder / "contract.json").read_text())
        schemas = json.loads((folder / "schemas.json").read_text())
        assert (entry["version"], entry["operations"], entry["schemas"]) == (
            contract["version"],
            len(contract["operations"]),
            len(schemas["$defs"]),
        )
