"""Reference data: the default credit scheme of domain §7 (in force from 2020 until an administrator adds a
later version) and the medical-community assessment preset (assessment-medical-community.md) for 2020 and
2021. Everything stays editable by administrators; this only seeds it."""

from decimal import Decimal as D

from django.db import migrations

# code, label, kind, trigger, points, cap (None: no cap)
ITEMS = [
    ("interview", "约谈", "deduction", "agreement_action:interview", "2", None),
    ("rectify", "限期整改", "deduction", "agreement_action:rectify", "3", None),
    ("refuse_payment", "拒付", "deduction", "agreement_action:refuse_payment", "5", None),
    ("recover", "追回", "deduction", "agreement_action:recover", "5", None),
    ("penalty_art39", "《条例》第三十九条行政处罚", "deduction", "penalty:39", "5", None),
    ("penalty_art38", "《条例》第三十八条行政处罚", "deduction", "penalty:38", "10", None),
    ("dept_suspension", "暂停相关责任部门医保服务", "deduction", "penalty:suspension", "20", None),
    ("fraud", "欺诈骗保（《条例》第四十条）", "veto", "penalty:fraud", "0", None),
    ("termination", "解除服务协议", "veto", "agreement_action:terminate", "0", None),
    ("police_transfer", "移送公安机关", "veto", "case:transfer_police", "0", None),
    # points = the share in per mille of the year's fund settlement (5‰)
    ("settlement_ratio", "违规金额达年度医保基金结算额5‰", "veto", "settlement_ratio", "5", None),
    ("self_correction", "主动自查自纠", "bonus", "self_correction", "2", "6"),
    # Not given by domain §7: a configurable default (restores 5 points per approved repair, at most 10 a year).
    ("repair", "信用修复", "repair", "repair", "5", "10"),
]

CONSEQUENCES = {
    "excellent": "全额拨付打包总额，下一年度在医保支付方式改革等方面给予更多支持",
    "good": "全额拨付打包总额",
    "pass": "扣减打包总额的10%",
    "fail": "扣减打包总额的30%，且下一年度打包总额下调10%",
}


def medical_community(year: int) -> dict:
    """The preset as assessment-medical-community.md gives it; targets by year (2020 / 2021)."""
    first = year <= 2020
    return {
        "rounding": "proportional",
        "items": [
            {"key": "in_county_rate", "number": "1", "label": "县域内就诊率", "weight": 10,
             "rules": [{"value": "in_county_rate", "direction": "below", "target": 88 if first else 90, "unit": 1,
                        "points": 3}]},
            {"key": "cost_growth", "number": "2", "label": "医疗费用控制（次均费用增长率）", "weight": 10,
             "rules": [{"value": "cost_growth", "direction": "above", "target": 5, "unit": 1, "points": 1}]},
            {"key": "length_of_stay", "number": "3", "label": "医疗效率效果（平均住院日）", "weight": 10,
             "rules": [{"value": "length_of_stay", "direction": "above", "target": 8, "unit": "0.5", "points": 3}]},
            {"key": "drg_grouping_rate", "number": "4", "label": "病例入组率", "weight": 10,
             "rules": [{"value": "drg_grouping_rate", "direction": "below", "target": 90, "unit": 1, "points": 2}]},
            {"key": "day_surgery", "number": "5", "label": "日间手术开展", "weight": 10,
             "rules": [
                 {"value": "day_surgery_kinds", "direction": "below", "target": 5 if first else 10, "unit": 1,
                  "points": 2},
                 {"value": "day_surgery_cases", "direction": "below", "target": 200 if first else 400, "unit": 10,
                  "points": 1},
             ]},
            {"key": "chronic_management_rate", "number": "6", "label": "慢病防治管理（六种慢病规范管理率）",
             "weight": 20,
             "rules": [{"value": "chronic_management_rate", "direction": "below", "target": 75 if first else 85,
                        "unit": 1, "points": 1}]},
            {"key": "out_of_pocket_share", "number": "7", "label": "保障民生成效（住院患者自付比例）", "weight": 20,
             "rules": [{"value": "out_of_pocket_share", "direction": "above", "target": 35 if first else 30,
                        "unit": 1, "points": 1}]},
            {"key": "satisfaction", "number": "9", "label": "群众满意度", "weight": 10,
             "ratio": {"numerator": "satisfaction_satisfied", "denominator": "satisfaction_returned"}},
        ],
        "bonus": [
            {"key": "drg_charging_reform", "number": "8a", "label": "具备2021年开展DRG收付费改革条件", "points": 10},
            {"key": "rehab_payment_reform", "number": "8b", "label": "2020年在医共体内开展康复支付方式改革",
             "points": 5},
        ],
        "veto": {"number": "10", "label": "医保基金监管一票否决：年内发生服务协议中止或解除、移送司法机关，"
                                          "或违规费用累计达当年基本医疗保险统筹基金发生额5‰"},
        "bands": [
            {"key": "excellent", "label": "优秀", "min": 90, "consequence": CONSEQUENCES["excellent"]},
            {"key": "good", "label": "良好", "min": 70, "consequence": CONSEQUENCES["good"]},
            {"key": "pass", "label": "合格", "min": 60, "consequence": CONSEQUENCES["pass"]},
            {"key": "fail", "label": "不合格", "min": None, "consequence": CONSEQUENCES["fail"]},
        ],
        "veto_band": "fail",
        "value_labels": {
            "in_county_rate": "县域内就诊率（%）",
            "cost_growth": "次均费用增长率（%）",
            "length_of_stay": "平均住院日（天）",
            "drg_grouping_rate": "病例入组率（%）",
            "day_surgery_kinds": "日间手术病种数（种）",
            "day_surgery_cases": "日间手术例数（例）",
            "chronic_management_rate": "六种慢病规范管理率（%）",
            "out_of_pocket_share": "住院患者自付比例（%）",
            "satisfaction_satisfied": "满意度调查：“满意”及以上份数",
            "satisfaction_returned": "满意度调查：回收份数",
        },
    }  # fmt: skip


def forwards(apps, schema_editor):
    CreditScheme = apps.get_model("credit", "CreditScheme")
    CreditItem = apps.get_model("credit", "CreditItem")
    AssessmentPreset = apps.get_model("credit", "AssessmentPreset")
    scheme, _ = CreditScheme.objects.get_or_create(
        year=2020, defaults={"name": "定点医药机构信用评价（默认）", "note": "domain §7"}
    )
    for order, (code, label, kind, trigger, points, cap) in enumerate(ITEMS, start=1):
        CreditItem.objects.get_or_create(
            scheme=scheme, code=code,
            defaults={"label": label, "kind": kind, "trigger": trigger, "points": D(points),
                      "cap": D(cap) if cap else None, "order": order},
        )  # fmt: skip
    for year in (2020, 2021):
        AssessmentPreset.objects.get_or_create(
            key="medical-community", year=year,
            defaults={"name": "紧密型县域医共体医疗保障管理改革考核", "definition": medical_community(year),
                      "note": "assessment-medical-community.md（2020年工作方案附件《考核办法》）"},
        )  # fmt: skip


def backwards(apps, schema_editor):
    apps.get_model("credit", "AssessmentPreset").objects.filter(key="medical-community").delete()
    apps.get_model("credit", "CreditScheme").objects.filter(year=2020).delete()


class Migration(migrations.Migration):
    dependencies = [("credit", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
