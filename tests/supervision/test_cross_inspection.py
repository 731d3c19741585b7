"""Cross inspections (交叉检查): a team from B01 drawn for B02 institutions gets guardian grants on exactly
those inspection records for the inspection's duration; everything else of B02 stays out of sight (404);
the grants are revoked when the inspection closes (or is cancelled); every grant and revocation is audited."""

from datetime import date

import pytest
from django.urls import reverse

from supervision.inspections import services
from supervision.inspections.models import Inspection, InspectionUserObjectPermission
from supervision.org.models import AuditEvent
from tests.factories import InspectionFactory, InstitutionFactory, LeadFactory, UserFactory

CERT = {"certificate_expires": date(2099, 12, 31)}


@pytest.fixture
def b01_team(org, cast):
    second = UserFactory(username="b01_officer2", roles=[("officer", org.b01)], certificate_number="C-B01-2", **CERT)
    return [cast.b01_officer, second]


@pytest.fixture
def scene(org, cast, b01_team):
    """A cross draw over B02 with a B01-only officer pool; other B02 records beside it."""
    drawn_pool = [InstitutionFactory(jurisdiction=org.b02, name=f"西山机构{n}") for n in range(6)]
    draw = services.draw_run(
        by=cast.enf_chief,
        title="2026年交叉检查",
        kind="cross",
        planned_on=date(2026, 8, 3),
        institutions=drawn_pool,
        officers=b01_team,
        count=2,
        seed=777,
    )
    drawn = list(Inspection.objects.filter(draw=draw).order_by("pk"))
    other_institution = InstitutionFactory(jurisdiction=org.b02, name="西山其他机构")
    return {
        "draw": draw,
        "drawn": drawn,
        "not_drawn": [i for i in drawn_pool if i.pk not in {d.institution_id for d in drawn}],
        "other_inspection": InspectionFactory(institution=other_institution),
        "other_lead": LeadFactory(institution=drawn[0].institution),
        "other_institution": other_institution,
    }


def test_the_team_holds_grants_on_exactly_the_drawn_records(cast, scene, b01_team):
    drawn_ids = {i.pk for i in scene["drawn"]}
    for member in b01_team:
        granted = set(
            InspectionUserObjectPermission.objects.filter(user=member).values_list("content_object_id", flat=True)
        )
        assert granted == drawn_ids
        codenames = set(
            InspectionUserObjectPermission.objects.filter(user=member).values_list("permission__codename", flat=True)
        )
        assert codenames == {"view_inspection", "change_inspection"}
    assert all(m.granted for i in scene["drawn"] for m in i.members.all())


def test_a_b01_team_member_opens_exactly_the_drawn_b02_records_and_nothing_else(cast, client_for, scene, org):
    client = client_for(cast.b01_officer)
    for inspection in scene["drawn"]:
        assert client.get(inspection.get_absolute_url()).status_code == 200
    assert client.get(scene["other_inspection"].get_absolute_url()).status_code == 404
    assert client.get(scene["other_lead"].get_absolute_url()).status_code == 404
    for inspection in scene["drawn"]:  # institution visibility is not widened
        assert client.get(inspection.institution.get_absolute_url()).status_code == 404
    assert client.get(scene["other_institution"].get_absolute_url()).status_code == 404
    listed = client.get(reverse("supervision:inspection-list")).context["object_list"]
    assert {i.pk for i in listed} == {i.pk for i in scene["drawn"]}
    assert not [
        lead
        for lead in client.get(reverse("supervision:lead-list")).context["object_list"]
        if lead.jurisdiction_id == org.b02.pk
    ]
    api = {i["id"] for i in client.get("/api/v1/inspections/").json()["results"]}
    assert api == {i.pk for i in scene["drawn"]}
    assert client.get(f"/api/v1/institutions/{scene['drawn'][0].institution_id}/").status_code == 404


def test_the_team_works_on_its_records(cast, client_for, scene):
    inspection = scene["drawn"][0]
    client = client_for(cast.b01_officer)
    client.post(reverse("supervision:inspection-start", args=[inspection.pk]))
    client.post(
        reverse("supervision:finding-create", args=[inspection.pk]),
        {"violation_code": "SUBSTITUTION", "description": "串换", "amount": "10"},
    )
    client.post(reverse("supervision:inspection-finish", args=[inspection.pk]), {"result": "发现问题"})
    inspection.refresh_from_db()
    assert inspection.status == "finished" and inspection.findings.count() == 1
    # Closing is the B02 chief's (or the city's): a grant never gives more than view and change.
    response = client.post(reverse("supervision:inspection-close", args=[inspection.pk]))
    assert response.status_code == 403


def test_closing_revokes_the_grants(cast, client_for, scene, b01_team):
    inspection = scene["drawn"][0]
    services.inspection_start(inspection=inspection, by=cast.b01_officer)
    services.inspection_finish(inspection=inspection, by=cast.b01_officer, result="未发现问题")
    services.inspection_close(inspection=inspection, by=cast.b02_chief)
    client = client_for(cast.b01_officer)
    assert client.get(inspection.get_absolute_url()).status_code == 404
    assert client.get(scene["drawn"][1].get_absolute_url()).status_code == 200  # still running
    assert not inspection.members.filter(granted=True).exists()
    revoked = AuditEvent.objects.for_object(inspection).filter(verb="revoke_access")
    assert revoked.count() == len(b01_team)


def test_cancelling_revokes_the_grants(cast, client_for, scene):
    inspection = scene["drawn"][1]
    services.inspection_cancel(inspection=inspection, by=cast.enf_chief, reason="计划调整")
    assert client_for(cast.b01_officer).get(inspection.get_absolute_url()).status_code == 404


def test_grants_are_audited(scene, b01_team):
    for inspection in scene["drawn"]:
        granted = AuditEvent.objects.for_object(inspection).filter(verb="grant_access")
        assert sorted(e.after["to"] for e in granted) == sorted(f"user:{u.pk}" for u in b01_team)
        assert all(e.after["actions"] == ["view", "change"] for e in granted)


def test_own_branch_officers_are_never_on_a_cross_team(cast, org, b01_team):
    institutions = [InstitutionFactory(jurisdiction=org.b01) for _ in range(3)]
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.draw_run(
            by=cast.enf_chief,
            title="x",
            kind="cross",
            planned_on=date(2026, 8, 3),
            institutions=institutions,
            officers=b01_team,
            count=1,
            seed=1,
        )
    with pytest.raises(ValidationError):
        services.inspection_create(
            by=cast.enf_chief,
            kind="cross",
            institution=institutions[0],
            title="x",
            planned_on=date(2026, 8, 3),
            team=b01_team,
        )
