"""Domain permissions: roles held in units (RoleBackend) plus explicit guardian grants, never the superuser flag."""

import pytest
from django.contrib.auth.models import Group

from portal.permissions import RoleBackend
from supervision.org import services as org_services
from supervision.org.models import RoleAssignment

# (user, permission, object fixture or None, expected)
ROLE_CASES = [
    ("b01_chief", "supervision.change_institution", "b01_institution", True),
    ("b01_chief", "supervision.change_institution", "b02_institution", False),
    ("b01_fund", "supervision.change_institution", "b01_institution", True),
    ("b01_fund", "supervision.add_agreement", "b01_institution", True),
    ("b01_fund", "supervision.change_institution", "b02_institution", False),
    ("fund_officer", "supervision.change_institution", "b02_institution", True),
    ("enf_chief", "supervision.change_institution", "b02_institution", True),
    ("b01_officer", "supervision.view_institution", "b01_institution", True),
    ("b01_officer", "supervision.change_institution", "b01_institution", False),
    ("b01_officer", "supervision.view_institution", "b02_institution", False),
    ("auditor", "supervision.view_agreement", "b02_agreement", True),
    ("auditor", "supervision.change_agreement", "b02_agreement", False),
    ("auditor", "supervision.export_institution", None, True),
    ("analyst", "supervision.add_institution", None, False),
    ("b01_chief", "supervision.add_institution", None, True),
    ("b01_officer", "supervision.add_institution", None, False),
    ("b01_chief", "supervision.grant_access", "b01_institution", True),
    ("b01_chief", "supervision.grant_access", "b02_institution", False),
    ("director", "supervision.grant_access", "b02_institution", True),
    ("supervisor", "supervision.view_institution", "b02_institution", True),
    ("supervisor", "supervision.view_agreement", "b02_agreement", False),
    ("supervisor", "supervision.view_orgunit", None, False),
    ("norole", "supervision.view_institution", "b01_institution", False),
    ("norole", "supervision.view_orgunit", None, False),
    ("admin", "supervision.view_orgunit", None, True),
]


@pytest.mark.parametrize(("username", "perm", "fixture", "expected"), ROLE_CASES)
def test_has_perm_from_role_in_unit(request, cast, username, perm, fixture, expected):
    obj = request.getfixturevalue(fixture) if fixture else None
    assert cast[username].has_perm(perm, obj) is expected


@pytest.mark.parametrize(("username", "perm", "fixture", "expected"), ROLE_CASES)
def test_role_backend_answers_the_same(request, cast, username, perm, fixture, expected):
    obj = request.getfixturevalue(fixture) if fixture else None
    assert RoleBackend().has_perm(cast[username], perm, obj) is expected


def test_branch_role_covers_units_by_branch_org_unit(org, cast):
    assert cast.b01_chief.has_perm("supervision.add_institution", org.b01)
    assert not cast.b01_chief.has_perm("supervision.add_institution", org.b02)


def test_subcentre_fund_officer_acts_in_its_branch_unit(org, cast):
    assert cast.b01_fund.has_perm("supervision.add_institution", org.b01)


def test_role_backend_never_authenticates(cast):
    assert RoleBackend().authenticate(None, username="b01_chief", password="pw-for-tests-123") is None


def test_unknown_permission_is_refused(cast, b01_institution):
    assert not RoleBackend().has_perm(cast.director, "supervision.frobnicate_institution", b01_institution)


def test_inactive_user_has_no_domain_permission(cast, b01_institution):
    cast.b01_chief.is_active = False
    assert not cast.b01_chief.has_perm("supervision.change_institution", b01_institution)


def test_deactivated_role_gives_no_permission(cast, b01_institution):
    RoleAssignment.objects.filter(user=cast.b01_chief).update(is_active=False)
    cast.b01_chief.forget_roles()
    assert not cast.b01_chief.has_perm("supervision.change_institution", b01_institution)


# --- The superuser is not an approver ------------------------------------------------------------------


@pytest.mark.parametrize(
    "perm", ["supervision.add_institution", "supervision.change_institution", "supervision.add_agreement"]
)
def test_superuser_gets_no_domain_permission_without_object(cast, perm):
    assert not cast.admin.has_perm(perm)


@pytest.mark.parametrize("perm", ["supervision.change_institution", "supervision.grant_access"])
def test_superuser_gets_no_domain_permission_on_object(cast, b01_institution, perm):
    assert not cast.admin.has_perm(perm, b01_institution)


# --- Explicit grants answer for the granted codename only ----------------------------------------------


def test_view_grant_gives_view_permission(cast, b01_institution):
    org_services.access_grant(obj=b01_institution, to=cast.b02_officer, by=None, reason="交叉检查")
    assert cast.b02_officer.has_perm("supervision.view_institution", b01_institution)


def test_view_grant_does_not_give_change_permission(cast, b01_institution):
    org_services.access_grant(obj=b01_institution, to=cast.b02_chief, by=None, reason="交叉检查")
    assert not cast.b02_chief.has_perm("supervision.change_institution", b01_institution)


def test_change_grant_gives_change_permission(cast, b01_institution):
    org_services.access_grant(
        obj=b01_institution, to=cast.b02_chief, by=None, actions=("view", "change"), reason="市局交办"
    )
    assert cast.b02_chief.has_perm("supervision.change_institution", b01_institution)


def test_grant_is_for_the_named_object_only(cast, org, b01_institution):
    from tests.factories import InstitutionFactory

    other = InstitutionFactory(jurisdiction=org.b01)
    org_services.access_grant(obj=b01_institution, to=cast.b02_officer, by=None, reason="交叉检查")
    assert not cast.b02_officer.has_perm("supervision.view_institution", other)


def test_group_grant_gives_permission_to_members(cast, b01_agreement):
    team = Group.objects.create(name="专家组")
    cast.b02_officer.groups.add(team)
    org_services.access_grant(obj=b01_agreement, to=team, by=None, reason="专家审查")
    assert cast.b02_officer.has_perm("supervision.view_agreement", b01_agreement)


def test_revoked_grant_no_longer_gives_permission(cast, b01_institution):
    org_services.access_grant(obj=b01_institution, to=cast.b02_officer, by=None, reason="交叉检查")
    org_services.access_revoke(obj=b01_institution, frm=cast.b02_officer, by=None, reason="检查结束")
    assert not cast.b02_officer.has_perm("supervision.view_institution", b01_institution)


def test_grant_to_superuser_is_still_only_the_grant(cast, b01_institution):
    org_services.access_grant(obj=b01_institution, to=cast.admin, by=None, reason="系统维护")
    assert cast.admin.has_perm("supervision.view_institution", b01_institution)
    assert not cast.admin.has_perm("supervision.change_institution", b01_institution)


def test_access_grant_requires_grant_permission_in_scope(cast, b01_institution):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        org_services.access_grant(obj=b01_institution, to=cast.b02_officer, by=cast.b02_chief, reason="越权")
    assert not cast.b02_officer.has_perm("supervision.view_institution", b01_institution)


def test_access_grant_needs_reason(cast, b01_institution):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        org_services.access_grant(obj=b01_institution, to=cast.b02_officer, by=cast.b01_chief, reason=" ")
