"""Strategy, roadmap, teams and assignment pages (issue 5): who may read and change what.

DESIGN §4: strategy and roadmap are read by everyone and changed by network managers
(403 for the rest, nothing changed); teams are read by network managers and, for their
own team, its lead (404 for anyone else).
"""

import datetime

import pytest
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from network_manager.models import KeyContact, RoadmapStep, StepStatus, Strategy, StrategyGoal
from relations.models import Contact, Team
from relations.permissions import is_network_manager
from relations.selectors import today
from stakeholders.models import StakeholderGroup
from tests.conftest import make_user

NOT_MANAGERS = ["networker", "lead", "planner", "outsider"]


@pytest.fixture
def actor(request, teams):
    return request.getfixturevalue(request.param)


@pytest.fixture
def universities(db) -> StakeholderGroup:
    return StakeholderGroup.objects.create(name="Universities", influence=4, interest=4)


@pytest.fixture
def press(db) -> StakeholderGroup:
    return StakeholderGroup.objects.create(name="Regional press", influence=2, interest=1)


@pytest.fixture
def goal(universities) -> StrategyGoal:
    strategy = Strategy.objects.create(pk=1, definition="Trust before we need it.")
    goal = StrategyGoal.objects.create(strategy=strategy, title="Win research partners")
    goal.groups.set([universities])
    return goal


@pytest.fixture
def step(manager) -> RoadmapStep:
    return RoadmapStep.objects.create(
        title="Train the networkers", owner=manager, target_on=today() + datetime.timedelta(30)
    )


def page(response) -> str:
    return response.content.decode()


def message_texts(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# Strategy


@pytest.mark.parametrize("actor", [*NOT_MANAGERS, "manager"], indirect=True)
def test_every_active_user_reads_the_strategy_goals_and_their_groups(client_for, actor, goal):
    Strategy.objects.filter(pk=1).update(value_to_sales_and_marketing="Warm leads for sales.")

    response = client_for(actor).get(reverse("network_manager:strategy"))

    html = page(response)
    assert response.status_code == 200
    assert "Trust before we need it." in html
    assert "Warm leads for sales." in html
    assert "Win research partners" in html
    group_url = reverse("stakeholders:group_detail", args=[goal.groups.get().pk])
    assert f'href="{group_url}">Universities</a>' in html
    assert "Manage closely" in html
    edit_url = reverse("network_manager:strategy_edit")
    assert (edit_url in html) is (actor.username == "manon")


def test_empty_strategy_invites_the_manager_to_write_it(client_for, networker, manager):
    html = page(client_for(networker).get(reverse("network_manager:strategy")))
    assert "No strategy written yet" in html
    assert "Write it" not in html

    html = page(client_for(manager).get(reverse("network_manager:strategy")))
    assert "No strategy written yet" in html
    assert "Write it" in html


def test_manager_writes_the_strategy(client_for, manager):
    response = client_for(manager).post(
        reverse("network_manager:strategy_edit"),
        {"definition": "Relationships first.", "value_to_sales_and_marketing": "Doors open."},
    )

    assert response.status_code == 302
    strategy = Strategy.objects.get(pk=1)
    assert strategy.definition == "Relationships first."
    assert strategy.value_to_sales_and_marketing == "Doors open."
    assert strategy.updated_by == manager


@pytest.mark.parametrize("actor", NOT_MANAGERS, indirect=True)
def test_others_get_403_on_every_strategy_change_and_nothing_changes(client_for, actor, goal):
    client = client_for(actor)
    urls = [
        reverse("network_manager:strategy_edit"),
        reverse("network_manager:goal_add"),
        reverse("network_manager:goal_edit", args=[goal.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 403
        assert client.post(url, {"definition": "Mine", "title": "Mine"}).status_code == 403
    assert client.post(reverse("network_manager:goal_delete", args=[goal.pk])).status_code == 403

    assert Strategy.objects.get().definition == "Trust before we need it."
    assert list(StrategyGoal.objects.values_list("title", flat=True)) == ["Win research partners"]


def test_manager_adds_a_goal_with_its_groups(client_for, manager, universities, press):
    response = client_for(manager).post(
        reverse("network_manager:goal_add"),
        {
            "title": "  Be heard in the region ",
            "description": "Policy",
            "position": "2",
            "groups": [universities.pk, press.pk],
        },
    )

    goal = StrategyGoal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("network_manager:strategy") + f"#goal-{goal.pk}"
    assert (goal.title, goal.description, goal.position) == ("Be heard in the region", "Policy", 2)
    assert set(goal.groups.all()) == {universities, press}


def test_a_goal_without_title_is_refused_and_the_form_keeps_the_input(
    client_for, manager, universities
):
    response = client_for(manager).post(
        reverse("network_manager:goal_add"),
        {"title": " ", "description": "Keep this text", "groups": [universities.pk]},
    )

    assert response.status_code == 200
    html = page(response)
    assert "A goal needs a title." in html
    assert "Keep this text" in html
    assert f'value="{universities.pk}" id="id_groups_0" checked' in html
    assert not StrategyGoal.objects.exists()


def test_manager_changes_and_deletes_a_goal(client_for, manager, goal, press):
    client = client_for(manager)
    edit = reverse("network_manager:goal_edit", args=[goal.pk])
    assert 'value="Win research partners"' in page(client.get(edit))

    response = client.post(
        edit, {"title": "Win partners", "position": "1", "groups": [press.pk]}, follow=True
    )
    assert message_texts(response) == ["Goal “Win partners” saved."]
    goal.refresh_from_db()
    assert (goal.title, goal.position, list(goal.groups.all())) == ("Win partners", 1, [press])

    response = client.post(reverse("network_manager:goal_delete", args=[goal.pk]), follow=True)
    assert not StrategyGoal.objects.exists()
    assert message_texts(response) == ["Goal “Win partners” deleted."]
    assert StakeholderGroup.objects.count() == 2


def test_goal_delete_takes_no_get_and_unknown_goals_are_404(client_for, manager, goal):
    client = client_for(manager)
    assert client.get(reverse("network_manager:goal_delete", args=[goal.pk])).status_code == 405
    assert client.get(reverse("network_manager:goal_edit", args=[goal.pk + 1])).status_code == 404
    assert StrategyGoal.objects.count() == 1


# Roadmap


def test_roadmap_is_a_timeline_by_quarter_with_progress(client_for, networker, manager):
    on = today()
    past = on - datetime.timedelta(days=200)
    future = on + datetime.timedelta(days=200)
    RoadmapStep.objects.create(title="Kick-off", target_on=past, status=StepStatus.DONE)
    RoadmapStep.objects.create(title="Map groups", target_on=past, owner=manager)
    RoadmapStep.objects.create(title="Old idea", target_on=past, status=StepStatus.DROPPED)
    RoadmapStep.objects.create(title="Go live", target_on=future, status=StepStatus.IN_PROGRESS)

    response = client_for(networker).get(reverse("network_manager:roadmap"))

    html = page(response)
    labels = [period.label for period in response.context["periods"]]
    quarter = lambda d: f"Q{(d.month - 1) // 3 + 1} {d.year}"  # noqa: E731
    assert labels == [quarter(past), quarter(future)]
    assert [len(period.rows) for period in response.context["periods"]] == [3, 1]
    # Of three counted steps (the dropped one does not count) one is done: 33%.
    assert "33% done" in html
    assert 'value="33"' in html
    assert html.count('badge badge--overdue">Overdue') == 1  # Map groups: open and past
    assert html.index("Kick-off") < html.index("Go live")
    assert "Manon" in html
    assert reverse("network_manager:step_add") not in html


def test_empty_roadmap_says_so(client_for, networker):
    html = page(client_for(networker).get(reverse("network_manager:roadmap")))
    assert "No steps on the roadmap yet." in html
    assert "0% done" in html


def test_manager_adds_a_step_and_done_sets_the_date(client_for, manager, networker):
    target = today() + datetime.timedelta(days=10)
    response = client_for(manager).post(
        reverse("network_manager:step_add"),
        {
            "title": "Pilot in team Alpha",
            "description": "Three months",
            "owner": networker.pk,
            "target_on": target.isoformat(),
            "status": StepStatus.DONE,
        },
    )

    step = RoadmapStep.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("network_manager:roadmap") + f"#step-{step.pk}"
    assert (step.title, step.owner, step.target_on) == ("Pilot in team Alpha", networker, target)
    assert step.status == StepStatus.DONE
    assert step.done_on == today()


def test_a_step_without_title_or_date_is_refused_and_keeps_the_input(client_for, manager):
    response = client_for(manager).post(
        reverse("network_manager:step_add"),
        {"title": "Keep me", "target_on": "", "status": StepStatus.PLANNED},
    )
    assert response.status_code == 200
    assert "This field is required." in page(response)
    assert 'value="Keep me"' in page(response)

    response = client_for(manager).post(
        reverse("network_manager:step_add"),
        {"title": "", "target_on": today().isoformat(), "status": StepStatus.PLANNED},
    )
    assert response.status_code == 200
    assert "A step needs a title." in page(response)
    assert not RoadmapStep.objects.exists()


def test_manager_reopens_and_deletes_a_step(client_for, manager, step):
    RoadmapStep.objects.filter(pk=step.pk).update(status=StepStatus.DONE, done_on=today())
    client = client_for(manager)

    client.post(
        reverse("network_manager:step_edit", args=[step.pk]),
        {"title": "Train", "target_on": step.target_on.isoformat(), "status": "in_progress"},
    )
    step.refresh_from_db()
    assert (step.title, step.status, step.done_on) == ("Train", "in_progress", None)
    assert step.owner is None

    client.post(reverse("network_manager:step_delete", args=[step.pk]))
    assert not RoadmapStep.objects.exists()


@pytest.mark.parametrize("actor", NOT_MANAGERS, indirect=True)
def test_others_read_the_roadmap_but_get_403_on_changes(client_for, actor, step):
    client = client_for(actor)
    assert client.get(reverse("network_manager:roadmap")).status_code == 200
    data = {"title": "Mine", "target_on": "2030-01-01", "status": "planned"}
    for url in [
        reverse("network_manager:step_add"),
        reverse("network_manager:step_edit", args=[step.pk]),
    ]:
        assert client.get(url).status_code == 403
        assert client.post(url, data).status_code == 403
    assert client.post(reverse("network_manager:step_delete", args=[step.pk])).status_code == 403
    assert list(RoadmapStep.objects.values_list("title", flat=True)) == ["Train the networkers"]


# Teams


def test_manager_sees_every_team_and_a_lead_only_theirs(client_for, teams, manager, lead):
    response = client_for(manager).get(reverse("network_manager:team_list"))
    assert [team.name for team in response.context["page"]] == ["Alpha", "Beta"]
    assert reverse("network_manager:team_create") in page(response)

    response = client_for(lead).get(reverse("network_manager:team_list"))
    assert [team.name for team in response.context["page"]] == ["Alpha"]
    assert reverse("network_manager:team_create") not in page(response)


@pytest.mark.parametrize("actor", ["networker", "planner", "outsider"], indirect=True)
def test_who_leads_no_team_gets_404_on_every_team_page(client_for, actor, team_alpha, universities):
    client = client_for(actor)
    for url in [
        reverse("network_manager:team_list"),
        reverse("network_manager:team_create"),
        reverse("network_manager:team_detail", args=[team_alpha.pk]),
        reverse("network_manager:team_edit", args=[team_alpha.pk]),
    ]:
        assert client.get(url).status_code == 404
        assert client.post(url, {"name": "Mine"}).status_code == 404
    assert Team.objects.get(pk=team_alpha.pk).name == "Alpha"
    assert Team.objects.count() == 2


def test_lead_reads_their_team_but_not_another_and_cannot_change(
    client_for, lead, team_alpha, team_beta, universities, contact
):
    client = client_for(lead)
    detail = "network_manager:team_detail"
    assert client.get(reverse(detail, args=[team_alpha.pk])).status_code == 200
    assert client.get(reverse(detail, args=[team_beta.pk])).status_code == 404
    assert client.get(reverse("network_manager:team_edit", args=[team_beta.pk])).status_code == 404

    edit = reverse("network_manager:team_edit", args=[team_alpha.pk])
    assert client.get(edit).status_code == 403
    assert client.post(edit, {"name": "Renamed", "lead": lead.pk}).status_code == 403
    assert client.post(reverse("network_manager:team_create"), {"name": "New"}).status_code == 403
    assign = reverse("network_manager:group_assign", args=[universities.pk])
    assert client.post(assign, {"team": team_alpha.pk, "steward": lead.pk}).status_code == 403
    key = reverse("network_manager:key_contact_edit", args=[contact.pk])
    assert client.post(key, {"team": team_alpha.pk}).status_code == 403

    assert list(Team.objects.values_list("name", flat=True)) == ["Alpha", "Beta"]
    universities.refresh_from_db()
    assert universities.owning_team is None
    assert not KeyContact.objects.exists()


def test_manager_forms_a_team_and_the_lead_is_a_member(client_for, manager, networker, lead):
    response = client_for(manager).post(
        reverse("network_manager:team_create"),
        {"name": " Gamma ", "lead": lead.pk, "members": [networker.pk]},
    )

    team = Team.objects.get()
    assert response["Location"] == reverse("network_manager:team_detail", args=[team.pk])
    assert (team.name, team.lead) == ("Gamma", lead)
    assert set(team.members.all()) == {lead, networker}


def test_a_duplicate_team_name_is_refused_next_to_the_name(client_for, manager, teams, outsider):
    response = client_for(manager).post(
        reverse("network_manager:team_create"), {"name": "alpha", "members": [outsider.pk]}
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"name": ["A team with this name already exists."]}
    assert Team.objects.count() == 2


def test_manager_edits_a_team(client_for, manager, team_alpha, networker, outsider):
    client_for(manager).post(
        reverse("network_manager:team_edit", args=[team_alpha.pk]),
        {"name": "Alpha North", "lead": networker.pk, "members": [outsider.pk]},
    )

    team_alpha.refresh_from_db()
    assert (team_alpha.name, team_alpha.lead) == ("Alpha North", networker)
    assert set(team_alpha.members.all()) == {networker, outsider}


def test_team_page_shows_members_groups_with_steward_and_key_contacts(
    client_for, manager, team_alpha, networker, universities, press, contact
):
    StakeholderGroup.objects.filter(pk=universities.pk).update(
        owning_team=team_alpha, steward=networker
    )
    KeyContact.objects.create(contact=contact, networker=networker, reason="Decides budgets")
    other = Contact.objects.create(first_name="Bo", last_name="Kok", owner=networker)
    KeyContact.objects.create(contact=other)  # nobody's: not on the team page

    response = client_for(manager).get(reverse("network_manager:team_detail", args=[team_alpha.pk]))

    html = page(response)
    assert [g.name for g in response.context["groups"]] == ["Universities"]
    assert "tended by Nina" in html
    assert [k.contact for k in response.context["key_contacts"]] == [contact]
    assert "Decides budgets" in html
    assert "Regional press" in html  # offered: it has no team yet
    members = {m.username: (m.tie_count, m.overdue_count) for m in response.context["members"]}
    assert members == {"lead": (0, 0), "nina": (0, 0), "carl": (0, 0)}


def test_team_page_pages_its_key_contacts(client_for, manager, team_alpha, networker):
    contacts = Contact.objects.bulk_create(
        Contact(first_name=f"P{i:02}", last_name="Test", owner=networker) for i in range(30)
    )
    KeyContact.objects.bulk_create(KeyContact(contact=c, team=team_alpha) for c in contacts)
    url = reverse("network_manager:team_detail", args=[team_alpha.pk])

    first = client_for(manager).get(url)
    second = client_for(manager).get(url + "?page=2")

    assert len(first.context["key_contacts"]) == 25
    assert len(second.context["key_contacts"]) == 5
    assert "Page 1 of 2" in page(first)


# Assigning groups and key contacts


def test_manager_assigns_a_group_to_a_team_and_a_steward(
    client_for, manager, team_alpha, colleague, universities
):
    url = reverse("network_manager:group_assign", args=[universities.pk])
    client = client_for(manager)
    assert client.get(url).status_code == 200

    response = client.post(url, {"team": team_alpha.pk, "steward": colleague.pk})

    universities.refresh_from_db()
    assert response["Location"] == reverse("network_manager:team_detail", args=[team_alpha.pk])
    assert (universities.owning_team, universities.steward) == (team_alpha, colleague)


def test_a_steward_outside_the_team_is_refused(client_for, manager, teams, outsider, universities):
    team_alpha, _beta = teams
    response = client_for(manager).post(
        reverse("network_manager:group_assign", args=[universities.pk]),
        {"team": team_alpha.pk, "steward": outsider.pk},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"steward": ["Otto is not a member of Alpha."]}
    universities.refresh_from_db()
    assert (universities.owning_team, universities.steward) == (None, None)


@pytest.mark.parametrize("actor", NOT_MANAGERS, indirect=True)
def test_others_get_403_on_group_assign(client_for, actor, universities, team_alpha):
    url = reverse("network_manager:group_assign", args=[universities.pk])
    assert client_for(actor).get(url).status_code == 403
    assert client_for(actor).post(url, {"team": team_alpha.pk}).status_code == 403
    universities.refresh_from_db()
    assert universities.owning_team is None


def test_manager_assigns_a_key_contact_from_the_contact_page(
    client_for, manager, team_alpha, colleague, contact
):
    contact_url = contact.get_absolute_url()
    response = client_for(manager).post(
        reverse("network_manager:key_contact_edit", args=[contact.pk]),
        {"team": team_alpha.pk, "networker": colleague.pk, "reason": " Board "}
        | {"next": contact_url},
        follow=True,
    )

    key = KeyContact.objects.get()
    assert response.redirect_chain == [(contact_url, 302)]
    assert (key.contact, key.team, key.networker, key.reason) == (
        contact,
        team_alpha,
        colleague,
        "Board",
    )
    assert message_texts(response) == ["Anna de Vries is a key contact now."]
    assert "Key contact of Alpha · Carl" in page(response)


def test_a_key_contact_networker_outside_the_team_is_refused(
    client_for, manager, teams, outsider, contact
):
    team_alpha, _beta = teams
    response = client_for(manager).post(
        reverse("network_manager:key_contact_edit", args=[contact.pk]),
        {"team": team_alpha.pk, "networker": outsider.pk, "reason": "Keep me"},
    )

    assert response.status_code == 200
    assert "Otto is not a member of Alpha." in page(response)
    assert 'value="Keep me"' in page(response)
    assert not KeyContact.objects.exists()


@pytest.mark.parametrize("actor", NOT_MANAGERS, indirect=True)
def test_others_get_403_on_key_contact_edit(client_for, actor, contact, team_alpha):
    url = reverse("network_manager:key_contact_edit", args=[contact.pk])
    assert client_for(actor).get(url).status_code == 403
    assert client_for(actor).post(url, {"team": team_alpha.pk}).status_code == 403
    assert not KeyContact.objects.exists()


def test_key_contact_remove(client_for, manager, lead, networker, team_alpha, contact):
    key = KeyContact.objects.create(contact=contact, team=team_alpha)
    url = reverse("network_manager:key_contact_remove", args=[key.pk])

    assert client_for(networker).post(url).status_code == 404  # not theirs to read
    assert client_for(lead).post(url).status_code == 403  # their team's, read only
    assert client_for(manager).get(url).status_code == 405
    assert KeyContact.objects.count() == 1

    response = client_for(manager).post(url)
    assert response["Location"] == contact.get_absolute_url()
    assert not KeyContact.objects.exists()
    assert Contact.objects.filter(pk=contact.pk).exists()


# The contact page's panel and the tabs


def test_contact_page_panel_for_a_manager_offers_the_assign_form(client_for, manager, contact):
    html = page(client_for(manager).get(contact.get_absolute_url()))

    assert "Not a key contact." in html
    assert f'action="{reverse("network_manager:key_contact_edit", args=[contact.pk])}"' in html
    assert '<label for="id_key_team">Team</label>' in html
    assert '<label for="id_key_networker">Networker</label>' in html
    assert ">Assign</button>" in html


def test_contact_page_panel_for_a_networker_is_read_only(
    client_for, networker, colleague, team_alpha, contact
):
    client = client_for(networker)
    html = page(client.get(contact.get_absolute_url()))
    assert "Key contact" not in html

    key = KeyContact.objects.create(contact=contact, team=team_alpha, networker=colleague)
    html = page(client.get(contact.get_absolute_url()))
    assert "Key contact of Alpha · Carl" in html
    assert reverse("network_manager:key_contact_edit", args=[contact.pk]) not in html
    assert reverse("network_manager:key_contact_remove", args=[key.pk]) not in html
    assert ">Assign</button>" not in html


def _panel_queries(user, contact) -> int:
    request = RequestFactory().get(contact.get_absolute_url())
    request.user = user
    template = Template("{% load network_manager %}{% key_contact_panel contact %}")
    # As on the page: the roles context processor has told whether the user is a manager.
    context = Context(
        {
            "request": request,
            "contact": contact,
            "csrf_token": "x",
            "is_network_manager": is_network_manager(user),
        }
    )
    with CaptureQueriesContext(connection) as queries:
        template.render(context)
    return len(queries)


def test_panel_costs_one_query_for_others_and_two_for_managers_whatever_the_data(
    manager, networker, team_alpha, contact
):
    KeyContact.objects.create(contact=contact, team=team_alpha)
    counts = (_panel_queries(manager, contact), _panel_queries(networker, contact))

    for i in range(20):
        team = Team.objects.create(name=f"Team {i}")
        team.members.add(make_user(f"user{i}"))

    assert counts == (2, 1)
    assert (_panel_queries(manager, contact), _panel_queries(networker, contact)) == (2, 1)


def test_tabs_show_dashboard_and_teams_to_managers_and_leads_only(
    client_for, networker, lead, manager, team_alpha
):
    dashboard = f'href="{reverse("network_manager:dashboard")}"'
    teams_tab = f'href="{reverse("network_manager:team_list")}"'
    for user, shown in [(networker, False), (lead, True), (manager, True)]:
        html = page(client_for(user).get(reverse("network_manager:roadmap")))
        tabs = html[html.index('<nav class="tabs"') :]
        tabs = tabs[: tabs.index("</nav>")]
        assert (dashboard in tabs, teams_tab in tabs) == (shown, shown)
        assert reverse("network_manager:who_knows_whom") in tabs
        assert 'aria-current="page">Roadmap' in tabs
