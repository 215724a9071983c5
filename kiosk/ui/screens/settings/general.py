"""Sections for what the machine is and how it behaves: overview, screen and sound, OCR."""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QFormLayout

from kiosk.core.config import Settings
from kiosk.ui.screens.settings.fields import ChoiceRow, NumberRow, Section, TextRow
from kiosk.ui.widgets import label

if TYPE_CHECKING:
    from kiosk.ui.screens.settings.panel import SettingsPanel


class OverviewSection(Section):
    """Where things are and what the kiosk holds (filled when the PIN opens the panel).

    `show_info` is handed codes and values (`home`, `database`, `ocr`, `idle_s` as
    (timeout, warning), `claims` as {status: count}, `ocr_ready`); the words are this
    section's, through tr(), so nothing English shows in the Chinese panel."""

    key = "overview"

    def __init__(self, panel: SettingsPanel) -> None:
        super().__init__(panel)
        self.form = QFormLayout()
        self.form.setVerticalSpacing(16)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)  # long paths
        self.box.addLayout(self.form)
        self.config_caption = label(role="hint")
        self.config_path = label(name="configPath")
        self.box.addWidget(self.config_caption)
        self.box.addWidget(self.config_path)
        self.box.addStretch(1)
        self._info: dict[str, Any] = {}

    def title(self) -> str:
        return self.tr("概况")

    def retranslate(self) -> None:
        super().retranslate()
        self.config_caption.setText(self.tr("配置文件"))
        if self._info:
            self.show_info(self._info)

    def refresh(self, settings: Settings) -> None:
        self.config_path.setText(str(settings.config_path))

    def status_name(self, status: str) -> str:
        names = {"draft": self.tr("草稿"), "confirmed": self.tr("已确认"),
                 "queued": self.tr("等待上传"), "uploading": self.tr("正在上传"),
                 "accepted": self.tr("县里已受理"), "in_review": self.tr("县里审核中"),
                 "approved": self.tr("已批准"), "returned": self.tr("被退回"),
                 "paid": self.tr("已支付"), "cancelled": self.tr("已取消")}
        return names.get(status, status)

    def rows(self, info: Mapping[str, Any]) -> list[tuple[str, str]]:
        """(caption, value) for each piece of information, in words of the language."""
        out: list[tuple[str, str]] = []
        for key, value in info.items():
            if key == "home":
                out.append((self.tr("数据目录"), str(value)))
            elif key == "database":
                out.append((self.tr("报销单数据库"), str(value)))
            elif key == "ocr":
                ready = info.get("ocr_ready")
                state = "" if ready is None else (self.tr("，已就绪") if ready
                                                  else self.tr("，正在加载"))
                out.append((self.tr("读图引擎"), f"{value}{state}"))
            elif key == "idle_s":
                timeout, warning = value
                out.append((self.tr("无人操作时"), self.tr(
                    "{a}秒后提醒，再过{b}秒清空并回到首页").format(a=timeout, b=warning)))
            elif key == "claims":
                counts = dict(value)
                text = self.tr("，").join(
                    self.tr("{state}{n}份").format(state=self.status_name(k), n=n)
                    for k, n in sorted(counts.items())) or self.tr("还没有")
                out.append((self.tr("本机的报销单"), text))
            elif key != "ocr_ready":
                out.append((str(key), str(value)))
        return out

    def show_info(self, info: Mapping[str, Any]) -> None:
        self._info = dict(info)
        while self.form.rowCount():
            self.form.removeRow(0)
        for caption, value in self.rows(info):
            self.form.addRow(label(caption, role="hint"), label(value))


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
