"""The two scoping questions, asked on the queryset of every scoped model: ``visible_to(user)`` (may see)
and ``acting(user, perm)`` (lies where the user holds a role that may do ``perm``)."""

from functools import cache

from django.apps import apps
from django.db import models
from django.db.models import Aggregate, BooleanField, CharField, Exists, ExpressionWrapper, OuterRef, Q, Subquery, Value
from django.db.models.signals import m2m_changed, post_save


def subtree_units(units) -> models.QuerySet:
    """Ids of every unit in the subtrees of ``units`` (a subquery, not evaluated)."""
    from supervision.org.models import OrgUnit

    condition = Q()
    for unit in units:
        # The org table is small, so a prefix match on it is cheap on both engines; the big table is
        # filtered by jurisdiction_id IN (...), which uses its own index.
        condition |= Q(path__startswith=unit.path)
    return OrgUnit.objects.filter(condition).values("pk")


def unit_ids_under(user, units) -> "list[int] | models.QuerySet":
    """The ids of the units in the subtrees of ``units`` (some of ``user``'s scope units): literal ids read with
    the user's role assignments when known, else the subquery.

    Literal ids matter on PostgreSQL: ``jurisdiction_id IN (<subquery>)`` ORed with the grants becomes a
    hashed subplan over a scan of the whole table, ``jurisdiction_id IN (1, 2, 3)`` an index scan
    (architecture.md §Pages that stay fast)."""
    known = getattr(user, "subtree_ids", None)
    ids = known(units) if known is not None else None
    return ids if ids is not None else subtree_units(units)


class _IdList(Aggregate):
    """The ids of the aggregated rows as one comma-separated string, on PostgreSQL and SQLite."""

    function = "STRING_AGG"
    template = "%(function)s(CAST(%(expressions)s AS VARCHAR), ',')"
    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, function="GROUP_CONCAT", template="%(function)s(%(expressions)s, ',')")


def _grant_models() -> list:
    return [m for m in apps.get_models() if hasattr(m, "user_grants") or hasattr(m, "group_grants")]


@cache
def _grant_tables() -> frozenset:
    tables = set()
    for model in _grant_models():
        for related_name in ("user_grants", "group_grants"):
            descriptor = getattr(model, related_name, None)
            if descriptor is not None:
                tables.add(descriptor.rel.related_model)
    return frozenset(tables)


# Bumped whenever this process writes a grant or changes a group membership: facts about grants read before
# (with a user's roles, see ``scope_facts``) no longer say "holds none" — the grants subquery is used again.
# Other processes read the facts afresh with every request's user.
_grants_written = [0]


def grants_generation() -> int:
    return _grants_written[0]


def _grant_written(sender, **kwargs):
    if sender in _grant_tables():
        _grants_written[0] += 1


def _membership_changed(sender, **kwargs):
    from django.contrib.auth import get_user_model

    if sender is get_user_model().groups.through:
        _grants_written[0] += 1


# Bumped whenever this process writes or deletes an org unit (a unit moved under another parent changes the
# subtrees): unit ids read with a user's roles before are no longer used; the subtree subquery is used again.
_units_written = [0]


def units_generation() -> int:
    return _units_written[0]


def units_written(sender=None, **kwargs):
    """Signal receiver for the org unit model (connected by the app that defines it: portal imports no app)."""
    _units_written[0] += 1


post_save.connect(_grant_written, dispatch_uid="portal.scoping.grant_written")
m2m_changed.connect(_membership_changed, dispatch_uid="portal.scoping.membership_changed")


@cache
def grant_fact_name(model) -> str:
    return "grants_" + model._meta.label_lower.replace(".", "_")


def scope_facts(user_pk) -> dict:
    """Annotations for the query that loads a user's role assignments (once per request), so that scoping
    needs no query of its own: ``subtree_0..2`` — the ids of the units under the assignment's unit, its parent
    and grandparent (one of them is the scope unit); ``grants_<model>`` — whether the user or one of their
    groups holds any guardian grant on that model (when not, ``visible_to`` drops the grants branch)."""
    from supervision.org.models import OrgUnit

    facts = {}
    for level, outer in enumerate(("unit__path", "unit__parent__path", "unit__parent__parent__path")):
        under = OrgUnit.objects.filter(path__startswith=OuterRef(outer)).order_by().values(one=Value(1))
        facts[f"subtree_{level}"] = Subquery(under.annotate(ids=_IdList("pk")).values("ids")[:1])
    for model in _grant_models():
        held = Q()
        for related_name, owner in (("user_grants", {"user_id": user_pk}), ("group_grants", {"group__user": user_pk})):
            descriptor = getattr(model, related_name, None)
            if descriptor is not None:
                held |= Exists(descriptor.rel.related_model.objects.filter(**owner))
        facts[grant_fact_name(model)] = ExpressionWrapper(held, output_field=BooleanField())
    return facts


def acting_units(user, perm: str) -> list:
    """The units (tops of subtrees) where ``user`` holds a role that grants ``perm``."""
    from portal.permissions import roles_for

    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    return user.scope_units(roles=roles_for(perm))


class ScopedQuerySet(models.QuerySet):
    """QuerySet of a model with a ``jurisdiction`` foreign key and guardian direct-FK grant tables."""

    jurisdiction_field = "jurisdiction"

    def visible_to(self, user) -> "ScopedQuerySet":
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.all()
        if self._public_to(user):
            return self.all()
        scope_units = user.scope_units()
        if any(unit.parent_id is None for unit in scope_units):
            return self.all()  # a city-wide unit sees the whole city
        condition = self._granted_q(user)
        if scope_units:
            condition |= Q(**{f"{self.jurisdiction_field}_id__in": unit_ids_under(user, scope_units)})
        if not condition:
            return self.none()
        return self.filter(condition)

    def acting(self, user, perm: str) -> "ScopedQuerySet":
        """Records lying in a unit where ``user`` holds a role that may do ``perm``.

        Grants are not counted: a guardian grant lets its holder act on that one record, which
        ``user.has_perm(perm, record)`` answers; this answers "where may I act" for choices and imports."""
        units = acting_units(user, perm)
        if not units:
            return self.none()
        if any(unit.parent_id is None for unit in units):
            return self.all()
        return self.filter(**{f"{self.jurisdiction_field}_id__in": unit_ids_under(user, units)})

    def in_subtree(self, unit) -> "ScopedQuerySet":
        """Records whose jurisdiction lies under ``unit`` (a filter the user chooses; applied after scope)."""
        return self.filter(**{f"{self.jurisdiction_field}_id__in": subtree_units([unit])})

    def _public_to(self, user) -> bool:
        """Hook: some registers are public to every signed-in user of a given kind."""
        return False

    def _granted_q(self, user) -> Q:
        codename = f"view_{self.model._meta.model_name}"
        condition = Q()
        for grant_model, owner_filter in grant_tables(self.model, user):
            granted = grant_model.objects.filter(permission__codename=codename, **owner_filter)
            condition |= Q(pk__in=granted.values("content_object_id"))
        return condition


def grant_tables(model, user, *, skip_known_empty: bool = True) -> list:
    """The model's guardian direct-FK grant tables, each with the filter selecting ``user``'s rows; none when
    it is known (from the user's role assignments) that the user holds no grant on the model (unless
    ``skip_known_empty`` is false: a page's checker reads them anyway, one query per table whatever the rows)."""
    may_hold = getattr(user, "may_hold_grants", None) if skip_known_empty else None
    if may_hold is not None and not may_hold(model):
        return []
    tables = []
    for related_name, owner_filter in (
        ("user_grants", {"user_id": user.pk}),
        ("group_grants", {"group__user": user.pk}),
    ):
        descriptor = getattr(model, related_name, None)
        if descriptor is not None:
            tables.append((descriptor.rel.related_model, owner_filter))
    return tables
