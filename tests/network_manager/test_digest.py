"""The weekly digest: its figures, its e-mails, sending once, a real worker, the schedule.

The digest of Monday 23 November 2026 covers Mon 16 – Sun 22 November. Team Alpha (led by
`lead`: lead, Nina, Carl) and team Beta (led by Bea: Bea, Otto); Manon is a network manager,
Mara a network manager who also leads (empty) team Gamma.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from crm import celery as crm_celery
from events.models import Encounter, Event
from network_manager import digest
from network_manager.models import KeyContact, WarmthSnapshot
from network_manager.permissions import dashboard_scope
from network_manager.tasks import record_warmth_snapshot, send_weekly_digest, sweep_weekly_digests
from relations.models import Contact, FollowUp, Interaction, Relationship, ReminderLog, Role, Team
from tests.celery_worker import running_worker, wait_for
from tests.conftest import make_user

SITE_URL = "https://crm.example.org"
MONDAY = datetime.date(2026, 11, 23)
SUNDAY = MONDAY - datetime.timedelta(days=1)
WEEK = "Mon 16 – Sun 22 November 2026"


def day(n: int) -> datetime.date:
    """November 2026, day n (December for n > 30)."""
    return datetime.date(2026, 11, 1) + datetime.timedelta(days=n - 1)


def at(n: int, hour: int, minute: int = 0) -> datetime.datetime:
    """Local time on day n of November 2026."""
    return timezone.make_aware(datetime.datetime.combine(day(n), datetime.time(hour, minute)))


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE_URL


@pytest.fixture
def bea(db):
    return make_user("bea", first_name="Bea")


@pytest.fixture
def mara(db):
    return make_user("mara", Role.NETWORK_MANAGER, first_name="Mara")


@pytest.fixture
def team_beta(bea, outsider):
    team = Team.objects.create(name="Beta", lead=bea)
    team.members.set([bea, outsider])
    return team


@pytest.fixture
def team_gamma(mara):
    team = Team.objects.create(name="Gamma", lead=mara)
    team.members.set([mara])
    return team


@pytest.fixture
def week(team_alpha, team_beta, team_gamma, manager, networker, colleague, outsider, planner):
    """Each figure with cases just inside and just outside the week and the scopes."""
    people = {
        name: Contact.objects.create(first_name=name, last_name="Visser", cadence_days=30)
        for name in ["Anna", "Bram", "Cor", "Dirk", "Eva"]
    }

    def tie(user, name, created_at):
        relationship = Relationship.objects.create(user=user, contact=people[name])
        Relationship.objects.filter(pk=relationship.pk).update(created_at=created_at)

    tie(networker, "Anna", at(16, 0))  # Monday 00:00: in
    tie(colleague, "Bram", at(22, 23, 59))  # Sunday 23:59: in
    tie(networker, "Cor", at(23, 0))  # the next Monday 00:00: out
    tie(networker, "Dirk", at(15, 23, 59))  # the Sunday before: out
    tie(outsider, "Anna", at(18, 12))  # Beta

    def meeting(on, *users):
        interaction = Interaction.objects.create(occurred_on=on, author=users[0])
        interaction.our_participants.set(users)
        interaction.contacts.set([people["Anna"]])

    meeting(day(16), networker, colleague)  # Alpha, counted once
    meeting(day(22), networker, outsider)  # Alpha and Beta, once in the organisation
    meeting(day(23), networker)  # out
    meeting(day(15), colleague)  # out
    meeting(day(18), outsider)  # Beta

    def key(name, cold_on, team=None, networker=None):
        contact = people[name]
        contact.last_interaction_on = cold_on - datetime.timedelta(days=60)  # 2 × cadence
        contact.save()
        KeyContact.objects.create(contact=contact, team=team, networker=networker)

    key("Anna", day(16), team=team_alpha, networker=networker)  # in
    key("Bram", day(22), team=team_alpha)  # in
    key("Cor", day(23), team=team_alpha)  # turns cold on the Monday: out
    key("Dirk", day(18), networker=outsider)  # Beta, by its networker
    key("Eva", day(15), team=team_alpha)  # cold since last week: out

    def followup(assignee, due, done=False):
        FollowUp.objects.create(
            assignee=assignee,
            created_by=assignee,
            contact=people["Anna"],
            text="Call back",
            due_on=due,
            done_at=at(20, 9) if done else None,
        )

    for due in [day(10), day(20), day(22)]:
        followup(networker, due)
    followup(networker, day(21), done=True)  # done: not overdue
    followup(networker, day(23))  # due on the Monday: not overdue yet
    followup(colleague, day(19))
    followup(outsider, day(1))
    followup(outsider, day(22))

    def event(name, starts_at, organiser=None, encounters=()):
        created = Event.objects.create(
            name=name,
            starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(hours=3),
            organiser=organiser or planner,
        )
        for who, goal in encounters:
            Encounter.objects.create(
                event=created, colleague=who, contact=people["Bram"], starts_at=starts_at, goal=goal
            )
        return created

    return {
        "people": people,
        # Alpha meets somebody without a goal: incomplete.
        "congress": event("Energy Congress", at(25, 9), encounters=[(networker, "")]),
        # Every encounter has a goal: complete.
        "reception": event("Spring Reception", at(26, 16), encounters=[(networker, "Thank Bram")]),
        # Beta organises it and nobody plans to meet anyone: incomplete.
        "summit": event("Beta Summit", at(27, 10), organiser=outsider),
        # The planner's own, no team takes part: the organisation's only.
        "dinner": event("Planners Dinner", at(24, 19)),
        # Day 14 after the Monday (6 December) is in, 7 December 00:00 out; last week's out.
        "late": event("Late Fair", at(36, 20)),
        "too_late": event("Too Late Fair", at(37, 0)),
        "past": event("Past Fair", at(21, 10)),
    }


def figures(scope):
    found = digest.weekly_digest_for(scope, week_ending=SUNDAY)
    return {
        "new_relationships": found.new_relationships,
        "meetings": found.meetings,
        "gone_cold": [k.contact.first_name for k in found.gone_cold],
        "gone_cold_total": found.gone_cold_total,
        "overdue_total": found.overdue_total,
        "overdue_by_networker": [(row.name, row.count) for row in found.overdue_by_networker],
        "events": [e.name for e in found.incomplete_events],
        "event_total": found.incomplete_event_total,
    }


# The figures


def test_team_lead_gets_the_figures_of_their_team_only(week, lead):
    assert figures(dashboard_scope(lead)) == {
        "new_relationships": 2,
        "meetings": 2,
        "gone_cold": ["Anna", "Bram"],
        "gone_cold_total": 2,
        "overdue_total": 4,
        "overdue_by_networker": [("Nina", 3), ("Carl", 1)],
        "events": ["Energy Congress"],
        "event_total": 1,
    }


def test_other_team_lead_gets_the_figures_of_their_team(week, bea):
    assert figures(dashboard_scope(bea)) == {
        "new_relationships": 1,
        "meetings": 2,
        "gone_cold": ["Dirk"],
        "gone_cold_total": 1,
        "overdue_total": 2,
        "overdue_by_networker": [("Otto", 2)],
        "events": ["Beta Summit"],
        "event_total": 1,
    }


def test_network_manager_gets_the_figures_of_the_organisation(week, manager):
    assert figures(dashboard_scope(manager)) == {
        "new_relationships": 3,
        "meetings": 3,
        "gone_cold": ["Anna", "Dirk", "Bram"],  # the longest cold first
        "gone_cold_total": 3,
        "overdue_total": 6,
        "overdue_by_networker": [("Nina", 3), ("Otto", 2), ("Carl", 1)],
        "events": ["Planners Dinner", "Energy Congress", "Beta Summit", "Late Fair"],
        "event_total": 4,
    }


def test_overdue_lists_the_top_five_networkers_and_counts_all(db, manager):
    contact = Contact.objects.create(first_name="Anna", last_name="Visser")
    for n in range(6):
        user = make_user(f"user{n}", first_name=f"User{n}")
        for _ in range(6 - n):
            FollowUp.objects.create(assignee=user, contact=contact, text="x", due_on=day(1))
    found = digest.weekly_digest_for(dashboard_scope(manager), week_ending=SUNDAY)
    assert found.overdue_total == 21
    assert [(r.name, r.count) for r in found.overdue_by_networker] == [
        ("User0", 6),
        ("User1", 5),
        ("User2", 4),
        ("User3", 3),
        ("User4", 2),
    ]


def test_figures_take_a_fixed_number_of_queries(week, manager, django_assert_num_queries):
    scope = dashboard_scope(manager)
    with django_assert_num_queries(8):
        digest.weekly_digest_for(scope, week_ending=SUNDAY)


# Recipients and e-mails


def test_recipients_are_active_managers_and_team_leads_with_an_email(
    week, manager, lead, bea, mara
):
    gone = make_user("gone", Role.NETWORK_MANAGER)
    gone.is_active = False
    gone.save()
    make_user("mute", Role.NETWORK_MANAGER, email="")
    assert digest.digest_recipient_ids() == sorted([manager.pk, lead.pk, bea.pk, mara.pk])


def send_all(mailoutbox) -> dict:
    assert digest.digests_send_all(day=MONDAY) == 4
    return {message.to[0]: message for message in mailoutbox}


def test_lead_gets_their_team_figures_with_links_and_no_other_team(week, lead, mailoutbox):
    message = send_all(mailoutbox)[lead.email]
    people = week["people"]
    assert message.subject == f"Your weekly network digest: {WEEK}"
    for body in [message.body, message.alternatives[0].content]:
        assert f"Your network in the week {WEEK}, for team Alpha:" in body
        assert "New relationships: 2" in body
        assert "Meetings logged: 2" in body
        assert "Key contacts gone cold this week: 2" in body
        assert SITE_URL + people["Anna"].get_absolute_url() in body
        assert SITE_URL + people["Bram"].get_absolute_url() in body
        assert "Overdue follow-ups now: 4" in body
        assert "Events in the next 14 days with an unfinished plan: 1" in body
        assert SITE_URL + week["congress"].get_absolute_url() in body
        assert "1 encounter without a goal" in body
        # Nothing of team Beta, nor of the events no team takes part in.
        assert people["Dirk"].get_absolute_url() not in body
        assert "Otto" not in body
        for name in ["Beta Summit", "Planners Dinner", "Late Fair", "Spring Reception"]:
            assert name not in body
    dashboard = SITE_URL + reverse("network_manager:dashboard")
    overdue = SITE_URL + reverse("network_manager:overdue_followups")
    networker = week["congress"].encounters.get().colleague
    assert f"Meetings logged: 2\n  {dashboard}\n" in message.body
    assert f"- Nina: 3\n  {overdue}?assignee={networker.pk}\n" in message.body
    key_contacts = SITE_URL + reverse("network_manager:key_contacts")
    assert f'href="{key_contacts}?state=going_cold"' in message.alternatives[0].content


def test_manager_gets_the_organisation_figures(week, manager, mara, mailoutbox):
    sent = send_all(mailoutbox)
    for user in [manager, mara]:  # a manager who also leads a team: the organisation
        body = sent[user.email].body
        assert f"Your network in the week {WEEK}, for the whole organisation:" in body
        assert "New relationships: 3" in body
        assert "Meetings logged: 3" in body
        assert "Key contacts gone cold this week: 3" in body
        assert "Overdue follow-ups now: 6" in body
        assert "- Otto: 2" in body
        assert "Events in the next 14 days with an unfinished plan: 4" in body
        assert "Beta Summit" in body
        assert "nobody planned to meet anyone yet" in body


def test_digest_comes_in_the_recipients_language(week, bea, mailoutbox):
    bea.language = "nl"
    bea.save()
    body = send_all(mailoutbox)[bea.email].body
    assert "ma 16 – zo 22 november 2026" in body


def test_sending_twice_sends_one_email_per_recipient(week, manager, lead, bea, mara, mailoutbox):
    assert digest.digests_send_all(day=MONDAY) == 4
    assert digest.digests_send_all(day=MONDAY) == 0
    assert digest.digest_send_for(user_id=lead.pk, day=MONDAY) is False
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        u.email for u in [manager, lead, bea, mara]
    )
    logs = ReminderLog.objects.filter(kind="weekly_digest", day=MONDAY, sent_at__isnull=False)
    assert logs.count() == 4


def test_networker_gets_no_digest_even_when_asked_directly(week, networker, mailoutbox):
    assert digest.digest_send_for(user_id=networker.pk, day=MONDAY) is False
    assert mailoutbox == []


def test_management_command_sends_for_the_monday_of_the_date(week, mailoutbox):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("send_weekly_digest", "--date", "2026-11-25", stdout=out)
    assert out.getvalue().strip() == "Sent 4 weekly digests for the week ending 2026-11-22."
    assert {m.subject for m in mailoutbox} == {f"Your weekly network digest: {WEEK}"}


# When it goes out


@pytest.mark.parametrize(
    ("now", "due"),
    [
        (at(23, 7, 59), None),  # Monday before the hour
        (at(23, 8, 0), MONDAY),
        (at(23, 20, 45), MONDAY),  # the catch-up
        (at(24, 9, 0), None),  # Tuesday
        (at(22, 9, 0), None),  # Sunday
    ],
)
def test_sweep_sends_on_mondays_from_the_digest_hour(now, due):
    assert digest.digest_due_on(timezone.localtime(now)) == due


def test_beat_runs_the_digest_on_monday_at_eight_amsterdam_time(settings):
    assert crm_celery.app.conf.timezone == "Europe/Amsterdam"
    entry = settings.CELERY_BEAT_SCHEDULE["weekly-digest"]
    assert entry["task"] == sweep_weekly_digests.name
    schedule = entry["schedule"]
    assert (schedule.minute, schedule.hour, schedule.day_of_week) == ({0}, {8}, {1})
    assert (schedule.day_of_month, schedule.month_of_year) == (set(range(1, 32)), set(range(1, 13)))
    catch_up = settings.CELERY_BEAT_SCHEDULE["weekly-digest-catch-up"]
    assert catch_up["task"] == sweep_weekly_digests.name
    assert catch_up["schedule"].day_of_week == {1}
    assert catch_up["schedule"].hour == set(range(8, 21))
    assert catch_up["schedule"].minute == {0, 15, 30, 45}


def test_beat_records_the_warmth_snapshot_on_the_first_at_half_past_midnight(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["warmth-snapshot-monthly"]
    assert entry["task"] == record_warmth_snapshot.name
    schedule = entry["schedule"]
    assert (schedule.minute, schedule.hour, schedule.day_of_month) == ({30}, {0}, {1})
    assert schedule.day_of_week == set(range(7))


def test_snapshot_task_writes_todays_rows(team_alpha, team_beta, networker, outsider):
    today = timezone.localdate()
    warm = Contact.objects.create(first_name="Warm", last_name="Visser", last_interaction_on=today)
    cold = Contact.objects.create(first_name="Cold", last_name="Visser")
    Relationship.objects.create(user=networker, contact=warm, last_interaction_on=today)
    Relationship.objects.create(user=networker, contact=cold)
    Relationship.objects.create(user=outsider, contact=cold)

    assert record_warmth_snapshot.apply().get() == 3
    rows = {
        (s.team.name if s.team else None): (s.warm, s.cooling, s.cold)
        for s in WarmthSnapshot.objects.filter(taken_on=today)
    }
    assert rows == {None: (1, 0, 2), "Alpha": (1, 0, 1), "Beta": (0, 0, 1)}


# A real worker


def sweeps(finished) -> list[object]:
    return [value for name, value in finished if name == sweep_weekly_digests.name]


def sends(finished) -> list[object]:
    return [value for name, value in finished if name == send_weekly_digest.name]


def sweep_twice_and_check(finished, mailoutbox, recipients, networkers) -> None:
    with running_worker():
        sweep_weekly_digests.delay(MONDAY.isoformat())
        wait_for(lambda: len(sweeps(finished)) == 1, "the first sweep")
        assert sweeps(finished) == [4]
        wait_for(lambda: len(sends(finished)) == 4, "the four digest tasks")
        wait_for(lambda: len(mailoutbox) == 4, "four e-mails")
        assert sorted(m.to[0] for m in mailoutbox) == sorted(u.email for u in recipients)
        assert not {u.email for u in networkers} & {m.to[0] for m in mailoutbox}

        # The catch-up sweep finds nothing left; a redelivered send sends nothing either.
        sweep_weekly_digests.delay(MONDAY.isoformat())
        wait_for(lambda: len(sweeps(finished)) == 2, "the second sweep")
        assert sweeps(finished) == [4, 0]
        send_weekly_digest.delay(recipients[0].pk, MONDAY.isoformat())
        wait_for(lambda: len(sends(finished)) == 5, "the duplicate digest task")
        assert sends(finished) == [True, True, True, True, False]
        assert len(mailoutbox) == 4


@pytest.fixture
def digest_people(week, manager, lead, bea, mara, networker, colleague, outsider, planner):
    return {
        "recipients": [manager, lead, bea, mara],
        "networkers": [networker, colleague, outsider, planner],
    }


@pytest.mark.django_db(transaction=True)
def test_worker_on_filesystem_broker_sends_each_digest_once(
    filesystem_broker, worker_connections, finished_tasks, mailoutbox, digest_people
):
    sweep_twice_and_check(finished_tasks, mailoutbox, **digest_people)


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_worker_on_redis_sends_each_digest_once(
    redis_broker, worker_connections, finished_tasks, mailoutbox, digest_people
):
    sweep_twice_and_check(finished_tasks, mailoutbox, **digest_people)
