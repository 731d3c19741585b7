"""Lead services: logging a lead and its lifecycle ``new → dispatched → verifying → dismissed | confirmed →
converted``. Each locks the row, checks the role on the lead (403), the state (409), the input (400), and
writes its audit row in the same transaction. Converting happens in the enforcement app
(``enforcement.services.leads``), which calls ``lead_mark_converted`` here.
"""

from datetime import date

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import audit, bulk
from portal.workdays import add_working_days
from supervision.leads.models import Lead
from supervision.leads.transitions import TRANSITIONS
from supervision.notifications.services import notify
from supervision.org.models import Role, User
from supervision.register.models import Institution

L = Lead.Status
AUDITED = [
    "status",
    "jurisdiction",
    "assignee",
    "dispatched_on",
    "verification_due",
    "verification_started_on",
    "decided_on",
    "decision_note",
    "converted_type",
    "converted_id",
]


def _require(user: User, perm: str, obj=None) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied(_("Your role may not do this for this lead."))


def _locked(lead: Lead) -> Lead:
    return Lead.objects.select_for_update().select_related("institution", "jurisdiction").get(pk=lead.pk)


def verification_due(dispatched_on: date) -> date:
    """Verification is due a configurable number of working days after dispatch (domain §3; default 15)."""
    return add_working_days(dispatched_on, settings.LEAD_VERIFICATION_WORKING_DAYS)


@transaction.atomic
def lead_create(
    *,
    by: User,
    institution: Institution,
    source: str,
    description: str,
    amount=0,
    received_on: date | None = None,
    rule_code: str = "",
    occurred_on: date | None = None,
    external_id: str | None = None,
    status: str = L.NEW,
) -> Lead:
    """Log a lead about an institution; it lies in the institution's branch."""
    lead = Lead(
        source=source,
        institution=institution,
        jurisdiction_id=institution.jurisdiction_id,
        description=(description or "").strip(),
        amount=amount or 0,
        received_on=received_on or timezone.localdate(),
        rule_code=rule_code,
        occurred_on=occurred_on,
        external_id=external_id or None,
        status=status,
        created_by=by,
    )
    if lead.received_on > timezone.localdate():
        raise ValidationError({"received_on": _("The lead cannot be received in the future.")})
    if lead.amount < 0:
        raise ValidationError({"amount": _("The amount cannot be negative.")})
    lead.full_clean()
    _require(by, "supervision.add_lead", lead)
    lead.save()
    audit.record(actor=by, verb="create", obj=lead, after=audit.snapshot(lead))
    return lead


def _check_officer(lead: Lead, officer: User | None) -> None:
    if officer is None:
        return
    if not officer.is_active or not officer.has_role(Role.OFFICER):
        raise ValidationError({"officer": _("%(name)s is not an enforcement officer.") % {"name": officer}})
    # The officer's own role must cover the lead's branch (not a grant): they verify it there.
    from portal.permissions import role_backend

    if not role_backend.has_perm(officer, "supervision.verify_lead", lead):
        raise ValidationError({"officer": _("%(name)s does not work in this lead's branch.") % {"name": officer}})


@transaction.atomic
def lead_dispatch(*, lead: Lead, by: User, officer: User | None = None, on: date | None = None) -> Lead:
    """Send a new lead to its institution's branch for verification, optionally to a named officer.

    The lead's jurisdiction follows the institution (if it has been transferred since the lead came in),
    and the verification clock starts.
    """
    current = _locked(lead)
    TRANSITIONS.check(current, "dispatch", by)
    before = audit.snapshot(current, AUDITED)
    current.jurisdiction_id = current.institution.jurisdiction_id
    _check_officer(current, officer)
    on = on or timezone.localdate()
    current.status = L.DISPATCHED
    current.dispatched_on = on
    current.dispatched_by = by
    current.assignee = officer
    current.verification_due = verification_due(on)
    current.save()
    audit.record(actor=by, verb="dispatch", obj=current, before=before, after=audit.snapshot(current, AUDITED))
    if officer is not None:
        label = f"{current.institution.name} · {current.received_on:%Y-%m-%d}"
        notify([officer], "lead_assigned", target=current, label=label, by=by)
    return current


def leads_dispatch_many(*, ids: list[int], by: User, officer: User | None = None) -> list[Lead]:
    """Dispatch several leads in one go (批量分派): all or nothing (``portal.bulk``). Each lead goes through
    ``lead_dispatch`` (its transition, its officer check, its own audit row); a lead the user does not see is
    refused like a missing one. If any is refused, nothing is written and ``BulkRefused`` lists every refusal."""
    report = bulk.bulk_transition(
        TRANSITIONS,
        "dispatch",
        ids=ids,
        queryset=Lead.objects.visible_to(by).select_related("institution"),
        step=lambda lead: lead_dispatch(lead=lead, by=by, officer=officer),
        field_name="leads",
        limit=BULK_MAX,
    )
    return report.done


BulkRefused = bulk.BulkRefused  # the pages and the API catch it here
BULK_MAX = 200  # leads in one bulk request (the API's documented cap)


@transaction.atomic
def lead_start_verification(*, lead: Lead, by: User, on: date | None = None) -> Lead:
    """The branch starts verifying (核查) a dispatched lead; an officer who starts it without an assignee
    takes it on."""
    current = _locked(lead)
    TRANSITIONS.check(current, "start_verification", by)
    before = audit.snapshot(current, AUDITED)
    if current.assignee_id is None and by.has_role(Role.OFFICER):
        current.assignee = by
    current.status = L.VERIFYING
    current.verification_started_on = on or timezone.localdate()
    current.save()
    audit.record(
        actor=by, verb="start_verification", obj=current, before=before, after=audit.snapshot(current, AUDITED)
    )
    return current


def _decide(lead: Lead, by: User, to: str, verb: str, note: str, on: date | None) -> Lead:
    current = _locked(lead)
    TRANSITIONS.check(current, verb, by)
    note = (note or "").strip()
    if to == L.DISMISSED and not note:
        raise ValidationError({"reason": _("Give the reason for dismissing the lead.")})
    before = audit.snapshot(current, AUDITED)
    current.status = to
    current.decided_on = on or timezone.localdate()
    current.decided_by = by
    current.decision_note = note
    current.save()
    audit.record(actor=by, verb=verb, obj=current, before=before, after=audit.snapshot(current, AUDITED), reason=note)
    return current


@transaction.atomic
def lead_dismiss(*, lead: Lead, by: User, reason: str, on: date | None = None) -> Lead:
    """Verification found nothing to pursue: the lead is dismissed (不予立案/查无实据) with a reason."""
    return _decide(lead, by, L.DISMISSED, "dismiss", reason, on)


@transaction.atomic
def lead_confirm(*, lead: Lead, by: User, note: str = "", on: date | None = None) -> Lead:
    """Verification confirmed the lead: it may now become a case or an agreement action."""
    return _decide(lead, by, L.CONFIRMED, "confirm", note, on)


@transaction.atomic
def lead_mark_converted(*, lead: Lead, by: User, target) -> Lead:
    """Record what a confirmed lead became (called by the enforcement app inside its own transaction)."""
    current = _locked(lead)
    TRANSITIONS.check_state(current, "convert")
    before = audit.snapshot(current, AUDITED)
    current.status = L.CONVERTED
    current.converted_type = ContentType.objects.get_for_model(target)
    current.converted_id = target.pk
    current.save()
    audit.record(
        actor=by,
        verb="convert",
        obj=current,
        before=before,
        after={**audit.snapshot(current, AUDITED), "target": f"{target._meta.label_lower}:{target.pk}"},
    )
    return current


def lead_actions(lead: Lead, user: User) -> dict[str, bool]:
    """Which lifecycle steps ``user`` may take on ``lead`` now (for pages and the API): the lead's table."""
    return TRANSITIONS.flags(lead, user)
