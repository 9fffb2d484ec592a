"""`[tool.apidrift]` in pyproject.toml (or apidrift.toml): every option of every command can be set
there, a command-line flag wins, and a bad file is one clear `error:` line naming FILE#POINTER."""

from __future__ import annotations

import enum
import os
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer

from apidrift.cli import register
from apidrift.cli.app import app
from cli_support import run_cli

TOML_SAMPLES = {"BOOL": True, "INT": 7, "FLOAT": 1.5}


@pytest.fixture
def in_tmp(tmp_path: Path) -> Iterator[Path]:
    old = Path.cwd()
    os.chdir(tmp_path)
    try:
        yield tmp_path
    finally:
        os.chdir(old)


def _sample(param: Any) -> Any:
    """A valid value for an option, as TOML would give it: a member of an enum, else by type."""
    annotation = param.type_descriptor.annotation
    if typing.get_origin(annotation) is list:  # a repeatable option: one of its item type
        (annotation,) = typing.get_args(annotation)
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        value: Any = list(annotation)[-1].value
    else:
        value = TOML_SAMPLES.get(param.bare_type().upper(), "sample")
    return [value] if param.multiple else value


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, (int, float)):
        return str(value)
    return f'"{value}"'


def _leaves(group: Any, prefix: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every runnable command with its path of names (`sdk-check docs` is ("sdk-check", "docs"))."""
    for name, command in sorted(group.commands.items()):
        if hasattr(command, "commands"):
            yield from _leaves(command, (*prefix, name))
        else:
            yield (*prefix, name), command


def test_every_option_of_every_command_can_be_set_in_the_file(in_tmp: Path) -> None:
    register()
    group = typer.main.get_command(app)
    leaves = dict(_leaves(group))
    assert {("check",), ("diff",), ("serve",), ("sdk-check", "docs"), ("history",)} <= set(leaves)
    lines = ["[tool.apidrift]"]
    expected: dict[tuple[str, ...], list[str]] = {}
    for path, command in leaves.items():
        options = [p for p in command.params if p.param_type_name == "option" and not p.is_eager]
        lines.append("[tool.apidrift." + ".".join(f'"{n}"' for n in path) + "]")
        for param in options:
            long = next(o for o in param.opts if o.startswith("--"))
            lines.append(f'"{long[2:]}" = {_toml(_sample(param))}')
        expected[path] = [p.name for p in options]
    (in_tmp / "pyproject.toml").write_text("\n".join(lines) + "\n")
    for path, command in leaves.items():
        arguments = ["x" for p in command.params if p.param_type_name == "argument" and p.required]
        ctx = group.make_context("apidrift", [*path, *arguments])
        for depth, name in enumerate(path):  # down the groups, as click resolves `sdk-check docs`
            rest = arguments if depth == len(path) - 1 else [path[depth + 1], *arguments]
            ctx = ctx.command.commands[name].make_context(name, list(rest), parent=ctx)
        for param_name in expected[path]:
            source = ctx.get_parameter_source(param_name)
            assert source is not None and source.name == "DEFAULT_MAP", (path, param_name, source)
            # And took effect: the command receives the file's value (options it keeps to itself,
            # --quiet and --verbose, are proved by a run below).
            if param_name in ctx.params:
                param = next(p for p in command.params if p.name == param_name)
                wanted = param.process_value(ctx, _sample(param))
                assert ctx.params[param_name] == wanted, (path, param_name, ctx.params[param_name], wanted)


def test_the_shared_flags_take_effect_from_the_file(in_tmp: Path) -> None:
    (in_tmp / "pyproject.toml").write_text(
        '[tool.apidrift]\nquiet = true\nformat = ["md", "sarif"]\nreports = "out"\n'
        '[tool.apidrift.check]\nagainst = "2026-04-30"\ntag = ["usage"]\nseverity = "breaking"\n'
    )
    done = run_cli("check", cwd=in_tmp)
    assert done.returncode == 1 and done.stdout == "", "quiet, and failing against 2026-04-30"
    assert {p.name for p in (in_tmp / "out").iterdir()} == {"report.md", "report.sarif"}
    md = (in_tmp / "out" / "report.md").read_text()
    assert "`usage-costs`" in md and "`list-invites`" not in md, "only the usage family"
    assert "Warning (" not in md, "only breaking findings"
    loud = run_cli("check", "--verbose", "--format", "json", cwd=in_tmp)
    assert loud.stdout.startswith("responses per operation"), "the command line wins over quiet = true"
    assert "breaking: usage-costs response 200:" in loud.stdout


def test_a_flag_on_the_command_line_wins_over_the_file(in_tmp: Path) -> None:
    (in_tmp / "pyproject.toml").write_text('[tool.apidrift]\nreports = "from-file"\n')
    done = run_cli("check", "--reports", "from-flag", cwd=in_tmp)
    assert done.returncode == 0 and (in_tmp / "from-flag" / "report.json").is_file()
    assert not (in_tmp / "from-file").exists()


def test_shared_keys_and_command_tables_apply_and_apidrift_toml_comes_first(in_tmp: Path) -> None:
    (in_tmp / "pyproject.toml").write_text('[tool.apidrift]\nreports = "ignored"\n')
    (in_tmp / "apidrift.toml").write_text('reports = "shared"\n[check]\nagainst = "2026-04-30"\n')
    done = run_cli("check", cwd=in_tmp)
    assert done.returncode == 1, "judged against 2026-04-30, as the file says"
    assert "judged against 2026-04-30" in done.stdout
    assert (in_tmp / "shared" / "report.json").is_file() and not (in_tmp / "ignored").exists()


def test_the_file_is_found_in_a_parent_folder(in_tmp: Path) -> None:
    (in_tmp / "pyproject.toml").write_text('[tool.apidrift]\nreports = "up-here"\n')
    (in_tmp / "sub").mkdir()
    done = run_cli("check", cwd=in_tmp / "sub")
    assert done.returncode == 0 and (in_tmp / "sub" / "up-here" / "report.json").is_file()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            '[tool.apidrift]\nreprots = "x"\n',
            "pyproject.toml#/tool/apidrift/reprots: no command has an option --reprots"
            " (did you mean --reports?)",
        ),
        (
            '[tool.apidrift.check]\nfail-onn = "new"\n',
            "pyproject.toml#/tool/apidrift/check/fail-onn: 'check' has no option --fail-onn"
            " (did you mean --fail-on?)",
        ),
        ('[tool.apidrift.chek]\nreports = "x"\n', "pyproject.toml#/tool/apidrift/chek: no command 'chek'"),
        ("[tool.apidrift\n", "pyproject.toml: not TOML: "),
    ],
)
def test_a_bad_file_is_one_error_line_naming_where(in_tmp: Path, content: str, message: str) -> None:
    (in_tmp / "pyproject.toml").write_text(content)
    done = run_cli("check", cwd=in_tmp)
    assert done.returncode == 2
    assert len(done.stderr.splitlines()) == 1 and message in done.stderr


def test_a_config_name_that_is_not_a_file_is_an_error_not_no_settings(in_tmp: Path) -> None:
    (in_tmp / "apidrift.toml").mkdir()
    done = run_cli("check", cwd=in_tmp)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert len(done.stderr.splitlines()) == 1 and "apidrift.toml: not a regular file" in done.stderr
