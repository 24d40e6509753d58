"""The events API under /api/v1/: events, guest lists, encounter plans, briefings and the
calendar feed; permissions, bad input, query counts, and responses that match the schema."""

import datetime
import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openapi_core import OpenAPI
from rest_framework.test import APIClient

from events import selectors, services
from events.models import CalendarFeed, Encounter, Event, EventKind, Invitation, InvitationStatus
from relations import services as relation_services
from relations.models import Contact, FollowUp, Interaction, InteractionKind
from stakeholders import services as stakeholder_services
from stakeholders.models import ContactMembership, StakeholderGroup
from tests.conftest import make_user
from tests.events.conftest import at
from tests.relations.test_api_schema import Contract

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


def ids(response) -> list[int]:
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


def person(first_name: str, last_name: str = "", **fields) -> Contact:
    return Contact.objects.create(first_name=first_name, last_name=last_name, **fields)


@pytest.fixture
def guests(event, contact, key_contact, planner) -> list[Invitation]:
    """Anna invited, Bram proposed (by the planner)."""
    return [
        services.invitation_add(actor=planner, event=event, contact=contact),
        services.invitation_add(
            actor=planner, event=event, contact=key_contact, status=InvitationStatus.PROPOSED
        ),
    ]


@pytest.fixture
def planned(event, contact, networker, planner, guests) -> Encounter:
    """The networker meets Anna at the start of the reception, without a goal yet."""
    return services.encounter_add(actor=planner, event=event, colleague=networker, contact=contact)


@pytest.fixture
def met(past_event, contact, networker, planner) -> Encounter:
    """The networker met Anna (invited) at the congress three days ago."""
    services.invitation_add(actor=planner, event=past_event, contact=contact)
    return services.encounter_add(
        actor=planner, event=past_event, colleague=networker, contact=contact, goal="Pilot"
    )


def event_payload(**fields) -> dict:
    return {
        "name": "Werkbezoek",
        "kind": "external",
        "starts_at": at(20, 10).isoformat(),
        "ends_at": at(20, 12).isoformat(),
        **fields,
    }


# Reading


@pytest.mark.parametrize("path", ["events/", "invitations/", "encounters/", "me/calendar-feed/"])
def test_anonymous_is_refused(db, path):
    assert APIClient().get(f"{API}/{path}").status_code in (401, 403)


def test_anonymous_cannot_read_an_event(event):
    assert APIClient().get(f"{API}/events/{event.pk}/").status_code in (401, 403)


def test_every_user_lists_events_with_the_size_of_their_plan(
    api_for, outsider, event, past_event, planned, contact, networker, planner
):
    services.encounter_add(
        actor=planner, event=event, colleague=networker, contact=contact, goal="Thank her"
    )

    response = api_for(outsider).get(f"{API}/events/")

    assert ids(response) == [past_event.pk, event.pk]
    row = response.json()["results"][1]
    assert (row["guest_count"], row["encounter_count"], row["goalless_count"]) == (2, 2, 1)
    assert row["organiser"] == planner.pk
    assert row["organiser_name"] == str(planner)
    assert row["kind"] == "own"
    assert row["url"].endswith(f"/api/v1/events/{event.pk}/")
    assert datetime.datetime.fromisoformat(row["starts_at"]) == event.starts_at
    assert row["starts_at"].endswith(("+01:00", "+02:00"))  # local time, with its offset


def test_event_detail_counts_guests_and_warns_about_the_plan(
    api_for, networker, event, guests, planned, key_contact, planner
):
    services.invitation_add(actor=planner, event=event, contact=person("Cees", "Claassen"))
    services.invitation_update(
        actor=planner, invitation=guests[0], status=InvitationStatus.ACCEPTED
    )

    response = api_for(networker).get(f"{API}/events/{event.pk}/")

    assert response.status_code == 200
    body = response.json()
    assert body["status_counts"] == {
        "proposed": 1,
        "invited": 1,
        "accepted": 1,
        "declined": 0,
        "attended": 0,
        "no_show": 0,
    }
    assert (body["expected_guests"], event.capacity, body["over_capacity"]) == (2, 2, False)
    assert body["guest_count"] == 3
    assert sorted((w["code"], w["encounter_ids"], w["contact_id"]) for w in body["warnings"]) == [
        ("key_contact_unmet", [], key_contact.pk),
        ("no_goal", [planned.pk], planned.contact_id),
    ]
    assert all(w["message"] for w in body["warnings"])


def test_an_event_over_capacity_says_so(api_for, networker, event, guests, planner):
    services.invitation_update(actor=planner, invitation=guests[1], status="invited")
    services.invitation_add(actor=planner, event=event, contact=person("Cees"))

    body = api_for(networker).get(f"{API}/events/{event.pk}/").json()

    assert (body["expected_guests"], body["over_capacity"]) == (3, True)


def test_event_filters_are_the_selectors(
    api_for, networker, outsider, colleague, event, past_event, team_alpha, planner, contact
):
    network_meeting = services.event_create(
        actor=planner,
        name="Rotary lunch",
        kind=EventKind.NETWORK_MEETING,
        starts_at=at(40, 12),
        ends_at=at(40, 14),
        location="Utrecht Centraal",
    )
    services.encounter_add(
        actor=planner, event=network_meeting, colleague=colleague, contact=contact
    )
    services.invitation_add(actor=planner, event=event, contact=contact, host=networker)
    client = api_for(outsider)

    def listed(query: str) -> list[int]:
        return ids(client.get(f"{API}/events/?{query}"))

    assert listed("") == [past_event.pk, event.pk, network_meeting.pk]
    assert listed("kind=network_meeting") == [network_meeting.pk]
    assert listed(f"team={team_alpha.pk}") == [network_meeting.pk]
    assert listed("q=utrecht") == [event.pk, network_meeting.pk]  # location
    assert listed("q=rotary") == [network_meeting.pk]
    assert ids(api_for(networker).get(f"{API}/events/?mine=true")) == [event.pk]
    assert listed("mine=true") == []
    assert listed("mine=false") == listed("")
    today = timezone.localdate()
    assert listed(f"starts_after={today.isoformat()}") == [event.pk, network_meeting.pk]
    assert listed(f"starts_before={(today + datetime.timedelta(days=11)).isoformat()}") == [
        past_event.pk,
        event.pk,
    ]
    # A date-time with an offset; an event still running at that moment counts.
    during = (past_event.starts_at + datetime.timedelta(hours=1)).isoformat()
    assert listed(f"starts_after={during.replace('+', '%2B')}") == [
        past_event.pk,
        event.pk,
        network_meeting.pk,
    ]
    expected = selectors.event_list_for(
        user=outsider, starts_from=selectors.local_day_start(today), search="utrecht"
    )
    assert listed(f"starts_after={today.isoformat()}&q=utrecht") == [e.pk for e in expected]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("kind=party", "kind"),
        ("team=abc", "team"),
        ("team=0", "team"),
        (f"team={HUGE_ID}", "team"),
        ("starts_after=tomorrow", "starts_after"),
        ("starts_before=2026-13-01", "starts_before"),
        ("starts_before=0001-01-01", "starts_before"),
        ("starts_after=9999-12-31T23:59:59", "starts_after"),
    ],
)
def test_bad_event_filter_is_a_400_naming_the_parameter(api_for, networker, query, field):
    response = api_for(networker).get(f"{API}/events/?{query}")

    assert response.status_code == 400
    assert field in response.json()


def test_events_are_ordered_and_paginated(api_for, networker, event, past_event):
    client = api_for(networker)

    first = client.get(f"{API}/events/?page_size=1&ordering=-starts_at").json()

    assert first["count"] == 2
    assert [row["id"] for row in first["results"]] == [event.pk]
    assert "page=2" in first["next"]
    assert client.get(f"{API}/events/?page=3&page_size=1").status_code == 404


def test_page_size_is_capped_like_the_other_lists(api_for, networker):
    Event.objects.bulk_create(
        Event(name=f"Borrel {n}", starts_at=at(n, 17), ends_at=at(n, 19)) for n in range(205)
    )

    body = api_for(networker).get(f"{API}/events/?page_size=1000").json()

    assert (body["count"], len(body["results"])) == (205, 200)


# Writing events


def test_planner_creates_an_event_and_organises_it(api_for, planner):
    response = api_for(planner).post(
        f"{API}/events/", event_payload(capacity=40, location="Provinciehuis"), format="json"
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    event = Event.objects.get(pk=body["id"])
    assert (event.name, event.organiser, event.capacity) == ("Werkbezoek", planner, 40)
    assert event.starts_at == at(20, 10)
    assert body["organiser"] == planner.pk
    assert (body["guest_count"], body["warnings"], body["over_capacity"]) == (0, [], False)


def test_a_time_without_offset_is_local_and_answered_with_its_offset(api_for, manager):
    response = api_for(manager).post(
        f"{API}/events/",
        event_payload(starts_at="2031-07-01T10:00:00", ends_at="2031-07-01T12:00:00Z"),
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["starts_at"] == "2031-07-01T10:00:00+02:00"
    assert body["ends_at"] == "2031-07-01T14:00:00+02:00"


def test_networker_cannot_create_an_event(api_for, networker):
    response = api_for(networker).post(f"{API}/events/", event_payload(), format="json")

    assert response.status_code == 403
    assert not Event.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"ends_at": at(20, 9).isoformat()}, "ends_at"),
        ({"ends_at": at(20, 10).isoformat()}, "ends_at"),
        ({"starts_at": "tomorrow"}, "starts_at"),
        ({"starts_at": None}, "starts_at"),
        ({"starts_at": "0001-01-01T00:00:00"}, "starts_at"),  # no 500 on the way to UTC
        ({"ends_at": "9999-12-31T23:30:00Z"}, "ends_at"),
        ({"ends_at": "2031-07-01T10:00:00+25:00"}, "ends_at"),
        ({"name": "   "}, "name"),
        ({"name": ["a", "list"]}, "name"),
        ({"kind": "party"}, "kind"),
        ({"capacity": 0}, "capacity"),
        ({"capacity": "many"}, "capacity"),
        ({"organiser": 999999}, "organiser"),
        ({"network": 999999}, "network"),
        ({"network": HUGE_ID}, "network"),
    ],
)
def test_bad_event_input_is_a_400_naming_the_field(api_for, planner, payload, field):
    response = api_for(planner).post(f"{API}/events/", event_payload(**payload), format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not Event.objects.exists()


def test_only_a_network_meeting_names_a_network(api_for, networker, planner):
    club = stakeholder_services.network_save(actor=networker, name="Rotary")
    client = api_for(planner)

    refused = client.post(f"{API}/events/", event_payload(network=club.pk), format="json")
    accepted = client.post(
        f"{API}/events/",
        event_payload(network=club.pk, kind="network_meeting"),
        format="json",
    )

    assert (refused.status_code, accepted.status_code) == (400, 201)
    assert "network" in refused.json()
    assert accepted.json()["network_name"] == "Rotary"


def test_malformed_json_is_a_400(api_for, planner):
    response = api_for(planner).post(
        f"{API}/events/", data='{"name": "Borrel",', content_type="application/json"
    )

    assert response.status_code == 400
    assert "detail" in response.json()
    assert not Event.objects.exists()


@pytest.mark.parametrize(
    "path",
    ["events/", "invitations/", "encounters/", "events/{event}/bulk-status/"],
)
@pytest.mark.parametrize("body", ["[]", '"text"', "42", "null"])
def test_a_body_that_is_no_object_is_a_400(api_for, planner, event, path, body):
    response = api_for(planner).post(
        f"{API}/{path.format(event=event.pk)}", data=body, content_type="application/json"
    )

    assert response.status_code == 400
    assert (Event.objects.count(), Invitation.objects.count()) == (1, 0)


def test_planner_changes_an_event(api_for, planner, event):
    client = api_for(planner)

    patched = client.patch(f"{API}/events/{event.pk}/", {"location": "Tivoli"}, format="json")
    put = client.put(
        f"{API}/events/{event.pk}/", event_payload(name="Receptie", capacity=None), format="json"
    )

    assert patched.status_code == 200, patched.json()
    assert patched.json()["location"] == "Tivoli"
    assert put.status_code == 200, put.json()
    event.refresh_from_db()
    assert (event.name, event.kind, event.capacity) == ("Receptie", "external", None)
    assert event.starts_at == at(20, 10)


def test_an_end_before_the_start_is_refused_and_changes_nothing(api_for, planner, event):
    response = api_for(planner).patch(
        f"{API}/events/{event.pk}/", {"ends_at": at(10, 14).isoformat()}, format="json"
    )

    assert response.status_code == 400
    assert "ends_at" in response.json()
    event.refresh_from_db()
    assert event.ends_at == at(10, 18)


def test_moving_an_event_away_from_its_encounters_is_refused(api_for, planner, event, planned):
    response = api_for(planner).patch(
        f"{API}/events/{event.pk}/",
        {"starts_at": at(11, 15).isoformat(), "ends_at": at(11, 18).isoformat()},
        format="json",
    )

    assert response.status_code == 400
    assert "starts_at" in response.json()
    event.refresh_from_db()
    assert event.starts_at == at(10, 15)


def test_networker_cannot_change_or_delete_an_event(api_for, networker, event):
    client = api_for(networker)

    patched = client.patch(f"{API}/events/{event.pk}/", {"name": "Mine now"}, format="json")
    deleted = client.delete(f"{API}/events/{event.pk}/")

    assert (patched.status_code, deleted.status_code) == (403, 403)
    event.refresh_from_db()
    assert event.name == "Nieuwjaarsreceptie"


def test_the_organisers_team_lead_changes_the_event(api_for, lead, event, team_alpha):
    team_alpha.members.add(event.organiser)

    response = api_for(lead).patch(f"{API}/events/{event.pk}/", {"capacity": 80}, format="json")

    assert response.status_code == 200, response.json()
    assert response.json()["capacity"] == 80


def test_planner_deletes_an_event_with_its_plan(api_for, planner, event, planned):
    response = api_for(planner).delete(f"{API}/events/{event.pk}/")

    assert response.status_code == 204
    assert not Event.objects.filter(pk=event.pk).exists()
    assert not Encounter.objects.exists()


# Unknown ids


@pytest.mark.parametrize("kind", ["events", "invitations", "encounters"])
@pytest.mark.parametrize("pk", ["999999", "abc", str(HUGE_ID)])
def test_unknown_ids_are_404(api_for, manager, kind, pk):
    client = api_for(manager)

    assert client.get(f"{API}/{kind}/{pk}/").status_code == 404
    assert client.patch(f"{API}/{kind}/{pk}/", {"note": "x"}, format="json").status_code == 404
    assert client.delete(f"{API}/{kind}/{pk}/").status_code == 404


@pytest.mark.parametrize(
    ("method", "action"),
    [
        ("get", "suggestions/"),
        ("post", "add-group/"),
        ("post", "bulk-status/"),
        ("get", "briefing/1/"),
    ],
)
def test_actions_on_an_unknown_event_are_404(api_for, manager, method, action):
    response = getattr(api_for(manager), method)(f"{API}/events/999999/{action}", format="json")
    assert response.status_code == 404


def test_record_outcome_of_an_unknown_encounter_is_404(api_for, manager):
    response = api_for(manager).post(
        f"{API}/encounters/999999/record-outcome/", {"outcome": "Fine"}, format="json"
    )
    assert response.status_code == 404


# The guest list


def test_planner_puts_a_guest_on_the_list_as_invited(api_for, planner, event, contact, colleague):
    response = api_for(planner).post(
        f"{API}/invitations/",
        {"event": event.pk, "contact": contact.pk, "host": colleague.pk, "note": "Plus one"},
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["status"], body["proposed_by"], body["host"]) == (
        "invited",
        planner.pk,
        colleague.pk,
    )
    assert (body["contact_name"], body["organisation_name"]) == (
        "Anna de Vries",
        "Gemeente Utrecht",
    )
    assert Invitation.objects.get().note == "Plus one"


def test_a_networkers_guest_becomes_a_proposal(api_for, networker, event, contact):
    response = api_for(networker).post(
        f"{API}/invitations/", {"event": event.pk, "contact": contact.pk}, format="json"
    )

    assert response.status_code == 201, response.json()
    invitation = Invitation.objects.get()
    assert (invitation.status, invitation.proposed_by) == (InvitationStatus.PROPOSED, networker)
    assert response.json()["status"] == "proposed"


def test_a_networker_asking_for_another_status_is_403(api_for, networker, event, contact):
    response = api_for(networker).post(
        f"{API}/invitations/",
        {"event": event.pk, "contact": contact.pk, "status": "invited"},
        format="json",
    )

    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_the_same_guest_twice_is_a_400_on_contact(api_for, planner, event, guests, contact):
    response = api_for(planner).post(
        f"{API}/invitations/", {"event": event.pk, "contact": contact.pk}, format="json"
    )

    assert response.status_code == 400
    assert "already on the guest list" in response.json()["contact"][0]
    assert Invitation.objects.count() == 2


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"contact": 999999}, "contact"),
        ({"contact": "anna"}, "contact"),
        ({"event": 999999}, "event"),
        ({"event": None}, "event"),
        ({"status": "maybe"}, "status"),
        ({"status": "attended"}, "status"),  # the event has not begun
        ({"host": 999999}, "host"),
        ({"note": "x" * 256}, "note"),
    ],
)
def test_bad_invitation_input_is_a_400(api_for, planner, event, contact, payload, field):
    data = {"event": event.pk, "contact": contact.pk, **payload}

    response = api_for(planner).post(f"{API}/invitations/", data, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not Invitation.objects.exists()


def test_an_archived_contact_is_not_invited(api_for, planner, event, contact):
    contact.archived = True
    contact.save()

    response = api_for(planner).post(
        f"{API}/invitations/", {"event": event.pk, "contact": contact.pk}, format="json"
    )

    assert response.status_code == 400
    assert "contact" in response.json()


def test_planner_moves_a_guest_along_the_path(api_for, planner, guests, colleague):
    client = api_for(planner)
    invited = guests[0]

    accepted = client.patch(
        f"{API}/invitations/{invited.pk}/",
        {"status": "accepted", "host": colleague.pk},
        format="json",
    )
    put = client.put(f"{API}/invitations/{invited.pk}/", {"note": "Vegetarian"}, format="json")

    assert accepted.status_code == 200, accepted.json()
    assert (accepted.json()["status"], accepted.json()["host_name"]) == ("accepted", "Carl")
    assert put.status_code == 200, put.json()
    invited.refresh_from_db()
    assert (invited.status, invited.host, invited.note) == ("accepted", colleague, "Vegetarian")


@pytest.mark.parametrize(
    ("status", "message"),
    [("attended", "cannot go from Proposed to Attended"), ("no_show", "cannot go from")],
)
def test_an_impossible_status_jump_is_a_400(api_for, planner, guests, status, message):
    proposal = guests[1]

    response = api_for(planner).patch(
        f"{API}/invitations/{proposal.pk}/", {"status": status}, format="json"
    )

    assert response.status_code == 400
    assert message in response.json()["status"][0]
    proposal.refresh_from_db()
    assert proposal.status == InvitationStatus.PROPOSED


def test_changing_event_or_contact_of_a_guest_is_ignored(api_for, planner, guests, past_event):
    invitation = guests[0]

    response = api_for(planner).patch(
        f"{API}/invitations/{invitation.pk}/",
        {"event": past_event.pk, "contact": guests[1].contact_id, "note": "n"},
        format="json",
    )

    assert response.status_code == 200
    invitation.refresh_from_db()
    assert (invitation.event_id, invitation.contact_id) == (
        guests[0].event_id,
        guests[0].contact_id,
    )


def test_networker_cannot_change_a_guest(api_for, networker, guests):
    response = api_for(networker).patch(
        f"{API}/invitations/{guests[1].pk}/", {"status": "invited"}, format="json"
    )

    assert response.status_code == 403
    guests[1].refresh_from_db()
    assert guests[1].status == InvitationStatus.PROPOSED


def test_proposer_withdraws_their_open_proposal_only(
    api_for, networker, colleague, planner, event, contact, key_contact
):
    mine = services.invitation_add(actor=networker, event=event, contact=contact)
    decided = services.invitation_add(actor=networker, event=event, contact=key_contact)
    services.invitation_update(actor=planner, invitation=decided, status="invited")

    by_colleague = api_for(colleague).delete(f"{API}/invitations/{mine.pk}/")
    after_decision = api_for(networker).delete(f"{API}/invitations/{decided.pk}/")
    withdrawn = api_for(networker).delete(f"{API}/invitations/{mine.pk}/")

    assert (by_colleague.status_code, after_decision.status_code, withdrawn.status_code) == (
        403,
        403,
        204,
    )
    assert list(Invitation.objects.all()) == [decided]


def test_invitation_filters(
    api_for, outsider, networker, colleague, planner, event, past_event, contact, key_contact
):
    anna = services.invitation_add(actor=planner, event=event, contact=contact, host=colleague)
    bram = services.invitation_add(actor=networker, event=event, contact=key_contact)
    earlier = services.invitation_add(actor=planner, event=past_event, contact=contact)
    client = api_for(outsider)

    def listed(query: str) -> set[int]:
        return set(ids(client.get(f"{API}/invitations/?{query}")))

    assert listed("") == {anna.pk, bram.pk, earlier.pk}
    assert listed(f"event={event.pk}") == {anna.pk, bram.pk}
    assert listed("status=proposed") == {bram.pk}
    assert listed(f"contact={contact.pk}") == {anna.pk, earlier.pk}
    assert listed(f"proposed_by={networker.pk}") == {bram.pk}
    assert listed(f"host={colleague.pk}") == {anna.pk}
    assert listed(f"event={event.pk}&status=invited") == {anna.pk}
    assert client.get(f"{API}/invitations/?status=maybe").status_code == 400
    assert client.get(f"{API}/invitations/?event=-1").status_code == 400


# Bulk status and whole groups


def test_bulk_status_moves_all_guests(api_for, planner, past_event, contact, key_contact):
    rows = [
        services.invitation_add(actor=planner, event=past_event, contact=contact),
        services.invitation_add(actor=planner, event=past_event, contact=key_contact),
    ]

    response = api_for(planner).post(
        f"{API}/events/{past_event.pk}/bulk-status/",
        {"invitations": [row.pk for row in rows], "status": "attended"},
        format="json",
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["changed"] == 2
    assert {row["status"] for row in body["invitations"]} == {"attended"}
    assert set(Invitation.objects.values_list("status", flat=True)) == {"attended"}


def test_bulk_status_is_all_or_nothing_naming_who_cannot_move(
    api_for, planner, past_event, contact, key_contact
):
    ok = services.invitation_add(actor=planner, event=past_event, contact=contact)
    stuck = services.invitation_add(
        actor=planner, event=past_event, contact=key_contact, status="proposed"
    )

    response = api_for(planner).post(
        f"{API}/events/{past_event.pk}/bulk-status/",
        {"invitations": [ok.pk, stuck.pk], "status": "attended"},
        format="json",
    )

    assert response.status_code == 400
    [message] = response.json()["status"]
    assert "Bram Bakker cannot go from Proposed to Attended" in message
    assert "Anna" not in message
    ok.refresh_from_db()
    assert ok.status == InvitationStatus.INVITED


def test_networker_cannot_move_guests_in_bulk(api_for, networker, event, guests):
    response = api_for(networker).post(
        f"{API}/events/{event.pk}/bulk-status/",
        {"invitations": [guests[1].pk], "status": "invited"},
        format="json",
    )

    assert response.status_code == 403
    guests[1].refresh_from_db()
    assert guests[1].status == InvitationStatus.PROPOSED


@pytest.mark.parametrize(
    "payload",
    [
        {"invitations": [], "status": "declined"},
        {"invitations": "all", "status": "declined"},
        {"invitations": [0], "status": "declined"},
        {"invitations": [HUGE_ID], "status": "declined"},
        {"invitations": ["x"], "status": "declined"},
        {"status": "declined"},
    ],
)
def test_bad_bulk_input_is_a_400_on_invitations(api_for, planner, event, guests, payload):
    response = api_for(planner).post(
        f"{API}/events/{event.pk}/bulk-status/", payload, format="json"
    )

    assert response.status_code == 400
    assert "invitations" in response.json()


def test_guests_of_another_event_are_refused_in_bulk(api_for, planner, event, past_event, guests):
    elsewhere = services.invitation_add(
        actor=planner, event=past_event, contact=person("Cees", "Claassen")
    )

    response = api_for(planner).post(
        f"{API}/events/{event.pk}/bulk-status/",
        {"invitations": [guests[0].pk, elsewhere.pk], "status": "declined"},
        format="json",
    )

    assert response.status_code == 400
    assert str(elsewhere.pk) in response.json()["invitations"][0]
    assert not Invitation.objects.filter(status="declined").exists()


def test_bulk_status_to_an_unknown_status_is_a_400(api_for, planner, event, guests):
    response = api_for(planner).post(
        f"{API}/events/{event.pk}/bulk-status/",
        {"invitations": [guests[0].pk], "status": "gone"},
        format="json",
    )

    assert response.status_code == 400
    assert "status" in response.json()


def test_add_a_whole_group_to_the_guest_list(
    api_for, planner, event, key_group, key_contact, contact
):
    services.invitation_add(actor=planner, event=event, contact=key_contact)
    cees = person("Cees", "Claassen")
    ContactMembership.objects.create(group=key_group, contact=cees)
    ContactMembership.objects.create(group=key_group, contact=person("Old", archived=True))

    response = api_for(planner).post(
        f"{API}/events/{event.pk}/add-group/",
        {"group": key_group.pk, "status": "proposed"},
        format="json",
    )

    assert response.status_code == 201, response.json()
    [row] = response.json()
    added = Invitation.objects.get(contact=cees)
    assert (row["id"], row["contact"], row["status"]) == (added.pk, cees.pk, "proposed")
    assert added.proposed_by == planner


def test_adding_a_group_twice_adds_nobody(api_for, planner, event, key_group, key_contact):
    client = api_for(planner)
    first = client.post(f"{API}/events/{event.pk}/add-group/", {"group": key_group.pk})
    again = client.post(f"{API}/events/{event.pk}/add-group/", {"group": key_group.pk})

    assert [row["status"] for row in first.json()] == ["invited"]
    assert (again.status_code, again.json()) == (201, [])
    assert Invitation.objects.count() == 1


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"status": "accepted"}, "status"),
        ({"status": "nope"}, "status"),
        ({"group": 999999}, "group"),
        ({"group": None}, "group"),
    ],
)
def test_bad_group_input_is_a_400(api_for, planner, event, key_group, key_contact, payload, field):
    response = api_for(planner).post(
        f"{API}/events/{event.pk}/add-group/", {"group": key_group.pk, **payload}, format="json"
    )

    assert response.status_code == 400
    assert field in response.json()
    assert not Invitation.objects.exists()


def test_networker_cannot_add_a_group(api_for, networker, event, key_group, key_contact):
    response = api_for(networker).post(
        f"{API}/events/{event.pk}/add-group/", {"group": key_group.pk}, format="json"
    )

    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_suggestions_are_key_people_not_on_the_list(
    api_for, networker, planner, event, key_group, key_contact
):
    eva = person("Eva", "Eerens", last_interaction_on=datetime.date(2025, 1, 1))
    ContactMembership.objects.create(group=key_group, contact=eva)
    client = api_for(networker)

    before = client.get(f"{API}/events/{event.pk}/suggestions/")
    services.invitation_add(actor=planner, event=event, contact=key_contact)
    after = client.get(f"{API}/events/{event.pk}/suggestions/")

    assert before.status_code == 200
    assert [row["id"] for row in before.json()] == [key_contact.pk, eva.pk]  # never met first
    assert before.json()[0]["organisation_name"] == "Gemeente Utrecht"
    assert [row["full_name"] for row in after.json()] == ["Eva Eerens"]


# The encounter plan


def test_planner_plans_an_encounter(
    api_for, planner, event, guests, key_contact, our_goal, colleague
):
    response = api_for(planner).post(
        f"{API}/encounters/",
        {
            "event": event.pk,
            "colleague": colleague.pk,
            "contact": key_contact.pk,
            "starts_at": at(10, 16, 30).isoformat(),
            "minutes": 20,
            "stakeholder_goal": our_goal.pk,
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["goal"] == "Get the province behind the pilot"
    assert body["has_goal"] is True
    assert datetime.datetime.fromisoformat(body["ends_at"]) == at(10, 16, 50)
    assert (body["outcome"], body["outcome_recorded_at"], body["interaction"]) == ("", None, None)
    encounter = Encounter.objects.get()
    assert (encounter.colleague, encounter.minutes) == (colleague, 20)


def test_an_encounter_starts_with_the_event_by_default(api_for, planner, event, contact, networker):
    response = api_for(planner).post(
        f"{API}/encounters/",
        {"event": event.pk, "colleague": networker.pk, "contact": contact.pk},
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert Encounter.objects.get().starts_at == event.starts_at


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"starts_at": at(10, 19).isoformat()}, "starts_at"),  # after the event
        ({"starts_at": at(10, 14, 59).isoformat()}, "starts_at"),  # before it
        ({"starts_at": "at three"}, "starts_at"),
        ({"minutes": 4}, "minutes"),
        ({"minutes": 481}, "minutes"),
        ({"minutes": "long"}, "minutes"),
        ({"colleague": 999999}, "colleague"),
        ({"contact": None}, "contact"),
        ({"event": 999999}, "event"),
        ({"goal": "x" * 256}, "goal"),
        ({"stakeholder_goal": 999999}, "stakeholder_goal"),
    ],
)
def test_bad_encounter_input_is_a_400(api_for, planner, event, contact, networker, payload, field):
    data = {"event": event.pk, "colleague": networker.pk, "contact": contact.pk, **payload}

    response = api_for(planner).post(f"{API}/encounters/", data, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not Encounter.objects.exists()


def test_a_goal_of_a_group_the_contact_is_not_in_is_refused(
    api_for, planner, event, contact, networker, our_goal
):
    response = api_for(planner).post(
        f"{API}/encounters/",
        {
            "event": event.pk,
            "colleague": networker.pk,
            "contact": contact.pk,
            "stakeholder_goal": our_goal.pk,
        },
        format="json",
    )

    assert response.status_code == 400
    assert "stakeholder_goal" in response.json()


def test_networker_cannot_plan_an_encounter(api_for, networker, event, contact):
    response = api_for(networker).post(
        f"{API}/encounters/",
        {"event": event.pk, "colleague": networker.pk, "contact": contact.pk},
        format="json",
    )

    assert response.status_code == 403
    assert not Encounter.objects.exists()


def test_the_colleague_writes_their_goal(api_for, networker, planned):
    response = api_for(networker).patch(
        f"{API}/encounters/{planned.pk}/", {"goal": "  Ask about the tender "}, format="json"
    )

    assert response.status_code == 200, response.json()
    assert (response.json()["goal"], response.json()["has_goal"]) == ("Ask about the tender", True)
    planned.refresh_from_db()
    assert planned.goal == "Ask about the tender"


def test_the_colleague_may_put_the_row_back_with_only_the_goal_changed(api_for, networker, planned):
    client = api_for(networker)
    row = client.get(f"{API}/encounters/{planned.pk}/").json()

    response = client.put(
        f"{API}/encounters/{planned.pk}/",
        {
            "colleague": row["colleague"],
            "contact": row["contact"],
            "starts_at": row["starts_at"],
            "minutes": row["minutes"],
            "goal": "Thank her",
            "stakeholder_goal": None,
        },
        format="json",
    )

    assert response.status_code == 200, response.json()
    planned.refresh_from_db()
    assert planned.goal == "Thank her"


@pytest.mark.parametrize(
    "payload",
    [
        {"starts_at": at(10, 16).isoformat()},
        {"minutes": 30},
        {"goal": "Mine", "minutes": 30},
    ],
)
def test_the_colleague_cannot_move_the_encounter(api_for, networker, planned, payload):
    response = api_for(networker).patch(f"{API}/encounters/{planned.pk}/", payload, format="json")

    assert response.status_code == 403
    planned.refresh_from_db()
    assert (planned.starts_at, planned.minutes, planned.goal) == (at(10, 15), 15, "")


def test_another_colleague_cannot_write_the_goal(api_for, colleague, planned):
    response = api_for(colleague).patch(
        f"{API}/encounters/{planned.pk}/", {"goal": "Mine"}, format="json"
    )

    assert response.status_code == 403


def test_planner_moves_an_encounter_within_the_event_only(api_for, planner, planned, colleague):
    client = api_for(planner)

    moved = client.patch(
        f"{API}/encounters/{planned.pk}/",
        {"starts_at": at(10, 17).isoformat(), "colleague": colleague.pk},
        format="json",
    )
    outside = client.patch(
        f"{API}/encounters/{planned.pk}/", {"starts_at": at(10, 18).isoformat()}, format="json"
    )

    assert moved.status_code == 200, moved.json()
    assert outside.status_code == 400
    assert "starts_at" in outside.json()
    planned.refresh_from_db()
    assert (planned.starts_at, planned.colleague) == (at(10, 17), colleague)


def test_planner_deletes_an_encounter(api_for, planner, networker, planned):
    assert api_for(networker).delete(f"{API}/encounters/{planned.pk}/").status_code == 403
    assert api_for(planner).delete(f"{API}/encounters/{planned.pk}/").status_code == 204
    assert not Encounter.objects.exists()


def test_encounter_filters(api_for, outsider, networker, colleague, planner, event, met, planned):
    with_goal = services.encounter_add(
        actor=planner, event=event, colleague=colleague, contact=planned.contact, goal="Thanks"
    )
    services.encounter_record_outcome(actor=networker, encounter=met, outcome="Good")
    client = api_for(outsider)

    def listed(query: str) -> set[int]:
        return set(ids(client.get(f"{API}/encounters/?{query}")))

    assert listed("") == {met.pk, planned.pk, with_goal.pk}
    assert listed(f"event={event.pk}") == {planned.pk, with_goal.pk}
    assert listed(f"colleague={colleague.pk}") == {with_goal.pk}
    assert listed(f"contact={planned.contact_id}") == {met.pk, planned.pk, with_goal.pk}
    assert listed("has_goal=true") == {met.pk, with_goal.pk}
    assert listed("has_goal=false") == {planned.pk}
    assert listed("has_outcome=true") == {met.pk}
    assert listed(f"has_outcome=false&event={event.pk}&has_goal=true") == {with_goal.pk}
    assert client.get(f"{API}/encounters/?colleague=me").status_code == 400


# Outcomes


def test_recording_an_outcome_logs_the_meeting_and_the_next_step(
    api_for, networker, colleague, met, contact
):
    due = timezone.localdate() + datetime.timedelta(days=7)

    response = api_for(networker).post(
        f"{API}/encounters/{met.pk}/record-outcome/",
        {
            "outcome": "She will present our pilot",
            "next_step": {
                "text": "Send the report",
                "due_on": due.isoformat(),
                "assignee": colleague.pk,
            },
        },
        format="json",
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    interaction = Interaction.objects.get()
    assert body["interaction"] == interaction.pk
    assert body["outcome"] == "She will present our pilot"
    assert body["outcome_recorded_at"]
    assert interaction.kind == InteractionKind.EVENT_ENCOUNTER
    assert list(interaction.contacts.all()) == [contact]
    assert list(interaction.our_participants.all()) == [networker]
    followup = FollowUp.objects.get()
    assert (followup.text, followup.due_on, followup.assignee) == (
        "Send the report",
        due,
        colleague,
    )
    assert followup.interaction == interaction
    assert Invitation.objects.get(event=met.event).status == InvitationStatus.ATTENDED


def test_recording_again_corrects_the_outcome(api_for, networker, met):
    client = api_for(networker)
    url = f"{API}/encounters/{met.pk}/record-outcome/"

    first = client.post(url, {"outcome": "Fine"}, format="json")
    second = client.post(url, {"outcome": "Very good"}, format="json")

    assert (first.status_code, second.status_code) == (200, 200)
    assert first.json()["interaction"] == second.json()["interaction"]
    assert "Very good" in Interaction.objects.get().summary
    assert not FollowUp.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"outcome": ""}, "outcome"),
        ({"outcome": "   "}, "outcome"),
        ({}, "outcome"),
        ({"outcome": "Fine", "next_step": {"text": "Call"}}, "next_step"),
        ({"outcome": "Fine", "next_step": {"due_on": "2026-01-01"}}, "next_step"),
        ({"outcome": "Fine", "next_step": "call her"}, "next_step"),
        (
            {
                "outcome": "Fine",
                "next_step": {"text": "x", "due_on": "2026-01-01", "assignee": 999999},
            },
            "next_step",
        ),
    ],
)
def test_bad_outcome_input_saves_nothing(api_for, networker, met, payload, field):
    response = api_for(networker).post(
        f"{API}/encounters/{met.pk}/record-outcome/", payload, format="json"
    )

    assert response.status_code == 400
    assert field in response.json()
    assert not Interaction.objects.exists()
    assert not FollowUp.objects.exists()
    met.refresh_from_db()
    assert met.outcome_recorded_at is None


def test_an_outcome_waits_for_the_event(api_for, networker, planned):
    response = api_for(networker).post(
        f"{API}/encounters/{planned.pk}/record-outcome/", {"outcome": "Fine"}, format="json"
    )

    assert response.status_code == 400
    assert "not begun" in response.json()["outcome"][0]
    assert not Interaction.objects.exists()


def test_only_who_met_them_records_the_outcome(api_for, colleague, planner, manager, met):
    url = f"{API}/encounters/{met.pk}/record-outcome/"

    assert api_for(colleague).post(url, {"outcome": "Fine"}, format="json").status_code == 403
    assert api_for(planner).post(url, {"outcome": "Fine"}, format="json").status_code == 403
    assert not Interaction.objects.exists()
    assert api_for(manager).post(url, {"outcome": "Fine"}, format="json").status_code == 200


# Briefings


def test_briefing_tells_whom_the_colleague_meets(
    api_for, manager, networker, planner, past_event, key_group, key_contact, contact
):
    services.encounter_add(
        actor=planner, event=past_event, colleague=networker, contact=key_contact, goal="Pilot"
    )
    relation_services.interaction_log(
        author=networker,
        contacts=[key_contact],
        occurred_on=timezone.localdate() - datetime.timedelta(days=30),
        summary="Coffee",
        next_step=relation_services.NextStep("Send the slides", timezone.localdate()),
    )

    response = api_for(manager).get(f"{API}/events/{past_event.pk}/briefing/{networker.pk}/")

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["event"], body["colleague"], body["colleague_name"]) == (
        past_event.pk,
        networker.pk,
        "Nina",
    )
    [item] = body["items"]
    assert item["encounter"]["goal"] == "Pilot"
    assert item["contact"]["full_name"] == "Bram Bakker"
    assert [(g["group_name"], g["via_organisation"]) for g in item["groups"]] == [
        ("Provincie", None)
    ]
    assert [i["summary"] for i in item["interactions"]] == ["Coffee"]
    assert [f["text"] for f in item["followups"]] == ["Send the slides"]


def test_briefing_shows_only_what_the_viewer_may_read(
    api_for, outsider, networker, planner, past_event, key_contact, teams
):
    services.encounter_add(
        actor=planner, event=past_event, colleague=networker, contact=key_contact
    )
    relation_services.interaction_log(
        author=networker, contacts=[key_contact], summary="Secret", confidential=True
    )

    body = api_for(outsider).get(f"{API}/events/{past_event.pk}/briefing/{networker.pk}/").json()

    assert [item["interactions"] for item in body["items"]] == [[]]


def test_briefing_of_a_colleague_who_meets_nobody_there_is_404(
    api_for, networker, outsider, met, event
):
    client = api_for(networker)

    assert client.get(f"{API}/events/{met.event_id}/briefing/{networker.pk}/").status_code == 200
    assert client.get(f"{API}/events/{met.event_id}/briefing/{outsider.pk}/").status_code == 404
    assert client.get(f"{API}/events/{event.pk}/briefing/{networker.pk}/").status_code == 404
    assert client.get(f"{API}/events/{met.event_id}/briefing/999999/").status_code == 404
    assert client.get(f"{API}/events/{met.event_id}/briefing/abc/").status_code == 404
    assert client.get(f"{API}/events/{met.event_id}/briefing/{HUGE_ID}/").status_code == 404


# The calendar feed


def _feed_path(url: str) -> str:
    assert url.startswith("http://testserver/")
    return url.removeprefix("http://testserver")


def test_calendar_feed_is_made_replaced_and_revoked(api_for, networker):
    client = api_for(networker)
    url = f"{API}/me/calendar-feed/"

    assert client.get(url).json() == {"url": None, "created_at": None}
    made = client.post(url)
    assert made.status_code == 201
    first = made.json()["url"]
    token = CalendarFeed.objects.get(user=networker).token
    assert first == f"http://testserver{reverse('events:feed', args=[token])}"
    assert client.get(url).json()["url"] == first
    assert Client().get(_feed_path(first)).status_code == 200

    second = client.post(url).json()["url"]
    assert second != first
    assert Client().get(_feed_path(first)).status_code == 404
    assert Client().get(_feed_path(second)).status_code == 200

    assert client.delete(url).status_code == 204
    assert client.get(url).json()["url"] is None
    assert Client().get(_feed_path(second)).status_code == 404
    assert client.delete(url).status_code == 204  # nothing left to revoke


def test_a_feed_is_personal(api_for, networker, colleague):
    services.feed_token_regenerate(user=colleague)

    assert api_for(networker).get(f"{API}/me/calendar-feed/").json()["url"] is None
    api_for(networker).delete(f"{API}/me/calendar-feed/")
    assert CalendarFeed.objects.filter(user=colleague).exists()


# Speed: lists run a fixed number of queries


def _queries_for(client, url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), len(response.json()["results"])


def _grow(planner, colleagues, count: int, start: int) -> None:
    group = StakeholderGroup.objects.get_or_create(name="Key", influence=5, interest=5)[0]
    for number in range(start, start + count):
        event = services.event_create(
            actor=planner,
            name=f"Event {number}",
            starts_at=at(number + 1, 9),
            ends_at=at(number + 1, 17),
            capacity=1,
        )
        for index, colleague in enumerate(colleagues):
            guest = person("Guest", f"{number}-{index}")
            ContactMembership.objects.create(group=group, contact=guest)
            services.invitation_add(actor=planner, event=event, contact=guest, host=colleague)
            services.encounter_add(
                actor=planner,
                event=event,
                colleague=colleague,
                contact=guest,
                goal="Goal" if index else "",
            )


# Pinned: session and user (2), the page count and the page (2).
LIST_QUERIES = 4


@pytest.mark.parametrize(
    "path",
    [
        "events/",
        "events/?mine=true&kind=own&ordering=-guest_count",
        "invitations/",
        "invitations/?status=invited",
        "encounters/",
    ],
)
def test_list_query_count_does_not_grow_with_rows(api_for, planner, networker, colleague, path):
    client = api_for(planner)
    _grow(planner, [networker, colleague], 2, start=0)
    small, small_rows = _queries_for(client, f"{API}/{path}")
    _grow(planner, [networker, colleague], 12, start=2)
    large, large_rows = _queries_for(client, f"{API}/{path}")

    assert large_rows > small_rows > 0
    assert small == large == LIST_QUERIES


def test_event_detail_query_count_does_not_grow_with_the_plan(
    api_for, planner, networker, colleague
):
    client = api_for(planner)
    _grow(planner, [networker], 1, start=0)
    event = Event.objects.get()
    small, _ = _detail_queries(client, f"{API}/events/{event.pk}/")
    group = StakeholderGroup.objects.get()
    for number in range(10):
        guest = person("Extra", str(number))
        ContactMembership.objects.create(group=group, contact=guest)
        services.invitation_add(actor=planner, event=event, contact=guest)
        services.encounter_add(actor=planner, event=event, colleague=colleague, contact=guest)
    large, body = _detail_queries(client, f"{API}/events/{event.pk}/")

    assert body["encounter_count"] == 11
    assert small == large


def test_briefing_query_count_does_not_grow_with_encounters(
    api_for, manager, networker, planner, past_event, key_group, key_contact
):
    client = api_for(manager)
    url = f"{API}/events/{past_event.pk}/briefing/{networker.pk}/"

    def add(contact: Contact) -> None:
        services.encounter_add(
            actor=planner, event=past_event, colleague=networker, contact=contact
        )
        relation_services.interaction_log(
            author=networker,
            contacts=[contact],
            next_step=relation_services.NextStep("Call", timezone.localdate()),
        )

    add(key_contact)
    few, body = _detail_queries(client, url)
    for number in range(5):
        guest = person("Gast", str(number))
        ContactMembership.objects.create(group=key_group, contact=guest)
        add(guest)
    many, body = _detail_queries(client, url)

    assert len(body["items"]) == 6
    assert all(item["interactions"] and item["followups"] for item in body["items"])
    assert few == many


def _detail_queries(client, url: str) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.json()


# The contract: schema and responses


@pytest.fixture
def spec(db) -> dict:
    response = APIClient().get("/api/schema/?format=json")
    assert response.status_code == 200
    return json.loads(response.content)


@pytest.fixture
def openapi(spec) -> OpenAPI:
    return OpenAPI.from_dict(spec)


def test_schema_documents_the_events_endpoints_and_filters(spec):
    paths = spec["paths"]

    def params(path: str) -> set[str]:
        return {p["name"] for p in paths[path]["get"].get("parameters", [])}

    for path in ["/api/v1/events/{id}/", "/api/v1/invitations/{id}/", "/api/v1/encounters/{id}/"]:
        assert {"400", "403", "404"} <= set(paths[path]["patch"]["responses"]), path
    assert {"kind", "team", "mine", "starts_after", "starts_before", "q", "ordering", "page"} <= (
        params("/api/v1/events/")
    )
    assert {"event", "status", "contact", "proposed_by", "host"} <= params("/api/v1/invitations/")
    assert {"event", "colleague", "contact", "has_goal", "has_outcome"} <= params(
        "/api/v1/encounters/"
    )
    for path in [
        "/api/v1/events/{id}/suggestions/",
        "/api/v1/events/{id}/add-group/",
        "/api/v1/events/{id}/bulk-status/",
        "/api/v1/events/{id}/briefing/{user_id}/",
        "/api/v1/encounters/{id}/record-outcome/",
    ]:
        assert path in paths
    assert set(paths["/api/v1/me/calendar-feed/"]) == {"get", "post", "delete"}
    schemas = spec["components"]["schemas"]
    assert {"EventKindEnum", "InvitationStatusEnum", "GoalStatusEnum", "GoalKindEnum"} <= set(
        schemas
    )


def test_event_responses_match_schema(openapi, planner, event, guests, planned, key_group):
    api = Contract(openapi, planner)

    listed = api.call("get", "/api/v1/events/", query={"kind": "own", "page_size": 5})
    assert listed.json()["count"] == 1
    api.call("get", "/api/v1/events/", query={"starts_after": timezone.localdate().isoformat()})
    api.call("get", f"/api/v1/events/{event.pk}/")
    created = api.call("post", "/api/v1/events/", event_payload(capacity=None))
    assert created.status_code == 201
    api.call("patch", f"/api/v1/events/{created.json()['id']}/", {"location": "Arnhem"})
    api.call("get", f"/api/v1/events/{event.pk}/suggestions/")
    added = api.call("post", f"/api/v1/events/{event.pk}/add-group/", {"group": key_group.pk})
    assert added.status_code == 201
    moved = api.call(
        "post",
        f"/api/v1/events/{event.pk}/bulk-status/",
        {"invitations": [guests[1].pk], "status": "invited"},
    )
    assert moved.json()["changed"] == 1
    api.call("get", f"/api/v1/events/{event.pk}/briefing/{planned.colleague_id}/")
    assert api.call("delete", f"/api/v1/events/{created.json()['id']}/").status_code == 204


def test_guest_list_and_plan_responses_match_schema(
    openapi, manager, networker, past_event, contact, met, key_contact
):
    api = Contract(openapi, manager)

    api.call("get", "/api/v1/invitations/", query={"event": past_event.pk})
    guest = api.call(
        "post",
        "/api/v1/invitations/",
        {"event": past_event.pk, "contact": key_contact.pk, "host": networker.pk},
    )
    assert guest.status_code == 201
    api.call("patch", f"/api/v1/invitations/{guest.json()['id']}/", {"status": "attended"})
    api.call("get", "/api/v1/encounters/", query={"has_goal": "true"})
    row = api.call(
        "post",
        "/api/v1/encounters/",
        {"event": past_event.pk, "colleague": networker.pk, "contact": key_contact.pk},
    )
    assert row.status_code == 201
    api.call("patch", f"/api/v1/encounters/{row.json()['id']}/", {"goal": "Listen"})
    outcome = api.call(
        "post",
        f"/api/v1/encounters/{met.pk}/record-outcome/",
        {"outcome": "Fine", "next_step": {"text": "Call", "due_on": "2031-01-01"}},
    )
    assert outcome.json()["interaction"]
    api.call("get", f"/api/v1/encounters/{met.pk}/")


def test_calendar_feed_responses_match_schema(openapi, networker):
    api = Contract(openapi, networker)

    assert api.call("get", "/api/v1/me/calendar-feed/").json()["url"] is None
    assert api.call("post", "/api/v1/me/calendar-feed/").status_code == 201
    assert api.call("get", "/api/v1/me/calendar-feed/").json()["url"]
    assert api.call("delete", "/api/v1/me/calendar-feed/").status_code == 204


def test_error_responses_match_schema(openapi, networker, event, guests, planned):
    api = Contract(openapi, networker)

    forbidden = api.call("patch", f"/api/v1/encounters/{planned.pk}/", {"minutes": 30})
    missing = api.call("get", "/api/v1/events/999999/")
    bad_filter = api.call("get", "/api/v1/events/", query={"kind": "party"})
    stranger = api.call("get", f"/api/v1/events/{event.pk}/briefing/{guests[0].proposed_by_id}/")
    assert (forbidden.status_code, missing.status_code, bad_filter.status_code) == (403, 404, 400)
    assert stranger.status_code == 404

    planner_api = Contract(openapi, make_user("pia", "event_planner"))
    twice = planner_api.call(
        "post", "/api/v1/invitations/", {"event": event.pk, "contact": guests[0].contact_id}
    )
    assert twice.status_code == 400
    assert "contact" in twice.json()
    stuck = planner_api.call(
        "post",
        f"/api/v1/events/{event.pk}/bulk-status/",
        {"invitations": [guests[1].pk], "status": "attended"},
    )
    assert stuck.status_code == 400
