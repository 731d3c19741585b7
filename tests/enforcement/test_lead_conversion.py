"""Following up a confirmed lead or an inspection finding (enforcement side of issue 5): a case opened from a
prefilled form (jurisdiction from the institution, filing clock from the lead's date, Case.lead set) or an
agreement action; the lead becomes ``converted``. 404 out of scope, 403 without the role, 409 unless confirmed."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from enforcement.agreement_actions.models import AgreementAction
from enforcement.cases import clocks
from enforcement.cases.models import Case
from enforcement.follow_ups import services
from portal.errors import InvalidState
from supervision.inspections import services as inspections_services
from supervision.leads import services as leads_services
from supervision.leads.models import Lead
from supervision.org.models import AuditEvent
from tests.factories import AgreementFactory, LeadFactory, UserFactory

CERT = {"certificate_expires": date(2099, 12, 31)}


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def confirmed(cast, b01_institution):
    lead = LeadFactory(institution=b01_institution, amount=8800, received_on=date(2026, 2, 2), description="串换药品")
    leads_services.lead_dispatch(lead=lead, by=cast.analyst)
    leads_services.lead_start_verification(lead=lead, by=cast.b01_officer)
    return leads_services.lead_confirm(lead=lead, by=cast.b01_chief, note="属实")


def test_convert_to_case(cast, confirmed):
    case = services.lead_convert_to_case(
        lead=confirmed, by=cast.b01_officer, title="串换药品案", violation_codes=["SUBSTITUTION"]
    )
    assert case.lead == confirmed and case.state == "filing"
    assert case.jurisdiction == confirmed.institution.jurisdiction
    assert case.lead_received_on == date(2026, 2, 2) and case.filing_due == clocks.filing_due(date(2026, 2, 2))
    assert case.amount_involved == 8800 and case.facts == "串换药品"
    confirmed.refresh_from_db()
    assert confirmed.status == "converted" and confirmed.converted_to == case
    event = AuditEvent.objects.for_object(confirmed).order_by("-pk").first()
    assert event.verb == "convert" and event.after["target"] == f"enforcement.case:{case.pk}"


def test_convert_to_agreement_action(cast, confirmed):
    AgreementFactory(institution=confirmed.institution)
    action = services.lead_convert_to_agreement_action(
        lead=confirmed, by=cast.b01_fund, kind="interview", grounds="约谈"
    )
    assert action.state == "proposed" and action.institution == confirmed.institution
    confirmed.refresh_from_db()
    assert confirmed.status == "converted" and confirmed.converted_to == action


@pytest.mark.parametrize("status", ["new", "dispatched", "verifying", "dismissed"])
def test_only_confirmed_leads_convert(cast, b01_institution, status):
    lead = LeadFactory(institution=b01_institution, status=status)
    with pytest.raises(InvalidState):
        services.lead_convert_to_case(lead=lead, by=cast.b01_officer, title="x", violation_codes=["SUBSTITUTION"])
    assert not Case.objects.exists()


def test_a_converted_lead_does_not_convert_twice(cast, confirmed):
    services.lead_convert_to_case(lead=confirmed, by=cast.b01_officer, title="x", violation_codes=["SUBSTITUTION"])
    with pytest.raises(InvalidState):
        services.lead_convert_to_case(lead=confirmed, by=cast.b01_officer, title="y", violation_codes=["SUBSTITUTION"])
    assert Case.objects.count() == 1


def test_a_failed_case_leaves_the_lead_confirmed(cast, confirmed):
    with pytest.raises(ValidationError):
        services.lead_convert_to_case(lead=confirmed, by=cast.b01_officer, title="x", violation_codes=["NOPE"])
    assert Lead.objects.get(pk=confirmed.pk).status == "confirmed"


# --- Pages ----------------------------------------------------------------------------------------------------------


def test_prefilled_case_form_and_conversion(cast, client_for, confirmed):
    url = reverse("enforcement:lead-open-case", args=[confirmed.pk])
    client = client_for(cast.b01_officer)
    form = client.get(url).context["form"]
    assert form.initial["amount_involved"] == confirmed.amount and form.initial["facts"] == "串换药品"
    response = client.post(url, {"title": "串换药品案", "violation_codes": ["SUBSTITUTION"], "amount_involved": "8800"})
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    assert Lead.objects.get(pk=confirmed.pk).status == "converted"


def test_lead_page_links_to_the_follow_ups(cast, client_for, confirmed):
    page = client_for(cast.b01_officer).get(confirmed.get_absolute_url())
    urls = [url for _label, url in page.context["follow_ups"]]
    assert reverse("enforcement:lead-open-case", args=[confirmed.pk]) in urls
    assert reverse("enforcement:lead-agreementaction", args=[confirmed.pk]) in urls


def test_pages_triad_and_409(cast, client_for, confirmed, b01_institution):
    url = reverse("enforcement:lead-open-case", args=[confirmed.pk])
    assert client_for(cast.b02_officer).get(url).status_code == 404
    assert client_for(cast.b01_chief).get(url).status_code == 403  # chiefs do not open cases
    assert client_for(cast.enf_officer).get(url).status_code == 200
    fresh = LeadFactory(institution=b01_institution)
    assert client_for(cast.b01_officer).get(reverse("enforcement:lead-open-case", args=[fresh.pk])).status_code == 409


def test_agreement_action_page(cast, client_for, confirmed):
    AgreementFactory(institution=confirmed.institution)
    url = reverse("enforcement:lead-agreementaction", args=[confirmed.pk])
    response = client_for(cast.b01_fund).post(url, {"kind": "rectify", "grounds": "限期整改"})
    action = AgreementAction.objects.get()
    assert response.status_code == 302 and response["Location"] == action.get_absolute_url()


# --- API ----------------------------------------------------------------------------------------------------------


def test_api_convert_to_case(cast, api_for, confirmed, b01_institution):
    url = f"/api/v1/leads/{confirmed.pk}/open-case/"
    assert api_for(cast.b02_officer).post(url, {}, format="json").status_code == 404
    assert api_for(cast.b01_fund).post(url, {}, format="json").status_code == 403
    response = api_for(cast.b01_officer).post(url, {"title": "x"}, format="json")
    assert response.status_code == 400 and "violation_codes" in response.json()
    response = api_for(cast.b01_officer).post(
        url, {"title": "串换药品案", "violation_codes": ["SUBSTITUTION"]}, format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["state"] == "filing" and body["amount_involved"] == "8800.00"
    assert Case.objects.get(pk=body["id"]).lead_id == confirmed.pk
    assert (
        api_for(cast.b01_officer)
        .post(url, {"title": "y", "violation_codes": ["SUBSTITUTION"]}, format="json")
        .status_code
        == 409
    )
    assert api_for(cast.b01_officer).get(url).status_code == 405


def test_api_convert_to_agreement_action(cast, api_for, confirmed):
    AgreementFactory(institution=confirmed.institution)
    response = api_for(cast.b01_chief).post(
        f"/api/v1/leads/{confirmed.pk}/agreement-action/", {"kind": "interview", "grounds": "约谈负责人"}, format="json"
    )
    assert response.status_code == 201 and response.json()["state"] == "proposed"


def test_api_409_before_bad_input(cast, api_for, b01_institution):
    lead = LeadFactory(institution=b01_institution)
    assert api_for(cast.b01_officer).post(f"/api/v1/leads/{lead.pk}/open-case/", {}, format="json").status_code == 409


# --- Findings -----------------------------------------------------------------------------------------------------


@pytest.fixture
def finding(cast, org, b01_institution):
    second = UserFactory(username="b01_officer2", roles=[("officer", org.b01)], certificate_number="C2", **CERT)
    inspection = inspections_services.inspection_create(
        by=cast.b01_chief,
        kind="special",
        institution=b01_institution,
        title="专项检查",
        planned_on=date(2026, 3, 2),
        team=[cast.b01_officer, second],
    )
    inspections_services.inspection_start(inspection=inspection, by=cast.b01_officer)
    return inspections_services.inspection_add_finding(
        inspection=inspection, by=cast.b01_officer, violation_code="PHANTOM_BED", description="挂床住院", amount=3000
    )


def test_finding_opens_a_case_through_a_confirmed_inspection_lead(cast, finding):
    case = services.finding_open_case(finding=finding, by=cast.b01_officer, title="挂床住院案")
    finding.refresh_from_db()
    lead = finding.lead
    assert (lead.source, lead.status, lead.converted_to) == ("inspection", "converted", case)
    assert case.lead == lead and [v.code for v in case.violation_types.all()] == ["PHANTOM_BED"]
    assert case.amount_involved == 3000


def test_finding_page_follow_up(cast, client_for, finding):
    inspection = finding.inspection
    page = client_for(cast.b01_officer).get(inspection.get_absolute_url())
    ((_finding, _label, follow_ups),) = page.context["findings"]
    url = reverse("enforcement:finding-open-case", args=[finding.pk])
    assert url in [u for _l, u in follow_ups]
    form = client_for(cast.b01_officer).get(url).context["form"]
    assert form.initial["violation_codes"] == ["PHANTOM_BED"]
    response = client_for(cast.b01_officer).post(
        url, {"title": "挂床住院案", "violation_codes": ["PHANTOM_BED"], "amount_involved": "3000"}
    )
    assert response.status_code == 302
    assert client_for(cast.b01_officer).get(url).status_code == 409  # followed up already


def test_finding_follow_up_via_api(cast, api_for, finding):
    AgreementFactory(institution=finding.inspection.institution)
    response = api_for(cast.b01_chief).post(
        f"/api/v1/findings/{finding.pk}/agreement-action/",
        {"kind": "refuse_payment", "grounds": "拒付", "amount": "3000"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert (
        api_for(cast.b02_officer).post(f"/api/v1/findings/{finding.pk}/open-case/", {}, format="json").status_code
        == 404
    )
