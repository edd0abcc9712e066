"""Staff edit help pages, service contacts and reply templates here, without a deploy.

Conversations are deliberately not in the admin: counsellors use the inbox, where
every read is audit-logged, and message text is never shown in lists.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from zicht.audit.admin_audit import AuditedAdminMixin
from zicht.help.markup import render
from zicht.help.models import HelpPage, ReplyTemplate, ServiceContact


@admin.register(HelpPage)
class HelpPageAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("title", "slug", "language", "audience", "order", "is_published", "updated_at")
    list_filter = ("language", "audience", "is_published")
    search_fields = ("title", "slug", "body")
    readonly_fields = ("preview", "updated_at")
    fields = (
        ("slug", "language"),
        ("audience", "order", "is_published"),
        "title",
        "summary",
        "body",
        "preview",
        "updated_at",
    )

    @admin.display(description=_("preview of the saved text"))
    def preview(self, obj):
        return render(obj.body) if obj and obj.pk else "—"


@admin.register(ServiceContact)
class ServiceContactAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "phone", "is_emergency", "order", "is_active")
    list_filter = ("is_active", "is_emergency")
    search_fields = ("name",)


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("title", "language", "order", "is_active")
    list_filter = ("language", "is_active")
