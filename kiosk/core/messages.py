"""The one catalogue of the kiosk's domain messages: codes in, words out.

The domain names a message by a stable code (``rule.no_invoice.title``) and its parameters;
the words live in one TOML file per language under ``resources/messages/`` (``zh_CN.toml`` is
the source language, ``en.toml`` its English). A third language is one more file, no code.
Qt-free, so the CLI, the county server and the kiosk's screens render the same texts; Qt's
.ts files stay for the screens' own strings (``self.tr``).

Why TOML and not gettext .po: the keys are codes, not source sentences (a reworded Chinese
text must not orphan its English), the files are read by the standard library (``tomllib``)
with nothing to compile or bundle beyond the files themselves, and the parameters are
``str.format`` names that `check` compares across languages.
"""

from __future__ import annotations

import string
import tomllib
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

SOURCE = "zh_CN"  # the language every code must have; the others fall back to it


def messages_dir() -> Path:
    """resources/messages of the checkout (or of the PyInstaller bundle, laid out alike)."""
    return Path(__file__).resolve().parents[2] / "resources" / "messages"


def _flatten(table: Mapping[str, object], prefix: str, out: dict[str, str], where: Path) -> None:
    for key, value in table.items():
        code = f"{prefix}{key}"
        if isinstance(value, Mapping):
            _flatten(value, f"{code}.", out, where)
        elif isinstance(value, str):
            out[code] = value
        else:
            raise ValueError(f"{where}: {code} is not a text")


def parameters(template: str) -> frozenset[str]:
    """The ``{name}`` parameters a text takes."""
    return frozenset(name for _, name, _, _ in string.Formatter().parse(template)
                     if name is not None)


class Catalogue:
    """Texts by language and code, loaded once from a folder of ``<language>.toml`` files."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or messages_dir()
        self.texts: dict[str, dict[str, str]] = {}
        for path in sorted(self.folder.glob("*.toml")):
            texts: dict[str, str] = {}
            with path.open("rb") as f:
                _flatten(tomllib.load(f), "", texts, path)
            self.texts[path.stem] = texts
        if SOURCE not in self.texts:
            raise FileNotFoundError(f"no {SOURCE}.toml in {self.folder}")

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(self.texts)

    def codes(self, language: str = SOURCE) -> frozenset[str]:
        return frozenset(self.texts.get(language, {}))

    def text(self, code: str, language: str = SOURCE, /, **params: object) -> str:
        """The text of `code` in `language` (the source's when that language lacks it).

        An unknown code or a missing parameter is a bug in the caller: KeyError."""
        template = self.texts.get(language, {}).get(code)
        if template is None:
            template = self.texts[SOURCE][code]
        return template.format(**params)

    def check(self) -> list[str]:
        """Problems: a code missing from a language, or the parameters differing from the
        source's. Empty when every shipped language is complete (a test keeps it so)."""
        source = self.texts[SOURCE]
        problems: list[str] = []
        for language, texts in self.texts.items():
            for code in sorted(source.keys() - texts.keys()):
                problems.append(f"{language}: {code} has no text")
            for code in sorted(texts.keys() - source.keys()):
                problems.append(f"{language}: {code} is not a code of {SOURCE}")
            for code in sorted(source.keys() & texts.keys()):
                if parameters(texts[code]) != parameters(source[code]):
                    problems.append(f"{language}: {code} takes {sorted(parameters(texts[code]))}"
                                    f", {SOURCE} {sorted(parameters(source[code]))}")
        return problems


@lru_cache(maxsize=1)
def catalogue() -> Catalogue:
    """The shipped catalogue, read on first use."""
    return Catalogue()


def text(code: str, language: str = SOURCE, /, **params: object) -> str:
    """The shipped catalogue's text of `code` in `language`."""
    return catalogue().text(code, language, **params)
