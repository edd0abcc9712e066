from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "zicht.api"
    label = "api"
    verbose_name = _("Partner API")

    def ready(self):
        from zicht.api import schema  # noqa: F401 - registers the OpenAPI extension
