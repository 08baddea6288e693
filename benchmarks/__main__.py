"""``python -m benchmarks``: the same as ``qbo-sim bench``."""

import sys

from benchmarks.cli import main

sys.exit(main())
