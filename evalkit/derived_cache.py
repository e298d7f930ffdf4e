"""Tables derived from bundled data, built once per machine and loaded in milliseconds afterwards.

Building the bilingual lexicon from CC-CEDICT takes about a second on every start; the marshalled
result loads in about 35 ms. :func:`load_or_build` keeps such a table in the user's cache directory
(:func:`default_cache_dir`), under a name that carries its kind and version, and checks on every
load that it was built from exactly the same source data:

- **Key**: the caller gives the sha256 of everything the table is derived from (the data files'
  bytes and a version constant it bumps when the derivation changes). The key's digest is part of the
  file name, so tables of several keys (two checkouts, two versions) live side by side; the
  :data:`KEEP` most recently used of a name are kept, older ones removed.
- **Format, integrity and trust**: the payload is :mod:`marshal` data (plain dicts, tuples, sets, strings
  and numbers only: it loads three to ten times faster than a pickle of the same table and, unlike
  unpickling, running it cannot execute code). The file starts with a magic line, the key and the
  sha256 of the payload, and is decoded only when both match; it lives in the user's own cache directory
  (``$EVALKIT_CACHE_DIR``, else ``$XDG_CACHE_HOME/evalkit``, else ``~/.cache/evalkit``), never beside
  shared data. A file damaged or written by something else fails the check and is rebuilt.
- **Concurrent first runs**: each builder writes a temporary file in the same directory and renames
  it into place (atomic on POSIX), so a reader sees the old file, the new one, or none, never half.
- **Failures never stop a run**: an unwritable or missing directory, a full disk or a damaged file
  means the table is built in memory as if there were no cache.
"""

from __future__ import annotations

import hashlib
import logging
import os
import marshal
import tempfile
from pathlib import Path
from typing import Any, Callable

_log = logging.getLogger("evalkit.derived_cache")
_MAGIC = b"evalkit-derived/2\n"  # /2: marshal payloads (/1 held pickles)


def default_cache_dir() -> Path:
    """``$EVALKIT_CACHE_DIR``, else ``$XDG_CACHE_HOME/evalkit``, else ``~/.cache/evalkit``."""
    if os.environ.get("EVALKIT_CACHE_DIR"):
        return Path(os.environ["EVALKIT_CACHE_DIR"]).expanduser()
    return Path(os.environ.get("XDG_CACHE_HOME") or "~/.cache").expanduser() / "evalkit"


def sha256_of(*parts: bytes | str) -> str:
    """The sha256 of ``parts``, each length-prefixed so that no two different sequences collide."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


def load_or_build(name: str, key: str, build: Callable[[], Any], directory: Path | None = None) -> Any:
    """The table ``name`` derived from the data whose hash is ``key``: from the cache file when it holds
    that key and an intact payload, else ``build()`` (then written for next time, when possible).

    The table must be made of what :mod:`marshal` writes: dicts, lists, tuples, (frozen)sets, strings,
    bytes, numbers, booleans and ``None``.
    """
    folder = directory if directory is not None else default_cache_dir()
    path = table_path(folder, name, key)
    found = _read(path, key)
    if found is not None:
        _touch(path)
        return found[0]
    table = build()
    _write(path, key, table)
    _prune(folder, name)
    return table


#: Tables of one name kept side by side (two checkouts, or two evalkit versions, each derive their own
#: table: sharing one file made them rebuild it in turn); the least recently used beyond this go.
KEEP = 4


def table_path(folder: Path, name: str, key: str) -> Path:
    """Where the table ``name`` derived under ``key`` is kept: the key's digest is in the file name."""
    return folder / f"{name}-{hashlib.sha256(key.encode('utf-8')).hexdigest()[:16]}.marshal"


def _touch(path: Path) -> None:
    """Mark a table as just used (its modification time orders :func:`_prune`)."""
    try:
        os.utime(path)
    except OSError:
        pass  # a read-only cache still serves its tables


def _prune(folder: Path, name: str) -> None:
    """Remove all but the :data:`KEEP` most recently used tables of ``name``."""
    try:
        tables = sorted(folder.glob(f"{name}-*.marshal"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for old in tables[KEEP:]:
            old.unlink()
    except OSError:  # another process pruned first, or the directory is not ours to clean
        pass


def _read(path: Path, key: str) -> tuple[Any] | None:
    """``(table,)`` from ``path`` when its key and payload checksum match, else ``None``."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    head = _MAGIC + key.encode("ascii") + b"\n"
    if not data.startswith(head) or len(data) < len(head) + 65:
        return None  # absent, stale (another key) or not ours
    checksum, payload = data[len(head) : len(head) + 64], data[len(head) + 65 :]
    if hashlib.sha256(payload).hexdigest().encode("ascii") != checksum:
        _log.debug("derived table %s is damaged; rebuilding it", path)
        return None
    try:
        return (marshal.loads(payload),)
    except Exception:  # a payload that passed its checksum but does not load: rebuild, never crash
        _log.debug("derived table %s does not load; rebuilding it", path, exc_info=True)
        return None


def _write(path: Path, key: str, table: Any) -> None:
    """Write ``table`` under ``key`` atomically; any failure leaves the cache as it was."""
    try:
        payload = marshal.dumps(table)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except (OSError, ValueError) as exc:  # ValueError: something marshal cannot write
        _log.debug("cannot write derived table %s: %s", path, exc)
        return
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(_MAGIC + key.encode("ascii") + b"\n")
            out.write(hashlib.sha256(payload).hexdigest().encode("ascii") + b"\n")
            out.write(payload)
        os.replace(tmp, path)
    except OSError as exc:
        _log.debug("cannot write derived table %s: %s", path, exc)
        try:
            os.unlink(tmp)
        except OSError:
            pass
