"""create_organisation and create_user: the first administrator without the Django admin."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from zicht.accounts.constants import Role
from zicht.accounts.models import Membership, Organisation, User
from zicht.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def run(*args, stdin=None):
    out = io.StringIO()
    if stdin is not None:
        import sys

        old, sys.stdin = sys.stdin, io.StringIO(stdin)
        try:
            call_command(*args, stdout=out)
        finally:
            sys.stdin = old
    else:
        call_command(*args, stdout=out)
    return out.getvalue()


def make_organisation(name="Politie Oost"):
    return json.loads(
        run(
            "create_organisation",
            "--name",
            name,
            "--type",
            "police",
            "--municipality",
            "gm0599",
            "--json",
        )
    )


def test_create_organisation_is_audit_logged():
    result = make_organisation()
    organisation = Organisation.objects.get(pk=result["id"])
    assert organisation.name == "Politie Oost" and organisation.municipality.code == "GM0599"
    assert AuditEvent.objects.filter(
        action="accounts.organisation_created", object_id=str(organisation.pk)
    ).exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--name", "Politie Oost", "--municipality", "GM0599"], "already exists"),
        (["--name", "Nieuw", "--municipality", "GM9999"], "Unknown municipality code 'GM9999'"),
        (["--name", "  ", "--municipality", "GM0599"], "--name must not be empty"),
    ],
)
def test_create_organisation_refuses_bad_input(args, message):
    make_organisation()
    with pytest.raises(CommandError, match=message):
        run("create_organisation", "--type", "police", *args)
    assert Organisation.objects.count() == 1


def test_create_user_prints_a_one_time_link_that_works(client):
    make_organisation()
    output = run("create_user", "--organisation", "Politie Oost", "--email", "Beheer@Example.nl")
    user = User.objects.get(username="beheer@example.nl")
    assert not user.has_usable_password()
    assert not user.totpdevice_set.exists()  # enrols nothing: the first login asks for it
    membership = Membership.objects.get(user=user)
    assert membership.role == Role.ORG_ADMIN
    link = output.strip().splitlines()[-1].split(": ", 1)[1]
    page = client.get(link)
    assert page.status_code == 200
    assert b"password" in page.content.lower() or b"wachtwoord" in page.content.lower()
    event = AuditEvent.objects.get(action="accounts.member_added", object_id=str(membership.pk))
    assert event.details["via"] == "create_user" and event.details["password_set"] is False


def test_create_user_takes_a_password_from_stdin_and_prints_no_secret():
    make_organisation()
    password = "Een-lang-wachtwoord-42"
    output = run(
        "create_user",
        "--organisation",
        "Politie Oost",
        "--email",
        "admin@example.nl",
        "--password-stdin",
        "--json",
        stdin=password + "\n",
    )
    assert password not in output
    assert json.loads(output)["password_link"] is None
    assert User.objects.get(username="admin@example.nl").check_password(password)


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["--organisation", "Bestaat niet", "--email", "a@example.nl"], None, "No organisation"),
        (["--organisation", "Politie Oost", "--email", "geen-adres"], None, "not an e-mail"),
        (
            ["--organisation", "Politie Oost", "--email", "a@example.nl", "--password-stdin"],
            "kort\n",
            "too short",
        ),
        (
            ["--organisation", "Politie Oost", "--email", "a@example.nl", "--password-stdin"],
            "",
            "No password",
        ),
    ],
)
def test_create_user_refuses_bad_input_and_writes_nothing(args, stdin, message):
    make_organisation()
    with pytest.raises(CommandError, match=message):
        run("create_user", *args, stdin=stdin)
    assert not User.objects.filter(email="a@example.nl").exists()


def test_create_user_refuses_an_existing_account():
    make_organisation()
    run("create_user", "--organisation", "Politie Oost", "--email", "a@example.nl")
    with pytest.raises(CommandError, match="already exists"):
        run("create_user", "--organisation", "Politie Oost", "--email", "A@example.nl")
    assert User.objects.filter(email="a@example.nl").count() == 1
