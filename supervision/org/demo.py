"""Demo organisation, accounts, institutions and agreements (contract §Demo organisation).

Everything is keyed on codes and user names, so running it again changes nothing. Writes go through the
services, so the demo data has the same audit trail real data would.
"""

from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from supervision.org import services as org_services
from supervision.org.models import OrgUnit, Role, RoleAssignment, User
from supervision.register import services as register_services
from supervision.register.models import Agreement, Institution

CITY_NAME = "江川市医疗保障局"

UNITS = [
    # code, name, kind, parent code
    ("CITY", CITY_NAME, OrgUnit.Kind.CITY, None),
    ("ENF", "江川市医疗保障监督执法局", OrgUnit.Kind.DIVISION, "CITY"),
    ("MON", "江川市医疗保障基金监测中心", OrgUnit.Kind.DIVISION, "CITY"),
    ("FUND", "江川市医疗保障基金管理中心", OrgUnit.Kind.DIVISION, "CITY"),
    ("FSS", "江川市医疗保障局基金监管科", OrgUnit.Kind.DIVISION, "CITY"),
    ("B01", "江川市医疗保障局东湖分局", OrgUnit.Kind.BRANCH, "CITY"),
    ("B01S", "东湖区医疗保障基金管理分中心", OrgUnit.Kind.SUBCENTRE, "B01"),
    ("B02", "江川市医疗保障局西山分局", OrgUnit.Kind.BRANCH, "CITY"),
    ("B02S", "西山区医疗保障基金管理分中心", OrgUnit.Kind.SUBCENTRE, "B02"),
    ("B03", "江川市医疗保障局南岭分局", OrgUnit.Kind.BRANCH, "CITY"),
    ("B03S", "南岭县医疗保障基金管理分中心", OrgUnit.Kind.SUBCENTRE, "B03"),
]

ACCOUNTS = [
    # username, full name, unit code, role, certified
    ("director", "周建国", "CITY", Role.DIRECTOR, False),
    ("legal", "林雅琴", "CITY", Role.LEGAL_REVIEWER, False),
    ("enf_officer1", "王志强", "ENF", Role.OFFICER, True),
    ("enf_officer2", "陈晓燕", "ENF", Role.OFFICER, True),
    ("enf_chief", "赵德明", "ENF", Role.CHIEF, False),
    ("analyst", "孙丽华", "MON", Role.ANALYST, False),
    ("fund_officer", "李文博", "FUND", Role.FUND_OFFICER, False),
    ("auditor", "吴秀兰", "CITY", Role.VIEWER, False),
    ("b01_chief", "刘海涛", "B01", Role.CHIEF, False),
    ("b02_chief", "黄国平", "B02", Role.CHIEF, False),
    ("b03_chief", "何振华", "B03", Role.CHIEF, False),
    ("b01_officer1", "张伟", "B01", Role.OFFICER, True),
    ("b01_officer2", "杨静", "B01", Role.OFFICER, True),
    ("b02_officer1", "郭磊", "B02", Role.OFFICER, True),
    ("b02_officer2", "马丽", "B02", Role.OFFICER, True),
    ("b03_officer1", "罗军", "B03", Role.OFFICER, True),
    ("b03_officer2", "梁芳", "B03", Role.OFFICER, True),
    ("b01_fund", "宋佳", "B01S", Role.FUND_OFFICER, False),
    ("supervisor1", "钱立新", None, Role.SUPERVISOR, False),
    ("supervisor2", "冯淑珍", None, Role.SUPERVISOR, False),
]

DISTRICTS = {"B01": ("东湖", "东湖区"), "B02": ("西山", "西山区"), "B03": ("南岭", "南岭县")}

# name pattern, kind, level, public
INSTITUTION_TEMPLATES = [
    ("江川市{d}人民医院", Institution.Kind.HOSPITAL, "3", True),
    ("{d}区中医医院", Institution.Kind.HOSPITAL, "2", True),
    ("{d}仁济医院", Institution.Kind.HOSPITAL, "2", False),
    ("{d}康复医院", Institution.Kind.HOSPITAL, "1", False),
    ("{d}爱尔眼科医院", Institution.Kind.HOSPITAL, "1", False),
    ("{d}街道社区卫生服务中心", Institution.Kind.PRIMARY, "", True),
    ("{d}镇卫生院", Institution.Kind.PRIMARY, "", True),
    ("{d}镇青山村卫生室", Institution.Kind.VILLAGE_CLINIC, "", True),
    ("{d}镇溪口村卫生室", Institution.Kind.VILLAGE_CLINIC, "", True),
    ("{d}百姓大药房", Institution.Kind.PHARMACY, "", False),
    ("{d}益丰大药房连锁店", Institution.Kind.PHARMACY, "", False),
    ("{d}老百姓药房", Institution.Kind.PHARMACY, "", False),
    ("{d}同仁堂药店", Institution.Kind.PHARMACY, "", False),
    ("{d}口腔门诊部", Institution.Kind.OTHER, "", False),
]

REPRESENTATIVES = [
    "陈立",
    "王芳",
    "李强",
    "张敏",
    "刘洋",
    "赵磊",
    "孙娜",
    "周涛",
    "吴静",
    "郑斌",
    "冯雪",
    "蒋华",
    "韩梅",
    "曹勇",
]
STREETS = ["人民路", "建设大道", "解放路", "中山路", "和平街", "新华路", "文化路", "长江路"]
KIND_PREFIX = {
    Institution.Kind.HOSPITAL: "H",
    Institution.Kind.PRIMARY: "H",
    Institution.Kind.VILLAGE_CLINIC: "H",
    Institution.Kind.PHARMACY: "P",
    Institution.Kind.OTHER: "H",
}


def seed_units() -> dict[str, OrgUnit]:
    units: dict[str, OrgUnit] = {}
    for code, name, kind, parent_code in UNITS:
        unit = OrgUnit.objects.filter(code=code).first()
        parent = units.get(parent_code) if parent_code else None
        if unit is None:
            unit = org_services.orgunit_save(
                unit=OrgUnit(code=code, name=name, kind=kind, parent=parent), by=None, reason="seed_demo"
            )
        units[code] = unit
    return units


def seed_accounts(units: dict[str, OrgUnit]) -> dict[str, User]:
    users: dict[str, User] = {}
    password = settings.DEMO_PASSWORD
    admin, _created = User.objects.get_or_create(username="admin", defaults={"full_name": "系统管理员"})
    admin.is_superuser = admin.is_staff = True
    admin.set_password(password)
    admin.save()
    if not RoleAssignment.objects.filter(user=admin, role=Role.ADMIN, unit=units["CITY"], is_active=True).exists():
        org_services.role_assign(user=admin, role=Role.ADMIN, unit=units["CITY"], by=None, reason="seed_demo")
    users["admin"] = admin
    expiry = date(timezone.localdate().year + 2, 12, 31)
    for index, (username, full_name, unit_code, role, certified) in enumerate(ACCOUNTS, start=1):
        user, _created = User.objects.get_or_create(username=username, defaults={"full_name": full_name})
        user.full_name = full_name
        user.set_password(password)
        if certified:
            user.certificate_number = user.certificate_number or f"33010{index:04d}2026"
            user.certificate_expires = user.certificate_expires or expiry
        if role == Role.LEGAL_REVIEWER:  # APL Art 58 ¶2: the legal-profession qualification (demo number)
            user.legal_qualification_number = user.legal_qualification_number or f"A2019330100{index:04d}"
        user.save()
        unit = units[unit_code] if unit_code else None
        if not RoleAssignment.objects.filter(user=user, role=role, unit=unit, is_active=True).exists():
            org_services.role_assign(user=user, role=role, unit=unit, by=admin, reason="seed_demo")
        users[username] = user
    return users


def _credit_code(public: bool, branch_no: int, serial: int) -> str:
    return f"{'12' if public else '91'}3301{branch_no:02d}{serial:010d}"


def seed_institutions(units: dict[str, OrgUnit], users: dict[str, User]) -> list[Institution]:
    institutions = []
    today = timezone.localdate()
    for branch_no, (branch_code, (short, district)) in enumerate(DISTRICTS.items(), start=1):
        branch = units[branch_code]
        chief = users[f"{branch_code.lower()}_chief"]
        for serial, (pattern, kind, level, public) in enumerate(INSTITUTION_TEMPLATES, start=1):
            code = f"{KIND_PREFIX[kind]}3301{branch_no:02d}{serial:05d}"
            institution = Institution.objects.filter(code=code).first()
            if institution is None:
                institution = register_services.institution_create(
                    by=chief,
                    data={
                        "code": code,
                        "name": pattern.format(d=short),
                        "kind": kind,
                        "level": level,
                        "credit_code": _credit_code(public, branch_no, serial),
                        "legal_representative": REPRESENTATIVES[(serial + branch_no) % len(REPRESENTATIVES)],
                        "address": f"江川市{district}{STREETS[serial % len(STREETS)]}{10 + serial * 7}号",
                        "phone": f"0571-8{branch_no}{serial:02d}{serial * 37 % 10000:04d}",
                        "is_public": public,
                        "jurisdiction": branch,
                    },
                )
            institutions.append(institution)
            if not institution.agreements.exists():
                _seed_agreement(institution, chief, serial, today)
    return institutions


def _seed_agreement(institution: Institution, chief: User, serial: int, today: date) -> None:
    """Give each institution an agreement; a few tell a story (expiring, suspended, terminated, expired)."""
    year = today.year
    number = f"JCYB-{institution.jurisdiction.code}-{year - 1}-{serial:03d}"
    if serial == 14:
        # An old agreement that ran out, followed by the current one.
        old = register_services.agreement_create(
            by=chief,
            institution=institution,
            number=f"{number}-OLD",
            valid_from=date(year - 4, 1, 1),
            valid_to=date(year - 2, 12, 31),
        )
        register_services.agreement_set_status(
            agreement=old,
            to_status=Agreement.Status.EXPIRED,
            effective_on=date(year - 1, 1, 1),
            by=None,
            reason="协议期满",
            cause="seed_demo",
        )
    valid_to = today + timedelta(days=45) if serial == 11 else date(year + 1, 12, 31)
    agreement = register_services.agreement_create(
        by=chief, institution=institution, number=number, valid_from=date(year - 1, 1, 1), valid_to=valid_to
    )
    if serial == 12:
        register_services.agreement_set_status(
            agreement=agreement,
            to_status=Agreement.Status.SUSPENDED,
            effective_on=today - timedelta(days=20),
            by=None,
            reason="违规使用医保基金，暂停结算三个月",
            cause="seed_demo",
        )
    elif serial == 13:
        register_services.agreement_set_status(
            agreement=agreement,
            to_status=Agreement.Status.TERMINATED,
            effective_on=today - timedelta(days=60),
            by=None,
            reason="欺诈骗保，解除服务协议",
            cause="seed_demo",
        )


@transaction.atomic
def seed() -> dict:
    units = seed_units()
    users = seed_accounts(units)
    institutions = seed_institutions(units, users)
    counts = {"units": len(units), "users": len(users), "institutions": len(institutions)}
    # Other apps' demo data (settings.DEMO_SEEDERS, in order), each returning its counts.
    for path in settings.DEMO_SEEDERS:
        counts.update(import_string(path)(units=units, users=users, institutions=institutions))
    return counts


DEMO_CALENDAR = Path(__file__).parent / "data" / "calendar-demo-2025-2026.csv"


def seed_calendar(**_context) -> dict:
    """Demo public holidays and make-up days. Production calendars are imported by administrators from
    the State Council's yearly notice (``manage.py import_calendar FILE``); this file is demo data."""
    from portal.workdays import import_calendar_csv

    return {"calendar days": import_calendar_csv(DEMO_CALENDAR.read_bytes())}
