"""One exchange judged whole, in memory: redacted, matched, its request checked against every version
and its response checked as a recording would be (never written out and read back).

A `Judge` is built once per process (the check's own, or each pool worker's): what it returns for an
exchange is small and picklable, and leaves naming the response to the caller, which sees the
exchanges in order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from apidrift.check.checker import CheckedResponse, RecordingChecker
from apidrift.check.recordings import LoadedRecording, Provenance, Recording, safe_file_name
from apidrift.contracts.model import ContractStore, Operation
from apidrift.contracts.safeload import decode_utf8, parse_json
from apidrift.errors import ApidriftError, RecordingError
from apidrift.live.redaction import RedactionRules
from apidrift.traffic.exchange import Exchange, Unmatched, is_json_type
from apidrift.traffic.match import Matcher
from apidrift.traffic.redact import redact_exchange
from apidrift.traffic.requests import CheckedRequest, RequestValidator, check_request


@dataclass(frozen=True, slots=True)
class Judged:
    """What one exchange gave. `unmatched`: it (or its response) was not checked, and why. `stem`:
    the file stem its response is named by (the operation id, made safe) when the response was
    checked; `response` is then the checked response (its `file` still to be named), the number of
    its exact kind in the judging process (`Judge.kinds`), or the error about it. `refused`: a
    response the operation documents as JSON that is empty or not JSON, an error about the exchange.
    `recording`: the response as a recording, kept only for a caller that writes them out."""

    unmatched: Unmatched | None = None
    request: CheckedRequest | None = None
    stem: str = ""
    response: CheckedResponse | ApidriftError | int | None = None
    refused: ApidriftError | None = None
    recording: Recording | None = None


@dataclass(frozen=True)
class Judge:
    """Everything judging an exchange needs, built once per process."""

    rules: RedactionRules
    matcher: Matcher
    label: str
    validators: Sequence[RequestValidator]
    checker: RecordingChecker
    keep_recordings: bool = False

    @classmethod
    def build(
        cls,
        store: ContractStore,
        labels: Sequence[str],
        label: str,
        rules: RedactionRules,
        *,
        keep_recordings: bool = False,
    ) -> Judge:
        """A judge of exchanges against `label` (matched to its operations), scored against `labels`;
        an ApidriftError when a version cannot be loaded."""
        return cls(
            rules=rules,
            matcher=Matcher(store.load(label)),
            label=label,
            validators=[RequestValidator(store.load(v)) for v in labels],
            checker=RecordingChecker.build(store, labels, label),
            keep_recordings=keep_recordings,
        )

    @property
    def usable(self) -> bool:
        """Whether responses can be checked at all (the target version's validator was built)."""
        return self.label in self.checker.validators

    def judge(self, raw: Exchange) -> Judged:
        exchange = redact_exchange(raw, self.rules)
        found = self.matcher.match(exchange.method, exchange.path)
        if isinstance(found, str):
            return Judged(unmatched=Unmatched(exchange.where, exchange.method, exchange.path, found))
        op = found.operation
        request = check_request(exchange, op.id, found.path, found.path_params, self.validators, self.label)
        made = recording_of(exchange, op, found.path)
        if isinstance(made, Unmatched):
            return Judged(unmatched=made, request=request)
        if isinstance(made, ApidriftError):
            return Judged(request=request, refused=made)
        stem = safe_file_name(op.id)
        kept = made if self.keep_recordings else None
        if not self.usable:
            return Judged(request=request, stem=stem, recording=kept)
        try:
            checked: CheckedResponse | ApidriftError = self.checker.check(LoadedRecording("", made))
        except ApidriftError as exc:
            checked = exc
        return Judged(request=request, stem=stem, response=checked, recording=kept)


def recording_of(exchange: Exchange, op: Operation, path: str) -> Recording | Unmatched | ApidriftError:
    """The exchange's response as a recording; or why it is not one (`Unmatched`); or, when its body is
    empty or not JSON where `op` documents a JSON body for its status, an error about the exchange,
    as a recording file with that body is one."""
    body = _body(exchange)
    if not isinstance(body, _Why):
        return Recording(
            operation=op.id,
            method=exchange.method,
            path=path,
            status=exchange.status,
            headers={name.lower(): value for name, value in exchange.response_headers},
            query=dict(exchange.query),
            body=body,
            provenance=Provenance(source=exchange.where),
        )
    if body.broken and _documents_json(op, exchange):
        file, _, pointer = exchange.where.partition("#")
        message = f"{body.reason}, where {op.id} documents a JSON body for {exchange.status}"
        return RecordingError(message, file=file, pointer=pointer)
    return Unmatched(exchange.where, exchange.method, exchange.path, body.reason)


@dataclass(frozen=True, slots=True)
class _Why:
    """Why a response cannot be a recording; `broken`: the body's fault (empty, not JSON), not the
    capture's (nothing recorded, a protocol switch)."""

    reason: str
    broken: bool


def _body(exchange: Exchange) -> Any:
    """The response's body as JSON, or why it cannot be a recording's (`_Why`)."""
    content_type = exchange.response_header("content-type") or ""
    media = content_type.split(";", 1)[0].strip()
    body = exchange.response_body
    if exchange.status == 0 and not (body or b"").strip():
        # A browser's failed or aborted request, or an exported collection that keeps requests only.
        why = "no response was recorded (status 0: failed, aborted, or a request without its answer)"
        return _Why(why, False)
    if exchange.status == 101:
        return _Why("a protocol switch (101, e.g. a WebSocket): its messages are not checked", False)
    if body is None:
        return _Why("no response body was recorded", False)
    if not body.strip():
        return _Why(f"the response has no body ({exchange.status})", True)
    if not is_json_type(content_type) and not (media == "" and body.lstrip()[:1] in b"[{"):
        return _Why(f"the response is not JSON ({media})", True)
    try:
        # Strict, as a recording is read: a duplicate key, NaN, a lone surrogate, nesting too deep.
        return parse_json(decode_utf8(body, file="", error=RecordingError), file="", error=RecordingError)
    except RecordingError as exc:
        if exc.message.startswith("not JSON: "):
            return _Why(f"the response body is not JSON: {exc.message[len('not JSON: ') :][:160]}", True)
        return _Why(f"the response body is refused at #{exc.pointer}: {exc.message[:160]}", True)


def _documents_json(op: Operation, exchange: Exchange) -> bool:
    """Whether `op` documents a JSON body for the exchange's status, and not the (other) media type the
    response says it is."""
    spec = op.response_for(exchange.status)
    if spec is None:
        return False
    media = {m.lower() for m in spec.all_media}
    said = (exchange.response_header("content-type") or "").split(";", 1)[0].strip().lower()
    if said and said in media and not is_json_type(said):
        return False
    return any(is_json_type(m) for m in media)
