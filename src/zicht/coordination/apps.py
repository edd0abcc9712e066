from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoordinationConfig(AppConfig):
    name = "zicht.coordination"
    label = "coordination"
    verbose_name = _("Coordination")

    def ready(self):
        from zicht.audit.catalogue import register_references
        from zicht.coordination.selectors import file_references, referral_references

        register_references("coordination_file", file_references)
        register_references("referral", referral_references)
