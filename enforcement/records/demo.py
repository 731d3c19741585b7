"""Demo investigation records for seed_demo: an inquiry of the hospital's representative about over-billing and an
on-site inspection, both issued and filed as evidence through the services (numbered, audited, hashed)."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from enforcement.records import services
from enforcement.records.models import InvestigationRecord, Relation

QUESTIONS = [
    ("你是否申请执法人员回避？", "不申请回避。"),
    (
        "请介绍一下你的身份和工作职责。",
        "我是本院医务科科长，受院长委托代表医院接受询问，负责全院诊疗规范和医保结算的日常管理。",
    ),
    (
        "经查，你院2025年1月至12月间，对住院患者按“持续心电监测”每日24小时计费，同时又收取“动态心电图”费用，情况是否属实？",
        "情况属实。心内科病区的收费模板把两个项目绑在一起，护士站按模板录入，没有逐项核对。",
    ),
    (
        "上述重复收取的费用共涉及多少人次、多少金额？是否已由医保基金结算？",
        "经我院信息科统计，共涉及住院患者386人次，重复收费金额为人民币68,420元，已全部纳入医保结算。",
    ),
    (
        "你院对上述问题有何说明？是否已经整改？",
        "主要是收费模板设置错误和审核把关不严。我院已于今年3月停用该模板，并对心内科收费人员进行了培训，愿意退回违规结算的费用。",
    ),
    ("你还有什么需要补充的吗？", "没有了。以上说的都是事实。"),
]


def _at(day, hour: int, minute: int = 0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def add_demo_records(case, by) -> list[InvestigationRecord]:
    """An inquiry record (party's representative, six questions) and a site inspection record on ``case``, both
    issued and filed as evidence. ``by`` is an officer assigned to the case, which must be investigating."""
    officers = [a.user for a in case.assignments.select_related("user").order_by("-is_lead", "pk")]
    one, two = officers[0], officers[1]
    institution = case.institution
    name = institution.name if institution else case.party_display
    day = max(case.filed_on or timezone.localdate(), timezone.localdate() - timedelta(days=20))
    inspection = services.record_create(
        case=case, by=by, kind=InvestigationRecord.Kind.SITE_INSPECTION_RECORD,
        data={
            "starts_at": _at(day, 9, 0), "ends_at": _at(day, 11, 30),
            "place": f"{name}心内科病区护士站及收费处", "person_name": "王建华", "person_post": "医务科科长",
            "person_relation": Relation.REPRESENTATIVE, "person_phone": "0731-8866 1234",
            "officer1": one, "officer2": two, "recorder": two, "witness": "刘敏（医保办工作人员）",
            "matter": "心内科住院收费模板设置情况；2025年住院患者收费明细与医嘱、护理记录的对应情况。",
            "findings": "1. 心内科收费模板“心电监测套餐”同时包含“持续心电监测”和“动态心电图”两个项目；\n"
                        "2. 抽查住院病历20份，均按上述模板每日计收两项费用，医嘱仅开具持续心电监测；\n"
                        "3. 现场调取并复制2025年心内科收费明细电子数据一份，由在场人签字确认。",
        },
    )  # fmt: skip
    inquiry = services.record_create(
        case=case, by=by, kind=InvestigationRecord.Kind.INQUIRY_RECORD,
        data={
            "starts_at": _at(day + timedelta(days=1), 14, 30), "ends_at": _at(day + timedelta(days=1), 15, 40),
            "place": f"{case.jurisdiction.name}询问室", "person_name": "王建华",
            "person_id_number": "430102197805061234", "person_employer": name, "person_post": "医务科科长",
            "person_relation": Relation.REPRESENTATIVE,
            "person_phone": "0731-8866 1234", "officer1": one, "officer2": two, "recorder": two,
        },
        answers=[{"question": q, "answer": a} for q, a in QUESTIONS],
    )  # fmt: skip
    records = []
    for record in (inquiry, inspection):
        record = services.record_issue(record=record, by=by)
        records.append(services.record_attach(record=record, by=by))
    return records
