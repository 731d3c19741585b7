"""Reference data of issue 14: which penalty rules order correction (Regulation Arts 36–41 say 责令改正), the
procedure rules in force since the APL 2021, and the agreement-termination grounds (Order No.2 Art 43 list)."""

from datetime import date

from django.db import migrations

ORDERS_CORRECTION = ("R36", "R37", "R38", "R39", "R40", "R41a", "R41b")

# code, source, ground, evidence required, needs a case, suspensions needed, re-application ban (years), confirmed
GROUNDS = [
    ("two-suspensions", "《医疗机构医疗保障定点管理暂行办法》第43条(一)",
     "医保协议有效期内累计2次及以上被中止医保协议，或中止医保协议期间未按要求整改或整改不到位",
     "两次中止协议处理记录，或整改通知及验收记录", False, 2, 1, True),
    ("fraudulent-designation", "同上第43条(二)", "以弄虚作假等不正当手段申请取得定点",
     "核查认定弄虚作假的材料", False, 0, 3, True),
    ("confirmed-fraud", "同上第43条(三)", "经医疗保障部门和其他有关部门查实有欺诈骗保行为",
     "已作出的行政处罚决定书或查实欺诈骗保的案件", True, 0, 3, True),
    ("settling-for-others", "同上第43条(四)", "为非定点医疗机构、处于中止医保协议期间的医疗机构提供医疗费用结算",
     "相关结算记录", False, 0, 3, True),
    ("obstruction", "同上第43条(五)（原文未见，待核实）",
     "拒绝、阻挠或不配合医疗保障部门开展监督检查，或提供虚假材料，情节恶劣",
     "现场检查笔录、拒绝检查的证据", False, 0, 1, False),
    ("major-change-unfiled", "同上第43条(六)", "被发现重大信息发生变更但未办理变更",
     "登记信息与实际情况比对材料", False, 0, 1, True),
    ("stopped-business", "同上第43条(七)", "停业或歇业后未按规定向经办机构报告",
     "现场核查记录", False, 0, 1, True),
    ("major-violation", "同上第43条(八)", "发现存在重大违法违规行为且可能造成医疗保障基金重大损失",
     "执法机关的认定文书或已立案的案件", True, 0, 3, True),
    ("licence-revoked", "同上第43条(九)", "被吊销、注销医疗机构执业许可证或营业执照",
     "发证机关的吊销、注销文书", False, 0, 0, True),
    ("head-dishonest", "同上第43条(十)", "法定代表人、主要负责人或实际控制人不能履行医保协议约定，或有违法失信行为",
     "失信被执行人名单、司法文书等", False, 0, 3, True),
    ("penalty-unperformed", "同上第43条(十一)", "未依法履行医疗保障行政部门作出的行政处罚决定",
     "行政处罚决定书及逾期未履行的证明", True, 0, 3, True),
    ("voluntary", "同上第43条(十二)", "医疗机构主动提出解除医保协议且经经办机构同意",
     "机构的书面申请及经办机构同意文书", False, 0, 0, True),
    ("agreement-terms", "同上第43条(十三)", "根据医保协议约定应当解除医保协议",
     "所依据的协议条款及违约事实材料", False, 0, 1, True),
    ("other-legal-grounds", "同上第43条(十四)", "法律、法规和规章规定的其他情形",
     "所依据的法律、法规、规章条款及事实材料", False, 0, 0, True),
]  # fmt: skip


def forwards(apps, schema_editor):
    PenaltyRule = apps.get_model("enforcement", "PenaltyRule")
    ProcedureRules = apps.get_model("enforcement", "ProcedureRules")
    TerminationGround = apps.get_model("enforcement", "TerminationGround")
    PenaltyRule.objects.filter(code__in=ORDERS_CORRECTION).update(orders_correction=True)
    ProcedureRules.objects.get_or_create(
        effective_from=date(2021, 7, 15),
        defaults={"note": "《行政处罚法》（2021）第36条；《行政执法机关移送涉嫌犯罪案件的规定》第5、8条；延期上限为本地配置"},
    )
    for order, (code, source, text, evidence, needs_case, suspensions, ban, confirmed) in enumerate(GROUNDS, 1):
        TerminationGround.objects.update_or_create(code=code, defaults=dict(
            order=order, source=source, text=text, evidence_required=evidence, needs_case=needs_case,
            min_suspensions=suspensions, reapply_ban_years=ban, confirmed=confirmed,
        ))  # fmt: skip


def extended_days(apps, schema_editor):
    """Existing cases keep their extensions: the days their due date lies beyond the statutory period."""
    from django.conf import settings

    Case = apps.get_model("enforcement", "Case")
    period = settings.PROCEDURE_CLOCKS["decision_days"]
    for case in Case.objects.filter(filed_on__isnull=False, decision_due__isnull=False, extensions__gt=0):
        case.extended_days = max((case.decision_due - case.filed_on).days - period, 0)
        case.save(update_fields=["extended_days"])


def backwards(apps, schema_editor):
    apps.get_model("enforcement", "TerminationGround").objects.all().delete()
    apps.get_model("enforcement", "ProcedureRules").objects.all().delete()
    apps.get_model("enforcement", "PenaltyRule").objects.update(orders_correction=False)


class Migration(migrations.Migration):
    dependencies = [("enforcement", "0010_legal_fidelity")]
    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.RunPython(extended_days, migrations.RunPython.noop),
    ]
