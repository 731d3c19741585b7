"""Inspections: kinds, one record per institution, a team of at least two certified officers on site, the
status planned → in_progress → finished → closed (or cancelled), findings with evidence and its SHA-256;
pages and the API with the 200/403/404 triad."""

import hashlib
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from portal.errors import InvalidState
from supervision.inspections import services
from supervision.inspections.models import ConflictDeclaration, Inspection
from supervision.org.models import AuditEvent
from tests.factories import InstitutionFactory, UserFactory

CERT = {"certificate_number": "CERT-X", "certificate_expires": date(2099, 12, 31)}
PLANNED = date(2026, 6, 1)
API = "/api/v1/inspections/"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def b01_officer2(org):
    return UserFactory(username="b01_officer2", roles=[("officer", org.b01)], **CERT)


@pytest.fixture
def b02_officer2(org):
    return UserFactory(username="b02_officer2", roles=[("officer", org.b02)], **CERT)


@pytest.fixture
def inspection(cast, b01_institution, b01_officer2):
    return services.inspection_create(
        by=cast.b01_chief,
        kind="special",
        institution=b01_institution,
        title="2026年专项检查",
        planned_on=PLANNED,
        team=[cast.b01_officer, b01_officer2],
    )


def started(inspection, user):
    return services.inspection_start(inspection=inspection, by=user)


# --- Planning ------------------------------------------------------------------------------------------------


def test_create_records_the_team_with_its_leader(cast, inspection, b01_officer2):
    assert inspection.jurisdiction == inspection.institution.jurisdiction and inspection.status == "planned"
    members = list(inspection.members.order_by("-is_leader", "pk"))
    assert [(m.user, m.is_leader, m.granted) for m in members] == [
        (cast.b01_officer, True, False),
        (b01_officer2, False, False),
    ]
    event = AuditEvent.objects.for_object(inspection).get()
    assert event.verb == "create" and event.after["team"] == [cast.b01_officer.pk, b01_officer2.pk]


def test_on_site_kinds_need_two_certified_officers(cast, b01_institution, org):
    uncertified = UserFactory(username="b01_new", roles=[("officer", org.b01)])
    for team in ([cast.b01_officer], [cast.b01_officer, uncertified]):
        with pytest.raises(ValidationError) as raised:
            services.inspection_create(
                by=cast.b01_chief,
                kind="flying",
                institution=b01_institution,
                title="飞检",
                planned_on=PLANNED,
                team=team,
            )
        assert "team" in raised.value.message_dict
    assert not Inspection.objects.exists()


@pytest.mark.parametrize("kind", ["expert", "self"])
def test_off_site_kinds_need_one_responsible_officer(cast, b01_institution, kind):
    inspection = services.inspection_create(
        by=cast.b01_chief,
        kind=kind,
        institution=b01_institution,
        title="x",
        planned_on=PLANNED,
        team=[cast.b01_officer],
    )
    assert inspection.members.count() == 1
    with pytest.raises(ValidationError):
        services.inspection_create(
            by=cast.b01_chief, kind=kind, institution=b01_institution, title="x", planned_on=PLANNED, team=[]
        )


def test_team_members_must_be_officers_of_the_branch(cast, b01_institution, b02_officer2):
    with pytest.raises(ValidationError):
        services.inspection_create(
            by=cast.b01_chief,
            kind="special",
            institution=b01_institution,
            title="x",
            planned_on=PLANNED,
            team=[cast.b01_officer, cast.b02_officer],
        )
    with pytest.raises(ValidationError):
        services.inspection_create(
            by=cast.b01_chief,
            kind="special",
            institution=b01_institution,
            title="x",
            planned_on=PLANNED,
            team=[cast.b01_officer, cast.b01_fund],
        )


def test_city_officers_may_join_any_branch(cast, b01_institution):
    inspection = services.inspection_create(
        by=cast.enf_chief,
        kind="key",
        institution=b01_institution,
        title="x",
        planned_on=PLANNED,
        team=[cast.enf_officer, cast.b01_officer],
    )
    assert inspection.members.count() == 2


def test_a_declared_conflict_keeps_the_officer_off_the_team(cast, b01_institution, b01_officer2):
    ConflictDeclaration.objects.create(officer=b01_officer2, institution=b01_institution, reason="亲属任职")
    with pytest.raises(ValidationError):
        services.inspection_create(
            by=cast.b01_chief,
            kind="special",
            institution=b01_institution,
            title="x",
            planned_on=PLANNED,
            team=[cast.b01_officer, b01_officer2],
        )


def test_only_officers_and_chiefs_in_scope_plan(cast, b01_institution, b01_officer2):
    for username in ("b02_chief", "analyst", "fund_officer", "auditor"):
        with pytest.raises(PermissionDenied):
            services.inspection_create(
                by=cast[username],
                kind="special",
                institution=b01_institution,
                title="x",
                planned_on=PLANNED,
                team=[cast.b01_officer, b01_officer2],
            )


# --- The status ------------------------------------------------------------------------------------------------


def test_full_lifecycle(cast, inspection):
    started(inspection, cast.b01_officer)
    finding = services.inspection_add_finding(
        inspection=inspection,
        by=cast.b01_officer,
        violation_code="SUBSTITUTION",
        description="串换药品",
        amount="1200.50",
    )
    assert finding.amount == 1200.5
    finished = services.inspection_finish(inspection=inspection, by=cast.b01_officer, result="发现串换药品问题")
    assert (finished.status, finished.finished_on) == ("finished", timezone.localdate())
    closed = services.inspection_close(inspection=inspection, by=cast.b01_chief, note="移交立案")
    assert (closed.status, closed.closed_on, closed.close_note) == ("closed", timezone.localdate(), "移交立案")
    verbs = list(AuditEvent.objects.for_object(inspection).order_by("pk").values_list("verb", flat=True))
    assert verbs == ["create", "start_inspection", "add_finding", "finish_inspection", "close_inspection"]


def test_wrong_state_is_a_conflict(cast, inspection):
    with pytest.raises(InvalidState):
        services.inspection_finish(inspection=inspection, by=cast.b01_officer, result="x")
    with pytest.raises(InvalidState):
        services.inspection_add_finding(
            inspection=inspection, by=cast.b01_officer, violation_code="SUBSTITUTION", description="x"
        )
    with pytest.raises(InvalidState):
        services.inspection_close(inspection=inspection, by=cast.b01_chief)
    started(inspection, cast.b01_officer)
    with pytest.raises(InvalidState):
        started(inspection, cast.b01_officer)


def test_finish_needs_a_result(cast, inspection):
    started(inspection, cast.b01_officer)
    with pytest.raises(ValidationError):
        services.inspection_finish(inspection=inspection, by=cast.b01_officer, result=" ")


def test_only_chiefs_close_and_cancel(cast, inspection):
    with pytest.raises(PermissionDenied):
        services.inspection_cancel(inspection=inspection, by=cast.b01_officer, reason="x")
    with pytest.raises(ValidationError):
        services.inspection_cancel(inspection=inspection, by=cast.b01_chief, reason="")
    cancelled = services.inspection_cancel(inspection=inspection, by=cast.b01_chief, reason="机构已停业")
    assert cancelled.status == "cancelled"


def test_start_rechecks_the_certificates(cast, inspection, b01_officer2):
    b01_officer2.certificate_expires = date(2020, 1, 1)
    b01_officer2.save()
    with pytest.raises(ValidationError):
        started(inspection, cast.b01_officer)


# --- Findings --------------------------------------------------------------------------------------------------


def test_finding_keeps_its_evidence_with_sha256(cast, inspection):
    started(inspection, cast.b01_officer)
    content = b"%PDF-1.7\n" + "检查笔录".encode() * 100  # evidence types are checked from the content
    finding = services.inspection_add_finding(
        inspection=inspection,
        by=cast.b01_officer,
        violation_code="PHANTOM_BED",
        description="挂床住院",
        amount=800,
        evidence=SimpleUploadedFile("笔录.pdf", content),
    )
    assert finding.sha256 == hashlib.sha256(content).hexdigest()
    assert finding.evidence_name == "笔录.pdf"
    with finding.evidence.file.open("rb") as handle:  # one evidence mechanism with cases (portal.evidence)
        assert handle.read() == content
    assert finding.evidence.content_type == "application/pdf" and finding.evidence.size == len(content)


def test_finding_violation_code_must_be_known(cast, inspection):
    started(inspection, cast.b01_officer)
    with pytest.raises(ValidationError) as raised:
        services.inspection_add_finding(
            inspection=inspection, by=cast.b01_officer, violation_code="NOPE", description="x"
        )
    assert "violation_code" in raised.value.message_dict


def test_evidence_download_is_scoped(cast, inspection, client_for):
    started(inspection, cast.b01_officer)
    finding = services.inspection_add_finding(
        inspection=inspection,
        by=cast.b01_officer,
        violation_code="PHANTOM_BED",
        description="挂床住院",
        evidence=SimpleUploadedFile("a.txt", b"evidence"),
    )
    url = reverse("supervision:finding-evidence", args=[finding.pk])
    response = client_for(cast.b01_chief).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"evidence"
    assert client_for(cast.b02_chief).get(url).status_code == 404
    assert client_for(cast.supervisor).get(url).status_code == 403


# --- Pages ------------------------------------------------------------------------------------------------------


def test_list_and_detail_triad(cast, client_for, inspection):
    assert [
        i.pk for i in client_for(cast.b01_fund).get(reverse("supervision:inspection-list")).context["object_list"]
    ] == [inspection.pk]
    assert client_for(cast.b02_chief).get(reverse("supervision:inspection-list")).context["object_list"].count() == 0
    url = inspection.get_absolute_url()
    assert client_for(cast.b01_officer).get(url).status_code == 200
    assert client_for(cast.b02_officer).get(url).status_code == 404
    assert client_for(cast.supervisor).get(url).status_code == 403


def test_plan_through_the_page(cast, client_for, b01_institution, b01_officer2):
    client = client_for(cast.b01_chief)
    response = client.post(
        reverse("supervision:inspection-create"),
        {
            "kind": "routine",
            "title": "日常巡查",
            "institution": b01_institution.pk,
            "planned_on": "2026-06-01",
            "team": [b01_officer2.pk, cast.b01_officer.pk],
        },
    )
    inspection = Inspection.objects.get()
    assert response.status_code == 302
    assert inspection.members.get(is_leader=True).user == b01_officer2  # the order chosen


def test_steps_through_the_page(cast, client_for, inspection):
    client = client_for(cast.b01_officer)
    client.post(reverse("supervision:inspection-start", args=[inspection.pk]))
    client.post(
        reverse("supervision:finding-create", args=[inspection.pk]),
        {
            "violation_code": "OVER_TESTING",
            "description": "过度检查",
            "amount": "50",
            "evidence": SimpleUploadedFile("e.txt", b"x"),
        },
    )
    client.post(reverse("supervision:inspection-finish", args=[inspection.pk]), {"result": "问题属实"})
    client_for(cast.b01_chief).post(reverse("supervision:inspection-close", args=[inspection.pk]))
    inspection.refresh_from_db()
    assert inspection.status == "closed" and inspection.findings.get().violation_code == "OVER_TESTING"
    page = client_for(cast.b01_officer).get(inspection.get_absolute_url())
    assert page.status_code == 200 and "OVER_TESTING" in page.content.decode()


def test_a_page_step_in_the_wrong_state_changes_nothing(cast, client_for, inspection):
    response = client_for(cast.b01_chief).post(reverse("supervision:inspection-close", args=[inspection.pk]))
    assert response.status_code == 302
    assert Inspection.objects.get(pk=inspection.pk).status == "planned"


# --- API ----------------------------------------------------------------------------------------------------------


def test_api_fields_and_triad(cast, api_for, inspection):
    item = api_for(cast.b01_chief).get(API).json()["results"][0]
    assert {"id", "kind", "institution", "jurisdiction", "status"} <= set(item)
    assert item["team"][0]["user"] == cast.b01_officer.pk and item["team"][0]["is_leader"] is True
    assert api_for(cast.b02_chief).get(f"{API}{inspection.pk}/").status_code == 404
    assert api_for(cast.supervisor).get(API).status_code == 403
    assert api_for(None).get(API).status_code == 401


def test_api_create_and_steps(cast, api_for, b01_institution, b01_officer2):
    api = api_for(cast.b01_chief)
    response = api.post(
        API,
        {
            "kind": "key",
            "title": "重点检查",
            "institution": b01_institution.pk,
            "planned_on": "2026-06-01",
            "team": [cast.b01_officer.pk, b01_officer2.pk],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    url = f"{API}{response.json()['id']}/"
    assert api.post(f"{url}finish/", {"text": "x"}, format="json").status_code == 409
    assert api_for(cast.b01_officer).post(f"{url}start/").json()["status"] == "in_progress"
    response = api_for(cast.b01_officer).post(
        f"{url}findings/", {"violation_code": "OVER_TESTING", "description": "过度检查", "amount": "10"}
    )
    assert response.status_code == 201 and response.json()["violation_code"] == "OVER_TESTING"
    assert len(api.get(f"{url}findings/").json()) == 1
    assert api_for(cast.b01_officer).post(f"{url}close/").status_code == 403
    assert api_for(cast.b01_officer).post(f"{url}finish/", {"text": "问题属实"}, format="json").status_code == 200
    assert api.post(f"{url}close/").json()["status"] == "closed"


def test_api_create_with_a_bad_team_is_400(cast, api_for, b01_institution):
    response = api_for(cast.b01_chief).post(
        API,
        {
            "kind": "special",
            "title": "x",
            "institution": b01_institution.pk,
            "planned_on": "2026-06-01",
            "team": [cast.b01_officer.pk],
        },
        format="json",
    )
    assert response.status_code == 400 and "team" in response.json()


# --- Query budgets -------------------------------------------------------------------------------------------------


def _populate(cast, org, count, b01_officer2):
    for _ in range(count):
        services.inspection_create(
            by=cast.b01_chief,
            kind="special",
            institution=InstitutionFactory(jurisdiction=org.b01),
            title="x",
            planned_on=PLANNED,
            team=[cast.b01_officer, b01_officer2],
        )


@pytest.mark.parametrize("path", [reverse("supervision:inspection-list"), API])
def test_list_queries_do_not_grow_with_rows(cast, org, client, b01_officer2, path):
    client.force_login(cast.b01_fund)
    counts = []
    for add, rows in ((1, 1), (49, 50)):
        _populate(cast, org, add, b01_officer2)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(path)
        listed = response.json()["results"] if path.startswith("/api/") else response.context["object_list"]
        assert len(listed) == rows
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
