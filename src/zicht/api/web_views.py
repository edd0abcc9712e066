"""Key management for organisation administrators (server-rendered pages). Thin views."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from zicht.api import selectors, services
from zicht.api.forms import APIKeyForm
from zicht.api.permissions import can_manage_keys
from zicht.api.scopes import SCOPES
from zicht.audit import services as audit
from zicht.audit.catalogue import AuditAction


def _admin(request):
    membership = getattr(request, "membership", None)
    if not can_manage_keys(membership):
        audit.record(
            action=AuditAction.API_KEY_ADMIN_DENIED,
            actor=request.user,
            organisation=getattr(membership, "organisation_id", None),
        )
        raise PermissionDenied
    return membership


@login_required
def key_list(request):
    admin = _admin(request)
    keys = selectors.api_key_list(membership=admin)
    return render(request, "api/key_list.html", {"keys": keys, "scope_labels": SCOPES})


@login_required
@never_cache
def key_create(request):
    admin = _admin(request)
    form = APIKeyForm(
        request.POST or None, contacts=selectors.api_key_contact_choices(membership=admin)
    )
    if request.method == "POST" and form.is_valid():
        try:
            key, raw = services.api_key_create(
                by=admin,
                name=form.cleaned_data["name"],
                contact=form.cleaned_data["contact"],
                scopes=form.cleaned_data["scopes"],
                expiry_date=form.expiry_datetime(),
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            # Rendered, not redirected: the raw key is shown once and stored nowhere.
            return render(request, "api/key_created.html", {"key": key, "raw_key": raw})
    return render(request, "api/key_form.html", {"form": form})


@login_required
@require_POST
def key_revoke(request, prefix):
    admin = _admin(request)
    try:
        key = selectors.api_key_get(membership=admin, prefix=prefix)
    except Http404:
        audit.record(
            action=AuditAction.API_KEY_NOT_FOUND,
            actor=request.user,
            organisation=admin.organisation,
            object_type="api_key",
            object_id=prefix[:64],
        )
        raise
    services.api_key_revoke(by=admin, api_key=key)
    messages.success(request, _("The key %(name)s has been revoked.") % {"name": key.name})
    return redirect("api:key_list")
