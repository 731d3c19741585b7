from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = _("Supervision")

    def ready(self):
        from supervision import permissions, worklist_leads  # noqa: F401 - register permissions and home panels
        from supervision.context_processors import NAVIGATION

        present = {url_name for _label, url_name, _perm in NAVIGATION}
        for entry in (
            (_("Leads"), "supervision:lead-list", "supervision.view_lead"),
            (_("Inspections"), "supervision:inspection-list", "supervision.view_inspection"),
        ):
            if entry[1] not in present:
                NAVIGATION.append(entry)
