"""No UI module reaches through another object's attributes to a third (issue 14).

The rule, checked on the source of every module under kiosk/ui by walking its syntax tree:

An *attribute chain* is ``root.a1.a2…an`` with nothing but attribute access in between (a
call or a subscript returns a new object, so ``x.f().g`` is judged as ``x.f`` and ``….g``).
Reads and assignments count alike (``ctx.idle.grace_ms = 3`` reaches as far as reading it).

1. ``self.x.y`` (or ``cls.x.y``) is fine: ``x`` is the module's own part (a widget it built,
   a collaborator it was handed), ``y`` a member of that part. ``self.x.y.z`` reaches through
   ``x`` into a third object: ask ``x`` to do it (a method or a signal of its own).
2. Any other root (a parameter, a local, a loop variable) may take one step: ``p.x``.
   ``p.x.y`` reaches through ``p``.
3. A root that is imported or is a class of the module is a namespace, not a collaborator:
   ``Qt.AlignmentFlag.AlignCenter``, ``QLocale.Language.English``, ``os.path.join``.
4. Qt's signal API at the end does not count: ``self.btn.clicked.connect(...)``,
   ``.emit``, ``.disconnect``.
5. A plain value at the end does not count: a last step that is a method of ``str``,
   ``bytes``, ``dict``, ``list`` or ``pathlib.Path`` (``self.flow.operator.split()``,
   ``r.held.get(uid)``, ``pdf_path.parent.mkdir()``): what it is called on is a value.
6. Frozen configuration is data: a chain is judged only up to its first ``settings`` step
   (kiosk.core.config's frozen dataclasses are read, never told), so ``settings.ocr.workers``
   and ``ctx.settings.camera`` are fine, while ``ctx.camera.settings`` reaches through ``ctx``.
"""

from __future__ import annotations

import ast
from pathlib import Path

UI = Path(__file__).resolve().parents[1] / "kiosk" / "ui"

SIGNAL_API = frozenset({"connect", "emit", "disconnect"})
VALUE_METHODS = frozenset(
    name for kind in (str, bytes, dict, list, Path) for name in dir(kind)
    if not name.startswith("_"))
OWN = frozenset({"self", "cls"})
CONFIG = "settings"


def _namespaces(tree: ast.Module) -> set[str]:
    """Names the module imports or defines as classes (rule 3)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            names |= {a.asname or a.name for a in node.names}
        elif isinstance(node, ast.ClassDef):
            names.add(node.name)
    return names


def reach_throughs(source: str) -> list[tuple[int, str]]:
    """(line, chain) of every chain the rules above refuse."""
    tree = ast.parse(source)
    namespaces = _namespaces(tree)
    inner = {id(node.value) for node in ast.walk(tree)
             if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Attribute)}
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute) or id(node) in inner:
            continue  # judge each chain once, from its outermost attribute
        steps: list[str] = []
        cur: ast.expr = node
        while isinstance(cur, ast.Attribute):
            steps.append(cur.attr)
            cur = cur.value
        if not isinstance(cur, ast.Name) or cur.id in namespaces:
            continue  # a call's or subscript's result, or a namespace (rule 3)
        root, steps = cur.id, steps[::-1]
        chain = f"{root}.{'.'.join(steps)}"
        if root == CONFIG:
            continue  # rule 6
        if CONFIG in steps:
            steps = steps[:steps.index(CONFIG) + 1]  # rule 6
        elif steps[-1] in SIGNAL_API or steps[-1] in VALUE_METHODS:
            steps = steps[:-1]  # rules 4 and 5
        if len(steps) > (2 if root in OWN else 1):
            found.append((node.lineno, chain))
    return sorted(found)


def test_no_ui_module_reaches_through_a_collaborator() -> None:
    found = [f"{path.relative_to(UI.parent.parent)}:{line}: {chain}"
             for path in sorted(UI.rglob("*.py"))
             for line, chain in reach_throughs(path.read_text(encoding="utf-8"))]
    assert found == [], "ask the part itself (a method or a signal of its own):\n" + \
        "\n".join(found)


def test_the_rule_refuses_the_shapes_it_is_for() -> None:
    refused = """
def wire(self, ctx, tile):
    self.panel.finish.clicked.connect(self.back)
    ctx.idle.grace_ms = 3000
    ctx.camera.settings = None
    tile.picture.setText("✖")
    self.window.desk.store.purge()
"""
    assert [chain for _, chain in reach_throughs(refused)] == [
        "self.panel.finish.clicked.connect", "ctx.idle.grace_ms", "ctx.camera.settings",
        "tile.picture.setText", "self.window.desk.store.purge"]


def test_the_rule_allows_own_parts_qt_api_values_and_configuration() -> None:
    allowed = """
from PySide6.QtCore import Qt
import os


class Screen:
    KIND = 1

    def build(self, ctx, settings, r):
        self.btn.clicked.connect(self.go)
        self.title.setText("x")
        self.worker.done.emit(1)
        self.flow.operator.split()
        ctx.tasks
        r.held.get("uid")
        settings.ocr.workers
        ctx.settings.camera.device
        Qt.AlignmentFlag.AlignCenter
        os.path.join("a", "b")
        Screen.KIND.bit_length()
        self.layout().itemAt(0).widget()
"""
    assert reach_throughs(allowed) == []
