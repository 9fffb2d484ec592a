"""Sweep response-validation cases (an OpenAPI document, an operation and status, a body, whether the
body is valid) through apidrift's check and tabulate where it agrees.

    .venv/bin/python tools/oas_validation_sweep.py CASES.yaml [--cli] [--markdown FILE]

CASES.yaml (paths relative to it):

    documents:                      # name -> OpenAPI 3.0/3.1 file
      petstore: petstore.yaml
    cases:
      - doc: petstore
        op: findPets                # operationId, or "GET /pets"
        status: 200                 # the HTTP status the server answered
        body: [{"id": 1}]
        valid: true                 # the verdict the OpenAPI Specification gives
        peer: false                 # the peer's verdict, only where it differs (optional)
        source: "openapi-core tests/…::test_x"
        deliberate: "why"           # apidrift departs from `valid` on purpose (optional)
    schemas:                        # a schema alone, wrapped in a one-operation document
      - oas: "3.0.3"
        schema: {type: string, nullable: true}
        components: {}              # optional `components/schemas`
        body: null
        valid: true
        source: "openapi-schema-validator …"

Each document is imported (`import_openapi_file`) and each body checked as `apidrift check` checks a
recording (`RecordingChecker.check`: strict validation against the one version). With `--cli` the
first case of each document also runs through `apidrift import-openapi` and `apidrift check
--recordings` in a subprocess, and its verdict must be the in-process one. Outcomes: agree; missed
(accepted, the specification refuses: drift not seen, the worst); false (refused, the
specification allows); refused (an error about the document or the recording); fault (a traceback);
deliberate (a departure the case names with its reason). The exit code is 1 when anything but
agreement or a deliberate departure is left.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from apidrift.check.checker import RecordingChecker
from apidrift.check.recordings import LoadedRecording, Provenance, Recording, write_recordings
from apidrift.check.validation import ResponseValidator
from apidrift.contracts.model import ContractVersion
from apidrift.errors import ApidriftError
from apidrift.openapi.sources import import_openapi_file

LABEL = "v1"
OUTCOMES = ("agree", "missed", "false", "refused", "fault", "deliberate")


@dataclass(frozen=True)
class Case:
    """One body and the verdict the OpenAPI Specification gives it."""

    doc: str
    op: str
    status: int
    body: Any
    valid: bool
    source: str = ""
    peer: bool | None = None
    deliberate: str = ""


@dataclass
class Sweep:
    """Every case's outcome, and the CLI runs that disagreed with the in-process verdict."""

    rows: list[tuple[Case, str, str]] = field(default_factory=list)
    cli_runs: int = 0
    cli_mismatches: list[str] = field(default_factory=list)

    @property
    def counts(self) -> Counter[str]:
        return Counter(outcome for _, outcome, _ in self.rows)


def read_cases(path: Path, scratch: Path) -> tuple[dict[str, Path], list[Case]]:
    """The documents and cases of a cases file; `schemas` entries become one-operation documents."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    documents = {name: path.parent / file for name, file in (raw.get("documents") or {}).items()}
    cases = [_case(entry) for entry in raw.get("cases") or []]
    for n, entry in enumerate(raw.get("schemas") or []):
        name = f"schema-{n}"
        documents[name] = scratch / f"{name}.json"
        documents[name].write_text(json.dumps(_wrap(entry)), encoding="utf-8")
        cases.append(_case({**entry, "doc": name, "op": "probe", "status": 200}))
    return documents, cases


def _case(entry: dict[str, Any]) -> Case:
    return Case(
        doc=str(entry["doc"]),
        op=str(entry["op"]),
        status=int(entry["status"]),
        body=entry.get("body"),
        valid=bool(entry["valid"]),
        source=str(entry.get("source", "")),
        peer=entry.get("peer"),
        deliberate=str(entry.get("deliberate", "")),
    )


def _wrap(entry: dict[str, Any]) -> dict[str, Any]:
    """A schema case as a document: `GET /probe` answers 200 with a body of that schema."""
    media = {"application/json": {"schema": entry["schema"]}}
    return {
        "openapi": str(entry.get("oas", "3.0.3")),
        "info": {"title": "probe", "version": "1.0.0"},
        "paths": {
            "/probe": {
                "get": {
                    "operationId": "probe",
                    "responses": {"200": {"description": "ok", "content": media}},
                }
            }
        },
        "components": {"schemas": entry.get("components") or {}},
    }


def operation_of(version: ContractVersion, op: str) -> str:
    """An operationId, or the id of the operation `METHOD /path` names."""
    if op in version.operations:
        return op
    method, _, path = op.partition(" ")
    for candidate in version.operations.values():
        if candidate.method == method.upper() and candidate.path == path:
            return candidate.id
    return op


def verdict(checker: RecordingChecker, version: ContractVersion, case: Case) -> tuple[str, str]:
    """(outcome, detail) of one case checked as `apidrift check` checks a recording."""
    op_id = operation_of(version, case.op)
    operation = version.operations.get(op_id)
    recording = Recording(
        operation=op_id,
        method=operation.method if operation else "GET",
        path=operation.path if operation else "/",
        status=case.status,
        body=case.body,
        provenance=Provenance(source="sweep", version=LABEL),
    )
    try:
        checked = checker.check(LoadedRecording(f"{case.doc}.json", recording))
    except ApidriftError as exc:
        return "refused", str(exc)
    except Exception as exc:  # a traceback is what the sweep is here to find
        return "fault", f"{type(exc).__name__}: {exc}"
    valid = checked.result.valid
    detail = "; ".join(v.describe() for v in checked.result.violations[:2])
    if valid == case.valid:
        return "agree", detail
    if case.deliberate:
        return "deliberate", case.deliberate
    return ("missed" if valid else "false"), detail


def run(cases_file: Path, use_cli: bool) -> Sweep:
    sweep = Sweep()
    with tempfile.TemporaryDirectory(prefix="oas-sweep-") as tmp:
        scratch = Path(tmp)
        documents, cases = read_cases(cases_file, scratch)
        by_doc: dict[str, list[Case]] = {}
        for case in cases:
            by_doc.setdefault(case.doc, []).append(case)
        for name, doc_cases in by_doc.items():
            try:
                imported = import_openapi_file(documents[name], version=LABEL, api="sweep", use_cache=False)
            except ApidriftError as exc:
                sweep.rows += [(c, "refused", f"document: {exc}") for c in doc_cases]
                continue
            except Exception as exc:
                detail = f"document: {type(exc).__name__}: {exc}"
                sweep.rows += [(c, "fault", detail) for c in doc_cases]
                traceback.print_exc()
                continue
            version = imported.version
            checker = RecordingChecker({LABEL: ResponseValidator(version)}, (LABEL,), LABEL)
            rows = [(c, *verdict(checker, version, c)) for c in doc_cases]
            sweep.rows += rows
            if use_cli:
                _cli_check(documents[name], version, rows[0], scratch / name, sweep)
    return sweep


def _cli_check(
    document: Path, version: ContractVersion, row: tuple[Case, str, str], scratch: Path, sweep: Sweep
) -> None:
    """The case through `apidrift import-openapi` and `apidrift check`: exit 0 is valid, 1 invalid."""
    case, outcome, _ = row
    op_id = operation_of(version, case.op)
    operation = version.operations.get(op_id)
    if operation is None or outcome == "fault":
        return
    contracts, recordings = scratch / "contracts", scratch / "recordings"
    cli = [sys.executable, "-m", "apidrift.cli"]
    options = ["--contracts", str(contracts), "--api", "sweep"]
    examples = ["--version", LABEL, "--recordings-out", str(scratch / "examples"), "-q"]
    imported = subprocess.run(
        [*cli, "import-openapi", str(document), *options, *examples],
        capture_output=True,
        text=True,
        check=False,
    )
    recording = Recording(
        operation=op_id, method=operation.method, path=operation.path, status=case.status, body=case.body
    )
    write_recordings(recordings, [("case.json", recording)])
    done = subprocess.run(
        [*cli, "check", *options, "--against", LABEL, "--recordings", str(recordings), "--no-reports", "-q"],
        capture_output=True,
        text=True,
        check=False,
    )
    sweep.cli_runs += 1
    disagrees = outcome in ("missed", "false", "deliberate")
    in_process = case.valid if outcome == "agree" else (not case.valid if disagrees else None)
    by_cli = {0: True, 1: False}.get(done.returncode)
    if imported.returncode not in (0, 1) or by_cli != in_process:
        sweep.cli_mismatches.append(
            f"{case.doc} {case.op} {case.status}: in-process {outcome}, import exit {imported.returncode}, "
            f"check exit {done.returncode} {done.stderr.strip()[:200]}"
        )


def table(sweep: Sweep) -> str:
    """The figures, then every case that is not agreement (worst first)."""
    counts = sweep.counts
    lines = [
        f"cases: {len(sweep.rows)}  " + "  ".join(f"{o}: {counts[o]}" for o in OUTCOMES),
        f"CLI runs: {sweep.cli_runs}, disagreeing with in-process: {len(sweep.cli_mismatches)}",
        "",
        "| outcome | document | operation | status | expected | peer | source | apidrift says |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    order = {o: i for i, o in enumerate(("missed", "fault", "false", "refused", "deliberate", "agree"))}
    for case, outcome, detail in sorted(sweep.rows, key=lambda r: order[r[1]]):
        if outcome == "agree" and case.peer is None:
            continue
        peer = "" if case.peer is None else ("valid" if case.peer else "invalid")
        expected = "valid" if case.valid else "invalid"
        cells = [outcome, case.doc, case.op, str(case.status), expected, peer, case.source, detail[:160]]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    lines += [f"- CLI: {m}" for m in sweep.cli_mismatches]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("cases", type=Path)
    parser.add_argument("--cli", action="store_true", help="also run one case per document through the CLI")
    parser.add_argument("--markdown", type=Path, help="write the table here too")
    args = parser.parse_args(argv)
    sweep = run(args.cases, args.cli)
    text = table(sweep)
    print(text, end="")
    if args.markdown:
        args.markdown.write_text(text, encoding="utf-8")
    counts = sweep.counts
    settled = counts["agree"] + counts["deliberate"]
    return 0 if settled == len(sweep.rows) and not sweep.cli_mismatches else 1


if __name__ == "__main__":
    sys.exit(main())
