"""Test-wide configuration: Qt runs headless (offscreen) and pytest-qt uses PySide6.

Set here, before anything imports Qt, so that nobody has to remember an environment variable.
"""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYTEST_QT_API", "pyside6")

# `make_kiosk` (the touchscreen app on a real store in tmp_path) for the tests/test_ui_* files;
# `server` (a real county server on 127.0.0.1) for the county and sync tests.
pytest_plugins = ["support.kiosk_ui", "support.county_server"]
