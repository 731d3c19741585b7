"""Branch staff see only their branch's screening leads and hits; the API and the pages of screening."""

from django.urls import reverse

from supervision.leads.models import Lead
from supervision.screening.models import Hit
from supervision.screening.services import run_screening
from tests.supervision.screening.conftest import csv_bytes, line


def _two_branches(cast, load):
    load([line("B1", hilist_code="SEX2"), line("B2", hilist_code="SEX2", fixmedins_code="B02C")])
    run_screening(by=cast.analyst, rule_codes=["SEX_LIMIT"])
    return Lead.objects.get(institution__code="B01C"), Lead.objects.get(institution__code="B02C")


def test_b01_officer_sees_only_b01_screening_leads_and_hits(cast, places, catalogue, load, api_for):
    b01, b02 = _two_branches(cast, load)
    api = api_for(cast.b01_officer)
    leads = api.get("/api/v1/leads/?source=screening").json()
    assert [row["id"] for row in leads["results"]] == [b01.pk]
    assert leads["results"][0]["hits"] == 1
    hits = api.get(f"/api/v1/leads/{b01.pk}/hits/").json()
    assert hits["count"] == 1
    assert {"feedetl_sn", "psn_no", "hilist_code", "fee_ocur_time", "cnt", "pric", "fund_pay", "amount"} <= set(
        hits["results"][0]
    )
    assert hits["results"][0]["feedetl_sn"] == "B1"
    assert api.get(f"/api/v1/leads/{b02.pk}/hits/").status_code == 404
    assert list(Hit.objects.visible_to(cast.b01_officer).values_list("feedetl_sn", flat=True)) == ["B1"]


def test_lead_hits_page_and_excel_export(cast, places, catalogue, load, client_for):
    b01, b02 = _two_branches(cast, load)
    client = client_for(cast.b01_officer)
    page = client.get(reverse("supervision:screening:lead-hits", args=[b01.pk]))
    assert page.status_code == 200 and "B1" in page.content.decode()
    export = client.get(reverse("supervision:screening:lead-hits-export", args=[b01.pk]))
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client.get(reverse("supervision:screening:lead-hits", args=[b02.pk])).status_code == 404
    detail = client.get(reverse("supervision:lead-detail", args=[b01.pk])).content.decode()
    assert reverse("supervision:screening:lead-hits", args=[b01.pk]) in detail


def test_api_import_run_and_rules(cast, places, catalogue, api_for, data_dir):
    from django.core.files.uploadedfile import SimpleUploadedFile

    api = api_for(cast.analyst)
    upload = SimpleUploadedFile("l.csv", csv_bytes([line("A", hilist_code="SEX2")]), content_type="text/csv")
    created = api.post("/api/v1/settlement-batches/", {"file": upload}, format="multipart")
    assert created.status_code == 201, created.content
    assert created.json()["lines"] == 1
    bad = SimpleUploadedFile("b.csv", csv_bytes([line("B", gend="x")]), content_type="text/csv")
    rejected = api.post("/api/v1/settlement-batches/", {"file": bad}, format="multipart")
    assert rejected.status_code == 400 and rejected.json()["errors"][0]["field"] == "gend"
    run = api.post("/api/v1/screening/runs/", {"rules": ["SEX_LIMIT"], "dry_run": True}, format="json")
    assert run.status_code == 202
    assert api.get(f"/api/v1/screening/runs/{run.json()['id']}/").json()["hits_by_rule"] == {"SEX_LIMIT": 1}
    rules = api.get("/api/v1/screening/rules/").json()
    assert rules["count"] == 12
    assert api_for(cast.b01_chief).post("/api/v1/screening/runs/", {}, format="json").status_code == 403


def test_rule_edit_makes_a_new_version_and_a_run_records_it(cast, places, catalogue, client_for, load):
    from supervision.screening.models import Rule

    load([line("A", hilist_code="QTY1", cnt="3"), line("B", hilist_code="QTY1", cnt="3", psn_no="P9")])
    rule = Rule.objects.get(code="QTY_LIMIT") if Rule.objects.exists() else None
    if rule is None:
        from supervision.screening.services import rules_seed

        rules_seed()
        rule = Rule.objects.get(code="QTY_LIMIT")
    client = client_for(cast.analyst)
    page = client.get(reverse("supervision:screening:rule-detail", args=[rule.pk]))
    assert page.status_code == 200
    response = client.post(reverse("supervision:screening:rule-update", args=[rule.pk]), {
        "name": "超限定数量（门诊）", "is_active": "on", "result_type": "suspect", "scenario": ["11"],
        "time_window": "单日", "basis": "依据", "violation_code": "EXCESS_PRESCRIBING", "note": "仅门诊",
    })  # fmt: skip
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.name, rule.current.number, rule.current.scenario) == ("超限定数量（门诊）", 2, ["11"])
    run = run_screening(by=cast.analyst, rule_codes=["QTY_LIMIT"], dry_run=True)
    assert [v.number for v in run.rule_versions.all()] == [2]


def test_screening_pages_for_the_analyst(cast, places, catalogue, client_for):
    client = client_for(cast.analyst)
    for name in ("rule-list", "run-list", "batch-list", "catalogue", "batch-create", "catalogue-import"):
        response = client.get(reverse(f"supervision:screening:{name}"))
        assert response.status_code == 200, name
    assert "宫颈癌筛查" in client.get(reverse("supervision:screening:catalogue") + "?q=SEX").content.decode()
