"""A network manager opens the network dashboard, follows a key contact going cold to the
contact's page and assigns it to a team and one of its networkers.

Drives Debian's Chromium through Playwright (no browser download), on a desktop and a
phone. Screenshots land in test-artifacts/browser/ for a person to look at.
"""

import datetime

import pytest
from django.utils import timezone

from events import services as event_services
from events.models import EventKind
from network_manager import services as network_services
from network_manager.models import KeyContact, StepStatus
from network_manager.permissions import Scope
from network_manager.selectors import key_contact_list_in_scope
from relations import services as relation_services
from relations.models import Contact, Organisation
from relations.selectors import today
from stakeholders.models import ContactMembership, StakeholderGroup
from tests import browser

PASSWORD = "pass-for-tests-123"


def shot(page, name: str) -> None:
    """network-dashboard.png on a desktop, network-phone-dashboard.png on a phone."""
    prefix = "network" if page.size_name == "desktop" else f"network-{page.size_name}"
    browser.shot(page, f"{prefix}-{name}")


def days(n: int) -> datetime.date:
    return today() + datetime.timedelta(days=n)


def person(first: str, last: str, organisation: str, owner) -> Contact:
    return Contact.objects.create(
        first_name=first,
        last_name=last,
        organisation=Organisation.objects.get_or_create(name=organisation)[0],
        owner=owner,
    )


def watch_console(page) -> list[str]:
    """Console errors and uncaught exceptions of the page (CSP reports included)."""
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


@pytest.fixture
def network(manager, planner, lead, networker, colleague, outsider, team_alpha, team_beta):
    """Two teams that met people over the last months; two key contacts of the province,
    neither assigned yet: Sanne, last met 120 days ago (cadence 90: cooling), and Joost,
    met last week (warm). Plus an overdue follow-up, a roadmap step and a coming event,
    so that every panel of the dashboard has something to show."""
    networker.last_name = "Jansen"
    networker.save(update_fields=["last_name"])
    province = StakeholderGroup.objects.create(
        name="Province of Utrecht", influence=5, interest=5, owning_team=team_alpha
    )
    sanne = person("Sanne", "Visser", "Provincie Utrecht", networker)
    joost = person("Joost", "Mulder", "Provincie Utrecht", colleague)
    fatima = person("Fatima", "El Amrani", "Gemeente Zeist", outsider)
    for contact in (sanne, joost):
        ContactMembership.objects.create(group=province, contact=contact)
        network_services.key_contact_save(actor=manager, contact=contact)

    log = relation_services.interaction_log
    log(author=networker, contacts=[sanne], occurred_on=days(-120), given="Our traffic data")
    log(author=outsider, contacts=[fatima], occurred_on=days(-70), asked="A pilot site")
    log(
        author=networker,
        contacts=[fatima],
        our_participants=[networker, outsider],
        occurred_on=days(-40),
    )
    log(
        author=colleague,
        contacts=[joost],
        occurred_on=days(-7),
        next_step=relation_services.NextStep(text="Send Joost the housing memo", due_on=days(-2)),
    )
    network_services.roadmap_step_save(
        actor=manager,
        title="Map the regional government",
        owner=lead,
        target_on=days(30),
        status=StepStatus.IN_PROGRESS,
    )
    starts = timezone.now().replace(second=0, microsecond=0) + datetime.timedelta(days=10)
    event_services.event_create(
        actor=planner,
        name="Mobility reception",
        kind=EventKind.OWN,
        location="Stadhuis Utrecht",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=3),
    )
    network_services.activity_refresh()

    sanne.refresh_from_db()
    assert (sanne.cooling_on, sanne.cold_on) == (days(-30), days(60))
    going_cold = key_contact_list_in_scope(Scope(team_ids=None), state="going_cold")
    assert [key.contact for key in going_cold] == [sanne]
    return {"sanne": sanne, "joost": joost}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_network_manager_assigns_a_key_contact_going_cold_from_the_dashboard(
    live_server, browser_page, manager, networker, team_alpha, network
):
    from playwright.sync_api import expect

    page = browser_page
    errors = watch_console(page)
    sanne = network["sanne"]
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", manager.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.get_by_role("heading", name="My network")).to_be_visible()

    page.get_by_role("link", name="Network", exact=True).first.click()
    expect(page.get_by_role("heading", name="Network dashboard")).to_be_visible()
    cooling = page.locator("section", has=page.locator("#cooling-heading"))
    expect(cooling.locator("#cooling-heading .count")).to_have_text("1")
    expect(cooling.locator("tbody tr")).to_have_count(1)
    row = cooling.locator("tbody tr")
    expect(row).to_contain_text("Sanne Visser")
    expect(row).to_contain_text("Provincie Utrecht")
    expect(row.locator("td").first).to_have_text("5")  # the province's influence
    expect(row.locator("td").last).to_have_text("Nobody")
    expect(cooling).not_to_contain_text("Joost Mulder")  # warm: met last week
    meetings = page.locator("section", has=page.locator("#meetings-heading"))
    expect(meetings.locator("svg").first).to_be_visible()
    shot(page, "dashboard")

    row.get_by_role("link", name="Sanne Visser").click()
    expect(page.get_by_role("heading", name="Sanne Visser")).to_be_visible()
    panel = page.locator(".key-contact-panel")
    expect(panel).to_contain_text("Key contact, not assigned yet")
    panel.get_by_label("Team").select_option(label="Alpha")
    panel.get_by_label("Networker").select_option(label="Nina Jansen")
    panel.get_by_label("Why this contact matters").fill("Decides on the regional mobility budget")
    panel.get_by_role("button", name="Assign").click()

    expect(page.locator(".messages")).to_contain_text(
        "The assignment of key contact Sanne Visser is saved."
    )
    panel = page.locator(".key-contact-panel")
    expect(panel.locator(".key-contact-panel__status")).to_contain_text(
        "Key contact of Alpha · Nina Jansen"
    )
    expect(panel).to_contain_text("Decides on the regional mobility budget")
    shot(page, "contact-assigned")
    key = KeyContact.objects.get(contact=sanne)
    assert (key.team, key.networker) == (team_alpha, networker)
    assert key.reason == "Decides on the regional mobility budget"

    # Back on the dashboard, the contact is still cooling, now with somebody to tend it.
    page.get_by_role("link", name="Network", exact=True).first.click()
    row = page.locator("section", has=page.locator("#cooling-heading")).locator("tbody tr")
    expect(row).to_contain_text("Sanne Visser")
    expect(row.locator("td").last).to_have_text("Alpha · Nina Jansen")
    assert page.csp_errors == []
    assert errors == []
