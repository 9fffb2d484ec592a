"""`apidrift sdk-check docs|models`: which documented version does an SDK match?

Exit codes (both commands): 2 on bad input (an unreadable document, an unknown version, a missing SDK
package or mapping; one `error: …` line each); with `--against VERSION`, 1 when a document or model
has a finding at `--fail-on` (default: breaking) against that version; without it, 1 when a document
or model matches no version (every version has such a finding); else 0.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, NoReturn

import typer

from apidrift.cli.annotate import AnnotationsOption, print_annotations
from apidrift.cli.app import ApiOption, ContractsOption, app, error, out
from apidrift.cli.history import BaselineOption, HistoryOption
from apidrift.cli.options import FormatsOption, NoReportsOption
from apidrift.contracts.model import ContractStore
from apidrift.diff.changes import Severity
from apidrift.errors import ApidriftError
from apidrift.history.gates import FailOn
from apidrift.profiles.model import DEFAULT_API
from apidrift.report.formats import ReportFormat
from apidrift.sdk.findings import SdkDocReport, SdkModelReport
from apidrift.sdk.render import write_reports

sdk_app = typer.Typer(
    no_args_is_help=True,
    help="Pre-release checks for SDK teams: which documented version does an SDK match?",
)
app.add_typer(sdk_app, name="sdk-check")

AgainstOption = Annotated[
    str | None,
    typer.Option("--against", help="Exit 1 when there are findings at --fail-on against this version."),
]
FailOnOption = Annotated[
    FailOn,
    typer.Option(
        "--fail-on",
        help="The severity that counts as a mismatch for the exit code; new: only new, unaccepted findings "
        "(warning or worse) since the last run of --history.",
    ),
]
ReportsOption = Annotated[Path, typer.Option("--reports", help="Where sdk-report.json and sdk-report.md go.")]


@sdk_app.command("docs")
def docs(
    files: Annotated[
        list[Path], typer.Argument(help="SDK reference documents (openapi-generator or Stainless).")
    ],
    against: AgainstOption = None,
    fail_on: FailOnOption = FailOn.BREAKING,
    reports: ReportsOption = Path("reports"),
    history: HistoryOption = None,
    baseline: BaselineOption = None,
    annotations: AnnotationsOption = None,
    contracts: ContractsOption = None,
    api: ApiOption = DEFAULT_API,
    formats: FormatsOption = None,
    no_reports: NoReportsOption = False,
) -> None:
    """Parse SDK reference docs and say which contract version each matches, listing every mismatch.

    Exit 0: every document matches some version (with --against: no finding at --fail-on against it).
    Exit 1: otherwise. Exit 2: bad input.
    """
    from apidrift.sdk.docs_check import check_documents

    try:
        store = ContractStore(contracts, api)
        report = check_documents(store, files, against=against, fail_on=_severity(fail_on))
    except ApidriftError as exc:
        _fail(exc)
    for d in report.documents:
        out().print(
            f"{d.file}: {d.operations} operations ({d.style}); {_verdict(d.best_match, d.matches)}",
            soft_wrap=True,
        )
        for fit in d.fits:
            out().print(f"  {fit.version}: {_counts(fit.breaking, fit.warning, fit.info)}", soft_wrap=True)
            # Name what breaks (and warns): a count alone sends the reader to the report.
            named = [f for f in d.findings if f.version == fit.version and f.severity is not Severity.INFO]
            for f in sorted(named, key=lambda f: (-f.severity.rank, f.operation, f.path)):
                where = f" {f.path}" if f.path else ""
                line = f"    {f.severity.value} {f.kind.value} {f.operation}{where}: {f.message}"
                out().print(line, soft_wrap=True, markup=False, highlight=False)
    folder = None if no_reports else reports
    _finish(report, folder, history, baseline, fail_on, api, annotations, formats)


@sdk_app.command("models")
def models(
    module: Annotated[str, typer.Argument(help="An installed SDK package, e.g. openai.")],
    mapping: Annotated[
        Path | None,
        typer.Option("--mapping", help="Operation → model JSON file (default: the one bundled for MODULE)."),
    ] = None,
    recordings: Annotated[
        Path | None,
        typer.Option(
            "--recordings", help="Folder of <version>/ recording folders (default: the bundled ones)."
        ),
    ] = None,
    examples: Annotated[
        int, typer.Option("--examples", min=0, help="Generated valid responses per operation and version.")
    ] = 5,
    operation: Annotated[
        list[str] | None, typer.Option("--operation", help="Only this operation (repeatable).")
    ] = None,
    against: AgainstOption = None,
    fail_on: FailOnOption = FailOn.BREAKING,
    reports: ReportsOption = Path("reports"),
    history: HistoryOption = None,
    baseline: BaselineOption = None,
    annotations: AnnotationsOption = None,
    contracts: ContractsOption = None,
    api: ApiOption = DEFAULT_API,
    formats: FormatsOption = None,
    no_reports: NoReportsOption = False,
) -> None:
    """Run each version's recordings and generated responses through an SDK's models, strictly.

    Exit 0: every mapped model fits some version (with --against: no finding at --fail-on against it).
    Exit 1: otherwise. Exit 2: bad input (SDK not installed, no mapping, unreadable recordings).
    """
    from apidrift.sdk.models_check import check_models

    try:
        report = check_models(
            ContractStore(contracts, api),
            module,
            mapping_file=mapping,
            recordings=recordings,
            against=against,
            fail_on=_severity(fail_on),
            examples=examples,
            operations=operation or (),
        )
    except ApidriftError as exc:
        _fail(exc)
    for m in report.models:
        cells = ", ".join(f"{c.version}: {_counts(c.breaking, c.warning, c.info)}" for c in m.checks)
        out().print(f"{m.operation}: {_verdict(m.best_match, m.matches)} ({cells})", soft_wrap=True)
    folder = None if no_reports else reports
    _finish(report, folder, history, baseline, fail_on, api, annotations, formats)


def _verdict(best: str | None, matches: list[str]) -> str:
    if best:
        return f"matches {best} best"
    return f"matches {' and '.join(matches)} equally" if matches else "matches no version"


def _counts(breaking: int, warning: int, info: int) -> str:
    return f"{breaking} breaking, {warning} warning, {info} info"


def _fail(exc: ApidriftError) -> NoReturn:
    error(str(exc))
    raise typer.Exit(2)


def _severity(fail_on: FailOn) -> Severity:
    return Severity.BREAKING if fail_on is FailOn.NEW else Severity(fail_on.value)


def _finish(
    report: SdkDocReport | SdkModelReport,
    folder: Path | None,
    history: Path | None,
    baseline: Path | None,
    fail_on: FailOn,
    api: str,
    annotations: bool | None = None,
    formats: list[ReportFormat] | None = None,
) -> None:
    from apidrift.cli.history import history_lines, judged
    from apidrift.report import write_reports as write_common_reports
    from apidrift.report.build_sdk import build_sdk_report

    common = build_sdk_report(report, api=api)  # the API names its findings' ids and its history
    exit_code = report.summary.exit_code
    if history is not None or baseline is not None or fail_on is FailOn.NEW:
        common = judged(common, history, baseline, fail_on if fail_on is FailOn.NEW else None)
        exit_code = common.exit_code
    # The detailed SDK report, and the same report.json/.md/.html/.sarif and junit.xml as `check` writes.
    written = []
    if folder is not None:
        written = write_reports(report, folder) + write_common_reports(common, folder, formats)
    s = report.summary
    out().print(
        f"{s.matched} of {s.subjects} match at least one version; "
        f"{s.breaking} breaking, {s.warning} warning, {s.info} info; "
        + (f"reports: {', '.join(p.as_posix() for p in written)}" if written else "no reports written"),
        soft_wrap=True,
    )
    for line in history_lines(common):
        out().print(line, soft_wrap=True)
    for problem in report.input_errors:
        where = f"{problem.file}#{problem.pointer}" if problem.pointer else problem.file
        error(f"{where}: {problem.message}" if where else problem.message)
    print_annotations(common, annotations)
    raise typer.Exit(exit_code)
