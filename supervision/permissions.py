"""Named domain permissions and the one backend that answers them from roles held in units."""

from portal.permissions import register
from supervision.org.models import Role

STAFF = frozenset(
    {Role.OFFICER, Role.CHIEF, Role.LEGAL_REVIEWER, Role.DIRECTOR, Role.ANALYST, Role.FUND_OFFICER, Role.VIEWER}
)


register(
    {
        "supervision.view_orgunit": STAFF | {Role.ADMIN},
        "supervision.view_institution": STAFF | {Role.SUPERVISOR},
        "supervision.add_institution": {Role.CHIEF, Role.FUND_OFFICER},
        "supervision.change_institution": {Role.CHIEF, Role.FUND_OFFICER},
        "supervision.export_institution": STAFF,
        "supervision.view_agreement": STAFF,
        "supervision.add_agreement": {Role.CHIEF, Role.FUND_OFFICER},
        "supervision.change_agreement": {Role.CHIEF, Role.FUND_OFFICER},
        "supervision.view_auditevent": STAFF,
        # Who may grant or revoke explicit access to a record in their scope.
        "supervision.grant_access": {Role.CHIEF, Role.DIRECTOR},
    },
    unscoped={"supervision.view_orgunit"},
)


# Leads, imports, inspections and random draws (domain §1: officers log leads and inspections; analysts import
# and dispatch leads; chiefs dispatch, decide verification outcomes, close inspections and run draws).
register(
    {
        "supervision.view_lead": STAFF,
        "supervision.add_lead": {Role.OFFICER, Role.CHIEF, Role.ANALYST},
        "supervision.export_lead": STAFF,
        "supervision.import_lead": {Role.ANALYST, Role.CHIEF},
        "supervision.view_importbatch": STAFF,
        "supervision.dispatch_lead": {Role.ANALYST, Role.CHIEF},
        "supervision.verify_lead": {Role.OFFICER, Role.CHIEF},
        "supervision.decide_lead": {Role.CHIEF},
        "supervision.view_inspection": STAFF,
        "supervision.add_inspection": {Role.OFFICER, Role.CHIEF},
        # Start, record findings, finish. A cross-inspection team holds it on its records through grants.
        "supervision.change_inspection": {Role.OFFICER, Role.CHIEF},
        "supervision.close_inspection": {Role.CHIEF},
        "supervision.view_randomdraw": STAFF,
        "supervision.add_randomdraw": {Role.CHIEF, Role.DIRECTOR},
        "supervision.publish_randomdraw": {Role.CHIEF, Role.DIRECTOR},
    }
)
