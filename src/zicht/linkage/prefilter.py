"""The first pass of a zicht-pprl-2 lookup, as the app has always imported it.

The code lives in the Django-free library (``zicht.pprl.prefilter``), so that the
library's in-memory index (``zicht.pprl.index2``) uses the same pass as the platform;
this module keeps the app's name for it (``services``, migration 0005, the tests)."""

from zicht.pprl.prefilter import (
    DICE_FLOOR,
    PREFILTER_BYTES,
    can_link,
    matrix,
    pack,
    query,
)

__all__ = ["DICE_FLOOR", "PREFILTER_BYTES", "can_link", "matrix", "pack", "query"]
