"""The list and detail pages run a fixed number of queries, whatever the amount of data."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from relations import selectors
from relations.models import (
    Affiliation,
    Contact,
    FollowUp,
    Interaction,
    Organisation,
    Relationship,
    Tag,
    User,
)

pytestmark = pytest.mark.django_db

# Generous, but low enough to catch a page that starts querying per row.
MAX_QUERIES = 20


def grow_network(*, me: User, hub: Contact, meeting: Interaction, start: int, count: int) -> None:
    """Add `count` contacts, each with colleagues, interactions, ties, tags and follow-ups.

    Every interaction also includes `hub`, so its detail page grows with the data too;
    so do the pages of hub's organisation (a third of the contacts work there) and of
    `meeting` (every new contact and colleague took part, a third of the follow-ups
    come from it).
    """
    on = selectors.today()
    days = datetime.timedelta
    colleagues = User.objects.bulk_create(
        [
            User(username=f"colleague{start + i}", first_name=f"Colleague {start + i}")
            for i in range(max(1, count // 10))
        ]
    )
    organisations = Organisation.objects.bulk_create(
        [Organisation(name=f"Organisation {start + i}") for i in range(max(1, count // 5))]
    )
    tags = list(Tag.objects.all()) or Tag.objects.bulk_create(
        [Tag(name=name) for name in ("board", "energy", "alumni")]
    )
    contacts = []
    for i in range(count):
        last_on = None if i % 4 == 0 else on - days(days=(i * 17) % 400)
        contact = Contact(
            first_name=f"Person{start + i:04}",
            last_name="Test",
            email=f"person{start + i}@example.org",
            organisation=hub.organisation if i % 3 == 0 else organisations[i % len(organisations)],
            owner=me if i % 2 else colleagues[i % len(colleagues)],
            last_interaction_on=last_on,
        )
        contact.refresh_warmth_dates()
        contacts.append(contact)
    contacts = Contact.objects.bulk_create(contacts)
    Contact.tags.through.objects.bulk_create(
        [
            Contact.tags.through(contact=contact, tag=tag)
            for contact in contacts
            for tag in tags[: 1 + contact.pk % 3]
        ]
    )
    interactions = Interaction.objects.bulk_create(
        [
            Interaction(
                kind="coffee",
                occurred_on=on - days(days=(i * 7) % 300),
                author=me,
                summary=f"Meeting {start + i}",
                given="advice" if i % 3 else "",
                asked="a favour" if i % 2 else "",
                confidential=i % 5 == 0,
            )
            for i in range(2 * count)
        ]
    )
    Interaction.contacts.through.objects.bulk_create(
        [
            Interaction.contacts.through(interaction=interaction, contact=contact)
            for i, interaction in enumerate(interactions)
            for contact in {contacts[i // 2], hub}
        ]
    )
    Interaction.our_participants.through.objects.bulk_create(
        [
            Interaction.our_participants.through(interaction=interaction, user=user)
            for i, interaction in enumerate(interactions)
            for user in (me, colleagues[i % len(colleagues)])
        ]
    )
    ties = [
        Relationship(
            user=me,
            contact=contact,
            strength=1 + i % 5,
            last_interaction_on=contact.last_interaction_on,
        )
        for i, contact in enumerate(contacts)
    ] + [
        Relationship(user=colleague, contact=hub, strength=3, last_interaction_on=on)
        for colleague in colleagues
    ]
    for tie in ties:
        tie.refresh_warmth_dates()
    Relationship.objects.bulk_create(ties)
    FollowUp.objects.bulk_create(
        [
            FollowUp(
                text=f"Next step {start + i}",
                due_on=on + days(days=(-5, 0, 3, 30)[i % 4]),
                assignee=me,
                created_by=me,
                contact=hub if i % 3 == 0 else contact,
                interaction=meeting if i % 3 == 1 else interactions[2 * i],
            )
            for i, contact in enumerate(contacts)
        ]
    )
    meeting.contacts.add(*contacts)
    meeting.our_participants.add(*colleagues)
    Affiliation.objects.bulk_create(
        [
            Affiliation(contact=hub, organisation=organisation, role=f"Role {start + i}")
            for i, organisation in enumerate(organisations)
        ]
    )


def count_queries(client, url: str) -> int:
    client.get(url)  # warm-up: per-process caches (content types, templates) stay out
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.fixture
def hub(networker, organisation) -> Contact:
    return Contact.objects.create(
        first_name="Hub", last_name="Contact", organisation=organisation, owner=networker
    )


@pytest.fixture
def meeting(networker, hub) -> Interaction:
    """A meeting with hub that every grow_network call adds people and follow-ups to."""
    interaction = Interaction.objects.create(
        kind="visit", occurred_on=selectors.today(), author=networker, summary="The big meeting"
    )
    interaction.contacts.add(hub)
    interaction.our_participants.add(networker)
    return interaction


def url_of(page: str, hub: Contact, meeting: Interaction) -> str:
    args = {
        "relations:contact_detail": [hub.pk],
        "relations:organisation_detail": [hub.organisation_id],
        "relations:interaction_detail": [meeting.pk],
    }.get(page, [])
    return reverse(page, args=args)


@pytest.mark.parametrize(
    "page",
    [
        "relations:contact_list",
        "relations:contact_detail",
        "relations:my_network",
        "relations:my_relationships",
        "relations:followup_list",
        "relations:organisation_list",
        "relations:organisation_detail",
        "relations:interaction_detail",
    ],
)
def test_page_runs_the_same_number_of_queries_with_10_and_with_200_contacts(
    client_for, teams, networker, hub, meeting, page
):
    url = url_of(page, hub, meeting)
    client = client_for(networker)

    grow_network(me=networker, hub=hub, meeting=meeting, start=0, count=10)
    with_10 = count_queries(client, url)
    grow_network(me=networker, hub=hub, meeting=meeting, start=10, count=190)
    with_200 = count_queries(client, url)

    assert Contact.objects.count() == 201
    assert with_10 == with_200
    assert with_200 <= MAX_QUERIES


def test_filtered_contact_list_runs_the_same_number_of_queries(
    client_for, teams, networker, hub, meeting
):
    url = reverse("relations:contact_list") + "?q=test&warmth=cold&tag=board"
    client = client_for(networker)

    grow_network(me=networker, hub=hub, meeting=meeting, start=0, count=10)
    with_10 = count_queries(client, url)
    grow_network(me=networker, hub=hub, meeting=meeting, start=10, count=190)
    with_200 = count_queries(client, url)

    assert with_10 == with_200


def test_pages_show_the_grown_data(client_for, teams, networker, hub, meeting):
    grow_network(me=networker, hub=hub, meeting=meeting, start=0, count=200)
    client = client_for(networker)
    page = client.get(reverse("relations:contact_detail", args=[hub.pk])).content.decode()
    assert page.count('class="timeline__item') == 50  # the newest 50 of 400
    assert "Meeting 0" in page
    assert "Colleague 19" in page
    page = client.get(reverse("relations:my_network")).content.decode()
    assert "Show all" in page
    network = selectors.my_network(user=networker)
    expected = dict.fromkeys(selectors.Warmth, 0)
    for tie in Relationship.objects.filter(user=networker).select_related("contact"):
        expected[selectors.warmth_of(tie.last_interaction_on, tie.contact.cadence_days)] += 1
    assert {group.warmth: group.total for group in network.groups} == expected
    cold = client.get(reverse("relations:my_relationships") + "?warmth=cold&page=1")
    assert f"{expected[selectors.Warmth.COLD]} relationships" in cold.content.decode()
    page = client.get(url_of("relations:organisation_detail", hub, meeting)).content.decode()
    assert page.count('<th scope="row">') == 68  # hub and every third new contact
    assert "Colleague 19" in page  # knows hub
    page = client.get(url_of("relations:interaction_detail", hub, meeting)).content.decode()
    assert page.count('id="followup-') == 67
    assert "Person0199 Test" in page and "Colleague 19" in page
    page = client.get(reverse("relations:organisation_list")).content.decode()
    assert "41 organisations" in page
