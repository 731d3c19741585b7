"""Whistleblower rewards: the arithmetic at the floors and the cap, eligibility and exclusions, approval by the
chief (not the proposer), the 2-month claim period, and the pages."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from enforcement.cases.models import Payment
from enforcement.rewards.models import Reward
from enforcement.rewards.services import (
    add_months,
    reward_approve,
    reward_compute,
    reward_propose,
    reward_record_claim,
    reward_reject,
    rewards_waive_due,
)
from portal.errors import InvalidState
from supervision.leads.models import Lead
from supervision.reports import services as reports_services
from tests.factories import CaseFactory

D = Decimal


@pytest.mark.parametrize(
    ("value", "tier", "amount"),
    [
        ("0", "1", "400"),  # floors
        ("0", "2", "300"),
        ("0", "3", "200"),
        ("13333.33", "1", "400.00"),  # 399.99 → floor 400
        ("13333.34", "1", "400.00"),  # exactly at the floor
        ("13366.67", "1", "401.00"),  # just above the floor
        ("14999.99", "2", "300.00"),
        ("15050", "2", "301.00"),
        ("19999", "3", "200.00"),
        ("20100", "3", "201.00"),
        ("1000000", "1", "30000.00"),
        ("6666666.66", "1", "200000.00"),  # 199,999.9998 → rounds to the cap
        ("6666700", "1", "200000.00"),  # above the cap
        ("10000000", "2", "200000.00"),
        ("20000000", "3", "200000.00"),  # exactly the cap
        ("99999999", "3", "200000.00"),
    ],
)
def test_reward_arithmetic_at_floors_and_cap(value, tier, amount):
    assert reward_compute(D(value), tier).amount == D(amount)


def test_tiers_floors_and_cap_are_configurable(settings):
    settings.REWARDS = {**settings.REWARDS, "tiers": {"1": ("0.05", "1000")}, "cap": "50000"}
    assert reward_compute(D("1000"), "1").amount == D("1000")
    assert reward_compute(D("100000"), "1").amount == D("5000")
    assert reward_compute(D("10000000"), "1").amount == D("50000")
    with pytest.raises(ValidationError):
        reward_compute(D("1"), "2")


def test_claim_period_is_two_months():
    assert add_months(date(2026, 1, 15), 2) == date(2026, 3, 15)
    assert add_months(date(2025, 12, 31), 2) == date(2026, 2, 28)


@pytest.fixture
def rewardable(cast, b01_institution):
    """A named public report, verified, whose lead became a case with recovered funds."""
    report = reports_services.public_report_submit(
        institution=b01_institution, summary="串换药品", details="有票据", is_anonymous=False,
        reporter_name="王建国", reporter_phone="13705716688", reporter_id_number="330102196805120318",
        wants_reward=True,
    )  # fmt: skip
    Lead.objects.filter(pk=report.lead_id).update(status=Lead.Status.CONVERTED)
    case = CaseFactory(institution=b01_institution, lead_id=report.lead_id, state="executing", outcome="penalty")
    Payment.objects.create(case=case, kind="return_funds", amount=D("158000"), paid_on=date(2026, 3, 1),
                           recorded_by=cast.b01_officer)  # fmt: skip
    Payment.objects.create(case=case, kind="fine", amount=D("50000"), paid_on=date(2026, 3, 1),
                           recorded_by=cast.b01_officer)  # fmt: skip
    report.refresh_from_db()
    return report, case


def test_propose_computes_from_recovered_funds(rewardable, cast):
    report, case = rewardable
    reward = reward_propose(report=report, case=case, tier="1", by=cast.b01_officer)
    assert reward.case_value == D("158000") and reward.amount == D("4740.00")
    assert reward.state == Reward.State.PROPOSED and all(reward.checks.values())
    assert reward.jurisdiction == case.jurisdiction


@pytest.mark.parametrize(
    ("change", "check"),
    [
        ({"facts_already_known": True}, "facts"),
        ({"reporter_is_staff": True}, "staff"),
        ({"reporter_is_offender": True}, "offender"),
        ({"evidence_valid": False}, "evidence"),
    ],
)
def test_exclusions_refuse_the_reward(rewardable, cast, change, check):
    report, case = rewardable
    with pytest.raises(ValidationError):
        reward_propose(report=report, case=case, tier="1", by=cast.b01_officer, **change)
    assert not Reward.objects.exists()


def test_anonymous_unverified_or_unrecovered_is_not_eligible(rewardable, cast):
    report, case = rewardable
    Lead.objects.filter(pk=report.lead_id).update(status=Lead.Status.DISMISSED)
    report.refresh_from_db()
    with pytest.raises(ValidationError):
        reward_propose(report=report, case=case, tier="1", by=cast.b01_officer)
    Lead.objects.filter(pk=report.lead_id).update(status=Lead.Status.CONVERTED)
    report.refresh_from_db()
    case.payments.filter(kind="return_funds").delete()
    with pytest.raises(ValidationError):
        reward_propose(report=report, case=case, tier="1", by=cast.b01_officer)


def test_a_staff_phone_number_excludes_the_reporter(rewardable, cast):
    report, case = rewardable
    cast.b02_officer.phone = report.reporter_phone
    cast.b02_officer.save()
    with pytest.raises(ValidationError):
        reward_propose(report=report, case=case, tier="1", by=cast.b01_officer)


def test_only_staff_in_scope_propose(rewardable, cast):
    report, case = rewardable
    with pytest.raises(PermissionDenied):
        reward_propose(report=report, case=case, tier="1", by=cast.b02_officer)
    with pytest.raises(PermissionDenied):
        reward_propose(report=report, case=case, tier="1", by=cast.auditor)


def test_the_chief_approves_and_the_claim_period_runs(rewardable, cast):
    report, case = rewardable
    reward = reward_propose(report=report, case=case, tier="2", by=cast.b01_chief)
    with pytest.raises(PermissionDenied):
        reward_approve(reward=reward, by=cast.b01_chief)  # their own proposal
    with pytest.raises(PermissionDenied):
        reward_approve(reward=reward, by=cast.b01_officer)
    Reward.objects.filter(pk=reward.pk).update(proposed_by=cast.b01_officer)
    approved = reward_approve(reward=reward, by=cast.b01_chief, on=date(2026, 4, 10))
    assert approved.state == Reward.State.APPROVED and approved.claim_due == date(2026, 6, 10)
    with pytest.raises(InvalidState):
        reward_record_claim(reward=approved, by=cast.b01_chief, on=date(2026, 6, 11))
    claimed = reward_record_claim(reward=approved, by=cast.b01_fund, on=date(2026, 6, 10))
    assert claimed.state == Reward.State.CLAIMED


def test_unclaimed_rewards_are_waived(rewardable, cast):
    report, case = rewardable
    reward = reward_propose(report=report, case=case, tier="3", by=cast.b01_officer)
    reward_approve(reward=reward, by=cast.b01_chief, on=timezone.localdate() - timedelta(days=70))
    assert rewards_waive_due() == 1
    reward.refresh_from_db()
    assert reward.state == Reward.State.WAIVED


def test_rejected_needs_a_reason_and_allows_a_new_proposal(rewardable, cast):
    report, case = rewardable
    reward = reward_propose(report=report, case=case, tier="1", by=cast.b01_officer)
    with pytest.raises(InvalidState):
        reward_propose(report=report, case=case, tier="1", by=cast.b01_officer)
    with pytest.raises(ValidationError):
        reward_reject(reward=reward, by=cast.b01_chief, comment="")
    reward_reject(reward=reward, by=cast.b01_chief, comment="案值计算有误")
    assert reward_propose(report=report, case=case, tier="2", by=cast.b01_officer).amount == D("3160.00")


def test_reward_pages(rewardable, cast, client_for):
    _report, case = rewardable
    client = client_for(cast.b01_officer)
    response = client.post(reverse("enforcement:reward-create"), {"case": case.pk, "tier": "1", "evidence_valid": "on"})
    reward = Reward.objects.get()
    assert response.status_code == 302 and response["Location"] == reward.get_absolute_url()
    page = client.get(reverse("enforcement:reward-list")).content.decode()
    assert reward.case.number in page and "740.00" in page, page[page.find("<tbody") :][:600]
    chief = client_for(cast.b01_chief)
    assert chief.post(reverse("enforcement:reward-approve", args=[reward.pk])).status_code == 302
    reward.refresh_from_db()
    assert reward.state == Reward.State.APPROVED
    assert client_for(cast.b02_chief).get(reward.get_absolute_url()).status_code == 404
    assert client_for(cast.supervisor).get(reverse("enforcement:reward-list")).status_code == 403


def test_reward_list_query_count_does_not_grow(rewardable, cast, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    report, case = rewardable
    client = client_for(cast.b01_chief)
    url = reverse("enforcement:reward-list")

    def add_rewards(count):
        for _n in range(count):
            Reward.objects.create(
                report=report, case=CaseFactory(institution=case.institution), jurisdiction=case.jurisdiction,
                tier="1", case_value=1000, rate="0.03", floor=400, cap=200000, amount=400, proposed_by=cast.b01_officer,
            )  # fmt: skip

    add_rewards(1)
    client.get(url)  # warm up
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    add_rewards(49)
    with CaptureQueriesContext(connection) as fifty:
        assert client.get(url).context["paginator"].count == 50
    assert len(one) == len(fifty)


def test_batch_approval_of_rewards_is_all_or_nothing_each_audited(rewardable, cast, client_for):
    """批量批准 (issue 16): the chief ticks proposed rewards; their own proposal refuses the whole batch."""
    from supervision.org.models import AuditEvent

    report, case = rewardable

    def proposed(by):
        return Reward.objects.create(
            report=report, case=CaseFactory(institution=case.institution), jurisdiction=case.jurisdiction,
            tier="1", case_value=1000, rate="0.03", floor=400, cap=200000, amount=400, proposed_by=by,
        )  # fmt: skip

    rewards = [proposed(cast.b01_officer), proposed(cast.b01_officer)]
    own = proposed(cast.b01_chief)
    client = client_for(cast.b01_chief)
    listing = client.get(reverse("enforcement:reward-list")).content.decode()
    assert 'form="bulk-approve"' in listing and f'value="{rewards[0].pk}"' in listing
    url = reverse("enforcement:reward-bulk-approve")
    confirm = client.get(url, {"ids": [r.pk for r in rewards]}).content.decode()
    assert rewards[0].case.number in confirm and "400.00" in confirm

    response = client.post(url, {"ids": [rewards[0].pk, own.pk, rewards[1].pk], "comment": "同意"})
    assert response.status_code == 302 and response.url == reverse("enforcement:reward-bulk-result")
    result = client.get(response.url).content.decode()
    assert "table-danger" in result and own.case.number in result
    assert set(Reward.objects.values_list("state", flat=True)) == {Reward.State.PROPOSED}
    assert not AuditEvent.objects.filter(verb="approve", object_id__in=[str(r.pk) for r in rewards]).exists()

    client.post(url, {"ids": [r.pk for r in rewards], "comment": "同意"})
    assert "已批准" in client.get(reverse("enforcement:reward-bulk-result")).content.decode()
    assert {r.state for r in Reward.objects.filter(pk__in=[r.pk for r in rewards])} == {Reward.State.APPROVED}
    assert AuditEvent.objects.filter(verb="approve", object_id__in=[str(r.pk) for r in rewards]).count() == 2
    assert client_for(cast.b02_chief).post(url, {"ids": [rewards[0].pk]}).status_code == 302
    assert client_for(cast.b01_officer).get(url, {"ids": [own.pk]}).status_code == 403
