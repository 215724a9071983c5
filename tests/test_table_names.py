"""Item names on forms that pre-print their fee categories in column pairs.

OCR runs a category cell into the next pre-printed category on the same line, or into the
copy mark (第二联 收据) and the 大写 amount beside it; the row's amount belongs to the first.
"""

from __future__ import annotations

import pytest

from kiosk.recognition.layout import Token
from kiosk.recognition.table import (
    extract_items,
    fix_category,
    restore_leading_one,
    trim_category_run,
)


@pytest.mark.parametrize(("read", "name"), [
    ("化验费治疗费", "化验费"),
    ("中成药费二检查费联", "中成药费"),
    ("中成药费联收据", "中成药费"),
    ("治疗费二169.20联交", "治疗费"),
    ("诊察费挂号费2.00检查费", "诊察费"),
    ("手术费联输氧费交", "手术费"),
])
def test_a_category_run_into_its_neighbours_is_cut_to_the_category(read: str, name: str) -> None:
    assert trim_category_run(read) == name


@pytest.mark.parametrize("name", ["挂号费(普通)", "检查费", "阿莫西林胶囊", "诊查费加收",
                                  "挂号费阿莫西林胶囊"])
def test_an_item_name_that_only_starts_with_a_category_stays_whole(name: str) -> None:
    assert trim_category_run(name) == name


@pytest.mark.parametrize(("read", "name"), [("诊察號", "诊察费"), ("检查鑽", "检查费"),
                                             ("中成药货", "中成药费"), ("西药費", "西药费")])
def test_a_category_with_its_fee_character_misread_is_that_category(read: str, name: str) -> None:
    assert fix_category(read) == name


@pytest.mark.parametrize("name", ["阿莫西林胶囊", "诊察", "西药", "一次性使用输液器"])
def test_names_that_are_no_misread_category_stay(name: str) -> None:
    assert fix_category(name) == name


@pytest.mark.parametrize(("read", "name"), [("次性使用输液器", "一次性使用输液器"),
                                             ("般诊疗费", "一般诊疗费"),
                                             ("一次性使用雾化器", "一次性使用雾化器"),
                                             ("次黄嘌呤测定", "次黄嘌呤测定"),
                                             ("般若", "般若")])
def test_a_lost_leading_one_is_restored_only_where_no_word_can_begin(read: str,
                                                                      name: str) -> None:
    assert restore_leading_one(read) == name


def _tok(text: str, x: float, y: float) -> Token:
    return Token(text, x, y, x + 30 * len(text), y + 32, 0.98)


def test_copy_marks_and_the_upper_amount_are_not_a_wrapped_category_name() -> None:
    """第二联交款人 printed down the margin and the 大写 amount under the grid sit where a
    wrapped name's second line would; a pre-printed category never wraps."""
    tokens = [_tok("项目", 100, 100), _tok("金额(元)", 500, 100),
              _tok("卫生材料费", 80, 160), _tok("6.80", 520, 160),
              _tok("交", 300, 200),
              _tok("中成药费", 80, 240), _tok("33.30", 520, 240),
              _tok("玖拾叁元贰角方", 80, 280)]
    items, _ = extract_items(tokens)
    assert [(it.name, str(it.amount)) for it in items] == [("卫生材料费", "6.80"),
                                                           ("中成药费", "33.30")]


def test_a_drug_name_wrapped_onto_a_second_line_is_still_joined() -> None:
    tokens = [_tok("项目名称", 100, 100), _tok("数量", 420, 100), _tok("金额", 560, 100),
              _tok("复方甘草口服", 80, 160), _tok("1", 440, 160), _tok("12.50", 560, 160),
              _tok("溶液", 80, 194)]
    items, _ = extract_items(tokens)
    assert [it.name for it in items] == ["复方甘草口服溶液"]


def _grid(heads: list[Token]) -> list[Token]:
    """Three 项目/金额 column pairs of a category grid, names left in their cells, amounts
    right-aligned under where the 金额 heads are printed (x 180/700/1220 for 项目)."""
    cells = [("西药费", 100, None), ("中成药费", 620, None), ("中草药费", 1140, "5.20"),
             ("诊察费", 100, "13.00"), ("挂号费", 620, "2.00"), ("检查费", 1140, None),
             ("化验费", 100, "25.00"), ("治疗费", 620, None), ("手术费", 1140, "40.00")]
    toks = list(heads)
    for i, (name, x, amount) in enumerate(cells):
        y = 160 + (i // 3) * 50
        toks.append(_tok(name, x, y))
        if amount:
            toks.append(_tok(amount, x + 440 - 16 * len(amount), y))
    return toks


_WANT = [("中草药费", "5.20"), ("诊察费", "13.00"), ("挂号费", "2.00"), ("化验费", "25.00"),
         ("手术费", "40.00")]


@pytest.mark.parametrize("amount_heads", [(0, 1, 2), (0, 2), (1,), ()])
def test_a_category_grid_whose_amount_heads_were_not_read(amount_heads: tuple[int, ...]) -> None:
    """The 金额(元) heads lie under a form's guilloche or its seal and OCR loses some or all of
    them: each 项目 head still pairs with the amounts up to the next pair's cells."""
    heads = [_tok("项目", 180 + 520 * k, 100) for k in range(3)]
    heads += [_tok("金额(元)", 410 + 520 * k, 100) for k in amount_heads]
    items, _ = extract_items(_grid(heads))
    assert sorted((it.name, str(it.amount)) for it in items) == sorted(_WANT)


def test_a_head_cut_into_its_characters_is_one_head() -> None:
    """项  目 spaced out on the form come back as two tokens."""
    heads = [_tok("项", 170, 100), _tok("目", 230, 100), _tok("项目", 700, 100),
             _tok("项目", 1220, 100)]
    items, _ = extract_items(_grid(heads))
    assert sorted((it.name, str(it.amount)) for it in items) == sorted(_WANT)


@pytest.mark.parametrize("amount_head", ["企额", "金颖", "金额"])
def test_an_expense_list_whose_amount_head_is_misread_by_one_character(amount_head: str) -> None:
    heads = [_tok("序号", 60, 100), _tok("收费项目名称", 200, 100), _tok("数量", 560, 100),
             _tok("单价", 680, 100), _tok(amount_head, 820, 100), _tok("医保等级", 960, 100)]
    rows = [("蒙脱石散", "2", "18.40", "36.80", "甲"), ("奥美拉唑肠溶胶囊", "1", "8.30", "8.30", "乙")]
    toks = list(heads)
    for i, (name, qty, price, amount, cls) in enumerate(rows):
        y = 150 + i * 40
        toks += [_tok(str(i + 1), 60, y), _tok(name, 200, y), _tok(qty, 570, y),
                 _tok(price, 680, y), _tok(amount, 820, y), _tok(cls, 980, y)]
    items, _ = extract_items(toks)
    assert [(it.name, str(it.amount), it.insurance_class) for it in items] == [
        ("蒙脱石散", "36.80", "甲"), ("奥美拉唑肠溶胶囊", "8.30", "乙")]
