from django.urls import path

from zicht.lessons import views

app_name = "lessons"
urlpatterns = [
    path("", views.lesson_list, name="list"),
    path("<slug:slug>/", views.lesson_detail, name="detail"),
    path("<slug:slug>/<slug:step>/", views.lesson_step, name="step"),
]
