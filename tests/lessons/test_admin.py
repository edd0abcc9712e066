"""Staff add and edit lessons in the admin: a broken lesson is refused with the
validator's messages and nothing is saved; a saved lesson can be previewed by staff and
is public only when published; every change raises the version."""

from __future__ import annotations

import copy
import html
import json

import pytest
from django.core.management import call_command

from tests.conftest import verified_client
from tests.factories import UserFactory
from zicht.lessons.content import lesson_files, read_file
from zicht.lessons.models import StaffLesson

pytestmark = pytest.mark.django_db

ADD = "/admin/lessons/stafflesson/add/"


def new_lesson(**changes) -> dict:
    data = copy.deepcopy(read_file(next(p for p in lesson_files() if "bankpas" in p.stem)))
    data.update({"slug": "de-nieuwe-les", "title": {"nl": "De nieuwe les", "en": "The new lesson"}})
    data.update(changes)
    return data


@pytest.fixture
def staff(client):
    return verified_client(client, UserFactory(is_staff=True, is_superuser=True))


def post(staff, url, data, published=False):
    form = {"data": json.dumps(data)}
    if published:
        form["published"] = "on"
    return staff.post(url, form)


def test_a_broken_lesson_is_refused_with_clear_messages_and_not_saved(staff):
    data = new_lesson()
    del data["steps"]["blokkeer"]["next"]
    response = post(staff, ADD, data)
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "step 'blokkeer': dead end - give it a 'next' step, 'choices' or an 'ending'." in page
    assert not StaffLesson.objects.exists()
    response = staff.post(ADD, {"data": "{niet: json"})
    assert response.status_code == 200 and not StaffLesson.objects.exists()


def test_a_shipped_slug_is_refused(staff):
    post(staff, ADD, new_lesson(slug="pakketje-en-bankpas"))
    assert not StaffLesson.objects.exists()


def test_saved_lessons_are_previewed_by_staff_and_public_once_published(staff, client):
    assert post(staff, ADD, new_lesson()).status_code == 302
    lesson = StaffLesson.objects.get()
    assert (lesson.slug, lesson.version, lesson.published) == ("de-nieuwe-les", 1, False)

    preview = staff.get(f"/lessen/voorbeeld/{lesson.pk}/").content.decode()
    assert "Voorbeeld voor medewerkers" in preview
    assert f'href="/lessen/voorbeeld/{lesson.pk}/klusje/?van=hoi&amp;koos=wat"' in preview
    anonymous = type(client)()
    assert anonymous.get("/lessen/de-nieuwe-les/").status_code == 404
    assert "De nieuwe les" not in anonymous.get("/lessen/").content.decode()

    # Publishing is a change: the version must go up.
    url = f"/admin/lessons/stafflesson/{lesson.pk}/change/"
    response = post(staff, url, new_lesson(), published=True)
    assert "Verhoog de versie (nu 1) bij elke wijziging." in html.unescape(
        response.content.decode()
    )
    assert post(staff, url, new_lesson(version=2), published=True).status_code == 302
    assert "De nieuwe les" in anonymous.get("/lessen/").content.decode()
    assert anonymous.get("/lessen/de-nieuwe-les/hoi/").status_code == 200


def test_check_lessons_also_checks_staff_lessons(capsys):
    StaffLesson.objects.create(slug="de-nieuwe-les", version=1, data=new_lesson())
    call_command("check_lessons")
    assert "staff lesson de-nieuwe-les: OK - Flesch-Douma" in capsys.readouterr().out


def test_members_who_are_not_staff_cannot_preview(client, make_member):
    member = make_member()
    verified_client(client, member.user)
    lesson = StaffLesson.objects.create(slug="de-nieuwe-les", version=1, data=new_lesson())
    assert client.get(f"/lessen/voorbeeld/{lesson.pk}/").status_code == 403
