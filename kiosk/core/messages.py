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

A message the domain hands on (a finding, an estimate step, a refusal) is a `Text`: a code
and its parameters, rendered in whatever language the reader chose. A parameter is a string,
a number, another `Text` (rendered in the same language) or a list of those. A list is
joined by its field's format spec (``{names:、}`` in Chinese, ``{names:, }`` in English; the
empty spec joins with ``、``), and ``{names:count}`` gives its length instead, so an English
summary ("3 item(s)") and a Chinese list of the names take the same parameter.
"""

from __future__ import annotations

import string
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Union

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


Param = Union[str, int, "Text", Sequence["Param"]]
"""What a message's parameter may be (a Decimal is shown by the caller: `audit.money.show`)."""


@dataclass(frozen=True)
class Text:
    """A message as the domain gives it: a catalogue code and its parameters, no words."""

    code: str
    params: Mapping[str, Param] = field(default_factory=dict)

    def render(self, language: str = SOURCE) -> str:
        """The words in `language` (the source's when that language lacks the code)."""
        return catalogue().render(self, language)

    def as_json(self) -> dict[str, Any]:
        """Plain JSON (nested texts as ``{"code", "params"}``), read back by `from_json`."""
        return {"code": self.code, "params": {k: _param_json(v) for k, v in self.params.items()}}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Text:
        """The text `as_json` wrote; ValueError for anything else (a damaged record)."""
        code, params = data.get("code"), data.get("params", {})
        if not isinstance(code, str) or not isinstance(params, Mapping):
            raise ValueError(f"not a message: {data!r}")
        return cls(code, {str(k): _param_from_json(v) for k, v in params.items()})


def _param_json(value: Param) -> Any:
    if isinstance(value, Text):
        return value.as_json()
    if isinstance(value, (list, tuple)):
        return [_param_json(v) for v in value]
    return value


def _param_from_json(value: Any) -> Param:
    if isinstance(value, Mapping):
        return Text.from_json(value)
    if isinstance(value, list):
        return [_param_from_json(v) for v in value]
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        return value
    raise ValueError(f"not a message parameter: {value!r}")


LIST_SEPARATOR = "、"  # a list field with no format spec


class _Formatter(string.Formatter):
    """`str.format` that renders nested texts in its language and joins lists (see above)."""

    def __init__(self, catalogue: Catalogue, language: str) -> None:
        self.catalogue, self.language = catalogue, language

    def format_field(self, value: Any, format_spec: str) -> str:
        if isinstance(value, Text):
            return self.catalogue.render(value, self.language)
        if isinstance(value, (list, tuple)):
            if format_spec == "count":
                return str(len(value))
            return (format_spec or LIST_SEPARATOR).join(self.format_field(v, "") for v in value)
        return str(super().format_field(value, format_spec))


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

    def section(self, name: str) -> tuple[str, ...]:
        """The keys directly under `name` (``capture`` → ``no_page``, …), in file order."""
        prefix = f"{name}."
        return tuple(code[len(prefix):] for code in self.texts[SOURCE]
                     if code.startswith(prefix) and "." not in code[len(prefix):])

    def text(self, code: str, language: str = SOURCE, /, **params: object) -> str:
        """The text of `code` in `language` (the source's when that language lacks it).

        An unknown code or a missing parameter is a bug in the caller: KeyError."""
        template = self.texts.get(language, {}).get(code)
        if template is None:
            template = self.texts[SOURCE][code]
        return _Formatter(self, language).vformat(template, (), params)

    def render(self, message: Text, language: str = SOURCE) -> str:
        """A `Text` in `language`, its nested texts and lists too."""
        return self.text(message.code, language, **message.params)

    def check(self) -> list[str]:
        """Problems: a code missing from a language, or a text taking a parameter the
        source's does not give. A translation may leave a parameter out (English summarises
        "3 item(s)" where the Chinese names them), never use one the caller does not pass.
        Empty when every shipped language is complete (a test keeps it so)."""
        source = self.texts[SOURCE]
        problems: list[str] = []
        for language, texts in self.texts.items():
            for code in sorted(source.keys() - texts.keys()):
                problems.append(f"{language}: {code} has no text")
            for code in sorted(texts.keys() - source.keys()):
                problems.append(f"{language}: {code} is not a code of {SOURCE}")
            for code in sorted(source.keys() & texts.keys()):
                if not parameters(texts[code]) <= parameters(source[code]):
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
