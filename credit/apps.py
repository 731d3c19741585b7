from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    name = "credit"
    verbose_name = _("Credit evaluation")

    def ready(self):
        from credit import permissions, worklist  # noqa: F401 - registers permissions and the home panel
        from credit.panels import rating_panel
        from credit.services import on_outcome
        from portal.context_processors import NAVIGATION
        from portal.extensions import InstitutionPanel, register_institution_panel
        from portal.outcomes import register_outcome_hook
        from supervision.org.models import AUDIT_VERBS

        # Decided penalties, transfers, agreement actions and their revocation become credit events (issue 7).
        register_outcome_hook(on_outcome)
        register_institution_panel(InstitutionPanel("credit/_institution_panel.html", rating_panel))
        present = {url_name for _label, url_name, _perm in NAVIGATION}
        for entry in (
            (_("Credit ratings"), "credit:rating-list", "credit.view_creditrating"),
            (_("Credit repair"), "credit:repair-list", "credit.view_repairapplication"),
            (_("Assessments"), "credit:assessment-list", "credit.view_assessment"),
        ):
            if entry[1] not in present:
                NAVIGATION.append(entry)
        for verb, label in (
            ("credit_event", _("credit event recorded")),
            ("credit_reverse", _("credit event reversed")),
            ("credit_rate", _("credit rating computed")),
            ("credit_grade", _("credit grade changed")),
            ("repair_apply", _("credit repair applied for")),
            ("repair_approve", _("credit repair approved")),
            ("repair_refuse", _("credit repair refused")),
            ("settlement_import", _("fund settlement imported")),
            ("assessment_save", _("assessment saved")),
            ("revoke", _("revoked")),
        ):
            AUDIT_VERBS.setdefault(verb, label)
