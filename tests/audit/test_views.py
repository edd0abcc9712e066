import pytest
from django.urls import reverse

from zicht.accounts.constants import Role
from zicht.audit import services


@pytest.mark.django_db
def test_org_admin_sees_only_own_organisation_events(make_member, login):
    admin = make_member(role=Role.ORG_ADMIN)
    other = make_member(role=Role.ORG_ADMIN)
    services.record(action="test.mine", organisation=admin.organisation)
    services.record(action="test.theirs", organisation=other.organisation)
    content = login(admin).get(reverse("audit:list")).content.decode()
    assert "test.mine" in content
    assert "test.theirs" not in content


@pytest.mark.django_db
def test_filters_and_bad_dates(make_member, login):
    admin = make_member(role=Role.ORG_ADMIN)
    services.record(action="alpha.one", organisation=admin.organisation)
    services.record(action="beta.two", organisation=admin.organisation)
    client = login(admin)
    content = client.get(reverse("audit:list"), {"action": "alpha"}).content.decode()
    assert "alpha.one" in content and "beta.two" not in content
    response = client.get(
        reverse("audit:list"), {"date_from": "2026-02-02", "date_to": "2026-01-01"}
    )
    assert response.status_code == 200
    assert "form-errors" in response.content.decode()
