"""Issue 11, coordinators' daily work: nothing buried, nothing lost."""

import pytest
from django.urls import reverse

from zicht.coordination.assessment import proposal_reasons
from zicht.coordination.constants import MeasureKind, Question

pytestmark = pytest.mark.django_db


# --- the assessment -------------------------------------------------------------------------


def _assess(client, file, **answers):
    file.refresh_from_db()
    data = {"version": file.version, **{k: "on" for k, v in answers.items() if v}}
    return client.post(reverse("coordination:file_assess", args=[file.pk]), data)


def test_an_assessment_saved_twice_keeps_its_note_and_answers(screened_file, coordinator, login):
    client = login(coordinator)
    file = screened_file
    response = client.post(
        reverse("coordination:file_assess", args=[file.pk]),
        {"version": file.version, "intimidation": "on", "note": "Broer wordt ook benaderd."},
    )
    assert response.status_code == 302
    form = client.get(reverse("coordination:file_detail", args=[file.pk])).context[
        "assessment_form"
    ]
    assert form["note"].value() == "Broer wordt ook benaderd."
    assert form["intimidation"].value() is True

    # Saving the form again as shown keeps the note and the answers.
    file.refresh_from_db()
    data = {"version": file.version, "note": form["note"].value()}
    data.update({q.value: "on" for q in Question if form[q.value].value()})
    assert client.post(reverse("coordination:file_assess", args=[file.pk]), data).status_code == 302
    file.assessment.refresh_from_db()
    assert file.assessment.note == "Broer wordt ook benaderd."
    assert file.assessment.answers["intimidation"] is True


def test_each_proposed_measure_says_which_answer_led_to_it(screened_file, coordinator, login):
    client = login(coordinator)
    _assess(client, screened_file, needs_interpreter=True, intimidation=True)
    page = client.get(reverse("coordination:file_detail", args=[screened_file.pk]))
    rows = {m.kind: reasons for m, reasons, _form, _actions in page.context["measures"]}
    assert [str(r) for r in rows[MeasureKind.INTERPRETER]] == [
        str(Question.NEEDS_INTERPRETER.label)
    ]
    assert str(Question.INTIMIDATION.label) in [str(r) for r in rows[MeasureKind.CONTACT_BAN]]
    assert "measure-reason" in page.content.decode()


def test_a_guardian_is_explained_by_the_parents_and_the_age():
    reasons = proposal_reasons({"no_parental_protection": True, "minor": True})
    assert reasons[MeasureKind.GUARDIAN] == [Question.NO_PARENTAL_PROTECTION, Question.MINOR]
    assert MeasureKind.GUARDIAN not in proposal_reasons({"no_parental_protection": True})
