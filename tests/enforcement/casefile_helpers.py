"""Helpers for the case-file tests: small real PDFs, documents of any kind written directly (kinds without a
template cannot be issued yet), evidence with a stored file, and filling a case's file until it is complete."""

import hashlib
import io
from datetime import date

from django.core.files.base import ContentFile
from django.utils import timezone
from pypdf import PdfWriter

from enforcement.casefile import selectors
from enforcement.documents.models import Document
from enforcement.evidence.models import Evidence
from tests.factories import DocumentFactory

A4 = (595, 842)


def small_pdf(pages: int = 1, label: str = "") -> bytes:
    """A PDF of ``pages`` blank A4 pages; ``label`` makes its bytes (and SHA-256) its own."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(*A4)
    writer.add_metadata({"/Title": label or "test"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def add_document(case, kind: str, *, pages: int = 1, by=None, **extra) -> Document:
    data = small_pdf(pages, f"{kind}-{case.pk}-{Document.objects.count()}")
    kwargs = {"issued_by": by} if by is not None else {}
    return DocumentFactory(
        case=case, kind=kind, file=ContentFile(data, name=f"{kind}.pdf"), sha256=hashlib.sha256(data).hexdigest(),
        size=len(data), issued_at=extra.pop("issued_at", timezone.now()), **kwargs, **extra,
    )  # fmt: skip


def add_evidence(case, by, *, data: bytes | None = None, name: str = "evidence.pdf", pages: int = 1, **extra):
    data = small_pdf(pages, f"evidence-{case.pk}-{Evidence.objects.count()}") if data is None else data
    evidence = Evidence(
        case=case, kind=extra.pop("kind", "documentary"), title=extra.pop("title", "医保结算清单"),
        source=extra.pop("source", "当事人提供"), collected_on=extra.pop("collected_on", date.today()),
        collected_by=by, sha256=hashlib.sha256(data).hexdigest(), **extra,
    )  # fmt: skip
    evidence.file.save(name, ContentFile(data), save=False)
    evidence.save()
    return evidence


def complete_file(case, by) -> None:
    """Add whatever the case's file lacks to be closed and archived (documents written directly, one evidence
    item)."""
    case = type(case).objects.get(pk=case.pk)  # as the database has it now
    for kind in selectors.missing_kinds(case, closing=True):
        if kind == selectors.EVIDENCE:
            add_evidence(case, by)
        else:
            add_document(case, kind, by=by)
