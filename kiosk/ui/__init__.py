"""Touchscreen front end (PySide6). The only package allowed to import Qt widgets.

Map (the composition root `kiosk/app.py` builds all of these and passes each what it needs):
- `main_window.py` the stack of screens and the flow between them; the resident's `Session`.
- `screens/` one module per screen; screens emit what the person chose, nothing more.
- `tasks.py` `TaskManager` (one database thread, results back on the UI thread) and
  `OcrService` (the recognizer on its own QThread).
- `desk.py` what the screens ask of store, catalog and audit (runs on the database thread).
- `camera.py` the scanner's camera worker as Qt signals; `pin.py` the technician PIN.
- `idle.py` the privacy timeout (an app-wide event filter); `styles.py` QSS from tokens;
  `i18n.py` translations; `errors.py` log, Qt messages, faulthandler, the bug hook.
"""
