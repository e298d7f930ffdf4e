"""The output formats of ``evalkit score``: one module per format, each registering a :class:`ReportFormat`.

Adding a format is one module here (a subclass registered with ``@FORMATS.register``) and its tests:
``evalkit score --format NAME`` finds it through :func:`formats_in_order`, which ``--help`` and the
choice check list. Modules import what they render with inside their methods, so that listing the
formats (as ``evalkit --help`` does) stays cheap.
"""

from __future__ import annotations

from contextlib import nullcontext
from typing import Any, ClassVar, ContextManager, Sequence

from evalkit.registry import Registry, import_submodules

FORMATS: Registry[type["ReportFormat"]] = Registry("format")


class ReportFormat:
    """How one ``--format`` writes a scored run (and, where it can, a ``--triples`` report).

    ``position`` orders the formats in ``--help`` and in messages (the default, ``table``, first);
    ``renders_triples`` says whether :meth:`write_triples` is implemented; ``compacts`` whether the
    writer takes ``compact=True``.
    """

    name: ClassVar[str]
    position: ClassVar[int]
    renders_triples: ClassVar[bool] = True
    #: Whether the format has a compact form (``--compact``); only the JSON report has one.
    compacts: ClassVar[bool] = False

    def __init__(self, *, compact: bool = False) -> None:
        """A writer of this format; ``compact`` asks for its compact form, :class:`~evalkit.errors.ConfigError`
        where it has none (before any scoring, as :meth:`check_output` does)."""
        if compact and not self.compacts:
            from evalkit.errors import ConfigError

            able = ", ".join(f"--format {fmt.name}" for fmt in formats_in_order() if fmt.compacts)
            raise ConfigError(f"--compact is a form of the JSON report: use it with {able}, not --format {self.name}")
        self.compact = compact

    def check_output(self, output: str | None, paths: Sequence[str]) -> None:
        """Raise :class:`~evalkit.errors.ConfigError` before any scoring when ``output`` could not be written."""
        from evalkit.report.write import check_target

        if output is not None:
            check_target(output, "--output")

    def write(self, run: Any, config: Any, output: str | None) -> None:
        """Write the report of ``run`` (a :class:`~evalkit.pipeline.RunResult`) to ``output`` (``None``/``-``: stdout)."""
        raise NotImplementedError

    def issue_spool(self, output: str | None) -> ContextManager[Any]:
        """A context manager giving what :func:`evalkit.pipeline.score` should have worker processes write
        ahead of :meth:`write` to ``output`` (its ``spool``), or ``None``: by default nothing."""
        return nullcontext(None)

    def write_triples(self, report: dict[str, Any], output: str | None) -> None:
        """Write a triples report (:func:`~evalkit.report.triples.build_triples_report`) to ``output``."""
        raise NotImplementedError


def load_formats() -> None:
    """Import every format module so its format is registered."""
    import_submodules(__name__, __path__)


def formats_in_order() -> list[type[ReportFormat]]:
    """The registered formats, in their ``position`` order."""
    load_formats()
    return sorted(FORMATS, key=lambda fmt: fmt.position)


def write_stream(render: Any, data: dict[str, Any], output: str | None) -> None:
    """Write what ``render(data, stream)`` prints: straight to stdout for ``None``/``-`` (rich sizes it to the
    terminal), else to the file at once (:func:`~evalkit.report.write.write_text`)."""
    import sys

    if output in (None, "-"):
        render(data, sys.stdout)
        return
    import io

    from evalkit.report.write import write_text

    buffer = io.StringIO()
    render(data, buffer)
    write_text(output, buffer.getvalue())
