"""The case file's outputs and checks: the bound PDF, the ZIP with ``manifest.json``, audited downloads, and the
verification of an archived file against the manifest's SHA-256 recorded when it was archived.

The bound PDF is cover (卷宗封面), 卷内目录, the items page by page, and 备考表. Cover, catalogue, the pages of
evidence that is not a PDF (an image on its page, anything else a page naming the file and its SHA-256) and
备考表 are laid out by WeasyPrint in one pass (``templates/enforcement/pdf/case_file.html``); pypdf then puts
those pages and the items' own PDF pages together in file order. Page numbers (页号) count the items' pages
from 1, as a file's pages are numbered after its cover and catalogue.
"""

import base64
import io
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from enforcement.casefile.selectors import FileItem, digest, file_items, manifest_bytes, missing_items
from enforcement.cases.models import Case
from enforcement.documents.content import party
from portal import audit, pdf
from portal.numerals import cn_date

RETENTION = "长期"  # 保管期限 of a penalty case file (永久/长期/短期); the archive rules of the bureau may differ
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # every entry's timestamp: the same file gives the same ZIP bytes
IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
               ".webp": "image/webp"}  # fmt: skip


# --- The ZIP ------------------------------------------------------------------------------------------------------


def file_zip(case: Case, items: list[FileItem] | None = None) -> bytes:
    """Every item's stored bytes under its file name, plus ``manifest.json``; deterministic bytes."""
    items = file_items(case) if items is None else items
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for item in items:
            if item.has_file:
                _add(archive, item.name, item.read())
        _add(archive, "manifest.json", manifest_bytes(items))
    return out.getvalue()


def _add(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
    # Stored, not deflated: PDFs and images are compressed already (deflating them again only costs time).
    info.compress_type = zipfile.ZIP_DEFLATED if name.endswith((".json", ".txt")) else zipfile.ZIP_STORED
    info.external_attr = 0o644 << 16
    archive.writestr(info, data)


# --- The bound PDF ------------------------------------------------------------------------------------------------


@dataclass
class Row:
    """One line of 卷内目录."""

    item: FileItem
    first: int
    last: int

    @property
    def pages_text(self) -> str:
        return str(self.first) if self.first == self.last else f"{self.first}–{self.last}"


def catalogue_rows(items: list[FileItem]) -> list[Row]:
    """The lines of 卷内目录: each item with its page range (the items' pages numbered from 1)."""
    rows, page = [], 1
    for item in items:
        rows.append(Row(item, page, page + item.pages - 1))
        page += item.pages
    return rows


def file_context(case: Case, items: list[FileItem]) -> dict:
    """What cover, catalogue and 备考表 show."""
    rows = catalogue_rows(items)
    page = rows[-1].last + 1 if rows else 1
    archive_event = case.events.filter(action="archive").select_related("actor").order_by("-at", "-pk").first()
    lead = case.assignments.filter(is_lead=True).select_related("user").first() or case.assignments.first()
    documents = sum(1 for item in items if item.is_document)
    violations = "、".join(v.name for v in case.violation_types.all())
    archived_on = timezone.localdate(case.archived_at) if case.archived_at else None
    return {
        "case": case,
        "authority": case.jurisdiction.name,
        "party": party(case),
        "cause": violations or case.title,
        "outcome": audit.official_text(Case.Outcome(case.outcome).label) if case.outcome else "",
        "filed_text": cn_date(case.filed_on) if case.filed_on else "",
        "closed_text": cn_date(case.closed_on) if case.closed_on else "",
        "retention": RETENTION,
        "count": len(items),
        "pages": page - 1,
        "documents": documents,
        "evidence": len(items) - documents,
        "rows": rows,
        "extras": [_extra(item) for item in items if not item.bound_as_pdf],
        "missing": missing_items(case, items, closing=case.state == "executing"),
        "filed_by": lead.user.get_full_name() or lead.user.username if lead else "",
        "checked_by": (archive_event.actor.get_full_name() or archive_event.actor.username)
        if archive_event and archive_event.actor
        else "",
        "archived_text": cn_date(archived_on) if archived_on else "",
        "manifest_sha256": case.manifest_sha256,
    }


def _extra(item: FileItem) -> dict:
    """A page for an item that is not a PDF: the image itself, or a page naming the file and its SHA-256."""
    image = ""
    if item.has_file and item.suffix in IMAGE_TYPES:
        image = f"data:{IMAGE_TYPES[item.suffix]};base64,{base64.b64encode(item.read()).decode()}"
    return {"item": item, "image": image, "filename": item.source.file.name.rsplit("/", 1)[-1] if item.has_file else ""}


def file_pdf(case: Case, items: list[FileItem] | None = None) -> tuple[bytes, int]:
    """The bound file: cover, 卷内目录, every item's pages in order, 备考表. Returns (bytes, page count)."""
    from pypdf import PdfReader, PdfWriter

    items = file_items(case) if items is None else items
    with translation.override(settings.LANGUAGE_CODE):  # an official record: in the bureau's language
        context = file_context(case, items)
    laid_out = PdfReader(io.BytesIO(pdf.render_pdf("enforcement/pdf/case_file.html", context)))
    extras = len(context["extras"])
    front = len(laid_out.pages) - extras - 1  # cover and catalogue; each extra and 备考表 take one page
    writer = PdfWriter()
    for index in range(front):
        writer.add_page(laid_out.pages[index])
    extra_page = front
    for item in items:
        if item.bound_as_pdf:
            for page in item.reader.pages:
                writer.add_page(page)
        else:
            writer.add_page(laid_out.pages[extra_page])
            extra_page += 1
    writer.add_page(laid_out.pages[-1])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), len(writer.pages)


# --- Downloads ------------------------------------------------------------------------------------------------------


@transaction.atomic
def file_record_download(*, case: Case, by, what: str, obj=None, sha256: str = "") -> None:
    """Every download of the file (PDF, ZIP) or of one of its evidence items leaves an audit row."""
    after = {"what": what, "case": case.number}
    if sha256:
        after["sha256"] = sha256
    audit.record(actor=by, verb="download", obj=obj or case, after=after)


# --- Verification ----------------------------------------------------------------------------------------------------


@dataclass
class Verification:
    """The outcome of re-hashing a case file: ``ok`` when every item and the manifest match."""

    case: Case
    checked: int = 0
    manifest_sha256: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_file(case: Case) -> Verification:
    """Re-hash every item's stored bytes against its recorded SHA-256, and the manifest made of those hashes
    against the ``manifest_sha256`` recorded when the case was archived; each difference names its item."""
    result = Verification(case=case)
    items = file_items(case)
    for item in items:
        if not item.has_file:
            continue
        try:
            actual = digest(item.read())
        except OSError:
            result.problems.append(_("Item %(seq)s (%(name)s): the stored file is missing.") % vars_of(item))
            continue
        result.checked += 1
        if actual != item.sha256:
            result.problems.append(
                _("Item %(seq)s (%(name)s): its bytes do not match the recorded SHA-256 (recorded %(recorded)s, "
                  "now %(actual)s).") % {**vars_of(item), "recorded": item.sha256, "actual": actual}
            )  # fmt: skip
        item.sha256 = actual
    result.manifest_sha256 = digest(manifest_bytes(items))
    if not case.manifest_sha256:
        result.problems.append(_("The case is not archived: there is no recorded manifest to verify against."))
    elif result.manifest_sha256 != case.manifest_sha256:
        result.problems.append(
            _("The manifest's SHA-256 is %(actual)s; %(recorded)s was recorded when the case was archived.")
            % {"actual": result.manifest_sha256, "recorded": case.manifest_sha256}
        )
    return result


def vars_of(item: FileItem) -> dict:
    return {"seq": item.seq, "name": item.name}


@transaction.atomic
def file_record_verification(*, result: Verification, by) -> None:
    """A verification from the page is audited with its result."""
    after = {"ok": result.ok, "manifest_sha256": result.manifest_sha256, "problems": result.problems}
    audit.record(actor=by, verb="verify_case_file", obj=result.case, after=after)
