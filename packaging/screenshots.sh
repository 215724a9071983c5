#!/bin/sh
# Render every screen to docs/screenshots/*.png (and landscape/*.png) under a virtual X server (xvfb-run), or
# offscreen when there is none. Needs the CJK fonts from packaging/setup.sh.
set -eu
cd "$(dirname "$0")/.."
PY="${VENV:-.venv}/bin/python"
sh packaging/build-translations.sh >/dev/null
if command -v xvfb-run >/dev/null 2>&1; then
    QT_QPA_PLATFORM=xcb exec xvfb-run -a -s "-screen 0 1920x1920x24" "$PY" tools/screenshots.py "$@"
fi
QT_QPA_PLATFORM=offscreen exec "$PY" tools/screenshots.py "$@"
