from django.urls import path

from zicht.intake import views

app_name = "intake"
urlpatterns = [
    path("", views.signal_list, name="signal_list"),
    path("nieuw/", views.signal_create, name="signal_create"),
    path("zoeken/", views.signal_search, name="signal_search"),
    path("<uuid:signal_id>/", views.signal_detail, name="signal_detail"),
    path("<uuid:signal_id>/wijzigen/", views.signal_edit, name="signal_edit"),
    path("<uuid:signal_id>/intrekken/", views.signal_withdraw, name="signal_withdraw"),
]
