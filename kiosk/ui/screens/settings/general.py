"""Sections for what the machine is and how it behaves: overview, screen and sound, OCR."""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFormLayout

from kiosk.core.config import Settings
from kiosk.ui.screens.settings.fields import ChoiceRow, NumberRow, Section, TextRow
from kiosk.ui.widgets import label

if TYPE_CHECKING:
    from kiosk.ui.screens.settings.panel import SettingsPanel


class OverviewSection(Section):
    """Where things are and what the kiosk holds (filled when the PIN opens the panel)."""

    key = "overview"

    def __init__(self, panel: SettingsPanel) -> None:
        super().__init__(panel)
        self.form = QFormLayout()
        self.form.setVerticalSpacing(16)
        self.box.addLayout(self.form)
        self.config_caption = label(role="hint")
        self.config_path = label(name="configPath")
        self.box.addWidget(self.config_caption)
        self.box.addWidget(self.config_path)
        self.box.addStretch(1)
        self._info: dict[str, str] = {}

    def title(self) -> str:
        return self.tr("概况")

    def retranslate(self) -> None:
        super().retranslate()
        self.config_caption.setText(self.tr("配置文件"))

    def refresh(self, settings: Settings) -> None:
        self.config_path.setText(str(settings.config_path))

    def show_info(self, info: Mapping[str, str]) -> None:
        self._info = dict(info)
        while self.form.rowCount():
            self.form.removeRow(0)
        for key, value in info.items():
            self.form.addRow(label(key, role="hint"), label(value))


class GeneralSection(Section):
    """Language, privacy timeout, voice and volume, data retention, the slip printer."""

    key = "general"

    def __init__(self, panel: SettingsPanel) -> None:
        super().__init__(panel)
        save = self.panel.save
        self.language = ChoiceRow("ui", "language", ["zh_CN", "en"], save,
                                  names=["lang_zh_CN", "lang_en"])
        self.idle = NumberRow("ui", "idle_timeout_s", 10, save)
        self.warning = NumberRow("ui", "idle_warning_s", 5, save)
        self.voice = ChoiceRow("ui", "voice", [True, False], save)
        self.volume = NumberRow("ui", "volume", 10, save)
        self.retention = NumberRow("store", "retention_days", 10, save)
        self.printer_on = ChoiceRow("printer", "enabled", [True, False], save)
        self.printer_width = ChoiceRow("printer", "width_mm", [58, 80], save)
        self.printer_name = TextRow("printer", "name", save)
        self.reader = TextRow("cardreader", "command", save)
        for w in (self.language, self.idle, self.warning, self.voice, self.volume,
                  self.retention, self.printer_on, self.printer_width, self.printer_name,
                  self.reader):
            self.box.addWidget(w)
        self.box.addStretch(1)

    def title(self) -> str:
        return self.tr("屏幕与声音")

    def retranslate(self) -> None:
        super().retranslate()
        on, off = self.tr("开"), self.tr("关")
        self.language.retranslate(self.tr("语言"), ["中文", "English"])
        self.idle.retranslate(self.tr("无人操作多少秒后提醒（10–3600秒，立即生效）"))
        self.warning.retranslate(self.tr("提醒后再过多少秒清空并回到首页（5–300秒）"))
        self.voice.retranslate(self.tr("语音提示"), [on, off])
        self.volume.retranslate(self.tr("音量（0–100）"))
        self.retention.retranslate(
            self.tr("县里受理后，照片和个人信息在本机保留多少天（1–3650天）"))
        self.printer_on.retranslate(self.tr("打印回执"), [on, off])
        self.printer_width.retranslate(self.tr("回执纸宽（毫米）"), ["58", "80"])
        self.printer_name.retranslate(self.tr("打印机名称（空着：系统默认；pdf：存成PDF文件）"))
        self.reader.retranslate(self.tr("身份证读卡器命令（空着：没有读卡器，重启后生效）"))

    def refresh(self, settings: Settings) -> None:
        ui = settings.ui
        self.language.set_value(ui.language)
        self.idle.set_value(ui.idle_timeout_s)
        self.warning.set_value(ui.idle_warning_s)
        self.voice.set_value(ui.voice)
        self.volume.set_value(ui.volume)
        self.retention.set_value(settings.store.retention_days)
        self.printer_on.set_value(settings.printer.enabled)
        self.printer_width.set_value(settings.printer.width_mm)
        self.printer_name.set_value(settings.printer.name)
        self.reader.set_value(settings.cardreader.command)


def paddle_available() -> bool:
    return importlib.util.find_spec("paddleocr") is not None


class OcrSection(Section):
    """The recognition engine and its limits: they apply when the engine is next built."""

    key = "ocr"

    def __init__(self, panel: SettingsPanel) -> None:
        super().__init__(panel)
        save = self.panel.save
        engines = ["rapidocr", "paddleocr"] if paddle_available() else ["rapidocr"]
        self.note = label(role="hint", name="ocrNote")
        self.engine = ChoiceRow("ocr", "engine", engines, save)
        self.threads = NumberRow("ocr", "threads", 1, save)
        self.det_limit = NumberRow("ocr", "det_limit_side", 160, save)
        self.workers = NumberRow("ocr", "workers", 1, save)
        for w in (self.note, self.engine, self.threads, self.det_limit, self.workers):
            self.box.addWidget(w)
        self.box.addStretch(1)

    def title(self) -> str:
        return self.tr("识别引擎")

    def retranslate(self) -> None:
        super().retranslate()
        self.note.setText(self.tr("这里的改动重启后生效。"))
        self.engine.retranslate(self.tr("识别引擎"),
                                ["RapidOCR", "PaddleOCR"][:len(self.engine.values)])
        self.threads.retranslate(self.tr("每个引擎的线程数（0 = 自动，最多16）"))
        self.det_limit.retranslate(self.tr("检测时图片的最长边（320–4096像素）"))
        self.workers.retranslate(self.tr("同时识别几张（1–16）"))

    def refresh(self, settings: Settings) -> None:
        self.engine.set_value(settings.ocr.engine)
        self.threads.set_value(settings.ocr.threads)
        self.det_limit.set_value(settings.ocr.det_limit_side)
        self.workers.set_value(settings.ocr.workers)
