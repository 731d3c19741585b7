"""Enforcement services: the case procedure, agreement actions and issued documents."""

from enforcement.services.agreement_actions import (
    agreement_action_apply,
    agreement_action_approve,
    agreement_action_end_due,
    agreement_action_propose,
    agreement_action_reject,
    agreement_action_revoke,
)
from enforcement.services.cases import InvalidState, case_act, case_check_action, case_open
from enforcement.services.documents import (
    document_check,
    document_issue,
    document_record_download,
    print_batch_build,
    print_batch_create,
)

__all__ = [
    "InvalidState",
    "agreement_action_apply",
    "agreement_action_approve",
    "agreement_action_end_due",
    "agreement_action_propose",
    "agreement_action_reject",
    "agreement_action_revoke",
    "case_act",
    "case_check_action",
    "case_open",
    "document_check",
    "document_issue",
    "document_record_download",
    "print_batch_build",
    "print_batch_create",
]
