"""Agreement actions (协议处理): propose → approve (chief; termination also the director) → apply.

Applying a suspension or termination changes the agreement's status on its dates; suspensions end by
themselves through ``agreement_action_end_due`` (daily: ``manage.py refresh_agreements``).
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcement.agreement_actions.models import AgreementAction
from enforcement.agreement_actions.transitions import IN_FORCE, TRANSITIONS
from enforcement.legal.models import TerminationGround
from portal import audit
from portal.outcomes import notify_outcome
from supervision.org.models import User
from supervision.register.models import Agreement
from supervision.register.services import agreement_set_status

A = AgreementAction
SNAPSHOT = ["state", "starts_on", "ends_on", "amount", "chief_approved_by", "director_approved_by"]


def _require(user, perm, obj):
    if not user.has_perm(perm, obj):
        raise PermissionDenied(_("Your role may not do this."))


def suspensions_in_term(agreement: Agreement) -> int:
    """Applied suspensions of this agreement (its term): two make termination eligible (Order No.2 Art 43)."""
    return agreement.actions.filter(kind=A.Kind.SUSPEND, state__in=IN_FORCE).count()


def termination_ground_errors(action: AgreementAction, *, count_suspensions: bool = True) -> list[str]:
    """A termination rests on a ground of the data list (Order No.2 Art 43) with the evidence that ground needs:
    the number of suspensions in the term, or a related case."""
    ground = action.termination_ground
    if ground is None or not ground.is_active:
        return [_("Choose the ground for the termination from the list (Order No.2 Art 43).")]
    errors = []
    if not (action.evidence or "").strip():
        errors.append(
            _("%(source)s “%(ground)s” needs its evidence: %(evidence)s.")
            % {"source": ground.source, "ground": ground.text, "evidence": ground.evidence_required}
        )
    if count_suspensions and ground.min_suspensions and suspensions_in_term(action.agreement) < ground.min_suspensions:
        errors.append(
            _("%(source)s: %(n)s suspensions in this agreement term are needed (%(found)s applied).")
            % {"source": ground.source, "n": ground.min_suspensions, "found": suspensions_in_term(action.agreement)}
        )
    if ground.needs_case and not action.case_id:
        errors.append(_("%(source)s: this ground rests on a case; name the related case.") % {"source": ground.source})
    return errors  # fmt: skip


def reapplication_ban(institution, on: date | None = None):
    """The re-application ban after a termination (Order No.2; the years are configured per ground): the latest
    (ban end, termination) in force on ``on``, or None."""
    on = on or timezone.localdate()
    found = None
    terminations = AgreementAction.objects.filter(
        institution=institution, kind=A.Kind.TERMINATE, state__in=[A.State.APPLIED, A.State.ENDED],
        termination_ground__isnull=False,
    ).select_related("termination_ground")  # fmt: skip
    for action in terminations:
        until = action.termination_ground.ban_until(action.starts_on)
        if until and until > on and (found is None or until > found[0]):
            found = (until, action)
    return found


def check_reapplication(*, institution, valid_from: date) -> None:
    """Hook of supervision.services.agreement_create: no new agreement while a re-application ban runs."""
    ban = reapplication_ban(institution, valid_from)
    if ban is not None:
        until, action = ban
        raise ValidationError({"valid_from": _(
            "The institution's agreement was terminated on %(day)s (%(source)s): a new designation is not accepted "
            "before %(until)s."
        ) % {"day": action.starts_on, "source": action.termination_ground.source, "until": until}})  # fmt: skip


def termination_grounds(agreement: Agreement) -> list[str]:
    grounds = []
    if suspensions_in_term(agreement) >= 2:
        grounds.append(_("Two suspensions in this agreement term."))
    return grounds


@transaction.atomic
def agreement_action_propose(
    *,
    by: User,
    institution,
    kind: str,
    grounds: str,
    agreement=None,
    amount=0,
    starts_on: date | None = None,
    ends_on: date | None = None,
    case=None,
    termination_ground=None,
    evidence: str = "",
) -> AgreementAction:
    """Propose a measure; the agreement defaults to the institution's current one."""
    agreement = agreement or institution.current_agreement
    if agreement is None:
        raise ValidationError({"agreement": _("The institution has no agreement.")})
    action = AgreementAction(
        kind=kind, institution=institution, agreement=agreement, jurisdiction_id=institution.jurisdiction_id,
        grounds=(grounds or "").strip(), amount=amount or 0, starts_on=starts_on, ends_on=ends_on, case=case,
        proposed_by=by, evidence=(evidence or "").strip(),
    )  # fmt: skip
    if isinstance(termination_ground, str):
        termination_ground = TerminationGround.objects.filter(code=termination_ground).first()
    action.termination_ground = termination_ground if kind == A.Kind.TERMINATE else None
    if not action.grounds:
        raise ValidationError({"grounds": _("State the grounds.")})
    action.full_clean()
    _require(by, "enforcement.add_agreementaction", action)
    if kind == A.Kind.TERMINATE:
        # The suspensions are counted again at the final approval; they may be applied in between.
        errors = termination_ground_errors(action, count_suspensions=False)
        if errors:
            raise ValidationError({"termination_ground": errors})
    if kind in (A.Kind.SUSPEND, A.Kind.TERMINATE) and agreement.status not in (
        Agreement.Status.ACTIVE, Agreement.Status.SUSPENDED
    ):  # fmt: skip
        raise ValidationError({"agreement": _("The agreement is %s.") % agreement.get_status_display()})
    action.save()
    audit.record(actor=by, verb="propose", obj=action, after=audit.snapshot(action, SNAPSHOT), reason=action.grounds)
    return action


def _locked(action) -> AgreementAction:
    return AgreementAction.objects.select_for_update().select_related("agreement").get(pk=action.pk)


@transaction.atomic
def agreement_action_approve(*, action: AgreementAction, by: User, comment: str = "") -> AgreementAction:
    """Chief approves; a termination then also needs the director. Nobody approves their own proposal."""
    current = _locked(action)
    # The stage rule (a termination: the chief, then the director; never one's own proposal) is the table's.
    TRANSITIONS.check(current, "approve", by)
    before = audit.snapshot(current, SNAPSHOT)
    if current.state == A.State.PROPOSED:
        current.chief_approved_by = by
        current.state = A.State.CHIEF_APPROVED if current.needs_director else A.State.APPROVED
    else:
        current.director_approved_by = by
        current.state = A.State.APPROVED
    if current.kind == A.Kind.TERMINATE and current.state == A.State.APPROVED:
        errors = termination_ground_errors(current)
        if errors:
            raise ValidationError({"kind": errors})
    current.decided_comment = comment
    current.save()
    audit.record(actor=by, verb="approve", obj=current, before=before, after=audit.snapshot(current, SNAPSHOT),
                 reason=comment)  # fmt: skip
    return current


@transaction.atomic
def agreement_action_reject(*, action: AgreementAction, by: User, comment: str) -> AgreementAction:
    current = _locked(action)
    TRANSITIONS.check(current, "reject", by)
    if not (comment or "").strip():
        raise ValidationError({"comment": _("Give the reason.")})
    before = audit.snapshot(current, SNAPSHOT)
    current.state, current.decided_comment = A.State.REJECTED, comment
    current.save()
    audit.record(actor=by, verb="reject", obj=current, before=before, after=audit.snapshot(current, SNAPSHOT),
                 reason=comment)  # fmt: skip
    return current


@transaction.atomic
def agreement_action_apply(*, action: AgreementAction, by: User, today: date | None = None) -> AgreementAction:
    """Apply an approved measure; suspension and termination change the agreement's status."""
    today = today or timezone.localdate()
    current = _locked(action)
    TRANSITIONS.check(current, "apply", by)
    before = audit.snapshot(current, SNAPSHOT)
    if current.starts_on is None or current.starts_on <= today:
        _start(current, by)
    current.state = A.State.APPLIED
    current.applied_at = timezone.now()
    current.save()
    audit.record(actor=by, verb="apply", obj=current, before=before, after=audit.snapshot(current, SNAPSHOT))
    if current.kind == A.Kind.SUSPEND and current.ends_on <= today:
        _end(current, today)
    notify_outcome("agreement_action_applied", current, by)  # credit events (enforcement.extensions)
    return current


@transaction.atomic
def agreement_action_revoke(*, action: AgreementAction, by: User, reason: str, today: date | None = None):
    """Revoke an applied measure (set aside on review or by a court): it is withdrawn, a suspension or
    termination it put into effect is lifted, and what followed from it (credit points) is reversed."""
    today = today or timezone.localdate()
    current = _locked(action)
    TRANSITIONS.check(current, "revoke", by)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason.")})
    before = audit.snapshot(current, SNAPSHOT)
    agreement = Agreement.objects.get(pk=current.agreement_id)
    # A suspension in force is lifted; a terminated agreement stays ended (a new agreement is signed instead).
    if current.kind == A.Kind.SUSPEND and _started(current) and agreement.status == Agreement.Status.SUSPENDED:
        target = Agreement.Status.ACTIVE if agreement.valid_to >= today else Agreement.Status.EXPIRED
        actor = by if by.has_perm("supervision.change_agreement", agreement) else None
        agreement_set_status(agreement=agreement, to_status=target, effective_on=today, by=actor, reason=reason,
                             cause=f"agreement-action:{current.pk}")  # fmt: skip
    current.state = A.State.WITHDRAWN
    current.save(update_fields=["state"])
    audit.record(actor=by, verb="revoke", obj=current, before=before, after=audit.snapshot(current, SNAPSHOT),
                 reason=reason)  # fmt: skip
    notify_outcome("agreement_action_revoked", current, by)
    return current


STATUS_OF = {A.Kind.SUSPEND: Agreement.Status.SUSPENDED, A.Kind.TERMINATE: Agreement.Status.TERMINATED}


def _start(action: AgreementAction, by: User | None) -> None:
    """Put a suspension or termination into effect on the agreement (on or after its start date)."""
    target = STATUS_OF.get(action.kind)
    if target is None:
        return
    agreement_set_status(agreement=action.agreement, to_status=target, effective_on=action.starts_on, by=by,
                         reason=action.grounds, cause=f"agreement-action:{action.pk}")  # fmt: skip


def _started(action: AgreementAction) -> bool:
    return action.agreement.history.filter(cause=f"agreement-action:{action.pk}").exists()


def _end(action: AgreementAction, today: date) -> None:
    agreement = Agreement.objects.get(pk=action.agreement_id)
    if agreement.status == Agreement.Status.SUSPENDED:
        # Resume if still in its period, otherwise the agreement ends with the suspension (Order No.2 Art 42).
        target = Agreement.Status.ACTIVE if agreement.valid_to >= today else Agreement.Status.EXPIRED
        agreement_set_status(agreement=agreement, to_status=target, effective_on=action.ends_on, by=None,
                             reason=audit.official_text("The suspension has ended."),
                             cause=f"agreement-action:{action.pk}")  # fmt: skip
    before = audit.snapshot(action, SNAPSHOT)
    action.state, action.ended_at = A.State.ENDED, timezone.now()
    action.save(update_fields=["state", "ended_at"])
    audit.record(actor=None, verb="end", obj=action, before=before, after=audit.snapshot(action, SNAPSHOT))


def agreement_action_end_due(*, today: date | None = None) -> int:
    """Daily (``manage.py refresh_agreements``): put applied measures into effect on their start date and end
    suspensions whose end date has come. Returns how many measures changed."""
    today = today or timezone.localdate()
    count = 0
    pending = AgreementAction.objects.filter(kind__in=list(STATUS_OF), state=A.State.APPLIED, starts_on__lte=today)
    for pk in list(pending.values_list("pk", flat=True)):
        with transaction.atomic():
            action = AgreementAction.objects.select_for_update().select_related("agreement").get(pk=pk)
            if action.state == A.State.APPLIED and not _started(action):
                _start(action, None)
                count += 1
    due = AgreementAction.objects.filter(kind=A.Kind.SUSPEND, state=A.State.APPLIED, ends_on__lte=today)
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            action = AgreementAction.objects.select_for_update().get(pk=pk)
            if action.state == A.State.APPLIED:
                _end(action, today)
                count += 1
    return count
