#!/bin/sh
# Build the .qm files the app loads from the committed .ts sources (the .qm are not committed).
#   packaging/build-translations.sh            compile resources/translations/*.ts
#   packaging/build-translations.sh --update   first re-extract strings from kiosk/ui (lupdate)
set -eu
cd "$(dirname "$0")/.."
BIN="${VENV:-.venv}/bin"
if [ "${1:-}" = "--update" ]; then
    "$BIN/pyside6-lupdate" $(find kiosk/ui -name '*.py' | sort) -source-language zh_CN \
        -target-language en -no-obsolete -ts resources/translations/kiosk_en.ts
    "$BIN/python" tools/fill_en_ts.py || echo "some strings are untranslated (listed above)"
fi
for ts in resources/translations/*.ts; do
    "$BIN/pyside6-lrelease" -silent "$ts" -qm "${ts%.ts}.qm"
done
echo "translations built in resources/translations/"
