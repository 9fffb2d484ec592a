"""Compare parsed SDK documents with every contract version: operations, parameters, models."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from apidrift.check.run import display_path
from apidrift.check.shapes import SchemaFlattener
from apidrift.contracts.model import ContractStore, ContractVersion, Operation
from apidrift.diff.changes import Severity
from apidrift.errors import ApidriftError
from apidrift.sdk.compare import ComparisonLabels, FieldSide, compare_fields, subtree
from apidrift.sdk.doc_fields import doc_field_shapes, path_shape_params, schema_name
from apidrift.sdk.doc_parsers import load_document
from apidrift.sdk.documents import DocOperation, SdkDocument, path_shape
from apidrift.sdk.findings import (
    RESPONSE_200,
    DocumentEntry,
    DocVersionFit,
    SdkDocReport,
    SdkFinding,
    SdkFindingKind,
    SdkMetadata,
    SdkSummary,
    at_least,
    location_of,
    rank_versions,
    severity_counts,
)
from apidrift.sdk.naming import comparable_type_name
from apidrift.sdk.report_inputs import input_problem, versions_to_check

K = SdkFindingKind
B, W, INFO = Severity.BREAKING, Severity.WARNING, Severity.INFO
PAGE_ITEMS = "data[]"  # where a page's items sit in a list response


def check_documents(
    store: ContractStore,
    files: Sequence[Path],
    *,
    against: str | None = None,
    fail_on: Severity = Severity.BREAKING,
    now: datetime | None = None,
) -> SdkDocReport:
    """Parse every file and compare it with every version; unreadable files become input errors."""
    versions, errors = versions_to_check(store, against)
    entries: list[DocumentEntry] = []
    for file in files:
        try:
            document = load_document(file, display_path(file))
        except ApidriftError as exc:
            errors.append(exc)
            continue
        entries.append(document_entry(document, versions, fail_on))
    exit_code = _exit_code(entries, errors, against, fail_on)
    counts = severity_counts(f for e in entries for f in _relevant(e, against))
    return SdkDocReport(
        metadata=SdkMetadata(
            generated_at=(now or datetime.now(UTC)).isoformat(timespec="seconds"),
            versions=[v.version for v in versions],
            against=against,
            fail_on=fail_on,
        ),
        summary=SdkSummary(
            subjects=len(entries),
            matched=sum(bool(e.matches) for e in entries),
            **counts,
            input_errors=len(errors),
            exit_code=exit_code,
        ),
        documents=entries,
        input_errors=[input_problem(e) for e in errors],
    )


def _relevant(entry: DocumentEntry, against: str | None) -> list[SdkFinding]:
    return [f for f in entry.findings if against is None or f.version == against]


def _exit_code(
    entries: list[DocumentEntry], errors: list[ApidriftError], against: str | None, fail_on: Severity
) -> int:
    """2 on bad input; 1 when a document has findings at `fail_on` against `against` (or, without
    `against`, when it matches no version); else 0."""
    if errors:
        return 2
    if against is not None:
        return 1 if any(at_least(_relevant(e, against), fail_on) for e in entries) else 0
    return 1 if any(not e.matches for e in entries) else 0


def document_entry(
    document: SdkDocument, versions: Sequence[ContractVersion], fail_on: Severity
) -> DocumentEntry:
    """One document against every version: fits, the best match and every finding."""
    fits, findings = [], []
    by_version: dict[str, list[SdkFinding]] = {}
    for version in versions:
        found, fit = compare_document(document, version, versions, fail_on)
        by_version[version.version] = found
        fits.append(fit)
        findings.extend(found)
    best, matches = rank_versions(by_version, fail_on)
    return DocumentEntry(
        file=document.file,
        style=document.style.value,
        title=document.title,
        operations=len(document.operations),
        models=sorted(document.models),
        best_match=best,
        matches=matches,
        fits=fits,
        findings=findings,
    )


def compare_document(
    document: SdkDocument,
    version: ContractVersion,
    all_versions: Sequence[ContractVersion] = (),
    fail_on: Severity = Severity.BREAKING,
) -> tuple[list[SdkFinding], DocVersionFit]:
    """Every finding of one document against one version, and the counts that summarise them."""
    index = {(op.method, path_shape(op.path)): op for op in version.operations.values()}
    comparer = _OperationComparer(document, version, all_versions)
    findings: list[SdkFinding] = []
    found_ops, exact = 0, 0
    for doc_op in document.operations:
        contract_op = index.get((doc_op.method, path_shape(doc_op.path)))
        if contract_op is None:
            findings.append(
                comparer.finding(K.OPERATION_UNKNOWN, B, doc_op, None, "", _unknown_message(doc_op, version))
            )
            continue
        found_ops += 1
        exact += contract_op.path == doc_op.path
        findings.extend(comparer.operation(doc_op, contract_op))
    findings.extend(_not_covered(document, version, comparer))
    findings = _merge_repeats(findings)
    counts = severity_counts(findings)
    fit = DocVersionFit(
        version=version.version,
        operations=found_ops,
        exact_paths=exact,
        unknown=len(document.operations) - found_ops,
        **counts,
        matches=not at_least(findings, fail_on),
    )
    return findings, fit


def _unknown_message(doc_op: DocOperation, version: ContractVersion) -> str:
    shape = path_shape(doc_op.path)
    return f"{version.version} has no operation {doc_op.method} {shape} (documented as {doc_op.name})"


def _not_covered(
    document: SdkDocument, version: ContractVersion, comparer: _OperationComparer
) -> list[SdkFinding]:
    """Version operations inside the document's scope (the resources it documents) it does not expose."""
    documented = {(op.method, path_shape(op.path)) for op in document.operations}
    scopes = _scopes(document)
    out = []
    for op in sorted(version.operations.values(), key=lambda o: (o.path, o.method)):
        segments = tuple(path_shape(op.path).strip("/").split("/"))
        if (op.method, path_shape(op.path)) in documented or not any(segments[: len(s)] == s for s in scopes):
            continue
        message = f"{version.version} has {op.key} ({op.id}); the document does not expose it"
        out.append(
            SdkFinding(
                kind=K.OPERATION_NOT_COVERED,
                severity=INFO,
                operation=op.id,
                version=version.version,
                message=message,
                location="operation",
                file=document.file,
                endpoint=op.key,
                subject=document.file,
            )
        )
    return out


def _scopes(document: SdkDocument) -> list[tuple[str, ...]]:
    """Per resource root (first two path segments), the longest segment prefix all its paths share."""
    groups: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
    for op in document.operations:
        segments = tuple(path_shape(op.path).strip("/").split("/"))
        groups.setdefault(segments[:2], []).append(segments)
    scopes = []
    for paths in groups.values():
        prefix = paths[0]
        for segments in paths[1:]:
            n = 0
            while n < min(len(prefix), len(segments)) and prefix[n] == segments[n]:
                n += 1
            prefix = prefix[:n]
        scopes.append(prefix)
    return scopes


def _merge_repeats(findings: list[SdkFinding]) -> list[SdkFinding]:
    """One finding per model difference, however many operations return that model; it names the
    operation returning the model itself rather than a page of it, the others go to its evidence."""
    groups: dict[tuple[str, str, str], list[SdkFinding]] = {}
    out: list[SdkFinding | tuple[str, str, str]] = []
    for f in findings:
        # A list returning a page of the model reports the same field under `data[]`.
        key = (f.kind.value, f.path.removeprefix(PAGE_ITEMS + "."), f.message.replace(PAGE_ITEMS + ".", ""))
        if not f.kind.value.startswith("field-"):
            out.append(f)
            continue
        if key not in groups:
            out.append(key)
        groups.setdefault(key, []).append(f)
    result = []
    for item in out:
        if isinstance(item, SdkFinding):
            result.append(item)
            continue
        group = sorted(groups[item], key=lambda f: f.path.startswith(PAGE_ITEMS))
        first = group[0]
        first.evidence.extend(f"also {f.operation} ({f.endpoint})" for f in group[1:])
        result.append(first)
    return result


class _OperationComparer:
    """Compares documented operations with one version's operations."""

    def __init__(
        self, document: SdkDocument, version: ContractVersion, all_versions: Sequence[ContractVersion]
    ):
        self.document, self.version = document, version
        self.others = [v for v in all_versions if v.version != version.version]
        self.flattener = SchemaFlattener(version.schemas)

    def finding(
        self,
        kind: K,
        severity: Severity,
        doc_op: DocOperation,
        op: Operation | None,
        path: str,
        message: str,
        location: str | None = None,
    ) -> SdkFinding:
        return SdkFinding(
            kind=kind,
            severity=severity,
            operation=op.id if op else f"{doc_op.method} {doc_op.path}",
            version=self.version.version,
            path=path,
            message=message,
            location=location or location_of(kind),
            file=self.document.file,
            endpoint=f"{doc_op.method} {doc_op.path}",
            subject=self.document.file,
        )

    def operation(self, doc_op: DocOperation, op: Operation) -> list[SdkFinding]:
        out = self._path_params(doc_op, op)
        if doc_op.query_documented:
            out += self._query(doc_op, op)
        out += self._body(doc_op, op)
        out += self._model_names(doc_op, op)
        out += self._fields(doc_op, op)
        return out

    def _path_params(self, doc_op: DocOperation, op: Operation) -> list[SdkFinding]:
        out = []
        theirs = path_shape_params(op.path)
        for ours, name in zip(doc_op.path_params, theirs, strict=False):
            if ours != name:
                message = f"documents `{{{ours}}}`; {self.version.version} names it `{{{name}}}` ({op.key})"
                out.append(self.finding(K.PATH_PARAM_STALE, B, doc_op, op, f"{{{ours}}}", message))
        return out

    def _query(self, doc_op: DocOperation, op: Operation) -> list[SdkFinding]:
        ours = {p.json_name for p in doc_op.query_params}
        theirs = {p.name: p for p in op.query_params}
        out = []
        for name in sorted(ours - theirs.keys()):
            message = f"sends query parameter `{name}`, which {self.version.version} does not document"
            out.append(self.finding(K.QUERY_PARAM_UNKNOWN, W, doc_op, op, name, message))
        for name in sorted(theirs.keys() - ours):
            required = theirs[name].required
            message = (
                f"{self.version.version} takes {'required' if required else 'optional'} query parameter "
                f"`{name}`; the document does not expose it"
            )
            out.append(
                self.finding(K.QUERY_PARAM_MISSING, B if required else INFO, doc_op, op, name, message)
            )
        return out

    def _body(self, doc_op: DocOperation, op: Operation) -> list[SdkFinding]:
        body = op.request_body
        if doc_op.has_body and body is None:
            message = f"sends a request body; {self.version.version} documents none for {op.key}"
            return [self.finding(K.REQUEST_BODY_UNKNOWN, W, doc_op, op, "", message)]
        if body is not None and not doc_op.has_body:
            message = (
                f"{self.version.version} takes a {'required' if body.required else 'optional'} request body; "
                "the document sends none"
            )
            return [
                self.finding(K.REQUEST_BODY_MISSING, B if body.required else INFO, doc_op, op, "", message)
            ]
        return []

    def _model_names(self, doc_op: DocOperation, op: Operation) -> list[SdkFinding]:
        """A documented model named after a schema this operation has in another version only."""
        out = []
        for ours, part in ((doc_op.response_model, "response"), (doc_op.request_model, "request")):
            if not ours:
                continue
            theirs = schema_name(self.version, op, part, doc_op.response_is_page)
            if theirs is None or comparable_type_name(theirs) == comparable_type_name(ours):
                continue
            for other in self.others:
                other_op = next((o for o in other.operations.values() if o.id == op.id), None)
                old = schema_name(other, other_op, part, doc_op.response_is_page) if other_op else None
                if old is not None and comparable_type_name(old) == comparable_type_name(ours):
                    message = (
                        f"{part} model `{ours}` is this operation's schema in {other.version}; "
                        f"{self.version.version} calls it `{theirs}`"
                    )
                    where = "request" if part == "request" else RESPONSE_200
                    out.append(self.finding(K.MODEL_NAME_STALE, INFO, doc_op, op, "", message, where))
                    break
        return out

    def _fields(self, doc_op: DocOperation, op: Operation) -> list[SdkFinding]:
        out = []
        response = self.document.model(doc_op.response_model)
        spec = op.responses.get("200")
        if response is not None and response.fields and spec is not None and spec.schema is not None:
            root = PAGE_ITEMS if doc_op.response_is_page else ""
            contract = subtree(self.flattener.flatten(spec.schema), root)
            labels = ComparisonLabels(sdk=f"`{response.name}`", version=self.version.version)
            for d in compare_fields(
                doc_field_shapes(response.fields, self.document), contract, FieldSide.RESPONSE, labels, root
            ):
                out.append(self.finding(d.kind, d.severity, doc_op, op, d.path, d.message))
        request = self.document.model(doc_op.request_model)
        if request is not None and request.fields and op.request_body is not None:
            contract = self.flattener.flatten(op.request_body.schema)
            labels = ComparisonLabels(sdk=f"`{request.name}`", version=self.version.version)
            for d in compare_fields(
                doc_field_shapes(request.fields, self.document), contract, FieldSide.REQUEST, labels
            ):
                out.append(self.finding(d.kind, d.severity, doc_op, op, d.path, d.message, "request"))
        return out
