"""Reading what people upload: CSV in the dialects Excel and others write, .xlsx, vCards
from Outlook, Google and Apple; and a clear message for every file that cannot be read.

The files are written here, byte by byte as the programs write them."""

import datetime
import io
import zipfile

import pytest

from transfer import mapping, readers
from transfer.readers import ImportFileError

from .conftest import HEADER_EN, HEADER_NL, csv_bytes, xlsx_bytes


def read(name: str, content: bytes) -> readers.Table:
    return readers.read_table(file_name=name, content=content)


def refused(name: str, content: bytes) -> str:
    with pytest.raises(ImportFileError) as caught:
        read(name, content)
    assert caught.value.field == "file"
    return caught.value.message


# CSV dialects


def test_utf8_with_bom_and_commas_as_excel_csv_utf8_writes_it():
    content = csv_bytes(
        [["Zoë", "de Wit", "Gemeente Utrecht", "zoe@utrecht.nl", "+31 30 123", "Wethouder", ""]],
        HEADER_EN,
    )
    assert content.startswith(b"\xef\xbb\xbf")

    table = read("contacts.csv", content)

    assert (table.encoding, table.delimiter) == ("utf-8", ",")
    assert table.headers == HEADER_EN  # no BOM stuck to "First name"
    assert table.rows == [
        (2, ["Zoë", "de Wit", "Gemeente Utrecht", "zoe@utrecht.nl", "+31 30 123", "Wethouder", ""])
    ]


def test_windows_1252_with_semicolons_as_dutch_excel_writes_it():
    content = csv_bytes(
        [
            ["Sjoerd van 't Hof", "Provincie Utrecht", "sjoerd@provincie.nl", "030-2589111"],
            ["Zoë Jansen", "Gemeente Zeist; Afdeling Wonen", "zoe@zeist.nl", ""],
            ["Joël Müller", "Café De Wereld", "", "06 12345678"],
        ],
        ["Naam", "Organisatie", "E-mailadres", "Telefoon"],
        delimiter=";",
        encoding="cp1252",
    )
    assert "Zoë".encode("cp1252") in content

    table = read("export.csv", content)

    assert (table.encoding, table.delimiter) == ("windows-1252", ";")
    assert [cells[0] for _number, cells in table.rows] == [
        "Sjoerd van 't Hof",
        "Zoë Jansen",
        "Joël Müller",
    ]
    assert table.rows[1][1][1] == "Gemeente Zeist; Afdeling Wonen"  # quoted, not split
    assert table.rows[2][1][1] == "Café De Wereld"


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_excels_sep_line_names_the_delimiter(delimiter):
    content = f"sep={delimiter}\r\nNaam{delimiter}E-mail\r\nAnna de Vries{delimiter}a@x.nl\r\n"

    table = read("contacts.csv", content.encode())

    assert table.delimiter == delimiter
    assert table.headers == ["Naam", "E-mail"]
    assert table.rows == [(2, ["Anna de Vries", "a@x.nl"])]


def test_tab_separated_text_file():
    content = b"First name\tLast name\tE-mail\nAnna\tde Vries\tanna@utrecht.nl\n"

    table = read("contacts.txt", content)

    assert table.delimiter == "\t"
    assert table.rows == [(2, ["Anna", "de Vries", "anna@utrecht.nl"])]


def test_blank_lines_are_skipped_and_short_rows_padded_with_row_numbers_kept():
    content = (
        b"\r\nName,E-mail,Phone\r\nAnna de Vries,anna@utrecht.nl\r\n,,\r\n"
        b"Bram Bakker,bram@x.nl,06\r\n"
    )

    table = read("contacts.csv", content)

    assert table.headers == ["Name", "E-mail", "Phone"]
    assert table.rows == [
        (3, ["Anna de Vries", "anna@utrecht.nl", ""]),
        (5, ["Bram Bakker", "bram@x.nl", "06"]),
    ]


def test_a_cell_quoted_against_formulas_by_the_export_is_read_back():
    content = csv_bytes(
        [["Anna", "'+31 6 1234", "'=SUM(A1)", "'t Hof"]], ["Name", "Phone", "Notes", "X"]
    )

    cells = read("contacts.csv", content).rows[0][1]

    assert cells == ["Anna", "+31 6 1234", "=SUM(A1)", "'t Hof"]


def test_utf16_with_bom_is_read():
    content = "Naam;E-mail\r\nZoë;zoe@x.nl\r\n".encode("utf-16")

    table = read("contacts.csv", content)

    assert table.rows == [(2, ["Zoë", "zoe@x.nl"])]


# Excel


def test_xlsx_made_with_openpyxl_numbers_dates_and_empty_cells():
    content = xlsx_bytes(
        [
            [
                "Sjoerd",
                "van 't Hof",
                "Provincie Utrecht",
                "sjoerd@provincie.nl",
                612345678,
                None,
                None,
            ],
            [None, None, None, None, None, None, None],
            ["Zoë", "de Wit", None, "zoe@utrecht.nl", 30.0, datetime.date(2026, 1, 2), 1.5],
        ],
        [*HEADER_EN[:5], "Since", "Score"],
    )

    table = read("contacts.xlsx", content)

    assert table.headers == [*HEADER_EN[:5], "Since", "Score"]
    assert table.rows == [
        (
            2,
            [
                "Sjoerd",
                "van 't Hof",
                "Provincie Utrecht",
                "sjoerd@provincie.nl",
                "612345678",
                "",
                "",
            ],
        ),
        (4, ["Zoë", "de Wit", "", "zoe@utrecht.nl", "30", "2026-01-02", "1.5"]),
    ]


# vCards


GOOGLE_V3 = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Zoë de Wit\r\nN:de Wit;Zoë;;;\r\n"
    "EMAIL;TYPE=INTERNET;TYPE=WORK:zoe@utrecht.nl\r\nTEL;TYPE=CELL:+31 6 1234 5678\r\n"
    "ORG:Gemeente Utrecht\r\nTITLE:Wethouder\r\nNOTE:Kent de burgemeester\\, via Anna\r\n"
    "CATEGORIES:myContacts,Bestuur\r\nEND:VCARD\r\n"
)
APPLE_V3 = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nPRODID:-//Apple Inc.//macOS 14.5//EN\r\n"
    "N:Hof;Sjoerd;van 't;;\r\nFN:Sjoerd van 't Hof\r\nORG:Provincie Utrecht;Mobiliteit\r\n"
    "item1.EMAIL;type=INTERNET;type=pref:sjoerd@provincie.nl\r\nitem1.X-ABLabel:_$!<Other>!$_\r\n"
    "EMAIL;type=INTERNET;type=HOME:sjoerd@thuis.nl\r\n"
    "TEL;type=CELL;type=VOICE;type=pref:06 12345678\r\nEND:VCARD\r\n"
)
V4 = (
    "BEGIN:VCARD\r\nVERSION:4.0\r\nUID:urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1\r\n"
    "FN:Joël Müller\r\nN:Müller;Joël;;;\r\nORG:Café De Wereld\r\n"
    "EMAIL;TYPE=work;PREF=1:joel@dewereld.nl\r\nEMAIL;TYPE=home:joel@thuis.nl\r\n"
    'TEL;VALUE=uri;TYPE="voice,work":tel:+31-30-1234567\r\nCATEGORIES:horeca,centrum\r\n'
    "END:VCARD\r\n"
)
OUTLOOK_V21 = (
    "BEGIN:VCARD\r\nVERSION:2.1\r\nN;LANGUAGE=nl;CHARSET=Windows-1252:Jansen;Anna;;Mevr.\r\n"
    "FN;CHARSET=Windows-1252:Anna Jansen\r\nORG:Waterschap De Stichtse Rijnlanden\r\n"
    "TITLE:Dijkgraaf\r\nTEL;WORK;VOICE:030 634 5700\r\nEMAIL;INTERNET:anna@thuis.nl\r\n"
    "EMAIL;PREF;INTERNET:a.jansen@hdsr.nl\r\n"
    "NOTE;ENCODING=QUOTED-PRINTABLE:Ontmoet op de receptie=0D=0ABel in maart\r\nEND:VCARD\r\n"
)


@pytest.mark.parametrize(
    ("card", "expected"),
    [
        (
            GOOGLE_V3,
            [
                "Zoë de Wit",
                "Zoë",
                "de Wit",
                "Gemeente Utrecht",
                "Wethouder",
                "zoe@utrecht.nl",
                "+31 6 1234 5678",
                "Kent de burgemeester, via Anna",
                "myContacts, Bestuur",
            ],
        ),
        (
            APPLE_V3,
            [
                "Sjoerd van 't Hof",
                "Sjoerd",
                "van 't Hof",
                "Provincie Utrecht",
                "",
                "sjoerd@provincie.nl",
                "06 12345678",
                "",
                "",
            ],
        ),
        (
            V4,
            [
                "Joël Müller",
                "Joël",
                "Müller",
                "Café De Wereld",
                "",
                "joel@dewereld.nl",
                "+31-30-1234567",
                "",
                "horeca, centrum",
            ],
        ),
        (
            OUTLOOK_V21,
            [
                "Anna Jansen",
                "Anna",
                "Jansen",
                "Waterschap De Stichtse Rijnlanden",
                "Dijkgraaf",
                "a.jansen@hdsr.nl",
                "030 634 5700",
                "Ontmoet op de receptie\r\nBel in maart",
                "",
            ],
        ),
    ],
    ids=["google-v3", "apple-v3", "v4", "outlook-v2.1"],
)
def test_vcards_as_address_books_write_them(card, expected):
    table = read("contacts.vcf", card.encode())

    assert table.headers == readers.VCARD_HEADERS
    assert table.rows == [(1, expected)]


def test_several_cards_in_one_file_in_windows_1252():
    content = (GOOGLE_V3 + V4).encode("cp1252")

    table = read("contacts.vcf", content)

    assert table.encoding == "windows-1252"
    assert [(number, cells[0]) for number, cells in table.rows] == [
        (1, "Zoë de Wit"),
        (2, "Joël Müller"),
    ]


# Files that cannot be read: a message that says what to do


def png() -> bytes:
    return b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def test_an_empty_file():
    assert refused("contacts.csv", b"") == "The file is empty."
    assert refused("contacts.csv", b"  \r\n\r\n") == "The file is empty."
    assert refused("contacts.xlsx", b"") == "The file is empty."
    assert refused("contacts.vcf", b"\n") == "The file is empty."
    assert refused("contacts.csv", b";;\r\n;;\r\n") == "The file is empty."


def test_a_header_without_rows():
    message = refused("contacts.csv", b"Naam;E-mailadres\r\n")

    assert message == "The file has a header row but no contacts below it."


def test_a_png_called_csv():
    message = refused("contacts.csv", png())

    assert message == "“contacts.csv” should contain CSV text, but it is a PNG image."


def test_an_xlsx_called_csv():
    message = refused("contacts.csv", xlsx_bytes([["Anna"]], ["Name"]))

    assert "should contain CSV text, but it is a ZIP archive (an .xlsx workbook is one)" in message


def test_csv_text_called_xlsx():
    message = refused("contacts.xlsx", csv_bytes([["Anna"]], ["Name"]))

    assert message == "“contacts.xlsx” should contain an Excel workbook, but it is binary data."


def test_a_zip_that_is_no_workbook_called_xlsx():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "hello")

    message = refused("contacts.xlsx", buffer.getvalue())

    assert (
        message
        == "“contacts.xlsx” is not an Excel workbook that can be read. Save it again as .xlsx."
    )


def test_a_png_called_vcf_and_csv_called_vcf():
    assert "should contain vCard text, but it is a PNG image" in refused("contacts.vcf", png())
    message = refused("contacts.vcf", b"Name,E-mail\nAnna,anna@x.nl\n")
    assert message == "“contacts.vcf” is not a vCard file: it has no BEGIN:VCARD."


def test_old_excel_and_other_extensions():
    assert "Save the sheet as .xlsx or as CSV" in refused("contacts.xls", b"\xd0\xcf\x11\xe0")
    assert refused("contacts.pdf", b"%PDF-1.4") == "Choose a .csv, .xlsx or .vcf file."


def test_a_file_mixing_utf8_and_windows_1252_names_the_first_broken_line():
    content = "Naam;E-mail\r\nZoë;zoe@x.nl\r\n".encode() + "Joël;joel@x.nl\r\n".encode("cp1252")

    message = refused("contacts.csv", content)

    assert message.startswith("Some characters in the file cannot be read (first on line 3)")
    assert "Save it again as “CSV UTF-8”" in message


def test_bytes_that_no_encoding_explains():
    message = refused("contacts.csv", b"Naam;E-mail\r\nAnna\x81;anna@x.nl\r\n")

    assert message.startswith("Some characters in the file cannot be read (first on line 2)")


def test_too_many_rows(monkeypatch):
    monkeypatch.setattr(readers, "MAX_ROWS", 3)

    message = refused("contacts.csv", csv_bytes([[f"P{n}"] for n in range(4)], ["Name"]))

    assert message == "The file has 4 rows; at most 3 can be imported at once. Split it."


def test_a_row_the_csv_module_cannot_read(monkeypatch):
    content = b"Name,Notes\r\nAnna," + b"x" * 200_000 + b"\r\n"

    assert "Row 2 cannot be read" in refused("contacts.csv", content)


# The mapping guessed from the headers


def test_dutch_headers_are_guessed():
    assert mapping.guess(HEADER_NL) == [
        "full_name",
        "organisation",
        "email",
        "phone",
        "job_title",
        "notes",
    ]


def test_english_outlook_and_google_headers_are_guessed():
    outlook = ["Title", "First Name", "Middle Name", "Last Name", "Company", "Job Title",
               "E-mail Address", "E-mail 2 Address", "Mobile Phone", "Business Phone",
               "Notes", "Categories", "Business City"]  # fmt: skip
    google = ["Given Name", "Family Name", "Organization 1 - Name", "Organization 1 - Title",
              "E-mail 1 - Value", "Phone 1 - Value", "Labels"]  # fmt: skip

    assert mapping.guess(outlook) == ["", "first_name", "", "last_name", "organisation",
                                      "job_title", "email", "", "phone", "phone", "notes",
                                      "tags", "city"]  # fmt: skip
    assert mapping.guess(google) == ["first_name", "last_name", "organisation", "job_title",
                                     "email", "phone", "tags"]  # fmt: skip


def test_unknown_headers_are_left_out():
    assert mapping.guess(["Naam", "Schoenmaat", "Lievelingskleur"]) == ["full_name", "", ""]


@pytest.mark.parametrize(
    ("full_name", "expected"),
    [
        ("Sjoerd van 't Hof", ("Sjoerd", "van 't Hof")),
        ("Hof, Sjoerd van 't", ("Sjoerd", "van 't Hof")),
        ("Zoë", ("Zoë", "")),
        ("  Anna   de  Vries ", ("Anna", "de Vries")),
        ("Vries, Anna de", ("Anna", "de Vries")),
    ],
)
def test_a_full_name_is_split_into_first_and_last_name(full_name, expected):
    assert mapping.split_name(full_name) == expected


def test_row_data_joins_notes_and_tags_and_takes_the_first_phone():
    values = [
        "Zoë de Wit",
        "06 1",
        "030 2",
        "bestuur; energie",
        "* myContacts ::: Alumni",
        "a",
        "b",
    ]
    fields = ["full_name", "phone", "phone", "tags", "tags", "notes", "notes"]

    assert mapping.row_data(values, fields) == {
        "first_name": "Zoë",
        "last_name": "de Wit",
        "phone": "06 1",
        "tags": "bestuur, energie, Alumni",
        "notes": "a\nb",
    }
