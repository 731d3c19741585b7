"""Credit pages: the ratings list (scope, filters, constant queries, export), the detail's arithmetic, the
institution page's credit section, settlement import, credit repair, assessments and the public grade-E list."""

import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from credit.models import Assessment, CreditRating, RepairApplication, SettlementAmount
from credit.services import rating_recompute, repair_apply
from supervision.org.models import AuditEvent
from tests.credit.conftest import rating_of
from tests.credit.test_assessment import WORKED
from tests.factories import InstitutionFactory

D = Decimal
YEAR = timezone.localdate().year
LIST = reverse("credit:rating-list")


def _rate(unit, count=1, **kwargs):
    return [
        rating_recompute(institution_id=InstitutionFactory(jurisdiction=unit, **kwargs).pk, year=YEAR)
        for _ in range(count)
    ]


def test_the_list_shows_ratings_in_scope_only(org, cast, client_for):
    (mine,) = _rate(org.b01, name="东湖甲医院")
    _rate(org.b02, name="西山乙医院")
    page = client_for(cast.b01_officer).get(LIST).content.decode()
    assert "东湖甲医院" in page and "西山乙医院" not in page
    assert client_for(cast.b02_chief).get(mine.get_absolute_url()).status_code == 404


def test_the_list_filters_by_grade(org, cast, client_for):
    _rate(org.b01, 2)
    CreditRating.objects.filter(pk=CreditRating.objects.first().pk).update(grade="D")
    response = client_for(cast.director).get(LIST, {"grade": "D"})
    assert len(response.context["object_list"]) == 1


def test_the_list_query_count_does_not_grow_with_rows(org, cast, client):
    client.force_login(cast.b01_fund)
    _rate(org.b01)
    client.get(LIST)
    with CaptureQueriesContext(connection) as one:
        assert len(client.get(LIST).context["object_list"]) == 1
    _rate(org.b01, 49)
    with CaptureQueriesContext(connection) as fifty:
        assert len(client.get(LIST).context["object_list"]) == 50
    assert len(one.captured_queries) == len(fifty.captured_queries)


def test_the_export_has_score_and_grade(org, cast, client_for):
    _rate(org.b01)
    _rate(org.b02)
    response = client_for(cast.b01_chief).get(reverse("credit:rating-export"))
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert len(rows) == 2  # header + the B01 rating only
    assert rows[1][4] == 100 and rows[1][5] == "A"


def test_the_detail_shows_events_and_the_arithmetic(driver, cast, client_for, b01_institution):
    case = driver.case_in("decided")
    rating = rating_of(b01_institution, case.decided_on.year)
    page = client_for(cast.b01_officer).get(rating.get_absolute_url()).content.decode()
    assert case.number in page
    assert "-10.00" in page and "90.00" in page


def test_the_institution_page_shows_the_rating(org, cast, client_for):
    (rating,) = _rate(org.b01)
    page = client_for(cast.b01_officer).get(rating.institution.get_absolute_url()).content.decode()
    assert rating.get_absolute_url() in page


def test_the_institution_list_and_api_show_the_written_grade(driver, cast, client_for, api_for, rules, b01_institution):
    case = driver.open(codes=("FICTITIOUS_SERVICE",), amount="36000")
    items = [{"kind": "return_funds", "rule": rules["R40"], "amount": D("36000")},
             {"kind": "fine", "rule": rules["R40"], "amount": D("72000")}]  # fmt: skip
    driver.to(case, "decided", items=items)
    response = client_for(cast.b01_officer).get(reverse("supervision:institution-list"), {"credit_grade": "E"})
    assert [i.pk for i in response.context["object_list"]] == [b01_institution.pk]
    body = api_for(cast.b01_officer).get(f"/api/v1/institutions/{b01_institution.pk}/").json()
    assert body["credit_grade"] == "E"


# --- Settlement import ---------------------------------------------------------------------------------------


def _upload(client, text: str):
    upload = SimpleUploadedFile("s.csv", text.encode("utf-8"), content_type="text/csv")
    return client.post(reverse("credit:settlement-import"), {"file": upload, "encoding": "auto"})


def test_a_settlement_file_with_any_bad_row_writes_nothing_and_lists_every_problem(org, cast, client_for):
    good = InstitutionFactory(jurisdiction=org.b01)
    other = InstitutionFactory(jurisdiction=org.b02)
    text = (f"institution_code,year,amount\n{good.code},{YEAR},1000000\nX999,{YEAR},5\n{other.code},{YEAR},7\n"
            f"{good.code},1999,abc\n")  # fmt: skip
    response = _upload(client_for(cast.b01_chief), text)
    errors = response.context["errors"]
    assert {(e["row"], e["field"]) for e in errors} == {
        (3, "institution_code"), (4, "institution_code"), (5, "year"), (5, "amount"),
    }  # fmt: skip
    assert not SettlementAmount.objects.exists()


def test_a_valid_settlement_file_is_imported_audited_and_rated(org, cast, client_for):
    institution = InstitutionFactory(jurisdiction=org.b01)
    text = f'\ufeffinstitution_code,year,amount\n{institution.code},{YEAR},"1,000,000.50"\n'
    response = _upload(client_for(cast.b01_chief), text)
    assert response.status_code == 302
    row = SettlementAmount.objects.get()
    assert row.amount == D("1000000.50") and row.jurisdiction == org.b01
    assert AuditEvent.objects.for_object(row).filter(verb="settlement_import").exists()
    assert rating_of(institution).grade == "A"


def test_a_header_without_the_columns_is_one_problem(cast, client_for):
    response = _upload(client_for(cast.fund_officer), "code,amount\nH1,5\n")
    assert response.context["errors"][0]["field"] == "institution_code"


# --- Credit repair -----------------------------------------------------------------------------------------------


def test_repair_is_applied_for_and_approved_by_the_chief(measure, cast, client_for, b01_institution):
    measure("recover")
    measure("recover")
    client = client_for(cast.b01_officer)
    response = client.post(reverse("credit:repair-create"), {
        "institution_code": b01_institution.code, "year": YEAR, "reasons": "已退回全部违规费用并整改",
        "evidence_description": "退款凭证", "evidence": SimpleUploadedFile("proof.pdf", b"%PDF-1.4"),
    })  # fmt: skip
    application = RepairApplication.objects.get()
    assert response.status_code == 302 and application.evidence.name
    response = client_for(cast.b01_chief).post(reverse("credit:repair-approve", args=[application.pk]),
                                               {"comment": "同意"})  # fmt: skip
    application.refresh_from_db()
    assert application.state == "approved" and application.decided_by == cast.b01_chief
    assert rating_of(b01_institution).score == D("95")  # 100 − 10 + 5
    verbs = set(AuditEvent.objects.for_object(application).values_list("verb", flat=True))
    assert {"repair_apply", "repair_approve"} <= verbs


def test_a_refusal_needs_a_reason_and_restores_nothing(measure, cast, client_for, b01_institution):
    measure("recover")
    application = repair_apply(by=cast.b01_officer, institution=b01_institution, year=YEAR, reasons="已整改",
                               evidence_description="整改报告")  # fmt: skip
    client = client_for(cast.b01_chief)
    client.post(reverse("credit:repair-refuse", args=[application.pk]), {"comment": ""})
    application.refresh_from_db()
    assert application.state == "submitted"
    client.post(reverse("credit:repair-refuse", args=[application.pk]), {"comment": "证据不足"})
    application.refresh_from_db()
    assert application.state == "refused"
    assert rating_of(b01_institution).score == D("95")


def test_nobody_approves_their_own_application(cast, b01_institution, client_for):
    application = repair_apply(by=cast.b01_chief, institution=b01_institution, year=YEAR, reasons="已整改",
                               evidence_description="整改报告")  # fmt: skip
    client_for(cast.b01_chief).post(reverse("credit:repair-approve", args=[application.pk]))
    application.refresh_from_db()
    assert application.state == "submitted"


# --- Assessments -----------------------------------------------------------------------------------------------------


def test_an_assessment_is_entered_and_shows_the_arithmetic(cast, client_for, b01_institution):
    from credit.models import AssessmentPreset

    preset = AssessmentPreset.objects.get(key="medical-community", year=2021)
    data = {"community": "东湖医共体", "lead_institution": b01_institution.code, "bonus": ["drg_charging_reform"],
            **{f"value_{k}": v for k, v in WORKED.items()}}  # fmt: skip
    client = client_for(cast.b01_chief)
    response = client.post(f"{reverse('credit:assessment-create')}?preset={preset.pk}", data)
    assert response.status_code == 302, response.context["form"].errors
    assessment = Assessment.objects.get()
    assert (assessment.score, assessment.band) == (D("83.9"), "good")
    page = client.get(assessment.get_absolute_url()).content.decode()
    assert "0.6 ÷ 0.5 × 3 = −3.6" in page and "全额拨付打包总额" in page
    response = client.post(reverse("credit:assessment-update", args=[assessment.pk]), {**data, "veto": "on"})
    assessment.refresh_from_db()
    assert assessment.band == "fail"


def test_an_assessment_for_an_institution_out_of_scope_is_refused(cast, client_for, b02_institution):
    data = {"community": "西山医共体", "lead_institution": b02_institution.code,
            **{f"value_{k}": v for k, v in WORKED.items()}}  # fmt: skip
    response = client_for(cast.b01_chief).post(reverse("credit:assessment-create"), data)
    assert response.status_code == 200 and "lead_institution" in response.context["form"].errors
    assert not Assessment.objects.exists()


# --- Public -----------------------------------------------------------------------------------------------------------


def test_the_public_grade_e_list_needs_no_login_and_shows_names_only(org, client):
    (rating,) = _rate(org.b01, name="东湖问题药店")
    _rate(org.b02, name="西山良好医院")
    CreditRating.objects.filter(pk=rating.pk).update(grade="E", veto_reason="内部原因")
    response = client.get(reverse("credit_public:grade-e"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "东湖问题药店" in page and "西山良好医院" not in page
    assert "内部原因" not in page and rating.institution.code not in page
    assert reverse("credit_public:grade-e") == "/public/credit/grade-e/"


def _repairs(org, cast, count):
    for _ in range(count):
        institution = InstitutionFactory(jurisdiction=org.b01)
        RepairApplication.objects.create(institution=institution, jurisdiction=org.b01, year=YEAR, reasons="已整改",
                                         evidence_description="报告", submitted_by=cast.b01_officer)  # fmt: skip


def _assessments(org, cast, count):
    from credit.models import AssessmentPreset

    preset = AssessmentPreset.objects.get(key="medical-community", year=2021)
    for _ in range(count):
        institution = InstitutionFactory(jurisdiction=org.b01)
        Assessment.objects.create(preset=preset, community=f"医共体{institution.pk}", lead_institution=institution,
                                  jurisdiction=org.b01, updated_by=cast.b01_chief)  # fmt: skip


def test_the_repair_and_assessment_lists_keep_their_query_count(org, cast, client):
    client.force_login(cast.b01_fund)
    for url, populate in ((reverse("credit:repair-list"), _repairs), (reverse("credit:assessment-list"), _assessments)):
        populate(org, cast, 1)
        client.get(url)
        with CaptureQueriesContext(connection) as one:
            assert len(client.get(url).context["object_list"]) == 1
        populate(org, cast, 49)
        with CaptureQueriesContext(connection) as fifty:
            assert len(client.get(url).context["object_list"]) == 50
        assert len(one.captured_queries) == len(fifty.captured_queries), url


def test_the_chief_sees_pending_repairs_on_the_home_page(cast, client_for, b01_institution):
    repair_apply(by=cast.b01_officer, institution=b01_institution, year=YEAR, reasons="已整改",
                 evidence_description="整改报告")  # fmt: skip
    url = f"{reverse('credit:repair-list')}?state=submitted"

    def count(user):
        return {p.url: p.count for p in client_for(user).get("/").context["panels"]}.get(url)

    assert (count(cast.b01_chief), count(cast.b02_chief), count(cast.b01_officer)) == (1, 0, None)


def test_the_assessment_page_points_at_records_under_the_veto(measure, cast, client_for, b01_institution):
    from credit.models import AssessmentPreset
    from credit.services import assessment_save

    today = timezone.localdate()
    measure("suspend", starts_on=today, ends_on=today + timezone.timedelta(days=30))
    preset = AssessmentPreset.objects.create(key="medical-community", year=YEAR, name="考核",
                                             definition=AssessmentPreset.objects.get(year=2021).definition)  # fmt: skip
    assessment = assessment_save(by=cast.b01_chief, preset=preset, community="东湖医共体",
                                 lead_institution=b01_institution, values=WORKED, bonus=[], veto=False)  # fmt: skip
    page = client_for(cast.b01_officer).get(assessment.get_absolute_url()).content.decode()
    assert "违规结算" in page  # the suspension's grounds, offered as a veto record
