"""HAR files checked like recordings, in one function shared by `check --har` and `proxy`.

The entries are matched and redacted by `har.har_recordings`, written as recordings (kept in
`record_dir`, else in a scratch folder removed after) and checked; a check of HAR files that
answered no operation of the version fails instead of passing.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from apidrift.check.recordings import write_recordings
from apidrift.check.run import CheckRun, check_recordings
from apidrift.contracts.model import ContractStore
from apidrift.errors import RecordingError
from apidrift.live.har import Unmatched, har_recordings
from apidrift.live.redaction import RedactionRules


@dataclass(frozen=True)
class HarCheck:
    """The check run of HAR files, and the entries no operation of the version has (listed, not dropped)."""

    run: CheckRun
    unmatched: tuple[Unmatched, ...]


def check_har(
    store: ContractStore,
    files: Sequence[Path],
    *,
    against: str | None = None,
    rules: RedactionRules,
    record_dir: Path | None = None,
) -> HarCheck:
    """Check every entry of `files` against `against` (default: the newest version)."""
    label = against or store.require_labels()[-1]
    made = har_recordings(files, store.load(label), rules=rules)
    with tempfile.TemporaryDirectory(prefix="apidrift-har-") as scratch:
        folder = record_dir or Path(scratch)
        write_recordings(folder, made.recordings)
        if not made.recordings:  # a check that checked nothing must not pass
            run = CheckRun([label], label, "har")
            names = ", ".join(f.name for f in files)
            run.input_errors.append(RecordingError(f"no entry of {names} answers an operation of {label}"))
        else:
            run = check_recordings(store, folder, against=label, display_root=folder.parent)
    run.input_errors[:0] = made.errors
    return HarCheck(run=run, unmatched=tuple(made.unmatched))
