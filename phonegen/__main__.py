"""``python -m phonegen``: the command line (see :mod:`phonegen.cli`)."""

import sys

from phonegen.cli import main

if __name__ == "__main__":
    sys.exit(main())
