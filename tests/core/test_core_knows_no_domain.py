"""`rapport.core` knows no domain app, so it can never sit in an import cycle with one.

Every module under `rapport/core/` is parsed (not imported) and every import in it is
checked, at module level and inside functions, relative ones resolved, and module names
handed to `import_module` / `import_string` / `__import__` as literals too. The pages
and commands that need every app live in `rapport.front`; `core` offers hooks (signals,
registries, settings) that the domain apps use instead.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "rapport" / "core"
DYNAMIC_IMPORTERS = {"import_module", "import_string", "__import__"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _absolute(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    """The module a `from ... import` reads, with relative levels resolved."""
    if not node.level:
        return node.module or ""
    package = module.split(".") if is_package else module.split(".")[:-1]
    base = package[: len(package) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def imported_modules(source: str, module: str, is_package: bool = False) -> list[tuple[int, str]]:
    """(line, module) for every import in `source`, wherever it is written."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, module, is_package)
            found.append((node.lineno, base))
            # `from rapport import billing` imports the package billing.
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names
                      if base == "rapport"]
        elif isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if (name in DYNAMIC_IMPORTERS and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)):
                found.append((node.lineno, node.args[0].value))
    return found


def foreign(module: str) -> bool:
    """A module of the project outside core: a domain app, the composition roots
    (`rapport.front`, which imports every domain app), the URLconf."""
    parts = module.split(".")
    return parts[0] == "rapport" and len(parts) > 1 and parts[1] != "core"


def offenders() -> list[str]:
    found = []
    for path in sorted(CORE.rglob("*.py")):
        for line, module in imported_modules(path.read_text(encoding="utf-8"),
                                             _module_name(path), path.name == "__init__.py"):
            if foreign(module):
                found.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    return found


def test_no_module_of_core_imports_a_domain_app():
    found = offenders()
    assert not found, "core must not import domain apps:\n" + "\n".join(found)


def test_core_has_modules_to_check():
    assert len(list(CORE.rglob("*.py"))) > 20


SOURCES = {
    "module level": ("from rapport.billing.models import Invoice\n", "rapport.billing.models"),
    "plain import": ("import rapport.clients.models\n", "rapport.clients.models"),
    "inside a function": ("def f():\n    from rapport.health import tasks\n",
                          "rapport.health"),
    "relative, two levels up": ("from ..dunning.services import summary\n",
                                "rapport.dunning.services"),
    "the package from rapport": ("from rapport import signals\n", "rapport.signals"),
    "by name": ("import importlib\nimportlib.import_module('rapport.comms.jobs')\n",
                "rapport.comms.jobs"),
    "the composition roots": ("from rapport.front.demo import build_demo\n",
                              "rapport.front.demo"),
}


@pytest.mark.parametrize("source, module", SOURCES.values(), ids=SOURCES.keys())
def test_the_check_sees_every_way_of_importing(source, module):
    found = [name for _line, name in imported_modules(source, "rapport.core.views")]
    assert module in found
    assert any(foreign(name) for name in found)


def test_the_check_lets_core_import_itself_and_libraries():
    source = ("from django.db import models\nfrom rapport.core.money import quantize\n"
              "from . import clock\nfrom .models import Workspace\n")
    found = [name for _line, name in imported_modules(source, "rapport.core.views")]
    assert found == ["django.db", "rapport.core.money", "rapport.core", "rapport.core.models"]
    assert not any(foreign(name) for name in found)
