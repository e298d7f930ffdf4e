"""Typed errors raised by the library.

The library never exits the process; :func:`evalkit.cli.exits.user_errors` turns these into messages and exit codes
(0 success, 1 gate failed, 2 usage, config or input error).
"""

from __future__ import annotations


class EvalkitError(Exception):
    """Base class of every error evalkit raises on purpose."""


class InputError(EvalkitError):
    """An input file could not be read or parsed.

    ``path`` and ``line`` (1-based, ``None`` when unknown) locate the problem so a person can fix it.
    """

    def __init__(self, path: str, message: str, line: int | None = None) -> None:
        self.path = path
        self.line = line
        self.message = message
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {message}")


class NotADigestError(InputError):
    """The file was read but is not a digest (no ``# 摘要`` header): a README, say."""


class ConfigError(EvalkitError):
    """The configuration (file or command line) is invalid."""


class UnknownNameError(ConfigError):
    """A check, metric or format name is not registered; the message suggests the closest names."""


class ModelUnavailableError(EvalkitError):
    """A neural metric's model (COMET) cannot be found, fetched or loaded.

    The message is one line that says what was tried and what to do (pass a local path, fill the
    Hugging Face cache, unset ``HF_HUB_OFFLINE``, install the ``comet`` extra). The pipeline marks the
    metric "not computed" with it; where the user required the metric, the CLI exits 2.
    """


def os_error_reason(exc: OSError) -> str:
    """Why an operating-system call on a file failed, in the words evalkit's messages use.

    The common cases get short fixed phrases ("no such file or directory", "permission denied"); the
    rest the system's own text, lower-cased to read inside a sentence ("file name too long").
    """
    if isinstance(exc, FileNotFoundError):
        return "no such file or directory"
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, IsADirectoryError):
        return "is a directory"
    reason = exc.strerror or str(exc)
    return reason[:1].lower() + reason[1:]
