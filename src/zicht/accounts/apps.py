from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "zicht.accounts"
    label = "accounts"
    verbose_name = _("Organisations and members")

    def ready(self):
        from zicht.accounts.selectors import invitation_names, member_names, user_names
        from zicht.audit.catalogue import register_references

        register_references("user", user_names)
        register_references("membership", member_names)
        register_references("invitation", invitation_names)
