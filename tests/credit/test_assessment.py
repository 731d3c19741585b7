"""The assessment engine and the medical-community preset (assessment-medical-community.md), rule by rule."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from credit import assessment as engine
from credit.models import AssessmentPreset

D = Decimal
WORKED = {
    "in_county_rate": 88, "cost_growth": 6.5, "length_of_stay": 8.6, "drg_grouping_rate": 91,
    "day_surgery_kinds": 8, "day_surgery_cases": 380, "chronic_management_rate": 80, "out_of_pocket_share": 33,
    "satisfaction_satisfied": 180, "satisfaction_returned": 200,
}  # fmt: skip
PERFECT_2021 = {
    "in_county_rate": 90, "cost_growth": 5, "length_of_stay": 8, "drg_grouping_rate": 90, "day_surgery_kinds": 10,
    "day_surgery_cases": 400, "chronic_management_rate": 85, "out_of_pocket_share": 30,
    "satisfaction_satisfied": 100, "satisfaction_returned": 100,
}  # fmt: skip


@pytest.fixture
def preset(db):
    return AssessmentPreset.objects.get(key="medical-community", year=2021).definition


@pytest.fixture
def preset2020(db):
    return AssessmentPreset.objects.get(key="medical-community", year=2020).definition


def points(result) -> dict[str, Decimal]:
    return {item.key: item.points for item in result.items}


def test_worked_example_scores_as_the_spec_says(preset):
    result = engine.score(preset, WORKED, ["drg_charging_reform"])
    assert points(result) == {
        "in_county_rate": D("4"), "cost_growth": D("8.5"), "length_of_stay": D("6.4"), "drg_grouping_rate": D("10"),
        "day_surgery": D("4"), "chronic_management_rate": D("15"), "out_of_pocket_share": D("17"),
        "satisfaction": D("9"), "drg_charging_reform": D("10"),
    }  # fmt: skip
    assert result.base_score == D("73.9")
    assert result.score == D("83.9")
    assert (result.band, result.band_label) == ("good", "良好")
    assert result.consequence == "全额拨付打包总额"


def test_worked_example_with_an_agreement_suspension_is_vetoed(preset):
    result = engine.score(preset, WORKED, ["drg_charging_reform"], veto=True)
    assert result.score == D("83.9")
    assert result.band == "fail" and result.vetoed
    assert "30%" in result.consequence


@pytest.mark.parametrize(
    ("key", "value", "item", "expected"),
    [
        # 1: 3 points per percentage point below 90 (2021)
        ("in_county_rate", 89.5, "in_county_rate", "8.5"),
        ("in_county_rate", 95, "in_county_rate", "10"),
        ("in_county_rate", 80, "in_county_rate", "0"),  # 30 deducted, stops at the weight
        # 2: 1 point per percentage point above 5
        ("cost_growth", 7, "cost_growth", "8"),
        ("cost_growth", -3, "cost_growth", "10"),
        ("cost_growth", 40, "cost_growth", "0"),
        # 3: 3 points per 0.5 day above 8
        ("length_of_stay", 8.25, "length_of_stay", "8.5"),
        ("length_of_stay", 10, "length_of_stay", "0"),
        # 4: 2 points per percentage point below 90
        ("drg_grouping_rate", 87, "drg_grouping_rate", "4"),
        # 5: 2 points per missing kind (10) and 1 per 10 missing cases (400), together capped at 10
        ("day_surgery_kinds", 9, "day_surgery", "8"),
        ("day_surgery_cases", 395, "day_surgery", "9.5"),
        ("day_surgery_kinds", 0, "day_surgery", "0"),
        # 6: 1 point per percentage point below 85, weight 20
        ("chronic_management_rate", 70, "chronic_management_rate", "5"),
        ("chronic_management_rate", 50, "chronic_management_rate", "0"),
        # 7: 1 point per percentage point above 30, weight 20
        ("out_of_pocket_share", 31.5, "out_of_pocket_share", "18.5"),
        # 9: 10 × satisfied ÷ returned
        ("satisfaction_satisfied", 75, "satisfaction", "7.5"),
    ],
)
def test_each_rule_of_the_2021_preset(preset, key, value, item, expected):
    result = engine.score(preset, {**PERFECT_2021, key: value})
    assert points(result)[item] == D(expected)


def test_perfect_values_score_100_and_bonus_items_add_on_top(preset):
    assert engine.score(preset, PERFECT_2021).score == D("100")
    both = engine.score(preset, PERFECT_2021, ["drg_charging_reform", "rehab_payment_reform"])
    assert both.score == D("115") and both.band == "excellent"


def test_the_2020_targets_differ(preset2020):
    values = {**PERFECT_2021, "in_county_rate": 87.5, "day_surgery_kinds": 5, "day_surgery_cases": 195,
              "chronic_management_rate": 75, "out_of_pocket_share": 35}  # fmt: skip
    result = points(engine.score(preset2020, values))
    assert result["in_county_rate"] == D("8.5")  # 0.5 below 88 → −1.5
    assert result["day_surgery"] == D("9.5")  # 195 of 200 cases → −0.5
    assert result["chronic_management_rate"] == D("20")
    assert result["out_of_pocket_share"] == D("20")


def test_per_started_unit_rounding_is_the_configurable_alternative(preset):
    definition = {**preset, "rounding": "per_started_unit"}
    result = points(engine.score(definition, {**PERFECT_2021, "in_county_rate": 89.5, "length_of_stay": 8.1}))
    assert result["in_county_rate"] == D("7")  # a started percentage point counts whole
    assert result["length_of_stay"] == D("7")


@pytest.mark.parametrize(
    ("total", "band"),
    [("59.99", "fail"), ("60", "pass"), ("69.99", "pass"), ("70", "good"), ("89.99", "good"), ("90", "excellent")],
)
def test_band_edges(preset, total, band):
    assert engine.band_for(preset, D(total))["key"] == band


def test_the_band_edges_through_scoring(preset):
    # 30 points off item 6 and 7 (20 + 10) → 70: good; one more hundredth off → 69.99: pass.
    values = {**PERFECT_2021, "chronic_management_rate": 65, "out_of_pocket_share": 40}
    assert engine.score(preset, values).score == D("70")
    assert engine.score(preset, values).band == "good"
    assert engine.score(preset, {**values, "out_of_pocket_share": "40.01"}).band == "pass"


def test_missing_and_non_numeric_values_name_the_key(preset):
    with pytest.raises(ValidationError) as missing:
        engine.score(preset, {k: v for k, v in PERFECT_2021.items() if k != "cost_growth"})
    assert set(missing.value.message_dict) == {"cost_growth"}
    with pytest.raises(ValidationError) as bad:
        engine.score(preset, {**PERFECT_2021, "length_of_stay": "eight"})
    assert set(bad.value.message_dict) == {"length_of_stay"}
    with pytest.raises(ValidationError) as zero:
        engine.score(preset, {**PERFECT_2021, "satisfaction_returned": 0})
    assert "satisfaction_returned" in zero.value.message_dict
    with pytest.raises(ValidationError) as bonus:
        engine.score(preset, PERFECT_2021, ["nonsense"])
    assert "bonus" in bonus.value.message_dict


def test_the_arithmetic_is_shown_item_by_item(preset):
    result = engine.score(preset, WORKED).as_dict()
    stay = next(i for i in result["items"] if i["key"] == "length_of_stay")
    assert stay["deduction"] == "3.6" and stay["points"] == "6.4"
    assert "0.6 ÷ 0.5 × 3 = −3.6" in stay["lines"][0]


def test_a_malformed_definition_is_refused(preset):
    engine.check_definition(preset)
    with pytest.raises(ValidationError):
        engine.check_definition({**preset, "veto_band": "nowhere"})
