"""Demo rewards and public disclosure (issue 6): a named public report that became a case whose recovered funds
earn the reporter an approved reward, a second one only proposed; then every decided penalty and applied
termination is published. Keyed on the report summaries; publishing is idempotent by itself."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from enforcement.cases.demo import PATHS, seed_documents, walk_case
from enforcement.follow_ups.services import lead_convert_to_case
from enforcement.public.services import disclosures_publish_due
from enforcement.rewards.models import Reward
from enforcement.rewards.services import reward_approve, reward_propose
from supervision.leads import services as leads_services
from supervision.leads.models import Lead
from supervision.register.models import Institution
from supervision.reports import services as reports_services
from supervision.reports.models import Report

# branch, institution serial, summary, reporter, amount, approve?
STORIES = [
    ("B01", 4, "康复医院串换高价康复项目", ("王建国", "330102196805120318", "13705716688"), "158000", True),
    ("B02", 9, "村卫生室虚记诊疗费用", ("陈美兰", "330106197912080027", "15968123456"), "9800", False),
]


def _story(branch, serial, summary, reporter, amount, approve, users, today) -> bool:
    if Report.objects.filter(kind=Report.Kind.PUBLIC, summary=summary).exists():
        return False
    code = branch.lower()
    chief, officer1 = users[f"{code}_chief"], users[f"{code}_officer1"]
    institution = Institution.objects.filter(jurisdiction__code=branch).order_by("code")[serial - 1]
    name, id_number, phone = reporter
    report = reports_services.public_report_submit(
        institution=institution,
        summary=summary,
        details=f"{summary}，有收费票据和结算清单为证。",
        observed_on=today - timedelta(days=100),
        is_anonymous=False,
        reporter_name=name,
        reporter_id_number=id_number,
        reporter_phone=phone,
        wants_reward=True,
    )
    # Received months ago (before the case's filing date in the demo procedure), replied on time.
    received = today - timedelta(days=85)
    Report.objects.filter(pk=report.pk).update(
        received_on=received,
        submitted_at=timezone.now() - timedelta(days=85),
        reply_due=reports_services.reply_due(received),
    )
    Lead.objects.filter(pk=report.lead_id).update(received_on=received, amount=Decimal(amount))
    lead = Lead.objects.get(pk=report.lead_id)
    lead = leads_services.lead_dispatch(lead=lead, by=chief, on=received + timedelta(days=1))
    lead = leads_services.lead_start_verification(lead=lead, by=chief, on=received + timedelta(days=2))
    lead = leads_services.lead_confirm(lead=lead, by=chief, note="举报属实", on=received + timedelta(days=4))
    case = lead_convert_to_case(lead=lead, by=officer1, title=f"{institution.name}{summary}案",
                                violation_codes=["SUBSTITUTION"], amount_involved=Decimal(amount))  # fmt: skip
    people = {"officer1": officer1, "officer2": users[f"{code}_officer2"], "chief": chief,
              "legal": users["legal"], "director": users["director"]}  # fmt: skip
    case = walk_case(case, PATHS["closed"], people, "", today)
    reports_services.report_reply(
        report=Report.objects.get(pk=report.pk), by=chief, text="您举报的问题经查属实，已依法作出行政处罚。"
    )
    reward = reward_propose(report=Report.objects.get(pk=report.pk), case=case, tier="1", by=officer1)
    if approve:
        reward_approve(reward=reward, by=chief, comment="同意按一级奖励标准发放")
    return True


def seed(*, units: dict, users: dict, institutions=None) -> dict:
    today = timezone.localdate()
    stories = sum(_story(*story, users=users, today=today) for story in STORIES)
    if stories:
        seed_documents(users)  # the story cases' decisions, as the enforcement demo issues them
    published = disclosures_publish_due(today=today)
    return {"rewards": stories and Reward.objects.count(), "published decisions": published}
