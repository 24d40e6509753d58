"""A networker on a phone logs a coffee meeting with a follow-up and ticks it off.

Drives Debian's Chromium through Playwright (no browser download). Screenshots
land in test-artifacts/browser/ for a person to look at.
"""

import pytest

from relations.models import FollowUp, Interaction
from tests.browser import shot


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_networker_logs_a_coffee_on_a_phone_and_ticks_off_the_follow_up(
    live_server, phone_page, networker, team_alpha, contact
):
    from playwright.sync_api import expect

    page = phone_page
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", networker.username)
    page.fill("#id_password", "pass-for-tests-123")
    shot(page, "01-login")
    page.click("button[type=submit]")
    expect(page.get_by_role("heading", name="My network")).to_be_visible()

    page.get_by_role("link", name="Log a meeting").first.click()
    expect(page.get_by_role("heading", name="Log a meeting")).to_be_visible()
    page.get_by_placeholder("Type a name or organisation").fill("Anna")
    page.get_by_role("button", name="Anna de Vries").click()
    expect(page.locator("#chosen input[name=contacts]:checked")).to_have_count(1)
    page.get_by_label("What was discussed").fill(
        "Coffee at the station about the regional mobility plan"
    )
    page.get_by_label("What we gave").fill("Introduced her to our housing expert")
    page.get_by_label("What we asked or received").fill("A seat at the mobility round table")
    page.get_by_label("What needs to happen").fill("Send Anna the housing memo")
    page.get_by_label("Due date").fill(page.evaluate("new Date().toLocaleDateString('sv')"))
    shot(page, "02-log-meeting-filled")
    page.get_by_role("button", name="Save meeting").click()

    # Lands on the contact's page; the meeting is on the timeline, the follow-up is open.
    expect(page.get_by_role("heading", name="Anna de Vries")).to_be_visible()
    expect(page.locator(".timeline")).to_contain_text("regional mobility plan")
    expect(page.locator("body")).to_contain_text("Send Anna the housing memo")
    shot(page, "03-contact-timeline")
    assert Interaction.objects.filter(contacts=contact, kind="coffee").count() == 1

    page.get_by_role("link", name="My network").first.click()
    row = page.locator("li.followup", has_text="Send Anna the housing memo")
    expect(row).to_contain_text("Due today")
    shot(page, "04-my-network-due")

    # "Done" swaps the row in place: the marker set on the window survives (no reload).
    page.evaluate("window.__noReload = true")
    row.get_by_role("button", name="Done").click()
    expect(page.locator("li.followup--done", has_text="Send Anna the housing memo")).to_be_visible()
    assert page.evaluate("window.__noReload") is True
    shot(page, "05-follow-up-done")

    followup = FollowUp.objects.get(text="Send Anna the housing memo")
    assert followup.done_at is not None
    assert followup.assignee == networker
    assert page.csp_errors == []
