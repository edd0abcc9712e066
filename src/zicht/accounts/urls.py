from django.urls import path

from zicht.accounts import views

app_name = "accounts"
urlpatterns = [
    path("logout/", views.logout_view, name="logout"),
    path("organisation/", views.organisation_select, name="organisation_select"),
    path("password/confirm/", views.reauthenticate, name="reauthenticate"),
    path("members/", views.member_list, name="member_list"),
    path("members/invite/", views.member_invite, name="member_invite"),
    path("members/<int:member_id>/role/", views.member_role, name="member_role"),
    path("members/<int:member_id>/active/", views.member_active, name="member_active"),
    path(
        "invitation/<str:uidb64>/<str:token>/",
        views.invitation_accept,
        name="invitation_accept",
    ),
]
