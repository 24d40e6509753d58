"""Celery tasks of the events app: thin wrappers that load by key and call a service."""

import datetime
import smtplib

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from crm.queue import enqueue_on_commit
from events import reminders


@shared_task
def sweep_event_reminders() -> int:
    """Enqueue each briefing (events in two days) and outcome nudge (events that ended
    yesterday) whose e-mail for today has not gone out yet; returns how many.

    Beat runs it daily at EVENT_REMINDER_HOUR (08:00) and every 15 minutes after as a
    catch-up; sending is idempotent, so a repeated sweep sends nothing twice.
    """
    now = timezone.localtime()
    if now.hour < settings.EVENT_REMINDER_HOUR:
        return 0
    day = now.date()
    briefings = reminders.briefings_pending(day=day)
    for item in briefings:
        enqueue_on_commit(send_event_briefing, item.event_id, item.user_id, day.isoformat())
    nudges = reminders.nudges_pending(day=day)
    for item in nudges:
        enqueue_on_commit(send_event_nudge, item.event_id, item.user_id, day.isoformat())
    return len(briefings) + len(nudges)


# As for the follow-up reminders: the claim is released before the error propagates, so a
# retry can send; backoff stays well below the Redis visibility timeout, and the catch-up
# sweep covers what still fails.
RETRY_POLICY = {
    "autoretry_for": (smtplib.SMTPException, ConnectionError, TimeoutError, OSError),
    "retry_backoff": 30,
    "retry_backoff_max": 900,
    "retry_jitter": True,
    "max_retries": 8,
}


@shared_task(**RETRY_POLICY)
def send_event_briefing(event_id: int, user_id: int, day: str) -> bool:
    return reminders.briefing_send_for(
        event_id=event_id, user_id=user_id, day=datetime.date.fromisoformat(day)
    )


@shared_task(**RETRY_POLICY)
def send_event_nudge(event_id: int, user_id: int, day: str) -> bool:
    return reminders.nudge_send_for(
        event_id=event_id, user_id=user_id, day=datetime.date.fromisoformat(day)
    )
