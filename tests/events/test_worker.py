"""A real Celery worker sends the event briefings and outcome nudges: against Redis (CI) and
the file-system broker.

The worker runs in a thread of this process, so it shares the test database (transaction=True
commits what it must see) and the locmem outbox. The structure follows
tests/relations/test_worker.py.
"""

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterator

import pytest
from celery.contrib.testing.worker import TestWorkController, start_worker
from celery.signals import task_postrun
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from crm import celery as crm_celery
from events.models import Encounter, Event
from events.tasks import send_event_briefing, send_event_nudge, sweep_event_reminders
from relations.models import Contact, Organisation, ReminderLog
from tests.conftest import filesystem_broker_options
from tests.events.conftest import at

WAIT_SECONDS = 30
SITE_URL = "https://crm.example.org"
SWEEP = sweep_event_reminders.name
BRIEFING = send_event_briefing.name
NUDGE = send_event_nudge.name

pytestmark = pytest.mark.django_db(transaction=True)


class BoundedWorkController(TestWorkController):
    """Fails instead of hanging when the worker does not come up."""

    def ensure_started(self) -> None:
        if not self._on_started.wait(WAIT_SECONDS):
            raise AssertionError(f"the Celery worker did not start within {WAIT_SECONDS}s")


def wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {WAIT_SECONDS}s waiting for {what}")
        time.sleep(0.05)


@pytest.fixture(autouse=True)
def _settings(settings, monkeypatch):
    settings.SITE_URL = SITE_URL
    settings.EVENT_REMINDER_HOUR = 0  # the sweep sends whatever the time of day
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Close the worker thread's connection after each task (Celery's Django fix-up does
    # so when it is obsolete), so none is left open when the test database goes away.
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 0)


@pytest.fixture
def finished_tasks() -> Iterator[list[tuple[str, object]]]:
    """(task name, return value) of every task the worker finished, in order."""
    finished: list[tuple[str, object]] = []
    lock = threading.Lock()

    def record(sender=None, retval=None, **kwargs) -> None:
        with lock:
            finished.append((sender.name, retval))

    task_postrun.connect(record, weak=False)
    yield finished
    task_postrun.disconnect(record)


@pytest.fixture
def redis_broker(redis_url, use_broker) -> str:
    use_broker(redis_url, visibility_timeout=3600, socket_connect_timeout=3, socket_timeout=10)
    crm_celery.app.control.purge()  # leftovers of an earlier, interrupted run
    return redis_url


@pytest.fixture
def filesystem_broker(tmp_path, use_broker) -> str:
    use_broker("filesystem://", **filesystem_broker_options(tmp_path, polling_interval=0.1))
    return "filesystem://"


@contextlib.contextmanager
def running_worker() -> Iterator[TestWorkController]:
    # The embedded worker sets up logging (root level, handlers); put it back afterwards.
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    try:
        with start_worker(
            crm_celery.app,
            pool="solo",
            perform_ping_check=False,
            shutdown_timeout=WAIT_SECONDS,
            WorkController=BoundedWorkController,
        ) as worker:
            yield worker
    finally:
        root.setLevel(level)
        root.handlers[:] = handlers


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
