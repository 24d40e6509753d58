"""Celery tasks of the strategic layer: thin wrappers that load by key and call a service."""

import datetime

from celery import shared_task
from django.utils import timezone

from crm.queue import enqueue_on_commit
from events.tasks import RETRY_POLICY
from network_manager import digest, services


@shared_task
def sweep_weekly_digests(day: str | None = None) -> int:
    """Enqueue one digest per network manager and team lead whose e-mail for this Monday
    has not gone out yet; returns how many.

    Beat runs it on Mondays at WEEKLY_DIGEST_HOUR (08:00) and every 15 minutes after as a
    catch-up; on other days and earlier hours it does nothing. `day` (a Monday, YYYY-MM-DD)
    sends that Monday's digests whatever the time. Sending is idempotent, so a repeated
    sweep sends nothing twice.
    """
    monday = datetime.date.fromisoformat(day) if day else digest.digest_due_on(timezone.localtime())
    if monday is None:
        return 0
    pending = digest.digests_pending(day=monday)
    for user_id in pending:
        enqueue_on_commit(send_weekly_digest, user_id, monday.isoformat())
    return len(pending)


# As for the other reminders: the claim is released before the error propagates, so a
# retry can send; the catch-up sweep covers what still fails.
@shared_task(**RETRY_POLICY)
def send_weekly_digest(user_id: int, day: str) -> bool:
    return digest.digest_send_for(user_id=user_id, day=datetime.date.fromisoformat(day))


@shared_task
def record_warmth_snapshot() -> int:
    """Store today's relationships by warmth (the dashboard's trend); beat runs it monthly."""
    return services.warmth_snapshot_record()


@shared_task
def refresh_activity() -> int:
    """Recount the dashboard's meetings and give/ask rollups; beat runs it every 15 minutes."""
    return services.activity_refresh()
