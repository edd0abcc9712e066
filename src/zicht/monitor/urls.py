from django.urls import path

from zicht.monitor import views

app_name = "monitor"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("gebieden/", views.areas, name="areas"),
    path("doelen/", views.targets, name="targets"),
    path("rapport/", views.report, name="report"),
    path("rapport/export/", views.export, name="export"),
    path("programma/", views.programme, name="programme"),
]
