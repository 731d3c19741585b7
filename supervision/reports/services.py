"""Report services: supervisor appointments, supervisor and public reports (each becomes a lead in the
institution's branch), attachments, replies to the reporter and the reply clock. Each write is one
transaction with its audit row."""

import secrets
from datetime import date
from pathlib import PurePath

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import audit, uploads
from portal.errors import InvalidState
from portal.workdays import add_working_days
from supervision.leads.models import Lead
from supervision.org.models import SCOPE_ROLES, OrgUnit, Role, User
from supervision.register.models import Institution
from supervision.reports.models import (
    Report,
    ReportAttachment,
    ReportFeedback,
    SupervisorAppointment,
    active_appointment,
    add_years,
)
from supervision.reports.transitions import TRANSITIONS

TRACKING_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed by hand


def reply_due(received_on: date) -> date:
    """Replies are due a configurable number of working days after a report is received (default 15)."""
    return add_working_days(received_on, settings.REPORTS["reply_working_days"])


def new_tracking_code() -> str:
    return "".join(secrets.choice(TRACKING_ALPHABET) for _n in range(12))


# --- Appointments ----------------------------------------------------------------------------------------


@transaction.atomic
def supervisor_appoint(
    *,
    user: User,
    unit: OrgUnit,
    by: User | None,
    appointed_on: date | None = None,
    term_ends_on: date | None = None,
    contact_officer: User | None = None,
    certificate_number: str = "",
    background: str = "",
) -> SupervisorAppointment:
    """Appoint ``user`` as a social supervisor of ``unit`` (term: 2 years by default); gives the role."""
    from supervision.org.services import role_assign

    appointed_on = appointed_on or timezone.localdate()
    term_ends_on = term_ends_on or add_years(appointed_on, settings.REPORTS["supervisor_term_years"])
    if term_ends_on <= appointed_on:
        raise ValidationError({"term_ends_on": _("The term must end after the appointment.")})
    if user.is_staff_member:
        raise ValidationError({"user": _("Bureau staff cannot be appointed social supervisors.")})
    appointment = SupervisorAppointment.objects.create(
        user=user,
        appointing_unit=unit,
        appointed_on=appointed_on,
        term_ends_on=term_ends_on,
        contact_officer=contact_officer,
        certificate_number=certificate_number,
        background=background,
    )
    role_assign(user=user, role=Role.SUPERVISOR, unit=None, by=by, reason=_("Appointed social supervisor"))
    audit.record(actor=by, verb="appoint", obj=appointment, after=audit.snapshot(appointment))
    return appointment


@transaction.atomic
def supervisor_dismiss(*, appointment: SupervisorAppointment, by: User | None, reason: str) -> SupervisorAppointment:
    """End an appointment early (false pledges, dishonesty listing, abuse of the role)."""
    current = SupervisorAppointment.objects.select_for_update().get(pk=appointment.pk)
    if current.status != SupervisorAppointment.Status.ACTIVE:
        raise InvalidState(_("Only an active appointment can be ended."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason.")})
    before = audit.snapshot(current, ["status", "dismissed_reason"])
    current.status = SupervisorAppointment.Status.DISMISSED
    current.dismissed_reason = reason.strip()
    current.save(update_fields=["status", "dismissed_reason"])
    audit.record(actor=by, verb="dismiss_supervisor", obj=current, before=before, after=audit.snapshot(current))
    return current


def appointments_expire(*, today: date | None = None) -> int:
    """Daily: mark appointments whose term has ended (they could not submit already: see is_active)."""
    today = today or timezone.localdate()
    count = 0
    for pk in list(
        SupervisorAppointment.objects.filter(
            status=SupervisorAppointment.Status.ACTIVE, term_ends_on__lt=today
        ).values_list("pk", flat=True)
    ):
        with transaction.atomic():
            current = SupervisorAppointment.objects.select_for_update().get(pk=pk)
            current.status = SupervisorAppointment.Status.EXPIRED
            current.save(update_fields=["status"])
            audit.record(actor=None, verb="expire_appointment", obj=current, after={"status": current.status})
            count += 1
    return count


# --- Attachments -----------------------------------------------------------------------------------------


def validate_attachments(files) -> list:
    """Type, size and count limits (settings.REPORTS); every problem is reported at once."""
    config = settings.REPORTS
    files = [f for f in files or [] if f]
    errors = []
    if len(files) > config["attachment_max_count"]:
        errors.append(_("At most %(count)d files.") % {"count": config["attachment_max_count"]})
    allowed = {ext.lower().lstrip(".") for ext in config["attachment_extensions"]}
    for upload in files:
        # The extension must be allowed and the content must be of that type (HTML saved as .pdf is not).
        problem = uploads.check_type(upload, sorted(allowed))
        if problem:
            errors.append(problem)
        if upload.size > config["attachment_max_bytes"]:
            errors.append(
                _("%(name)s is larger than %(mb)s MB.")
                % {"name": upload.name, "mb": round(config["attachment_max_bytes"] / 1048576, 1)}
            )
    if errors:
        raise ValidationError({"attachments": errors})
    return files


def _store_attachments(report: Report, files) -> None:
    for upload in files:
        attachment = ReportAttachment(
            report=report,
            name=PurePath(upload.name).name[:200],
            size=upload.size,
            sha256=ReportAttachment.digest(upload),
        )
        attachment.file.save(PurePath(upload.name).name, upload, save=False)
        attachment.save()


# --- Submitting ------------------------------------------------------------------------------------------


def _check_text(summary: str, details: str, observed_on: date | None) -> tuple[str, str]:
    summary, details = (summary or "").strip(), (details or "").strip()
    errors = {}
    if not summary:
        errors["summary"] = [_("Give a short summary.")]
    if not details:
        errors["details"] = [_("Describe what you observed.")]
    if observed_on and observed_on > timezone.localdate():
        errors["observed_on"] = [_("The date cannot be in the future.")]
    if errors:
        raise ValidationError(errors)
    return summary, details


def _create(*, kind: str, by: User | None, institution: Institution, summary: str, details: str, observed_on, files,
            **fields) -> Report:  # fmt: skip
    summary, details = _check_text(summary, details, observed_on)
    files = validate_attachments(files)
    today = timezone.localdate()
    lead = Lead(
        source=Lead.Source.SUPERVISOR if kind == Report.Kind.SUPERVISOR else Lead.Source.REPORT,
        institution=institution,
        jurisdiction_id=institution.jurisdiction_id,
        description=f"{summary}\n{details}",
        received_on=today,
        occurred_on=observed_on,
        created_by=by,
    )
    lead.save()
    report = Report(
        kind=kind,
        institution=institution,
        jurisdiction_id=institution.jurisdiction_id,
        summary=summary,
        details=details,
        observed_on=observed_on,
        submitted_by=by,
        received_on=today,
        reply_due=reply_due(today),
        lead=lead,
        **fields,
    )
    while True:
        report.tracking_code = new_tracking_code()
        if not Report.objects.filter(tracking_code=report.tracking_code).exists():
            break
    report.full_clean()
    report.save()
    _store_attachments(report, files)
    audit.record(actor=by, verb="create", obj=lead, after=audit.snapshot(lead), unit=None)
    # The reporter's identity stays out of the audit row's data (only the handling branch reads it).
    audit.record(
        actor=by,
        verb="submit_report",
        obj=report,
        after=audit.snapshot(report, ["kind", "institution", "summary", "status", "reply_due", "lead", "jurisdiction"]),
        unit=None,
    )
    return report


@transaction.atomic
def report_submit(
    *, by: User, institution: Institution, summary: str, details: str, observed_on: date | None = None, files=()
) -> Report:
    """A social supervisor with an active appointment reports on an institution of the public register."""
    appointment = active_appointment(by)
    if appointment is None or not by.has_role(Role.SUPERVISOR):
        raise PermissionDenied(_("Only a social supervisor with an active appointment may submit reports."))
    return _create(
        kind=Report.Kind.SUPERVISOR,
        by=by,
        institution=institution,
        summary=summary,
        details=details,
        observed_on=observed_on,
        files=files,
        appointment=appointment,
    )


@transaction.atomic
def public_report_submit(
    *,
    institution: Institution,
    summary: str,
    details: str,
    observed_on: date | None = None,
    is_anonymous: bool = True,
    reporter_name: str = "",
    reporter_id_number: str = "",
    reporter_phone: str = "",
    reporter_address: str = "",
    wants_reward: bool = False,
    address: str | None = None,
    files=(),
) -> Report:
    """A member of the public reports (举报), anonymously or by name; returns the report with its tracking code."""
    fields = {
        "reporter_name": (reporter_name or "").strip(),
        "reporter_id_number": (reporter_id_number or "").strip().upper(),
        "reporter_phone": (reporter_phone or "").strip(),
        "reporter_address": (reporter_address or "").strip(),
    }
    if is_anonymous:
        fields = dict.fromkeys(fields, "")
        wants_reward = False  # a reward needs the reporter's real identity (law-reference §5)
    else:
        errors = {}
        if not fields["reporter_name"]:
            errors["reporter_name"] = [_("Give your name, or report anonymously.")]
        if not fields["reporter_phone"]:
            errors["reporter_phone"] = [_("Give a phone number we can reach you on.")]
        if errors:
            raise ValidationError(errors)
    return _create(
        kind=Report.Kind.PUBLIC,
        by=None,
        institution=institution,
        summary=summary,
        details=details,
        observed_on=observed_on,
        files=files,
        is_anonymous=is_anonymous,
        wants_reward=wants_reward,
        source_address=address or None,
        **fields,
    )


def public_report_allowed(address: str, *, consume: bool = True) -> bool:
    """Rate limit per address (settings.REPORTS): at most N public reports per window.

    Counted in Django's cache (LocMem by default, i.e. per process; a shared cache makes it global)."""
    config = settings.REPORTS
    key = f"public-report-rate:{address or 'unknown'}"
    cache.add(key, 0, timeout=config["public_rate_window_seconds"])
    count = cache.get(key, 0)
    if count >= config["public_rate_limit"]:
        return False
    if consume:
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=config["public_rate_window_seconds"])
    return True


def report_by_tracking_code(code: str) -> Report | None:
    code = (code or "").strip().upper().replace(" ", "").replace("-", "")
    if len(code) != 12:
        return None
    return (
        Report.objects.filter(kind=Report.Kind.PUBLIC, tracking_code=code).select_related("institution", "lead").first()
    )


# --- Replying --------------------------------------------------------------------------------------------


@transaction.atomic
def report_reply(*, report: Report, by: User, text: str) -> ReportFeedback:
    """The handling branch replies to the reporter; the first reply stops the reply clock."""
    current = Report.objects.select_for_update().get(pk=report.pk)
    TRANSITIONS.check(current, "reply", by)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the reply.")})
    before = audit.snapshot(current, ["status", "replied_on"])
    feedback = ReportFeedback.objects.create(report=current, text=text, by=by)
    if current.replied_on is None:
        current.replied_on = timezone.localdate()
    current.status = Report.Status.REPLIED
    current.save(update_fields=["status", "replied_on"])
    audit.record(
        actor=by,
        verb="reply_report",
        obj=current,
        before=before,
        after=audit.snapshot(current, ["status", "replied_on"]),
    )
    return feedback


@transaction.atomic
def report_close(*, report: Report, by: User, reason: str) -> Report:
    """The handling branch's chief closes a report once the reporter has had a reply: no further replies, and
    the reporter sees it as closed. The reason is recorded in the history."""
    current = Report.objects.select_for_update().get(pk=report.pk)
    TRANSITIONS.check(current, "close", by)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"comment": _("Say why the report is closed.")})
    before = audit.snapshot(current, ["status"])
    current.status = Report.Status.CLOSED
    current.save(update_fields=["status"])
    audit.record(
        actor=by,
        verb="close_report",
        obj=current,
        before=before,
        after=audit.snapshot(current, ["status"]),
        reason=reason,
    )
    return current


def reporter_visible_to(user, report: Report) -> bool:
    """The reporter's personal data is read only by staff of the handling branch (not city-wide units)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    for assignment in user.role_assignments:
        if assignment.role not in SCOPE_ROLES or assignment.unit_id is None:
            continue
        scope = assignment.unit.scope_unit
        if scope.kind == OrgUnit.Kind.BRANCH and report.jurisdiction.is_within(scope):
            return True
    return False
