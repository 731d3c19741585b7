"""Demo credit data (issue 7): ratings across all grades, a repair application, an assessment filled in.

Built through the services: agreement measures applied by the branch's fund officer (their credit events
follow from the outcome hook), a fund settlement amount that triggers the 5‰ veto, repair applications and
the worked example of the medical-community assessment. Each step is keyed so a second run adds nothing.
"""

import io
from decimal import Decimal

from django.utils import timezone

from credit.models import Assessment, AssessmentPreset, CreditEvent, CreditRating, RepairApplication, SettlementAmount
from credit.services import assessment_save, rating_recompute, repair_apply, repair_decide
from credit.settlements import settlement_import
from enforcement.agreement_actions.models import AgreementAction
from enforcement.agreement_actions.services import (
    agreement_action_apply,
    agreement_action_approve,
    agreement_action_propose,
)
from enforcement.cases.models import Case
from supervision.register.models import Agreement, Institution

MARK = "【信用评价演示】"
REPAIR_REASONS = "已全额退回违规结算费用，完成整改并建立医保内控制度，申请信用修复。"
K = AgreementAction.Kind
# Grade → the measures applied (start 100): B 87, C 75, D 65.
PLANS = {
    "B": [K.RECTIFY, K.RECOVER, K.REFUSE_PAYMENT],
    "C": [K.RECOVER] * 5,
    "D": [K.RECOVER] * 5 + [K.REFUSE_PAYMENT, K.REFUSE_PAYMENT],
}
WORKED_EXAMPLE = {
    "in_county_rate": "88",
    "cost_growth": "6.5",
    "length_of_stay": "8.6",
    "drg_grouping_rate": "91",
    "day_surgery_kinds": "8",
    "day_surgery_cases": "380",
    "chronic_management_rate": "80",
    "out_of_pocket_share": "33",
    "satisfaction_satisfied": "180",
    "satisfaction_returned": "200",
}


def _untouched(branch_code: str, skip: set[int]) -> list[Institution]:
    """Institutions of the branch without credit events yet (the demo's clean slate)."""
    busy = set(CreditEvent.objects.values_list("institution_id", flat=True))
    return [
        i
        for i in Institution.objects.filter(jurisdiction__code=branch_code).order_by("-code")
        if i.pk not in busy | skip and i.agreements.filter(status=Agreement.Status.ACTIVE).exists()
    ]


def _seed_grades(users: dict, today) -> int:
    created = 0
    for branch in ("B01", "B02"):
        lower = branch.lower()
        fund, chief = users.get(f"{lower}_fund") or users["fund_officer"], users[f"{lower}_chief"]
        for grade, kinds in PLANS.items():
            grounds = f"{MARK}{branch}-{grade}"
            if AgreementAction.objects.filter(grounds__startswith=grounds).exists():
                continue
            candidates = _untouched(branch, set())
            if not candidates:
                continue
            institution = candidates[0]
            for index, kind in enumerate(kinds, start=1):
                action = agreement_action_propose(
                    by=fund,
                    institution=institution,
                    kind=kind,
                    grounds=f"{grounds}-{index} 违规结算，按协议处理",
                    amount=Decimal("3000") if kind in (K.RECOVER, K.REFUSE_PAYMENT) else 0,
                )
                action = agreement_action_approve(action=action, by=chief, comment="同意")
                agreement_action_apply(action=action, by=fund, today=today)
                created += 1
    return created


def _seed_settlement_veto(users: dict, today) -> int:
    """Grade E by the 5‰ rule: a settlement amount small enough that a decided case's amount exceeds 5‰."""
    if SettlementAmount.objects.filter(year=today.year, imported_by=users["fund_officer"]).exists():
        return 0  # imported on an earlier run (later demo data may have changed which case comes first)
    case = (
        Case.objects.filter(outcome=Case.Outcome.PENALTY, decided_on__year=today.year, jurisdiction__code="B02")
        .exclude(institution=None)
        .order_by("decided_on", "pk")
        .first()
    )
    if case is None or SettlementAmount.objects.filter(institution_id=case.institution_id).exists():
        return 0
    amount = (case.amount_involved * 1000 / 5 - 1000).quantize(Decimal("0.01"))  # 5‰ of it is just below the case
    text = f"institution_code,year,amount\n{case.institution.code},{today.year},{amount}\n"
    result = settlement_import(by=users["fund_officer"], fileobj=io.BytesIO(text.encode()), file_name="demo.csv")
    return result.created


def _seed_repairs(users: dict, today) -> int:
    created = 0
    for branch, decide in (("B01", False), ("B02", True)):
        rating = (
            CreditRating.objects.filter(jurisdiction__code=branch, year=today.year, grade__in=["C", "D"])
            .select_related("institution")
            .order_by("grade", "pk")
            .first()
        )
        if (
            rating is None
            or RepairApplication.objects.filter(jurisdiction__code=branch, reasons=REPAIR_REASONS).exists()
        ):
            continue
        lower = branch.lower()
        application = repair_apply(
            by=users[f"{lower}_officer1"],
            institution=rating.institution,
            year=today.year,
            reasons=REPAIR_REASONS,
            evidence_description="整改报告、退款凭证、内控制度文件",
        )
        if decide:
            repair_decide(
                application=application, by=users[f"{lower}_chief"], approve=True, comment="整改到位，同意修复"
            )
        created += 1
    return created


def _seed_assessment(users: dict) -> int:
    preset = AssessmentPreset.objects.filter(key="medical-community", year=2021).first()
    community = "江川县第一紧密型医共体"
    if preset is None or Assessment.objects.filter(community=community).exists():
        return 0
    lead = Institution.objects.filter(jurisdiction__code="B01", kind="hospital").order_by("code").first()
    if lead is None:
        return 0
    assessment_save(
        by=users["b01_chief"],
        preset=preset,
        community=community,
        lead_institution=lead,
        values=WORKED_EXAMPLE,
        bonus=["drg_charging_reform"],
        veto=False,
    )
    return 1


def seed(*, units: dict, users: dict, institutions=None) -> dict:
    today = timezone.localdate()
    measures = _seed_grades(users, today)
    # Every demo institution gets its rating for the year (most start at 100, grade A).
    for pk in Institution.objects.filter(jurisdiction__code__in=["B01", "B02", "B03"]).values_list("pk", flat=True):
        if not CreditRating.objects.filter(institution_id=pk, year=today.year).exists():
            rating_recompute(institution_id=pk, year=today.year)
    settlements = _seed_settlement_veto(users, today)
    repairs = _seed_repairs(users, today)
    assessments = _seed_assessment(users)
    return {
        "credit ratings": CreditRating.objects.count(),
        "new credit measures": measures,
        "new settlement amounts": settlements,
        "new repair applications": repairs,
        "new assessments": assessments,
    }
