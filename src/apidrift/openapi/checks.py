"""A spec's own examples as recordings of the imported version, each checked against its own schema."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from apidrift.check.recordings import Provenance, Recording, safe_file_name
from apidrift.check.validation import ResponseValidator, ValidationResult
from apidrift.contracts.model import ContractVersion, Operation
from apidrift.errors import UnknownOperationError
from apidrift.openapi.components import ImportedExample


@dataclass(frozen=True)
class ExampleCheck:
    """One documented example checked (strictly) against the schema documented beside it."""

    example: ImportedExample
    file: str
    result: ValidationResult | None
    # Why the example could not be checked at all (its status is not documented, say).
    error: str = ""

    @property
    def agrees(self) -> bool:
        """Valid and with no undocumented field: the documentation agrees with itself."""
        return self.result is not None and self.result.exact

    @property
    def contradicts(self) -> bool:
        """The example breaks its schema (not merely shows fields the schema does not declare)."""
        return self.result is None or not self.result.valid

    def findings(self, limit: int = 3) -> list[str]:
        """The first violations, then the first undocumented fields, readable one per line."""
        if self.result is None:
            return [self.error]
        lines = [v.describe() for v in self.result.violations[:limit]]
        lines += [u.describe() for u in self.result.undocumented[: max(limit - len(lines), 0)]]
        hidden = len(self.result.violations) + len(self.result.undocumented) - len(lines)
        return lines + ([f"… and {hidden} more"] if hidden > 0 else [])


def recording_names(examples: Sequence[ImportedExample]) -> list[str]:
    """File names: `<operation>.json`, or `<operation>.<status>.<label>.json` when it has several."""
    per_operation: dict[str, int] = {}
    for example in examples:
        per_operation[example.operation_id] = per_operation.get(example.operation_id, 0) + 1
    names: list[str] = []
    taken: set[str] = set()
    for example in examples:
        stem = safe_file_name(example.operation_id)
        if per_operation[example.operation_id] > 1:
            stem += f".{safe_file_name(example.status)}.{safe_file_name(example.label)}"
        if safe_file_name(f"{stem}.json") != f"{stem}.json":
            # Too long for one file name (GitHub's `<operation>.<status>.<label>` runs past it):
            # shortened, with a digest of the whole so that two long names stay two files.
            digest = hashlib.sha256(stem.encode()).hexdigest()[:12]
            stem = f"{safe_file_name(stem)[:60]}-{digest}"
        name, n = f"{stem}.json", 1
        while name in taken:  # `a/b` and `a_b` share a slug; neither may overwrite the other
            n += 1
            name = f"{stem}-{n}.json"
        taken.add(name)
        names.append(name)
    return names


def example_recordings(
    version: ContractVersion, examples: Sequence[ImportedExample]
) -> list[tuple[str, Recording]]:
    """Each example as a recording of `version`, named by `recording_names`.

    Examples of a status range or `default` response are checked but not recorded: a recording
    needs the one status a server answered with.
    """
    out = []
    for name, example in zip(recording_names(examples), examples, strict=True):
        if not example.status.isdigit():
            continue
        operation = version.operation(example.operation_id)
        recording = Recording(
            operation=operation.id,
            method=operation.method,
            path=concrete_path(operation),
            query=_required_query(operation),
            status=int(example.status),
            headers={"content-type": "application/json"},
            body=example.body,
            provenance=Provenance(source=example.source, version=version.version),
        )
        out.append((name, recording))
    return out


def check_examples(version: ContractVersion, examples: Sequence[ImportedExample]) -> list[ExampleCheck]:
    """Validate every example against its operation and status in `version`, undocumented fields too."""
    validator = ResponseValidator(version)
    checks = []
    for name, example in zip(recording_names(examples), examples, strict=True):
        try:
            result = validator.validate(example.operation_id, example.status, example.body, strict=True)
        except UnknownOperationError as exc:
            checks.append(ExampleCheck(example, name, None, exc.message))
            continue
        except ValueError as exc:
            # jsonschema-rs refuses a schema that is not valid JSON Schema: a defect of the spec.
            message = f"the documented schema cannot be compiled: {str(exc).splitlines()[0]}"
            checks.append(ExampleCheck(example, name, None, message))
            continue
        checks.append(ExampleCheck(example, name, result))
    return checks


def concrete_path(operation: Operation) -> str:
    """The path with each parameter replaced by its documented example, else by its name."""
    path = operation.path
    for param in operation.path_params:
        path = path.replace("{" + param.name + "}", _example_text(param.schema) or param.name)
    return path


def _required_query(operation: Operation) -> dict[str, str]:
    query = {}
    for param in operation.query_params:
        value = _example_text(param.schema)
        if param.required and value is not None:
            query[param.name] = value
    return query


def _example_text(schema: dict[str, Any]) -> str | None:
    examples = schema.get("examples")
    if isinstance(examples, list) and examples and isinstance(examples[0], (str, int, float)):
        return str(examples[0])
    return None
