"""The steps of an investigation record: ``draft → issued → attached`` (edit while a draft; 定稿并打印 issues
it as its numbered document; 作为证据附卷 files an issued record as evidence). One table, plus the case states in
which each kind may be written, named once here."""

from django.utils.translation import gettext_lazy as _

from enforcement.cases.models import CaseState
from enforcement.records.models import InvestigationRecord, RecordKind
from portal.transitions import TransitionTable, transition
from supervision.org.models import Role

S = InvestigationRecord.State
C = CaseState
K = RecordKind
PERM = "enforcement.write_investigationrecord"

# Where each kind may be written (created, edited, issued): the investigation; and, for inquiries and requests
# for evidence, the later steps before the decision where a statement or a hearing is re-checked (APL Art 45).
RECHECK = frozenset({C.INVESTIGATING, C.NOTIFIED, C.HEARING, C.DECIDING})
WRITING_STATES = {
    K.INQUIRY_NOTICE: RECHECK,
    K.INQUIRY_RECORD: RECHECK,
    K.EVIDENCE_REQUEST: RECHECK,
    K.SITE_INSPECTION_RECORD: frozenset({C.INVESTIGATING}),
    K.ASSISTANCE_LETTER: frozenset({C.INVESTIGATING}),
}
# Records that are evidence (APL Art 46): an inquiry record is a statement or a testimony, an on-site record an
# inspection record. Notices and letters are not. Once the case is decided its evidence is fixed.
EVIDENCE_KINDS = frozenset({K.INQUIRY_RECORD, K.SITE_INSPECTION_RECORD})
# Filing an issued record as evidence: any open state before the decision.
ATTACH_STATES = frozenset(
    {C.INVESTIGATING, C.SUSPENDED, C.REVIEWING, C.LEGAL_REVIEW, C.NOTIFYING, C.NOTIFIED, C.HEARING, C.DECIDING}
)


def case_allows(record: InvestigationRecord, name: str) -> bool:
    """Whether the case's state (and, for filing as evidence, the record's kind) lets step ``name`` be taken on
    the record (else 409)."""
    if name == "attach":
        return record.kind in EVIDENCE_KINDS and record.case.state in ATTACH_STATES
    return record.case.state in WRITING_STATES[record.kind]


def is_assigned(record: InvestigationRecord, user) -> bool:
    return record.case.assignments.filter(user_id=user.pk).exists()


NOT_ASSIGNED = _("Only the officers assigned to the case write its investigation records.")


TRANSITIONS = TransitionTable(
    [
        transition("edit", _("Edit"), {S.DRAFT}, None, perm=PERM, roles={Role.OFFICER}, changes_state=False,
                   guard=is_assigned, refusal=NOT_ASSIGNED,
                   style="outline-secondary"),
        transition("issue", _("Finalise and print"), {S.DRAFT}, S.ISSUED, perm=PERM, roles={Role.OFFICER},
                   guard=is_assigned, refusal=NOT_ASSIGNED,
                   help=_("Numbers the record and stores its PDF; it can no longer be edited.")),
        transition("attach", _("File as evidence"), {S.ISSUED}, S.ATTACHED, perm=PERM, roles={Role.OFFICER},
                   guard=is_assigned, refusal=NOT_ASSIGNED, style="success",
                   help=_("Adds the issued PDF to the case's evidence, with the same SHA-256.")),
    ],
)  # fmt: skip
