"""The hearing's schedule and record (issue 15): who may write them, when, and the statutory notice period."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from enforcement.cases.models import Case
from enforcement.documents.services import issuable_kinds
from enforcement.hearings.models import HearingRecord
from enforcement.hearings.services import hearing_record_save
from portal.errors import InvalidState
from portal.workdays import add_working_days


@pytest.fixture
def at_hearing(driver):
    return driver.case_in("hearing", hearing=True)


def schedule(cast, days=20):
    return {"scheduled_at": timezone.now() + timedelta(days=days), "place": "听证室", "chair": cast.enf_chief}


def test_an_assigned_officer_schedules_the_hearing_and_the_notice_is_offered(at_hearing, driver, cast):
    assert "hearing_notice" not in issuable_kinds(by=cast.b01_chief, case=at_hearing)
    record = hearing_record_save(case=at_hearing, by=driver.o1, data=schedule(cast))
    assert record.is_scheduled
    case = Case.objects.get(pk=at_hearing.pk)  # as the next page load reads it
    assert "hearing_notice" in issuable_kinds(by=cast.b01_chief, case=case)


def test_an_investigator_may_not_chair(at_hearing, driver, cast):
    with pytest.raises(ValidationError) as refused:
        hearing_record_save(case=at_hearing, by=driver.o1, data={**schedule(cast), "chair": driver.o2})
    assert "chair" in refused.value.message_dict


def test_the_hearing_is_at_least_seven_working_days_after_its_notice(at_hearing, driver, cast):
    too_soon = add_working_days(timezone.localdate(), 6)
    when = timezone.make_aware(timezone.datetime.combine(too_soon, timezone.datetime.min.time()).replace(hour=9))
    with pytest.raises(ValidationError) as refused:
        hearing_record_save(case=at_hearing, by=driver.o1, data={**schedule(cast), "scheduled_at": when})
    assert "scheduled_at" in refused.value.message_dict


def test_an_officer_not_on_the_case_may_not_write_it(at_hearing, b01_officer3, cast):
    with pytest.raises(PermissionDenied):
        hearing_record_save(case=at_hearing, by=b01_officer3, data=schedule(cast))


def test_no_hearing_requested_is_409(driver, cast):
    case = driver.case_in("investigating")
    with pytest.raises(InvalidState):
        hearing_record_save(case=case, by=driver.o1, data=schedule(cast))


def test_the_page_saves_the_record(at_hearing, driver, client):
    client.force_login(driver.o1)
    url = reverse("enforcement:case-hearing", args=[at_hearing.pk])
    response = client.post(url, {"participants": "当事人及其代理人", "party_statement": "无异议", "is_public": "on"})
    assert response.status_code == 302
    assert HearingRecord.objects.get(case=at_hearing).party_statement == "无异议"
