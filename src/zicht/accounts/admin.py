from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from zicht.accounts.models import Invitation, Membership, Municipality, Organisation, User
from zicht.audit.admin_audit import AuditedAdminMixin


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    fields = ("organisation", "role", "is_active")


@admin.register(User)
class ZichtUserAdmin(AuditedAdminMixin, UserAdmin):
    inlines = [MembershipInline]


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "type", "municipality", "is_active")
    list_filter = ("type", "is_active")
    search_fields = ("name",)
    autocomplete_fields = ("municipality",)


@admin.register(Municipality)
class MunicipalityAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "safety_region", "is_active")
    search_fields = ("code", "name")
    list_filter = ("is_active", "safety_region")


@admin.register(Membership)
class MembershipAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("user", "organisation", "role", "is_active")
    list_filter = ("role", "is_active")
    search_fields = ("user__username", "organisation__name")


@admin.register(Invitation)
class InvitationAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Read-only: only the invited account accepts or declines (accounts.services)."""

    list_display = ("user", "organisation", "role", "status", "created_at", "decided_at")
    list_filter = ("status", "role")
    search_fields = ("user__username", "organisation__name")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
