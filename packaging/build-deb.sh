#!/usr/bin/env bash
# Builds township-kiosk_<version>_amd64.deb from a PyInstaller one-folder build of the app.
#
#   bash packaging/build-deb.sh [--out DIR] [--reuse] [--version V]
#
# --out DIR     where the .deb goes (default dist/); its path is printed on the last line
# --reuse       package the existing PyInstaller folder (build/pyinstaller/dist) instead of
#               building it again (it takes minutes on two cores)
# --version V   the package version (default: pyproject's version + the commit's time and
#               hash, so every commit's build sorts after the one before it)
#
# Needs the project's virtual environment with the dev extra (PyInstaller): $VENV, default
# .venv. The package depends only on Debian packages; inside are the app, its Python
# packages, the OCR models, the Qt plugins and translations, the voice recordings, the
# built-in catalog and sample receipt. The optional paddle backend stays out.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
venv="${VENV:-$here/.venv}"
out="$here/dist"
reuse=0
version=""
while (($#)); do
    case "$1" in
        --out) out="$2"; shift 2 ;;
        --reuse) reuse=1; shift ;;
        --version) version="$2"; shift 2 ;;
        *) echo "usage: $0 [--out DIR] [--reuse] [--version V]" >&2; exit 2 ;;
    esac
done

if [ -z "$version" ]; then
    base="$("$venv/bin/python" -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')"
    if stamp="$(git log -1 --format='%cd.%h' --date=format-local:%Y%m%d%H%M%S 2>/dev/null)"; then
        version="$base+git$stamp"
        [ -z "$(git status --porcelain --untracked-files=no 2>/dev/null)" ] || version="$version.dirty"
    else
        version="$base"
    fi
fi
case "$version" in
    [0-9]*) ;;
    *) echo "build-deb: version $version must start with a digit" >&2; exit 2 ;;
esac

work="$here/build/pyinstaller"
mkdir -p "$work"
app="$work/dist/township-kiosk"
t0=$(date +%s)
if [ "$reuse" -eq 0 ] || [ ! -x "$app/township-kiosk" ]; then
    [ -x "$venv/bin/pyinstaller" ] || {
        echo "build-deb: no PyInstaller in $venv (install the dev extra: pip install -e '.[dev]')" >&2
        exit 1
    }
    VENV="$venv" sh packaging/build-translations.sh >/dev/null
    echo "build-deb: building the app with PyInstaller (several minutes)"
    PYTHONPATH="$here${PYTHONPATH:+:$PYTHONPATH}" "$venv/bin/pyinstaller" --noconfirm \
        --log-level WARN --distpath "$work/dist" --workpath "$work/work" \
        packaging/township-kiosk.spec >"$work/build.log" 2>&1 || {
        tail -40 "$work/build.log" >&2
        echo "build-deb: PyInstaller failed (whole log: $work/build.log)" >&2
        exit 1
    }
fi
t1=$(date +%s)

root="$here/build/deb-root"
rm -rf "$root"
mkdir -p "$root/DEBIAN" "$root/opt" "$root/usr/bin" "$root/usr/lib/township-kiosk" \
    "$root/lib/systemd/system" "$root/lib/udev/rules.d" "$root/etc/pam.d" \
    "$root/usr/share/doc/township-kiosk"
cp -a "$app" "$root/opt/township-kiosk"
deb="packaging/deb"
install -m 0755 "$deb/township-kiosk" "$root/usr/bin/township-kiosk"
install -m 0755 "$deb/session" "$deb/backlight" "$root/usr/lib/township-kiosk/"
install -m 0644 "$deb"/systemd/*.service "$deb"/systemd/*.timer "$root/lib/systemd/system/"
install -m 0644 "$deb"/udev/*.rules "$root/lib/udev/rules.d/"
install -m 0644 "$deb/pam.d/township-kiosk" "$root/etc/pam.d/township-kiosk"
install -m 0644 packaging/README.md "$root/usr/share/doc/township-kiosk/README.md"
install -m 0644 "$deb/copyright" "$root/usr/share/doc/township-kiosk/copyright"
for script in postinst prerm postrm; do
    sed "s/@VERSION@/$version/g" "$deb/debian/$script" >"$root/DEBIAN/$script"
    chmod 0755 "$root/DEBIAN/$script"
done
echo "/etc/pam.d/township-kiosk" >"$root/DEBIAN/conffiles"
size_kb="$(du -sk --exclude=DEBIAN "$root" | cut -f1)"
sed -e "s/@VERSION@/$version/" -e "s/@SIZE@/$size_kb/" "$deb/debian/control" \
    >"$root/DEBIAN/control"

mkdir -p "$out"
file="$out/township-kiosk_${version}_amd64.deb"
# zstd: xz takes minutes on two shared cores for a few tens of MB less; Debian 12's dpkg reads zstd.
dpkg-deb --root-owner-group -Zzstd -z9 --threads-max="$(nproc)" --build "$root" "$file" >/dev/null
rm -rf "$root"
t2=$(date +%s)
echo "build-deb: app $((t1 - t0)) s, package $((t2 - t1)) s, $(du -m "$file" | cut -f1) MB"
echo "$file"
