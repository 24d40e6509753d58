"""The dashboard pages: who gets them, what they show, the lists behind the figures, and
a fixed number of queries whatever the size of the network.

The figures are those of the world in test_dashboard_selectors.py.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from events.models import Encounter, Event, Invitation, InvitationStatus
from network_manager.models import KeyContact, RoadmapStep, WarmthSnapshot
from network_manager.selectors import month_starts
from relations.models import Contact, FollowUp, Interaction, Organisation, Relationship, Team, User
from relations.selectors import today
from stakeholders.models import ContactMembership, OrganisationMembership, StakeholderGroup
from tests.network_manager.test_dashboard_selectors import DAY, person, tie

DASHBOARD = reverse("network_manager:dashboard")
RELATIONSHIPS = reverse("network_manager:relationships")
KEY_CONTACTS = reverse("network_manager:key_contacts")
OVERDUE = reverse("network_manager:overdue_followups")
WHO_KNOWS_WHOM = reverse("network_manager:who_knows_whom")
LISTS = [RELATIONSHIPS, KEY_CONTACTS, OVERDUE]


def text_of(response) -> str:
    """The page's visible text, tags stripped and spaces collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|title)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def rows_of(response) -> list[str]:
    """The text of each body row of the page's tables."""
    html = response.content.decode()
    return [
        " ".join(re.sub(r"<[^>]+>", " ", row).split())
        for body in re.findall(r"<tbody>(.*?)</tbody>", html, flags=re.S)
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, flags=re.S)
    ]


# Who gets the dashboard


def test_the_network_manager_sees_the_whole_organisation(client_for, manager, world):
    response = client_for(manager).get(DASHBOARD)

    assert response.status_code == 200
    text = text_of(response)
    assert "Network dashboard Whole organisation" in text
    assert "2 Warm 2 Cooling 2 Cold 6 All relationships" in text
    assert "Beta borrel" in text
    assert "2 untended groups" in text
    assert "2 untended key contacts" in text
    assert "All 5 key contacts going cold" in text
    assert "All 5 overdue follow-ups" in text
    assert "33% done" in text
    # The team switcher and the retention review are the network manager's.
    html = response.content.decode()
    assert f'href="{DASHBOARD}?team={world.alpha.pk}"' in html
    assert f'href="{DASHBOARD}?team={world.beta.pk}"' in html
    assert f'href="{reverse("privacy:retention")}"' in html
    assert f'href="{WHO_KNOWS_WHOM}"' in html


def test_each_figure_links_to_the_list_behind_it(client_for, manager, world, networker):
    html = client_for(manager).get(DASHBOARD).content.decode()

    for link in [
        f"{RELATIONSHIPS}?warmth=warm",
        f"{RELATIONSHIPS}?warmth=cooling",
        f"{RELATIONSHIPS}?warmth=cold",
        f"{KEY_CONTACTS}?state=untended",
        f"{KEY_CONTACTS}?state=going_cold",
        f"{OVERDUE}?team={world.alpha.pk}",
        f"{OVERDUE}?assignee={networker.pk}",
        reverse("stakeholders:group_detail", args=[world.press.pk]),
        reverse("relations:contact_detail", args=[world.dirk.pk]),
        reverse("events:event_detail", args=[world.summit.pk]),
        reverse("network_manager:roadmap"),
    ]:
        assert f'href="{link}"' in html, link


def test_a_team_lead_sees_only_their_team(client_for, lead, world):
    response = client_for(lead).get(DASHBOARD)

    assert response.status_code == 200
    text = text_of(response)
    assert "Network dashboard Alpha" in text
    assert "1 Warm 2 Cooling 1 Cold 4 All relationships" in text
    assert "All 3 overdue follow-ups" in text
    # Team Beta's figures are absent: its event, its group, its networker.
    assert "Beta borrel" not in text
    assert "Universities" not in text
    assert "Otto" not in text
    # One team: nothing to switch between, and no retention review.
    assert f"?team={world.beta.pk}" not in response.content.decode()
    assert reverse("privacy:retention") not in response.content.decode()


def test_a_lead_of_two_teams_can_switch_between_them(client_for, lead, world):
    world.beta.lead = lead
    world.beta.save()

    response = client_for(lead).get(DASHBOARD, {"team": world.beta.pk})

    assert response.status_code == 200
    text = text_of(response)
    assert "Network dashboard Team Beta" in text
    assert "All my teams Alpha Beta" in text
    assert "Beta borrel" in text
    assert "Energy summit" not in text


def test_the_manager_narrows_to_one_team_and_the_links_keep_it(client_for, manager, world):
    response = client_for(manager).get(DASHBOARD, {"team": world.beta.pk})

    text = text_of(response)
    assert "1 Warm 0 Cooling 1 Cold 2 All relationships" in text
    assert "Energy summit" not in text
    html = response.content.decode()
    assert f'href="{RELATIONSHIPS}?warmth=warm&amp;team={world.beta.pk}"' in html
    assert f'href="{KEY_CONTACTS}?state=untended&amp;team={world.beta.pk}"' in html


@pytest.mark.parametrize("url", [DASHBOARD, *LISTS])
def test_networkers_get_404(client_for, networker, outsider, world, url):
    assert client_for(networker).get(url).status_code == 404
    assert client_for(outsider).get(url).status_code == 404


@pytest.mark.parametrize("url", [DASHBOARD, *LISTS])
def test_a_lead_asking_for_another_team_gets_404(client_for, lead, world, url):
    assert client_for(lead).get(url, {"team": world.beta.pk}).status_code == 404


@pytest.mark.parametrize("team", ["999999", "abc", "-1"])
def test_an_unknown_team_is_a_404(client_for, manager, world, team):
    assert client_for(manager).get(DASHBOARD, {"team": team}).status_code == 404


@pytest.mark.parametrize("url", [DASHBOARD, *LISTS, WHO_KNOWS_WHOM])
def test_anonymous_visitors_are_sent_to_log_in(client, db, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_empty_panels_say_what_to_do(client_for, manager):
    text = text_of(client_for(manager).get(DASHBOARD))

    assert "No relationships yet." in text
    assert "No “manage closely” or “keep satisfied” groups yet" in text
    assert "No key contacts going cold. Key contacts are marked on the contact's page." in text
    assert "No overdue follow-ups." in text
    assert "No teams yet." in text
    assert "No events in the next 60 days." in text
    assert "No stakeholder groups yet." in text
    assert "No roadmap steps yet." in text


# The charts


def test_the_meetings_chart_is_an_svg_with_a_bar_and_title_per_team_and_month(
    client_for, manager, world
):
    html = client_for(manager).get(DASHBOARD).content.decode()

    chart = re.search(r'<svg class="chart" id="meetings-chart".*?</svg>', html, flags=re.S)[0]
    bars = re.findall(r'<rect class="chart__bar"[^>]*><title>(.*?)</title>', chart)
    assert len(bars) == 2 * 12
    this_month = month_starts(today())[-1]
    assert f"Alpha, {this_month:%B %Y}: 2 meetings" in bars
    assert f"Beta, {this_month:%B %Y}: 1 meeting" in bars
    # The same figures as a table, and no style attribute (the CSP blocks them).
    assert "Show the meetings as a table" in html
    assert " style=" not in html


def test_the_warmth_trend_needs_two_points(client_for, manager, world):
    before = text_of(client_for(manager).get(DASHBOARD))
    WarmthSnapshot.objects.create(taken_on=month_starts(today())[-2], warm=3, cooling=1, cold=0)
    after = client_for(manager).get(DASHBOARD).content.decode()

    assert "No trend yet" in before
    assert 'id="warmth-chart"' in after
    assert re.findall(r'<rect class="chart__bar"[^>]*><title>(Warm, [^<]*)</title>', after) == [
        f"Warm, {date_format(month_starts(today())[-2])}: 3 relationships",
        "Warm, today: 2 relationships",
    ]


# The lists behind the figures


def test_the_relationship_list_filters_by_warmth_and_colleague(
    client_for, manager, colleague, world
):
    client = client_for(manager)

    cooling = client.get(RELATIONSHIPS, {"warmth": "cooling"})
    carls = client.get(RELATIONSHIPS, {"colleague": colleague.pk})
    nonsense = client.get(RELATIONSHIPS, {"warmth": "hot", "colleague": "x", "page": "zz"})

    assert [row.split(" ")[:3] for row in rows_of(cooling)] == [
        ["Carl", "Cora", "Claes"],
        ["Nina", "Bert", "Bakker"],
    ]
    assert "2 relationships" in text_of(cooling)
    assert [row.split(" ")[1] for row in rows_of(carls)] == ["Dirk", "Cora"]
    # Filters that make no sense are ignored: every relationship.
    assert nonsense.status_code == 200
    assert "6 relationships" in text_of(nonsense)


def test_a_lead_lists_the_relationships_of_their_team(client_for, lead, world):
    response = client_for(lead).get(RELATIONSHIPS, {"team": world.alpha.pk})

    assert "4 relationships" in text_of(response)
    assert "Eva" not in text_of(response)
    # The team filter offers the teams they lead only.
    assert ">Alpha</option>" in response.content.decode()
    assert ">Beta</option>" not in response.content.decode()


def test_the_key_contact_list_by_state(client_for, manager, world):
    client = client_for(manager)

    going_cold = client.get(KEY_CONTACTS, {"state": "going_cold"})
    untended = client.get(KEY_CONTACTS, {"state": "untended", "team": world.beta.pk})
    everyone = client.get(KEY_CONTACTS, {"state": "whatever"})

    assert [row.split(" ")[0] for row in rows_of(going_cold)] == [
        "Dirk", "Finn", "Bert", "Gus", "Hana",
    ]  # fmt: skip
    assert [row.split(" ")[0] for row in rows_of(untended)] == ["Hana"]
    assert "6 key contacts" in text_of(everyone)


def test_the_overdue_list_filters_by_team_and_assignee(client_for, manager, networker, world):
    client = client_for(manager)

    alpha = client.get(OVERDUE, {"team": world.alpha.pk})
    ninas = client.get(OVERDUE, {"assignee": networker.pk})

    assert "3 overdue follow-ups" in text_of(alpha)
    # Due date, days overdue, assignee, contact (organisation), next step; oldest first.
    assert rows_of(ninas) == [
        f"{date_format(today() - 5 * DAY)} 5 Nina Anna Aalbers Gemeente Utrecht Call back (5)",
        f"{date_format(today() - DAY)} 1 Nina Anna Aalbers Gemeente Utrecht Call back (1)",
    ]
    assert client.get(OVERDUE, {"assignee": "nobody"}).status_code == 200


def test_the_lists_answer_htmx_with_the_table_only(client_for, manager, world):
    response = client_for(manager).get(
        RELATIONSHIPS, {"warmth": "warm"}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    assert "2 relationships" in text_of(response)


def test_lists_page_through_25_at_a_time(client_for, manager, world, networker):
    for i in range(30):
        tie(networker, person(f"Extra{i:02}", "Person", met_days_ago=100), met_days_ago=100)

    first = client_for(manager).get(RELATIONSHIPS, {"warmth": "cold"})
    second = client_for(manager).get(RELATIONSHIPS, {"warmth": "cold", "page": 2})

    assert len(rows_of(first)) == 25
    assert len(rows_of(second)) == 7  # 30 + Dirk + Finn
    assert "Page 2 of 2" in text_of(second)


# Who knows whom: every user


def test_who_knows_whom_is_open_to_every_networker(client_for, networker, colleague, db):
    port = Organisation.objects.create(name="Havenbedrijf Rotterdam")
    tie(colleague, person("Jan", "Jansen", met_days_ago=5, organisation=port), met_days_ago=5)

    response = client_for(networker).get(WHO_KNOWS_WHOM, {"q": "haven"})

    assert response.status_code == 200
    assert "Havenbedrijf Rotterdam" in text_of(response)
    assert rows_of(response)[0].startswith("Carl carl@example.org 1 1")


def test_who_knows_whom_shows_the_go_betweens(client_for, networker, outsider, db):
    port = Organisation.objects.create(name="Havenbedrijf Rotterdam")
    person("Ivo", "Ijzer", organisation=port)
    tie(outsider, person("Jan", "Jansen", met_days_ago=5, organisation=port), met_days_ago=5)

    text = text_of(client_for(networker).get(WHO_KNOWS_WHOM, {"q": "Ijzer"}))

    assert "Nobody knows them directly" in text
    assert "Jan Jansen , Havenbedrijf Rotterdam met" in text


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("", "Type the name of an organisation"),
        ("a", "Type at least two characters."),
        ("zzzz", "Nothing matches “zzzz”."),
        ("Ijzer", "Nobody of us knows anyone there or close to it yet."),
    ],
)
def test_who_knows_whom_empty_states(client_for, networker, db, query, says):
    person("Ivo", "Ijzer")

    assert says in text_of(client_for(networker).get(WHO_KNOWS_WHOM, {"q": query}))


# A fixed number of queries, whatever the size of the network


def grow(*, start: int, count: int) -> None:
    """`count` more colleagues (in both teams), contacts, ties, meetings, follow-ups,
    key contacts, groups with members, events with guests and encounters, steps and
    snapshots."""
    on = today()
    teams = list(Team.objects.order_by("pk"))
    users = User.objects.bulk_create(
        [User(username=f"grown{start + i}", first_name=f"Grown{start + i}") for i in range(count)]
    )
    Team.members.through.objects.bulk_create(
        [Team.members.through(team=teams[i % 2], user=u) for i, u in enumerate(users)]
    )
    organisation = Organisation.objects.create(name=f"Grown organisation {start}")
    contacts = []
    for i in range(3 * count):
        contact = Contact(
            first_name=f"Grown{start + i:04}", last_name="Contact", cadence_days=30,
            organisation=organisation if i % 2 else None,
            last_interaction_on=None if i % 4 == 0 else on - (i * 9 % 90) * DAY,
        )  # fmt: skip
        contact.refresh_warmth_dates()
        contacts.append(contact)
    contacts = Contact.objects.bulk_create(contacts)
    ties = []
    for i, contact in enumerate(contacts):
        relationship = Relationship(user=users[i % count], contact=contact, strength=1 + i % 5)
        relationship.last_interaction_on = contact.last_interaction_on
        relationship.cooling_on, relationship.cold_on = contact.cooling_on, contact.cold_on
        ties.append(relationship)
    Relationship.objects.bulk_create(ties)
    meetings = Interaction.objects.bulk_create(
        [
            Interaction(
                occurred_on=on - (i * 23 % 360) * DAY,
                author=users[i % count],
                given="help" if i % 2 else "",
                asked="intro" if i % 3 else "",
            )  # fmt: skip
            for i in range(2 * count)
        ]
    )
    Interaction.our_participants.through.objects.bulk_create(
        [
            Interaction.our_participants.through(interaction=m, user=users[i % count])
            for i, m in enumerate(meetings)
        ]
    )
    Interaction.contacts.through.objects.bulk_create(
        [
            Interaction.contacts.through(interaction=m, contact=contacts[i])
            for i, m in enumerate(meetings)
        ]
    )
    FollowUp.objects.bulk_create(
        [
            FollowUp(
                text=f"Grown {i}",
                due_on=on - (1 + i % 20) * DAY,
                assignee=users[i % count],
                contact=contacts[i],
            )  # fmt: skip
            for i in range(2 * count)
        ]
    )
    KeyContact.objects.bulk_create(
        [
            KeyContact(contact=c, team=teams[i % 2] if i % 3 else None)
            for i, c in enumerate(contacts[:count])
        ]
    )
    groups = StakeholderGroup.objects.bulk_create(
        [
            StakeholderGroup(
                name=f"Grown group {start + i}",
                influence=3 + i % 3,
                interest=1 + i % 5,
                owning_team=teams[i % 2] if i % 4 else None,
                steward=users[i] if i % 2 else None,
            )  # fmt: skip
            for i in range(count)
        ]
    )
    ContactMembership.objects.bulk_create(
        [ContactMembership(group=groups[i % count], contact=c) for i, c in enumerate(contacts)]
    )
    OrganisationMembership.objects.bulk_create(
        [OrganisationMembership(group=g, organisation=organisation) for g in groups[::2]]
    )
    now = timezone.now()
    events = Event.objects.bulk_create(
        [
            Event(
                name=f"Grown event {start + i}",
                organiser=users[i % count],
                starts_at=now + (1 + i) * DAY,
                ends_at=now + (1 + i) * DAY + 2 * DAY / 24,
            )  # fmt: skip
            for i in range(count)
        ]
    )
    statuses = InvitationStatus.values
    Invitation.objects.bulk_create(
        [
            Invitation(event=e, contact=contacts[j], status=statuses[j % len(statuses)])
            for e in events
            for j in range(3)
        ]
    )
    Encounter.objects.bulk_create(
        [
            Encounter(
                event=e,
                colleague=users[j],
                contact=contacts[j],
                starts_at=e.starts_at,
                goal="" if j % 2 else "Intro",
            )  # fmt: skip
            for e in events
            for j in range(2)
        ]
    )
    RoadmapStep.objects.bulk_create(
        [RoadmapStep(title=f"Grown step {start + i}", target_on=on + i * DAY) for i in range(count)]
    )
    for i, month in enumerate(month_starts(on)[:-1]):
        WarmthSnapshot.objects.update_or_create(
            taken_on=month, team=None, defaults={"warm": start + i, "cooling": i, "cold": 1}
        )
        for team in teams:
            WarmthSnapshot.objects.update_or_create(
                taken_on=month, team=team, defaults={"warm": i, "cooling": 1, "cold": 2}
            )


def count_queries(client, url: str, params: dict) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries)


def counts_at_two_sizes(client, url: str, params: dict) -> tuple[int, int]:
    grow(start=0, count=3)
    small = count_queries(client, url, params)
    grow(start=1000, count=30)
    return small, count_queries(client, url, params)


@pytest.mark.parametrize(
    ("who", "team", "queries"),
    [("manager", None, 22), ("manager", "alpha", 23), ("lead", None, 24)],
)
def test_the_dashboard_runs_a_fixed_number_of_queries(
    client_for, request, world, who, team, queries
):
    params = {"team": world.alpha.pk} if team else {}
    client = client_for(request.getfixturevalue(who))

    assert counts_at_two_sizes(client, DASHBOARD, params) == (queries, queries)


@pytest.mark.parametrize(
    ("url", "params", "queries"),
    [
        (RELATIONSHIPS, {"warmth": "cold"}, 7),
        (RELATIONSHIPS, {"team": "alpha", "page": "2"}, 8),
        (KEY_CONTACTS, {"state": "going_cold"}, 5),
        (KEY_CONTACTS, {"team": "alpha"}, 6),
        (OVERDUE, {}, 7),
        (OVERDUE, {"team": "alpha"}, 8),
    ],
)
def test_the_lists_run_a_fixed_number_of_queries(client_for, manager, world, url, params, queries):
    if params.get("team"):
        params = {**params, "team": world.alpha.pk}
    client = client_for(manager)

    assert counts_at_two_sizes(client, url, params) == (queries, queries)


def test_who_knows_whom_runs_a_fixed_number_of_queries(client_for, networker, world):
    client = client_for(networker)

    assert counts_at_two_sizes(client, WHO_KNOWS_WHOM, {"q": "Grown"}) == (10, 10)
    assert count_queries(client, WHO_KNOWS_WHOM, {"q": "Grown organisation"}) == 10


def test_the_second_degree_runs_a_fixed_number_of_queries(client_for, networker, outsider):
    port = Organisation.objects.create(name="Havenbedrijf Rotterdam")
    person("Ivo", "Ijzer", organisation=port)  # whom nobody knows
    colleagues = [networker, outsider]

    def add_go_betweens(start: int, count: int) -> None:
        for i in range(start, start + count):
            contact = person(f"Jan{i}", "Jansen", met_days_ago=i % 70, organisation=port)
            tie(colleagues[i % 2], contact, met_days_ago=i % 70)

    client = client_for(networker)
    add_go_betweens(0, 3)
    small = count_queries(client, WHO_KNOWS_WHOM, {"q": "Ijzer"})
    add_go_betweens(3, 30)
    large = client.get(WHO_KNOWS_WHOM, {"q": "Ijzer"})

    assert (small, count_queries(client, WHO_KNOWS_WHOM, {"q": "Ijzer"})) == (12, 12)
    assert text_of(large).count("Jansen ,") == 6  # three go-betweens for each colleague
