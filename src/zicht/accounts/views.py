"""Login with audit, organisation choice, member management and invitations. Thin views."""

from functools import partial

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from two_factor.views import BackupTokensView, DisableView, LoginView, SetupView

from zicht.accounts import selectors, services
from zicht.accounts.forms import (
    InviteForm,
    ReauthenticationForm,
    RoleForm,
    ZichtAuthenticationForm,
    ZichtBackupTokenForm,
)
from zicht.accounts.models import User
from zicht.accounts.reauth import (
    mark_reauthenticated,
    reauthentication_required,
    safe_next,
    window_seconds,
)
from zicht.audit import services as audit
from zicht.audit.catalogue import AuditAction

# The library labels its code fields "Token"; ours say what the person types, in one word.
_CODE_FIELDS = ("otp_token", "token")


class _CodeLabelMixin:
    """Labels the wizard's one-time-code field "Code" (NL "Code") instead of "Token"."""

    def get_form(self, step=None, **kwargs):
        form = super().get_form(step=step, **kwargs)
        for name in _CODE_FIELDS:
            if name in form.fields:
                form.fields[name].label = gettext_lazy("Code")
        return form


class ZichtLoginView(_CodeLabelMixin, LoginView):
    """django-two-factor-auth's login wizard, with every outcome audit-logged."""

    form_list = tuple(
        (
            step,
            {
                LoginView.AUTH_STEP: ZichtAuthenticationForm,
                LoginView.BACKUP_STEP: ZichtBackupTokenForm,
            }.get(step, form),
        )
        for step, form in LoginView.form_list
    )

    @classmethod
    def get_prefix(cls, request, *args, **kwargs):
        return "login_view"

    def render(self, form=None, **kwargs):
        if form is not None and form.is_bound and form.errors:
            self._record_failure(form)
        return super().render(form, **kwargs)

    def _record_failure(self, form):
        step = self.steps.current
        if step == self.AUTH_STEP:
            username = (form.data.get("auth-username") or "")[:150]
            user = User.objects.filter(username__iexact=username).first()
            if getattr(self.request, "axes_locked_out", False):
                action = AuditAction.AUTH_LOCKED_OUT
            elif "no_membership" in {e.code for e in form.non_field_errors().as_data()}:
                action = AuditAction.AUTH_LOGIN_REFUSED_NO_MEMBERSHIP
            else:
                action = AuditAction.AUTH_LOGIN_FAILED
            audit.record(
                action=action,
                actor=user,
                object_type="user",
                object_id=user.pk if user else "",
                details={"known_user": user is not None},
            )
        else:
            user = self.get_user() or None
            audit.record(
                action=AuditAction.AUTH_OTP_FAILED
                if step == self.TOKEN_STEP
                else AuditAction.AUTH_BACKUP_TOKEN_FAILED,
                actor=user,
                object_type="user",
                object_id=getattr(user, "pk", ""),
            )

    def done(self, form_list, **kwargs):
        user = self.get_user()
        response = super().done(form_list, **kwargs)
        # The password was just given: enrolment right after a first login needs no second.
        mark_reauthenticated(self.request)
        audit.record(
            action=AuditAction.AUTH_LOGIN,
            actor=user,
            object_type="user",
            object_id=user.pk,
            details={"second_factor": bool(getattr(user, "otp_device", None))},
        )
        return response


@method_decorator(reauthentication_required, name="dispatch")
class ZichtSetupView(_CodeLabelMixin, SetupView):
    """Two-factor enrolment, audit-logged; only with a recent password (``reauth``)."""

    @classmethod
    def get_prefix(cls, request, *args, **kwargs):
        return "setup_view"

    def done(self, form_list, **kwargs):
        response = super().done(form_list, **kwargs)
        audit.record(
            action=AuditAction.AUTH_TWO_FACTOR_ENROLLED,
            actor=self.request.user,
            object_type="user",
            object_id=self.request.user.pk,
        )
        return response


@method_decorator(reauthentication_required, name="dispatch")
class ZichtBackupTokensView(BackupTokensView):
    """New backup codes, only with a recent password (``reauth``) and audit-logged.

    The page shows how many codes are left; generating new ones shows them once, in the
    response to the POST (not after a redirect, and ``never_cache``): only their hashes
    are stored, so nobody - the member included - can see them again.
    """

    def form_valid(self, form):
        codes = services.backup_codes_generate(user=self.request.user)
        return self.render_to_response(self.get_context_data(form=form, codes=codes))


@method_decorator(reauthentication_required, name="dispatch")
@method_decorator(login_required, name="dispatch")
class ZichtDisableView(DisableView):
    """Remove the authenticator (e.g. a new phone), only with a recent password
    (``reauth``). Two-factor stays mandatory: the middleware sends the user straight to
    enrolment again. Audit-logged. Anonymous visitors go to the login (the library would
    send them to the home page)."""

    def form_valid(self, form):
        user = self.request.user
        response = super().form_valid(form)
        audit.record(
            action=AuditAction.AUTH_TWO_FACTOR_REMOVED,
            actor=user,
            object_type="user",
            object_id=user.pk,
        )
        return response


@login_required
def reauthenticate(request):
    """Give the password again before a change to how the account logs in; then back to
    ``next`` (a path on this site only)."""
    default = reverse("two_factor:profile")
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next"), default)
    form = ReauthenticationForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if services.user_reauthenticate(request=request, password=form.cleaned_data["password"]):
            return redirect(next_url)
        form.add_error("password", _("This is not your password."))
        status = 400
    return render(
        request,
        "accounts/reauthenticate.html",
        {"form": form, "next": next_url, "minutes": window_seconds() // 60},
        status=status,
    )


@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        audit.record(
            action=AuditAction.AUTH_LOGOUT,
            actor=request.user,
            object_type="user",
            object_id=request.user.pk,
        )
    logout(request)
    messages.info(request, _("You have been logged out."))
    return redirect("portal:home")


@login_required
def organisation_select(request):
    """Switch the active organisation. A choice that is not one of the user's own active
    memberships (someone else's, a deactivated one, or no number at all) is refused with
    400 and the form again; the submitted value is never logged."""
    memberships = selectors.memberships_for(user=request.user)
    status = 200
    if request.method == "POST":
        membership = selectors.membership_for_session(
            user=request.user, membership_id=request.POST.get("membership")
        )
        if membership is None:
            messages.error(request, _("Choose one of your own organisations."))
            status = 400
        else:
            services.membership_select(request=request, membership=membership)
            messages.success(
                request, _("You now work for %(name)s.") % {"name": membership.organisation.name}
            )
            return redirect("portal:home")
    return render(
        request, "accounts/organisation_select.html", {"memberships": memberships}, status=status
    )


def _admin_membership(request):
    membership = request.membership
    if membership is None or not membership.is_org_admin:
        services.access_denied_record(
            user=request.user,
            membership=membership,
            action=AuditAction.ACCOUNTS_MEMBER_ADMIN_DENIED,
            object_type="organisation",
            object_id=getattr(membership, "organisation_id", ""),
        )
        raise PermissionDenied
    return membership


@login_required
def member_list(request):
    admin = _admin_membership(request)
    members = selectors.members_of(membership=admin, organisation=admin.organisation)
    page = Paginator(members, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/member_list.html",
        {
            "page": page,
            "invitations": selectors.invitations_of(
                membership=admin, organisation=admin.organisation
            ),
            "organisation": admin.organisation,
            "role_form": RoleForm(organisation=admin.organisation),
        },
    )


@login_required
def member_invite(request):
    admin = _admin_membership(request)
    form = InviteForm(request.POST or None, organisation=admin.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_invite(by=admin, request=request, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]},
            )
            return redirect("accounts:member_list")
    return render(request, "accounts/member_invite.html", {"form": form})


def _member_or_404(request, member_id):
    admin = _admin_membership(request)
    try:
        return admin, selectors.member_get(membership=admin, member_id=member_id)
    except Http404:
        services.access_denied_record(
            user=request.user,
            membership=admin,
            action=AuditAction.ACCOUNTS_MEMBER_NOT_FOUND,
            object_type="membership",
            object_id=member_id,
        )
        raise


@login_required
@require_POST
def member_role(request, member_id):
    admin, member = _member_or_404(request, member_id)
    form = RoleForm(request.POST, organisation=member.organisation)
    if not form.is_valid():
        messages.error(request, _("Choose a valid role."))
        return redirect("accounts:member_list")
    try:
        services.membership_change_role(by=admin, membership=member, role=form.cleaned_data["role"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Role changed."))
    return redirect("accounts:member_list")


@login_required
@require_POST
def member_active(request, member_id):
    admin, member = _member_or_404(request, member_id)
    if request.POST.get("active") not in ("0", "1"):  # anything else is not from our page
        messages.error(request, _("Choose whether the member is active."))
        return redirect("accounts:member_list")
    active = request.POST["active"] == "1"
    try:
        services.membership_set_active(by=admin, membership=member, active=active)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Member reactivated.") if active else _("Member deactivated."))
    return redirect("accounts:member_list")


def _invitation_or_404(request, invitation_id):
    admin = _admin_membership(request)
    try:
        return admin, selectors.invitation_of_organisation(
            membership=admin, invitation_id=invitation_id
        )
    except Http404:
        services.access_denied_record(
            user=request.user,
            membership=admin,
            action=AuditAction.ACCOUNTS_INVITATION_NOT_FOUND,
            object_type="invitation",
            object_id=invitation_id,
        )
        raise


def _invitation_action(request, call, done: str):
    try:
        call()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect("accounts:member_list")


@login_required
@require_POST
def member_invitation_resend(request, member_id):
    """Resend a new account's invitation (the invitee lost the e-mail)."""
    admin, member = _member_or_404(request, member_id)
    call = partial(services.member_invitation_resend, by=admin, membership=member, request=request)
    return _invitation_action(request, call, _("Invitation sent again."))


@login_required
@require_POST
def member_invitation_withdraw(request, member_id):
    admin, member = _member_or_404(request, member_id)
    call = partial(services.member_invitation_withdraw, by=admin, membership=member)
    return _invitation_action(request, call, _("Invitation withdrawn."))


@login_required
@require_POST
def invitation_resend(request, invitation_id):
    """Resend an existing account's open invitation."""
    admin, invitation = _invitation_or_404(request, invitation_id)
    call = partial(services.invitation_resend, by=admin, invitation=invitation, request=request)
    return _invitation_action(request, call, _("Invitation sent again."))


@login_required
@require_POST
def invitation_withdraw(request, invitation_id):
    admin, invitation = _invitation_or_404(request, invitation_id)
    call = partial(services.invitation_withdraw, by=admin, invitation=invitation)
    return _invitation_action(request, call, _("Invitation withdrawn."))


@login_required
def invitation_list(request):
    """The open invitations of existing accounts into other organisations, to accept or
    decline."""
    invitations = selectors.invitations_for(user=request.user)
    return render(request, "accounts/invitation_list.html", {"invitations": invitations})


def _own_invitation(request, invitation_id):
    """The invitation addressed to the logged-in user; anyone else's is a logged 404."""
    try:
        return selectors.invitation_for(user=request.user, invitation_id=invitation_id)
    except Http404:
        services.access_denied_record(
            user=request.user,
            membership=request.membership,
            action=AuditAction.ACCOUNTS_INVITATION_NOT_FOUND,
            object_type="invitation",
            object_id=invitation_id,
        )
        raise


@login_required
@require_POST
def invitation_join(request, invitation_id):
    invitation = _own_invitation(request, invitation_id)
    try:
        membership = services.invitation_accept(user=request.user, invitation=invitation)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("accounts:invitation_list")
    services.membership_select(request=request, membership=membership)
    messages.success(
        request,
        _("You now work for %(name)s as %(role)s.")
        % {"name": invitation.organisation.name, "role": membership.get_role_display()},
    )
    return redirect("portal:home")


@login_required
@require_POST
def invitation_decline(request, invitation_id):
    invitation = _own_invitation(request, invitation_id)
    try:
        services.invitation_decline(user=request.user, invitation=invitation)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("You have declined the invitation of %(name)s.")
            % {"name": invitation.organisation.name},
        )
    return redirect("accounts:invitation_list")


def invitation_accept(request, uidb64, token):
    """Choose a password through the one-time link in the invitation e-mail."""
    try:
        user = User.objects.get(pk=force_str(urlsafe_base64_decode(uidb64)))
    except (User.DoesNotExist, ValueError, TypeError, OverflowError):
        user = None
    if user is None or not default_token_generator.check_token(user, token):
        return render(request, "accounts/invitation_invalid.html", status=400)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            audit.record(
                action=AuditAction.ACCOUNTS_INVITATION_ACCEPTED,
                actor=user,
                object_type="user",
                object_id=user.pk,
            )
        messages.success(
            request, _("Your password has been set. Log in and set up two-step verification.")
        )
        return redirect("two_factor:login")
    return render(request, "accounts/invitation_accept.html", {"form": form})
