"""Who may do what in smart screening (registered with the role backend when the app is ready), the
navigation entry and the audit verbs. Screening is run by the monitoring centre's analysts and city-level
chiefs (the role must be held in a city-wide unit: ``imports.may_screen``); branch staff read the leads and
hits of their own branch. The monthly run is a hook of the daily job."""

from django.utils.translation import gettext_lazy as _

from portal.permissions import register
from supervision.org.models import AUDIT_VERBS, Role
from supervision.permissions import STAFF

SCREENERS = {Role.ANALYST, Role.CHIEF, Role.DIRECTOR}

register(
    {
        # The screening pages (rules, runs, imports, catalogue): read.
        "supervision.view_rule": SCREENERS,
        "supervision.run_screening": {Role.ANALYST, Role.CHIEF},
        "supervision.import_settlements": {Role.ANALYST, Role.CHIEF},
        "supervision.change_rule": {Role.ANALYST},
        # Hits are the evidence of a lead: whoever reads the lead reads its hits.
        "supervision.view_hit": STAFF,
    }
)


def ready() -> None:
    from portal.context_processors import NAVIGATION
    from supervision.register.services import AGREEMENT_REFRESH_HOOKS
    from supervision.screening.services import screening_monthly

    # The monthly run rides on the daily job (``refresh_agreements``); the hook itself runs once a month.
    if screening_monthly not in AGREEMENT_REFRESH_HOOKS:
        AGREEMENT_REFRESH_HOOKS.append(screening_monthly)

    entry = (_("Screening"), "supervision:screening:rule-list", "supervision.view_rule")
    if entry[1] not in {url_name for _label, url_name, _perm in NAVIGATION}:
        NAVIGATION.append(entry)
    for verb, label in (
        ("screening_lines_import", _("settlement lines imported")),
        ("catalogue_import", _("catalogue imported")),
        ("rule_create", _("screening rule created")),
        ("rule_update", _("screening rule changed")),
        ("screening_run", _("screening run")),
        ("screening_run_cancel", _("screening run cancelled")),
    ):
        AUDIT_VERBS.setdefault(verb, label)
