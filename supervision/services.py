"""Every write to supervision records goes through these functions; each records its audit row."""

from datetime import date

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from supervision import audit
from supervision.models import (
    PATH_STEP,
    Agreement,
    AgreementStatusChange,
    Institution,
    OrgUnit,
    RoleAssignment,
    User,
)


def _require(user, perm: str, obj=None) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied(_("You may not do this."))


# --- Organisation --------------------------------------------------------------------------------------


def _next_child_path(parent: OrgUnit | None) -> str:
    prefix = parent.path if parent else ""
    siblings = OrgUnit.objects.filter(parent=parent) if parent else OrgUnit.objects.filter(parent__isnull=True)
    last = siblings.aggregate(last=Max("path"))["last"]
    number = int(last[-PATH_STEP:]) + 1 if last else 1
    if number >= 10**PATH_STEP:
        raise ValidationError(_("Too many units under one parent."))
    return f"{prefix}{number:0{PATH_STEP}d}"


@transaction.atomic
def orgunit_save(*, unit: OrgUnit, by: User | None, reason: str = "") -> OrgUnit:
    """Create a unit or save changes to it, re-pathing its subtree when it moves to a new parent."""
    unit.full_clean(exclude=["path", "depth"])
    if unit.pk is None:
        unit.path = _next_child_path(unit.parent)
        unit.depth = len(unit.path) // PATH_STEP
        unit.save()
        audit.record(actor=by, verb="create", obj=unit, after=audit.snapshot(unit), reason=reason)
        return unit
    old = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    before = audit.snapshot(old)
    if old.parent_id != unit.parent_id:
        old_path = old.path
        new_path = _next_child_path(unit.parent)
        descendants = list(OrgUnit.objects.select_for_update().filter(path__startswith=old_path).exclude(pk=unit.pk))
        unit.path, unit.depth = new_path, len(new_path) // PATH_STEP
        unit.save()
        for child in descendants:
            child.path = new_path + child.path[len(old_path) :]
            child.depth = len(child.path) // PATH_STEP
        OrgUnit.objects.bulk_update(descendants, ["path", "depth"])
        verb = "move"
    else:
        unit.save()
        verb = "update"
    audit.record(actor=by, verb=verb, obj=unit, before=before, after=audit.snapshot(unit), reason=reason)
    return unit


@transaction.atomic
def role_assign(*, user: User, role: str, unit: OrgUnit | None, by: User | None, reason: str = "") -> RoleAssignment:
    """Give ``user`` a role in ``unit`` (re-activating a previous assignment)."""
    # Validate before the first write: get_or_create would insert an invalid row (a staff role without a
    # unit) and fail with an IntegrityError instead of a ValidationError.
    assignment = RoleAssignment.objects.filter(user=user, role=role, unit=unit).first()
    if assignment is None:
        assignment = RoleAssignment(user=user, role=role, unit=unit)
    elif assignment.is_active:
        return assignment
    assignment.is_active = True
    assignment.full_clean()
    assignment.save()
    user.forget_roles()
    if unit is not None:
        unit_group_sync(unit)
    audit.record(
        actor=by, verb="grant_role", obj=user, after={"role": role, "unit": unit.code if unit else None}, reason=reason
    )
    return assignment


@transaction.atomic
def role_revoke(*, assignment: RoleAssignment, by: User | None, reason: str = "") -> RoleAssignment:
    assignment.is_active = False
    assignment.save(update_fields=["is_active"])
    assignment.user.forget_roles()
    if assignment.unit_id:
        unit_group_sync(assignment.unit)
    audit.record(
        actor=by,
        verb="revoke_role",
        obj=assignment.user,
        before={"role": assignment.role, "unit": assignment.unit.code if assignment.unit else None},
        reason=reason,
    )
    return assignment


def unit_group_sync(unit: OrgUnit) -> Group:
    """The auth group standing for "the staff of this unit", its members set from active roles.

    Grants that must follow a unit rather than named people (a branch keeping sight of a case the city
    took over) are made to this group.
    """
    from supervision.models import SCOPE_ROLES

    group, _created = Group.objects.get_or_create(name=f"unit:{unit.code}")
    holders = User.objects.filter(roles__unit=unit, roles__is_active=True, roles__role__in=SCOPE_ROLES).distinct()
    group.user_set.set(holders)
    return group


# --- Institutions and agreements ----------------------------------------------------------------------


@transaction.atomic
def institution_create(*, by: User, data: dict) -> Institution:
    """Register a designated institution in a branch the user may act in."""
    institution = Institution(**data)
    institution.full_clean()
    _require(by, "supervision.add_institution", institution)
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
    _require(by, "supervision.change_institution", current)
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
    _require(by, "supervision.change_institution", current)
    _require(by, "supervision.change_institution", to)
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
    _require(by, "supervision.add_agreement", institution)
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
        _require(by, "supervision.change_agreement", current)
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


# --- Explicit per-object grants (guardian) ------------------------------------------------------------


def _codenames(obj, actions) -> list[str]:
    return [f"{action}_{obj._meta.model_name}" for action in actions]


@transaction.atomic
def access_grant(*, obj, to: User | Group, by: User | None, actions=("view",), reason: str, check: bool = True) -> None:
    """Let a named user or group see (and optionally change) one record outside their own scope.

    Used for cross inspections, experts, and cases supervised or taken over by the city.
    """
    if not reason.strip():
        raise ValidationError({"reason": _("A grant needs a reason.")})
    if check and by is not None:
        _require(by, "supervision.grant_access", obj)
    for codename in _codenames(obj, actions):
        Permission.objects.get(content_type__app_label=obj._meta.app_label, codename=codename)
        assign_perm(codename, to, obj)
    audit.record(
        actor=by,
        verb="grant_access",
        obj=obj,
        after={"to": f"{type(to).__name__.lower()}:{to.pk}", "actions": list(actions)},
        reason=reason,
    )


@transaction.atomic
def access_revoke(
    *, obj, frm: User | Group, by: User | None, actions=("view",), reason: str, check: bool = True
) -> None:
    """Withdraw a grant made by ``access_grant``."""
    if check and by is not None:
        _require(by, "supervision.grant_access", obj)
    for codename in _codenames(obj, actions):
        remove_perm(codename, frm, obj)
    audit.record(
        actor=by,
        verb="revoke_access",
        obj=obj,
        before={"to": f"{type(frm).__name__.lower()}:{frm.pk}", "actions": list(actions)},
        reason=reason,
    )
