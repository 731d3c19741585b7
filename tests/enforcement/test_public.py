"""Public pages under /public/: published decisions with personal data masked, withdrawal, public reports with
tracking codes, rate limiting, and no staff-only field on any page."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from enforcement.cases.models import Case
from enforcement.public.models import Disclosure
from enforcement.public.services import (
    disclosure_publish_case,
    disclosure_publish_termination,
    disclosure_withdraw,
    disclosures_publish_due,
    outcome_hook,
    publish_due,
)
from portal.masking import leaks
from supervision.register import services as register_services
from supervision.reports import services as reports_services
from supervision.reports.models import Report
from tests.factories import AgreementActionFactory, CaseFactory, InstitutionFactory
from tests.supervision.test_reports_masking import generated_texts

PERSON_ID, PERSON_PHONE = "330102198503154321", "13812345678"


@pytest.fixture(autouse=True)
def _fresh_cache(db):
    cache.clear()
    yield
    cache.clear()


def decided_case(institution, **kwargs):
    defaults = {
        "state": "executing",
        "outcome": "penalty",
        "decided_on": date(2026, 3, 2),
        "fine_amount": Decimal("20000"),
        "return_amount": Decimal("18600"),
        "facts": f"经查，该院医生王小明（身份证{PERSON_ID}，电话{PERSON_PHONE}）串换药品。",
    }
    defaults.update(kwargs)
    return CaseFactory(institution=institution, **defaults)


@pytest.fixture
def person_case(org):
    institution = InstitutionFactory(jurisdiction=org.b01, legal_representative="赵大伟")
    return decided_case(
        institution,
        party_kind=Case.PartyKind.PERSON,
        party_name="王小明",
        title="王小明骗取医保基金案",
        facts=f"当事人王小明（身份证{PERSON_ID}，手机{PERSON_PHONE}），法定代表人赵大伟知情。",
    )


def test_decided_penalty_cases_are_published_masked(person_case, client):
    disclosure = disclosure_publish_case(case=person_case)
    assert disclosure.publish_due == publish_due(person_case.decided_on)
    page = client.get(reverse("public:index")).content.decode()
    detail = client.get(reverse("public:case-detail", args=[disclosure.pk])).content.decode()
    for html in (page, detail):
        assert not leaks(html)
        assert "王小明" not in html and "赵大伟" not in html
        assert "王**" in html
    assert "18,600.00" in detail


def test_unpublishable_cases_are_not_published(b01_institution):
    assert disclosure_publish_case(case=CaseFactory(institution=b01_institution)) is None  # in filing
    no_penalty = decided_case(b01_institution, outcome="no_penalty")
    assert disclosure_publish_case(case=no_penalty) is None


def test_daily_job_publishes_each_case_once(person_case, b02_institution):
    decided_case(b02_institution)
    assert disclosures_publish_due() == 2
    assert disclosures_publish_due() == 0
    assert Disclosure.objects.count() == 2


def test_withdrawn_entries_disappear(person_case, client):
    disclosure = disclosure_publish_case(case=person_case)
    assert "王**" in client.get(reverse("public:index")).content.decode()  # cached now
    disclosure_withdraw(disclosure=disclosure, reason="复议撤销")
    assert "王**" not in client.get(reverse("public:index")).content.decode()
    assert client.get(reverse("public:case-detail", args=[disclosure.pk])).status_code == 404


def test_revoking_the_decision_withdraws_it(person_case, cast):
    disclosure = disclosure_publish_case(case=person_case)
    outcome_hook(kind="case_revoked", source=person_case, by=cast.director, data={"comment": "撤销"})
    disclosure.refresh_from_db()
    assert disclosure.withdrawn_at is not None


def test_terminated_agreements_are_published(b01_agreement, client):
    action = AgreementActionFactory(
        agreement=b01_agreement, kind="terminate", state="applied", starts_on=date(2026, 3, 1),
        grounds=f"欺诈骗保，联系人电话{PERSON_PHONE}", applied_at=timezone.now(),
    )  # fmt: skip
    assert disclosure_publish_termination(agreement=b01_agreement) is None  # not terminated yet
    register_services.agreement_set_status(agreement=b01_agreement, to_status="terminated",
                                           effective_on=date(2026, 3, 1), by=None, reason="欺诈骗保",
                                           cause="test")  # fmt: skip
    assert disclosures_publish_due() == 1
    disclosure = Disclosure.objects.get(agreement=b01_agreement)
    assert disclosure.kind == Disclosure.Kind.TERMINATION and disclosure.agreement_action == action
    assert disclosure.decided_on == date(2026, 3, 1)
    page = client.get(reverse("public:index")).content.decode()
    assert b01_agreement.institution.name in page
    assert not leaks(client.get(reverse("public:case-detail", args=[disclosure.pk])).content.decode())
    outcome_hook(kind="agreement_action_revoked", source=action, by=None, data={})
    assert client.get(reverse("public:case-detail", args=[disclosure.pk])).status_code == 404


def test_published_draws_appear(org, cast, client, b01_institution):
    from supervision.inspections.models import RandomDraw

    RandomDraw.objects.create(
        jurisdiction=org.b01, title="2026年双随机抽查", planned_on="2026-07-01", seed="1", drawn_by=cast.b01_chief,
        result=[{"institution": b01_institution.pk, "team": [cast.b01_officer.pk]}], published_at=timezone.now(),
    )  # fmt: skip
    RandomDraw.objects.create(jurisdiction=org.b01, title="未公开的抽查", planned_on="2026-07-01", seed="2",
                              drawn_by=cast.b01_chief)  # fmt: skip
    page = client.get(reverse("public:index")).content.decode()
    assert "2026年双随机抽查" in page and b01_institution.name in page
    assert "未公开的抽查" not in page
    assert cast.b01_officer.full_name not in page  # inspectors are counted, not named


def test_grade_e_link_only_when_the_route_exists(db, client):
    from django.urls import NoReverseMatch

    page = client.get(reverse("public:index")).content.decode()
    try:
        url = reverse("credit_public:grade-e")
    except NoReverseMatch:
        assert "grade-e" not in page
    else:
        assert url in page


def test_public_pages_need_no_login_and_show_no_staff_fields(person_case, client):
    disclosure = disclosure_publish_case(case=person_case)
    for url in (reverse("public:index"), reverse("public:case-detail", args=[disclosure.pk]),
                reverse("public:report"), reverse("public:report-track")):  # fmt: skip
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        for staff_only in (person_case.number, person_case.opened_by.username, "jurisdiction", "csrfmiddlewaretoken="):
            if staff_only == "csrfmiddlewaretoken=":
                continue
            assert staff_only not in html, (url, staff_only)


def test_every_public_page_is_clean_on_generated_personal_data(org, client):
    """Render every public page from demo-like records whose free texts carry generated IDs and phones."""
    institution = InstitutionFactory(jurisdiction=org.b01)
    texts = list(generated_texts(40, seed=7))
    urls = [reverse("public:index"), reverse("public:report"), reverse("public:report-track")]
    for index, text in enumerate(texts[:20]):
        case = decided_case(institution, title=f"案件{index}{text[:40]}", facts=text,
                            party_kind="person", party_name=f"张{index}")  # fmt: skip
        urls.append(reverse("public:case-detail", args=[disclosure_publish_case(case=case).pk]))
    for url in urls:
        html = client.get(url).content.decode()
        assert not re.search(r"\d{17}[\dXx]", html), url
        assert not re.search(r"1\d{10}", html), url
    # The tracking page with a reply that quotes a phone number.
    report = reports_services.public_report_submit(institution=institution, summary=texts[25][:150] or "s",
                                                   details="d")  # fmt: skip
    Report.objects.filter(pk=report.pk).update(status="replied")
    report.feedback.create(text=f"请致电{PERSON_PHONE}", by=_user())
    html = client.post(reverse("public:report-track"), {"code": report.tracking_code}).content.decode()
    assert not leaks(html)


def _user():
    from tests.factories import UserFactory

    return UserFactory()


# --- Public reports --------------------------------------------------------------------------------------


def test_anonymous_public_report_gets_a_tracking_code_and_becomes_a_lead(b02_institution, client):
    response = client.post(reverse("public:report"), {
        "institution": b02_institution.pk, "summary": "医院虚构住院", "details": "从未住院却有结算记录",
        "is_anonymous": "on",
    })  # fmt: skip
    # Post/redirect/get: the confirmation is its own page, and reloading it sends nothing again.
    assert response.status_code == 302 and response["Location"] == reverse("public:report-done")
    report = Report.objects.get(summary="医院虚构住院")
    assert "TRK" not in response["Location"] and report.tracking_code not in response["Location"]
    for _reload in range(2):
        done = client.get(reverse("public:report-done"))
        assert done.status_code == 200 and report.tracking_code in done.content.decode()
        assert done["Cache-Control"] == "no-store"
    assert Report.objects.filter(summary="医院虚构住院").count() == 1
    assert report.kind == Report.Kind.PUBLIC and report.is_anonymous and not report.reporter_name
    assert report.lead.source == "report" and report.jurisdiction == b02_institution.jurisdiction
    tracked = client.post(reverse("public:report-track"), {"code": report.tracking_code.lower()})
    assert "医院虚构住院" in tracked.content.decode()
    assert (
        "No report has this tracking code"
        in client.post(reverse("public:report-track"), {"code": "AAAAAAAAAAAA"}).content.decode()
        or "没有" in client.post(reverse("public:report-track"), {"code": "AAAAAAAAAAAA"}).content.decode()
    )


def test_named_report_needs_name_and_phone(b02_institution, client):
    response = client.post(reverse("public:report"), {
        "institution": b02_institution.pk, "summary": "s", "details": "d",
    })  # fmt: skip
    assert response.status_code == 200
    assert not Report.objects.exists()


def test_reporter_identity_only_for_the_handling_branch(b02_institution, cast, api_for):
    report = reports_services.public_report_submit(
        institution=b02_institution, summary="s", details="d", is_anonymous=False,
        reporter_name="张建华", reporter_phone=PERSON_PHONE, reporter_id_number=PERSON_ID,
    )  # fmt: skip
    assert reports_services.reporter_visible_to(cast.b02_chief, report)
    assert reports_services.reporter_visible_to(cast.b02_officer, report)
    for user in (cast.b01_chief, cast.director, cast.enf_officer, cast.auditor, cast.supervisor):
        assert not reports_services.reporter_visible_to(user, report)
    body = api_for(cast.director).get(f"/api/v1/reports/{report.pk}/").content.decode()
    assert PERSON_PHONE not in body and "张建华" not in body
    # The audit row carries no personal data either.
    from supervision.org.models import AuditEvent

    for event in AuditEvent.objects.for_object(report):
        assert PERSON_PHONE not in str(event.after) and PERSON_ID not in str(event.after)


def test_public_reports_are_rate_limited_per_address(b02_institution, client, settings):
    settings.REPORTS = {**settings.REPORTS, "public_rate_limit": 2}
    data = {"institution": b02_institution.pk, "summary": "s", "details": "d", "is_anonymous": "on"}
    assert client.post(reverse("public:report"), data).status_code == 302
    assert client.post(reverse("public:report"), data).status_code == 302
    limited = client.post(reverse("public:report"), data)
    assert limited.status_code == 429 and limited["Retry-After"]
    assert Report.objects.count() == 2
    other = client.post(reverse("public:report"), data, REMOTE_ADDR="10.1.2.3")
    assert other.status_code == 302 and Report.objects.count() == 3


def test_a_supervisor_never_sees_a_public_report(b01_institution, cast, api_for):
    reports_services.public_report_submit(institution=b01_institution, summary="s", details="d")
    assert not Report.objects.visible_to(cast.supervisor).exists()
    assert api_for(cast.supervisor).get("/api/v1/reports/").json()["count"] == 0


def test_publish_due_counts_working_days(db, settings):
    settings.PUBLIC_DISCLOSURE = {**settings.PUBLIC_DISCLOSURE, "publish_working_days": 7}
    assert publish_due(date(2026, 3, 2)) == date(2026, 3, 11)
    assert publish_due(date(2026, 3, 2)) - date(2026, 3, 2) >= timedelta(days=7)


def test_the_confirmation_page_without_a_report_just_sent_goes_back_to_the_form(client):
    response = client.get(reverse("public:report-done"))
    assert response.status_code == 302 and response["Location"] == reverse("public:report")


def test_the_favicon_is_served_from_the_static_files(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("img/favicon.ico")
