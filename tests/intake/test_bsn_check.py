"""The name search and the signal form check a BSN with the one function in the rules."""

import pytest

from tests.intake.conftest import signal_post
from zicht.intake.forms import SignalSearchForm
from zicht.intake.rules import SignalRules
from zicht.intake.selectors import current_catalogue

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("bsn", ["123456789", "12345678a"])
def test_search_and_signal_refuse_a_bsn_with_the_same_words(bsn):
    search = SignalSearchForm(data={"bsn": bsn})
    signal = SignalRules(data=signal_post(bsn=bsn), catalogue=current_catalogue())
    assert not search.is_valid() and not signal.is_valid()
    assert search.errors["bsn"] == signal.errors["bsn"]
    assert search.errors["bsn"] == [
        "Dit is geen geldig BSN: negen cijfers die voldoen aan de elfproef."
    ]


def test_search_takes_a_valid_bsn_with_spaces():
    search = SignalSearchForm(data={"bsn": " 1112 22 333 "})
    assert search.is_valid(), search.errors
    assert search.cleaned_data["bsn"] == "111222333"
