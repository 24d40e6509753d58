"""The strategic layer's API: strategy, roadmap, key contacts, group assignments, the
dashboard and who knows whom, for every kind of user, and what bad input gets."""

import datetime
import json

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from events.models import Encounter, Event, Invitation
from network_manager import selectors, services
from network_manager import services as network_services
from network_manager.models import KeyContact, RoadmapStep, Strategy, StrategyGoal
from network_manager.permissions import dashboard_scope
from relations import services as relation_services
from relations.models import Contact
from relations.selectors import today
from stakeholders.models import ContactMembership, StakeholderGroup

API = "/api/v1"
HOST = "http://testserver"


def days(n: int) -> datetime.date:
    return today() + datetime.timedelta(days=n)


@pytest.fixture
def api_for(db):
    def login(user) -> APIClient:
        client = APIClient()
        client.force_authenticate(user)
        return client

    return login


@pytest.fixture
def world(manager, lead, networker, colleague, outsider, teams, contact):
    """Team Alpha (lead, nina, carl) and Beta (otto). Anna (a key contact of Alpha, tended
    by nina, met yesterday: warm) is in the Provincie group Alpha owns; Bert (key for Beta)
    is known to otto but never met (cold); Cees is key for nobody. Nina and otto each
    have one overdue follow-up; nina organises an event in ten days."""
    alpha, beta = teams
    anna = contact
    bert = Contact.objects.create(first_name="Bert", last_name="Bakker", owner=outsider)
    cees = Contact.objects.create(first_name="Cees", last_name="Claassen", owner=manager)
    relation_services.interaction_log(
        author=networker, contacts=[anna], occurred_on=days(-1), given="An introduction"
    )
    relation_services.relationship_upsert(actor=outsider, user=outsider, contact=bert, strength=2)
    provincie = StakeholderGroup.objects.create(
        name="Provincie", influence=5, interest=5, owning_team=alpha, steward=networker
    )
    ContactMembership.objects.create(group=provincie, contact=anna)
    universities = StakeholderGroup.objects.create(
        name="Universiteiten", influence=4, interest=2, owning_team=beta
    )
    key = {
        "anna": KeyContact.objects.create(contact=anna, team=alpha, networker=networker),
        "bert": KeyContact.objects.create(contact=bert, team=beta, reason="Board member"),
        "cees": KeyContact.objects.create(contact=cees),
    }
    relation_services.followup_create(
        actor=networker, contact=anna, text="Send the slides", due_on=days(-2)
    )
    relation_services.followup_create(
        actor=outsider, contact=bert, text="Call back", due_on=days(-5)
    )
    steps = [
        RoadmapStep.objects.create(title="Define the strategy", target_on=days(-60), status="done"),
        RoadmapStep.objects.create(title="Form the teams", target_on=days(-1), owner=manager),
        RoadmapStep.objects.create(
            title="First digest", target_on=days(30), status="in_progress", owner=lead
        ),
    ]
    starts = timezone.now() + datetime.timedelta(days=10)
    event = Event.objects.create(
        name="New year reception",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        organiser=networker,
    )
    Invitation.objects.create(event=event, contact=anna, status="invited")
    Encounter.objects.create(
        event=event, colleague=networker, contact=anna, starts_at=starts, goal=""
    )
    # What beat recounts every 15 minutes (meetings, give/ask, coverage, today's warmth).
    network_services.activity_refresh()
    return {
        "alpha": alpha,
        "beta": beta,
        "anna": anna,
        "bert": bert,
        "cees": cees,
        "provincie": provincie,
        "universities": universities,
        "key": key,
        "steps": steps,
        "event": event,
    }


def results(response) -> list:
    assert response.status_code == 200, response.content
    return response.json()["results"]


# Signing in


@pytest.mark.parametrize(
    "path",
    [
        "strategy/",
        "strategy-goals/",
        "roadmap-steps/",
        "roadmap-steps/progress/",
        "key-contacts/",
        "group-assignments/",
        "dashboard/",
        "dashboard/relationships/",
        "dashboard/overdue-followups/",
        "who-knows-whom/?q=Anna",
    ],
)
def test_anonymous_gets_401(db, path):
    response = APIClient().get(f"{API}/{path}")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


# Strategy


def test_everybody_reads_the_strategy_with_its_goals(api_for, networker, manager, world):
    services.strategy_update(actor=manager, definition="Trust first")
    goal = services.strategy_goal_save(
        actor=manager, title="Be known in the region", groups=[world["provincie"]]
    )

    data = api_for(networker).get(f"{API}/strategy/").json()

    assert data["definition"] == "Trust first"
    assert data["updated_by"] == manager.pk
    assert data["updated_by_name"] == "Manon"
    assert data["goals"] == [
        {
            "id": goal.pk,
            "url": f"{HOST}{API}/strategy-goals/{goal.pk}/",
            "title": "Be known in the region",
            "description": "",
            "position": 0,
            "groups": [world["provincie"].pk],
            "group_names": ["Provincie"],
            "created_at": data["goals"][0]["created_at"],
            "updated_at": data["goals"][0]["updated_at"],
        }
    ]


def test_network_manager_changes_the_strategy(api_for, manager, db):
    response = api_for(manager).patch(
        f"{API}/strategy/", {"value_to_sales_and_marketing": "Warm leads"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["value_to_sales_and_marketing"] == "Warm leads"
    strategy = Strategy.objects.get(pk=1)
    assert (strategy.value_to_sales_and_marketing, strategy.updated_by) == ("Warm leads", manager)


@pytest.mark.parametrize("actor", ["lead", "networker", "outsider"])
def test_others_may_not_change_the_strategy(api_for, request, actor, db):
    response = api_for(request.getfixturevalue(actor)).patch(
        f"{API}/strategy/", {"definition": "Mine"}, format="json"
    )

    assert response.status_code == 403
    assert response.json() == {"detail": "Only network managers may change the strategy."}
    assert selectors.strategy_get().definition == ""


@pytest.mark.parametrize(
    "body", ['{"definition": ', "[1, 2]", '{"definition": ["a"]}', '{"definition": {"a": 1}}']
)
def test_bad_strategy_input_is_a_400_and_changes_nothing(api_for, manager, db, body):
    response = api_for(manager).patch(
        f"{API}/strategy/", data=body, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()
    assert selectors.strategy_get().definition == ""


# Strategy goals


def test_network_manager_adds_a_goal_with_groups(api_for, manager, world):
    response = api_for(manager).post(
        f"{API}/strategy-goals/",
        {"title": "  Be known  ", "position": 2, "groups": [world["provincie"].pk]},
        format="json",
    )

    assert response.status_code == 201
    goal = StrategyGoal.objects.get()
    assert (goal.title, goal.position, list(goal.groups.all())) == (
        "Be known",
        2,
        [world["provincie"]],
    )
    assert response.json()["group_names"] == ["Provincie"]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"title": "Known", "groups": [999_999]}, "groups"),
        ({"title": "Known", "groups": "1"}, "groups"),
        ({"title": "x" * 201}, "title"),
        ({"title": "   "}, "title"),
        ({"title": "Known", "position": -1}, "position"),
        ({"title": "Known", "position": "first"}, "position"),
        ({"description": "no title"}, "title"),
    ],
)
def test_bad_goal_input_is_a_field_error(api_for, manager, world, data, field):
    response = api_for(manager).post(f"{API}/strategy-goals/", data, format="json")

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert not StrategyGoal.objects.exists()


def test_goals_are_read_by_all_and_changed_by_network_managers(
    api_for, manager, lead, networker, world
):
    goal = services.strategy_goal_save(actor=manager, title="Known")
    url = f"{API}/strategy-goals/{goal.pk}/"

    assert [g["id"] for g in results(api_for(networker).get(f"{API}/strategy-goals/"))] == [goal.pk]
    assert api_for(lead).patch(url, {"title": "Mine"}, format="json").status_code == 403
    assert api_for(lead).delete(url).status_code == 403
    assert api_for(lead).post(f"{API}/strategy-goals/", {"title": "X"}).status_code == 403
    assert StrategyGoal.objects.get().title == "Known"

    changed = api_for(manager).patch(url, {"groups": [world["universities"].pk]}, format="json")
    assert changed.json()["groups"] == [world["universities"].pk]
    assert api_for(manager).delete(url).status_code == 204
    assert not StrategyGoal.objects.exists()
    assert api_for(manager).get(url).status_code == 404


# Roadmap


def test_roadmap_lists_filter_by_status_and_owner(api_for, networker, manager, world):
    client = api_for(networker)
    done, planned, in_progress = world["steps"]

    assert [s["id"] for s in results(client.get(f"{API}/roadmap-steps/"))] == [
        done.pk,
        planned.pk,
        in_progress.pk,
    ]
    assert [s["id"] for s in results(client.get(f"{API}/roadmap-steps/?status=done"))] == [done.pk]
    by_owner = results(client.get(f"{API}/roadmap-steps/?owner={manager.pk}"))
    assert [(s["title"], s["owner_name"]) for s in by_owner] == [("Form the teams", "Manon")]
    assert client.get(f"{API}/roadmap-steps/?status=finished").status_code == 400
    assert client.get(f"{API}/roadmap-steps/?owner=abc").status_code == 400


def test_roadmap_progress_counts_as_the_dashboard(api_for, networker, world):
    data = api_for(networker).get(f"{API}/roadmap-steps/progress/").json()

    _done, planned, in_progress = world["steps"]
    assert {key: value for key, value in data.items() if key != "next_steps"} == {
        "total": 3,
        "done": 1,
        "in_progress": 1,
        "planned": 1,
        "overdue": 1,
        "percent_done": 33,
    }
    assert [s["id"] for s in data["next_steps"]] == [planned.pk, in_progress.pk]


def test_network_manager_plans_and_finishes_a_step(api_for, manager, lead, world):
    client = api_for(manager)
    created = client.post(
        f"{API}/roadmap-steps/",
        {"title": "Weekly digest", "target_on": str(days(90)), "owner": lead.pk},
        format="json",
    )
    assert created.status_code == 201
    assert created.json()["status"] == "planned"

    done = client.patch(created.json()["url"], {"status": "done"}, format="json")

    assert done.json()["done_on"] == str(today())
    assert RoadmapStep.objects.get(title="Weekly digest").done_on == today()


@pytest.mark.parametrize(
    "data",
    [
        {"title": "Step", "target_on": "tomorrow"},
        {"title": "Step"},
        {"title": "Step", "target_on": "2027-01-01", "status": "finished"},
        {"title": "Step", "target_on": "2027-01-01", "owner": 999_999},
        {"title": "x" * 201, "target_on": "2027-01-01"},
        {"title": " ", "target_on": "2027-01-01"},
    ],
)
def test_bad_step_input_is_a_400_and_nothing_is_saved(api_for, manager, db, data):
    response = api_for(manager).post(f"{API}/roadmap-steps/", data, format="json")

    assert response.status_code == 400
    assert response.json()
    assert not RoadmapStep.objects.exists()


@pytest.mark.parametrize("actor", ["lead", "networker"])
def test_others_read_the_roadmap_but_may_not_change_it(api_for, request, actor, world):
    client = api_for(request.getfixturevalue(actor))
    step = world["steps"][1]
    url = f"{API}/roadmap-steps/{step.pk}/"

    assert client.get(url).json()["title"] == "Form the teams"
    assert client.patch(url, {"status": "done"}, format="json").status_code == 403
    assert client.delete(url).status_code == 403
    new = {"title": "X", "target_on": "2027-01-01"}
    assert client.post(f"{API}/roadmap-steps/", new, format="json").status_code == 403
    assert RoadmapStep.objects.get(pk=step.pk).status == "planned"
    assert RoadmapStep.objects.count() == 3


# Key contacts


def key_contact_ids(response) -> list[int]:
    return [row["contact"] for row in results(response)]


def test_network_manager_sees_every_key_contact(api_for, manager, world):
    rows = results(api_for(manager).get(f"{API}/key-contacts/"))

    # Anna's group has influence 5; then the never met before the longer unmet.
    assert [row["contact_name"] for row in rows] == [
        "Anna de Vries",
        "Bert Bakker",
        "Cees Claassen",
    ]
    assert rows[0] == {
        "id": world["key"]["anna"].pk,
        "url": f"{HOST}{API}/key-contacts/{world['key']['anna'].pk}/",
        "contact": world["anna"].pk,
        "contact_name": "Anna de Vries",
        "contact_url": f"{HOST}{API}/contacts/{world['anna'].pk}/",
        "organisation_name": "Gemeente Utrecht",
        "team": world["alpha"].pk,
        "team_name": "Alpha",
        "networker": world["anna"].owner_id,
        "networker_name": "Nina",
        "reason": "",
        "warmth": "warm",
        "last_interaction_on": str(days(-1)),
        "influence": 5,
        "created_at": rows[0]["created_at"],
        "updated_at": rows[0]["updated_at"],
    }


def test_key_contacts_filter_by_state_and_team(api_for, manager, world):
    client = api_for(manager)
    bert, cees = world["bert"].pk, world["cees"].pk

    assert key_contact_ids(client.get(f"{API}/key-contacts/?state=going_cold")) == [bert, cees]
    assert key_contact_ids(client.get(f"{API}/key-contacts/?state=untended")) == [cees]
    beta = world["beta"].pk
    assert key_contact_ids(client.get(f"{API}/key-contacts/?team={beta}")) == [bert]
    response = client.get(f"{API}/key-contacts/?state=lost")
    assert response.status_code == 400
    assert list(response.json()) == ["state"]


def test_team_lead_sees_the_key_contacts_of_their_team(api_for, lead, world):
    client = api_for(lead)

    assert key_contact_ids(client.get(f"{API}/key-contacts/")) == [world["anna"].pk]
    assert client.get(f"{API}/key-contacts/{world['key']['anna'].pk}/").status_code == 200
    assert client.get(f"{API}/key-contacts/{world['key']['bert'].pk}/").status_code == 404
    assert client.get(f"{API}/key-contacts/?team={world['beta'].pk}").status_code == 404


@pytest.mark.parametrize("actor", ["networker", "colleague", "outsider", "planner"])
def test_who_has_no_dashboard_gets_404_for_key_contacts(api_for, request, actor, world):
    client = api_for(request.getfixturevalue(actor))
    anna = world["key"]["anna"]

    assert client.get(f"{API}/key-contacts/").status_code == 404
    assert client.get(f"{API}/key-contacts/{anna.pk}/").status_code == 404
    assert client.patch(f"{API}/key-contacts/{anna.pk}/", {"reason": "x"}).status_code == 404
    assert client.delete(f"{API}/key-contacts/{anna.pk}/").status_code == 404
    new = {"contact": world["bert"].pk}
    assert client.post(f"{API}/key-contacts/", new, format="json").status_code == 404
    assert KeyContact.objects.get(pk=anna.pk).reason == ""


@pytest.mark.parametrize("team", ["abc", "999999", "1" * 30, "-1"])
def test_an_unknown_team_is_a_404(api_for, manager, world, team):
    client = api_for(manager)

    for path in ["key-contacts/", "dashboard/", "dashboard/overdue-followups/"]:
        response = client.get(f"{API}/{path}?team={team}")
        assert response.status_code == 404, path
        assert response.json() == {"detail": "No team found."}


def test_team_lead_reads_but_may_not_change_key_contacts(api_for, lead, world):
    client = api_for(lead)
    anna = world["key"]["anna"]

    patched = client.patch(f"{API}/key-contacts/{anna.pk}/", {"reason": "x"}, format="json")
    assert patched.status_code == 403
    assert patched.json() == {"detail": "Only network managers assign groups and key contacts."}
    assert client.delete(f"{API}/key-contacts/{anna.pk}/").status_code == 403
    new = {"contact": world["bert"].pk, "team": world["alpha"].pk}
    assert client.post(f"{API}/key-contacts/", new, format="json").status_code == 403
    assert KeyContact.objects.get(pk=anna.pk).reason == ""
    assert KeyContact.objects.get(contact=world["bert"]).team == world["beta"]


def test_network_manager_marks_and_reassigns_key_contacts(api_for, manager, colleague, world):
    client = api_for(manager)
    dirk = Contact.objects.create(first_name="Dirk", last_name="Dekker", owner=manager)

    created = client.post(
        f"{API}/key-contacts/",
        {"contact": dirk.pk, "team": world["alpha"].pk, "reason": " Alderman "},
        format="json",
    )
    again = client.post(
        f"{API}/key-contacts/",
        {"contact": dirk.pk, "team": world["alpha"].pk, "networker": colleague.pk},
        format="json",
    )
    patched = client.patch(created.json()["url"], {"reason": "Mayor"}, format="json")

    assert (created.status_code, again.status_code, patched.status_code) == (201, 200, 200)
    assert created.json()["reason"] == "Alderman"
    key = KeyContact.objects.get(contact=dirk)
    assert (key.team, key.networker, key.reason) == (world["alpha"], colleague, "Mayor")
    assert client.delete(created.json()["url"]).status_code == 204
    assert not KeyContact.objects.filter(contact=dirk).exists()
    assert Contact.objects.filter(pk=dirk.pk).exists()


def test_key_contact_assignment_rules_are_field_errors(api_for, manager, outsider, world):
    client = api_for(manager)
    anna = world["key"]["anna"]
    world["cees"].archived = True
    world["cees"].save()

    not_a_member = client.patch(
        f"{API}/key-contacts/{anna.pk}/", {"networker": outsider.pk}, format="json"
    )
    archived = client.post(f"{API}/key-contacts/", {"contact": world["cees"].pk}, format="json")

    assert not_a_member.status_code == 400
    assert not_a_member.json() == {"networker": ["Otto is not a member of Alpha."]}
    assert archived.status_code == 400
    assert archived.json() == {"contact": ["An archived contact cannot be a key contact."]}
    assert KeyContact.objects.get(pk=anna.pk).networker == world["anna"].owner


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"contact": 999_999}, "contact"),
        ({"contact": "anna"}, "contact"),
        ({}, "contact"),
        ({"contact": "CONTACT", "team": 999_999}, "team"),
        ({"contact": "CONTACT", "networker": 10**30}, "networker"),
        ({"contact": "CONTACT", "reason": "x" * 256}, "reason"),
        ({"contact": "CONTACT", "reason": ["a"]}, "reason"),
    ],
)
def test_bad_key_contact_input_is_a_400_and_nothing_is_saved(api_for, manager, world, data, field):
    dirk = Contact.objects.create(first_name="Dirk", last_name="Dekker", owner=manager)
    data = {key: dirk.pk if value == "CONTACT" else value for key, value in data.items()}

    response = api_for(manager).post(f"{API}/key-contacts/", data, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not KeyContact.objects.filter(contact=dirk).exists()


def test_malformed_json_is_a_400(api_for, manager, world):
    for path in ["key-contacts/", "strategy-goals/", "roadmap-steps/"]:
        response = api_for(manager).post(
            f"{API}/{path}", data='{"contact": ', content_type="application/json"
        )
        assert response.status_code == 400
        assert "JSON parse error" in response.json()["detail"]
    assert KeyContact.objects.count() == 3


# Group assignments


def test_everybody_reads_who_owns_and_tends_a_group(api_for, networker, world):
    rows = results(api_for(networker).get(f"{API}/group-assignments/"))

    provincie = world["provincie"]
    assert rows[0] == {
        "id": provincie.pk,
        "url": f"{HOST}{API}/group-assignments/{provincie.pk}/",
        "group_url": f"{HOST}{API}/stakeholder-groups/{provincie.pk}/",
        "name": "Provincie",
        "quadrant": "manage_closely",
        "influence": 5,
        "interest": 5,
        "owning_team": world["alpha"].pk,
        "owning_team_name": "Alpha",
        "steward": networker.pk,
        "steward_name": "Nina",
    }
    beta = results(api_for(networker).get(f"{API}/group-assignments/?team={world['beta'].pk}"))
    assert [row["name"] for row in beta] == ["Universiteiten"]
    tended = results(api_for(networker).get(f"{API}/group-assignments/?steward={networker.pk}"))
    assert [row["name"] for row in tended] == ["Provincie"]


def test_network_manager_assigns_a_group(api_for, manager, outsider, world):
    url = f"{API}/group-assignments/{world['universities'].pk}/"

    response = api_for(manager).patch(url, {"steward": outsider.pk}, format="json")

    assert response.status_code == 200
    assert (response.json()["owning_team_name"], response.json()["steward_name"]) == (
        "Beta",
        "Otto",
    )
    cleared = api_for(manager).patch(url, {"owning_team": None}, format="json").json()
    assert (cleared["owning_team"], cleared["steward"]) == (None, outsider.pk)


def test_group_assignment_refusals(api_for, manager, lead, outsider, world):
    url = f"{API}/group-assignments/{world['provincie'].pk}/"

    by_lead = api_for(lead).patch(url, {"steward": lead.pk}, format="json")
    not_a_member = api_for(manager).patch(url, {"steward": outsider.pk}, format="json")
    unknown_team = api_for(manager).patch(url, {"owning_team": 999_999}, format="json")
    unknown_group = api_for(manager).patch(
        f"{API}/group-assignments/999999/", {"steward": None}, format="json"
    )

    assert by_lead.status_code == 403
    assert not_a_member.json() == {"steward": ["Otto is not a member of Alpha."]}
    assert not_a_member.status_code == 400
    assert unknown_team.status_code == 400
    assert list(unknown_team.json()) == ["owning_team"]
    assert unknown_group.status_code == 404
    world["provincie"].refresh_from_db()
    assert (world["provincie"].owning_team, world["provincie"].steward.username) == (
        world["alpha"],
        "nina",
    )


# The dashboard


def test_dashboard_shows_the_selectors_figures_for_the_organisation(api_for, manager, world):
    data = api_for(manager).get(f"{API}/dashboard/").json()

    figures = selectors.dashboard_for(scope=dashboard_scope(manager))
    assert data["scope"] == {"whole_organisation": True, "teams": []}
    assert data["today"] == str(today())
    # Anna (warm, nina) and Bert (never met: cold, otto).
    assert data["warmth"]["warm"] == figures.warmth.warm == 1
    assert data["warmth"]["cold"] == figures.warmth.cold == 1
    assert (data["warmth"]["cooling"], data["warmth"]["total"]) == (0, 2)
    assert data["warmth"]["links"]["cold"] == f"{HOST}{API}/dashboard/relationships/?warmth=cold"
    assert data["warmth_trend"] == [
        {"taken_on": str(today()), "warm": 1, "cooling": 0, "cold": 1, "total": 2}
    ]
    # Universiteiten: keep satisfied, nobody of us has a warm tie into it: untended first.
    assert [(r["name"], r["untended"], r["warm_ties"]) for r in data["coverage"]] == [
        ("Universiteiten", True, 0),
        ("Provincie", False, 1),
    ]
    assert data["coverage"][1]["last_contact_on"] == str(days(-1))
    assert data["coverage"][1]["steward_name"] == "Nina"
    assert data["untended_group_total"] == 1
    assert [k["contact_name"] for k in data["cooling_key_contacts"]] == [
        "Bert Bakker",
        "Cees Claassen",
    ]
    assert data["cooling_key_contact_total"] == figures.cooling_key_contact_total == 2
    assert [k["contact_name"] for k in data["untended_key_contacts"]] == ["Cees Claassen"]
    assert data["untended_key_contact_total"] == 1
    assert [(r["name"], r["count"]) for r in data["overdue_by_team"]] == [
        ("Alpha", 1),
        ("Beta", 1),
    ]
    alpha = world["alpha"].pk
    assert data["overdue_by_team"][0]["url"] == (
        f"{HOST}{API}/dashboard/overdue-followups/?team={alpha}"
    )
    assert [(r["name"], r["count"]) for r in data["overdue_by_networker"]] == [
        ("Nina", 1),
        ("Otto", 1),
    ]
    assert data["overdue_total"] == 2
    assert data["meetings"]["months"][-1] == str(today().replace(day=1))
    series = {s["team_name"]: s for s in data["meetings"]["series"]}
    assert (series["Alpha"]["total"], series["Beta"]["total"]) == (1, 0)
    assert data["meetings"]["highest"] == 1
    event = world["event"]
    assert data["coming_events"] == [
        {
            "id": event.pk,
            "name": "New year reception",
            "url": f"{HOST}{API}/events/{event.pk}/",
            "starts_at": data["coming_events"][0]["starts_at"],
            "ends_at": data["coming_events"][0]["ends_at"],
            "guests_by_status": {
                "proposed": 0,
                "invited": 1,
                "accepted": 0,
                "declined": 0,
                "attended": 0,
                "no_show": 0,
            },
            "encounter_count": 1,
            "goalless_count": 1,
            "plan_incomplete": True,
        }
    ]
    assert [(g["name"], g["given"], g["asked"], g["unbalanced"]) for g in data["give_ask"]] == [
        ("Provincie", 1, 0, False),
        ("Universiteiten", 0, 0, False),
    ]
    assert (data["roadmap"]["total"], data["roadmap"]["overdue"]) == (3, 1)
    assert [t["name"] for t in data["teams"]] == ["Alpha", "Beta"]
    assert data["links"]["cooling_key_contacts"] == f"{HOST}{API}/key-contacts/?state=going_cold"


def test_team_lead_gets_the_dashboard_of_their_team(api_for, lead, world):
    client = api_for(lead)
    alpha = world["alpha"].pk

    data = client.get(f"{API}/dashboard/").json()
    narrowed = client.get(f"{API}/dashboard/?team={alpha}").json()

    assert data["scope"] == {"whole_organisation": False, "teams": [{"id": alpha, "name": "Alpha"}]}
    assert (data["warmth"]["warm"], data["warmth"]["cold"]) == (1, 0)
    assert [r["name"] for r in data["coverage"]] == ["Provincie"]
    assert [k["contact_name"] for k in data["cooling_key_contacts"]] == []
    assert [(r["name"], r["count"]) for r in data["overdue_by_team"]] == [("Alpha", 1)]
    assert data["overdue_total"] == 1
    assert data["teams"] == []
    assert narrowed["warmth"]["links"]["warm"] == (
        f"{HOST}{API}/dashboard/relationships/?team={alpha}&warmth=warm"
    )
    assert client.get(f"{API}/dashboard/?team={world['beta'].pk}").status_code == 404


def test_network_manager_narrows_the_dashboard_to_a_team(api_for, manager, world):
    data = api_for(manager).get(f"{API}/dashboard/?team={world['beta'].pk}").json()

    assert data["scope"]["teams"] == [{"id": world["beta"].pk, "name": "Beta"}]
    assert (data["warmth"]["warm"], data["warmth"]["cold"], data["overdue_total"]) == (0, 1, 1)
    assert [k["contact_name"] for k in data["cooling_key_contacts"]] == ["Bert Bakker"]


@pytest.mark.parametrize("actor", ["networker", "colleague", "outsider", "planner"])
def test_who_has_no_dashboard_gets_404(api_for, request, actor, world):
    client = api_for(request.getfixturevalue(actor))

    for path in ["dashboard/", "dashboard/relationships/", "dashboard/overdue-followups/"]:
        response = client.get(f"{API}/{path}")
        assert response.status_code == 404, path
        assert response.json() == {
            "detail": "Only network managers and team leads have a dashboard."
        }


def test_lists_behind_the_figures(api_for, manager, lead, outsider, world):
    client = api_for(manager)

    cold = results(client.get(f"{API}/dashboard/relationships/?warmth=cold"))
    overdue = results(client.get(f"{API}/dashboard/overdue-followups/?assignee={outsider.pk}"))
    of_alpha = results(api_for(lead).get(f"{API}/dashboard/overdue-followups/"))

    assert [(r["user_name"], r["contact_name"], r["warmth"]) for r in cold] == [
        ("Otto", "Bert Bakker", "cold")
    ]
    assert [(f["text"], f["overdue"]) for f in overdue] == [("Call back", True)]
    assert [f["text"] for f in of_alpha] == ["Send the slides"]
    bad = client.get(f"{API}/dashboard/relationships/?warmth=hot&colleague=abc")
    assert bad.status_code == 400
    assert set(bad.json()) == {"warmth", "colleague"}


# Who knows whom


def test_who_knows_whom_finds_the_warmest_colleague(api_for, outsider, networker, world):
    data = api_for(outsider).get(f"{API}/who-knows-whom/", {"q": "Utrecht"}).json()

    assert data["query"] == "Utrecht"
    assert [o["name"] for o in data["organisations"]] == ["Gemeente Utrecht"]
    assert [c["full_name"] for c in data["contacts"]] == ["Anna de Vries"]
    assert data["direct"] == [
        {
            "colleague": networker.pk,
            "colleague_name": "Nina",
            "ties": 1,
            "warm_ties": 1,
            "last_met_on": str(days(-1)),
            "strength": 2,
            "via": [],
        }
    ]
    assert data["second_degree"] == []


def test_who_knows_whom_second_degree_names_the_go_between(api_for, manager, networker, world):
    eva = Contact.objects.create(
        first_name="Eva", last_name="Evers", organisation=world["anna"].organisation
    )
    ContactMembership.objects.create(group=world["provincie"], contact=eva)

    data = api_for(manager).get(f"{API}/who-knows-whom/", {"q": "Evers"}).json()

    assert data["direct"] == []
    assert [(c["colleague_name"], c["warm_ties"]) for c in data["second_degree"]] == [("Nina", 1)]
    assert data["second_degree"][0]["via"] == [
        {
            "relationship": networker.relationships.get().pk,
            "contact": world["anna"].pk,
            "contact_name": "Anna de Vries",
            "organisation_name": "Gemeente Utrecht",
            "last_interaction_on": str(days(-1)),
        }
    ]


@pytest.mark.parametrize("query", [{}, {"q": ""}, {"q": "a"}, {"q": " a "}, {"q": "x" * 201}])
def test_who_knows_whom_needs_two_letters(api_for, networker, db, query):
    response = api_for(networker).get(f"{API}/who-knows-whom/", query)

    assert response.status_code == 400
    assert list(response.json()) == ["q"]


# The schema


def test_every_endpoint_is_in_the_schema(db):
    spec = json.loads(APIClient().get("/api/schema/?format=json").content)

    paths = set(spec["paths"])
    assert {
        f"{API}/strategy/",
        f"{API}/strategy-goals/{{id}}/",
        f"{API}/roadmap-steps/progress/",
        f"{API}/key-contacts/{{id}}/",
        f"{API}/group-assignments/{{id}}/",
        f"{API}/dashboard/",
        f"{API}/dashboard/relationships/",
        f"{API}/dashboard/overdue-followups/",
        f"{API}/who-knows-whom/",
    } <= paths
    dashboard = spec["paths"][f"{API}/dashboard/"]["get"]
    assert {p["name"] for p in dashboard["parameters"]} == {"team"}
    assert {"200", "401", "403", "404"} - {"401"} <= set(dashboard["responses"])
    key_contacts = spec["paths"][f"{API}/key-contacts/"]["get"]
    assert {"team", "state", "page", "page_size"} <= {p["name"] for p in key_contacts["parameters"]}
