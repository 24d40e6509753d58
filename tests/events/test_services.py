"""The rules of the event calendar, through the services and selectors both doors use."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events import selectors, services
from events.models import Encounter, InvitationStatus
from relations.models import Contact, InteractionKind
from relations.permissions import NotAllowed
from relations.services import NextStep, ServiceError
from stakeholders.models import StakeholderGroup
from tests.events.conftest import at


def test_an_event_ends_after_it_starts(planner):
    with pytest.raises(ServiceError) as error:
        services.event_create(actor=planner, name="Borrel", starts_at=at(5, 18), ends_at=at(5, 17))
    assert error.value.field == "ends_at"


def test_only_planners_and_managers_add_events(networker, manager):
    with pytest.raises(NotAllowed):
        services.event_create(actor=networker, name="Borrel", starts_at=at(5), ends_at=at(5, 18))
    event = services.event_create(actor=manager, name="Borrel", starts_at=at(5), ends_at=at(5, 18))
    assert event.organiser == manager


def test_the_organisers_team_lead_changes_the_event(event, lead, team_alpha, networker, outsider):
    team_alpha.members.add(event.organiser)
    services.event_update(actor=lead, event=event, location="Tivoli")
    with pytest.raises(NotAllowed):
        services.event_update(actor=outsider, event=event, location="Elders")


def test_a_networker_proposes_and_a_planner_decides(event, contact, networker, planner):
    proposal = services.invitation_add(actor=networker, event=event, contact=contact)
    assert proposal.status == InvitationStatus.PROPOSED
    assert proposal.proposed_by == networker
    with pytest.raises(NotAllowed):
        services.invitation_update(
            actor=networker, invitation=proposal, status=InvitationStatus.INVITED
        )
    services.invitation_update(actor=planner, invitation=proposal, status=InvitationStatus.INVITED)
    assert proposal.status == InvitationStatus.INVITED


def test_the_same_guest_twice_is_refused(event, contact, planner):
    services.invitation_add(actor=planner, event=event, contact=contact)
    with pytest.raises(ServiceError, match="already on the guest list"):
        services.invitation_add(actor=planner, event=event, contact=contact)


def test_attended_before_the_event_begins_is_refused(event, contact, planner):
    invitation = services.invitation_add(actor=planner, event=event, contact=contact)
    with pytest.raises(ServiceError, match="before the event has begun"):
        services.invitation_update(
            actor=planner, invitation=invitation, status=InvitationStatus.ATTENDED
        )
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.INVITED


def test_a_bulk_status_change_is_all_or_nothing(past_event, contact, key_contact, planner):
    ok = services.invitation_add(actor=planner, event=past_event, contact=contact)
    stuck = services.invitation_add(
        actor=planner, event=past_event, contact=key_contact, status=InvitationStatus.PROPOSED
    )
    with pytest.raises(ServiceError, match="Bram Bakker cannot go from Proposed to Attended"):
        services.invitations_set_status(
            actor=planner,
            event=past_event,
            invitation_ids=[ok.pk, stuck.pk],
            status=InvitationStatus.ATTENDED,
        )
    ok.refresh_from_db()
    assert ok.status == InvitationStatus.INVITED
    changed = services.invitations_set_status(
        actor=planner, event=past_event, invitation_ids=[ok.pk], status=InvitationStatus.ATTENDED
    )
    assert changed == 1


def test_a_whole_group_joins_the_guest_list_once(event, key_group, key_contact, contact, planner):
    services.invitation_add(actor=planner, event=event, contact=key_contact)
    other = Contact.objects.create(first_name="Cees", last_name="Claassen")
    key_group.contact_memberships.create(contact=other)
    added = services.invitations_add_group(actor=planner, event=event, group=key_group)
    assert [invitation.contact for invitation in added] == [other]


def test_an_encounter_falls_within_the_event(event, contact, networker, planner):
    with pytest.raises(ServiceError) as error:
        services.encounter_add(
            actor=planner, event=event, colleague=networker, contact=contact, starts_at=at(10, 19)
        )
    assert error.value.field == "starts_at"


def test_a_stakeholder_goal_must_belong_to_the_contacts_group(
    event, contact, key_contact, our_goal, networker, planner
):
    with pytest.raises(ServiceError) as error:
        services.encounter_add(
            actor=planner,
            event=event,
            colleague=networker,
            contact=contact,
            stakeholder_goal=our_goal,
        )
    assert error.value.field == "stakeholder_goal"
    encounter = services.encounter_add(
        actor=planner,
        event=event,
        colleague=networker,
        contact=key_contact,
        stakeholder_goal=our_goal,
    )
    assert encounter.goal == "Get the province behind the pilot"


def test_the_colleague_writes_the_goal_but_not_the_time(event, contact, networker, planner):
    encounter = services.encounter_add(
        actor=planner, event=event, colleague=networker, contact=contact
    )
    services.encounter_update(actor=networker, encounter=encounter, goal="Ask about the tender")
    with pytest.raises(NotAllowed):
        services.encounter_update(actor=networker, encounter=encounter, starts_at=at(10, 16))
    encounter.refresh_from_db()
    assert encounter.goal == "Ask about the tender"
    assert encounter.starts_at == event.starts_at


def test_the_plan_warns_of_double_bookings_missing_goals_and_unmet_key_guests(
    event, contact, key_contact, networker, planner
):
    services.invitation_add(actor=planner, event=event, contact=contact)
    services.invitation_add(actor=planner, event=event, contact=key_contact)
    first = services.encounter_add(
        actor=planner, event=event, colleague=networker, contact=contact, goal="Thank her"
    )
    second = services.encounter_add(
        actor=planner,
        event=event,
        colleague=networker,
        contact=contact,
        starts_at=event.starts_at + datetime.timedelta(minutes=10),
    )
    detail = selectors.event_detail_for(user=planner, event=event)
    codes = {(w.code, tuple(w.encounter_ids), w.contact_id) for w in detail.warnings}
    assert codes == {
        ("double_booked", (first.pk, second.pk), None),
        ("no_goal", (second.pk,), contact.pk),
        ("key_contact_unmet", (), key_contact.pk),
    }
    assert detail.expected_guests == 2
    assert not detail.over_capacity


def test_suggestions_are_key_people_not_invited_longest_unmet_first(
    event, key_group, key_contact, planner
):
    met_lately = Contact.objects.create(
        first_name="Dirk", last_name="Dekker", last_interaction_on=datetime.date(2026, 11, 1)
    )
    met_long_ago = Contact.objects.create(
        first_name="Eva", last_name="Eerens", last_interaction_on=datetime.date(2025, 1, 1)
    )
    low = StakeholderGroup.objects.create(name="Buurt", influence=1, interest=1)
    low.contact_memberships.create(contact=Contact.objects.create(first_name="Frits"))
    for person in (met_lately, met_long_ago):
        key_group.contact_memberships.create(contact=person)
    services.invitation_add(actor=planner, event=event, contact=met_lately)
    suggested = list(selectors.guest_suggestions(user=planner, event=event))
    assert suggested == [key_contact, met_long_ago]


def test_recording_an_outcome_logs_the_meeting_and_marks_the_guest(
    past_event, contact, networker, planner
):
    invitation = services.invitation_add(actor=planner, event=past_event, contact=contact)
    encounter = services.encounter_add(
        actor=planner, event=past_event, colleague=networker, contact=contact, goal="Pilot"
    )
    services.encounter_record_outcome(
        actor=networker,
        encounter=encounter,
        outcome="She will present our pilot to the council",
        next_step=NextStep("Send the pilot report", datetime.date(2026, 12, 4)),
    )
    encounter.refresh_from_db()
    interaction = encounter.interaction
    assert interaction.kind == InteractionKind.EVENT_ENCOUNTER
    assert list(interaction.contacts.all()) == [contact]
    assert list(interaction.our_participants.all()) == [networker]
    assert "Smart City Congres" in interaction.summary
    assert interaction.followups.get().text == "Send the pilot report"
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.ATTENDED
    contact.refresh_from_db()
    assert contact.last_interaction_on == interaction.occurred_on


def test_an_outcome_waits_for_the_event_and_its_colleague(
    event, past_event, contact, networker, colleague, planner
):
    coming = services.encounter_add(
        actor=planner, event=event, colleague=networker, contact=contact
    )
    with pytest.raises(ServiceError, match="not begun"):
        services.encounter_record_outcome(actor=networker, encounter=coming, outcome="Fine")
    done = services.encounter_add(
        actor=planner, event=past_event, colleague=networker, contact=contact
    )
    with pytest.raises(NotAllowed):
        services.encounter_record_outcome(actor=colleague, encounter=done, outcome="Fine")
    assert not Encounter.objects.filter(interaction__isnull=False).exists()


def test_the_briefing_costs_the_same_for_one_or_many_encounters(
    past_event, key_group, key_contact, networker, planner, manager
):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            briefing = selectors.briefing_for(viewer=manager, event=past_event, colleague=networker)
        return len(captured), briefing

    services.encounter_add(
        actor=planner, event=past_event, colleague=networker, contact=key_contact
    )
    queries()  # the viewer's roles are read once and kept
    few, briefing = queries()
    assert [item.encounter.contact for item in briefing.items] == [key_contact]
    assert [m.group for m in briefing.items[0].groups] == [key_group]
    for n in range(5):
        person = Contact.objects.create(first_name=f"Gast{n}")
        key_group.contact_memberships.create(contact=person)
        services.encounter_add(actor=planner, event=past_event, colleague=networker, contact=person)
    many, briefing = queries()
    assert len(briefing.items) == 6
    assert few == many


def test_a_revoked_feed_token_is_gone(networker):
    from django.http import Http404

    feed = services.feed_token_regenerate(user=networker)
    assert selectors.feed_get(token=feed.token).user == networker
    services.feed_token_revoke(user=networker)
    for token in (feed.token, "", "x" * 200, "../etc"):
        with pytest.raises(Http404):
            selectors.feed_get(token=token)


def test_a_long_encounter_clashes_with_every_row_it_overlaps(event, contact, networker, planner):
    def plan(minutes_after_start: int, minutes: int) -> Encounter:
        return services.encounter_add(
            actor=planner,
            event=event,
            colleague=networker,
            contact=contact,
            starts_at=event.starts_at + datetime.timedelta(minutes=minutes_after_start),
            minutes=minutes,
            goal="Talk",
        )

    long_talk, short_one, later_one, free_one = plan(0, 60), plan(10, 5), plan(30, 15), plan(60, 15)
    detail = selectors.event_detail_for(user=planner, event=event)
    clashes = [w.encounter_ids for w in detail.warnings if w.code == "double_booked"]
    assert clashes == [[long_talk.pk, short_one.pk], [long_talk.pk, later_one.pk]]
    assert free_one.pk not in {pk for pair in clashes for pk in pair}


def test_an_encounter_ends_within_the_event(event, contact, networker, planner):
    with pytest.raises(ServiceError) as error:
        services.encounter_add(
            actor=planner,
            event=event,
            colleague=networker,
            contact=contact,
            starts_at=event.ends_at - datetime.timedelta(minutes=10),
            minutes=30,
        )
    assert error.value.field == "starts_at"


def test_a_briefing_names_each_group_once(past_event, key_group, key_contact, networker, planner):
    from stakeholders.models import OrganisationMembership

    OrganisationMembership.objects.create(group=key_group, organisation=key_contact.organisation)
    services.encounter_add(
        actor=planner, event=past_event, colleague=networker, contact=key_contact
    )
    briefing = selectors.briefing_for(viewer=planner, event=past_event, colleague=networker)
    assert [membership.group for membership in briefing.items[0].groups] == [key_group]
