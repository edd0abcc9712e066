"""Two coordinators deciding the same file at once: the first wins, the second is told.

Both load the file at the same version (two transactions that read before either
commits). The service locks the row (``select_for_update``) and compares the
version inside the lock, so the second decision is refused with a conflict
message, the first decision stands and the second coordinator's input is kept.
"""

import threading

import pytest
from django.db import connection
from django.urls import reverse

from zicht.audit.models import AuditEvent
from zicht.coordination import services
from zicht.coordination.constants import FileStatus
from zicht.coordination.models import CoordinationFile


@pytest.mark.django_db
def test_second_decision_on_a_stale_version_is_refused(
    referred_file, coordinator, other_coordinator
):
    seen_by_a = CoordinationFile.objects.get(pk=referred_file.pk)
    seen_by_b = CoordinationFile.objects.get(pk=referred_file.pk)
    services.file_screen(
        membership=coordinator,
        file=seen_by_a,
        decision="possible_victim",
        reasons="A",
        expected_version=seen_by_a.version,
    )
    with pytest.raises(services.StaleFileError):
        services.file_screen(
            membership=other_coordinator,
            file=seen_by_b,
            decision="not_victim",
            reasons="B",
            expected_version=seen_by_b.version,
        )
    file = CoordinationFile.objects.get()
    assert file.status == FileStatus.ASSESSMENT
    assert file.screening_reasons == "A"
    assert file.timeline.filter(event="screened").count() == 1


@pytest.mark.django_db
def test_conflict_is_shown_with_the_input_kept(
    referred_file, coordinator, other_coordinator, login
):
    url = reverse("coordination:file_screen", args=[referred_file.pk])
    version = referred_file.version
    login(coordinator).post(
        url, {"decision": "possible_victim", "reasons": "Eerste besluit", "version": version}
    )
    response = login(other_coordinator).post(
        url,
        {"decision": "not_victim", "reasons": "Mijn zorgvuldige motivering", "version": version},
    )
    assert response.status_code == 409
    text = response.content.decode()
    assert "Mijn zorgvuldige motivering" in text  # nothing lost
    assert "Eerste besluit" in text  # the current decision is visible
    assert AuditEvent.objects.filter(action="coordination.stale_edit_refused").exists()
    assert CoordinationFile.objects.get().screening_reasons == "Eerste besluit"


@pytest.mark.django_db
def test_stale_measure_decision_is_refused(screened_file, coordinator, other_coordinator):
    services.assessment_complete(
        membership=coordinator, file=screened_file, answers={"needs_interpreter": True}
    )
    file = CoordinationFile.objects.get()
    measure = file.measures.get()
    services.measure_decide(
        membership=coordinator,
        measure=measure,
        action="reject",
        expected_version=file.version,
    )
    with pytest.raises(services.StaleFileError):
        services.measure_decide(
            membership=other_coordinator,
            measure=measure,
            action="accept",
            owner=coordinator.organisation,
            expected_version=file.version,
        )
    measure.refresh_from_db()
    assert measure.status == "rejected"


@pytest.mark.django_db(transaction=True)
def test_two_threads_deciding_at_once(referred_file, coordinator, other_coordinator):
    """Real concurrent transactions: the row lock serialises them on PostgreSQL,
    ``BEGIN IMMEDIATE`` on SQLite (the tests use an SQLite file, see conftest)."""
    version = referred_file.version
    barrier = threading.Barrier(2)
    results = {}

    def decide(member, decision):
        barrier.wait()
        try:
            services.file_screen(
                membership=member,
                file=referred_file,
                decision=decision,
                reasons=decision,
                expected_version=version,
            )
            results[decision] = "ok"
        except services.StaleFileError:
            results[decision] = "stale"
        finally:
            connection.close()

    threads = [
        threading.Thread(target=decide, args=(coordinator, "possible_victim")),
        threading.Thread(target=decide, args=(other_coordinator, "not_victim")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(results.values()) == ["ok", "stale"]
    file = CoordinationFile.objects.get()
    winner = next(d for d, r in results.items() if r == "ok")
    assert file.screening_decision == winner
    assert file.timeline.filter(event="screened").count() == 1
