"""Errors as RFC 9457 problem details (``application/problem+json``).

Every error response of the API has ``type``, ``title``, ``status`` and ``detail``;
every 400 adds ``errors``: a list of ``{"field": "identity.bsn", "message": ...}``
(``field`` is null for errors about the request as a whole, such as unparsable JSON). Messages never repeat the
submitted values, so identity plaintext cannot leak through an error.
"""

from __future__ import annotations

import logging
import traceback
from http import HTTPStatus

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler, set_rollback

from zicht.audit import services as audit

logger = logging.getLogger("zicht.api")

PROBLEM_CONTENT_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:zicht:problem:"

# Problem type per DRF error code (``exc.default_code``); the rest is about:blank.
PROBLEM_TYPES = {
    "invalid": "validation-error",
    "parse_error": "malformed-request",
    "not_authenticated": "not-authenticated",
    "authentication_failed": "not-authenticated",
    "permission_denied": "forbidden",
    "insufficient_scope": "insufficient-scope",
    "not_found": "not-found",
    "method_not_allowed": "method-not-allowed",
    "not_acceptable": "not-acceptable",
    "unsupported_media_type": "unsupported-media-type",
    "payload_too_large": "payload-too-large",
    "throttled": "rate-limited",
    "conflict": "conflict",
    "idempotency_key_reused": "idempotency-key-reused",
    "server_error": "server-error",
}


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("The resource is not in a state that allows this action.")
    default_code = "conflict"


class IdempotencyKeyReused(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = _(
        "This Idempotency-Key was already used with a different request. "
        "Use a new key for a new request."
    )
    default_code = "idempotency_key_reused"


class DatabaseUnavailable(exceptions.APIException):
    """The database is down, restarting or the connection broke: the request's
    transaction was rolled back, so the client may simply send it again (with the same
    Idempotency-Key)."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = _("The database cannot be reached; nothing was saved. Try again.")
    default_code = "database_unavailable"
    wait = 30  # DRF's exception handler sends it as Retry-After


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("The request body is larger than this API accepts (%(limit)s bytes).")
    default_code = "payload_too_large"

    def __init__(self):
        super().__init__(self.default_detail % {"limit": settings.DATA_UPLOAD_MAX_MEMORY_SIZE})


class InsufficientScope(exceptions.PermissionDenied):
    default_code = "insufficient_scope"


class AuditedNotFound(exceptions.NotFound):
    """A 404 whose attempt is audit-logged. The event is recorded by the exception
    handler, after the view's transaction has rolled back, so it is never lost."""

    def __init__(self, **event):
        super().__init__()
        self.audit_event = event


def problem(
    *, status_code: int, detail: str, code: str, errors: list | None = None, title=None
) -> dict:
    slug = PROBLEM_TYPES.get(code)
    body = {
        "type": f"{TYPE_PREFIX}{slug}" if slug else "about:blank",
        "title": str(title or HTTPStatus(status_code).phrase),
        "status": status_code,
        "detail": str(detail),
    }
    if errors is not None:
        body["errors"] = errors
    return body


def flatten_errors(detail, prefix: str = "") -> list[dict]:
    """DRF's nested error detail as a flat list of {field, message}."""
    out: list[dict] = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            if key in ("non_field_errors", "__all__"):
                out += flatten_errors(value, prefix)
            else:
                out += flatten_errors(value, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(detail, list):
        if detail and all(not isinstance(item, dict | list) for item in detail):
            out += [{"field": prefix or None, "message": str(item)} for item in detail]
        else:
            for index, item in enumerate(detail):
                out += flatten_errors(item, f"{prefix}.{index}" if prefix else str(index))
    else:
        out.append({"field": prefix or None, "message": str(detail)})
    return out


def problem_response(body: dict, headers: dict | None = None) -> Response:
    return Response(body, status=body["status"], headers=headers, content_type=PROBLEM_CONTENT_TYPE)


def problem_exception_handler(exc, context):
    """DRF ``EXCEPTION_HANDLER``: every error becomes problem+json."""
    if isinstance(exc, AuditedNotFound):
        audit.record(**exc.audit_event)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, OperationalError | InterfaceError):
        exc = DatabaseUnavailable()
    elif isinstance(exc, RequestDataTooBig):
        # Django raises it when DRF reads a body over DATA_UPLOAD_MAX_MEMORY_SIZE.
        exc = PayloadTooLarge()
    elif isinstance(exc, SuspiciousOperation):
        # More query parameters than DATA_UPLOAD_MAX_NUMBER_FIELDS, a host header not in
        # ALLOWED_HOSTS, ...: Django's message may quote the request, so it is not used.
        exc = exceptions.ParseError(
            _("The request could not be read: too many parameters or an invalid header.")
        )

    response = exception_handler(exc, context)
    if response is None:
        # An unexpected error: log where it happened, not its message (which might
        # quote data), and answer with a generic problem.
        view = context.get("view")
        logger.error(
            "api: unhandled %s in %s\n%s",
            type(exc).__name__,
            type(view).__name__ if view else "?",
            "".join(traceback.format_tb(exc.__traceback__)),
        )
        set_rollback()
        return problem_response(
            problem(
                status_code=500,
                detail=str(_("An unexpected error occurred. It has been logged.")),
                code="server_error",
            )
        )

    if isinstance(exc, exceptions.ValidationError):
        body = problem(
            status_code=response.status_code,
            title=_("Your request has invalid fields."),
            detail=_("See 'errors' for a message per field."),
            code="invalid",
            errors=flatten_errors(exc.detail),
        )
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        if isinstance(detail, dict | list):
            detail = " ".join(e["message"] for e in flatten_errors(detail))
        code = getattr(detail, "code", None) or getattr(exc, "default_code", "")
        # Every 400 has ``errors``, so a client reads one shape; a malformed body is an
        # error of the request as a whole.
        errors = [{"field": None, "message": str(detail)}] if response.status_code == 400 else None
        body = problem(
            status_code=response.status_code, detail=str(detail), code=code, errors=errors
        )
    headers = {
        k: v for k, v in response.headers.items() if k in ("WWW-Authenticate", "Retry-After")
    }
    return problem_response(body, headers)
