"""Revoking through the pages and the API: an applied measure (its page) and a decision (the case actions)."""

from decimal import Decimal

from django.urls import reverse

from credit.models import CreditEvent
from tests.credit.conftest import rating_of

D = Decimal


def test_the_chief_revokes_an_applied_measure_from_its_page(measure, cast, client_for, b01_institution):
    action = measure("rectify")
    assert rating_of(b01_institution).score == D("97")
    url = reverse("enforcement:agreementaction-revoke", args=[action.pk])
    page = client_for(cast.b01_chief).get(action.get_absolute_url()).content.decode()
    assert url in page
    client_for(cast.b01_chief).post(url, {"comment": ""})  # a reason is required
    action.refresh_from_db()
    assert action.state == "applied"
    response = client_for(cast.b01_chief).post(url, {"comment": "复议决定撤销"})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.state == "withdrawn"
    assert rating_of(b01_institution).score == D("100")
    assert CreditEvent.objects.filter(reverses__isnull=False).count() == 1


def test_a_fund_officer_may_not_revoke(measure, cast, client_for):
    action = measure("rectify")
    response = client_for(cast.b01_fund).post(reverse("enforcement:agreementaction-revoke", args=[action.pk]))
    assert response.status_code == 403


def test_the_director_revokes_a_decision_through_the_api(driver, cast, api_for, b01_institution):
    case = driver.case_in("decided")
    actions = api_for(cast.director).get(f"/api/v1/cases/{case.pk}/actions/").json()
    assert "revoke_decision" in str(actions)
    response = api_for(cast.director).post(
        f"/api/v1/cases/{case.pk}/actions/", {"action": "revoke_decision", "comment": "行政复议撤销"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "terminated"
    assert rating_of(b01_institution, case.decided_on.year).score == D("100")
    response = api_for(cast.b01_chief).post(
        f"/api/v1/cases/{case.pk}/actions/", {"action": "revoke_decision", "comment": "x"}, format="json"
    )
    assert response.status_code in (403, 409)


def test_the_director_revokes_a_decision_from_the_case_page(driver, cast, client_for, b01_institution):
    case = driver.case_in("decided")
    url = reverse("enforcement:case-act", args=[case.pk, "revoke_decision"])
    client = client_for(cast.director)
    assert client.get(url).status_code == 200
    response = client.post(url, {"comment": "经行政复议撤销"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == "terminated" and "经行政复议撤销" in case.close_reason
    assert rating_of(b01_institution, case.decided_on.year).score == D("100")
    assert client_for(cast.b01_chief).get(url).status_code == 403


def test_the_chief_revokes_a_measure_through_the_api(measure, cast, api_for, b01_institution):
    action = measure("rectify")
    url = f"/api/v1/agreement-actions/{action.pk}/revoke/"
    assert api_for(cast.b01_fund).post(url, {"comment": "x"}, format="json").status_code == 403
    assert api_for(cast.b02_chief).post(url, {"comment": "x"}, format="json").status_code == 404
    assert api_for(cast.b01_chief).post(url, {}, format="json").status_code == 400
    response = api_for(cast.b01_chief).post(url, {"comment": "复议撤销"}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "withdrawn"
    assert rating_of(b01_institution).score == D("100")
    assert api_for(cast.b01_chief).post(url, {"comment": "再次"}, format="json").status_code == 409
