from django.urls import path

from zicht.insight import views

app_name = "insight"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("uitleg/", views.explanation, name="explanation"),
    path("lessen/", views.lessons, name="lessons"),
    path("grafiek/<str:kind>.svg", views.chart, name="chart"),
    path("export/<str:kind>.<str:fmt>", views.export, name="export"),
]
