"""Check traffic: HAR files and cassettes of any recorder (or exchanges a proxy saw), matched to operations,
redacted, then each response checked like a recording and each request against its documentation.

The two entry points are `check_traffic_files` (files on disk) and `check_exchanges` (exchanges
already read, e.g. by a proxy); `apidrift.report.build_traffic.build_traffic_report` makes the report.
"""

from __future__ import annotations

import itertools
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from apidrift.check.recordings import Provenance, Recording, safe_file_name, write_recordings
from apidrift.check.run import CheckRun, check_recordings
from apidrift.contracts.model import ContractStore
from apidrift.contracts.safeload import decode_utf8, parse_json
from apidrift.errors import ApidriftError, RecordingError
from apidrift.live.redaction import GENERIC, RedactionRules
from apidrift.profiles.model import ApiProfile
from apidrift.traffic.captures import capture_files, read_capture
from apidrift.traffic.exchange import Exchange, Unmatched, is_json_type
from apidrift.traffic.match import Matcher
from apidrift.traffic.redact import redact_exchange, redact_unmatched
from apidrift.traffic.requests import CheckedRequest, RequestValidator, check_request


@dataclass
class TrafficRun:
    """What a traffic check found: the responses (a `CheckRun`), the requests, what was not matched."""

    run: CheckRun
    requests: list[CheckedRequest] = field(default_factory=list)
    unmatched: list[Unmatched] = field(default_factory=list)

    @property
    def request_failures(self) -> list[CheckedRequest]:
        return [r for r in self.requests if not r.ok]

    @property
    def exit_code(self) -> int:
        """2 when some input was bad, else 1 when a response or a request broke its version, else 0."""
        if self.run.input_errors:
            return 2
        return 1 if self.run.failures or self.request_failures else 0


@dataclass
class Traffic:
    """What reading traffic files found besides exchanges: entries that are not exchanges, and files
    that are not traffic (filled as `iter_traffic` goes)."""

    unmatched: list[Unmatched] = field(default_factory=list)
    errors: list[ApidriftError] = field(default_factory=list)


def iter_traffic(
    traffic: Traffic, har: Sequence[Path] = (), cassettes: Sequence[Path] = ()
) -> Iterator[Exchange]:
    """Every exchange of the `har` files and of the captures below the `cassettes` folders (recursively,
    `.har`, `.yaml`, `.yml`, `.json`), one file at a time, so memory follows the largest file, not the
    corpus; each file is read as what it holds (HAR or any cassette family), whichever option named
    it; a file that cannot be read is an error about it in `traffic`, the rest go on."""
    sources = [(path, path.name) for path in har]
    for folder in cassettes:
        if not folder.exists():
            traffic.errors.append(RecordingError("no such cassette folder", file=folder))
            continue
        found = capture_files(folder)
        if not found:
            traffic.errors.append(
                RecordingError("no captures (.har, .yaml, .yml, .json) below it", file=folder)
            )
        root = folder if folder.is_dir() else folder.parent
        # HAR files first: the bodies Playwright attached beside one are part of it, not captures.
        found.sort(key=lambda p: p.suffix.lower() != ".har")
        sources += [(path, path.relative_to(root).as_posix()) for path in found]
    attached: set[Path] = set()
    for path, name in sources:
        if path in attached:
            continue
        items = read_capture(path, name=name, attachments=attached)
        try:
            # A reader refuses a file before its first item (what is wrong inside an entry is that
            # entry's reason), so a file is one error or all its items, and the rest stream: memory
            # follows the parsed file, not also every exchange made of it.
            first = next(items, None)
        except ApidriftError as exc:
            traffic.errors.append(exc)
            continue
        for item in itertools.chain([] if first is None else [first], items):
            if isinstance(item, Unmatched):
                traffic.unmatched.append(item)
            else:
                yield item


def check_traffic_files(
    store: ContractStore,
    *,
    har: Sequence[Path] = (),
    cassettes: Sequence[Path] = (),
    profile: ApiProfile | None = None,
    against: str | None = None,
    record: Path | None = None,
) -> TrafficRun:
    """Check the exchanges of HAR files and cassette folders (see `check_exchanges`), file by file."""
    traffic = Traffic()
    names = [p.name for p in (*har, *cassettes)]
    return check_exchanges(
        store,
        iter_traffic(traffic, har, cassettes),
        profile=profile,
        against=against,
        record=record,
        unmatched=traffic.unmatched,
        errors=traffic.errors,
        source=", ".join(names) or "traffic",
    )


def check_exchanges(
    store: ContractStore,
    exchanges: Iterable[Exchange],
    *,
    profile: ApiProfile | None = None,
    against: str | None = None,
    record: Path | None = None,
    unmatched: Iterable[Unmatched] = (),
    errors: Iterable[ApidriftError] = (),
    source: str = "traffic",
) -> TrafficRun:
    """Redact each exchange (the profile's rules, and the request's own credentials everywhere), match
    it to an operation of `against` (default: the newest version), check its request against every
    version and its JSON response as a recording (kept in `record`, else in a folder removed after).
    Exchanges no operation has are listed in `unmatched`, as are responses that are not JSON.

    `exchanges` is consumed once, as it goes: each response is written out before the next is read.
    `unmatched` and `errors` are read after it, so a reader may fill them while it is consumed."""
    rules = RedactionRules.for_profile(profile) if profile is not None else GENERIC
    try:
        labels = store.require_labels()
        label = against or labels[-1]
        matcher = Matcher(store.load(label))
        if label not in labels:
            labels.append(label)
        validators = [RequestValidator(store.load(v)) for v in labels]
    except ApidriftError as exc:
        run = CheckRun([], against, source)
        run.input_errors += [*errors, exc]
        return TrafficRun(run, unmatched=[redact_unmatched(u, rules) for u in unmatched])
    result = TrafficRun(CheckRun(labels, label, source))
    written = 0
    counts: dict[str, int] = {}
    origins: dict[str, str] = {}  # recording file name -> the exchange it came from
    with tempfile.TemporaryDirectory(prefix="apidrift-traffic-") as scratch:
        folder = record or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        for raw in exchanges:
            exchange = redact_exchange(raw, rules)
            found = matcher.match(exchange.method, exchange.path)
            if isinstance(found, str):
                result.unmatched.append(Unmatched(exchange.where, exchange.method, exchange.path, found))
                continue
            op = found.operation
            result.requests.append(
                check_request(exchange, op.id, found.path, found.path_params, validators, label)
            )
            made = _recording(exchange, op.id, found.path)
            if isinstance(made, str):
                result.unmatched.append(Unmatched(exchange.where, exchange.method, exchange.path, made))
                continue
            stem = safe_file_name(op.id)
            counts[stem] = counts.get(stem, 0) + 1
            name = f"{stem}.json" if counts[stem] == 1 else f"{stem}.{counts[stem]}.json"
            write_recordings(folder, [(name, made)])
            origins[name] = exchange.where
            written += 1
        if written:
            result.run = check_recordings(store, folder, against=label, display_root=folder.parent)
            if record is None:
                _name_exchanges(result.run.input_errors, origins)
    # What the files held besides exchanges comes first, as it was read first.
    result.unmatched[:0] = [redact_unmatched(u, rules) for u in unmatched]
    if not written and not result.requests:  # a check that checked nothing must not pass
        result.run.input_errors.append(
            RecordingError(f"no exchange of {source} answers an operation of {label}")
        )
    result.run.input_errors[:0] = list(errors)
    return result


def _name_exchanges(errors: list[ApidriftError], origins: dict[str, str]) -> None:
    """Errors about the scratch recordings name the exchange instead (`file.har#/log/entries/3`):
    the scratch folder is gone when the report is read."""
    for error in errors:
        where = origins.get(Path(error.file).name) if error.file else None
        if where is not None:
            error.file, _, error.pointer = where.partition("#")


def _recording(exchange: Exchange, operation: str, path: str) -> Recording | str:
    """The exchange's response as a recording, or why it cannot be one (its body is not JSON)."""
    content_type = exchange.response_header("content-type") or ""
    media = content_type.split(";", 1)[0].strip()
    if exchange.status == 0 and not (exchange.response_body or b"").strip():
        # A browser's failed or aborted request, or an exported collection that keeps requests only.
        return "no response was recorded (status 0: failed, aborted, or a request without its answer)"
    if exchange.status == 101:
        return "a protocol switch (101, e.g. a WebSocket): its messages are not checked"
    if exchange.response_body is None:
        return "no response body was recorded"
    if not exchange.response_body.strip():
        return f"the response has no body ({exchange.status})"
    if not is_json_type(content_type) and not (media == "" and exchange.response_body.lstrip()[:1] in b"[{"):
        return f"the response is not JSON ({media})"
    try:
        # Strict, as a recording is read: a duplicate key, NaN, a lone surrogate, nesting too deep.
        text = decode_utf8(exchange.response_body, file="", error=RecordingError)
        body = parse_json(text, file="", error=RecordingError)
    except RecordingError as exc:
        if exc.message.startswith("not JSON: "):
            return f"the response body is not JSON: {exc.message[len('not JSON: ') :][:160]}"
        return f"the response body is refused at #{exc.pointer}: {exc.message[:160]}"
    return Recording(
        operation=operation,
        method=exchange.method,
        path=path,
        status=exchange.status,
        headers={name.lower(): value for name, value in exchange.response_headers},
        query=dict(exchange.query),
        body=body,
        provenance=Provenance(source=exchange.where),
    )
