"""Public disclosure (执法公示, domain §8): decided penalty cases and terminated agreements, with personal data
masked, published within the configured working days of the decision; withdrawn when the decision is revoked.

Publication writes a masked snapshot (``Disclosure``): the public pages never read a case or a measure, so no
staff-only field can reach them. The daily job (``refresh_agreements``) publishes what is due; a revoked
decision or measure is withdrawn by the outcome hook in the same transaction as the revocation.
"""

from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from enforcement.agreement_actions.models import AgreementAction
from enforcement.cases.models import Case, CaseState
from enforcement.documents.models import Document, DocumentKind
from enforcement.public.models import Disclosure
from portal import audit
from portal.masking import mask_name, mask_text
from portal.workdays import add_working_days
from supervision.register.models import Agreement

PUBLISHED_STATES = (CaseState.DECIDED, CaseState.EXECUTING, CaseState.CLOSED, CaseState.ARCHIVED)
CACHE_VERSION_KEY = "public-disclosure-version"


def cache_version() -> int:
    return cache.get_or_set(CACHE_VERSION_KEY, 1, timeout=None)


def _bump_cache() -> None:
    """Public pages read through a versioned cache key: a new version makes every page fresh."""
    try:
        cache.incr(CACHE_VERSION_KEY)
    except ValueError:
        cache.set(CACHE_VERSION_KEY, 2, timeout=None)


def publish_due(decided_on: date) -> date:
    return add_working_days(decided_on, settings.PUBLIC_DISCLOSURE["publish_working_days"])


def _money(value) -> str:
    return f"{value:,.2f}"


def _case_text(case: Case) -> dict:
    names = [case.party_name] if case.party_kind == Case.PartyKind.PERSON else []
    if case.institution_id:
        names.append(case.institution.legal_representative)  # a natural person
    party = mask_name(case.party_name) if case.party_kind == Case.PartyKind.PERSON else case.party_display
    outcome = []
    if case.return_amount:
        outcome.append(f"责令退回医保基金{_money(case.return_amount)}元")
    if case.fine_amount:
        outcome.append(f"处罚款{_money(case.fine_amount)}元")
    if case.confiscation_amount:
        outcome.append(f"没收违法所得{_money(case.confiscation_amount)}元")
    if not outcome:
        outcome.append("给予行政处罚")
    document = (
        Document.objects.filter(case=case, kind=DocumentKind.PENALTY_DECISION, superseded_at__isnull=True)
        .order_by("-issued_at")
        .first()
    )
    return {
        "title": mask_text(case.title, names),
        "party": mask_text(party, names),
        "document_number": document.number if document else "",
        "violations": "；".join(v.name for v in case.violation_types.all()),
        "facts": mask_text(case.facts, names),
        "outcome": "，".join(outcome) + "。",
    }


@transaction.atomic
def disclosure_publish_case(*, case: Case, by=None, now=None) -> Disclosure | None:
    """Publish a decided penalty case (once); None when the case is not publishable."""
    case = Case.objects.select_for_update(of=("self",)).select_related("institution").get(pk=case.pk)
    if case.state not in PUBLISHED_STATES or case.outcome != Case.Outcome.PENALTY or not case.decided_on:
        return None
    existing = Disclosure.objects.filter(case=case).first()
    if existing is not None:
        return existing
    disclosure = Disclosure.objects.create(
        kind=Disclosure.Kind.PENALTY,
        case=case,
        jurisdiction_id=case.jurisdiction_id,
        decided_on=case.decided_on,
        publish_due=publish_due(case.decided_on),
        published_at=now or timezone.now(),
        **_case_text(case),
    )
    audit.record(actor=by, verb="publish", obj=disclosure, after={"case": case.pk, "kind": disclosure.kind}, unit=None)
    _bump_cache()
    return disclosure


@transaction.atomic
def disclosure_publish_termination(*, agreement: Agreement, by=None, now=None) -> Disclosure | None:
    """Publish a terminated service agreement (once), with the measure that terminated it when there is one."""
    agreement = Agreement.objects.select_related("institution").get(pk=agreement.pk)
    if agreement.status != Agreement.Status.TERMINATED:
        return None
    existing = Disclosure.objects.filter(agreement=agreement).first()
    if existing is not None:
        return existing
    change = agreement.history.filter(to_status=Agreement.Status.TERMINATED).order_by("-at", "-pk").first()
    action = (
        AgreementAction.objects.filter(agreement=agreement, kind=AgreementAction.Kind.TERMINATE)
        .filter(state__in=[AgreementAction.State.APPLIED, AgreementAction.State.ENDED])
        .order_by("-applied_at", "-pk")
        .first()
    )
    effective = change.effective_on if change else timezone.localdate()
    grounds = action.grounds if action else (change.reason if change else "")
    names = [agreement.institution.legal_representative]
    disclosure = Disclosure.objects.create(
        kind=Disclosure.Kind.TERMINATION,
        agreement=agreement,
        agreement_action=action,
        jurisdiction_id=agreement.jurisdiction_id,
        title=f"{agreement.institution.name}解除医保服务协议",
        party=agreement.institution.name,
        facts=mask_text(grounds, names),
        outcome=f"解除服务协议（协议编号{agreement.number}），自{effective:%Y年%m月%d日}起生效。",
        decided_on=effective,
        publish_due=publish_due(effective),
        published_at=now or timezone.now(),
    )
    audit.record(actor=by, verb="publish", obj=disclosure, after={"agreement": agreement.pk}, unit=None)
    _bump_cache()
    return disclosure


def disclosures_publish_due(*, today: date | None = None) -> int:
    """Daily: publish every decided penalty case and applied termination not published yet."""
    count = 0
    cases = Case.objects.filter(
        state__in=PUBLISHED_STATES, outcome=Case.Outcome.PENALTY, decided_on__isnull=False, disclosure__isnull=True
    )
    for case in cases.only("pk"):
        count += disclosure_publish_case(case=case) is not None
    terminated = Agreement.objects.filter(status=Agreement.Status.TERMINATED, disclosure__isnull=True)
    for agreement in terminated.only("pk"):
        count += disclosure_publish_termination(agreement=agreement) is not None
    return count


@transaction.atomic
def disclosure_withdraw(*, disclosure: Disclosure, by=None, reason: str) -> Disclosure:
    """Withdraw an entry from the public pages (the decision was revoked); the record is kept."""
    current = Disclosure.objects.select_for_update().get(pk=disclosure.pk)
    if current.withdrawn_at is not None:
        return current
    current.withdrawn_at = timezone.now()
    current.withdrawn_reason = (reason or "")[:300]
    current.save(update_fields=["withdrawn_at", "withdrawn_reason"])
    audit.record(actor=by, verb="withdraw", obj=current, after={"withdrawn_at": current.withdrawn_at}, reason=reason,
                 unit=None)  # fmt: skip
    transaction.on_commit(_bump_cache)
    _bump_cache()
    return current


def outcome_hook(*, kind: str, source, by, data: dict) -> None:
    """Withdraw what a revoked decision or measure had published (enforcement.extensions)."""
    if kind == "case_revoked":
        disclosure = Disclosure.objects.filter(case_id=source.pk).first()
    elif kind == "agreement_action_revoked":
        disclosure = Disclosure.objects.filter(agreement_action_id=source.pk, withdrawn_at__isnull=True).first()
    else:
        return
    if disclosure is not None:
        disclosure_withdraw(disclosure=disclosure, by=by, reason=str(data.get("comment", "")) or "revoked")
