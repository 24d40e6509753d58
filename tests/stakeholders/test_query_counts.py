"""The stakeholder pages run a fixed number of queries, whatever the number of groups."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from relations import selectors as relation_selectors
from relations.models import Contact, Interaction, Organisation, Relationship, Team, User
from stakeholders.models import (
    ContactMembership,
    Goal,
    GoalKind,
    OrganisationMembership,
    StakeholderGroup,
    Topic,
)

pytestmark = pytest.mark.django_db

MAX_QUERIES = 25


def grow_map(*, me: User, hub: StakeholderGroup, start: int, count: int) -> None:
    """Add `count` groups, each with people, an organisation, goals, meetings and ties.

    The hub group gains members, goals and meetings too, so its detail page grows.
    """
    on = relation_selectors.today()
    teams = list(Team.objects.all())
    topics = list(Topic.objects.all()) or Topic.objects.bulk_create(
        [Topic(name=name) for name in ("Energy", "Housing", "Mobility")]
    )
    groups = StakeholderGroup.objects.bulk_create(
        [
            StakeholderGroup(
                name=f"Group {start + i:03}",
                influence=1 + i % 5,
                interest=1 + (i * 3) % 5,
                owning_team=teams[i % len(teams)] if i % 4 else None,
            )
            for i in range(count)
        ]
    )
    StakeholderGroup.topics.through.objects.bulk_create(
        [
            StakeholderGroup.topics.through(stakeholdergroup=group, topic=topic)
            for group in groups
            for topic in topics[: 1 + group.pk % 3]
        ]
    )
    organisations = Organisation.objects.bulk_create(
        [Organisation(name=f"Organisation {start + i:03}") for i in range(count)]
    )
    contacts = []
    for i in range(2 * count):
        contact = Contact(
            first_name=f"Person{start + i:04}",
            last_name="Test",
            organisation=organisations[i // 2],
            last_interaction_on=None if i % 3 == 0 else on - datetime.timedelta(days=i * 11),
        )
        contact.refresh_warmth_dates()
        contacts.append(contact)
    contacts = Contact.objects.bulk_create(contacts)
    ContactMembership.objects.bulk_create(
        [
            ContactMembership(group=group, contact=contact, attitude="supporter", note="n")
            for i, group in enumerate(groups)
            for contact in contacts[2 * i : 2 * i + 2]
        ]
        + [ContactMembership(group=hub, contact=contact, attitude="critic") for contact in contacts]
    )
    OrganisationMembership.objects.bulk_create(
        [
            OrganisationMembership(group=group, organisation=organisation)
            for group, organisation in zip(groups, organisations, strict=True)
        ]
        + [OrganisationMembership(group=hub, organisation=o) for o in organisations]
    )
    Goal.objects.bulk_create(
        [
            Goal(group=group, kind=kind, text=f"{kind} of {group.name}")
            for group in [*groups, hub]
            for kind in GoalKind.values[: 1 + group.pk % 3]
        ]
        + [
            Goal(group=hub, kind=GoalKind.OUR_OFFER, text=f"Offer {start + i}")
            for i in range(count)
        ]
    )
    interactions = Interaction.objects.bulk_create(
        [
            Interaction(
                kind="coffee",
                occurred_on=on - datetime.timedelta(days=i * 7),
                author=me,
                summary=f"Meeting {start + i}",
                given="advice" if i % 2 else "",
                asked="a favour" if i % 3 else "",
                confidential=i % 5 == 0,
            )
            for i in range(2 * count)
        ]
    )
    Interaction.contacts.through.objects.bulk_create(
        [
            Interaction.contacts.through(interaction=interaction, contact=contact)
            for interaction, contact in zip(interactions, contacts, strict=True)
        ]
    )
    Interaction.our_participants.through.objects.bulk_create(
        [Interaction.our_participants.through(interaction=i, user=me) for i in interactions]
    )
    ties = [
        Relationship(user=me, contact=contact, strength=1 + i % 5)
        for i, contact in enumerate(contacts)
    ]
    for tie, contact in zip(ties, contacts, strict=True):
        tie.last_interaction_on = contact.last_interaction_on
        tie.refresh_warmth_dates()
    Relationship.objects.bulk_create(ties)


def count_queries(client, url: str) -> int:
    client.get(url)  # warm-up: per-process caches stay out
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.fixture
def hub(team_alpha) -> StakeholderGroup:
    return StakeholderGroup.objects.create(
        name="Hub", influence=5, interest=5, owning_team=team_alpha
    )


@pytest.mark.parametrize("actor", ["networker", "lead"])
@pytest.mark.parametrize(
    "page", ["stakeholders:group_list", "stakeholders:grid", "stakeholders:group_detail"]
)
def test_page_runs_the_same_number_of_queries_with_3_and_with_30_groups(
    client_for, request, teams, networker, hub, page, actor
):
    url = reverse(page, args=[hub.pk] if page.endswith("detail") else [])
    client = client_for(request.getfixturevalue(actor))

    grow_map(me=networker, hub=hub, start=0, count=3)
    with_3 = count_queries(client, url)
    grow_map(me=networker, hub=hub, start=3, count=27)
    with_30 = count_queries(client, url)

    assert StakeholderGroup.objects.count() == 31
    assert with_3 == with_30
    assert with_30 <= MAX_QUERIES


@pytest.mark.parametrize(
    "query", ["?flag=neglected", "?quadrant=manage_closely", "?flag=unbalanced&q=o"]
)
def test_filtered_group_list_runs_the_same_number_of_queries(
    client_for, teams, networker, hub, query
):
    url = reverse("stakeholders:group_list") + query
    client = client_for(networker)
    # Matches every filter from the start, so both sizes render a non-empty table.
    forgotten = StakeholderGroup.objects.create(name="Forgotten", influence=5, interest=5)
    forgotten.topics.add(Topic.objects.create(name="Energy"))
    Goal.objects.create(group=forgotten, kind=GoalKind.OUR_GOAL, text="Ask")

    grow_map(me=networker, hub=hub, start=0, count=3)
    with_3 = count_queries(client, url)
    grow_map(me=networker, hub=hub, start=3, count=27)
    with_30 = count_queries(client, url)

    assert with_3 == with_30


def test_contact_page_with_groups_and_topics_runs_a_fixed_number_of_queries(
    client_for, teams, networker, hub, contact
):
    url = contact.get_absolute_url()
    client = client_for(networker)
    ContactMembership.objects.create(group=hub, contact=contact)
    few = count_queries(client, url)

    grow_map(me=networker, hub=hub, start=0, count=10)
    ContactMembership.objects.bulk_create(
        [
            ContactMembership(group=group, contact=contact)
            for group in StakeholderGroup.objects.exclude(pk=hub.pk)
        ]
    )
    contact.topics.set(Topic.objects.all())
    many = count_queries(client, url)

    assert few == many


def test_grown_pages_show_the_data(client_for, teams, networker, hub):
    grow_map(me=networker, hub=hub, start=0, count=30)
    client = client_for(networker)
    page = client.get(reverse("stakeholders:group_list")).content.decode()
    assert "31 groups" in page and "Page 1 of 2" in page
    grid = client.get(reverse("stakeholders:grid")).content.decode()
    assert grid.count('class="pi-group"') == 31
    detail = client.get(hub.get_absolute_url()).content.decode()
    assert detail.count("Person0059 Test") >= 1
    assert "Offer 29" in detail
    assert detail.count('class="timeline__item') == 10
