"""Read-only audit log in the Django admin: nobody can add, change or delete."""

from django.contrib import admin

from zicht.audit.admin_audit import AuditedAdminMixin
from zicht.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("seq", "timestamp", "action", "actor_label", "organisation_id", "object_type")
    list_filter = ("action", "object_type")
    search_fields = ("action", "actor_label", "object_id")
    date_hierarchy = "timestamp"

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
