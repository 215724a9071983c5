"""Capture: camera (OpenCV), flatbed (SANE) and file import, behind one interface. Qt-free.

Every source yields `Capture` objects (`source.py`); problems the person can fix raise
`CaptureError` whose code keys the spoken message table (`messages.py`).
"""

from kiosk.scanner.messages import CODES, CaptureError
from kiosk.scanner.source import Capture, CaptureSource

__all__ = ["CODES", "Capture", "CaptureError", "CaptureSource"]
