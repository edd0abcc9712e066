from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "zicht.audit"
    label = "audit"
    verbose_name = _("Audit log")

    def ready(self):
        # django.contrib.admin comes first in INSTALLED_APPS, so its ready() has already
        # registered every ModelAdmin (tests/audit/test_admin_audit.py checks this).
        from django.contrib import admin

        from zicht.audit.admin_audit import audit_every_admin

        audit_every_admin(admin.site)
