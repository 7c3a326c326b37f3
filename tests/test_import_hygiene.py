"""The layers hold (LAYOUT.md): the core never loads Textual, the Textual layer never imports SQLAlchemy.

Two checks, because each sees what the other cannot. The import-linter
contracts in pyproject.toml read the static graph: they catch an import in any
function, but cannot tell a deferred import from one at the top of a module.
Importing every core module in a fresh interpreter and looking at
``sys.modules`` is what proves that a deferral defers (harlequin's
tests/unit_tests/test_import_hygiene.py does the same).
"""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import vip_tui

ROOT = Path(__file__).resolve().parent.parent

# The Textual layer; everything else in the package is the core.
TEXTUAL_LAYER = ("vip_tui.app", "vip_tui.palette", "vip_tui.screens", "vip_tui.widgets")
# Importing __main__ runs the CLI; what it imports (vip_tui.cli) is checked on its own.
NOT_IMPORTABLE = ("vip_tui.__main__",)


def _in(name: str, packages: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in packages)


def core_modules() -> list[str]:
    """Every module of the package outside the Textual layer, found on disk without importing any.

    A module added later is covered without editing this test.
    """
    found: list[str] = []

    def walk(path: list[str], prefix: str) -> None:
        for info in pkgutil.iter_modules(path, prefix):
            if _in(info.name, TEXTUAL_LAYER) or info.name in NOT_IMPORTABLE:
                continue
            found.append(info.name)
            if info.ispkg:
                walk([str(Path(path[0]) / info.name.rsplit(".", 1)[-1])], info.name + ".")

    walk(list(vip_tui.__path__), "vip_tui.")
    return ["vip_tui", *sorted(found)]


# One interpreter imports the modules one by one and looks after each: the
# first module whose import brings textual in is the one that did (every module
# before it was seen clean). It then imports the app, so a check that could
# never fail would show.
_PROBE = """
import importlib, json, sys
culprit = None
for name in json.loads(sys.argv[1]):
    importlib.import_module(name)
    if "textual" in sys.modules:
        culprit = name
        break
import vip_tui.app
print(json.dumps({"culprit": culprit, "app_loads_textual": "textual" in sys.modules}))
"""


def test_no_core_module_loads_textual() -> None:
    modules = core_modules()
    # The walk reaches into every subpackage of the core, and stays out of the Textual layer.
    assert {"vip_tui.cli", "vip_tui.agenda.toml_reader", "vip_tui.services.items", "vip_tui.export.minutes",
            "vip_tui.disclosure.tokens", "vip_tui.commands.common"} <= set(modules)
    assert not [m for m in modules if _in(m, TEXTUAL_LAYER)]
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(modules)],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["culprit"] is None, f"importing {report['culprit']} (or a module it imports) loads textual"
    assert report["app_loads_textual"]


def test_the_import_contracts_are_kept() -> None:
    """pyproject's [tool.importlinter] contracts, as `make test` runs them."""
    lint_imports = Path(sys.executable).parent / "lint-imports"
    assert lint_imports.exists(), "import-linter is a test dependency: run `make .venv/.installed` again"
    result = subprocess.run(
        [str(lint_imports), "--no-cache", "--no-logo"],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 3 kept, 0 broken." in result.stdout
