"""Advance registration and preservation of evidence (先行登记保存) and sealing (封存), issue 15: the head approves,
the 7-working-day decision clock (across a holiday), the transition tables' refusals, the pages' scope, and the
four printable documents issued only when their record allows."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from enforcement.documents.services import document_issue, issuable_kinds
from enforcement.evidence import services
from enforcement.evidence.models import Preservation, Sealing
from enforcement.evidence.transitions import PRESERVATION, SEALING
from portal.errors import InvalidState
from portal.workdays import CalendarDay
from supervision.org.models import AuditEvent


@pytest.fixture
def investigating(driver):
    return driver.case_in("investigating")


def request(case, by, **kwargs):
    fields = {"items": "2026年3月住院病历12册", "place": "东湖人民医院病案室", "reason": "病历可能被篡改"}
    return services.preservation_request(case=case, by=by, **{**fields, **kwargs})


def last_monday(weeks_back: int = 4):
    day = timezone.localdate() - timedelta(weeks=weeks_back)
    return day - timedelta(days=day.weekday())


def test_decision_is_due_7_working_days_after_the_preservation_across_a_holiday(investigating, cast):
    monday = last_monday()
    plain = services.preservation_approve(
        preservation=request(investigating, cast.b01_officer), by=cast.b01_chief, preserved_on=monday
    )
    assert plain.decision_due == monday + timedelta(days=9)  # Tue–Fri, Mon–Wed
    CalendarDay.objects.create(day=monday + timedelta(days=2), kind="holiday", name="节日")
    CalendarDay.objects.create(day=monday + timedelta(days=3), kind="holiday", name="节日")
    held = services.preservation_approve(
        preservation=request(investigating, cast.b01_officer), by=cast.b01_chief, preserved_on=monday
    )
    assert held.decision_due == monday + timedelta(days=11)  # two holidays push it to the Friday
    assert held.is_overdue() and held.state == "preserved"
    assert AuditEvent.objects.filter(verb="approve_preservation", object_id=str(held.pk)).exists()


def test_only_the_head_approves_and_never_their_own_request(investigating, cast):
    officer_request = request(investigating, cast.b01_officer)
    with pytest.raises(PermissionDenied):
        services.preservation_approve(preservation=officer_request, by=cast.b01_officer)
    own = request(investigating, cast.b01_chief)
    with pytest.raises(PermissionDenied):
        services.preservation_approve(preservation=own, by=cast.b01_chief)
    assert services.preservation_approve(preservation=own, by=cast.director).state == "preserved"


def test_transition_table_refusals(investigating, cast):
    preservation = request(investigating, cast.b01_officer)
    with pytest.raises(InvalidState):  # not approved yet
        services.preservation_decide(preservation=preservation, by=cast.b01_chief, outcome="return")
    with pytest.raises(ValidationError):
        services.preservation_reject(preservation=preservation, by=cast.b01_chief, comment=" ")
    services.preservation_reject(preservation=preservation, by=cast.b01_chief, comment="理由不充分")
    with pytest.raises(InvalidState):
        services.preservation_approve(preservation=preservation, by=cast.b01_chief)
    preservation.refresh_from_db()
    assert preservation.state == "rejected"
    assert [t.name for t in PRESERVATION.available(preservation, cast.b01_chief)] == []


def test_decision_to_seal_records_the_sealing_and_the_sealing_is_lifted_once(investigating, cast, b01_officer3):
    preservation = services.preservation_approve(preservation=request(investigating, cast.b01_officer),
                                                 by=cast.b01_chief)  # fmt: skip
    with pytest.raises(ValidationError):
        services.preservation_decide(preservation=preservation, by=cast.b01_chief, outcome="burn")
    decided = services.preservation_decide(preservation=preservation, by=cast.b01_chief, outcome="seal", note="封存")
    assert decided.state == "decided"
    sealing = Sealing.objects.get(preservation=decided)
    assert sealing.items == preservation.items
    with pytest.raises(PermissionDenied):  # not assigned to the case
        services.sealing_lift(sealing=sealing, by=b01_officer3, reason="x")
    assert [t.name for t in SEALING.available(sealing, cast.b01_officer)] == ["lift"]
    lifted = services.sealing_lift(sealing=sealing, by=cast.b01_officer, reason="案件调查完毕")
    assert lifted.state == "lifted" and lifted.lifted_by == cast.b01_officer
    with pytest.raises(InvalidState):
        services.sealing_lift(sealing=lifted, by=cast.b01_officer, reason="again")


def test_requests_and_sealings_only_while_investigating(driver, cast):
    filing = driver.open()
    with pytest.raises(InvalidState):
        request(filing, cast.b01_chief)
    with pytest.raises(InvalidState):
        services.sealing_record(case=filing, by=cast.b01_chief, items="账册", place="财务室", reason="防止转移")


def test_documents_are_issued_when_their_record_allows(investigating, cast):
    assert "preservation_notice" not in issuable_kinds(by=cast.b01_officer, case=investigating)
    with pytest.raises(InvalidState):
        document_issue(kind="preservation_notice", by=cast.b01_officer, case=investigating)
    preservation = services.preservation_approve(preservation=request(investigating, cast.b01_officer),
                                                 by=cast.b01_chief)  # fmt: skip
    notice = document_issue(kind="preservation_notice", by=cast.b01_officer, case=investigating)
    assert "先行登记保存" in notice.html and preservation.items in notice.html
    services.preservation_decide(preservation=preservation, by=cast.b01_chief, outcome="return")
    decision = document_issue(kind="preservation_decision", by=cast.b01_officer, case=investigating)
    assert "退还当事人" in decision.html and notice.number in decision.html
    sealing = services.sealing_record(case=investigating, by=cast.b01_officer, items="财务账册3本",
                                      place="医院财务室", reason="账册可能被转移")  # fmt: skip
    assert "unsealing_decision" not in issuable_kinds(by=cast.b01_officer, case=investigating)
    assert "封存决定书" in document_issue(kind="sealing_decision", by=cast.b01_officer, case=investigating).html
    services.sealing_lift(sealing=sealing, by=cast.b01_officer, reason="核查完毕")
    lifted = document_issue(kind="unsealing_decision", by=cast.b01_officer, case=investigating)
    assert "解除" in lifted.html and "核查完毕" in lifted.html


def test_page_shows_the_due_date_overdue_badge_and_head_buttons(investigating, cast, client_for):
    preservation = services.preservation_approve(preservation=request(investigating, cast.b01_officer),
                                                 by=cast.b01_chief, preserved_on=last_monday())  # fmt: skip
    page = client_for(cast.b01_chief).get(reverse("enforcement:case-detail", args=[investigating.pk])).content.decode()
    assert preservation.decision_due.isoformat() in page and "已逾期" in page
    assert reverse("enforcement:case-preservation-decide", args=[investigating.pk, preservation.pk]) in page


def test_page_steps(investigating, cast, client_for):
    client = client_for(cast.b01_officer)
    data = {"preservation-items": "处方笺", "preservation-place": "药房", "preservation-reason": "可能灭失"}
    response = client.post(reverse("enforcement:case-preservation-request", args=[investigating.pk]), data)
    assert response.status_code == 302
    preservation = Preservation.objects.get(case=investigating)
    url = reverse("enforcement:case-preservation-approve", args=[investigating.pk, preservation.pk])
    assert client.post(url).status_code == 403  # an officer is not the head
    assert client_for(cast.b02_chief).post(url).status_code == 404
    assert client_for(cast.b01_chief).post(url, {"comment": "同意"}).status_code == 302
    preservation.refresh_from_db()
    assert preservation.state == "preserved" and preservation.approved_by == cast.b01_chief
