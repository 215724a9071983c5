"""The one message catalogue (kiosk/core/messages.py, resources/messages/*.toml)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.audit import RULES, rule_book
from kiosk.core.messages import SOURCE, Catalogue, catalogue, parameters, text


def test_every_code_has_a_text_in_every_shipped_language_with_the_same_parameters() -> None:
    shipped = catalogue()
    assert {"zh_CN", "en"} <= set(shipped.languages)
    assert shipped.check() == []


def test_every_rule_has_its_title_and_explanation_in_the_catalogue() -> None:
    for language in catalogue().languages:
        for rule in RULES:
            for part in ("title", "explanation"):
                assert f"rule.{rule.code}.{part}" in catalogue().codes(language)
    book = {r["code"]: r for r in rule_book()}
    assert book["no_invoice"]["title"] == "没有可报销的发票"
    assert book["no_invoice"]["title_en"] == "No reimbursable invoice"


def write(folder: Path, name: str, body: str) -> None:
    (folder / f"{name}.toml").write_text(body, encoding="utf-8")


def test_a_third_language_is_one_more_file(tmp_path: Path) -> None:
    write(tmp_path, "zh_CN", '[rule.x]\ntitle = "超过{days}天"\n')
    write(tmp_path, "en", '[rule.x]\ntitle = "more than {days} days"\n')
    write(tmp_path, "bo", '[rule.x]\ntitle = "ཉིན་{days}"\n')
    cat = Catalogue(tmp_path)
    assert cat.check() == []
    assert cat.text("rule.x.title", "bo", days=3) == "ཉིན་3"
    assert cat.text("rule.x.title", "en", days=3) == "more than 3 days"


def test_check_names_a_missing_text_and_a_parameter_mismatch(tmp_path: Path) -> None:
    write(tmp_path, "zh_CN", 'a = "{n}张"\nb = "二"\n')
    write(tmp_path, "en", 'a = "{count} pages"\nc = "stray"\n')
    problems = Catalogue(tmp_path).check()
    assert "en: b has no text" in problems
    assert "en: c is not a code of zh_CN" in problems
    assert any(p.startswith("en: a takes ['count']") for p in problems)


def test_a_language_without_the_code_falls_back_to_the_source(tmp_path: Path) -> None:
    write(tmp_path, "zh_CN", 'a = "一"\n')
    write(tmp_path, "en", "")
    assert Catalogue(tmp_path).text("a", "en") == "一"
    assert Catalogue(tmp_path).text("a", "fr") == "一"


def test_an_unknown_code_or_missing_parameter_is_a_bug(tmp_path: Path) -> None:
    with pytest.raises(KeyError):
        text("rule.no_such_rule.title")
    write(tmp_path, SOURCE, 'a = "{n}张"\n')
    with pytest.raises(KeyError):
        Catalogue(tmp_path).text("a")


def test_a_non_text_value_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "zh_CN", "a = 3\n")
    with pytest.raises(ValueError, match="a is not a text"):
        Catalogue(tmp_path)


def test_parameters() -> None:
    assert parameters("{a}与{b}，{{不是参数}}") == {"a", "b"}


def test_every_reason_field_and_check_the_rules_name_has_its_words() -> None:
    from kiosk.audit.refund import _REASONS
    from kiosk.audit.rules import REQUIRED_FIELDS, SUM_CHECKS
    from kiosk.catalog import REASONS

    codes = catalogue().codes()
    wanted = ([f"rule.items_match_not_exact.why.{r}" for r in REASONS]
              + [f"rule.missing_required.field.{k}" for k in REQUIRED_FIELDS]
              + [f"rule.totals_inconsistent.check.{c}" for c in SUM_CHECKS]
              + [f"estimate.self_paid.{r}" for r in _REASONS])
    assert [c for c in wanted if c not in codes] == []
