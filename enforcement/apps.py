from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnforcementConfig(AppConfig):
    name = "enforcement"
    verbose_name = _("Enforcement")

    def ready(self):
        from django.core import checks

        from enforcement.agreement_actions.services import agreement_action_end_due
        from enforcement.cases.models import CaseState
        from enforcement.cases.procedure import ACTIONS
        from enforcement.follow_ups import hooks as leads_hooks
        from portal.context_processors import NAVIGATION
        from portal.pdf import check_fonts
        from supervision.org.models import AUDIT_REFERENCES, AUDIT_VALUES, AUDIT_VERBS
        from supervision.register.services import AGREEMENT_REFRESH_HOOKS

        # Register the domain permissions and the home panels, in the order the panels are shown.
        for module in (
            "enforcement.permissions",
            "enforcement.cases.worklist",
            "enforcement.agreement_actions.worklist",
            "enforcement.rewards.worklist",
        ):
            import_module(module)
        leads_hooks.register()  # lead and finding follow-ups, the violation codes of findings (issue 5)
        from enforcement.rewards import hooks as rewards_hooks

        rewards_hooks.register_all()  # rewards, public disclosure (issue 6)
        # Printable documents (issue 4): a deploy check only, looking the font up costs ~0.7 s.
        checks.register(check_fonts, "enforcement", deploy=True)
        from enforcement.recoveries.services import on_outcome as ledger_on_outcome
        from portal.outcomes import register_outcome_hook

        register_outcome_hook(ledger_on_outcome)  # decisions and measures write the recovery ledger (issue 17)
        from enforcement.statistics.views import director_home_section
        from portal.worklist import register_section

        register_section(director_home_section)  # the year's figures and charts on the director's home (issue 17)
        from enforcement.statistics import hooks as statistics_hooks
        from enforcement.statistics.tasks import statistics_nightly

        statistics_hooks.register()  # writes dated in a stored month queue the statistics' refresh
        for hook in (agreement_action_end_due, statistics_nightly):  # daily jobs of refresh_agreements
            if hook not in AGREEMENT_REFRESH_HOOKS:
                AGREEMENT_REFRESH_HOOKS.append(hook)
        from enforcement.agreement_actions.services import check_reapplication
        from supervision.register.services import AGREEMENT_CREATE_CHECKS

        if check_reapplication not in AGREEMENT_CREATE_CHECKS:  # the re-application ban (issue 14)
            AGREEMENT_CREATE_CHECKS.append(check_reapplication)
        present = {url_name for _label, url_name, _perm in NAVIGATION}
        for entry in (
            (_("Cases"), "enforcement:case-list", "enforcement.view_case"),
            (_("Agreement actions"), "enforcement:agreementaction-list", "enforcement.view_agreementaction"),
            (_("Documents"), "enforcement:document-list", "enforcement.view_document"),
            (_("Penalty rules"), "enforcement:penaltyrule-list", "enforcement.view_penaltyrule"),
            (_("Recoveries"), "enforcement:recovery-list", "enforcement.view_recoveryentry"),  # issue 17
            (_("Statistics"), "enforcement:statistics", "enforcement.view_statistics"),  # issue 17
            (_("Deadline calculator"), "enforcement:deadline-calculator", "enforcement.view_penaltyrule"),
        ):
            if entry[1] not in present:
                NAVIGATION.append(entry)
        # The audit history shows the verbs our services write by their names.
        for name, action in ACTIONS.items():
            AUDIT_VERBS.setdefault(name, action.label)
        for verb, label in (
            ("open", _("case opened")),
            ("propose", _("proposed")),
            ("approve", _("approved")),
            ("reject", _("rejected")),
            ("apply", _("applied")),
            ("end", _("ended")),
            ("issue_document", _("document issued")),
            ("download", _("downloaded")),
            ("ledger_obligation", _("amount owed recorded")),
            ("ledger_payment", _("payment recorded in the ledger")),
            ("ledger_offset", _("offset recorded")),
            ("ledger_cancellation", _("amount owed cancelled")),
        ):
            AUDIT_VERBS.setdefault(verb, label)
        # Records our services name by id in an audit row (an investigation record's case, its evidence…).
        for key, model in (
            ("case", "enforcement.Case"),
            ("document", "enforcement.Document"),
            ("evidence", "enforcement.Evidence"),
        ):
            AUDIT_REFERENCES.setdefault(key, model)
        # A case's state kept aside while it is suspended: shown by its name.
        AUDIT_VALUES.setdefault("suspended_from_state", dict(CaseState.choices))
