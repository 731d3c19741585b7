"""The bench data set (contract §Bench): ``python manage.py seed_demo --bench`` adds it on top of the demo data.

20 branches (the demo's three plus B04–B20, each with its fund sub-centre), 10,000 institutions with their
agreements, 2,000 staff users, 200,000 leads and 50,000 inspections; the enforcement app's seeder adds the
30,000 cases (``settings.BENCH_SEEDERS``, in order). ``--bench-scale FACTOR`` multiplies every count but the
branches (tests seed a tiny version).

The rows are written with ``bulk_create`` in large batches, not through the services one by one (that would
take hours), so this module keeps them consistent the way the services would: every record lies in its
institution's branch, every status carries the dates, people and notes its service would have set, and each
bulk step writes one summary audit row (verb ``import``) naming what was loaded. Idempotent: a bench set that
is already there is left as it is.
"""

import calendar
import functools
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string

from portal.workdays import add_working_days
from supervision.inspections.models import Finding, Inspection, InspectionMember
from supervision.leads.models import ImportBatch, Lead
from supervision.org import services as org_services
from supervision.org.models import AuditEvent, OrgUnit, Role, RoleAssignment, User
from supervision.register.models import Agreement, AgreementStatusChange, Institution

BATCH = 5000
BRANCHES = 20
# The demo's branches keep only the demo data: its seeders pick institutions by their place in the branch's list.
DEMO_BRANCHES = ("B01", "B02", "B03")
INSTITUTIONS = 10_000
STAFF = 2_000
LEADS = 200_000
INSPECTIONS = 50_000
USER_PREFIX = "bench_"  # every bench account's user name starts with it
LEAD_PREFIX = "BD-"  # bench leads' external ids (not "BENCH-": bench/lead_import_bench.py deletes those)
SEED = 20261122
DEMO_PEOPLE = ["analyst", "legal", "director", "b01_chief", "b02_chief", "b03_chief"]

DISTRICTS = [
    ("东湖", "东湖区"), ("西山", "西山区"), ("南岭", "南岭县"), ("北塘", "北塘区"), ("青浦", "青浦区"),
    ("临江", "临江区"), ("枫林", "枫林县"), ("白石", "白石县"), ("桐溪", "桐溪县"), ("云岗", "云岗区"),
    ("金沙", "金沙区"), ("柳岸", "柳岸县"), ("松阳", "松阳县"), ("梅岭", "梅岭区"), ("石门", "石门县"),
    ("安平", "安平县"), ("凤台", "凤台区"), ("清源", "清源县"), ("长乐", "长乐区"), ("嘉禾", "嘉禾县"),
]  # fmt: skip
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏飞建国志文晓东海燕慧婷斌浩宇"
STREETS = ["人民路", "建设大道", "解放路", "中山路", "和平街", "新华路", "文化路", "长江路", "滨江路", "学府路"]
# (name pattern, kind, level, public, weight)
INSTITUTION_KINDS = [
    ("{d}第{n}人民医院", Institution.Kind.HOSPITAL, "3", True, 1),
    ("{d}{n}号中医医院", Institution.Kind.HOSPITAL, "2", True, 2),
    ("{d}仁和医院第{n}分院", Institution.Kind.HOSPITAL, "2", False, 2),
    ("{d}康宁专科医院{n}部", Institution.Kind.HOSPITAL, "1", False, 4),
    ("{d}第{n}社区卫生服务中心", Institution.Kind.PRIMARY, "", True, 12),
    ("{d}{n}号村卫生室", Institution.Kind.VILLAGE_CLINIC, "", True, 25),
    ("{d}益民大药房第{n}连锁店", Institution.Kind.PHARMACY, "", False, 48),
    ("{d}第{n}口腔门诊部", Institution.Kind.OTHER, "", False, 6),
]
SCREENING_TEXT = [
    "智能监控规则提示：同一参保人7日内重复开具同类药品，疑似串换药品",
    "数据筛查预警：住院天数与护理费用不符，疑似挂床住院",
    "数据筛查预警：检查项目与诊断不符，疑似过度检查",
    "智能监控规则提示：单次处方药量超过规定天数",
    "数据筛查预警：同一机构同日大量相同收费项目，疑似分解收费",
]
OTHER_TEXT = {
    "report": "群众来电举报：该机构存在虚记诊疗项目的情况",
    "supervisor": "社会监督员反映：药店以医保卡套刷生活用品",
    "inspection": "日常巡查发现：住院病历与收费清单不符",
    "referral": "省局交办：大数据筛查发现异常结算，请核查",
    "other": "审计部门移送：年度审计发现超标准收费问题",
}
VIOLATION_CODES = ["OVER_STANDARD_CHARGE", "SUBSTITUTION", "OVER_TESTING", "PHANTOM_BED", "DUPLICATE_CHARGE",
                   "SPLIT_ITEM_CHARGE", "EXCESS_PRESCRIBING", "REPEAT_PRESCRIBING"]  # fmt: skip


def scaled(count: int, scale: float, minimum: int = 1) -> int:
    return max(minimum, round(count * scale))


@functools.lru_cache(maxsize=20_000)
def working_days_after(start: date, count: int) -> date:
    """``add_working_days`` with a memo: the bench has a few thousand distinct dates and millions of rows."""
    return add_working_days(start, count)


def at(day: date, rng: random.Random) -> datetime:
    """A moment in office hours on ``day`` (aware, in the portal's time zone)."""
    moment = datetime.combine(day, time(8 + rng.randrange(9), rng.randrange(60), rng.randrange(60)))
    return timezone.make_aware(moment)


def bulk(model, rows, batch_size: int = BATCH) -> list:
    """Insert ``rows`` in batches; the created objects come back with their primary keys."""
    created = []
    for start in range(0, len(rows), batch_size):
        created.extend(model.objects.bulk_create(rows[start : start + batch_size], batch_size=batch_size))
    return created


def record_bulk(*, model, count: int, what: str, actor=None) -> AuditEvent:
    """One summary audit row for a bulk seeding step (the rows themselves bypass the per-row services)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_bulk must run inside the seeding transaction")
    return AuditEvent.objects.create(
        actor=actor,
        actor_unit=None,
        verb="import",
        content_type=ContentType.objects.get_for_model(model),
        object_id="bench",
        object_repr=f"{count:,} {model._meta.verbose_name_plural} (seed_demo --bench)"[:200],
        after={"rows": count, "what": what},
        reason="seed_demo --bench",
    )


@dataclass
class Bench:
    """What the supervision seeder built, handed to the next seeders (``settings.BENCH_SEEDERS``)."""

    scale: float
    today: date
    branches: list = field(default_factory=list)  # OrgUnit, B01…B20
    institutions: dict = field(default_factory=lambda: defaultdict(list))  # branch id → [Institution]
    officers: dict = field(default_factory=lambda: defaultdict(list))  # branch id → [User] (certified)
    chiefs: dict = field(default_factory=dict)  # branch id → User
    analysts: list = field(default_factory=list)
    legal: list = field(default_factory=list)
    directors: list = field(default_factory=list)
    fund: dict = field(default_factory=lambda: defaultdict(list))  # branch id → [User] (sub-centre)
    city_units: dict = field(default_factory=dict)


def is_seeded() -> bool:
    """The bench set is there (its institutions carry national codes of the 3302 series)."""
    return Institution.objects.filter(Q(code__startswith="H3302") | Q(code__startswith="P3302")).exists()


def seed(*, scale: float = 1.0) -> dict:
    """Seed the bench set on top of the demo data (supervision.demo must have run), then run the other apps'
    bench seeders (``settings.BENCH_SEEDERS`` after this one). Already seeded: nothing happens."""
    if is_seeded():
        return {"bench": "already seeded"}
    units = {unit.code: unit for unit in OrgUnit.objects.all()}
    users = {user.username: user for user in User.objects.filter(username__in=DEMO_PEOPLE)}
    counts: dict = {}
    rng = random.Random(SEED)
    working_days_after.cache_clear()  # the calendar may have changed since the last run in this process
    with transaction.atomic():
        bench = Bench(scale=scale, today=timezone.localdate())
        seed_units(bench, units)
        counts["bench users"] = seed_users(bench, users, rng)
        counts["bench institutions"] = seed_institutions(bench, rng)
        counts["bench leads"] = seed_leads(bench, rng)
        counts["bench inspections"] = seed_inspections(bench, rng)
        for path in settings.BENCH_SEEDERS:
            if path == f"{__name__}.seed":
                continue
            counts.update(import_string(path)(bench=bench, rng=rng))
    return counts


# --- Units and people ---------------------------------------------------------------------------------------


def seed_units(bench: Bench, units: dict) -> None:
    city = units["CITY"]
    for n in range(1, BRANCHES + 1):
        code = f"B{n:02d}"
        branch = OrgUnit.objects.filter(code=code).first()
        if branch is None:
            short, district = DISTRICTS[n - 1]
            branch = org_services.orgunit_save(
                unit=OrgUnit(code=code, name=f"江川市医疗保障局{short}分局", kind=OrgUnit.Kind.BRANCH, parent=city),
                by=None,
                reason="seed_demo --bench",
            )
            org_services.orgunit_save(
                unit=OrgUnit(
                    code=f"{code}S",
                    name=f"{district}医疗保障基金管理分中心",
                    kind=OrgUnit.Kind.SUBCENTRE,
                    parent=branch,
                ),
                by=None,
                reason="seed_demo --bench",
            )
        if code not in DEMO_BRANCHES:
            bench.branches.append(branch)
    bench.city_units = {code: units[code] for code in ("CITY", "ENF", "MON", "FUND")}


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def seed_users(bench: Bench, demo_users: dict, rng: random.Random) -> int:
    """2,000 staff: per bench branch (B04–B20) its chief, officers, sub-centre fund officers and a
    viewer; in the city, officers of the enforcement bureau, analysts, fund officers and legal reviewers.
    One password hash for all (the demo password): hashing 2,000 passwords would take minutes."""
    scale = bench.scale
    # 17 branches × 96 + 368 in the city = 2,000 at scale 1.
    per_branch = [
        ("chief", Role.CHIEF, 1, ""),
        ("officer", Role.OFFICER, scaled(80, scale, 2), ""),
        ("fund", Role.FUND_OFFICER, scaled(10, scale), "S"),
        ("viewer", Role.VIEWER, scaled(5, scale), ""),
    ]
    city = [
        ("officer", Role.OFFICER, scaled(240, scale, 2), "ENF"),
        ("analyst", Role.ANALYST, scaled(40, scale), "MON"),
        ("fund", Role.FUND_OFFICER, scaled(40, scale), "FUND"),
        ("legal", Role.LEGAL_REVIEWER, scaled(24, scale), "CITY"),
        ("viewer", Role.VIEWER, scaled(24, scale), "CITY"),
    ]
    unit_by_code = {u.code: u for u in OrgUnit.objects.all()}
    password = make_password(settings.DEMO_PASSWORD)
    expiry = date(bench.today.year + 2, 12, 31)
    plan = []  # (username, role, unit)
    for branch in bench.branches:
        for name, role, count, suffix in per_branch:
            for n in range(1, count + 1):
                plan.append(
                    (f"{USER_PREFIX}{branch.code.lower()}_{name}{n:03d}", role, unit_by_code[branch.code + suffix])
                )
    for name, role, count, unit_code in city:
        for n in range(1, count + 1):
            plan.append((f"{USER_PREFIX}{unit_code.lower()}_{name}{n:03d}", role, unit_by_code[unit_code]))
    rows = []
    for index, (username, role, _unit) in enumerate(plan, start=1):
        certified = role == Role.OFFICER
        rows.append(User(
            username=username, full_name=_person(rng), password=password,
            certificate_number=f"33B{index:05d}{bench.today.year}" if certified else "",
            certificate_expires=expiry if certified else None,
        ))  # fmt: skip
    created = bulk(User, rows)
    since = bench.today - timedelta(days=900)
    bulk(RoleAssignment, [RoleAssignment(user=u, role=role, unit=unit, since=since)
                          for u, (_name, role, unit) in zip(created, plan, strict=True)])  # fmt: skip
    for unit in {unit.pk: unit for _n, _r, unit in plan}.values():
        org_services.unit_group_sync(unit)
    record_bulk(model=User, count=len(created), what="staff users with their roles")

    branch_ids = {b.code: b.pk for b in bench.branches}
    for user, (_username, role, unit) in zip(created, plan, strict=True):
        branch_code = unit.code.rstrip("S") if unit.kind == OrgUnit.Kind.SUBCENTRE else unit.code
        if role == Role.OFFICER and unit.kind == OrgUnit.Kind.BRANCH:
            bench.officers[unit.pk].append(user)
        elif role == Role.CHIEF:
            bench.chiefs[unit.pk] = user
        elif role == Role.FUND_OFFICER and branch_code in branch_ids:
            bench.fund[branch_ids[branch_code]].append(user)
        elif role == Role.ANALYST:
            bench.analysts.append(user)
        elif role == Role.LEGAL_REVIEWER:
            bench.legal.append(user)
    bench.analysts.append(demo_users["analyst"])
    bench.legal.append(demo_users["legal"])
    bench.directors.append(demo_users["director"])
    return len(created)


# --- Institutions and agreements ----------------------------------------------------------------------------


def seed_institutions(bench: Bench, rng: random.Random) -> int:
    total = scaled(INSTITUTIONS, bench.scale, len(bench.branches))
    patterns = [p for p in INSTITUTION_KINDS for _ in range(p[4])]
    rows = []
    for serial in range(1, total + 1):
        branch = bench.branches[(serial - 1) % len(bench.branches)]
        branch_no = int(branch.code[1:])
        short, district = DISTRICTS[branch_no - 1]
        pattern, kind, level, public, _weight = patterns[rng.randrange(len(patterns))]
        prefix = "P" if kind == Institution.Kind.PHARMACY else "H"
        rows.append(Institution(
            code=f"{prefix}3302{branch_no:02d}{serial:06d}",
            name=pattern.format(d=short, n=serial),
            kind=kind, level=level, is_public=public,
            credit_code=f"{'12' if public else '91'}3302{branch_no:02d}{serial:010d}",
            legal_representative=_person(rng),
            address=f"江川市{district}{rng.choice(STREETS)}{rng.randrange(1, 999)}号",
            phone=f"0571-8{branch_no:02d}{serial:05d}",
            jurisdiction=branch,
        ))  # fmt: skip
    institutions = bulk(Institution, rows)
    for institution in institutions:
        bench.institutions[institution.jurisdiction_id].append(institution)
    record_bulk(model=Institution, count=len(institutions), what=f"institutions in {len(bench.branches)} branches")

    year = bench.today.year
    agreements, statuses = [], []
    for institution in institutions:
        draw = rng.random()
        status = "suspended" if draw < 0.02 else "terminated" if draw < 0.03 else "active"
        statuses.append(status)
        agreements.append(Agreement(
            institution=institution, jurisdiction_id=institution.jurisdiction_id,
            number=f"JCYB-{institution.code}-{year - 1}", status=status,
            valid_from=date(year - 1, 1, 1), valid_to=date(year + 1, 12, 31),
        ))  # fmt: skip
    agreements = bulk(Agreement, agreements)
    changes = []
    for agreement, status in zip(agreements, statuses, strict=True):
        chief = bench.chiefs[agreement.jurisdiction_id]
        changes.append(AgreementStatusChange(
            agreement=agreement, effective_on=agreement.valid_from, from_status="", to_status="active",
            reason="签订服务协议", by=chief, at=at(agreement.valid_from - timedelta(days=10), rng),
        ))  # fmt: skip
        if status != "active":
            effective = bench.today - timedelta(days=rng.randrange(10, 200))
            changes.append(AgreementStatusChange(
                agreement=agreement, effective_on=effective, from_status="active", to_status=status,
                reason="违规使用医保基金，暂停结算" if status == "suspended" else "欺诈骗保，解除服务协议",
                cause="协议处理", by=None, at=at(effective, rng),
            ))  # fmt: skip
    bulk(AgreementStatusChange, changes)
    record_bulk(model=Agreement, count=len(agreements), what="service agreements with their status history")
    return len(institutions)


# --- Leads --------------------------------------------------------------------------------------------------

# status: (share, how many days ago the lead may have been received: (min, max))
LEAD_PLAN = [
    ("new", 0.33, (0, 365)),
    ("dispatched", 0.08, (3, 60)),
    ("verifying", 0.08, (6, 75)),
    ("dismissed", 0.39, (30, 1000)),
    ("confirmed", 0.04, (20, 200)),
    # Confirmed long ago and waiting for the enforcement seeder to turn them into cases (then ``converted``).
    ("confirmed_old", 0.08, (300, 1000)),
]


def seed_leads(bench: Bench, rng: random.Random) -> int:
    total = scaled(LEADS, bench.scale, 60)
    today = bench.today
    branches = [b for b in bench.branches if bench.institutions[b.pk]]
    # Screening leads arrive by monthly import batches (the analyst's); one ImportBatch row per month.
    batches: dict[tuple[int, int], ImportBatch] = {}
    plan, n = [], 0
    for status, share, ages in LEAD_PLAN:
        count = max(1, round(total * share))
        plan.extend((status, ages) for _ in range(count))
    plan = plan[:total]
    rows = []
    screening_counts: dict[tuple[int, int], int] = defaultdict(int)
    sources = ["screening"] * 14 + ["report"] * 2 + ["supervisor", "inspection", "referral", "other"]
    for status, ages in plan:
        n += 1
        branch = branches[n % len(branches)]
        institution = rng.choice(bench.institutions[branch.pk])
        source = rng.choice(sources)
        received = today - timedelta(days=rng.randint(*ages))
        lead = Lead(
            source=source, institution=institution, jurisdiction_id=branch.pk,
            amount=Decimal(rng.randrange(20_000, 50_000_000)) / 100, received_on=received,
            status="confirmed" if status == "confirmed_old" else status, external_id=f"{LEAD_PREFIX}{n:07d}",
            created_at=at(received, rng),
        )  # fmt: skip
        if source == "screening":
            lead.description = rng.choice(SCREENING_TEXT)
            lead.rule_code = f"JC-{rng.randrange(1, 41):03d}"
            lead.occurred_on = received - timedelta(days=rng.randrange(10, 60))
            lead.created_by = bench.analysts[n % len(bench.analysts)]
            screening_counts[(received.year, received.month)] += 1
            lead._batch_key = (received.year, received.month)
        else:
            lead.description = OTHER_TEXT[source]
            lead.created_by = bench.chiefs[branch.pk]
        if status != "new":
            _lead_lifecycle(lead, status, bench, branch, rng)
        rows.append(lead)
    analyst = bench.analysts[0]
    mon = bench.city_units["MON"]
    for (year, month), count in sorted(screening_counts.items()):
        # Uploaded on the month's last day (this month's: today), after every lead it brought was received.
        last_day = date(year, month, calendar.monthrange(year, month)[1])
        uploaded = timezone.make_aware(datetime.combine(min(last_day, today), time(18, 0)))
        batches[(year, month)] = ImportBatch(
            jurisdiction=mon, file_name=f"screening-{year}-{month:02d}.csv", status=ImportBatch.Status.DONE,
            detected_format="csv utf-8", progress=100, total_rows=count, processed_rows=count, created_count=count,
            created_by=analyst, created_at=uploaded, started_at=uploaded, finished_at=uploaded + timedelta(seconds=9),
        )  # fmt: skip
    created_batches = bulk(ImportBatch, list(batches.values()))
    by_key = dict(zip(batches.keys(), created_batches, strict=True))
    for lead in rows:
        key = getattr(lead, "_batch_key", None)
        if key is not None:
            lead.batch = by_key[key]
            lead.created_at = lead.batch.created_at  # an imported lead is created by its upload
    for start in range(0, len(rows), BATCH):
        Lead.objects.bulk_create(rows[start : start + BATCH], batch_size=BATCH)
    record_bulk(model=Lead, count=len(rows), what="leads of every source and status", actor=analyst)
    return len(rows)


def _lead_lifecycle(lead: Lead, status: str, bench: Bench, branch: OrgUnit, rng: random.Random) -> None:
    """The dates, people and notes the lead services set on the way to ``status``."""
    today = bench.today
    officers = bench.officers[branch.pk]
    lead.dispatched_on = min(today, lead.received_on + timedelta(days=rng.randrange(1, 4)))
    lead.dispatched_by = bench.analysts[rng.randrange(len(bench.analysts))]
    lead.verification_due = working_days_after(lead.dispatched_on, settings.LEAD_VERIFICATION_WORKING_DAYS)
    if status == "dispatched":
        lead.assignee = rng.choice(officers) if rng.random() < 0.5 else None
        return
    lead.assignee = rng.choice(officers)
    lead.verification_started_on = min(today, lead.dispatched_on + timedelta(days=rng.randrange(1, 3)))
    if status == "verifying":
        return
    lead.decided_on = min(today, lead.verification_started_on + timedelta(days=rng.randrange(2, 15)))
    lead.decided_by = bench.chiefs[branch.pk]
    lead.decision_note = (
        "经现场核查，查无实据，不予立案。" if status == "dismissed" else "经核查，问题基本属实，建议立案调查。"
    )


# --- Inspections --------------------------------------------------------------------------------------------

INSPECTION_KINDS = ["routine"] * 6 + ["special"] * 2 + ["flying", "key", "expert", "self"]
INSPECTION_TITLES = {
    "routine": "日常巡查：{y}年第{q}季度", "special": "专项检查：{y}年医保基金使用",
    "flying": "飞行检查：{y}年住院病历", "key": "重点检查：{y}年高值耗材",
    "expert": "专家审查：{y}年诊疗项目收费", "self": "自查自纠：{y}年度",
}  # fmt: skip
# status: (share, days ago planned: (min, max))
INSPECTION_PLAN = [
    ("planned", 0.10, (-30, 10)),
    ("in_progress", 0.08, (5, 40)),
    ("finished", 0.07, (20, 90)),
    ("closed", 0.65, (60, 1000)),
    ("cancelled", 0.10, (30, 1000)),
]


def seed_inspections(bench: Bench, rng: random.Random) -> int:
    total = scaled(INSPECTIONS, bench.scale, 10)
    today = bench.today
    plan = []
    for status, share, ages in INSPECTION_PLAN:
        plan.extend((status, ages) for _ in range(max(1, round(total * share))))
    plan = plan[:total]
    branches = [b for b in bench.branches if bench.institutions[b.pk]]
    rows, teams = [], []
    for n, (status, ages) in enumerate(plan):
        branch = branches[n % len(branches)]
        chief = bench.chiefs[branch.pk]
        kind = rng.choice(INSPECTION_KINDS)
        planned = today - timedelta(days=rng.randint(*ages))
        inspection = Inspection(
            kind=kind, title=INSPECTION_TITLES[kind].format(y=planned.year, q=(planned.month - 1) // 3 + 1),
            institution=rng.choice(bench.institutions[branch.pk]), jurisdiction_id=branch.pk, status=status,
            planned_on=planned, created_by=chief, created_at=at(planned - timedelta(days=rng.randrange(3, 20)), rng),
        )  # fmt: skip
        if status in ("in_progress", "finished", "closed"):
            inspection.started_on = min(today, planned + timedelta(days=rng.randrange(0, 3)))
        if status in ("finished", "closed"):
            inspection.finished_on = min(today, inspection.started_on + timedelta(days=rng.randrange(1, 10)))
            inspection.result = "未发现违规问题。" if rng.random() < 0.6 else "发现超标准收费问题，建议约谈并追回。"
        if status == "closed":
            inspection.closed_on = min(today, inspection.finished_on + timedelta(days=rng.randrange(1, 15)))
            inspection.close_note = "已移交处理。" if "建议" in inspection.result else "检查结束。"
        if status == "cancelled":
            inspection.closed_on = min(today, planned + timedelta(days=rng.randrange(0, 5)))
            inspection.close_note = "被检查机构已暂停营业，本次检查取消。"
        rows.append(inspection)
        officers = bench.officers[branch.pk]
        size = 1 if kind == "self" else 2
        teams.append(rng.sample(officers, min(size, len(officers))))
    created = bulk(Inspection, rows)
    members, findings = [], []
    for inspection, team in zip(created, teams, strict=True):
        members.extend(
            InspectionMember(inspection=inspection, user=user, is_leader=index == 0) for index, user in enumerate(team)
        )
        if inspection.result.startswith("发现"):
            findings.append(Finding(
                inspection=inspection, violation_code=rng.choice(VIOLATION_CODES),
                description="抽查病历20份，发现3份存在超标准收取床位费的情况。",
                amount=Decimal(rng.randrange(50_000, 5_000_000)) / 100, recorded_by=team[0],
                recorded_at=at(inspection.finished_on, rng),
            ))  # fmt: skip
    bulk(InspectionMember, members)
    bulk(Finding, findings)
    record_bulk(model=Inspection, count=len(created), what="inspections with their teams and findings")
    return len(created)
