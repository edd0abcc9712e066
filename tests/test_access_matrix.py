"""The access matrix: every view of the project × every role (issue 2).

``ROWS`` declares, for every URL pattern of the project, what each kind of visitor gets:
an anonymous visitor, a logged-in member who has not enrolled in two-factor yet, and a
verified member of each role (plus a *provider*: a professional of a shelter). Views with
object ids are requested with real objects of the member's own organisation and of
*another* organisation; the other organisation's objects must never answer 200.

``test_every_view_is_in_the_matrix`` walks the URL resolver, so a new view without a row
fails the suite: add it to ``ROWS``. The expectations state what the product should do;
a view that does otherwise is fixed, not excused (the five cases this matrix first found -
a referral refused without an audit event, "My referrals" for non-professionals, a
dashboard 500, the two-factor removal page sending anonymous visitors home, an open
redirect - were fixed in the views).

The objects are built once per module (and rolled back at its end); every case runs in
its own savepoint, so POST cases change nothing for the next one.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import LocalePrefixPattern
from django.utils import timezone, translation

from tests.conftest import REFERENCE_DATA_MIGRATIONS, verified_client

# --- what a response may be -------------------------------------------------------------

LOGIN = "302→login"  # redirect to the two-factor login page
SETUP = "302→2fa-setup"  # redirect to two-factor enrolment
DENIED = "403|404"  # someone else's object: refused or not found, never shown

ROLE_COLUMNS = (
    "professional",
    "provider",  # a professional of a shelter: receives care referrals
    "org_admin",
    "coordinator",
    "counsellor",  # of the national coordination centre, which answers conversations
    "counsellor_elsewhere",  # of another organisation (health care): only what is passed on
    "analyst",
)
COLUMNS = ("anonymous", "unverified", *ROLE_COLUMNS)


def expect(default: Any = 403, *, anonymous: Any = LOGIN, unverified: Any = SETUP, **roles):
    """The outcome per column: ``default`` for every role not named."""
    unknown = set(roles) - set(ROLE_COLUMNS)
    assert not unknown, f"unknown columns {unknown}"
    return {
        "anonymous": anonymous,
        "unverified": unverified,
        **{column: roles.get(column, default) for column in ROLE_COLUMNS},
    }


def only(*columns: str, status: Any = 200, default: Any = 403, **kwargs):
    """``status`` for the named roles, ``default`` (403) for every other role."""
    return expect(default, **{c: status for c in columns}, **kwargs)


EVERYONE = expect(200, anonymous=200)  # public pages; unverified members enrol first
API_KEY_ONLY = expect(401, anonymous=401)  # the partner API never accepts a web session


@dataclass(frozen=True)
class Row:
    view: str  # URL name, or "namespace:<route>" for an unnamed pattern
    expected: dict
    method: str = "get"
    target: str | None = None  # key of the URL kwargs in the world
    data: Any = None  # POST body, or a function of the world that returns it
    path: str | None = None  # for an unnamed pattern: the path to request

    @property
    def id(self) -> str:
        suffix = f"[{self.target}]" if self.target else ""
        return f"{self.method.upper()} {self.view}{suffix}"

    def url(self, world) -> str:
        if self.path:
            return self.path
        return reverse(self.view, kwargs=world.kwargs[self.target] if self.target else None)

    def body(self, world):
        return self.data(world) if callable(self.data) else (self.data or {})


def post_only(view: str, target: str | None, posted: dict, data: Any = None) -> list[Row]:
    """A POST-only view: GET answers 405 to every member (and to anonymous visitors when
    the POST is open to them); then the POST expectations."""
    anonymous = 405 if posted["anonymous"] != LOGIN else LOGIN
    return [
        Row(view, expect(405, anonymous=anonymous), target=target),
        Row(view, posted, method="post", target=target, data=data),
    ]


def file_action(view: str, coordinator: Any, target: str = "file") -> list[Row]:
    """A coordinator's POST action on a file (empty form): nobody else gets in."""
    return post_only(view, target, only("coordinator", status=coordinator))


PROFESSIONALS = ("professional", "provider")

ROWS: list[Row] = [
    # --- platform ---------------------------------------------------------------------
    Row("healthz", expect(200, anonymous=200, unverified=200)),
    Row("readyz", expect(200, anonymous=200, unverified=200)),
    Row("set_language", expect(302, anonymous=302, unverified=302)),
    Row("neutral", EVERYONE),
    Row("portal:home", EVERYONE),
    # --- login and two-factor (our audit-logged versions of the library's views) -----
    Row("login", EVERYONE),
    # Enrolled members are sent on; enrolment is the one page an unenrolled member sees.
    Row("two_factor_setup", expect(302, unverified=200)),
    # With the password given at login (or confirmed) within ZICHT_REAUTH_MINUTES; without
    # it, each of the three goes to the password confirmation first (test below).
    Row("two_factor_backup_tokens", expect(200)),
    Row("two_factor_disable", expect(200)),
    Row("accounts:reauthenticate", expect(200, unverified=200)),
    # --- accounts -----------------------------------------------------------------------
    Row("accounts:logout", expect(405, anonymous=405, unverified=405)),
    Row("accounts:organisation_select", expect(200)),
    # A membership that is no number (a tampered form) is refused, never a server error.
    Row("accounts:organisation_select", expect(400), method="post", data={"membership": "abc"}),
    # Nor can anyone switch to another user's membership (the target names whose; the view
    # takes no URL arguments).
    Row(
        "accounts:organisation_select",
        expect(400),
        method="post",
        target="membership_other",
        data=lambda w: {"membership": w.membership_other},
    ),
    Row("accounts:member_list", only("org_admin")),
    Row("accounts:member_invite", only("org_admin")),
    *post_only(
        "accounts:member_role",
        "member_other",
        only("org_admin", status=DENIED),
        data={"role": "analyst"},
    ),
    Row(
        "accounts:member_role",
        only("org_admin", status=302),
        method="post",
        target="member_own",
        data={"role": "analyst"},
    ),
    *post_only(
        "accounts:member_active",
        "member_other",
        only("org_admin", status=DENIED),
        data={"active": "0"},
    ),
    Row(
        "accounts:member_active",
        only("org_admin", status=302),
        method="post",
        target="member_own",
        data={"active": "0"},
    ),
    # Resending and withdrawing an invitation: only the organisation's administrator, and
    # only while it is open (a colleague who accepted long ago is refused with a message).
    *[
        row
        for view in ("accounts:member_invitation_resend", "accounts:member_invitation_withdraw")
        for row in (
            *post_only(view, "member_other", only("org_admin", status=DENIED)),
            Row(view, only("org_admin", status=302), method="post", target="member_own"),
        )
    ],
    # The existing-account invitations of the world belong to a third organisation.
    *post_only("accounts:invitation_resend", "invitation_own", only("org_admin", status=DENIED)),
    *post_only("accounts:invitation_withdraw", "invitation_own", only("org_admin", status=DENIED)),
    # Invitations of existing accounts: each member sees their own; only the invited
    # account answers one - accepting (or declining) someone else's invitation, or one
    # addressed to another account, is refused.
    Row("accounts:invitation_list", expect(200)),
    *[
        row
        for view in ("accounts:invitation_join", "accounts:invitation_decline")
        for row in (
            *post_only(view, "invitation_other", expect(DENIED)),
            Row(
                view,
                only("professional", status=302, default=DENIED),
                method="post",
                target="invitation_own",
            ),
        )
    ],
    # The link in an invitation e-mail; a wrong or used token is refused.
    Row("accounts:invitation_accept", expect(400, anonymous=400), target="invitation_bogus"),
    # --- audit --------------------------------------------------------------------------
    Row("audit:list", only("org_admin")),
    Row("audit:export", only("org_admin")),
    # --- API keys (web pages) and the partner API ----------------------------------------
    Row("api:key_list", only("org_admin")),
    Row("api:key_create", only("org_admin")),
    *post_only("api:key_revoke", "key_other", only("org_admin", status=DENIED)),
    Row("api:key_revoke", only("org_admin", status=302), method="post", target="key_own"),
    Row("api:schema", EVERYONE),
    Row("api:docs", EVERYONE),
    Row("api:signal-list", API_KEY_ONLY),
    Row("api:signal-detail", API_KEY_ONLY, target="api_signal_other"),
    Row("api:signal-withdraw", API_KEY_ONLY, method="post", target="api_signal_other"),
    Row("api:match-list", API_KEY_ONLY),
    Row("api:match-detail", API_KEY_ONLY, target="api_match_other"),
    Row("api:match-confirm", API_KEY_ONLY, method="post", target="api_match_other"),
    Row("api:match-reject", API_KEY_ONLY, method="post", target="api_match_other"),
    Row("api:<^v1/>", expect(404, anonymous=404), path="/api/v1/onbekend/"),
    # --- intake: the organisation's own signals, for professionals ------------------------
    Row("intake:signal_list", only(*PROFESSIONALS)),
    Row("intake:signal_create", only(*PROFESSIONALS)),
    # A search is posted (never a name in a URL) and answered with a redirect to the list.
    *post_only("intake:signal_search", None, only(*PROFESSIONALS, status=302), {"name": "Jan"}),
    Row("intake:signal_detail", only("professional", provider=DENIED), target="signal_own"),
    Row("intake:signal_detail", only(*PROFESSIONALS, status=DENIED), target="signal_other"),
    Row("intake:signal_edit", only("professional", provider=DENIED), target="signal_own"),
    Row("intake:signal_edit", only(*PROFESSIONALS, status=DENIED), target="signal_other"),
    *post_only(
        "intake:signal_withdraw",
        "signal_other",
        only(*PROFESSIONALS, status=DENIED),
        data={"reason": "Onterecht."},
    ),
    Row(
        "intake:signal_withdraw",
        only("professional", status=302, provider=DENIED),
        method="post",
        target="signal_own",
        data={"reason": "Onterecht."},
    ),
    # --- linkage: matches on the organisation's own signals -------------------------------
    Row("linkage:match_list", only(*PROFESSIONALS)),
    Row("linkage:match_detail", only("professional", provider=DENIED), target="match_own"),
    Row("linkage:match_detail", only(*PROFESSIONALS, status=DENIED), target="match_other"),
    *post_only(
        "linkage:match_undo",
        "match_other",
        only(*PROFESSIONALS, status=DENIED),
        data={"confirm": "yes"},
    ),
    # Not decided by this member: refused with a message on the match page, nothing changes.
    Row(
        "linkage:match_undo",
        only("professional", status=302, provider=DENIED),
        method="post",
        target="match_own",
        data={"confirm": "yes"},
    ),
    *post_only(
        "linkage:match_decide",
        "match_other",
        only(*PROFESSIONALS, status=DENIED),
        data={"decision": "confirm"},
    ),
    Row(
        "linkage:match_decide",
        only("professional", status=302, provider=DENIED),
        method="post",
        target="match_own",
        data={"decision": "reject"},
    ),
    # --- coordination: professionals refer and follow their own referrals ----------------
    Row(
        "coordination:referral_create",
        only("professional", provider=DENIED),
        target="signal_unreferred",
    ),
    Row(
        "coordination:referral_create",
        only(*PROFESSIONALS, status=DENIED),
        target="signal_other",
    ),
    Row("coordination:my_referrals", only(*PROFESSIONALS)),
    Row(
        "coordination:referral_detail", only("professional", default=DENIED), target="referral_own"
    ),
    Row("coordination:referral_detail", expect(DENIED), target="referral_other"),
    # --- coordination: coordinators and the (national) files ----------------------------
    Row("coordination:inbox", only("coordinator")),
    # An empty search is refused with a message; the name is never in the URL.
    *post_only("coordination:inbox_search", None, only("coordinator", status=400)),
    Row("coordination:file_detail", only("coordinator"), target="file"),
    *file_action("coordination:file_assign", 400),
    *file_action("coordination:file_screen", 400),
    *file_action("coordination:file_assess", 400),
    *file_action("coordination:measure_add", 400),
    *file_action("coordination:measure_decide", 400, target="measure"),
    *file_action("coordination:care_referral_create", 400),
    *file_action("coordination:task_create", 400),
    *file_action("coordination:task_done", 302, target="task"),
    *file_action("coordination:file_close", 400),
    *post_only(
        "coordination:file_merge",
        "file",
        only("coordinator", status=302),
        data=lambda w: {"duplicate": w.file_other.pk, "version": w.file.version},
    ),
    *file_action("coordination:file_reopen", 400),
    # --- coordination: providers (shelter, youth care) and their care referrals ----------
    Row("coordination:care_inbox", only("provider")),
    Row("coordination:annual_report", only("coordinator")),
    *post_only(
        "coordination:care_referral_act",
        "care_other",
        only("provider", status=DENIED),
        data=lambda w: {"version": w.care_other.version},
    ),
    Row(
        "coordination:care_referral_act",
        only("provider", status=302),
        method="post",
        target="care_own",
        data=lambda w: {"version": w.care_own.version},
    ),
    # --- help: the counsellors' side of the anonymous conversations. A conversation
    # belongs to one counsellor service: the coordination centre unless it was passed on
    # ("conversation_routed" went to the other counsellor's organisation) -------------
    Row("help:counsellor_inbox", only("counsellor", "counsellor_elsewhere")),
    Row(
        "help:counsellor_conversation",
        only("counsellor", counsellor_elsewhere=DENIED),
        target="conversation",
    ),
    Row(
        "help:counsellor_conversation",
        only("counsellor_elsewhere", counsellor=DENIED),
        target="conversation_routed",
    ),
    *[
        row
        for view, posted, data in (
            ("help:counsellor_reply", 400, None),  # an empty answer is refused
            ("help:counsellor_consent", 302, None),
            ("help:counsellor_handover", 302, None),
            ("help:counsellor_route", 302, lambda w: {"to": w.routable}),
            ("help:counsellor_close", 302, None),
        )
        for row in (
            Row(
                view, only("counsellor", "counsellor_elsewhere", status=405), target="conversation"
            ),
            Row(
                view,
                only("counsellor", status=posted, counsellor_elsewhere=DENIED),
                method="post",
                target="conversation",
                data=data,
            ),
            Row(
                view,
                only("counsellor_elsewhere", status=posted, counsellor=DENIED),
                method="post",
                target="conversation_routed",
                data=(lambda w: {"to": "centre"}) if data else None,
            ),
        )
    ],
    # --- help: signal hand-overs, readable by the professionals of the counsellor's own
    # organisation (and nobody else) ------------------------------------------------------
    Row("help:handover_list", only(*PROFESSIONALS)),
    Row("help:handover_detail", only("professional", provider=DENIED), target="handover_own"),
    Row("help:handover_detail", only(*PROFESSIONALS, status=DENIED), target="handover_other"),
    Row("help:handover_take_up", only(*PROFESSIONALS, status=405), target="handover_own"),
    Row(
        "help:handover_take_up",
        only("professional", status=302, provider=DENIED),
        method="post",
        target="handover_own",
    ),
    Row(
        "help:handover_take_up",
        only(*PROFESSIONALS, status=DENIED),
        method="post",
        target="handover_other",
    ),
    # --- lessons: public pages, open to everyone (tests/lessons covers them) ------------
    Row("lessons:list", EVERYONE),
    Row("lessons:detail", EVERYONE, target="lesson"),
    Row("lessons:step", EVERYONE, target="lesson_step"),
    Row("lessons:guide", EVERYONE, target="lesson"),
    # Lesson videos and their captions are public; none is uploaded in this world, so
    # everyone (no login asked) gets 404 (tests/lessons/test_video.py serves real ones).
    Row("lessons:video", expect(404, anonymous=404), target="video"),
    Row("lessons:video_captions", expect(404, anonymous=404), target="video_captions"),
    # The preview of a lesson staff are writing in the admin: staff only (no role is).
    Row("lessons:preview", expect(403), target="staff_lesson"),
    Row("lessons:preview_step", expect(403), target="staff_lesson_step"),
    # In class: a teacher asks for a start link by e-mail (no account), pupils join with
    # the code alone. An empty form is refused; without a pupil cookie there is no class
    # to play (to the join page); a bogus start link is refused.
    Row("lessons:class_start", EVERYONE),
    Row("lessons:class_start", expect(400, anonymous=400), method="post"),
    # Members of a school organisation start a class at once (no role here is one).
    *post_only("lessons:class_start_school", None, expect(403), {"lesson": "pakketje-en-bankpas"}),
    Row("lessons:class_join", EVERYONE),
    Row("lessons:class_join", expect(400, anonymous=400), method="post"),
    Row("lessons:class_play", expect(302, anonymous=302)),
    Row("lessons:class_play", expect(302, anonymous=302), method="post"),
    Row("lessons:class_status", EVERYONE),
    Row("lessons:class_confirm", expect(400, anonymous=400), target="teacher_link_bogus"),
    Row(
        "lessons:class_confirm",
        expect(400, anonymous=400),
        method="post",
        target="teacher_link_bogus",
    ),
    # The teacher's pages answer only the browser that started the class (tests/lessons
    # covers the teacher): nobody here is that teacher, and members' refusals are logged.
    Row("lessons:class_teacher", expect(DENIED, anonymous=404), target="class_session"),
    Row("lessons:class_counts", expect(DENIED, anonymous=404), target="class_session"),
    *post_only(
        "lessons:class_advance", "class_session", expect(DENIED, anonymous=404), {"to": "klusje"}
    ),
    *post_only("lessons:class_close", "class_session", expect(DENIED, anonymous=404)),
    # --- help: the conversation a coordination file was opened from, for the coordinator
    # the file is assigned to only (tests/coordination/test_help_handover.py reads it);
    # this file was not opened from a conversation and is not assigned: nobody reads it.
    Row("help:coordinator_conversation", expect(403, coordinator=DENIED), target="file"),
    # --- insight: aggregates for analysts, own organisation for its administrators ------
    Row("insight:dashboard", only("analyst", "org_admin")),
    # How the hidden number is estimated: no figures, public like the lessons (issue 14).
    Row("insight:explanation", EVERYONE),
    Row("insight:chart", only("analyst", "org_admin"), target="chart"),
    Row("insight:export", only("analyst", "org_admin"), target="export"),
    # --- the public statistics release (issue 16): open to everyone, no login. No
    # release exists in this world, so a table's CSV is not found.
    Row("public_statistics:list", EVERYONE),
    Row("public_statistics:csv", expect(404, anonymous=404), target="public_csv"),
    # The lessons' evaluation (anonymous monthly counts, suppressed) is national: analysts.
    Row("insight:lessons", only("analyst")),
    # --- monitor: administrators of a municipality (own) and national analysts ----------
    # The matrix's org_admin administers a health-care organisation: no municipality, so
    # no monitor (tests/monitor covers the municipal administrator).
    Row("monitor:overview", only("analyst")),
    Row("monitor:report", only("analyst")),
    Row("monitor:export", only("analyst")),
    Row("monitor:programme", only("analyst")),
    # Areas and targets are the municipality's own decisions: analysts only read them.
    Row("monitor:areas", expect(403)),
    Row("monitor:areas", expect(403), method="post", data={"name": "X", "codes": ["WK059901"]}),
    Row("monitor:targets", expect(403)),
    Row("monitor:targets", expect(403), method="post", data={"delete": "1"}),
]


# --- the URL patterns of the project ------------------------------------------------------

SKIPPED_NAMESPACES = ("admin",)
SKIPPED_MODULES = ("two_factor.",)  # the library's own views; ours are included
# The public help pages under /hulp/ (tests/help covers them). Named one by one, so a new
# page under /hulp/ for staff (like /hulp/gesprekken/) cannot slip past the matrix.
PUBLIC_HELP_PAGES = {
    f"help:{name}"
    for name in (
        "index",
        "selfcheck",
        "contacts",
        "neutral",
        "page",
        "conversation_home",
        "conversation_start",
        "conversation_resume",
        "conversation",
        "conversation_send",
        "conversation_consent",
        "conversation_leave",
        "conversation_left",
        "conversation_exit",
        "conversation_delete",
    )
}


@dataclass
class Pattern:
    key: str
    route: str
    i18n: bool
    module: str = ""


def project_patterns() -> list[Pattern]:
    """Every URL pattern, walked recursively (i18n_patterns included), with its key."""
    found: list[Pattern] = []

    def walk(resolver, route: str, namespace: str | None, i18n: bool) -> None:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                ns = entry.namespace
                walk(
                    entry,
                    route + str(entry.pattern),
                    f"{namespace}:{ns}" if namespace and ns else (ns or namespace),
                    i18n or isinstance(entry.pattern, LocalePrefixPattern),
                )
            elif isinstance(entry, URLPattern):
                full = route + str(entry.pattern)
                prefix = f"{namespace}:" if namespace else ""
                key = prefix + (entry.name or f"<{entry.pattern}>")
                module = getattr(entry.callback, "__module__", "") or ""
                found.append(Pattern(key, full, i18n, module))

    with translation.override(None):
        walk(get_resolver(), "", None, False)
    return found


def _skipped(pattern: Pattern) -> str | None:
    if pattern.key.split(":")[0] in SKIPPED_NAMESPACES:
        return "Django admin"
    if pattern.route.lstrip("^").startswith(("static/", "media/")):
        return "static and media files"
    if pattern.module.startswith(SKIPPED_MODULES):
        return "the two_factor library's own view"
    if pattern.key in PUBLIC_HELP_PAGES:
        return "public help page for anonymous visitors"
    return None


def test_every_view_is_in_the_matrix():
    patterns = project_patterns()
    covered = {p.key for p in patterns if _skipped(p) is None}
    declared = {row.view for row in ROWS}
    missing = sorted(covered - declared)
    assert not missing, f"add this view to the access matrix (ROWS in {__name__}): {missing}"
    stale = sorted(declared - covered)
    assert not stale, f"no such URL pattern any more, remove it from ROWS: {stale}"
    # The skip rules must not swallow ours: the counsellor pages stay in.
    assert "help:counsellor_inbox" in covered and "help:page" not in covered
    public_help = {p.key for p in patterns if p.key in PUBLIC_HELP_PAGES}
    assert public_help == PUBLIC_HELP_PAGES, "a public help page is gone: update the list"
    assert all(p.route.startswith("hulp/") for p in patterns if p.key in PUBLIC_HELP_PAGES)


def test_every_row_declares_every_column():
    ids = {row.id for row in ROWS}
    for row in ROWS:
        assert set(row.expected) == set(COLUMNS), row.id
    assert len(ids) == len(ROWS), "two rows with the same view, method and target"


# --- the world: members of each role and objects of their own and other organisations ----


def _identity(given: str, surname: str):
    from zicht.accounts.models import Municipality

    today = timezone.localdate()
    return {
        "given_names": given,
        "surname": surname,
        "date_of_birth": dt.date(today.year - 16, 1, 1),
        "sex": "M",
        "bsn": "",
        "municipality": Municipality.objects.get(code="GM0599"),
    }


def _signal(member, given: str, surname: str):
    from zicht.intake import services as intake_services

    signal, _matches = intake_services.signal_create(
        membership=member,
        data={
            "contact_date": timezone.localdate() - dt.timedelta(days=1),
            "setting": "school",
            "indicator_codes": ["school.truancy"],
            "forms": ["drug_transport"],
            "account": "Werd opgehaald door een oudere jongen.",
            "immediate_danger": False,
        },
        identity=_identity(given, surname),
    )
    return signal


def _refer(member, signal):
    from zicht.coordination import services

    return services.referral_create(
        membership=member,
        signal=signal,
        reason="Zorgen over uitbuiting als drugskoerier.",
        urgency="normal",
        consent_young_person="given",
        consent_parents="not_asked",
    )


def _match_between(signal_a, signal_b):
    from zicht.linkage.models import Match

    return Match.objects.get(
        signal_a_id__in=[signal_a.pk, signal_b.pk], signal_b_id__in=[signal_a.pk, signal_b.pk]
    )


def _conversation():
    from zicht.help import services

    return services.conversation_start(
        message="Iemand wil dat ik pakketjes wegbreng.", language="nl"
    ).conversation


def _handed_over(conversation, counsellor):
    """With the person's consent, handed over as a signal."""
    from zicht.help import services

    services.counsellor_consent_request(membership=counsellor, conversation=conversation)
    services.visitor_consent_answer(conversation=conversation, agree=True)
    services.counsellor_hand_over(membership=counsellor, conversation=conversation, kind="signal")
    return conversation


def _routed(conversation, counsellor, organisation):
    """Passed on by ``counsellor`` to the counsellors of ``organisation``."""
    from zicht.help import services

    services.counsellor_route(
        membership=counsellor, conversation=conversation, to=str(organisation.pk)
    )
    conversation.refresh_from_db()
    return conversation


def _class_session():
    from zicht.lessons import selectors, services

    return services.class_session_start(
        lesson=selectors.lesson_get(slug="pakketje-en-bankpas"), confirmation="matrix"
    )


def _staff_lesson():
    from zicht.lessons.content import lesson_files, read_file
    from zicht.lessons.models import StaffLesson

    data = read_file(lesson_files()[0]) | {"slug": "in-de-maak"}
    return StaffLesson.objects.create(slug="in-de-maak", version=1, data=data)


def _session(user, verified: bool) -> str:
    """A logged-in session (with a verified second factor, or not), kept for the module;
    each case only sets its cookie."""
    from zicht.accounts.reauth import SESSION_KEY

    client = Client()
    if verified:
        verified_client(client, user)
    else:
        client.force_login(user)
    return _with_password_at(client, SESSION_KEY, int(time.time()))


def _stale_session(user, verified: bool) -> str:
    """Logged in, but the password was given longer ago than ZICHT_REAUTH_MINUTES."""
    from zicht.accounts.reauth import SESSION_KEY, window_seconds

    client = Client()
    if verified:
        verified_client(client, user)
    else:
        client.force_login(user)
    return _with_password_at(client, SESSION_KEY, int(time.time()) - window_seconds() - 60)


def _with_password_at(client, key: str, moment: int) -> str:
    """As the login's password step leaves it: the moment of the last password."""
    session = client.session
    session[key] = moment
    session.save()
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _load_reference_data() -> None:
    """As tests/conftest.py does: a transactional test may have flushed it."""
    import importlib

    from django.apps import apps

    from zicht.accounts.models import Municipality

    if Municipality.objects.exists():
        return
    for module, function in REFERENCE_DATA_MIGRATIONS:
        getattr(importlib.import_module(module), function)(apps, None)


def _build_world():
    from tests.factories import MembershipFactory, OrganisationFactory, TOTPDeviceFactory
    from zicht.accounts.constants import OrganisationType, Role
    from zicht.api import scopes
    from zicht.api import services as api_services
    from zicht.coordination import services as coordination

    _load_reference_data()
    # "Own" is a health-care organisation: it may have counsellors (accounts.constants.
    # roles_for), whose signal hand-overs go to its own professionals.
    own = OrganisationFactory(name="Zorg Eigen", type=OrganisationType.HEALTH_CARE)
    other = OrganisationFactory(name="Politie Ander")
    third = OrganisationFactory(name="Gemeente Derde", type=OrganisationType.MUNICIPALITY)
    ministry = OrganisationFactory(name="Ministerie", type=OrganisationType.OTHER)
    centre = OrganisationFactory(name="Coördinatiecentrum", coordination=True)
    shelter = OrganisationFactory(name="Opvang Eigen", type=OrganisationType.SHELTER)
    other_shelter = OrganisationFactory(name="Opvang Ander", type=OrganisationType.SHELTER)

    def member(role, organisation, *, enrolled=True):
        membership = MembershipFactory(role=role, organisation=organisation)
        if enrolled:
            TOTPDeviceFactory(user=membership.user)
        return membership

    members = {
        "professional": member(Role.PROFESSIONAL, own),
        "provider": member(Role.PROFESSIONAL, shelter),
        "org_admin": member(Role.ORG_ADMIN, own),
        "coordinator": member(Role.COORDINATOR, centre),
        "counsellor": member(Role.COUNSELLOR, centre),
        # Made counsellor by their own administrator, in an organisation that counsels.
        "counsellor_elsewhere": member(Role.COUNSELLOR, own),
        "analyst": member(Role.ANALYST, ministry),
        # Logged in with a password, not enrolled in two-factor yet.
        "unverified": member(Role.PROFESSIONAL, own, enrolled=False),
    }
    colleague = member(Role.PROFESSIONAL, own)
    other_professional = member(Role.PROFESSIONAL, other)
    other_admin = member(Role.ORG_ADMIN, other)
    third_professional = member(Role.PROFESSIONAL, third)
    third_admin = member(Role.ORG_ADMIN, third)
    professional = members["professional"]

    # Signals: the same young person in "own" and "other" (a match of our organisation);
    # another in "other" and "third" (a match we are no party to).
    signal_own = _signal(professional, "Mohamed", "El Amrani")
    signal_other = _signal(other_professional, "Mohamed", "El Amrani")
    signal_other_2 = _signal(other_professional, "Sem", "de Vries")
    signal_third = _signal(third_professional, "Sem", "de Vries")
    signal_unreferred = _signal(professional, "Daan", "Jansen")
    match_own = _match_between(signal_own, signal_other)
    match_other = _match_between(signal_other_2, signal_third)

    referral_own = _refer(professional, signal_own)
    referral_other = _refer(other_professional, signal_other_2)
    coordinator = members["coordinator"]
    file = coordination.file_screen(
        membership=coordinator,
        file=referral_own.file,
        decision="possible_victim",
        reasons="Combinatie van signalen.",
    )
    coordination.assessment_complete(
        membership=coordinator, file=file, answers={"needs_interpreter": True}
    )
    file.refresh_from_db()
    measure = file.measures.get(kind="interpreter")
    care_own = coordination.care_referral_create(
        membership=coordinator, file=file, provider=shelter, care_type="categorical_shelter"
    )
    care_other = coordination.care_referral_create(
        membership=coordinator, file=file, provider=other_shelter, care_type="categorical_shelter"
    )
    task = coordination.task_create(
        membership=coordinator,
        file=file,
        title="Bel de school.",
        due_date=timezone.localdate() + dt.timedelta(days=3),
    )
    conversation = _conversation()
    conversation_routed = _routed(_conversation(), members["counsellor"], own)
    # Signal hand-overs go to the handing-over counsellor's own organisation (here one
    # the conversation was passed to first).
    handover_own = _handed_over(
        _routed(_conversation(), members["counsellor"], own), members["counsellor_elsewhere"]
    )
    class_session = _class_session()
    staff_lesson = _staff_lesson()
    handover_other = _handed_over(_conversation(), members["counsellor"])
    key_own, _raw = api_services.api_key_create(
        by=members["org_admin"], name="Eigen", contact=professional, scopes=list(scopes.SCOPES)
    )
    key_other, _raw = api_services.api_key_create(
        by=other_admin, name="Ander", contact=other_professional, scopes=list(scopes.SCOPES)
    )

    from zicht.accounts import services as account_services

    invitation_own, invitation_other = (
        account_services.member_invite(
            by=third_admin,
            email=invitee.user.email,
            first_name="",
            last_name="",
            role=Role.PROFESSIONAL,
        )
        for invitee in (professional, other_professional)
    )

    kwargs = {
        "membership_other": {},
        "invitation_own": {"invitation_id": invitation_own.pk},
        "invitation_other": {"invitation_id": invitation_other.pk},
        "member_own": {"member_id": colleague.pk},
        "member_other": {"member_id": other_professional.pk},
        "invitation_bogus": {"uidb64": "MTIzNDU2Nzg", "token": "abc-0123456789abcdef"},
        "key_own": {"prefix": key_own.prefix},
        "key_other": {"prefix": key_other.prefix},
        "signal_own": {"signal_id": signal_own.pk},
        "signal_other": {"signal_id": signal_other.pk},
        "signal_unreferred": {"signal_id": signal_unreferred.pk},
        "match_own": {"match_id": match_own.pk},
        "match_other": {"match_id": match_other.pk},
        "referral_own": {"referral_id": referral_own.pk},
        "referral_other": {"referral_id": referral_other.pk},
        "file": {"file_id": file.pk},
        "measure": {"file_id": file.pk, "measure_id": measure.pk},
        "task": {"file_id": file.pk, "task_id": task.pk},
        "care_own": {"care_id": care_own.pk, "action": "accept"},
        "care_other": {"care_id": care_other.pk, "action": "accept"},
        "conversation": {"pk": conversation.pk},
        "conversation_routed": {"pk": conversation_routed.pk},
        "handover_own": {"pk": handover_own.pk},
        "handover_other": {"pk": handover_other.pk},
        "api_signal_other": {"pk": signal_other.pk},  # the partner API routes take ``pk``
        "api_match_other": {"pk": match_other.pk},
        "lesson": {"slug": "pakketje-en-bankpas"},
        "teacher_link_bogus": {"token": "geen-geldige-link"},
        "class_session": {"pk": class_session.pk},
        "staff_lesson": {"pk": staff_lesson.pk},
        "video": {"key": "geen-video"},
        "video_captions": {"key": "geen-video", "lang": "nl"},
        "staff_lesson_step": {"pk": staff_lesson.pk, "step": "hoi"},
        "lesson_step": {"slug": "pakketje-en-bankpas", "step": "hoi"},
        "chart": {"kind": "source"},
        "export": {"kind": "source", "fmt": "csv"},
        "public_csv": {"year": 2025, "kind": "month"},
    }
    return SimpleNamespace(
        members=members,
        sessions={
            column: _session(m.user, column != "unverified") for column, m in members.items()
        },
        stale_sessions={
            column: _stale_session(m.user, column != "unverified") for column, m in members.items()
        },
        kwargs=kwargs,
        membership_other=other_professional.pk,
        care_own=care_own,
        care_other=care_other,
        file=file,
        file_other=referral_other.file,
        routable=str(own.pk),
    )


FAST_SETTINGS = {
    "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
    "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    "TASKS": {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module inside a transaction that is rolled back at its end."""
    with django_db_blocker.unblock(), override_settings(**FAST_SETTINGS):
        with transaction.atomic():
            with translation.override("nl"):
                built = _build_world()
            yield built
            transaction.set_rollback(True)


# --- the cases ----------------------------------------------------------------------------


def _cases():
    for row in ROWS:
        for column in COLUMNS:
            yield pytest.param(row, column, id=f"{row.id}-{column}")


def _check(response, expected) -> None:
    code = response.status_code
    where = urlsplit(response.get("Location", "")).path
    if expected == LOGIN:
        assert (code, where) == (302, reverse("two_factor:login"))
    elif expected == SETUP:
        assert (code, where) == (302, reverse("two_factor:setup"))
    elif expected == DENIED:
        assert code in (403, 404), f"someone else's object answered {code}"
    else:
        assert code == expected


@pytest.mark.parametrize(("row", "column"), list(_cases()))
def test_access(row: Row, column: str, world, db, client):
    from zicht.audit.models import AuditEvent

    user = None
    if column != "anonymous":
        user = world.members[column].user
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[column]
    last = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0

    response = getattr(client, row.method)(row.url(world), row.body(world))

    expected = row.expected[column]
    _check(response, expected)
    if user is not None and expected in (403, DENIED):
        # A refusal of a member is audit-logged (issue 2, "Bad input and failure").
        assert AuditEvent.objects.filter(seq__gt=last, actor_id=user.pk).exists(), (
            f"{response.status_code} without an audit event"
        )


I18N_KEYS = {p.key for p in project_patterns() if p.i18n}
I18N_GET_ROWS = [
    pytest.param(row, id=row.id) for row in ROWS if row.method == "get" and row.view in I18N_KEYS
]


@pytest.mark.parametrize("row", I18N_GET_ROWS)
def test_anonymous_in_english(row: Row, world, db, client):
    """The i18n-prefixed patterns answer the same under /en/ (the login page in English)."""
    with translation.override("en"):
        url = row.url(world)
        assert url.startswith("/en/")
        response = client.get(url)
        _check(response, row.expected["anonymous"])


# Pages that show personal data are never kept by the browser or a proxy (issue 10): one
# page of each kind, as the member who may see it.
NO_STORE_CASES = [
    ("intake:signal_list", None, "professional"),
    ("intake:signal_detail", "signal_own", "professional"),
    ("linkage:match_list", None, "professional"),
    ("linkage:match_detail", "match_own", "professional"),
    ("coordination:file_detail", "file", "coordinator"),
    ("coordination:referral_detail", "referral_own", "professional"),
    ("help:counsellor_inbox", None, "counsellor"),
    ("help:counsellor_conversation", "conversation", "counsellor"),
    ("help:handover_detail", "handover_own", "professional"),
    ("insight:export", "export", "analyst"),
    ("audit:list", None, "org_admin"),
    ("audit:export", None, "org_admin"),
    ("accounts:member_list", None, "org_admin"),
    ("portal:home", None, "professional"),
]


@pytest.mark.parametrize(("view", "target", "column"), NO_STORE_CASES)
def test_personal_pages_are_not_stored(view, target, column, world, db, client):
    client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[column]
    response = client.get(reverse(view, kwargs=world.kwargs[target] if target else None))
    assert response.status_code == 200
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-store", "no-cache", "private"} <= cache_control, cache_control


# The two-factor changes need the password within ZICHT_REAUTH_MINUTES (issue 10): with a
# stale password every member - enrolled or about to enrol - is sent to confirm it first.
REAUTH = "302→reauthenticate"
REAUTH_ROWS = [
    ("two_factor_setup", expect(REAUTH, unverified=REAUTH)),
    ("two_factor_backup_tokens", expect(REAUTH)),
    ("two_factor_disable", expect(REAUTH)),
    ("accounts:reauthenticate", expect(200, unverified=200)),
]


@pytest.mark.parametrize(
    ("view", "column", "expected"),
    [
        pytest.param(view, column, expected[column], id=f"{view}-{column}")
        for view, expected in REAUTH_ROWS
        for column in COLUMNS
    ],
)
def test_two_factor_changes_without_a_recent_password(view, column, expected, world, db, client):
    if column != "anonymous":
        client.cookies[settings.SESSION_COOKIE_NAME] = world.stale_sessions[column]
    url = reverse(view)
    response = client.get(url)
    if expected == REAUTH:
        assert response.status_code == 302
        location = urlsplit(response["Location"])
        assert location.path == reverse("accounts:reauthenticate")
        assert location.query == urlencode({"next": url})
    else:
        _check(response, expected)


# --- the matrix against the policy (issue 19) ------------------------------------------------
# zicht/access/policy.py states who may do what; the rows above are what real requests
# answer. Here the two must agree for every row and role: a role the policy admits is never
# refused outright (403) - though someone else's object may be (DENIED) -, and a role it
# does not admit is always refused (a GET of a POST-only page may answer 405 first).


def _agrees(row: Row, column: str, world) -> str | None:
    from zicht.access.policy import Audience, action_for_view, allows

    rule = action_for_view(row.view)
    if rule is None:
        return "no action in the policy"
    got = row.expected[column]
    if column == "anonymous":
        public = rule.audience is Audience.PUBLIC
        if public and got == LOGIN:
            return "public in the policy, but asks anonymous visitors to log in"
        post_only_get = row.method == "get" and got == 405
        if (
            not public
            and rule.audience is not Audience.API_KEY
            and got != LOGIN
            and not post_only_get
        ):
            return f"not public in the policy, but anonymous visitors get {got}"
        return None
    if column == "unverified":
        return None  # enrolment first, whatever the action (the accounts middleware)
    if rule.audience is Audience.API_KEY:
        # Unknown API paths are not found for anyone.
        return None if got in (401, 404) else f"API-key action answered {got} to a web session"
    admitted = allows(rule.code, world.members[column])
    if admitted and got == 403:
        return "admitted by the policy, refused by the view"
    if not admitted and got not in (403, DENIED) and not (row.method == "get" and got == 405):
        return f"refused by the policy, but the view answers {got}"
    return None


def test_the_matrix_agrees_with_the_policy(world, db):
    disagreements = [
        f"{row.id} as {column}: {problem}"
        for row in ROWS
        for column in COLUMNS
        if (problem := _agrees(row, column, world))
    ]
    assert not disagreements, "\n".join(disagreements)
