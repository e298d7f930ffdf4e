"""Exit codes, and the one place where the library's typed errors (:mod:`evalkit.errors`) become messages.

Every command: 0 success (the gate passed), 1 the gate failed, 2 a usage, configuration or input error.
A command wraps its work in :func:`user_errors`; what escapes that is a bug, which
:func:`evalkit.cli.main` reports as an internal error (still exit 2, never 1).
"""

from __future__ import annotations

import contextlib
from typing import Callable, Iterator, NoReturn

import typer

from evalkit.cli.common import say

EXIT_OK, EXIT_GATE_FAILED, EXIT_ERROR = 0, 1, 2

# A report that passed load_report's shape check can still hold a wrong type deep inside (a hand-edited
# file): rendering then fails with one of these, which becomes a one-line error.
MALFORMED = (KeyError, TypeError, ValueError, AttributeError, IndexError)


def fail(message: str) -> NoReturn:
    """``evalkit: error: MESSAGE`` on stderr and exit 2."""
    say(f"evalkit: error: {message}", err=True)
    raise typer.Exit(EXIT_ERROR)


@contextlib.contextmanager
def user_errors(
    *,
    writing: str | Callable[[], str | None] | None = None,
    malformed_report: str | None = None,
    needs_extra: str | None = None,
) -> Iterator[None]:
    """Turn the errors a command expects into one ``evalkit: error:`` line and exit 2.

    Always an :class:`~evalkit.errors.EvalkitError` (its message as it is). With ``writing`` (the output
    being written, or a function that says which one is, for a command writing several), an
    :class:`OSError`: "cannot write PATH: reason". With ``malformed_report`` (a prefix such as
    ``"REPORT.json: "``, or ``""``), a report whose content has the wrong shape (:data:`MALFORMED`). With
    ``needs_extra`` (what to install), an :class:`ImportError` of an optional dependency. Anything else
    goes on up as the bug it is.
    """
    from evalkit.errors import EvalkitError

    try:
        yield
    except EvalkitError as exc:
        fail(str(exc))
    except OSError as exc:
        if writing is None:
            raise
        target = writing() if callable(writing) else writing
        fail(f"cannot write {exc.filename or target}: {exc.strerror or exc}")
    except MALFORMED as exc:
        if malformed_report is None:
            raise
        fail(f"{malformed_report}malformed evalkit report ({type(exc).__name__}: {exc})")
    except ImportError as exc:
        if needs_extra is None:
            raise
        fail(f"{needs_extra} ({exc.name} missing)")


def exit_for_verdict(verdict: str) -> NoReturn:
    """End a gate run: exit 0 for ``pass``, 1 for ``fail``, 2 for ``error`` (an input could not be read)."""
    raise typer.Exit(EXIT_ERROR if verdict == "error" else EXIT_GATE_FAILED if verdict == "fail" else EXIT_OK)
