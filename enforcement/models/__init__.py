"""Enforcement models: rules as data, cases and their records, agreement actions, issued documents."""

from enforcement.models.agreement_actions import (
    AgreementAction,
    AgreementActionGroupObjectPermission,
    AgreementActionUserObjectPermission,
)
from enforcement.models.cases import (
    OPEN_STATES,
    Case,
    CaseEvent,
    CaseGroupObjectPermission,
    CaseOfficer,
    CaseState,
    CaseUserObjectPermission,
    Discussion,
    Evidence,
    Payment,
    ProposedPenalty,
    Recusal,
    Report,
)
from enforcement.models.documents import (
    Document,
    DocumentGroupObjectPermission,
    DocumentKind,
    DocumentUserObjectPermission,
    PrintBatch,
)
from enforcement.models.rewards import Disclosure, Reward
from enforcement.models.rules import DiscretionBand, PenaltyRule, Thresholds, ViolationType

__all__ = [
    "OPEN_STATES",
    "AgreementAction",
    "AgreementActionGroupObjectPermission",
    "AgreementActionUserObjectPermission",
    "Case",
    "CaseEvent",
    "CaseGroupObjectPermission",
    "CaseOfficer",
    "CaseState",
    "CaseUserObjectPermission",
    "Disclosure",
    "DiscretionBand",
    "Discussion",
    "Document",
    "DocumentGroupObjectPermission",
    "DocumentKind",
    "DocumentUserObjectPermission",
    "Evidence",
    "Payment",
    "PenaltyRule",
    "PrintBatch",
    "ProposedPenalty",
    "Recusal",
    "Report",
    "Reward",
    "Thresholds",
    "ViolationType",
]

from enforcement.legal.models import *  # noqa: F403
