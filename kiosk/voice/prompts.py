"""What the kiosk says aloud: one prompt per screen and per plain-words problem. Qt-free.

Each prompt has a stable key, a Chinese and an English line. The UI speaks them through a
speech engine when one has a voice for the language, else plays the recording shipped in
`resources/voice/<language>/<key>.wav` (rendered at development time by
tools/make_voice_prompts.py). The capture and recognition problems are taken from their own
tables (kiosk.scanner.messages, kiosk.recognition.preprocess, the card reader's and the
e-voucher's), so a new problem code gets a
prompt at once and the recordings test fails until its recording is rendered.
"""

from __future__ import annotations

from kiosk.core.messages import text
from kiosk.recognition.preprocess import ImageRejected
from kiosk.residents.evoucher import PROBLEMS as QR_PROBLEMS
from kiosk.scanner.cardreader import CardReadError
from kiosk.scanner.messages import MESSAGES

REJECTIONS = ImageRejected.MESSAGES

LANGUAGES = ("zh_CN", "en")

SCREENS: dict[str, tuple[str, str]] = {
    "screen.start": ("您好！要报销，请点“我要报销”。查看进度，请点“查询进度”。",
                     "Hello! To claim a refund, press 'File a claim'. "
                     "To see how a claim is going, press 'Check my claims'."),
    "screen.resident_id": ("请输入身份证号码，一共十八位。也可以扫医保码，或者刷身份证。",
                           "Please enter your ID card number, eighteen characters. "
                           "You can also scan your insurance code or use the card reader."),
    "screen.capture": ("请把收据平放在框里，机器会自动拍照。",
                       "Lay the receipt flat inside the frame. The picture is taken by itself."),
    "screen.review": ("请看一看读到的内容。没有错，就点“没错，提交”。",
                      "Please check what was read. If it is right, press 'Submit'."),
    "screen.done": ("已经提交了。屏幕上是您的报销单号，请记好。",
                    "Your claim is in. The number on the screen is your claim number."),
    "screen.status": ("这是您的报销单和进度。", "Here are your claims and how far they are."),
    "screen.trouble": ("出了一点问题，请叫工作人员帮忙。",
                       "Something went wrong. Please ask the staff for help."),
    "idle.warning": ("您还在吗？如果还在，请点一下屏幕。",
                     "Are you still there? If so, please touch the screen."),
    "id.scan": ("请把手机上的医保码对准摄像头。",
                "Hold the insurance code on your phone up to the camera."),
    "id.card": ("请把身份证放到读卡器上。", "Please put your ID card on the card reader."),
    "id.bad_number": ("这个号码不对，请和身份证对照，再看一遍。",
                      "That number is not right. Please compare it with your ID card."),
    # said after the done screen's prompt, which it cuts short: it repeats that the claim is in
    "slip.failed": ("已经提交了，但是小票没有打印出来。请记下屏幕上的报销单号。",
                    "Your claim is in, but the slip did not print. "
                    "Please write down the claim number on the screen."),
}

SCREEN_PROMPTS: dict[str, str] = {
    name: f"screen.{name}"
    for name in ("start", "resident_id", "capture", "review", "done", "status", "trouble")}
"""Screen name (MainWindow.screens) → the prompt said when it appears; others are silent."""


def _build() -> dict[str, tuple[str, str]]:
    prompts = dict(SCREENS)
    for code, texts in MESSAGES.items():
        prompts[f"scan.{code}"] = texts
    for code, texts in REJECTIONS.items():
        prompts[f"reject.{code}"] = texts
    for code, texts in CardReadError.MESSAGES.items():
        prompts[f"card.{code}"] = texts
    for kind in QR_PROBLEMS:
        prompts[f"qr.{kind}"] = (text(f"qr.{kind}"), text(f"qr.{kind}", "en"))
    return prompts


PROMPTS: dict[str, tuple[str, str]] = _build()
"""Every prompt: key → (Chinese, English)."""


def prompt_text(key: str, language: str) -> str:
    """The line for a key in a language (`zh_CN` or `en`); KeyError for an unknown key."""
    zh, en = PROMPTS[key]
    return en if language == "en" else zh


def scan_key(code: str) -> str:
    """The prompt for a capture problem code (kiosk.scanner.messages)."""
    return f"scan.{code}"


def rejection_key(code: str, message: str = "") -> str:
    """The prompt for a problem the OCR thread reported: a recognition refusal or a capture
    error. Some codes exist in both tables (e.g. too_dark), so the message tells them apart."""
    if code in REJECTIONS and (code not in MESSAGES or message == REJECTIONS[code][0]):
        return f"reject.{code}"
    return scan_key(code)
