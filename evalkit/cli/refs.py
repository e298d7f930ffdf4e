"""``evalkit refs``: import post-edited digests as reference translations, list and check them."""

from __future__ import annotations

import os
from typing import Annotated, Optional

import typer

from evalkit.cli.base import app
from evalkit.cli.common import Command, ReferencesOption, group, say
from evalkit.cli.exits import EXIT_ERROR, EXIT_OK, user_errors

refs_app = group("refs", "Manage reference translations: import post-edited digests, list and check them.")
app.add_typer(refs_app, name="refs")


def _refs_directory(references: str | None, config_file: str | None, *, must_exist: bool) -> str:
    """The references directory for a refs command: --references, else the configuration's, else ./references."""
    from evalkit.config import discover_config, load_config
    from evalkit.references import resolve_references_dir
    from evalkit.references.store import DEFAULT_DIRECTORY, require_directory

    if references is not None:
        directory = references
    else:
        config = load_config(config_file) if config_file else discover_config(["."])
        found, _ = resolve_references_dir(config.references, source=config.source)
        directory = found or DEFAULT_DIRECTORY
    if must_exist:
        require_directory(directory)
    return directory


ConfigOption = Annotated[
    Optional[str],
    typer.Option("--config", metavar="FILE", help="Read the references setting from FILE instead of searching for one."),
]


@refs_app.command("import", cls=Command)
def refs_import(
    edited: Annotated[str, typer.Argument(metavar="EDITED.md", help="A post-edited digest: its Chinese becomes the reference.")],
    who: Annotated[Optional[str], typer.Option("--who", metavar="NAME", help="Who edited it (default: the login name).", show_default=False)] = None,
    how: Annotated[str, typer.Option("--how", metavar="TEXT", help="How the reference was made.")] = "post-edit",
    when: Annotated[
        Optional[str], typer.Option("--when", metavar="DATE", help="ISO date of the edit (default: today).", show_default=False)
    ] = None,
    name: Annotated[
        Optional[str],
        typer.Option("--name", metavar="NAME", help="Reference file name without .jsonl (default: the digest's file name).", show_default=False),
    ] = None,
    references: ReferencesOption = None,
    config_file: ConfigOption = None,
) -> None:
    """Turn a post-edited digest into references: one per entry, keyed by arXiv id.

    The entries' Chinese abstracts (and titles) are written to DIR/NAME.jsonl (NAME from --name) with provenance
    who/when/how/source; importing the same digest again replaces that file. TER of the machine
    translation against a post-edit is HTER.
    """
    import getpass

    from evalkit.errors import ConfigError
    from evalkit.references.importer import import_digest
    from evalkit.references.store import is_iso_date

    directory = references
    with user_errors(writing=lambda: directory):
        directory = _refs_directory(references, config_file, must_exist=False)
        if who is None:
            try:
                who = getpass.getuser()
            except (KeyError, OSError):
                who = "unknown"
        if not who.strip() or not how.strip():
            raise ConfigError("--who and --how must not be empty")
        if when is not None and not is_iso_date(when):
            raise ConfigError(f"--when must be an ISO date such as 2026-08-21, got {when!r}")
        os.makedirs(directory, exist_ok=True)
        result = import_digest(edited, directory, who=who, how=how, when=when, name=name)
    for note in result.skipped:
        say(f"evalkit: note: {note}", err=True)
    verb = "replaced" if result.replaced else "wrote"
    say(f"{verb} {result.target}: {len(result.references)} reference(s) from {edited}")


@refs_app.command("list", cls=Command)
def refs_list(references: ReferencesOption = None, config_file: ConfigOption = None) -> None:
    """List the references: arXiv id, file:line, provenance and whether a title is included."""
    from evalkit.references import load_references

    with user_errors():
        directory = _refs_directory(references, config_file, must_exist=True)
        refs = load_references(directory)
    for ref in sorted(refs.references, key=lambda r: (r.arxiv_id, r.path, r.line)):
        p = ref.provenance
        parts = "title+abstract" if ref.title else "abstract"
        say(f"{ref.arxiv_id:16s} {os.path.basename(ref.path)}:{ref.line}  {parts}  {p.who}; {p.how}; {p.when}")
    say(f"{len(refs)} reference(s) for {len(refs.ids)} arXiv id(s) in {len(refs.files)} file(s) under {directory}")


@refs_app.command("check", cls=Command)
def refs_check(
    digests: Annotated[
        Optional[list[str]],
        typer.Argument(metavar="DIGEST", help="Digests to check coverage for: how many entries have a reference.", show_default=False),
    ] = None,
    references: ReferencesOption = None,
    config_file: ConfigOption = None,
) -> None:
    """Validate every reference file (file:line for each problem); exit 2 if any is invalid.

    With digest paths, also say how many of their entries have a reference and list those without.
    """
    from evalkit.references import scan_references

    with user_errors():
        directory = _refs_directory(references, config_file, must_exist=True)
        scan = scan_references(directory)
    for problem in scan.problems:
        say(f"evalkit: {problem}", err=True)
    refs = scan.references
    if digests:
        _coverage(digests, refs)
    status = f"{len(scan.problems)} problem(s); " if scan.problems else "OK: "
    say(f"{status}{len(refs)} valid reference(s) for {len(refs.ids)} arXiv id(s) in {len(refs.files)} file(s) under {directory}")
    raise typer.Exit(EXIT_ERROR if scan.problems else EXIT_OK)


def _coverage(paths: list[str], refs) -> None:  # type: ignore[no-untyped-def]
    from evalkit.errors import InputError
    from evalkit.inputs import expand
    from evalkit.parse import parse_digest, read_source

    inputs = expand(paths)
    for problem in inputs.problems:
        say(f"evalkit: {problem.path}: {problem.message}", err=True)
    for path in inputs.paths:
        try:
            issue = parse_digest(read_source(path)).issue
        except InputError as exc:
            say(f"evalkit: {exc}", err=True)
            continue
        missing = [e for e in issue.entries if not refs.for_id(e.arxiv_id)]
        say(f"{path}: {len(issue.entries) - len(missing)} of {len(issue.entries)} entries have a reference")
        for e in missing:
            say(f"    no reference: [^{e.ref}] {e.arxiv_id or e.link} (line {e.line})")
