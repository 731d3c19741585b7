"""Documents: issuing (check, number, render, store, record in one transaction), audited downloads, and print
batches that merge many issued documents into one PDF.

A number is taken from the gapless series of the issuing unit, kind and year inside the issuing transaction,
so a failed issue gives its number back; a correction (re-issue) keeps the number and adds a version that
supersedes the one in force. Issuing is always an explicit act: deciding a case does not issue its decision.
"""

import hashlib
import logging
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enforcement.agreement_actions.models import AgreementAction
from enforcement.cases import clocks, gates
from enforcement.cases.models import Case, CaseEvent, CaseState, Discussion, ProposedPenalty
from enforcement.cases.services import InvalidState, ensure_writable
from enforcement.documents.content import (
    CASE_KINDS,
    DECISION_KINDS,
    KIND_WORDS,
    RECORD_KINDS,
    TEMPLATES,
    build_context,
    evidence_record,
    format_number,
    record_reference,
    series,
)
from enforcement.documents.models import Document, DocumentKind, PrintBatch
from enforcement.hearings.models import HearingRecord
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


# --- When each kind may be issued: one table, asked by the pages' buttons, the API and the service ------------

S_PATH = (
    S.FILING, S.INVESTIGATING, S.REVIEWING, S.LEGAL_REVIEW, S.NOTIFYING, S.NOTIFIED, S.HEARING, S.DECIDING,
    S.DECIDED, S.EXECUTING, S.CLOSED,
)  # fmt: skip


def onwards(state) -> frozenset:
    """``state`` and every later state of the main path up to closing (a returned case goes back on it)."""
    return frozenset(S_PATH[S_PATH.index(state) :])


@dataclass
class Asked:
    """What a rule looks at: the case, the kinds with a version in force (when the caller has them, else read),
    and the discussion a collective-discussion record is asked for."""

    case: Case
    current_kinds: set[str] | None = None
    discussion: Discussion | None = None

    def has_current(self, kinds) -> bool:
        if self.current_kinds is not None:
            return bool(self.current_kinds & set(kinds))
        return Document.objects.filter(case=self.case, kind__in=kinds, superseded_at__isnull=True).exists()


def _correction_ordered(asked: Asked) -> bool:
    """Regulation Arts 36–41 order correction for the conduct; or the report orders it."""
    case = asked.case
    if any(v.rule_id and v.rule.orders_correction for v in case.violation_types.all()):
        return True
    report = gates.current_report(case)
    return report is not None and any(p.kind == ProposedPenalty.Kind.ORDER_CORRECT for p in report.penalties.all())


def _hearing(asked: Asked):
    """The case's hearing record (the reverse one-to-one caches it, found or not: the page selects it)."""
    try:
        return asked.case.hearing_record
    except HearingRecord.DoesNotExist:
        return None


def _hearing_in_time(asked: Asked) -> bool:
    """APL Arts 64(2), 85: the notice reaches the party at least 7 working days before the hearing."""
    record = _hearing(asked)
    return timezone.localtime(record.scheduled_at).date() >= clocks.hearing_earliest(timezone.localdate())


def _payment_overdue(asked: Asked) -> bool:
    """APL Art 72: a part of the fine or of the funds to return is unpaid after its due date."""
    case, today = asked.case, timezone.localdate()
    if not case.payment_due:
        return False
    overdue_fine = sum((a for due, a in clocks.fine_schedule(case) if due < today), Decimal("0"))
    if overdue_fine > clocks.paid(case, "fine"):
        return True
    return case.payment_due < today and case.return_amount > clocks.paid(case, "return_funds")


def _discussion_of_case(asked: Asked) -> bool:
    if asked.discussion is not None:
        return asked.discussion.case_id == asked.case.pk
    return bool(asked.case.discussions.all())


@dataclass(frozen=True)
class IssueRule:
    """A kind may be issued in ``states`` (None: in any), when each condition holds; each refusal is a 409."""

    states: frozenset | None
    refusal: str
    conditions: tuple = ()  # (predicate(Asked) -> bool, refusal)

    def check(self, asked: Asked) -> None:
        if self.states is not None and asked.case.state not in self.states:
            raise InvalidState(str(self.refusal))
        for holds, refusal in self.conditions:
            if not holds(asked):
                raise InvalidState(str(refusal))


_l = gettext_lazy
TRANSFER_APPROVED = frozenset({"approved", "handed_over", "accepted", "returned"})
HAS_REPORT = (lambda a: gates.current_report(a.case) is not None, _l("The case has no investigation report."))
HEARING_SCHEDULED = (
    lambda a: (r := _hearing(a)) is not None and r.is_scheduled,
    _l("Record the hearing's date and time, place and chair first."),
)
HEARING_HELD = (lambda a: a.case.hearing_held_on is not None, _l("This document follows the hearing held."))
HEARING_RECORDED = (
    lambda a: (r := _hearing(a)) is not None and r.is_recorded,
    _l("Fill in the hearing record (the investigators' case, the party's statement, the chair's opinion) first."),
)
ISSUE_RULES: dict[str, IssueRule] = {
    K.FILING_FORM: IssueRule(None, _l("The filing approval form is issued once the filing is approved."),
                             ((lambda a: a.case.filed_on is not None,
                               _l("The filing approval form is issued once the filing is approved.")),)),
    K.PRIOR_NOTICE: IssueRule(frozenset({S.NOTIFYING, S.NOTIFIED}),
                              _l("The prior notice is issued while the case awaits or is in its statement window.")),
    K.PENALTY_DECISION: IssueRule(AFTER_DECISION, _l("This document is issued once the case is decided."), (
        (lambda a: a.case.outcome == Case.Outcome.PENALTY,
         _l("The case was not decided with a penalty: issue the decision not to impose one.")),)),
    K.NO_PENALTY_DECISION: IssueRule(AFTER_DECISION, _l("This document is issued once the case is decided."), (
        (lambda a: a.case.outcome == Case.Outcome.NO_PENALTY,
         _l("The case was decided with a penalty: issue the penalty decision.")),)),
    K.SERVICE_RECEIPT: IssueRule(AFTER_DECISION, _l("This document is issued once the case is decided."), (
        (lambda a: a.has_current(DECISION_KINDS), _l("Issue the decision before its service receipt.")),)),
    K.CRIMINAL_TRANSFER: IssueRule(None, "", (
        (lambda a: any(t.state in TRANSFER_APPROVED for t in a.case.police_transfers.all()),
         _l("The transfer document is issued once the head approved the transfer to the police.")),)),
    # The case file's documents (issue 15, item 3).
    K.NOT_FILING_FORM: IssueRule(frozenset({S.NOT_FILED}),
                                 _l("The form for not filing is issued once the head decided not to file.")),
    K.ORDER_TO_CORRECT: IssueRule(onwards(S.INVESTIGATING) - {S.CLOSED},
                                  _l("An order to correct is issued on a filed case that is still open."), (
        (_correction_ordered, _l("No violation of this case is one the Regulation orders corrected.")),)),
    K.INVESTIGATION_REPORT: IssueRule(onwards(S.REVIEWING),
                                      _l("The investigation report is issued once it was submitted."), (HAS_REPORT,)),
    K.HEARING_NOTICE: IssueRule(frozenset({S.HEARING}), _l("The hearing notice is issued once a hearing is requested."),
                                (HEARING_SCHEDULED, (_hearing_in_time, _l(
                                    "The hearing is less than 7 working days away (APL Arts 64, 85): set a later "
                                    "date.")))),
    K.HEARING_RECORD: IssueRule(None, "", (HEARING_HELD, HEARING_RECORDED)),
    K.HEARING_REPORT: IssueRule(None, "", (HEARING_HELD, HEARING_RECORDED)),
    K.LEGAL_REVIEW_OPINION: IssueRule(None, "", (
        (lambda a: any(e.action == "pass_legal_review" for e in a.case.events.all()),
         _l("The legal review opinion is issued once the legal review is passed.")),)),
    K.COLLECTIVE_DISCUSSION_RECORD: IssueRule(None, "", (
        (_discussion_of_case, _l("No collective discussion of this case is recorded.")),)),
    K.DECISION_APPROVAL_FORM: IssueRule(onwards(S.DECIDING),
                                        _l("The decision approval form is issued once the case awaits its decision."),
                                        (HAS_REPORT,)),
    K.PAYMENT_DEMAND: IssueRule(frozenset({S.EXECUTING}), _l("A demand for payment is issued while executing."), (
        (_payment_overdue, _l("Nothing is unpaid after its due date (APL Art 72).")),)),
    K.PAYMENT_PLAN_DECISION: IssueRule(AFTER_DECISION - {S.ARCHIVED},
                                       _l("A payment plan is decided after the decision."), (
        (lambda a: clocks.approved_plan(a.case) is not None, _l("No deferral or instalment plan is approved.")),)),
    K.CLOSING_FORM: IssueRule(frozenset({S.EXECUTING, S.CLOSED}),
                              _l("The closing form is issued while executing or once closed.")),
    # Preservation and sealing documents: issued once their record is in the state the document states.
    K.PRESERVATION_NOTICE: IssueRule(None, "", ((lambda a: evidence_record(K.PRESERVATION_NOTICE, a.case) is not None,
        _l("The preservation notice is issued once the head approved a preservation.")),)),
    K.PRESERVATION_DECISION: IssueRule(None, "", (
        (lambda a: evidence_record(K.PRESERVATION_DECISION, a.case) is not None,
         _l("Decide on the preserved items before issuing the decision.")),)),
    K.SEALING_DECISION: IssueRule(None, "", ((lambda a: evidence_record(K.SEALING_DECISION, a.case) is not None,
        _l("Record the sealing before issuing its decision.")),)),
    K.UNSEALING_DECISION: IssueRule(None, "", ((lambda a: evidence_record(K.UNSEALING_DECISION, a.case) is not None,
        _l("Lift the sealing before issuing the decision to lift it.")),)),
    # Investigation records are issued from their record (enforcement.records: its own transition table).
    **{kind: IssueRule(None, "") for kind in RECORD_KINDS},
}  # fmt: skip


assert set(ISSUE_RULES) == CASE_KINDS, "every case document kind has its issuing rule"


def _check_state(kind: str, subject, current_kinds: set[str] | None = None, discussion=None) -> None:
    """``current_kinds``: the kinds with a version in force, when the caller has them (else they are read)."""
    if kind == K.AGREEMENT_NOTICE:
        if subject.case_id:
            ensure_writable(subject.case)  # a notice of an archived case's measure would change its file
        if subject.state not in (AgreementAction.State.APPROVED, AgreementAction.State.APPLIED):
            raise InvalidState(_("An agreement notice is issued once the measure is approved."))
        return
    ensure_writable(subject)  # an archived case's file is frozen (409)
    ISSUE_RULES[kind].check(Asked(subject, current_kinds, discussion))


def document_check(
    *,
    kind: str,
    by: User,
    case: Case | None = None,
    action: AgreementAction | None = None,
    discussion=None,
    record=None,
) -> None:
    """Whether ``by`` may issue ``kind`` now, in the contract's order: unknown kind or a kind that does not
    belong to the record (ValidationError, 400), role (PermissionDenied, 403), state (InvalidState, 409).
    An investigation record's kind is issued from that record only (its own service checks its state)."""
    subject = case if case is not None else action
    if kind not in K.values:
        raise ValidationError({"kind": _("Unknown document kind: %s") % kind})
    if (kind in RECORD_KINDS) != (record is not None):
        raise ValidationError({"kind": _("This document is issued from its investigation record.")})
    if (kind == K.AGREEMENT_NOTICE) != isinstance(subject, AgreementAction) or (
        isinstance(subject, Case) and kind not in CASE_KINDS
    ):
        raise ValidationError({"kind": _("This document is not issued for this record.")})
    if not by.has_perm("enforcement.issue_document", subject) or not _may_issue(by, subject):
        raise PermissionDenied(_("Only the assigned officers and the chief issue this record's documents."))
    _check_state(kind, subject, discussion=discussion)


def issuable_kinds(
    *, by: User, case: Case | None = None, action: AgreementAction | None = None, current_kinds: set[str] | None = None
) -> list[str]:
    """The kinds ``by`` may issue (or re-issue) on the record now, for the pages' buttons. With the kinds in
    force given (``current_kinds``) it reads nothing more than the role checks need."""
    subject = case if case is not None else action
    perm = "enforcement.issue_document"
    if not by.has_perm(perm) or not by.has_perm(perm, subject) or not _may_issue(by, subject):
        return []
    kinds = [K.AGREEMENT_NOTICE] if action is not None else [k for k in K.values if k in CASE_KINDS - RECORD_KINDS]
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
    *,
    kind: str,
    by: User,
    case: Case | None = None,
    action: AgreementAction | None = None,
    reason: str = "",
    discussion=None,
    record=None,
) -> Document:
    """Issue ``kind`` for the case (or the agreement action): a new number, or, when a version is in force, a
    correction with the same number that supersedes it. Raises ValidationError (400), PermissionDenied (403),
    InvalidState (409). The PDF is written before the record; if anything fails the file is removed again.
    ``discussion`` (a Discussion or its id) names the discussion a collective-discussion record records (the
    latest one when not given). ``record``: an investigation record of the case, printed as its own document
    with its own number (a case has many inquiry records; none supersedes another)."""
    if (case is None) == (action is None):
        raise ValueError("document_issue needs a case or an agreement action")
    stored: list[str] = []
    try:
        with transaction.atomic():
            document = _issue(kind=kind, by=by, case=case, action=action, reason=(reason or "").strip(),
                              stored=stored, discussion=discussion, record=record)  # fmt: skip
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise
    return document


def discussion_for(kind: str, case: Case | None, discussion) -> Discussion | None:
    """The discussion a collective-discussion record is for: the one named (of this case, else 400), or the
    case's latest; None for every other kind."""
    if kind != K.COLLECTIVE_DISCUSSION_RECORD or case is None:
        return None
    discussions = case.discussions.order_by("-held_on", "-pk")
    if discussion in (None, ""):
        return discussions.first()
    pk = discussion.pk if isinstance(discussion, Discussion) else discussion
    try:
        return discussions.get(pk=int(pk))
    except (Discussion.DoesNotExist, TypeError, ValueError):
        raise ValidationError({"discussion": _("Choose a collective discussion of this case.")}) from None


def _issue(*, kind, by, case, action, reason, stored, discussion=None, record=None) -> Document:
    # Lock the record: a concurrent procedure action (or a second issue) waits for this one.
    if case is not None:
        subject = Case.objects.select_for_update().get(pk=case.pk)
        parent = {"case": subject}
    else:
        subject = AgreementAction.objects.select_for_update().get(pk=action.pk)
        parent = {"agreement_action": subject}
    if kind in K.values and kind != K.AGREEMENT_NOTICE:
        discussion = discussion_for(kind, subject if case is not None else None, discussion)
    document_check(kind=kind, by=by, discussion=discussion, record=record,
                   **({"case": subject} if case is not None else {"action": subject}))  # fmt: skip
    current = (
        None
        if record is not None
        else (
            Document.objects.select_for_update()
            .filter(
                kind=kind,
                superseded_at__isnull=True,
                discussion=discussion,
                **{f"{k}_id": v.pk for k, v in parent.items()},
            )
            .order_by("-issued_at", "-pk")
            .first()
        )
    )
    now = timezone.now()
    today = timezone.localdate(now)
    if current is not None:
        unit, year, sequence, version = current.issuing_unit, current.year, current.sequence, current.version + 1
        number = current.number
        if not reason:
            raise ValidationError({"reason": _("Give the reason for the correction.")})
    elif kind in KIND_WORDS:
        unit, year, version = subject.jurisdiction, today.year, 1
        sequence = next_number(series(unit, kind), year)
        number = format_number(unit, kind, year, sequence)
    else:
        # Internal forms and records carry no 字号: the file knows them by the case and a running count.
        unit, year, version = subject.jurisdiction, today.year, 1
        sequence = next_number(f"record:{subject.pk}:{kind}", 0)
        number = record_reference(subject, kind, sequence)

    context = build_context(kind, record if record is not None else subject, unit=unit, number=number,
                            issued_on=today, version=version, discussion=discussion)  # fmt: skip
    html = pdf.render_html(TEMPLATES[kind], context)
    data = pdf.html_to_pdf(html)

    if action is not None and subject.case_id:
        parent["case"] = subject.case  # an agreement notice of a case's measure shows on the case as well
    document = Document(
        kind=kind, issuing_unit=unit, jurisdiction=subject.jurisdiction, number=number, year=year,
        sequence=sequence, version=version, supersedes=current, sha256=hashlib.sha256(data).hexdigest(),
        size=len(data), html=html, issued_at=now, issued_by=by, reason=reason, discussion=discussion, **parent,
    )  # fmt: skip
    document.file.save(f"{kind}-{unit.code}-{year}-{sequence:05d}-v{version}.pdf", ContentFile(data), save=False)
    stored.append(document.file.name)
    if current is not None:
        current.superseded_at = now
        current.save(update_fields=["superseded_at"])
    document.save()

    payload = {"kind": kind, "number": number, "version": version, "sha256": document.sha256}
    if discussion is not None:
        payload["discussion"] = discussion.pk
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


def document_draft_html(
    *, kind: str, case: Case | None = None, action: AgreementAction | None = None, discussion=None, record=None
) -> str:
    """The print preview of a document not yet issued: today's content, a blank number and a 样稿 mark."""
    subject = case if case is not None else action
    if (
        kind not in TEMPLATES
        or (kind == K.AGREEMENT_NOTICE) != (action is not None)
        or (kind in RECORD_KINDS) != (record is not None)
    ):
        raise ValidationError({"kind": _("This document is not issued for this record.")})
    unit = subject.jurisdiction
    today = timezone.localdate()
    number = format_number(unit, kind, today.year, None) if kind in KIND_WORDS else ""
    discussion = discussion_for(kind, case, discussion)
    context = build_context(kind, record or subject, unit=unit, number=number, issued_on=today, draft=True,
                            discussion=discussion)  # fmt: skip
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
