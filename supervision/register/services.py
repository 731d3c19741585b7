"""Every write to supervision records goes through these functions; each records its audit row."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import audit
from portal.permissions import require
from supervision.org.models import OrgUnit, User
from supervision.register.models import Agreement, AgreementStatusChange, Institution


@transaction.atomic
def institution_create(*, by: User, data: dict) -> Institution:
    """Register a designated institution in a branch the user may act in."""
    institution = Institution(**data)
    institution.full_clean()
    require(by, "supervision.add_institution", institution)
    institution.save()
    audit.record(actor=by, verb="create", obj=institution, after=audit.snapshot(institution))
    return institution


INSTITUTION_EDITABLE = [
    "name",
    "kind",
    "level",
    "credit_code",
    "legal_representative",
    "address",
    "phone",
    "is_public",
]


@transaction.atomic
def institution_update(*, institution: Institution, by: User, data: dict, reason: str = "") -> Institution:
    """Change an institution's register data; its jurisdiction moves only by ``institution_transfer``."""
    current = Institution.objects.select_for_update().get(pk=institution.pk)
    require(by, "supervision.change_institution", current)
    unknown = set(data) - set(INSTITUTION_EDITABLE)
    if unknown:
        raise ValidationError(_("These fields cannot be changed here: %s") % ", ".join(sorted(unknown)))
    before = audit.snapshot(current)
    for field, value in data.items():
        setattr(current, field, value)
    current.full_clean()
    current.save()
    audit.record(actor=by, verb="update", obj=current, before=before, after=audit.snapshot(current), reason=reason)
    return current


@transaction.atomic
def institution_transfer(*, institution: Institution, to: OrgUnit, by: User, reason: str) -> Institution:
    """Move an institution (and its agreements) to another branch's jurisdiction: a recorded transfer."""
    if not reason.strip():
        raise ValidationError({"reason": _("A transfer needs a reason.")})
    current = Institution.objects.select_for_update().get(pk=institution.pk)
    require(by, "supervision.change_institution", current)
    require(by, "supervision.change_institution", to)
    before = audit.snapshot(current, ["jurisdiction"])
    current.jurisdiction = to
    current.full_clean()
    current.save(update_fields=["jurisdiction", "updated_at"])
    current.agreements.update(jurisdiction=to)
    audit.record(
        actor=by,
        verb="transfer",
        obj=current,
        before=before,
        after=audit.snapshot(current, ["jurisdiction"]),
        reason=reason,
    )
    return current


# Checks another app adds before an agreement is signed: callables(institution=, valid_from=) raising
# ValidationError (enforcement registers the re-application ban after a termination).
AGREEMENT_CREATE_CHECKS: list = []


@transaction.atomic
def agreement_create(
    *, by: User, institution: Institution, number: str, valid_from: date, valid_to: date, reason: str = ""
) -> Agreement:
    """Sign a new service agreement; an institution has at most one agreement in force on any day."""
    agreement = Agreement(
        institution=institution,
        jurisdiction_id=institution.jurisdiction_id,
        number=number,
        valid_from=valid_from,
        valid_to=valid_to,
        status=Agreement.Status.ACTIVE,
    )
    agreement.full_clean()
    require(by, "supervision.add_agreement", institution)
    for check in AGREEMENT_CREATE_CHECKS:  # e.g. enforcement's re-application ban after a termination
        check(institution=institution, valid_from=valid_from)
    overlapping = Agreement.objects.select_for_update().filter(
        institution=institution,
        valid_from__lte=valid_to,
        valid_to__gte=valid_from,
        status__in=[Agreement.Status.ACTIVE, Agreement.Status.SUSPENDED],
    )
    if overlapping.exists():
        raise ValidationError({"valid_from": _("Another agreement of this institution is in force in that period.")})
    agreement.save()
    AgreementStatusChange.objects.create(
        agreement=agreement,
        effective_on=valid_from,
        from_status="",
        to_status=agreement.status,
        reason=reason or audit.official_text("Agreement signed"),
        by=by,
    )
    audit.record(actor=by, verb="create", obj=agreement, after=audit.snapshot(agreement), reason=reason)
    return agreement


ALLOWED_AGREEMENT_CHANGES = {
    Agreement.Status.ACTIVE: {Agreement.Status.SUSPENDED, Agreement.Status.TERMINATED, Agreement.Status.EXPIRED},
    Agreement.Status.SUSPENDED: {Agreement.Status.ACTIVE, Agreement.Status.TERMINATED, Agreement.Status.EXPIRED},
    Agreement.Status.TERMINATED: set(),
    Agreement.Status.EXPIRED: set(),
}


@transaction.atomic
def agreement_set_status(
    *, agreement: Agreement, to_status: str, effective_on: date, by: User | None, reason: str, cause: str = ""
) -> Agreement:
    """Change an agreement's status with a dated history row (used by agreement actions and expiry)."""
    if not reason.strip():
        raise ValidationError({"reason": _("A status change needs a reason.")})
    current = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if by is not None:
        require(by, "supervision.change_agreement", current)
    if to_status not in ALLOWED_AGREEMENT_CHANGES[current.status]:
        raise ValidationError(
            {
                "status": _("An agreement that is %(from)s cannot become %(to)s.")
                % {"from": current.get_status_display(), "to": Agreement.Status(to_status).label}
            }
        )
    before = audit.snapshot(current, ["status"])
    AgreementStatusChange.objects.create(
        agreement=current,
        effective_on=effective_on,
        from_status=current.status,
        to_status=to_status,
        reason=reason,
        cause=cause,
        by=by,
    )
    current.status = to_status
    current.save(update_fields=["status"])
    audit.record(
        actor=by,
        verb=f"status:{to_status}",
        obj=current,
        before=before,
        after=audit.snapshot(current, ["status"]),
        reason=reason,
    )
    return current


# Other apps add daily agreement jobs here (e.g. ending suspensions); refresh_agreements runs them first.
AGREEMENT_REFRESH_HOOKS: list = []


def agreements_refresh(*, today: date | None = None) -> dict[str, int]:
    """The daily agreement job: registered hooks (ending suspensions), then expiry."""
    today = today or timezone.localdate()
    counts = {hook.__name__: hook(today=today) for hook in AGREEMENT_REFRESH_HOOKS}
    counts["agreements_expire"] = agreements_expire(today=today)
    return counts


def agreements_expire(*, today: date | None = None) -> int:
    """Expire agreements whose period has ended (run daily: ``manage.py refresh_agreements``)."""
    today = today or timezone.localdate()
    count = 0
    due = Agreement.objects.filter(
        valid_to__lt=today, status__in=[Agreement.Status.ACTIVE, Agreement.Status.SUSPENDED]
    ).values_list("pk", flat=True)
    for pk in list(due):
        agreement_set_status(
            agreement=Agreement(pk=pk),
            to_status=Agreement.Status.EXPIRED,
            effective_on=today,
            by=None,
            reason=audit.official_text("The agreement period has ended."),
            cause="refresh_agreements",
        )
        count += 1
    return count
