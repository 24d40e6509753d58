"""Bad input is a field error or a 400, never a 500, on the pages and in the API.

The HTML forms check what the API serializers check (the model's validators), and an
id larger than any primary key is refused before SQLite sees it (OverflowError).
"""

import datetime

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from relations import selectors
from relations.forms import MAX_ID
from relations.models import Contact, FollowUp, Interaction, Organisation

pytestmark = pytest.mark.django_db

TOO_BIG = "99999999999999999999"  # beyond 2**64: SQLite cannot compare it


def contact_data(**overrides) -> dict:
    data = {"first_name": "Eva", "cadence_days": 90, "legal_basis": "consent"}
    data.update(overrides)
    return data


def meeting_data(contact, networker, **overrides) -> dict:
    data = {
        "kind": "coffee",
        "occurred_on": selectors.today().isoformat(),
        "our_participants": [networker.pk],
        "contacts": [contact.pk],
        "next_step_text": "Send the plan",
        "next_step_due_on": (selectors.today() + datetime.timedelta(days=7)).isoformat(),
        "next_step_assignee": networker.pk,
    }
    data.update(overrides)
    return data


def field_errors(response, field: str) -> list[str]:
    assert response.status_code == 200
    return response.context["form"].errors.get(field, [])


# The contact form runs the model's validators, as the API does


@pytest.mark.parametrize("cadence", [0, 3651, 5000, 40000])
def test_contact_form_refuses_a_cadence_outside_1_to_3650_days(client_for, networker, cadence):
    response = client_for(networker).post(
        reverse("relations:contact_create"), contact_data(cadence_days=cadence)
    )

    assert field_errors(response, "cadence_days")
    assert 'id="id_cadence_days_error"' in response.content.decode()
    assert not Contact.objects.exists()


@pytest.mark.parametrize("cadence", [1, 3650])
def test_contact_form_accepts_the_cadence_limits(client_for, networker, cadence):
    response = client_for(networker).post(
        reverse("relations:contact_create"), contact_data(cadence_days=cadence)
    )

    assert response.status_code == 302
    assert Contact.objects.get().cadence_days == cadence


def test_contact_edit_refuses_a_zero_cadence_and_keeps_the_stored_one(
    client_for, networker, contact
):
    response = client_for(networker).post(
        reverse("relations:contact_edit", args=[contact.pk]),
        contact_data(first_name="Anna", owner=networker.pk, cadence_days=0),
    )

    assert field_errors(response, "cadence_days")
    assert response.context["form"].instance.cadence_days == 90  # the form changed nothing
    contact.refresh_from_db()
    assert contact.cadence_days == 90


def test_the_api_refuses_the_same_cadences(api_client_for, networker):
    api = api_client_for(networker)
    for cadence in (0, 5000, 40000):
        response = api.post(
            "/api/v1/contacts/", {"first_name": "Eva", "cadence_days": cadence}, format="json"
        )
        assert response.status_code == 400
        assert "cadence_days" in response.json()


def test_contact_form_refuses_a_tag_longer_than_60_characters(client_for, networker):
    long_tag = "x" * 61

    response = client_for(networker).post(
        reverse("relations:contact_create"), contact_data(tags=f"board, {long_tag}")
    )

    errors = field_errors(response, "tags")
    assert errors == [f"A tag can have at most 60 characters; “{'x' * 29}…” is longer."]
    assert not Contact.objects.exists()


def test_contact_form_accepts_a_tag_of_60_characters(client_for, networker):
    response = client_for(networker).post(
        reverse("relations:contact_create"), contact_data(tags="y" * 60)
    )

    assert response.status_code == 302
    assert list(Contact.objects.get().tags.values_list("name", flat=True)) == ["y" * 60]


# The organisation form


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "x" * 201}, "name"),
        ({"name": ""}, "name"),
        ({"name": "Acme", "website": "not a web address"}, "website"),
        ({"name": "Acme", "website": "javascript:alert(1)"}, "website"),
        ({"name": "Acme", "website": "https://example.org/" + "a" * 200}, "website"),
        ({"name": "Acme", "sector": "s" * 121}, "sector"),
        ({"name": "Acme", "owner": TOO_BIG}, "owner"),
    ],
)
def test_organisation_form_refuses_bad_input_with_a_field_error(client_for, networker, data, field):
    response = client_for(networker).post(reverse("relations:organisation_create"), data)

    assert field_errors(response, field)
    assert not Organisation.objects.exists()


# Ids too large for any primary key


def test_meeting_form_ignores_an_impossible_contact_to_preselect(client_for, networker, contact):
    for value in (TOO_BIG, str(MAX_ID + 1), "0", "-3"):
        response = client_for(networker).get(reverse("relations:meeting_log"), {"contact": value})

        assert response.status_code == 200
        assert response.context["chosen"] == []


def test_meeting_form_still_preselects_a_real_contact(client_for, networker, contact):
    response = client_for(networker).get(reverse("relations:meeting_log"), {"contact": contact.pk})
    assert response.context["chosen"] == [contact]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("contacts", [TOO_BIG]),
        ("contacts", [None, TOO_BIG]),  # None: replaced by the contact's id below
        ("contacts", [str(MAX_ID + 1)]),
        ("our_participants", [TOO_BIG]),
        ("next_step_assignee", TOO_BIG),
    ],
)
def test_meeting_with_an_impossible_id_is_a_field_error(
    client_for, networker, contact, field, value
):
    if isinstance(value, list):
        value = [contact.pk if item is None else item for item in value]

    response = client_for(networker).post(
        reverse("relations:meeting_log"), meeting_data(contact, networker, **{field: value})
    )

    assert field_errors(response, field)
    assert not Interaction.objects.exists()
    assert not FollowUp.objects.exists()


def test_meeting_form_with_an_impossible_id_keeps_the_real_chips(client_for, networker, contact):
    response = client_for(networker).post(
        reverse("relations:meeting_log"),
        meeting_data(contact, networker, contacts=[contact.pk, TOO_BIG]),
    )

    assert response.context["chosen"] == [contact]


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("relations:contact_create", contact_data(owner=TOO_BIG)),
        ("relations:organisation_create", {"name": "Acme", "owner": TOO_BIG}),
    ],
)
def test_impossible_owner_id_is_a_field_error(client_for, networker, name, data):
    response = client_for(networker).post(reverse(name), data)
    assert field_errors(response, "owner")


def test_contact_list_with_an_impossible_owner_filters_nothing(client_for, networker, contact):
    response = client_for(networker).get(reverse("relations:contact_list"), {"owner": TOO_BIG})

    assert response.status_code == 200
    assert "Anna de Vries" in response.content.decode()


def test_new_contact_for_an_impossible_organisation_starts_empty(client_for, networker):
    response = client_for(networker).get(
        reverse("relations:contact_create"), {"organisation": TOO_BIG}
    )

    assert response.status_code == 200
    assert response.context["form"]["organisation"].value() == ""


# API list filters


@pytest.fixture
def api_client_for(db):
    def login(user) -> APIClient:
        client = APIClient()
        client.force_login(user)
        return client

    return login


@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        ("contacts", "owner"),
        ("contacts", "organisation"),
        ("followups", "assignee"),
        ("followups", "contact"),
        ("followups", "interaction"),
        ("relationships", "user"),
        ("relationships", "contact"),
        ("interactions", "contact"),
        ("interactions", "participant"),
    ],
)
@pytest.mark.parametrize("value", [TOO_BIG, str(MAX_ID + 1), "0", "-1"])
def test_api_list_filter_with_an_impossible_id_is_a_400_field_error(
    api_client_for, networker, path, parameter, value
):
    response = api_client_for(networker).get(f"/api/v1/{path}/", {parameter: value})

    assert response.status_code == 400
    assert parameter in response.json()


@pytest.mark.parametrize("path", ["contacts", "followups", "relationships", "interactions"])
def test_api_list_filter_accepts_the_largest_id(api_client_for, networker, path):
    parameter = {"contacts": "owner", "followups": "contact"}.get(path, "contact")

    response = api_client_for(networker).get(f"/api/v1/{path}/", {parameter: MAX_ID})

    assert response.status_code == 200
    assert response.json()["results"] == []
