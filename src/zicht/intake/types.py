"""The intake app's models as types, for other apps' annotations.

Other apps read signals through intake's selectors, never its models (import-linter); a
service elsewhere still receives a ``Signal`` and says so. Import this under
``TYPE_CHECKING`` only: it is for type hints, not for queries.
"""

from zicht.intake.models import Signal, SignalIdentity

__all__ = ["Signal", "SignalIdentity"]
