"""The package's shape: generic code never names a profile's API, and the layering contract holds."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from apidrift.profiles.model import ApiProfile, bundled_profiles, parse_profile

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "apidrift"
ROOT = PACKAGE.parents[1]


def _own_files(profile: ApiProfile) -> set[Path]:
    """The profile's own file and the package folders its extensions live in."""
    own = {Path(profile.source).resolve()}
    for reference in (profile.extensions.sandbox, profile.extensions.simulator):
        if reference:
            parts = reference.partition(":")[0].split(".")
            # `apidrift.<group>.<api>...`: the API's own package, three levels down.
            own.add(PACKAGE.joinpath(*parts[1:3]).resolve())
    return own


def _tokens(profile: ApiProfile) -> set[str]:
    tokens = {profile.name, profile.name.replace("-", "_"), *profile.scope}
    if profile.key_env:
        tokens.add(profile.key_env)
    if profile.base_url:
        tokens.add(urlsplit(profile.base_url).netloc)
    return {t for t in tokens if len(t) >= 4}


def _generic_files(own: set[Path]) -> list[Path]:
    files = [p for p in PACKAGE.rglob("*") if p.suffix in {".py", ".toml", ".json", ".j2", ".html"}]
    return [p for p in files if not any(p.resolve() == o or o in p.resolve().parents for o in own)]


@pytest.mark.parametrize("name", sorted(bundled_profiles()))
def test_generic_code_never_names_a_profiles_api(name: str) -> None:
    profile = parse_profile(bundled_profiles()[name])
    own = _own_files(profile)
    tokens = _tokens(profile)
    assert tokens, "the profile names nothing this test could look for"
    offenders = [
        f"{path.relative_to(PACKAGE)}: {token!r}"
        for path in _generic_files(own)
        for token in sorted(tokens)
        if token in path.read_text(encoding="utf-8", errors="replace")
    ]
    assert not offenders, "generic code names the profile's API:\n" + "\n".join(offenders)


def test_the_scan_would_see_a_planted_name(tmp_path: Path) -> None:
    """The check above is not vacuous: a generic file that names the API is caught."""
    profile = parse_profile(bundled_profiles()[sorted(bundled_profiles())[0]])
    planted = PACKAGE / "check" / "_planted_for_test.py"
    planted.write_text(f"URL = {sorted(_tokens(profile))[0]!r}\n", encoding="utf-8")
    try:
        hits = [p for p in _generic_files(_own_files(profile)) if p == planted]
        assert hits and any(t in planted.read_text() for t in _tokens(profile))
    finally:
        planted.unlink()


def test_the_layering_contract_holds() -> None:
    """`lint-imports` (import-linter) keeps the layers of docs/architecture.md and forbids cycles."""
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    if lint is None:
        pytest.skip("import-linter is not installed (it is in the dev extra)")
    done = subprocess.run([lint], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-4000:]


@pytest.mark.parametrize("name", sorted(bundled_profiles()))
def test_the_quick_read_of_a_bundled_profile_agrees_with_the_full_parse(name: str) -> None:
    """The default API is found without tomllib; what that quick read sees must be what TOML says."""
    import tomllib

    from apidrift.profiles.bundled import _read

    path = bundled_profiles()[name]
    full = tomllib.loads(path.read_text(encoding="utf-8"))
    quick = _read(path)
    assert quick.get("name") == full["name"] == name
    assert quick.get("default", False) == full.get("default", False)
