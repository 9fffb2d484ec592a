"""Capturing an OpenAPI document as a contract version on disk (what `apidrift import-openapi` does):
the version folder, its line in the contract index (updated under a lock), its examples as recordings."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from apidrift.check.recordings import FORMAT as RECORDING_FORMAT
from apidrift.check.recordings import write_recordings
from apidrift.check.run import display_path
from apidrift.contracts.index import index_path, read_index, record_version
from apidrift.contracts.model import CONTRACT_FILE, ContractVersion
from apidrift.errors import ContractError, OpenAPIError
from apidrift.openapi.checks import ExampleCheck, check_examples, example_recordings
from apidrift.openapi.components import Finding
from apidrift.openapi.sources import FOLDER_NAME, ISO_DATE, check_scope, import_openapi_file, version_label


@dataclass(frozen=True)
class Capture:
    """What an import wrote and what it found: the version, where it went, its examples' checks."""

    contract: ContractVersion
    folder: Path
    index: Path
    recordings_dir: Path
    recordings: int
    removed: int
    label_derived: bool
    checks: tuple[ExampleCheck, ...]
    problems: tuple[Finding, ...]


def capture_openapi(
    spec: Path,
    *,
    version: str | None = None,
    scope: tuple[str, ...] | None = None,
    out_dir: Path = Path("contracts"),
    recordings_out: Path | None = None,
    api: str | None = None,
) -> Capture:
    """Import `spec` as `<out_dir>/<api>/<label>/`, add it to the index, write its examples as
    recordings; every refusal (bad names, a broken index, a foreign folder) comes before any write."""
    if version is not None and not FOLDER_NAME.match(version):
        raise OpenAPIError(f"--version {version!r} must be a folder name (letters, digits, '.', '_', '-')")
    if api is not None and not FOLDER_NAME.match(api):
        raise OpenAPIError(f"--api {api!r} must be a folder name (letters, digits, '.', '_', '-')")
    if not spec.is_file():
        raise OpenAPIError("no such file", file=spec)
    prefixes = _scope(scope, api, out_dir)
    result = import_openapi_file(spec, version=version, scope=prefixes, api=api)
    contract = result.version
    if prefixes:
        check_scope(prefixes, contract, file=spec, profile="" if scope else str(api))
    elif not contract.operations and not contract.webhooks:
        raise OpenAPIError("the document has no operations", file=spec, pointer="/paths")
    label = version or _derived_label(contract, spec)
    contract = _describe(replace(contract, version=label), spec)
    api = contract.api
    index = index_path(out_dir, api)
    read_index(index, api)  # before writing anything: a broken index stops the import
    folder = out_dir / api / label
    _refuse_overwrite(folder / CONTRACT_FILE, contract, derived=version is None)
    recordings = example_recordings(contract, result.examples)
    recordings_dir = recordings_out or Path("recordings") / api / label
    names = {name for name, _ in recordings}
    foreign = sorted(name for name in names if (recordings_dir / name).exists())
    foreign = [name for name in foreign if not _from_this_spec(recordings_dir / name, spec, label)]
    if foreign:
        message = (
            f"{foreign[0]} is not a recording imported from {spec.name}; choose another --recordings-out"
        )
        raise ContractError(message, file=recordings_dir)
    try:
        contract.write(folder)
        record_version(out_dir, contract)
        removed = _remove_previous_import(recordings_dir, spec, label, names)
        write_recordings(recordings_dir, recordings)
    except OSError as exc:
        raise ContractError(f"cannot write: {exc.strerror}", file=exc.filename or folder) from None
    return Capture(
        contract=contract,
        folder=folder,
        index=index,
        recordings_dir=recordings_dir,
        recordings=len(recordings),
        removed=removed,
        label_derived=version is None,
        checks=tuple(check_examples(contract, result.examples)),
        problems=tuple(result.problems),
    )


def _scope(scope: tuple[str, ...] | None, api: str | None, contracts_root: Path) -> tuple[str, ...]:
    """`--scope` when given, else the scope of the `--api` profile, else () for the whole document."""
    if scope:
        return tuple(scope)
    if api is None:
        return ()
    from apidrift.profiles.model import load_profile

    return load_profile(api, contracts_root=contracts_root).scope


def _derived_label(contract: ContractVersion, spec: Path) -> str:
    info_version = str(contract.extra.get("openapi", {}).get("info_version", ""))
    label = version_label(info_version)
    if label is None:
        message = f"info.version {info_version!r} is neither a date nor a folder name; pass --version LABEL"
        raise OpenAPIError(message, file=spec, pointer="/info/version")
    return label


def _describe(contract: ContractVersion, spec: Path) -> ContractVersion:
    """Contract metadata for the index: a date when the label is one, the spec's title and version."""
    meta: dict[str, Any] = contract.extra.get("openapi", {})
    info_version = meta.get("info_version") or "?"
    digest = str(meta.get("sha256", ""))[:16]
    scope = meta.get("scope") or []
    return replace(
        contract,
        date=contract.version if ISO_DATE.match(contract.version) else contract.date,
        description=(
            f"{meta.get('title') or 'OpenAPI document'} {info_version} (OpenAPI {meta.get('openapi', '?')}), "
            f"imported from {spec.name}; "
            + (f"paths under {', '.join(scope)}" if scope else "the whole document")
        ),
        sources=(f"openapi {spec.name}: {display_path(spec)} (sha256 {digest})",),
    )


def _refuse_overwrite(path: Path, contract: ContractVersion, *, derived: bool) -> None:
    """An imported version may be replaced by a new import; a hand-made one (no `openapi` block) not,
    nor, under a label taken from info.version, one imported from a document of other content."""
    if not path.exists():
        return
    try:
        existing = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        existing = None
    if not (isinstance(existing, dict) and isinstance(existing.get("openapi"), dict)):
        message = "holds a contract version that was not imported from OpenAPI; choose another --version"
        raise ContractError(message, file=path.parent)
    before = existing["openapi"]
    if derived and before.get("sha256") != contract.extra.get("openapi", {}).get("sha256"):
        message = (
            f"holds {contract.version} imported from another document ({before.get('file')}); "
            "pass --version to replace it or to name this one"
        )
        raise ContractError(message, file=path.parent)


def _from_this_spec(path: Path, spec: Path, version: str) -> bool:
    """A recording an earlier import of this spec file as this version wrote (its provenance says so)."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return False
    provenance = raw.get("provenance") if isinstance(raw, dict) else None
    return (
        isinstance(provenance, dict)
        and raw.get("format") == RECORDING_FORMAT
        and provenance.get("version") == version
        and str(provenance.get("source", "")).startswith(f"openapi {spec.name} ")
    )


def _remove_previous_import(folder: Path, spec: Path, version: str, keep: set[str]) -> int:
    """Recordings an earlier import of this spec wrote and this one does not (any other file stays)."""
    stale = [
        p for p in sorted(folder.glob("*.json")) if p.name not in keep and _from_this_spec(p, spec, version)
    ]
    for path in stale:
        path.unlink()
    return len(stale)
