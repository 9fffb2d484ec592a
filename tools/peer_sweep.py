"""Sweep a folder of a peer's base/revision OpenAPI pairs through `apidrift diff` and tabulate it.

    .venv/bin/python tools/peer_sweep.py FOLDER [--manifest FILE] [--cli-sample N] [--markdown FILE]

Every `*.yaml`/`*.yml`/`*.json` of FOLDER is imported (`import_openapi_file`) and diffed with itself;
every `X_base.*` with an `X_revision.*` beside it, and every pair the manifest names, is diffed both
ways in-process (`diff_versions`); N pairs (evenly spread) also run through the CLI
(`apidrift diff BASE REV --format json`). The manifest (TOML) says what the peer expects:

    [[pair]]
    base = "x_base.yaml"
    revision = "x_revision.yaml"
    forward = "ERR"       # the peer's gravest level base -> revision: ERR, WARN, INFO or NONE
                          # (WARN+: a warning or graver, both agree)
    backward = "INFO"     # the same, revision -> base (optional)
    source = "TestX"      # the peer's test that says so

Recorded: internal faults (a traceback in-process, exit 3 or a traceback from the CLI), refusals
of documents (an `ApidriftError` on import: the peer's tests load them all, so each is suspect),
non-empty self-diffs, and per direction with an expectation whether apidrift agrees: it must grade
an ERR pair `breaking`, a WARN pair `warning` or graver, report something for an INFO pair and
nothing above `info` for a NONE pair. Graver than the peer is listed apart (often on purpose: see
docs/drift-rules.md); the exit code is 1 when any fault, refusal, self-diff or missed ERR is left.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tomllib
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from apidrift.contracts.model import ContractVersion
from apidrift.diff.engine import diff_versions
from apidrift.errors import ApidriftError
from apidrift.openapi.sources import import_openapi_file

SUFFIXES = (".yaml", ".yml", ".json")
LEVELS = {"NONE": -1, "INFO": 0, "WARN": 1, "ERR": 2, "WARN+": 1}
# Levels that set a floor only: a graver grade agrees (a widened response: warning or breaking).
FLOORS = {"WARN+"}
RANK = {"info": 0, "warning": 1, "breaking": 2}
CLI = [sys.executable, "-m", "apidrift.cli", "diff"]


@dataclass(frozen=True)
class Pair:
    """Two documents of the folder and what the peer expects of each direction (None: unsaid)."""

    base: str
    revision: str
    forward: str | None = None
    backward: str | None = None
    source: str = ""


@dataclass
class Sweep:
    """What the sweep found, problem by problem."""

    documents: int = 0
    faults: list[str] = field(default_factory=list)
    refusals: list[str] = field(default_factory=list)
    self_diffs: list[str] = field(default_factory=list)
    # Pairs with changes one way and none the other: a change seen from one side only.
    one_sided: list[str] = field(default_factory=list)
    directions: int = 0
    verdicts: Counter[tuple[str, str]] = field(default_factory=Counter)
    rows: list[tuple[str, str, str, str, str]] = field(default_factory=list)
    cli_runs: int = 0


def discover(folder: Path, manifest: Path | None, families: bool = False) -> list[Pair]:
    """The manifest's pairs, then every `X_base`/`X_revision` pair of the folder it does not name,
    and with `families` every two documents named `FAMILY__a` and `FAMILY__b` (one family)."""
    named: list[Pair] = []
    if manifest is not None:
        for entry in tomllib.loads(manifest.read_text(encoding="utf-8")).get("pair", []):
            named.append(Pair(**entry))
    seen = {(p.base, p.revision) for p in named}
    for path in sorted(folder.iterdir()):
        stem, suffix = path.stem, path.suffix
        if suffix in SUFFIXES and stem.endswith("_base"):
            revision = path.with_name(stem[: -len("_base")] + "_revision" + suffix)
            if revision.exists() and (path.name, revision.name) not in seen:
                named.append(Pair(path.name, revision.name))
    if families:
        seen |= {(p.base, p.revision) for p in named} | {(p.revision, p.base) for p in named}
        members: dict[str, list[str]] = {}
        for path in sorted(folder.iterdir()):
            if path.suffix in SUFFIXES and "__" in path.stem:
                members.setdefault(path.stem.split("__")[0], []).append(path.name)
        for names in members.values():
            for i, a in enumerate(names):
                named += [Pair(a, b) for b in names[i + 1 :] if (a, b) not in seen]
    return named


def _import(path: Path, sweep: Sweep) -> ContractVersion | None:
    try:
        return import_openapi_file(path, use_cache=False).version
    except ApidriftError as exc:
        sweep.refusals.append(f"{path.name}: {exc}")
    except Exception:
        sweep.faults.append(f"import {path.name}: {traceback.format_exc(limit=-3)}")
    return None


def _gravest(old: ContractVersion, new: ContractVersion) -> tuple[int, list[str]]:
    changes = diff_versions(old, new).changes
    gravest = max((RANK[c.severity.value] for c in changes), default=-1)
    return gravest, sorted({f"{c.kind.value}:{c.severity.value}" for c in changes})


def verdict(expected: str, gravest: int) -> str:
    """How apidrift's gravest severity (-1: nothing) compares with the peer's level."""
    want = LEVELS[expected]
    if want == LEVELS["NONE"]:
        return "agree" if gravest <= RANK["info"] else "graver"
    if gravest < 0:
        return "missed"
    if gravest < want:
        return "lower"
    # A warning where the peer informs is apidrift's "look at it"; breaking where it informs is listed.
    graver = gravest > want and (want >= RANK["warning"] or gravest == RANK["breaking"])
    return "graver" if graver and expected not in FLOORS else "agree"


def run(folder: Path, manifest: Path | None, cli_sample: int, families: bool = False) -> Sweep:
    sweep = Sweep()
    versions: dict[str, ContractVersion | None] = {}
    for path in sorted(p for p in folder.iterdir() if p.suffix in SUFFIXES):
        sweep.documents += 1
        version = versions[path.name] = _import(path, sweep)
        if version is None:
            continue
        try:
            gravest, kinds = _gravest(version, version)
        except Exception:
            sweep.faults.append(f"self-diff {path.name}: {traceback.format_exc(limit=-3)}")
            continue
        if kinds:
            sweep.self_diffs.append(f"{path.name}: {kinds}")
    pairs = discover(folder, manifest, families)
    for pair in pairs:
        seen: list[int] = []
        for _direction, (a, b), expected in (
            ("forward", (pair.base, pair.revision), pair.forward),
            ("backward", (pair.revision, pair.base), pair.backward),
        ):
            if a not in versions or b not in versions:
                sweep.refusals.append(f"{a} -> {b}: the manifest names a file the folder lacks")
                continue
            old, new = versions[a], versions[b]
            if old is None or new is None:
                continue
            sweep.directions += 1
            try:
                gravest, kinds = _gravest(old, new)
            except Exception:
                sweep.faults.append(f"diff {a} -> {b}: {traceback.format_exc(limit=-3)}")
                continue
            seen.append(gravest)
            if expected is None:
                continue
            said = verdict(expected, gravest)
            sweep.verdicts[(expected, said)] += 1
            if said != "agree":
                sweep.rows.append((f"{a} -> {b}", expected, said, ", ".join(kinds) or "nothing", pair.source))
        if len(seen) == 2 and min(seen) < 0 <= max(seen):
            sweep.one_sided.append(f"{pair.base} <-> {pair.revision}")
    step = max(1, len(pairs) // cli_sample) if cli_sample else 0
    for pair in pairs[::step] if step else []:
        sweep.cli_runs += 1
        done = subprocess.run(
            [*CLI, str(folder / pair.base), str(folder / pair.revision), "--format", "json"],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if done.returncode not in (0, 1, 2) or "Traceback" in done.stderr:
            sweep.faults.append(
                f"cli {pair.base} {pair.revision}: exit {done.returncode} {done.stderr[-400:]}"
            )
        elif done.returncode in (0, 1):
            json.loads(done.stdout)
    return sweep


def table(sweep: Sweep, pairs: int) -> str:
    lines = [
        f"- documents: {sweep.documents}; pairs: {pairs}; directions diffed: {sweep.directions}; "
        f"CLI runs: {sweep.cli_runs}",
        f"- internal faults: {len(sweep.faults)}; refusals: {len(sweep.refusals)}; "
        f"non-empty self-diffs: {len(sweep.self_diffs)}; one-sided pairs: {len(sweep.one_sided)}",
        "",
        "| peer level | agree | missed | lower | graver |",
        "| --- | --- | --- | --- | --- |",
    ]
    for level in LEVELS:
        counts = [sweep.verdicts[(level, v)] for v in ("agree", "missed", "lower", "graver")]
        if any(counts):
            lines.append(f"| {level} | " + " | ".join(map(str, counts)) + " |")
    for title, items in (
        ("faults", sweep.faults),
        ("refusals", sweep.refusals),
        ("self-diffs", sweep.self_diffs),
        ("one-sided (changes one way, none the other)", sweep.one_sided),
    ):
        if items:
            lines += ["", f"{title}:", *(f"- {item.strip()}" for item in items)]
    if sweep.rows:
        lines += [
            "",
            "| direction | peer | apidrift | apidrift reports | peer test |",
            "| --- | --- | --- | --- | --- |",
        ]
        lines += [f"| {' | '.join(row)} |" for row in sweep.rows]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--manifest", type=Path)
    parser.add_argument("--cli-sample", type=int, default=10, help="pairs also run through the CLI")
    parser.add_argument("--markdown", type=Path, help="also write the table here")
    parser.add_argument("--families", action="store_true", help="also pair the documents of a FAMILY__name")
    args = parser.parse_args()
    sweep = run(args.folder, args.manifest, args.cli_sample, args.families)
    text = table(sweep, len(discover(args.folder, args.manifest, args.families)))
    print(text, end="")
    if args.markdown:
        args.markdown.write_text(text, encoding="utf-8")
    missed_err = any(level == "ERR" and said in ("missed", "lower") for level, said in sweep.verdicts)
    sys.exit(1 if sweep.faults or sweep.refusals or sweep.self_diffs or missed_err else 0)


if __name__ == "__main__":
    main()
