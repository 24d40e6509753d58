"""The pages of the event calendar: what a networker, a planner and a stranger see and do."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from events import services
from events.models import Encounter, Event, EventKind, Invitation, InvitationStatus
from relations.models import Contact, Interaction, InteractionKind
from stakeholders.models import ContactMembership
from tests.events.conftest import at

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def html(response) -> str:
    return response.content.decode()


def url(name, *args) -> str:
    return reverse(f"events:{name}", args=args)


def local(moment: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(moment)


def field_time(moment: datetime.datetime) -> str:
    """A datetime as a datetime-local input sends it."""
    return local(moment).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def guest(event, contact, planner) -> Invitation:
    return services.invitation_add(actor=planner, event=event, contact=contact)


@pytest.fixture
def planned(event, contact, colleague, planner, guest) -> Encounter:
    """Carl meets Anna at the reception, without a goal yet."""
    return services.encounter_add(actor=planner, event=event, colleague=colleague, contact=contact)


@pytest.fixture
def met(past_event, contact, networker, planner) -> Encounter:
    """Nina met Anna at the congress three days ago."""
    services.invitation_add(actor=planner, event=past_event, contact=contact)
    return services.encounter_add(
        actor=planner, event=past_event, colleague=networker, contact=contact, goal="Pilot"
    )


# Login, 404, nav


@pytest.mark.parametrize(
    "name, needs_event",
    [
        ("calendar", False),
        ("event_list", False),
        ("event_create", False),
        ("event_detail", True),
        ("event_edit", True),
        ("briefing_index", True),
        ("guests_csv", True),
    ],
)
def test_anonymous_visitor_is_sent_to_the_login_page(client, event, name, needs_event):
    target = url(name, event.pk) if needs_event else url(name)
    response = client.get(target)
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={target}"


def test_year_and_month_pages_need_a_login(client):
    for target in (url("year", 2026), url("month", 2026, 5)):
        response = client.get(target)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    "name", ["event_detail", "event_edit", "event_delete", "briefing_index", "guests_csv"]
)
def test_an_unknown_event_is_a_404(client_for, planner, name):
    assert client_for(planner).get(url(name, 987654)).status_code == 404


def test_a_month_or_year_out_of_range_is_a_404(client_for, networker):
    client = client_for(networker)
    assert client.get(url("month", 2026, 13)).status_code == 404
    assert client.get(url("month", 2026, 0)).status_code == 404
    assert client.get(url("year", 99999)).status_code == 404


def test_the_nav_links_to_the_events(client_for, networker):
    page = html(client_for(networker).get(reverse("relations:my_network")))
    assert f'href="{url("calendar")}"' in page


# The year


def test_year_page_shows_each_event_with_its_counts_and_a_goal_marker(
    client_for, networker, event, planned
):
    year = local(event.starts_at).year
    response = client_for(networker).get(url("year", year))
    assert response.status_code == 200
    page = html(response)
    assert "Nieuwjaarsreceptie" in page
    assert "1 guest" in page
    assert "1 encounter" in page
    assert "1 without goal" in page
    assert "No events this month" in page  # eleven other months
    assert f'href="{url("year", year - 1)}' in page
    assert f'href="{url("year", year + 1)}' in page
    assert "New event" not in page


def test_this_years_page_is_the_calendar(client_for, planner):
    page = html(client_for(planner).get(url("calendar")))
    assert f"Events {timezone.localdate().year}" in page
    assert "New event" in page


def test_year_filters_kind_and_only_mine_and_keeps_them_in_links(
    client_for, networker, colleague, event, past_event, planned
):
    year = local(event.starts_at).year
    client = client_for(colleague)
    page = html(client.get(url("year", year), {"kind": EventKind.EXTERNAL}))
    assert "Nieuwjaarsreceptie" not in page
    assert f"{url('year', year + 1)}?kind=external" in page
    mine = html(client.get(url("year", year), {"mine": "1"}))
    assert "Nieuwjaarsreceptie" in mine  # Carl meets Anna there
    assert "?mine=1" in mine
    others = html(client_for(networker).get(url("year", year), {"mine": "1"}))
    assert "Nieuwjaarsreceptie" not in others


def test_year_filters_by_team(client_for, networker, colleague, team_alpha, team_beta, planned):
    year = local(planned.event.starts_at).year
    client = client_for(networker)
    alpha = html(client.get(url("year", year), {"team": team_alpha.pk}))
    beta = html(client.get(url("year", year), {"team": team_beta.pk}))
    assert "Nieuwjaarsreceptie" in alpha
    assert "Nieuwjaarsreceptie" not in beta


# The month


def test_month_grid_shows_the_event_on_its_day(client_for, networker, event, planned):
    start = local(event.starts_at)
    response = client_for(networker).get(url("month", start.year, start.month))
    assert response.status_code == 200
    page = html(response)
    assert "Nieuwjaarsreceptie" in page
    assert start.strftime("%H:%M") in page
    assert "1 without goal" in page
    assert "No events this month" not in page
    first = start.date().replace(day=1)
    before = (first - datetime.timedelta(days=1)).replace(day=1)
    assert f'href="{url("month", before.year, before.month)}' in page


def test_an_empty_month_says_so(client_for, networker):
    page = html(client_for(networker).get(url("month", 2031, 2)))
    assert "No events this month" in page
    assert "February 2031" in page


# The list


def test_list_shows_upcoming_events_by_default_and_past_ones_on_request(
    client_for, networker, event, past_event
):
    client = client_for(networker)
    upcoming = html(client.get(url("event_list")))
    assert "Nieuwjaarsreceptie" in upcoming
    assert "Smart City Congres" not in upcoming
    past = html(client.get(url("event_list"), {"when": "past"}))
    assert "Smart City Congres" in past
    assert "Nieuwjaarsreceptie" not in past


def test_list_searches_and_filters(client_for, networker, event, past_event):
    client = client_for(networker)
    found = html(client.get(url("event_list"), {"q": "stadhuis"}))
    assert "Nieuwjaarsreceptie" in found
    nothing = html(client.get(url("event_list"), {"kind": EventKind.NETWORK_MEETING}))
    assert "No events match these filters." in nothing


def test_list_pages_by_25(client_for, networker, planner):
    Event.objects.bulk_create(
        [
            Event(name=f"Borrel {n:02}", starts_at=at(2 + n), ends_at=at(2 + n, 18))
            for n in range(30)
        ]
    )
    client = client_for(networker)
    first = html(client.get(url("event_list")))
    assert "Borrel 24" in first
    assert "Borrel 25" not in first
    assert "Page 1 of 2" in first
    second = html(client.get(url("event_list"), {"page": 2}))
    assert "Borrel 25" in second


def test_list_answers_htmx_with_the_table_only(client_for, networker, event):
    response = client_for(networker).get(url("event_list"), {"q": "nieuw"}, **HTMX)
    page = html(response)
    assert "Nieuwjaarsreceptie" in page
    assert "<html" not in page


# Create, edit, delete


def test_a_planner_adds_an_event(client_for, planner):
    response = client_for(planner).post(
        url("event_create"),
        {
            "name": "Voorjaarsborrel",
            "kind": EventKind.OWN,
            "starts_at": field_time(at(30, 17)),
            "ends_at": field_time(at(30, 19)),
            "location": "Tivoli",
            "organiser": planner.pk,
            "capacity": "80",
        },
    )
    event = Event.objects.get(name="Voorjaarsborrel")
    assert response.status_code == 302
    assert response.url == event.get_absolute_url()
    assert event.starts_at == at(30, 17)
    assert event.capacity == 80


def test_the_event_form_uses_datetime_inputs(client_for, planner):
    page = html(client_for(planner).get(url("event_create")))
    assert page.count('type="datetime-local"') == 2


def test_an_end_before_the_start_is_a_form_error(client_for, planner):
    response = client_for(planner).post(
        url("event_create"),
        {
            "name": "Borrel",
            "kind": EventKind.OWN,
            "starts_at": field_time(at(30, 19)),
            "ends_at": field_time(at(30, 17)),
        },
    )
    assert response.status_code == 200
    assert "The end must be after the start." in html(response)
    assert not Event.objects.filter(name="Borrel").exists()


def test_a_networker_may_not_add_change_or_delete_events(client_for, networker, event):
    client = client_for(networker)
    assert client.get(url("event_create")).status_code == 403
    data = {
        "name": "Mine",
        "kind": EventKind.OWN,
        "starts_at": field_time(at(30, 17)),
        "ends_at": field_time(at(30, 19)),
    }
    assert client.post(url("event_create"), data).status_code == 403
    assert client.get(url("event_edit", event.pk)).status_code == 403
    assert client.post(url("event_edit", event.pk), data).status_code == 403
    assert client.post(url("event_delete", event.pk)).status_code == 403
    assert list(Event.objects.values_list("name", flat=True)) == ["Nieuwjaarsreceptie"]


def test_the_event_page_offers_edit_to_planners_only(client_for, networker, planner, event):
    assert "Edit event" not in html(client_for(networker).get(url("event_detail", event.pk)))
    assert "Edit event" in html(client_for(planner).get(url("event_detail", event.pk)))


def test_a_planner_edits_an_event(client_for, planner, event):
    response = client_for(planner).post(
        url("event_edit", event.pk),
        {
            "name": "Nieuwjaarsreceptie 2",
            "kind": EventKind.OWN,
            "starts_at": field_time(event.starts_at),
            "ends_at": field_time(event.ends_at),
            "location": "Tivoli",
            "organiser": planner.pk,
        },
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.name, event.location, event.capacity) == ("Nieuwjaarsreceptie 2", "Tivoli", None)


def test_moving_an_event_away_from_its_encounters_is_refused(client_for, planner, event, planned):
    response = client_for(planner).post(
        url("event_edit", event.pk),
        {
            "name": event.name,
            "kind": event.kind,
            "starts_at": field_time(at(20, 15)),
            "ends_at": field_time(at(20, 18)),
        },
    )
    assert response.status_code == 200
    assert "would fall outside the new time" in html(response)
    event.refresh_from_db()
    assert event.starts_at == at(10, 15)


def test_a_planner_deletes_an_event_after_confirming(client_for, planner, event, planned):
    client = client_for(planner)
    confirm = html(client.get(url("event_delete", event.pk)))
    assert "1 encounter" in confirm
    response = client.post(url("event_delete", event.pk))
    assert response.status_code == 302
    assert not Event.objects.exists()


# The event page


def test_the_event_page_shows_header_guests_plan_and_warnings(
    client_for, networker, event, planned, key_contact, planner
):
    services.invitation_add(actor=planner, event=event, contact=key_contact)
    response = client_for(networker).get(url("event_detail", event.pk))
    assert response.status_code == 200
    page = html(response)
    assert "Nieuwjaarsreceptie" in page
    assert "Stadhuis Utrecht" in page
    assert "2 of 2" in page  # two invited, capacity two
    for header in ("Who of us", "Meets whom", "When", "Goal"):
        assert f'<th scope="col">{header}</th>' in page
    assert "Anna de Vries" in page
    assert "Gemeente Utrecht" in page
    assert "Carl meets Anna de Vries without a goal." in page
    assert "Bram Bakker is a key contact (manage closely) and nobody of us meets them." in page
    assert "No goal yet" in page
    assert "encounter-row--nogoal" in page
    # A networker reads, proposes, and changes nothing else.
    assert "Propose a guest" in page
    assert 'form="guest-bulk"' not in page
    assert 'id="encounter-new"' not in page


def test_the_event_page_warns_over_capacity(client_for, networker, event, planner, guest):
    for name in ("Bea", "Cor"):
        services.invitation_add(
            actor=planner, event=event, contact=Contact.objects.create(first_name=name)
        )
    page = html(client_for(networker).get(url("event_detail", event.pk)))
    assert "3 of 2" in page
    assert "Over capacity: 3 guests expected for 2 places." in page


def test_an_empty_event_says_what_to_do(client_for, planner, event):
    page = html(client_for(planner).get(url("event_detail", event.pk)))
    assert "No guests yet — add them or take suggestions" in page
    assert "No encounters planned yet" in page
    assert 'id="encounter-new"' in page
    assert 'type="datetime-local"' in page


def test_the_event_page_counts_guests_per_status(client_for, planner, event, guest, networker):
    services.invitation_add(
        actor=networker, event=event, contact=Contact.objects.create(first_name="Bea")
    )
    page = html(client_for(planner).get(url("event_detail", event.pk)))
    assert 'badge--status-invited">Invited</span> <span class="status-counts__n">1</span>' in page
    assert 'badge--status-proposed">Proposed</span> <span class="status-counts__n">1</span>' in page


# The guest list


def test_a_networker_proposes_a_guest_and_withdraws_the_proposal(client_for, networker, event):
    person = Contact.objects.create(first_name="Bea", last_name="Bos")
    client = client_for(networker)
    response = client.post(url("guest_add", event.pk), {"contact": person.pk})
    assert response.status_code == 302
    invitation = Invitation.objects.get(event=event, contact=person)
    assert invitation.status == InvitationStatus.PROPOSED
    assert invitation.proposed_by == networker
    page = html(client.get(url("event_detail", event.pk)))
    assert "Withdraw" in page
    client.post(url("guest_remove", invitation.pk))
    assert not Invitation.objects.filter(pk=invitation.pk).exists()


def test_a_networker_cannot_withdraw_someone_elses_guest(client_for, networker, guest):
    assert client_for(networker).post(url("guest_remove", guest.pk)).status_code == 403
    assert Invitation.objects.filter(pk=guest.pk).exists()


def test_a_planner_accepts_a_proposal(client_for, networker, planner, event):
    person = Contact.objects.create(first_name="Bea", last_name="Bos")
    proposal = services.invitation_add(actor=networker, event=event, contact=person)
    client = client_for(planner)
    page = html(client.get(url("event_detail", event.pk)))
    assert 'name="status" value="invited"' in page
    response = client.post(
        url("guests_set_status", event.pk), {"invitations": [proposal.pk], "status": "invited"}
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == InvitationStatus.INVITED


def test_the_same_guest_twice_is_a_form_error(client_for, planner, event, guest, contact):
    response = client_for(planner).post(url("guest_add", event.pk), {"contact": contact.pk})
    assert response.status_code == 200
    assert "Anna de Vries is already on the guest list." in html(response)
    assert Invitation.objects.count() == 1


def test_guest_typeahead_offers_who_is_not_invited_yet(client_for, networker, event, guest):
    Contact.objects.create(first_name="Annelies", last_name="Smit")
    page = html(client_for(networker).get(url("guest_typeahead", event.pk), {"q": "anne"}, **HTMX))
    assert "Annelies Smit" in page
    assert 'form="guest-add" name="contact"' in page
    assert "Propose" in page
    vries = html(client_for(networker).get(url("guest_typeahead", event.pk), {"q": "vries"}))
    assert "Anna de Vries" not in vries


def test_the_event_page_searches_guests_without_javascript(client_for, planner, event):
    Contact.objects.create(first_name="Annelies", last_name="Smit")
    page = html(client_for(planner).get(url("event_detail", event.pk), {"q": "annel"}))
    assert "Annelies Smit" in page
    assert "Invite" in page


def test_a_planner_moves_ticked_guests_to_a_new_status(client_for, planner, event, guest):
    other = services.invitation_add(
        actor=planner, event=event, contact=Contact.objects.create(first_name="Bea")
    )
    response = client_for(planner).post(
        url("guests_set_status", event.pk),
        {"invitations": [guest.pk, other.pk], "status": InvitationStatus.ACCEPTED},
    )
    assert response.status_code == 302
    assert set(Invitation.objects.values_list("status", flat=True)) == {"accepted"}


def test_a_status_jump_that_makes_no_sense_shows_the_error_and_changes_nothing(
    client_for, planner, event, guest
):
    other = services.invitation_add(
        actor=planner, event=event, contact=Contact.objects.create(first_name="Bea")
    )
    response = client_for(planner).post(
        url("guests_set_status", event.pk),
        {"invitations": [guest.pk, other.pk], "status": InvitationStatus.ATTENDED},
    )
    assert response.status_code == 200
    page = html(response)
    assert "Nothing was changed." in page
    assert "Anna de Vries cannot be marked attended before the event has begun." in page
    assert f'value="{guest.pk}" form="guest-bulk" id="tick-{guest.pk}"' in page
    assert page.count(" checked>") >= 2  # the ticks stay
    assert set(Invitation.objects.values_list("status", flat=True)) == {"invited"}


def test_guests_are_marked_attended_after_the_event(client_for, planner, past_event, contact):
    invitation = services.invitation_add(actor=planner, event=past_event, contact=contact)
    client_for(planner).post(
        url("guests_set_status", past_event.pk),
        {"invitations": [invitation.pk], "status": InvitationStatus.NO_SHOW},
    )
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.NO_SHOW


def test_no_guest_ticked_is_a_form_error(client_for, planner, event, guest):
    response = client_for(planner).post(url("guests_set_status", event.pk), {"status": "accepted"})
    assert response.status_code == 200
    assert "Tick at least one guest." in html(response)


def test_a_networker_may_not_change_statuses(client_for, networker, event, guest):
    response = client_for(networker).post(
        url("guests_set_status", event.pk), {"invitations": [guest.pk], "status": "accepted"}
    )
    assert response.status_code == 403
    guest.refresh_from_db()
    assert guest.status == InvitationStatus.INVITED


def test_a_planner_invites_a_whole_stakeholder_group(
    client_for, planner, event, key_group, key_contact
):
    other = Contact.objects.create(first_name="Cees", last_name="Claassen")
    ContactMembership.objects.create(group=key_group, contact=other)
    client = client_for(planner)
    assert "Invite a stakeholder group" in html(client.get(url("event_detail", event.pk)))
    response = client.post(
        url("guest_add_group", event.pk), {"group": key_group.pk, "status": "invited"}
    )
    assert response.status_code == 302
    assert set(Invitation.objects.values_list("contact__first_name", flat=True)) == {
        "Bram",
        "Cees",
    }
    again = client.post(
        url("guest_add_group", event.pk), {"group": key_group.pk, "status": "invited"}, follow=True
    )
    assert "is on the guest list already" in html(again)


def test_a_networker_may_not_add_a_group(client_for, networker, event, key_group, key_contact):
    response = client_for(networker).post(
        url("guest_add_group", event.pk), {"group": key_group.pk, "status": "proposed"}
    )
    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_suggestions_offer_key_people_with_when_we_last_met_them(
    client_for, planner, event, key_contact
):
    key_contact.last_interaction_on = datetime.date(2025, 3, 14)
    key_contact.save()
    page = html(client_for(planner).get(url("event_detail", event.pk)))
    assert "Suggestions" in page
    assert "Bram Bakker" in page
    assert "last met 14 Mar 2025" in page
    assert f'name="contact" value="{key_contact.pk}"' in page


def test_the_guest_list_exports_as_csv_with_a_formula_guard(
    client_for, networker, planner, event, guest, organisation
):
    sneaky = Contact.objects.create(
        first_name="=HYPERLINK(1)", last_name="", email="x@example.org", organisation=organisation
    )
    services.invitation_add(
        actor=planner, event=event, contact=sneaky, note="+31 30 123", host=networker
    )
    response = client_for(networker).get(url("guests_csv", event.pk))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    content = b"".join(response.streaming_content).decode()
    assert content.startswith("\ufeff")  # Excel reads it as UTF-8
    rows = list(csv.reader(io.StringIO(content.removeprefix("\ufeff"))))
    assert rows[0] == ["Name", "Organisation", "E-mail", "Status", "Proposed by", "Host", "Note"]
    assert rows[1][:3] == ["'=HYPERLINK(1)", "Gemeente Utrecht", "x@example.org"]
    assert rows[1][3:] == ["Invited", "Pieter", "Nina", "'+31 30 123"]
    assert rows[2][:4] == ["Anna de Vries", "Gemeente Utrecht", "anna@utrecht.nl", "Invited"]


# The encounter plan


def encounter_data(**overrides) -> dict:
    return {"minutes": 15, "goal": "", "stakeholder_goal": "", **overrides}


def test_htmx_add_answers_the_new_row_a_fresh_form_row_and_the_warnings(
    client_for, planner, event, guest, contact, networker
):
    response = client_for(planner).post(
        url("encounter_add", event.pk),
        encounter_data(
            colleague=networker.pk,
            contact=contact.pk,
            starts_at=field_time(at(10, 16)),
            goal="Thank her for the pilot",
        ),
        **HTMX,
    )
    assert response.status_code == 200
    encounter = Encounter.objects.get()
    assert (encounter.colleague, encounter.contact, encounter.starts_at) == (
        networker,
        contact,
        at(10, 16),
    )
    page = html(response)
    assert page.lstrip().startswith(f'<tr id="encounter-{encounter.pk}"')
    assert "Thank her for the pilot" in page
    assert 'id="encounter-new"' in page
    assert 'id="plan-warnings"' in page and 'hx-swap-oob="true"' in page
    assert "<html" not in page


def test_without_htmx_adding_a_row_redirects_to_the_plan(
    client_for, planner, event, guest, contact, networker
):
    response = client_for(planner).post(
        url("encounter_add", event.pk),
        encounter_data(
            colleague=networker.pk, contact=contact.pk, starts_at=field_time(at(10, 16))
        ),
    )
    assert response.status_code == 302
    assert response.url == f"{event.get_absolute_url()}#plan"
    assert Encounter.objects.count() == 1


def test_an_encounter_outside_the_event_is_a_form_error(
    client_for, planner, event, guest, contact, networker
):
    client = client_for(planner)
    data = encounter_data(colleague=networker.pk, contact=contact.pk, starts_at=field_time(at(11)))
    response = client.post(url("encounter_add", event.pk), data, **HTMX)
    assert response.status_code == 200
    page = html(response)
    assert page.lstrip().startswith('<tr id="encounter-new"')
    assert "The encounter must fall within the event" in page
    full = html(client.post(url("encounter_add", event.pk), data))
    assert "The encounter must fall within the event" in full
    assert "<html" in full
    assert not Encounter.objects.exists()


def test_the_form_row_offers_guests_first_and_finds_anybody(
    client_for, planner, event, guest, key_contact
):
    client = client_for(planner)
    page = html(client.get(url("event_detail", event.pk)))
    assert f'<optgroup label="Guests"><option value="{guest.contact_id}">Anna de Vries' in page
    found = html(
        client.get(url("encounter_contacts", event.pk), {"row": "new", "q": "bakker"}, **HTMX)
    )
    assert '<optgroup label="Other contacts">' in found
    assert f'<option value="{key_contact.pk}" selected>Bram Bakker' in found
    # The one match is chosen, so its group's goals come along.
    assert "Get the province behind the pilot" not in found  # no goal yet: see below


def test_the_goal_options_follow_the_chosen_contact(
    client_for, planner, event, key_contact, our_goal
):
    client = client_for(planner)
    options = html(
        client.get(
            url("encounter_goal_options", event.pk), {"row": "new", "contact": key_contact.pk}
        )
    )
    assert (
        f'<option value="{our_goal.pk}">Provincie · Our goal with them: Get the province' in options
    )
    found = html(client.get(url("encounter_contacts", event.pk), {"row": "new", "q": "bakker"}))
    assert 'hx-swap-oob="true"' in found
    assert "Get the province behind the pilot" in found


def test_a_stakeholder_goal_fills_the_goal(
    client_for, planner, event, key_contact, our_goal, networker
):
    client_for(planner).post(
        url("encounter_add", event.pk),
        encounter_data(
            colleague=networker.pk,
            contact=key_contact.pk,
            starts_at=field_time(event.starts_at),
            stakeholder_goal=our_goal.pk,
        ),
        **HTMX,
    )
    encounter = Encounter.objects.get()
    assert encounter.stakeholder_goal == our_goal
    assert encounter.goal == "Get the province behind the pilot"


def test_htmx_edit_swaps_the_row_for_a_form_and_back(client_for, planner, planned, networker):
    client = client_for(planner)
    form_row = html(client.get(url("encounter_edit", planned.pk), **HTMX))
    assert form_row.lstrip().startswith(
        f'<tr id="encounter-{planned.pk}" class="encounter-form-row"'
    )
    assert f'<option value="{planned.contact_id}" selected>' in form_row
    response = client.post(
        url("encounter_edit", planned.pk),
        encounter_data(
            colleague=networker.pk,
            contact=planned.contact_id,
            starts_at=field_time(at(10, 17)),
            minutes=30,
            goal="Invite her to the board dinner",
        ),
        **HTMX,
    )
    page = html(response)
    assert page.lstrip().startswith(f'<tr id="encounter-{planned.pk}" class="encounter-row"')
    assert "Invite her to the board dinner" in page
    planned.refresh_from_db()
    assert (planned.colleague, planned.starts_at, planned.minutes) == (networker, at(10, 17), 30)
    cancel = html(client.get(url("encounter_row", planned.pk), **HTMX))
    assert cancel.lstrip().startswith(f'<tr id="encounter-{planned.pk}" class="encounter-row"')


def test_without_htmx_the_edit_is_a_page_of_its_own(client_for, planner, planned):
    page = html(client_for(planner).get(url("encounter_edit", planned.pk)))
    assert "Change an encounter" in page
    assert f'id="encounter-form-{planned.pk}-' in page


def test_htmx_remove_answers_no_row_and_fresh_warnings(client_for, planner, planned):
    response = client_for(planner).post(url("encounter_delete", planned.pk), **HTMX)
    assert response.status_code == 200
    page = html(response)
    assert "<tr" not in page
    assert 'id="plan-warnings"' in page
    assert "without a goal" not in page
    assert not Encounter.objects.exists()


def test_the_remove_button_asks_first(client_for, planner, planned):
    page = html(client_for(planner).get(url("event_detail", planned.event_id)))
    assert 'hx-confirm="Remove “Carl meets Anna de Vries” from the plan?"' in page


def test_a_networker_may_not_plan_encounters(client_for, networker, event, guest, contact, planned):
    client = client_for(networker)
    data = encounter_data(colleague=networker.pk, contact=contact.pk, starts_at=field_time(at(10)))
    assert client.post(url("encounter_add", event.pk), data, **HTMX).status_code == 403
    assert client.get(url("encounter_edit", planned.pk)).status_code == 403
    assert client.post(url("encounter_edit", planned.pk), data).status_code == 403
    assert client.post(url("encounter_delete", planned.pk), **HTMX).status_code == 403
    assert list(Encounter.objects.all()) == [planned]
    planned.refresh_from_db()
    assert planned.colleague.username == "carl"


def test_the_colleague_sets_the_goal_of_their_encounter(client_for, colleague, planned, networker):
    client = client_for(colleague)
    page = html(client.get(url("event_detail", planned.event_id)))
    assert "Set the goal" in page
    form_row = html(client.get(url("encounter_edit", planned.pk), **HTMX))
    assert 'name="goal"' in form_row
    assert 'name="colleague"' not in form_row
    assert 'name="starts_at"' not in form_row
    response = client.post(
        url("encounter_edit", planned.pk),
        # Other columns in the post are not the colleague's to change, and are ignored.
        {"goal": "Ask about the tender", "stakeholder_goal": "", "colleague": networker.pk},
        **HTMX,
    )
    assert "Ask about the tender" in html(response)
    planned.refresh_from_db()
    assert planned.goal == "Ask about the tender"
    assert planned.colleague == colleague


# After the event


def test_the_colleague_records_the_outcome_and_the_meeting_appears_on_the_contact_page(
    client_for, networker, met, contact
):
    client = client_for(networker)
    page = html(client.get(url("event_detail", met.event_id)))
    assert "Record outcome" in page
    response = client.post(
        url("encounter_outcome", met.pk),
        {
            "outcome": "She will present our pilot to the council",
            "next_step_text": "Send the pilot report",
            "next_step_due_on": (timezone.localdate() + datetime.timedelta(days=7)).isoformat(),
        },
        **HTMX,
    )
    assert response.status_code == 200
    met.refresh_from_db()
    interaction = met.interaction
    assert interaction.kind == InteractionKind.EVENT_ENCOUNTER
    assert interaction.followups.get().text == "Send the pilot report"
    row = html(response)
    assert "She will present our pilot to the council" in row
    assert reverse("relations:interaction_detail", args=[interaction.pk]) in row
    contact_page = html(client.get(reverse("relations:contact_detail", args=[contact.pk])))
    assert "She will present our pilot to the council" in contact_page
    assert Invitation.objects.get(contact=contact).status == InvitationStatus.ATTENDED


def test_an_outcome_without_text_is_a_form_error(client_for, networker, met):
    response = client_for(networker).post(url("encounter_outcome", met.pk), {"outcome": " "})
    assert response.status_code == 200
    assert "Write down how it went." in html(response)
    assert not Interaction.objects.exists()


def test_a_next_step_needs_a_due_date(client_for, networker, met):
    response = client_for(networker).post(
        url("encounter_outcome", met.pk),
        {"outcome": "Fine", "next_step_text": "Call her"},
        **HTMX,
    )
    page = html(response)
    assert "Give the next step a due date." in page
    assert '<details class="plan-outcome" open>' in page
    assert not Interaction.objects.exists()


def test_only_the_colleague_records_the_outcome(client_for, colleague, met):
    client = client_for(colleague)
    assert "Record outcome" not in html(client.get(url("event_detail", met.event_id)))
    response = client.post(url("encounter_outcome", met.pk), {"outcome": "Fine"})
    assert response.status_code == 403
    assert not Interaction.objects.exists()


def test_no_outcome_before_the_event(client_for, colleague, planned):
    page = html(client_for(colleague).get(url("event_detail", planned.event_id)))
    assert "Record outcome" not in page


# Briefings


def test_the_briefings_list_the_colleagues_with_encounters(client_for, networker, planned):
    page = html(client_for(networker).get(url("briefing_index", planned.event_id)))
    assert url("briefing", planned.event_id, planned.colleague_id) in page
    assert "Print all" in page


def test_a_briefing_shows_contact_goal_history_and_tips(
    client_for, networker, colleague, planned, contact, key_group, planner
):
    ContactMembership.objects.create(group=key_group, contact=contact, attitude="supporter")
    services.encounter_update(actor=planner, encounter=planned, goal="Win her for the pilot")
    contact.job_title = "Policy advisor"
    contact.save()
    Interaction.objects.create(
        kind=InteractionKind.COFFEE,
        occurred_on=timezone.localdate() - datetime.timedelta(days=20),
        author=colleague,
        summary="Talked about the smart-city pilot",
    ).contacts.add(contact)
    response = client_for(colleague).get(url("briefing", planned.event_id, colleague.pk))
    assert response.status_code == 200
    page = html(response)
    assert "Carl at Nieuwjaarsreceptie" in page
    assert "Anna de Vries" in page
    assert "Policy advisor" in page
    assert "Gemeente Utrecht" in page
    assert "Provincie" in page and "(supporter)" in page
    assert "Win her for the pilot" in page
    assert "Talked about the smart-city pilot" in page
    assert "Networking tips" in page
    assert "open side of the group" in page
    assert "Leave politics out of it." in page


def test_a_briefing_for_someone_without_encounters_is_a_404(
    client_for, networker, outsider, planned
):
    client = client_for(networker)
    assert client.get(url("briefing", planned.event_id, outsider.pk)).status_code == 404
    assert client.get(url("briefing", planned.event_id, 987654)).status_code == 404


def test_print_all_renders_every_briefing(client_for, networker, planner, planned, guest):
    services.encounter_add(
        actor=planner,
        event=planned.event,
        colleague=networker,
        contact=guest.contact,
        goal="Say hello",
    )
    page = html(client_for(networker).get(url("briefing_all", planned.event_id)))
    assert page.count('<article class="briefing"') == 2
    assert "Carl at Nieuwjaarsreceptie" in page
    assert "Nina at Nieuwjaarsreceptie" in page
