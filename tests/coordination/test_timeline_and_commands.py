"""The timeline tells the story in words; commands and stale care decisions."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import translation

from zicht.coordination import services
from zicht.coordination.models import TimelineEntry
from zicht.coordination.timeline import describe

pytestmark = pytest.mark.django_db


def test_every_step_of_a_whole_path_has_a_sentence(screened_file, coordinator, provider):
    services.file_assign(membership=coordinator, file=screened_file, coordinator=coordinator)
    services.assessment_complete(
        membership=coordinator, file=screened_file, answers={"needs_interpreter": True}
    )
    measure = screened_file.measures.get()
    services.measure_decide(
        membership=coordinator, measure=measure, action="accept", owner=coordinator.organisation
    )
    care = services.care_referral_create(
        membership=coordinator,
        file=screened_file,
        provider=provider.organisation,
        care_type="youth_care",
    )
    for action in ("accept", "place", "end"):
        services.care_referral_act(membership=provider, care_referral=care, action=action)
    services.file_close(membership=coordinator, file=screened_file, outcome="no_contact")
    services.file_reopen(membership=coordinator, file=screened_file, reason="Nieuw signaal")
    entries = TimelineEntry.objects.filter(file=screened_file)
    assert entries.count() >= 12
    for lang in ("nl", "en"):
        with translation.override(lang):
            for entry in entries:
                text = describe(entry)
                assert text != entry.event and text.endswith(".")
                assert "%(" not in text
    with translation.override("en"):
        referrer = [describe(e, for_referrer=True) for e in entries.filter(for_referrer=True)]
    assert "Placed in care (Youth care)." in referrer
    assert not any(provider.organisation.name in t for t in referrer)


def test_stale_care_decision_is_refused(screened_file, coordinator, provider):
    care = services.care_referral_create(
        membership=coordinator,
        file=screened_file,
        provider=provider.organisation,
        care_type="youth_care",
    )
    services.care_referral_act(
        membership=provider, care_referral=care, action="accept", expected_version=1
    )
    with pytest.raises(services.StaleFileError):
        services.care_referral_act(
            membership=provider,
            care_referral=care,
            action="refuse",
            reason="x",
            expected_version=1,
        )
    care.refresh_from_db()
    assert care.status == "accepted"


def test_reminder_command_queues_the_task(referred_file):
    out = StringIO()
    call_command("coordination_reminders", stdout=out)
    assert "Reminder task queued" in out.getvalue()


def _literal_events() -> set[str]:
    """Every ``event="..."`` string literal in the coordination app's code."""
    import ast
    import pathlib

    import zicht.coordination

    found = set()
    for path in pathlib.Path(zicht.coordination.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.keyword)
                and node.arg == "event"
                and isinstance(node.value, ast.Constant)
                and isinstance(node.value.value, str)
            ):
                found.add(node.value.value)
    return found


def test_every_recorded_step_has_words_in_both_languages():
    """A step recorded under a code without a TimelineEvent and its phrase would show the
    bare code on the file page: the literal codes and the ones the services build from the
    measure actions, care statuses and closing decisions all have words."""
    from zicht.coordination import workflow
    from zicht.coordination.constants import CareStatus, ClosureDecision
    from zicht.coordination.timeline import PHRASES, TimelineEvent

    built = {f"measure_{t.action}" for t in workflow.MEASURE}
    built |= {f"care_{status}" for status in CareStatus}
    built |= {f"{kind}_{d}" for kind in ("measure", "task") for d in ClosureDecision}
    literal = _literal_events()
    assert {"file_opened", "screened", "anonymised"} <= literal  # the scan finds the calls
    assert (literal | built) - set(TimelineEvent) == set()
    assert {event for event, _variant in PHRASES} == set(TimelineEvent)

    class Sample(dict):
        def __missing__(self, key):
            return 2 if key == "n" else "X"

    for parts in PHRASES.values():
        for part in parts:
            with translation.override("nl"):
                dutch = str(part % Sample())
            with translation.override("en"):
                english = str(part % Sample())
            assert dutch != english, english  # a Dutch translation exists


def test_an_unknown_code_is_shown_as_it_is():
    entry = TimelineEntry(event="measure_unheard_of", details={"measure": "shelter"})
    assert describe(entry) == "measure_unheard_of"
