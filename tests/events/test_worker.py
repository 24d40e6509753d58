"""A real Celery worker sends the event briefings and outcome nudges: against Redis (CI) and
the file-system broker.

The worker runs in a thread of this process, so it shares the test database (transaction=True
commits what it must see) and the locmem outbox. The structure follows
tests/relations/test_worker.py.
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Encounter, Event
from events.tasks import send_event_briefing, send_event_nudge, sweep_event_reminders
from relations.models import Contact, Organisation, ReminderLog
from tests.celery_worker import running_worker, wait_for
from tests.events.conftest import at

SITE_URL = "https://crm.example.org"
SWEEP = sweep_event_reminders.name
BRIEFING = send_event_briefing.name
NUDGE = send_event_nudge.name

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _settings(settings, worker_connections):
    settings.SITE_URL = SITE_URL
    settings.EVENT_REMINDER_HOUR = 0  # the sweep sends whatever the time of day


@pytest.fixture
def plan(networker, colleague, outsider, planner):
    """A congress the day after tomorrow and a reception that ended yesterday."""
    acme = Organisation.objects.create(name="Acme Holding")
    anna = Contact.objects.create(first_name="Anna", last_name="Jansen", organisation=acme)
    bram = Contact.objects.create(first_name="Bram", last_name="Bakker")
    congress = Event.objects.create(
        name="Energy Congress", starts_at=at(2, 9), ends_at=at(2, 17), organiser=planner
    )
    reception = Event.objects.create(
        name="Spring Reception", starts_at=at(-1, 16), ends_at=at(-1, 19), organiser=planner
    )

    def meet(event, who, contact, starts_at, goal="", outcome=False):
        return Encounter.objects.create(
            event=event,
            colleague=who,
            contact=contact,
            starts_at=starts_at,
            goal=goal,
            outcome="Went well" if outcome else "",
            outcome_recorded_at=timezone.now() if outcome else None,
        )

    return {
        "congress": congress,
        "reception": reception,
        "nina_anna": meet(congress, networker, anna, at(2, 10), goal="Get Acme into the pilot"),
        "carl_bram": meet(congress, colleague, bram, at(2, 11), goal="Ask Bram about the tender"),
        "nina_reception": meet(reception, networker, bram, at(-1, 17), goal="Thank Bram"),
        "carl_reception": meet(reception, colleague, anna, at(-1, 16), outcome=True),
    }


def finished(finished_tasks, name: str) -> list[object]:
    return [retval for task, retval in finished_tasks if task == name]


def run_sweep_twice_and_check_emails(finished_tasks, mailoutbox, plan, networker, colleague):
    with running_worker():
        sweep_and_check(finished_tasks, mailoutbox, plan, networker, colleague)


def sweep_and_check(finished_tasks, mailoutbox, plan, networker, colleague) -> None:
    congress, reception = plan["congress"], plan["reception"]

    sweep_event_reminders.delay()
    wait_for(lambda: len(finished(finished_tasks, SWEEP)) == 1, "the first sweep to run")
    # Two briefings (Nina, Carl) and one nudge (Nina; Carl recorded his outcome).
    assert finished(finished_tasks, SWEEP) == [3]
    wait_for(lambda: len(finished(finished_tasks, BRIEFING)) == 2, "both briefing tasks")
    wait_for(lambda: len(finished(finished_tasks, NUDGE)) == 1, "the nudge task")
    wait_for(lambda: len(mailoutbox) == 3, "three e-mails")

    briefings = {m.to[0]: m for m in mailoutbox if m.subject.startswith("Your briefing for ")}
    assert sorted(briefings) == sorted([networker.email, colleague.email])
    mine = briefings[networker.email]
    assert "Energy Congress" in mine.subject
    assert "Anna Jansen" in mine.body
    assert "Get Acme into the pilot" in mine.body
    assert SITE_URL + reverse("events:briefing", args=[congress.pk, networker.pk]) in mine.body
    assert "Bram Bakker" not in mine.body  # Carl meets Bram at the congress
    assert "Ask Bram about the tender" in briefings[colleague.email].body
    [nudge] = [m for m in mailoutbox if m.subject.startswith("How did ")]
    assert nudge.to == [networker.email]
    assert "Spring Reception" in nudge.subject
    assert "Thank Bram" in nudge.body
    assert SITE_URL + reception.get_absolute_url() in nudge.body
    assert ReminderLog.objects.filter(sent_at__isnull=False).count() == 3

    # Beat's catch-up sweep on the same day finds nothing left to send.
    sweep_event_reminders.delay()
    wait_for(lambda: len(finished(finished_tasks, SWEEP)) == 2, "the second sweep to run")
    assert finished(finished_tasks, SWEEP) == [3, 0]
    # A duplicate delivery of either task (a redelivery, a retry) sends nothing either.
    today = timezone.localdate().isoformat()
    send_event_briefing.delay(congress.pk, networker.pk, today)
    send_event_nudge.delay(reception.pk, networker.pk, today)
    wait_for(
        lambda: (
            (len(finished(finished_tasks, BRIEFING)), len(finished(finished_tasks, NUDGE)))
            == (3, 2)
        ),
        "the duplicate tasks to run",
    )
    assert finished(finished_tasks, BRIEFING) == [True, True, False]
    assert finished(finished_tasks, NUDGE) == [True, False]
    assert len(mailoutbox) == 3


@pytest.mark.services
def test_worker_on_redis_sends_each_briefing_and_nudge_once(
    redis_broker, plan, finished_tasks, mailoutbox, networker, colleague
):
    run_sweep_twice_and_check_emails(finished_tasks, mailoutbox, plan, networker, colleague)


def test_worker_on_filesystem_broker_sends_each_briefing_and_nudge_once(
    filesystem_broker, plan, finished_tasks, mailoutbox, networker, colleague
):
    run_sweep_twice_and_check_emails(finished_tasks, mailoutbox, plan, networker, colleague)
