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

    Runs daily at 08:00 and every 15 minutes after as a catch-up; idempotent.
    """
    now = timezone.localtime()
    if now.hour < settings.FOLLOWUP_REMINDER_HOUR:
        return 0
    day = now.date()
    pending = services.reminder_users_pending(day=day)
    for user_id in pending:
        enqueue_on_commit(send_followup_reminder, user_id, day.isoformat())
    return len(pending)


@shared_task(
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError, OSError),
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=8,
)
def send_followup_reminder(user_id: int, day: str) -> bool:
    return services.reminder_send_for(user_id=user_id, day=datetime.date.fromisoformat(day))
