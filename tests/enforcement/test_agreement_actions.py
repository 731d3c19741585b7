"""Agreement actions (协议处理): propose → approve (chief; termination also the director) → apply, the
agreement status they cause, termination grounds, and ending suspensions (daily job)."""

from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from enforcement.agreement_actions.models import AgreementAction
from enforcement.agreement_actions.services import (
    agreement_action_apply,
    agreement_action_approve,
    agreement_action_end_due,
    agreement_action_propose,
    agreement_action_reject,
    suspensions_in_term,
    termination_grounds,
)
from enforcement.cases.services import InvalidState
from supervision.org.models import AuditEvent
from supervision.register.models import Agreement, AgreementStatusChange
from tests.enforcement.conftest import termination_defaults
from tests.factories import AgreementFactory

A = AgreementAction
D = Decimal


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def propose(cast, b01_institution, b01_agreement):
    def make(kind, *, by=None, **kwargs):
        kwargs.setdefault("grounds", "违规结算情节较重")
        if kind == A.Kind.TERMINATE:
            termination_defaults(kwargs)
        return agreement_action_propose(by=by or cast.b01_fund, institution=b01_institution, kind=kind, **kwargs)

    return make


@pytest.fixture
def suspension(propose, today):
    def make(starts_on=None, ends_on=None, **kwargs):
        starts_on = starts_on or today
        return propose(A.Kind.SUSPEND, starts_on=starts_on, ends_on=ends_on or starts_on + timedelta(days=90), **kwargs)

    return make


def status(agreement) -> str:
    return Agreement.objects.get(pk=agreement.pk).status


def applied_past_suspension(suspension, cast, today, days_ago):
    """A suspension that ran in the past: applied and ended at once."""
    action = suspension(starts_on=today - timedelta(days=days_ago), ends_on=today - timedelta(days=days_ago - 30))
    action = agreement_action_approve(action=action, by=cast.b01_chief)
    return agreement_action_apply(action=action, by=cast.b01_fund)


# --- Propose, approve, apply ----------------------------------------------------------------------------


def test_suspension_propose_approve_apply(suspension, cast, b01_agreement, today):
    action = suspension()
    assert (action.state, action.agreement, action.jurisdiction) == (
        A.State.PROPOSED,
        b01_agreement,
        b01_agreement.jurisdiction,
    )
    action = agreement_action_approve(action=action, by=cast.b01_chief, comment="同意")
    assert (action.state, action.chief_approved_by, action.decided_comment) == (
        A.State.APPROVED,
        cast.b01_chief,
        "同意",
    )
    assert status(b01_agreement) == Agreement.Status.ACTIVE  # approval alone changes nothing
    action = agreement_action_apply(action=action, by=cast.b01_fund)
    assert action.state == A.State.APPLIED
    assert action.applied_at is not None
    assert status(b01_agreement) == Agreement.Status.SUSPENDED
    change = AgreementStatusChange.objects.get(agreement=b01_agreement)
    assert (change.from_status, change.to_status, change.effective_on) == ("active", "suspended", today)
    assert change.cause == f"agreement-action:{action.pk}"
    verbs = list(AuditEvent.objects.for_object(action).order_by("pk").values_list("verb", "actor__username"))
    assert verbs == [("propose", "b01_fund"), ("approve", "b01_chief"), ("apply", "b01_fund")]


def test_measures_without_status_change(propose, cast, b01_agreement):
    for kind, amount in ((A.Kind.INTERVIEW, 0), (A.Kind.RECOVER, D("26800")), (A.Kind.RECTIFY, 0)):
        action = propose(kind, amount=amount)
        action = agreement_action_approve(action=action, by=cast.b01_chief)
        assert action.state == A.State.APPROVED
        action = agreement_action_apply(action=action, by=cast.b01_chief)
        assert action.state == A.State.APPLIED
    assert status(b01_agreement) == Agreement.Status.ACTIVE
    assert not AgreementStatusChange.objects.exists()


def test_proposal_is_validated(propose, suspension, today):
    with pytest.raises(ValidationError):
        propose(A.Kind.SUSPEND)  # no dates
    with pytest.raises(ValidationError):
        suspension(starts_on=today, ends_on=today)
    with pytest.raises(ValidationError):
        propose(A.Kind.TERMINATE)  # no effective date
    with pytest.raises(ValidationError):
        propose(A.Kind.RECOVER)  # no amount
    with pytest.raises(ValidationError):
        propose(A.Kind.INTERVIEW, grounds="  ")
    assert not AgreementAction.objects.exists()


def test_proposal_on_another_institutions_agreement_is_refused(propose, b02_agreement):
    with pytest.raises(ValidationError):
        propose(A.Kind.INTERVIEW, agreement=b02_agreement)


def test_proposal_outside_scope_or_role_is_refused(propose, cast):
    for user in (cast.b02_chief, cast.analyst, cast.legal):
        with pytest.raises(PermissionDenied):
            propose(A.Kind.INTERVIEW, by=user)


def test_institution_without_agreement(cast, b02_institution):
    with pytest.raises(ValidationError):
        agreement_action_propose(by=cast.b02_chief, institution=b02_institution, kind=A.Kind.INTERVIEW, grounds="约谈")


def test_suspending_a_terminated_agreement_is_refused(suspension, b01_agreement):
    Agreement.objects.filter(pk=b01_agreement.pk).update(status=Agreement.Status.TERMINATED)
    with pytest.raises(ValidationError):
        suspension()


def test_nobody_approves_their_own_proposal(propose, cast):
    action = propose(A.Kind.INTERVIEW, by=cast.b01_chief)
    with pytest.raises(PermissionDenied):
        agreement_action_approve(action=action, by=cast.b01_chief)
    assert AgreementAction.objects.get(pk=action.pk).state == A.State.PROPOSED


def test_approval_needs_a_chief_in_scope(propose, cast):
    action = propose(A.Kind.INTERVIEW)
    for user in (cast.b01_officer, cast.b01_fund, cast.b02_chief, cast.legal):
        with pytest.raises(PermissionDenied):
            agreement_action_approve(action=action, by=user)
    assert agreement_action_approve(action=action, by=cast.enf_chief).state == A.State.APPROVED


def test_approve_or_apply_in_the_wrong_state(propose, cast):
    action = propose(A.Kind.INTERVIEW)
    with pytest.raises(InvalidState):
        agreement_action_apply(action=action, by=cast.b01_fund)  # not approved yet
    action = agreement_action_approve(action=action, by=cast.b01_chief)
    with pytest.raises(InvalidState):
        agreement_action_approve(action=action, by=cast.enf_chief)  # approved already
    action = agreement_action_apply(action=action, by=cast.b01_fund)
    with pytest.raises(InvalidState):
        agreement_action_approve(action=action, by=cast.b01_chief)
    with pytest.raises(InvalidState):
        agreement_action_apply(action=action, by=cast.b01_fund)
    with pytest.raises(InvalidState):
        agreement_action_reject(action=action, by=cast.b01_chief, comment="撤销")


def test_reject_needs_a_reason_and_ends_the_proposal(propose, cast):
    action = propose(A.Kind.INTERVIEW)
    with pytest.raises(ValidationError):
        agreement_action_reject(action=action, by=cast.b01_chief, comment=" ")
    action = agreement_action_reject(action=action, by=cast.b01_chief, comment="证据不足")
    assert (action.state, action.decided_comment) == (A.State.REJECTED, "证据不足")
    with pytest.raises(InvalidState):
        agreement_action_approve(action=action, by=cast.enf_chief)


def test_apply_needs_fund_officer_or_chief_in_scope(propose, cast):
    action = agreement_action_approve(action=propose(A.Kind.INTERVIEW), by=cast.b01_chief)
    for user in (cast.b01_officer, cast.b02_chief, cast.director):
        with pytest.raises(PermissionDenied):
            agreement_action_apply(action=action, by=user)


def test_overlapping_suspension_cannot_be_applied(suspension, cast, b01_agreement):
    first = agreement_action_approve(action=suspension(), by=cast.b01_chief)
    second = agreement_action_approve(action=suspension(), by=cast.b01_chief)
    agreement_action_apply(action=first, by=cast.b01_fund)
    with pytest.raises(ValidationError):
        agreement_action_apply(action=second, by=cast.b01_fund)
    assert AgreementAction.objects.get(pk=second.pk).state == A.State.APPROVED
    assert status(b01_agreement) == Agreement.Status.SUSPENDED


# --- Termination ----------------------------------------------------------------------------------------------


def test_termination_needs_the_chief_then_the_director(propose, cast, b01_agreement, suspension, today):
    applied_past_suspension(suspension, cast, today, 200)
    applied_past_suspension(suspension, cast, today, 100)
    action = propose(A.Kind.TERMINATE, starts_on=today)
    action = agreement_action_approve(action=action, by=cast.b01_chief)
    assert (action.state, action.chief_approved_by, action.director_approved_by) == (
        A.State.CHIEF_APPROVED, cast.b01_chief, None
    )  # fmt: skip
    with pytest.raises(PermissionDenied):
        agreement_action_approve(action=action, by=cast.enf_chief)
    with pytest.raises(InvalidState):
        agreement_action_apply(action=action, by=cast.b01_fund)
    action = agreement_action_approve(action=action, by=cast.director, comment="同意解除")
    assert (action.state, action.director_approved_by) == (A.State.APPROVED, cast.director)
    action = agreement_action_apply(action=action, by=cast.b01_fund)
    assert status(b01_agreement) == Agreement.Status.TERMINATED


def test_termination_refused_without_two_suspensions_or_a_case(propose, cast, suspension, today):
    action = agreement_action_approve(action=propose(A.Kind.TERMINATE, starts_on=today), by=cast.b01_chief)
    with pytest.raises(ValidationError) as info:
        agreement_action_approve(action=action, by=cast.director)
    assert "kind" in info.value.message_dict
    assert AgreementAction.objects.get(pk=action.pk).state == A.State.CHIEF_APPROVED

    applied_past_suspension(suspension, cast, today, 200)
    assert suspensions_in_term(action.agreement) == 1
    with pytest.raises(ValidationError):
        agreement_action_approve(action=action, by=cast.director)

    # A proposed or merely approved suspension does not count.
    agreement_action_approve(action=suspension(), by=cast.b01_chief)
    assert suspensions_in_term(action.agreement) == 1
    with pytest.raises(ValidationError):
        agreement_action_approve(action=action, by=cast.director)

    applied_past_suspension(suspension, cast, today, 100)
    assert suspensions_in_term(action.agreement) == 2
    assert termination_grounds(action.agreement)
    assert agreement_action_approve(action=action, by=cast.director).state == A.State.APPROVED


def test_suspensions_of_another_agreement_do_not_count(propose, cast, b01_institution, b01_agreement, today):
    other = AgreementFactory(institution=b01_institution, valid_from=date(2022, 1, 1), valid_to=date(2030, 12, 31))
    for days_ago in (200, 100):
        action = propose(A.Kind.SUSPEND, agreement=other, starts_on=today - timedelta(days=days_ago),
                         ends_on=today - timedelta(days=days_ago - 30))  # fmt: skip
        agreement_action_apply(action=agreement_action_approve(action=action, by=cast.b01_chief), by=cast.b01_fund)
    assert suspensions_in_term(other) == 2
    assert suspensions_in_term(b01_agreement) == 0


def test_termination_on_a_related_case_needs_no_suspensions(propose, cast, driver, b01_agreement, today):
    case = driver.case_in("decided", codes=("FAKE_CARE",), amount="10000")
    action = propose(A.Kind.TERMINATE, starts_on=today, case=case)
    action = agreement_action_approve(action=action, by=cast.b01_chief)
    action = agreement_action_approve(action=action, by=cast.director)
    assert action.state == A.State.APPROVED
    agreement_action_apply(action=action, by=cast.b01_chief)
    assert status(b01_agreement) == Agreement.Status.TERMINATED


def test_termination_needs_the_chief_before_the_director(propose, cast, driver, today):
    case = driver.open()
    action = propose(A.Kind.TERMINATE, starts_on=today, case=case)
    with pytest.raises(PermissionDenied):
        agreement_action_approve(action=action, by=cast.director)
    action = agreement_action_approve(action=action, by=cast.b01_chief)
    assert action.state == A.State.CHIEF_APPROVED
    action = agreement_action_approve(action=action, by=cast.director)
    assert (action.state, action.chief_approved_by, action.director_approved_by) == (
        A.State.APPROVED, cast.b01_chief, cast.director
    )  # fmt: skip


def test_a_future_suspension_takes_effect_on_its_start_date(suspension, cast, b01_agreement, today):
    action = agreement_action_approve(action=suspension(starts_on=today + timedelta(days=3)), by=cast.b01_chief)
    action = agreement_action_apply(action=action, by=cast.b01_fund)
    assert action.state == A.State.APPLIED
    assert status(b01_agreement) == Agreement.Status.ACTIVE  # not yet
    assert agreement_action_end_due(today=today + timedelta(days=2)) == 0
    assert agreement_action_end_due(today=today + timedelta(days=3)) == 1
    assert status(b01_agreement) == Agreement.Status.SUSPENDED
    assert agreement_action_end_due(today=today + timedelta(days=3)) == 0  # started once only


# --- Ending suspensions -------------------------------------------------------------------------------------------


def test_end_due_ends_suspensions_and_the_agreement_resumes(suspension, cast, b01_agreement, today):
    action = agreement_action_apply(action=agreement_action_approve(action=suspension(), by=cast.b01_chief),
                                    by=cast.b01_fund)  # fmt: skip
    ends = action.ends_on
    assert agreement_action_end_due(today=ends - timedelta(days=1)) == 0
    assert status(b01_agreement) == Agreement.Status.SUSPENDED
    assert agreement_action_end_due(today=ends) == 1
    action.refresh_from_db()
    assert action.state == A.State.ENDED
    assert action.ended_at is not None
    assert status(b01_agreement) == Agreement.Status.ACTIVE
    change = AgreementStatusChange.objects.filter(agreement=b01_agreement).latest("pk")
    assert (change.from_status, change.to_status, change.effective_on, change.by) == ("suspended", "active", ends, None)
    assert AuditEvent.objects.for_object(action).filter(verb="end", actor=None).exists()
    assert agreement_action_end_due(today=ends) == 0  # idempotent


def test_suspension_running_past_the_agreement_period_ends_it(suspension, cast, b01_agreement):
    ends = b01_agreement.valid_to + timedelta(days=5)
    action = suspension(ends_on=ends)
    agreement_action_apply(action=agreement_action_approve(action=action, by=cast.b01_chief), by=cast.b01_fund)
    assert agreement_action_end_due(today=ends) == 1
    assert status(b01_agreement) == Agreement.Status.EXPIRED


def test_applying_a_suspension_that_already_ended(suspension, cast, b01_agreement, today):
    action = applied_past_suspension(suspension, cast, today, 100)
    assert action.state == A.State.ENDED
    assert status(b01_agreement) == Agreement.Status.ACTIVE
    assert list(b01_agreement.history.values_list("to_status", flat=True)) == ["suspended", "active"]


def test_end_due_leaves_an_agreement_terminated_meanwhile(suspension, cast, b01_agreement):
    action = agreement_action_apply(action=agreement_action_approve(action=suspension(), by=cast.b01_chief),
                                    by=cast.b01_fund)  # fmt: skip
    Agreement.objects.filter(pk=b01_agreement.pk).update(status=Agreement.Status.TERMINATED)
    assert agreement_action_end_due(today=action.ends_on) == 1
    assert status(b01_agreement) == Agreement.Status.TERMINATED


def test_refresh_agreements_command_ends_due_suspensions(suspension, cast, b01_agreement, today):
    action = suspension(starts_on=today - timedelta(days=30), ends_on=today + timedelta(days=1))
    action = agreement_action_apply(action=agreement_action_approve(action=action, by=cast.b01_chief),
                                    by=cast.b01_fund)  # fmt: skip
    out = StringIO()
    call_command("refresh_agreements", stdout=out)
    assert "agreement_action_end_due: 0" in out.getvalue()
    AgreementAction.objects.filter(pk=action.pk).update(ends_on=today)
    out = StringIO()
    call_command("refresh_agreements", stdout=out)
    assert "agreement_action_end_due: 1" in out.getvalue()
    assert "agreements_expire: 0" in out.getvalue()
    assert status(b01_agreement) == Agreement.Status.ACTIVE
