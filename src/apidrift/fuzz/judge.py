"""What is wrong with one answer to a fuzz case, in the report's finding vocabulary.

- `server-error` (breaking): a 5xx, to any request.
- `invalid-request-accepted` (warning): a request the version refuses was answered below 400 (only
  noted for a query parameter past a numeric bound: servers clamp page sizes rather than refuse them).
- `valid-request-refused` (info): a valid request answered with a 4xx the version does not document;
  only noted, as a server may refuse what the schema admits for its state (an id that names nothing).
- `undocumented-status` (warning): a 2xx/3xx the operation does not document, or a 4xx to an invalid
  request when the operation documents other 4xx answers (none documented at all is only noted, as
  is an undocumented 404 to a broken path parameter: it names nothing).
- `schema-violation` (breaking): an answer with a documented status whose body breaks its schema.
- `unusable-response` (warning): no JSON where JSON was due, a timeout, a dropped connection.
"""

from __future__ import annotations

from typing import Final

from apidrift.check.validation import ResponseValidator
from apidrift.contracts.model import Operation
from apidrift.diff.changes import Severity
from apidrift.fuzz.model import Case, Failure, documented_key
from apidrift.live.client import Exchange, Outcome
from apidrift.live.outcomes import FindingKind

NUMERIC_BOUNDS: Final = frozenset({"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"})
NOT_IMPLEMENTED: Final = 501  # "this server does not do that": a coverage gap, not a crash


def judge(op: Operation, case: Case, outcome: Outcome, validator: ResponseValidator) -> Failure | None:
    """The failure an answer shows (None: it is what the version documents for this request)."""
    status = outcome.status
    if not isinstance(outcome, Exchange):
        if outcome.kind is FindingKind.HTTP_5XX and status is not None:
            what = "a valid" if case.valid else "an invalid"
            return Failure("server-error", Severity.BREAKING, f"{status} to {what} request", status)
        if (
            status is not None
            and 400 <= status < 500
            and not case.valid
            and documented_key(op.responses, status) is None
        ):
            return None  # refused, only not in JSON: nothing documents a body for it
        return Failure(
            "unusable-response", Severity.WARNING, f"{outcome.kind.value}: {outcome.message}", status
        )
    key = documented_key(op.responses, outcome.status)
    failure = _status_failure(op, case, outcome.status, key)
    if failure is not None:
        return failure
    if key is None:
        return None
    violations = validator.violations(op.id, key, outcome.body)
    if violations:
        first = violations[0]
        more = f" (and {len(violations) - 1} more)" if len(violations) > 1 else ""
        message = f"response {outcome.status}: {first.describe()}{more}"
        return Failure(
            "schema-violation", Severity.BREAKING, message, outcome.status, first.field or "(root)"
        )
    return None


def _status_failure(op: Operation, case: Case, status: int, key: str | None) -> Failure | None:
    if case.valid:
        if status >= 400 and key is None:
            return Failure("valid-request-refused", Severity.INFO, f"{status} to a valid request", status)
        if key is None:
            message = f"{status} is not documented (documented: {', '.join(sorted(op.responses))})"
            return Failure("undocumented-status", Severity.WARNING, message, status)
        return None
    if status < 400:
        clamped = case.keyword in NUMERIC_BOUNDS and (case.mutation or "").startswith("query ")
        severity = Severity.INFO if clamped else Severity.WARNING
        return Failure("invalid-request-accepted", severity, f"{status} to an invalid request", status)
    if key is None and documents_refusals(op):
        documented = ", ".join(sorted(op.responses))
        if status == 404 and (case.mutation or "").startswith("path "):
            # A broken path parameter names nothing: "not found" is a fair answer, only noted.
            message = f"404 to a path parameter that names nothing (documented: {documented})"
            return Failure("undocumented-status", Severity.INFO, message, status)
        message = f"{status} to an invalid request is not documented (documented: {documented})"
        return Failure("undocumented-status", Severity.WARNING, message, status)
    return None


def documents_refusals(op: Operation) -> bool:
    """Whether the operation documents any 4xx answer (or a default one)."""
    return any(k.startswith("4") or k == "default" for k in op.responses)
