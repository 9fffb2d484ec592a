"""Both sides of a diff named by OpenAPI file: imported as each would be alone, and read back from
the cache without being parsed again."""

from __future__ import annotations

from pathlib import Path

import pytest

from apidrift.contracts.model import ContractStore
from apidrift.openapi import sources
from apidrift.openapi.sources import import_openapi_file, resolve_versions

SPEC = """\
openapi: 3.1.0
info: {{title: Pets, version: "{version}"}}
paths:
  /pets:
    get:
      operationId: list-pets
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {{$ref: "#/components/schemas/Pet"}}
components:
  schemas:
    Pet:
      type: object
      required: [id]
      properties:
        id: {{type: string}}
        {extra}
"""


def test_two_files_resolved_together_import_as_they_do_one_by_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("APIDRIFT_CACHE_DIR", str(tmp_path / "cache"))
    old, new = tmp_path / "v1.yaml", tmp_path / "v2.yaml"
    old.write_text(SPEC.format(version="1", extra="name: {type: string}"), encoding="utf-8")
    new.write_text(
        SPEC.format(version="2", extra="tags: {type: array, items: {type: string}}"), encoding="utf-8"
    )
    store = ContractStore(tmp_path / "contracts", "pets")

    both = resolve_versions([str(old), str(new)], store)
    alone = [import_openapi_file(path, use_cache=False).version for path in (old, new)]
    assert [v.version for v in both] == ["v1", "v2"]
    assert both == alone
    # Each file's cache entry is written.
    assert len(list((tmp_path / "cache" / "openapi").glob("*.json"))) == 2


def test_two_cached_files_are_read_without_parsing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APIDRIFT_CACHE_DIR", str(tmp_path / "cache"))
    old, new = tmp_path / "v1.yaml", tmp_path / "v2.yaml"
    old.write_text(SPEC.format(version="1", extra="name: {type: string}"), encoding="utf-8")
    new.write_text(
        SPEC.format(version="2", extra="tags: {type: array, items: {type: string}}"), encoding="utf-8"
    )
    store = ContractStore(tmp_path / "contracts", "pets")
    built = resolve_versions([str(old), str(new)], store)

    def refuse(path: Path) -> None:
        raise AssertionError(f"{path} was parsed again instead of coming from the cache")

    monkeypatch.setattr(sources, "load_document", refuse)
    again = resolve_versions([str(new), str(old)], store)
    assert [v.version for v in again] == ["v2", "v1"]
    assert again == [built[1], built[0]]


def test_two_files_of_one_name_are_told_apart_by_their_folders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("APIDRIFT_CACHE_DIR", str(tmp_path / "cache"))
    for folder, extra in (("before", "name: {type: string}"), ("after", "tag: {type: string}")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "openapi.yaml").write_text(
            SPEC.format(version="1", extra=extra), encoding="utf-8"
        )
    store = ContractStore(tmp_path / "contracts", "pets")
    old, new = resolve_versions(
        [str(tmp_path / "before/openapi.yaml"), str(tmp_path / "after/openapi.yaml")], store
    )
    assert (old.version, new.version) == ("before/openapi", "after/openapi")
    # Files of different names keep their stems.
    assert sources.distinct_labels([Path("x/v1.yaml"), Path("x/v2.yaml")]) == ["v1", "v2"]
