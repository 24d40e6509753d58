import datetime

import pytest
from django.urls import reverse

from relations import selectors as relation_selectors
from relations import services as relation_services
from relations.models import Contact, Interaction, Organisation, Relationship
from stakeholders import services
from stakeholders.models import (
    Attitude,
    ContactMembership,
    Goal,
    GoalKind,
    GoalStatus,
    Network,
    OrganisationMembership,
    StakeholderGroup,
    Topic,
)

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def html(response) -> str:
    return response.content.decode()


@pytest.fixture
def energy(manager) -> Topic:
    return services.topic_create(actor=manager, name="Energy transition")


@pytest.fixture
def province(manager, team_alpha, energy) -> StakeholderGroup:
    return services.group_create(
        actor=manager,
        name="Province",
        description="Regional government of Utrecht",
        influence=5,
        interest=4,
        owning_team=team_alpha,
        topics=[energy],
    )


@pytest.fixture
def member(manager, province, contact) -> ContactMembership:
    return services.contact_membership_add(
        actor=manager, group=province, contact=contact, attitude=Attitude.SUPPORTER, note="Ally"
    )


def url(name, *args):
    return reverse(f"stakeholders:{name}", args=args)


# Login and 404


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("group_list", []),
        ("grid", []),
        ("group_create", []),
        ("group_detail", [1]),
        ("group_edit", [1]),
        ("topic_list", []),
        ("topic_create", []),
        ("topic_detail", [1]),
        ("network_list", []),
        ("network_detail", [1]),
        ("member_typeahead", []),
    ],
)
def test_anonymous_visitor_is_sent_to_the_login_page(client, name, args):
    target = url(name, *args)
    response = client.get(target)
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={target}"


@pytest.mark.parametrize("name", ["group_detail", "group_edit", "topic_detail", "network_detail"])
def test_unknown_ids_are_404(client_for, manager, name):
    assert client_for(manager).get(url(name, 999_999)).status_code == 404


def test_unknown_goal_and_membership_are_404(client_for, manager):
    client = client_for(manager)
    assert client.post(url("goal_edit", 999_999), {"text": "x"}).status_code == 404
    assert client.post(url("goal_remove", 999_999)).status_code == 404
    assert client.post(url("membership_remove", "person", 999_999)).status_code == 404
    assert client.post(url("membership_remove", "alien", 1)).status_code == 404


# Group list


def test_group_list_shows_scores_team_members_last_interaction_and_flags(
    client_for, networker, manager, province, member, contact, organisation
):
    services.organisation_membership_add(
        actor=manager, group=province, organisation=organisation, attitude=Attitude.NEUTRAL
    )
    services.goal_add(actor=manager, group=province, kind=GoalKind.OUR_GOAL, text="Co-fund")
    services.group_create(actor=manager, name="Orphans", influence=1, interest=1)

    page = html(client_for(networker).get(url("group_list")))

    assert "Province" in page and "Orphans" in page
    assert "Manage closely" in page and "Monitor" in page
    assert "Alpha" in page
    assert "1 <span" in page  # one person, one organisation
    assert "badge--unbalanced" in page
    assert "badge--neglected" in page  # influence 5, never met
    assert "badge--unowned" in page  # Orphans
    assert "2 groups" in page
    assert "New group" not in page  # a networker leads no team


def test_group_list_filters_by_flag_quadrant_team_and_topic(client_for, manager, province, energy):
    services.group_create(actor=manager, name="Orphans", influence=1, interest=1)
    client = client_for(manager)

    unowned = html(client.get(url("group_list") + "?flag=unowned"))
    assert "Orphans" in unowned and ">Province<" not in unowned
    monitor = html(client.get(url("group_list") + "?quadrant=monitor"))
    assert "Orphans" in monitor and ">Province<" not in monitor
    by_topic = html(client.get(url("group_list") + f"?topic={energy.pk}"))
    assert ">Province<" in by_topic and "Orphans" not in by_topic
    by_team = html(client.get(url("group_list") + f"?team={province.owning_team_id}"))
    assert ">Province<" in by_team and "Orphans" not in by_team
    nothing = html(client.get(url("group_list") + "?q=nothing-like-this"))
    assert "No groups match these filters." in nothing


def test_group_list_answers_htmx_with_the_table_only(client_for, manager, province):
    response = client_for(manager).get(url("group_list"), HTTP_HX_REQUEST="true")
    assert "<html" not in html(response)
    assert ">Province<" in html(response)


def test_group_list_is_paginated(client_for, manager):
    StakeholderGroup.objects.bulk_create(
        [StakeholderGroup(name=f"Group {i:02}", influence=2, interest=2) for i in range(30)]
    )
    client = client_for(manager)
    first = html(client.get(url("group_list")))
    assert "Page 1 of 2" in first and "Group 24" in first and "Group 25" not in first
    assert "Group 25" in html(client.get(url("group_list") + "?page=2"))


def test_new_group_is_offered_to_leads_and_managers(client_for, lead, manager, team_alpha):
    assert "New group" in html(client_for(lead).get(url("group_list")))
    assert "New group" in html(client_for(manager).get(url("group_list")))


def test_empty_group_list_explains_what_to_do(client_for, manager):
    assert "No stakeholder groups yet." in html(client_for(manager).get(url("group_list")))


# Grid


def test_grid_places_each_group_in_its_named_quadrant(client_for, networker, manager, province):
    services.group_create(actor=manager, name="Students", influence=1, interest=5)
    services.group_create(actor=manager, name="Ministry", influence=5, interest=1)
    services.group_create(actor=manager, name="Press abroad", influence=1, interest=1)

    page = html(client_for(networker).get(url("grid")))

    def quadrant(name):
        return page.split(f'id="quadrant-{name}"', 1)[1].split("</section>", 1)[0]

    assert "Manage closely" in page and "Keep satisfied" in page
    assert "Keep informed" in page and "Monitor" in page
    assert f'href="{province.get_absolute_url()}"' in quadrant("manage_closely")
    assert "influence 5 · interest 4" in quadrant("manage_closely")
    assert "Ministry" in quadrant("keep_satisfied")
    assert "Students" in quadrant("keep_informed")
    assert "Press abroad" in quadrant("monitor")


def test_grid_filters_by_team_and_topic(client_for, manager, province, energy, team_beta):
    services.group_create(
        actor=manager, name="Ministry", influence=5, interest=1, owning_team=team_beta
    )
    client = client_for(manager)
    by_topic = html(client.get(url("grid") + f"?topic={energy.pk}"))
    assert "Province" in by_topic and "Ministry" not in by_topic
    by_team = html(client.get(url("grid") + f"?team={team_beta.pk}"))
    assert "Ministry" in by_team and ">Province<" not in by_team


# Group detail


def test_group_detail_shows_members_card_balance_ties_and_recent_meetings(
    client_for, manager, networker, province, member, contact, organisation, energy
):
    services.organisation_membership_add(
        actor=manager,
        group=province,
        organisation=organisation,
        attitude=Attitude.CRITIC,
        note="Wary of us",
    )
    services.goal_add(actor=manager, group=province, kind=GoalKind.THEIR_GOAL, text="Fewer cars")
    services.goal_add(actor=manager, group=province, kind=GoalKind.OUR_GOAL, text="Co-fund labs")
    services.goal_add(
        actor=manager,
        group=province,
        kind=GoalKind.OUR_OFFER,
        text="Traffic data",
        status=GoalStatus.ACHIEVED,
    )
    relation_services.interaction_log(
        author=networker,
        contacts=[contact],
        summary="Coffee about the mobility plan",
        given="advice",
        asked="a seat",
    )

    response = client_for(networker).get(province.get_absolute_url())

    page = html(response)
    assert response.status_code == 200
    assert "Regional government of Utrecht" in page
    assert "Manage closely" in page
    assert "Anna de Vries" in page and "Supporter" in page and "Ally" in page
    assert "Gemeente Utrecht" in page and "Critic" in page and "Wary of us" in page
    assert "Fewer cars" in page and "Co-fund labs" in page and "Traffic data" in page
    assert "Achieved" in page
    assert "Energy transition" in page
    assert '<span class="balance__given">given 1</span>' in page
    assert '<span class="balance__asked">asked 1</span>' in page
    assert "Coffee about the mobility plan" in page
    assert "Nina" in page  # the tie of us into the group
    # A networker reads but does not change.
    assert "Edit group" not in page and "Add a person" not in page
    assert url("goal_add", province.pk) not in page


def test_group_detail_hides_meetings_the_viewer_may_not_see(
    client_for, networker, outsider, teams, province, member, contact
):
    relation_services.interaction_log(
        author=networker, contacts=[contact], summary="Secret talk", confidential=True
    )
    assert "Secret talk" not in html(client_for(outsider).get(province.get_absolute_url()))


def test_changers_see_the_forms(client_for, lead, manager, province):
    for user in (lead, manager):
        page = html(client_for(user).get(province.get_absolute_url()))
        assert "Edit group" in page
        assert "Add a person" in page and "Add an organisation" in page
        assert url("goal_add", province.pk) in page


# Changing a group: who may


def test_networker_gets_403_on_edit_and_nothing_changes(client_for, networker, province):
    client = client_for(networker)
    assert client.get(url("group_edit", province.pk)).status_code == 403
    response = client.post(
        url("group_edit", province.pk), {"name": "Hijacked", "influence": 1, "interest": 1}
    )
    assert response.status_code == 403
    province.refresh_from_db()
    assert province.name == "Province"


def test_networker_gets_403_on_goal_and_member_posts_and_nothing_changes(
    client_for, networker, manager, province, member, contact, organisation
):
    goal = services.goal_add(actor=manager, group=province, kind=GoalKind.OUR_GOAL, text="Keep")
    client = client_for(networker)

    posts = [
        (url("goal_add", province.pk), {"kind": "our_goal", "text": "Sneaky"}),
        (url("goal_add", province.pk), {"kind": "our_goal", "text": ""}),
        (url("goal_edit", goal.pk), {"kind": "our_goal", "text": "Changed", "status": "active"}),
        (url("goal_remove", goal.pk), {}),
        (url("contact_member_add", province.pk), {"contact": contact.pk, "attitude": "critic"}),
        (
            url("organisation_member_add", province.pk),
            {"organisation": organisation.name, "attitude": "critic"},
        ),
        (url("membership_change", "person", member.pk), {"attitude": "critic", "note": ""}),
        (url("membership_remove", "person", member.pk), {}),
        (url("group_delete", province.pk), {}),
    ]
    for target, data in posts:
        assert client.post(target, data).status_code == 403, target

    assert list(Goal.objects.values_list("text", flat=True)) == ["Keep"]
    member.refresh_from_db()
    assert member.attitude == Attitude.SUPPORTER
    assert not OrganisationMembership.objects.exists()
    assert StakeholderGroup.objects.filter(pk=province.pk).exists()


def test_outsider_lead_of_another_team_may_not_change_the_group(
    client_for, outsider, team_beta, province
):
    team_beta.lead = outsider
    team_beta.save()
    response = client_for(outsider).post(
        url("goal_add", province.pk), {"kind": "our_offer", "text": "Data"}
    )
    assert response.status_code == 403
    assert not Goal.objects.exists()


@pytest.mark.parametrize("actor", ["lead", "manager"])
def test_owning_lead_and_manager_fill_the_reciprocity_card(client_for, request, actor, province):
    client = client_for(request.getfixturevalue(actor))
    for kind, text in [
        ("their_goal", "Fewer cars in town"),
        ("our_goal", "Co-funding for the lab"),
        ("our_offer", "Our traffic data"),
    ]:
        response = client.post(url("goal_add", province.pk), {"kind": kind, "text": text})
        assert response.status_code == 302
        assert response.url == province.get_absolute_url()

    assert set(Goal.objects.values_list("kind", "text")) == {
        ("their_goal", "Fewer cars in town"),
        ("our_goal", "Co-funding for the lab"),
        ("our_offer", "Our traffic data"),
    }
    page = html(client.get(province.get_absolute_url()))
    assert "Our traffic data" in page


def test_goal_edit_and_remove(client_for, lead, manager, province):
    goal = services.goal_add(actor=manager, group=province, kind=GoalKind.OUR_GOAL, text="Old")
    client = client_for(lead)

    response = client.post(
        url("goal_edit", goal.pk), {"kind": "our_goal", "text": "New", "status": "achieved"}
    )
    assert response.status_code == 302
    goal.refresh_from_db()
    assert (goal.text, goal.status) == ("New", GoalStatus.ACHIEVED)

    assert client.post(url("goal_remove", goal.pk)).status_code == 302
    assert not Goal.objects.exists()


def test_members_added_changed_and_removed(client_for, lead, province, contact, organisation):
    client = client_for(lead)

    response = client.post(
        url("contact_member_add", province.pk),
        {"contact": contact.pk, "attitude": "critic", "note": "Sceptical"},
    )
    assert response.status_code == 302
    response = client.post(
        url("organisation_member_add", province.pk),
        {"organisation": "gemeente utrecht", "attitude": "supporter"},
    )
    assert response.status_code == 302
    membership = ContactMembership.objects.get()
    assert (membership.attitude, membership.note) == ("critic", "Sceptical")
    assert OrganisationMembership.objects.get().organisation == organisation

    client.post(
        url("membership_change", "person", membership.pk), {"attitude": "neutral", "note": ""}
    )
    membership.refresh_from_db()
    assert membership.attitude == "neutral"

    organisation_membership = OrganisationMembership.objects.get()
    client.post(url("membership_remove", "organisation", organisation_membership.pk))
    client.post(url("membership_remove", "person", membership.pk))
    assert not ContactMembership.objects.exists()
    assert not OrganisationMembership.objects.exists()
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_member_typeahead_offers_people_as_radio_buttons(client_for, lead, contact):
    page = html(client_for(lead).get(url("member_typeahead") + "?q=anna"))
    assert f'name="contact" value="{contact.pk}"' in page
    assert "Nobody found" in html(client_for(lead).get(url("member_typeahead") + "?q=zzz"))


# Bad input re-renders with field errors


def test_blank_goal_is_a_field_error(client_for, lead, province):
    response = client_for(lead).post(
        url("goal_add", province.pk), {"kind": "their_goal", "text": "  "}
    )
    page = html(response)
    assert response.status_code == 200
    assert "field--error" in page
    assert "Write the goal in a few words." in page
    assert not Goal.objects.exists()


def test_blanking_a_goal_while_editing_is_a_field_error(client_for, manager, province):
    goal = services.goal_add(actor=manager, group=province, kind=GoalKind.OUR_GOAL, text="Old")
    response = client_for(manager).post(
        url("goal_edit", goal.pk), {"kind": "our_goal", "text": "", "status": "active"}
    )
    assert "Write the goal in a few words." in html(response)
    goal.refresh_from_db()
    assert goal.text == "Old"


def test_a_membership_added_twice_is_a_field_error(client_for, lead, province, member, contact):
    response = client_for(lead).post(
        url("contact_member_add", province.pk), {"contact": contact.pk, "attitude": "critic"}
    )
    page = html(response)
    assert response.status_code == 200
    assert "field--error" in page
    assert "Anna de Vries is already a member." in page
    assert ContactMembership.objects.count() == 1


def test_an_organisation_added_twice_is_a_field_error(
    client_for, lead, manager, province, organisation
):
    services.organisation_membership_add(
        actor=manager, group=province, organisation=organisation, attitude="neutral"
    )
    response = client_for(lead).post(
        url("organisation_member_add", province.pk),
        {"organisation": organisation.name, "attitude": "critic"},
    )
    assert "Gemeente Utrecht is already a member." in html(response)
    assert OrganisationMembership.objects.count() == 1


def test_adding_a_person_without_choosing_one_is_a_field_error(client_for, lead, province):
    response = client_for(lead).post(url("contact_member_add", province.pk), {"attitude": "critic"})
    assert "Find and choose a person first." in html(response)


@pytest.mark.parametrize(("influence", "interest"), [(6, 3), (0, 3), (3, 6)])
def test_scores_outside_1_to_5_are_field_errors(
    client_for, manager, team_alpha, influence, interest
):
    response = client_for(manager).post(
        url("group_create"),
        {"name": "Too big", "influence": influence, "interest": interest, "priority": 2},
    )
    page = html(response)
    assert response.status_code == 200
    assert "field--error" in page
    assert not StakeholderGroup.objects.filter(name="Too big").exists()


def test_editing_influence_to_6_is_a_field_error_and_nothing_changes(
    client_for, lead, province, team_alpha
):
    response = client_for(lead).post(
        url("group_edit", province.pk),
        {
            "name": "Province",
            "influence": 6,
            "interest": 4,
            "priority": 2,
            "owning_team": team_alpha.pk,
        },
    )
    page = html(response)
    assert 'id="id_influence_error"' in page
    province.refresh_from_db()
    assert province.influence == 5


def test_a_duplicate_group_name_is_a_field_error(client_for, manager, province):
    response = client_for(manager).post(
        url("group_create"), {"name": "province", "influence": 2, "interest": 2, "priority": 2}
    )
    assert "This name is already taken." in html(response)


# Creating and editing groups


def test_network_manager_creates_a_group_with_topics(client_for, manager, energy, team_alpha):
    response = client_for(manager).post(
        url("group_create"),
        {
            "name": "Universities",
            "influence": 3,
            "interest": 5,
            "priority": 1,
            "owning_team": team_alpha.pk,
            "topics": [energy.pk],
        },
    )
    group = StakeholderGroup.objects.get(name="Universities")
    assert response.url == group.get_absolute_url()
    assert list(group.topics.all()) == [energy]


def test_a_lead_creates_groups_only_for_their_own_team(client_for, lead, team_alpha, team_beta):
    client = client_for(lead)
    page = html(client.get(url("group_create")))
    assert f'value="{team_alpha.pk}">Alpha<' in page and ">Beta<" not in page

    refused = client.post(
        url("group_create"),
        {
            "name": "Beta's",
            "influence": 2,
            "interest": 2,
            "priority": 2,
            "owning_team": team_beta.pk,
        },
    )
    assert refused.status_code == 200 and "field--error" in html(refused)
    client.post(
        url("group_create"),
        {
            "name": "Ours",
            "influence": 2,
            "interest": 2,
            "priority": 2,
            "owning_team": team_alpha.pk,
        },
    )
    assert list(StakeholderGroup.objects.values_list("name", flat=True)) == ["Ours"]


def test_a_networker_may_not_open_the_new_group_form(client_for, networker, team_alpha):
    assert client_for(networker).get(url("group_create")).status_code == 403


def test_the_owning_lead_edits_the_group(client_for, lead, province, team_alpha):
    response = client_for(lead).post(
        url("group_edit", province.pk),
        {
            "name": "Province of Utrecht",
            "influence": 4,
            "interest": 2,
            "priority": 1,
            "owning_team": team_alpha.pk,
        },
    )
    assert response.status_code == 302
    province.refresh_from_db()
    assert (province.name, province.influence, province.interest) == ("Province of Utrecht", 4, 2)
    assert list(province.topics.all()) == []


def test_deleting_a_group_keeps_contacts_and_meetings(
    client_for, manager, networker, province, member, contact
):
    relation_services.interaction_log(author=networker, contacts=[contact])
    response = client_for(manager).post(url("group_delete", province.pk))
    assert response.url == url("group_list")
    assert not StakeholderGroup.objects.exists()
    assert contact.interactions.count() == 1


# Topics


def test_topic_detail_shows_who_cares_and_who_of_us_knows_them(
    client_for, networker, colleague, manager, province, member, contact, energy
):
    other = Contact.objects.create(first_name="Bram", last_name="Bos")
    services.contact_set_topics(actor=networker, contact=other, topics=[energy])
    Relationship.objects.create(user=colleague, contact=other, strength=4)
    Relationship.objects.create(user=networker, contact=contact, strength=2)

    page = html(client_for(networker).get(energy.get_absolute_url()))

    assert "Who cares about Energy transition" in page
    assert "Bram Bos" in page  # tagged directly
    assert ">Province<" in page  # a group with the topic
    assert "Carl" in page  # knows Bram
    assert "Nina" in page  # knows Anna, a member of Province


def test_topic_list_and_create(client_for, networker, energy):
    client = client_for(networker)
    page = html(client.get(url("topic_list")))
    assert "Energy transition" in page and "1 topic" in page

    response = client.post(url("topic_create"), {"name": "Housing", "description": ""})
    topic = Topic.objects.get(name="Housing")
    assert response.url == topic.get_absolute_url()
    duplicate = client.post(url("topic_create"), {"name": "housing"})
    assert "This name is already taken." in html(duplicate)


# Networks


def test_network_list_and_detail_show_conditions_and_both_sides(
    client_for, networker, colleague, manager, contact
):
    network = services.network_save(
        actor=manager,
        name="Economic Board Utrecht",
        membership_conditions="By invitation of two members",
        closed=True,
        our_members=[colleague],
        contact_members=[contact],
    )
    client = client_for(networker)
    listing = html(client.get(url("network_list")))
    assert "Economic Board Utrecht" in listing and "Closed" in listing

    page = html(client.get(network.get_absolute_url()))
    assert "By invitation of two members" in page
    assert "Carl" in page and "Anna de Vries" in page
    assert Network.objects.count() == 1


# The contact page shows groups and topics


def test_contact_page_shows_the_contacts_groups_attitude_and_topics(
    client_for, networker, province, member, contact, energy
):
    services.contact_set_topics(actor=networker, contact=contact, topics=[energy])
    page = html(client_for(networker).get(contact.get_absolute_url()))
    assert "Stakeholder groups & topics" in page
    assert province.get_absolute_url() in page and "Supporter" in page
    assert energy.get_absolute_url() in page


def test_navigation_links_to_stakeholders(client_for, networker):
    page = html(client_for(networker).get(url("grid")))
    assert f'href="{url("group_list")}" aria-current="page"' in page


def test_neglected_flag_clears_after_a_recent_meeting(
    client_for, networker, province, member, contact
):
    relation_services.interaction_log(
        author=networker, contacts=[contact], occurred_on=relation_selectors.today() - 10 * DAY
    )
    page = html(client_for(networker).get(url("group_list")))
    assert "badge--neglected" not in page
    assert Organisation.objects.count() == 1


def test_an_unknown_kind_of_goal_is_a_bad_request(client_for, lead, province):
    response = client_for(lead).post(url("goal_add", province.pk), {"kind": "x", "text": "Hi"})
    assert response.status_code == 400
    assert not Goal.objects.exists()


# Topics on the log-a-meeting form (added by stakeholders through relations' extension point)


def test_logging_a_meeting_tags_the_people_met_with_topics(client_for, networker, contact):
    energy = Topic.objects.create(name="Energy transition")
    Topic.objects.create(name="Housing")
    client = client_for(networker)
    form_page = client.get(reverse("relations:meeting_log")).content.decode()
    assert "Energy transition" in form_page and "Housing" in form_page

    response = client.post(
        reverse("relations:meeting_log"),
        {
            "kind": "coffee",
            "occurred_on": relation_selectors.today().isoformat(),
            "contacts": [contact.pk],
            "our_participants": [networker.pk],
            "topics": [energy.pk],
        },
    )

    assert response.status_code == 302
    assert Interaction.objects.filter(contacts=contact).count() == 1
    assert list(contact.topics.all()) == [energy]


def test_an_impossible_topic_id_is_a_field_error_and_nothing_is_logged(
    client_for, networker, contact
):
    response = client_for(networker).post(
        reverse("relations:meeting_log"),
        {
            "kind": "coffee",
            "occurred_on": relation_selectors.today().isoformat(),
            "contacts": [contact.pk],
            "our_participants": [networker.pk],
            "topics": ["99999999999999999999"],
        },
    )

    assert response.status_code == 200
    assert "field--error" in response.content.decode()
    assert not Interaction.objects.exists()
