"""Reading uploaded tables: CSV (UTF-8 or GB18030) and XLSX, streamed under the upload policy
(portal.uploads), and the cell parsers every import shares (text, amounts, dates as Chinese spreadsheets
write them). A whole-file problem is a FileProblem naming the row and field."""

import codecs
import datetime
import io
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation

from django.core.files import File
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal import uploads

XLSX_MAGIC = b"PK\x03\x04"
ENCODINGS = {"auto": ("utf-8-sig", "gb18030"), "utf-8": ("utf-8-sig",), "gb18030": ("gb18030",)}
ENCODING_NAMES = {"utf-8-sig": "utf-8", "gb18030": "gb18030"}


FORMULA_MESSAGE = gettext_lazy("A formula is not accepted: paste the values instead (Paste Special → Values).")


class FileProblem(Exception):
    """The file as a whole cannot be read (wrong encoding, not a spreadsheet, no header)."""

    def __init__(self, message: str, field: str = "file", row: int = 1):
        super().__init__(message)
        self.error = {"row": row, "field": field, "message": message}


def binary_file(fileobj):
    """The underlying binary file of a Django File / UploadedFile / FieldFile (or the object itself)."""
    seen = 0
    while isinstance(fileobj, File) and getattr(fileobj, "file", None) is not None and seen < 5:
        fileobj = fileobj.file
        seen += 1
    return fileobj


def file_size(raw) -> int:
    raw.seek(0, io.SEEK_END)
    size = raw.tell()
    raw.seek(0)
    return size


def detect_encoding(raw, encoding: str = "auto") -> str:
    """The first candidate that decodes the whole file (decoded in chunks, nothing kept)."""
    head = raw.read(4096)
    raw.seek(0)
    if b"\x00" in head:
        raise FileProblem(
            _(
                "The file is not UTF-8 or GB18030 text (it looks like UTF-16 or a binary file). "
                "Save it as “CSV UTF-8” or as an Excel workbook (.xlsx)."
            )
        )
    candidates = ENCODINGS.get(encoding, ENCODINGS["auto"])
    for candidate in candidates:
        decoder = codecs.getincrementaldecoder(candidate)()
        raw.seek(0)
        try:
            while chunk := raw.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        finally:
            raw.seek(0)
        return candidate
    if encoding == "auto":
        message = _("The file is neither UTF-8 nor GB18030 text. Save it as “CSV UTF-8” or as an Excel workbook.")
    else:
        message = _("The file cannot be read as %(encoding)s. Choose the other encoding or let the portal detect it.")
        message %= {"encoding": ENCODING_NAMES.get(candidates[0], encoding).upper()}
    raise FileProblem(message)


def csv_rows(raw, encoding: str) -> Iterator[tuple[int, list, None]]:
    """Streamed under the upload policy's line and cell limits (portal.uploads): the first row beyond them,
    or one the CSV reader cannot read, stops the reading with a FileProblem at that row."""
    try:
        for number, values in uploads.csv_rows(raw, encoding):
            yield number, values, None
    except uploads.UploadRejected as problem:
        raise FileProblem(problem.message, row=problem.row or 1) from None


def xlsx_rows(raw) -> Iterator[tuple[int, list, set]]:
    """Rows of the first sheet as values, with the columns whose cell holds a formula; the workbook is
    opened only within the upload policy's memory budget (portal.uploads.check_xlsx)."""
    try:
        yield from uploads.xlsx_rows(raw)
    except uploads.UploadRejected as problem:
        raise FileProblem(problem.message, row=problem.row or 1) from None


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # an id typed into Excel comes back as 12345.0
    return str(value).strip()


def cell_amount(value) -> Decimal:
    if type(value) is str:
        try:
            amount = Decimal(value)
        except InvalidOperation:
            # Thousands separators and currency signs as Chinese spreadsheets show them.
            text = value.strip().replace(",", "").replace("，", "").replace("¥", "").replace("￥", "")
            amount = Decimal(text)
    elif isinstance(value, bool):
        raise ValueError
    elif isinstance(value, int | Decimal):
        amount = Decimal(value)
    elif isinstance(value, float):
        amount = Decimal(repr(value))
    else:
        amount = Decimal(str(value).strip())
    if not amount.is_finite():
        raise ValueError
    return amount


def cell_date(value) -> datetime.date:
    if type(value) is str:
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            text = value.strip()
            if "/" in text:  # 2026/1/5, as Chinese spreadsheets write dates
                text = "-".join(part.zfill(2) for part in text.split("/"))
            return datetime.date.fromisoformat(text)
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    raise TypeError
