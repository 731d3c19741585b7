from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnforcementConfig(AppConfig):
    name = "enforcement"
    verbose_name = _("Enforcement")

    def ready(self):
        from django.core import checks

        from enforcement import leads_hooks, permissions, worklist  # noqa: F401 - register permissions and home panels
        from enforcement.pdf import check_fonts
        from enforcement.procedure import ACTIONS
        from enforcement.services import agreement_action_end_due
        from supervision.context_processors import NAVIGATION
        from supervision.models import AUDIT_VERBS
        from supervision.services import AGREEMENT_REFRESH_HOOKS

        leads_hooks.register()  # lead and finding follow-ups, the violation codes of findings (issue 5)
        from enforcement import rewards_hooks

        rewards_hooks.register_all()  # rewards, public disclosure (issue 6)
        # Printable documents (issue 4): a deploy check only, looking the font up costs ~0.7 s.
        checks.register(check_fonts, "enforcement", deploy=True)
        if agreement_action_end_due not in AGREEMENT_REFRESH_HOOKS:
            AGREEMENT_REFRESH_HOOKS.append(agreement_action_end_due)
        from enforcement.services.agreement_actions import check_reapplication
        from supervision.services import AGREEMENT_CREATE_CHECKS

        if check_reapplication not in AGREEMENT_CREATE_CHECKS:  # the re-application ban (issue 14)
            AGREEMENT_CREATE_CHECKS.append(check_reapplication)
        present = {url_name for _label, url_name, _perm in NAVIGATION}
        for entry in (
            (_("Cases"), "enforcement:case-list", "enforcement.view_case"),
            (_("Agreement actions"), "enforcement:agreementaction-list", "enforcement.view_agreementaction"),
            (_("Documents"), "enforcement:document-list", "enforcement.view_document"),
            (_("Penalty rules"), "enforcement:penaltyrule-list", "enforcement.view_penaltyrule"),
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
        ):
            AUDIT_VERBS.setdefault(verb, label)
