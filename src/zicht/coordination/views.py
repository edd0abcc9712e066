"""Views of the coordination app. Thin: forms in, one service call, redirect."""

from functools import partial, wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zicht.access.policy import allows
from zicht.accounts.selectors import organisation_list
from zicht.audit import services as audit
from zicht.audit.catalogue import AuditAction
from zicht.coordination import forms, permissions, selectors, services, workflow
from zicht.coordination.assessment import proposal_reasons
from zicht.coordination.constants import ADULT_AGE, CareStatus, FileStatus, MeasureStatus, Question
from zicht.coordination.limits import LONG_TEXT_MAX_LENGTH
from zicht.coordination.models import FollowUpTask, Measure
from zicht.core.crypto import DecryptionError, decrypt_text, encrypt_text
from zicht.intake import selectors as intake_selectors

INBOX_PER_PAGE = 50
PER_PAGE = 25


def _record_denied(request, action: AuditAction = AuditAction.COORDINATION_ACCESS_DENIED) -> None:
    audit.record(
        action=action,
        actor=request.user,
        organisation=getattr(request.membership, "organisation", None),
        details={"path": request.path[:200]},
    )


def _denied(request, message: str, action: AuditAction = AuditAction.COORDINATION_ACCESS_DENIED):
    _record_denied(request, action)
    return render(request, "coordination/denied.html", {"message": message}, status=403)


def _coordinator(request):
    if not permissions.is_coordinator(request.membership):
        _record_denied(request)
        raise PermissionDenied
    return request.membership


def _apply_errors(form, exc: ValidationError):
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


# --- professionals ------------------------------------------------------------------------


@login_required
def referral_create(request, signal_id):
    membership = request.membership
    if not allows("referral.make", membership):
        return _denied(request, _("Only professionals refer signals."))
    try:
        signal = intake_selectors.signal_get(membership=membership, signal_id=signal_id)
    except Http404:
        audit.record(
            action=AuditAction.COORDINATION_SIGNAL_NOT_FOUND,
            actor=request.user,
            organisation=membership.organisation,
            object_type="signal",
            object_id=signal_id,
        )
        raise
    if not permissions.can_refer(membership, signal):
        return _denied(request, _("Only the author of a signal can refer it."))
    existing = selectors.referral_for_signal(membership=membership, signal_id=signal.pk)
    if existing is not None:
        messages.info(request, _("This signal has already been referred."))
        return redirect("coordination:referral_detail", existing.pk)
    is_minor = signal.age_at_contact is not None and signal.age_at_contact < ADULT_AGE
    initial = {"urgency": "acute" if signal.immediate_danger else "normal"}
    if signal.age_at_contact is not None and not is_minor:
        initial["consent_parents"] = "not_applicable"
    form = forms.ReferralForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.referral_create(
                membership=membership, signal=signal, **form.cleaned_data
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            if referral.kind == "anonymous":
                messages.success(
                    request,
                    _(
                        "Without consent an adult cannot be referred with identity. An "
                        "anonymous notification has been counted; the coordination centre "
                        "does not see who it is about."
                    ),
                )
            else:
                messages.success(
                    request,
                    _("Referred to the coordination centre. You can follow the status here."),
                )
            return redirect("coordination:referral_detail", referral.pk)
    return render(
        request,
        "coordination/referral_form.html",
        {"form": form, "signal": signal, "is_minor": is_minor, "age": signal.age_at_contact},
    )


@login_required
def my_referrals(request):
    membership = request.membership
    if not allows("referral.make", membership):
        return _denied(request, _("Only professionals refer signals."))
    page = Paginator(selectors.referrals_of(membership=membership), PER_PAGE).get_page(
        request.GET.get("page")
    )
    # The young person of each referred signal, decrypted for this page only and only for
    # the recording organisation (signal_rows leaves out any other organisation's signal).
    young = {
        row.signal.pk: row
        for row in intake_selectors.signal_rows(
            membership=membership, signal_ids=[r.signal_id for r in page if r.signal_id]
        )
    }
    audit.record(
        action=AuditAction.INTAKE_SIGNAL_LIST_VIEWED,
        actor=request.user,
        organisation=membership.organisation,
        details={"signals": [str(pk) for pk in young], "page": page.number, "list": "referrals"},
    )
    return render(
        request,
        "coordination/my_referrals.html",
        {
            "page": page,
            "referrals": [(r, selectors.referrer_status(r), young.get(r.signal_id)) for r in page],
            "is_provider": permissions.is_provider(membership),
            "care_open": selectors.care_inbox(membership=membership)
            .filter(status__in=(CareStatus.REQUESTED, CareStatus.ACCEPTED))
            .count(),
        },
    )


@login_required
def referral_detail(request, referral_id):
    membership = request.membership
    try:
        referral = selectors.referral_get(membership=membership, referral_id=referral_id)
    except Http404:
        audit.record(
            action=AuditAction.COORDINATION_REFERRAL_NOT_FOUND,
            actor=request.user,
            organisation=getattr(membership, "organisation", None),
            object_type="referral",
            object_id=referral_id,
        )
        raise
    return render(
        request,
        "coordination/referral_detail.html",
        {
            "referral": referral,
            "status": selectors.referrer_status(referral),
            "steps": selectors.referrer_timeline(membership=membership, referral=referral),
        },
    )


# --- coordinators ---------------------------------------------------------------------------


#: Session key of the held inbox search. The text may be a name: it is kept encrypted in
#: the (server-side) session and never put in a URL, as in the intake signal search.
SEARCH_SESSION_KEY = "coordination.inbox_search"


def _held_search(request) -> selectors.InboxSearch:
    held = request.session.get(SEARCH_SESSION_KEY)
    if not held:
        return selectors.InboxSearch()
    try:
        return selectors.InboxSearch(text=decrypt_text(held))
    except (DecryptionError, ValueError):
        request.session.pop(SEARCH_SESSION_KEY, None)
        return selectors.InboxSearch()


def _inbox_page(request, membership, *, search_form=None, status=200):
    form = forms.InboxFilterForm(request.GET or None)
    view = (form.cleaned_data.get("view") if form.is_valid() else "") or "open"
    search = _held_search(request)
    files = selectors.inbox_files(membership=membership, view=view, search=search)
    page = Paginator(files, INBOX_PER_PAGE).get_page(request.GET.get("page"))
    # Names are shown to coordinators: decrypted for this page only, one audit event per
    # page view with the file ids (never a name or the search text).
    people = selectors.inbox_people(membership=membership, files=list(page))
    audit.record(
        action=AuditAction.COORDINATION_INBOX_VIEWED,
        actor=request.user,
        organisation=membership.organisation,
        details={
            "files": [f.pk for f in page],
            "identities_shown": len(people),
            "page": page.number,
            "view": view,
            "search": bool(search),
        },
    )
    return render(
        request,
        "coordination/inbox.html",
        {
            "form": form,
            "search_form": search_form or forms.InboxSearchForm(initial={"q": search.text}),
            "searching": bool(search),
            "page": page,
            "rows": selectors.inbox_rows(page, people=people),
            "query": urlencode({"view": view}),
            "view": view,
            "anonymous_count": selectors.anonymous_notification_count(membership=membership),
            "today": timezone.localdate(),
        },
        status=status,
    )


@login_required
def inbox(request):
    membership = _coordinator(request)
    return _inbox_page(request, membership)


@login_required
@require_POST
def inbox_search(request):
    """Hold a search by name, file or signal number (POST-redirect-GET: no name in a URL)."""
    membership = _coordinator(request)
    if "clear" in request.POST:
        request.session.pop(SEARCH_SESSION_KEY, None)
        return redirect("coordination:inbox")
    form = forms.InboxSearchForm(request.POST)
    if not form.is_valid():
        request.session.pop(SEARCH_SESSION_KEY, None)
        return _inbox_page(request, membership, search_form=form, status=400)
    request.session[SEARCH_SESSION_KEY] = encrypt_text(form.cleaned_data["q"])
    return redirect("coordination:inbox")


def _file_context(request, membership, file, **bound):
    """Everything the file page shows, with the forms bound to a refused input in
    ``bound`` (by form key) and fresh ones otherwise. Opening the page is audit-logged."""
    sources = selectors.file_sources(membership=membership, file=file)
    audit.record(
        action=AuditAction.COORDINATION_FILE_VIEWED,
        actor=request.user,
        organisation=membership.organisation,
        object_type="coordination_file",
        object_id=file.pk,
        details={"identities_shown": sum(1 for s in sources if s.identity_shown)},
    )
    assessment = getattr(file, "assessment", None) if hasattr(file, "assessment") else None
    open_statuses = (FileStatus.SCREENING, FileStatus.MORE_INFORMATION)
    # The organisations a measure can be given to, the likely ones first (two forms use it).
    owners = {
        "organisations": organisation_list(),
        "likely_owners": selectors.likely_measure_owners(membership=membership, file=file),
    }
    return {
        "file": file,
        "sources": sources,
        "assessment": assessment,
        "measures": _measure_rows(file, assessment, owners, bound),
        "care_referrals": file.care_referrals.select_related("provider"),
        "tasks": file.tasks.select_related("assigned_to"),
        "timeline": file.timeline.select_related("actor", "organisation"),
        "actions": workflow.allowed_actions(workflow.FILE, file.status),
        "duplicates": selectors.duplicate_files(membership=membership, file=file)
        if file.status not in (FileStatus.CLOSED, FileStatus.MERGED)
        else [],
        "awaiting_screening": file.status in open_statuses,
        "can_measure": file.status in (FileStatus.ASSESSMENT, FileStatus.SUPPORT),
        "overdue": file.status in open_statuses and file.screening_deadline < timezone.localdate(),
        **_file_forms(membership, file, assessment, owners, bound),
        "MeasureStatus": MeasureStatus,
        "handover_code": selectors.handover_code(membership=membership, file=file),
        "reads_handover": file.assigned_to_id == membership.user_id,
    }


def _measure_rows(file, assessment, owners, bound) -> list[tuple]:
    """Per measure: the measure, why the assessment proposed it, its decision form and
    the actions its status allows."""
    labels = dict(Question.choices)
    reasons = {
        kind: [labels[code] for code in codes]
        for kind, codes in proposal_reasons(assessment.answers if assessment else {}).items()
    }
    return [
        (
            m,
            reasons.get(m.kind, []) if m.proposed_by_assessment else [],
            bound.get(f"measure_{m.pk}")
            or forms.MeasureDecisionForm(
                initial={"version": file.version, "owner": m.owner_id},
                auto_id=f"measure{m.pk}_%s",
                **owners,
            ),
            workflow.allowed_actions(workflow.MEASURE, m.status),
        )
        for m in file.measures.select_related("owner")
    ]


def _assessment_initial(file, assessment) -> dict:
    """The assessment form's start: the saved answers and note, so saving again keeps
    them; for a new assessment of a minor, the question "minor" already ticked."""
    initial = {"version": file.version}
    if assessment is not None:
        initial.update(assessment.answers)
        initial["note"] = assessment.note
    elif file.age_at_referral is not None and file.age_at_referral < ADULT_AGE:
        initial[Question.MINOR.value] = True
    return initial


def _file_forms(membership, file, assessment, owners, bound) -> dict:
    """The page's forms by context name; each carries the file version it was shown at."""
    v = {"version": file.version}
    assigned = next(
        (str(m.pk) for m in selectors.coordinators() if m.user_id == file.assigned_to_id), ""
    )
    can_close = "close" in workflow.allowed_actions(workflow.FILE, file.status)
    return {
        "assign_form": bound.get("assign")
        or forms.AssignForm(
            initial={**v, "coordinator": assigned}, coordinators=selectors.coordinators()
        ),
        "screening_form": bound.get("screen") or forms.ScreeningForm(initial=v),
        "assessment_form": bound.get("assess")
        or forms.AssessmentForm(initial=_assessment_initial(file, assessment)),
        "measure_add_form": bound.get("measure_add") or forms.MeasureAddForm(initial=v, **owners),
        "care_form": bound.get("care")
        or forms.CareReferralForm(initial=v, providers=selectors.providers()),
        "task_form": bound.get("task") or forms.TaskForm(),
        "close_form": bound.get("close")
        or forms.CloseForm(
            initial=v,
            open_items=selectors.file_open_work(membership=membership, file=file)
            if can_close
            else (),
        ),
        "reopen_form": bound.get("reopen") or forms.ReopenForm(initial=v),
    }


@login_required
def file_detail(request, file_id):
    membership = _coordinator(request)
    file = selectors.file_get(membership=membership, file_id=file_id)
    return render(
        request, "coordination/file_detail.html", _file_context(request, membership, file)
    )


def _file_action(view):
    """A coordinator's POST action on one file: ``view(request, membership, file, **kwargs)``.

    Refuses anyone but a coordinator and loads the file through the access-checked
    selector before the view runs.
    """

    @wraps(view)
    def action(request, file_id, **kwargs):
        membership = _coordinator(request)
        file = selectors.file_get(membership=membership, file_id=file_id)
        return view(request, membership, file, **kwargs)

    return login_required(require_POST(action))


def _submit(request, file, key, form, call, success):
    """Submit ``form`` to ``call``; on a refusal show the file page again, the input kept.

    ``call`` gets the form's ``service_arguments()``. On success: ``success`` as a
    message and back to the file. A decision on an outdated version answers 409 (and
    is recorded), any other refusal 400; ``key`` names the form in the page context.
    """
    membership = request.membership
    if form.is_valid():
        try:
            call(**form.service_arguments())
        except services.StaleFileError as exc:
            messages.error(request, " ".join(exc.messages))
            form.add_error(None, exc)
            audit.record(
                action=AuditAction.COORDINATION_STALE_EDIT_REFUSED,
                actor=request.user,
                organisation=membership.organisation,
                object_type="coordination_file",
                object_id=file.pk,
                details={"form": key},
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            _apply_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect("coordination:file_detail", file.pk)
    file = selectors.file_get(membership=membership, file_id=file.pk)
    context = _file_context(request, membership, file, **{key: form})
    return render(
        request,
        "coordination/file_detail.html",
        context,
        status=409
        if any(e.code == "stale" for e in form.errors.as_data().get("__all__", []))
        else 400,
    )


def _attempt(request, call, success, *to):
    """Call a service without a form: its refusal or ``success`` as a message, then ``to``."""
    try:
        call()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, success)
    return redirect(*to)


@_file_action
def file_assign(request, membership, file):
    form = forms.AssignForm(request.POST, coordinators=selectors.coordinators())
    call = partial(services.file_assign, membership=membership, file=file)
    return _submit(request, file, "assign", form, call, _("Assignment saved."))


@_file_action
def file_screen(request, membership, file):
    form = forms.ScreeningForm(request.POST)
    call = partial(services.file_screen, membership=membership, file=file)
    return _submit(request, file, "screen", form, call, _("Screening decision recorded."))


@_file_action
def file_assess(request, membership, file):
    form = forms.AssessmentForm(request.POST)
    call = partial(services.assessment_complete, membership=membership, file=file)
    success = _("Assessment saved. Decide on the proposed measures below.")
    return _submit(request, file, "assess", form, call, success)


@_file_action
def measure_decide(request, membership, file, measure_id):
    measure = get_object_or_404(Measure, pk=measure_id, file=file)
    form = forms.MeasureDecisionForm(
        request.POST,
        organisations=organisation_list(),
        likely_owners=selectors.likely_measure_owners(membership=membership, file=file),
        auto_id=f"measure{measure.pk}_%s",
    )
    call = partial(services.measure_decide, membership=membership, measure=measure)
    return _submit(request, file, f"measure_{measure.pk}", form, call, _("Measure updated."))


@_file_action
def measure_add(request, membership, file):
    form = forms.MeasureAddForm(
        request.POST,
        organisations=organisation_list(),
        likely_owners=selectors.likely_measure_owners(membership=membership, file=file),
    )
    call = partial(services.measure_add, membership=membership, file=file)
    return _submit(request, file, "measure_add", form, call, _("Measure added."))


@_file_action
def care_referral_create(request, membership, file):
    form = forms.CareReferralForm(request.POST, providers=selectors.providers())
    call = partial(services.care_referral_create, membership=membership, file=file)
    success = _("Care requested. The provider has been notified.")
    return _submit(request, file, "care", form, call, success)


@_file_action
def task_create(request, membership, file):
    form = forms.TaskForm(request.POST)
    call = partial(services.task_create, membership=membership, file=file)
    return _submit(request, file, "task", form, call, _("Task added."))


@_file_action
def task_done(request, membership, file, task_id):
    task = get_object_or_404(FollowUpTask, pk=task_id, file=file)
    call = partial(services.task_complete, membership=membership, task=task)
    return _attempt(request, call, _("Task done."), "coordination:file_detail", file.pk)


@_file_action
def file_close(request, membership, file):
    form = forms.CloseForm(
        request.POST, open_items=selectors.file_open_work(membership=membership, file=file)
    )
    call = partial(services.file_close, membership=membership, file=file)
    return _submit(request, file, "close", form, call, _("File closed."))


@_file_action
def file_reopen(request, membership, file):
    form = forms.ReopenForm(request.POST)
    call = partial(services.file_reopen, membership=membership, file=file)
    return _submit(request, file, "reopen", form, call, _("File reopened: screen it again."))


@_file_action
def file_merge(request, membership, file):
    form = forms.MergeForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            _(
                "The files have not been merged: the request was incomplete or out of date. "
                "Reload the file and try again."
            ),
        )
        return redirect("coordination:file_detail", file.pk)
    duplicate = selectors.file_get(membership=membership, file_id=form.cleaned_data["duplicate"])
    call = partial(
        services.file_merge,
        membership=membership,
        file=file,
        duplicate=duplicate,
        expected_version=form.cleaned_data["version"],
    )
    success = _("File %(other)s has been merged into this file.") % {"other": duplicate.reference}
    return _attempt(request, call, success, "coordination:file_detail", file.pk)


# --- providers --------------------------------------------------------------------------------


@login_required
def care_inbox(request):
    membership = request.membership
    if not permissions.is_provider(membership):
        return _denied(
            request, _("Only shelter and youth-care organisations receive care referrals.")
        )
    page = Paginator(selectors.care_inbox(membership=membership), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "coordination/care_inbox.html",
        {
            "page": page,
            "care_referrals": [
                (
                    c,
                    forms.CareActionForm(initial={"version": c.version}),
                    workflow.allowed_actions(workflow.CARE, c.status),
                )
                for c in page
            ],
            "reason_max_length": LONG_TEXT_MAX_LENGTH,
        },
    )


@login_required
@require_POST
def care_referral_act(request, care_id, action):
    membership = request.membership
    care = selectors.care_referral_get(care_id=care_id)
    form = forms.CareActionForm(request.POST)
    if not form.is_valid():
        if "version" in form.errors:
            messages.error(request, _("The form was out of date; try again."))
        else:
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("coordination:care_inbox")
    call = partial(
        services.care_referral_act,
        membership=membership,
        care_referral=care,
        action=action,
        **form.service_arguments(),
    )
    try:
        return _attempt(request, call, _("Care referral updated."), "coordination:care_inbox")
    except PermissionDenied as exc:
        return render(
            request, "coordination/denied.html", {"message": " ".join(exc.args)}, status=403
        )
