from django.urls import path

from zicht.help import counsellor_views, handover_views, views

app_name = "help"
urlpatterns = [
    path("", views.index, name="index"),
    path("zelftest/", views.selfcheck_view, name="selfcheck"),
    path("contact/", views.contacts, name="contacts"),
    path("pannenkoeken/", views.neutral, name="neutral"),
    path("gesprek/", views.conversation_home, name="conversation_home"),
    path("gesprek/nieuw/", views.conversation_start, name="conversation_start"),
    path("gesprek/terug/", views.conversation_resume, name="conversation_resume"),
    path("gesprek/lezen/", views.conversation_detail, name="conversation"),
    path("gesprek/schrijven/", views.conversation_send, name="conversation_send"),
    path("gesprek/toestemming/", views.conversation_consent, name="conversation_consent"),
    path("gesprek/verlaten/", views.conversation_leave, name="conversation_leave"),
    path("gesprek/tot-ziens/", views.conversation_left, name="conversation_left"),
    path("gesprek/snel-weg/", views.conversation_exit, name="conversation_exit"),
    path("gesprek/verwijderen/", views.conversation_delete, name="conversation_delete"),
    path("gesprekken/", counsellor_views.counsellor_inbox, name="counsellor_inbox"),
    path(
        "gesprekken/<int:pk>/",
        counsellor_views.counsellor_conversation,
        name="counsellor_conversation",
    ),
    path(
        "gesprekken/<int:pk>/antwoord/", counsellor_views.counsellor_reply, name="counsellor_reply"
    ),
    path(
        "gesprekken/<int:pk>/toestemming/",
        counsellor_views.counsellor_consent,
        name="counsellor_consent",
    ),
    path(
        "gesprekken/<int:pk>/overdracht/",
        counsellor_views.counsellor_handover,
        name="counsellor_handover",
    ),
    path(
        "gesprekken/<int:pk>/doorgeven/",
        counsellor_views.counsellor_route,
        name="counsellor_route",
    ),
    path(
        "gesprekken/<int:pk>/sluiten/", counsellor_views.counsellor_close, name="counsellor_close"
    ),
    path("overdrachten/", handover_views.handover_list, name="handover_list"),
    path("overdrachten/<int:pk>/", handover_views.handover_detail, name="handover_detail"),
    path(
        "overdrachten/<int:pk>/opgepakt/",
        handover_views.handover_take_up,
        name="handover_take_up",
    ),
    path(
        "dossier/<int:file_id>/gesprek/",
        handover_views.coordinator_conversation,
        name="coordinator_conversation",
    ),
    path("<slug:slug>/", views.page, name="page"),
]
