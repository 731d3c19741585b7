"""Scheduling a case's hearing and writing its record (APL Arts 63–65): one service, audited, under the case lock."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcement.cases import clocks
from enforcement.cases.models import Case, CaseState
from enforcement.cases.services import ensure_writable
from enforcement.hearings.models import HearingRecord
from portal import audit
from portal.errors import InvalidState
from supervision.org.models import Role, User

S = CaseState
SCHEDULE_FIELDS = ("scheduled_at", "place", "chair", "clerk", "is_public")
RECORD_FIELDS = ("participants", "investigators_case", "party_statement", "cross_examination", "final_statement",
                 "chair_opinion")  # fmt: skip
# The record is written at the hearing and may be completed until the decision (it is what the decision rests on).
RECORD_STATES = frozenset({S.HEARING, S.LEGAL_REVIEW, S.DECIDING})


def may_edit(case: Case, user: User) -> bool:
    """The assigned officers prepare and record the hearing; the chief of the case's unit may too."""
    if not user.has_perm("enforcement.record_hearing", case) and not user.has_perm("enforcement.approve_report", case):
        return False
    return user.has_role(Role.CHIEF) or any(a.user_id == user.pk for a in case.assignments.all())


def hearing_record_save(*, case: Case, by: User, data: dict) -> HearingRecord:
    """Save the hearing's schedule (while the hearing is ahead) and its record (from the hearing to the decision).

    Raises PermissionDenied (403), InvalidState (409: no hearing requested, hearing already held, decided) and
    ValidationError (400: an investigator as chair, a date less than 7 working days after the notice)."""
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        ensure_writable(locked)
        if not may_edit(locked, by):
            raise PermissionDenied(_("Only the assigned officers and the chief prepare and record the hearing."))
        if locked.hearing_requested_on is None:
            raise InvalidState(_("The party has not requested a hearing."))
        record = HearingRecord.objects.filter(case=locked).first() or HearingRecord(case=locked, updated_by=by)
        before = audit.snapshot(record, [*SCHEDULE_FIELDS, *RECORD_FIELDS]) if record.pk else None
        schedule = {k: data[k] for k in SCHEDULE_FIELDS if k in data}
        if schedule and any(getattr(record, k) != v for k, v in schedule.items()):
            if locked.state != S.HEARING or locked.hearing_held_on:
                raise InvalidState(_("The hearing is scheduled before it is held, while the case is at the hearing."))
            _check_schedule(locked, schedule)
        filled = {k: (data[k] or "").strip() for k in RECORD_FIELDS if k in data}
        if any(v for v in filled.values()) and locked.state not in RECORD_STATES:
            raise InvalidState(_("The hearing record is written from the hearing until the decision."))
        for key, value in {**schedule, **filled}.items():
            setattr(record, key, value)
        record.updated_by, record.updated_at = by, timezone.now()
        record.save()
        audit.record(actor=by, verb="record_hearing_details", obj=locked, before=before,
                     after=audit.snapshot(record, [*SCHEDULE_FIELDS, *RECORD_FIELDS]))  # fmt: skip
    return record


def _check_schedule(case: Case, schedule: dict) -> None:
    chair = schedule.get("chair")
    if chair is not None and chair.pk in {a.user_id for a in case.assignments.all()}:
        raise ValidationError({"chair": _("The hearing is chaired by someone who did not investigate the case.")})
    when = schedule.get("scheduled_at")
    if when is not None:
        notice_on = max(case.hearing_notice_on or timezone.localdate(), timezone.localdate())
        earliest = clocks.hearing_earliest(notice_on)
        if timezone.localtime(when).date() < earliest:
            raise ValidationError({"scheduled_at": _(
                "The hearing notice is given %(n)s working days before the hearing (APL Arts 64, 85): not before "
                "%(day)s."
            ) % {"n": clocks.clock("hearing_notice_working_days"), "day": earliest}})  # fmt: skip
