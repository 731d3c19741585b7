"""Writing investigation records: create and edit a draft, issue it as its numbered document (定稿并打印), and
file an issued inquiry or on-site record as evidence (作为证据附卷). Each write locks the case, asks
``ensure_writable`` and the transition table, and leaves its audit row in the same transaction."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcement.cases.models import Case
from enforcement.cases.services import ensure_writable
from enforcement.documents.services import document_issue
from enforcement.evidence.models import Evidence
from enforcement.evidence.services import attach_evidence
from enforcement.records.models import SPEAKS_FOR_PARTY, InvestigationRecord, RecordAnswer
from enforcement.records.transitions import EVIDENCE_KINDS, PERM, TRANSITIONS, WRITING_STATES, case_allows
from portal import audit
from portal.errors import InvalidState

K = InvestigationRecord.Kind
FIELDS = [
    "person_name", "person_id_number", "person_employer", "person_post", "person_relation", "person_phone",
    "person_address", "recipient", "starts_at", "ends_at", "place", "officer1", "officer2", "recorder", "matter",
    "to_bring", "findings", "witness", "due_on", "contact",
]  # fmt: skip
AUDITED = ["kind", "state", "case", "document", "evidence", *FIELDS]
# Records made by two officers together (Regulation Art 29, APL Art 42): both named, both certified.
TWO_OFFICERS = frozenset({K.INQUIRY_RECORD, K.SITE_INSPECTION_RECORD, K.INQUIRY_NOTICE})


def _locked_case(case: Case) -> Case:
    return Case.objects.select_related("jurisdiction").select_for_update().get(pk=case.pk)


def _refuse_state(kind: str, case: Case) -> None:
    raise InvalidState(
        _("%(kind)s cannot be written while the case is “%(state)s”.")
        % {"kind": K(kind).label, "state": case.get_state_display()}
    )


def _check_officers(case: Case, kind: str, data: dict) -> None:
    """The officers named must be assigned to the case (and, where two act together, distinct and certified)."""
    assigned = {a.user_id for a in case.assignments.all()}
    named = {key: data.get(key) for key in ("officer1", "officer2", "recorder")}
    for key, user in named.items():
        if user is not None and user.pk not in assigned:
            raise ValidationError({key: _("Name an officer assigned to this case.")})
    if kind in TWO_OFFICERS:
        one, two = named["officer1"], named["officer2"]
        if one is None or two is None:
            raise ValidationError({"officer2": _("Two officers act together: name both.")})
        if one.pk == two.pk:
            raise ValidationError({"officer2": _("Name two different officers.")})
        day = timezone.localdate(data["starts_at"]) if data.get("starts_at") else timezone.localdate()
        for key, user in (("officer1", one), ("officer2", two)):
            if not user.has_valid_certificate(day):
                raise ValidationError({key: _("%(name)s holds no valid enforcement certificate.") % {"name": user}})


def _write_answers(record: InvestigationRecord, answers) -> None:
    """Replace the record's questions and answers by ``answers`` (dicts with question/answer), in that order."""
    record.answers.all().delete()
    RecordAnswer.objects.bulk_create(
        RecordAnswer(record=record, position=i, question=a["question"].strip(), answer=(a.get("answer") or "").strip())
        for i, a in enumerate((a for a in answers if (a.get("question") or "").strip()), start=1)
    )


def _snapshot(record: InvestigationRecord) -> dict:
    data = audit.snapshot(record, AUDITED)
    data["answers"] = [[a.question, a.answer] for a in record.answers.all()]
    return data


@transaction.atomic
def record_create(*, case: Case, by, kind: str, data: dict, answers=()) -> InvestigationRecord:
    """A new draft record of ``kind`` on the case, by one of its assigned officers (403 otherwise), while the
    case is in a state where that kind is written (409 otherwise)."""
    case = _locked_case(case)
    if kind not in K.values:
        raise ValidationError({"kind": _("Unknown record kind.")})
    if not by.has_perm(PERM, case) or not case.assignments.filter(user_id=by.pk).exists():
        raise PermissionDenied(_("Only the officers assigned to the case write its investigation records."))
    ensure_writable(case)
    if case.state not in WRITING_STATES[kind]:
        _refuse_state(kind, case)
    _check_officers(case, kind, data)
    record = InvestigationRecord.objects.create(
        case=case, kind=kind, created_by=by, **{k: v for k, v in data.items() if k in FIELDS}
    )
    _write_answers(record, answers)
    audit.record(actor=by, verb="create", obj=record, after=_snapshot(record))
    return record


def _check(record: InvestigationRecord, name: str, by) -> InvestigationRecord:
    """Lock the case, then: role and assignment (403), archived or a case state that refuses the step and the
    record's own state (409). Returns the record re-read under the lock."""
    case = _locked_case(record.case)
    record = InvestigationRecord.objects.select_for_update().get(pk=record.pk)
    record.case = case
    if not by.has_perm(PERM, record):
        raise PermissionDenied(_("Your role may not do this."))
    ensure_writable(case)
    if name == "attach" and record.kind not in EVIDENCE_KINDS:
        raise InvalidState(_("Only inquiry and on-site records are filed as evidence."))
    if not case_allows(record, name):
        _refuse_state(record.kind, case)
    TRANSITIONS.check(record, name, by)
    return record


@transaction.atomic
def record_update(*, record: InvestigationRecord, by, data: dict, answers=()) -> InvestigationRecord:
    """Change a draft (its fields and its whole list of questions and answers)."""
    record = _check(record, "edit", by)
    before = _snapshot(record)
    _check_officers(record.case, record.kind, data)
    for key, value in data.items():
        if key in FIELDS:
            setattr(record, key, value)
    record.save()
    _write_answers(record, answers)
    audit.record(actor=by, verb="update", obj=record, before=before, after=_snapshot(record))
    return record


@transaction.atomic
def record_issue(*, record: InvestigationRecord, by) -> InvestigationRecord:
    """定稿并打印: issue the draft as its numbered document (PDF and SHA-256 stored); no more editing."""
    record = _check(record, "issue", by)
    if record.kind == K.INQUIRY_RECORD and not record.answers.exists():
        raise ValidationError({"answers": _("An inquiry record needs at least one question and answer.")})
    before = _snapshot(record)
    record.document = document_issue(kind=record.kind, by=by, case=record.case, record=record)
    record.state = InvestigationRecord.State.ISSUED
    record.save(update_fields=["document", "state", "updated_at"])
    audit.record(actor=by, verb="issue", obj=record, before=before, after=_snapshot(record))
    return record


def evidence_kind(record: InvestigationRecord) -> str:
    """An inquiry of the party (or who speaks for it) is its statement, anyone else's a testimony; an on-site
    record is an inspection record (APL Art 46)."""
    if record.kind == K.SITE_INSPECTION_RECORD:
        return Evidence.Kind.INSPECTION_RECORD
    return Evidence.Kind.STATEMENT if record.person_relation in SPEAKS_FOR_PARTY else Evidence.Kind.WITNESS


def _attach_as_evidence(*, record: InvestigationRecord, by) -> Evidence:
    """The issued record's PDF, through the evidence feature's one mechanism (type, size, SHA-256, audit)."""
    document = record.document
    with document.file.open("rb") as handle:
        content = handle.read()
    day = timezone.localdate(record.starts_at) if record.starts_at else timezone.localdate(document.issued_at)
    return attach_evidence(
        case=record.case,
        by=by,
        kind=evidence_kind(record),
        title=f"{document.get_kind_display()}（{record.person_name or record.place}，{day:%Y-%m-%d}）",
        content=content,
        filename=document.filename,
        source=document.number,
        collected_on=day,
    )


@transaction.atomic
def record_attach(*, record: InvestigationRecord, by) -> InvestigationRecord:
    """作为证据附卷: the issued record's PDF becomes a piece of the case's evidence (same bytes, same SHA-256)."""
    record = _check(record, "attach", by)
    before = _snapshot(record)
    record.evidence = _attach_as_evidence(record=record, by=by)
    record.state = InvestigationRecord.State.ATTACHED
    record.save(update_fields=["evidence", "state", "updated_at"])
    audit.record(actor=by, verb="attach_evidence", obj=record, before=before, after=_snapshot(record))
    return record
