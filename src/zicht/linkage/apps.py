from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LinkageConfig(AppConfig):
    name = "zicht.linkage"
    label = "linkage"
    verbose_name = _("Person index")

    def ready(self):
        # Intake indexes signals and shows their matches through this registration, as
        # it may not import linkage (zicht.intake.person_index).
        from zicht.intake import person_index
        from zicht.linkage.intake_index import LinkageIndex

        person_index.register(LinkageIndex())
