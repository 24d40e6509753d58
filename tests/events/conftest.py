"""Events fixtures: a coming and a past event, a "manage closely" group with a goal."""

import datetime

import pytest
from django.utils import timezone

from events.models import Event, EventKind
from relations.models import Contact
from stakeholders.models import ContactMembership, Goal, GoalKind, StakeholderGroup


def at(days: int, hour: int = 15, minute: int = 0) -> datetime.datetime:
    """A local time `days` from today."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


@pytest.fixture
def event(planner) -> Event:
    """A reception ten days from now, 15:00–18:00."""
    return Event.objects.create(
        name="Nieuwjaarsreceptie",
        starts_at=at(10, 15),
        ends_at=at(10, 18),
        location="Stadhuis Utrecht",
        kind=EventKind.OWN,
        organiser=planner,
        capacity=2,
    )


@pytest.fixture
def past_event(planner) -> Event:
    """A congress that took place three days ago, 09:00–17:00."""
    return Event.objects.create(
        name="Smart City Congres",
        starts_at=at(-3, 9),
        ends_at=at(-3, 17),
        kind=EventKind.EXTERNAL,
        organiser=planner,
    )


@pytest.fixture
def key_group(db) -> StakeholderGroup:
    return StakeholderGroup.objects.create(name="Provincie", influence=5, interest=4)


@pytest.fixture
def key_contact(key_group, organisation, networker) -> Contact:
    person = Contact.objects.create(
        first_name="Bram", last_name="Bakker", organisation=organisation, owner=networker
    )
    ContactMembership.objects.create(group=key_group, contact=person)
    return person


@pytest.fixture
def our_goal(key_group) -> Goal:
    return Goal.objects.create(
        group=key_group, kind=GoalKind.OUR_GOAL, text="Get the province behind the pilot"
    )
