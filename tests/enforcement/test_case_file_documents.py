"""The case file's document set (issue 15, item 3): each kind issued in the state it belongs to, with its key text
in the PDF; refused (409) in a state it does not; numbered when served on the party, else known by the case.

One walk through the procedure issues every kind once (PDF rendering is slow): the module's tests read it."""

from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from enforcement.cases.models import Case, Discussion
from enforcement.cases.penalties import NO_PENALTY_GROUNDS
from enforcement.documents import content
from enforcement.documents.models import Document
from enforcement.documents.services import document_issue, issuable_kinds
from enforcement.hearings.models import HearingRecord
from enforcement.hearings.services import hearing_record_save
from enforcement.rules.models import PenaltyRule
from portal import pdf
from portal.numerals import cn_date
from supervision.org.models import User
from tests.enforcement.conftest import CaseDriver, certified_user
from tests.enforcement.document_helpers import html_fields, pdf_text
from tests.factories import InstitutionFactory
from tests.shared_db import shared_fixture

NEW_KINDS = [
    "not_filing_form", "order_to_correct", "investigation_report", "hearing_notice", "hearing_record",
    "hearing_report", "legal_review_opinion", "collective_discussion_record", "decision_approval_form",
    "payment_demand", "payment_plan_decision", "closing_form",
]  # fmt: skip
NUMBERED = {"order_to_correct": "改", "hearing_notice": "听", "payment_demand": "催", "payment_plan_decision": "缓"}

# What each kind's PDF must say, beyond its title (filled from the case: facts, dates, people, amounts).
KEY_TEXT = {
    "not_filing_form": ["线索核查不实，不予立案", "同意不予立案", "{b01_chief}"],
    "order_to_correct": ["责令", "日内", "改正", "第二十八条第一款", "过度诊疗"],
    "investigation_report": ["违规事实清楚", "首次违法，按一般情节裁量", "第三十八条", "建议对当事人给予行政处罚"],
    "hearing_notice": ["听证时间", "市局三楼听证室", "{enf_chief}", "非本案调查人员", "七个工作日"],
    "hearing_record": ["调查人员认为当事人过度诊疗", "当事人称系系统操作失误", "双方对结算明细进行了质证"],
    "hearing_report": ["建议维持原处罚意见", "当事人称系系统操作失误"],
    "legal_review_opinion": ["事实清楚，适用依据正确，程序合法", "法律职业资格证书编号：A20210001"],
    "collective_discussion_record": ["周建国、林雅琴、赵德明", "同意按调查终结报告处理"],
    "decision_approval_form": ["拟处理意见", "法制审核意见", "事实清楚，适用依据正确，程序合法", "100,000.00"],
    "payment_demand": ["催告", "第五十四条", "100,000.00", "加处罚款"],
    "payment_plan_decision": ["第六十六条第二款", "分期", "经营困难"],
    "closing_form": ["执行情况", "罚款", "缴款书001"],
}


def _pdf(document) -> str:
    with document.file.open("rb") as handle:
        return pdf_text(handle.read())


@shared_fixture()
def case_file(org, cast):
    """Cases walked through the procedure, each document issued where it belongs (once), with the kinds the
    page offered just before."""
    officer2 = certified_user("b01_officer2", [("officer", org.b01)], "CERT-B01-0002")
    rules = {rule.code: rule for rule in PenaltyRule.objects.all()}
    institution = InstitutionFactory(jurisdiction=org.b01, name="东湖人民医院", credit_code="91330100MA2XXXX01Y",
                                     legal_representative="王建华", address="江川市东湖区人民路88号")  # fmt: skip
    User.objects.filter(pk=cast.legal.pk).update(legal_qualification_number="A20210001")
    driver = CaseDriver(org, cast, officer2, rules, institution)
    chief = cast.b01_chief
    issued, offered = {}, {}

    def issue(case, kind, **kwargs):
        offered[kind] = issuable_kinds(by=chief, case=case)
        issued[kind] = document_issue(kind=kind, by=chief, case=case, **kwargs)
        return issued[kind]

    fresh = driver.open(title="东湖人民医院过度诊疗案（待立案）")
    not_filed = driver.to(driver.open(title="线索不实案"), "not_filed")
    issue(not_filed, "not_filing_form")

    violation_on = driver.dates.lead - timedelta(days=30)
    case = driver.to(driver.open(is_major=True, violation_on=violation_on), "investigating")
    issue(case, "order_to_correct")
    case = driver.to(case, "notified")
    issue(case, "prior_notice")
    case = driver.to(case, "hearing", hearing=True)
    hearing_record_save(case=case, by=driver.o1, data={
        "scheduled_at": timezone.now() + timedelta(days=20), "place": "市局三楼听证室", "chair": cast.enf_chief,
        "clerk": "李明", "is_public": True,
    })  # fmt: skip
    issue(case, "hearing_notice")
    hearing_record_save(case=case, by=driver.o1, data={
        "participants": "当事人委托代理人陈律师；调查人员b01_officer、b01_officer2",
        "investigators_case": "调查人员认为当事人过度诊疗，建议退回基金并处罚款。",
        "party_statement": "当事人称系系统操作失误。",
        "cross_examination": "双方对结算明细进行了质证。",
        "final_statement": "请求从轻处理。",
        "chair_opinion": "事实清楚，建议维持原处罚意见。",
    })  # fmt: skip
    case = driver.act(case, "record_hearing")
    issue(case, "hearing_record")
    issue(case, "hearing_report")
    case = driver.to(case, "deciding")
    issue(case, "legal_review_opinion")
    issue(case, "investigation_report")
    driver.act(case, "record_discussion", conclusion="同意按调查终结报告处理")
    issue(case, "collective_discussion_record")
    issue(case, "decision_approval_form")
    case = driver.to(case, "executing")
    issue(case, "penalty_decision")
    issue(case, "payment_demand")
    driver.act(case, "decide_payment_plan")
    issue(case, "payment_plan_decision")
    driver.act(case, "record_payment", kind="fine", amount=Decimal("1000"), paid_on=case.served_on)
    issue(case, "closing_form")
    return SimpleNamespace(
        fresh=fresh, case=case, not_filed=not_filed, issued=issued, offered=offered,
        text={kind: _pdf(document) for kind, document in issued.items()}, violation_on=violation_on,
    )  # fmt: skip


@pytest.mark.parametrize("kind", NEW_KINDS)
def test_each_kind_is_issued_in_its_state_with_its_key_text(case_file, cast, kind):
    text = case_file.text[kind]
    assert content.TITLES[kind] in text
    for key in KEY_TEXT[kind]:
        key = key.format(b01_chief=cast.b01_chief, enf_chief=cast.enf_chief)
        assert key in text, f"{kind}: {key!r} missing"


@pytest.mark.parametrize("kind", NEW_KINDS)
def test_the_page_offered_each_kind_before_it_was_issued(case_file, kind):
    assert kind in case_file.offered[kind]


@pytest.mark.parametrize("kind", NEW_KINDS)
def test_each_kind_is_refused_with_409_before_its_state(case_file, cast, api_for, kind):
    response = api_for(cast.b01_chief).post(
        f"/api/v1/cases/{case_file.fresh.pk}/documents/", {"kind": kind}, format="json"
    )
    assert response.status_code == 409, response.content
    assert not Document.objects.filter(case=case_file.fresh).exists()


def test_a_case_awaiting_filing_offers_none_of_them(case_file, cast):
    offered = issuable_kinds(by=cast.b01_chief, case=case_file.fresh)
    assert not set(offered) & set(NEW_KINDS)


@pytest.mark.parametrize("kind", sorted(NUMBERED))
def test_documents_served_on_the_party_take_their_series_number(case_file, kind):
    document = case_file.issued[kind]
    assert document.number == f"东医保{NUMBERED[kind]}〔{document.year}〕1号"
    assert document.number in case_file.text[kind]


@pytest.mark.parametrize("kind", sorted(set(NEW_KINDS) - set(NUMBERED)))
def test_internal_forms_and_records_are_known_by_the_case_without_a_number(case_file, kind):
    document = case_file.issued[kind]
    assert document.number == f"{document.case.number}·{content.TITLES[kind]}"
    assert "〔" not in case_file.text[kind].split(content.TITLES[kind], 1)[1][:20]


def test_the_prior_notice_names_the_partys_credit_code_legal_representative_and_address(case_file):
    text = case_file.text["prior_notice"]
    assert "统一社会信用代码：91330100MA2XXXX01Y" in text
    assert "法定代表人：王建华" in text
    assert "江川市东湖区人民路88号" in text


def test_the_decision_says_when_the_violation_happened_and_orders_correction_with_a_deadline(case_file):
    text, case = case_file.text["penalty_decision"], case_file.case
    assert f"违法行为发生（或者终了）时间：{cn_date(case_file.violation_on)}" in text
    correct_due = content.add_days(case.served_on, 30)
    assert "改正上述违法行为" in text and f"（即{cn_date(correct_due)}前）改正" in text
    assert f"（即{cn_date(case.payment_due)}前）退回医保基金人民币100,000.00元" in text


def test_a_hearing_notice_needs_the_schedule_and_seven_working_days(case_file, cast):
    case = case_file.case
    assert HearingRecord.objects.get(case=case).is_scheduled
    text = case_file.text["hearing_notice"]
    assert "听证申请日期" in text and cn_date(case.hearing_requested_on) in text


def test_one_collective_discussion_record_per_discussion(case_file, cast):
    case = case_file.case
    document = case_file.issued["collective_discussion_record"]
    assert document.discussion == case.discussions.get()
    other = Discussion.objects.create(case=case_file.not_filed, held_on=timezone.localdate(), participants="甲",
                                      conclusion="乙", recorded_by=cast.director)  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        document_issue(kind="collective_discussion_record", by=cast.b01_chief, case=case, discussion=other.pk)
    assert "discussion" in refused.value.message_dict


@pytest.mark.parametrize("ground", sorted(NO_PENALTY_GROUNDS))
def test_every_no_penalty_ground_is_worded_with_its_article(case_file, ground):
    """Rendered as HTML only (no PDF): the reason and the APL provisions each ground rests on."""
    case = Case.objects.get(pk=case_file.case.pk)
    case.violation_on = case.lead_received_on - timedelta(days=3 * 365)
    case.outcome = Case.Outcome.NO_PENALTY
    report = case.reports.get(is_current=True)
    report.no_penalty_ground = ground
    report.save(update_fields=["no_penalty_ground"])
    context = content.build_context("no_penalty_decision", case, unit=case.jurisdiction, number="—",
                                    issued_on=timezone.localdate())  # fmt: skip
    fields = html_fields(pdf.render_html(content.TEMPLATES["no_penalty_decision"], context))
    article = content.NO_PENALTY_ARTICLES[ground]
    assert article.replace(" ", "") in fields["basis"]
    assert context["ground_text"] in fields["basis"]
    if ground == "time_barred":
        assert "二年内未被发现" in fields["basis"] and cn_date(case.violation_on) in fields["basis"]


def test_the_hearing_page_shows_the_record_and_refuses_writing_after_the_decision(case_file, cast, client):
    case = case_file.case
    url = reverse("enforcement:case-hearing", args=[case.pk])
    client.force_login(cast.b01_officer)
    response = client.get(url)
    assert response.status_code == 200 and "市局三楼听证室" in response.content.decode()
    response = client.post(url, {"participants": "改写", "place": "市局三楼听证室"})
    assert response.status_code == 200  # the form again, with the refusal
    assert HearingRecord.objects.get(case=case).participants.startswith("当事人委托代理人")
