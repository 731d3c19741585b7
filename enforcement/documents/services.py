"""Documents: issuing (check, number, render, store, record in one transaction), audited downloads, and print
batches that merge many issued documents into one PDF.

A number is taken from the gapless series of the issuing unit, kind and year inside the issuing transaction,
so a failed issue gives its number back; a correction (re-issue) keeps the number and adds a version that
supersedes the one in force. Issuing is always an explicit act: deciding a case does not issue its decision.
"""

import hashlib
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcement.agreement_actions.models import AgreementAction
from enforcement.cases.models import Case, CaseEvent, CaseState
from enforcement.cases.services import InvalidState, ensure_writable
from enforcement.documents.content import (
    CASE_KINDS,
    DECISION_KINDS,
    TEMPLATES,
    build_context,
    current_decision,
    format_number,
    series,
)
from enforcement.documents.models import Document, DocumentKind, PrintBatch
from portal import audit, pdf
from portal.numbering import next_number
from supervision.org.models import Role, User

logger = logging.getLogger(__name__)

K = DocumentKind
S = CaseState
AFTER_DECISION = frozenset({S.DECIDED, S.EXECUTING, S.CLOSED, S.ARCHIVED})
DOCUMENT_FIELDS_AUDITED = [
    "kind", "number", "version", "sha256", "size", "file", "case", "agreement_action", "issuing_unit",
    "jurisdiction", "supersedes",
]  # fmt: skip


# --- Who may issue what, when -----------------------------------------------------------------------------


def _holds(user: User, roles: set[str], obj) -> bool:
    """``user`` holds one of ``roles`` in a unit whose scope covers ``obj``'s jurisdiction."""
    return any(
        a.role in roles and a.unit_id and obj.jurisdiction.is_within(a.unit.scope_unit) for a in user.role_assignments
    )


def _may_issue(user: User, subject) -> bool:
    if isinstance(subject, AgreementAction):
        # Agreement measures are the fund centre's: its officers and the chief issue their notices.
        return _holds(user, {Role.CHIEF, Role.FUND_OFFICER}, subject)
    if _holds(user, {Role.CHIEF}, subject):
        return True
    assigned = any(a.user_id == user.pk for a in subject.assignments.all())
    return assigned and _holds(user, {Role.OFFICER}, subject)


def _check_state(kind: str, subject, current_kinds: set[str] | None = None) -> None:
    """``current_kinds``: the kinds with a version in force, when the caller has them (else they are read)."""
    if kind == K.AGREEMENT_NOTICE:
        if subject.case_id:
            ensure_writable(subject.case)  # a notice of an archived case's measure would change its file
        if subject.state not in (AgreementAction.State.APPROVED, AgreementAction.State.APPLIED):
            raise InvalidState(_("An agreement notice is issued once the measure is approved."))
        return
    case: Case = subject
    ensure_writable(case)  # an archived case's file is frozen (409)
    if kind == K.PRIOR_NOTICE and case.state not in (S.NOTIFYING, S.NOTIFIED):
        raise InvalidState(_("The prior notice is issued while the case awaits or is in its statement window."))
    if kind == K.FILING_FORM and case.filed_on is None:
        raise InvalidState(_("The filing approval form is issued once the filing is approved."))
    if kind in DECISION_KINDS | {K.SERVICE_RECEIPT} and case.state not in AFTER_DECISION:
        raise InvalidState(_("This document is issued once the case is decided."))
    if kind == K.PENALTY_DECISION and case.outcome != Case.Outcome.PENALTY:
        raise InvalidState(_("The case was not decided with a penalty: issue the decision not to impose one."))
    if kind == K.NO_PENALTY_DECISION and case.outcome != Case.Outcome.NO_PENALTY:
        raise InvalidState(_("The case was decided with a penalty: issue the penalty decision."))
    if (
        kind == K.CRIMINAL_TRANSFER
        and not case.police_transfers.filter(state__in=["approved", "handed_over", "accepted", "returned"]).exists()
    ):
        raise InvalidState(_("The transfer document is issued once the head approved the transfer to the police."))
    if kind == K.SERVICE_RECEIPT:
        decided = bool(current_kinds & DECISION_KINDS) if current_kinds is not None else current_decision(case)
        if not decided:
            raise InvalidState(_("Issue the decision before its service receipt."))


def document_check(*, kind: str, by: User, case: Case | None = None, action: AgreementAction | None = None) -> None:
    """Whether ``by`` may issue ``kind`` now, in the contract's order: unknown kind or a kind that does not
    belong to the record (ValidationError, 400), role (PermissionDenied, 403), state (InvalidState, 409)."""
    subject = case if case is not None else action
    if kind not in K.values:
        raise ValidationError({"kind": _("Unknown document kind: %s") % kind})
    if (kind == K.AGREEMENT_NOTICE) != isinstance(subject, AgreementAction) or (
        isinstance(subject, Case) and kind not in CASE_KINDS
    ):
        raise ValidationError({"kind": _("This document is not issued for this record.")})
    if not by.has_perm("enforcement.issue_document", subject) or not _may_issue(by, subject):
        raise PermissionDenied(_("Only the assigned officers and the chief issue this record's documents."))
    _check_state(kind, subject)


def issuable_kinds(
    *, by: User, case: Case | None = None, action: AgreementAction | None = None, current_kinds: set[str] | None = None
) -> list[str]:
    """The kinds ``by`` may issue (or re-issue) on the record now, for the pages' buttons. With the kinds in
    force given (``current_kinds``) it reads nothing more than the role checks need."""
    subject = case if case is not None else action
    perm = "enforcement.issue_document"
    if not by.has_perm(perm) or not by.has_perm(perm, subject) or not _may_issue(by, subject):
        return []
    kinds = [K.AGREEMENT_NOTICE] if action is not None else [k for k in K.values if k in CASE_KINDS]
    result = []
    for kind in kinds:
        try:
            _check_state(kind, subject, current_kinds)
        except InvalidState:
            continue
        result.append(kind)
    return result


# --- Issuing -------------------------------------------------------------------------------------------------


def document_issue(
    *, kind: str, by: User, case: Case | None = None, action: AgreementAction | None = None, reason: str = ""
) -> Document:
    """Issue ``kind`` for the case (or the agreement action): a new number, or, when a version is in force, a
    correction with the same number that supersedes it. Raises ValidationError (400), PermissionDenied (403),
    InvalidState (409). The PDF is written before the record; if anything fails the file is removed again."""
    if (case is None) == (action is None):
        raise ValueError("document_issue needs a case or an agreement action")
    stored: list[str] = []
    try:
        with transaction.atomic():
            document = _issue(kind=kind, by=by, case=case, action=action, reason=(reason or "").strip(), stored=stored)
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise
    return document


def _issue(*, kind, by, case, action, reason, stored) -> Document:
    # Lock the record: a concurrent procedure action (or a second issue) waits for this one.
    if case is not None:
        subject = Case.objects.select_for_update().get(pk=case.pk)
        parent = {"case": subject}
    else:
        subject = AgreementAction.objects.select_for_update().get(pk=action.pk)
        parent = {"agreement_action": subject}
    document_check(kind=kind, by=by, **({"case": subject} if case is not None else {"action": subject}))
    current = (
        Document.objects.select_for_update()
        .filter(kind=kind, superseded_at__isnull=True, **{f"{k}_id": v.pk for k, v in parent.items()})
        .order_by("-issued_at", "-pk")
        .first()
    )
    now = timezone.now()
    today = timezone.localdate(now)
    if current is not None:
        unit, year, sequence, version = current.issuing_unit, current.year, current.sequence, current.version + 1
        number = current.number
        if not reason:
            raise ValidationError({"reason": _("Give the reason for the correction.")})
    else:
        unit, year, version = subject.jurisdiction, today.year, 1
        sequence = next_number(series(unit, kind), year)
        number = format_number(unit, kind, year, sequence)

    context = build_context(kind, subject, unit=unit, number=number, issued_on=today, version=version)
    html = pdf.render_html(TEMPLATES[kind], context)
    data = pdf.html_to_pdf(html)

    if action is not None and subject.case_id:
        parent["case"] = subject.case  # an agreement notice of a case's measure shows on the case as well
    document = Document(
        kind=kind, issuing_unit=unit, jurisdiction=subject.jurisdiction, number=number, year=year,
        sequence=sequence, version=version, supersedes=current, sha256=hashlib.sha256(data).hexdigest(),
        size=len(data), html=html, issued_at=now, issued_by=by, reason=reason, **parent,
    )  # fmt: skip
    document.file.save(f"{kind}-{unit.code}-{year}-{sequence:05d}-v{version}.pdf", ContentFile(data), save=False)
    stored.append(document.file.name)
    if current is not None:
        current.superseded_at = now
        current.save(update_fields=["superseded_at"])
    document.save()

    payload = {"kind": kind, "number": number, "version": version, "sha256": document.sha256}
    event_case = parent.get("case")
    if event_case is not None:
        CaseEvent.objects.create(
            case=event_case,
            action="issue_document",
            from_state=event_case.state,
            to_state=event_case.state,
            actor=by,
            at=now,
            comment=reason,
            payload=payload,
        )
    after = audit.snapshot(document, DOCUMENT_FIELDS_AUDITED)
    audit.record(actor=by, verb="issue_document", obj=document, after=after, reason=reason)
    return document


def document_draft_html(*, kind: str, case: Case | None = None, action: AgreementAction | None = None) -> str:
    """The print preview of a document not yet issued: today's content, a blank number and a 样稿 mark."""
    subject = case if case is not None else action
    if kind not in K.values or (kind == K.AGREEMENT_NOTICE) != (action is not None):
        raise ValidationError({"kind": _("This document is not issued for this record.")})
    unit = subject.jurisdiction
    today = timezone.localdate()
    number = format_number(unit, kind, today.year, None)
    context = build_context(kind, subject, unit=unit, number=number, issued_on=today, draft=True)
    return pdf.render_html(TEMPLATES[kind], context)


@transaction.atomic
def document_record_download(*, document: Document, by: User) -> Document:
    """Every download of an issued document leaves an audit row (who, which number and version)."""
    audit.record(actor=by, verb="download", obj=document,
                 after={"number": document.number, "version": document.version, "sha256": document.sha256})  # fmt: skip
    return document


# --- Print batches ---------------------------------------------------------------------------------------


def print_batch_create(*, by: User, document_ids) -> PrintBatch:
    """A batch of issued documents ``by`` can see, merged now when small, else by the task worker."""
    if not by.has_perm("enforcement.print_document"):
        raise PermissionDenied(_("Only chiefs print documents in batches."))
    try:
        ids = sorted({int(i) for i in document_ids})
    except (TypeError, ValueError):
        raise ValidationError({"documents": _("Select issued documents.")}) from None
    limit = settings.DOCUMENTS["batch_max"]
    if len(ids) > limit:
        raise ValidationError({"documents": _("At most %(max)s documents per batch.") % {"max": limit}})
    # Out of scope reads as absent: only documents the chief can see are taken.
    visible = list(Document.objects.visible_to(by).filter(pk__in=ids).values_list("pk", flat=True))
    if not visible:
        raise ValidationError({"documents": _("Select at least one issued document.")})
    with transaction.atomic():
        batch = PrintBatch.objects.create(created_by=by, total=len(visible))
        batch.documents.set(visible)
        audit.record(actor=by, verb="create", obj=batch, after={"documents": visible})
    if len(visible) <= settings.DOCUMENTS["batch_inline_max"]:
        return print_batch_build(batch=batch)
    from enforcement.documents.tasks import build_print_batch

    result = build_print_batch.enqueue(batch.pk)
    PrintBatch.objects.filter(pk=batch.pk, task_id="").update(task_id=str(result.id))
    batch.refresh_from_db()
    return batch


def print_batch_build(*, batch: PrintBatch) -> PrintBatch:
    """Lay out the batch's documents from the HTML they were issued from and write one PDF; progress is saved
    as it goes (the batch page polls it). A failure is recorded on the batch, never half a file."""
    if batch.is_finished:
        return batch
    started = timezone.now()
    PrintBatch.objects.filter(pk=batch.pk).update(state=PrintBatch.State.RUNNING, started_at=started, done=0)
    ids = list(batch.documents.order_by("number", "version").values_list("pk", flat=True))
    step = max(1, len(ids) // 50)

    def sources():
        for start in range(0, len(ids), 100):
            chunk = ids[start : start + 100]
            html = dict(Document.objects.filter(pk__in=chunk).values_list("pk", "html"))
            for pk in chunk:
                yield html[pk]

    def progress(count):
        if count % step == 0 or count == len(ids):
            PrintBatch.objects.filter(pk=batch.pk).update(done=count)

    try:
        data, pages = pdf.merge_html(sources(), progress)
        name = f"batch-{batch.pk}-{started:%Y%m%d%H%M%S}.pdf"
        batch.refresh_from_db()
        batch.file.save(name, ContentFile(data), save=False)
        batch.size, batch.pages, batch.done = len(data), pages, len(ids)
        batch.state, batch.finished_at = PrintBatch.State.DONE, timezone.now()
        batch.save(update_fields=["file", "size", "pages", "done", "state", "finished_at"])
    except Exception as exc:
        logger.exception("print batch %s failed", batch.pk)
        PrintBatch.objects.filter(pk=batch.pk).update(
            state=PrintBatch.State.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        batch.refresh_from_db()
    return batch


@transaction.atomic
def print_batch_record_download(*, batch: PrintBatch, by: User) -> PrintBatch:
    """A batch download is audited like a document download, naming every document in it."""
    ids = list(batch.documents.values_list("pk", flat=True))
    audit.record(actor=by, verb="download", obj=batch, after={"documents": ids, "pages": batch.pages})
    return batch
