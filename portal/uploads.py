"""One upload policy for every upload (lead, settlement and catalogue imports, attachments, evidence).

- **Size before parsing**: ``settings.UPLOAD_MAX_BYTES`` caps the request body per kind of upload. A view
  declares its kind (``upload_kind = "attachment"`` on the class, or ``@action(..., upload_kind=...)``) and
  ``portal.gate.InputGateMiddleware`` refuses a larger ``Content-Length`` with 413 before anything is read.
  The WSGI stream never yields more than ``Content-Length`` bytes, so the declared length is the bound.
  Requests of views without a kind get the ``default`` cap.
- **Rows and cells while streaming**: ``csv_rows`` reads a CSV line by line with a cap on the line's bytes
  and on each cell's characters, and reports the first offending row (``UploadRejected``) instead of
  reading on; the caller caps the number of rows.
- **Spreadsheets within a memory budget**: ``check_xlsx`` reads the zip directory before openpyxl touches
  the file and refuses a workbook whose parts would inflate beyond ``UPLOAD_XLSX`` (total uncompressed
  bytes, the shared-strings part that openpyxl keeps in memory, the compression ratio). A lying directory
  cannot help: ``zipfile`` stops a member at its declared size.
- **Type from content**: ``check_type`` compares the file's first bytes with the type its name claims
  (PDF, PNG, JPEG, GIF, Office Open XML, MP3/MP4/WAV, plain text); HTML or SVG saved as ``.pdf``/``.png`` is refused.
- **Rejected files are not kept**: ``discard`` deletes a stored file (used when an import is rejected).

This module imports no app of the portal; its messages are for people (no codes).
"""

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator
from pathlib import PurePath

from django.conf import settings
from django.utils.translation import gettext as _

MB = 1024 * 1024


class UploadRejected(Exception):
    """The upload as a whole is refused; ``row`` is the first bad row when there is one."""

    def __init__(self, message: str, row: int | None = None, status: int = 400):
        super().__init__(message)
        self.message = message
        self.row = row
        self.status = status


# --- Size --------------------------------------------------------------------------------------------------


def max_bytes(kind: str | None) -> int:
    limits = settings.UPLOAD_MAX_BYTES
    return int(limits.get(kind or "default", limits["default"]))


def too_large_message(kind: str | None) -> str:
    return _("The upload is larger than %(mb)s MB, the limit for this kind of file. Split it or compress it.") % {
        "mb": _megabytes(max_bytes(kind))
    }


def _megabytes(size: int) -> str:
    value = size / MB
    return f"{value:.0f}" if value >= 10 or value.is_integer() else f"{value:.1f}"


def declared_length(request) -> int | None:
    """The request's Content-Length, or None when it is missing or malformed."""
    value = request.META.get("CONTENT_LENGTH") or ""
    try:
        length = int(value)
    except ValueError:
        return None
    return length if length >= 0 else None


def size_problem(request, kind: str | None) -> UploadRejected | None:
    """Why the request body may not be read for this kind of upload (413), or None."""
    length = declared_length(request)
    if length is None:
        return None
    if length > max_bytes(kind):
        return UploadRejected(too_large_message(kind), status=413)
    return None


def file_size(raw) -> int:
    position = raw.tell()
    raw.seek(0, io.SEEK_END)
    size = raw.tell()
    raw.seek(position)
    return size


# --- CSV, streamed with row and cell limits ----------------------------------------------------------------


def _limits() -> dict:
    return settings.UPLOAD_ROWS


def _bounded_lines(raw, max_line: int) -> Iterator[bytes]:
    """Physical lines of a binary file, none longer than ``max_line`` bytes (UploadRejected otherwise)."""
    number = 0
    while True:
        line = raw.readline(max_line + 1)
        if not line:
            return
        number += 1
        if len(line) > max_line and not line.endswith(b"\n"):
            raise UploadRejected(
                _("Line %(line)s is longer than %(kb)s KB: this is not a row of a table.")
                % {"line": number, "kb": max_line // 1024},
                row=number,
            )
        yield line


def csv_rows(raw, encoding: str, *, max_cell: int | None = None, max_line: int | None = None):
    """``(row number, values)`` of a CSV file, streamed. A cell longer than ``max_cell`` characters, a line
    longer than ``max_line`` bytes or a malformed row stops the reading at that row (UploadRejected)."""
    limits = _limits()
    max_cell = max_cell or limits["max_cell_chars"]
    max_line = max_line or limits["max_line_bytes"]
    text = codecs.iterdecode(_bounded_lines(raw, max_line), encoding)
    reader = csv.reader(text)
    number = 0
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            # e.g. "field larger than field limit": the row is refused, not the server.
            raise UploadRejected(
                _("Row %(row)s cannot be read as CSV (%(problem)s).") % {"row": number + 1, "problem": exc},
                row=number + 1,
            ) from None
        number += 1
        for value in values:
            if len(value) > max_cell:
                raise UploadRejected(
                    _("Row %(row)s has a cell longer than %(max)s characters.") % {"row": number, "max": max_cell},
                    row=number,
                )
        yield number, values


# --- XLSX within a memory budget ---------------------------------------------------------------------------

XLSX_MAGIC = b"PK\x03\x04"


def xlsx_size(raw) -> int:
    """The uncompressed size of a workbook's parts (its real amount of work), or the file size."""
    try:
        with zipfile.ZipFile(raw) as archive:
            return sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return file_size(raw)
    finally:
        raw.seek(0)


def check_xlsx(raw) -> None:
    """Refuse a workbook whose parts would inflate beyond the budget (UploadRejected); rewinds ``raw``."""
    budget = settings.UPLOAD_XLSX
    try:
        with zipfile.ZipFile(raw) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raw.seek(0)
        raise UploadRejected(_("The file is not a readable Excel workbook (.xlsx).")) from None
    raw.seek(0)
    if len(infos) > budget["max_parts"]:
        raise UploadRejected(_("The workbook has too many parts to be a plain table."))
    total = 0
    for info in infos:
        total += info.file_size
        name = info.filename.lower()
        if name.endswith("sharedstrings.xml") and info.file_size > budget["max_shared_strings_bytes"]:
            raise UploadRejected(
                _("The workbook's text expands to more than %(mb)s MB. Save it as CSV or split it.")
                % {"mb": _megabytes(budget["max_shared_strings_bytes"])}
            )
        if info.file_size > 1 * MB and info.compress_size and info.file_size / info.compress_size > budget["max_ratio"]:
            raise UploadRejected(_("The workbook is compressed suspiciously well (a zip bomb?). Save it as CSV."))
    if total > budget["max_uncompressed_bytes"]:
        raise UploadRejected(
            _("The workbook expands to more than %(mb)s MB. Save it as CSV or split it.")
            % {"mb": _megabytes(budget["max_uncompressed_bytes"])}
        )


def xlsx_rows(raw) -> Iterator[tuple[int, list, set]]:
    """Rows of the first sheet as values, with the columns whose cell holds a formula; the workbook is
    checked against the budget first (``check_xlsx``)."""
    check_xlsx(raw)
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(raw, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        raise UploadRejected(_("The file is not a readable Excel workbook (.xlsx).")) from exc
    max_cell = _limits()["max_cell_chars"]
    try:
        sheet = workbook.worksheets[0]
        for number, cells in enumerate(sheet.iter_rows(), start=1):
            values = [cell.value for cell in cells]
            for value in values:
                if type(value) is str and len(value) > max_cell:
                    raise UploadRejected(
                        _("Row %(row)s has a cell longer than %(max)s characters.") % {"row": number, "max": max_cell},
                        row=number,
                    )
            formulas = {i for i, cell in enumerate(cells) if getattr(cell, "data_type", None) == "f"}
            yield number, values, formulas
    finally:
        workbook.close()


# --- Type from content -------------------------------------------------------------------------------------

# What the first bytes of each accepted extension must be.
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "gif": (b"GIF87a", b"GIF89a"),
    "docx": (XLSX_MAGIC,),
    "xlsx": (XLSX_MAGIC,),
    "mp3": (b"ID3", b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"),
    "wav": (b"RIFF",),
}
# Office Open XML files are zip archives; the part that makes them a document or a workbook.
OOXML_PART = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}


def _is_mp4(head: bytes) -> bool:
    return len(head) >= 12 and head[4:8] == b"ftyp"


def detected_type_matches(ext: str, head: bytes, raw=None) -> bool:
    if ext == "txt":  # plain text: no binary bytes, and not markup a browser would run
        return b"\0" not in head and not head.lstrip().startswith(b"<")
    if ext == "mp4":
        return _is_mp4(head)
    if ext == "wav":
        return head.startswith(b"RIFF") and head[8:12] == b"WAVE"
    if not any(head.startswith(signature) for signature in SIGNATURES.get(ext, ())):
        return False
    part = OOXML_PART.get(ext)
    if part and raw is not None:
        try:
            with zipfile.ZipFile(raw) as archive:
                return part in archive.namelist()
        except (zipfile.BadZipFile, OSError, ValueError):
            return False
        finally:
            raw.seek(0)
    return True


def check_type(upload, allowed: list[str] | tuple[str, ...]) -> str | None:
    """Why ``upload`` (an UploadedFile or any file with a name) is refused, or None: its extension must be
    allowed and its first bytes must be that type's. Rewinds the file."""
    name = getattr(upload, "name", "") or ""
    ext = PurePath(name).suffix.lower().lstrip(".")
    allowed = {a.lower().lstrip(".") for a in allowed}
    if ext not in allowed:
        return _("%(name)s: files of this type are not accepted (allowed: %(types)s).") % {
            "name": PurePath(name).name,
            "types": ", ".join(sorted(allowed)),
        }
    upload.seek(0)
    head = upload.read(64)
    upload.seek(0)
    raw = getattr(upload, "file", upload)
    if not detected_type_matches(ext, head, raw if OOXML_PART.get(ext) else None):
        return _("%(name)s: the content is not a %(type)s file.") % {
            "name": PurePath(name).name,
            "type": ext.upper(),
        }
    return None


# --- Keeping nothing that was refused ----------------------------------------------------------------------


def discard(field_file) -> None:
    """Delete a stored file (a FieldFile) if there is one; never raises for a missing file."""
    if not field_file:
        return
    try:
        field_file.delete(save=False)
    except OSError:
        pass


def runs_inline(raw, is_xlsx: bool) -> bool:
    """Whether an import of this file is small enough to run during the request (a few seconds at most);
    larger ones go to the task worker. XLSX is judged by its uncompressed size."""
    work = xlsx_size(raw) if is_xlsx else file_size(raw)
    return work <= settings.UPLOAD_INLINE_MAX_BYTES
