"""CSV and Excel (.xlsx) downloads that any app can offer, safe against formula injection.

A spreadsheet evaluates a cell that starts with `=`, `+`, `-` or `@` (and, in some
programs, a tab or carriage return) as a formula: a contact named
`=HYPERLINK("https://evil.example", "click")` would otherwise become a live link, or
worse, on the computer of whoever opens the export. `safe_cell` prefixes such text
with a single quote, in CSV and in .xlsx alike (OWASP "CSV injection"). Numbers are
written as numbers: they cannot carry a formula.

CSV files are UTF-8 with a byte order mark, so that Excel reads accents (Zoë, 't Hof)
correctly, and use a comma as separator (RFC 4180, what other programs and the
importer expect). Excel with a Dutch list separator (`;`) opens such a file by
double-click in a single column; Data → From Text/CSV reads it properly, and the
.xlsx download needs no such step.

The responses stream: a CSV is written in chunks while the rows are read, an .xlsx
is built in a temporary file (openpyxl's write-only mode), so 50,000 rows never sit
in memory at once.
"""

import csv
import datetime
import decimal
import io
import itertools
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Characters that make a spreadsheet read a cell as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"

# Excel holds at most this many characters in a cell (the CSV keeps everything).
XLSX_MAX_CELL = 32_767
# Column widths are measured on the first rows only: the rest has not been read yet.
WIDTH_SAMPLE_ROWS = 200
MIN_WIDTH, MAX_WIDTH = 8, 60
CSV_CHUNK_ROWS = 500

Row = Sequence[Any]


def safe_cell(value: Any) -> str:
    """The text of a cell, with a leading quote where a spreadsheet would see a formula."""
    if value is None:
        return ""
    if _is_number(value):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    text = str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | decimal.Decimal) and not isinstance(value, bool)


# CSV


class _Echo:
    """A file-like object that hands back what is written (for csv.writer in a stream)."""

    def write(self, value: str) -> str:
        return value


def csv_chunks(header: Row, rows: Iterable[Row]) -> Iterator[bytes]:
    """A CSV document in UTF-8 with byte order mark, a few hundred rows per chunk."""
    writer = csv.writer(_Echo())
    yield (BOM + writer.writerow([safe_cell(cell) for cell in header])).encode()
    for batch in itertools.batched(rows, CSV_CHUNK_ROWS):
        yield "".join(writer.writerow([safe_cell(cell) for cell in row]) for row in batch).encode()


def csv_text(header: Row, rows: Iterable[Row]) -> str:
    """The whole CSV document as text (no byte order mark: that belongs to the encoding)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(cell) for cell in header])
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return buffer.getvalue()


def csv_response(filename: str, header: Row, rows: Iterable[Row]) -> StreamingHttpResponse:
    """A CSV download, written while `rows` is read."""
    response = StreamingHttpResponse(csv_chunks(header, rows), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


# Excel


def xlsx_value(value: Any) -> Any:
    """A value openpyxl writes as it is: numbers and dates stay typed, text is made safe."""
    if value is None or _is_number(value) or isinstance(value, bool):
        return value
    if isinstance(value, datetime.datetime):
        # Excel knows no time zones: local wall-clock time.
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, datetime.date):
        return value
    # Control characters are not allowed in the file format; removing them first also
    # keeps them from hiding a formula trigger behind them.
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    # An empty cell rather than an empty string: smaller, and faster to write.
    return safe_cell(text)[:XLSX_MAX_CELL] or None


def _width(value: Any) -> int:
    if value is None:
        return 0
    return max((len(line) for line in str(value).splitlines()), default=0)


def xlsx_write(file: IO[bytes], header: Row, rows: Iterable[Row], *, title: str = "Export") -> None:
    """Write a one-sheet workbook: bold, frozen header with a filter, columns sized to fit."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    rows = iter(rows)
    sample = [
        [xlsx_value(cell) for cell in row] for row in itertools.islice(rows, WIDTH_SAMPLE_ROWS)
    ]
    for index, name in enumerate(header):
        longest = max(
            [_width(name) + 2, *(_width(row[index]) for row in sample if index < len(row))]
        )
        sheet.column_dimensions[get_column_letter(index + 1)].width = min(
            max(longest + 1, MIN_WIDTH), MAX_WIDTH
        )
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for name in header:
        cell = WriteOnlyCell(sheet, value=xlsx_value(name))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    count = 1
    for row in itertools.chain(sample, ([xlsx_value(cell) for cell in row] for row in rows)):
        sheet.append(row)
        count += 1
    if header:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{count}"
    workbook.save(file)


def xlsx_bytes(header: Row, rows: Iterable[Row], *, title: str = "Export") -> bytes:
    buffer = io.BytesIO()
    xlsx_write(buffer, header, rows, title=title)
    return buffer.getvalue()


def xlsx_response(
    filename: str, header: Row, rows: Iterable[Row], *, title: str = "Export"
) -> FileResponse:
    """An .xlsx download, built in a temporary file that is streamed and then removed."""
    file = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it when sent
    try:
        xlsx_write(file, header, rows, title=title)
    except BaseException:
        file.close()
        raise
    file.seek(0)
    return FileResponse(file, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)


def dated_filename(stem: str, extension: str, on: datetime.date | None = None) -> str:
    """`contacts-2026-11-27.csv`: the local date tells one download from the next."""
    return f"{stem}-{(on or timezone.localdate()).isoformat()}.{extension}"
