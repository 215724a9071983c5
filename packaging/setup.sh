#!/usr/bin/env bash
# Sets up a fresh Debian machine for the kiosk and then runs it or its tests.
#
#   bash packaging/setup.sh run     # install everything, start the kiosk
#   bash packaging/setup.sh test    # install everything, run the test suite
#   bash packaging/setup.sh         # install only
#
# Idempotent: a second run only checks what is there. Needs root (or sudo) for apt.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
mode="${1:-install}"
shift || true
venv="${KIOSK_VENV:-$here/.venv}"
py="${PYTHON:-python3}"

# Debian packages: CJK fonts (otherwise every character is a box), the libraries Qt's
# offscreen and xcb platforms load, a virtual X server for screenshots, SANE's test backend,
# PostgreSQL for the county server's tests against a real database, Chromium for the county
# console's end-to-end tests (driven by Playwright through /usr/bin/chromium), debootstrap and
# dpkg-dev for the offline medium's check on a minimal Debian 12 (packaging/test-medium.sh).
apt_packages=(
    fonts-wqy-microhei fonts-wqy-zenhei
    libgl1 libegl1 libglib2.0-0 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3
    libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-shape0
    libxcb-xinerama0 libxcb-randr0 libxcb-cursor0 libxcb-xkb1
    libpulse0 libasound2
    xvfb xauth sane-utils
    postgresql
    chromium
    debootstrap dpkg-dev
)

need_apt=()
for p in "${apt_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need_apt+=("$p")
done
if ((${#need_apt[@]})); then
    sudo_cmd=()
    [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
    echo "setup: installing Debian packages: ${need_apt[*]}"
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends \
        "${need_apt[@]}" >/dev/null
fi

if [ ! -x "$venv/bin/python" ]; then
    echo "setup: creating virtual environment $venv"
    "$py" -m venv "$venv"
fi
stamp="$venv/.kiosk-installed"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    echo "setup: installing Python packages"
    "$venv/bin/python" -m pip install -q --upgrade pip
    "$venv/bin/python" -m pip install -q -e ".[dev,heic]"
    bash packaging/install-paddle.sh "$venv"
    touch "$stamp"
fi
# The app's .qm translations are built from the committed .ts sources, never committed.
VENV="$venv" sh packaging/build-translations.sh >/dev/null

case "$mode" in
    install) echo "setup: done" ;;
    run)
        # The kiosk with a demo county server on loopback: `kiosk demo --no-sync` starts the
        # county, enrols this kiosk with it, queues sample claims and keeps the county
        # running; the app's own sync worker delivers (never two workers on one store), so
        # the app starts once the enrolment is done. "$@" are the app's options (--home,
        # --windowed): the demo gets them too, so both use the same home.
        ready="$(mktemp -d)/ready"
        "$venv/bin/kiosk" "$@" demo --no-sync --ready-file "$ready" &
        demo=$!
        trap 'kill "$demo" 2>/dev/null; wait "$demo" 2>/dev/null; rm -rf "$(dirname "$ready")"' EXIT
        for _ in $(seq 600); do
            [ -e "$ready" ] && break
            kill -0 "$demo" 2>/dev/null || { echo "setup: the demo county did not start" >&2; exit 1; }
            sleep 0.1
        done
        # The technician PIN is never taken from whoever touches the screen first: a kiosk
        # without one gets a random PIN here, printed once (change it under ⚙ → upkeep).
        if ! "$venv/bin/kiosk" "$@" pin status >/dev/null 2>&1; then
            pin="$("$venv/bin/python" -c 'import secrets
from kiosk.auth.pin import weakness
while True:
    p = "".join(secrets.choice("0123456789") for _ in range(6))
    if weakness(p) is None:
        print(p)
        break')"
            printf '%s\n' "$pin" | "$venv/bin/kiosk" "$@" pin set --stdin >/dev/null
            echo "setup: technician PIN for the settings screen (⚙): $pin"
        fi
        "$venv/bin/kiosk" "$@" --demo  # the sample receipt on the capture screen: a demo has no camera
        ;;
    test)
        "$venv/bin/ruff" check kiosk county tests bench
        "$venv/bin/mypy"
        "$venv/bin/lint-imports"
        # CI also builds the .deb and installs it on this machine (packaging/test-deb.sh, then
        # packaging/test-medium.sh:
        # root, several minutes); elsewhere only with KIOSK_TEST_DEB=1. Its result decides
        # the exit status after the test suite has run either way.
        deb_rc=0
        case "${KIOSK_TEST_DEB:-${CI:-}}" in
            1|true)
                VENV="$venv" bash packaging/test-deb.sh || deb_rc=$?
                # then the offline medium made from the .deb that check just passed with
                # (it keeps it in its cache), on a minimal Debian 12 with no network
                if [ "$deb_rc" -eq 0 ]; then
                    built="$(ls -t "${KIOSK_DEB_CACHE:-/var/cache/township-kiosk-ci}"/township-kiosk_*_amd64.deb | head -1)"
                    bash packaging/test-medium.sh "$built" || deb_rc=$?
                fi
                ;;
        esac
        "$venv/bin/python" -m pytest "$@" || exit $?
        exit "$deb_rc"
        ;;
    *) echo "usage: $0 [install|run|test]" >&2; exit 2 ;;
esac
