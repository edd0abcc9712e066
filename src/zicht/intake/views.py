"""Signals for professionals of the recording organisation. Thin views."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zicht.access import guards as access
from zicht.audit import services as audit
from zicht.audit.catalogue import AuditAction
from zicht.core import ages
from zicht.core.crypto import DecryptionError, decrypt_text, encrypt_text
from zicht.intake import person_index, selectors, services
from zicht.intake.catalogue import labels_for, localised_groups
from zicht.intake.constants import ExploitationForm, SignalStatus
from zicht.intake.forms import SignalFilterForm, SignalForm, SignalSearchForm, WithdrawForm
from zicht.intake.guidance import emergency_contacts, next_steps
from zicht.intake.models import Signal
from zicht.intake.search import SearchQuery

PER_PAGE = 25
#: Session key of the active search. The query is personal data: it is kept encrypted in
#: the (server-side) session and never put in a URL, where it would end up in access
#: logs and browser history.
SEARCH_SESSION_KEY = "intake.search"


def _professional(request):
    """Signals are recorded and read by professionals (``signal.record`` in the policy)."""
    return access.require(request, "signal.record")


def _own_signal(request, membership, signal_id):
    try:
        return selectors.signal_get(membership=membership, signal_id=signal_id)
    except Http404:
        audit.record(
            action=AuditAction.INTAKE_SIGNAL_NOT_FOUND,
            actor=request.user,
            organisation=membership.organisation,
            object_type="signal",
            object_id=signal_id,
        )
        raise


def _apply_errors(form, exc: ValidationError):
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _held_search(request, membership) -> SearchQuery:
    """The search this member posted last, if it was for their current organisation."""
    held = request.session.get(SEARCH_SESSION_KEY)
    if not held:
        return SearchQuery()
    try:
        data = json.loads(decrypt_text(held))
    except (DecryptionError, ValueError):
        request.session.pop(SEARCH_SESSION_KEY, None)
        return SearchQuery()
    if data.get("organisation") != membership.organisation_id:
        return SearchQuery()
    return SearchQuery(
        name=data.get("name", ""),
        date_of_birth=data.get("date_of_birth", ""),
        bsn=data.get("bsn", ""),
    )


def _list_page(request, membership, *, search_form=None, status=200):
    form = SignalFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    query = _held_search(request, membership)
    if query:
        ids = selectors.signal_search(membership=membership, query=query, filters=filters)
    else:
        ids = selectors.signal_list(membership=membership, filters=filters).values_list(
            "pk", flat=True
        )
    page = Paginator(ids, PER_PAGE).get_page(request.GET.get("page"))
    rows = selectors.signal_rows(membership=membership, signal_ids=list(page.object_list))
    # Names are shown: one event per page view, with the ids shown (never a name).
    audit.record(
        action=AuditAction.INTAKE_SIGNAL_LIST_VIEWED,
        actor=request.user,
        organisation=membership.organisation,
        details={
            "signals": [str(row.signal.pk) for row in rows],
            "page": page.number,
            "search": bool(query),
        },
    )
    if search_form is None:
        search_form = SignalSearchForm(
            initial={"name": query.name, "date_of_birth": query.date_of_birth, "bsn": query.bsn}
        )
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "intake/signal_list.html",
        {
            "form": form,
            "search_form": search_form,
            "searching": bool(query),
            "page": page,
            "rows": rows,
            "query": params.urlencode(),
        },
        status=status,
    )


@login_required
def signal_list(request):
    membership = _professional(request)
    return _list_page(request, membership)


@login_required
@require_POST
def signal_search(request):
    """Hold a search by name, date of birth or BSN (POST-redirect-GET: no name in a URL)."""
    membership = _professional(request)
    if "clear" in request.POST:
        request.session.pop(SEARCH_SESSION_KEY, None)
        return redirect("intake:signal_list")
    form = SignalSearchForm(request.POST)
    if not form.is_valid():
        request.session.pop(SEARCH_SESSION_KEY, None)
        return _list_page(request, membership, search_form=form)
    dob = form.cleaned_data["date_of_birth"]
    request.session[SEARCH_SESSION_KEY] = encrypt_text(
        json.dumps(
            {
                "organisation": membership.organisation_id,
                "name": form.cleaned_data["name"],
                "date_of_birth": dob.isoformat() if dob else "",
                "bsn": form.cleaned_data["bsn"],
            }
        )
    )
    return redirect("intake:signal_list")


def _tell_early_expiry(request, signal) -> None:
    """Say so when a birthday (the 23rd for a minor, the one after the upper bound for a
    young adult), not the retention period, ends the signal."""
    recorded = timezone.localdate(signal.created_at)
    usual = services.expiry_date(
        recorded=recorded, date_of_birth=None, age_at_contact=signal.age_at_contact
    )
    if signal.expires_on < usual:
        _months, birthday = ages.retention(signal.age_at_contact)
        messages.info(
            request,
            _(
                "This signal will be removed on %(date)s, when the young person turns "
                "%(birthday)s: Zicht keeps no signal after that birthday."
            )
            % {"date": date_format(signal.expires_on, "j F Y"), "birthday": birthday},
        )


def _tell_matches(request, matches) -> None:
    """What the person index found when the signal was saved (its words, its statuses)."""
    for notice in person_index.current().notices(matches):
        messages.info(request, notice)


def _form_context(form, catalogue):
    selected = set(form["indicator_codes"].value() or [])
    return {
        "form": form,
        "groups": localised_groups(catalogue.data),
        "selected_indicators": selected,
        "emergency": emergency_contacts(),
    }


@login_required
def signal_create(request):
    membership = _professional(request)
    catalogue = selectors.current_catalogue()
    form = SignalForm(request.POST or None, catalogue=catalogue)
    if request.method == "POST" and form.is_valid():
        data, identity = form.split()
        try:
            signal, matches = services.signal_create(
                membership=membership, data=data, identity=identity
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(
                request, _("Signal %(ref)s has been recorded.") % {"ref": signal.reference}
            )
            _tell_early_expiry(request, signal)
            _tell_matches(request, matches)
            return redirect("intake:signal_detail", signal.pk)
    return render(request, "intake/signal_form.html", _form_context(form, catalogue))


@login_required
def signal_detail(request, signal_id):
    membership = _professional(request)
    signal = _own_signal(request, membership, signal_id)
    audit.record(
        action=AuditAction.INTAKE_SIGNAL_VIEWED,
        actor=request.user,
        organisation=membership.organisation,
        object_type="signal",
        object_id=signal.pk,
    )
    identity = _identity_or_none(signal)
    forms_display = [
        ExploitationForm(f).label for f in signal.forms if f in ExploitationForm.values
    ]
    return render(
        request,
        "intake/signal_detail.html",
        {
            "signal": signal,
            "identity": identity,
            "indicators": labels_for(signal.catalogue.data, signal.indicator_codes),
            "forms_display": forms_display,
            "steps": next_steps(signal),
            "emergency": emergency_contacts(),
            "matches": person_index.current().matches_for_signal(
                membership=membership, signal_id=signal.pk
            ),
            "revisions": signal.revisions.select_related("author")[:50],
            "withdraw_form": WithdrawForm(),
        },
    )


def _identity_or_none(signal):
    """The identity row, or None once it has been purged."""
    try:
        return signal.identity
    except Signal.identity.RelatedObjectDoesNotExist:
        return None


def _initial_from(signal):
    identity = signal.identity
    return {
        "immediate_danger": signal.immediate_danger,
        "given_names": identity.given_names,
        "surname": identity.surname,
        "date_of_birth": identity.date_of_birth or None,
        "age_estimate": identity.age_estimate or None,
        "sex": identity.sex,
        "bsn": identity.bsn,
        "municipality": identity.municipality or None,
        "alias": identity.alias,
        "phone": identity.phone,
        "contact_date": signal.contact_date,
        "setting": signal.setting,
        "indicator_codes": signal.indicator_codes,
        "forms": signal.forms,
        "account": signal.account,
        "justice_status": signal.justice_status,
        "justice_offences": signal.justice_offences,
        "neighbourhood_code": signal.neighbourhood_code,
        "nationality_category": signal.nationality_category,
    }


@login_required
def signal_edit(request, signal_id):
    membership = _professional(request)
    signal = _own_signal(request, membership, signal_id)
    if _identity_or_none(signal) is None or signal.status != SignalStatus.ACTIVE:
        messages.error(request, _("Only an active signal can be changed."))
        return redirect("intake:signal_detail", signal.pk)
    audit.record(
        action=AuditAction.INTAKE_SIGNAL_VIEWED,
        actor=request.user,
        organisation=membership.organisation,
        object_type="signal",
        object_id=signal.pk,
        details={"for": "edit"},
    )
    form = SignalForm(
        request.POST or None, catalogue=signal.catalogue, initial=_initial_from(signal)
    )
    if request.method == "POST" and form.is_valid():
        data, identity = form.split()
        try:
            signal, matches = services.signal_update(
                membership=membership, signal=signal, data=data, identity=identity
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Signal updated."))
            _tell_early_expiry(request, signal)
            _tell_matches(request, matches)
            return redirect("intake:signal_detail", signal.pk)
    context = _form_context(form, signal.catalogue)
    context["signal"] = signal
    return render(request, "intake/signal_form.html", context)


@login_required
@require_POST
def signal_withdraw(request, signal_id):
    membership = _professional(request)
    signal = _own_signal(request, membership, signal_id)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the signal is withdrawn."))
        return redirect("intake:signal_detail", signal.pk)
    try:
        services.signal_withdraw(
            membership=membership, signal=signal, reason=form.cleaned_data["reason"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("The signal has been withdrawn and removed from the person index.")
        )
    return redirect("intake:signal_detail", signal.pk)
