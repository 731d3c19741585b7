"""visible_to(): the one scoping rule (domain §2), for every member of the cast, with guardian grants."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from supervision.org import services as org_services
from supervision.org.models import RoleAssignment, User
from supervision.register.filters import AgreementFilter, InstitutionFilter
from supervision.register.models import Agreement, Institution
from tests.factories import AgreementFactory, InstitutionFactory

CITY_WIDE = ["director", "legal", "enf_officer", "enf_chief", "analyst", "fund_officer", "auditor", "admin"]

INSTITUTION_VISIBILITY = {
    **{name: {"b01", "b02"} for name in CITY_WIDE},
    "b01_chief": {"b01"},
    "b01_officer": {"b01"},
    "b01_fund": {"b01"},  # staff of the B01 sub-centre act in the B01 county
    "b02_chief": {"b02"},
    "b02_officer": {"b02"},
    "supervisor": {"b01", "b02"},  # the register is public to social supervisors
    "norole": set(),
}

AGREEMENT_VISIBILITY = {**INSTITUTION_VISIBILITY, "supervisor": set()}


@pytest.fixture
def records(b01_agreement, b02_agreement):
    """One institution with one agreement in each branch, keyed by branch."""
    return {
        "institution": {"b01": b01_agreement.institution, "b02": b02_agreement.institution},
        "agreement": {"b01": b01_agreement, "b02": b02_agreement},
    }


def _visible(queryset, by_branch) -> set[str]:
    pks = set(queryset.values_list("pk", flat=True))
    return {branch for branch, obj in by_branch.items() if obj.pk in pks}


@pytest.mark.parametrize(("username", "expected"), INSTITUTION_VISIBILITY.items())
def test_institutions_visible_to_cast_member(cast, records, username, expected):
    user = cast[username]
    assert _visible(Institution.objects.visible_to(user), records["institution"]) == expected


@pytest.mark.parametrize(("username", "expected"), AGREEMENT_VISIBILITY.items())
def test_agreements_visible_to_cast_member(cast, records, username, expected):
    user = cast[username]
    assert _visible(Agreement.objects.visible_to(user), records["agreement"]) == expected


@pytest.mark.parametrize("username", ["b01_chief", "director", "supervisor"])
def test_inactive_user_sees_nothing(cast, records, username):
    user = cast[username]
    user.is_active = False
    user.save()
    assert not Institution.objects.visible_to(user).exists()
    assert not Agreement.objects.visible_to(user).exists()


def test_anonymous_user_sees_nothing(records):
    from django.contrib.auth.models import AnonymousUser

    assert not Institution.objects.visible_to(AnonymousUser()).exists()
    assert not Institution.objects.visible_to(None).exists()


def test_deactivated_role_no_longer_gives_scope(cast, records):
    user = cast.b01_chief
    RoleAssignment.objects.filter(user=user).update(is_active=False)
    user.forget_roles()
    assert not Institution.objects.visible_to(user).exists()


def test_branch_user_sees_every_record_of_own_branch_and_none_of_others(org, cast):
    InstitutionFactory.create_batch(3, jurisdiction=org.b01)
    InstitutionFactory.create_batch(2, jurisdiction=org.b02)
    assert Institution.objects.visible_to(cast.b01_officer).count() == 3
    assert set(Institution.objects.visible_to(cast.b01_officer).values_list("jurisdiction", flat=True)) == {org.b01.pk}


def test_user_with_roles_in_two_branches_sees_both(org, cast, records):
    RoleAssignment.objects.create(user=cast.b01_officer, role="officer", unit=org.b02)
    cast.b01_officer.forget_roles()
    assert _visible(Institution.objects.visible_to(cast.b01_officer), records["institution"]) == {"b01", "b02"}


# --- Guardian grants widen visibility -------------------------------------------------------------------


def test_user_grant_makes_out_of_scope_institution_visible(cast, records):
    org_services.access_grant(obj=records["institution"]["b01"], to=cast.b02_officer, by=None, reason="交叉检查")
    assert _visible(Institution.objects.visible_to(cast.b02_officer), records["institution"]) == {"b01", "b02"}


def test_user_grant_does_not_reveal_other_records_of_that_branch(org, cast, records):
    other = InstitutionFactory(jurisdiction=org.b01)
    org_services.access_grant(obj=records["institution"]["b01"], to=cast.b02_officer, by=None, reason="交叉检查")
    assert not Institution.objects.visible_to(cast.b02_officer).filter(pk=other.pk).exists()


def test_group_grant_makes_institution_visible_to_members(cast, records):
    team = Group.objects.create(name="交叉检查组")
    cast.b02_officer.groups.add(team)
    org_services.access_grant(obj=records["institution"]["b01"], to=team, by=None, reason="交叉检查")
    assert _visible(Institution.objects.visible_to(cast.b02_officer), records["institution"]) == {"b01", "b02"}


def test_group_grant_does_not_reach_non_members(cast, records):
    team = Group.objects.create(name="交叉检查组")
    cast.b02_officer.groups.add(team)
    org_services.access_grant(obj=records["institution"]["b01"], to=team, by=None, reason="交叉检查")
    assert _visible(Institution.objects.visible_to(cast.b02_chief), records["institution"]) == {"b02"}


def test_agreement_grant_makes_agreement_visible(cast, records):
    org_services.access_grant(obj=records["agreement"]["b01"], to=cast.b02_officer, by=None, reason="专家审查")
    assert _visible(Agreement.objects.visible_to(cast.b02_officer), records["agreement"]) == {"b01", "b02"}


def test_grant_on_institution_does_not_reveal_its_agreements(cast, records):
    org_services.access_grant(obj=records["institution"]["b01"], to=cast.b02_officer, by=None, reason="交叉检查")
    assert _visible(Agreement.objects.visible_to(cast.b02_officer), records["agreement"]) == {"b02"}


def test_revoking_user_grant_hides_record_again(cast, records):
    institution = records["institution"]["b01"]
    org_services.access_grant(obj=institution, to=cast.b02_officer, by=None, reason="交叉检查")
    org_services.access_revoke(obj=institution, frm=cast.b02_officer, by=None, reason="检查结束")
    assert _visible(Institution.objects.visible_to(cast.b02_officer), records["institution"]) == {"b02"}


def test_revoking_group_grant_hides_record_again(cast, records):
    institution = records["institution"]["b01"]
    team = Group.objects.create(name="交叉检查组")
    cast.b02_officer.groups.add(team)
    org_services.access_grant(obj=institution, to=team, by=None, reason="交叉检查")
    org_services.access_revoke(obj=institution, frm=team, by=None, reason="检查结束")
    assert _visible(Institution.objects.visible_to(cast.b02_officer), records["institution"]) == {"b02"}


def test_norole_user_with_grant_sees_only_the_granted_record(cast, records):
    org_services.access_grant(obj=records["institution"]["b02"], to=cast.norole, by=None, reason="专家")
    assert _visible(Institution.objects.visible_to(cast.norole), records["institution"]) == {"b02"}


# --- One query -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["b01_fund", "b02_officer", "director", "supervisor", "norole"])
def test_visible_to_is_one_query_including_grants(django_assert_num_queries, cast, records, username):
    team = Group.objects.create(name="交叉检查组")
    cast[username].groups.add(team)
    org_services.access_grant(obj=records["institution"]["b01"], to=team, by=None, reason="交叉检查")
    org_services.access_grant(obj=records["institution"]["b02"], to=cast[username], by=None, reason="交叉检查")
    user = User.objects.get(pk=cast[username].pk)
    _ = user.role_assignments  # loaded once per request, by the first permission check
    with django_assert_num_queries(1):
        rows = list(Institution.objects.visible_to(user))
    assert rows  # the grants alone make something visible for every user here


def test_visible_to_count_is_one_query(django_assert_num_queries, cast, records):
    user = User.objects.get(pk=cast.b01_fund.pk)
    _ = user.role_assignments
    with django_assert_num_queries(1):
        assert Agreement.objects.visible_to(user).count() == 1


# --- Lists and counts ----------------------------------------------------------------------------------


def test_scoped_count_excludes_out_of_scope_rows(org, cast):
    InstitutionFactory.create_batch(4, jurisdiction=org.b01)
    InstitutionFactory.create_batch(7, jurisdiction=org.b02)
    assert Institution.objects.visible_to(cast.b02_chief).count() == 7
    assert Institution.objects.visible_to(cast.director).count() == 11


def test_home_panel_counts_only_scoped_institutions(org, cast, client_for):
    InstitutionFactory.create_batch(4, jurisdiction=org.b01)
    InstitutionFactory.create_batch(7, jurisdiction=org.b02)
    response = client_for(cast.b02_chief).get("/")
    register = reverse("supervision:institution-list")
    assert [p.count for p in response.context["panels"] if p.url == register] == [7]


def test_home_panel_counts_only_scoped_suspended_agreements(org, cast, client_for):
    AgreementFactory.create_batch(2, institution__jurisdiction=org.b01, status=Agreement.Status.SUSPENDED)
    AgreementFactory.create_batch(3, institution__jurisdiction=org.b02, status=Agreement.Status.SUSPENDED)
    response = client_for(cast.b01_officer).get("/")
    suspended = [p for p in response.context["panels"] if p.url.endswith("?status=suspended")]
    assert [p.count for p in suspended] == [2]


# --- The jurisdiction filter narrows, never widens -----------------------------------------------------


def test_jurisdiction_filter_narrows_city_scope_to_branch(org, cast, records):
    qs = InstitutionFilter({"jurisdiction": org.b02.pk}, queryset=Institution.objects.visible_to(cast.director)).qs
    assert _visible(qs, records["institution"]) == {"b02"}


def test_jurisdiction_filter_includes_subtree(org, cast, records):
    qs = InstitutionFilter({"jurisdiction": org.city.pk}, queryset=Institution.objects.visible_to(cast.director)).qs
    assert _visible(qs, records["institution"]) == {"b01", "b02"}


def test_jurisdiction_filter_cannot_widen_branch_scope(org, cast, records):
    qs = InstitutionFilter({"jurisdiction": org.b02.pk}, queryset=Institution.objects.visible_to(cast.b01_chief)).qs
    assert not qs.exists()


def test_jurisdiction_filter_on_city_cannot_widen_branch_scope(org, cast, records):
    qs = AgreementFilter({"jurisdiction": org.city.pk}, queryset=Agreement.objects.visible_to(cast.b01_chief)).qs
    assert _visible(qs, records["agreement"]) == {"b01"}
