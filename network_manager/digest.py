"""The weekly digest: on Monday each network manager and team lead gets the past week's
figures for their scope (DESIGN.md §2) in one e-mail.

It follows the other reminders (relations.services, events.reminders): recipients follow
from the database, each e-mail goes through relations.services.send_once (a ReminderLog row
per user, Monday and kind) so it is sent once however often the sweep runs, and `day` is the
Monday the digest goes out on. The week is the seven days before it, Monday to Sunday.
"""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from events.models import Event
from network_manager.models import KeyContact
from network_manager.permissions import Scope, dashboard_scope
from network_manager.selectors import (
    PLAN_INCOMPLETE,
    KeyContactState,
    OverdueCount,
    events_in_scope,
    key_contact_list_in_scope,
    overdue_by_networker,
    overdue_followups_in_scope,
    scope_member_ids,
    scope_relationships,
)
from relations.models import Interaction, Role, User
from relations.services import reminders_busy_or_done, send_once

logger = logging.getLogger(__name__)

DIGEST_KIND = "weekly_digest"  # ReminderLog.kind holds 40 characters
# How far ahead the digest looks for events whose plan is not finished.
COMING_EVENT_DAYS = 14
GONE_COLD_ROWS = 10
OVERDUE_ROWS = 5
EVENT_ROWS = 10


def digest_day(on: datetime.date) -> datetime.date:
    """The Monday of the week `on` falls in: the day that week's digest goes out."""
    return on - datetime.timedelta(days=on.weekday())


def digest_due_on(now: datetime.datetime) -> datetime.date | None:
    """Today, if `now` (local) is a Monday from WEEKLY_DIGEST_HOUR on; otherwise None."""
    if now.weekday() != 0 or now.hour < settings.WEEKLY_DIGEST_HOUR:
        return None
    return now.date()


def _start_of(day: datetime.date) -> datetime.datetime:
    """Local midnight at the start of `day`."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


# The figures


@dataclass
class WeeklyDigest:
    scope: Scope
    week_starts: datetime.date  # a Monday
    week_ending: datetime.date  # the Sunday after it
    new_relationships: int
    meetings: int
    gone_cold: list[KeyContact]
    gone_cold_total: int
    overdue_total: int
    overdue_by_networker: list[OverdueCount]
    incomplete_events: list[Event]  # annotated by events.selectors.with_plan_counts
    incomplete_event_total: int

    @property
    def sent_on(self) -> datetime.date:
        return self.week_ending + datetime.timedelta(days=1)


def _meetings_in_scope(scope: Scope, first: datetime.date, last: datetime.date) -> QuerySet:
    """Meetings on those days with one of the scope's members taking part, each once."""
    participants = Interaction.our_participants.through.objects.filter(
        interaction_id=OuterRef("pk")
    )
    if not scope.whole_organisation:
        participants = participants.filter(user_id__in=scope_member_ids(scope))
    return Interaction.objects.filter(Exists(participants), occurred_on__range=(first, last))


def incomplete_events_in_scope(
    scope: Scope, *, since: datetime.datetime, days: int = COMING_EVENT_DAYS
) -> QuerySet[Event]:
    """Events of the next `days` days (that the scope's teams take part in, as on the
    dashboard) with no encounter planned yet or an encounter without a goal."""
    return events_in_scope(scope, since=since, days=days).filter(PLAN_INCOMPLETE)


def weekly_digest_for(scope: Scope, week_ending: datetime.date) -> WeeklyDigest:
    """The figures of the seven days up to and including `week_ending` (a Sunday) for the
    scope, plus what stands on the Monday after it: overdue follow-ups and the next two
    weeks' events with an unfinished plan. A fixed number of queries, counted in SQL."""
    first = week_ending - datetime.timedelta(days=6)
    monday = week_ending + datetime.timedelta(days=1)
    created_this_week = Q(created_at__gte=_start_of(first), created_at__lt=_start_of(monday))
    # Cold from a day of this week on: it turned cold this week (and nobody met them since).
    gone_cold = key_contact_list_in_scope(scope).filter(
        contact__cold_on__range=(first, week_ending)
    )
    events = incomplete_events_in_scope(scope, since=_start_of(monday))
    return WeeklyDigest(
        scope=scope,
        week_starts=first,
        week_ending=week_ending,
        new_relationships=scope_relationships(scope).filter(created_this_week).count(),
        meetings=_meetings_in_scope(scope, first, week_ending).count(),
        gone_cold=list(gone_cold[:GONE_COLD_ROWS]),
        gone_cold_total=gone_cold.count(),
        overdue_total=overdue_followups_in_scope(scope, on=monday).count(),
        overdue_by_networker=overdue_by_networker(scope, on=monday, rows=OVERDUE_ROWS),
        incomplete_events=list(events[:EVENT_ROWS]),
        incomplete_event_total=events.count(),
    )


# Who gets it


def digest_recipient_ids() -> list[int]:
    """Active users with an e-mail address who are network managers or lead a team."""
    return list(
        User.objects.filter(is_active=True)
        .exclude(email="")
        .filter(
            Q(is_superuser=True)  # a network manager, as relations.permissions says
            | Q(groups__name=Role.NETWORK_MANAGER)
            | Q(led_teams__isnull=False)
        )
        .order_by("pk")
        .values_list("pk", flat=True)
        .distinct()
    )


def digests_pending(*, day: datetime.date) -> list[int]:
    """Recipients whose digest for the Monday `day` has not gone out yet."""
    busy_or_done = reminders_busy_or_done(day=day, kind=DIGEST_KIND)
    return [pk for pk in digest_recipient_ids() if pk not in busy_or_done]


# Sending


def digest_send_for(*, user_id: int, day: datetime.date) -> bool:
    """E-mail `user_id` the digest for the Monday `day`, at most once. True if sent now."""
    user = User.objects.filter(pk=user_id, is_active=True).exclude(email="").first()
    if user is None:
        return False
    try:
        scope = dashboard_scope(user)  # may have stopped leading a team since the sweep
    except Http404:
        return False
    digest = weekly_digest_for(scope, week_ending=day - datetime.timedelta(days=1))
    return send_once(
        user_id=user_id,
        day=day,
        kind=DIGEST_KIND,
        send=lambda: _send_digest_email(user=user, digest=digest),
    )


def week_label(first: datetime.date, last: datetime.date) -> str:
    """ "Mon 16 – Sun 22 November 2026", in the active language."""
    if (first.year, first.month) == (last.year, last.month):
        start = formats.date_format(first, "D j")
    elif first.year == last.year:
        start = formats.date_format(first, "D j F")
    else:
        start = formats.date_format(first, "D j F Y")
    return _("%(start)s – %(end)s") % {"start": start, "end": formats.date_format(last, "D j F Y")}


def scope_label(scope: Scope) -> str:
    if scope.whole_organisation:
        return _("the whole organisation")
    names = ", ".join(team.name for team in scope.teams)
    if len(scope.teams) == 1:
        return _("team %(names)s") % {"names": names}
    return _("teams %(names)s") % {"names": names}


def _links(digest: WeeklyDigest) -> dict:
    site_url = settings.SITE_URL.rstrip("/")

    def url(name: str, **query) -> str:
        address = site_url + reverse(f"network_manager:{name}")
        return f"{address}?{urlencode(query)}" if query else address

    return {
        "site_url": site_url,
        "dashboard_url": url("dashboard"),
        "relationships_url": url("relationships"),
        "gone_cold_url": url("key_contacts", state=KeyContactState.GOING_COLD),
        "overdue_url": url("overdue_followups"),
        "overdue_by_networker": [
            (row, url("overdue_followups", assignee=row.id)) for row in digest.overdue_by_networker
        ],
    }


def _send_digest_email(*, user: User, digest: WeeklyDigest) -> None:
    with translation.override(user.language or settings.LANGUAGE_CODE):
        week = week_label(digest.week_starts, digest.week_ending)
        context = {
            "user": user,
            "digest": digest,
            "week": week,
            "scope_label": scope_label(digest.scope),
            "coming_event_days": COMING_EVENT_DAYS,
            **_links(digest),
        }
        subject = _("Your weekly network digest: %(week)s") % {"week": week}
        body = render_to_string("network_manager/email/digest.txt", context)
        html = render_to_string("network_manager/email/digest.html", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email], html_message=html)


def digests_send_all(*, day: datetime.date) -> int:
    """Send every pending digest for the Monday `day` in this process (the management
    command); a failure is logged and left for the next run (its claim was released)."""
    sent = 0
    for user_id in digests_pending(day=day):
        try:
            sent += digest_send_for(user_id=user_id, day=day)
        except Exception:
            logger.exception("Weekly digest for user %s failed; the next sweep retries", user_id)
    return sent
