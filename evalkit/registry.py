"""A small name -> class registry, filled by decorators, shared by checks and metrics."""

from __future__ import annotations

import difflib
import importlib
import pkgutil
from typing import Generic, Iterator, TypeVar

from evalkit.errors import UnknownNameError

T = TypeVar("T", bound=type)


class Registry(Generic[T]):
    """Classes registered under a unique ``name`` class attribute.

    ``kind`` ("check", "metric") only appears in messages.
    """

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._items: dict[str, T] = {}

    def register(self, cls: T) -> T:
        """Class decorator: register ``cls`` under ``cls.name``; a second class with the same name is a bug."""
        name = getattr(cls, "name", None)
        if not name:
            raise TypeError(f"{cls.__qualname__} has no 'name' to register it under")
        if name in self._items and self._items[name] is not cls:
            raise TypeError(f"two {self.kind}s are registered as {name!r}")
        self._items[name] = cls
        return cls

    def get(self, name: str) -> T:
        """The class registered as ``name``; :class:`UnknownNameError` with suggestions otherwise."""
        try:
            return self._items[name]
        except KeyError:
            raise UnknownNameError(unknown_name_message(self.kind, name, self._items)) from None

    def names(self) -> list[str]:
        """Registered names, sorted."""
        return sorted(self._items)

    def __iter__(self) -> Iterator[T]:
        return iter(self._items[n] for n in self.names())

    def __contains__(self, name: object) -> bool:
        return name in self._items


def unknown_name_message(kind: str, name: str, known: "dict[str, object] | list[str]") -> str:
    """``unknown check 'x'; did you mean 'y'?`` with the closest known names."""
    close = difflib.get_close_matches(name, list(known), n=3, cutoff=0.5)
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else f" (known: {', '.join(sorted(known))})"
    return f"unknown {kind} {name!r}{hint}"




def import_submodules(package: str, path: list[str], skip: tuple[str, ...] = ("base",)) -> None:
    """Import every module of a package (except ``skip`` and ``_private`` ones) so decorators register them."""
    for module in pkgutil.iter_modules(path):
        if module.name not in skip and not module.name.startswith("_"):
            importlib.import_module(f"{package}.{module.name}")
