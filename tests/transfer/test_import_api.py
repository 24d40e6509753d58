"""Imports in the API: upload → job → rows → confirm → undo, with a token, and every
answer checked against the OpenAPI schema."""

import datetime
import json

import pytest
from openapi_core import OpenAPI
from openapi_core.testing import MockRequest, MockResponse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from relations.models import Contact
from transfer import services
from transfer.models import ImportJob

from .conftest import HEADER_NL, csv_bytes, upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("import_sandbox")]

HOST = "http://testserver"
API = "/api/v1/imports/"
ROWS = [
    ["Sjoerd van 't Hof", "Provincie Utrecht", "sjoerd@provincie.nl", "030", "Gedeputeerde", ""],
    ["Zoë de Wit", "Gemeente Utrecht", "zoe@utrecht.nl", "", "", "Kent de burgemeester"],
    ["Joël", "", "geen-adres", "", "", ""],
]


@pytest.fixture(scope="module")
def openapi(django_db_blocker) -> OpenAPI:
    with django_db_blocker.unblock():
        response = APIClient().get("/api/schema/?format=json")
    return OpenAPI.from_dict(json.loads(response.content))


class Api:
    """A token client whose every answer must match the schema."""

    def __init__(self, openapi: OpenAPI, user) -> None:
        self.openapi = openapi
        self.client = APIClient()
        self.client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")

    def __call__(self, method: str, path: str, data=None, **kwargs):
        response = getattr(self.client, method)(path, data, **kwargs)
        path_only, _sep, query = path.partition("?")
        args = dict(pair.split("=") for pair in query.split("&")) if query else None
        self.openapi.validate_response(
            MockRequest(HOST, method, path_only, args=args),
            MockResponse(
                response.content,
                status_code=response.status_code,
                content_type=response.get("Content-Type", "application/json"),
            ),
        )
        return response


def dutch_csv(rows=ROWS):
    return upload("relaties.csv", csv_bytes(rows, HEADER_NL, delimiter=";", encoding="cp1252"))


def test_upload_rows_confirm_and_undo(openapi, networker, contact):
    api = Api(openapi, networker)

    response = api(
        "post", API, {"file": dutch_csv(), "tags": ["api", "Nieuwjaar"]}, format="multipart"
    )

    assert response.status_code == 201, response.json()
    job = response.json()
    assert (job["status"], job["format"], job["encoding"], job["delimiter"]) == (
        "previewed",
        "csv",
        "windows-1252",
        ";",
    )
    assert job["headers"] == HEADER_NL
    assert job["mapping"] == ["full_name", "organisation", "email", "phone", "job_title", "notes"]
    assert (job["total"], job["processed"]) == (3, 3)
    assert (job["created_count"], job["updated_count"], job["skipped_count"]) == (2, 0, 1)
    assert job["tags"] == ["api", "nieuwjaar"]
    assert job["undo_until"] is None
    assert not Contact.objects.exclude(pk=contact.pk).exists()

    rows = api("get", f"{API}{job['id']}/rows/").json()
    assert rows["count"] == 3
    assert [(r["number"], r["outcome"]) for r in rows["results"]] == [
        (2, "new"),
        (3, "new"),
        (4, "error"),
    ]
    assert rows["results"][0]["data"]["last_name"] == "van 't Hof"
    errors = api("get", f"{API}{job['id']}/rows/?outcome=error").json()["results"]
    assert errors == [
        {
            "number": 4,
            "outcome": "error",
            "message": "E-mail: Enter a valid email address.",
            "contact": None,
            "values": ["Joël", "", "geen-adres", "", "", ""],
            "data": {"email": "geen-adres", "first_name": "Joël", "last_name": "", "tags": []},
        }
    ]

    response = api("post", f"{API}{job['id']}/confirm/")
    assert response.status_code == 200
    assert response.json()["status"] == "done"
    assert response.json()["undo_until"] is not None
    sjoerd = Contact.objects.get(email="sjoerd@provincie.nl")
    assert sorted(sjoerd.tags.values_list("name", flat=True)) == ["api", "nieuwjaar"]
    created = api("get", f"{API}{job['id']}/rows/?outcome=new").json()["results"]
    assert created[0]["contact"] == sjoerd.pk

    response = api("post", f"{API}{job['id']}/undo/")
    assert response.status_code == 200
    assert response.json()["status"] == "undone"
    assert list(Contact.objects.all()) == [contact]


def test_upload_with_a_mapping_and_batch_options(openapi, manager, colleague):
    api = Api(openapi, manager)
    mapping = json.dumps({"Opmerkingen": "", "Functie": "notes"})

    response = api(
        "post",
        API,
        {"file": dutch_csv(), "mapping": mapping, "owner": colleague.pk, "cadence_days": 30},
        format="multipart",
    )

    assert response.status_code == 201, response.json()
    job = response.json()
    assert job["mapping"] == ["full_name", "organisation", "email", "phone", "notes", ""]
    assert (job["owner"], job["cadence_days"]) == (colleague.pk, 30)
    api("post", f"{API}{job['id']}/confirm/")
    sjoerd = Contact.objects.get(email="sjoerd@provincie.nl")
    assert (sjoerd.notes, sjoerd.job_title, sjoerd.owner, sjoerd.cadence_days) == (
        "Gedeputeerde",
        "",
        colleague,
        30,
    )


def test_change_the_mapping_and_check_again(openapi, networker):
    api = Api(openapi, networker)
    job = api("post", API, {"file": dutch_csv()}, format="multipart").json()

    response = api(
        "post", f"{API}{job['id']}/mapping/", {"mapping": {"E-mailadres": ""}}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["skipped_count"] == 0


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"file": upload("foto.csv", b"\x89PNG\r\n\x1a\n")}, "file", "it is a PNG image"),
        ({"file": upload("leeg.csv", b"")}, "file", "The submitted file is empty."),
        ({"file": None}, "file", "No file was submitted."),
        ({"mapping": json.dumps({"Naam": ""})}, "mapping", "Choose the column with the name"),
        ({"mapping": json.dumps({"Schoenmaat": "email"})}, "mapping", "no column 'Schoenmaat'"),
        ({"mapping": json.dumps({"Naam": "shoe_size"})}, "mapping", "Unknown field 'shoe_size'"),
        ({"cadence_days": 0}, "cadence_days", "greater than or equal to 1"),
    ],
)
def test_a_bad_upload_is_a_400_and_keeps_no_job(openapi, networker, data, field, message):
    data = {
        name: value for name, value in {"file": dutch_csv(), **data}.items() if value is not None
    }

    response = Api(openapi, networker)("post", API, data, format="multipart")

    assert response.status_code == 400
    assert message in " ".join(response.json()[field])
    assert not ImportJob.objects.exists()


def test_a_networker_cannot_import_for_a_colleague(openapi, networker, colleague):
    response = Api(openapi, networker)(
        "post", API, {"file": dutch_csv(), "owner": colleague.pk}, format="multipart"
    )

    assert response.status_code == 403
    assert not ImportJob.objects.exists()


def test_nobody_sees_anothers_import_but_a_network_manager(openapi, networker, colleague, manager):
    job = Api(openapi, networker)("post", API, {"file": dutch_csv()}, format="multipart").json()
    theirs = Api(openapi, colleague)

    assert theirs("get", API).json()["count"] == 0
    for path in [f"{API}{job['id']}/", f"{API}{job['id']}/rows/"]:
        assert theirs("get", path).status_code == 404
    for action in ["confirm", "undo", "mapping"]:
        assert theirs("post", f"{API}{job['id']}/{action}/", {}, format="json").status_code == 404

    boss = Api(openapi, manager)
    assert boss("get", API).json()["count"] == 1
    assert boss("post", f"{API}{job['id']}/confirm/").status_code == 403
    assert not Contact.objects.exists()


def test_a_large_file_answers_202_and_the_job_reports_progress(openapi, networker, monkeypatch):
    monkeypatch.setattr(services, "BACKGROUND_ROWS", 2)
    api = Api(openapi, networker)

    response = api("post", API, {"file": dutch_csv()}, format="multipart")

    assert response.status_code == 202
    job = response.json()
    assert (job["status"], job["processed"], job["total"]) == ("mapped", 0, 3)
    services.import_preview(job_id=job["id"])
    assert api("get", f"{API}{job['id']}/").json()["status"] == "previewed"
    response = api("post", f"{API}{job['id']}/confirm/")
    assert response.status_code == 202
    assert response.json()["status"] == "running"


def test_undo_after_24_hours_is_a_400(openapi, networker):
    api = Api(openapi, networker)
    job = api("post", API, {"file": dutch_csv()}, format="multipart").json()
    api("post", f"{API}{job['id']}/confirm/")
    stored = ImportJob.objects.get(pk=job["id"])
    ImportJob.objects.filter(pk=stored.pk).update(
        finished_at=stored.finished_at - datetime.timedelta(hours=25)
    )

    response = api("post", f"{API}{job['id']}/undo/")

    assert response.status_code == 400
    assert "can be undone for 24 hours" in response.json()["non_field_errors"][0]
