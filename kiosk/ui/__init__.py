"""Touchscreen front end (PySide6). The only package allowed to import Qt widgets.

Map (the composition root `kiosk/app.py` builds all of these and passes each what it needs):
- `main_window.py` the frame: the stack of screens, full screen, the idle warning over them;
  `navigator.py` typed screen names (`ScreenName`) and the one place that changes screens.
- `claim_screens.py` the resident's screens driven by the claim flow (`kiosk.claims.flow`:
  the `Session`, where the claim is, what comes next); `ScreenEffects` (camera, idle, voice).
- `screens/` one module per screen; screens emit what the person chose, nothing more.
  `correct*.py` are the review's field editors (keypads, text, the catalog's pinyin search);
  `settings/` is the technician's panel, one module per section; `assistant*.py` the
  assistant's sign-in, home (today's list, the queue) and the assistants' admin.
- `assistant_mode.py` the assistant's flow (sign-in, several residents in one sitting).
- `tasks.py` `TaskManager` (one database thread and a small device/network pool, results back
  on the UI thread; every short-lived thread of the UI) and `OcrService` (the recognizer on
  its own QThread; every page of a PDF read); `operations.py` `QueryOp`, the one way screens
  run work off the UI thread (known failures to `failure`, bugs to the excepthook).
- `sync_feed.py` the app's sync worker, its state as Qt signals.
- `camera.py` the scanner's camera worker as Qt signals. (The technician PIN: `kiosk.auth.pin`.)
- `voice.py` spoken prompts (a speech engine, else the recordings in resources/voice);
  `slip.py` the printed slip with its status QR code.
- `idle.py` the privacy timeout (an app-wide event filter); `styles.py` QSS from tokens;
  `i18n.py` translations; `errors.py` log, Qt messages, faulthandler, the bug hook.
"""
