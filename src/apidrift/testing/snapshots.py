"""Shape snapshots: the field paths of an operation's responses, with types and required-ness and every
value masked, kept by syrupy as one readable file per operation and version; when a shape changes, the
failure names renames, additions and removals (rename pairing from `apidrift.check.renames`)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Final

from syrupy.data import SnapshotCollections
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

from apidrift.check.body_fields import flatten_value
from apidrift.check.recordings import safe_file_name
from apidrift.check.renames import pair_renames, parent_of
from apidrift.check.shapes import FieldShape, SchemaFlattener
from apidrift.contracts.model import ContractVersion

if TYPE_CHECKING:
    from syrupy.location import PyTestLocation
    from syrupy.types import PropertyFilter, PropertyMatcher, SerializableData, SerializedData, SnapshotIndex

ROOT: Final = "(body)"
SUFFIX: Final = "shape.txt"
_SECTION = re.compile(r"^\[(?P<name>.+)\]$")
_FIELD = re.compile(
    r"^(?P<path>.*?): (?P<types>[a-z|]+)(?: \((?P<req>required|optional)\))?(?: enum (?P<enum>\[.*\]))?$"
)


@dataclass(frozen=True)
class ShapeField:
    """One field path: its JSON types, whether the contract requires it (None when observed), its enum."""

    path: str
    types: str
    required: bool | None = None
    enum: tuple[Any, ...] | None = None

    def describe(self) -> str:
        text = self.types
        if self.required is not None:
            text += " (required)" if self.required else " (optional)"
        if self.enum is not None:
            text += " enum " + json.dumps(list(self.enum), ensure_ascii=False)
        return text

    def render(self) -> str:
        return f"{self.path or ROOT}: {self.describe()}"


@dataclass(frozen=True)
class OperationShape:
    """The shape file of one operation of one version: a section per documented or observed status."""

    api: str
    version: str
    operation: str
    method: str
    path: str
    sections: tuple[tuple[str, tuple[str, ...], tuple[ShapeField, ...]], ...]  # (name, notes, fields)

    @property
    def name(self) -> str:
        """The snapshot's name, `<version>/<operation>`: also its file below `<root>/<api>/` (the
        operation id made one safe file name, so no id can place a file elsewhere)."""
        return snapshot_name(self.version, self.operation)

    def render(self) -> str:
        lines = [
            f"# apidrift shape of {self.operation} ({self.method} {self.path}), {self.api} {self.version}",
            "# one field per line: path: JSON types (required|optional when documented); values masked",
        ]
        for name, notes, fields in self.sections:
            lines += ["", f"[{name}]", *(f"# {note}" for note in notes), *(f.render() for f in fields)]
        return "\n".join(lines) + "\n"


def documented_fields(version: ContractVersion, operation_id: str, status: str) -> tuple[ShapeField, ...]:
    """The fields a version documents for one response status (SchemaFlattener)."""
    spec = version.operation(operation_id).responses[status]
    flat = SchemaFlattener(version.schemas).flatten(spec.schema)
    return tuple(_from_field_shape(shape) for _, shape in sorted(flat.items()))


def _from_field_shape(shape: FieldShape) -> ShapeField:
    return ShapeField(shape.path, "|".join(shape.types) or "any", shape.required, shape.enum)


def observed_fields(bodies: Iterable[Any]) -> tuple[ShapeField, ...]:
    """The fields seen in some bodies of one status, with every JSON type seen (flatten_value)."""
    seen: dict[str, set[str]] = {}
    for body in bodies:
        for path, types in flatten_value(body).items():
            seen.setdefault(path, set()).update(types.split("|"))
    return tuple(ShapeField(path, "|".join(sorted(types))) for path, types in sorted(seen.items()))


def operation_shape(
    version: ContractVersion, operation_id: str, observed: Sequence[tuple[str, int, Any]] = ()
) -> OperationShape:
    """The shape of an operation: every documented status with a body, then every observed one.

    `observed` holds `(source, status, body)` triples, e.g. recordings; sources are listed, values never.
    """
    op = version.operation(operation_id)
    sections: list[tuple[str, tuple[str, ...], tuple[ShapeField, ...]]] = []
    for status in sorted(op.responses):
        if op.responses[status].schema is not None:
            note = f"contract {version.api} {version.version}"
            sections.append(
                (f"documented {status}", (note,), documented_fields(version, operation_id, status))
            )
    for seen in sorted({s for _, s, _ in observed}):
        group = [(source, body) for source, s, body in observed if s == seen]
        notes = tuple(f"seen in {source}" for source, _ in group)
        sections.append((f"observed {seen}", notes, observed_fields(body for _, body in group)))
    return OperationShape(version.api, version.version, operation_id, op.method, op.path, tuple(sections))


def parse_shape(text: str) -> dict[str, dict[str, ShapeField]]:
    """A shape file's sections and their fields (comments and unparseable lines are ignored)."""
    sections: dict[str, dict[str, ShapeField]] = {}
    current: dict[str, ShapeField] | None = None
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if match := _SECTION.match(line):
            current = sections.setdefault(match["name"], {})
        elif current is not None and (match := _FIELD.match(line)):
            path = "" if match["path"] == ROOT else match["path"]
            required = None if match["req"] is None else match["req"] == "required"
            enum = tuple(json.loads(match["enum"])) if match["enum"] else None
            current[path] = ShapeField(path, match["types"], required, enum)
    return sections


def shape_drift(old_text: str, new_text: str) -> list[str]:
    """How a shape changed, one line each: renames (with confidence), then removals, additions, changes."""
    old, new = parse_shape(old_text), parse_shape(new_text)
    lines = [f"{name}: section removed" for name in old if name not in new]
    lines += [f"{name}: section added" for name in new if name not in old]
    for name in (n for n in new if n in old):
        lines += [f"{name}: {change}" for change in _section_drift(old[name], new[name])]
    return lines


def _section_drift(old: dict[str, ShapeField], new: dict[str, ShapeField]) -> list[str]:
    out: list[str] = []
    origin = {p: p for p in old}  # where each (possibly moved) old path really was
    for _ in range(8):  # renames nest (a renamed field inside a renamed one): each pass peels one
        removed, added = _outermost(old, new), _outermost(new, old)
        pairs = pair_renames([(p, old[p].types) for p in removed], [(p, new[p].types) for p in added])
        if not pairs:
            break
        for pair in pairs:
            out.append(f"{origin[pair.old]} → {pair.new} (renamed, confidence {pair.confidence:.2f})")
            moved = {_moved(p, pair.old, pair.new): p for p in old}
            old = {m: replace(old[p], path=m) for m, p in moved.items()}
            origin = {m: origin[p] for m, p in moved.items()}
    out += [f"{origin[p] or ROOT}: {old[p].describe()} (removed)" for p in _outermost(old, new)]
    out += [f"{p or ROOT}: {new[p].describe()} (added)" for p in _outermost(new, old)]
    for p in sorted(old.keys() & new.keys()):
        if old[p].describe() != new[p].describe():
            out.append(f"{p or ROOT}: {old[p].describe()} → {new[p].describe()} (changed)")
    return out


def _outermost(these: dict[str, ShapeField], others: dict[str, ShapeField]) -> list[str]:
    """Paths of `these` missing from `others` whose parent both have (their children come along)."""
    return sorted(
        p for p in these if p and p not in others and parent_of(p) in others and parent_of(p) in these
    )


def _moved(path: str, old: str, new: str) -> str:
    if path == old or path.startswith((old + ".", old + "[]")):
        return new + path[len(old) :]
    return path


class ShapeExtension(SingleFileSnapshotExtension):
    """syrupy storage for shapes: `<root>/<api>/<version>/<operation>.shape.txt`, named by the
    assertion (`snapshot(name=shape.name) == shape`), and a failure that explains the drift first."""

    file_extension = SUFFIX
    _write_mode = WriteMode.TEXT
    root: ClassVar[Path] = Path("snapshots")
    api: ClassVar[str] = ""  # set per API by shape_extension

    def serialize(
        self,
        data: SerializableData,
        *,
        exclude: PropertyFilter | None = None,
        include: PropertyFilter | None = None,
        matcher: PropertyMatcher | None = None,
    ) -> SerializedData:
        if isinstance(data, OperationShape):
            return data.render()
        if isinstance(data, str):
            return data
        raise TypeError(f"a shape snapshot takes an OperationShape, not {type(data).__name__}")

    @classmethod
    def dirname(cls, *, test_location: PyTestLocation) -> str:
        return str(cls.root / cls.api)

    @classmethod
    def get_file_basename(cls, *, test_location: PyTestLocation, index: SnapshotIndex) -> str:
        if not isinstance(index, str) or index.count("/") != 1 or snapshot_name(*index.split("/")) != index:
            raise ValueError("name a shape snapshot `<version>/<operation>`: snapshot(name=shape.name)")
        return index

    @classmethod
    def get_snapshot_name(cls, *, test_location: PyTestLocation, index: SnapshotIndex = 0) -> str:
        # Prefixed with the test's name so that syrupy can relate the snapshot to the test.
        return f"{test_location.snapshot_name.split('[', 1)[0]}[{index}]"

    @classmethod
    def matches_test_location(cls, *, test_location: PyTestLocation, snapshot_location: str) -> bool:
        return Path(snapshot_location).is_relative_to(cls.root)

    def discover_snapshots(
        self, *, test_location: PyTestLocation, ignore_extensions: list[str] | None = None
    ) -> SnapshotCollections:
        # syrupy finds unused snapshots by matching file names to test names, which these files do not
        # follow (and it would delete them on --snapshot-update); `stale_snapshots` does that job.
        return SnapshotCollections()

    def diff_lines(self, serialized_data: SerializedData, snapshot_data: SerializedData) -> Iterator[str]:
        if snapshot_data:
            drift = shape_drift(str(snapshot_data), str(serialized_data))
            yield "shape drift (run with --snapshot-update to accept it):" if drift else "shape text changed:"
            yield from (f"  {line}" for line in drift)
        yield from super().diff_lines(serialized_data, snapshot_data)


@cache
def shape_extension(root: Path, api: str) -> type[ShapeExtension]:
    """The extension class storing below `<root>/<api>/` (syrupy takes classes, so one per folder, cached)."""
    return type("ShapeExtension", (ShapeExtension,), {"root": root.resolve(), "api": api})


def snapshot_name(version: str, operation: str) -> str:
    """`<version>/<operation>` as a shape file is named: each part one safe file name."""
    return f"{safe_file_name(version)}/{safe_file_name(operation)}"


def stale_snapshots(root: Path, api: str, expected: Iterable[str]) -> list[Path]:
    """Shape files below `<root>/<api>/` whose `<version>/<operation>` is not in `expected`."""
    wanted = {snapshot_name(*name.split("/", 1)) if "/" in name else name for name in expected}
    folder = root / api
    files = sorted(folder.glob(f"*/*.{SUFFIX}")) if folder.is_dir() else []
    return [f for f in files if f"{f.parent.name}/{f.name[: -len(SUFFIX) - 1]}" not in wanted]
