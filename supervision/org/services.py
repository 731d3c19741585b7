"""Every write to supervision records goes through these functions; each records its audit row."""

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from portal import audit
from portal.permissions import require
from supervision.org.models import PATH_STEP, OrgUnit, RoleAssignment, User


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
    from supervision.org.models import SCOPE_ROLES

    group, _created = Group.objects.get_or_create(name=f"unit:{unit.code}")
    holders = User.objects.filter(roles__unit=unit, roles__is_active=True, roles__role__in=SCOPE_ROLES).distinct()
    group.user_set.set(holders)
    return group


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
        require(by, "supervision.grant_access", obj)
    for codename in _codenames(obj, actions):
        Permission.objects.get(content_type__app_label=obj._meta.app_label, codename=codename)
        assign_perm(codename, to, obj)
    if isinstance(to, User):
        to.forget_roles()  # what grants the user holds is read with their roles
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
        require(by, "supervision.grant_access", obj)
    for codename in _codenames(obj, actions):
        remove_perm(codename, frm, obj)
    audit.record(
        actor=by,
        verb="revoke_access",
        obj=obj,
        before={"to": f"{type(frm).__name__.lower()}:{frm.pk}", "actions": list(actions)},
        reason=reason,
    )
