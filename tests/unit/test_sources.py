"""`resolve_version`: a label, a contract folder, or an OpenAPI file imported through a content-hash cache."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

import apidrift.openapi.sources as sources
from apidrift.contracts.model import ContractStore
from apidrift.errors import ContractError, UnknownVersionError
from apidrift.openapi.sources import (
    CACHE_FORMAT,
    ScopeError,
    api_slug,
    cache_dir,
    check_scope,
    import_openapi_file,
    resolve_version,
    version_label,
)

TINY_OPENAPI = """\
openapi: 3.1.0
info: {title: Tiny Admin, version: "9.9.0"}
paths:
  /organization/users/{user_id}:
    get:
      operationId: retrieve-user
      parameters:
        - {name: user_id, in: path, required: true, schema: {type: string}}
      responses:
        "200":
          description: The user.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/User"}
  /elsewhere:
    get:
      operationId: out-of-scope
      responses: {"200": {description: ok}}
components:
  schemas:
    User:
      type: object
      required: [id, role]
      properties:
        id: {type: string}
        role: {type: string, enum: [owner, reader]}
"""


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("APIDRIFT_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache" / "openapi"


@pytest.fixture
def spec(tmp_path: Path) -> Path:
    path = tmp_path / "tiny-admin.yaml"
    path.write_text(TINY_OPENAPI, encoding="utf-8")
    return path


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Records every YAML parse `sources` does."""
    calls: list[Path] = []
    real = sources.load_document

    def counting(path: Path) -> dict[str, Any]:
        calls.append(path)
        return real(path)

    monkeypatch.setattr(sources, "load_document", counting)
    return calls


def _forbid_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(path: Path) -> dict[str, Any]:
        raise AssertionError(f"{path} was parsed again instead of coming from the cache")

    monkeypatch.setattr(sources, "load_document", refuse)


# --- labels and folders ------------------------------------------------------------------------


def test_a_label_loads_from_the_store(store: ContractStore) -> None:
    label = store.newest()
    version = resolve_version(label, store)
    assert version is store.load(label)
    assert version.version == label


def test_an_unknown_label_is_an_unknown_version(store: ContractStore) -> None:
    with pytest.raises(UnknownVersionError, match=r"no contract version '1999-01-01'.*known: "):
        resolve_version("1999-01-01", store)


def test_a_missing_file_is_taken_for_a_label(store: ContractStore, tmp_path: Path) -> None:
    with pytest.raises(UnknownVersionError):
        resolve_version(str(tmp_path / "missing.yaml"), store)


def test_a_contract_folder(store: ContractStore, tmp_path: Path) -> None:
    label = store.newest()
    folder = tmp_path / "copy"
    shutil.copytree(store.root / store.api / label, folder)
    version = resolve_version(str(folder), store)
    assert version.folder == folder
    assert version.version == label  # from contract.json, not from the folder name
    bundled = store.load(label)
    assert version.operations == bundled.operations
    assert version.schemas == bundled.schemas


def test_a_folder_without_contract_json_is_a_contract_error(store: ContractStore, tmp_path: Path) -> None:
    (tmp_path / "schemas.json").write_text("{}", encoding="utf-8")
    with pytest.raises(ContractError, match=r"no contract\.json") as info:
        resolve_version(str(tmp_path), store)
    assert info.value.file == str(tmp_path)


# --- OpenAPI files -----------------------------------------------------------------------------


def test_cache_dir_follows_the_environment(cache: Path) -> None:
    assert cache_dir() == cache


def test_an_openapi_file_is_imported(store: ContractStore, spec: Path, cache: Path) -> None:
    version = resolve_version(str(spec), store)
    assert version.version == "tiny-admin"  # the file's stem
    assert version.api == "tiny-admin"  # info.title as a slug
    assert version.date is None  # info.version 9.9.0 is no date
    assert list(version.operations) == ["retrieve-user", "out-of-scope"]  # the whole document
    operation = version.operations["retrieve-user"]
    assert (operation.method, operation.path) == ("GET", "/organization/users/{user_id}")
    assert operation.responses["200"].schema == {"$ref": "schemas.json#/$defs/User"}
    assert version.schemas["User"]["properties"]["role"]["enum"] == ["owner", "reader"]


def test_the_import_is_cached_by_content(
    store: ContractStore, spec: Path, cache: Path, monkeypatch: pytest.MonkeyPatch, parses: list[Path]
) -> None:
    first = resolve_version(str(spec), store)
    assert parses == [spec]
    entries = list(cache.glob("*.json"))
    assert len(entries) == 1
    assert json.loads(entries[0].read_text(encoding="utf-8"))["format"] == CACHE_FORMAT

    _forbid_parsing(monkeypatch)
    second = resolve_version(str(spec), store)
    assert second is not first
    assert second.version == first.version
    assert second.date == first.date
    assert second.operations == first.operations
    assert second.schemas == first.schemas


def test_the_cache_is_keyed_by_content_not_by_name(
    store: ContractStore, spec: Path, cache: Path, monkeypatch: pytest.MonkeyPatch, parses: list[Path]
) -> None:
    resolve_version(str(spec), store)
    twin = spec.with_name("renamed-copy.yaml")
    shutil.copy(spec, twin)
    edited = spec.with_name("edited.yaml")
    edited.write_text(TINY_OPENAPI.replace("reader]", "reader, member]"), encoding="utf-8")

    assert resolve_version(str(twin), store).version == "renamed-copy"  # cached, relabelled
    assert parses == [spec]
    fresh = resolve_version(str(edited), store)
    assert parses == [spec, edited]
    assert fresh.schemas["User"]["properties"]["role"]["enum"] == ["owner", "reader", "member"]
    assert len(list(cache.glob("*.json"))) == 2


def test_a_symlinked_cache_folder_is_not_written_through(
    store: ContractStore, spec: Path, cache: Path, parses: list[Path]
) -> None:
    elsewhere = cache.parent / "elsewhere"
    elsewhere.mkdir(parents=True)
    cache.symlink_to(elsewhere)
    version = resolve_version(str(spec), store)  # caching is skipped, the import still works
    assert version.api == "tiny-admin" and parses == [spec]
    assert list(elsewhere.iterdir()) == []


def test_use_cache_false_neither_reads_nor_writes(spec: Path, cache: Path, parses: list[Path]) -> None:
    import_openapi_file(spec, use_cache=False)
    import_openapi_file(spec, use_cache=False)
    assert parses == [spec, spec]
    assert not cache.exists()


@pytest.mark.parametrize(
    "damage",
    [
        "",
        '{"format": "apidrift.openapi-cache/1", "contract": {',
        '{"format": "apidrift.openapi-cache/0"}',
        '{"format": "apidrift.openapi-cache/1"}',
        '{"format": "apidrift.openapi-cache/1", "contract": {"operations": []}, "schemas": {"$defs": {}},'
        ' "examples": [], "problems": []}',
    ],
    ids=["empty", "truncated", "old-format", "missing-keys", "invalid-contract"],
)
def test_a_damaged_cache_entry_is_rebuilt(
    store: ContractStore, spec: Path, cache: Path, parses: list[Path], damage: str
) -> None:
    first = resolve_version(str(spec), store)
    (entry,) = cache.glob("*.json")
    entry.write_text(damage, encoding="utf-8")

    rebuilt = resolve_version(str(spec), store)
    assert len(parses) == 2
    assert rebuilt.operations == first.operations
    assert json.loads(entry.read_text(encoding="utf-8"))["format"] == CACHE_FORMAT


@pytest.mark.parametrize(
    "damage",
    [
        "null",
        "[]",
        '"text"',
        '{"format": "apidrift.openapi-cache/1", "contract": 5, "schemas": {},'
        ' "examples": [], "problems": []}',
    ],
    ids=["null", "list", "string", "wrong-typed-contract"],
)
def test_a_cache_entry_of_the_wrong_json_shape_is_rebuilt(
    store: ContractStore, spec: Path, cache: Path, parses: list[Path], damage: str
) -> None:
    resolve_version(str(spec), store)
    (entry,) = cache.glob("*.json")
    entry.write_text(damage, encoding="utf-8")
    assert list(resolve_version(str(spec), store).operations) == ["retrieve-user", "out-of-scope"]
    assert len(parses) == 2


def test_a_scope_narrows_files_labels_and_folders_alike(
    store: ContractStore, spec: Path, cache: Path
) -> None:
    assert list(resolve_version(str(spec), store, ["/elsewhere"]).operations) == ["out-of-scope"]
    bundled = resolve_version("2026-05-02", store, ["/organization/usage/"])
    assert bundled.operations and all(
        op.path.startswith("/organization/usage/") for op in bundled.operations.values()
    )
    assert len(resolve_version("2026-05-02", store).operations) > len(bundled.operations)


def test_a_scope_that_matches_nothing_is_named(store: ContractStore, spec: Path, cache: Path) -> None:
    version = resolve_version(str(spec), store)
    check_scope(["/organization", "/elsewhere"], version)
    with pytest.raises(ScopeError, match="--scope '/pets' matches no operation of tiny-admin"):
        check_scope(["/organization", "/pets"], version)
    with pytest.raises(ScopeError, match="must be a path prefix starting with '/'"):
        check_scope(["organization"], version)


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Swagger Petstore", "swagger-petstore"),
        ("OpenAI API", "openai-api"),
        (" Ünï  API v2.1 ", "uni-api-v2.1"),
        ("", "api"),
    ],
)
def test_api_names_from_titles(title: str, slug: str) -> None:
    assert api_slug(title) == slug


@pytest.mark.parametrize(
    ("info_version", "label"),
    [
        ("2024-10-01", "2024-10-01"),
        ("2024-10-01T00:00:00Z", "2024-10-01"),
        ("1.2.0", "1.2.0"),
        ("v 1", None),
        ("../x", None),
        ("", None),
    ],
)
def test_version_labels_from_info_version(info_version: str, label: str | None) -> None:
    assert version_label(info_version) == label
