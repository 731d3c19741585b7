"""Named domain permissions and the one backend that answers them from roles held in units.

``user.has_perm("supervision.change_institution", institution)`` is true when the user holds one of the
permission's roles in a unit whose scope covers the object's jurisdiction. Without an object it asks
whether the user holds such a role anywhere (may they see the page at all). Guardian's backend, listed
after this one, adds explicit per-object grants; it never widens what a role may do beyond the grant.
"""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

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


def _object_unit(obj):
    """The unit an object lies in: a unit is its own; a scoped record's is its jurisdiction."""
    if obj._meta.label == "supervision.OrgUnit":
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


role_backend = RoleBackend()


def domain_has_perm(user, perm: str, obj=None) -> bool:
    """Roles first; then an explicit guardian grant naming this object for the user or their groups."""
    if not user.is_active:
        return False
    if role_backend.has_perm(user, perm, obj):
        return True
    if obj is None or obj.pk is None:
        return False
    return has_grant(user, perm, obj)


def object_perm_checker(user, objects):
    """``domain_has_perm`` for a page of objects of one model: their grants for ``user`` are read up front
    (one query per grant table) so that asking many permissions of every row costs no further query, and
    the roles are asked once per (permission, unit), not once per row.

    Returns ``check(perm, obj)``; ``obj`` must be one of ``objects``.
    """
    from portal.scoping import grant_tables

    objects = list(objects)
    granted: dict[int, set[str]] = {}
    if objects and user.is_active:
        ids = [obj.pk for obj in objects]
        for grant_model, owner in grant_tables(type(objects[0]), user, skip_known_empty=False):
            rows = grant_model.objects.filter(content_object_id__in=ids, **owner)
            for pk, codename in rows.values_list("content_object_id", "permission__codename"):
                granted.setdefault(pk, set()).add(codename)

    # What the roles allow depends only on (permission, the object's unit): asked once per pair for the page,
    # then answered from memory for every row (a list of 20 cases asks ~300 questions of ~10 units).
    by_unit: dict[tuple[str, int | None], bool] = {}

    def check(perm: str, obj) -> bool:
        if not user.is_active:
            return False
        unit = _object_unit(obj)
        key = (perm, unit.pk if unit is not None else None)
        allowed = by_unit.get(key)
        if allowed is None:
            allowed = by_unit[key] = role_backend.has_perm(user, perm, obj)
        if allowed:
            return True
        return perm.split(".", 1)[-1] in granted.get(obj.pk, ())

    return check


def has_grant(user, perm: str, obj) -> bool:
    """Whether a direct-FK guardian grant gives ``perm`` on ``obj``.

    Asked directly rather than through guardian's checker, which answers yes to every superuser.
    """
    from portal.scoping import grant_tables

    codename = perm.split(".", 1)[-1]
    return any(
        grant_model.objects.filter(content_object_id=obj.pk, permission__codename=codename, **owner).exists()
        for grant_model, owner in grant_tables(type(obj), user)
    )


def require(user, perm: str, obj=None) -> None:
    """Refuse with PermissionDenied (403) unless ``user`` has ``perm`` on ``obj``."""
    if not user.has_perm(perm, obj):
        raise PermissionDenied(_("You may not do this."))
