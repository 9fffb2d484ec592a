"""pytest plugin: `--apidrift-*` options and fixtures giving the contract version under test, its
validator, the responses to check (recorded, or live from a read-only sweep) and shape snapshots.

Importing this module adds nothing but pytest and the standard library to what `import apidrift`
loads: other apidrift modules, httpx, hypothesis and syrupy are imported where they are needed.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import pytest

from apidrift.testing.profiles import PROFILES, register_hypothesis_profiles
from apidrift.testing.responses import Checker, Responses, live_responses, recorded_responses

if TYPE_CHECKING:
    import httpx

    from apidrift.check.recordings import RecordingSet
    from apidrift.check.validation import ResponseValidator
    from apidrift.contracts.model import ContractStore, ContractVersion
    from apidrift.live.sweep import SweepResult
    from apidrift.profiles.model import ApiProfile

# Sent to a `--apidrift-base-url` server (a simulator, a proxy) when no key is in the environment.
PLACEHOLDER_KEY: Final = "sk-apidrift-placeholder-not-a-key"
_OPTIONS: Final = {  # name: (metavar, help); each also has an ini form, `apidrift_<name>`
    "api": (
        "NAME|PROFILE.toml",
        "the API: its folder below the contracts root, or its profile file (default: the bundled API)",
    ),
    "base_url": ("URL", "check live responses from this API base URL (e.g. http://127.0.0.1:8000/v1)"),
    "version": ("LABEL", "the contract version to check against (default: the newest)"),
    "recordings": (
        "DIR",
        "the recordings to check (default: recordings/<api>/<version> beside the contracts root)",
    ),
    "contracts": ("DIR", "the contracts root, holding <api>/<version>/ (default: the bundled contracts)"),
    "snapshots": (
        "DIR",
        "the shape snapshot root (default: snapshots/ beside --apidrift-contracts, else in the rootdir)",
    ),
}


@dataclass(frozen=True)
class Settings:
    """What the options resolved to; None means the default (bundled contracts, newest version, …)."""

    contracts: Path | None = None
    version: str | None = None
    recordings: Path | None = None
    base_url: str | None = None
    live: bool = False
    snapshots: Path = Path("snapshots")
    api: str = ""  # the API's name, its folder below the contracts root (from its profile)
    explicit: bool = False  # some apidrift option or ini value was given
    api_key: str | None = field(default=None, repr=False)
    key_env: str | None = None  # the environment variable the API's profile reads the key from
    auth_header: str = "authorization"  # where the key goes; "authorization" sends `Bearer KEY`
    profile: ApiProfile | None = field(default=None, repr=False, compare=False)

    @property
    def online(self) -> bool:
        """Responses come from a server (`--apidrift-live` or `--apidrift-base-url`), not recordings."""
        return self.base_url is not None

    def auth_headers(self) -> dict[str, str]:
        """The request header carrying the key, as the API's profile says to send it."""
        key = self.api_key or PLACEHOLDER_KEY
        if self.auth_header.lower() == "authorization":
            return {"Authorization": f"Bearer {key}"}
        return {self.auth_header: key}


SETTINGS_KEY: Final = pytest.StashKey[Settings]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("apidrift", "apidrift: contract and schema-drift checks")
    for name, (metavar, text) in _OPTIONS.items():
        option = f"--apidrift-{name.replace('_', '-')}"
        group.addoption(option, dest=f"apidrift_{name}", metavar=metavar, help=text)
    group.addoption(
        "--apidrift-live",
        dest="apidrift_live",
        action="store_true",
        default=None,
        help="check live responses from the API's base URL, with the key from the variable its profile names",
    )
    for name in _OPTIONS:
        parser.addini(f"apidrift_{name}", f"default for --apidrift-{name.replace('_', '-')}", default="")
    parser.addini("apidrift_live", "default for --apidrift-live", type="bool", default=False)


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    # tryfirst: the profiles must exist before hypothesis' own hook loads `--hypothesis-profile`.
    profile = config.getoption("--hypothesis-profile", default=None) or os.environ.get("HYPOTHESIS_PROFILE")
    if isinstance(profile, str) and profile in PROFILES:
        register_hypothesis_profiles()
    # Resolved now so that a bad value is a usage error before collection; a project that gives no
    # apidrift option pays nothing here (the defaults are resolved when a fixture first needs them).
    if SETTINGS_KEY not in config.stash and explicit(config):
        try:
            config.stash[SETTINGS_KEY] = resolve_settings(config)
        except ValueError as exc:
            raise pytest.UsageError(f"apidrift: {exc}") from None


def pytest_report_header(config: pytest.Config) -> str | None:
    if not explicit(config):
        return None  # the plugin stays silent in projects that do not use it
    settings = settings_of(config)
    where = f"live {settings.base_url}" if settings.online else f"recordings {recordings_dir(settings)}"
    return f"apidrift: {settings.api} {settings.version or 'newest version'}; responses from {where}"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "apidrift_operation" in metafunc.fixturenames:
        ids = operation_ids(metafunc.config)
        metafunc.parametrize("apidrift_operation", ids, ids=ids)


def _value(config: pytest.Config, name: str) -> tuple[str | None, Path]:
    """An option's value and the folder a relative path in it is relative to (cmdline, then ini)."""
    given = config.getoption(f"apidrift_{name}", default=None)
    if given:
        return str(given), config.invocation_params.dir
    try:
        ini = config.getini(f"apidrift_{name}")
    except ValueError:  # the plugin's hooks were never registered (fixtures imported by a conftest)
        return None, config.rootpath
    base = config.inipath.parent if config.inipath else config.rootpath
    return (str(ini) if ini else None), base


def _live(config: pytest.Config) -> bool:
    if config.getoption("apidrift_live", default=None):
        return True
    try:
        return bool(config.getini("apidrift_live"))
    except ValueError:
        return False


def explicit(config: pytest.Config) -> bool:
    """Whether any apidrift option or ini value was given (cheap: reads the options only)."""
    return _live(config) or any(_value(config, name)[0] for name in _OPTIONS)


def resolve_settings(config: pytest.Config) -> Settings:
    """Settings from the command line, the ini file and the API's profile; ValueError names a bad value."""
    from apidrift.contracts.model import ContractStore, bundled_root
    from apidrift.errors import ApidriftError
    from apidrift.profiles.model import PROFILE_FILE, load_profile

    values = {name: _value(config, name) for name in _OPTIONS}

    def path(name: str) -> Path | None:
        raw, base = values[name]
        return (base / raw).resolve() if raw else None

    contracts, recordings = path("contracts"), path("recordings")
    version, base_url = values["version"][0], values["base_url"][0]
    if contracts is not None and not contracts.is_dir():
        raise ValueError(f"--apidrift-contracts {contracts} is not a folder")
    if recordings is not None and not recordings.is_dir():
        raise ValueError(f"--apidrift-recordings {recordings} is not a folder")
    api = values["api"][0]
    profile_file = path("api") if api and api.endswith(".toml") else None
    try:
        profile = load_profile(profile_file or api, contracts_root=contracts or bundled_root())
    except ApidriftError as exc:
        raise ValueError(f"--apidrift-api: {exc}") from None
    in_a_root = profile_file is not None and profile_file.parts[-2:] == (profile.name, PROFILE_FILE)
    if contracts is None and profile_file is not None and in_a_root:
        contracts = profile_file.parent.parent  # `<root>/<api>/profile.toml` names its contracts root too
    store = ContractStore(contracts, profile.name)
    if api and not store.labels():
        there = sorted(p.name for p in store.root.iterdir() if p.is_dir()) if store.root.is_dir() else []
        raise ValueError(
            f"--apidrift-api {profile.name!r} has no contract versions below {store.root}"
            f" (APIs there: {', '.join(there) or 'none'}; --apidrift-contracts DIR names another root)"
        )
    if version is not None and version not in store.labels():
        known = ", ".join(store.labels()) or "none"
        raise ValueError(f"--apidrift-version {version!r} is not a contract version (known: {known})")
    key = (os.environ.get(profile.key_env, "").strip() or None) if profile.key_env else None
    live = _live(config)
    if live:
        if profile.key_env is None:
            raise ValueError(f"--apidrift-live: the {profile.name!r} profile names no key variable (key_env)")
        if key is None:
            raise ValueError(f"--apidrift-live needs a key in ${profile.key_env}")
        base_url = base_url or profile.base_url
        if base_url is None:
            raise ValueError(
                f"--apidrift-live: the {profile.name!r} profile has no base_url; give --apidrift-base-url"
            )
    if base_url is not None:
        if not base_url.startswith(("http://", "https://")):
            raise ValueError(f"--apidrift-base-url must be an http(s) URL, got {base_url!r}")
        base_url = base_url.rstrip("/")
        key = key or PLACEHOLDER_KEY
    # Snapshots sit beside the contracts they describe, like the recordings.
    snapshots = contracts.parent / "snapshots" if contracts is not None else config.rootpath / "snapshots"
    return Settings(
        contracts=contracts,
        version=version,
        recordings=recordings,
        base_url=base_url,
        live=live,
        snapshots=path("snapshots") or snapshots,
        api=profile.name,
        explicit=explicit(config),
        api_key=key,
        key_env=profile.key_env,
        auth_header="authorization" if profile.auth.scheme == "bearer" else profile.auth.header,
        profile=profile,
    )


def settings_of(config: pytest.Config) -> Settings:
    """The session's settings (resolved now when the plugin's hooks were never registered)."""
    if SETTINGS_KEY not in config.stash:
        try:
            config.stash[SETTINGS_KEY] = resolve_settings(config)
        except ValueError as exc:
            raise pytest.UsageError(f"apidrift: {exc}") from None
    return config.stash[SETTINGS_KEY]


def recordings_dir(settings: Settings, version: str | None = None) -> Path:
    """`--apidrift-recordings`, else `recordings/<api>/<version>` beside the contracts root (the bundled
    recordings for the bundled contracts)."""
    if settings.recordings is not None:
        return settings.recordings
    from apidrift.check.recordings import bundled_recordings

    root = settings.contracts.parent / "recordings" if settings.contracts else bundled_recordings()
    return root / settings.api / (version or settings.version or _newest(settings))


def _newest(settings: Settings) -> str:
    from apidrift.contracts.model import ContractStore

    return ContractStore(settings.contracts, settings.api).newest()


def operation_ids(config: pytest.Config) -> list[str]:
    """The operation ids of the version under test, sorted: for parametrizing a contract suite."""
    from apidrift.contracts.model import ContractStore

    settings = settings_of(config)
    store = ContractStore(settings.contracts, settings.api)
    return sorted(store.load(settings.version or store.newest()).operations)


def plugin_arguments() -> list[str]:
    """Arguments that load this plugin in a child pytest: none when it is installed as an entry point
    (naming it again with `-p` would register it twice, which pytest refuses)."""
    for entry in metadata.entry_points(group="pytest11"):
        if entry.value == __name__:
            return []
    return ["-p", __name__]


# --- fixtures: named `apidrift_*`; the functions are `*_fixture` so a module can import them without
# its test parameters redefining the imported names (see tests/contract/test_contract_suite.py).


@pytest.fixture(scope="session", name="apidrift_settings")
def settings_fixture(pytestconfig: pytest.Config) -> Settings:
    """The resolved `--apidrift-*` options."""
    return settings_of(pytestconfig)


@pytest.fixture(scope="session", name="apidrift_store")
def store_fixture(apidrift_settings: Settings) -> ContractStore:
    """The API's contract versions below `--apidrift-contracts` (default: the bundled contracts)."""
    from apidrift.contracts.model import ContractStore

    return ContractStore(apidrift_settings.contracts, apidrift_settings.api)


@pytest.fixture(scope="session", name="apidrift_contract")
def contract_fixture(apidrift_store: ContractStore, apidrift_settings: Settings) -> ContractVersion:
    """The contract version under test (`--apidrift-version`, default the newest)."""
    return apidrift_store.load(apidrift_settings.version or apidrift_store.newest())


@pytest.fixture(name="apidrift_operation")
def operation_fixture() -> str:
    """An operation id of the version under test: a test taking it runs once per operation, sorted."""
    # The plugin's pytest_generate_tests parametrizes the name, so this runs only where the plugin's hooks
    # are not registered (its fixtures imported into a module without the plugin installed).
    pytest.fail("apidrift_operation needs the apidrift plugin registered (-p apidrift.testing.plugin)")


@pytest.fixture(scope="session", name="apidrift_validator")
def validator_fixture(apidrift_contract: ContractVersion) -> ResponseValidator:
    """A compiled validator of the version under test: `.validate(operation_id, status, body)`."""
    from apidrift.check.validation import ResponseValidator

    return ResponseValidator(apidrift_contract)


@pytest.fixture(scope="session", name="apidrift_recordings")
def recordings_fixture(apidrift_settings: Settings, apidrift_contract: ContractVersion) -> RecordingSet:
    """The recordings under test: `--apidrift-recordings`, else `recordings/<api>/<version>` beside the
    contracts (the bundled ones for the bundled contracts)."""
    from apidrift.check.recordings import load_recordings

    return load_recordings(recordings_dir(apidrift_settings, apidrift_contract.version))


@pytest.fixture(scope="session", name="apidrift_client")
def client_fixture(apidrift_settings: Settings) -> Iterator[httpx.Client]:
    """A read-only httpx client of the API under test, authenticated as its profile says; skips without
    a server."""
    if not apidrift_settings.online:
        pytest.skip("no server to call: give --apidrift-base-url or --apidrift-live")
    import httpx

    from apidrift.live.client import ReadOnlyViolation
    from apidrift.live.transport import no_cookies

    def refuse_writes(request: httpx.Request) -> None:
        if request.method != "GET":
            raise ReadOnlyViolation(
                f"the apidrift client is read-only: refused {request.method} {request.url}"
            )

    with httpx.Client(
        base_url=f"{apidrift_settings.base_url}/",
        headers=apidrift_settings.auth_headers(),
        timeout=30.0,
        event_hooks={"request": [refuse_writes]},
        cookies=no_cookies(),  # a cookie the server sets (one carrying the key, say) is never sent back
    ) as client:
        yield client


@pytest.fixture(scope="session", name="apidrift_sweep")
def sweep_fixture(apidrift_settings: Settings, apidrift_contract: ContractVersion) -> SweepResult:
    """A read-only sweep of every GET of the version under test (lists first, their ids drive the rest)."""
    if not apidrift_settings.online:
        pytest.skip("no server to sweep: give --apidrift-base-url or --apidrift-live")
    import asyncio

    from apidrift.live.client import LiveClient
    from apidrift.live.sweep import Sweep

    async def sweep() -> SweepResult:
        key = apidrift_settings.api_key or PLACEHOLDER_KEY
        base_url, profile = str(apidrift_settings.base_url), apidrift_settings.profile
        async with LiveClient(key, base_url=base_url, profile=profile, read_only=True) as client:
            return await Sweep(client, apidrift_contract, profile=profile).run()

    return asyncio.run(sweep())


@pytest.fixture(scope="session", name="apidrift_responses")
def responses_fixture(apidrift_settings: Settings, request: pytest.FixtureRequest) -> Responses:
    """`responses(operation_id)`: what to check for one operation; skips the test when there is none."""
    if apidrift_settings.online:
        return live_responses(request.getfixturevalue("apidrift_sweep"))
    return recorded_responses(request.getfixturevalue("apidrift_recordings"))


@pytest.fixture(scope="session", name="apidrift_checker")
def checker_fixture(apidrift_store: ContractStore, apidrift_validator: ResponseValidator) -> Checker:
    """Checks responses against the version under test, naming renames from the other versions."""
    from apidrift.check.validation import ResponseValidator

    mine = apidrift_validator.version.version
    others = [ResponseValidator(v) for v in apidrift_store.load_all() if v.version != mine]
    return Checker(apidrift_validator, others)


@pytest.fixture(name="apidrift_snapshot")
def snapshot_fixture(apidrift_settings: Settings, request: pytest.FixtureRequest) -> Any:
    """syrupy's `snapshot`, storing shapes as `<snapshots>/<api>/<version>/<operation>.shape.txt`."""
    from apidrift.testing.snapshots import shape_extension

    snapshot = request.getfixturevalue("snapshot")
    return snapshot.use_extension(shape_extension(apidrift_settings.snapshots, apidrift_settings.api))
