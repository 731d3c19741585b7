"""Checking a proposed penalty against the penalty rules (Regulation Arts 36–44 as data)."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enforcement.cases import clocks
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


# Orders are not penalties (Regulation Arts 36–41: 责令改正…责令退回): they may stand beside a penalty, a
# decision not to penalise, or a transfer.
ORDER_KINDS = frozenset({K.ORDER_CORRECT, K.RETURN_FUNDS})


@dataclass(frozen=True)
class NoPenaltyGround:
    code: str
    label: str
    article: str  # as printed on the decision


NO_PENALTY_GROUNDS = {
    g.code: g
    for g in [
        NoPenaltyGround("minor", gettext_lazy("Minor violation corrected in time, without harmful consequences"),
                        "《中华人民共和国行政处罚法》第三十三条第一款"),
        NoPenaltyGround("first_offence", gettext_lazy("First violation, slight harm, corrected in time"),
                        "《中华人民共和国行政处罚法》第三十三条第一款"),
        NoPenaltyGround("no_fault", gettext_lazy("The party proves it was not at fault"),
                        "《中华人民共和国行政处罚法》第三十三条第二款"),
        NoPenaltyGround("time_barred", gettext_lazy("Not discovered within the limitation period"),
                        "《中华人民共和国行政处罚法》第三十六条"),
        NoPenaltyGround("not_proven", gettext_lazy("The violation is not established"),
                        "《中华人民共和国行政处罚法》第五十七条第一款第（三）项"),
        # A natural person only (APL Arts 30, 31).
        NoPenaltyGround("under_fourteen", gettext_lazy("The person was under fourteen"),
                        "《中华人民共和国行政处罚法》第三十条"),
        NoPenaltyGround("mental_incapacity",
                        gettext_lazy("A person with a mental illness or intellectual disability unable to recognise "
                                     "or control their conduct"),
                        "《中华人民共和国行政处罚法》第三十一条"),
    ]
}  # fmt: skip

NO_PENALTY_TEXT = {
    "minor": "当事人的违法行为轻微并及时改正，没有造成危害后果",
    "first_offence": "当事人系初次违法且危害后果轻微并及时改正",
    "no_fault": "当事人有证据足以证明没有主观过错",
    "time_barred": "当事人的违法行为在法定期限内未被发现",
    "not_proven": "当事人的违法事实不能成立",
    "under_fourteen": "当事人实施违法行为时不满十四周岁",
    "mental_incapacity": "当事人系精神病人（智力残疾人），在不能辨认或者不能控制自己行为时实施了违法行为",
}
PERSON_ONLY_GROUNDS = frozenset({"under_fourteen", "mental_incapacity"})


def check_limitation(case: Case) -> None:
    """APL Art 36: a violation not discovered within the limitation period is not penalised."""
    limit = clocks.limitation(case)
    if limit is not None and limit.expired:
        raise ValidationError(
            {
                "outcome": _(
                    "APL Art 36: the violation of %(start)s was discovered on %(found)s, after the %(years)s-year "
                    "limitation period ended on %(end)s; no penalty may be imposed (the funds are still ordered "
                    "returned)."
                )
                % {"start": limit.starts_on, "found": limit.discovered_on, "years": limit.years, "end": limit.ends_on}
            }
        )


def check_outcome_basis(case: Case, outcome: str, ground: str) -> str:
    """The legal basis of the outcome: a penalty within the limitation period (APL Art 36); a decision not to
    penalise names its ground (APL Arts 33, 36, 57). Returns the ground to record."""
    if outcome == Case.Outcome.PENALTY:
        check_limitation(case)
        return ""
    if outcome != Case.Outcome.NO_PENALTY:
        return ""
    if ground not in NO_PENALTY_GROUNDS:
        raise ValidationError({"no_penalty_ground": _(
            "Name the ground for not penalising: APL Art 33(1) minor or first violation corrected in time, Art 33(2) "
            "no fault, Art 36 limitation period, or Art 57 violation not established."
        )})  # fmt: skip
    if ground in PERSON_ONLY_GROUNDS and case.party_kind != Case.PartyKind.PERSON:
        raise ValidationError({"no_penalty_ground": _("APL Arts 30 and 31 apply to natural persons only.")})
    if ground == "time_barred":
        limit = clocks.limitation(case)
        if limit is None or not limit.expired:
            raise ValidationError({"no_penalty_ground": _(
                "APL Art 36: the limitation period has not run out (record the violation date on the case)."
            )})  # fmt: skip
    return ground


def check_items(case: Case, outcome: str, items: list[dict]) -> None:
    """Validate the penalty items of a report; raise ValidationError naming each bad item."""
    errors = []
    if outcome == Case.Outcome.PENALTY and not any(i["kind"] not in ORDER_KINDS for i in items):
        errors.append(_("A penalty outcome needs at least one penalty item (an order alone is not a penalty)."))
    if outcome != Case.Outcome.PENALTY and any(i["kind"] not in ORDER_KINDS for i in items):
        errors.append(
            _("Without a penalty only orders may be given: to correct or to return funds (Regulation Arts 36–41).")
        )
    person = case.party_kind == Case.PartyKind.PERSON
    for number, item in enumerate(items, start=1):
        kind, rule = item["kind"], item.get("rule")
        amount = item.get("amount") or Decimal("0")
        months = item.get("months") or 0
        prefix = _("Item %(n)s (%(kind)s): ") % {"n": number, "kind": K(kind).label}
        if rule is None:
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
        elif kind == K.WARNING and not rule.warning:
            errors.append(prefix + _("%(rule)s provides no warning (a penalty needs a basis in the rule table).")
                          % {"rule": rule})  # fmt: skip
        elif kind == K.ORDER_CORRECT and not rule.orders_correction:
            errors.append(prefix + _("%(rule)s does not order correction.") % {"rule": rule})
        elif kind == K.BAN and not rule.ban_years:
            errors.append(prefix + _("%(rule)s provides no ban.") % {"rule": rule})
        elif kind == K.TERMINATION and not rule.allows_termination:
            errors.append(prefix + _("%(rule)s does not lead to agreement termination.") % {"rule": rule})
    if errors:
        raise ValidationError({"penalties": errors})
