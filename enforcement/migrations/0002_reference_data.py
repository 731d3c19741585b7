"""Reference data: penalty rules (Regulation Arts 36–44, law-reference table B), example discretion bands
(Henan 2022, law-reference §2.1), the violation codes of law-reference §7, and the default thresholds of
domain §5. All of it stays editable by administrators; this only seeds it."""

from datetime import date
from decimal import Decimal as D

from django.db import migrations

# code, article, title, subject, return, basis, min×, max×, min¥, max¥, susp min, susp max, confiscate, ban, terminate, fraud
RULES = [
    ("R36", "36", "经办机构违规", "agency", False, "none", None, None, None, None, 0, 0, False, 0, False, False),
    ("R37", "37", "经办机构骗取基金", "agency", True, "multiple", "2", "5", None, None, 0, 0, False, 0, False, True),
    ("R38", "38", "定点医药机构违规造成基金损失", "institution", True, "multiple", "1", "2", None, None, 6, 12, False, 0,
     False, False),
    ("R39", "39", "定点医药机构违反管理制度", "institution", False, "fixed", None, None, "10000", "50000", 0, 0, False, 0,
     False, False),
    ("R40", "40", "定点医药机构骗取医保基金", "institution", True, "multiple", "2", "5", None, None, 6, 12, False, 0,
     True, True),
    ("R41a", "41", "个人违规使用医保基金", "individual", True, "none", None, None, None, None, 3, 12, False, 0, False,
     False),
    ("R41b", "41", "个人骗取医保基金", "individual", True, "multiple", "2", "5", None, None, 3, 12, False, 0, False,
     False),
    ("R42", "42", "收受贿赂或取得其他非法收入", "anyone", False, "none", None, None, None, None, 0, 0, True, 0, False,
     False),
    ("R43", "43", "造成重大损失或严重不良影响", "head", False, "none", None, None, None, None, 0, 0, False, 5, False,
     False),
    ("R44", "44", "侵占、挪用医保基金", "anyone", True, "none", None, None, None, None, 0, 0, True, 0, False, False),
]

# Henan 2022 standard for the 2–5× fraud band (law-reference §2.1), as an example per province.
BANDS = [
    ("从轻", 1, "2", "3", "初次违法、金额不超过2,000元且及时改正"),
    ("一般", 2, "3", "4", "金额不超过5,000元，无从轻、从重情节"),
    ("从重", 3, "4", "5", "金额超过5,000元"),
]

VIOLATIONS = [
    ("SPLIT_ADMISSION", "分解住院", "38(1)", "R38"), ("PHANTOM_BED", "挂床住院", "38(1)", "R38"),
    ("OVER_TREATMENT", "过度诊疗", "38(2)", "R38"), ("OVER_TESTING", "过度检查", "38(2)", "R38"),
    ("SPLIT_PRESCRIPTION", "分解处方", "38(2)", "R38"), ("EXCESS_PRESCRIBING", "超量开药", "38(2)", "R38"),
    ("REPEAT_PRESCRIBING", "重复开药", "38(2)", "R38"), ("DUPLICATE_CHARGE", "重复收费", "38(3)", "R38"),
    ("OVER_STANDARD_CHARGE", "超标准收费", "38(3)", "R38"), ("SPLIT_ITEM_CHARGE", "分解项目收费", "38(3)", "R38"),
    ("SUBSTITUTION", "串换药品、耗材、诊疗项目和服务设施", "38(4)", "R38"),
    ("RESALE_KICKBACK_AID", "为参保人员利用其享受医保待遇的机会转卖药品、接受返还等提供便利", "38(5)", "R38"),
    ("OUT_OF_SCOPE_BILLING", "将不属于医保基金支付范围的费用纳入结算", "38(6)", "R38"),
    ("NO_CONSENT_SELF_PAY", "未经同意提供目录外服务", "39(6)", "R39"),
    ("RECORDS_NOT_KEPT", "未按规定保管资料", "39(2)", "R39"), ("DATA_NOT_UPLOADED", "未按规定传送数据", "39(3)", "R39"),
    ("REFUSE_INSPECTION", "拒绝检查或提供虚假情况", "39(7)", "R39"),
    ("IMPERSONATION_AID", "诱导、协助他人冒名或者虚假就医、购药", "40(1)", "R40"),
    ("FAKE_CARE", "虚假就医、购药", "40(1)", "R40"), ("FALSE_BILLS", "虚开费用单据、伪造票据", "40(1)", "R40"),
    ("FORGED_RECORDS", "伪造、变造、隐匿、涂改、销毁医学文书等资料", "40(2)", "R40"),
    ("FICTITIOUS_SERVICE", "虚构医药服务项目", "40(3)", "R40"),
    ("DAILY_GOODS_SWIPE", "套刷生活用品、化妆品", "38(6)", "R38"),
    ("CARD_LENDING", "将本人医保凭证交由他人冒名使用", "41(1)", "R41a"),
    ("IMPERSONATED_USE", "冒用他人医保凭证就医、购药", "41", "R41b"),
    ("DOUBLE_BENEFIT", "重复享受医保待遇", "41(2)", "R41a"),
    ("RESALE_BY_INSURED", "转卖药品、接受返还", "41(3)", "R41a"),
    ("AGENCY_FRAUD", "经办机构骗取医保基金", "37", "R37"),
    ("BRIBERY", "收受贿赂或者取得其他非法收入", "42", "R42"),
    ("EMBEZZLEMENT", "侵占、挪用医保基金", "44", "R44"),
]  # fmt: skip


def forwards(apps, schema_editor):
    PenaltyRule = apps.get_model("enforcement", "PenaltyRule")
    DiscretionBand = apps.get_model("enforcement", "DiscretionBand")
    ViolationType = apps.get_model("enforcement", "ViolationType")
    Thresholds = apps.get_model("enforcement", "Thresholds")
    rules = {}
    for (code, article, title, subject, ret, basis, lo_x, hi_x, lo, hi, s_lo, s_hi, conf, ban, term, fraud) in RULES:
        rules[code], _ = PenaltyRule.objects.update_or_create(code=code, defaults=dict(
            article=article, title=title, subject=subject, return_funds=ret, fine_basis=basis,
            fine_min_multiple=D(lo_x) if lo_x else None, fine_max_multiple=D(hi_x) if hi_x else None,
            fine_min_amount=D(lo) if lo else None, fine_max_amount=D(hi) if hi else None,
            suspension_min_months=s_lo, suspension_max_months=s_hi, confiscation=conf, ban_years=ban,
            allows_termination=term, is_fraud=fraud,
        ))  # fmt: skip
    for code in ("R37", "R40", "R41b"):
        for name, order, lo_x, hi_x, condition in BANDS:
            DiscretionBand.objects.update_or_create(
                rule=rules[code], province="henan-2022", name=name,
                defaults=dict(order=order, min_multiple=D(lo_x), max_multiple=D(hi_x), condition=condition),
            )  # fmt: skip
    for code, name, article, rule in VIOLATIONS:
        ViolationType.objects.update_or_create(code=code, defaults=dict(name=name, article=article, rule=rules[rule]))
    Thresholds.objects.get_or_create(
        effective_from=date(2021, 7, 15), defaults=dict(note="领域规范 §5 默认值（参照广东某市规则）")
    )


def backwards(apps, schema_editor):
    apps.get_model("enforcement", "ViolationType").objects.all().delete()
    apps.get_model("enforcement", "DiscretionBand").objects.all().delete()
    apps.get_model("enforcement", "PenaltyRule").objects.all().delete()
    apps.get_model("enforcement", "Thresholds").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("enforcement", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
