"""The pytest plugin, run through pytester: every `--apidrift-*` option (and its ini form), usage
errors for bad values, the fixtures, the report header, and what importing the plugin costs."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

# Imported here first, hypothesis stays loaded across in-process runs instead of being re-imported
# (~1 s) by each inner run whose hypothesis plugin reaches for it.
import hypothesis
import pytest

from apidrift.testing.plugin import PLACEHOLDER_KEY, plugin_arguments

pytest_plugins = ["pytester"]
REPO = Path(__file__).resolve().parents[2]
USAGE = pytest.ExitCode.USAGE_ERROR

SETTINGS_PROBE = """
import json
from pathlib import Path

def test_probe(apidrift_settings, apidrift_contract, apidrift_recordings):
    Path("probe.json").write_text(json.dumps({
        "version": apidrift_contract.version,
        "base_url": apidrift_settings.base_url,
        "live": apidrift_settings.live,
        "online": apidrift_settings.online,
        "recordings": [r.recording.operation for r in apidrift_recordings.recordings],
        "folder": str(apidrift_recordings.folder),
        "contracts": str(apidrift_settings.contracts),
        "snapshots": str(apidrift_settings.snapshots),
    }))
"""


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    (pytester.path / "probe.json").unlink(missing_ok=True)
    return pytester.runpytest(*plugin_arguments(), "-p", "no:cacheprovider", *args)


def probe(result: pytest.RunResult) -> dict[str, Any]:
    """What the inner SETTINGS_PROBE test saw (it writes probe.json in the inner run's folder)."""
    assert result.ret == pytest.ExitCode.OK, result.stdout.str()
    found: dict[str, Any] = json.loads(Path("probe.json").read_text())
    return found


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No key or profile from the caller's environment; a profile an inner run loads is unloaded."""
    monkeypatch.delenv("OPENAI_ADMIN_KEY", raising=False)
    monkeypatch.delenv("HYPOTHESIS_PROFILE", raising=False)
    profile = hypothesis.settings.get_current_profile_name()
    yield
    hypothesis.settings.load_profile(profile)


def test_defaults_are_the_newest_version_and_its_bundled_recordings(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(SETTINGS_PROBE)
    result = run(pytester)
    result.assert_outcomes(passed=1)
    assert result.ret == pytest.ExitCode.OK
    found = probe(result)
    assert found["version"] == "2026-05-02" and found["online"] is False
    assert Path(str(found["folder"])) == REPO / "recordings" / "openai-admin" / "2026-05-02"
    assert len(found["recordings"]) == 74
    assert Path(str(found["snapshots"])) == pytester.path / "snapshots"
    # Silent when no apidrift option is given: the plugin is installed for every project in the env.
    assert not any(line.startswith("apidrift:") for line in result.outlines)


def test_version_option(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(SETTINGS_PROBE)
    result = run(pytester, "--apidrift-version", "2026-04-30")
    result.assert_outcomes(passed=1)
    found = probe(result)
    assert found["version"] == "2026-04-30"
    assert str(found["folder"]).endswith("recordings/openai-admin/2026-04-30")
    result.stdout.fnmatch_lines(["apidrift: openai-admin 2026-04-30; responses from recordings */2026-04-30"])


def test_unknown_version_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(SETTINGS_PROBE)
    result = run(pytester, "--apidrift-version", "2020-01-01")
    assert result.ret == USAGE
    result.stderr.fnmatch_lines(
        [
            "*apidrift: --apidrift-version '2020-01-01' is not a contract version"
            " (known: 2026-04-30, 2026-05-02)"
        ]
    )


def test_recordings_option(pytester: pytest.Pytester) -> None:
    folder = pytester.mkdir("recs")
    shutil.copy(REPO / "recordings/openai-admin/2026-05-02/usage-costs.json", folder)
    pytester.makepyfile(SETTINGS_PROBE)
    result = run(pytester, "--apidrift-recordings", "recs")
    result.assert_outcomes(passed=1)
    assert probe(result)["recordings"] == ["usage-costs"]
    result.stdout.fnmatch_lines(
        [f"apidrift: openai-admin newest version; responses from recordings {folder}"]
    )


def test_missing_recordings_folder_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(SETTINGS_PROBE)
    result = run(pytester, "--apidrift-recordings", "nowhere")
    assert result.ret == USAGE
    result.stderr.fnmatch_lines(["*--apidrift-recordings */nowhere is not a folder"])


def test_contracts_option(pytester: pytest.Pytester) -> None:
    root = pytester.mkdir("contracts")
    shutil.copytree(REPO / "contracts/openai-admin/2026-04-30", root / "openai-admin" / "2026-04-30")
    pytester.makepyfile(SETTINGS_PROBE)
    result = run(pytester, "--apidrift-contracts", "contracts")
    result.assert_outcomes(passed=1)
    found = probe(result)
    assert found["version"] == "2026-04-30"  # the newest of that root
    assert found["contracts"] == str(root)
    result = run(pytester, "--apidrift-contracts", "contracts", "--apidrift-version", "2026-05-02")
    assert result.ret == USAGE
    result.stderr.fnmatch_lines(["*'2026-05-02' is not a contract version (known: 2026-04-30)"])


def test_contracts_option_must_be_a_folder(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(SETTINGS_PROBE)
    result = run(pytester, "--apidrift-contracts", "missing")
    assert result.ret == USAGE
    result.stderr.fnmatch_lines(["*--apidrift-contracts */missing is not a folder"])


CLIENT_PROBE = """
import pytest
from apidrift.live.client import ReadOnlyViolation

def test_client(apidrift_client, apidrift_settings):
    assert str(apidrift_client.base_url) == apidrift_settings.base_url + "/"
    assert apidrift_client.headers["authorization"] == "Bearer " + apidrift_settings.api_key
    with pytest.raises(ReadOnlyViolation):
        apidrift_client.post("organization/projects", json={"name": "x"})
"""


def test_base_url_option(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_settings=SETTINGS_PROBE, test_client=CLIENT_PROBE)
    result = run(pytester, "--apidrift-base-url", "http://127.0.0.1:9/v1/")
    result.assert_outcomes(passed=2)
    found = probe(result)
    assert found["base_url"] == "http://127.0.0.1:9/v1" and found["online"] is True and found["live"] is False
    result.stdout.fnmatch_lines(
        ["apidrift: openai-admin newest version; responses from live http://127.0.0.1:9/v1"]
    )


def test_the_client_fixture_never_sends_a_cookie_back(pytester: pytest.Pytester) -> None:
    from hostile_server import hostile_server, response

    cookie = {"Set-Cookie": "session=sk-admin-REDACTED; Path=/"}
    pytester.makepyfile(
        test_cookies="def test_twice(apidrift_client):\n"
        "    for _ in range(3):\n"
        "        assert apidrift_client.get('organization/projects').status_code == 200\n"
    )
    with hostile_server(lambda req, n: response(200, {"data": []}, headers=cookie)) as server:
        result = run(pytester, "--apidrift-base-url", server.base_url + "/v1")
    result.assert_outcomes(passed=1)
    assert len(server.requests) == 3
    assert all("cookie" not in r.headers for r in server.requests)


def test_base_url_must_be_http(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(SETTINGS_PROBE)
    result = run(pytester, "--apidrift-base-url", "ftp://example.invalid")
    assert result.ret == USAGE
    result.stderr.fnmatch_lines(["*--apidrift-base-url must be an http(s) URL, got 'ftp://example.invalid'"])


def test_without_a_server_the_client_skips(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(CLIENT_PROBE)
    result = run(pytester, "-rs")
    result.assert_outcomes(skipped=1)
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(["*no server to call: give --apidrift-base-url or --apidrift-live"])


def test_live_option_needs_the_key(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(SETTINGS_PROBE)
    result = run(pytester, "--apidrift-live")
    assert result.ret == USAGE
    result.stderr.fnmatch_lines(["*apidrift: --apidrift-live needs a key in $OPENAI_ADMIN_KEY"])


def test_live_option_uses_the_key_and_the_real_api(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_ADMIN_KEY", "sk-admin-unit-test-secret")
    pytester.makepyfile(
        SETTINGS_PROBE
        + "\ndef test_key(apidrift_settings):\n"
        + "    assert apidrift_settings.api_key == 'sk-admin-unit-test-secret'\n"
        + "    assert 'secret' not in repr(apidrift_settings)\n"
    )
    result = run(pytester, "--apidrift-live")
    result.assert_outcomes(passed=2)
    found = probe(result)
    assert found["base_url"] == "https://api.openai.com/v1" and found["live"] is True
    assert "sk-admin-unit-test-secret" not in result.stdout.str()


def test_a_base_url_without_a_key_sends_a_placeholder(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        f"def test_key(apidrift_settings):\n    assert apidrift_settings.api_key == {PLACEHOLDER_KEY!r}\n"
    )
    result = run(pytester, "--apidrift-base-url", "http://127.0.0.1:9/v1")
    result.assert_outcomes(passed=1)
    assert result.ret == pytest.ExitCode.OK


def test_snapshots_option(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        from apidrift.testing.snapshots import operation_shape

        def test_shape(apidrift_snapshot, apidrift_contract):
            shape = operation_shape(apidrift_contract, "usage-costs")
            assert apidrift_snapshot(name=shape.name) == shape
        """
    )
    result = run(pytester, "--apidrift-snapshots", "shapes", "--snapshot-update")
    result.assert_outcomes(passed=1)
    assert result.ret == pytest.ExitCode.OK
    written = pytester.path / "shapes" / "openai-admin" / "2026-05-02" / "usage-costs.shape.txt"
    assert written.read_text().startswith("# apidrift shape of usage-costs (GET /organization/costs)")
    result = run(pytester, "--apidrift-snapshots", "shapes")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["1 snapshot passed."])


def test_ini_equivalents_resolve_paths_beside_the_ini_file(pytester: pytest.Pytester) -> None:
    shutil.copytree(REPO / "recordings/openai-admin/2026-04-30", pytester.path / "recs")
    pytester.makeini("[pytest]\napidrift_version = 2026-04-30\napidrift_recordings = recs\n")
    pytester.makepyfile(SETTINGS_PROBE)
    result = run(pytester)
    result.assert_outcomes(passed=1)
    found = probe(result)
    assert found["version"] == "2026-04-30" and found["folder"] == str(pytester.path / "recs")
    # The command line wins over the ini file.
    result = run(pytester, "--apidrift-version", "2026-05-02")
    result.assert_outcomes(passed=1)
    assert probe(result)["version"] == "2026-05-02"


def test_ini_live_flag(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\napidrift_live = true\n")
    pytester.makepyfile(SETTINGS_PROBE)
    result = run(pytester)
    assert result.ret == USAGE
    result.stderr.fnmatch_lines(["*--apidrift-live needs a key in $OPENAI_ADMIN_KEY"])


def test_hypothesis_profiles_are_registered_before_hypothesis_loads_them(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        from hypothesis import settings

        def test_profile():
            assert settings.get_current_profile_name() == "apidrift-ci"
            assert settings.default.max_examples == 10 and settings.default.derandomize
        """
    )
    result = run(pytester, "--hypothesis-profile", "apidrift-ci")
    result.assert_outcomes(passed=1)
    assert result.ret == pytest.ExitCode.OK


PROFILE_PROBE = """
from hypothesis import settings
from apidrift.testing.profiles import active_profile

def test_profile():
    assert settings.get_current_profile_name() == "{current}"
    assert active_profile().max_examples == {examples}
"""


@pytest.mark.parametrize(
    ("env", "args", "current", "examples"),
    [
        (None, (), "default", 10),
        # From the environment, the profile applies to the fuzz tests only: nothing is loaded globally.
        ("apidrift-nightly", (), "default", 500),
        (None, ("--hypothesis-profile", "apidrift-nightly"), "apidrift-nightly", 500),
        ("someone-elses", (), "default", 10),
    ],
)
def test_the_fuzz_profile_follows_the_env_and_the_option(
    pytester: pytest.Pytester,
    monkeypatch: pytest.MonkeyPatch,
    env: str | None,
    args: tuple[str, ...],
    current: str,
    examples: int,
) -> None:
    if env is not None:
        monkeypatch.setenv("HYPOTHESIS_PROFILE", env)
    if current == "default":
        # Whatever hypothesis chose by itself (it loads its own "ci" profile when $CI is set), unchanged.
        from hypothesis import settings

        current = settings.get_current_profile_name()
    pytester.makepyfile(PROFILE_PROBE.format(current=current, examples=examples))
    result = run(pytester, *args)
    result.assert_outcomes(passed=1)
    assert result.ret == pytest.ExitCode.OK


def test_fixtures_imported_by_a_conftest_beside_the_plugin_are_harmless(pytester: pytest.Pytester) -> None:
    # What tests/contract/conftest.py does: import the fixtures while the plugin is also registered.
    pytester.makeconftest("from apidrift.testing.plugin import contract_fixture, settings_fixture  # noqa\n")
    pytester.makepyfile(SETTINGS_PROBE)
    result = run(pytester, "--apidrift-version", "2026-04-30")
    result.assert_outcomes(passed=1)
    assert probe(result)["version"] == "2026-04-30"


def test_importing_the_plugin_loads_nothing_heavy() -> None:
    code = (
        "import sys, apidrift, pytest; before = set(sys.modules); import apidrift.testing.plugin; "
        "print(sorted({m.split('.')[0] for m in set(sys.modules) - before}))"
    )
    added = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert added.strip() == "['apidrift']"


# --- selecting an API: --apidrift-api NAME|profile.toml, its profile, its folders -----------------------

PETSTORE = REPO / "examples" / "petstore"


def test_api_option_selects_the_folder_below_the_contracts_root(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(SETTINGS_PROBE)
    contracts = PETSTORE / "contracts"
    result = run(pytester, "--apidrift-api", "petstore", "--apidrift-contracts", str(contracts))
    result.assert_outcomes(passed=1)
    found = probe(result)
    assert found["version"] == "2025-07-01" and found["contracts"] == str(contracts)
    # Recordings and snapshots are found beside the contracts root, in the API's folder.
    assert Path(found["folder"]) == PETSTORE / "recordings" / "petstore" / "2025-07-01"
    assert Path(found["snapshots"]) == PETSTORE / "snapshots"
    assert "get-pet-toy" in found["recordings"]
    result.stdout.fnmatch_lines(["apidrift: petstore newest version; responses from recordings *2025-07-01"])


def test_api_and_contracts_ini_keys(pytester: pytest.Pytester) -> None:
    shutil.copytree(PETSTORE / "contracts", pytester.path / "api" / "contracts")
    shutil.copytree(PETSTORE / "recordings", pytester.path / "api" / "recordings")
    pytester.makeini("[pytest]\napidrift_api = petstore\napidrift_contracts = api/contracts\n")
    pytester.makepyfile(SETTINGS_PROBE)
    result = run(pytester, "--apidrift-version", "2025-01-15")
    result.assert_outcomes(passed=1)
    found = probe(result)
    assert found["version"] == "2025-01-15"
    assert Path(found["folder"]) == pytester.path / "api" / "recordings" / "petstore" / "2025-01-15"


def test_a_profile_file_names_the_api_and_its_contracts_root(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(SETTINGS_PROBE)
    result = run(pytester, "--apidrift-api", str(PETSTORE / "contracts" / "petstore" / "profile.toml"))
    result.assert_outcomes(passed=1)
    found = probe(result)
    assert found["contracts"] == str(PETSTORE / "contracts") and found["version"] == "2025-07-01"


def test_an_api_without_versions_is_a_usage_error_naming_the_apis_there(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(SETTINGS_PROBE)
    result = run(pytester, "--apidrift-api", "petstore")  # the bundled contracts have no petstore
    assert result.ret == USAGE
    result.stderr.fnmatch_lines(
        [
            "*apidrift: --apidrift-api 'petstore' has no contract versions below */contracts"
            " (APIs there: openai-admin; --apidrift-contracts DIR names another root)"
        ]
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("Pet Store", "*apidrift: --apidrift-api: 'Pet Store' is not an API name (a lower-case slug)*"),
        ("missing.toml", "*apidrift: --apidrift-api: */missing.toml: no such profile file"),
    ],
)
def test_a_bad_api_is_a_usage_error(pytester: pytest.Pytester, value: str, message: str) -> None:
    pytester.makepyfile(SETTINGS_PROBE)
    result = run(pytester, "--apidrift-api", value)
    assert result.ret == USAGE
    result.stderr.fnmatch_lines([message])


def test_a_broken_profile_is_a_usage_error_naming_file_and_field(pytester: pytest.Pytester) -> None:
    root = pytester.mkdir("contracts")
    shutil.copytree(PETSTORE / "contracts" / "petstore", root / "petstore")
    (root / "petstore" / "profile.toml").write_text('name = "petstore"\nbase_url = 7\n')
    pytester.makepyfile(SETTINGS_PROBE)
    result = run(pytester, "--apidrift-api", "petstore", "--apidrift-contracts", "contracts")
    assert result.ret == USAGE
    result.stderr.fnmatch_lines(["*apidrift: --apidrift-api: */petstore/profile.toml#/base_url: *"])


LIVE_PROBE = """
def test_live(apidrift_settings, apidrift_client):
    assert apidrift_settings.base_url == "{url}" and apidrift_settings.key_env == "PETSTORE_API_KEY"
    assert apidrift_client.headers["x-api-key"] == "{key}"
    assert "authorization" not in apidrift_client.headers
"""


def test_live_takes_the_base_url_key_variable_and_auth_from_the_profile(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ("--apidrift-api", "petstore", "--apidrift-contracts", str(PETSTORE / "contracts"))
    pytester.makepyfile(LIVE_PROBE.format(url="https://petstore.example.com/v1", key="pk_test_unit"))
    result = run(pytester, *args, "--apidrift-live")
    assert result.ret == USAGE
    result.stderr.fnmatch_lines(["*apidrift: --apidrift-live needs a key in $PETSTORE_API_KEY"])
    monkeypatch.setenv("OPENAI_ADMIN_KEY", "sk-admin-not-this-api")  # another API's key is not used
    monkeypatch.setenv("PETSTORE_API_KEY", "pk_test_unit")
    result = run(pytester, *args, "--apidrift-live")
    result.assert_outcomes(passed=1)
    monkeypatch.delenv("PETSTORE_API_KEY")
    pytester.makepyfile(LIVE_PROBE.format(url="http://127.0.0.1:9/v1", key=PLACEHOLDER_KEY))
    result = run(pytester, *args, "--apidrift-base-url", "http://127.0.0.1:9/v1")
    result.assert_outcomes(passed=1)


def test_live_for_an_api_without_a_profile_says_what_is_missing(pytester: pytest.Pytester) -> None:
    root = pytester.mkdir("contracts")
    shutil.copytree(PETSTORE / "contracts" / "petstore" / "2025-01-15", root / "shop" / "2025-01-15")
    pytester.makepyfile(SETTINGS_PROBE)
    result = run(pytester, "--apidrift-api", "shop", "--apidrift-contracts", "contracts", "--apidrift-live")
    assert result.ret == USAGE
    result.stderr.fnmatch_lines(["*apidrift: --apidrift-live: the 'shop' profile names no key variable*"])


def test_apidrift_operation_runs_a_test_per_operation(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_op(apidrift_operation, apidrift_contract):\n"
                        "    assert apidrift_operation in apidrift_contract.operations\n")  # fmt: skip
    contracts = str(PETSTORE / "contracts")
    result = run(pytester, "--apidrift-api", "petstore", "--apidrift-contracts", contracts, "-v")
    result.assert_outcomes(passed=7)
    result.stdout.fnmatch_lines(["*test_op?create-pet? PASSED*", "*test_op?update-pet? PASSED*"])


def test_every_fixture_of_the_plugin_has_a_docstring(pytester: pytest.Pytester) -> None:
    import ast

    import apidrift.testing.plugin as plugin

    tree = ast.parse(Path(plugin.__file__).read_text())
    names = {
        keyword.value.value
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef)
        for decorator in node.decorator_list
        if isinstance(decorator, ast.Call) and ast.unparse(decorator.func) == "pytest.fixture"
        for keyword in decorator.keywords
        if keyword.arg == "name" and isinstance(keyword.value, ast.Constant)
    }
    assert len(names) >= 11 and "apidrift_snapshot" in names
    pytester.makepyfile("def test_nothing():\n    pass\n")
    lines = run(pytester, "--fixtures").outlines
    documented = {}
    for at, line in enumerate(lines):
        head = line.split(" ", 1)[0]
        if head in names and "apidrift/testing/plugin.py:" in line:
            documented[head] = lines[at + 1].strip()
    assert set(documented) == names
    assert not [name for name, doc in documented.items() if not doc or doc == "no docstring available"]


def test_the_testing_package_names_no_api() -> None:
    # What is particular to one API comes from its profile: no OpenAI name, URL or variable in testing/.
    folder = REPO / "src" / "apidrift" / "testing"
    for path in sorted(folder.glob("*.py")):
        assert "openai" not in path.read_text().lower(), path


def test_a_project_without_apidrift_options_loads_no_profile(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        "import sys\n\ndef test_nothing_loaded():\n"
        "    heavy = ('apidrift.profiles', 'apidrift.contracts', 'pydantic')\n"
        "    assert not [m for m in sys.modules if m.startswith(heavy)]\n"
    )
    result = pytester.runpytest_subprocess(*plugin_arguments(), "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
