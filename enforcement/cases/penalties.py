"""Checking a proposed penalty against the penalty rules (Regulation Arts 36–44 as data)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from enforcement.cases.models import Case, ProposedPenalty
from enforcement.rules.models import PenaltyRule

K = ProposedPenalty.Kind


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"


def describe_range(rule: PenaltyRule, amount: Decimal | None) -> str:
    """The allowed fine for the rule, in words, e.g. 'Art 40: 2–5× the amount involved: 20,000.00–50,000.00'."""
    if rule.fine_basis == PenaltyRule.FineBasis.FIXED:
        return _("%(rule)s: a fine of %(low)s–%(high)s CNY") % {
            "rule": rule, "low": _money(rule.fine_min_amount), "high": _money(rule.fine_max_amount)
        }  # fmt: skip
    if rule.fine_basis == PenaltyRule.FineBasis.MULTIPLE:
        text = _("%(rule)s: %(low)s–%(high)s× the amount") % {
            "rule": rule, "low": rule.fine_min_multiple.normalize(), "high": rule.fine_max_multiple.normalize()
        }  # fmt: skip
        bounds = rule.fine_range(amount)
        if bounds:
            text += _(" (%(low)s–%(high)s CNY for %(amount)s)") % {
                "low": _money(bounds[0]), "high": _money(bounds[1]), "amount": _money(amount)
            }  # fmt: skip
        return text
    return _("%(rule)s: no fine") % {"rule": rule}


def check_items(case: Case, outcome: str, items: list[dict]) -> None:
    """Validate the penalty items of a report; raise ValidationError naming each bad item."""
    errors = []
    if outcome == Case.Outcome.PENALTY and not items:
        errors.append(_("A penalty outcome needs at least one penalty item."))
    if outcome != Case.Outcome.PENALTY and items:
        errors.append(_("Only a penalty outcome has penalty items."))
    person = case.party_kind == Case.PartyKind.PERSON
    for number, item in enumerate(items, start=1):
        kind, rule = item["kind"], item.get("rule")
        amount = item.get("amount") or Decimal("0")
        months = item.get("months") or 0
        prefix = _("Item %(n)s (%(kind)s): ") % {"n": number, "kind": K(kind).label}
        if kind != K.WARNING and rule is None:
            errors.append(prefix + _("name the article it is based on."))
            continue
        if rule is not None:
            subject_ok = rule.subject in (
                (PenaltyRule.Subject.INDIVIDUAL, PenaltyRule.Subject.ANYONE) if person
                else (PenaltyRule.Subject.INSTITUTION, PenaltyRule.Subject.AGENCY, PenaltyRule.Subject.HEAD,
                      PenaltyRule.Subject.ANYONE)
            )  # fmt: skip
            if not subject_ok:
                errors.append(prefix + _("%(rule)s does not apply to this party.") % {"rule": rule})
        if kind in (K.FINE, K.RETURN_FUNDS, K.CONFISCATION) and amount <= 0:
            errors.append(prefix + _("give a positive amount."))
            continue
        if kind == K.FINE:
            basis = item.get("basis_amount") or case.amount_involved
            bounds = rule.fine_range(basis)
            if bounds is None:
                errors.append(prefix + _("%(rule)s provides no fine.") % {"rule": rule})
            elif not bounds[0] <= amount <= bounds[1]:
                errors.append(
                    prefix
                    + _("%(amount)s CNY is outside the allowed range. %(range)s.")
                    % {"amount": _money(amount), "range": describe_range(rule, basis)}
                )
        elif kind == K.RETURN_FUNDS:
            if not rule.return_funds:
                errors.append(prefix + _("%(rule)s does not order funds returned.") % {"rule": rule})
            elif amount > case.amount_involved:
                errors.append(
                    prefix
                    + _("more than the amount involved (%(amount)s CNY).") % {"amount": _money(case.amount_involved)}
                )
        elif kind == K.CONFISCATION and not rule.confiscation:
            errors.append(prefix + _("%(rule)s provides no confiscation.") % {"rule": rule})
        elif kind == K.SUSPENSION:
            if not rule.suspension_max_months:
                errors.append(prefix + _("%(rule)s provides no suspension.") % {"rule": rule})
            elif not rule.suspension_min_months <= months <= rule.suspension_max_months:
                errors.append(prefix + _("%(rule)s allows %(low)s–%(high)s months.") % {
                    "rule": rule, "low": rule.suspension_min_months, "high": rule.suspension_max_months
                })  # fmt: skip
        elif kind == K.BAN and not rule.ban_years:
            errors.append(prefix + _("%(rule)s provides no ban.") % {"rule": rule})
        elif kind == K.TERMINATION and not rule.allows_termination:
            errors.append(prefix + _("%(rule)s does not lead to agreement termination.") % {"rule": rule})
    if errors:
        raise ValidationError({"penalties": errors})
