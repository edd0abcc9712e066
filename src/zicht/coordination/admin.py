"""Read-only admin for system administrators: changes go through the services only."""

from django.contrib import admin

from zicht.audit.admin_audit import AuditedAdminMixin
from zicht.coordination.models import CareReferral, CoordinationFile, Referral


class ReadOnly(AuditedAdminMixin, admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CoordinationFile)
class CoordinationFileAdmin(ReadOnly):
    list_display = ("reference", "status", "screening_deadline", "urgency", "closed_at")
    list_filter = ("status", "urgency")
    search_fields = ("reference",)
    exclude = ("screening_reasons", "closure_note")


@admin.register(Referral)
class ReferralAdmin(ReadOnly):
    list_display = ("id", "kind", "organisation", "urgency", "is_minor", "created_at")
    list_filter = ("kind", "urgency")
    exclude = ("reason",)


@admin.register(CareReferral)
class CareReferralAdmin(ReadOnly):
    list_display = ("id", "file", "provider", "care_type", "status", "requested_at")
    list_filter = ("status", "care_type")
    exclude = ("note", "refusal_reason")
