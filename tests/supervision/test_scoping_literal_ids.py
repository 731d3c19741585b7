"""visible_to / acting for few-unit scopes: literal unit ids read with the role assignments, the grants branch
only when the user holds grants (architecture.md §Pages that stay fast)."""

import pytest
from django.db import connection

from enforcement.cases.models import Case
from supervision.leads.models import Lead
from supervision.org import services as org_services
from supervision.org.models import OrgUnit, User
from tests.factories import LeadFactory


def _fresh(user):
    """The user as a request sees them: a new instance whose roles are read once, by the first check."""
    fresh = User.objects.get(pk=user.pk)
    _ = fresh.role_assignments
    return fresh


def _branch_unit_ids(unit):
    return sorted(OrgUnit.objects.filter(path__startswith=unit.path).values_list("pk", flat=True))


def test_subtree_ids_are_read_with_the_roles(org, cast, django_assert_num_queries):
    user = _fresh(cast.b01_fund)  # a fund sub-centre user: the scope is the branch b01
    expected = _branch_unit_ids(org.b01)
    assert len(expected) > 1
    with django_assert_num_queries(0):
        assert user.subtree_ids(user.scope_units()) == expected


def test_branch_lead_filter_is_literal_ids_without_grants_branch(org, cast):
    user = _fresh(cast.b01_officer)
    sql = str(Lead.objects.visible_to(user).query).lower()
    assert sql.count("select") == 1, sql  # no subquery: neither the org tree nor the grant tables
    ids = _branch_unit_ids(org.b01)
    assert list(Lead.objects.visible_to(user).values_list("jurisdiction_id", flat=True).distinct()) in ([], ids[:1])
    assert str(Lead.objects.visible_to(user).query).count(", ".join(str(pk) for pk in ids)) == 1


def test_output_is_the_same_as_the_subquery_form(org, cast):
    leads = {unit: LeadFactory(institution__jurisdiction=getattr(org, unit)) for unit in ("b01", "b02")}
    for name in ("b01_officer", "b01_fund", "b02_chief", "director", "norole"):
        user = _fresh(cast[name])
        literal = set(Lead.objects.visible_to(user).values_list("pk", flat=True))
        user.subtree_ids = lambda units: None  # what an object without the facts falls back to
        user.may_hold_grants = lambda model: True
        subquery = set(Lead.objects.visible_to(user).values_list("pk", flat=True))
        assert literal == subquery, name
    assert leads["b01"].pk in set(Lead.objects.visible_to(_fresh(cast.b01_officer)).values_list("pk", flat=True))


def test_a_grant_still_makes_a_foreign_lead_visible(org, cast):
    foreign = LeadFactory(institution__jurisdiction=org.b01)
    own = LeadFactory(institution__jurisdiction=org.b02)
    assert set(Lead.objects.visible_to(_fresh(cast.b02_officer))) == {own}
    org_services.access_grant(obj=foreign, to=cast.b02_officer, by=None, reason="交叉检查")
    assert set(Lead.objects.visible_to(_fresh(cast.b02_officer))) == {own, foreign}
    # ... and on the instance that already read its roles before the grant (the grant forgets them)
    assert set(Lead.objects.visible_to(cast.b02_officer)) == {own, foreign}


def test_a_group_grant_still_makes_a_foreign_lead_visible(org, cast):
    from django.contrib.auth.models import Group

    foreign = LeadFactory(institution__jurisdiction=org.b01)
    team = Group.objects.create(name="交叉检查组")
    cast.b02_officer.groups.add(team)
    org_services.access_grant(obj=foreign, to=team, by=None, reason="交叉检查")
    assert foreign in set(Lead.objects.visible_to(_fresh(cast.b02_officer)))
    assert foreign not in set(Lead.objects.visible_to(_fresh(cast.b02_chief)))


def test_acting_and_queues_use_literal_ids(org, cast):
    from enforcement.cases.queues import awaiting_approval

    user = _fresh(cast.b01_chief)
    sql = str(Lead.objects.acting(user, "supervision.dispatch_lead").query).lower()
    assert sql.count("select") == 1, sql
    queue = str(awaiting_approval(Case.objects.all(), user).query).lower()
    assert OrgUnit._meta.db_table not in queue, queue  # the chief's units as literal ids, no org subquery


@pytest.mark.postgres_only
def test_branch_lead_list_uses_the_jurisdiction_index(org, cast):
    """The branch lead list (and its count) read the leads through the (jurisdiction, received_on) index.

    With sequential scans priced out, the planner still picks one whenever the filter cannot use an index —
    which is what ``jurisdiction IN (subquery) OR pk IN (grants)`` did — so a Seq Scan on the leads table in
    the plan means the filter is not index-usable, whatever the table size."""
    LeadFactory.create_batch(5, institution__jurisdiction=org.b01)
    LeadFactory.create_batch(5, institution__jurisdiction=org.b02)
    table = Lead._meta.db_table

    def plans(user):
        page = Lead.objects.visible_to(user).order_by("-received_on", "-pk")[:20]
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("ANALYZE " + table)
            for queryset, label in ((page, "page"), (Lead.objects.visible_to(user), "count")):
                sql, params = queryset.query.sql_with_params()
                if label == "count":
                    sql = f"SELECT COUNT(*) FROM ({sql}) AS counted"
                cursor.execute("EXPLAIN " + sql, params)
                yield "\n".join(row[0] for row in cursor.fetchall())

    for plan in plans(_fresh(cast.b01_officer)):
        assert f"Seq Scan on {table}" not in plan, plan
        assert "Index" in plan, plan
        assert "SubPlan" not in plan, plan
    # The control: the subquery form (what a user object without the facts still gets) filters every row of
    # the table (a whole-table scan, or a full index scan, with hashed subplans).
    old_form = _fresh(cast.b01_officer)
    old_form.subtree_ids = lambda units: None
    old_form.may_hold_grants = lambda model: True
    assert all("SubPlan" in plan for plan in plans(old_form))


def test_a_group_grant_written_after_the_roles_were_read_is_seen(org, cast):
    """The facts about grants are read with the roles; a grant written later in the same process (the same
    request, a test) must not be hidden by them."""
    from django.contrib.auth.models import Group

    foreign = LeadFactory(institution__jurisdiction=org.b01)
    user = _fresh(cast.b02_officer)
    assert foreign not in set(Lead.objects.visible_to(user))
    team = Group.objects.create(name="交叉检查组")
    user.groups.add(team)
    org_services.access_grant(obj=foreign, to=team, by=None, reason="交叉检查")
    assert foreign in set(Lead.objects.visible_to(user))  # the same instance, roles read before the grant
