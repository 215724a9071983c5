"""What the kiosk says aloud: one prompt per screen and per plain-words problem. Qt-free.

Each prompt has a stable key; its words, in every language, are in the message catalogue
(kiosk.core.messages): the screens' and actions' own under `voice.<key>`, the capture,
recognition, card-reader and e-voucher problems under their errors' own sections, so a new
problem code gets a prompt at once and the recordings test fails until its recording is
rendered. The UI speaks them through a speech engine when one has a voice for the language,
else plays the recording shipped in `resources/voice/<language>/<key>.wav` (rendered at
development time by tools/make_voice_prompts.py).
"""

from __future__ import annotations

from kiosk.core.messages import catalogue, text
from kiosk.recognition.preprocess import ImageRejected
from kiosk.residents.evoucher import PROBLEMS as QR_PROBLEMS
from kiosk.scanner.cardreader import CardReadError
from kiosk.scanner.messages import CaptureError

LANGUAGES = ("zh_CN", "en")

SCREEN_PROMPTS: dict[str, str] = {
    name: f"screen.{name}"
    for name in ("start", "resident_id", "capture", "review", "done", "status", "trouble")}
"""Screen name (MainWindow.screens) → the prompt said when it appears; others are silent."""

# prompt key prefix → the plain error whose codes it speaks
_PROBLEM_PROMPTS = {"scan": CaptureError, "reject": ImageRejected, "card": CardReadError}


def _build() -> dict[str, str]:
    prompts = {code.removeprefix("voice."): code for code in catalogue().texts["zh_CN"]
               if code.startswith("voice.")}
    for prefix, kind in _PROBLEM_PROMPTS.items():
        for code in kind.codes():
            prompts[f"{prefix}.{code}"] = kind.words_of(code).code
    for problem in QR_PROBLEMS:
        prompts[f"qr.{problem}"] = f"qr.{problem}"
    return prompts


PROMPTS: dict[str, str] = _build()
"""Every prompt: key → the catalogue code of its words."""


def prompt_text(key: str, language: str) -> str:
    """The line for a key in a language (`zh_CN` or `en`); KeyError for an unknown key."""
    return text(PROMPTS[key], language)


def scan_key(code: str) -> str:
    """The prompt for a capture problem code (kiosk.scanner.messages)."""
    return f"scan.{code}"


def rejection_key(code: str, section: str) -> str:
    """The prompt for a problem the OCR thread reported: a recognition refusal or a capture
    error. Some codes exist in both (e.g. too_dark): the error's catalogue `section` tells
    them apart."""
    return f"reject.{code}" if section == ImageRejected.SECTION else scan_key(code)
