"""Contacts nobody met for RETENTION_MONTHS (24 by default) are listed for review."""

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from privacy import selectors, services
from relations.models import Contact
from relations.permissions import NotAllowed

pytestmark = pytest.mark.django_db

URL = "/privacy/retention/"
API_URL = "/api/v1/privacy/retention/"


def make(name: str, *, met: datetime.date | None = None, added: datetime.date | None = None, **kw):
    contact = Contact.objects.create(first_name=name, last_interaction_on=met, **kw)
    if added is not None:
        moment = timezone.make_aware(datetime.datetime.combine(added, datetime.time(12)))
        Contact.objects.filter(pk=contact.pk).update(created_at=moment)
    return contact


def names(contacts) -> set[str]:
    return {contact.first_name for contact in contacts}


@pytest.fixture
def cutoff() -> datetime.date:
    return timezone.localdate() - relativedelta(months=24)


@pytest.fixture
def at_the_boundary(cutoff, networker):
    day = datetime.timedelta(days=1)
    make("MetOnCutoff", met=cutoff, owner=networker)
    make("MetDayAfter", met=cutoff + day)
    make("MetLongAgo", met=cutoff - 400 * day)
    make("MetRecently", met=timezone.localdate())
    make("NeverAddedOnCutoff", added=cutoff)
    make("NeverAddedDayAfter", added=cutoff + day)
    make("NeverAddedToday")
    make("ArchivedLongAgo", met=cutoff - day, archived=True)


def test_the_24_month_boundary(at_the_boundary, manager):
    due = selectors.retention_due(user=manager)

    assert names(due) == {"MetOnCutoff", "MetLongAgo", "NeverAddedOnCutoff", "ArchivedLongAgo"}


def test_longest_unseen_first(at_the_boundary, manager):
    order = [contact.first_name for contact in selectors.retention_due(user=manager)]

    assert order.index("NeverAddedOnCutoff") < order.index("MetLongAgo")
    assert order.index("MetLongAgo") < order.index("MetOnCutoff")


def test_the_setting_is_honoured(at_the_boundary, manager, settings):
    settings.RETENTION_MONTHS = 12
    assert "MetDayAfter" in names(selectors.retention_due(user=manager))

    settings.RETENTION_MONTHS = 36
    assert names(selectors.retention_due(user=manager)) == {"MetLongAgo"}


def test_erased_contacts_are_done(manager, cutoff):
    contact = make("Gone", met=cutoff)
    services.contact_erase(actor=manager, contact=contact, confirm_name="Gone")

    assert not selectors.retention_due(user=manager).exists()


def test_non_managers_are_refused(networker, lead, team_alpha):
    for user in (networker, lead):
        with pytest.raises(NotAllowed):
            selectors.retention_due(user=user)


def test_page_lists_owner_last_interaction_and_legal_basis(at_the_boundary, manager, client_for):
    Contact.objects.filter(first_name="MetOnCutoff").update(
        legal_basis="consent", legal_basis_note="Signed form 2021"
    )
    response = client_for(manager).get(URL)

    assert response.status_code == 200
    page = response.content.decode()
    assert "MetOnCutoff" in page and "MetRecently" not in page
    assert "Nina" in page  # the owner
    assert "Consent" in page and "Signed form 2021" in page
    contact = Contact.objects.get(first_name="MetOnCutoff")
    assert f"/privacy/contacts/{contact.pk}/export/" in page
    assert f"/privacy/contacts/{contact.pk}/erase/" in page
    assert "24 months" in page


def test_page_and_api_are_403_for_others(networker, planner, client_for):
    for user in (networker, planner):
        assert client_for(user).get(URL).status_code == 403
        api = APIClient()
        api.force_authenticate(user)
        assert api.get(API_URL).status_code == 403


def test_api_lists_the_same_contacts(at_the_boundary, manager):
    api = APIClient()
    api.force_authenticate(manager)

    body = api.get(API_URL).json()

    assert body["count"] == 4
    assert {row["full_name"] for row in body["results"]} == {
        "MetOnCutoff",
        "MetLongAgo",
        "NeverAddedOnCutoff",
        "ArchivedLongAgo",
    }
    row = next(row for row in body["results"] if row["full_name"] == "MetOnCutoff")
    assert row["owner_name"] == "Nina"
    assert row["legal_basis"] == "legitimate_interest"


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_query_count_is_fixed_at_two_sizes(
    manager, networker, colleague, organisation, cutoff, client_for
):
    client = client_for(manager)
    api = APIClient()
    api.force_authenticate(manager)
    for number in range(3):
        make(f"Few{number}", met=cutoff, owner=networker, organisation=organisation)
    _queries(api, API_URL)  # the forced user keeps its roles after the first request
    few = (_queries(client, URL), _queries(api, API_URL))
    for number in range(60):
        make(
            f"Many{number}",
            met=cutoff - datetime.timedelta(days=number),
            owner=colleague if number % 2 else networker,
            organisation=organisation if number % 3 else None,
        )
    many = (_queries(client, URL), _queries(api, API_URL))

    assert few == many


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (datetime.date(2026, 11, 27), 24, datetime.date(2024, 11, 27)),
        (datetime.date(2024, 2, 29), 12, datetime.date(2023, 2, 28)),
        (datetime.date(2026, 3, 31), 1, datetime.date(2026, 2, 28)),
        (datetime.date(2026, 1, 15), 13, datetime.date(2024, 12, 15)),
    ],
)
def test_months_before(day, months, expected):
    assert selectors.months_before(day, months) == expected == day - relativedelta(months=months)


def test_the_contact_list_links_the_retention_review_for_network_managers_only(
    client, manager, networker
):
    from django.urls import reverse

    link = reverse("privacy:retention")
    client.force_login(manager)
    assert link in client.get(reverse("relations:contact_list")).content.decode()
    client.force_login(networker)
    assert link not in client.get(reverse("relations:contact_list")).content.decode()
