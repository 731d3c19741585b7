"""Credit's named permissions (issue 7): who reads ratings, imports settlements, applies for and decides
credit repair, records self-correction and fills in assessments."""

from portal.permissions import register
from supervision.org.models import Role
from supervision.permissions import STAFF

register(
    {
        "credit.view_creditrating": STAFF,
        "credit.export_creditrating": STAFF,
        "credit.view_creditscheme": STAFF,
        # Voluntary self-correction earns its bonus on the chief's word (a finished self-inspection is the source).
        "credit.add_selfcorrection": {Role.CHIEF},
        # Fund settlement amounts come from the fund centre and its sub-centres.
        "credit.view_settlementamount": STAFF,
        "credit.import_settlement": {Role.FUND_OFFICER, Role.CHIEF},
        "credit.view_repairapplication": STAFF,
        "credit.add_repairapplication": {Role.OFFICER, Role.FUND_OFFICER, Role.CHIEF},
        "credit.decide_repairapplication": {Role.CHIEF},
        "credit.view_assessment": STAFF,
        "credit.change_assessment": {Role.CHIEF, Role.FUND_OFFICER},
        # Scoring without saving (API assessments/score/): any staff user.
        "credit.score_assessment": STAFF,
    },
    unscoped={"credit.view_creditscheme", "credit.score_assessment"},
)
