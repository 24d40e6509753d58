"""Taking the network out: contact lists as CSV, Excel and vCard 4 with the list's own
filters, one contact's vCard, the stakeholder groups as CSV; on the pages and in the API."""

import csv
import datetime
import io
import json

import openpyxl
import pytest
import vobject
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from crm.spreadsheets import BOM, safe_cell, xlsx_bytes
from relations import selectors
from relations.models import Contact, Organisation, Tag, Team
from stakeholders.models import (
    Attitude,
    ContactMembership,
    OrganisationMembership,
    Priority,
    StakeholderGroup,
)
from transfer import exports

pytestmark = pytest.mark.django_db

CONTACT_HEADER = [
    "First name",
    "Last name",
    "Organisation",
    "Job title",
    "E-mail",
    "Phone",
    "Tags",
    "Notes",
    "Owner",
    "Cadence (days)",
]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TOO_BIG = "99999999999999999999"
API = "/api/v1/exports"


def today() -> datetime.date:
    return selectors.today()


def tagged(contact: Contact, *names: str) -> Contact:
    contact.tags.add(*(Tag.objects.get_or_create(name=name)[0] for name in names))
    return contact


@pytest.fixture
def network(networker, colleague, contact):
    """Anna (warm, Gemeente Utrecht, mobility), Zoë (cold, 't Hof, colleague's), an archived
    Bram."""
    contact.last_interaction_on = today() - datetime.timedelta(days=5)
    contact.job_title = "Beleidsadviseur"
    contact.phone = "030 123 4567"
    contact.save()
    tagged(contact, "mobility")
    hof = Organisation.objects.create(name="'t Hof", city="Zeist")
    zoe = Contact.objects.create(
        first_name="Zoë",
        last_name="van 't Hof",
        organisation=hof,
        email="zoe@thof.nl",
        phone="+31 6 1234 5678",
        notes="Met at the Fête; prefers tea.\nSecond line, with a comma.",
        owner=colleague,
        cadence_days=30,
    )
    tagged(zoe, "mobility", "Zorg & welzijn")
    bram = Contact.objects.create(first_name="Bram", last_name="Archief", owner=networker)
    bram.archived = True
    bram.save()
    return {"anna": contact, "zoe": zoe, "bram": bram}


def content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(BOM.encode()), "Excel needs the byte order mark to read UTF-8"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def xlsx_rows(data: bytes) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def vcards(text: str) -> list:
    return list(vobject.readComponents(text))


def emails_on_list_page(client, params: dict) -> list[str]:
    response = client.get(reverse("relations:contact_list"), params)
    return [c.email for c in response.context["page"].paginator.object_list]


# The library functions (the importer's round trip uses them)


def test_contacts_csv_has_the_importers_column_names_and_a_row_per_contact(network):
    rows = list(
        csv.reader(io.StringIO(exports.contacts_csv(Contact.objects.filter(archived=False))))
    )

    assert rows[0] == CONTACT_HEADER
    assert rows[1] == [
        "Anna",
        "de Vries",
        "Gemeente Utrecht",
        "Beleidsadviseur",
        "anna@utrecht.nl",
        "030 123 4567",
        "mobility",
        "",
        "nina",
        "90",
    ]
    zoe = rows[2]
    assert zoe[:3] == ["Zoë", "van 't Hof", "'t Hof"]
    assert zoe[5] == "'+31 6 1234 5678"  # a leading + is a formula to a spreadsheet
    assert zoe[6] == "Zorg & welzijn, mobility"
    assert zoe[7] == "Met at the Fête; prefers tea.\nSecond line, with a comma."
    assert zoe[8:] == ["carl", "30"]
    assert len(rows) == 3


def test_contacts_xlsx_reads_back_with_bold_frozen_header_and_typed_cadence(network):
    data = exports.contacts_xlsx(Contact.objects.filter(archived=False))

    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == CONTACT_HEADER
    assert rows[1][:2] == ["Anna", "de Vries"]
    assert rows[1][9] == 90
    assert rows[2][:3] == ["Zoë", "van 't Hof", "'t Hof"]
    assert rows[2][6] == "Zorg & welzijn, mobility"
    assert sheet["A1"].font.bold
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:J3"
    assert sheet.column_dimensions["H"].width > sheet.column_dimensions["J"].width
    assert sheet.title == "Contacts"


def test_contacts_vcard_is_vcard_4_with_the_rfc_6350_properties(network):
    text = exports.contacts_vcard(
        Contact.objects.filter(archived=False), origin="https://crm.example.nl/"
    )

    anna, zoe = vcards(text)
    assert anna.version.value == "4.0"
    assert anna.fn.value == "Anna de Vries"
    assert (anna.n.value.family, anna.n.value.given) == ("de Vries", "Anna")
    assert anna.org.value == ["Gemeente Utrecht"]
    assert anna.title.value == "Beleidsadviseur"
    assert anna.email.value == "anna@utrecht.nl"
    assert anna.tel.value == "030 123 4567"
    assert anna.categories.value == ["mobility"]
    assert anna.uid.value.startswith("urn:uuid:")
    assert len(anna.rev.value) == 16 and anna.rev.value.endswith("Z")
    assert zoe.fn.value == "Zoë van 't Hof"
    assert zoe.tel.value == "+31 6 1234 5678"  # a vCard is no spreadsheet: no quote
    assert zoe.categories.value == ["Zorg & welzijn", "mobility"]
    assert zoe.note.value == "Met at the Fête; prefers tea.\nSecond line, with a comma."
    assert text.startswith("BEGIN:VCARD\r\nVERSION:4.0\r\n")
    assert "\n" not in text.replace("\r\n", "")  # CRLF line ends only


def test_a_queryset_and_a_list_of_contacts_export_alike(network):
    """Querysets are read as values (fast), lists as model instances: the same file."""
    contacts = selectors.contact_list_for(user=network["anna"].owner, include_archived=True)

    assert exports.contacts_csv(contacts) == exports.contacts_csv(list(contacts))
    assert exports.contacts_vcard(contacts) == exports.contacts_vcard(list(contacts))
    assert xlsx_rows(exports.contacts_xlsx(contacts)) == xlsx_rows(
        exports.contacts_xlsx(list(contacts))
    )


def test_a_large_list_is_read_in_chunks_with_the_tags_of_each(networker, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK_SIZE", 2)
    grow_contacts(networker, 5)

    rows = list(csv.reader(io.StringIO(exports.contacts_csv(Contact.objects.order_by("pk")))))

    assert [row[0] for row in rows[1:]] == [f"Person{i:03}" for i in range(5)]
    assert {row[6] for row in rows[1:]} == {"alpha, beta"}


def test_vcard_uid_is_stable_per_contact_and_per_site(network):
    anna = network["anna"]
    first = exports.contact_uid(anna, "https://crm.example.nl/")

    assert exports.contact_uid(anna, "https://crm.example.nl/") == first
    assert exports.contact_uid(network["zoe"], "https://crm.example.nl/") != first
    assert exports.contact_uid(anna, "https://other.example.org/") != first


def test_vcard_of_a_contact_without_organisation_tags_or_phone_leaves_them_out(networker):
    bare = Contact.objects.create(first_name="Eva", owner=networker)

    (card,) = vcards(exports.contacts_vcard([bare]))

    assert card.fn.value == "Eva"
    for name in ("org", "title", "email", "tel", "categories", "note"):
        assert not hasattr(card, name)


# The guard against formula injection


@pytest.mark.parametrize(
    "value", ["=1+1", '=HYPERLINK("https://evil.example","x")', "+31 6", "-2+3", "@SUM(A1)"]
)
def test_safe_cell_quotes_what_a_spreadsheet_would_evaluate(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["\tfoo", "\rbar"])
def test_safe_cell_quotes_a_leading_tab_or_carriage_return(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize(
    ("value", "text"),
    [("Anna", "Anna"), ("a=b", "a=b"), ("", ""), (None, ""), (90, "90"), (-3, "-3"), (2.5, "2.5")],
)
def test_safe_cell_leaves_plain_text_and_numbers_alone(value, text):
    assert safe_cell(value) == text


@pytest.mark.parametrize("evil", ["=cmd|' /C calc'!A0", "+1+1", "-1+1", "@SUM(1)", "\t=1", "\r=1"])
def test_formula_cells_are_quoted_in_csv_and_xlsx(networker, evil):
    Contact.objects.create(first_name=evil, last_name="Safe", notes=evil, owner=networker)

    csv_row = list(csv.reader(io.StringIO(exports.contacts_csv(Contact.objects.all()))))[1]
    xlsx_row = xlsx_rows(exports.contacts_xlsx(Contact.objects.all()))[1]

    assert csv_row[0] == csv_row[7] == "'" + evil
    # XML reads a carriage return back as a line feed; the quote stays in front.
    assert xlsx_row[0] == xlsx_row[7] == "'" + evil.replace("\r", "\n")


def test_xlsx_keeps_formulas_out_even_behind_control_characters():
    data = xlsx_bytes(["Name"], [["\x01=1+1"], ["bell\x07 ring"]])

    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert [cell.value for cell in sheet["A"]] == ["Name", "'=1+1", "bell ring"]
    assert all(cell.data_type != "f" for cell in sheet["A"])


# The pages: same form, same selector as the contact list


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "utrecht"},
        {"q": "mobility"},
        {"owner": "OWNER"},
        {"warmth": "warm"},
        {"warmth": "cold"},
        {"tag": "Zorg & welzijn"},
        {"q": "nobody-at-all"},
        {"warmth": "lukewarm"},  # invalid input filters nothing, as on the list page
    ],
)
def test_csv_export_holds_the_rows_of_the_list_page(
    client_for, networker, colleague, network, params
):
    params = {k: (colleague.pk if v == "OWNER" else v) for k, v in params.items()}
    client = client_for(networker)

    response = client.get(reverse("transfer:contacts_export_csv"), params)

    assert response.status_code == 200
    exported = [row[4] for row in csv_rows(content(response))[1:]]
    assert exported == emails_on_list_page(client, params)


def test_filters_narrow_all_three_formats(client_for, networker, colleague, network):
    client = client_for(networker)
    params = {"owner": colleague.pk, "q": "hof"}

    as_csv = csv_rows(content(client.get(reverse("transfer:contacts_export_csv"), params)))
    as_xlsx = xlsx_rows(content(client.get(reverse("transfer:contacts_export_xlsx"), params)))
    as_vcf = vcards(content(client.get(reverse("transfer:contacts_export_vcf"), params)).decode())

    assert [row[0] for row in as_csv[1:]] == ["Zoë"]
    assert [row[0] for row in as_xlsx[1:]] == ["Zoë"]
    assert [card.fn.value for card in as_vcf] == ["Zoë van 't Hof"]


def test_archived_contacts_stay_out_as_on_the_list_page(client_for, networker, network):
    client = client_for(networker)

    rows = csv_rows(content(client.get(reverse("transfer:contacts_export_csv"))))

    assert "Bram" not in [row[0] for row in rows]
    assert "bram" not in emails_on_list_page(client, {})


def test_downloads_are_named_by_date_and_typed(client_for, networker, network):
    client = client_for(networker)
    day = today().isoformat()

    for name, content_type, filename in [
        ("contacts_export_csv", "text/csv; charset=utf-8", f"contacts-{day}.csv"),
        ("contacts_export_xlsx", XLSX, f"contacts-{day}.xlsx"),
        ("contacts_export_vcf", "text/vcard; charset=utf-8", f"contacts-{day}.vcf"),
        ("groups_export_csv", "text/csv; charset=utf-8", f"stakeholder-groups-{day}.csv"),
    ]:
        response = client.get(reverse(f"transfer:{name}"))
        assert response.status_code == 200
        assert response["Content-Type"] == content_type
        assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
        assert "no-store" in response["Cache-Control"]
        content(response)


def test_accents_survive_the_csv_download(client_for, networker, network):
    data = content(client_for(networker).get(reverse("transfer:contacts_export_csv")))

    assert "Zoë".encode() in data
    row = csv_rows(data)[2]
    assert row[:3] == ["Zoë", "van 't Hof", "'t Hof"]


def test_one_contacts_vcard(client_for, outsider, network):
    zoe = network["zoe"]

    response = client_for(outsider).get(reverse("transfer:contact_vcard", args=[zoe.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/vcard; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="zoe-van-t-hof.vcf"'
    (card,) = vcards(content(response).decode())
    assert card.fn.value == "Zoë van 't Hof"
    assert card.org.value == ["'t Hof"]
    assert card.email.value == "zoe@thof.nl"


def test_an_archived_contact_still_has_its_vcard(client_for, networker, network):
    response = client_for(networker).get(
        reverse("transfer:contact_vcard", args=[network["bram"].pk])
    )

    assert response.status_code == 200


@pytest.mark.parametrize("pk", ["0", "424242", TOO_BIG])
def test_unknown_contact_vcard_is_404(client_for, networker, network, pk):
    url = reverse("transfer:contact_vcard", args=[1]).replace("/1.vcf", f"/{pk}.vcf")

    assert client_for(networker).get(url).status_code == 404


@pytest.mark.parametrize(
    "name",
    ["contacts_export_csv", "contacts_export_xlsx", "contacts_export_vcf", "groups_export_csv"],
)
def test_anonymous_is_sent_to_login(client, db, name):
    response = client.get(reverse(f"transfer:{name}"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_anonymous_vcard_is_sent_to_login(client, contact):
    response = client.get(reverse("transfer:contact_vcard", args=[contact.pk]))

    assert response.status_code == 302


def test_an_htmx_click_is_sent_on_to_the_download_with_the_current_filters(
    client_for, networker, network
):
    url = reverse("transfer:contacts_export_csv")

    response = client_for(networker).get(
        url, {"q": "zoë", "warmth": "cold"}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    assert response["HX-Redirect"] == f"{url}?q=zo%C3%AB&warmth=cold"
    assert response.content == b""
    assert "HX-Request" in response["Vary"]


def test_posting_to_an_export_is_refused(client_for, networker):
    response = client_for(networker).post(reverse("transfer:contacts_export_csv"))

    assert response.status_code == 405


# Stakeholder groups


@pytest.fixture
def groups(network, team_alpha):
    anna, zoe = network["anna"], network["zoe"]
    council = StakeholderGroup.objects.create(
        name="Regional government", influence=5, interest=4, priority=Priority.HIGH,
        owning_team=team_alpha,
    )  # fmt: skip
    ContactMembership.objects.create(
        group=council, contact=anna, attitude=Attitude.SUPPORTER, note="=ally"
    )
    ContactMembership.objects.create(group=council, contact=zoe, attitude=Attitude.CRITIC)
    OrganisationMembership.objects.create(
        group=council, organisation=Organisation.objects.get(name="'t Hof")
    )
    empty = StakeholderGroup.objects.create(name="Universities", influence=2, interest=2)
    return council, empty


def test_groups_csv_has_a_row_per_member_and_one_for_an_empty_group(groups):
    rows = list(csv.reader(io.StringIO(exports.groups_csv(StakeholderGroup.objects.all()))))

    assert rows[0] == [
        "Group",
        "Quadrant",
        "Priority",
        "Owning team",
        "Member kind",
        "Name",
        "Organisation",
        "Attitude",
        "Note",
    ]
    council = ["Regional government", "Manage closely", "High", "Alpha"]
    assert rows[1:] == [
        [*council, "person", "Anna de Vries", "Gemeente Utrecht", "Supporter", "'=ally"],
        [*council, "person", "Zoë van 't Hof", "'t Hof", "Critic", ""],
        [*council, "organisation", "'t Hof", "", "Neutral", ""],
        ["Universities", "Monitor", "Medium", "", "", "", "", "", ""],
    ]


def test_groups_csv_is_english_whatever_the_users_language(client_for, networker, groups):
    networker.language = "nl"
    networker.save()

    data = content(client_for(networker).get(reverse("transfer:groups_export_csv")))

    rows = csv_rows(data)
    assert rows[0][0] == "Group"
    assert rows[1][1:3] == ["Manage closely", "High"]


def test_groups_export_follows_the_group_list_filters(client_for, networker, groups, team_alpha):
    client = client_for(networker)

    by_team = csv_rows(
        content(client.get(reverse("transfer:groups_export_csv"), {"team": team_alpha.pk}))
    )
    by_name = csv_rows(content(client.get(reverse("transfer:groups_export_csv"), {"q": "univ"})))

    assert {row[0] for row in by_team[1:]} == {"Regional government"}
    assert [row[0] for row in by_name[1:]] == ["Universities"]


# The API


@pytest.fixture
def api(networker):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=networker).key}")
    return client


def test_api_contacts_csv_with_the_contacts_endpoint_filters(api, colleague, network):
    response = api.get(f"{API}/contacts.csv", {"owner": colleague.pk})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f"contacts-{today().isoformat()}.csv" in response["Content-Disposition"]
    assert [row[0] for row in csv_rows(content(response))[1:]] == ["Zoë"]


def test_api_lists_archived_contacts_only_when_asked(api, network):
    archived = csv_rows(content(api.get(f"{API}/contacts.csv", {"archived": "true"})))
    active = csv_rows(content(api.get(f"{API}/contacts.csv", {"archived": "false"})))

    assert [row[0] for row in archived[1:]] == ["Bram"]
    assert [row[0] for row in active[1:]] == ["Anna", "Zoë"]


def test_api_export_holds_the_rows_of_the_contacts_endpoint(api, network, organisation):
    params = {"organisation": organisation.pk, "tag": "mobility", "warmth": "warm"}

    listed = api.get("/api/v1/contacts/", params).json()["results"]
    exported = csv_rows(content(api.get(f"{API}/contacts.csv", params)))[1:]

    assert [row[4] for row in exported] == [c["email"] for c in listed] == ["anna@utrecht.nl"]


def test_api_contacts_xlsx_and_vcf(api, network):
    xlsx = api.get(f"{API}/contacts.xlsx", {"q": "zoë"})
    vcf = api.get(f"{API}/contacts.vcf", {"tag": "mobility"})

    assert xlsx.status_code == vcf.status_code == 200
    assert xlsx["Content-Type"] == XLSX
    assert xlsx_rows(content(xlsx))[1][:2] == ["Zoë", "van 't Hof"]
    assert vcf["Content-Type"] == "text/vcard; charset=utf-8"
    assert [c.fn.value for c in vcards(content(vcf).decode())] == [
        "Anna de Vries",
        "Zoë van 't Hof",
    ]


def test_api_one_contacts_vcard_and_404(api, network):
    found = api.get(f"{API}/contacts/{network['zoe'].pk}.vcf")
    missing = api.get(f"{API}/contacts/424242.vcf")
    too_big = api.get(f"{API}/contacts/{TOO_BIG}.vcf")

    assert found.status_code == 200
    assert vcards(content(found).decode())[0].fn.value == "Zoë van 't Hof"
    assert missing.status_code == too_big.status_code == 404
    assert missing["Content-Type"] == "application/json"


def test_api_groups_csv(api, groups):
    response = api.get(f"{API}/stakeholder-groups.csv", {"quadrant": "manage_closely"})

    assert response.status_code == 200
    rows = csv_rows(content(response))
    assert [row[5] for row in rows[1:]] == ["Anna de Vries", "Zoë van 't Hof", "'t Hof"]


@pytest.mark.parametrize(
    "path",
    [
        "contacts.csv",
        "contacts.xlsx",
        "contacts.vcf",
        "contacts/1.vcf",
        "stakeholder-groups.csv",
    ],
)
def test_api_anonymous_gets_401(db, path):
    response = APIClient().get(f"{API}/{path}")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("contacts.csv", {"warmth": "lukewarm"}),
        ("contacts.xlsx", {"owner": TOO_BIG}),
        ("contacts.vcf", {"organisation": "0"}),
        ("stakeholder-groups.csv", {"quadrant": "everywhere"}),
    ],
)
def test_api_bad_filter_is_a_400_in_json(api, path, params):
    response = api.get(f"{API}/{path}", params)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert set(json.loads(response.content)) == set(params)


def test_api_session_works_and_accept_header_does_not_matter(client_for, networker, network):
    client = client_for(networker)

    response = client.get(f"{API}/contacts.csv", HTTP_ACCEPT="text/csv")
    as_json = client.get(f"{API}/contacts.vcf", HTTP_ACCEPT="application/json")

    assert response.status_code == as_json.status_code == 200
    assert as_json["Content-Type"] == "text/vcard; charset=utf-8"


def test_api_schema_documents_the_exports(db):
    spec = json.loads(APIClient().get("/api/schema/?format=json").content)
    paths = spec["paths"]

    def params(path: str) -> set[str]:
        return {p["name"] for p in paths[path]["get"]["parameters"]}

    def types(path: str) -> set[str]:
        return set(paths[path]["get"]["responses"]["200"]["content"])

    assert {"q", "owner", "warmth", "tag", "organisation", "archived"} <= params(
        "/api/v1/exports/contacts.csv"
    )
    assert types("/api/v1/exports/contacts.csv") == {"text/csv"}
    assert types("/api/v1/exports/contacts.xlsx") == {XLSX}
    assert types("/api/v1/exports/contacts.vcf") == {"text/vcard"}
    assert types("/api/v1/exports/contacts/{id}.vcf") == {"text/vcard"}
    assert {"q", "team", "topic", "quadrant", "flag"} <= params(
        "/api/v1/exports/stakeholder-groups.csv"
    )
    assert {"401", "400"} <= set(paths["/api/v1/exports/contacts.csv"]["get"]["responses"])


def test_api_export_responses_match_the_schema(api, network, groups):
    from openapi_core import OpenAPI
    from openapi_core.testing import MockRequest, MockResponse

    openapi = OpenAPI.from_dict(json.loads(APIClient().get("/api/schema/?format=json").content))
    zoe = network["zoe"].pk
    for path, query, status in [
        ("contacts.csv", {"q": "hof"}, 200),
        ("contacts.csv", {"warmth": "lukewarm"}, 400),
        ("contacts.xlsx", {}, 200),
        ("contacts.vcf", {"tag": "mobility"}, 200),
        (f"contacts/{zoe}.vcf", {}, 200),
        ("contacts/424242.vcf", {}, 404),
        ("stakeholder-groups.csv", {"flag": "unowned"}, 200),
    ]:
        response = api.get(f"{API}/{path}", query)
        body = content(response)
        if response["Content-Type"].startswith("text/"):
            body = body.decode()  # the schema's `type: string`
        assert response.status_code == status
        openapi.validate_response(
            MockRequest("http://testserver", "get", f"{API}/{path}", args=query),
            MockResponse(body, status_code=status, content_type=response["Content-Type"]),
        )


# No query per row


def grow_contacts(owner, count: int, start: int = 0) -> None:
    organisation = Organisation.objects.create(name=f"Organisation {start}")
    tags = [Tag.objects.get_or_create(name=name)[0] for name in ("alpha", "beta")]
    for i in range(start, start + count):
        contact = Contact.objects.create(
            first_name=f"Person{i:03}", last_name="Grow", organisation=organisation, owner=owner
        )
        contact.tags.set(tags)


def queries_for(client, url: str, params: dict) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
        data = content(response)
    assert response.status_code == 200
    return len(queries), len(data)


@pytest.mark.parametrize(
    "url",
    [
        "transfer:contacts_export_csv",
        "transfer:contacts_export_xlsx",
        "transfer:contacts_export_vcf",
    ],
)
def test_contact_export_query_count_does_not_grow_with_the_list(client_for, networker, url):
    client = client_for(networker)
    params = {"owner": networker.pk, "q": "grow"}
    grow_contacts(networker, 3)
    small, small_size = queries_for(client, reverse(url), params)
    grow_contacts(networker, 25, start=3)

    large, large_size = queries_for(client, reverse(url), params)

    assert large_size > small_size
    # Session, user, the owner filter's colleague, the contacts (with organisation and
    # owner joined), their tags.
    assert large == small == 5


def test_api_contact_export_query_count_does_not_grow(api, networker):
    grow_contacts(networker, 3)
    small, _ = queries_for(api, f"{API}/contacts.csv", {"tag": "alpha"})
    grow_contacts(networker, 25, start=3)

    large, _ = queries_for(api, f"{API}/contacts.csv", {"tag": "alpha"})

    assert large == small == 3  # token with user, contacts, tags


def test_groups_export_query_count_does_not_grow(client_for, networker, groups, team_alpha):
    client = client_for(networker)
    small, _ = queries_for(client, reverse("transfer:groups_export_csv"), {})
    for i in range(10):
        group = StakeholderGroup.objects.create(
            name=f"Extra {i}", influence=3, interest=3, owning_team=Team.objects.first()
        )
        ContactMembership.objects.create(group=group, contact=Contact.objects.first())
        OrganisationMembership.objects.create(
            group=group, organisation=Organisation.objects.first()
        )

    large, _ = queries_for(client, reverse("transfer:groups_export_csv"), {})

    # Session, user, groups (with team), topics, people with organisation, organisations.
    assert large == small == 6


# Links on the pages


def test_contact_list_offers_an_export_menu_with_the_current_filters(
    client_for, networker, network
):
    page = (
        client_for(networker)
        .get(reverse("relations:contact_list"), {"q": "hof", "warmth": "cold"})
        .content.decode()
    )

    for name in ("contacts_export_csv", "contacts_export_xlsx", "contacts_export_vcf"):
        url = reverse(f"transfer:{name}")
        assert f'href="{url}?q=hof&amp;warmth=cold"' in page
        assert f'hx-get="{url}" hx-include="next form.filters"' in page
    assert 'class="export-menu"' in page


def test_contact_page_links_its_vcard(client_for, networker, network):
    anna = network["anna"]

    page = client_for(networker).get(anna.get_absolute_url()).content.decode()

    assert f'href="{reverse("transfer:contact_vcard", args=[anna.pk])}"' in page


def test_group_list_links_the_csv_export_with_the_current_filters(client_for, networker, groups):
    page = (
        client_for(networker)
        .get(reverse("stakeholders:group_list"), {"quadrant": "monitor"})
        .content.decode()
    )

    assert f'href="{reverse("transfer:groups_export_csv")}?quadrant=monitor"' in page
