"""Run the command-line tool with ``python -m gan_oversampler``."""

from __future__ import annotations

import sys

from gan_oversampler.cli import main

if __name__ == "__main__":
    sys.exit(main())
