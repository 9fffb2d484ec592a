"""Where a contract version comes from: a label, a contract folder, or an OpenAPI file (cached)."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from apidrift.contracts.model import CONTRACT_FILE, ContractStore, ContractVersion, load_version
from apidrift.errors import ApidriftError, ContractError, UnsafeFileError
from apidrift.files import atomic_write
from apidrift.forked import free_cores, run_forked
from apidrift.openapi.bundle import ORIGINS_KEY, has_external_refs, origin_of
from apidrift.openapi.components import Finding, ImportedExample
from apidrift.openapi.convert import ImportResult, import_document, in_scope, load_document
from apidrift.openapi.soundness import check_imported
from apidrift.openapi.swagger2 import SWAGGER2_KEY, converted, original_pointer

# /8: YAML is read as YAML 1.2 (`on`, `0755` and `1e3` changed meaning).
# /7: parameters carry allowEmptyValue and allowReserved.
# /6: parameters carry their style and explode; callbacks are kept as webhooks. /5: operations and
# parameters carry their lifecycle extensions. /3: findings are values (kind, message, operation,
# file, pointer); the API is named by the document.
# /10: 3.1 keywords beside a $ref kept; every schema extending a discriminated base kept, at any
# depth; a Swagger 2.0 operation's schemes are its servers, a body parameter in another file its
# request body. /9: a schema's $ref to what is no schema (`#`, `#/info`) is refused.
CACHE_FORMAT = "apidrift.openapi-cache/10"
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# A version label or API name that is safe as one folder name.
FOLDER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class ScopeError(ApidriftError):
    """A `--scope` prefix that is malformed or that no operation of either side falls under."""


def cache_dir() -> Path:
    base = os.environ.get("APIDRIFT_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "apidrift"
    )
    return Path(base) / "openapi"


def api_slug(title: str, fallback: str = "api") -> str:
    """A document's `info.title` as an API name: `Swagger Petstore - 1.0` -> `swagger-petstore-1.0`."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9.]+", "-", ascii_title.lower()).strip("-.")
    slug = re.sub(r"\.{2,}", ".", slug)[:64].rstrip("-.")
    return slug or fallback


def version_label(info_version: str) -> str | None:
    """The label `info.version` gives a contract version: itself when it is a date or a folder-safe
    label (`1.2.0`), else None (the caller must name one)."""
    text = info_version.strip()
    if ISO_DATE.match(text[:10]) and (len(text) == 10 or text[10] in "T "):
        return text[:10]
    return text if FOLDER_NAME.match(text) and ".." not in text else None


def import_openapi_file(
    path: Path,
    *,
    version: str | None = None,
    scope: Sequence[str] = (),
    api: str | None = None,
    use_cache: bool = True,
) -> ImportResult:
    """Import an OpenAPI file (the operations under `scope`, all when empty) as API `api` (by default
    the slug of its `info.title`), labelled `version` or the file's stem; cached by content hash."""
    source = _Source.read(path, version, scope, api)
    return _import(source) if use_cache else source.build()


def import_openapi_files(
    paths: Sequence[Path], *, scope: Sequence[str] = (), api: str | None = None
) -> list[ImportResult]:
    """`import_openapi_file` of each path, labelled by its stem (with as many parent folders as tell
    two files of one name apart). Large files are imported (or read from the cache) side by side
    where another core is idle (`forked.py`): the largest here, the others in forked children,
    results and errors as if one after the other."""
    labels = distinct_labels(paths)
    sources = [_Source.read(path, label, scope, api) for path, label in zip(paths, labels, strict=True)]
    jobs = [functools.partial(_import, source) for source in sources]
    worth_it = len(sources) > 1 and min(source.size for source in sources) >= FORK_FROM_BYTES
    # The largest here: a child's result costs a pickle each way, the smaller the cheaper.
    largest = max(range(len(sources)), key=lambda i: sources[i].size, default=0)
    return run_forked(jobs, children=free_cores() if worth_it else 0, here=largest)


# Below this size a document imports in less time than a fork and the pickled result cost.
FORK_FROM_BYTES = 256 * 1024


def _import(source: _Source) -> ImportResult:
    found = source.from_cache()
    return found if found is not None else _build_and_cache(source)


def _build_and_cache(source: _Source) -> ImportResult:
    result = source.build()
    if source.cacheable:
        _to_cache(source.cached, result)
    return result


def distinct_labels(paths: Sequence[Path]) -> list[str]:
    """Each file's stem, or, where files share one (`a/openapi.yaml`, `b/openapi.yaml`), the stem under
    the fewest parent folders that tell them apart (`a/openapi`, `b/openapi`)."""

    def label(path: Path, depth: int) -> str:
        parents = path.parent.parts[-depth:] if depth else ()
        return "/".join([*parents, path.stem])

    depth = 0
    while True:
        labels = [label(p, depth) for p in paths]
        if len(set(labels)) == len(labels) or depth > max(len(p.parts) for p in paths):
            return labels
        depth += 1


@dataclass(frozen=True)
class _Source:
    """An OpenAPI file to import, read once: its label and the cache entry its content names."""

    path: Path
    label: str
    content: str
    cached: Path
    size: int
    scope: tuple[str, ...]
    api: str | None
    # A document naming other files depends on more than its own bytes: never served from the cache.
    cacheable: bool = True

    @classmethod
    def read(cls, path: Path, version: str | None, scope: Sequence[str], api: str | None) -> _Source:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ApidriftError(f"cannot read: {exc.strerror}", file=path) from None
        content = hashlib.sha256(data).hexdigest()
        key = hashlib.sha256("\0".join([CACHE_FORMAT, content, api or "", *scope]).encode()).hexdigest()
        cached = cache_dir() / f"{key}.json"
        return cls(
            path=path,
            label=version or path.stem,
            content=content,
            cached=cached,
            size=len(data),
            scope=tuple(scope),
            api=api,
            cacheable=not has_external_refs(data),
        )

    def from_cache(self) -> ImportResult | None:
        if not self.cacheable or not self.cached.is_file():
            return None
        try:
            return _from_cache(json.loads(self.cached.read_text(encoding="utf-8")), self.label, self.path)
        except (ValueError, _StaleCache, ApidriftError):
            return None  # a damaged or outdated cache entry is rebuilt

    def build(self) -> ImportResult:
        path, scope = self.path, self.scope
        document = load_document(path)
        raw_info = document.get("info")
        info: dict[str, Any] = raw_info if isinstance(raw_info, dict) else {}
        name = self.api or api_slug(str(info.get("title") or ""), fallback=api_slug(path.stem))
        try:
            result = import_document(
                document,
                api=name,
                version=self.label,
                scope=scope,
                source=f"openapi {path.name}",
                file=str(path),
            )
            sound, problems = check_imported(result.version, file=str(path))
        except ApidriftError as exc:
            # An error inside a schema the bundler copied from another file names that file, as its
            # findings do (`_located`), not the components entry it was copied into.
            if exc.file == str(path) and ORIGINS_KEY in document:
                exc.file, exc.pointer = origin_of(document, exc.file, exc.pointer)
            if exc.file == str(path):
                exc.pointer = original_pointer(document, exc.pointer)
            raise
        info_version = str(info.get("version", ""))
        # Where the version came from, kept in contract.json (and so in the cache) beside the operations.
        provenance = {
            "file": path.name,
            "sha256": self.content,
            "openapi": str(document.get("openapi")),
            "title": str(info.get("title", "")),
            "info_version": info_version,
            "scope": list(scope),
            **({"swagger": "2.0"} if SWAGGER2_KEY in document else {}),
        }
        dated = version_label(info_version)
        return dataclasses.replace(
            result,
            problems=[
                _located(f, document) for f in (*converted(document, str(path)), *result.problems, *problems)
            ],
            version=dataclasses.replace(
                sound,
                date=dated if dated and ISO_DATE.match(dated) else None,
                extra={**result.version.extra, "openapi": provenance},
            ),
        )


_EXAMPLE_FIELDS = dataclasses.fields(ImportedExample)


def _located(finding: Finding, document: dict[str, Any]) -> Finding:
    """A finding inside a schema the bundler copied from another file, pointed at that file."""
    if finding.file is None:
        return finding
    file, pointer = origin_of(document, finding.file, finding.pointer)
    if file == finding.file:  # a Swagger 2.0 document's finding, pointed into the 2.0 text
        pointer = original_pointer(document, pointer)
    return dataclasses.replace(finding, file=file, pointer=pointer)


def _to_cache(target: Path, result: ImportResult) -> None:
    """Write the cache entry of `result`; best effort."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        files = result.version.to_files()
        entry = {
            "format": CACHE_FORMAT,
            "contract": files[CONTRACT_FILE],
            "schemas": files["schemas.json"],
            # Shallow: `dataclasses.asdict` deep-copies every example body, a third of this write.
            "examples": [{f.name: getattr(e, f.name) for f in _EXAMPLE_FIELDS} for e in result.examples],
            "problems": [f.to_json() for f in result.problems],
            # The file the findings name: the same content read from elsewhere names its own path.
            "source": next((f.file for f in result.problems if f.file), None),
        }
        # A unique temp file and a rename: processes caching the same document at once each replace
        # the entry whole (its content is the same, named by its hash), so no lock is needed.
        # Not fsynced: an entry lost or torn by a crash fails its format check and is rebuilt.
        atomic_write(target, json.dumps(entry), durable=False)
    except (OSError, UnsafeFileError):
        pass  # caching is an optimisation; a read-only home must not break a diff


class _StaleCache(Exception):
    """A cache entry that is not what this version of apidrift writes: rebuild it."""


def _from_cache(entry: Any, label: str, path: Path) -> ImportResult:
    from apidrift.contracts.model import parse_version

    if not isinstance(entry, dict) or entry.get("format") != CACHE_FORMAT:
        raise _StaleCache("format")
    contract, schemas = entry.get("contract"), entry.get("schemas")
    examples, problems = entry.get("examples"), entry.get("problems")
    if not (isinstance(contract, dict) and isinstance(schemas, dict)):
        raise _StaleCache("contract")
    if not (isinstance(examples, list) and isinstance(problems, list)):
        raise _StaleCache("examples")
    provenance = contract.get("openapi")
    if isinstance(provenance, dict):  # the same content read from another file is that file's
        contract = {**contract, "openapi": {**provenance, "file": path.name}}
    version = parse_version({**contract, "version": label}, schemas, Path("<cache>"))
    source = entry.get("source")
    try:
        imported = [ImportedExample(**e) for e in examples]
        findings = [Finding.from_json(f) for f in problems]
    except (TypeError, KeyError, ValueError, AttributeError) as exc:
        raise _StaleCache("examples") from exc
    if source:
        findings = [dataclasses.replace(f, file=str(path)) if f.file == source else f for f in findings]
    return ImportResult(version, imported, findings)


def resolve_version(argument: str, store: ContractStore, scope: Sequence[str] = ()) -> ContractVersion:
    """A version label of `store`, a contract folder, or an OpenAPI file (YAML or JSON), narrowed to
    the operations under `scope` (all of them when it is empty)."""
    path = Path(argument)
    if path.is_dir():
        if not (path / CONTRACT_FILE).is_file():
            raise ContractError(f"not a contract folder: no {CONTRACT_FILE}", file=path)
        return narrowed(load_version(path), scope)
    if path.is_file():
        return import_openapi_file(path, scope=scope).version
    return narrowed(store.load(argument), scope)


def resolve_versions(
    arguments: Sequence[str], store: ContractStore, scope: Sequence[str] = ()
) -> list[ContractVersion]:
    """`resolve_version` of each argument; two OpenAPI files of one name are told apart by their folders."""
    paths = [(a, Path(a)) for a in arguments]
    files = list(dict.fromkeys(p for _, p in paths if not p.is_dir() and p.is_file()))
    imported = dict(zip(files, import_openapi_files(files, scope=scope), strict=True))
    return [imported[p].version if p in imported else resolve_version(a, store, scope) for a, p in paths]


def narrowed(version: ContractVersion, scope: Sequence[str]) -> ContractVersion:
    """The version with only the operations under `scope` (itself when the scope is empty)."""
    prefixes = tuple(scope)
    if not prefixes:
        return version
    kept = {k: op for k, op in version.operations.items() if in_scope(op.path, prefixes)}
    return dataclasses.replace(version, operations=kept)


def check_scope(
    scope: Sequence[str], *versions: ContractVersion, file: Path | None = None, profile: str = ""
) -> None:
    """ScopeError naming the prefix that is not a path or that no operation of any side falls under.

    A profile's scope (`profile` names it) is a whole: it is bad only when none of it matches."""
    paths = [op.path for version in versions for op in version.operations.values()]
    sides = " or ".join(v.version for v in versions)
    pointer = "/paths" if file else ""
    for prefix in scope:
        if not prefix.startswith("/"):
            raise ScopeError(f"--scope {prefix!r} must be a path prefix starting with '/'", file=file)
    if profile:
        if scope and not any(in_scope(path, tuple(scope)) for path in paths):
            message = (
                f"the scope of the {profile} profile ({', '.join(scope)}) matches no operation of {sides}"
            )
            raise ScopeError(message, file=file, pointer=pointer)
        return
    for prefix in scope:
        if not any(path.startswith(prefix) for path in paths):
            message = f"--scope {prefix!r} matches no operation of {sides}"
            raise ScopeError(message, file=file, pointer=pointer)
