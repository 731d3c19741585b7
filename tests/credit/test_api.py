"""The credit API: credit/ratings/ (scoped like institutions, constant queries) and assessments/score/."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from credit.models import CreditRating
from credit.services import rating_recompute
from enforcement.cases import gates
from tests.credit.test_assessment import WORKED
from tests.factories import InstitutionFactory

RATINGS = "/api/v1/credit/ratings/"
SCORE = "/api/v1/assessments/score/"
YEAR = timezone.localdate().year


def _rate(unit, count=1):
    return [rating_recompute(institution_id=InstitutionFactory(jurisdiction=unit).pk, year=YEAR) for _ in range(count)]


def test_ratings_carry_the_contract_fields_and_are_scoped(org, cast, api_for):
    (mine,) = _rate(org.b01)
    (other,) = _rate(org.b02)
    body = api_for(cast.b01_chief).get(RATINGS).json()
    assert body["count"] == 1
    item = body["results"][0]
    assert {"id", "institution", "year", "score", "grade"} <= set(item)
    assert (item["id"], item["institution"], item["year"], item["score"], item["grade"]) == (
        mine.pk, mine.institution_id, YEAR, "100.00", "A")  # fmt: skip
    assert api_for(cast.b01_chief).get(f"{RATINGS}{other.pk}/").status_code == 404
    assert api_for(cast.director).get(RATINGS).json()["count"] == 2
    assert api_for(cast.supervisor).get(RATINGS).status_code == 403
    assert api_for().get(RATINGS).status_code == 401


def test_ratings_filter_by_grade_year_and_jurisdiction(org, cast, api_for):
    _rate(org.b01, 2)
    _rate(org.b02)
    CreditRating.objects.filter(pk=CreditRating.objects.first().pk).update(grade="E")
    api = api_for(cast.director)
    assert api.get(RATINGS, {"grade": "E"}).json()["count"] == 1
    assert api.get(RATINGS, {"jurisdiction": org.b01.pk}).json()["count"] == 2
    assert api.get(RATINGS, {"year": YEAR - 1}).json()["count"] == 0


def test_ratings_list_query_count_does_not_grow_with_rows(org, cast, api_for):
    api = api_for(cast.b01_fund)
    api.get(RATINGS)  # the user's role assignments are read once per user object
    _rate(org.b01)
    with CaptureQueriesContext(connection) as one:
        assert len(api.get(RATINGS).json()["results"]) == 1
    _rate(org.b01, 49)
    with CaptureQueriesContext(connection) as fifty:
        assert len(api.get(RATINGS).json()["results"]) == 50
    assert len(one.captured_queries) == len(fifty.captured_queries)


def test_a_decided_art_38_penalty_lowers_the_score_within_the_same_request(driver, cast, api_for, b01_institution):
    case = driver.case_in("deciding")
    by = cast.director if gates.evaluate(case)["collective"].applies else cast.b01_chief
    response = api_for(by).post(f"/api/v1/cases/{case.pk}/actions/",
                                {"action": "decide", "comment": "同意", "decided_on": str(driver.dates.decided)},
                                format="json")  # fmt: skip
    assert response.status_code == 200, response.content
    rating = api_for(cast.b01_chief).get(RATINGS, {"institution": b01_institution.pk}).json()["results"][0]
    assert (rating["score"], rating["grade"]) == ("90.00", "A")


def test_score_gives_items_score_band_and_consequence(cast, api_for):
    payload = {"preset": "medical-community", "year": 2021, "values": WORKED, "bonus": ["drg_charging_reform"],
               "veto": False}  # fmt: skip
    response = api_for(cast.b02_officer).post(SCORE, payload, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["score"] == "83.9" and body["band"] == "good"
    assert body["consequence"] == "全额拨付打包总额"
    items = {i["key"]: i["points"] for i in body["items"]}
    assert items["length_of_stay"] == "6.4" and items["drg_charging_reform"] == "10"
    vetoed = api_for(cast.auditor).post(SCORE, {**payload, "veto": True}, format="json").json()
    assert vetoed["band"] == "fail"
    assert not CreditRating.objects.exists()  # computes without saving


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ({"values": {k: v for k, v in WORKED.items() if k != "cost_growth"}}, "cost_growth"),
        ({"values": {**WORKED, "in_county_rate": "eighty"}}, "in_county_rate"),
        ({"values": {**WORKED, "day_surgery_cases": None}}, "day_surgery_cases"),
        ({"preset": "nope"}, "preset"),
        ({"year": "twenty"}, "year"),
        ({"year": 2019}, "year"),
        ({"bonus": ["nope"]}, "bonus"),
        ({"veto": "yes"}, "veto"),
    ],
)
def test_score_bad_input_is_400_naming_the_key(cast, api_for, change, key):
    payload = {"preset": "medical-community", "year": 2021, "values": WORKED, **change}
    response = api_for(cast.b01_officer).post(SCORE, payload, format="json")
    assert response.status_code == 400
    assert key in response.json()


def test_score_is_for_staff_only(cast, api_for):
    payload = {"preset": "medical-community", "year": 2021, "values": WORKED}
    assert api_for(cast.supervisor).post(SCORE, payload, format="json").status_code == 403
    assert api_for(cast.norole).post(SCORE, payload, format="json").status_code == 403
    assert api_for().post(SCORE, payload, format="json").status_code == 401
