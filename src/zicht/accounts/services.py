"""Writes for accounts. Each function is one transaction with its audit event inside."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.urls import get_script_prefix, reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from zicht.accounts.constants import Role, roles_for
from zicht.accounts.models import Invitation, Membership, Municipality, Organisation, User
from zicht.accounts.permissions import can_manage_members
from zicht.accounts.reauth import mark_reauthenticated
from zicht.accounts.security import hash_backup_code
from zicht.audit import services as audit
from zicht.audit.catalogue import AuditAction

__all__ = [
    "organisation_create",
    "membership_create",
    "administrator_create",
    "member_invite",
    "invitation_accept",
    "invitation_decline",
    "invitation_resend",
    "invitation_withdraw",
    "member_invitation_resend",
    "member_invitation_withdraw",
    "membership_change_role",
    "membership_set_active",
    "membership_select",
    "access_denied_record",
    "user_reauthenticate",
    "backup_codes_generate",
]

#: How many backup codes a member gets at a time.
BACKUP_CODE_COUNT = 10


@transaction.atomic
def organisation_create(
    *,
    actor: User | None = None,
    name: str,
    type: str,
    municipality: Municipality,
    contact_email: str = "",
) -> Organisation:
    organisation = Organisation.objects.create(
        name=name, type=type, municipality=municipality, contact_email=contact_email
    )
    audit.record(
        action=AuditAction.ACCOUNTS_ORGANISATION_CREATED,
        actor=actor,
        organisation=organisation,
        object_type="organisation",
        object_id=organisation.pk,
        details={"type": type, "municipality": municipality.pk},
    )
    return organisation


@transaction.atomic
def membership_create(
    *, actor: User | None = None, user: User, organisation: Organisation, role: str
) -> Membership:
    membership = Membership.objects.create(
        user=user, organisation=organisation, role=role, invited_by=actor
    )
    audit.record(
        action=AuditAction.ACCOUNTS_MEMBER_ADDED,
        actor=actor,
        organisation=organisation,
        object_type="membership",
        object_id=membership.pk,
        details={"role": role},
    )
    return membership


@transaction.atomic
def administrator_create(
    *,
    organisation: Organisation,
    email: str,
    first_name: str,
    last_name: str,
    password: str | None = None,
) -> Membership:
    """An administrator of ``organisation`` created by an operator (``create_user``): a new
    account with ``password`` (checked by the password validators) or, without one, an
    unusable password to be chosen through ``invitation_url``. Enrols no second factor:
    the first login asks for it."""
    email = email.strip().lower()
    if (
        User.objects.filter(email__iexact=email).exists()
        or User.objects.filter(username__iexact=email).exists()
    ):
        raise ValidationError(_("An account with this e-mail address already exists."))
    _require_role_allowed(Role.ORG_ADMIN, organisation)
    user = User(username=email, email=email, first_name=first_name, last_name=last_name)
    if password is None:
        user.set_unusable_password()
    else:
        validate_password(password, user)
        user.set_password(password)
    user.save()
    membership = Membership.objects.create(
        user=user, organisation=organisation, role=Role.ORG_ADMIN
    )
    audit.record(
        action=AuditAction.ACCOUNTS_MEMBER_ADDED,
        actor=None,
        organisation=organisation,
        object_type="membership",
        object_id=membership.pk,
        details={
            "role": Role.ORG_ADMIN,
            "via": "create_user",
            "password_set": password is not None,
        },
    )
    return membership


def _require_admin(by: Membership, organisation: Organisation, action: AuditAction) -> None:
    if not can_manage_members(by, organisation):
        access_denied_record(
            user=by.user if by else None,
            membership=by,
            action=action,
            object_type="organisation",
            object_id=organisation.pk,
        )
        raise PermissionDenied(_("Only an administrator of this organisation may do this."))


def invitation_url(*, user: User, site_url: str = "") -> str:
    """The one-time link to choose a password: absolute under ``site_url`` (the site's root
    as the inviting request saw it, ending in "/"), else a path."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("accounts:invitation_accept", kwargs={"uidb64": uid, "token": token})
    return site_url + path.removeprefix(get_script_prefix()) if site_url else path


def member_invite(
    *,
    by: Membership,
    request: HttpRequest | None = None,
    email: str,
    first_name: str,
    last_name: str,
    role: str,
) -> Membership | Invitation:
    """Invite a colleague into the administrator's organisation.

    A new account gets an unusable password, its membership and an e-mail with a
    one-time link to choose one (returns the ``Membership``). An existing account (found
    by e-mail) gains nothing yet: it gets a pending ``Invitation`` that its owner accepts
    or declines after logging in (returns the ``Invitation``) - an administrator must not
    be able to pull somebody else's account into their organisation.
    The e-mail is queued (``zicht.accounts.tasks``) only after the transaction commits;
    a mail server that fails never undoes the invitation.
    """
    organisation = by.organisation
    _require_admin(by, organisation, AuditAction.ACCOUNTS_MEMBER_INVITE_DENIED)
    _require_role_allowed(role, organisation)
    with transaction.atomic():
        return _member_invite(
            by=by,
            request=request,
            email=email.strip().lower(),
            first_name=first_name,
            last_name=last_name,
            role=role,
        )


def _member_invite(
    *,
    by: Membership,
    request: HttpRequest | None,
    email: str,
    first_name: str,
    last_name: str,
    role: str,
) -> Membership | Invitation:
    organisation = by.organisation
    user = User.objects.filter(email__iexact=email).first()
    created = user is None
    if created:
        username = email
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError(_("An account with this user name already exists."))
        user = User(username=username, email=email, first_name=first_name, last_name=last_name)
        user.set_unusable_password()
        user.save()
    elif Membership.objects.filter(user=user, organisation=organisation).exists():
        raise ValidationError(_("This person is already a member of your organisation."))
    else:
        assert user is not None  # found above: an existing account
        return _existing_account_invite(by=by, request=request, user=user, role=role)
    membership = Membership.objects.create(
        user=user, organisation=organisation, role=role, invited_by=by.user
    )
    audit.record(
        action=AuditAction.ACCOUNTS_MEMBER_INVITED,
        actor=by.user,
        organisation=organisation,
        object_type="membership",
        object_id=membership.pk,
        details={"role": role, "new_account": created},
    )
    _queue_new_account_mail(membership=membership, request=request)
    return membership


def _existing_account_invite(
    *, by: Membership, request: HttpRequest | None, user: User, role: str
) -> Invitation:
    organisation = by.organisation
    if Invitation.objects.filter(
        user=user, organisation=organisation, status=Invitation.Status.PENDING
    ).exists():
        raise ValidationError(_("This person has already been invited and has not answered yet."))
    invitation = Invitation.objects.create(
        user=user, organisation=organisation, role=role, invited_by=by.user
    )
    audit.record(
        action=AuditAction.ACCOUNTS_MEMBER_INVITED,
        actor=by.user,
        organisation=organisation,
        object_type="invitation",
        object_id=invitation.pk,
        details={"role": role, "new_account": False},
    )
    _queue_existing_account_mail(invitation=invitation, request=request)
    return invitation


def _require_addressee(*, user: User, invitation: Invitation) -> None:
    """Only the invited account answers an invitation; anyone else is refused and logged
    (outside the answer's transaction, so the record survives the refusal)."""
    if invitation.user_id != user.pk:
        access_denied_record(
            user=user,
            membership=None,
            action=AuditAction.ACCOUNTS_INVITATION_DENIED,
            object_type="invitation",
            object_id=invitation.pk,
        )
        raise PermissionDenied


def _own_pending_invitation(*, user: User, invitation: Invitation) -> Invitation:
    """The invitation, locked, if it is addressed to ``user`` and still open."""
    locked = (
        Invitation.objects.select_for_update()
        .select_related("organisation")
        .get(pk=invitation.pk, user=user)
    )
    if locked.status != Invitation.Status.PENDING:
        raise ValidationError(_("You have already answered this invitation."))
    return locked


def invitation_accept(*, user: User, invitation: Invitation) -> Membership:
    """The invited user joins the organisation with the role of the invitation."""
    _require_addressee(user=user, invitation=invitation)
    with transaction.atomic():
        invitation = _own_pending_invitation(user=user, invitation=invitation)
        organisation = invitation.organisation
        if not organisation.is_active:
            raise ValidationError(_("This organisation no longer works with Zicht."))
        _require_role_allowed(invitation.role, organisation)
        if Membership.objects.filter(user=user, organisation=organisation).exists():
            raise ValidationError(_("You are already a member of this organisation."))
        membership = Membership.objects.create(
            user=user,
            organisation=organisation,
            role=invitation.role,
            invited_by=invitation.invited_by,
        )
        invitation.status = Invitation.Status.ACCEPTED
        invitation.decided_at = timezone.now()
        invitation.save(update_fields=["status", "decided_at"])
        audit.record(
            action=AuditAction.ACCOUNTS_INVITATION_ACCEPTED,
            actor=user,
            organisation=organisation,
            object_type="invitation",
            object_id=invitation.pk,
            details={"role": invitation.role, "membership": membership.pk},
        )
        return membership


def invitation_decline(*, user: User, invitation: Invitation) -> Invitation:
    """The invited user says no; the administrator sees the invitation as declined."""
    _require_addressee(user=user, invitation=invitation)
    with transaction.atomic():
        invitation = _own_pending_invitation(user=user, invitation=invitation)
        invitation.status = Invitation.Status.DECLINED
        invitation.decided_at = timezone.now()
        invitation.save(update_fields=["status", "decided_at"])
        audit.record(
            action=AuditAction.ACCOUNTS_INVITATION_DECLINED,
            actor=user,
            organisation=invitation.organisation,
            object_type="invitation",
            object_id=invitation.pk,
        )
        return invitation


def _queue_new_account_mail(*, membership: Membership, request: HttpRequest | None) -> None:
    from zicht.accounts import tasks  # noqa: PLC0415 - tasks imports these services (cycle)

    mail: dict[str, Any] = {
        "membership_id": membership.pk,
        "email": membership.user.email,
        "new_account": True,
        "site_url": request.build_absolute_uri(get_script_prefix()) if request else "",
        "language": translation.get_language(),
    }
    transaction.on_commit(lambda: tasks.send_invitation.enqueue(**mail), robust=True)


def _queue_existing_account_mail(*, invitation: Invitation, request: HttpRequest | None) -> None:
    from zicht.accounts import tasks  # noqa: PLC0415 - tasks imports these services (cycle)

    mail: dict[str, Any] = {
        "invitation_id": invitation.pk,
        "site_url": request.build_absolute_uri(get_script_prefix()) if request else "",
        "language": translation.get_language(),
    }
    transaction.on_commit(
        lambda: tasks.send_invitation_to_existing_account.enqueue(**mail), robust=True
    )


def _locked_invited_member(by: Membership, membership: Membership) -> Membership:
    _require_admin(by, membership.organisation, AuditAction.ACCOUNTS_MEMBER_INVITE_DENIED)
    locked = Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
    if not locked.is_invited:
        raise ValidationError(_("This member has already accepted the invitation."))
    return locked


def member_invitation_resend(
    *, by: Membership, membership: Membership, request: HttpRequest | None = None
) -> None:
    """Send the invitation of a new account again (a new one-time link), for an invitee
    who lost the e-mail; only while they have not chosen a password."""
    with transaction.atomic():
        membership = _locked_invited_member(by, membership)
        audit.record(
            action=AuditAction.ACCOUNTS_INVITATION_RESENT,
            actor=by.user,
            organisation=membership.organisation_id,
            object_type="membership",
            object_id=membership.pk,
        )
        _queue_new_account_mail(membership=membership, request=request)


def member_invitation_withdraw(*, by: Membership, membership: Membership) -> None:
    """Withdraw the invitation of a new account before it is accepted: the membership goes
    and the one-time link stops working (the account's unusable password is renewed, and
    the link is signed over it)."""
    with transaction.atomic():
        membership = _locked_invited_member(by, membership)
        audit.record(
            action=AuditAction.ACCOUNTS_INVITATION_WITHDRAWN,
            actor=by.user,
            organisation=membership.organisation_id,
            object_type="membership",
            object_id=membership.pk,
        )
        user = membership.user
        membership.delete()
        user.set_unusable_password()
        user.save(update_fields=["password"])


def _locked_pending_invitation(by: Membership, invitation: Invitation) -> Invitation:
    _require_admin(by, invitation.organisation, AuditAction.ACCOUNTS_MEMBER_INVITE_DENIED)
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.status != Invitation.Status.PENDING:
        raise ValidationError(_("This invitation has already been answered."))
    return locked


def invitation_resend(
    *, by: Membership, invitation: Invitation, request: HttpRequest | None = None
) -> None:
    """Send an open invitation of an existing account again."""
    with transaction.atomic():
        invitation = _locked_pending_invitation(by, invitation)
        audit.record(
            action=AuditAction.ACCOUNTS_INVITATION_RESENT,
            actor=by.user,
            organisation=invitation.organisation_id,
            object_type="invitation",
            object_id=invitation.pk,
        )
        _queue_existing_account_mail(invitation=invitation, request=request)


def invitation_withdraw(*, by: Membership, invitation: Invitation) -> None:
    """Withdraw an invitation of an existing account: an open one can no longer be
    accepted, a declined one leaves the administrator's list. The audit log keeps both."""
    with transaction.atomic():
        _require_admin(by, invitation.organisation, AuditAction.ACCOUNTS_MEMBER_INVITE_DENIED)
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.status == Invitation.Status.ACCEPTED:
            raise ValidationError(_("This invitation has already been accepted."))
        audit.record(
            action=AuditAction.ACCOUNTS_INVITATION_WITHDRAWN,
            actor=by.user,
            organisation=locked.organisation_id,
            object_type="invitation",
            object_id=locked.pk,
        )
        locked.delete()


def _require_role_allowed(role: str, organisation: Organisation) -> None:
    if role not in Role.values:
        raise ValidationError(_("Unknown role."))
    if role not in roles_for(organisation.type):
        raise ValidationError(
            _("The role %(role)s is not available in an organisation of the type %(type)s.")
            % {"role": Role(role).label, "type": organisation.get_type_display()}
        )


def membership_change_role(*, by: Membership, membership: Membership, role: str) -> Membership:
    _require_admin(by, membership.organisation, AuditAction.ACCOUNTS_ROLE_CHANGE_DENIED)
    _require_role_allowed(role, membership.organisation)
    if membership.pk == by.pk and role != Role.ORG_ADMIN:
        raise ValidationError(_("You cannot take away your own administrator role."))
    with transaction.atomic():
        return _membership_change_role(by=by, membership=membership, role=role)


def _membership_change_role(*, by: Membership, membership: Membership, role: str) -> Membership:
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    old = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    audit.record(
        action=AuditAction.ACCOUNTS_ROLE_CHANGED,
        actor=by.user,
        organisation=membership.organisation,
        object_type="membership",
        object_id=membership.pk,
        details={"from": old, "to": role},
    )
    return membership


def membership_set_active(*, by: Membership, membership: Membership, active: bool) -> Membership:
    _require_admin(by, membership.organisation, AuditAction.ACCOUNTS_DEACTIVATION_DENIED)
    if membership.pk == by.pk and not active:
        raise ValidationError(_("You cannot deactivate your own membership."))
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        return _membership_set_active(by=by, membership=membership, active=active)


def _membership_set_active(*, by: Membership, membership: Membership, active: bool) -> Membership:
    membership.is_active = active
    membership.save(update_fields=["is_active"])
    audit.record(
        action=AuditAction.ACCOUNTS_MEMBER_REACTIVATED
        if active
        else AuditAction.ACCOUNTS_MEMBER_DEACTIVATED,
        actor=by.user,
        organisation=membership.organisation,
        object_type="membership",
        object_id=membership.pk,
    )
    return membership


def membership_select(*, request: HttpRequest, membership: Membership) -> None:
    """Make one of the user's memberships the active organisation of this session."""
    if membership.user_id != request.user.pk or not membership.is_active:
        raise PermissionDenied
    request.session["membership_id"] = membership.pk
    audit.record(
        action=AuditAction.ACCOUNTS_ORGANISATION_SELECTED,
        actor=request.user,
        organisation=membership.organisation,
        object_type="membership",
        object_id=membership.pk,
    )


def access_denied_record(
    *,
    user: Any,
    membership: Membership | None,
    action: AuditAction,
    object_type: str,
    object_id: Any,
) -> None:
    """Record a refused access. Runs in its own transaction so it survives the refusal."""
    with transaction.atomic():
        audit.record(
            action=action,
            actor=user,
            organisation=membership.organisation if membership else None,
            object_type=object_type,
            object_id=object_id,
        )


def user_reauthenticate(*, request: HttpRequest, password: str) -> bool:
    """Check the logged-in user's password again (through django-axes, so wrong passwords
    count towards the lockout like at login); on success remember the moment in the
    session (``zicht.accounts.reauth``). Both outcomes are audit-logged."""
    user = request.user
    confirmed = authenticate(request, username=user.get_username(), password=password)
    ok = confirmed is not None and confirmed.pk == user.pk
    if ok:
        mark_reauthenticated(request)
    audit.record(
        action=AuditAction.AUTH_REAUTHENTICATED if ok else AuditAction.AUTH_REAUTHENTICATION_FAILED,
        actor=user,
        object_type="user",
        object_id=user.pk,
    )
    return ok


@transaction.atomic
def backup_codes_generate(*, user: User) -> list[str]:
    """Replace the user's backup codes with new ones and return them, the only time they
    exist in plain text: only their keyed hashes are stored (``zicht.accounts.security``)."""
    device = StaticDevice.objects.filter(user=user).first()
    if device is None:
        device = StaticDevice.objects.create(user=user, name="backup", confirmed=True)
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=hash_backup_code(code)) for code in codes
    )
    audit.record(
        action=AuditAction.AUTH_BACKUP_CODES_GENERATED,
        actor=user,
        object_type="user",
        object_id=user.pk,
        details={"count": len(codes)},
    )
    return codes
