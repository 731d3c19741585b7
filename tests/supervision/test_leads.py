"""Lead lifecycle services: new → dispatched → verifying → dismissed | confirmed (→ converted, enforcement side).
Each step: the role on the lead (403), the state (409: InvalidState), the input (400), and one audit row."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import timezone, translation

from portal.errors import InvalidState
from portal.workdays import CalendarDay, add_working_days
from supervision.leads import services
from supervision.leads.models import Lead
from supervision.org.models import AuditEvent
from supervision.register import services as register_services
from tests.factories import InstitutionFactory, LeadFactory, UserFactory


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def lead(b01_institution):
    return LeadFactory(institution=b01_institution)


def verbs(lead):
    return list(AuditEvent.objects.for_object(lead).order_by("pk").values_list("verb", flat=True))


# --- Logging a lead -----------------------------------------------------------------------------------------


def test_lead_create_takes_the_institutions_branch(cast, b02_institution):
    lead = services.lead_create(
        by=cast.analyst, institution=b02_institution, source="report", description="举报", amount=100
    )
    assert (lead.jurisdiction, lead.status, lead.source) == (b02_institution.jurisdiction, "new", "report")
    assert verbs(lead) == ["create"]


def test_lead_create_needs_a_role_covering_the_institution(cast, b02_institution):
    with pytest.raises(PermissionDenied):
        services.lead_create(by=cast.b01_officer, institution=b02_institution, source="report", description="x")
    with pytest.raises(PermissionDenied):
        services.lead_create(by=cast.fund_officer, institution=b02_institution, source="report", description="x")


def test_lead_create_refuses_a_future_date(cast, b01_institution):
    with pytest.raises(ValidationError):
        services.lead_create(
            by=cast.b01_officer,
            institution=b01_institution,
            source="other",
            description="x",
            received_on=timezone.localdate() + timedelta(days=1),
        )


# --- Dispatch -----------------------------------------------------------------------------------------------


def test_dispatch_starts_the_verification_clock_in_working_days(cast, lead):
    monday = date(2026, 3, 2)
    dispatched = services.lead_dispatch(lead=lead, by=cast.analyst, officer=cast.b01_officer, on=monday)
    assert dispatched.status == "dispatched"
    assert dispatched.assignee == cast.b01_officer
    assert dispatched.dispatched_on == monday and dispatched.dispatched_by == cast.analyst
    assert dispatched.verification_due == date(2026, 3, 23)  # 15 working days: three full weeks
    assert verbs(lead)[-1] == "dispatch"


def test_the_verification_clock_skips_holidays(cast, lead):
    CalendarDay.objects.create(day=date(2026, 3, 4), kind="holiday", name="测试假日")
    dispatched = services.lead_dispatch(lead=lead, by=cast.analyst, on=date(2026, 3, 2))
    assert dispatched.verification_due == date(2026, 3, 24)


@override_settings(LEAD_VERIFICATION_WORKING_DAYS=5)
def test_the_verification_period_is_configurable(cast, lead):
    dispatched = services.lead_dispatch(lead=lead, by=cast.analyst, on=date(2026, 3, 2))
    assert dispatched.verification_due == add_working_days(date(2026, 3, 2), 5) == date(2026, 3, 9)


def test_dispatch_follows_a_transferred_institution(cast, lead, org):
    register_services.institution_transfer(
        institution=lead.institution, to=org.b02, by=cast.enf_chief, reason="区划调整"
    )
    dispatched = services.lead_dispatch(lead=lead, by=cast.analyst)
    assert dispatched.jurisdiction == org.b02


@pytest.mark.parametrize("username", ["analyst", "b01_chief", "enf_chief"])
def test_analysts_and_chiefs_dispatch(cast, lead, username):
    assert services.lead_dispatch(lead=lead, by=cast[username]).status == "dispatched"


@pytest.mark.parametrize("username", ["b01_officer", "fund_officer", "auditor", "b02_chief", "director"])
def test_others_may_not_dispatch(cast, lead, username):
    with pytest.raises(PermissionDenied):
        services.lead_dispatch(lead=lead, by=cast[username])
    assert Lead.objects.get(pk=lead.pk).status == "new"


def test_dispatch_twice_is_a_conflict(cast, lead):
    services.lead_dispatch(lead=lead, by=cast.analyst)
    with pytest.raises(InvalidState):
        services.lead_dispatch(lead=lead, by=cast.analyst)


def test_dispatch_to_an_officer_of_another_branch_is_refused(cast, lead):
    with pytest.raises(ValidationError) as raised:
        services.lead_dispatch(lead=lead, by=cast.analyst, officer=cast.b02_officer)
    assert "officer" in raised.value.message_dict
    assert Lead.objects.get(pk=lead.pk).status == "new"


def test_dispatch_to_someone_who_is_not_an_officer_is_refused(cast, lead):
    with pytest.raises(ValidationError):
        services.lead_dispatch(lead=lead, by=cast.analyst, officer=cast.b01_fund)


# --- Verification ---------------------------------------------------------------------------------------------


def test_start_verification_assigns_the_officer_who_starts(cast, lead):
    services.lead_dispatch(lead=lead, by=cast.analyst)
    verifying = services.lead_start_verification(lead=lead, by=cast.b01_officer)
    assert (verifying.status, verifying.assignee) == ("verifying", cast.b01_officer)
    assert verifying.verification_started_on == timezone.localdate()
    assert verbs(lead)[-1] == "start_verification"


def test_start_verification_keeps_the_named_officer(cast, lead, org):
    other = UserFactory(username="b01_officer2", roles=[("officer", org.b01)])
    services.lead_dispatch(lead=lead, by=cast.analyst, officer=other)
    assert services.lead_start_verification(lead=lead, by=cast.b01_chief).assignee == other


def test_start_verification_before_dispatch_is_a_conflict(cast, lead):
    with pytest.raises(InvalidState):
        services.lead_start_verification(lead=lead, by=cast.b01_officer)


def test_other_branches_may_not_verify(cast, lead):
    services.lead_dispatch(lead=lead, by=cast.analyst)
    with pytest.raises(PermissionDenied):
        services.lead_start_verification(lead=lead, by=cast.b02_officer)
    with pytest.raises(PermissionDenied):
        services.lead_start_verification(lead=lead, by=cast.analyst)


@pytest.fixture
def verifying(cast, lead):
    services.lead_dispatch(lead=lead, by=cast.analyst)
    return services.lead_start_verification(lead=lead, by=cast.b01_officer)


def test_dismiss_needs_a_reason(cast, verifying):
    with pytest.raises(ValidationError) as raised:
        services.lead_dismiss(lead=verifying, by=cast.b01_chief, reason="  ")
    assert "reason" in raised.value.message_dict
    dismissed = services.lead_dismiss(lead=verifying, by=cast.b01_chief, reason="查无实据")
    assert (dismissed.status, dismissed.decision_note, dismissed.decided_by) == (
        "dismissed",
        "查无实据",
        cast.b01_chief,
    )
    event = AuditEvent.objects.for_object(verifying).order_by("-pk").first()
    assert (event.verb, event.reason) == ("dismiss", "查无实据")


def test_confirm(cast, verifying):
    confirmed = services.lead_confirm(lead=verifying, by=cast.b01_chief, note="串换属实")
    assert (confirmed.status, confirmed.decided_on) == ("confirmed", timezone.localdate())
    assert verbs(verifying)[-1] == "confirm"


def test_only_chiefs_dismiss_or_confirm(cast, verifying):
    for username in ("b01_officer", "analyst", "b02_chief"):
        with pytest.raises(PermissionDenied):
            services.lead_confirm(lead=verifying, by=cast[username])


def test_wrong_state_is_reported_before_a_missing_reason(cast, lead):
    with pytest.raises(InvalidState):
        services.lead_dismiss(lead=lead, by=cast.b01_chief, reason="")


def test_a_dismissed_lead_cannot_be_confirmed(cast, verifying):
    services.lead_dismiss(lead=verifying, by=cast.b01_chief, reason="查无实据")
    with pytest.raises(InvalidState):
        services.lead_confirm(lead=verifying, by=cast.b01_chief)


def test_overdue_filter(cast, org):
    institution = InstitutionFactory(jurisdiction=org.b01)
    late = LeadFactory(
        institution=institution, status="verifying", verification_due=timezone.localdate() - timedelta(days=1)
    )
    LeadFactory(institution=institution, status="verifying", verification_due=timezone.localdate())
    LeadFactory(institution=institution, status="confirmed", verification_due=timezone.localdate() - timedelta(days=9))
    assert list(Lead.objects.overdue()) == [late]
    assert late.is_overdue()
