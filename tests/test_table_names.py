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
