"""Following up confirmed leads and inspection findings: a case (prefilled from the lead) or an agreement
action. Lives here because supervision may not import enforcement; the lead's status is moved by the
supervision service ``lead_mark_converted`` in the same transaction.

Checks, in order: the lead is visible to the caller (the views and the API load it through ``visible_to``:
404), the lead is confirmed (409), then the target's own rules (role 403, input 400) in its service.
"""

from decimal import Decimal

from django.db import transaction

from enforcement.agreement_actions.models import AgreementAction
from enforcement.agreement_actions.services import agreement_action_propose
from enforcement.cases.models import Case
from enforcement.cases.services import case_open
from portal.errors import InvalidState
from supervision.inspections.models import Finding
from supervision.inspections.services import finding_to_lead
from supervision.leads.models import Lead
from supervision.leads.services import lead_mark_converted
from supervision.leads.transitions import CONVERTIBLE
from supervision.org.models import User


def _confirmed(lead: Lead) -> Lead:
    current = Lead.objects.select_for_update().select_related("institution").get(pk=lead.pk)
    if current.status not in CONVERTIBLE:
        from django.utils.translation import gettext as _

        raise InvalidState(
            _("Only a confirmed lead can be followed up; this one is “%(status)s”.")
            % {"status": current.get_status_display()}
        )
    return current


@transaction.atomic
def lead_convert_to_case(
    *,
    lead: Lead,
    by: User,
    title: str,
    violation_codes: list[str],
    amount_involved: Decimal | None = None,
    facts: str = "",
    is_major: bool = False,
) -> Case:
    """Open a case from a confirmed lead: the institution, the lead's date (the filing clock) and the lead
    link come from the lead; the lead becomes ``converted``."""
    current = _confirmed(lead)
    case = case_open(
        by=by,
        title=title,
        institution=current.institution,
        violation_codes=violation_codes,
        amount_involved=current.amount if amount_involved is None else amount_involved,
        facts=facts or current.description,
        is_major=is_major,
        lead=current,
    )
    lead_mark_converted(lead=current, by=by, target=case)
    return case


@transaction.atomic
def lead_convert_to_agreement_action(
    *, lead: Lead, by: User, kind: str, grounds: str, amount=0, starts_on=None, ends_on=None
) -> AgreementAction:
    """Propose an agreement action (协议处理) from a confirmed lead; the lead becomes ``converted``."""
    current = _confirmed(lead)
    action = agreement_action_propose(
        by=by,
        institution=current.institution,
        kind=kind,
        grounds=grounds,
        amount=amount,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    lead_mark_converted(lead=current, by=by, target=action)
    return action


@transaction.atomic
def finding_open_case(
    *,
    finding: Finding,
    by: User,
    title: str,
    violation_codes: list[str] | None = None,
    amount_involved: Decimal | None = None,
    facts: str = "",
    is_major: bool = False,
) -> Case:
    """Open a case from an inspection finding (through a confirmed lead of source ``inspection``)."""
    lead = finding_to_lead(finding=finding, by=by)
    return lead_convert_to_case(
        lead=lead,
        by=by,
        title=title,
        violation_codes=violation_codes or [finding.violation_code],
        amount_involved=finding.amount if amount_involved is None else amount_involved,
        facts=facts or finding.description,
        is_major=is_major,
    )


@transaction.atomic
def finding_propose_agreement_action(
    *, finding: Finding, by: User, kind: str, grounds: str, amount=0, starts_on=None, ends_on=None
) -> AgreementAction:
    """Propose an agreement action from an inspection finding (through a confirmed lead)."""
    lead = finding_to_lead(finding=finding, by=by)
    return lead_convert_to_agreement_action(
        lead=lead, by=by, kind=kind, grounds=grounds, amount=amount, starts_on=starts_on, ends_on=ends_on
    )
