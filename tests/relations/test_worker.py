"""A real Celery worker sends the reminders: against Redis (CI) and the file-system broker.

The worker runs in a thread of this process, so it shares the test database (transaction=True
commits what it must see) and the locmem outbox.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from relations.models import Contact, FollowUp, Organisation, ReminderLog
from relations.tasks import send_followup_reminder, sweep_followup_reminders
from tests.celery_worker import running_worker, wait_for

SITE_URL = "https://crm.example.org"
SWEEP = sweep_followup_reminders.name
SEND = send_followup_reminder.name

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _settings(settings, worker_connections):
    settings.SITE_URL = SITE_URL
    settings.FOLLOWUP_REMINDER_HOUR = 0  # the sweep sends whatever the time of day


@pytest.fixture
def due_followups(networker, colleague, outsider):
    today = timezone.localdate()
    acme = Organisation.objects.create(name="Acme Holding")
    anna = Contact.objects.create(first_name="Anna", last_name="Jansen", organisation=acme)
    bram = Contact.objects.create(first_name="Bram", last_name="Bakker")

    def followup(assignee, contact, text, due_on):
        return FollowUp.objects.create(
            assignee=assignee, created_by=assignee, contact=contact, text=text, due_on=due_on
        )

    return {
        "due_today": followup(networker, anna, "Send the annual report", today),
        "overdue": followup(networker, bram, "Introduce Bram to the mayor", today - days(2)),
        "later": followup(networker, anna, "Invite Anna to the summit", today + days(3)),
        "colleague_due": followup(colleague, bram, "Coffee with Bram", today),
        "outsider_later": followup(outsider, anna, "Lunch with Anna", today + days(9)),
    }


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def sends(finished) -> list[object]:
    return [retval for name, retval in finished if name == SEND]


def sweeps(finished) -> list[object]:
    return [retval for name, retval in finished if name == SWEEP]


def run_sweep_twice_and_check_emails(
    finished, mailoutbox, networker, colleague, outsider, due_followups
) -> None:
    with running_worker():
        sweep_and_check(finished, mailoutbox, networker, colleague, outsider, due_followups)


def sweep_and_check(finished, mailoutbox, networker, colleague, outsider, due_followups) -> None:
    sweep_followup_reminders.delay()
    wait_for(lambda: len(sweeps(finished)) == 1, "the first sweep to run on the worker")
    assert sweeps(finished) == [2], "the sweep should enqueue one reminder per assignee"
    wait_for(lambda: len(sends(finished)) == 2, "the worker to run both reminder tasks")
    wait_for(lambda: len(mailoutbox) == 2, "two reminder e-mails")

    assert sorted(m.to[0] for m in mailoutbox) == sorted([networker.email, colleague.email])
    assert outsider.email not in [m.to[0] for m in mailoutbox]
    mine = next(m for m in mailoutbox if m.to == [networker.email])
    assert mine.subject.startswith("Your follow-ups for ")
    for text in ("Send the annual report", "Introduce Bram to the mayor", "(overdue)"):
        assert text in mine.body
    assert "Invite Anna to the summit" not in mine.body
    assert "Coffee with Bram" not in mine.body
    contact_url = reverse("relations:contact_detail", args=[due_followups["overdue"].contact_id])
    assert SITE_URL + contact_url in mine.body
    theirs = next(m for m in mailoutbox if m.to == [colleague.email])
    assert "Coffee with Bram" in theirs.body
    assert "Send the annual report" not in theirs.body
    assert ReminderLog.objects.filter(sent_at__isnull=False).count() == 2

    # Beat's catch-up sweep on the same day finds nothing left to send.
    sweep_followup_reminders.delay()
    wait_for(lambda: len(sweeps(finished)) == 2, "the second sweep to run on the worker")
    assert sweeps(finished) == [2, 0]
    # A duplicate delivery of a reminder task (a redelivery, a retry) sends nothing either.
    send_followup_reminder.delay(networker.pk, timezone.localdate().isoformat())
    wait_for(lambda: len(sends(finished)) == 3, "the duplicate reminder task to run")
    assert sends(finished) == [True, True, False]
    assert len(mailoutbox) == 2


@pytest.mark.services
def test_worker_on_redis_sends_each_assignee_one_email(
    redis_broker, due_followups, finished_tasks, mailoutbox, networker, colleague, outsider
):
    run_sweep_twice_and_check_emails(
        finished_tasks, mailoutbox, networker, colleague, outsider, due_followups
    )


def test_worker_on_filesystem_broker_sends_each_assignee_one_email(
    filesystem_broker,
    due_followups,
    finished_tasks,
    mailoutbox,
    networker,
    colleague,
    outsider,
):
    run_sweep_twice_and_check_emails(
        finished_tasks, mailoutbox, networker, colleague, outsider, due_followups
    )
