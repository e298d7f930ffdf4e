"""evalkit.lazy_exports: a package's exports are imported when first read, not with the package."""

from __future__ import annotations

import subprocess
import sys

import pytest


def _modules_after(code: str) -> set[str]:
    probe = code + "\nimport sys\nprint(' '.join(m for m in sys.modules if m.startswith('evalkit')))"
    return set(subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.split())


def test_importing_the_package_imports_none_of_its_exporting_modules():
    loaded = _modules_after("import evalkit.compare, evalkit.judges.llm")
    assert not {"evalkit.compare.report", "evalkit.compare.systems", "evalkit.judges.llm.run", "evalkit.judges.llm.client"} & loaded


def test_reading_an_export_imports_its_module_and_gives_its_object():
    loaded = _modules_after("from evalkit.compare import load_system")
    assert "evalkit.compare.systems" in loaded and "evalkit.compare.report" not in loaded
    import evalkit.compare
    from evalkit.compare.systems import load_system

    assert evalkit.compare.load_system is load_system


def test_an_unknown_name_is_an_attribute_error():
    import evalkit.judges.llm

    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        evalkit.judges.llm.nope  # noqa: B018
