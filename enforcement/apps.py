from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnforcementConfig(AppConfig):
    name = "enforcement"
    verbose_name = _("Enforcement")

    def ready(self):
        from enforcement import permissions, worklist  # noqa: F401 - register permissions and home panels
        from enforcement.procedure import ACTIONS
        from enforcement.services import agreement_action_end_due
        from supervision.context_processors import NAVIGATION
        from supervision.models import AUDIT_VERBS
        from supervision.services import AGREEMENT_REFRESH_HOOKS

        if agreement_action_end_due not in AGREEMENT_REFRESH_HOOKS:
            AGREEMENT_REFRESH_HOOKS.append(agreement_action_end_due)
        present = {url_name for _label, url_name, _perm in NAVIGATION}
        for entry in (
            (_("Cases"), "enforcement:case-list", "enforcement.view_case"),
            (_("Agreement actions"), "enforcement:agreementaction-list", "enforcement.view_agreementaction"),
            (_("Penalty rules"), "enforcement:penaltyrule-list", "enforcement.view_penaltyrule"),
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
        ):
            AUDIT_VERBS.setdefault(verb, label)
