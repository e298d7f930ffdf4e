"""``evalkit glossary``: mine a glossary from aligned digests for review; import a user's own glossary."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from evalkit.cli.base import app
from evalkit.cli.common import Command, group, print_input_errors, say
from evalkit.cli.exits import user_errors

glossary_app = group("glossary", "Mine term renderings from digests for review, or import your own glossary.")
app.add_typer(glossary_app, name="glossary")


@glossary_app.command("mine", cls=Command)
def glossary_mine(
    paths: Annotated[list[str], typer.Argument(metavar="PATH", help="Digest files or directories.")],
    output: Annotated[str, typer.Option("-o", "--output", metavar="FILE.tsv", help="Where to write the mined glossary.")],
    min_pairs: Annotated[int, typer.Option("--min-pairs", metavar="N", help="Aligned pairs a term needs to be mined.", min=1)] = 10,
    rare_share: Annotated[
        float, typer.Option("--rare-share", metavar="SHARE", help="A rendering below this share of its term's pairs is 'rare'.", min=0.0, max=1.0)
    ] = 0.05,
) -> None:
    """Learn how each English term is usually rendered across many digests, with counts, as a TSV.

    Terms are runs of two or three English words and single words of the glossary or unknown to the
    dictionary; renderings are found in the aligned sentence pairs. Rows marked 'rare' are outliers:
    set the file as the terminology check's mined_glossary option to flag them (terminology.outlier).
    """
    from evalkit.errors import InputError
    from evalkit.glossary import load_glossary
    from evalkit.glossary_mine import mine, to_tsv
    from evalkit.inputs import expand
    from evalkit.parse import parse_digest, read_source
    from evalkit.report.write import check_target, write_text

    with user_errors(writing=output):
        check_target(output, "--output")
        inputs = expand(paths)
        print_input_errors(inputs.problems)
        entries = []
        for path in inputs.paths:
            try:
                entries.extend(parse_digest(read_source(path)).issue.entries)
            except InputError as exc:
                say(f"evalkit: {exc}", err=True)
        single = frozenset(t.english.lower() for t in load_glossary() if " " not in t.english)
        rows = mine(entries, min_pairs=min_pairs, single_words=single)
        write_text(output, to_tsv(rows, rare_share=rare_share, source=f"{len(inputs.paths)} digest(s)"))
    terms = len({r.english for r in rows})
    say(f"wrote {output}: {len(rows)} rendering(s) of {terms} term(s) from {len(entries)} entries")


@glossary_app.command("import", cls=Command)
def glossary_import(
    file: Annotated[str, typer.Argument(metavar="FILE", help="Your glossary: TSV, CSV or semicolon-separated, UTF-8.")],
    output: Annotated[str, typer.Option("-o", "--output", metavar="OUT.tsv", help="Where to write the evalkit glossary (- for stdout).")],
    force: Annotated[bool, typer.Option("--force", help="Replace OUT.tsv if it exists.")] = False,
    merge: Annotated[bool, typer.Option("--merge", help="Add the terms and renderings to the evalkit glossary OUT.tsv, keeping its lines.")] = False,
    english_column: Annotated[
        Optional[str], typer.Option("--english-column", metavar="NAME|N", help="The English column: a header name or a number from 1.")
    ] = None,
    chinese_column: Annotated[
        Optional[str], typer.Option("--chinese-column", metavar="NAME|N", help="The Chinese column: a header name or a number from 1.")
    ] = None,
    forbidden_column: Annotated[
        Optional[str],
        typer.Option("--forbidden-column", metavar="NAME|N", help="The column of forbidden renderings: a header name or a number from 1."),
    ] = None,
    delimiter: Annotated[
        Optional[str], typer.Option("--delimiter", metavar="tab|comma|semicolon", help="How FILE separates columns (default: sniffed).")
    ] = None,
    separators: Annotated[
        Optional[str],
        typer.Option("--separators", metavar="CHARS", help="Characters that separate renderings in one cell (| always does). [default: |;；、/]"),
    ] = None,
) -> None:
    """Read your own glossary into evalkit's glossary format (English<TAB>accepted|...<TAB>forbidden|...).

    A first row naming the columns (en/english/source/term, zh/chinese/target/translation/中文/译文,
    forbidden/avoid/禁用, in any case) is a header; without one, column 1 is English and column 2 Chinese.
    Rows of one English term are merged. A row with an empty English or Chinese cell is skipped with a
    warning; a row with too few columns stops the import. OUT.tsv is never overwritten unless --force or
    --merge is given.
    """
    from pathlib import Path

    from evalkit.errors import ConfigError
    from evalkit.glossary_import import DELIMITERS, RENDERING_SEPARATORS, merge_into, read_user_glossary, to_glossary_tsv
    from evalkit.report.write import check_target, write_text

    with user_errors(writing=output):
        if force and merge:
            raise ConfigError("--force replaces OUT.tsv and --merge adds to it: give one")
        if merge and output == "-":
            raise ConfigError("--merge adds to an existing glossary file: give its name as --output, not -")
        if delimiter is not None and delimiter not in DELIMITERS:
            raise ConfigError(f"--delimiter {delimiter!r}: expected one of {', '.join(DELIMITERS)}")
        check_target(output, "--output")
        target = Path(output)
        exists = output != "-" and target.is_file()
        if exists and not (force or merge):
            raise ConfigError(f"--output {output}: the file exists; pass --force to replace it or --merge to add to it")
        glossary = read_user_glossary(
            file,
            english_column=english_column,
            chinese_column=chinese_column,
            forbidden_column=forbidden_column,
            delimiter=DELIMITERS[delimiter] if delimiter else None,
            separators=RENDERING_SEPARATORS if separators is None else separators,
        )
        if merge and exists:
            merged = merge_into(output, glossary)
            warnings = glossary.skipped + merged.skipped
            _warn(warnings)
            write_text(output, merged.text)
            summary = f"merged into {output}: {merged.new_terms} new term(s), {merged.new_renderings} new rendering(s)"
        else:
            warnings = glossary.skipped
            _warn(warnings)
            write_text(output, to_glossary_tsv(glossary))
            summary = f"wrote {'standard output' if output == '-' else output}: {len(glossary.terms)} term(s)"
    header = "a header" if glossary.header else "no header"
    say(f"{summary} from {glossary.rows} row(s) of {file} ({header}; {len(warnings)} warning(s))", err=output == "-")


def _warn(skipped) -> None:  # type: ignore[no-untyped-def]
    """One stderr line per row left out: ``evalkit: warning: FILE:LINE: why``."""
    for row in skipped:
        say(f"evalkit: warning: {row.path}:{row.line}: {row.message}", err=True)
