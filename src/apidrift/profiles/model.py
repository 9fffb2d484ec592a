"""The API profile: one API's particulars as a frozen value, loaded from TOML and checked on load."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from functools import cached_property
from importlib import import_module
from pathlib import Path
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from apidrift.errors import ProfileError
from apidrift.profiles.bundled import DEFAULT_API, PROFILE_FILE, bundled_profiles

__all__ = ["DEFAULT_API", "PROFILE_FILE", "ApiProfile", "bundled_profiles", "load_profile", "parse_profile"]
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SecretPattern(_Frozen):
    """A key-shaped string to redact; `placeholder` may use the pattern's named groups."""

    pattern: str
    placeholder: str = "REDACTED"

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"not a regular expression: {exc}") from None
        return value

    def compiled(self) -> re.Pattern[str]:
        return re.compile(self.pattern)

    def replace(self, match: re.Match[str]) -> str:
        groups = {k: v or "" for k, v in match.groupdict().items()}
        try:
            return self.placeholder.format(**groups)
        except (KeyError, IndexError, ValueError):
            return "REDACTED"


class Auth(_Frozen):
    """How the key is sent: `Authorization: Bearer KEY`, or the key alone in a named header."""

    scheme: Literal["bearer", "header"] = "bearer"
    header: str = "authorization"
    # The simulator's 401 text for a request without the key, where the API words it its own way.
    message: str | None = None


class Redaction(_Frozen):
    """Headers whose whole value is a secret, beside the ones every API shares."""

    secret_headers: tuple[str, ...] = ()
    secret_fields: tuple[str, ...] = ()


class SweepRules(_Frozen):
    """How a live sweep reads this API: which items to pass over, query values, list sizes."""

    # field -> "present" (any non-null value marks the item inactive) or the values that do.
    inactive_when: Mapping[str, Literal["present"] | tuple[str, ...]] = Field(default_factory=dict)
    # query parameter -> a literal value, or "now" / "now-<N><s|m|h|d>" as Unix seconds.
    query_defaults: Mapping[str, str] = Field(default_factory=dict)
    # path-template prefix -> the `limit` to ask for (the longest prefix wins).
    list_limits: Mapping[str, int] = Field(default_factory=dict)

    @field_validator("query_defaults")
    @classmethod
    def _times(cls, value: Mapping[str, str]) -> Mapping[str, str]:
        for name, raw in value.items():
            if raw.startswith("now") and not _RELATIVE.fullmatch(raw):
                raise ValueError(f"{name}: {raw!r} is not 'now' or 'now-<N><s|m|h|d>'")
        return value


FilterPaths = Mapping[str, Mapping[str, tuple[str, ...]]]
_RELATIVE: Final = re.compile(r"now(?:-(\d+)([smhd]))?")


class Lock(_Frozen):
    """Items of a collection in a state (`when`: field -> value, dotted fields reach nested ones)
    refuse writes: to themselves (`update`, `delete`, `action`) and to what lies below them in the
    paths (`below`), with a 400 of this `code`; `{id}` in `message` is the item's id."""

    when: Mapping[str, str | int | float | bool]
    refuse: tuple[Literal["update", "delete", "action", "below"], ...] = ("update", "below")
    code: str = "locked"
    message: str = "'{id}' cannot be modified in its current state."


class Simulation(_Frozen):
    """What the generic simulator cannot read from names alone: the query parameters of a time
    window (`start`, `end`, `width`) and the fields of a bucket that bound it (`bucket_start`,
    `bucket_end`), where they have names it does not know."""

    window: Mapping[Literal["start", "end", "width", "bucket_start", "bucket_end"], str] = Field(
        default_factory=dict
    )
    # list path -> query parameter -> the item field paths it filters by (dotted; a `{field}` segment
    # is that field's value), for filters whose field the contract's names and schemas do not tell.
    filters: FilterPaths = Field(default_factory=dict)
    # collection path -> the state in which its items refuse writes (a rule a contract cannot state)
    locks: Mapping[str, Lock] = Field(default_factory=dict)

    @field_validator("filters")
    @classmethod
    def _paths(cls, value: FilterPaths) -> FilterPaths:
        for path, params in value.items():
            for name, fields in params.items():
                if not fields or any(not f or "" in f.split(".") for f in fields):
                    raise ValueError(f"{path}: {name}: give one or more dotted field paths")
        return value


class Extensions(_Frozen):
    """Code a profile adds where data cannot say enough, as `module:attribute` references."""

    sandbox: str | None = None
    simulator: str | None = None

    @field_validator("sandbox", "simulator")
    @classmethod
    def _reference(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"[A-Za-z_][\w.]*:[A-Za-z_]\w*", value):
            raise ValueError(f"{value!r} is not 'package.module:attribute'")
        return value


class ApiProfile(_Frozen):
    """Everything particular to one API; an API without a profile gets `ApiProfile.generic(name)`."""

    name: str
    title: str = ""
    base_url: str | None = None
    key_env: str | None = None
    scope: tuple[str, ...] = ()
    auth: Auth = Auth()
    secrets: tuple[SecretPattern, ...] = ()
    redaction: Redaction = Redaction()
    # path parameter -> the list (a path template) whose items supply it, where the path shape
    # alone does not tell (ids otherwise come from OpenAPI links or the parent collection).
    ids: Mapping[str, str] = Field(default_factory=dict)
    sweep: SweepRules = SweepRules()
    # Endpoint families (name -> path-template prefixes): what a simulator's `--mix` switches as one.
    families: Mapping[str, tuple[str, ...]] = Field(default_factory=dict)
    simulation: Simulation = Simulation()
    extensions: Extensions = Extensions()
    # The one bundled profile a command uses when the user names no API.
    default: bool = False
    source: str = Field(default="", exclude=True)

    @field_validator("name")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not _NAME.fullmatch(value):
            raise ValueError(f"{value!r} is not a lower-case slug (a-z, 0-9, '.', '_', '-')")
        return value

    @field_validator("scope")
    @classmethod
    def _prefixes(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for prefix in value:
            if not prefix.startswith("/"):
                raise ValueError(f"scope {prefix!r} must start with '/'")
        return value

    @classmethod
    def generic(cls, name: str) -> ApiProfile:
        """The profile of an API nobody described: its name, and nothing assumed."""
        return cls(name=name, source="<generic>")

    @cached_property
    def secret_regexes(self) -> tuple[tuple[re.Pattern[str], SecretPattern], ...]:
        return tuple((s.compiled(), s) for s in self.secrets)

    def in_scope(self, path: str) -> bool:
        """Whether a path template is in this profile's scope (everything, when it has none)."""
        return not self.scope or any(path.startswith(prefix) for prefix in self.scope)

    def extension(self, name: Literal["sandbox", "simulator"]) -> Any:
        """The object an extension reference names, imported now; ProfileError if it has none."""
        reference = getattr(self.extensions, name)
        if reference is None:
            raise ProfileError(f"the {self.name!r} profile has no {name}", file=self.source or None)
        module, _, attribute = reference.partition(":")
        try:
            return getattr(import_module(module), attribute)
        except (ImportError, AttributeError) as exc:
            message = f"extensions.{name} = {reference!r} cannot be imported: {exc}"
            raise ProfileError(message, file=self.source or None) from None


def relative_time(value: str, now: float) -> str:
    """A query default as sent: 'now-2d' -> Unix seconds two days before `now`; others as written."""
    match = _RELATIVE.fullmatch(value)
    if match is None:
        return value
    amount, unit = match.groups()
    seconds = int(amount or 0) * {"s": 1, "m": 60, "h": 3600, "d": 86400}.get(unit or "s", 1)
    return str(int(now) - seconds)


def parse_profile(path: Path) -> ApiProfile:
    """Read one profile file; every problem is a ProfileError naming FILE#POINTER."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ProfileError(f"cannot read: {exc.strerror}", file=path) from None
    except UnicodeDecodeError as exc:
        raise ProfileError(f"not UTF-8 text (byte {exc.start})", file=path) from None
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"not TOML: {exc}", file=path) from None
    try:
        return ApiProfile.model_validate({**raw, "source": str(path)})
    except ValidationError as exc:
        first = exc.errors()[0]
        pointer = "/" + "/".join(str(part) for part in first["loc"])
        raise ProfileError(first["msg"], file=path, pointer=pointer) from None


def load_profile(api: str | Path | None = None, *, contracts_root: Path | None = None) -> ApiProfile:
    """The profile of `api`: a TOML file, `<contracts_root>/<api>/profile.toml`, a bundled profile,
    or, for an API nobody described, a generic profile of that name."""
    if api is None:
        api = DEFAULT_API
    path = Path(api)
    if path.suffix == ".toml":
        if not path.is_file():
            raise ProfileError("no such profile file", file=path)
        return parse_profile(path)
    name = str(api)
    if not _NAME.fullmatch(name):
        known = ", ".join(bundled_profiles()) or "none"
        message = f"{name!r} is not an API name (a lower-case slug) or a .toml profile; bundled: {known}"
        raise ProfileError(message)
    if contracts_root is not None and (contracts_root / name / PROFILE_FILE).is_file():
        return parse_profile(contracts_root / name / PROFILE_FILE)
    bundled = bundled_profiles().get(name)
    if bundled is not None:
        return parse_profile(bundled)
    return ApiProfile.generic(name)
