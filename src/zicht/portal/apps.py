from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "zicht.portal"
    label = "portal"
    verbose_name = _("Zicht portal")
