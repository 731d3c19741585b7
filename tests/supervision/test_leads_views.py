"""Lead pages and API: the branch inbox with filters and export, the lead's page with its steps, logging a
lead; the 200/403/404 triad for each, 409 for a wrong state in the API, and flat query counts."""

import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from supervision.leads import services as leads_services
from supervision.leads.models import Lead
from tests.factories import InstitutionFactory, LeadFactory

LIST = reverse("supervision:lead-list")
API = "/api/v1/leads/"


@pytest.fixture
def leads(org, b01_institution, b02_institution):
    return {
        "b01": LeadFactory(institution=b01_institution, description="东湖串换药品", source="screening"),
        "b01_report": LeadFactory(institution=b01_institution, description="东湖举报", source="report"),
        "b02": LeadFactory(institution=b02_institution, description="西山挂床住院", source="supervisor"),
    }


def listed(client, query=""):
    response = client.get(f"{LIST}{query}")
    assert response.status_code == 200
    return {lead.description for lead in response.context["object_list"]}


# --- The inbox ------------------------------------------------------------------------------------------------


def test_inbox_shows_the_users_branch(cast, client_for, leads):
    assert listed(client_for(cast.b01_officer)) == {"东湖串换药品", "东湖举报"}
    assert listed(client_for(cast.b02_chief)) == {"西山挂床住院"}
    assert listed(client_for(cast.analyst)) == {"东湖串换药品", "东湖举报", "西山挂床住院"}


def test_inbox_filters(cast, client_for, leads, org):
    client = client_for(cast.analyst)
    assert listed(client, "?source=report") == {"东湖举报"}
    assert listed(client, f"?jurisdiction={org.b02.pk}") == {"西山挂床住院"}
    assert listed(client, "?q=挂床") == {"西山挂床住院"}
    leads_services.lead_dispatch(lead=leads["b01"], by=cast.analyst)
    assert listed(client, "?status=dispatched") == {"东湖串换药品"}
    assert listed(client, "?status=new&status=dispatched") == {"东湖串换药品", "东湖举报", "西山挂床住院"}


def test_inbox_filters_overdue_and_mine(cast, client_for, leads):
    lead = leads_services.lead_dispatch(
        lead=leads["b01"], by=cast.analyst, officer=cast.b01_officer, on=timezone.localdate() - timedelta(days=60)
    )
    assert lead.is_overdue()
    client = client_for(cast.b01_officer)
    assert listed(client, "?overdue=true") == {"东湖串换药品"}
    assert listed(client, "?mine=on") == {"东湖串换药品"}
    assert "overdue" in client.get(LIST).content.decode() or "超期" in client.get(LIST).content.decode()


def test_inbox_filters_by_verifying_officer_chosen_among_officers_in_scope(cast, client_for, leads):
    leads_services.lead_dispatch(lead=leads["b01"], by=cast.b01_chief, officer=cast.b01_officer)
    client = client_for(cast.b01_chief)
    choices = {user.username for user in client.get(LIST).context["filterset"].form.fields["assignee"].queryset}
    assert choices == {"b01_chief", "b01_officer"}  # not B02's officers, nor the city's
    assert listed(client, f"?assignee={cast.b01_officer.pk}") == {"东湖串换药品"}
    assert listed(client, f"?assignee={cast.b02_officer.pk}") == set()  # out of scope: not a valid choice
    assert {
        user.username
        for user in client_for(cast.analyst).get(LIST).context["filterset"].form.fields["assignee"].queryset
    } >= {"b01_officer", "b02_officer", "enf_officer"}


@pytest.mark.parametrize("username", ["supervisor", "norole", "admin"])
def test_inbox_is_for_staff(cast, client_for, username):
    assert client_for(cast[username]).get(LIST).status_code == 403


def test_inbox_redirects_anonymous_users(client):
    assert client.get(LIST).status_code == 302


def test_export_is_the_filtered_scoped_list(cast, client_for, leads):
    response = client_for(cast.b01_chief).get(reverse("supervision:lead-export") + "?source=report")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2 and "东湖举报" in rows[1]


# --- A lead's page ----------------------------------------------------------------------------------------------


def test_lead_page_triad(cast, client_for, leads):
    url = leads["b01"].get_absolute_url()
    assert client_for(cast.b01_officer).get(url).status_code == 200
    assert client_for(cast.b02_officer).get(url).status_code == 404
    assert client_for(cast.supervisor).get(url).status_code == 403
    assert client_for(cast.b01_officer).get(reverse("supervision:lead-detail", args=[987654])).status_code == 404


def test_lead_page_offers_the_steps_the_user_may_take(cast, client_for, leads):
    lead = leads["b01"]
    page = client_for(cast.analyst).get(lead.get_absolute_url())
    assert page.context["actions"]["dispatch"] and page.context["dispatch_form"] is not None
    page = client_for(cast.b01_officer).get(lead.get_absolute_url())
    assert not any(page.context["actions"].values())


def test_steps_by_post(cast, client_for, leads):
    lead = leads["b01"]
    response = client_for(cast.analyst).post(
        reverse("supervision:lead-dispatch", args=[lead.pk]), {"officer": cast.b01_officer.pk}
    )
    assert response.status_code == 302
    client = client_for(cast.b01_officer)
    client.post(reverse("supervision:lead-start-verification", args=[lead.pk]))
    client = client_for(cast.b01_chief)
    response = client.post(reverse("supervision:lead-dismiss", args=[lead.pk]), {"reason": ""})
    assert Lead.objects.get(pk=lead.pk).status == "verifying"  # refused: no reason
    client.post(reverse("supervision:lead-confirm", args=[lead.pk]), {"note": "属实"})
    lead.refresh_from_db()
    assert (lead.status, lead.assignee, lead.decision_note) == ("confirmed", cast.b01_officer, "属实")
    page = client.get(lead.get_absolute_url())
    assert [e.verb for e in page.context["audit_events"]] == ["confirm", "start_verification", "dispatch"]
    # Follow-ups come from the enforcement app: a chief may propose an agreement action; officers open cases.
    assert [url for _label, url in page.context["follow_ups"]] == [f"/leads/{lead.pk}/agreement-action/"]


def test_step_in_the_wrong_state_changes_nothing(cast, client_for, leads):
    lead = leads["b01"]
    response = client_for(cast.b01_chief).post(reverse("supervision:lead-confirm", args=[lead.pk]))
    assert response.status_code == 302
    assert Lead.objects.get(pk=lead.pk).status == "new"


def test_steps_out_of_scope_are_404_and_without_the_role_403(cast, client_for, leads):
    url = reverse("supervision:lead-dispatch", args=[leads["b02"].pk])
    assert client_for(cast.b01_chief).post(url).status_code == 404
    assert client_for(cast.b02_officer).post(url).status_code == 403
    assert client_for(cast.b02_chief).get(url).status_code == 405


def test_log_a_lead(cast, client_for, b01_institution, b02_institution):
    client = client_for(cast.b01_officer)
    form = client.get(reverse("supervision:lead-create")).context["form"]
    assert list(form.fields["institution"].queryset) == [b01_institution]
    response = client.post(
        reverse("supervision:lead-create"),
        {
            "institution": b01_institution.pk,
            "source": "report",
            "description": "群众举报挂床住院",
            "amount": "300",
        },
    )
    lead = Lead.objects.get()
    assert response.status_code == 302 and response["Location"] == lead.get_absolute_url()
    assert (lead.source, lead.jurisdiction, lead.created_by) == (
        "report",
        b01_institution.jurisdiction,
        cast.b01_officer,
    )
    response = client.post(
        reverse("supervision:lead-create"),
        {
            "institution": b02_institution.pk,
            "source": "report",
            "description": "x",
        },
    )
    assert response.status_code == 200 and "institution" in response.context["form"].errors


@pytest.mark.parametrize("username", ["fund_officer", "auditor", "legal"])
def test_log_a_lead_is_for_officers_chiefs_and_analysts(cast, client_for, username):
    assert client_for(cast[username]).get(reverse("supervision:lead-create")).status_code == 403


# --- The API ------------------------------------------------------------------------------------------------------


def test_api_list_has_the_contract_fields(cast, api_for, leads):
    body = api_for(cast.b01_chief).get(API).json()
    assert body["count"] == 2
    item = body["results"][0]
    assert {"id", "source", "institution", "jurisdiction", "status", "amount", "received_on"} <= set(item)
    assert isinstance(item["amount"], str) and item["received_on"] == "2026-01-05"


def test_api_filters(cast, api_for, leads, b02_institution):
    api = api_for(cast.analyst)
    assert api.get(f"{API}?institution={b02_institution.pk}").json()["count"] == 1
    assert api.get(f"{API}?status=new&source=report").json()["count"] == 1
    assert api.get(f"{API}?q=串换").json()["count"] == 1


def test_api_detail_triad(cast, api_for, leads):
    url = f"{API}{leads['b02'].pk}/"
    assert api_for(cast.b02_officer).get(url).status_code == 200
    assert api_for(cast.b01_officer).get(url).status_code == 404
    assert api_for(cast.supervisor).get(url).status_code == 403
    assert api_for(None).get(url).status_code == 401


def test_api_lifecycle_and_409(cast, api_for, leads):
    lead = leads["b01"]
    url = f"{API}{lead.pk}/"
    assert api_for(cast.b01_chief).post(f"{url}confirm/").status_code == 409
    response = api_for(cast.analyst).post(f"{url}dispatch/", {"officer": cast.b01_officer.pk}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "dispatched"
    assert response.json()["verification_due"]
    assert api_for(cast.analyst).post(f"{url}dispatch/").status_code == 409
    assert api_for(cast.b02_officer).post(f"{url}start-verification/").status_code == 404
    assert api_for(cast.b01_fund).post(f"{url}start-verification/").status_code == 403
    assert api_for(cast.b01_officer).post(f"{url}start-verification/").json()["status"] == "verifying"
    response = api_for(cast.b01_chief).post(f"{url}dismiss/", {}, format="json")
    assert response.status_code == 400 and "reason" in response.json()
    response = api_for(cast.b01_chief).post(f"{url}dismiss/", {"reason": "查无实据"}, format="json")
    assert response.json()["status"] == "dismissed"


def test_api_create(cast, api_for, b01_institution, b02_institution):
    api = api_for(cast.b01_officer)
    response = api.post(
        API, {"institution": b01_institution.pk, "source": "referral", "description": "上级交办"}, format="json"
    )
    assert response.status_code == 201 and response.json()["jurisdiction"] == b01_institution.jurisdiction_id
    response = api.post(
        API, {"institution": b02_institution.pk, "source": "referral", "description": "x"}, format="json"
    )
    assert response.status_code == 400 and "institution" in response.json()
    assert api_for(cast.fund_officer).post(API, {}, format="json").status_code == 403


# --- Query budgets -------------------------------------------------------------------------------------------------


def _populate(org, count):
    institution = InstitutionFactory(jurisdiction=org.b01)
    for _ in range(count):
        LeadFactory(institution=institution, status="dispatched", assignee=None, verification_due=timezone.localdate())


def _count(client, path, rows):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    if path.startswith("/api/"):
        assert len(response.json()["results"]) == rows
    else:
        assert len(response.context["object_list"]) == rows
    return len(ctx.captured_queries)


@pytest.mark.parametrize("path", [LIST, API])
def test_lead_list_queries_do_not_grow_with_rows(org, cast, client, path):
    client.force_login(cast.b01_fund)
    _populate(org, 1)
    one = _count(client, path, 1)
    _populate(org, 49)
    fifty = _count(client, path, 50)
    assert one == fifty, f"{path}: {one} queries with 1 row, {fifty} with 50"


# --- Bulk dispatch (issue 16) -----------------------------------------------------------------------------------

BULK = reverse("supervision:lead-bulk-dispatch")


def test_bulk_dispatch_sends_every_ticked_lead_each_audited(cast, client_for, leads):
    from supervision.org.models import AuditEvent

    ids = [leads["b01"].pk, leads["b01_report"].pk]
    response = client_for(cast.b01_chief).post(BULK, {"leads": ids, "officer": cast.b01_officer.pk, "next": LIST})
    assert response.status_code == 302 and response["Location"] == LIST
    for lead in Lead.objects.filter(pk__in=ids):
        assert lead.status == "dispatched" and lead.assignee == cast.b01_officer
        assert AuditEvent.objects.for_object(lead).filter(verb="dispatch").count() == 1


def test_bulk_dispatch_is_all_or_nothing_and_says_why(cast, client_for, leads):
    leads_services.lead_dispatch(lead=leads["b01_report"], by=cast.b01_chief)  # already dispatched: refused
    client = client_for(cast.b01_chief)
    response = client.post(BULK, {"leads": [leads["b01"].pk, leads["b01_report"].pk, leads["b02"].pk]}, follow=True)
    assert Lead.objects.get(pk=leads["b01"].pk).status == "new"  # nothing went
    text = " ".join(str(m) for m in response.context["messages"])
    assert "西山" not in text  # the other branch's lead is refused like a missing one, unnamed
    assert leads["b01_report"].institution.name in text


def test_bulk_dispatch_through_the_api_reports_each_refusal(cast, api_for, leads):
    api = api_for(cast.b01_chief)
    refused = api.post("/api/v1/leads/bulk-dispatch/", {"leads": [leads["b01"].pk, leads["b02"].pk]}, format="json")
    assert refused.status_code == 409
    assert [error["lead"] for error in refused.json()["errors"]] == [leads["b02"].pk]
    assert Lead.objects.get(pk=leads["b01"].pk).status == "new"
    done = api.post("/api/v1/leads/bulk-dispatch/", {"leads": [leads["b01"].pk]}, format="json")
    assert done.status_code == 200 and [row["id"] for row in done.json()] == [leads["b01"].pk]
    assert api.post("/api/v1/leads/bulk-dispatch/", {"leads": []}, format="json").status_code == 400
    officer = api_for(cast.b01_officer).post(
        "/api/v1/leads/bulk-dispatch/", {"leads": [leads["b01"].pk]}, format="json"
    )
    assert officer.status_code == 403
