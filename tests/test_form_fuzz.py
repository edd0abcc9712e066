"""Every web form and view that takes an id or a choice, fed bad values (issue 10).

The forms are found, not listed: every page of the access matrix (``tests/test_access_matrix``)
is requested as a member of a role that may see it, the public help pages as an anonymous
visitor and as one with a conversation, and every ``<form>`` on them is read. Each field
that carries an id or a choice (a select, a radio button, a checkbox with a value, a
number, a hidden id, a named submit button) is submitted, by whoever saw it, with a
non-numeric, a negative, a huge and - when a browser always sends the field - a missing
value; every URL keyword of every view is replaced by the same values. The answer must be
a 400/403/404/409 (405 for a GET on a POST-only view) or the form again with an error,
never a 500, and the database must be exactly as before.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils import translation

from tests import test_access_matrix as matrix

BAD_VALUES = {
    "non-numeric": "abc",
    "negative": "-1",
    "huge": "9" * 30,
    "missing": None,
}
# What a bad value may answer. 200 and 302 are the form again with an error (as a page
# or as a message after a redirect); the unchanged database shows that nothing was done.
# 409: a version number that is not the file's (someone else changed it meanwhile).
ALLOWED = {200, 302, 400, 403, 404, 405, 409}
# Not compared: refusals are audit-logged, which is a write we want.
NOT_COMPARED = {"audit"}


# --- reading the forms of a page ----------------------------------------------------------


@dataclass
class Field:
    name: str
    kind: str  # select, radio, checkbox, number, hidden, button, text
    values: list[str] = field(default_factory=list)  # submitted as the page stands
    required: bool = False
    options: list[str] = field(default_factory=list)  # checkbox, radio and select values

    @property
    def always_sent(self) -> bool:
        """Whether a browser always sends the field from this page, so that leaving it
        out is bad input: required, a hidden id, a button, a select without a blank."""
        if self.required or self.kind == "button":
            return True
        if self.kind == "select":
            return bool(self.options) and "" not in self.options
        return self.kind == "hidden" and self.takes_id_or_choice

    @property
    def takes_id_or_choice(self) -> bool:
        if self.kind in ("select", "radio", "number", "button"):
            return True
        if self.kind == "checkbox":  # a yes/no box has no value; a choice box has one
            return bool(self.options)
        if self.kind == "hidden":
            return bool(self.values) and all(v.isdigit() for v in self.values)
        return False


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, Field] = field(default_factory=dict)

    def base_data(self) -> dict[str, list[str]]:
        """What the browser sends as the page stands (the first named button pressed)."""
        data: dict[str, list[str]] = {}
        button_sent = False
        for f in self.fields.values():
            if f.kind == "button":
                if not button_sent and f.values:
                    data[f.name] = f.values[:1]
                    button_sent = True
            elif f.values:
                data[f.name] = list(f.values)
        return data


class FormParser(HTMLParser):
    def __init__(self, page_url: str):
        super().__init__()
        self.page_url = page_url
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._option_value: str | None = None
        self._first_option: str | None = None
        self._textarea: Field | None = None

    def _field(self, name: str, kind: str, required: bool) -> Field:
        found = self._form.fields.setdefault(name, Field(name, kind))
        found.required = found.required or required
        return found

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            action = a.get("action") or self.page_url
            self._form = Form(action=action, method=(a.get("method") or "get").lower())
            self.forms.append(self._form)
            return
        if self._form is None or not a.get("name") or a.get("name") == "csrfmiddlewaretoken":
            if tag == "option" and self._select is not None:
                self._option(a)
            return
        name, required = a["name"], "required" in a
        if tag == "input":
            kind = a.get("type", "text")
            if kind in ("submit", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio"):
                f = self._field(name, kind, required)
                if "checked" in a:  # unchecked boxes send nothing
                    f.values.append(a.get("value", "on"))
                if "value" in a:
                    f.options.append(a["value"])
                return
            kind = kind if kind in ("hidden", "number") else "text"
            self._field(name, kind, required).values.append(a.get("value", ""))
        elif tag == "select":
            self._select = self._field(name, "select", required)
            self._first_option = None
        elif tag == "textarea":
            self._textarea = self._field(name, "text", required)
            self._textarea.values.append("")
        elif tag == "button" and a.get("type", "submit") == "submit":
            self._field(name, "button", False).values.append(a.get("value", ""))

    def _option(self, a):
        value = a.get("value", "")
        self._select.options.append(value)
        if self._first_option is None:
            self._first_option = value
        if "selected" in a:
            self._select.values.append(value)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None:
            if not self._select.values and self._first_option is not None:
                self._select.values.append(self._first_option)
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.values[-1] += data


# --- the world: the access matrix's members and objects ----------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The access matrix's world (members of each role, their objects), built once for the
    module in a transaction rolled back at its end; the forms of its pages, read once."""
    with django_db_blocker.unblock(), override_settings(**matrix.FAST_SETTINGS):
        with transaction.atomic():
            with translation.override("nl"):
                built = matrix._build_world()
                _make_the_match_possible(built)
                built.sessions["visitor"] = _visitor_asked_for_consent(built)
                built.forms = _read_forms(built)
            yield built
            transaction.set_rollback(True)


def _client(world, column: str | None) -> Client:
    client = Client()
    if column is not None:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[column]
    return client


def _make_the_match_possible(world) -> None:
    """The world's match of the own signal is exact and so confirmed at once; as a
    possible match its page shows the confirm/reject form, which is what we fuzz."""
    from zicht.linkage.constants import MatchStatus
    from zicht.linkage.models import Match

    match = Match.objects.filter(pk=world.kwargs["match_own"]["match_id"])
    match.update(status=MatchStatus.POSSIBLE, decided_at=None, decided_by=None)


def _visitor_asked_for_consent(world) -> str:
    """The session of an anonymous visitor whose conversation waits for their consent,
    so the visitor's conversation page shows its forms (consent, send, leave)."""
    from zicht.help import services
    from zicht.help.views import SESSION_KEY

    conversation = matrix._conversation()
    services.counsellor_consent_request(
        membership=world.members["counsellor"], conversation=conversation
    )
    client = Client()
    session = client.session
    session[SESSION_KEY] = conversation.pk
    session.save()
    return session.session_key


def _forms_hidden_in_this_world(world) -> list[tuple[str, str, Form]]:
    """Forms that the world's objects do not show (the file is screened and open, the
    conversation has no consent yet), as their pages would."""
    from zicht.coordination.constants import ScreeningDecision

    def form(view, target, fields):
        url = reverse(view, kwargs=world.kwargs[target])
        return Form(action=url, method="post", fields={f.name: f for f in fields})

    version = [str(world.file.version)]
    return [
        (
            "coordinator",
            form(
                "coordination:file_merge",
                "file",
                [
                    Field("duplicate", "hidden", [str(world.file_other.pk)]),
                    Field("version", "hidden", version),
                ],
            ),
        ),
        (
            "coordinator",
            form(
                "coordination:file_screen",
                "file",
                [
                    Field("version", "hidden", version),
                    Field(
                        "decision",
                        "select",
                        [ScreeningDecision.values[0]],
                        options=list(ScreeningDecision.values),
                    ),
                    Field("reasons", "text", ["Zorgen."], required=True),
                ],
            ),
        ),
        (
            "coordinator",
            form(
                "coordination:file_reopen",
                "file",
                [
                    Field("version", "hidden", version),
                    Field("reason", "text", ["Nieuwe zorgen."], required=True),
                ],
            ),
        ),
        (
            "counsellor",
            form(
                "help:counsellor_handover",
                "conversation",
                [Field("kind", "select", ["signal"], options=["signal", "referral"])],
            ),
        ),
    ]


def _role_for(row: matrix.Row) -> str | None:
    """The first role that the access matrix lets through this row (not refused)."""
    for column in matrix.ROLE_COLUMNS:
        outcome = row.expected[column]
        if outcome in (200, 302, 400):
            return column
    return None


def _view_of(url: str) -> str | None:
    path = urlsplit(url).path
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name if match.url_name else f"{match.namespace}:<{match.route}>"


def _read_forms(world) -> dict[str, list[tuple[str | None, Form]]]:
    """Every form on every page the matrix shows with 200, by the view it submits to,
    with the column (role) that saw it; each form once (the first role that sees it)."""
    pages: list[tuple[str | None, str]] = []
    for row in matrix.ROWS:
        if row.method != "get" or row.path:
            continue
        column = next((c for c in matrix.ROLE_COLUMNS if row.expected[c] == 200), None)
        if column is not None:
            pages.append((column, row.url(world)))
    for name in sorted(matrix.PUBLIC_HELP_PAGES):
        try:
            url = reverse(name)
        except NoReverseMatch:  # a page with a slug; its forms are the same
            continue
        pages += [(None, url), ("visitor", url)]  # a visitor has a conversation
    found: dict[str, list[tuple[str | None, Form]]] = {}
    seen: set = set()
    for column, url in pages:
        response = _client(world, column).get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        parser = FormParser(url)
        parser.feed(response.content.decode())
        for form in parser.forms:
            view = _view_of(form.action)
            key = (view, form.method, tuple(sorted(form.fields)))
            if view is None or key in seen:
                continue
            seen.add(key)
            found.setdefault(view, []).append((column, form))
    for column, form in _forms_hidden_in_this_world(world):
        view = _view_of(form.action)
        if view not in found:
            found[view] = [(column, form)]
    return found


# --- the database must not change -----------------------------------------------------------


def _snapshot() -> str:
    """A digest of every row of every zicht table (raw SQL: nothing is decrypted)."""
    digest = hashlib.sha256()
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            if not model.__module__.startswith("zicht.") or model._meta.app_label in NOT_COMPARED:
                continue
            table = connection.ops.quote_name(model._meta.db_table)
            pk = connection.ops.quote_name(model._meta.pk.column)
            cursor.execute(f"SELECT * FROM {table} ORDER BY {pk}")  # noqa: S608 - our names
            digest.update(f"{table}:{cursor.fetchall()!r}".encode())
    return digest.hexdigest()


# --- the cases ------------------------------------------------------------------------------


def _views() -> list[str]:
    keys = {p.key for p in matrix.project_patterns() if matrix._skipped(p) is None}
    return sorted(keys | matrix.PUBLIC_HELP_PAGES | {"set_language"})


def _cases():
    for view in _views():
        for label in BAD_VALUES:
            yield pytest.param(view, label, id=f"{view}-{label}")


def _url_cases(world, view: str, bad: str | None):
    """(column, method, url) for each URL keyword of ``view`` replaced by ``bad``."""
    for row in matrix.ROWS:
        if row.view != view or not row.target or row.path:
            continue
        column = _role_for(row)
        if column is None:
            continue
        kwargs = world.kwargs[row.target]
        for name in kwargs:
            sentinel = {**kwargs, name: "zz-sentinel-zz"}
            try:
                url = reverse(view, kwargs=sentinel)
            except NoReverseMatch:  # an int or uuid keyword: put the bad value in by hand
                url = reverse(view, kwargs=kwargs).replace(f"/{kwargs[name]}/", "/zz-sentinel-zz/")
            yield column, row.method, url.replace("zz-sentinel-zz", bad or "")


def _form_cases(world, view: str, bad: str | None):
    """(column, method, url, data) per id or choice field of each form of ``view``."""
    for column, form in world.forms.get(view, []):
        base = form.base_data()
        for f in form.fields.values():
            if not f.takes_id_or_choice:
                continue
            if bad is None and not f.always_sent:
                continue  # leaving out an optional field is valid input
            data = {k: v for k, v in base.items() if k != f.name}
            if bad is not None:
                data[f.name] = [bad]
            yield column, form.method, form.action, data


def _check(world, before: str, client_column, method, url, data=None) -> str | None:
    """None when ``url`` answered an allowed status and changed nothing (each case runs
    in a savepoint that is rolled back, so the database is ``before`` for every case)."""
    client = _client(world, client_column)
    try:
        resolve(urlsplit(url).path)
    except Resolver404:  # no view runs: the URL patterns refuse the value
        code = getattr(client, method)(url, data or {}).status_code
        return None if code == 404 else f"{method.upper()} {url}: answered {code}"
    try:
        with transaction.atomic():
            response = getattr(client, method)(url, data or {})
            after = _snapshot()
            transaction.set_rollback(True)
    except Exception as exc:  # noqa: BLE001 - reported as the failure of this case
        return f"{method.upper()} {url} {data or ''}: raised {type(exc).__name__}: {exc}"
    code = response.status_code
    if code not in ALLOWED:
        return f"{method.upper()} {url} {data or ''} as {client_column}: answered {code}"
    if after != before:
        return f"{method.upper()} {url} {data or ''} as {client_column}: wrote ({code})"
    return None


@pytest.mark.parametrize(("view", "label"), list(_cases()))
def test_bad_ids_and_choices(view, label, world, db):
    bad = BAD_VALUES[label]
    before = _snapshot()
    problems = []
    for column, method, url in _url_cases(world, view, bad):
        problems.append(_check(world, before, column, method, url, {}))
    for column, method, url, data in _form_cases(world, view, bad):
        problems.append(_check(world, before, column, method, url, data))
    problems = [p for p in problems if p]
    assert not problems, "\n".join(problems)


def test_the_forms_are_found(world, db):
    """The crawl reaches the forms, so the cases above test something: a form of each kind
    of page, and the id and choice fields the issue names."""
    fields = {
        (view, f.name)
        for view, forms in world.forms.items()
        for _column, form in forms
        for f in form.fields.values()
    }
    for expected in [
        ("accounts:organisation_select", "membership"),
        ("accounts:member_role", "role"),
        ("api:key_create", "contact"),
        ("intake:signal_create", "municipality"),
        ("linkage:match_decide", "decision"),
        ("coordination:measure_add", "owner"),
        ("coordination:care_referral_create", "provider"),
        ("help:counsellor_handover", "kind"),
        ("help:selfcheck", None),
        ("help:conversation_consent", "answer"),
        ("set_language", "language"),
    ]:
        view, name = expected
        if name is None:
            assert view in world.forms
        else:
            assert expected in fields, expected
