"""The REST API under /api/v1/: CRUD, filters, pagination, permissions and bad input."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from relations import selectors, services
from relations.models import Contact, FollowUp, Interaction, Organisation, Relationship, Team

API = "/api/v1"

# WhiteNoise warns when `collectstatic` has not run (as in a fresh test checkout).


@pytest.fixture
def api_for(db):
    """`api_for(user)` returns an APIClient signed in (session) as that user."""

    def login(user) -> APIClient:
        client = APIClient()
        client.force_login(user)
        return client

    return login


def today() -> datetime.date:
    return selectors.today()


def days_ago(days: int) -> datetime.date:
    return today() - datetime.timedelta(days=days)


def make_contact(owner, first_name="Bert", last_name="Jansen", **fields) -> Contact:
    return Contact.objects.create(first_name=first_name, last_name=last_name, owner=owner, **fields)


def log(author, contacts, *, participants=None, confidential=False, on=None, kind="coffee"):
    return services.interaction_log(
        author=author,
        kind=kind,
        occurred_on=on or today(),
        contacts=list(contacts),
        our_participants=participants,
        confidential=confidential,
    )


def followup_for(assignee, contact, *, due_on=None, text="Send the report") -> FollowUp:
    return services.followup_create(
        actor=assignee, contact=contact, text=text, due_on=due_on or today(), assignee=assignee
    )


def ids(response) -> set[int]:
    return {row["id"] for row in response.json()["results"]}


# Authentication


@pytest.mark.parametrize(
    "path",
    [
        "contacts/",
        "organisations/",
        "relationships/",
        "interactions/",
        "followups/",
        "teams/",
        "me/",
    ],
)
def test_anonymous_is_refused(db, path):
    response = APIClient().get(f"{API}/{path}")
    assert response.status_code in (401, 403)


def test_token_authentication_works(networker):
    token = Token.objects.create(user=networker)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")

    response = client.get(f"{API}/me/")

    assert response.status_code == 200
    assert response.json()["username"] == networker.username


def test_token_client_is_answered_in_their_language(networker):
    networker.language = "nl"
    networker.save()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=networker).key}")

    response = client.get(f"{API}/contacts/")

    assert response["Content-Language"] == "nl"


def test_wrong_token_is_refused(networker):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-key")
    assert client.get(f"{API}/contacts/").status_code in (401, 403)


# Contacts


def test_create_contact(api_for, networker, organisation):
    response = api_for(networker).post(
        f"{API}/contacts/",
        {
            "first_name": "Bram",
            "last_name": "Kok",
            "email": "bram@example.nl",
            "organisation": organisation.pk,
            "tags": ["Mobility", "board"],
            "cadence_days": 30,
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    contact = Contact.objects.get(pk=body["id"])
    assert contact.owner == networker
    assert body["owner"] == networker.pk
    assert body["organisation_name"] == "Gemeente Utrecht"
    assert sorted(body["tags"]) == ["board", "mobility"]
    assert body["warmth"] == "cold"
    assert body["last_interaction_on"] is None
    assert body["url"].endswith(f"/api/v1/contacts/{contact.pk}/")


def test_contact_detail_has_derived_warmth(api_for, networker, contact):
    log(networker, [contact], on=days_ago(100))

    body = api_for(networker).get(f"{API}/contacts/{contact.pk}/").json()

    assert body["warmth"] == "cooling"
    assert body["last_interaction_on"] == days_ago(100).isoformat()
    assert body["warmth"] == selectors.warmth_of(contact.last_interaction_on, 90)


def test_owner_updates_contact(api_for, networker, contact):
    client = api_for(networker)

    response = client.patch(
        f"{API}/contacts/{contact.pk}/", {"job_title": "Alderman", "tags": ["vip"]}, format="json"
    )

    assert response.status_code == 200, response.json()
    contact.refresh_from_db()
    assert contact.job_title == "Alderman"
    assert [t.name for t in contact.tags.all()] == ["vip"]


def test_put_replaces_contact_fields(api_for, networker, contact):
    response = api_for(networker).put(
        f"{API}/contacts/{contact.pk}/",
        {"first_name": "Annie", "last_name": "Vries", "email": "annie@utrecht.nl"},
        format="json",
    )

    assert response.status_code == 200, response.json()
    contact.refresh_from_db()
    assert (contact.first_name, contact.email) == ("Annie", "annie@utrecht.nl")


def test_outsider_patch_on_contact_is_403_and_changes_nothing(api_for, outsider, contact, teams):
    response = api_for(outsider).patch(
        f"{API}/contacts/{contact.pk}/", {"first_name": "Hacked"}, format="json"
    )

    assert response.status_code == 403
    assert "owner" in response.json()["detail"]
    contact.refresh_from_db()
    assert contact.first_name == "Anna"


def test_team_lead_may_change_a_members_contact(api_for, lead, contact, teams):
    response = api_for(lead).patch(f"{API}/contacts/{contact.pk}/", {"phone": "030"}, format="json")
    assert response.status_code == 200


def test_delete_archives_the_contact(api_for, networker, contact):
    client = api_for(networker)

    response = client.delete(f"{API}/contacts/{contact.pk}/")

    assert response.status_code == 204
    contact.refresh_from_db()
    assert contact.archived is True
    assert contact.pk not in ids(client.get(f"{API}/contacts/"))
    assert ids(client.get(f"{API}/contacts/?archived=true")) == {contact.pk}
    assert client.get(f"{API}/contacts/{contact.pk}/").json()["archived"] is True


def test_outsider_cannot_archive_a_contact(api_for, outsider, contact, teams):
    assert api_for(outsider).delete(f"{API}/contacts/{contact.pk}/").status_code == 403
    contact.refresh_from_db()
    assert contact.archived is False


def test_unknown_contact_is_404(api_for, networker):
    assert api_for(networker).get(f"{API}/contacts/999999/").status_code == 404


def test_contact_list_is_paginated(api_for, networker):
    for number in range(7):
        make_contact(networker, last_name=f"Person {number}")
    client = api_for(networker)

    first = client.get(f"{API}/contacts/?page_size=3").json()
    last = client.get(f"{API}/contacts/?page_size=3&page=3").json()

    assert set(first) == {"count", "next", "previous", "results"}
    assert first["count"] == 7
    assert len(first["results"]) == 3
    assert first["previous"] is None
    assert "page=2" in first["next"]
    assert len(last["results"]) == 1
    assert last["next"] is None


def test_contact_list_filters(api_for, networker, colleague, organisation):
    other_org = Organisation.objects.create(name="Provincie Utrecht")
    warm = make_contact(networker, "Wendy", "Warm", organisation=organisation)
    cooling = make_contact(colleague, "Kees", "Koeler", organisation=other_org)
    cold = make_contact(networker, "Cor", "Koud", email="cor@provincie.nl")
    archived = make_contact(networker, "Arie", "Archief", archived=True)
    log(networker, [warm])
    log(colleague, [cooling], on=days_ago(120))
    cold.tags.set(services._tags_from_names(["mobility"]))
    client = api_for(networker)

    def listed(query: str) -> set[int]:
        response = client.get(f"{API}/contacts/?{query}")
        assert response.status_code == 200, response.json()
        return ids(response)

    assert listed("") == {warm.pk, cooling.pk, cold.pk}
    assert listed("q=koud") == {cold.pk}
    assert listed("q=provincie") == {cooling.pk, cold.pk}  # organisation name, e-mail
    assert listed(f"owner={colleague.pk}") == {cooling.pk}
    assert listed("warmth=warm") == {warm.pk}
    assert listed("warmth=cooling") == {cooling.pk}
    assert listed("warmth=cold") == {cold.pk}
    assert listed("tag=Mobility") == {cold.pk}
    assert listed(f"organisation={organisation.pk}") == {warm.pk}
    assert listed("archived=true") == {archived.pk}
    assert listed("archived=false") == {warm.pk, cooling.pk, cold.pk}


def test_contact_list_filters_as_the_selector_does(api_for, networker, organisation):
    for number in range(4):
        make_contact(networker, last_name=f"Utrecht {number}", organisation=organisation)
    make_contact(networker, last_name="Elsewhere")

    listed = ids(api_for(networker).get(f"{API}/contacts/?q=utrecht&warmth=cold"))

    expected = selectors.contact_list_for(user=networker, search="utrecht", warmth="cold")
    assert listed == {c.pk for c in expected}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("warmth=lukewarm", "warmth"),
        ("owner=abc", "owner"),
        ("owner=1.5", "owner"),
        ("owner=0", "owner"),
        ("owner=99999999999999999999", "owner"),
        ("organisation=99999999999999999999", "organisation"),
    ],
)
def test_bad_contact_list_parameter_is_a_400_naming_the_parameter(api_for, networker, query, field):
    response = api_for(networker).get(f"{API}/contacts/?{query}")

    assert response.status_code == 400
    assert field in response.json()


def test_contact_list_page_out_of_range_is_a_404(api_for, networker):
    make_contact(networker)

    response = api_for(networker).get(f"{API}/contacts/?page=99")

    assert response.status_code == 404
    assert "detail" in response.json()


def test_contact_list_can_be_ordered(api_for, networker):
    make_contact(networker, last_name="Aa")
    make_contact(networker, last_name="Zz")

    rows = api_for(networker).get(f"{API}/contacts/?ordering=-last_name").json()["results"]

    assert [r["last_name"] for r in rows] == ["Zz", "Aa"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"first_name": "X", "email": "not-an-email"}, "email"),
        ({"first_name": "X", "cadence_days": 0}, "cadence_days"),
        ({"first_name": "X", "cadence_days": -5}, "cadence_days"),
        ({"first_name": ""}, "first_name"),
        ({"last_name": "No first name"}, "first_name"),
        ({"first_name": "X", "legal_basis": "because"}, "legal_basis"),
        ({"first_name": "X", "organisation": 999999}, "organisation"),
    ],
)
def test_bad_contact_input_is_400_with_field_errors(api_for, networker, payload, field):
    response = api_for(networker).post(f"{API}/contacts/", payload, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not Contact.objects.exists()


def test_duplicate_email_is_refused_with_a_link_to_the_existing_contact(
    api_for, networker, contact
):
    response = api_for(networker).post(
        f"{API}/contacts/", {"first_name": "Anna", "email": "ANNA@Utrecht.nl "}, format="json"
    )

    assert response.status_code == 400
    body = response.json()
    assert "email" in body
    assert body["existing"]["id"] == contact.pk
    assert body["existing"]["url"].endswith(f"/api/v1/contacts/{contact.pk}/")
    assert Contact.objects.count() == 1


def test_duplicate_email_on_update_is_refused(api_for, networker, contact):
    other = make_contact(networker, email="other@example.org")

    response = api_for(networker).patch(
        f"{API}/contacts/{other.pk}/", {"email": "Anna@utrecht.NL"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["existing"]["id"] == contact.pk


# Organisations


def test_organisation_crud_without_delete(api_for, networker, contact):
    client = api_for(networker)

    created = client.post(
        f"{API}/organisations/", {"name": "Hogeschool Utrecht", "city": "Utrecht"}, format="json"
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert created.json()["owner"] == networker.pk
    assert created.json()["contact_count"] == 0

    updated = client.patch(f"{API}/organisations/{pk}/", {"sector": "Education"}, format="json")
    assert updated.status_code == 200
    assert updated.json()["sector"] == "Education"

    listed = client.get(f"{API}/organisations/?q=gemeente").json()["results"]
    assert [(o["name"], o["contact_count"]) for o in listed] == [("Gemeente Utrecht", 1)]

    assert client.delete(f"{API}/organisations/{pk}/").status_code == 405
    assert Organisation.objects.filter(pk=pk).exists()


def test_duplicate_organisation_name_is_400(api_for, networker, organisation):
    response = api_for(networker).post(
        f"{API}/organisations/", {"name": "gemeente utrecht"}, format="json"
    )

    assert response.status_code == 400
    assert "name" in response.json()
    assert response.json()["existing"]["id"] == organisation.pk


def test_invalid_website_is_400(api_for, networker):
    response = api_for(networker).post(
        f"{API}/organisations/", {"name": "X", "website": "not a url"}, format="json"
    )
    assert response.status_code == 400
    assert "website" in response.json()


def test_outsider_cannot_change_an_organisation(api_for, networker, outsider, teams):
    organisation = Organisation.objects.create(name="Rabobank", owner=networker)

    response = api_for(outsider).patch(
        f"{API}/organisations/{organisation.pk}/", {"name": "Mine"}, format="json"
    )

    assert response.status_code == 403
    organisation.refresh_from_db()
    assert organisation.name == "Rabobank"


# Relationships


def test_create_relationship_is_an_upsert(api_for, networker, contact):
    client = api_for(networker)

    first = client.post(
        f"{API}/relationships/", {"contact": contact.pk, "strength": 3}, format="json"
    )
    again = client.post(
        f"{API}/relationships/",
        {"contact": contact.pk, "strength": 4, "context": "Board"},
        format="json",
    )

    assert first.status_code == 201, first.json()
    assert again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    relationship = Relationship.objects.get()
    assert (relationship.user, relationship.strength, relationship.context) == (
        networker,
        4,
        "Board",
    )
    assert again.json()["warmth"] == "cold"
    assert again.json()["last_interaction_on"] is None


def test_relationship_representation_has_warmth(api_for, networker, contact):
    log(networker, [contact], on=days_ago(10))

    rows = api_for(networker).get(f"{API}/relationships/").json()["results"]

    assert [(r["user"], r["contact"], r["warmth"]) for r in rows] == [
        (networker.pk, contact.pk, "warm")
    ]
    assert rows[0]["last_interaction_on"] == days_ago(10).isoformat()


@pytest.mark.parametrize("strength", [0, 6, "strong"])
def test_strength_outside_1_to_5_is_400(api_for, networker, contact, strength):
    response = api_for(networker).post(
        f"{API}/relationships/", {"contact": contact.pk, "strength": strength}, format="json"
    )

    assert response.status_code == 400
    assert "strength" in response.json()
    assert not Relationship.objects.exists()


def test_relationship_update_and_delete(api_for, networker, contact):
    relationship = Relationship.objects.create(user=networker, contact=contact, strength=2)
    client = api_for(networker)

    patched = client.patch(
        f"{API}/relationships/{relationship.pk}/", {"strength": 5}, format="json"
    )
    bad = client.patch(f"{API}/relationships/{relationship.pk}/", {"strength": 9}, format="json")
    deleted = client.delete(f"{API}/relationships/{relationship.pk}/")

    assert patched.status_code == 200
    assert patched.json()["strength"] == 5
    assert bad.status_code == 400
    assert deleted.status_code == 204
    assert not Relationship.objects.exists()


def test_outsider_cannot_change_or_create_someone_elses_relationship(
    api_for, networker, outsider, contact, teams
):
    relationship = Relationship.objects.create(user=networker, contact=contact, strength=2)
    client = api_for(outsider)

    patched = client.patch(f"{API}/relationships/{relationship.pk}/", {"strength": 1})
    deleted = client.delete(f"{API}/relationships/{relationship.pk}/")
    created = client.post(
        f"{API}/relationships/",
        {"user": networker.pk, "contact": contact.pk, "strength": 1},
        format="json",
    )

    assert (patched.status_code, deleted.status_code, created.status_code) == (403, 403, 403)
    relationship.refresh_from_db()
    assert relationship.strength == 2


def test_team_lead_records_a_members_relationship(api_for, lead, networker, contact, teams):
    response = api_for(lead).post(
        f"{API}/relationships/",
        {"user": networker.pk, "contact": contact.pk, "strength": 3},
        format="json",
    )
    assert response.status_code == 201
    assert Relationship.objects.get().user == networker


def test_relationship_filters(api_for, networker, colleague, contact):
    other = make_contact(colleague)
    mine = Relationship.objects.create(user=networker, contact=contact)
    theirs = Relationship.objects.create(user=colleague, contact=other)
    shared = Relationship.objects.create(user=colleague, contact=contact)
    client = api_for(networker)

    assert ids(client.get(f"{API}/relationships/")) == {mine.pk, theirs.pk, shared.pk}
    assert ids(client.get(f"{API}/relationships/?user={colleague.pk}")) == {theirs.pk, shared.pk}
    assert ids(client.get(f"{API}/relationships/?contact={contact.pk}")) == {mine.pk, shared.pk}
    assert ids(client.get(f"{API}/relationships/?contact={contact.pk}&user={networker.pk}")) == {
        mine.pk
    }


def test_relationship_warmth_filter_uses_the_ties_own_last_meeting(api_for, networker, colleague):
    on = selectors.today()
    warm = Relationship.objects.create(
        user=networker, contact=make_contact(networker), last_interaction_on=on
    )
    never = Relationship.objects.create(user=networker, contact=make_contact(networker))
    client = api_for(networker)

    assert ids(client.get(f"{API}/relationships/?warmth=warm")) == {warm.pk}
    assert ids(client.get(f"{API}/relationships/?warmth=cold")) == {never.pk}
    assert client.get(f"{API}/relationships/?warmth=tepid").status_code == 400


# Interactions


def test_log_interaction_with_next_step(api_for, networker, colleague, contact):
    response = api_for(networker).post(
        f"{API}/interactions/",
        {
            "kind": "coffee",
            "contacts": [contact.pk],
            "summary": "Talked about the regional mobility plan.",
            "given": "An introduction to our director",
            "asked": "Feedback on the plan",
            "next_step": {
                "text": "Send the slides",
                "due_on": (today() + datetime.timedelta(days=7)).isoformat(),
                "assignee": colleague.pk,
            },
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    interaction = Interaction.objects.get(pk=body["id"])
    assert body["occurred_on"] == today().isoformat()  # defaults to today
    assert body["author"] == networker.pk
    assert body["our_participants"] == [networker.pk]  # defaults to me
    assert body["contact_names"] == ["Anna de Vries"]
    assert "next_step" not in body
    followup = FollowUp.objects.get()
    assert (followup.interaction, followup.assignee, followup.contact) == (
        interaction,
        colleague,
        contact,
    )
    contact_body = api_for(networker).get(f"{API}/contacts/{contact.pk}/").json()
    assert contact_body["warmth"] == "warm"
    assert contact_body["last_interaction_on"] == today().isoformat()


def test_next_step_assignee_defaults_to_me(api_for, networker, contact):
    response = api_for(networker).post(
        f"{API}/interactions/",
        {
            "contacts": [contact.pk],
            "next_step": {"text": "Call back", "due_on": days_ago(1).isoformat()},
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert FollowUp.objects.get().assignee == networker


@pytest.mark.parametrize(
    ("next_step", "error_key"),
    [
        ({"text": "Send the slides"}, "due_on"),
        ({"text": "Send the slides", "due_on": "next tuesday"}, "due_on"),
        ({"due_on": "2026-01-01"}, "text"),
        ({"text": "", "due_on": "2026-01-01"}, "text"),
        ({"text": "Send", "due_on": "2026-01-01", "assignee": 999999}, "assignee"),
    ],
)
def test_invalid_next_step_saves_nothing(api_for, networker, contact, next_step, error_key):
    response = api_for(networker).post(
        f"{API}/interactions/",
        {"kind": "lunch", "contacts": [contact.pk], "next_step": next_step},
        format="json",
    )

    assert response.status_code == 400
    assert error_key in response.json()["next_step"]
    assert not Interaction.objects.exists()
    assert not FollowUp.objects.exists()
    contact.refresh_from_db()
    assert contact.last_interaction_on is None


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"kind": "karaoke"}, "kind"),
        ({"contacts": []}, "contacts"),
        ({"contacts": [999999]}, "contacts"),
        ({"occurred_on": "yesterday"}, "occurred_on"),
        ({"our_participants": [999999]}, "our_participants"),
    ],
)
def test_bad_interaction_input_is_400(api_for, networker, contact, payload, field):
    data = {"kind": "coffee", "contacts": [contact.pk], **payload}

    response = api_for(networker).post(f"{API}/interactions/", data, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not Interaction.objects.exists()


def test_interaction_in_the_future_is_refused_by_the_service(api_for, networker, contact):
    response = api_for(networker).post(
        f"{API}/interactions/",
        {
            "contacts": [contact.pk],
            "occurred_on": (today() + datetime.timedelta(days=30)).isoformat(),
        },
        format="json",
    )

    assert response.status_code == 400
    assert "occurred_on" in response.json()
    assert not Interaction.objects.exists()


def test_author_updates_an_interaction(api_for, networker, contact):
    interaction = log(networker, [contact])

    response = api_for(networker).patch(
        f"{API}/interactions/{interaction.pk}/",
        {"summary": "Better summary", "confidential": True, "contacts": []},
        format="json",
    )

    assert response.status_code == 200, response.json()
    interaction.refresh_from_db()
    assert (interaction.summary, interaction.confidential) == ("Better summary", True)
    assert list(interaction.contacts.all()) == [contact]  # not changeable here


def test_teammate_reads_but_cannot_change_an_interaction(
    api_for, networker, colleague, contact, teams
):
    interaction = log(networker, [contact])

    response = api_for(colleague).patch(
        f"{API}/interactions/{interaction.pk}/", {"summary": "Mine now"}, format="json"
    )

    assert response.status_code == 403
    interaction.refresh_from_db()
    assert interaction.summary == ""


def test_interaction_update_rejects_unknown_kind(api_for, networker, contact):
    interaction = log(networker, [contact])
    response = api_for(networker).patch(
        f"{API}/interactions/{interaction.pk}/", {"kind": "karaoke"}, format="json"
    )
    assert response.status_code == 400
    assert "kind" in response.json()


def test_interaction_filters(api_for, networker, colleague, contact, teams):
    other = make_contact(networker)
    old_call = log(networker, [contact], kind="call", on=days_ago(40))
    coffee = log(networker, [other], on=days_ago(5))
    theirs = log(colleague, [contact], on=days_ago(2))
    client = api_for(networker)

    def listed(query: str) -> list[int]:
        response = client.get(f"{API}/interactions/?{query}")
        assert response.status_code == 200, response.json()
        return [row["id"] for row in response.json()["results"]]

    assert listed("") == [theirs.pk, coffee.pk, old_call.pk]  # newest first
    assert listed(f"contact={contact.pk}") == [theirs.pk, old_call.pk]
    assert listed("kind=call") == [old_call.pk]
    assert listed(f"date_from={days_ago(10)}") == [theirs.pk, coffee.pk]
    assert listed(f"date_from={days_ago(40)}&date_to={days_ago(5)}") == [coffee.pk, old_call.pk]
    assert listed(f"participant={colleague.pk}") == [theirs.pk]
    assert client.get(f"{API}/interactions/?kind=karaoke").status_code == 400
    assert client.get(f"{API}/interactions/?date_from=soon").status_code == 400


# Who may read interactions


@pytest.fixture
def team_only_interaction(networker, contact, teams) -> Interaction:
    return log(networker, [contact])


@pytest.fixture
def confidential_interaction(networker, contact, teams) -> Interaction:
    return log(networker, [contact], confidential=True)


def test_outsider_gets_404_for_team_only_interaction(api_for, outsider, team_only_interaction):
    client = api_for(outsider)

    assert client.get(f"{API}/interactions/{team_only_interaction.pk}/").status_code == 404
    assert team_only_interaction.pk not in ids(client.get(f"{API}/interactions/"))
    response = client.patch(
        f"{API}/interactions/{team_only_interaction.pk}/", {"summary": "x"}, format="json"
    )
    assert response.status_code == 404


def test_colleague_sees_team_only_interaction(api_for, colleague, team_only_interaction):
    client = api_for(colleague)

    assert client.get(f"{API}/interactions/{team_only_interaction.pk}/").status_code == 200
    assert team_only_interaction.pk in ids(client.get(f"{API}/interactions/"))


def test_outsider_gets_404_for_confidential_interaction(
    api_for, outsider, confidential_interaction
):
    client = api_for(outsider)

    assert client.get(f"{API}/interactions/{confidential_interaction.pk}/").status_code == 404
    assert confidential_interaction.pk not in ids(client.get(f"{API}/interactions/"))


def test_colleague_gets_404_for_confidential_interaction(
    api_for, colleague, confidential_interaction
):
    client = api_for(colleague)

    assert client.get(f"{API}/interactions/{confidential_interaction.pk}/").status_code == 404
    assert confidential_interaction.pk not in ids(client.get(f"{API}/interactions/"))


def test_participant_reads_confidential_interaction(api_for, colleague, networker, contact, teams):
    interaction = log(networker, [contact], participants=[networker, colleague], confidential=True)

    assert api_for(colleague).get(f"{API}/interactions/{interaction.pk}/").status_code == 200


def test_manager_sees_every_interaction(
    api_for, manager, team_only_interaction, confidential_interaction
):
    client = api_for(manager)

    assert ids(client.get(f"{API}/interactions/")) == {
        team_only_interaction.pk,
        confidential_interaction.pk,
    }
    assert client.get(f"{API}/interactions/{confidential_interaction.pk}/").status_code == 200


# Follow-ups


def test_create_followup_with_past_due_date_is_overdue(api_for, networker, contact):
    response = api_for(networker).post(
        f"{API}/followups/",
        {"contact": contact.pk, "text": "Send the minutes", "due_on": days_ago(3).isoformat()},
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["overdue"] is True
    assert body["done"] is False
    assert body["assignee"] == networker.pk
    assert body["created_by"] == networker.pk


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"text": "Call"}, "due_on"),
        ({"text": "Call", "due_on": "31-02-2026"}, "due_on"),
        ({"due_on": "2026-01-01"}, "text"),
        ({"text": "   ", "due_on": "2026-01-01"}, "text"),
        ({"text": "Call", "due_on": "2026-01-01", "assignee": 999999}, "assignee"),
    ],
)
def test_bad_followup_input_is_400(api_for, networker, contact, payload, field):
    response = api_for(networker).post(
        f"{API}/followups/", {"contact": contact.pk, **payload}, format="json"
    )

    assert response.status_code == 400
    assert field in response.json()
    assert not FollowUp.objects.exists()


def test_followup_cannot_point_at_an_unreadable_interaction(
    api_for, outsider, contact, confidential_interaction
):
    response = api_for(outsider).post(
        f"{API}/followups/",
        {
            "contact": contact.pk,
            "text": "Snoop",
            "due_on": today().isoformat(),
            "interaction": confidential_interaction.pk,
        },
        format="json",
    )

    assert response.status_code == 400
    assert "interaction" in response.json()


def test_complete_and_reopen_followup(api_for, networker, contact):
    followup = followup_for(networker, contact, due_on=days_ago(2))
    client = api_for(networker)

    done = client.post(f"{API}/followups/{followup.pk}/complete/")
    assert done.status_code == 200
    assert done.json()["done"] is True
    assert done.json()["overdue"] is False
    first_done_at = done.json()["done_at"]
    assert client.post(f"{API}/followups/{followup.pk}/complete/").json()["done_at"] == (
        first_done_at
    )

    reopened = client.post(f"{API}/followups/{followup.pk}/reopen/")
    assert reopened.status_code == 200
    assert reopened.json()["done_at"] is None
    followup.refresh_from_db()
    assert followup.done_at is None


def test_followup_partial_update(api_for, networker, colleague, contact):
    followup = followup_for(networker, contact)
    client = api_for(networker)

    response = client.patch(
        f"{API}/followups/{followup.pk}/",
        {"text": "Send the final report", "assignee": colleague.pk},
        format="json",
    )

    assert response.status_code == 200, response.json()
    followup.refresh_from_db()
    assert (followup.text, followup.assignee) == ("Send the final report", colleague)
    assert client.put(f"{API}/followups/{followup.pk}/", {}, format="json").status_code == 405


def test_followup_filters(api_for, networker, colleague, contact, teams):
    overdue = followup_for(networker, contact, due_on=days_ago(5))
    later = followup_for(networker, contact, due_on=today() + datetime.timedelta(days=10))
    done = followup_for(networker, contact, due_on=days_ago(1))
    services.followup_complete(actor=networker, followup=done)
    delegated = services.followup_create(
        actor=networker, contact=contact, text="x", due_on=today(), assignee=colleague
    )
    client = api_for(networker)

    def listed(query: str) -> list[int]:
        response = client.get(f"{API}/followups/?{query}")
        assert response.status_code == 200, response.json()
        return [row["id"] for row in response.json()["results"]]

    assert listed("") == [overdue.pk, done.pk, delegated.pk, later.pk]  # by due date
    assert listed("open=true") == [overdue.pk, delegated.pk, later.pk]
    assert listed("open=false") == [done.pk]
    assert listed(f"assignee={colleague.pk}") == [delegated.pk]
    assert listed(f"due_before={today()}") == [overdue.pk, done.pk, delegated.pk]
    assert listed(f"open=true&due_before={today()}&assignee={networker.pk}") == [overdue.pk]
    assert client.get(f"{API}/followups/?due_before=someday").status_code == 400


@pytest.fixture
def networkers_followup(networker, contact, teams) -> FollowUp:
    return followup_for(networker, contact)


def test_outsider_gets_404_for_someone_elses_followup(api_for, outsider, networkers_followup):
    client = api_for(outsider)
    url = f"{API}/followups/{networkers_followup.pk}/"

    assert client.get(url).status_code == 404
    assert networkers_followup.pk not in ids(client.get(f"{API}/followups/"))
    assert client.post(f"{url}complete/").status_code == 404
    assert client.post(f"{url}reopen/").status_code == 404
    assert client.patch(url, {"text": "x"}, format="json").status_code == 404
    networkers_followup.refresh_from_db()
    assert networkers_followup.done_at is None


def test_colleague_gets_404_for_someone_elses_followup(api_for, colleague, networkers_followup):
    client = api_for(colleague)

    assert client.get(f"{API}/followups/{networkers_followup.pk}/").status_code == 404
    assert client.post(f"{API}/followups/{networkers_followup.pk}/complete/").status_code == 404


def test_team_lead_and_manager_see_a_members_followup(api_for, lead, manager, networkers_followup):
    for user in (lead, manager):
        client = api_for(user)
        assert client.get(f"{API}/followups/{networkers_followup.pk}/").status_code == 200
        assert networkers_followup.pk in ids(client.get(f"{API}/followups/"))


# Teams


def test_networker_cannot_see_teams(api_for, networker, team_alpha):
    client = api_for(networker)

    assert client.get(f"{API}/teams/").json()["results"] == []
    assert client.get(f"{API}/teams/{team_alpha.pk}/").status_code == 404


def test_team_lead_sees_only_their_team(api_for, lead, team_alpha, team_beta):
    client = api_for(lead)

    assert ids(client.get(f"{API}/teams/")) == {team_alpha.pk}
    body = client.get(f"{API}/teams/{team_alpha.pk}/").json()
    assert body["lead"] == lead.pk
    assert len(body["members"]) == 3
    assert client.get(f"{API}/teams/{team_beta.pk}/").status_code == 404


def test_team_lead_cannot_change_their_team(api_for, lead, team_alpha):
    response = api_for(lead).patch(
        f"{API}/teams/{team_alpha.pk}/", {"name": "Alpha prime"}, format="json"
    )

    assert response.status_code == 403
    team_alpha.refresh_from_db()
    assert team_alpha.name == "Alpha"


def test_networker_cannot_create_a_team(api_for, networker):
    response = api_for(networker).post(
        f"{API}/teams/", {"name": "Gamma", "members": [networker.pk]}, format="json"
    )
    assert response.status_code == 403
    assert not Team.objects.exists()


def test_manager_creates_and_changes_teams(api_for, manager, networker, colleague, teams):
    client = api_for(manager)

    assert ids(client.get(f"{API}/teams/")) == {t.pk for t in teams}
    created = client.post(
        f"{API}/teams/",
        {"name": "Gamma", "lead": colleague.pk, "members": [networker.pk, colleague.pk]},
        format="json",
    )
    assert created.status_code == 201, created.json()
    gamma = Team.objects.get(name="Gamma")
    assert set(gamma.members.all()) == {networker, colleague}

    patched = client.patch(f"{API}/teams/{gamma.pk}/", {"members": []}, format="json")
    assert patched.status_code == 200
    gamma.refresh_from_db()
    # The lead stays a member: team visibility has to hold both ways.
    assert (gamma.lead, list(gamma.members.all())) == (colleague, [colleague])

    duplicate = client.post(f"{API}/teams/", {"name": "alpha"}, format="json")
    assert duplicate.status_code == 400
    assert "name" in duplicate.json()


# Me


def test_me_shows_roles_teams_and_language(api_for, lead, team_alpha):
    body = api_for(lead).get(f"{API}/me/").json()

    assert body["username"] == "lead"
    assert body["roles"] == ["networker"]
    assert body["language"] == "en"
    assert body["teams"] == [{"id": team_alpha.pk, "name": "Alpha", "is_lead": True}]


def test_me_patch_changes_language(api_for, manager):
    client = api_for(manager)

    response = client.patch(f"{API}/me/", {"language": "nl"}, format="json")

    assert response.status_code == 200
    assert response.json()["language"] == "nl"
    assert "network_manager" in response.json()["roles"]
    manager.refresh_from_db()
    assert manager.language == "nl"


@pytest.mark.parametrize("payload", [{"language": "fr"}, {}])
def test_me_rejects_unknown_language(api_for, networker, payload):
    response = api_for(networker).patch(f"{API}/me/", payload, format="json")

    assert response.status_code == 400
    assert "language" in response.json()


# Speed: lists run a fixed number of queries


def _queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _grow(networker, colleague, organisation, count: int) -> None:
    for number in range(count):
        contact = make_contact(networker, last_name=f"Bulk {number}", organisation=organisation)
        contact.tags.set(services._tags_from_names([f"tag{number % 3}"]))
        interaction = log(networker, [contact], participants=[networker, colleague])
        services.followup_create(
            actor=networker, contact=contact, text="x", due_on=today(), interaction=interaction
        )


@pytest.mark.parametrize(
    "path", ["contacts/", "interactions/", "followups/", "relationships/", "organisations/"]
)
def test_list_query_count_does_not_grow_with_rows(
    api_for, networker, colleague, organisation, teams, path
):
    client = api_for(networker)
    _grow(networker, colleague, organisation, 3)
    small = _queries_for(client, f"{API}/{path}")
    _grow(networker, colleague, organisation, 20)
    large = _queries_for(client, f"{API}/{path}")

    assert small == large
