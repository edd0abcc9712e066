"""DRF and drf-spectacular settings, imported by zicht.conf.settings.

The partner API's variables (``ZICHT_API_RATE_LIMIT``, ``ZICHT_API_PAGE_SIZE``,
``ZICHT_API_IDEMPOTENCY_HOURS``) are declared, with their defaults and bounds, in
``zicht.conf.registry`` ("Partner API"). ``settings.ZICHT_API_RATE_LIMIT`` is read again on
every request (``zicht.api.throttling``), so a test can change it.
"""

from zicht.conf import registry

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["zicht.api.authentication.OrganisationAPIKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["zicht.api.throttling.APIKeyRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api_key": registry.value("ZICHT_API_RATE_LIMIT")},
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["zicht.api.parsers.DepthLimitedJSONParser"],
    "DEFAULT_METADATA_CLASS": None,  # OPTIONS answers 405 instead of describing the view
    "DEFAULT_PAGINATION_CLASS": "zicht.api.pagination.Pagination",
    "PAGE_SIZE": registry.value("ZICHT_API_PAGE_SIZE"),
    "EXCEPTION_HANDLER": "zicht.api.exceptions.problem_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Zicht partner API",
    "DESCRIPTION": (
        "Record signals of possible criminal exploitation of young people from your "
        "organisation's own system, and see matches with other organisations.\n\n"
        "Authenticate every request with the header `Authorization: Api-Key <key>`; an "
        "organisation administrator creates keys at /api/keys/. Errors are RFC 9457 "
        "problem details (`application/problem+json`). See docs/api.md."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"persistAuthorization": False, "tryItOutEnabled": False},
    "ENUM_NAME_OVERRIDES": {
        "SignalStatusEnum": "zicht.intake.constants.SignalStatus",
        "MatchStatusEnum": "zicht.api.serializers.MATCH_STATUSES",
        "SettingEnum": "zicht.intake.constants.ContactSetting",
        "ExploitationFormEnum": "zicht.intake.constants.ExploitationForm",
        "SexEnum": "zicht.intake.constants.Sex",
    },
}
