from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "zicht.intake"
    label = "intake"
    verbose_name = _("Signals")

    def ready(self):
        from zicht.audit.catalogue import register_references
        from zicht.intake.selectors import signal_references

        register_references("signal", signal_references)
