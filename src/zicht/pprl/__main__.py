"""``python -m zicht.pprl``: see zicht.pprl.cli."""

import sys

from zicht.pprl.cli import main

sys.exit(main())
