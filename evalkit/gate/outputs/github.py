"""GitHub Actions: workflow-command annotations and the job step summary.

An annotation is one stdout line ``::error file=F,line=L,title=T::MESSAGE``. The runner parses every line
that starts with ``::``, so untrusted text must not be able to end the line or the property list:
:func:`escape_data` turns ``%``, ``\\r`` and ``\\n`` into ``%25``, ``%0D`` and ``%0A`` (the runner turns them
back for display), and :func:`escape_property` also ``:`` and ``,``. Each annotation line starts with our
own ``::level``, never with digest text. The log shows the line raw, so no control character may be in it
either: the file name is shown as :func:`~evalkit.text.safe.display_path` writes it, the title and the
message through :func:`~evalkit.text.safe.visible` (the message keeps its line breaks, as ``%0A``), and a
``##[`` in the message (a legacy command, read anywhere in a line) is broken up.
"""

from __future__ import annotations

import os
import stat
from typing import Any, Iterator

from evalkit.text.chars import fit
from evalkit.text.safe import break_legacy_commands, display_path, visible

#: The runner shows only the first few annotations of each level per step in the UI; all of them stay in
#: the log. Messages are clipped so a huge evidence string does not flood the log either.
MESSAGE_LIMIT = 1000


def escape_data(text: str) -> str:
    """Escape a workflow command's message: ``%`` first, then carriage return and line feed."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a workflow command's property value: as :func:`escape_data`, plus ``:`` and ``,``."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(level: str, message: str, *, file: str | None = None, line: int | None = None, title: str | None = None) -> str:
    """One annotation line, ``level`` being ``error``, ``warning`` or ``notice``."""
    props = []
    if file:
        props.append(f"file={escape_property(display_path(workspace_path(file)))}")
        if line:
            props.append(f"line={int(line)}")
    if title:
        props.append(f"title={escape_property(visible(title))}")
    head = f"::{level} {','.join(props)}" if props else f"::{level}"
    data = break_legacy_commands(visible(fit(message, MESSAGE_LIMIT), keep="\n"))
    return f"{head}::{escape_data(data)}"


def workspace_path(path: str) -> str:
    """``path`` as GitHub matches annotations to files: relative to ``$GITHUB_WORKSPACE``, with ``/``.

    An absolute path inside the workspace (``evalkit gate "$PWD"/digests/x.md``) is made relative; other
    paths are kept as given.
    """
    workspace = os.environ.get("GITHUB_WORKSPACE")
    if workspace and os.path.isabs(path):
        relative = os.path.relpath(path, workspace)
        if not relative.startswith(os.pardir):
            path = relative
    return path.replace(os.sep, "/")


def annotations(report: dict[str, Any]) -> Iterator[str]:
    """Every annotation of a gate report: issue-level failures first (the UI shows the first few), then
    failing entries (errors), waived failures (notices), input errors and waiver problems."""
    for issue in report["issues"]:
        for reason in issue["reasons"]:
            level = "error" if reason["status"] == "fail" else "notice"
            yield command(level, _message(issue["path"], reason, None), file=issue["path"], line=reason["line"] or 1,
                          title=_title(reason))
    for issue in report["issues"]:
        for entry in issue["entries"]:
            for reason in entry["reasons"]:
                level = "error" if reason["status"] == "fail" else "notice"
                yield command(level, _message(issue["path"], reason, entry), file=issue["path"],
                              line=reason["line"] or entry["line"], title=_title(reason))
    for problem in report["errors"]:
        yield command("error", f"{display_path(problem['path'])}{':' + str(problem['line']) if problem['line'] else ''}: {problem['message']}",
                      file=problem["path"], line=problem["line"], title="evalkit: input error")
    waivers = report["waivers"]
    for waiver in waivers["expired"]:
        yield command("warning", f"{_where(waiver)}: waiver for {_subject(waiver)} {waiver['code']} expired on"
                      f" {waiver['expires']}: renew it (new date and reason) or remove it",
                      file=waiver["path"], line=waiver["line"], title="evalkit: expired waiver")
    for waiver in waivers["unused"]:
        yield command("notice", f"{_where(waiver)}: waiver for {_subject(waiver)} {waiver['code']} matched nothing in"
                      " this run", file=waiver["path"], line=waiver["line"], title="evalkit: unused waiver")


def append_step_summary(markdown: str, path: str | None = None) -> str | None:
    """Append ``markdown`` to the job's step summary file (``$GITHUB_STEP_SUMMARY``); return its path.

    Appending (not an atomic replace) is deliberate: the file belongs to the runner and other tools of
    the same step may already have written to it. The append is whole or nothing: the section goes out
    in one ``write`` on an ``O_APPEND`` descriptor, and when the disk fills part-way (a short write,
    ``ENOSPC`` on a later write or on ``fsync``) the file is cut back to its old size, so the runner never
    shows half a section ending mid-character. The ``OSError`` raised then names the file.
    """
    target = path or os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return None
    data = (markdown if markdown.endswith("\n") else markdown + "\n").encode("utf-8")
    try:
        fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
    except OSError as exc:
        exc.filename = target
        raise
    try:
        before = os.fstat(fd)
        written = 0
        try:
            while written < len(data):  # a regular file takes it in one call unless the disk fills
                written += os.write(fd, data[written:])
            if stat.S_ISREG(before.st_mode):  # a FIFO or terminal cannot be synced, and need not be
                os.fsync(fd)
        except OSError as exc:
            # Cut back only our own bytes: when the size is not old size + ours, someone else appended too.
            if stat.S_ISREG(before.st_mode) and os.fstat(fd).st_size == before.st_size + written:
                os.ftruncate(fd, before.st_size)
            exc.filename = target
            raise
    finally:
        os.close(fd)
    return target


def in_github_actions() -> bool:
    """Whether this process runs in a GitHub Actions job (``GITHUB_ACTIONS=true``)."""
    return os.environ.get("GITHUB_ACTIONS") == "true"


def _message(path: str, reason: dict[str, Any], entry: dict[str, Any] | None) -> str:
    where = f"{display_path(path)}:{reason['line'] or (entry['line'] if entry else 1)}"
    subject = ""
    if entry is not None:
        subject = f"[^{entry['ref']}] arXiv {entry['arxiv_id']}: " if entry["arxiv_id"] else f"[^{entry['ref']}]: "
    text = f"{where}: {subject}{reason['code']}: {reason['message']}"
    waiver = reason["waiver"]
    if waiver is not None:
        text += f" — waived until {waiver['expires']} ({_where(waiver)}): {waiver['reason']}"
    return text


def _title(reason: dict[str, Any]) -> str:
    return f"evalkit: {reason['code']}" + (" (waived)" if reason["status"] == "waived" else "")


def _where(waiver: dict[str, Any]) -> str:
    return f"{display_path(waiver['path'])}:{waiver['line']}" if waiver["line"] else display_path(waiver["path"])


def _subject(waiver: dict[str, Any]) -> str:
    return f"arXiv {waiver['arxiv_id']}" if waiver["arxiv_id"] else f"issue {waiver['issue']}"
