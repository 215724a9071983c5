"""The technician PIN, as the screens know it; the logic is Qt-free in `kiosk.pin`."""

from kiosk.pin import (
    MAX_LENGTH,
    MIN_LENGTH,
    PIN_FILE,
    PinError,
    PinResult,
    PinStore,
    require_strong,
    weakness,
)

__all__ = ["MAX_LENGTH", "MIN_LENGTH", "PIN_FILE", "PinError", "PinResult", "PinStore",
           "require_strong", "weakness"]
