import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from rest_framework.authtoken.models import Token

from relations import selectors, services
from relations.models import (
    Affiliation,
    Contact,
    FollowUp,
    Interaction,
    Organisation,
    Relationship,
    Tag,
)

pytestmark = pytest.mark.django_db

TODAY = selectors.today


def log(author, contact, **kwargs):
    kwargs.setdefault("kind", "coffee")
    kwargs.setdefault("occurred_on", TODAY())
    return services.interaction_log(author=author, contacts=[contact], **kwargs)


def followup_for(assignee, contact, days=0, text="Send the report"):
    return services.followup_create(
        actor=assignee,
        contact=contact,
        text=text,
        due_on=TODAY() + datetime.timedelta(days=days),
        assignee=assignee,
    )


def html(response) -> str:
    return response.content.decode()


# Login required


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("relations:my_network", []),
        ("relations:contact_list", []),
        ("relations:contact_create", []),
        ("relations:contact_detail", [1]),
        ("relations:organisation_list", []),
        ("relations:organisation_detail", [1]),
        ("relations:meeting_log", []),
        ("relations:interaction_detail", [1]),
        ("relations:contact_typeahead", []),
        ("relations:account", []),
    ],
)
def test_anonymous_visitor_is_sent_to_the_login_page(client, name, args):
    url = reverse(name, args=args)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={url}"


def test_login_page_renders_the_styled_form(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert 'name="username"' in html(response)
    assert "css/app.css" in html(response)


def test_logout_is_a_post_button_in_the_navigation(client_for, networker):
    page = html(client_for(networker).get(reverse("relations:my_network")))
    assert f'method="post" action="{reverse("logout")}"' in page


# My network


def test_my_network_shows_cold_relationships_first_and_due_followups(
    client_for, networker, contact, organisation
):
    warm = Contact.objects.create(first_name="Wim", last_name="Warm", owner=networker)
    log(networker, warm)
    log(networker, contact, occurred_on=TODAY() - datetime.timedelta(days=400))
    overdue = followup_for(networker, contact, days=-3, text="Call back about the grant")
    followup_for(networker, warm, days=0, text="Send the invitation")
    followup_for(networker, warm, days=5, text="Book the lunch")

    response = client_for(networker).get(reverse("relations:my_network"))

    page = html(response)
    assert response.status_code == 200
    assert page.index("Anna de Vries") < page.index("Wim Warm")  # cold before warm
    assert "Gemeente Utrecht" in page
    assert "Call back about the grant" in page
    assert f'id="followup-{overdue.pk}"' in page
    assert "followup--overdue" in page
    assert "Overdue" in page
    assert "Send the invitation" in page
    assert "Book the lunch" in page  # upcoming
    assert reverse("relations:meeting_log") in page


def test_my_network_without_relationships_explains_what_to_do(client_for, networker):
    page = html(client_for(networker).get(reverse("relations:my_network")))
    assert "You have no relationships yet." in page
    assert "Nothing due." in page


def test_followup_done_via_htmx_returns_the_row_in_its_done_state(client_for, networker, contact):
    followup = followup_for(networker, contact, days=-1)

    response = client_for(networker).post(
        reverse("relations:followup_done", args=[followup.pk]), HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    page = html(response)
    assert page.lstrip().startswith("<li")
    assert "followup--done" in page
    assert "<html" not in page
    followup.refresh_from_db()
    assert followup.done_at is not None


def test_followup_done_without_javascript_redirects_back(client_for, networker, contact):
    followup = followup_for(networker, contact)

    response = client_for(networker).post(
        reverse("relations:followup_done", args=[followup.pk]),
        {"next": reverse("relations:contact_detail", args=[contact.pk])},
    )

    assert response.status_code == 302
    assert response.url == reverse("relations:contact_detail", args=[contact.pk])
    followup.refresh_from_db()
    assert followup.done_at is not None


def test_followup_done_ignores_a_next_url_on_another_site(client_for, networker, contact):
    followup = followup_for(networker, contact)
    response = client_for(networker).post(
        reverse("relations:followup_done", args=[followup.pk]), {"next": "https://evil.example/"}
    )
    assert response.url == reverse("relations:my_network")


def test_followup_done_refuses_get(client_for, networker, contact):
    followup = followup_for(networker, contact)
    response = client_for(networker).get(reverse("relations:followup_done", args=[followup.pk]))
    assert response.status_code == 405
    followup.refresh_from_db()
    assert followup.done_at is None


def test_outsider_gets_404_on_someone_elses_followup_and_it_stays_open(
    client_for, teams, networker, outsider, contact
):
    followup = followup_for(networker, contact)

    response = client_for(outsider).post(
        reverse("relations:followup_done", args=[followup.pk]), HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 404
    followup.refresh_from_db()
    assert followup.done_at is None


# Contacts


def test_contact_list_searches_filters_and_shows_the_columns(
    client_for, networker, colleague, contact
):
    contact.job_title = "Alderman"
    contact.save()
    contact.tags.set([Tag.objects.create(name="energy")])
    Contact.objects.create(first_name="Bert", last_name="Bakker", owner=colleague)

    client = client_for(networker)
    page = html(client.get(reverse("relations:contact_list")))
    assert "Anna de Vries" in page and "Bert Bakker" in page
    assert "Alderman" in page and "Gemeente Utrecht" in page and "energy" in page
    assert "badge--cold" in page

    page = html(client.get(reverse("relations:contact_list"), {"q": "energy"}))
    assert "Anna de Vries" in page and "Bert Bakker" not in page

    page = html(client.get(reverse("relations:contact_list"), {"owner": colleague.pk}))
    assert "Bert Bakker" in page and "Anna de Vries" not in page

    log(networker, contact)
    page = html(client.get(reverse("relations:contact_list"), {"warmth": "warm"}))
    assert "Anna de Vries" in page and "Bert Bakker" not in page


def test_contact_list_pages_by_25_and_page_links_keep_the_filters(client_for, networker):
    Contact.objects.bulk_create(
        [Contact(first_name=f"Person{i:02}", last_name="Smit", owner=networker) for i in range(30)]
    )
    client = client_for(networker)

    first = html(client.get(reverse("relations:contact_list"), {"q": "Smit"}))
    assert "Person24" in first and "Person25" not in first
    assert "?q=Smit&amp;page=2" in first

    second = html(client.get(reverse("relations:contact_list"), {"q": "Smit", "page": 2}))
    assert "Person25" in second and "Person24" not in second


def test_contact_list_answers_htmx_with_the_table_only(client_for, networker, contact):
    response = client_for(networker).get(
        reverse("relations:contact_list"), {"q": "anna"}, HTTP_HX_REQUEST="true"
    )
    page = html(response)
    assert "Anna de Vries" in page
    assert "<html" not in page
    assert 'role="search"' not in page


def test_contact_list_gives_the_whole_page_for_an_htmx_history_restore(
    client_for, networker, contact
):
    response = client_for(networker).get(
        reverse("relations:contact_list"),
        {"q": "anna"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_HISTORY_RESTORE_REQUEST="true",
    )
    assert "<html" in html(response)
    assert "HX-Request" in response["Vary"]


def test_contact_list_says_when_nothing_matches(client_for, networker, contact):
    page = html(client_for(networker).get(reverse("relations:contact_list"), {"q": "zzz"}))
    assert "No contacts match these filters." in page


def test_contact_create_saves_the_contact_with_tags_and_me_as_owner(
    client_for, networker, organisation
):
    response = client_for(networker).post(
        reverse("relations:contact_create"),
        {
            "first_name": "Eva",
            "last_name": "Jansen",
            "organisation": "gemeente utrecht",
            "email": "eva@example.org",
            "owner": networker.pk,
            "cadence_days": 60,
            "legal_basis": "legitimate_interest",
            "tags": "Board, energy , ,board",
        },
    )
    contact = Contact.objects.get(email="eva@example.org")
    assert response.status_code == 302
    assert response.url == reverse("relations:contact_detail", args=[contact.pk])
    assert contact.owner == networker
    assert contact.organisation == organisation
    assert sorted(contact.tags.values_list("name", flat=True)) == ["board", "energy"]


def test_contact_form_refuses_an_unknown_organisation_name_and_keeps_it(client_for, networker):
    response = client_for(networker).post(
        reverse("relations:contact_create"),
        {
            "first_name": "Eva",
            "organisation": "Nonexistent BV",
            "cadence_days": 90,
            "legal_basis": "consent",
        },
    )
    page = html(response)
    assert "There is no organisation with this name." in page
    assert 'value="Nonexistent BV"' in page
    assert not Contact.objects.exists()


def test_contact_form_for_an_organisation_starts_with_its_name(client_for, networker, organisation):
    page = html(
        client_for(networker).get(
            reverse("relations:contact_create"), {"organisation": organisation.pk}
        )
    )
    assert 'value="Gemeente Utrecht"' in page
    assert reverse("relations:organisation_typeahead") in page


def test_organisation_typeahead_offers_matching_names(client_for, networker, organisation):
    Organisation.objects.create(name="Provincie Utrecht", city="Utrecht")
    Organisation.objects.create(name="TU Delft", city="Delft")
    page = html(
        client_for(networker).get(
            reverse("relations:organisation_typeahead"), {"organisation": "utrecht"}
        )
    )
    assert '<option value="Gemeente Utrecht">' in page
    assert '<option value="Provincie Utrecht">' in page
    assert "TU Delft" not in page


def test_contact_create_with_an_existing_email_links_to_the_existing_contact(
    client_for, networker, contact
):
    response = client_for(networker).post(
        reverse("relations:contact_create"),
        {
            "first_name": "Anna",
            "last_name": "Duplicate",
            "email": "ANNA@Utrecht.NL",
            "cadence_days": 90,
            "legal_basis": "legitimate_interest",
            "tags": "keep, these",
        },
    )
    page = html(response)
    assert response.status_code == 200
    assert "already exists" in page
    assert f'<a href="{reverse("relations:contact_detail", args=[contact.pk])}">' in page
    assert 'value="Duplicate"' in page  # typed input is kept
    assert 'value="keep, these"' in page
    assert Contact.objects.count() == 1


def test_contact_create_without_a_first_name_shows_a_field_error(client_for, networker):
    response = client_for(networker).post(
        reverse("relations:contact_create"),
        {"last_name": "Nameless", "cadence_days": 90, "legal_basis": "consent"},
    )
    page = html(response)
    assert "field--error" in page
    assert 'value="Nameless"' in page
    assert not Contact.objects.exists()


def test_contact_edit_by_the_owner_saves(client_for, networker, contact):
    response = client_for(networker).post(
        reverse("relations:contact_edit", args=[contact.pk]),
        {
            "first_name": "Anna",
            "last_name": "de Vries-Smit",
            "email": "anna@utrecht.nl",
            "owner": networker.pk,
            "cadence_days": 30,
            "legal_basis": "consent",
            "tags": "",
        },
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.last_name == "de Vries-Smit"
    assert contact.cadence_days == 30


def test_contact_edit_form_shows_the_current_tags(client_for, networker, contact):
    contact.tags.set([Tag.objects.create(name="alumni"), Tag.objects.create(name="board")])
    page = html(client_for(networker).get(reverse("relations:contact_edit", args=[contact.pk])))
    assert 'value="alumni, board"' in page


def test_outsider_may_not_edit_someone_elses_contact(client_for, teams, outsider, contact):
    client = client_for(outsider)
    assert client.get(reverse("relations:contact_edit", args=[contact.pk])).status_code == 403
    response = client.post(
        reverse("relations:contact_edit", args=[contact.pk]),
        {
            "first_name": "Hacked",
            "owner": outsider.pk,
            "cadence_days": 90,
            "legal_basis": "consent",
        },
    )
    assert response.status_code == 403
    assert "Only the owner" in html(response)
    contact.refresh_from_db()
    assert contact.first_name == "Anna"
    assert contact.owner_id != outsider.pk


def test_contact_detail_shows_header_ties_followups_balance_and_timeline(
    client_for, networker, colleague, teams, contact
):
    log(
        networker,
        contact,
        summary="Talked about the energy transition",
        asked="An introduction to the mayor",
        occurred_on=TODAY() - datetime.timedelta(days=10),
    )
    log(colleague, contact, summary="Second coffee", asked="Data for our report")
    followup_for(networker, contact, text="Send the slides")
    contact.job_title = "Alderman"
    contact.save()

    response = client_for(networker).get(reverse("relations:contact_detail", args=[contact.pk]))

    page = html(response)
    assert response.status_code == 200
    assert "Anna de Vries" in page and "Alderman" in page and "Gemeente Utrecht" in page
    assert "badge--warm" in page
    assert "Nina" in page and "Carl" in page  # who of us knows them
    assert "Send the slides" in page
    assert "given 0" in page and "asked 2" in page
    assert "We ask more than we give" in page
    assert page.index("Second coffee") < page.index("Talked about the energy transition")
    assert f"{reverse('relations:meeting_log')}?contact={contact.pk}" in page
    assert reverse("relations:contact_edit", args=[contact.pk]) in page


def test_contact_detail_hides_edit_for_those_who_may_not_change(
    client_for, teams, outsider, contact
):
    page = html(client_for(outsider).get(reverse("relations:contact_detail", args=[contact.pk])))
    assert reverse("relations:contact_edit", args=[contact.pk]) not in page
    assert reverse("relations:affiliation_add", args=[contact.pk]) not in page


def test_unknown_contact_is_a_404(client_for, networker):
    response = client_for(networker).get(reverse("relations:contact_detail", args=[999]))
    assert response.status_code == 404
    assert "Not found" in html(response)


def test_owner_adds_and_removes_an_affiliation(client_for, networker, contact):
    board = Organisation.objects.create(name="Energy Board")
    client = client_for(networker)

    response = client.post(
        reverse("relations:affiliation_add", args=[contact.pk]),
        {"organisation": "Energy Board", "role": "Board member"},
    )
    assert response.status_code == 302
    affiliation = Affiliation.objects.get(contact=contact)
    assert affiliation.organisation == board
    page = html(client.get(reverse("relations:contact_detail", args=[contact.pk])))
    assert "Board member" in page and "Energy Board" in page

    response = client.post(reverse("relations:affiliation_remove", args=[affiliation.pk]))
    assert response.status_code == 302
    assert not Affiliation.objects.exists()


def test_affiliation_without_role_reshows_the_contact_with_an_error(
    client_for, networker, contact, organisation
):
    response = client_for(networker).post(
        reverse("relations:affiliation_add", args=[contact.pk]),
        {"organisation": organisation.name, "role": ""},
    )
    page = html(response)
    assert "Anna de Vries" in page
    assert "field--error" in page
    assert not Affiliation.objects.exists()


def test_outsider_may_not_remove_an_affiliation(client_for, teams, outsider, contact, organisation):
    affiliation = Affiliation.objects.create(
        contact=contact, organisation=organisation, role="Advisor"
    )
    response = client_for(outsider).post(
        reverse("relations:affiliation_remove", args=[affiliation.pk])
    )
    assert response.status_code == 403
    assert Affiliation.objects.filter(pk=affiliation.pk).exists()


# Interaction visibility


@pytest.fixture
def private_meetings(teams, networker, contact):
    team_only = log(networker, contact, summary="Team-only coffee talk")
    confidential = log(networker, contact, summary="Confidential merger talk", confidential=True)
    return team_only, confidential


def test_outsider_gets_404_for_a_team_only_interaction(client_for, outsider, private_meetings):
    team_only, _confidential = private_meetings
    response = client_for(outsider).get(
        reverse("relations:interaction_detail", args=[team_only.pk])
    )
    assert response.status_code == 404


def test_outsider_gets_404_for_a_confidential_interaction(client_for, outsider, private_meetings):
    _team_only, confidential = private_meetings
    response = client_for(outsider).get(
        reverse("relations:interaction_detail", args=[confidential.pk])
    )
    assert response.status_code == 404


def test_outsider_does_not_see_private_interactions_in_the_timeline(
    client_for, outsider, contact, private_meetings
):
    page = html(client_for(outsider).get(reverse("relations:contact_detail", args=[contact.pk])))
    assert "Team-only coffee talk" not in page
    assert "Confidential merger talk" not in page
    assert "No meetings with this contact that you can see yet." in page


def test_colleague_sees_team_only_but_not_confidential_interactions(
    client_for, colleague, contact, private_meetings
):
    team_only, confidential = private_meetings
    client = client_for(colleague)
    page = html(client.get(reverse("relations:contact_detail", args=[contact.pk])))
    assert "Team-only coffee talk" in page
    assert "Confidential merger talk" not in page
    detail = reverse("relations:interaction_detail", args=[team_only.pk])
    assert client.get(detail).status_code == 200
    detail = reverse("relations:interaction_detail", args=[confidential.pk])
    assert client.get(detail).status_code == 404


def test_network_manager_sees_all_interactions_with_the_confidential_label(
    client_for, manager, contact, private_meetings
):
    _team_only, confidential = private_meetings
    client = client_for(manager)
    page = html(client.get(reverse("relations:contact_detail", args=[contact.pk])))
    assert "Team-only coffee talk" in page
    assert "Confidential merger talk" in page
    assert "badge--confidential" in page
    detail = html(client.get(reverse("relations:interaction_detail", args=[confidential.pk])))
    assert "Confidential merger talk" in detail


def test_interaction_detail_shows_the_meeting_and_its_next_steps(client_for, networker, contact):
    interaction = log(
        networker,
        contact,
        summary="Coffee at the station",
        given="An introduction to our director",
        next_step=services.NextStep(text="Send the minutes", due_on=TODAY(), assignee=networker),
    )
    page = html(
        client_for(networker).get(reverse("relations:interaction_detail", args=[interaction.pk]))
    )
    assert "Coffee at the station" in page
    assert "An introduction to our director" in page
    assert "Send the minutes" in page
    assert reverse("relations:interaction_edit", args=[interaction.pk]) in page


def test_participant_edits_an_interaction(client_for, networker, contact):
    interaction = log(networker, contact, summary="Old")
    response = client_for(networker).post(
        reverse("relations:interaction_edit", args=[interaction.pk]),
        {"kind": "lunch", "occurred_on": TODAY().isoformat(), "summary": "New summary"},
    )
    assert response.status_code == 302
    interaction.refresh_from_db()
    assert (interaction.kind, interaction.summary) == ("lunch", "New summary")


def test_team_colleague_may_read_but_not_edit_an_interaction(
    client_for, teams, networker, colleague, contact
):
    interaction = log(networker, contact, summary="Keep me")
    client = client_for(colleague)
    url = reverse("relations:interaction_edit", args=[interaction.pk])
    assert client.get(url).status_code == 403
    response = client.post(
        url, {"kind": "call", "occurred_on": TODAY().isoformat(), "summary": "Changed"}
    )
    assert response.status_code == 403
    interaction.refresh_from_db()
    assert interaction.summary == "Keep me"


def test_outsider_gets_404_not_403_when_editing_an_invisible_interaction(
    client_for, outsider, private_meetings
):
    team_only, _confidential = private_meetings
    response = client_for(outsider).get(reverse("relations:interaction_edit", args=[team_only.pk]))
    assert response.status_code == 404


# Log a meeting


def meeting_data(contact, networker, **overrides):
    data = {
        "kind": "coffee",
        "occurred_on": TODAY().isoformat(),
        "our_participants": [networker.pk],
        "contacts": [contact.pk],
        "summary": "Discussed the regional energy plan",
        "given": "Introduced her to our CFO",
        "asked": "",
        "next_step_text": "Send the plan",
        "next_step_due_on": (TODAY() + datetime.timedelta(days=7)).isoformat(),
        "next_step_assignee": networker.pk,
    }
    data.update(overrides)
    return data


def test_meeting_form_defaults_to_coffee_today_and_me(client_for, networker):
    page = html(client_for(networker).get(reverse("relations:meeting_log")))
    assert '<option value="coffee" selected>' in page
    assert f'value="{TODAY().isoformat()}"' in page
    assert f'<option value="{networker.pk}" selected>' in page
    assert 'name="viewport"' in page
    assert reverse("relations:contact_typeahead") in page


def test_meeting_form_preselects_the_contact_from_the_link(client_for, networker, contact):
    page = html(
        client_for(networker).get(reverse("relations:meeting_log"), {"contact": contact.pk})
    )
    assert f'name="contacts" value="{contact.pk}" checked' in page
    assert "Anna de Vries (Gemeente Utrecht)" in page


def test_logging_a_meeting_creates_interaction_and_followup_and_warms_the_contact(
    client_for, networker, contact
):
    assert selectors.contact_detail_for(user=networker, contact=contact).warmth == "cold"

    response = client_for(networker).post(
        reverse("relations:meeting_log"), meeting_data(contact, networker), follow=True
    )

    assert response.redirect_chain == [
        (reverse("relations:contact_detail", args=[contact.pk]), 302)
    ]
    page = html(response)
    assert "Meeting logged" in page
    assert "Discussed the regional energy plan" in page
    interaction = Interaction.objects.get()
    assert list(interaction.contacts.all()) == [contact]
    assert list(interaction.our_participants.all()) == [networker]
    followup = FollowUp.objects.get()
    assert (followup.text, followup.assignee, followup.interaction) == (
        "Send the plan",
        networker,
        interaction,
    )
    contact.refresh_from_db()
    assert selectors.contact_detail_for(user=networker, contact=contact).warmth == "warm"


def test_logging_a_meeting_lands_on_the_first_chosen_contact(client_for, networker, contact):
    other = Contact.objects.create(first_name="Zoe", last_name="Aalders")
    response = client_for(networker).post(
        reverse("relations:meeting_log"),
        meeting_data(contact, networker, contacts=[other.pk, contact.pk], next_step_text=""),
    )
    assert response.url == reverse("relations:contact_detail", args=[other.pk])
    assert set(Interaction.objects.get().contacts.all()) == {contact, other}
    assert not FollowUp.objects.exists()


def test_meeting_without_contacts_reshows_the_form_with_an_error_and_the_input(
    client_for, networker, contact
):
    response = client_for(networker).post(
        reverse("relations:meeting_log"), meeting_data(contact, networker, contacts=[])
    )
    page = html(response)
    assert response.status_code == 200
    assert "Choose at least one person we met." in page
    assert "Discussed the regional energy plan" in page
    assert 'value="Send the plan"' in page
    assert not Interaction.objects.exists()
    assert not FollowUp.objects.exists()


def test_next_step_without_due_date_reshows_the_form_with_chips_and_saves_nothing(
    client_for, networker, contact
):
    response = client_for(networker).post(
        reverse("relations:meeting_log"),
        meeting_data(contact, networker, next_step_due_on=""),
    )
    page = html(response)
    assert "Give the next step a due date." in page
    assert f'name="contacts" value="{contact.pk}" checked' in page  # chosen chip kept
    assert "Introduced her to our CFO" in page
    assert not Interaction.objects.exists()
    assert not FollowUp.objects.exists()
    contact.refresh_from_db()
    assert contact.last_interaction_on is None


def test_meeting_in_the_future_is_refused_by_the_service_next_to_the_date(
    client_for, networker, contact
):
    future = (TODAY() + datetime.timedelta(days=30)).isoformat()
    response = client_for(networker).post(
        reverse("relations:meeting_log"), meeting_data(contact, networker, occurred_on=future)
    )
    page = html(response)
    assert "cannot be logged in the future" in page
    assert 'id="id_occurred_on_error"' in page
    assert not Interaction.objects.exists()
    assert not FollowUp.objects.exists()


def test_typeahead_offers_matching_contacts_as_chip_buttons(client_for, networker, contact):
    client = client_for(networker)
    page = html(client.get(reverse("relations:contact_typeahead"), {"q": "utrecht"}))
    assert "Anna de Vries" in page
    assert reverse("relations:contact_chip", args=[contact.pk]) in page

    page = html(client.get(reverse("relations:contact_typeahead"), {"q": "nobody-here"}))
    assert "Nobody found" in page


def test_contact_chip_is_a_ticked_checkbox_and_not_added_twice(client_for, networker, contact):
    client = client_for(networker)
    url = reverse("relations:contact_chip", args=[contact.pk])

    page = html(client.get(url, HTTP_HX_REQUEST="true"))
    assert f'<input type="checkbox" name="contacts" value="{contact.pk}" checked>' in page
    assert "Anna de Vries (Gemeente Utrecht)" in page

    again = html(client.get(url, {"contacts": [contact.pk]}, HTTP_HX_REQUEST="true"))
    assert 'name="contacts"' not in again


# Organisations


def test_organisation_list_searches_and_counts_contacts(
    client_for, networker, organisation, contact
):
    Organisation.objects.create(name="Provincie Gelderland", city="Arnhem")
    client = client_for(networker)
    page = html(client.get(reverse("relations:organisation_list")))
    assert "Gemeente Utrecht" in page and "Provincie Gelderland" in page
    assert '<td class="num">1</td>' in page

    page = html(client.get(reverse("relations:organisation_list"), {"q": "arnhem"}))
    assert "Provincie Gelderland" in page and "Gemeente Utrecht" not in page


def test_organisation_detail_shows_contacts_and_who_of_us_knows_someone(
    client_for, networker, organisation, contact
):
    log(networker, contact)
    page = html(
        client_for(networker).get(reverse("relations:organisation_detail", args=[organisation.pk]))
    )
    assert "Anna de Vries" in page
    assert "Who of us knows someone here" in page
    assert "Nina" in page


def test_organisation_create_and_duplicate_name_links_to_the_existing_one(
    client_for, networker, organisation
):
    client = client_for(networker)
    response = client.post(
        reverse("relations:organisation_create"), {"name": "TU Delft", "owner": networker.pk}
    )
    created = Organisation.objects.get(name="TU Delft")
    assert response.url == reverse("relations:organisation_detail", args=[created.pk])
    assert created.owner == networker

    response = client.post(reverse("relations:organisation_create"), {"name": "gemeente utrecht"})
    page = html(response)
    assert "already exists" in page
    assert reverse("relations:organisation_detail", args=[organisation.pk]) in page


def test_outsider_may_not_edit_someone_elses_organisation(
    client_for, teams, networker, outsider, organisation
):
    organisation.owner = networker
    organisation.save()
    url = reverse("relations:organisation_edit", args=[organisation.pk])
    client = client_for(outsider)
    assert client.get(url).status_code == 403
    assert client.post(url, {"name": "Renamed"}).status_code == 403
    organisation.refresh_from_db()
    assert organisation.name == "Gemeente Utrecht"


# Account


def test_account_page_shows_profile_language_and_token_state(client_for, networker):
    page = html(client_for(networker).get(reverse("relations:account")))
    assert "nina@example.org" in page
    assert "Nederlands" in page
    assert "You have no API token." in page
    assert reverse("password_change") in page


def test_creating_a_token_shows_the_key_once(client_for, networker):
    client = client_for(networker)
    page = html(client.post(reverse("relations:account"), {"action": "token_create"}))
    token = Token.objects.get(user=networker)
    assert token.key in page

    page = html(client.get(reverse("relations:account")))
    assert token.key not in page
    assert "You have a token" in page


def test_regenerating_replaces_and_revoking_removes_the_token(client_for, networker):
    client = client_for(networker)
    client.post(reverse("relations:account"), {"action": "token_create"})
    old_key = Token.objects.get(user=networker).key
    client.post(reverse("relations:account"), {"action": "token_create"})
    assert Token.objects.get(user=networker).key != old_key

    client.post(reverse("relations:account"), {"action": "token_revoke"})
    assert not Token.objects.filter(user=networker).exists()


def test_switching_language_is_stored_and_sets_the_page_language(client_for, networker):
    client = client_for(networker)
    response = client.post(
        reverse("relations:account"), {"action": "language", "language": "nl"}, follow=True
    )
    networker.refresh_from_db()
    assert networker.language == "nl"
    assert '<html lang="nl">' in html(response)


def test_unknown_language_is_a_field_error(client_for, networker):
    response = client_for(networker).post(
        reverse("relations:account"), {"action": "language", "language": "xx"}
    )
    assert "field--error" in html(response)
    networker.refresh_from_db()
    assert networker.language == "en"


DUTCH_CATALOG = Path(settings.BASE_DIR) / "locale" / "nl" / "LC_MESSAGES" / "django.po"


def test_dutch_user_gets_the_navigation_in_dutch(client_for, networker):
    services.user_set_language(user=networker, language="nl")
    with translation.override("nl"):
        assert gettext("My network") == "Mijn netwerk"

    page = html(client_for(networker).get(reverse("relations:contact_list")))

    assert "Mijn netwerk" in page
    assert "My network" not in page
    assert '<html lang="nl">' in page


def test_every_dutch_message_is_translated():
    catalogue = DUTCH_CATALOG.read_text(encoding="utf-8")
    entries = catalogue.split("\n\n")[1:]  # the first entry is the header
    untranslated = [e for e in entries if e.rstrip().endswith('msgstr ""')]
    assert "#, fuzzy" not in catalogue
    assert untranslated == []


# My relationships and my follow-ups: the full lists behind My network


def _tie(user, contact, days_ago):
    last_on = None if days_ago is None else selectors.today() - datetime.timedelta(days=days_ago)
    return Relationship.objects.create(user=user, contact=contact, last_interaction_on=last_on)


def test_my_relationships_lists_only_my_ties_of_the_chosen_warmth(
    client_for, teams, networker, outsider, organisation
):
    cold = Contact.objects.create(first_name="Cora", last_name="Cold", cadence_days=30)
    warm = Contact.objects.create(first_name="Wim", last_name="Warm", cadence_days=30)
    _tie(networker, cold, 90)
    _tie(networker, warm, 2)
    _tie(outsider, warm, 200)

    page = client_for(networker).get(reverse("relations:my_relationships") + "?warmth=cold")

    text = page.content.decode()
    assert "Cora Cold" in text
    assert "Wim Warm" not in text
    warm_page = client_for(networker).get(reverse("relations:my_relationships") + "?warmth=warm")
    assert "Wim Warm" in warm_page.content.decode()


def test_my_network_caps_each_warmth_group_and_links_to_the_rest(client_for, teams, networker):
    for i in range(20):
        contact = Contact.objects.create(first_name=f"Cold{i:02}", last_name="Person")
        _tie(networker, contact, None)

    text = client_for(networker).get(reverse("relations:my_network")).content.decode()

    assert text.count("Cold0") + text.count("Cold1") == 15
    assert "Show all 20" in text
    assert reverse("relations:my_relationships") + "?warmth=cold" in text


def test_followup_list_shows_my_open_follow_ups_and_not_a_colleagues(
    client_for, teams, networker, colleague, contact
):
    today = selectors.today()
    services.followup_create(
        actor=networker,
        contact=contact,
        text="Mine overdue",
        due_on=today - datetime.timedelta(days=3),
    )
    services.followup_create(
        actor=networker,
        contact=contact,
        text="Mine later",
        due_on=today + datetime.timedelta(days=30),
    )
    services.followup_create(actor=colleague, contact=contact, text="Carl's own", due_on=today)

    due = client_for(networker).get(reverse("relations:followup_list") + "?due=1").content.decode()
    everything = client_for(networker).get(reverse("relations:followup_list")).content.decode()

    assert "Mine overdue" in due and "Mine later" not in due
    assert "Mine overdue" in everything and "Mine later" in everything
    assert "Carl&#x27;s own" not in everything and "Carl's own" not in everything


# Follow-ups and the give/ask balance shown on detail pages follow the visibility rules


def test_contact_detail_shows_a_followup_to_its_team_lead_but_not_to_an_outsider(
    client_for, teams, networker, lead, outsider, contact
):
    followup_for(networker, contact, text="Propose the board seat")
    url = reverse("relations:contact_detail", args=[contact.pk])

    outsiders_page = client_for(outsider).get(url)
    assert outsiders_page.status_code == 200  # contacts are readable by everyone
    assert "Anna de Vries" in html(outsiders_page)
    assert "Propose the board seat" not in html(outsiders_page)
    assert "Propose the board seat" in html(client_for(lead).get(url))
    assert "Propose the board seat" in html(client_for(networker).get(url))


def test_interaction_detail_hides_a_fellow_participants_followup_from_an_outsider(
    client_for, teams, networker, lead, outsider, contact
):
    interaction = log(
        networker,
        contact,
        summary="Joint visit to the province",
        our_participants=[networker, outsider],
        next_step=services.NextStep(
            text="Propose the board seat", due_on=TODAY(), assignee=networker
        ),
    )
    url = reverse("relations:interaction_detail", args=[interaction.pk])

    outsiders_page = client_for(outsider).get(url)
    assert outsiders_page.status_code == 200  # a participant reads the meeting…
    assert "Joint visit to the province" in html(outsiders_page)
    assert "Propose the board seat" not in html(outsiders_page)  # …not a colleague's next step
    assert "No next steps from this meeting." in html(outsiders_page)
    assert "Propose the board seat" in html(client_for(lead).get(url))


def balance_of(page: str) -> tuple[str, str]:
    given = page.split('<span class="balance__given">', 1)[1].split("</span>", 1)[0]
    asked = page.split('<span class="balance__asked">', 1)[1].split("</span>", 1)[0]
    return given, asked


def test_give_ask_balance_counts_only_the_interactions_the_reader_may_see(
    client_for, teams, networker, colleague, outsider, contact
):
    log(networker, contact, given="A confidential introduction", confidential=True)
    log(networker, contact, asked="A favour, team only")
    log(networker, contact, asked="Another favour, team only")
    log(networker, contact, given="Advice", our_participants=[networker, outsider])
    url = reverse("relations:contact_detail", args=[contact.pk])

    outsiders_page = html(client_for(outsider).get(url))
    assert balance_of(outsiders_page) == ("given 1", "asked 0")
    assert "We ask more than we give" not in outsiders_page
    assert balance_of(html(client_for(colleague).get(url))) == ("given 1", "asked 2")
    assert balance_of(html(client_for(networker).get(url))) == ("given 2", "asked 2")


def test_my_lists_need_a_login(client):
    for name in ("relations:my_relationships", "relations:followup_list"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
