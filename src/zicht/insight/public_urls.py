from django.urls import path

from zicht.insight import public_views

app_name = "public_statistics"
urlpatterns = [
    path("", public_views.release_list, name="list"),
    path("<int:year>/<str:kind>.csv", public_views.release_csv, name="csv"),
]
