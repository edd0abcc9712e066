"""/api/: the partner API (v1), its documentation and the key pages.

Mounted outside i18n_patterns by zicht.conf.urls.
"""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from zicht.api import views, web_views

app_name = "api"

router = SimpleRouter()
router.register("signals", views.SignalViewSet, basename="signal")
router.register("matches", views.MatchViewSet, basename="match")

urlpatterns = [
    path("keys/", web_views.key_list, name="key_list"),
    path("keys/new/", web_views.key_create, name="key_create"),
    path("keys/<str:prefix>/revoke/", web_views.key_revoke, name="key_revoke"),
    path("v1/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", views.DocsView.as_view(url_name="api:schema"), name="docs"),
    path("v1/", include(router.urls)),
    re_path(r"^v1/", views.NotFoundView.as_view()),
]
