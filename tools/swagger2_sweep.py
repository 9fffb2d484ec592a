"""Compare apidrift's import of Swagger 2.0 documents with its import of their expected OpenAPI 3 conversions.

    .venv/bin/python tools/swagger2_sweep.py FOLDER [--known KNOWN.toml] [--json FILE]

FOLDER holds one subfolder per fixture, as swagger2openapi's `test/s2o-test/` does: `swagger.yaml` (or
`.json`) and, where there is one, the expected `openapi.yaml`. For each fixture the 2.0 document is
imported (a failure is its first error line), then `apidrift diff expected.yaml swagger.yaml` is run
in-process: it must be empty, or each change's kind must be named in KNOWN.toml under the fixture
(`[fixture] kinds = ["..."]`, `reason = "..."`: a known difference of swagger2openapi's output).
Fixtures without an expected document only have to import. Exit 1 when any fixture is unexplained.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path

from apidrift.contracts.model import ContractStore
from apidrift.diff.engine import diff_versions
from apidrift.errors import ApidriftError
from apidrift.openapi.sources import resolve_versions


@dataclass
class Outcome:
    fixture: str
    verdict: str  # empty, explained, differs, imported (no expected document), failed
    operations: int = 0
    changes: list[str] = field(default_factory=list)
    note: str = ""


def _first(folder: Path, stem: str) -> Path | None:
    return next(
        (folder / f"{stem}{s}" for s in (".yaml", ".yml", ".json") if (folder / f"{stem}{s}").is_file()), None
    )


def sweep_one(folder: Path, known: dict[str, dict[str, object]]) -> Outcome:
    swagger, expected = _first(folder, "swagger"), _first(folder, "openapi")
    outcome = Outcome(folder.name, "failed")
    assert swagger is not None
    store = ContractStore(Path(tempfile.gettempdir()) / "swagger2-sweep-contracts")
    try:
        if expected is None:
            (converted,) = resolve_versions([str(swagger)], store)
            outcome.verdict, outcome.operations = "imported", len(converted.operations)
            return outcome
        before, after = resolve_versions([str(expected), str(swagger)], store)
    except ApidriftError as exc:
        outcome.note = str(exc).splitlines()[0][:200]
        return outcome
    outcome.operations = len(after.operations)
    changes = diff_versions(before, after, include_cosmetic=False).changes
    outcome.changes = [f"{c.kind} {c.operation or ''} {c.path}".strip() for c in changes]
    entry = known.get(folder.name, {})
    allowed = set(entry.get("kinds", [])) if isinstance(entry.get("kinds"), list) else set()  # type: ignore[arg-type]
    if not changes:
        outcome.verdict = "empty"
    elif all(str(c.kind) in allowed for c in changes):
        outcome.verdict, outcome.note = "explained", str(entry.get("reason", ""))
    else:
        outcome.verdict = "differs"
    return outcome


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--known", type=Path, help="TOML: [fixture] kinds = [...] reason = '...'")
    parser.add_argument("--json", type=Path, help="write the outcomes here as JSON")
    args = parser.parse_args(argv)
    known = tomllib.loads(args.known.read_text()) if args.known else {}
    # A throwaway import cache: the sweep measures the converter, not a cache of an earlier build.
    os.environ.setdefault("APIDRIFT_CACHE_DIR", tempfile.mkdtemp(prefix="swagger2-sweep-"))
    folders = sorted(
        p.parent for p in args.folder.glob("*/swagger.*") if p.suffix in (".yaml", ".yml", ".json")
    )
    outcomes = [sweep_one(folder, known) for folder in folders]
    for o in outcomes:
        detail = o.note or "; ".join(o.changes[:3]) + (
            f" (+{len(o.changes) - 3})" if len(o.changes) > 3 else ""
        )
        print(f"{o.verdict:10} {o.fixture:32} ops={o.operations:<3} {detail}")
    tally = {
        v: sum(o.verdict == v for o in outcomes)
        for v in ("empty", "explained", "imported", "differs", "failed")
    }
    print(f"{len(outcomes)} fixtures: " + ", ".join(f"{n} {v}" for v, n in tally.items()))
    if args.json:
        args.json.write_text(json.dumps([asdict(o) for o in outcomes], indent=1) + "\n")
    return 1 if tally["differs"] or tally["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
