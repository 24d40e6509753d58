"""Celery tasks: thin wrappers that load by key and call a service."""

import datetime
import smtplib

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from crm.queue import enqueue_on_commit
from relations import services


@shared_task
def sweep_followup_reminders() -> int:
    """Enqueue one reminder per assignee whose e-mail for today has not gone out yet.

    Beat runs it daily at FOLLOWUP_REMINDER_HOUR (08:00) and every 15 minutes after as a
    catch-up; sending is idempotent, so a repeated sweep sends nothing twice.
    """
    now = timezone.localtime()
    if now.hour < settings.FOLLOWUP_REMINDER_HOUR:
        return 0
    day = now.date()
    pending = services.reminder_users_pending(day=day)
    for user_id in pending:
        enqueue_on_commit(send_followup_reminder, user_id, day.isoformat())
    return len(pending)


# The claim is released before the error propagates, so a retry can send; backoff is capped
# well below the Redis visibility timeout, and the catch-up sweep covers what still fails.
@shared_task(
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError, OSError),
    retry_backoff=30,
    retry_backoff_max=900,
    retry_jitter=True,
    max_retries=8,
)
def send_followup_reminder(user_id: int, day: str) -> bool:
    return services.reminder_send_for(user_id=user_id, day=datetime.date.fromisoformat(day))
