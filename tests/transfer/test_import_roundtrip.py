"""Round trips: what the export writes, the import reads back as the same contacts, in
each format; and importing an export into the same database changes nothing."""

import pytest

from relations.models import Contact, Organisation, Tag
from transfer.models import RowOutcome

from .conftest import imported, upload

exports = pytest.importorskip("transfer.exports")

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("import_sandbox")]

PEOPLE = [
    # first, last, organisation, job title, e-mail, phone, tags, notes
    ("Sjoerd", "van 't Hof", "Provincie Utrecht", "Gedeputeerde", "sjoerd@provincie.nl",
     "+31 30 258 9111", ["mobiliteit", "bestuur"], "Ontmoet op de receptie\nBel in maart"),
    ("Zoë", "de Wit", "Café De Wereld", "", "zoe@wereld.nl", "", [], ""),
    ("Joël", "Müller", "", "Adviseur", "", "06 1234 5678", ["alumni"], "=niet rekenen"),
    ("Anna", "", "Gemeente Utrecht", "-", "anna@utrecht.nl", "", [], "Zegt: \"ja\"; nee"),
]  # fmt: skip


def make_people(owner) -> None:
    for first, last, organisation, title, email, phone, tags, notes in PEOPLE:
        contact = Contact.objects.create(
            first_name=first,
            last_name=last,
            organisation=(
                Organisation.objects.get_or_create(name=organisation)[0] if organisation else None
            ),
            job_title=title,
            email=email,
            phone=phone,
            notes=notes,
            owner=owner,
        )
        contact.tags.set([Tag.objects.get_or_create(name=tag)[0] for tag in tags])


def people() -> set[tuple]:
    return {
        (
            c.first_name,
            c.last_name,
            c.organisation.name if c.organisation else "",
            c.job_title,
            c.email,
            c.phone,
            tuple(sorted(tag.name for tag in c.tags.all())),
            c.notes.replace("\r\n", "\n"),
        )
        for c in Contact.objects.select_related("organisation").prefetch_related("tags")
    }


def as_stored() -> set[tuple]:
    return {(*person[:6], tuple(sorted(person[6])), person[7]) for person in PEOPLE}


def exported(kind: str) -> tuple[str, bytes]:
    contacts = Contact.objects.all()
    if kind == "csv":
        return "contacts.csv", ("\ufeff" + exports.contacts_csv(contacts)).encode()
    if kind == "xlsx":
        return "contacts.xlsx", exports.contacts_xlsx(contacts)
    return "contacts.vcf", exports.contacts_vcard(contacts).encode()


def wipe() -> None:
    Contact.objects.all().delete()
    Organisation.objects.all().delete()
    Tag.objects.all().delete()


@pytest.mark.parametrize("kind", ["csv", "xlsx", "vcf"])
def test_export_then_import_gives_the_same_contacts(networker, kind):
    make_people(networker)
    assert people() == as_stored()
    name, content = exported(kind)
    wipe()

    job = imported(networker, upload(name, content))

    assert (job.created_count, job.updated_count, job.skipped_count) == (len(PEOPLE), 0, 0)
    assert people() == as_stored()
    assert set(Contact.objects.values_list("owner", flat=True)) == {networker.pk}


@pytest.mark.parametrize("kind", ["csv", "xlsx", "vcf"])
def test_importing_an_export_into_the_same_database_changes_nothing(networker, kind):
    make_people(networker)
    name, content = exported(kind)

    job = imported(networker, upload(name, content))

    assert (job.created_count, job.updated_count, job.skipped_count) == (0, len(PEOPLE), 0)
    assert {row.message for row in job.rows.all()} <= {
        "Already up to date.",
        "Matched by name and organisation. Already up to date.",
    }
    assert set(job.rows.values_list("outcome", flat=True)) == {RowOutcome.UPDATE}
    assert people() == as_stored()
