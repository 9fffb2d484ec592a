"""`apidrift diff`: classified, rename-aware changes between two versions."""

from __future__ import annotations

import shutil
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from apidrift.cli.annotate import AnnotationsOption, print_annotations, wanted
from apidrift.cli.app import QUIET, VERBOSE, ContractsOption, app, verbosity
from apidrift.cli.history import BaselineOption, HistoryOption
from apidrift.cli.options import NoReportsOption
from apidrift.contracts.model import ContractStore, ContractVersion
from apidrift.diff.changes import Severity
from apidrift.diff.engine import diff_versions
from apidrift.diff.policy import DEPRECATED_KEYS, SUNSET_KEYS, LifecyclePolicy
from apidrift.diff.render import render_json, render_markdown, render_text
from apidrift.forked import free_cores
from apidrift.history.gates import FailOn
from apidrift.openapi.sources import ScopeError, check_scope, resolve_versions
from apidrift.profiles.bundled import DEFAULT_API


class DiffFormat(StrEnum):
    """What is printed (text, markdown, json) and, given with others, the report files written."""

    text = "text"
    markdown = "markdown"
    json = "json"
    md = "md"
    html = "html"
    junit = "junit"
    sarif = "sarif"


PRINTED = {DiffFormat.text: DiffFormat.text, DiffFormat.markdown: DiffFormat.markdown}
PRINTED |= {DiffFormat.md: DiffFormat.markdown, DiffFormat.json: DiffFormat.json}


def _formats(given: list[DiffFormat] | None) -> tuple[DiffFormat, list[str] | None]:
    """What to print (the first printable format given, else text) and which report files `--reports`
    writes: the ones named when several formats (or a file-only one) are given, else all five."""
    chosen = given or [DiffFormat.text]
    printed = next((PRINTED[f] for f in chosen if f in PRINTED), DiffFormat.text)
    if len(chosen) == 1 and chosen[0] in PRINTED:
        return printed, None
    return printed, [f.value for f in chosen if f is not DiffFormat.text]


@app.command()
def diff(
    old: Annotated[
        str, typer.Argument(help="Old side: a version label, a contract folder, or an OpenAPI file.")
    ],
    new: Annotated[
        str, typer.Argument(help="New side: a version label, a contract folder, or an OpenAPI file.")
    ],
    format: Annotated[
        list[DiffFormat] | None,
        typer.Option(
            "--format",
            help="What to print: text (default), markdown or json; repeated, also which report files "
            "--reports writes (json, md, html, junit, sarif; default all five).",
        ),
    ] = None,
    fail_on: Annotated[
        FailOn,
        typer.Option(
            "--fail-on",
            help="Exit 1 when a change of this severity or worse is present; new: only new, unaccepted "
            "changes (warning or worse) since the last run of --history.",
        ),
    ] = FailOn.BREAKING,
    include_cosmetic: Annotated[
        bool, typer.Option("--include-cosmetic", help="Also list description-only changes.")
    ] = False,
    by_finding: Annotated[
        bool,
        typer.Option(
            "--by-finding",
            help="Text: list each change once, with the operations it reaches (default: per operation).",
        ),
    ] = False,
    examples: Annotated[
        bool, typer.Option("--examples", help="Search a shrunk counterexample for every breaking change.")
    ] = False,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")
    ] = None,
    report_dir: Annotated[
        Path | None,
        typer.Option(
            "--reports",
            "--report-dir",  # its first name; `--reports` is what every other command calls it
            help="Also write report.json, report.md, report.html, junit.xml and report.sarif here.",
        ),
    ] = None,
    no_reports: NoReportsOption = False,
    scope: Annotated[
        list[str] | None,
        typer.Option(
            "--scope",
            help="Compare only operations whose path starts with this prefix (repeatable). Default: the "
            "--api profile's scope, else every operation.",
        ),
    ] = None,
    operation: Annotated[
        list[str] | None,
        typer.Option(
            "--operation", help="Only changes to operations matching this glob (id or 'METHOD /path')."
        ),
    ] = None,
    path: Annotated[
        list[str] | None, typer.Option("--path", help="Only changes to operations under this path prefix.")
    ] = None,
    severity: Annotated[
        Severity | None, typer.Option("--severity", help="Only changes of this severity or worse.")
    ] = None,
    tag: Annotated[
        list[str] | None,
        typer.Option(
            "--tag",
            help="Only changes to operations with this OpenAPI tag, or in this endpoint family of the "
            "profile (repeatable).",
        ),
    ] = None,
    history: HistoryOption = None,
    baseline: BaselineOption = None,
    annotations: AnnotationsOption = None,
    deprecated_removal: Annotated[
        Severity,
        typer.Option(
            "--deprecated-removal",
            help="Severity of removing a deprecated operation, parameter or response field (no sunset date).",
        ),
    ] = LifecyclePolicy.deprecated_removal,
    after_sunset: Annotated[
        Severity,
        typer.Option("--after-sunset", help="Severity of removing one once its sunset date passed."),
    ] = LifecyclePolicy.after_sunset,
    before_sunset: Annotated[
        Severity,
        typer.Option("--before-sunset", help="Severity of removing one before the sunset date it announced."),
    ] = LifecyclePolicy.before_sunset,
    sunset_key: Annotated[
        list[str] | None,
        typer.Option(
            "--sunset-key",
            help="An extension read as the sunset date (repeatable; first found wins; default: "
            + ", ".join(SUNSET_KEYS)
            + ").",
        ),
    ] = None,
    deprecated_key: Annotated[
        list[str] | None,
        typer.Option(
            "--deprecated-key",
            help="An extension that marks something deprecated besides `deprecated: true` (repeatable; "
            "default: " + ", ".join(DEPRECATED_KEYS) + ").",
        ),
    ] = None,
    contracts: ContractsOption = None,
    api: Annotated[
        str | None,
        typer.Option(
            "--api",
            help=f"The API whose version labels and profile scope apply (labels default to {DEFAULT_API}).",
        ),
    ] = None,
) -> None:
    """Classified, rename-aware changes between two versions; exit 1 at --fail-on or worse.

    The whole of both sides is compared unless --scope or an --api profile with a scope narrows it.
    """
    if no_reports:  # wins over a `reports` set in the configuration file
        report_dir = None
    prefixes = _scope(scope, api, contracts)
    for prefix in prefixes:
        if not prefix.startswith("/"):
            raise ScopeError(f"--scope {prefix!r} must be a path prefix starting with '/'")
    store = ContractStore(contracts, api or DEFAULT_API)
    before, after = resolve_versions([old, new], store, prefixes)
    check_scope(prefixes, before, after, profile="" if scope else str(api))
    policy = LifecyclePolicy(
        deprecated_removal=deprecated_removal,
        after_sunset=after_sunset,
        before_sunset=before_sunset,
        sunset_keys=tuple(sunset_key) if sunset_key else SUNSET_KEYS,
        deprecated_keys=tuple(deprecated_key) if deprecated_key else DEPRECATED_KEYS,
    )
    result = diff_versions(
        before, after, include_cosmetic=include_cosmetic, policy=policy, children=free_cores()
    )
    if operation or path or severity is not None or tag:
        within = _tagged(tag, api, contracts, before, after) if tag else None
        result = result.only(operations=operation or (), paths=path or (), severity=severity, within=within)
    if examples:
        from apidrift.diff.counterexamples import attach_counterexamples

        attach_counterexamples(result, before, after)
    printed, files = _formats(format)
    if printed is DiffFormat.json:
        text = render_json(result)
    elif printed is DiffFormat.markdown:
        text = render_markdown(result, examples=examples)
    else:
        # On a terminal or in a CI log: wrapped to its width (COLUMNS); into a file: lines whole.
        width = None if output is not None else shutil.get_terminal_size((100, 24)).columns
        text = render_text(
            result, examples=examples, by_finding=by_finding, width=width, explain=verbosity() >= VERBOSE
        )
    threshold = Severity.BREAKING if fail_on is FailOn.NEW else Severity(fail_on.value)
    code = 1 if result.at_least(threshold) else 0
    judging = history is not None or baseline is not None or fail_on is FailOn.NEW
    report = None
    if report_dir is not None or judging or wanted(annotations):
        from apidrift.check.run import display_path
        from apidrift.cli.history import history_lines, judged
        from apidrift.report import build_diff_report, write_reports

        sources = [display_path(Path(a)) if Path(a).exists() else a for a in (old, new)]
        report = build_diff_report(result, fail_on=threshold, sources=sources, api=api or after.api)
        if judging:
            report = judged(report, history, baseline, fail_on if fail_on is FailOn.NEW else None)
            code = report.exit_code
            # stderr: stdout is the diff itself, perhaps JSON a script reads.
            for line in history_lines(report) if verbosity() > QUIET else ():
                typer.echo(line, err=True)
        if report_dir is not None:
            from apidrift.report.formats import ReportFormat

            write_reports(report, report_dir, [ReportFormat(f) for f in files] if files else None)
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
    elif printed is not DiffFormat.text or verbosity() > QUIET:
        # --quiet silences the text a person reads; markdown and JSON were asked for by name.
        sys.stdout.write(text)
    if report is not None:
        # JSON on stdout is for a script to read: the annotations go beside it, on stderr.
        print_annotations(report, annotations, err=printed is DiffFormat.json and output is None)
    raise typer.Exit(code)


def _tagged(
    tags: list[str], api: str | None, contracts: Path | None, *versions: ContractVersion
) -> frozenset[str]:
    """The operations of either side a `--tag` names: by OpenAPI tag, or by the profile's families."""
    from apidrift.contracts.selection import Selection
    from apidrift.profiles.model import load_profile

    families = load_profile(api or DEFAULT_API, contracts_root=contracts).families
    wanted = Selection(tags=tuple(tags), families=families)
    names = wanted.names(op for version in versions for op in version.operations.values())
    if not names:
        raise ScopeError(f"{wanted.describe()} selects no operation of either side")
    return names


def _scope(scope: list[str] | None, api: str | None, contracts: Path | None) -> tuple[str, ...]:
    """`--scope` when given, else the scope of the named `--api` profile, else everything."""
    if scope:
        return tuple(scope)
    if api is None:
        return ()
    from apidrift.profiles.model import load_profile

    return load_profile(api, contracts_root=contracts).scope
