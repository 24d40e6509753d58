import datetime

import pytest

from relations import selectors, services
from relations.models import Contact
from relations.selectors import Warmth, warmth_of

TODAY = datetime.date(2026, 11, 27)


@pytest.mark.parametrize(
    ("days_ago", "expected"),
    [
        (0, Warmth.WARM),
        (89, Warmth.WARM),
        (90, Warmth.COOLING),
        (179, Warmth.COOLING),
        (180, Warmth.COLD),
    ],
)
def test_warmth_follows_cadence(days_ago, expected):
    last = TODAY - datetime.timedelta(days=days_ago)
    assert warmth_of(last, 90, TODAY) == expected


def test_never_met_is_cold():
    assert warmth_of(None, 90, TODAY) == Warmth.COLD


@pytest.mark.django_db
def test_warmth_filter_agrees_with_warmth_of(networker):
    on = selectors.today()
    for days_ago, cadence in [(1, 30), (45, 30), (70, 30), (200, 90), (100, 90), (None, 90)]:
        last = None if days_ago is None else on - datetime.timedelta(days=days_ago)
        Contact.objects.create(
            first_name=f"C{days_ago}", last_name="X", last_interaction_on=last, cadence_days=cadence
        )
    for warmth in Warmth:
        in_sql = set(
            Contact.objects.filter(selectors.warmth_filter(warmth)).values_list("pk", flat=True)
        )
        in_python = {
            c.pk
            for c in Contact.objects.all()
            if warmth_of(c.last_interaction_on, c.cadence_days, on) == warmth
        }
        assert in_sql == in_python, warmth


@pytest.mark.django_db
def test_logging_an_interaction_makes_a_cold_contact_warm_at_once(networker, contact):
    assert selectors.contact_detail_for(user=networker, contact=contact).warmth == Warmth.COLD
    services.interaction_log(
        author=networker, kind="coffee", occurred_on=selectors.today(), contacts=[contact]
    )
    contact.refresh_from_db()
    detail = selectors.contact_detail_for(user=networker, contact=contact)
    assert detail.warmth == Warmth.WARM
    assert [tie.warmth for tie in detail.ties] == [Warmth.WARM]
