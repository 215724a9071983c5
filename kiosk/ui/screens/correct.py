"""The assistant's field editors on the review screen: one field at a time, big keys.

- text (hospital, payer name): a line edit that takes a USB keyboard and its IME, with the
  hospitals already seen offered as big buttons;
- date: the digit keypad, typed as 8 digits and shown as YYYY-MM-DD, checked (a real day, not
  in the future);
- money (the total, an item's amount): digits and a decimal point, checked;
- an item: its name through the catalog's pinyin search (A–Z letter pad, answers as big
  buttons with form and class), its amount, its insurance class (甲/乙/丙).

`done(field, value)` carries the receipt JSON key and the value already normalised
(`correct_values`); `cancelled()` leaves everything as it was.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QBoxLayout,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.catalog.model import CatalogEntry
from kiosk.ui.i18n import message_text
from kiosk.ui.screens.base import Screen
from kiosk.ui.screens.correct_search import CatalogSearch
from kiosk.ui.screens.correct_values import (
    check_code,
    check_date,
    check_money,
    check_text,
    date_digits,
    money_keys,
    show_date_digits,
)
from kiosk.ui.widgets import Keypad, MessageLine, big_button, label, scroll_area

CLASSES = (("甲", "class_jia"), ("乙", "class_yi"), ("丙", "class_bing"))
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
MAX_SUGGESTIONS = 6


def _pad(keys: Sequence[tuple[str, str]], columns: int,
         on_key: Callable[[str], None], name: str) -> QWidget:
    """A grid of big keys: (text shown, key sent); named `key_<sent>` for tests."""
    pad = QWidget()
    pad.setObjectName(name)
    grid = QGridLayout(pad)
    grid.setSpacing(12)
    grid.setContentsMargins(0, 0, 0, 0)
    for i, (text, key) in enumerate(keys):
        b = big_button(text, kind="key", name=f"key_{key}")
        b.clicked.connect(lambda _=False, k=key: on_key(k))
        grid.addWidget(b, i // columns, i % columns)
    return pad


def entry_text(entry: CatalogEntry, class_word: str) -> str:
    """A search answer on its button: the name, then form and class on a second line."""
    second = " · ".join(x for x in (entry.form, class_word) if x)
    return f"{entry.name}\n{second}" if second else entry.name


class CorrectionPanel(Screen):
    _date: str  # the digits typed so far (a date)
    _query: str  # the letters typed so far (a catalog search)
    """Shown by the review screen in place of the receipt while one field is corrected."""

    done = Signal(str, object)
    cancelled = Signal()

    def __init__(self, search: CatalogSearch | None = None) -> None:
        super().__init__()
        self.setObjectName("correctionPanel")
        self.search = search
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(16)
        self.title = label(role="title", name="editTitle")
        self.was = label(role="large", name="editWas")
        self.problem = MessageLine(name="editProblem", lines=1)  # keys never move
        self.problem.hide()
        self.pages = QStackedWidget()
        lay.addWidget(self.title)
        lay.addWidget(self.was)
        lay.addWidget(self.pages, 1)
        lay.addWidget(self.problem)
        row = QHBoxLayout()
        self.cancel_btn = big_button("", kind="back", name="editCancel")
        self.ok_btn = big_button("", kind="confirm", name="editOk")
        self.cancel_btn.clicked.connect(self.cancel)
        self.ok_btn.clicked.connect(self._ok)
        row.addWidget(self.cancel_btn, 1)
        row.addWidget(self.ok_btn, 2)
        lay.addLayout(row)

        # text
        self.text_page = QWidget()
        tl = QVBoxLayout(self.text_page)
        self.line = QLineEdit()
        self.line.setObjectName("editText")
        self.line.returnPressed.connect(self._ok)
        self.suggest_hint = label(role="large")
        self.suggestions = QWidget()
        self._suggest_lay = QVBoxLayout(self.suggestions)
        self._suggest_lay.setContentsMargins(0, 0, 0, 0)
        tl.addWidget(self.line)
        tl.addWidget(self.suggest_hint)
        tl.addWidget(self.suggestions)
        tl.addStretch(1)
        # date
        self.date_page = QWidget()
        dl = QVBoxLayout(self.date_page)
        self.date_display = label(name="dateDisplay", wrap=False)
        self.date_display.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.date_pad = Keypad(with_x=False)
        self.date_pad.key.connect(lambda k: self._set_date(self._date + k))
        self.date_pad.backspace.connect(lambda: self._set_date(self._date[:-1]))
        self.date_pad.cleared.connect(lambda: self._set_date(""))
        dl.addWidget(self.date_display)
        dl.addWidget(self.date_pad, 1)
        # money
        self.money_page = QWidget()
        ml = QVBoxLayout(self.money_page)
        self.money_display = label(name="moneyDisplay", wrap=False)
        self.money_display.setAlignment(Qt.AlignmentFlag.AlignCenter)
        keys = [(c, c) for c in "123456789"] + [(".", "dot"), ("0", "0"), ("⌫", "back")]
        self.money_pad = _pad(keys, 3, self._money_key, "moneyPad")
        ml.addWidget(self.money_display)
        ml.addWidget(self.money_pad, 1)
        # insurance class
        self.class_page = QWidget()
        cl = QVBoxLayout(self.class_page)
        self.class_buttons: dict[str, QPushButton] = {}
        for cls, name in CLASSES:
            b = big_button("", kind="primary", name=name)
            b.clicked.connect(lambda _=False, c=cls: self._finish(c))
            self.class_buttons[cls] = b
            cl.addWidget(b)
        cl.addStretch(1)
        # one of a few values (the kind of paper)
        self.choice_page = QWidget()
        self._choice_lay = QVBoxLayout(self.choice_page)
        self._choice_lay.addStretch(1)
        # one item: which part to change
        self.item_page = QWidget()
        il = QVBoxLayout(self.item_page)
        self.item_name_btn = big_button("", name="itemName")
        self.item_amount_btn = big_button("", name="itemAmount")
        self.item_class_btn = big_button("", name="itemClass")
        self.item_name_btn.clicked.connect(self._item_name)
        self.item_amount_btn.clicked.connect(self._item_amount)
        self.item_class_btn.clicked.connect(self._item_class)
        for b in (self.item_name_btn, self.item_amount_btn, self.item_class_btn):
            il.addWidget(b)
        il.addStretch(1)
        # the catalog's pinyin search
        self.pinyin_page = QWidget()
        pl = QVBoxLayout(self.pinyin_page)
        self.query_display = label(name="pinyinQuery", wrap=False)
        self.query_display.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._result_btns: list[QPushButton] = []
        self.results = QWidget()
        self.results.setObjectName("pinyinResults")
        self._results_lay = QVBoxLayout(self.results)
        self._results_lay.setContentsMargins(0, 0, 0, 0)
        self._results_lay.addStretch(1)
        scroll = scroll_area(self.results)
        scroll.setFrameShape(QScrollArea.Shape.StyledPanel)
        self.no_results = label(role="large", name="pinyinNone")
        self.no_results.hide()
        letters = [(c, c) for c in LETTERS] + [("⌫", "back"), ("", "clear")]
        self.letter_pad = _pad(letters, 7, self._letter, "letterPad")
        pl.addWidget(self.query_display)
        found = QVBoxLayout()
        found.addWidget(scroll, 1)
        found.addWidget(self.no_results)
        # answers above the letters on a portrait screen, beside them on a landscape one
        self._pinyin_split = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        self._pinyin_split.addLayout(found, 1)
        self._pinyin_split.addWidget(self.letter_pad)
        pl.addLayout(self._pinyin_split, 1)
        for page in (self.text_page, self.date_page, self.money_page, self.class_page,
                     self.item_page, self.pinyin_page, self.choice_page):
            self.pages.addWidget(page)
        if search is not None:
            search.results.connect(self._show_results)
            search.failed.connect(lambda _q: self._show_results(self._query, []))

        self._field = ""
        self._date = ""
        self._money = ""
        self._zero_ok = False
        self._query = ""
        self._items: list[dict[str, Any]] = []
        self._item = -1
        self._accept: Callable[[], None] = lambda: None
        self.retranslate()

    def arrange(self, landscape: bool) -> None:
        self._pinyin_split.setDirection(
            QBoxLayout.Direction.LeftToRight if landscape else QBoxLayout.Direction.TopToBottom)

    def retranslate(self) -> None:
        self.cancel_btn.setText(self.tr("← 不改了"))
        self.ok_btn.setText(self.tr("改好了"))
        self.suggest_hint.setText(self.tr("或者点下面的医院："))
        self.no_results.setText(self.tr("没有找到，请换几个字母试试"))
        for cls, _ in CLASSES:
            self.class_buttons[cls].setText(self.tr("{c}类").format(c=cls))
        clear = self.letter_pad.findChild(QPushButton, "key_clear")
        if clear is not None:
            clear.setText(self.tr("清空"))

    # --- starting an edit -----------------------------------------------------------------

    def _begin(self, page: QWidget, field: str, title: str, was: str,
               accept: Callable[[], None] | None, *, ok: bool = True) -> None:
        self._field = field
        self.title.setText(title)
        self.was.setText(self.tr("原来读到：{v}").format(v=was) if was else "")
        self.was.setVisible(bool(was))
        self.problem.hide()
        self._accept = accept or (lambda: None)
        self.ok_btn.setVisible(ok)
        self.pages.setCurrentWidget(page)

    def edit_text(self, field: str, title: str, current: str | None,
                  suggestions: Sequence[str] = ()) -> None:
        self._begin(self.text_page, field, title, current or "", self._accept_text)
        self.line.setText(current or "")
        self._clear_suggestions()
        shown = [s for s in dict.fromkeys(suggestions) if s and s != current][:MAX_SUGGESTIONS]
        for i, text in enumerate(shown):
            b = big_button(text, name=f"suggest_{i}")
            b.clicked.connect(lambda _=False, t=text: self._finish(t))
            self._suggest_lay.addWidget(b)
        self.suggest_hint.setVisible(bool(shown))
        self.line.setFocus()

    def edit_date(self, field: str, title: str, current: str | None) -> None:
        self._begin(self.date_page, field, title, current or "", self._accept_date)
        self._set_date("")

    def edit_money(self, field: str, title: str, current: str | None, *,
                   zero_ok: bool = False) -> None:
        """An amount; `zero_ok` for a payment line, where 0.00 is what the paper says."""
        self._begin(self.money_page, field, title,
                    self.tr("{amount} 元").format(amount=current) if current else "",
                    self._accept_money)
        self._zero_ok = zero_ok
        self._set_money("")

    def edit_code(self, field: str, title: str, current: str | None) -> None:
        """An invoice number or code: typed on the USB keyboard or the line's input method."""
        self._begin(self.text_page, field, title, current or "", self._accept_code)
        self.line.setText(current or "")
        self._clear_suggestions()
        self.suggest_hint.hide()
        self.line.setFocus()

    def edit_choice(self, field: str, title: str, current: str | None,
                    choices: Sequence[tuple[str, str]]) -> None:
        """One of a few values as big buttons: (value, words shown)."""
        shown = dict(choices).get(current or "", "")
        self._begin(self.choice_page, field, title, shown, None, ok=False)
        while self._choice_lay.count() > 1:
            item = self._choice_lay.takeAt(0)
            w = item.widget() if item is not None else None
            if w is not None:
                w.deleteLater()
        for i, (value, words) in enumerate(choices):
            b = big_button(words, kind="primary", name=f"choice_{value}")
            b.clicked.connect(lambda _=False, v=value: self.done.emit(self._field, v))
            self._choice_lay.insertWidget(i, b)

    def _clear_suggestions(self) -> None:
        while self._suggest_lay.count():
            item = self._suggest_lay.takeAt(0)
            w = item.widget() if item is not None else None
            if w is not None:
                w.deleteLater()

    def edit_item(self, items: Sequence[dict[str, Any]], index: int) -> None:
        """One line of the receipt: the next tap chooses name, amount or class."""
        self._items = copy.deepcopy(list(items))
        self._item = index
        item = self._items[index]
        self._begin(self.item_page, "items", self.tr("改第{n}项").format(n=index + 1),
                    "", None, ok=False)
        self.item_name_btn.setText(self.tr("名称：{v}").format(v=item.get("name") or "—"))
        self.item_amount_btn.setText(self.tr("金额：{v} 元").format(v=item.get("amount") or "—"))
        cls = item.get("insurance_class")
        self.item_class_btn.setText(self.tr("类别：{v}").format(
            v=self.tr("{c}类").format(c=cls) if cls else self.tr("没有印")))

    # --- item parts -------------------------------------------------------------------------

    def _item_name(self) -> None:
        item = self._items[self._item]
        self._begin(self.pinyin_page, "items", self.tr("输入药品或项目名称的拼音首字母"),
                    str(item.get("name") or ""), None, ok=False)
        self._set_query("")

    def _item_amount(self) -> None:
        item = self._items[self._item]
        self._zero_ok = False
        self._begin(self.money_page, "items", self.tr("输入这一项的金额"),
                    self.tr("{amount} 元").format(amount=item.get("amount") or "—"),
                    self._accept_item_amount)
        self._set_money("")

    def _item_class(self) -> None:
        item = self._items[self._item]
        cls = item.get("insurance_class")
        self._begin(self.class_page, "items", self.tr("这一项是哪一类？"),
                    self.tr("{c}类").format(c=cls) if cls else "", None, ok=False)

    def _with_item(self, **change: Any) -> list[dict[str, Any]]:
        items = copy.deepcopy(self._items)
        items[self._item].update(change)
        return items

    # --- keys -------------------------------------------------------------------------------

    def _set_date(self, digits: str) -> None:
        self._date = date_digits(digits)
        # empty: the eight places and what they are, in words (not "YYYY-MM-DD")
        self.date_display.setText(show_date_digits(self._date) or self.tr("____年__月__日"))
        self.problem.hide()

    def _money_key(self, key: str) -> None:
        if key == "back":
            self._set_money(self._money[:-1])
        else:
            self._set_money(money_keys(self._money, "." if key == "dot" else key))

    def _set_money(self, text: str) -> None:
        self._money = text
        self.money_display.setText(self.tr("{amount} 元").format(amount=text or "0"))
        self.problem.hide()

    def _letter(self, key: str) -> None:
        if key == "back":
            self._set_query(self._query[:-1])
        elif key == "clear":
            self._set_query("")
        elif len(self._query) < 12:
            self._set_query(self._query + key)

    def _set_query(self, query: str) -> None:
        self._query = query
        self.query_display.setText(query or "…")
        if not query:
            self._show_results("", [])
        if self.search is not None:
            self.search.search(query.lower())

    def _show_results(self, query: str, entries: list[CatalogEntry]) -> None:
        if query != self._query.lower():
            return
        while self._results_lay.count() > 1:
            item = self._results_lay.takeAt(0)
            w = item.widget() if item is not None else None
            if w is not None:
                w.hide()
                w.deleteLater()
        self._result_btns = []
        for i, entry in enumerate(entries):
            word = self.tr("{c}类").format(c=entry.insurance_class)
            b = big_button(entry_text(entry, word), name=f"result_{i}")
            b.setProperty("kind", "result")
            b.clicked.connect(lambda _=False, e=entry: self._chosen(e))
            self._results_lay.insertWidget(i, b)
            self._result_btns.append(b)
        self.no_results.setVisible(bool(query) and not entries)

    def result_buttons(self) -> list[QPushButton]:
        """The answers on screen, best first (for tests and the screenshot tool)."""
        return list(self._result_btns)

    def _chosen(self, entry: CatalogEntry) -> None:
        self._finish(self._with_item(name=entry.name))

    # --- finishing --------------------------------------------------------------------------

    def _problem(self, code: str) -> None:
        self.problem.setText(message_text(f"correction.{code}"))
        self.problem.show()

    def _ok(self) -> None:
        self._accept()

    def _accept_text(self) -> None:
        value, problem = check_text(self.line.text())
        if problem:
            self._problem(problem)
        else:
            self._finish(value)

    def _accept_date(self) -> None:
        value, problem = check_date(self._date)
        if problem:
            self._problem(problem)
        else:
            self._finish(value)

    def _accept_code(self) -> None:
        value, problem = check_code(self.line.text())
        if problem:
            self._problem(problem)
        else:
            self._finish(value)

    def _accept_money(self) -> None:
        value, problem = check_money(self._money, zero_ok=self._zero_ok)
        if problem:
            self._problem(problem)
        else:
            self._finish(value)

    def _accept_item_amount(self) -> None:
        value, problem = check_money(self._money)
        if problem:
            self._problem(problem)
        else:
            self._finish(self._with_item(amount=value))

    def _finish(self, value: Any) -> None:
        field = self._field
        if field == "items" and isinstance(value, str):  # a class button on the item
            value = self._with_item(insurance_class=value)
        self.done.emit(field, value)

    def cancel(self) -> None:
        self.cancelled.emit()

    def reset(self) -> None:
        self.line.clear()
        self._date = self._money = self._query = ""
        self._items, self._item = [], -1
        self._show_results("", [])
