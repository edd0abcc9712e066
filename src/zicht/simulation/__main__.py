"""``python -m zicht.simulation``: see :mod:`zicht.simulation.cli`."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
