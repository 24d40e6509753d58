"""Which column holds which field: guessed from the headers (English and Dutch, and the
names Outlook, Google and Apple use), changed by the user on the mapping page."""

import re
import unicodedata

from django.utils.translation import gettext_lazy as _

from transfer.readers import NAME_PREFIXES

IGNORE = ""

FIELDS = {
    "full_name": _("Full name (split into first and last name)"),
    "first_name": _("First name"),
    "last_name": _("Last name"),
    "organisation": _("Organisation"),
    "job_title": _("Job title"),
    "email": _("E-mail"),
    "phone": _("Phone"),
    "tags": _("Tags"),
    "notes": _("Notes"),
    "city": _("City (of a new organisation)"),
}

# Several columns may feed one field: tags and notes are joined, the others take the
# first filled cell (Outlook's "Mobile Phone", else its "Business Phone").
JOINED = {"tags": ", ", "notes": "\n"}
# Fields guessed for every matching column rather than the most specific one.
GUESSED_MORE_THAN_ONCE = {*JOINED, "phone"}

SYNONYMS = {
    "full_name": [
        "name", "full name", "naam", "volledige naam", "display name", "weergavenaam",
        "contact", "contactpersoon", "fn", "formatted name",
    ],
    "first_name": [
        "first name", "firstname", "given name", "forename", "voornaam", "roepnaam",
        "first",
    ],
    "last_name": [
        "last name", "lastname", "surname", "family name", "achternaam", "familienaam",
        "last",
    ],
    "organisation": [
        "organisation", "organization", "company", "company name", "organisation name",
        "organization name", "organization 1 - name", "employer", "organisatie", "bedrijf",
        "bedrijfsnaam", "instelling", "werkgever", "org",
    ],
    "job_title": [
        "job title", "title", "function", "position", "role", "organization 1 - title",
        "functie", "functietitel", "rol",
    ],
    "email": [
        "email", "e-mail", "email address", "e-mail address", "e-mail 1 - value",
        "primary email", "mail", "e-mailadres", "emailadres", "mailadres",
    ],
    "phone": [
        "phone", "telephone", "phone number", "mobile", "mobile phone", "cell phone",
        "business phone", "work phone", "primary phone", "phone 1 - value", "tel",
        "telefoon", "telefoonnummer", "mobiel", "mobiele telefoon", "mobiel nummer",
        "telefoon op werk", "gsm",
    ],
    "tags": ["tags", "tag", "labels", "label", "categories", "category", "groups",
             "categorieën", "categorie", "trefwoorden"],
    "notes": ["notes", "note", "comments", "comment", "remarks", "description",
              "notities", "notitie", "opmerkingen", "opmerking", "aantekeningen",
              "toelichting"],
    "city": ["city", "town", "business city", "plaats", "woonplaats", "stad", "vestigingsplaats"],
}  # fmt: skip


def normalise(header: str) -> str:
    """'E-mailadres' → 'emailadres', 'Organisation Name' → 'organisationname'."""
    text = unicodedata.normalize("NFKD", header).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]", "", text)


# normalised header → (field, rank): a lower rank is the more specific name.
_BY_HEADER = {
    normalise(name): (field, rank)
    for field, names in SYNONYMS.items()
    for rank, name in enumerate(names)
}


def guess(headers: list[str]) -> list[str]:
    """A field per header, IGNORE where none fits. A field is guessed for one column only
    (the most specific header: "Job Title" rather than Outlook's "Title"), except the
    ones of GUESSED_MORE_THAN_ONCE."""
    guesses = [_BY_HEADER.get(normalise(header), (IGNORE, 0)) for header in headers]
    best: dict[str, tuple[int, int]] = {}
    for column, (field, rank) in enumerate(guesses):
        if field and (field not in best or rank < best[field][0]):
            best[field] = (rank, column)
    return [
        field
        if field in GUESSED_MORE_THAN_ONCE or best.get(field, (0, column))[1] == column
        else IGNORE
        for column, (field, _rank) in enumerate(guesses)
    ]


def looks_like_data(cells: list[str]) -> bool:
    """A first row with an e-mail address or a phone number is data, not a header."""
    return any("@" in cell or re.fullmatch(r"[+\d][\d\s()-]{5,}", cell) for cell in cells)


def split_name(full_name: str) -> tuple[str, str]:
    """'Sjoerd van 't Hof' → ('Sjoerd', "van 't Hof"); 'Hof, Sjoerd van 't' likewise."""
    full_name = " ".join(full_name.split())
    if "," in full_name:
        last, _comma, first = full_name.partition(",")
        words = first.split()
        prefix = []
        while words and words[-1].lower() in NAME_PREFIXES:
            prefix.insert(0, words.pop())
        return " ".join(words), " ".join([*prefix, last.strip()])
    first, _space, last = full_name.partition(" ")
    return first, last


def split_tags(text: str) -> list[str]:
    """Tags separated by commas or semicolons. Google writes 'a ::: b' and marks its own
    labels ('* myContacts') with a star; those are left out."""
    tags = [tag.strip() for tag in re.split(r"[,;]|:::", text)]
    return [tag for tag in tags if tag and not tag.startswith("*")]


def row_data(values: list[str], mapping: list[str]) -> dict[str, str]:
    """The cells of one row as contact-form data (tags as one comma-separated string)."""
    data: dict[str, list[str]] = {}
    for value, field in zip(values, mapping, strict=False):
        if field and value:
            data.setdefault(field, []).append(value)
    joined = {
        field: (JOINED[field].join(parts) if field in JOINED else parts[0])
        for field, parts in data.items()
    }
    full_name = joined.pop("full_name", "")
    if full_name and not (joined.get("first_name") or joined.get("last_name")):
        joined["first_name"], joined["last_name"] = split_name(full_name)
    if "tags" in joined:
        joined["tags"] = ", ".join(split_tags(joined["tags"]))
    return joined
