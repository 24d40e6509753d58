"""iCalendar (RFC 5545) for calendar apps: a colleague's personal feed and single events.

All times are written in UTC ("Z"): Outlook, Google Calendar and Apple Calendar read UTC
alike, while a VTIMEZONE generated from the tz database lists its transitions as RDATEs,
which Outlook ignores. X-WR-TIMEZONE and its VTIMEZONE only name the zone the calendar is
shown in; no time refers to it.
"""

import datetime
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Timezone, vDuration
from icalendar import Event as VEvent

from events import selectors
from events.models import Encounter, Event
from relations.models import User

PRODID = "-//Network CRM//Events//EN"
# How often calendar apps should fetch the feed again (RFC 7986 and Outlook's variant).
REFRESH_INTERVAL = datetime.timedelta(hours=1)
# The years the VTIMEZONE describes, around today.
TIMEZONE_YEARS_BACK = 2
TIMEZONE_YEARS_AHEAD = 5


def _site_url() -> str:
    return settings.SITE_URL.rstrip("/")


def _uid(kind: str, pk: int) -> str:
    # Stable across renders and token changes, so apps update entries instead of duplicating.
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"{kind}-{pk}@{host}"


def _utc(moment: datetime.datetime) -> datetime.datetime:
    return moment.astimezone(datetime.UTC)


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("name", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH_INTERVAL))
    # RFC 5545 wants at least one component, which an empty feed would lack otherwise.
    today = timezone.localdate()
    calendar.add_component(
        Timezone.from_tzid(
            settings.TIME_ZONE,
            first_date=today.replace(month=1, day=1, year=today.year - TIMEZONE_YEARS_BACK),
            last_date=today.replace(month=1, day=1, year=today.year + TIMEZONE_YEARS_AHEAD),
        )
    )
    return calendar


def _vevent(
    *,
    uid: str,
    summary: str,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    stamp: datetime.datetime,
    created: datetime.datetime,
    modified: datetime.datetime,
    url: str,
    location: str = "",
    description: str = "",
) -> VEvent:
    vevent = VEvent()
    vevent.add("uid", uid)
    vevent.add("dtstamp", _utc(stamp))
    vevent.add("created", _utc(created))
    vevent.add("last-modified", _utc(modified))
    vevent.add("summary", summary)
    vevent.add("dtstart", _utc(starts_at))
    vevent.add("dtend", _utc(ends_at))
    if location:
        vevent.add("location", location)
    if description:
        vevent.add("description", description)
    vevent.add("url", url)
    vevent.add("status", "CONFIRMED")
    vevent.add("transp", "OPAQUE")
    return vevent


def _event_vevent(event: Event, stamp: datetime.datetime) -> VEvent:
    url = _site_url() + event.get_absolute_url()
    description = "\n\n".join(part for part in (event.description.strip(), url) if part)
    return _vevent(
        uid=_uid("event", event.pk),
        summary=event.name,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        stamp=stamp,
        created=event.created_at,
        modified=event.updated_at,
        url=url,
        location=event.location,
        description=description,
    )


def _encounter_vevent(encounter: Encounter, stamp: datetime.datetime) -> VEvent:
    event, contact = encounter.event, encounter.contact
    if contact.organisation is not None:
        summary = _("Meet %(contact)s (%(organisation)s) at %(event)s") % {
            "contact": contact.full_name,
            "organisation": contact.organisation.name,
            "event": event.name,
        }
    else:
        summary = _("Meet %(contact)s at %(event)s") % {
            "contact": contact.full_name,
            "event": event.name,
        }
    url = _site_url() + event.get_absolute_url()
    goal = encounter.goal.strip() or _("No goal set yet.")
    description = "\n\n".join([_("Goal: %(goal)s") % {"goal": goal}, url])
    return _vevent(
        uid=_uid("encounter", encounter.pk),
        summary=summary,
        starts_at=encounter.starts_at,
        ends_at=encounter.ends_at,
        stamp=stamp,
        created=encounter.created_at,
        # The summary shows the contact and the event: a rename there changes the entry too.
        modified=max(
            encounter.updated_at,
            event.updated_at,
            contact.updated_at,
            *([contact.organisation.updated_at] if contact.organisation else []),
        ),
        url=url,
        location=event.location,
        description=description,
    )


def _to_ical(name: str, events: Iterable[Event], encounters: Iterable[Encounter] = ()) -> bytes:
    stamp = timezone.now()
    calendar = _calendar(name)
    for event in events:
        calendar.add_component(_event_vevent(event, stamp))
    for encounter in encounters:
        calendar.add_component(_encounter_vevent(encounter, stamp))
    return calendar.to_ical()


def feed_ics(user: User) -> bytes:
    """The user's personal feed: events they take part in and the encounters they have.

    Two queries at any size: the events, and the encounters with event, contact, organisation.
    """
    with translation.override(user.language or settings.LANGUAGE_CODE):
        return _to_ical(
            _("Network CRM: my events"),
            selectors.feed_events_for(user=user),
            selectors.feed_encounters_for(user=user),
        )


def event_ics(event: Event) -> bytes:
    """One event, to download and add to a calendar by hand."""
    return _to_ical(event.name, [event])
