"""Run a folder of JSON-Schema-Test-Suite files through every path of apidrift that takes a schema.

    .venv/bin/python tools/jsts_sweep.py SUITE_DIR [--only SUBSTRING] [--json FILE] [--list KIND]

SUITE_DIR holds files in the suite's format (a list of `{"description", "schema", "tests": [{"data",
"valid"}]}`), searched recursively; the official draft 2020-12 folder (`tests/draft2020-12/`, with
`optional/` and `optional/format/`) is the intended input. Each schema is made the 200 response body
of one operation of an in-memory contract version, as `import-openapi` would capture an inline schema,
and each test's instance goes through:

- `load`: the version written as contract files and read back (`parse_version`): accepted, refused
  with one clear `ContractError`, or a traceback;
- `fast`: `ResponseValidator.is_valid`, compared with the suite's verdict;
- `explain`: `ResponseValidator.violations`, at least one exactly when the fast path refuses, each
  violation's instance path present in the instance;
- `validate`: `validate()`, the same verdict as the fast path;
- `strict`: `validate(strict=True)`, the same verdict; the closed schema refusing exactly what the open
  one refuses plus bodies with undocumented fields;
- `flatten` / `self-diff`: the schema flattened, and the version diffed against itself (no change);
- `generate`: values drawn from `generate.strategies.from_schema` (the subset contracts use: values
  it makes that the schema refuses are counted, not failures; a traceback is).

A case whose verdict differs where apidrift refuses by design is counted apart, with the reason:
references to other documents (`refRemote`, `$ref`/`$schema` to another host) refused offline,
`format` read as an annotation (2020-12's default), a pattern the linear engine cannot run (reported
and skipped). Every other difference is a finding. Cases slower than one second are flagged.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import tempfile
import time
import traceback
import warnings
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from apidrift.check.validation import ResponseValidator
from apidrift.contracts.model import CONTRACT_FILE, SCHEMAS_FILE, ContractVersion, parse_version
from apidrift.contracts.operations import Operation, ResponseSpec
from apidrift.errors import ApidriftError

SLOW_SECONDS = 1.0
GROUP_TIMEOUT = 60
GENERATED = 5


@dataclass
class Tally:
    """What the sweep found, by path and kind."""

    cases: int = 0
    groups: int = 0
    agree: int = 0
    by_design: Counter[str] = field(default_factory=Counter)
    disagree: Counter[str] = field(default_factory=Counter)
    tracebacks: Counter[str] = field(default_factory=Counter)
    load: Counter[str] = field(default_factory=Counter)
    generate: Counter[str] = field(default_factory=Counter)
    slow: list[tuple[str, float]] = field(default_factory=list)
    details: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def note(self, kind: str, where: str, text: str) -> None:
        self.details[kind].append(f"{where}: {text}")


class _Timeout(Exception):
    pass


def _alarm(signum: int, frame: Any) -> None:
    raise _Timeout


def version_for(schema: Any, defs: dict[str, Any] | None = None) -> ContractVersion:
    """An in-memory contract version whose one operation answers 200 with `schema` as its body
    (`defs`: its named schemas). The tests that run suite cases use it too (tests/unit/suite_versions.py)."""
    # A boolean schema at the top is an object schema's only member (the same instances, and a dict,
    # which is what a contract holds).
    body = schema if isinstance(schema, dict) else {"allOf": [schema]}
    response = ResponseSpec(status="200", description="", schema=body)
    op = Operation(
        id="op",
        method="GET",
        path="/x",
        summary="",
        parameters=(),
        request_body=None,
        responses={"200": response},
    )
    return ContractVersion(
        api="jsts",
        version="v1",
        date=None,
        description="",
        sources=(),
        operations={"op": op},
        schemas=defs or {},
    )


def by_design(path: str, schema: Any, validator: ResponseValidator | None) -> str | None:
    """Why a verdict may differ from the suite's by design, or None."""
    text = json.dumps(schema)
    if "refRemote" in path or "localhost:1234" in text or ("example.com" in text and "$ref" in text):
        return "remote reference (offline by design)"
    if "dependencies-compatibility" in path:
        return "draft 7 `dependencies`: reported at load and ignored"
    if "/format/" in path or path.endswith("format.json") or '"format"' in text:
        return "format is an annotation"
    if validator is not None and validator.unsupported_patterns:
        return "pattern the linear engine cannot run (reported, skipped)"
    if "ecmascript-regex" in path or "non-bmp-regex" in path:
        return "regex dialect"
    return None


def exists_at(instance: Any, pointer: str) -> bool:
    """Whether the JSON pointer `pointer` names a place in `instance`."""
    node = instance
    for raw in pointer.split("/")[1:] if pointer else []:
        part = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return False
    return True


def _trace(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    where = next(
        (f"{Path(f.filename).name}:{f.lineno}" for f in reversed(frames) if "apidrift" in f.filename), ""
    )
    return f"{type(exc).__name__}: {str(exc).splitlines()[0][:160] if str(exc) else ''} [{where}]"


def check_load(version: ContractVersion, where: str, tally: Tally) -> bool:
    """Is the version accepted as contract files? (Else no check ever validates with it.)"""
    files = version.to_files()
    try:
        loaded = parse_version(files[CONTRACT_FILE], files[SCHEMAS_FILE], Path("/nonexistent/jsts"))
    except ApidriftError as exc:
        tally.load["refused (clear error)"] += 1
        tally.note("load refused", where, str(exc)[:200])
        return False
    except Exception as exc:
        tally.load["traceback"] += 1
        tally.tracebacks["load"] += 1
        tally.note("traceback load", where, _trace(exc))
        return False
    tally.load["accepted"] += 1
    if loaded.notes:
        tally.load["accepted with findings"] += 1
        tally.note("load findings", where, "; ".join(str(n)[:120] for n in loaded.notes[:3]))
    return True


def check_schema_paths(version: ContractVersion, where: str, tally: Tally) -> None:
    """The paths that take only the schema: flattening, a self-diff."""
    from apidrift.check.shapes import SchemaFlattener
    from apidrift.diff.engine import diff_versions

    try:
        SchemaFlattener(version.schemas).flatten(version.operations["op"].responses["200"].schema)
    except ApidriftError as exc:
        tally.note("flatten refused", where, str(exc)[:200])
    except Exception as exc:
        tally.tracebacks["flatten"] += 1
        tally.note("traceback flatten", where, _trace(exc))
    try:
        changes = diff_versions(version, replace(version, version="v2"), include_cosmetic=True).changes
    except ApidriftError as exc:
        tally.note("self-diff refused", where, str(exc)[:200])
    except Exception as exc:
        tally.tracebacks["self-diff"] += 1
        tally.note("traceback self-diff", where, _trace(exc))
    else:
        if changes:
            tally.disagree["self-diff"] += 1
            tally.note("self-diff", where, "; ".join(f"{c.kind}" for c in changes[:3]))


def check_generate(version: ContractVersion, validator: ResponseValidator, where: str, tally: Tally) -> None:
    from hypothesis import HealthCheck, given, settings
    from hypothesis.errors import HypothesisException

    from apidrift.generate.strategies import from_schema

    schema = version.operations["op"].responses["200"].schema
    drawn: list[Any] = []
    try:
        strategy = from_schema(schema, version.schemas)

        @settings(
            max_examples=GENERATED, database=None, deadline=None, suppress_health_check=list(HealthCheck)
        )
        @given(strategy)
        def draw(value: Any) -> None:
            drawn.append(value)

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            draw()
    except HypothesisException as exc:
        tally.generate["cannot generate"] += 1
        tally.note("generate cannot", where, _trace(exc))
        return
    except Exception as exc:
        tally.generate["traceback"] += 1
        tally.note("generate traceback", where, _trace(exc))
        return
    bad = [v for v in drawn if not validator.is_valid("op", "200", v)]
    tally.generate["schemas: all values valid" if not bad else "schemas: some values invalid"] += 1
    if bad:
        tally.note("generate invalid", where, json.dumps(bad[0])[:120])


def imported_validator(schema: Any, where: str, folder: Path, tally: Tally) -> ResponseValidator | None:
    """The schema as the 200 response of an OpenAPI 3.1 document, through `import-openapi`'s reader,
    converter and soundness repairs; None when the import refuses it (counted) or fails (a traceback)."""
    from apidrift.openapi.sources import import_openapi_file

    document = {
        "openapi": "3.1.0",
        "info": {"title": "suite", "version": "1"},
        "paths": {
            "/x": {
                "get": {
                    "operationId": "op",
                    "responses": {
                        "200": {"description": "", "content": {"application/json": {"schema": schema}}}
                    },
                }
            }
        },
    }
    path = folder / "suite.json"
    path.write_text(json.dumps(document))
    try:
        version = import_openapi_file(path, version="v1", use_cache=False).version
        validator = ResponseValidator(version)
        validator.is_valid("op", "200", None)
    except ApidriftError as exc:
        tally.load["import refused (clear error)"] += 1
        tally.note("import refused", where, str(exc).replace(str(path), "suite.json")[:200])
        return None
    except Exception as exc:
        tally.tracebacks["import"] += 1
        tally.note("traceback import", where, _trace(exc))
        return None
    tally.load["imported"] += 1
    return validator


def check_imported(validator: ResponseValidator, data: Any, fast: bool, where: str, tally: Tally) -> bool:
    """The imported version's verdict is the direct one's (the converter keeps what a schema means)."""
    try:
        verdict = validator.is_valid("op", "200", data)
    except Exception as exc:
        tally.tracebacks["import validate"] += 1
        tally.note("traceback import validate", where, _trace(exc))
        return False
    if verdict != fast:
        tally.disagree["imported verdict vs direct"] += 1
        tally.note(
            "imported verdict vs direct", where, f"direct {fast}, imported {verdict}: {json.dumps(data)[:80]}"
        )
        return False
    return True


def check_linear(version: ContractVersion, data: Any, fast: bool, where: str, tally: Tally) -> bool:
    """The simulator's and fuzzer's validator (`check.linear`, Python `jsonschema` on the same regex
    engine) gives the fast path's verdict, with errors exactly when it refuses."""
    from apidrift.check.linear import LinearValidator

    try:
        linear = LinearValidator(version.response_schema("op", "200"), registry=version.registry)
        verdict = bool(linear.is_valid(data))
        errors = next(iter(linear.iter_errors(data)), None)
    except Exception as exc:
        tally.tracebacks["linear"] += 1
        tally.note("traceback linear", where, _trace(exc))
        return False
    if verdict != fast or (errors is None) != verdict:
        tally.disagree["linear vs fast"] += 1
        tally.note("linear vs fast", where, f"fast {fast}, linear {verdict}: {json.dumps(data)[:80]}")
        return False
    return True


def check_case(
    validator: ResponseValidator,
    data: Any,
    expected: bool,
    where: str,
    design: str | None,
    tally: Tally,
    *,
    also_ok: bool = True,
) -> None:
    tally.cases += 1
    ok = True
    started = time.process_time()
    try:
        fast = validator.is_valid("op", "200", data)
    except Exception as exc:
        tally.tracebacks["fast"] += 1
        tally.note("traceback fast", where, _trace(exc))
        return
    if fast != expected:
        if design:
            tally.by_design[design] += 1
        else:
            ok = False
            tally.disagree["verdict vs suite"] += 1
            tally.note(
                "verdict vs suite", where, f"suite {expected}, apidrift {fast}: {json.dumps(data)[:100]}"
            )
    try:
        violations = validator.violations("op", "200", data)
    except Exception as exc:
        ok = False
        tally.tracebacks["explain"] += 1
        tally.note("traceback explain", where, _trace(exc))
    else:
        if bool(violations) == fast:
            ok = False
            tally.disagree["explain vs fast"] += 1
            tally.note(
                "explain vs fast",
                where,
                f"fast {fast}, {len(violations)} violations: {json.dumps(data)[:80]}",
            )
        lost = [v.instance_path for v in violations if not exists_at(data, v.instance_path)]
        if lost:
            ok = False
            tally.disagree["explain path not in instance"] += 1
            tally.note("explain path not in instance", where, f"{lost[:3]} in {json.dumps(data)[:80]}")
    try:
        plain = validator.validate("op", "200", data)
        if plain.valid != fast:
            ok = False
            tally.disagree["validate vs fast"] += 1
            tally.note("validate vs fast", where, f"fast {fast}: {json.dumps(data)[:80]}")
    except Exception as exc:
        ok = False
        tally.tracebacks["validate"] += 1
        tally.note("traceback validate", where, _trace(exc))
    ok = _check_strict(validator, data, fast, where, tally) and ok
    ok = check_linear(validator.version, data, fast, where, tally) and ok
    spent = time.process_time() - started
    if spent > SLOW_SECONDS:
        tally.slow.append((where, spent))
    if ok and also_ok:
        tally.agree += 1


def _check_strict(validator: ResponseValidator, data: Any, fast: bool, where: str, tally: Tally) -> bool:
    try:
        strict = validator.validate("op", "200", data, strict=True)
    except ApidriftError as exc:
        tally.note("strict refused", where, str(exc)[:160])
        return True
    except Exception as exc:
        tally.tracebacks["strict"] += 1
        tally.note("traceback strict", where, _trace(exc))
        return False
    ok = True
    if strict.valid != fast:
        ok = False
        tally.disagree["strict verdict vs fast"] += 1
        tally.note("strict verdict vs fast", where, f"fast {fast}: {json.dumps(data)[:80]}")
    try:
        closed = validator._closed_validator("op", "200")
        if closed is not None:
            accepts = bool(closed.is_valid(data))
            # The walk itself: `strict.undocumented` is empty whenever the closed schema accepts.
            walk = validator.undocumented("op", "200", data, expected=True) if fast else ()
            open_accepts_documented = fast and not walk
            if accepts != open_accepts_documented:
                # Refusing more only sends a body to the walk (slower, same result); admitting more
                # would call a body exact that is invalid or has undocumented fields.
                kind = (
                    "closed admits more than open+documented" if accepts else "closed refuses more (walked)"
                )
                if accepts:
                    ok = False
                    tally.disagree[kind] += 1
                else:
                    tally.by_design[kind] += 1
                tally.note(
                    kind,
                    where,
                    f"closed {accepts}, open {fast}, "
                    f"undocumented {[u.field for u in walk][:3]}: "
                    f"{json.dumps(data)[:80]}",
                )
    except Exception as exc:
        tally.tracebacks["closed"] += 1
        tally.note("traceback closed", where, _trace(exc))
        return False
    return ok


def run_group(
    path: str,
    index: int,
    group: dict[str, Any],
    tallies: tuple[Tally, Tally],
    *,
    generate: bool,
    scratch: Path | None = None,
) -> None:
    """One schema and its tests; tallied in the first tally if contract loading accepts the schema
    (what a check can meet), else in the second (in-memory versions only)."""
    where = f"{path}#{index} {group.get('description', '')[:60]}"
    version = version_for(group["schema"])
    tally = tallies[0] if check_load(version, where, tallies[0]) else tallies[1]
    tally.groups += 1
    validator = ResponseValidator(version)
    try:
        validator.is_valid("op", "200", None)
    except Exception as exc:
        design = by_design(path, group["schema"], None)
        kind = "compile refused" if isinstance(exc, ApidriftError) else "compile error"
        for _test in group["tests"]:
            tally.cases += 1
            if design:
                tally.by_design[design] += 1
            else:
                tally.tracebacks[kind] += 1
        tally.note(f"{kind}{' (by design)' if design else ''}", where, _trace(exc))
        return
    design = by_design(path, group["schema"], validator)
    imported = imported_validator(group["schema"], where, scratch, tally) if scratch is not None else None
    for i, test in enumerate(group["tests"]):
        imported_ok = True
        if imported is not None:
            try:
                fast = validator.is_valid("op", "200", test["data"])
            except Exception:  # counted by check_case
                fast = None
            if fast is not None:
                imported_ok = check_imported(imported, test["data"], fast, f"{where} / {i}", tally)
        check_case(
            validator,
            test["data"],
            test["valid"],
            f"{where} / {i} {test.get('description', '')[:50]}",
            design,
            tally,
            also_ok=imported_ok,
        )
    check_schema_paths(version, where, tally)
    if generate:
        check_generate(version, validator, where, tally)


def sweep(
    folder: Path, *, only: str = "", generate: bool = True, scratch: Path | None = None
) -> tuple[Tally, Tally]:
    """(schemas a contract can hold, schemas contract loading refuses) over every file below `folder`."""
    tally, unloadable = Tally(), Tally()
    signal.signal(signal.SIGALRM, _alarm)
    for file in sorted(folder.rglob("*.json")):
        rel = str(file.relative_to(folder))
        if only and only not in rel:
            continue
        groups = json.loads(file.read_text())
        for index, group in enumerate(groups):
            signal.alarm(GROUP_TIMEOUT)
            try:
                run_group(rel, index, group, (tally, unloadable), generate=generate, scratch=scratch)
            except _Timeout:
                tally.tracebacks["timeout"] += 1
                tally.note("timeout", f"{rel}#{index}", f"past {GROUP_TIMEOUT} s")
            finally:
                signal.alarm(0)
    return tally, unloadable


def summary(tally: Tally) -> dict[str, Any]:
    return {
        "groups": tally.groups,
        "cases": tally.cases,
        "agree": tally.agree,
        "by_design": dict(tally.by_design),
        "disagree": dict(tally.disagree),
        "tracebacks": dict(tally.tracebacks),
        "load": dict(tally.load),
        "generate": dict(tally.generate),
        "slow": [f"{w} ({s:.2f} s)" for w, s in tally.slow],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("suite", type=Path)
    parser.add_argument("--only", default="")
    parser.add_argument("--json", type=Path, help="write the summary and every detail here")
    parser.add_argument(
        "--list", action="append", default=[], help="print the details of this kind (repeatable)"
    )
    parser.add_argument("--no-generate", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        tally, unloadable = sweep(
            args.suite, only=args.only, generate=not args.no_generate, scratch=Path(scratch)
        )
    result = summary(tally)
    result["refused by contract loading (validated in memory only)"] = summary(unloadable)
    print(json.dumps(result, indent=2))
    details: dict[str, list[str]] = defaultdict(list, tally.details)
    for kind, lines in unloadable.details.items():
        details[f"unloadable: {kind}"].extend(lines)
    for kind in sorted(details):
        print(f"{kind}: {len(details[kind])}")
    for kind in args.list:
        print(f"\n## {kind}")
        for line in details.get(kind, []):
            print(f"  {line}")
    if args.json:
        args.json.write_text(json.dumps({**result, "details": details}, indent=2) + "\n")
    return 1 if tally.disagree or tally.tracebacks else 0


if __name__ == "__main__":
    sys.exit(main())
