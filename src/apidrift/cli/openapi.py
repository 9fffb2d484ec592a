"""`apidrift import-openapi`: an OpenAPI document as a contract version, its examples as recordings."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from apidrift.check.recordings import FORMAT as RECORDING_FORMAT
from apidrift.check.recordings import write_recordings
from apidrift.check.run import display_path
from apidrift.cli.app import app, out
from apidrift.contracts.model import CONTRACT_FILE, SCHEMAS_FILE, ContractVersion
from apidrift.errors import ContractError, OpenAPIError
from apidrift.openapi.checks import ExampleCheck, check_examples, example_recordings
from apidrift.openapi.components import Finding
from apidrift.openapi.sources import FOLDER_NAME, ISO_DATE, check_scope, import_openapi_file, version_label

INDEX_FILE = "index.json"


@app.command("import-openapi")
def import_openapi(
    spec: Annotated[Path, typer.Argument(help="The OpenAPI 3.0/3.1 document (YAML or JSON).")],
    version: Annotated[
        str | None,
        typer.Option(
            "--version",
            help="Label of the new contract version. Default: the document's info.version when it is a "
            "date (2026-05-02, also the version's date) or a folder name such as 1.4.0; required when "
            "info.version is neither.",
        ),
    ] = None,
    scope: Annotated[
        list[str] | None,
        typer.Option(
            "--scope",
            help="Import only paths under this prefix (repeatable). Default: the --api profile's scope, "
            "else the whole document.",
        ),
    ] = None,
    out_dir: Annotated[
        Path, typer.Option("--out", help="Contracts root; the version goes to <out>/<api>/<version>/.")
    ] = Path("contracts"),
    recordings_out: Annotated[
        Path | None,
        typer.Option("--recordings-out", help="Where the examples go (default recordings/<api>/<version>/)."),
    ] = None,
    api: Annotated[
        str | None,
        typer.Option(
            "--api",
            help="API name: its folder below the contracts root and its profile. Default: the "
            "document's info.title as a slug (Swagger Petstore -> swagger-petstore).",
        ),
    ] = None,
) -> None:
    """Import an OpenAPI document as a contract version and check its documented examples against it."""
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
    elif not contract.operations:
        raise OpenAPIError("the document has no operations", file=spec, pointer="/paths")
    label = version or _derived_label(contract, spec)
    contract = replace(contract, version=label)
    api = contract.api
    index_path = out_dir / api / INDEX_FILE
    index = _read_index(index_path, api)  # before writing anything: a broken index stops the import
    contract = _describe(contract, spec)
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
        _write_index(index_path, index, contract)
        removed = _remove_previous_import(recordings_dir, spec, label, names)
        write_recordings(recordings_dir, recordings)
    except OSError as exc:
        raise ContractError(f"cannot write: {exc.strerror}", file=exc.filename or folder) from None
    checks = check_examples(contract, result.examples)

    named = "" if version else " (label from info.version)"
    out().print(
        f"imported {escape(spec.name)} as {escape(api)} {escape(label)}{named}: "
        f"{len(contract.operations)} operations, {len(contract.schemas)} schemas -> "
        f"{escape(folder.as_posix())}/ ({CONTRACT_FILE}, {SCHEMAS_FILE}; "
        f"{escape(index_path.as_posix())} updated)",
        soft_wrap=True,
    )
    stale = f", {removed} stale removed" if removed else ""
    out().print(
        f"{len(recordings)} documented examples -> {escape(recordings_dir.as_posix())}/{stale}",
        soft_wrap=True,
    )
    _print_checks(label, checks)
    _print_problems(result.problems)


def _scope(scope: list[str] | None, api: str | None, contracts_root: Path) -> tuple[str, ...]:
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


def _read_index(path: Path, api: str) -> dict[str, Any]:
    if not path.exists():
        return {"api": api, "versions": []}
    try:
        index = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ContractError(f"cannot read the contract index: {exc}", file=path) from None
    if not isinstance(index, dict) or not isinstance(index.get("versions"), list):
        raise ContractError("not a contract index: no 'versions' list", file=path, pointer="/versions")
    if index.get("api", api) != api:
        raise ContractError(
            f"the index is for api {index.get('api')!r}, not {api!r}", file=path, pointer="/api"
        )
    return index


def _write_index(path: Path, index: dict[str, Any], contract: ContractVersion) -> None:
    """Add or replace this version's entry; every other entry is kept as it was."""
    entry = {
        "version": contract.version,
        "date": contract.date,
        "description": contract.description,
        "folder": contract.version,
        "sources": list(contract.sources),
        "operations": len(contract.operations),
        "schemas": len(contract.schemas),
    }
    others = [
        e for e in index["versions"] if not (isinstance(e, dict) and e.get("version") == contract.version)
    ]
    versions = sorted(
        [*others, entry], key=lambda e: str(e.get("version", "")) if isinstance(e, dict) else ""
    )
    text = json.dumps({**index, "api": contract.api, "versions": versions}, indent=2, ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")


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


def _print_checks(version: str, checks: list[ExampleCheck]) -> None:
    table = Table(title=f"documented examples of {version} against their own schemas")
    for column in ("examples", "count", "agree", "undocumented fields only", "contradict"):
        table.add_column(column, justify="left" if column == "examples" else "right")
    groups = {
        "x-oaiMeta": [c for c in checks if c.example.label.startswith("x-oaiMeta")],
        "media type": [c for c in checks if not c.example.label.startswith("x-oaiMeta")],
        "all": checks,
    }
    for name, group in groups.items():
        agree = sum(c.agrees for c in group)
        contradict = sum(c.contradicts for c in group)
        table.add_row(
            name, str(len(group)), str(agree), str(len(group) - agree - contradict), str(contradict)
        )
    out().print(table)
    disagreeing = [c for c in checks if not c.agrees]
    if not disagreeing:
        out().print("every documented example agrees with its schema")
        return
    out().print(f"examples that disagree with their own schema ({len(disagreeing)}):")
    for check in disagreeing:
        verdict = "contradicts its schema" if check.contradicts else "shows undocumented fields"
        example = check.example
        where = f"{example.status} ({example.label}, {check.file})"
        out().print(f"  {escape(example.operation_id)} {escape(where)}: {verdict}", soft_wrap=True)
        for line in check.findings():
            out().print(f"    {escape(line)}", soft_wrap=True)


def _print_problems(problems: list[Finding]) -> None:
    if not problems:
        return
    out().print(f"documentation problems ({len(problems)}):")
    for problem in problems:
        out().print(f"  {escape(problem.describe())} (#{escape(problem.pointer)})", soft_wrap=True)
