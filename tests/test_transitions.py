"""The proof that buttons and services agree: for every stateful record, every step of its transition table,
every state the record can be in and every member of the demo cast, the step is offered (``table.available``)
exactly when the real service accepts it (raises neither InvalidState nor PermissionDenied).

Each record is built in each state once; every service call runs in a savepoint that is rolled back, so the
next call sees the same record. The services get valid input, so a ValidationError here is a failure too.
"""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from credit import services as credit_services
from credit.models import RepairApplication
from credit.transitions import REPAIR_TRANSITIONS
from enforcement.agreement_actions import services as aa_services
from enforcement.agreement_actions.models import AgreementAction
from enforcement.agreement_actions.transitions import TRANSITIONS as AA_TRANSITIONS
from enforcement.cases.models import CaseOfficer, CaseState
from enforcement.cases.procedure import ACTIONS, TABLE, available_actions
from enforcement.cases.services import case_check_action
from enforcement.legal.models import TerminationGround
from enforcement.rewards import services as reward_services
from enforcement.rewards.models import Reward
from enforcement.rewards.transitions import TRANSITIONS as REWARD_TRANSITIONS
from portal.errors import InvalidState
from portal.extensions import violation_code_choices
from portal.permissions import object_perm_checker
from portal.transitions import TransitionTable, transition
from supervision.inspections import services as inspection_services
from supervision.inspections.models import Inspection, RandomDraw
from supervision.inspections.transitions import DRAW_TRANSITIONS, DRAWN, PUBLISHED
from supervision.inspections.transitions import TRANSITIONS as INSPECTION_TRANSITIONS
from supervision.leads import services as lead_services
from supervision.leads.models import Lead
from supervision.leads.transitions import TRANSITIONS as LEAD_TRANSITIONS
from supervision.reports import services as report_services
from supervision.reports.models import Report
from supervision.reports.transitions import TRANSITIONS as REPORT_TRANSITIONS
from tests.factories import AgreementActionFactory, CaseFactory, InspectionFactory, LeadFactory


class _Accepted(Exception):
    """Raised after a service returned, to roll its writes back."""


def accepts(call) -> bool:
    try:
        with transaction.atomic():
            call()
            raise _Accepted
    except _Accepted:
        return True
    except (InvalidState, PermissionDenied):
        return False


def walk(table: TransitionTable, records: dict, services: dict, cast, *, has_perm=None, writes=True) -> list[str]:
    """records: label → record; services: step name → call(record, user). Returns the disagreements.

    ``has_perm(user, record)`` makes the checker the page passes to ``available``; ``writes=False`` for a
    service that only checks (no savepoint needed, the record is read once per user).
    """
    assert set(services) == {t.name for t in table if not t.internal}, "every step of the table is walked"
    model = type(next(iter(records.values())))
    disagreements, outcomes = [], set()
    for label, record in records.items():
        for username, user in cast.items():
            fresh = model.objects.get(pk=record.pk)
            checker = has_perm(user, fresh) if has_perm else None
            shown = {t.name for t in table.available(fresh, user, checker)}
            for name, call in services.items():
                if writes:
                    fresh = model.objects.get(pk=record.pk)
                    accepted = accepts(lambda call=call, fresh=fresh, user=user: call(fresh, user))
                else:
                    try:
                        call(fresh, user)
                        accepted = True
                    except (InvalidState, PermissionDenied):
                        accepted = False
                outcomes.add(accepted)
                if (name in shown) != accepted:
                    disagreements.append(
                        f"{label} · {name} · {username}: button {'shown' if name in shown else 'hidden'}, "
                        f"service {'accepts' if accepted else 'refuses'}"
                    )
    assert outcomes == {True, False}, "the walk saw both accepted and refused steps"
    return disagreements


def test_a_table_checks_permission_then_state_then_guard(cast, b01_institution):
    lead = LeadFactory(institution=b01_institution, status=Lead.Status.NEW)
    table = TransitionTable(
        [transition("go", "Go", {Lead.Status.NEW}, None, perm="supervision.dispatch_lead", guard=lambda o, u: False)],
        state="status",
    )
    with pytest.raises(PermissionDenied):
        table.check(lead, "go", cast.b01_officer)  # no permission, whatever the state
    lead.status = Lead.Status.CONFIRMED
    with pytest.raises(InvalidState):
        table.check(lead, "go", cast.b01_chief)
    lead.status = Lead.Status.NEW
    with pytest.raises(PermissionDenied):
        table.check(lead, "go", cast.b01_chief)  # the guard refuses
    assert table.available(lead, cast.b01_chief) == []


def test_leads(cast, b01_institution):
    records = {s: LeadFactory(institution=b01_institution, status=s) for s in Lead.Status.values}
    services = {
        "dispatch": lambda lead, user: lead_services.lead_dispatch(lead=lead, by=user),
        "start_verification": lambda lead, user: lead_services.lead_start_verification(lead=lead, by=user),
        "dismiss": lambda lead, user: lead_services.lead_dismiss(lead=lead, by=user, reason="查无实据"),
        "confirm": lambda lead, user: lead_services.lead_confirm(lead=lead, by=user),
    }
    assert walk(LEAD_TRANSITIONS, records, services, cast) == []


def test_inspections(cast, b01_institution):
    # A self-inspection is not on site, so starting it needs no certified team.
    records = {
        s: InspectionFactory(institution=b01_institution, kind="self", status=s) for s in Inspection.Status.values
    }
    code = next(iter(dict(violation_code_choices())))
    services = {
        "start": lambda i, user: inspection_services.inspection_start(inspection=i, by=user),
        "add_finding": lambda i, user: inspection_services.inspection_add_finding(
            inspection=i, by=user, violation_code=code, description="发现问题", amount=100
        ),
        "finish": lambda i, user: inspection_services.inspection_finish(inspection=i, by=user, result="已检查"),
        "close": lambda i, user: inspection_services.inspection_close(inspection=i, by=user),
        "cancel": lambda i, user: inspection_services.inspection_cancel(inspection=i, by=user, reason="计划调整"),
    }
    assert walk(INSPECTION_TRANSITIONS, records, services, cast) == []


def test_random_draws(cast, org):
    def draw(published: bool) -> RandomDraw:
        return RandomDraw.objects.create(
            title="双随机抽查", jurisdiction=org.b01, planned_on=date(2026, 3, 2), seed="1", drawn_by=cast.b01_chief,
            published_at=timezone.now() if published else None,
        )  # fmt: skip

    records = {DRAWN: draw(False), PUBLISHED: draw(True)}
    services = {"publish": lambda d, user: inspection_services.draw_publish(draw=d, by=user)}
    assert walk(DRAW_TRANSITIONS, records, services, cast) == []


def test_reports(cast, b01_institution):
    records = {
        s: Report.objects.create(
            kind=Report.Kind.PUBLIC,
            institution=b01_institution,
            jurisdiction=b01_institution.jurisdiction,
            summary="虚假住院",
            details="详情",
            reply_due=date(2026, 12, 31),
            tracking_code=f"TRK{i:04d}",
            status=s,
        )
        for i, s in enumerate(Report.Status.values)
    }
    services = {
        "reply": lambda r, user: report_services.report_reply(report=r, by=user, text="已受理"),
        "close": lambda r, user: report_services.report_close(report=r, by=user, reason="已办结"),
    }
    assert walk(REPORT_TRANSITIONS, records, services, cast) == []


def test_agreement_actions(cast, b01_agreement):
    """Two kinds: an interview proposed by the branch chief (the chief or the director approves, never the
    proposer), and a termination proposed by an officer (the chief approves, then the director)."""
    case = CaseFactory(institution=b01_agreement.institution)
    # A termination names its ground and evidence (Order No.2 Art 43, issue 14): one resting on the related case.
    ground = TerminationGround.objects.filter(needs_case=True, min_suspensions=0, is_active=True).first()
    records = {}
    for s in AgreementAction.State.values:
        records[f"interview/{s}"] = AgreementActionFactory(agreement=b01_agreement, state=s, proposed_by=cast.b01_chief)
        records[f"terminate/{s}"] = AgreementActionFactory(
            agreement=b01_agreement, kind="terminate", state=s, proposed_by=cast.b01_officer, case=case,
            starts_on=date(2026, 6, 1), termination_ground=ground, evidence="行政处罚决定书（欺诈骗取医保基金）",
        )  # fmt: skip
    services = {
        "approve": lambda a, user: aa_services.agreement_action_approve(action=a, by=user),
        "reject": lambda a, user: aa_services.agreement_action_reject(action=a, by=user, comment="依据不足"),
        "apply": lambda a, user: aa_services.agreement_action_apply(action=a, by=user, today=date(2026, 5, 1)),
        "revoke": lambda a, user: aa_services.agreement_action_revoke(action=a, by=user, reason="复议撤销"),
    }
    assert walk(AA_TRANSITIONS, records, services, cast) == []


def test_the_director_is_not_offered_the_chiefs_approval_of_a_termination(cast, b01_agreement):
    action = AgreementActionFactory(
        agreement=b01_agreement, kind="terminate", proposed_by=cast.b01_officer, starts_on=date(2026, 6, 1),
        case=CaseFactory(institution=b01_agreement.institution), evidence="行政处罚决定书（欺诈骗取医保基金）",
        termination_ground=TerminationGround.objects.filter(needs_case=True, min_suspensions=0).first(),
    )  # fmt: skip
    assert "approve" not in {t.name for t in AA_TRANSITIONS.available(action, cast.director)}
    assert "approve" in {t.name for t in AA_TRANSITIONS.available(action, cast.b01_chief)}
    action = aa_services.agreement_action_approve(action=action, by=cast.b01_chief)
    assert action.state == AgreementAction.State.CHIEF_APPROVED
    assert "approve" not in {t.name for t in AA_TRANSITIONS.available(action, cast.b01_chief)}
    assert "approve" in {t.name for t in AA_TRANSITIONS.available(action, cast.director)}


def test_rewards(cast, b01_institution):
    report = Report.objects.create(
        kind=Report.Kind.PUBLIC, institution=b01_institution, jurisdiction=b01_institution.jurisdiction,
        summary="虚假住院", details="详情", reply_due=date(2026, 12, 31), tracking_code="TRKREWARD",
    )  # fmt: skip
    records = {
        s: Reward.objects.create(
            report=report,
            case=CaseFactory(institution=b01_institution),
            jurisdiction=b01_institution.jurisdiction,
            tier="1",
            case_value=1000,
            rate="0.03",
            floor=400,
            cap=200000,
            amount=400,
            proposed_by=cast.b01_chief,
            state=s,
            claim_due=timezone.localdate() + timedelta(days=60),
        )
        for s in Reward.State.values
    }
    services = {
        "approve": lambda r, user: reward_services.reward_approve(reward=r, by=user),
        "reject": lambda r, user: reward_services.reward_reject(reward=r, by=user, comment="不符合条件"),
        "claim": lambda r, user: reward_services.reward_record_claim(reward=r, by=user),
    }
    assert walk(REWARD_TRANSITIONS, records, services, cast) == []


def test_repair_applications(cast, b01_institution):
    records = {
        s: RepairApplication.objects.create(
            institution=b01_institution,
            jurisdiction=b01_institution.jurisdiction,
            year=2026,
            reasons="已整改",
            evidence_description="整改报告",
            submitted_by=cast.b01_chief,
            state=s,
        )
        for s in RepairApplication.State.values
    }
    services = {
        "approve": lambda a, user: credit_services.repair_decide(application=a, by=user, approve=True),
        "refuse": lambda a, user: credit_services.repair_decide(
            application=a, by=user, approve=False, comment="证据不足"
        ),
    }
    assert walk(REPAIR_TRANSITIONS, records, services, cast) == []


def test_cases(cast, b01_institution):
    """The case procedure's guard (what ``case_act`` asks under its row lock before the step's handler reads
    its input) against the buttons of the case page, which ask with the page's grant checker."""
    records = {}
    for s in CaseState.values:
        case = CaseFactory(institution=b01_institution, state=s, opened_by=cast.b01_officer)
        CaseOfficer.objects.create(case=case, user=cast.b01_officer, is_lead=True)
        records[s] = case
    services = {
        name: lambda case, user, name=name: case_check_action(case=case, action=name, by=user) for name in ACTIONS
    }
    checker = lambda user, case: object_perm_checker(user, [case])  # noqa: E731
    assert walk(TABLE, records, services, cast, has_perm=checker, writes=False) == []
    case = records[CaseState.INVESTIGATING]
    assert "submit_report" in {a.name for a in available_actions(case, cast.b01_officer)}
    assert "submit_report" not in {a.name for a in available_actions(case, cast.b02_officer)}


def test_the_approval_queue_lists_what_the_table_offers_to_approve(cast, b01_agreement):
    """The home panel's agreement-action queue (SQL) and the table's stage rule (Python) agree."""
    from enforcement.cases.queues import agreement_actions_awaiting_approval

    case = CaseFactory(institution=b01_agreement.institution)
    for state in AgreementAction.State.values:
        for kind in ("interview", "terminate"):
            for proposer in (cast.b01_chief, cast.b01_officer):
                AgreementActionFactory(
                    agreement=b01_agreement, kind=kind, state=state, proposed_by=proposer, case=case,
                    starts_on=date(2026, 6, 1),
                )  # fmt: skip
    for username, user in cast.items():
        visible = AgreementAction.objects.visible_to(user)
        offered = {a.pk for a in visible if "approve" in {t.name for t in AA_TRANSITIONS.available(a, user)}}
        queued = set(agreement_actions_awaiting_approval(visible, user).values_list("pk", flat=True))
        assert queued == offered, username
