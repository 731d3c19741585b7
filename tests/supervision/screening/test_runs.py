"""A screening run's transition table (queued → running → done / failed; queued or running → cancelled) is
what the page's button, the API's actions and the services all ask; and the monthly run of the daily job."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from portal.errors import InvalidState
from supervision.leads.models import Lead
from supervision.register.services import agreements_refresh
from supervision.screening import engines, services
from supervision.screening.models import Hit, ScreeningRun
from supervision.screening.transitions import TRANSITIONS
from tests.supervision.screening.conftest import line

S = ScreeningRun.Status


def _run(cast, status, **fields):
    run = services.run_start(by=cast.analyst, rule_codes=["SEX_LIMIT"])
    ScreeningRun.objects.filter(pk=run.pk).update(status=status, **fields)
    return ScreeningRun.objects.get(pk=run.pk)


def test_cancel_button_shown_exactly_when_the_service_accepts(cast, catalogue, client_for):
    runs = {status: _run(cast, status) for status in S.values}
    disagreements = []
    for status, run in runs.items():
        for username, user in cast.items():
            fresh = ScreeningRun.objects.get(pk=run.pk)
            shown = "cancel" in {t.name for t in TRANSITIONS.available(fresh, user)}
            try:
                TRANSITIONS.check(fresh, "cancel", user)
                accepted = True
            except (InvalidState, PermissionDenied):
                accepted = False
            if shown != accepted:
                disagreements.append((status, username, shown, accepted))
    assert disagreements == []
    # Who: the analyst and the city-level chief, only while the run is queued or running.
    assert TRANSITIONS.allows(runs[S.PENDING], "cancel", cast.analyst)
    assert TRANSITIONS.allows(runs[S.RUNNING], "cancel", cast.enf_chief)
    assert not TRANSITIONS.allows(runs[S.PENDING], "cancel", cast.b01_chief)
    assert not any(TRANSITIONS.allows(runs[s], "cancel", cast.analyst) for s in (S.DONE, S.FAILED, S.CANCELLED))
    # The worker's steps are internal: never a button.
    assert {t.name for t in TRANSITIONS if t.internal} == {"start", "finish", "fail"}


def test_page_button_and_post(cast, catalogue, client_for):
    run = _run(cast, S.PENDING)
    client = client_for(cast.analyst)
    url = reverse("supervision:screening:run-cancel", args=[run.pk])
    assert url in client.get(reverse("supervision:screening:run-detail", args=[run.pk])).content.decode()
    assert client.post(url, {"reason": "重复提交"}).status_code == 302
    run.refresh_from_db()
    assert (run.status, run.message) == (S.CANCELLED, "重复提交")
    assert url not in client.get(reverse("supervision:screening:run-detail", args=[run.pk])).content.decode()
    refused = client.post(url, follow=True)  # already final: the page says why, nothing changes
    assert "已取消" in refused.content.decode() or "cancelled" in refused.content.decode()
    assert ScreeningRun.objects.get(pk=run.pk).message == "重复提交"
    assert client_for(cast.b01_chief).post(url).status_code == 403


def test_api_actions_and_cancel(cast, catalogue, api_for):
    run = _run(cast, S.RUNNING)
    api = api_for(cast.analyst)
    assert api.get(f"/api/v1/screening/runs/{run.pk}/").json()["actions"] == ["cancel"]
    cancelled = api.post(f"/api/v1/screening/runs/{run.pk}/cancel/", {"reason": "x"}, format="json")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["actions"] == []
    assert api.post(f"/api/v1/screening/runs/{run.pk}/cancel/", {}, format="json").status_code == 409


def test_a_cancelled_run_is_not_started_and_a_running_one_keeps_nothing(cast, places, catalogue, load, monkeypatch):
    load([line("L1", hilist_code="SEX2")])
    queued = services.run_start(by=cast.analyst, rule_codes=["SEX_LIMIT"])
    services.run_cancel(run=queued, by=cast.analyst)
    assert services.run_execute(run=queued).status == S.CANCELLED
    assert not Hit.objects.exists()

    real = engines.DuckDBEngine.run

    def cancelled_midway(self, inputs, specs, date_from=None, date_to=None, progress=None):
        services.run_cancel(run=running, by=cast.analyst, reason="stop")
        return real(self, inputs, specs, date_from, date_to, progress)

    monkeypatch.setattr(engines.DuckDBEngine, "run", cancelled_midway)
    running = services.run_start(by=cast.analyst, rule_codes=["SEX_LIMIT"])
    run = services.run_execute(run=running)
    assert run.status == S.CANCELLED and run.leads_created == 0
    assert not Hit.objects.exists() and not Lead.objects.exists()


def test_a_finished_run_is_not_run_again(cast, places, catalogue, load):
    load([line("L1", hilist_code="SEX2")])
    run = services.run_screening(by=cast.analyst, rule_codes=["SEX_LIMIT"])
    assert run.status == S.DONE
    assert services.run_execute(run=ScreeningRun.objects.get(pk=run.pk)).status == S.DONE
    assert Hit.objects.count() == 1
    with pytest.raises(InvalidState):
        services.run_cancel(run=run, by=cast.analyst)


def test_the_daily_job_runs_the_library_once_a_month_for_the_previous_month(cast, places, catalogue, load):
    services.rules_seed()
    load([line("M1", hilist_code="SEX2", fee_ocur_time="2026-03-31 23:00:00", begndate="2026-03-31",
               enddate="2026-03-31"),
          line("M2", hilist_code="SEX2", mdtrt_id="M2", fee_ocur_time="2026-04-01 08:00:00",
               begndate="2026-04-01", enddate="2026-04-01")])  # fmt: skip
    assert agreements_refresh(today=datetime.date(2026, 3, 20))["screening_monthly"] == 0  # no February lines
    counts = agreements_refresh(today=datetime.date(2026, 4, 1))
    assert counts["screening_monthly"] == 1
    run = ScreeningRun.objects.get(period="2026-03")
    assert (run.status, run.date_from, run.date_to) == (S.DONE, datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
    assert run.created_by is None and run.hits_by_rule["SEX_LIMIT"] == 1
    assert list(Hit.objects.values_list("feedetl_sn", flat=True)) == ["M1"]  # April's line waits for May
    # Every later day of April: nothing more.
    for day in (2, 15, 30):
        assert agreements_refresh(today=datetime.date(2026, 4, day))["screening_monthly"] == 0
    assert ScreeningRun.objects.filter(period="2026-03").count() == 1
    # May screens April; the March line is never flagged again by the same rule.
    assert agreements_refresh(today=datetime.date(2026, 5, 1))["screening_monthly"] == 1
    assert sorted(Hit.objects.values_list("feedetl_sn", flat=True)) == ["M1", "M2"]
    assert Hit.objects.filter(feedetl_sn="M1").count() == 1


def test_a_failed_monthly_run_is_tried_again_the_next_day(cast, places, catalogue, load):
    load([line("M1", hilist_code="SEX2")])  # 2026-03-10
    failed = _run(cast, S.FAILED, period="2026-03")
    assert agreements_refresh(today=datetime.date(2026, 4, 2))["screening_monthly"] == 1
    assert ScreeningRun.objects.filter(period="2026-03").exclude(pk=failed.pk).get().status == S.DONE
