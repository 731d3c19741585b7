"""The admin site loads ``enforcement.admin``: each feature registers its own model admins."""

from enforcement.agreement_actions import admin as agreement_actions_admin  # noqa: F401
from enforcement.cases import admin as cases_admin  # noqa: F401
from enforcement.documents import admin as documents_admin  # noqa: F401
from enforcement.evidence import admin as evidence_admin  # noqa: F401
from enforcement.hearings import admin as hearings_admin  # noqa: F401
from enforcement.legal import admin as legal_admin  # noqa: F401 - procedure rules, termination grounds
from enforcement.public import admin as public_admin  # noqa: F401
from enforcement.records import admin as records_admin  # noqa: F401
from enforcement.rules import admin as rules_admin  # noqa: F401
