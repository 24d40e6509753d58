"""Follow-up reminders: one e-mail per assignee and day, whatever happens in between."""

import datetime
import logging
import smtplib
import threading
import time
from io import StringIO

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext

from crm import celery as crm_celery
from crm.queue import enqueue_on_commit
from relations import services
from relations.models import Contact, FollowUp, Organisation, ReminderLog
from relations.tasks import send_followup_reminder, sweep_followup_reminders
from tests.conftest import filesystem_broker_options

DAY = datetime.date(2026, 3, 10)
SITE_URL = "https://crm.example.org"


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.SITE_URL = SITE_URL
    # The actors' passwords need no strong hashing here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def people(networker, colleague, outsider):
    """Follow-ups for three people on DAY: what is due, overdue, later, done."""
    acme = Organisation.objects.create(name="Acme Holding")
    anna = Contact.objects.create(first_name="Anna", last_name="Jansen", organisation=acme)
    bram = Contact.objects.create(first_name="Bram", last_name="Bakker")
    cees = Contact.objects.create(first_name="Cees", last_name="Visser")

    def followup(assignee, contact, text, due_on, done=False):
        return FollowUp.objects.create(
            assignee=assignee,
            created_by=assignee,
            contact=contact,
            text=text,
            due_on=due_on,
            done_at=timezone.now() if done else None,
        )

    return {
        "due_today": followup(networker, anna, "Send the annual report", DAY),
        "overdue": followup(networker, bram, "Introduce Bram to the mayor", DAY - days(3)),
        "later": followup(networker, cees, "Invite Cees to the summit", DAY + days(1)),
        "done": followup(networker, cees, "Call Cees back", DAY - days(5), done=True),
        "colleague_due": followup(colleague, cees, "Coffee with Cees", DAY),
        "outsider_later": followup(outsider, anna, "Lunch with Anna", DAY + days(7)),
    }


def email_to(address: str) -> mail.EmailMessage:
    matching = [m for m in mail.outbox if m.to == [address]]
    assert len(matching) == 1, f"expected one e-mail to {address}, got {len(matching)}"
    return matching[0]


def html_of(message) -> str:
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


def contact_link(contact_id: int) -> str:
    return SITE_URL + reverse("relations:contact_detail", args=[contact_id])


# Content


def test_each_assignee_with_due_followups_gets_one_email(people, networker, colleague, mailoutbox):
    sent = services.reminders_send_all(day=DAY)

    assert sent == 2
    assert sorted(m.to[0] for m in mailoutbox) == sorted([networker.email, colleague.email])


def test_email_lists_due_and_overdue_followups_with_links(people, networker, mailoutbox):
    services.reminders_send_all(day=DAY)

    message = email_to(networker.email)
    for body in (message.body, html_of(message)):
        assert "Send the annual report" in body
        assert "Anna Jansen" in body
        assert "Acme Holding" in body
        assert "Introduce Bram to the mayor" in body
        assert contact_link(people["due_today"].contact_id) in body
        assert contact_link(people["overdue"].contact_id) in body
        assert SITE_URL + reverse("relations:my_network") in body
    assert message.subject == "Your follow-ups for " + formats.date_format(DAY, "SHORT_DATE_FORMAT")


def test_only_the_overdue_followup_is_marked_overdue(people, networker, mailoutbox):
    services.reminders_send_all(day=DAY)

    lines = email_to(networker.email).body.splitlines()
    [due_line] = [line for line in lines if "Due:" in line and "10-03-2026" in line]
    [overdue_line] = [line for line in lines if "Due:" in line and "07-03-2026" in line]
    assert "overdue" not in due_line
    assert "(overdue)" in overdue_line
    assert html_of(email_to(networker.email)).count("(overdue)") == 1


def test_email_leaves_out_other_peoples_later_and_done_followups(people, networker, mailoutbox):
    services.reminders_send_all(day=DAY)

    message = email_to(networker.email)
    for body in (message.body, html_of(message)):
        assert "Coffee with Cees" not in body  # the colleague's
        assert "Lunch with Anna" not in body  # the outsider's
        assert "Invite Cees to the summit" not in body  # not due yet
        assert "Call Cees back" not in body  # done


def test_nobody_without_due_followups_is_emailed(people, outsider, mailoutbox):
    services.reminders_send_all(day=DAY)

    assert outsider.email not in [m.to[0] for m in mailoutbox]


def test_inactive_or_address_less_assignee_gets_nothing(people, networker, colleague, mailoutbox):
    networker.is_active = False
    networker.save()
    colleague.email = ""
    colleague.save()

    assert services.reminders_send_all(day=DAY) == 0
    assert mailoutbox == []


def test_email_is_written_in_the_users_language(people, networker, mailoutbox):
    networker.language = "nl"
    networker.save()
    language_before = translation.get_language()

    services.reminders_send_all(day=DAY)

    message = email_to(networker.email)
    with translation.override("nl"):
        expected = gettext("Your follow-ups for %(day)s") % {
            "day": formats.date_format(DAY, "SHORT_DATE_FORMAT")
        }
    assert message.subject == expected
    assert "10-3-2026" in message.subject  # the Dutch date format, whatever the wording
    assert '<html lang="nl">' in html_of(message)
    assert translation.get_language() == language_before  # and restored afterwards


# Idempotency


def test_running_twice_on_the_same_day_sends_one_email_per_assignee(people, mailoutbox):
    assert services.reminders_send_all(day=DAY) == 2
    assert services.reminders_send_all(day=DAY) == 0

    assert len(mailoutbox) == 2
    assert ReminderLog.objects.filter(day=DAY, sent_at__isnull=False).count() == 2


def test_the_next_day_sends_again(people, mailoutbox):
    services.reminders_send_all(day=DAY)
    services.reminders_send_all(day=DAY + days(1))

    assert len(mailoutbox) == 4


def test_a_stale_claim_of_a_dead_worker_is_taken_over_and_sent_once(people, networker, mailoutbox):
    ReminderLog.objects.create(
        user=networker,
        day=DAY,
        kind=services.REMINDER_KIND,
        claimed_at=timezone.now() - services.stale_claim() - datetime.timedelta(minutes=1),
        attempts=1,
    )

    assert services.reminder_send_for(user_id=networker.pk, day=DAY) is True
    assert services.reminder_send_for(user_id=networker.pk, day=DAY) is False

    assert [m.to for m in mailoutbox] == [[networker.email]]
    log = ReminderLog.objects.get(user=networker, day=DAY)
    assert log.sent_at is not None
    assert log.attempts == 2


def test_a_fresh_claim_by_another_worker_is_left_alone(people, networker, mailoutbox):
    ReminderLog.objects.create(
        user=networker, day=DAY, kind=services.REMINDER_KIND, claimed_at=timezone.now()
    )

    assert services.reminder_send_for(user_id=networker.pk, day=DAY) is False
    assert services.reminders_send_all(day=DAY) == 1  # only the colleague's

    assert networker.email not in [m.to[0] for m in mailoutbox]


@pytest.fixture
def smtp_fails_once(monkeypatch):
    """The mail server drops the first connection, then works."""
    calls = {"failures": 0}
    real_send = EmailBackend.send_messages

    def send_messages(self, messages):
        if calls["failures"] == 0:
            calls["failures"] += 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return real_send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", send_messages)
    return calls


def test_a_send_failure_releases_the_claim_and_raises(
    people, networker, smtp_fails_once, mailoutbox
):
    with pytest.raises(smtplib.SMTPServerDisconnected):
        services.reminder_send_for(user_id=networker.pk, day=DAY)

    log = ReminderLog.objects.get(user=networker, day=DAY)
    assert log.claimed_at is None
    assert log.sent_at is None
    assert mailoutbox == []

    assert services.reminder_send_for(user_id=networker.pk, day=DAY) is True
    assert services.reminder_send_for(user_id=networker.pk, day=DAY) is False
    assert [m.to for m in mailoutbox] == [[networker.email]]


def test_send_task_retries_failures_with_backoff():
    task = send_followup_reminder
    assert issubclass(smtplib.SMTPServerDisconnected, task.autoretry_for)
    assert issubclass(ConnectionRefusedError, task.autoretry_for)
    assert task.retry_backoff == 30
    assert task.retry_backoff_max == 900
    assert task.retry_jitter is True
    assert task.max_retries == 8


def test_send_task_retry_after_a_failure_sends_exactly_once(
    people, networker, smtp_fails_once, mailoutbox
):
    # Eager apply() runs the retry at once instead of after the backoff countdown.
    result = send_followup_reminder.apply(args=[networker.pk, DAY.isoformat()])

    assert result.successful()
    assert result.result is True
    assert smtp_fails_once["failures"] == 1
    assert [m.to for m in mailoutbox] == [[networker.email]]
    assert ReminderLog.objects.get(user=networker, day=DAY).attempts == 2
    again = send_followup_reminder.apply(args=[networker.pk, DAY.isoformat()])
    assert again.result is False
    assert len(mailoutbox) == 1


def test_sending_for_all_survives_one_failure_and_the_next_run_catches_up(
    people, networker, colleague, smtp_fails_once, mailoutbox
):
    assert services.reminders_send_all(day=DAY) == 1
    assert services.reminders_send_all(day=DAY) == 1
    assert services.reminders_send_all(day=DAY) == 0

    assert sorted(m.to[0] for m in mailoutbox) == sorted([networker.email, colleague.email])


# The daily sweep


@pytest.fixture
def eager_celery(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    assert crm_celery.app.conf.task_always_eager is True


@pytest.fixture
def today_is_due(people):
    """Move the fixture's follow-ups so that DAY is today."""
    shift = timezone.localdate() - DAY
    for followup in people.values():
        FollowUp.objects.filter(pk=followup.pk).update(due_on=followup.due_on + shift)
    return people


def test_sweep_sends_after_the_reminder_hour(
    today_is_due,
    settings,
    eager_celery,
    networker,
    colleague,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    settings.FOLLOWUP_REMINDER_HOUR = 0

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert sweep_followup_reminders() == 2

    assert len(callbacks) == 2  # each send is enqueued only once the sweep commits
    assert sorted(m.to[0] for m in mailoutbox) == sorted([networker.email, colleague.email])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert sweep_followup_reminders() == 0
    assert callbacks == []
    assert len(mailoutbox) == 2


def test_sweep_sends_nothing_before_the_reminder_hour(
    today_is_due, settings, eager_celery, mailoutbox, django_capture_on_commit_callbacks
):
    settings.FOLLOWUP_REMINDER_HOUR = 24  # never reached

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert sweep_followup_reminders() == 0

    assert callbacks == []
    assert mailoutbox == []


# The management command


def test_command_sends_and_reports_how_many(people, networker, colleague, mailoutbox):
    out = StringIO()
    call_command("send_followup_reminders", "--date", DAY.isoformat(), stdout=out)

    assert "Sent 2 follow-up reminders for 2026-03-10." in out.getvalue()
    assert sorted(m.to[0] for m in mailoutbox) == sorted([networker.email, colleague.email])


def test_command_twice_on_the_same_day_sends_nothing_new(people, mailoutbox):
    call_command("send_followup_reminders", "--date", DAY.isoformat(), stdout=StringIO())
    out = StringIO()
    call_command("send_followup_reminders", "--date", DAY.isoformat(), stdout=out)

    assert "Sent 0 follow-up reminders" in out.getvalue()
    assert len(mailoutbox) == 2


def test_command_date_decides_what_is_due(people, networker, mailoutbox):
    out = StringIO()
    call_command("send_followup_reminders", "--date", (DAY - days(1)).isoformat(), stdout=out)

    assert "Sent 1 follow-up reminder for 2026-03-09." in out.getvalue()
    message = email_to(networker.email)
    assert "Introduce Bram to the mayor" in message.body
    assert "Send the annual report" not in message.body


def test_command_defaults_to_today(today_is_due, mailoutbox):
    out = StringIO()
    call_command("send_followup_reminders", stdout=out)

    assert f"for {timezone.localdate().isoformat()}" in out.getvalue()
    assert len(mailoutbox) == 2


def test_command_refuses_a_malformed_date(db):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_followup_reminders", "--date", "10-03-2026")


# Enqueueing on commit


@pytest.fixture
def filesystem_broker(use_broker, tmp_path):
    """A file-system broker in tmp_path, so the messages sent can be counted."""
    use_broker("filesystem://", **filesystem_broker_options(tmp_path, max_retries=0))
    return tmp_path / "queue"


@pytest.fixture
def broker_down(use_broker):
    # Nothing listens on port 1; one quick retry, as the settings give Redis.
    use_broker("redis://127.0.0.1:1/0", max_retries=1, interval_start=0.2, socket_connect_timeout=1)


def messages_in(queue) -> list:
    return [p for p in queue.iterdir() if p.suffix == ".msg"]


@pytest.mark.django_db(transaction=True)
def test_enqueue_sends_once_the_transaction_commits(filesystem_broker, networker):
    with transaction.atomic():
        enqueue_on_commit(send_followup_reminder, networker.pk, DAY.isoformat())
        assert messages_in(filesystem_broker) == []

    assert len(messages_in(filesystem_broker)) == 1


@pytest.mark.django_db(transaction=True)
def test_nothing_is_enqueued_when_the_transaction_rolls_back(filesystem_broker, networker):
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue_on_commit(send_followup_reminder, networker.pk, DAY.isoformat())
        raise RuntimeError("the request failed")

    assert messages_in(filesystem_broker) == []


@pytest.mark.django_db(transaction=True)
def test_a_broker_outage_does_not_fail_the_caller(broker_down, networker, caplog):
    caplog.set_level(logging.WARNING, logger="crm.queue")
    started = time.monotonic()
    with transaction.atomic():
        enqueue_on_commit(send_followup_reminder, networker.pk, DAY.isoformat())
    elapsed = time.monotonic() - started

    assert elapsed < 3, f"enqueueing with the broker down took {elapsed:.1f}s"
    assert "the sweep will catch up" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_the_sweep_keeps_working_when_the_broker_is_down(
    broker_down, today_is_due, settings, mailoutbox
):
    settings.FOLLOWUP_REMINDER_HOUR = 0

    assert sweep_followup_reminders() == 2  # nothing raised; the next sweep retries
    assert mailoutbox == []
    assert not ReminderLog.objects.filter(sent_at__isnull=False).exists()


# Concurrency (PostgreSQL: real row locks between connections)


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_concurrent_claimers_send_one_email(require_postgresql, people, networker, mailoutbox):
    workers = 6
    barrier = threading.Barrier(workers)
    results: list[bool] = []
    errors: list[BaseException] = []

    def claim_and_send() -> None:
        try:
            barrier.wait(timeout=10)
            results.append(services.reminder_send_for(user_id=networker.pk, day=DAY))
        except BaseException as exc:  # reported in the main thread
            errors.append(exc)
        finally:
            connection.close()  # each thread had its own connection

    threads = [threading.Thread(target=claim_and_send) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert not any(thread.is_alive() for thread in threads), "a claimer hung"
    assert errors == []
    assert sorted(results) == [False] * (workers - 1) + [True]
    assert [m.to for m in mailoutbox] == [[networker.email]]
    assert ReminderLog.objects.get(user=networker, day=DAY).sent_at is not None
