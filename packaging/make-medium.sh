#!/usr/bin/env bash
# Makes the technician's offline medium: a folder (copy it onto a USB stick) holding the
# kiosk's .deb, every Debian 12 package it needs, as a local apt repository, and install.sh.
# The `Priority: required` packages a minimal Debian 12 already has are on the medium too:
# a kiosk installed from an older 12.x point release has older ones (perl needs its own
# perl-base version exactly, new libraries a newer libc6), and apt upgrades only those it must.
#
#   bash packaging/make-medium.sh township-kiosk_<version>_amd64.deb OUTDIR
#
# Run it on a Debian 12 (amd64) machine with network and dpkg-dev installed; it downloads
# the packages with `apt-get download` and indexes them with `dpkg-scanpackages`. On the
# kiosk, `sudo sh /media/…/install.sh` installs from the stick alone, with no network.
set -euo pipefail

[ $# -eq 2 ] || { echo "usage: $0 PACKAGE.deb OUTDIR" >&2; exit 2; }
deb="$(realpath "$1")"
out="$2"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
command -v dpkg-scanpackages >/dev/null || {
    echo "make-medium: dpkg-scanpackages is missing: apt-get install dpkg-dev" >&2; exit 1; }
. /etc/os-release
[ "${VERSION_CODENAME:-}" = bookworm ] || echo "make-medium: warning: this is $PRETTY_NAME," \
    "not Debian 12: the packages fetched are for this system" >&2

mkdir -p "$out/pool"
out="$(realpath "$out")"
cp "$deb" "$out/pool/"

# The kiosk's direct dependencies, then everything they depend on (no recommends), the
# required ones included (see above). Alternatives ("a | b") bring all their members:
# apt on the kiosk chooses.
direct="$(dpkg-deb -f "$deb" Depends | tr ',|' '\n\n' | sed -E 's/\(.*\)//; s/[[:space:]]//g' | sed '/^$/d')"
# shellcheck disable=SC2086
closure="$(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts \
    --no-breaks --no-replaces --no-enhances $direct | grep -v '^ ' | grep -v '^<' | sort -u)"
# one apt-cache call for all of them (one per package takes minutes)
# shellcheck disable=SC2086
# (virtual packages have no record of their own and drop out here)
mapfile -t needed < <(apt-cache show --no-all-versions $closure 2>/dev/null \
    | awk '/^Package: / { print $2 }' | sort -u)
echo "make-medium: downloading ${#needed[@]} Debian packages"
(cd "$out/pool" && apt-get download -q "${needed[@]}" >/dev/null)
(cd "$out" && dpkg-scanpackages --multiversion pool /dev/null 2>/dev/null | gzip -9 >Packages.gz)
install -m 0755 "$here/medium-install.sh" "$out/install.sh"
cp "$here/README.md" "$out/README.md"
echo "make-medium: $(ls "$out/pool" | wc -l) packages, $(du -sm "$out" | cut -f1) MB in $out"
