"""Intake reaches the person index only through ``zicht.intake.person_index``, which the
linkage app fills in at start-up (one-way layers). Indexing stays inside the signal's
transaction: when the index fails, no signal, identity or audit event is left."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from zicht.audit.models import AuditEvent
from zicht.intake import person_index, services
from zicht.intake.forms import SignalForm
from zicht.intake.models import Signal, SignalIdentity
from zicht.intake.selectors import current_catalogue
from zicht.linkage.intake_index import LinkageIndex
from zicht.linkage.models import IndexEntry

pytestmark = pytest.mark.django_db


def _valid(post_data):
    form = SignalForm(data=post_data(), catalogue=current_catalogue())
    assert form.is_valid(), form.errors
    return form.split()


def test_the_linkage_app_registers_the_person_index():
    assert isinstance(person_index.current(), LinkageIndex)


def test_a_failing_index_leaves_no_signal_behind(professional, post_data, monkeypatch):
    data, identity = _valid(post_data)

    def broken(**kwargs):
        raise RuntimeError("index unavailable")

    monkeypatch.setattr(person_index.current(), "signal_index", broken)
    with pytest.raises(RuntimeError):
        services.signal_create(membership=professional, data=data, identity=identity)
    assert Signal.objects.count() == 0
    assert SignalIdentity.objects.count() == 0
    assert not AuditEvent.objects.filter(action="intake.signal_created").exists()


def test_without_a_person_index_no_signal_is_recorded(professional, post_data, monkeypatch):
    data, identity = _valid(post_data)
    monkeypatch.setattr(person_index, "_index", None)
    with pytest.raises(ImproperlyConfigured):
        services.signal_create(membership=professional, data=data, identity=identity)
    assert Signal.objects.count() == 0 and IndexEntry.objects.count() == 0
