"""Demo leads, a screening import, random draws (双随机, one of them a cross inspection with active grants) and
inspections in every state. Keyed on external ids and titles, so running it again adds nothing; written
through the services, so the audit trail is what the portal would have produced.

Leads: in every branch, every source in every status up to ``confirmed``; the enforcement seeder
(``enforcement.demo_leads``) turns the ``to_convert`` ones into a case and an agreement action.
"""

import csv
import io
from datetime import date, timedelta

from django.utils import timezone

from supervision.inspections import services as inspections
from supervision.inspections.models import ConflictDeclaration, Inspection, RandomDraw
from supervision.leads import services as leads
from supervision.leads.imports import lead_import
from supervision.leads.models import ImportBatch, Lead
from supervision.org.models import OrgUnit, User
from supervision.register.models import Institution

BRANCHES = ("B01", "B02", "B03")
STATUSES = ("new", "dispatched", "verifying", "dismissed", "confirmed", "to_convert")
DESCRIPTIONS = {
    "screening": "智能监控规则提示：同一参保人短期内重复开具同类药品，疑似串换药品",
    "report": "群众来电举报：该机构存在挂床住院、虚记诊疗项目的情况",
    "supervisor": "社会监督员反映：药店以医保卡套刷生活用品",
    "inspection": "日常巡查发现：住院病历与收费清单不符",
    "referral": "省局交办：大数据筛查发现异常结算，请核查",
    "other": "审计部门移送：年度审计发现超标准收费问题",
}
DEMO_IMPORT = "demo-screening.csv"
DRAW_TITLE = "{year}年度定点医药机构双随机抽查"
CROSS_TITLE = "{year}年西山分局交叉检查"


def _branch_institutions(code: str) -> list[Institution]:
    return list(Institution.objects.filter(jurisdiction__code=code).order_by("code"))


def seed_leads(users: dict, today: date) -> int:
    created = 0
    sources = [s for s, _label in Lead.Source.choices]
    for branch in BRANCHES:
        institutions = _branch_institutions(branch)
        officer, chief = users[f"{branch.lower()}_officer1"], users[f"{branch.lower()}_chief"]
        for i, source in enumerate(sources):
            for j, status in enumerate(STATUSES):
                external_id = f"DEMO-{branch}-{source}-{status}"
                if Lead.objects.filter(external_id=external_id).exists():
                    continue
                received = today - timedelta(days=12 + 7 * j + i)
                lead = leads.lead_create(
                    by=users["analyst"] if source == "screening" else chief,
                    institution=institutions[(3 * i + j) % len(institutions)],
                    source=source,
                    description=DESCRIPTIONS[source],
                    amount=1000 * (i + 1) + 250 * j,
                    received_on=received,
                    rule_code=f"JC-{i + 1:02d}{j:02d}" if source == "screening" else "",
                    occurred_on=received - timedelta(days=20),
                    external_id=external_id,
                )
                created += 1
                if status == "new":
                    continue
                # Dispatched leads were sent long enough ago to be overdue; the others are on time.
                dispatched_on = received + timedelta(days=1) if status != "dispatched" else today - timedelta(days=40)
                leads.lead_dispatch(
                    lead=lead, by=users["analyst"], officer=officer if i % 2 == 0 else None, on=dispatched_on
                )
                if status == "dispatched":
                    continue
                leads.lead_start_verification(lead=lead, by=officer, on=dispatched_on + timedelta(days=1))
                if status == "dismissed":
                    leads.lead_dismiss(
                        lead=lead,
                        by=chief,
                        reason="经现场核查，查无实据，不予立案。",
                        on=dispatched_on + timedelta(days=5),
                    )
                elif status in ("confirmed", "to_convert"):
                    leads.lead_confirm(
                        lead=lead,
                        by=chief,
                        note="经核查，问题基本属实，建议立案调查。",
                        on=dispatched_on + timedelta(days=6),
                    )
    return created


def seed_import(users: dict, today: date) -> int:
    """A small screening file imported by the analyst: leads land in every branch."""
    if ImportBatch.objects.filter(file_name=DEMO_IMPORT, status=ImportBatch.Status.DONE).exists():
        return 0
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["institution_code", "rule_code", "description", "amount", "occurred_on", "external_id"])
    institutions = list(Institution.objects.order_by("code"))
    for n in range(30):
        institution = institutions[(n * 5) % len(institutions)]
        writer.writerow(
            [
                institution.code,
                f"R{(n % 6) + 1:03d}",
                f"数据筛查：疑似分解住院（第{n + 1}条预警）",
                f"{1200 + n * 37}.50",
                (today - timedelta(days=30 + n)).isoformat(),
                f"DEMO-SCREEN-{today.year}-{n + 1:04d}",
            ]
        )
    batch = lead_import(
        by=users["analyst"], fileobj=io.BytesIO(buffer.getvalue().encode("utf-8-sig")), file_name=DEMO_IMPORT
    )
    return batch.created_count


def _advance(inspection: Inspection, to: str, officer: User, chief: User) -> None:
    """Move a planned inspection on to ``to`` through the services."""
    if to == "planned":
        return
    if to == "cancelled":
        inspections.inspection_cancel(inspection=inspection, by=chief, reason="被检查机构已暂停营业，本次检查取消。")
        return
    inspections.inspection_start(inspection=inspection, by=officer)
    if to == "in_progress":
        return
    inspections.inspection_add_finding(
        inspection=inspection,
        by=officer,
        violation_code="OVER_STANDARD_CHARGE",
        description="抽查病历20份，发现3份存在超标准收取床位费的情况。",
        amount=3860,
    )
    inspections.inspection_finish(
        inspection=inspection, by=officer, result="发现超标准收费问题，涉及金额3860元，建议约谈并追回。"
    )
    if to == "closed":
        inspections.inspection_close(inspection=inspection, by=chief, note="已移交处理。")


def _officer_for(inspection: Inspection) -> User:
    return inspection.members.order_by("-is_leader", "pk").first().user


def _chief_for(inspection: Inspection, users: dict) -> User:
    branch = inspection.jurisdiction.code
    return users.get(f"{branch.lower()}_chief", users["enf_chief"])


def seed_draws(users: dict, today: date) -> int:
    created = 0
    officers = [u for name, u in users.items() if name.endswith(("officer1", "officer2")) and u.has_valid_certificate()]
    title = DRAW_TITLE.format(year=today.year)
    if not RandomDraw.objects.filter(title=title).exists():
        draw = inspections.draw_run(
            by=users["enf_chief"],
            title=title,
            kind=RandomDraw.Kind.RANDOM,
            planned_on=today - timedelta(days=20),
            institutions=Institution.objects.order_by("pk"),
            officers=officers,
            seed=20260301,
            criteria={"units": [], "kinds": [], "officer_units": []},
        )
        # A finished draw: its inspections in every state, its result published (一公开).
        states = ["closed", "finished", "in_progress", "planned", "cancelled"]
        for inspection, state in zip(draw.inspections.order_by("pk"), states, strict=False):
            _advance(inspection, state, _officer_for(inspection), _chief_for(inspection, users))
        inspections.draw_publish(draw=draw, by=users["enf_chief"])
        created += 1
    title = CROSS_TITLE.format(year=today.year)
    if not RandomDraw.objects.filter(title=title).exists():
        # B01's officers inspect two drawn B02 institutions: they hold grants on exactly those two records.
        draw = inspections.draw_run(
            by=users["enf_chief"],
            title=title,
            kind=RandomDraw.Kind.CROSS,
            planned_on=today + timedelta(days=7),
            institutions=_branch_institutions("B02"),
            officers=[users["b01_officer1"], users["b01_officer2"]],
            count=2,
            seed=20260415,
            criteria={"units": ["B02"], "kinds": [], "officer_units": ["B01"]},
        )
        first = draw.inspections.order_by("pk").first()
        inspections.inspection_start(inspection=first, by=users["b01_officer1"])
        created += 1
    return created


MANUAL = [
    # (title, kind, branch, institution index, team, state)
    ("飞行检查：住院病历专项", "flying", "B03", 0, ("enf_officer1", "enf_officer2"), "in_progress"),
    ("日常巡查：定点药店", "routine", "B01", 10, ("b01_officer1", "b01_officer2"), "finished"),
    ("重点检查：医学影像检查收费", "key", "B02", 1, ("b02_officer1", "b02_officer2"), "planned"),
    ("专家审查：康复项目收费", "expert", "B01", 3, ("b01_officer2",), "closed"),
    ("自查自纠：村卫生室", "self", "B03", 7, ("b03_officer1",), "in_progress"),
    ("专项检查：血液透析", "special", "B02", 2, ("b02_officer1", "enf_officer1"), "closed"),
]


def seed_inspections(users: dict, today: date) -> int:
    created = 0
    for title, kind, branch, index, team, state in MANUAL:
        if Inspection.objects.filter(title=title).exists():
            continue
        institution = _branch_institutions(branch)[index]
        chief = users[f"{branch.lower()}_chief"]
        inspection = inspections.inspection_create(
            by=chief,
            kind=kind,
            institution=institution,
            title=title,
            planned_on=today - timedelta(days=10),
            team=[users[name] for name in team],
        )
        _advance(inspection, state, users[team[0]], chief)
        created += 1
    return created


def seed_conflicts(users: dict) -> int:
    institution = _branch_institutions("B03")[4]
    _declaration, created = ConflictDeclaration.objects.get_or_create(
        officer=users["b03_officer2"], institution=institution, defaults={"reason": "配偶在该机构任职"}
    )
    return int(created)


def seed(*, units: dict[str, OrgUnit], users: dict[str, User], institutions=None) -> dict:
    today = timezone.localdate()
    return {
        "new leads": seed_leads(users, today),
        "leads imported": seed_import(users, today),
        "conflicts declared": seed_conflicts(users),
        "new draws": seed_draws(users, today),
        "new inspections": seed_inspections(users, today),
    }
