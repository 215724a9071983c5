"""Removable media for the file import: which USB sticks are mounted and what is on them.

The kiosk's import screen shows only what is on a stick. A folder or file is addressed by a
path relative to the medium's mount point, and `resolve` refuses whatever would leave the
medium: an absolute path, a `..`, or a symbolic link that points elsewhere (a stick formatted
ext4 can carry a link to `/home`). Nothing else of the file system is reachable.

Qt-free. Listing a stick that is being pulled out can block for seconds, so the screen calls
these functions off the UI thread; `preview` makes the small pictures it shows (the pages of
a PDF are rendered in the sandboxed child process of `kiosk.scanner.files`).
"""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import numpy as np

from kiosk.core.plain import PlainError
from kiosk.scanner.files import decode_picture, read_file, render_pdf, sniff
from kiosk.scanner.messages import CaptureError
from kiosk.scanner.pictures import shrink

log = logging.getLogger("kiosk.scanner")

DEFAULT_MEDIA_ROOTS: tuple[Path, ...] = (Path("/media"), Path("/run/media"))
"""Where udisks and usbmount mount sticks: `/media/<label>`, `/media/<user>/<label>`,
`/run/media/<user>/<label>`."""

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp", ".bmp", ".tif", ".tiff",
                            ".heic", ".heif", ".gif"})
PDF_SUFFIXES = frozenset({".pdf"})
MAX_ENTRIES = 500
"""A folder with more entries than this shows the first ones (a phone's DCIM can hold
thousands; nobody scrolls through them on a kiosk)."""

PREVIEW_PDF_DPI = 36
PREVIEW_PDF_PAGES = 6
"""Pages of a PDF shown as pictures (its page count is said in words)."""


class MediaError(PlainError):
    """What the import screen says about the stick itself (shown, not spoken: the screen is
    read by the person at it); a file's own problems are `CaptureError`s."""

    SECTION = "media"  # the words: resources/messages, [media]
    KIND = "USB stick error"


@dataclass(frozen=True)
class Medium:
    """A mounted stick: its mount point and the name it is shown by (its label)."""

    root: Path

    @property
    def label(self) -> str:
        return self.root.name


@dataclass(frozen=True)
class Entry:
    """One folder or receipt file on a medium; `rel` is its path inside the medium."""

    medium: Medium
    rel: PurePosixPath
    kind: str  # "folder", "image" or "pdf"
    size: int
    mtime: float

    @property
    def name(self) -> str:
        return self.rel.name

    @property
    def path(self) -> Path:
        """The file itself, checked to be on the medium."""
        return resolve(self.medium, self.rel)


@dataclass(frozen=True)
class Listing:
    entries: list[Entry]
    more: int  # entries left off beyond MAX_ENTRIES


def parse_roots(text: str) -> tuple[Path, ...]:
    """`[scanner] media_roots` ("/media:/run/media") as paths."""
    return tuple(Path(p) for p in text.split(":") if p.strip())


def find_media(roots: Sequence[Path] = DEFAULT_MEDIA_ROOTS, *,
               mounts_only: bool = True) -> list[Medium]:
    """Readable mount points at `<root>/<label>` or `<root>/<user>/<label>`.

    `mounts_only=False` takes the folders directly below the roots instead (tests stand a
    folder in for a stick, as `kiosk.core.logexport.find_removable` does).
    """
    found: list[Medium] = []
    for root in roots:
        for child in _subdirs(root):
            if not mounts_only or os.path.ismount(child):
                candidates = [child]
            else:
                candidates = [p for p in _subdirs(child) if os.path.ismount(p)]
            for p in candidates:
                if os.access(p, os.R_OK | os.X_OK) and all(m.root != p for m in found):
                    found.append(Medium(p))
    return found


def _subdirs(path: Path) -> list[Path]:
    try:
        return sorted(p for p in path.iterdir() if p.is_dir() and not p.is_symlink())
    except OSError:
        return []


def resolve(medium: Medium, rel: PurePosixPath | str) -> Path:
    """The real path of `rel` on `medium`; `MediaError("outside_medium")` if it is not on
    it (absolute, `..`, or a link out), `medium_gone` if the stick was pulled out."""
    rel = PurePosixPath(rel)
    if rel.is_absolute() or ".." in rel.parts:
        raise MediaError("outside_medium", str(rel))
    base = os.path.realpath(medium.root)
    if not os.path.isdir(base):
        raise MediaError("medium_gone", str(medium.root))
    real = os.path.realpath(os.path.join(base, *rel.parts))
    if os.path.commonpath([base, real]) != base:
        raise MediaError("outside_medium", f"{rel} -> {real}")
    return Path(real)


def kind_of(name: str) -> str | None:
    suffix = PurePosixPath(name).suffix.lower()
    if suffix in IMAGE_SUFFIXES:
        return "image"
    if suffix in PDF_SUFFIXES:
        return "pdf"
    return None


def list_folder(medium: Medium, rel: PurePosixPath | str = "") -> Listing:
    """The folders and the pictures and PDFs in one folder of the medium: folders first (by
    name), then files, newest first. Hidden entries, other files and links that leave the
    medium are not listed."""
    folder = resolve(medium, rel)
    rel = PurePosixPath(rel)
    try:
        with os.scandir(folder) as it:
            raw = list(it)
    except FileNotFoundError as exc:
        raise MediaError("medium_gone", str(exc)) from exc
    except OSError as exc:
        raise MediaError("folder_unreadable", str(exc)) from exc
    entries: list[Entry] = []
    for d in raw:
        if d.name.startswith("."):
            continue
        child = rel / d.name
        try:
            if d.is_symlink():
                resolve(medium, child)  # a link may stay on the medium, never leave it
            st = d.stat()  # follows a link that stays
        except (MediaError, OSError):
            continue
        if stat.S_ISDIR(st.st_mode):
            kind: str | None = "folder"
        elif stat.S_ISREG(st.st_mode):
            kind = kind_of(d.name)
        else:
            kind = None
        if kind is not None:
            entries.append(Entry(medium, child, kind, st.st_size, st.st_mtime))
    entries.sort(key=lambda e: (e.kind != "folder",
                                e.name.lower() if e.kind == "folder" else -e.mtime))
    return Listing(entries[:MAX_ENTRIES], max(0, len(entries) - MAX_ENTRIES))


def read_entry(entry: Entry) -> bytes:
    """The file's bytes (checked to be on the medium, at most the import's size limit)."""
    return read_file(entry.path)


def preview(entry: Entry, side: int) -> tuple[list[np.ndarray], int]:
    """Small pictures (BGR, longest side at most `side`) of a file: the picture itself, or the
    first pages of a PDF; and the PDF's page count (1 for a picture). `CaptureError` for a
    file that cannot be read, with the code the import's messages use."""
    path = entry.path
    data = read_file(path)
    kind = sniff(data)
    if kind is None:
        raise CaptureError("unsupported", entry.name)
    if kind == "pdf":
        del data
        pages = render_pdf(path, dpi=PREVIEW_PDF_DPI)
        images = [shrink(img, side) for img, _t, _i in pages[:PREVIEW_PDF_PAGES]]
        return images, len(pages)
    return [shrink(decode_picture(data, kind), side)], 1
