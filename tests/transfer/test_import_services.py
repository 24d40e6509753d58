"""The import's rules: the preview says what would happen and writes nothing; the
confirmation writes every valid row in one transaction; the undo takes it all back for
24 hours; networkers import for themselves, network managers for everybody."""

import datetime
import os

import pytest
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.db import IntegrityError
from django.utils import timezone

from relations import services as relation_services
from relations.models import Contact, FollowUp, Organisation, Tag
from relations.permissions import NotAllowed
from relations.services import ServiceError
from stakeholders.models import ContactMembership, StakeholderGroup
from transfer import services
from transfer.models import ImportJob, ImportStatus, RowOutcome
from transfer.readers import ImportFileError

from .conftest import HEADER_EN, HEADER_NL, checked, csv_bytes, imported, outcomes, upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("import_sandbox")]

NEW, UPDATE, ERROR = RowOutcome.NEW, RowOutcome.UPDATE, RowOutcome.ERROR


def dutch_csv(rows, header=None):
    return upload(
        "relaties.csv", csv_bytes(rows, header or HEADER_NL, delimiter=";", encoding="cp1252")
    )


def english_csv(rows, header=None):
    return upload("contacts.csv", csv_bytes(rows, header or HEADER_EN))


def nothing_written() -> bool:
    return not Contact.objects.exists() and not Organisation.objects.exists()


@pytest.fixture
def group(manager, team_alpha) -> StakeholderGroup:
    return StakeholderGroup.objects.create(
        name="Regional government", influence=4, interest=4, owning_team=team_alpha
    )


# The preview


def test_preview_marks_new_update_and_error_with_reasons_and_writes_nothing(networker, contact):
    file = dutch_csv(
        [
            [
                "Sjoerd van 't Hof",
                "Provincie Utrecht",
                "sjoerd@provincie.nl",
                "030",
                "Gedeputeerde",
                "",
            ],
            ["Anna de Vries", "", "ANNA@utrecht.nl", "06 1", "Wethouder", "Kent iedereen"],
            ["Zoë", "", "zoe@@utrecht", "", "", ""],
            ["", "Gemeente Zeist", "nobody@zeist.nl", "", "", ""],
        ]
    )

    job = checked(networker, file)

    assert job.status == ImportStatus.PREVIEWED
    assert (job.created_count, job.updated_count, job.skipped_count) == (1, 1, 2)
    rows = outcomes(job)
    assert rows[2] == (NEW, "New organisation “Provincie Utrecht”.")
    assert rows[3] == (UPDATE, "Changes job title, phone, notes.")
    assert rows[4] == (ERROR, "E-mail: Enter a valid email address.")
    assert rows[5] == (ERROR, "First name: This field is required.")
    assert job.rows.get(number=3).contact == contact
    assert Contact.objects.count() == 1
    assert not Organisation.objects.exclude(pk=contact.organisation_id).exists()
    assert not Tag.objects.exists()
    contact.refresh_from_db()
    assert contact.phone == ""


def test_a_row_matches_by_name_and_organisation_when_the_email_does_not(networker, contact):
    file = english_csv(
        [
            ["anna", "DE VRIES", "gemeente utrecht", "", "", "", ""],
            ["Anna", "de Vries", "Provincie Utrecht", "", "", "", ""],
        ]
    )

    job = checked(networker, file)

    rows = outcomes(job)
    assert rows[2] == (UPDATE, "Matched by name and organisation. Changes first name, last name.")
    assert rows[3][0] == NEW  # another organisation: another person


def test_two_contacts_with_the_same_name_at_one_organisation_is_an_error(networker, contact):
    Contact.objects.create(
        first_name="Anna", last_name="de Vries", organisation=contact.organisation, owner=networker
    )

    job = checked(
        networker, english_csv([["Anna", "de Vries", "Gemeente Utrecht", "", "", "", ""]])
    )

    assert outcomes(job)[2] == (
        ERROR,
        "2 contacts are called Anna de Vries at this organisation; add the e-mail address to "
        "tell which one is meant.",
    )


def test_duplicated_emails_in_the_file_are_errors_on_every_row_and_nothing_is_written(networker):
    file = english_csv(
        [
            ["Anna", "de Vries", "", "anna@x.nl", "", "", ""],
            ["Bram", "Bakker", "", "bram@x.nl", "", "", ""],
            ["Anna", "Vries", "", "ANNA@x.nl", "", "", ""],
            ["Eva", "Smit", "", "", "", "", ""],
            ["Eva", "Smit", "", "", "", "", ""],
        ]
    )

    job = checked(networker, file)

    rows = outcomes(job)
    assert rows[2] == (ERROR, "The e-mail address anna@x.nl is also in row(s) 4.")
    assert rows[4] == (ERROR, "The e-mail address anna@x.nl is also in row(s) 2.")
    assert rows[3][0] == NEW
    assert rows[5] == (
        ERROR,
        "Eva Smit is also in row(s) 6; add e-mail addresses or remove the duplicate.",
    )
    assert nothing_written()

    job = services.import_confirm(actor=networker, job=job)

    assert list(Contact.objects.values_list("email", flat=True)) == ["bram@x.nl"]
    assert job.skipped_count == 4


def test_rows_updating_one_contact_twice(networker, contact):
    file = english_csv(
        [
            ["Anna", "de Vries", "Gemeente Utrecht", "", "", "", ""],
            ["Anna", "de Vries", "", "anna@utrecht.nl", "", "", ""],
        ]
    )

    rows = outcomes(checked(networker, file))

    assert rows[2][0] == UPDATE
    assert rows[3] == (ERROR, "Row 2 already updates this contact.")


def test_a_contact_already_up_to_date(networker, contact):
    file = english_csv([["Anna", "de Vries", "Gemeente Utrecht", "anna@utrecht.nl", "", "", ""]])

    assert outcomes(checked(networker, file))[2] == (UPDATE, "Already up to date.")


def test_the_first_row_holding_data_means_the_header_is_missing(networker):
    file = dutch_csv(
        [["Jan Jansen", "Acme", "jan@acme.nl", "06"]],
        header=["Anna", "Utrecht", "anna@utrecht.nl", "030"],
    )

    with pytest.raises(ImportFileError) as caught:
        checked(networker, file)

    assert caught.value.message.startswith(
        "The first row holds data (Anna, Utrecht, anna@utrecht.nl) rather than column names."
    )
    assert not ImportJob.objects.exists()


def test_a_mapping_without_a_name_column_is_refused(networker):
    job = services.import_upload(
        actor=networker,
        file_name="x.csv",
        upload=english_csv([["Anna", "de Vries", "", "", "", "", ""]]),
    )

    with pytest.raises(ServiceError, match="Choose the column with the name"):
        services.import_set_mapping(actor=networker, job=job, mapping=[""] * len(job.headers))


class UnreadableUpload(TemporaryUploadedFile):
    def read(self, *args):
        raise AssertionError("the upload was read")


def test_a_100_mb_file_is_refused_before_it_is_read(networker, settings):
    settings.IMPORT_MAX_BYTES = 10 * 1024 * 1024
    file = UnreadableUpload("huge.csv", "text/csv", 0, "utf-8")
    file.file.truncate(100 * 1024 * 1024)  # 100 MB on disk, as Django spools a big upload
    file.size = os.path.getsize(file.temporary_file_path())

    with pytest.raises(ImportFileError) as caught:
        services.import_upload(actor=networker, file_name="huge.csv", upload=file)

    assert caught.value.message.replace("\xa0", " ") == (
        "The file is 100.0 MB; at most 10.0 MB can be imported at once. "
        "Split it into smaller files."
    )
    file.close()


def test_a_stream_longer_than_it_says_is_read_only_up_to_the_limit(networker, settings):
    settings.IMPORT_MAX_BYTES = 100
    file = english_csv([[f"P{n}", "", "", "", "", "", ""] for n in range(50)])
    file.size = None

    with pytest.raises(ImportFileError) as caught:
        services.import_upload(actor=networker, file_name="x.csv", upload=file)

    assert caught.value.message.replace("\xa0", " ") == (
        "The file is larger than 100 bytes, the most that can be imported at once. "
        "Split it into smaller files."
    )
    assert file.tell() == 101


# The import


def test_confirm_writes_every_valid_row_with_organisations_and_batch_options(
    manager, networker, group
):
    Organisation.objects.create(name="Provincie Utrecht")
    file = dutch_csv(
        [
            [
                "Sjoerd van 't Hof",
                "provincie utrecht",
                "sjoerd@provincie.nl",
                "030",
                "Gedeputeerde",
                "",
            ],
            ["Zoë de Wit", "Café De Wereld", "zoe@wereld.nl", "", "", "Kent de eigenaar"],
            ["Joël Müller", "Café de wereld", "", "", "", ""],
            ["Kapot", "", "geen-adres", "", "", ""],
        ],
        header=[*HEADER_NL[:5], "Notities"],
    )

    job = imported(
        manager, file, owner=networker, tags=["Nieuwjaar", "regio "], group=group, cadence_days=30
    )

    assert job.status == ImportStatus.DONE
    assert (job.created_count, job.updated_count, job.skipped_count) == (3, 0, 1)
    sjoerd = Contact.objects.get(email="sjoerd@provincie.nl")
    assert (sjoerd.first_name, sjoerd.last_name, sjoerd.job_title) == (
        "Sjoerd",
        "van 't Hof",
        "Gedeputeerde",
    )
    assert sjoerd.organisation.name == "Provincie Utrecht"  # matched, not created
    assert Organisation.objects.filter(name__iexact="café de wereld").count() == 1
    zoe = Contact.objects.get(email="zoe@wereld.nl")
    assert zoe.notes == "Kent de eigenaar"
    for contact in Contact.objects.all():
        assert contact.owner == networker
        assert contact.cadence_days == 30
        assert sorted(contact.tags.values_list("name", flat=True)) == ["nieuwjaar", "regio"]
        assert ContactMembership.objects.filter(group=group, contact=contact).exists()
    assert job.rows.get(number=2).contact == sjoerd
    assert job.rows.get(number=5).contact is None


def test_an_update_overwrites_filled_cells_keeps_the_rest_and_adds_tags(networker, contact):
    contact.phone = "030 111"
    contact.notes = "Met at the station"
    contact.save()
    contact.tags.set([Tag.objects.create(name="mobility")])
    file = english_csv(
        [["Anna", "de Vries", "Provincie Utrecht", "anna@utrecht.nl", "", "Wethouder", "Board"]]
    )

    job = imported(networker, file)

    contact.refresh_from_db()
    assert job.updated_count == 1
    assert (contact.phone, contact.notes, contact.job_title) == (
        "030 111",
        "Met at the station",
        "Wethouder",
    )
    assert contact.organisation.name == "Provincie Utrecht"
    assert sorted(contact.tags.values_list("name", flat=True)) == ["board", "mobility"]
    assert contact.owner == networker


def test_the_import_is_one_transaction_all_rows_or_none(networker, contact, monkeypatch):
    file = english_csv(
        [
            ["Bram", "Bakker", "Acme", "bram@acme.nl", "", "", "x"],
            ["Anna", "de Vries", "", "anna@utrecht.nl", "", "Wethouder", ""],
        ]
    )
    job = checked(networker, file)

    def fail(*args, **kwargs):
        raise IntegrityError("a clash half-way")

    monkeypatch.setattr(Contact.tags.through.objects, "bulk_create", fail)
    job = services.import_confirm(actor=networker, job=job)

    assert job.status == ImportStatus.FAILED
    assert "nothing was imported" in job.message
    assert list(Contact.objects.all()) == [contact]
    assert not Organisation.objects.filter(name="Acme").exists()
    contact.refresh_from_db()
    assert contact.job_title == ""


def test_the_import_matches_again_what_changed_after_the_preview(networker):
    job = checked(
        networker, english_csv([["Bram", "Bakker", "", "bram@acme.nl", "", "Director", ""]])
    )
    assert outcomes(job)[2][0] == NEW
    bram = relation_services.contact_create(
        actor=networker, first_name="Bram", email="BRAM@acme.nl"
    )

    job = services.import_confirm(actor=networker, job=job)

    assert (job.created_count, job.updated_count) == (0, 1)
    bram.refresh_from_db()
    assert (bram.last_name, bram.job_title) == ("Bakker", "Director")


def test_rows_the_preview_showed_as_errors_stay_skipped(networker):
    file = english_csv([["", "Bakker", "", "", "", "", ""], ["Eva", "Smit", "", "", "", "", ""]])
    job = checked(networker, file)

    job = services.import_confirm(actor=networker, job=job)

    assert outcomes(job)[2] == (ERROR, "First name: This field is required.")
    assert list(Contact.objects.values_list("first_name", flat=True)) == ["Eva"]


def test_confirm_twice_imports_once(networker):
    job = imported(networker, english_csv([["Eva", "Smit", "", "", "", "", ""]]))

    with pytest.raises(ServiceError, match="This import is imported"):
        services.import_confirm(actor=networker, job=job)
    assert Contact.objects.count() == 1


# Who may import what


def test_a_networker_may_not_update_someone_elses_contact(networker, outsider, teams, contact):
    file = english_csv(
        [
            ["Anna", "de Vries", "", "anna@utrecht.nl", "", "Wethouder", ""],
            ["Otto", "Nieuw", "", "", "", "", ""],
        ]
    )

    job = imported(outsider, file)

    rows = outcomes(job)
    assert rows[2] == (
        ERROR,
        "Not yours: Anna de Vries exists and belongs to Nina. Only the owner, their team lead "
        "or a network manager may change it.",
    )
    assert rows[3][0] == NEW
    contact.refresh_from_db()
    assert contact.job_title == ""
    assert Contact.objects.get(first_name="Otto").owner == outsider


def test_a_team_lead_and_a_network_manager_may_update_it(lead, manager, teams, contact):
    file = english_csv([["Anna", "de Vries", "", "anna@utrecht.nl", "", "Wethouder", ""]])

    assert outcomes(checked(lead, file))[2][0] == UPDATE
    file.seek(0)
    assert outcomes(checked(manager, file))[2][0] == UPDATE


def test_a_networker_imports_contacts_they_will_own(networker, colleague):
    job = services.import_upload(
        actor=networker,
        file_name="x.csv",
        upload=english_csv([["Eva", "Smit", "", "", "", "", ""]]),
    )

    with pytest.raises(NotAllowed, match="only network managers import for others"):
        services.import_set_mapping(actor=networker, job=job, mapping=job.mapping, owner=colleague)


def test_only_a_groups_lead_or_a_network_manager_adds_members(networker, lead, group):
    file = english_csv([["Eva", "Smit", "", "", "", "", ""]])
    job = services.import_upload(actor=networker, file_name="x.csv", upload=file)

    with pytest.raises(NotAllowed):
        services.import_set_mapping(actor=networker, job=job, mapping=job.mapping, group=group)

    file.seek(0)
    job = imported(lead, file, group=group)
    assert ContactMembership.objects.filter(group=group).count() == 1


def test_only_the_uploader_continues_an_import(networker, manager):
    job = services.import_upload(
        actor=networker,
        file_name="x.csv",
        upload=english_csv([["Eva", "Smit", "", "", "", "", ""]]),
    )

    with pytest.raises(NotAllowed):
        services.import_set_mapping(actor=manager, job=job, mapping=job.mapping)


# Undo


def test_undo_takes_the_whole_import_back(networker, manager, contact, group):
    contact.phone = "030 111"
    contact.save()
    contact.tags.set([Tag.objects.create(name="mobility")])
    other = Organisation.objects.create(name="Gemeente Zeist")
    file = english_csv(
        [
            [
                "Anna",
                "de Vries",
                "Gemeente Zeist",
                "anna@utrecht.nl",
                "06 999",
                "Wethouder",
                "board",
            ],
            ["Bram", "Bakker", "Acme", "bram@acme.nl", "", "", ""],
        ]
    )
    job = imported(manager, file, tags=["import"], group=group)
    contact.refresh_from_db()
    assert (contact.organisation, contact.phone) == (other, "06 999")

    job = services.import_undo(actor=manager, job=job)

    assert job.status == ImportStatus.UNDONE
    assert job.undone_at is not None
    assert list(Contact.objects.all()) == [contact]
    contact.refresh_from_db()
    assert (contact.organisation.name, contact.phone, contact.job_title) == (
        "Gemeente Utrecht",
        "030 111",
        "",
    )
    assert list(contact.tags.values_list("name", flat=True)) == ["mobility"]
    assert not ContactMembership.objects.exists()
    assert not Organisation.objects.filter(name="Acme").exists()  # created by the import
    assert Organisation.objects.filter(name="Gemeente Zeist").exists()  # was there before
    assert outcomes(job)[3][0] == NEW  # the result keeps its rows


def test_undo_keeps_what_was_there_before_the_import(networker, contact, group, manager):
    ContactMembership.objects.create(group=group, contact=contact)
    contact.tags.set([Tag.objects.create(name="board")])
    file = english_csv([["Anna", "de Vries", "", "anna@utrecht.nl", "", "", "board"]])
    job = imported(manager, file, group=group)

    services.import_undo(actor=manager, job=job)

    assert ContactMembership.objects.filter(group=group, contact=contact).exists()
    assert list(contact.tags.values_list("name", flat=True)) == ["board"]


def test_undo_is_refused_after_24_hours(networker):
    job = imported(networker, english_csv([["Eva", "Smit", "", "", "", "", ""]]))
    ImportJob.objects.filter(pk=job.pk).update(
        created_at=job.created_at - datetime.timedelta(hours=25),
        finished_at=job.finished_at - datetime.timedelta(hours=24, seconds=1),
    )
    job.refresh_from_db()

    with pytest.raises(ServiceError, match="An import can be undone for 24 hours; this one ran on"):
        services.import_undo(actor=networker, job=job)
    assert Contact.objects.count() == 1
    assert not services.can_undo(job)


def test_undo_is_refused_when_a_meeting_was_logged_with_a_new_contact(networker):
    job = imported(networker, english_csv([["Eva", "Smit", "", "", "", "", ""]]))
    eva = Contact.objects.get()
    FollowUp.objects.create(
        text="Call Eva", due_on=timezone.localdate(), assignee=networker, contact=eva
    )

    with pytest.raises(ServiceError, match="1 contact this import created has meetings"):
        services.import_undo(actor=networker, job=job)
    assert Contact.objects.count() == 1


def test_only_the_uploader_or_a_network_manager_undoes(networker, colleague):
    job = imported(networker, english_csv([["Eva", "Smit", "", "", "", "", ""]]))

    with pytest.raises(NotAllowed):
        services.import_undo(actor=colleague, job=job)


def test_undo_twice_is_refused(networker):
    job = imported(networker, english_csv([["Eva", "Smit", "", "", "", "", ""]]))
    services.import_undo(actor=networker, job=job)

    with pytest.raises(ServiceError, match="This import is undone"):
        services.import_undo(actor=networker, job=job)


# Large files go to a worker


def test_a_large_file_is_checked_and_imported_on_a_worker(
    networker, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services, "BACKGROUND_ROWS", 2)
    sent = []
    monkeypatch.setattr(
        services, "enqueue_on_commit", lambda task, *args: sent.append((task.name, args))
    )
    file = english_csv([[f"P{n}", "", "", "", "", "", ""] for n in range(3)])

    job = checked(networker, file)

    assert job.status == ImportStatus.MAPPED
    assert sent == [("transfer.tasks.preview_import", (job.pk,))]
    assert services.import_preview(job_id=job.pk).status == ImportStatus.PREVIEWED
    assert services.import_preview(job_id=job.pk) is None  # a second delivery does nothing

    job = services.import_confirm(actor=networker, job=ImportJob.objects.get(pk=job.pk))
    assert job.status == ImportStatus.RUNNING
    assert sent[-1] == ("transfer.tasks.run_import", (job.pk,))
    assert not Contact.objects.exists()
    assert services.import_run(job_id=job.pk).status == ImportStatus.DONE
    assert services.import_run(job_id=job.pk) is None
    assert Contact.objects.count() == 3
