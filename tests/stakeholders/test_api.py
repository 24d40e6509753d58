"""The stakeholder API under /api/v1/: CRUD, filters, pagination, permissions, bad input,
query counts, and responses that match the OpenAPI schema."""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openapi_core import OpenAPI
from rest_framework.test import APIClient

from relations import selectors as relation_selectors
from relations import services as relation_services
from relations.models import Contact, Organisation
from stakeholders import services
from stakeholders.models import (
    ContactMembership,
    Goal,
    GoalKind,
    Network,
    OrganisationMembership,
    StakeholderGroup,
    Topic,
)
from tests.relations.test_api_schema import Contract

pytestmark = pytest.mark.django_db

API = "/api/v1"
HUGE_ID = 99999999999999999999


@pytest.fixture
def api_for(db):
    """`api_for(user)` returns an APIClient signed in (session) as that user."""

    def login(user) -> APIClient:
        client = APIClient()
        client.force_login(user)
        return client

    return login


@pytest.fixture
def mobility(manager) -> Topic:
    return services.topic_create(actor=manager, name="Mobility")


@pytest.fixture
def province(manager, team_alpha, mobility) -> StakeholderGroup:
    """Manage closely, owned by team Alpha (led by `lead`), no interactions yet."""
    return services.group_create(
        actor=manager,
        name="Province",
        influence=5,
        interest=4,
        owning_team=team_alpha,
        topics=[mobility],
    )


@pytest.fixture
def universities(manager) -> StakeholderGroup:
    """Monitor, unowned."""
    return services.group_create(actor=manager, name="Universities", influence=2, interest=1)


@pytest.fixture
def membership(manager, province, contact) -> ContactMembership:
    return services.contact_membership_add(
        actor=manager, group=province, contact=contact, attitude="supporter", note="Ally"
    )


@pytest.fixture
def our_goal(manager, province) -> Goal:
    return services.goal_add(
        actor=manager, group=province, kind=GoalKind.OUR_GOAL, text="Co-fund the pilot"
    )


@pytest.fixture
def club(networker, colleague, contact) -> Network:
    return services.network_save(
        actor=networker,
        name="Rotary Utrecht",
        membership_conditions="By invitation",
        our_members=[networker, colleague],
        contact_members=[contact],
    )


def names(response) -> list[str]:
    assert response.status_code == 200, response.json()
    return [row["name"] for row in response.json()["results"]]


def ids(response) -> set[int]:
    assert response.status_code == 200, response.json()
    return {row["id"] for row in response.json()["results"]}


# Reading


@pytest.mark.parametrize(
    "path",
    [
        "stakeholder-groups/",
        "group-memberships/",
        "group-organisation-memberships/",
        "goals/",
        "topics/",
        "networks/",
    ],
)
def test_anonymous_is_refused(db, path):
    assert APIClient().get(f"{API}/{path}").status_code in (401, 403)


def test_every_user_reads_groups_with_quadrant_flags_counts_and_goals(
    api_for, outsider, teams, province, membership, our_goal, organisation, manager, mobility
):
    services.organisation_membership_add(
        actor=manager, group=province, organisation=organisation, attitude="critic"
    )

    response = api_for(outsider).get(f"{API}/stakeholder-groups/")

    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["name"] == "Province"
    assert row["quadrant"] == "manage_closely"
    assert sorted(row["flags"]) == ["neglected", "unbalanced"]
    assert (row["contact_count"], row["organisation_count"]) == (1, 1)
    assert row["last_interaction_on"] is None
    assert row["owning_team"] == province.owning_team_id
    assert row["owning_team_name"] == "Alpha"
    assert row["topics"] == [mobility.pk]
    assert [(g["kind"], g["text"]) for g in row["goals"]] == [("our_goal", "Co-fund the pilot")]
    assert row["url"].endswith(f"/api/v1/stakeholder-groups/{province.pk}/")


def test_group_detail_shows_last_interaction_with_a_member(
    api_for, networker, province, membership, contact
):
    relation_services.interaction_log(author=networker, contacts=[contact])

    response = api_for(networker).get(f"{API}/stakeholder-groups/{province.pk}/")

    assert response.status_code == 200
    body = response.json()
    assert body["last_interaction_on"] == relation_selectors.today().isoformat()
    assert body["flags"] == []


@pytest.mark.parametrize("pk", ["999999", "abc", str(HUGE_ID)])
def test_unknown_group_is_a_404(api_for, manager, pk):
    client = api_for(manager)

    assert client.get(f"{API}/stakeholder-groups/{pk}/").status_code == 404
    assert client.patch(f"{API}/stakeholder-groups/{pk}/", {"influence": 2}).status_code == 404
    assert client.delete(f"{API}/stakeholder-groups/{pk}/").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "group-memberships/999999/",
        "group-organisation-memberships/999999/",
        "goals/999999/",
        "topics/999999/",
        "networks/999999/",
    ],
)
def test_unknown_ids_elsewhere_are_404(api_for, manager, path):
    client = api_for(manager)

    assert client.get(f"{API}/{path}").status_code == 404
    assert client.patch(f"{API}/{path}", {"note": "x"}, format="json").status_code == 404


def test_groups_are_paginated(api_for, networker, province, universities):
    client = api_for(networker)

    first = client.get(f"{API}/stakeholder-groups/?page_size=1")
    assert first.json()["count"] == 2
    assert first.json()["next"]
    assert names(first) == ["Province"]  # priority, then name
    assert client.get(f"{API}/stakeholder-groups/?page=99").status_code == 404


# Group filters


def test_filter_groups_by_team(api_for, networker, province, universities, team_alpha):
    assert names(api_for(networker).get(f"{API}/stakeholder-groups/?team={team_alpha.pk}")) == [
        "Province"
    ]


def test_filter_groups_by_topic(api_for, networker, province, universities, mobility):
    assert names(api_for(networker).get(f"{API}/stakeholder-groups/?topic={mobility.pk}")) == [
        "Province"
    ]


@pytest.mark.parametrize(
    ("quadrant", "expected"),
    [
        ("manage_closely", ["Province"]),
        ("keep_satisfied", ["Port"]),
        ("keep_informed", ["Residents"]),
        ("monitor", ["Universities"]),
    ],
)
def test_filter_groups_by_quadrant(api_for, manager, province, universities, quadrant, expected):
    services.group_create(actor=manager, name="Port", influence=4, interest=2)
    services.group_create(actor=manager, name="Residents", influence=1, interest=5)

    response = api_for(manager).get(f"{API}/stakeholder-groups/?quadrant={quadrant}")

    assert names(response) == expected
    assert response.json()["results"][0]["quadrant"] == quadrant


@pytest.mark.parametrize(
    ("flag", "expected"),
    [("unbalanced", ["Province"]), ("neglected", ["Province"]), ("unowned", ["Universities"])],
)
def test_filter_groups_by_flag(
    api_for, networker, province, universities, our_goal, flag, expected
):
    assert names(api_for(networker).get(f"{API}/stakeholder-groups/?flag={flag}")) == expected


def test_an_offer_balances_a_group(api_for, manager, province, our_goal):
    services.goal_add(actor=manager, group=province, kind=GoalKind.OUR_OFFER, text="Open data")

    assert names(api_for(manager).get(f"{API}/stakeholder-groups/?flag=unbalanced")) == []


def test_search_groups(api_for, networker, province, universities):
    assert names(api_for(networker).get(f"{API}/stakeholder-groups/?q=univ")) == ["Universities"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("quadrant=middle", "quadrant"),
        ("flag=sleepy", "flag"),
        ("team=abc", "team"),
        ("topic=0", "topic"),
        (f"team={HUGE_ID}", "team"),
    ],
)
def test_bad_group_filter_is_a_400_naming_the_parameter(api_for, networker, query, field):
    response = api_for(networker).get(f"{API}/stakeholder-groups/?{query}")

    assert response.status_code == 400
    assert field in response.json()


# Group writes


def test_manager_creates_a_group(api_for, manager, team_alpha, mobility):
    response = api_for(manager).post(
        f"{API}/stakeholder-groups/",
        {
            "name": "Regional government",
            "influence": 4,
            "interest": 2,
            "priority": 1,
            "owning_team": team_alpha.pk,
            "topics": [mobility.pk],
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    group = StakeholderGroup.objects.get(pk=body["id"])
    assert group.owning_team == team_alpha
    assert list(group.topics.all()) == [mobility]
    assert body["quadrant"] == "keep_satisfied"
    assert body["flags"] == ["neglected"]
    assert (body["contact_count"], body["goals"]) == (0, [])


def test_lead_creates_a_group_for_their_own_team_only(api_for, lead, team_alpha, team_beta):
    client = api_for(lead)

    own = client.post(
        f"{API}/stakeholder-groups/",
        {"name": "Schools", "influence": 2, "interest": 3, "owning_team": team_alpha.pk},
    )
    other = client.post(
        f"{API}/stakeholder-groups/",
        {"name": "Hospitals", "influence": 2, "interest": 3, "owning_team": team_beta.pk},
    )

    assert own.status_code == 201
    assert other.status_code == 403
    assert not StakeholderGroup.objects.filter(name="Hospitals").exists()


def test_networker_cannot_create_a_group(api_for, networker, teams):
    response = api_for(networker).post(
        f"{API}/stakeholder-groups/", {"name": "Press", "influence": 3, "interest": 3}
    )

    assert response.status_code == 403
    assert "detail" in response.json()


def test_owning_lead_changes_a_group(api_for, lead, province, universities):
    response = api_for(lead).patch(
        f"{API}/stakeholder-groups/{province.pk}/",
        {"influence": 2, "topics": []},
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert response.json()["quadrant"] == "keep_informed"
    province.refresh_from_db()
    assert province.influence == 2
    assert list(province.topics.all()) == []


def test_lead_cannot_change_a_group_of_no_team_of_theirs(api_for, lead, team_alpha, universities):
    response = api_for(lead).patch(f"{API}/stakeholder-groups/{universities.pk}/", {"interest": 5})

    assert response.status_code == 403


def test_networker_patch_on_a_group_is_403_and_changes_nothing(api_for, networker, province):
    response = api_for(networker).patch(
        f"{API}/stakeholder-groups/{province.pk}/", {"influence": 1, "name": "Renamed"}
    )

    assert response.status_code == 403
    province.refresh_from_db()
    assert (province.influence, province.name) == (5, "Province")


def test_manager_replaces_a_group_with_put(api_for, manager, province):
    response = api_for(manager).put(
        f"{API}/stakeholder-groups/{province.pk}/",
        {"name": "Province board", "influence": 1, "interest": 1, "owning_team": None},
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert response.json()["flags"] == ["unowned"]
    province.refresh_from_db()
    assert (province.name, province.owning_team) == ("Province board", None)


def test_deleting_a_group_keeps_contacts_and_interactions(
    api_for, manager, networker, province, membership, contact
):
    relation_services.interaction_log(author=networker, contacts=[contact])

    assert api_for(networker).delete(f"{API}/stakeholder-groups/{province.pk}/").status_code == 403
    response = api_for(manager).delete(f"{API}/stakeholder-groups/{province.pk}/")

    assert response.status_code == 204
    assert not StakeholderGroup.objects.exists()
    assert not ContactMembership.objects.exists()
    assert Contact.objects.filter(pk=contact.pk).exists()
    assert contact.interactions.count() == 1


@pytest.mark.parametrize(
    "payload",
    [
        {"influence": 0, "interest": 3},
        {"influence": 6, "interest": 3},
        {"influence": 3, "interest": 6},
        {"influence": 3, "interest": -1},
    ],
)
def test_scores_outside_1_to_5_are_a_400(api_for, manager, province, payload):
    client = api_for(manager)
    field = "influence" if payload["influence"] not in range(1, 6) else "interest"

    created = client.post(f"{API}/stakeholder-groups/", {"name": "Bad", **payload})
    patched = client.patch(f"{API}/stakeholder-groups/{province.pk}/", {field: payload[field]})

    assert (created.status_code, patched.status_code) == (400, 400)
    assert field in created.json()
    assert field in patched.json()
    province.refresh_from_db()
    assert (province.influence, province.interest) == (5, 4)


def test_a_group_name_taken_in_other_case_is_a_400(api_for, manager, province):
    response = api_for(manager).post(
        f"{API}/stakeholder-groups/", {"name": "  PROVINCE ", "influence": 1, "interest": 1}
    )

    assert response.status_code == 400
    assert "name" in response.json()


# Memberships


def test_lead_adds_a_contact_to_the_group(api_for, lead, province, contact):
    response = api_for(lead).post(
        f"{API}/group-memberships/", {"group": province.pk, "contact": contact.pk}
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["attitude"] == "neutral"
    assert (body["group_name"], body["contact_name"]) == ("Province", "Anna de Vries")
    assert ContactMembership.objects.filter(group=province, contact=contact).exists()


def test_a_contact_added_twice_is_a_400_on_the_contact(api_for, manager, province, membership):
    response = api_for(manager).post(
        f"{API}/group-memberships/",
        {"group": province.pk, "contact": membership.contact_id, "attitude": "critic"},
    )

    assert response.status_code == 400
    assert list(response.json()) == ["contact"]
    assert ContactMembership.objects.count() == 1


def test_networker_cannot_add_members(api_for, networker, province, contact, organisation):
    client = api_for(networker)

    person = client.post(f"{API}/group-memberships/", {"group": province.pk, "contact": contact.pk})
    org = client.post(
        f"{API}/group-organisation-memberships/",
        {"group": province.pk, "organisation": organisation.pk},
    )

    assert (person.status_code, org.status_code) == (403, 403)
    assert not ContactMembership.objects.exists()
    assert not OrganisationMembership.objects.exists()


def test_filter_contact_memberships_by_group_and_contact(
    api_for, manager, outsider, province, universities, membership, contact
):
    other = Contact.objects.create(first_name="Bas", last_name="Smit")
    elsewhere = services.contact_membership_add(
        actor=manager, group=universities, contact=other, attitude="neutral"
    )
    client = api_for(outsider)

    assert ids(client.get(f"{API}/group-memberships/")) == {membership.pk, elsewhere.pk}
    assert ids(client.get(f"{API}/group-memberships/?group={province.pk}")) == {membership.pk}
    assert ids(client.get(f"{API}/group-memberships/?contact={other.pk}")) == {elsewhere.pk}
    assert client.get(f"{API}/group-memberships/?group=abc").status_code == 400


def test_change_and_remove_a_contact_membership(api_for, lead, networker, membership):
    url = f"{API}/group-memberships/{membership.pk}/"

    assert api_for(networker).patch(url, {"attitude": "critic"}).status_code == 403
    response = api_for(lead).patch(url, {"attitude": "critic", "note": "Changed sides"})
    assert response.status_code == 200, response.json()
    membership.refresh_from_db()
    assert (membership.attitude, membership.note) == ("critic", "Changed sides")

    assert api_for(lead).patch(url, {"attitude": "lukewarm"}).status_code == 400
    assert api_for(lead).delete(url).status_code == 204
    assert not ContactMembership.objects.exists()


def test_organisation_memberships_crud_and_filters(
    api_for, lead, province, universities, organisation, manager
):
    client = api_for(lead)

    created = client.post(
        f"{API}/group-organisation-memberships/",
        {"group": province.pk, "organisation": organisation.pk, "attitude": "supporter"},
    )
    assert created.status_code == 201, created.json()
    assert created.json()["organisation_name"] == "Gemeente Utrecht"
    twice = client.post(
        f"{API}/group-organisation-memberships/",
        {"group": province.pk, "organisation": organisation.pk},
    )
    assert twice.status_code == 400
    assert list(twice.json()) == ["organisation"]

    other = Organisation.objects.create(name="TU Delft")
    services.organisation_membership_add(
        actor=manager, group=universities, organisation=other, attitude="neutral"
    )
    url = f"{API}/group-organisation-memberships/"
    assert ids(client.get(f"{url}?group={province.pk}")) == {created.json()["id"]}
    assert len(ids(client.get(f"{url}?organisation={other.pk}"))) == 1

    detail = f"{url}{created.json()['id']}/"
    assert client.patch(detail, {"note": "Key partner"}).json()["note"] == "Key partner"
    assert client.delete(detail).status_code == 204
    assert OrganisationMembership.objects.count() == 1


# Goals


def test_lead_fills_the_reciprocity_card(api_for, lead, province):
    client = api_for(lead)

    for kind, text in [
        ("their_goal", "Less congestion"),
        ("our_goal", "Co-fund the pilot"),
        ("our_offer", "Traffic data"),
    ]:
        response = client.post(f"{API}/goals/", {"group": province.pk, "kind": kind, "text": text})
        assert response.status_code == 201, response.json()
        assert response.json()["status"] == "active"

    group = client.get(f"{API}/stakeholder-groups/{province.pk}/").json()
    assert [g["kind"] for g in group["goals"]] == ["our_goal", "our_offer", "their_goal"]
    assert "unbalanced" not in group["flags"]


@pytest.mark.parametrize("text", ["", "   "])
def test_a_goal_without_text_is_a_400(api_for, manager, province, our_goal, text):
    client = api_for(manager)

    created = client.post(
        f"{API}/goals/", {"group": province.pk, "kind": "our_offer", "text": text}
    )
    patched = client.patch(f"{API}/goals/{our_goal.pk}/", {"text": text})

    assert (created.status_code, patched.status_code) == (400, 400)
    assert "text" in created.json()
    assert "text" in patched.json()
    our_goal.refresh_from_db()
    assert our_goal.text == "Co-fund the pilot"
    assert Goal.objects.count() == 1


def test_a_goal_of_an_unknown_kind_is_a_400(api_for, manager, province):
    response = api_for(manager).post(
        f"{API}/goals/", {"group": province.pk, "kind": "wish", "text": "x"}
    )

    assert response.status_code == 400
    assert "kind" in response.json()


def test_filter_goals_by_group_kind_and_status(
    api_for, manager, outsider, province, universities, our_goal
):
    offer = services.goal_add(actor=manager, group=province, kind="our_offer", text="Data")
    theirs = services.goal_add(
        actor=manager, group=universities, kind="their_goal", text="Students", status="achieved"
    )
    client = api_for(outsider)

    assert ids(client.get(f"{API}/goals/?group={province.pk}")) == {our_goal.pk, offer.pk}
    assert ids(client.get(f"{API}/goals/?kind=our_offer")) == {offer.pk}
    assert ids(client.get(f"{API}/goals/?status=achieved")) == {theirs.pk}
    assert client.get(f"{API}/goals/?status=maybe").status_code == 400


def test_change_and_remove_a_goal(api_for, lead, networker, universities, our_goal):
    url = f"{API}/goals/{our_goal.pk}/"

    assert api_for(networker).patch(url, {"status": "achieved"}).status_code == 403
    response = api_for(lead).patch(url, {"status": "achieved", "text": " Pilot funded "})
    assert response.status_code == 200, response.json()
    assert response.json()["text"] == "Pilot funded"
    moved = api_for(lead).patch(url, {"group": universities.pk})
    assert moved.status_code == 400
    assert "group" in moved.json()

    assert api_for(networker).delete(url).status_code == 403
    assert api_for(lead).delete(url).status_code == 204
    assert not Goal.objects.exists()


# Topics


def test_any_colleague_adds_a_topic_and_may_change_it(api_for, networker, mobility):
    client = api_for(networker)

    created = client.post(f"{API}/topics/", {"name": "Energy transition"})
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["owner"], body["contact_count"], body["group_count"]) == (networker.pk, 0, 0)

    patched = client.patch(f"{API}/topics/{body['id']}/", {"description": "Heat grids"})
    assert patched.status_code == 200
    assert Topic.objects.get(pk=body["id"]).description == "Heat grids"


def test_topics_search_and_retrieve(api_for, outsider, province, mobility, manager):
    services.topic_create(actor=manager, name="Housing")
    client = api_for(outsider)

    assert names(client.get(f"{API}/topics/")) == ["Housing", "Mobility"]
    assert names(client.get(f"{API}/topics/?q=mob")) == ["Mobility"]
    detail = client.get(f"{API}/topics/{mobility.pk}/").json()
    assert (detail["name"], detail["group_count"]) == ("Mobility", 1)


def test_outsider_cannot_change_someone_elses_topic(api_for, outsider, mobility):
    response = api_for(outsider).patch(f"{API}/topics/{mobility.pk}/", {"name": "Cars"})

    assert response.status_code == 403
    mobility.refresh_from_db()
    assert mobility.name == "Mobility"


def test_a_topic_name_taken_is_a_400(api_for, networker, mobility):
    response = api_for(networker).post(f"{API}/topics/", {"name": "mobility"})

    assert response.status_code == 400
    assert "name" in response.json()


# Networks


def test_create_a_network_with_members_on_both_sides(api_for, networker, colleague, contact):
    response = api_for(networker).post(
        f"{API}/networks/",
        {
            "name": "Chamber circle",
            "membership_conditions": "Two sponsors",
            "our_members": [networker.pk, colleague.pk],
            "contact_members": [contact.pk],
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["our_count"], body["their_count"], body["closed"]) == (2, 1, True)
    assert body["owner"] == networker.pk
    assert sorted(body["our_members"]) == sorted([networker.pk, colleague.pk])


def test_networks_list_search_and_retrieve(api_for, outsider, manager, club):
    services.network_save(actor=manager, name="Golf club")
    client = api_for(outsider)

    assert names(client.get(f"{API}/networks/")) == ["Golf club", "Rotary Utrecht"]
    assert names(client.get(f"{API}/networks/?q=rotary")) == ["Rotary Utrecht"]
    assert client.get(f"{API}/networks/{club.pk}/").json()["their_count"] == 1


def test_owner_and_their_lead_change_a_network_but_an_outsider_may_not(
    api_for, networker, lead, outsider, teams, club
):
    url = f"{API}/networks/{club.pk}/"

    assert api_for(outsider).patch(url, {"closed": False}).status_code == 403
    response = api_for(lead).patch(url, {"our_members": [lead.pk]}, format="json")
    assert response.status_code == 200, response.json()
    assert (response.json()["our_members"], response.json()["their_count"]) == ([lead.pk], 1)
    club.refresh_from_db()
    assert club.membership_conditions == "By invitation"

    renamed = api_for(networker).patch(url, {"name": "Rotary Midden"})
    assert renamed.json()["name"] == "Rotary Midden"


def test_a_network_name_taken_is_a_400(api_for, manager, club):
    response = api_for(manager).post(f"{API}/networks/", {"name": "ROTARY UTRECHT"})

    assert response.status_code == 400
    assert "name" in response.json()


# Speed


def _grow(manager, team, count: int, start: int) -> None:
    """Groups with members on both sides, goals of each kind, topics, and an interaction."""
    for number in range(start, start + count):
        group = services.group_create(
            actor=manager,
            name=f"Group {number}",
            influence=number % 5 + 1,
            interest=(number * 3) % 5 + 1,
            owning_team=team if number % 2 else None,
            topics=[services.topic_create(actor=manager, name=f"Topic {number}")],
        )
        organisation = Organisation.objects.create(name=f"Org {number}")
        contact = Contact.objects.create(
            first_name="Bulk", last_name=str(number), organisation=organisation
        )
        services.contact_membership_add(
            actor=manager, group=group, contact=contact, attitude="supporter"
        )
        services.organisation_membership_add(
            actor=manager, group=group, organisation=organisation, attitude="critic"
        )
        for kind in GoalKind.values:
            services.goal_add(actor=manager, group=group, kind=kind, text=f"{kind} {number}")
        relation_services.interaction_log(
            author=manager,
            contacts=[contact],
            occurred_on=relation_selectors.today() - datetime.timedelta(days=number),
        )


def _queries_for(client, url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), len(response.json()["results"])


@pytest.mark.parametrize(
    "path",
    [
        "stakeholder-groups/",
        "stakeholder-groups/?flag=unowned&quadrant=monitor",
        "group-memberships/",
        "group-organisation-memberships/",
        "goals/",
        "topics/",
    ],
)
def test_list_query_count_does_not_grow_with_groups(api_for, manager, team_alpha, path):
    client = api_for(manager)
    _grow(manager, team_alpha, 3, start=0)
    small, small_rows = _queries_for(client, f"{API}/{path}")
    _grow(manager, team_alpha, 27, start=3)
    large, large_rows = _queries_for(client, f"{API}/{path}")

    assert small == large
    assert large_rows > small_rows > 0


def test_network_list_query_count_does_not_grow(api_for, manager, networker, colleague, contact):
    client = api_for(manager)
    for number in range(3):
        services.network_save(
            actor=manager, name=f"Net {number}", our_members=[networker], contact_members=[contact]
        )
    small, _ = _queries_for(client, f"{API}/networks/")
    for number in range(3, 30):
        services.network_save(
            actor=manager,
            name=f"Net {number}",
            our_members=[networker, colleague],
            contact_members=[contact],
        )
    large, rows = _queries_for(client, f"{API}/networks/")

    assert (small, rows) == (large, 30)


# The contract: schema and responses


@pytest.fixture
def openapi(db) -> OpenAPI:
    response = APIClient().get("/api/schema/?format=json")
    assert response.status_code == 200
    return OpenAPI.from_dict(json.loads(response.content))


def test_schema_documents_the_stakeholder_endpoints_and_filters(openapi):
    spec = json.loads(APIClient().get("/api/schema/?format=json").content)
    paths = spec["paths"]

    def params(path: str) -> set[str]:
        return {p["name"] for p in paths[path]["get"].get("parameters", [])}

    for path in [
        "/api/v1/stakeholder-groups/{id}/",
        "/api/v1/group-memberships/{id}/",
        "/api/v1/group-organisation-memberships/{id}/",
        "/api/v1/goals/{id}/",
        "/api/v1/topics/{id}/",
        "/api/v1/networks/{id}/",
    ]:
        assert {"400", "403", "404"} <= set(paths[path]["patch"]["responses"]), path
    assert {"team", "topic", "quadrant", "flag", "q", "page"} <= params(
        "/api/v1/stakeholder-groups/"
    )
    assert {"group", "contact"} <= params("/api/v1/group-memberships/")
    assert {"group", "organisation"} <= params("/api/v1/group-organisation-memberships/")
    assert {"group", "kind", "status"} <= params("/api/v1/goals/")
    assert "q" in params("/api/v1/topics/")
    assert "delete" not in paths["/api/v1/topics/{id}/"]


def test_group_responses_match_schema(
    openapi, manager, team_alpha, province, membership, our_goal, mobility
):
    api = Contract(openapi, manager)

    listed = api.call("get", "/api/v1/stakeholder-groups/", query={"quadrant": "manage_closely"})
    assert listed.json()["count"] == 1
    api.call("get", f"/api/v1/stakeholder-groups/{province.pk}/")
    created = api.call(
        "post",
        "/api/v1/stakeholder-groups/",
        {"name": "Port", "influence": 4, "interest": 2, "topics": [mobility.pk]},
    )
    assert created.status_code == 201
    api.call("patch", f"/api/v1/stakeholder-groups/{province.pk}/", {"owning_team": None})
    api.call(
        "put",
        f"/api/v1/stakeholder-groups/{created.json()['id']}/",
        {"name": "Port authority", "influence": 4, "interest": 4},
    )
    assert (
        api.call("delete", f"/api/v1/stakeholder-groups/{created.json()['id']}/").status_code == 204
    )


def test_membership_and_goal_responses_match_schema(
    openapi, manager, province, membership, our_goal, organisation
):
    api = Contract(openapi, manager)

    api.call("get", "/api/v1/group-memberships/", query={"group": province.pk})
    api.call("patch", f"/api/v1/group-memberships/{membership.pk}/", {"attitude": "critic"})
    created = api.call(
        "post",
        "/api/v1/group-organisation-memberships/",
        {"group": province.pk, "organisation": organisation.pk},
    )
    assert created.status_code == 201
    api.call("get", f"/api/v1/group-organisation-memberships/{created.json()['id']}/")
    api.call("get", "/api/v1/goals/", query={"kind": "our_goal"})
    goal = api.call(
        "post", "/api/v1/goals/", {"group": province.pk, "kind": "our_offer", "text": "Data"}
    )
    assert goal.status_code == 201
    api.call("patch", f"/api/v1/goals/{our_goal.pk}/", {"status": "dropped"})


def test_topic_and_network_responses_match_schema(openapi, networker, mobility, club, contact):
    api = Contract(openapi, networker)

    api.call("get", "/api/v1/topics/", query={"q": "mob"})
    api.call("get", f"/api/v1/topics/{mobility.pk}/")
    topic = api.call("post", "/api/v1/topics/", {"name": "Housing"})
    api.call("patch", f"/api/v1/topics/{topic.json()['id']}/", {"description": "Homes"})
    api.call("get", "/api/v1/networks/")
    api.call("get", f"/api/v1/networks/{club.pk}/")
    api.call("post", "/api/v1/networks/", {"name": "Golf", "contact_members": [contact.pk]})
    api.call("patch", f"/api/v1/networks/{club.pk}/", {"closed": False})


def test_error_responses_match_schema(openapi, networker, province, membership, contact):
    api = Contract(openapi, networker)

    forbidden = api.call("patch", f"/api/v1/stakeholder-groups/{province.pk}/", {"interest": 1})
    missing = api.call("get", "/api/v1/goals/999999/")
    bad_filter = api.call("get", "/api/v1/stakeholder-groups/", query={"flag": "sleepy"})
    assert (forbidden.status_code, missing.status_code, bad_filter.status_code) == (403, 404, 400)

    lead_api = Contract(openapi, province.owning_team.lead)
    twice = lead_api.call(
        "post", "/api/v1/group-memberships/", {"group": province.pk, "contact": contact.pk}
    )
    assert twice.status_code == 400
    assert "contact" in twice.json()
