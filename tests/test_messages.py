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


def test_lists_nested_texts_and_counts_render_in_each_language(tmp_path: Path) -> None:
    from kiosk.core.messages import Text

    write(tmp_path, "zh_CN", 'items = "{names:、}，{why}"\nwhy = "目录外"\n'
                             'pages = "第{pages}张"\n')
    write(tmp_path, "en", 'items = "{names:count} item(s): {why}"\nwhy = "not listed"\n'
                          'pages = "page {pages:, }"\n')
    cat = Catalogue(tmp_path)
    assert cat.check() == []  # English leaves nothing out it would need, adds nothing
    words = Text("items", {"names": ["甲", "乙"], "why": Text("why")})
    assert cat.render(words) == "甲、乙，目录外"
    assert cat.render(words, "en") == "2 item(s): not listed"
    assert cat.render(Text("pages", {"pages": [1, 3]})) == "第1、3张"  # no spec: 、
    assert cat.render(Text("pages", {"pages": [1, 3]}), "en") == "page 1, 3"


def test_a_translation_may_leave_a_parameter_out_but_not_add_one(tmp_path: Path) -> None:
    write(tmp_path, "zh_CN", 'a = "{names}共{total}元"\n')
    write(tmp_path, "en", 'a = "{total} yuan"\n')
    assert Catalogue(tmp_path).check() == []
    write(tmp_path, "en", 'a = "{total} yuan on {day}"\n')
    assert Catalogue(tmp_path).check() == ["en: a takes ['day', 'total'], zh_CN "
                                           "['names', 'total']"]


def test_words_survive_the_audit_json_and_a_damaged_record_is_refused() -> None:
    from kiosk.core.messages import Text

    words = Text("finding.items_not_in_catalog.items", {"names": ["某药", "某针"]})
    back = Text.from_json(words.as_json())
    assert back == Text("finding.items_not_in_catalog.items", {"names": ["某药", "某针"]})
    assert back.render() == "目录中找不到：某药、某针。"
    assert back.render("en") == "2 item(s) not found in the catalog."
    for damaged in ({"params": {}}, {"code": "x", "params": {"n": 1.5}},
                    {"code": "x", "params": {"n": True}}, {"code": 3}):
        with pytest.raises(ValueError):
            Text.from_json(damaged)


def test_a_finding_holds_a_code_and_parameters_and_renders_in_english_too() -> None:
    from kiosk.audit.rules import Finding
    from kiosk.core.messages import Text

    f = Finding("outside_claim_window", "error", 0, (),
                Text("finding.outside_claim_window.future", {"date": "2031-01-02"}))
    assert f.message == "发票日期2031-01-02在今天之后，请核对。"
    assert f.words.render("en") == "Invoice date 2031-01-02 is in the future."
    data = f.as_json()
    assert data["message"] == f.message and "message_en" not in data
    assert Text.from_json(data["words"]) == f.words  # type: ignore[arg-type]


def test_no_domain_module_keeps_an_english_twin() -> None:
    """The words live in resources/messages: no `*_en` attribute, variable or argument in
    kiosk/ (rule_book's `title_en` JSON keys are strings, rendered from the catalogue)."""
    import ast

    root = Path(__file__).resolve().parents[1] / "kiosk"
    found = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            name = (node.attr if isinstance(node, ast.Attribute)
                    else node.id if isinstance(node, ast.Name)
                    else node.arg if isinstance(node, (ast.arg, ast.keyword)) else None)
            if name and name.endswith("_en"):
                found.append(f"{path.relative_to(root)}:{node.lineno} {name}")  # type: ignore[attr-defined]
    assert found == []
