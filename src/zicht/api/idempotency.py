"""``Idempotency-Key`` on POST: a retry returns the first response instead of acting twice.

The first successful (2xx) response is stored with a keyed hash of the request for
``ZICHT_API_IDEMPOTENCY_HOURS`` (24), in the same transaction as the change, so a
stored response exists exactly when the change does. A retry with the same key and the
same request gets the stored response (header ``Idempotent-Replayed: true``); the same
key with another request gets a 422 problem. Errors are not stored: a retry after an
error runs again. Keys are per API key, so organisations cannot collide.
"""

from __future__ import annotations

import functools
import json
import re

from django.db import IntegrityError
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from zicht.api import selectors, services
from zicht.api.exceptions import IdempotencyKeyReused
from zicht.audit import services as audit
from zicht.audit.catalogue import AuditAction

HEADER = "Idempotency-Key"
KEY_RE = re.compile(r"^[\x21-\x7e]{1,255}$")


def _replay(view, request, stored, fingerprint: str) -> Response:
    if stored.request_hash != fingerprint:
        raise IdempotencyKeyReused()
    body = json.loads(stored.body)
    object_id = body.get("id", "") if isinstance(body, dict) else ""
    audit.record(
        action=AuditAction.API_REQUEST_REPLAYED,
        actor=request.user,
        organisation=request.auth.organisation_id,
        object_type=view.basename,
        object_id=object_id,
        details={"via": "api", "api_key": request.auth.prefix, "action": view.action},
    )
    headers = {"Idempotent-Replayed": "true"}
    if stored.location:
        headers["Location"] = stored.location
    return Response(body, status=stored.status_code, headers=headers)


def idempotent(handler):
    """Decorate a POST handler of a viewset; the handler runs in one transaction."""

    @functools.wraps(handler)
    def wrapper(self, request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            # The change and its audit events in one transaction; the events are appended
            # to the chain at its end, so the chain's head is locked only for the commit.
            with audit.deferred():
                return handler(self, request, *args, **kwargs)
        if not KEY_RE.match(key):
            raise ValidationError(
                {HEADER: [_("Use 1 to 255 visible ASCII characters, for example a UUID.")]}
            )
        fingerprint = services.request_fingerprint(
            method=request.method, path=request.path, data=request.data
        )
        stored = selectors.idempotency_lookup(api_key=request.auth, key=key, include_expired=True)
        if stored is not None and not selectors.idempotency_expired(stored):
            return _replay(self, request, stored, fingerprint)
        try:
            # The audit events are appended last, after the stored response: a concurrent
            # request with the same key then never holds the chain's head while it waits
            # for this one's key (which would deadlock).
            with audit.deferred():
                response = handler(self, request, *args, **kwargs)
                if 200 <= response.status_code < 300:
                    services.idempotency_store(
                        api_key=request.auth,
                        key=key,
                        fingerprint=fingerprint,
                        status_code=response.status_code,
                        body=response.data,
                        location=response.headers.get("Location", ""),
                        replaces=stored,
                    )
        except IntegrityError:
            # A concurrent request with the same key committed first: answer as a retry.
            stored = selectors.idempotency_lookup(api_key=request.auth, key=key)
            if stored is None:
                raise
            return _replay(self, request, stored, fingerprint)
        return response

    return wrapper
