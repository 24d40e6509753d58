"""An event day, through the UI: a planner puts a "manage closely" group on the guest list
in one go, plans two encounters with goals in place (htmx), reads a colleague's briefing;
that colleague then records how their encounter went and finds it on the contact's timeline.

Drives Debian's Chromium through Playwright (no browser download), on a desktop and a
phone. Screenshots land in test-artifacts/browser/ for a person to look at.
"""

import datetime

import pytest
from django.utils import timezone

from events import services as event_services
from events.models import Encounter, EventKind
from relations.models import Contact, FollowUp, Interaction, InteractionKind, Organisation, Role
from stakeholders import services as stakeholder_services
from stakeholders.models import Attitude, GoalKind
from tests import browser
from tests.conftest import make_user

PASSWORD = "pass-for-tests-123"
FREE_GOAL = "Ask her to co-host the spring round table; offer our mobility data"
OUTCOME = "She will co-host the round table and wants our mobility data first"
NEXT_STEP = "Send Sanne the mobility data set"


def shot(page, name: str) -> None:
    browser.shot(page, f"events-{page.size_name}-{name}")


def log_in(page, base_url: str, user) -> None:
    from playwright.sync_api import expect

    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.get_by_role("heading", name="My network")).to_be_visible()


def open_event(page) -> None:
    """From the calendar to the event's page, once htmx has taken over its forms."""
    from playwright.sync_api import expect

    page.get_by_role("link", name="Events").first.click()
    page.get_by_role("link", name="Mobility reception").first.click()
    expect(page.get_by_role("heading", name="Mobility reception")).to_be_visible()
    page.wait_for_load_state()  # htmx processes the page on DOMContentLoaded


def settled_form_row(plan):
    """The plan's form row once htmx has processed it: a swapped-in row carries
    `htmx-added` until htmx settles (20 ms later) and wires its hx- attributes."""
    return plan.locator("tr.encounter-form-row:not(.htmx-added)")


def named(username: str, first: str, last: str, *roles: str):
    user = make_user(username, *roles, first_name=first)
    user.last_name = last
    user.save(update_fields=["last_name"])
    return user


@pytest.fixture
def event_day(manager, team_alpha):
    """A reception that began two hours ago and ends in three, and a "manage closely"
    group of three with our goal; two colleagues to meet them, a planner to plan it."""
    planner = named("petra", "Petra", "Planner", Role.EVENT_PLANNER)
    anne = named("anne", "Anne", "Aalders")
    bas = named("bas", "Bas", "Brouwer")
    group = stakeholder_services.group_create(
        actor=manager,
        name="Regional government",
        description="Province and municipalities: mobility, housing and energy.",
        influence=5,
        interest=5,
        owning_team=team_alpha,
    )
    guests = []
    for first, last, organisation in [
        ("Sanne", "Visser", "Provincie Utrecht"),
        ("Joost", "Mulder", "Gemeente Amersfoort"),
        ("Fatima", "El Amrani", "Gemeente Zeist"),
    ]:
        contact = Contact.objects.create(
            first_name=first,
            last_name=last,
            organisation=Organisation.objects.create(name=organisation),
            owner=anne,
        )
        stakeholder_services.contact_membership_add(
            actor=manager, group=group, contact=contact, attitude=Attitude.SUPPORTER
        )
        guests.append(contact)
    goal = stakeholder_services.goal_add(
        actor=manager, group=group, kind=GoalKind.OUR_GOAL, text="Co-funding for the mobility lab"
    )
    # Whole minutes: the plan's time picker has no seconds, so its default stays in the event.
    now = timezone.now().replace(second=0, microsecond=0)
    event = event_services.event_create(
        actor=planner,
        name="Mobility reception",
        kind=EventKind.OWN,
        location="Stadhuis Utrecht",
        starts_at=now - datetime.timedelta(hours=2),
        ends_at=now + datetime.timedelta(hours=3),
    )
    return {
        "planner": planner,
        "anne": anne,
        "bas": bas,
        "group": group,
        "guests": guests,
        "goal": goal,
        "event": event,
    }


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_planner_plans_an_event_and_the_colleague_records_the_outcome(
    live_server, browser_page, event_day
):
    from playwright.sync_api import expect

    page = browser_page
    planner, anne, bas = event_day["planner"], event_day["anne"], event_day["bas"]
    sanne, joost, fatima = event_day["guests"]
    event = event_day["event"]

    # 1. The planner puts the whole group on the guest list in one go.
    log_in(page, live_server.url, planner)
    open_event(page)
    expect(page.locator("#guests")).to_contain_text("No guests yet")

    group_card = page.get_by_role("region", name="Invite a stakeholder group")
    group_card.get_by_label("Stakeholder group", exact=True).select_option(
        label="Regional government"
    )
    group_card.get_by_role("button", name="Add the group").click()
    expect(page.locator(".messages")).to_contain_text(
        "3 members of Regional government added to the guest list."
    )
    guest_rows = page.locator(".table--guests tbody tr")
    expect(guest_rows).to_have_count(3)
    page.wait_for_load_state()
    for contact in (sanne, joost, fatima):
        row = guest_rows.filter(has_text=contact.full_name)
        expect(row).to_contain_text(str(contact.organisation))
        expect(row).to_contain_text("Invited")

    # 2. Two encounters, planned in place: no full page load in between.
    plan = page.locator("#plan")
    page.evaluate("window.__noReload = true")

    form_row = settled_form_row(plan)
    form_row.locator("select[name=colleague]").select_option(label=str(anne))
    form_row.locator("select[name=contact]").select_option(
        label=f"{sanne.full_name} ({sanne.organisation})"
    )
    form_row.get_by_placeholder("What we want, what we offer").fill(FREE_GOAL)
    form_row.get_by_role("button", name="Add to the plan").click()
    rows = plan.locator("tr.encounter-row")
    expect(rows).to_have_count(1)
    expect(rows.filter(has_text=sanne.full_name)).to_contain_text(FREE_GOAL)

    # The fresh form row: choosing the contact loads the goals of their group.
    form_row = settled_form_row(plan)
    expect(form_row.locator("select[name=contact]")).to_have_value("")
    goal_select = form_row.locator("select[name=stakeholder_goal]")
    expect(goal_select.locator("option")).to_have_text(["Or pick a goal of their group…"])
    form_row.locator("select[name=colleague]").select_option(label=str(bas))
    form_row.locator("select[name=contact]").select_option(
        label=f"{joost.full_name} ({joost.organisation})"
    )
    goal_label = "Regional government · Our goal with them: Co-funding for the mobility lab"
    expect(goal_select.locator("option")).to_have_text(
        ["Or pick a goal of their group…", goal_label]
    )
    goal_select.select_option(label=goal_label)
    form_row.get_by_role("button", name="Add to the plan").click()
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text=joost.full_name)).to_contain_text("Co-funding for the mobility lab")
    assert page.evaluate("window.__noReload") is True

    headers = plan.locator("thead th:not(:has(.visually-hidden))")
    expect(headers).to_have_text(["Who of us", "Meets whom", "When", "Goal"])
    expect(rows.nth(0)).to_contain_text(str(anne))
    expect(rows.filter(has_text=joost.full_name)).to_contain_text(str(bas))
    expect(plan.locator(".plan-empty")).to_be_hidden()
    expect(page.locator("#plan-count")).to_have_text("2")
    # The whole plan fits the screen: on a phone each encounter is a card, not a wide row.
    assert plan.locator(".table-scroll").evaluate("el => el.scrollWidth <= el.clientWidth")
    expect(page.locator("#plan-warnings")).not_to_contain_text("without a goal")
    shot(page, "01-event-plan")

    # 3. Anne's briefing, from the Briefings page.
    page.get_by_role("link", name="Briefings").first.click()
    expect(page.get_by_role("heading", name="Briefings")).to_be_visible()
    page.get_by_role("link", name=str(anne)).click()
    briefing = page.locator("article.briefing")
    expect(briefing.get_by_role("heading", level=1)).to_have_text(f"{anne} at Mobility reception")
    expect(briefing).to_contain_text(sanne.full_name)
    expect(briefing).to_contain_text("Provincie Utrecht")
    expect(briefing).to_contain_text(FREE_GOAL)
    expect(briefing).not_to_contain_text(joost.full_name)  # Bas meets him
    expect(briefing.get_by_role("heading", name="Networking tips")).to_be_visible()
    expect(briefing).to_contain_text("Joining a group conversation.")
    shot(page, "02-briefing")

    # 4. Anne records how it went, and finds the meeting on Sanne's timeline.
    page.get_by_role("button", name="Log out").click()
    expect(page.locator("#id_username")).to_be_visible()
    log_in(page, live_server.url, anne)
    open_event(page)

    page.evaluate("window.__noReload = true")
    row = page.locator("#plan tr.encounter-row", has_text=sanne.full_name)
    row.get_by_text("Record outcome").click()
    row.get_by_label("How did it go?").fill(OUTCOME)
    row.get_by_label("Next step").fill(NEXT_STEP)
    row.get_by_label("Due date").fill(
        (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
    )
    shot(page, "03-outcome-form")
    row.get_by_role("button", name="Save the outcome").click()
    expect(row.locator(".plan-outcome-text")).to_contain_text(f"Outcome: {OUTCOME}")
    expect(row.get_by_text("Correct the outcome")).to_be_visible()
    assert page.evaluate("window.__noReload") is True
    shot(page, "04-outcome-saved")

    row.get_by_role("link", name=sanne.full_name, exact=True).click()
    expect(page.get_by_role("heading", name=sanne.full_name)).to_be_visible()
    item = page.locator(".timeline .timeline__item", has_text=OUTCOME)
    expect(item).to_have_count(1)
    expect(item).to_contain_text("Event encounter")
    expect(item).to_contain_text(f"At Mobility reception: {OUTCOME}")
    expect(page.locator("body")).to_contain_text(NEXT_STEP)
    shot(page, "05-contact-timeline")

    interaction = Interaction.objects.get(contacts=sanne)
    assert interaction.kind == InteractionKind.EVENT_ENCOUNTER
    assert list(interaction.our_participants.all()) == [anne]
    assert Encounter.objects.get(event=event, contact=sanne).interaction == interaction
    assert FollowUp.objects.get(text=NEXT_STEP).assignee == anne
    assert page.csp_errors == []
