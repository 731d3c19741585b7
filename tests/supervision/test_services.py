"""Services: the org tree's materialized paths, institution writes, agreements and their status history."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from supervision.org import services as org_services
from supervision.org.models import PATH_STEP, AuditEvent, OrgUnit
from supervision.register import services as register_services
from supervision.register.models import Agreement, AgreementStatusChange, Institution
from tests.factories import AgreementFactory, InstitutionFactory, OrgUnitFactory

# --- orgunit_save --------------------------------------------------------------------------------------


def test_first_child_extends_parent_path(org):
    unit = org_services.orgunit_save(
        unit=OrgUnit(code="B02X", name="西山稽核组", kind="subcentre", parent=org.b02s), by=None
    )
    assert unit.path == org.b02s.path + "0001"
    assert unit.depth == org.b02s.depth + 1


def test_next_child_follows_last_sibling(org):
    unit = org_services.orgunit_save(unit=OrgUnit(code="B03", name="南岭分局", kind="branch", parent=org.city), by=None)
    sibling_paths = OrgUnit.objects.filter(parent=org.city).exclude(pk=unit.pk).values_list("path", flat=True)
    assert unit.path == org.city.path + f"{int(max(sibling_paths)[-PATH_STEP:]) + 1:0{PATH_STEP}d}"
    assert len(unit.path) == len(org.b01.path)


def test_paths_of_siblings_are_distinct_and_ordered(org):
    paths = [org.enf.path, org.mon.path, org.fund.path, org.b01.path, org.b02.path]
    assert paths == sorted(paths)
    assert len(set(paths)) == 5


def test_unit_without_parent_must_be_the_city(db):
    with pytest.raises(ValidationError):
        org_services.orgunit_save(unit=OrgUnit(code="X", name="孤立单位", kind="branch"), by=None)


def test_city_may_not_have_a_parent(org):
    with pytest.raises(ValidationError):
        org_services.orgunit_save(unit=OrgUnit(code="X", name="第二个市局", kind="city", parent=org.city), by=None)


def test_renaming_keeps_the_path(org):
    path = org.b01.path
    org.b01.name = "东湖新区分局"
    org_services.orgunit_save(unit=org.b01, by=None, reason="更名")
    assert OrgUnit.objects.get(pk=org.b01.pk).path == path
    assert AuditEvent.objects.for_object(org.b01).latest("pk").verb == "update"


@pytest.fixture
def moved_unit(org):
    """A unit X under B01 with a child Y, then X moved under B02."""
    x = OrgUnitFactory(code="X", name="东湖稽核站", kind="branch", parent=org.b01)
    y = OrgUnitFactory(code="Y", name="东湖稽核点", kind="branch", parent=x)
    x.parent = org.b02
    org_services.orgunit_save(unit=x, by=None, reason="机构调整")
    return OrgUnit.objects.get(pk=x.pk), OrgUnit.objects.get(pk=y.pk)


def test_moving_a_unit_gives_it_a_path_under_the_new_parent(org, moved_unit):
    x, _y = moved_unit
    assert x.path.startswith(org.b02.path)
    assert x.depth == org.b02.depth + 1


def test_moving_a_unit_repaths_its_subtree(moved_unit):
    x, y = moved_unit
    assert y.path == x.path + y.path[-PATH_STEP:]
    assert y.depth == x.depth + 1


def test_moving_a_unit_leaves_other_units_alone(org, moved_unit):
    assert OrgUnit.objects.get(pk=org.b01s.pk).path == org.b01s.path
    assert OrgUnit.objects.get(pk=org.b02s.pk).path == org.b02s.path


def test_moving_a_unit_is_recorded_as_move(moved_unit):
    x, _y = moved_unit
    assert AuditEvent.objects.for_object(x).latest("pk").verb == "move"


def test_records_follow_a_moved_unit_into_the_new_scope(org, cast):
    x = OrgUnitFactory(code="X", name="东湖稽核站", kind="branch", parent=org.b01)
    y = OrgUnitFactory(code="Y", name="东湖稽核点", kind="branch", parent=x)
    institution = InstitutionFactory(jurisdiction=y)
    assert Institution.objects.visible_to(cast.b01_officer).filter(pk=institution.pk).exists()
    x.parent = org.b02
    org_services.orgunit_save(unit=x, by=None)
    assert not Institution.objects.visible_to(cast.b01_officer).filter(pk=institution.pk).exists()
    assert Institution.objects.visible_to(cast.b02_officer).filter(pk=institution.pk).exists()


def test_a_unit_cannot_move_under_its_own_descendant(org):
    b01 = OrgUnit.objects.get(pk=org.b01.pk)
    b01.parent = org.b01s
    with pytest.raises(ValidationError):
        org_services.orgunit_save(unit=b01, by=None)
    assert OrgUnit.objects.get(pk=org.b01.pk).parent == org.city


# --- institution_update --------------------------------------------------------------------------------


def test_update_changes_register_data(cast, b01_institution):
    register_services.institution_update(
        institution=b01_institution, by=cast.b01_chief, data={"phone": "0571-12345678"}
    )
    assert Institution.objects.get(pk=b01_institution.pk).phone == "0571-12345678"


@pytest.mark.parametrize("field", ["jurisdiction", "code", "credit_grade"])
def test_update_refuses_fields_that_move_only_otherwise(org, cast, b01_institution, field):
    value = {"jurisdiction": org.b02, "code": "H99999999999", "credit_grade": "A"}[field]
    with pytest.raises(ValidationError):
        register_services.institution_update(institution=b01_institution, by=cast.b01_chief, data={field: value})
    fresh = Institution.objects.get(pk=b01_institution.pk)
    assert (fresh.jurisdiction, fresh.code, fresh.credit_grade) == (org.b01, b01_institution.code, "")


def test_update_validates_the_result(cast, b01_institution):
    with pytest.raises(ValidationError):
        register_services.institution_update(institution=b01_institution, by=cast.b01_chief, data={"kind": "pharmacy"})
    assert Institution.objects.get(pk=b01_institution.pk).kind == "hospital"


def test_update_needs_change_permission_on_the_institution(cast, b01_institution):
    with pytest.raises(PermissionDenied):
        register_services.institution_update(institution=b01_institution, by=cast.b02_chief, data={"name": "越权"})


def test_update_is_allowed_for_subcentre_fund_officer(cast, b01_institution):
    register_services.institution_update(institution=b01_institution, by=cast.b01_fund, data={"name": "东湖医院"})
    assert Institution.objects.get(pk=b01_institution.pk).name == "东湖医院"


# --- institution_transfer ------------------------------------------------------------------------------


def test_transfer_moves_institution_and_its_agreements(org, cast, b01_agreement):
    old = AgreementFactory(
        institution=b01_agreement.institution,
        valid_from=date(2020, 1, 1),
        valid_to=date(2022, 12, 31),
        status="expired",
    )
    register_services.institution_transfer(
        institution=b01_agreement.institution, to=org.b02, by=cast.fund_officer, reason="区划调整"
    )
    assert Institution.objects.get(pk=b01_agreement.institution_id).jurisdiction == org.b02
    assert set(Agreement.objects.filter(pk__in=[b01_agreement.pk, old.pk]).values_list("jurisdiction", flat=True)) == {
        org.b02.pk
    }


def test_transfer_leaves_other_institutions_agreements_alone(org, cast, b01_agreement):
    other = AgreementFactory(institution__jurisdiction=org.b01)
    register_services.institution_transfer(
        institution=b01_agreement.institution, to=org.b02, by=cast.fund_officer, reason="区划调整"
    )
    assert Agreement.objects.get(pk=other.pk).jurisdiction == org.b01


@pytest.mark.parametrize("reason", ["", "   "])
def test_transfer_needs_a_reason(org, cast, b01_agreement, reason):
    with pytest.raises(ValidationError):
        register_services.institution_transfer(
            institution=b01_agreement.institution, to=org.b02, by=cast.fund_officer, reason=reason
        )
    assert Institution.objects.get(pk=b01_agreement.institution_id).jurisdiction == org.b01


def test_transfer_into_a_branch_outside_the_users_scope_is_refused(org, cast, b01_agreement):
    with pytest.raises(PermissionDenied):
        register_services.institution_transfer(
            institution=b01_agreement.institution, to=org.b02, by=cast.b01_chief, reason="x"
        )
    assert Agreement.objects.get(pk=b01_agreement.pk).jurisdiction == org.b01


def test_transfer_into_a_non_branch_unit_is_refused(org, cast, b01_agreement):
    with pytest.raises(ValidationError):
        register_services.institution_transfer(
            institution=b01_agreement.institution, to=org.enf, by=cast.fund_officer, reason="x"
        )
    assert Agreement.objects.get(pk=b01_agreement.pk).jurisdiction == org.b01


# --- agreement_create ----------------------------------------------------------------------------------


def _sign(user, institution, start, end, number="XY-NEW"):
    return register_services.agreement_create(
        by=user, institution=institution, number=number, valid_from=start, valid_to=end
    )


def test_agreement_takes_the_institutions_jurisdiction(cast, b01_institution):
    agreement = _sign(cast.b01_fund, b01_institution, date(2026, 1, 1), date(2027, 12, 31))
    assert (agreement.jurisdiction, agreement.status) == (b01_institution.jurisdiction, "active")


def test_agreement_create_writes_first_history_row(cast, b01_institution):
    agreement = _sign(cast.b01_fund, b01_institution, date(2026, 1, 1), date(2027, 12, 31))
    [change] = AgreementStatusChange.objects.filter(agreement=agreement)
    assert (change.from_status, change.to_status, change.effective_on, change.by) == (
        "",
        "active",
        date(2026, 1, 1),
        cast.b01_fund,
    )


@pytest.mark.parametrize("status", ["active", "suspended"])
@pytest.mark.parametrize(
    ("start", "end"),
    [
        (date(2027, 12, 31), date(2029, 12, 31)),  # starts on the last day of the current one
        (date(2024, 1, 1), date(2025, 1, 1)),  # ends on its first day
        (date(2025, 6, 1), date(2025, 7, 1)),  # inside it
        (date(2024, 1, 1), date(2030, 1, 1)),  # around it
    ],
)
def test_overlapping_agreement_is_refused(cast, b01_institution, status, start, end):
    AgreementFactory(institution=b01_institution, status=status)  # 2025-01-01 .. 2027-12-31
    with pytest.raises(ValidationError) as error:
        _sign(cast.b01_chief, b01_institution, start, end)
    assert "valid_from" in error.value.message_dict
    assert Agreement.objects.filter(institution=b01_institution).count() == 1


@pytest.mark.parametrize("status", ["terminated", "expired"])
def test_period_of_an_ended_agreement_may_be_reused(cast, b01_institution, status):
    AgreementFactory(institution=b01_institution, status=status)
    _sign(cast.b01_chief, b01_institution, date(2026, 1, 1), date(2027, 12, 31))
    assert Agreement.objects.filter(institution=b01_institution).count() == 2


def test_adjacent_agreement_is_allowed(cast, b01_institution):
    AgreementFactory(institution=b01_institution)  # ends 2027-12-31
    agreement = _sign(cast.b01_chief, b01_institution, date(2028, 1, 1), date(2029, 12, 31))
    assert agreement.pk


def test_other_institutions_agreements_do_not_overlap(org, cast, b01_institution):
    AgreementFactory(institution__jurisdiction=org.b01)
    assert _sign(cast.b01_chief, b01_institution, date(2025, 1, 1), date(2027, 12, 31)).pk


@pytest.mark.parametrize("end", [date(2026, 1, 1), date(2025, 12, 31)])
def test_agreement_must_end_after_it_starts(cast, b01_institution, end):
    with pytest.raises(ValidationError) as error:
        _sign(cast.b01_chief, b01_institution, date(2026, 1, 1), end)
    assert "valid_to" in error.value.message_dict
    assert not Agreement.objects.exists()


def test_agreement_number_is_unique(cast, b01_agreement, org):
    other = InstitutionFactory(jurisdiction=org.b01)
    with pytest.raises(ValidationError):
        _sign(cast.b01_chief, other, date(2026, 1, 1), date(2027, 1, 1), number=b01_agreement.number)


def test_agreement_create_needs_permission_on_the_institution(cast, b01_institution):
    with pytest.raises(PermissionDenied):
        _sign(cast.b01_officer, b01_institution, date(2026, 1, 1), date(2027, 12, 31))
    with pytest.raises(PermissionDenied):
        _sign(cast.b02_chief, b01_institution, date(2026, 1, 1), date(2027, 12, 31))
    assert not Agreement.objects.exists()


# --- agreement_set_status ------------------------------------------------------------------------------


def _set(agreement, to_status, by=None, reason="依协议处理"):
    return register_services.agreement_set_status(
        agreement=agreement, to_status=to_status, effective_on=date(2026, 3, 1), by=by, reason=reason, cause="test"
    )


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("active", "suspended"),
        ("active", "terminated"),
        ("active", "expired"),
        ("suspended", "active"),
        ("suspended", "terminated"),
        ("suspended", "expired"),
    ],
)
def test_allowed_status_change(cast, org, start, end):
    agreement = AgreementFactory(institution__jurisdiction=org.b01, status=start)
    _set(agreement, end, by=cast.b01_chief)
    assert Agreement.objects.get(pk=agreement.pk).status == end


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("active", "active"),
        ("terminated", "active"),
        ("terminated", "suspended"),
        ("expired", "active"),
        ("expired", "terminated"),
    ],
)
def test_refused_status_change(cast, org, start, end):
    agreement = AgreementFactory(institution__jurisdiction=org.b01, status=start)
    with pytest.raises(ValidationError) as error:
        _set(agreement, end, by=cast.b01_chief)
    assert "status" in error.value.message_dict
    assert Agreement.objects.get(pk=agreement.pk).status == start
    assert not AgreementStatusChange.objects.filter(agreement=agreement).exists()


def test_status_change_writes_a_dated_history_row(cast, b01_agreement):
    _set(b01_agreement, "suspended", by=cast.b01_fund, reason="违规结算")
    [change] = AgreementStatusChange.objects.filter(agreement=b01_agreement)
    assert (change.from_status, change.to_status, change.effective_on, change.reason, change.cause, change.by) == (
        "active",
        "suspended",
        date(2026, 3, 1),
        "违规结算",
        "test",
        cast.b01_fund,
    )


def test_history_keeps_every_change_in_order(cast, b01_agreement):
    _set(b01_agreement, "suspended", by=cast.b01_chief)
    _set(b01_agreement, "active", by=cast.b01_chief)
    _set(b01_agreement, "terminated", by=cast.b01_chief)
    steps = list(AgreementStatusChange.objects.filter(agreement=b01_agreement).values_list("from_status", "to_status"))
    assert steps == [("active", "suspended"), ("suspended", "active"), ("active", "terminated")]


@pytest.mark.parametrize("reason", ["", "  "])
def test_status_change_needs_a_reason(cast, b01_agreement, reason):
    with pytest.raises(ValidationError):
        _set(b01_agreement, "suspended", by=cast.b01_chief, reason=reason)
    assert Agreement.objects.get(pk=b01_agreement.pk).status == "active"


@pytest.mark.parametrize("username", ["b01_officer", "b02_chief", "auditor"])
def test_status_change_needs_change_permission(cast, b01_agreement, username):
    with pytest.raises(PermissionDenied):
        _set(b01_agreement, "suspended", by=cast[username])
    assert Agreement.objects.get(pk=b01_agreement.pk).status == "active"


# --- agreements_expire ---------------------------------------------------------------------------------


@pytest.fixture
def periods(org):
    today = timezone.localdate()

    def make(start, end, status="active"):
        return AgreementFactory(institution__jurisdiction=org.b01, valid_from=start, valid_to=end, status=status)

    return {
        "ended": make(today - timedelta(days=400), today - timedelta(days=1)),
        "ended_suspended": make(today - timedelta(days=400), today - timedelta(days=30), "suspended"),
        "ends_today": make(today - timedelta(days=400), today),
        "running": make(today - timedelta(days=10), today + timedelta(days=300)),
        "ended_terminated": make(today - timedelta(days=400), today - timedelta(days=5), "terminated"),
    }


def _statuses(periods):
    return {name: Agreement.objects.get(pk=a.pk).status for name, a in periods.items()}


def test_expire_ends_agreements_past_their_period(periods):
    assert register_services.agreements_expire() == 2
    assert _statuses(periods) == {
        "ended": "expired",
        "ended_suspended": "expired",
        "ends_today": "active",
        "running": "active",
        "ended_terminated": "terminated",
    }


def test_expire_records_history_by_the_system(periods):
    register_services.agreements_expire()
    change = AgreementStatusChange.objects.get(agreement=periods["ended"])
    assert (change.from_status, change.to_status, change.by, change.cause) == (
        "active",
        "expired",
        None,
        "refresh_agreements",
    )
    assert change.effective_on == timezone.localdate()
    assert change.reason


def test_expire_writes_one_audit_row_per_agreement(periods):
    register_services.agreements_expire()
    assert AuditEvent.objects.filter(verb="status:expired").count() == 2
    assert AuditEvent.objects.for_object(periods["ended"]).get(verb="status:expired").actor is None


def test_expire_is_idempotent(periods):
    register_services.agreements_expire()
    assert register_services.agreements_expire() == 0


def test_expire_uses_the_given_day(periods):
    assert register_services.agreements_expire(today=timezone.localdate() + timedelta(days=1)) == 3


def test_refresh_agreements_command_reports_count(periods):
    out = StringIO()
    call_command("refresh_agreements", stdout=out)
    assert "agreements_expire: 2" in out.getvalue()
    assert Agreement.objects.get(pk=periods["ended"].pk).status == "expired"


# --- Roles ---------------------------------------------------------------------------------------------


def test_role_assign_gives_scope_at_once(org, cast, b01_institution):
    org_services.role_assign(user=cast.norole, role="viewer", unit=org.b01, by=cast.admin, reason="借调")
    assert Institution.objects.visible_to(cast.norole).filter(pk=b01_institution.pk).exists()


def test_role_revoke_removes_scope_at_once(org, cast, b01_institution):
    assignment = org_services.role_assign(user=cast.norole, role="viewer", unit=org.b01, by=cast.admin, reason="借调")
    assert Institution.objects.visible_to(cast.norole).exists()
    org_services.role_revoke(assignment=assignment, by=cast.admin, reason="借调结束")
    assert not Institution.objects.visible_to(assignment.user).exists()


def test_staff_role_needs_a_unit(cast):
    with pytest.raises(ValidationError):
        org_services.role_assign(user=cast.norole, role="officer", unit=None, by=cast.admin)


def test_role_assign_reactivates_a_revoked_assignment(org, cast):
    first = org_services.role_assign(user=cast.norole, role="viewer", unit=org.b01, by=cast.admin)
    org_services.role_revoke(assignment=first, by=cast.admin)
    again = org_services.role_assign(user=cast.norole, role="viewer", unit=org.b01, by=cast.admin)
    assert again.pk == first.pk
    assert again.is_active


def test_role_assign_of_an_active_role_changes_nothing(org, cast):
    org_services.role_assign(user=cast.norole, role="viewer", unit=org.b01, by=cast.admin)
    rows = AuditEvent.objects.count()
    org_services.role_assign(user=cast.norole, role="viewer", unit=org.b01, by=cast.admin)
    assert AuditEvent.objects.count() == rows
