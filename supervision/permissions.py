"""Named domain permissions and the one backend that answers them from roles held in units.

``user.has_perm("supervision.change_institution", institution)`` is true when the user holds one of the
permission's roles in a unit whose scope covers the object's jurisdiction. Without an object it asks
whether the user holds such a role anywhere (may they see the page at all). Guardian's backend, listed
after this one, adds explicit per-object grants; it never widens what a role may do beyond the grant.
"""

from collections.abc import Iterable

from supervision.models import OrgUnit, Role

STAFF = frozenset(
    {Role.OFFICER, Role.CHIEF, Role.LEGAL_REVIEWER, Role.DIRECTOR, Role.ANALYST, Role.FUND_OFFICER, Role.VIEWER}
)

# permission → roles that hold it. Apps add their own with ``register``.
_RULES: dict[str, frozenset[str]] = {}
# Permissions that do not depend on where the object lies (e.g. reading the org chart).
_UNSCOPED: set[str] = set()


def register(rules: dict[str, Iterable[str]], *, unscoped: Iterable[str] = ()) -> None:
    for perm, roles in rules.items():
        _RULES[perm] = frozenset(str(r) for r in roles)
    _UNSCOPED.update(unscoped)


def roles_for(perm: str) -> frozenset[str]:
    return _RULES.get(perm, frozenset())


def is_domain_permission(perm: str) -> bool:
    return perm in _RULES


register(
    {
        "supervision.view_orgunit": STAFF | {Role.ADMIN},
        "supervision.view_institution": STAFF | {Role.SUPERVISOR},
        "supervision.add_institution": {Role.CHIEF, Role.FUND_OFFICER},
        "supervision.change_institution": {Role.CHIEF, Role.FUND_OFFICER},
        "supervision.export_institution": STAFF,
        "supervision.view_agreement": STAFF,
        "supervision.add_agreement": {Role.CHIEF, Role.FUND_OFFICER},
        "supervision.change_agreement": {Role.CHIEF, Role.FUND_OFFICER},
        "supervision.view_auditevent": STAFF,
        # Who may grant or revoke explicit access to a record in their scope.
        "supervision.grant_access": {Role.CHIEF, Role.DIRECTOR},
    },
    unscoped={"supervision.view_orgunit"},
)

# Leads, imports, inspections and random draws (domain §1: officers log leads and inspections; analysts import
# and dispatch leads; chiefs dispatch, decide verification outcomes, close inspections and run draws).
register(
    {
        "supervision.view_lead": STAFF,
        "supervision.add_lead": {Role.OFFICER, Role.CHIEF, Role.ANALYST},
        "supervision.export_lead": STAFF,
        "supervision.import_lead": {Role.ANALYST, Role.CHIEF},
        "supervision.view_importbatch": STAFF,
        "supervision.dispatch_lead": {Role.ANALYST, Role.CHIEF},
        "supervision.verify_lead": {Role.OFFICER, Role.CHIEF},
        "supervision.decide_lead": {Role.CHIEF},
        "supervision.view_inspection": STAFF,
        "supervision.add_inspection": {Role.OFFICER, Role.CHIEF},
        # Start, record findings, finish. A cross-inspection team holds it on its records through grants.
        "supervision.change_inspection": {Role.OFFICER, Role.CHIEF},
        "supervision.close_inspection": {Role.CHIEF},
        "supervision.view_randomdraw": STAFF,
        "supervision.add_randomdraw": {Role.CHIEF, Role.DIRECTOR},
        "supervision.publish_randomdraw": {Role.CHIEF, Role.DIRECTOR},
    }
)


def _object_unit(obj) -> OrgUnit | None:
    if isinstance(obj, OrgUnit):
        return obj
    return getattr(obj, "jurisdiction", None)


class RoleBackend:
    """Authorisation only (never authenticates): domain permissions from role + unit."""

    def authenticate(self, request, **credentials):
        return None

    def has_perm(self, user_obj, perm, obj=None):
        if not user_obj.is_active or not user_obj.is_authenticated:
            return False
        roles = _RULES.get(perm)
        if not roles:
            return False
        assignments = [a for a in user_obj.role_assignments if a.role in roles]
        if obj is None or perm in _UNSCOPED:
            return bool(assignments)
        unit = _object_unit(obj)
        for assignment in assignments:
            if assignment.unit_id is None:
                # Supervisors hold their role without a unit; what they may see is already narrowed by
                # visible_to() before any object reaches a permission check.
                return True
            if unit is None or unit.is_within(assignment.unit.scope_unit):
                return True
        return False

    def has_module_perms(self, user_obj, app_label):
        return False


_role_backend = RoleBackend()


def domain_has_perm(user, perm: str, obj=None) -> bool:
    """Roles first; then an explicit guardian grant naming this object for the user or their groups."""
    if not user.is_active:
        return False
    if _role_backend.has_perm(user, perm, obj):
        return True
    if obj is None or obj.pk is None:
        return False
    return has_grant(user, perm, obj)


def object_perm_checker(user, objects):
    """``domain_has_perm`` for a page of objects of one model: their grants for ``user`` are read up front
    (one query per grant table) so that asking many permissions of every row costs no further query.

    Returns ``check(perm, obj)``; ``obj`` must be one of ``objects``.
    """
    from supervision.querysets import grant_tables

    objects = list(objects)
    granted: dict[int, set[str]] = {}
    if objects and user.is_active:
        ids = [obj.pk for obj in objects]
        for grant_model, owner in grant_tables(type(objects[0]), user):
            rows = grant_model.objects.filter(content_object_id__in=ids, **owner)
            for pk, codename in rows.values_list("content_object_id", "permission__codename"):
                granted.setdefault(pk, set()).add(codename)

    def check(perm: str, obj) -> bool:
        if not user.is_active:
            return False
        if _role_backend.has_perm(user, perm, obj):
            return True
        return perm.split(".", 1)[-1] in granted.get(obj.pk, ())

    return check


def has_grant(user, perm: str, obj) -> bool:
    """Whether a direct-FK guardian grant gives ``perm`` on ``obj``.

    Asked directly rather than through guardian's checker, which answers yes to every superuser.
    """
    from supervision.querysets import grant_tables

    codename = perm.split(".", 1)[-1]
    return any(
        grant_model.objects.filter(content_object_id=obj.pk, permission__codename=codename, **owner).exists()
        for grant_model, owner in grant_tables(type(obj), user)
    )
