"""Run recorded and generated responses of every version through an installed SDK's pydantic models.

Per mapped operation and version: the model's declared fields against the version's schema (fields
it drops, fields it requires that the version may omit, types, enums, renames), then each recording
and a few hypothesis-generated valid responses through `model_validate(body, strict=True)`, with the
fields the model does not declare collected from each body (openai models allow extras silently).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from pydantic import ValidationError

from apidrift.check.recordings import bundled_recordings, load_recordings
from apidrift.check.shapes import FieldShape, SchemaFlattener
from apidrift.check.validation import ResponseValidator
from apidrift.contracts.model import ContractStore, ContractVersion
from apidrift.diff.changes import Severity
from apidrift.errors import ApidriftError, RecordingError
from apidrift.generate.strategies import from_schema
from apidrift.sdk.compare import ComparisonLabels, FieldSide, compare_fields
from apidrift.sdk.errors import SdkMappingError
from apidrift.sdk.findings import (
    RESPONSE_200,
    ModelEntry,
    ModelVersionCheck,
    SdkFinding,
    SdkFindingKind,
    SdkMetadata,
    SdkModelReport,
    SdkSummary,
    at_least,
    rank_versions,
    severity_counts,
)
from apidrift.sdk.mapping import ResolvedModel, import_sdk, load_mapping, module_version, resolve
from apidrift.sdk.pydantic_shapes import ModelNode, describe, dropped_fields, error_path, field_shapes
from apidrift.sdk.report_inputs import input_problem, versions_to_check

K = SdkFindingKind
MAX_EVIDENCE = 4  # per finding; the rest is counted
DEFAULT_EXAMPLES = 5


def generated_bodies(version: ContractVersion, operation: str, count: int) -> list[Any]:
    """`count` valid 200 bodies of `operation`, the same on every run (derandomized hypothesis)."""
    spec = version.operation(operation).responses.get("200")
    if count <= 0 or spec is None or spec.schema is None:
        return []
    found: list[Any] = []

    @settings(
        max_examples=count,
        derandomize=True,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
        deadline=None,
    )
    @given(from_schema(spec.schema, version.schemas))
    def collect(body: Any) -> None:
        found.append(body)

    collect()
    validator = ResponseValidator(version)
    return [b for b in found if validator.is_valid(operation, 200, b)][:count]


class _Findings:
    """Findings of one model against one version, merged by (kind, path) with capped evidence."""

    def __init__(self, resolved: ResolvedModel, version: str, endpoint: str) -> None:
        self.resolved, self.version, self.endpoint = resolved, version, endpoint
        self.by_key: dict[tuple[str, str], SdkFinding] = {}
        self.renamed_from: dict[str, SdkFinding] = {}  # the version's name of a renamed field
        self.observed: dict[tuple[str, str], int] = {}  # evidence lines from bodies, per finding
        self.hidden: dict[tuple[str, str], int] = {}

    def add(
        self, kind: K, severity: Severity, path: str, message: str, evidence: Sequence[str] = ()
    ) -> SdkFinding:
        key = (kind.value, path)
        if key not in self.by_key:
            self.by_key[key] = SdkFinding(
                kind=kind,
                severity=severity,
                operation=self.resolved.operation,
                version=self.version,
                path=path,
                message=message,
                evidence=[],
                location=RESPONSE_200,
                endpoint=self.endpoint,
                subject=self.resolved.dotted,
            )
        finding = self.by_key[key]
        finding.evidence.extend(e for e in evidence if e not in finding.evidence)
        return finding

    def note(self, finding: SdkFinding, line: str) -> None:
        """Add what a body showed; past MAX_EVIDENCE lines per finding they are only counted."""
        key = (finding.kind.value, finding.path)
        if line in finding.evidence:
            return
        if self.observed.get(key, 0) < MAX_EVIDENCE:
            finding.evidence.append(line)
            self.observed[key] = self.observed.get(key, 0) + 1
        else:
            self.hidden[key] = self.hidden.get(key, 0) + 1

    def at(self, path: str) -> SdkFinding | None:
        """The static finding about `path`, under the model's or the version's name of the field."""
        found = next((f for (_, p), f in self.by_key.items() if p == path), None)
        return found or self.renamed_from.get(path)

    def result(self) -> list[SdkFinding]:
        for key, count in self.hidden.items():
            self.by_key[key].evidence.append(f"… and {count} more")
        order = {s: i for i, s in enumerate(Severity)}
        return sorted(self.by_key.values(), key=lambda f: (order[f.severity], f.path, f.kind.value))


def check_model(
    resolved: ResolvedModel,
    version: ContractVersion,
    recordings: Sequence[tuple[str, Any]],
    examples: Sequence[Any],
    fail_on: Severity = Severity.BREAKING,
) -> ModelVersionCheck:
    """One model against one version: static field comparison, then every body through the model."""
    op = version.operation(resolved.operation)
    findings = _Findings(resolved, version.version, op.key)
    spec = op.responses.get("200")
    node = describe(resolved.target)
    contract: dict[str, FieldShape] = {}
    if spec is not None and spec.schema is not None:
        contract = SchemaFlattener(version.schemas).flatten(spec.schema)
        labels = ComparisonLabels(
            sdk=f"`{resolved.label}`",
            version=version.version,
            missing_kind=K.FIELD_DROPPED,
            check_null=True,
            closed_enums=True,
        )
        for d in compare_fields(field_shapes(node), contract, FieldSide.RESPONSE, labels):
            finding = findings.add(d.kind, d.severity, d.path, d.message, d.evidence)
            if d.version_path:
                findings.renamed_from[d.version_path] = finding
    bodies = [(f"recording {name}", body) for name, body in recordings]
    bodies += [(f"generated example {i + 1}", body) for i, body in enumerate(examples)]
    for source, body in bodies:
        _run_body(resolved, node, body, source, findings, set(contract))
    found = findings.result()
    return ModelVersionCheck(
        version=version.version,
        recordings=len(recordings),
        examples=len(examples),
        **severity_counts(found),
        matches=not at_least(found, fail_on),
        findings=found,
    )


def _run_body(
    resolved: ResolvedModel,
    node: ModelNode,
    body: Any,
    source: str,
    findings: _Findings,
    documented: set[str],
) -> None:
    """Strict validation errors and undeclared fields of one body, attached to the static findings
    they confirm, or as findings of their own."""
    try:
        resolved.target.model_validate(body, strict=True)
    except ValidationError as exc:
        seen: set[str] = set()
        for error in exc.errors():
            path = error_path(error["loc"], body)
            if path in seen:
                continue  # a union reports every member's failure at one place; one line is enough
            seen.add(path)
            line = f"{source}: `{path or '(root)'}`: {error['msg']} ({error['type']})"
            existing = findings.at(path)
            if existing is not None:
                findings.note(existing, line)
                continue
            message = (
                f"{findings.version} response fails strict validation at `{path or '(root)'}`: {error['msg']}"
            )
            findings.note(findings.add(K.VALIDATION_ERROR, Severity.BREAKING, path, message), line)
    for path, json_type in dropped_fields(node, body).items():
        line = f"{source}: sends `{path}` ({json_type})"
        existing = findings.at(path)
        if existing is not None:
            findings.note(existing, line)
            continue
        if path in documented:
            message = f"{findings.version} sends `{path}`, which `{resolved.label}` does not declare"
            severity = Severity.WARNING
        else:
            # Seen in a recording although the version does not document it either.
            message = (
                f"`{path}` appears in {findings.version} responses, undocumented by the version; "
                f"`{resolved.label}` does not declare it either"
            )
            severity = Severity.INFO
        findings.note(findings.add(K.FIELD_DROPPED, severity, path, message), line)


def recorded_bodies(folder: Path, errors: list[ApidriftError]) -> dict[str, list[tuple[str, Any]]]:
    """200 bodies below a version's recordings folder, by operation; unreadable files become errors."""
    if not folder.is_dir():
        return {}
    loaded = load_recordings(folder)
    for error in loaded.errors:
        errors.append(
            RecordingError(error.message, file=f"{folder.as_posix()}/{error.file}", pointer=error.pointer)
        )
    by_operation: dict[str, list[tuple[str, Any]]] = {}
    for item in loaded.recordings:
        if item.recording.status == 200:
            name = f"{folder.name}/{item.file}"
            by_operation.setdefault(item.recording.operation, []).append((name, item.recording.body))
    return by_operation


def check_models(
    store: ContractStore,
    module: str,
    *,
    mapping_file: Path | None = None,
    recordings: Path | None = None,
    against: str | None = None,
    fail_on: Severity = Severity.BREAKING,
    examples: int = DEFAULT_EXAMPLES,
    operations: Sequence[str] = (),
    now: datetime | None = None,
) -> SdkModelReport:
    """Every mapped model of `module` against every version (see the module docstring)."""
    mapping, mapping_name = load_mapping(module, mapping_file)
    import_sdk(module)
    versions, errors = versions_to_check(store, against)
    wanted = list(operations) or sorted(mapping.operations)
    unknown = [op for op in wanted if op not in mapping.operations]
    if unknown:
        raise SdkMappingError(
            f"no model mapped for operation {unknown[0]!r}", file=mapping_name, pointer="/operations"
        )
    root = recordings or bundled_recordings() / store.api
    bodies = {v.version: recorded_bodies(root / v.version, errors) for v in versions}
    entries: list[ModelEntry] = []
    for op_id in wanted:
        try:
            resolved = resolve(op_id, mapping.operations[op_id], mapping_name)
        except ApidriftError as exc:
            errors.append(exc)
            continue
        checks = [
            check_model(
                resolved,
                v,
                bodies[v.version].get(op_id, []),
                generated_bodies(v, op_id, examples),
                fail_on,
            )
            for v in versions
            if op_id in v.operations
        ]
        best, matches = rank_versions({c.version: c.findings for c in checks}, fail_on)
        entries.append(
            ModelEntry(
                operation=op_id,
                model=resolved.dotted,
                label=resolved.label,
                sdk_method=resolved.sdk_method,
                best_match=best,
                matches=matches,
                checks=checks,
            )
        )
    unmapped = sorted({op for v in versions for op in v.operations} - set(mapping.operations))
    relevant = [
        f for e in entries for c in e.checks if against is None or c.version == against for f in c.findings
    ]
    return SdkModelReport(
        metadata=SdkMetadata(
            generated_at=(now or datetime.now(UTC)).isoformat(timespec="seconds"),
            versions=[v.version for v in versions],
            against=against,
            fail_on=fail_on,
        ),
        module=module,
        module_version=module_version(module),
        mapping=mapping_name,
        mapping_tested_with=mapping.tested_with,
        summary=SdkSummary(
            subjects=len(entries),
            matched=sum(bool(e.matches) for e in entries),
            **severity_counts(relevant),
            input_errors=len(errors),
            exit_code=_exit_code(entries, errors, against, fail_on),
        ),
        models=entries,
        unmapped=unmapped,
        input_errors=[input_problem(e) for e in errors],
    )


def _exit_code(
    entries: list[ModelEntry], errors: list[ApidriftError], against: str | None, fail_on: Severity
) -> int:
    """2 on bad input; 1 when a model has findings at `fail_on` against `against` (or, without
    `against`, when it fits no version); else 0."""
    if errors:
        return 2
    if against is not None:
        return 1 if any(not c.matches for e in entries for c in e.checks if c.version == against) else 0
    return 1 if any(not e.matches for e in entries) else 0
