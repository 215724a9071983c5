"""The frozen app's entry point: `township-kiosk ...` is `kiosk ...`.

The kiosk runs one helper as a child process with `sys.executable -m MODULE` (the PDF
renderer behind its memory and CPU limits). In the PyInstaller build `sys.executable` is this
program, so `-m` is honoured here for the modules that are meant to be run that way, and for
no others.
"""

from __future__ import annotations

import runpy
import sys

CHILD_MODULES = frozenset({"kiosk.scanner.pdfworker"})


def main() -> int:
    if len(sys.argv) >= 3 and sys.argv[1] == "-m":
        module = sys.argv[2]
        if module not in CHILD_MODULES:
            print(f"township-kiosk: -m {module}: not a module this build runs", file=sys.stderr)
            return 2
        sys.argv = [module, *sys.argv[3:]]
        runpy.run_module(module, run_name="__main__", alter_sys=True)
        return 0
    from kiosk.cli import main as kiosk_main

    return kiosk_main()


if __name__ == "__main__":
    sys.exit(main())
