"""A networker imports a Dutch Excel CSV: upload, keep the guessed mapping, look at the
preview, confirm, see the result. Headless Chromium through tests/browser.py.

The preview's screenshot is kept in docs/import-preview.png; the other steps land in
test-artifacts/browser/ like the other browser tests' screenshots.
"""

import csv
import io
from pathlib import Path

import pytest

from relations.models import Contact
from tests.browser import open_page, shot
from transfer.models import ImportJob, ImportStatus

PREVIEW_SCREENSHOT = Path(__file__).resolve().parent.parent / "docs" / "import-preview.png"
ROWS = [
    # Naam, Organisatie, E-mailadres, Telefoon, Functie, Opmerkingen
    ["Sjoerd van 't Hof", "Provincie Utrecht", "sjoerd@provincie-utrecht.nl", "030 258 9111",
     "Gedeputeerde", "Mobiliteit"],
    ["Zoë de Wit", "Gemeente Utrecht", "zoe.dewit@utrecht.nl", "06 1234 5678", "Wethouder", ""],
    ["Anna de Vries", "Gemeente Utrecht", "ANNA@utrecht.nl", "030 286 0000", "Directeur",
     "Kent de burgemeester"],
    ["Joël Müller", "Café De Wereld", "joel@@dewereld", "", "Eigenaar", ""],
    ["Fleur Bakker", "Waterschap De Stichtse Rijnlanden", "f.bakker@hdsr.nl", "", "Dijkgraaf",
     "Nieuwjaarsreceptie"],
]  # fmt: skip


@pytest.fixture
def desktop_page(chromium_path, monkeypatch):
    with open_page(chromium_path, "desktop", monkeypatch) as page:
        yield page


@pytest.fixture
def dutch_csv(tmp_path) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(["Naam", "Organisatie", "E-mailadres", "Telefoon", "Functie", "Opmerkingen"])
    writer.writerows(ROWS)
    path = tmp_path / "relaties.csv"
    path.write_bytes(buffer.getvalue().encode("cp1252"))
    return path


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_networker_uploads_maps_previews_and_confirms_an_import(
    live_server, desktop_page, networker, contact, dutch_csv, settings, tmp_path
):
    from playwright.sync_api import expect

    settings.VAR_DIR = tmp_path / "var"
    page = desktop_page
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", networker.username)
    page.fill("#id_password", "pass-for-tests-123")
    page.click("button[type=submit]")
    expect(page.get_by_role("heading", name="My network")).to_be_visible()

    page.get_by_role("link", name="Contacts").first.click()
    page.get_by_role("link", name="Import", exact=True).click()
    expect(page.get_by_role("heading", name="Import contacts")).to_be_visible()
    page.get_by_label("File").set_input_files(str(dutch_csv))
    page.get_by_role("button", name="Upload and continue").click()

    # The mapping is guessed from the Dutch headers; it is kept as it is.
    expect(page.get_by_role("heading", name="Map the columns")).to_be_visible()
    expect(page.get_by_label("Naam")).to_have_value("full_name")
    expect(page.get_by_label("Organisatie")).to_have_value("organisation")
    expect(page.get_by_label("E-mailadres")).to_have_value("email")
    expect(page.get_by_label("Opmerkingen")).to_have_value("notes")
    page.get_by_label("Tags for every imported contact").fill("nieuwjaar")
    shot(page, "import-01-mapping")
    page.get_by_role("button", name="Check the rows").click()

    expect(page.get_by_role("heading", name="Preview")).to_be_visible()
    table = page.locator(".import-rows table")
    expect(table.locator("tr", has_text="Sjoerd van 't Hof")).to_contain_text("New")
    expect(table.locator("tr", has_text="Anna de Vries")).to_contain_text("Update")
    expect(table.locator("tr", has_text="joel@@dewereld")).to_contain_text(
        "E-mail: Enter a valid email address."
    )
    expect(page.locator(".import-counts")).to_contain_text("New contacts")
    assert Contact.objects.count() == 1  # nothing written before the confirmation
    page.screenshot(path=str(PREVIEW_SCREENSHOT), full_page=True)

    page.get_by_role("button", name="Import 4 contacts").click()
    expect(page.get_by_role("heading", name="Import of relaties.csv")).to_be_visible()
    expect(page.locator(".import-counts")).to_contain_text("Created")
    expect(page.get_by_role("link", name="Zoë de Wit")).to_be_visible()
    expect(page.locator("summary", has_text="Undo this import")).to_be_visible()
    shot(page, "import-02-result")

    job = ImportJob.objects.get()
    assert job.status == ImportStatus.DONE
    assert (job.created_count, job.updated_count, job.skipped_count) == (3, 1, 1)
    assert Contact.objects.count() == 4
    contact.refresh_from_db()
    assert contact.job_title == "Directeur"
    assert list(contact.tags.values_list("name", flat=True)) == ["nieuwjaar"]
    assert page.csp_errors == []
