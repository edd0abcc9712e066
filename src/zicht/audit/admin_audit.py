"""Changes through the Django admin are audit events like any other.

``AuditedAdminMixin`` goes in front of every ``ModelAdmin`` of the project (and
``AuditConfig.ready`` puts it in front of the libraries' admins, such as two-factor
devices, groups and lockouts). Each add, change and delete records an event in the same
transaction as the change: the action, the object's type and id, and the names of the
fields that changed, never their values, so identity fields (names, e-mail addresses)
never reach the log. A change made in an inline (a membership on the user page) is an
event of its own, for the inline object, so it reads the same as a change made on that
object's own page and reaches its organisation's administrators at ``/audit/``.
"""

from __future__ import annotations

from django.contrib import admin

from zicht.audit import services
from zicht.audit.catalogue import AuditAction

__all__ = ["AuditedAdminMixin", "audit_every_admin"]

ADDED = AuditAction.ADMIN_OBJECT_ADDED
CHANGED = AuditAction.ADMIN_OBJECT_CHANGED
DELETED = AuditAction.ADMIN_OBJECT_DELETED

# The password forms name their fields password1/password2/usable_password; in the log
# they are one field, the password.
_FIELD_NAMES = {"password1": "password", "password2": "password", "usable_password": "password"}


class _ChangeMessage(list):
    """Django's change message (stored in its LogEntry as before), carrying the field
    names of the form and the inline changes for the audit event."""

    fields: list[str]
    related: list[tuple[str, object, object]]  # (action, object, fields or deleted id)


def _field_names(names) -> list[str]:
    return sorted({_FIELD_NAMES.get(name, name) for name in names})


def _organisation_id(obj):
    if obj._meta.model_name == "organisation":
        return obj.pk
    return getattr(obj, "organisation_id", None)


def _record(request, action: AuditAction, obj, *, fields=(), parent=None, object_id=None):
    details = {"fields": list(fields)}
    if parent is not None:
        details["parent_type"] = parent._meta.label_lower
        details["parent_id"] = str(parent.pk)
    services.record(
        action=action,
        actor=request.user,
        organisation=_organisation_id(obj),
        object_type=obj._meta.label_lower,
        object_id=obj.pk if object_id is None else object_id,
        details=details,
    )


class AuditedAdminMixin:
    """Record every add, change and delete made through this admin as an audit event."""

    def construct_change_message(self, request, form, formsets, add=False):
        message = _ChangeMessage(super().construct_change_message(request, form, formsets, add))
        message.fields = _field_names(form.changed_data) if form is not None else []
        message.related = []
        for formset in formsets or ():
            for obj in formset.new_objects:
                message.related.append((ADDED, obj, []))
            for obj, changed in formset.changed_objects:
                message.related.append((CHANGED, obj, _field_names(changed)))
            deleted_ids = getattr(formset, "audit_deleted_ids", {})
            for obj in formset.deleted_objects:
                message.related.append((DELETED, obj, deleted_ids.get(id(obj))))
        return message

    def save_formset(self, request, form, formset, change):
        # Deleting an object clears its primary key: note the ids first.
        formset.audit_deleted_ids = {
            id(f.instance): f.instance.pk for f in formset.deleted_forms if f.instance.pk
        }
        return super().save_formset(request, form, formset, change)

    def log_addition(self, request, obj, message):
        self._record_change(request, ADDED, obj, message)
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        self._record_change(request, CHANGED, obj, message)
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            _record(request, DELETED, obj)
        return super().log_deletions(request, queryset)

    def _record_change(self, request, action, obj, message):
        _record(request, action, obj, fields=getattr(message, "fields", []))
        for related_action, related, extra in getattr(message, "related", []):
            if related_action == DELETED:
                _record(request, DELETED, related, parent=obj, object_id=extra)
            else:
                _record(request, related_action, related, fields=extra, parent=obj)


def audit_every_admin(site: admin.AdminSite) -> None:
    """Put the mixin in front of every registered admin that lacks it (the libraries'
    admins), so no change through ``/admin/`` goes unrecorded."""
    for model_admin in site._registry.values():
        cls = type(model_admin)
        if not isinstance(model_admin, AuditedAdminMixin):
            model_admin.__class__ = type(cls.__name__, (AuditedAdminMixin, cls), {})
