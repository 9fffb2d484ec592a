"""Any capture file, read by what it holds, not by its name: a HAR file (`log.entries`), a cassette
of any family (`interactions`, `http_interactions`, or a list of interactions at the root), or a
nock recording (a list of `{scope, method, path, ...}`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from apidrift.errors import RecordingError
from apidrift.traffic.cassettes import cassette_files, cassette_interactions, interactions_of
from apidrift.traffic.documents import load_document
from apidrift.traffic.exchange import Exchange, Unmatched
from apidrift.traffic.har import har_entries, is_har
from apidrift.traffic.nock import is_nock, nock_exchanges

CAPTURE_SUFFIXES = (".har", ".yaml", ".yml", ".json")


def capture_files(folder: Path) -> list[Path]:
    """Every capture below `folder` (recursively: `.har`, `.yaml`, `.yml`, `.json`), in a stable order."""
    return cassette_files(folder, CAPTURE_SUFFIXES)


def read_capture(
    path: Path, *, name: str | None = None, attachments: set[Path] | None = None
) -> Iterator[Exchange | Unmatched]:
    """Every exchange of one capture file, HAR or cassette, as an exchange or as the reason it is not
    one (RecordingError naming the file when it is neither); the files a HAR's bodies were read from
    (Playwright's `_file`) are added to `attachments`."""
    document = load_document(path)
    label = name or path.name
    if is_har(document):
        yield from har_entries(document, path, label, attachments=attachments)
        return
    if is_nock(document):
        yield from nock_exchanges(document, label)
        return
    key, _ = interactions_of(document)
    if key is None:
        raise RecordingError(
            "neither a HAR file (log.entries) nor a cassette (interactions: VCR.py, go-vcr; "
            "http_interactions: Ruby VCR, Betamax; a list: nock, php-vcr, VCR.py 0.x)",
            file=path,
            pointer="",
        )
    yield from cassette_interactions(document, path, label)
