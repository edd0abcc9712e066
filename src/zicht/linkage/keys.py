"""Moved to ``zicht.pprl.keys``: this name is the same module object, so imports
written before the move (partners' scripts written against the documented API) keep working."""

import sys

from zicht.pprl import keys

sys.modules[__name__] = keys
