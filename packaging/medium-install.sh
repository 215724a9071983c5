#!/bin/sh
# Installs the township kiosk from this medium alone (no network): the folder holding this
# script is a local apt repository with the kiosk's package and everything it needs.
#
#   sudo sh /media/USB/install.sh
#
# At the end the technician PIN is printed once: write it down. Then restart the machine:
# it boots into the kiosk.
set -eu
here="$(cd "$(dirname "$0")" && pwd)"
[ "$(id -u)" -eq 0 ] || { echo "install.sh: run it as root (sudo sh $0)" >&2; exit 1; }
[ -f "$here/Packages.gz" ] || { echo "install.sh: $here/Packages.gz is missing" >&2; exit 1; }
list="$(mktemp /tmp/kiosk-medium.XXXXXX.list)"
lists="$(mktemp -d /tmp/kiosk-medium-lists.XXXXXX)"
trap 'rm -rf "$list" "$lists"' EXIT
mkdir -p "$lists/partial"
echo "deb [trusted=yes] file:$here ./" >"$list"
# only this medium: the kiosk has no network, the system's own sources are not asked
opts="-o Dir::Etc::SourceList=$list -o Dir::Etc::SourceParts=/nonexistent -o Dir::State::Lists=$lists -o APT::Get::List-Cleanup=0"
# shellcheck disable=SC2086
apt-get $opts update -q
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive apt-get $opts install -y --no-install-recommends --allow-downgrades township-kiosk
echo "install.sh: done. Restart the machine (reboot) to start the kiosk."
