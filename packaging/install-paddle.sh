#!/usr/bin/env bash
# Installs the optional PaddleOCR backend (extra `paddle`) into the given virtual environment,
# leaves exactly one consistent, headless `cv2` behind and builds the local model folders.
#
#   bash packaging/install-paddle.sh VENV
#
# Why the OpenCV dance: paddlex pins `opencv-contrib-python==X` (the GUI build, which ships its
# own Qt and points QT_QPA_PLATFORM_PLUGIN_PATH at it on import, breaking PySide6), while the
# kiosk and rapidocr need `opencv-python-headless`. All of these wheels write into the same
# `cv2/` folder, so after a plain `pip install` it holds a mix of two builds. paddlex also checks
# at run time that a distribution named `opencv-contrib-python` is installed. So we keep the
# three distributions at paddlex's pinned version X (every requirement is met, `pip check` is
# clean) and install `opencv-contrib-python-headless==X` last, so every file of `cv2/` that
# Python loads comes from that one headless build. Consequence: never `pip uninstall` one of the
# opencv packages by hand; re-run this script instead.
#
# Idempotent: when paddleocr is installed and cv2 is the headless build, only the model folders
# are checked (and rebuilt if their source files changed). Needs nothing but PyPI.
set -euo pipefail
venv="${1:?usage: install-paddle.sh VENV}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
py="$venv/bin/python"
pip=("$py" -m pip install -q --disable-pip-version-check)

# Prints the opencv version paddlex pins (empty when paddlex is not installed).
pinned_cv() {
    "$py" - <<'EOF'
import importlib.metadata as md
import re
try:
    reqs = md.requires("paddlex") or []
except md.PackageNotFoundError:
    reqs = []
for r in reqs:
    m = re.match(r"opencv-contrib-python\s*==\s*([0-9.]+)", r)
    if m:
        print(m.group(1))
        break
EOF
}

# Exit 0 when cv2 on disk is exactly the opencv-contrib-python-headless==$1 build: every file of
# that wheel's RECORD below cv2/ has the recorded hash, and the three distributions are at $1.
cv_consistent() {
    "$py" - "$1" <<'EOF'
import base64, hashlib, importlib.metadata as md, sys
want = sys.argv[1]
try:
    for name in ("opencv-contrib-python-headless", "opencv-contrib-python", "opencv-python-headless"):
        if md.version(name) != want:
            sys.exit(f"{name} is {md.version(name)}, want {want}")
except md.PackageNotFoundError as exc:
    sys.exit(f"{exc.args[0]} is not installed")
dist = md.distribution("opencv-contrib-python-headless")
for f in dist.files or []:
    if not str(f).startswith("cv2/") or f.hash is None:
        continue
    path = f.locate()
    try:
        data = open(path, "rb").read()
    except OSError:
        sys.exit(f"{f} is missing")
    digest = base64.urlsafe_b64encode(hashlib.new(f.hash.mode, data).digest()).rstrip(b"=").decode()
    if digest != f.hash.value:
        sys.exit(f"{f} does not come from opencv-contrib-python-headless {want}")
EOF
}

if ! "$py" -c "import importlib.metadata as m; m.version('paddleocr')" 2>/dev/null; then
    echo "install-paddle: installing paddleocr (extra 'paddle') into $venv"
    "${pip[@]}" -e "$here[paddle]"
fi

cv="$(pinned_cv)"
if [ -z "$cv" ]; then
    echo "install-paddle: cannot find the opencv version paddlex pins" >&2
    exit 1
fi

if ! reason="$(cv_consistent "$cv" 2>&1)"; then
    echo "install-paddle: making cv2 the headless opencv-contrib build $cv ($reason)"
    # Same version for all three, so no requirement of the kiosk, rapidocr or paddlex breaks...
    "${pip[@]}" --no-deps "opencv-python-headless==$cv" "opencv-contrib-python==$cv"
    # ...and the headless contrib build written last, so its files are the ones in cv2/.
    "${pip[@]}" --no-deps --force-reinstall "opencv-contrib-python-headless==$cv"
    reason="$(cv_consistent "$cv" 2>&1)" || { echo "install-paddle: cv2 still mixed: $reason" >&2; exit 1; }
fi

# Both engines' imports must work with this cv2, without touching the network.
PADDLE_PDX_DISABLE_MODEL_SOURCE_CHECK=True "$py" -c "
import os, cv2, rapidocr, paddleocr
assert cv2.version.headless, 'cv2 is not the headless build'
assert 'QT_QPA_PLATFORM_PLUGIN_PATH' not in os.environ, 'cv2 changed the Qt plugin path'
" || { echo "install-paddle: cv2, rapidocr or paddleocr does not import" >&2; exit 1; }
"$py" -m pip check >/dev/null || { "$py" -m pip check >&2; exit 1; }

# The model folders, built from the ONNX files that came with rapidocr (no download).
"$py" -m kiosk.recognition.engines.paddle_models
