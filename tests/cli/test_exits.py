"""evalkit.cli.exits: the one place where library errors become an ``evalkit: error:`` line and an exit code."""

from __future__ import annotations

import pytest
import typer

from evalkit.cli.exits import EXIT_ERROR, EXIT_GATE_FAILED, EXIT_OK, exit_for_verdict, user_errors
from evalkit.errors import ConfigError, InputError, ModelUnavailableError


def _exit_of(capsys, error: BaseException, **kwargs) -> tuple[int, str]:
    with pytest.raises(typer.Exit) as info:
        with user_errors(**kwargs):
            raise error
    return info.value.exit_code, capsys.readouterr().err


@pytest.mark.parametrize(
    "error, line",
    [
        (ConfigError("--jobs must be 0 or more"), "evalkit: error: --jobs must be 0 or more\n"),
        (InputError("a.md", "not UTF-8", line=3), "evalkit: error: a.md:3: not UTF-8\n"),
        (ModelUnavailableError("no model m"), "evalkit: error: no model m\n"),
    ],
)
def test_library_errors_are_one_line_and_exit_2(capsys, error, line):
    assert _exit_of(capsys, error) == (EXIT_ERROR, line)


def test_write_errors_name_the_output(capsys):
    code, err = _exit_of(capsys, PermissionError(13, "Permission denied"), writing="out.json")
    assert (code, err) == (EXIT_ERROR, "evalkit: error: cannot write out.json: Permission denied\n")
    code, err = _exit_of(capsys, PermissionError(13, "Permission denied", "deep/x.html"), writing=lambda: "site")
    assert err == "evalkit: error: cannot write deep/x.html: Permission denied\n"


def test_malformed_reports_and_missing_extras(capsys):
    code, err = _exit_of(capsys, KeyError("issues"), malformed_report="r.json: ")
    assert (code, err) == (EXIT_ERROR, "evalkit: error: r.json: malformed evalkit report (KeyError: 'issues')\n")
    missing = ModuleNotFoundError("No module named 'pyarrow'", name="pyarrow")
    code, err = _exit_of(capsys, missing, needs_extra="needs the data extra")
    assert err == "evalkit: error: needs the data extra (pyarrow missing)\n"


@pytest.mark.parametrize("error", [OSError(5, "I/O error"), KeyError("x"), ImportError("y"), RuntimeError("a bug")])
def test_what_a_command_did_not_expect_goes_on_up(error):
    # main() turns these into an "internal error" line; here they must not pass for a user error.
    with pytest.raises(type(error)):
        with user_errors():
            raise error


def test_exit_codes_of_a_gate_verdict():
    for verdict, code in (("pass", EXIT_OK), ("fail", EXIT_GATE_FAILED), ("error", EXIT_ERROR)):
        with pytest.raises(typer.Exit) as info:
            exit_for_verdict(verdict)
        assert info.value.exit_code == code
