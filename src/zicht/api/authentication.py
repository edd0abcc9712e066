"""``Authorization: Api-Key <key>``: a system of an organisation, acting through the key's
contact person.

After authentication ``request.user`` is the contact person's user and ``request.auth``
the :class:`~zicht.api.models.OrganisationAPIKey`; ``membership_of(request)`` gives the
contact's membership, which every selector and service call receives, so an API call
sees exactly what that professional sees in the web interface.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework_api_key.permissions import KeyParser

from zicht.api import selectors

KEYWORD = KeyParser.keyword  # "Api-Key"


class OrganisationAPIKeyAuthentication(authentication.BaseAuthentication):
    key_parser = KeyParser()

    def authenticate(self, request):
        raw = self.key_parser.get_from_authorization(request)
        if raw is None:
            return None  # not our scheme: IsAuthenticated answers 401
        api_key = selectors.api_key_authenticate(raw_key=raw.strip())
        if api_key is None:
            raise exceptions.AuthenticationFailed(
                _(
                    "This API key is unknown, revoked or expired, or its contact person is no longer active."
                )
            )
        return api_key.contact.user, api_key

    def authenticate_header(self, request):
        return f'{KEYWORD} realm="api"'


def membership_of(request):
    """The membership the API call acts as: the key's contact person."""
    return request.auth.contact
