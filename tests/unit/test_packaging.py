"""Packaging: what `pip install apidrift` (no extras) brings is everything the package imports; dev tools
and the pinned `openai` SDK stay in extras; `apidrift --version`. tools/check_fresh_install.sh proves the
same by installing a built wheel into a fresh venv (too slow for every run)."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from pathlib import Path

from typer.testing import CliRunner

REPO = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
# Import name -> distribution, where they differ; and modules that come with a dependency.
DISTRIBUTION = {"yaml": "pyyaml", "jsonschema_rs": "jsonschema-rs", "fast_yaml": "fastyaml-rs"}
COMES_WITH = {"click": "typer", "markupsafe": "jinja2", "pydantic_core": "pydantic"}


def names(requirements: list[str]) -> set[str]:
    return {re.split(r"[\s<>=!~\[;]", r, maxsplit=1)[0].lower() for r in requirements}


def test_the_mission_libraries_are_runtime_dependencies() -> None:
    runtime = names(PROJECT["dependencies"])
    assert {"pytest", "hypothesis", "jsonschema", "referencing", "httpx", "pydantic", "syrupy"} <= runtime
    assert not runtime & {"ruff", "mypy", "openai", "xmlschema", "import-linter", "types-pyyaml"}


def test_dev_tools_and_the_openai_sdk_stay_in_extras() -> None:
    extras = PROJECT["optional-dependencies"]
    assert extras["openai"] == ["openai==3.54.0"]
    dev = names(extras["dev"])
    assert {"ruff", "mypy", "types-pyyaml", "types-jsonschema", "xmlschema", "import-linter"} <= dev
    assert "apidrift-harness" in dev  # apidrift-harness[openai]: the SDK tests run in dev


def test_the_distribution_name_is_not_the_unrelated_pypi_apidrift() -> None:
    # `pip install apidrift` installs another project; ours installs as apidrift-harness.
    assert PROJECT["name"] == "apidrift-harness"
    assert PROJECT["scripts"] == {"apidrift": "apidrift.cli.app:main"}


def test_every_third_party_import_of_the_package_is_a_runtime_dependency() -> None:
    runtime = names(PROJECT["dependencies"])
    missing: dict[str, str] = {}
    for path in sorted((REPO / "src" / "apidrift").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                if top in sys.stdlib_module_names or top == "apidrift":
                    continue
                dist = COMES_WITH.get(top) or DISTRIBUTION.get(top, top.replace("_", "-"))
                if dist not in runtime:
                    missing[top] = str(path.relative_to(REPO))
    assert not missing, f"imported but not a runtime dependency: {missing}"


def test_the_pytest_plugin_and_the_script_are_entry_points() -> None:
    assert PROJECT["entry-points"]["pytest11"] == {"apidrift": "apidrift.testing.plugin"}
    assert PROJECT["scripts"] == {"apidrift": "apidrift.cli.app:main"}


def test_version_option_prints_the_package_version() -> None:
    from apidrift.cli.app import app

    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout == f"apidrift {PROJECT['version']}\n"
