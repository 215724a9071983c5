#!/usr/bin/env bash
# Checks the offline medium on a truly minimal Debian 12: a `debootstrap --variant=minbase`
# chroot (only the `Priority: required` packages and apt), into which the medium's
# install.sh installs the kiosk with networking unavailable (the chroot runs in its own
# network namespace: `unshare --net`, nothing but a loopback that is down).
#
#   sudo bash packaging/test-medium.sh PACKAGE.deb [--medium DIR] [--keep]
#
# PACKAGE.deb   the kiosk package the medium is made from (packaging/build-deb.sh)
# --medium DIR  use this medium (made by make-medium.sh) instead of making one
# --keep        keep the chroot afterwards (in $KIOSK_MINBASE_DIR, default /var/tmp/…)
#
# Needs root, network (for debootstrap and make-medium.sh only) and debootstrap, dpkg-dev.
# The minbase system is downloaded once and kept as a tarball in $KIOSK_DEB_CACHE
# (default /var/cache/township-kiosk-ci) for the next run.
#
# What it shows: install.sh installs the kiosk and everything it needs from the medium
# alone; the kiosk user exists; the PIN was printed once; the units are in place and
# enabled; the installed `township-kiosk` runs (pin status, claims, backup status, a
# self-test of the engine and database); no library the bundle links is missing in the
# chroot. What it cannot show: systemd does not run in a chroot, so the session itself,
# the timers and cage on a screen are not started here (test-deb.sh covers cage headless).
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
deb=""
medium=""
keep=0
while (($#)); do
    case "$1" in
        --medium) medium="$(realpath "$2")"; shift 2 ;;
        --keep) keep=1; shift ;;
        -*) echo "usage: $0 PACKAGE.deb [--medium DIR] [--keep]" >&2; exit 2 ;;
        *) deb="$(realpath "$1")"; shift ;;
    esac
done
[ -n "$deb" ] && [ -f "$deb" ] || { echo "usage: $0 PACKAGE.deb [--medium DIR] [--keep]" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "test-medium: needs root (debootstrap, chroot)" >&2; exit 2; }
for tool in debootstrap unshare; do
    command -v "$tool" >/dev/null || { echo "test-medium: $tool is missing (apt-get install $tool)" >&2; exit 2; }
done
cache="${KIOSK_DEB_CACHE:-/var/cache/township-kiosk-ci}"
root="${KIOSK_MINBASE_DIR:-/var/tmp/township-kiosk-minbase}"
tarball="$cache/debian12-minbase.tgz"
# the Debian mirror this machine's apt uses (not its security archive), or $DEBIAN_MIRROR
host_mirror="$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '$1 == "URIs:" && $2 !~ /security/ { print $2; exit }')"
[ -n "$host_mirror" ] || host_mirror="$(cat /etc/apt/sources.list 2>/dev/null | awk '$1 == "deb" && $3 !~ /security/ { print $2; exit }')"
mirror="${DEBIAN_MIRROR:-$host_mirror}"
[ -n "$mirror" ] || [ -f "$tarball" ] || { echo "test-medium: no Debian mirror found in apt's sources: set DEBIAN_MIRROR" >&2; exit 2; }
passed=0
failed=0
ok() { echo "test-medium: ok   $*"; passed=$((passed + 1)); }
bad() { echo "test-medium: FAIL $*"; failed=$((failed + 1)); }
mounted=()
cleanup() {
    for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount -l "${mounted[$i]}" 2>/dev/null; done
    [ "$keep" -eq 1 ] || rm -rf "$root"
    [ -z "${own_medium:-}" ] || rm -rf "$own_medium"
}
trap cleanup EXIT
t0=$(date +%s)

# 1. a minimal Debian 12 ---------------------------------------------------------------------
rm -rf "$root"
mkdir -p "$root" "$cache"
if [ -f "$tarball" ]; then
    debootstrap --variant=minbase --unpack-tarball="$tarball" bookworm "$root" "$mirror" \
        >"$root.debootstrap.log" 2>&1
else
    debootstrap --variant=minbase --make-tarball="$tarball.part" bookworm "$root.tar" "$mirror" \
        >"$root.debootstrap.log" 2>&1 && mv "$tarball.part" "$tarball" && rm -rf "$root.tar" \
        && debootstrap --variant=minbase --unpack-tarball="$tarball" bookworm "$root" "$mirror" \
            >>"$root.debootstrap.log" 2>&1
fi
if [ ! -x "$root/usr/bin/apt-get" ]; then
    bad "debootstrap --variant=minbase bookworm (log: $root.debootstrap.log)"
    tail -20 "$root.debootstrap.log"
    exit 1
fi
rm -f "$root.debootstrap.log"
n_base="$(chroot "$root" dpkg-query -W -f='${db:Status-Abbrev}\n' | grep -c '^ii')"
t1=$(date +%s)
ok "minimal Debian 12 (debootstrap --variant=minbase): $n_base packages, $((t1 - t0)) s"

# 2. the medium --------------------------------------------------------------------------------
if [ -z "$medium" ]; then
    own_medium="$(mktemp -d /var/tmp/kiosk-medium.XXXXXX)"
    medium="$own_medium"
    bash "$here/packaging/make-medium.sh" "$deb" "$medium" | tail -1
fi
[ -f "$medium/install.sh" ] && [ -f "$medium/Packages.gz" ] || { bad "no medium in $medium"; exit 1; }
mkdir -p "$root/media/usb"
cp -a "$medium/." "$root/media/usb/"
t2=$(date +%s)

# 3. install.sh with no network ----------------------------------------------------------------
for fs in proc sys dev; do
    mount --bind "/$fs" "$root/$fs" && mounted+=("$root/$fs")
done
# no network inside: its own namespace; no resolver either
: >"$root/etc/resolv.conf"
in_root() { unshare --net chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"; }
# (/proc/net/dev lists the interfaces of the asking process's own network namespace: only
# lo may be there, and no route)
if in_root awk -F: 'NR > 2 && $1 !~ /^ *lo$/ { found = 1 } END { exit !found }' /proc/net/dev \
        || [ "$(in_root awk 'END { print NR }' /proc/net/route)" -gt 1 ]; then
    bad "the chroot can reach the network: the check would prove nothing"
    exit 1
fi
if in_root sh /media/usb/install.sh >"$root/install.log" 2>&1; then
    t3=$(date +%s)
    ok "install.sh from the medium alone, no network: $((t3 - t2)) s"
else
    bad "install.sh from the medium with no network"
    tail -30 "$root/install.log" | sed 's/^/    /'
    exit 1
fi
n_after="$(chroot "$root" dpkg-query -W -f='${db:Status-Abbrev}\n' | grep -c '^ii')"
echo "test-medium: $((n_after - n_base)) packages installed from the medium"
if grep -q "technician PIN for the settings screen (⚙) is [0-9]\{6\}" "$root/install.log"; then
    ok "the installer printed the technician PIN once"
else
    bad "no technician PIN printed"
fi
if chroot "$root" getent passwd kiosk >/dev/null \
        && [ "$(chroot "$root" stat -c %U /var/lib/township-kiosk)" = kiosk ]; then
    ok "the kiosk user and /var/lib/township-kiosk"
else
    bad "the kiosk user or its home"
fi
units=0
for unit in township-kiosk.service township-kiosk-selftest.timer; do
    [ -f "$root/lib/systemd/system/$unit" ] || continue
    case "$unit" in
        *.service) link="$root/etc/systemd/system/graphical.target.wants/$unit" ;;
        *) link="$root/etc/systemd/system/timers.target.wants/$unit" ;;
    esac
    [ -L "$link" ] && units=$((units + 1))
done
if [ "$units" -eq 2 ] && [ -f "$root/lib/udev/rules.d/70-township-kiosk-backlight.rules" ]; then
    ok "the session and its self-test timer enabled, the backlight's udev rule installed"
else
    bad "$units of 2 units enabled, or no backlight udev rule"
fi

# 4. the installed app runs ----------------------------------------------------------------------
k() { in_root env QT_QPA_PLATFORM=offscreen township-kiosk "$@"; }
if k pin status >"$root/k.log" 2>&1 && k claims list --status queued >>"$root/k.log" 2>&1 \
        && k backup status >>"$root/k.log" 2>&1; then
    ok "township-kiosk pin status, claims list, backup status"
else
    bad "township-kiosk commands"
    tail -10 "$root/k.log" | sed 's/^/    /'
fi
# The self-test without camera or scanner (a chroot has none): the engine, database, disk,
# clock and queue checks must pass; the camera check is expected to fail.
k --self-test >"$root/selftest.log" 2>&1
if grep -q '^ok *ocr' "$root/selftest.log" && grep -q '^ok *database' "$root/selftest.log"; then
    ok "self-test in the chroot: $(grep -c '^ok' "$root/selftest.log") checks passed (engine and database among them)"
else
    bad "self-test in the chroot"
fi
sed 's/^/    /' "$root/selftest.log"
# Optional plugins a kiosk never loads: Qt's GTK theme (only on a GTK desktop, not under
# cage), speech-dispatcher.
missing="$(chroot "$root" sh -c 'find /opt/township-kiosk -name "*.so*" -type f | while read -r lib; do
    LD_LIBRARY_PATH="$(dirname "$lib")" ldd "$lib" 2>/dev/null | grep "not found" | sed "s|^|$lib: |"
done' | grep -v -E 'platformthemes/libqgtk3\.so|libgtk-3|libgdk-3|libspeechd' | sort -u)"
if [ -z "$missing" ]; then
    ok "every library the bundle links is present in the minimal system"
else
    bad "libraries missing in the minimal system:"
    echo "$missing" | sed 's/^/    /'
fi
echo "test-medium: $passed checks passed, $failed failed, $(($(date +%s) - t0)) s in all" \
    "(not shown here: systemd, the session under cage, the timers)"
[ "$failed" -eq 0 ]
