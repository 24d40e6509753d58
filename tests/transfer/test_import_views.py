"""The import pages: upload → mapping → preview → confirm → result → undo, the progress
bar of a large file, bad files on the page, and nobody sees another's import."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from relations.models import Contact
from transfer import services, views
from transfer.models import ImportJob, ImportStatus

from .conftest import HEADER_NL, checked, csv_bytes, imported, upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("import_sandbox")]

DUTCH_ROWS = [
    [
        "Sjoerd van 't Hof",
        "Provincie Utrecht",
        "sjoerd@provincie.nl",
        "030 258 9111",
        "Gedeputeerde",
        "",
    ],
    ["Zoë de Wit", "Gemeente Utrecht", "zoe@utrecht.nl", "", "Wethouder", "Kent de burgemeester"],
    ["Joël", "", "geen-adres", "", "", ""],
]


def dutch_file(rows=DUTCH_ROWS):
    return upload(
        "relaties.csv", csv_bytes(rows, HEADER_NL, delimiter=";", encoding="cp1252"), "text/csv"
    )


def html(response) -> str:
    return response.content.decode()


def job_urls(job) -> list[str]:
    names = ["import_detail", "import_mapping", "import_preview", "import_progress"]
    return [reverse(f"transfer:{name}", args=[job.pk]) for name in names]


def test_the_contact_list_links_to_the_import(client_for, networker):
    response = client_for(networker).get(reverse("relations:contact_list"))

    assert f'href="{reverse("transfer:import_start")}"' in html(response)


def test_the_import_pages_need_a_login(client, networker):
    job = checked(networker, dutch_file())

    for url in [reverse("transfer:import_start"), *job_urls(job)]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_upload_map_preview_confirm_and_undo(client_for, networker, contact):
    client = client_for(networker)

    response = client.post(reverse("transfer:import_start"), {"file": dutch_file()})
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("transfer:import_mapping", args=[job.pk])

    page = html(client.get(response["Location"]))
    assert "relaties.csv: 3 rows · windows-1252 · separated by “;”" in page
    assert '<option value="full_name" selected>' in page
    assert '<option value="organisation" selected>' in page
    assert "<span>Sjoerd van &#x27;t Hof</span>" in page  # an example value

    mapping = {f"column_{i}": field for i, field in enumerate(job.mapping)}
    response = client.post(
        response["Location"], {**mapping, "owner": networker.pk, "tags": "Nieuwjaar"}
    )
    assert response["Location"] == reverse("transfer:import_preview", args=[job.pk])
    assert not Contact.objects.exclude(pk=contact.pk).exists()

    page = html(client.get(response["Location"]))
    assert "New contacts" in page and "Import 2 contacts" in page
    assert "E-mail: Enter a valid email address." in page
    assert "1 row has an error and will be skipped." in page
    assert not Contact.objects.exclude(pk=contact.pk).exists()

    response = client.post(reverse("transfer:import_confirm", args=[job.pk]))
    assert response["Location"] == job.get_absolute_url()
    assert Contact.objects.filter(email__in=["sjoerd@provincie.nl", "zoe@utrecht.nl"]).count() == 2

    page = html(client.get(job.get_absolute_url()))
    assert "Undo this import" in page
    sjoerd = Contact.objects.get(email="sjoerd@provincie.nl")
    assert f'<a href="{sjoerd.get_absolute_url()}">Sjoerd van &#x27;t Hof</a>' in page
    created = html(client.get(job.get_absolute_url(), {"show": "new"}))
    assert "Zoë de Wit" in created and "geen-adres" not in created

    response = client.post(reverse("transfer:import_undo", args=[job.pk]), follow=True)
    assert "The import is undone." in html(response)
    assert list(Contact.objects.all()) == [contact]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("leeg.csv", b"", "The file is empty."),
        (
            "foto.csv",
            b"\x89PNG\r\n\x1a\n\x00\x00",
            "should contain CSV text, but it is a PNG image",
        ),
        ("geen-kop.csv", b"Anna;anna@x.nl\r\nBram;bram@x.nl\r\n", "rather than column names"),
        ("kapot.csv", "Naam\r\nZoë\r\n".encode() + "Joël\r\n".encode("cp1252"), "cannot be read"),
        ("oud.xls", b"\xd0\xcf\x11\xe0", "Old Excel files (.xls) cannot be read."),
    ],
)
def test_a_bad_file_gets_a_clear_message_and_no_import(
    client_for, networker, name, content, message
):
    response = client_for(networker).post(
        reverse("transfer:import_start"), {"file": upload(name, content)}
    )

    assert response.status_code == 200
    assert message in html(response).replace("&#x27;", "'").replace("&ldquo;", "“")
    assert not ImportJob.objects.exists()


def test_an_oversized_file_is_refused_on_the_page(client_for, networker, settings):
    settings.IMPORT_MAX_BYTES = 1024
    file = upload("groot.csv", csv_bytes([[f"Persoon {n}"] for n in range(500)], ["Naam"]))

    response = client_for(networker).post(reverse("transfer:import_start"), {"file": file})

    assert "at most 1.0\xa0KB can be imported at once" in html(response)
    assert not ImportJob.objects.exists()


def test_the_preview_shows_errors_first_and_filters_by_outcome(client_for, networker, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    rows = [[f"Persoon {n}", "", f"p{n}@x.nl", "", "", ""] for n in range(4)]
    rows.append(["Kapot", "", "kapot", "", "", ""])
    job = checked(networker, dutch_file(rows))
    client = client_for(networker)
    url = reverse("transfer:import_preview", args=[job.pk])

    first_page = html(client.get(url))
    assert "Page 1 of 3" in first_page and "Kapot" not in first_page
    assert "Kapot" in html(client.get(url, {"errors_first": "1"}))
    errors = html(client.get(url, {"show": "error"}))
    assert "Kapot" in errors and "Persoon 0" not in errors


def test_a_mapping_without_a_name_column_is_shown_as_an_error(client_for, networker):
    job = services.import_upload(actor=networker, file_name="x.csv", upload=dutch_file())
    mapping = {f"column_{i}": "" for i in range(len(job.headers))}

    response = client_for(networker).post(
        reverse("transfer:import_mapping", args=[job.pk]), {**mapping, "owner": networker.pk}
    )

    assert response.status_code == 200
    assert "Choose the column with the name" in html(response)


def test_a_networker_may_choose_only_themselves_as_owner(client_for, networker, colleague):
    job = services.import_upload(actor=networker, file_name="x.csv", upload=dutch_file())
    url = reverse("transfer:import_mapping", args=[job.pk])
    mapping = {f"column_{i}": field for i, field in enumerate(job.mapping)}

    response = client_for(networker).post(url, {**mapping, "owner": colleague.pk})

    assert response.status_code == 200
    assert "Select a valid choice." in html(response)


def test_nobody_sees_anothers_import(client_for, networker, colleague):
    job = checked(networker, dutch_file())
    client = client_for(colleague)

    for url in job_urls(job):
        assert client.get(url).status_code == 404
    for name in ["import_confirm", "import_undo", "import_requeue"]:
        assert client.post(reverse(f"transfer:{name}", args=[job.pk])).status_code == 404
    assert "relaties.csv" not in html(client.get(reverse("transfer:import_start")))


def test_a_network_manager_sees_every_import_but_continues_only_their_own(
    client_for, networker, manager
):
    job = checked(networker, dutch_file())
    client = client_for(manager)

    assert "relaties.csv" in html(client.get(reverse("transfer:import_start")))
    assert client.get(reverse("transfer:import_preview", args=[job.pk])).status_code == 200
    assert client.post(reverse("transfer:import_confirm", args=[job.pk])).status_code == 403
    assert not Contact.objects.exists()


def test_the_result_page_of_an_old_import_offers_no_undo(client_for, networker):
    job = imported(networker, dutch_file())
    ImportJob.objects.filter(pk=job.pk).update(
        finished_at=timezone.now() - datetime.timedelta(days=2)
    )

    page = html(client_for(networker).get(job.get_absolute_url()))

    assert "Undo this import" not in page
    assert "The 24 hours in which an import can be undone have passed." in page


def test_a_large_file_shows_a_progress_bar_that_htmx_polls(client_for, networker, monkeypatch):
    monkeypatch.setattr(services, "BACKGROUND_ROWS", 2)
    job = checked(networker, dutch_file())
    assert job.status == ImportStatus.MAPPED
    client = client_for(networker)
    url = reverse("transfer:import_progress", args=[job.pk])

    assert client.get(reverse("transfer:import_preview", args=[job.pk]))["Location"] == url
    page = html(client.get(url))
    assert f'hx-get="{url}" hx-trigger="every 1s"' in page
    assert '<progress max="3" value="0">' in page
    assert "Waiting for a worker" not in page and "Checking the rows" in page

    job.started_at = timezone.now()
    ImportJob.objects.filter(pk=job.pk).update(started_at=job.started_at)
    services.progress_set(job, 2)  # the worker's count, outside its transaction
    partial = client.get(url, headers={"HX-Request": "true"})
    assert partial.templates[0].name == "transfer/_import_progress.html"
    assert '<progress max="3" value="2">' in html(partial)
    assert "2 of 3 rows" in html(partial)

    ImportJob.objects.filter(pk=job.pk).update(started_at=None)
    services.import_preview(job_id=job.pk)
    done = client.get(url, headers={"HX-Request": "true"})
    assert done.status_code == 204
    assert done["HX-Redirect"] == reverse("transfer:import_preview", args=[job.pk])


def test_a_job_no_worker_took_can_be_sent_again(client_for, networker, monkeypatch):
    monkeypatch.setattr(services, "BACKGROUND_ROWS", 2)
    sent = []
    monkeypatch.setattr(services, "enqueue_on_commit", lambda task, *args: sent.append(args))
    job = checked(networker, dutch_file())
    client = client_for(networker)
    url = reverse("transfer:import_progress", args=[job.pk])
    assert "Try again" not in html(client.get(url))

    ImportJob.objects.filter(pk=job.pk).update(
        updated_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    assert "No worker has taken this up yet." in html(client.get(url))
    client.post(reverse("transfer:import_requeue", args=[job.pk]))

    assert sent == [(job.pk,), (job.pk,)]


@pytest.mark.parametrize("name", ["import_preview", "import_detail"])
def test_the_row_pages_cost_the_same_queries_for_3_or_40_rows(client_for, networker, name):
    def queries(rows: int) -> int:
        job = checked(
            networker,
            dutch_file([[f"Persoon {n}", "Acme", f"p{n}@x.nl", "", "", ""] for n in range(rows)]),
        )
        if name == "import_detail":
            job = services.import_confirm(actor=networker, job=job)
        client = client_for(networker)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(f"transfer:{name}", args=[job.pk])).status_code == 200
        return len(captured)

    assert queries(3) == queries(40)


def test_the_list_of_imports_costs_the_same_queries_for_1_or_5_imports(
    client_for, manager, networker
):
    client = client_for(manager)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("transfer:import_start"))
        return len(captured)

    checked(networker, dutch_file())
    one = queries()
    for _ in range(4):
        checked(networker, dutch_file())
    assert queries() == one


def test_the_admin_lists_imports(client, admin_user, networker):
    checked(networker, dutch_file())
    client.force_login(admin_user)

    response = client.get(reverse("admin:transfer_importjob_changelist"))

    assert response.status_code == 200
    assert "relaties.csv" in html(response)
