"""Event reminders: a briefing two days before an event, a nudge the morning after it.

They mirror the follow-up reminders of relations.services: what is due follows from the
events in the database, each e-mail goes through relations.services.send_once (a ReminderLog
row per user, day and kind) so it is sent once however often the sweep runs, and `day` is the
day the reminder is for (the day it goes out), like the follow-up reminders' day.
"""

import datetime
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from events import selectors
from events.models import Encounter, Event
from relations.models import User
from relations.services import reminders_busy_or_done, send_once

logger = logging.getLogger(__name__)

# The briefing goes out this many days before the event's (local) start day.
BRIEFING_DAYS_BEFORE = 2


def briefing_kind(event_id: int) -> str:
    return f"event_briefing:{event_id}"  # ReminderLog.kind holds 40 characters


def nudge_kind(event_id: int) -> str:
    return f"event_nudge:{event_id}"


def briefing_event_day(day: datetime.date) -> datetime.date:
    """The start day of the events whose briefings go out on `day`."""
    return day + datetime.timedelta(days=BRIEFING_DAYS_BEFORE)


def nudge_event_day(day: datetime.date) -> datetime.date:
    """The end day of the events whose outcome nudges go out on `day`."""
    return day - datetime.timedelta(days=1)


@dataclass(frozen=True)
class PendingReminder:
    event_id: int
    user_id: int


def _recipient(user_id: int) -> User | None:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return None
    return user


def _context(*, user: User, event: Event, day: datetime.date) -> dict:
    site_url = settings.SITE_URL.rstrip("/")
    return {
        "user": user,
        "event": event,
        "day": day,
        "site_url": site_url,
        "event_url": site_url + event.get_absolute_url(),
    }


def _send(*, user: User, subject: str, template: str, context: dict) -> None:
    body = render_to_string(f"events/email/{template}.txt", context)
    html = render_to_string(f"events/email/{template}.html", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email], html_message=html)


# Briefings


def _pending(
    *,
    day: datetime.date,
    events: Iterable[Event],
    kind_of: Callable[[int], str],
    recipients_of: Callable[..., list[int]],
) -> list[PendingReminder]:
    """(event, colleague) pairs whose reminder of this kind for `day` has not gone out yet."""
    pending = []
    for event in events:
        done = reminders_busy_or_done(day=day, kind=kind_of(event.pk))
        pending += [
            PendingReminder(event.pk, user_id)
            for user_id in recipients_of(event=event)
            if user_id not in done
        ]
    return pending


def briefings_pending(*, day: datetime.date) -> list[PendingReminder]:
    """(event, colleague) briefings due on `day` that have not gone out yet."""
    return _pending(
        day=day,
        events=selectors.events_starting_on(briefing_event_day(day)),
        kind_of=briefing_kind,
        recipients_of=selectors.colleagues_to_brief,
    )


def briefing_send_for(*, event_id: int, user_id: int, day: datetime.date) -> bool:
    """E-mail `user_id` their briefing for `event_id` on `day`, at most once. True if sent now."""
    user = _recipient(user_id)
    # Looked up by day again: the event may have moved since the sweep enqueued this.
    event = selectors.events_starting_on(briefing_event_day(day)).filter(pk=event_id).first()
    if user is None or event is None:
        return False
    briefing = selectors.briefing_for(viewer=user, event=event, colleague=user)
    if not briefing.items:
        return False
    return send_once(
        user_id=user_id,
        day=day,
        kind=briefing_kind(event_id),
        send=lambda: _send_briefing_email(user=user, event=event, briefing=briefing, day=day),
    )


def _send_briefing_email(
    *, user: User, event: Event, briefing: selectors.Briefing, day: datetime.date
) -> None:
    with translation.override(user.language or settings.LANGUAGE_CODE):
        context = _context(user=user, event=event, day=day)
        context["items"] = briefing.items
        context["briefing_url"] = context["site_url"] + reverse(
            "events:briefing", args=[event.pk, user.pk]
        )
        subject = _("Your briefing for %(event)s on %(day)s") % {
            "event": event.name,
            "day": formats.date_format(timezone.localtime(event.starts_at), "SHORT_DATE_FORMAT"),
        }
        _send(user=user, subject=subject, template="briefing", context=context)


# Outcome nudges


def nudges_pending(*, day: datetime.date) -> list[PendingReminder]:
    """(event, colleague) nudges due on `day` that have not gone out yet."""
    return _pending(
        day=day,
        events=selectors.events_ended_on(nudge_event_day(day)),
        kind_of=nudge_kind,
        recipients_of=selectors.colleagues_without_outcomes,
    )


def _encounters_without_outcome(*, user: User, event: Event) -> list[Encounter]:
    return list(
        selectors.encounter_list_for(user=user, event=event).filter(
            colleague=user, outcome_recorded_at__isnull=True
        )
    )


def nudge_send_for(*, event_id: int, user_id: int, day: datetime.date) -> bool:
    """Ask `user_id` on `day` for the outcomes of their encounters at `event_id`, at most once."""
    user = _recipient(user_id)
    event = selectors.events_ended_on(nudge_event_day(day)).filter(pk=event_id).first()
    if user is None or event is None:
        return False
    encounters = _encounters_without_outcome(user=user, event=event)
    if not encounters:  # recorded in the meantime: nothing to ask for
        return False
    return send_once(
        user_id=user_id,
        day=day,
        kind=nudge_kind(event_id),
        send=lambda: _send_nudge_email(user=user, event=event, encounters=encounters, day=day),
    )


def _send_nudge_email(
    *, user: User, event: Event, encounters: list[Encounter], day: datetime.date
) -> None:
    with translation.override(user.language or settings.LANGUAGE_CODE):
        context = _context(user=user, event=event, day=day)
        context["encounters"] = encounters
        subject = _("How did %(event)s go? Record your outcomes") % {"event": event.name}
        _send(user=user, subject=subject, template="nudge", context=context)


# Both at once, in this process (the management command)


@dataclass(frozen=True)
class SentCounts:
    briefings: int
    nudges: int


def event_reminders_send_all(*, day: datetime.date) -> SentCounts:
    """Send every pending briefing and nudge for `day`; a failure is logged and left for the
    next run (its claim was released)."""
    briefings = nudges = 0
    for item in briefings_pending(day=day):
        try:
            briefings += briefing_send_for(event_id=item.event_id, user_id=item.user_id, day=day)
        except Exception:
            logger.exception(
                "Briefing for user %s at event %s failed; the next sweep retries",
                item.user_id,
                item.event_id,
            )
    for item in nudges_pending(day=day):
        try:
            nudges += nudge_send_for(event_id=item.event_id, user_id=item.user_id, day=day)
        except Exception:
            logger.exception(
                "Outcome nudge for user %s at event %s failed; the next sweep retries",
                item.user_id,
                item.event_id,
            )
    return SentCounts(briefings=briefings, nudges=nudges)
