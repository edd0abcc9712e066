from django.urls import path

from zicht.coordination import annual_views, views

app_name = "coordination"
urlpatterns = [
    path("verwijzen/<uuid:signal_id>/", views.referral_create, name="referral_create"),
    path("mijn-verwijzingen/", views.my_referrals, name="my_referrals"),
    path("mijn-verwijzingen/<uuid:referral_id>/", views.referral_detail, name="referral_detail"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/zoeken/", views.inbox_search, name="inbox_search"),
    path("dossiers/<int:file_id>/", views.file_detail, name="file_detail"),
    path("dossiers/<int:file_id>/toewijzen/", views.file_assign, name="file_assign"),
    path("dossiers/<int:file_id>/screening/", views.file_screen, name="file_screen"),
    path("dossiers/<int:file_id>/beoordeling/", views.file_assess, name="file_assess"),
    path("dossiers/<int:file_id>/maatregelen/", views.measure_add, name="measure_add"),
    path(
        "dossiers/<int:file_id>/maatregelen/<int:measure_id>/",
        views.measure_decide,
        name="measure_decide",
    ),
    path("dossiers/<int:file_id>/zorg/", views.care_referral_create, name="care_referral_create"),
    path("dossiers/<int:file_id>/taken/", views.task_create, name="task_create"),
    path("dossiers/<int:file_id>/taken/<int:task_id>/", views.task_done, name="task_done"),
    path("dossiers/<int:file_id>/sluiten/", views.file_close, name="file_close"),
    path("dossiers/<int:file_id>/samenvoegen/", views.file_merge, name="file_merge"),
    path("dossiers/<int:file_id>/heropenen/", views.file_reopen, name="file_reopen"),
    path("jaarcijfers/", annual_views.annual_report, name="annual_report"),
    path("zorg/", views.care_inbox, name="care_inbox"),
    path("zorg/<int:care_id>/<str:action>/", views.care_referral_act, name="care_referral_act"),
]
