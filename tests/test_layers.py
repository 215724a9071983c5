"""The import-linter contracts in pyproject.toml stay complete as the tree grows.

The layers contract is exhaustive (lint-imports fails for a child of kiosk no layer names);
this test keeps the Qt-free contract in step with it: every layer below kiosk.ui that exists,
and the commands, must be in its source modules.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _contracts() -> list[dict[str, Any]]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return list(data["tool"]["importlinter"]["contracts"])


def _layer_names(contract: dict[str, Any]) -> list[str]:
    return [tail.strip(" ()") for row in contract["layers"] for tail in re.split(r"[|:]", row)]


def _exists(name: str) -> bool:
    return (ROOT / "kiosk" / name).is_dir() or (ROOT / "kiosk" / f"{name}.py").is_file()


def test_every_layer_below_the_ui_and_the_commands_are_qt_free() -> None:
    contracts = _contracts()
    layers = next(c for c in contracts if c["type"] == "layers")
    qt_free = next(c for c in contracts
                   if c["type"] == "forbidden" and "PySide6" in c["forbidden_modules"])
    names = _layer_names(layers)
    below_ui = [n for n in names[names.index("ui") + 1:] if _exists(n)]
    assert set(qt_free["source_modules"]) == {f"kiosk.{n}" for n in [*below_ui, "cli"]}


def test_the_layers_name_every_package_and_module_of_kiosk() -> None:
    layers = next(c for c in _contracts() if c["type"] == "layers")
    assert layers["containers"] == ["kiosk"] and layers["exhaustive"] is True
    children = {p.stem for p in (ROOT / "kiosk").iterdir()
                if (p.suffix == ".py" and p.stem != "__init__")
                or (p.is_dir() and (p / "__init__.py").is_file())}
    assert children == {n for n in _layer_names(layers) if _exists(n)}
