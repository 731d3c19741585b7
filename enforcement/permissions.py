"""Enforcement's named permissions: one per procedure action (from the table), plus viewing and exporting."""

from enforcement.cases.procedure import ACTIONS
from portal.permissions import register
from supervision.org.models import Role
from supervision.permissions import STAFF

register(
    {
        "enforcement.view_case": STAFF,
        "enforcement.add_case": {Role.OFFICER},
        "enforcement.export_case": STAFF,
        "enforcement.view_penaltyrule": STAFF,
        "enforcement.view_agreementaction": STAFF,
        "enforcement.add_agreementaction": {Role.FUND_OFFICER, Role.OFFICER, Role.CHIEF},
        "enforcement.approve_agreementaction": {Role.CHIEF, Role.DIRECTOR},
        "enforcement.apply_agreementaction": {Role.FUND_OFFICER, Role.CHIEF},
        # Documents: anyone who sees the record reads its documents; officers assigned to the case and chiefs
        # issue them (fund officers the agreement notices: enforcement.services.documents narrows per kind);
        # chiefs print many at once.
        "enforcement.view_document": STAFF,
        "enforcement.issue_document": {Role.OFFICER, Role.CHIEF, Role.FUND_OFFICER},
        "enforcement.print_document": {Role.CHIEF},
        # The recovery ledger and the statistics (issue 17): read by all staff in scope; the fund officers and
        # chiefs record payments and offsets on it.
        "enforcement.view_recoveryentry": STAFF,
        "enforcement.export_recoveryentry": STAFF,
        "enforcement.add_recoveryentry": {Role.FUND_OFFICER, Role.CHIEF},
        "enforcement.view_statistics": STAFF,
        # Investigation records (issue 15): read with the case; written by officers (the assigned ones: the
        # record's transition table asks).
        "enforcement.view_investigationrecord": STAFF,
        "enforcement.write_investigationrecord": {Role.OFFICER},
        # Evidence (issue 15): assigned officers and the chief add evidence, request a preservation and seal;
        # the head (the branch chief or a director) approves and decides on a preservation.
        "enforcement.view_evidence": STAFF,
        "enforcement.add_evidence": {Role.OFFICER, Role.CHIEF},
        "enforcement.request_preservation": {Role.OFFICER, Role.CHIEF},
        "enforcement.approve_preservation": {Role.CHIEF, Role.DIRECTOR},
        "enforcement.seal_evidence": {Role.OFFICER, Role.CHIEF},
        **{action.permission: action.roles for action in ACTIONS.values()},
    },
    unscoped={"enforcement.view_penaltyrule"},
)
