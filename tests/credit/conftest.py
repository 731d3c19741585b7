"""Helpers for the credit tests: the enforcement case driver, agreement measures taken through the services,
and the rating of an institution for a year."""

from decimal import Decimal

import pytest
from django.utils import timezone

from credit.models import CreditRating
from enforcement.agreement_actions.services import (
    agreement_action_apply,
    agreement_action_approve,
    agreement_action_propose,
)
from tests.enforcement.conftest import b01_officer2, driver, rules, termination_defaults  # noqa: F401

D = Decimal


def rating_of(institution, year=None) -> CreditRating | None:
    year = year or timezone.localdate().year
    return CreditRating.objects.filter(institution=institution, year=year).first()


@pytest.fixture
def measure(cast, b01_agreement):
    """``measure(kind, **kwargs)`` proposes (B01 fund officer), approves (B01 chief) and applies a measure."""

    def make(kind, *, institution=None, apply=True, **kwargs):
        institution = institution or b01_agreement.institution
        if kind in ("recover", "refuse_payment", "liquidated_damages"):
            kwargs.setdefault("amount", D("5000"))
        if kind == "terminate":
            termination_defaults(kwargs)
        action = agreement_action_propose(by=cast.b01_fund, institution=institution, kind=kind, grounds="违规结算",
                                          **kwargs)  # fmt: skip
        action = agreement_action_approve(action=action, by=cast.b01_chief, comment="同意")
        if kind == "terminate":
            action = agreement_action_approve(action=action, by=cast.director, comment="同意")
        if apply:
            action = agreement_action_apply(action=action, by=cast.b01_fund)
        return action

    return make
