"""Demo investigation records for seed_demo: an inquiry of the party's representative about the case's own conduct
and an on-site inspection, both issued and filed as evidence through the services (numbered, audited, hashed)."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from enforcement.records import services
from enforcement.records.models import InvestigationRecord, Relation


def questions(case) -> list[tuple[str, str]]:
    """Six questions and answers about the case's own conduct and amount (the conduct read from its title)."""
    party = case.institution.name if case.institution_id else case.party_display
    conduct = case.title.replace(party, "").removesuffix("案") or "违规结算医保基金"
    amount = f"{case.amount_involved:,.2f}"
    visits = 40 + int(case.amount_involved) % 360
    return [
        ("你是否申请执法人员回避？", "不申请回避。"),
        ("请介绍一下你的身份和工作职责。",
         "我是本单位医务科科长，受法定代表人委托代表本单位接受询问，负责诊疗规范和医保结算的日常管理。"),
        (f"经查，你单位存在{conduct}的情况，涉及医保基金{amount}元，情况是否属实？",
         "情况属实。主要是收费和结算环节审核把关不严，相关人员没有逐项核对。"),
        ("上述费用涉及多少人次？是否已由医保基金结算？",
         f"经本单位信息科统计，共涉及{visits}人次，金额{amount}元，已全部纳入医保结算。"),
        ("你单位对上述问题有何说明？是否已经整改？",
         "我们已停止相关收费和结算做法，对收费人员进行了培训，愿意退回违规结算的医保基金。"),
        ("你还有什么需要补充的吗？", "没有了。以上说的都是事实。"),
    ]  # fmt: skip


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
            "place": f"{name}收费处及医保办公室", "person_name": "王建华", "person_post": "医务科科长",
            "person_relation": Relation.REPRESENTATIVE, "person_phone": "0731-8866 1234",
            "officer1": one, "officer2": two, "recorder": two, "witness": "刘敏（医保办工作人员）",
            "matter": f"{case.title.removesuffix('案')}所涉收费项目、结算明细与病历、处方、进销存记录的对应情况。",
            "findings": "1. 现场抽查涉案期间病历、处方及结算单据20份，收费项目与医嘱、处方记录不符；\n"
                        "2. 收费系统设置与医保目录对应关系存在错误，结算前未经人工复核；\n"
                        "3. 现场调取并复制涉案期间收费明细电子数据一份，由在场人签字确认。",
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
        answers=[{"question": q, "answer": a} for q, a in questions(case)],
    )  # fmt: skip
    records = []
    for record in (inquiry, inspection):
        record = services.record_issue(record=record, by=by)
        records.append(services.record_attach(record=record, by=by))
    return records
