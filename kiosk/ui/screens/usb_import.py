"""Import a receipt from a USB stick: the sticks as they are plugged in, their folders, and
large pictures of the photos and PDF pages on them — nothing else of the machine.

Instead of a desktop file dialog (English, small, the whole file system): the screen looks for
sticks below the configured roots every couple of seconds while it is shown, lists a folder
and makes the pictures in the background (`kiosk.ui.media_feed`), and says plainly when there
is no stick, the stick holds no photos or PDFs, or a file cannot be read. A tap on a picture
imports that file; `chosen` carries its path, checked to be on the stick.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.core.plain import PlainError
from kiosk.scanner.media import Entry, Listing, MediaError, Medium
from kiosk.ui.i18n import render
from kiosk.ui.media_feed import MediaFeed
from kiosk.ui.screens.base import Screen
from kiosk.ui.widgets import MessageLine, big_button, label, restyle, scroll_area

POLL_MS = 2000
THUMB = 280  # the longest side of a picture, in pixels


def short(name: str, keep: int = 9) -> str:
    """A long file name (a phone's "微信图片_20260315123456.jpg") as its start and its end, so
    that a caption takes at most two lines."""
    return name if len(name) <= 2 * keep + 1 else f"{name[:keep]}…{name[-keep:]}"


class Tile(QPushButton):
    """A folder or a file as a large target: its picture (or a folder sign) above its name."""

    def __init__(self, entry: Entry) -> None:
        super().__init__()
        self.entry = entry
        self.setObjectName(f"usb_{entry.rel}")
        self.setProperty("kind", "tile")
        self.problem: PlainError | None = None
        self.pages = 0
        lay = QVBoxLayout(self)
        lay.setContentsMargins(12, 12, 12, 12)
        self.picture = label(name="tilePicture", wrap=False)
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setFixedSize(THUMB, THUMB)
        self.caption = label(name="tileCaption")
        self.caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        for w in (self.picture, self.caption):
            w.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            lay.addWidget(w)
        lay.setSpacing(8)
        # its size is the style sheet's (screens.qss: a QSS min-height outranks setMinimumSize)
        self.setAccessibleName(entry.name)

    def show_picture(self, image: QImage) -> None:
        self.picture.setPixmap(QPixmap.fromImage(image))

    def show_sign(self, text: str) -> None:
        """Words or a sign where the picture goes (a folder, "showing…", ✖)."""
        self.picture.setText(text)

    def set_caption(self, text: str) -> None:
        self.caption.setText(text)

    def problem_words(self) -> str:
        """Why the file cannot be read, in the language in force ("" when it can)."""
        return render(self.problem.words) if self.problem is not None else ""

    def has_picture(self) -> bool:
        return not self.picture.pixmap().isNull()


class UsbImportScreen(Screen):
    chosen = Signal(str)  # the file's real path, on the stick
    back = Signal()

    def __init__(self, feed: MediaFeed) -> None:
        super().__init__()
        self.feed = feed
        feed.setParent(self)
        self.feed.media.connect(self._media_found)
        self.feed.listed.connect(self._listed)
        self.feed.previewed.connect(self._previewed)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(48, 32, 48, 32)
        lay.setSpacing(20)
        self.title = label(role="title")
        self.hint = label(role="large", name="usbHint")
        self.sticks = QHBoxLayout()  # one button per stick, when there are several
        self.where = QHBoxLayout()
        self.up_btn = big_button("", name="usbUp")
        self.up_btn.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        self.up_btn.clicked.connect(self._up)
        self.folder = label(role="large", name="usbFolder")
        self.where.addWidget(self.up_btn)
        self.where.addWidget(self.folder, 1)
        self.message = MessageLine(role="large", name="usbMessage", lines=3)
        self.grid_box = QWidget()
        self.grid = QGridLayout(self.grid_box)
        self.grid.setSpacing(16)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.tiles_scroll = scroll_area(self.grid_box)
        self.back_btn = big_button("", kind="back", name="usbBack")
        self.back_btn.clicked.connect(self.back)
        for w in (self.title, self.hint):
            lay.addWidget(w)
        lay.addLayout(self.sticks)
        lay.addLayout(self.where)
        lay.addWidget(self.message)
        lay.addWidget(self.tiles_scroll, 1)
        row = QHBoxLayout()
        row.addWidget(self.back_btn)
        row.addStretch(2)
        lay.addLayout(row)
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self.feed.scan)
        self._media: list[Medium] = []
        self._medium: Medium | None = None
        self._rel = PurePosixPath("")
        self._tiles: dict[PurePosixPath, Tile] = {}
        self._stick_btns: list[QPushButton] = []
        self._state = "looking"
        self._more = 0
        self._problem: PlainError | None = None
        self.retranslate()
        self._show_state()

    @property
    def roots(self) -> tuple[Path, ...]:
        return self.feed.roots

    def set_roots(self, roots: tuple[Path, ...], *, mounts_only: bool = True) -> None:
        """Where sticks are mounted (`[scanner] media_roots`; tests give plain folders)."""
        self.feed.set_roots(roots, mounts_only=mounts_only)

    def retranslate(self) -> None:
        self.title.setText(self.tr("从U盘导入收据"))
        self.hint.setText(self.tr("点一下收据的照片或PDF文件，就会读这一张。"))
        self.up_btn.setText(self.tr("◀ 上一层"))
        self.back_btn.setText(self.tr("← 返回"))
        self._show_state()
        for tile in self._tiles.values():
            self._caption(tile)

    # --- what the window tells it -------------------------------------------------------

    def open(self) -> None:
        """The screen is shown: look for sticks now and every few seconds."""
        self.feed.cancel()
        self._clear()
        self._medium, self._rel, self._media = None, PurePosixPath(""), []
        self._state = "looking"
        self._show_state()
        self.feed.scan()
        self._timer.start()

    def reset(self) -> None:
        self._timer.stop()
        self.feed.cancel()
        self._clear()
        self._medium, self._rel, self._media = None, PurePosixPath(""), []
        self._state = "looking"
        self._show_state()

    def hideEvent(self, event: Any) -> None:
        self._timer.stop()  # nothing polls a stick while the screen is not shown
        super().hideEvent(event)

    def close_feed(self) -> None:
        self._timer.stop()
        self.feed.close()

    # --- answers from the stick ---------------------------------------------------------

    def _media_found(self, media: list[Medium]) -> None:
        if media == self._media and self._state != "looking":
            return
        self._media = list(media)
        self._show_sticks()
        if self._medium in media:
            return
        if not media:
            self._medium = None
            self._clear()
            self._state = "no_stick"
            self._show_state()
            return
        self._open(media[0], PurePosixPath(""))

    def _open(self, medium: Medium, rel: PurePosixPath) -> None:
        self.feed.cancel()
        self._medium, self._rel = medium, rel
        self._clear()
        self._state = "listing"
        self._show_state()
        self.feed.list(medium, rel)
        self.feed.scan()  # the cancel dropped a scan that may have been under way

    def _listed(self, medium: Medium, rel: PurePosixPath, result: Listing | PlainError) -> None:
        if medium != self._medium or rel != self._rel:
            return
        if isinstance(result, PlainError):
            self._state = result.code
            self._problem = result
            self._show_state()
            return
        self._more = result.more
        columns = max(1, (self.tiles_scroll.viewport().width() or 1000) // (THUMB + 40))
        for i, entry in enumerate(result.entries):
            tile = Tile(entry)
            tile.clicked.connect(lambda _=False, t=tile: self._tapped(t))
            self._tiles[entry.rel] = tile
            self._caption(tile)
            self.grid.addWidget(tile, i // columns, i % columns)
            if entry.kind == "folder":
                tile.show_sign(self.tr("文件夹"))
            else:
                tile.show_sign(self.tr("正在显示……"))
                self.feed.preview(entry, THUMB)
        self.grid.setRowStretch(len(result.entries) // columns + 1, 1)
        self._state = "shown" if result.entries else ("empty" if not rel.parts
                                                      else "empty_folder")
        self._show_state()

    def _previewed(self, entry: Entry, result: QImage | PlainError, pages: int) -> None:
        tile = self._tiles.get(entry.rel)
        if tile is None or tile.entry != entry:
            return
        if isinstance(result, PlainError):
            tile.problem = result
            tile.show_sign("✖")
            tile.setProperty("unsure", True)
            restyle(tile)
        else:
            tile.show_picture(result)
            tile.pages = pages
        self._caption(tile)

    # --- the person's taps --------------------------------------------------------------

    def _tapped(self, tile: Tile) -> None:
        entry = tile.entry
        if entry.kind == "folder":
            self._open(entry.medium, entry.rel)
            return
        if tile.problem is not None:
            self.message.setText(self.tr("“{name}”读不出来：{why}").format(
                name=entry.name, why=tile.problem_words()))
            self.message.show()
            return
        try:
            path = entry.path
        except MediaError as exc:
            self.message.setText(render(exc.words))
            self.message.show()
            return
        self._timer.stop()
        self.chosen.emit(str(path))

    def _up(self) -> None:
        if self._medium is not None and self._rel.parts:
            self._open(self._medium, self._rel.parent)

    def _pick_stick(self, medium: Medium) -> None:
        if medium != self._medium:
            self._open(medium, PurePosixPath(""))

    # --- drawing ------------------------------------------------------------------------

    def _clear(self) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            w = item.widget() if item is not None else None
            if w is not None:
                w.hide()
                w.deleteLater()
        self._tiles = {}
        self._more = 0

    def _show_sticks(self) -> None:
        for b in self._stick_btns:
            self.sticks.removeWidget(b)
            b.deleteLater()
        self._stick_btns = []
        if len(self._media) < 2:
            return
        for i, m in enumerate(self._media):
            b = big_button(self.tr("U盘 {name}").format(name=m.label), name=f"usbStick_{i}")
            b.clicked.connect(lambda _=False, medium=m: self._pick_stick(medium))
            self.sticks.addWidget(b)
            self._stick_btns.append(b)

    def _caption(self, tile: Tile) -> None:
        entry = tile.entry
        if entry.kind == "folder":
            text = short(entry.name)
        elif tile.problem is not None:
            text = self.tr("{name}\n读不出来").format(name=short(entry.name))
        elif entry.kind == "pdf" and tile.pages:
            text = self.tr("{name}\nPDF，共{n}页").format(name=short(entry.name), n=tile.pages)
        else:
            text = short(entry.name)
        tile.set_caption(text)

    def _show_state(self) -> None:
        state = self._state
        texts = {
            "looking": self.tr("正在找U盘……"),
            "no_stick": self.tr("没有找到U盘。请把U盘插到机器的USB口上，稍等几秒钟，"
                                "这里会自动显示。"),
            "listing": self.tr("正在打开U盘……"),
            "empty": self.tr("这个U盘里没有照片或PDF文件。请换一个U盘，或者请协理员帮忙。"),
            "empty_folder": self.tr("这个文件夹里没有照片或PDF文件，请点“上一层”。"),
        }
        if state in texts:
            text = texts[state]
        elif state == "shown":
            text = self.tr("还有{n}个文件没有列出来，请协理员帮忙找。").format(n=self._more) \
                if self._more else ""
        else:  # a known problem from the stick (pulled out, folder unreadable)
            problem = self._problem
            text = render(problem.words) if problem else ""
        self.message.setText(text)
        self.message.setVisible(bool(text))
        shown = self._medium is not None and state not in ("no_stick", "looking")
        self.up_btn.setVisible(shown and bool(self._rel.parts))
        self.folder.setVisible(shown)
        if self._medium is not None:
            where = " / ".join((self._medium.label, *self._rel.parts))
            self.folder.setText(self.tr("U盘：{where}").format(where=where))
