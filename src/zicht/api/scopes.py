"""The words of the API-key scopes, for the key form and the command.

Which scope each API action needs is part of the access policy
(``zicht.access.policy``: ``Scope``, the ``api.*`` actions and ``API_ENDPOINTS``); this
module only says in words what each scope allows.
"""

from django.utils.translation import gettext_lazy as _

from zicht.access.policy import Scope

SIGNALS_READ = Scope.SIGNALS_READ.value
SIGNALS_WRITE = Scope.SIGNALS_WRITE.value
MATCHES_READ = Scope.MATCHES_READ.value
MATCHES_WRITE = Scope.MATCHES_WRITE.value

#: Every scope with what it allows, in the order shown on the key form.
SCOPES = {
    SIGNALS_READ: _("Read the organisation's own signals, including the identity"),
    SIGNALS_WRITE: _("Record and withdraw signals"),
    MATCHES_READ: _("See matches: the other organisation, its contact person and dates"),
    MATCHES_WRITE: _("Confirm or reject possible matches"),
}
