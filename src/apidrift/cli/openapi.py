"""`apidrift import-openapi`: an OpenAPI document as a contract version, its examples as recordings."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from apidrift.cli.app import app, out
from apidrift.contracts.model import CONTRACT_FILE, SCHEMAS_FILE
from apidrift.openapi.capture import capture_openapi
from apidrift.openapi.checks import ExampleCheck
from apidrift.openapi.components import Finding


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
        Path,
        typer.Option(
            "--contracts",
            "--out",
            help="Contracts root (as on every command); the version goes to <root>/<api>/<version>/.",
        ),
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
    done = capture_openapi(
        spec,
        version=version,
        scope=tuple(scope) if scope else None,
        out_dir=out_dir,
        recordings_out=recordings_out,
        api=api,
    )
    contract = done.contract
    named = " (label from info.version)" if done.label_derived else ""
    out().print(
        f"imported {escape(spec.name)} as {escape(contract.api)} {escape(contract.version)}{named}: "
        f"{len(contract.operations)} operations, {len(contract.schemas)} schemas -> "
        f"{escape(done.folder.as_posix())}/ ({CONTRACT_FILE}, {SCHEMAS_FILE}; "
        f"{escape(done.index.as_posix())} updated)",
        soft_wrap=True,
    )
    stale = f", {done.removed} stale removed" if done.removed else ""
    out().print(
        f"{done.recordings} documented examples -> {escape(done.recordings_dir.as_posix())}/{stale}",
        soft_wrap=True,
    )
    _print_checks(contract.version, list(done.checks))
    _print_problems(list(done.problems))


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
