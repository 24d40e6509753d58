"""Calendar feeds: what a calendar app reads back from the .ics, and who may fetch it."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from events import feeds, services
from events.models import CalendarFeed, Encounter, Event, Invitation, InvitationStatus
from relations.models import Contact
from tests.events.conftest import at

SITE_URL = "https://crm.example.org"
HOST = "crm.example.org"
# feed_get (the token with its user), the events, the encounters with event and contact.
FEED_QUERIES = 3


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.SITE_URL = SITE_URL


def parse(body: bytes) -> Calendar:
    return Calendar.from_ical(body)


def vevents(calendar: Calendar) -> dict[str, object]:
    return {str(component["UID"]): component for component in calendar.walk("VEVENT")}


def event_url(event: Event) -> str:
    return SITE_URL + event.get_absolute_url()


@pytest.fixture
def encounter(event, networker, contact) -> Encounter:
    return Encounter.objects.create(
        event=event,
        colleague=networker,
        contact=contact,
        starts_at=at(10, 15, 30),
        minutes=20,
        goal="Win Anna over for the pilot; offer our data",
    )


@pytest.fixture
def feed(networker) -> CalendarFeed:
    return services.feed_token_regenerate(user=networker)


def feed_path(feed: CalendarFeed) -> str:
    return reverse("events:feed", args=[feed.token])


# The .ics


def test_feed_has_the_events_and_encounters_of_its_owner(event, encounter, networker, contact):
    found = vevents(parse(feeds.feed_ics(networker)))

    assert set(found) == {f"event-{event.pk}@{HOST}", f"encounter-{encounter.pk}@{HOST}"}
    reception = found[f"event-{event.pk}@{HOST}"]
    assert str(reception["SUMMARY"]) == "Nieuwjaarsreceptie"
    assert str(reception["LOCATION"]) == "Stadhuis Utrecht"
    assert str(reception["URL"]) == event_url(event)
    assert reception.decoded("DTSTART") == event.starts_at
    assert reception.decoded("DTEND") == event.ends_at

    meeting = found[f"encounter-{encounter.pk}@{HOST}"]
    assert str(meeting["SUMMARY"]) == (
        "Meet Anna de Vries (Gemeente Utrecht) at Nieuwjaarsreceptie"
    )
    assert meeting.decoded("DTSTART") == at(10, 15, 30)
    assert meeting.decoded("DTEND") == at(10, 15, 50)
    assert str(meeting["LOCATION"]) == "Stadhuis Utrecht"
    assert str(meeting["URL"]) == event_url(event)
    description = str(meeting["DESCRIPTION"])
    assert "Win Anna over for the pilot; offer our data" in description
    assert event_url(event) in description


def test_times_are_utc_and_mean_the_same_moment_as_in_amsterdam(event, encounter, networker):
    body = feeds.feed_ics(networker)
    meeting = vevents(parse(body))[f"encounter-{encounter.pk}@{HOST}"]

    start = meeting.decoded("DTSTART")
    assert start.utcoffset() == datetime.timedelta(0)
    assert timezone.localtime(start).strftime("%H:%M") == "15:30"  # Europe/Amsterdam
    assert b"TZID=" not in body  # no zone a calendar app would have to resolve
    assert f"DTSTART:{start:%Y%m%dT%H%M%S}Z".encode() in body


def test_calendar_properties_tell_apps_what_the_feed_is(networker, event, encounter):
    calendar = parse(feeds.feed_ics(networker))

    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["PRODID"]) == feeds.PRODID
    assert str(calendar["CALSCALE"]) == "GREGORIAN"
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(calendar["X-WR-CALNAME"]) == "Network CRM: my events"
    assert str(calendar["X-WR-TIMEZONE"]) == "Europe/Amsterdam"
    calendar.validate()
    # Apps fetch the feed again every hour (RFC 7986; Outlook reads its own X- variant).
    assert calendar["REFRESH-INTERVAL"].to_ical() == b"PT1H"
    assert calendar["REFRESH-INTERVAL"].params["VALUE"] == "DURATION"
    assert calendar["X-PUBLISHED-TTL"].to_ical() == b"PT1H"


def test_an_empty_feed_is_still_a_valid_calendar(networker):
    calendar = parse(feeds.feed_ics(networker))

    calendar.validate()  # PRODID, VERSION and at least one component
    assert list(calendar.walk("VEVENT")) == []
    [zone] = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Europe/Amsterdam"


def test_every_entry_carries_the_required_stamps(networker, event, encounter):
    before = timezone.now().replace(microsecond=0)
    for component in parse(feeds.feed_ics(networker)).walk("VEVENT"):
        assert component.decoded("DTSTAMP") >= before
        assert component.decoded("CREATED") <= component.decoded("LAST-MODIFIED")
    found = vevents(parse(feeds.feed_ics(networker)))
    modified = found[f"event-{event.pk}@{HOST}"].decoded("LAST-MODIFIED")
    assert modified == event.updated_at.replace(microsecond=0)


def test_a_change_to_the_event_moves_it_under_the_same_uid(networker, event, encounter, planner):
    services.event_update(actor=planner, event=event, starts_at=at(10, 14), name="Receptie")

    found = vevents(parse(feeds.feed_ics(networker)))

    reception = found[f"event-{event.pk}@{HOST}"]
    assert reception.decoded("DTSTART") == at(10, 14)
    assert str(reception["SUMMARY"]) == "Receptie"
    assert len(found) == 2


def test_the_output_is_rfc_5545_text(networker, event, encounter):
    Event.objects.filter(pk=event.pk).update(
        description="Doors open at 14:45; speeches, drinks; a long line " + "x" * 200
    )
    body = feeds.feed_ics(networker)

    lines = body.split(b"\r\n")
    assert lines[0] == b"BEGIN:VCALENDAR"
    assert lines[-2:] == [b"END:VCALENDAR", b""]  # every line ends with CRLF
    assert all(len(line) <= 75 for line in lines), "lines are folded at 75 octets"
    assert b"\n" not in body.replace(b"\r\n", b"")
    assert rb"14:45\; speeches\, drinks\;" in body.replace(b"\r\n ", b"")  # TEXT escaping


def test_feed_leaves_out_what_the_owner_takes_no_part_in(
    networker, colleague, event, past_event, contact
):
    theirs = Encounter.objects.create(
        event=past_event, colleague=colleague, contact=contact, starts_at=at(-3, 10)
    )

    mine = vevents(parse(feeds.feed_ics(networker)))
    assert mine == {}
    theirs_found = vevents(parse(feeds.feed_ics(colleague)))
    assert set(theirs_found) == {f"event-{past_event.pk}@{HOST}", f"encounter-{theirs.pk}@{HOST}"}


def test_feed_has_events_the_owner_organises_or_hosts_a_guest_at(
    planner, networker, event, past_event, contact
):
    Invitation.objects.create(
        event=past_event, contact=contact, status=InvitationStatus.INVITED, host=networker
    )

    assert set(vevents(parse(feeds.feed_ics(planner)))) == {
        f"event-{event.pk}@{HOST}",
        f"event-{past_event.pk}@{HOST}",
    }
    assert set(vevents(parse(feeds.feed_ics(networker)))) == {f"event-{past_event.pk}@{HOST}"}


def test_an_encounter_with_a_contact_without_organisation_or_goal(networker, event):
    loner = Contact.objects.create(first_name="Lot", last_name="Smit")
    encounter = Encounter.objects.create(
        event=event, colleague=networker, contact=loner, starts_at=at(10, 16)
    )

    meeting = vevents(parse(feeds.feed_ics(networker)))[f"encounter-{encounter.pk}@{HOST}"]

    assert str(meeting["SUMMARY"]) == "Meet Lot Smit at Nieuwjaarsreceptie"
    assert "No goal set yet." in str(meeting["DESCRIPTION"])


# The feed URL: no login, the token is the key


def test_feed_is_served_without_login(client, feed, event, encounter):
    response = client.get(feed_path(feed))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "private" in response["Cache-Control"]
    found = vevents(parse(response.content))
    assert set(found) == {f"event-{event.pk}@{HOST}", f"encounter-{encounter.pk}@{HOST}"}


@pytest.mark.parametrize(
    "token",
    ["unknown-token-that-nobody-has", "x" * 65, "%00", "a%20b", "t%C3%B6ken", "..%2F..%2Fetc"],
    ids=["unknown", "too-long", "nul", "space", "non-ascii", "traversal"],
)
def test_a_malformed_or_unknown_token_is_a_404(client, feed, token):
    assert client.get(f"/events/feed/{token}.ics").status_code == 404


def test_a_revoked_token_is_a_404(client, feed, networker):
    services.feed_token_revoke(user=networker)

    assert client.get(feed_path(feed)).status_code == 404


def test_a_regenerated_token_replaces_the_old_one(client, feed, networker):
    new = services.feed_token_regenerate(user=networker)

    assert client.get(feed_path(feed)).status_code == 404
    assert client.get(feed_path(new)).status_code == 200


def test_the_feed_of_a_deactivated_user_is_a_404(client, feed, networker):
    networker.is_active = False
    networker.save()

    assert client.get(feed_path(feed)).status_code == 404


def test_feed_refuses_post(client, feed):
    assert client.post(feed_path(feed)).status_code == 405


def grow_plan(*, user, contact, start: int, count: int) -> None:
    """`count` events the user meets somebody at, with two encounters each."""
    for i in range(count):
        event = Event.objects.create(
            name=f"Event {start + i}", starts_at=at(20 + i, 9), ends_at=at(20 + i, 17)
        )
        guest = Contact.objects.create(first_name=f"Guest{start + i}", organisation=None)
        Encounter.objects.create(event=event, colleague=user, contact=contact, starts_at=at(20 + i))
        Encounter.objects.create(event=event, colleague=user, contact=guest, starts_at=at(20 + i))


def test_the_feed_costs_the_same_queries_at_any_size(client, feed, networker, contact):
    def fetch() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(feed_path(feed))
        assert response.status_code == 200
        return len(queries), len(list(parse(response.content).walk("VEVENT")))

    grow_plan(user=networker, contact=contact, start=0, count=2)
    small_queries, small_entries = fetch()
    grow_plan(user=networker, contact=contact, start=100, count=20)
    large_queries, large_entries = fetch()

    assert (small_entries, large_entries) == (2 * 3, 22 * 3)
    assert small_queries == large_queries == FEED_QUERIES


# One event as a download


def test_event_ics_downloads_one_event(client_for, networker, event, encounter):
    response = client_for(networker).get(reverse("events:event_ics", args=[event.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="nieuwjaarsreceptie.ics"'
    [vevent] = parse(response.content).walk("VEVENT")
    assert str(vevent["UID"]) == f"event-{event.pk}@{HOST}"
    assert vevent.decoded("DTSTART") == event.starts_at
    assert str(vevent["URL"]) == event_url(event)


def test_event_ics_of_any_event_for_every_user(client_for, outsider, event):
    response = client_for(outsider).get(reverse("events:event_ics", args=[event.pk]))

    assert response.status_code == 200


def test_event_ics_needs_login(client, event):
    response = client.get(reverse("events:event_ics", args=[event.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_event_ics_of_an_unknown_event_is_a_404(client_for, networker):
    response = client_for(networker).get(reverse("events:event_ics", args=[999999]))

    assert response.status_code == 404


# The settings page


def settings_page(client) -> str:
    response = client.get(reverse("events:feed_settings"))
    assert response.status_code == 200
    return response.content.decode()


def test_feed_settings_needs_login(client):
    response = client.get(reverse("events:feed_settings"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_feed_settings_without_a_feed_offers_to_create_one(client_for, networker):
    page = settings_page(client_for(networker))

    assert "You have no calendar feed link." in page
    assert "Create link" in page
    assert "Revoke link" not in page


def test_creating_the_link_shows_the_absolute_feed_url_and_how_to_subscribe(
    client_for, networker, event, encounter
):
    client = client_for(networker)
    response = client.post(reverse("events:feed_settings"), {"action": "regenerate"}, follow=True)

    feed = CalendarFeed.objects.get(user=networker)
    page = response.content.decode()
    assert response.redirect_chain == [(reverse("events:feed_settings"), 302)]
    assert "Your calendar feed link was created." in page
    assert SITE_URL + feed_path(feed) in page
    assert "webcal://" + HOST + feed_path(feed) in page
    for app in ("Outlook", "Google Calendar", "Apple Calendar"):
        assert app in page
    client.logout()
    assert client.get(feed_path(feed)).status_code == 200  # the link works without login


def test_regenerating_replaces_the_link(client_for, networker, feed):
    client = client_for(networker)
    response = client.post(reverse("events:feed_settings"), {"action": "regenerate"}, follow=True)

    new = CalendarFeed.objects.get(user=networker)
    assert new.token != feed.token
    page = response.content.decode()
    assert "The old link no longer works" in page
    assert feed.token not in page
    assert new.token in page
    assert client.get(feed_path(feed)).status_code == 404


def test_revoking_removes_the_link(client_for, networker, feed):
    client = client_for(networker)
    response = client.post(reverse("events:feed_settings"), {"action": "revoke"}, follow=True)

    assert not CalendarFeed.objects.filter(user=networker).exists()
    page = response.content.decode()
    assert "Your calendar feed link was revoked." in page
    assert "You have no calendar feed link." in page
    assert client.get(feed_path(feed)).status_code == 404


def test_feed_settings_refuses_an_unknown_action(client_for, networker, feed):
    response = client_for(networker).post(reverse("events:feed_settings"), {"action": "drop"})

    assert response.status_code == 400
    assert CalendarFeed.objects.filter(user=networker).exists()


def test_each_user_manages_only_their_own_feed(client_for, networker, colleague, feed):
    client_for(colleague).post(reverse("events:feed_settings"), {"action": "revoke"})

    assert CalendarFeed.objects.filter(pk=feed.pk).exists()


def test_the_account_page_links_to_the_feed_settings(client_for, networker):
    response = client_for(networker).get(reverse("relations:account"))

    assert reverse("events:feed_settings") in response.content.decode()
