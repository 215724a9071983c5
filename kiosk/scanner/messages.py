"""Every capture problem in one table: a stable code, a line the kiosk can say, and English.

The UI speaks the Chinese line aloud to elderly residents (short, one action each); the
English line is for assistants and logs. Codes are stable: the UI and the logs key on them.
"""

from __future__ import annotations

from kiosk.core.plain import PlainError

MESSAGES: dict[str, tuple[str, str]] = {
    # quality gate (camera and flatbed stills)
    "no_page": ("请把票据放到框里", "Please place the receipt inside the frame."),
    "cut_off": ("请把票据移到框内，四个角都要露出来",
                "Move the receipt into the frame so all four corners show."),
    "too_small": ("请把票据放近一些，放在框的中间",
                  "The receipt is too small. Move it closer, into the middle of the frame."),
    "blurred": ("请拿稳不要动，等画面清楚", "Hold still until the picture is sharp."),
    "too_dark": ("太暗了，请打开灯", "The picture is too dark. Please turn on the light."),
    "glare": ("有反光，请把票据放平或挪开一点",
              "Glare covers the text. Lay the receipt flat or move it a little."),
    "moving": ("请拿稳不要动", "Hold still."),
    # camera
    "no_camera": ("没有找到摄像头，请联系工作人员",
                  "No camera was found. Please ask the assistant."),
    "camera_lost": ("摄像头断开了，请联系工作人员",
                    "The camera stopped working. Please ask the assistant."),
    # flatbed
    "no_scanner": ("没有找到扫描仪，请检查电源和连线",
                   "No scanner was found. Check its power and cable."),
    "scanner_busy": ("扫描仪正在忙，请稍等再试", "The scanner is busy. Please wait and try again."),
    "scanner_lid_open": ("请盖好扫描仪的盖子", "Please close the scanner lid."),
    "scanner_jammed": ("扫描仪卡纸了，请联系工作人员",
                       "The scanner has a paper jam. Please ask the assistant."),
    "no_paper": ("请把票据放进扫描仪", "Please put the receipt into the scanner."),
    "scanner_failed": ("扫描失败，请再试一次或联系工作人员",
                       "The scan failed. Try again or ask the assistant."),
    # files
    "empty_file": ("文件是空的，请重新传一次", "The file is empty. Please send it again."),
    "unsupported": ("这个文件不是图片或PDF，无法读取",
                    "This file is not a picture or a PDF and cannot be read."),
    "unreadable": ("文件已损坏，请重新传一次", "The file is damaged. Please send it again."),
    "too_large": ("文件太大，无法处理，请换一个文件",
                  "The file is too large to process. Please use another file."),
    "too_many_pages": ("PDF页数太多，请只传票据那几页",
                       "The PDF has too many pages. Please send only the receipt pages."),
    "encrypted": ("PDF有密码，请传没有密码的文件",
                  "The PDF is password-protected. Please send one without a password."),
    "no_receipt_in_document": ("这个文件里没有找到医院的收据或发票，请换一个文件",
                               "No hospital receipt or invoice was found in this file. "
                               "Please use another file."),
}


def message(code: str) -> tuple[str, str]:
    """(Chinese, English) for a code; unknown codes are a bug, not a user problem."""
    return MESSAGES[code]


class CaptureError(PlainError):
    """A capture that failed for a reason the person at the kiosk (or the assistant) can fix;
    `code` is a key of `MESSAGES`."""

    MESSAGES = MESSAGES
    KIND = "capture error"
