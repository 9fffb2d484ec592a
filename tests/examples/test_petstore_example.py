"""The petstore example end to end, in-process: its contracts are what `import-openapi` makes of its two
documents, `diff` names its rename, removal and new required field, `check` passes on its recordings, and
its pytest file (the README's, word for word) passes, and fails naming a rename a recording makes."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

# Imported here first, hypothesis stays loaded across in-process runs (see test_pytest_plugin.py).
import hypothesis  # noqa: F401
import pytest
from typer.testing import CliRunner, Result

from apidrift.testing.plugin import plugin_arguments

pytest_plugins = ["pytester"]
REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "petstore"
CONTRACTS = EXAMPLE / "contracts"
TEST_FILE = EXAMPLE / "test_petstore_contract.py"
VERSIONS = ("2025-01-15", "2025-07-01")


def cli(*args: str) -> Result:
    from apidrift.cli import register
    from apidrift.cli.app import app

    register(list(args))
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200", "NO_COLOR": "1"})


def run_example(pytester: pytest.Pytester, test_file: Path, *args: str) -> pytest.RunResult:
    return pytester.runpytest(*plugin_arguments(), "-p", "no:cacheprovider", str(test_file), *args)


@pytest.fixture(autouse=True)
def _no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PETSTORE_API_KEY", raising=False)


@pytest.mark.parametrize("version", VERSIONS)
def test_the_contracts_are_imported_from_the_documents(tmp_path: Path, version: str) -> None:
    spec = EXAMPLE / "openapi" / f"petstore-{version}.yaml"
    result = cli(
        "import-openapi", str(spec), "--version", version, "--api", "petstore", "--scope", "/",
        "--out", str(tmp_path / "contracts"), "--recordings-out", str(tmp_path / "recordings"),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    made, kept = tmp_path / "contracts" / "petstore" / version, CONTRACTS / "petstore" / version
    assert json.loads((made / "schemas.json").read_text()) == json.loads((kept / "schemas.json").read_text())
    operations = json.loads((made / "contract.json").read_text())["operations"]
    assert operations == json.loads((kept / "contract.json").read_text())["operations"]
    recordings = EXAMPLE / "recordings" / "petstore" / version
    assert sorted(p.name for p in (tmp_path / "recordings").iterdir()) == sorted(
        p.name for p in recordings.iterdir()
    )


def test_diff_names_the_rename_the_removal_and_the_new_required_field() -> None:
    result = cli("diff", *VERSIONS, "--contracts", str(CONTRACTS), "--api", "petstore")
    assert result.exit_code == 1, result.output
    text = result.stdout
    breaking = text.split("\nBREAKING (", 1)[1].split("\nwarning (", 1)[0]
    renamed = r"field-renamed +response 200 +name renamed to pet_name\n +confidence 0\.\d+"
    assert re.search(renamed, breaking)
    assert re.search(r"field-removed +response 200 +birth_date removed", breaking)
    assert re.search(r"field-added +request +required owner_id added", breaking)
    assert re.search(r"operation-added +operation +GET /pets/\{pet_id\}/toys/\{toy_id\} was added", text)


def test_diff_of_the_two_documents_themselves(tmp_path: Path) -> None:
    old, new = (str(EXAMPLE / "openapi" / f"petstore-{v}.yaml") for v in VERSIONS)
    result = cli("diff", old, new, "--format", "json", "--api", "petstore", "-o", str(tmp_path / "d.json"))
    assert result.exit_code == 1, result.output
    found = json.loads((tmp_path / "d.json").read_text())
    assert found["summary"]["by_severity"] == {"breaking": 11, "warning": 1, "info": 5}
    renamed = {
        (c["operation"], c["side"], c["old"], c["new"])
        for c in found["changes"]
        if c["kind"] == "field-renamed" and c["confidence"] >= 0.8
    }
    assert ("GET /pets/{pet_id}", "response", "name", "pet_name") in renamed
    assert ("POST /pets", "request", "name", "pet_name") in renamed


def test_check_passes_on_the_recordings(tmp_path: Path) -> None:
    result = cli(
        "check", "--contracts", str(CONTRACTS), "--api", "petstore",
        "--recordings", str(EXAMPLE / "recordings" / "petstore"), "--reports", str(tmp_path),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "22 of 22 responses valid, 0 failed" in result.stdout
    report = json.loads((tmp_path / "report.json").read_text())
    assert {row["operation"] for row in report["matrix"]} >= {"get-pet", "get-pet-toy", "list-pet-toys"}


@pytest.mark.parametrize("version", VERSIONS)
def test_the_example_test_file_passes(pytester: pytest.Pytester, version: str) -> None:
    result = run_example(
        pytester, TEST_FILE, "--apidrift-api", "petstore", "--apidrift-contracts", str(CONTRACTS),
        "--apidrift-version", version,
    )  # fmt: skip
    operations = 6 if version == "2025-01-15" else 7
    result.assert_outcomes(passed=2 * operations)
    result.stdout.fnmatch_lines(
        [
            f"apidrift: petstore {version}; responses from recordings */recordings/petstore/{version}",
            f"{operations} snapshots passed.",
        ]
    )


def test_the_profile_file_alone_selects_the_api_and_its_contracts(pytester: pytest.Pytester) -> None:
    result = run_example(pytester, TEST_FILE, "--apidrift-api", str(CONTRACTS / "petstore" / "profile.toml"))
    result.assert_outcomes(passed=14)
    result.stdout.fnmatch_lines(["apidrift: petstore newest version; responses from recordings *2025-07-01"])


def test_the_example_fails_naming_a_rename_in_a_recording(pytester: pytest.Pytester) -> None:
    copy = pytester.path / "petstore"
    shutil.copytree(EXAMPLE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    recording = copy / "recordings" / "petstore" / "2025-01-15" / "get-pet.200.example.json"
    data = json.loads(recording.read_text())
    data["body"]["pet_name"] = data["body"].pop("name")  # the server already answers as 2025-07-01 does
    recording.write_text(json.dumps(data))
    result = run_example(
        pytester, copy / TEST_FILE.name, "--apidrift-api", "petstore",
        "--apidrift-contracts", "petstore/contracts", "--apidrift-version", "2025-01-15",
    )  # fmt: skip
    result.assert_outcomes(passed=10, failed=2)
    result.stdout.fnmatch_lines(
        [
            "*test_responses_match_the_contract?get-pet?*",
            "2025-01-15/get-pet.200.example.json: get-pet 200 breaks 2025-01-15:",
            "  `name` missing, `pet_name` undocumented — looks like a rename (0.*)",
            "  the response is closest to 2025-07-01",
        ]
    )
    result.stdout.fnmatch_lines(["*shape drift (run with --snapshot-update to accept it):",
                                 "*observed 200: name → pet_name (renamed, confidence 0.*)"])  # fmt: skip
    result.stdout.fnmatch_lines(["FAILED *test_response_shapes?get-pet?*"])


def test_the_readme_shows_the_example_test_file_word_for_word() -> None:
    readme = (REPO / "README.md").read_text()
    section = readme.split("## In pytest", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)
    assert blocks, "the README's `## In pytest` section shows no python block"
    assert blocks[-1] == TEST_FILE.read_text()


def test_the_products_contract_suite_runs_on_the_example_too(pytester: pytest.Pytester) -> None:
    suite = REPO / "tests" / "contract" / "test_contract_suite.py"
    result = run_example(pytester, suite, "--apidrift-api", "petstore", f"--apidrift-contracts={CONTRACTS}")
    result.assert_outcomes(passed=8)  # one test per operation of 2025-07-01, and the recordings' check
