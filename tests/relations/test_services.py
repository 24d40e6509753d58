"""Business rules of relations.services that both doors (pages and API) rely on."""

import datetime

import pytest
from django.utils import timezone

from relations import selectors, services
from relations.models import Contact, Relationship, ReminderLog
from relations.selectors import Warmth

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def coffee(author, contacts, **fields):
    return services.interaction_log(author=author, kind="coffee", contacts=contacts, **fields)


def test_a_confidential_meeting_warms_ties_but_reveals_no_new_tie(networker, contact):
    coffee(networker, [contact], confidential=True)

    contact.refresh_from_db()
    assert selectors.warmth_of(contact.last_interaction_on, contact.cadence_days) == Warmth.WARM
    assert not Relationship.objects.filter(contact=contact).exists()


def test_an_open_meeting_creates_the_tie_since_that_day(networker, contact):
    coffee(networker, [contact], occurred_on=selectors.today() - 3 * DAY)

    tie = Relationship.objects.get(user=networker, contact=contact)
    assert tie.since == tie.last_interaction_on == selectors.today() - 3 * DAY


def test_a_networker_cannot_log_a_meeting_they_did_not_take_part_in(networker, colleague, contact):
    with pytest.raises(services.ServiceError) as refused:
        coffee(networker, [contact], our_participants=[colleague])

    assert refused.value.field == "our_participants"
    assert not Relationship.objects.filter(user=colleague).exists()


def test_a_network_manager_may_log_a_meeting_for_a_colleague(manager, colleague, contact):
    interaction = coffee(manager, [contact], our_participants=[colleague])

    assert list(interaction.our_participants.all()) == [colleague]
    assert Relationship.objects.filter(user=colleague, contact=contact).exists()


def test_the_same_person_named_twice_counts_once(networker, contact):
    interaction = coffee(networker, [contact, contact], our_participants=[networker, networker])

    assert interaction.contacts.count() == 1
    assert Relationship.objects.filter(user=networker, contact=contact).count() == 1


def test_backdating_a_meeting_lets_the_contact_cool_again(networker, contact):
    interaction = coffee(networker, [contact])

    services.interaction_update(
        actor=networker, interaction=interaction, occurred_on=selectors.today() - 400 * DAY
    )

    contact.refresh_from_db()
    tie = Relationship.objects.get(user=networker, contact=contact)
    assert contact.last_interaction_on == selectors.today() - 400 * DAY
    assert selectors.warmth_of(contact.last_interaction_on, contact.cadence_days) == Warmth.COLD
    assert tie.last_interaction_on == contact.last_interaction_on
    assert Contact.objects.filter(selectors.warmth_filter(Warmth.COLD), pk=contact.pk).exists()


def test_a_shorter_cadence_cools_the_ties_at_once(networker, contact):
    coffee(networker, [contact], occurred_on=selectors.today() - 40 * DAY)
    assert Relationship.objects.filter(selectors.warmth_filter(Warmth.WARM)).count() == 1

    services.contact_update(actor=networker, contact=contact, cadence_days=30)

    assert Relationship.objects.filter(selectors.warmth_filter(Warmth.COOLING)).count() == 1


def test_a_team_lead_is_always_a_member(manager, lead, networker):
    team = services.team_save(actor=manager, name="Gamma", lead=lead, members=[networker])

    assert set(team.members.all()) == {lead, networker}


def test_members_see_the_meetings_of_their_lead(manager, lead, networker, contact):
    services.team_save(actor=manager, name="Gamma", lead=lead, members=[networker])
    interaction = coffee(lead, [contact])

    assert selectors.interaction_get_for(user=networker, pk=interaction.pk) == interaction


def test_reminders_skip_people_without_an_e_mail_address(networker, contact):
    networker.email = ""
    networker.save()
    services.followup_create(
        actor=networker, contact=contact, text="Call", due_on=selectors.today()
    )

    assert services.reminder_users_pending(day=selectors.today()) == []


def test_a_reminder_being_sent_right_now_is_not_enqueued_again(networker, contact):
    today = selectors.today()
    services.followup_create(actor=networker, contact=contact, text="Call", due_on=today)
    ReminderLog.objects.create(
        user=networker, day=today, kind=services.REMINDER_KIND, claimed_at=timezone.now()
    )

    assert services.reminder_users_pending(day=today) == []

    ReminderLog.objects.update(claimed_at=timezone.now() - services.stale_claim() - DAY)
    assert services.reminder_users_pending(day=today) == [networker.pk]


def test_next_step_goes_to_the_author_unless_someone_else_is_named(networker, colleague, contact):
    mine = coffee(
        networker, [contact], next_step=services.NextStep(text="Mail", due_on=selectors.today())
    )
    theirs = coffee(
        networker,
        [contact],
        next_step=services.NextStep(text="Call", due_on=selectors.today(), assignee=colleague),
    )

    assert mine.followups.get().assignee == networker
    assert theirs.followups.get().assignee == colleague
