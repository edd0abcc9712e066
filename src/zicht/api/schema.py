"""drf-spectacular: describe the ``Api-Key`` authentication in the OpenAPI document."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class OrganisationAPIKeyScheme(OpenApiAuthenticationExtension):
    target_class = "zicht.api.authentication.OrganisationAPIKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "The word Api-Key, a space and the key: `Authorization: Api-Key <key>`. "
                "Organisation administrators create and revoke keys at /api/keys/."
            ),
        }
