from django.urls import path

from zicht.lessons import class_views, views

app_name = "lessons"
urlpatterns = [
    path("", views.lesson_list, name="list"),
    # In class. "klas" can therefore not be a lesson's slug (the validator refuses it).
    path("klas/", class_views.class_join, name="class_join"),
    path("klas/spelen/", class_views.class_play, name="class_play"),
    path("klas/status/", class_views.class_status, name="class_status"),
    path("klas/starten/", class_views.class_start, name="class_start"),
    path("klas/starten/school/", class_views.class_start_school, name="class_start_school"),
    path("klas/starten/<str:token>/", class_views.class_confirm, name="class_confirm"),
    path("klas/<int:pk>/", class_views.class_teacher, name="class_teacher"),
    path("klas/<int:pk>/tellingen/", class_views.class_counts, name="class_counts"),
    path("klas/<int:pk>/verder/", class_views.class_advance, name="class_advance"),
    path("klas/<int:pk>/sluiten/", class_views.class_close, name="class_close"),
    path("video/<slug:key>/", views.video_file, name="video"),
    path("video/<slug:key>/<str:lang>.vtt", views.video_captions, name="video_captions"),
    path("voorbeeld/<int:pk>/", views.lesson_preview, name="preview"),
    path("voorbeeld/<int:pk>/<slug:step>/", views.lesson_preview, name="preview_step"),
    path("<slug:slug>/", views.lesson_detail, name="detail"),
    path("<slug:slug>/handleiding/", views.lesson_guide, name="guide"),
    path("<slug:slug>/<slug:step>/", views.lesson_step, name="step"),
]
