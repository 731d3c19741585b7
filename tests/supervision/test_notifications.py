"""Notifications (issue 16): made by the services on assignment and decisions, daily when an item falls due soon,
read by their recipient only."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from enforcement.cases import services as case_services
from supervision.leads import services as lead_services
from supervision.notifications import services
from supervision.notifications.models import Notification
from tests.factories import CaseFactory, InstitutionFactory, LeadFactory


def _verbs(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("verb", flat=True))


def test_dispatching_a_lead_to_an_officer_tells_the_officer(cast, org):
    lead = LeadFactory(institution=InstitutionFactory(jurisdiction=org.b01))
    lead_services.lead_dispatch(lead=lead, by=cast.b01_chief, officer=cast.b01_officer)
    notification = Notification.objects.get(recipient=cast.b01_officer)
    assert notification.verb == "lead_assigned"
    assert notification.url == lead.get_absolute_url()
    assert notification.actor == cast.b01_chief
    assert _verbs(cast.b01_chief) == []  # nobody is told what they did themselves


def test_assigning_officers_and_deciding_the_filing_tell_the_people_concerned(cast, org):
    case = CaseFactory(institution=InstitutionFactory(jurisdiction=org.b01), opened_by=cast.b01_officer)
    case_services.case_act(
        case=case, action="assign_officers", by=cast.b01_chief, data={"officers": [cast.b01_officer.pk]}
    )
    assert _verbs(cast.b01_officer) == ["case_assigned"]
    case_services.case_act(case=case, action="reject_filing", by=cast.b01_chief, comment="证据不足")
    assert sorted(_verbs(cast.b01_officer)) == ["case_assigned", "filing_rejected"]
    rejected = Notification.objects.get(recipient=cast.b01_officer, verb="filing_rejected")
    assert rejected.note == "证据不足" and rejected.url == case.get_absolute_url()


def test_mark_read_is_scoped_to_ones_own_notifications(cast, client_for, api_for):
    mine = Notification.objects.create(recipient=cast.b01_chief, verb="case_assigned", record_label="甲")
    theirs = Notification.objects.create(recipient=cast.b02_chief, verb="case_assigned", record_label="乙")
    client = client_for(cast.b01_chief)
    assert client.post(reverse("supervision:notification-read", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("supervision:notification-read", args=[mine.pk])).status_code == 302
    api = api_for(cast.b01_chief)
    assert api.post(f"/api/v1/notifications/{theirs.pk}/read/").status_code == 404
    assert api.post("/api/v1/notifications/null/read/").status_code == 404  # not a number: no such route, no 500
    theirs.refresh_from_db()
    mine.refresh_from_db()
    assert theirs.read_at is None and mine.read_at is not None
    listed = api.get("/api/v1/notifications/").json()
    assert [row["id"] for row in listed["results"]] == [mine.pk]


def test_mark_all_read_and_the_bell(cast, client_for, api_for):
    for label in ("甲", "乙"):
        Notification.objects.create(recipient=cast.b01_chief, verb="case_assigned", record_label=label)
    other = Notification.objects.create(recipient=cast.b02_chief, verb="case_assigned", record_label="丙")
    page = client_for(cast.b01_chief).get("/").content.decode()
    assert 'data-unread-url="/api/v1/notifications/?unread=true&amp;page_size=1"' in page  # the bell's script
    api = api_for(cast.b01_chief)
    assert api.get("/api/v1/notifications/?unread=true&page_size=1").json()["count"] == 2
    assert api.post("/api/v1/notifications/read-all/").json() == {"marked": 2}
    assert api.get("/api/v1/notifications/?unread=true&page_size=1").json()["count"] == 0
    other.refresh_from_db()
    assert other.read_at is None


def test_the_page_lists_ones_own_notifications_and_opens_the_record(cast, client_for, org):
    case = CaseFactory(institution=InstitutionFactory(jurisdiction=org.b01))
    made = services.notify([cast.b01_chief], "case_assigned", target=case, label=case.number, by=cast.b01_officer)
    Notification.objects.create(recipient=cast.b02_chief, verb="case_assigned", record_label="别人的")
    client = client_for(cast.b01_chief)
    response = client.get(reverse("supervision:notification-list"))
    assert [n.pk for n in response.context["object_list"]] == [made[0].pk]
    opened = client.post(reverse("supervision:notification-read", args=[made[0].pk]), {"open": "1"})
    assert opened.status_code == 302 and opened["Location"] == case.get_absolute_url()


def test_due_soon_notices_are_sent_once_a_day(cast, org, settings):
    settings.INBOX_DUE_SOON_WORKING_DAYS = 3
    today = timezone.localdate()
    institution = InstitutionFactory(jurisdiction=org.b01)
    soon = CaseFactory(institution=institution, filing_due=today + timedelta(days=1))
    CaseFactory(institution=institution, filing_due=today + timedelta(days=60))
    CaseFactory(institution=InstitutionFactory(jurisdiction=org.b02), filing_due=today + timedelta(days=1))
    first = services.notify_due_soon(today=today)
    assert first > 0
    assert services.notify_due_soon(today=today) == 0
    mine = Notification.objects.filter(recipient=cast.b01_chief, verb="due_soon")
    assert [n.url for n in mine] == [soon.get_absolute_url()]
