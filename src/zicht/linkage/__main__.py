"""``python -m zicht.linkage``: the older name of ``python -m zicht.pprl`` (zicht.pprl.cli)."""

import sys

from zicht.pprl.cli import main

sys.exit(main())
