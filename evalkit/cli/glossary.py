"""``evalkit glossary``: mine a glossary from aligned digests for review."""

from __future__ import annotations

from typing import Annotated

import typer

from evalkit.cli.base import app
from evalkit.cli.common import Command, group, print_input_errors, say
from evalkit.cli.exits import user_errors

glossary_app = group("glossary", "Mine term renderings from digests for a maintainer to review.")
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
