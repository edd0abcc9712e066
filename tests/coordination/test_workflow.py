"""Every transition of every state machine, allowed and refused; illegal ones via services."""

import pytest
from django.core.exceptions import ValidationError

from zicht.coordination import services, workflow
from zicht.coordination.constants import CareStatus, FileStatus, MeasureStatus
from zicht.coordination.models import CareReferral, CoordinationFile

MACHINES = {
    "file": (workflow.FILE, FileStatus),
    "care": (workflow.CARE, CareStatus),
    "measure": (workflow.MEASURE, MeasureStatus),
}
CASES = [
    (name, t.action, status.value, status.value in t.sources, t.target)
    for name, (machine, statuses) in MACHINES.items()
    for t in machine
    for status in statuses
]


@pytest.mark.parametrize(("machine", "action", "status", "allowed", "target"), CASES)
def test_every_transition_allowed_or_refused(machine, action, status, allowed, target):
    transitions = MACHINES[machine][0]
    if allowed:
        assert workflow.target(transitions, action, status) == target
        assert action in workflow.allowed_actions(transitions, status)
    else:
        with pytest.raises(workflow.IllegalTransition):
            workflow.target(transitions, action, status)
        assert action not in workflow.allowed_actions(transitions, status)


def test_each_action_is_declared_once():
    for machine, _choices in MACHINES.values():
        actions = [t.action for t in machine]
        assert len(actions) == len(set(actions))


def test_unknown_action_is_refused():
    with pytest.raises(workflow.IllegalTransition):
        workflow.target(workflow.FILE, "delete", FileStatus.SCREENING)


def test_illegal_transition_message_names_the_state():
    with pytest.raises(ValidationError) as exc:
        workflow.target(workflow.FILE, "close", FileStatus.SCREENING)
    assert "Awaiting screening" in " ".join(exc.value.messages) or "screening" in str(exc.value)


@pytest.mark.django_db
def test_closing_an_unscreened_file_is_refused(referred_file, coordinator):
    with pytest.raises(workflow.IllegalTransition):
        services.file_close(membership=coordinator, file=referred_file, outcome="other")
    referred_file.refresh_from_db()
    assert referred_file.status == FileStatus.SCREENING
    assert referred_file.closed_at is None


@pytest.mark.django_db
def test_placing_an_unaccepted_care_referral_is_refused(screened_file, coordinator, provider):
    care = services.care_referral_create(
        membership=coordinator,
        file=screened_file,
        provider=provider.organisation,
        care_type="categorical_shelter",
    )
    with pytest.raises(workflow.IllegalTransition):
        services.care_referral_act(membership=provider, care_referral=care, action="place")
    care.refresh_from_db()
    assert care.status == CareStatus.REQUESTED and care.placed_at is None


@pytest.mark.django_db
def test_assessment_before_screening_is_refused(referred_file, coordinator):
    with pytest.raises(workflow.IllegalTransition):
        services.assessment_complete(membership=coordinator, file=referred_file, answers={})
    assert not hasattr(CoordinationFile.objects.get(pk=referred_file.pk), "assessment")


@pytest.mark.django_db
def test_care_for_a_file_screened_as_not_a_victim_is_refused(referred_file, coordinator, shelter):
    file = services.file_screen(
        membership=coordinator, file=referred_file, decision="not_victim", reasons="Geen."
    )
    with pytest.raises(workflow.IllegalTransition):
        services.care_referral_create(
            membership=coordinator, file=file, provider=shelter, care_type="youth_care"
        )
    assert not CareReferral.objects.exists()


@pytest.mark.django_db
def test_screening_twice_is_refused(screened_file, coordinator):
    with pytest.raises(workflow.IllegalTransition):
        services.file_screen(
            membership=coordinator, file=screened_file, decision="not_victim", reasons="x"
        )
