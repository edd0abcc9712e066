"""Moved to ``zicht.pprl.encoding``: this name is the same module object, so imports
written before the move (partners' scripts written against the documented API) keep working."""

import sys

from zicht.pprl import encoding

sys.modules[__name__] = encoding
