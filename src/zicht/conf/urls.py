"""Root URL configuration."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language
from two_factor.admin import AdminSiteOTPRequired
from two_factor.urls import urlpatterns as tf_urls

from zicht.accounts.views import (
    ZichtBackupTokensView,
    ZichtDisableView,
    ZichtLoginView,
    ZichtSetupView,
)
from zicht.help import views as help_views
from zicht.portal import views as portal_views

# The Django admin accepts only users verified with a second factor, and its login
# page redirects to the two-factor login.
admin.site.__class__ = AdminSiteOTPRequired
admin.site.site_header = "Zicht"
admin.site.site_title = "Zicht"

# A body over DATA_UPLOAD_MAX_MEMORY_SIZE: 413 instead of Django's 400.
handler400 = "zicht.portal.views.bad_request"
# A page that does not exist sets no cookie for visitors who are not logged in.
handler404 = "zicht.portal.views.page_not_found"
# The database unreachable: 503 with a page that says nothing was saved (issue 18).
handler500 = "zicht.portal.views.server_error"

urlpatterns = [
    path("healthz", portal_views.healthz, name="healthz"),
    path("readyz", portal_views.readyz, name="readyz"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/", include("zicht.api.urls")),
    # Quick exit from the help pages lands here: a neutral recipe page whose address
    # does not contain "hulp" (ZICHT_HELP_EXIT_URL can point elsewhere).
    path("pannenkoeken/", help_views.neutral, name="neutral"),
]

urlpatterns += i18n_patterns(
    path("account/login/", ZichtLoginView.as_view(), name="login"),
    # Audit-logged versions of django-two-factor-auth's views (same paths, matched first).
    path("account/two_factor/setup/", ZichtSetupView.as_view(), name="two_factor_setup"),
    path(
        "account/two_factor/backup/tokens/",
        ZichtBackupTokensView.as_view(),
        name="two_factor_backup_tokens",
    ),
    path("account/two_factor/disable/", ZichtDisableView.as_view(), name="two_factor_disable"),
    path("", include(tf_urls)),
    path("", include("zicht.portal.urls")),
    path("accounts/", include("zicht.accounts.urls")),
    path("audit/", include("zicht.audit.urls")),
    path("hulp/", include("zicht.help.urls")),
    path("lessen/", include("zicht.lessons.urls")),
    path("signalen/", include("zicht.intake.urls")),
    path("matches/", include("zicht.linkage.urls")),
    path("coordinatie/", include("zicht.coordination.urls")),
    path("inzicht/", include("zicht.insight.urls")),
    path("cijfers/", include("zicht.insight.public_urls")),
    path("monitor/", include("zicht.monitor.urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=False,
)
