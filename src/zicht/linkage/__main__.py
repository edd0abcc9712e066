"""``python -m zicht.linkage``: see zicht.linkage.cli."""

import sys

from zicht.linkage.cli import main

sys.exit(main())
