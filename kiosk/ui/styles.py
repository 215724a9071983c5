"""The look: ordered QSS files under resources/styles filled from one tokens file.

`tokens.json` holds colours, type sizes and touch sizes; `@name` in a .qss file is replaced by
the token's value. Order matters: base, then controls, then screen-specific rules.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

log = logging.getLogger("kiosk.ui")

QSS_ORDER = ("base.qss", "controls.qss", "screens.qss")
_TOKEN = re.compile(r"@([a-z][a-z0-9_]*)")


def resources_dir() -> Path:
    """The repository's resources/ folder (the kiosk is installed from a checkout)."""
    return Path(__file__).resolve().parents[2] / "resources"


def load_tokens(styles: Path) -> dict[str, str]:
    raw = json.loads((styles / "tokens.json").read_text(encoding="utf-8"))
    return {k: str(v) for k, v in raw.items() if not k.startswith("_")}


def fill(qss: str, tokens: dict[str, str], where: str = "") -> str:
    def sub(m: re.Match[str]) -> str:
        name = m.group(1)
        if name not in tokens:
            raise KeyError(f"{where}: unknown style token @{name}")
        return tokens[name]

    return _TOKEN.sub(sub, qss)


def stylesheet(styles: Path | None = None) -> str:
    styles = styles or resources_dir() / "styles"
    tokens = load_tokens(styles)
    parts = []
    for name in QSS_ORDER:
        path = styles / name
        parts.append(f"/* {name} */\n" + fill(path.read_text(encoding="utf-8"), tokens, name))
    return "\n".join(parts)


def token_px(name: str, styles: Path | None = None) -> int:
    """A size token as an int (for code that must set sizes, e.g. the keypad grid)."""
    tokens = load_tokens(styles or resources_dir() / "styles")
    return int(tokens[name].removesuffix("px"))
