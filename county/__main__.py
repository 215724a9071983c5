"""`python -m county` is the `county` command."""

import sys

from county.cli import main

sys.exit(main())
