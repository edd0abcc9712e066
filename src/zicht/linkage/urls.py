from django.urls import path

from zicht.linkage import views

app_name = "linkage"
urlpatterns = [
    path("", views.match_list, name="match_list"),
    path("<int:match_id>/", views.match_detail, name="match_detail"),
    path("<int:match_id>/undo/", views.match_undo, name="match_undo"),
    path("<int:match_id>/decide/", views.match_decide, name="match_decide"),
]
