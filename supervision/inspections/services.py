"""Inspection services: planning with a team, ``planned → in_progress → finished → closed`` (or
``cancelled``), findings with evidence, cross-inspection grants, and random draws (双随机).

Each service locks the row, checks the role on the record (403), the state (409) and the input (400), and
writes its audit row in the same transaction.
"""

import secrets
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import audit
from portal import evidence as evidence_files
from portal.errors import InvalidState
from portal.extensions import violation_code_choices
from portal.permissions import role_backend
from supervision.inspections import draws
from supervision.inspections.models import (
    ON_SITE_KINDS,
    ConflictDeclaration,
    Finding,
    Inspection,
    InspectionEvidence,
    InspectionKind,
    InspectionMember,
    RandomDraw,
)
from supervision.inspections.transitions import DRAW_TRANSITIONS, STARTED, TRANSITIONS
from supervision.leads.models import Lead
from supervision.notifications.services import notify
from supervision.org.models import OrgUnit, Role, User
from supervision.org.services import access_grant, access_revoke
from supervision.register.models import Institution

S = Inspection.Status
AUDITED = ["status", "started_on", "finished_on", "closed_on", "result", "close_note"]
GRANTED_ACTIONS = ("view", "change")


def _require(user: User, perm: str, obj=None) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied(_("Your role may not do this for this inspection."))


def _locked(inspection: Inspection) -> Inspection:
    return Inspection.objects.select_for_update().select_related("institution", "jurisdiction").get(pk=inspection.pk)


# --- Officers ---------------------------------------------------------------------------------------------


def officer_branch_ids(user: User) -> list[int]:
    """Branches of the units in which ``user`` holds the officer role (empty: a city-wide officer)."""
    branches = set()
    for assignment in user.role_assignments:
        if assignment.role == Role.OFFICER and assignment.unit_id:
            branch = assignment.unit.branch
            if branch is not None:
                branches.add(branch.pk)
    return sorted(branches)


def certified_officers(on: date | None = None, units=None):
    """Active users holding the officer role (in ``units``' subtrees, when given) with a certificate valid
    on the day: the officer pool of draws and the choices of team fields."""
    on = on or timezone.localdate()
    condition = Q(roles__role=Role.OFFICER, roles__is_active=True)
    if units:
        paths = Q()
        for unit in units:
            paths |= Q(roles__unit__path__startswith=unit.path)
        condition &= paths
    return (
        User.objects.filter(condition, is_active=True, certificate_expires__gte=on)
        .exclude(certificate_number="")
        .distinct()
        .order_by("pk")
    )


def _team_errors(*, kind: str, institution: Institution, team: list[User], on: date) -> list[str]:
    errors = []
    if len({u.pk for u in team}) != len(team):
        errors.append(_("An officer is named twice."))
    if not team:
        errors.append(_("Name the officers of the team."))
    branch = institution.jurisdiction.branch
    conflicts = set(
        ConflictDeclaration.objects.filter(institution=institution, officer__in=team, is_active=True).values_list(
            "officer_id", flat=True
        )
    )
    for user in team:
        if not user.is_active or not user.has_role(Role.OFFICER):
            errors.append(_("%(name)s is not an enforcement officer.") % {"name": user})
        elif not user.has_valid_certificate(on):
            errors.append(_("%(name)s has no enforcement certificate valid on %(day)s.") % {"name": user, "day": on})
        elif user.pk in conflicts:
            errors.append(
                _("%(name)s has declared a conflict of interest (回避) with this institution.") % {"name": user}
            )
        elif kind == InspectionKind.CROSS:
            if branch is not None and branch.pk in officer_branch_ids(user):
                errors.append(
                    _("%(name)s works in the institution's own branch: a cross inspection is made by another branch.")
                    % {"name": user}
                )
        elif not role_backend.has_perm(user, "supervision.change_inspection", institution):
            errors.append(_("%(name)s does not work in this institution's branch.") % {"name": user})
    if kind in ON_SITE_KINDS and len(team) < 2:
        errors.append(_("An on-site inspection needs a team of at least two certified officers."))
    return errors


def _grant_team(inspection: Inspection, by: User | None) -> None:
    """Members who do not see the record by their own role (a cross-inspection team from another branch)
    get view and change grants on exactly this record, until it is closed or cancelled."""
    for member in inspection.members.select_related("user"):
        if member.granted or role_backend.has_perm(member.user, "supervision.change_inspection", inspection):
            continue
        access_grant(
            obj=inspection,
            to=member.user,
            by=by,
            actions=GRANTED_ACTIONS,
            check=False,
            reason=audit.official_text("Inspection team member for the inspection's duration"),
        )
        member.granted = True
        member.save(update_fields=["granted"])


def _revoke_team(inspection: Inspection, by: User | None, reason: str) -> None:
    for member in inspection.members.filter(granted=True).select_related("user"):
        access_revoke(obj=inspection, frm=member.user, by=by, actions=GRANTED_ACTIONS, check=False, reason=reason)
        member.granted = False
        member.save(update_fields=["granted"])


# --- Inspections ------------------------------------------------------------------------------------------


@transaction.atomic
def inspection_create(
    *,
    by: User,
    kind: str,
    institution: Institution,
    title: str,
    planned_on: date,
    team: list[User],
    draw: RandomDraw | None = None,
    check: bool = True,
) -> Inspection:
    """Plan an inspection of one institution with its team (the first member leads it).

    On-site kinds need at least two officers with certificates valid on the planned day; a cross inspection
    is made by officers of another branch, who get grants on this record for its duration.
    """
    inspection = Inspection(
        kind=kind,
        title=(title or "").strip(),
        institution=institution,
        jurisdiction_id=institution.jurisdiction_id,
        planned_on=planned_on,
        draw=draw,
        created_by=by,
    )
    inspection.full_clean(exclude=["team"])
    if check:
        _require(by, "supervision.add_inspection", inspection)
    errors = _team_errors(kind=kind, institution=institution, team=team, on=planned_on)
    if errors:
        raise ValidationError({"team": errors})
    inspection.save()
    InspectionMember.objects.bulk_create(
        InspectionMember(inspection=inspection, user=user, is_leader=index == 0) for index, user in enumerate(team)
    )
    audit.record(
        actor=by, verb="create", obj=inspection, after={**audit.snapshot(inspection), "team": [u.pk for u in team]}
    )
    _grant_team(inspection, by)
    notify(team, "inspection_member", target=inspection, label=f"{institution.name} · {inspection.title}", by=by)
    return inspection


@transaction.atomic
def inspection_start(*, inspection: Inspection, by: User, on: date | None = None) -> Inspection:
    """The team starts work; an on-site team must still hold two valid certificates."""
    current = _locked(inspection)
    TRANSITIONS.check(current, "start", by)
    on = on or timezone.localdate()
    if current.is_on_site:
        members = [m.user for m in current.members.select_related("user")]
        if sum(1 for u in members if u.has_valid_certificate(on)) < 2:
            raise ValidationError({"team": _("At least two team members need an enforcement certificate valid today.")})
    before = audit.snapshot(current, AUDITED)
    current.status, current.started_on = S.IN_PROGRESS, on
    current.save()
    audit.record(actor=by, verb="start_inspection", obj=current, before=before, after=audit.snapshot(current, AUDITED))
    return current


@transaction.atomic
def inspection_add_finding(
    *, inspection: Inspection, by: User, violation_code: str, description: str, amount=0, evidence=None
) -> Finding:
    """Record a finding while the inspection is in progress; the evidence file is kept with its SHA-256."""
    current = _locked(inspection)
    TRANSITIONS.check(current, "add_finding", by)
    errors = {}
    code = (violation_code or "").strip()
    if code not in dict(violation_code_choices()):
        errors["violation_code"] = _("Unknown violation code: %s") % (code or "—")
    if not (description or "").strip():
        errors["description"] = _("Describe the finding.")
    amount = Decimal(amount or 0)
    if amount < 0:
        errors["amount"] = _("The amount cannot be negative.")
    if evidence is not None:
        # The portal's one evidence path: type from the content, size capped, SHA-256 (portal.evidence).
        problem = evidence_files.problem(evidence, "evidence")
        if problem is not None:
            errors.update({k: v[0] for k, v in problem.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    finding = Finding(
        inspection=current, violation_code=code, description=description.strip(), amount=amount, recorded_by=by
    )
    finding.save()
    sha256 = ""
    if evidence is not None:
        item = InspectionEvidence(finding=finding, recorded_by=by)
        evidence_files.store(item, evidence, field="evidence")
        item.save()
        sha256 = item.sha256
    audit.record(
        actor=by,
        verb="add_finding",
        obj=current,
        after={"finding": finding.pk, "violation_code": code, "amount": amount, "sha256": sha256},
    )
    return finding


@transaction.atomic
def inspection_evidence_record_download(*, evidence: InspectionEvidence, by: User) -> InspectionEvidence:
    """Every download of a finding's evidence file leaves an audit row (who, which file, its SHA-256)."""
    after = {"finding": evidence.finding_id, "file": evidence.original_name, "sha256": evidence.sha256}
    audit.record(actor=by, verb="download", obj=evidence, after=after)
    return evidence


@transaction.atomic
def inspection_finish(*, inspection: Inspection, by: User, result: str, on: date | None = None) -> Inspection:
    """The team records the result; the inspection waits for the chief to close it."""
    current = _locked(inspection)
    TRANSITIONS.check(current, "finish", by)
    if not (result or "").strip():
        raise ValidationError({"result": _("Write the result of the inspection.")})
    before = audit.snapshot(current, AUDITED)
    current.status, current.finished_on, current.result = S.FINISHED, on or timezone.localdate(), result.strip()
    current.save()
    audit.record(actor=by, verb="finish_inspection", obj=current, before=before, after=audit.snapshot(current, AUDITED))
    return current


@transaction.atomic
def inspection_close(*, inspection: Inspection, by: User, note: str = "") -> Inspection:
    """The chief closes a finished inspection; grants held by its team end here."""
    current = _locked(inspection)
    TRANSITIONS.check(current, "close", by)
    before = audit.snapshot(current, AUDITED)
    current.status, current.closed_on, current.close_note = S.CLOSED, timezone.localdate(), (note or "").strip()
    current.save()
    audit.record(
        actor=by,
        verb="close_inspection",
        obj=current,
        before=before,
        after=audit.snapshot(current, AUDITED),
        reason=current.close_note,
    )
    _revoke_team(current, by, audit.official_text("The inspection was closed."))
    return current


@transaction.atomic
def inspection_cancel(*, inspection: Inspection, by: User, reason: str) -> Inspection:
    """The chief cancels a planned or running inspection, with a reason; grants end here."""
    current = _locked(inspection)
    TRANSITIONS.check(current, "cancel", by)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for cancelling.")})
    before = audit.snapshot(current, AUDITED)
    current.status, current.closed_on, current.close_note = S.CANCELLED, timezone.localdate(), reason.strip()
    current.save()
    audit.record(
        actor=by,
        verb="cancel_inspection",
        obj=current,
        before=before,
        after=audit.snapshot(current, AUDITED),
        reason=current.close_note,
    )
    _revoke_team(current, by, audit.official_text("The inspection was cancelled."))
    return current


def inspection_actions(inspection: Inspection, user: User) -> dict[str, bool]:
    """Which steps ``user`` may take on ``inspection`` now (pages and the API): the inspection's table."""
    return TRANSITIONS.flags(inspection, user)


@transaction.atomic
def finding_to_lead(*, finding: Finding, by: User) -> Lead:
    """The confirmed lead (source ``inspection``) through which a finding's follow-up goes; created once.

    The enforcement app calls this inside its own transaction, after checking that ``by`` may open the
    follow-up (a case or an agreement action) for the institution.
    """
    current = Finding.objects.select_for_update().select_related("inspection__institution").get(pk=finding.pk)
    if current.lead_id:
        return current.lead
    inspection = current.inspection
    if inspection.status not in STARTED:
        raise InvalidState(_("Follow-ups are opened from the findings of a started inspection."))
    today = timezone.localdate()
    lead = Lead.objects.create(
        source=Lead.Source.INSPECTION,
        institution=inspection.institution,
        jurisdiction_id=inspection.institution.jurisdiction_id,
        description=current.description,
        amount=current.amount,
        received_on=timezone.localdate(current.recorded_at),
        status=Lead.Status.CONFIRMED,
        decided_on=today,
        decided_by=by,
        decision_note=audit.official_text("Confirmed by the inspection's finding."),
        created_by=by,
    )
    current.lead = lead
    current.save(update_fields=["lead"])
    audit.record(actor=by, verb="create", obj=lead, after={**audit.snapshot(lead), "finding": current.pk})
    return lead


# --- Random draws (双随机) ---------------------------------------------------------------------------------


def grade_weights() -> dict[str, str]:
    """Credit grade → draw weight (configurable, domain §3); institutions without a grade weigh the default."""
    config = settings.RANDOM_DRAW
    return {**{k: str(v) for k, v in config["grade_weights"].items()}, "": str(config["default_weight"])}


def draw_institution_pool(*, by: User, units=None, kinds=None):
    """Institutions a draw may target: in the drawer's scope for draws, narrowed by units and kinds."""
    from portal.scoping import subtree_units

    scope = by.scope_units(roles={str(r) for r in _draw_roles()})
    queryset = Institution.objects.all()
    if not any(unit.parent_id is None for unit in scope):
        queryset = queryset.filter(jurisdiction_id__in=subtree_units(scope)) if scope else queryset.none()
    if units:
        queryset = queryset.filter(jurisdiction_id__in=subtree_units(units))
    if kinds:
        queryset = queryset.filter(kind__in=kinds)
    return queryset.select_related("jurisdiction").order_by("pk")


def _draw_roles():
    from portal.permissions import roles_for

    return roles_for("supervision.add_randomdraw")


def _draw_unit(by: User) -> OrgUnit:
    units = by.scope_units(roles={str(r) for r in _draw_roles()})
    if not units:
        raise PermissionDenied(_("Your role may not run random draws."))
    return units[0] if len(units) == 1 else OrgUnit.objects.get(parent__isnull=True)


@transaction.atomic
def draw_run(
    *,
    by: User,
    title: str,
    kind: str,
    planned_on: date,
    institutions,
    officers,
    count: int | None = None,
    ratio=None,
    team_size: int | None = None,
    seed: int | None = None,
    criteria: dict | None = None,
) -> RandomDraw:
    """Draw targets and teams from the two pools, record everything needed to re-run it, and plan one
    inspection per target with its team (cross inspections: the team gets grants on exactly those records)."""
    if not by.has_perm("supervision.add_randomdraw"):
        raise PermissionDenied(_("Your role may not run random draws."))
    if kind not in RandomDraw.Kind.values:
        raise ValidationError({"kind": _("Choose random or cross inspection.")})
    institutions = list(institutions)
    officers = list(officers)
    allowed = set(draw_institution_pool(by=by).filter(pk__in=[i.pk for i in institutions]).values_list("pk", flat=True))
    if any(i.pk not in allowed for i in institutions):
        raise PermissionDenied(_("The institution pool reaches outside your jurisdiction."))
    if not institutions:
        raise ValidationError({"institutions": _("The institution pool is empty: widen the criteria.")})
    team_size = team_size or settings.RANDOM_DRAW["team_size"]
    if team_size < 2:
        raise ValidationError({"team_size": _("A team has at least two inspectors.")})
    if count is None and ratio is None:
        ratio = Decimal(str(settings.RANDOM_DRAW["ratio"]))
    if count is not None and not 1 <= count <= len(institutions):
        raise ValidationError({"count": _("Draw between 1 and %(max)s targets.") % {"max": len(institutions)}})
    if ratio is not None and count is None and not Decimal(0) < Decimal(str(ratio)) <= 1:
        raise ValidationError({"ratio": _("The ratio lies between 0 and 100 %.")})
    today = timezone.localdate()
    officers = [o for o in officers if o.has_role(Role.OFFICER) and o.has_valid_certificate(max(planned_on, today))]
    weights = grade_weights()
    institution_pool = sorted(
        [i.pk, weights.get(i.credit_grade, weights[""]), getattr(i.jurisdiction.branch, "pk", None)]
        for i in institutions
    )
    officer_pool = sorted([o.pk, officer_branch_ids(o)] for o in officers)
    conflicts = sorted(
        [o, i]
        for o, i in ConflictDeclaration.objects.filter(
            is_active=True, officer__in=[o.pk for o in officers], institution__in=[i.pk for i in institutions]
        ).values_list("officer_id", "institution_id")
    )
    seed = int(seed) if seed not in (None, "") else secrets.randbelow(2**63)
    number = draws.target_count(len(institution_pool), count=count, ratio=ratio)
    try:
        result = draws.run_draw(
            seed=seed,
            institutions=institution_pool,
            officers=officer_pool,
            conflicts=conflicts,
            count=number,
            team_size=team_size,
            cross=kind == RandomDraw.Kind.CROSS,
        )
    except draws.DrawError as exc:
        name = next((str(i) for i in institutions if i.pk == exc.institution), "")
        message = _("Not enough eligible officers in the pool for %(name)s: add officers or units.") % {"name": name}
        raise ValidationError({"officers": message if name else str(exc)}) from exc
    draw = RandomDraw.objects.create(
        jurisdiction=_draw_unit(by),
        title=(title or "").strip() or _("Random draw"),
        kind=kind,
        planned_on=planned_on,
        ratio=Decimal(str(ratio)) if count is None else None,
        requested_count=count,
        team_size=team_size,
        seed=str(seed),
        algorithm=draws.ALGORITHM,
        criteria=criteria or {},
        institution_pool=institution_pool,
        officer_pool=officer_pool,
        conflicts=conflicts,
        weights=weights,
        result=result,
        drawn_by=by,
    )
    audit.record(
        actor=by,
        verb="draw",
        obj=draw,
        after={
            "seed": draw.seed,
            "kind": kind,
            "pool": len(institution_pool),
            "officers": len(officer_pool),
            "count": number,
            "result": result,
        },
    )
    by_pk = {i.pk: i for i in institutions}
    users = User.objects.in_bulk([pk for entry in result for pk in entry["team"]])
    for entry in result:
        inspection_create(
            by=by,
            kind=kind,
            institution=by_pk[entry["institution"]],
            title=draw.title,
            planned_on=planned_on,
            team=[users[pk] for pk in entry["team"]],
            draw=draw,
            check=False,
        )
    return draw


def draw_verify(draw: RandomDraw) -> tuple[bool, list[dict]]:
    """Re-run the draw from its record alone; (same result?, the recomputed result)."""
    try:
        again = draws.run_draw(
            seed=int(draw.seed),
            institutions=draw.institution_pool,
            officers=draw.officer_pool,
            conflicts=draw.conflicts,
            count=len(draw.result),
            team_size=draw.team_size,
            cross=draw.kind == RandomDraw.Kind.CROSS,
        )
    except draws.DrawError:
        return False, []
    return again == draw.result, again


@transaction.atomic
def draw_publish(*, draw: RandomDraw, by: User) -> RandomDraw:
    """Publish the result (一公开); the public pages show published draws."""
    current = RandomDraw.objects.select_for_update().get(pk=draw.pk)
    DRAW_TRANSITIONS.check(current, "publish", by)
    current.published_at, current.published_by = timezone.now(), by
    current.save(update_fields=["published_at", "published_by"])
    audit.record(actor=by, verb="publish", obj=current, after={"published_at": current.published_at})
    return current


def draw_publication(draw: RandomDraw) -> list[dict]:
    """The published rows of a draw (for the public pages): institution, planned day, team, status."""
    inspections = draw.inspections.select_related("institution").prefetch_related("members__user")
    by_institution = {i.institution_id: i for i in inspections}
    rows = []
    for entry in draw.result:
        inspection = by_institution.get(entry["institution"])
        if inspection is None:
            continue
        rows.append(
            {
                "institution_code": inspection.institution.code,
                "institution_name": inspection.institution.name,
                "planned_on": inspection.planned_on,
                "inspectors": [str(m.user) for m in inspection.members.all()],
                "status": inspection.status,
                "result": inspection.result if inspection.status == S.CLOSED else "",
            }
        )
    return rows


@transaction.atomic
def conflict_declare(*, officer: User, institution: Institution, reason: str, by: User) -> ConflictDeclaration:
    """Record an officer's conflict of interest (回避) with an institution; later draws exclude the pair."""
    if by.pk != officer.pk and not by.has_perm("supervision.add_randomdraw", institution):
        raise PermissionDenied(_("Only the officer or a chief records a conflict."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason.")})
    declaration, _created = ConflictDeclaration.objects.update_or_create(
        officer=officer, institution=institution, defaults={"reason": reason.strip(), "is_active": True}
    )
    audit.record(actor=by, verb="create", obj=declaration, after=audit.snapshot(declaration))
    return declaration
