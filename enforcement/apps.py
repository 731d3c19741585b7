from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnforcementConfig(AppConfig):
    name = "enforcement"
    verbose_name = _("Enforcement")

    def ready(self):
        from enforcement import permissions  # noqa: F401 - registers the domain permissions
        from enforcement.services import agreement_action_end_due
        from supervision.services import AGREEMENT_REFRESH_HOOKS

        if agreement_action_end_due not in AGREEMENT_REFRESH_HOOKS:
            AGREEMENT_REFRESH_HOOKS.append(agreement_action_end_due)
