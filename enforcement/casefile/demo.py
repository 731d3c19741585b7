"""Demo case files: a demo case that will be closed issues its documents as the procedure reaches them and gets a
piece of evidence, so that closing and archiving find its file complete (issue 15)."""

import hashlib
import io
from datetime import date

from django.core.files.base import ContentFile

from enforcement.casefile import selectors
from enforcement.cases.models import Case, CaseState
from enforcement.documents.models import Document, DocumentKind
from enforcement.evidence.models import Evidence

K = DocumentKind
S = CaseState


# The documents a walked demo case issues as the procedure reaches them, in file order; the closing form only
# when the case is about to close (it states how the decision was executed).
CATCH_UP = (
    K.FILING_FORM, K.INVESTIGATION_REPORT, K.LEGAL_REVIEW_OPINION, K.COLLECTIVE_DISCUSSION_RECORD,
    K.DECISION_APPROVAL_FORM, K.PRIOR_NOTICE, K.PENALTY_DECISION, K.NO_PENALTY_DECISION, K.SERVICE_RECEIPT,
)  # fmt: skip


def file_catch_up(case: Case, *, chief, officer, on: date, closing: bool = False, leave_out=()) -> None:
    """Issue the documents the case has reached and does not have yet (each only when the issuing table allows
    it now), and add one piece of evidence if it has none; nothing when this machine cannot print (no font).
    ``leave_out``: kinds a demo case is meant to lack (an incomplete file)."""
    from enforcement.documents.services import document_check, document_issue
    from portal import pdf
    from portal.errors import InvalidState

    if pdf.font_problem() is not None or not case.filed_on:
        return
    present = set(Document.objects.filter(case=case, superseded_at__isnull=True).values_list("kind", flat=True))
    for kind in CATCH_UP + ((K.CLOSING_FORM,) if closing else ()):
        if kind in present or kind in leave_out or kind not in selectors.producible_kinds():
            continue
        try:
            document_check(kind=kind, by=chief, case=case)
        except InvalidState:
            continue  # not due on this case's path now (no legal review, no discussion, the other outcome…)
        document_issue(kind=kind, by=chief, case=case)
    if not Evidence.objects.filter(case=case).exists():
        add_evidence(case, officer, on)


def add_evidence(case: Case, by, collected_on: date) -> Evidence:
    """Documentary evidence: the settlement list the investigation rests on (a one-page PDF)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_metadata({"/Title": f"{case.number} 医保结算清单"})
    out = io.BytesIO()
    writer.write(out)
    data = out.getvalue()
    evidence = Evidence(
        case=case, kind=Evidence.Kind.DOCUMENTARY, title="涉案期间医保结算清单", source="医保信息平台导出",
        collected_on=collected_on, collected_by=by, sha256=hashlib.sha256(data).hexdigest(),
    )  # fmt: skip
    evidence.file.save(f"{case.number}-settlements.pdf", ContentFile(data), save=False)
    evidence.save()
    return evidence
