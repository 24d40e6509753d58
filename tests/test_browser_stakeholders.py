"""A network manager opens the power/interest grid, follows a group in "Manage closely"
and fills its reciprocity card: their goal, our goal, our offer.

Drives Debian's Chromium through Playwright (no browser download), on a desktop and a
phone. Screenshots land in test-artifacts/browser/ for a person to look at.
"""

import pytest

from stakeholders import services
from stakeholders.models import Goal, GoalKind
from tests import browser


def shot(page, name: str) -> None:
    browser.shot(page, f"stakeholders-{page.size_name}-{name}")


@pytest.fixture
def stakeholder_map(manager, team_alpha):
    province = services.group_create(
        actor=manager,
        name="Province of Utrecht",
        description="Regional government: mobility, housing and energy.",
        influence=5,
        interest=4,
        owning_team=team_alpha,
    )
    services.group_create(actor=manager, name="Ministry", influence=5, interest=2)
    services.group_create(actor=manager, name="Students", influence=2, interest=5)
    services.group_create(actor=manager, name="Press abroad", influence=1, interest=1)
    return province


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_network_manager_fills_the_reciprocity_card_of_a_group_from_the_grid(
    live_server, browser_page, manager, stakeholder_map
):
    from playwright.sync_api import expect

    page = browser_page
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", manager.username)
    page.fill("#id_password", "pass-for-tests-123")
    page.click("button[type=submit]")
    expect(page.get_by_role("heading", name="My network")).to_be_visible()

    page.get_by_role("link", name="Stakeholders").first.click()
    expect(page.get_by_role("heading", name="Stakeholder groups")).to_be_visible()
    page.get_by_role("link", name="Power/interest grid").click()
    manage_closely = page.locator("section", has=page.locator("#quadrant-manage_closely"))
    expect(manage_closely).to_contain_text("Province of Utrecht")
    expect(page.locator("section", has=page.locator("#quadrant-monitor"))).to_contain_text(
        "Press abroad"
    )
    shot(page, "01-grid")

    manage_closely.get_by_role("link", name="Province of Utrecht").click()
    expect(page.get_by_role("heading", name="Province of Utrecht")).to_be_visible()
    card = page.locator(".reciprocity")
    expect(card).to_contain_text("No goal with them yet.")

    for label, text in [
        ("Their goal or concern", "Fewer cars in the city centre"),
        ("Our goal with them", "Co-funding for the mobility lab"),
        ("What we offer them", "Our traffic data and a seat on the panel"),
    ]:
        form = card.locator("form.goal-add", has=page.get_by_label(label, exact=True))
        form.get_by_label(label, exact=True).fill(text)
        form.get_by_role("button", name="Add").click()
        expect(page.locator(".messages")).to_contain_text(text)
        expect(page.locator(".reciprocity")).to_contain_text(text)
    shot(page, "02-reciprocity-card")

    card = page.locator(".reciprocity")
    expect(card.locator("#goals-their_goal")).to_contain_text("Fewer cars in the city centre")
    expect(card.locator("#goals-our_goal")).to_contain_text("Co-funding for the mobility lab")
    expect(card.locator("#goals-our_offer")).to_contain_text("Our traffic data")
    assert set(Goal.objects.values_list("kind", flat=True)) == set(GoalKind.values)
    assert page.csp_errors == []
