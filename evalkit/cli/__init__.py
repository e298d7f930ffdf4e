"""The ``evalkit`` command line: a thin typer layer over the library, one module per command.

- :mod:`.common`: help labels, choice parsing, the progress bar, shared options and output lines;
- :mod:`.exits`: exit codes, and the one place library errors become messages (:func:`~.exits.user_errors`);
- :mod:`.base`: the root app; :mod:`.entry`: how :func:`main`, the console script, runs it;
- :mod:`.score`, :mod:`.gate`, :mod:`.compare`, :mod:`.export`, :mod:`.render`, :mod:`.report`, :mod:`.list`, :mod:`.refs`, :mod:`.glossary`, :mod:`.calibrate`: the commands.

Exit codes for every command: 0 success, 1 gate failed, 2 usage, configuration or input error.
Flags become a :class:`~evalkit.config.Config` in :func:`evalkit.config.config_from_flags`, and output
formats are found in registries (:mod:`evalkit.report.formats`, :mod:`evalkit.gate.outputs`).
"""

from __future__ import annotations

from evalkit.cli.base import app
from evalkit.cli.common import want_progress
from evalkit.cli.exits import EXIT_ERROR, EXIT_GATE_FAILED, EXIT_OK

# The commands register themselves on ``app``; this order is the order of ``evalkit --help``.
from evalkit.cli import score, gate, compare, export, render, report, list, refs, glossary, calibrate  # noqa: E402,F401  isort: skip
from evalkit.cli.entry import run_guarded  # noqa: E402


def main() -> None:
    """Console-script entry point (``evalkit``, ``python -m evalkit``): every command, guarded as
    :func:`~evalkit.cli.entry.run_guarded` says."""
    run_guarded(app)


__all__ = ["EXIT_ERROR", "EXIT_GATE_FAILED", "EXIT_OK", "app", "main", "want_progress"]
