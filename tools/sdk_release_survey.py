"""Which documented version each release of an SDK fits: `apidrift sdk-check models` over many releases.

Each release is fetched from PyPI with pip (`pip download PKG==X --no-deps`), unpacked beside the
others and put first on PYTHONPATH of a `sdk-check models` run, so the installed SDK is never touched;
releases whose model sources are byte-identical are checked once. Prints a markdown table: per release,
how many mapped operations each version is the (sole) best match for, how many the models match
(no breaking finding), and the breaking findings against each version.

    python tools/sdk_release_survey.py --workdir /tmp/survey 3.57.0 3.54.0 2.40.0 ...
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

# What the mapped models are made of (below the module; `--sources`): a release whose files here are
# unchanged fits the same versions, and is not checked again.
MODEL_SOURCES = ("types/admin", "pagination.py", "_models.py", "_compat.py")
# Runtime dependencies older releases need that the harness's environment may lack.
EXTRA_DEPS = ("distro", "tqdm", "jiter", "sniffio")


def fetch(package: str, release: str, workdir: Path) -> Path | None:
    """The release unpacked into `workdir/pkgs/<release>` (its package and dist-info), or None."""
    target = workdir / "pkgs" / release
    if target.exists():
        return target
    wheels = workdir / "wheels"
    pip = [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", str(wheels)]
    done = subprocess.run([*pip, f"{package}=={release}"], capture_output=True, text=True)
    found = sorted(wheels.glob(f"{package}-{release}-*.whl"))
    if done.returncode != 0 or not found:
        return None
    with zipfile.ZipFile(found[0]) as wheel:
        wheel.extractall(target)
    return target


def source_hash(root: Path, module: str, sources: list[str]) -> str:
    """A hash of the files the models are built from."""
    digest = hashlib.sha256()
    for name in sources:
        place = root / module / name
        files = sorted(place.rglob("*.py")) if place.is_dir() else [place] if place.exists() else []
        for file in files:
            digest.update(str(file.relative_to(root)).encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()


def check(root: Path, deps: Path, module: str, examples: int, reports: Path) -> dict[str, Any]:
    """Run `sdk-check models` with the release first on the path; the JSON report."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root), str(deps)])}
    command = [
        sys.executable, "-c", "from apidrift.cli.app import main; main()",
        "sdk-check", "models", module, "--examples", str(examples), "--reports", str(reports),
        "--format", "json", "--no-annotations", "-q",
    ]  # fmt: skip
    subprocess.run(command, env=env, capture_output=True, text=True)
    report = reports / "sdk-report.json"
    if not report.exists():
        return {}
    loaded: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))
    report.unlink()
    return loaded


def summarize(report: dict[str, Any]) -> dict[str, Any]:
    """Per version: operations it fits best (else a tie), operations matched, breaking findings."""
    versions: list[str] = report["metadata"]["versions"]
    best: Counter[str] = Counter()
    matched: Counter[str] = Counter()
    breaking: Counter[str] = Counter()
    for model in report["models"]:
        best[model["best_match"] or "tie"] += 1  # best_match is None when versions tie
        for row in model["checks"]:
            matched[row["version"]] += row["matches"]
            breaking[row["version"]] += row["breaking"]
    return {
        "module_version": report.get("module_version"),
        "subjects": report["summary"]["subjects"],
        "input_errors": report["summary"]["input_errors"],
        "versions": versions,
        "best": dict(best),
        "matched": dict(matched),
        "breaking": dict(breaking),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("releases", nargs="+")
    parser.add_argument("--package", default="openai")
    parser.add_argument("--module", default="openai")
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--examples", type=int, default=2)
    parser.add_argument("--sources", nargs="+", default=list(MODEL_SOURCES))
    args = parser.parse_args()
    workdir: Path = args.workdir
    deps = workdir / "deps"
    if not deps.exists():
        pip = [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(deps)]
        subprocess.run([*pip, *EXTRA_DEPS], check=True)
    seen: dict[str, dict[str, Any]] = {}
    rows: list[tuple[str, dict[str, Any] | None, str]] = []
    for release in args.releases:
        root = fetch(args.package, release, workdir)
        if root is None:
            rows.append((release, None, "not on the index"))
            continue
        if not (root / args.module / args.sources[0]).exists():
            rows.append((release, None, f"no {args.sources[0]}"))
            continue
        key = source_hash(root, args.module, args.sources)
        if key not in seen:
            report = check(root, deps, args.module, args.examples, workdir / "reports" / release)
            seen[key] = summarize(report) if report else {}
            note = "" if report else "sdk-check wrote no report"
        else:
            note = "models identical to an earlier row"
        rows.append((release, seen[key], note))
        print(f"{release}: {seen[key]} {note}", file=sys.stderr, flush=True)
    print_table(rows)


def print_table(rows: list[tuple[str, dict[str, Any] | None, str]]) -> None:
    versions = next((r["versions"] for _, r, _ in rows if r), [])
    head = ["release", "models", "tie"]
    for v in versions:
        head += [f"best {v}", f"match {v}", f"breaking vs {v}"]
    print("| " + " | ".join([*head, "note"]) + " |")
    print("|" + " --- |" * (len(head) + 1))
    for release, result, note in rows:
        if not result:
            print(f"| {release} |" + " |" * len(head[1:]) + f" {note} |")
            continue
        models = f"{result['subjects'] - result['input_errors']}/{result['subjects']}"
        cells = [release, models, str(result["best"].get("tie", 0))]
        for v in versions:
            cells += [str(result["best"].get(v, 0)), str(result["matched"].get(v, 0))]
            cells.append(str(result["breaking"].get(v, 0)))
        print("| " + " | ".join([*cells, note]) + " |")


if __name__ == "__main__":
    main()
