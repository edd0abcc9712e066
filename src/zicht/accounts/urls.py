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
        "members/<int:member_id>/invitation/resend/",
        views.member_invitation_resend,
        name="member_invitation_resend",
    ),
    path(
        "members/<int:member_id>/invitation/withdraw/",
        views.member_invitation_withdraw,
        name="member_invitation_withdraw",
    ),
    path(
        "members/invitations/<int:invitation_id>/resend/",
        views.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "members/invitations/<int:invitation_id>/withdraw/",
        views.invitation_withdraw,
        name="invitation_withdraw",
    ),
    path("invitations/", views.invitation_list, name="invitation_list"),
    path(
        "invitations/<int:invitation_id>/accept/",
        views.invitation_join,
        name="invitation_join",
    ),
    path(
        "invitations/<int:invitation_id>/decline/",
        views.invitation_decline,
        name="invitation_decline",
    ),
    path(
        "invitation/<str:uidb64>/<str:token>/",
        views.invitation_accept,
        name="invitation_accept",
    ),
]
