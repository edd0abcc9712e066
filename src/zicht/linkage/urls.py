from django.urls import path

from zicht.linkage import views

app_name = "linkage"
urlpatterns = [
    path("", views.match_list, name="match_list"),
    path("<int:match_id>/decide/", views.match_decide, name="match_decide"),
]
