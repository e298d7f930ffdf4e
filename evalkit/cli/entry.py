"""How the console script runs the command line: stdout guarded, no traceback (see :func:`run_guarded`)."""

from __future__ import annotations

import sys

import typer

from evalkit.cli.exits import EXIT_ERROR


def run_guarded(app: typer.Typer) -> None:
    """Run ``app`` (the full command line, :func:`evalkit.cli.main`) as the console script does.

    Around the commands: stdout writes in any declared encoding, escaping what it cannot hold, and a
    closed stdout or one whose reader has gone is exit 2 (:mod:`evalkit.stdout`): a one-line error when
    it was closed, silence when the reader left (``| head``), as Python's documentation advises for
    SIGPIPE. Any other exception that escapes a command is a bug: one "internal error" line and exit 2,
    never 1 (which ``gate`` users read as "the gate failed"); ``EVALKIT_DEBUG=1`` shows the traceback.
    """
    import os

    from evalkit.stdout import GuardedStdout, StdoutGone

    original = sys.stdout
    guarded = sys.stdout = GuardedStdout(original)
    try:
        try:
            app()
        finally:
            guarded.flush()  # here, not at interpreter exit, where a failure could only be printed as ignored
    except StdoutGone as gone:
        if gone.reader_gone:
            # Point fd 1 at /dev/null so the interpreter's own final flush has somewhere to go.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, original.fileno())
            os.close(devnull)
        else:
            typer.echo(f"evalkit: error: {gone}", err=True)
        sys.exit(EXIT_ERROR)
    except Exception as exc:
        if os.environ.get("EVALKIT_DEBUG"):
            raise
        detail = " ".join(f"{type(exc).__name__}: {exc}".split())
        typer.echo(f"evalkit: error: internal error: {detail} (a bug in evalkit; EVALKIT_DEBUG=1 shows the traceback)", err=True)
        sys.exit(EXIT_ERROR)
    finally:
        sys.stdout = original
