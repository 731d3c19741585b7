"""Supervision models, one module per feature: the organisation, the register, leads, inspections, reports.

Django loads an app's models from ``supervision.models``; this module imports each feature's models so
they register, and re-exports them for code outside the app.
"""

from portal.numbering import NumberSequence
from portal.workdays import CalendarDay
from supervision.accounts.models import *  # noqa: F403 - API tokens of staff accounts
from supervision.inspections.models import (
    ConflictDeclaration,
    Finding,
    Inspection,
    InspectionEvidence,
    InspectionGroupObjectPermission,
    InspectionKind,
    InspectionMember,
    InspectionUserObjectPermission,
    RandomDraw,
)
from supervision.leads.models import ImportBatch, Lead, LeadGroupObjectPermission, LeadUserObjectPermission
from supervision.notifications.models import Notification
from supervision.org.models import (
    AuditEvent,
    OrgUnit,
    Role,
    RoleAssignment,
    ScopedModel,
    User,
)
from supervision.register.models import (
    Agreement,
    AgreementGroupObjectPermission,
    AgreementStatusChange,
    AgreementUserObjectPermission,
    Institution,
    InstitutionGroupObjectPermission,
    InstitutionUserObjectPermission,
)
from supervision.reports.models import Report, ReportAttachment, ReportFeedback, SupervisorAppointment
from supervision.screening.models import *  # noqa: F403 - screening's models register with the app

__all__ = [
    "Agreement",
    "AgreementGroupObjectPermission",
    "AgreementStatusChange",
    "AgreementUserObjectPermission",
    "AuditEvent",
    "CalendarDay",
    "ConflictDeclaration",
    "Finding",
    "ImportBatch",
    "Inspection",
    "InspectionEvidence",
    "InspectionGroupObjectPermission",
    "InspectionKind",
    "InspectionMember",
    "InspectionUserObjectPermission",
    "Institution",
    "InstitutionGroupObjectPermission",
    "InstitutionUserObjectPermission",
    "Lead",
    "LeadGroupObjectPermission",
    "LeadUserObjectPermission",
    "Notification",
    "NumberSequence",
    "OrgUnit",
    "RandomDraw",
    "Report",
    "ReportAttachment",
    "ReportFeedback",
    "Role",
    "RoleAssignment",
    "ScopedModel",
    "SupervisorAppointment",
    "User",
]
