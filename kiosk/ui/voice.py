"""Voice prompts: a speech engine where one has a voice for the language, else the recordings.

Residents who do not read well hear what each screen wants and what to do about a bad
picture. `Voice.say(key)` speaks the prompt `key` of kiosk.voice.prompts: through Qt
TextToSpeech when the engine offers a voice for the language in force, otherwise by playing
`resources/voice/<language>/<key>.wav` (rendered at development time by
tools/make_voice_prompts.py). A new prompt interrupts the one playing (a screen change cuts the
previous screen's prompt short). Missing audio hardware is logged once and never reaches the
person: the screen still shows every word.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QLocale, QObject, QUrl, Signal
from PySide6.QtMultimedia import QMediaDevices, QSoundEffect
from PySide6.QtTextToSpeech import QTextToSpeech

from kiosk.ui.styles import resources_dir
from kiosk.voice.prompts import PROMPTS, prompt_text

log = logging.getLogger("kiosk.ui.voice")

HINT_REPEAT_S = 8.0
"""The same capture hint is said again only after this long (previews arrive many a second)."""


def current_language() -> str:
    """`en` or `zh_CN`, following the language the screens are in."""
    return "en" if QLocale().language() == QLocale.Language.English else "zh_CN"


def auto_engine() -> str:
    """The first real speech engine Qt offers ('' if none); 'mock' is for tests only."""
    return next((e for e in QTextToSpeech.availableEngines() if e != "mock"), "")


class Voice(QObject):
    """Says prompts; `spoken(key, how)` tells how each was given out: `tts`, `recording`
    or `silent` (voice off, volume 0, or no engine voice and no recording for it).

    `engine`: a QTextToSpeech engine name, None to pick one (`auto_engine`), '' for none.
    `how` names the path taken: without a sound card a recording is still `recording`, and
    the log says once that nothing could be heard.
    """

    spoken = Signal(str, str)

    def __init__(self, *, enabled: bool = True, volume: int = 80, engine: str | None = None,
                 recordings: Path | None = None,
                 language: Callable[[], str] = current_language,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.enabled = enabled
        self.volume = max(0, min(100, volume))
        self._engine_name = engine
        self._tts: QTextToSpeech | None = None
        self._tts_tried = False
        self._tts_languages: dict[str, bool] = {}
        self._recordings = recordings or resources_dir() / "voice"
        self._language = language
        self._effect: QSoundEffect | None = None
        self._audio_failed_logged = False
        self._last_hint: tuple[str, float] = ("", 0.0)
        self.last: tuple[str, str] = ("", "")

    # --- the API the window and the settings screen use -----------------------------------

    def say(self, key: str, text: str | None = None) -> str:
        """Speak prompt `key` (or `text` instead of its table line, when an engine speaks);
        stops whatever was playing. Returns how it was said (also emitted as `spoken`)."""
        self.stop()
        how = self._say(key, text)
        self.last = (key, how)
        log.debug("voice %s: %s", key, how)
        self.spoken.emit(key, how)
        return how

    def hint(self, key: str) -> None:
        """A capture hint from the live preview: said when it changes, or again after a while."""
        now = time.monotonic()
        last_key, at = self._last_hint
        if key == last_key and now - at < HINT_REPEAT_S:
            return
        self._last_hint = (key, now)
        self.say(key)

    def set_volume(self, volume: int) -> None:
        self.volume = max(0, min(100, int(volume)))
        if self._tts is not None:
            self._tts.setVolume(self.volume / 100)
        if self._effect is not None:
            self._effect.setVolume(self.volume / 100)

    def set_enabled(self, enabled: bool) -> None:
        self.enabled = bool(enabled)
        if not self.enabled:
            self.stop()

    def stop(self) -> None:
        if self._tts is not None and self._tts.state() == QTextToSpeech.State.Speaking:
            self._tts.stop()
        if self._effect is not None and self._effect.isPlaying():
            self._effect.stop()

    def recording(self, key: str, language: str | None = None) -> Path:
        return self._recordings / (language or self._language()) / f"{key}.wav"

    # --- how ------------------------------------------------------------------------------

    def _say(self, key: str, text: str | None) -> str:
        if not self.enabled or self.volume == 0:
            return "silent"
        language = self._language()
        tts = self._engine_for(language)
        if tts is not None and (text or key in PROMPTS):
            tts.setVolume(self.volume / 100)
            tts.say(text or prompt_text(key, language))
            return "tts"
        path = self.recording(key, language)
        if path.exists():
            self._play(path)
            return "recording"
        return "silent"

    def _engine_for(self, language: str) -> QTextToSpeech | None:
        """The speech engine if it has a voice for `language` (checked once per language)."""
        if not self._tts_tried:
            self._tts_tried = True
            name = auto_engine() if self._engine_name is None else self._engine_name
            if name:
                tts = QTextToSpeech(name, self)
                if tts.state() == QTextToSpeech.State.Error:
                    log.info("speech engine %s unusable (%s): playing recordings", name,
                             tts.errorString() or "no detail")
                    tts.deleteLater()
                else:
                    self._tts = tts
        if self._tts is None:
            return None
        if language not in self._tts_languages:
            want = QLocale(language).language()
            ok = any(loc.language() == want for loc in self._tts.availableLocales())
            self._tts_languages[language] = ok
            if ok:
                chosen = next(loc for loc in self._tts.availableLocales()
                              if loc.language() == want)
                log.info("speech engine %s speaks %s", self._tts.engine(), chosen.name())
            else:
                log.info("speech engine %s has no %s voice: playing recordings",
                         self._tts.engine(), language)
        if not self._tts_languages[language]:
            return None
        want = QLocale(language).language()
        if self._tts.locale().language() != want:
            self._tts.setLocale(next(loc for loc in self._tts.availableLocales()
                                     if loc.language() == want))
        return self._tts

    def _play(self, path: Path) -> None:
        if QMediaDevices.defaultAudioOutput().isNull():
            self._audio_failed("no audio output device", path)
            return
        if self._effect is None:
            self._effect = QSoundEffect(self)
            self._effect.statusChanged.connect(self._effect_status)
        self._effect.setVolume(self.volume / 100)
        self._effect.setSource(QUrl.fromLocalFile(str(path)))
        self._effect.play()

    def _effect_status(self) -> None:
        effect = self._effect
        if effect is not None and effect.status() == QSoundEffect.Status.Error:
            self._audio_failed("the sound device refused it", Path(effect.source().toLocalFile()))

    def _audio_failed(self, why: str, path: Path) -> None:
        """One log line, however many prompts follow: the screen shows every word anyway."""
        if not self._audio_failed_logged:
            self._audio_failed_logged = True
            log.warning("voice prompts cannot be heard (%s): %s", why, path)
