"""Read an uploaded file into a header row and data rows: CSV, Excel (.xlsx) and vCard.

The standard csv module, openpyxl and vobject do the parsing; this module picks the
encoding and delimiter, checks that a file is what its name says, and turns every
problem into an ImportFileError with a message a person can act on.
"""

import codecs
import csv
import datetime
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath

import openpyxl
import vobject
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from crm.spreadsheets import FORMULA_TRIGGERS
from relations.services import ServiceError
from transfer.models import ImportFormat

# Beyond this a file is better split: the preview pages and the undo stay usable.
MAX_ROWS = 100_000

# Outlook, Google and Apple write these fields; the mapping guesses them by name.
VCARD_HEADERS = [
    "Full name",
    "First name",
    "Last name",
    "Organisation",
    "Job title",
    "E-mail",
    "Phone",
    "Notes",
    "Tags",
]

# What a file really is, by its first bytes: a clearer message than "cannot read".
_SIGNATURES = [
    (b"\x89PNG", gettext_lazy("a PNG image")),
    (b"\xff\xd8\xff", gettext_lazy("a JPEG image")),
    (b"GIF8", gettext_lazy("a GIF image")),
    (b"%PDF", gettext_lazy("a PDF document")),
    (b"PK\x03\x04", gettext_lazy("a ZIP archive (an .xlsx workbook is one)")),
    (b"\xd0\xcf\x11\xe0", gettext_lazy("an old Office file (.xls or .doc)")),
]
_EXPECTED = {
    ImportFormat.CSV: gettext_lazy("CSV text"),
    ImportFormat.XLSX: gettext_lazy("an Excel workbook"),
    ImportFormat.VCF: gettext_lazy("vCard text"),
}

# A valid multi-byte UTF-8 sequence: found in a file that is not valid UTF-8, it means
# the file mixes encodings (reading it as Windows-1252 would garble those characters).
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)

# Lower-case name parts that belong to the family name: "Sjoerd van 't Hof".
NAME_PREFIXES = {
    "van", "de", "der", "den", "het", "'t", "te", "ten", "ter", "op", "in", "aan",
    "bij", "uit", "onder", "voor", "over", "d'", "l'", "la", "le", "du", "des", "von", "zu",
}  # fmt: skip


class ImportFileError(ServiceError):
    """The file cannot be read as what its name says."""

    def __init__(self, message: str) -> None:
        super().__init__(message, field="file")


@dataclass
class Table:
    """The cells of a file: one header row, then (row number, cells) per data row."""

    format: str
    headers: list[str]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    encoding: str = ""
    delimiter: str = ""


def format_of(file_name: str) -> str:
    suffix = PurePath(file_name).suffix.lower()
    formats = {".csv": ImportFormat.CSV, ".txt": ImportFormat.CSV, ".xlsx": ImportFormat.XLSX}
    formats.update({".vcf": ImportFormat.VCF, ".vcard": ImportFormat.VCF})
    if suffix in formats:
        return formats[suffix]
    if suffix == ".xls":
        raise ImportFileError(
            _("Old Excel files (.xls) cannot be read. Save the sheet as .xlsx or as CSV.")
        )
    raise ImportFileError(_("Choose a .csv, .xlsx or .vcf file."))


def read_table(*, file_name: str, content: bytes) -> Table:
    """The file's header and rows; raises ImportFileError for anything it cannot read."""
    kind = format_of(file_name)
    if not content.strip():
        raise ImportFileError(_("The file is empty."))
    readers = {ImportFormat.CSV: _read_csv, ImportFormat.XLSX: _read_xlsx}
    table = readers.get(kind, _read_vcf)(content, file_name)
    if not table.rows:
        raise ImportFileError(
            _("The file has a header row but no contacts below it.")
            if kind != ImportFormat.VCF
            else _("The file holds no contact cards.")
        )
    if len(table.rows) > MAX_ROWS:
        raise ImportFileError(
            _("The file has %(count)s rows; at most %(max)s can be imported at once. Split it.")
            % {"count": f"{len(table.rows):,}", "max": f"{MAX_ROWS:,}"}
        )
    return table


def _what_it_is(content: bytes) -> str | None:
    for signature, description in _SIGNATURES:
        if content.startswith(signature):
            return description
    return None


def _not_what_it_says(file_name: str, kind: str, content: bytes) -> ImportFileError:
    actual = _what_it_is(content) or _("binary data")
    return ImportFileError(
        _("“%(name)s” should contain %(expected)s, but it is %(actual)s.")
        % {"name": file_name, "expected": _EXPECTED[kind], "actual": actual}
    )


def decode_text(content: bytes, file_name: str, kind: str) -> tuple[str, str]:
    """The text and its encoding: UTF-8 (with or without BOM), UTF-16 with a BOM, or
    Windows-1252 as the Dutch Excel writes "CSV (gescheiden door lijstscheidingsteken)"."""
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return content.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise _broken_encoding(content, None) from None
    if b"\x00" in content[:8192] or _what_it_is(content):
        raise _not_what_it_says(file_name, kind, content)
    try:
        return content.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as error:
        if _UTF8_SEQUENCE.search(content):
            raise _broken_encoding(content, error.start) from None
    try:
        return content.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError as error:
        raise _broken_encoding(content, error.start) from None


def _broken_encoding(content: bytes, position: int | None) -> ImportFileError:
    where = ""
    if position is not None:
        where = " " + _("(first on line %(line)d)") % {
            "line": content.count(b"\n", 0, position) + 1
        }
    return ImportFileError(
        _(
            "Some characters in the file cannot be read%(where)s: it mixes encodings or is "
            "damaged. Save it again as “CSV UTF-8” and upload that."
        )
        % {"where": where}
    )


def _sniff_delimiter(text: str) -> str:
    lines = text.splitlines()[:20]
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=",;\t").delimiter
    except csv.Error:
        header = lines[0] if lines else ""
        return max(",;\t", key=header.count)


def _read_csv(content: bytes, file_name: str) -> Table:
    text, encoding = decode_text(content, file_name, ImportFormat.CSV)
    text = text.lstrip("\ufeff")
    first_line, _newline, rest = text.partition("\n")
    hint = first_line.rstrip("\r").lower()
    if hint in ("sep=;", "sep=,", "sep=\t"):
        # Excel's own hint line names the delimiter.
        delimiter, text = hint[4:], rest
    else:
        delimiter = _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records = []
    try:
        for number, cells in enumerate(reader, start=1):
            records.append((number, [_unquoted(cell.strip()) for cell in cells]))
    except csv.Error as error:
        raise ImportFileError(
            _("Row %(row)d cannot be read (%(error)s).") % {"row": reader.line_num, "error": error}
        ) from None
    table = _table_from_records(records, ImportFormat.CSV)
    table.encoding, table.delimiter = encoding, delimiter
    return table


def _table_from_records(records: list[tuple[int, list[str]]], kind: str) -> Table:
    """The first non-blank record is the header; blank records are left out."""
    filled = [(number, cells) for number, cells in records if any(cells)]
    if not filled:
        raise ImportFileError(_("The file is empty."))
    (_header_number, headers), rows = filled[0], filled[1:]
    width = max(len(cells) for _number, cells in filled)
    headers = [
        header or _("Column %(letter)s") % {"letter": get_column_letter(index)}
        for index, header in enumerate(headers + [""] * (width - len(headers)), start=1)
    ]
    return Table(
        format=kind,
        headers=headers,
        rows=[(number, cells + [""] * (width - len(cells))) for number, cells in rows],
    )


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return _unquoted(str(value).strip())


def _unquoted(cell: str) -> str:
    """Exports (crm.spreadsheets.safe_cell) quote a cell a spreadsheet would take for a
    formula: '+31 6… is read back as +31 6…."""
    if cell.startswith("'") and cell[1:2] and cell[1] in FORMULA_TRIGGERS:
        return cell[1:]
    return cell


def _read_xlsx(content: bytes, file_name: str) -> Table:
    if not content.startswith(b"PK\x03\x04"):
        raise _not_what_it_says(file_name, ImportFormat.XLSX, content)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
        raise ImportFileError(
            _("“%(name)s” is not an Excel workbook that can be read. Save it again as .xlsx.")
            % {"name": file_name}
        ) from None
    try:
        sheet = workbook.worksheets[0]
        records = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            records.append((number, [_cell_text(value) for value in values]))
            if len(records) > MAX_ROWS + 1:
                break
    finally:
        workbook.close()
    if not records:
        raise ImportFileError(_("The file is empty."))
    return _table_from_records(records, ImportFormat.XLSX)


def _read_vcf(content: bytes, file_name: str) -> Table:
    text, encoding = decode_text(content, file_name, ImportFormat.VCF)
    if "BEGIN:VCARD" not in text.upper():
        raise ImportFileError(
            _("“%(name)s” is not a vCard file: it has no BEGIN:VCARD.") % {"name": file_name}
        )
    rows = []
    try:
        for number, card in enumerate(vobject.readComponents(text), start=1):
            if card.name.upper() == "VCARD":
                rows.append((number, vcard_cells(card)))
            if len(rows) > MAX_ROWS:
                break
    except (vobject.base.ParseError, ValueError) as error:
        raise ImportFileError(
            _("Card %(number)d cannot be read (%(error)s).")
            % {"number": len(rows) + 1, "error": error}
        ) from None
    return Table(format=ImportFormat.VCF, headers=list(VCARD_HEADERS), rows=rows, encoding=encoding)


def _preferred(lines: list) -> str:
    """The value marked preferred (TYPE=pref, PREF=1 or 2.1's bare PREF), else the first."""
    for line in lines:
        types = {t.lower() for value in line.params.get("TYPE", []) for t in value.split(",")}
        types |= {value.lower() for value in line.singletonparams}  # vCard 2.1: EMAIL;PREF
        if "pref" in types or line.params.get("PREF"):
            return str(line.value).strip()
    return str(lines[0].value).strip() if lines else ""


def _text(card, name: str) -> str:
    lines = card.contents.get(name, [])
    if not lines:
        return ""
    value = lines[0].value
    if isinstance(value, list):  # ORG: organisation; unit; …
        value = value[0] if value else ""
    return str(value).strip()


def vcard_cells(card) -> list[str]:
    """One card as cells under VCARD_HEADERS."""
    first_name = last_name = ""
    if "n" in card.contents:
        name = card.n.value
        first_name, last_name = _join(name.given), _join(name.family)
        additional = _join(name.additional)
        if additional and additional.split()[0].lower() in NAME_PREFIXES:
            last_name = f"{additional} {last_name}".strip()  # Dutch "van 't" kept as middle name
        elif additional:
            first_name = f"{first_name} {additional}".strip()
    phone = _preferred(card.contents.get("tel", []))
    if phone.lower().startswith("tel:"):  # vCard 4: TEL;VALUE=uri:tel:+31…
        phone = phone[4:]
    categories = [
        category.strip()
        for line in card.contents.get("categories", [])
        for category in (line.value if isinstance(line.value, list) else [line.value])
        if category.strip()
    ]
    return [
        _text(card, "fn"),
        first_name,
        last_name,
        _text(card, "org"),
        _text(card, "title"),
        _preferred(card.contents.get("email", [])),
        phone,
        _text(card, "note"),
        ", ".join(categories),
    ]


def _join(part) -> str:
    if isinstance(part, list | tuple):
        return " ".join(str(p).strip() for p in part if str(p).strip())
    return str(part or "").strip()
