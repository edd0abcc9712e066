import datetime as dt

import pytest
from django.utils import timezone

from zicht.accounts.constants import Role


@pytest.fixture
def professional(make_member):
    return make_member(role=Role.PROFESSIONAL)


def signal_post(**overrides):
    today = timezone.localdate()
    data = {
        "given_names": "Mohamed",
        "surname": "El Amrani",
        "date_of_birth": "2010-04-03",
        "sex": "M",
        "bsn": "",
        "municipality": "GM0599",
        "contact_date": (today - dt.timedelta(days=1)).isoformat(),
        "setting": "school",
        "indicator_codes": ["school.truancy", "money.unexplained_goods"],
        "forms": ["drug_transport"],
        "account": "Werd na school opgehaald door een oudere jongen met een scooter.",
    }
    data.update(overrides)
    return data


@pytest.fixture
def post_data():
    return signal_post
