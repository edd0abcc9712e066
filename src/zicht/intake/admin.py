from django.contrib import admin

from zicht.audit.admin_audit import AuditedAdminMixin
from zicht.intake.models import IndicatorCatalogue


@admin.register(IndicatorCatalogue)
class IndicatorCatalogueAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Catalogue versions are published as data files; the admin only shows them."""

    list_display = ("version", "published", "is_current")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
