"""Building blocks shared by the screens: big buttons, labels with a style role, the keypad."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
from PySide6.QtGui import QImage, QKeyEvent, QMouseEvent, QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractScrollArea,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QScroller,
    QScrollerProperties,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

TOUCH_MIN = 60
QWIDGETSIZE_MAX = (1 << 24) - 1


def big_button(text: str, *, kind: str = "", name: str = "",
               parent: QWidget | None = None) -> QPushButton:
    b = QPushButton(text, parent)
    if kind:
        b.setProperty("kind", kind)
    if name:
        b.setObjectName(name)
    b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    b.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    return b


def label(text: str = "", *, role: str = "", name: str = "", wrap: bool = True,
          parent: QWidget | None = None) -> QLabel:
    lab = QLabel(text, parent)
    if role:
        lab.setProperty("role", role)
    if name:
        lab.setObjectName(name)
    lab.setWordWrap(wrap)
    return lab


class MessageLine(QLabel):
    """An error line with a place of its own: always `lines` lines high, shown or hidden, so
    the keys below it never move under a finger when a message comes or goes (a 75 px jump
    cost residents PIN attempts). Hidden, it keeps its place and shows nothing."""

    def __init__(self, *, role: str = "error", name: str = "", lines: int = 2) -> None:
        super().__init__()
        self._lines = lines
        self.setProperty("role", role)
        if name:
            self.setObjectName(name)
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        policy = self.sizePolicy()
        policy.setVerticalPolicy(QSizePolicy.Policy.Fixed)
        policy.setRetainSizeWhenHidden(True)
        self.setSizePolicy(policy)

    def _height(self) -> int:
        """`lines` lines of the style's font plus its padding and border: never the text's."""
        self.ensurePolished()
        frame = self.rect().height() - self.contentsRect().height()
        fm = self.fontMetrics()
        return frame + self._lines * fm.lineSpacing() + fm.descent()  # the last line's tail

    def hasHeightForWidth(self) -> bool:
        return False

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), self._height())

    def minimumSizeHint(self) -> QSize:
        return QSize(super().minimumSizeHint().width(), self._height())


def touch_scroll(area: QAbstractScrollArea) -> QAbstractScrollArea:
    """A finger drags the content itself, with momentum, as on a phone (the scroll bar stays
    for a mouse). A tap that does not move still reaches the button under the finger."""
    viewport = area.viewport()
    QScroller.grabGesture(viewport, QScroller.ScrollerGestureType.LeftMouseButtonGesture)
    scroller = QScroller.scroller(viewport)
    props = scroller.scrollerProperties()
    # a press reaches the button at once (no 0.25 s hold-back); only a drag scrolls
    props.setScrollMetric(QScrollerProperties.ScrollMetric.MousePressEventDelay, 0)
    scroller.setScrollerProperties(props)
    if isinstance(area, QAbstractItemView):  # lists wrap their lines: up and down only
        area.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    return area


def scroll_area(widget: QWidget) -> QScrollArea:
    """`widget` in a frameless, touch-scrolled area: long content never pushes the screen's
    own buttons off a landscape screen."""
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setWidget(widget)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    touch_scroll(scroll)
    return scroll


class PadSplit(QHBoxLayout):
    """A keypad screen's two arrangements. On a tall (portrait) screen everything stands in
    one column, the pad at row `at`; on a wide (landscape) screen the pad gets a column of
    its own on the right, so the keys keep their size within 1080 px of height.

    `column` holds the screen's other widgets in order; `arrange(landscape)` moves the pads.
    """

    def __init__(self, parent: QWidget, column: QVBoxLayout, pads: Sequence[QWidget],
                 at: int) -> None:
        super().__init__(parent)
        self.setSpacing(48)
        self.column, self.pads = column, list(pads)
        self.side = QVBoxLayout()
        self.side.setContentsMargins(0, 0, 0, 0)
        self.addLayout(column, 1)
        self.addLayout(self.side, 0)
        # an empty widget, not a layout stretch: widgets move between layouts without
        # ownership questions (a taken layout item is easy to free twice)
        self._push = QWidget(parent)
        self._push.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        self._push.hide()
        column.insertWidget(at, self._push, 1)
        self.at = at + 1  # the pads go below the (hidden) push
        self.landscape: bool | None = None
        self.arrange(False)

    def arrange(self, landscape: bool) -> None:
        if landscape == self.landscape:
            return
        self.landscape = landscape
        for pad in self.pads:
            self.column.removeWidget(pad)
            self.side.removeWidget(pad)
        if landscape:
            for pad in self.pads:
                self.side.addWidget(pad, 1)
        else:
            for i, pad in enumerate(self.pads):
                self.column.insertWidget(self.at + i, pad, 1)
        # pushes the buttons to the bottom once the pad has left the column
        self._push.setVisible(landscape)
        self.setStretch(1, 1 if landscape else 0)
        self.invalidate()


class ReceiptPicture(QLabel):
    """A receipt's picture fitted into its place (aspect kept), or a line of text while there
    is none; a tap emits `tapped`. On a portrait screen it is a band across the screen, on a
    landscape one a column beside the fields."""

    tapped = Signal()
    BAND = 420  # portrait: the band's height
    COLUMN = 560  # landscape: the column's width

    def __init__(self, *, name: str = "receiptPicture", band: bool = True) -> None:
        super().__init__()
        self.setObjectName(name)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self.setProperty("role", "hint")
        self.setMinimumSize(QSize(TOUCH_MIN, TOUCH_MIN))
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.image: QImage | None = None
        if band:  # else it takes whatever room it is given (the enlarged picture)
            self.arrange(False)

    def arrange(self, landscape: bool) -> None:
        # the fixed side Fixed (a box layout gives an Ignored side nothing, whatever its
        # minimum), the other Ignored (the picture never asks for room of its own)
        ignored, fixed = QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed
        self.setSizePolicy(fixed if landscape else ignored, ignored if landscape else fixed)
        if landscape:
            self.setFixedWidth(self.COLUMN)
            self.setMinimumHeight(TOUCH_MIN)
            self.setMaximumHeight(QWIDGETSIZE_MAX)
        else:
            self.setFixedHeight(self.BAND)
            self.setMinimumWidth(TOUCH_MIN)
            self.setMaximumWidth(QWIDGETSIZE_MAX)

    def show_image(self, image: QImage | None, text: str) -> None:
        self.image = image
        if image is None:
            self.clear()
            self.setText(text)
        else:
            self._fit()

    def _fit(self) -> None:
        if self.image is not None and self.width() > 0 and self.height() > 0:
            self.setPixmap(QPixmap.fromImage(self.image).scaled(
                self.size(), Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.image is not None:
            self.tapped.emit()
        super().mouseReleaseEvent(event)


def restyle(widget: QWidget) -> None:
    """Re-apply the style sheet after a dynamic property (e.g. `unsure`) changed."""
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)


class Keypad(QWidget):
    """A large on-screen keypad: digits, optionally X, delete and clear.

    Emits `key(str)` for a character, `backspace()` and `cleared()`. Buttons are named
    `key_0`…`key_9`, `key_X`, `key_back`, `key_clear` for tests and the screenshot tool.
    """

    key = Signal(str)
    backspace = Signal()
    cleared = Signal()

    def __init__(self, *, with_x: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setSpacing(16)
        for i, ch in enumerate("123456789"):
            grid.addWidget(self._char(ch), i // 3, i % 3)
        last = ["X" if with_x else "clear", "0", "back"]
        for col, ch in enumerate(last):
            if ch == "back":
                b = big_button("⌫", kind="key", name="key_back")
                b.setAccessibleName(self.tr("删除一位"))
                b.clicked.connect(self.backspace)
            elif ch == "clear":
                b = big_button(self.tr("清空"), kind="key", name="key_clear")
                b.clicked.connect(self.cleared)
            else:
                b = self._char(ch)
            grid.addWidget(b, 3, col)

    def _char(self, ch: str) -> QPushButton:
        b = big_button(ch, kind="key", name=f"key_{ch}")
        b.clicked.connect(lambda _=False, c=ch: self.key.emit(c))
        return b


class TextPad(QWidget):
    """An on-screen keyboard for the technician's Latin text (server addresses, enrolment
    codes, certificate fingerprints, printer names) on a kiosk with no keyboard attached.

    `attach(edit)` registers line edits; the keys type into the one that last had focus.
    The keys never take the focus themselves, so the cursor stays where it was. Buttons are
    named `text_<char>` (`text_shift`, `text_back`, `text_clear`) for tests.
    """

    ROWS = ("1234567890", "qwertyuiop", "asdfghjkl:", "zxcvbnm./-")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("textPad")
        self._edits: list[QLineEdit] = []
        self._target: QLineEdit | None = None
        self._upper = False
        self._letters: list[QPushButton] = []
        grid = QGridLayout(self)
        grid.setSpacing(8)
        grid.setContentsMargins(0, 0, 0, 0)
        for r, row in enumerate(self.ROWS):
            for c, ch in enumerate(row):
                b = self._key(ch, f"text_{ch}" if ch.isalnum() else f"text_{ord(ch)}")
                b.clicked.connect(lambda _=False, k=ch: self.type_text(k))
                if ch.isalpha():
                    self._letters.append(b)
                grid.addWidget(b, r, c)
        shift = self._key("⇧", "text_shift")
        shift.setCheckable(True)
        shift.toggled.connect(self._shift)
        back = self._key("⌫", "text_back")
        back.clicked.connect(self.backspace)
        clear = self._key(self.tr("清空"), "text_clear")
        clear.clicked.connect(self.clear)
        underscore = self._key("_", "text_95")
        underscore.clicked.connect(lambda _=False: self.type_text("_"))
        col = 0
        for b, span in ((shift, 2), (underscore, 2), (back, 3), (clear, 3)):
            grid.addWidget(b, len(self.ROWS), col, 1, span)
            col += span

    def _key(self, text: str, name: str) -> QPushButton:
        b = big_button(text, kind="textkey", name=name)
        b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        return b

    def attach(self, *edits: QLineEdit) -> None:
        for edit in edits:
            self._edits.append(edit)
            edit.installEventFilter(self)
        if self._target is None and edits:
            self._target = edits[0]

    @property
    def target(self) -> QLineEdit | None:
        return self._target

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusIn and watched in self._edits:
            assert isinstance(watched, QLineEdit)
            self._target = watched
        return False

    def _shift(self, upper: bool) -> None:
        self._upper = upper
        for b in self._letters:
            b.setText(b.text().upper() if upper else b.text().lower())

    def type_text(self, ch: str) -> None:
        if self._target is not None:
            self._target.insert(ch.upper() if self._upper else ch)

    def backspace(self) -> None:
        if self._target is not None:
            self._target.backspace()

    def clear(self) -> None:
        if self._target is not None:
            self._target.clear()


class KeyEntry:
    """What every keypad screen is built of: a title, a hint, the typed value in large type,
    an error line (hidden until needed), the keypad, and "← back" beside the confirm button.

    The screen keeps the parts as its own attributes and lays them out; the callbacks are
    its handlers. Object names are given per screen (tests and screenshots find them).
    """

    def __init__(self, *, with_x: bool, on_key: Callable[[str], None],
                 on_backspace: Callable[[], None], on_clear: Callable[[], None],
                 on_back: Callable[[], None], on_ok: Callable[[], None],
                 display: str, error: str, ok: str, back: str = "back",
                 title: str = "", hint: str = "") -> None:
        self.title = label(role="title", name=title)
        self.hint = label(role="large", name=hint)
        self.display = label(name=display, wrap=False)
        self.display.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.error = MessageLine(name=error)  # keeps its place: the keypad never moves
        self.error.hide()
        self.keypad = Keypad(with_x=with_x)
        self.keypad.key.connect(on_key)
        self.keypad.backspace.connect(on_backspace)
        self.keypad.cleared.connect(on_clear)
        self.back = big_button("", kind="back", name=back)
        self.ok = big_button("", kind="confirm", name=ok)
        self.back.clicked.connect(lambda: on_back())  # not `clicked`'s checked flag
        self.ok.clicked.connect(lambda: on_ok())

    def buttons(self) -> QHBoxLayout:
        """← back (one part) beside confirm (two parts), for the bottom of the screen."""
        row = QHBoxLayout()
        row.addWidget(self.back, 1)
        row.addWidget(self.ok, 2)
        return row


def keypad_key(event: QKeyEvent, *, chars: str, type_char: Callable[[str], None],
               backspace: Callable[[], None], submit: Callable[[], None]) -> bool:
    """A USB keyboard (or a reader that types like one) works like the keypad: one of
    `chars` is typed, Backspace deletes, Enter confirms. True if the key was one of those."""
    text = event.text().upper()
    if text and text in chars:
        type_char(text)
    elif event.key() == Qt.Key.Key_Backspace:
        backspace()
    elif event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
        submit()
    else:
        return False
    return True
