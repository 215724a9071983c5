#!/usr/bin/env bash
# CI's installation check of the Debian package, on this machine, as root:
#
#   1. build the .deb (packaging/build-deb.sh) and check its size (≤ 400 MB);
#   2. install the previous build with `apt-get install ./….deb` and queue a claim on it
#      (the previous build is the last one this check passed with, kept in $KIOSK_DEB_CACHE;
#      on a machine without one, this build repackaged under a lower version stands in);
#   3. upgrade to this build: the queued claim, the technician PIN and a setting survive;
#   4. the installed `township-kiosk --self-test` passes (offscreen), and the installed app
#      reads a PDF e-invoice (its renderer runs as a child of the frozen binary); `demo`
#      says the installed kiosk has no demo county server;
#   5. `systemd-analyze verify` passes on the installed units;
#   6. the app shows its first screen under cage with the headless wlroots backend, as the
#      kiosk user (the time it took is printed, and flagged when over 5 s);
#      on a home as a first install leaves it, its first screen is the first-start wizard;
#   7. no library the app loads is missing from the system;
#   8. installing the previous build again over a newer schema: the postinst says what
#      restoring the pre-migration backup would do, `backup restore` changes nothing without
#      the technician's yes and with it brings the backup (and the queued claim) back.
#
# Then everything it installed for itself is removed again (package, user, state); the
# Debian packages pulled in as dependencies stay. Prints one line per check and exits 1 if
# any failed.
#
#   bash packaging/test-deb.sh [--reuse]    # --reuse: package the last PyInstaller build
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
venv="${VENV:-$here/.venv}"
cache="${KIOSK_DEB_CACHE:-/var/cache/township-kiosk-ci}"
max_mb=400
max_start_s=5
[ "$(id -u)" -eq 0 ] || { echo "test-deb: needs root (it installs the package)" >&2; exit 2; }
if dpkg-query -W -f='${Status}' township-kiosk 2>/dev/null | grep -q "install ok installed"; then
    echo "test-deb: township-kiosk is already installed on this machine; not touching it" >&2
    exit 2
fi

work="$(mktemp -d /tmp/test-deb.XXXXXX)"
chmod 0755 "$work"
passed=0
failed=0
ok() { echo "test-deb: ok   $*"; passed=$((passed + 1)); }
bad() { echo "test-deb: FAIL $*"; failed=$((failed + 1)); }
cleanup() {
    DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq township-kiosk >/dev/null 2>&1
    userdel kiosk >/dev/null 2>&1
    getent group kiosk >/dev/null && groupdel kiosk >/dev/null 2>&1
    rm -rf /var/lib/township-kiosk "$work"
}
trap cleanup EXIT
apt_install() {
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
        --allow-downgrades "$@" >"$work/apt.log" 2>&1 || {
        tail -20 "$work/apt.log"
        return 1
    }
}
k() { township-kiosk "$@"; }  # as root: runs as the kiosk user on /var/lib/township-kiosk

# 1. build -----------------------------------------------------------------------------------
t0=$(date +%s)
deb="$(VENV="$venv" bash packaging/build-deb.sh --out "$work/out" "$@" | tail -1)"
t1=$(date +%s)
if [ ! -f "$deb" ]; then
    bad "build: packaging/build-deb.sh made no package"
    exit 1
fi
version="$(dpkg-deb -f "$deb" Version)"
size_mb=$(( ($(stat -c %s "$deb") + 1048575) / 1048576 ))
echo "test-deb: built $(basename "$deb") in $((t1 - t0)) s"
if [ "$size_mb" -le "$max_mb" ]; then ok "size: $size_mb MB (≤ $max_mb MB)"; else bad "size: $size_mb MB (> $max_mb MB)"; fi

# 2. the previous build, with a queued claim -----------------------------------------------
previous=""
if [ -d "$cache" ]; then
    for candidate in "$cache"/township-kiosk_*_amd64.deb; do
        [ -f "$candidate" ] || continue
        if dpkg --compare-versions "$(dpkg-deb -f "$candidate" Version)" lt "$version"; then
            previous="$candidate"
        fi
    done
fi
if [ -z "$previous" ]; then
    # No earlier build on this machine: this one, under a version that sorts before it.
    dpkg-deb -R "$deb" "$work/prev-root"
    sed -i "s/^Version: .*/Version: ${version%%+*}~previous/" "$work/prev-root/DEBIAN/control"
    sed -i "s/^version=.*/version=\"${version%%+*}~previous\"/" "$work/prev-root/DEBIAN/postinst"
    previous="$work/township-kiosk_previous_amd64.deb"
    dpkg-deb --root-owner-group -Znone --build "$work/prev-root" "$previous" >/dev/null
    rm -rf "$work/prev-root"
    echo "test-deb: no earlier build cached in $cache: the upgrade starts from this build repackaged as ${version%%+*}~previous"
else
    echo "test-deb: the upgrade starts from the previous build $(basename "$previous")"
fi
if apt_install "$previous" && grep -q "technician PIN for the settings screen" "$work/apt.log"; then
    ok "install: apt-get install ./$(basename "$previous") (first install printed the technician PIN)"
else
    bad "install of the previous build"
    cat "$work/apt.log"
    exit 1
fi
cp resources/samples/einvoice.jpg "$work/receipt.jpg"
chmod 0644 "$work/receipt.jpg"
resident="$("$venv/bin/python" -c 'from kiosk.store.samples import sample_id_number; print(sample_id_number(16))')"
k claims create --resident-id "$resident" --name "测试" --assistant ci "$work/receipt.jpg" >"$work/create.log" 2>&1
before="$(k claims list --status queued --json 2>/dev/null)"
k_cfg=/var/lib/township-kiosk/kiosk.toml
printf '[ui]\nidle_timeout_s = 77\n' | runuser -u kiosk -- tee "$k_cfg" >/dev/null
[ -n "$before" ] || { bad "queue a claim on the previous build"; cat "$work/create.log"; }

# 3. the upgrade ------------------------------------------------------------------------------
if apt_install "$deb"; then
    after="$(k claims list --status queued --json 2>/dev/null)"
    # The same claims, by what identifies them: a newer build may list more about each.
    same_claims() {
        "$venv/bin/python" - "$1" "$2" <<'PY'
import json, sys
keys = ("id", "uid", "status", "total", "document_count", "created_at")
# `claims list --json` prints one JSON object a line
a, b = ([{k: json.loads(line).get(k) for k in keys} for line in s.splitlines() if line.strip()]
        for s in sys.argv[1:3])
sys.exit(0 if a and a == b else 1)
PY
    }
    if [ -n "$before" ] && same_claims "$before" "$after" && k pin status >/dev/null 2>&1 \
            && grep -q "idle_timeout_s = 77" "$k_cfg" \
            && ! grep -q "technician PIN for the settings screen" "$work/apt.log"; then
        ok "upgrade to $version keeps the queued claim, the PIN and the settings"
    else
        bad "upgrade: queued before [$before] after [$after]"
    fi
else
    bad "upgrade: apt-get install ./$(basename "$deb")"
fi

# 4. self-test --------------------------------------------------------------------------------
# No document camera on a CI machine: the kiosk reads a video file as a camera, so the check
# is pointed at one; everything else is checked as on a kiosk.
"$venv/bin/python" - "$work/camera.avi" <<'EOF'
import sys
import cv2
frame = cv2.imread("resources/samples/einvoice.jpg")
out = cv2.VideoWriter(sys.argv[1], cv2.VideoWriter_fourcc(*"MJPG"), 5, (frame.shape[1], frame.shape[0]))
for _ in range(5):
    out.write(frame)
out.release()
EOF
chmod 0644 "$work/camera.avi"
printf '[ui]\nidle_timeout_s = 77\n[camera]\ndevice = "%s"\n' "$work/camera.avi" \
    | runuser -u kiosk -- tee "$k_cfg" >/dev/null
if QT_QPA_PLATFORM=offscreen k --self-test >"$work/selftest.log" 2>&1; then
    ok "township-kiosk --self-test: $(grep -c '^ok' "$work/selftest.log") checks passed"
else
    bad "township-kiosk --self-test"
fi
sed 's/^/    /' "$work/selftest.log"
# The installed kiosk carries no county server: `demo` says so and what to do instead.
k demo --once >"$work/demo.log" 2>&1
demo_rc=$?
if [ "$demo_rc" -eq 1 ] && grep -q "not part of the installed kiosk" "$work/demo.log"; then
    ok "township-kiosk demo in the installed app: refused with what to do instead"
else
    bad "township-kiosk demo in the installed app (exit $demo_rc)"
    tail -5 "$work/demo.log" | sed 's/^/    /'
fi

# A PDF e-invoice: its pages are rendered by the app's own binary run as a child
# (`-m kiosk.scanner.pdfworker`, see packaging/kiosk_entry.py), its text layer read.
PYTHONPATH="$here/tests" "$venv/bin/python" -c 'import sys
from pathlib import Path
from support.render import einvoice, save_pdf
image, receipt = einvoice(16)
save_pdf(image, receipt, Path(sys.argv[1]))' "$work/einvoice.pdf"
chmod 0644 "$work/einvoice.pdf"
if k recognize --json "$work/einvoice.pdf" 2>"$work/pdf.log" | grep -q '"doc_type": "outpatient_invoice"'; then
    ok "township-kiosk recognize reads a PDF e-invoice (the PDF renderer's child process)"
else
    bad "township-kiosk recognize on a PDF e-invoice"
    tail -5 "$work/pdf.log" | sed 's/^/    /'
fi

# 5. systemd-analyze verify ------------------------------------------------------------------
units=(/lib/systemd/system/township-kiosk*.service /lib/systemd/system/township-kiosk*.timer)
if systemd-analyze verify "${units[@]}" >"$work/verify.log" 2>&1; then
    ok "systemd-analyze verify: ${#units[@]} units"
else
    bad "systemd-analyze verify"
    sed 's/^/    /' "$work/verify.log"
fi

# 6. one frame under cage ----------------------------------------------------------------------
runtime="$work/runtime"
install -d -o kiosk -g kiosk -m 0700 "$runtime"
if timeout 180 runuser -u kiosk -- env -i PATH=/usr/bin:/bin HOME=/var/lib/township-kiosk \
        KIOSK_HOME=/var/lib/township-kiosk XDG_RUNTIME_DIR="$runtime" \
        WLR_BACKENDS=headless WLR_RENDERER=pixman WLR_LIBINPUT_NO_DEVICES=1 \
        QT_QPA_PLATFORM=wayland \
        cage -d -- /opt/township-kiosk/township-kiosk --one-frame >"$work/cage.log" 2>&1 \
        && shown="$(grep -o 'first screen shown [0-9.]* s' "$work/cage.log" | head -1)"; then
    secs="$(echo "$shown" | grep -o '[0-9.]*')"
    # The figure is reported, not gated: on a shared CI machine it measures the load as much
    # as the app (docs/benchmarks.md has the figure from bench/first_screen.py).
    over=""
    awk -v s="$secs" -v m="$max_start_s" 'BEGIN { exit !(s > m) }' \
        && over=", over the $max_start_s s bar at load $(cut -d' ' -f1 /proc/loadavg)"
    ok "cage (headless): $shown after start$over"
else
    bad "cage (headless): the app did not show its first screen"
    tail -30 "$work/cage.log" | sed 's/^/    /'
fi

# The first start: on a home as a first install leaves it (a random PIN, nothing else) the
# installed app's first screen is the first-start wizard behind the PIN, not the start screen
# (the upgraded home above holds a claim, so it opens on the start screen).
fresh="$work/fresh-home"
install -d -o kiosk -g kiosk -m 0750 "$fresh"
if printf '%s\n' 305917 | runuser -u kiosk -- env KIOSK_HOME="$fresh" \
        /opt/township-kiosk/township-kiosk pin set --stdin >/dev/null 2>&1 \
        && timeout 180 runuser -u kiosk -- env -i PATH=/usr/bin:/bin HOME="$fresh" \
        KIOSK_HOME="$fresh" QT_QPA_PLATFORM=offscreen \
        /opt/township-kiosk/township-kiosk --one-frame >"$work/firststart.log" 2>&1 \
        && grep -q 'first screen shown [0-9.]* s after start: settings (first start)' \
        "$work/firststart.log"; then
    ok "first start: a freshly installed home opens on the first-start wizard behind the PIN"
else
    bad "first start: the installed app did not open on the first-start wizard"
    tail -10 "$work/firststart.log" | sed 's/^/    /'
fi

# 7. libraries ---------------------------------------------------------------------------------
# Each library is looked at with its own folder on the path (bundled libraries find their
# siblings that way when loaded). Optional plugins whose libraries a kiosk does not need:
# GTK's theme, speech-dispatcher.
find /opt/township-kiosk -name '*.so*' -type f | while read -r lib; do
    LD_LIBRARY_PATH="$(dirname "$lib")" ldd "$lib" 2>/dev/null | grep 'not found' \
        | sed "s|^|$lib: |"
done | grep -v -E 'libgtk-3|libgdk-3|libspeechd' | sort -u >"$work/missing.log"
if [ -s "$work/missing.log" ]; then
    bad "libraries missing on the system:"
    sed 's/^/    /' "$work/missing.log"
else
    ok "every library the bundle links is present"
fi

# 8. the downgrade over a newer schema ------------------------------------------------------------
# A newer version is stood in for by hand, with the store's own code: the pre-migration backup
# it would take (kiosk.store.backup), and the schema moved on to a
# revision this build does not know. Then the previous .deb goes in again: its postinst says
# what restoring would do; `backup restore` changes nothing without "yes", and with it puts
# the backup (and the claim queued on the previous build) back, the newer database set aside.
db=/var/lib/township-kiosk/claims.sqlite3
rev() { PYTHONPATH="$here" "$venv/bin/python" -c 'import sys; from kiosk.store.backup import read_revision; print(read_revision(__import__("pathlib").Path(sys.argv[1])))' "$db"; }
systemctl stop township-kiosk.service >/dev/null 2>&1 || true
PYTHONPATH="$here" "$venv/bin/python" -c 'import sys; from pathlib import Path
from kiosk.store.backup import backup_before_migration
backup_before_migration(Path(sys.argv[1]), "0001", "9999")' "$db"
chown -R kiosk:kiosk /var/lib/township-kiosk  # what root wrote here stays the kiosk's
"$venv/bin/python" -c 'import sqlite3, sys
c = sqlite3.connect(sys.argv[1]); c.execute("UPDATE alembic_version SET version_num = ?", ("9999",))
c.commit(); c.close()' "$db"
chown -R kiosk:kiosk /var/lib/township-kiosk
if [ "$(rev)" = 9999 ] && apt_install "$previous" \
        && grep -q "township-kiosk backup restore" "$work/apt.log" \
        && grep -q "would be put back in its place" "$work/apt.log" \
        && ! k claims list >/dev/null 2>&1; then
    ok "downgrade to $(dpkg-deb -f "$previous" Version) over a newer schema: postinst says what restoring does; the app does not open the newer database"
else
    bad "downgrade over a newer schema: postinst or the app (revision $(rev))"
    tail -10 "$work/apt.log" | sed 's/^/    /'
fi
echo no | k backup restore >"$work/restore-no.log" 2>&1
no_rc=$?
if [ "$no_rc" -eq 1 ] && grep -q "nothing was changed" "$work/restore-no.log" && [ "$(rev)" = 9999 ]; then
    ok "backup restore without the technician's yes: refused, nothing changed"
else
    bad "backup restore without yes (exit $no_rc, revision $(rev))"
    sed 's/^/    /' "$work/restore-no.log"
fi
echo yes | k backup restore >"$work/restore-yes.log" 2>&1
yes_rc=$?
restored="$(k claims list --status queued --json 2>/dev/null)"
if [ "$yes_rc" -eq 0 ] && [ "$(rev)" = 0001 ] && same_claims "$before" "$restored" \
        && ls /var/lib/township-kiosk/backups/claims.sqlite3.newer-9999.*.bak >/dev/null 2>&1; then
    ok "backup restore with yes: the pre-migration backup is back with the queued claim; the newer database is set aside"
else
    bad "backup restore with yes (exit $yes_rc, revision $(rev)): queued [$restored]"
    sed 's/^/    /' "$work/restore-yes.log"
fi

if [ "$failed" -eq 0 ]; then
    mkdir -p "$cache"
    rm -f "$cache"/township-kiosk_*_amd64.deb
    cp "$deb" "$cache/"  # the next run upgrades from this one
fi
echo "test-deb: $passed checks passed, $failed failed"
[ "$failed" -eq 0 ]
