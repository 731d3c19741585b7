"""Evidence services: adding evidence to a case (uploaded or generated), correcting it by a new version, audited
downloads; the preservation of evidence (先行登记保存) with the head's approval and its 7-working-day decision;
sealing (封存) and lifting it.

Every write locks the case row, asks ``ensure_writable`` (archived ⇒ 409), checks role (403), state (409) and
input (400, naming the field) in that order, and writes its audit row in the same transaction.
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcement.cases.clocks import evidence_preservation_due
from enforcement.cases.models import Case
from enforcement.cases.services import ensure_writable
from enforcement.evidence.models import Evidence, Preservation, Sealing
from enforcement.evidence.transitions import (
    ADD_EVIDENCE,
    COLLECTING,
    NOT_ASSIGNED,
    PRESERVATION,
    REQUEST_PRESERVATION,
    SEAL,
    SEALING,
    acts_on_case,
    collecting_refusal,
)
from portal import audit
from portal import evidence as evidence_files
from portal.errors import InvalidState
from supervision.org.models import User

EVIDENCE_AUDITED = [
    "kind", "title", "source", "proves", "collected_on", "collected_by", "original_name", "content_type", "size",
    "sha256", "file", "supersedes", "correction_reason",
]  # fmt: skip
PRESERVATION_AUDITED = [
    "state", "items", "place", "reason", "approved_by", "approval_comment", "preserved_on", "decision_due",
    "outcome", "decision_note", "decided_on", "decided_by",
]  # fmt: skip
SEALING_AUDITED = ["state", "items", "place", "reason", "sealed_on", "sealed_by", "lifted_on", "lift_reason",
                   "lifted_by", "preservation"]  # fmt: skip


def _locked(case: Case) -> Case:
    locked = Case.objects.select_for_update().get(pk=case.pk)
    ensure_writable(locked)
    return locked


def _require(user: User, perm: str, case: Case) -> None:
    """Role in scope (or a grant), then the assignment rule: 403 otherwise."""
    if not user.has_perm(perm, case):
        raise PermissionDenied(_("Your role may not do this on this case."))
    if not acts_on_case(case, user):
        raise PermissionDenied(str(NOT_ASSIGNED))


def _collecting(case: Case) -> None:
    if case.state not in COLLECTING:
        raise InvalidState(collecting_refusal(case))


def _text(value, field: str, message: str, errors: dict, max_length: int | None = None) -> str:
    text = (value or "").strip() if isinstance(value, str) else ""
    if not text:
        errors[field] = message
    elif max_length and len(text) > max_length:
        errors[field] = _("At most %(max)s characters.") % {"max": max_length}
    return text


def check_case_write(*, case: Case, by: User, perm: str) -> None:
    """The refusals a write on the case's evidence meets before its input is read, in the contract's order:
    archived or not collecting (409) after the role and the assignment (403). Pages and the API ask it first."""
    _require(by, perm, case)
    ensure_writable(case)
    _collecting(case)


def may_add_evidence(case: Case, user: User) -> bool:
    """Whether the page shows the “add evidence” form (the service decides in the same way)."""
    return case.state in COLLECTING and user.has_perm(ADD_EVIDENCE, case) and acts_on_case(case, user)


# --- Evidence ----------------------------------------------------------------------------------------------


def _evidence_fields(kind, title, source, proves, collected_on, today) -> tuple[dict, dict]:
    errors: dict = {}
    if kind not in Evidence.Kind.values:
        errors["kind"] = _("Choose one of the legal evidence types.")
    title = _text(title, "title", _("Give the evidence a title."), errors, 200)
    source = _text(source, "source", _("Say where the evidence comes from."), errors, 200)
    proves = (proves or "").strip() if isinstance(proves, str) else ""
    if not isinstance(collected_on, date):
        errors["collected_on"] = _("Give the date the evidence was collected.")
    elif collected_on > today:
        errors["collected_on"] = _("The evidence cannot be collected in the future.")
    fields = {"kind": kind, "title": title, "source": source, "proves": proves, "collected_on": collected_on}
    return fields, errors


@transaction.atomic
def evidence_add(
    *,
    case: Case,
    by: User,
    file,
    kind: str,
    title: str,
    source: str,
    collected_on: date,
    collected_by: User | None = None,
    proves: str = "",
    supersedes: Evidence | None = None,
    reason: str = "",
) -> Evidence:
    """Add a piece of evidence to the case with its file (type from the content, size capped, SHA-256), while the
    case is investigated and before its decision; ``supersedes`` makes it the corrected version of another."""
    current = _locked(case)
    _require(by, ADD_EVIDENCE, current)
    _collecting(current)
    fields, errors = _evidence_fields(kind, title, source, proves, collected_on, timezone.localdate())
    collector = collected_by or by
    if collected_by is not None and not (
        collected_by.pk == by.pk or any(a.user_id == collected_by.pk for a in current.assignments.all())
    ):
        errors["collected_by"] = _("The collector is one of the officers on the case.")
    if supersedes is not None:
        if supersedes.case_id != current.pk:
            errors["supersedes"] = _("Unknown evidence.")
        elif Evidence.objects.filter(supersedes=supersedes).exists():
            errors["supersedes"] = _("This evidence was already corrected: correct its latest version.")
        reason = (reason or "").strip()
        if not reason:
            errors["reason"] = _("Give the reason for the correction.")
    problem = evidence_files.problem(file)
    if problem is not None:
        errors.update({k: v[0] for k, v in problem.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    evidence = Evidence(
        case=current, collected_by=collector, added_by=by, supersedes=supersedes, correction_reason=reason, **fields
    )
    evidence_files.store(evidence, file)
    evidence.save()
    audit.record(actor=by, verb="correct_evidence" if supersedes else "add_evidence", obj=evidence,
                 after=audit.snapshot(evidence, EVIDENCE_AUDITED), reason=reason)  # fmt: skip
    return evidence


def attach_evidence(
    *,
    case: Case,
    by: User,
    kind: str,
    title: str,
    content: bytes,
    filename: str,
    source: str,
    collected_on: date | None = None,
    proves: str = "",
) -> Evidence:
    """Attach generated bytes (e.g. a printed inquiry record) to the case as evidence, through the same checks
    as an upload: assigned officer or chief, case investigated and not yet decided, accepted type."""
    return evidence_add(
        case=case,
        by=by,
        file=evidence_files.as_upload(content, filename),
        kind=kind,
        title=title,
        source=source,
        collected_on=collected_on or timezone.localdate(),
        proves=proves,
    )


@transaction.atomic
def evidence_record_download(*, evidence: Evidence, by: User) -> Evidence:
    """Every download of an evidence file leaves an audit row (who, which file, its SHA-256)."""
    after = {"title": evidence.title, "file": evidence.original_name, "sha256": evidence.sha256}
    audit.record(actor=by, verb="download", obj=evidence, after=after)
    return evidence


# --- Preservation (先行登记保存) --------------------------------------------------------------------------------


def may_request_preservation(case: Case, user: User) -> bool:
    return case.state in COLLECTING and user.has_perm(REQUEST_PRESERVATION, case) and acts_on_case(case, user)


def _items_record_input(case, by, perm, *, items, place, reason, messages) -> tuple[Case, dict, dict]:
    """A new preservation or sealing: the case locked and checked (409, 403), its items, place and reason read
    (with the errors naming the fields)."""
    current = _locked(case)
    _require(by, perm, current)
    _collecting(current)
    errors: dict = {}
    values = {"items": items, "place": place, "reason": reason}
    fields = {
        name: _text(values[name], name, message, errors, 200 if name == "place" else None)
        for name, message in zip(values, messages, strict=True)
    }
    return current, fields, errors


@transaction.atomic
def preservation_request(*, case: Case, by: User, items: str, place: str, reason: str) -> Preservation:
    """An officer on the case asks to register and preserve evidence (items, place, reason); the head decides."""
    current, fields, errors = _items_record_input(
        case, by, REQUEST_PRESERVATION, items=items, place=place, reason=reason,
        messages=(_("List the items to preserve."), _("Say where the items are kept."),
                  _("Say why the evidence may be lost or hard to obtain later.")),
    )  # fmt: skip
    if errors:
        raise ValidationError(errors)
    preservation = Preservation.objects.create(case=current, requested_by=by, **fields)
    audit.record(actor=by, verb="request_preservation", obj=preservation,
                 after=audit.snapshot(preservation, PRESERVATION_AUDITED), reason=reason)  # fmt: skip
    return preservation


def _step(
    table, record, step: str, by: User, *, verb: str, audited: list[str], reason: str = "", validate=None, **changes
):
    """Take ``step`` of ``table`` on ``record`` (a preservation or a sealing): lock its case (archived ⇒ 409) and
    the record, ask the table (403, 409, the guard), ``validate(current)`` the input (400), change, audit."""
    _locked(record.case)
    current = type(record).objects.select_for_update().select_related("case").get(pk=record.pk)
    table.check(current, step, by)
    errors = validate(current) if validate else {}
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(current, audited)
    for field, value in changes.items():
        setattr(current, field, value)
    current.save()
    audit.record(actor=by, verb=verb, obj=current, before=before, after=audit.snapshot(current, audited),
                 reason=reason)  # fmt: skip
    return current


def _between(field: str, start: date | None, on: date, message: str):
    def validate(current) -> dict:
        first = start(current) if callable(start) else start
        return {field: message} if on > timezone.localdate() or (first and on < first) else {}

    return validate


@transaction.atomic
def preservation_approve(
    *, preservation: Preservation, by: User, comment: str = "", preserved_on: date | None = None
) -> Preservation:
    """The head approves: the items are preserved from ``preserved_on`` and the 7-working-day clock runs."""
    on = preserved_on or timezone.localdate()
    comment = (comment or "").strip()
    return _step(PRESERVATION, preservation, "approve", by, verb="approve_preservation", audited=PRESERVATION_AUDITED,
                 reason=comment, validate=_between("preserved_on", None, on,
                                                   _("The preservation cannot start in the future.")),
                 state=Preservation.State.PRESERVED, approved_by=by, approval_comment=comment, preserved_on=on,
                 decision_due=evidence_preservation_due(on))  # fmt: skip


@transaction.atomic
def preservation_reject(*, preservation: Preservation, by: User, comment: str) -> Preservation:
    """The head does not approve the request (a reason is required)."""
    comment = (comment or "").strip()
    return _step(PRESERVATION, preservation, "reject", by, verb="reject_preservation", audited=PRESERVATION_AUDITED,
                 reason=comment, validate=lambda current: {} if comment else {"comment": _("Give the reason.")},
                 state=Preservation.State.REJECTED, approved_by=by, approval_comment=comment)  # fmt: skip


@transaction.atomic
def preservation_decide(
    *, preservation: Preservation, by: User, outcome: str, note: str = "", decided_on: date | None = None
) -> Preservation:
    """The decision on the preserved items (return, seal, appraise, confiscate, transfer); a decision to seal
    records the sealing of the same items at once."""
    on, note = decided_on or timezone.localdate(), (note or "").strip()
    in_time = _between("decided_on", lambda current: current.preserved_on, on,
                       _("The decision falls between the preservation and today."))  # fmt: skip

    def validate(current) -> dict:
        known = (
            {}
            if outcome in Preservation.Outcome.values
            else {"outcome": _("Choose what happens to the preserved items.")}
        )
        return {**known, **in_time(current)}

    current = _step(PRESERVATION, preservation, "decide", by, verb="decide_preservation",
                    audited=PRESERVATION_AUDITED, reason=note, validate=validate, state=Preservation.State.DECIDED,
                    outcome=outcome, decision_note=note, decided_on=on, decided_by=by)  # fmt: skip
    if outcome == Preservation.Outcome.SEAL:
        _seal(current.case, by, items=current.items, place=current.place,
              reason=note or current.reason, sealed_on=on, preservation=current)  # fmt: skip
    return current


# --- Sealing (封存) -----------------------------------------------------------------------------------------------


def may_seal(case: Case, user: User) -> bool:
    return case.state in COLLECTING and user.has_perm(SEAL, case) and acts_on_case(case, user)


def _seal(case, by, *, items, place, reason, sealed_on, preservation=None) -> Sealing:
    sealing = Sealing.objects.create(case=case, items=items, place=place, reason=reason, sealed_on=sealed_on,
                                     sealed_by=by, preservation=preservation)  # fmt: skip
    audit.record(actor=by, verb="seal", obj=sealing, after=audit.snapshot(sealing, SEALING_AUDITED), reason=reason)
    return sealing


@transaction.atomic
def sealing_record(
    *, case: Case, by: User, items: str, place: str, reason: str, sealed_on: date | None = None
) -> Sealing:
    """Record a sealing of items (date, items, place, reason, who) during the investigation."""
    current, fields, errors = _items_record_input(
        case, by, SEAL, items=items, place=place, reason=reason,
        messages=(_("List the items sealed."), _("Say where the items are sealed."),
                  _("Give the reason for the sealing.")),
    )  # fmt: skip
    on = sealed_on or timezone.localdate()
    if on > timezone.localdate():
        errors["sealed_on"] = _("The sealing cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    return _seal(current, by, sealed_on=on, **fields)


@transaction.atomic
def sealing_lift(*, sealing: Sealing, by: User, reason: str, lifted_on: date | None = None) -> Sealing:
    """Lift a sealing (解除封存) with its date and reason; allowed until the case is archived."""
    on, reason = lifted_on or timezone.localdate(), (reason or "").strip()
    in_time = _between("lifted_on", lambda current: current.sealed_on, on,
                       _("The lifting falls between the sealing and today."))  # fmt: skip

    def validate(current) -> dict:
        given = {} if reason else {"reason": _("Give the reason for lifting the sealing.")}
        return {**given, **in_time(current)}

    return _step(SEALING, sealing, "lift", by, verb="lift_sealing", audited=SEALING_AUDITED, reason=reason,
                 validate=validate, state=Sealing.State.LIFTED, lifted_on=on, lift_reason=reason,
                 lifted_by=by)  # fmt: skip
