"""``python -m zicht.estimation``: see :mod:`zicht.estimation.cli`."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
