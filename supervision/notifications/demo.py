"""Demo inbox (issue 16): a lead whose verification falls due within the warning window, dispatched to the demo
officer of B01 and being verified, so the officer's and the chiefs' inboxes show a "due soon" item beside the
overdue ones of the other seeders; then the daily due-soon notices. Written through the services; keyed on an
external id (and the notices once per item and day), so running it again adds nothing."""

from datetime import timedelta

from django.utils import timezone

from portal.inbox import due_soon_days
from portal.workdays import working_days_between
from supervision.leads import services as leads
from supervision.leads.models import Lead
from supervision.notifications.services import notify_due_soon
from supervision.register.models import Institution

DUE_SOON_LEAD = "DEMO-INBOX-B01-due-soon"


def _dispatch_day(today):
    """The latest day on or before today from which verification falls due 1..N working days after today."""
    window = max(1, due_soon_days())
    for back in range(0, 60):
        day = today - timedelta(days=back)
        left = working_days_between(today, leads.verification_due(day))
        if 1 <= left <= window:
            return day
    return today


def seed(*, units: dict, users: dict, institutions=None) -> dict:
    today = timezone.localdate()
    made = 0
    if not Lead.objects.filter(external_id=DUE_SOON_LEAD).exists():
        chief, officer = users["b01_chief"], users["b01_officer1"]
        institution = Institution.objects.filter(jurisdiction__code="B01").order_by("code").first()
        day = _dispatch_day(today)
        lead = leads.lead_create(
            by=chief,
            institution=institution,
            source="referral",
            description="市局交办：该机构近期门诊统筹结算量异常增长，请在期限内核查并报告。",
            amount=8600,
            received_on=day,
            external_id=DUE_SOON_LEAD,
        )
        leads.lead_dispatch(lead=lead, by=chief, officer=officer, on=day)
        leads.lead_start_verification(lead=lead, by=officer, on=day)
        made = 1
    return {"inbox demo leads": made, "due-soon notices": notify_due_soon(today=today)}
