"""The CLI's direct coercion of option values gives what typer's pydantic adapters give, errors included."""

from __future__ import annotations

import subprocess
import sys
from enum import Enum
from pathlib import Path
from typing import Any

import pytest
import typer

# Typer's private coercion layer (0.29 and later) is what the direct path stands in for.
pytest.importorskip("typer._coercion")
if not typer.__version__.startswith("0.29."):  # coercion.CHECKED_TYPER: nothing is replaced there
    pytest.skip("written against typer 0.29", allow_module_level=True)
from typer._click import Context
from typer._coercion import build_runtime_param
from typer.core import _TyperParameter

from apidrift.cli import register
from apidrift.cli.app import app
from apidrift.cli.coercion import direct

PETS = Path(__file__).resolve().parents[1] / "data" / "pets"


def _every_parameter() -> list[tuple[Any, _TyperParameter]]:
    register()
    found: list[tuple[Any, _TyperParameter]] = []

    def walk(command: Any) -> None:
        for sub in getattr(command, "commands", {}).values():
            walk(sub)
        found.extend((command, p) for p in command.params if isinstance(p, _TyperParameter))

    walk(typer.main.get_command(app))
    return found


def _outcome(coerce: Any, value: Any, param: _TyperParameter, ctx: Context) -> tuple[str, Any]:
    try:
        result = coerce(value, param=param, ctx=ctx)
    except Exception as exc:  # the error itself is what is compared
        return ("error", (type(exc), str(exc)))
    return ("value", (type(result), result))


def _samples(param: _TyperParameter, tmp: Path) -> list[Any]:
    samples: list[Any] = [None, True, False, 0, 12, -3, 2.5, "", "x", "12", "2.5", "true", "no", "-", "JSON"]
    samples += [str(tmp), str(tmp / "missing"), str(PETS / "old.yaml"), Path(tmp), b"bytes"]
    annotation = param.type_descriptor.annotation
    for inner in (annotation, *getattr(annotation, "__args__", ())):
        if isinstance(inner, type) and issubclass(inner, Enum):
            samples += list(inner) + [m.value for m in inner] + [str(m.value).upper() for m in inner]
    return [*samples, list(samples[5:12]), tuple(samples[7:9]), ["x", "-"]]


def test_every_option_of_every_command_coerces_as_typer_does(tmp_path: Path) -> None:
    parameters = _every_parameter()
    covered = 0
    for command, param in parameters:
        fast = direct(param.type_descriptor)
        if fast is None:
            continue
        covered += 1
        slow = build_runtime_param(param.type_descriptor)
        ctx = Context(command)
        for value in _samples(param, tmp_path):
            assert _outcome(fast.coerce, value, param, ctx) == _outcome(slow.coerce, value, param, ctx), (
                command.name,
                param.name,
                value,
            )
    # Every option apidrift has is of a kind coerced directly (a new kind would still work, via typer).
    assert covered == len(parameters) > 50


def test_the_parameters_a_command_runs_with_are_the_direct_ones() -> None:
    register(["diff"])
    group = typer.main.get_command(app)
    diff = group.commands["diff"]  # type: ignore[attr-defined]
    ctx = Context(diff)
    for param in [*diff.params, diff.get_help_option(ctx), group.get_help_option(Context(group))]:
        assert type(param.get_runtime_param()).__name__ == "_Direct", param.name


def test_a_diff_run_never_imports_pydantic(tmp_path: Path) -> None:
    # Typer's adapters import pydantic (a tenth of a second) on every run; the direct path does not.
    script = (
        "import sys\n"
        "from apidrift.cli.app import main\n"
        f"sys.argv = ['apidrift', 'diff', {str(PETS / 'old.yaml')!r}, {str(PETS / 'new.yaml')!r},"
        f" '--format', 'json', '-o', {str(tmp_path / 'out.json')!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'pydantic'))\n"
    )
    env = {"APIDRIFT_CACHE_DIR": str(tmp_path / "cache"), "PATH": ""}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True)
    assert (tmp_path / "out.json").is_file()
    assert done.stdout.strip().splitlines()[-1] == "[]"


@pytest.mark.parametrize("value", ["nonsense", "BREAKING!"])
def test_a_refused_choice_is_typers_own_error(value: str) -> None:
    from tests.cli_support import run_cli

    result = run_cli("diff", "a", "b", "--fail-on", value)
    assert result.returncode == 2
    assert f"'{value}' is not one of" in result.stderr
