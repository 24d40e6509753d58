"""Event reminders: a briefing two days before, an outcome nudge the morning after, once."""

import datetime
import logging
import smtplib
from io import StringIO

import pytest
from celery.schedules import crontab
from django.conf import settings as django_settings
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone, translation

from crm import celery as crm_celery
from events import reminders
from events.models import Encounter, Event
from events.tasks import send_event_briefing, send_event_nudge, sweep_event_reminders
from relations.models import Contact, Interaction, InteractionKind, Organisation, ReminderLog
from stakeholders.models import ContactMembership, StakeholderGroup, Topic

DAY = datetime.date(2026, 3, 10)  # a Tuesday; briefings for the 12th, nudges for the 9th
SITE_URL = "https://crm.example.org"


def local(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.SITE_URL = SITE_URL


@pytest.fixture
def plan(networker, colleague, outsider, planner):
    """Around DAY: a congress in two days, a reception that ended yesterday, and decoys."""
    acme = Organisation.objects.create(name="Acme Holding")
    anna = Contact.objects.create(
        first_name="Anna", last_name="Jansen", job_title="Director", organisation=acme
    )
    bram = Contact.objects.create(first_name="Bram", last_name="Bakker")
    cees = Contact.objects.create(first_name="Cees", last_name="Visser", organisation=acme)
    group = StakeholderGroup.objects.create(name="Energy companies", influence=4, interest=5)
    ContactMembership.objects.create(group=group, contact=anna)
    Topic.objects.create(name="Heat networks").contacts.add(anna)

    def event(name, day, start, end, **fields):
        return Event.objects.create(
            name=name,
            starts_at=local(day, start),
            ends_at=local(day, end),
            organiser=planner,
            **fields,
        )

    congress = event("Energy Congress", DAY + days(2), 9, 17, location="Jaarbeurs Utrecht")
    reception = event("Spring Reception", DAY - days(1), 16, 19)
    later = event("Summer Fair", DAY + days(3), 10, 12)
    sooner = event("Breakfast", DAY + days(1), 8, 9)

    def meet(event, who, contact, hour, minute=0, goal="", outcome=False):
        return Encounter.objects.create(
            event=event,
            colleague=who,
            contact=contact,
            starts_at=local(timezone.localtime(event.starts_at).date(), hour, minute),
            minutes=30,
            goal=goal,
            outcome="Went well" if outcome else "",
            outcome_recorded_at=timezone.now() if outcome else None,
        )

    return {
        "congress": congress,
        "reception": reception,
        "later": later,
        "sooner": sooner,
        "anna": anna,
        "bram": bram,
        "cees": cees,
        "nina_anna": meet(congress, networker, anna, 10, 30, goal="Get Acme into the pilot"),
        "nina_bram": meet(congress, networker, bram, 14),
        "carl_cees": meet(congress, colleague, cees, 11, goal="Ask Cees about the tender"),
        "nina_later": meet(later, networker, cees, 10),
        "nina_sooner": meet(sooner, networker, bram, 8),
        "nina_reception_anna": meet(reception, networker, anna, 16, goal="Thank Anna"),
        "nina_reception_cees": meet(reception, networker, cees, 17, outcome=True),
        "carl_reception": meet(reception, colleague, bram, 16, outcome=True),
        "otto_reception": meet(reception, outsider, cees, 18),
    }


def emails_to(address: str) -> list[mail.EmailMessage]:
    return [m for m in mail.outbox if m.to == [address]]


def one_email_to(address: str, subject_start: str) -> mail.EmailMessage:
    matching = [m for m in emails_to(address) if m.subject.startswith(subject_start)]
    assert len(matching) == 1, f"expected one {subject_start!r} e-mail to {address}"
    return matching[0]


def html_of(message) -> str:
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


def briefing_url(event, user) -> str:
    return SITE_URL + reverse("events:briefing", args=[event.pk, user.pk])


def event_url(event) -> str:
    return SITE_URL + event.get_absolute_url()


# Who gets what on which day


def test_briefings_go_to_each_colleague_meeting_somebody_at_events_in_two_days(
    plan, networker, colleague, outsider, mailoutbox
):
    sent = reminders.event_reminders_send_all(day=DAY)

    assert sent.briefings == 2
    briefings = [m for m in mailoutbox if m.subject.startswith("Your briefing")]
    assert sorted(m.to[0] for m in briefings) == sorted([networker.email, colleague.email])
    assert all("Energy Congress" in m.subject for m in briefings)  # not the fair nor breakfast


def test_nudges_go_to_colleagues_with_encounters_still_without_outcome(
    plan, networker, colleague, outsider, mailoutbox
):
    sent = reminders.event_reminders_send_all(day=DAY)

    assert sent.nudges == 2
    nudges = [m for m in mailoutbox if m.subject.startswith("How did")]
    # Carl recorded his only outcome; Nina and Otto did not.
    assert sorted(m.to[0] for m in nudges) == sorted([networker.email, outsider.email])
    assert all("Spring Reception" in m.subject for m in nudges)


def test_the_nudge_lists_only_the_encounters_without_outcome(plan, networker, mailoutbox):
    reminders.event_reminders_send_all(day=DAY)

    message = one_email_to(networker.email, "How did")
    assert message.subject == "How did Spring Reception go? Record your outcomes"
    for body in (message.body, html_of(message)):
        assert "Anna Jansen" in body
        assert "Thank Anna" in body
        assert "Cees Visser" not in body  # recorded already
        assert "Bram Bakker" not in body  # Carl's
        assert event_url(plan["reception"]) in body


def test_on_other_days_other_events_are_due(plan, networker, mailoutbox):
    sent = reminders.event_reminders_send_all(day=DAY + days(1))

    # The summer fair starts in two days; nothing ended on DAY.
    assert (sent.briefings, sent.nudges) == (1, 0)
    [message] = mailoutbox
    assert message.to == [networker.email]
    assert "Summer Fair" in message.subject


def test_nothing_is_due_on_a_quiet_day(plan, mailoutbox):
    sent = reminders.event_reminders_send_all(day=DAY + days(30))

    assert (sent.briefings, sent.nudges) == (0, 0)
    assert mailoutbox == []


# The briefing e-mail


def test_the_briefing_names_whom_when_and_the_goal_with_a_link(plan, networker, mailoutbox):
    reminders.event_reminders_send_all(day=DAY)

    message = one_email_to(networker.email, "Your briefing")
    assert message.subject == "Your briefing for Energy Congress on 12-03-2026"
    for body in (message.body, html_of(message)):
        assert "Energy Congress" in body
        assert "12 Mar 2026" in body
        assert "Jaarbeurs Utrecht" in body
        assert "Anna Jansen" in body
        assert "Director" in body
        assert "Acme Holding" in body
        assert "10:30" in body and "11:00" in body
        assert "Get Acme into the pilot" in body
        assert "Energy companies" in body
        assert "Heat networks" in body
        assert "Bram Bakker" in body
        assert "none yet: think of one before you go" in body  # Bram: no goal
        assert briefing_url(plan["congress"], networker) in body
        assert event_url(plan["congress"]) in body
        assert "Cees Visser" not in body  # Carl meets Cees
        assert "Ask Cees about the tender" not in body


def test_the_briefing_says_when_they_last_met(plan, networker, mailoutbox):
    meeting = Interaction.objects.create(
        author=networker, kind=InteractionKind.COFFEE, occurred_on=DAY - days(20), summary="Chat"
    )
    meeting.contacts.add(plan["anna"])
    meeting.our_participants.add(networker)

    reminders.event_reminders_send_all(day=DAY)

    message = one_email_to(networker.email, "Your briefing")
    assert "Last met: 18 Feb 2026" in message.body


def test_the_colleagues_briefing_is_their_own(plan, colleague, mailoutbox):
    reminders.event_reminders_send_all(day=DAY)

    message = one_email_to(colleague.email, "Your briefing")
    assert "Cees Visser" in message.body
    assert "Ask Cees about the tender" in message.body
    assert "Anna Jansen" not in message.body
    assert briefing_url(plan["congress"], colleague) in message.body


def test_the_email_is_written_in_the_users_language(plan, networker, mailoutbox):
    networker.language = "nl"
    networker.save()
    language_before = translation.get_language()

    reminders.event_reminders_send_all(day=DAY)

    briefing = next(m for m in emails_to(networker.email) if "Energy Congress" in m.subject)
    assert '<html lang="nl">' in html_of(briefing)
    assert "12-3-2026" in briefing.subject  # the Dutch date format, whatever the wording
    assert translation.get_language() == language_before  # and restored afterwards


# Nobody who cannot or need not read it


def test_inactive_or_address_less_colleagues_get_nothing(
    plan, networker, colleague, outsider, mailoutbox
):
    networker.is_active = False
    networker.save()
    colleague.email = ""
    colleague.save()

    sent = reminders.event_reminders_send_all(day=DAY)

    assert (sent.briefings, sent.nudges) == (0, 1)
    assert [m.to for m in mailoutbox] == [[outsider.email]]


def test_a_send_for_somebody_who_left_since_the_sweep_sends_nothing(plan, networker, mailoutbox):
    networker.is_active = False
    networker.save()

    assert not reminders.briefing_send_for(
        event_id=plan["congress"].pk, user_id=networker.pk, day=DAY
    )
    assert not reminders.nudge_send_for(
        event_id=plan["reception"].pk, user_id=networker.pk, day=DAY
    )
    assert mailoutbox == []


def test_a_nudge_after_the_outcomes_were_recorded_sends_nothing(plan, networker, mailoutbox):
    Encounter.objects.filter(event=plan["reception"], colleague=networker).update(
        outcome="Good talk", outcome_recorded_at=timezone.now()
    )

    assert not reminders.nudge_send_for(
        event_id=plan["reception"].pk, user_id=networker.pk, day=DAY
    )
    assert mailoutbox == []


def test_a_briefing_for_an_event_moved_since_the_sweep_sends_nothing(plan, networker, mailoutbox):
    congress = plan["congress"]
    Event.objects.filter(pk=congress.pk).update(
        starts_at=congress.starts_at + days(7), ends_at=congress.ends_at + days(7)
    )
    Encounter.objects.filter(event=congress).update(starts_at=congress.starts_at + days(7))

    assert not reminders.briefing_send_for(event_id=congress.pk, user_id=networker.pk, day=DAY)
    assert mailoutbox == []


# Once, and not lost


def test_running_twice_on_the_same_day_sends_each_email_once(plan, mailoutbox):
    first = reminders.event_reminders_send_all(day=DAY)
    second = reminders.event_reminders_send_all(day=DAY)

    assert (first.briefings, first.nudges) == (2, 2)
    assert (second.briefings, second.nudges) == (0, 0)
    assert len(mailoutbox) == 4
    assert ReminderLog.objects.filter(day=DAY, sent_at__isnull=False).count() == 4


def test_the_sent_log_keys_each_reminder_by_event(plan, networker):
    reminders.event_reminders_send_all(day=DAY)

    kinds = set(ReminderLog.objects.filter(user=networker).values_list("kind", flat=True))
    assert kinds == {
        f"event_briefing:{plan['congress'].pk}",
        f"event_nudge:{plan['reception'].pk}",
    }


def test_two_events_on_the_same_day_each_get_their_briefing(plan, networker, mailoutbox):
    workshop = Event.objects.create(
        name="Evening Workshop",
        starts_at=local(DAY + days(2), 19),
        ends_at=local(DAY + days(2), 21),
    )
    Encounter.objects.create(
        event=workshop, colleague=networker, contact=plan["bram"], starts_at=workshop.starts_at
    )

    reminders.event_reminders_send_all(day=DAY)
    reminders.event_reminders_send_all(day=DAY)

    subjects = sorted(m.subject for m in emails_to(networker.email) if "briefing" in m.subject)
    assert subjects == [
        "Your briefing for Energy Congress on 12-03-2026",
        "Your briefing for Evening Workshop on 12-03-2026",
    ]


def test_kinds_fit_the_sent_log():
    room = ReminderLog._meta.get_field("kind").max_length
    assert len(reminders.briefing_kind(10**18)) <= room
    assert len(reminders.nudge_kind(10**18)) <= room


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


def test_a_failed_briefing_releases_the_claim_and_the_retry_sends_once(
    plan, networker, smtp_fails_once, mailoutbox
):
    congress = plan["congress"]
    with pytest.raises(smtplib.SMTPServerDisconnected):
        reminders.briefing_send_for(event_id=congress.pk, user_id=networker.pk, day=DAY)

    log = ReminderLog.objects.get(user=networker, day=DAY)
    assert (log.claimed_at, log.sent_at) == (None, None)
    assert reminders.briefings_pending(day=DAY) == [
        reminders.PendingReminder(congress.pk, networker.pk),
        reminders.PendingReminder(congress.pk, plan["carl_cees"].colleague_id),
    ]
    assert mailoutbox == []

    assert reminders.briefing_send_for(event_id=congress.pk, user_id=networker.pk, day=DAY)
    assert not reminders.briefing_send_for(event_id=congress.pk, user_id=networker.pk, day=DAY)
    assert [m.to for m in mailoutbox] == [[networker.email]]


def test_a_failed_nudge_releases_the_claim_and_the_next_run_sends_it(
    plan, networker, outsider, smtp_fails_once, mailoutbox, caplog
):
    caplog.set_level(logging.ERROR, logger="events.reminders")
    Encounter.objects.filter(event=plan["congress"]).delete()  # nudges only

    first = reminders.event_reminders_send_all(day=DAY)
    second = reminders.event_reminders_send_all(day=DAY)
    third = reminders.event_reminders_send_all(day=DAY)

    assert [first.nudges, second.nudges, third.nudges] == [1, 1, 0]
    assert "the next sweep retries" in caplog.text
    assert sorted(m.to[0] for m in mailoutbox) == sorted([networker.email, outsider.email])


@pytest.mark.parametrize("task", [send_event_briefing, send_event_nudge], ids=lambda t: t.name)
def test_send_tasks_retry_failures_with_backoff(task):
    assert issubclass(smtplib.SMTPServerDisconnected, task.autoretry_for)
    assert issubclass(ConnectionRefusedError, task.autoretry_for)
    assert task.retry_backoff == 30
    assert task.retry_backoff_max == 900
    assert task.retry_jitter is True
    assert task.max_retries == 8


def test_send_task_retry_after_a_failure_sends_exactly_once(
    plan, networker, smtp_fails_once, mailoutbox
):
    args = [plan["congress"].pk, networker.pk, DAY.isoformat()]
    # Eager apply() runs the retry at once instead of after the backoff countdown.
    result = send_event_briefing.apply(args=args)

    assert result.successful()
    assert result.result is True
    assert smtp_fails_once["failures"] == 1
    assert [m.to for m in mailoutbox] == [[networker.email]]
    assert ReminderLog.objects.get(user=networker, day=DAY).attempts == 2
    assert send_event_briefing.apply(args=args).result is False
    assert len(mailoutbox) == 1


# The daily sweep


@pytest.fixture
def eager_celery(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    assert crm_celery.app.conf.task_always_eager is True


@pytest.fixture
def today_is_day(plan):
    """Move the plan so that DAY is today."""
    shift = timezone.localdate() - DAY
    for event in Event.objects.all():
        Event.objects.filter(pk=event.pk).update(
            starts_at=event.starts_at + shift, ends_at=event.ends_at + shift
        )
    for encounter in Encounter.objects.all():
        Encounter.objects.filter(pk=encounter.pk).update(starts_at=encounter.starts_at + shift)
    return plan


def test_sweep_sends_after_the_reminder_hour_and_once(
    today_is_day,
    settings,
    eager_celery,
    networker,
    colleague,
    outsider,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    settings.EVENT_REMINDER_HOUR = 0

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert sweep_event_reminders() == 4

    assert len(callbacks) == 4  # each send is enqueued only once the sweep commits
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [networker.email, networker.email, colleague.email, outsider.email]
    )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert sweep_event_reminders() == 0
    assert callbacks == []
    assert len(mailoutbox) == 4


def test_sweep_sends_nothing_before_the_reminder_hour(
    today_is_day, settings, eager_celery, mailoutbox, django_capture_on_commit_callbacks
):
    settings.EVENT_REMINDER_HOUR = 24  # never reached

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert sweep_event_reminders() == 0

    assert callbacks == []
    assert mailoutbox == []


@pytest.fixture
def broker_down(use_broker):
    # Nothing listens on port 1; one quick retry, as the settings give Redis.
    use_broker("redis://127.0.0.1:1/0", max_retries=1, interval_start=0.2, socket_connect_timeout=1)


@pytest.mark.django_db(transaction=True)
def test_the_sweep_keeps_working_when_the_broker_is_down(
    broker_down, today_is_day, settings, mailoutbox, caplog
):
    settings.EVENT_REMINDER_HOUR = 0
    caplog.set_level(logging.WARNING, logger="crm.queue")

    assert sweep_event_reminders() == 4  # nothing raised; the next sweep retries

    assert "the sweep will catch up" in caplog.text
    assert mailoutbox == []
    assert not ReminderLog.objects.exists()


def test_beat_sweeps_daily_at_eight_amsterdam_time_and_catches_up():
    daily = django_settings.CELERY_BEAT_SCHEDULE["event-reminders-daily"]
    catch_up = django_settings.CELERY_BEAT_SCHEDULE["event-reminders-catch-up"]

    for entry in (daily, catch_up):
        assert entry["task"] == sweep_event_reminders.name == "events.tasks.sweep_event_reminders"
        assert entry["task"] in crm_celery.app.tasks
        assert isinstance(entry["schedule"], crontab)
    assert daily["schedule"].hour == {8}
    assert daily["schedule"].minute == {0}
    assert min(catch_up["schedule"].hour) == 8
    assert catch_up["schedule"].minute == {0, 15, 30, 45}
    assert crm_celery.app.conf.timezone == "Europe/Amsterdam"
    assert django_settings.EVENT_REMINDER_HOUR == 8


# The management command


def test_command_sends_and_reports_how_many(plan, mailoutbox):
    out = StringIO()
    call_command("send_event_reminders", "--date", DAY.isoformat(), stdout=out)

    assert "Sent 2 event briefings and 2 outcome nudges for 2026-03-10." in out.getvalue()
    assert len(mailoutbox) == 4


def test_command_twice_on_the_same_day_sends_nothing_new(plan, mailoutbox):
    call_command("send_event_reminders", "--date", DAY.isoformat(), stdout=StringIO())
    out = StringIO()
    call_command("send_event_reminders", "--date", DAY.isoformat(), stdout=out)

    assert "Sent 0 event briefings and 0 outcome nudges for 2026-03-10." in out.getvalue()
    assert len(mailoutbox) == 4


def test_command_date_decides_what_is_due(plan, mailoutbox):
    out = StringIO()
    call_command("send_event_reminders", "--date", (DAY + days(1)).isoformat(), stdout=out)

    assert "Sent 1 event briefing and 0 outcome nudges for 2026-03-11." in out.getvalue()


def test_command_defaults_to_today(today_is_day, mailoutbox):
    out = StringIO()
    call_command("send_event_reminders", stdout=out)

    assert f"for {timezone.localdate().isoformat()}." in out.getvalue()
    assert len(mailoutbox) == 4


def test_command_refuses_a_malformed_date(db):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_event_reminders", "--date", "10-03-2026")
