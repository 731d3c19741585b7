"""Social supervisors' reports: submitting (a lead in the institution's branch), scope (own reports only),
the reply and its clock, expired appointments, attachments, the API."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from portal.workdays import add_working_days
from supervision.leads.models import Lead
from supervision.org.models import AuditEvent
from supervision.reports import services as reports_services
from supervision.reports.models import Report, SupervisorAppointment
from tests.factories import UserFactory


@pytest.fixture
def appointed(cast, org):
    reports_services.supervisor_appoint(user=cast.supervisor, unit=org.city, by=None, contact_officer=cast.enf_officer)
    return cast.supervisor


@pytest.fixture
def other_supervisor(org):
    user = UserFactory(username="supervisor_two", roles=[("supervisor", None)])
    reports_services.supervisor_appoint(user=user, unit=org.b02, by=None)
    return user


def submit(user, institution, **kwargs):
    kwargs.setdefault("summary", "药店套刷生活用品")
    kwargs.setdefault("details", "收银员用医保卡结算洗发水。")
    return reports_services.report_submit(by=user, institution=institution, **kwargs)


def test_a_report_becomes_a_lead_in_the_institutions_branch(appointed, b02_institution):
    report = submit(appointed, b02_institution)
    assert report.jurisdiction == b02_institution.jurisdiction
    assert report.lead.source == Lead.Source.SUPERVISOR
    assert report.lead.jurisdiction == b02_institution.jurisdiction
    assert report.lead.status == Lead.Status.NEW
    assert report.status == Report.Status.RECEIVED
    assert AuditEvent.objects.for_object(report).filter(verb="submit_report").exists()


def test_reply_is_due_in_configured_working_days(appointed, b01_institution, settings):
    report = submit(appointed, b01_institution)
    assert report.reply_due == add_working_days(timezone.localdate(), 15)
    settings.REPORTS = {**settings.REPORTS, "reply_working_days": 3}
    assert reports_services.reply_due(date(2026, 3, 6)) == date(2026, 3, 11)  # Fri + 3 working days = Wed


def test_the_feedback_clock_overdue_until_the_first_reply(appointed, b02_institution, cast):
    report = submit(appointed, b02_institution)
    Report.objects.filter(pk=report.pk).update(reply_due=timezone.localdate() - timedelta(days=1))
    assert Report.objects.reply_overdue().filter(pk=report.pk).exists()
    reports_services.report_reply(report=report, by=cast.b02_chief, text="已核查。")
    report.refresh_from_db()
    assert report.status == Report.Status.REPLIED and report.replied_on == timezone.localdate()
    assert not Report.objects.reply_overdue().filter(pk=report.pk).exists()
    assert not report.is_reply_overdue()


def test_overdue_replies_show_on_the_branch_home_page(appointed, b02_institution, cast, client_for):
    report = submit(appointed, b02_institution)
    Report.objects.filter(pk=report.pk).update(reply_due=timezone.localdate() - timedelta(days=2))
    page = client_for(cast.b02_chief).get(reverse("home")).content.decode()
    assert "Report replies overdue" in page or "举报" in page or "回复超期" in page
    assert reverse("supervision:report-detail", args=[report.pk]) in page


def test_only_the_branch_may_reply(appointed, b02_institution, cast):
    report = submit(appointed, b02_institution)
    with pytest.raises(PermissionDenied):
        reports_services.report_reply(report=report, by=cast.b01_chief, text="x")
    with pytest.raises(PermissionDenied):
        reports_services.report_reply(report=report, by=cast.auditor, text="x")
    with pytest.raises(ValidationError):
        reports_services.report_reply(report=report, by=cast.b02_officer, text="  ")


def test_the_branch_chief_closes_a_replied_report_with_a_reason(appointed, b02_institution, cast, client_for):
    from portal.errors import InvalidState

    report = submit(appointed, b02_institution)
    with pytest.raises(InvalidState):  # reply first
        reports_services.report_close(report=report, by=cast.b02_chief, reason="已处理")
    reports_services.report_reply(report=report, by=cast.b02_officer, text="已立案核查。")
    with pytest.raises(PermissionDenied):  # an officer replies, the chief closes
        reports_services.report_close(report=report, by=cast.b02_officer, reason="已处理")
    with pytest.raises(ValidationError):
        reports_services.report_close(report=report, by=cast.b02_chief, reason=" ")

    chief = client_for(cast.b02_chief)
    page = chief.get(reverse("supervision:report-detail", args=[report.pk]))
    assert reverse("supervision:report-close", args=[report.pk]) in page.content.decode()
    response = chief.post(
        reverse("supervision:report-close", args=[report.pk]), {"comment": "线索已转立案，答复完毕。"}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == Report.Status.CLOSED
    event = AuditEvent.objects.for_object(report).filter(verb="close_report").get()
    assert (event.actor, event.reason) == (cast.b02_chief, "线索已转立案，答复完毕。")
    with pytest.raises(InvalidState):  # closed: no more replies
        reports_services.report_reply(report=report, by=cast.b02_officer, text="补充答复")
    mine = client_for(appointed).get(reverse("supervision:my-report-detail", args=[report.pk]))
    assert "已立案核查。" in mine.content.decode()


def test_a_supervisor_sees_only_their_own_reports(appointed, other_supervisor, b01_institution, cast):
    mine = submit(appointed, b01_institution)
    theirs = submit(other_supervisor, b01_institution)
    assert list(Report.objects.visible_to(appointed)) == [mine]
    assert list(Report.objects.visible_to(other_supervisor)) == [theirs]
    assert set(Report.objects.visible_to(cast.b01_chief)) == {mine, theirs}
    assert not Report.objects.visible_to(cast.b02_chief).exists()
    assert not Report.objects.visible_to(cast.norole).exists()


def test_expired_supervisor_reads_but_cannot_submit(appointed, b01_institution, client_for):
    report = submit(appointed, b01_institution)
    SupervisorAppointment.objects.filter(user=appointed).update(term_ends_on=timezone.localdate() - timedelta(days=1))
    with pytest.raises(PermissionDenied):
        submit(appointed, b01_institution)
    client = client_for(appointed)
    assert client.get(reverse("supervision:my-report-detail", args=[report.pk])).status_code == 200
    assert client.get(reverse("supervision:my-report-create")).status_code == 403
    assert reports_services.appointments_expire() == 1
    assert SupervisorAppointment.objects.get(user=appointed).status == SupervisorAppointment.Status.EXPIRED


def test_dismissed_supervisor_cannot_submit(appointed, b01_institution):
    appointment = SupervisorAppointment.objects.get(user=appointed)
    reports_services.supervisor_dismiss(appointment=appointment, by=None, reason="滥用监督员身份")
    with pytest.raises(PermissionDenied):
        submit(appointed, b01_institution)


def test_default_term_is_two_years(appointed):
    appointment = SupervisorAppointment.objects.get(user=appointed)
    assert appointment.term_ends_on == appointment.appointed_on.replace(year=appointment.appointed_on.year + 2)


def test_attachments_are_checked_and_hashed(appointed, b01_institution, settings):
    good = SimpleUploadedFile("photo.jpg", b"\xff\xd8\xffjpeg-bytes", content_type="image/jpeg")
    report = submit(appointed, b01_institution, files=[good])
    attachment = report.attachments.get()
    import hashlib

    assert attachment.sha256 == hashlib.sha256(b"\xff\xd8\xffjpeg-bytes").hexdigest()
    assert attachment.size == len(b"\xff\xd8\xffjpeg-bytes")
    with pytest.raises(ValidationError) as exc:
        submit(appointed, b01_institution, files=[SimpleUploadedFile("run.exe", b"MZ")])
    assert "attachments" in exc.value.message_dict
    settings.REPORTS = {**settings.REPORTS, "attachment_max_bytes": 4}
    with pytest.raises(ValidationError):
        submit(appointed, b01_institution, files=[SimpleUploadedFile("big.pdf", b"%PDF-1.4 more")])
    assert Report.objects.count() == 1  # nothing written for the refused ones


# --- Pages ------------------------------------------------------------------------------------------------


def test_home_sends_a_supervisor_to_their_portal(appointed, client_for):
    response = client_for(appointed).get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse("supervision:my-reports")


def test_supervisor_portal_has_no_staff_navigation(appointed, client_for):
    page = client_for(appointed).get(reverse("supervision:my-reports")).content.decode()
    for staff_url in ("supervision:lead-list", "supervision:institution-list", "enforcement:case-list"):
        assert reverse(staff_url) not in page


def test_submit_from_the_browser_then_branch_replies_and_other_supervisor_cannot_see(
    appointed, other_supervisor, b02_institution, cast, client
):
    """The issue's acceptance path: supervisor submits, b02 chief sees a lead and replies, the reply is read,
    another supervisor gets 404."""
    client.force_login(appointed)
    response = client.post(
        reverse("supervision:my-report-create"),
        {"institution": b02_institution.pk, "summary": "医院挂床住院", "details": "床头卡有名无人。",
         "observed_on": "2026-01-05", "attachments": [SimpleUploadedFile("a.pdf", b"%PDF-1.4")]},
    )  # fmt: skip
    report = Report.objects.get(summary="医院挂床住院")
    assert response.status_code == 302 and response["Location"] == reverse(
        "supervision:my-report-detail", args=[report.pk]
    )
    client.force_login(cast.b02_chief)
    assert "医院挂床住院" in client.get(reverse("supervision:report-list")).content.decode()
    assert client.get(reverse("supervision:lead-detail", args=[report.lead_id])).status_code == 200
    response = client.post(reverse("supervision:report-reply", args=[report.pk]), {"text": "已受理，正在核查。"})
    assert response.status_code == 302
    client.force_login(appointed)
    assert (
        "已受理，正在核查。" in client.get(reverse("supervision:my-report-detail", args=[report.pk])).content.decode()
    )
    client.force_login(other_supervisor)
    assert client.get(reverse("supervision:my-report-detail", args=[report.pk])).status_code == 404
    assert "医院挂床住院" not in client.get(reverse("supervision:my-reports")).content.decode()


def test_supervisor_gets_403_on_staff_pages_and_records(appointed, b01_institution, cast, client_for):
    report = submit(appointed, b01_institution)
    client = client_for(appointed)
    for url in (
        reverse("supervision:report-list"),
        reverse("supervision:report-detail", args=[report.pk]),
        reverse("supervision:lead-detail", args=[report.lead_id]),
        reverse("supervision:lead-list"),
        reverse("enforcement:case-list"),
    ):
        assert client.get(url).status_code == 403, url


def test_city_wide_staff_do_not_see_a_public_reporters_identity(cast, b01_institution, client_for):
    report = reports_services.public_report_submit(
        institution=b01_institution, summary="诊所冒名就诊", details="x", is_anonymous=False,
        reporter_name="李秀英", reporter_phone="13900001111", reporter_id_number="33010219700101002X",
    )  # fmt: skip
    url = reverse("supervision:report-detail", args=[report.pk])
    assert "13900001111" in client_for(cast.b01_officer).get(url).content.decode()
    for user in (cast.director, cast.enf_chief, cast.auditor):
        page = client_for(user).get(url).content.decode()
        assert "13900001111" not in page and "李秀英" not in page and "33010219700101002X" not in page


# --- API --------------------------------------------------------------------------------------------------


def test_api_supervisor_creates_and_sees_only_own(appointed, other_supervisor, b02_institution, api_for, cast):
    api = api_for(appointed)
    response = api.post(
        "/api/v1/reports/",
        {"institution": b02_institution.pk, "summary": "重复收费", "details": "两次诊查费"},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert {"id", "institution", "summary", "status", "submitted_by"} <= set(body)
    assert body["submitted_by"] == appointed.pk and "lead" not in body
    assert api_for(other_supervisor).get(f"/api/v1/reports/{body['id']}/").status_code == 404
    assert api_for(other_supervisor).get("/api/v1/reports/").json()["count"] == 0
    assert api.get("/api/v1/reports/").json()["count"] == 1
    staff = api_for(cast.b02_chief).get("/api/v1/reports/").json()
    assert staff["count"] == 1 and staff["results"][0]["lead"]
    assert api_for(cast.b01_chief).get(f"/api/v1/reports/{body['id']}/").status_code == 404
    reply = api_for(cast.b02_chief).post(f"/api/v1/reports/{body['id']}/reply/", {"text": "已核查"}, format="json")
    assert reply.status_code == 200 and reply.json()["status"] == "replied"
    assert api.get(f"/api/v1/reports/{body['id']}/").json()["feedback"][0]["text"] == "已核查"


def test_api_staff_cannot_create_and_supervisor_cannot_reply(appointed, b01_institution, api_for, cast):
    payload = {"institution": b01_institution.pk, "summary": "s", "details": "d"}
    assert api_for(cast.b01_chief).post("/api/v1/reports/", payload, format="json").status_code == 403
    report = submit(appointed, b01_institution)
    assert (
        api_for(appointed).post(f"/api/v1/reports/{report.pk}/reply/", {"text": "x"}, format="json").status_code == 403
    )
    assert api_for(None).get("/api/v1/reports/").status_code == 401


def test_api_supervisor_reads_institutions_but_no_other_staff_api(appointed, api_for, b01_institution):
    api = api_for(appointed)
    assert api.get("/api/v1/institutions/").status_code == 200
    for url in ("/api/v1/leads/", "/api/v1/cases/", "/api/v1/agreements/", "/api/v1/org-units/"):
        assert api.get(url).status_code == 403, url


def test_api_expired_supervisor_cannot_create(appointed, b01_institution, api_for):
    SupervisorAppointment.objects.filter(user=appointed).update(status=SupervisorAppointment.Status.EXPIRED)
    payload = {"institution": b01_institution.pk, "summary": "s", "details": "d"}
    assert api_for(appointed).post("/api/v1/reports/", payload, format="json").status_code == 403


def test_reports_list_query_count_does_not_grow(appointed, b01_institution, api_for, cast, client_for):
    submit(appointed, b01_institution)
    api, client = api_for(cast.b01_chief), client_for(cast.b01_chief)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api.get("/api/v1/reports/")  # warm up (per-process caches)
    client.get(reverse("supervision:report-list"))
    counts = []
    for _round in range(2):
        with CaptureQueriesContext(connection) as api_queries:
            api.get("/api/v1/reports/")
        with CaptureQueriesContext(connection) as page_queries:
            client.get(reverse("supervision:report-list"))
        counts.append((len(api_queries), len(page_queries)))
        for _n in range(49):
            submit(appointed, b01_institution)
    assert counts[0] == counts[1]


def test_attachments_download_only_in_scope(appointed, other_supervisor, b01_institution, cast, client):
    report = submit(appointed, b01_institution, files=[SimpleUploadedFile("a.pdf", b"%PDF-1.4 x")])
    attachment = report.attachments.get()
    own = reverse("supervision:my-report-attachment", args=[report.pk, attachment.pk])
    staff = reverse("supervision:report-attachment", args=[report.pk, attachment.pk])
    client.force_login(appointed)
    response = client.get(own)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4 x"
    assert client.get(staff).status_code == 403
    client.force_login(other_supervisor)
    assert client.get(own).status_code == 404
    client.force_login(cast.b01_officer)
    assert client.get(staff).status_code == 200
    client.force_login(cast.b02_officer)
    assert client.get(staff).status_code == 404


def test_supervisor_portal_query_count_does_not_grow(appointed, b01_institution, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(appointed)
    url = reverse("supervision:my-reports")
    submit(appointed, b01_institution)
    client.get(url)  # warm up
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _n in range(49):
        submit(appointed, b01_institution)
    with CaptureQueriesContext(connection) as fifty:
        assert client.get(url).context["paginator"].count == 50
    assert len(one) == len(fifty)


def test_the_register_is_searched_not_listed_in_the_report_form(b01_institution, django_assert_num_queries):
    """10,000 institutions at bench scale: the form holds only the chosen one and asks the public register search
    (issue 16); rendering it unbound reads nothing."""
    from django.urls import reverse

    from supervision.reports.forms import PublicReportForm

    with django_assert_num_queries(0):
        html = str(PublicReportForm()["institution"])
    assert f'data-typeahead="{reverse("public:register-lookup")}"' in html and "<optgroup" not in html
    bound = str(PublicReportForm({"institution": b01_institution.pk})["institution"])
    assert f'value="{b01_institution.pk}" selected>{b01_institution.name}（{b01_institution.code}）</option>' in bound
