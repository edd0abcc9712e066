"""The accounts app's models as types, for other apps' annotations.

Other apps read accounts through its selectors and write through its services, never its
models (import-linter); a service elsewhere still receives a ``Membership`` and says so.
Import these under ``TYPE_CHECKING`` only: they are for type hints, not for queries.
"""

from zicht.accounts.models import Membership, Municipality, Organisation, User

__all__ = ["Membership", "Municipality", "Organisation", "User"]
