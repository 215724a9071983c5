"""Item names on forms that pre-print their fee categories in column pairs.

OCR runs a category cell into the next pre-printed category on the same line, or into the
copy mark (第二联 收据) and the 大写 amount beside it; the row's amount belongs to the first.
"""

from __future__ import annotations

import pytest

from kiosk.recognition.table import trim_category_run


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
