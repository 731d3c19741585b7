"""Credit services: events from final outcomes (and their reversal), ratings, repair, settlement amounts and
assessments. Every write runs in a transaction with its audit row; ratings are recomputed in the same
transaction as the event that changes them, and write ``Institution.credit_grade`` (the draw weights)."""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from credit import assessment as engine
from credit.models import (
    Assessment,
    AssessmentPreset,
    CreditEvent,
    CreditItem,
    CreditRating,
    CreditScheme,
    RepairApplication,
)
from credit.rating import compute
from credit.transitions import REPAIR_TRANSITIONS
from enforcement.agreement_actions.models import AgreementAction
from enforcement.cases import gates
from enforcement.cases.models import Case, CaseEvent, ProposedPenalty
from portal import audit, uploads
from supervision.notifications.services import notify
from supervision.org.models import User
from supervision.register.models import Institution

T = CreditItem.Trigger
RATING_AUDITED = ["score", "grade", "veto_reason"]
EVENT_AUDITED = [
    "institution",
    "year",
    "occurred_on",
    "trigger",
    "label",
    "points",
    "is_veto",
    "source_label",
    "reverses",
    "note",
]


def _require(user, perm: str, obj=None) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied(_("Your role may not do this."))


# --- Events ---------------------------------------------------------------------------------------------


def _source_filter(source) -> dict:
    return {"source_type": ContentType.objects.get_for_model(source, for_concrete_model=True), "source_id": source.pk}


def credit_event_record(
    *, institution: Institution, trigger: str, source, source_label: str, on: date, by: User | None, note: str = ""
) -> CreditEvent | None:
    """Record the event the scheme gives ``trigger`` (None when the scheme has no such item, or the same source
    already counts for it). The caller recomputes the rating (``rating_recompute``) in the same transaction."""
    scheme = CreditScheme.objects.for_year(on.year)
    item = scheme.items.filter(trigger=trigger).first() if scheme else None
    if item is None:
        return None
    existing = CreditEvent.objects.filter(
        trigger=trigger, reverses__isnull=True, reversed_by__isnull=True, **_source_filter(source)
    )
    if existing.exists():
        return None  # the same outcome reported twice counts once
    event = CreditEvent.objects.create(
        jurisdiction_id=institution.jurisdiction_id,
        institution=institution,
        year=on.year,
        occurred_on=on,
        trigger=trigger,
        label=item.label,
        points=Decimal("0") if item.kind == CreditItem.Kind.VETO else item.signed_points,
        is_veto=item.kind == CreditItem.Kind.VETO,
        source_label=str(source_label)[:200],
        note=note[:300],
        created_by=by if getattr(by, "pk", None) else None,
        **_source_filter(source),
    )
    audit.record(actor=by, verb="credit_event", obj=event, after=audit.snapshot(event, EVENT_AUDITED))
    return event


def credit_events_reverse(*, source, by: User | None, note: str) -> list[CreditEvent]:
    """Answer every standing event of ``source`` with a compensating event and recompute the ratings."""
    reversals = []
    reversed_ids = CreditEvent.objects.filter(reverses__isnull=False).values("reverses_id")
    standing = (
        CreditEvent.objects.select_for_update()
        .filter(reverses__isnull=True, **_source_filter(source))
        .exclude(pk__in=reversed_ids)
    )
    for event in list(standing):
        reversal = CreditEvent.objects.create(
            jurisdiction_id=event.jurisdiction_id,
            institution_id=event.institution_id,
            year=event.year,
            occurred_on=timezone.localdate(),
            trigger=event.trigger,
            label=event.label,
            points=-event.points,
            is_veto=event.is_veto,
            source_type_id=event.source_type_id,
            source_id=event.source_id,
            source_label=event.source_label,
            reverses=event,
            note=note[:300],
            created_by=by if getattr(by, "pk", None) else None,
        )
        audit.record(
            actor=by, verb="credit_reverse", obj=reversal, after=audit.snapshot(reversal, EVENT_AUDITED), reason=note
        )
        reversals.append(reversal)
    for institution_id, year in {(e.institution_id, e.year) for e in reversals}:
        rating_recompute(institution_id=institution_id, year=year, by=by)
    return reversals


def _case_triggers(case: Case) -> list[str]:
    """What a decided penalty counts as: fraud (veto), Art. 38 / Art. 39 penalties, a department suspension."""
    report = gates.current_report(case)
    penalties = list(report.penalties.select_related("rule")) if report else []
    rules = [p.rule for p in penalties if p.rule_id]
    if not rules:  # the penalty items name no rule: fall back on the violation codes' rules
        rules = [v.rule for v in case.violation_types.select_related("rule") if v.rule_id]
    articles = {rule.article for rule in rules}
    triggers = []
    if gates.is_fraud(case, report):  # the one fraud determination, shared with the collective-discussion gate
        triggers.append(T.PENALTY_FRAUD)
    if "38" in articles:
        triggers.append(T.PENALTY_ART38)
    if "39" in articles:
        triggers.append(T.PENALTY_ART39)
    if any(p.kind == ProposedPenalty.Kind.SUSPENSION for p in penalties):
        triggers.append(T.PENALTY_SUSPENSION)
    return triggers


def on_outcome(*, kind: str, source, by, data: dict) -> None:
    """The hook enforcement calls when an outcome is final (enforcement.extensions), in its transaction."""
    if kind in ("case_revoked", "agreement_action_revoked"):
        credit_events_reverse(source=source, by=by, note=audit.official_text(gettext_lazy("Source revoked")))
        if kind == "case_revoked" and source.institution_id and source.decided_on:
            # The case's amount leaves the 5‰ sum even when it carried no event.
            rating_recompute(institution_id=source.institution_id, year=source.decided_on.year, by=by)
        return
    institution_id = getattr(source, "institution_id", None)
    if institution_id is None:
        return  # a case against a natural person has no institution to rate
    institution = Institution.objects.get(pk=institution_id)
    triggers: list[str] = []
    on = timezone.localdate()
    if kind == "case_decided":
        if source.outcome != Case.Outcome.PENALTY:
            return
        on = source.decided_on or on
        triggers = _case_triggers(source)
        label = f"{source.number} {source.title}"
    elif kind == "case_transferred":
        if data.get("to_police"):
            triggers = [T.POLICE_TRANSFER]
        label = f"{source.number} {source.title}"
    elif kind == "agreement_action_applied":
        triggers = [f"agreement_action:{source.kind}"]
        label = str(source)
    else:
        return
    for trigger in triggers:
        credit_event_record(institution=institution, trigger=trigger, source=source, source_label=label, on=on, by=by)
    # Recompute even without an event: a decided case's amount counts towards the 5‰ veto.
    rating_recompute(institution_id=institution.pk, year=on.year, by=by)


@transaction.atomic
def self_correction_record(*, rating: CreditRating, inspection, by: User, note: str = "") -> CreditEvent:
    """Voluntary self-correction (自查自纠): a closed self-inspection of the institution earns the bonus."""
    _require(by, "credit.add_selfcorrection", rating)
    if inspection.institution_id != rating.institution_id or inspection.kind != "self":
        raise ValidationError({"inspection": _("Choose a self-inspection of this institution.")})
    if inspection.status not in ("finished", "closed"):
        raise ValidationError({"inspection": _("The self-inspection has not been finished.")})
    on = inspection.finished_on or timezone.localdate()
    if on.year != rating.year:
        raise ValidationError({"inspection": _("The self-inspection was finished in another year.")})
    event = credit_event_record(
        institution=rating.institution,
        trigger=T.SELF_CORRECTION,
        source=inspection,
        source_label=inspection.title if hasattr(inspection, "title") else str(inspection),
        on=on,
        by=by,
        note=note,
    )
    if event is None:
        raise ValidationError({"inspection": _("This self-inspection already counts (or the scheme has no bonus).")})
    rating_recompute(institution_id=rating.institution_id, year=rating.year, by=by)
    return event


# --- Ratings --------------------------------------------------------------------------------------------


def rating_recompute(*, institution_id: int, year: int, by: User | None = None) -> CreditRating:
    """Compute and store the rating; write the institution's grade (its latest year's). Audited on change."""
    with transaction.atomic():
        institution = Institution.objects.select_for_update().get(pk=institution_id)
        with translation.override(settings.LANGUAGE_CODE):  # stored text is in the bureau's language
            result = compute(institution_id, year)
        rating = CreditRating.objects.filter(institution_id=institution_id, year=year).first()
        before = audit.snapshot(rating, RATING_AUDITED) if rating else None
        if rating is None:
            rating = CreditRating(institution=institution, year=year)
        rating.jurisdiction_id = institution.jurisdiction_id
        rating.scheme = result["scheme"]
        rating.score, rating.grade = result["score"], result["grade"]
        rating.veto_reason, rating.breakdown = result["veto_reason"], result["breakdown"]
        rating.computed_at = timezone.now()
        rating.save()
        after = audit.snapshot(rating, RATING_AUDITED)
        if before != after:
            audit.record(actor=by, verb="credit_rate", obj=rating, before=before, after=after)
        latest = CreditRating.objects.filter(institution_id=institution_id).order_by("-year").first()
        grade = latest.grade if latest else ""
        if institution.credit_grade != grade:
            Institution.objects.filter(pk=institution_id).update(credit_grade=grade)
            audit.record(
                actor=by,
                verb="credit_grade",
                obj=institution,
                before={"credit_grade": institution.credit_grade},
                after={"credit_grade": grade},
            )
    return rating


def ratings_recompute_all(*, year: int | None = None) -> int:
    """Nightly safety net: recompute every rating of the year (and create those that events call for)."""
    from credit.models import SettlementAmount

    year = year or timezone.localdate().year
    pairs = set(CreditRating.objects.filter(year=year).values_list("institution_id", flat=True))
    pairs |= set(CreditEvent.objects.filter(year=year).values_list("institution_id", flat=True))
    pairs |= set(SettlementAmount.objects.filter(year=year).values_list("institution_id", flat=True))
    for institution_id in sorted(pairs):
        rating_recompute(institution_id=institution_id, year=year)
    return len(pairs)


# --- Credit repair (信用修复) ------------------------------------------------------------------------------


@transaction.atomic
def repair_apply(
    *, by: User, institution: Institution, year: int, reasons: str, evidence_description: str, evidence=None
) -> RepairApplication:
    """Record an institution's repair application with its reasons and evidence."""
    if not Institution.objects.visible_to(by).filter(pk=institution.pk).exists():
        raise ValidationError({"institution": _("Unknown institution.")})
    _require(by, "credit.add_repairapplication", institution)
    if not (reasons or "").strip():
        raise ValidationError({"reasons": _("State the reasons.")})
    if not (evidence_description or "").strip():
        raise ValidationError({"evidence_description": _("Describe the evidence.")})
    if evidence:
        problem = uploads.check_type(evidence, settings.EVIDENCE_TYPES)  # from the content, not only the name
        if problem:
            raise ValidationError({"evidence": problem})
    if RepairApplication.objects.filter(institution=institution, year=year, state="submitted").exists():
        raise ValidationError({"institution": _("An application for this year is already awaiting a decision.")})
    application = RepairApplication(
        institution=institution,
        jurisdiction_id=institution.jurisdiction_id,
        year=year,
        reasons=reasons.strip(),
        evidence_description=evidence_description.strip(),
        submitted_by=by,
    )
    if evidence:
        application.evidence = evidence
    application.save()
    after = audit.snapshot(application, ["institution", "year", "reasons", "evidence_description", "state"])
    after["evidence"] = application.evidence.name or None
    audit.record(actor=by, verb="repair_apply", obj=application, after=after, reason=reasons)
    return application


@transaction.atomic
def repair_decide(*, application: RepairApplication, by: User, approve: bool, comment: str = "") -> RepairApplication:
    """The chief approves (the scheme's repair points are restored) or refuses (with a reason)."""
    current = RepairApplication.objects.select_for_update().select_related("institution").get(pk=application.pk)
    REPAIR_TRANSITIONS.check(current, "approve" if approve else "refuse", by)
    comment = (comment or "").strip()
    if not approve and not comment:
        raise ValidationError({"comment": _("Give the reason.")})
    before = audit.snapshot(current, ["state", "decided_by", "decision_comment"])
    current.state = RepairApplication.State.APPROVED if approve else RepairApplication.State.REFUSED
    current.decided_by, current.decided_at, current.decision_comment = by, timezone.now(), comment
    current.save()
    audit.record(
        actor=by,
        verb="repair_approve" if approve else "repair_refuse",
        obj=current,
        before=before,
        after=audit.snapshot(current, ["state", "decided_by", "decision_comment"]),
        reason=comment,
    )
    verb = "repair_approved" if approve else "repair_refused"
    notify([current.submitted_by], verb, target=current, label=f"{current.institution.name} {current.year}", by=by,
           note=comment)  # fmt: skip
    if approve:
        on = date(current.year, 12, 31) if current.year < timezone.localdate().year else timezone.localdate()
        credit_event_record(
            institution=current.institution,
            trigger=T.REPAIR,
            source=current,
            source_label=str(current),
            on=on,
            by=by,
            note=comment,
        )
        rating_recompute(institution_id=current.institution_id, year=current.year, by=by)
    return current


# --- Assessments -----------------------------------------------------------------------------------------


def assessment_preset(key: str, year) -> AssessmentPreset:
    """The preset of ``key`` for ``year``: 400 naming the field when there is none."""
    if not isinstance(year, int) or isinstance(year, bool):
        try:
            year = int(str(year))
        except (TypeError, ValueError):
            raise ValidationError({"year": [_("Give the year as a number.")]}) from None
    if not AssessmentPreset.objects.filter(key=key).exists():
        raise ValidationError({"preset": [_("Unknown preset: %(key)s") % {"key": key}]})
    preset = AssessmentPreset.objects.filter(key=key, year__lte=year).order_by("-year").first()
    if preset is None:
        raise ValidationError({"year": [_("The preset has no version for %(year)s.") % {"year": year}]})
    return preset


def assessment_veto_hints(*, institution_id: int, year: int) -> list[str]:
    """Records of the year that fall under the assessment's veto (item 10) for the lead institution: applied
    suspensions or terminations, transfers to the police, the 5‰ share. Shown to whoever fills in the veto."""
    hints = []
    measures = AgreementAction.objects.filter(
        institution_id=institution_id,
        kind__in=[AgreementAction.Kind.SUSPEND, AgreementAction.Kind.TERMINATE],
        state__in=[AgreementAction.State.APPLIED, AgreementAction.State.ENDED],
        applied_at__year=year,
    )
    hints += [f"{m.get_kind_display()}：{m.grounds[:60]}" for m in measures]
    transfers = CaseEvent.objects.filter(case__institution_id=institution_id, action="transfer", at__year=year)
    hints += [
        _("Case %(number)s transferred to %(to)s") % {"number": e.case.number, "to": e.payload.get("transfer_to", "")}
        for e in transfers.select_related("case")
        if e.payload.get("to_police")
    ]
    rating = CreditRating.objects.filter(institution_id=institution_id, year=year).first()
    settlement = (rating.breakdown or {}).get("settlement") if rating else None
    if settlement and settlement.get("vetoed"):
        hints.append(_("Violations %(violations)s ≥ %(permille)s‰ of the fund settlement %(amount)s") % settlement)
    return hints


@transaction.atomic
def assessment_save(
    *,
    by: User,
    preset: AssessmentPreset,
    community: str,
    lead_institution: Institution,
    values: dict,
    bonus: list,
    veto: bool,
    veto_note: str = "",
    assessment: Assessment | None = None,
) -> Assessment:
    """Score the values and store them with the result (create, or update ``assessment``)."""
    if not Institution.objects.visible_to(by).filter(pk=lead_institution.pk).exists():
        raise ValidationError({"lead_institution": _("Unknown institution.")})
    _require(by, "credit.change_assessment", lead_institution)
    result = engine.score(preset.definition, values, bonus, veto)
    if assessment is None:
        assessment = Assessment(preset=preset)
        before = None
    else:
        assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
        _require(by, "credit.change_assessment", assessment)
        before = audit.snapshot(assessment, ["community", "values", "bonus", "veto", "score", "band"])
    assessment.community = community.strip()
    assessment.lead_institution = lead_institution
    assessment.jurisdiction_id = lead_institution.jurisdiction_id
    assessment.values = {k: str(v) for k, v in engine.parse_values(preset.definition, values).items()}
    assessment.bonus, assessment.veto, assessment.veto_note = list(dict.fromkeys(bonus)), veto, veto_note
    assessment.score, assessment.band, assessment.result = result.score, result.band, result.as_dict()
    assessment.updated_by = by
    if Assessment.objects.filter(preset=preset, community=assessment.community).exclude(pk=assessment.pk).exists():
        raise ValidationError({"community": _("This community already has an assessment for the year.")})
    assessment.save()
    audit.record(
        actor=by,
        verb="assessment_save",
        obj=assessment,
        before=before,
        after=audit.snapshot(assessment, ["community", "values", "bonus", "veto", "score", "band"]),
    )
    return assessment


__all__ = [
    "assessment_preset",
    "assessment_save",
    "assessment_veto_hints",
    "credit_event_record",
    "credit_events_reverse",
    "on_outcome",
    "rating_recompute",
    "ratings_recompute_all",
    "repair_apply",
    "repair_decide",
    "self_correction_record",
]
