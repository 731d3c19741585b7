"""Enforcement models: rules as data, cases and their records, agreement actions, issued documents."""

from enforcement.agreement_actions.models import (
    AgreementAction,
    AgreementActionGroupObjectPermission,
    AgreementActionUserObjectPermission,
)
from enforcement.cases.models import (
    OPEN_STATES,
    Case,
    CaseEvent,
    CaseGroupObjectPermission,
    CaseOfficer,
    CaseState,
    CaseUserObjectPermission,
    Discussion,
    Payment,
    ProposedPenalty,
    Recusal,
    Report,
)
from enforcement.documents.models import (
    Document,
    DocumentGroupObjectPermission,
    DocumentKind,
    DocumentUserObjectPermission,
    PrintBatch,
)
from enforcement.evidence.models import Evidence, Preservation, Sealing
from enforcement.hearings.models import HearingRecord
from enforcement.public.models import Disclosure
from enforcement.records.models import InvestigationRecord, RecordAnswer
from enforcement.rewards.models import Reward
from enforcement.rules.models import DiscretionBand, PenaltyRule, Thresholds, ViolationType

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
    "HearingRecord",
    "InvestigationRecord",
    "Payment",
    "PenaltyRule",
    "Preservation",
    "PrintBatch",
    "ProposedPenalty",
    "RecordAnswer",
    "Recusal",
    "Report",
    "Reward",
    "Sealing",
    "Thresholds",
    "ViolationType",
]
from enforcement.legal.models import *  # noqa: F403
from enforcement.recoveries.models import *  # noqa: F403
from enforcement.statistics.models import *  # noqa: F403
